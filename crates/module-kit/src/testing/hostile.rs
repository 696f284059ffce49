//! Hostile account calls: encodings a session key's holder can put in a
//! user operation's `callData` to hide what the account will do.
//!
//! Each builder starts from a well-formed `execute` or `executeBatch` and
//! bends one part of its ABI encoding. The attack tests of every module
//! run the same builders, so a module that reads the encoding differently
//! from the account fails the same named case.

use alloc::vec::Vec;

use alloy_sol_types::SolCall;
use permission_core::{Address, U256};

use super::{execute, execute_batch, user_op_prefixed, IAccountExecute};

/// Byte index of argument word `word` after the 4-byte selector.
const fn arg(word: usize) -> usize {
    4 + 32 * word
}

fn set_word(call: &mut [u8], word: usize, value: U256) {
    call[arg(word)..arg(word + 1)].copy_from_slice(&value.to_be_bytes::<32>());
}

/// `execute(target, value, data)` whose target word carries `high` in its
/// top byte: the 12 bytes above a 20-byte address must be zero.
pub fn dirty_target(target: Address, value: U256, data: Vec<u8>, high: u8) -> Vec<u8> {
    let mut call = execute(target, value, data);
    call[arg(0)] = high;
    call
}

/// `executeBatch` with one call whose target word has dirty high bits.
pub fn dirty_batch_target(target: Address, value: U256, data: Vec<u8>) -> Vec<u8> {
    let mut call = execute_batch(vec![(target, value, data)]);
    // Head: array offset; body: length, element offset, then the tuple.
    call[arg(3)] = 0x01;
    call
}

/// `execute` whose `data` offset word is `offset` (relative to the
/// arguments; the honest value is `0x60`).
pub fn execute_data_offset(target: Address, value: U256, data: Vec<u8>, offset: U256) -> Vec<u8> {
    let mut call = execute(target, value, data);
    set_word(&mut call, 2, offset);
    call
}

/// `execute` whose `data` length word is `length`.
pub fn execute_data_length(target: Address, value: U256, data: Vec<u8>, length: U256) -> Vec<u8> {
    let mut call = execute(target, value, data);
    set_word(&mut call, 3, length);
    call
}

/// `execute(target, value, data)` whose `data` offset points back at the
/// `value` word (`0x20`): the two overlap, so `value` is also read as the
/// length of `data`, and `data` starts with the offset word itself. With
/// `value = 4` the account calls `target` with value 4 and the four bytes
/// `0x00000000`.
pub fn overlapping_value_and_data(target: Address, value: U256) -> Vec<u8> {
    let mut call = execute(target, value, Vec::new());
    set_word(&mut call, 2, U256::from(0x20));
    call
}

/// `executeBatch` of `copies` element offsets that all point at one call
/// tuple: the account makes that call `copies` times.
pub fn aliased_batch(target: Address, value: U256, data: Vec<u8>, copies: usize) -> Vec<u8> {
    let single = execute_batch(vec![(target, value, data)]);
    // single = selector | 0x20 | len=1 | off0=0x20 | tuple...
    let tuple = &single[arg(3)..];
    let mut call = IAccountExecute::executeBatchCall::SELECTOR.to_vec();
    call.extend_from_slice(&U256::from(0x20).to_be_bytes::<32>());
    call.extend_from_slice(&U256::from(copies).to_be_bytes::<32>());
    let first = 32 * copies;
    for _ in 0..copies {
        call.extend_from_slice(&U256::from(first).to_be_bytes::<32>());
    }
    call.extend_from_slice(tuple);
    call
}

/// `executeBatch(calls)` whose element `index` offset word is `offset`.
pub fn batch_element_offset(
    calls: Vec<(Address, U256, Vec<u8>)>,
    index: usize,
    offset: U256,
) -> Vec<u8> {
    let mut call = execute_batch(calls);
    set_word(&mut call, 2 + index, offset);
    call
}

/// `executeBatch(calls)` whose array length word is `length`.
pub fn batch_length(calls: Vec<(Address, U256, Vec<u8>)>, length: U256) -> Vec<u8> {
    let mut call = execute_batch(calls);
    set_word(&mut call, 1, length);
    call
}

/// `call` cut to its first `len` bytes.
pub fn truncated(mut call: Vec<u8>, len: usize) -> Vec<u8> {
    call.truncate(len);
    call
}

/// `0x8dd7712f ++ 0x8dd7712f ++ inner`: the `executeUserOp` prefix twice.
pub fn nested_prefix(inner: &[u8]) -> Vec<u8> {
    user_op_prefixed(&user_op_prefixed(inner))
}

/// `selector ++ args of call`: the arguments of `call` behind another
/// outer selector.
pub fn reselected(selector: [u8; 4], call: &[u8]) -> Vec<u8> {
    let mut out = selector.to_vec();
    out.extend_from_slice(&call[4..]);
    out
}

/// `executeBatch` of two element offsets into one tuple, the second one
/// word after the first: the account makes `(target, word(hidden), data)`
/// and then `(hidden, 0x60, data)`, a call to `hidden` that no honest
/// encoder would write.
pub fn overlapping_batch_elements(target: Address, hidden: Address, data: [u8; 64]) -> Vec<u8> {
    let hidden_word = U256::from_be_slice(hidden.as_slice());
    let single = execute_batch(vec![(target, hidden_word, data.to_vec())]);
    // The tuple: target | value | 0x60 | 0x40 | data (two words). Read one
    // word later it is: hidden | 0x60 | 0x40 (data offset) | data.
    let tuple = &single[arg(3)..];
    let mut call = IAccountExecute::executeBatchCall::SELECTOR.to_vec();
    for word in [0x20u64, 2, 0x40, 0x60] {
        call.extend_from_slice(&U256::from(word).to_be_bytes::<32>());
    }
    call.extend_from_slice(tuple);
    call
}
