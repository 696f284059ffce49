//! The e2e helpers on their own, without the reference account: encoders
//! against alloy's ABI encoding and the worked examples of
//! docs/design/mav2-account.md (§1, §3.4, §5), the signer, the error
//! decoders, the Counter, and (with the fixtures) the EntryPoint's own
//! `getUserOpHash` / `getNonce` / `FailedOpWithRevert` and the real
//! session-signer module checking the signer's signatures.

use alloy_primitives::{
    address, aliases::U192, aliases::U48, b256, eip191_hash_message, hex, keccak256, Address,
    Bytes, FixedBytes, Signature, B256, U256,
};
use alloy_sol_types::{SolCall, SolError, SolValue};
use e2e::abi::{
    ICounter, IReferenceAccount, ISelectorAllowlistModule, ISessionSignerModule,
    PackedUserOperation,
};
use e2e::encode::{self, ValidationInstall};
use e2e::wallet::user_op_hash_on_chain;
use e2e::{
    available, chain, describe, ether, Counter, FailedOp, Gas, HandleOpsExt, Key, Modules, Needs,
    Wrapper, BUNDLER,
};
use localnet::entry_point::{pack_account_gas_limits, pack_gas_fees, ENTRY_POINT};
use localnet::{Localnet, CHAIN_ID};
use permission_core::install::{encode_selector_allowlist, SelectorRule, TimeWindowInstall};

const MODULE_1: Address = Address::new([0x11; 20]);
const ACCOUNT_2: Address = Address::new([0x22; 20]);
const COUNTER_3: Address = Address::new([0x33; 20]);
const HOOK_4: Address = Address::new([0x44; 20]);
const HOOK_5: Address = Address::new([0x55; 20]);

/// The session key of §5.2 (address 0x7099…79c8).
const SESSION_SECRET: B256 =
    b256!("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

/// `bytes` right-padded with zeros to a multiple of 32.
fn padded(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.resize(bytes.len().div_ceil(32) * 32, 0);
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// ---------------------------------------------------------------- Counter

#[test]
fn counter_increments_and_counts() {
    assert_eq!(ICounter::incrementCall::SELECTOR, hex!("d09de08a"));
    assert_eq!(ICounter::countCall::SELECTOR, hex!("06661abd"));
    let mut net = Localnet::new();
    let counter = Counter::deploy(&mut net);
    assert_eq!(counter.count(&mut net), U256::ZERO);
    let user = address!("00000000000000000000000000000000000a11ce");
    net.fund(user, ether(1));
    for n in 1..=3u64 {
        let out = net
            .transact(
                user,
                counter.address,
                U256::ZERO,
                Counter::increment_calldata(),
            )
            .expect_success();
        assert!(out.output.is_empty());
        assert_eq!(counter.count(&mut net), U256::from(n));
    }
    assert_eq!(net.storage(counter.address, U256::ZERO), U256::from(3));
    // Anything else reverts with empty data and changes nothing.
    for data in [vec![], vec![0xd0, 0x9d], hex!("deadbeef").to_vec()] {
        let out = net.transact(user, counter.address, U256::ZERO, data);
        assert!(out.reverted());
        assert!(out.output.is_empty());
    }
    assert_eq!(counter.count(&mut net), U256::from(3));
}

// ------------------------------------------------------ packed types (§1)

#[test]
fn validation_and_hook_configs_match_the_note() {
    assert_eq!(
        encode::validation_config(
            MODULE_1,
            1,
            encode::VALIDATION_USER_OP | encode::VALIDATION_SIGNATURE
        ),
        FixedBytes(hex!("1111111111111111111111111111111111111111 00000001 03"))
    );
    assert_eq!(
        encode::validation_config(
            MODULE_1,
            0,
            encode::VALIDATION_GLOBAL | encode::VALIDATION_SIGNATURE | encode::VALIDATION_USER_OP
        )[24],
        0x07
    );
    assert_eq!(
        encode::validation_hook(HOOK_4, 1),
        FixedBytes(hex!("4444444444444444444444444444444444444444 00000001 01"))
    );
    assert_eq!(
        encode::execution_hook(HOOK_5, 1, true, true),
        FixedBytes(hex!("5555555555555555555555555555555555555555 00000001 06"))
    );
    assert_eq!(encode::execution_hook(HOOK_5, 1, true, false)[24], 0x04);
    assert_eq!(encode::execution_hook(HOOK_5, 1, false, true)[24], 0x02);
    let entity = encode::module_entity(HOOK_4, 0xdeadbeef);
    assert_eq!(
        entity,
        FixedBytes(hex!("4444444444444444444444444444444444444444 deadbeef"))
    );
    assert_eq!(encode::split_module_entity(entity), (HOOK_4, 0xdeadbeef));
    // ABI: bytes24 / bytes25 are left-aligned in their word.
    let w = encode::validation_config(MODULE_1, 1, 3).abi_encode();
    assert_eq!(
        &w[..25],
        encode::validation_config(MODULE_1, 1, 3).as_slice()
    );
    assert_eq!(&w[25..], &[0u8; 7]);
}

// ----------------------------------------------------- account calldata

#[test]
fn account_selectors_match_the_note() {
    use IReferenceAccount as A;
    assert_eq!(A::executeCall::SELECTOR, hex!("b61d27f6"));
    assert_eq!(A::executeBatchCall::SELECTOR, hex!("34fcd5be"));
    assert_eq!(A::executeUserOpCall::SELECTOR, hex!("8dd7712f"));
    assert_eq!(encode::EXECUTE_USER_OP, hex!("8dd7712f"));
    assert_eq!(A::installValidationCall::SELECTOR, hex!("1bbf564c"));
    assert_eq!(A::validateUserOpCall::SELECTOR, hex!("19822f7c"));
    assert_eq!(
        A::initializeCall::SELECTOR,
        keccak256("initialize(bytes25,bytes4[],bytes,bytes[])")[..4]
    );
    assert_eq!(A::ValidationFunctionMissing::SELECTOR, hex!("cf7b49f6"));
    assert_eq!(
        A::PreUserOpValidationHookReverted::SELECTOR,
        hex!("4db96e31")
    );
    assert_eq!(
        A::UserOpValidationFunctionReverted::SELECTOR,
        hex!("19aed90d")
    );
    assert_eq!(A::PreExecHookReverted::SELECTOR, hex!("74a1a72c"));
    assert_eq!(
        A::SelfCallRecursionDepthExceeded::SELECTOR,
        hex!("54ff929d")
    );
    assert_eq!(A::RequireUserOperationContext::SELECTOR, hex!("5f49f00a"));
    assert_eq!(A::UnrecognizedFunction::SELECTOR, hex!("fcfc5aad"));
    assert_eq!(A::SegmentOutOfOrder::SELECTOR, hex!("95c6cb38"));
    assert_eq!(A::NonCanonicalEncoding::SELECTOR, hex!("b91b669d"));
    assert_eq!(
        A::ValidationSignatureSegmentMissing::SELECTOR,
        hex!("151d90fe")
    );
    assert_eq!(A::UnexpectedAggregator::SELECTOR, hex!("c616f69a"));
    assert_eq!(A::ValidationEntityIdInUse::SELECTOR, hex!("50a67a84"));
    assert_eq!(A::InterfaceNotSupported::SELECTOR, hex!("70560bfc"));
    assert_eq!(A::ModuleInstallCallbackFailed::SELECTOR, hex!("1672bd93"));
    assert_eq!(A::NotEntryPoint::SELECTOR, hex!("d663742a"));
}

/// §5.2: `execute(0x3333…33, 0, increment())` is 164 bytes.
#[test]
fn execute_calldata_matches_the_note() {
    let data = encode::execute(COUNTER_3, U256::ZERO, Counter::increment_calldata());
    let mut expected = hex!("b61d27f6").to_vec();
    expected.extend_from_slice(COUNTER_3.into_word().as_slice());
    expected.extend_from_slice(&word(0));
    expected.extend_from_slice(&word(0x60));
    expected.extend_from_slice(&word(4));
    expected.extend_from_slice(&padded(&hex!("d09de08a")));
    assert_eq!(data.len(), 164);
    assert_eq!(data, expected);
    // The same as alloy's encoding of the parameters as a tuple.
    let tuple = (COUNTER_3, U256::ZERO, Bytes::from(hex!("d09de08a"))).abi_encode_params();
    assert_eq!(data[4..], tuple[..]);
}

#[test]
fn execute_batch_and_the_prefix_form_match_alloy() {
    let calls = vec![
        (COUNTER_3, U256::ZERO, Counter::increment_calldata()),
        (ACCOUNT_2, U256::from(7), vec![]),
        (HOOK_4, U256::ZERO, vec![1, 2, 3, 4, 5]),
    ];
    let data = encode::execute_batch(calls.clone());
    assert_eq!(data[..4], hex!("34fcd5be"));
    let tuples: Vec<(Address, U256, Bytes)> = calls
        .iter()
        .map(|(t, v, d)| (*t, *v, Bytes::from(d.clone())))
        .collect();
    assert_eq!(data[4..], (tuples,).abi_encode_params()[..]);

    let inner = encode::execute(COUNTER_3, U256::ZERO, Counter::increment_calldata());
    let prefixed = encode::user_op_prefixed(&inner);
    assert_eq!(prefixed[..4], hex!("8dd7712f"));
    assert_eq!(prefixed[4..], inner[..]);
}

#[test]
fn install_calldata_matches_alloy() {
    let key = Key::from_bytes(SESSION_SECRET).address();
    let rules = [SelectorRule {
        target: COUNTER_3,
        selector: hex!("d09de08a"),
    }];
    let allowlist_data = encode_selector_allowlist(1, &rules);
    // The module's install data as alloy encodes it.
    assert_eq!(
        allowlist_data,
        (1u32, vec![(COUNTER_3, FixedBytes::<4>(hex!("d09de08a")))]).abi_encode_params()
    );
    let window = TimeWindowInstall {
        entity_id: 1,
        valid_after: 1_700_000_000,
        valid_until: 1_700_086_400,
    };
    assert_eq!(
        window.encode(),
        (
            1u32,
            U48::from(1_700_000_000u64),
            U48::from(1_700_086_400u64)
        )
            .abi_encode_params()
    );
    let hooks = vec![
        encode::hook_with_data(encode::validation_hook(HOOK_4, 1), &allowlist_data),
        encode::hook_with_data(encode::validation_hook(HOOK_5, 1), &window.encode()),
    ];
    assert_eq!(hooks[0][..25], encode::validation_hook(HOOK_4, 1)[..]);
    assert_eq!(hooks[0][25..], allowlist_data[..]);
    let install = ValidationInstall {
        config: encode::validation_config(MODULE_1, 1, 0x03),
        selectors: vec![hex!("b61d27f6"), hex!("34fcd5be")],
        install_data: (1u32, key).abi_encode_params().into(),
        hooks: hooks.clone(),
    };
    assert_eq!(install.install_data.len(), 64);
    let params = (
        install.config,
        vec![
            FixedBytes::<4>(hex!("b61d27f6")),
            FixedBytes(hex!("34fcd5be")),
        ],
        install.install_data.clone(),
        hooks,
    )
        .abi_encode_params();
    let init = install.initialize_calldata();
    assert_eq!(init[..4], IReferenceAccount::initializeCall::SELECTOR);
    assert_eq!(init[4..], params[..]);
    let install_validation = install.install_validation_calldata();
    assert_eq!(install_validation[..4], hex!("1bbf564c"));
    assert_eq!(install_validation[4..], params[..]);
    // Round trip through the binding.
    let decoded = IReferenceAccount::initializeCall::abi_decode(&init).unwrap();
    assert_eq!(decoded.validationConfig, install.config);
    assert_eq!(decoded.hooks, install.hooks);
}

// ------------------------------------------------------------ nonces (§5.1)

#[test]
fn nonce_keys_match_the_note() {
    let key = encode::nonce_key(1, false);
    assert_eq!(key, U192::from(0x100));
    assert_eq!(
        encode::nonce(key, 0),
        U256::from_be_bytes(hex!(
            "0000000000000000000000000000000000000000000001000000000000000000"
        ))
    );
    let owner = encode::nonce_key(0, true);
    assert_eq!(owner, U192::from(1));
    assert_eq!(encode::nonce(owner, 0), U256::from(1) << 64);
    let keyed = encode::nonce_key_parallel(U192::from(0xabc), 7, true);
    assert_eq!(keyed, U192::from(0xabc0000000701u64));
    assert_eq!(
        encode::nonce(keyed, 5),
        U256::from_be_bytes(hex!(
            "00000000000000000000000000000000000abc00000007010000000000000005"
        ))
    );
    // Agrees with localnet's user_op_nonce.
    assert_eq!(
        encode::nonce(keyed, 5),
        localnet::entry_point::user_op_nonce(U256::from(keyed), 5)
    );
}

// -------------------------------------------------- signatures (§3.4, §5.2)

#[test]
fn signature_segments_match_the_note() {
    let body = [0xAA; 66];
    // No hook data: 0xFF ‖ validation signature.
    assert_eq!(
        encode::signature(&[], &body).to_vec(),
        cat(&[&[0xFF], &body])
    );
    // Hook 1 wants 0xabcd: 0x01 ‖ 0x00000002 ‖ abcd ‖ 0xFF ‖ sig.
    assert_eq!(
        encode::signature(&[(1, &hex!("abcd"))], &body).to_vec(),
        cat(&[&hex!("01 00000002 abcd ff"), &body])
    );
    // Two segments, in the order given.
    assert_eq!(
        encode::signature(&[(0, &[0x01]), (2, &[0x02, 0x03])], &[]).to_vec(),
        hex!("00 00000001 01 02 00000002 0203 ff").to_vec()
    );
}

/// The §5.2 operation, unsigned.
fn note_op() -> PackedUserOperation {
    let gas = Gas {
        verification_gas_limit: 500_000,
        call_gas_limit: 200_000,
        pre_verification_gas: 50_000,
        max_priority_fee_per_gas: 0,
        max_fee_per_gas: 100_000_000,
    };
    let op = e2e::user_op::unsigned(
        ACCOUNT_2,
        encode::nonce(encode::nonce_key(1, false), 0),
        encode::execute(COUNTER_3, U256::ZERO, Counter::increment_calldata()),
        gas,
    );
    assert_eq!(
        op.accountGasLimits,
        b256!("0000000000000000000000000007a12000000000000000000000000000030d40")
    );
    assert_eq!(
        op.accountGasLimits,
        pack_account_gas_limits(500_000, 200_000)
    );
    assert_eq!(op.gasFees, pack_gas_fees(0, 100_000_000));
    assert_eq!(op.gasFees, B256::from(U256::from(100_000_000u64)));
    assert_eq!(Gas::of(&op), gas);
    op
}

#[test]
fn the_session_key_user_op_of_the_note() {
    let op = note_op();
    let inner = keccak256(
        (
            op.sender,
            op.nonce,
            keccak256(&op.initCode),
            keccak256(&op.callData),
            op.accountGasLimits,
            op.preVerificationGas,
            op.gasFees,
            keccak256(&op.paymasterAndData),
        )
            .abi_encode(),
    );
    assert_eq!(
        inner,
        b256!("79d42675bc9c7273bb8b510226c0a14bc655a0827ecbb9fb3ad234747f137334")
    );
    let hash = localnet::entry_point::user_op_hash(&op, ENTRY_POINT, CHAIN_ID);
    assert_eq!(
        hash,
        b256!("18db6680e723aae28e20a17f377f49cfadc9062a32ddd091d6d60fd972ddf61c")
    );
    let digest = eip191_hash_message(hash);
    assert_eq!(
        digest,
        b256!("51390864c36cf5da2f646f1cb0ce8b9bdde8c96e47bf8bd4fda58ea137bfe632")
    );

    let key = Key::from_bytes(SESSION_SECRET);
    assert_eq!(
        key.address(),
        address!("70997970c51812dc3a010c7d01b50e0d17dc79c8")
    );
    // k256 is RFC 6979 and low-s: the note's exact r, s, v.
    let rsv = key.sign_digest(digest);
    assert_eq!(
        rsv[..32],
        hex!("903248b0a5c853812fc839811b6a2cefb56badf20325e10aa0f0edb43945e47b")
    );
    assert_eq!(
        rsv[32..64],
        hex!("24174f95537d84c2cfe096fb55f4d085ec337265374b21daff8667f2cc682f87")
    );
    assert_eq!(rsv[64], 28);
    let signature = encode::signature(&[], &key.sign_user_op_hash(hash));
    assert_eq!(
        signature.to_vec(),
        hex!(
            "ff00903248b0a5c853812fc839811b6a2cefb56badf20325e10aa0f0edb43945e47b"
            "24174f95537d84c2cfe096fb55f4d085ec337265374b21daff8667f2cc682f871c"
        )
        .to_vec()
    );
    // And alloy recovers the key from it.
    let recovered = Signature::from_raw(&rsv)
        .unwrap()
        .recover_address_from_prehash(&digest)
        .unwrap();
    assert_eq!(recovered, key.address());
}

#[test]
fn signatures_are_low_s_with_v_27_or_28() {
    let half_n = U256::from_be_bytes(hex!(
        "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0"
    ));
    for seed in 1..=20u8 {
        let key = Key::from_seed(seed);
        let digest = keccak256([seed]);
        let rsv = key.sign_digest(digest);
        assert!(U256::from_be_slice(&rsv[32..64]) <= half_n);
        assert!(rsv[64] == 27 || rsv[64] == 28);
        let sig = Signature::from_raw(&rsv).unwrap();
        assert_eq!(
            sig.recover_address_from_prehash(&digest).unwrap(),
            key.address()
        );
    }
}

// -------------------------------------------------- error decoding (§5.5)

/// §5.5: AA23 with the account's `ValidationFunctionMissing(installValidation)`.
#[test]
fn failed_op_with_revert_of_the_note_decodes() {
    let data = cat(&[
        &hex!("65c8fd4d"),
        &word(0),
        &word(0x60),
        &word(0xa0),
        &word(0x0d),
        &padded(b"AA23 reverted"),
        &word(0x24),
        // ValidationFunctionMissing(0x1bbf564c): 36 bytes, padded to 64.
        &padded(&cat(&[&hex!("cf7b49f6"), &padded(&hex!("1bbf564c"))])),
    ]);
    assert_eq!(data.len(), 260);
    let failed = FailedOp::decode(&data).unwrap();
    assert_eq!(failed.op_index, U256::ZERO);
    assert_eq!(failed.reason, "AA23 reverted");
    assert_eq!(
        failed.account_error(),
        Some(
            IReferenceAccount::IReferenceAccountErrors::ValidationFunctionMissing(
                IReferenceAccount::ValidationFunctionMissing {
                    selector: FixedBytes(hex!("1bbf564c"))
                }
            )
        )
    );
    assert_eq!(failed.module_error(), None);
    let text = describe(&data);
    assert!(
        text.contains("AA23 reverted") && text.contains("ValidationFunctionMissing"),
        "{text}"
    );
}

/// §5.5: AA24, a plain `FailedOp`.
#[test]
fn failed_op_of_the_note_decodes() {
    let data = cat(&[
        &hex!("220266b6"),
        &word(0),
        &word(0x40),
        &word(0x14),
        &padded(b"AA24 signature error"),
    ]);
    let failed = FailedOp::decode(&data).unwrap();
    assert_eq!(
        failed,
        FailedOp {
            op_index: U256::ZERO,
            reason: "AA24 signature error".into(),
            inner: None
        }
    );
    assert_eq!(describe(&data), "FailedOp(0, \"AA24 signature error\")");
    assert_eq!(FailedOp::decode(&hex!("deadbeef")), None);
}

/// §5.5: a validation hook's `UnexpectedDataPassed()` wrapped by the
/// account in `PreUserOpValidationHookReverted(hook ‖ entity, reason)`.
#[test]
fn wrapped_hook_errors_decode() {
    let inner = cat(&[
        &hex!("4db96e31"),
        &hex!("4444444444444444444444444444444444444444 00000001 0000000000000000"),
        &word(0x40),
        &word(0x04),
        &padded(&hex!("d218aafb")),
    ]);
    // The binding encodes it the same way.
    let encoded = IReferenceAccount::PreUserOpValidationHookReverted {
        moduleEntity: encode::module_entity(HOOK_4, 1),
        revertReason: hex!("d218aafb").to_vec().into(),
    }
    .abi_encode();
    assert_eq!(encoded, inner);
    let wrapped = e2e::ModuleError::decode(&inner).unwrap();
    assert_eq!(wrapped.wrapper, Wrapper::PreUserOpValidationHook);
    assert_eq!(wrapped.module, HOOK_4);
    assert_eq!(wrapped.entity_id, 1);
    assert_eq!(wrapped.reason.as_ref(), hex!("d218aafb"));
    assert_eq!(
        wrapped.reason_as::<ISelectorAllowlistModule::ISelectorAllowlistModuleErrors>(),
        Some(
            ISelectorAllowlistModule::ISelectorAllowlistModuleErrors::UnexpectedDataPassed(
                ISelectorAllowlistModule::UnexpectedDataPassed {}
            )
        )
    );

    // Inside FailedOpWithRevert, with a module's own error.
    let not_allowed = ISelectorAllowlistModule::SelectorNotAllowed {
        target: COUNTER_3,
        selector: FixedBytes(hex!("06661abd")),
    }
    .abi_encode();
    let account_error = IReferenceAccount::PreUserOpValidationHookReverted {
        moduleEntity: encode::module_entity(HOOK_4, 1),
        revertReason: not_allowed.clone().into(),
    }
    .abi_encode();
    let data = localnet::entry_point::IEntryPoint::FailedOpWithRevert {
        opIndex: U256::ZERO,
        reason: "AA23 reverted".into(),
        inner: account_error.into(),
    }
    .abi_encode();
    let failed = FailedOp::decode(&data).unwrap();
    let module_error = failed.module_error().unwrap();
    assert_eq!((module_error.module, module_error.entity_id), (HOOK_4, 1));
    assert_eq!(module_error.reason.as_ref(), not_allowed.as_slice());
    let text = describe(&data);
    assert!(
        text.contains("PreUserOpValidationHook") && text.contains("SelectorNotAllowed"),
        "{text}"
    );
    // The other wrappers.
    let exec = IReferenceAccount::PreExecHookReverted {
        moduleEntity: encode::module_entity(HOOK_5, 2),
        revertReason: Bytes::new(),
    }
    .abi_encode();
    let wrapped = e2e::ModuleError::decode(&exec).unwrap();
    assert_eq!(
        (wrapped.wrapper, wrapped.module, wrapped.entity_id),
        (Wrapper::PreExecHook, HOOK_5, 2)
    );
    let validation = IReferenceAccount::UserOpValidationFunctionReverted {
        moduleEntity: encode::module_entity(MODULE_1, 1),
        revertReason: ISessionSignerModule::InvalidSignatureType {}
            .abi_encode()
            .into(),
    }
    .abi_encode();
    let wrapped = e2e::ModuleError::decode(&validation).unwrap();
    assert_eq!(wrapped.wrapper, Wrapper::UserOpValidationFunction);
    assert!(describe(&validation).contains("InvalidSignatureType"));
}

// ------------------------------------------------ on the real EntryPoint

/// `getUserOpHash` and `getNonce` on the deployed EntryPoint agree with the
/// helpers and the note.
#[test]
fn the_entry_point_agrees_with_the_helpers() {
    if !available("the_entry_point_agrees_with_the_helpers", Needs::EntryPoint) {
        return;
    }
    let mut net = chain();
    let op = note_op();
    assert_eq!(
        user_op_hash_on_chain(&mut net, &op),
        b256!("18db6680e723aae28e20a17f377f49cfadc9062a32ddd091d6d60fd972ddf61c")
    );
    // The signature is not hashed.
    let mut signed = op.clone();
    signed.signature = vec![0xff; 67].into();
    assert_eq!(
        user_op_hash_on_chain(&mut net, &signed),
        user_op_hash_on_chain(&mut net, &op)
    );
    for (entity, global) in [(1, false), (0, true), (7, true), (0xffff_fffe, false)] {
        let key = encode::nonce_key(entity, global);
        assert_eq!(
            net.entry_point_nonce(ACCOUNT_2, U256::from(key)),
            encode::nonce(key, 0)
        );
    }
}

/// A sender whose `validateUserOp` reverts: the EntryPoint's real
/// `FailedOpWithRevert(0, "AA23 reverted", "")`, decoded.
#[test]
fn a_reverting_validate_user_op_is_aa23() {
    if !available("a_reverting_validate_user_op_is_aa23", Needs::EntryPoint) {
        return;
    }
    let mut net = chain();
    // The Counter reverts (empty) on validateUserOp's selector.
    let counter = Counter::deploy(&mut net);
    let op = e2e::user_op::unsigned(counter.address, U256::ZERO, vec![], Gas::default());
    let out = net.handle_ops(BUNDLER, vec![op], BUNDLER);
    let failed = out.expect_failed_op();
    assert_eq!(failed.op_index, U256::ZERO);
    assert_eq!(failed.reason, "AA23 reverted");
    assert_eq!(failed.inner, Some(Bytes::new()));
    assert!(out.user_op_events().is_empty());
}

/// The real session-signer checks the signer's signatures: `validateUserOp`
/// of the module (called as an account would, without the `0xFF` marker)
/// returns 0 for the key and 1 for another key.
#[test]
fn the_session_signer_accepts_the_helpers_signatures() {
    if !available(
        "the_session_signer_accepts_the_helpers_signatures",
        Needs::Modules,
    ) {
        return;
    }
    let mut net = chain();
    let modules = Modules::deploy(&mut net);
    let key = Key::from_bytes(SESSION_SECRET);
    let account = Address::repeat_byte(0xAC);
    net.fund(account, ether(1));
    let install = ISessionSignerModule::onInstallCall {
        data: (1u32, key.address()).abi_encode_params().into(),
    };
    net.transact(
        account,
        modules.session_signer,
        U256::ZERO,
        install.abi_encode(),
    )
    .expect_success();
    let signers = ISessionSignerModule::signersCall {
        entityId: 1,
        account,
    };
    let stored = net
        .call(account, modules.session_signer, signers.abi_encode())
        .decode_return::<ISessionSignerModule::signersCall>()
        .unwrap();
    assert_eq!(stored, key.address());

    let mut op = e2e::user_op::unsigned(
        account,
        encode::nonce(encode::nonce_key(1, false), 0),
        encode::execute(COUNTER_3, U256::ZERO, Counter::increment_calldata()),
        Gas::default(),
    );
    let hash = user_op_hash_on_chain(&mut net, &op);
    let mut validate = |signature: Vec<u8>| {
        op.signature = signature.into();
        let call = ISessionSignerModule::validateUserOpCall {
            entityId: 1,
            userOp: op.clone().into(),
            userOpHash: hash,
        };
        let out = net.call(account, modules.session_signer, call.abi_encode());
        out.decode_return::<ISessionSignerModule::validateUserOpCall>()
            .unwrap_or_else(|e| panic!("validateUserOp: {e}"))
    };
    assert_eq!(validate(key.sign_user_op_hash(hash)), U256::ZERO);
    assert_eq!(
        validate(Key::from_seed(9).sign_user_op_hash(hash)),
        U256::from(1)
    );
    assert_eq!(
        validate(key.sign_user_op_hash(B256::repeat_byte(1))),
        U256::from(1)
    );
}
