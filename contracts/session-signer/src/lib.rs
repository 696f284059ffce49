//! # session-signer: the signer of a session key
//!
//! An ERC-6900 v0.8 validation module (IValidationModule) that follows the
//! conventions of MAv2's SingleSignerValidationModule, so that a session key
//! installed with it behaves as on MAv2, plus a passkey signer type.
//!
//! ## Install data
//! - `abi.encode(uint32 entityId, address signer)`: an EOA or an ERC-1271
//!   contract signs (MAv2's format);
//! - `abi.encode(uint32 entityId, address(0), uint256 x, uint256 y)`: a
//!   P-256 public key (a passkey) signs;
//! - `abi.encode(uint32 entityId, address signer, uint256 x, uint256 y,
//!   uint48 validAfter, uint48 validUntil)`: either signer (x, y zero for an
//!   address, an address with coordinates reverts `InvalidSigner()`), with
//!   the key's window (inclusive; `validUntil` 0 = no expiry; a window that
//!   ends before it starts reverts `InvalidTimeWindow`). `validateUserOp`
//!   returns the window as validation data, so the EntryPoint refuses the
//!   operation outside it (AA22) before it is paid for, without this module
//!   reading the clock (ERC-7562); `validateRuntime` reverts
//!   `OutsideTimeWindow` and `validateSignature` answers `0xffffffff`
//!   outside it. `transferSigner` and `setPasskey` keep the window.
//!
//! Uninstall data is `abi.encode(uint32 entityId)`. A second install of an
//! installed (account, entityId) reverts `AlreadyInstalled`, where MAv2
//! would overwrite the signer: rotate with `transferSigner` instead.
//!
//! ## Signatures
//! The first byte is the signature type (MAv2's types 0 and 1, and our 2 and 3):
//!
//! | type | body | valid when |
//! |---|---|---|
//! | `0x00` ECDSA | `r ‖ s ‖ v`, exactly 65 bytes, `v` 27 or 28, low `s` | `ecrecover` (precompile 0x01) gives the signer |
//! | `0x01` ERC-1271 | anything | `signer.isValidSignature(digest, body)` returns `0x1626ba7e` |
//! | `0x02` P-256 | `r ‖ s`, exactly 64 bytes, low `s` | the P-256 precompile at 0x100 verifies it for the stored key |
//! | `0x03` WebAuthn | `abi.encode(bytes authenticatorData, bytes clientDataJSON, uint256 challengeIndex, uint256 typeIndex, uint256 r, uint256 s)` | a browser passkey's assertion whose challenge is the digest (see [`webauthn`]) |
//!
//! An empty signature or another type byte reverts `InvalidSignatureType()`
//! (MAv2 reverts too). Any other bad signature is *invalid*, not a revert:
//! `validateUserOp` returns 1 and `validateSignature` returns `0xffffffff`.
//! A signature of the wrong kind for the stored signer is invalid.
//!
//! ## What is signed
//! - `validateUserOp`: the EIP-191 digest of `userOpHash`
//!   (`keccak256("\x19Ethereum Signed Message:\n32" ‖ userOpHash)`); the
//!   signer is looked up for `userOp.sender`, as MAv2 does.
//! - `validateSignature` (ERC-1271): `replaySafeHash(account, hash)`, the
//!   EIP-712 hash of `ReplaySafeHash(bytes32 hash)` under the domain
//!   `{chainId, verifyingContract: this module, salt: account}`, so a
//!   signature for one account cannot be replayed on another.
//! - `validateRuntime`: no signature; the caller must be the signer
//!   (`NotAuthorized()` otherwise, and always for a passkey).
//!
//! ## Admin and views
//! - `transferSigner(uint32 entityId, address newSigner)` and
//!   `setPasskey(uint32 entityId, uint256 x, uint256 y)` rotate the calling
//!   account's signer.
//! - `signers(uint32 entityId, address account) returns (address)` (MAv2's
//!   getter), `passkey(uint32 entityId, address account) returns (uint256 x,
//!   uint256 y)`, `signerWindow(uint32 entityId, address account) returns
//!   (uint48 validAfter, uint48 validUntil)`, `replaySafeHash(address account, bytes32 hash) returns
//!   (bytes32)`.
//!
//! ## Events
//! `SignerTransferred(address indexed account, uint32 indexed entityId,
//! address indexed newSigner, address previousSigner)` (MAv2 emits it
//! anonymous; ours has its signature topic), `PasskeySet(address indexed
//! account, uint32 indexed entityId, uint256 x, uint256 y)`, plus
//! `ModuleInstalled` and `ModuleUninstalled`.
//!
//! ## Errors
//! `NotAuthorized()`, `InvalidSignatureType()`, `InvalidSigner()`,
//! `InvalidTimeWindow(uint48, uint48)`, `OutsideTimeWindow(uint48, uint48,
//! uint256)`, plus the shared errors of `module_kit::errors`.
//!
//! The Solidity interface is `interface/ISessionSignerModule.sol`.
//!
//! # A key that reaches these admin functions
//!
//! The account is the admin of every signer it installed here, so a session
//! key that may make the account call `transferSigner` or `setPasskey` on
//! this module can replace any signer of the account, the owner's at entity
//! 0 included: a takeover. (The same holds for MAv2's
//! SingleSignerValidationModule.) Never name this module (or a wildcard
//! rule for its functions) in a key's grant: the SDK refuses both.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod module;
mod signature;
#[cfg(test)]
mod tests;
pub mod webauthn;

pub use module::*;
pub use signature::*;
pub use webauthn::{base64url, webauthn_valid};

module_kit::entrypoint!(validation crate::SessionSigner);
