use alloy_primitives::{aliases::U48, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolInterface, SolValue};
use module_kit::testing::*;
use permission_core::install::{
    encode_contract_allowlist, encode_policy_install, encode_selector_allowlist,
    encode_spending_limit, GasBudget, SelectorRule, SpendLimit, TimeWindowInstall,
    CALLS_IN_EXECUTION, NATIVE_TOKEN,
};
use permission_core::selectors::{selector, ERC20_TRANSFER, INSTALL_VALIDATION};

use crate::*;

sol!(
    #[sol(all_derives)]
    "interface/ISessionPolicyModule.sol"
);
use ISessionPolicyModule as I;
use ISessionPolicyModule::{
    ISessionPolicyModuleCalls, ISessionPolicyModuleErrors as Errors, ISessionPolicyModuleEvents,
};

const ENTITY: u32 = 7;
const COUNTER: Address = Address::new([0xC0; 20]);
const TOKEN: Address = Address::new([0x70; 20]);
const MERCHANT: Address = Address::new([0x3E; 20]);
const STRANGER: Address = Address::new([0x99; 20]);
const DAY: u64 = 86_400;
const START: u64 = START_TIMESTAMP;
/// The key's window: from a little before the harness's clock, 30 days.
const AFTER: u64 = START - 100;
const UNTIL: u64 = START + 30 * DAY;
const INCREMENT: [u8; 4] = selector("increment()");

fn window_entry() -> Vec<u8> {
    TimeWindowInstall {
        entity_id: ENTITY,
        valid_after: AFTER,
        valid_until: UNTIL,
    }
    .encode()
}

fn targets_entry() -> Vec<u8> {
    encode_contract_allowlist(ENTITY, &[COUNTER, TOKEN])
}

fn selectors_entry() -> Vec<u8> {
    encode_selector_allowlist(
        ENTITY,
        &[
            SelectorRule {
                target: COUNTER,
                selector: INCREMENT,
            },
            SelectorRule {
                target: TOKEN,
                selector: ERC20_TRANSFER,
            },
        ],
    )
}

fn token_limit() -> SpendLimit {
    SpendLimit {
        token: TOKEN,
        limit: U256::from(100),
        period: DAY,
    }
}

fn spend_entry(limits: &[SpendLimit], gas: GasBudget, sponsors: &[Address]) -> Vec<u8> {
    encode_spending_limit(ENTITY, limits, gas, sponsors)
}

/// The shape of the bench: a window, two targets, two (target, selector)
/// rules and a daily token limit of 100.
fn full_rules() -> Vec<Vec<u8>> {
    vec![
        window_entry(),
        targets_entry(),
        selectors_entry(),
        spend_entry(&[token_limit()], GasBudget::default(), &[]),
    ]
}

fn install_call(flags: u8, rules: &[Vec<u8>]) -> IModule::onInstallCall {
    on_install(encode_policy_install(ENTITY, flags, rules))
}

fn installed_with(flags: u8, rules: &[Vec<u8>]) -> Harness<SessionPolicy> {
    let h = harness();
    h.call_ok(ACCOUNT, &install_call(flags, rules));
    h
}

fn installed() -> Harness<SessionPolicy> {
    installed_with(0, &full_rules())
}

/// Only the spending-limit rule, with these limits, budget and sponsors.
fn spend_only(limits: &[SpendLimit], gas: GasBudget, sponsors: &[Address]) -> Harness<SessionPolicy> {
    installed_with(
        0,
        &[vec![], vec![], vec![], spend_entry(limits, gas, sponsors)],
    )
}

fn increment() -> Vec<u8> {
    execute(COUNTER, U256::ZERO, INCREMENT.to_vec())
}

fn transfer_data(amount: u64) -> Vec<u8> {
    IERC20Spend::transferCall {
        to: MERCHANT,
        amount: U256::from(amount),
    }
    .abi_encode()
}

fn transfer(amount: u64) -> Vec<u8> {
    execute(TOKEN, U256::ZERO, transfer_data(amount))
}

fn validate(h: &Harness<SessionPolicy>, op: PackedUserOperation) -> Result<U256, Errors> {
    match h.call(ACCOUNT, &pre_user_op(ENTITY, op)) {
        Ok(out) => Ok(U256::abi_decode(&out).expect("a uint256")),
        Err(revert) => Err(Errors::abi_decode(&revert).expect("a policy error")),
    }
}

fn remaining(h: &Harness<SessionPolicy>, token: Address) -> U256 {
    h.call_ok(
        ACCOUNT,
        &I::getSpendLimitCall {
            account: ACCOUNT,
            entityId: ENTITY,
            token,
        },
    )
    .remaining
}

fn exceeded(token: Address, requested: u64, remaining: u64) -> Errors {
    Errors::SpendLimitExceeded(I::SpendLimitExceeded {
        token,
        requested: U256::from(requested),
        remaining: U256::from(remaining),
    })
}

fn outside(timestamp: u64) -> Errors {
    Errors::OutsideTimeWindow(I::OutsideTimeWindow {
        validAfter: U48::from(AFTER),
        validUntil: U48::from(UNTIL),
        timestamp: U256::from(timestamp),
    })
}

fn target_not_allowed(target: Address) -> Errors {
    Errors::TargetNotAllowed(I::TargetNotAllowed { target })
}

fn selector_not_allowed(target: Address, selector: [u8; 4]) -> Errors {
    Errors::SelectorNotAllowed(I::SelectorNotAllowed {
        target,
        selector: selector.into(),
    })
}

fn signature_hook(entity_id: u32) -> I::preSignatureValidationHookCall {
    I::preSignatureValidationHookCall {
        entityId: entity_id,
        sender: Address::repeat_byte(0x5E),
        hash: B256::repeat_byte(0x42),
        signature: Bytes::new(),
    }
}

/// A user operation with these gas limits and fee; its call is `increment`.
fn gas_op(verification: u128, call: u128, pre_verification: u64, max_fee: u128) -> PackedUserOperation {
    with_gas(user_op(ACCOUNT, increment()), verification, call, pre_verification, max_fee)
}

fn native_limit(limit: u64, period: u64) -> SpendLimit {
    SpendLimit {
        token: NATIVE_TOKEN,
        limit: U256::from(limit),
        period,
    }
}

// --- Install ---

#[test]
fn install_data_matches_alloy_encoding() {
    let rules = full_rules();
    let theirs = (
        ENTITY,
        U256::ZERO,
        rules.iter().cloned().map(Bytes::from).collect::<Vec<_>>(),
    )
        .abi_encode_params();
    assert_eq!(encode_policy_install(ENTITY, 0, &rules), theirs);
}

#[test]
fn install_emits_each_rules_events_then_module_installed() {
    let h = installed();
    let logs = h.logs();
    let names: Vec<B256> = logs.iter().map(|(topics, _)| topics[0]).collect();
    assert_eq!(
        names,
        vec![
            I::TimeWindowSet::SIGNATURE_HASH,
            I::TargetAdded::SIGNATURE_HASH,
            I::TargetAdded::SIGNATURE_HASH,
            I::RuleAdded::SIGNATURE_HASH,
            I::RuleAdded::SIGNATURE_HASH,
            I::SpendLimitSet::SIGNATURE_HASH,
            I::ModuleInstalled::SIGNATURE_HASH,
        ]
    );
    let set = I::SpendLimitSet::decode_raw_log(logs[5].0.iter().copied(), &logs[5].1).unwrap();
    assert_eq!(
        (set.account, set.entityId, set.token, set.limit, set.period),
        (ACCOUNT, ENTITY, TOKEN, U256::from(100), U48::from(DAY))
    );
}

#[test]
fn views_answer_as_the_standalone_modules_do() {
    let h = installed();
    let window = h.call_ok(
        ACCOUNT,
        &I::getTimeWindowCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(
        (window.installed, window.validAfter, window.validUntil),
        (true, U48::from(AFTER), U48::from(UNTIL))
    );
    let targets = h.call_ok(
        STRANGER,
        &I::getTargetsCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(targets, vec![COUNTER, TOKEN]);
    assert!(h.call_ok(
        STRANGER,
        &I::isTargetAllowedCall {
            account: ACCOUNT,
            entityId: ENTITY,
            target: TOKEN,
        },
    ));
    assert!(h.call_ok(
        STRANGER,
        &I::hasRuleCall {
            account: ACCOUNT,
            entityId: ENTITY,
            target: COUNTER,
            selector: INCREMENT.into(),
        },
    ));
    assert!(!h.call_ok(
        STRANGER,
        &I::isCallAllowedCall {
            account: ACCOUNT,
            entityId: ENTITY,
            target: COUNTER,
            data: transfer_data(1).into(),
        },
    ));
    let rules = h.call_ok(
        STRANGER,
        &I::getRulesCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(rules.len(), 2);
    let limit = h.call_ok(
        STRANGER,
        &I::getSpendLimitCall {
            account: ACCOUNT,
            entityId: ENTITY,
            token: TOKEN,
        },
    );
    assert_eq!(
        (limit.limited, limit.limit, limit.period, limit.spent, limit.remaining),
        (true, U256::from(100), U48::from(DAY), U256::ZERO, U256::from(100))
    );
    let tokens = h.call_ok(
        STRANGER,
        &I::getLimitedTokensCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(tokens, vec![TOKEN]);
    let gas = h.call_ok(
        STRANGER,
        &I::getGasBudgetCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert!(!gas.enabled);
}

#[test]
fn unused_rules_are_left_out() {
    // Only the contract allowlist: any selector on a listed target, no
    // window, no limit.
    let h = installed_with(0, &[vec![], targets_entry(), vec![], vec![]]);
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &transfer(1_000_000));
    assert_eq!(
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, transfer(5)))),
        U256::ZERO
    );
    let window = h.call_ok(
        ACCOUNT,
        &I::getTimeWindowCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert!(!window.installed);
    let limit = h.call_ok(
        ACCOUNT,
        &I::getSpendLimitCall {
            account: ACCOUNT,
            entityId: ENTITY,
            token: TOKEN,
        },
    );
    assert!(!limit.limited);
    let err: Errors = h.expect_err(|| {
        HookPath::RuntimeValidation.call(&h, ACCOUNT, ENTITY, execute(STRANGER, U256::ZERO, vec![]))
    });
    assert_eq!(err, target_not_allowed(STRANGER));
}

#[test]
fn install_refuses_a_rule_list_of_another_length() {
    let h = harness();
    let mut rules = full_rules();
    rules.pop();
    let err: Errors = h.call_err(ACCOUNT, &install_call(0, &rules));
    assert_eq!(
        err,
        Errors::RuleCountMismatch(I::RuleCountMismatch {
            expected: U256::from(4),
            found: U256::from(3),
        })
    );
}

#[test]
fn install_refuses_unknown_flags() {
    let h = harness();
    let err: Errors = h.call_err(ACCOUNT, &install_call(2, &full_rules()));
    assert_eq!(
        err,
        Errors::UnknownPolicyFlags(I::UnknownPolicyFlags { flags: 2 })
    );
}

#[test]
fn install_refuses_an_entry_for_another_entity() {
    let h = harness();
    let mut rules = full_rules();
    rules[2] = encode_selector_allowlist(ENTITY + 1, &[]);
    let err: Errors = h.call_err(ACCOUNT, &install_call(0, &rules));
    assert_eq!(
        err,
        Errors::EntityIdMismatch(I::EntityIdMismatch {
            expected: ENTITY,
            found: ENTITY + 1,
        })
    );
}

#[test]
fn install_checks_every_rule_before_any_writes() {
    // Each case has valid entries before the bad one; call_err checks that
    // nothing was written or logged.
    let h = harness();
    let cases: Vec<(usize, Vec<u8>, Errors)> = vec![
        (
            0,
            TimeWindowInstall {
                entity_id: ENTITY,
                valid_after: UNTIL,
                valid_until: AFTER,
            }
            .encode(),
            Errors::InvalidTimeWindow(I::InvalidTimeWindow {
                validAfter: U48::from(UNTIL),
                validUntil: U48::from(AFTER),
            }),
        ),
        (
            1,
            encode_contract_allowlist(ENTITY, &[COUNTER, Address::ZERO]),
            Errors::InvalidTarget(I::InvalidTarget {
                target: Address::ZERO,
            }),
        ),
        (
            1,
            encode_contract_allowlist(ENTITY, &[COUNTER, COUNTER]),
            Errors::DuplicateTarget(I::DuplicateTarget { target: COUNTER }),
        ),
        (
            2,
            encode_selector_allowlist(
                ENTITY,
                &[SelectorRule {
                    target: ACCOUNT,
                    selector: INSTALL_VALIDATION,
                }],
            ),
            Errors::PrivilegedSelector(I::PrivilegedSelector {
                target: ACCOUNT,
                selector: INSTALL_VALIDATION.into(),
            }),
        ),
        (
            3,
            spend_entry(&[token_limit(), token_limit()], GasBudget::default(), &[]),
            Errors::DuplicateToken(I::DuplicateToken { token: TOKEN }),
        ),
    ];
    for (at, entry, expected) in cases {
        let mut rules = full_rules();
        rules[at] = entry;
        let err: Errors = h.call_err(ACCOUNT, &install_call(0, &rules));
        assert_eq!(err, expected, "entry {at}");
    }
    assert!(h.storage().is_empty());
    assert!(h.logs().is_empty());
}

#[test]
fn install_twice_is_refused() {
    let h = installed();
    let err: Errors = h.call_err(ACCOUNT, &install_call(0, &full_rules()));
    assert_eq!(err, Errors::AlreadyInstalled(I::AlreadyInstalled { account: ACCOUNT, entityId: ENTITY }));
}

#[test]
fn malformed_install_data_is_refused() {
    let h = harness();
    let mut data = encode_policy_install(ENTITY, 0, &full_rules());
    data.truncate(data.len() - 40);
    let err: Errors = h.call_err(ACCOUNT, &on_install(data));
    assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
}

// --- The rules on every path ---

#[test]
fn allowed_calls_pass_on_every_path() {
    let h = installed();
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &increment());
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, INCREMENT.to_vec()),
        (TOKEN, U256::ZERO, transfer_data(1)),
    ]);
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &batch);
}

#[test]
fn an_unlisted_target_is_refused_on_every_path() {
    let h = installed();
    let call = execute(STRANGER, U256::ZERO, INCREMENT.to_vec());
    HookPath::all_err(&h, ACCOUNT, ENTITY, &call, &target_not_allowed(STRANGER));
}

#[test]
fn an_unlisted_selector_is_refused_on_every_path() {
    let h = installed();
    let call = execute(COUNTER, U256::ZERO, transfer_data(1));
    let expected = selector_not_allowed(COUNTER, ERC20_TRANSFER);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &call, &expected);
}

#[test]
fn user_op_validation_returns_the_keys_window() {
    let h = installed();
    assert_eq!(
        validate(&h, user_op(ACCOUNT, increment())),
        Ok(window_data(AFTER, UNTIL))
    );
}

#[test]
fn clock_checked_paths_refuse_outside_the_window() {
    let h = installed();
    for now in [AFTER - 1, UNTIL + 1] {
        h.set_timestamp(now);
        let err: Errors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, increment()));
        assert_eq!(err, outside(now));
        let err: Errors = h.call_err(ACCOUNT, &pre_execution(ENTITY, increment()));
        assert_eq!(err, outside(now));
        let err: Errors = h.call_err(ACCOUNT, &signature_hook(ENTITY));
        assert_eq!(err, outside(now));
    }
    h.set_timestamp(UNTIL);
    h.call_ok(ACCOUNT, &signature_hook(ENTITY));
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, increment()));
}

// --- Spending limits, charged in validation ---

#[test]
fn transfers_are_charged_in_user_op_validation() {
    let h = installed();
    let logs = h.logs().len();
    assert_eq!(
        validate(&h, user_op(ACCOUNT, transfer(60))),
        Ok(window_data(START, START + DAY - 1)),
        "the daily period, inside the key's window"
    );
    assert_eq!(remaining(&h, TOKEN), U256::from(40));
    let spent = &h.logs()[logs];
    let spent = I::Spent::decode_raw_log(spent.0.iter().copied(), &spent.1).unwrap();
    assert_eq!((spent.token, spent.amount), (TOKEN, U256::from(60)));
    // The execution hook does not charge again.
    h.call_ok(ACCOUNT, &pre_execution(ENTITY, transfer(40)));
    h.call_ok(
        ACCOUNT,
        &pre_execution(ENTITY, execute_user_op_msg_data(user_op(ACCOUNT, user_op_prefixed(&transfer(40))))),
    );
    assert_eq!(remaining(&h, TOKEN), U256::from(40));
    // Over what remains: refused before anyone pays.
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, transfer(41))));
    assert_eq!(err, exceeded(TOKEN, 41, 40));
    assert_eq!(validate(&h, user_op(ACCOUNT, transfer(40))), Ok(window_data(START, START + DAY - 1)));
    assert_eq!(remaining(&h, TOKEN), U256::ZERO);
}

#[test]
fn runtime_validation_charges_at_the_clock() {
    let h = installed();
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, transfer(100)));
    let err: Errors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, transfer(1)));
    assert_eq!(err, exceeded(TOKEN, 1, 0));
    h.set_timestamp(START + DAY);
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, transfer(100)));
    assert_eq!(remaining(&h, TOKEN), U256::ZERO);
}

#[test]
fn the_execution_variant_checks_and_charges_calls_in_the_execution_hook() {
    let h = installed_with(CALLS_IN_EXECUTION, &full_rules());
    assert_eq!(
        validate(&h, user_op(ACCOUNT, transfer(100))),
        Ok(window_data(AFTER, UNTIL)),
        "validation charges no call, so sets no period bounds"
    );
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
    h.call_ok(ACCOUNT, &pre_execution(ENTITY, transfer(60)));
    assert_eq!(remaining(&h, TOKEN), U256::from(40));
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_execution(ENTITY, execute_user_op_msg_data(user_op(ACCOUNT, user_op_prefixed(&transfer(41))))),
    );
    assert_eq!(err, exceeded(TOKEN, 41, 40));
    // Runtime validation leaves the charge to the execution hook too.
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, transfer(100)));
    assert_eq!(remaining(&h, TOKEN), U256::from(40));
    // Validation looks at no call (a bundler that refuses Stylus code in
    // validation is what this variant is for): the execution hook refuses.
    let stranger = execute(STRANGER, U256::ZERO, vec![]);
    assert_eq!(
        validate(&h, user_op(ACCOUNT, stranger.clone())),
        Ok(window_data(AFTER, UNTIL))
    );
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, stranger.clone()));
    let err: Errors = h.call_err(ACCOUNT, &pre_execution(ENTITY, stranger));
    assert_eq!(err, target_not_allowed(STRANGER));
    let err: Errors = h.call_err(ACCOUNT, &pre_execution(ENTITY, uninstall_call(&h)));
    assert_eq!(err, Errors::PolicyCalled(I::PolicyCalled { target: h.address() }));
    // The window still bounds every phase.
    h.set_timestamp(UNTIL + 1);
    let err: Errors = h.call_err(ACCOUNT, &pre_execution(ENTITY, increment()));
    assert_eq!(err, outside(UNTIL + 1));
}

/// `execute(policy, 0, onUninstall(ENTITY))`.
fn uninstall_call(h: &Harness<SessionPolicy>) -> Vec<u8> {
    execute(h.address(), U256::ZERO, on_uninstall(ENTITY).abi_encode())
}

#[test]
fn the_hint_picks_the_period_charged() {
    let h = installed();
    assert_eq!(
        validate(&h, hinted(user_op(ACCOUNT, transfer(100)), START + DAY + 5)),
        Ok(window_data(START + DAY, START + 2 * DAY - 1))
    );
    h.set_timestamp(START + DAY);
    assert_eq!(remaining(&h, TOKEN), U256::ZERO);
    // The recorded period is now the hinted one: no hint charges it.
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, transfer(1))));
    assert_eq!(err, exceeded(TOKEN, 1, 0));
}

#[test]
fn a_hinted_period_outside_the_keys_window_is_refused_by_name() {
    let h = installed();
    // Day 31 starts after the key's window ends.
    let start = START + 31 * DAY;
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, hinted(user_op(ACCOUNT, transfer(1)), start + 7)),
    );
    assert_eq!(
        err,
        Errors::EmptyValidityWindow(I::EmptyValidityWindow {
            validAfter: U48::from(start),
            validUntil: U48::from(UNTIL),
        })
    );
    // The last day that overlaps the window is bounded by both.
    let last = START + 30 * DAY;
    assert_eq!(
        validate(&h, hinted(user_op(ACCOUNT, transfer(1)), last)),
        Ok(window_data(last, UNTIL))
    );
}

#[test]
fn the_gas_budget_is_charged_in_validation() {
    let budget = GasBudget {
        enabled: true,
        limit: U256::from(1_000_000u64),
    };
    let h = spend_only(&[], budget, &[]);
    // (100k + 200k + 50k) * 2 = 700k wei.
    let op = gas_op(100_000, 200_000, 50_000, 2);
    assert_eq!(validate(&h, op.clone()), Ok(U256::ZERO));
    let gas = h.call_ok(
        ACCOUNT,
        &I::getGasBudgetCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!((gas.spent, gas.remaining), (U256::from(700_000), U256::from(300_000)));
    let charged = h.logs().last().cloned().unwrap();
    let charged = I::GasCharged::decode_raw_log(charged.0.iter().copied(), &charged.1).unwrap();
    assert_eq!(charged.amount, U256::from(700_000));
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
    assert_eq!(
        err,
        Errors::GasBudgetExceeded(I::GasBudgetExceeded {
            requested: U256::from(700_000),
            remaining: U256::from(300_000),
        })
    );
}

#[test]
fn native_value_and_gas_share_the_native_limit() {
    let h = spend_only(&[native_limit(1_000_000, 0)], GasBudget::default(), &[]);
    let mut op = gas_op(100_000, 200_000, 50_000, 2);
    op.callData = execute(MERCHANT, U256::from(200_000), vec![]).into();
    assert_eq!(validate(&h, op), Ok(U256::ZERO));
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(100_000));
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, user_op(ACCOUNT, execute(MERCHANT, U256::from(100_001), vec![]))),
    );
    assert_eq!(err, exceeded(NATIVE_TOKEN, 100_001, 100_000));
}

// --- Lifecycle ---

#[test]
fn uninstall_clears_the_policy_and_a_reinstall_starts_fresh() {
    let h = installed();
    validate(&h, user_op(ACCOUNT, transfer(100))).unwrap();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    let expected: Errors = not_installed(ACCOUNT, ENTITY);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &increment(), &expected);
    let err: Errors = h.call_err(ACCOUNT, &signature_hook(ENTITY));
    assert_eq!(err, expected);
    let targets = h.call_ok(
        ACCOUNT,
        &I::getTargetsCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert!(targets.is_empty());
    h.call_ok(ACCOUNT, &install_call(0, &full_rules()));
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
}

#[test]
fn uninstalling_nothing_succeeds_and_changes_nothing() {
    let h = installed();
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY + 1);
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
}

#[test]
fn accounts_and_entities_are_isolated() {
    let h = installed();
    let expected: Errors = not_installed(OTHER_ACCOUNT, ENTITY);
    HookPath::all_err(&h, OTHER_ACCOUNT, ENTITY, &increment(), &expected);
    let expected: Errors = not_installed(ACCOUNT, ENTITY + 1);
    HookPath::all_err(&h, ACCOUNT, ENTITY + 1, &increment(), &expected);
    h.call_ok(OTHER_ACCOUNT, &install_call(0, &full_rules()));
    validate(&h, user_op(ACCOUNT, transfer(100))).unwrap();
    let other = h.call_ok(
        ACCOUNT,
        &I::getSpendLimitCall {
            account: OTHER_ACCOUNT,
            entityId: ENTITY,
            token: TOKEN,
        },
    );
    assert_eq!(other.remaining, U256::from(100));
}

#[test]
fn post_execution_hook_is_a_no_op() {
    let h = installed();
    let before = h.storage();
    h.call_ok(
        ACCOUNT,
        &I::postExecutionHookCall {
            entityId: ENTITY,
            preExecHookData: Bytes::new(),
        },
    );
    assert_eq!(before, h.storage());
}

#[test]
fn module_id_and_erc165() {
    let h = harness();
    assert_eq!(h.call_ok(ACCOUNT, &I::moduleIdCall {}), MODULE_ID);
    for id in module_kit::router::MODULE_INTERFACES {
        assert!(h.call_ok(ACCOUNT, &I::supportsInterfaceCall { interfaceId: id.into() }));
    }
    for id in [[0xFF; 4], permission_core::selectors::IVALIDATION_MODULE_ID] {
        assert!(!h.call_ok(ACCOUNT, &I::supportsInterfaceCall { interfaceId: id.into() }));
    }
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<SessionPolicy>(
        ISessionPolicyModuleCalls::SELECTORS,
        Errors::SELECTORS,
        ISessionPolicyModuleEvents::SELECTORS,
        (&VIEW_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}

#[test]
fn value_is_refused() {
    let h = harness();
    assert_refuses_value(&h, ACCOUNT, &install_call(0, &full_rules()).abi_encode());
    let h = installed();
    assert_refuses_value(&h, ACCOUNT, &pre_execution(ENTITY, increment()).abi_encode());
}
