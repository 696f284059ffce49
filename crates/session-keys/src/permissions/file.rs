//! Permission files: a [`PermissionSet`] written as TOML or JSON.
//!
//! ```toml
//! # Where the allowlists and the window run: "validation" (default: a
//! # refusal costs nothing, needs a bundler that traces Stylus) or
//! # "execution" (works with every bundler; a refusal is paid for).
//! hooks = "validation"
//! # What enforces it: "policy" (default: one session-policy hook, limits
//! # charged in validation) or "modules" (one hook per permission module).
//! enforcement = "policy"
//! # Calls only these contracts (any function). Optional.
//! contracts = ["0x1111111111111111111111111111111111111111"]
//! # At most this many wei of gas over the key's life. Optional; a scoped
//! # key needs this or a native limit (which counts gas too).
//! gas-budget = "10000000000000000"
//! # Paymasters that pay the key's gas themselves: their operations are not
//! # charged to the gas budget or the native limit. Optional.
//! sponsoring-paymasters = ["0x3333333333333333333333333333333333333333"]
//! # May sign ERC-1271 messages for the account. Optional, off by default:
//! # no allowlist or limit applies to a signature (a signed Permit2 permit
//! # moves tokens without a call); only the window bounds it.
//! signatures = false
//!
//! [window]                  # optional
//! valid-after = 1767225600  # unix seconds; optional
//! expires-in = 86400        # seconds from the chain's time, or:
//! # valid-until = 1767312000
//!
//! [[functions]]             # repeatable
//! target = "0x1111111111111111111111111111111111111111"  # or "any"
//! selectors = ["increment()", "transfer(address,uint256)", "0xa9059cbb", "value-transfer"]
//!
//! [[limits]]                # repeatable
//! token = "native"          # or an ERC-20's address
//! amount = "100000000000000000000"  # smallest unit: decimal or 0x-hex string
//! period = 86400            # seconds; omit for a lifetime limit
//!
//! [usage]                   # optional: how many operations the key may make
//! count = "operations"      # or "calls" (a batch of three counts three)
//! max = 100                 # over the key's life; optional
//! max-per-period = 10       # optional, with `period` (seconds)
//! period = 86400
//!
//! [paymasters]              # optional: who may pay for the key's operations
//! allowed = ["0x4444444444444444444444444444444444444444"]
//! self-paid = false         # whether the account may pay (no paymaster)
//! sponsoring = true         # these pay the gas themselves (not charged to
//!                           # the gas budget or native limit); false for a
//!                           # token paymaster, which charges the account
//!
//! [[params]]                # repeatable: what the key may pass to a function
//! target = "0x1111111111111111111111111111111111111111"
//! function = "transfer(address to,uint256 amount)"
//! rules = ["to in [0x5555555555555555555555555555555555555555]", "amount <= 100e6", "sum(amount) <= 1000e6 per week"]
//!
//! [[custom]]                # repeatable: a module the SDK does not know
//! module = "0x5555555555555555555555555555555555555555"
//! hook = "validation"       # or "execution"; default: `hooks` above
//! types = ["uint32", "uint256"]     # its install data, abi.encode(...)d;
//! values = ["entity", "1000000"]    # "entity" is the key's entity id
//! # or: install-data = "0x..." (raw bytes, instead of types and values)
//! ```
//!
//! `root = true` alone grants everything. JSON files have the same keys
//! (`{"hooks": "validation", "functions": [{"target": ..., "selectors":
//! [...]}], ...}`). Unknown keys are errors, so a typo cannot silently drop
//! a restriction.

use std::path::Path;

use alloy_primitives::{Address, U256};
use serde::Deserialize;

use super::{CustomInstall, ParamRule, Permission, PermissionSet, Selector, UsageUnit};
use crate::session::HookRole;

/// A permission file, as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PermissionFile {
    /// `"validation"` or `"execution"`.
    #[serde(default)]
    pub hooks: Option<Hooks>,
    /// `"policy"` (default) or `"modules"`.
    #[serde(default)]
    pub enforcement: Option<EnforcementKey>,
    /// Everything the owner may do.
    #[serde(default)]
    pub root: bool,
    /// May sign ERC-1271 messages for the account.
    #[serde(default)]
    pub signatures: bool,
    /// Allowed contracts.
    #[serde(default)]
    pub contracts: Vec<Address>,
    /// Gas budget in wei.
    #[serde(default)]
    pub gas_budget: Option<Amount>,
    /// Paymasters that pay the key's gas themselves.
    #[serde(default)]
    pub sponsoring_paymasters: Vec<Address>,
    /// The time window.
    #[serde(default)]
    pub window: Option<Window>,
    /// Function rules.
    #[serde(default)]
    pub functions: Vec<Functions>,
    /// Spending limits.
    #[serde(default)]
    pub limits: Vec<Limit>,
    /// The usage limit.
    #[serde(default)]
    pub usage: Option<Usage>,
    /// The paymaster guard.
    #[serde(default)]
    pub paymasters: Option<Paymasters>,
    /// Hooks of modules the SDK does not know.
    #[serde(default)]
    pub custom: Vec<Custom>,
    /// Parameter rules.
    #[serde(default)]
    pub params: Vec<Params>,
}

/// `[[params]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The contract.
    pub target: Address,
    /// Its function's signature, with argument names.
    pub function: String,
    /// Conditions and totals (`amount <= 100`, `to in [..]`,
    /// `sum(amount) <= 1000`).
    pub rules: Vec<String>,
}

/// `[[custom]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Custom {
    /// The module's address.
    pub module: Address,
    /// Validation or execution; default: the file's `hooks`.
    #[serde(default)]
    pub hook: Option<Hooks>,
    /// Solidity types of the install data's values.
    #[serde(default)]
    pub types: Vec<String>,
    /// The values, as text.
    #[serde(default)]
    pub values: Vec<String>,
    /// Raw install data, instead of types and values.
    #[serde(default)]
    pub install_data: Option<alloy_primitives::Bytes>,
}

/// `[paymasters]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Paymasters {
    /// The allowed paymasters.
    #[serde(default)]
    pub allowed: Vec<Address>,
    /// Whether the account may pay.
    #[serde(default)]
    pub self_paid: bool,
    /// Whether the allowed paymasters sponsor the gas.
    #[serde(default)]
    pub sponsoring: bool,
}

/// `[usage]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Usage {
    /// `"operations"` (default) or `"calls"`.
    #[serde(default)]
    pub count: UsageUnit,
    /// Uses over the key's life.
    #[serde(default)]
    pub max: Option<u32>,
    /// Uses per `period`.
    #[serde(default)]
    pub max_per_period: Option<u32>,
    /// Seconds.
    #[serde(default)]
    pub period: Option<u64>,
}

/// What enforces the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnforcementKey {
    /// One session-policy hook.
    Policy,
    /// One hook per permission module.
    Modules,
}

/// Where the hooks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hooks {
    /// Validation hooks.
    Validation,
    /// Execution hooks.
    Execution,
}

impl From<Hooks> for HookRole {
    fn from(hooks: Hooks) -> Self {
        match hooks {
            Hooks::Validation => HookRole::Validation,
            Hooks::Execution => HookRole::Execution,
        }
    }
}

/// `[window]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Window {
    /// Unix seconds.
    #[serde(default)]
    pub valid_after: Option<u64>,
    /// Unix seconds.
    #[serde(default)]
    pub valid_until: Option<u64>,
    /// Seconds from the chain's time.
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// `[[functions]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Functions {
    /// A contract or `any`.
    pub target: Target,
    /// Signatures, hex selectors or `value-transfer`.
    pub selectors: Vec<Selector>,
}

/// A rule's target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Target {
    /// Any contract but the account.
    Any,
    /// One contract.
    Contract(Address),
}

impl TryFrom<String> for Target {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if text == "any" {
            return Ok(Self::Any);
        }
        text.parse()
            .map(Self::Contract)
            .map_err(|_| format!("`{text}` is neither a 0x-address nor \"any\""))
    }
}

/// `[[limits]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// `native` or an ERC-20.
    pub token: Token,
    /// In the token's smallest unit.
    pub amount: Amount,
    /// Seconds.
    #[serde(default)]
    pub period: Option<u64>,
}

/// A limit's token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Token {
    /// The native coin.
    Native,
    /// An ERC-20.
    Erc20(Address),
}

impl TryFrom<String> for Token {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if text == "native" {
            return Ok(Self::Native);
        }
        text.parse()
            .map(Self::Erc20)
            .map_err(|_| format!("`{text}` is neither a 0x-address nor \"native\""))
    }
}

/// An amount: a decimal or `0x` hex string, or a (small) integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "AmountText")]
pub struct Amount(pub U256);

#[derive(Deserialize)]
#[serde(untagged)]
enum AmountText {
    Number(u64),
    Text(String),
}

impl TryFrom<AmountText> for Amount {
    type Error = String;
    fn try_from(text: AmountText) -> Result<Self, String> {
        match text {
            AmountText::Number(n) => Ok(Self(U256::from(n))),
            AmountText::Text(t) => parse_amount(&t).map(Self),
        }
    }
}

/// Parses `"100"`, `"0x64"`, or `"1e18"`-free decimal strings into a U256.
pub fn parse_amount(text: &str) -> Result<U256, String> {
    let t = text.trim().replace('_', "");
    let parsed = match t.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16),
        None => U256::from_str_radix(&t, 10),
    };
    parsed.map_err(|_| {
        format!("`{text}` is not an amount: write the smallest unit as a decimal or 0x-hex string")
    })
}

/// Why a permission file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Reading failed.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Parsing failed.
    #[error("{path} is not a valid permission file: {reason}\n(see README.md, \"Permission files\", for the format)")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message, with its line and column.
        reason: String,
    },
    /// `[window]` is contradictory.
    #[error("[window] needs exactly one of `valid-until` and `expires-in`")]
    Window,
    /// A `[[params]]` rule cannot be read.
    #[error("[[params]] for {target}: {reason}")]
    Params {
        /// Its contract.
        target: Address,
        /// What is wrong.
        reason: String,
    },
    /// `[[custom]]` has both raw install data and values.
    #[error("[[custom]] for {0} gives `install-data` and `types`/`values`; give one of them")]
    CustomData(Address),
    /// `[usage]` has a count per period without a period, or the reverse.
    #[error("[usage] needs `max-per-period` and `period` together (or neither, with `max`)")]
    UsagePeriod,
}

impl PermissionFile {
    /// Reads a `.toml` or `.json` file (by extension; anything else is
    /// tried as TOML, then JSON).
    pub fn read(path: &Path) -> Result<Self, FileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let is_json = path.extension().is_some_and(|e| e == "json")
            || (path.extension().is_none_or(|e| e != "toml") && text.trim_start().starts_with('{'));
        Self::parse(&text, is_json).map_err(|reason| FileError::Parse {
            path: shown,
            reason,
        })
    }

    /// Parses TOML or JSON text.
    pub fn parse(text: &str, json: bool) -> Result<Self, String> {
        if json {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            toml::from_str(text).map_err(|e| e.to_string())
        }
    }

    /// The [`PermissionSet`], with `expires-in` counted from `now` (the
    /// chain's time). The set is not checked here: see
    /// [`PermissionSet::check`].
    pub fn to_set(&self, now: u64) -> Result<PermissionSet, FileError> {
        let mut set = PermissionSet::new();
        if let Some(hooks) = self.hooks {
            set.role = hooks.into();
        }
        if self.enforcement == Some(EnforcementKey::Modules) {
            set = set.with_modules();
        }
        if self.root {
            set = set.root();
        }
        if self.signatures {
            set = set.signatures();
        }
        if let Some(window) = &self.window {
            let valid_until = match (window.valid_until, window.expires_in) {
                (Some(until), None) => until,
                (None, Some(secs)) => now.saturating_add(secs),
                _ => return Err(FileError::Window),
            };
            set = set.time_window(window.valid_after.unwrap_or(0), valid_until);
        }
        if !self.contracts.is_empty() {
            set = set.contracts(self.contracts.iter().copied());
        }
        for rule in &self.functions {
            set = set.with(match rule.target {
                Target::Any => Permission::FunctionsOnAnyContract(rule.selectors.clone()),
                Target::Contract(target) => Permission::Functions {
                    target,
                    selectors: rule.selectors.clone(),
                },
            });
        }
        for limit in &self.limits {
            set = set.with(match limit.token {
                Token::Native => Permission::NativeLimit {
                    limit: limit.amount.0,
                    period: limit.period,
                },
                Token::Erc20(token) => Permission::Erc20Limit {
                    token,
                    limit: limit.amount.0,
                    period: limit.period,
                },
            });
        }
        if let Some(budget) = self.gas_budget {
            set = set.gas_budget(budget.0);
        }
        if !self.sponsoring_paymasters.is_empty() {
            set = set.sponsoring_paymasters(self.sponsoring_paymasters.iter().copied());
        }
        if let Some(usage) = &self.usage {
            let per_period = match (usage.max_per_period, usage.period) {
                (Some(n), Some(period)) => Some((n, period)),
                (None, None) => None,
                _ => return Err(FileError::UsagePeriod),
            };
            set = set.usage_limit(usage.count, usage.max, per_period);
        }
        if let Some(guard) = &self.paymasters {
            set = set.paymasters(
                guard.allowed.iter().copied(),
                guard.self_paid,
                guard.sponsoring,
            );
        }
        for params in &self.params {
            let rule =
                ParamRule::parse(params.target, &params.function, &params.rules).map_err(|e| {
                    FileError::Params {
                        target: params.target,
                        reason: e.to_string(),
                    }
                })?;
            set = set.params(rule);
        }
        for custom in &self.custom {
            let install = match &custom.install_data {
                Some(_) if !custom.types.is_empty() || !custom.values.is_empty() => {
                    return Err(FileError::CustomData(custom.module))
                }
                Some(bytes) => CustomInstall::Raw(bytes.clone()),
                None => CustomInstall::Abi {
                    types: custom.types.clone(),
                    values: custom.values.clone(),
                },
            };
            let role = custom.hook.map(HookRole::from);
            set = set.custom_hook(custom.module, role, install);
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
hooks = "execution"
contracts = ["0x1111111111111111111111111111111111111111"]
gas-budget = "0x2386f26fc10000"

[window]
valid-after = 10
expires-in = 3600

[[functions]]
target = "0x1111111111111111111111111111111111111111"
selectors = ["increment()", "0xa9059cbb", "value-transfer"]

[[limits]]
token = "native"
amount = "1000"
period = 86400

[[limits]]
token = "0x7070707070707070707070707070707070707070"
amount = 5
"#;

    #[test]
    fn toml_and_json_give_the_same_set() {
        let toml = PermissionFile::parse(TOML, false)
            .unwrap()
            .to_set(100)
            .unwrap();
        let json = r#"{"hooks": "execution",
            "contracts": ["0x1111111111111111111111111111111111111111"],
            "gas-budget": "10000000000000000",
            "window": {"valid-after": 10, "expires-in": 3600},
            "functions": [{"target": "0x1111111111111111111111111111111111111111",
                           "selectors": ["increment()", "0xa9059cbb", "value-transfer"]}],
            "limits": [{"token": "native", "amount": "1000", "period": 86400},
                       {"token": "0x7070707070707070707070707070707070707070", "amount": 5}]}"#;
        let json = PermissionFile::parse(json, true)
            .unwrap()
            .to_set(100)
            .unwrap();
        assert_eq!(toml, json);
        assert_eq!(toml.role, HookRole::Execution);
        assert_eq!(toml.expiry(), Some(3700));
        assert_eq!(toml.permissions.len(), 6);
        assert!(toml
            .permissions
            .contains(&Permission::GasBudget(U256::from(10u64.pow(16)))));
        toml.check(Address::repeat_byte(0xAC), 100).unwrap();
        assert!(!toml.signs(), "signing is off unless the file says so");
        let signing = PermissionFile::parse(&format!("signatures = true\n{TOML}"), false)
            .unwrap()
            .to_set(100)
            .unwrap();
        assert!(signing.signs());
        assert!(signing.permissions.contains(&Permission::Signatures));
        // The session policy unless the file asks for the modules.
        assert_eq!(toml.enforcement, crate::Enforcement::Policy);
        let granular = PermissionFile::parse(&format!("enforcement = \"modules\"\n{TOML}"), false)
            .unwrap()
            .to_set(100)
            .unwrap();
        assert_eq!(granular.enforcement, crate::Enforcement::Modules);
        assert!(PermissionFile::parse("enforcement = \"both\"", false)
            .unwrap_err()
            .contains("unknown variant"));
    }

    #[test]
    fn malformed_files_say_where() {
        for (text, json, needle) in [
            ("hooks = \"sometimes\"", false, "unknown variant"),
            ("contract = []", false, "unknown field `contract`"),
            (
                "[[functions]]\ntarget = \"0x12\"\nselectors = []",
                false,
                "neither a 0x-address",
            ),
            (
                "[[functions]]\ntarget = \"any\"\nselectors = [\"transfer\"]",
                false,
                "unknown selector `transfer`",
            ),
            (
                "[[limits]]\ntoken = \"native\"\namount = \"ten\"",
                false,
                "not an amount",
            ),
            ("{\"root\": tru}", true, "line 1"),
            ("contracts = [", false, "line 1"),
        ] {
            let err = PermissionFile::parse(text, json).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
        let both = "[window]\nvalid-until = 5\nexpires-in = 5";
        let file = PermissionFile::parse(both, false).unwrap();
        assert!(matches!(file.to_set(0), Err(FileError::Window)));
    }
}

#[cfg(test)]
mod usage_tests {
    use super::*;

    #[test]
    fn the_usage_table_becomes_a_usage_limit() {
        let file = PermissionFile::parse(
            "[usage]\ncount = \"calls\"\nmax = 100\nmax-per-period = 10\nperiod = 86400\n",
            false,
        )
        .unwrap();
        let set = file.to_set(0).unwrap();
        assert_eq!(
            set.permissions,
            vec![Permission::UsageLimit {
                unit: UsageUnit::Calls,
                lifetime: Some(100),
                per_period: Some((10, 86_400)),
            }]
        );
        let json = PermissionFile::parse(r#"{"usage": {"max": 3}}"#, true).unwrap();
        assert_eq!(
            json.to_set(0).unwrap().permissions,
            vec![Permission::UsageLimit {
                unit: UsageUnit::Operations,
                lifetime: Some(3),
                per_period: None,
            }]
        );
    }

    #[test]
    fn the_paymasters_table_becomes_a_guard() {
        let file = PermissionFile::parse(
            "[paymasters]\nallowed = [\"0x4444444444444444444444444444444444444444\"]\nsponsoring = true\n",
            false,
        )
        .unwrap();
        assert_eq!(
            file.to_set(0).unwrap().permissions,
            vec![Permission::Paymasters {
                paymasters: vec![Address::repeat_byte(0x44)],
                self_paid: false,
                sponsoring: true,
            }]
        );
    }

    #[test]
    fn the_custom_tables_become_custom_hooks() {
        let file = PermissionFile::parse(
            r#"
hooks = "execution"
[[custom]]
module = "0x5555555555555555555555555555555555555555"
types = ["uint32", "uint256"]
values = ["entity", "1000000"]
[[custom]]
module = "0x6666666666666666666666666666666666666666"
hook = "validation"
install-data = "0x0102"
"#,
            false,
        )
        .unwrap();
        let set = file.to_set(0).unwrap();
        assert_eq!(
            set.permissions,
            vec![
                Permission::CustomHook {
                    module: Address::repeat_byte(0x55),
                    role: None,
                    install: CustomInstall::Abi {
                        types: vec!["uint32".into(), "uint256".into()],
                        values: vec!["entity".into(), "1000000".into()],
                    },
                },
                Permission::CustomHook {
                    module: Address::repeat_byte(0x66),
                    role: Some(HookRole::Validation),
                    install: CustomInstall::Raw(vec![1, 2].into()),
                },
            ]
        );
        let both = PermissionFile::parse(
            "[[custom]]\nmodule = \"0x5555555555555555555555555555555555555555\"\ninstall-data = \"0x01\"\ntypes = [\"uint8\"]\nvalues = [\"1\"]\n",
            false,
        )
        .unwrap();
        let err = both.to_set(0).unwrap_err();
        assert!(matches!(err, FileError::CustomData(_)), "{err}");
        assert!(err.to_string().contains("give one of them"));
    }

    #[test]
    fn the_params_tables_become_parameter_rules() {
        let file = PermissionFile::parse(
            r#"
[[params]]
target = "0x1111111111111111111111111111111111111111"
function = "transfer(address to,uint256 amount)"
rules = ["amount <= 100e6", "sum(amount) <= 1000e6 per week"]

[[params]]
target = "0x1111111111111111111111111111111111111111"
function = "safeBatchTransferFrom(address from,address to,uint256[] ids,uint256[] amounts,bytes data)"
rules = ["ids[*] in [1, 2]", "sum(amounts[*]) <= 25 per day"]
"#,
            false,
        )
        .unwrap();
        let set = file.to_set(0).unwrap();
        let [Permission::Params(rule), Permission::Params(batch)] = &set.permissions[..] else {
            panic!("{:?}", set.permissions)
        };
        assert_eq!(rule.target, Address::repeat_byte(0x11));
        assert_eq!((rule.conditions.len(), rule.totals.len()), (1, 1));
        assert_eq!(rule.totals[0].period, 7 * 86_400);
        // ABI paths: every element of the ids and of the amounts.
        assert_eq!((batch.conditions[0].arg, batch.totals[0].arg), (2, 3));
        assert_eq!(
            crate::permissions::params::path_text(&batch.totals[0].path),
            "deref [*]"
        );
        let bad = PermissionFile::parse(
            "[[params]]\ntarget = \"0x1111111111111111111111111111111111111111\"\nfunction = \"transfer(address to,uint256 amount)\"\nrules = [\"value <= 1\"]\n",
            false,
        )
        .unwrap();
        let err = bad.to_set(0).unwrap_err();
        assert!(matches!(err, FileError::Params { .. }), "{err}");
        assert!(
            err.to_string().contains("its arguments: to, amount"),
            "{err}"
        );
    }

    #[test]
    fn a_count_per_period_needs_its_period() {
        let file = PermissionFile::parse("[usage]\nmax-per-period = 10\n", false).unwrap();
        assert!(matches!(file.to_set(0), Err(FileError::UsagePeriod)));
        let typo = PermissionFile::parse("[usage]\nmax-uses = 10\n", false);
        assert!(typo.is_err(), "unknown keys are errors");
    }
}
