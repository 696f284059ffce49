//! The build outputs the end-to-end tests need, and what to do when one is
//! missing.
//!
//! | file | made by |
//! |---|---|
//! | `target/fixtures/EntryPoint.bin` | `scripts/fetch-entrypoint.sh` |
//! | `target/stylus/{session-signer,selector-allowlist,time-window,spending-limit,contract-allowlist}.code` | `scripts/build-contracts.sh` |
//! | `target/stylus/reference-account.code` | `scripts/build-contracts.sh` |
//! | `target/fixtures/ERC20PresetFixedSupply.bin` | `scripts/fetch-solidity-fixtures.sh` |
//!
//! (under `CARGO_TARGET_DIR` when it is set). A test that needs a missing
//! file is skipped with a loud message on a developer machine, and fails
//! under CI (`CI` set), where the files are built first.

use std::path::PathBuf;

use localnet::contract_code_path;
use localnet::entry_point::entry_point_init_code_path;

use crate::token::token_fixture_path;

/// The Stylus modules [`crate::wallet::Modules`] deploys.
pub const MODULES: [&str; 10] = [
    "session-signer",
    "selector-allowlist",
    "time-window",
    "spending-limit",
    "contract-allowlist",
    "session-policy",
    "usage-limit",
    "session-rules",
    "paymaster-guard",
    "param-rules",
];

/// The reference account's build name.
pub const ACCOUNT: &str = "reference-account";

/// What a test needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// The EntryPoint only.
    EntryPoint,
    /// The EntryPoint and the modules.
    Modules,
    /// The EntryPoint, the modules and the reference account.
    Account,
    /// Everything [`Needs::Account`] needs, and OpenZeppelin's Solidity
    /// ERC-20 ([`crate::token`]).
    Token,
}

/// The files `needs` requires that do not exist.
pub fn missing(needs: Needs) -> Vec<PathBuf> {
    let mut paths = vec![entry_point_init_code_path()];
    if needs != Needs::EntryPoint {
        paths.extend(MODULES.iter().map(|m| contract_code_path(m)));
    }
    if matches!(needs, Needs::Account | Needs::Token) {
        paths.push(contract_code_path(ACCOUNT));
    }
    if needs == Needs::Token {
        paths.push(token_fixture_path());
    }
    paths.retain(|p| !p.is_file());
    paths
}

/// Whether the test may run: `true` when everything `needs` requires is
/// there; otherwise prints a loud SKIPPED message and returns `false`, or,
/// when `CI` is set, panics.
#[track_caller]
pub fn available(test: &str, needs: Needs) -> bool {
    let missing = missing(needs);
    if missing.is_empty() {
        return true;
    }
    let list = missing
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect::<Vec<_>>()
        .join("\n");
    let message = format!(
        "{test}: missing build outputs:\n{list}\n(run scripts/build-contracts.sh, \
         scripts/fetch-entrypoint.sh and scripts/fetch-solidity-fixtures.sh)"
    );
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("\n**************** SKIPPED ****************\n{message}\n*****************************************\n");
    false
}
