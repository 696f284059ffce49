//! `session-keys build`: builds the contracts with
//! `scripts/build-contracts.sh` and prints its size table.

use serde::Serialize;

use crate::args::BuildArgs;
use crate::error::CliError;
use crate::output::Output;
use crate::progress::Spinner;
use crate::workspace::{run_script, stale_contracts};

#[derive(Serialize)]
struct Built {
    fresh: bool,
    reason: Option<String>,
    log: Option<String>,
}

/// Runs `build`.
pub fn run(out: &Output, args: BuildArgs) -> Result<(), CliError> {
    if args.check {
        return match stale_contracts() {
            None => {
                out.result(
                    &Built {
                        fresh: true,
                        reason: None,
                        log: None,
                    },
                    || "the contracts are built and fresh".into(),
                );
                Ok(())
            }
            Some(reason) => Err(CliError::Missing(format!(
                "{reason}: run `session-keys build`"
            ))),
        };
    }
    let log = build_contracts(out)?;
    out.result(
        &Built {
            fresh: true,
            reason: None,
            log: Some(log.clone()),
        },
        || log,
    );
    Ok(())
}

/// Builds every contract, with a spinner; returns the script's output.
pub fn build_contracts(out: &Output) -> Result<String, CliError> {
    let spinner = Spinner::new(
        "building the contracts (a few minutes the first time)",
        out.json,
    );
    let result = run_script("build-contracts.sh");
    spinner.finish();
    result
}
