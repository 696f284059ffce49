//! A custom policy, composed from the same rule crates: the example of
//! `docs/session-policy.md` ("Composing your own policy"), built and run.
//! A team that wants only a window and (target, selector) rules writes
//! this much; the program it builds is checked here natively.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolInterface};
use module_kit::policy::{Policy, PolicyDef};
use module_kit::testing::*;
use permission_core::install::{
    encode_policy_install, encode_selector_allowlist, SelectorRule, TimeWindowInstall,
};
use permission_core::selectors::selector;

/// The composition: a window, then (target, selector) rules.
pub struct WindowAndFunctions;

impl PolicyDef for WindowAndFunctions {
    const MODULE_ID: &'static str = "example.window-and-functions.0.1.0";
    type Rules = (
        time_window::TimeWindowRule,
        selector_allowlist::SelectorRules,
    );
}

/// The module (its program would declare
/// `module_kit::entrypoint!(crate::WindowAndFunctionsPolicy);`).
pub type WindowAndFunctionsPolicy = Policy<WindowAndFunctions>;

sol! {
    #[derive(Debug, PartialEq)]
    interface ICustom {
        error SelectorNotAllowed(address target, bytes4 selector);
        error OutsideTimeWindow(uint48 validAfter, uint48 validUntil, uint256 timestamp);
        error RuleCountMismatch(uint256 expected, uint256 found);
        function moduleId() external view returns (string memory);
    }
}

const ENTITY: u32 = 2;
const COUNTER: Address = Address::new([0xC0; 20]);

fn installed() -> Harness<WindowAndFunctionsPolicy> {
    let h = Harness::<WindowAndFunctionsPolicy>::new();
    let window = TimeWindowInstall {
        entity_id: ENTITY,
        valid_after: START_TIMESTAMP,
        valid_until: START_TIMESTAMP + 3_600,
    }
    .encode();
    let rules = encode_selector_allowlist(
        ENTITY,
        &[SelectorRule {
            target: COUNTER,
            selector: selector("increment()"),
        }],
    );
    h.call_ok(
        ACCOUNT,
        &on_install(encode_policy_install(ENTITY, 0, &[window, rules])),
    );
    h
}

#[test]
fn a_two_rule_policy_enforces_both_rules() {
    let h = installed();
    assert_eq!(
        h.call_ok(ACCOUNT, &ICustom::moduleIdCall {}),
        "example.window-and-functions.0.1.0"
    );
    let increment = execute(COUNTER, U256::ZERO, selector("increment()").to_vec());
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &increment);
    let reset = execute(COUNTER, U256::ZERO, selector("reset()").to_vec());
    let expected = ICustom::ICustomErrors::SelectorNotAllowed(ICustom::SelectorNotAllowed {
        target: COUNTER,
        selector: selector("reset()").into(),
    });
    HookPath::all_err(&h, ACCOUNT, ENTITY, &reset, &expected);
    h.set_timestamp(START_TIMESTAMP + 3_601);
    let err: ICustom::ICustomErrors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, increment.clone()));
    assert!(
        matches!(err, ICustom::ICustomErrors::OutsideTimeWindow(_)),
        "{err:?}"
    );
}

#[test]
fn its_install_data_has_one_entry_per_rule() {
    let h = Harness::<WindowAndFunctionsPolicy>::new();
    let four = vec![Vec::new(); 4];
    let revert = h
        .call(
            ACCOUNT,
            &on_install(encode_policy_install(ENTITY, 0, &four)),
        )
        .unwrap_err();
    assert_eq!(
        ICustom::ICustomErrors::abi_decode(&revert).unwrap(),
        ICustom::ICustomErrors::RuleCountMismatch(ICustom::RuleCountMismatch {
            expected: U256::from(2),
            found: U256::from(4),
        })
    );
}
