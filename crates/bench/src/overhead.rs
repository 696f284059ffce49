//! `bench-overhead`: what a session key's permissions add to its
//! operations, through `EntryPoint.handleOps` on the local Stylus chain,
//! beside MAv2's Solidity modules.
//!
//! The shape is MAv2's own gas snapshot: a key allowed `Counter.increment`
//! and `token.transfer`, inside a time window, with an ERC-20 limit (100
//! tokens a day). Each row is the `handleOps` gas of the key's **second**
//! operation (the first writes fresh storage) in a fresh chain, with the
//! permissions and without any permission hook (the same account and key,
//! session-signer only); the overhead is the difference. Rows:
//!
//! - `policy`: one session-policy validation hook (limits charged in
//!   validation, no `executeUserOp` prefix);
//! - `modules`: selector-allowlist and time-window validation hooks and a
//!   spending-limit execution hook (the `executeUserOp` prefix form);
//!
//! each uncached and with every program cached (ArbOS's program cache), on
//! a chain priced as ArbOS 51 and as ArbOS 60 (where a program entered
//! earlier in the same block pays the cached entry cost). The anchor is
//! MAv2's 40,700 (225,357 for its session key's transfer minus 184,690 for
//! the owner's). Gas is exact and deterministic.
//!
//! A second table sends the key's operations 2 to 4 in one bundle (one
//! `handleOps`) at ArbOS 60, uncached: from the second operation on, every
//! program the bundle entered before is recent.
//!
//! `--frames` also prints each measured operation's Stylus frames (entry
//! and gas used per program) to stderr. `--json` prints `{"anchor_mav2":
//! 40700, "rows": [{"permissions", "call", "arbos", "cached", "with_hooks",
//! "without_hooks", "overhead"}], "bundles": [{"permissions", "call",
//! "arbos", "ops", "with_hooks", "without_hooks", "overhead_per_op"}]}`.
//!
//! Build the programs first: `scripts/build-contracts.sh`,
//! `scripts/fetch-entrypoint.sh`, `scripts/fetch-solidity-fixtures.sh`.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use e2e::abi::ICounter;
use e2e::abi::PackedUserOperation;
use e2e::encode;
use e2e::token::TRANSFER;
use e2e::{available, tokens, Counter, Key, Needs, SessionKeySpec, SignerSpec, Token, Wallet};
use localnet::ArbOs;
use permission_core::install::{SpendLimit, UsageLimitInstall, COUNT_OPERATIONS};
use serde::Serialize;
use session_keys::demo::group_thousands;
use session_keys::session::{rules_hooks, ExtraRules};
use session_keys::HookRole;

/// MAv2 v2.0.1's session-key permission overhead on a token transfer.
const ANCHOR_MAV2: u64 = 40_700;
const OWNER: u32 = 0;
const SESSION: u32 = 1;
const DAY: u64 = 86_400;
const SUPPLY: u64 = 1_000;

/// What enforces the key's permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Permissions {
    /// None: session-signer only.
    None,
    /// One session-policy hook.
    Policy,
    /// The session policy and, beside it, session-rules with a usage
    /// limit (100 operations a day, 1,000 over the key's life).
    PolicyAndUsage,
    /// One hook per module.
    Modules,
}

/// The key's operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Call {
    /// `token.transfer(recipient, 10 tokens)`.
    Transfer,
    /// `Counter.increment()`.
    Increment,
}

#[derive(Serialize)]
struct Row {
    permissions: Permissions,
    call: Call,
    arbos: u64,
    cached: bool,
    with_hooks: u64,
    without_hooks: u64,
    overhead: i64,
}

/// Several of the key's operations in one `handleOps`.
#[derive(Serialize)]
struct Bundle {
    permissions: Permissions,
    call: Call,
    arbos: u64,
    ops: u64,
    with_hooks: u64,
    without_hooks: u64,
    overhead_per_op: i64,
}

#[derive(Serialize)]
struct Report {
    anchor_mav2: u64,
    rows: Vec<Row>,
    bundles: Vec<Bundle>,
}

/// The permission setups measured against [`Permissions::None`].
const PERMISSIONS: [Permissions; 3] = [
    Permissions::Policy,
    Permissions::PolicyAndUsage,
    Permissions::Modules,
];

/// Operations in the measured bundle.
const BUNDLE_OPS: u64 = 3;

/// The `handleOps` gas of the key's second operation, in a fresh chain
/// priced as `arbos`.
fn second_op_gas(permissions: Permissions, call: Call, arbos: ArbOs, cached: bool) -> u64 {
    measure(permissions, call, arbos, cached, 1)
}

/// The `handleOps` gas of the key's operations 2 to `1 + bundle`, sent in
/// one `handleOps` after its first operation, in a fresh chain priced as
/// `arbos`.
fn measure(permissions: Permissions, call: Call, arbos: ArbOs, cached: bool, bundle: u64) -> u64 {
    let mut w = Wallet::new();
    w.net.set_arbos(arbos);
    let owner = Key::from_seed(0x0A);
    let out = w.initialize(&w.owner_install(OWNER, owner.address()));
    assert!(out.success, "initialize");
    let token: Token = w.deploy_token("TKN", tokens(SUPPLY));
    let key = Key::from_seed(0x91);
    let now = w.net.timestamp();
    let counter = w.counter.address;
    let mut spec = SessionKeySpec::new(SESSION, SignerSpec::Address(key.address()));
    if permissions != Permissions::None {
        spec = spec
            .allow([
                (counter, ICounter::incrementCall::SELECTOR),
                (token.address, TRANSFER),
            ])
            .window(now, now + DAY)
            .spend_limits([SpendLimit {
                token: token.address,
                limit: tokens(100),
                period: DAY,
            }]);
    }
    if matches!(
        permissions,
        Permissions::Policy | Permissions::PolicyAndUsage
    ) {
        spec = spec.with_policy();
    }
    w.set_cached(cached);
    let mut install = spec.install(&w.modules);
    if permissions == Permissions::PolicyAndUsage {
        let usage = UsageLimitInstall {
            entity_id: SESSION,
            unit: COUNT_OPERATIONS,
            lifetime_limit: 1_000,
            period_limit: 100,
            period: DAY as u32,
        };
        install.hooks.extend(rules_hooks(
            w.modules.session_rules,
            SESSION,
            HookRole::Validation,
            &ExtraRules {
                usage: Some(usage),
                paymasters: None,
                params: None,
            },
        ));
    }
    let out = w.install_as_owner(OWNER, &owner, &install);
    assert!(out.success, "install: {permissions:?}");
    let prefixed = spec.has_execution_hooks();
    let call_data = || {
        let inner = match call {
            Call::Transfer => encode::execute(
                token.address,
                U256::ZERO,
                Token::transfer_calldata(recipient(), tokens(10)),
            ),
            Call::Increment => encode::execute(counter, U256::ZERO, Counter::increment_calldata()),
        };
        if prefixed {
            encode::user_op_prefixed(&inner)
        } else {
            inner
        }
    };
    // The first operation alone, then the measured one or bundle.
    let mut gas = 0;
    for (i, ops) in [(0, 1), (1, bundle)] {
        let first = w.signed_op_with(call_data(), SESSION, false, &key, &[]);
        let mut bundle_ops: Vec<PackedUserOperation> = vec![first.clone()];
        for k in 1..ops {
            let mut next = first.clone();
            next.nonce = first.nonce + U256::from(k);
            w.sign(&mut next, &key, &[]);
            bundle_ops.push(next);
        }
        let out = w.handle_ops(bundle_ops);
        let events: Vec<localnet::entry_point::IEntryPoint::UserOperationEvent> =
            localnet::entry_point::decode_events(&out.logs);
        assert!(
            out.success && events.len() as u64 == ops && events.iter().all(|e| e.success),
            "{permissions:?} {call:?} {arbos} op {i} failed:\n{}",
            w.program_gas_report(&out)
        );
        gas = out.gas_used;
        if i == 1 && std::env::args().any(|a| a == "--frames") {
            eprintln!(
                "{permissions:?} {call:?} {arbos} cached={cached} ops={ops}: {gas} gas\n{}",
                w.program_gas_report(&out)
            );
        }
    }
    let sent = 1 + bundle;
    match call {
        Call::Transfer => assert_eq!(
            token.balance_of(&mut w.net, recipient()),
            tokens(10 * sent),
            "every transfer arrived"
        ),
        Call::Increment => assert_eq!(w.count(), U256::from(sent)),
    }
    gas
}

fn recipient() -> Address {
    Address::repeat_byte(0xB2)
}

/// `-1234567` → `-1,234,567`.
fn grouped(n: i64) -> String {
    let digits = group_thousands(n.unsigned_abs());
    if n < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

fn permissions_name(permissions: Permissions) -> &'static str {
    match permissions {
        Permissions::Policy => "session-policy",
        Permissions::PolicyAndUsage => "session-policy + session-rules",
        Permissions::Modules => "modules",
        Permissions::None => "none",
    }
}

fn call_name(call: Call) -> &'static str {
    match call {
        Call::Transfer => "transfer",
        Call::Increment => "increment",
    }
}

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    // `--goals`: only what the gas goals judge (the policy's rows, no
    // bundles), for the test that asserts them.
    let goals_only = std::env::args().any(|a| a == "--goals");
    if !available("bench-overhead", Needs::Token) {
        eprintln!("bench-overhead: build the programs and fixtures first (see above)");
        std::process::exit(2);
    }
    let mut rows = Vec::new();
    for arbos in ArbOs::ALL {
        for permissions in PERMISSIONS {
            if goals_only && permissions != Permissions::Policy {
                continue;
            }
            for call in [Call::Transfer, Call::Increment] {
                for cached in [false, true] {
                    let with_hooks = second_op_gas(permissions, call, arbos, cached);
                    let without_hooks = second_op_gas(Permissions::None, call, arbos, cached);
                    rows.push(Row {
                        permissions,
                        call,
                        arbos: arbos.number(),
                        cached,
                        with_hooks,
                        without_hooks,
                        overhead: with_hooks as i64 - without_hooks as i64,
                    });
                }
            }
        }
    }
    let mut bundles = Vec::new();
    for permissions in PERMISSIONS {
        if goals_only {
            break;
        }
        for call in [Call::Transfer, Call::Increment] {
            let with_hooks = measure(permissions, call, ArbOs::V60, false, BUNDLE_OPS);
            let without_hooks = measure(Permissions::None, call, ArbOs::V60, false, BUNDLE_OPS);
            bundles.push(Bundle {
                permissions,
                call,
                arbos: ArbOs::V60.number(),
                ops: BUNDLE_OPS,
                with_hooks,
                without_hooks,
                overhead_per_op: (with_hooks as i64 - without_hooks as i64) / BUNDLE_OPS as i64,
            });
        }
    }
    let report = Report {
        anchor_mav2: ANCHOR_MAV2,
        rows,
        bundles,
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serializes")
        );
        return;
    }
    println!("Permission overhead of a session key's second operation, handleOps gas");
    println!("(window + increment/transfer allowlist + 100 TKN/day limit, and with session-rules a usage limit of 100 a day,");
    println!("against the same key with no permission hooks).");
    println!();
    println!("| permissions | call | ArbOS | programs | with hooks | without | overhead | MAv2 | ratio |");
    println!("|---|---|---|---|---:|---:|---:|---:|---:|");
    for row in &report.rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.2} |",
            permissions_name(row.permissions),
            call_name(row.call),
            row.arbos,
            if row.cached { "cached" } else { "uncached" },
            grouped(row.with_hooks as i64),
            grouped(row.without_hooks as i64),
            grouped(row.overhead),
            grouped(ANCHOR_MAV2 as i64),
            row.overhead as f64 / ANCHOR_MAV2 as f64,
        );
    }
    println!();
    println!(
        "The key's operations 2 to {} in one handleOps at ArbOS 60, programs uncached:",
        1 + BUNDLE_OPS
    );
    println!();
    println!(
        "| permissions | call | ops | with hooks | without | overhead per op | MAv2 | ratio |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for b in &report.bundles {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.2} |",
            permissions_name(b.permissions),
            call_name(b.call),
            b.ops,
            grouped(b.with_hooks as i64),
            grouped(b.without_hooks as i64),
            grouped(b.overhead_per_op),
            grouped(ANCHOR_MAV2 as i64),
            b.overhead_per_op as f64 / ANCHOR_MAV2 as f64,
        );
    }
}
