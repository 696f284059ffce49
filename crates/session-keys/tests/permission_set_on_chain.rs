//! A `PermissionSet` that puts spending-limit in both roles (a gas budget
//! as a validation hook, native and token limits as an execution hook),
//! installed, used, revoked and installed again on the compiled WASM in the
//! embedded chain: the second role shares the first one's state, the
//! budget and the native limit are enforced, and a revoke with one
//! uninstall entry per hook leaves nothing behind.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use localnet::entry_point::ENTRY_POINT;
use session_keys::abi::IEntryPoint;
use session_keys::abi::{ICounter, IReferenceAccount, ISessionSignerModule};
use session_keys::account::{send_as_owner, OWNER_ENTITY};
use session_keys::encode::{
    erc1271_signature, ValidationInstall, HOOK_PRE_EXECUTION, HOOK_VALIDATION,
};
use session_keys::inspect::{free_entity_id, inspect, validation_view};
use session_keys::operation::{
    calls_data, entry_point_events, estimate_gas, handle_ops, signed_op, signed_op_with_segments,
    EstimateError, OpOutcome,
};
use session_keys::{
    describe, Chain, Counter, Gas, Key, LocalChain, Modules, PermissionSet, Selector, SignerSpec,
};

mod common;

const ENTITY: u32 = 4;

fn ether_milli(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(15))
}

struct Setup {
    chain: LocalChain,
    owner: Key,
    key: Key,
    modules: Modules,
    account: Address,
    counter: Address,
    bob: Address,
}

fn setup() -> Setup {
    let mut chain = LocalChain::new();
    let owner = Key::from_seed(0x0a);
    chain.fund(owner.address(), U256::from(10u64).pow(U256::from(21)));
    let (modules, account, counter) =
        common::account_with_counter(&mut chain, &owner, ether_milli(100));
    chain.fund(account, ether_milli(100));
    Setup {
        chain,
        owner,
        key: Key::from_seed(0x4b),
        modules,
        account,
        counter,
        bob: Address::repeat_byte(0xb0),
    }
}

impl Setup {
    fn owner_call(&mut self, inner: Vec<u8>) -> bool {
        let receipt = send_as_owner(
            &mut self.chain,
            &self.owner,
            self.account,
            OWNER_ENTITY,
            &inner,
        )
        .unwrap();
        if !receipt.success {
            eprintln!("owner call reverted: {}", receipt.failure_reason());
        }
        receipt.success
    }

    /// Installs `set` for `key` at `entity_id` from the owner, at the
    /// chain's time; returns what it sent.
    fn grant(&mut self, set: &PermissionSet, entity_id: u32, key: &Key) -> ValidationInstall {
        let now = self.chain.timestamp().unwrap();
        let install = set
            .install(
                &self.modules,
                entity_id,
                &SignerSpec::Address(key.address()),
                self.account,
                now,
            )
            .unwrap();
        assert!(self.owner_call(install.install_validation_calldata()));
        install
    }

    /// The key's operation with the default gas, bundled by the owner.
    fn op(&mut self, calls: &[(Address, U256, Vec<u8>)]) -> OpOutcome {
        let owner = self.owner.clone();
        self.op_with(calls, Gas::default(), &owner)
    }

    /// The key's operation with `gas`, bundled by `bundler`.
    fn op_with(
        &mut self,
        calls: &[(Address, U256, Vec<u8>)],
        gas: Gas,
        bundler: &Key,
    ) -> OpOutcome {
        let key = self.key.clone();
        let op = signed_op(
            &mut self.chain,
            self.account,
            ENTITY,
            false,
            calls_data(calls, true),
            &key,
            gas,
        )
        .unwrap();
        handle_ops(&mut self.chain, bundler, op).unwrap()
    }
}

fn set(s: &Setup, now: u64) -> PermissionSet {
    PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .functions(s.bob, [Selector::value_transfer()])
        .native_limit(ether_milli(20), Some(86_400))
        .gas_budget(Gas::default().required_prefund() * U256::from(2))
        .time_window(now, now + 3_600)
}

#[test]
fn spending_limit_in_two_roles_end_to_end() {
    if !common::built("spending_limit_in_two_roles_end_to_end") {
        return;
    }
    let mut s = setup();
    let now = s.chain.timestamp().unwrap();
    let key = s.key.clone();
    // The granular modules: spending-limit in both of its roles.
    let install = s.grant(&set(&s, now).with_modules(), ENTITY, &key);
    let roles: Vec<(Address, u8)> = install
        .hooks
        .iter()
        .map(|h| (Address::from_slice(&h[..20]), h[24]))
        .collect();
    assert_eq!(
        roles[roles.len() - 2..],
        [
            (s.modules.spending_limit, HOOK_VALIDATION),
            (s.modules.spending_limit, HOOK_PRE_EXECUTION)
        ]
    );
    // Its uninstall gives that second role an empty entry.
    let uninstall = IReferenceAccount::uninstallValidationCall::abi_decode(
        &install.uninstall_validation_calldata(),
    )
    .unwrap();
    let empty: Vec<usize> = uninstall
        .hookUninstallData
        .iter()
        .enumerate()
        .filter(|(_, data)| data.is_empty())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(empty, vec![install.hooks.len() - 1]);

    // The account's view: the owner's global validation at 0, the key at 4.
    let owner_view = validation_view(&mut s.chain, &s.modules, s.account, 0)
        .unwrap()
        .unwrap();
    assert!(
        owner_view.is_global && owner_view.is_user_op_validation && owner_view.hooks.is_empty()
    );
    let key_view = validation_view(&mut s.chain, &s.modules, s.account, ENTITY)
        .unwrap()
        .unwrap();
    assert!(!key_view.is_global && key_view.is_installed());
    let roles: Vec<&str> = key_view.hooks.iter().map(|h| h.role).collect();
    assert_eq!(roles.last(), Some(&"execution"));
    assert_eq!(key_view.hooks.len(), install.hooks.len());
    assert_eq!(
        free_entity_id(&mut s.chain, &s.modules, s.account, 0).unwrap(),
        1
    );
    assert_eq!(
        free_entity_id(&mut s.chain, &s.modules, s.account, ENTITY).unwrap(),
        ENTITY + 1
    );

    // A signature segment reaches its hook, which takes no data.
    let key = s.key.clone();
    let increment_data = ICounter::incrementCall {}.abi_encode();
    let op = signed_op_with_segments(
        &mut s.chain,
        s.account,
        (ENTITY, false),
        calls_data(&[(s.counter, U256::ZERO, increment_data)], true),
        &key,
        Gas::default(),
        &[(0, b"data")],
    )
    .unwrap();
    let owner = s.owner.clone();
    let outcome = handle_ops(&mut s.chain, &owner, op).unwrap();
    let OpOutcome::Refused(receipt) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        receipt.failure_reason().contains("UnexpectedDataPassed"),
        "{}",
        receipt.failure_reason()
    );

    // Within everything: the budget pays one prefund, the native limit 6
    // and the same prefund (gas counts against it too).
    let increment = ICounter::incrementCall {}.abi_encode();
    let bob = s.bob;
    let send = |v: u64| (bob, ether_milli(v), Vec::new());
    let outcome = s.op(&[(s.counter, U256::ZERO, increment.clone()), send(6)]);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    assert_eq!(s.chain.balance(s.bob).unwrap(), ether_milli(6));
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    let budget = seen.gas_budget.expect("a gas budget");
    assert_eq!(budget.spent, Gas::default().required_prefund());
    let native = &seen.limits.expect("limits")[0];
    assert_eq!(
        (native.token, native.spent),
        (
            Address::ZERO,
            ether_milli(6) + Gas::default().required_prefund()
        )
    );

    // The native limit refuses 8 more, in execution (the op is paid for:
    // its prefund stays charged).
    let outcome = s.op(&[send(8)]);
    let OpOutcome::ExecutionReverted(_, reason) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        describe(reason).contains("SpendLimitExceeded"),
        "{}",
        describe(reason)
    );
    assert_eq!(s.chain.balance(s.bob).unwrap(), ether_milli(6));

    // Two prefunds spent: the third op exceeds the budget in validation.
    let outcome = s.op(&[(s.counter, U256::ZERO, increment.clone())]);
    let OpOutcome::Refused(receipt) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        receipt.failure_reason().contains("GasBudgetExceeded"),
        "{}",
        receipt.failure_reason()
    );

    // Revoke with one entry per hook (the second role's empty), then the
    // same set installs again at the same entity id, from zero.
    assert!(s.owner_call(install.uninstall_validation_calldata()));
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    assert!(!seen.is_installed(), "{seen:?}");
    let now = s.chain.timestamp().unwrap();
    s.grant(&set(&s, now).with_modules(), ENTITY, &key);
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    assert_eq!(seen.gas_budget.unwrap().spent, U256::ZERO);
    let outcome = s.op(&[(s.counter, U256::ZERO, increment)]);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
}

/// A key that may call a permission module can rewrite its own limits: the
/// module takes the account (the caller) as its admin. Shown on chain with
/// an install the SDK did not check, then refused by `PermissionSet`.
#[test]
fn a_key_allowed_to_call_its_module_escapes_its_limit() {
    if !common::built("a_key_allowed_to_call_its_module_escapes_its_limit") {
        return;
    }
    use permission_core::install::{SpendLimit, NATIVE_TOKEN};
    use session_keys::abi::ISpendingLimitModule;
    use session_keys::{PermissionError, SessionKeySpec};

    let mut s = setup();
    let set_limit = ISpendingLimitModule::setSpendLimitCall::SELECTOR;
    let unchecked = SessionKeySpec::new(ENTITY, SignerSpec::Address(s.key.address()))
        .allow([
            (s.modules.spending_limit, set_limit),
            (s.bob, Selector::value_transfer().bytes),
        ])
        // 10 mETH, each operation's prefund (3.1 mETH) counted.
        .spend_limits([SpendLimit {
            token: NATIVE_TOKEN,
            limit: ether_milli(10),
            period: 0,
        }])
        .install(&s.modules);
    assert!(s.owner_call(unchecked.install_validation_calldata()));
    let bob = s.bob;
    let outcome = s.op(&[(bob, ether_milli(11), Vec::new())]);
    assert!(
        matches!(outcome, OpOutcome::ExecutionReverted(..)),
        "{outcome:?}"
    );

    // The key raises its own limit through execute(spending-limit, ...) ...
    let raise = ISpendingLimitModule::setSpendLimitCall {
        entityId: ENTITY,
        token: NATIVE_TOKEN,
        limit: U256::MAX,
        period: alloy_primitives::aliases::U48::ZERO,
    }
    .abi_encode();
    let spending_limit = s.modules.spending_limit;
    let outcome = s.op(&[(spending_limit, U256::ZERO, raise)]);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    // ... and then spends past it.
    let outcome = s.op(&[(bob, ether_milli(11), Vec::new())]);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    assert_eq!(s.chain.balance(bob).unwrap(), ether_milli(11));

    // The SDK refuses such a set before anything is sent, for every module,
    // the EntryPoint, and module admin functions on any contract.
    let now = s.chain.timestamp().unwrap();
    let signer = SignerSpec::Address(s.key.address());
    for (name, module) in s.modules.named() {
        let err = PermissionSet::new()
            .functions(module, [set_limit])
            .install(&s.modules, ENTITY + 1, &signer, s.account, now)
            .unwrap_err();
        assert!(
            matches!(err, PermissionError::ProtectedTarget { target, .. } if target == module),
            "{name}: {err}"
        );
        let err = PermissionSet::new()
            .contracts([module])
            .install(&s.modules, ENTITY + 1, &signer, s.account, now)
            .unwrap_err();
        assert!(
            matches!(err, PermissionError::ProtectedTarget { .. }),
            "{name}: {err}"
        );
    }
    let err = PermissionSet::new()
        .contracts([ENTRY_POINT])
        .install(&s.modules, ENTITY + 1, &signer, s.account, now)
        .unwrap_err();
    assert!(err.to_string().contains("EntryPoint"), "{err}");
    let err = PermissionSet::new()
        .functions_on_any_contract([set_limit])
        .install(&s.modules, ENTITY + 1, &signer, s.account, now)
        .unwrap_err();
    assert!(
        matches!(err, PermissionError::PrivilegedSelector { .. }),
        "{err}"
    );
}

/// What the account paid for an operation (`UserOperationEvent`), and
/// whether it executed.
fn paid(outcome: &OpOutcome) -> (U256, U256, bool) {
    let events =
        entry_point_events::<IEntryPoint::UserOperationEvent>(&outcome.receipt().logs).unwrap();
    let event = events.first().unwrap_or_else(|| panic!("{outcome:?}"));
    (event.actualGasUsed, event.actualGasCost, event.success)
}

#[test]
fn estimated_gas_limits_execute_and_cut_the_unused_gas_penalty() {
    if !common::built("estimated_gas_limits_execute_and_cut_the_unused_gas_penalty") {
        return;
    }
    let mut s = setup();
    let now = s.chain.timestamp().unwrap();
    let key = s.key.clone();
    // The granular modules: the native limit refuses value in execution.
    s.grant(&set(&s, now).with_modules(), ENTITY, &key);
    let owner = s.owner.clone();
    let estimate = |s: &mut Setup, call_data: &[u8]| {
        estimate_gas(
            &mut s.chain,
            s.account,
            (ENTITY, false),
            call_data,
            &key,
            Gas::default(),
        )
    };
    let increment = calls_data(
        &[(
            s.counter,
            U256::ZERO,
            ICounter::incrementCall {}.abi_encode(),
        )],
        true,
    );
    let send = |s: &mut Setup, gas: Gas| {
        let op = signed_op(
            &mut s.chain,
            s.account,
            ENTITY,
            false,
            increment.clone(),
            &key,
            gas,
        )
        .unwrap();
        handle_ops(&mut s.chain, &owner, op).unwrap()
    };

    // Measured limits, then the defaults, then measured limits again: each
    // executes. The last two run in the same state, so they compare.
    let gas = estimate(&mut s, &increment).unwrap();
    assert!(
        gas.call_gas_limit < 300_000 && gas.verification_gas_limit < 1_000_000,
        "{gas:?}"
    );
    assert!(paid(&send(&mut s, gas)).2);
    let defaults = send(&mut s, Gas::default());
    let (default_used, default_cost, executed) = paid(&defaults);
    assert!(executed);
    let measured = send(&mut s, gas);
    let (used, cost, executed) = paid(&measured);
    assert!(executed, "{measured:?}");
    eprintln!(
        "increment() through 4 hooks: default limits (verification 2,000,000, call 1,000,000) \
         {default_used} gas charged ({default_cost} wei, handleOps {} gas); estimated limits \
         (verification {}, call {}) {used} gas charged ({cost} wei, handleOps {} gas)",
        defaults.receipt().gas_used,
        gas.verification_gas_limit,
        gas.call_gas_limit,
        measured.receipt().gas_used
    );
    // v0.7 charges 10% of the unused callGasLimit: most of it is gone.
    let saved = default_used - used;
    assert!(saved > U256::from(60_000), "saved only {saved} gas");
    let counter = Counter { address: s.counter };
    assert_eq!(counter.count_on(&mut s.chain).unwrap(), U256::from(3));

    // The limits are tight: half of either is not enough.
    let half_call = Gas {
        call_gas_limit: gas.call_gas_limit / 2,
        ..gas
    };
    let (_, _, executed) = paid(&send(&mut s, half_call));
    assert!(!executed, "half the call gas must not be enough");
    let half_verification = Gas {
        verification_gas_limit: gas.verification_gas_limit / 2,
        ..gas
    };
    let outcome = send(&mut s, half_verification);
    assert!(matches!(outcome, OpOutcome::Refused(_)), "{outcome:?}");

    // What no gas can fix is reported with its reason.
    let approve = calls_data(
        &[(s.counter, U256::ZERO, ICounter::countCall {}.abi_encode())],
        true,
    );
    let err = estimate(&mut s, &approve).unwrap_err();
    assert!(matches!(err, EstimateError::Refused(_)), "{err}");
    assert!(err.to_string().contains("SelectorNotAllowed"), "{err}");
    let too_much = calls_data(&[(s.bob, ether_milli(21), Vec::new())], true);
    let err = estimate(&mut s, &too_much).unwrap_err();
    assert!(matches!(err, EstimateError::ExecutionReverts(_)), "{err}");
    assert!(err.to_string().contains("SpendLimitExceeded"), "{err}");

    // The gas budget now has less left than the default limits' maximum
    // cost: those are refused, measured ones still fit.
    let outcome = send(&mut s, Gas::default());
    let OpOutcome::Refused(receipt) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        receipt.failure_reason().contains("GasBudgetExceeded"),
        "{outcome:?}"
    );
    let gas = estimate(&mut s, &increment).unwrap();
    assert!(paid(&send(&mut s, gas)).2);
}

/// `isValidSignature(hash, key's ERC-1271 signature)` on the account: the
/// magic value, or the revert data.
fn account_accepts(s: &mut Setup, entity_id: u32, key: &Key, hash: B256) -> Result<bool, String> {
    let safe = s
        .chain
        .call(
            Address::ZERO,
            s.modules.session_signer,
            ISessionSignerModule::replaySafeHashCall {
                account: s.account,
                hash,
            }
            .abi_encode()
            .into(),
        )
        .unwrap()
        .into_output()
        .unwrap();
    let safe = ISessionSignerModule::replaySafeHashCall::abi_decode_returns(&safe).unwrap();
    let signature = erc1271_signature(entity_id, &[], &key.sign_replay_safe_hash(safe));
    let call = IReferenceAccount::isValidSignatureCall { hash, signature };
    let answer = s
        .chain
        .call(Address::ZERO, s.account, call.abi_encode().into())
        .unwrap();
    if !answer.success {
        return Err(describe(&answer.output));
    }
    let magic =
        IReferenceAccount::isValidSignatureCall::abi_decode_returns(&answer.output).unwrap();
    Ok(magic.0 == [0x16, 0x26, 0xba, 0x7e])
}

/// A key that may only call `increment()` must not sign for the account:
/// an ERC-1271 signature is checked by no allowlist or limit, and a signed
/// Permit2 permit or exchange order moves the account's tokens without any
/// call of the key's. Signing is an explicit permission, still bound by
/// the key's time window.
#[test]
fn a_scoped_key_signs_for_the_account_only_when_granted() {
    if !common::built("a_scoped_key_signs_for_the_account_only_when_granted") {
        return;
    }
    let mut s = setup();
    let now = s.chain.timestamp().unwrap();
    let scoped = PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .gas_budget(Gas::default().required_prefund())
        .time_window(now, now + 3_600);
    let key = s.key.clone();
    s.grant(&scoped, ENTITY, &key);
    let order = alloy_primitives::keccak256("a Permit2 transfer of every token the account holds");
    let refused = account_accepts(&mut s, ENTITY, &key, order).unwrap_err();
    assert!(refused.contains("SignatureValidationInvalid"), "{refused}");

    // Granted explicitly: the account accepts its signature, and no one
    // else's, while the window is open.
    let signer = Key::from_seed(0x51);
    s.grant(&scoped.clone().signatures(), ENTITY + 1, &signer);
    assert_eq!(
        account_accepts(&mut s, ENTITY + 1, &signer, order),
        Ok(true)
    );
    assert_eq!(account_accepts(&mut s, ENTITY + 1, &key, order), Ok(false));
    // A root key signs too.
    let root = Key::from_seed(0x52);
    s.grant(&PermissionSet::new().root(), ENTITY + 2, &root);
    assert_eq!(account_accepts(&mut s, ENTITY + 2, &root, order), Ok(true));
    // After the window, the time-window hook refuses the signature.
    s.chain.advance_time(3_601).unwrap();
    let expired = account_accepts(&mut s, ENTITY + 1, &signer, order).unwrap_err();
    assert!(expired.contains("OutsideTimeWindow"), "{expired}");
}

/// The EntryPoint deposit of the account.
fn deposit(s: &mut Setup) -> U256 {
    common::deposit_of(&mut s.chain, s.account)
}

/// Finding 2: the key bundles its own operation, sets a huge
/// pre-verification gas and is paid the prefund as the beneficiary. Before
/// the fix, a 1 mETH native limit let it take 147 mETH this way.
#[test]
fn attack_self_bundled_fee_drain_is_refused_by_the_native_limit() {
    if !common::built("attack_self_bundled_fee_drain_is_refused_by_the_native_limit") {
        return;
    }
    let mut s = setup();
    let now = s.chain.timestamp().unwrap();
    let key = s.key.clone();
    let set = PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .native_limit(ether_milli(5), None)
        .time_window(now, now + 3_600);
    let install = s.grant(&set, ENTITY, &key);
    // The session policy runs in validation, where it charges the prefund.
    assert!(install.hooks.iter().any(|h| {
        Address::from_slice(&h[..20]) == s.modules.session_policy && h[24] == HOOK_VALIDATION
    }));
    // The key holds a little coin to send handleOps itself.
    s.chain.fund(key.address(), ether_milli(10));
    let increment = ICounter::incrementCall {}.abi_encode();
    let greedy = Gas {
        pre_verification_gas: 147_000_000,
        max_fee_per_gas: session_keys::user_op::GWEI,
        ..Gas::default()
    };
    let (deposit_before, key_before) = (deposit(&mut s), s.chain.balance(key.address()).unwrap());
    let outcome = s.op_with(&[(s.counter, U256::ZERO, increment.clone())], greedy, &key);
    let OpOutcome::Refused(receipt) = &outcome else {
        panic!("the drain went through: {outcome:?}")
    };
    assert!(
        receipt.failure_reason().contains("SpendLimitExceeded"),
        "{}",
        receipt.failure_reason()
    );
    assert_eq!(deposit(&mut s), deposit_before);
    assert!(s.chain.balance(key.address()).unwrap() <= key_before);
    // Honest fees pass, and are counted against the limit.
    let outcome = s.op(&[(s.counter, U256::ZERO, increment)]);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    let native = &seen.limits.expect("limits")[0];
    assert_eq!(native.spent, Gas::default().required_prefund());
    assert_eq!(seen.sponsors, None);

    // A grant that names a sponsoring paymaster shows it.
    let sponsor = Address::repeat_byte(0x5A);
    let other = Key::from_seed(0x62);
    s.grant(
        &set.clone().sponsoring_paymasters([sponsor]),
        ENTITY + 1,
        &other,
    );
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY + 1).unwrap();
    assert_eq!(seen.sponsors, Some(vec![sponsor]));
}

/// Findings 3 and 4: with the allowlists and the window as execution hooks,
/// an expired key's operation used to pass validation (and be paid for,
/// with fees the key may set), and its ERC-1271 signatures stayed valid.
/// The signer now carries the window: AA22 before anything is paid, and
/// signatures are invalid.
#[test]
fn attack_expired_key_in_execution_mode_neither_spends_gas_nor_signs() {
    if !common::built("attack_expired_key_in_execution_mode_neither_spends_gas_nor_signs") {
        return;
    }
    let mut s = setup();
    let now = s.chain.timestamp().unwrap();
    let key = s.key.clone();
    let set = PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .gas_budget(Gas::default().required_prefund() * U256::from(10))
        .time_window(now, now + 3_600)
        .signatures()
        .as_execution_hooks();
    s.grant(&set, ENTITY, &key);
    let increment = ICounter::incrementCall {}.abi_encode();
    let outcome = s.op(&[(s.counter, U256::ZERO, increment.clone())]);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    let order = alloy_primitives::keccak256("an order");
    assert_eq!(account_accepts(&mut s, ENTITY, &key, order), Ok(true));

    s.chain.advance_time(3_601).unwrap();
    let before = deposit(&mut s);
    let outcome = s.op(&[(s.counter, U256::ZERO, increment)]);
    let OpOutcome::Refused(receipt) = &outcome else {
        panic!("an expired key's operation was paid for: {outcome:?}")
    };
    assert!(
        receipt.failure_reason().contains("AA22"),
        "{}",
        receipt.failure_reason()
    );
    assert_eq!(deposit(&mut s), before);
    // Refused: the session policy's pre-signature hook reverts
    // (OutsideTimeWindow), as MAv2's hooks do; the signer alone answers
    // false.
    let accepted = account_accepts(&mut s, ENTITY, &key, order);
    assert!(
        matches!(&accepted, Err(reason) if reason.contains("OutsideTimeWindow")),
        "{accepted:?}"
    );
}

/// A periodic native limit is charged in validation without the clock: the
/// operation names its period by a timestamp in spending-limit's segment
/// (`inspect::hook_segments`). Without it, the recorded period's bounds
/// refuse every operation after the first boundary (AA22); with it, the
/// key works in the next period, and gas and value share its allowance.
#[test]
fn a_periodic_native_limit_works_across_periods_with_the_sdks_hint() {
    if !common::built("a_periodic_native_limit_works_across_periods_with_the_sdks_hint") {
        return;
    }
    use session_keys::inspect::hook_segments;
    use session_keys::operation::estimate_gas_with_segments;

    let mut s = setup();
    let now = s.chain.timestamp().unwrap();
    let key = s.key.clone();
    let set = PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .native_limit(ether_milli(20), Some(86_400))
        .time_window(now, now + 10 * 86_400);
    s.grant(&set, ENTITY, &key);
    let increment = ICounter::incrementCall {}.abi_encode();
    let call_data = calls_data(&[(s.counter, U256::ZERO, increment.clone())], true);
    let (account, modules) = (s.account, s.modules);
    let send = |s: &mut Setup, segments: &[(u8, Vec<u8>)]| {
        let segments: Vec<(u8, &[u8])> = segments.iter().map(|(i, b)| (*i, &b[..])).collect();
        let op = signed_op_with_segments(
            &mut s.chain,
            account,
            (ENTITY, false),
            call_data.clone(),
            &key,
            Gas::default(),
            &segments,
        )
        .unwrap();
        let owner = s.owner.clone();
        handle_ops(&mut s.chain, &owner, op).unwrap()
    };
    let hooks = validation_view(&mut s.chain, &modules, account, ENTITY)
        .unwrap()
        .unwrap()
        .hooks;
    let segments_at = |s: &mut Setup| {
        let now = s.chain.timestamp().unwrap();
        hook_segments(&mut s.chain, &modules, account, &hooks, now).unwrap()
    };
    // In the first period, with or without the hint.
    assert!(matches!(send(&mut s, &[]), OpOutcome::Executed(_)));
    let segments = segments_at(&mut s);
    assert_eq!(segments.len(), 1, "{segments:?}");
    assert!(matches!(send(&mut s, &segments), OpOutcome::Executed(_)));

    // A day later: the recorded period has ended.
    s.chain.advance_time(86_400).unwrap();
    let OpOutcome::Refused(receipt) = send(&mut s, &[]) else {
        panic!("charged outside its period")
    };
    assert!(
        receipt.failure_reason().contains("AA22"),
        "{}",
        receipt.failure_reason()
    );
    let segments = segments_at(&mut s);
    let outcome = send(&mut s, &segments);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    assert_eq!(
        seen.limits.expect("limits")[0].spent,
        Gas::default().required_prefund(),
        "the new period holds only this operation's gas"
    );
    // Gas is measured with the same segments.
    let borrowed: Vec<(u8, &[u8])> = segments.iter().map(|(i, b)| (*i, &b[..])).collect();
    let gas = estimate_gas_with_segments(
        &mut s.chain,
        account,
        (ENTITY, false),
        &call_data,
        &key,
        Gas::default(),
        &borrowed,
    );
    assert!(gas.is_ok(), "{gas:?}");
    // With the granular modules, a key without a periodic native limit
    // carries no segment (the session policy always takes the hint).
    let other = Key::from_seed(0x61);
    let lifetime = PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .native_limit(ether_milli(20), None)
        .with_modules();
    s.grant(&lifetime, ENTITY + 1, &other);
    let hooks = validation_view(&mut s.chain, &modules, account, ENTITY + 1)
        .unwrap()
        .unwrap()
        .hooks;
    let now = s.chain.timestamp().unwrap();
    assert!(hook_segments(&mut s.chain, &modules, account, &hooks, now)
        .unwrap()
        .is_empty());
}

/// The session policy (the default): one validation hook, no execution
/// hook and no `executeUserOp` prefix; limits charged in validation, so an
/// over-limit operation is refused before it is paid for; a charge made in
/// validation stays when the execution reverts (the operation ran and was
/// paid for, as MAv2's gas accounting counts it); revoked with one entry,
/// and granted again from zero.
#[test]
fn the_session_policy_charges_in_validation_and_keeps_the_charge_when_execution_reverts() {
    if !common::built(
        "the_session_policy_charges_in_validation_and_keeps_the_charge_when_execution_reverts",
    ) {
        return;
    }
    use session_keys::Enforcement;
    let mut s = setup();
    let now = s.chain.timestamp().unwrap();
    let key = s.key.clone();
    let set = PermissionSet::new()
        .functions(
            s.counter,
            [
                Selector::from(ICounter::incrementCall::SELECTOR),
                Selector::value_transfer(),
            ],
        )
        .native_limit(ether_milli(20), None)
        .time_window(now, now + 3_600);
    assert!(!set.needs_execute_user_op());
    let install = s.grant(&set, ENTITY, &key);
    let hooks: Vec<(Address, u8)> = install
        .hooks
        .iter()
        .map(|h| (Address::from_slice(&h[..20]), h[24]))
        .collect();
    assert_eq!(hooks, vec![(s.modules.session_policy, HOOK_VALIDATION)]);
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    assert_eq!(seen.enforcement, Enforcement::Policy);
    assert_eq!(seen.time_window, Some((now, now + 3_600)));
    assert_eq!(seen.rules.as_ref().map(Vec::len), Some(2));

    let owner = s.owner.clone();
    // A plain value transfer to the Counter, which has no way to take it.
    let send = |s: &mut Setup, value: U256| {
        let data = if value.is_zero() {
            ICounter::incrementCall {}.abi_encode()
        } else {
            Vec::new()
        };
        let op = signed_op(
            &mut s.chain,
            s.account,
            ENTITY,
            false,
            calls_data(&[(s.counter, value, data)], false),
            &key,
            Gas::default(),
        )
        .unwrap();
        handle_ops(&mut s.chain, &owner, op).unwrap()
    };
    let prefund = Gas::default().required_prefund();
    assert!(matches!(send(&mut s, U256::ZERO), OpOutcome::Executed(_)));
    // The Counter refuses the coin: validation charged 1 milli-ether and
    // the prefund, then the execution reverted. The charge stays.
    let outcome = send(&mut s, ether_milli(1));
    assert!(
        matches!(outcome, OpOutcome::ExecutionReverted(..)),
        "{outcome:?}"
    );
    let spent = |s: &mut Setup| {
        inspect(&mut s.chain, &s.modules, s.account, ENTITY)
            .unwrap()
            .limits
            .expect("limits")[0]
            .spent
    };
    assert_eq!(spent(&mut s), prefund * U256::from(2) + ether_milli(1));
    // Over what remains: refused in validation, nothing paid.
    let before = deposit(&mut s);
    let OpOutcome::Refused(receipt) = send(&mut s, ether_milli(19)) else {
        panic!("an over-limit operation was paid for")
    };
    assert!(
        receipt.failure_reason().contains("SpendLimitExceeded"),
        "{}",
        receipt.failure_reason()
    );
    assert_eq!(deposit(&mut s), before);

    // Revoke (one hook, one entry), then grant again: nothing spent.
    assert!(s.owner_call(install.uninstall_validation_calldata()));
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    assert!(!seen.is_installed(), "{seen:?}");
    s.grant(&set, ENTITY, &key);
    assert_eq!(spent(&mut s), U256::ZERO);
}
