//! [`Node`]: the chain behind the server, its blocks, transactions and
//! receipts, and every JSON-RPC method ([`Node::call`]). The crate's docs
//! describe what the methods do; the comments here say how.
//!
//! Between requests the [`Localnet`]'s block environment is the latest
//! block's ([`Node::reset_env`] restores it, with every check on, before
//! each request); a transaction or a `pending` call switches it to the next
//! block for its run.

mod bundler;

use std::collections::HashMap;

use alloy_consensus::{
    proofs::{calculate_receipt_root, calculate_transaction_root},
    transaction::{Recovered, SignerRecoverable},
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _, TxEnvelope,
    TxType, EMPTY_OMMER_ROOT_HASH, EMPTY_ROOT_HASH,
};
use alloy_eips::{eip2718::Decodable2718, BlockId, BlockNumberOrTag};
use alloy_primitives::{logs_bloom, Address, Bloom, Bytes, TxKind, B256, U128, U256, U64};
use alloy_rpc_types_eth::{
    self as rpc, BlockTransactions, FeeHistory, Filter, FilterBlockOption, TransactionRequest,
};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolError;
use localnet::entry_point::load_entry_point_init_code;
use localnet::revm::context::result::{ExecutionResult, HaltReason};
use localnet::revm::context::TxEnv;
use localnet::revm::ExecuteEvm;
use localnet::{Localnet, BLOCK_GAS_LIMIT, COINBASE, TX_GAS_LIMIT};
use serde::Serialize;
use serde_json::{json, Value};

use crate::jsonrpc::{Params, RpcError, EXECUTION_REVERTED, INTERNAL_ERROR, METHOD_NOT_FOUND};
use crate::{NodeConfig, BUNDLER_PRIVATE_KEY, DEV_ACCOUNT, DEV_FUNDS};

/// The most blocks one `eth_feeHistory` covers (geth's limit).
const MAX_FEE_HISTORY: u64 = 1024;

/// A mined block.
#[derive(Debug)]
struct MinedBlock {
    hash: B256,
    header: Header,
    txs: Vec<B256>,
}

/// A mined transaction with its receipt.
#[derive(Debug)]
struct MinedTx {
    tx: Recovered<TxEnvelope>,
    receipt: rpc::TransactionReceipt,
}

/// The block context a simulation runs in.
#[derive(Clone, Copy, Debug)]
struct BlockCtx {
    number: u64,
    timestamp: u64,
}

/// What a simulated call did.
#[derive(Debug)]
struct Simulation {
    success: bool,
    halt: Option<HaltReason>,
    output: Bytes,
    /// Gas used before the refund: what the gas limit must at least cover.
    spent: u64,
    /// Stylus programs that trapped, as text.
    failures: Vec<String>,
}

/// The chain served over JSON-RPC.
pub struct Node {
    net: Localnet,
    blocks: Vec<MinedBlock>,
    txs: HashMap<B256, MinedTx>,
    /// Seconds `evm_increaseTime` added since the last block.
    time_offset: u64,
    /// The exact timestamp of the next block (`evm_setNextBlockTimestamp`).
    next_timestamp: Option<u64>,
    /// Signs the bundles ([`BUNDLER_PRIVATE_KEY`]).
    bundler: PrivateKeySigner,
    /// Each bundled user operation's hash, and its transaction's.
    user_ops: HashMap<B256, B256>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("latest", &self.latest_number())
            .field("txs", &self.txs.len())
            .finish_non_exhaustive()
    }
}

fn wall_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(localnet::GENESIS_TIMESTAMP)
}

impl Node {
    /// Block 0 on `net`: the deterministic deployment proxy installed,
    /// [`DEV_ACCOUNT`] and the config's accounts funded, EntryPoint v0.7
    /// deployed if asked; timestamp: the config's, or the wall clock.
    pub fn genesis(mut net: Localnet, config: &NodeConfig) -> Result<Self, String> {
        let timestamp = config.genesis_timestamp.unwrap_or_else(wall_clock);
        net.set_block_number(0);
        net.set_timestamp(timestamp);
        net.install_deterministic_deployer();
        net.fund(DEV_ACCOUNT, DEV_FUNDS);
        let bundler = PrivateKeySigner::from_bytes(&BUNDLER_PRIVATE_KEY)
            .map_err(|e| format!("the bundler key: {e}"))?;
        net.fund(bundler.address(), DEV_FUNDS);
        for (who, wei) in &config.accounts {
            net.fund(*who, *wei);
        }
        if config.entry_point {
            let code = load_entry_point_init_code().map_err(|e| e.to_string())?;
            net.try_deploy_entry_point(&code)
                .map_err(|e| format!("deploying EntryPoint v0.7: {e}"))?;
        }
        let mut node = Self {
            net,
            blocks: Vec::new(),
            txs: HashMap::new(),
            time_offset: 0,
            next_timestamp: None,
            bundler,
            user_ops: HashMap::new(),
        };
        let ctx = BlockCtx {
            number: 0,
            timestamp,
        };
        node.seal(ctx, None);
        Ok(node)
    }

    fn latest(&self) -> &MinedBlock {
        self.blocks
            .last()
            .expect("the genesis block is always there")
    }

    fn latest_number(&self) -> u64 {
        self.latest().header.number
    }

    fn chain_id(&mut self) -> u64 {
        self.net.evm().ctx().cfg.chain_id
    }

    fn basefee(&mut self) -> u64 {
        self.net.evm().ctx().block.basefee
    }

    /// Puts the chain's environment back to the latest block, with every
    /// check on: done before each request, so nothing a failed (or
    /// panicked) request left behind leaks into the next.
    pub fn reset_env(&mut self) {
        let (number, timestamp) = (self.latest().header.number, self.latest().header.timestamp);
        self.net.set_block_number(number);
        self.net.set_timestamp(timestamp);
        let cfg = &mut self.net.evm().ctx().cfg;
        cfg.disable_nonce_check = false;
        cfg.disable_balance_check = false;
        cfg.disable_base_fee = false;
        cfg.disable_eip3607 = false;
    }

    fn latest_ctx(&self) -> BlockCtx {
        BlockCtx {
            number: self.latest().header.number,
            timestamp: self.latest().header.timestamp,
        }
    }

    /// The next block's number and timestamp.
    fn pending_ctx(&self) -> BlockCtx {
        let latest = &self.latest().header;
        let timestamp = self.next_timestamp.unwrap_or_else(|| {
            latest
                .timestamp
                .saturating_add(1)
                .saturating_add(self.time_offset)
        });
        BlockCtx {
            number: latest.number + 1,
            timestamp,
        }
    }

    /// Records block `ctx` with at most one transaction and its receipt, and
    /// makes it the latest.
    fn seal(
        &mut self,
        ctx: BlockCtx,
        mined: Option<(Recovered<TxEnvelope>, localnet::TxOutcome)>,
    ) -> B256 {
        let basefee = self.basefee();
        let parent_hash = self.blocks.last().map(|b| b.hash).unwrap_or_default();
        let mut header = Header {
            parent_hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: COINBASE,
            state_root: B256::ZERO,
            transactions_root: EMPTY_ROOT_HASH,
            receipts_root: EMPTY_ROOT_HASH,
            logs_bloom: Bloom::ZERO,
            difficulty: U256::ZERO,
            number: ctx.number,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used: 0,
            timestamp: ctx.timestamp,
            base_fee_per_gas: Some(basefee),
            ..Header::default()
        };
        let Some((tx, outcome)) = mined else {
            let hash = header.hash_slow();
            self.push_block(MinedBlock {
                hash,
                header,
                txs: Vec::new(),
            });
            return hash;
        };

        let tx_hash = *tx.inner().tx_hash();
        let tx_type = tx.inner().tx_type();
        let bloom = logs_bloom(outcome.logs.iter());
        let consensus_receipt = ReceiptEnvelope::from_typed(
            tx_type,
            ReceiptWithBloom {
                receipt: Receipt {
                    status: Eip658Value::Eip658(outcome.success),
                    cumulative_gas_used: outcome.gas_used,
                    logs: outcome.logs.clone(),
                },
                logs_bloom: bloom,
            },
        );
        header.transactions_root = calculate_transaction_root(std::slice::from_ref(tx.inner()));
        header.receipts_root = calculate_receipt_root(&[consensus_receipt]);
        header.logs_bloom = bloom;
        header.gas_used = outcome.gas_used;
        let hash = header.hash_slow();

        let logs = outcome
            .logs
            .iter()
            .enumerate()
            .map(|(index, log)| rpc::Log {
                inner: log.clone(),
                block_hash: Some(hash),
                block_number: Some(ctx.number),
                block_timestamp: Some(ctx.timestamp),
                transaction_hash: Some(tx_hash),
                transaction_index: Some(0),
                log_index: Some(index as u64),
                removed: false,
            })
            .collect();
        let receipt = rpc::TransactionReceipt {
            inner: ReceiptEnvelope::from_typed(
                tx_type,
                ReceiptWithBloom {
                    receipt: Receipt {
                        status: Eip658Value::Eip658(outcome.success),
                        cumulative_gas_used: outcome.gas_used,
                        logs,
                    },
                    logs_bloom: bloom,
                },
            ),
            transaction_hash: tx_hash,
            transaction_index: Some(0),
            block_hash: Some(hash),
            block_number: Some(ctx.number),
            gas_used: outcome.gas_used,
            effective_gas_price: tx.effective_gas_price(Some(basefee)),
            blob_gas_used: None,
            blob_gas_price: None,
            from: tx.signer(),
            to: tx.to(),
            contract_address: outcome.created,
        };
        self.txs.insert(tx_hash, MinedTx { tx, receipt });
        self.push_block(MinedBlock {
            hash,
            header,
            txs: vec![tx_hash],
        });
        hash
    }

    fn push_block(&mut self, block: MinedBlock) {
        self.blocks.push(block);
        self.time_offset = 0;
        self.next_timestamp = None;
        self.reset_env();
    }

    /// `eth_sendRawTransaction`: decodes, checks and mines `raw` in its own
    /// block. A refused transaction changes nothing.
    fn send_raw(&mut self, raw: &[u8]) -> Result<B256, RpcError> {
        let mut slice = raw;
        let envelope = TxEnvelope::decode_2718(&mut slice).map_err(|e| {
            RpcError::invalid_params(format!("cannot decode the signed transaction: {e}"))
        })?;
        if !slice.is_empty() {
            return Err(RpcError::invalid_params(format!(
                "{} bytes after the signed transaction",
                slice.len()
            )));
        }
        match envelope.tx_type() {
            TxType::Legacy | TxType::Eip2930 | TxType::Eip1559 => {}
            other => {
                return Err(RpcError::server(format!(
                    "transaction type not supported: {other} (localnet-rpc takes legacy, \
                     EIP-2930 and EIP-1559 transactions)"
                )))
            }
        }
        let hash = *envelope.tx_hash();
        if self.txs.contains_key(&hash) {
            return Err(RpcError::server(format!("already known: {hash}")));
        }
        let from = envelope
            .recover_signer()
            .map_err(|e| RpcError::server(format!("invalid sender: {e}")))?;
        let chain_id = self.chain_id();
        if let Some(tx_chain) = envelope.chain_id() {
            if tx_chain != chain_id {
                return Err(RpcError::server(format!(
                    "invalid chain id for signer: have {tx_chain} want {chain_id}"
                )));
            }
        }

        // geth's wording for the refusals tools recognise; revm checks them
        // all again (and more) below.
        let state_nonce = self.net.nonce(from);
        let nonce = envelope.nonce();
        if nonce < state_nonce {
            return Err(RpcError::server(format!(
                "nonce too low: address {from}, tx: {nonce} state: {state_nonce}"
            )));
        }
        if nonce > state_nonce {
            return Err(RpcError::server(format!(
                "nonce too high: address {from}, tx: {nonce} state: {state_nonce} \
                 (localnet-rpc has no transaction pool: send nonces in order)"
            )));
        }
        let basefee = self.basefee();
        let max_fee = envelope.max_fee_per_gas();
        if max_fee < u128::from(basefee) {
            return Err(RpcError::server(format!(
                "max fee per gas less than block base fee: address {from}, \
                 maxFeePerGas: {max_fee}, baseFee: {basefee}"
            )));
        }
        let balance = self.net.balance(from);
        let cost = U256::from(envelope.gas_limit())
            .saturating_mul(U256::from(max_fee))
            .saturating_add(envelope.value());
        if balance < cost {
            return Err(RpcError::server(format!(
                "insufficient funds for gas * price + value: address {from} have {balance} want {cost}"
            )));
        }

        let tx = TxEnv {
            tx_type: envelope.tx_type() as u8,
            caller: from,
            gas_limit: envelope.gas_limit(),
            gas_price: max_fee,
            kind: envelope.kind(),
            value: envelope.value(),
            data: envelope.input().clone(),
            nonce,
            chain_id: envelope.chain_id(),
            access_list: envelope.access_list().cloned().unwrap_or_default(),
            gas_priority_fee: envelope.max_priority_fee_per_gas(),
            ..TxEnv::default()
        };
        let ctx = self.pending_ctx();
        self.net.set_block_number(ctx.number);
        self.net.set_timestamp(ctx.timestamp);
        let outcome = match self.net.try_transact_env(tx) {
            Ok(outcome) => outcome,
            Err(e) => {
                self.reset_env();
                return Err(RpcError::server(format!("transaction refused: {e}")));
            }
        };
        self.seal(
            ctx,
            Some((Recovered::new_unchecked(envelope, from), outcome)),
        );
        Ok(hash)
    }

    /// Runs `req` with `gas_limit` in `ctx` without committing anything.
    /// `Err` if revm refuses it (funds, intrinsic gas).
    fn simulate(
        &mut self,
        req: &TransactionRequest,
        gas_limit: u64,
        ctx: BlockCtx,
    ) -> Result<Simulation, String> {
        let from = req.from.unwrap_or_default();
        let basefee = u128::from(self.basefee());
        let gas_price = match (req.gas_price, req.max_fee_per_gas) {
            (Some(price), _) => price,
            (None, Some(max_fee)) => {
                max_fee.min(basefee.saturating_add(req.max_priority_fee_per_gas.unwrap_or(0)))
            }
            (None, None) => 0,
        };
        let access_list = req.access_list.clone().unwrap_or_default();
        let chain_id = self.chain_id();
        let tx = TxEnv {
            tx_type: if access_list.is_empty() { 0 } else { 1 },
            caller: from,
            gas_limit,
            gas_price,
            kind: req.to.unwrap_or(TxKind::Create),
            value: req.value.unwrap_or_default(),
            data: req.input.input().cloned().unwrap_or_default(),
            nonce: self.net.nonce(from),
            chain_id: Some(chain_id),
            access_list,
            ..TxEnv::default()
        };
        self.net.set_block_number(ctx.number);
        self.net.set_timestamp(ctx.timestamp);
        {
            let cfg = &mut self.net.evm().ctx().cfg;
            cfg.disable_nonce_check = true;
            cfg.disable_base_fee = true;
            // geth lets calls come from any address, contracts included.
            cfg.disable_eip3607 = true;
        }
        let result = self.net.evm().transact(tx);
        let failures = self
            .net
            .evm()
            .failures()
            .iter()
            .map(|f| {
                format!(
                    "program {} (depth {}) failed: {}",
                    f.contract, f.depth, f.reason
                )
            })
            .collect();
        self.reset_env();
        let result = result.map_err(|e| e.to_string())?.result;
        let spent = result.tx_gas_used() + result.gas().final_refunded();
        Ok(match result {
            ExecutionResult::Success { output, .. } => Simulation {
                success: true,
                halt: None,
                output: output.into_data(),
                spent,
                failures,
            },
            ExecutionResult::Revert { output, .. } => Simulation {
                success: false,
                halt: None,
                output,
                spent,
                failures,
            },
            ExecutionResult::Halt { reason, .. } => Simulation {
                success: false,
                halt: Some(reason),
                output: Bytes::new(),
                spent,
                failures,
            },
        })
    }

    /// The error for a simulation that did not succeed.
    fn failure_error(sim: &Simulation, gas_limit: u64) -> RpcError {
        match &sim.halt {
            None => revert_error(&sim.output, &sim.failures),
            Some(HaltReason::OutOfGas(_)) => {
                RpcError::server(format!("out of gas: gas required exceeds {gas_limit}"))
            }
            Some(halt) => RpcError::server(format!("execution halted: {halt:?}")),
        }
    }

    /// `eth_call`.
    fn eth_call(&mut self, req: &TransactionRequest, ctx: BlockCtx) -> Result<Bytes, RpcError> {
        let gas_limit = req.gas.unwrap_or(TX_GAS_LIMIT);
        let sim = self
            .simulate(req, gas_limit, ctx)
            .map_err(refused_simulation)?;
        if sim.success {
            Ok(sim.output)
        } else {
            Err(Self::failure_error(&sim, gas_limit))
        }
    }

    /// `eth_estimateGas`: the least gas limit with which `req` succeeds,
    /// found by binary search between the gas it spends (refunds included)
    /// and the cap (`req.gas`, or [`TX_GAS_LIMIT`]). Gas spent is not enough
    /// in general: a call forwards only 63/64 of the gas left, and Stylus
    /// programs need their entry cost and ink up front, so each probe runs
    /// the whole call again.
    fn estimate_gas(&mut self, req: &TransactionRequest, ctx: BlockCtx) -> Result<u64, RpcError> {
        let cap = req.gas.unwrap_or(TX_GAS_LIMIT);
        let first = self.simulate(req, cap, ctx).map_err(refused_simulation)?;
        if !first.success {
            return Err(Self::failure_error(&first, cap));
        }
        let succeeds = |node: &mut Self, gas: u64| {
            node.simulate(req, gas, ctx)
                .map(|sim| sim.success)
                .unwrap_or(false)
        };
        // Invariant: `lo` fails (assumed for spent - 1, as geth does), `hi` succeeds.
        let mut lo = first.spent.saturating_sub(1);
        let mut hi = cap;
        // Most calls need little more than they spend: try that first (the
        // 63/64 of a nested call, and a call stipend).
        let optimistic = first.spent.saturating_add(2_300).saturating_mul(64) / 63;
        if optimistic > lo && optimistic < hi {
            if succeeds(self, optimistic) {
                hi = optimistic;
            } else {
                lo = optimistic;
            }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if succeeds(self, mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }

    /// The block a tag names, if it exists.
    fn number_of(&self, tag: BlockNumberOrTag) -> Option<u64> {
        let latest = self.latest_number();
        match tag {
            BlockNumberOrTag::Earliest => Some(0),
            BlockNumberOrTag::Number(n) => (n <= latest).then_some(n),
            BlockNumberOrTag::Latest
            | BlockNumberOrTag::Pending
            | BlockNumberOrTag::Safe
            | BlockNumberOrTag::Finalized => Some(latest),
        }
    }

    fn block_by_hash(&self, hash: B256) -> Option<&MinedBlock> {
        self.blocks.iter().rev().find(|b| b.hash == hash)
    }

    /// Checks that state can be read at `block` (only the latest state is
    /// kept) and returns the context to run calls in: the next block for
    /// `pending`, the latest otherwise, `default` when no block is given.
    fn state_at(&self, block: Option<BlockId>, default: BlockCtx) -> Result<BlockCtx, RpcError> {
        let latest = self.latest_number();
        let number = match block {
            None => return Ok(default),
            Some(BlockId::Number(BlockNumberOrTag::Pending)) => return Ok(self.pending_ctx()),
            Some(BlockId::Number(tag)) => self
                .number_of(tag)
                .ok_or_else(|| RpcError::server(format!("header not found: block {tag}")))?,
            Some(BlockId::Hash(hash)) => {
                self.block_by_hash(hash.block_hash)
                    .ok_or_else(|| {
                        RpcError::server(format!("header for hash not found: {}", hash.block_hash))
                    })?
                    .header
                    .number
            }
        };
        if number != latest {
            return Err(RpcError::server(format!(
                "historical state is not available: localnet-rpc keeps only the latest \
                 state (block {latest}), not block {number}'s"
            )));
        }
        Ok(self.latest_ctx())
    }

    fn rpc_tx(&self, mined: &MinedTx) -> rpc::Transaction {
        rpc::Transaction {
            inner: mined.tx.clone(),
            block_hash: mined.receipt.block_hash,
            block_number: mined.receipt.block_number,
            transaction_index: Some(0),
            effective_gas_price: Some(mined.receipt.effective_gas_price),
        }
    }

    fn block_json(&self, block: &MinedBlock, full: bool) -> Result<Value, RpcError> {
        let transactions = if full {
            BlockTransactions::Full(
                block
                    .txs
                    .iter()
                    .filter_map(|hash| self.txs.get(hash))
                    .map(|mined| self.rpc_tx(mined))
                    .collect(),
            )
        } else {
            BlockTransactions::Hashes(block.txs.clone())
        };
        let header = rpc::Header {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(U256::ZERO),
            size: None,
        };
        to_json(rpc::Block {
            header,
            uncles: Vec::new(),
            transactions,
            withdrawals: None,
        })
    }

    fn fee_history(
        &mut self,
        count: u64,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> Result<FeeHistory, RpcError> {
        let latest = self.latest_number();
        let newest = match newest {
            BlockNumberOrTag::Number(n) if n > latest => {
                return Err(RpcError::server(format!(
                    "request beyond head block: requested {n}, head {latest}"
                )))
            }
            tag => self.number_of(tag).unwrap_or(latest),
        };
        if let Some(ps) = &percentiles {
            let sorted = ps.windows(2).all(|w| w[0] <= w[1]);
            if !sorted || ps.iter().any(|p| !(0.0..=100.0).contains(p)) {
                return Err(RpcError::invalid_params(format!(
                    "invalid reward percentiles {ps:?}: each in [0, 100], in increasing order"
                )));
            }
        }
        let count = count.min(MAX_FEE_HISTORY).min(newest + 1);
        if count == 0 {
            return Ok(FeeHistory {
                oldest_block: newest,
                ..FeeHistory::default()
            });
        }
        let oldest = newest + 1 - count;
        let next_basefee = u128::from(self.basefee());
        let blocks = &self.blocks[oldest as usize..=newest as usize];
        let mut base_fee_per_gas: Vec<u128> = blocks
            .iter()
            .map(|b| u128::from(b.header.base_fee_per_gas.unwrap_or_default()))
            .collect();
        base_fee_per_gas.push(next_basefee);
        let gas_used_ratio = blocks
            .iter()
            .map(|b| b.header.gas_used as f64 / b.header.gas_limit as f64)
            .collect();
        let reward = percentiles.filter(|ps| !ps.is_empty()).map(|ps| {
            blocks
                .iter()
                .map(|b| {
                    // One transaction per block: every percentile is its tip.
                    let basefee = u128::from(b.header.base_fee_per_gas.unwrap_or_default());
                    let tip = b
                        .txs
                        .first()
                        .and_then(|hash| self.txs.get(hash))
                        .map(|t| t.receipt.effective_gas_price.saturating_sub(basefee))
                        .unwrap_or(0);
                    vec![tip; ps.len()]
                })
                .collect()
        });
        Ok(FeeHistory {
            oldest_block: oldest,
            base_fee_per_gas,
            gas_used_ratio,
            base_fee_per_blob_gas: Vec::new(),
            blob_gas_used_ratio: Vec::new(),
            reward,
        })
    }

    fn logs(&self, filter: &Filter) -> Result<Vec<rpc::Log>, RpcError> {
        let latest = self.latest_number();
        let (from, to) = match filter.block_option {
            FilterBlockOption::AtBlockHash(hash) => {
                let block = self
                    .block_by_hash(hash)
                    .ok_or_else(|| RpcError::server(format!("unknown block {hash}")))?;
                (block.header.number, block.header.number)
            }
            FilterBlockOption::Range {
                from_block,
                to_block,
            } => {
                let resolve = |tag: Option<BlockNumberOrTag>| match tag {
                    None => latest,
                    Some(BlockNumberOrTag::Number(n)) => n,
                    Some(tag) => self.number_of(tag).unwrap_or(latest),
                };
                (resolve(from_block), resolve(to_block).min(latest))
            }
        };
        if from > to {
            return if from > latest {
                Ok(Vec::new())
            } else {
                Err(RpcError::server(format!(
                    "invalid block range params: from {from} is after to {to}"
                )))
            };
        }
        let mut logs = Vec::new();
        for block in &self.blocks[from as usize..=to as usize] {
            for mined in block.txs.iter().filter_map(|hash| self.txs.get(hash)) {
                logs.extend(
                    mined
                        .receipt
                        .inner
                        .logs()
                        .iter()
                        .filter(|log| filter.matches(&log.inner))
                        .cloned(),
                );
            }
        }
        Ok(logs)
    }

    /// Answers one JSON-RPC method.
    pub fn call(&mut self, method: &str, params: Params<'_>) -> Result<Value, RpcError> {
        self.reset_env();
        match method {
            "web3_clientVersion" => to_json(format!("localnet-rpc/{}", env!("CARGO_PKG_VERSION"))),
            "net_version" => to_json(self.chain_id().to_string()),
            "net_listening" => to_json(true),
            "eth_chainId" => to_json(U64::from(self.chain_id())),
            "eth_syncing" => to_json(false),
            "eth_accounts" => to_json(Vec::<Address>::new()),
            "eth_blockNumber" => to_json(U64::from(self.latest_number())),
            "eth_gasPrice" => to_json(U128::from(self.basefee())),
            // Arbitrum pays no tips: its nodes suggest 0.
            "eth_maxPriorityFeePerGas" => to_json(U128::ZERO),
            "eth_feeHistory" => {
                let count = params
                    .quantity(0, "blockCount")?
                    .ok_or_else(|| RpcError::invalid_params("missing blockCount"))?;
                let newest: BlockNumberOrTag = params.required(1, "newestBlock")?;
                let percentiles: Option<Vec<f64>> = params.optional(2, "rewardPercentiles")?;
                to_json(self.fee_history(count, newest, percentiles)?)
            }
            "eth_getBlockByNumber" => {
                let tag: BlockNumberOrTag = params.required(0, "block")?;
                let full = params
                    .optional::<bool>(1, "fullTransactions")?
                    .unwrap_or(false);
                match self.number_of(tag) {
                    Some(n) => self.block_json(&self.blocks[n as usize], full),
                    None => Ok(Value::Null),
                }
            }
            "eth_getBlockByHash" => {
                let hash: B256 = params.required(0, "blockHash")?;
                let full = params
                    .optional::<bool>(1, "fullTransactions")?
                    .unwrap_or(false);
                match self.block_by_hash(hash) {
                    Some(block) => self.block_json(block, full),
                    None => Ok(Value::Null),
                }
            }
            "eth_getBalance" => {
                let address: Address = params.required(0, "address")?;
                self.state_at(params.optional(1, "block")?, self.latest_ctx())?;
                to_json(self.net.balance(address))
            }
            "eth_getCode" => {
                let address: Address = params.required(0, "address")?;
                self.state_at(params.optional(1, "block")?, self.latest_ctx())?;
                to_json(self.net.code(address))
            }
            "eth_getStorageAt" => {
                let address: Address = params.required(0, "address")?;
                let slot: U256 = params.required(1, "slot")?;
                self.state_at(params.optional(2, "block")?, self.latest_ctx())?;
                to_json(B256::from(self.net.storage(address, slot)))
            }
            "eth_getTransactionCount" => {
                let address: Address = params.required(0, "address")?;
                self.state_at(params.optional(1, "block")?, self.latest_ctx())?;
                to_json(U64::from(self.net.nonce(address)))
            }
            "eth_call" | "eth_estimateGas" => {
                let req: TransactionRequest = params.required(0, "transaction")?;
                if params.raw(2).is_some() {
                    return Err(RpcError::invalid_params(
                        "state overrides are not supported by localnet-rpc",
                    ));
                }
                if method == "eth_call" {
                    let ctx = self.state_at(params.optional(1, "block")?, self.latest_ctx())?;
                    to_json(self.eth_call(&req, ctx)?)
                } else {
                    let ctx = self.state_at(params.optional(1, "block")?, self.pending_ctx())?;
                    to_json(U64::from(self.estimate_gas(&req, ctx)?))
                }
            }
            "eth_sendRawTransaction" => {
                let raw: Bytes = params.required(0, "signedTransaction")?;
                to_json(self.send_raw(&raw)?)
            }
            "eth_sendTransaction" => Err(RpcError::new(
                METHOD_NOT_FOUND,
                "eth_sendTransaction is not available: localnet-rpc holds no keys; sign the \
                 transaction and use eth_sendRawTransaction",
            )),
            "eth_getTransactionReceipt" => {
                let hash: B256 = params.required(0, "transactionHash")?;
                to_json(self.txs.get(&hash).map(|mined| &mined.receipt))
            }
            "eth_getTransactionByHash" => {
                let hash: B256 = params.required(0, "transactionHash")?;
                to_json(self.txs.get(&hash).map(|mined| self.rpc_tx(mined)))
            }
            "eth_getLogs" => {
                let filter: Filter = params.required(0, "filter")?;
                to_json(self.logs(&filter)?)
            }
            "eth_supportedEntryPoints" => to_json(self.supported_entry_points()),
            "eth_sendUserOperation" => {
                let op: localnet::user_operation::RpcUserOperation =
                    params.required(0, "userOperation")?;
                let entry_point: Address = params.required(1, "entryPoint")?;
                to_json(self.send_user_operation(&op, entry_point)?)
            }
            "eth_getUserOperationReceipt" => {
                let hash: B256 = params.required(0, "userOpHash")?;
                to_json(self.user_operation_receipt(hash))
            }
            "evm_increaseTime" => {
                let seconds = params
                    .quantity(0, "seconds")?
                    .ok_or_else(|| RpcError::invalid_params("missing seconds"))?;
                self.time_offset = self
                    .time_offset
                    .checked_add(seconds)
                    .ok_or_else(|| RpcError::invalid_params("the clock would pass 2^64 seconds"))?;
                to_json(self.time_offset)
            }
            "evm_setNextBlockTimestamp" => {
                let timestamp = params
                    .quantity(0, "timestamp")?
                    .ok_or_else(|| RpcError::invalid_params("missing timestamp"))?;
                let latest = self.latest().header.timestamp;
                if timestamp < latest {
                    return Err(RpcError::invalid_params(format!(
                        "timestamp {timestamp} is before the latest block's ({latest})"
                    )));
                }
                self.next_timestamp = Some(timestamp);
                to_json(timestamp)
            }
            "evm_mine" => {
                if let Some(timestamp) = params.quantity(0, "timestamp")? {
                    let latest = self.latest().header.timestamp;
                    if timestamp < latest {
                        return Err(RpcError::invalid_params(format!(
                            "timestamp {timestamp} is before the latest block's ({latest})"
                        )));
                    }
                    self.next_timestamp = Some(timestamp);
                }
                let ctx = self.pending_ctx();
                self.seal(ctx, None);
                to_json("0x0")
            }
            _ => Err(RpcError::method_not_found(method)),
        }
    }
}

fn to_json<T: Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value)
        .map_err(|e| RpcError::new(INTERNAL_ERROR, format!("serializing the answer: {e}")))
}

/// revm refused a simulated call (funds for `value`, intrinsic gas...).
fn refused_simulation(reason: String) -> RpcError {
    let lower = reason.to_lowercase();
    if lower.contains("lack of funds") {
        RpcError::server(format!("insufficient funds for transfer: {reason}"))
    } else if lower.contains("call gas cost") && lower.contains("exceeds the gas limit") {
        // geth's wording for a gas limit below the intrinsic cost.
        RpcError::server(format!("intrinsic gas too low: {reason}"))
    } else {
        RpcError::server(reason)
    }
}

/// geth's revert error: code 3, the revert data in `data`.
fn revert_error(output: &Bytes, failures: &[String]) -> RpcError {
    let mut message = String::from("execution reverted");
    if let Ok(revert) = alloy_sol_types::Revert::abi_decode(output) {
        message.push_str(": ");
        message.push_str(&revert.reason);
    } else if output.is_empty() && !failures.is_empty() {
        message.push_str(&format!(" ({})", failures.join("; ")));
    }
    RpcError {
        code: EXECUTION_REVERTED,
        message,
        data: Some(json!(output)),
    }
}
