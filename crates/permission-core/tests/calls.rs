//! The calldata walker (`permission_core::calls`) against alloy's encodings
//! of the account's call forms, hostile encodings, and non-canonical layouts
//! that Solidity's calldata decoder accepts.

mod common;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use common::*;
use permission_core::calls::{
    decode_account_call_data as account, decode_execute_call, decode_prefixed_call,
    decode_user_op_call_data as user_op, Call,
};
use permission_core::CalldataError::{self, *};

const EXECUTE: [u8; 4] = [0xb6, 0x1d, 0x27, 0xf6];
const EXECUTE_BATCH: [u8; 4] = [0x34, 0xfc, 0xd5, 0xbe];

fn t(b: u8) -> Address {
    Address::repeat_byte(b)
}

/// Every form an `execute`/`executeBatch` call can take, with the decoder of
/// the path that accepts it: (label, input, decoder).
fn all_forms(inner: &[u8]) -> Vec<Form> {
    vec![
        ("plain/user-op", inner.to_vec(), dec_user_op),
        ("plain/account", inner.to_vec(), dec_account),
        ("prefix/user-op", prefixed(inner), dec_user_op),
        (
            "abi executeUserOp/account",
            execute_user_op_msg(prefixed(inner)),
            dec_account,
        ),
    ]
}

type Decoded = Result<Vec<OwnedCall>, CalldataError>;

type Decoder = fn(&[u8]) -> Decoded;

type Form = (&'static str, Vec<u8>, Decoder);

fn dec_user_op(d: &[u8]) -> Decoded {
    owned(user_op(d)?)
}

fn dec_account(d: &[u8]) -> Decoded {
    owned(account(d)?)
}

fn assert_all_forms(inner: &[u8], expected: &[OwnedCall]) {
    for (label, data, decode) in all_forms(inner) {
        assert_eq!(decode(&data).as_deref(), Ok(expected), "{label}");
    }
}

fn bytes_body(d: &[u8]) -> Vec<u8> {
    let mut out = word_u64(d.len() as u64).to_vec();
    out.extend_from_slice(d);
    out.resize(32 + d.len().div_ceil(32) * 32, 0);
    out
}

// ------------------------------------------------------------ well-formed

#[test]
fn execute_on_every_form() {
    for data in [
        vec![],
        vec![0x42],
        vec![0xa9, 0x05, 0x9c, 0xbb],
        (0u8..33).collect::<Vec<_>>(),
        vec![0xff; 64],
    ] {
        let inner = execute_data(t(0xaa), U256::from(123u64), &data);
        assert_all_forms(&inner, &[(t(0xaa), U256::from(123u64), data.clone())]);
    }
}

#[test]
fn execute_extreme_values() {
    for (target, value) in [
        (Address::ZERO, U256::ZERO),
        (Address::repeat_byte(0xff), U256::MAX),
        (Address::with_last_byte(1), U256::from(1u64) << 255),
    ] {
        let inner = execute_data(target, value, &[1, 2, 3]);
        assert_all_forms(&inner, &[(target, value, vec![1, 2, 3])]);
    }
}

#[test]
fn execute_batch_with_0_1_3_calls_on_every_form() {
    let all = sample_calls();
    for n in [0, 1, 3] {
        let calls = &all[..n];
        assert_all_forms(&batch_data(calls), calls);
    }
}

#[test]
fn calls_len_and_size_hint_count_down() {
    let data = batch_data(&sample_calls());
    let mut calls = user_op(&data).unwrap();
    for remaining in (0..=3).rev() {
        assert_eq!(calls.len(), remaining);
        assert_eq!(calls.size_hint(), (remaining, Some(remaining)));
        assert_eq!(calls.is_empty(), remaining == 0);
        let item = calls.next();
        assert_eq!(item.is_some(), remaining > 0);
    }
    assert!(calls.next().is_none());

    let single = execute_data(t(1), U256::ZERO, &[]);
    let mut calls = account(&single).unwrap();
    assert_eq!(calls.len(), 1);
    assert!(calls.next().is_some());
    assert_eq!(calls.len(), 0);
    assert!(calls.next().is_none());

    let empty = batch_data(&[]);
    assert!(user_op(&empty).unwrap().is_empty());
}

#[test]
fn collect_all_matches_iteration() {
    let data = batch_data(&sample_calls());
    let calls = user_op(&data).unwrap().collect_all().unwrap();
    let expected = sample_calls();
    assert_eq!(calls.len(), 3);
    for (c, (target, value, d)) in calls.iter().zip(&expected) {
        assert_eq!((c.target, c.value, c.data), (*target, *value, d.as_slice()));
    }
}

#[test]
fn call_data_is_borrowed_from_the_input() {
    let data = execute_data(t(1), U256::ZERO, &[9; 40]);
    let call = user_op(&data).unwrap().next().unwrap().unwrap();
    let range = data.as_ptr_range();
    assert!(range.contains(&call.data.as_ptr()));
    // The data starts right after selector, 3 head words and the length word.
    assert_eq!(
        call.data.as_ptr() as usize - data.as_ptr() as usize,
        4 + 128
    );
}

// ------------------------------------------------------------ form checks

#[test]
fn prefix_form_is_rejected_on_the_account_path() {
    let all = sample_calls();
    let inners = [
        execute_data(t(1), U256::from(5u64), &[1, 2, 3, 4]),
        batch_data(&[]),
        batch_data(&all[..1]),
        batch_data(&all),
    ];
    for inner in inners {
        let raw = prefixed(&inner);
        let result = dec_account(&raw);
        assert!(result.is_err(), "{result:?}");
        assert!(
            !matches!(result, Err(UnknownSelector(_))),
            "the ABI executeUserOp decoder, not the selector check, must refuse it: {result:?}"
        );
    }
}

#[test]
fn abi_execute_user_op_is_rejected_on_the_user_op_path() {
    for inner in [
        execute_data(t(1), U256::ZERO, &[]),
        batch_data(&sample_calls()),
    ] {
        let msg = execute_user_op_msg(prefixed(&inner));
        // The "inner selector" is the first 4 bytes of the userOp offset word.
        assert_eq!(dec_user_op(&msg), Err(UnknownSelector([0, 0, 0, 0])));
    }
}

#[test]
fn abi_execute_user_op_whose_call_data_lacks_the_prefix_is_rejected() {
    let exec = execute_data(t(1), U256::ZERO, &[]);
    assert_eq!(
        dec_account(&execute_user_op_msg(exec)),
        Err(UnknownSelector(EXECUTE))
    );
    let batch = batch_data(&sample_calls());
    assert_eq!(
        dec_account(&execute_user_op_msg(batch)),
        Err(UnknownSelector(EXECUTE_BATCH))
    );
}

#[test]
fn nested_prefix_is_rejected() {
    for inner in [
        execute_data(t(1), U256::ZERO, &[]),
        batch_data(&sample_calls()),
    ] {
        let twice = prefixed(&prefixed(&inner));
        assert_eq!(dec_user_op(&twice), Err(UnknownSelector(EXECUTE_USER_OP)));
        assert_eq!(
            dec_account(&execute_user_op_msg(twice.clone())),
            Err(UnknownSelector(EXECUTE_USER_OP))
        );
        let thrice = prefixed(&twice);
        assert_eq!(dec_user_op(&thrice), Err(UnknownSelector(EXECUTE_USER_OP)));
        assert_eq!(
            dec_account(&execute_user_op_msg(thrice)),
            Err(UnknownSelector(EXECUTE_USER_OP))
        );
    }
}

#[test]
fn unknown_outer_selector_is_rejected_on_both_paths() {
    let args = execute_data(t(1), U256::ZERO, &[1, 2, 3])[4..].to_vec();
    for sel in [
        [0xa9, 0x05, 0x9c, 0xbb], // transfer
        [0xf2, 0x68, 0x0c, 0x0f], // executeWithRuntimeValidation
        [0x1b, 0xbf, 0x56, 0x4c], // installValidation
        [0x59, 0x98, 0xdb, 0x5c], // performCreate
        [0x4f, 0x1e, 0xf2, 0x86], // upgradeToAndCall
        [0, 0, 0, 0],
        [0xff; 4],
        [0xb6, 0x1d, 0x27, 0xf7], // execute, last bit flipped
    ] {
        for data in [sel.to_vec(), [sel.as_slice(), &args].concat()] {
            assert_eq!(dec_user_op(&data), Err(UnknownSelector(sel)), "{sel:02x?}");
            assert_eq!(dec_account(&data), Err(UnknownSelector(sel)), "{sel:02x?}");
            // Behind the prefix, on both paths.
            assert_eq!(
                dec_user_op(&prefixed(&data)),
                Err(UnknownSelector(sel)),
                "{sel:02x?}"
            );
            assert_eq!(
                dec_account(&execute_user_op_msg(prefixed(&data))),
                Err(UnknownSelector(sel)),
                "{sel:02x?}"
            );
        }
    }
}

#[test]
fn lower_level_decoders_check_their_selector() {
    let exec = execute_data(t(1), U256::ZERO, &[]);
    assert_eq!(
        decode_prefixed_call(&exec).err(),
        Some(UnknownSelector(EXECUTE))
    );
    assert_eq!(
        decode_execute_call(&prefixed(&exec)).err(),
        Some(UnknownSelector(EXECUTE_USER_OP))
    );
    assert_eq!(
        owned(decode_prefixed_call(&prefixed(&exec)).unwrap()),
        Ok(vec![(t(1), U256::ZERO, vec![])])
    );
}

// ------------------------------------------------------------ short data

#[test]
fn short_data_is_too_short() {
    for sel in [EXECUTE, EXECUTE_BATCH, EXECUTE_USER_OP, [0; 4]] {
        for n in 0..4 {
            assert_eq!(dec_user_op(&sel[..n]), Err(TooShort), "{n}");
            assert_eq!(dec_account(&sel[..n]), Err(TooShort), "{n}");
        }
    }
}

#[test]
fn selector_only_is_too_short() {
    for sel in [EXECUTE, EXECUTE_BATCH, EXECUTE_USER_OP] {
        assert_eq!(dec_user_op(&sel), Err(TooShort), "{sel:02x?}");
        assert_eq!(dec_account(&sel), Err(TooShort), "{sel:02x?}");
    }
    // The prefix followed by a partial inner selector.
    for n in 0..4 {
        let data = prefixed(&EXECUTE[..n]);
        assert_eq!(dec_user_op(&data), Err(TooShort), "{n}");
    }
    // The prefix followed by a bare inner selector.
    for sel in [EXECUTE, EXECUTE_BATCH] {
        assert_eq!(dec_user_op(&prefixed(&sel)), Err(TooShort));
    }
}

/// Cutting a valid encoding anywhere before the end of the last call's data
/// must fail; cutting only padding must still decode the same calls (Solidity
/// needs the bytes, not their padding).
#[test]
fn truncation_fails_exactly_until_the_last_data_byte() {
    let data37: Vec<u8> = (0u8..37).collect();
    let exec = execute_data(t(7), U256::from(9u64), &data37);
    let exec_needed = 4 + 96 + 32 + 37;
    let batch = batch_data(&sample_calls());
    let batch_needed = batch.len() - (64 - 37); // the last data is 37 bytes
    for (full, needed) in [(exec, exec_needed), (batch, batch_needed)] {
        let expected = dec_user_op(&full).unwrap();
        for cut in 0..=full.len() {
            let data = &full[..cut];
            for (label, result) in [
                ("user-op", dec_user_op(data)),
                ("account", dec_account(data)),
                ("prefix", dec_user_op(&prefixed(data))),
                (
                    "abi executeUserOp",
                    dec_account(&execute_user_op_msg(prefixed(data))),
                ),
            ] {
                if cut >= needed {
                    assert_eq!(result.as_ref(), Ok(&expected), "{label} cut {cut}");
                } else {
                    assert!(result.is_err(), "{label} cut {cut}: {result:?}");
                }
            }
        }
    }
}

#[test]
fn truncated_execute_heads() {
    let full = execute_data(t(1), U256::from(2u64), &[3]);
    // Selector plus 0, 1, 31, 32, 63, 64, 95 bytes of the 96-byte head.
    for n in [0, 1, 31, 32, 63, 64, 95] {
        let data = &full[..4 + n];
        assert_eq!(dec_user_op(data), Err(TooShort), "{n}");
        assert_eq!(dec_account(data), Err(TooShort), "{n}");
    }
}

// ------------------------------------------------------------ hostile offsets

/// `execute(t, 1, [1,2,3])`: the data offset word sits at byte 68.
const EXEC_OFFSET_POS: usize = 4 + 64;
const EXEC_LENGTH_POS: usize = 4 + 96;

fn small_execute() -> Vec<u8> {
    execute_data(t(0x11), U256::from(1u64), &[1, 2, 3])
}

fn for_each_path(data: &[u8]) -> [(&'static str, Decoded); 4] {
    [
        ("user-op", dec_user_op(data)),
        ("account", dec_account(data)),
        ("prefix", dec_user_op(&prefixed(data))),
        (
            "abi executeUserOp",
            dec_account(&execute_user_op_msg(prefixed(data))),
        ),
    ]
}

fn assert_err_everywhere(data: &[u8], expected: CalldataError) {
    for (label, result) in for_each_path(data) {
        assert_eq!(result, Err(expected), "{label}");
    }
}

#[test]
fn execute_data_offset_out_of_bounds() {
    let base = small_execute();
    let args_len = (base.len() - 4) as u64;
    let huge = [
        U256::from(args_len + 1),
        U256::from(args_len + 32),
        U256::from(u64::MAX),
        U256::from(1u64) << 64,
        (U256::from(1u64) << 255) + U256::from(0x60u64),
        (U256::from(1u64) << 128) + U256::from(0x60u64),
        U256::MAX,
        U256::MAX - U256::from(31u64), // -32: Solidity refuses it at the top level too
    ];
    for offset in huge {
        let mut data = base.clone();
        set_word(&mut data, EXEC_OFFSET_POS, word_u256(offset));
        assert_err_everywhere(&data, OffsetOutOfBounds);
    }
    // An offset to the very end leaves no room for the length word.
    let mut data = base.clone();
    set_word(&mut data, EXEC_OFFSET_POS, word_u64(args_len));
    assert_err_everywhere(&data, TooShort);
    // 31 bytes before the end: still no full length word.
    let mut data = base;
    set_word(&mut data, EXEC_OFFSET_POS, word_u64(args_len - 31));
    assert!(dec_user_op(&data).is_err());
}

#[test]
fn execute_data_length_out_of_bounds() {
    let base = small_execute();
    // 32 bytes (3 data bytes and their padding) follow the length word.
    for len in [
        U256::from(33u64),
        U256::from(1000u64),
        U256::from(u64::MAX),
        U256::from(1u64) << 64,
        U256::from(1u64) << 255,
        U256::MAX,
    ] {
        let mut data = base.clone();
        set_word(&mut data, EXEC_LENGTH_POS, word_u256(len));
        assert_err_everywhere(&data, LengthOutOfBounds);
    }
    // Up to the end of the padding is in bounds, as in Solidity: the padding
    // bytes become part of the call's data.
    let mut data = base;
    set_word(&mut data, EXEC_LENGTH_POS, word_u64(32));
    let mut expected_data = vec![1, 2, 3];
    expected_data.resize(32, 0);
    for (label, result) in for_each_path(&data) {
        assert_eq!(
            result,
            Ok(vec![(t(0x11), U256::from(1u64), expected_data.clone())]),
            "{label}"
        );
    }
}

/// `executeBatch`: array offset at byte 4, array length at byte 36, element
/// heads from byte 68.
const BATCH_ARRAY_OFFSET_POS: usize = 4;
const BATCH_LEN_POS: usize = 36;
const BATCH_BODY: usize = 68;

#[test]
fn batch_array_offset_out_of_bounds() {
    let base = batch_data(&sample_calls());
    let args_len = (base.len() - 4) as u64;
    for offset in [
        U256::from(args_len + 1),
        U256::from(u64::MAX),
        U256::from(1u64) << 64,
        (U256::from(1u64) << 255) + U256::from(0x20u64),
        U256::MAX,
    ] {
        let mut data = base.clone();
        set_word(&mut data, BATCH_ARRAY_OFFSET_POS, word_u256(offset));
        assert_err_everywhere(&data, OffsetOutOfBounds);
    }
    let mut data = base;
    set_word(&mut data, BATCH_ARRAY_OFFSET_POS, word_u64(args_len));
    assert_err_everywhere(&data, TooShort);
}

#[test]
fn batch_array_length_out_of_bounds() {
    let base = batch_data(&sample_calls());
    let body_words = ((base.len() - BATCH_BODY) / 32) as u64;
    for len in [
        U256::from(1u64) << 255,
        U256::MAX,
        U256::from(1u64) << 64,
        U256::from(u64::MAX),
        U256::from(u64::MAX / 32 + 1), // len * 32 overflows a 64-bit usize
        U256::from(1000u64),           // huge but the body is small
        U256::from(body_words + 1),    // one head word more than the body holds
    ] {
        let mut data = base.clone();
        set_word(&mut data, BATCH_LEN_POS, word_u256(len));
        assert_err_everywhere(&data, LengthOutOfBounds);
    }
    // A length the body can hold as head words but whose extra "offsets" are
    // really tuple words: decoded lazily, the fourth element fails.
    let mut data = base;
    set_word(&mut data, BATCH_LEN_POS, word_u64(4));
    let mut calls = user_op(&data).unwrap();
    assert_eq!(calls.len(), 4);
    for _ in 0..3 {
        assert!(calls.next().unwrap().is_ok());
    }
    // Head 3 is the first tuple's target (0x0101..01): not an offset.
    assert_eq!(calls.next(), Some(Err(OffsetOutOfBounds)));
    assert_eq!(calls.next(), None);
}

fn element_offset_pos(i: usize) -> usize {
    BATCH_BODY + 32 * i
}

fn element_tuple_pos(data: &[u8], i: usize) -> usize {
    BATCH_BODY + get_word(data, element_offset_pos(i)).to::<usize>()
}

#[test]
fn batch_element_offset_out_of_bounds() {
    let base = batch_data(&sample_calls());
    let body_len = (base.len() - BATCH_BODY) as u64;
    for offset in [
        U256::from(body_len + 1),
        U256::from(u64::MAX),
        U256::from(1u64) << 64,
        U256::MAX - U256::from(31u64),
        (U256::from(1u64) << 255) + U256::from(0x60u64),
    ] {
        let mut data = base.clone();
        set_word(&mut data, element_offset_pos(1), word_u256(offset));
        for (label, result) in for_each_path(&data) {
            assert_eq!(result, Err(OffsetOutOfBounds), "{label}");
        }
    }
    // The last tuple needs 3 words: an offset leaving fewer is too short.
    for back in [0u64, 32, 64, 95] {
        let mut data = base.clone();
        set_word(&mut data, element_offset_pos(2), word_u64(body_len - back));
        for (label, result) in for_each_path(&data) {
            assert!(result.is_err(), "{label} back {back}: {result:?}");
        }
    }
}

#[test]
fn batch_element_data_offset_and_length_out_of_bounds() {
    let base = batch_data(&sample_calls());
    let tuple = element_tuple_pos(&base, 1);
    let data_len_pos = tuple + get_word(&base, tuple + 64).to::<usize>();
    for (pos, word, expected) in [
        (tuple + 64, word_u64(base.len() as u64), OffsetOutOfBounds),
        (tuple + 64, word_u256(U256::MAX), OffsetOutOfBounds),
        (
            tuple + 64,
            word_u256(U256::from(1u64) << 64),
            OffsetOutOfBounds,
        ),
        (data_len_pos, word_u64(base.len() as u64), LengthOutOfBounds),
        (
            data_len_pos,
            word_u256(U256::from(1u64) << 64),
            LengthOutOfBounds,
        ),
        (data_len_pos, word_u256(U256::MAX), LengthOutOfBounds),
    ] {
        let mut data = base.clone();
        set_word(&mut data, pos, word);
        for (label, result) in for_each_path(&data) {
            assert_eq!(result, Err(expected), "{label} pos {pos}");
        }
    }
}

/// On the account path, the inner call must be bounded by `userOp.callData`
/// (the account self-calls with exactly `callData[4:]`), even when the bytes
/// it lacks happen to follow in `msg.data`.
#[test]
fn abi_execute_user_op_bounds_the_inner_call_by_call_data() {
    let data: Vec<u8> = (0u8..37).collect();
    let inner = prefixed(&execute_data(t(7), U256::ZERO, &data));
    // Keep the prefix, the head, the length word and 20 of the 37 data bytes.
    let cut = inner[..4 + 4 + 128 + 20].to_vec();
    let msg = execute_user_op_msg(cut);
    // paymasterAndData and signature follow callData in msg.data.
    assert!(msg.len() > 4 + 128 + 37 + 200);
    assert_eq!(dec_account(&msg), Err(LengthOutOfBounds));
}

#[test]
fn abi_execute_user_op_hostile_outer_offsets() {
    let inner = execute_data(t(7), U256::ZERO, &[1]);
    let base = execute_user_op_msg(prefixed(&inner));
    // userOp offset (head 0 of the arguments).
    for offset in [
        U256::from(base.len() as u64),
        U256::from(1u64) << 64,
        U256::MAX,
    ] {
        let mut msg = base.clone();
        set_word(&mut msg, 4, word_u256(offset));
        assert_eq!(dec_account(&msg), Err(OffsetOutOfBounds));
    }
    // userOp.callData offset (head 3 of the userOp tuple).
    let user_op_pos = 4 + get_word(&base, 4).to::<usize>();
    let call_data_head = user_op_pos + 3 * 32;
    for offset in [U256::from(base.len() as u64), U256::MAX] {
        let mut msg = base.clone();
        set_word(&mut msg, call_data_head, word_u256(offset));
        assert_eq!(dec_account(&msg), Err(OffsetOutOfBounds));
    }
    // userOp.callData length.
    let call_data_len_pos = user_op_pos + get_word(&base, call_data_head).to::<usize>();
    for len in [U256::from(base.len() as u64), U256::MAX] {
        let mut msg = base.clone();
        set_word(&mut msg, call_data_len_pos, word_u256(len));
        assert_eq!(dec_account(&msg), Err(LengthOutOfBounds));
    }
}

// ------------------------------------------------------------ canonical values

#[test]
fn dirty_execute_target_is_non_canonical() {
    let base = small_execute();
    for byte in 0..12 {
        for dirt in [0x01, 0x80, 0xff] {
            let mut data = base.clone();
            data[4 + byte] = dirt;
            assert_err_everywhere(&data, NonCanonicalValue);
        }
    }
}

#[test]
fn dirty_batch_target_is_non_canonical() {
    let base = batch_data(&sample_calls());
    for i in 0..3 {
        let tuple = element_tuple_pos(&base, i);
        for byte in [0, 5, 11] {
            let mut data = base.clone();
            data[tuple + byte] = 0x01;
            for (label, result) in for_each_path(&data) {
                assert_eq!(result, Err(NonCanonicalValue), "{label} element {i}");
            }
        }
    }
}

#[test]
fn batch_stops_after_the_first_malformed_element() {
    let base = batch_data(&sample_calls());
    let tuple = element_tuple_pos(&base, 1);
    let mut data = base;
    data[tuple] = 0xde;
    let expected = sample_calls();
    for (label, d) in [
        ("user-op", data.clone()),
        ("prefix", prefixed(&data)),
        ("account", data.clone()),
        ("abi executeUserOp", execute_user_op_msg(prefixed(&data))),
    ] {
        let mut calls = if label.starts_with("user") || label == "prefix" {
            user_op(&d).unwrap()
        } else {
            account(&d).unwrap()
        };
        assert_eq!(calls.len(), 3, "{label}");
        let first = calls.next().unwrap().unwrap();
        assert_eq!(
            (first.target, first.value, first.data.to_vec()),
            expected[0].clone(),
            "{label}"
        );
        assert_eq!(calls.next(), Some(Err(NonCanonicalValue)), "{label}");
        assert_eq!(calls.len(), 0, "{label}");
        // The third element is well formed, but must not be yielded.
        assert_eq!(calls.next(), None, "{label}");
        assert_eq!(calls.next(), None, "{label}");
    }
    assert_eq!(
        user_op(&data).unwrap().collect_all().err(),
        Some(NonCanonicalValue)
    );
}

// ------------------------------------------------------------ non-canonical layouts

/// Checks a hand-built `executeBatch` against alloy's decoder (which follows
/// offsets as Solidity does) and against the calls Solidity would make.
fn assert_batch_layout(data: &[u8], expected: &[OwnedCall]) {
    let alloy = IAccount::executeBatchCall::abi_decode(data).expect("alloy decodes it");
    let alloy: Vec<OwnedCall> = alloy
        .calls
        .into_iter()
        .map(|c| (c.target, c.value, c.data.to_vec()))
        .collect();
    assert_eq!(alloy, expected, "alloy");
    for (label, result) in for_each_path(data) {
        assert_eq!(result.as_deref(), Ok(expected), "{label}");
    }
}

fn tuple_canonical(c: &OwnedCall) -> Vec<u8> {
    [
        word_addr(c.0).to_vec(),
        word_u256(c.1).to_vec(),
        word_u64(0x60).to_vec(),
        bytes_body(&c.2),
    ]
    .concat()
}

fn batch_from_body(len: usize, body: &[u8]) -> Vec<u8> {
    [
        EXECUTE_BATCH.to_vec(),
        word_u64(0x20).to_vec(),
        word_u64(len as u64).to_vec(),
        body.to_vec(),
    ]
    .concat()
}

#[test]
fn batch_elements_out_of_order() {
    let calls = sample_calls();
    // Tuples written in the order 2, 0, 1.
    let order = [2usize, 0, 1];
    let mut tails = Vec::new();
    let mut offsets = [0u64; 3];
    for &i in &order {
        offsets[i] = (96 + tails.len()) as u64;
        tails.extend_from_slice(&tuple_canonical(&calls[i]));
    }
    let body = [
        offsets
            .iter()
            .flat_map(|o| word_u64(*o))
            .collect::<Vec<_>>(),
        tails,
    ]
    .concat();
    assert_batch_layout(&batch_from_body(3, &body), &calls);
}

#[test]
fn batch_tuple_heads_first_then_data_in_reverse_order() {
    let calls = sample_calls();
    // Body: 3 element offsets, 3 tuple heads (3 words each), then the data
    // of element 2, 1, 0.
    let heads_end = 96 + 3 * 96;
    let mut data_area = Vec::new();
    let mut data_pos = [0usize; 3];
    for i in [2, 1, 0] {
        data_pos[i] = heads_end + data_area.len();
        data_area.extend_from_slice(&bytes_body(&calls[i].2));
    }
    let mut body = Vec::new();
    for i in 0..3 {
        body.extend_from_slice(&word_u64((96 + 96 * i) as u64));
    }
    for (i, c) in calls.iter().enumerate() {
        let tuple_start = 96 + 96 * i;
        body.extend_from_slice(&word_addr(c.0));
        body.extend_from_slice(&word_u256(c.1));
        body.extend_from_slice(&word_u64((data_pos[i] - tuple_start) as u64));
    }
    body.extend_from_slice(&data_area);
    assert_batch_layout(&batch_from_body(3, &body), &calls);
}

#[test]
fn batch_elements_sharing_one_tuple_and_one_data_body() {
    let shared = vec![0xab; 5];
    // Heads 0 and 2 point to the same tuple; tuple 1's data is tuple 0's.
    let t0 = 96usize;
    let t1 = t0 + 96;
    let data_pos = t1 + 96;
    let mut body = Vec::new();
    for o in [t0, t1, t0] {
        body.extend_from_slice(&word_u64(o as u64));
    }
    body.extend_from_slice(&word_addr(t(0x0a)));
    body.extend_from_slice(&word_u256(U256::from(1u64)));
    body.extend_from_slice(&word_u64((data_pos - t0) as u64));
    body.extend_from_slice(&word_addr(t(0x0b)));
    body.extend_from_slice(&word_u256(U256::from(2u64)));
    body.extend_from_slice(&word_u64((data_pos - t1) as u64));
    body.extend_from_slice(&bytes_body(&shared));
    let expected = vec![
        (t(0x0a), U256::from(1u64), shared.clone()),
        (t(0x0b), U256::from(2u64), shared.clone()),
        (t(0x0a), U256::from(1u64), shared),
    ];
    assert_batch_layout(&batch_from_body(3, &body), &expected);
}

#[test]
fn batch_array_after_a_gap_with_trailing_garbage() {
    let calls = sample_calls();
    let canonical = batch_data(&calls);
    // Array at offset 0x60 instead of 0x20, with two junk words in between,
    // and junk after the end.
    let mut data = EXECUTE_BATCH.to_vec();
    data.extend_from_slice(&word_u64(0x60));
    data.extend_from_slice(&[0xee; 64]);
    data.extend_from_slice(&canonical[36..]);
    data.extend_from_slice(&[0xdd; 45]);
    assert_batch_layout(&data, &calls);
}

#[test]
fn execute_data_after_a_gap() {
    let mut data = EXECUTE.to_vec();
    data.extend_from_slice(&word_addr(t(0x44)));
    data.extend_from_slice(&word_u256(U256::from(3u64)));
    data.extend_from_slice(&word_u64(0x80));
    data.extend_from_slice(&[0xee; 32]); // junk between head and data
    data.extend_from_slice(&bytes_body(&[9, 8, 7]));
    let alloy = IAccount::executeCall::abi_decode(&data).unwrap();
    assert_eq!(alloy.data.as_ref(), &[9, 8, 7]);
    let expected = vec![(t(0x44), U256::from(3u64), vec![9, 8, 7])];
    for (label, result) in for_each_path(&data) {
        assert_eq!(result, Ok(expected.clone()), "{label}");
    }
}

/// `execute` whose `data` offset points into its own head: Solidity reads
/// the length from the `value` word and the bytes from the offset word.
#[test]
fn execute_data_aliasing_the_head() {
    let mut data = EXECUTE.to_vec();
    data.extend_from_slice(&word_addr(t(0x44)));
    data.extend_from_slice(&word_u64(32)); // value 32, also the data length
    data.extend_from_slice(&word_u64(0x20)); // data offset: the value word
    let alloy = IAccount::executeCall::abi_decode(&data).unwrap();
    assert_eq!(alloy.data.as_ref(), word_u64(0x20).as_slice());
    let expected = vec![(t(0x44), U256::from(32u64), word_u64(0x20).to_vec())];
    for (label, result) in for_each_path(&data) {
        assert_eq!(result, Ok(expected.clone()), "{label}");
    }

    // Offset 0: the length is the target word (a small address), the bytes
    // are the start of the value word.
    let target = Address::with_last_byte(5);
    let value = U256::from_be_bytes([0xab; 32]);
    let mut data = EXECUTE.to_vec();
    data.extend_from_slice(&word_addr(target));
    data.extend_from_slice(&word_u256(value));
    data.extend_from_slice(&word_u64(0));
    let alloy = IAccount::executeCall::abi_decode(&data).unwrap();
    assert_eq!(alloy.data.as_ref(), &[0xab; 5]);
    let expected = vec![(target, value, vec![0xab; 5])];
    for (label, result) in for_each_path(&data) {
        assert_eq!(result, Ok(expected.clone()), "{label}");
    }
}

/// `executeUserOp` msg.data with a junk word before the user operation and
/// its dynamic fields written in reverse order.
#[test]
fn abi_execute_user_op_non_canonical_layout() {
    let calls = sample_calls();
    let call_data = prefixed(&batch_data(&calls));
    let init_code = vec![0xc0; 3];
    let paymaster = vec![0xaa; 52];
    let signature = vec![0x55; 65];

    // Tails in the order signature, callData, paymasterAndData, initCode.
    let mut tails = Vec::new();
    let mut pos = [0usize; 4];
    for (k, field) in [&signature, &call_data, &paymaster, &init_code]
        .iter()
        .enumerate()
    {
        pos[k] = 9 * 32 + tails.len();
        tails.extend_from_slice(&bytes_body(field));
    }
    let [sig_pos, cd_pos, pm_pos, ic_pos] = pos;
    let mut tuple = Vec::new();
    tuple.extend_from_slice(&word_addr(t(0x5e)));
    tuple.extend_from_slice(&word_u64(42));
    tuple.extend_from_slice(&word_u64(ic_pos as u64));
    tuple.extend_from_slice(&word_u64(cd_pos as u64));
    tuple.extend_from_slice(&[0x11; 32]);
    tuple.extend_from_slice(&word_u64(21_000));
    tuple.extend_from_slice(&[0x22; 32]);
    tuple.extend_from_slice(&word_u64(pm_pos as u64));
    tuple.extend_from_slice(&word_u64(sig_pos as u64));
    tuple.extend_from_slice(&tails);

    let mut msg = EXECUTE_USER_OP.to_vec();
    msg.extend_from_slice(&word_u64(0x60)); // userOp after hash and a junk word
    msg.extend_from_slice(&[0x77; 32]); // userOpHash
    msg.extend_from_slice(&[0xee; 32]); // junk
    msg.extend_from_slice(&tuple);

    let alloy = IAccount::executeUserOpCall::abi_decode(&msg).unwrap();
    assert_eq!(alloy.userOp.callData.as_ref(), call_data.as_slice());
    assert_eq!(alloy.userOp.signature.as_ref(), signature.as_slice());
    assert_eq!(dec_account(&msg), Ok(calls));
}

/// Solidity's lazy calldata access (`calls[i]`, `calls[i].data`) compares a
/// tail offset with `slt` and adds it modulo 2^256, so it also accepts
/// "negative" offsets that point backwards. The walker refuses them: it
/// fails closed (the hook reverts), it never reports different calls.
#[test]
fn negative_tail_offsets_that_solidity_accepts_are_refused() {
    // One element whose data body sits *before* its tuple:
    // body = [offset 0x60] [len 2] [data, padded] [target] [value] [-0x40]
    let mut body = Vec::new();
    body.extend_from_slice(&word_u64(0x60));
    body.extend_from_slice(&bytes_body(&[0xca, 0xfe]));
    body.extend_from_slice(&word_addr(t(0x0c)));
    body.extend_from_slice(&word_u256(U256::from(1u64)));
    body.extend_from_slice(&word_u256(U256::ZERO - U256::from(0x40u64)));
    let data = batch_from_body(1, &body);
    for (label, result) in for_each_path(&data) {
        assert_eq!(result, Err(OffsetOutOfBounds), "{label}");
    }

    // A negative element offset. With heads [0x40, -32], Solidity reads
    // calls[1] at body - 32: target = the length word (2), value = 0x40, and
    // data at (body - 32) + (-32) = the array offset word, so it would call
    // address 2 with value 0x40 and data = 32 bytes holding 2.
    let calls = sample_calls();
    let mut data = batch_data(&calls[..2]);
    set_word(
        &mut data,
        element_offset_pos(1),
        word_u256(U256::ZERO - U256::from(32u64)),
    );
    for (label, result) in for_each_path(&data) {
        assert_eq!(result, Err(OffsetOutOfBounds), "{label}");
    }
    // The first call is still yielded before the refusal.
    let mut it = user_op(&data).unwrap();
    assert!(it.next().unwrap().is_ok());
    assert_eq!(it.next(), Some(Err(OffsetOutOfBounds)));
}

// ------------------------------------------------------------ Call::selector

#[test]
fn call_selector() {
    let call = |data: &'static [u8]| Call {
        target: t(1),
        value: U256::ZERO,
        data,
    };
    assert_eq!(call(&[]).selector(), Ok(None));
    assert_eq!(call(&[1]).selector(), Err(TooShort));
    assert_eq!(call(&[1, 2]).selector(), Err(TooShort));
    assert_eq!(call(&[1, 2, 3]).selector(), Err(TooShort));
    assert_eq!(call(&[1, 2, 3, 4]).selector(), Ok(Some([1, 2, 3, 4])));
    assert_eq!(
        call(&[0xa9, 0x05, 0x9c, 0xbb, 0, 0, 0, 0, 0]).selector(),
        Ok(Some([0xa9, 0x05, 0x9c, 0xbb]))
    );
    assert_eq!(call(&[0; 4]).selector(), Ok(Some([0; 4])));
}
