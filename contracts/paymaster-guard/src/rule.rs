//! The paymaster-guard rule as a composed program runs it
//! ([`module_kit::policy`]): the same [`Guard`] as the standalone module,
//! over the key set and payload byte the program gives it. It checks the
//! user operation's paymaster in validation, in both of the program's
//! variants (a paymaster is known only there); other phases have none.

use alloc::vec::Vec;
use module_kit::policy::{Operation, Phase, Rule, RuleStore};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::ValidationData;

use crate::module::{validate, Guard, GET_PAYMASTER_GUARD, IS_PAYMASTER_ALLOWED, TAGS};

/// The paymaster-guard rule.
pub struct PaymasterRule;

fn guard<'s, 'h, H: Host>(store: &RuleStore<'s, 'h, H>) -> Guard<'s, 'h, H> {
    Guard::new(store.scope, store.tag(0), store.payload()[0] != 0)
}

impl Rule for PaymasterRule {
    const TAGS: u8 = TAGS;
    /// Whether the account may pay.
    const PAYLOAD: usize = 1;
    const VIEWS: &'static [[u8; 4]] = &[GET_PAYMASTER_GUARD, IS_PAYMASTER_ALLOWED];

    fn validate<H: Host>(_store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        validate(data).map(|_| ())
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let validated = validate(data)?;
        store.set_payload(&[validated.allow_self_paid.into()]);
        Guard::new(store.scope, store.tag(0), validated.allow_self_paid).install(&validated);
        Ok(())
    }

    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        _bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        match (op.phase, op.user_op) {
            (Phase::UserOp, Some(user_op)) => guard(store).check(user_op),
            _ => Ok(()),
        }
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        guard(store).view(store.active, selector, args)
    }
}
