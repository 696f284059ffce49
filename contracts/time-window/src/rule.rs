//! The time-window rule as a session policy composes it
//! ([`module_kit::policy`]): the same [`Window`] as the standalone module
//! (shared with session-signer), kept in the policy's payload so a hook
//! reads it with the install record.
//!
//! In user-operation validation it narrows the validity window the policy
//! returns, and the EntryPoint enforces it; elsewhere the policy checks the
//! narrowed window against the clock (`OutsideTimeWindow`).

use alloc::vec::Vec;
use module_kit::policy::{Operation, Rule, RuleStore};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::{ValidationData, Window};

use crate::module::{window_from_payload, TimeWindow, GET_TIME_WINDOW};

/// The time-window rule.
pub struct TimeWindowRule;

impl Rule for TimeWindowRule {
    const TAGS: u8 = 0;
    /// `validAfter` and `validUntil`, six bytes each.
    const PAYLOAD: usize = 12;
    const VIEWS: &'static [[u8; 4]] = &[GET_TIME_WINDOW];

    fn validate<H: Host>(_store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        TimeWindow::decode_window(data).map(|_| ())
    }

    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>> {
        let (_, window) = TimeWindow::decode_window(data)?;
        store.set_payload(&window.to_bytes());
        TimeWindow::emit_set(store.scope, window);
        Ok(())
    }

    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        _op: &Operation<'_>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        *bounds = bounds.intersect(&window(store).validation_data());
        Ok(())
    }

    fn view<H: Host>(
        store: &RuleStore<'_, '_, H>,
        selector: [u8; 4],
        _args: &AbiReader<'_>,
    ) -> Option<Output> {
        let window = if store.active {
            window(store)
        } else {
            Window::default()
        };
        (selector == GET_TIME_WINDOW).then(|| Ok(TimeWindow::view(store.active, window)))
    }
}

fn window<H: Host>(store: &RuleStore<'_, '_, H>) -> Window {
    window_from_payload(&store.payload())
}
