//! The module's test cases (`tests/cases.rs`) and its attack inventory
//! (`tests/attacks.rs`), run twice: natively on the
//! SDK's TestVM, and on the compiled WASM (`target/stylus/time-window.code`)
//! deployed in the local chain.

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::TimeWindow> {
        Harness::new()
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::TimeWindow> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("time-window")))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}
