use alloy_primitives::{Address, FixedBytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use module_kit::testing::hostile::truncated;
use module_kit::testing::*;

use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/IParamRulesModule.sol"
);
sol! {
    function transfer(address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
}
use IParamRulesModule as I;
use IParamRulesModule::{IParamRulesModuleCalls, IParamRulesModuleErrors as Errors, IParamRulesModuleEvents};

const ENTITY: u32 = 9;
const TOKEN: Address = Address::new([0x70; 20]);
const BOB: Address = Address::new([0xB0; 20]);
const CAROL: Address = Address::new([0xC0; 20]);
const EVE: Address = Address::new([0xEE; 20]);
const MAX_AMOUNT: u64 = 100;
const TOTAL: u64 = 250;

fn transfer_selector() -> FixedBytes<4> {
    transferCall::SELECTOR.into()
}

fn word(v: u64) -> B256 {
    B256::from(U256::from(v).to_be_bytes::<32>())
}

fn address_word(a: Address) -> B256 {
    a.into_word()
}

fn condition(arg: u16, op: u8, bits: u16, value: B256) -> I::Condition {
    I::Condition {
        target: TOKEN,
        selector: transfer_selector(),
        arg,
        op,
        bits,
        value,
    }
}

/// `transfer(to, amount)`: `to` is Bob or Carol, `amount <= 100`, and the
/// amounts sum to at most 250.
fn rules() -> (Vec<I::Condition>, Vec<I::Total>) {
    (
        vec![
            condition(0, 6, 160, address_word(BOB)),
            condition(1, 3, 256, word(MAX_AMOUNT)),
            condition(0, 6, 160, address_word(CAROL)),
        ],
        vec![I::Total {
            target: TOKEN,
            selector: transfer_selector(),
            arg: 1,
            bits: 256,
            limit: U256::from(TOTAL),
        }],
    )
}

fn install_data(conditions: Vec<I::Condition>, totals: Vec<I::Total>) -> Vec<u8> {
    (ENTITY, conditions, totals).abi_encode_params()
}

fn installed() -> Harness<ParamRulesModule> {
    let h = harness();
    let (conditions, totals) = rules();
    h.call_ok(ACCOUNT, &on_install(install_data(conditions, totals)));
    h
}

fn pay(to: Address, amount: u64) -> Vec<u8> {
    let data = transferCall { to, amount: U256::from(amount) }.abi_encode();
    execute(TOKEN, U256::ZERO, data)
}

fn not_allowed(arg: u16, value: B256) -> Errors {
    Errors::ParamNotAllowed(I::ParamNotAllowed {
        target: TOKEN,
        selector: transfer_selector(),
        arg,
        value,
    })
}

fn total(h: &Harness<ParamRulesModule>) -> (U256, U256) {
    let got = h.call_ok(
        OTHER_ACCOUNT,
        &I::getParamTotalCall {
            account: ACCOUNT,
            entityId: ENTITY,
            target: TOKEN,
            selector: transfer_selector(),
            arg: 1,
        },
    );
    (got.total, got.limit)
}

#[test]
fn a_call_meeting_every_condition_passes_on_every_path() {
    let h = installed();
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &pay(BOB, 10));
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &pay(CAROL, 10));
    // Five paths, each charged 10 + 10.
    assert_eq!(total(&h), (U256::from(100), U256::from(TOTAL)));
}

#[test]
fn a_recipient_off_the_list_is_refused_on_every_path() {
    let h = installed();
    HookPath::all_err(&h, ACCOUNT, ENTITY, &pay(EVE, 1), &not_allowed(0, address_word(EVE)));
}

#[test]
fn an_amount_above_its_bound_is_refused_on_every_path() {
    let h = installed();
    let err = not_allowed(1, word(MAX_AMOUNT + 1));
    HookPath::all_err(&h, ACCOUNT, ENTITY, &pay(BOB, MAX_AMOUNT + 1), &err);
}

#[test]
fn every_comparison_operator_is_enforced() {
    // (op, value): which amounts of 4, 5 and 6 pass.
    let cases: [(u8, [bool; 3]); 6] = [
        (0, [false, true, false]),
        (1, [true, false, true]),
        (2, [true, false, false]),
        (3, [true, true, false]),
        (4, [false, false, true]),
        (5, [false, true, true]),
    ];
    for (op, passes) in cases {
        let h = harness();
        h.call_ok(ACCOUNT, &on_install(install_data(vec![condition(1, op, 256, word(5))], vec![])));
        for (amount, pass) in [4u64, 5, 6].into_iter().zip(passes) {
            let got = h.call(ACCOUNT, &pre_runtime(ENTITY, pay(BOB, amount)));
            assert_eq!(got.is_ok(), pass, "op {op}, amount {amount}");
        }
    }
}

#[test]
fn other_functions_and_contracts_are_not_judged() {
    let h = installed();
    let approve = approveCall { spender: EVE, amount: U256::MAX }.abi_encode();
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, execute(TOKEN, U256::ZERO, approve)));
    let elsewhere = transferCall { to: EVE, amount: U256::MAX }.abi_encode();
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, execute(BOB, U256::ZERO, elsewhere)));
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, execute(TOKEN, U256::from(1), vec![])));
}

#[test]
fn a_running_total_is_charged_call_by_call_and_refused_over_its_limit() {
    let h = installed();
    for _ in 0..2 {
        h.call_ok(ACCOUNT, &pre_runtime(ENTITY, pay(BOB, MAX_AMOUNT)));
    }
    assert_eq!(total(&h).0, U256::from(200));
    let err: Errors = h.expect_err(|| h.call(ACCOUNT, &pre_runtime(ENTITY, pay(CAROL, 51))));
    assert_eq!(
        err,
        Errors::ParamTotalExceeded(I::ParamTotalExceeded {
            target: TOKEN,
            selector: transfer_selector(),
            arg: 1,
            total: U256::from(251),
            limit: U256::from(TOTAL),
        })
    );
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, pay(CAROL, 50)));
    assert_eq!(total(&h).0, U256::from(TOTAL));
}

#[test]
fn attack_a_batch_splitting_a_total_is_summed() {
    let h = installed();
    let call = |amount: u64| {
        let data = transferCall { to: BOB, amount: U256::from(amount) }.abi_encode();
        (TOKEN, U256::ZERO, data)
    };
    let batch = execute_batch(vec![call(100), call(100), call(51)]);
    let err: Errors = h.expect_err(|| h.call(ACCOUNT, &pre_runtime(ENTITY, batch)));
    assert!(matches!(err, Errors::ParamTotalExceeded(_)), "{err:?}");
    // The refused batch charged nothing.
    assert_eq!(total(&h).0, U256::ZERO);
}

#[test]
fn attack_a_batch_hiding_one_bad_call_is_refused() {
    let h = installed();
    let good = transferCall { to: BOB, amount: U256::from(1) }.abi_encode();
    let bad = transferCall { to: EVE, amount: U256::from(1) }.abi_encode();
    let batch = execute_batch(vec![(TOKEN, U256::ZERO, good), (TOKEN, U256::ZERO, bad)]);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &batch, &not_allowed(0, address_word(EVE)));
}

#[test]
fn attack_dirty_high_bits_in_an_address_argument_are_refused() {
    // The token would read Bob (the low 20 bytes); the rule refuses the word.
    let h = installed();
    let mut data = transferCall { to: BOB, amount: U256::from(1) }.abi_encode();
    data[4] = 0x01;
    let mut dirty = address_word(BOB);
    dirty.0[0] = 0x01;
    let err = Errors::DirtyParam(I::DirtyParam { arg: 0, word: dirty });
    HookPath::all_err(&h, ACCOUNT, ENTITY, &execute(TOKEN, U256::ZERO, data), &err);
}

#[test]
fn attack_calldata_ending_before_an_argument_is_refused() {
    let h = installed();
    let data = truncated(transferCall { to: BOB, amount: U256::from(1) }.abi_encode(), 4 + 32 + 31);
    let err = Errors::MissingParam(I::MissingParam { arg: 1 });
    HookPath::all_err(&h, ACCOUNT, ENTITY, &execute(TOKEN, U256::ZERO, data), &err);
}

#[test]
fn attack_the_key_cannot_exceed_the_total_through_a_second_account() {
    let h = installed();
    let err: Errors = h.expect_err(|| h.call(OTHER_ACCOUNT, &pre_runtime(ENTITY, pay(BOB, 1))));
    assert_eq!(err, not_installed(OTHER_ACCOUNT, ENTITY));
}

#[test]
fn bad_rules_are_refused_at_install_and_nothing_is_written() {
    let good = condition(1, 3, 256, word(1));
    let total = |limit: U256| I::Total {
        target: TOKEN,
        selector: transfer_selector(),
        arg: 1,
        bits: 256,
        limit,
    };
    let cases: Vec<(Vec<I::Condition>, Vec<I::Total>, u64, u8)> = vec![
        (vec![good.clone(), condition(1, 7, 256, word(1))], vec![], 1, 1),
        (vec![condition(1, 3, 12, word(1))], vec![], 0, 2),
        (vec![condition(0, 0, 160, B256::repeat_byte(0xff))], vec![], 0, 3),
        (vec![good.clone(); 7], vec![], 6, 4),
        (vec![I::Condition { selector: FixedBytes::ZERO, ..good.clone() }], vec![], 0, 5),
        (vec![I::Condition { target: Address::ZERO, ..good.clone() }], vec![], 0, 5),
        (vec![good.clone()], vec![total(U256::ZERO)], 1, 6),
        (vec![], vec![total(U256::from(1) << 224)], 0, 6),
        (vec![], vec![total(U256::from(1)), total(U256::from(2))], 1, 6),
    ];
    for (conditions, totals, index, reason) in cases {
        let h = harness();
        let err: Errors = h.expect_err(|| h.call(ACCOUNT, &on_install(install_data(conditions, totals))));
        assert_eq!(
            err,
            Errors::InvalidParamRule(I::InvalidParamRule { index: U256::from(index), reason }),
            "entry {index}, reason {reason}"
        );
        assert!(h.storage().values().all(|v| v.is_zero()), "a refused install wrote storage");
    }
    let h = harness();
    let err: Errors = h.expect_err(|| h.call(ACCOUNT, &on_install(truncated(install_data(vec![good], vec![]), 100))));
    assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
}

#[test]
fn install_emits_the_counts_and_uninstall_forgets_the_total() {
    let h = installed();
    let logs = h.logs();
    let set = logs.iter().find(|(topics, _)| topics[0] == IParamRulesModule::ParamRulesSet::SIGNATURE_HASH);
    let (_, data) = set.expect("ParamRulesSet");
    assert_eq!(data, &(U256::from(3), U256::from(1)).abi_encode_params());
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, pay(BOB, 5)));
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
    let got = h.call_ok(
        OTHER_ACCOUNT,
        &I::getParamTotalCall {
            account: ACCOUNT,
            entityId: ENTITY,
            target: TOKEN,
            selector: transfer_selector(),
            arg: 1,
        },
    );
    assert!(!got.installed);
    // A reinstall starts from nothing.
    let (conditions, totals) = rules();
    h.call_ok(ACCOUNT, &on_install(install_data(conditions, totals)));
    assert_eq!(total(&h), (U256::ZERO, U256::from(TOTAL)));
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<ParamRulesModule>(
        IParamRulesModuleCalls::SELECTORS,
        Errors::SELECTORS,
        IParamRulesModuleEvents::SELECTORS,
        (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}
