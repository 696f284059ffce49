//! The node's bundler: the ERC-7769 methods a wallet sends user operations
//! with. The node checks an operation by simulating `handleOps` with it,
//! then bundles it alone at once: a `handleOps([op], bundler)` transaction
//! signed by [`BUNDLER_PRIVATE_KEY`](crate::BUNDLER_PRIVATE_KEY) and mined
//! like any other.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer::SignerSync;
use alloy_sol_types::{SolCall, SolEvent};
use localnet::entry_point::{user_op_hash, IEntryPoint, ENTRY_POINT};
use localnet::user_operation::RpcUserOperation;
use serde::Serialize;

use super::{Node, RpcError};
use crate::jsonrpc::INVALID_PARAMS;

/// ERC-7769: the EntryPoint's validation refused the operation (`data`:
/// its `FailedOp` revert data).
pub const REJECTED_BY_ENTRY_POINT: i64 = -32500;

/// `eth_getUserOperationReceipt`'s answer (ERC-7769).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOperationReceipt {
    user_op_hash: B256,
    entry_point: Address,
    sender: Address,
    nonce: U256,
    paymaster: Address,
    actual_gas_cost: U256,
    actual_gas_used: U256,
    success: bool,
    /// The execution's revert data, `0x` when it succeeded.
    reason: Bytes,
    logs: Vec<alloy_rpc_types_eth::Log>,
    receipt: alloy_rpc_types_eth::TransactionReceipt,
}

impl Node {
    fn check_entry_point(&self, entry_point: Address) -> Result<(), RpcError> {
        if entry_point != ENTRY_POINT || self.net.code(ENTRY_POINT).is_empty() {
            return Err(RpcError::new(
                INVALID_PARAMS,
                format!(
                    "unsupported entry point {entry_point}: this node bundles for {}",
                    self.supported_entry_points().first().map_or_else(
                        || "none (EntryPoint v0.7 is not deployed)".into(),
                        |a| a.to_string()
                    )
                ),
            ));
        }
        Ok(())
    }

    /// `eth_supportedEntryPoints`: EntryPoint v0.7 if it is deployed.
    pub(super) fn supported_entry_points(&self) -> Vec<Address> {
        if self.net.code(ENTRY_POINT).is_empty() {
            Vec::new()
        } else {
            vec![ENTRY_POINT]
        }
    }

    /// `eth_sendUserOperation`: simulates `handleOps([op])`; if the
    /// EntryPoint refuses it, error -32500 with the revert data; otherwise
    /// mines the bundle and returns the userOpHash.
    pub(super) fn send_user_operation(
        &mut self,
        op: &RpcUserOperation,
        entry_point: Address,
    ) -> Result<B256, RpcError> {
        self.check_entry_point(entry_point)?;
        let packed = op
            .to_packed()
            .map_err(|e| RpcError::invalid_params(format!("the user operation: {e}")))?;
        let chain_id = self.chain_id();
        let hash = user_op_hash(&packed, ENTRY_POINT, chain_id);
        if self.user_ops.contains_key(&hash) {
            return Err(RpcError::new(
                INVALID_PARAMS,
                format!("user operation {hash} was already bundled"),
            ));
        }
        let bundler = self.bundler.address();
        let data: Bytes = IEntryPoint::handleOpsCall {
            ops: vec![packed],
            beneficiary: bundler,
        }
        .abi_encode()
        .into();
        let request = TransactionRequest::default()
            .from(bundler)
            .to(ENTRY_POINT)
            .input(data.clone().into());
        let ctx = self.pending_ctx();
        let gas_limit = match self.estimate_gas(&request, ctx) {
            Ok(gas) => gas,
            Err(e) if e.data.is_some() => {
                return Err(RpcError {
                    code: REJECTED_BY_ENTRY_POINT,
                    message: format!("rejected by the EntryPoint: {}", e.message),
                    data: e.data,
                })
            }
            Err(e) => return Err(e),
        };
        let basefee = u128::from(self.basefee());
        let tx = TxEip1559 {
            chain_id,
            nonce: self.net.nonce(bundler),
            gas_limit,
            max_fee_per_gas: basefee.saturating_mul(2),
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(ENTRY_POINT),
            value: U256::ZERO,
            access_list: Default::default(),
            input: data,
        };
        let signature = self
            .bundler
            .sign_hash_sync(&tx.signature_hash())
            .map_err(|e| RpcError::server(format!("the bundler cannot sign: {e}")))?;
        let envelope = TxEnvelope::from(tx.into_signed(signature));
        let tx_hash = self.send_raw(&envelope.encoded_2718())?;
        self.user_ops.insert(hash, tx_hash);
        Ok(hash)
    }

    /// `eth_getUserOperationReceipt`: `None` until the operation is bundled.
    pub(super) fn user_operation_receipt(&self, hash: B256) -> Option<UserOperationReceipt> {
        let mined = self.txs.get(self.user_ops.get(&hash)?)?;
        let logs = mined.receipt.inner.logs();
        // The EntryPoint's logs about this operation (its hash is topic 1).
        let about_op: Vec<_> = logs
            .iter()
            .filter(|log| log.address() == ENTRY_POINT && log.topics().get(1) == Some(&hash))
            .collect();
        let event = about_op
            .iter()
            .find_map(|log| IEntryPoint::UserOperationEvent::decode_log_data(log.data()).ok())?;
        let reason = about_op
            .iter()
            .find_map(|log| {
                IEntryPoint::UserOperationRevertReason::decode_log_data(log.data()).ok()
            })
            .map(|r| r.revertReason)
            .unwrap_or_default();
        Some(UserOperationReceipt {
            user_op_hash: hash,
            entry_point: ENTRY_POINT,
            sender: event.sender,
            nonce: event.nonce,
            paymaster: event.paymaster,
            actual_gas_cost: event.actualGasCost,
            actual_gas_used: event.actualGasUsed,
            success: event.success,
            reason,
            logs: logs.to_vec(),
            receipt: mined.receipt.clone(),
        })
    }
}
