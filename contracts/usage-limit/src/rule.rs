//! The usage-limit rule as a session policy composes it
//! ([`module_kit::policy`]): the same store and counting code as the
//! standalone module, over the tag and payload byte the policy gives it.
//!
//! The policy counts where it charges calls: in validation (the periodic
//! count in the hinted period, the returned window confined to it), or
//! with its `CALLS_IN_EXECUTION` flag in the execution hook, at the clock.
//! A count made in validation stays when the execution reverts: the
//! operation ran and was paid for.

use alloc::vec::Vec;
use module_kit::policy::{Operation, Phase, Rule, RuleStore};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::ValidationData;

use crate::module::GET_USAGE_LIMIT;
use crate::store::{decode, UsageStore, TAGS};

/// The usage-limit rule.
pub struct UsageRule;

fn usage_store<'s, 'h, H: Host>(store: &RuleStore<'s, 'h, H>) -> UsageStore<'s, 'h, H> {
    UsageStore::new(store.scope, store.tag(0), store.payload()[0])
}

impl Rule for UsageRule {
    const TAGS: u8 = TAGS;
    /// The unit.
    const PAYLOAD: usize = 1;
    const VIEWS: &'static [[u8; 4]] = &[GET_USAGE_LIMIT];

    fn validate<H: Host>(_store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        decode(data).map(|_| ())
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let install = decode(data)?;
        store.set_payload(&[install.unit]);
        UsageStore::new(store.scope, store.tag(0), install.unit)
            .set(&install, store.host().block_timestamp());
        Ok(())
    }

    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        if !op.charge_calls {
            return Ok(());
        }
        let usage = usage_store(store);
        let uses = usage.uses(op.calls);
        match op.phase {
            Phase::UserOp => usage.count_in_validation(uses, op.time, bounds),
            Phase::Runtime | Phase::Execution => usage.count_at(uses, op.time.unwrap_or_default()),
            Phase::Signature => Ok(()),
        }
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        _args: &AbiReader<'_>,
    ) -> Option<Output> {
        let now = store.host().block_timestamp();
        (selector == GET_USAGE_LIMIT).then(|| Ok(usage_store(store).view(store.active, now)))
    }
}
