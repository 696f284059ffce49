//! # template: a custom permission rule to copy
//!
//! The smallest complete rule, written to be copied: **each call of a
//! session key sends at most `cap` wei of native value** ("value cap").
//! `docs/custom-rules.md` walks through it. Copy this folder to
//! `contracts/<your-rule>`, rename the package, and change three things:
//! the install data ([`ValueCap::decode`]), the check
//! ([`ValueCap::check_calls`]) and the names of the error, event and view.
//!
//! It has the shape of every permission crate here:
//! - [`rule::ValueCapRule`] implements [`module_kit::policy::Rule`]: a
//!   composed policy program (see the tests' `WindowAndValueCap`) runs the
//!   rule with the storage it is given;
//! - [`module::ValueCapModule`] implements
//!   [`module_kit::router::PermissionModule`]: the standalone ERC-6900
//!   module, built when the default `module` feature is on;
//! - both call the same [`ValueCap`] code, so the rule is written once.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, uint256 cap)`. Uninstall data is
//! `abi.encode(uint32 entityId)`.
//!
//! ## Hooks
//! `preUserOpValidationHook`, `preRuntimeValidationHook` and
//! `preExecutionHook` decode the account call with `permission_core`'s
//! strict walker (`execute`, `executeBatch`, either behind the
//! `executeUserOp` prefix; anything else reverts `UnsupportedCallForm`)
//! and revert `ValueAboveCap(uint256 value, uint256 cap)` for the first
//! call that sends more than the cap. They read no clock and only the
//! account's associated storage (ERC-7562). The signature hook only
//! requires the install.
//!
//! ## Views, events, errors
//! `getValueCap(address account, uint32 entityId) returns (bool installed,
//! uint256 cap)`; `ValueCapSet(address indexed account, uint32 indexed
//! entityId, uint256 cap)`; `ValueAboveCap(uint256, uint256)` and the shared
//! errors of `module_kit::errors`. The Solidity interface is
//! `interface/IValueCapModule.sol`, checked against these constants by a
//! test. There are no admin functions: a key that could reach them through
//! the account could lift its own cap.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod module;
pub mod rule;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::scope::Scope;
use module_kit::Host;
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::calls::Call;
use permission_core::selectors::{keccak, selector};
use permission_core::{B256, U256};

/// `ValueAboveCap(uint256 value, uint256 cap)`.
pub const VALUE_ABOVE_CAP: [u8; 4] = selector("ValueAboveCap(uint256,uint256)");
/// Topic of `ValueCapSet(address,uint32,uint256)`.
pub const VALUE_CAP_SET: [u8; 32] = keccak("ValueCapSet(address,uint32,uint256)");
/// `getValueCap(address,uint32)`.
pub const GET_VALUE_CAP: [u8; 4] = selector("getValueCap(address,uint32)");

/// The rule, over one data word of the key's scope: the cap.
pub struct ValueCap<'s, 'h, H: Host> {
    scope: &'s Scope<'h, H>,
    tag: u8,
}

/// The key of the cap's word under its tag.
const CAP_KEY: [u8; 32] = [0u8; 32];

impl<'s, 'h, H: Host> ValueCap<'s, 'h, H> {
    /// The cap at `tag` of `scope`.
    pub fn new(scope: &'s Scope<'h, H>, tag: u8) -> Self {
        Self { scope, tag }
    }

    /// Decodes `(uint32 entityId, uint256 cap)`: the cap.
    pub fn decode(data: &[u8]) -> Result<U256, Vec<u8>> {
        AbiReader::new(data).u256(1).or_revert()
    }

    /// Stores the cap and emits `ValueCapSet`.
    pub fn install(&self, cap: U256) {
        self.scope
            .write(self.tag, &CAP_KEY, B256::from(cap.to_be_bytes::<32>()));
        emit_account_event(
            self.scope.host(),
            VALUE_CAP_SET,
            self.scope.account,
            self.scope.entity_id,
            &cap.to_be_bytes::<32>(),
        );
    }

    /// The stored cap.
    pub fn cap(&self) -> U256 {
        U256::from_be_bytes(self.scope.read(self.tag, &CAP_KEY).0)
    }

    /// Refuses the first call above the cap with `ValueAboveCap`.
    pub fn check_calls(&self, calls: &[Call<'_>]) -> Result<(), Vec<u8>> {
        let cap = self.cap();
        match calls.iter().find(|call| call.value > cap) {
            Some(call) => Err(AbiWriter::new(2)
                .u256(call.value)
                .u256(cap)
                .finish_with_selector(VALUE_ABOVE_CAP)),
            None => Ok(()),
        }
    }

    /// The `getValueCap` answer.
    pub fn view(&self, installed: bool) -> Vec<u8> {
        let cap = if installed { self.cap() } else { U256::ZERO };
        AbiWriter::new(2).bool(installed).u256(cap).finish()
    }
}

// The standalone program; a policy that composes the rule builds without it.
#[cfg(feature = "module")]
module_kit::entrypoint!(crate::module::ValueCapModule);
