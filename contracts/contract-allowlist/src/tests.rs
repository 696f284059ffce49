//! The module's test cases (`tests/cases.rs`) and its attack inventory
//! (`tests/attacks.rs`), run three times: natively on the
//! SDK's TestVM, on the compiled WASM (`target/stylus/contract-allowlist.code`)
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

    fn harness() -> Harness<crate::ContractAllowlist> {
        Harness::new()
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::ContractAllowlist> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy(
            "contract-allowlist",
        )))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

/// The same cases on the compiled session-policy, with the module's install
/// data as the policy's contract-allowlist rule (entry 1 of 4).
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

    fn harness() -> Harness<crate::ContractAllowlist> {
        let policy = module_kit::chain::Chain::deploy("session-policy");
        Harness::on(Box::new(AsPolicyRule::new(Box::new(policy), 1, 4, 0)))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}
