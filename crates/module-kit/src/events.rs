//! Event emission, and the lifecycle events every module emits.
//!
//! | event | when |
//! |---|---|
//! | `ModuleInstalled(address indexed account, uint32 indexed entityId)` | `onInstall` succeeded |
//! | `ModuleUninstalled(address indexed account, uint32 indexed entityId)` | `onUninstall` succeeded |

use permission_core::selectors::keccak;
use permission_core::{Address, B256};
use stylus_sdk::stylus_core::Host;

use crate::scope::{address_key, index_key};

/// Topic of `ModuleInstalled(address,uint32)`.
pub const MODULE_INSTALLED: [u8; 32] = keccak("ModuleInstalled(address,uint32)");
/// Topic of `ModuleUninstalled(address,uint32)`.
pub const MODULE_UNINSTALLED: [u8; 32] = keccak("ModuleUninstalled(address,uint32)");

/// The events every module emits.
pub const COMMON_EVENTS: [[u8; 32]; 2] = [MODULE_INSTALLED, MODULE_UNINSTALLED];

/// Emits an event whose first two indexed arguments are an address (the
/// account, for the modules; the module, for the account's own events) and
/// an entityId, with `data` as its non-indexed arguments.
pub fn emit_account_event<H: Host>(
    host: &H,
    topic: [u8; 32],
    address: Address,
    entity_id: u32,
    data: &[u8],
) {
    let topics = [
        B256::from(topic),
        B256::from(address_key(address)),
        B256::from(index_key(entity_id.into())),
    ];
    // `raw_log` fails only for more than four topics.
    let _ = host.raw_log(&topics, data);
}

/// Emits an event with an extra indexed key after the account and entityId.
pub fn emit_account_event_keyed<H: Host>(
    host: &H,
    topic: [u8; 32],
    account: Address,
    entity_id: u32,
    key: [u8; 32],
    data: &[u8],
) {
    let topics = [
        B256::from(topic),
        B256::from(address_key(account)),
        B256::from(index_key(entity_id.into())),
        B256::from(key),
    ];
    // Four topics: `raw_log` cannot fail.
    let _ = host.raw_log(&topics, data);
}
