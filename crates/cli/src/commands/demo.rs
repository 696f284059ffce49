//! `session-keys demo`: the main job. On the embedded local chain (or a
//! node with `--rpc`), with nothing to set up: builds the contracts when
//! they are missing or stale, fetches EntryPoint v0.7 and the ERC-20
//! fixture when missing, deploys everything, grants a session key, runs
//! every scenario and prints what each action did.

use alloy_primitives::U256;
use session_keys::chain::Chain;
use session_keys::demo::{group_thousands, run_with as run_demo, Report};
use session_keys::deploy::deploy_all;
use session_keys::session::Enforcement;
use session_keys::{Key, LocalChain};

use crate::args::DemoArgs;
use crate::commands::build::build_contracts;
use crate::commands::connect;
use crate::error::CliError;
use crate::keys::signing_key;
use crate::output::Output;
use crate::progress::{DeployProgress, Spinner};
use crate::workspace::{missing_fixtures, run_script, stale_contracts};

/// The local demo's owner: a fixed key, so that addresses and gas repeat.
const LOCAL_OWNER_SEED: u8 = 0x0a;

/// Chains the demo runs on without `--yes`: a Nitro devnode (and `session-keys
/// node`), Anvil and Hardhat, and geth's and Ganache's dev mode.
pub const DEV_CHAIN_IDS: [u64; 3] = [412_346, 31_337, 1_337];

/// On any other chain than a development chain the demo spends real gas:
/// refused unless `yes`.
fn check_spending(chain_id: u64, url: &str, owner: &Key, yes: bool) -> Result<(), CliError> {
    if yes || DEV_CHAIN_IDS.contains(&chain_id) {
        return Ok(());
    }
    Err(CliError::BadInput(format!(
        "{url} is chain {chain_id}, not a development chain ({DEV_CHAIN_IDS:?}): the demo would deploy \
         every contract and send its scenarios from {}, paying real gas (about 0.2 ether at \
         1 gwei). Pass --yes to run it there anyway",
        owner.address()
    )))
}

/// Builds and fetches what is missing (unless `no_build`).
fn prepare(out: &Output, no_build: bool) -> Result<(), CliError> {
    if let Some(reason) = stale_contracts() {
        if no_build {
            return Err(CliError::Missing(format!(
                "{reason}: run `session-keys build` (or drop --no-build)"
            )));
        }
        out.note(&format!("{reason}: building the contracts"));
        build_contracts(out)?;
    }
    for (script, path) in missing_fixtures() {
        if no_build {
            return Err(CliError::Missing(format!(
                "{} is missing: run scripts/{script} (or drop --no-build)",
                path.display()
            )));
        }
        let spinner = Spinner::new(&format!("fetching {} with npm", path.display()), out.json);
        let result = run_script(script);
        spinner.finish();
        result.map_err(|e| {
            CliError::Missing(format!(
                "{e}\n(the demo fetches this fixture with npm: install Node.js and npm)"
            ))
        })?;
    }
    Ok(())
}

/// Runs `demo`.
pub fn run(out: &Output, args: DemoArgs) -> Result<(), CliError> {
    prepare(out, args.no_build)?;
    let enforcement = if args.modules {
        Enforcement::Modules
    } else {
        Enforcement::Policy
    };
    let started = std::time::Instant::now();
    let report = match &args.rpc {
        None => {
            let mut chain = LocalChain::new();
            chain.net.set_arbos(args.arbos);
            let owner = Key::from_seed(LOCAL_OWNER_SEED);
            chain.fund(owner.address(), U256::from(10u64).pow(U256::from(21)));
            if args.cached {
                let deployment = deploy_all(&mut chain, &owner, &mut ())?;
                for deployed in &deployment.contracts {
                    if chain.net.program_record(deployed.address).is_some() {
                        chain.net.set_cached(deployed.address, true);
                    }
                }
            }
            demo_on(out, &mut chain, &owner, enforcement)?
        }
        Some(url) => {
            let mut chain = connect(url)?;
            let owner = signing_key(None)?;
            check_spending(chain.chain_id()?, url, &owner, args.yes)?;
            demo_on(out, &mut chain, &owner, enforcement)?
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let arbos = args.rpc.is_none().then_some(args.arbos);
    out.result(&report, || human(&report, args.cached, arbos, seconds));
    if report.all_as_expected() {
        Ok(())
    } else {
        Err(CliError::Unexpected(
            "some steps did not do what they must (marked UNEXPECTED above)".into(),
        ))
    }
}

fn demo_on(
    out: &Output,
    chain: &mut dyn Chain,
    owner: &Key,
    enforcement: Enforcement,
) -> Result<Report, CliError> {
    out.note(&format!("deploying on {}", chain.describe()));
    let mut progress = DeployProgress {
        spinner: Spinner::new("deploying", out.json),
        json: out.json,
    };
    let report = run_demo(chain, owner, &mut progress, enforcement);
    progress.spinner.finish();
    Ok(report?)
}

fn human(report: &Report, cached: bool, arbos: Option<localnet::ArbOs>, seconds: f64) -> String {
    let expected = report.steps.iter().filter(|s| s.as_expected).count();
    let skipped = report
        .steps
        .iter()
        .filter(|s| s.verdict == session_keys::demo::Verdict::Skipped)
        .count();
    let gas_note = match (cached, arbos) {
        (true, _) => "programs cached in ArbWasmCache".to_string(),
        (false, Some(arbos)) if arbos.has_recent_programs() => format!(
            "{arbos}, programs not cached: a program pays its full entry cost the first time a \
             transaction enters it, the cached cost after"
        ),
        (false, _) => {
            "programs not cached: each Stylus program a transaction enters pays its full entry cost"
                .to_string()
        }
    };
    let enforced = match report.enforcement {
        Enforcement::Policy => {
            "one session-policy validation hook, limits charged in validation, \
             and session-rules beside it for the usage limit"
        }
        Enforcement::Modules => {
            "one hook per module (selector-allowlist, time-window and usage-limit in validation, \
             spending-limit in validation for the native limit and in execution for the token)"
        }
    };
    let mut text = format!(
        "\nSession keys on chain {}: account {}, session key {} (entity 1)\n\
         Permissions: Counter.increment(), token.transfer(...), at most 100 tokens a day, \
         at most 0.05 ETH with gas counted, at most 4 operations a day, valid 25 hours: {enforced}.\n\n{}\n\n",
        report.chain_id,
        report.account,
        report.session_key,
        report.table()
    );
    text.push_str(&format!(
        "{expected} of {} steps did what they must{}. Gas is the transaction's ({gas_note}); \
         a refusal in validation reverts the bundle, and its gas is the bundler's. \
         Account paid: the gas the account's deposit was charged (the operation's, \
         100,000 pre-verification gas, and 10% of the call gas left unused); the key's \
         operations use gas limits measured on the chain, and the ones no gas makes pass \
         go out with the defaults.\n",
        report.steps.len(),
        if skipped > 0 {
            format!(" ({skipped} skipped: the chain's clock cannot be moved)")
        } else {
            String::new()
        },
    ));
    let deploy_gas: u64 = report.deployment.contracts.iter().map(|c| c.gas_used).sum();
    text.push_str(&format!(
        "Deployment: {} contracts, {} gas; finished in {seconds:.1} s.",
        report.deployment.contracts.len(),
        group_thousands(deploy_gas)
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_development_chains_run_without_yes() {
        let owner = Key::from_seed(1);
        for dev in DEV_CHAIN_IDS {
            check_spending(dev, "http://node", &owner, false).unwrap();
        }
        // Arbitrum One and Arbitrum Sepolia spend real gas.
        for real in [42_161, 421_614] {
            let err = check_spending(real, "https://rpc", &owner, false).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let text = err.to_string();
            assert!(text.contains(&format!("chain {real}")), "{text}");
            assert!(text.contains("--yes"), "{text}");
            assert!(text.contains(&owner.address().to_string()), "{text}");
            check_spending(real, "https://rpc", &owner, true).unwrap();
        }
    }
}
