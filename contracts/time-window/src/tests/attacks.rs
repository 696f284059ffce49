// The time window's attack inventory: what the holder of a session key
// tries against it, each refused with its exact error. Included next to
// `cases.rs` (whose helpers it uses) and run on the native TestVM and on
// the compiled WASM.

type Errors = ITimeWindowModuleErrors;

const STRANGER: Address = Address::new([0x99; 20]);

// --- One second outside the window, on every clock-checked path ---

#[test]
fn attack_runtime_call_one_second_after_expiry() {
    let h = installed();
    h.set_timestamp(UNTIL + 1);
    let err: Errors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, some_call()));
    assert_eq!(err, outside(UNTIL + 1));
}

#[test]
fn attack_runtime_call_one_second_before_the_start() {
    let h = installed();
    h.set_timestamp(AFTER - 1);
    let err: Errors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, some_call()));
    assert_eq!(err, outside(AFTER - 1));
}

#[test]
fn attack_execution_after_expiry() {
    let h = installed();
    h.set_timestamp(UNTIL + 1);
    let err: Errors = h.call_err(ACCOUNT, &pre_execution(ENTITY, some_call()));
    assert_eq!(err, outside(UNTIL + 1));
}

#[test]
fn attack_expired_key_signs_an_erc1271_message() {
    let h = installed();
    h.set_timestamp(FAR_FUTURE);
    let err: Errors = h.call_err(ACCOUNT, &signature_hook(ENTITY, vec![]));
    assert_eq!(err, outside(FAR_FUTURE));
}

#[test]
fn attack_self_bundled_user_op_gets_the_window_as_validation_data() {
    // The key holder bundles and picks the block: the hook does not trust
    // the clock, it hands the window to the EntryPoint, which refuses the
    // operation outside it.
    let h = installed();
    h.set_timestamp(UNTIL + 1);
    let packed = h.call_ok(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, some_call())));
    assert_eq!(ValidationData::unpack(packed), ValidationData::window(AFTER, UNTIL));
}

// --- Segments, strangers and stale installs ---

module_only! {
    #[test]
    fn attack_hook_segment_smuggled_into_the_validation_hook() {
        let h = installed();
        let mut op = user_op(ACCOUNT, some_call());
        op.signature = U256::MAX.to_be_bytes::<32>().to_vec().into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert_eq!(err, Errors::UnexpectedDataPassed(ITimeWindowModule::UnexpectedDataPassed {}));
    }
}

#[test]
fn attack_signature_segment_smuggled_into_the_signature_hook() {
    let h = installed();
    h.set_timestamp(AFTER);
    let err: Errors = h.call_err(ACCOUNT, &signature_hook(ENTITY, vec![0]));
    assert_eq!(err, Errors::UnexpectedDataPassed(ITimeWindowModule::UnexpectedDataPassed {}));
}

module_only! {
    #[test]
    fn attack_stranger_lifts_an_accounts_expiry() {
        let h = installed();
        let err: Errors = h.call_err(
            STRANGER,
            &ITimeWindowModule::setTimeWindowCall {
                entityId: ENTITY,
                validAfter: u48(0),
                validUntil: u48(0),
            },
        );
        assert_eq!(err, not_installed(STRANGER, ENTITY));
        let got = h.call_ok(
            STRANGER,
            &ITimeWindowModule::getTimeWindowCall {
                account: ACCOUNT,
                entityId: ENTITY,
            },
        );
        assert_eq!((got.validAfter, got.validUntil), (u48(AFTER), u48(UNTIL)));
    }
}

#[test]
fn attack_hooks_fail_closed_after_uninstall() {
    // A validation left pointing at an uninstalled window is refused on
    // every path, the user-operation hook included: it never passes
    // without bounds.
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    h.set_timestamp(AFTER);
    let expected: Errors = not_installed(ACCOUNT, ENTITY);
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, some_call())));
    assert_eq!(err, expected);
    let err: Errors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, some_call()));
    assert_eq!(err, expected);
    let err: Errors = h.call_err(ACCOUNT, &signature_hook(ENTITY, vec![]));
    assert_eq!(err, expected);
}

#[test]
fn attack_reinstall_keeps_no_old_window() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    h.call_ok(ACCOUNT, &on_install(install_data(ENTITY, UNTIL, UNTIL + 10)));
    h.set_timestamp(AFTER);
    let err: Errors = h.call_err(ACCOUNT, &pre_execution(ENTITY, some_call()));
    assert_eq!(
        err,
        Errors::OutsideTimeWindow(ITimeWindowModule::OutsideTimeWindow {
            validAfter: u48(UNTIL),
            validUntil: u48(UNTIL + 10),
            timestamp: U256::from(AFTER),
        })
    );
}

#[test]
fn attack_value_sent_to_the_module_is_refused() {
    let h = installed();
    h.set_timestamp(AFTER);
    assert_refuses_value(&h, ACCOUNT, &pre_execution(ENTITY, some_call()).abi_encode());
}
