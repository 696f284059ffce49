//! Reading back what a session key may do, from the modules' views on a
//! chain.
//!
//! Each module keeps its state per (account, entity id), and each has a
//! view that takes the account as an argument, so a key's permissions can
//! be read by anyone, from any address, without the key:
//!
//! | module | view |
//! |---|---|
//! | session-signer | `signers(entityId, account)`, `passkey(entityId, account)` |
//! | time-window | `getTimeWindow(account, entityId)` |
//! | contract-allowlist | `getTargets(account, entityId)` |
//! | selector-allowlist | `getRules(account, entityId)` |
//! | spending-limit | `getLimitedTokens`, `getSpendLimit`, `getGasBudget`, `getSponsors` |
//! | usage-limit (or session-rules) | `getUsageLimit(account, entityId)` |
//! | paymaster-guard (or session-rules) | `getPaymasterGuard(account, entityId)` |
//! | param-rules (or session-rules) | `getParamRules(account, entityId)` |
//!
//! [`validation_view`] reads the account's side: ERC-6900's
//! `getValidationData` (flags, hooks, selectors), in v2.0.x's layout or the
//! pre-release one.
//!
//! A module that is not installed for the key answers `NotInstalled` or an
//! empty list, which reads back as "no such permission"; the account's
//! ERC-6900 `getValidationData` says which hooks the key has.

use alloy_primitives::{Address, FixedBytes, B256, U256};
use alloy_sol_types::{SolCall, SolInterface};
use permission_core::path::Path;
use serde::Serialize;

use crate::abi::{
    IContractAllowlistModule, IParamRulesModule, IPaymasterGuardModule, IReferenceAccount,
    ISelectorAllowlistModule, ISessionSignerModule, ISpendingLimitModule, ITimeWindowModule,
    IUsageLimitModule,
};
use crate::chain::{Chain, ChainError};
use crate::encode::module_entity;
use crate::modules::Modules;
use crate::session::Enforcement;

/// Why a key could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// The chain failed.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A view reverted with something other than `NotInstalled`, or
    /// answered something that does not decode: probably not our module.
    #[error("{module} at {address} answered `{what}` unexpectedly: {reason}. Is this the right module address (see deployments/<chain-id>.json)?")]
    Unexpected {
        /// The module's name.
        module: &'static str,
        /// Its address.
        address: Address,
        /// The view.
        what: &'static str,
        /// What it said.
        reason: String,
    },
    /// Every entity id [`free_entity_id`] read was in use.
    #[error("entity ids {first}..={last} on {account} are all in use ({validations} with a validation in the account's view, {signers_only} with only session-signer state); pick a higher id with --entity-id, or revoke keys first")]
    NoFreeEntityId {
        /// The account.
        account: Address,
        /// The first id read.
        first: u32,
        /// The last id read.
        last: u32,
        /// How many had a validation in the account's view.
        validations: u32,
        /// How many had only session-signer state.
        signers_only: u32,
    },
}

/// Who signs for the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum KeySigner {
    /// An EOA or ERC-1271 signer.
    Address {
        /// Its address.
        address: Address,
    },
    /// A P-256 passkey.
    Passkey {
        /// x.
        x: U256,
        /// y.
        y: U256,
    },
}

/// One token limit as the module holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitState {
    /// The token (0 = native coin).
    pub token: Address,
    /// The limit per period.
    pub limit: U256,
    /// The period in seconds (0 = lifetime).
    pub period: u64,
    /// Spent in the current period.
    pub spent: U256,
    /// Left in the current period.
    pub remaining: U256,
}

/// The gas budget as the module holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GasBudgetState {
    /// The budget in wei.
    pub limit: U256,
    /// Spent.
    pub spent: U256,
    /// Left.
    pub remaining: U256,
}

/// The usage limit as the module holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageState {
    /// What counts.
    pub unit: crate::permissions::UsageUnit,
    /// Uses over the key's life (0: no lifetime limit).
    pub lifetime_limit: u32,
    /// Used so far.
    pub lifetime_used: u32,
    /// Uses per period (0: no periodic limit).
    pub period_limit: u32,
    /// The period in seconds.
    pub period: u32,
    /// Used in the current period.
    pub period_used: u32,
}

/// The paymaster guard as the module holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymasterGuardState {
    /// Whether an operation without a paymaster (the account pays) passes.
    pub allow_self_paid: bool,
    /// The allowed paymasters.
    pub paymasters: Vec<Address>,
}

/// One condition on a call's argument, as param-rules holds it (a list is
/// one condition per value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamConditionState {
    /// The contract.
    pub target: Address,
    /// The function's selector, as `0x…` hex.
    pub selector: String,
    /// The argument's head-word index.
    pub arg: u16,
    /// The ABI path from it (`deref [*]`…), empty for the head word.
    pub path: String,
    /// `==`, `!=`, `<`, `<=`, `>`, `>=` or `in` (one of a list).
    pub op: &'static str,
    /// The argument's width in bits.
    pub bits: u16,
    /// The value it is compared with, as an ABI word.
    pub value: B256,
}

/// A running total of a call's argument, as param-rules holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamTotalState {
    /// The contract.
    pub target: Address,
    /// The function's selector, as `0x…` hex.
    pub selector: String,
    /// The argument's head-word index.
    pub arg: u16,
    /// The ABI path from it, empty for the head word.
    pub path: String,
    /// The most it may sum to, per period or over the key's life.
    pub limit: U256,
    /// The period in seconds (0 = lifetime).
    pub period: u32,
    /// Summed in the current period.
    pub spent: U256,
    /// Left in the current period.
    pub remaining: U256,
}

/// A key's parameter rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamRulesState {
    /// The conditions, grouped by function.
    pub conditions: Vec<ParamConditionState>,
    /// The running totals.
    pub totals: Vec<ParamTotalState>,
}

/// A `(target, selector)` rule; target 0 means any contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleState {
    /// The contract, or 0 for any.
    pub target: Address,
    /// The selector, as `0x…` hex (`0x00000000`: plain value transfer).
    pub selector: String,
}

/// What a key at `entity_id` on `account` may do, as the modules say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPermissions {
    /// The account.
    pub account: Address,
    /// The key's entity id.
    pub entity_id: u32,
    /// Whether the session policy or the granular modules enforce it.
    pub enforcement: Enforcement,
    /// The signer, or `None` if no session-signer validation is at this id.
    pub signer: Option<KeySigner>,
    /// `[validAfter, validUntil]`, if the time-window hook is installed.
    pub time_window: Option<(u64, u64)>,
    /// Allowed contracts, if contract-allowlist is installed.
    pub contracts: Option<Vec<Address>>,
    /// Allowed functions, if selector-allowlist is installed.
    pub rules: Option<Vec<RuleState>>,
    /// Token limits, if spending-limit is installed.
    pub limits: Option<Vec<LimitState>>,
    /// The gas budget, if spending-limit is installed with one.
    pub gas_budget: Option<GasBudgetState>,
    /// Paymasters whose operations are not charged to the gas budget or
    /// the native limit, if spending-limit names any.
    pub sponsors: Option<Vec<Address>>,
    /// The usage limit, if usage-limit (or session-rules) is installed.
    pub usage: Option<UsageState>,
    /// The paymaster guard, if paymaster-guard (or session-rules) holds one.
    pub paymaster_guard: Option<PaymasterGuardState>,
    /// The parameter rules, if param-rules (or session-rules) holds any.
    pub params: Option<ParamRulesState>,
}

/// Whether a key can act now, as its signer and time window say. (Its
/// allowlists and limits then decide what it may do.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyStatus {
    /// No session key at this entity id (never granted, or revoked).
    NotInstalled,
    /// Its window has not opened yet.
    NotYetValid,
    /// It can act (inside its window, or it has none).
    Active,
    /// Its window has closed.
    Expired,
}

impl KeyPermissions {
    /// The key's status at `now` (unix seconds). Both bounds of the window
    /// are inclusive, and a `validUntil` of 0 means no expiry, as the
    /// time-window module and the EntryPoint read them.
    pub fn status(&self, now: u64) -> KeyStatus {
        if self.signer.is_none() {
            return KeyStatus::NotInstalled;
        }
        match self.time_window {
            Some((valid_after, _)) if now < valid_after => KeyStatus::NotYetValid,
            Some((_, valid_until)) if valid_until != 0 && now > valid_until => KeyStatus::Expired,
            _ => KeyStatus::Active,
        }
    }

    /// Whether anything at all is installed at this entity id.
    pub fn is_installed(&self) -> bool {
        self.signer.is_some()
            || self.time_window.is_some()
            || self.contracts.is_some()
            || self.rules.is_some()
            || self.limits.is_some()
            || self.usage.is_some()
            || self.paymaster_guard.is_some()
            || self.params.is_some()
    }
}

/// Calls a view; `Ok(None)` if the module reverts `NotInstalled`.
fn view<C: SolCall, E: SolInterface>(
    chain: &mut dyn Chain,
    module: &'static str,
    address: Address,
    what: &'static str,
    call: C,
    not_installed: impl Fn(&E) -> bool,
) -> Result<Option<C::Return>, InspectError> {
    let answer = chain.call(Address::ZERO, address, call.abi_encode().into())?;
    let unexpected = |reason: String| InspectError::Unexpected {
        module,
        address,
        what,
        reason,
    };
    if !answer.success {
        return match E::abi_decode(&answer.output) {
            Ok(e) if not_installed(&e) => Ok(None),
            _ => Err(unexpected(crate::describe(&answer.output))),
        };
    }
    C::abi_decode_returns(&answer.output)
        .map(Some)
        .map_err(|e| unexpected(e.to_string()))
}

/// Reads every module's view for the key (see the module docs).
pub fn inspect(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
) -> Result<KeyPermissions, InspectError> {
    let view = validation_view(chain, modules, account, entity_id)?;
    inspect_with_view(chain, modules, account, entity_id, view.as_ref())
}

/// [`inspect`] for a caller that has already read the account's view of
/// the validation (`None`: the account does not answer it), which says
/// whether the session policy or the modules enforce the key.
pub fn inspect_with_view(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
    account_view: Option<&ValidationView>,
) -> Result<KeyPermissions, InspectError> {
    use IContractAllowlistModule::IContractAllowlistModuleErrors as CaErr;
    use ISelectorAllowlistModule::ISelectorAllowlistModuleErrors as SaErr;
    use ISessionSignerModule::ISessionSignerModuleErrors as SsErr;
    use ISpendingLimitModule::ISpendingLimitModuleErrors as SlErr;

    let signer = signer_of(chain, modules, account, entity_id)?;

    // A key enforced by the session policy: every rule's view is the
    // policy's (the same ABI as the module's).
    let enforcement = match account_view {
        Some(account_view)
            if account_view
                .hooks
                .iter()
                .any(|h| h.address == modules.session_policy) =>
        {
            Enforcement::Policy
        }
        _ => Enforcement::Modules,
    };
    let source = |name: &'static str, module: Address| match enforcement {
        Enforcement::Policy => ("session-policy", modules.session_policy),
        Enforcement::Modules => (name, module),
    };
    let time_window = source("time-window", modules.time_window);
    let contract_allowlist = source("contract-allowlist", modules.contract_allowlist);
    let selector_allowlist = source("selector-allowlist", modules.selector_allowlist);
    let spending_limit = source("spending-limit", modules.spending_limit);

    let window = view::<_, SsErr>(
        chain,
        time_window.0,
        time_window.1,
        "getTimeWindow",
        ITimeWindowModule::getTimeWindowCall {
            account,
            entityId: entity_id,
        },
        |_| false,
    )?
    .and_then(|w| w.installed.then(|| (w.validAfter.to(), w.validUntil.to())));

    let contracts = view::<_, CaErr>(
        chain,
        contract_allowlist.0,
        contract_allowlist.1,
        "getTargets",
        IContractAllowlistModule::getTargetsCall {
            account,
            entityId: entity_id,
        },
        |e| matches!(e, CaErr::NotInstalled(_)),
    )?;

    let rules = view::<_, SaErr>(
        chain,
        selector_allowlist.0,
        selector_allowlist.1,
        "getRules",
        ISelectorAllowlistModule::getRulesCall {
            account,
            entityId: entity_id,
        },
        |e| matches!(e, SaErr::NotInstalled(_)),
    )?
    .map(|rules| {
        rules
            .into_iter()
            .map(|r| RuleState {
                target: r.target,
                selector: r.selector.to_string(),
            })
            .collect()
    });

    let tokens = view::<_, SlErr>(
        chain,
        spending_limit.0,
        spending_limit.1,
        "getLimitedTokens",
        ISpendingLimitModule::getLimitedTokensCall {
            account,
            entityId: entity_id,
        },
        |e| matches!(e, SlErr::NotInstalled(_)),
    )?;
    let (limits, gas_budget, sponsors) = match tokens {
        None => (None, None, None),
        Some(tokens) => {
            let mut limits = Vec::new();
            for token in tokens {
                let l = view::<_, SlErr>(
                    chain,
                    spending_limit.0,
                    spending_limit.1,
                    "getSpendLimit",
                    ISpendingLimitModule::getSpendLimitCall {
                        account,
                        entityId: entity_id,
                        token,
                    },
                    |_| false,
                )?
                .ok_or(InspectError::Unexpected {
                    module: spending_limit.0,
                    address: spending_limit.1,
                    what: "getSpendLimit",
                    reason: "no answer for a listed token".into(),
                })?;
                limits.push(LimitState {
                    token,
                    limit: l.limit,
                    period: l.period.to(),
                    spent: l.spent,
                    remaining: l.remaining,
                });
            }
            let gas = view::<_, SlErr>(
                chain,
                spending_limit.0,
                spending_limit.1,
                "getGasBudget",
                ISpendingLimitModule::getGasBudgetCall {
                    account,
                    entityId: entity_id,
                },
                |e| matches!(e, SlErr::NotInstalled(_)),
            )?
            .and_then(|g| {
                g.enabled.then_some(GasBudgetState {
                    limit: g.limit,
                    spent: g.spent,
                    remaining: g.remaining,
                })
            });
            let sponsors = view::<_, SlErr>(
                chain,
                spending_limit.0,
                spending_limit.1,
                "getSponsors",
                ISpendingLimitModule::getSponsorsCall {
                    account,
                    entityId: entity_id,
                },
                |e| matches!(e, SlErr::NotInstalled(_)),
            )?;
            (Some(limits), gas, sponsors)
        }
    };

    // The usage limit lives in session-rules beside the policy, or in its
    // module.
    let usage_source = match account_view {
        Some(v) if v.hooks.iter().any(|h| h.address == modules.session_rules) => {
            ("session-rules", modules.session_rules)
        }
        _ => ("usage-limit", modules.usage_limit),
    };
    let usage = view::<_, IUsageLimitModule::IUsageLimitModuleErrors>(
        chain,
        usage_source.0,
        usage_source.1,
        "getUsageLimit",
        IUsageLimitModule::getUsageLimitCall {
            account,
            entityId: entity_id,
        },
        |_| false,
    )?
    .filter(|u| u.installed)
    .map(|u| UsageState {
        unit: if u.unit == permission_core::install::COUNT_CALLS {
            crate::permissions::UsageUnit::Calls
        } else {
            crate::permissions::UsageUnit::Operations
        },
        lifetime_limit: u.lifetimeLimit,
        lifetime_used: u.lifetimeUsed,
        period_limit: u.periodLimit,
        period: u.period,
        period_used: u.periodUsed,
    });

    let guard_source = match usage_source.0 {
        "session-rules" => usage_source,
        _ => ("paymaster-guard", modules.paymaster_guard),
    };
    let paymaster_guard = view::<_, IPaymasterGuardModule::IPaymasterGuardModuleErrors>(
        chain,
        guard_source.0,
        guard_source.1,
        "getPaymasterGuard",
        IPaymasterGuardModule::getPaymasterGuardCall {
            account,
            entityId: entity_id,
        },
        |_| false,
    )?
    // session-rules answers `installed` for the key; a guard it holds has a
    // paymaster or lets the account pay.
    .filter(|g| g.installed && (g.allowSelfPaid || !g.paymasters.is_empty()))
    .map(|g| PaymasterGuardState {
        allow_self_paid: g.allowSelfPaid,
        paymasters: g.paymasters,
    });

    // session-rules holds a key's parameter rules unless one follows an ABI
    // path; then (and with the modules) param-rules holds them all.
    let mut sources = vec![("param-rules", modules.param_rules)];
    if usage_source.0 == "session-rules" {
        sources.insert(0, usage_source);
    }
    let mut params = None;
    for (name, address) in sources {
        params = view::<_, IParamRulesModule::IParamRulesModuleErrors>(
            chain,
            name,
            address,
            "getParamRules",
            IParamRulesModule::getParamRulesCall {
                account,
                entityId: entity_id,
            },
            |_| false,
        )?
        .filter(|p| p.installed && !(p.conditions.is_empty() && p.totals.is_empty()));
        if params.is_some() {
            break;
        }
    }
    let params = params.map(|p| ParamRulesState {
        conditions: p
            .conditions
            .into_iter()
            .map(|c| ParamConditionState {
                target: c.target,
                selector: c.selector.to_string(),
                arg: c.arg,
                path: crate::permissions::params::path_text(&Path(c.path)),
                op: crate::permissions::params::op_text(c.op),
                bits: c.bits,
                value: c.value,
            })
            .collect(),
        totals: p
            .totals
            .into_iter()
            .zip(p.spent)
            .map(|(t, spent)| ParamTotalState {
                target: t.target,
                selector: t.selector.to_string(),
                arg: t.arg,
                path: crate::permissions::params::path_text(&Path(t.path)),
                limit: t.limit,
                period: t.period,
                spent,
                remaining: t.limit.saturating_sub(spent),
            })
            .collect(),
    });

    // The list views answer an empty list for a key without that hook (they
    // take any account and entity id): read empty as "no such permission".
    // The account's own view (`getValidationData`) says which hooks exist.
    Ok(KeyPermissions {
        account,
        entity_id,
        enforcement,
        signer,
        time_window: window,
        contracts: contracts.filter(|c| !c.is_empty()),
        rules: rules.filter(|r: &Vec<RuleState>| !r.is_empty()),
        limits: limits.filter(|l: &Vec<LimitState>| !l.is_empty()),
        gas_budget,
        sponsors: sponsors.filter(|s| !s.is_empty()),
        usage,
        paymaster_guard,
        params,
    })
}

/// Who signs for the key at `entity_id` (the session-signer's
/// `signers`, then `passkey`), or `None` if no key is there.
pub fn signer_of(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
) -> Result<Option<KeySigner>, InspectError> {
    use ISessionSignerModule::ISessionSignerModuleErrors as SsErr;
    let address = view::<_, SsErr>(
        chain,
        "session-signer",
        modules.session_signer,
        "signers",
        ISessionSignerModule::signersCall {
            entityId: entity_id,
            account,
        },
        |_| false,
    )?
    .unwrap_or_default();
    if address != Address::ZERO {
        return Ok(Some(KeySigner::Address { address }));
    }
    let key = view::<_, SsErr>(
        chain,
        "session-signer",
        modules.session_signer,
        "passkey",
        ISessionSignerModule::passkeyCall {
            entityId: entity_id,
            account,
        },
        |_| false,
    )?;
    Ok(key.and_then(|k| {
        (!k.x.is_zero() || !k.y.is_zero()).then_some(KeySigner::Passkey { x: k.x, y: k.y })
    }))
}

/// One hook of a validation, as the account lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HookView {
    /// The module's name, if it is one of ours.
    pub module: String,
    /// Its address.
    pub address: Address,
    /// The hook's entity id.
    pub entity_id: u32,
    /// `validation` or `execution`.
    pub role: &'static str,
}

/// The account's view of a validation (ERC-6900 `getValidationData`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationView {
    /// The flags byte (`FLAG_*`), as v2.0.x answers it.
    pub validation_flags: u8,
    /// It may call every globally allowed function.
    pub is_global: bool,
    /// It validates ERC-1271 signatures.
    pub is_signature_validation: bool,
    /// It validates user operations.
    pub is_user_op_validation: bool,
    /// The layout the account answered in.
    pub layout: ViewLayout,
    /// The hooks, validation hooks first, each in install order.
    pub hooks: Vec<HookView>,
    /// The selectors it may call, as 0x-hex.
    pub selectors: Vec<String>,
}

impl ValidationView {
    /// Whether the account has a validation at this entity id.
    pub fn is_installed(&self) -> bool {
        self.is_global
            || self.is_signature_validation
            || self.is_user_op_validation
            || !self.hooks.is_empty()
            || !self.selectors.is_empty()
    }
}

fn hook_view(modules: &Modules, hook: &FixedBytes<25>, role: &'static str) -> HookView {
    let address = Address::from_slice(&hook[..20]);
    let entity_id = u32::from_be_bytes([hook[20], hook[21], hook[22], hook[23]]);
    HookView {
        module: modules.name_of(address).unwrap_or("unknown module").into(),
        address,
        entity_id,
        role,
    }
}

/// `getValidationData(session-signer ‖ entityId)` on `account`; `None`
/// if the account does not answer it (not an ERC-6900 v0.8 account).
/// Accounts find the validation by its entity id (as MAv2 does), so this
/// also shows a validation of another module at that id.
///
/// Reads both layouts of the answer ([`decode_validation_view`]).
pub fn validation_view(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
) -> Result<Option<ValidationView>, InspectError> {
    let call = IReferenceAccount::getValidationDataCall {
        validationFunction: module_entity(modules.session_signer, entity_id),
    };
    let answer = chain.call(Address::ZERO, account, call.abi_encode().into())?;
    if !answer.success {
        return Ok(None);
    }
    Ok(decode_validation_view(modules, &answer.output))
}

/// Which layout of `ValidationDataView` an account answered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ViewLayout {
    /// ERC-6900 v0.8.0 final and MAv2 v2.0.x: `uint8 validationFlags`.
    FlagsByte,
    /// MAv2's pre-release source and ERC-6900 v0.8's release candidates:
    /// `bool isGlobal, bool isSignatureValidation, bool isUserOpValidation`.
    ThreeBools,
}

/// Decodes a `getValidationData` answer in either layout; `None` if it is
/// neither.
///
/// The two layouts share a selector and can both decode the same bytes
/// loosely (a flags word read as a bool, an array offset read as a flag),
/// so each is decoded strictly and must re-encode to exactly the bytes
/// answered: a Solidity account's canonical encoding matches one layout
/// only. The flags byte's unused bits (0xF8) are ignored, as accounts
/// ignore them.
pub fn decode_validation_view(modules: &Modules, output: &[u8]) -> Option<ValidationView> {
    use crate::abi::IPreReleaseModularAccountView as PreRelease;
    type Current = IReferenceAccount::getValidationDataCall;
    type Old = PreRelease::getValidationDataCall;

    let (layout, flags, validation_hooks, execution_hooks, selectors) =
        match Current::abi_decode_returns_validate(output) {
            Ok(view) if Current::abi_encode_returns(&view) == output => (
                ViewLayout::FlagsByte,
                view.validationFlags,
                view.validationHooks,
                view.executionHooks,
                view.selectors,
            ),
            _ => {
                let view = Old::abi_decode_returns_validate(output).ok()?;
                if Old::abi_encode_returns(&view) != output {
                    return None;
                }
                let flags = (u8::from(view.isGlobal) << 2)
                    | (u8::from(view.isSignatureValidation) << 1)
                    | u8::from(view.isUserOpValidation);
                (
                    ViewLayout::ThreeBools,
                    flags,
                    view.validationHooks,
                    view.executionHooks,
                    view.selectors,
                )
            }
        };
    let mut hooks: Vec<HookView> = validation_hooks
        .iter()
        .map(|h| hook_view(modules, h, "validation"))
        .collect();
    hooks.extend(
        execution_hooks
            .iter()
            .map(|h| hook_view(modules, h, "execution")),
    );
    Some(ValidationView {
        validation_flags: flags & (FLAG_GLOBAL | FLAG_SIGNATURE | FLAG_USER_OP),
        is_global: flags & FLAG_GLOBAL != 0,
        is_signature_validation: flags & FLAG_SIGNATURE != 0,
        is_user_op_validation: flags & FLAG_USER_OP != 0,
        layout,
        hooks,
        selectors: selectors.iter().map(ToString::to_string).collect(),
    })
}

/// `validationFlags` bit: it may call every globally allowed function.
pub const FLAG_GLOBAL: u8 = 0x04;
/// `validationFlags` bit: it validates ERC-1271 signatures.
pub const FLAG_SIGNATURE: u8 = 0x02;
/// `validationFlags` bit: it validates user operations.
pub const FLAG_USER_OP: u8 = 0x01;

/// The per-hook signature segments a key's user operation must carry at
/// the chain's time `now`, for `hooks` (its validation's, as
/// [`validation_view`] lists them), in hook order. A hook that counts or
/// charges a period in validation takes `abi.encode(uint48 now)`, so that
/// it does so in the period `now` falls in (the EntryPoint then confines
/// the operation to that period):
/// - the session policy and session-rules, always (they charge and count
///   every periodic limit in validation);
/// - usage-limit and param-rules, always (a periodic total is charged in
///   validation);
/// - spending-limit, when the key's native limit has a period (it charges
///   the operation's gas there).
///
/// Empty when no hook needs data.
pub fn hook_segments(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    hooks: &[HookView],
    now: u64,
) -> Result<Vec<(u8, Vec<u8>)>, InspectError> {
    use ISpendingLimitModule::ISpendingLimitModuleErrors as SlErr;

    let hint = || U256::from(now).to_be_bytes::<32>().to_vec();
    let mut segments = Vec::new();
    for (index, hook) in hooks.iter().filter(|h| h.role == "validation").enumerate() {
        let always = [
            modules.session_policy,
            modules.session_rules,
            modules.usage_limit,
            modules.param_rules,
        ];
        let needs_hint = if always.contains(&hook.address) {
            true
        } else if hook.address == modules.spending_limit {
            let native = view::<_, SlErr>(
                chain,
                "spending-limit",
                modules.spending_limit,
                "getSpendLimit",
                ISpendingLimitModule::getSpendLimitCall {
                    account,
                    entityId: hook.entity_id,
                    token: Address::ZERO,
                },
                |e| matches!(e, SlErr::NotInstalled(_)),
            )?;
            native.is_some_and(|l| l.limited && l.period.to::<u64>() > 0)
        } else {
            false
        };
        if needs_hint {
            let index = u8::try_from(index).map_err(|_| InspectError::Unexpected {
                module: modules.name_of(hook.address).unwrap_or("a module"),
                address: hook.address,
                what: "getValidationData",
                reason: format!("validation hook {index} has no segment index (at most 254)"),
            })?;
            segments.push((index, hint()));
        }
    }
    Ok(segments)
}

/// Whether `entity_id` is used on `account`: a validation in the account's
/// view (when it has one), or session-signer state.
pub fn entity_id_taken(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
) -> Result<bool, InspectError> {
    Ok(view_if_taken(chain, modules, account, entity_id)?.0)
}

/// [`entity_id_taken`], with the account's view it read.
fn view_if_taken(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
) -> Result<(bool, Option<ValidationView>), InspectError> {
    let view = validation_view(chain, modules, account, entity_id)?;
    let taken = view.as_ref().is_some_and(ValidationView::is_installed)
        || signer_of(chain, modules, account, entity_id)?.is_some();
    Ok((taken, view))
}

/// How many entity ids [`free_entity_id`] reads before it gives up.
pub const FREE_ID_SEARCH: u32 = 256;

/// The smallest entity id from `start` that is free on `account`: no
/// validation in the account's view (when it has one) and no
/// session-signer state (for picking a key's id; an account refuses a
/// second validation module at a used id, `ValidationEntityIdInUse`).
///
/// Reads at most [`FREE_ID_SEARCH`] ids; [`InspectError::NoFreeEntityId`]
/// says what it found when every one was used.
pub fn free_entity_id(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    start: u32,
) -> Result<u32, InspectError> {
    let mut checked = 0u32;
    let mut validations = 0u32;
    let mut signers_only = 0u32;
    let mut id = start;
    loop {
        let (taken, view) = view_if_taken(chain, modules, account, id)?;
        if !taken {
            return Ok(id);
        }
        checked += 1;
        if view.as_ref().is_some_and(ValidationView::is_installed) {
            validations += 1;
        } else {
            signers_only += 1;
        }
        match id.checked_add(1) {
            Some(next) if checked < FREE_ID_SEARCH => id = next,
            _ => {
                return Err(InspectError::NoFreeEntityId {
                    account,
                    first: start,
                    last: id,
                    validations,
                    signers_only,
                })
            }
        }
    }
}

/// How many free entity ids in a row [`session_keys`] looks past before
/// it stops.
pub const LISTING_GAP: u32 = 8;

/// One session key found on an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedKey {
    /// The account's view of its validation.
    pub account_view: ValidationView,
    /// What the modules hold for it.
    pub permissions: KeyPermissions,
}

/// The session keys of `account`: every entity id from 1 (0 is the
/// owner's) with a validation or session-signer state, until `gap` free
/// ids in a row. Keys granted by this SDK take the first free ids, so the
/// default [`LISTING_GAP`] finds them all unless many were revoked in a
/// row; look further with a larger `gap`, or at one id with [`inspect`].
pub fn session_keys(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    gap: u32,
) -> Result<Vec<ListedKey>, InspectError> {
    let mut keys = Vec::new();
    let mut free_in_a_row = 0;
    let mut id: u32 = 1;
    while free_in_a_row < gap {
        // Every module's views only for the ids in use.
        match view_if_taken(chain, modules, account, id)? {
            (true, Some(view)) => {
                free_in_a_row = 0;
                let permissions = inspect_with_view(chain, modules, account, id, Some(&view))?;
                keys.push(ListedKey {
                    account_view: view,
                    permissions,
                });
            }
            _ => free_in_a_row += 1,
        }
        match id.checked_add(1) {
            Some(next) => id = next,
            None => break,
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(window: Option<(u64, u64)>) -> KeyPermissions {
        KeyPermissions {
            account: Address::repeat_byte(1),
            entity_id: 1,
            enforcement: Enforcement::Policy,
            signer: Some(KeySigner::Address {
                address: Address::repeat_byte(2),
            }),
            time_window: window,
            contracts: None,
            rules: None,
            limits: None,
            gas_budget: None,
            sponsors: None,
            usage: None,
            paymaster_guard: None,
            params: None,
        }
    }

    use crate::abi::IPreReleaseModularAccountView as PreRelease;
    use crate::chain::{CallResult, ChainError, Receipt, TxRequest};
    use alloy_primitives::Bytes;

    const ACCOUNT: Address = Address::repeat_byte(0xAC);

    fn modules() -> Modules {
        Modules::for_tests()
    }

    fn hook(module: Address, entity_id: u32, flags: u8) -> FixedBytes<25> {
        let mut out = [0u8; 25];
        out[..20].copy_from_slice(module.as_slice());
        out[20..24].copy_from_slice(&entity_id.to_be_bytes());
        out[24] = flags;
        FixedBytes(out)
    }

    /// A v2.0.x answer.
    fn flags_byte(
        flags: u8,
        validation_hooks: Vec<FixedBytes<25>>,
        execution_hooks: Vec<FixedBytes<25>>,
        selectors: Vec<FixedBytes<4>>,
    ) -> Vec<u8> {
        IReferenceAccount::getValidationDataCall::abi_encode_returns(
            &IReferenceAccount::ValidationDataView {
                validationFlags: flags,
                validationHooks: validation_hooks,
                executionHooks: execution_hooks,
                selectors,
            },
        )
    }

    /// A pre-release answer.
    fn three_bools(
        [global, signature, user_op]: [bool; 3],
        validation_hooks: Vec<FixedBytes<25>>,
        selectors: Vec<FixedBytes<4>>,
    ) -> Vec<u8> {
        PreRelease::getValidationDataCall::abi_encode_returns(&PreRelease::ValidationDataView {
            isGlobal: global,
            isSignatureValidation: signature,
            isUserOpValidation: user_op,
            validationHooks: validation_hooks,
            executionHooks: vec![],
            selectors,
        })
    }

    #[test]
    fn a_v2_0_x_answer_decodes_as_the_flags_byte() {
        let m = modules();
        let execute = FixedBytes([0xb6, 0x1d, 0x27, 0xf6]);
        let answer = flags_byte(
            FLAG_SIGNATURE | FLAG_USER_OP,
            vec![hook(m.selector_allowlist, 1, 0x01)],
            vec![hook(m.spending_limit, 1, 0x04)],
            vec![execute],
        );
        let view = decode_validation_view(&m, &answer).expect("decodes");
        assert_eq!(view.layout, ViewLayout::FlagsByte);
        assert_eq!(view.validation_flags, 3);
        assert!(!view.is_global && view.is_signature_validation && view.is_user_op_validation);
        assert!(view.is_installed());
        let roles: Vec<_> = view
            .hooks
            .iter()
            .map(|h| (h.module.as_str(), h.role))
            .collect();
        assert_eq!(
            roles,
            vec![
                ("selector-allowlist", "validation"),
                ("spending-limit", "execution")
            ]
        );
        assert_eq!(view.selectors, vec![execute.to_string()]);
    }

    #[test]
    fn an_unused_id_in_v2_0_x_reads_as_not_installed() {
        // The bug of issue 10: the empty v2.0.x answer read in the
        // three-bool layout has two flags set (its array offsets).
        let answer = flags_byte(0, vec![], vec![], vec![]);
        let view = decode_validation_view(&modules(), &answer).expect("decodes");
        assert_eq!(view.layout, ViewLayout::FlagsByte);
        assert_eq!(view.validation_flags, 0);
        assert!(!view.is_installed());
        for flags in [FLAG_GLOBAL, FLAG_SIGNATURE, FLAG_USER_OP, 0x07] {
            let view =
                decode_validation_view(&modules(), &flags_byte(flags, vec![], vec![], vec![]))
                    .unwrap();
            assert_eq!(
                (view.layout, view.validation_flags),
                (ViewLayout::FlagsByte, flags)
            );
            assert!(view.is_installed());
        }
    }

    #[test]
    fn a_pre_release_answer_decodes_as_three_bools() {
        let m = modules();
        for bools in [
            [false; 3],
            [true, false, true],
            [false, true, false],
            [true; 3],
        ] {
            let answer = three_bools(bools, vec![hook(m.time_window, 2, 0x01)], vec![]);
            let view = decode_validation_view(&m, &answer).expect("decodes");
            assert_eq!(view.layout, ViewLayout::ThreeBools);
            assert_eq!(
                [
                    view.is_global,
                    view.is_signature_validation,
                    view.is_user_op_validation
                ],
                bools
            );
            assert_eq!(view.hooks.len(), 1);
        }
        let empty = decode_validation_view(&m, &three_bools([false; 3], vec![], vec![])).unwrap();
        assert_eq!(empty.layout, ViewLayout::ThreeBools);
        assert!(!empty.is_installed());
    }

    #[test]
    fn an_answer_in_neither_layout_is_refused() {
        let m = modules();
        assert_eq!(decode_validation_view(&m, &[]), None);
        assert_eq!(decode_validation_view(&m, &[0u8; 32]), None);
        // A non-canonical v2.0.x answer (a trailing word).
        let mut answer = flags_byte(1, vec![], vec![], vec![]);
        answer.extend_from_slice(&[0u8; 32]);
        assert_eq!(decode_validation_view(&m, &answer), None);
        // A flags word above a byte.
        let mut answer = flags_byte(1, vec![], vec![], vec![]);
        answer[62] = 1;
        assert_eq!(decode_validation_view(&m, &answer), None);
    }

    /// An account whose ids below `used` hold a validation (in the v2.0.x
    /// layout), with no session-signer state anywhere; counts the calls.
    struct Account {
        used: u64,
        calls: u32,
    }

    impl Chain for Account {
        fn describe(&self) -> String {
            "test account".into()
        }
        fn chain_id(&mut self) -> Result<u64, ChainError> {
            Ok(1)
        }
        fn timestamp(&mut self) -> Result<u64, ChainError> {
            Ok(0)
        }
        fn code(&mut self, _: Address) -> Result<Bytes, ChainError> {
            Ok(Bytes::new())
        }
        fn balance(&mut self, _: Address) -> Result<U256, ChainError> {
            Ok(U256::ZERO)
        }
        fn call(&mut self, _: Address, to: Address, data: Bytes) -> Result<CallResult, ChainError> {
            self.calls += 1;
            let output = if to == ACCOUNT {
                let call = IReferenceAccount::getValidationDataCall::abi_decode(&data)
                    .expect("only getValidationData");
                let id = u32::from_be_bytes(call.validationFunction[20..24].try_into().unwrap());
                let flags = if u64::from(id) < self.used {
                    FLAG_USER_OP
                } else {
                    0
                };
                flags_byte(flags, vec![], vec![], vec![])
            } else if data[..4] == ISessionSignerModule::passkeyCall::SELECTOR {
                vec![0u8; 64]
            } else {
                vec![0u8; 32]
            };
            Ok(CallResult {
                success: true,
                output: output.into(),
            })
        }
        fn send(&mut self, _: &crate::Key, _: TxRequest) -> Result<Receipt, ChainError> {
            Err(ChainError::Unsupported("sending"))
        }
        fn advance_time(&mut self, _: u64) -> Result<(), ChainError> {
            Err(ChainError::Unsupported("time"))
        }
    }

    #[test]
    fn the_free_id_search_finds_the_first_free_id() {
        let mut chain = Account { used: 5, calls: 0 };
        let m = modules();
        assert_eq!(free_entity_id(&mut chain, &m, ACCOUNT, 1).unwrap(), 5);
        assert_eq!(free_entity_id(&mut chain, &m, ACCOUNT, 7).unwrap(), 7);
        assert!(entity_id_taken(&mut chain, &m, ACCOUNT, 4).unwrap());
        assert!(!entity_id_taken(&mut chain, &m, ACCOUNT, 5).unwrap());
    }

    #[test]
    fn the_free_id_search_stops_after_its_bound_and_says_what_it_found() {
        let mut chain = Account {
            used: u64::MAX,
            calls: 0,
        };
        let err = free_entity_id(&mut chain, &modules(), ACCOUNT, 1).unwrap_err();
        assert!(
            matches!(
                err,
                InspectError::NoFreeEntityId {
                    account: ACCOUNT,
                    first: 1,
                    last: FREE_ID_SEARCH,
                    validations: FREE_ID_SEARCH,
                    signers_only: 0,
                }
            ),
            "{err}"
        );
        // One view per used id (a validation needs no signer read), and
        // no more.
        assert_eq!(chain.calls, FREE_ID_SEARCH);
        assert!(err
            .to_string()
            .contains("pick a higher id with --entity-id"));
        // Near the top of the range it stops at u32::MAX.
        let err = free_entity_id(&mut chain, &modules(), ACCOUNT, u32::MAX - 2).unwrap_err();
        assert!(matches!(
            err,
            InspectError::NoFreeEntityId {
                last: u32::MAX,
                validations: 3,
                ..
            }
        ));
    }

    #[test]
    fn the_status_follows_the_inclusive_window() {
        let windowed = key(Some((100, 200)));
        assert_eq!(windowed.status(99), KeyStatus::NotYetValid);
        assert_eq!(windowed.status(100), KeyStatus::Active);
        assert_eq!(windowed.status(200), KeyStatus::Active);
        assert_eq!(windowed.status(201), KeyStatus::Expired);
        // validUntil 0: no expiry.
        assert_eq!(key(Some((0, 0))).status(u64::MAX), KeyStatus::Active);
        assert_eq!(key(None).status(u64::MAX), KeyStatus::Active);
        let mut revoked = key(Some((100, 200)));
        revoked.signer = None;
        assert_eq!(revoked.status(150), KeyStatus::NotInstalled);
    }
}
