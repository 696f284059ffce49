//! A session key's usage limit end to end, through `EntryPoint.handleOps`
//! on the compiled WASM in the embedded chain, in every enforcement: the
//! session policy with session-rules beside it (counted in validation),
//! session-rules' execution-phase variant (counted in execution), and the
//! standalone usage-limit module. Each is allowed up to its limit, refused
//! past it with `UsageLimitExceeded(used, limit)`, and whole again in the
//! next period with the SDK's period hint.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use common::KeyScene;
use session_keys::abi::{ICounter, IUsageLimitModule};
use session_keys::encode::{HOOK_PRE_EXECUTION, HOOK_VALIDATION};
use session_keys::errors::{FailedOp, ModuleError, Wrapper};
use session_keys::inspect::inspect;
use session_keys::operation::OpOutcome;
use session_keys::{Chain, PermissionSet, UsageUnit};

mod common;

const ENTITY: u32 = 9;
const DAY: u64 = 86_400;

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

/// The key may call increment() on the Counter, with a gas budget, at most
/// 2 operations a day and 3 over its life.
fn permissions(s: &mut KeyScene, mode: Mode) -> PermissionSet {
    let now = s.chain.timestamp().unwrap();
    let set = PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .gas_budget(U256::from(10u64).pow(U256::from(17)))
        .time_window(now, now + 30 * DAY)
        .usage_limit(UsageUnit::Operations, Some(3), Some((2, DAY)));
    match mode {
        Mode::Policy => set,
        Mode::PolicyInExecution => set.as_execution_hooks(),
        Mode::Modules => set.with_modules(),
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
    let mut s = KeyScene::new(0x4c, ENTITY);
    let set = permissions(&mut s, mode);
    let hooks = s.grant(&set);
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

    // Two today.
    for n in 1..=2 {
        let outcome = s.increment(None);
        assert!(
            matches!(outcome, OpOutcome::Executed(_)),
            "{mode:?} op {n}: {outcome:?}"
        );
    }
    assert_eq!(s.count(), U256::from(2));
    // The third today is refused with the module's error.
    let outcome = s.increment(None);
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
    let outcome = s.increment(None);
    assert!(
        matches!(outcome, OpOutcome::Executed(_)),
        "{mode:?}: {outcome:?}"
    );
    let outcome = s.increment(None);
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
