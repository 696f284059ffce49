// The contract allowlist's attack inventory: what the holder of a session
// key tries against it, each refused with its exact error on every hook
// path. Included next to `cases.rs` (whose helpers it uses) and run on the
// native TestVM and on the compiled WASM.

use module_kit::testing::hostile;
use permission_core::selectors::{selector, EXECUTE_USER_OP};

const ENTRY_POINT: Address = Address::new([0xE7; 20]);

fn refused(call: &[u8], expected: Errors) {
    HookPath::all_err(&installed(), ACCOUNT, ENTITY, call, &expected);
}

// --- Targets the key must never reach ---

#[test]
fn attack_self_call_to_upgrade_the_account() {
    let upgrade = IAccountExecute::upgradeToAndCallCall {
        newImplementation: STRANGER,
        data: Default::default(),
    }
    .abi_encode();
    refused(&execute(ACCOUNT, U256::ZERO, upgrade), not_allowed(ACCOUNT));
}

#[test]
fn attack_key_calls_the_module_admin_to_add_its_own_target() {
    let add = I::addTargetCall {
        entityId: ENTITY,
        target: STRANGER,
    }
    .abi_encode();
    refused(&execute(MODULE_ADDRESS, U256::ZERO, add), not_allowed(MODULE_ADDRESS));
}

#[test]
fn attack_key_withdraws_the_entry_point_deposit() {
    let withdraw = [
        &selector("withdrawTo(address,uint256)")[..],
        &[0u8; 64][..],
    ]
    .concat();
    refused(&execute(ENTRY_POINT, U256::ZERO, withdraw), not_allowed(ENTRY_POINT));
}

#[test]
fn attack_plain_value_send_to_an_unlisted_address() {
    refused(&execute(STRANGER, U256::from(1), vec![]), not_allowed(STRANGER));
}

// --- Batches that hide a call ---

#[test]
fn attack_batch_hiding_an_unlisted_target_last() {
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, vec![1, 2, 3, 4]),
        (COUNTER, U256::ZERO, vec![1, 2, 3, 4]),
        (STRANGER, U256::ZERO, vec![]),
    ]);
    refused(&batch, not_allowed(STRANGER));
}

#[test]
fn attack_batch_hiding_a_self_call() {
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, vec![]),
        (ACCOUNT, U256::ZERO, IModule::moduleIdCall {}.abi_encode()),
    ]);
    refused(&batch, not_allowed(ACCOUNT));
}

#[test]
fn attack_overlapping_batch_elements_hide_a_target() {
    // The second element offset points one word into the first tuple: the
    // account's decoder, and ours, read a call to STRANGER there.
    let batch = hostile::overlapping_batch_elements(COUNTER, STRANGER, [7; 64]);
    refused(&batch, not_allowed(STRANGER));
}

#[test]
fn attack_aliased_batch_offsets_repeat_an_allowed_call_only() {
    // Aliasing cannot change the target: every copy is checked, and all
    // of them are the listed call.
    let h = installed();
    let batch = hostile::aliased_batch(COUNTER, U256::ZERO, vec![1, 2, 3, 4], 3);
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &batch);
    let batch = hostile::aliased_batch(STRANGER, U256::ZERO, vec![], 3);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &batch, &not_allowed(STRANGER));
}

// --- Hostile ABI encodings ---

#[test]
fn attack_dirty_high_bits_in_an_allowed_target() {
    // Masked to 20 bytes the target would read as COUNTER.
    refused(&hostile::dirty_target(COUNTER, U256::ZERO, vec![], 0xFF), malformed(4));
}

#[test]
fn attack_dirty_high_bits_in_a_batch_target() {
    refused(&hostile::dirty_batch_target(COUNTER, U256::ZERO, vec![]), malformed(4));
}

#[test]
fn attack_data_offset_out_of_bounds() {
    let call = hostile::execute_data_offset(COUNTER, U256::ZERO, vec![], U256::MAX);
    refused(&call, malformed(2));
}

#[test]
fn attack_data_length_out_of_bounds() {
    let call = hostile::execute_data_length(COUNTER, U256::ZERO, vec![1, 2, 3, 4], U256::MAX);
    refused(&call, malformed(3));
}

#[test]
fn attack_batch_length_out_of_bounds() {
    let calls = vec![(COUNTER, U256::ZERO, vec![])];
    refused(&hostile::batch_length(calls, U256::MAX), malformed(3));
}

#[test]
fn attack_batch_element_offset_out_of_bounds() {
    let calls = vec![(COUNTER, U256::ZERO, vec![]), (STRANGER, U256::ZERO, vec![])];
    refused(&hostile::batch_element_offset(calls, 1, U256::MAX), malformed(2));
}

#[test]
fn attack_short_calldata() {
    for len in [0, 3, 4 + 31, 4 + 64] {
        refused(&hostile::truncated(call_to(COUNTER), len), malformed(1));
    }
}

// --- Call forms around the walker ---

#[test]
fn attack_nested_execute_user_op_prefix() {
    let h = installed();
    let doubly = hostile::nested_prefix(&call_to(STRANGER));
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, doubly.clone())));
    assert_eq!(err, unsupported_call_form(EXECUTE_USER_OP));
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_execution(ENTITY, execute_user_op_msg_data(user_op(ACCOUNT, doubly))),
    );
    assert_eq!(err, unsupported_call_form(EXECUTE_USER_OP));
}

#[test]
fn attack_execute_user_op_prefix_hides_an_unlisted_target() {
    let h = installed();
    for path in [HookPath::UserOpValidationPrefixed, HookPath::ExecutionUserOp] {
        let err: Errors = h.expect_err(|| path.call(&h, ACCOUNT, ENTITY, call_to(STRANGER)));
        assert_eq!(err, not_allowed(STRANGER), "on {path:?}");
    }
}

#[test]
fn attack_unknown_outer_selector_around_an_execute() {
    let look_alike = selector("executeWithRuntimeValidation(bytes,bytes)");
    refused(&hostile::reselected(look_alike, &call_to(STRANGER)), unsupported_call_form(look_alike));
}

#[test]
fn attack_real_zero_outer_selector() {
    refused(&hostile::reselected([0; 4], &call_to(STRANGER)), unsupported_call_form([0; 4]));
}

// --- Strangers, segments and stale installs ---

module_only! {
    #[test]
    fn attack_stranger_adds_a_target_to_an_accounts_list() {
        let h = installed();
        let err: Errors = h.call_err(
            STRANGER,
            &I::addTargetCall {
                entityId: ENTITY,
                target: STRANGER,
            },
        );
        assert_eq!(
            err,
            not_installed(STRANGER, ENTITY)
        );
        assert_eq!(targets(&h, ACCOUNT), vec![COUNTER, TOKEN]);
    }
}

module_only! {
    #[test]
    fn attack_hook_segment_smuggled_into_the_validation_hook() {
        let h = installed();
        let mut op = user_op(ACCOUNT, call_to(COUNTER));
        op.signature = vec![0; 32].into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert_eq!(err, Errors::UnexpectedDataPassed(I::UnexpectedDataPassed {}));
    }
}

#[test]
fn attack_hooks_fail_closed_after_uninstall() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    let expected: Errors = not_installed(ACCOUNT, ENTITY);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &call_to(COUNTER), &expected);
}

#[test]
fn attack_reinstall_keeps_no_old_target() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    h.call_ok(ACCOUNT, &on_install(encode_contract_allowlist(ENTITY, &[COUNTER])));
    HookPath::all_err(&h, ACCOUNT, ENTITY, &call_to(TOKEN), &not_allowed(TOKEN));
}

#[test]
fn attack_value_sent_to_the_module_is_refused() {
    let h = installed();
    let call = pre_execution(ENTITY, call_to(COUNTER)).abi_encode();
    assert_refuses_value(&h, ACCOUNT, &call);
}
