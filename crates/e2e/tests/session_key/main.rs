//! A session key on the Stylus reference account, through the real
//! EntryPoint v0.7 (`handleOps` from a bundler EOA).
//!
//! Setup (scenario 1): the account is initialized directly with the session
//! key's validation: session-signer at entity 1, user-op + signature
//! validation, **not global**, selectors `[execute, executeBatch]`, and two
//! validation hooks at entity 1: selector-allowlist allowing only
//! `(counter, increment())`, then time-window from now to now + 1 day.
//!
//! Then the key increments the Counter (scenario 2) and is refused
//! (scenario 3): a target or selector not allowed (the hook's
//! `SelectorNotAllowed` inside the account's
//! `PreUserOpValidationHookReverted`, AA23), an expired window (AA22), a
//! wrong key (AA24), a replayed nonce (AA25), and `installValidation` as
//! the callData (the account's `ValidationFunctionMissing`, AA23).
//! `attacks.rs` is the end-to-end attack inventory on this setup.
//!
//! Each scenario written with `scenario!` runs twice: `NAME::modules` with
//! the two hooks above, and `NAME::policy` with the same rules in one
//! session-policy hook (the SDK's default), which refuses with the same
//! errors.
//!
//! Needs `target/stylus/reference-account.code` and the other build
//! outputs (see `e2e::fixtures`): without them each test prints SKIPPED, or
//! fails when `CI` is set. Run with `--nocapture` for the gas figures.

use alloy_primitives::{b256, Address, FixedBytes, B256, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use e2e::abi::{
    IReferenceAccount, ISelectorAllowlistModule, ISessionSignerModule, ITimeWindowModule,
    PackedUserOperation,
};
use e2e::encode::{self, ValidationInstall};
use e2e::session::Enforcement;
use e2e::{
    available, describe, describe_outcome, ether, Counter, FailedOp, Gas, HandleOpsExt, Key, Needs,
    Wallet, Wrapper,
};
use localnet::entry_point::ENTRY_POINT;
use localnet::{Localnet, TxOutcome};

/// The session key's validation entity id (and its hooks' entity id).
const ENTITY: u32 = 1;
const DAY: u64 = 86_400;

/// The session key of docs/design/mav2-account.md §5.2.
const SESSION_SECRET: B256 =
    b256!("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

use IReferenceAccount::IReferenceAccountErrors as AccountErrors;

alloy_sol_types::sol! {
    /// MAv2's upgrade entry point, which a session key must never reach.
    interface UpgradeToAndCall {
        function upgradeToAndCall(address newImplementation, bytes data) external payable;
    }
}
use ISelectorAllowlistModule::ISelectorAllowlistModuleErrors as AllowlistErrors;

/// An account initialized with the session key (scenario 1).
struct Session {
    w: Wallet,
    key: Key,
    valid_after: u64,
    valid_until: u64,
    /// One hook per module, or one session-policy hook.
    enforcement: Enforcement,
}

/// A scenario written once and run twice, as `NAME::modules` (one hook per
/// permission module: selector-allowlist, then time-window) and
/// `NAME::policy` (one session-policy hook with the same rules). The body
/// gets the [`Session`] as `$s`.
macro_rules! scenario {
    ($(#[$attr:meta])* fn $name:ident($s:ident) $body:block) => {
        $(#[$attr])*
        fn $name(mut $s: Session) $body

        mod $name {
            #[test]
            fn modules() {
                let test = concat!(stringify!($name), "::modules");
                if let Some(s) = super::setup_in(test, super::Enforcement::Modules) {
                    super::$name(s);
                }
            }

            #[test]
            fn policy() {
                let test = concat!(stringify!($name), "::policy");
                if let Some(s) = super::setup_in(test, super::Enforcement::Policy) {
                    super::$name(s);
                }
            }
        }
    };
}

/// `view` of `call` on `to`.
#[track_caller]
fn view<C: SolCall>(net: &mut Localnet, to: Address, call: C) -> C::Return {
    net.call(Address::ZERO, to, call.abi_encode())
        .decode_return::<C>()
        .unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE))
}

/// Scenario 1 with one hook per module, or `None` (with a SKIPPED
/// message) without the build outputs.
fn setup(test: &str) -> Option<Session> {
    setup_in(test, Enforcement::Modules)
}

/// Scenario 1 with the permissions enforced as `enforcement` says.
fn setup_in(test: &str, enforcement: Enforcement) -> Option<Session> {
    setup_with(test, ether(1), ether(1), enforcement)
}

fn setup_with(
    test: &str,
    deposit: U256,
    balance: U256,
    enforcement: Enforcement,
) -> Option<Session> {
    if !available(test, Needs::Account) {
        return None;
    }
    let mut w = Wallet::with_funding(deposit, balance);
    let key = Key::from_bytes(SESSION_SECRET);
    let valid_after = w.net.timestamp();
    let valid_until = valid_after + DAY;
    let install =
        w.session_key_install_as(ENTITY, key.address(), valid_after, valid_until, enforcement);
    let out = w.initialize(&install);
    assert!(out.success, "initialize: {}", describe_outcome(&out));
    println!("initialize ({enforcement:?}): {} gas", out.gas_used);
    println!("{}", w.program_gas_report(&out));
    // ValidationInstalled(session-signer, 1).
    let installed: Vec<_> = out
        .logs
        .iter()
        .filter(|l| {
            l.topics().first() == Some(&IReferenceAccount::ValidationInstalled::SIGNATURE_HASH)
        })
        .map(|l| IReferenceAccount::ValidationInstalled::decode_log_data(&l.data).unwrap())
        .collect();
    assert_eq!(
        installed,
        vec![IReferenceAccount::ValidationInstalled {
            module: w.modules.session_signer,
            entityId: ENTITY
        }]
    );
    Some(Session {
        w,
        key,
        valid_after,
        valid_until,
        enforcement,
    })
}

impl Session {
    /// The program that enforces the rule of `granular` (a permission
    /// module): that module, or the session policy.
    fn rules_of(&self, granular: Address) -> Address {
        self.w.rules_of(granular, self.enforcement)
    }

    /// `execute(target, 0, data)`.
    fn execute(&self, target: Address, data: Vec<u8>) -> Vec<u8> {
        encode::execute(target, U256::ZERO, data)
    }

    /// `execute(counter, 0, increment())`.
    fn increment(&self) -> Vec<u8> {
        self.execute(self.w.counter.address, Counter::increment_calldata())
    }

    /// An operation with `call_data`, the session key's next nonce, signed
    /// by the session key.
    fn op(&mut self, call_data: Vec<u8>) -> PackedUserOperation {
        let key = self.key.clone();
        self.w.signed_op(call_data, ENTITY, false, &key, &[])
    }

    /// The session key's next nonce.
    fn nonce(&mut self) -> U256 {
        self.w.next_nonce(ENTITY, false)
    }

    /// Sends `op` alone, expects a validation refusal, and checks that
    /// nothing changed: the Counter, the nonce, the account's deposit.
    #[track_caller]
    fn refused(&mut self, op: PackedUserOperation) -> FailedOp {
        let count = self.w.count();
        let nonce = self.nonce();
        let deposit = self.w.deposit_of_account();
        let out = self.w.handle_ops(vec![op]);
        let failed = out.expect_failed_op();
        println!("refused: {}", describe(&out.output));
        assert_eq!(failed.op_index, U256::ZERO);
        assert!(out.user_op_events().is_empty());
        assert_eq!(self.w.count(), count);
        assert_eq!(self.nonce(), nonce);
        assert_eq!(self.w.deposit_of_account(), deposit);
        failed
    }

    /// [`Session::refused`], expecting AA23 with the selector-allowlist
    /// rule's `SelectorNotAllowed(target, selector)` wrapped in
    /// `PreUserOpValidationHookReverted(hook ‖ 1, …)` (selector-allowlist,
    /// or the session policy).
    #[track_caller]
    fn refused_by_allowlist(&mut self, call_data: Vec<u8>, target: Address, selector: [u8; 4]) {
        self.refused_by_allowlist_with(
            call_data,
            AllowlistErrors::SelectorNotAllowed(ISelectorAllowlistModule::SelectorNotAllowed {
                target,
                selector: FixedBytes(selector),
            }),
        );
    }

    /// [`Session::refused`], expecting AA23 with the selector-allowlist
    /// rule's `expected` error wrapped in
    /// `PreUserOpValidationHookReverted(hook ‖ 1, …)`.
    #[track_caller]
    fn refused_by_allowlist_with(&mut self, call_data: Vec<u8>, expected: AllowlistErrors) {
        let op = self.op(call_data);
        let failed = self.refused(op);
        assert_eq!(failed.reason, "AA23 reverted", "{failed}");
        let wrapped = failed
            .module_error()
            .unwrap_or_else(|| panic!("not a wrapped module error: {failed}"));
        assert_eq!(wrapped.wrapper, Wrapper::PreUserOpValidationHook);
        assert_eq!(
            wrapped.module,
            self.rules_of(self.w.modules.selector_allowlist)
        );
        assert_eq!(wrapped.entity_id, ENTITY);
        assert_eq!(
            wrapped.reason_as::<AllowlistErrors>(),
            Some(expected),
            "hook reason: {}",
            describe(&wrapped.reason)
        );
    }

    /// [`Session::refused`], expecting AA23 with the account's own `error`.
    #[track_caller]
    fn refused_by_account(&mut self, op: PackedUserOperation, error: AccountErrors) {
        let failed = self.refused(op);
        assert_eq!(failed.reason, "AA23 reverted", "{failed}");
        assert_eq!(failed.account_error(), Some(error), "{failed}");
    }

    /// Sends `ops`, expects every one to succeed, prints the gas.
    #[track_caller]
    fn executed(&mut self, what: &str, ops: Vec<PackedUserOperation>) -> TxOutcome {
        let hashes: Vec<B256> = ops.iter().map(|op| self.w.user_op_hash(op)).collect();
        let nonces: Vec<U256> = ops.iter().map(|op| op.nonce).collect();
        let out = self.w.handle_ops(ops);
        let events = out.expect_ops_succeeded();
        assert_eq!(events.len(), hashes.len());
        for ((event, hash), nonce) in events.iter().zip(&hashes).zip(&nonces) {
            assert_eq!(event.userOpHash, *hash);
            assert_eq!(event.sender, self.w.account);
            assert_eq!(event.paymaster, Address::ZERO);
            assert_eq!(event.nonce, *nonce);
            assert!(event.success);
        }
        assert!(out.user_op_revert_reasons().is_empty());
        let used: Vec<String> = events.iter().map(|e| e.actualGasUsed.to_string()).collect();
        println!(
            "{what}: handleOps {} gas; UserOperationEvent.actualGasUsed {} \
             (includes preVerificationGas {} and 10% of unused call gas)",
            out.gas_used,
            used.join(", "),
            self.w.gas.pre_verification_gas,
        );
        println!("{}", self.w.program_gas_report(&out));
        out
    }
}

// ----------------------------------------------------------- scenario 1

scenario! {
    fn initialize_installs_the_session_key_and_its_hooks(s) {
        let account = s.w.account;
        let m = s.w.modules;
        let allowlist = s.rules_of(m.selector_allowlist);
        let time_window = s.rules_of(m.time_window);
        let net = &mut s.w.net;
        assert_eq!(
            view(net, account, IReferenceAccount::entryPointCall {}),
            ENTRY_POINT
        );
        let id = view(net, account, IReferenceAccount::accountIdCall {});
        assert!(
            !id.is_empty() && !id.starts_with("alchemy."),
            "accountId {id:?}"
        );
        assert_eq!(
            view(
                net,
                m.session_signer,
                ISessionSignerModule::signersCall {
                    entityId: ENTITY,
                    account
                }
            ),
            s.key.address()
        );
        assert!(view(
            net,
            allowlist,
            ISelectorAllowlistModule::hasRuleCall {
                account,
                entityId: ENTITY,
                target: s.w.counter.address,
                selector: FixedBytes(Counter::increment_calldata()[..4].try_into().unwrap()),
            }
        ));
        let window = view(
            net,
            time_window,
            ITimeWindowModule::getTimeWindowCall {
                account,
                entityId: ENTITY,
            },
        );
        assert!(window.installed);
        assert_eq!(window.validAfter.to::<u64>(), s.valid_after);
        assert_eq!(window.validUntil.to::<u64>(), s.valid_until);

        // initialize is one-shot.
        let again =
            s.w.session_key_install(2, Key::from_seed(9).address(), 0, 0);
        let out = s.w.initialize(&again);
        assert_eq!(
            out.decode_revert::<AccountErrors>(),
            Some(AccountErrors::AlreadyInitialized(
                IReferenceAccount::AlreadyInitialized {}
            )),
            "{}",
            describe_outcome(&out)
        );
        // Nobody but the EntryPoint may call validateUserOp / executeUserOp.
        let op = s.op(s.increment());
        let out = s.w.net.transact(
            localnet::DEPLOYER,
            account,
            U256::ZERO,
            IReferenceAccount::validateUserOpCall {
                userOp: op.clone().into(),
                userOpHash: B256::ZERO,
                missingAccountFunds: U256::ZERO,
            }
            .abi_encode(),
        );
        assert_eq!(
            out.decode_revert::<AccountErrors>(),
            Some(AccountErrors::NotEntryPoint(
                IReferenceAccount::NotEntryPoint {}
            )),
            "{}",
            describe_outcome(&out)
        );
    }
}

// ----------------------------------------------------------- scenario 2

scenario! {
    fn the_session_key_increments_the_counter(s) {
        let counter = s.w.counter.address;
        assert_eq!(
            s.nonce(),
            encode::nonce(encode::nonce_key(ENTITY, false), 0)
        );

        // execute(counter, 0, increment()).
        let op = s.op(s.increment());
        s.executed("execute (uncached, first op)", vec![op]);
        assert_eq!(s.w.count(), U256::from(1));

        // The executeUserOp prefix form.
        let op = s.op(encode::user_op_prefixed(&s.increment()));
        s.executed("executeUserOp prefix + execute (uncached)", vec![op]);
        assert_eq!(s.w.count(), U256::from(2));

        // executeBatch of two increments, plain and behind the prefix.
        let inc = || (counter, U256::ZERO, Counter::increment_calldata());
        let batch = encode::execute_batch([inc(), inc()]);
        let op = s.op(batch.clone());
        s.executed("executeBatch of 2 (uncached)", vec![op]);
        assert_eq!(s.w.count(), U256::from(4));
        let op = s.op(encode::user_op_prefixed(&batch));
        s.executed(
            "executeUserOp prefix + executeBatch of 2 (uncached)",
            vec![op],
        );
        assert_eq!(s.w.count(), U256::from(6));

        // Two operations of the key in one bundle: consecutive sequences.
        let first = s.op(s.increment());
        let mut second = first.clone();
        second.nonce = first.nonce + U256::from(1);
        let key = s.key.clone();
        s.w.sign(&mut second, &key, &[]);
        s.executed("a bundle of 2 executes (uncached)", vec![first, second]);
        assert_eq!(s.w.count(), U256::from(8));

        // The same with every program cached.
        s.w.set_cached(true);
        let op = s.op(s.increment());
        s.executed("execute (cached)", vec![op]);
        let op = s.op(encode::user_op_prefixed(&s.increment()));
        s.executed("executeUserOp prefix + execute (cached)", vec![op]);
        assert_eq!(s.w.count(), U256::from(10));
        assert_eq!(
            s.nonce(),
            encode::nonce(encode::nonce_key(ENTITY, false), 8)
        );
    }
}

/// Without a deposit the account pays the prefund from its own balance
/// (`missingAccountFunds`); the unused part becomes its deposit.
#[test]
fn the_account_pays_its_prefund_from_its_balance() {
    let Some(mut s) = setup_with(
        "the_account_pays_its_prefund_from_its_balance",
        U256::ZERO,
        ether(1),
        Enforcement::Policy,
    ) else {
        return;
    };
    let prefund = s.w.gas.required_prefund();
    let op = s.op(s.increment());
    let out = s.executed("execute, prefund paid by the account", vec![op]);
    let event = &out.user_op_events()[0];
    assert_eq!(s.w.count(), U256::from(1));
    assert_eq!(s.w.net.balance(s.w.account), ether(1) - prefund);
    assert_eq!(s.w.deposit_of_account(), prefund - event.actualGasCost);
}

// ----------------------------------------------------------- scenario 3

scenario! {
    fn calls_the_allowlist_does_not_allow_are_refused_in_validation(s) {
        let counter = s.w.counter.address;
        let other = Counter::deploy(&mut s.w.net).address;
        let increment: [u8; 4] = Counter::increment_calldata()[..4].try_into().unwrap();
        let count: [u8; 4] = Counter::count_calldata()[..4].try_into().unwrap();

        // Another target.
        let call = s.execute(other, Counter::increment_calldata());
        s.refused_by_allowlist(call.clone(), other, increment);
        // ... behind the executeUserOp prefix.
        s.refused_by_allowlist(encode::user_op_prefixed(&call), other, increment);
        // Another selector on the allowed target.
        let call = s.execute(counter, Counter::count_calldata());
        s.refused_by_allowlist(call, counter, count);
        // A plain value transfer to the allowed target (selector 0x00000000).
        let call = s.execute(counter, vec![]);
        s.refused_by_allowlist(call, counter, [0; 4]);
        // One bad call in a batch.
        let batch = encode::execute_batch([
            (counter, U256::ZERO, Counter::increment_calldata()),
            (other, U256::ZERO, Counter::increment_calldata()),
        ]);
        s.refused_by_allowlist(batch.clone(), other, increment);
        s.refused_by_allowlist(encode::user_op_prefixed(&batch), other, increment);

        // The allowed call still goes through afterwards.
        let op = s.op(s.increment());
        s.executed("execute after refusals", vec![op]);
        assert_eq!(s.w.count(), U256::from(1));
        assert_eq!(Counter { address: other }.count(&mut s.w.net), U256::ZERO);
    }
}

scenario! {
    fn outside_the_time_window_is_aa22(s) {
        let aa22 = |failed: FailedOp| {
            assert_eq!(
                failed,
                FailedOp {
                    op_index: U256::ZERO,
                    reason: "AA22 expired or not due".into(),
                    inner: None
                }
            );
        };
        // Expired.
        s.w.net.set_timestamp(s.valid_until + 1);
        let op = s.op(s.increment());
        aa22(s.refused(op));
        // Not yet due.
        s.w.net.set_timestamp(s.valid_after - 1);
        let op = s.op(s.increment());
        aa22(s.refused(op));
        // Both ends are inclusive.
        for t in [s.valid_after, s.valid_until] {
            s.w.net.set_timestamp(t);
            let op = s.op(s.increment());
            s.executed("execute at the window's edge", vec![op]);
        }
        assert_eq!(s.w.count(), U256::from(2));
    }
}

scenario! {
    fn a_signature_by_another_key_is_aa24(s) {
        let call = s.increment();
        let mut op = s.w.user_op(call, ENTITY, false);
        s.w.sign(&mut op, &Key::from_seed(0x42), &[]);
        assert_eq!(
            s.refused(op.clone()),
            FailedOp {
                op_index: U256::ZERO,
                reason: "AA24 signature error".into(),
                inner: None
            }
        );
        // The right key, but over another operation: the same call signed,
        // then sent in the (equally allowed) executeUserOp prefix form.
        let mut tampered = s.op(s.increment());
        tampered.callData = encode::user_op_prefixed(&s.increment()).into();
        assert_eq!(s.refused(tampered).reason, "AA24 signature error");
    }
}

scenario! {
    fn a_replayed_nonce_is_aa25(s) {
        let op = s.op(s.increment());
        s.executed("execute", vec![op.clone()]);
        assert_eq!(s.w.count(), U256::from(1));
        assert_eq!(
            s.refused(op),
            FailedOp {
                op_index: U256::ZERO,
                reason: "AA25 invalid account nonce".into(),
                inner: None
            }
        );
        assert_eq!(s.w.count(), U256::from(1));
    }
}

scenario! {
    fn the_session_key_cannot_install_a_validation(s) {
        let account = s.w.account;
        let signer = s.w.modules.session_signer;
        // A global validation for another key: what a leaked session key would want.
        let attacker = Key::from_seed(0x66).address();
        let grab = ValidationInstall {
            config: encode::validation_config(
                signer,
                2,
                encode::VALIDATION_GLOBAL | encode::VALIDATION_SIGNATURE | encode::VALIDATION_USER_OP,
            ),
            selectors: vec![],
            install_data: (2u32, attacker).abi_encode_params().into(),
            hooks: vec![],
        };
        let install = grab.install_validation_calldata();
        let missing = |selector: [u8; 4]| {
            AccountErrors::ValidationFunctionMissing(IReferenceAccount::ValidationFunctionMissing {
                selector: FixedBytes(selector),
            })
        };
        let install_selector = IReferenceAccount::installValidationCall::SELECTOR;

        // installValidation as the callData.
        let op = s.op(install.clone());
        s.refused_by_account(op, missing(install_selector));
        // Behind the executeUserOp prefix.
        let op = s.op(encode::user_op_prefixed(&install));
        s.refused_by_account(op, missing(install_selector));
        // Through execute to the account itself.
        let op = s.op(s.execute(account, install.clone()));
        s.refused_by_account(
            op,
            AccountErrors::SelfCallRecursionDepthExceeded(
                IReferenceAccount::SelfCallRecursionDepthExceeded {},
            ),
        );
        // Through executeBatch to the account itself.
        let op = s.op(encode::execute_batch([(account, U256::ZERO, install)]));
        s.refused_by_account(op, missing(install_selector));
        // upgradeToAndCall (MAv2's UUPS upgrade), directly and behind the prefix.
        let upgrade = UpgradeToAndCall::upgradeToAndCallCall {
            newImplementation: attacker,
            data: Default::default(),
        }
        .abi_encode();
        let upgrade_selector = UpgradeToAndCall::upgradeToAndCallCall::SELECTOR;
        let op = s.op(upgrade.clone());
        s.refused_by_account(op, missing(upgrade_selector));
        let op = s.op(encode::user_op_prefixed(&upgrade));
        s.refused_by_account(op, missing(upgrade_selector));

        assert_eq!(
            view(
                &mut s.w.net,
                signer,
                ISessionSignerModule::signersCall {
                    entityId: 2,
                    account
                }
            ),
            Address::ZERO
        );
    }
}

/// The per-hook signature segments reach their hooks: both hooks refuse
/// data (`UnexpectedDataPassed`, as MAv2's hooks do), and malformed
/// segment areas are the account's errors.
#[test]
fn signature_segments_reach_their_hooks() {
    let Some(mut s) = setup("signature_segments_reach_their_hooks") else {
        return;
    };
    let key = s.key.clone();
    let m = s.w.modules;
    for (index, hook) in [(0u8, m.selector_allowlist), (1, m.time_window)] {
        let mut op = s.w.user_op(s.increment(), ENTITY, false);
        s.w.sign(&mut op, &key, &[(index, &[0xab])]);
        let failed = s.refused(op);
        assert_eq!(failed.reason, "AA23 reverted", "{failed}");
        let wrapped = failed
            .module_error()
            .unwrap_or_else(|| panic!("not a wrapped module error: {failed}"));
        assert_eq!(
            (wrapped.wrapper, wrapped.module, wrapped.entity_id),
            (Wrapper::PreUserOpValidationHook, hook, ENTITY),
            "{failed}"
        );
        assert_eq!(
            wrapped.reason_as::<AllowlistErrors>(),
            Some(AllowlistErrors::UnexpectedDataPassed(
                ISelectorAllowlistModule::UnexpectedDataPassed {}
            )),
            "{failed}"
        );
    }
    // A zero-length segment.
    let mut op = s.w.user_op(s.increment(), ENTITY, false);
    s.w.sign(&mut op, &key, &[(0, &[])]);
    s.refused_by_account(
        op,
        AccountErrors::NonCanonicalEncoding(IReferenceAccount::NonCanonicalEncoding {}),
    );
    // A segment for a hook that does not exist (2 hooks: indices 0 and 1).
    let mut op = s.w.user_op(s.increment(), ENTITY, false);
    s.w.sign(&mut op, &key, &[(2, &[0xab])]);
    s.refused_by_account(
        op,
        AccountErrors::ValidationSignatureSegmentMissing(
            IReferenceAccount::ValidationSignatureSegmentMissing {},
        ),
    );
}

scenario! {
    /// The nonce picks the validation: an entity id that is not installed, or
    /// the session key's entity with the global bit, reaches no validation for
    /// `execute`.
    fn a_nonce_for_another_validation_is_refused(s) {
        let execute = IReferenceAccount::executeCall::SELECTOR;
        let missing =
            AccountErrors::ValidationFunctionMissing(IReferenceAccount::ValidationFunctionMissing {
                selector: FixedBytes(execute),
            });
        let key = s.key.clone();
        for (entity, global) in [(2, false), (ENTITY, true)] {
            let call = s.increment();
            let op = s.w.signed_op(call, entity, global, &key, &[]);
            s.refused_by_account(op, missing.clone());
        }
    }
}

/// The gas fields used are what the EntryPoint sees.
#[test]
fn the_default_gas_fits_the_prefund() {
    let gas = Gas::default();
    assert_eq!(
        gas.required_prefund(),
        U256::from(3_100_000u64) * U256::from(1_000_000_000u64)
    );
    assert!(gas.required_prefund() < ether(1));
}

#[test]
fn the_same_hook_twice_is_refused_at_install() {
    if !available("the_same_hook_twice_is_refused_at_install", Needs::Account) {
        return;
    }
    let mut w = Wallet::new();
    let now = w.net.timestamp();
    let mut install = w.session_key_install(
        ENTITY,
        Key::from_bytes(SESSION_SECRET).address(),
        now,
        now + DAY,
    );
    // The first hook again, with empty install data: it would run twice.
    let duplicate = install.hooks[0][..25].to_vec();
    install.hooks.push(duplicate.into());
    let out = w.initialize(&install);
    assert_eq!(
        out.decode_revert::<AccountErrors>(),
        Some(AccountErrors::PreValidationHookDuplicate(
            IReferenceAccount::PreValidationHookDuplicate {}
        )),
        "{}",
        describe_outcome(&out)
    );
}

mod attacks;
mod hook_copies;
