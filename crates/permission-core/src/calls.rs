//! The calldata walker: which calls will an account call make?
//!
//! A session key's operation reaches the account as one of these forms, and
//! hooks see them in two places:
//!
//! | form | `userOp.callData` (validation hooks) | account `msg.data` (execution and runtime hooks) |
//! |---|---|---|
//! | `execute(address,uint256,bytes)` | yes | yes |
//! | `executeBatch((address,uint256,bytes)[])` | yes | yes |
//! | `0x8dd7712f ++ execute/executeBatch` (the `executeUserOp` prefix) | yes | no |
//! | `executeUserOp(PackedUserOperation,bytes32)` ABI-encoded, whose `userOp.callData` is the prefix form | no | yes |
//!
//! [`decode_user_op_call_data`] and [`decode_account_call_data`] accept
//! exactly these and reject every other outer selector with
//! [`CalldataError::UnknownSelector`]: a hook that let an unknown call shape
//! through would be blind to what it does. The prefix form is always
//! unwrapped to its inner call (MAv2's AllowlistModule v2.0.0 bypass), and a
//! prefix nested inside a prefix is refused.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};

use crate::abi::{split_selector, AbiReader, CalldataError};
use crate::selectors::{EXECUTE, EXECUTE_BATCH, EXECUTE_USER_OP};
use crate::user_op::PackedUserOpReader;

/// One call the account will make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call<'a> {
    /// The callee.
    pub target: Address,
    /// Native value sent with the call, in wei.
    pub value: U256,
    /// The call's calldata.
    pub data: &'a [u8],
}

impl Call<'_> {
    /// The call's selector: `None` for empty calldata (a plain value
    /// transfer), or an error for 1 to 3 bytes, which no function matches.
    pub fn selector(&self) -> Result<Option<[u8; 4]>, CalldataError> {
        match self.data.len() {
            0 => Ok(None),
            1..=3 => Err(CalldataError::TooShort),
            _ => split_selector(self.data).map(|(s, _)| Some(s)),
        }
    }
}

/// The calls of one account call, decoded lazily. Every item is
/// bounds-checked; a malformed element yields an error.
#[derive(Clone, Debug)]
pub struct Calls<'a> {
    inner: CallsInner<'a>,
}

#[derive(Clone, Debug)]
enum CallsInner<'a> {
    Single(Option<Call<'a>>),
    Batch {
        body: AbiReader<'a>,
        next: usize,
        len: usize,
    },
}

impl<'a> Calls<'a> {
    /// How many calls remain.
    pub fn len(&self) -> usize {
        match &self.inner {
            CallsInner::Single(call) => call.is_some() as usize,
            CallsInner::Batch { next, len, .. } => len - next,
        }
    }

    /// Whether no call remains.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes every call, failing on the first malformed one.
    pub fn collect_all(self) -> Result<Vec<Call<'a>>, CalldataError> {
        self.collect()
    }
}

impl<'a> Iterator for Calls<'a> {
    type Item = Result<Call<'a>, CalldataError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            CallsInner::Single(call) => call.take().map(Ok),
            CallsInner::Batch { body, next, len } => {
                if *next >= *len {
                    return None;
                }
                let i = *next;
                *next += 1;
                let item = body.offset(i).and_then(|tuple| decode_call_tuple(&tuple));
                if item.is_err() {
                    // Stop after the first error: nothing after it is trusted.
                    *next = *len;
                }
                Some(item)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len();
        (n, Some(n))
    }
}

/// Decodes `(address target, uint256 value, bytes data)` from a tuple region.
fn decode_call_tuple<'a>(tuple: &AbiReader<'a>) -> Result<Call<'a>, CalldataError> {
    Ok(Call {
        target: tuple.address(0)?,
        value: tuple.u256(1)?,
        data: tuple.dyn_bytes(2)?,
    })
}

/// Decodes a plain `execute` or `executeBatch` call (selector included).
pub fn decode_execute_call(data: &[u8]) -> Result<Calls<'_>, CalldataError> {
    let (selector, args) = split_selector(data)?;
    let args = AbiReader::new(args);
    let inner = match selector {
        EXECUTE => CallsInner::Single(Some(decode_call_tuple(&args)?)),
        EXECUTE_BATCH => {
            let (len, body) = args.array(0)?;
            CallsInner::Batch { body, next: 0, len }
        }
        other => return Err(CalldataError::UnknownSelector(other)),
    };
    Ok(Calls { inner })
}

/// Strips the `executeUserOp` prefix (`0x8dd7712f`, then the inner call) and
/// decodes the inner `execute` or `executeBatch`.
pub fn decode_prefixed_call(data: &[u8]) -> Result<Calls<'_>, CalldataError> {
    match split_selector(data)? {
        (EXECUTE_USER_OP, inner) => decode_execute_call(inner),
        (other, _) => Err(CalldataError::UnknownSelector(other)),
    }
}

/// Decodes a user operation's `callData` as a validation hook receives it:
/// `execute`, `executeBatch`, or the `executeUserOp` prefix around either.
pub fn decode_user_op_call_data(call_data: &[u8]) -> Result<Calls<'_>, CalldataError> {
    match split_selector(call_data)?.0 {
        EXECUTE_USER_OP => decode_prefixed_call(call_data),
        _ => decode_execute_call(call_data),
    }
}

/// Decodes the account's `msg.data` as an execution hook (or a runtime
/// validation hook) receives it: `execute`, `executeBatch`, or the
/// ABI-encoded `executeUserOp(PackedUserOperation,bytes32)` whose
/// `userOp.callData` carries the prefix form.
pub fn decode_account_call_data(msg_data: &[u8]) -> Result<Calls<'_>, CalldataError> {
    match split_selector(msg_data)? {
        (EXECUTE_USER_OP, args) => {
            let user_op = PackedUserOpReader::new(AbiReader::new(args).offset(0)?);
            decode_prefixed_call(user_op.call_data()?)
        }
        _ => decode_execute_call(msg_data),
    }
}
