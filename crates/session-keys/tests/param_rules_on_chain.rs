//! param-rules (`contracts/param-rules`) granted from the SDK as a custom
//! hook whose install data is given as ABI values (nested tuples, as a
//! permission file's `[[custom]]` gives them), and enforced on its
//! compiled WASM through `EntryPoint.handleOps`: a key may `transfer` an
//! ERC-20 only to Bob or Carol, at most 100 a call and 250 in all.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolError};
use common::KeyScene;
use localnet::contract_code_path;
use session_keys::operation::OpOutcome;
use session_keys::token::{Token, TRANSFER};
use session_keys::{CustomInstall, PermissionSet, Selector};

mod common;

sol! {
    #[derive(Debug, PartialEq)]
    error ParamNotAllowed(address target, bytes4 selector, uint16 arg, bytes32 value);
    #[derive(Debug, PartialEq)]
    error ParamTotalExceeded(address target, bytes4 selector, uint16 arg, uint256 total, uint256 limit);
}

const ENTITY: u32 = 14;
const BOB: Address = Address::new([0xb0; 20]);
const CAROL: Address = Address::new([0xc0; 20]);
const EVE: Address = Address::new([0xee; 20]);

#[test]
fn param_rules_bound_a_keys_transfers_through_handle_ops() {
    let test = "param_rules_bound_a_keys_transfers_through_handle_ops";
    if !common::built(test) || !common::token_fixture(test) {
        return;
    }
    let mut s = KeyScene::new(0x4f, ENTITY);
    let rules = s
        .chain
        .net
        .deploy_stylus_file(contract_code_path("param-rules"));
    let account = s.account;
    let token = Token::deploy(&mut s.chain.net, "USD", U256::from(1_000), account);
    let t = token.address;
    let now = session_keys::Chain::timestamp(&mut s.chain).unwrap();
    let word = |a: Address| a.into_word().to_string();
    let set = PermissionSet::new()
        .functions(t, [Selector::parse("transfer(address,uint256)").unwrap()])
        .native_limit(U256::from(10u64).pow(U256::from(16)), None)
        .time_window(now, now + 3_600)
        .custom_hook(
            rules,
            None,
            CustomInstall::Abi {
                types: vec![
                    "uint32".into(),
                    "(address,bytes4,uint16,uint8,uint16,bytes32)[]".into(),
                    "(address,bytes4,uint16,uint16,uint256)[]".into(),
                ],
                values: vec![
                    "entity".into(),
                    format!(
                        "[({t},0xa9059cbb,0,6,160,{}),({t},0xa9059cbb,0,6,160,{}),({t},0xa9059cbb,1,3,256,{})]",
                        word(BOB),
                        word(CAROL),
                        B256::from(U256::from(100).to_be_bytes::<32>())
                    ),
                    format!("[({t},0xa9059cbb,1,256,250)]"),
                ],
            },
        );
    s.grant(&set);
    let pay = |to: Address, amount: u64| {
        (
            t,
            U256::ZERO,
            Token::transfer_calldata(to, U256::from(amount)),
        )
    };

    assert!(matches!(
        s.send(&[pay(BOB, 100)], None),
        OpOutcome::Executed(_)
    ));
    assert!(matches!(
        s.send(&[pay(CAROL, 100)], None),
        OpOutcome::Executed(_)
    ));
    let reason = common::module_refusal(s.send(&[pay(EVE, 1)], None), rules);
    assert_eq!(
        ParamNotAllowed::abi_decode(&reason).unwrap(),
        ParamNotAllowed {
            target: t,
            selector: TRANSFER.into(),
            arg: 0,
            value: EVE.into_word(),
        }
    );
    let reason = common::module_refusal(s.send(&[pay(BOB, 101)], None), rules);
    assert_eq!(ParamNotAllowed::abi_decode(&reason).unwrap().arg, 1);
    // 200 spent: a batch of 25 and 26 takes the total to 251.
    let reason = common::module_refusal(s.send(&[pay(BOB, 25), pay(CAROL, 26)], None), rules);
    assert_eq!(
        ParamTotalExceeded::abi_decode(&reason).unwrap(),
        ParamTotalExceeded {
            target: t,
            selector: TRANSFER.into(),
            arg: 1,
            total: U256::from(251),
            limit: U256::from(250),
        }
    );
    assert!(matches!(
        s.send(&[pay(BOB, 25), pay(CAROL, 25)], None),
        OpOutcome::Executed(_)
    ));
    assert_eq!(token.balance_of(&mut s.chain.net, BOB), U256::from(125));
    assert_eq!(token.balance_of(&mut s.chain.net, CAROL), U256::from(125));
    assert_eq!(token.balance_of(&mut s.chain.net, EVE), U256::ZERO);
}

/// The same bounds from a function signature (`ParamRule::parse`, as
/// `--param` and a permission file's `[[params]]` write them), enforced by
/// the deployed param-rules module, in validation and in execution.
#[test]
fn parameter_rules_from_a_signature_through_handle_ops() {
    let test = "parameter_rules_from_a_signature_through_handle_ops";
    if !common::built(test) || !common::token_fixture(test) {
        return;
    }
    for execution in [false, true] {
        let mut s = KeyScene::new(0x50, ENTITY);
        let account = s.account;
        let token = Token::deploy(&mut s.chain.net, "USD", U256::from(1_000), account);
        let t = token.address;
        let now = session_keys::Chain::timestamp(&mut s.chain).unwrap();
        let rule = session_keys::ParamRule::parse(
            t,
            "transfer(address to,uint256 amount)",
            &[
                format!("to in [{BOB}, {CAROL}]"),
                "amount <= 100".into(),
                "sum(amount) <= 250".into(),
            ],
        )
        .unwrap();
        let mut set = PermissionSet::new()
            .functions(t, [Selector::parse("transfer(address,uint256)").unwrap()])
            // Six operations' maximum gas cost, the refused ones included
            // in the execution role (they are validated and paid for).
            .native_limit(U256::from(10u64).pow(U256::from(17)), None)
            .time_window(now, now + 3_600)
            .params(rule);
        if execution {
            set = set.as_execution_hooks();
        }
        let hooks = s.grant(&set);
        assert!(hooks
            .iter()
            .any(|(module, _)| *module == s.modules.param_rules));
        let pay = |to: Address, amount: u64| {
            (
                t,
                U256::ZERO,
                Token::transfer_calldata(to, U256::from(amount)),
            )
        };
        assert!(matches!(
            s.send(&[pay(BOB, 100), pay(CAROL, 100)], None),
            OpOutcome::Executed(_)
        ));
        let modules = s.modules;
        // Refused in validation, or validated, paid for, and reverted in
        // the execution hook.
        let reason = |outcome: OpOutcome| match outcome {
            OpOutcome::ExecutionReverted(_, data) if execution => {
                let wrapped = session_keys::errors::ModuleError::decode(&data)
                    .unwrap_or_else(|| panic!("{data}"));
                assert_eq!(wrapped.module, modules.param_rules);
                wrapped.reason.to_vec()
            }
            outcome => {
                assert!(!execution, "{outcome:?}");
                common::module_refusal(outcome, modules.param_rules)
            }
        };
        let refused = reason(s.send(&[pay(EVE, 1)], None));
        assert_eq!(
            ParamNotAllowed::abi_decode(&refused).unwrap().value,
            EVE.into_word()
        );
        let over = reason(s.send(&[pay(BOB, 51)], None));
        assert_eq!(
            ParamTotalExceeded::abi_decode(&over).unwrap().total,
            U256::from(251)
        );
        let last = s.send(&[pay(BOB, 50)], None);
        assert!(
            matches!(last, OpOutcome::Executed(_)),
            "execution: {execution}: {last:?}"
        );
        assert_eq!(
            token.balance_of(&mut s.chain.net, BOB),
            U256::from(150),
            "execution: {execution}"
        );
        assert_eq!(token.balance_of(&mut s.chain.net, EVE), U256::ZERO);
    }
}
