//! Every module's router on stylus-sdk's TestVM, natively, as the account
//! (or a stranger) would call it: `onInstall` with arbitrary install data,
//! arbitrary calldata, and a hook call with arbitrary account calldata
//! after an install attempt.
//!
//! Oracles: nothing panics (a panic on chain would be an unnamed revert),
//! and a call that reverts leaves the module's storage and logs as they
//! were: a bad call changes no state.

#![no_main]

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use libfuzzer_sys::fuzz_target;
use module_kit::router::{route, PermissionModule};
use module_kit::validation::{route_validation, ValidationModule};
use module_kit::Output;
use stylus_sdk::testing::TestVM;

sol! {
    function onInstall(bytes data);
    function preExecutionHook(uint32 entityId, address sender, uint256 value, bytes data);
    function preRuntimeValidationHook(uint32 entityId, address sender, uint256 value, bytes data, bytes authorization);
}

const ACCOUNT: Address = Address::new([0xAA; 20]);
const STRANGER: Address = Address::new([0x99; 20]);

/// Calls `route` from `from` and checks that a revert changed nothing.
fn checked(vm: &TestVM, from: Address, calldata: &[u8], route: fn(&TestVM, &[u8]) -> Output) {
    vm.set_sender(from);
    let storage = vm.snapshot().storage;
    let logs = vm.get_emitted_logs().len();
    if route(vm, calldata).is_err() {
        assert_eq!(vm.snapshot().storage, storage, "a revert changed storage");
        assert_eq!(vm.get_emitted_logs().len(), logs, "a revert emitted a log");
    }
}

fn run(route: fn(&TestVM, &[u8]) -> Output, mode: u8, data: &[u8]) {
    let vm = TestVM::new();
    vm.set_contract_address(Address::repeat_byte(0x6D));
    vm.set_block_timestamp(1_700_000_000);
    match mode % 3 {
        0 => {
            let install = onInstallCall {
                data: data.to_vec().into(),
            }
            .abi_encode();
            checked(&vm, ACCOUNT, &install, route);
            checked(&vm, ACCOUNT, &install, route);
        }
        1 => checked(&vm, ACCOUNT, data, route),
        _ => {
            let (install, call) = data.split_at(data.len() / 2);
            let entity_id = permission_core::install::decode_entity_id(install).unwrap_or(0);
            checked(
                &vm,
                ACCOUNT,
                &onInstallCall {
                    data: install.to_vec().into(),
                }
                .abi_encode(),
                route,
            );
            for from in [ACCOUNT, STRANGER] {
                let hook = preExecutionHookCall {
                    entityId: entity_id,
                    sender: STRANGER,
                    value: U256::ZERO,
                    data: call.to_vec().into(),
                };
                checked(&vm, from, &hook.abi_encode(), route);
                let runtime = preRuntimeValidationHookCall {
                    entityId: entity_id,
                    sender: STRANGER,
                    value: U256::ZERO,
                    data: call.to_vec().into(),
                    authorization: Default::default(),
                };
                checked(&vm, from, &runtime.abi_encode(), route);
            }
        }
    }
}

fn hook<M: PermissionModule>(vm: &TestVM, input: &[u8]) -> Output {
    route::<TestVM, M>(vm, input)
}

fn validation<M: ValidationModule>(vm: &TestVM, input: &[u8]) -> Output {
    route_validation::<TestVM, M>(vm, input)
}

fuzz_target!(|input: &[u8]| {
    let [module, mode, data @ ..] = input else {
        return;
    };
    let route: fn(&TestVM, &[u8]) -> Output = match module % 5 {
        0 => hook::<contract_allowlist::ContractAllowlist>,
        1 => hook::<selector_allowlist::SelectorAllowlist>,
        2 => hook::<spending_limit::SpendingLimit>,
        3 => hook::<time_window::TimeWindow>,
        _ => validation::<session_signer::SessionSigner>,
    };
    run(route, *mode, data);
});
