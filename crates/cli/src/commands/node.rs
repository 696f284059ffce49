//! `session-keys node`: the embedded local chain over JSON-RPC on
//! 127.0.0.1, like a Nitro devnode (chain 412346, the devnode's funded dev
//! account, the CREATE2 proxy, EntryPoint v0.7 when fetched), for users
//! without Docker: `deploy`, `grant`, `inspect`, `revoke`, `cast` and viem
//! all work against it.

use std::time::Duration;

use alloy_primitives::Address;
use localnet::entry_point::entry_point_init_code_path;
use localnet_rpc::{LocalnetRpc, NodeConfig, DEV_ACCOUNT};
use serde::Serialize;

use crate::args::NodeArgs;
use crate::error::CliError;
use crate::output::Output;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Serving {
    url: String,
    chain_id: u64,
    dev_account: Address,
    entry_point: Option<Address>,
    arbos: u64,
}

fn failed(e: localnet_rpc::Error) -> CliError {
    match e {
        localnet_rpc::Error::Bind(..) => {
            CliError::BadInput(format!("{e}; pick another --port (0: any free port)"))
        }
        _ => CliError::Chain(e.to_string()),
    }
}

/// Runs `node`.
pub fn run(out: &Output, args: NodeArgs) -> Result<(), CliError> {
    let with_entry_point = entry_point_init_code_path().is_file();
    if !with_entry_point {
        out.note("EntryPoint v0.7 is not fetched (scripts/fetch-entrypoint.sh): serving without it; `deploy` will say so");
    }
    let config = NodeConfig::default()
        .port(args.port)
        .entry_point(with_entry_point);
    let arbos = args.arbos;
    let node = LocalnetRpc::start_with(config, move || localnet::Localnet::with_arbos(arbos))
        .map_err(failed)?;
    let serving = Serving {
        url: node.url(),
        chain_id: localnet::CHAIN_ID,
        dev_account: DEV_ACCOUNT,
        entry_point: node.entry_point(),
        arbos: arbos.number(),
    };
    out.result(&serving, || {
        format!(
            "serving the embedded local chain (chain {}, {arbos}) at {}\n\
             funded dev account {DEV_ACCOUNT} (the Nitro devnode's; its key is in localnet-rpc's docs and OffchainLabs/nitro-devnode)\n\
             try: export STYLUS_RPC_URL={}",
            serving.chain_id, serving.url, serving.url
        )
    });
    match args.seconds {
        Some(seconds) => {
            std::thread::sleep(Duration::from_secs(seconds));
            node.shutdown().map_err(failed)
        }
        None => node.wait().map_err(failed),
    }
}
