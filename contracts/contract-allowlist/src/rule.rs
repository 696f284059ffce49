//! The contract-allowlist rule as a session policy composes it
//! ([`module_kit::policy`]): the same check, validation and views as the
//! standalone module, over the target set the policy gives it.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::policy::{Operation, Rule, RuleStore};
use module_kit::set::KeySet;
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::install::ContractAllowlistInstall;
use permission_core::ValidationData;

use crate::module::{ContractAllowlist, GET_TARGETS, IS_TARGET_ALLOWED};

/// The contract-allowlist rule: every call's target must be listed.
pub struct TargetList;

impl Rule for TargetList {
    /// One key set.
    const TAGS: u8 = 3;
    const PAYLOAD: usize = 0;
    const VIEWS: &'static [[u8; 4]] = &[IS_TARGET_ALLOWED, GET_TARGETS];

    fn validate<H: Host>(_store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = ContractAllowlistInstall::decode(data).or_revert()?;
        ContractAllowlist::validated_targets(&install).map(|_| ())
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = ContractAllowlistInstall::decode(data).or_revert()?;
        let targets = ContractAllowlist::validated_targets(&install)?;
        ContractAllowlist::add_all(store.scope, store.tag(0), targets);
        Ok(())
    }

    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        _bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        let targets = KeySet::new(store.scope, store.tag(0));
        for call in op.calls {
            ContractAllowlist::check_target(&targets, call.target)?;
        }
        Ok(())
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        let targets = KeySet::new(store.scope, store.tag(0));
        ContractAllowlist::view(&targets, store.active, selector, args)
    }
}
