//! secp256k1 keys (k256) that sign user operations as the session-signer
//! checks them: `0x00 ‖ r ‖ s ‖ v` over the EIP-191 digest of the
//! userOpHash (docs/design/mav2-account.md §2.4, §2.5).
//!
//! k256 signs deterministically (RFC 6979) and returns low-s signatures,
//! which OpenZeppelin's `ECDSA.tryRecover` (and the session-signer)
//! require; `v` is 27 or 28.

use alloy_primitives::{eip191_hash_message, keccak256, Address, B256};
use k256::ecdsa::SigningKey;

/// The session-signer's signature type byte for an ECDSA (EOA) signer.
pub const SIGNATURE_TYPE_ECDSA: u8 = 0x00;

/// Anything that signs user operations for the session-signer: the
/// validation segment's body (after `0xFF`) for a userOpHash. [`Key`]
/// (type `0x00`), and [`crate::passkey::Passkey`] (type `0x02`) and
/// [`crate::passkey::WebAuthn`] (type `0x03`).
pub trait UserOpSigner {
    /// The session-signer's signature of `user_op_hash` (type byte first).
    fn sign_user_op_hash(&self, user_op_hash: B256) -> Vec<u8>;
}

impl UserOpSigner for Key {
    fn sign_user_op_hash(&self, user_op_hash: B256) -> Vec<u8> {
        Key::sign_user_op_hash(self, user_op_hash)
    }
}

/// A secp256k1 private key.
#[derive(Clone)]
pub struct Key(SigningKey);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.address())
    }
}

impl Key {
    /// The key with these 32 bytes as its scalar; panics if they are not a
    /// valid secret key (0 or ≥ the group order).
    pub fn from_bytes(secret: B256) -> Self {
        Self(SigningKey::from_slice(secret.as_slice()).expect("a valid secp256k1 secret key"))
    }

    /// The key with these 32 bytes as its scalar, or `None` if they are not
    /// a valid secret key (0 or ≥ the group order).
    pub fn try_from_bytes(secret: B256) -> Option<Self> {
        SigningKey::from_slice(secret.as_slice()).ok().map(Self)
    }

    /// A new random key, from the operating system's generator.
    pub fn random() -> Self {
        Self(SigningKey::random(
            &mut k256::elliptic_curve::rand_core::OsRng,
        ))
    }

    /// A test key with every byte of the scalar `seed` (`seed` ≠ 0).
    pub fn from_seed(seed: u8) -> Self {
        Self::from_bytes(B256::repeat_byte(seed))
    }

    /// The 32-byte secret scalar, for signers that need it as bytes (the
    /// JSON-RPC backend signs transactions with alloy's `PrivateKeySigner`).
    /// It is the key itself: never log or send it.
    pub fn secret_bytes(&self) -> B256 {
        B256::from_slice(&self.0.to_bytes())
    }

    /// The Ethereum address: the low 20 bytes of keccak256 of the
    /// uncompressed public key (without its `0x04` tag).
    pub fn address(&self) -> Address {
        let point = self.0.verifying_key().to_encoded_point(false);
        Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
    }

    /// `r ‖ s ‖ v` (65 bytes, `v` 27 or 28) over a 32-byte digest, as is.
    pub fn sign_digest(&self, digest: B256) -> [u8; 65] {
        let (signature, recovery) = self
            .0
            .sign_prehash_recoverable(digest.as_slice())
            .expect("signing a 32-byte digest");
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&signature.to_bytes());
        out[64] = 27 + recovery.to_byte();
        out
    }

    /// The session-signer's ERC-1271 signature of `replay_safe_hash` (the
    /// module's `replaySafeHash(account, hash)`): `0x00 ‖ r ‖ s ‖ v` over
    /// that hash as is. Wrap it with
    /// [`crate::encode::erc1271_signature`] for the account.
    pub fn sign_replay_safe_hash(&self, replay_safe_hash: B256) -> Vec<u8> {
        let mut out = vec![SIGNATURE_TYPE_ECDSA];
        out.extend_from_slice(&self.sign_digest(replay_safe_hash));
        out
    }

    /// The session-signer's user-op signature: `0x00 ‖ r ‖ s ‖ v` over
    /// `keccak256("\x19Ethereum Signed Message:\n32" ‖ userOpHash)`. This is
    /// the validation segment's body, after the `0xFF` marker.
    pub fn sign_user_op_hash(&self, user_op_hash: B256) -> Vec<u8> {
        let mut out = vec![SIGNATURE_TYPE_ECDSA];
        out.extend_from_slice(&self.sign_digest(eip191_hash_message(user_op_hash)));
        out
    }
}
