//! The usage-limit rule, written once over the storage it is given: one
//! data word holds both limits and both counts, and one payload byte the
//! unit. The standalone module and a session policy run this same code.
//!
//! The word, big-endian: lifetime limit (bytes 0..4), lifetime used
//! (4..8), periodic limit (8..12), used in the recorded period (12..16),
//! period in seconds (16..20), anchor (20..26, a `uint48`), recorded period
//! index (26..32, a `uint48`). A use reads and writes this one word.
//!
//! The period arithmetic is [`permission_core::period::Ledger`], the same
//! as spending-limit's: a count is a limit whose every use costs one.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::policy::require_some_time;
use module_kit::scope::Scope;
use module_kit::Host;
use permission_core::abi::AbiWriter;
use permission_core::calls::Call;
use permission_core::install::{UsageLimitInstall, COUNT_CALLS};
use permission_core::period::{recorded_period_not_started, Ledger, Refusal};
use permission_core::validation_data::MAX_U48;
use permission_core::{ValidationData, B256, U256};

use crate::module::{INVALID_USAGE_LIMIT, USAGE_LIMIT_EXCEEDED, USAGE_LIMIT_SET};

/// The data tags the rule uses, from its base: the usage word.
pub const TAGS: u8 = 1;

/// The key of the usage word under its tag.
const WORD_KEY: [u8; 32] = [0u8; 32];

/// A key's limits and counts, as the usage word holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Usage {
    /// Uses over the key's life; 0 = no lifetime limit.
    pub lifetime_limit: u32,
    /// Uses so far.
    pub lifetime_used: u32,
    /// Uses per period; 0 = no periodic limit.
    pub period_limit: u32,
    /// Uses in period `window`.
    pub period_used: u32,
    /// Period in seconds.
    pub period: u32,
    /// When the limit was set: periods start at `anchor + k * period`.
    pub anchor: u64,
    /// The period index `period_used` belongs to.
    pub window: u64,
}

fn be_u32(word: &B256, at: usize) -> u32 {
    let mut bytes = [0u8; 4];
    bytes.copy_from_slice(&word[at..at + 4]);
    u32::from_be_bytes(bytes)
}

fn be_u48(word: &B256, at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes[2..].copy_from_slice(&word[at..at + 6]);
    u64::from_be_bytes(bytes)
}

impl Usage {
    /// Fresh limits set at `now`, nothing used.
    pub fn new(install: &UsageLimitInstall, now: u64) -> Self {
        Self {
            lifetime_limit: install.lifetime_limit,
            period_limit: install.period_limit,
            period: install.period,
            // `to_word` keeps it within a uint48.
            anchor: now,
            ..Self::default()
        }
    }

    /// Unpacks the usage word.
    pub fn from_word(word: &B256) -> Self {
        Self {
            lifetime_limit: be_u32(word, 0),
            lifetime_used: be_u32(word, 4),
            period_limit: be_u32(word, 8),
            period_used: be_u32(word, 12),
            period: be_u32(word, 16),
            anchor: be_u48(word, 20),
            window: be_u48(word, 26),
        }
    }

    /// Packs the usage word. The anchor and the period index fit a
    /// `uint48`: the anchor is a timestamp, and an index is at most the
    /// hinted (`uint48`) time's.
    pub fn to_word(&self) -> B256 {
        let mut word = [0u8; 32];
        word[0..4].copy_from_slice(&self.lifetime_limit.to_be_bytes());
        word[4..8].copy_from_slice(&self.lifetime_used.to_be_bytes());
        word[8..12].copy_from_slice(&self.period_limit.to_be_bytes());
        word[12..16].copy_from_slice(&self.period_used.to_be_bytes());
        word[16..20].copy_from_slice(&self.period.to_be_bytes());
        word[20..26].copy_from_slice(&self.anchor.min(MAX_U48).to_be_bytes()[2..]);
        word[26..32].copy_from_slice(&self.window.min(MAX_U48).to_be_bytes()[2..]);
        B256::from(word)
    }

    /// The lifetime count as a ledger (no period).
    fn lifetime(&self) -> Ledger {
        count_ledger(self.lifetime_limit, self.lifetime_used, 0, 0, 0)
    }

    /// The periodic count as a ledger.
    fn periodic(&self) -> Ledger {
        count_ledger(
            self.period_limit,
            self.period_used,
            self.period.into(),
            self.anchor,
            self.window,
        )
    }

    /// Takes the periodic count back from its ledger after a use.
    fn record_period(&mut self, ledger: &Ledger) {
        self.window = ledger.window;
        self.period_used = narrow(ledger.spent());
    }

    /// Uses in the period `now` falls in.
    pub fn period_used_at(&self, now: u64) -> u32 {
        if self.period_limit == 0 {
            return 0;
        }
        narrow(self.periodic().spent_at(now))
    }
}

/// A count as a [`Ledger`]: what remains is the limit less what was used.
fn count_ledger(limit: u32, used: u32, period: u64, anchor: u64, window: u64) -> Ledger {
    Ledger {
        limit: U256::from(limit),
        period,
        anchor,
        window,
        remaining: U256::from(limit.saturating_sub(used)),
    }
}

/// A count back from a ledger's arithmetic; every count is at most a
/// `u32` limit.
fn narrow(value: U256) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// `UsageLimitExceeded(used, limit)`.
fn exceeded(used: u32, limit: u32) -> Vec<u8> {
    AbiWriter::new(2)
        .uint(used.into())
        .uint(limit.into())
        .finish_with_selector(USAGE_LIMIT_EXCEEDED)
}

/// Refuses limits that are not well formed with `InvalidUsageLimit(unit,
/// lifetimeLimit, periodLimit, period)`.
pub fn validate(install: &UsageLimitInstall) -> Result<(), Vec<u8>> {
    if install.is_well_formed() {
        return Ok(());
    }
    Err(AbiWriter::new(4)
        .uint(install.unit.into())
        .uint(install.lifetime_limit.into())
        .uint(install.period_limit.into())
        .uint(install.period.into())
        .finish_with_selector(INVALID_USAGE_LIMIT))
}

/// One key's usage limit: its scope, its tag and its unit.
pub struct UsageStore<'s, 'h, H: Host> {
    scope: &'s Scope<'h, H>,
    tag: u8,
    unit: u8,
}

impl<'s, 'h, H: Host> UsageStore<'s, 'h, H> {
    /// The store at `tag` of `scope`, counting in `unit` (the payload
    /// byte).
    pub fn new(scope: &'s Scope<'h, H>, tag: u8, unit: u8) -> Self {
        Self { scope, tag, unit }
    }

    /// The unit the limits count in.
    pub fn unit(&self) -> u8 {
        self.unit
    }

    /// The limits and counts.
    pub fn load(&self) -> Usage {
        Usage::from_word(&self.scope.read(self.tag, &WORD_KEY))
    }

    fn store(&self, usage: &Usage) {
        self.scope.write(self.tag, &WORD_KEY, usage.to_word());
    }

    /// Writes fresh limits (validated) at `now` and emits `UsageLimitSet`.
    pub fn set(&self, install: &UsageLimitInstall, now: u64) {
        self.store(&Usage::new(install, now));
        let data = AbiWriter::new(4)
            .uint(install.unit.into())
            .uint(install.lifetime_limit.into())
            .uint(install.period_limit.into())
            .uint(install.period.into())
            .finish();
        emit_account_event(
            self.scope.host(),
            USAGE_LIMIT_SET,
            self.scope.account,
            self.scope.entity_id,
            &data,
        );
    }

    /// How many uses `calls` are in this unit: one operation, or each
    /// call. Counts past `u32::MAX` saturate, which no limit admits.
    pub fn uses(&self, calls: &[Call<'_>]) -> u32 {
        if self.unit == COUNT_CALLS {
            u32::try_from(calls.len()).unwrap_or(u32::MAX)
        } else {
            1
        }
    }

    /// Counts `uses` without the clock (ERC-7562): the periodic count in
    /// the period `hint` falls in (its recorded one without a hint),
    /// narrowing `bounds` to that period's first and last second. Both
    /// counts are checked before either is written.
    pub fn count_in_validation(
        &self,
        uses: u32,
        hint: Option<u64>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        let mut usage = self.load();
        let lifetime_used = self.count_lifetime(&usage, uses)?;
        if usage.period_limit != 0 {
            let mut ledger = usage.periodic();
            let window = ledger.hinted_window(hint)?;
            let used = narrow(ledger.limit.saturating_sub(ledger.remaining_in(window)));
            ledger
                .charge_in_window(U256::from(uses), window)
                .map_err(|_| exceeded(used, usage.period_limit))?;
            if let Some((start, end)) = ledger.window_bounds(window, MAX_U48) {
                *bounds = bounds.intersect(&ValidationData::window(start, end));
            }
            usage.record_period(&ledger);
        }
        // The rules before this one narrowed the bounds too: a period
        // outside them is refused before anything is written.
        require_some_time(bounds)?;
        usage.lifetime_used = lifetime_used;
        self.store(&usage);
        Ok(())
    }

    /// Counts `uses` at the clock `now`. A record for a period after the
    /// clock's (a validation counted a hinted future period) refuses.
    pub fn count_at(&self, uses: u32, now: u64) -> Result<(), Vec<u8>> {
        let mut usage = self.load();
        let lifetime_used = self.count_lifetime(&usage, uses)?;
        if usage.period_limit != 0 {
            let mut ledger = usage.periodic();
            let used = usage.period_used_at(now);
            ledger
                .charge(U256::from(uses), now)
                .map_err(|refusal| match refusal {
                    Refusal::Exceeded { .. } => exceeded(used, usage.period_limit),
                    Refusal::PeriodNotStarted { recorded, clock } => {
                        recorded_period_not_started(recorded, clock)
                    }
                })?;
            usage.record_period(&ledger);
        }
        usage.lifetime_used = lifetime_used;
        self.store(&usage);
        Ok(())
    }

    /// The lifetime count after `uses` more, or `UsageLimitExceeded`.
    fn count_lifetime(&self, usage: &Usage, uses: u32) -> Result<u32, Vec<u8>> {
        if usage.lifetime_limit == 0 {
            return Ok(usage.lifetime_used);
        }
        let mut ledger = usage.lifetime();
        ledger
            .charge_in_window(U256::from(uses), 0)
            .map_err(|_| exceeded(usage.lifetime_used, usage.lifetime_limit))?;
        Ok(narrow(ledger.spent()))
    }

    /// The `getUsageLimit` answer at `now`: `(bool installed, uint8 unit,
    /// uint32 lifetimeLimit, uint32 lifetimeUsed, uint32 periodLimit,
    /// uint32 period, uint32 periodUsed)`.
    pub fn view(&self, installed: bool, now: u64) -> Vec<u8> {
        let usage = if installed {
            self.load()
        } else {
            Usage::default()
        };
        AbiWriter::new(7)
            .bool(installed)
            .uint(if installed { self.unit.into() } else { 0 })
            .uint(usage.lifetime_limit.into())
            .uint(usage.lifetime_used.into())
            .uint(usage.period_limit.into())
            .uint(usage.period.into())
            .uint(usage.period_used_at(now).into())
            .finish()
    }
}

/// Decodes usage-limit install data, refusing it unless well formed.
pub fn decode(data: &[u8]) -> Result<UsageLimitInstall, Vec<u8>> {
    let install = UsageLimitInstall::decode(data).or_revert()?;
    validate(&install)?;
    Ok(install)
}
