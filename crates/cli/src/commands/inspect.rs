//! `session-keys inspect`: what a session key may do, read from the
//! chain: the account's view of the validation (ERC-6900
//! `getValidationData`: its hooks and selectors) and each module's state
//! for the key (rules, window, limits spent and left).

use alloy_primitives::Address;
use serde::Serialize;
use session_keys::chain::Chain;
use session_keys::inspect::{
    inspect_with_view, session_keys, validation_view, KeyPermissions, KeySigner, KeyStatus,
    ListedKey, ValidationView as AccountView, LISTING_GAP,
};
use session_keys::Modules;

use crate::args::InspectArgs;
use crate::commands::{connect, load_deployment};
use crate::error::CliError;
use crate::output::Output;

/// The account's view of a validation, or a clear error for an address
/// that is not a modular account.
pub fn account_view(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
) -> Result<AccountView, CliError> {
    validation_view(chain, modules, account, entity_id)?.ok_or_else(|| {
        CliError::BadInput(format!(
            "{account} does not answer ERC-6900 getValidationData: is it a modular account?"
        ))
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Inspected {
    installed: bool,
    /// The chain's time when read.
    now: u64,
    status: KeyStatus,
    account_view: AccountView,
    permissions: KeyPermissions,
}

/// Every session key of an account.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    account: Address,
    /// The chain's time when read.
    now: u64,
    keys: Vec<ListedEntry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedEntry {
    entity_id: u32,
    status: KeyStatus,
    #[serde(flatten)]
    key: ListedKey,
}

/// Runs `inspect`.
pub fn run(out: &Output, args: InspectArgs) -> Result<(), CliError> {
    let mut chain = connect(&args.rpc)?;
    let (_, modules) = load_deployment(&mut chain, args.deployment.deployment.as_deref())?;
    let Some(entity_id) = args.entity_id else {
        return list(out, &mut chain, &modules, args.account);
    };
    let view = account_view(&mut chain, &modules, args.account, entity_id)?;
    let permissions =
        inspect_with_view(&mut chain, &modules, args.account, entity_id, Some(&view))?;
    let installed = view.is_installed() || permissions.signer.is_some();
    let now = chain.timestamp()?;
    let result = Inspected {
        installed,
        now,
        status: permissions.status(now),
        account_view: view,
        permissions,
    };
    out.result(&result, || human(&result));
    Ok(())
}

/// `inspect` without `--entity-id`: every session key, a line each.
fn list(
    out: &Output,
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
) -> Result<(), CliError> {
    // A clear error for an address that is not a modular account.
    account_view(chain, modules, account, 0)?;
    let now = chain.timestamp()?;
    let keys = session_keys(chain, modules, account, LISTING_GAP)?
        .into_iter()
        .map(|key| ListedEntry {
            entity_id: key.permissions.entity_id,
            status: key.permissions.status(now),
            key,
        })
        .collect();
    let listed = Listed { account, now, keys };
    out.result(&listed, || {
        if listed.keys.is_empty() {
            return format!("no session keys on {account}");
        }
        let mut lines = vec![format!("session keys of {account}:")];
        for entry in &listed.keys {
            let p = &entry.key.permissions;
            let signer = match &p.signer {
                Some(KeySigner::Address { address }) => address.to_string(),
                Some(KeySigner::Passkey { .. }) => "passkey".into(),
                None => "no signer".into(),
            };
            let status = status_text(entry.status, p.time_window, now);
            let hooks = entry.key.account_view.hooks.len();
            lines.push(format!(
                "  entity {}: {signer}, {status}, {hooks} hook{}{}{}",
                entry.entity_id,
                if hooks == 1 { "" } else { "s" },
                if entry.key.account_view.is_global {
                    ", root"
                } else {
                    ""
                },
                if entry.key.account_view.is_signature_validation {
                    ", signs for the account"
                } else {
                    ""
                }
            ));
        }
        lines.push("(`inspect --entity-id N` for one key's details)".into());
        lines.join("\n")
    });
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
    lines.push(status_line(r));
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
    if let Some(sponsors) = &p.sponsors {
        let list: Vec<String> = sponsors.iter().map(ToString::to_string).collect();
        lines.push(format!("gas not charged when paid by: {}", list.join(", ")));
    }
    if let Some(g) = &p.paymaster_guard {
        let mut payers: Vec<String> = g.paymasters.iter().map(ToString::to_string).collect();
        if g.allow_self_paid {
            payers.push("the account".into());
        }
        lines.push(format!("paid only by: {}", payers.join(", ")));
    }
    if let Some(u) = &p.usage {
        let noun = u.unit.noun();
        if u.lifetime_limit != 0 {
            lines.push(format!(
                "usage: at most {} {noun} (lifetime), used {}, left {}",
                u.lifetime_limit,
                u.lifetime_used,
                u.lifetime_limit.saturating_sub(u.lifetime_used)
            ));
        }
        if u.period_limit != 0 {
            lines.push(format!(
                "usage: at most {} {noun} per {} s, used {} this period, left {}",
                u.period_limit,
                u.period,
                u.period_used,
                u.period_limit.saturating_sub(u.period_used)
            ));
        }
    }
    if let Some(params) = &p.params {
        param_lines(params, &mut lines);
    }
    lines.join("\n")
}

/// An argument's value as a reader expects it: an address, a small
/// number, or the word in hex.
fn param_value(bits: u16, value: &alloy_primitives::B256) -> String {
    let number = alloy_primitives::U256::from_be_bytes(value.0);
    if bits == 160 {
        Address::from_word(*value).to_string()
    } else if number.bit_len() <= 128 {
        number.to_string()
    } else {
        value.to_string()
    }
}

/// `argument: 0x… 0xa9059cbb arg 1 <= 100`, a list on one line, and
/// `total: …` with what is summed and left.
fn param_lines(params: &session_keys::inspect::ParamRulesState, lines: &mut Vec<String>) {
    let mut i = 0;
    while i < params.conditions.len() {
        let c = &params.conditions[i];
        let same = |o: &&session_keys::inspect::ParamConditionState| {
            (o.target, &o.selector, o.arg, &o.path, o.op)
                == (c.target, &c.selector, c.arg, &c.path, c.op)
        };
        let run = match c.op {
            "in" => params.conditions[i..].iter().take_while(same).count(),
            _ => 1,
        };
        let values: Vec<String> = params.conditions[i..i + run]
            .iter()
            .map(|o| param_value(o.bits, &o.value))
            .collect();
        let value = match c.op {
            "in" => format!("[{}]", values.join(", ")),
            _ => values.join(""),
        };
        lines.push(format!(
            "argument: {} {} arg {}{} {} {value}",
            c.target,
            c.selector,
            c.arg,
            path_suffix(&c.path),
            c.op
        ));
        i += run;
    }
    for t in &params.totals {
        let period = match t.period {
            0 => "lifetime".to_string(),
            seconds => format!("per {seconds} s"),
        };
        lines.push(format!(
            "total: {} {} arg {}{} at most {} ({period}), summed {}, left {}",
            t.target,
            t.selector,
            t.arg,
            path_suffix(&t.path),
            t.limit,
            t.spent,
            t.remaining
        ));
    }
}

/// ` path deref [*]`, or nothing for an argument's head word.
fn path_suffix(path: &str) -> String {
    match path.is_empty() {
        true => String::new(),
        false => format!(" path {path}"),
    }
}

/// `status: active, expires in 59 min` and the like, from the chain's time.
fn status_line(r: &Inspected) -> String {
    let hint = match r.status {
        KeyStatus::NotInstalled => ": no session-signer validation at this entity",
        KeyStatus::Expired => ": revoke it to clear its state",
        KeyStatus::NotYetValid | KeyStatus::Active => "",
    };
    format!(
        "status: {}{hint}",
        status_text(r.status, r.permissions.time_window, r.now)
    )
}

/// A key's status in words, with the time left or passed at `now`.
fn status_text(status: KeyStatus, window: Option<(u64, u64)>, now: u64) -> String {
    match (status, window) {
        (KeyStatus::NotInstalled, _) => "not installed".into(),
        (KeyStatus::NotYetValid, Some((after, _))) => {
            format!(
                "not yet valid, opens in {}",
                span(after.saturating_sub(now))
            )
        }
        (KeyStatus::NotYetValid, None) => "not yet valid".into(),
        (KeyStatus::Expired, Some((_, until))) => {
            format!("expired {} ago", span(now.saturating_sub(until)))
        }
        (KeyStatus::Expired, None) => "expired".into(),
        (KeyStatus::Active, Some((_, until))) if until != 0 => {
            format!("active, expires in {}", span(until.saturating_sub(now)))
        }
        (KeyStatus::Active, _) => "active, no expiry".into(),
    }
}

/// `seconds` as `3 d 4 h`, `2 h 5 min`, `59 min` or `12 s`.
fn span(seconds: u64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, B256, U256};
    use session_keys::inspect::{ParamConditionState, ParamRulesState, ParamTotalState};

    use super::{param_lines, span};

    #[test]
    fn spans_read_as_people_say_them() {
        assert_eq!(span(12), "12 s");
        assert_eq!(span(3_599), "59 min");
        assert_eq!(span(7_500), "2 h 5 min");
        assert_eq!(span(3 * 86_400 + 4 * 3_600 + 59), "3 d 4 h");
    }

    #[test]
    fn parameter_rules_read_as_a_rule_writes_them() {
        let token = Address::repeat_byte(0x70);
        let condition = |op, bits, value: B256| ParamConditionState {
            target: token,
            selector: "0xa9059cbb".into(),
            arg: u16::from(bits == 256),
            path: String::new(),
            op,
            bits,
            value,
        };
        let params = ParamRulesState {
            conditions: vec![
                condition("in", 160, Address::repeat_byte(0xb0).into_word()),
                condition("in", 160, Address::repeat_byte(0xc0).into_word()),
                condition("<=", 256, B256::from(U256::from(100))),
                ParamConditionState {
                    arg: 3,
                    path: "deref [*]".into(),
                    ..condition("<=", 256, B256::from(U256::from(10)))
                },
            ],
            totals: vec![ParamTotalState {
                target: token,
                selector: "0xa9059cbb".into(),
                arg: 1,
                path: String::new(),
                limit: U256::from(250),
                period: 86_400,
                spent: U256::from(200),
                remaining: U256::from(50),
            }],
        };
        let mut lines = Vec::new();
        param_lines(&params, &mut lines);
        assert_eq!(
            lines,
            [
                format!(
                    "argument: {token} 0xa9059cbb arg 0 in [{}, {}]",
                    Address::repeat_byte(0xb0),
                    Address::repeat_byte(0xc0)
                ),
                format!("argument: {token} 0xa9059cbb arg 1 <= 100"),
                format!("argument: {token} 0xa9059cbb arg 3 path deref [*] <= 10"),
                format!(
                    "total: {token} 0xa9059cbb arg 1 at most 250 (per 86400 s), summed 200, left 50"
                ),
            ]
        );
    }
}
