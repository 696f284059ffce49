//! The module's test cases (`tests/cases.rs`), its attack inventory
//! (`tests/attacks.rs`) and its invariant (`tests/invariants.rs`), run twice: natively on the
//! SDK's TestVM, and on the compiled WASM (`target/stylus/spending-limit.code`)
//! deployed in the local chain.

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
