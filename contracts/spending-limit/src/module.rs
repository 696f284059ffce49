//! The spending-limit module: storage, hooks and admin functions.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::{emit_account_event, emit_account_event_keyed};
use module_kit::router::{require_empty, CallArgs, Ctx, PermissionModule};
use module_kit::scope::{address_key, word_u64, Scope};
use module_kit::set::KeySet;
use module_kit::{Host, Output};
use permission_core::abi::{encode_array, AbiReader, AbiWriter};
use permission_core::calls::decode_account_call_data;
use permission_core::erc20::{decode_token_spend, TokenCallError};
use permission_core::install::{GasBudget, SpendLimit, SpendingLimitInstall, NATIVE_TOKEN};
use permission_core::selectors::{keccak, selector};
use permission_core::user_op::PackedUserOpReader;
use permission_core::validation_data::MAX_U48;
use permission_core::{Address, ValidationData, B256, U256};

use crate::ledger::{Ledger, Refusal};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.spending-limit.0.1.0";

/// `setSpendLimit(uint32,address,uint256,uint48)`.
pub const SET_SPEND_LIMIT: [u8; 4] = selector("setSpendLimit(uint32,address,uint256,uint48)");
/// `removeSpendLimit(uint32,address)`.
pub const REMOVE_SPEND_LIMIT: [u8; 4] = selector("removeSpendLimit(uint32,address)");
/// `setGasBudget(uint32,bool,uint256)`.
pub const SET_GAS_BUDGET: [u8; 4] = selector("setGasBudget(uint32,bool,uint256)");
/// `getSpendLimit(address,uint32,address)`.
pub const GET_SPEND_LIMIT: [u8; 4] = selector("getSpendLimit(address,uint32,address)");
/// `getLimitedTokens(address,uint32)`.
pub const GET_LIMITED_TOKENS: [u8; 4] = selector("getLimitedTokens(address,uint32)");
/// `getGasBudget(address,uint32)`.
pub const GET_GAS_BUDGET: [u8; 4] = selector("getGasBudget(address,uint32)");
/// `getSponsors(address,uint32)`.
pub const GET_SPONSORS: [u8; 4] = selector("getSponsors(address,uint32)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 7] = [
    SET_SPEND_LIMIT,
    REMOVE_SPEND_LIMIT,
    SET_GAS_BUDGET,
    GET_SPEND_LIMIT,
    GET_LIMITED_TOKENS,
    GET_GAS_BUDGET,
    GET_SPONSORS,
];

/// `SpendLimitExceeded(address,uint256,uint256)`.
pub const SPEND_LIMIT_EXCEEDED: [u8; 4] = selector("SpendLimitExceeded(address,uint256,uint256)");
/// `TokenCallNotAllowed(address,bytes4)`.
pub const TOKEN_CALL_NOT_ALLOWED: [u8; 4] = selector("TokenCallNotAllowed(address,bytes4)");
/// `GasBudgetExceeded(uint256,uint256)`.
pub const GAS_BUDGET_EXCEEDED: [u8; 4] = selector("GasBudgetExceeded(uint256,uint256)");
/// `DuplicateToken(address)`.
pub const DUPLICATE_TOKEN: [u8; 4] = selector("DuplicateToken(address)");
/// `TokenNotLimited(address)`.
pub const TOKEN_NOT_LIMITED: [u8; 4] = selector("TokenNotLimited(address)");
/// `InvalidPeriodHint(uint256)`.
pub const INVALID_PERIOD_HINT: [u8; 4] = selector("InvalidPeriodHint(uint256)");
/// `StalePeriodHint(uint256,uint256)`.
pub const STALE_PERIOD_HINT: [u8; 4] = selector("StalePeriodHint(uint256,uint256)");
/// `RecordedPeriodNotStarted(uint256,uint256)`.
pub const RECORDED_PERIOD_NOT_STARTED: [u8; 4] =
    selector("RecordedPeriodNotStarted(uint256,uint256)");
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 8] = [
    SPEND_LIMIT_EXCEEDED,
    TOKEN_CALL_NOT_ALLOWED,
    GAS_BUDGET_EXCEEDED,
    DUPLICATE_TOKEN,
    TOKEN_NOT_LIMITED,
    INVALID_PERIOD_HINT,
    STALE_PERIOD_HINT,
    RECORDED_PERIOD_NOT_STARTED,
];

/// Topic of `SpendLimitSet(address,uint32,address,uint256,uint48)`.
pub const SPEND_LIMIT_SET: [u8; 32] =
    keccak("SpendLimitSet(address,uint32,address,uint256,uint48)");
/// Topic of `SpendLimitRemoved(address,uint32,address)`.
pub const SPEND_LIMIT_REMOVED: [u8; 32] = keccak("SpendLimitRemoved(address,uint32,address)");
/// Topic of `Spent(address,uint32,address,uint256,uint256)`.
pub const SPENT: [u8; 32] = keccak("Spent(address,uint32,address,uint256,uint256)");
/// Topic of `GasBudgetSet(address,uint32,bool,uint256)`.
pub const GAS_BUDGET_SET: [u8; 32] = keccak("GasBudgetSet(address,uint32,bool,uint256)");
/// Topic of `GasCharged(address,uint32,uint256,uint256)`.
pub const GAS_CHARGED: [u8; 32] = keccak("GasCharged(address,uint32,uint256,uint256)");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 5] = [
    SPEND_LIMIT_SET,
    SPEND_LIMIT_REMOVED,
    SPENT,
    GAS_BUDGET_SET,
    GAS_CHARGED,
];

/// Base tag of the set of limited tokens (uses tags 1..=3).
const TOKENS: u8 = 1;
/// Base tag of the set of sponsoring paymasters (uses tags 4..=6).
const SPONSORS: u8 = 4;
/// Tag of a token's limit word.
const LIMIT: u8 = 10;
/// Tag of a token's period word: period, anchor and window.
const PERIOD: u8 = 11;
/// Tag of a token's spent word.
const SPENT_WORD: u8 = 12;
/// Tag of the gas budget's limit word.
const GAS_LIMIT: u8 = 20;
/// Tag of the gas budget's spent word.
const GAS_SPENT: u8 = 21;
/// Tag of the gas budget's enabled flag.
const GAS_ENABLED: u8 = 22;

const NO_KEY: [u8; 32] = [0u8; 32];

/// Packs the configured flag (byte 11), period (bytes 12..18), anchor
/// (18..24) and window (24..32). The flag makes "is this token limited?" the
/// same storage read as the ledger itself.
fn period_word(ledger: &Ledger) -> B256 {
    let mut word = [0u8; 32];
    word[11] = 1;
    word[12..18].copy_from_slice(&ledger.period.to_be_bytes()[2..]);
    word[18..24].copy_from_slice(&ledger.anchor.to_be_bytes()[2..]);
    word[24..].copy_from_slice(&ledger.window.to_be_bytes());
    B256::from(word)
}

fn u48_at(word: &B256, start: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes[2..].copy_from_slice(&word[start..start + 6]);
    u64::from_be_bytes(bytes)
}

/// A spent amount as stored: bitwise NOT, so that "nothing spent" is a
/// non-zero word. Setting a limit then pays the zero-to-non-zero SSTORE
/// (20,000 gas) once, and every spend is a non-zero-to-non-zero write
/// (2,900). Only configured ledgers are ever read, so an unwritten slot is
/// never decoded.
fn spent_word(spent: U256) -> B256 {
    B256::from((!spent).to_be_bytes::<32>())
}

fn spent_from(word: B256) -> U256 {
    !U256::from_be_bytes(word.0)
}

/// Whether `token` has a limit in `scope` (one storage read, which the
/// ledger load then finds in the storage cache).
fn is_limited<H: Host>(scope: &Scope<'_, H>, token: Address) -> bool {
    scope.read(PERIOD, &address_key(token))[11] != 0
}

fn load_ledger<H: Host>(scope: &Scope<'_, H>, token: Address) -> Ledger {
    let key = address_key(token);
    let period = scope.read(PERIOD, &key);
    Ledger {
        limit: U256::from_be_bytes(scope.read(LIMIT, &key).0),
        period: u48_at(&period, 12),
        anchor: u48_at(&period, 18),
        window: word_u64(&period),
        spent: spent_from(scope.read(SPENT_WORD, &key)),
    }
}

fn store_ledger<H: Host>(scope: &Scope<'_, H>, token: Address, ledger: &Ledger) {
    let key = address_key(token);
    scope.write(LIMIT, &key, B256::from(ledger.limit.to_be_bytes::<32>()));
    scope.write(PERIOD, &key, period_word(ledger));
    scope.write(SPENT_WORD, &key, spent_word(ledger.spent));
}

/// Stores only what a charge changes: the window and the spent amount.
fn store_spend<H: Host>(scope: &Scope<'_, H>, token: Address, ledger: &Ledger) {
    let key = address_key(token);
    scope.write(PERIOD, &key, period_word(ledger));
    scope.write(SPENT_WORD, &key, spent_word(ledger.spent));
}

/// Clears a token's ledger, flag included.
fn clear_ledger<H: Host>(scope: &Scope<'_, H>, token: Address) {
    let key = address_key(token);
    for tag in [LIMIT, PERIOD, SPENT_WORD] {
        scope.write(tag, &key, B256::ZERO);
    }
}

fn token_error(error: [u8; 4], token: Address) -> Vec<u8> {
    AbiWriter::new(1).address(token).finish_with_selector(error)
}

fn exceeded(token: Address, requested: U256, remaining: U256) -> Vec<u8> {
    AbiWriter::new(3)
        .address(token)
        .u256(requested)
        .u256(remaining)
        .finish_with_selector(SPEND_LIMIT_EXCEEDED)
}

/// Adds `amount` to `token`'s total in `charges`. A total that overflows
/// `uint256` exceeds every limit: the error reports `type(uint256).max` as
/// requested.
fn add_charge<H: Host>(
    scope: &Scope<'_, H>,
    charges: &mut Vec<(Address, U256)>,
    token: Address,
    amount: U256,
) -> Result<(), Vec<u8>> {
    match charges.iter_mut().find(|(t, _)| *t == token) {
        Some((_, total)) => match total.checked_add(amount) {
            Some(sum) => *total = sum,
            None => {
                let now = scope.host().block_timestamp();
                let remaining = load_ledger(scope, token).remaining_at(now);
                return Err(exceeded(token, U256::MAX, remaining));
            }
        },
        None => charges.push((token, amount)),
    }
    Ok(())
}

/// The spending-limit module.
pub struct SpendingLimit;

impl SpendingLimit {
    /// Sums what an account call spends, per limited token.
    fn charges<H: Host>(
        scope: &Scope<'_, H>,
        msg_data: &[u8],
    ) -> Result<Vec<(Address, U256)>, Vec<u8>> {
        let native_limited = is_limited(scope, NATIVE_TOKEN);
        let mut charges: Vec<(Address, U256)> = Vec::new();
        for call in decode_account_call_data(msg_data).or_revert()? {
            let call = call.or_revert()?;
            if native_limited && !call.value.is_zero() {
                add_charge(scope, &mut charges, NATIVE_TOKEN, call.value)?;
            }
            if call.target == NATIVE_TOKEN || !is_limited(scope, call.target) {
                continue;
            }
            match decode_token_spend(call.data) {
                Ok(spend) => add_charge(scope, &mut charges, call.target, spend.amount())?,
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

    /// Validates a new limit for `scope` and stores it, starting a period now.
    fn set_limit<H: Host>(scope: &Scope<'_, H>, limit: &SpendLimit) {
        let now = scope.host().block_timestamp();
        KeySet::new(scope, TOKENS).insert(&address_key(limit.token));
        store_ledger(
            scope,
            limit.token,
            &Ledger::new(limit.limit, limit.period, now),
        );
        emit_account_event_keyed(
            scope.host(),
            SPEND_LIMIT_SET,
            scope.account,
            scope.entity_id,
            address_key(limit.token),
            &AbiWriter::new(2)
                .u256(limit.limit)
                .uint(limit.period)
                .finish(),
        );
    }

    fn set_gas_budget<H: Host>(scope: &Scope<'_, H>, gas: &GasBudget) {
        scope.write(
            GAS_ENABLED,
            &NO_KEY,
            B256::with_last_byte(gas.enabled as u8),
        );
        scope.write(
            GAS_LIMIT,
            &NO_KEY,
            B256::from(gas.limit.to_be_bytes::<32>()),
        );
        scope.write(GAS_SPENT, &NO_KEY, spent_word(U256::ZERO));
        emit_account_event(
            scope.host(),
            GAS_BUDGET_SET,
            scope.account,
            scope.entity_id,
            &AbiWriter::new(2).bool(gas.enabled).u256(gas.limit).finish(),
        );
    }

    /// Whether the gas budget of `scope` is enabled.
    fn gas_enabled<H: Host>(scope: &Scope<'_, H>) -> bool {
        scope.read(GAS_ENABLED, &NO_KEY)[31] != 0
    }

    /// The gas budget of `scope`: (limit, spent); meaningful when enabled.
    fn gas_budget<H: Host>(scope: &Scope<'_, H>) -> (U256, U256) {
        (
            U256::from_be_bytes(scope.read(GAS_LIMIT, &NO_KEY).0),
            spent_from(scope.read(GAS_SPENT, &NO_KEY)),
        )
    }

    fn set_spend_limit_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.installed_scope(args)?;
        let limit = SpendLimit {
            token: args.address(1).or_revert()?,
            limit: args.u256(2).or_revert()?,
            period: args.uint(3, 48).or_revert()?,
        };
        Self::set_limit(&scope, &limit);
        Ok(Vec::new())
    }

    fn remove_spend_limit_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.installed_scope(args)?;
        let token = args.address(1).or_revert()?;
        if !KeySet::new(&scope, TOKENS).remove(&address_key(token)) {
            return Err(token_error(TOKEN_NOT_LIMITED, token));
        }
        clear_ledger(&scope, token);
        emit_account_event_keyed(
            ctx.host,
            SPEND_LIMIT_REMOVED,
            scope.account,
            scope.entity_id,
            address_key(token),
            &[],
        );
        Ok(Vec::new())
    }

    fn set_gas_budget_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.installed_scope(args)?;
        let gas = GasBudget {
            enabled: args.bool(1).or_revert()?,
            limit: args.u256(2).or_revert()?,
        };
        Self::set_gas_budget(&scope, &gas);
        Ok(Vec::new())
    }

    fn get_spend_limit_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.view_scope(args)?;
        let token = args.address(2).or_revert()?;
        let limited = scope.is_installed() && is_limited(&scope, token);
        let ledger = if limited {
            load_ledger(&scope, token)
        } else {
            Ledger::default()
        };
        let now = ctx.host.block_timestamp();
        Ok(AbiWriter::new(5)
            .bool(limited)
            .u256(ledger.limit)
            .uint(ledger.period)
            .u256(ledger.spent_at(now))
            .u256(ledger.remaining_at(now))
            .finish())
    }

    /// The `address[]` view of the set at tag `base`.
    fn address_set_view<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>, base: u8) -> Output {
        let scope = ctx.view_scope(args)?;
        let set = KeySet::new(&scope, base);
        let elements: Vec<Vec<u8>> = (0..set.len()).map(|i| set.at(i).to_vec()).collect();
        Ok(AbiWriter::new(1)
            .dyn_encoded(&encode_array(&elements, false))
            .finish())
    }

    /// Charges `cost` to the enabled gas budget of `scope`.
    fn charge_gas_budget<H: Host>(scope: &Scope<'_, H>, cost: U256) -> Result<(), Vec<u8>> {
        let (limit, spent) = Self::gas_budget(scope);
        let remaining = limit.saturating_sub(spent);
        if cost > remaining {
            return Err(AbiWriter::new(2)
                .u256(cost)
                .u256(remaining)
                .finish_with_selector(GAS_BUDGET_EXCEEDED));
        }
        // cost <= limit - spent: the sum cannot overflow.
        let spent = spent.saturating_add(cost);
        scope.write(GAS_SPENT, &NO_KEY, spent_word(spent));
        emit_account_event(
            scope.host(),
            GAS_CHARGED,
            scope.account,
            scope.entity_id,
            &AbiWriter::new(2).u256(cost).u256(remaining - cost).finish(),
        );
        Ok(())
    }

    /// The period a validation charges: the one the hook's segment names by
    /// a timestamp, or the recorded one. A period before the recorded one
    /// is refused, so a record is never reset backwards.
    fn hinted_window(ledger: &Ledger, segment: &[u8]) -> Result<u64, Vec<u8>> {
        if segment.is_empty() {
            return Ok(ledger.window);
        }
        let hint = AbiReader::new(segment);
        let timestamp = match (segment.len(), hint.uint(0, 48)) {
            (32, Ok(timestamp)) => timestamp,
            _ => {
                let word = U256::from_be_slice(segment.get(..32).unwrap_or(segment));
                return Err(AbiWriter::new(1)
                    .u256(word)
                    .finish_with_selector(INVALID_PERIOD_HINT));
            }
        };
        let window = ledger.window_at(timestamp);
        if window < ledger.window {
            return Err(AbiWriter::new(2)
                .uint(window)
                .uint(ledger.window)
                .finish_with_selector(STALE_PERIOD_HINT));
        }
        Ok(window)
    }

    fn get_gas_budget_call<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let scope = ctx.view_scope(args)?;
        let enabled = Self::gas_enabled(&scope);
        let (limit, spent) = Self::gas_budget(&scope);
        // Disabling the budget resets what was spent (setGasBudget), and a
        // budget never enabled has no spent word.
        let spent = if enabled { spent } else { U256::ZERO };
        Ok(AbiWriter::new(4)
            .bool(enabled)
            .u256(limit)
            .u256(spent)
            .u256(limit.saturating_sub(spent))
            .finish())
    }
}

impl PermissionModule for SpendingLimit {
    const MODULE_ID: &'static str = MODULE_ID;
    /// The segment may name the period a periodic native limit charges.
    const READS_USER_OP_SEGMENT: bool = true;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let install = SpendingLimitInstall::decode(data).or_revert()?;
        // Validate everything before the first write.
        let limits: Vec<SpendLimit> = install.limits().collect::<Result<_, _>>().or_revert()?;
        let sponsors: Vec<Address> = install.sponsors().collect::<Result<_, _>>().or_revert()?;
        for (i, limit) in limits.iter().enumerate() {
            if limits[..i].iter().any(|l| l.token == limit.token) {
                return Err(token_error(DUPLICATE_TOKEN, limit.token));
            }
        }
        let mut scope = ctx.scope(install.entity_id);
        scope.install()?;
        for limit in &limits {
            Self::set_limit(&scope, limit);
        }
        if install.gas.enabled {
            Self::set_gas_budget(&scope, &install.gas);
        }
        let sponsor_set = KeySet::new(&scope, SPONSORS);
        for sponsor in &sponsors {
            // A repeated sponsor is stored once.
            sponsor_set.insert(&address_key(*sponsor));
        }
        Ok(install.entity_id)
    }

    /// Charges the operation's maximum cost (the EntryPoint's prefund) to
    /// the gas budget and to the native limit, unless a sponsoring
    /// paymaster pays: a key that bundles its own operation and is paid as
    /// the beneficiary can take no more than these allow. A periodic native
    /// limit is charged without the clock (ERC-7562): in the period of the
    /// timestamp in the hook's signature segment (`abi.encode(uint48)`), or
    /// in the recorded one when the segment is empty, and the returned
    /// validation data confines the operation to that period.
    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let scope = ctx.scope(entity_id);
        scope.require_installed()?;
        let gas_enabled = Self::gas_enabled(&scope);
        let native_limited = is_limited(&scope, NATIVE_TOKEN);
        let segment = user_op.signature().or_revert()?;
        if !native_limited {
            // Only a native limit reads the segment.
            require_empty(segment)?;
        }
        if !gas_enabled && !native_limited {
            return Ok(U256::ZERO);
        }
        if let Some(paymaster) = user_op.paymaster().or_revert()? {
            if KeySet::new(&scope, SPONSORS).contains(&address_key(paymaster)) {
                return Ok(U256::ZERO);
            }
        }
        let cost = user_op.max_gas_cost().or_revert()?.unwrap_or(U256::MAX);
        if gas_enabled {
            Self::charge_gas_budget(&scope, cost)?;
        }
        if !native_limited {
            return Ok(U256::ZERO);
        }
        let mut ledger = load_ledger(&scope, NATIVE_TOKEN);
        let window = Self::hinted_window(&ledger, segment)?;
        let remaining = ledger
            .charge_in_window(cost, window)
            .map_err(|remaining| exceeded(NATIVE_TOKEN, cost, remaining))?;
        store_spend(&scope, NATIVE_TOKEN, &ledger);
        emit_account_event_keyed(
            ctx.host,
            SPENT,
            ctx.account,
            entity_id,
            address_key(NATIVE_TOKEN),
            &AbiWriter::new(2).u256(cost).u256(remaining).finish(),
        );
        Ok(match ledger.window_bounds(window, MAX_U48) {
            Some((start, end)) => ValidationData::window(start, end).pack(),
            None => U256::ZERO,
        })
    }

    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        ctx.scope(args.entity_id).require_installed()
    }

    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        let scope = ctx.scope(args.entity_id);
        scope.require_installed()?;
        let charges = Self::charges(&scope, args.data)?;
        let now = ctx.host.block_timestamp();
        // Check every token before recording any spend.
        let mut ledgers = Vec::with_capacity(charges.len());
        for (token, amount) in &charges {
            let mut ledger = load_ledger(&scope, *token);
            let remaining = ledger
                .charge(*amount, now)
                .map_err(|refusal| match refusal {
                    Refusal::Exceeded { remaining } => exceeded(*token, *amount, remaining),
                    Refusal::PeriodNotStarted { recorded, clock } => AbiWriter::new(2)
                        .uint(recorded)
                        .uint(clock)
                        .finish_with_selector(RECORDED_PERIOD_NOT_STARTED),
                })?;
            ledgers.push((*token, *amount, ledger, remaining));
        }
        for (token, amount, ledger, remaining) in &ledgers {
            store_spend(&scope, *token, ledger);
            emit_account_event_keyed(
                ctx.host,
                SPENT,
                ctx.account,
                args.entity_id,
                address_key(*token),
                &AbiWriter::new(2).u256(*amount).u256(*remaining).finish(),
            );
        }
        Ok(())
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            SET_SPEND_LIMIT => Self::set_spend_limit_call(ctx, args),
            REMOVE_SPEND_LIMIT => Self::remove_spend_limit_call(ctx, args),
            SET_GAS_BUDGET => Self::set_gas_budget_call(ctx, args),
            GET_SPEND_LIMIT => Self::get_spend_limit_call(ctx, args),
            GET_LIMITED_TOKENS => Self::address_set_view(ctx, args, TOKENS),
            GET_GAS_BUDGET => Self::get_gas_budget_call(ctx, args),
            GET_SPONSORS => Self::address_set_view(ctx, args, SPONSORS),
            _ => return None,
        })
    }
}
