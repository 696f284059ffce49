//! The rules' cases (`tests/cases.rs`), run twice: natively on the SDK's
//! TestVM, and on the compiled WASM (`target/stylus/param-rules.code`) in
//! the local chain.

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::module::ParamRulesModule> {
        Harness::new()
    }

    include!("tests/cases.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::module::ParamRulesModule> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("param-rules")))
    }

    include!("tests/cases.rs");
}
