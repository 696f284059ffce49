//! The spending-limit rule as a session policy composes it
//! ([`module_kit::policy`]): the same store and charging code as the
//! standalone module, over the tags and payload byte the policy gives it.
//!
//! In a policy the limits are charged in validation: the gas a user
//! operation may cost, its native value and its token amounts, all in the
//! period of the hinted timestamp, so an over-limit operation is refused
//! before anyone pays for it and the EntryPoint confines it to that period.
//! A charge made in validation stays when the execution reverts, as MAv2's
//! gas accounting does. With the policy's `CALLS_IN_EXECUTION` flag the
//! calls are charged in the execution hook instead, at the clock, and
//! validation charges the gas only.

use alloc::vec::Vec;
use module_kit::policy::{Operation, Phase, Rule, RuleStore};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::install::SpendingLimitInstall;
use permission_core::ValidationData;

use crate::module::{GET_GAS_BUDGET, GET_LIMITED_TOKENS, GET_SPEND_LIMIT, GET_SPONSORS};
use crate::store::{Known, SpendStore, TAGS};
use module_kit::errors::OrRevert;

/// The spending-limit rule.
pub struct SpendRule;

fn spend_store<'s, 'h, H: Host>(store: &RuleStore<'s, 'h, H>) -> SpendStore<'s, 'h, H> {
    SpendStore::new(store.scope, store.tag(0), Known(store.payload()[0]))
}

impl Rule for SpendRule {
    const TAGS: u8 = TAGS;
    /// The [`Known`] flags: which limits exist, read with the install record.
    const PAYLOAD: usize = 1;
    const VIEWS: &'static [[u8; 4]] = &[
        GET_SPEND_LIMIT,
        GET_LIMITED_TOKENS,
        GET_GAS_BUDGET,
        GET_SPONSORS,
    ];

    fn validate<H: Host>(_store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = SpendingLimitInstall::decode(data).or_revert()?;
        SpendStore::<H>::validate(&install).map(|_| ())
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = SpendingLimitInstall::decode(data).or_revert()?;
        let validated = SpendStore::<H>::validate(&install)?;
        let spend = SpendStore::new(store.scope, store.tag(0), Known::default());
        let known = spend.install(&validated, store.host().block_timestamp());
        store.set_payload(&[known.0]);
        Ok(())
    }

    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        let spend = spend_store(store);
        match op.phase {
            Phase::UserOp => {
                let gas = match op.user_op {
                    Some(user_op) => spend.gas_cost(user_op)?,
                    None => None,
                };
                let charges = if op.charge_calls {
                    spend.charges(op.calls.iter().copied().map(Ok), None)?
                } else {
                    Vec::new()
                };
                spend.charge_in_validation(charges, gas, op.time, bounds)
            }
            Phase::Runtime | Phase::Execution if op.charge_calls => {
                let now = op.time.unwrap_or_default();
                let charges = spend.charges(op.calls.iter().copied().map(Ok), Some(now))?;
                spend.charge_at(&charges, now)
            }
            _ => Ok(()),
        }
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        spend_store(store).view(selector, args, store.active)
    }
}
