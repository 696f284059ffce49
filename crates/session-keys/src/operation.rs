//! Session-key user operations on any [`Chain`]: a function call encoded
//! from its signature and arguments, the account call data for one call or
//! a batch, the validation's next nonce, gas limits measured on the chain,
//! a signed operation, and `handleOps` with its outcome decoded.
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

use alloy_dyn_abi::{JsonAbiExt, Specifier};
use alloy_json_abi::Function;
use alloy_primitives::{Address, Bytes, Log, U256};
use alloy_sol_types::{SolCall, SolEvent};
use localnet::entry_point::{user_op_hash, ENTRY_POINT};

use crate::abi::{IAccountExecute, IEntryPoint, PackedUserOperation};
use crate::chain::{CallResult, Chain, ChainError, Receipt, TxRequest};
use crate::encode::{self, execute, execute_batch, nonce_key, user_op_prefixed, EXECUTE_USER_OP};
use crate::signer::{Key, UserOpSigner};
use crate::user_op::{self, Gas};

/// Why a function call could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallEncodingError {
    /// The signature does not parse as `name(type,...)`.
    #[error("`{0}` is not a function signature: write it as name(type,...), e.g. transfer(address,uint256)")]
    BadSignature(String),
    /// The number of arguments is not the function's.
    #[error("{signature} takes {expected} argument(s), {given} given")]
    ArgumentCount {
        /// The function.
        signature: String,
        /// Its parameter count.
        expected: usize,
        /// The arguments given.
        given: usize,
    },
    /// An argument is not a value of its parameter's type.
    #[error("argument {index} of {signature}, `{value}`, is not of type {ty}: {reason}")]
    BadArgument {
        /// The function.
        signature: String,
        /// The argument's position, from 1.
        index: usize,
        /// The argument as given.
        value: String,
        /// The parameter's type.
        ty: String,
        /// What alloy said.
        reason: String,
    },
}

/// The calldata of `signature` (`transfer(address,uint256)`) with `args`
/// given as text, the way `cast calldata` takes them: numbers in decimal
/// or 0x-hex, addresses and byte strings as 0x-hex, `true`/`false`, arrays
/// and tuples as `[a,b]` and `(a,b)`.
pub fn function_call_data(signature: &str, args: &[String]) -> Result<Vec<u8>, CallEncodingError> {
    let bad_signature = || CallEncodingError::BadSignature(signature.into());
    let function = Function::parse(signature.trim()).map_err(|_| bad_signature())?;
    let canonical = function.signature();
    if function.inputs.len() != args.len() {
        return Err(CallEncodingError::ArgumentCount {
            signature: canonical,
            expected: function.inputs.len(),
            given: args.len(),
        });
    }
    let mut values = Vec::with_capacity(args.len());
    for (index, (param, value)) in function.inputs.iter().zip(args).enumerate() {
        // A parameter type alloy cannot resolve (a struct name) is a bad signature.
        let ty = param.resolve().map_err(|_| bad_signature())?;
        let parsed = ty
            .coerce_str(value)
            .map_err(|e| CallEncodingError::BadArgument {
                signature: canonical.clone(),
                index: index + 1,
                value: value.clone(),
                ty: ty.to_string(),
                // alloy's parser errors span lines (input, caret, reason):
                // the last line says what is wrong.
                reason: e
                    .to_string()
                    .lines()
                    .rev()
                    .find(|line| !line.trim().is_empty())
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            })?;
        values.push(parsed);
    }
    function
        .abi_encode_input(&values)
        .map_err(|_| bad_signature())
}

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

/// What [`estimate_gas`] adds to the least verification gas it measured, in
/// percent: unused verification gas costs nothing (it is refunded), and the
/// margin covers state that changes before inclusion.
pub const VERIFICATION_GAS_MARGIN_PERCENT: u128 = 20;

/// What [`estimate_gas`] adds to the execution gas it measured, in percent.
/// EntryPoint v0.7 charges 10% of unused `callGasLimit`, so this margin
/// costs 1% of the measure; the measure itself already over-counts (cold
/// accesses, the call's calldata).
pub const CALL_GAS_MARGIN_PERCENT: u128 = 10;

/// The gas a transaction pays before execution (no calldata counted).
const TX_BASE_GAS: u64 = 21_000;

/// The most gas [`estimate_gas`] tries for the execution call.
const MAX_CALL_GAS: u64 = 30_000_000;

/// Why [`estimate_gas`] found no gas limits.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    /// The chain could not be asked.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// Validation refuses the operation whatever its gas (`handleOps`
    /// reverts with this data, e.g. a permission hook's refusal).
    #[error("validation refuses it: {}", crate::errors::short_reason(.0))]
    Refused(Bytes),
    /// The execution reverts whatever its gas, with this data (e.g. an
    /// execution hook's refusal, or the called contract's).
    #[error("its execution reverts: {}", crate::errors::short_reason(.0))]
    ExecutionReverts(Bytes),
}

/// The least `gas` in `(lo, hi]` for which `passes`, given that `hi` passes.
/// A probe the chain refuses before execution (gas below the intrinsic
/// cost) fails; any other error stops the search.
fn least_passing(
    mut lo: u64,
    mut hi: u64,
    mut passes: impl FnMut(u64) -> Result<bool, ChainError>,
) -> Result<u64, ChainError> {
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let passed = match passes(mid) {
            Ok(passed) => passed,
            Err(ChainError::Rejected(_)) => false,
            Err(e) => return Err(e),
        };
        if passed {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// `gas` plus `percent` of it.
fn with_margin(gas: u64, percent: u128) -> u128 {
    let gas = u128::from(gas);
    gas.saturating_add(gas.saturating_mul(percent) / 100)
}

/// Gas limits for an operation of `account` with `call_data`, measured on
/// `chain`, for a validation whose key `signer` holds:
///
/// - **callGasLimit**: the least gas with which the EntryPoint's call of
///   the account succeeds (`executeUserOp(op, hash)` for the prefix form,
///   so execution hooks are measured too; the call data as is otherwise),
///   found by simulating that call from the EntryPoint, plus
///   [`CALL_GAS_MARGIN_PERCENT`]. A tight limit matters: EntryPoint v0.7
///   charges 10% of the unused part.
/// - **verificationGasLimit**: the least gas with which `handleOps`'
///   validation of the operation runs to its end, found by simulating
///   `handleOps` with the operation signed anew at each probe (its hash
///   covers the gas fields), plus [`VERIFICATION_GAS_MARGIN_PERCENT`].
///
/// An operation that validation refuses at the measured limits is
/// [`EstimateError::Refused`] (with the hook's reason), which comes before
/// [`EstimateError::ExecutionReverts`]; when the execution reverts, the
/// validation probes use `base`'s call gas. `base` also gives the upper
/// bound of the verification search, the pre-verification gas and the
/// fees, which are kept. The account must be able to pay the prefund at
/// the measured limits (else `Refused` with AA21). Each probe is one
/// `eth_call`: about 45 in all.
pub fn estimate_gas(
    chain: &mut dyn Chain,
    account: Address,
    locator: (u32, bool),
    call_data: &[u8],
    signer: &dyn UserOpSigner,
    base: Gas,
) -> Result<Gas, EstimateError> {
    estimate_gas_with_segments(chain, account, locator, call_data, signer, base, &[])
}

/// [`estimate_gas`] for an operation that carries per-hook signature
/// `segments` (as [`signed_op_with_segments`] writes them; see
/// [`crate::inspect::hook_segments`]).
pub fn estimate_gas_with_segments(
    chain: &mut dyn Chain,
    account: Address,
    (entity_id, global): (u32, bool),
    call_data: &[u8],
    signer: &dyn UserOpSigner,
    base: Gas,
    segments: &[(u8, &[u8])],
) -> Result<Gas, EstimateError> {
    let nonce = next_nonce(chain, account, entity_id, global)?;
    let chain_id = chain.chain_id()?;
    let signed = |gas: Gas| {
        let mut op = user_op::unsigned(account, nonce, call_data.to_vec(), gas);
        let hash = user_op_hash(&op, ENTRY_POINT, chain_id);
        op.signature = encode::signature(segments, &signer.sign_user_op_hash(hash));
        (op, hash)
    };

    // Execution: the EntryPoint's call of the account. Its failure is
    // reported after validation's: a refusal in validation comes first.
    let execution = if call_data.starts_with(&EXECUTE_USER_OP) {
        let (user_op, user_op_hash) = signed(base);
        IAccountExecute::executeUserOpCall {
            userOp: user_op,
            userOpHash: user_op_hash,
        }
        .abi_encode()
    } else {
        call_data.to_vec()
    };
    let mut execute = |gas: u64| -> Result<CallResult, ChainError> {
        let mut tx = TxRequest::call(account, execution.clone());
        tx.gas_limit = Some(gas);
        chain.simulate(ENTRY_POINT, tx)
    };
    let at_most = execute(MAX_CALL_GAS)?;
    let measured_call = if at_most.success {
        let least_tx = least_passing(TX_BASE_GAS, MAX_CALL_GAS, |gas| {
            execute(gas).map(|result| result.success)
        })?;
        Ok(with_margin(
            least_tx.saturating_sub(TX_BASE_GAS),
            CALL_GAS_MARGIN_PERCENT,
        ))
    } else {
        Err(at_most.output)
    };
    let call_gas_limit = measured_call
        .as_ref()
        .map_or(base.call_gas_limit, |gas| *gas);

    // Validation: handleOps with the operation signed at each probe. The
    // least verification gas with which validation runs to its end (passes,
    // or refuses for a reason other than gas: below it, it runs out), then
    // one probe at that plus the margin. Hooks may refuse *too much* gas (a
    // gas budget charges the operation's maximum cost), so a pass at the
    // ceiling is not required.
    let validate = |chain: &mut dyn Chain, verification_gas_limit: u64| {
        let gas = Gas {
            verification_gas_limit: verification_gas_limit.into(),
            call_gas_limit,
            ..base
        };
        let data = IEntryPoint::handleOpsCall {
            ops: vec![signed(gas).0],
            beneficiary: account,
        }
        .abi_encode();
        chain.simulate(Address::ZERO, TxRequest::call(ENTRY_POINT, data))
    };
    let ceiling = u64::try_from(base.verification_gas_limit).unwrap_or(u64::MAX);
    let at_most = validate(chain, ceiling)?;
    if !at_most.success && out_of_gas(&at_most.output) {
        return Err(EstimateError::Refused(at_most.output));
    }
    let least_verification = least_passing(0, ceiling, |gas| {
        validate(chain, gas).map(|result| result.success || !out_of_gas(&result.output))
    })?;
    let verification_gas_limit = with_margin(least_verification, VERIFICATION_GAS_MARGIN_PERCENT);
    let validated = validate(chain, verification_gas_limit.try_into().unwrap_or(u64::MAX))?;
    if !validated.success {
        return Err(EstimateError::Refused(validated.output));
    }
    match measured_call {
        Ok(call_gas_limit) => Ok(Gas {
            verification_gas_limit,
            call_gas_limit,
            ..base
        }),
        Err(revert) => Err(EstimateError::ExecutionReverts(revert)),
    }
}

/// Whether `handleOps`' revert data says validation ran out of gas: the
/// EntryPoint's AA26 (over verificationGasLimit) or AA95 (out of gas), or a
/// revert without data from the account, or from a module the account
/// wraps (what running out of gas or ink leaves).
fn out_of_gas(revert: &[u8]) -> bool {
    fn empty_or_wrapped_empty(data: &[u8]) -> bool {
        data.is_empty()
            || crate::errors::ModuleError::decode(data)
                .is_some_and(|wrapped| empty_or_wrapped_empty(&wrapped.reason))
    }
    match crate::errors::FailedOp::decode(revert) {
        Some(failed) => {
            failed.reason.starts_with("AA26")
                || failed.reason.starts_with("AA95")
                || failed
                    .inner
                    .as_deref()
                    .is_some_and(|inner| empty_or_wrapped_empty(inner))
        }
        None => revert.is_empty(),
    }
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
    fn out_of_gas_is_told_from_a_refusal() {
        use crate::abi::IReferenceAccount::PreUserOpValidationHookReverted;
        use alloy_sol_types::SolError;
        let failed = |reason: &str, inner: Option<Vec<u8>>| match inner {
            None => IEntryPoint::FailedOp {
                opIndex: U256::ZERO,
                reason: reason.into(),
            }
            .abi_encode(),
            Some(inner) => IEntryPoint::FailedOpWithRevert {
                opIndex: U256::ZERO,
                reason: reason.into(),
                inner: inner.into(),
            }
            .abi_encode(),
        };
        let wrapped = |reason: Vec<u8>| {
            PreUserOpValidationHookReverted {
                moduleEntity: [7u8; 24].into(),
                revertReason: reason.into(),
            }
            .abi_encode()
        };
        assert!(out_of_gas(&failed("AA26 over verificationGasLimit", None)));
        assert!(out_of_gas(&failed("AA95 out of gas", None)));
        assert!(out_of_gas(&failed("AA23 reverted", Some(Vec::new()))));
        assert!(out_of_gas(&failed(
            "AA23 reverted",
            Some(wrapped(Vec::new()))
        )));
        assert!(out_of_gas(&failed(
            "AA23 reverted",
            Some(wrapped(wrapped(Vec::new())))
        )));
        assert!(out_of_gas(&[]));
        // A hook's reason, a signature failure, an expiry: not gas.
        let refusal = wrapped(vec![0xde, 0xad, 0xbe, 0xef]);
        assert!(!out_of_gas(&failed("AA23 reverted", Some(refusal))));
        assert!(!out_of_gas(&failed("AA24 signature error", None)));
        assert!(!out_of_gas(&failed("AA22 expired or not due", None)));
        assert!(!out_of_gas(&failed("AA21 didn't pay prefund", None)));
    }

    #[test]
    fn function_calls_encode_like_the_sol_bindings() {
        let to = Address::repeat_byte(0xb0);
        let data = function_call_data(
            "transfer(address,uint256)",
            &[to.to_string(), "60000000000000000000".into()],
        )
        .unwrap();
        let expected = crate::abi::IERC20::transferCall {
            to,
            value: U256::from(60u128 * 10u128.pow(18)),
        }
        .abi_encode();
        assert_eq!(data, expected);
        assert_eq!(
            function_call_data("increment()", &[]).unwrap(),
            vec![0xd0, 0x9d, 0xe0, 0x8a]
        );
        // Hex numbers, arrays and tuples.
        let data = function_call_data(
            "f(uint8[],(bool,bytes))",
            &["[0x01,2]".into(), "(true,0xabcd)".into()],
        )
        .unwrap();
        assert_eq!(
            &data[..4],
            &alloy_primitives::keccak256("f(uint8[],(bool,bytes))")[..4]
        );

        let err = function_call_data("transfer(address,uint256)", &["0x12".into(), "1".into()])
            .unwrap_err();
        assert!(
            matches!(&err, CallEncodingError::BadArgument { index: 1, ty, .. } if ty == "address"),
            "{err}"
        );
        let err = function_call_data("transfer(address,uint256)", &["1".into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "transfer(address,uint256) takes 2 argument(s), 1 given"
        );
        let err = function_call_data("transfer", &[]).unwrap_err();
        assert!(matches!(err, CallEncodingError::BadSignature(_)), "{err}");
        let err = function_call_data("f(Thing)", &["1".into()]).unwrap_err();
        assert!(matches!(err, CallEncodingError::BadSignature(_)), "{err}");
        let err = function_call_data("f(uint8)", &["256".into()]).unwrap_err();
        assert!(
            matches!(err, CallEncodingError::BadArgument { .. }),
            "{err}"
        );
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
