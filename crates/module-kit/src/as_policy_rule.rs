//! A rule's standalone-module tests, run against a policy program.
//!
//! [`AsPolicyRule`] wraps the [`Backend`] of a policy (say the compiled
//! session-policy in a chain) so that a module's test cases drive it: the
//! module's `onInstall(data)` becomes the policy's install with `data` as
//! one rule's entry and the other entries empty, and every other call goes
//! through unchanged. The rule then runs with its module's install data,
//! hooks, views and errors, inside the policy; what differs is only what
//! the policy adds (its own errors, and no admin functions).

use std::collections::HashMap;

use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::install::{decode_entity_id, encode_policy_install};
use permission_core::selectors::ON_INSTALL;
use permission_core::{Address, B256, U256};

use crate::testing::Backend;
use crate::Output;

/// A policy's backend, installed one rule at a time ([module docs](self)).
pub struct AsPolicyRule {
    policy: Box<dyn Backend>,
    rule: usize,
    rules: usize,
    flags: u8,
}

impl AsPolicyRule {
    /// `policy`, whose install data has `rules` entries; a module's install
    /// data becomes entry `rule`, installed with the policy's `flags`
    /// (`CALLS_IN_EXECUTION` for the rule of a module whose hooks check the
    /// calls in execution).
    pub fn new(policy: Box<dyn Backend>, rule: usize, rules: usize, flags: u8) -> Self {
        assert!(rule < rules, "rule {rule} of a policy of {rules}");
        Self {
            policy,
            rule,
            rules,
            flags,
        }
    }

    /// The policy's calldata for the module's `calldata`.
    fn translate(&self, calldata: &[u8]) -> Option<Vec<u8>> {
        let args = calldata.strip_prefix(&ON_INSTALL[..])?;
        let data = AbiReader::new(args).dyn_bytes(0).ok()?;
        // Data that names no entity id goes through as the rule's entry of
        // entity 0, so the rule refuses it as its module would.
        let entity_id = decode_entity_id(data).unwrap_or(0);
        let mut entries = vec![Vec::new(); self.rules];
        entries[self.rule] = data.to_vec();
        let install = encode_policy_install(entity_id, self.flags, &entries);
        Some(
            AbiWriter::new(1)
                .dyn_bytes(&install)
                .finish_with_selector(ON_INSTALL),
        )
    }
}

impl Backend for AsPolicyRule {
    fn call(&self, from: Address, value: U256, calldata: &[u8]) -> Output {
        match self.translate(calldata) {
            Some(install) => self.policy.call(from, value, &install),
            None => self.policy.call(from, value, calldata),
        }
    }

    fn set_timestamp(&self, timestamp: u64) {
        self.policy.set_timestamp(timestamp);
    }

    fn storage(&self) -> HashMap<U256, B256> {
        self.policy.storage()
    }

    fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.policy.logs()
    }

    fn address(&self) -> Address {
        self.policy.address()
    }
}
