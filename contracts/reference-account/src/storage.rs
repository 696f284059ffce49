//! The account's records: one per validation entityId, its selectors, and
//! its validation and execution hooks in install order.
//!
//! Slots are `keccak(tag ‖ entityId ‖ key)` in the account's own storage.
//! A validation's word holds its module (bytes 12..32), flags (byte 11),
//! validation-hook count (byte 10), execution-hook count (byte 9), install
//! generation (bytes 5..9) and selector count (bytes 1..5). The generation
//! is part of every selector slot's key, so uninstalling is O(1): it bumps
//! the generation and zeroes the counts, and a reinstall starts clean.
//!
//! | tag | key | value |
//! |---|---|---|
//! | 1 validation | — | the validation's word (above) |
//! | 2 selector | generation(4) ‖ selector(4) | 1 when installed (the lookup the permission checks use) |
//! | 3 validation hook | index(1) | HookConfig, left-aligned |
//! | 4 execution hook | index(1) | HookConfig, left-aligned |
//! | 5 initialized | — | 1 once `initialize` ran |
//! | 6 selector list | generation(4) ‖ index(4) | the selector, left-aligned |
//!
//! Hooks and the selector list are read only below their counts. The list
//! (tag 6) repeats the selectors of tag 2 in install order, for
//! `getValidationData`; it is written at install and never read on the
//! validation or execution paths.

use alloc::vec::Vec;
use module_kit::Host;
use permission_core::{Address, B256, U256};

/// Validation flag: usable for any globally allowed function.
pub const FLAG_GLOBAL: u8 = 0x04;
/// Validation flag: usable for ERC-1271 signatures.
pub const FLAG_SIGNATURE: u8 = 0x02;
/// Validation flag: usable for user operations.
pub const FLAG_USER_OP: u8 = 0x01;

/// A HookConfig: `module(20) ‖ entityId(4) ‖ flags(1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HookConfig(pub [u8; 25]);

impl HookConfig {
    /// The hook's module.
    pub fn module(&self) -> Address {
        Address::from_slice(&self.0[..20])
    }

    /// The hook's own entityId.
    pub fn entity_id(&self) -> u32 {
        u32::from_be_bytes([self.0[20], self.0[21], self.0[22], self.0[23]])
    }

    /// Whether it is a validation hook (flag bit 0).
    pub fn is_validation_hook(&self) -> bool {
        self.0[24] & 0x01 != 0
    }

    /// For an execution hook: whether it has a pre hook.
    pub fn has_pre(&self) -> bool {
        self.0[24] & 0x04 != 0
    }

    /// For an execution hook: whether it has a post hook.
    pub fn has_post(&self) -> bool {
        self.0[24] & 0x02 != 0
    }

    /// The `ModuleEntity` (bytes24) errors carry.
    pub fn module_entity(&self) -> [u8; 24] {
        let mut out = [0u8; 24];
        out.copy_from_slice(&self.0[..24]);
        out
    }
}

/// A validation's record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validation {
    /// Its module (zero when not installed).
    pub module: Address,
    /// `FLAG_*` bits.
    pub flags: u8,
    /// Number of validation hooks.
    pub validation_hooks: u8,
    /// Number of execution hooks.
    pub execution_hooks: u8,
    /// Install generation (bumped by uninstall).
    pub generation: u32,
    /// Number of selectors in the selector list.
    pub selectors: u32,
}

const TAG_VALIDATION: u8 = 1;
const TAG_SELECTOR: u8 = 2;
const TAG_VALIDATION_HOOK: u8 = 3;
const TAG_EXECUTION_HOOK: u8 = 4;
const TAG_INITIALIZED: u8 = 5;
const TAG_SELECTOR_LIST: u8 = 6;

fn slot<H: Host>(host: &H, tag: u8, entity_id: u32, key: &[u8]) -> U256 {
    let mut preimage = Vec::with_capacity(5 + key.len());
    preimage.push(tag);
    preimage.extend_from_slice(&entity_id.to_be_bytes());
    preimage.extend_from_slice(key);
    U256::from_be_bytes(host.native_keccak256(&preimage).0)
}

fn write<H: Host>(host: &H, slot: U256, value: B256) {
    // SAFETY: the entrypoint flushes the storage cache, and the account
    // flushes it before every outgoing call.
    unsafe { host.storage_cache_bytes32(slot, value) };
}

/// The record of `entity_id`.
pub fn load_validation<H: Host>(host: &H, entity_id: u32) -> Validation {
    let word = host.storage_load_bytes32(slot(host, TAG_VALIDATION, entity_id, &[]));
    Validation {
        module: Address::from_slice(&word[12..]),
        flags: word[11],
        validation_hooks: word[10],
        execution_hooks: word[9],
        generation: u32::from_be_bytes([word[5], word[6], word[7], word[8]]),
        selectors: u32::from_be_bytes([word[1], word[2], word[3], word[4]]),
    }
}

/// Stores the record of `entity_id`.
pub fn store_validation<H: Host>(host: &H, entity_id: u32, v: &Validation) {
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(v.module.as_slice());
    word[11] = v.flags;
    word[10] = v.validation_hooks;
    word[9] = v.execution_hooks;
    let counts = (u64::from(v.selectors) << 32) | u64::from(v.generation);
    word[1..9].copy_from_slice(&counts.to_be_bytes());
    write(
        host,
        slot(host, TAG_VALIDATION, entity_id, &[]),
        B256::from(word),
    );
}

/// `generation ‖ low`, the key of the selector slots.
fn generation_key(generation: u32, low: u32) -> [u8; 8] {
    ((u64::from(generation) << 32) | u64::from(low)).to_be_bytes()
}

fn selector_slot<H: Host>(host: &H, entity_id: u32, generation: u32, selector: [u8; 4]) -> U256 {
    let key = generation_key(generation, u32::from_be_bytes(selector));
    slot(host, TAG_SELECTOR, entity_id, &key)
}

/// A selector's word: byte 31 marks the selector as installed; when the
/// validation has validation hooks, bytes 0..25 hold a copy of its first
/// one (hook 0) and byte 30 marks the copy. A selector validation's
/// operation reads this word anyway, so its first hook costs no read of
/// its own.
///
/// The copy is always hook 0 of the current install: a selector added
/// while the validation has hooks gets it ([`add_selector`]), the first
/// hook installed is copied into every selector already there
/// ([`copy_first_hook_to_selectors`]), hooks change no other way, and
/// uninstalling bumps the generation, which every selector word is keyed
/// by.
fn selector_word(first_hook: Option<&HookConfig>) -> B256 {
    let mut word = [0u8; 32];
    if let Some(hook) = first_hook {
        word[..25].copy_from_slice(&hook.0);
        word[30] = 1;
    }
    word[31] = 1;
    B256::from(word)
}

/// A selector installed for a validation, as its word records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelectorRecord {
    /// The validation's first validation hook (a copy of hook 0), when it
    /// has one.
    pub first_hook: Option<HookConfig>,
}

/// The record of `selector` for `entity_id` in its current generation, or
/// `None` when it was not installed.
pub fn load_selector<H: Host>(
    host: &H,
    entity_id: u32,
    v: &Validation,
    selector: [u8; 4],
) -> Option<SelectorRecord> {
    let word = host.storage_load_bytes32(selector_slot(host, entity_id, v.generation, selector));
    if word[31] == 0 {
        return None;
    }
    let first_hook = (word[30] != 0).then(|| {
        let mut config = [0u8; 25];
        config.copy_from_slice(&word[..25]);
        HookConfig(config)
    });
    Some(SelectorRecord { first_hook })
}

/// Whether `selector` was installed for `entity_id` in its current generation.
pub fn has_selector<H: Host>(host: &H, entity_id: u32, v: &Validation, selector: [u8; 4]) -> bool {
    load_selector(host, entity_id, v, selector).is_some()
}

/// Records `selector` for `entity_id` in its current generation: marks it
/// in the lookup (with a copy of `first_hook`, the validation's hook 0 if
/// it has one) and appends it to the list, counting it in `v.selectors`
/// (the caller stores `v`). `None` when the list already holds
/// `u32::MAX` selectors; nothing is written then.
pub fn add_selector<H: Host>(
    host: &H,
    entity_id: u32,
    v: &mut Validation,
    selector: [u8; 4],
    first_hook: Option<&HookConfig>,
) -> Option<()> {
    let index = v.selectors;
    v.selectors = index.checked_add(1)?;
    write(
        host,
        selector_slot(host, entity_id, v.generation, selector),
        selector_word(first_hook),
    );
    let mut word = [0u8; 32];
    for (w, s) in word.iter_mut().zip(selector) {
        *w = s;
    }
    write(
        host,
        selector_list_slot(host, entity_id, v.generation, index),
        B256::from(word),
    );
    Some(())
}

/// Copies `first_hook`, the validation's newly installed hook 0, into the
/// word of every selector of `entity_id`'s current generation.
pub fn copy_first_hook_to_selectors<H: Host>(
    host: &H,
    entity_id: u32,
    v: &Validation,
    first_hook: &HookConfig,
) {
    for index in 0..v.selectors {
        let listed =
            host.storage_load_bytes32(selector_list_slot(host, entity_id, v.generation, index));
        let selector = [listed[0], listed[1], listed[2], listed[3]];
        write(
            host,
            selector_slot(host, entity_id, v.generation, selector),
            selector_word(Some(first_hook)),
        );
    }
}

fn selector_list_slot<H: Host>(host: &H, entity_id: u32, generation: u32, index: u32) -> U256 {
    slot(
        host,
        TAG_SELECTOR_LIST,
        entity_id,
        &generation_key(generation, index),
    )
}

/// One of a validation's lists, as `getValidationData` reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    /// The validation hooks (HookConfigs).
    ValidationHooks,
    /// The execution hooks (HookConfigs).
    ExecutionHooks,
    /// The selectors.
    Selectors,
}

impl List {
    /// How many entries `v` has in this list.
    pub fn len(self, v: &Validation) -> u32 {
        match self {
            List::ValidationHooks => v.validation_hooks.into(),
            List::ExecutionHooks => v.execution_hooks.into(),
            List::Selectors => v.selectors,
        }
    }
}

/// Entry `index` of a list of `entity_id` as its stored word, which is
/// also its ABI encoding (a HookConfig or selector, left-aligned).
/// Meaningful below [`List::len`].
pub fn load_list_word<H: Host>(
    host: &H,
    entity_id: u32,
    v: &Validation,
    list: List,
    index: u32,
) -> B256 {
    let slot = match list {
        // Hook indexes are below a `u8` count, so the cast is exact.
        List::ValidationHooks => hook_slot(host, true, entity_id, index as u8),
        List::ExecutionHooks => hook_slot(host, false, entity_id, index as u8),
        List::Selectors => selector_list_slot(host, entity_id, v.generation, index),
    };
    host.storage_load_bytes32(slot)
}

fn hook_slot<H: Host>(host: &H, validation_hook: bool, entity_id: u32, index: u8) -> U256 {
    let tag = if validation_hook {
        TAG_VALIDATION_HOOK
    } else {
        TAG_EXECUTION_HOOK
    };
    slot(host, tag, entity_id, &[index])
}

/// Hook `index` of `entity_id` (validation or execution).
pub fn load_hook<H: Host>(
    host: &H,
    validation_hook: bool,
    entity_id: u32,
    index: u8,
) -> HookConfig {
    let word = host.storage_load_bytes32(hook_slot(host, validation_hook, entity_id, index));
    let mut config = [0u8; 25];
    config.copy_from_slice(&word[..25]);
    HookConfig(config)
}

/// Stores hook `index` of `entity_id`.
pub fn store_hook<H: Host>(host: &H, entity_id: u32, index: u8, hook: &HookConfig) {
    let mut word = [0u8; 32];
    word[..25].copy_from_slice(&hook.0);
    write(
        host,
        hook_slot(host, hook.is_validation_hook(), entity_id, index),
        B256::from(word),
    );
}

/// Whether `initialize` has run.
pub fn is_initialized<H: Host>(host: &H) -> bool {
    !host
        .storage_load_bytes32(slot(host, TAG_INITIALIZED, 0, &[]))
        .is_zero()
}

/// Marks `initialize` as run.
pub fn set_initialized<H: Host>(host: &H) {
    write(
        host,
        slot(host, TAG_INITIALIZED, 0, &[]),
        B256::with_last_byte(1),
    );
}
