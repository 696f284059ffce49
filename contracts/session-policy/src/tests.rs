//! The policy's test cases (`tests/cases.rs`) and its attack inventory
//! (`tests/attacks.rs`), run twice: natively on the SDK's TestVM, and on
//! the compiled WASM (`target/stylus/session-policy.code`) deployed in the
//! local chain.

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::SessionPolicy> {
        Harness::new()
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::SessionPolicy> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("session-policy")))
    }

    include!("tests/cases.rs");
    include!("tests/attacks.rs");
}
