// The policy's attack inventory: what the holder of a session key tries
// against it, each refused with its exact error. Included next to
// `cases.rs` (whose helpers it uses) and run on the native TestVM and on
// the compiled WASM.

use module_kit::testing::hostile;
use permission_core::selectors::{EXECUTE_USER_OP, ON_UNINSTALL};

fn policy_called(h: &Harness<SessionPolicy>) -> Errors {
    Errors::PolicyCalled(I::PolicyCalled { target: h.address() })
}


// --- The key's own state: the account is its admin here ---

#[test]
fn attack_key_makes_the_account_uninstall_its_policy() {
    // Even a policy whose allowlist names the policy itself (and a
    // selector rule for onUninstall) refuses the call on every path.
    let h = harness();
    let rules = vec![
        vec![],
        encode_contract_allowlist(ENTITY, &[h.address(), COUNTER]),
        encode_selector_allowlist(
            ENTITY,
            &[SelectorRule {
                target: h.address(),
                selector: ON_UNINSTALL,
            }],
        ),
        vec![],
    ];
    h.call_ok(ACCOUNT, &install_call(0, &rules));
    HookPath::all_err(&h, ACCOUNT, ENTITY, &uninstall_call(&h), &policy_called(&h));
}

#[test]
fn attack_batch_hides_a_call_to_the_policy() {
    let h = installed_with(0, &[vec![], vec![], vec![], vec![]]);
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, INCREMENT.to_vec()),
        (h.address(), U256::ZERO, on_uninstall(ENTITY).abi_encode()),
    ]);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &batch, &policy_called(&h));
}

#[test]
fn attack_a_wildcard_selector_does_not_reach_the_account() {
    let h = installed_with(
        0,
        &[
            vec![],
            vec![],
            encode_selector_allowlist(
                ENTITY,
                &[SelectorRule {
                    target: Address::ZERO,
                    selector: INCREMENT,
                }],
            ),
            vec![],
        ],
    );
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &increment());
    let call = execute(ACCOUNT, U256::ZERO, INCREMENT.to_vec());
    let expected = selector_not_allowed(ACCOUNT, INCREMENT);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &call, &expected);
}

#[test]
fn attack_key_calls_the_entry_point_to_withdraw_the_deposit() {
    let entry_point = Address::repeat_byte(0xE7);
    let withdraw = selector("withdrawTo(address,uint256)").to_vec();
    let call = execute(entry_point, U256::ZERO, withdraw);
    HookPath::all_err(&installed(), ACCOUNT, ENTITY, &call, &target_not_allowed(entry_point));
}

// --- Calls hidden in batches, prefixes and hostile offsets ---

#[test]
fn attack_batch_hides_an_unlisted_target_last() {
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, INCREMENT.to_vec()),
        (TOKEN, U256::ZERO, transfer_data(1)),
        (STRANGER, U256::ZERO, vec![]),
    ]);
    HookPath::all_err(&installed(), ACCOUNT, ENTITY, &batch, &target_not_allowed(STRANGER));
}

#[test]
fn attack_batch_splits_a_transfer_over_the_limit() {
    let h = installed();
    let batch = execute_batch(vec![
        (TOKEN, U256::ZERO, transfer_data(60)),
        (TOKEN, U256::ZERO, transfer_data(60)),
    ]);
    for op in [user_op(ACCOUNT, batch.clone()), user_op(ACCOUNT, user_op_prefixed(&batch))] {
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert_eq!(err, exceeded(TOKEN, 120, 100));
    }
    let err: Errors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, batch));
    assert_eq!(err, exceeded(TOKEN, 120, 100));
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
}

#[test]
fn attack_aliased_batch_offsets_are_charged_per_call() {
    let h = installed();
    let batch = hostile::aliased_batch(TOKEN, U256::ZERO, transfer_data(60), 2);
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, batch)));
    assert_eq!(err, exceeded(TOKEN, 120, 100));
    let batch = hostile::aliased_batch(TOKEN, U256::ZERO, transfer_data(50), 2);
    validate(&h, user_op(ACCOUNT, batch)).unwrap();
    assert_eq!(remaining(&h, TOKEN), U256::ZERO);
}

#[test]
fn attack_hostile_abi_offsets_are_refused_on_every_path() {
    let h = installed();
    let cases: Vec<(Vec<u8>, u8)> = vec![
        (hostile::dirty_target(TOKEN, U256::ZERO, transfer_data(1), 0x01), 4),
        (hostile::dirty_batch_target(TOKEN, U256::ZERO, transfer_data(1)), 4),
        (
            hostile::execute_data_offset(TOKEN, U256::ZERO, transfer_data(1), U256::from(u64::MAX)),
            2,
        ),
        (
            hostile::execute_data_length(TOKEN, U256::ZERO, transfer_data(1), U256::from(1_000)),
            3,
        ),
        (
            hostile::batch_length(vec![(TOKEN, U256::ZERO, transfer_data(1))], U256::from(1u64 << 40)),
            3,
        ),
        (
            hostile::batch_element_offset(
                vec![(COUNTER, U256::ZERO, vec![]), (TOKEN, U256::ZERO, transfer_data(1))],
                1,
                U256::from(0xFFFF),
            ),
            2,
        ),
    ];
    for (call, reason) in cases {
        HookPath::all_err(&h, ACCOUNT, ENTITY, &call, &malformed::<Errors>(reason));
    }
}

#[test]
fn attack_overlapping_batch_elements_are_read_as_the_account_reads_them() {
    // Two elements share bytes: the account calls both targets, and so does
    // the policy's check.
    let call = hostile::overlapping_batch_elements(COUNTER, STRANGER, [0u8; 64]);
    let h = installed_with(0, &[vec![], targets_entry(), vec![], vec![]]);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &call, &target_not_allowed(STRANGER));
}

#[test]
fn attack_nested_execute_user_op_prefix() {
    let h = installed();
    let doubly = hostile::nested_prefix(&transfer(1_000));
    let expected = Errors::UnsupportedCallForm(I::UnsupportedCallForm {
        selector: EXECUTE_USER_OP.into(),
    });
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, doubly.clone())));
    assert_eq!(err, expected);
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_execution(ENTITY, execute_user_op_msg_data(user_op(ACCOUNT, doubly))),
    );
    assert_eq!(err, expected);
}

#[test]
fn attack_unknown_outer_selector_around_a_transfer() {
    let look_alike = selector("executeWithRuntimeValidation(bytes,bytes)");
    let call = hostile::reselected(look_alike, &transfer(1_000));
    let expected = Errors::UnsupportedCallForm(I::UnsupportedCallForm {
        selector: look_alike.into(),
    });
    HookPath::all_err(&installed(), ACCOUNT, ENTITY, &call, &expected);
}

#[test]
fn attack_token_calls_the_limit_cannot_price() {
    // With no allowlist, only the limit: transferFrom moves the token
    // without a priced amount.
    let h = spend_only(&[token_limit()], GasBudget::default(), &[]);
    let transfer_from = IERC20Spend::transferFromCall {
        from: ACCOUNT,
        to: MERCHANT,
        amount: U256::from(1),
    }
    .abi_encode();
    let expected = Errors::TokenCallNotAllowed(I::TokenCallNotAllowed {
        token: TOKEN,
        selector: transfer_from[..4].try_into().unwrap(),
    });
    for path in [HookPath::UserOpValidation, HookPath::UserOpValidationPrefixed, HookPath::RuntimeValidation] {
        let got: Errors = h.expect_err(|| path.call(&h, ACCOUNT, ENTITY, execute(TOKEN, U256::ZERO, transfer_from.clone())));
        assert_eq!(got, expected, "{path:?}");
    }
}

#[test]
fn attack_native_value_riding_on_a_token_transfer() {
    let h = spend_only(&[token_limit(), native_limit(10, 0)], GasBudget::default(), &[]);
    let call = execute(TOKEN, U256::from(11), transfer_data(1));
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, call)));
    assert_eq!(err, exceeded(NATIVE_TOKEN, 11, 10));
}

// --- The key bundles its own operation and sets its own fees ---

#[test]
fn attack_self_bundled_fees_count_against_the_native_limit() {
    let h = spend_only(&[native_limit(1_000_000, 0)], GasBudget::default(), &[]);
    let op = gas_op(100_000, 200_000, 50_000, 2);
    validate(&h, op.clone()).unwrap();
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(300_000));
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
    assert_eq!(err, exceeded(NATIVE_TOKEN, 700_000, 300_000));
    // Fees whose product overflows are refused, not wrapped.
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, gas_op(u128::MAX, u128::MAX, 0, u128::MAX)),
    );
    assert!(matches!(err, Errors::SpendLimitExceeded(ref e) if e.requested == U256::MAX), "{err:?}");
}

#[test]
fn attack_a_paymaster_the_grant_does_not_name_is_charged() {
    let sponsor = Address::repeat_byte(0x5A);
    let other = Address::repeat_byte(0x7A);
    let h = spend_only(&[native_limit(10_000_000, 0)], GasBudget::default(), &[sponsor]);
    let mut op = gas_op(100_000, 200_000, 50_000, 2);
    op.paymasterAndData = paymaster_and_data(other, 30_000, 20_000);
    validate(&h, op).unwrap();
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(10_000_000 - 800_000));
    let mut op = gas_op(100_000, 200_000, 50_000, 2);
    op.paymasterAndData = paymaster_and_data(sponsor, 30_000, 20_000);
    let before = h.storage();
    validate(&h, op).unwrap();
    assert_eq!(before, h.storage(), "the named sponsor pays: nothing charged");
}

// --- The period boundary ---

#[test]
fn attack_waiting_for_the_period_boundary_gives_one_period_at_a_time() {
    let h = installed();
    // Spend the whole day's allowance in its last second.
    let last = START + DAY - 1;
    assert_eq!(
        validate(&h, hinted(user_op(ACCOUNT, transfer(100)), last)),
        Ok(window_data(START, last))
    );
    // The next day has its own allowance, valid only in that day.
    assert_eq!(
        validate(&h, hinted(user_op(ACCOUNT, transfer(100)), last + 1)),
        Ok(window_data(START + DAY, START + 2 * DAY - 1))
    );
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, hinted(user_op(ACCOUNT, transfer(1)), last + 1)),
    );
    assert_eq!(err, exceeded(TOKEN, 1, 0));
    // Back into day 0, where something may seem to remain: refused.
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, hinted(user_op(ACCOUNT, transfer(1)), last)),
    );
    assert_eq!(
        err,
        Errors::StalePeriodHint(I::StalePeriodHint {
            hintedPeriod: U256::ZERO,
            recordedPeriod: U256::from(1),
        })
    );
}

#[test]
fn attack_a_future_hint_is_valid_only_in_that_period() {
    // A key that charges a far period gets validation data the EntryPoint
    // refuses before then: it cannot spend next week's allowance today.
    let h = installed();
    let hint = START + 7 * DAY + 3;
    assert_eq!(
        validate(&h, hinted(user_op(ACCOUNT, transfer(100)), hint)),
        Ok(window_data(START + 7 * DAY, START + 8 * DAY - 1))
    );
}

#[test]
fn attack_malformed_period_hints() {
    let h = installed();
    for segment in [vec![1u8; 31], vec![1u8; 33], vec![0xFF; 32]] {
        let mut op = user_op(ACCOUNT, transfer(1));
        op.signature = segment.into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert!(matches!(err, Errors::InvalidPeriodHint(_)), "{err:?}");
    }
}

// --- Strangers, expiry and stale installs ---

#[test]
fn attack_stranger_drains_an_accounts_allowance() {
    // The hooks key everything by msg.sender: a stranger reaches only its
    // own (empty) scope.
    let h = installed();
    let expected: Errors = not_installed(STRANGER, ENTITY);
    HookPath::all_err(&h, STRANGER, ENTITY, &transfer(100), &expected);
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
}

#[test]
fn attack_expired_key_signs_an_erc1271_message() {
    let h = installed();
    h.set_timestamp(UNTIL + 1);
    let err: Errors = h.call_err(ACCOUNT, &signature_hook(ENTITY));
    assert_eq!(err, outside(UNTIL + 1));
}

#[test]
fn attack_self_bundled_user_op_after_expiry_gets_the_window() {
    // Validation reads no clock: it returns the window and the EntryPoint
    // refuses the operation outside it (AA22).
    let h = installed();
    h.set_timestamp(UNTIL + 1);
    assert_eq!(validate(&h, user_op(ACCOUNT, increment())), Ok(window_data(AFTER, UNTIL)));
}

#[test]
fn attack_reinstall_cannot_resurrect_an_old_generation() {
    let h = installed();
    validate(&h, user_op(ACCOUNT, transfer(100))).unwrap();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    // Reinstalled with only the window: the old targets, rules and limit
    // are unreachable.
    h.call_ok(ACCOUNT, &install_call(0, &[window_entry(), vec![], vec![], vec![]]));
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &execute(STRANGER, U256::ZERO, vec![]));
    let limit = h.call_ok(
        ACCOUNT,
        &I::getSpendLimitCall {
            account: ACCOUNT,
            entityId: ENTITY,
            token: TOKEN,
        },
    );
    assert!(!limit.limited);
}
