//! The module's test cases (`tests/cases.rs`) and its attack inventory
//! (`tests/attacks.rs`), run four times: natively on the SDK's TestVM, on
//! the compiled WASM (`target/stylus/usage-limit.code`) deployed in the
//! local chain, and on the compiled session-rules with the module's install
//! data as its rule (`module_kit::as_policy_rule`), in both its variants.
//!
//! The module counts in every hook it is called as; a policy counts where
//! it checks calls: in validation (the default), or in execution
//! (`CALLS_IN_EXECUTION`). Cases that count through the validation hooks
//! are wrapped in `in_validation!`, cases that count through the execution
//! hook in `in_execution!`; each run leaves out what its variant does not
//! count.

/// Cases of the standalone module only: its admin functions, its module
/// id and its interface.
macro_rules! module_only {
    ($($case:item)*) => { $($case)* };
}
macro_rules! in_validation {
    ($($case:item)*) => { $($case)* };
}
macro_rules! in_execution {
    ($($case:item)*) => { $($case)* };
}

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::UsageLimit> {
        Harness::new()
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::UsageLimit> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("usage-limit")))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

/// The cases on the compiled session-rules (entry 0 of 3), which counts in
/// validation: its execution hook counts nothing.
// What only the module-only cases use is unused here.
#[allow(unused_imports, dead_code, unused_macros)]
mod policy {
    macro_rules! module_only {
        ($($case:item)*) => {};
    }
    macro_rules! in_execution {
        ($($case:item)*) => {};
    }
    use module_kit::as_policy_rule::AsPolicyRule;
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::UsageLimit> {
        let policy = module_kit::chain::Chain::deploy("session-rules");
        Harness::on(Box::new(AsPolicyRule::new(Box::new(policy), 0, 3, 0)))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

/// The cases on session-rules' execution-phase variant
/// (`CALLS_IN_EXECUTION`): it counts in the execution hook only.
#[allow(unused_imports, dead_code, unused_macros)]
mod policy_in_execution {
    macro_rules! module_only {
        ($($case:item)*) => {};
    }
    macro_rules! in_validation {
        ($($case:item)*) => {};
    }
    use module_kit::as_policy_rule::AsPolicyRule;
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::UsageLimit> {
        let policy = module_kit::chain::Chain::deploy("session-rules");
        Harness::on(Box::new(AsPolicyRule::new(
            Box::new(policy),
            0,
            3,
            module_kit::policy::CALLS_IN_EXECUTION,
        )))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}
