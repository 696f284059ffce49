//! The selector-allowlist rule as a session policy composes it
//! ([`module_kit::policy`]): the same matching, validation and views as the
//! standalone module, over the rule set the policy gives it.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::policy::{Operation, Rule, RuleStore};
use module_kit::set::KeySet;
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::install::SelectorAllowlistInstall;
use permission_core::ValidationData;

use crate::module::{SelectorAllowlist, GET_RULES, HAS_RULE, IS_CALL_ALLOWED};

/// The selector-allowlist rule: every call must match an allowed
/// (target, selector), or a wildcard target other than the account.
pub struct SelectorRules;

impl Rule for SelectorRules {
    /// One key set.
    const TAGS: u8 = 3;
    const PAYLOAD: usize = 0;
    const VIEWS: &'static [[u8; 4]] = &[HAS_RULE, IS_CALL_ALLOWED, GET_RULES];

    fn validate<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = SelectorAllowlistInstall::decode(data).or_revert()?;
        SelectorAllowlist::validated_rules(store.scope.account, &install).map(|_| ())
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = SelectorAllowlistInstall::decode(data).or_revert()?;
        let rules = SelectorAllowlist::validated_rules(store.scope.account, &install)?;
        SelectorAllowlist::store_rules(store.scope, store.tag(0), &rules);
        Ok(())
    }

    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        _bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        let rules = KeySet::new(store.scope, store.tag(0));
        for call in op.calls {
            SelectorAllowlist::check_rules(&rules, store.scope.account, call)?;
        }
        Ok(())
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        let rules = KeySet::new(store.scope, store.tag(0));
        SelectorAllowlist::view(&rules, store.scope.account, store.active, selector, args)
    }
}
