// The spending limit's attack inventory: what the holder of a session key
// tries against it, each refused with its exact error. Included next to
// `cases.rs` (whose helpers it uses) and run on the native TestVM and on the
// compiled WASM.

use module_kit::testing::hostile;

const TRANSFER_FROM: [u8; 4] = selector("transferFrom(address,address,uint256)");
const PERMIT: [u8; 4] =
    selector("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)");
const DECREASE_ALLOWANCE: [u8; 4] = selector("decreaseAllowance(address,uint256)");
const TRANSFER_AND_CALL: [u8; 4] = selector("transferAndCall(address,uint256,bytes)");
const STRANGER: Address = Address::new([0x99; 20]);

/// `selector ++ words`: a call with `words` as its arguments.
fn call_with(selector: [u8; 4], words: &[U256]) -> Vec<u8> {
    let mut data = selector.to_vec();
    for word in words {
        data.extend_from_slice(&word.to_be_bytes::<32>());
    }
    data
}

fn word(address: Address) -> U256 {
    U256::from_be_slice(address.as_slice())
}

fn not_allowed(token: Address, selector: [u8; 4]) -> Errors {
    Errors::TokenCallNotAllowed(I::TokenCallNotAllowed {
        token,
        selector: selector.into(),
    })
}

/// Expects `call` refused with `expected` on both execution paths (a
/// refusal that wrote storage or a log fails the harness).
fn refused_on_execution(h: &Harness<SpendingLimit>, call: &[u8], expected: Errors) {
    for path in EXECUTION_PATHS {
        assert_eq!(spend_err(h, path, call), expected, "on {path:?}");
    }
}

// --- Calls to a limited token that move it without a priced selector ---

#[test]
fn attack_transfer_from_on_a_limited_token() {
    let data = call_with(TRANSFER_FROM, &[word(ACCOUNT), word(MERCHANT), U256::from(1)]);
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), not_allowed(TOKEN, TRANSFER_FROM));
}

#[test]
fn attack_permit_on_a_limited_token() {
    let data = call_with(
        PERMIT,
        &[word(ACCOUNT), word(MERCHANT), U256::MAX, U256::MAX, U256::from(27), U256::from(1), U256::from(1)],
    );
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), not_allowed(TOKEN, PERMIT));
}

#[test]
fn attack_decrease_allowance_on_a_limited_token() {
    // Not a spend, but not priced either: a limited token accepts only the
    // calls the limit can charge.
    let data = call_with(DECREASE_ALLOWANCE, &[word(MERCHANT), U256::from(1)]);
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), not_allowed(TOKEN, DECREASE_ALLOWANCE));
}

#[test]
fn attack_transfer_and_call_on_a_limited_token() {
    let data = call_with(
        TRANSFER_AND_CALL,
        &[word(MERCHANT), U256::from(1_000), U256::from(0x60), U256::ZERO],
    );
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), not_allowed(TOKEN, TRANSFER_AND_CALL));
}

#[test]
fn attack_plain_value_send_to_a_limited_token() {
    // A WETH-style token mints or moves on its fallback.
    refused_on_execution(
        &installed(),
        &execute(TOKEN, U256::from(1), vec![]),
        not_allowed(TOKEN, [0; 4]),
    );
}

#[test]
fn attack_real_zero_selector_call_to_a_limited_token() {
    let data = call_with([0; 4], &[word(MERCHANT), U256::from(1)]);
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), not_allowed(TOKEN, [0; 4]));
}

#[test]
fn attack_approve_max_is_charged_in_full() {
    let data = IERC20Spend::approveCall {
        spender: MERCHANT,
        amount: U256::MAX,
    }
    .abi_encode();
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), exceeded(TOKEN, U256::MAX, 100));
}

#[test]
fn attack_native_value_riding_on_a_token_transfer() {
    // 1 token is within the token limit; the 1,001 wei sent with it is not
    // within the native one.
    let call = execute(TOKEN, U256::from(1_001), transfer_data(1));
    refused_on_execution(&installed(), &call, exceeded(NATIVE_TOKEN, U256::from(1_001), 1_000));
}

module_only! {
    #[test]
    fn attack_native_value_sums_overflowing_2_256() {
        let h = installed_with(&native_limit(0, 0), GasBudget::default());
        h.call_ok(
            ACCOUNT,
            &I::setSpendLimitCall {
                entityId: ENTITY,
                token: NATIVE_TOKEN,
                limit: U256::MAX,
                period: U48::ZERO,
            },
        );
        let batch = execute_batch(vec![
            (MERCHANT, U256::MAX, vec![]),
            (MERCHANT, U256::from(1), vec![]),
        ]);
        refused_on_execution(
            &h,
            &batch,
            Errors::SpendLimitExceeded(I::SpendLimitExceeded {
                token: NATIVE_TOKEN,
                requested: U256::MAX,
                remaining: U256::MAX,
            }),
        );
    }
}

// --- Batches and ABI encodings that hide what is spent ---

#[test]
fn attack_batch_hiding_a_second_transfer_over_the_limit() {
    let batch = execute_batch(vec![
        (TOKEN, U256::ZERO, transfer_data(100)),
        (FREE_TOKEN, U256::ZERO, transfer_data(5)),
        (TOKEN, U256::ZERO, transfer_data(1)),
    ]);
    refused_on_execution(&installed(), &batch, exceeded(TOKEN, U256::from(101), 100));
}

#[test]
fn attack_aliased_batch_offsets_are_charged_per_call() {
    // Two element offsets point at one `transfer(60)` tuple: the account
    // makes the transfer twice, so it is charged twice.
    let batch = hostile::aliased_batch(TOKEN, U256::ZERO, transfer_data(60), 2);
    refused_on_execution(&installed(), &batch, exceeded(TOKEN, U256::from(120), 100));
    let h = installed();
    spend_ok(&h, HookPath::Execution, &hostile::aliased_batch(TOKEN, U256::ZERO, transfer_data(50), 2));
    assert_eq!(remaining(&h, TOKEN), U256::ZERO);
}

#[test]
fn attack_overlapping_value_and_data_offsets() {
    // `data` overlaps `value`: the account calls the token with 4 wei and
    // the selector 0x00000000, and the hook reads exactly that.
    let call = hostile::overlapping_value_and_data(TOKEN, U256::from(4));
    refused_on_execution(&installed(), &call, not_allowed(TOKEN, [0; 4]));
}

#[test]
fn attack_dirty_high_bits_in_the_target() {
    let call = hostile::dirty_target(TOKEN, U256::ZERO, transfer_data(1_000), 0x01);
    refused_on_execution(&installed(), &call, malformed(4));
    let batch = hostile::dirty_batch_target(TOKEN, U256::ZERO, transfer_data(1_000));
    refused_on_execution(&installed(), &batch, malformed(4));
}

#[test]
fn attack_dirty_high_bits_in_the_transfer_recipient() {
    let data = call_with(ERC20_TRANSFER, &[word(MERCHANT) | (U256::from(1) << 200), U256::from(1)]);
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), malformed(4));
}

#[test]
fn attack_short_transfer_calldata() {
    let data = hostile::truncated(transfer_data(1), 4 + 32 + 31);
    refused_on_execution(&installed(), &execute(TOKEN, U256::ZERO, data), malformed(1));
}

#[test]
fn attack_data_offset_out_of_bounds() {
    let call = hostile::execute_data_offset(TOKEN, U256::ZERO, transfer_data(1_000), U256::from(u64::MAX));
    refused_on_execution(&installed(), &call, malformed(2));
}

#[test]
fn attack_data_length_out_of_bounds() {
    let call = hostile::execute_data_length(TOKEN, U256::ZERO, transfer_data(1_000), U256::from(1_000));
    refused_on_execution(&installed(), &call, malformed(3));
}

#[test]
fn attack_batch_length_out_of_bounds() {
    let calls = vec![(TOKEN, U256::ZERO, transfer_data(1))];
    refused_on_execution(&installed(), &hostile::batch_length(calls, U256::from(1u64 << 40)), malformed(3));
}

#[test]
fn attack_batch_element_offset_out_of_bounds() {
    let calls = vec![(FREE_TOKEN, U256::ZERO, vec![]), (TOKEN, U256::ZERO, transfer_data(1_000))];
    refused_on_execution(&installed(), &hostile::batch_element_offset(calls, 1, U256::from(0xFFFF)), malformed(2));
}

#[test]
fn attack_nested_execute_user_op_prefix() {
    let h = installed();
    let doubly = hostile::nested_prefix(&transfer(1_000));
    let before = h.storage();
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_execution(ENTITY, execute_user_op_msg_data(user_op(ACCOUNT, doubly))),
    );
    assert_eq!(
        err,
        Errors::UnsupportedCallForm(I::UnsupportedCallForm {
            selector: EXECUTE_USER_OP.into()
        })
    );
    assert_eq!(before, h.storage());
}

#[test]
fn attack_execute_user_op_prefix_hides_a_transfer_over_the_limit() {
    let h = installed();
    let err = spend_err(&h, HookPath::ExecutionUserOp, &transfer(101));
    assert_eq!(err, exceeded(TOKEN, U256::from(101), 100));
}

#[test]
fn attack_unknown_outer_selector_around_a_transfer() {
    let look_alike = selector("executeWithRuntimeValidation(bytes,bytes)");
    let call = hostile::reselected(look_alike, &transfer(1_000));
    refused_on_execution(
        &installed(),
        &call,
        Errors::UnsupportedCallForm(I::UnsupportedCallForm {
            selector: look_alike.into(),
        }),
    );
}

// --- Reverted operations, strangers and stale installs ---

#[test]
fn attack_reverted_batch_records_nothing() {
    // The first call fits; the second is over: neither is recorded.
    let h = installed();
    let batch = execute_batch(vec![
        (TOKEN, U256::ZERO, transfer_data(90)),
        (MERCHANT, U256::from(1_001), vec![]),
    ]);
    refused_on_execution(&h, &batch, exceeded(NATIVE_TOKEN, U256::from(1_001), 1_000));
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(1_000));
}

#[test]
fn attack_stranger_calls_the_execution_hook_to_drain_an_allowance() {
    let h = installed();
    let err: Errors = h.expect_err(|| HookPath::Execution.call(&h, STRANGER, ENTITY, transfer(100)));
    assert_eq!(
        err,
        not_installed(STRANGER, ENTITY)
    );
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
}

module_only! {
    #[test]
    fn attack_stranger_lifts_an_accounts_limit() {
        let h = installed();
        let before = h.storage();
        let err: Errors = h.call_err(
            STRANGER,
            &I::setSpendLimitCall {
                entityId: ENTITY,
                token: TOKEN,
                limit: U256::MAX,
                period: U48::ZERO,
            },
        );
        assert_eq!(
            err,
            not_installed(STRANGER, ENTITY)
        );
        let err: Errors = h.call_err(
            STRANGER,
            &I::setGasBudgetCall {
                entityId: ENTITY,
                enabled: false,
                limit: U256::ZERO,
            },
        );
        assert_eq!(err, not_installed(STRANGER, ENTITY));
        assert_eq!(before, h.storage());
    }
}

#[test]
fn attack_value_sent_to_the_module_is_refused() {
    let h = installed();
    let call = pre_execution(ENTITY, transfer(1)).abi_encode();
    assert_refuses_value(&h, ACCOUNT, &call);
}

#[test]
fn attack_hooks_fail_closed_after_uninstall() {
    // A validation left pointing at an uninstalled limit refuses, on every
    // path, rather than spending unlimited.
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    let expected: Errors = not_installed(ACCOUNT, ENTITY);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &transfer(1), &expected);
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, gas_op(1, 1, 1, 1)));
    assert_eq!(err, expected);
}

#[test]
fn attack_reinstall_cannot_resurrect_an_old_generation() {
    // After uninstall and a reinstall without a native limit, nothing of
    // the old generation's records or limits answers.
    let h = installed();
    spend_ok(&h, HookPath::Execution, &transfer(100));
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    h.call_ok(
        ACCOUNT,
        &on_install(encode_spending_limit(ENTITY, &token_limit_only(), GasBudget::default(), &[])),
    );
    let tokens = h.call_ok(
        ACCOUNT,
        &I::getLimitedTokensCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(tokens, vec![TOKEN]);
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
    // A second install over a live one is refused.
    let err: Errors = h.call_err(
        ACCOUNT,
        &on_install(encode_spending_limit(ENTITY, &limits(), GasBudget::default(), &[])),
    );
    assert!(matches!(err, Errors::AlreadyInstalled(_)));
}

// --- Period boundaries ---

#[test]
fn attack_waiting_for_the_period_boundary_gives_one_period_at_a_time() {
    let h = installed();
    h.set_timestamp(START + DAY - 1);
    spend_ok(&h, HookPath::Execution, &transfer(100));
    refused_on_execution(&h, &transfer(1), exceeded(TOKEN, U256::from(1), 0));
    h.set_timestamp(START + DAY);
    spend_ok(&h, HookPath::Execution, &transfer(100));
    refused_on_execution(&h, &transfer(1), exceeded(TOKEN, U256::from(1), 0));
    h.set_timestamp(START + 2 * DAY - 1);
    refused_on_execution(&h, &transfer(1), exceeded(TOKEN, U256::from(1), 0));
}

#[test]
fn attack_future_period_hint_is_valid_only_in_that_period() {
    // Charging the next period's allowance now gives an operation that the
    // EntryPoint will not include before the next period starts.
    let h = installed_with(&native_limit(1_000_000, DAY), GasBudget::default());
    let op = hinted(gas_op(100_000, 200_000, 50_000, 2), START + 3 * DAY);
    assert_eq!(
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op)),
        window_data(START + 3 * DAY, START + 4 * DAY - 1)
    );
    // Now the recorded period is day 3: today's hint is stale.
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, hinted(gas_op(1, 1, 1, 1), START)),
    );
    assert_eq!(
        err,
        Errors::StalePeriodHint(I::StalePeriodHint {
            hintedPeriod: U256::ZERO,
            recordedPeriod: U256::from(3),
        })
    );
}

fn native_limit(limit: u64, period: u64) -> Vec<SpendLimit> {
    vec![SpendLimit {
        token: NATIVE_TOKEN,
        limit: U256::from(limit),
        period,
    }]
}

#[test]
fn attack_self_bundled_gas_counts_against_the_native_limit() {
    // A key that bundles its own operation with greedy fees is paid the
    // prefund as the beneficiary: that cost is charged to the native limit.
    let h = installed_with(&native_limit(1_000_000, 0), GasBudget::default());
    // (100k + 200k + 50k) * 2 = 700k wei.
    let op = gas_op(100_000, 200_000, 50_000, 2);
    assert_eq!(
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op.clone())),
        U256::ZERO,
        "a lifetime limit sets no time bounds"
    );
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(300_000));
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
    assert_eq!(err, exceeded(NATIVE_TOKEN, U256::from(700_000), 300_000));
    // Gas and value share the one limit.
    for path in EXECUTION_PATHS {
        let err = spend_err(&h, path, &execute(MERCHANT, U256::from(300_001), vec![]));
        assert_eq!(err, exceeded(NATIVE_TOKEN, U256::from(300_001), 300_000));
    }
    spend_ok(&h, HookPath::Execution, &execute(MERCHANT, U256::from(300_000), vec![]));
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::ZERO);
    // Fees whose product overflows are refused, not wrapped.
    let h = installed_with(&native_limit(1_000_000, 0), GasBudget::default());
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, gas_op(u128::MAX, u128::MAX, 0, u128::MAX)),
    );
    assert!(matches!(err, Errors::SpendLimitExceeded(e) if e.requested == U256::MAX));
}

#[test]
fn attack_token_paymaster_skips_the_gas_bounds() {
    let budget = GasBudget {
        enabled: true,
        limit: U256::from(10_000_000u64),
    };
    let h = installed_with_sponsors(&native_limit(10_000_000, 0), budget, &[SPONSOR]);
    // A paymaster the grant does not name is charged like no paymaster,
    // its own gas limits included: (100k + 200k + 50k + 30k + 20k) * 2.
    let mut op = gas_op(100_000, 200_000, 50_000, 2);
    op.paymasterAndData = paymaster_and_data(TOKEN_PAYMASTER, 30_000, 20_000);
    h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op));
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(10_000_000 - 800_000));
    let gas = h.call_ok(
        ACCOUNT,
        &I::getGasBudgetCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(gas.spent, U256::from(800_000));
    // The named sponsor is not charged.
    let mut op = gas_op(100_000, 200_000, 50_000, 2);
    op.paymasterAndData = paymaster_and_data(SPONSOR, 30_000, 20_000);
    let before = h.storage();
    h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op));
    assert_eq!(before, h.storage());
    assert_eq!(
        h.call_ok(
            ACCOUNT,
            &I::getSponsorsCall {
                account: ACCOUNT,
                entityId: ENTITY,
            },
        ),
        vec![SPONSOR]
    );
    // A paymasterAndData shorter than its static part is malformed.
    let mut op = gas_op(1, 1, 1, 1);
    op.paymasterAndData = vec![0x7A; 51].into();
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
    assert!(matches!(err, Errors::MalformedCalldata(_)));
}

#[test]
fn attack_periodic_gas_charge_is_confined_to_its_period() {
    let h = installed_with(&native_limit(1_000_000, DAY), GasBudget::default());
    let op = gas_op(100_000, 200_000, 50_000, 2);
    // Without a hint: the recorded period, and only while it lasts.
    assert_eq!(
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op.clone())),
        window_data(START, START + DAY - 1)
    );
    // The next period by its hint: a fresh allowance, valid only then.
    assert_eq!(
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, hinted(op.clone(), START + DAY + 5))),
        window_data(START + DAY, START + 2 * DAY - 1)
    );
    h.set_timestamp(START + DAY + 10);
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(300_000));
    // A hint back into the period before the recorded one is refused: the
    // record is never reset backwards.
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, hinted(op.clone(), START + 5)));
    assert_eq!(
        err,
        Errors::StalePeriodHint(I::StalePeriodHint {
            hintedPeriod: U256::ZERO,
            recordedPeriod: U256::from(1),
        })
    );
    // What execution then spends in that period shares the allowance.
    let err = spend_err(
        &h,
        HookPath::Execution,
        &execute(MERCHANT, U256::from(300_001), vec![]),
    );
    assert_eq!(err, exceeded(NATIVE_TOKEN, U256::from(300_001), 300_000));
    // A segment that is not one uint48 word.
    for segment in [vec![1u8; 31], vec![1u8; 33], vec![0xFF; 32]] {
        let mut bad = op.clone();
        bad.signature = segment.into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, bad));
        assert!(matches!(err, Errors::InvalidPeriodHint(_)), "{err:?}");
    }
}

module_only! {
    #[test]
    fn attack_hook_segment_smuggled_past_a_module_that_reads_none() {
        let budget = GasBudget {
            enabled: true,
            limit: U256::from(10_000_000u64),
        };
        let h = installed_with(&token_limit_only(), budget);
        let err: Errors = h.call_err(
            ACCOUNT,
            &pre_user_op(ENTITY, hinted(gas_op(1, 1, 1, 1), START)),
        );
        assert!(matches!(err, Errors::UnexpectedDataPassed(_)));
    }
}

#[test]
fn attack_next_periods_native_allowance_spent_early() {
    // A validation hinted into the next period moves the native record
    // there. Spending in the current period after that would draw on the
    // next period's allowance: two periods' worth within one.
    let h = installed_with(&native_limit(1_000, DAY), GasBudget::default());
    spend_ok(&h, HookPath::Execution, &execute(MERCHANT, U256::from(1_000), vec![]));
    let op = hinted(gas_op(1, 0, 0, 1), START + DAY);
    assert_eq!(
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op)),
        window_data(START + DAY, START + 2 * DAY - 1)
    );
    h.set_timestamp(START + DAY - 1);
    refused_on_execution(
        &h,
        &execute(MERCHANT, U256::from(999), vec![]),
        Errors::RecordedPeriodNotStarted(I::RecordedPeriodNotStarted {
            recordedPeriod: U256::from(1),
            clockPeriod: U256::ZERO,
        }),
    );
    // From the next period on, the rest of its allowance is there.
    h.set_timestamp(START + DAY);
    spend_ok(&h, HookPath::Execution, &execute(MERCHANT, U256::from(999), vec![]));
    assert_eq!(remaining(&h, NATIVE_TOKEN), U256::ZERO);
}
