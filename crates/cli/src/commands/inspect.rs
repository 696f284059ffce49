//! `session-keys inspect`: what a session key may do, read from the
//! chain: the account's view of the validation (ERC-6900
//! `getValidationData`: its hooks and selectors) and each module's state
//! for the key (rules, window, limits spent and left).

use alloy_primitives::{Address, FixedBytes};
use alloy_sol_types::SolCall;
use serde::Serialize;
use session_keys::abi::IReferenceAccount;
use session_keys::chain::Chain;
use session_keys::encode::module_entity;
use session_keys::inspect::{inspect, KeyPermissions, KeySigner};
use session_keys::Modules;

use crate::args::InspectArgs;
use crate::commands::{connect, load_deployment};
use crate::error::CliError;
use crate::output::Output;

/// One hook of the validation, as the account lists it.
#[derive(Clone, Debug, Serialize)]
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

/// The account's view of a validation.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// The hooks, validation hooks first, each in install order.
    pub hooks: Vec<HookView>,
    /// The selectors it may call, as 0x-hex.
    pub selectors: Vec<String>,
}

impl AccountView {
    /// Whether the account has anything for this validation.
    pub fn is_installed(&self) -> bool {
        !self.hooks.is_empty() || !self.selectors.is_empty()
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

/// `getValidationData(session-signer ‖ entityId)` on the account.
pub fn account_view(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
) -> Result<AccountView, CliError> {
    let call = IReferenceAccount::getValidationDataCall {
        validationFunction: module_entity(modules.session_signer, entity_id),
    };
    let answer = chain.call(Address::ZERO, account, call.abi_encode().into())?;
    let view = answer
        .success
        .then(|| IReferenceAccount::getValidationDataCall::abi_decode_returns(&answer.output).ok())
        .flatten()
        .ok_or_else(|| {
            CliError::BadInput(format!(
                "{account} does not answer ERC-6900 getValidationData: is it a modular account?"
            ))
        })?;
    let mut hooks: Vec<HookView> = view
        .validationHooks
        .iter()
        .map(|h| hook_view(modules, h, "validation"))
        .collect();
    hooks.extend(
        view.executionHooks
            .iter()
            .map(|h| hook_view(modules, h, "execution")),
    );
    Ok(AccountView {
        hooks,
        selectors: view.selectors.iter().map(ToString::to_string).collect(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Inspected {
    installed: bool,
    account_view: AccountView,
    permissions: KeyPermissions,
}

/// Runs `inspect`.
pub fn run(out: &Output, args: InspectArgs) -> Result<(), CliError> {
    let mut chain = connect(&args.rpc)?;
    let (_, modules) = load_deployment(&mut chain, args.deployment.deployment.as_deref())?;
    let view = account_view(&mut chain, &modules, args.account, args.entity_id)?;
    let permissions = inspect(&mut chain, &modules, args.account, args.entity_id)?;
    let installed = view.is_installed() || permissions.signer.is_some();
    let result = Inspected {
        installed,
        account_view: view,
        permissions,
    };
    out.result(&result, || human(&result));
    Ok(())
}

fn human(r: &Inspected) -> String {
    let p = &r.permissions;
    if !r.installed {
        return format!("no session key at entity {} on {}", p.entity_id, p.account);
    }
    let mut lines = vec![format!("entity {} on account {}", p.entity_id, p.account)];
    lines.push(match &p.signer {
        Some(KeySigner::Address { address }) => format!("signer: {address}"),
        Some(KeySigner::Passkey { x, y }) => format!("signer: P-256 passkey ({x:#x}, {y:#x})"),
        None => "signer: none".into(),
    });
    lines.push(format!(
        "account functions: {}",
        r.account_view.selectors.join(", ")
    ));
    for hook in &r.account_view.hooks {
        let article = if hook.role == "execution" { "an" } else { "a" };
        lines.push(format!(
            "hook: {} ({}) as {article} {} hook, entity {}",
            hook.module, hook.address, hook.role, hook.entity_id
        ));
    }
    if let Some((after, until)) = p.time_window {
        lines.push(format!("valid: {after} ..= {until} (unix seconds)"));
    }
    if let Some(contracts) = &p.contracts {
        for c in contracts {
            lines.push(format!("may call: {c} (any function)"));
        }
    }
    if let Some(rules) = &p.rules {
        for rule in rules {
            let target = if rule.target == Address::ZERO {
                "any contract".to_string()
            } else {
                rule.target.to_string()
            };
            lines.push(format!("may call: {target} {}", rule.selector));
        }
    }
    if let Some(limits) = &p.limits {
        for l in limits {
            let token = if l.token == Address::ZERO {
                "native coin".to_string()
            } else {
                l.token.to_string()
            };
            let period = if l.period == 0 {
                "lifetime".to_string()
            } else {
                format!("per {} s", l.period)
            };
            lines.push(format!(
                "limit: {token} {} ({period}), spent {}, left {}",
                l.limit, l.spent, l.remaining
            ));
        }
    }
    if let Some(g) = &p.gas_budget {
        lines.push(format!(
            "gas budget: {} wei, spent {}, left {}",
            g.limit, g.spent, g.remaining
        ));
    }
    lines.join("\n")
}
