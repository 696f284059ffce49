//! [`RpcChain`]: the [`Chain`] backend on any JSON-RPC endpoint (a Nitro
//! devnode, `localnet-rpc`, Arbitrum Sepolia or One), through an alloy
//! provider over HTTP, with transactions signed locally.
//!
//! Each method blocks on the backend's own current-thread tokio runtime, so
//! the SDK stays synchronous. Transactions are EIP-1559, signed by alloy's
//! `PrivateKeySigner` from the [`Key`]; nonce, chain id and fees
//! (`eth_feeHistory`) are filled here, the gas limit by `eth_estimateGas`
//! plus [`GAS_MARGIN_PERCENT`].
//!
//! Errors: a transport failure (refused connection, DNS, time-out) is
//! [`ChainError::Unreachable`]; a node that refuses a transaction (nonce,
//! funds, fees) is [`ChainError::Rejected`] with the node's message; any
//! other JSON-RPC error is [`ChainError::Rpc`]. A revert is not an error
//! (see [`Chain::send`] and [`Chain::call`]).

use std::time::Duration;

use alloy_eips::BlockId;
use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use alloy_rpc_types_eth::{BlockNumberOrTag, TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_transport::{RpcError, TransportError};
use serde_json::Value;

use super::{CallResult, Chain, ChainError, Receipt, TxRequest};
use crate::signer::Key;

/// How long to wait for a TCP connection to the endpoint.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one JSON-RPC request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for a sent transaction's receipt.
pub const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// What [`Chain::send`] adds to `eth_estimateGas`'s answer, in percent.
///
/// The estimate is the least gas with which the transaction succeeded
/// against the state and block the node simulated (geth-style binary
/// search; exact on `localnet-rpc`). By the time the transaction is mined
/// the state may differ: another transaction may have warmed or written the
/// slots it touches, a time-dependent branch may go the other way, and on
/// Arbitrum the estimate includes the L1 data component, priced at the L1
/// base fee of the moment, which moves. A transaction that runs out of gas
/// still pays; unused gas is refunded, so a margin costs only the balance
/// it must cover up front. 20% covers these drifts.
pub const GAS_MARGIN_PERCENT: u64 = 20;

/// A JSON-RPC endpoint as a [`Chain`].
#[derive(Debug)]
pub struct RpcChain {
    url: String,
    chain_id: u64,
    provider: RootProvider,
    runtime: tokio::runtime::Runtime,
}

/// Whether a JSON-RPC error is an execution revert (geth's code 3, or a
/// message that says so, as alloy decides), and its revert data (empty when
/// the node sent none).
fn as_revert(error: &TransportError) -> Option<Bytes> {
    let payload = error.as_error_resp()?;
    let is_revert = payload.code == 3 || payload.message.to_lowercase().contains("revert");
    is_revert.then(|| payload.as_revert_data().unwrap_or_default())
}

/// Whether a JSON-RPC error says the call ran out of gas (geth's "out of
/// gas", "gas required exceeds allowance").
fn is_out_of_gas(error: &TransportError) -> bool {
    error.as_error_resp().is_some_and(|payload| {
        let message = payload.message.to_lowercase();
        message.contains("out of gas") || message.contains("gas required exceeds")
    })
}

/// Whether an `eth_call` error is the call failing in execution without a
/// revert: out of gas, an EVM halt, or (on Nitro) a call into a Stylus
/// program that is not activated, which keeps no gas and returns no data.
fn is_execution_failure(error: &TransportError) -> bool {
    is_out_of_gas(error)
        || error.as_error_resp().is_some_and(|payload| {
            let message = payload.message.to_lowercase();
            [
                "execution halted",
                "invalid opcode",
                "notactivated",
                "not activated",
            ]
            .iter()
            .any(|m| message.contains(m))
        })
}

/// Whether a node's message refuses a transaction for its sender's state or
/// its fee fields (rather than for what it executes).
fn is_refusal(message: &str) -> bool {
    let message = message.to_lowercase();
    [
        "insufficient funds",
        "nonce too",
        "intrinsic gas",
        "fee cap",
        "base fee",
        "underpriced",
        "exceeds block gas limit",
        "invalid chain id",
    ]
    .iter()
    .any(|needle| message.contains(needle))
}

impl RpcChain {
    /// Connects to `url` (`http://` or `https://`) and checks that it
    /// answers `eth_chainId`. A malformed URL, or one that cannot be
    /// reached within [`CONNECT_TIMEOUT`], is [`ChainError::Unreachable`].
    pub fn connect(url: &str) -> Result<Self, ChainError> {
        let unreachable = |reason: String| ChainError::Unreachable {
            url: url.to_string(),
            reason,
        };
        let parsed: reqwest::Url = url
            .parse()
            .map_err(|e| unreachable(format!("not a valid URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(unreachable(format!(
                "unsupported scheme {}: use http:// or https://",
                parsed.scheme()
            )));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ChainError::Io(format!("starting the RPC client's runtime: {e}")))?;
        let http = {
            let _guard = runtime.enter();
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(REQUEST_TIMEOUT)
                .build()
                .map_err(|e| ChainError::Io(format!("cannot build an HTTP client: {e}")))?
        };
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .connect_reqwest(http, parsed);
        let mut chain = Self {
            url: url.to_string(),
            chain_id: 0,
            provider,
            runtime,
        };
        chain.chain_id = chain.block_on_rpc(|p| async move { p.get_chain_id().await })?;
        Ok(chain)
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The provider, for anything the [`Chain`] trait does not cover (run
    /// its futures with [`RpcChain::block_on`]).
    pub fn provider(&self) -> &RootProvider {
        &self.provider
    }

    /// Runs a future on this backend's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// A raw JSON-RPC request (methods alloy has no call for, such as a
    /// bundler's), blocking; the error as the transport gave it.
    pub(crate) fn raw_request<P, R>(
        &self,
        method: &'static str,
        params: P,
    ) -> Result<R, TransportError>
    where
        P: serde::Serialize + Clone + std::fmt::Debug + Send + Sync + Unpin,
        R: serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + Unpin + 'static,
    {
        let provider = self.provider.clone();
        self.runtime
            .block_on(async move { provider.raw_request(method.into(), params).await })
    }

    /// An error of this endpoint as a [`ChainError`]: transport failures are
    /// [`ChainError::Unreachable`], JSON-RPC errors [`ChainError::Rpc`].
    pub fn error(&self, error: TransportError) -> ChainError {
        match error {
            RpcError::Transport(kind) => ChainError::Unreachable {
                url: self.url.clone(),
                reason: kind.to_string(),
            },
            RpcError::ErrorResp(payload) => {
                ChainError::Rpc(format!("{} (code {})", payload.message, payload.code))
            }
            other => ChainError::Rpc(other.to_string()),
        }
    }

    /// [`RpcChain::error`], with refusals of a transaction as
    /// [`ChainError::Rejected`].
    fn send_error(&self, error: TransportError) -> ChainError {
        match &error {
            RpcError::ErrorResp(payload) if is_refusal(&payload.message) => {
                ChainError::Rejected(payload.message.to_string())
            }
            _ => self.error(error),
        }
    }

    fn block_on_rpc<T, F, Fut>(&self, request: F) -> Result<T, ChainError>
    where
        F: FnOnce(RootProvider) -> Fut,
        Fut: std::future::Future<Output = Result<T, TransportError>>,
    {
        let provider = self.provider.clone();
        self.runtime
            .block_on(request(provider))
            .map_err(|e| self.error(e))
    }

    /// An `eth_call` of `request` at `block`, with a revert as a result.
    fn eth_call(
        &self,
        request: TransactionRequest,
        block: BlockId,
    ) -> Result<Result<Bytes, Bytes>, TransportError> {
        let provider = self.provider.clone();
        match self
            .runtime
            .block_on(async move { provider.call(request).block(block).await })
        {
            Ok(output) => Ok(Ok(output)),
            Err(error) => match as_revert(&error) {
                Some(data) => Ok(Err(data)),
                None => Err(error),
            },
        }
    }

    /// The request for `tx` from `from`, without nonce, fees or gas.
    fn request(from: Address, tx: &TxRequest) -> TransactionRequest {
        let mut request = TransactionRequest::default()
            .with_from(from)
            .with_value(tx.value)
            .with_input(tx.data.clone());
        request.to = Some(tx.to.map_or(TxKind::Create, TxKind::Call));
        request
    }

    /// The revert data of a mined transaction that failed, by replaying it
    /// with `eth_call` at its block (best effort: `None` if the replay
    /// succeeds or the node cannot replay at that block).
    fn replay(&self, request: &TransactionRequest, receipt: &TransactionReceipt) -> Option<Bytes> {
        let block = BlockId::Number(
            receipt
                .block_number
                .map_or(BlockNumberOrTag::Latest, BlockNumberOrTag::Number),
        );
        self.eth_call(request.clone(), block).ok()?.err()
    }

    fn not_sent(revert_data: Bytes) -> Receipt {
        Receipt {
            tx_hash: None,
            success: false,
            gas_used: 0,
            logs: Vec::new(),
            contract_address: None,
            revert_data: Some(revert_data),
        }
    }
}

impl Chain for RpcChain {
    fn describe(&self) -> String {
        self.url.clone()
    }

    fn chain_id(&mut self) -> Result<u64, ChainError> {
        Ok(self.chain_id)
    }

    fn timestamp(&mut self) -> Result<u64, ChainError> {
        let block =
            self.block_on_rpc(
                |p| async move { p.get_block_by_number(BlockNumberOrTag::Latest).await },
            )?;
        block
            .map(|b| b.header.timestamp)
            .ok_or_else(|| ChainError::Rpc("the node has no latest block".into()))
    }

    fn code(&mut self, address: Address) -> Result<Bytes, ChainError> {
        self.block_on_rpc(|p| async move { p.get_code_at(address).await })
    }

    fn balance(&mut self, address: Address) -> Result<U256, ChainError> {
        self.block_on_rpc(|p| async move { p.get_balance(address).await })
    }

    fn call(&mut self, from: Address, to: Address, data: Bytes) -> Result<CallResult, ChainError> {
        self.simulate(from, TxRequest::call(to, data))
    }

    /// An `eth_call` of `tx` (value, creation and gas limit included) at the
    /// latest block.
    fn simulate(&mut self, from: Address, tx: TxRequest) -> Result<CallResult, ChainError> {
        let mut request = Self::request(from, &tx);
        if let Some(gas) = tx.gas_limit {
            request = request.with_gas_limit(gas);
        }
        match self.eth_call(request, BlockId::latest()) {
            Ok(Ok(output)) => Ok(CallResult {
                success: true,
                output,
            }),
            Ok(Err(revert_data)) => Ok(CallResult {
                success: false,
                output: revert_data,
            }),
            // geth answers a call that runs out of gas or halts with an
            // error; it is a failed call, as on the embedded chain.
            Err(e) if is_execution_failure(&e) => Ok(CallResult {
                success: false,
                output: Bytes::new(),
            }),
            Err(e) => Err(self.send_error(e)),
        }
    }

    /// Estimates `tx` (`eth_estimateGas`, or with its own gas limit an
    /// `eth_call` at `pending`); if that reverts, returns the not-sent
    /// receipt. Otherwise signs it (EIP-1559, nonce at `pending`, fees from
    /// `eth_feeHistory`, gas: its own limit or the estimate plus
    /// [`GAS_MARGIN_PERCENT`]), sends it and waits for its receipt; if it
    /// failed, replays it at its block for the revert data.
    fn send(&mut self, from: &Key, tx: TxRequest) -> Result<Receipt, ChainError> {
        let signer = PrivateKeySigner::from_bytes(&from.secret_bytes())
            .map_err(|e| ChainError::Rejected(format!("unusable signing key: {e}")))?;
        let sender = signer.address();
        let wallet = EthereumWallet::from(signer);
        let request = Self::request(sender, &tx);

        let gas_limit = match tx.gas_limit {
            Some(limit) => {
                let simulated = request.clone().with_gas_limit(limit);
                match self.eth_call(simulated, BlockId::pending()) {
                    Ok(Ok(_)) => limit,
                    Ok(Err(revert_data)) => return Ok(Self::not_sent(revert_data)),
                    Err(e) => return Err(self.send_error(e)),
                }
            }
            None => {
                let provider = self.provider.clone();
                let estimating = request.clone();
                match self
                    .runtime
                    .block_on(async move { provider.estimate_gas(estimating).await })
                {
                    Ok(estimate) => {
                        estimate.saturating_add(estimate.saturating_mul(GAS_MARGIN_PERCENT) / 100)
                    }
                    Err(e) => match as_revert(&e) {
                        Some(revert_data) => return Ok(Self::not_sent(revert_data)),
                        None => return Err(self.send_error(e)),
                    },
                }
            }
        };

        let nonce =
            self.block_on_rpc(|p| async move { p.get_transaction_count(sender).pending().await })?;
        let fees = self.block_on_rpc(|p| async move { p.estimate_eip1559_fees().await })?;
        let request = request
            .with_nonce(nonce)
            .with_chain_id(self.chain_id)
            .with_gas_limit(gas_limit)
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let envelope = self
            .runtime
            .block_on(request.clone().build(&wallet))
            .map_err(|e| ChainError::Rejected(format!("cannot sign the transaction: {e}")))?;

        let provider = self.provider.clone();
        let sent = self
            .runtime
            .block_on(async move { provider.send_tx_envelope(envelope).await })
            .map_err(|e| match e {
                RpcError::ErrorResp(payload) => ChainError::Rejected(payload.message.to_string()),
                other => self.error(other),
            })?;
        let tx_hash = *sent.tx_hash();
        let receipt = self
            .runtime
            .block_on(sent.with_timeout(Some(RECEIPT_TIMEOUT)).get_receipt())
            .map_err(|e| {
                ChainError::Rpc(format!(
                    "no receipt for {tx_hash} within {} s: {e}",
                    RECEIPT_TIMEOUT.as_secs()
                ))
            })?;

        let success = receipt.status();
        let revert_data = if success {
            None
        } else {
            self.replay(&request, &receipt)
        };
        Ok(Receipt {
            tx_hash: Some(receipt.transaction_hash),
            success,
            gas_used: receipt.gas_used,
            logs: receipt
                .inner
                .logs()
                .iter()
                .map(|log| log.inner.clone())
                .collect(),
            contract_address: receipt.contract_address,
            revert_data,
        })
    }

    /// `evm_increaseTime(seconds)`, then `evm_mine`: the new latest block is
    /// `seconds` + 1 (the block's own second) after the previous one. A node
    /// without these methods (a real chain, a Nitro devnode) gives
    /// [`ChainError::Unsupported`].
    fn advance_time(&mut self, seconds: u64) -> Result<(), ChainError> {
        for (method, params) in [
            ("evm_increaseTime", serde_json::json!([seconds])),
            ("evm_mine", serde_json::json!([])),
        ] {
            let provider = self.provider.clone();
            let answer = self.runtime.block_on(async move {
                provider
                    .raw_request::<_, Value>(method.into(), params)
                    .await
            });
            match answer {
                Ok(_) => {}
                Err(RpcError::ErrorResp(payload))
                    if payload.code == -32601
                        || payload.message.contains("not found")
                        || payload.message.contains("does not exist")
                        || payload.message.contains("not available") =>
                {
                    return Err(ChainError::Unsupported("moving the clock"))
                }
                Err(e) => return Err(self.error(e)),
            }
        }
        Ok(())
    }
}
