//! param-rules (`contracts/param-rules`) granted from the SDK as a custom
//! hook whose install data is given as ABI values (nested tuples, as a
//! permission file's `[[custom]]` gives them), and enforced on its
//! compiled WASM through `EntryPoint.handleOps`: a key may `transfer` an
//! ERC-20 only to Bob or Carol, at most 100 a call and 250 in all. Then the
//! same bounds from a signature with a daily total, in session-rules and in
//! param-rules, each in validation and in execution.

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
                    "(address,bytes4,uint16,uint16,uint256,uint32)[]".into(),
                ],
                values: vec![
                    "entity".into(),
                    format!(
                        "[({t},0xa9059cbb,0,6,160,{}),({t},0xa9059cbb,0,6,160,{}),({t},0xa9059cbb,1,3,256,{})]",
                        word(BOB),
                        word(CAROL),
                        B256::from(U256::from(100).to_be_bytes::<32>())
                    ),
                    format!("[({t},0xa9059cbb,1,256,250,0)]"),
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

/// Where a key's parameter rules run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// session-rules beside the session policy, judging and charging in
    /// validation.
    Policy,
    /// session-rules' execution-phase variant.
    PolicyInExecution,
    /// param-rules' own validation hook.
    Modules,
    /// param-rules as a pre-execution hook.
    ModulesInExecution,
}

const DAY: u64 = 86_400;

/// The bounds from a function signature (`ParamRule::parse`, as `--param`
/// and a permission file's `[[params]]` write them), with a daily total,
/// enforced by session-rules or param-rules, in validation or in
/// execution: allowed, refused with the exact error, and whole again the
/// next day.
fn run(mode: Mode) {
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
            "sum(amount) <= 250 per day".into(),
        ],
    )
    .unwrap();
    let set = PermissionSet::new()
        .functions(t, [Selector::parse("transfer(address,uint256)").unwrap()])
        // Every operation's maximum gas cost, the refused ones included in
        // the execution role (they are validated and paid for).
        .native_limit(U256::from(10u64).pow(U256::from(17)), None)
        .time_window(now, now + 3 * DAY)
        .params(rule);
    let set = match mode {
        Mode::Policy => set,
        Mode::PolicyInExecution => set.as_execution_hooks(),
        Mode::Modules => set.with_modules(),
        Mode::ModulesInExecution => set.with_modules().as_execution_hooks(),
    };
    let hooks = s.grant(&set);
    let module = match mode {
        Mode::Policy | Mode::PolicyInExecution => s.modules.session_rules,
        Mode::Modules | Mode::ModulesInExecution => s.modules.param_rules,
    };
    assert!(hooks.iter().any(|(m, _)| *m == module), "{mode:?}");
    let execution = matches!(mode, Mode::PolicyInExecution | Mode::ModulesInExecution);
    let pay = |to: Address, amount: u64| {
        (
            t,
            U256::ZERO,
            Token::transfer_calldata(to, U256::from(amount)),
        )
    };
    // Refused in validation, or validated, paid for, and reverted in the
    // execution hook.
    let reason = |outcome: OpOutcome| match outcome {
        OpOutcome::ExecutionReverted(_, data) if execution => {
            let wrapped = session_keys::errors::ModuleError::decode(&data)
                .unwrap_or_else(|| panic!("{data}"));
            assert_eq!(wrapped.module, module);
            wrapped.reason.to_vec()
        }
        outcome => {
            assert!(!execution, "{mode:?}: {outcome:?}");
            common::module_refusal(outcome, module)
        }
    };
    let exceeded = |total: u64| ParamTotalExceeded {
        target: t,
        selector: TRANSFER.into(),
        arg: 1,
        total: U256::from(total),
        limit: U256::from(250),
    };
    // What inspect reads back: the rules, and the total's sum today.
    let summed = |s: &mut KeyScene| {
        let (modules, account) = (s.modules, s.account);
        let key = session_keys::inspect::inspect(&mut s.chain, &modules, account, ENTITY).unwrap();
        let params = key.params.expect("parameter rules");
        let ops: Vec<&str> = params.conditions.iter().map(|c| c.op).collect();
        assert_eq!(ops, ["in", "in", "<="], "{mode:?}");
        assert_eq!(params.conditions[2].value, B256::from(U256::from(100)));
        let [total] = &params.totals[..] else {
            panic!("{params:?}")
        };
        assert_eq!(
            (total.arg, total.limit, total.period),
            (1, U256::from(250), 86_400)
        );
        assert_eq!(total.spent + total.remaining, total.limit);
        total.spent
    };
    for day in 0..2 {
        assert_eq!(summed(&mut s), U256::ZERO, "{mode:?}, day {day}");
        let sent = s.send(&[pay(BOB, 100), pay(CAROL, 100)], None);
        assert!(
            matches!(sent, OpOutcome::Executed(_)),
            "{mode:?}, day {day}: {sent:?}"
        );
        let refused = reason(s.send(&[pay(EVE, 1)], None));
        assert_eq!(
            ParamNotAllowed::abi_decode(&refused).unwrap(),
            ParamNotAllowed {
                target: t,
                selector: TRANSFER.into(),
                arg: 0,
                value: EVE.into_word(),
            }
        );
        let over = reason(s.send(&[pay(BOB, 51)], None));
        assert_eq!(
            ParamTotalExceeded::abi_decode(&over).unwrap(),
            exceeded(251)
        );
        let last = s.send(&[pay(BOB, 50)], None);
        assert!(
            matches!(last, OpOutcome::Executed(_)),
            "{mode:?}, day {day}: {last:?}"
        );
        let over = reason(s.send(&[pay(CAROL, 1)], None));
        assert_eq!(
            ParamTotalExceeded::abi_decode(&over).unwrap(),
            exceeded(251)
        );
        assert_eq!(summed(&mut s), U256::from(250), "{mode:?}, day {day}");
        if !execution {
            // The key hints tomorrow's period, whose total is whole: the
            // charge confines the operation to tomorrow, so the EntryPoint
            // refuses it now (AA22) and the refusal charges nothing.
            let tomorrow = session_keys::Chain::timestamp(&mut s.chain).unwrap() + DAY;
            let early = s.send_hinting(&[pay(BOB, 100)], None, tomorrow);
            let OpOutcome::Refused(receipt) = early else {
                panic!("{mode:?}: {early:?}")
            };
            assert!(
                receipt.failure_reason().contains("AA22"),
                "{}",
                receipt.failure_reason()
            );
        }
        // The next day the total is whole again.
        session_keys::Chain::advance_time(&mut s.chain, DAY).unwrap();
    }
    assert_eq!(
        token.balance_of(&mut s.chain.net, BOB),
        U256::from(300),
        "{mode:?}"
    );
    assert_eq!(token.balance_of(&mut s.chain.net, CAROL), U256::from(200));
    assert_eq!(token.balance_of(&mut s.chain.net, EVE), U256::ZERO);
}

#[test]
fn parameter_rules_in_session_rules_through_handle_ops() {
    let test = "parameter_rules_in_session_rules_through_handle_ops";
    if common::built(test) && common::token_fixture(test) {
        run(Mode::Policy);
    }
}

#[test]
fn parameter_rules_in_session_rules_in_execution_through_handle_ops() {
    let test = "parameter_rules_in_session_rules_in_execution_through_handle_ops";
    if common::built(test) && common::token_fixture(test) {
        run(Mode::PolicyInExecution);
    }
}

#[test]
fn parameter_rules_module_through_handle_ops() {
    let test = "parameter_rules_module_through_handle_ops";
    if common::built(test) && common::token_fixture(test) {
        run(Mode::Modules);
    }
}

#[test]
fn parameter_rules_module_in_execution_through_handle_ops() {
    let test = "parameter_rules_module_in_execution_through_handle_ops";
    if common::built(test) && common::token_fixture(test) {
        run(Mode::ModulesInExecution);
    }
}
