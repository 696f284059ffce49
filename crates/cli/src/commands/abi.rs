//! `session-keys abi`: writes every contract's Solidity interface and its
//! ABI as JSON (for viem: `import abi from "./abi/TimeWindowModule.json"`).

use std::path::Path;

use alloy_json_abi::JsonAbi;
use serde::Serialize;
use session_keys::abi::{
    IContractAllowlistModule, IReferenceAccount, ISelectorAllowlistModule, ISessionSignerModule,
    ISpendingLimitModule, ITimeWindowModule,
};

use crate::args::AbiArgs;
use crate::error::CliError;
use crate::output::Output;

/// Each contract: its file stem, its interface source, its ABI.
fn contracts() -> Vec<(&'static str, &'static str, JsonAbi)> {
    macro_rules! contract {
        ($stem:literal, $path:literal, $binding:ident) => {
            (
                $stem,
                include_str!(concat!("../../../../contracts/", $path)),
                $binding::abi::contract(),
            )
        };
    }
    vec![
        contract!(
            "SessionSignerModule",
            "session-signer/interface/ISessionSignerModule.sol",
            ISessionSignerModule
        ),
        contract!(
            "SelectorAllowlistModule",
            "selector-allowlist/interface/ISelectorAllowlistModule.sol",
            ISelectorAllowlistModule
        ),
        contract!(
            "ContractAllowlistModule",
            "contract-allowlist/interface/IContractAllowlistModule.sol",
            IContractAllowlistModule
        ),
        contract!(
            "TimeWindowModule",
            "time-window/interface/ITimeWindowModule.sol",
            ITimeWindowModule
        ),
        contract!(
            "SpendingLimitModule",
            "spending-limit/interface/ISpendingLimitModule.sol",
            ISpendingLimitModule
        ),
        contract!(
            "ReferenceAccount",
            "reference-account/interface/IReferenceAccount.sol",
            IReferenceAccount
        ),
    ]
}

#[derive(Serialize)]
struct Written {
    files: Vec<String>,
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text)
        .map_err(|e| CliError::BadInput(format!("cannot write {}: {e}", path.display())))
}

/// Runs `abi`.
pub fn run(out: &Output, args: AbiArgs) -> Result<(), CliError> {
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError::BadInput(format!("cannot create {}: {e}", args.out.display())))?;
    let mut files = Vec::new();
    for (stem, source, abi) in contracts() {
        let sol = args.out.join(format!("I{stem}.sol"));
        write(&sol, source)?;
        let json = args.out.join(format!("{stem}.json"));
        let text = serde_json::to_string_pretty(&abi)
            .map_err(|e| CliError::BadInput(format!("{stem}: {e}")))?;
        write(&json, &text)?;
        files.push(sol.display().to_string());
        files.push(json.display().to_string());
    }
    out.result(
        &Written {
            files: files.clone(),
        },
        || format!("wrote {} files:\n  {}", files.len(), files.join("\n  ")),
    );
    Ok(())
}
