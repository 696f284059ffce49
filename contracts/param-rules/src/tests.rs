//! The rules' cases (`tests/cases.rs`), run four times: natively on the
//! SDK's TestVM, on the compiled WASM (`target/stylus/param-rules.code`) in
//! the local chain, and on the compiled session-rules with the module's
//! install data as its rule (`module_kit::as_policy_rule`), in both its
//! variants.
//!
//! The module judges and charges in every hook it is called as. A policy
//! judges the arguments in every phase that sees the calls, and charges the
//! totals where it charges calls: in validation (the default), or in
//! execution (`CALLS_IN_EXECUTION`), whose validation hooks see no call.
//! Each run names the hook paths that judge (`PATHS`), the one that
//! charges (`CHARGING`), how many of `PATHS` charge, and whether the
//! program follows ABI paths (`FOLLOWS_PATHS`: session-rules refuses a rule
//! with one at install); cases that charge in user-operation validation
//! are wrapped in `in_validation!`.

/// Cases of the standalone module only: its module id and its interface.
macro_rules! module_only {
    ($($case:item)*) => { $($case)* };
}
macro_rules! in_validation {
    ($($case:item)*) => { $($case)* };
}

mod native {
    use module_kit::testing::{Harness, HookPath};

    const PATHS: &[HookPath] = &HookPath::ALL;
    const CHARGING: HookPath = HookPath::RuntimeValidation;
    const CHARGED_PATHS: u64 = 5;
    const FOLLOWS_PATHS: bool = true;

    fn harness() -> Harness<crate::module::ParamRulesModule> {
        Harness::new()
    }

    include!("tests/cases.rs");
}

mod chain {
    use module_kit::testing::{Harness, HookPath};

    const PATHS: &[HookPath] = &HookPath::ALL;
    const CHARGING: HookPath = HookPath::RuntimeValidation;
    const CHARGED_PATHS: u64 = 5;
    const FOLLOWS_PATHS: bool = true;

    fn harness() -> Harness<crate::module::ParamRulesModule> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("param-rules")))
    }

    include!("tests/cases.rs");
}

/// The cases on the compiled session-rules (entry 2 of 3), which charges in
/// validation and judges in execution without charging again.
// What only the module-only cases use is unused here.
#[allow(unused_imports, dead_code, unused_macros)]
mod policy {
    macro_rules! module_only {
        ($($case:item)*) => {};
    }
    use module_kit::as_policy_rule::AsPolicyRule;
    use module_kit::testing::{Harness, HookPath};

    const PATHS: &[HookPath] = &HookPath::ALL;
    const CHARGING: HookPath = HookPath::RuntimeValidation;
    // The two user-operation paths and the runtime one.
    const CHARGED_PATHS: u64 = 3;
    // session-rules composes `ParamRule<false>`: no room for the path code.
    const FOLLOWS_PATHS: bool = false;

    fn harness() -> Harness<crate::module::ParamRulesModule> {
        let policy = module_kit::chain::Chain::deploy("session-rules");
        Harness::on(Box::new(AsPolicyRule::new(Box::new(policy), 2, 3, 0)))
    }

    include!("tests/cases.rs");
}

/// The cases on session-rules' execution-phase variant
/// (`CALLS_IN_EXECUTION`): it judges and charges in the execution hook only.
#[allow(unused_imports, dead_code, unused_macros)]
mod policy_in_execution {
    macro_rules! module_only {
        ($($case:item)*) => {};
    }
    macro_rules! in_validation {
        ($($case:item)*) => {};
    }
    use module_kit::as_policy_rule::AsPolicyRule;
    use module_kit::testing::{Harness, HookPath};

    const PATHS: &[HookPath] = &[HookPath::Execution, HookPath::ExecutionUserOp];
    const CHARGING: HookPath = HookPath::Execution;
    const CHARGED_PATHS: u64 = 2;
    const FOLLOWS_PATHS: bool = false;

    fn harness() -> Harness<crate::module::ParamRulesModule> {
        let policy = module_kit::chain::Chain::deploy("session-rules");
        Harness::on(Box::new(AsPolicyRule::new(
            Box::new(policy),
            2,
            3,
            module_kit::policy::CALLS_IN_EXECUTION,
        )))
    }

    include!("tests/cases.rs");
}
