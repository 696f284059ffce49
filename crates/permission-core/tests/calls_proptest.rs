//! Property tests of the calldata walker: no input makes it panic, and every
//! well-formed call alloy encodes comes back exactly, in every call form.

mod common;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use common::*;
use permission_core::calls::{decode_account_call_data, decode_user_op_call_data, Calls};
use permission_core::CalldataError;
use proptest::prelude::*;

const EXECUTE: [u8; 4] = [0xb6, 0x1d, 0x27, 0xf6];
const EXECUTE_BATCH: [u8; 4] = [0x34, 0xfc, 0xd5, 0xbe];

/// Runs the walker to the end; returns the calls if every one decoded.
fn drain(calls: Result<Calls<'_>, CalldataError>) -> Option<Vec<OwnedCall>> {
    let calls = calls.ok()?;
    let n = calls.len();
    let mut out = Vec::new();
    let mut yielded = 0;
    for item in calls {
        yielded += 1;
        match item {
            Ok(c) => out.push((c.target, c.value, c.data.to_vec())),
            Err(_) => {
                // Nothing may follow an error.
                assert!(yielded <= n);
                return None;
            }
        }
    }
    assert_eq!(yielded, n, "len() must match the number of items");
    Some(out)
}

fn walk_everything(data: &[u8]) {
    drain(decode_user_op_call_data(data));
    drain(decode_account_call_data(data));
}

fn prefixes() -> Vec<Vec<u8>> {
    vec![
        vec![],
        EXECUTE.to_vec(),
        EXECUTE_BATCH.to_vec(),
        EXECUTE_USER_OP.to_vec(),
        [EXECUTE_USER_OP, EXECUTE].concat(),
        [EXECUTE_USER_OP, EXECUTE_BATCH].concat(),
        [EXECUTE_USER_OP, EXECUTE_USER_OP].concat(),
    ]
}

/// Words that are likely to be meaningful offsets or lengths.
fn word() -> impl Strategy<Value = [u8; 32]> {
    prop_oneof![
        (0u64..0x240).prop_map(word_u64),
        (0u64..20).prop_map(|w| word_u64(w * 32)),
        any::<[u8; 32]>(),
        Just([0xff; 32]),
        Just(word_u256(U256::from(1u64) << 64)),
        Just(word_u256(U256::from(1u64) << 255)),
        any::<[u8; 20]>().prop_map(|a| word_addr(Address::from(a))),
    ]
}

fn words(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(word(), 0..max).prop_map(|ws| ws.concat())
}

fn address() -> impl Strategy<Value = Address> {
    prop_oneof![
        any::<[u8; 20]>().prop_map(Address::from),
        Just(Address::ZERO),
        Just(Address::repeat_byte(0xff)),
    ]
}

fn value() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
        any::<u64>().prop_map(U256::from),
        Just(U256::ZERO),
        Just(U256::MAX),
    ]
}

fn call() -> impl Strategy<Value = OwnedCall> {
    (
        address(),
        value(),
        prop::collection::vec(any::<u8>(), 0..100),
    )
}

/// The calls of `inner` through every form: plain on both paths, the prefix
/// form on the user-op path, and ABI `executeUserOp` on the account path.
fn every_form(inner: &[u8]) -> [(&'static str, Option<Vec<OwnedCall>>); 4] {
    let pre = prefixed(inner);
    let msg = execute_user_op_msg(pre.clone());
    [
        ("plain/user-op", drain(decode_user_op_call_data(inner))),
        ("plain/account", drain(decode_account_call_data(inner))),
        ("prefix/user-op", drain(decode_user_op_call_data(&pre))),
        ("abi/account", drain(decode_account_call_data(&msg))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for prefix in prefixes() {
            let data = [prefix.as_slice(), &bytes].concat();
            walk_everything(&data);
            walk_everything(&prefixed(&data));
            walk_everything(&execute_user_op_msg(data));
        }
    }

    #[test]
    fn never_panics_on_word_soup(body in words(24), tail in prop::collection::vec(any::<u8>(), 0..40)) {
        for prefix in prefixes() {
            let data = [prefix.as_slice(), &body, &tail].concat();
            walk_everything(&data);
            walk_everything(&execute_user_op_msg(data));
        }
    }

    /// Corrupts one word of a valid encoding: the walker must not panic, and
    /// whenever it still decodes every call, alloy's decoder (which follows
    /// offsets as Solidity does) must decode the same calls.
    #[test]
    fn corrupted_batches_agree_with_alloy(
        calls in prop::collection::vec(call(), 1..4),
        which in any::<prop::sample::Index>(),
        w in word(),
    ) {
        let mut data = batch_data(&calls);
        let words = (data.len() - 4) / 32;
        let pos = 4 + which.index(words) * 32;
        set_word(&mut data, pos, w);
        for (label, got) in every_form(&data) {
            if let Some(got) = got {
                let alloy = IAccount::executeBatchCall::abi_decode(&data);
                let alloy = alloy.map(|c| c.calls.into_iter()
                    .map(|c| (c.target, c.value, c.data.to_vec()))
                    .collect::<Vec<_>>());
                prop_assert_eq!(alloy.ok(), Some(got), "{}", label);
            }
        }
    }

    #[test]
    fn well_formed_batches_roundtrip(calls in prop::collection::vec(call(), 0..6)) {
        let data = batch_data(&calls);
        for (label, got) in every_form(&data) {
            prop_assert_eq!(got.as_ref(), Some(&calls), "{}", label);
        }
    }

    #[test]
    fn well_formed_execute_roundtrips((target, value, data) in call()) {
        let encoded = execute_data(target, value, &data);
        let expected = vec![(target, value, data)];
        for (label, got) in every_form(&encoded) {
            prop_assert_eq!(got.as_ref(), Some(&expected), "{}", label);
        }
    }

    /// Trailing bytes after a valid encoding do not change the calls.
    #[test]
    fn trailing_bytes_are_ignored(
        calls in prop::collection::vec(call(), 0..4),
        tail in prop::collection::vec(any::<u8>(), 0..70),
    ) {
        let data = [batch_data(&calls), tail].concat();
        for (label, got) in every_form(&data) {
            prop_assert_eq!(got.as_ref(), Some(&calls), "{}", label);
        }
    }

    /// A dirty byte in any call's target is always refused.
    #[test]
    fn dirty_target_is_always_refused(
        calls in prop::collection::vec(call(), 1..4),
        which in any::<prop::sample::Index>(),
        byte in 0usize..12,
        dirt in 1u8..,
    ) {
        let mut data = batch_data(&calls);
        let i = which.index(calls.len());
        let tuple = 4 + 64 + get_word(&data, 4 + 64 + 32 * i).to::<usize>();
        data[tuple + byte] = dirt;
        for (label, got) in every_form(&data) {
            prop_assert_eq!(got, None, "{}", label);
        }
    }
}
