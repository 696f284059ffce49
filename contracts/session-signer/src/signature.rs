//! Signature checks: the digests, and the three signer types verified
//! through precompiles and ERC-1271 calls.

use alloc::vec::Vec;
use module_kit::Host;
use permission_core::abi::AbiWriter;
use permission_core::selectors::{keccak, IS_VALID_SIGNATURE};
use permission_core::{Address, B256, U256};

/// The ecrecover precompile.
pub const ECRECOVER: Address =
    Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
/// Arbitrum's P-256 verification precompile (RIP-7212).
pub const P256_VERIFY: Address =
    Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);

/// Gas offered to a precompile (ecrecover costs 3,000, P-256 6,900).
const PRECOMPILE_GAS: u64 = 10_000;

/// Half the secp256k1 order: a larger `s` is the malleable twin.
const SECP256K1_HALF_ORDER: U256 = U256::from_be_bytes([
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
]);

/// Half the P-256 group order: a larger `s` is the malleable twin, refused
/// for raw P-256 and WebAuthn signatures alike.
const P256_HALF_ORDER: U256 = U256::from_be_bytes([
    0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
]);

/// `keccak256("EIP712Domain(uint256 chainId,address verifyingContract,bytes32 salt)")`.
pub const DOMAIN_TYPEHASH: [u8; 32] =
    keccak("EIP712Domain(uint256 chainId,address verifyingContract,bytes32 salt)");
/// `keccak256("ReplaySafeHash(bytes32 hash)")`.
pub const REPLAY_SAFE_TYPEHASH: [u8; 32] = keccak("ReplaySafeHash(bytes32 hash)");

/// The signature types (the first byte of a signature).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureType {
    /// ECDSA over secp256k1 by an EOA.
    Ecdsa,
    /// ERC-1271 by a contract.
    Contract,
    /// P-256 by a passkey, over the digest itself.
    P256,
    /// P-256 by a passkey, as a WebAuthn assertion (a browser passkey).
    WebAuthn,
}

/// Splits a signature into its type and body; `None` for an empty
/// signature or an unknown type.
pub fn split_signature(signature: &[u8]) -> Option<(SignatureType, &[u8])> {
    let (kind, body) = signature.split_first()?;
    let kind = match kind {
        0 => SignatureType::Ecdsa,
        1 => SignatureType::Contract,
        2 => SignatureType::P256,
        3 => SignatureType::WebAuthn,
        _ => return None,
    };
    Some((kind, body))
}

/// `keccak256("\x19Ethereum Signed Message:\n32" ‖ hash)`.
pub fn eth_signed_message_hash<H: Host>(host: &H, hash: B256) -> B256 {
    let mut preimage = [0u8; 28 + 32];
    preimage[..28].copy_from_slice(b"\x19Ethereum Signed Message:\n32");
    preimage[28..].copy_from_slice(hash.as_slice());
    host.native_keccak256(&preimage)
}

/// The EIP-712 hash a signer signs for `account` under this module.
pub fn replay_safe_hash<H: Host>(host: &H, account: Address, hash: B256) -> B256 {
    let domain = AbiWriter::new(4)
        .word(DOMAIN_TYPEHASH)
        .uint(host.chain_id())
        .address(host.contract_address())
        .address(account)
        .finish();
    let domain_separator = host.native_keccak256(&domain);
    let mut struct_preimage = [0u8; 64];
    struct_preimage[..32].copy_from_slice(&REPLAY_SAFE_TYPEHASH);
    struct_preimage[32..].copy_from_slice(hash.as_slice());
    let struct_hash = host.native_keccak256(&struct_preimage);
    let mut preimage = [0u8; 66];
    preimage[..2].copy_from_slice(&[0x19, 0x01]);
    preimage[2..34].copy_from_slice(domain_separator.as_slice());
    preimage[34..].copy_from_slice(struct_hash.as_slice());
    host.native_keccak256(&preimage)
}

/// A static call; `None` if it failed. Validation only reads storage, so
/// there is nothing to flush before it.
pub(crate) fn static_call<H: Host>(
    host: &H,
    to: Address,
    data: &[u8],
    gas: u64,
) -> Option<Vec<u8>> {
    module_kit::calls::static_call(host, to, data, gas).ok()
}

/// Whether `body` (`r ‖ s ‖ v`) is `signer`'s ECDSA signature of `digest`.
pub fn ecdsa_valid<H: Host>(host: &H, signer: Address, digest: B256, body: &[u8]) -> bool {
    let [r @ .., v] = body else { return false };
    if r.len() != 64 || !(*v == 27 || *v == 28) || signer.is_zero() {
        return false;
    }
    let s = U256::from_be_slice(&r[32..]);
    if s > SECP256K1_HALF_ORDER {
        return false;
    }
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63] = *v;
    input[64..].copy_from_slice(r);
    match static_call(host, ECRECOVER, &input, PRECOMPILE_GAS) {
        Some(out) if out.len() == 32 => {
            out[..12].iter().all(|b| *b == 0) && Address::from_slice(&out[12..]) == signer
        }
        _ => false,
    }
}

/// Whether contract `signer` accepts `body` for `digest` (ERC-1271).
pub fn contract_valid<H: Host>(host: &H, signer: Address, digest: B256, body: &[u8]) -> bool {
    if signer.is_zero() {
        return false;
    }
    let call = AbiWriter::new(2)
        .word(digest.0)
        .dyn_bytes(body)
        .finish_with_selector(IS_VALID_SIGNATURE);
    let mut magic = [0u8; 32];
    magic[..4].copy_from_slice(&IS_VALID_SIGNATURE);
    match static_call(host, signer, &call, u64::MAX) {
        Some(out) => out.len() >= 32 && out[..32] == magic,
        None => false,
    }
}

/// Whether `body` (`r ‖ s`) is a P-256 signature of `digest` by key
/// `(x, y)`, checked by the precompile at 0x100.
pub fn p256_valid<H: Host>(host: &H, key: (B256, B256), digest: B256, body: &[u8]) -> bool {
    if body.len() != 64 {
        return false;
    }
    p256_verify(
        host,
        key,
        digest,
        B256::from_slice(&body[..32]),
        B256::from_slice(&body[32..]),
    )
}

/// The P-256 precompile's verdict on `(r, s)` by `key` over `hash`; a high
/// `s` (the malleable twin `n - s`) is refused before the precompile.
pub(crate) fn p256_verify<H: Host>(
    host: &H,
    key: (B256, B256),
    hash: B256,
    r: B256,
    s: B256,
) -> bool {
    if U256::from_be_bytes(s.0) > P256_HALF_ORDER {
        return false;
    }
    let mut input = [0u8; 160];
    input[..32].copy_from_slice(hash.as_slice());
    input[32..64].copy_from_slice(r.as_slice());
    input[64..96].copy_from_slice(s.as_slice());
    input[96..128].copy_from_slice(key.0.as_slice());
    input[128..].copy_from_slice(key.1.as_slice());
    match static_call(host, P256_VERIFY, &input, PRECOMPILE_GAS) {
        Some(out) => out.len() == 32 && U256::from_be_slice(&out) == U256::from(1),
        None => false,
    }
}
