use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use module_kit::testing::*;
use permission_core::install::encode_contract_allowlist;

use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/IContractAllowlistModule.sol"
);
use IContractAllowlistModule as I;
use IContractAllowlistModule::{
    IContractAllowlistModuleCalls, IContractAllowlistModuleErrors as Errors,
    IContractAllowlistModuleEvents,
};

const ENTITY: u32 = 3;
const COUNTER: Address = Address::new([0xC0; 20]);
const TOKEN: Address = Address::new([0x70; 20]);
const STRANGER: Address = Address::new([0x99; 20]);

fn installed() -> Harness<ContractAllowlist> {
    let h = harness();
    h.call_ok(
        ACCOUNT,
        &on_install(encode_contract_allowlist(ENTITY, &[COUNTER, TOKEN])),
    );
    h
}

fn not_allowed(target: Address) -> Errors {
    Errors::TargetNotAllowed(I::TargetNotAllowed { target })
}

fn call_to(target: Address) -> Vec<u8> {
    execute(target, U256::ZERO, vec![0xd0, 0x9d, 0xe0, 0x8a])
}

fn targets(h: &Harness<ContractAllowlist>, account: Address) -> Vec<Address> {
    h.call_ok(
        ACCOUNT,
        &I::getTargetsCall {
            account,
            entityId: ENTITY,
        },
    )
}

#[test]
fn install_data_matches_alloy_encoding() {
    let theirs = (ENTITY, vec![COUNTER, TOKEN]).abi_encode_params();
    assert_eq!(encode_contract_allowlist(ENTITY, &[COUNTER, TOKEN]), theirs);
}

#[test]
fn install_lists_targets_and_emits_events() {
    let h = installed();
    assert_eq!(targets(&h, ACCOUNT), vec![COUNTER, TOKEN]);
    let logs = h.logs();
    assert_eq!(logs.len(), 3);
    let added = I::TargetAdded::decode_raw_log(logs[1].0.iter().copied(), &logs[1].1).unwrap();
    assert_eq!(
        (added.account, added.entityId, added.target),
        (ACCOUNT, ENTITY, TOKEN)
    );
    I::ModuleInstalled::decode_raw_log(logs[2].0.iter().copied(), &logs[2].1).unwrap();
}

#[test]
fn install_refuses_zero_and_duplicate_targets() {
    let h = harness();
    let err: Errors = h.call_err(
        ACCOUNT,
        &on_install(encode_contract_allowlist(ENTITY, &[COUNTER, Address::ZERO])),
    );
    assert_eq!(
        err,
        Errors::InvalidTarget(I::InvalidTarget {
            target: Address::ZERO
        })
    );
    let err: Errors = h.call_err(
        ACCOUNT,
        &on_install(encode_contract_allowlist(
            ENTITY,
            &[COUNTER, TOKEN, COUNTER],
        )),
    );
    assert_eq!(
        err,
        Errors::DuplicateTarget(I::DuplicateTarget { target: COUNTER })
    );
    assert!(h.storage().is_empty());
}

#[test]
fn install_refuses_a_hostile_array_length() {
    let h = harness();
    let mut data = encode_contract_allowlist(ENTITY, &[COUNTER]);
    data[64..96].copy_from_slice(&U256::from(1u64 << 40).to_be_bytes::<32>());
    let err: Errors = h.call_err(ACCOUNT, &on_install(data));
    assert_eq!(
        err,
        Errors::MalformedCalldata(I::MalformedCalldata { reason: 3 })
    );
}

#[test]
fn listed_targets_pass_on_every_path() {
    let h = installed();
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call_to(COUNTER));
    HookPath::all_ok(
        &h,
        ACCOUNT,
        ENTITY,
        &execute_batch(vec![
            (COUNTER, U256::ZERO, vec![1, 2, 3, 4]),
            (TOKEN, U256::from(5), vec![]),
        ]),
    );
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &execute_batch(vec![]));
}

#[test]
fn unlisted_target_is_refused_on_every_path() {
    let h = installed();
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call_to(STRANGER),
        &not_allowed(STRANGER),
    );
}

#[test]
fn a_batch_hiding_one_bad_call_is_refused() {
    let h = installed();
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, vec![1, 2, 3, 4]),
        (TOKEN, U256::ZERO, vec![]),
        (STRANGER, U256::ZERO, vec![]),
    ]);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &batch, &not_allowed(STRANGER));
}

module_only! {
    #[test]
    fn a_call_to_the_account_itself_needs_an_explicit_entry() {
        let h = installed();
        let install_validation = I::moduleIdCall {}.abi_encode(); // any account call
        let self_call = execute(ACCOUNT, U256::ZERO, install_validation);
        HookPath::all_err(&h, ACCOUNT, ENTITY, &self_call, &not_allowed(ACCOUNT));
        h.call_ok(
            ACCOUNT,
            &I::addTargetCall {
                entityId: ENTITY,
                target: ACCOUNT,
            },
        );
        HookPath::all_ok(&h, ACCOUNT, ENTITY, &self_call);
    }
}

#[test]
fn other_call_forms_are_refused() {
    let h = installed();
    for form in [
        IAccountExecute::installValidationCall {
            validationConfig: Default::default(),
            selectors: vec![],
            installData: Default::default(),
            hooks: vec![],
        }
        .abi_encode(),
        IAccountExecute::performCreateCall {
            value: U256::ZERO,
            initCode: Default::default(),
            isCreate2: false,
            salt: B256::ZERO,
        }
        .abi_encode(),
    ] {
        let selector: [u8; 4] = form[..4].try_into().unwrap();
        let expected = Errors::UnsupportedCallForm(I::UnsupportedCallForm {
            selector: selector.into(),
        });
        HookPath::all_err(&h, ACCOUNT, ENTITY, &form, &expected);
    }
}

#[test]
fn a_nested_or_raw_prefix_is_refused() {
    let h = installed();
    let doubly = user_op_prefixed(&user_op_prefixed(&call_to(COUNTER)));
    let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, user_op(ACCOUNT, doubly)));
    assert_eq!(
        err,
        Errors::UnsupportedCallForm(I::UnsupportedCallForm {
            selector: IAccountExecute::executeUserOpCall::SELECTOR.into()
        })
    );
    // The raw prefix form is not what an account's msg.data can be: the
    // execution hook reads it as an ABI-encoded executeUserOp and fails.
    let raw = user_op_prefixed(&call_to(STRANGER));
    let err: Errors = h.call_err(ACCOUNT, &pre_execution(ENTITY, raw.clone()));
    assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
    let err: Errors = h.call_err(ACCOUNT, &pre_runtime(ENTITY, raw));
    assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
}

#[test]
fn short_and_hostile_calldata_is_refused() {
    let h = installed();
    let malformed = |reason| Errors::MalformedCalldata(I::MalformedCalldata { reason });
    HookPath::all_err(&h, ACCOUNT, ENTITY, &[0xb6, 0x1d, 0x27], &malformed(1));
    let execute_call = call_to(COUNTER);
    HookPath::all_err(&h, ACCOUNT, ENTITY, &execute_call[..4 + 64], &malformed(1));
    // `data` offset far past the end.
    let mut hostile = execute_call.clone();
    hostile[4 + 64..4 + 96].copy_from_slice(&U256::from(0x10_000).to_be_bytes::<32>());
    HookPath::all_err(&h, ACCOUNT, ENTITY, &hostile, &malformed(2));
    // `data` length past the end.
    let mut long = execute_call.clone();
    long[4 + 96..4 + 128].copy_from_slice(&U256::from(1_000).to_be_bytes::<32>());
    HookPath::all_err(&h, ACCOUNT, ENTITY, &long, &malformed(3));
    // A target with dirty high bits.
    let mut dirty = execute_call;
    dirty[4] = 1;
    HookPath::all_err(&h, ACCOUNT, ENTITY, &dirty, &malformed(4));
    // A batch element offset out of bounds.
    let mut batch = execute_batch(vec![(COUNTER, U256::ZERO, vec![])]);
    batch[4 + 64..4 + 96].copy_from_slice(&U256::from(0xFFFF).to_be_bytes::<32>());
    HookPath::all_err(&h, ACCOUNT, ENTITY, &batch, &malformed(2));
}

#[test]
fn hooks_refuse_when_not_installed() {
    let h = harness();
    let expected = Errors::NotInstalled(I::NotInstalled {
        account: ACCOUNT,
        entityId: ENTITY,
    });
    HookPath::all_err(&h, ACCOUNT, ENTITY, &call_to(COUNTER), &expected);
}

module_only! {
    #[test]
    fn non_empty_segments_are_refused() {
        let h = installed();
        let mut op = user_op(ACCOUNT, call_to(COUNTER));
        op.signature = vec![7].into();
        let err: Errors = h.call_err(ACCOUNT, &pre_user_op(ENTITY, op));
        assert_eq!(
            err,
            Errors::UnexpectedDataPassed(I::UnexpectedDataPassed {})
        );
    }
}

module_only! {
    #[test]
    fn admin_adds_and_removes_targets() {
        let h = installed();
        h.call_ok(
            ACCOUNT,
            &I::addTargetCall {
                entityId: ENTITY,
                target: STRANGER,
            },
        );
        HookPath::all_ok(&h, ACCOUNT, ENTITY, &call_to(STRANGER));
        h.call_ok(
            ACCOUNT,
            &I::removeTargetCall {
                entityId: ENTITY,
                target: COUNTER,
            },
        );
        assert_eq!(targets(&h, ACCOUNT), vec![STRANGER, TOKEN]);
        HookPath::all_err(
            &h,
            ACCOUNT,
            ENTITY,
            &call_to(COUNTER),
            &not_allowed(COUNTER),
        );
        assert!(!h.call_ok(
            ACCOUNT,
            &I::isTargetAllowedCall {
                account: ACCOUNT,
                entityId: ENTITY,
                target: COUNTER
            }
        ));
        assert!(h.call_ok(
            ACCOUNT,
            &I::isTargetAllowedCall {
                account: ACCOUNT,
                entityId: ENTITY,
                target: TOKEN
            }
        ));

        let removed = h.logs().pop().unwrap();
        let removed = I::TargetRemoved::decode_raw_log(removed.0.iter().copied(), &removed.1).unwrap();
        assert_eq!(removed.target, COUNTER);

        let err: Errors = h.call_err(
            ACCOUNT,
            &I::removeTargetCall {
                entityId: ENTITY,
                target: COUNTER,
            },
        );
        assert_eq!(
            err,
            Errors::TargetNotFound(I::TargetNotFound { target: COUNTER })
        );
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::addTargetCall {
                entityId: ENTITY,
                target: TOKEN,
            },
        );
        assert_eq!(
            err,
            Errors::DuplicateTarget(I::DuplicateTarget { target: TOKEN })
        );
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::addTargetCall {
                entityId: ENTITY,
                target: Address::ZERO,
            },
        );
        assert_eq!(
            err,
            Errors::InvalidTarget(I::InvalidTarget {
                target: Address::ZERO
            })
        );
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::addTargetCall {
                entityId: ENTITY + 1,
                target: TOKEN,
            },
        );
        assert!(matches!(err, Errors::NotInstalled(_)));
    }
}

module_only! {
    #[test]
    fn an_entity_id_shared_across_accounts_is_isolated() {
        let h = installed();
        HookPath::all_err(
            &h,
            OTHER_ACCOUNT,
            ENTITY,
            &call_to(COUNTER),
            &Errors::NotInstalled(I::NotInstalled {
                account: OTHER_ACCOUNT,
                entityId: ENTITY,
            }),
        );
        h.call_ok(
            OTHER_ACCOUNT,
            &on_install(encode_contract_allowlist(ENTITY, &[STRANGER])),
        );
        HookPath::all_err(
            &h,
            OTHER_ACCOUNT,
            ENTITY,
            &call_to(COUNTER),
            &not_allowed(COUNTER),
        );
        HookPath::all_err(
            &h,
            ACCOUNT,
            ENTITY,
            &call_to(STRANGER),
            &not_allowed(STRANGER),
        );
        // The other account's admin calls act on its own list only.
        h.call_ok(
            OTHER_ACCOUNT,
            &I::removeTargetCall {
                entityId: ENTITY,
                target: STRANGER,
            },
        );
        assert_eq!(targets(&h, ACCOUNT), vec![COUNTER, TOKEN]);
        assert_eq!(targets(&h, OTHER_ACCOUNT), Vec::<Address>::new());
    }
}

#[test]
fn reinstall_after_uninstall_starts_clean() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_eq!(targets(&h, ACCOUNT), Vec::<Address>::new());
    h.call_ok(
        ACCOUNT,
        &on_install(encode_contract_allowlist(ENTITY, &[STRANGER])),
    );
    assert_eq!(targets(&h, ACCOUNT), vec![STRANGER]);
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call_to(COUNTER),
        &not_allowed(COUNTER),
    );
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call_to(STRANGER));
}

#[test]
fn signature_hook_requires_install_only() {
    let h = installed();
    let call = IValidationHookModule::preSignatureValidationHookCall {
        entityId: ENTITY,
        sender: STRANGER,
        hash: B256::ZERO,
        signature: Default::default(),
    };
    h.call_ok(ACCOUNT, &call);
    let err: Errors = h.call_err(OTHER_ACCOUNT, &call);
    assert!(matches!(err, Errors::NotInstalled(_)));
}

module_only! {
    #[test]
    fn module_id() {
        let h = harness();
        assert_eq!(
            h.call_ok(ACCOUNT, &IModule::moduleIdCall {}),
            "stylus-session-keys.contract-allowlist.0.1.0"
        );
    }
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<ContractAllowlist>(
        IContractAllowlistModuleCalls::SELECTORS,
        Errors::SELECTORS,
        IContractAllowlistModuleEvents::SELECTORS,
        (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}

#[test]
fn uninstalling_nothing_succeeds_and_changes_nothing() {
    let h = installed();
    // Never installed at this id.
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY + 1);
    // Already uninstalled: the entry of the module's second role in one
    // validation finds nothing left.
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
}
