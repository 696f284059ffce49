//! The parameter rules as a composed program runs them
//! ([`module_kit::policy`]): the same [`ParamRules`] store and check as the
//! standalone module, over the tags the program gives it.
//!
//! The conditions are judged in every phase that sees the calls. The totals
//! are charged where the program charges calls: in validation (a periodic
//! total in the hinted period, the returned window confined to it), or with
//! its `CALLS_IN_EXECUTION` flag in the execution hook, at the clock. A
//! charge made in validation stays when the execution reverts: the
//! operation ran and was paid for.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::policy::{Operation, Phase, Rule, RuleStore};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::params::ParamRulesInstall;
use permission_core::ValidationData;

use crate::store::{check_install, ChargeTime, TAGS};
use crate::{ParamRules, GET_PARAM_RULES, GET_PARAM_TOTAL};

/// The parameter rule; with `PATHS` false it follows no ABI path (see
/// [`ParamRules`]), for a program with no room for the path code.
pub struct ParamRule<const PATHS: bool>;

impl<const PATHS: bool> Rule for ParamRule<PATHS> {
    const TAGS: u8 = TAGS;
    const PAYLOAD: usize = 0;
    const VIEWS: &'static [[u8; 4]] = &[GET_PARAM_TOTAL, GET_PARAM_RULES];

    fn validate<H: Host>(_store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        check_install::<PATHS>(&ParamRulesInstall::decode(data).or_revert()?)
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = ParamRulesInstall::decode(data).or_revert()?;
        ParamRules::<_, PATHS>::new(store.scope, store.tag(0))
            .install(&install, store.host().block_timestamp())
    }

    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        let rules = ParamRules::<_, PATHS>::new(store.scope, store.tag(0));
        let time = match op.phase {
            Phase::UserOp => ChargeTime::Hinted(op.time),
            _ => ChargeTime::At(op.time.unwrap_or_default()),
        };
        *bounds = rules.check_calls(op.charge_calls.then_some(time), *bounds, |check| {
            op.calls.iter().try_for_each(check)
        })?;
        Ok(())
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        let now = store.host().block_timestamp();
        let rules = ParamRules::<_, PATHS>::new(store.scope, store.tag(0));
        match selector {
            GET_PARAM_TOTAL => Some(rules.view_total(store.active, args, now)),
            GET_PARAM_RULES => Some(Ok(rules.view_rules(store.active, now))),
            _ => None,
        }
    }
}
