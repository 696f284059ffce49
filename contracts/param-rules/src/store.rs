//! The rules of one key in its scope, and their check.
//!
//! Per function, under the key `target ‖ selector ‖ index`:
//! - tag `base`: the header word, `[conditions][totals]` then each
//!   condition's shape (`arg` u16, `op` u8, `bits` u16) at `2 + 5·i`, the
//!   op's high bit set when the condition has a path;
//! - tag `base + 1`, index `i`: condition `i`'s value;
//! - tag `base + 2`, index `j`: total `j`'s shape, period and limit (`arg`
//!   u16, `bits` u16 with its high bit set when the total has a path,
//!   `period` u32, its anchor u48, then the limit in the low 144 bits);
//! - tag `base + 3`, index `j`: what total `j` has summed, and in which
//!   period (the period index u48, then the sum in the low 208 bits);
//! - tag `base + 4`, the key's list of functions with rules, for the
//!   `getParamRules` view: their count at key 0, then `target ‖ selector`
//!   at keys 1, 2, ….
//! - tag `base + 5`, index `i` (a condition) or `8 + j` (a total): its
//!   path, when it has one. A rule without paths reads no more words than
//!   before paths existed.
//!
//! A periodic total is a [`Ledger`] (`permission_core::period`): a
//! validation, which may not read the clock, charges the period of the
//! timestamp the operation hints and confines the operation to it; a hook
//! at the clock charges the clock's period.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::policy::require_some_time;
use module_kit::scope::Scope;
use module_kit::{Host, Output};
use permission_core::abi::{encode_array, AbiReader, AbiWriter};
use permission_core::calls::Call;
use permission_core::params::{
    arguments, condition_fault, conditions_hold, encode_condition, encode_total, path_fault,
    total_fault, ArgError, Condition, ParamRulesInstall, RuleFault, Shape, Total, MAX_CONDITIONS,
    MAX_TOTALS,
};
use permission_core::path::Path;
use permission_core::period::{recorded_period_not_started, Ledger, Refusal};
use permission_core::validation_data::MAX_U48;
use permission_core::{Address, ValidationData, B256, U256};

use crate::{
    DIRTY_PARAM, INVALID_PARAM_RULE, MISSING_PARAM, PARAM_NOT_ALLOWED, PARAM_RULES_SET,
    PARAM_TOTAL_EXCEEDED,
};

/// When an operation's totals are charged.
#[derive(Clone, Copy, Debug)]
pub enum ChargeTime {
    /// In validation, without the clock (ERC-7562): the period of the
    /// hinted timestamp, or each total's recorded period without a hint.
    Hinted(Option<u64>),
    /// At the clock.
    At(u64),
}

/// What one operation charges to the totals, until
/// [`ParamRules::check_calls`] writes it.
struct Charges {
    time: ChargeTime,
    /// The validity window the charged periods leave (what the caller
    /// passed in, narrowed to each charged period).
    bounds: ValidationData,
    pending: Vec<([u8; 32], Record)>,
}

impl Charges {
    fn new(time: ChargeTime, bounds: ValidationData) -> Self {
        Self {
            time,
            bounds,
            pending: Vec::new(),
        }
    }
}

/// The storage tags the rules use, from their base.
pub const TAGS: u8 = 6;

/// In a stored shape's op, or a total's bits: the rule has a path.
const HAS_PATH: u8 = 0x80;
/// The path index of total `j` is `TOTAL_PATHS + j`.
const TOTAL_PATHS: u8 = 8;

/// The rules of one (account, entityId), at tags `base..base + TAGS`.
/// With `PATHS` false the rules follow no ABI path, and the program
/// carries no path code: its install refuses every rule with a path
/// ([`check_install`]).
pub struct ParamRules<'s, 'h, H: Host, const PATHS: bool> {
    scope: &'s Scope<'h, H>,
    base: u8,
}

fn key(target: Address, selector: [u8; 4], index: u8) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(target.as_slice());
    key[20..24].copy_from_slice(&selector);
    key[31] = index;
    key
}

/// Key `i` of the function list.
fn list_key(i: u64) -> [u8; 32] {
    U256::from(i).to_be_bytes::<32>()
}

/// One function's header word.
#[derive(Clone, Copy, Default)]
struct Header([u8; 32]);

impl Header {
    fn conditions(&self) -> usize {
        usize::from(self.0[0])
    }

    fn totals(&self) -> usize {
        usize::from(self.0[1])
    }

    /// Condition `i`'s shape, and whether it has a path (left empty here).
    fn shape(&self, i: usize) -> (Shape, bool) {
        let at = 2 + 5 * i;
        let op = self.0[at + 2];
        let shape = Shape {
            arg: u16::from_be_bytes([self.0[at], self.0[at + 1]]),
            op: op & !HAS_PATH,
            bits: u16::from_be_bytes([self.0[at + 3], self.0[at + 4]]),
            path: Path::NONE,
        };
        (shape, op & HAS_PATH != 0)
    }

    /// Appends a shape; the caller checked there is room.
    fn push(&mut self, shape: &Shape) {
        let at = 2 + 5 * self.conditions();
        self.0[at..at + 2].copy_from_slice(&shape.arg.to_be_bytes());
        self.0[at + 2] = match shape.path.is_empty() {
            true => shape.op,
            false => shape.op | HAS_PATH,
        };
        self.0[at + 3..at + 5].copy_from_slice(&shape.bits.to_be_bytes());
        self.0[0] += 1;
    }
}

fn invalid(index: usize, fault: RuleFault) -> Vec<u8> {
    AbiWriter::new(2)
        .uint(index as u64)
        .uint(fault as u64)
        .finish_with_selector(INVALID_PARAM_RULE)
}

/// A total as stored: its shape, its period and when that started, and
/// its limit (below 2^144).
struct TotalSpec {
    arg: u16,
    bits: u16,
    period: u32,
    anchor: u64,
    limit: U256,
    path: Path,
}

impl TotalSpec {
    fn new(total: &Total, now: u64) -> Self {
        Self {
            arg: total.arg,
            bits: total.bits,
            period: total.period,
            anchor: now.min(MAX_U48),
            limit: total.limit,
            path: total.path,
        }
    }

    fn to_word(&self) -> B256 {
        // check_install keeps the limit within its 18 bytes.
        let mut word = self.limit.to_be_bytes::<32>();
        word[..2].copy_from_slice(&self.arg.to_be_bytes());
        word[2..4].copy_from_slice(&self.bits.to_be_bytes());
        if !self.path.is_empty() {
            word[2] |= HAS_PATH;
        }
        word[4..8].copy_from_slice(&self.period.to_be_bytes());
        word[8..14].copy_from_slice(&self.anchor.to_be_bytes()[2..]);
        B256::from(word)
    }

    /// The spec in `word`, and whether it has a path (left empty here).
    fn from_word(word: &B256) -> (Self, bool) {
        let mut limit = word.0;
        limit[..14].fill(0);
        let mut anchor = [0u8; 8];
        anchor[2..].copy_from_slice(&word[8..14]);
        let spec = Self {
            arg: u16::from_be_bytes([word[0], word[1]]),
            bits: u16::from_be_bytes([word[2] & !HAS_PATH, word[3]]),
            period: u32::from_be_bytes([word[4], word[5], word[6], word[7]]),
            anchor: u64::from_be_bytes(anchor),
            limit: U256::from_be_bytes(limit),
            path: Path::NONE,
        };
        (spec, word[2] & HAS_PATH != 0)
    }

    /// The total's ledger with `record` as its spend record.
    fn ledger(&self, record: &Record) -> Ledger {
        Ledger {
            limit: self.limit,
            period: self.period.into(),
            anchor: self.anchor,
            window: record.window,
            remaining: self.limit.saturating_sub(record.spent),
        }
    }
}

/// What a total has summed in period `window` (0 for a lifetime total).
#[derive(Clone, Copy)]
struct Record {
    window: u64,
    spent: U256,
}

impl Record {
    fn of(ledger: &Ledger) -> Self {
        Self {
            window: ledger.window,
            spent: ledger.spent(),
        }
    }

    fn to_word(self) -> B256 {
        // The sum stays within the limit (below 2^144), and a period index
        // within a uint48 timestamp's.
        let mut word = self.spent.to_be_bytes::<32>();
        word[..6].copy_from_slice(&self.window.min(MAX_U48).to_be_bytes()[2..]);
        B256::from(word)
    }

    fn from_word(word: &B256) -> Self {
        let mut spent = word.0;
        spent[..6].fill(0);
        let mut window = [0u8; 8];
        window[2..].copy_from_slice(&word[..6]);
        Self {
            window: u64::from_be_bytes(window),
            spent: U256::from_be_bytes(spent),
        }
    }
}

/// Checks every entry of `install`, refusing the first bad one with
/// `InvalidParamRule`, before anything is written; without `PATHS`, a
/// rule with a path is refused as `RuleFault::Path`.
pub fn check_install<const PATHS: bool>(install: &ParamRulesInstall<'_>) -> Result<(), Vec<u8>> {
    let conditions: Vec<Condition> = install.conditions().collect::<Result<_, _>>().or_revert()?;
    let totals: Vec<Total> = install.totals().collect::<Result<_, _>>().or_revert()?;
    for (i, c) in conditions.iter().enumerate() {
        let same = conditions[..i]
            .iter()
            .filter(|o| (o.target, o.selector) == (c.target, c.selector))
            .count();
        let fault = condition_fault(c)
            .or(path_fault(&c.path, PATHS))
            .or((same >= MAX_CONDITIONS).then_some(RuleFault::TooMany));
        if let Some(fault) = fault {
            return Err(invalid(i, fault));
        }
    }
    for (j, t) in totals.iter().enumerate() {
        let earlier = &totals[..j];
        let same = earlier
            .iter()
            .filter(|o| (o.target, o.selector) == (t.target, t.selector))
            .count();
        let fault = total_fault(t)
            .or(path_fault(&t.path, PATHS))
            .or((same >= MAX_TOTALS).then_some(RuleFault::TooMany))
            .or(earlier
                .iter()
                .any(|o| {
                    (o.target, o.selector, o.arg) == (t.target, t.selector, t.arg)
                        && (!PATHS || o.path == t.path)
                })
                .then_some(RuleFault::Limit));
        if let Some(fault) = fault {
            return Err(invalid(conditions.len() + j, fault));
        }
    }
    Ok(())
}

impl<'s, 'h, H: Host, const PATHS: bool> ParamRules<'s, 'h, H, PATHS> {
    /// The rules at tags `base..base + TAGS` of `scope`.
    pub fn new(scope: &'s Scope<'h, H>, base: u8) -> Self {
        Self { scope, base }
    }

    fn header(&self, target: Address, selector: [u8; 4]) -> Header {
        Header(self.scope.read(self.base, &key(target, selector, 0)).0)
    }

    fn set_header(&self, target: Address, selector: [u8; 4], header: Header) {
        self.scope
            .write(self.base, &key(target, selector, 0), B256::from(header.0));
    }

    /// The path at `index` of a function's paths, if the rule has one.
    fn path(&self, target: Address, selector: [u8; 4], index: u8, has: bool) -> Path {
        match PATHS && has {
            true => Path(
                self.scope
                    .read(self.base + 5, &key(target, selector, index)),
            ),
            false => Path::NONE,
        }
    }

    fn set_path(&self, target: Address, selector: [u8; 4], index: u8, path: &Path) {
        if !path.is_empty() {
            self.scope
                .write(self.base + 5, &key(target, selector, index), path.0);
        }
    }

    /// Condition `i` of a function: its shape, path included.
    fn shape(&self, target: Address, selector: [u8; 4], header: &Header, i: usize) -> Shape {
        let (shape, has_path) = header.shape(i);
        Shape {
            path: self.path(target, selector, i as u8, has_path),
            ..shape
        }
    }

    /// Total `j` of a function: its key and its spec (path included).
    fn total(&self, target: Address, selector: [u8; 4], j: usize) -> ([u8; 32], TotalSpec) {
        let total_key = key(target, selector, j as u8);
        let (spec, has_path) = TotalSpec::from_word(&self.scope.read(self.base + 2, &total_key));
        let spec = TotalSpec {
            path: self.path(target, selector, TOTAL_PATHS + j as u8, has_path),
            ..spec
        };
        (total_key, spec)
    }

    /// What the total at `total_key` has summed, as stored.
    fn record(&self, total_key: &[u8; 32]) -> Record {
        Record::from_word(&self.scope.read(self.base + 3, total_key))
    }

    /// Stores install data that [`check_install`] has passed (its caller
    /// checks first, before the scope's own install write), with periods
    /// starting at `now`, and emits `ParamRulesSet`.
    pub fn install(&self, install: &ParamRulesInstall<'_>, now: u64) -> Result<(), Vec<u8>> {
        // A fresh install generation starts with an empty list.
        let mut functions = 0u64;
        let mut list = |header: &Header, target: Address, selector: [u8; 4]| {
            if header.conditions() == 0 && header.totals() == 0 {
                functions += 1;
                let mut word = [0u8; 32];
                word[..20].copy_from_slice(target.as_slice());
                word[20..24].copy_from_slice(&selector);
                self.scope
                    .write(self.base + 4, &list_key(functions), B256::from(word));
            }
        };
        for c in install.conditions() {
            let c = c.or_revert()?;
            let mut header = self.header(c.target, c.selector);
            list(&header, c.target, c.selector);
            let index = header.conditions() as u8;
            self.scope
                .write(self.base + 1, &key(c.target, c.selector, index), c.value);
            self.set_path(c.target, c.selector, index, &c.path);
            header.push(&Shape {
                arg: c.arg,
                op: c.op,
                bits: c.bits,
                path: c.path,
            });
            self.set_header(c.target, c.selector, header);
        }
        for t in install.totals() {
            let t = t.or_revert()?;
            let mut header = self.header(t.target, t.selector);
            list(&header, t.target, t.selector);
            let index = header.0[1];
            self.scope.write(
                self.base + 2,
                &key(t.target, t.selector, index),
                TotalSpec::new(&t, now).to_word(),
            );
            self.set_path(t.target, t.selector, TOTAL_PATHS + index, &t.path);
            header.0[1] += 1;
            self.set_header(t.target, t.selector, header);
        }
        self.scope
            .write(self.base + 4, &list_key(0), B256::from(list_key(functions)));
        let (conditions, totals) = install.counts();
        emit_account_event(
            self.scope.host(),
            PARAM_RULES_SET,
            self.scope.account,
            self.scope.entity_id,
            &AbiWriter::new(2)
                .uint(conditions as u64)
                .uint(totals as u64)
                .finish(),
        );
        Ok(())
    }

    /// Judges every call `for_each` yields, and, given a `time`, charges
    /// the totals then and writes them once every call passed (a refusal
    /// writes nothing), unless the charged periods leave the operation no
    /// time to run. Returns `bounds` narrowed to the charged periods.
    pub fn check_calls(
        &self,
        time: Option<ChargeTime>,
        bounds: ValidationData,
        for_each: impl FnOnce(&mut dyn FnMut(&Call<'_>) -> Result<(), Vec<u8>>) -> Result<(), Vec<u8>>,
    ) -> Result<ValidationData, Vec<u8>> {
        let mut charges = time.map(|time| Charges::new(time, bounds));
        for_each(&mut |call| self.check_call(call, charges.as_mut()))?;
        let Some(charges) = charges else {
            return Ok(bounds);
        };
        require_some_time(&charges.bounds)?;
        for (key, record) in &charges.pending {
            self.scope.write(self.base + 3, key, record.to_word());
        }
        Ok(charges.bounds)
    }

    /// Judges one call: every condition of its function, then, given
    /// `charges`, its totals (earlier calls of the same operation
    /// included). Without `charges` (a phase after the one that charged)
    /// the totals are not looked at.
    fn check_call(&self, call: &Call<'_>, charges: Option<&mut Charges>) -> Result<(), Vec<u8>> {
        let Some(selector) = call.selector().or_revert()? else {
            return Ok(());
        };
        let header = self.header(call.target, selector);
        let shapes: Vec<Shape> = (0..header.conditions())
            .map(|i| self.shape(call.target, selector, &header, i))
            .collect();
        let value = |i: usize| {
            self.scope
                .read(self.base + 1, &key(call.target, selector, i as u8))
        };
        let read_error = |(arg, error): (u16, ArgError)| match error {
            ArgError::Missing => AbiWriter::new(1)
                .uint(arg.into())
                .finish_with_selector(MISSING_PARAM),
            ArgError::Dirty(word) => AbiWriter::new(2)
                .uint(arg.into())
                .word(word.0)
                .finish_with_selector(DIRTY_PARAM),
        };
        if let Some((i, arg)) =
            conditions_hold::<PATHS>(call.data, &shapes, value).map_err(read_error)?
        {
            return Err(AbiWriter::new(4)
                .address(call.target)
                .bytes4(selector)
                .uint(shapes[i].arg.into())
                .word(arg.0)
                .finish_with_selector(PARAM_NOT_ALLOWED));
        }
        let Some(charges) = charges else {
            return Ok(());
        };
        for j in 0..header.totals() {
            let (total_key, spec) = self.total(call.target, selector, j);
            // Every word the path locates (every element of an array).
            let mut amount = U256::ZERO;
            for word in arguments::<PATHS>(call.data, spec.arg, spec.bits, &spec.path)
                .map_err(|e| read_error((spec.arg, e)))?
            {
                let word = word.map_err(|e| read_error((spec.arg, e)))?;
                // A sum past 2^256 exceeds any limit (below 2^144).
                amount = amount.saturating_add(U256::from_be_bytes(word.0));
            }
            let earlier = charges.pending.iter().position(|(k, _)| *k == total_key);
            let record = match earlier {
                Some(i) => charges.pending[i].1,
                None => self.record(&total_key),
            };
            let mut ledger = spec.ledger(&record);
            let exceeded = |remaining: U256| {
                AbiWriter::new(5)
                    .address(call.target)
                    .bytes4(selector)
                    .uint(spec.arg.into())
                    .u256(spec.limit.saturating_sub(remaining).saturating_add(amount))
                    .u256(spec.limit)
                    .finish_with_selector(PARAM_TOTAL_EXCEEDED)
            };
            match charges.time {
                ChargeTime::Hinted(hint) => {
                    let window = ledger.hinted_window(hint)?;
                    ledger.charge_in_window(amount, window).map_err(exceeded)?;
                    if let Some((start, end)) = ledger.window_bounds(window, MAX_U48) {
                        charges.bounds = charges
                            .bounds
                            .intersect(&ValidationData::window(start, end));
                    }
                }
                ChargeTime::At(now) => {
                    ledger
                        .charge(amount, now)
                        .map_err(|refusal| match refusal {
                            Refusal::Exceeded { remaining } => exceeded(remaining),
                            Refusal::PeriodNotStarted { recorded, clock } => {
                                recorded_period_not_started(recorded, clock)
                            }
                        })?;
                }
            }
            let record = Record::of(&ledger);
            match earlier {
                Some(i) => charges.pending[i].1 = record,
                None => charges.pending.push((total_key, record)),
            }
        }
        Ok(())
    }

    /// The `getParamTotal(account, entityId, target, selector, arg)` answer
    /// at `now`: `(bool installed, uint256 total, uint256 limit, uint32
    /// period)`, what the first total of `arg` of `target.selector` has
    /// summed in the period `now` falls in (zeros when there is no such
    /// total; `getParamRules` tells totals on one argument's paths apart).
    pub fn view_total(&self, installed: bool, args: &AbiReader<'_>, now: u64) -> Output {
        let target = args.address(2).or_revert()?;
        let selector = args.bytes4(3).or_revert()?;
        let arg = args.uint(4, 16).or_revert()? as u16;
        let header = self.header(target, selector);
        let mut answer = (U256::ZERO, U256::ZERO, 0);
        if installed {
            for j in 0..header.totals() {
                let (total_key, spec) = self.total(target, selector, j);
                if spec.arg == arg {
                    let record = self.record(&total_key);
                    answer = (spec.ledger(&record).spent_at(now), spec.limit, spec.period);
                    break;
                }
            }
        }
        Ok(AbiWriter::new(4)
            .bool(installed)
            .u256(answer.0)
            .u256(answer.1)
            .uint(answer.2.into())
            .finish())
    }

    /// The `getParamRules(account, entityId)` answer at `now`: `(bool
    /// installed, Condition[] conditions, Total[] totals, uint256[]
    /// spent)`, every rule as installed (a list as one condition per
    /// value), and what each total has summed in the period `now` falls in.
    pub fn view_rules(&self, installed: bool, now: u64) -> Vec<u8> {
        let mut conditions = Vec::new();
        let mut totals = Vec::new();
        let mut spent = Vec::new();
        let count = match installed {
            true => U256::from_be_bytes(self.scope.read(self.base + 4, &list_key(0)).0),
            false => U256::ZERO,
        };
        // At most one function per install entry, so the count fits.
        for f in 1..=count.saturating_to::<u64>() {
            let word = self.scope.read(self.base + 4, &list_key(f));
            let target = Address::from_slice(&word[..20]);
            let selector = [word[20], word[21], word[22], word[23]];
            let header = self.header(target, selector);
            for i in 0..header.conditions() {
                let shape = self.shape(target, selector, &header, i);
                conditions.push(encode_condition(&Condition {
                    target,
                    selector,
                    arg: shape.arg,
                    op: shape.op,
                    bits: shape.bits,
                    value: self
                        .scope
                        .read(self.base + 1, &key(target, selector, i as u8)),
                    path: shape.path,
                }));
            }
            for j in 0..header.totals() {
                let (total_key, spec) = self.total(target, selector, j);
                let record = self.record(&total_key);
                totals.push(encode_total(&Total {
                    target,
                    selector,
                    arg: spec.arg,
                    bits: spec.bits,
                    limit: spec.limit,
                    period: spec.period,
                    path: spec.path,
                }));
                let sum = spec.ledger(&record).spent_at(now);
                spent.push(sum.to_be_bytes::<32>().to_vec());
            }
        }
        AbiWriter::new(4)
            .bool(installed)
            .dyn_encoded(&encode_array(&conditions, false))
            .dyn_encoded(&encode_array(&totals, false))
            .dyn_encoded(&encode_array(&spent, false))
            .finish()
    }
}
