use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use module_kit::Output;
use module_kit::testing::*;
use permission_core::install::{UsageLimitInstall, COUNT_CALLS, COUNT_OPERATIONS};
use permission_core::selectors::*;

use crate::module::*;
use crate::store::Usage;

sol!(
    #[sol(all_derives)]
    "interface/IUsageLimitModule.sol"
);
use IUsageLimitModule as I;
use IUsageLimitModule::{
    IUsageLimitModuleCalls, IUsageLimitModuleErrors as Errors, IUsageLimitModuleEvents,
};

const ENTITY: u32 = 7;
const DAY: u64 = 86_400;
const START: u64 = START_TIMESTAMP;
const COUNTER: Address = Address::new([0xC0; 20]);

fn install_data(unit: u8, lifetime: u32, per_period: u32, period: u32) -> Vec<u8> {
    UsageLimitInstall {
        entity_id: ENTITY,
        unit,
        lifetime_limit: lifetime,
        period_limit: per_period,
        period,
    }
    .encode()
}

fn installed_with(unit: u8, lifetime: u32, per_period: u32, period: u32) -> Harness<UsageLimit> {
    let h = harness();
    h.call_ok(
        ACCOUNT,
        &on_install(install_data(unit, lifetime, per_period, period)),
    );
    h
}

/// At most 3 operations over the key's life.
fn lifetime_three() -> Harness<UsageLimit> {
    installed_with(COUNT_OPERATIONS, 3, 0, 0)
}

/// At most 2 operations a day.
fn two_a_day() -> Harness<UsageLimit> {
    installed_with(COUNT_OPERATIONS, 0, 2, DAY as u32)
}

fn one_call() -> Vec<u8> {
    execute(COUNTER, U256::ZERO, vec![0xD0, 0x9D, 0xE0, 0x8A])
}

fn batch(n: usize) -> Vec<u8> {
    execute_batch((0..n).map(|_| (COUNTER, U256::ZERO, vec![1, 2, 3, 4])).collect())
}

/// The user-operation validation hook for `call`, with the period hint
/// `hint` (none: an empty segment).
fn validate(h: &Harness<UsageLimit>, call: Vec<u8>, hint: Option<u64>) -> Output {
    let op = user_op(ACCOUNT, call);
    let op = match hint {
        Some(t) => hinted(op, t),
        None => op,
    };
    h.call(ACCOUNT, &pre_user_op(ENTITY, op))
}

/// The validation data `validate` returned.
fn validated(h: &Harness<UsageLimit>, call: Vec<u8>, hint: Option<u64>) -> U256 {
    let out = validate(h, call, hint).unwrap_or_else(|e| panic!("reverted: 0x{}", hex(&e)));
    U256::abi_decode(&out).expect("a uint256")
}

fn validate_err(h: &Harness<UsageLimit>, call: Vec<u8>, hint: Option<u64>) -> Errors {
    h.expect_err(|| validate(h, call, hint))
}

fn runtime(h: &Harness<UsageLimit>, call: Vec<u8>) -> Output {
    h.call(ACCOUNT, &pre_runtime(ENTITY, call))
}

fn execution(h: &Harness<UsageLimit>, call: Vec<u8>) -> Output {
    h.call(ACCOUNT, &pre_execution(ENTITY, call))
}

fn usage(h: &Harness<UsageLimit>) -> I::getUsageLimitReturn {
    h.call_ok(
        OTHER_ACCOUNT,
        &I::getUsageLimitCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    )
}

fn exceeded(used: u32, limit: u32) -> Errors {
    Errors::UsageLimitExceeded(I::UsageLimitExceeded {
        used: U256::from(used),
        limit: U256::from(limit),
    })
}

/// Period `k`'s first and last second, as validation data.
fn period_data(k: u64) -> U256 {
    window_data(START + k * DAY, START + (k + 1) * DAY - 1)
}

#[test]
fn install_data_matches_alloy_encoding() {
    let ours = install_data(COUNT_CALLS, 10, 2, 3_600);
    let theirs = (ENTITY, U256::from(1u8), 10u32, 2u32, 3_600u32).abi_encode_params();
    assert_eq!(ours, theirs);
    assert_eq!(
        UsageLimitInstall::decode(&theirs).unwrap(),
        UsageLimitInstall {
            entity_id: ENTITY,
            unit: COUNT_CALLS,
            lifetime_limit: 10,
            period_limit: 2,
            period: 3_600,
        }
    );
}

#[test]
fn usage_word_round_trips_at_its_extremes() {
    let usage = Usage {
        lifetime_limit: u32::MAX,
        lifetime_used: u32::MAX - 1,
        period_limit: 0x0102_0304,
        period_used: 7,
        period: u32::MAX,
        anchor: (1 << 48) - 1,
        window: (1 << 48) - 2,
    };
    assert_eq!(Usage::from_word(&usage.to_word()), usage);
    assert_eq!(Usage::from_word(&B256::ZERO), Usage::default());
}

#[test]
fn install_stores_the_limits_and_emits_usage_limit_set() {
    let h = installed_with(COUNT_CALLS, 10, 2, DAY as u32);
    let got = usage(&h);
    assert!(got.installed);
    assert_eq!(got.unit, COUNT_CALLS);
    assert_eq!(
        (got.lifetimeLimit, got.lifetimeUsed, got.periodLimit, got.period, got.periodUsed),
        (10, 0, 2, DAY as u32, 0)
    );
    let set = h
        .logs()
        .into_iter()
        .find(|(topics, _)| topics[0] == I::UsageLimitSet::SIGNATURE_HASH)
        .expect("UsageLimitSet");
    let event = I::UsageLimitSet::decode_raw_log(set.0, &set.1).unwrap();
    assert_eq!(event.account, ACCOUNT);
    assert_eq!(event.entityId, ENTITY);
    assert_eq!(
        (event.unit, event.lifetimeLimit, event.periodLimit, event.period),
        (COUNT_CALLS, 10, 2, DAY as u32)
    );
}

#[test]
fn install_refuses_limits_that_are_not_well_formed() {
    let h = harness();
    for (unit, lifetime, per_period, period) in [
        (2u8, 1u32, 0u32, 0u32),
        (COUNT_OPERATIONS, 0, 0, 0),
        (COUNT_OPERATIONS, 5, 2, 0),
        (COUNT_OPERATIONS, 5, 0, 60),
    ] {
        let err: Errors = h.call_err(
            ACCOUNT,
            &on_install(install_data(unit, lifetime, per_period, period)),
        );
        assert_eq!(
            err,
            Errors::InvalidUsageLimit(I::InvalidUsageLimit {
                unit,
                lifetimeLimit: lifetime,
                periodLimit: per_period,
                period,
            })
        );
    }
    assert!(!usage(&h).installed);
}

#[test]
fn install_refuses_dirty_high_bits() {
    let h = harness();
    // A unit word of 0x0100 (dirty above uint8), and a lifetime limit of
    // 2^32 + 3 (dirty above uint32).
    for (word, byte) in [(1, 30), (2, 27)] {
        let mut data = install_data(COUNT_OPERATIONS, 3, 0, 0);
        data[word * 32 + byte] = 1;
        let err: Errors = h.call_err(ACCOUNT, &on_install(data));
        assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
    }
}

#[test]
fn a_second_install_at_the_same_entity_is_refused() {
    let h = lifetime_three();
    let err: Errors = h.call_err(
        ACCOUNT,
        &on_install(install_data(COUNT_OPERATIONS, 9, 0, 0)),
    );
    assert!(matches!(err, Errors::AlreadyInstalled(_)), "{err:?}");
    assert_eq!(usage(&h).lifetimeLimit, 3);
}

#[test]
fn hooks_of_an_uninstalled_key_are_refused() {
    let h = harness();
    let err = validate_err(&h, one_call(), None);
    assert_eq!(err, not_installed(ACCOUNT, ENTITY));
    let err: Errors = h.expect_err(|| runtime(&h, one_call()));
    assert_eq!(err, not_installed(ACCOUNT, ENTITY));
    let err: Errors = h.expect_err(|| execution(&h, one_call()));
    assert_eq!(err, not_installed(ACCOUNT, ENTITY));
}

in_validation! {
    #[test]
    fn a_lifetime_limit_counts_operations_and_refuses_the_next() {
        let h = lifetime_three();
        for used in 1..=3 {
            // A lifetime count bounds no time.
            assert_eq!(validated(&h, one_call(), None), U256::ZERO);
            assert_eq!(usage(&h).lifetimeUsed, used);
        }
        assert_eq!(validate_err(&h, one_call(), None), exceeded(3, 3));
        assert_eq!(validate_err(&h, batch(2), Some(START)), exceeded(3, 3));
        let err: Errors = h.expect_err(|| runtime(&h, one_call()));
        assert_eq!(err, exceeded(3, 3));
        assert_eq!(usage(&h).lifetimeUsed, 3);
    }

    #[test]
    fn counting_operations_counts_a_batch_once() {
        let h = installed_with(COUNT_OPERATIONS, 2, 0, 0);
        validated(&h, batch(5), None);
        validated(&h, batch(5), None);
        assert_eq!(validate_err(&h, one_call(), None), exceeded(2, 2));
    }

    #[test]
    fn counting_calls_counts_each_call_of_a_batch() {
        let h = installed_with(COUNT_CALLS, 4, 0, 0);
        validated(&h, batch(3), None);
        assert_eq!(usage(&h).lifetimeUsed, 3);
        // Two more do not fit in the one left: nothing is counted.
        assert_eq!(validate_err(&h, batch(2), None), exceeded(3, 4));
        runtime(&h, one_call()).unwrap();
        assert_eq!(usage(&h).lifetimeUsed, 4);
        assert_eq!(validate_err(&h, one_call(), None), exceeded(4, 4));
    }

    #[test]
    fn an_empty_batch_counts_no_call() {
        let h = installed_with(COUNT_CALLS, 1, 0, 0);
        validated(&h, batch(0), None);
        assert_eq!(usage(&h).lifetimeUsed, 0);
    }

    #[test]
    fn a_periodic_limit_counts_in_the_hinted_period_and_returns_it() {
        let h = two_a_day();
        assert_eq!(validated(&h, one_call(), Some(START + 5)), period_data(0));
        assert_eq!(validated(&h, one_call(), Some(START + DAY - 1)), period_data(0));
        assert_eq!(validate_err(&h, one_call(), Some(START + 10)), exceeded(2, 2));
        // The next period has its own count.
        assert_eq!(validated(&h, one_call(), Some(START + DAY)), period_data(1));
        assert_eq!(validated(&h, one_call(), Some(START + DAY + 7)), period_data(1));
        assert_eq!(
            validate_err(&h, one_call(), Some(START + 2 * DAY - 1)),
            exceeded(2, 2)
        );
        // Without a hint: the recorded period.
        assert_eq!(validate_err(&h, one_call(), None), exceeded(2, 2));
        assert_eq!(validated(&h, one_call(), Some(START + 3 * DAY)), period_data(3));
        assert_eq!(validated(&h, one_call(), None), period_data(3));
    }

    #[test]
    fn a_hint_before_the_recorded_period_is_refused() {
        let h = two_a_day();
        validated(&h, one_call(), Some(START + DAY));
        let err = validate_err(&h, one_call(), Some(START + 5));
        assert_eq!(
            err,
            Errors::StalePeriodHint(I::StalePeriodHint {
                hinted: U256::ZERO,
                recorded: U256::from(1),
            })
        );
    }

    #[test]
    fn a_segment_that_is_not_one_uint48_word_is_refused() {
        let h = two_a_day();
        for segment in [vec![1u8; 31], vec![1u8; 33], vec![0xFF; 32]] {
            let mut op = user_op(ACCOUNT, one_call());
            op.signature = segment.into();
            let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
            assert!(matches!(err, Errors::InvalidPeriodHint(_)), "{err:?}");
        }
    }

    #[test]
    fn runtime_calls_count_at_the_clock() {
        let h = two_a_day();
        runtime(&h, one_call()).unwrap();
        runtime(&h, one_call()).unwrap();
        let err: Errors = h.expect_err(|| runtime(&h, one_call()));
        assert_eq!(err, exceeded(2, 2));
        h.set_timestamp(START + DAY);
        runtime(&h, one_call()).unwrap();
        assert_eq!(usage(&h).periodUsed, 1);
    }

    #[test]
    fn a_clock_before_a_hinted_future_period_is_refused() {
        let h = two_a_day();
        validated(&h, one_call(), Some(START + 2 * DAY));
        let err: Errors = h.expect_err(|| runtime(&h, one_call()));
        assert_eq!(
            err,
            Errors::RecordedPeriodNotStarted(I::RecordedPeriodNotStarted {
                recorded: U256::from(2),
                clock: U256::ZERO,
            })
        );
    }

    #[test]
    fn both_limits_apply_the_lifetime_one_across_periods() {
        let h = installed_with(COUNT_OPERATIONS, 3, 2, DAY as u32);
        validated(&h, one_call(), Some(START));
        validated(&h, one_call(), Some(START));
        assert_eq!(validate_err(&h, one_call(), Some(START)), exceeded(2, 2));
        validated(&h, one_call(), Some(START + DAY));
        // The period has room, the lifetime none.
        assert_eq!(validate_err(&h, one_call(), Some(START + DAY)), exceeded(3, 3));
        let got = usage(&h);
        assert_eq!((got.lifetimeUsed, got.periodUsed), (3, 0));
    }

    #[test]
    fn the_view_reports_the_current_periods_count() {
        let h = two_a_day();
        runtime(&h, one_call()).unwrap();
        assert_eq!(usage(&h).periodUsed, 1);
        h.set_timestamp(START + DAY);
        assert_eq!(usage(&h).periodUsed, 0);
    }
}

in_execution! {
    #[test]
    fn the_execution_hook_counts_at_the_clock_on_both_call_forms() {
        let h = installed_with(COUNT_CALLS, 0, 3, DAY as u32);
        execution(&h, batch(2)).unwrap();
        let prefixed = execute_user_op_msg_data(user_op(ACCOUNT, user_op_prefixed(&one_call())));
        execution(&h, prefixed.clone()).unwrap();
        let err: Errors = h.expect_err(|| execution(&h, prefixed.clone()));
        assert_eq!(err, exceeded(3, 3));
        h.set_timestamp(START + DAY + 1);
        execution(&h, prefixed).unwrap();
        assert_eq!(usage(&h).periodUsed, 1);
    }
}

#[test]
fn the_signature_hook_counts_nothing() {
    let h = installed_with(COUNT_OPERATIONS, 1, 0, 0);
    for _ in 0..3 {
        h.call_ok(
            ACCOUNT,
            &I::preSignatureValidationHookCall {
                entityId: ENTITY,
                sender: Address::repeat_byte(0x5E),
                hash: B256::repeat_byte(0x22),
                signature: Default::default(),
            },
        );
    }
    assert_eq!(usage(&h).lifetimeUsed, 0);
}

#[test]
fn accounts_and_entities_count_apart() {
    let h = lifetime_three();
    h.call_ok(
        OTHER_ACCOUNT,
        &on_install(install_data(COUNT_OPERATIONS, 1, 0, 0)),
    );
    let view = |account, entity_id| {
        h.call_ok(
            ACCOUNT,
            &I::getUsageLimitCall {
                account,
                entityId: entity_id,
            },
        )
    };
    assert_eq!(view(OTHER_ACCOUNT, ENTITY).lifetimeLimit, 1);
    assert_eq!(view(ACCOUNT, ENTITY).lifetimeLimit, 3);
    assert!(!view(ACCOUNT, ENTITY + 1).installed);
}

#[test]
fn uninstalling_nothing_succeeds_and_changes_nothing() {
    let h = lifetime_three();
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY + 1);
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
    assert!(!usage(&h).installed);
}

module_only! {
    #[test]
    fn set_usage_limit_replaces_the_limits_with_nothing_used() {
        let h = lifetime_three();
        runtime(&h, one_call()).unwrap();
        h.set_timestamp(START + 100);
        h.call_ok(
            ACCOUNT,
            &I::setUsageLimitCall {
                entityId: ENTITY,
                unit: COUNT_CALLS,
                lifetimeLimit: 0,
                periodLimit: 1,
                period: 60,
            },
        );
        let got = usage(&h);
        assert_eq!(
            (got.unit, got.lifetimeLimit, got.lifetimeUsed, got.periodLimit, got.period),
            (COUNT_CALLS, 0, 0, 1, 60)
        );
        // The new period starts at the change.
        assert_eq!(validated(&h, one_call(), Some(START + 100)), window_data(START + 100, START + 159));
    }

    #[test]
    fn set_usage_limit_refuses_an_uninstalled_key_and_bad_limits() {
        let h = lifetime_three();
        let set = |entity_id, lifetime| I::setUsageLimitCall {
            entityId: entity_id,
            unit: COUNT_OPERATIONS,
            lifetimeLimit: lifetime,
            periodLimit: 0,
            period: 0,
        };
        let err: Errors = h.call_err(ACCOUNT, &set(ENTITY + 1, 5));
        assert_eq!(err, not_installed(ACCOUNT, ENTITY + 1));
        let err: Errors = h.call_err(ACCOUNT, &set(ENTITY, 0));
        assert!(matches!(err, Errors::InvalidUsageLimit(_)), "{err:?}");
    }

    #[test]
    fn module_id_names_the_module() {
        let h = harness();
        let id = h.call_ok(ACCOUNT, &I::moduleIdCall {});
        assert_eq!(id, crate::module::MODULE_ID);
    }

    #[test]
    fn solidity_interface_matches_the_rust_abi() {
        check_interface::<UsageLimit>(
            IUsageLimitModuleCalls::SELECTORS,
            Errors::SELECTORS,
            IUsageLimitModuleEvents::SELECTORS,
            (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
        );
    }

    #[test]
    fn supports_the_hook_interfaces() {
        let h = harness();
        for id in [IERC165_ID, IMODULE_ID, IVALIDATION_HOOK_MODULE_ID, IEXECUTION_HOOK_MODULE_ID] {
            assert!(h.call_ok(ACCOUNT, &I::supportsInterfaceCall { interfaceId: id.into() }));
        }
    }
}

#[test]
fn value_sent_with_a_call_is_refused() {
    let h = lifetime_three();
    assert_refuses_value(&h, ACCOUNT, &pre_runtime(ENTITY, one_call()).abi_encode());
}
