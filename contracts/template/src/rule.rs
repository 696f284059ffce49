//! [`ValueCap`] as a composed policy program runs it: the policy decodes
//! the calls once for every rule, and gives this rule one tag of the key's
//! scope.

use alloc::vec::Vec;
use module_kit::policy::{Operation, Rule, RuleStore};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::ValidationData;

use crate::{ValueCap, GET_VALUE_CAP};

/// The value-cap rule.
pub struct ValueCapRule;

impl Rule for ValueCapRule {
    /// The cap's word.
    const TAGS: u8 = 1;
    /// Nothing in the metadata payload.
    const PAYLOAD: usize = 0;
    const VIEWS: &'static [[u8; 4]] = &[GET_VALUE_CAP];

    fn validate<H: Host>(_store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        ValueCap::<H>::decode(data).map(|_| ())
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let cap = ValueCap::<H>::decode(data)?;
        ValueCap::new(store.scope, store.tag(0)).install(cap);
        Ok(())
    }

    /// Every phase with calls checks them; the signature phase has none.
    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        _bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        ValueCap::new(store.scope, store.tag(0)).check_calls(op.calls)
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        _args: &AbiReader<'_>,
    ) -> Option<Output> {
        (selector == GET_VALUE_CAP)
            .then(|| Ok(ValueCap::new(store.scope, store.tag(0)).view(store.active)))
    }
}
