use alloy_primitives::{aliases::U48, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface, SolValue};
use module_kit::testing::*;
use permission_core::install::TimeWindowInstall;
use permission_core::selectors::*;
use permission_core::ValidationData;

use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/ITimeWindowModule.sol"
);
use ITimeWindowModule::{ITimeWindowModuleCalls, ITimeWindowModuleErrors, ITimeWindowModuleEvents};

const ENTITY: u32 = 7;
const AFTER: u64 = 1_000;
const UNTIL: u64 = 2_000;
/// A time far in the future at which Nitro still runs programs: ArbOS
/// stamps an activation with a 24-bit count of hours since Arbitrum began,
/// so nothing activated can run after about the year 3900 (the harness
/// renews the module's activation when it moves the clock).
const FAR_FUTURE: u64 = 60_000_000_000;

fn install_data(entity_id: u32, valid_after: u64, valid_until: u64) -> Vec<u8> {
    TimeWindowInstall {
        entity_id,
        valid_after,
        valid_until,
    }
    .encode()
}

fn installed() -> Harness<TimeWindow> {
    let h = harness();
    h.call_ok(ACCOUNT, &on_install(install_data(ENTITY, AFTER, UNTIL)));
    h
}

fn u48(v: u64) -> U48 {
    U48::from(v)
}

fn outside(now: u64) -> ITimeWindowModuleErrors {
    ITimeWindowModuleErrors::OutsideTimeWindow(ITimeWindowModule::OutsideTimeWindow {
        validAfter: u48(AFTER),
        validUntil: u48(UNTIL),
        timestamp: U256::from(now),
    })
}

fn some_call() -> Vec<u8> {
    execute(Address::repeat_byte(0xC0), U256::ZERO, vec![])
}

#[test]
fn install_data_matches_alloy_encoding() {
    let ours = install_data(ENTITY, AFTER, UNTIL);
    let theirs = (ENTITY, u48(AFTER), u48(UNTIL)).abi_encode_params();
    assert_eq!(ours, theirs);
    assert_eq!(
        TimeWindowInstall::decode(&theirs).unwrap(),
        TimeWindowInstall {
            entity_id: ENTITY,
            valid_after: AFTER,
            valid_until: UNTIL
        }
    );
}

#[test]
fn install_stores_window_and_emits_events() {
    let h = installed();
    let got = h.call_ok(
        OTHER_ACCOUNT,
        &ITimeWindowModule::getTimeWindowCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert!(got.installed);
    assert_eq!((got.validAfter, got.validUntil), (u48(AFTER), u48(UNTIL)));

    let logs = h.logs();
    assert_eq!(logs.len(), 2);
    let set =
        ITimeWindowModule::TimeWindowSet::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1)
            .unwrap();
    assert_eq!(set.account, ACCOUNT);
    assert_eq!(set.entityId, ENTITY);
    assert_eq!((set.validAfter, set.validUntil), (u48(AFTER), u48(UNTIL)));
    let inst =
        ITimeWindowModule::ModuleInstalled::decode_raw_log(logs[1].0.iter().copied(), &logs[1].1)
            .unwrap();
    assert_eq!((inst.account, inst.entityId), (ACCOUNT, ENTITY));
}

#[test]
fn install_rejects_a_window_that_ends_before_it_starts() {
    let h = harness();
    for (after, until) in [(2_000, 2_000), (2_000, 1_999)] {
        let err = h.call_err::<_, ITimeWindowModuleErrors>(
            ACCOUNT,
            &on_install(install_data(ENTITY, after, until)),
        );
        assert_eq!(
            err,
            ITimeWindowModuleErrors::InvalidTimeWindow(ITimeWindowModule::InvalidTimeWindow {
                validAfter: u48(after),
                validUntil: u48(until)
            })
        );
    }
    assert!(h.storage().is_empty());
}

#[test]
fn install_rejects_values_wider_than_uint48() {
    let h = harness();
    let data = (ENTITY, U256::from(1u64 << 48), U256::ZERO).abi_encode_params();
    let err = h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &on_install(data));
    assert_eq!(
        err,
        ITimeWindowModuleErrors::MalformedCalldata(ITimeWindowModule::MalformedCalldata {
            reason: 4
        })
    );
}

#[test]
fn install_rejects_short_data() {
    let h = harness();
    let err = h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &on_install(vec![0u8; 64]));
    assert_eq!(
        err,
        ITimeWindowModuleErrors::MalformedCalldata(ITimeWindowModule::MalformedCalldata {
            reason: 1
        })
    );
}

#[test]
fn second_install_is_refused() {
    let h = installed();
    let err =
        h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &on_install(install_data(ENTITY, 0, 0)));
    assert_eq!(
        err,
        ITimeWindowModuleErrors::AlreadyInstalled(ITimeWindowModule::AlreadyInstalled {
            account: ACCOUNT,
            entityId: ENTITY
        })
    );
}

#[test]
fn user_op_hook_returns_the_window_without_reading_the_clock() {
    let h = installed();
    // The clock is far outside the window: the hook must still succeed and
    // leave enforcement to the EntryPoint.
    for now in [0, AFTER, UNTIL + 1_000_000] {
        h.set_timestamp(now);
        let packed = h.call_ok(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, some_call())));
        let data = ValidationData::unpack(packed);
        assert_eq!(data, ValidationData::window(AFTER, UNTIL));
        let expected = (U256::from(UNTIL) << 160) | (U256::from(AFTER) << 208);
        assert_eq!(packed, expected);
    }
}

#[test]
fn clock_checked_hooks_accept_inside_the_inclusive_window() {
    let h = installed();
    for now in [AFTER, AFTER + 1, UNTIL] {
        h.set_timestamp(now);
        h.call_ok(ACCOUNT, &pre_runtime(ENTITY, some_call()));
        h.call_ok(ACCOUNT, &pre_execution(ENTITY, some_call()));
        h.call_ok(ACCOUNT, &signature_hook(ENTITY, vec![]));
    }
}

fn signature_hook(
    entity_id: u32,
    signature: Vec<u8>,
) -> ITimeWindowModule::preSignatureValidationHookCall {
    ITimeWindowModule::preSignatureValidationHookCall {
        entityId: entity_id,
        sender: Address::repeat_byte(0x5E),
        hash: B256::repeat_byte(0x42),
        signature: signature.into(),
    }
}

#[test]
fn clock_checked_hooks_refuse_outside_the_window() {
    let h = installed();
    for now in [0, AFTER - 1, UNTIL + 1] {
        h.set_timestamp(now);
        let e = |r: ITimeWindowModuleErrors| assert_eq!(r, outside(now));
        e(h.call_err(ACCOUNT, &pre_runtime(ENTITY, some_call())));
        e(h.call_err(ACCOUNT, &pre_execution(ENTITY, some_call())));
        e(h.call_err(ACCOUNT, &signature_hook(ENTITY, vec![])));
    }
}

#[test]
fn zero_valid_until_never_expires() {
    let h = harness();
    h.call_ok(ACCOUNT, &on_install(install_data(ENTITY, AFTER, 0)));
    h.set_timestamp(FAR_FUTURE);
    h.call_ok(ACCOUNT, &pre_execution(ENTITY, some_call()));
    h.set_timestamp(AFTER - 1);
    h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &pre_execution(ENTITY, some_call()));
}

#[test]
fn hooks_refuse_when_not_installed() {
    let h = harness();
    let expected = ITimeWindowModuleErrors::NotInstalled(ITimeWindowModule::NotInstalled {
        account: ACCOUNT,
        entityId: ENTITY,
    });
    assert_eq!(
        h.call_err::<_, ITimeWindowModuleErrors>(
            ACCOUNT,
            &pre_user_op(ENTITY, user_op(ACCOUNT, some_call()))
        ),
        expected
    );
    assert_eq!(
        h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &pre_runtime(ENTITY, some_call())),
        expected
    );
    assert_eq!(
        h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &pre_execution(ENTITY, some_call())),
        expected
    );
    assert_eq!(
        h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &signature_hook(ENTITY, vec![])),
        expected
    );
}

module_only! {
    #[test]
    fn non_empty_segments_are_refused() {
        let h = installed();
        h.set_timestamp(AFTER);
        let unexpected =
            ITimeWindowModuleErrors::UnexpectedDataPassed(ITimeWindowModule::UnexpectedDataPassed {});
        let mut op = user_op(ACCOUNT, some_call());
        op.signature = vec![1].into();
        assert_eq!(
            h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &pre_user_op(ENTITY, op)),
            unexpected
        );
        let mut runtime = pre_runtime(ENTITY, some_call());
        runtime.authorization = vec![0].into();
        assert_eq!(
            h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &runtime),
            unexpected
        );
        assert_eq!(
            h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &signature_hook(ENTITY, vec![0xFF])),
            unexpected
        );
    }
}

module_only! {
    #[test]
    fn an_entity_id_shared_across_accounts_is_isolated() {
        let h = installed();
        h.set_timestamp(AFTER);
        // The other account never installed this entityId.
        assert_eq!(
            h.call_err::<_, ITimeWindowModuleErrors>(
                OTHER_ACCOUNT,
                &pre_execution(ENTITY, some_call())
            ),
            ITimeWindowModuleErrors::NotInstalled(ITimeWindowModule::NotInstalled {
                account: OTHER_ACCOUNT,
                entityId: ENTITY
            })
        );
        // Its own install and admin calls do not touch the first account's window.
        h.call_ok(
            OTHER_ACCOUNT,
            &on_install(install_data(ENTITY, 5_000, 6_000)),
        );
        h.call_ok(
            OTHER_ACCOUNT,
            &ITimeWindowModule::setTimeWindowCall {
                entityId: ENTITY,
                validAfter: u48(7_000),
                validUntil: u48(8_000),
            },
        );
        h.call_ok(OTHER_ACCOUNT, &on_uninstall(ENTITY));
        let mine = h.call_ok(
            ACCOUNT,
            &ITimeWindowModule::getTimeWindowCall {
                account: ACCOUNT,
                entityId: ENTITY,
            },
        );
        assert!(mine.installed);
        assert_eq!((mine.validAfter, mine.validUntil), (u48(AFTER), u48(UNTIL)));
        h.call_ok(ACCOUNT, &pre_execution(ENTITY, some_call()));
    }
}

#[test]
fn reinstall_after_uninstall_starts_clean() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    let gone = h.call_ok(
        ACCOUNT,
        &ITimeWindowModule::getTimeWindowCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert!(!gone.installed);
    assert_eq!((gone.validAfter, gone.validUntil), (u48(0), u48(0)));
    h.set_timestamp(AFTER);
    h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &pre_execution(ENTITY, some_call()));

    h.call_ok(ACCOUNT, &on_install(install_data(ENTITY, 3_000, 4_000)));
    let again = h.call_ok(
        ACCOUNT,
        &ITimeWindowModule::getTimeWindowCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(
        (again.validAfter, again.validUntil),
        (u48(3_000), u48(4_000))
    );
    assert_eq!(
        h.call_err::<_, ITimeWindowModuleErrors>(ACCOUNT, &pre_execution(ENTITY, some_call())),
        {
            ITimeWindowModuleErrors::OutsideTimeWindow(ITimeWindowModule::OutsideTimeWindow {
                validAfter: u48(3_000),
                validUntil: u48(4_000),
                timestamp: U256::from(AFTER),
            })
        }
    );
    // A second uninstall of the same generation finds nothing left: it
    // succeeds and changes nothing.
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
}

module_only! {
    #[test]
    fn set_time_window_replaces_the_window() {
        let h = installed();
        h.call_ok(
            ACCOUNT,
            &ITimeWindowModule::setTimeWindowCall {
                entityId: ENTITY,
                validAfter: u48(10),
                validUntil: u48(20),
            },
        );
        let packed = h.call_ok(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, some_call())));
        assert_eq!(
            ValidationData::unpack(packed),
            ValidationData::window(10, 20)
        );
        let err = h.call_err::<_, ITimeWindowModuleErrors>(
            ACCOUNT,
            &ITimeWindowModule::setTimeWindowCall {
                entityId: ENTITY,
                validAfter: u48(20),
                validUntil: u48(10),
            },
        );
        assert!(matches!(err, ITimeWindowModuleErrors::InvalidTimeWindow(_)));
        let err = h.call_err::<_, ITimeWindowModuleErrors>(
            ACCOUNT,
            &ITimeWindowModule::setTimeWindowCall {
                entityId: ENTITY + 1,
                validAfter: u48(1),
                validUntil: u48(2),
            },
        );
        assert!(matches!(err, ITimeWindowModuleErrors::NotInstalled(_)));
    }
}

module_only! {
    #[test]
    fn erc165_and_module_id() {
        let h = harness();
        for (id, expected) in [
            (IERC165_ID, true),
            (IMODULE_ID, true),
            (IVALIDATION_HOOK_MODULE_ID, true),
            (IEXECUTION_HOOK_MODULE_ID, true),
            ([0xFF; 4], false),
            ([0xab, 0x3e, 0x34, 0xc1], false), // IValidationModule: not this module
        ] {
            let got = h.call_ok(
                ACCOUNT,
                &IERC165::supportsInterfaceCall {
                    interfaceId: id.into(),
                },
            );
            assert_eq!(got, expected, "0x{}", hex(&id));
        }
        assert_eq!(
            h.call_ok(ACCOUNT, &IModule::moduleIdCall {}),
            "stylus-session-keys.time-window.0.1.0"
        );
    }
}

#[test]
fn unknown_functions_value_and_short_input_are_refused() {
    let h = harness();
    let err = h.call_raw(ACCOUNT, &[0xde, 0xad, 0xbe, 0xef]).unwrap_err();
    assert_eq!(
        ITimeWindowModuleErrors::abi_decode(&err).unwrap(),
        ITimeWindowModuleErrors::UnsupportedFunction(ITimeWindowModule::UnsupportedFunction {
            selector: [0xde, 0xad, 0xbe, 0xef].into()
        })
    );
    assert!(h.call_raw(ACCOUNT, &[0x01]).is_err());
    assert!(h.call_raw(ACCOUNT, &[]).is_err());
    let err = h
        .call_raw_with_value(
            ACCOUNT,
            U256::from(1),
            &IModule::moduleIdCall {}.abi_encode(),
        )
        .unwrap_err();
    assert_eq!(err, ITimeWindowModule::ValueNotAccepted {}.abi_encode());
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<TimeWindow>(
        ITimeWindowModuleCalls::SELECTORS,
        ITimeWindowModuleErrors::SELECTORS,
        ITimeWindowModuleEvents::SELECTORS,
        (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}

#[test]
fn uninstalling_nothing_succeeds_and_changes_nothing() {
    let h = installed();
    // Never installed at this id.
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY + 1);
    // Already uninstalled: the entry of the module's second role in one
    // validation finds nothing left.
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
}
