//! The session key's life on the reference account: the owner grants it
//! through the runtime path and through a user operation, the key acts
//! through the EntryPoint and directly (runtime validation), the owner
//! revokes it (uninstall) and grants it again under the same entityId, which
//! starts clean.

use alloy_primitives::{b256, Address, FixedBytes, B256, U256};
use alloy_sol_types::{SolCall, SolEvent, SolInterface, SolValue};
use e2e::abi::{ICounter, IReferenceAccount, ISelectorAllowlistModule, ITimeWindowModule};

alloy_sol_types::sol! {
    interface IModule {
        function onUninstall(bytes data) external;
    }
}
use e2e::encode::{self, ValidationInstall};
use e2e::{
    available, describe, describe_outcome, Counter, HandleOpsExt, Key, Needs, SessionKeySpec,
    SignerSpec, Wallet,
};
use localnet::TxOutcome;

/// The owner's validation: entity 0, global.
const OWNER: u32 = 0;
/// The session key's validation.
const SESSION: u32 = 1;
const DAY: u64 = 86_400;
const OWNER_SECRET: B256 =
    b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const SESSION_SECRET: B256 =
    b256!("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

use IReferenceAccount::IReferenceAccountErrors as AccountErrors;

/// A wallet whose account was initialized with the owner's key as a global
/// validation (flags: global, signature, user op), and the owner EOA funded.
fn owned(test: &str) -> Option<(Wallet, Key)> {
    if !available(test, Needs::Account) {
        return None;
    }
    let mut w = Wallet::new();
    let owner = Key::from_bytes(OWNER_SECRET);
    let install = ValidationInstall {
        config: encode::validation_config(w.modules.session_signer, OWNER, 0x07),
        selectors: vec![],
        install_data: (OWNER, owner.address()).abi_encode_params().into(),
        hooks: vec![],
    };
    let out = w.initialize(&install);
    assert!(out.success, "{}", describe_outcome(&out));
    w.net
        .fund(owner.address(), U256::from(10u64).pow(U256::from(20)));
    Some((w, owner))
}

/// `executeWithRuntimeValidation(data, options ‖ entityId ‖ 0xFF)` from `from`.
fn runtime_call(
    w: &mut Wallet,
    from: Address,
    data: Vec<u8>,
    entity_id: u32,
    global: bool,
) -> TxOutcome {
    let call = encode::execute_with_runtime_validation(&data, entity_id, global);
    let account = w.account;
    w.net.transact(from, account, U256::ZERO, call)
}

fn session_install(w: &Wallet, key: &Key) -> ValidationInstall {
    let now = w.net.timestamp();
    w.session_key_install(SESSION, key.address(), now, now + DAY)
}

fn increment(w: &Wallet) -> Vec<u8> {
    encode::execute(w.counter.address, U256::ZERO, Counter::increment_calldata())
}

/// The session key increments the Counter through the EntryPoint.
#[track_caller]
fn session_op_succeeds(w: &mut Wallet, key: &Key) {
    let before = w.count();
    let call = increment(w);
    let op = w.signed_op(call, SESSION, false, key, &[]);
    let out = w.handle_ops(vec![op]);
    out.expect_ops_succeeded();
    assert_eq!(w.count(), before + U256::from(1));
}

#[test]
fn the_owner_grants_a_session_key_through_the_runtime_path() {
    let Some((mut w, owner)) = owned("the_owner_grants_a_session_key_through_the_runtime_path")
    else {
        return;
    };
    let session = Key::from_bytes(SESSION_SECRET);
    let install = session_install(&w, &session).install_validation_calldata();
    // Only the owner's validation may install.
    let stranger = Address::repeat_byte(0x99);
    w.net.fund(stranger, U256::from(10u64).pow(U256::from(20)));
    let out = runtime_call(&mut w, stranger, install.clone(), OWNER, true);
    let reason = out.revert_data().expect("a stranger is refused").clone();
    println!("stranger: {}", describe(&reason));
    let decoded = AccountErrors::abi_decode(&reason).expect("an account error");
    assert!(
        matches!(decoded, AccountErrors::RuntimeValidationFunctionReverted(_)),
        "{decoded:?}"
    );

    let out = runtime_call(&mut w, owner.address(), install, OWNER, true);
    assert!(out.success, "{}", describe_outcome(&out));
    println!("owner installs over the runtime path: {} gas", out.gas_used);
    session_op_succeeds(&mut w, &session);
}

#[test]
fn the_owner_grants_a_session_key_with_a_user_operation() {
    let Some((mut w, owner)) = owned("the_owner_grants_a_session_key_with_a_user_operation") else {
        return;
    };
    let session = Key::from_bytes(SESSION_SECRET);
    let install = session_install(&w, &session).install_validation_calldata();
    // Global validation (the nonce's global bit) reaches installValidation.
    let op = w.signed_op(install, OWNER, true, &owner, &[]);
    let out = w.handle_ops(vec![op]);
    out.expect_ops_succeeded();
    println!("owner installs with a user operation: {} gas", out.gas_used);
    session_op_succeeds(&mut w, &session);
}

/// The key calls the Counter's `increment()` at a stranger's address on
/// the runtime path; expects a validation hook to refuse it, and returns
/// the account's `PreRuntimeValidationHookReverted`.
fn stray_call_refused_by_a_hook(
    w: &mut Wallet,
    session: &Key,
) -> IReferenceAccount::PreRuntimeValidationHookReverted {
    let stray = encode::execute(
        Address::repeat_byte(0x77),
        U256::ZERO,
        Counter::increment_calldata(),
    );
    let out = runtime_call(w, session.address(), stray, SESSION, false);
    let reason = out.revert_data().expect("refused").clone();
    println!("stray target: {}", describe(&reason));
    let AccountErrors::PreRuntimeValidationHookReverted(wrapped) =
        AccountErrors::abi_decode(&reason).expect("an account error")
    else {
        panic!("{}", describe(&reason))
    };
    wrapped
}

#[test]
fn the_session_key_acts_on_the_runtime_path_within_its_permissions() {
    let Some((mut w, owner)) =
        owned("the_session_key_acts_on_the_runtime_path_within_its_permissions")
    else {
        return;
    };
    let session = Key::from_bytes(SESSION_SECRET);
    let install = session_install(&w, &session).install_validation_calldata();
    assert!(runtime_call(&mut w, owner.address(), install, OWNER, true).success);
    w.net
        .fund(session.address(), U256::from(10u64).pow(U256::from(20)));

    let before = w.count();
    let call = increment(&w);
    let out = runtime_call(&mut w, session.address(), call, SESSION, false);
    assert!(out.success, "{}", describe_outcome(&out));
    assert_eq!(w.count(), before + U256::from(1));

    // A target the selector allowlist does not allow.
    let wrapped = stray_call_refused_by_a_hook(&mut w, &session);
    assert_eq!(
        &wrapped.moduleEntity[..20],
        w.modules.selector_allowlist.as_slice()
    );
    assert!(matches!(
        ISelectorAllowlistModule::ISelectorAllowlistModuleErrors::abi_decode(&wrapped.revertReason),
        Ok(ISelectorAllowlistModule::ISelectorAllowlistModuleErrors::SelectorNotAllowed(_))
    ));
    // The session key cannot reach installValidation, nor use the owner's validation.
    let install = session_install(&w, &session).install_validation_calldata();
    let out = runtime_call(&mut w, session.address(), install.clone(), SESSION, false);
    assert_eq!(
        AccountErrors::abi_decode(out.revert_data().unwrap()).ok(),
        Some(AccountErrors::ValidationFunctionMissing(
            IReferenceAccount::ValidationFunctionMissing {
                selector: FixedBytes(IReferenceAccount::installValidationCall::SELECTOR)
            }
        ))
    );
    let out = runtime_call(&mut w, session.address(), install, OWNER, true);
    assert!(matches!(
        AccountErrors::abi_decode(out.revert_data().unwrap()),
        Ok(AccountErrors::RuntimeValidationFunctionReverted(_))
    ));
}

/// The same key enforced by the session policy (the SDK's default): it
/// acts directly (runtime validation, checked by the policy at the clock),
/// a target it may not call is refused by the policy's runtime hook, its
/// window ends its runtime calls too, and a revoke (one hook) and reinstall
/// start clean.
#[test]
fn the_session_policy_on_the_runtime_path_and_through_revoke() {
    let Some((mut w, owner)) = owned("the_session_policy_on_the_runtime_path_and_through_revoke")
    else {
        return;
    };
    let session = Key::from_bytes(SESSION_SECRET);
    let now = w.net.timestamp();
    let spec = SessionKeySpec::new(SESSION, SignerSpec::Address(session.address()))
        .allow([(w.counter.address, ICounter::incrementCall::SELECTOR)])
        .window(now, now + DAY)
        .with_policy();
    let validation = spec.install(&w.modules);
    assert_eq!(validation.hooks.len(), 1);
    let install = validation.install_validation_calldata();
    assert!(runtime_call(&mut w, owner.address(), install, OWNER, true).success);
    w.net
        .fund(session.address(), U256::from(10u64).pow(U256::from(20)));

    let before = w.count();
    let call = increment(&w);
    let out = runtime_call(&mut w, session.address(), call, SESSION, false);
    assert!(out.success, "{}", describe_outcome(&out));
    assert_eq!(w.count(), before + U256::from(1));
    session_op_succeeds(&mut w, &session);

    let wrapped = stray_call_refused_by_a_hook(&mut w, &session);
    assert_eq!(
        &wrapped.moduleEntity[..20],
        w.modules.session_policy.as_slice()
    );
    let inner = describe(&wrapped.revertReason);
    assert!(inner.contains("SelectorNotAllowed"), "{inner}");

    // After the window, the policy refuses the key's runtime calls too.
    w.net.set_timestamp(now + DAY + 1);
    let call = increment(&w);
    let out = runtime_call(&mut w, session.address(), call, SESSION, false);
    let reason = out.revert_data().expect("refused").clone();
    assert!(
        describe(&reason).contains("OutsideTimeWindow"),
        "{}",
        describe(&reason)
    );
    w.net.set_timestamp(now + 10);

    // Revoke: one hook, one entry; then the same id starts clean.
    let uninstall = validation.uninstall_validation_calldata();
    let out = runtime_call(&mut w, owner.address(), uninstall, OWNER, true);
    assert!(out.success, "{}", describe_outcome(&out));
    let call = increment(&w);
    let out = runtime_call(&mut w, session.address(), call, SESSION, false);
    assert!(!out.success);
    let new_key = Key::from_seed(43);
    let spec = SessionKeySpec::new(SESSION, SignerSpec::Address(new_key.address()))
        .allow([(w.counter.address, ICounter::incrementCall::SELECTOR)])
        .window(now, now + DAY)
        .with_policy();
    let install = spec.install(&w.modules).install_validation_calldata();
    let out = runtime_call(&mut w, owner.address(), install, OWNER, true);
    assert!(out.success, "{}", describe_outcome(&out));
    session_op_succeeds(&mut w, &new_key);
}

/// The session policy's execution-phase variant (`CALLS_IN_EXECUTION`):
/// its validation looks at no call, so what the key's runtime call reaches
/// is refused by the policy's execution hook, a stray target and the
/// policy's own `onUninstall` alike (`PolicyCalled`); an allowed call runs.
#[test]
fn attack_the_policys_execution_variant_refuses_calls_in_execution() {
    let Some((mut w, owner)) =
        owned("attack_the_policys_execution_variant_refuses_calls_in_execution")
    else {
        return;
    };
    let session = Key::from_bytes(SESSION_SECRET);
    let now = w.net.timestamp();
    let spec = SessionKeySpec::new(SESSION, SignerSpec::Address(session.address()))
        .allow([(w.counter.address, ICounter::incrementCall::SELECTOR)])
        .window(now, now + DAY)
        .as_execution_hooks()
        .with_policy();
    assert!(spec.has_execution_hooks());
    let install = spec.install(&w.modules).install_validation_calldata();
    assert!(runtime_call(&mut w, owner.address(), install, OWNER, true).success);
    w.net
        .fund(session.address(), U256::from(10u64).pow(U256::from(20)));

    let before = w.count();
    let call = increment(&w);
    let out = runtime_call(&mut w, session.address(), call, SESSION, false);
    assert!(out.success, "{}", describe_outcome(&out));
    assert_eq!(w.count(), before + U256::from(1));

    let policy = w.modules.session_policy;
    let uninstall = encode::execute(
        policy,
        U256::ZERO,
        IModule::onUninstallCall {
            data: SESSION.abi_encode().into(),
        }
        .abi_encode(),
    );
    let stray = encode::execute(
        Address::repeat_byte(0x77),
        U256::ZERO,
        Counter::increment_calldata(),
    );
    for (call, error) in [(uninstall, "PolicyCalled"), (stray, "SelectorNotAllowed")] {
        let out = runtime_call(&mut w, session.address(), call, SESSION, false);
        let reason = out.revert_data().expect("refused").clone();
        let AccountErrors::PreExecHookReverted(wrapped) =
            AccountErrors::abi_decode(&reason).expect("an account error")
        else {
            panic!("{} {}", error, describe(&reason))
        };
        assert_eq!(&wrapped.moduleEntity[..20], policy.as_slice());
        let inner = describe(&wrapped.revertReason);
        assert!(inner.contains(error), "{inner}");
    }
    assert_eq!(w.count(), before + U256::from(1));
}

#[test]
fn revoking_the_session_key_refuses_it_and_a_reinstall_starts_clean() {
    let Some((mut w, owner)) =
        owned("revoking_the_session_key_refuses_it_and_a_reinstall_starts_clean")
    else {
        return;
    };
    let session = Key::from_bytes(SESSION_SECRET);
    let validation = session_install(&w, &session);
    let install = validation.install_validation_calldata();
    assert!(runtime_call(&mut w, owner.address(), install, OWNER, true).success);
    session_op_succeeds(&mut w, &session);

    let uninstall = validation.uninstall_validation_calldata();
    let out = runtime_call(&mut w, owner.address(), uninstall, OWNER, true);
    assert!(out.success, "{}", describe_outcome(&out));
    let uninstalled: Vec<_> = out
        .logs
        .iter()
        .filter_map(|l| IReferenceAccount::ValidationUninstalled::decode_log_data(&l.data).ok())
        .collect();
    assert_eq!(uninstalled.len(), 1);
    assert!(uninstalled[0].onUninstallSucceeded);

    // The key's next operation is refused by the account itself.
    let call = increment(&w);
    let op = w.signed_op(call, SESSION, false, &session, &[]);
    let out = w.handle_ops(vec![op]);
    let failed = out.expect_failed_op();
    println!("revoked: {}", describe(&out.output));
    assert_eq!(
        failed.account_error(),
        Some(AccountErrors::ValidationFunctionMissing(
            IReferenceAccount::ValidationFunctionMissing {
                selector: FixedBytes(IReferenceAccount::executeCall::SELECTOR)
            }
        ))
    );
    // The hooks forgot the key too.
    let window = w
        .net
        .call(
            Address::ZERO,
            w.modules.time_window,
            ITimeWindowModule::getTimeWindowCall {
                account: w.account,
                entityId: SESSION,
            }
            .abi_encode(),
        )
        .decode_return::<ITimeWindowModule::getTimeWindowCall>()
        .unwrap();
    assert!(!window.installed);

    // Granting a new key under the same entityId starts clean: the old key
    // stays refused, the new one works.
    let new_key = Key::from_seed(42);
    let install = session_install(&w, &new_key).install_validation_calldata();
    let out = runtime_call(&mut w, owner.address(), install, OWNER, true);
    assert!(out.success, "{}", describe_outcome(&out));
    session_op_succeeds(&mut w, &new_key);
    let call = increment(&w);
    let op = w.signed_op(call, SESSION, false, &session, &[]);
    let failed = w.handle_ops(vec![op]).expect_failed_op();
    assert_eq!(failed.reason, "AA24 signature error");
}

#[test]
fn the_account_answers_erc1271_through_a_validation() {
    use e2e::abi::ISessionSignerModule;
    let Some((mut w, owner)) = owned("the_account_answers_erc1271_through_a_validation") else {
        return;
    };
    let hash = alloy_primitives::keccak256("hello");
    let safe = w
        .net
        .call(
            Address::ZERO,
            w.modules.session_signer,
            ISessionSignerModule::replaySafeHashCall {
                account: w.account,
                hash,
            }
            .abi_encode(),
        )
        .decode_return::<ISessionSignerModule::replaySafeHashCall>()
        .unwrap();
    let is_valid = |w: &mut Wallet, key: &Key, entity_id: u32, signed: B256| {
        let mut signature = vec![0u8];
        signature.extend_from_slice(&entity_id.to_be_bytes());
        signature.push(0xFF);
        signature.push(0x00);
        signature.extend_from_slice(&key.sign_digest(signed));
        let call = IReferenceAccount::isValidSignatureCall {
            hash,
            signature: signature.into(),
        };
        let account = w.account;
        w.net.call(Address::ZERO, account, call.abi_encode())
    };
    let out = is_valid(&mut w, &owner, OWNER, safe);
    assert_eq!(
        out.decode_return::<IReferenceAccount::isValidSignatureCall>()
            .unwrap()
            .0,
        [0x16, 0x26, 0xba, 0x7e]
    );
    // Another key, or the raw hash instead of the replay-safe one: invalid.
    for (key, signed) in [(Key::from_seed(5), safe), (owner.clone(), hash)] {
        let out = is_valid(&mut w, &key, OWNER, signed);
        assert_eq!(
            out.decode_return::<IReferenceAccount::isValidSignatureCall>()
                .unwrap()
                .0,
            [0xFF; 4]
        );
    }
    // An entity with no validation is refused by the account.
    let out = is_valid(&mut w, &owner, 9, safe);
    assert!(matches!(
        AccountErrors::abi_decode(out.revert_data().expect("refused")),
        Ok(AccountErrors::SignatureValidationInvalid(_))
    ));
}

/// `executeWithRuntimeValidation(data, options ‖ entityId ‖ 0xFF)` from
/// `from`, with a raw options byte.
fn runtime_call_with_options(
    w: &mut Wallet,
    from: Address,
    data: Vec<u8>,
    entity_id: u32,
    options: u8,
) -> TxOutcome {
    let mut authorization = vec![options];
    authorization.extend_from_slice(&entity_id.to_be_bytes());
    authorization.push(0xFF);
    let call = IReferenceAccount::executeWithRuntimeValidationCall {
        data: data.into(),
        authorization: authorization.into(),
    };
    let account = w.account;
    w.net.transact(from, account, U256::ZERO, call.abi_encode())
}

/// MAv2 v2.0.x checks the runtime validation module's code size
/// (`ExecutionLib.invokeRuntimeCallBufferValidation`): `validateRuntime`
/// returns nothing, so a call to an address without code would succeed and
/// authorize anything. A validation installed with a codeless module (empty
/// install data skips the ERC-165 check) authorizes nothing.
#[test]
fn attack_a_validation_module_without_code_authorizes_nothing() {
    let Some((mut w, owner)) = owned("attack_a_validation_module_without_code_authorizes_nothing")
    else {
        return;
    };
    let codeless = Address::repeat_byte(0xE0);
    let install = ValidationInstall {
        config: encode::validation_config(codeless, 5, 0x01),
        selectors: vec![IReferenceAccount::executeCall::SELECTOR],
        install_data: Default::default(),
        hooks: vec![],
    };
    let out = runtime_call(
        &mut w,
        owner.address(),
        install.install_validation_calldata(),
        OWNER,
        true,
    );
    assert!(out.success, "{}", describe_outcome(&out));

    let attacker = Address::repeat_byte(0x99);
    w.net.fund(attacker, U256::from(10u64).pow(U256::from(20)));
    let before = w.count();
    let call = increment(&w);
    let out = runtime_call(&mut w, attacker, call, 5, false);
    assert_eq!(
        AccountErrors::abi_decode(out.revert_data().expect("refused")).ok(),
        Some(AccountErrors::ModuleCodeMissing(
            IReferenceAccount::ModuleCodeMissing { module: codeless }
        )),
        "{}",
        describe_outcome(&out)
    );
    assert_eq!(w.count(), before);
}

/// MAv2 v2.0.x reads a runtime authorization's options byte for the global
/// bit and the direct-call tag only (`ValidationLocatorLib`): the
/// deferred-action bit and the unused bits are ignored. Direct-call
/// validations are not supported here and are refused by name.
#[test]
fn runtime_authorization_ignores_the_deferred_action_bit() {
    let Some((mut w, owner)) = owned("runtime_authorization_ignores_the_deferred_action_bit")
    else {
        return;
    };
    for options in [0x03, 0x01 | 0xF8] {
        let before = w.count();
        let call = increment(&w);
        let out = runtime_call_with_options(&mut w, owner.address(), call, OWNER, options);
        assert!(
            out.success,
            "options {options:#04x}: {}",
            describe_outcome(&out)
        );
        assert_eq!(w.count(), before + U256::from(1));
    }
    let call = increment(&w);
    let out = runtime_call_with_options(&mut w, owner.address(), call, OWNER, 0x05);
    assert!(
        matches!(
            AccountErrors::abi_decode(out.revert_data().expect("refused")),
            Ok(AccountErrors::UnsupportedValidationOptions(_))
        ),
        "{}",
        describe_outcome(&out)
    );
}
