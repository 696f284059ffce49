//! The calldata walker on arbitrary bytes: every decoder of
//! `permission_core::calls`, every call it yields, the selector of each,
//! and the ERC-20 spend decoder on each call's data.
//!
//! Oracles: nothing panics; a call's data is a slice of the input (the
//! walker never reads outside it); the iterator's length counts down by
//! one per call, and drops to zero and ends at the first error; a single `execute`
//! yields exactly one call.

#![no_main]

use libfuzzer_sys::fuzz_target;
use permission_core::calls::{
    decode_account_call_data, decode_execute_call, decode_prefixed_call, decode_user_op_call_data,
};
use permission_core::erc20::decode_token_spend;
use permission_core::{CalldataError, Calls};

fn inside(input: &[u8], part: &[u8]) -> bool {
    let range = input.as_ptr_range();
    part.is_empty() || (range.start <= part.as_ptr() && part.as_ptr_range().end <= range.end)
}

fn walk(input: &[u8], decoded: Result<Calls<'_>, CalldataError>) {
    let Ok(mut calls) = decoded else {
        return;
    };
    let mut left = calls.len();
    while let Some(item) = calls.next() {
        assert!(left > 0, "the walker yielded more calls than it counted");
        left -= 1;
        match item {
            Ok(call) => {
                assert_eq!(calls.len(), left, "the count did not go down by one");
                assert!(
                    inside(input, call.data),
                    "a call's data lies outside the input"
                );
                let _ = call.selector();
                let _ = decode_token_spend(call.data);
            }
            Err(_) => {
                assert_eq!(calls.len(), 0, "the walker counts calls after an error");
                assert!(calls.next().is_none(), "the walker went on after an error");
                return;
            }
        }
    }
    assert_eq!(left, 0, "the walker stopped before its count");
}

fuzz_target!(|input: &[u8]| {
    walk(input, decode_execute_call(input));
    walk(input, decode_prefixed_call(input));
    walk(input, decode_user_op_call_data(input));
    walk(input, decode_account_call_data(input));
    if input.len() >= 4 && input[..4] == permission_core::selectors::EXECUTE {
        if let Ok(calls) = decode_execute_call(input) {
            assert_eq!(calls.len(), 1);
        }
    }
    let _ = permission_core::abi::split_selector(input);
});
