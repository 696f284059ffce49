//! The module's test cases (`tests/cases.rs`) and its attack inventory
//! (`tests/attacks.rs`), run twice: natively on the
//! SDK's TestVM, and on the compiled WASM (`target/stylus/spending-limit.code`)
//! deployed in the local chain.

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::SpendingLimit> {
        Harness::new()
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::SpendingLimit> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("spending-limit")))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}
