// The attack inventory: what a holder of the session key tries, to make
// more uses than its limits allow.

in_validation! {
    #[test]
    fn attack_calls_hidden_behind_the_execute_user_op_prefix_are_counted() {
        let h = installed_with(COUNT_CALLS, 3, 0, 0);
        let op = user_op(ACCOUNT, user_op_prefixed(&batch(3)));
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op));
        assert_eq!(usage(&h).lifetimeUsed, 3);
        let op = user_op(ACCOUNT, user_op_prefixed(&one_call()));
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert_eq!(err, exceeded(3, 3));
    }

    #[test]
    fn attack_a_batch_with_hostile_offsets_is_refused_and_counts_nothing() {
        let h = installed_with(COUNT_CALLS, 3, 0, 0);
        let mut hostile = batch(1);
        // The array's offset points past the calldata.
        hostile[4 + 31] = 0xFF;
        let err = validate_err(&h, hostile.clone(), None);
        assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
        let err: Errors = h.expect_err(|| runtime(&h, hostile));
        assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
        // A length that claims more calls than the data holds.
        let mut long = batch(1);
        long[4 + 32 + 31] = 0x40;
        let err = validate_err(&h, long, None);
        assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
        assert_eq!(usage(&h).lifetimeUsed, 0);
    }

    #[test]
    fn attack_an_unknown_call_form_is_refused_when_counting_calls() {
        let h = installed_with(COUNT_CALLS, 3, 0, 0);
        let err = validate_err(&h, vec![0x12, 0x34, 0x56, 0x78], None);
        assert_eq!(err, unsupported_call_form([0x12, 0x34, 0x56, 0x78]));
    }

    #[test]
    fn attack_waiting_for_the_period_boundary_gives_one_period_at_a_time() {
        let h = two_a_day();
        // Two at the last second of period 0...
        let last = START + DAY - 1;
        assert_eq!(validated(&h, one_call(), Some(last)), period_data(0));
        assert_eq!(validated(&h, one_call(), Some(last)), period_data(0));
        // ...and two at the first second of period 1, each confined to its
        // period by the EntryPoint: never more than two in one period.
        assert_eq!(validated(&h, one_call(), Some(last + 1)), period_data(1));
        assert_eq!(validated(&h, one_call(), Some(last + 1)), period_data(1));
        assert_eq!(validate_err(&h, one_call(), Some(last + 1)), exceeded(2, 2));
        // Going back to period 0 for a third is refused.
        let err = validate_err(&h, one_call(), Some(last));
        assert!(matches!(err, Errors::StalePeriodHint(_)), "{err:?}");
    }

    #[test]
    fn attack_hinting_a_far_period_only_confines_the_operation_to_it() {
        let h = two_a_day();
        let far = START + 100 * DAY;
        assert_eq!(validated(&h, one_call(), Some(far)), period_data(100));
        // The key cannot come back to today: the record is never reset
        // backwards, and a call at the clock would draw on period 100.
        let err = validate_err(&h, one_call(), Some(START));
        assert!(matches!(err, Errors::StalePeriodHint(_)), "{err:?}");
        let err: Errors = h.expect_err(|| runtime(&h, one_call()));
        assert!(matches!(err, Errors::RecordedPeriodNotStarted(_)), "{err:?}");
    }

    #[test]
    fn attack_a_refused_operation_counts_nothing() {
        let h = installed_with(COUNT_CALLS, 3, 2, DAY as u32);
        // Fits the lifetime limit, not the period's: neither is written
        // (`expect_err` checks that storage is unchanged).
        assert_eq!(validate_err(&h, batch(3), Some(START)), exceeded(0, 2));
        let got = usage(&h);
        assert_eq!((got.lifetimeUsed, got.periodUsed), (0, 0));
    }
}

#[test]
fn attack_another_account_cannot_use_up_or_reset_a_keys_count() {
    let h = lifetime_three();
    // A stranger's hook calls find no key of theirs.
    let err: Errors = h.expect_err(|| h.call(OTHER_ACCOUNT, &pre_runtime(ENTITY, one_call())));
    assert_eq!(err, not_installed(OTHER_ACCOUNT, ENTITY));
    let err: Errors = h.expect_err(|| h.call(OTHER_ACCOUNT, &pre_execution(ENTITY, one_call())));
    assert_eq!(err, not_installed(OTHER_ACCOUNT, ENTITY));
    // Nor can it uninstall (and so reset) the account's key.
    h.call_ok(OTHER_ACCOUNT, &on_uninstall(ENTITY));
    assert!(usage(&h).installed);
}

in_validation! {
    #[test]
    fn attack_reinstall_keeps_no_old_count_and_uninstall_fails_closed() {
        let h = lifetime_three();
        runtime(&h, one_call()).unwrap();
        h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
        let err = validate_err(&h, one_call(), None);
        assert_eq!(err, not_installed(ACCOUNT, ENTITY));
        h.call_ok(ACCOUNT, &on_install(install_data(COUNT_OPERATIONS, 1, 0, 0)));
        assert_eq!(usage(&h).lifetimeUsed, 0);
        runtime(&h, one_call()).unwrap();
        let err: Errors = h.expect_err(|| runtime(&h, one_call()));
        assert_eq!(err, exceeded(1, 1));
    }
}

module_only! {
    #[test]
    fn attack_a_stranger_cannot_reset_an_accounts_count() {
        let h = lifetime_three();
        let err: Errors = h.call_err(
            OTHER_ACCOUNT,
            &I::setUsageLimitCall {
                entityId: ENTITY,
                unit: COUNT_OPERATIONS,
                lifetimeLimit: 1_000,
                periodLimit: 0,
                period: 0,
            },
        );
        assert_eq!(err, not_installed(OTHER_ACCOUNT, ENTITY));
        assert_eq!(usage(&h).lifetimeLimit, 3);
    }
}
