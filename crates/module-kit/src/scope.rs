//! Storage scoped to (account, hook entityId, install generation).
//!
//! Every slot a module touches is derived here, so that:
//! - one account's state can never alias another's: the account is part of
//!   every slot's preimage;
//! - slots are ERC-7562 "associated storage" of the account: each one is
//!   `keccak256(account ‖ x)` with the account as the first 32-byte word, so
//!   a validation hook may touch them for an unstaked sender;
//! - uninstalling is O(1): a per-(account, entityId) generation counter is
//!   part of every data slot's preimage, and uninstall increments it. The old
//!   generation's slots become unreachable and a reinstall starts clean.
//!
//! Layout: the metadata slot is `keccak(account ‖ keccak(entityId ‖ "meta"))`
//! and holds a 23-byte module payload (bytes 0..23), `installed` (byte 23)
//! and `generation` (bytes 24..32). A module that needs little state keeps
//! it in the payload and pays one storage read per call. A data
//! slot is `keccak(account ‖ keccak(entityId ‖ generation ‖ tag ‖ key))`,
//! where `tag` names the kind of value and `key` (32 bytes) selects one.

use alloc::vec::Vec;
use permission_core::{Address, B256, U256};
use stylus_sdk::stylus_core::Host;

use crate::errors;

/// The metadata tag; no data tag may use it.
const META: &[u8] = b"meta";

/// Storage of one (account, entityId) pair at its current generation.
pub struct Scope<'h, H: Host> {
    host: &'h H,
    /// The account: always `msg.sender` of the module call.
    pub account: Address,
    /// The hook's entityId.
    pub entity_id: u32,
    generation: u64,
    installed: bool,
    payload: [u8; PAYLOAD_LEN],
}

/// Bytes of the metadata word a module may use ([`Scope::payload`]).
pub const PAYLOAD_LEN: usize = 23;

impl<'h, H: Host> Scope<'h, H> {
    /// Loads the scope's metadata (one storage read).
    pub fn load(host: &'h H, account: Address, entity_id: u32) -> Self {
        let meta = host.storage_load_bytes32(meta_slot(host, account, entity_id));
        let mut generation = [0u8; 8];
        generation.copy_from_slice(&meta[24..]);
        let mut payload = [0u8; PAYLOAD_LEN];
        payload.copy_from_slice(&meta[..PAYLOAD_LEN]);
        Self {
            host,
            account,
            entity_id,
            generation: u64::from_be_bytes(generation),
            installed: meta[23] != 0,
            payload,
        }
    }

    /// The host this scope reads and writes through.
    pub fn host(&self) -> &'h H {
        self.host
    }

    /// Whether the module is installed for this (account, entityId).
    pub fn is_installed(&self) -> bool {
        self.installed
    }

    /// The current install generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Fails with `NotInstalled` unless installed.
    pub fn require_installed(&self) -> Result<(), Vec<u8>> {
        if self.installed {
            Ok(())
        } else {
            Err(errors::not_installed(self.account, self.entity_id))
        }
    }

    /// Marks the scope installed; fails with `AlreadyInstalled` if it is.
    pub fn install(&mut self) -> Result<(), Vec<u8>> {
        if self.installed {
            return Err(errors::already_installed(self.account, self.entity_id));
        }
        self.installed = true;
        self.write_meta();
        Ok(())
    }

    /// Makes every data slot of this generation unreachable, clears the
    /// payload and marks the scope uninstalled; fails with `NotInstalled` if
    /// it is not installed.
    pub fn uninstall(&mut self) -> Result<(), Vec<u8>> {
        self.require_installed()?;
        // 2^64 uninstalls cannot happen; saturating keeps this panic-free.
        self.generation = self.generation.saturating_add(1);
        self.installed = false;
        self.payload = [0u8; PAYLOAD_LEN];
        self.write_meta();
        Ok(())
    }

    /// The module's payload in the metadata word (zero until set).
    pub fn payload(&self) -> [u8; PAYLOAD_LEN] {
        self.payload
    }

    /// Replaces the module's payload in the metadata word.
    pub fn set_payload(&mut self, payload: [u8; PAYLOAD_LEN]) {
        self.payload = payload;
        self.write_meta();
    }

    fn write_meta(&self) {
        let mut meta = [0u8; 32];
        meta[..PAYLOAD_LEN].copy_from_slice(&self.payload);
        meta[23] = self.installed as u8;
        meta[24..].copy_from_slice(&self.generation.to_be_bytes());
        let slot = meta_slot(self.host, self.account, self.entity_id);
        // SAFETY: the SDK's storage cache is flushed by the entrypoint.
        unsafe { self.host.storage_cache_bytes32(slot, B256::from(meta)) };
    }

    /// The slot of value `key` of kind `tag` in this generation.
    pub fn slot(&self, tag: u8, key: &[u8; 32]) -> U256 {
        let mut inner = [0u8; 4 + 8 + 1 + 32];
        inner[..4].copy_from_slice(&self.entity_id.to_be_bytes());
        inner[4..12].copy_from_slice(&self.generation.to_be_bytes());
        inner[12] = tag;
        inner[13..].copy_from_slice(key);
        associated_slot(self.host, self.account, &inner)
    }

    /// Reads the word at `(tag, key)`.
    pub fn read(&self, tag: u8, key: &[u8; 32]) -> B256 {
        self.host.storage_load_bytes32(self.slot(tag, key))
    }

    /// Writes the word at `(tag, key)`.
    pub fn write(&self, tag: u8, key: &[u8; 32], value: B256) {
        let slot = self.slot(tag, key);
        // SAFETY: the SDK's storage cache is flushed by the entrypoint.
        unsafe { self.host.storage_cache_bytes32(slot, value) };
    }
}

/// `keccak(account ‖ keccak(entityId ‖ "meta"))`.
fn meta_slot<H: Host>(host: &H, account: Address, entity_id: u32) -> U256 {
    let mut inner = [0u8; 4 + META.len()];
    inner[..4].copy_from_slice(&entity_id.to_be_bytes());
    inner[4..].copy_from_slice(META);
    associated_slot(host, account, &inner)
}

/// `keccak(account as a 32-byte word ‖ keccak(inner))`.
fn associated_slot<H: Host>(host: &H, account: Address, inner: &[u8]) -> U256 {
    let mut outer = [0u8; 64];
    outer[12..32].copy_from_slice(account.as_slice());
    outer[32..].copy_from_slice(host.native_keccak256(inner).as_slice());
    U256::from_be_bytes(host.native_keccak256(&outer).0)
}

/// A key word holding an address.
pub fn address_key(address: Address) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[12..].copy_from_slice(address.as_slice());
    key
}

/// A key word holding an unsigned integer.
pub fn index_key(index: u64) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[24..].copy_from_slice(&index.to_be_bytes());
    key
}

/// The low 8 bytes of a word as a `u64`; the rest is ignored.
pub fn word_u64(word: &B256) -> u64 {
    let mut low = [0u8; 8];
    low.copy_from_slice(&word[24..]);
    u64::from_be_bytes(low)
}
