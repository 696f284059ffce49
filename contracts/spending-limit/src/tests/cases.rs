use alloy_primitives::{aliases::U48, Address, FixedBytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use module_kit::testing::*;
use permission_core::install::{encode_spending_limit, GasBudget, SpendLimit, NATIVE_TOKEN};
use permission_core::selectors::*;
use proptest::prelude::*;

use permission_core::period::{Ledger, Refusal};
use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/ISpendingLimitModule.sol"
);
use ISpendingLimitModule as I;
use ISpendingLimitModule::{
    ISpendingLimitModuleCalls, ISpendingLimitModuleErrors as Errors, ISpendingLimitModuleEvents,
};

const ENTITY: u32 = 21;
const TOKEN: Address = Address::new([0x70; 20]);
const FREE_TOKEN: Address = Address::new([0x71; 20]);
const MERCHANT: Address = Address::new([0x3E; 20]);
const DAY: u64 = 86_400;
const START: u64 = 1_700_000_000;

fn limits() -> Vec<SpendLimit> {
    vec![
        SpendLimit {
            token: TOKEN,
            limit: U256::from(100),
            period: DAY,
        },
        SpendLimit {
            token: NATIVE_TOKEN,
            limit: U256::from(1_000),
            period: 0,
        },
    ]
}

fn installed_with(limits: &[SpendLimit], gas: GasBudget) -> Harness<SpendingLimit> {
    installed_with_sponsors(limits, gas, &[])
}

fn installed_with_sponsors(
    limits: &[SpendLimit],
    gas: GasBudget,
    sponsors: &[Address],
) -> Harness<SpendingLimit> {
    let h = harness();
    h.set_timestamp(START);
    h.call_ok(
        ACCOUNT,
        &on_install(encode_spending_limit(ENTITY, limits, gas, sponsors)),
    );
    h
}

/// Only the token limit: no native limit, so validation charges nothing
/// to it.
fn token_limit_only() -> Vec<SpendLimit> {
    limits()[..1].to_vec()
}

fn installed() -> Harness<SpendingLimit> {
    installed_with(&limits(), GasBudget::default())
}

fn transfer(amount: u64) -> Vec<u8> {
    execute(TOKEN, U256::ZERO, transfer_data(amount))
}

fn transfer_data(amount: u64) -> Vec<u8> {
    IERC20Spend::transferCall {
        to: MERCHANT,
        amount: U256::from(amount),
    }
    .abi_encode()
}

fn exceeded(token: Address, requested: U256, remaining: u64) -> Errors {
    Errors::SpendLimitExceeded(I::SpendLimitExceeded {
        token,
        requested,
        remaining: U256::from(remaining),
    })
}

/// The execution paths: runtime `msg.data` and the `executeUserOp` ABI form.
const EXECUTION_PATHS: [HookPath; 2] = [HookPath::Execution, HookPath::ExecutionUserOp];

fn spend_ok(h: &Harness<SpendingLimit>, path: HookPath, call: &[u8]) {
    if let Err(revert) = path.call(h, ACCOUNT, ENTITY, call.to_vec()) {
        panic!("{path:?} reverted: 0x{}", hex(&revert));
    }
}

fn spend_err(h: &Harness<SpendingLimit>, path: HookPath, call: &[u8]) -> Errors {
    h.expect_err(|| path.call(h, ACCOUNT, ENTITY, call.to_vec()))
}

fn remaining(h: &Harness<SpendingLimit>, token: Address) -> U256 {
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

#[test]
fn install_data_matches_alloy_encoding() {
    let theirs = (
        ENTITY,
        limits()
            .iter()
            .map(|l| (l.token, l.limit, U48::from(l.period)))
            .collect::<Vec<_>>(),
        (true, U256::from(5)),
        vec![SPONSOR, TOKEN_PAYMASTER],
    )
        .abi_encode_params();
    let ours = encode_spending_limit(
        ENTITY,
        &limits(),
        GasBudget {
            enabled: true,
            limit: U256::from(5),
        },
        &[SPONSOR, TOKEN_PAYMASTER],
    );
    assert_eq!(ours, theirs);
}

#[test]
fn transfers_within_the_limit_pass_and_are_recorded() {
    for path in EXECUTION_PATHS {
        let h = installed();
        spend_ok(&h, path, &transfer(60));
        assert_eq!(remaining(&h, TOKEN), U256::from(40));
        let log = h.logs().pop().unwrap();
        let spent = I::Spent::decode_raw_log(log.0.iter().copied(), &log.1).unwrap();
        assert_eq!(
            (spent.account, spent.entityId, spent.token),
            (ACCOUNT, ENTITY, TOKEN)
        );
        assert_eq!(spent.amount, U256::from(60));
        assert_eq!(log.1.len(), 32, "the amount alone: what remains is a view");
        // 50 more is over the limit: refused, and nothing recorded.
        assert_eq!(
            spend_err(&h, path, &transfer(50)),
            exceeded(TOKEN, U256::from(50), 40)
        );
        assert_eq!(remaining(&h, TOKEN), U256::from(40));
        spend_ok(&h, path, &transfer(40));
        assert_eq!(remaining(&h, TOKEN), U256::ZERO);
        spend_ok(&h, path, &transfer(0));
        assert_eq!(
            spend_err(&h, path, &transfer(1)),
            exceeded(TOKEN, U256::from(1), 0)
        );
    }
}

#[test]
fn the_allowance_resets_exactly_at_the_period_boundary() {
    let h = installed();
    spend_ok(&h, HookPath::Execution, &transfer(100));
    h.set_timestamp(START + DAY - 1);
    assert_eq!(
        spend_err(&h, HookPath::Execution, &transfer(1)),
        exceeded(TOKEN, U256::from(1), 0)
    );
    h.set_timestamp(START + DAY);
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
    spend_ok(&h, HookPath::Execution, &transfer(70));
    assert_eq!(
        spend_err(&h, HookPath::Execution, &transfer(31)),
        exceeded(TOKEN, U256::from(31), 30)
    );
    // Skipping several periods also starts fresh.
    h.set_timestamp(START + 5 * DAY + 7);
    spend_ok(&h, HookPath::Execution, &transfer(100));
}

#[test]
fn a_lifetime_limit_never_resets() {
    let h = installed();
    let pay = execute(MERCHANT, U256::from(600), vec![]);
    spend_ok(&h, HookPath::Execution, &pay);
    h.set_timestamp(START + 1_000 * DAY);
    assert_eq!(
        spend_err(&h, HookPath::Execution, &pay),
        exceeded(NATIVE_TOKEN, U256::from(600), 400)
    );
}

#[test]
fn approve_is_charged_in_full_and_increase_allowance_counts() {
    let h = installed();
    let approve = |amount: u64| {
        execute(
            TOKEN,
            U256::ZERO,
            IERC20Spend::approveCall {
                spender: MERCHANT,
                amount: U256::from(amount),
            }
            .abi_encode(),
        )
    };
    spend_ok(&h, HookPath::Execution, &approve(30));
    // A second approve replaces the allowance on the token but is charged again.
    spend_ok(&h, HookPath::Execution, &approve(30));
    assert_eq!(remaining(&h, TOKEN), U256::from(40));
    let increase = execute(
        TOKEN,
        U256::ZERO,
        IERC20Spend::increaseAllowanceCall {
            spender: MERCHANT,
            added: U256::from(41),
        }
        .abi_encode(),
    );
    assert_eq!(
        spend_err(&h, HookPath::Execution, &increase),
        exceeded(TOKEN, U256::from(41), 40)
    );
}

#[test]
fn other_calls_to_a_limited_token_are_refused() {
    let h = installed();
    let transfer_from = IERC20Spend::transferFromCall {
        from: ACCOUNT,
        to: MERCHANT,
        amount: U256::from(1),
    }
    .abi_encode();
    for (data, selector) in [
        (transfer_from, ERC20_TRANSFER_FROM),
        (vec![], [0u8; 4]),
        (
            selector("burn(uint256)").to_vec(),
            selector("burn(uint256)"),
        ),
    ] {
        for path in EXECUTION_PATHS {
            assert_eq!(
                spend_err(&h, path, &execute(TOKEN, U256::ZERO, data.clone())),
                Errors::TokenCallNotAllowed(I::TokenCallNotAllowed {
                    token: TOKEN,
                    selector: selector.into()
                })
            );
        }
    }
    // Short arguments: 4 + 36 bytes.
    let mut short = transfer_data(1);
    short.truncate(40);
    assert_eq!(
        spend_err(&h, HookPath::Execution, &execute(TOKEN, U256::ZERO, short)),
        Errors::MalformedCalldata(I::MalformedCalldata { reason: 1 })
    );
    // Tokens without a limit are not restricted.
    spend_ok(
        &h,
        HookPath::Execution,
        &execute(FREE_TOKEN, U256::ZERO, selector("burn(uint256)").to_vec()),
    );
}

const ERC20_TRANSFER_FROM: [u8; 4] = selector("transferFrom(address,address,uint256)");

#[test]
fn a_batch_is_charged_as_a_whole() {
    for path in EXECUTION_PATHS {
        let h = installed();
        let batch = execute_batch(vec![
            (TOKEN, U256::ZERO, transfer_data(60)),
            (MERCHANT, U256::from(300), vec![]),
            (TOKEN, U256::from(200), transfer_data(50)),
        ]);
        // 110 tokens: refused, though each call alone would fit.
        assert_eq!(
            spend_err(&h, path, &batch),
            exceeded(TOKEN, U256::from(110), 100)
        );
        let batch = execute_batch(vec![
            (TOKEN, U256::ZERO, transfer_data(60)),
            (MERCHANT, U256::from(300), vec![]),
            (TOKEN, U256::from(200), transfer_data(40)),
        ]);
        spend_ok(&h, path, &batch);
        assert_eq!(remaining(&h, TOKEN), U256::ZERO);
        assert_eq!(remaining(&h, NATIVE_TOKEN), U256::from(500));
        // One call over the native limit makes the whole batch fail, and no
        // token spend is recorded either.
        h.set_timestamp(START + DAY);
        let batch = execute_batch(vec![
            (TOKEN, U256::ZERO, transfer_data(10)),
            (MERCHANT, U256::from(501), vec![]),
        ]);
        assert_eq!(
            spend_err(&h, path, &batch),
            exceeded(NATIVE_TOKEN, U256::from(501), 500)
        );
        assert_eq!(remaining(&h, TOKEN), U256::from(100));
    }
}

#[test]
fn a_batch_hiding_a_forbidden_token_call_is_refused() {
    let h = installed();
    let batch = execute_batch(vec![
        (TOKEN, U256::ZERO, transfer_data(1)),
        (
            TOKEN,
            U256::ZERO,
            IERC20Spend::transferFromCall {
                from: ACCOUNT,
                to: MERCHANT,
                amount: U256::from(1),
            }
            .abi_encode(),
        ),
    ]);
    for path in EXECUTION_PATHS {
        assert!(matches!(
            spend_err(&h, path, &batch),
            Errors::TokenCallNotAllowed(_)
        ));
    }
}

#[test]
fn totals_that_overflow_are_refused() {
    let h = installed_with(
        &[SpendLimit {
            token: TOKEN,
            limit: U256::MAX,
            period: 0,
        }],
        GasBudget::default(),
    );
    let max = IERC20Spend::transferCall {
        to: MERCHANT,
        amount: U256::MAX,
    }
    .abi_encode();
    let batch = execute_batch(vec![
        (TOKEN, U256::ZERO, max.clone()),
        (TOKEN, U256::ZERO, max.clone()),
    ]);
    assert_eq!(
        spend_err(&h, HookPath::Execution, &batch),
        Errors::SpendLimitExceeded(I::SpendLimitExceeded {
            token: TOKEN,
            requested: U256::MAX,
            remaining: U256::MAX
        })
    );
    spend_ok(&h, HookPath::Execution, &execute(TOKEN, U256::ZERO, max));
    assert_eq!(
        spend_err(&h, HookPath::Execution, &transfer(1)),
        exceeded(TOKEN, U256::from(1), 0)
    );
}

#[test]
fn execution_hook_refuses_other_call_forms_and_bad_data() {
    let h = installed();
    let create = IAccountExecute::performCreateCall {
        value: U256::from(1),
        initCode: Default::default(),
        isCreate2: false,
        salt: B256::ZERO,
    }
    .abi_encode();
    for path in EXECUTION_PATHS {
        assert_eq!(
            spend_err(&h, path, &create),
            Errors::UnsupportedCallForm(I::UnsupportedCallForm {
                selector: PERFORM_CREATE.into()
            })
        );
        let mut hostile = transfer(1);
        hostile[4 + 64..4 + 96].copy_from_slice(&U256::from(u64::MAX).to_be_bytes::<32>());
        assert_eq!(
            spend_err(&h, path, &hostile),
            Errors::MalformedCalldata(I::MalformedCalldata { reason: 2 })
        );
    }
}

#[test]
fn hooks_refuse_when_not_installed() {
    let h = harness();
    let expected = Errors::NotInstalled(I::NotInstalled {
        account: ACCOUNT,
        entityId: ENTITY,
    });
    HookPath::all_err(&h, ACCOUNT, ENTITY, &transfer(1), &expected);
}

/// A paymaster that pays the key's gas itself.
const SPONSOR: Address = Address::new([0x5A; 20]);
/// A token paymaster: it charges the account in tokens.
const TOKEN_PAYMASTER: Address = Address::new([0x7A; 20]);

fn gas_op(
    verification: u128,
    call: u128,
    pre_verification: u64,
    max_fee: u128,
) -> PackedUserOperation {
    with_gas(user_op(ACCOUNT, transfer(1)), verification, call, pre_verification, max_fee)
}

#[test]
fn the_gas_budget_charges_the_maximum_cost_without_a_paymaster() {
    let budget = GasBudget {
        enabled: true,
        limit: U256::from(1_000_000u64),
    };
    let h = installed_with_sponsors(&token_limit_only(), budget, &[SPONSOR]);
    // (100k + 200k + 50k) * 2 = 700k wei.
    let op = gas_op(100_000, 200_000, 50_000, 2);
    assert_eq!(
        h.call_ok(ACCOUNT, &pre_user_op(ENTITY, op.clone())),
        U256::ZERO
    );
    let gas = h.call_ok(
        ACCOUNT,
        &I::getGasBudgetCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert_eq!(
        (gas.enabled, gas.spent, gas.remaining),
        (true, U256::from(700_000), U256::from(300_000))
    );
    let log = h.logs().pop().unwrap();
    let charged = I::GasCharged::decode_raw_log(log.0.iter().copied(), &log.1).unwrap();
    assert_eq!(
        (charged.amount, charged.remaining),
        (U256::from(700_000), U256::from(300_000))
    );

    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op.clone()));
    assert_eq!(
        err,
        Errors::GasBudgetExceeded(I::GasBudgetExceeded {
            requested: U256::from(700_000),
            remaining: U256::from(300_000)
        })
    );
    // A sponsoring paymaster pays: nothing is charged.
    let mut sponsored = op;
    sponsored.paymasterAndData = paymaster_and_data(SPONSOR, 0, 0);
    let before = h.storage();
    h.call_ok(ACCOUNT, &pre_user_op(ENTITY, sponsored));
    assert_eq!(before, h.storage());
    // Gas values whose product overflows are refused, not wrapped.
    let err: Errors = h.call_err(
        ACCOUNT,
        &pre_user_op(ENTITY, gas_op(u128::MAX, u128::MAX, 0, u128::MAX)),
    );
    assert!(matches!(err, Errors::GasBudgetExceeded(e) if e.requested == U256::MAX));
}

module_only! {
    #[test]
    fn without_a_gas_budget_or_native_limit_validation_charges_nothing() {
        let h = installed_with(&token_limit_only(), GasBudget::default());
        let before = h.storage();
        assert_eq!(
            h.call_ok(ACCOUNT, &pre_user_op(ENTITY, gas_op(u128::MAX, 1, 1, 1))),
            U256::ZERO
        );
        assert_eq!(before, h.storage());
        let mut op = gas_op(1, 1, 1, 1);
        op.signature = vec![1].into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert!(matches!(err, Errors::UnexpectedDataPassed(_)));
    }
}

#[test]
fn install_refuses_duplicate_tokens() {
    let h = harness();
    let mut l = limits();
    l.push(SpendLimit {
        token: TOKEN,
        limit: U256::from(1),
        period: 0,
    });
    let err: Errors = h.call_err(
        ACCOUNT,
        &on_install(encode_spending_limit(ENTITY, &l, GasBudget::default(), &[])),
    );
    assert_eq!(
        err,
        Errors::DuplicateToken(I::DuplicateToken { token: TOKEN })
    );
    assert!(h.storage().is_empty());
}

#[test]
fn install_refuses_a_period_wider_than_uint48() {
    let h = harness();
    let mut data = encode_spending_limit(ENTITY, &limits()[..1], GasBudget::default(), &[]);
    // The first limit's period word: head (5 words) + length word + 2 words.
    let at = 32 * 5 + 32 + 64;
    data[at..at + 32].copy_from_slice(&U256::from(1u64 << 48).to_be_bytes::<32>());
    let err: Errors = h.call_err(ACCOUNT, &on_install(data));
    assert_eq!(
        err,
        Errors::MalformedCalldata(I::MalformedCalldata { reason: 4 })
    );
}

module_only! {
    #[test]
    fn admin_sets_and_removes_limits() {
        let h = installed();
        spend_ok(&h, HookPath::Execution, &transfer(90));
        h.set_timestamp(START + 10);
        h.call_ok(
            ACCOUNT,
            &I::setSpendLimitCall {
                entityId: ENTITY,
                token: TOKEN,
                limit: U256::from(20),
                period: U48::from(60u64),
            },
        );
        let got = h.call_ok(
            ACCOUNT,
            &I::getSpendLimitCall {
                account: ACCOUNT,
                entityId: ENTITY,
                token: TOKEN,
            },
        );
        assert!(got.limited);
        assert_eq!(
            (got.limit, got.period, got.spent, got.remaining),
            (U256::from(20), U48::from(60u64), U256::ZERO, U256::from(20))
        );
        spend_ok(&h, HookPath::Execution, &transfer(20));
        // The new period boundary counts from when the limit was set.
        h.set_timestamp(START + 69);
        assert!(matches!(
            spend_err(&h, HookPath::Execution, &transfer(1)),
            Errors::SpendLimitExceeded(_)
        ));
        h.set_timestamp(START + 70);
        spend_ok(&h, HookPath::Execution, &transfer(20));

        h.call_ok(
            ACCOUNT,
            &I::removeSpendLimitCall {
                entityId: ENTITY,
                token: TOKEN,
            },
        );
        spend_ok(&h, HookPath::Execution, &transfer(1_000_000));
        let tokens = h.call_ok(
            ACCOUNT,
            &I::getLimitedTokensCall {
                account: ACCOUNT,
                entityId: ENTITY,
            },
        );
        assert_eq!(tokens, vec![NATIVE_TOKEN]);
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::removeSpendLimitCall {
                entityId: ENTITY,
                token: TOKEN,
            },
        );
        assert_eq!(
            err,
            Errors::TokenNotLimited(I::TokenNotLimited { token: TOKEN })
        );
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::setGasBudgetCall {
                entityId: ENTITY + 1,
                enabled: true,
                limit: U256::from(1),
            },
        );
        assert!(matches!(err, Errors::NotInstalled(_)));
        h.call_ok(
            ACCOUNT,
            &I::setGasBudgetCall {
                entityId: ENTITY,
                enabled: true,
                limit: U256::from(7),
            },
        );
        let gas = h.call_ok(
            ACCOUNT,
            &I::getGasBudgetCall {
                account: ACCOUNT,
                entityId: ENTITY,
            },
        );
        assert_eq!(
            (gas.enabled, gas.limit, gas.remaining),
            (true, U256::from(7), U256::from(7))
        );
    }
}

#[test]
fn an_entity_id_shared_across_accounts_is_isolated() {
    let h = installed();
    h.call_ok(
        OTHER_ACCOUNT,
        &on_install(encode_spending_limit(
            ENTITY,
            &limits(),
            GasBudget::default(),
            &[],
        )),
    );
    spend_ok(&h, HookPath::Execution, &transfer(100));
    // The other account's allowance is untouched.
    HookPath::Execution
        .call(&h, OTHER_ACCOUNT, ENTITY, transfer(100))
        .expect("other account spends its own allowance");
    let err: Errors =
        h.expect_err(|| HookPath::Execution.call(&h, OTHER_ACCOUNT, ENTITY, transfer(1)));
    assert_eq!(err, exceeded(TOKEN, U256::from(1), 0));
}

#[test]
fn reinstall_after_uninstall_starts_clean() {
    let h = installed();
    spend_ok(&h, HookPath::Execution, &transfer(100));
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &transfer(1),
        &Errors::NotInstalled(I::NotInstalled {
            account: ACCOUNT,
            entityId: ENTITY,
        }),
    );
    h.call_ok(
        ACCOUNT,
        &on_install(encode_spending_limit(
            ENTITY,
            &limits()[..1],
            GasBudget::default(),
            &[],
        )),
    );
    assert_eq!(remaining(&h, TOKEN), U256::from(100));
    spend_ok(&h, HookPath::Execution, &transfer(100));
    // The old native limit is gone with the old generation.
    spend_ok(
        &h,
        HookPath::Execution,
        &execute(MERCHANT, U256::from(10_000), vec![]),
    );
}

module_only! {
    #[test]
    fn module_id_and_interfaces() {
        let h = harness();
        assert_eq!(
            h.call_ok(ACCOUNT, &IModule::moduleIdCall {}),
            "stylus-session-keys.spending-limit.0.1.0"
        );
        for id in [
            IERC165_ID,
            IMODULE_ID,
            IVALIDATION_HOOK_MODULE_ID,
            IEXECUTION_HOOK_MODULE_ID,
        ] {
            assert!(h.call_ok(
                ACCOUNT,
                &IERC165::supportsInterfaceCall {
                    interfaceId: FixedBytes(id)
                }
            ));
        }
    }
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<SpendingLimit>(
        ISpendingLimitModuleCalls::SELECTORS,
        Errors::SELECTORS,
        ISpendingLimitModuleEvents::SELECTORS,
        (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}

#[test]
fn a_limit_too_large_to_pack_keeps_what_remains_in_its_own_word() {
    let limit = |limit: U256| SpendLimit {
        token: TOKEN,
        limit,
        period: DAY,
    };
    let words = |l: U256| installed_with(&[limit(l)], GasBudget::default()).storage().len();
    let largest_packed = (U256::from(1) << 104) - U256::from(1);
    let big = U256::from(1) << 200;
    assert_eq!(words(U256::from(100)), words(largest_packed));
    assert_eq!(words(U256::from(1) << 104), words(largest_packed) + 1);
    let h = installed_with(&[limit(big)], GasBudget::default());
    let send = |amount: U256| {
        execute(
            TOKEN,
            U256::ZERO,
            IERC20Spend::transferCall {
                to: MERCHANT,
                amount,
            }
            .abi_encode(),
        )
    };
    let amount = U256::from(1) << 150;
    spend_ok(&h, HookPath::Execution, &send(amount));
    assert_eq!(remaining(&h, TOKEN), big - amount);
    let err = spend_err(&h, HookPath::Execution, &send(big));
    assert_eq!(
        err,
        Errors::SpendLimitExceeded(I::SpendLimitExceeded {
            token: TOKEN,
            requested: big,
            remaining: big - amount,
        })
    );
    // The next period starts from the whole limit.
    h.set_timestamp(START + DAY);
    assert_eq!(remaining(&h, TOKEN), big);
    spend_ok(&h, HookPath::Execution, &send(big));
    assert_eq!(remaining(&h, TOKEN), U256::ZERO);
    // A packed limit at its largest behaves the same.
    let h = installed_with(&[limit(largest_packed)], GasBudget::default());
    spend_ok(&h, HookPath::Execution, &send(largest_packed));
    let err = spend_err(&h, HookPath::Execution, &send(U256::from(1)));
    assert_eq!(
        err,
        Errors::SpendLimitExceeded(I::SpendLimitExceeded {
            token: TOKEN,
            requested: U256::from(1),
            remaining: U256::ZERO,
        })
    );
    h.set_timestamp(START + DAY);
    assert_eq!(remaining(&h, TOKEN), largest_packed);
}

proptest! {
    /// Spending never exceeds the limit within a period, never panics, and
    /// a new period always starts from zero.
    #[test]
    fn ledger_never_overspends(
        limit in any::<u128>(),
        period in 0u64..(1 << 48),
        anchor in 0u64..(1 << 47),
        steps in prop::collection::vec((any::<u128>(), 0u64..(1 << 20)), 1..30),
    ) {
        let limit = U256::from(limit);
        let mut ledger = Ledger::new(limit, period, anchor);
        let mut now = anchor;
        for (amount, dt) in steps {
            now += dt;
            let amount = U256::from(amount);
            let before = ledger.remaining_at(now);
            match ledger.charge(amount, now) {
                Ok(after) => {
                    prop_assert!(amount <= before);
                    prop_assert_eq!(after, before - amount);
                    prop_assert!(ledger.spent_at(now) <= limit);
                }
                Err(Refusal::Exceeded { remaining }) => {
                    prop_assert!(amount > before);
                    prop_assert_eq!(remaining, before);
                }
                Err(refusal) => prop_assert!(false, "the clock only moves forward: {:?}", refusal),
            }
            if period > 0 {
                let next = anchor + (ledger.window_at(now) + 1) * period;
                prop_assert_eq!(ledger.remaining_at(next), limit);
                prop_assert_eq!(ledger.remaining_at(next - 1), ledger.remaining_at(now));
            }
        }
    }
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
