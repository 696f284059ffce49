//! The source tree the CLI was built from: its scripts, and whether the
//! build outputs and fixtures the demo needs are there and fresh.

use std::path::{Path, PathBuf};
use std::process::Command;

use localnet::entry_point::entry_point_init_code_path;
pub use session_keys::deploy::stale_contracts;
use session_keys::token::token_fixture_path;

use crate::error::CliError;

/// The repository root (the CLI runs from its source tree).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `scripts/<name>` from the root; `Err` with the tail of its output.
pub fn run_script(name: &str) -> Result<String, CliError> {
    let script = root().join("scripts").join(name);
    if !script.is_file() {
        return Err(CliError::Missing(format!(
            "{} is missing: this command needs the project's source tree",
            script.display()
        )));
    }
    let output = Command::new("bash")
        .arg(&script)
        .current_dir(root())
        .output()
        .map_err(|e| CliError::Missing(format!("cannot run bash {}: {e}", script.display())))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text)
    } else {
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(CliError::Missing(format!(
            "scripts/{name} failed:\n{}",
            tail.join("\n")
        )))
    }
}

/// The fixtures the demo needs, with the script that fetches each.
pub fn missing_fixtures() -> Vec<(&'static str, PathBuf)> {
    [
        ("fetch-entrypoint.sh", entry_point_init_code_path()),
        ("fetch-solidity-fixtures.sh", token_fixture_path()),
    ]
    .into_iter()
    .filter(|(_, path)| !path.is_file())
    .collect()
}
