//! The session-signer module: storage, validation and admin functions.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::{emit_account_event, emit_account_event_keyed};
use module_kit::router::Ctx;
use module_kit::scope::{address_key, Scope, PAYLOAD_LEN};
use module_kit::validation::{RuntimeArgs, ValidationModule};
use module_kit::{Host, Output};
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::selectors::{keccak, selector};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{Address, ValidationData, Window, B256, U256};

use crate::signature::*;
use crate::webauthn::webauthn_valid;

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.session-signer.0.1.0";

/// `transferSigner(uint32,address)` (MAv2's selector `0x4aeb3b03`).
pub const TRANSFER_SIGNER: [u8; 4] = selector("transferSigner(uint32,address)");
/// `setPasskey(uint32,uint256,uint256)`.
pub const SET_PASSKEY: [u8; 4] = selector("setPasskey(uint32,uint256,uint256)");
/// `signers(uint32,address)` (MAv2's getter `0x217178fb`).
pub const SIGNERS: [u8; 4] = selector("signers(uint32,address)");
/// `passkey(uint32,address)`.
pub const PASSKEY: [u8; 4] = selector("passkey(uint32,address)");
/// `replaySafeHash(address,bytes32)` (MAv2's `0x219336d6`).
pub const REPLAY_SAFE_HASH: [u8; 4] = selector("replaySafeHash(address,bytes32)");
/// `signerWindow(uint32,address)`.
pub const SIGNER_WINDOW: [u8; 4] = selector("signerWindow(uint32,address)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 6] = [
    TRANSFER_SIGNER,
    SET_PASSKEY,
    SIGNERS,
    PASSKEY,
    REPLAY_SAFE_HASH,
    SIGNER_WINDOW,
];

/// `NotAuthorized()` (MAv2's `0xea8e4eb5`).
pub const NOT_AUTHORIZED: [u8; 4] = selector("NotAuthorized()");
/// `InvalidSignatureType()` (MAv2's `0x60cd402d`).
pub const INVALID_SIGNATURE_TYPE: [u8; 4] = selector("InvalidSignatureType()");
/// `InvalidSigner()`.
pub const INVALID_SIGNER: [u8; 4] = selector("InvalidSigner()");
/// The window's errors, shared with time-window.
pub use permission_core::window::{INVALID_TIME_WINDOW, OUTSIDE_TIME_WINDOW};
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 5] = [
    NOT_AUTHORIZED,
    INVALID_SIGNATURE_TYPE,
    INVALID_SIGNER,
    INVALID_TIME_WINDOW,
    OUTSIDE_TIME_WINDOW,
];

/// Topic of `SignerTransferred(address,uint32,address,address)`.
pub const SIGNER_TRANSFERRED: [u8; 32] =
    keccak("SignerTransferred(address,uint32,address,address)");
/// Topic of `PasskeySet(address,uint32,uint256,uint256)`.
pub const PASSKEY_SET: [u8; 32] = keccak("PasskeySet(address,uint32,uint256,uint256)");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 2] = [SIGNER_TRANSFERRED, PASSKEY_SET];

/// Storage tags of a passkey's coordinates.
const PASSKEY_X: u8 = 1;
const PASSKEY_Y: u8 = 2;
/// Storage tag of the key's window (read only when the payload flags one).
const WINDOW: u8 = 3;
const NO_KEY: [u8; 32] = [0u8; 32];
/// Payload byte that is 1 when the key has a window.
const WINDOWED: usize = 21;

/// Who signs for an (account, entityId).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    /// Nothing installed.
    None,
    /// An EOA (ECDSA) or a contract (ERC-1271).
    Address(Address),
    /// A P-256 public key.
    Passkey(B256, B256),
}

/// The signer lives in the metadata payload (byte 0: 1 address, 2 passkey;
/// bytes 1..21: the address; byte 21: 1 when the key has a window), the
/// passkey's coordinates and the window in their own slots.
fn load_signer<H: Host>(scope: &Scope<'_, H>) -> Signer {
    let payload = scope.payload();
    match payload[0] {
        1 => Signer::Address(Address::from_slice(&payload[1..21])),
        2 => Signer::Passkey(
            scope.read(PASSKEY_X, &NO_KEY),
            scope.read(PASSKEY_Y, &NO_KEY),
        ),
        _ => Signer::None,
    }
}

/// The key's window; unbounded when it has none (no extra storage read).
fn load_window<H: Host>(scope: &Scope<'_, H>) -> Window {
    if scope.payload()[WINDOWED] == 0 {
        return Window::default();
    }
    let word = scope.read(WINDOW, &NO_KEY);
    let mut bytes = [0u8; 12];
    bytes.copy_from_slice(&word[20..]);
    Window::from_bytes(&bytes)
}

/// Stores a bounded window and flags it in the payload (an unbounded one
/// stores nothing).
fn store_window<H: Host>(scope: &mut Scope<'_, H>, window: Window) {
    if !window.is_bounded() {
        return;
    }
    let mut word = [0u8; 32];
    word[20..].copy_from_slice(&window.to_bytes());
    scope.write(WINDOW, &NO_KEY, B256::from(word));
    let mut payload = scope.payload();
    payload[WINDOWED] = 1;
    scope.set_payload(payload);
}

/// Stores `signer`, keeping the window flag.
fn store_signer<H: Host>(scope: &mut Scope<'_, H>, signer: Signer) {
    let mut payload = [0u8; PAYLOAD_LEN];
    payload[WINDOWED] = scope.payload()[WINDOWED];
    match signer {
        Signer::Address(address) => {
            payload[0] = 1;
            payload[1..21].copy_from_slice(address.as_slice());
        }
        Signer::Passkey(x, y) => {
            payload[0] = 2;
            scope.write(PASSKEY_X, &NO_KEY, x);
            scope.write(PASSKEY_Y, &NO_KEY, y);
        }
        Signer::None => {}
    }
    scope.set_payload(payload);
}

fn signer_address(signer: Signer) -> Address {
    match signer {
        Signer::Address(address) => address,
        _ => Address::ZERO,
    }
}

/// Records `signer` for `scope` and emits its event.
fn set_signer<H: Host>(scope: &mut Scope<'_, H>, signer: Signer) {
    let previous = signer_address(load_signer(scope));
    store_signer(scope, signer);
    match signer {
        Signer::Passkey(x, y) => emit_account_event(
            scope.host(),
            PASSKEY_SET,
            scope.account,
            scope.entity_id,
            &AbiWriter::new(2).word(x.0).word(y.0).finish(),
        ),
        _ => emit_account_event_keyed(
            scope.host(),
            SIGNER_TRANSFERRED,
            scope.account,
            scope.entity_id,
            address_key(signer_address(signer)),
            &AbiWriter::new(1).address(previous).finish(),
        ),
    }
}

/// Words in the install data that carries a window.
const WINDOWED_INSTALL_WORDS: usize = 6;

/// Decodes an install: `(entityId, signer)` (MAv2's form), `(entityId, 0,
/// x, y)` (a passkey), or `(entityId, signer, x, y, validAfter,
/// validUntil)` (either signer, with a window; `x, y` are 0 for an
/// address signer).
fn decode_install(data: &[u8]) -> Result<(u32, Signer, Window), Vec<u8>> {
    let r = AbiReader::new(data);
    let entity_id = r.u32(0).or_revert()?;
    let address = r.address(1).or_revert()?;
    let windowed = data.len() >= WINDOWED_INSTALL_WORDS * 32;
    let window = if windowed {
        Window::new(r.uint(4, 48).or_revert()?, r.uint(5, 48).or_revert()?).well_formed()?
    } else {
        Window::default()
    };
    if !address.is_zero() {
        // An address signer with coordinates too is ambiguous.
        if windowed && (!r.b256(2).or_revert()?.is_zero() || !r.b256(3).or_revert()?.is_zero()) {
            return Err(INVALID_SIGNER.to_vec());
        }
        return Ok((entity_id, Signer::Address(address), window));
    }
    let (x, y) = (r.b256(2).or_revert()?, r.b256(3).or_revert()?);
    passkey_signer(x, y).map(|signer| (entity_id, signer, window))
}

/// A passkey signer; the point at infinity (0, 0) is refused.
fn passkey_signer(x: B256, y: B256) -> Result<Signer, Vec<u8>> {
    if x.is_zero() && y.is_zero() {
        return Err(INVALID_SIGNER.to_vec());
    }
    Ok(Signer::Passkey(x, y))
}

/// Whether `signature` by `signer` is valid for `digest`; reverts
/// `InvalidSignatureType` for an empty signature or an unknown type.
fn check_signature<H: Host>(
    host: &H,
    signer: Signer,
    digest: B256,
    signature: &[u8],
) -> Result<bool, Vec<u8>> {
    let (kind, body) = split_signature(signature).ok_or_else(|| INVALID_SIGNATURE_TYPE.to_vec())?;
    Ok(match (kind, signer) {
        (SignatureType::Ecdsa, Signer::Address(a)) => ecdsa_valid(host, a, digest, body),
        (SignatureType::Contract, Signer::Address(a)) => contract_valid(host, a, digest, body),
        (SignatureType::P256, Signer::Passkey(x, y)) => p256_valid(host, (x, y), digest, body),
        (SignatureType::WebAuthn, Signer::Passkey(x, y)) => {
            webauthn_valid(host, (x, y), digest, body)
        }
        _ => false,
    })
}

/// The session-signer module.
pub struct SessionSigner;

impl SessionSigner {
    fn transfer_signer<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let mut scope = ctx.installed_scope(args)?;
        let signer = args.address(1).or_revert()?;
        if signer.is_zero() {
            return Err(INVALID_SIGNER.to_vec());
        }
        set_signer(&mut scope, Signer::Address(signer));
        Ok(Vec::new())
    }

    fn set_passkey<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let mut scope = ctx.installed_scope(args)?;
        let signer = passkey_signer(args.b256(1).or_revert()?, args.b256(2).or_revert()?)?;
        set_signer(&mut scope, signer);
        Ok(Vec::new())
    }

    /// The signer of the `(uint32 entityId, address account)` view arguments.
    fn view_signer<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Result<Signer, Vec<u8>> {
        let entity_id = args.u32(0).or_revert()?;
        let account = args.address(1).or_revert()?;
        Ok(load_signer(&Scope::load(ctx.host, account, entity_id)))
    }
}

impl ValidationModule for SessionSigner {
    const MODULE_ID: &'static str = MODULE_ID;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let (entity_id, signer, window) = decode_install(data)?;
        let mut scope = ctx.scope(entity_id);
        scope.install()?;
        set_signer(&mut scope, signer);
        store_window(&mut scope, window);
        Ok(entity_id)
    }

    /// The signature's verdict, bounded by the key's window: the EntryPoint
    /// refuses the operation outside it (AA22) before anything is paid,
    /// whatever hooks the key has, and no clock is read here (ERC-7562).
    fn validate_user_op<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
        user_op_hash: B256,
    ) -> Result<ValidationData, Vec<u8>> {
        let sender = user_op.sender().or_revert()?;
        let scope = Scope::load(ctx.host, sender, entity_id);
        let signer = load_signer(&scope);
        let digest = eth_signed_message_hash(ctx.host, user_op_hash);
        let valid = check_signature(ctx.host, signer, digest, user_op.signature().or_revert()?)?;
        let mut data = load_window(&scope).validation_data();
        data.authorizer = U256::from(u8::from(!valid));
        Ok(data)
    }

    fn validate_runtime<H: Host>(ctx: &Ctx<'_, H>, args: &RuntimeArgs) -> Result<(), Vec<u8>> {
        let scope = Scope::load(ctx.host, args.account, args.entity_id);
        match load_signer(&scope) {
            Signer::Address(address) if address == args.sender => {}
            _ => return Err(NOT_AUTHORIZED.to_vec()),
        }
        load_window(&scope).check_at(ctx.host.block_timestamp())
    }

    /// An ERC-1271 signature is valid only inside the key's window.
    fn validate_signature<H: Host>(
        ctx: &Ctx<'_, H>,
        account: Address,
        entity_id: u32,
        hash: B256,
        signature: &[u8],
    ) -> Result<bool, Vec<u8>> {
        let scope = Scope::load(ctx.host, account, entity_id);
        let signer = load_signer(&scope);
        if !load_window(&scope).contains(ctx.host.block_timestamp()) {
            return Ok(false);
        }
        let digest = replay_safe_hash(ctx.host, account, hash);
        check_signature(ctx.host, signer, digest, signature)
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            TRANSFER_SIGNER => Self::transfer_signer(ctx, args),
            SET_PASSKEY => Self::set_passkey(ctx, args),
            SIGNERS => Self::view_signer(ctx, args)
                .map(|signer| AbiWriter::new(1).address(signer_address(signer)).finish()),
            PASSKEY => Self::view_signer(ctx, args).map(|signer| {
                let (x, y) = match signer {
                    Signer::Passkey(x, y) => (x, y),
                    _ => (B256::ZERO, B256::ZERO),
                };
                AbiWriter::new(2).word(x.0).word(y.0).finish()
            }),
            SIGNER_WINDOW => (|| {
                let entity_id = args.u32(0).or_revert()?;
                let account = args.address(1).or_revert()?;
                Ok(load_window(&Scope::load(ctx.host, account, entity_id)).encode())
            })(),
            REPLAY_SAFE_HASH => (|| {
                let account = args.address(0).or_revert()?;
                let hash = args.b256(1).or_revert()?;
                Ok(replay_safe_hash(ctx.host, account, hash).to_vec())
            })(),
            _ => return None,
        })
    }
}
