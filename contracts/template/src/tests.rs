//! The rule's cases (`tests/cases.rs`), run three times: natively on the
//! SDK's TestVM, on the compiled WASM (`target/stylus/template.code`) in
//! the local chain, and inside a custom policy composed of a time window
//! and this rule (natively; a real policy crate builds it as its program).

mod native {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::module::ValueCapModule> {
        Harness::new()
    }

    include!("tests/cases.rs");
}

mod chain {
    use module_kit::testing::Harness;

    fn harness() -> Harness<crate::module::ValueCapModule> {
        Harness::on(Box::new(module_kit::chain::Chain::deploy("template")))
    }

    include!("tests/cases.rs");
}

/// The rule's place in a custom policy: a window and the cap, in one
/// program, one install and one call per phase.
mod custom_policy {
    use alloy_primitives::{Address, U256};
    use alloy_sol_types::sol;
    use module_kit::policy::{Policy, PolicyDef};
    use module_kit::testing::*;
    use permission_core::abi::AbiWriter;
    use permission_core::install::{encode_policy_install, TimeWindowInstall};

    /// The composition: a window, then the cap.
    pub struct WindowAndValueCap;

    impl PolicyDef for WindowAndValueCap {
        const MODULE_ID: &'static str = "example.window-and-value-cap.0.1.0";
        type Rules = (time_window::TimeWindowRule, crate::rule::ValueCapRule);
    }

    sol! {
        #[derive(Debug, PartialEq)]
        interface IPolicy {
            error ValueAboveCap(uint256 value, uint256 cap);
            error OutsideTimeWindow(uint48 validAfter, uint48 validUntil, uint256 timestamp);
        }
    }

    const ENTITY: u32 = 3;
    const BOB: Address = Address::new([0xB0; 20]);

    #[test]
    fn the_cap_and_the_window_hold_together() {
        let h = Harness::<Policy<WindowAndValueCap>>::new();
        let window = TimeWindowInstall {
            entity_id: ENTITY,
            valid_after: START_TIMESTAMP,
            valid_until: START_TIMESTAMP + 60,
        }
        .encode();
        let cap = AbiWriter::new(2)
            .uint(ENTITY.into())
            .u256(U256::from(1_000))
            .finish();
        h.call_ok(
            ACCOUNT,
            &on_install(encode_policy_install(ENTITY, 0, &[window, cap])),
        );
        let send = |value: u64| execute(BOB, U256::from(value), vec![]);
        h.call_ok(ACCOUNT, &pre_runtime(ENTITY, send(1_000)));
        let err: IPolicy::IPolicyErrors =
            h.expect_err(|| h.call(ACCOUNT, &pre_runtime(ENTITY, send(1_001))));
        assert_eq!(
            err,
            IPolicy::IPolicyErrors::ValueAboveCap(IPolicy::ValueAboveCap {
                value: U256::from(1_001),
                cap: U256::from(1_000),
            })
        );
        h.set_timestamp(START_TIMESTAMP + 61);
        let err: IPolicy::IPolicyErrors =
            h.expect_err(|| h.call(ACCOUNT, &pre_runtime(ENTITY, send(1))));
        assert!(
            matches!(err, IPolicy::IPolicyErrors::OutsideTimeWindow(_)),
            "{err:?}"
        );
    }
}
