//! [`SessionKeySpec`]: a session key's validation described by what it
//! may do, turned into `installValidation` / `initialize` arguments.
//!
//! ```text
//! validation  session-signer at entityId, user-op (+ signature if granted), NOT global,
//!             selectors [execute, executeBatch]
//! hooks, in this order, all at the validation's entityId:
//!   selector-allowlist (rules)        validation hook, or execution hook (pre)
//!   time-window [after, until]        validation hook, or execution hook (pre)
//!   spending-limit (limits, budget)   validation hook with a native limit or a gas budget
//!                                     (it charges each operation's gas), and execution
//!                                     hook (pre) with limits
//! ```
//!
//! With any execution hook the account requires the `executeUserOp` prefix
//! form of the callData (`RequireUserOperationContext` otherwise).

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use permission_core::install::{
    encode_contract_allowlist, encode_paymaster_guard, encode_policy_install,
    encode_selector_allowlist, encode_spending_limit, GasBudget, SelectorRule, SpendLimit,
    TimeWindowInstall, UsageLimitInstall, CALLS_IN_EXECUTION, NATIVE_TOKEN,
};
use permission_core::params::{encode_param_rules, Condition, Total};

use crate::abi::IReferenceAccount;
use crate::encode::{
    execution_hook, hook_with_data, validation_config, validation_hook, ValidationInstall,
    HOOK_VALIDATION, VALIDATION_SIGNATURE, VALIDATION_USER_OP,
};
use crate::modules::Modules;
use crate::passkey::Passkey;

/// Who signs for the session key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignerSpec {
    /// An EOA (ECDSA, or ERC-1271 if it is a contract):
    /// `abi.encode(entityId, signer)`.
    Address(Address),
    /// A P-256 passkey: `abi.encode(entityId, address(0), x, y)`.
    Passkey {
        /// The public key's x.
        x: U256,
        /// The public key's y.
        y: U256,
    },
}

impl SignerSpec {
    /// The passkey's public key.
    pub fn passkey(key: &Passkey) -> Self {
        let (x, y) = key.xy();
        Self::Passkey { x, y }
    }

    /// The session-signer's install data, without a window (MAv2's form).
    pub fn install_data(&self, entity_id: u32) -> Bytes {
        match *self {
            Self::Address(signer) => (entity_id, signer).abi_encode_params().into(),
            Self::Passkey { x, y } => (entity_id, Address::ZERO, x, y).abi_encode_params().into(),
        }
    }

    /// The session-signer's install data carrying the key's window
    /// `[valid_after, valid_until]`: the signer then bounds validation (as
    /// validation data, so an expired key's operation is refused before it
    /// is paid for), runtime calls and ERC-1271 signatures in every hook
    /// mode. `None` is [`SignerSpec::install_data`].
    pub fn install_data_with_window(&self, entity_id: u32, window: Option<(u64, u64)>) -> Bytes {
        let Some((valid_after, valid_until)) = window else {
            return self.install_data(entity_id);
        };
        let (signer, x, y) = match *self {
            Self::Address(signer) => (signer, U256::ZERO, U256::ZERO),
            Self::Passkey { x, y } => (Address::ZERO, x, y),
        };
        (
            entity_id,
            signer,
            x,
            y,
            U256::from(valid_after),
            U256::from(valid_until),
        )
            .abi_encode_params()
            .into()
    }
}

/// spending-limit's `HookConfig`s for `limits`, `gas` and `sponsors` at
/// entity `id`: a validation role when there is a gas budget or a native
/// limit (it charges each operation's maximum gas cost), and an execution
/// role when there are limits (call value and tokens). Its state is
/// installed once: the second role gets empty install data and shares it,
/// since a second `onInstall` at the entity id would revert
/// `AlreadyInstalled`.
pub fn spending_limit_hooks(
    module: Address,
    id: u32,
    limits: &[SpendLimit],
    gas: GasBudget,
    sponsors: &[Address],
) -> Vec<Bytes> {
    let mut data = Some(encode_spending_limit(id, limits, gas, sponsors));
    let mut hooks = Vec::new();
    if charges_gas(limits, gas) {
        let install = data.take().unwrap_or_default();
        hooks.push(hook_with_data(validation_hook(module, id), &install));
    }
    if !limits.is_empty() {
        let install = data.take().unwrap_or_default();
        hooks.push(hook_with_data(
            execution_hook(module, id, true, false),
            &install,
        ));
    }
    hooks
}

/// Whether `limits` and `gas` charge each operation's maximum gas cost (a
/// gas budget, or a native limit, which counts gas too): spending-limit,
/// or the session policy, is then a validation hook.
pub fn charges_gas(limits: &[SpendLimit], gas: GasBudget) -> bool {
    gas.enabled || limits.iter().any(|l| l.token == NATIVE_TOKEN)
}

/// A key's permissions as the session policy's rules take them, in its
/// rule order; `None` leaves a rule out (an empty list is a rule that
/// allows nothing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PolicyRules<'a> {
    /// time-window's `[valid_after, valid_until]`.
    pub window: Option<(u64, u64)>,
    /// contract-allowlist's targets.
    pub targets: Option<&'a [Address]>,
    /// selector-allowlist's rules.
    pub rules: Option<&'a [SelectorRule]>,
    /// spending-limit's limits, gas budget and sponsoring paymasters.
    pub spending: Option<(&'a [SpendLimit], GasBudget, &'a [Address])>,
}

/// The session policy's `HookConfig`s for `rules` at entity `id`. In the
/// validation role one validation hook enforces everything, limits charged
/// in validation. In the execution role the policy is a pre execution hook
/// that checks and charges the calls there (`CALLS_IN_EXECUTION`), and also
/// a validation hook (empty install data: one state) when the operation's
/// gas is charged ([`charges_gas`]).
pub fn policy_hooks(
    module: Address,
    id: u32,
    role: HookRole,
    rules: &PolicyRules<'_>,
) -> Vec<Bytes> {
    let flags = match role {
        HookRole::Validation => 0,
        HookRole::Execution => CALLS_IN_EXECUTION,
    };
    let entries = [
        rules.window.map(|(valid_after, valid_until)| {
            TimeWindowInstall {
                entity_id: id,
                valid_after,
                valid_until,
            }
            .encode()
        }),
        rules
            .targets
            .map(|targets| encode_contract_allowlist(id, targets)),
        rules.rules.map(|list| encode_selector_allowlist(id, list)),
        rules
            .spending
            .map(|(limits, gas, sponsors)| encode_spending_limit(id, limits, gas, sponsors)),
    ]
    .map(Option::unwrap_or_default);
    let install = encode_policy_install(id, flags, &entries);
    let gas_charged = rules
        .spending
        .is_some_and(|(limits, gas, _)| charges_gas(limits, gas));
    match role {
        HookRole::Validation => vec![hook_with_data(validation_hook(module, id), &install)],
        HookRole::Execution if gas_charged => vec![
            hook_with_data(validation_hook(module, id), &install),
            hook_with_data(execution_hook(module, id, true, false), &[]),
        ],
        HookRole::Execution => vec![hook_with_data(
            execution_hook(module, id, true, false),
            &install,
        )],
    }
}

/// A key's rules that session-rules holds, in its rule order; `None`
/// leaves a rule out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtraRules<'a> {
    /// usage-limit's install data.
    pub usage: Option<UsageLimitInstall>,
    /// paymaster-guard's allowed paymasters, and whether the account may
    /// pay.
    pub paymasters: Option<(&'a [Address], bool)>,
    /// param-rules' conditions and totals.
    pub params: Option<(&'a [Condition], &'a [Total])>,
}

impl ExtraRules<'_> {
    /// Whether the key has any of these rules.
    pub fn is_empty(&self) -> bool {
        self.usage.is_none() && self.paymasters.is_none() && self.params.is_none()
    }
}

/// session-rules' `HookConfig`s for `rules` at entity `id` (none when the
/// key has none of them). In the validation role one validation hook
/// counts, judges the arguments and checks the paymaster. In the execution
/// role the usage limit and the parameter rules run in a pre execution
/// hook (`CALLS_IN_EXECUTION`), and a paymaster guard still needs the
/// validation role (only validation sees the paymaster): the second role
/// then gets empty install data.
pub fn rules_hooks(module: Address, id: u32, role: HookRole, rules: &ExtraRules<'_>) -> Vec<Bytes> {
    if rules.is_empty() {
        return Vec::new();
    }
    let flags = match role {
        HookRole::Validation => 0,
        HookRole::Execution => CALLS_IN_EXECUTION,
    };
    let entries = [
        rules.usage.map(|u| u.encode()).unwrap_or_default(),
        rules
            .paymasters
            .map(|(list, self_paid)| encode_paymaster_guard(id, self_paid, list))
            .unwrap_or_default(),
        rules
            .params
            .map(|(conditions, totals)| encode_param_rules(id, conditions, totals))
            .unwrap_or_default(),
    ];
    let install = encode_policy_install(id, flags, &entries);
    let in_execution = rules.usage.is_some() || rules.params.is_some();
    match (role, rules.paymasters.is_some(), in_execution) {
        (HookRole::Validation, _, _) => vec![hook_with_data(validation_hook(module, id), &install)],
        (HookRole::Execution, true, true) => vec![
            hook_with_data(validation_hook(module, id), &install),
            hook_with_data(execution_hook(module, id, true, false), &[]),
        ],
        (HookRole::Execution, true, false) => {
            vec![hook_with_data(validation_hook(module, id), &install)]
        }
        (HookRole::Execution, false, _) => vec![hook_with_data(
            execution_hook(module, id, true, false),
            &install,
        )],
    }
}

/// Whether `hooks` make the session policy at `policy` a validation hook:
/// it then bounds every phase by the key's window, and the signer needs no
/// copy of it.
pub fn policy_validates(hooks: &[Bytes], policy: Address) -> bool {
    hooks
        .iter()
        .any(|h| h[..20] == policy[..] && h[24] == HOOK_VALIDATION)
}

/// How a key's permissions are enforced on chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Enforcement {
    /// One session-policy hook holds the key's whole policy: one program,
    /// one install, one call per phase, with spending limits charged in
    /// validation (the default; see `contracts/session-policy`).
    #[default]
    Policy,
    /// One hook per permission module (time-window, contract-allowlist,
    /// selector-allowlist, spending-limit), for wallets that compose
    /// modules at runtime.
    Modules,
}

/// Where the selector-allowlist and time-window hooks are installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum HookRole {
    /// Validation hooks (`0x01`): a refusal fails validation (AA22 / AA23),
    /// nothing is paid.
    #[default]
    Validation,
    /// Pre execution hooks (`0x04`): the operation is validated and paid
    /// for; a refusal reverts its execution (`PreExecHookReverted`).
    Execution,
}

/// A session key's validation (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionKeySpec {
    /// The validation's entity id (and its hooks').
    pub entity_id: u32,
    /// The signer.
    pub signer: SignerSpec,
    /// The account functions the key may call.
    pub selectors: Vec<[u8; 4]>,
    /// The selector-allowlist rules, if that hook is installed.
    pub rules: Option<Vec<SelectorRule>>,
    /// The time window `[valid_after, valid_until]`, if that hook is installed.
    pub window: Option<(u64, u64)>,
    /// Where the allowlist and the window go.
    pub role: HookRole,
    /// The spending-limit execution hook's limits and gas budget, if installed.
    pub spending: Option<(Vec<SpendLimit>, GasBudget)>,
    /// Whether the key may sign ERC-1271 messages for the account (see
    /// [`crate::Permission::Signatures`]); off by default.
    pub signatures: bool,
    /// One hook per module (this builder's default) or one session-policy
    /// hook ([`SessionKeySpec::with_policy`]).
    pub enforcement: Enforcement,
}

impl SessionKeySpec {
    /// A key at `entity_id` that may call `execute` and `executeBatch`,
    /// without any permission hook.
    pub fn new(entity_id: u32, signer: SignerSpec) -> Self {
        Self {
            entity_id,
            signer,
            selectors: vec![
                IReferenceAccount::executeCall::SELECTOR,
                IReferenceAccount::executeBatchCall::SELECTOR,
            ],
            rules: None,
            window: None,
            role: HookRole::Validation,
            spending: None,
            signatures: false,
            enforcement: Enforcement::Modules,
        }
    }

    /// Enforces the rules, the window and the limits with one session-policy
    /// hook (limits charged in validation) instead of one hook per module.
    pub fn with_policy(self) -> Self {
        self.with_enforcement(Enforcement::Policy)
    }

    /// Enforces the rules, the window and the limits as `enforcement` says.
    pub fn with_enforcement(mut self, enforcement: Enforcement) -> Self {
        self.enforcement = enforcement;
        self
    }

    /// Lets the key sign ERC-1271 messages for the account.
    pub fn with_signatures(mut self) -> Self {
        self.signatures = true;
        self
    }

    /// Adds the selector-allowlist hook with these `(target, selector)` rules.
    pub fn allow(mut self, rules: impl IntoIterator<Item = (Address, [u8; 4])>) -> Self {
        self.rules = Some(
            rules
                .into_iter()
                .map(|(target, selector)| SelectorRule { target, selector })
                .collect(),
        );
        self
    }

    /// Adds the time-window hook `[valid_after, valid_until]`.
    pub fn window(mut self, valid_after: u64, valid_until: u64) -> Self {
        self.window = Some((valid_after, valid_until));
        self
    }

    /// Installs the allowlist and the window as execution hooks.
    pub fn as_execution_hooks(mut self) -> Self {
        self.role = HookRole::Execution;
        self
    }

    /// Adds the spending-limit execution hook (pre only), no gas budget.
    pub fn spend_limits(mut self, limits: impl IntoIterator<Item = SpendLimit>) -> Self {
        self.spending = Some((limits.into_iter().collect(), GasBudget::default()));
        self
    }

    /// Whether any execution hook is installed (then the callData must use
    /// the `executeUserOp` prefix).
    pub fn has_execution_hooks(&self) -> bool {
        if self.enforcement == Enforcement::Policy {
            return self.role == HookRole::Execution && self.has_permissions();
        }
        self.spending
            .as_ref()
            .is_some_and(|(limits, _)| !limits.is_empty())
            || (self.role == HookRole::Execution && (self.rules.is_some() || self.window.is_some()))
    }

    /// Whether any rule, window or limit is set.
    fn has_permissions(&self) -> bool {
        self.rules.is_some() || self.window.is_some() || self.spending.is_some()
    }

    /// The session policy's hooks for this spec.
    fn policy_hooks(&self, modules: &Modules) -> Vec<Bytes> {
        if !self.has_permissions() {
            return Vec::new();
        }
        policy_hooks(
            modules.session_policy,
            self.entity_id,
            self.role,
            &PolicyRules {
                window: self.window,
                targets: None,
                rules: self.rules.as_deref(),
                spending: self
                    .spending
                    .as_ref()
                    .map(|(limits, gas)| (&limits[..], *gas, &[][..])),
            },
        )
    }

    /// One hook per module for this spec.
    fn module_hooks(&self, modules: &Modules) -> Vec<Bytes> {
        let id = self.entity_id;
        let permission = |module: Address| match self.role {
            HookRole::Validation => validation_hook(module, id),
            HookRole::Execution => execution_hook(module, id, true, false),
        };
        let mut hooks = Vec::new();
        if let Some(rules) = &self.rules {
            hooks.push(hook_with_data(
                permission(modules.selector_allowlist),
                &encode_selector_allowlist(id, rules),
            ));
        }
        if let Some((valid_after, valid_until)) = self.window {
            let window = TimeWindowInstall {
                entity_id: id,
                valid_after,
                valid_until,
            };
            hooks.push(hook_with_data(
                permission(modules.time_window),
                &window.encode(),
            ));
        }
        if let Some((limits, gas)) = &self.spending {
            hooks.extend(spending_limit_hooks(
                modules.spending_limit,
                id,
                limits,
                *gas,
                &[],
            ));
        }
        hooks
    }

    /// The `installValidation` / `initialize` arguments for `modules`.
    pub fn install(&self, modules: &Modules) -> ValidationInstall {
        let id = self.entity_id;
        let hooks = match self.enforcement {
            Enforcement::Policy => self.policy_hooks(modules),
            Enforcement::Modules => self.module_hooks(modules),
        };
        // The session policy as a validation hook bounds every phase by the
        // window itself; otherwise the signer carries it too.
        let window = if policy_validates(&hooks, modules.session_policy) {
            None
        } else {
            self.window
        };
        ValidationInstall {
            config: validation_config(
                modules.session_signer,
                id,
                if self.signatures {
                    VALIDATION_USER_OP | VALIDATION_SIGNATURE
                } else {
                    VALIDATION_USER_OP
                },
            ),
            selectors: self.selectors.clone(),
            install_data: self.signer.install_data_with_window(id, window),
            hooks,
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::Address;
    use permission_core::install::{SpendLimit, NATIVE_TOKEN};

    use super::*;
    use crate::encode::{HOOK_PRE_EXECUTION, HOOK_VALIDATION};

    fn modules() -> Modules {
        Modules::for_tests()
    }

    fn roles(spec: &SessionKeySpec) -> Vec<(Address, u8)> {
        spec.install(&modules())
            .hooks
            .iter()
            .map(|h| (Address::from_slice(&h[..20]), h[24]))
            .collect()
    }

    #[test]
    fn attack_a_native_limit_built_without_permission_set_still_counts_gas() {
        let m = modules();
        let spec = |limit: SpendLimit| {
            SessionKeySpec::new(1, SignerSpec::Address(Address::repeat_byte(9)))
                .spend_limits([limit])
        };
        let native = spec(SpendLimit {
            token: NATIVE_TOKEN,
            limit: U256::from(5),
            period: 0,
        });
        assert_eq!(
            roles(&native),
            vec![
                (m.spending_limit, HOOK_VALIDATION),
                (m.spending_limit, HOOK_PRE_EXECUTION)
            ]
        );
        // A token limit alone needs no validation role.
        let token = spec(SpendLimit {
            token: Address::repeat_byte(0x70),
            limit: U256::from(5),
            period: 0,
        });
        assert_eq!(roles(&token), vec![(m.spending_limit, HOOK_PRE_EXECUTION)]);
    }
}
