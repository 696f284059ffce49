//! P-256 passkeys as session keys (the `p256` crate), in the two forms the
//! session-signer accepts (contracts/session-signer/src/signature.rs,
//! webauthn.rs), both over `digest = keccak256("\x19Ethereum Signed
//! Message:\n32" ‖ userOpHash)`:
//!
//! | type | body | made by |
//! |---|---|---|
//! | `0x02` | `r ‖ s` over `digest` itself | [`Passkey`] |
//! | `0x03` | `abi.encode(bytes authenticatorData, bytes clientDataJSON, uint256 challengeIndex, uint256 typeIndex, uint256 r, uint256 s)` | [`WebAuthn`] |
//!
//! A WebAuthn assertion is what a browser passkey produces: the
//! authenticator signs `sha256(authenticatorData ‖ sha256(clientDataJSON))`
//! where `clientDataJSON` carries `"type":"webauthn.get"` and
//! `"challenge":"<base64url(digest)>"`; `authenticatorData` is at least 37
//! bytes with the user-present flag (bit 0 of byte 32). `s` is low (at most
//! half the order), which the module requires for WebAuthn.
//!
//! Install a passkey signer with [`Passkey::install_data`]:
//! `abi.encode(uint32 entityId, address(0), uint256 x, uint256 y)`.

use alloy_primitives::{eip191_hash_message, Bytes, B256, U256};
use alloy_sol_types::SolValue;
use base64::Engine;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::signer::UserOpSigner;

/// The session-signer's signature type byte for a raw P-256 signature.
pub const SIGNATURE_TYPE_P256: u8 = 0x02;
/// The session-signer's signature type byte for a WebAuthn assertion.
pub const SIGNATURE_TYPE_WEBAUTHN: u8 = 0x03;

/// A P-256 private key.
#[derive(Clone)]
pub struct Passkey(SigningKey);

impl std::fmt::Debug for Passkey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (x, y) = self.xy();
        write!(f, "Passkey(x {x:#x}, y {y:#x})")
    }
}

impl Passkey {
    /// A test key with every byte of the scalar `seed` (`seed` ≠ 0).
    pub fn from_seed(seed: u8) -> Self {
        Self(SigningKey::from_slice(&[seed; 32]).expect("a valid P-256 secret key"))
    }

    /// The public key's affine coordinates.
    pub fn xy(&self) -> (U256, U256) {
        let point = self.0.verifying_key().to_encoded_point(false);
        (
            U256::from_be_slice(point.x().expect("not the identity")),
            U256::from_be_slice(point.y().expect("not the identity")),
        )
    }

    /// The session-signer's install data for this key:
    /// `abi.encode(entityId, address(0), x, y)`.
    pub fn install_data(&self, entity_id: u32) -> Bytes {
        let (x, y) = self.xy();
        (entity_id, alloy_primitives::Address::ZERO, x, y)
            .abi_encode_params()
            .into()
    }

    /// A low-s signature of a 32-byte hash, as is (RFC 6979).
    pub fn sign_prehash(&self, hash: &[u8]) -> (B256, B256) {
        let signature: Signature = self.0.sign_prehash(hash).expect("signing a 32-byte hash");
        let signature = signature.normalize_s().unwrap_or(signature);
        (
            B256::from_slice(&signature.r().to_bytes()),
            B256::from_slice(&signature.s().to_bytes()),
        )
    }

    /// `0x02 ‖ r ‖ s` over the EIP-191 digest of `user_op_hash`.
    pub fn sign_user_op_hash(&self, user_op_hash: B256) -> Vec<u8> {
        let (r, s) = self.sign_prehash(eip191_hash_message(user_op_hash).as_slice());
        [&[SIGNATURE_TYPE_P256][..], r.as_slice(), s.as_slice()].concat()
    }

    /// The same key signing as a browser would ([`WebAuthn`]).
    pub fn webauthn(&self) -> WebAuthn {
        WebAuthn::new(self.clone())
    }
}

impl UserOpSigner for Passkey {
    fn sign_user_op_hash(&self, user_op_hash: B256) -> Vec<u8> {
        Passkey::sign_user_op_hash(self, user_op_hash)
    }
}

/// A browser passkey: signs user operations as WebAuthn assertions (type
/// `0x03`). The knobs make broken assertions for refusal tests.
#[derive(Clone, Debug)]
pub struct WebAuthn {
    /// The key.
    pub passkey: Passkey,
    /// The authenticator data's flags byte (`0x05`: user present and
    /// verified).
    pub flags: u8,
    /// clientDataJSON's `type` (`webauthn.get`).
    pub kind: &'static str,
    /// clientDataJSON's `origin`.
    pub origin: &'static str,
    /// Sign this challenge instead of the operation's digest.
    pub challenge_override: Option<B256>,
}

impl WebAuthn {
    /// Assertions by `passkey` with a browser's usual fields.
    pub fn new(passkey: Passkey) -> Self {
        Self {
            passkey,
            flags: 0x05,
            kind: "webauthn.get",
            origin: "https://dapp.example",
            challenge_override: None,
        }
    }

    /// The type-`0x03` signature of `digest` (the challenge).
    pub fn sign_digest(&self, digest: B256) -> Vec<u8> {
        // rpIdHash ‖ flags ‖ signCount.
        let mut auth_data = Sha256::digest(b"dapp.example").to_vec();
        auth_data.push(self.flags);
        auth_data.extend_from_slice(&1u32.to_be_bytes());
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(self.challenge_override.unwrap_or(digest));
        let client_data = format!(
            r#"{{"type":"{}","challenge":"{challenge}","origin":"{}","crossOrigin":false}}"#,
            self.kind, self.origin
        );
        let type_index = client_data.find(r#""type""#).expect("type key");
        let challenge_index = client_data.find(r#""challenge""#).expect("challenge key");
        let mut message = auth_data.clone();
        message.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
        let (r, s) = self.passkey.sign_prehash(&Sha256::digest(&message));
        let body = (
            Bytes::from(auth_data),
            Bytes::from(client_data.into_bytes()),
            U256::from(challenge_index),
            U256::from(type_index),
            U256::from_be_bytes(r.0),
            U256::from_be_bytes(s.0),
        )
            .abi_encode_params();
        [vec![SIGNATURE_TYPE_WEBAUTHN], body].concat()
    }
}

impl UserOpSigner for WebAuthn {
    /// The assertion over the EIP-191 digest of `user_op_hash`.
    fn sign_user_op_hash(&self, user_op_hash: B256) -> Vec<u8> {
        self.sign_digest(eip191_hash_message(user_op_hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::ecdsa::VerifyingKey;

    #[test]
    fn p256_signatures_verify_and_are_low_s() {
        let key = Passkey::from_seed(9);
        let hash = B256::repeat_byte(0x42);
        let sig = key.sign_user_op_hash(hash);
        assert_eq!(sig.len(), 65);
        assert_eq!(sig[0], SIGNATURE_TYPE_P256);
        let parsed = Signature::from_slice(&sig[1..]).unwrap();
        assert!(parsed.normalize_s().is_none(), "low s");
        VerifyingKey::from(&key.0)
            .verify_prehash(eip191_hash_message(hash).as_slice(), &parsed)
            .unwrap();
    }

    #[test]
    fn webauthn_bodies_carry_the_challenge() {
        let key = Passkey::from_seed(9);
        let digest = B256::repeat_byte(0xfb);
        let sig = key.webauthn().sign_digest(digest);
        assert_eq!(sig[0], SIGNATURE_TYPE_WEBAUTHN);
        type Body = (Bytes, Bytes, U256, U256, U256, U256);
        let (auth, client, challenge_at, type_at, _, _) =
            <Body as SolValue>::abi_decode_params(&sig[1..]).unwrap();
        assert_eq!(auth.len(), 37);
        assert_eq!(auth[32] & 1, 1);
        let client = String::from_utf8(client.to_vec()).unwrap();
        let expected = format!(
            r#""challenge":"{}""#,
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
        );
        assert!(client[challenge_at.to::<usize>()..].starts_with(&expected));
        assert!(client[type_at.to::<usize>()..].starts_with(r#""type":"webauthn.get""#));
    }
}
