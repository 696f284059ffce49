//! Install data of each permission module: the bytes an account passes to
//! `onInstall` (inside a HookConfig's install data in `installValidation`).
//!
//! Encoders take owned values and are used off-chain; decoders borrow the
//! data and yield list elements lazily, so a contract needs no allocation.
//!
//! | module | install data |
//! |---|---|
//! | time-window | `(uint32 entityId, uint48 validAfter, uint48 validUntil)` |
//! | contract-allowlist | `(uint32 entityId, address[] targets)` |
//! | selector-allowlist | `(uint32 entityId, (address target, bytes4 selector)[] rules)` |
//! | spending-limit | `(uint32 entityId, (address token, uint256 limit, uint48 period)[] limits, (bool enabled, uint256 limit) gasBudget, address[] sponsors)` |
//! | usage-limit | `(uint32 entityId, uint8 unit, uint32 lifetimeLimit, uint32 periodLimit, uint32 period)` |
//! | paymaster-guard | `(uint32 entityId, bool allowSelfPaid, address[] paymasters)` |
//!
//! The uninstall data of every module is `(uint32 entityId)`.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};

use crate::abi::{encode_array, AbiReader, AbiWriter, CalldataError, WORD};
use crate::window::Window;

/// Bits in a `uint48`.
const U48: u32 = 48;

/// A `(uint32 entityId)` payload: the uninstall data of every module.
pub fn encode_entity_id(entity_id: u32) -> Vec<u8> {
    let mut w = AbiWriter::new(1);
    w.uint(entity_id.into());
    w.finish()
}

/// Decodes a `(uint32 entityId)` payload (trailing words are ignored, so the
/// entityId can be read from any module's install data too).
pub fn decode_entity_id(data: &[u8]) -> Result<u32, CalldataError> {
    AbiReader::new(data).u32(0)
}

/// A static array of `n`-word tuples, decoded lazily.
#[derive(Clone, Copy, Debug)]
pub struct StaticTuples<'a> {
    body: AbiReader<'a>,
    len: usize,
    words: usize,
}

impl<'a> StaticTuples<'a> {
    pub(crate) fn new(
        reader: &AbiReader<'a>,
        head: usize,
        words: usize,
    ) -> Result<Self, CalldataError> {
        let (len, body) = reader.array(head)?;
        let size = len
            .checked_mul(words)
            .and_then(|w| w.checked_mul(WORD))
            .ok_or(CalldataError::LengthOutOfBounds)?;
        if size > body.bytes().len() {
            return Err(CalldataError::LengthOutOfBounds);
        }
        Ok(Self { body, len, words })
    }

    /// Number of elements.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no elements.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Element `i` as a reader over its words (bounds were checked in `new`).
    pub(crate) fn element(&self, i: usize) -> AbiReader<'a> {
        let start = i * self.words * WORD;
        AbiReader::new(&self.body.bytes()[start..start + self.words * WORD])
    }
}

// ---------------------------------------------------------------- time-window

/// time-window install data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindowInstall {
    /// The hook's entityId.
    pub entity_id: u32,
    /// First valid timestamp (inclusive).
    pub valid_after: u64,
    /// Last valid timestamp (inclusive); 0 means no expiry.
    pub valid_until: u64,
}

impl TimeWindowInstall {
    /// Encodes `(uint32, uint48, uint48)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = AbiWriter::new(3);
        w.uint(self.entity_id.into())
            .uint(self.valid_after)
            .uint(self.valid_until);
        w.finish()
    }

    /// Decodes `(uint32, uint48, uint48)`.
    pub fn decode(data: &[u8]) -> Result<Self, CalldataError> {
        let r = AbiReader::new(data);
        Ok(Self {
            entity_id: r.u32(0)?,
            valid_after: r.uint(1, U48)?,
            valid_until: r.uint(2, U48)?,
        })
    }

    /// The window installed.
    pub const fn window(&self) -> Window {
        Window::new(self.valid_after, self.valid_until)
    }
}

// --------------------------------------------------------- contract-allowlist

/// Encodes contract-allowlist install data `(uint32, address[])`.
pub fn encode_contract_allowlist(entity_id: u32, targets: &[Address]) -> Vec<u8> {
    let mut w = AbiWriter::new(2);
    w.uint(entity_id.into())
        .dyn_encoded(&encode_address_array(targets));
    w.finish()
}

/// Decoded contract-allowlist install data.
#[derive(Clone, Copy, Debug)]
pub struct ContractAllowlistInstall<'a> {
    /// The hook's entityId.
    pub entity_id: u32,
    targets: StaticTuples<'a>,
}

impl<'a> ContractAllowlistInstall<'a> {
    /// Decodes `(uint32, address[])`.
    pub fn decode(data: &'a [u8]) -> Result<Self, CalldataError> {
        let r = AbiReader::new(data);
        Ok(Self {
            entity_id: r.u32(0)?,
            targets: StaticTuples::new(&r, 1, 1)?,
        })
    }

    /// The targets, in order.
    pub fn targets(&self) -> impl Iterator<Item = Result<Address, CalldataError>> + 'a {
        let list = self.targets;
        (0..list.len()).map(move |i| list.element(i).address(0))
    }

    /// Number of targets.
    pub const fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether the list is empty.
    pub const fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

// --------------------------------------------------------- selector-allowlist

/// The selector of a selector-allowlist rule that allows a plain value
/// transfer (empty calldata). Calls whose selector really is `0x00000000`
/// are always refused, so this rule can never be read as a function.
pub const VALUE_TRANSFER_SELECTOR: [u8; 4] = [0, 0, 0, 0];

/// One selector-allowlist rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SelectorRule {
    /// The callee; zero means any target except the account itself.
    pub target: Address,
    /// The function; [`VALUE_TRANSFER_SELECTOR`] means a plain value transfer.
    pub selector: [u8; 4],
}

/// Encodes selector-allowlist install data `(uint32, (address, bytes4)[])`.
pub fn encode_selector_allowlist(entity_id: u32, rules: &[SelectorRule]) -> Vec<u8> {
    let elements: Vec<Vec<u8>> = rules
        .iter()
        .map(|r| {
            let mut w = AbiWriter::new(2);
            w.address(r.target).bytes4(r.selector);
            w.finish()
        })
        .collect();
    let mut w = AbiWriter::new(2);
    w.uint(entity_id.into())
        .dyn_encoded(&encode_array(&elements, false));
    w.finish()
}

/// Decoded selector-allowlist install data.
#[derive(Clone, Copy, Debug)]
pub struct SelectorAllowlistInstall<'a> {
    /// The hook's entityId.
    pub entity_id: u32,
    rules: StaticTuples<'a>,
}

impl<'a> SelectorAllowlistInstall<'a> {
    /// Decodes `(uint32, (address, bytes4)[])`.
    pub fn decode(data: &'a [u8]) -> Result<Self, CalldataError> {
        let r = AbiReader::new(data);
        Ok(Self {
            entity_id: r.u32(0)?,
            rules: StaticTuples::new(&r, 1, 2)?,
        })
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = Result<SelectorRule, CalldataError>> + 'a {
        let list = self.rules;
        (0..list.len()).map(move |i| {
            let e = list.element(i);
            Ok(SelectorRule {
                target: e.address(0)?,
                selector: e.bytes4(1)?,
            })
        })
    }

    /// Number of rules.
    pub const fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub const fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

// ------------------------------------------------------------- spending-limit

/// The token address that stands for the native coin.
pub const NATIVE_TOKEN: Address = Address::ZERO;

/// One spending limit: at most `limit` of `token` per `period` seconds
/// (`period` 0 = one allowance for the key's lifetime).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpendLimit {
    /// ERC-20 token, or [`NATIVE_TOKEN`].
    pub token: Address,
    /// Allowance per period, in the token's smallest unit.
    pub limit: U256,
    /// Period in seconds; 0 means no reset.
    pub period: u64,
}

/// The optional gas budget: at most `limit` wei of maximum gas cost over
/// the key's lifetime, charged in validation unless a sponsoring paymaster
/// (one the grant names) pays. It has no period: ERC-7562 bans reading the
/// clock during validation, so a validation hook cannot know which period
/// it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct GasBudget {
    /// Whether the budget applies.
    pub enabled: bool,
    /// Budget in wei.
    pub limit: U256,
}

/// Encodes spending-limit install data. `sponsors` are the paymasters whose
/// operations are charged neither to the gas budget nor to the native
/// limit: paymasters that pay the gas themselves. Any other paymaster (a
/// token paymaster charges the account) is charged like no paymaster.
pub fn encode_spending_limit(
    entity_id: u32,
    limits: &[SpendLimit],
    gas: GasBudget,
    sponsors: &[Address],
) -> Vec<u8> {
    let elements: Vec<Vec<u8>> = limits
        .iter()
        .map(|l| {
            let mut w = AbiWriter::new(3);
            w.address(l.token).u256(l.limit).uint(l.period);
            w.finish()
        })
        .collect();
    let mut w = AbiWriter::new(5);
    w.uint(entity_id.into())
        .dyn_encoded(&encode_array(&elements, false))
        .bool(gas.enabled)
        .u256(gas.limit)
        .dyn_encoded(&encode_address_array(sponsors));
    w.finish()
}

/// The ABI encoding of an `address[]`.
fn encode_address_array(addresses: &[Address]) -> Vec<u8> {
    let elements: Vec<Vec<u8>> = addresses
        .iter()
        .map(|a| {
            let mut w = AbiWriter::new(1);
            w.address(*a);
            w.finish()
        })
        .collect();
    encode_array(&elements, false)
}

/// Decoded spending-limit install data.
#[derive(Clone, Copy, Debug)]
pub struct SpendingLimitInstall<'a> {
    /// The hook's entityId.
    pub entity_id: u32,
    limits: StaticTuples<'a>,
    /// The gas budget.
    pub gas: GasBudget,
    sponsors: StaticTuples<'a>,
}

impl<'a> SpendingLimitInstall<'a> {
    /// Decodes the install data.
    pub fn decode(data: &'a [u8]) -> Result<Self, CalldataError> {
        let r = AbiReader::new(data);
        Ok(Self {
            entity_id: r.u32(0)?,
            limits: StaticTuples::new(&r, 1, 3)?,
            gas: GasBudget {
                enabled: r.bool(2)?,
                limit: r.u256(3)?,
            },
            sponsors: StaticTuples::new(&r, 4, 1)?,
        })
    }

    /// The sponsoring paymasters, in order.
    pub fn sponsors(&self) -> impl Iterator<Item = Result<Address, CalldataError>> + 'a {
        let list = self.sponsors;
        (0..list.len()).map(move |i| list.element(i).address(0))
    }

    /// The token limits, in order.
    pub fn limits(&self) -> impl Iterator<Item = Result<SpendLimit, CalldataError>> + 'a {
        let list = self.limits;
        (0..list.len()).map(move |i| {
            let e = list.element(i);
            Ok(SpendLimit {
                token: e.address(0)?,
                limit: e.u256(1)?,
                period: e.uint(2, U48)?,
            })
        })
    }

    /// Number of token limits.
    pub const fn len(&self) -> usize {
        self.limits.len()
    }

    /// Whether there are no token limits.
    pub const fn is_empty(&self) -> bool {
        self.limits.is_empty()
    }
}

// ---------------------------------------------------------------- usage-limit

/// usage-limit's unit: each operation counts once.
pub const COUNT_OPERATIONS: u8 = 0;
/// usage-limit's unit: each call an operation makes counts once (a batch
/// of three counts three).
pub const COUNT_CALLS: u8 = 1;

/// usage-limit install data: at most `lifetime_limit` uses over the key's
/// life and at most `period_limit` per `period` seconds; 0 leaves either
/// out. Limits are `uint32`, so a count never needs more than four bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct UsageLimitInstall {
    /// The hook's entityId.
    pub entity_id: u32,
    /// [`COUNT_OPERATIONS`] or [`COUNT_CALLS`] (anything else is refused
    /// by the module).
    pub unit: u8,
    /// Uses over the key's life; 0 = no lifetime limit.
    pub lifetime_limit: u32,
    /// Uses per period; 0 = no periodic limit.
    pub period_limit: u32,
    /// The period in seconds, counted from the install; 0 exactly when
    /// `period_limit` is 0.
    pub period: u32,
}

impl UsageLimitInstall {
    /// Encodes `(uint32, uint8, uint32, uint32, uint32)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = AbiWriter::new(5);
        w.uint(self.entity_id.into())
            .uint(self.unit.into())
            .uint(self.lifetime_limit.into())
            .uint(self.period_limit.into())
            .uint(self.period.into());
        w.finish()
    }

    /// Decodes `(uint32, uint8, uint32, uint32, uint32)`; a word with dirty
    /// high bits is malformed.
    pub fn decode(data: &[u8]) -> Result<Self, CalldataError> {
        let r = AbiReader::new(data);
        Ok(Self {
            entity_id: r.u32(0)?,
            unit: r.uint(1, 8)? as u8,
            lifetime_limit: r.u32(2)?,
            period_limit: r.u32(3)?,
            period: r.u32(4)?,
        })
    }

    /// Whether the limits are well formed: a known unit, at least one
    /// limit, and a period exactly when there is a periodic limit.
    pub const fn is_well_formed(&self) -> bool {
        (self.unit == COUNT_OPERATIONS || self.unit == COUNT_CALLS)
            && (self.lifetime_limit != 0 || self.period_limit != 0)
            && ((self.period_limit == 0) == (self.period == 0))
    }
}

// ------------------------------------------------------------ paymaster-guard

/// Encodes paymaster-guard install data `(uint32 entityId, bool
/// allowSelfPaid, address[] paymasters)`: the key's operations must name
/// one of `paymasters`, or none when `allow_self_paid`.
pub fn encode_paymaster_guard(
    entity_id: u32,
    allow_self_paid: bool,
    paymasters: &[Address],
) -> Vec<u8> {
    let mut w = AbiWriter::new(3);
    w.uint(entity_id.into())
        .bool(allow_self_paid)
        .dyn_encoded(&encode_address_array(paymasters));
    w.finish()
}

/// Decoded paymaster-guard install data.
#[derive(Clone, Copy, Debug)]
pub struct PaymasterGuardInstall<'a> {
    /// The hook's entityId.
    pub entity_id: u32,
    /// Whether an operation without a paymaster (the account pays) passes.
    pub allow_self_paid: bool,
    paymasters: StaticTuples<'a>,
}

impl<'a> PaymasterGuardInstall<'a> {
    /// Decodes `(uint32, bool, address[])`.
    pub fn decode(data: &'a [u8]) -> Result<Self, CalldataError> {
        let r = AbiReader::new(data);
        Ok(Self {
            entity_id: r.u32(0)?,
            allow_self_paid: r.bool(1)?,
            paymasters: StaticTuples::new(&r, 2, 1)?,
        })
    }

    /// The allowed paymasters, in order.
    pub fn paymasters(&self) -> impl Iterator<Item = Result<Address, CalldataError>> + 'a {
        let list = self.paymasters;
        (0..list.len()).map(move |i| list.element(i).address(0))
    }
}

// ------------------------------------------------------------ session policy

/// Session-policy flag: the execution-phase variant. The calls are checked
/// and charged in the execution hook, at the clock; validation only charges
/// the operation's gas and returns the key's window. Install the policy as
/// an execution hook when set (and as a validation hook too when gas is
/// charged).
pub const CALLS_IN_EXECUTION: u8 = 1;

/// Encodes a compile-time policy's install data `(uint32 entityId, uint8
/// flags, bytes[] rules)`: one entry per rule of the policy, in its order,
/// each that rule's standalone install data, or empty when the key does not
/// use the rule.
pub fn encode_policy_install(entity_id: u32, flags: u8, rules: &[Vec<u8>]) -> Vec<u8> {
    let elements: Vec<Vec<u8>> = rules
        .iter()
        .map(|r| crate::abi::encode_bytes_body(r))
        .collect();
    let mut w = AbiWriter::new(3);
    w.uint(entity_id.into())
        .uint(flags.into())
        .dyn_encoded(&encode_array(&elements, true));
    w.finish()
}
