// The selector allowlist's attack inventory: what the holder of a session
// key tries against it, each refused with its exact error on every hook
// path. Included next to `cases.rs` (whose helpers it uses) and run on the
// native TestVM and on the compiled WASM.

use module_kit::testing::hostile;

const STRANGER: Address = Address::new([0x99; 20]);

fn refused(call: &[u8], expected: Errors) {
    refused_by(&installed(), call, expected);
}

fn refused_by(h: &Harness<SelectorAllowlist>, call: &[u8], expected: Errors) {
    HookPath::all_err(h, ACCOUNT, ENTITY, call, &expected);
}

// --- Rules that would reach the account, its modules or the EntryPoint ---

#[test]
fn attack_wildcard_rule_calls_the_account_itself() {
    refused(&call(ACCOUNT, VOTE), not_allowed(ACCOUNT, VOTE));
}

#[test]
fn attack_self_call_to_install_a_validation() {
    refused(&call(ACCOUNT, INSTALL_VALIDATION), not_allowed(ACCOUNT, INSTALL_VALIDATION));
}

#[test]
fn attack_wildcard_rule_for_transfer_signer() {
    install_refuses_privileged(Address::ZERO, selector("transferSigner(uint32,address)"));
}

#[test]
fn attack_wildcard_rule_for_entry_point_withdraw_to() {
    install_refuses_privileged(Address::ZERO, selector("withdrawTo(address,uint256)"));
}

#[test]
fn attack_wildcard_rule_for_set_time_window() {
    install_refuses_privileged(Address::ZERO, selector("setTimeWindow(uint32,uint48,uint48)"));
}

module_only! {
    #[test]
    fn attack_admin_adds_a_wildcard_rule_for_uninstall() {
        let h = installed();
        let before = h.storage();
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::addRuleCall {
                entityId: ENTITY,
                target: Address::ZERO,
                selector: selector("onUninstall(bytes)").into(),
            },
        );
        assert_eq!(
            err,
            Errors::PrivilegedSelector(I::PrivilegedSelector {
                target: Address::ZERO,
                selector: selector("onUninstall(bytes)").into(),
            })
        );
        assert_eq!(before, h.storage());
    }
}

// --- Selectors that are not what they look like ---

#[test]
fn attack_real_zero_selector_call_under_a_value_transfer_rule() {
    let h = installed_with(&[rule(MERCHANT, VALUE_TRANSFER_SELECTOR)]);
    let call = execute(MERCHANT, U256::ZERO, [0u8; 36].to_vec());
    refused_by(&h, &call, not_allowed(MERCHANT, [0; 4]));
}

#[test]
fn attack_three_byte_calldata_under_a_value_transfer_rule() {
    let h = installed_with(&[rule(COUNTER, VALUE_TRANSFER_SELECTOR)]);
    let call = execute(COUNTER, U256::ZERO, INCREMENT[..3].to_vec());
    refused_by(&h, &call, malformed(1));
}

#[test]
fn attack_overlapping_value_and_data_offsets() {
    // `data` overlaps `value` = 4: the account calls COUNTER with the four
    // bytes 0x00000000, which the value-transfer rule does not cover.
    let h = installed_with(&[rule(COUNTER, VALUE_TRANSFER_SELECTOR)]);
    let call = hostile::overlapping_value_and_data(COUNTER, U256::from(4));
    refused_by(&h, &call, not_allowed(COUNTER, [0; 4]));
}

// --- Batches that hide a call ---

#[test]
fn attack_batch_hiding_an_approve_between_allowed_calls() {
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, INCREMENT.to_vec()),
        (TOKEN, U256::ZERO, approve(STRANGER, u64::MAX)),
        (COUNTER, U256::ZERO, INCREMENT.to_vec()),
    ]);
    refused(&batch, not_allowed(TOKEN, ERC20_APPROVE));
}

#[test]
fn attack_overlapping_batch_elements_hide_a_target() {
    let mut data = [0u8; 64];
    data[..4].copy_from_slice(&INCREMENT);
    let batch = hostile::overlapping_batch_elements(COUNTER, STRANGER, data);
    refused(&batch, not_allowed(STRANGER, INCREMENT));
}

#[test]
fn attack_batch_hiding_a_self_call() {
    let batch = execute_batch(vec![
        (MERCHANT, U256::ZERO, VOTE.to_vec()),
        (ACCOUNT, U256::ZERO, VOTE.to_vec()),
    ]);
    refused(&batch, not_allowed(ACCOUNT, VOTE));
}

// --- Hostile ABI encodings ---

#[test]
fn attack_dirty_high_bits_in_an_allowed_target() {
    let call = hostile::dirty_target(COUNTER, U256::ZERO, INCREMENT.to_vec(), 0x80);
    refused(&call, malformed(4));
}

#[test]
fn attack_dirty_high_bits_in_a_batch_target() {
    let call = hostile::dirty_batch_target(COUNTER, U256::ZERO, INCREMENT.to_vec());
    refused(&call, malformed(4));
}

#[test]
fn attack_data_offset_out_of_bounds() {
    let call = hostile::execute_data_offset(COUNTER, U256::ZERO, INCREMENT.to_vec(), U256::from(1u64 << 32));
    refused(&call, malformed(2));
}

#[test]
fn attack_data_length_out_of_bounds() {
    let call = hostile::execute_data_length(COUNTER, U256::ZERO, INCREMENT.to_vec(), U256::from(33));
    refused(&call, malformed(3));
}

#[test]
fn attack_batch_length_out_of_bounds() {
    let calls = vec![(COUNTER, U256::ZERO, INCREMENT.to_vec())];
    refused(&hostile::batch_length(calls, U256::from(2)), malformed(2));
}

#[test]
fn attack_batch_element_offset_out_of_bounds() {
    let calls = vec![(COUNTER, U256::ZERO, INCREMENT.to_vec())];
    refused(&hostile::batch_element_offset(calls, 0, U256::from(0x1_0000)), malformed(2));
}

// --- Call forms around the walker ---

#[test]
fn attack_nested_execute_user_op_prefix() {
    let h = installed();
    let doubly = hostile::nested_prefix(&call(STRANGER, INCREMENT));
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, doubly)));
    assert_eq!(err, unsupported_call_form(EXECUTE_USER_OP));
}

#[test]
fn attack_execute_user_op_prefix_hides_a_disallowed_selector() {
    let h = installed();
    let hidden = execute(TOKEN, U256::ZERO, approve(STRANGER, 1));
    for path in [HookPath::UserOpValidationPrefixed, HookPath::ExecutionUserOp] {
        let err: Errors = h.expect_err(|| path.call(&h, ACCOUNT, ENTITY, hidden.clone()));
        assert_eq!(err, not_allowed(TOKEN, ERC20_APPROVE), "on {path:?}");
    }
}

#[test]
fn attack_unknown_outer_selector_around_an_execute() {
    refused(&hostile::reselected(PERFORM_CREATE, &call(STRANGER, INCREMENT)), unsupported_call_form(PERFORM_CREATE));
}

// --- Strangers, segments and stale installs ---

module_only! {
    #[test]
    fn attack_stranger_adds_a_rule_to_an_accounts_list() {
        let h = installed();
        let before = h.storage();
        let err: Errors = h.call_err(
            STRANGER,
            &I::addRuleCall {
                entityId: ENTITY,
                target: STRANGER,
                selector: INCREMENT.into(),
            },
        );
        assert_eq!(err, not_installed(STRANGER, ENTITY));
        assert_eq!(before, h.storage());
    }
}

module_only! {
    #[test]
    fn attack_hook_segment_smuggled_into_the_validation_hook() {
        let h = installed();
        let mut op = user_op(ACCOUNT, call(COUNTER, INCREMENT));
        op.signature = vec![1].into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert_eq!(err, Errors::UnexpectedDataPassed(I::UnexpectedDataPassed {}));
    }
}

#[test]
fn attack_hooks_fail_closed_after_uninstall() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    refused_by(&h, &call(COUNTER, INCREMENT), not_installed(ACCOUNT, ENTITY));
}

#[test]
fn attack_reinstall_keeps_no_old_rule() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    h.call_ok(ACCOUNT, &on_install(encode_selector_allowlist(ENTITY, &[rule(COUNTER, INCREMENT)])));
    refused_by(&h, &call(MERCHANT, VOTE), not_allowed(MERCHANT, VOTE));
}

#[test]
fn attack_value_sent_to_the_module_is_refused() {
    let h = installed();
    let call = pre_execution(ENTITY, call(COUNTER, INCREMENT)).abi_encode();
    assert_refuses_value(&h, ACCOUNT, &call);
}
