//! session-rules' own cases: its interface, identity and install data. Its
//! rule's cases run on it from `contracts/usage-limit` (both variants).

use alloy_primitives::U256;
use alloy_sol_types::sol;
use module_kit::testing::*;
use permission_core::install::{encode_policy_install, UsageLimitInstall, COUNT_OPERATIONS};

use crate::*;

sol!(
    #[sol(all_derives)]
    "interface/ISessionRulesModule.sol"
);
use ISessionRulesModule as I;
use ISessionRulesModule::{
    ISessionRulesModuleCalls, ISessionRulesModuleErrors as Errors, ISessionRulesModuleEvents,
};

const ENTITY: u32 = 7;

fn usage_entry() -> Vec<u8> {
    UsageLimitInstall {
        entity_id: ENTITY,
        unit: COUNT_OPERATIONS,
        lifetime_limit: 1,
        period_limit: 0,
        period: 0,
    }
    .encode()
}

fn backends() -> [Harness<SessionRules>; 2] {
    [
        Harness::new(),
        Harness::on(Box::new(module_kit::chain::Chain::deploy("session-rules"))),
    ]
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<SessionRules>(
        ISessionRulesModuleCalls::SELECTORS,
        Errors::SELECTORS,
        ISessionRulesModuleEvents::SELECTORS,
        (&VIEW_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}

#[test]
fn module_id_names_the_program() {
    for h in backends() {
        assert_eq!(h.call_ok(ACCOUNT, &I::moduleIdCall {}), MODULE_ID);
    }
}

#[test]
fn install_data_of_another_length_or_entity_is_refused() {
    for h in backends() {
        let one = encode_policy_install(ENTITY, 0, &[usage_entry()]);
        let err: Errors = h.call_err(ACCOUNT, &on_install(one));
        assert_eq!(
            err,
            Errors::RuleCountMismatch(I::RuleCountMismatch {
                expected: U256::from(3),
                found: U256::from(1),
            })
        );
        let other = encode_policy_install(ENTITY + 1, 0, &[usage_entry(), vec![], vec![]]);
        let err: Errors = h.call_err(ACCOUNT, &on_install(other));
        assert_eq!(
            err,
            Errors::EntityIdMismatch(I::EntityIdMismatch {
                expected: ENTITY + 1,
                found: ENTITY,
            })
        );
    }
}

#[test]
fn attack_a_key_that_calls_the_program_itself_is_refused() {
    for h in backends() {
        h.call_ok(
            ACCOUNT,
            &on_install(encode_policy_install(
                ENTITY,
                0,
                &[usage_entry(), vec![], vec![]],
            )),
        );
        let uninstall = on_uninstall(ENTITY);
        let call = execute(
            h.address(),
            U256::ZERO,
            alloy_sol_types::SolCall::abi_encode(&uninstall),
        );
        let err: Errors = h.expect_err(|| h.call(ACCOUNT, &pre_runtime(ENTITY, call)));
        assert_eq!(
            err,
            Errors::PolicyCalled(I::PolicyCalled {
                target: h.address(),
            })
        );
    }
}
