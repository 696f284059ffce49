//! `session-keys`: session keys for ERC-6900 accounts on Arbitrum Stylus,
//! from the command line.
//!
//! | command | what |
//! |---|---|
//! | `demo` | the main job: every scenario on the embedded local chain, as a table |
//! | `build` | builds the contracts (`scripts/build-contracts.sh`) |
//! | `node` | serves the embedded local chain over JSON-RPC (no Docker needed) |
//! | `deploy` | deploys and activates the modules at deterministic addresses |
//! | `account` | deploys a reference account owned by the signing key |
//! | `grant` | the `installValidation` of a session key, printed or sent |
//! | `inspect` | what a key may do, read from the chain |
//! | `revoke` | the `uninstallValidation` of a key, printed or sent |
//! | `call` | a session key's signed user operation, printed for a bundler or submitted |
//! | `sign` | a session key's ERC-1271 signature for its account, checked by the account |
//! | `abi` | the Solidity interfaces and ABI JSON, for viem users |
//!
//! Exit codes ([`error::CliError::exit_code`]): 0 success, 1 a demo step
//! did not do what it must, 2 bad input, 3 the chain could not be reached
//! or refused a request, 4 a build output or tool is missing, 5 a
//! transaction reverted.

mod args;
mod commands;
mod error;
mod keys;
mod output;
mod progress;
mod workspace;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::output::Output;

fn main() {
    let cli = Cli::parse();
    let out = Output { json: cli.json };
    let result = match cli.command {
        Command::Demo(args) => commands::demo::run(&out, args),
        Command::Build(args) => commands::build::run(&out, args),
        Command::Node(args) => commands::node::run(&out, args),
        Command::Deploy(args) => commands::deploy::run(&out, args),
        Command::Account(args) => commands::account::run(&out, args),
        Command::Grant(args) => commands::grant::run(&out, *args),
        Command::Inspect(args) => commands::inspect::run(&out, args),
        Command::Revoke(args) => commands::revoke::run(&out, args),
        Command::Call(args) => commands::call::run(&out, *args),
        Command::Sign(args) => commands::sign::run(&out, args),
        Command::Abi(args) => commands::abi::run(&out, args),
    };
    if let Err(error) = result {
        out.error(&error);
        std::process::exit(error.exit_code());
    }
}
