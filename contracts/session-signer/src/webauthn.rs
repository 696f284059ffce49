//! WebAuthn assertions: how a browser passkey signs (signature type 3).
//!
//! A passkey does not sign the digest itself. The browser builds
//! `clientDataJSON`, which carries the digest base64url-encoded as its
//! `challenge`, and the authenticator signs
//! `sha256(authenticatorData ‖ sha256(clientDataJSON))` with P-256. The body
//! of a type-3 signature is
//! `abi.encode(bytes authenticatorData, bytes clientDataJSON, uint256
//! challengeIndex, uint256 typeIndex, uint256 r, uint256 s)` (the layout
//! Coinbase's and Daimo's WebAuthn verifiers use), and it is valid when:
//! - `authenticatorData` holds at least 37 bytes and its flags (byte 32) have
//!   user presence (bit 0);
//! - `clientDataJSON` has `"type":"webauthn.get"` at `typeIndex`, and
//!   `"challenge":"<base64url(digest)>"` at `challengeIndex`;
//! - `s` is at most half the P-256 order (no malleable twin);
//! - the P-256 precompile verifies `(r, s)` for the stored key over that
//!   hash, computed with the SHA-256 precompile (0x02).

use alloc::vec::Vec;
use module_kit::Host;
use permission_core::abi::AbiReader;
use permission_core::{Address, B256};

use crate::signature::{p256_verify, static_call};

/// The SHA-256 precompile.
pub const SHA256: Address =
    Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);

const TYPE_GET: &[u8] = br#""type":"webauthn.get""#;
const CHALLENGE_KEY: &[u8] = br#""challenge":""#;
/// Flag bit: the user was present.
const USER_PRESENT: u8 = 0x01;

/// Gas offered to the SHA-256 precompile (60 + 12 per word).
const SHA256_GAS: u64 = 100_000;

/// base64url without padding, as WebAuthn encodes the challenge.
pub fn base64url(bytes: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]);
        }
    }
    out
}

fn sha256<H: Host>(host: &H, data: &[u8]) -> Option<B256> {
    let out = static_call(host, SHA256, data, SHA256_GAS)?;
    (out.len() == 32).then(|| B256::from_slice(&out))
}

/// Whether `body` is a WebAuthn assertion by key `(x, y)` over `digest`.
/// Malformed bodies are invalid, never a revert.
pub fn webauthn_valid<H: Host>(host: &H, key: (B256, B256), digest: B256, body: &[u8]) -> bool {
    let r = AbiReader::new(body);
    let (Ok(auth_data), Ok(client_data), Ok(challenge_at), Ok(type_at), Ok(sig_r), Ok(sig_s)) = (
        r.dyn_bytes(0),
        r.dyn_bytes(1),
        r.uint(2, 64),
        r.uint(3, 64),
        r.b256(4),
        r.b256(5),
    ) else {
        return false;
    };
    if auth_data.len() < 37 || auth_data[32] & USER_PRESENT == 0 {
        return false;
    }
    let at = |index: u64, expected: &[u8]| {
        usize::try_from(index)
            .ok()
            .and_then(|start| client_data.get(start..start.checked_add(expected.len())?))
            == Some(expected)
    };
    let mut challenge = CHALLENGE_KEY.to_vec();
    challenge.extend_from_slice(&base64url(digest.as_slice()));
    challenge.push(b'"');
    if !at(type_at, TYPE_GET) || !at(challenge_at, &challenge) {
        return false;
    }
    let Some(client_hash) = sha256(host, client_data) else {
        return false;
    };
    let mut message = Vec::with_capacity(auth_data.len() + 32);
    message.extend_from_slice(auth_data);
    message.extend_from_slice(client_hash.as_slice());
    let Some(message_hash) = sha256(host, &message) else {
        return false;
    };
    p256_verify(host, key, message_hash, sig_r, sig_s)
}

#[cfg(test)]
mod tests {
    use super::base64url;

    #[test]
    fn base64url_matches_rfc4648_without_padding() {
        // RFC 4648 section 10 vectors, URL alphabet, padding dropped.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(input.as_bytes()), expected.as_bytes());
        }
        assert_eq!(base64url(&[0xFB, 0xFF]), b"-_8");
    }
}
