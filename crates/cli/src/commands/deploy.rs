//! `session-keys deploy --rpc URL`: deploys and activates every module, the
//! reference account's code and (if missing) EntryPoint v0.7 at their
//! deterministic addresses, skipping what is already there, and records the
//! addresses in `deployments/<chain-id>.json`.

use session_keys::demo::group_thousands;
use session_keys::deploy::{deploy_all, Action, Deployment};

use crate::args::DeployArgs;
use crate::commands::{connect, deployment_path};
use crate::error::CliError;
use crate::keys::signing_key;
use crate::output::Output;
use crate::progress::{DeployProgress, Spinner};
use crate::workspace::stale_contracts;

/// Runs `deploy`.
pub fn run(out: &Output, args: DeployArgs) -> Result<(), CliError> {
    if let Some(reason) = stale_contracts() {
        return Err(CliError::Missing(format!(
            "{reason}: run `session-keys build` first"
        )));
    }
    let deployer = signing_key(args.chain.keystore.as_deref())?;
    let mut chain = connect(&args.chain.rpc)?;
    let mut progress = DeployProgress {
        spinner: Spinner::new("deploying", out.json),
        json: out.json,
    };
    let result = deploy_all(&mut chain, &deployer, &mut progress);
    progress.spinner.finish();
    let deployment = result?;
    let path = deployment_path(&args.out, deployment.chain_id);
    std::fs::create_dir_all(&args.out)
        .and_then(|()| {
            let text = serde_json::to_string_pretty(&deployment).map_err(std::io::Error::other)?;
            std::fs::write(&path, text + "\n")
        })
        .map_err(|e| CliError::BadInput(format!("cannot write {}: {e}", path.display())))?;
    out.result(&deployment, || {
        human(&deployment, &path.display().to_string())
    });
    Ok(())
}

fn human(deployment: &Deployment, path: &str) -> String {
    let mut lines = vec![format!(
        "chain {}: {:<20} {:<42} {:>12} {:>14}  {}",
        deployment.chain_id, "contract", "address", "gas", "data fee (wei)", "action"
    )];
    for c in &deployment.contracts {
        let action = match c.action {
            Action::Deployed => "deployed",
            Action::Activated => "activated",
            Action::Skipped => "already there",
        };
        lines.push(format!(
            "{:<14}{:<20} {:<42} {:>12} {:>14}  {action}",
            "",
            c.name,
            c.address.to_string(),
            group_thousands(c.gas_used),
            c.data_fee.to_string(),
        ));
    }
    lines.push(format!("recorded in {path}"));
    lines.join("\n")
}
