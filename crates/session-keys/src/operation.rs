//! Session-key user operations on any [`Chain`]: the call data for one call
//! or a batch, the validation's next nonce, a signed operation, and
//! `handleOps` with its outcome decoded.
//!
//! ```no_run
//! use alloy_primitives::{Address, U256};
//! use session_keys::operation::{calls_data, handle_ops, signed_op, OpOutcome};
//! use session_keys::{Gas, Key, LocalChain};
//!
//! # fn demo(chain: &mut LocalChain, account: Address, counter: Address, bundler: &Key, key: &Key)
//! # -> Result<(), session_keys::ChainError> {
//! let increment = vec![0xd0, 0x9d, 0xe0, 0x8a];
//! // One call; `true`: the executeUserOp prefix form (needed with execution hooks).
//! let call_data = calls_data(&[(counter, U256::ZERO, increment)], true);
//! let op = signed_op(chain, account, 1, false, call_data, key, Gas::default())?;
//! match handle_ops(chain, bundler, op)? {
//!     OpOutcome::Executed(receipt) => println!("done, {} gas", receipt.gas_used),
//!     OpOutcome::ExecutionReverted(_, reason) => println!("reverted: {}", session_keys::describe(&reason)),
//!     OpOutcome::Refused(receipt) => println!("refused: {}", receipt.failure_reason()),
//! }
//! # Ok(()) }
//! ```

use alloy_primitives::{Address, Bytes, Log, U256};
use alloy_sol_types::{SolCall, SolEvent};
use localnet::entry_point::{user_op_hash, ENTRY_POINT};

use crate::abi::{IEntryPoint, PackedUserOperation};
use crate::chain::{Chain, ChainError, Receipt, TxRequest};
use crate::encode::{self, execute, execute_batch, nonce_key, user_op_prefixed};
use crate::signer::{Key, UserOpSigner};
use crate::user_op::{self, Gas};

/// The account call data for `calls`: `execute` for one call,
/// `executeBatch` for several, wrapped in the `executeUserOp` prefix form
/// (`0x8dd7712f ‖ …`) when `prefixed` (a validation with execution hooks
/// needs it).
pub fn calls_data(calls: &[(Address, U256, Vec<u8>)], prefixed: bool) -> Vec<u8> {
    let inner = match calls {
        [(target, value, data)] => execute(*target, *value, data.clone()),
        _ => execute_batch(calls.iter().cloned()),
    };
    if prefixed {
        user_op_prefixed(&inner)
    } else {
        inner
    }
}

/// `EntryPoint.getNonce(account, key)` for the validation at `entity_id`
/// (MAv2's validation locator in the nonce key).
pub fn next_nonce(
    chain: &mut dyn Chain,
    account: Address,
    entity_id: u32,
    global: bool,
) -> Result<U256, ChainError> {
    let call = IEntryPoint::getNonceCall {
        sender: account,
        key: nonce_key(entity_id, global),
    };
    let answer = chain.call(Address::ZERO, ENTRY_POINT, call.abi_encode().into())?;
    let output = answer.into_output().map_err(ChainError::Rpc)?;
    IEntryPoint::getNonceCall::abi_decode_returns(&output)
        .map_err(|e| ChainError::Rpc(format!("EntryPoint.getNonce: {e}")))
}

/// A user operation of `account` with `call_data`, the validation's next
/// nonce and `gas`, signed by `signer` over the v0.7 userOpHash of this
/// chain, with no per-hook signature segments (`0xFF ‖ signature`): what
/// this project's hooks expect (they refuse data they do not use).
pub fn signed_op(
    chain: &mut dyn Chain,
    account: Address,
    entity_id: u32,
    global: bool,
    call_data: Vec<u8>,
    signer: &dyn UserOpSigner,
    gas: Gas,
) -> Result<PackedUserOperation, ChainError> {
    let locator = (entity_id, global);
    signed_op_with_segments(chain, account, locator, call_data, signer, gas, &[])
}

/// [`signed_op`] with per-hook signature segments for hooks that take
/// data: `(hook index, body)` in increasing index order, written as
/// `index ‖ uint32(len) ‖ body` before `0xFF ‖ signature` (MAv2's layout).
pub fn signed_op_with_segments(
    chain: &mut dyn Chain,
    account: Address,
    (entity_id, global): (u32, bool),
    call_data: Vec<u8>,
    signer: &dyn UserOpSigner,
    gas: Gas,
    segments: &[(u8, &[u8])],
) -> Result<PackedUserOperation, ChainError> {
    let nonce = next_nonce(chain, account, entity_id, global)?;
    let chain_id = chain.chain_id()?;
    let mut op = user_op::unsigned(account, nonce, call_data, gas);
    let hash = user_op_hash(&op, ENTRY_POINT, chain_id);
    op.signature = encode::signature(segments, &signer.sign_user_op_hash(hash));
    Ok(op)
}

/// How one operation sent through `handleOps` went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpOutcome {
    /// Validated and executed.
    Executed(Receipt),
    /// Validated and paid for; its execution reverted with this data.
    ExecutionReverted(Receipt, Bytes),
    /// Refused in validation: `handleOps` reverted (`FailedOp…`, in the
    /// receipt's revert data), nothing executed.
    Refused(Receipt),
}

impl OpOutcome {
    /// The receipt.
    pub fn receipt(&self) -> &Receipt {
        match self {
            Self::Executed(r) | Self::ExecutionReverted(r, _) | Self::Refused(r) => r,
        }
    }
}

/// The `E` events the EntryPoint emitted, in order. Logs of other contracts
/// are ignored, so a called contract cannot forge a `UserOperationEvent`;
/// an EntryPoint log with `E`'s topic that does not decode is an error.
pub fn entry_point_events<E: SolEvent>(logs: &[Log]) -> Result<Vec<E>, String> {
    logs.iter()
        .filter(|log| {
            log.address == ENTRY_POINT && log.topics().first() == Some(&E::SIGNATURE_HASH)
        })
        .map(|log| {
            E::decode_log_data(&log.data)
                .map_err(|e| format!("undecodable {} log from the EntryPoint: {e}", E::SIGNATURE))
        })
        .collect()
}

/// `EntryPoint.handleOps([op], bundler)` from `bundler` (its own
/// beneficiary), with the outcome decoded from the receipt's events.
pub fn handle_ops(
    chain: &mut dyn Chain,
    bundler: &Key,
    op: PackedUserOperation,
) -> Result<OpOutcome, ChainError> {
    let data = IEntryPoint::handleOpsCall {
        ops: vec![op],
        beneficiary: bundler.address(),
    }
    .abi_encode();
    let receipt = chain.send(bundler, TxRequest::call(ENTRY_POINT, data))?;
    if !receipt.success {
        return Ok(OpOutcome::Refused(receipt));
    }
    let events = entry_point_events::<IEntryPoint::UserOperationEvent>(&receipt.logs)
        .map_err(ChainError::Rpc)?;
    match events.first() {
        Some(event) if !event.success => {
            let reason =
                entry_point_events::<IEntryPoint::UserOperationRevertReason>(&receipt.logs)
                    .map_err(ChainError::Rpc)?
                    .into_iter()
                    .next()
                    .map(|r| r.revertReason)
                    .unwrap_or_default();
            Ok(OpOutcome::ExecutionReverted(receipt, reason))
        }
        Some(_) => Ok(OpOutcome::Executed(receipt)),
        None => Err(ChainError::Rpc(
            "handleOps succeeded without a UserOperationEvent: is this EntryPoint v0.7?".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{LogData, B256};
    use alloy_sol_types::SolEvent;

    use super::*;

    fn log(address: Address, event: &IEntryPoint::UserOperationEvent) -> Log {
        Log {
            address,
            data: event.encode_log_data(),
        }
    }

    #[test]
    fn only_the_entry_points_events_count() {
        let event = |success| IEntryPoint::UserOperationEvent {
            userOpHash: B256::repeat_byte(1),
            sender: Address::repeat_byte(2),
            paymaster: Address::ZERO,
            nonce: U256::from(3),
            success,
            actualGasCost: U256::from(4),
            actualGasUsed: U256::from(5),
        };
        // A called contract logs a forged failure before the real event.
        let forger = Address::repeat_byte(0xee);
        let logs = [log(forger, &event(false)), log(ENTRY_POINT, &event(true))];
        let seen = entry_point_events::<IEntryPoint::UserOperationEvent>(&logs).unwrap();
        assert_eq!(seen, vec![event(true)]);

        let broken = Log {
            address: ENTRY_POINT,
            data: LogData::new_unchecked(
                vec![IEntryPoint::UserOperationEvent::SIGNATURE_HASH],
                vec![1, 2, 3].into(),
            ),
        };
        let err = entry_point_events::<IEntryPoint::UserOperationEvent>(&[broken]).unwrap_err();
        assert!(err.contains("undecodable UserOperationEvent"), "{err}");
    }
}
