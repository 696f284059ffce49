//! The session-signer on its compiled WASM in the local chain, where
//! ecrecover (0x01) and the P-256 verifier (0x100) are real precompiles.
//! Signatures are made here with k256 and p256 and checked by the module.

use std::collections::BTreeSet;

use alloy_primitives::{eip191_hash_message, keccak256, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use k256::ecdsa::SigningKey;
use module_kit::chain::Chain;
use module_kit::testing::*;
use module_kit::validation::VALIDATION_FUNCTIONS;
use module_kit::Output;
use permission_core::selectors::*;

use crate::module::*;
use crate::SessionSigner;

sol!(
    #[sol(all_derives)]
    "interface/ISessionSignerModule.sol"
);
use ISessionSignerModule as I;
use ISessionSignerModule::{
    ISessionSignerModuleCalls, ISessionSignerModuleErrors as Errors, ISessionSignerModuleEvents,
};

const ENTITY: u32 = 5;
/// The local chain's id (localnet's `CHAIN_ID`, Arbitrum's dev node).
const CHAIN_ID: u64 = 412_346;

/// A secp256k1 session key.
struct Key(SigningKey);

impl Key {
    fn new(seed: u8) -> Self {
        Self(SigningKey::from_slice(&[seed; 32]).unwrap())
    }

    fn address(&self) -> Address {
        let point = self.0.verifying_key().to_encoded_point(false);
        Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
    }

    /// `0x00 ‖ r ‖ s ‖ v` over `digest`.
    fn sign(&self, digest: B256) -> Vec<u8> {
        let (signature, recovery) = self.0.sign_prehash_recoverable(digest.as_slice()).unwrap();
        let mut out = vec![0u8];
        out.extend_from_slice(&signature.to_bytes());
        out.push(27 + recovery.to_byte());
        out
    }
}

/// A P-256 passkey.
struct Passkey(p256::ecdsa::SigningKey);

impl Passkey {
    fn new(seed: u8) -> Self {
        Self(p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap())
    }

    fn xy(&self) -> (U256, U256) {
        let point = self.0.verifying_key().to_encoded_point(false);
        (
            U256::from_be_slice(point.x().unwrap()),
            U256::from_be_slice(point.y().unwrap()),
        )
    }

    /// `0x02 ‖ r ‖ s` over `digest`, with the low `s` clients send (the
    /// module refuses the high twin).
    fn sign(&self, digest: B256) -> Vec<u8> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let signature: p256::ecdsa::Signature = self.0.sign_prehash(digest.as_slice()).unwrap();
        let signature = signature.normalize_s().unwrap_or(signature);
        let mut out = vec![2u8];
        out.extend_from_slice(&signature.to_bytes());
        out
    }
}

struct Setup {
    h: Harness<SessionSigner>,
    module: Address,
}

fn deploy() -> Setup {
    let chain = Chain::deploy("session-signer");
    let module = chain.module();
    Setup {
        h: Harness::on(Box::new(chain)),
        module,
    }
}

fn install(s: &Setup, account: Address, signer: Address) {
    s.h.call_ok(account, &on_install((ENTITY, signer).abi_encode_params()));
}

fn user_op_for(sender: Address, signature: Vec<u8>) -> I::PackedUserOperation {
    I::PackedUserOperation {
        sender,
        nonce: U256::ZERO,
        initCode: Default::default(),
        callData: vec![1, 2, 3].into(),
        accountGasLimits: B256::ZERO,
        preVerificationGas: U256::ZERO,
        gasFees: B256::ZERO,
        paymasterAndData: Default::default(),
        signature: signature.into(),
    }
}

const OP_HASH: B256 = B256::repeat_byte(0x42);

fn validate_user_op(s: &Setup, sender: Address, signature: Vec<u8>) -> Output {
    s.h.call(
        sender,
        &I::validateUserOpCall {
            entityId: ENTITY,
            userOp: user_op_for(sender, signature),
            userOpHash: OP_HASH,
        },
    )
}

fn user_op_result(s: &Setup, sender: Address, signature: Vec<u8>) -> U256 {
    let out = validate_user_op(s, sender, signature).expect("validateUserOp does not revert");
    I::validateUserOpCall::abi_decode_returns(&out).unwrap()
}

/// The replay-safe hash, computed here independently of the module.
fn replay_safe_hash(module: Address, account: Address, hash: B256) -> B256 {
    let domain_typehash =
        keccak256("EIP712Domain(uint256 chainId,address verifyingContract,bytes32 salt)");
    let domain = keccak256(
        (
            domain_typehash,
            U256::from(CHAIN_ID),
            module,
            account.into_word(),
        )
            .abi_encode(),
    );
    let struct_hash = keccak256((keccak256("ReplaySafeHash(bytes32 hash)"), hash).abi_encode());
    keccak256([&[0x19, 0x01][..], domain.as_slice(), struct_hash.as_slice()].concat())
}

fn validate_signature(s: &Setup, account: Address, hash: B256, signature: Vec<u8>) -> [u8; 4] {
    let call = I::validateSignatureCall {
        account,
        entityId: ENTITY,
        sender: Address::repeat_byte(0x5E),
        hash,
        signature: signature.into(),
    };
    s.h.call_ok(account, &call).0
}

#[test]
fn an_ecdsa_session_key_signs_user_operations() {
    let s = deploy();
    let key = Key::new(7);
    install(&s, ACCOUNT, key.address());
    let digest = eip191_hash_message(OP_HASH);
    assert_eq!(user_op_result(&s, ACCOUNT, key.sign(digest)), U256::ZERO);
    // The wrong key, the wrong digest, and the other account's entity fail
    // without reverting.
    assert_eq!(
        user_op_result(&s, ACCOUNT, Key::new(8).sign(digest)),
        U256::from(1)
    );
    assert_eq!(
        user_op_result(&s, ACCOUNT, key.sign(OP_HASH)),
        U256::from(1)
    );
    assert_eq!(
        user_op_result(&s, OTHER_ACCOUNT, key.sign(digest)),
        U256::from(1)
    );
}

#[test]
fn an_empty_or_unknown_signature_type_reverts() {
    let s = deploy();
    install(&s, ACCOUNT, Key::new(7).address());
    for signature in [vec![], vec![4u8; 66]] {
        let err: Errors =
            s.h.expect_err(|| validate_user_op(&s, ACCOUNT, signature.clone()));
        assert_eq!(
            err,
            Errors::InvalidSignatureType(I::InvalidSignatureType {})
        );
    }
}

#[test]
fn a_passkey_signs_with_p256() {
    let s = deploy();
    let passkey = Passkey::new(9);
    let (x, y) = passkey.xy();
    s.h.call_ok(
        ACCOUNT,
        &on_install((ENTITY, Address::ZERO, x, y).abi_encode_params()),
    );
    let stored = s.h.call_ok(
        ACCOUNT,
        &I::passkeyCall {
            entityId: ENTITY,
            account: ACCOUNT,
        },
    );
    assert_eq!((stored.x, stored.y), (x, y));
    let digest = eip191_hash_message(OP_HASH);
    assert_eq!(
        user_op_result(&s, ACCOUNT, passkey.sign(digest)),
        U256::ZERO
    );
    assert_eq!(
        user_op_result(&s, ACCOUNT, Passkey::new(10).sign(digest)),
        U256::from(1)
    );
    // An ECDSA signature does not pass for a passkey signer, and a passkey
    // cannot authorize runtime calls.
    assert_eq!(
        user_op_result(&s, ACCOUNT, Key::new(7).sign(digest)),
        U256::from(1)
    );
    let err: Errors = s.h.call_err(ACCOUNT, &runtime(ACCOUNT, Address::ZERO));
    assert_eq!(err, Errors::NotAuthorized(I::NotAuthorized {}));
    // ERC-1271 through the passkey.
    let hash = B256::repeat_byte(0x77);
    let digest = replay_safe_hash(s.module, ACCOUNT, hash);
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, passkey.sign(digest)),
        IS_VALID_SIGNATURE
    );
}

#[test]
fn install_refuses_a_zero_passkey() {
    let s = deploy();
    let err: Errors = s.h.call_err(
        ACCOUNT,
        &on_install((ENTITY, Address::ZERO, U256::ZERO, U256::ZERO).abi_encode_params()),
    );
    assert_eq!(err, Errors::InvalidSigner(I::InvalidSigner {}));
    let err: Errors = s.h.call_err(
        ACCOUNT,
        &on_install((ENTITY, Address::ZERO).abi_encode_params()),
    );
    assert_eq!(
        err,
        Errors::MalformedCalldata(I::MalformedCalldata { reason: 1 })
    );
}

fn runtime(account: Address, sender: Address) -> I::validateRuntimeCall {
    I::validateRuntimeCall {
        account,
        entityId: ENTITY,
        sender,
        value: U256::ZERO,
        data: Default::default(),
        authorization: Default::default(),
    }
}

#[test]
fn runtime_validation_requires_the_signer_as_caller() {
    let s = deploy();
    let key = Key::new(7);
    install(&s, ACCOUNT, key.address());
    s.h.call_ok(ACCOUNT, &runtime(ACCOUNT, key.address()));
    let err: Errors =
        s.h.call_err(ACCOUNT, &runtime(ACCOUNT, Address::repeat_byte(9)));
    assert_eq!(err, Errors::NotAuthorized(I::NotAuthorized {}));
    let err: Errors =
        s.h.call_err(ACCOUNT, &runtime(OTHER_ACCOUNT, key.address()));
    assert_eq!(err, Errors::NotAuthorized(I::NotAuthorized {}));
}

/// Runtime code that answers every call with `word` (32 bytes).
fn always_returns(word: [u8; 32]) -> Vec<u8> {
    let mut code = vec![0x7F]; // PUSH32 word
    code.extend_from_slice(&word);
    code.extend_from_slice(&[0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xF3]); // MSTORE(0), RETURN(0, 32)
    code
}

#[test]
fn a_contract_signer_answers_through_erc1271() {
    let chain = Chain::deploy("session-signer");
    let module = chain.module();
    let mut magic = [0u8; 32];
    magic[..4].copy_from_slice(&IS_VALID_SIGNATURE);
    let yes = chain.net().try_deploy_code(&always_returns(magic)).unwrap();
    let no = chain
        .net()
        .try_deploy_code(&always_returns([0u8; 32]))
        .unwrap();
    let s = Setup {
        h: Harness::on(Box::new(chain)),
        module,
    };
    install(&s, ACCOUNT, yes);
    let contract_sig = vec![1u8, 0xAB, 0xCD];
    assert_eq!(
        user_op_result(&s, ACCOUNT, contract_sig.clone()),
        U256::ZERO
    );
    assert_eq!(
        validate_signature(&s, ACCOUNT, B256::ZERO, contract_sig.clone()),
        IS_VALID_SIGNATURE
    );
    s.h.call_ok(
        ACCOUNT,
        &I::transferSignerCall {
            entityId: ENTITY,
            newSigner: no,
        },
    );
    assert_eq!(
        user_op_result(&s, ACCOUNT, contract_sig.clone()),
        U256::from(1)
    );
    assert_eq!(
        validate_signature(&s, ACCOUNT, B256::ZERO, contract_sig),
        ERC1271_INVALID
    );
}

#[test]
fn transfer_signer_rotates_the_key() {
    let s = deploy();
    let (old, new) = (Key::new(7), Key::new(8));
    install(&s, ACCOUNT, old.address());
    s.h.call_ok(
        ACCOUNT,
        &I::transferSignerCall {
            entityId: ENTITY,
            newSigner: new.address(),
        },
    );
    let log = s.h.logs().pop().unwrap();
    let event = I::SignerTransferred::decode_raw_log(log.0.iter().copied(), &log.1).unwrap();
    assert_eq!(
        (
            event.account,
            event.entityId,
            event.newSigner,
            event.previousSigner
        ),
        (ACCOUNT, ENTITY, new.address(), old.address())
    );
    assert_eq!(
        s.h.call_ok(
            ACCOUNT,
            &I::signersCall {
                entityId: ENTITY,
                account: ACCOUNT
            }
        ),
        new.address()
    );
    let digest = eip191_hash_message(OP_HASH);
    assert_eq!(user_op_result(&s, ACCOUNT, old.sign(digest)), U256::from(1));
    assert_eq!(user_op_result(&s, ACCOUNT, new.sign(digest)), U256::ZERO);
    let err: Errors = s.h.call_err(
        ACCOUNT,
        &I::transferSignerCall {
            entityId: ENTITY,
            newSigner: Address::ZERO,
        },
    );
    assert_eq!(err, Errors::InvalidSigner(I::InvalidSigner {}));
    let err: Errors = s.h.call_err(
        OTHER_ACCOUNT,
        &I::transferSignerCall {
            entityId: ENTITY,
            newSigner: new.address(),
        },
    );
    assert!(matches!(err, Errors::NotInstalled(_)));
}

#[test]
fn uninstall_revokes_and_reinstall_starts_clean() {
    let s = deploy();
    let key = Key::new(7);
    install(&s, ACCOUNT, key.address());
    let err: Errors = s.h.call_err(
        ACCOUNT,
        &on_install((ENTITY, key.address()).abi_encode_params()),
    );
    assert!(matches!(err, Errors::AlreadyInstalled(_)));
    s.h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    let digest = eip191_hash_message(OP_HASH);
    assert_eq!(user_op_result(&s, ACCOUNT, key.sign(digest)), U256::from(1));
    assert_eq!(
        s.h.call_ok(
            ACCOUNT,
            &I::signersCall {
                entityId: ENTITY,
                account: ACCOUNT
            }
        ),
        Address::ZERO
    );
    let other = Key::new(8);
    install(&s, ACCOUNT, other.address());
    assert_eq!(user_op_result(&s, ACCOUNT, key.sign(digest)), U256::from(1));
    assert_eq!(user_op_result(&s, ACCOUNT, other.sign(digest)), U256::ZERO);
}

#[test]
fn erc165_module_id_and_interface_file() {
    let s = deploy();
    for (id, expected) in [
        (IVALIDATION_MODULE_ID, true),
        (IMODULE_ID, true),
        (IERC165_ID, true),
        (IVALIDATION_HOOK_MODULE_ID, false),
        (IEXECUTION_HOOK_MODULE_ID, false),
    ] {
        assert_eq!(
            s.h.call_ok(
                ACCOUNT,
                &IERC165::supportsInterfaceCall {
                    interfaceId: id.into()
                }
            ),
            expected
        );
    }
    assert_eq!(
        s.h.call_ok(ACCOUNT, &IModule::moduleIdCall {}),
        "stylus-session-keys.session-signer.0.1.0"
    );

    // The Solidity interface is exactly the Rust ABI, and every function in
    // it is routed on the compiled module.
    let rust: BTreeSet<[u8; 4]> = VALIDATION_FUNCTIONS
        .iter()
        .chain(&ADMIN_FUNCTIONS)
        .copied()
        .collect();
    let sol: BTreeSet<[u8; 4]> = ISessionSignerModuleCalls::SELECTORS
        .iter()
        .copied()
        .collect();
    assert_eq!(rust, sol);
    let rust_errors: BTreeSet<[u8; 4]> = module_kit::errors::COMMON_ERRORS
        .iter()
        .chain(&MODULE_ERRORS)
        .copied()
        .collect();
    assert_eq!(rust_errors, Errors::SELECTORS.iter().copied().collect());
    let rust_events: BTreeSet<[u8; 32]> = module_kit::events::COMMON_EVENTS
        .iter()
        .chain(&MODULE_EVENTS)
        .copied()
        .collect();
    assert_eq!(
        rust_events,
        ISessionSignerModuleEvents::SELECTORS
            .iter()
            .copied()
            .collect()
    );
    for selector in ISessionSignerModuleCalls::SELECTORS {
        let mut calldata = selector.to_vec();
        calldata.extend_from_slice(&[0u8; 32 * 6]);
        if let Err(revert) = s.h.call_raw(ACCOUNT, &calldata) {
            let unsupported = [
                &module_kit::errors::UNSUPPORTED_FUNCTION[..],
                &selector[..],
                &[0u8; 28][..],
            ]
            .concat();
            assert_ne!(revert, unsupported, "0x{} is not routed", hex(selector));
        }
    }
}

/// A WebAuthn assertion of `digest` by `passkey`, as a browser builds it,
/// with knobs to break each part.
struct Assertion {
    flags: u8,
    kind: &'static str,
    challenge: B256,
    high_s: bool,
}

impl Assertion {
    fn of(digest: B256) -> Self {
        Self {
            flags: 0x05,
            kind: "webauthn.get",
            challenge: digest,
            high_s: false,
        }
    }

    fn sign(&self, passkey: &Passkey) -> Vec<u8> {
        use base64::Engine;
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        use sha2::{Digest, Sha256};
        let mut auth_data = vec![0x11u8; 32];
        auth_data.push(self.flags);
        auth_data.extend_from_slice(&[0, 0, 0, 1]);
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.challenge);
        let client_data = format!(
            r#"{{"type":"{}","challenge":"{challenge}","origin":"https://dapp.example","crossOrigin":false}}"#,
            self.kind
        );
        let type_index = client_data.find(r#""type""#).unwrap();
        let challenge_index = client_data.find(r#""challenge""#).unwrap();
        let mut message = auth_data.clone();
        message.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
        let hash = Sha256::digest(&message);
        let signature: p256::ecdsa::Signature = passkey.0.sign_prehash(&hash).unwrap();
        let signature = signature.normalize_s().unwrap_or(signature);
        let r = U256::from_be_slice(&signature.r().to_bytes());
        let mut s = U256::from_be_slice(&signature.s().to_bytes());
        if self.high_s {
            let n = U256::from_str_radix(
                "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
                16,
            )
            .unwrap();
            s = n - s;
        }
        let body = (
            alloy_primitives::Bytes::from(auth_data),
            alloy_primitives::Bytes::from(client_data.into_bytes()),
            U256::from(challenge_index),
            U256::from(type_index),
            r,
            s,
        )
            .abi_encode_params();
        [vec![3u8], body].concat()
    }
}

/// A deployed module with `Passkey::new(9)` installed for `ACCOUNT`.
fn with_passkey() -> (Setup, Passkey) {
    let s = deploy();
    let passkey = Passkey::new(9);
    let (x, y) = passkey.xy();
    s.h.call_ok(
        ACCOUNT,
        &on_install((ENTITY, Address::ZERO, x, y).abi_encode_params()),
    );
    (s, passkey)
}

#[test]
fn a_browser_passkey_signs_with_webauthn() {
    let (s, passkey) = with_passkey();
    let digest = eip191_hash_message(OP_HASH);
    assert_eq!(
        user_op_result(&s, ACCOUNT, Assertion::of(digest).sign(&passkey)),
        U256::ZERO
    );
    // Each part of the assertion matters.
    let broken = [
        Assertion {
            challenge: B256::repeat_byte(1),
            ..Assertion::of(digest)
        },
        Assertion {
            flags: 0x04,
            ..Assertion::of(digest)
        },
        Assertion {
            kind: "webauthn.create",
            ..Assertion::of(digest)
        },
        Assertion {
            high_s: true,
            ..Assertion::of(digest)
        },
    ];
    for assertion in broken {
        assert_eq!(
            user_op_result(&s, ACCOUNT, assertion.sign(&passkey)),
            U256::from(1)
        );
    }
    assert_eq!(
        user_op_result(&s, ACCOUNT, Assertion::of(digest).sign(&Passkey::new(10))),
        U256::from(1)
    );
    let truncated = Assertion::of(digest).sign(&passkey)[..100].to_vec();
    assert_eq!(user_op_result(&s, ACCOUNT, truncated), U256::from(1));
    // ERC-1271 through a browser passkey.
    let hash = B256::repeat_byte(0x33);
    let signed = Assertion::of(replay_safe_hash(s.module, ACCOUNT, hash)).sign(&passkey);
    assert_eq!(
        validate_signature(&s, ACCOUNT, hash, signed),
        IS_VALID_SIGNATURE
    );
}

/// The order of P-256.
fn p256_order() -> U256 {
    U256::from_str_radix(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
        16,
    )
    .unwrap()
}

/// The six-word install data: `signer` with coordinate `x` (0 for an
/// address signer) and the window `[after, until]` (`until` as a word, so
/// a value past uint48 can be written).
fn windowed_install(signer: Address, x: U256, after: u64, until: U256) -> Vec<u8> {
    (ENTITY, signer, x, U256::ZERO, U256::from(after), until).abi_encode_params()
}

/// Installs `signer` with the window `[after, until]`.
fn install_windowed(s: &Setup, account: Address, signer: Address, after: u64, until: u64) {
    s.h.call_ok(
        account,
        &on_install(windowed_install(
            signer,
            U256::ZERO,
            after,
            U256::from(until),
        )),
    );
}

#[test]
fn a_windowed_key_returns_its_window_as_validation_data() {
    let s = deploy();
    let key = Key::new(7);
    install_windowed(&s, ACCOUNT, key.address(), 1_000, 2_000);
    let digest = eip191_hash_message(OP_HASH);
    let expected = permission_core::Window::new(1_000, 2_000)
        .validation_data()
        .pack();
    assert_eq!(user_op_result(&s, ACCOUNT, key.sign(digest)), expected);
    // A bad signature keeps the window and sets the failure bit.
    assert_eq!(
        user_op_result(&s, ACCOUNT, Key::new(8).sign(digest)),
        expected | U256::from(1)
    );
    let window = s.h.call_ok(
        ACCOUNT,
        &I::signerWindowCall {
            entityId: ENTITY,
            account: ACCOUNT,
        },
    );
    assert_eq!(
        (window.validAfter.to::<u64>(), window.validUntil.to::<u64>()),
        (1_000, 2_000)
    );
    // Rotating the key keeps the window.
    let new = Key::new(8);
    s.h.call_ok(
        ACCOUNT,
        &I::transferSignerCall {
            entityId: ENTITY,
            newSigner: new.address(),
        },
    );
    assert_eq!(user_op_result(&s, ACCOUNT, new.sign(digest)), expected);
    // MAv2's two-word form has no window: validation data 0.
    install(&s, OTHER_ACCOUNT, key.address());
    assert_eq!(
        user_op_result(&s, OTHER_ACCOUNT, key.sign(digest)),
        U256::ZERO
    );
}

#[test]
fn install_refuses_a_bad_window_or_an_ambiguous_signer() {
    let s = deploy();
    let key = Key::new(7);
    let refused = |data: Vec<u8>| -> Errors { s.h.call_err(ACCOUNT, &on_install(data)) };
    let err = refused(windowed_install(
        key.address(),
        U256::ZERO,
        2_000,
        U256::from(1_000),
    ));
    assert!(matches!(err, Errors::InvalidTimeWindow(_)));
    let err = refused(windowed_install(
        key.address(),
        U256::from(1),
        0,
        U256::from(1_000),
    ));
    assert_eq!(err, Errors::InvalidSigner(I::InvalidSigner {}));
    // A window that does not fit uint48 is malformed, and nothing was
    // installed by any of these.
    let err = refused(windowed_install(
        key.address(),
        U256::ZERO,
        0,
        U256::from(1u64 << 48),
    ));
    assert!(matches!(err, Errors::MalformedCalldata(_)));
    install_windowed(&s, ACCOUNT, key.address(), 0, 1_000);
}

#[test]
fn uninstalling_nothing_succeeds_and_changes_nothing() {
    let s = deploy();
    // Never installed at this id.
    assert_uninstall_of_nothing_is_a_no_op(&s.h, ACCOUNT, ENTITY);
    // Already uninstalled: nothing left.
    install(&s, ACCOUNT, Key::new(3).address());
    s.h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&s.h, ACCOUNT, ENTITY);
}

mod attacks;
