//! The calldata walker on arbitrary bytes (raw, or assembled from ABI-shaped
//! words behind an account selector, see `words.rs`): every decoder of
//! `permission_core::calls`, every call it yields, `Call::selector`,
//! `Calls::collect_all`, and the ERC-20 spend decoder on each call's data.
//!
//! Oracles: nothing panics; a call's data is a slice of the input (the
//! walker never reads outside it); the iterator's length counts down by
//! one per call, and drops to zero and ends at the first error;
//! `collect_all` agrees with the iteration; a single `execute` yields
//! exactly one call; the forms relate as documented (the prefix unwraps to
//! the plain decoder, a nested prefix is refused, other selectors go to
//! the plain decoder); a call's selector is its first four bytes; a
//! decoded token spend re-encodes (alloy) to the call's first 68 bytes;
//! and whatever alloy's validating decoder accepts as `execute` or
//! `executeBatch`, the walker decodes to the same calls.

#![no_main]

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use libfuzzer_sys::fuzz_target;
use permission_core::calls::{
    decode_account_call_data, decode_execute_call, decode_prefixed_call, decode_user_op_call_data,
};
use permission_core::erc20::{decode_token_spend, TokenCallError, TokenSpend};
use permission_core::selectors::{
    ERC20_APPROVE, ERC20_INCREASE_ALLOWANCE, ERC20_TRANSFER, EXECUTE, EXECUTE_BATCH,
    EXECUTE_USER_OP,
};
use permission_core::{Call, CalldataError, Calls};

mod words;

sol! {
    struct AlloyCall {
        address target;
        uint256 value;
        bytes data;
    }
    function execute(address target, uint256 value, bytes data);
    function executeBatch(AlloyCall[] calls);
    function transfer(address to, uint256 amount);
    function approve(address spender, uint256 amount);
    function increaseAllowance(address spender, uint256 added);
}

type Owned = (Address, U256, Vec<u8>);

fn inside(input: &[u8], part: &[u8]) -> bool {
    let range = input.as_ptr_range();
    part.is_empty() || (range.start <= part.as_ptr() && part.as_ptr_range().end <= range.end)
}

fn check_selector(call: &Call<'_>) {
    match call.selector() {
        Ok(None) => assert!(call.data.is_empty()),
        Ok(Some(selector)) => assert_eq!(selector[..], call.data[..4]),
        Err(e) => {
            assert!((1..=3).contains(&call.data.len()));
            assert_eq!(e, CalldataError::TooShort);
        }
    }
}

fn check_token_spend(data: &[u8]) {
    let chargeable = [ERC20_TRANSFER, ERC20_APPROVE, ERC20_INCREASE_ALLOWANCE];
    let spend = match decode_token_spend(data) {
        Ok(spend) => spend,
        Err(TokenCallError::UnsupportedSelector(None)) => {
            assert!(data.is_empty());
            return;
        }
        Err(TokenCallError::UnsupportedSelector(Some(selector))) => {
            assert_eq!(selector[..], data[..4]);
            assert!(!chargeable.contains(&selector));
            return;
        }
        Err(TokenCallError::Malformed(_)) => {
            // Too short, or (with both words there) a dirty address word.
            assert!(data.len() < 68 || data[4..16].iter().any(|b| *b != 0));
            return;
        }
    };
    let encoded = match spend {
        TokenSpend::Transfer { to, amount } => transferCall { to, amount }.abi_encode(),
        TokenSpend::Approve { spender, amount } => approveCall { spender, amount }.abi_encode(),
        TokenSpend::IncreaseAllowance { spender, added } => {
            increaseAllowanceCall { spender, added }.abi_encode()
        }
    };
    assert_eq!(encoded.len(), 68);
    assert_eq!(data.get(..68), Some(encoded.as_slice()));
}

/// Walks the calls; returns them if all decoded.
fn walk<'a>(input: &[u8], decoded: &Result<Calls<'a>, CalldataError>) -> Option<Vec<Call<'a>>> {
    let Ok(calls) = decoded else {
        return None;
    };
    let collected = calls.clone().collect_all();
    let mut calls = calls.clone();
    let mut left = calls.len();
    assert_eq!(calls.size_hint(), (left, Some(left)));
    assert_eq!(calls.is_empty(), left == 0);
    let mut walked = Vec::new();
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
                check_selector(&call);
                check_token_spend(call.data);
                walked.push(call);
            }
            Err(e) => {
                assert_eq!(calls.len(), 0, "the walker counts calls after an error");
                assert!(calls.next().is_none(), "the walker went on after an error");
                assert_eq!(collected, Err(e), "collect_all disagrees with the walk");
                return None;
            }
        }
    }
    assert_eq!(left, 0, "the walker stopped before its count");
    assert!(calls.next().is_none());
    assert_eq!(collected.as_ref(), Ok(&walked), "collect_all disagrees");
    Some(walked)
}

fn owned(calls: Option<Vec<Call<'_>>>) -> Option<Vec<Owned>> {
    calls.map(|calls| {
        calls
            .into_iter()
            .map(|c| (c.target, c.value, c.data.to_vec()))
            .collect()
    })
}

/// Compares two decodings: same error, or the same calls.
fn same(a: &Result<Calls<'_>, CalldataError>, b: &Result<Calls<'_>, CalldataError>) {
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(
            a.clone().collect_all().map(|c| owned(Some(c))),
            b.clone().collect_all().map(|c| owned(Some(c)))
        ),
        (a, b) => assert_eq!(a.as_ref().err(), b.as_ref().err()),
    }
}

/// Whatever alloy's validating decoder accepts, the walker decodes alike.
fn against_alloy(input: &[u8], walked: Option<Vec<Owned>>) {
    let expected: Vec<Owned> = if let Ok(call) = executeCall::abi_decode_validate(input) {
        vec![(call.target, call.value, call.data.to_vec())]
    } else if let Ok(batch) = executeBatchCall::abi_decode_validate(input) {
        batch
            .calls
            .into_iter()
            .map(|c| (c.target, c.value, c.data.to_vec()))
            .collect()
    } else {
        return;
    };
    assert_eq!(walked, Some(expected), "alloy decodes differently");
}

/// The input itself (first byte below 64), or ABI-shaped words behind one
/// of the outer forms the walker accepts (or none).
fn calldata(input: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = input.split_first() else {
        return Vec::new();
    };
    if mode < 64 {
        return rest.to_vec();
    }
    let prefix: &[&[u8]] = match mode % 6 {
        0 => &[],
        1 => &[&EXECUTE],
        2 => &[&EXECUTE_BATCH],
        3 => &[&EXECUTE_USER_OP, &EXECUTE],
        4 => &[&EXECUTE_USER_OP, &EXECUTE_BATCH],
        _ => &[&EXECUTE_USER_OP],
    };
    [prefix.concat(), words::assemble(rest)].concat()
}

fuzz_target!(|input: &[u8]| {
    let data = calldata(input);
    let input = data.as_slice();
    let execute = decode_execute_call(input);
    let prefixed = decode_prefixed_call(input);
    let user_op = decode_user_op_call_data(input);
    let account = decode_account_call_data(input);
    let plain = walk(input, &execute);
    walk(input, &prefixed);
    walk(input, &user_op);
    walk(input, &account);
    against_alloy(input, owned(plain));

    let Ok((selector, rest)) = permission_core::abi::split_selector(input) else {
        for decoded in [&execute, &prefixed, &user_op, &account] {
            assert_eq!(decoded.as_ref().err(), Some(&CalldataError::TooShort));
        }
        return;
    };
    match selector {
        EXECUTE_USER_OP => {
            same(&prefixed, &decode_execute_call(rest));
            same(&user_op, &prefixed);
            if rest.get(..4) == Some(&EXECUTE_USER_OP[..]) {
                assert_eq!(
                    prefixed.as_ref().err(),
                    Some(&CalldataError::UnknownSelector(EXECUTE_USER_OP)),
                    "a nested prefix was not refused"
                );
            }
        }
        other => {
            assert_eq!(
                prefixed.as_ref().err(),
                Some(&CalldataError::UnknownSelector(other))
            );
            same(&user_op, &execute);
            same(&account, &execute);
            match other {
                EXECUTE => {
                    if let Ok(calls) = &execute {
                        assert_eq!(calls.len(), 1);
                    }
                }
                EXECUTE_BATCH => {}
                _ => assert_eq!(
                    execute.as_ref().err(),
                    Some(&CalldataError::UnknownSelector(other))
                ),
            }
        }
    }
});
