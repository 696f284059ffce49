//! One module per subcommand, and what they share: connecting, loading the
//! deployment record, owner calls, and checking a session key against the
//! account.

pub mod abi;
pub mod account;
pub mod build;
pub mod call;
pub mod demo;
pub mod deploy;
pub mod grant;
pub mod inspect;
pub mod node;
pub mod revoke;
pub mod sign;

use std::path::{Path, PathBuf};

use alloy_primitives::{keccak256, Address};
use serde::Serialize;
use session_keys::account::send_as_owner;
use session_keys::chain::{Chain, RpcChain};
use session_keys::deploy::Deployment;
use session_keys::encode::execute_with_runtime_validation;
use session_keys::inspect::{signer_of, KeySigner};
use session_keys::{Key, Modules};

use crate::error::CliError;
use crate::keys::signing_key;

/// Connects to `url`.
pub fn connect(url: &str) -> Result<RpcChain, CliError> {
    Ok(RpcChain::connect(url)?)
}

/// `deployments/<chain-id>.json`.
pub fn deployment_path(dir: &Path, chain_id: u64) -> PathBuf {
    dir.join(format!("{chain_id}.json"))
}

/// The deployment record: `path`, or `deployments/<chain-id>.json`.
pub fn load_deployment(
    chain: &mut dyn Chain,
    path: Option<&Path>,
) -> Result<(Deployment, Modules), CliError> {
    let chain_id = chain.chain_id()?;
    let path = path.map_or_else(
        || deployment_path(Path::new("deployments"), chain_id),
        Path::to_path_buf,
    );
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::Missing(format!(
            "cannot read {}: {e}. Deploy first (`session-keys deploy --rpc URL`), or pass --deployment FILE",
            path.display()
        ))
    })?;
    let deployment: Deployment = serde_json::from_str(&text).map_err(|e| {
        CliError::BadInput(format!(
            "{} is not a deployment record: {e}",
            path.display()
        ))
    })?;
    if deployment.chain_id != chain_id {
        return Err(CliError::BadInput(format!(
            "{} is for chain {}, but {} is chain {chain_id}",
            path.display(),
            deployment.chain_id,
            chain.describe()
        )));
    }
    let modules = deployment
        .modules()
        .ok_or_else(|| CliError::BadInput(format!("{} lacks some modules", path.display())))?;
    // Each recorded program must be there, with the recorded code.
    for recorded in &deployment.contracts {
        if recorded.name == "EntryPoint" {
            continue;
        }
        let code = chain.code(recorded.address)?;
        if code.is_empty() || keccak256(&code) != recorded.code_hash {
            return Err(CliError::BadInput(format!(
                "{} says {} is at {} with code hash {}, but {} has {} there: redeploy, or pass the right --deployment",
                path.display(),
                recorded.name,
                recorded.address,
                recorded.code_hash,
                chain.describe(),
                if code.is_empty() { "no code".to_string() } else { format!("code hash {}", keccak256(&code)) }
            )));
        }
    }
    Ok((deployment, modules))
}

/// A sent transaction.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    /// Its hash, if the backend has one.
    pub tx_hash: Option<String>,
    /// Gas used.
    pub gas_used: u64,
}

impl Sent {
    /// `{what}: N gas, tx 0x…`.
    pub fn line(&self, what: &str) -> String {
        format!(
            "{what}: {} gas{}",
            self.gas_used,
            self.tx_hash
                .as_ref()
                .map(|h| format!(", tx {h}"))
                .unwrap_or_default()
        )
    }
}

/// What [`owner_call`] built, and what it sent.
pub struct OwnerCall {
    /// The `executeWithRuntimeValidation` calldata.
    pub calldata: Vec<u8>,
    /// The transaction, when one was sent.
    pub sent: Option<Sent>,
    /// The logs of that transaction (empty when none was sent).
    pub logs: Vec<alloy_primitives::Log>,
}

/// An account management call (`inner`: installValidation,
/// uninstallValidation) as the owner's EOA sends it:
/// `executeWithRuntimeValidation(inner, owner's global validation)`.
/// Returns that calldata, and, when `send` holds the owner's key source
/// (a keystore or the environment), sends it and returns the receipt and
/// its logs.
pub fn owner_call(
    chain: &mut dyn Chain,
    send: Option<Option<&Path>>,
    account: Address,
    owner_entity: u32,
    inner: &[u8],
    what: &str,
) -> Result<OwnerCall, CliError> {
    let data = execute_with_runtime_validation(inner, owner_entity, true);
    let Some(keystore) = send else {
        return Ok(OwnerCall {
            calldata: data,
            sent: None,
            logs: Vec::new(),
        });
    };
    let owner = signing_key(keystore)?;
    let receipt = send_as_owner(chain, &owner, account, owner_entity, inner)?;
    if !receipt.success {
        return Err(CliError::Reverted(format!(
            "{what} reverted: {}. The owner must be the signer of the account's global validation at entity {owner_entity} (--owner-entity)",
            receipt.failure_reason()
        )));
    }
    let sent = Sent {
        tx_hash: receipt.tx_hash.map(|h| h.to_string()),
        gas_used: receipt.gas_used,
    };
    Ok(OwnerCall {
        calldata: data,
        sent: Some(sent),
        logs: receipt.logs,
    })
}

/// The key at `entity_id` must be an address signer, and `key`.
pub fn check_signer(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    entity_id: u32,
    key: &Key,
) -> Result<(), CliError> {
    match signer_of(chain, modules, account, entity_id)? {
        Some(KeySigner::Address { address }) if address == key.address() => Ok(()),
        Some(KeySigner::Address { address }) => Err(CliError::BadInput(format!(
            "the session key at entity {entity_id} of {account} is {address}, but the given key is {}: pass that key, or the right --entity-id",
            key.address()
        ))),
        Some(KeySigner::Passkey { .. }) => Err(CliError::BadInput(format!(
            "the session key at entity {entity_id} is a passkey: it signs in the browser (WebAuthn), not from a key file"
        ))),
        None => Err(CliError::BadInput(format!(
            "{account} has no session key at entity {entity_id} (see `session-keys inspect`)"
        ))),
    }
}
