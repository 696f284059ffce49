//! param-rules (`contracts/param-rules`) granted from the SDK as a custom
//! hook whose install data is given as ABI values (nested tuples, as a
//! permission file's `[[custom]]` gives them), and enforced on its
//! compiled WASM through `EntryPoint.handleOps`: a key may `transfer` an
//! ERC-20 only to Bob or Carol, at most 100 a call and 250 in all. Then the
//! same bounds from a signature with a daily total, in session-rules and in
//! param-rules, each in validation and in execution. Last, rules that
//! follow ABI paths into an ERC-1155 batch transfer's arrays (OpenZeppelin's
//! Solidity `ERC1155PresetMinterPauser`), a hostile encoding included.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError};
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
    // No ABI path: each rule reads its head word.
    let none = B256::ZERO;
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
                    "(address,bytes4,uint16,uint8,uint16,bytes32,bytes32)[]".into(),
                    "(address,bytes4,uint16,uint16,uint256,uint32,bytes32)[]".into(),
                ],
                values: vec![
                    "entity".into(),
                    format!(
                        "[({t},0xa9059cbb,0,6,160,{},{none}),({t},0xa9059cbb,0,6,160,{},{none}),({t},0xa9059cbb,1,3,256,{},{none})]",
                        word(BOB),
                        word(CAROL),
                        B256::from(U256::from(100).to_be_bytes::<32>())
                    ),
                    format!("[({t},0xa9059cbb,1,256,250,0,{none})]"),
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

/// Why `module` refused an operation: in validation, or (`execution`)
/// validated, paid for, and reverted in the execution hook.
fn refusal(outcome: OpOutcome, execution: bool, module: Address) -> Vec<u8> {
    match outcome {
        OpOutcome::ExecutionReverted(_, data) if execution => {
            let wrapped = session_keys::errors::ModuleError::decode(&data)
                .unwrap_or_else(|| panic!("{data}"));
            assert_eq!(wrapped.module, module);
            wrapped.reason.to_vec()
        }
        outcome => {
            assert!(!execution, "{outcome:?}");
            common::module_refusal(outcome, module)
        }
    }
}

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
    let reason = |outcome: OpOutcome| refusal(outcome, execution, module);
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

sol! {
    #[derive(Debug, PartialEq)]
    error MissingParam(uint16 arg);
    function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data) external;
    function mintBatch(address to, uint256[] ids, uint256[] amounts, bytes data) external;
    function balanceOf(address account, uint256 id) external view returns (uint256);
    function constructorCall(string uri) external;
}

/// An ERC-1155 batch transfer bounded through ABI paths, in param-rules'
/// own hook beside the session policy (session-rules follows no path), in
/// validation or in execution: every id is 1 or 2, every amount at most 10,
/// and the amounts sum to at most 25 a day.
fn run_batch(execution: bool) {
    let test = "parameter_rules_with_abi_paths";
    let Some(mut init_code) = common::solidity_fixture(test, "ERC1155PresetMinterPauser") else {
        return;
    };
    let mut s = KeyScene::new(0x51, ENTITY);
    let account = s.account;
    init_code.extend_from_slice(
        &constructorCallCall {
            uri: "ipfs://items/{id}".into(),
        }
        .abi_encode()[4..],
    );
    let items = s.chain.net.deploy_evm(init_code);
    let ids = |v: &[u64]| v.iter().map(|i| U256::from(*i)).collect::<Vec<_>>();
    let minted = s.chain.net.transact(
        localnet::DEPLOYER,
        items,
        U256::ZERO,
        mintBatchCall {
            to: account,
            ids: ids(&[1, 2, 3]),
            amounts: ids(&[100, 100, 100]),
            data: Default::default(),
        }
        .abi_encode(),
    );
    assert!(minted.success, "{minted}");
    let now = session_keys::Chain::timestamp(&mut s.chain).unwrap();
    let signature =
        "safeBatchTransferFrom(address from,address to,uint256[] ids,uint256[] amounts,bytes data)";
    let rule = session_keys::ParamRule::parse(
        items,
        signature,
        &[
            "ids[*] in [1, 2]",
            "amounts[*] <= 10",
            "sum(amounts[*]) <= 25 per day",
        ],
    )
    .unwrap();
    let set = PermissionSet::new()
        .functions(items, [Selector::parse(signature).unwrap()])
        .native_limit(U256::from(10u64).pow(U256::from(17)), None)
        .time_window(now, now + 3 * DAY)
        .params(rule);
    let set = if execution {
        set.as_execution_hooks()
    } else {
        set
    };
    let hooks = s.grant(&set);
    let module = s.modules.param_rules;
    assert!(hooks.iter().any(|(m, _)| *m == module));
    assert!(hooks.iter().any(|(m, _)| *m == s.modules.session_policy));
    let send = |to: Address, id: &[u64], amount: &[u64]| {
        let data = safeBatchTransferFromCall {
            from: account,
            to,
            ids: ids(id),
            amounts: ids(amount),
            data: Default::default(),
        }
        .abi_encode();
        (items, U256::ZERO, data)
    };
    let reason = |outcome: OpOutcome| refusal(outcome, execution, module);
    let refused = |arg: u16, value: u64| ParamNotAllowed {
        target: items,
        selector: safeBatchTransferFromCall::SELECTOR.into(),
        arg,
        value: B256::from(U256::from(value)),
    };
    let balance = |s: &mut KeyScene, who: Address, id: u64| {
        s.chain
            .net
            .call(
                Address::ZERO,
                items,
                balanceOfCall {
                    account: who,
                    id: U256::from(id),
                }
                .abi_encode(),
            )
            .decode_return::<balanceOfCall>()
            .unwrap()
    };
    for day in 0..2 {
        let sent = s.send(&[send(BOB, &[1, 2], &[10, 5])], None);
        assert!(
            matches!(sent, OpOutcome::Executed(_)),
            "day {day}: {sent:?}"
        );
        let off_list = reason(s.send(&[send(BOB, &[1, 3], &[1, 1])], None));
        assert_eq!(
            ParamNotAllowed::abi_decode(&off_list).unwrap(),
            refused(2, 3)
        );
        let too_many = reason(s.send(&[send(BOB, &[2, 1, 2], &[1, 11, 1])], None));
        assert_eq!(
            ParamNotAllowed::abi_decode(&too_many).unwrap(),
            refused(3, 11)
        );
        // 15 summed today: 6 + 5 is 26.
        let over = reason(s.send(&[send(CAROL, &[1, 2], &[6, 5])], None));
        assert_eq!(
            ParamTotalExceeded::abi_decode(&over).unwrap(),
            ParamTotalExceeded {
                target: items,
                selector: safeBatchTransferFromCall::SELECTOR.into(),
                arg: 3,
                total: U256::from(26),
                limit: U256::from(25),
            }
        );
        // A hostile encoding: the amounts' offset points past a decoy [1]
        // where a canonical encoding puts it, to the [100] the token
        // transfers; the rule reads what the token reads.
        let mut hostile = safeBatchTransferFromCall::SELECTOR.to_vec();
        for w in [account.into_word(), CAROL.into_word()] {
            hostile.extend_from_slice(w.as_slice());
        }
        for w in [0xa0u64, 0x120, 0x160, 1, 1, 1, 1, 1, 100, 0] {
            hostile.extend_from_slice(&U256::from(w).to_be_bytes::<32>());
        }
        let decoded = safeBatchTransferFromCall::abi_decode(&hostile).unwrap();
        assert_eq!(decoded.amounts, ids(&[100]));
        let decoy = reason(s.send(&[(items, U256::ZERO, hostile)], None));
        assert_eq!(
            ParamNotAllowed::abi_decode(&decoy).unwrap(),
            refused(3, 100)
        );
        // An ids length past the calldata.
        let (_, _, mut long) = send(BOB, &[1], &[1]);
        long[4 + 0xa0 + 31] = 0xff;
        let missing = reason(s.send(&[(items, U256::ZERO, long)], None));
        assert_eq!(
            MissingParam::abi_decode(&missing).unwrap(),
            MissingParam { arg: 2 }
        );
        let last = s.send(&[send(CAROL, &[2], &[10])], None);
        assert!(
            matches!(last, OpOutcome::Executed(_)),
            "day {day}: {last:?}"
        );
        // inspect reads back the paths and today's sum.
        let (modules, account) = (s.modules, s.account);
        let key = session_keys::inspect::inspect(&mut s.chain, &modules, account, ENTITY).unwrap();
        let params = key.params.expect("parameter rules");
        let paths: Vec<&str> = params.conditions.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["deref [*]"; 3]);
        assert_eq!(
            (params.totals[0].path.as_str(), params.totals[0].spent),
            ("deref [*]", U256::from(25))
        );
        session_keys::Chain::advance_time(&mut s.chain, DAY).unwrap();
    }
    assert_eq!(balance(&mut s, BOB, 1), U256::from(20));
    assert_eq!(balance(&mut s, BOB, 2), U256::from(10));
    assert_eq!(balance(&mut s, CAROL, 2), U256::from(20));
    assert_eq!(balance(&mut s, CAROL, 1), U256::ZERO);
    assert_eq!(balance(&mut s, account, 3), U256::from(100));
}

#[test]
fn parameter_rules_with_abi_paths_bound_an_erc1155_batch_through_handle_ops() {
    if common::built("parameter_rules_with_abi_paths_bound_an_erc1155_batch_through_handle_ops") {
        run_batch(false);
    }
}

#[test]
fn parameter_rules_with_abi_paths_in_execution_through_handle_ops() {
    if common::built("parameter_rules_with_abi_paths_in_execution_through_handle_ops") {
        run_batch(true);
    }
}
