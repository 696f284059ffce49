//! [`PermissionSet`]: what a session key may do, as types, checked before
//! anything is sent, and turned into the `installValidation` arguments of
//! the modules that enforce it.
//!
//! | permission | enforced by | hook |
//! |---|---|---|
//! | [`Permission::TimeWindow`] | time-window, and session-signer (validation data, runtime calls, ERC-1271) | validation (or execution) |
//! | [`Permission::Contracts`] | contract-allowlist | validation (or execution) |
//! | [`Permission::Functions`], [`Permission::FunctionsOnAnyContract`] | selector-allowlist | validation (or execution) |
//! | [`Permission::NativeLimit`] | spending-limit | execution (call value) and validation (each operation's maximum gas cost) |
//! | [`Permission::Erc20Limit`] | spending-limit | execution (token limits need the clock) |
//! | [`Permission::GasBudget`] | spending-limit | validation (the budget is charged before the prefund) |
//! | [`Permission::SponsoringPaymasters`] | spending-limit | validation: these paymasters' operations are not charged |
//! | [`Permission::UsageLimit`] | usage-limit (with the policy: session-rules, beside it) | validation (or execution) |
//! | [`Permission::Paymasters`] | paymaster-guard (with the policy: session-rules) | validation (only validation sees the paymaster) |
//! | [`Permission::Signatures`] | the validation's signature flag (ERC-1271); only the window bounds it | — |
//! | [`Permission::Root`] | none: a **global** validation (it signs too) | — |
//!
//! Every hook is installed at the key's entity id. When spending-limit
//! serves both roles (a gas budget and token limits), its second
//! `HookConfig` carries empty install data, so the account calls its
//! `onInstall` once and both roles share one state; a second `onInstall` at
//! the same entity id would revert `AlreadyInstalled`.
//!
//! [`PermissionSet::check`] refuses, with a [`PermissionError`] that says
//! what to change:
//! - privileged account functions (installing or uninstalling validations
//!   and executions, `upgradeToAndCall`, `executeWithRuntimeValidation`,
//!   `performCreate`) on any target, and `execute`, `executeBatch` and
//!   `executeUserOp` on the account itself or on any contract; the
//!   selectors are computed from their signatures in `permission-core`;
//! - the zero address, the account itself and duplicates as targets, and
//!   (in [`PermissionSet::install`]) any permission module or the
//!   EntryPoint: each module takes the account as the admin of the key's
//!   state, so a key that may call one could lift its own limits, and the
//!   EntryPoint would let it withdraw the account's deposit; the modules'
//!   admin functions, `onInstall`/`onUninstall` and the EntryPoint's
//!   withdrawals and deposits are refused in rules for any contract too;
//! - an expiry that is not in the future or does not fit `uint48`;
//! - root with any other permission, and an empty set (signatures alone
//!   count as empty: they do not restrict calls);
//! - contract access and function rules that cannot both pass (each call
//!   must satisfy every hook);
//! - a scoped key with no contract or function rule (it could call the
//!   modules' admin functions and the EntryPoint through the account), and
//!   one with neither a native limit nor a gas budget (a key that bundles
//!   its own operation sets its own fees and is paid them as the
//!   beneficiary).
//! - a usage limit that limits nothing (a zero count, or no count at all)
//!   or whose period is 0 or over `uint32`;
//! - a paymaster guard that allows nothing, lists the zero address, the
//!   account or a paymaster twice, or leaves out a sponsoring paymaster.
//!
//! [`file`](mod@file) reads a set from a TOML or JSON permission file.

use alloy_dyn_abi::DynSolType;
use alloy_dyn_abi::DynSolValue;
use alloy_json_abi::Function;
use alloy_primitives::{Address, Bytes, U256};
use permission_core::install::{
    encode_contract_allowlist, encode_paymaster_guard, encode_selector_allowlist, GasBudget,
    SelectorRule, SpendLimit, TimeWindowInstall, UsageLimitInstall, COUNT_CALLS, COUNT_OPERATIONS,
    NATIVE_TOKEN, VALUE_TRANSFER_SELECTOR,
};
use permission_core::params::{Condition, Total};
use permission_core::selectors::{
    EXECUTE, EXECUTE_BATCH, EXECUTE_USER_OP, EXECUTE_WITH_RUNTIME_VALIDATION, INSTALL_EXECUTION,
    INSTALL_VALIDATION, PERFORM_CREATE, SELF_ADMIN_SELECTORS, SELF_ADMIN_SIGNATURES,
    UNINSTALL_EXECUTION, UNINSTALL_VALIDATION, UPGRADE_TO_AND_CALL,
};
use serde::{Deserialize, Serialize};

use crate::encode::{
    execution_hook, hook_with_data, validation_config, validation_hook, ValidationInstall,
    VALIDATION_GLOBAL, VALIDATION_SIGNATURE, VALIDATION_USER_OP,
};
use crate::modules::Modules;
use crate::session::{
    policy_hooks, policy_validates, rules_hooks, spending_limit_hooks, Enforcement, ExtraRules,
    HookRole, PolicyRules, SignerSpec,
};

/// The largest `uint48`: the latest expiry a validation can carry.
pub const MAX_UINT48: u64 = (1 << 48) - 1;

/// Account functions no permission may reach on any target: they change
/// the account's validations, executions or code.
pub const NEVER_GRANTED: [(&str, [u8; 4]); 7] = [
    ("installValidation", INSTALL_VALIDATION),
    ("uninstallValidation", UNINSTALL_VALIDATION),
    ("installExecution", INSTALL_EXECUTION),
    ("uninstallExecution", UNINSTALL_EXECUTION),
    ("upgradeToAndCall", UPGRADE_TO_AND_CALL),
    (
        "executeWithRuntimeValidation",
        EXECUTE_WITH_RUNTIME_VALIDATION,
    ),
    ("performCreate", PERFORM_CREATE),
];

/// ERC-6900's module lifecycle functions, refused on every target: the
/// account calling a module's `onUninstall` clears the module's state for
/// the account (a key's own restriction among it), and no contract a key
/// legitimately calls exposes them.
pub const MODULE_LIFECYCLE: [(&str, [u8; 4]); 2] = [
    (
        "onInstall(bytes)",
        permission_core::selectors::selector("onInstall(bytes)"),
    ),
    (
        "onUninstall(bytes)",
        permission_core::selectors::selector("onUninstall(bytes)"),
    ),
];

/// The account's execution functions: a rule for them on the account
/// itself, or on any contract, would let the key wrap any call.
pub const ACCOUNT_EXECUTION: [(&str, [u8; 4]); 3] = [
    ("execute", EXECUTE),
    ("executeBatch", EXECUTE_BATCH),
    ("executeUserOp", EXECUTE_USER_OP),
];

/// A function a key may call: its selector, and the signature it came from
/// (for messages), if any.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Selector {
    /// The four bytes.
    pub bytes: [u8; 4],
    /// `transfer(address,uint256)`, `value-transfer`, or `None` for hex.
    pub signature: Option<String>,
}

impl Selector {
    /// The plain-value-transfer rule (`0x00000000`: a call with empty
    /// calldata).
    pub fn value_transfer() -> Self {
        Self {
            bytes: VALUE_TRANSFER_SELECTOR,
            signature: Some("value-transfer".into()),
        }
    }

    /// Parses a function signature (`transfer(address,uint256)`, computed
    /// with keccak256), a 4-byte hex selector (`0xa9059cbb`), or
    /// `value-transfer`.
    pub fn parse(text: &str) -> Result<Self, PermissionError> {
        let text = text.trim();
        if text == "value-transfer" {
            return Ok(Self::value_transfer());
        }
        if let Some(hex) = text.strip_prefix("0x") {
            let bytes = alloy_primitives::hex::decode(hex)
                .ok()
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .ok_or_else(|| PermissionError::UnknownSelector(text.into()))?;
            return Ok(Self {
                bytes,
                signature: None,
            });
        }
        if !text.contains('(') {
            return Err(PermissionError::UnknownSelector(text.into()));
        }
        let unknown = || PermissionError::UnknownSelector(text.into());
        let function = Function::parse(text).map_err(|_| unknown())?;
        // `Function::parse` takes any identifier as a (struct) type name;
        // a selector's signature has only elementary types.
        let signature = function.signature();
        let params = &signature[function.name.len()..];
        if DynSolType::parse(params).is_err() {
            return Err(unknown());
        }
        Ok(Self {
            bytes: function.selector().0,
            signature: Some(function.signature()),
        })
    }
}

impl TryFrom<String> for Selector {
    type Error = PermissionError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Selector> for String {
    fn from(selector: Selector) -> String {
        selector.to_string()
    }
}

impl From<[u8; 4]> for Selector {
    fn from(bytes: [u8; 4]) -> Self {
        Self {
            bytes,
            signature: None,
        }
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.signature {
            Some(signature) => f.write_str(signature),
            None => write!(f, "0x{}", alloy_primitives::hex::encode(self.bytes)),
        }
    }
}

/// What a [`Permission::UsageLimit`] counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UsageUnit {
    /// Each user operation (or runtime call) counts once.
    #[default]
    Operations,
    /// Each call an operation makes counts once: a batch of three counts
    /// three.
    Calls,
}

impl UsageUnit {
    /// usage-limit's `unit` byte.
    pub fn code(self) -> u8 {
        match self {
            Self::Operations => COUNT_OPERATIONS,
            Self::Calls => COUNT_CALLS,
        }
    }

    /// The plural noun, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Operations => "operations",
            Self::Calls => "calls",
        }
    }
}

/// A custom hook's `onInstall` data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomInstall {
    /// These bytes as they are.
    Raw(Bytes),
    /// `abi.encode(values...)` with these Solidity types (`uint32`,
    /// `address`, `uint256[]`, `(address,uint256)`, ...). A value
    /// `entity` stands for the key's entity id (an unsigned integer type).
    Abi {
        /// One Solidity type per value.
        types: Vec<String>,
        /// Each value as text: a number, an address, `true`, `[1,2]`, ...
        values: Vec<String>,
    },
}

/// What a value `entity` in [`CustomInstall::Abi`] stands for.
pub const ENTITY_PLACEHOLDER: &str = "entity";

impl CustomInstall {
    /// The install data for a key at `entity_id`, or why it cannot be
    /// encoded.
    pub fn encode(&self, entity_id: u32) -> Result<Bytes, String> {
        let (types, values) = match self {
            Self::Raw(bytes) => return Ok(bytes.clone()),
            Self::Abi { types, values } => (types, values),
        };
        if types.len() != values.len() {
            return Err(format!(
                "{} types and {} values: give one value per type",
                types.len(),
                values.len()
            ));
        }
        let mut encoded = Vec::with_capacity(values.len());
        for (ty, value) in types.iter().zip(values) {
            let parsed =
                DynSolType::parse(ty).map_err(|e| format!("`{ty}` is not a Solidity type: {e}"))?;
            let value = if value == ENTITY_PLACEHOLDER {
                if !matches!(parsed, DynSolType::Uint(bits) if bits >= 32) {
                    return Err(format!(
                        "`{ENTITY_PLACEHOLDER}` stands for the key's entity id (a uint32), so its type must be uint32 or wider, not {ty}"
                    ));
                }
                entity_id.to_string()
            } else {
                value.clone()
            };
            encoded.push(
                parsed
                    .coerce_str(&value)
                    .map_err(|e| format!("`{value}` is not a {ty}: {e}"))?,
            );
        }
        Ok(DynSolValue::Tuple(encoded).abi_encode_params().into())
    }
}

/// One thing a session key may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Everything the owner may do: a global validation with no hooks.
    /// Cannot be combined with anything else.
    Root,
    /// Acts only within `[valid_after, valid_until]` (unix seconds,
    /// inclusive).
    TimeWindow {
        /// First valid second (0: from now on).
        valid_after: u64,
        /// Last valid second: the expiry.
        valid_until: u64,
    },
    /// Calls only these contracts (any function).
    Contracts(Vec<Address>),
    /// Calls only these functions of `target`.
    Functions {
        /// The contract.
        target: Address,
        /// Its functions.
        selectors: Vec<Selector>,
    },
    /// Calls these functions on any contract except the account itself.
    FunctionsOnAnyContract(Vec<Selector>),
    /// Sends at most `limit` wei of the native coin per `period` seconds
    /// (`None`: for the key's lifetime), counting each operation's maximum
    /// gas cost (the EntryPoint's prefund) as well as call value, unless a
    /// sponsoring paymaster pays.
    NativeLimit {
        /// Wei.
        limit: U256,
        /// Seconds, or `None`.
        period: Option<u64>,
    },
    /// Moves (transfer or approve) at most `limit` of `token` per `period`.
    Erc20Limit {
        /// The ERC-20.
        token: Address,
        /// In the token's smallest unit.
        limit: U256,
        /// Seconds, or `None`.
        period: Option<u64>,
    },
    /// Spends at most this many wei on gas over the key's lifetime: each
    /// operation's maximum cost, unless a sponsoring paymaster pays.
    GasBudget(U256),
    /// Paymasters that pay the key's gas themselves: their operations are
    /// charged neither to the gas budget nor to the native limit. Any other
    /// paymaster (a token paymaster charges the account) is charged as if
    /// the account paid.
    SponsoringPaymasters(Vec<Address>),
    /// Makes at most `lifetime` operations (or calls, per `unit`) over its
    /// life, and at most `per_period.0` per `per_period.1` seconds (periods
    /// counted from the grant). At least one is given.
    UsageLimit {
        /// What counts.
        unit: UsageUnit,
        /// Uses over the key's life.
        lifetime: Option<u32>,
        /// `(uses, period in seconds)`.
        per_period: Option<(u32, u64)>,
    },
    /// Its operations must be paid by one of `paymasters`, or by the
    /// account itself when `self_paid`. With `sponsoring`, the same list
    /// tells the gas accounting that these paymasters pay the gas
    /// themselves (as [`Permission::SponsoringPaymasters`]); leave it off
    /// for a token paymaster, which charges the account.
    Paymasters {
        /// The allowed paymasters.
        paymasters: Vec<Address>,
        /// Whether an operation without a paymaster is allowed.
        self_paid: bool,
        /// Whether these paymasters sponsor the gas.
        sponsoring: bool,
    },
    /// Passes only these values to one function of one contract, and at
    /// most so much of an argument in total (the param-rules module).
    Params(ParamRule),
    /// One more hook, of a module the SDK does not know (a custom rule, see
    /// `docs/custom-rules.md`), installed on the key's validation with
    /// `install` as its `onInstall` data. Its module becomes a protected
    /// target, like the SDK's own modules.
    CustomHook {
        /// The module.
        module: Address,
        /// A validation or pre-execution hook; `None`: the set's role.
        role: Option<HookRole>,
        /// Its install data.
        install: CustomInstall,
    },
    /// Signs ERC-1271 messages for the account (the validation's
    /// signature flag). Off unless granted: no allowlist or limit applies
    /// to a signature, and a signed Permit2 permit or exchange order moves
    /// the account's tokens without a call of the key's. Only the time
    /// window bounds it.
    Signatures,
}

/// Why a permission set was refused, and what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PermissionError {
    /// Not a signature, a 4-byte hex selector or `value-transfer`.
    #[error("unknown selector `{0}`: write a full function signature such as `transfer(address,uint256)`, a 4-byte hex selector such as `0xa9059cbb`, or `value-transfer`")]
    UnknownSelector(String),
    /// An account function no key may be granted.
    #[error("`{name}` ({selector}) on {target} would let the key change the account itself; no session-key permission may grant it")]
    PrivilegedSelector {
        /// Its name.
        name: &'static str,
        /// Its selector.
        selector: String,
        /// The rule's target (`any contract` for a wildcard).
        target: String,
    },
    /// A permission module or the EntryPoint as a target.
    #[error("{target} is the {what}: a key that may call it could {why}; it can never be a session key's target")]
    ProtectedTarget {
        /// The address.
        target: Address,
        /// What it is.
        what: String,
        /// What the key could do.
        why: &'static str,
    },
    /// The zero address as a target.
    #[error("the zero address is not a contract; to allow functions on any contract, use `target = \"any\"`")]
    ZeroTarget,
    /// The account as a target.
    #[error("{0} is the account itself: a key that may call its own account could reach its other functions; grant the functions on the contracts it should call instead")]
    AccountTarget(Address),
    /// A target listed twice.
    #[error("{0} is listed twice; list each contract once")]
    DuplicateTarget(Address),
    /// A selector listed twice for one target.
    #[error("{selector} is listed twice for {target}")]
    DuplicateSelector {
        /// The target.
        target: String,
        /// The selector.
        selector: String,
    },
    /// A function rule with no selector.
    #[error("no functions listed for {0}; list at least one, or remove the rule")]
    NoSelectors(String),
    /// A second permission of a kind that appears once.
    #[error("{0} is given twice; give it once")]
    Duplicate(&'static str),
    /// The expiry has passed (or is now).
    #[error("the expiry {valid_until} is not in the future (the chain's time is {now}); give a later `valid-until`, or `expires-in` seconds")]
    ExpiryNotInFuture {
        /// The expiry.
        valid_until: u64,
        /// The chain's time.
        now: u64,
    },
    /// The expiry does not fit `uint48`.
    #[error("the expiry {0} does not fit uint48 (at most 281474976710655); give unix seconds")]
    ExpiryTooLarge(u64),
    /// `valid_after` after `valid_until`.
    #[error("the window starts ({valid_after}) after it ends ({valid_until})")]
    EmptyWindow {
        /// Start.
        valid_after: u64,
        /// End.
        valid_until: u64,
    },
    /// A period that does not fit `uint48`, or is 0.
    #[error("the period {0} must be between 1 and 281474976710655 seconds (leave it out for a lifetime limit)")]
    BadPeriod(u64),
    /// An ERC-20 limit on the zero address.
    #[error("an ERC-20 limit needs the token's address; for the native coin use a native limit (`token = \"native\"`)")]
    ZeroToken,
    /// Root with something else.
    #[error("root gives the key everything the owner has; it cannot be combined with other permissions (remove root, or the others)")]
    RootNotAlone,
    /// A scoped key that may call any contract.
    #[error("nothing restricts which contracts the key may call: through the account it could call the permission modules' admin functions (lift its own limits and expiry, or replace the owner's signer) and the EntryPoint (withdraw the deposit); add `contracts`, or function rules for the contracts it should call")]
    NoTargetRestriction,
    /// A scoped key whose gas nothing bounds.
    #[error("nothing bounds what the key's operations spend on gas: a key may bundle its own operation with any fees and be paid the account's deposit as the beneficiary; add a native limit (it counts each operation's maximum gas cost) or a gas budget")]
    NoGasBound,
    /// A sponsoring paymaster that cannot be one.
    #[error("{0} cannot be a sponsoring paymaster: give the paymaster contract's address (not zero, not the account), once")]
    BadSponsor(Address),
    /// A usage limit that limits nothing, or a zero count.
    #[error("a usage limit needs a lifetime count (`max-uses`), a count per period (`max-uses-per-period` with `period`), or both, each at least 1")]
    EmptyUsageLimit,
    /// A usage period that does not fit `uint32`, or is 0.
    #[error("the usage period {0} must be between 1 and 4294967295 seconds")]
    BadUsagePeriod(u64),
    /// A paymaster guard that allows nothing, or a bad entry in it.
    #[error("{0}")]
    BadPaymasters(String),
    /// A custom hook that cannot be installed.
    #[error("custom hook: {0}")]
    BadCustomHook(String),
    /// A parameter rule that cannot be written or installed.
    #[error("parameter rule: {0}")]
    BadParamRule(String),
    /// A module's lifecycle function as a granted function.
    #[error("`{name}` on {target} is an ERC-6900 module's lifecycle function: called by the account it would clear or rewrite that module's state for the account, a key's own restrictions included; no session-key permission may grant it")]
    ModuleLifecycle {
        /// Its signature.
        name: &'static str,
        /// The rule's target (`any contract` for a wildcard).
        target: String,
    },
    /// Nothing at all.
    #[error("no permissions given: a key with no permission hook could call anything; add permissions, or `root` if that is really what you want")]
    Empty,
    /// Contract access and a function rule that no call can satisfy both.
    #[error("{0} has function rules but is not in the contract list, so contract-allowlist would refuse every call to it; add it to the contracts, or remove the contract list")]
    UnreachableFunctions(Address),
    /// A listed contract no function rule covers.
    #[error("{0} is in the contract list but no function rule covers it, so selector-allowlist would refuse every call to it; add a rule for it, or remove it")]
    UncoveredContract(Address),
    /// The entity id is taken on the account.
    #[error("entity id {entity_id} is already used by a validation on this account; pick another (for example {suggestion})")]
    EntityIdInUse {
        /// The id.
        entity_id: u32,
        /// A free one.
        suggestion: u32,
    },
}

/// What a session key may do (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionSet {
    /// The permissions.
    pub permissions: Vec<Permission>,
    /// Where the allowlists and the time window are installed.
    pub role: HookRole,
    /// One session-policy hook (the default) or one hook per module.
    pub enforcement: Enforcement,
}

impl Default for PermissionSet {
    fn default() -> Self {
        Self::new()
    }
}

impl PermissionSet {
    /// An empty set (refused by [`PermissionSet::check`] until something is
    /// added).
    pub fn new() -> Self {
        Self {
            permissions: Vec::new(),
            role: HookRole::Validation,
            enforcement: Enforcement::Policy,
        }
    }

    /// Adds a permission.
    pub fn with(mut self, permission: Permission) -> Self {
        self.permissions.push(permission);
        self
    }

    /// Root: everything the owner may do.
    pub fn root(self) -> Self {
        self.with(Permission::Root)
    }

    /// Valid within `[valid_after, valid_until]`.
    pub fn time_window(self, valid_after: u64, valid_until: u64) -> Self {
        self.with(Permission::TimeWindow {
            valid_after,
            valid_until,
        })
    }

    /// Only these contracts.
    pub fn contracts(self, targets: impl IntoIterator<Item = Address>) -> Self {
        self.with(Permission::Contracts(targets.into_iter().collect()))
    }

    /// Only these functions of `target`.
    pub fn functions(
        self,
        target: Address,
        selectors: impl IntoIterator<Item = impl Into<Selector>>,
    ) -> Self {
        self.with(Permission::Functions {
            target,
            selectors: selectors.into_iter().map(Into::into).collect(),
        })
    }

    /// These functions on any contract but the account.
    pub fn functions_on_any_contract(
        self,
        selectors: impl IntoIterator<Item = impl Into<Selector>>,
    ) -> Self {
        self.with(Permission::FunctionsOnAnyContract(
            selectors.into_iter().map(Into::into).collect(),
        ))
    }

    /// At most `limit` wei per `period`.
    pub fn native_limit(self, limit: U256, period: Option<u64>) -> Self {
        self.with(Permission::NativeLimit { limit, period })
    }

    /// At most `limit` of `token` per `period`.
    pub fn erc20_limit(self, token: Address, limit: U256, period: Option<u64>) -> Self {
        self.with(Permission::Erc20Limit {
            token,
            limit,
            period,
        })
    }

    /// At most `limit` wei of gas.
    pub fn gas_budget(self, limit: U256) -> Self {
        self.with(Permission::GasBudget(limit))
    }

    /// These paymasters pay the key's gas: their operations are not
    /// charged to the gas budget or the native limit.
    pub fn sponsoring_paymasters(self, paymasters: impl IntoIterator<Item = Address>) -> Self {
        self.with(Permission::SponsoringPaymasters(
            paymasters.into_iter().collect(),
        ))
    }

    /// At most `lifetime` uses over the key's life and `per_period.0` per
    /// `per_period.1` seconds, counting `unit`.
    pub fn usage_limit(
        self,
        unit: UsageUnit,
        lifetime: Option<u32>,
        per_period: Option<(u32, u64)>,
    ) -> Self {
        self.with(Permission::UsageLimit {
            unit,
            lifetime,
            per_period,
        })
    }

    /// Operations paid only by `paymasters` (or the account, with
    /// `self_paid`); with `sponsoring` they also count as sponsors for the
    /// gas accounting.
    pub fn paymasters(
        self,
        paymasters: impl IntoIterator<Item = Address>,
        self_paid: bool,
        sponsoring: bool,
    ) -> Self {
        self.with(Permission::Paymasters {
            paymasters: paymasters.into_iter().collect(),
            self_paid,
            sponsoring,
        })
    }

    /// May sign ERC-1271 messages for the account (see
    /// [`Permission::Signatures`]).
    pub fn signatures(self) -> Self {
        self.with(Permission::Signatures)
    }

    /// Whether the key may sign for the account: granted explicitly, or
    /// root.
    pub fn signs(&self) -> bool {
        self.is_root() || self.permissions.contains(&Permission::Signatures)
    }

    /// Adds parameter rules for one function (see [`ParamRule::parse`]).
    pub fn params(self, rule: ParamRule) -> Self {
        self.with(Permission::Params(rule))
    }

    /// Adds a hook of a module the SDK does not know (see
    /// [`Permission::CustomHook`]).
    pub fn custom_hook(
        self,
        module: Address,
        role: Option<HookRole>,
        install: CustomInstall,
    ) -> Self {
        self.with(Permission::CustomHook {
            module,
            role,
            install,
        })
    }

    /// Installs the allowlists and the window as execution hooks (works
    /// with every bundler; a refusal is paid for).
    pub fn as_execution_hooks(mut self) -> Self {
        self.role = HookRole::Execution;
        self
    }

    /// Enforces the set with one hook per permission module instead of
    /// the session policy.
    pub fn with_modules(mut self) -> Self {
        self.enforcement = Enforcement::Modules;
        self
    }

    /// Whether this is a root key.
    pub fn is_root(&self) -> bool {
        self.permissions.contains(&Permission::Root)
    }

    /// The key's time window `[valid_after, valid_until]`, if it has one.
    pub fn window(&self) -> Option<(u64, u64)> {
        self.permissions.iter().find_map(|p| match p {
            Permission::TimeWindow {
                valid_after,
                valid_until,
            } => Some((*valid_after, *valid_until)),
            _ => None,
        })
    }

    /// The key's expiry, if it has a time window.
    pub fn expiry(&self) -> Option<u64> {
        self.window().map(|(_, valid_until)| valid_until)
    }

    /// Checks the set for `account` at the chain's time `now` and refuses
    /// any of `protected` (name, address) as a target: [`PermissionSet::install`]
    /// passes every module and the EntryPoint.
    pub fn check_against(
        &self,
        account: Address,
        now: u64,
        protected: &[(&str, Address)],
    ) -> Result<(), PermissionError> {
        let seen = self.check_rules(account, now)?;
        let custom: Vec<(&str, Address)> = self
            .permissions
            .iter()
            .filter_map(|p| match p {
                Permission::CustomHook { module, .. } => Some(("custom hook", *module)),
                _ => None,
            })
            .collect();
        for permission in &self.permissions {
            let targets: &[Address] = match permission {
                Permission::Contracts(list) => list,
                Permission::Functions { target, .. } => std::slice::from_ref(target),
                _ => &[],
            };
            for target in targets {
                if let Some((name, _)) = protected.iter().chain(&custom).find(|(_, a)| a == target)
                {
                    let entry_point = *name == "EntryPoint";
                    return Err(PermissionError::ProtectedTarget {
                        target: *target,
                        what: if entry_point {
                            "EntryPoint".into()
                        } else {
                            format!("{name} module")
                        },
                        why: if entry_point {
                            "withdraw the account's deposit"
                        } else {
                            "rewrite its own permissions"
                        },
                    });
                }
            }
        }
        self.check_required(seen.as_ref())
    }

    /// Checks the set for `account` at the chain's time `now` (see the
    /// module docs), without knowing the modules' addresses; prefer
    /// [`PermissionSet::check_against`].
    pub fn check(&self, account: Address, now: u64) -> Result<(), PermissionError> {
        let seen = self.check_rules(account, now)?;
        self.check_required(seen.as_ref())
    }

    /// Each permission on its own, and the allowlists together; what was
    /// seen, or `None` for root.
    fn check_rules(&self, account: Address, now: u64) -> Result<Option<Seen>, PermissionError> {
        if self
            .permissions
            .iter()
            .all(|p| *p == Permission::Signatures)
        {
            return Err(PermissionError::Empty);
        }
        if self.is_root() {
            return if self.permissions.len() == 1 {
                Ok(None)
            } else {
                Err(PermissionError::RootNotAlone)
            };
        }
        let mut seen = Seen::default();
        for permission in &self.permissions {
            check_one(permission, account, now, &mut seen)?;
        }
        check_allowlists_meet(&self.permissions, &seen)?;
        check_params_reachable(&self.permissions, &seen)?;
        // A sponsor the guard refuses could never pay: say so.
        if let Some(guard) = &seen.guard {
            if let Some(sponsor) = seen.sponsor_list.iter().find(|s| !guard.contains(s)) {
                return Err(PermissionError::BadPaymasters(format!(
                    "{sponsor} is a sponsoring paymaster but not an allowed one, so the paymaster guard would refuse its operations; add it to the allowed paymasters"
                )));
            }
        }
        Ok(Some(seen))
    }

    /// What every scoped key needs: a target restriction and a gas bound.
    fn check_required(&self, seen: Option<&Seen>) -> Result<(), PermissionError> {
        let Some(seen) = seen else { return Ok(()) };
        if seen.contracts.is_empty() && seen.function_targets.is_empty() && !seen.any_contract_rules
        {
            return Err(PermissionError::NoTargetRestriction);
        }
        if !seen.native && !seen.gas {
            return Err(PermissionError::NoGasBound);
        }
        Ok(())
    }

    /// Checks the set for `account` at `now`, refusing every one of
    /// `modules` and the EntryPoint as a target (what
    /// [`PermissionSet::install`] checks).
    pub fn check_for(
        &self,
        modules: &Modules,
        account: Address,
        now: u64,
    ) -> Result<(), PermissionError> {
        let mut protected: Vec<(&str, Address)> = modules.named().to_vec();
        protected.push(("EntryPoint", localnet::entry_point::ENTRY_POINT));
        self.check_against(account, now, &protected)
    }

    /// The `installValidation` arguments for a key with `signer` at
    /// `entity_id` on `account`, enforced by `modules`. Checks the set
    /// first ([`PermissionSet::check`]).
    pub fn install(
        &self,
        modules: &Modules,
        entity_id: u32,
        signer: &SignerSpec,
        account: Address,
        now: u64,
    ) -> Result<ValidationInstall, PermissionError> {
        self.check_for(modules, account, now)?;
        let flags = if self.signs() {
            VALIDATION_USER_OP | VALIDATION_SIGNATURE
        } else {
            VALIDATION_USER_OP
        };
        if self.is_root() {
            return Ok(ValidationInstall {
                config: validation_config(
                    modules.session_signer,
                    entity_id,
                    flags | VALIDATION_GLOBAL,
                ),
                selectors: vec![],
                install_data: signer.install_data(entity_id),
                hooks: vec![],
            });
        }
        let mut hooks = self.hooks(modules, entity_id);
        hooks.extend(self.custom_hooks(entity_id)?);
        // The signer carries the window too, so that in every hook mode an
        // expired key's operation fails validation before it is paid for,
        // and its ERC-1271 signatures are invalid; unless the session
        // policy is a validation hook, which bounds every phase itself.
        let window = if policy_validates(&hooks, modules.session_policy) {
            None
        } else {
            self.window()
        };
        Ok(ValidationInstall {
            config: validation_config(modules.session_signer, entity_id, flags),
            selectors: vec![EXECUTE, EXECUTE_BATCH],
            install_data: signer.install_data_with_window(entity_id, window),
            hooks,
        })
    }

    /// Whether the key's operations must use the `executeUserOp` prefix
    /// form (any execution hook is installed).
    pub fn needs_execute_user_op(&self) -> bool {
        let spends = self.permissions.iter().any(|p| {
            matches!(
                p,
                Permission::NativeLimit { .. } | Permission::Erc20Limit { .. }
            )
        });
        let custom_executes = self.permissions.iter().any(|p| {
            matches!(p, Permission::CustomHook { role, .. } if role.unwrap_or(self.role) == HookRole::Execution)
        });
        if custom_executes {
            return true;
        }
        match self.enforcement {
            // The policy charges limits in validation: an execution hook
            // only in the execution role.
            Enforcement::Policy => self.role == HookRole::Execution && !self.is_root(),
            Enforcement::Modules => spends || (self.role == HookRole::Execution && !self.is_root()),
        }
    }

    /// Every [`Permission::Params`]' conditions and totals, for one
    /// param-rules install (`None` without any).
    fn param_rules(&self) -> Option<(Vec<Condition>, Vec<Total>)> {
        let rules: Vec<&ParamRule> = self
            .permissions
            .iter()
            .filter_map(|p| match p {
                Permission::Params(rule) => Some(rule),
                _ => None,
            })
            .collect();
        (!rules.is_empty()).then(|| {
            (
                rules.iter().flat_map(|r| r.module_conditions()).collect(),
                rules.iter().flat_map(|r| r.module_totals()).collect(),
            )
        })
    }

    /// The [`Permission::CustomHook`]s, after the SDK's own hooks.
    fn custom_hooks(&self, id: u32) -> Result<Vec<Bytes>, PermissionError> {
        let mut hooks = Vec::new();
        for permission in &self.permissions {
            if let Permission::CustomHook {
                module,
                role,
                install,
            } = permission
            {
                let hook = match role.unwrap_or(self.role) {
                    HookRole::Validation => validation_hook(*module, id),
                    HookRole::Execution => execution_hook(*module, id, true, false),
                };
                let data = install.encode(id).map_err(PermissionError::BadCustomHook)?;
                hooks.push(hook_with_data(hook, &data));
            }
        }
        Ok(hooks)
    }

    fn hooks(&self, modules: &Modules, id: u32) -> Vec<alloy_primitives::Bytes> {
        let role_hook = |module: Address| match self.role {
            HookRole::Validation => validation_hook(module, id),
            HookRole::Execution => execution_hook(module, id, true, false),
        };
        let mut targets = Vec::new();
        let mut rules = Vec::new();
        let mut window = None;
        let mut limits = Vec::new();
        let mut gas = GasBudget::default();
        let mut sponsors: &[Address] = &[];
        let mut usage = None;
        let mut guard: Option<(&[Address], bool)> = None;
        let mut guard_sponsors: &[Address] = &[];
        for permission in &self.permissions {
            match permission {
                Permission::Root => {}
                Permission::TimeWindow {
                    valid_after,
                    valid_until,
                } => window = Some((*valid_after, *valid_until)),
                Permission::Contracts(list) => targets.extend_from_slice(list),
                Permission::Functions { target, selectors } => {
                    rules.extend(selectors.iter().map(|s| SelectorRule {
                        target: *target,
                        selector: s.bytes,
                    }))
                }
                Permission::FunctionsOnAnyContract(selectors) => {
                    rules.extend(selectors.iter().map(|s| SelectorRule {
                        target: Address::ZERO,
                        selector: s.bytes,
                    }))
                }
                Permission::NativeLimit { limit, period } => limits.push(SpendLimit {
                    token: NATIVE_TOKEN,
                    limit: *limit,
                    period: period.unwrap_or(0),
                }),
                Permission::Erc20Limit {
                    token,
                    limit,
                    period,
                } => limits.push(SpendLimit {
                    token: *token,
                    limit: *limit,
                    period: period.unwrap_or(0),
                }),
                Permission::GasBudget(limit) => {
                    gas = GasBudget {
                        enabled: true,
                        limit: *limit,
                    }
                }
                Permission::SponsoringPaymasters(list) => sponsors = list,
                Permission::UsageLimit {
                    unit,
                    lifetime,
                    per_period,
                } => {
                    let (period_limit, period) = per_period.unwrap_or_default();
                    usage = Some(UsageLimitInstall {
                        entity_id: id,
                        unit: unit.code(),
                        lifetime_limit: lifetime.unwrap_or(0),
                        period_limit,
                        // check_one keeps a period within uint32.
                        period: u32::try_from(period).unwrap_or(u32::MAX),
                    })
                }
                Permission::Paymasters {
                    paymasters,
                    self_paid,
                    sponsoring,
                } => {
                    guard = Some((paymasters, *self_paid));
                    if *sponsoring {
                        guard_sponsors = paymasters;
                    }
                }
                // A validation flag, not a hook; custom hooks come last.
                Permission::Signatures | Permission::CustomHook { .. } | Permission::Params(_) => {}
            }
        }
        // check_one keeps an explicit sponsor list within the guard's.
        if sponsors.is_empty() {
            sponsors = guard_sponsors;
        }
        let params = self.param_rules();
        let params_hook =
            |hooks: &mut Vec<Bytes>, (conditions, totals): &(Vec<Condition>, Vec<Total>)| {
                hooks.push(hook_with_data(
                    role_hook(modules.param_rules),
                    &permission_core::params::encode_param_rules(id, conditions, totals),
                ))
            };
        // session-rules follows no ABI path (no room for the code): rules
        // with one go into param-rules' own hook.
        let has_paths = params.as_ref().is_some_and(|(c, t)| {
            c.iter().any(|c| !c.path.is_empty()) || t.iter().any(|t| !t.path.is_empty())
        });
        let extra = ExtraRules {
            usage,
            paymasters: guard,
            params: params
                .as_ref()
                .filter(|_| !has_paths)
                .map(|(c, t)| (&c[..], &t[..])),
        };
        let spends = gas.enabled || !limits.is_empty();
        if self.enforcement == Enforcement::Policy {
            let mut hooks = policy_hooks(
                modules.session_policy,
                id,
                self.role,
                &PolicyRules {
                    window,
                    targets: (!targets.is_empty()).then_some(&targets[..]),
                    rules: (!rules.is_empty()).then_some(&rules[..]),
                    spending: spends.then_some((&limits[..], gas, sponsors)),
                },
            );
            hooks.extend(rules_hooks(modules.session_rules, id, self.role, &extra));
            if let Some(params) = params.as_ref().filter(|_| has_paths) {
                params_hook(&mut hooks, params);
            }
            return hooks;
        }
        let mut hooks = Vec::new();
        if !targets.is_empty() {
            hooks.push(hook_with_data(
                role_hook(modules.contract_allowlist),
                &encode_contract_allowlist(id, &targets),
            ));
        }
        if !rules.is_empty() {
            hooks.push(hook_with_data(
                role_hook(modules.selector_allowlist),
                &encode_selector_allowlist(id, &rules),
            ));
        }
        if let Some((valid_after, valid_until)) = window {
            let install = TimeWindowInstall {
                entity_id: id,
                valid_after,
                valid_until,
            };
            hooks.push(hook_with_data(
                role_hook(modules.time_window),
                &install.encode(),
            ));
        }
        if let Some(usage) = usage {
            hooks.push(hook_with_data(
                role_hook(modules.usage_limit),
                &usage.encode(),
            ));
        }
        if let Some((paymasters, self_paid)) = guard {
            // Only validation sees the paymaster, whatever the role.
            hooks.push(hook_with_data(
                validation_hook(modules.paymaster_guard, id),
                &encode_paymaster_guard(id, self_paid, paymasters),
            ));
        }
        if spends {
            hooks.extend(spending_limit_hooks(
                modules.spending_limit,
                id,
                &limits,
                gas,
                sponsors,
            ));
        }
        if let Some(params) = &params {
            params_hook(&mut hooks, params);
        }
        hooks
    }
}

/// What [`PermissionSet::check`] has seen so far.
#[derive(Default)]
struct Seen {
    window: bool,
    signatures: bool,
    gas: bool,
    native: bool,
    sponsors: bool,
    sponsor_list: Vec<Address>,
    usage: bool,
    guard: Option<Vec<Address>>,
    tokens: Vec<Address>,
    contracts: Vec<Address>,
    function_targets: Vec<Address>,
    any_contract_rules: bool,
    custom_modules: Vec<Address>,
    param_functions: Vec<(Address, [u8; 4])>,
}

fn check_period(period: Option<u64>) -> Result<(), PermissionError> {
    match period {
        Some(p) if p == 0 || p > MAX_UINT48 => Err(PermissionError::BadPeriod(p)),
        _ => Ok(()),
    }
}

fn check_target(target: Address, account: Address) -> Result<(), PermissionError> {
    if target == Address::ZERO {
        Err(PermissionError::ZeroTarget)
    } else if target == account {
        Err(PermissionError::AccountTarget(target))
    } else {
        Ok(())
    }
}

fn check_selectors(target: Option<Address>, selectors: &[Selector]) -> Result<(), PermissionError> {
    let target_name = target.map_or_else(|| "any contract".to_string(), |t| t.to_string());
    if selectors.is_empty() {
        return Err(PermissionError::NoSelectors(target_name));
    }
    for (i, selector) in selectors.iter().enumerate() {
        if let Some((name, _)) = MODULE_LIFECYCLE.iter().find(|(_, s)| *s == selector.bytes) {
            return Err(PermissionError::ModuleLifecycle {
                name,
                target: target_name,
            });
        }
        let privileged = NEVER_GRANTED.iter().find(|(_, s)| *s == selector.bytes);
        let wraps_calls = target
            .is_none()
            .then(|| {
                let execution = ACCOUNT_EXECUTION.iter().find(|(_, s)| *s == selector.bytes);
                // Module admin functions and the EntryPoint's withdrawals:
                // on any contract they would reach the key's own modules.
                let self_admin = SELF_ADMIN_SELECTORS
                    .iter()
                    .position(|s| *s == selector.bytes)
                    .map(|i| (SELF_ADMIN_SIGNATURES[i], SELF_ADMIN_SELECTORS[i]));
                execution.copied().or(self_admin)
            })
            .flatten();
        if let Some((name, _)) = privileged.copied().or(wraps_calls) {
            return Err(PermissionError::PrivilegedSelector {
                name,
                selector: selector.to_string(),
                target: target_name,
            });
        }
        if selectors[..i].iter().any(|s| s.bytes == selector.bytes) {
            return Err(PermissionError::DuplicateSelector {
                target: target_name,
                selector: selector.to_string(),
            });
        }
    }
    Ok(())
}

fn check_one(
    permission: &Permission,
    account: Address,
    now: u64,
    seen: &mut Seen,
) -> Result<(), PermissionError> {
    match permission {
        Permission::Root => Err(PermissionError::RootNotAlone),
        Permission::Params(rule) => {
            check_target(rule.target, account)?;
            let function = (rule.target, rule.function.bytes);
            if seen.param_functions.contains(&function) {
                return Err(PermissionError::BadParamRule(format!(
                    "{} on {} has two rules; give all its conditions in one",
                    rule.function, rule.target
                )));
            }
            seen.param_functions.push(function);
            rule.check()
        }
        Permission::CustomHook {
            module, install, ..
        } => {
            let bad = |why: String| Err(PermissionError::BadCustomHook(why));
            if *module == Address::ZERO {
                return bad(
                    "the module is the zero address; give the deployed module's address".into(),
                );
            }
            if *module == account {
                return bad(format!(
                    "{module} is the account itself, not a module; give the deployed module's address"
                ));
            }
            if seen.custom_modules.contains(module) {
                return bad(format!(
                    "{module} is given twice; give each custom module once, with all its install data"
                ));
            }
            seen.custom_modules.push(*module);
            // Any entity id gives the same answer, but for the value itself.
            install
                .encode(0)
                .map(drop)
                .map_err(PermissionError::BadCustomHook)
        }
        Permission::Signatures => {
            if std::mem::replace(&mut seen.signatures, true) {
                return Err(PermissionError::Duplicate("signatures"));
            }
            Ok(())
        }
        Permission::TimeWindow {
            valid_after,
            valid_until,
        } => {
            if std::mem::replace(&mut seen.window, true) {
                return Err(PermissionError::Duplicate("a time window"));
            }
            if *valid_until > MAX_UINT48 {
                return Err(PermissionError::ExpiryTooLarge(*valid_until));
            }
            if *valid_until <= now {
                return Err(PermissionError::ExpiryNotInFuture {
                    valid_until: *valid_until,
                    now,
                });
            }
            if valid_after > valid_until {
                return Err(PermissionError::EmptyWindow {
                    valid_after: *valid_after,
                    valid_until: *valid_until,
                });
            }
            Ok(())
        }
        Permission::Contracts(targets) => {
            for target in targets {
                check_target(*target, account)?;
                if seen.contracts.contains(target) {
                    return Err(PermissionError::DuplicateTarget(*target));
                }
                seen.contracts.push(*target);
            }
            Ok(())
        }
        Permission::Functions { target, selectors } => {
            check_target(*target, account)?;
            if seen.function_targets.contains(target) {
                return Err(PermissionError::DuplicateTarget(*target));
            }
            seen.function_targets.push(*target);
            check_selectors(Some(*target), selectors)
        }
        Permission::FunctionsOnAnyContract(selectors) => {
            if std::mem::replace(&mut seen.any_contract_rules, true) {
                return Err(PermissionError::Duplicate("a rule for any contract"));
            }
            check_selectors(None, selectors)
        }
        Permission::NativeLimit { period, .. } => {
            if std::mem::replace(&mut seen.native, true) {
                return Err(PermissionError::Duplicate("a native-coin limit"));
            }
            check_period(*period)
        }
        Permission::Erc20Limit { token, period, .. } => {
            if *token == Address::ZERO {
                return Err(PermissionError::ZeroToken);
            }
            if seen.tokens.contains(token) {
                return Err(PermissionError::Duplicate("a limit for one token"));
            }
            seen.tokens.push(*token);
            check_period(*period)
        }
        Permission::GasBudget(_) => {
            if std::mem::replace(&mut seen.gas, true) {
                return Err(PermissionError::Duplicate("a gas budget"));
            }
            Ok(())
        }
        Permission::UsageLimit {
            lifetime,
            per_period,
            ..
        } => {
            if std::mem::replace(&mut seen.usage, true) {
                return Err(PermissionError::Duplicate("a usage limit"));
            }
            let zero = *lifetime == Some(0) || per_period.is_some_and(|(n, _)| n == 0);
            if zero || (lifetime.is_none() && per_period.is_none()) {
                return Err(PermissionError::EmptyUsageLimit);
            }
            match per_period {
                Some((_, p)) if *p == 0 || *p > u64::from(u32::MAX) => {
                    Err(PermissionError::BadUsagePeriod(*p))
                }
                _ => Ok(()),
            }
        }
        Permission::Paymasters {
            paymasters,
            self_paid,
            ..
        } => {
            if seen.guard.is_some() {
                return Err(PermissionError::Duplicate("a paymaster guard"));
            }
            if paymasters.is_empty() && !self_paid {
                return Err(PermissionError::BadPaymasters(
                    "a paymaster guard with no paymaster that does not let the account pay refuses every operation; list a paymaster, or allow the account to pay (`self-paid`)".into(),
                ));
            }
            for (i, paymaster) in paymasters.iter().enumerate() {
                if paymaster.is_zero()
                    || *paymaster == account
                    || paymasters[..i].contains(paymaster)
                {
                    return Err(PermissionError::BadPaymasters(format!(
                        "{paymaster} cannot be an allowed paymaster: give each paymaster contract's address once (not zero, not the account)"
                    )));
                }
            }
            seen.guard = Some(paymasters.clone());
            Ok(())
        }
        Permission::SponsoringPaymasters(paymasters) => {
            if std::mem::replace(&mut seen.sponsors, true) {
                return Err(PermissionError::Duplicate(
                    "a list of sponsoring paymasters",
                ));
            }
            seen.sponsor_list = paymasters.clone();
            for (i, paymaster) in paymasters.iter().enumerate() {
                if paymaster.is_zero()
                    || *paymaster == account
                    || paymasters[..i].contains(paymaster)
                {
                    return Err(PermissionError::BadSponsor(*paymaster));
                }
            }
            Ok(())
        }
    }
}

/// Every call must pass both allowlists when both are given: each function
/// rule's target must be a listed contract, and each listed contract must
/// be covered by a rule (its own, or one for any contract).
/// A parameter rule on a function the key may not call restricts nothing:
/// say so, rather than let the owner think it does.
fn check_params_reachable(permissions: &[Permission], seen: &Seen) -> Result<(), PermissionError> {
    let has_contracts = permissions
        .iter()
        .any(|p| matches!(p, Permission::Contracts(_)));
    let has_rules = !seen.function_targets.is_empty() || seen.any_contract_rules;
    for (target, selector) in &seen.param_functions {
        let contract_ok = !has_contracts || seen.contracts.contains(target);
        let function_ok = !has_rules
            || permissions.iter().any(|p| match p {
                Permission::Functions {
                    target: t,
                    selectors,
                } => t == target && selectors.iter().any(|s| s.bytes == *selector),
                Permission::FunctionsOnAnyContract(selectors) => {
                    selectors.iter().any(|s| s.bytes == *selector)
                }
                _ => false,
            });
        if !(contract_ok && function_ok && (has_contracts || has_rules)) {
            return Err(PermissionError::BadParamRule(format!(
                "the key may not call 0x{} on {target}, so its parameter rule would restrict nothing; allow the function too (`functions`, `--allow`)",
                alloy_primitives::hex::encode(selector)
            )));
        }
    }
    Ok(())
}

fn check_allowlists_meet(permissions: &[Permission], seen: &Seen) -> Result<(), PermissionError> {
    let has_contracts = permissions
        .iter()
        .any(|p| matches!(p, Permission::Contracts(_)));
    let has_rules = !seen.function_targets.is_empty() || seen.any_contract_rules;
    if !has_contracts || !has_rules {
        return Ok(());
    }
    if let Some(target) = seen
        .function_targets
        .iter()
        .find(|t| !seen.contracts.contains(t))
    {
        return Err(PermissionError::UnreachableFunctions(*target));
    }
    if !seen.any_contract_rules {
        if let Some(contract) = seen
            .contracts
            .iter()
            .find(|c| !seen.function_targets.contains(c))
        {
            return Err(PermissionError::UncoveredContract(*contract));
        }
    }
    Ok(())
}

pub mod file;
pub mod params;

pub use params::ParamRule;

#[cfg(test)]
mod tests;
