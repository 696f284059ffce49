//! A session key's usage limit end to end, through `EntryPoint.handleOps`
//! on the compiled WASM in the embedded chain, in every enforcement: the
//! session policy with session-rules beside it (counted in validation),
//! session-rules' execution-phase variant (counted in execution), and the
//! standalone usage-limit module. Each is allowed up to its limit, refused
//! past it with `UsageLimitExceeded(used, limit)`, and whole again in the
//! next period with the SDK's period hint.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use session_keys::abi::{ICounter, IUsageLimitModule};
use session_keys::account::{send_as_owner, OWNER_ENTITY};
use session_keys::encode::{HOOK_PRE_EXECUTION, HOOK_VALIDATION};
use session_keys::errors::{FailedOp, ModuleError, Wrapper};
use session_keys::inspect::{hook_segments, inspect, validation_view};
use session_keys::operation::{calls_data, handle_ops, signed_op_with_segments, OpOutcome};
use session_keys::permissions::UsageUnit;
use session_keys::{Chain, Gas, Key, LocalChain, Modules, PermissionSet, SignerSpec};

mod common;

const ENTITY: u32 = 9;
const DAY: u64 = 86_400;

struct Setup {
    chain: LocalChain,
    owner: Key,
    key: Key,
    modules: Modules,
    account: Address,
    counter: Address,
}

fn setup() -> Setup {
    let mut chain = LocalChain::new();
    let owner = Key::from_seed(0x0a);
    chain.fund(owner.address(), U256::from(10u64).pow(U256::from(21)));
    let deposit = U256::from(10u64).pow(U256::from(17));
    let (modules, account, counter) = common::account_with_counter(&mut chain, &owner, deposit);
    Setup {
        chain,
        owner,
        key: Key::from_seed(0x4c),
        modules,
        account,
        counter,
    }
}

/// How the key's permissions are installed.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// session-policy and session-rules, validation hooks.
    Policy,
    /// session-policy and session-rules, execution hooks.
    PolicyInExecution,
    /// One hook per module, usage-limit among them.
    Modules,
}

impl Setup {
    /// Grants the key: increment() on the Counter, a gas budget, and at
    /// most 2 operations a day and 3 over its life.
    fn grant(&mut self, mode: Mode) -> Vec<(Address, u8)> {
        let now = self.chain.timestamp().unwrap();
        let mut set = PermissionSet::new()
            .functions(self.counter, [ICounter::incrementCall::SELECTOR])
            .gas_budget(U256::from(10u64).pow(U256::from(17)))
            .time_window(now, now + 30 * DAY)
            .usage_limit(UsageUnit::Operations, Some(3), Some((2, DAY)));
        set = match mode {
            Mode::Policy => set,
            Mode::PolicyInExecution => set.as_execution_hooks(),
            Mode::Modules => set.with_modules(),
        };
        let install = set
            .install(
                &self.modules,
                ENTITY,
                &SignerSpec::Address(self.key.address()),
                self.account,
                now,
            )
            .unwrap();
        let receipt = send_as_owner(
            &mut self.chain,
            &self.owner,
            self.account,
            OWNER_ENTITY,
            &install.install_validation_calldata(),
        )
        .unwrap();
        assert!(receipt.success, "grant: {}", receipt.failure_reason());
        install
            .hooks
            .iter()
            .map(|h| (Address::from_slice(&h[..20]), h[24]))
            .collect()
    }

    /// The key's increment(), with the segments the SDK computes at the
    /// chain's time.
    fn increment(&mut self, prefixed: bool) -> OpOutcome {
        let hooks = validation_view(&mut self.chain, &self.modules, self.account, ENTITY)
            .unwrap()
            .unwrap()
            .hooks;
        let now = self.chain.timestamp().unwrap();
        let segments =
            hook_segments(&mut self.chain, &self.modules, self.account, &hooks, now).unwrap();
        let segments: Vec<(u8, &[u8])> = segments.iter().map(|(i, b)| (*i, &b[..])).collect();
        let call = ICounter::incrementCall {}.abi_encode();
        let key = self.key.clone();
        let op = signed_op_with_segments(
            &mut self.chain,
            self.account,
            (ENTITY, false),
            calls_data(&[(self.counter, U256::ZERO, call)], prefixed),
            &key,
            Gas::default(),
            &segments,
        )
        .unwrap();
        let owner = self.owner.clone();
        handle_ops(&mut self.chain, &owner, op).unwrap()
    }

    fn count(&mut self) -> U256 {
        let call = ICounter::countCall {}.abi_encode();
        let out = self
            .chain
            .call(Address::ZERO, self.counter, call.into())
            .unwrap();
        ICounter::countCall::abi_decode_returns(&out.output).unwrap()
    }
}

/// The module's revert inside the account's wrapping error, from where
/// the refusal surfaced: `handleOps`' `FailedOpWithRevert` (validation),
/// or the execution's revert data.
fn usage_error(outcome: &OpOutcome) -> (Wrapper, Address, IUsageLimitModule::UsageLimitExceeded) {
    let wrapped = match outcome {
        OpOutcome::Refused(receipt) => {
            let data = receipt.revert_data.as_ref().expect("revert data");
            FailedOp::decode(data)
                .and_then(|f| f.module_error())
                .unwrap_or_else(|| panic!("not a module's refusal: {}", receipt.failure_reason()))
        }
        OpOutcome::ExecutionReverted(_, data) => {
            ModuleError::decode(data).expect("a module's revert")
        }
        OpOutcome::Executed(_) => panic!("executed past its usage limit"),
    };
    let error =
        IUsageLimitModule::UsageLimitExceeded::abi_decode(&wrapped.reason).unwrap_or_else(|_| {
            panic!(
                "not UsageLimitExceeded: {}",
                session_keys::describe(&wrapped.reason)
            )
        });
    (wrapped.wrapper, wrapped.module, error)
}

fn exceeded(used: u64, limit: u64) -> IUsageLimitModule::UsageLimitExceeded {
    IUsageLimitModule::UsageLimitExceeded {
        used: U256::from(used),
        limit: U256::from(limit),
    }
}

fn run(mode: Mode) {
    let mut s = setup();
    let hooks = s.grant(mode);
    let (counter_module, refusal) = match mode {
        Mode::Policy => (s.modules.session_rules, Wrapper::PreUserOpValidationHook),
        Mode::PolicyInExecution => (s.modules.session_rules, Wrapper::PreExecHook),
        Mode::Modules => (s.modules.usage_limit, Wrapper::PreUserOpValidationHook),
    };
    let role = match mode {
        Mode::PolicyInExecution => HOOK_PRE_EXECUTION,
        _ => HOOK_VALIDATION,
    };
    assert!(
        hooks.contains(&(counter_module, role)),
        "{mode:?}: {hooks:?}"
    );
    let prefixed = matches!(mode, Mode::PolicyInExecution);

    // Two today.
    for n in 1..=2 {
        let outcome = s.increment(prefixed);
        assert!(
            matches!(outcome, OpOutcome::Executed(_)),
            "{mode:?} op {n}: {outcome:?}"
        );
    }
    assert_eq!(s.count(), U256::from(2));
    // The third today is refused with the module's error.
    let outcome = s.increment(prefixed);
    let (wrapper, module, error) = usage_error(&outcome);
    assert_eq!((wrapper, module), (refusal, counter_module), "{mode:?}");
    assert_eq!(error, exceeded(2, 2), "{mode:?}");
    assert_eq!(s.count(), U256::from(2));
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    let usage = seen.usage.expect("the usage limit");
    assert_eq!(
        (usage.lifetime_used, usage.period_used, usage.period_limit),
        (2, 2, 2),
        "{mode:?}"
    );

    // A day later the period's count is whole again, and the lifetime one
    // stops the key after one more.
    s.chain.advance_time(DAY).unwrap();
    let outcome = s.increment(prefixed);
    assert!(
        matches!(outcome, OpOutcome::Executed(_)),
        "{mode:?}: {outcome:?}"
    );
    let outcome = s.increment(prefixed);
    let (_, _, error) = usage_error(&outcome);
    assert_eq!(error, exceeded(3, 3), "{mode:?}");
    assert_eq!(s.count(), U256::from(3));
}

#[test]
fn a_usage_limit_in_session_rules_counts_in_validation() {
    if common::built("a_usage_limit_in_session_rules_counts_in_validation") {
        run(Mode::Policy);
    }
}

#[test]
fn a_usage_limit_in_session_rules_counts_in_execution_for_every_bundler() {
    if common::built("a_usage_limit_in_session_rules_counts_in_execution_for_every_bundler") {
        run(Mode::PolicyInExecution);
    }
}

#[test]
fn a_usage_limit_module_counts_in_validation() {
    if common::built("a_usage_limit_module_counts_in_validation") {
        run(Mode::Modules);
    }
}
