//! `session-keys grant`: the `installValidation` of a session key, from
//! flags or a permission file, checked before anything is sent; printed
//! for the owner's wallet to send, or sent with `--send` from the owner
//! (`executeWithRuntimeValidation`, validated by the owner's global
//! validation).

use std::io::Write;

use alloy_primitives::{hex, Address, U256};
use serde::Serialize;
use session_keys::chain::Chain;
use session_keys::encode::nonce_key;
use session_keys::inspect::{entity_id_taken, free_entity_id};
use session_keys::permissions::file::{parse_amount, PermissionFile};
use session_keys::permissions::UsageUnit;
use session_keys::{
    HookRole, Key, Permission, PermissionError, PermissionSet, Selector, SignerSpec,
};

use crate::args::GrantArgs;
use crate::commands::{connect, load_deployment, owner_call, OwnerCall, Sent};
use crate::error::CliError;
use crate::output::Output;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Granted {
    account: Address,
    entity_id: u32,
    session_key: Option<Address>,
    passkey: Option<(U256, U256)>,
    key_file: Option<String>,
    nonce_key: String,
    needs_execute_user_op_prefix: bool,
    /// Whether the key may sign ERC-1271 messages for the account.
    signs_for_account: bool,
    expiry: Option<u64>,
    install_validation: String,
    execute_with_runtime_validation: String,
    sent: Option<Sent>,
}

fn bad(text: String) -> CliError {
    CliError::BadInput(text)
}

fn parse_period(text: Option<&str>, flag: &str) -> Result<Option<u64>, CliError> {
    text.map(|p| {
        p.trim().parse::<u64>().map_err(|_| {
            bad(format!(
                "{flag}: the period `{p}` is not a number of seconds"
            ))
        })
    })
    .transpose()
}

/// `AMOUNT` or `AMOUNT/SECONDS`.
fn limit_amount(text: &str, flag: &str) -> Result<(U256, Option<u64>), CliError> {
    let (value, period) = match text.split_once('/') {
        Some((v, p)) => (v, Some(p)),
        None => (text, None),
    };
    Ok((amount(value, flag)?, parse_period(period, flag)?))
}

fn amount(text: &str, flag: &str) -> Result<U256, CliError> {
    parse_amount(text).map_err(|e| bad(format!("{flag}: {e}")))
}

fn address(text: &str, flag: &str) -> Result<Address, CliError> {
    text.trim()
        .parse()
        .map_err(|_| bad(format!("{flag}: `{text}` is not a 0x-address")))
}

/// The permission set from the file and the flags.
fn permission_set(args: &GrantArgs, now: u64) -> Result<PermissionSet, CliError> {
    let mut set = match &args.permissions {
        Some(path) => PermissionFile::read(path)?.to_set(now)?,
        None => PermissionSet::new(),
    };
    if args.execution_hooks {
        set = set.as_execution_hooks();
    }
    if args.modules {
        set = set.with_modules();
    }
    if args.root {
        set = set.root();
    }
    if args.allow_signatures {
        set = set.signatures();
    }
    if let Some(until) = args
        .valid_until
        .or(args.expires_in.map(|s| now.saturating_add(s)))
    {
        set = set.time_window(args.valid_after.unwrap_or(0), until);
    } else if args.valid_after.is_some() {
        return Err(bad(
            "--valid-after needs --valid-until or --expires-in".into()
        ));
    }
    if !args.contracts.is_empty() {
        set = set.contracts(args.contracts.iter().copied());
    }
    // --allow TARGET:FUNCTION, grouped by target in order of appearance.
    let mut rules: Vec<(Option<Address>, Vec<Selector>)> = Vec::new();
    for rule in &args.allow {
        let (target, function) = rule.split_once(':').ok_or_else(|| {
            bad(format!(
                "--allow `{rule}`: write TARGET:FUNCTION, e.g. 0x…:transfer(address,uint256) or any:increment()"
            ))
        })?;
        let target = match target.trim() {
            "any" => None,
            t => Some(address(t, "--allow")?),
        };
        let selector = Selector::parse(function)?;
        match rules.iter_mut().find(|(t, _)| *t == target) {
            Some((_, selectors)) => selectors.push(selector),
            None => rules.push((target, vec![selector])),
        }
    }
    for (target, selectors) in rules {
        set = set.with(match target {
            None => Permission::FunctionsOnAnyContract(selectors),
            Some(target) => Permission::Functions { target, selectors },
        });
    }
    if let Some(limit) = &args.native_limit {
        let (value, period) = limit_amount(limit, "--native-limit")?;
        set = set.native_limit(value, period);
    }
    for limit in &args.erc20_limits {
        let (token, rest) = limit.split_once(':').ok_or_else(|| {
            bad(format!(
                "--erc20-limit `{limit}`: write TOKEN:AMOUNT or TOKEN:AMOUNT/SECONDS"
            ))
        })?;
        let (value, period) = limit_amount(rest, "--erc20-limit")?;
        set = set.erc20_limit(address(token, "--erc20-limit")?, value, period);
    }
    if let Some(budget) = &args.gas_budget {
        set = set.gas_budget(amount(budget, "--gas-budget")?);
    }
    if !args.sponsoring_paymasters.is_empty() {
        set = set.sponsoring_paymasters(args.sponsoring_paymasters.iter().copied());
    }
    let per_period = args
        .max_uses_per
        .as_deref()
        .map(|text| uses_per_period(text, "--max-uses-per"))
        .transpose()?;
    if args.max_uses.is_some() || per_period.is_some() {
        let unit = if args.count_calls {
            UsageUnit::Calls
        } else {
            UsageUnit::Operations
        };
        set = set.usage_limit(unit, args.max_uses, per_period);
    } else if args.count_calls {
        return Err(bad(
            "--count-calls needs --max-uses or --max-uses-per".into()
        ));
    }
    for param in &args.params {
        let mut parts = param.split(';').map(str::trim);
        let function = parts.next().unwrap_or_default();
        let rules: Vec<&str> = parts.filter(|r| !r.is_empty()).collect();
        let (target, signature) = function.split_once(':').ok_or_else(|| {
            bad(format!(
                "--param `{param}`: write TARGET:FUNCTION; RULE; ..., e.g. '0x…:transfer(address to,uint256 amount); amount <= 100e6'"
            ))
        })?;
        let target = address(target, "--param")?;
        set = set.params(session_keys::ParamRule::parse(target, signature, &rules)?);
    }
    if !args.paymasters.is_empty() {
        set = set.paymasters(
            args.paymasters.iter().copied(),
            args.allow_self_paid,
            args.paymasters_sponsor,
        );
    } else if args.allow_self_paid || args.paymasters_sponsor {
        return Err(bad(
            "--allow-self-paid and --paymasters-sponsor need --paymaster ADDRESS".into(),
        ));
    }
    Ok(set)
}

/// `N/SECONDS`.
fn uses_per_period(text: &str, flag: &str) -> Result<(u32, u64), CliError> {
    let usage = || {
        bad(format!(
            "{flag} `{text}`: write N/SECONDS, e.g. 10/86400 for ten a day (N at most 4294967295)"
        ))
    };
    let (n, period) = text.split_once('/').ok_or_else(usage)?;
    let n = n.trim().parse::<u32>().map_err(|_| usage())?;
    let period = parse_period(Some(period), flag)?.ok_or_else(usage)?;
    Ok((n, period))
}

/// A passkey's public key from `X:Y`.
fn passkey(text: &str) -> Result<SignerSpec, CliError> {
    let (x, y) = text.split_once(':').ok_or_else(|| {
        bad(format!(
            "--passkey `{text}`: write X:Y, the P-256 public key's coordinates"
        ))
    })?;
    let x = amount(x, "--passkey X")?;
    let y = amount(y, "--passkey Y")?;
    if x.is_zero() && y.is_zero() {
        return Err(bad("--passkey: (0, 0) is not a P-256 public key".into()));
    }
    Ok(SignerSpec::Passkey { x, y })
}

/// Writes a new key's secret to `path` (created, not overwritten; 0600).
fn write_key(path: &std::path::Path, key: &Key) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        bad(format!(
            "cannot create {} for the new key: {e} (it is never overwritten)",
            path.display()
        ))
    })?;
    writeln!(file, "0x{}", hex::encode(key.secret_bytes()))
        .map_err(|e| bad(format!("writing {}: {e}", path.display())))
}

/// Runs `grant`.
pub fn run(out: &Output, args: GrantArgs) -> Result<(), CliError> {
    let mut chain = connect(&args.chain.rpc)?;
    let (_, modules) = load_deployment(&mut chain, args.deployment.deployment.as_deref())?;
    let now = chain.timestamp()?;
    let set = permission_set(&args, now)?;
    set.check_for(&modules, args.account, now)?;
    let entity_id = match args.entity_id {
        Some(id) => {
            if entity_id_taken(&mut chain, &modules, args.account, id)? {
                let suggestion = free_entity_id(&mut chain, &modules, args.account, 1)?;
                return Err(PermissionError::EntityIdInUse {
                    entity_id: id,
                    suggestion,
                }
                .into());
            }
            id
        }
        None => free_entity_id(&mut chain, &modules, args.account, 1)?,
    };
    let (signer, key_file) = match (args.key, &args.passkey, &args.key_out) {
        (Some(key), _, _) => (SignerSpec::Address(key), None),
        (None, Some(xy), _) => (passkey(xy)?, None),
        (None, None, Some(path)) => {
            let key = Key::random();
            write_key(path, &key)?;
            (
                SignerSpec::Address(key.address()),
                Some(path.display().to_string()),
            )
        }
        (None, None, None) => {
            return Err(bad(
                "give --key ADDRESS, --passkey X:Y, or --new-key --key-out FILE".into(),
            ))
        }
    };
    let install = set.install(&modules, entity_id, &signer, args.account, now)?;
    let calldata = install.install_validation_calldata();
    let OwnerCall {
        calldata: wrapped,
        sent,
        ..
    } = owner_call(
        &mut chain,
        args.send.then_some(args.chain.keystore.as_deref()),
        args.account,
        args.owner_entity,
        &calldata,
        "installValidation",
    )?;
    let granted = Granted {
        account: args.account,
        entity_id,
        session_key: match signer {
            SignerSpec::Address(address) => Some(address),
            SignerSpec::Passkey { .. } => None,
        },
        passkey: match signer {
            SignerSpec::Passkey { x, y } => Some((x, y)),
            SignerSpec::Address(_) => None,
        },
        key_file,
        nonce_key: format!("{:#x}", nonce_key(entity_id, false)),
        needs_execute_user_op_prefix: set.needs_execute_user_op(),
        signs_for_account: set.signs(),
        expiry: set.expiry(),
        install_validation: format!("0x{}", hex::encode(&calldata)),
        execute_with_runtime_validation: format!("0x{}", hex::encode(&wrapped)),
        sent,
    };
    out.result(&granted, || human(&granted, &set));
    Ok(())
}

fn human(g: &Granted, set: &PermissionSet) -> String {
    let mut lines = vec![
        match (g.session_key, g.passkey) {
            (Some(key), _) => format!(
                "session key {key} at entity {} on account {}",
                g.entity_id, g.account
            ),
            (None, Some((x, y))) => format!(
                "passkey ({x:#x}, {y:#x}) at entity {} on account {}",
                g.entity_id, g.account
            ),
            (None, None) => format!("entity {} on account {}", g.entity_id, g.account),
        },
        format!("permissions: {}", describe_set(set)),
        format!(
            "user operations: nonce key {}{}",
            g.nonce_key,
            if g.needs_execute_user_op_prefix {
                ", callData in the executeUserOp prefix form (0x8dd7712f ‖ execute…)"
            } else {
                ""
            }
        ),
    ];
    if g.signs_for_account {
        lines.push(
            "warning: the key may sign ERC-1271 messages for the account; no allowlist or limit \
             applies to a signature (a signed Permit2 permit or order moves tokens without a call)"
                .into(),
        );
    }
    if let Some(file) = &g.key_file {
        lines.push(format!("the new key's private key is in {file}"));
    }
    match &g.sent {
        Some(sent) => lines.push(sent.line("granted")),
        None => {
            lines.push(format!(
                "installValidation calldata (send from the account):\n{}",
                g.install_validation
            ));
            lines.push(format!(
                "or, from the owner's EOA to the account (executeWithRuntimeValidation):\n{}",
                g.execute_with_runtime_validation
            ));
            lines.push("(add --send to send it now)".into());
        }
    }
    lines.join("\n")
}

fn describe_set(set: &PermissionSet) -> String {
    let parts: Vec<String> = set
        .permissions
        .iter()
        .map(|p| match p {
            Permission::Root => "root (everything)".into(),
            Permission::TimeWindow {
                valid_after,
                valid_until,
            } => {
                format!("valid {valid_after}..={valid_until}")
            }
            Permission::Contracts(c) => format!("contracts {c:?}"),
            Permission::Functions { target, selectors } => format!(
                "{target}: {}",
                selectors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Permission::FunctionsOnAnyContract(selectors) => format!(
                "any contract: {}",
                selectors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Permission::NativeLimit { limit, period } => {
                format!("native ≤ {limit} wei{}, gas included", per(*period))
            }
            Permission::Erc20Limit {
                token,
                limit,
                period,
            } => {
                format!("{token} ≤ {limit}{}", per(*period))
            }
            Permission::GasBudget(limit) => format!("gas ≤ {limit} wei"),
            Permission::SponsoringPaymasters(paymasters) => {
                format!("gas not charged when paid by {paymasters:?}")
            }
            Permission::UsageLimit {
                unit,
                lifetime,
                per_period,
            } => {
                let mut parts = Vec::new();
                if let Some(n) = lifetime {
                    parts.push(format!("≤ {n} {} (lifetime)", unit.noun()));
                }
                if let Some((n, period)) = per_period {
                    parts.push(format!("≤ {n} {} per {period} s", unit.noun()));
                }
                parts.join(", ")
            }
            Permission::Paymasters {
                paymasters,
                self_paid,
                sponsoring,
            } => format!(
                "paid only by {paymasters:?}{}{}",
                if *self_paid { " or the account" } else { "" },
                if *sponsoring { " (they sponsor the gas)" } else { "" }
            ),
            Permission::Params(rule) => format!(
                "{}: {}: {} condition(s), {} total(s)",
                rule.target,
                rule.function,
                rule.conditions.len(),
                rule.totals.len()
            ),
            Permission::CustomHook { module, role, .. } => format!(
                "custom {} hook {module}",
                match role {
                    Some(HookRole::Validation) => "validation",
                    Some(HookRole::Execution) => "pre-execution",
                    None => "rule",
                }
            ),
            Permission::Signatures => {
                "signs ERC-1271 messages for the account (no allowlist or limit applies to a signature)"
                    .into()
            }
        })
        .collect();
    parts.join("; ")
}

fn per(period: Option<u64>) -> String {
    period.map_or_else(|| " (lifetime)".into(), |p| format!(" per {p} s"))
}
