//! The arithmetic of one periodic allowance, written once for every rule
//! that counts against one: which period a time falls in, what was used in
//! it, and what remains. spending-limit keeps a [`Ledger`] per token
//! (amounts), usage-limit one per key (operations). Pure functions, checked
//! arithmetic, no storage.
//!
//! A validation hook may not read the clock (ERC-7562), so it charges the
//! period of a timestamp the operation hints ([`Ledger::hinted_window`]),
//! and the EntryPoint confines the operation to that period's
//! [`Ledger::window_bounds`]. A hook that runs at the clock charges with
//! [`Ledger::charge`].

use alloc::vec::Vec;
use alloy_primitives::U256;

use crate::abi::AbiWriter;
use crate::selectors::selector;

/// `StalePeriodHint(uint256 hinted, uint256 recorded)`: a validation named
/// a period before the recorded one.
pub const STALE_PERIOD_HINT: [u8; 4] = selector("StalePeriodHint(uint256,uint256)");
/// `RecordedPeriodNotStarted(uint256 recorded, uint256 clock)`: a validation
/// charged a later period than the clock's, and a charge at the clock would
/// draw on it before it starts.
pub const RECORDED_PERIOD_NOT_STARTED: [u8; 4] =
    selector("RecordedPeriodNotStarted(uint256,uint256)");

/// The revert data of `RecordedPeriodNotStarted(recorded, clock)`.
pub fn recorded_period_not_started(recorded: u64, clock: u64) -> Vec<u8> {
    AbiWriter::new(2)
        .uint(recorded)
        .uint(clock)
        .finish_with_selector(RECORDED_PERIOD_NOT_STARTED)
}

/// Why [`Ledger::charge`] refused a spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// More than what remains in the period.
    Exceeded {
        /// What remains.
        remaining: U256,
    },
    /// The record is for a period after the clock's.
    PeriodNotStarted {
        /// The recorded period.
        recorded: u64,
        /// The clock's period.
        clock: u64,
    },
}

/// One limit and its spend record.
///
/// The record is what *remains* in period `window`, so that a spend in the
/// recorded period needs neither the limit nor any arithmetic on it: the
/// store reads the limit's own word only when a spend opens a new period
/// (or for a view). Until then `limit` may be left unread (zero), which
/// only makes a new period look empty: it fails closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Ledger {
    /// Allowance per period (see above: loaded for a new period).
    pub limit: U256,
    /// Period in seconds; 0 = a single allowance.
    pub period: u64,
    /// When the limit was set: period boundaries are `anchor + k * period`.
    pub anchor: u64,
    /// The period index `remaining` belongs to.
    pub window: u64,
    /// What remains in period `window`.
    pub remaining: U256,
}

impl Ledger {
    /// A fresh limit set at `now`, with nothing spent.
    pub fn new(limit: U256, period: u64, now: u64) -> Self {
        Self {
            limit,
            period,
            anchor: now,
            window: 0,
            remaining: limit,
        }
    }

    /// The index of the period `now` falls in (0 for a lifetime limit).
    /// A clock before the anchor counts as period 0.
    pub fn window_at(&self, now: u64) -> u64 {
        match self.period {
            0 => 0,
            period => now.saturating_sub(self.anchor) / period,
        }
    }

    /// What was spent in the recorded period ([`Ledger::window`]).
    pub fn spent(&self) -> U256 {
        self.limit.saturating_sub(self.remaining)
    }

    /// What was spent in the period `now` falls in.
    pub fn spent_at(&self, now: u64) -> U256 {
        self.limit.saturating_sub(self.remaining_at(now))
    }

    /// What remains in the period `now` falls in.
    pub fn remaining_at(&self, now: u64) -> U256 {
        self.remaining_in(self.window_at(now))
    }

    /// Whether a spend in period `window` opens a new period, and so needs
    /// [`Ledger::limit`].
    pub fn needs_limit(&self, window: u64) -> bool {
        window != self.window
    }

    /// Records `amount` spent at `now`. On success returns what remains
    /// afterwards. A record for a later period than the clock's (a
    /// validation charged gas to a hinted future period) refuses: spending
    /// now against it would draw on a period that has not started.
    pub fn charge(&mut self, amount: U256, now: u64) -> Result<U256, Refusal> {
        let clock = self.window_at(now);
        if clock < self.window {
            return Err(Refusal::PeriodNotStarted {
                recorded: self.window,
                clock,
            });
        }
        self.charge_in_window(amount, clock)
            .map_err(|remaining| Refusal::Exceeded { remaining })
    }

    /// What remains in period `window`: the record if it is that period's,
    /// the whole limit for another.
    pub fn remaining_in(&self, window: u64) -> U256 {
        if window == self.window {
            self.remaining
        } else {
            self.limit
        }
    }

    /// Records `amount` spent in period `window`, or returns what remains
    /// there if it does not fit. A validation hook, which may not read the
    /// clock, charges a period this way and has the EntryPoint confine the
    /// operation to [`Ledger::window_bounds`]. The caller refuses a period
    /// before the recorded one ([`Ledger::window`]).
    pub fn charge_in_window(&mut self, amount: U256, window: u64) -> Result<U256, U256> {
        let remaining = self.remaining_in(window);
        let after = remaining.checked_sub(amount).ok_or(remaining)?;
        self.remaining = after;
        self.window = window;
        Ok(after)
    }

    /// The period a validation charges: the one `hint` falls in, or the
    /// recorded one without a hint. A period before the recorded one is
    /// refused with `StalePeriodHint(hinted, recorded)`, so a record is
    /// never reset backwards.
    pub fn hinted_window(&self, hint: Option<u64>) -> Result<u64, Vec<u8>> {
        let Some(timestamp) = hint else {
            return Ok(self.window);
        };
        let window = self.window_at(timestamp);
        if window < self.window {
            return Err(AbiWriter::new(2)
                .uint(window)
                .uint(self.window)
                .finish_with_selector(STALE_PERIOD_HINT));
        }
        Ok(window)
    }

    /// The first and last second (inclusive) of period `window`, each
    /// capped at `max`; `None` for a lifetime limit (no bounds), or when the
    /// period starts after `max`.
    pub fn window_bounds(&self, window: u64, max: u64) -> Option<(u64, u64)> {
        if self.period == 0 {
            return None;
        }
        let start = window
            .checked_mul(self.period)
            .and_then(|offset| offset.checked_add(self.anchor))
            .filter(|start| *start <= max)?;
        let end = start
            .checked_add(self.period - 1)
            .map_or(max, |end| end.min(max));
        Some((start, end))
    }
}
