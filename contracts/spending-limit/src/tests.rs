//! The module's test cases (`tests/cases.rs`), its attack inventory
//! (`tests/attacks.rs`) and its invariant (`tests/invariants.rs`), run three times: natively on the
//! SDK's TestVM, on the compiled WASM (`target/stylus/spending-limit.code`)
//! deployed in the local chain, and on the compiled session-policy with the
//! module's install data as the policy's rule (`module_kit::as_policy_rule`).

/// Cases of the standalone module only: its admin functions, its module
/// id, and its refusal of hook segments (a policy reads its own segment).
/// `mod policy` redefines it to leave them out.
macro_rules! module_only {
    ($($case:item)*) => { $($case)* };
}

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::SpendingLimit> {
        Harness::new()
    }

    const INVARIANT_CASES: u32 = 256;

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
    include!("tests/invariants.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::SpendingLimit> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("spending-limit")))
    }

    const INVARIANT_CASES: u32 = 24;

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
    include!("tests/invariants.rs");
}

/// The same cases on the compiled session-policy, with the module's install
/// data as the policy's spending-limit rule (entry 3 of 4), in the policy's
/// execution-phase variant (`CALLS_IN_EXECUTION`): its execution hook checks
/// and charges the calls, and its validation hook the gas, as the module's
/// hooks do. (The default variant, which charges the calls in validation,
/// has its own cases in `contracts/session-policy`.)
// What only the module-only cases use is unused here.
#[allow(unused_imports, dead_code)]
mod policy {
    /// The session policy has no admin functions and its own module id
    /// and hook segment: those cases of the module are not run here (the
    /// policy's own tests cover its segment and identity).
    macro_rules! module_only {
        ($($case:item)*) => {};
    }
    use module_kit::as_policy_rule::AsPolicyRule;
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::SpendingLimit> {
        let policy = module_kit::chain::Chain::deploy("session-policy");
        Harness::on(Box::new(AsPolicyRule::new(
            Box::new(policy),
            3,
            4,
            module_kit::policy::CALLS_IN_EXECUTION,
        )))
    }

    const INVARIANT_CASES: u32 = 24;

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
    include!("tests/invariants.rs");
}
