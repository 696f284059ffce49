use alloy_primitives::{Address, FixedBytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use module_kit::testing::hostile::{self, truncated};
use module_kit::testing::*;
use module_kit::Output;

use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/IParamRulesModule.sol"
);
sol! {
    function transfer(address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
    function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data) external;
    struct Request { address to; bytes data; }
    function forward(Request req) external;
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
        path: B256::ZERO,
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
            period: 0,
            path: B256::ZERO,
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

/// Calls the hook on every path of this run that judges the calls, and
/// expects each to pass.
fn all_ok(h: &Harness<ParamRulesModule>, account_call: &[u8]) {
    for path in PATHS {
        if let Err(revert) = path.call(h, ACCOUNT, ENTITY, account_call.to_vec()) {
            panic!("{path:?} reverted: 0x{}", hex(&revert));
        }
    }
}

/// Calls the hook on every path of this run that judges the calls, and
/// expects each to revert with `expected`, leaving storage untouched.
fn all_err(h: &Harness<ParamRulesModule>, account_call: &[u8], expected: &Errors) {
    for path in PATHS {
        let got: Errors = h.expect_err(|| path.call(h, ACCOUNT, ENTITY, account_call.to_vec()));
        assert_eq!(&got, expected, "on path {path:?}");
    }
}

/// The account call through the hook path that charges the totals.
fn charge(h: &Harness<ParamRulesModule>, account: Address, account_call: Vec<u8>) -> Output {
    CHARGING.call(h, account, ENTITY, account_call)
}

fn charge_ok(h: &Harness<ParamRulesModule>, account_call: Vec<u8>) {
    if let Err(revert) = charge(h, ACCOUNT, account_call) {
        panic!("{CHARGING:?} reverted: 0x{}", hex(&revert));
    }
}

/// `getParamTotal` for `transfer`'s amount.
fn param_total(h: &Harness<ParamRulesModule>) -> I::getParamTotalReturn {
    h.call_ok(
        OTHER_ACCOUNT,
        &I::getParamTotalCall {
            account: ACCOUNT,
            entityId: ENTITY,
            target: TOKEN,
            selector: transfer_selector(),
            arg: 1,
        },
    )
}

fn total(h: &Harness<ParamRulesModule>) -> (U256, U256) {
    let got = param_total(h);
    (got.total, got.limit)
}

#[test]
fn a_call_meeting_every_condition_passes_on_every_path() {
    let h = installed();
    all_ok(&h, &pay(BOB, 10));
    all_ok(&h, &pay(CAROL, 10));
    // Each charging path charged 10 + 10.
    assert_eq!(total(&h), (U256::from(20 * CHARGED_PATHS), U256::from(TOTAL)));
}

#[test]
fn a_recipient_off_the_list_is_refused_on_every_path() {
    let h = installed();
    all_err(&h, &pay(EVE, 1), &not_allowed(0, address_word(EVE)));
}

#[test]
fn an_amount_above_its_bound_is_refused_on_every_path() {
    let h = installed();
    let err = not_allowed(1, word(MAX_AMOUNT + 1));
    all_err(&h, &pay(BOB, MAX_AMOUNT + 1), &err);
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
            let got = charge(&h, ACCOUNT, pay(BOB, amount));
            assert_eq!(got.is_ok(), pass, "op {op}, amount {amount}");
        }
    }
}

#[test]
fn other_functions_and_contracts_are_not_judged() {
    let h = installed();
    let approve = approveCall { spender: EVE, amount: U256::MAX }.abi_encode();
    charge_ok(&h, execute(TOKEN, U256::ZERO, approve));
    let elsewhere = transferCall { to: EVE, amount: U256::MAX }.abi_encode();
    charge_ok(&h, execute(BOB, U256::ZERO, elsewhere));
    charge_ok(&h, execute(TOKEN, U256::from(1), vec![]));
}

#[test]
fn a_running_total_is_charged_call_by_call_and_refused_over_its_limit() {
    let h = installed();
    for _ in 0..2 {
        charge_ok(&h, pay(BOB, MAX_AMOUNT));
    }
    assert_eq!(total(&h).0, U256::from(200));
    let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, pay(CAROL, 51)));
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
    charge_ok(&h, pay(CAROL, 50));
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
    let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, batch));
    assert!(matches!(err, Errors::ParamTotalExceeded(_)), "{err:?}");
    // The refused batch charged nothing.
    assert_eq!(total(&h).0, U256::ZERO);
}

#[test]
fn attack_aliased_batch_offsets_are_summed_per_call() {
    // Three element offsets point at one `transfer(bob, 100)` tuple: the
    // account makes the transfer three times, so the total counts 300.
    let data = |amount: u64| transferCall { to: BOB, amount: U256::from(amount) }.abi_encode();
    let h = installed();
    let batch = hostile::aliased_batch(TOKEN, U256::ZERO, data(100), 3);
    let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, batch));
    assert_eq!(err, exceeded(300));
    charge_ok(&h, hostile::aliased_batch(TOKEN, U256::ZERO, data(100), 2));
    assert_eq!(total(&h).0, U256::from(200));
}

#[test]
fn attack_a_batch_hiding_one_bad_call_is_refused() {
    let h = installed();
    let good = transferCall { to: BOB, amount: U256::from(1) }.abi_encode();
    let bad = transferCall { to: EVE, amount: U256::from(1) }.abi_encode();
    let batch = execute_batch(vec![(TOKEN, U256::ZERO, good), (TOKEN, U256::ZERO, bad)]);
    all_err(&h, &batch, &not_allowed(0, address_word(EVE)));
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
    all_err(&h, &execute(TOKEN, U256::ZERO, data), &err);
}

#[test]
fn attack_calldata_ending_before_an_argument_is_refused() {
    let h = installed();
    let data = truncated(transferCall { to: BOB, amount: U256::from(1) }.abi_encode(), 4 + 32 + 31);
    let err = Errors::MissingParam(I::MissingParam { arg: 1 });
    all_err(&h, &execute(TOKEN, U256::ZERO, data), &err);
}

#[test]
fn attack_the_key_cannot_exceed_the_total_through_a_second_account() {
    let h = installed();
    let err: Errors = h.expect_err(|| charge(&h, OTHER_ACCOUNT, pay(BOB, 1)));
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
        period: 0,
        path: B256::ZERO,
    };
    let cases: Vec<(Vec<I::Condition>, Vec<I::Total>, u64, u8)> = vec![
        (vec![good.clone(), condition(1, 7, 256, word(1))], vec![], 1, 1),
        (vec![condition(1, 3, 12, word(1))], vec![], 0, 2),
        (vec![condition(0, 0, 160, B256::repeat_byte(0xff))], vec![], 0, 3),
        (vec![good.clone(); 7], vec![], 6, 4),
        (vec![I::Condition { selector: FixedBytes::ZERO, ..good.clone() }], vec![], 0, 5),
        (vec![I::Condition { target: Address::ZERO, ..good.clone() }], vec![], 0, 5),
        (vec![good.clone()], vec![total(U256::ZERO)], 1, 6),
        (vec![], vec![total(U256::from(1) << 144)], 0, 6),
        (vec![], vec![total(U256::from(1)), total(U256::from(2))], 1, 6),
        // An unknown path step: malformed where paths are followed, and any
        // path where they are not.
        (vec![I::Condition { path: B256::left_padding_from(&[0x50]), ..good.clone() }], vec![], 0, 7),
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
    charge_ok(&h, pay(BOB, 5));
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
    let got = param_total(&h);
    assert!(!got.installed);
    // A reinstall starts from nothing.
    let (conditions, totals) = rules();
    h.call_ok(ACCOUNT, &on_install(install_data(conditions, totals)));
    assert_eq!(total(&h), (U256::ZERO, U256::from(TOTAL)));
}

module_only! {
#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<ParamRulesModule>(
        IParamRulesModuleCalls::SELECTORS,
        Errors::SELECTORS,
        IParamRulesModuleEvents::SELECTORS,
        (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}
}

const WEEK: u64 = 7 * 86_400;

/// `transfer(to, amount)` with amounts summing to at most 250 a week, from
/// an install at [`START_TIMESTAMP`].
fn installed_weekly() -> Harness<ParamRulesModule> {
    let h = harness();
    h.set_timestamp(START_TIMESTAMP);
    let weekly = I::Total {
        target: TOKEN,
        selector: transfer_selector(),
        arg: 1,
        bits: 256,
        limit: U256::from(TOTAL),
        period: WEEK as u32,
        path: B256::ZERO,
    };
    h.call_ok(ACCOUNT, &on_install(install_data(vec![], vec![weekly])));
    h
}

fn exceeded(total: u64) -> Errors {
    Errors::ParamTotalExceeded(I::ParamTotalExceeded {
        target: TOKEN,
        selector: transfer_selector(),
        arg: 1,
        total: U256::from(total),
        limit: U256::from(TOTAL),
    })
}

#[test]
fn a_periodic_total_resets_at_the_period_boundary() {
    let h = installed_weekly();
    charge_ok(&h, pay(BOB, TOTAL));
    let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, pay(BOB, 1)));
    assert_eq!(err, exceeded(TOTAL + 1));
    // Waiting for the last second of the week does not help.
    h.set_timestamp(START_TIMESTAMP + WEEK - 1);
    let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, pay(BOB, 1)));
    assert_eq!(err, exceeded(TOTAL + 1));
    // The next week starts afresh, and holds one week's allowance.
    h.set_timestamp(START_TIMESTAMP + WEEK);
    assert_eq!(total(&h), (U256::ZERO, U256::from(TOTAL)));
    charge_ok(&h, pay(CAROL, TOTAL - 1));
    let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, pay(BOB, 2)));
    assert_eq!(err, exceeded(TOTAL + 1));
    let got = param_total(&h);
    assert_eq!((got.total, got.period), (U256::from(TOTAL - 1), WEEK as u32));
}

in_validation! {
    /// A user operation `account_call`, hinting `timestamp`'s period.
    fn hinted_op(account_call: Vec<u8>, timestamp: u64) -> IValidationHookModule::preUserOpValidationHookCall {
        pre_user_op(ENTITY, hinted(user_op(ACCOUNT, account_call), timestamp))
    }

    #[test]
    fn a_periodic_total_in_validation_charges_the_hinted_period_and_returns_its_window() {
        let h = installed_weekly();
        let second_week = START_TIMESTAMP + WEEK;
        let got = h.call_ok(ACCOUNT, &hinted_op(pay(BOB, TOTAL), second_week + 5));
        assert_eq!(got, window_data(second_week, second_week + WEEK - 1));
        let err: Errors = h.expect_err(|| h.call(ACCOUNT, &hinted_op(pay(BOB, 1), second_week)));
        assert_eq!(err, exceeded(TOTAL + 1));
        // A lifetime total bounds no time.
        let h = installed();
        assert_eq!(h.call_ok(ACCOUNT, &hinted_op(pay(BOB, 1), second_week)), U256::ZERO);
    }

    #[test]
    fn attack_a_hint_for_an_earlier_period_is_refused() {
        let h = installed_weekly();
        h.call_ok(ACCOUNT, &hinted_op(pay(BOB, TOTAL), START_TIMESTAMP + WEEK));
        // Back in the first week the allowance is untouched, but the record
        // is never moved backwards.
        let err: Errors = h.expect_err(|| h.call(ACCOUNT, &hinted_op(pay(BOB, 1), START_TIMESTAMP)));
        assert_eq!(
            err,
            Errors::StalePeriodHint(I::StalePeriodHint { hinted: U256::ZERO, recorded: U256::from(1) })
        );
    }

    #[test]
    fn attack_a_hinted_future_period_cannot_be_spent_before_it_starts() {
        let h = installed_weekly();
        // The operation is confined to next week (the EntryPoint refuses it
        // before); at the clock this week, the record is next week's.
        let got = h.call_ok(ACCOUNT, &hinted_op(pay(BOB, TOTAL), START_TIMESTAMP + WEEK));
        assert_eq!(got, window_data(START_TIMESTAMP + WEEK, START_TIMESTAMP + 2 * WEEK - 1));
        let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, pay(BOB, 1)));
        assert_eq!(
            err,
            Errors::RecordedPeriodNotStarted(I::RecordedPeriodNotStarted {
                recorded: U256::from(1),
                clock: U256::ZERO,
            })
        );
    }

    #[test]
    fn a_bad_period_hint_is_refused() {
        let h = installed_weekly();
        let mut op = user_op(ACCOUNT, pay(BOB, 1));
        op.signature = vec![1; 31].into();
        let err: Errors = h.expect_err(|| h.call(ACCOUNT, &pre_user_op(ENTITY, op)));
        assert!(matches!(err, Errors::InvalidPeriodHint(_)), "{err:?}");
    }
}

#[test]
fn the_rules_view_lists_every_rule_with_each_totals_sum() {
    let h = harness();
    let (mut conditions, totals) = rules();
    let approve = I::Condition {
        selector: approveCall::SELECTOR.into(),
        ..condition(0, 0, 160, address_word(CAROL))
    };
    conditions.insert(1, approve.clone());
    h.call_ok(ACCOUNT, &on_install(install_data(conditions.clone(), totals.clone())));
    charge_ok(&h, pay(BOB, 10));
    let view = |account| h.call_ok(OTHER_ACCOUNT, &I::getParamRulesCall { account, entityId: ENTITY });
    let got = view(ACCOUNT);
    assert!(got.installed);
    // Grouped by function, in the order the functions first appear.
    let (transfer, other): (Vec<_>, Vec<_>) = conditions.into_iter().partition(|c| c.selector == transfer_selector());
    assert_eq!(got.conditions, [transfer, other].concat());
    assert_eq!(got.totals, totals);
    assert_eq!(got.spent, vec![U256::from(10)]);
    let none = view(OTHER_ACCOUNT);
    assert!(!none.installed && none.conditions.is_empty() && none.totals.is_empty() && none.spent.is_empty());
    // An uninstall forgets the list with the rules.
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    let gone = view(ACCOUNT);
    assert!(!gone.installed && gone.conditions.is_empty());
}

// ---- ABI paths: words inside dynamic arguments ----

use permission_core::path::{Path, Step};

const MAX_EACH: u64 = 10;
const BATCH_TOTAL: u64 = 25;

fn batch_selector() -> FixedBytes<4> {
    safeBatchTransferFromCall::SELECTOR.into()
}

/// Every element of the array at head word `arg`.
fn every() -> B256 {
    Path::pack(&[Step::Deref, Step::Index { stride: 1, index: None }]).unwrap().0
}

/// `safeBatchTransferFrom`: every id is 1 or 2, every amount at most 10, and
/// the amounts sum to at most 25.
fn batch_rules() -> (Vec<I::Condition>, Vec<I::Total>) {
    let on = |arg, op, bits, value| I::Condition {
        selector: batch_selector(),
        path: every(),
        ..condition(arg, op, bits, value)
    };
    (
        vec![on(2, 6, 256, word(1)), on(2, 6, 256, word(2)), on(3, 3, 256, word(MAX_EACH))],
        vec![I::Total {
            target: TOKEN,
            selector: batch_selector(),
            arg: 3,
            bits: 256,
            limit: U256::from(BATCH_TOTAL),
            period: 0,
            path: every(),
        }],
    )
}

fn batch(ids: &[u64], amounts: &[u64]) -> Vec<u8> {
    let data = safeBatchTransferFromCall {
        from: ACCOUNT,
        to: BOB,
        ids: ids.iter().map(|i| U256::from(*i)).collect(),
        amounts: amounts.iter().map(|a| U256::from(*a)).collect(),
        data: Default::default(),
    }
    .abi_encode();
    execute(TOKEN, U256::ZERO, data)
}

fn batch_refused(arg: u16, value: u64) -> Errors {
    Errors::ParamNotAllowed(I::ParamNotAllowed { target: TOKEN, selector: batch_selector(), arg, value: word(value) })
}

/// The rules installed where paths are followed; where they are not, the
/// install's refusal checked and `None`.
fn with_paths(conditions: Vec<I::Condition>, totals: Vec<I::Total>) -> Option<Harness<ParamRulesModule>> {
    let h = harness();
    let install = on_install(install_data(conditions, totals));
    if FOLLOWS_PATHS {
        h.call_ok(ACCOUNT, &install);
        return Some(h);
    }
    let err: Errors = h.expect_err(|| h.call(ACCOUNT, &install));
    assert_eq!(err, Errors::InvalidParamRule(I::InvalidParamRule { index: U256::ZERO, reason: 7 }));
    assert!(h.storage().values().all(|v| v.is_zero()), "a refused install wrote storage");
    None
}

#[test]
fn conditions_on_every_element_of_an_array_are_enforced_on_every_path() {
    let (conditions, totals) = batch_rules();
    let Some(h) = with_paths(conditions, totals) else { return };
    all_ok(&h, &batch(&[1, 2], &[1, 1]));
    all_ok(&h, &batch(&[], &[]));
    all_err(&h, &batch(&[1, 3], &[1, 1]), &batch_refused(2, 3));
    all_err(&h, &batch(&[2, 1, 2], &[1, MAX_EACH + 1, 1]), &batch_refused(3, MAX_EACH + 1));
}

#[test]
fn a_total_sums_every_element_of_an_array() {
    let (conditions, totals) = batch_rules();
    let Some(h) = with_paths(conditions, totals) else { return };
    charge_ok(&h, batch(&[1, 2], &[10, 10]));
    let err: Errors = h.expect_err(|| charge(&h, ACCOUNT, batch(&[1, 1], &[3, 3])));
    assert_eq!(
        err,
        Errors::ParamTotalExceeded(I::ParamTotalExceeded {
            target: TOKEN,
            selector: batch_selector(),
            arg: 3,
            total: U256::from(26),
            limit: U256::from(BATCH_TOTAL),
        })
    );
    charge_ok(&h, batch(&[1, 1], &[2, 3]));
    let got = h.call_ok(OTHER_ACCOUNT, &I::getParamRulesCall { account: ACCOUNT, entityId: ENTITY });
    assert_eq!(got.spent, vec![U256::from(BATCH_TOTAL)]);
    // The view gives the paths back as installed.
    assert!(got.conditions.iter().all(|c| c.path == every()));
    assert_eq!(got.totals[0].path, every());
}

/// `forward(Request req)`: `req.to` is Bob, and `req.data` is a call whose
/// second argument (`transfer`'s amount) is at most 100.
fn forward_rules() -> Vec<I::Condition> {
    let selector: FixedBytes<4> = forwardCall::SELECTOR.into();
    let to = Path::pack(&[Step::Deref, Step::Field(0)]).unwrap().0;
    let amount = Path::pack(&[Step::Deref, Step::Field(1), Step::Deref, Step::Bytes(4), Step::Field(1)]).unwrap().0;
    vec![
        I::Condition { selector, path: to, ..condition(0, 0, 160, address_word(BOB)) },
        I::Condition { selector, path: amount, ..condition(0, 3, 256, word(MAX_AMOUNT)) },
    ]
}

fn forward(to: Address, amount: u64) -> Vec<u8> {
    let inner = transferCall { to: CAROL, amount: U256::from(amount) }.abi_encode();
    forwardCall { req: Request { to, data: inner.into() } }.abi_encode()
}

fn forward_refused(value: B256) -> Errors {
    Errors::ParamNotAllowed(I::ParamNotAllowed { target: TOKEN, selector: forwardCall::SELECTOR.into(), arg: 0, value })
}

#[test]
fn a_field_of_a_dynamic_tuple_and_an_argument_of_a_call_inside_bytes_are_judged() {
    let Some(h) = with_paths(forward_rules(), vec![]) else { return };
    all_ok(&h, &execute(TOKEN, U256::ZERO, forward(BOB, MAX_AMOUNT)));
    all_err(&h, &execute(TOKEN, U256::ZERO, forward(EVE, 1)), &forward_refused(address_word(EVE)));
    all_err(&h, &execute(TOKEN, U256::ZERO, forward(BOB, MAX_AMOUNT + 1)), &forward_refused(word(MAX_AMOUNT + 1)));
}

#[test]
fn attack_a_decoy_array_where_a_canonical_encoding_would_put_it_is_not_what_is_read() {
    let (conditions, totals) = batch_rules();
    let Some(h) = with_paths(conditions, totals) else { return };
    // safeBatchTransferFrom(from, to, ids, amounts, data) with the amounts
    // offset pointing past a decoy [1] at the canonical place, to the
    // [1000] the token would transfer.
    let mut call = safeBatchTransferFromCall::SELECTOR.to_vec();
    let head = [0xa0, 0xe0, 0x160];
    for w in [address_word(ACCOUNT), address_word(BOB), word(head[0]), word(0x120), word(head[2])] {
        call.extend_from_slice(w.as_slice());
    }
    // ids [1] at 0xa0, the decoy amounts [1] at 0xe0, the real [1000] at
    // 0x120, empty data at 0x160.
    for w in [1, 1, 1, 1, 1, 1000, 0] {
        call.extend_from_slice(word(w).as_slice());
    }
    let decoded = safeBatchTransferFromCall::abi_decode(&call).unwrap();
    assert_eq!(decoded.amounts, vec![U256::from(1000)], "the callee reads the real array");
    all_err(&h, &execute(TOKEN, U256::ZERO, call), &batch_refused(3, 1000));
}

#[test]
fn attack_an_array_longer_than_the_calldata_and_dirty_elements_are_refused() {
    let (conditions, totals) = batch_rules();
    let Some(h) = with_paths(conditions, totals) else { return };
    let mut call = safeBatchTransferFromCall { from: ACCOUNT, to: BOB, ids: vec![U256::from(1)], amounts: vec![U256::from(1)], data: Default::default() }.abi_encode();
    // The ids' length word (at 4 + 0xa0) says 1000.
    call[4 + 0xa0 + 30] = 0x03;
    call[4 + 0xa0 + 31] = 0xe8;
    let missing = Errors::MissingParam(I::MissingParam { arg: 2 });
    all_err(&h, &execute(TOKEN, U256::ZERO, call), &missing);
    let Some(h) = with_paths(forward_rules(), vec![]) else { return };
    let mut call = forward(BOB, 1);
    // req.to (at 4 + 0x20 + 0) with a dirty high byte.
    call[4 + 0x20] = 1;
    let mut dirty = address_word(BOB);
    dirty.0[0] = 1;
    all_err(&h, &execute(TOKEN, U256::ZERO, call), &Errors::DirtyParam(I::DirtyParam { arg: 0, word: dirty }));
}
