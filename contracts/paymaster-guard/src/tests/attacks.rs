// The attack inventory: a holder of the session key who bundles its own
// operation and wants someone the guard does not allow to pay for it.

#[test]
fn attack_a_short_paymaster_field_does_not_read_as_no_paymaster() {
    // With the account allowed to pay, 1 to 51 bytes of paymasterAndData
    // must not pass as "none": the EntryPoint refuses them (AA93), and the
    // guard refuses them as malformed.
    let h = installed_with(true, &[SPONSOR]);
    for len in [1usize, 19, 20, 51] {
        let mut op = op_paid_by(None);
        op.paymasterAndData = vec![0x7A; len].into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert!(matches!(err, Errors::MalformedCalldata(_)), "{len}: {err:?}");
    }
}

#[test]
fn attack_a_listed_paymaster_prefix_with_another_address_is_refused() {
    // The paymaster is the field's first 20 bytes, wherever data follows.
    let h = sponsored_only();
    let mut op = op_paid_by(Some(OTHER_PAYMASTER));
    let mut data = op.paymasterAndData.to_vec();
    data.extend_from_slice(SPONSOR.as_slice());
    op.paymasterAndData = data.into();
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
    assert_eq!(err, not_allowed(OTHER_PAYMASTER));
}

#[test]
fn attack_another_account_cannot_use_the_guard_or_uninstall_it() {
    let h = sponsored_only();
    let op = user_op(OTHER_ACCOUNT, execute(COUNTER, U256::ZERO, vec![]));
    let err: Errors = h.call_err(OTHER_ACCOUNT, &pre_user_op(ENTITY, op));
    assert_eq!(err, not_installed(OTHER_ACCOUNT, ENTITY));
    h.call_ok(OTHER_ACCOUNT, &on_uninstall(ENTITY));
    assert!(guard_view(&h).installed);
}

#[test]
fn attack_hooks_fail_closed_after_uninstall_and_reinstall_keeps_no_old_list() {
    let h = sponsored_only();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    let err: Errors = h.expect_err(|| validate(&h, Some(SPONSOR)));
    assert_eq!(err, not_installed(ACCOUNT, ENTITY));
    h.call_ok(ACCOUNT, &on_install(install_data(true, &[])));
    let err: Errors = h.expect_err(|| validate(&h, Some(SPONSOR)));
    assert_eq!(err, not_allowed(SPONSOR));
    assert!(guard_view(&h).paymasters.is_empty());
}

#[test]
fn attack_value_sent_to_the_module_is_refused() {
    let h = sponsored_only();
    let call = pre_user_op(ENTITY, op_paid_by(Some(SPONSOR)));
    assert_refuses_value(&h, ACCOUNT, &alloy_sol_types::SolCall::abi_encode(&call));
}
