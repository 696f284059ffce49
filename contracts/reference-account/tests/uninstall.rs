//! `uninstallValidation` on the compiled WASM, against MAv2 v2.0.x
//! (`src/account/ModuleManagerInternals.sol`, `_uninstallValidation`):
//! which module gets which entry, in which order, what each call sees, and
//! where the calls stop.
//!
//! The modules are tiny EVM contracts (hand-assembled below), so each
//! `onUninstall` is observable:
//! - a **probe** logs its calldata, then asks the account for
//!   `getValidationData(SIGNER ‖ ENTITY)` and logs the answer: the test sees
//!   who was called, with what, and whether the validation was still
//!   installed at that moment;
//! - a **reverter** reverts every call.
//!
//! Validations and hooks are installed with empty install data, so no
//! `onInstall` is called (MAv2's rule) and the modules need no ERC-165.

use alloy_primitives::{Address, Bytes, FixedBytes, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use module_kit::chain::Chain;
use module_kit::testing::Backend;
use reference_account::ENTRY_POINT;

mod common;
use common::{config, module_entity};

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "interface/IReferenceAccount.sol"
);

alloy_sol_types::sol! {
    /// What the account calls on a module.
    interface IModule {
        function onUninstall(bytes calldata data) external;
    }
}

use IReferenceAccount::ValidationDataView;

/// The owner's validation module (entity 0), codeless: never called.
const OWNER_MODULE: Address = Address::new([0x0A; 20]);
/// The session key's validation entity.
const ENTITY: u32 = 1;

/// The account under test, and the modules it may call.
struct World {
    chain: Chain,
}

/// One `onUninstall` a probe received.
#[derive(Debug, PartialEq)]
struct Call {
    module: Address,
    data: Bytes,
    /// The account's `getValidationData(signer ‖ ENTITY)` during the call.
    view: ValidationDataView,
}

impl World {
    fn new() -> Self {
        let chain = Chain::deploy("reference-account");
        let init = IReferenceAccount::initializeCall {
            validationConfig: config(OWNER_MODULE, 0, 0x07),
            selectors: vec![],
            installData: Bytes::new(),
            hooks: vec![],
        };
        assert_eq!(
            chain.call(Address::repeat_byte(0x77), U256::ZERO, &init.abi_encode()),
            Ok(vec![])
        );
        Self { chain }
    }

    fn account(&self) -> Address {
        self.chain.module()
    }

    /// A probe at `address` that asks about the validation at `ENTITY` of
    /// `signer`.
    fn probe(&self, address: Address, signer: Address) -> Address {
        self.chain
            .net()
            .set_code(address, probe_code(self.account(), signer).into());
        address
    }

    fn reverter(&self, address: Address) -> Address {
        // PUSH1 0 PUSH1 0 REVERT
        self.chain
            .net()
            .set_code(address, vec![0x60, 0x00, 0x60, 0x00, 0xfd].into());
        address
    }

    /// `installValidation(signer ‖ ENTITY, [execute], "", hooks)` from the
    /// EntryPoint, hooks with empty data.
    fn install(&self, signer: Address, hooks: &[FixedBytes<25>]) {
        let call = IReferenceAccount::installValidationCall {
            validationConfig: config(signer, ENTITY, 0x01),
            selectors: vec![FixedBytes(IReferenceAccount::executeCall::SELECTOR)],
            installData: Bytes::new(),
            hooks: hooks.iter().map(|h| Bytes::from(h.to_vec())).collect(),
        };
        assert_eq!(
            self.chain.call(ENTRY_POINT, U256::ZERO, &call.abi_encode()),
            Ok(vec![]),
            "installValidation"
        );
    }

    /// `uninstallValidation(module ‖ entity, data, hook_data)` from the
    /// EntryPoint: the probes' calls in order and the event's flag, or the
    /// revert data.
    fn uninstall(
        &self,
        module: Address,
        entity: u32,
        data: &[u8],
        hook_data: &[&[u8]],
    ) -> Result<(Vec<Call>, bool), Bytes> {
        let call = IReferenceAccount::uninstallValidationCall {
            moduleEntity: module_entity(module, entity),
            uninstallData: data.to_vec().into(),
            hookUninstallData: hook_data.iter().map(|d| d.to_vec().into()).collect(),
        };
        let account = self.account();
        let mut net = self.chain.net();
        net.fund(ENTRY_POINT, U256::from(10u64).pow(U256::from(18)));
        let out = net.transact(ENTRY_POINT, account, U256::ZERO, call.abi_encode());
        if !out.success {
            return Err(out.output.clone());
        }
        let mut calls = Vec::new();
        let mut flag = None;
        let mut probe_logs = out.logs.iter().filter(|l| l.address != account);
        while let Some(calldata) = probe_logs.next() {
            let answer = probe_logs.next().expect("a probe logs twice");
            let on_uninstall = IModule::onUninstallCall::abi_decode(&calldata.data.data)
                .expect("the probe got onUninstall(bytes)");
            calls.push(Call {
                module: calldata.address,
                data: on_uninstall.data,
                view: IReferenceAccount::getValidationDataCall::abi_decode_returns(
                    &answer.data.data,
                )
                .expect("the account's view"),
            });
        }
        for log in out.logs.iter().filter(|l| l.address == account) {
            if let Ok(event) = IReferenceAccount::ValidationUninstalled::decode_log_data(&log.data)
            {
                assert_eq!((event.module, event.entityId), (module, entity));
                assert!(flag.replace(event.onUninstallSucceeded).is_none());
            }
        }
        Ok((calls, flag.expect("ValidationUninstalled")))
    }

    fn view(&self, signer: Address) -> ValidationDataView {
        let call = IReferenceAccount::getValidationDataCall {
            validationFunction: module_entity(signer, ENTITY),
        };
        let out = self
            .chain
            .call(Address::ZERO, U256::ZERO, &call.abi_encode())
            .expect("getValidationData");
        IReferenceAccount::getValidationDataCall::abi_decode_returns(&out).unwrap()
    }

    fn storage(&self) -> std::collections::HashMap<U256, alloy_primitives::B256> {
        self.chain.storage()
    }
}

/// A validation hook's HookConfig.
fn validation_hook(module: Address) -> FixedBytes<25> {
    config(module, ENTITY, 0x01)
}

/// An execution hook's HookConfig (pre and post).
fn execution_hook(module: Address) -> FixedBytes<25> {
    config(module, ENTITY, 0x06)
}

/// The probe's runtime code: `LOG0(calldata)`, then
/// `STATICCALL(account, getValidationData(signer ‖ ENTITY))` and
/// `LOG0(returndata)`, then `STOP`.
fn probe_code(account: Address, signer: Address) -> Vec<u8> {
    let mut code = vec![
        0x36, 0x60, 0x00, 0x61, 0x04, 0x00, 0x37, // CALLDATACOPY(0x400, 0, size)
        0x36, 0x61, 0x04, 0x00, 0xa0, // LOG0(0x400, size)
        0x7f, // PUSH32 selector ‖ signer ‖ ENTITY
    ];
    code.extend_from_slice(&IReferenceAccount::getValidationDataCall::SELECTOR);
    code.extend_from_slice(signer.as_slice());
    code.extend_from_slice(&ENTITY.to_be_bytes());
    code.extend_from_slice(&[0; 4]);
    code.extend_from_slice(&[
        0x60, 0x00, 0x52, // MSTORE(0, …); bytes 32..36 stay zero
        0x60, 0x00, 0x60, 0x00, 0x60, 0x24, 0x60, 0x00, // ret 0,0; args 0,36
        0x73, // PUSH20 account
    ]);
    code.extend_from_slice(account.as_slice());
    code.extend_from_slice(&[
        0x5a, 0xfa, 0x50, // GAS STATICCALL POP
        0x3d, 0x60, 0x00, 0x60, 0x00, 0x3e, // RETURNDATACOPY(0, 0, size)
        0x3d, 0x60, 0x00, 0xa0, // LOG0(0, size)
        0x00, // STOP
    ]);
    code
}

fn installed(
    validation_hooks: &[FixedBytes<25>],
    execution_hooks: &[FixedBytes<25>],
) -> ValidationDataView {
    ValidationDataView {
        validationFlags: 0x01,
        validationHooks: validation_hooks.to_vec(),
        executionHooks: execution_hooks.to_vec(),
        selectors: vec![FixedBytes(IReferenceAccount::executeCall::SELECTOR)],
    }
}

fn empty() -> ValidationDataView {
    ValidationDataView {
        validationFlags: 0,
        validationHooks: vec![],
        executionHooks: vec![],
        selectors: vec![],
    }
}

fn addr(byte: u8) -> Address {
    Address::repeat_byte(byte)
}

#[test]
fn hooks_get_their_entries_newest_first_per_group_then_the_module() {
    let w = World::new();
    let signer = w.probe(addr(0x5E), addr(0x5E));
    let [v1, v2, e1, e2] = [0xA1, 0xA2, 0xE1, 0xE2].map(|b| w.probe(addr(b), signer));
    // Given interleaved; the view keeps each group's install order.
    let hooks = [
        validation_hook(v1),
        execution_hook(e1),
        validation_hook(v2),
        execution_hook(e2),
    ];
    w.install(signer, &hooks);
    let before = installed(&[hooks[0], hooks[2]], &[hooks[1], hooks[3]]);
    assert_eq!(w.view(signer), before);

    let (calls, succeeded) = w
        .uninstall(signer, ENTITY, b"module", &[b"d0", b"d1", b"d2", b"d3"])
        .expect("uninstallValidation");
    assert!(succeeded);
    let call = |module, data: &[u8], view: &ValidationDataView| Call {
        module,
        data: data.to_vec().into(),
        view: view.clone(),
    };
    // The hooks are told first, while the validation is still installed;
    // the module last, once the account has forgotten it.
    assert_eq!(
        calls,
        vec![
            call(v2, b"d0", &before),
            call(v1, b"d1", &before),
            call(e2, b"d2", &before),
            call(e1, b"d3", &before),
            call(signer, b"module", &empty()),
        ]
    );
    assert_eq!(w.view(signer), empty());
}

#[test]
fn the_first_failing_on_uninstall_ends_the_calls() {
    // The newest validation hook fails: nothing after it is called.
    let w = World::new();
    let signer = w.probe(addr(0x5E), addr(0x5E));
    let v1 = w.probe(addr(0xA1), signer);
    let v2 = w.reverter(addr(0xA2));
    let e1 = w.probe(addr(0xE1), signer);
    w.install(
        signer,
        &[validation_hook(v1), validation_hook(v2), execution_hook(e1)],
    );
    let (calls, succeeded) = w
        .uninstall(signer, ENTITY, b"module", &[b"x", b"x", b"x"])
        .expect("a failure never reverts the uninstall");
    assert!(!succeeded);
    assert_eq!(calls, vec![]);
    // The account forgot the validation all the same.
    assert_eq!(w.view(signer), empty());

    // The oldest validation hook fails, after the newest was told: the
    // execution hook and the module are not called.
    let w = World::new();
    let signer = w.probe(addr(0x5E), addr(0x5E));
    let v1 = w.reverter(addr(0xA1));
    let v2 = w.probe(addr(0xA2), signer);
    let e1 = w.probe(addr(0xE1), signer);
    let hooks = [validation_hook(v1), validation_hook(v2), execution_hook(e1)];
    w.install(signer, &hooks);
    let (calls, succeeded) = w
        .uninstall(signer, ENTITY, b"module", &[b"x", b"x", b"x"])
        .unwrap();
    assert!(!succeeded);
    let modules: Vec<Address> = calls.iter().map(|c| c.module).collect();
    assert_eq!(modules, vec![v2]);

    // The module itself fails: reported, after every hook was told.
    let w = World::new();
    let signer = w.reverter(addr(0x5E));
    let v1 = w.probe(addr(0xA1), signer);
    w.install(signer, &[validation_hook(v1)]);
    let (calls, succeeded) = w.uninstall(signer, ENTITY, b"module", &[b"x"]).unwrap();
    assert!(!succeeded);
    assert_eq!(calls.iter().map(|c| c.module).collect::<Vec<_>>(), vec![v1]);
}

#[test]
fn an_empty_entry_skips_that_call_and_no_entries_skip_every_hook() {
    let w = World::new();
    let signer = w.probe(addr(0x5E), addr(0x5E));
    let [v1, e1] = [0xA1, 0xE1].map(|b| w.probe(addr(b), signer));
    w.install(signer, &[validation_hook(v1), execution_hook(e1)]);
    let (calls, succeeded) = w.uninstall(signer, ENTITY, b"", &[b"", b"e"]).unwrap();
    assert!(succeeded);
    assert_eq!(calls.iter().map(|c| c.module).collect::<Vec<_>>(), vec![e1]);

    // No hook entries at all: only the module is told.
    w.install(signer, &[validation_hook(v1), execution_hook(e1)]);
    let (calls, succeeded) = w.uninstall(signer, ENTITY, b"m", &[]).unwrap();
    assert!(succeeded);
    assert_eq!(
        calls.iter().map(|c| c.module).collect::<Vec<_>>(),
        vec![signer]
    );
    assert_eq!(w.view(signer), empty());
}

#[test]
fn an_id_with_nothing_installed_uninstalls_successfully_and_writes_nothing() {
    let w = World::new();
    let module = w.probe(addr(0x5E), addr(0x5E));
    let storage = w.storage();
    let (calls, succeeded) = w.uninstall(module, 9, b"m", &[]).unwrap();
    assert!(succeeded);
    assert_eq!(
        calls.iter().map(|c| c.module).collect::<Vec<_>>(),
        vec![module]
    );
    assert_eq!(w.storage(), storage, "the account wrote nothing");
    // Hook entries for hooks that are not there: the lengths differ.
    let reason = w.uninstall(module, 9, b"m", &[b"x"]).unwrap_err();
    assert_eq!(
        reason[..],
        IReferenceAccount::ArrayLengthMismatch {}.abi_encode()[..]
    );
}

#[test]
fn the_validation_is_found_by_its_entity_id_and_the_named_module_is_told() {
    // MAv2 looks the validation up by entity id alone: naming another
    // module at that id uninstalls it, and that other module gets the
    // onUninstall and is named in the event.
    let w = World::new();
    let signer = w.probe(addr(0x5E), addr(0x5E));
    let other = w.probe(addr(0x0B), addr(0x5E));
    w.install(signer, &[]);
    let (calls, succeeded) = w.uninstall(other, ENTITY, b"m", &[]).unwrap();
    assert!(succeeded);
    assert_eq!(
        calls.iter().map(|c| c.module).collect::<Vec<_>>(),
        vec![other]
    );
    assert_eq!(w.view(signer), empty());
}

#[test]
fn a_module_without_code_reverts_the_uninstall_and_changes_nothing() {
    let w = World::new();
    let signer = w.probe(addr(0x5E), addr(0x5E));
    let codeless = addr(0xC0);
    w.install(signer, &[validation_hook(codeless)]);
    let storage = w.storage();
    let reason = w.uninstall(signer, ENTITY, b"m", &[b"x"]).unwrap_err();
    assert_eq!(
        reason[..],
        IReferenceAccount::ModuleCodeMissing { module: codeless }.abi_encode()[..]
    );
    assert_eq!(w.storage(), storage);
    assert_eq!(w.view(signer), installed(&[validation_hook(codeless)], &[]));
    // With an empty entry the codeless hook is not called: it uninstalls.
    let (_, succeeded) = w.uninstall(signer, ENTITY, b"m", &[b""]).unwrap();
    assert!(succeeded);
    // The codeless module named for the validation, with data: refused.
    w.install(signer, &[]);
    let reason = w.uninstall(codeless, ENTITY, b"m", &[]).unwrap_err();
    assert_eq!(
        reason[..],
        IReferenceAccount::ModuleCodeMissing { module: codeless }.abi_encode()[..]
    );
}

#[test]
fn a_malformed_or_mismatched_entry_list_reverts_and_changes_nothing() {
    let w = World::new();
    let signer = w.probe(addr(0x5E), addr(0x5E));
    let v1 = w.probe(addr(0xA1), signer);
    w.install(signer, &[validation_hook(v1)]);
    let storage = w.storage();
    let reason = w
        .uninstall(signer, ENTITY, b"m", &[b"a", b"b"])
        .unwrap_err();
    assert_eq!(
        reason[..],
        IReferenceAccount::ArrayLengthMismatch {}.abi_encode()[..]
    );
    assert_eq!(w.storage(), storage);
    assert_eq!(w.view(signer), installed(&[validation_hook(v1)], &[]));
}
