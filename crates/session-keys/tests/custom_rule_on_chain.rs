//! The custom-rule template (`contracts/template`, the guide's
//! `docs/custom-rules.md`) granted from the SDK as one more hook of a
//! session key's validation (`PermissionSet::custom_hook`, a permission
//! file's `[[custom]]`), and enforced on its compiled WASM through
//! `EntryPoint.handleOps`: a value transfer at the cap runs, one above it
//! is refused in validation with the rule's `ValueAboveCap`.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolError, SolValue};
use common::KeyScene;
use localnet::contract_code_path;
use session_keys::encode::{hook_with_data, validation_hook};
use session_keys::operation::OpOutcome;
use session_keys::{Chain, CustomInstall, PermissionSet, Selector, SignerSpec};

mod common;

sol! {
    #[derive(Debug, PartialEq)]
    error ValueAboveCap(uint256 value, uint256 cap);
}

const ENTITY: u32 = 12;
const CAP: u64 = 1_000_000;

#[test]
fn a_custom_rule_granted_from_the_sdk_is_enforced_through_handle_ops() {
    if !common::built("a_custom_rule_granted_from_the_sdk_is_enforced_through_handle_ops") {
        return;
    }
    let mut s = KeyScene::new(0x4e, ENTITY);
    let rule = s
        .chain
        .net
        .deploy_stylus_file(contract_code_path("template"));
    let bob = Address::repeat_byte(0xb0);
    // The account sends the value from its own balance.
    let account = s.account;
    s.chain.fund(account, U256::from(10u64).pow(U256::from(18)));
    let now = s.chain.timestamp().unwrap();
    // The template's install data, `abi.encode(uint32 entityId, uint256
    // cap)`, as a permission file gives it: the SDK encodes it at the key's
    // entity id.
    let set = PermissionSet::new()
        .functions(bob, [Selector::value_transfer()])
        .native_limit(U256::from(10u64).pow(U256::from(16)), None)
        .time_window(now, now + 3_600)
        .custom_hook(
            rule,
            None,
            CustomInstall::Abi {
                types: vec!["uint32".into(), "uint256".into()],
                values: vec!["entity".into(), CAP.to_string()],
            },
        );
    // Its module is as protected as the SDK's own: a key that could call
    // it (its onUninstall, or an admin function) could lift the cap.
    let err = set
        .clone()
        .functions(
            rule,
            [Selector::parse("supportsInterface(bytes4)").unwrap()],
        )
        .install(
            &s.modules,
            ENTITY,
            &SignerSpec::Address(s.key.address()),
            s.account,
            now,
        )
        .unwrap_err();
    assert!(err.to_string().contains("custom hook module"), "{err}");
    let install = set
        .install(
            &s.modules,
            ENTITY,
            &SignerSpec::Address(s.key.address()),
            s.account,
            now,
        )
        .unwrap();
    let cap = (ENTITY, U256::from(CAP)).abi_encode_params();
    assert_eq!(
        install.hooks.last().map(|hook| hook.to_vec()),
        Some(hook_with_data(validation_hook(rule, ENTITY), &cap).to_vec())
    );
    let receipt = session_keys::account::send_as_owner(
        &mut s.chain,
        &s.owner,
        s.account,
        session_keys::account::OWNER_ENTITY,
        &install.install_validation_calldata(),
    )
    .unwrap();
    assert!(receipt.success, "grant: {}", receipt.failure_reason());

    let outcome = s.send(&[(bob, U256::from(CAP), vec![])], None);
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    let outcome = s.send(&[(bob, U256::from(CAP + 1), vec![])], None);
    let reason = common::module_refusal(outcome, rule);
    assert_eq!(
        ValueAboveCap::abi_decode(&reason).unwrap(),
        ValueAboveCap {
            value: U256::from(CAP + 1),
            cap: U256::from(CAP),
        }
    );
    assert_eq!(s.chain.balance(bob).unwrap(), U256::from(CAP));
}
