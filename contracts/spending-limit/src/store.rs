//! The spending-limit rule over its storage, written once: what a call
//! spends, the ledgers and the gas budget, and how an operation is charged
//! in validation (a hinted period) or at the clock. The standalone module
//! ([`crate::SpendingLimit`]) and the policy rule ([`crate::SpendRule`])
//! both run this code, each over its own tags.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::{emit_account_event, emit_account_event_keyed};
use module_kit::policy::{period_hint, require_some_time};
use module_kit::scope::{address_key, Scope};
use module_kit::set::KeySet;
use module_kit::Host;
use module_kit::Output;
use permission_core::abi::{encode_array, AbiReader, AbiWriter};
use permission_core::calls::Call;
use permission_core::erc20::{decode_token_spend, TokenCallError};
use permission_core::install::SpendingLimitInstall;
use permission_core::install::{GasBudget, SpendLimit, NATIVE_TOKEN};
use permission_core::user_op::PackedUserOpReader;
use permission_core::validation_data::MAX_U48;
use permission_core::{Address, CalldataError, ValidationData, B256, U256};

use crate::module::{
    DUPLICATE_TOKEN, GAS_BUDGET_EXCEEDED, GAS_BUDGET_SET, GAS_CHARGED, GET_GAS_BUDGET,
    GET_LIMITED_TOKENS, GET_SPEND_LIMIT, GET_SPONSORS, SPEND_LIMIT_EXCEEDED, SPEND_LIMIT_SET,
    SPENT, TOKEN_CALL_NOT_ALLOWED,
};
use permission_core::period::{recorded_period_not_started, Ledger, Refusal};

/// Tag offsets from the store's base. The standalone module's base is 1,
/// which gives the tags it has always used.
/// The set of limited tokens (three tags).
pub(crate) const TOKENS: u8 = 0;
/// The set of sponsoring paymasters (three tags).
pub(crate) const SPONSORS: u8 = 3;
/// A token's limit word.
const LIMIT: u8 = 9;
/// A token's period word: configured flag, period, anchor and window.
const PERIOD: u8 = 10;
/// A token's remaining word: what remains in the recorded period, for a
/// limit too large to pack it in the period word.
const REMAINING: u8 = 11;
/// The gas budget's limit word.
const GAS_LIMIT: u8 = 19;
/// The gas budget's spent word.
const GAS_SPENT: u8 = 20;
/// The gas budget's enabled flag.
const GAS_ENABLED: u8 = 21;
/// Tags the store uses from its base.
pub(crate) const TAGS: u8 = 22;

const NO_KEY: [u8; 32] = [0u8; 32];

/// What a store knows without reading storage: the policy rule keeps these
/// flags in its payload, since a policy's limits do not change after
/// install. The standalone module, whose admin functions change them, reads
/// storage every time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Known(pub u8);

impl Known {
    /// The native coin is limited.
    pub const NATIVE: u8 = 1;
    /// The gas budget is enabled.
    pub const GAS: u8 = 2;
    /// Some paymaster sponsors the key.
    pub const SPONSORS: u8 = 4;
    /// Some ERC-20 token is limited.
    pub const TOKENS: u8 = 8;
    /// This byte is meaningful (set at install by the policy rule).
    pub const SET: u8 = 0x80;

    fn says(self, bit: u8) -> Option<bool> {
        (self.0 & Self::SET != 0).then_some(self.0 & bit != 0)
    }
}

/// The byte of a token's period word that says it is limited: [`FULL`] or
/// [`PACKED`]. It makes "is this token limited?" the same storage read as
/// the ledger itself.
const FLAG_AT: usize = 13;
/// What remains has its own word (a limit of more than 104 bits).
const FULL: u8 = 1;
/// What remains is in the period word's first [`PACKED_BYTES`] bytes.
const PACKED: u8 = 2;
/// Room for what remains in the period word.
const PACKED_BYTES: usize = 13;

/// Whether a limit's remaining amount fits the period word: then a spend
/// reads and writes one word.
fn fits_packed(limit: U256) -> bool {
    limit.bit_len() <= PACKED_BYTES * 8
}

/// The period word: what remains (bytes 0..13, when packed), the flag
/// (13), period (14..20), anchor (20..26) and the recorded period's index
/// (26..32, a `uint48`: no timestamp or hint reaches past it).
fn period_word(ledger: &Ledger, packed: bool) -> B256 {
    let mut word = [0u8; 32];
    if packed {
        let remaining = ledger.remaining.to_be_bytes::<32>();
        word[..PACKED_BYTES].copy_from_slice(&remaining[32 - PACKED_BYTES..]);
    }
    word[FLAG_AT] = if packed { PACKED } else { FULL };
    word[14..20].copy_from_slice(&ledger.period.to_be_bytes()[2..]);
    word[20..26].copy_from_slice(&ledger.anchor.to_be_bytes()[2..]);
    word[26..].copy_from_slice(&ledger.window.min(MAX_U48).to_be_bytes()[2..]);
    B256::from(word)
}

fn u48_at(word: &B256, start: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes[2..].copy_from_slice(&word[start..start + 6]);
    u64::from_be_bytes(bytes)
}

/// An amount as stored (what remains of a limit, what a gas budget has
/// spent): bitwise NOT, so that "nothing left" and "nothing spent" are
/// non-zero words. Setting a limit then pays the zero-to-non-zero SSTORE
/// (20,000 gas) once, and every spend is a non-zero-to-non-zero write
/// (2,900). Only configured ledgers are ever read, so an unwritten slot is
/// never decoded.
fn inverted(amount: U256) -> B256 {
    B256::from((!amount).to_be_bytes::<32>())
}

fn from_inverted(word: B256) -> U256 {
    !U256::from_be_bytes(word.0)
}

/// `TokenError(address)`-shaped revert data.
pub(crate) fn token_error(error: [u8; 4], token: Address) -> Vec<u8> {
    AbiWriter::new(1).address(token).finish_with_selector(error)
}

fn exceeded(token: Address, requested: U256, remaining: U256) -> Vec<u8> {
    AbiWriter::new(3)
        .address(token)
        .u256(requested)
        .u256(remaining)
        .finish_with_selector(SPEND_LIMIT_EXCEEDED)
}

/// What a user operation's gas costs the key, from [`SpendStore::gas_cost`]:
/// the prefund, and which of the key's limits count it (read once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasCost {
    /// The most the operation can cost the account, in wei.
    pub amount: U256,
    /// The gas budget is enabled and charges it.
    pub budget: bool,
    /// The native limit charges it.
    pub native: bool,
}

/// Install data that passed [`SpendStore::validate`].
pub struct Validated {
    limits: Vec<SpendLimit>,
    gas: GasBudget,
    sponsors: Vec<Address>,
}

/// The spending-limit state of one key: tags from `base` in its scope.
pub struct SpendStore<'s, 'h, H: Host> {
    /// The key's scope.
    pub scope: &'s Scope<'h, H>,
    base: u8,
    known: Known,
}

impl<'s, 'h, H: Host> SpendStore<'s, 'h, H> {
    /// The store at tags `base..base + TAGS` of `scope`.
    pub fn new(scope: &'s Scope<'h, H>, base: u8, known: Known) -> Self {
        Self { scope, base, known }
    }

    fn tag(&self, offset: u8) -> u8 {
        // The base leaves room for TAGS tags (the policy's layout checks it).
        self.base.wrapping_add(offset)
    }

    fn read(&self, offset: u8, key: &[u8; 32]) -> B256 {
        self.scope.read(self.tag(offset), key)
    }

    fn write(&self, offset: u8, key: &[u8; 32], value: B256) {
        self.scope.write(self.tag(offset), key, value)
    }

    /// The set at tag offset `offset` (the limited tokens or the sponsors).
    pub fn set(&self, offset: u8) -> KeySet<'s, 'h, H> {
        KeySet::new(self.scope, self.tag(offset))
    }

    /// Whether `token` has a limit (one storage read, which the ledger load
    /// then finds in the storage cache, unless the known flags answer).
    pub fn is_limited(&self, token: Address) -> bool {
        let bit = if token == NATIVE_TOKEN {
            Known::NATIVE
        } else {
            Known::TOKENS
        };
        if self.known.says(bit) == Some(false) {
            return false;
        }
        self.read(PERIOD, &address_key(token))[FLAG_AT] != 0
    }

    /// The ledger of `token` (configured or not), limit included.
    pub fn load_ledger(&self, token: Address) -> Ledger {
        let (mut ledger, _) = self.load_record(token);
        self.load_limit(token, &mut ledger);
        ledger
    }

    /// What a spend in the recorded period needs: the period word, and the
    /// remaining word unless what remains is packed in the period word (one
    /// read, or two). The limit is left unread (zero). Returns whether the
    /// record is packed.
    fn load_record(&self, token: Address) -> (Ledger, bool) {
        let key = address_key(token);
        let period = self.read(PERIOD, &key);
        let packed = period[FLAG_AT] == PACKED;
        let remaining = if packed {
            U256::from_be_slice(&period[..PACKED_BYTES])
        } else {
            from_inverted(self.read(REMAINING, &key))
        };
        let ledger = Ledger {
            limit: U256::ZERO,
            period: u48_at(&period, 14),
            anchor: u48_at(&period, 20),
            window: u48_at(&period, 26),
            remaining,
        };
        (ledger, packed)
    }

    /// Reads the limit's own word into `ledger`.
    fn load_limit(&self, token: Address, ledger: &mut Ledger) {
        ledger.limit = U256::from_be_bytes(self.read(LIMIT, &address_key(token)).0);
    }

    /// The record for a spend in period `window`: the limit is read only
    /// when the spend opens a new period.
    fn load_for_window(&self, token: Address, ledger: &mut Ledger, window: u64) {
        if ledger.needs_limit(window) {
            self.load_limit(token, ledger);
        }
    }

    /// Writes a new limit's ledger: packed when the limit fits, so the
    /// remaining word is written (and later read) only for a larger one.
    fn store_ledger(&self, token: Address, ledger: &Ledger) {
        let key = address_key(token);
        let packed = fits_packed(ledger.limit);
        self.write(LIMIT, &key, B256::from(ledger.limit.to_be_bytes::<32>()));
        self.write(PERIOD, &key, period_word(ledger, packed));
        if !packed {
            self.write(REMAINING, &key, inverted(ledger.remaining));
        }
    }

    /// Stores only what a charge changes: what remains, and the recorded
    /// period when the charge opened a new one (`recorded` is the window
    /// before). A packed record is one write.
    fn store_spend(&self, token: Address, ledger: &Ledger, recorded: u64, packed: bool) {
        let key = address_key(token);
        if packed || ledger.window != recorded {
            self.write(PERIOD, &key, period_word(ledger, packed));
        }
        if !packed {
            self.write(REMAINING, &key, inverted(ledger.remaining));
        }
    }

    /// Clears a token's ledger, flag included.
    pub fn clear_ledger(&self, token: Address) {
        let key = address_key(token);
        for tag in [LIMIT, PERIOD, REMAINING] {
            self.write(tag, &key, B256::ZERO);
        }
    }

    /// Adds or replaces a limit, starting a period at `now` with nothing
    /// spent; emits `SpendLimitSet`.
    pub fn set_limit(&self, limit: &SpendLimit, now: u64) {
        self.set(TOKENS).insert(&address_key(limit.token));
        self.store_ledger(limit.token, &Ledger::new(limit.limit, limit.period, now));
        emit_account_event_keyed(
            self.scope.host(),
            SPEND_LIMIT_SET,
            self.scope.account,
            self.scope.entity_id,
            address_key(limit.token),
            &AbiWriter::new(2)
                .u256(limit.limit)
                .uint(limit.period)
                .finish(),
        );
    }

    /// Replaces the gas budget, with nothing spent; emits `GasBudgetSet`.
    pub fn set_gas_budget(&self, gas: &GasBudget) {
        self.write(
            GAS_ENABLED,
            &NO_KEY,
            B256::with_last_byte(gas.enabled as u8),
        );
        self.write(
            GAS_LIMIT,
            &NO_KEY,
            B256::from(gas.limit.to_be_bytes::<32>()),
        );
        self.write(GAS_SPENT, &NO_KEY, inverted(U256::ZERO));
        emit_account_event(
            self.scope.host(),
            GAS_BUDGET_SET,
            self.scope.account,
            self.scope.entity_id,
            &AbiWriter::new(2).bool(gas.enabled).u256(gas.limit).finish(),
        );
    }

    /// Whether the gas budget is enabled.
    pub fn gas_enabled(&self) -> bool {
        match self.known.says(Known::GAS) {
            Some(enabled) => enabled,
            None => self.read(GAS_ENABLED, &NO_KEY)[31] != 0,
        }
    }

    /// The gas budget: (limit, spent); meaningful when enabled.
    pub fn gas_budget(&self) -> (U256, U256) {
        (
            U256::from_be_bytes(self.read(GAS_LIMIT, &NO_KEY).0),
            from_inverted(self.read(GAS_SPENT, &NO_KEY)),
        )
    }

    /// Whether `paymaster` sponsors the key's gas.
    fn sponsors(&self, paymaster: Address) -> bool {
        self.known.says(Known::SPONSORS) != Some(false)
            && self.set(SPONSORS).contains(&address_key(paymaster))
    }

    /// Checks `cost` against the enabled gas budget, writing nothing;
    /// returns what is then spent and what remains.
    fn check_gas_budget(&self, cost: U256) -> Result<(U256, U256), Vec<u8>> {
        let (limit, spent) = self.gas_budget();
        let remaining = limit.saturating_sub(spent);
        if cost > remaining {
            return Err(AbiWriter::new(2)
                .u256(cost)
                .u256(remaining)
                .finish_with_selector(GAS_BUDGET_EXCEEDED));
        }
        // cost <= limit - spent: neither can overflow.
        Ok((spent.saturating_add(cost), remaining - cost))
    }

    /// Records a gas charge that passed [`Self::check_gas_budget`]; emits
    /// `GasCharged`.
    fn record_gas(&self, cost: U256, spent: U256, remaining: U256) {
        self.write(GAS_SPENT, &NO_KEY, inverted(spent));
        emit_account_event(
            self.scope.host(),
            GAS_CHARGED,
            self.scope.account,
            self.scope.entity_id,
            &AbiWriter::new(2).u256(cost).u256(remaining).finish(),
        );
    }

    /// Adds `amount` to `token`'s total. A total that overflows `uint256`
    /// exceeds every limit: the error reports `type(uint256).max` as
    /// requested, and what remains at `now` (in the recorded period in
    /// validation, which has no clock).
    pub(crate) fn add_charge(
        &self,
        charges: &mut Vec<(Address, U256)>,
        token: Address,
        amount: U256,
        now: Option<u64>,
    ) -> Result<(), Vec<u8>> {
        match charges.iter_mut().find(|(t, _)| *t == token) {
            Some((_, total)) => match total.checked_add(amount) {
                Some(sum) => *total = sum,
                None => {
                    let ledger = self.load_ledger(token);
                    let remaining = match now {
                        Some(now) => ledger.remaining_at(now),
                        None => ledger.remaining,
                    };
                    return Err(exceeded(token, U256::MAX, remaining));
                }
            },
            None => charges.push((token, amount)),
        }
        Ok(())
    }

    /// Sums what `calls` spend, per limited token: native value, and
    /// `transfer`, `approve` and `increaseAllowance` of a limited token;
    /// any other call to a limited token is refused. `now` is the clock,
    /// `None` in validation.
    pub fn charges<'c>(
        &self,
        calls: impl Iterator<Item = Result<Call<'c>, CalldataError>>,
        now: Option<u64>,
    ) -> Result<Vec<(Address, U256)>, Vec<u8>> {
        let native_limited = self.is_limited(NATIVE_TOKEN);
        let mut charges: Vec<(Address, U256)> = Vec::new();
        for call in calls {
            let call = call.or_revert()?;
            if native_limited && !call.value.is_zero() {
                self.add_charge(&mut charges, NATIVE_TOKEN, call.value, now)?;
            }
            if call.target == NATIVE_TOKEN || !self.is_limited(call.target) {
                continue;
            }
            match decode_token_spend(call.data) {
                Ok(spend) => self.add_charge(&mut charges, call.target, spend.amount(), now)?,
                Err(TokenCallError::UnsupportedSelector(selector)) => {
                    return Err(AbiWriter::new(2)
                        .address(call.target)
                        .bytes4(selector.unwrap_or_default())
                        .finish_with_selector(TOKEN_CALL_NOT_ALLOWED))
                }
                Err(TokenCallError::Malformed(err)) => return Err(err).or_revert(),
            }
        }
        Ok(charges)
    }

    fn emit_spent(&self, token: Address, amount: U256) {
        emit_account_event_keyed(
            self.scope.host(),
            SPENT,
            self.scope.account,
            self.scope.entity_id,
            address_key(token),
            &amount.to_be_bytes::<32>(),
        );
    }

    /// Charges `charges` at the clock `now`: every token is checked before
    /// any spend is recorded. A record for a period after the clock's (a
    /// validation charged a hinted future period) refuses the spend.
    pub fn charge_at(&self, charges: &[(Address, U256)], now: u64) -> Result<(), Vec<u8>> {
        let mut ledgers = Vec::with_capacity(charges.len());
        for (token, amount) in charges {
            let (mut ledger, packed) = self.load_record(*token);
            let recorded = ledger.window;
            let clock = ledger.window_at(now);
            self.load_for_window(*token, &mut ledger, clock);
            ledger
                .charge(*amount, now)
                .map_err(|refusal| match refusal {
                    Refusal::Exceeded { remaining } => exceeded(*token, *amount, remaining),
                    Refusal::PeriodNotStarted { recorded, clock } => {
                        recorded_period_not_started(recorded, clock)
                    }
                })?;
            ledgers.push((*token, *amount, ledger, recorded, packed));
        }
        for (token, amount, ledger, recorded, packed) in &ledgers {
            self.store_spend(*token, ledger, *recorded, *packed);
            self.emit_spent(*token, *amount);
        }
        Ok(())
    }

    /// Charges `charges`, and the operation's `gas` cost (from
    /// [`Self::gas_cost`]) to the gas budget and the native limit, without
    /// the clock (ERC-7562): each ledger in the period `hint` falls in (its
    /// recorded one without a hint), narrowing `bounds` to that period's
    /// first and last second. Everything is checked before anything is
    /// recorded.
    pub fn charge_in_validation(
        &self,
        mut charges: Vec<(Address, U256)>,
        gas: Option<GasCost>,
        hint: Option<u64>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>> {
        let mut gas_record = None;
        if let Some(gas) = gas {
            if gas.budget {
                gas_record = Some((gas.amount, self.check_gas_budget(gas.amount)?));
            }
            if gas.native {
                self.add_charge(&mut charges, NATIVE_TOKEN, gas.amount, None)?;
            }
        }
        let mut ledgers = Vec::with_capacity(charges.len());
        for (token, amount) in &charges {
            let (mut ledger, packed) = self.load_record(*token);
            let recorded = ledger.window;
            let window = ledger.hinted_window(hint)?;
            self.load_for_window(*token, &mut ledger, window);
            ledger
                .charge_in_window(*amount, window)
                .map_err(|remaining| exceeded(*token, *amount, remaining))?;
            if let Some((start, end)) = ledger.window_bounds(window, MAX_U48) {
                *bounds = bounds.intersect(&ValidationData::window(start, end));
            }
            ledgers.push((*token, *amount, ledger, recorded, packed));
        }
        // In a policy, the rules before this one narrowed the bounds too: a
        // period outside them is refused before anything is written.
        require_some_time(bounds)?;
        if let Some((cost, (spent, remaining))) = gas_record {
            self.record_gas(cost, spent, remaining);
        }
        for (token, amount, ledger, recorded, packed) in &ledgers {
            self.store_spend(*token, ledger, *recorded, *packed);
            self.emit_spent(*token, *amount);
        }
        Ok(())
    }

    /// The gas a user operation may cost the account (its prefund), for
    /// [`Self::charge_in_validation`] to charge. `None` when no limit
    /// counts it: no gas budget and no native limit, or a sponsoring
    /// paymaster pays.
    pub fn gas_cost(&self, user_op: &PackedUserOpReader<'_>) -> Result<Option<GasCost>, Vec<u8>> {
        let gas_enabled = self.gas_enabled();
        let native_limited = self.is_limited(NATIVE_TOKEN);
        if !gas_enabled && !native_limited {
            return Ok(None);
        }
        if let Some(paymaster) = user_op.paymaster().or_revert()? {
            if self.sponsors(paymaster) {
                return Ok(None);
            }
        }
        Ok(Some(GasCost {
            amount: user_op.max_gas_cost().or_revert()?.unwrap_or(U256::MAX),
            budget: gas_enabled,
            native: native_limited,
        }))
    }

    /// A validation segment as the hinted timestamp: empty, or one
    /// `uint48` word (`InvalidPeriodHint` otherwise).
    pub fn hint(segment: &[u8]) -> Result<Option<u64>, Vec<u8>> {
        period_hint(segment)
    }

    /// The limits and sponsors of `install`, validated (tokens distinct)
    /// before any write.
    pub fn validate(install: &SpendingLimitInstall<'_>) -> Result<Validated, Vec<u8>> {
        let limits: Vec<SpendLimit> = install.limits().collect::<Result<_, _>>().or_revert()?;
        let sponsors: Vec<Address> = install.sponsors().collect::<Result<_, _>>().or_revert()?;
        for (i, limit) in limits.iter().enumerate() {
            if limits[..i].iter().any(|l| l.token == limit.token) {
                return Err(token_error(DUPLICATE_TOKEN, limit.token));
            }
        }
        Ok(Validated {
            limits,
            gas: install.gas,
            sponsors,
        })
    }

    /// Writes validated install data, each limit's period starting at
    /// `now`. Returns what is now known of the key's limits.
    pub fn install(&self, install: &Validated, now: u64) -> Known {
        let mut known = Known::SET;
        for limit in &install.limits {
            self.set_limit(limit, now);
            known |= if limit.token == NATIVE_TOKEN {
                Known::NATIVE
            } else {
                Known::TOKENS
            };
        }
        if install.gas.enabled {
            self.set_gas_budget(&install.gas);
            known |= Known::GAS;
        }
        let sponsor_set = self.set(SPONSORS);
        for sponsor in &install.sponsors {
            // A repeated sponsor is stored once.
            sponsor_set.insert(&address_key(*sponsor));
        }
        if !install.sponsors.is_empty() {
            known |= Known::SPONSORS;
        }
        Known(known)
    }

    /// The views `getSpendLimit`, `getLimitedTokens`, `getGasBudget` and
    /// `getSponsors` for this store's key (`installed`: whether the key has
    /// the rule); `None` for another selector.
    pub fn view(&self, selector: [u8; 4], args: &AbiReader<'_>, installed: bool) -> Option<Output> {
        Some(match selector {
            GET_SPEND_LIMIT => self.spend_limit_view(args, installed),
            GET_LIMITED_TOKENS => Ok(self.set_view(TOKENS, installed)),
            GET_SPONSORS => Ok(self.set_view(SPONSORS, installed)),
            GET_GAS_BUDGET => Ok(self.gas_budget_view(installed)),
            _ => return None,
        })
    }

    fn spend_limit_view(&self, args: &AbiReader<'_>, installed: bool) -> Output {
        let token = args.address(2).or_revert()?;
        let limited = installed && self.is_limited(token);
        let ledger = if limited {
            self.load_ledger(token)
        } else {
            Ledger::default()
        };
        let now = self.scope.host().block_timestamp();
        Ok(AbiWriter::new(5)
            .bool(limited)
            .u256(ledger.limit)
            .uint(ledger.period)
            .u256(ledger.spent_at(now))
            .u256(ledger.remaining_at(now))
            .finish())
    }

    /// The `address[]` view of the set at `offset`.
    fn set_view(&self, offset: u8, installed: bool) -> Vec<u8> {
        let set = self.set(offset);
        let len = if installed { set.len() } else { 0 };
        let elements: Vec<Vec<u8>> = (0..len).map(|i| set.at(i).to_vec()).collect();
        AbiWriter::new(1)
            .dyn_encoded(&encode_array(&elements, false))
            .finish()
    }

    fn gas_budget_view(&self, installed: bool) -> Vec<u8> {
        let enabled = installed && self.gas_enabled();
        let (limit, spent) = if installed {
            self.gas_budget()
        } else {
            (U256::ZERO, U256::ZERO)
        };
        // Disabling the budget resets what was spent (setGasBudget), and a
        // budget never enabled has no spent word.
        let spent = if enabled { spent } else { U256::ZERO };
        AbiWriter::new(4)
            .bool(enabled)
            .u256(limit)
            .u256(spent)
            .u256(limit.saturating_sub(spent))
            .finish()
    }
}
