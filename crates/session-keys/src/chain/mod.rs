//! [`Chain`]: the one interface the SDK, the CLI and the scenarios use to
//! reach a chain, with two backends:
//!
//! - [`LocalChain`]: the embedded local chain ([`localnet::Localnet`]), which
//!   runs the compiled WASM with Nitro's host functions and gas model, and can
//!   move its clock;
//! - [`RpcChain`]: any JSON-RPC endpoint through alloy (a Nitro devnode,
//!   Arbitrum Sepolia, Arbitrum One), with transactions signed locally.
//!
//! Both are synchronous: each method returns when its answer (or, for
//! [`Chain::send`], its receipt) is known.
//!
//! A transaction that reverts is not an error: [`Chain::send`] returns a
//! [`Receipt`] with `success == false` and, where the backend can know it, the
//! revert data. [`ChainError`] is for what stopped the request itself: an
//! endpoint that cannot be reached, a transaction the node refused (no funds,
//! wrong nonce), or a feature the backend does not have.

mod local;
mod rpc;

pub use local::LocalChain;
pub use rpc::{RpcChain, CONNECT_TIMEOUT, GAS_MARGIN_PERCENT, RECEIPT_TIMEOUT, REQUEST_TIMEOUT};

use alloy_primitives::{Address, Bytes, Log, B256, U256};

use crate::signer::Key;

/// What stopped a request.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The endpoint did not answer (connection refused, DNS, timeout).
    #[error("cannot reach {url}: {reason}. Check that the node is running and the URL is right (for a local Nitro devnode: http://127.0.0.1:8547)")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// What the transport said.
        reason: String,
    },
    /// The node answered with an error (other than a revert).
    #[error("the node refused the request: {0}")]
    Rpc(String),
    /// The transaction was refused before execution (funds, nonce, gas).
    #[error("transaction refused: {0}")]
    Rejected(String),
    /// The backend cannot do this (e.g. move the clock of a real chain).
    #[error("{0} is not possible on this chain")]
    Unsupported(&'static str),
    /// A local file (a build output, a fixture) could not be read.
    #[error("{0}")]
    Io(String),
}

/// A transaction to send.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxRequest {
    /// The callee, or `None` to create a contract from `data`.
    pub to: Option<Address>,
    /// Wei sent along.
    pub value: U256,
    /// Calldata, or init code.
    pub data: Bytes,
    /// A gas limit, or `None` to let the backend choose (RPC: estimate).
    pub gas_limit: Option<u64>,
}

impl TxRequest {
    /// A call of `to` with `data` and no value.
    pub fn call(to: Address, data: impl Into<Bytes>) -> Self {
        Self {
            to: Some(to),
            data: data.into(),
            ..Self::default()
        }
    }

    /// A contract creation from `init_code`.
    pub fn create(init_code: impl Into<Bytes>) -> Self {
        Self {
            to: None,
            data: init_code.into(),
            ..Self::default()
        }
    }

    /// The same request with `value` wei.
    pub fn with_value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }
}

/// What a sent transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction hash (`None` when the transaction was not sent
    /// because it reverted in simulation, see [`Chain::send`]).
    pub tx_hash: Option<B256>,
    /// Whether it succeeded.
    pub success: bool,
    /// Gas used, the intrinsic 21,000 and calldata included (0 when it was
    /// not sent).
    pub gas_used: u64,
    /// Its logs, in order (empty when it reverted).
    pub logs: Vec<Log>,
    /// The contract it created, if any.
    pub contract_address: Option<Address>,
    /// The revert data, when it reverted and the backend knows it.
    pub revert_data: Option<Bytes>,
}

impl Receipt {
    /// Why it failed, for messages: the revert data named by
    /// [`crate::errors::describe`], or that there was none.
    pub fn failure_reason(&self) -> String {
        match &self.revert_data {
            Some(data) => crate::errors::describe(data),
            None => "reverted without data (or out of gas)".into(),
        }
    }
}

/// An `eth_call`'s answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallResult {
    /// Whether the call returned (rather than reverted).
    pub success: bool,
    /// The return data, or the revert data.
    pub output: Bytes,
}

impl CallResult {
    /// The return data, or `Err` with the revert data described by
    /// [`crate::errors::describe`].
    pub fn into_output(self) -> Result<Bytes, String> {
        if self.success {
            Ok(self.output)
        } else {
            Err(crate::errors::describe(&self.output))
        }
    }
}

/// A chain the SDK can read and send transactions to.
pub trait Chain {
    /// A short name for messages: `"local chain"` or the RPC URL.
    fn describe(&self) -> String;

    /// The chain id.
    fn chain_id(&mut self) -> Result<u64, ChainError>;

    /// The latest block's timestamp.
    fn timestamp(&mut self) -> Result<u64, ChainError>;

    /// The code at `address`.
    fn code(&mut self, address: Address) -> Result<Bytes, ChainError>;

    /// The balance of `address`.
    fn balance(&mut self, address: Address) -> Result<U256, ChainError>;

    /// An `eth_call` of `to` with `data`, from `from`, at the latest block.
    fn call(&mut self, from: Address, to: Address, data: Bytes) -> Result<CallResult, ChainError>;

    /// Simulates `tx` from `from` (an `eth_call` with value, and with
    /// `tx.gas_limit` when set) without sending it. A call that reverts or
    /// runs out of gas is a result with `success == false`; one refused
    /// before execution (gas below the intrinsic cost) is
    /// [`ChainError::Rejected`]. The default handles calls without value or
    /// gas limit; both backends override it.
    fn simulate(&mut self, from: Address, tx: TxRequest) -> Result<CallResult, ChainError> {
        match tx.to {
            Some(to) if tx.value.is_zero() && tx.gas_limit.is_none() => {
                self.call(from, to, tx.data)
            }
            _ => Err(ChainError::Unsupported(
                "simulating a creation, a call with value or a gas limit",
            )),
        }
    }

    /// Signs `tx` with `from` and sends it; waits for its receipt.
    ///
    /// On [`RpcChain`] the transaction is first estimated: if that reverts,
    /// it is **not sent** and the receipt has `success == false`, the
    /// revert data, no hash and 0 gas. [`LocalChain`] mines it either way.
    fn send(&mut self, from: &Key, tx: TxRequest) -> Result<Receipt, ChainError>;

    /// Sends `value` wei from `from` to `to`.
    fn transfer(&mut self, from: &Key, to: Address, value: U256) -> Result<Receipt, ChainError> {
        self.send(
            from,
            TxRequest {
                to: Some(to),
                value,
                ..TxRequest::default()
            },
        )
    }

    /// Moves the clock forward by `seconds` for the next block, where the
    /// chain allows it ([`LocalChain`]; a development node that has
    /// `evm_increaseTime`). Real chains return [`ChainError::Unsupported`].
    fn advance_time(&mut self, seconds: u64) -> Result<(), ChainError>;
}
