//! Encoders the account's tests share.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use alloy_primitives::{Address, FixedBytes};

/// A `ValidationConfig` or `HookConfig`: `module ‖ entityId ‖ flags`.
pub fn config(module: Address, entity_id: u32, flags: u8) -> FixedBytes<25> {
    let mut out = [0u8; 25];
    out[..20].copy_from_slice(module.as_slice());
    out[20..24].copy_from_slice(&entity_id.to_be_bytes());
    out[24] = flags;
    FixedBytes(out)
}

/// A `ModuleEntity`: `module ‖ entityId`.
pub fn module_entity(module: Address, entity_id: u32) -> FixedBytes<24> {
    FixedBytes::from_slice(&config(module, entity_id, 0)[..24])
}
