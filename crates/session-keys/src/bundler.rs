//! [`Bundler`]: sends a session key's user operation to a bundler, through
//! the bundler JSON-RPC API of ERC-7769 (`eth_supportedEntryPoints`,
//! `eth_sendUserOperation`, `eth_getUserOperationReceipt`), as a dapp does
//! in production (Alchemy, Pimlico, a chain's own bundler), instead of
//! submitting `handleOps` itself.
//!
//! ```no_run
//! use session_keys::bundler::Bundler;
//! # fn demo(op: session_keys::abi::PackedUserOperation) -> Result<(), session_keys::bundler::BundlerError> {
//! let bundler = Bundler::connect("http://127.0.0.1:8547")?;
//! bundler.check_entry_point()?;
//! let hash = bundler.send(&op)?;
//! let receipt = bundler.wait(hash, std::time::Duration::from_secs(60))?;
//! println!("executed: {}, charged {} wei", receipt.success, receipt.actual_gas_cost);
//! # Ok(()) }
//! ```

use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::TransactionReceipt;
use alloy_transport::TransportError;
use localnet::entry_point::ENTRY_POINT;
use serde::Deserialize;

use crate::abi::{IEntryPoint, PackedUserOperation};
use crate::chain::{ChainError, RpcChain};
use crate::errors::short_reason;
use crate::operation::entry_point_events;
use crate::user_op::RpcUserOperation;

/// How often [`Bundler::wait`] asks for the receipt.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Why a bundler did not take or bundle an operation.
#[derive(Debug, thiserror::Error)]
pub enum BundlerError {
    /// The bundler could not be asked.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The bundler refused the operation: ERC-7769's codes (-32500: the
    /// EntryPoint's validation refused it, with its revert data; -32602:
    /// invalid fields...) and its message.
    #[error("the bundler refused the operation: {message} (code {code}){}", .data.as_ref().map(|d| format!("; {}", short_reason(d))).unwrap_or_default())]
    Rejected {
        /// The JSON-RPC error code.
        code: i64,
        /// The bundler's message.
        message: String,
        /// Its data, when it is bytes (the EntryPoint's revert data).
        data: Option<Bytes>,
    },
    /// The bundler does not bundle for EntryPoint v0.7.
    #[error(
        "{url} does not bundle for EntryPoint v0.7 ({ENTRY_POINT}); it supports {supported:?}"
    )]
    UnsupportedEntryPoint {
        /// The bundler.
        url: String,
        /// The entry points it supports.
        supported: Vec<Address>,
    },
    /// The operation was not bundled in time (it may still be).
    #[error("user operation {0} was not bundled within {1:?}; ask again later (eth_getUserOperationReceipt)")]
    Timeout(B256, Duration),
    /// The operation has no unpacked form.
    #[error("the user operation: {0}")]
    Malformed(String),
    /// The bundler's receipt does not match what the chain says.
    #[error("the bundler's receipt for {user_op_hash} does not match the chain: {reason}")]
    Unconfirmed {
        /// The operation.
        user_op_hash: B256,
        /// What differs.
        reason: String,
    },
}

/// `eth_getUserOperationReceipt`'s answer (ERC-7769), the fields a wallet
/// uses.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOpReceipt {
    /// The operation's hash.
    pub user_op_hash: B256,
    /// The account.
    pub sender: Address,
    /// Its nonce.
    pub nonce: U256,
    /// Whether its execution succeeded.
    pub success: bool,
    /// What the account paid, in wei.
    pub actual_gas_cost: U256,
    /// The gas it was charged for (pre-verification gas and the unused-gas
    /// penalty included).
    pub actual_gas_used: U256,
    /// The execution's revert data when it failed.
    #[serde(default)]
    pub reason: Bytes,
    /// The bundle's transaction receipt.
    pub receipt: TransactionReceipt,
}

/// A bundler's JSON-RPC endpoint.
#[derive(Debug)]
pub struct Bundler {
    rpc: RpcChain,
}

impl Bundler {
    /// Connects to the bundler at `url` (it must answer `eth_chainId`).
    pub fn connect(url: &str) -> Result<Self, ChainError> {
        Ok(Self {
            rpc: RpcChain::connect(url)?,
        })
    }

    /// The bundler's URL.
    pub fn url(&self) -> &str {
        self.rpc.url()
    }

    /// `eth_supportedEntryPoints`.
    pub fn supported_entry_points(&self) -> Result<Vec<Address>, ChainError> {
        self.rpc
            .raw_request("eth_supportedEntryPoints", ())
            .map_err(|e| self.rpc.error(e))
    }

    /// Whether the bundler takes operations for EntryPoint v0.7.
    pub fn check_entry_point(&self) -> Result<(), BundlerError> {
        let supported = self.supported_entry_points()?;
        if supported.contains(&ENTRY_POINT) {
            Ok(())
        } else {
            Err(BundlerError::UnsupportedEntryPoint {
                url: self.url().into(),
                supported,
            })
        }
    }

    /// `eth_sendUserOperation(op, EntryPoint v0.7)`: the userOpHash.
    pub fn send(&self, op: &PackedUserOperation) -> Result<B256, BundlerError> {
        let op = RpcUserOperation::from_packed(op)
            .map_err(|e| BundlerError::Malformed(e.to_string()))?;
        self.rpc
            .raw_request("eth_sendUserOperation", (op, ENTRY_POINT))
            .map_err(|e| self.rejected(e))
    }

    /// `eth_getUserOperationReceipt`: `None` while it is not bundled.
    pub fn receipt(&self, hash: B256) -> Result<Option<UserOpReceipt>, ChainError> {
        self.rpc
            .raw_request("eth_getUserOperationReceipt", (hash,))
            .map_err(|e| self.rpc.error(e))
    }

    /// Asks for the receipt every [`POLL_INTERVAL`] until there is one, or
    /// `timeout` passes.
    pub fn wait(&self, hash: B256, timeout: Duration) -> Result<UserOpReceipt, BundlerError> {
        let started = Instant::now();
        loop {
            if let Some(receipt) = self.receipt(hash)? {
                return Ok(receipt);
            }
            if started.elapsed() >= timeout {
                return Err(BundlerError::Timeout(hash, timeout));
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Checks `receipt` against `chain` (the node, not the bundler): its
    /// transaction is there, and the EntryPoint's `UserOperationEvent` for
    /// the operation in it has the same sender, nonce, success and cost. A
    /// wallet should not take a bundler's word for what happened.
    pub fn confirm_on_chain(
        &self,
        chain: &RpcChain,
        receipt: &UserOpReceipt,
    ) -> Result<(), BundlerError> {
        let tx_hash = receipt.receipt.transaction_hash;
        let unconfirmed = |reason: String| BundlerError::Unconfirmed {
            user_op_hash: receipt.user_op_hash,
            reason,
        };
        let provider = chain.provider().clone();
        let mined = chain
            .block_on(async move { provider.get_transaction_receipt(tx_hash).await })
            .map_err(|e| BundlerError::Chain(chain.error(e)))?
            .ok_or_else(|| unconfirmed(format!("transaction {tx_hash} is not on the chain")))?;
        let logs: Vec<alloy_primitives::Log> = mined
            .inner
            .logs()
            .iter()
            .map(|log| log.inner.clone())
            .collect();
        let event = entry_point_events::<IEntryPoint::UserOperationEvent>(&logs)
            .map_err(unconfirmed)?
            .into_iter()
            .find(|event| event.userOpHash == receipt.user_op_hash)
            .ok_or_else(|| {
                unconfirmed(format!(
                    "transaction {tx_hash} has no UserOperationEvent for it"
                ))
            })?;
        let claimed = (
            receipt.sender,
            receipt.nonce,
            receipt.success,
            receipt.actual_gas_cost,
        );
        let on_chain = (
            event.sender,
            event.nonce,
            event.success,
            event.actualGasCost,
        );
        if claimed != on_chain {
            return Err(unconfirmed(format!(
                "the bundler says (sender, nonce, success, cost) = {claimed:?}, the chain {on_chain:?}"
            )));
        }
        Ok(())
    }

    /// A JSON-RPC error answer as [`BundlerError::Rejected`]; transport
    /// failures stay [`ChainError`]s.
    fn rejected(&self, error: TransportError) -> BundlerError {
        match error.as_error_resp() {
            Some(payload) => BundlerError::Rejected {
                code: payload.code,
                message: payload.message.to_string(),
                data: payload.try_data_as::<Bytes>().and_then(Result::ok),
            },
            None => BundlerError::Chain(self.rpc.error(error)),
        }
    }
}
