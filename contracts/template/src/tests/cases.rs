use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolValue};
use module_kit::testing::*;

use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/IValueCapModule.sol"
);
use IValueCapModule as I;
use IValueCapModule::{
    IValueCapModuleCalls, IValueCapModuleErrors as Errors, IValueCapModuleEvents,
};

const ENTITY: u32 = 5;
const BOB: Address = Address::new([0xB0; 20]);
const CAP: u64 = 1_000;

fn installed() -> Harness<ValueCapModule> {
    let h = harness();
    let data = (ENTITY, U256::from(CAP)).abi_encode_params();
    h.call_ok(ACCOUNT, &on_install(data));
    h
}

fn send(value: u64) -> Vec<u8> {
    execute(BOB, U256::from(value), vec![])
}

fn above(value: u64) -> Errors {
    Errors::ValueAboveCap(I::ValueAboveCap {
        value: U256::from(value),
        cap: U256::from(CAP),
    })
}

#[test]
fn a_call_at_the_cap_passes_on_every_path() {
    HookPath::all_ok(&installed(), ACCOUNT, ENTITY, &send(CAP));
}

#[test]
fn a_call_above_the_cap_is_refused_on_every_path() {
    HookPath::all_err(&installed(), ACCOUNT, ENTITY, &send(CAP + 1), &above(CAP + 1));
}

#[test]
fn attack_a_batch_hiding_one_call_above_the_cap_is_refused() {
    let batch = execute_batch(vec![
        (BOB, U256::from(1), vec![]),
        (BOB, U256::from(CAP + 5), vec![]),
    ]);
    HookPath::all_err(&installed(), ACCOUNT, ENTITY, &batch, &above(CAP + 5));
}

#[test]
fn attack_another_account_has_no_cap_to_use() {
    let h = installed();
    let err: Errors = h.expect_err(|| h.call(OTHER_ACCOUNT, &pre_runtime(ENTITY, send(1))));
    assert_eq!(err, not_installed(OTHER_ACCOUNT, ENTITY));
}

#[test]
fn the_view_reports_the_cap() {
    let h = installed();
    let got = h.call_ok(
        OTHER_ACCOUNT,
        &I::getValueCapCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    );
    assert!(got.installed);
    assert_eq!(got.cap, U256::from(CAP));
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<ValueCapModule>(
        IValueCapModuleCalls::SELECTORS,
        Errors::SELECTORS,
        IValueCapModuleEvents::SELECTORS,
        (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}
