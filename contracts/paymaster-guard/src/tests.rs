//! The module's test cases (`tests/cases.rs`) and its attack inventory
//! (`tests/attacks.rs`), run four times: natively on the SDK's TestVM, on
//! the compiled WASM (`target/stylus/paymaster-guard.code`) in the local
//! chain, and on the compiled session-rules with the module's install data
//! as its paymaster rule (entry 1 of 3), in both its variants: the guard
//! checks the paymaster in validation either way.

/// Cases of the standalone module only: its module id and interface.
macro_rules! module_only {
    ($($case:item)*) => { $($case)* };
}

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::PaymasterGuard> {
        Harness::new()
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::PaymasterGuard> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy(
            "paymaster-guard",
        )))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

// What only the module-only cases use is unused here.
#[allow(unused_imports, dead_code, unused_macros)]
mod policy {
    macro_rules! module_only {
        ($($case:item)*) => {};
    }
    use module_kit::as_policy_rule::AsPolicyRule;
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::PaymasterGuard> {
        let policy = module_kit::chain::Chain::deploy("session-rules");
        Harness::on(Box::new(AsPolicyRule::new(Box::new(policy), 1, 3, 0)))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

#[allow(unused_imports, dead_code, unused_macros)]
mod policy_in_execution {
    macro_rules! module_only {
        ($($case:item)*) => {};
    }
    use module_kit::as_policy_rule::AsPolicyRule;
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::PaymasterGuard> {
        let policy = module_kit::chain::Chain::deploy("session-rules");
        Harness::on(Box::new(AsPolicyRule::new(
            Box::new(policy),
            1,
            3,
            module_kit::policy::CALLS_IN_EXECUTION,
        )))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}
