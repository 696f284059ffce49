//! The session signer's attack inventory: forged, malleable, replayed and
//! confused signatures, strangers and stale installs, each refused on the
//! compiled WASM. A bad signature is "invalid" (validation data 1, or
//! `0xffffffff` from `validateSignature`), never a revert, so a bundler
//! can tell it from a broken module.

use super::*;

const STRANGER: Address = Address::new([0x99; 20]);
const INVALID: U256 = U256::from_limbs([1, 0, 0, 0]);

/// The order of secp256k1.
fn secp256k1_order() -> U256 {
    U256::from_str_radix(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
        16,
    )
    .unwrap()
}

/// A deployed module with `Key::new(7)` installed for `ACCOUNT`, and that
/// key's good signature over the user operation.
fn with_ecdsa_key() -> (Setup, Key, Vec<u8>) {
    let s = deploy();
    let key = Key::new(7);
    install(&s, ACCOUNT, key.address());
    let good = key.sign(eip191_hash_message(OP_HASH));
    assert_eq!(user_op_result(&s, ACCOUNT, good.clone()), U256::ZERO);
    (s, key, good)
}

// --- ECDSA encodings ---

#[test]
fn attack_ecdsa_high_s_twin() {
    let (s, _, good) = with_ecdsa_key();
    let mut twin = good.clone();
    let s_value = U256::from_be_slice(&good[33..65]);
    twin[33..65].copy_from_slice(&(secp256k1_order() - s_value).to_be_bytes::<32>());
    twin[65] = if good[65] == 27 { 28 } else { 27 };
    assert_eq!(user_op_result(&s, ACCOUNT, twin), INVALID);
}

#[test]
fn attack_ecdsa_v_out_of_range() {
    let (s, _, good) = with_ecdsa_key();
    for v in [0u8, 1, 26, 29, 35, 255] {
        let mut bad = good.clone();
        bad[65] = v;
        assert_eq!(user_op_result(&s, ACCOUNT, bad), INVALID, "v = {v}");
    }
}

#[test]
fn attack_ecdsa_compact_eip2098_signature() {
    // r ‖ (yParity << 255 | s): 64 bytes, which the module does not accept.
    let (s, _, good) = with_ecdsa_key();
    let mut compact = good[..65].to_vec();
    if good[65] == 28 {
        compact[33] |= 0x80;
    }
    assert_eq!(user_op_result(&s, ACCOUNT, compact), INVALID);
}

#[test]
fn attack_ecdsa_signature_with_trailing_bytes() {
    let (s, _, good) = with_ecdsa_key();
    assert_eq!(
        user_op_result(&s, ACCOUNT, [good, vec![0]].concat()),
        INVALID
    );
}

#[test]
fn attack_ecdsa_zero_r_and_s() {
    let (s, _, _) = with_ecdsa_key();
    let mut zero = vec![0u8; 65];
    zero.push(27);
    assert_eq!(user_op_result(&s, ACCOUNT, zero[..66].to_vec()), INVALID);
}

#[test]
fn attack_ecdsa_signature_over_the_raw_user_op_hash() {
    // Without the EIP-191 prefix a signature could be a transaction's.
    let (s, key, _) = with_ecdsa_key();
    assert_eq!(user_op_result(&s, ACCOUNT, key.sign(OP_HASH)), INVALID);
}

// --- Type confusion between signer kinds ---

#[test]
fn attack_p256_type_against_an_ecdsa_signer() {
    let (s, _, _) = with_ecdsa_key();
    let forged = Passkey::new(9).sign(eip191_hash_message(OP_HASH));
    assert_eq!(user_op_result(&s, ACCOUNT, forged), INVALID);
}

#[test]
fn attack_contract_type_against_an_eoa_signer() {
    // The signer has no code: its ERC-1271 answer is empty, not valid.
    let (s, _, good) = with_ecdsa_key();
    let mut as_contract = good;
    as_contract[0] = 1;
    assert_eq!(user_op_result(&s, ACCOUNT, as_contract), INVALID);
}

#[test]
fn attack_ecdsa_type_against_a_passkey_signer() {
    // A passkey install stores the zero address as signer: a signature
    // that recovers to nothing must not match it.
    let (s, _) = with_passkey();
    let mut garbage = vec![0u8; 65];
    garbage.push(27);
    assert_eq!(user_op_result(&s, ACCOUNT, garbage[..66].to_vec()), INVALID);
    let real = Key::new(7).sign(eip191_hash_message(OP_HASH));
    assert_eq!(user_op_result(&s, ACCOUNT, real), INVALID);
}

#[test]
fn attack_contract_type_against_a_passkey_signer() {
    let (s, _) = with_passkey();
    assert_eq!(user_op_result(&s, ACCOUNT, vec![1, 0xAB]), INVALID);
}

#[test]
fn attack_webauthn_type_with_a_raw_p256_body() {
    let (s, passkey) = with_passkey();
    let mut raw = passkey.sign(eip191_hash_message(OP_HASH));
    raw[0] = 3;
    assert_eq!(user_op_result(&s, ACCOUNT, raw), INVALID);
}

#[test]
fn attack_p256_scalars_out_of_range() {
    let (s, passkey) = with_passkey();
    let good = passkey.sign(eip191_hash_message(OP_HASH));
    let with = |r: Option<U256>, s_value: Option<U256>| {
        let mut sig = good.clone();
        if let Some(r) = r {
            sig[1..33].copy_from_slice(&r.to_be_bytes::<32>());
        }
        if let Some(s_value) = s_value {
            sig[33..65].copy_from_slice(&s_value.to_be_bytes::<32>());
        }
        sig
    };
    for bad in [
        with(Some(U256::ZERO), None),
        with(None, Some(U256::ZERO)),
        with(Some(p256_order()), None),
        with(Some(U256::MAX), None),
    ] {
        assert_eq!(user_op_result(&s, ACCOUNT, bad), INVALID);
    }
}

// --- Replay ---

#[test]
fn attack_erc1271_replay_across_accounts() {
    let s = deploy();
    let key = Key::new(7);
    install(&s, ACCOUNT, key.address());
    install(&s, OTHER_ACCOUNT, key.address());
    let hash = keccak256("hello");
    let expected = replay_safe_hash(s.module, ACCOUNT, hash);
    let from_module = s.h.call_ok(
        ACCOUNT,
        &I::replaySafeHashCall {
            account: ACCOUNT,
            hash,
        },
    );
    assert_eq!(from_module, expected);
    let signature = key.sign(expected);
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, signature.clone()),
        IS_VALID_SIGNATURE
    );
    // The same signature is worthless for another account with the same key,
    // and for the raw hash.
    assert_eq!(
        validate_signature(&s, OTHER_ACCOUNT, hash, signature),
        ERC1271_INVALID
    );
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, key.sign(hash)),
        ERC1271_INVALID
    );
}

#[test]
fn attack_erc1271_replay_from_another_module_deployment() {
    let (s, key, _) = with_ecdsa_key();
    let hash = keccak256("permit");
    let elsewhere = key.sign(replay_safe_hash(Address::repeat_byte(0x6D), ACCOUNT, hash));
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, elsewhere),
        ERC1271_INVALID
    );
}

#[test]
fn attack_erc1271_signature_over_the_raw_hash() {
    let (s, key, _) = with_ecdsa_key();
    let hash = keccak256("permit");
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, key.sign(hash)),
        ERC1271_INVALID
    );
    let prefixed = key.sign(eip191_hash_message(hash));
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, prefixed),
        ERC1271_INVALID
    );
}

#[test]
fn attack_user_op_signature_for_another_entity() {
    let (s, _, good) = with_ecdsa_key();
    let call = I::validateUserOpCall {
        entityId: ENTITY + 1,
        userOp: user_op_for(ACCOUNT, good),
        userOpHash: OP_HASH,
    };
    assert_eq!(s.h.call_ok(ACCOUNT, &call), INVALID);
}

// --- Strangers and stale installs ---

#[test]
fn attack_stranger_validates_an_accounts_user_op_with_its_own_key() {
    // Like MAv2's SingleSignerValidationModule, validation reads the
    // install of `userOp.sender` (it writes nothing): a stranger who
    // installs its own key and asks about the account's operation gets the
    // account's signer, which its key does not match.
    let (s, _, _) = with_ecdsa_key();
    let own = Key::new(8);
    install(&s, STRANGER, own.address());
    let forged = own.sign(eip191_hash_message(OP_HASH));
    assert_eq!(
        user_op_result_from(&s, STRANGER, ACCOUNT, forged.clone()),
        INVALID
    );
    assert_eq!(user_op_result(&s, ACCOUNT, forged), INVALID);
}

fn user_op_result_from(s: &Setup, caller: Address, sender: Address, signature: Vec<u8>) -> U256 {
    s.h.call_ok(
        caller,
        &I::validateUserOpCall {
            entityId: ENTITY,
            userOp: user_op_for(sender, signature),
            userOpHash: OP_HASH,
        },
    )
}

#[test]
fn attack_stranger_transfers_an_accounts_signer() {
    let (s, key, _) = with_ecdsa_key();
    let err: Errors = s.h.call_err(
        STRANGER,
        &I::transferSignerCall {
            entityId: ENTITY,
            newSigner: STRANGER,
        },
    );
    assert_eq!(err, not_installed(STRANGER, ENTITY));
    let signer = s.h.call_ok(
        STRANGER,
        &I::signersCall {
            entityId: ENTITY,
            account: ACCOUNT,
        },
    );
    assert_eq!(signer, key.address());
}

#[test]
fn attack_runtime_call_with_the_account_as_sender() {
    let (s, _, _) = with_ecdsa_key();
    let err: Errors = s.h.call_err(ACCOUNT, &runtime(ACCOUNT, ACCOUNT));
    assert_eq!(err, Errors::NotAuthorized(I::NotAuthorized {}));
}

#[test]
fn attack_signatures_after_uninstall() {
    let (s, key, good) = with_ecdsa_key();
    let hash = keccak256("permit");
    let signed = key.sign(replay_safe_hash(s.module, ACCOUNT, hash));
    s.h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_eq!(user_op_result(&s, ACCOUNT, good), INVALID);
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, signed),
        ERC1271_INVALID
    );
    let err: Errors = s.h.call_err(ACCOUNT, &runtime(ACCOUNT, key.address()));
    assert_eq!(err, Errors::NotAuthorized(I::NotAuthorized {}));
}

#[test]
fn attack_value_sent_to_the_module_is_refused() {
    let (s, _, good) = with_ecdsa_key();
    let call = I::validateUserOpCall {
        entityId: ENTITY,
        userOp: user_op_for(ACCOUNT, good),
        userOpHash: OP_HASH,
    };
    assert_refuses_value(&s.h, ACCOUNT, &call.abi_encode());
}

#[test]
fn attack_raw_p256_high_s_twin_is_refused() {
    let (s, passkey) = with_passkey();
    let digest = eip191_hash_message(OP_HASH);
    let good = passkey.sign(digest);
    let s_value = U256::from_be_slice(&good[33..65]);
    // Make both forms: the low-s one must pass, its twin must not.
    let (low, high) = if s_value > p256_order() >> 1 {
        (p256_order() - s_value, s_value)
    } else {
        (s_value, p256_order() - s_value)
    };
    let with_s = |value: U256| {
        let mut sig = good.clone();
        sig[33..65].copy_from_slice(&value.to_be_bytes::<32>());
        sig
    };
    assert_eq!(user_op_result(&s, ACCOUNT, with_s(low)), U256::ZERO);
    assert_eq!(user_op_result(&s, ACCOUNT, with_s(high)), U256::from(1));
    // The same on the ERC-1271 path.
    let hash = B256::repeat_byte(0x21);
    let signed = passkey.sign(replay_safe_hash(s.module, ACCOUNT, hash));
    let s_value = U256::from_be_slice(&signed[33..65]);
    let twin = p256_order() - s_value;
    let mut flipped = signed.clone();
    flipped[33..65].copy_from_slice(&twin.to_be_bytes::<32>());
    let (low_sig, high_sig) = if s_value > twin {
        (flipped, signed)
    } else {
        (signed, flipped)
    };
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, low_sig),
        IS_VALID_SIGNATURE
    );
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, high_sig),
        ERC1271_INVALID
    );
}

#[test]
fn attack_expired_key_signs_erc1271() {
    let s = deploy();
    let key = Key::new(7);
    install_windowed(&s, ACCOUNT, key.address(), 1_000, 2_000);
    let hash = B256::repeat_byte(0x44);
    let signature = key.sign(replay_safe_hash(s.module, ACCOUNT, hash));
    for (now, expected) in [
        (999, ERC1271_INVALID),
        (1_000, IS_VALID_SIGNATURE),
        (2_000, IS_VALID_SIGNATURE),
        (2_001, ERC1271_INVALID),
    ] {
        s.h.set_timestamp(now);
        assert_eq!(
            validate_signature(&s, ACCOUNT, hash, signature.clone()),
            expected,
            "at {now}"
        );
    }
}

#[test]
fn attack_expired_key_calls_through_runtime_validation() {
    let s = deploy();
    let key = Key::new(7);
    install_windowed(&s, ACCOUNT, key.address(), 1_000, 2_000);
    s.h.set_timestamp(1_500);
    s.h.call_ok(ACCOUNT, &runtime(ACCOUNT, key.address()));
    s.h.set_timestamp(2_001);
    let err: Errors = s.h.call_err(ACCOUNT, &runtime(ACCOUNT, key.address()));
    assert_eq!(
        err,
        Errors::OutsideTimeWindow(I::OutsideTimeWindow {
            validAfter: alloy_primitives::Uint::from(1_000u64),
            validUntil: alloy_primitives::Uint::from(2_000u64),
            timestamp: U256::from(2_001),
        })
    );
}
