//! `AbiReader`, `AbiWriter`, `encode_bytes_body` and `encode_array` against
//! alloy's encodings.

mod common;

use alloy_primitives::{Address, Bytes, FixedBytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolValue};
use common::{word_u256, word_u64};
use permission_core::abi::{
    encode_array, encode_bytes_body, padded_selector, split_selector, WORD,
};
use permission_core::{AbiReader, AbiWriter, CalldataError::*};
use proptest::prelude::*;

sol! {
    #[derive(Debug, PartialEq)]
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }
    function f(uint32 a, bytes b, address c, bytes d) external;
    error MalformedCalldata(uint8 reason);
    error UnsupportedCallForm(bytes4 selector);
}

// ------------------------------------------------------------ reader

#[test]
fn word_and_head_bounds() {
    let data: Vec<u8> = (0u8..64).collect();
    let r = AbiReader::new(&data);
    assert_eq!(r.bytes(), data.as_slice());
    assert_eq!(r.word(0).unwrap().as_slice(), &data[..32]);
    assert_eq!(r.word(32).unwrap().as_slice(), &data[32..]);
    assert_eq!(r.word(5).unwrap().as_slice(), &data[5..37]);
    assert_eq!(r.word(33), Err(TooShort));
    assert_eq!(r.word(64), Err(TooShort));
    for pos in [usize::MAX, usize::MAX - 31, usize::MAX - 32, usize::MAX / 2] {
        assert_eq!(r.word(pos), Err(TooShort), "{pos}");
    }
    assert_eq!(r.head(1).unwrap().as_slice(), &data[32..]);
    assert_eq!(r.head(2), Err(TooShort));
    for i in [usize::MAX, usize::MAX / 32 + 1, usize::MAX / 32] {
        assert_eq!(r.head(i), Err(TooShort), "{i}");
        assert_eq!(r.u256(i), Err(TooShort), "{i}");
        assert_eq!(r.address(i), Err(TooShort), "{i}");
        assert_eq!(r.offset(i).err(), Some(TooShort), "{i}");
    }
    let empty = AbiReader::new(&[]);
    assert_eq!(empty.word(0), Err(TooShort));
    assert_eq!(empty.u32(0), Err(TooShort));
    assert_eq!(empty.bool(0), Err(TooShort));
}

#[test]
fn u256_and_b256_read_alloy_words() {
    let values = (
        U256::MAX,
        U256::ZERO,
        U256::from(0x1234u64),
        B256::repeat_byte(0xab),
    );
    let data = values.abi_encode_params();
    let r = AbiReader::new(&data);
    assert_eq!(r.u256(0), Ok(U256::MAX));
    assert_eq!(r.u256(1), Ok(U256::ZERO));
    assert_eq!(r.u256(2), Ok(U256::from(0x1234u64)));
    assert_eq!(r.b256(3), Ok(B256::repeat_byte(0xab)));
    assert_eq!(r.u256(4), Err(TooShort));
}

#[test]
fn uint_with_bits() {
    for bits in [1u32, 8, 16, 24, 32, 40, 48, 56, 63] {
        let max = (1u64 << bits) - 1;
        let ok = word_u64(max);
        assert_eq!(AbiReader::new(&ok).uint(0, bits), Ok(max), "{bits}");
        let over = word_u64(max + 1);
        assert_eq!(
            AbiReader::new(&over).uint(0, bits),
            Err(NonCanonicalValue),
            "{bits}"
        );
        let high = word_u256(U256::from(1u64) << 255);
        assert_eq!(
            AbiReader::new(&high).uint(0, bits),
            Err(NonCanonicalValue),
            "{bits}"
        );
    }
    // 64 bits: every u64 fits, nothing above it does.
    assert_eq!(
        AbiReader::new(&word_u64(u64::MAX)).uint(0, 64),
        Ok(u64::MAX)
    );
    for above in [U256::from(1u64) << 64, U256::MAX, U256::from(1u64) << 100] {
        assert_eq!(
            AbiReader::new(&word_u256(above)).uint(0, 64),
            Err(NonCanonicalValue)
        );
    }
    // 0 bits: only zero.
    assert_eq!(AbiReader::new(&word_u64(0)).uint(0, 0), Ok(0));
    assert_eq!(
        AbiReader::new(&word_u64(1)).uint(0, 0),
        Err(NonCanonicalValue)
    );
}

#[test]
fn uint_reads_alloy_encodings() {
    let data = (
        u32::MAX,
        0x0000_ffff_ffff_ffffu64, // uint48 max, as uint64
        7u16,
        u64::MAX,
    )
        .abi_encode_params();
    let r = AbiReader::new(&data);
    assert_eq!(r.u32(0), Ok(u32::MAX));
    assert_eq!(r.uint(1, 48), Ok((1 << 48) - 1));
    assert_eq!(r.uint(2, 16), Ok(7));
    assert_eq!(r.uint(2, 2), Err(NonCanonicalValue));
    assert_eq!(r.uint(3, 64), Ok(u64::MAX));
    // u32 refuses anything wider.
    assert_eq!(r.u32(1), Err(NonCanonicalValue));
    assert_eq!(r.u32(3), Err(NonCanonicalValue));
    assert_eq!(
        AbiReader::new(&word_u64(1 << 32)).u32(0),
        Err(NonCanonicalValue)
    );
}

#[test]
fn bool_values() {
    let data = (true, false).abi_encode_params();
    let r = AbiReader::new(&data);
    assert_eq!(r.bool(0), Ok(true));
    assert_eq!(r.bool(1), Ok(false));
    for bad in [
        word_u64(2),
        word_u64(3),
        word_u64(0x100),
        word_u64(u64::MAX),
        word_u256(U256::from(1u64) << 255),
        word_u256(U256::from(1u64) + (U256::from(1u64) << 200)),
    ] {
        assert_eq!(AbiReader::new(&bad).bool(0), Err(NonCanonicalValue));
    }
}

#[test]
fn address_canonical_and_dirty() {
    let a = Address::repeat_byte(0xfe);
    let data = (a, Address::ZERO).abi_encode_params();
    let r = AbiReader::new(&data);
    assert_eq!(r.address(0), Ok(a));
    assert_eq!(r.address(1), Ok(Address::ZERO));
    for byte in 0..12 {
        let mut dirty = data.clone();
        dirty[byte] = 1;
        assert_eq!(
            AbiReader::new(&dirty).address(0),
            Err(NonCanonicalValue),
            "{byte}"
        );
    }
}

#[test]
fn bytes4_canonical_and_dirty() {
    let sel = FixedBytes::<4>::from([0xde, 0xad, 0xbe, 0xef]);
    let data = (sel,).abi_encode_params();
    assert_eq!(
        AbiReader::new(&data).bytes4(0),
        Ok([0xde, 0xad, 0xbe, 0xef])
    );
    for byte in 4..32 {
        let mut dirty = data.clone();
        dirty[byte] = 0x80;
        assert_eq!(
            AbiReader::new(&dirty).bytes4(0),
            Err(NonCanonicalValue),
            "{byte}"
        );
    }
    // A right-aligned value (as if it were a uint32) is dirty, not a selector.
    assert_eq!(
        AbiReader::new(&word_u64(0xdeadbeef)).bytes4(0),
        Err(NonCanonicalValue)
    );
}

#[test]
fn offset_bounds() {
    let data = [word_u64(64), word_u64(97), word_u64(96)].concat();
    let r = AbiReader::new(&data);
    // Offset 64 leaves one word.
    let region = r.offset(0).unwrap();
    assert_eq!(region.bytes(), &data[64..96]);
    // Past the end.
    assert_eq!(r.offset(1).err(), Some(OffsetOutOfBounds));
    // Not past the end: any offset up to 96 is a (possibly short) region.
    let inside = [word_u64(65), [0; 32], [0; 32]].concat();
    assert_eq!(AbiReader::new(&inside).offset(0).unwrap().bytes().len(), 31);
    // Exactly at the end: an empty region.
    let end = r.offset(2).unwrap();
    assert!(end.bytes().is_empty());
    assert_eq!(end.u256(0), Err(TooShort));
    for bad in [
        U256::from(1u64) << 64,
        U256::MAX,
        U256::from(1u64) << 255,
        (U256::from(1u64) << 128) + U256::from(32u64),
    ] {
        let w = word_u256(bad);
        assert_eq!(AbiReader::new(&w).offset(0).err(), Some(OffsetOutOfBounds));
    }
}

#[test]
fn dyn_bytes_reads_alloy_encodings() {
    for len in [0usize, 1, 31, 32, 33, 64, 100] {
        let b: Vec<u8> = (0..len).map(|i| i as u8 ^ 0x5a).collect();
        let data = (
            U256::from(9u64),
            Bytes::from(b.clone()),
            Bytes::from(vec![1u8; 3]),
        )
            .abi_encode_params();
        let r = AbiReader::new(&data);
        assert_eq!(r.dyn_bytes(1), Ok(b.as_slice()), "{len}");
        assert_eq!(r.dyn_bytes(2), Ok([1u8; 3].as_slice()), "{len}");
        // Head 0 is 9: an offset into the middle of the head. Whatever it
        // points to, it must not panic.
        let _ = r.dyn_bytes(0);
    }
}

#[test]
fn dyn_bytes_length_bounds() {
    // (bytes) with 3 bytes: offset, length, one padded word.
    let data = (Bytes::from(vec![1u8, 2, 3]),).abi_encode_params();
    for (len, expected) in [
        (U256::from(32u64), Ok(32usize)),
        (U256::from(33u64), Err(LengthOutOfBounds)),
        (U256::from(u64::MAX), Err(LengthOutOfBounds)),
        (U256::from(1u64) << 64, Err(LengthOutOfBounds)),
        (U256::MAX, Err(LengthOutOfBounds)),
    ] {
        let mut d = data.clone();
        d[32..64].copy_from_slice(&word_u256(len));
        assert_eq!(
            AbiReader::new(&d).dyn_bytes(0).map(<[u8]>::len),
            expected,
            "{len}"
        );
    }
}

#[test]
fn array_reads_alloy_encodings() {
    let values: Vec<U256> = (0u64..5).map(|i| U256::from(i * 1000)).collect();
    let data = (7u32, values.clone()).abi_encode_params();
    let r = AbiReader::new(&data);
    let (len, body) = r.array(1).unwrap();
    assert_eq!(len, 5);
    for (i, v) in values.iter().enumerate() {
        assert_eq!(body.u256(i), Ok(*v));
    }
    let empty = (Vec::<U256>::new(),).abi_encode_params();
    let (len, body) = AbiReader::new(&empty).array(0).unwrap();
    assert_eq!(len, 0);
    assert!(body.bytes().is_empty());
}

#[test]
fn array_length_bounds() {
    let data = (vec![U256::from(1u64), U256::from(2u64)],).abi_encode_params();
    for (len, ok) in [
        (U256::from(2u64), true),
        (U256::from(1u64), true),
        (U256::from(3u64), false),
        (U256::from(1000u64), false),
        (U256::from(u64::MAX), false),
        (U256::from(u64::MAX / 32 + 1), false),
        (U256::from(1u64) << 64, false),
        (U256::from(1u64) << 255, false),
        (U256::MAX, false),
    ] {
        let mut d = data.clone();
        d[32..64].copy_from_slice(&word_u256(len));
        let result = AbiReader::new(&d).array(0).map(|(n, _)| n);
        if ok {
            assert_eq!(result, Ok(len.to::<usize>()));
        } else {
            assert_eq!(result, Err(LengthOutOfBounds), "{len}");
        }
    }
    // A region without a length word.
    let d = word_u64(32);
    assert_eq!(AbiReader::new(&d).array(0).err(), Some(TooShort));
}

#[test]
fn split_selector_cases() {
    assert_eq!(split_selector(&[]), Err(TooShort));
    assert_eq!(split_selector(&[1, 2, 3]), Err(TooShort));
    assert_eq!(split_selector(&[1, 2, 3, 4]), Ok(([1, 2, 3, 4], &[][..])));
    assert_eq!(
        split_selector(&[1, 2, 3, 4, 5]),
        Ok(([1, 2, 3, 4], &[5u8][..]))
    );
}

#[test]
fn padded_selector_cases() {
    assert_eq!(padded_selector(&[]), [0, 0, 0, 0]);
    assert_eq!(padded_selector(&[1, 2, 3]), [1, 2, 3, 0]);
    assert_eq!(padded_selector(&[1, 2, 3, 4, 5]), [1, 2, 3, 4]);
}

#[test]
fn error_codes() {
    assert_eq!(TooShort.code(), 1);
    assert_eq!(OffsetOutOfBounds.code(), 2);
    assert_eq!(LengthOutOfBounds.code(), 3);
    assert_eq!(NonCanonicalValue.code(), 4);
    assert_eq!(UnknownSelector([1, 2, 3, 4]).code(), 5);
}

// ------------------------------------------------------------ writer

#[test]
fn writer_static_words_match_alloy() {
    let a = Address::repeat_byte(0x42);
    let sel = [0x12, 0x34, 0x56, 0x78];
    let mut w = AbiWriter::new(7);
    w.uint(u64::MAX)
        .uint(0)
        .bool(true)
        .bool(false)
        .address(a)
        .bytes4(sel)
        .u256(U256::MAX - U256::from(1u64));
    let ours = w.finish();
    let alloy = (
        u64::MAX,
        0u64,
        true,
        false,
        a,
        FixedBytes::<4>::from(sel),
        U256::MAX - U256::from(1u64),
    )
        .abi_encode_params();
    assert_eq!(ours, alloy);
    let mut w = AbiWriter::new(1);
    w.word([0x5a; WORD]);
    assert_eq!(w.finish(), (B256::repeat_byte(0x5a),).abi_encode_params());
}

#[test]
fn writer_dynamic_bytes_match_alloy() {
    for (l1, l2) in [(0, 0), (1, 31), (32, 33), (64, 0), (5, 100)] {
        let b1: Vec<u8> = (0..l1).map(|i| i as u8).collect();
        let b2: Vec<u8> = (0..l2).map(|i| 0xff - i as u8).collect();
        let mut w = AbiWriter::new(4);
        w.uint(77).dyn_bytes(&b1).bool(true).dyn_bytes(&b2);
        let ours = w.finish();
        let alloy = (77u32, Bytes::from(b1), true, Bytes::from(b2)).abi_encode_params();
        assert_eq!(ours, alloy, "{l1} {l2}");
    }
}

#[test]
fn writer_with_selector_matches_alloy_call_and_errors() {
    let a = Address::repeat_byte(0x42);
    let mut w = AbiWriter::new(4);
    w.uint(5)
        .dyn_bytes(&[1, 2, 3])
        .address(a)
        .dyn_bytes(&[0xee; 40]);
    let ours = w.finish_with_selector(fCall::SELECTOR);
    let alloy = fCall {
        a: 5,
        b: Bytes::from(vec![1, 2, 3]),
        c: a,
        d: Bytes::from(vec![0xee; 40]),
    }
    .abi_encode();
    assert_eq!(ours, alloy);

    let mut w = AbiWriter::new(1);
    w.uint(4);
    assert_eq!(
        w.finish_with_selector(MalformedCalldata::SELECTOR),
        MalformedCalldata { reason: 4 }.abi_encode()
    );
    let mut w = AbiWriter::new(1);
    w.bytes4([0xa9, 0x05, 0x9c, 0xbb]);
    assert_eq!(
        w.finish_with_selector(UnsupportedCallForm::SELECTOR),
        UnsupportedCallForm {
            selector: FixedBytes::from([0xa9, 0x05, 0x9c, 0xbb])
        }
        .abi_encode()
    );
}

#[test]
fn writer_finish_empties_it() {
    let mut w = AbiWriter::new(2);
    w.uint(1).dyn_bytes(&[1]);
    assert_eq!(w.finish().len(), 4 * 32);
    assert!(w.finish().is_empty());
    let mut w = AbiWriter::new(1);
    w.uint(1);
    assert_eq!(w.finish_with_selector([9; 4]).len(), 36);
    assert_eq!(w.finish_with_selector([9; 4]), vec![9; 4]);
}

#[test]
fn encode_bytes_body_matches_alloy() {
    for len in [0usize, 1, 31, 32, 33, 63, 64, 65, 200] {
        let b: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let alloy = (Bytes::from(b.clone()),).abi_encode_params();
        assert_eq!(encode_bytes_body(&b), alloy[32..].to_vec(), "{len}");
        // A string body is the same.
        let s = "x".repeat(len);
        let alloy = (s.clone(),).abi_encode_params();
        assert_eq!(encode_bytes_body(s.as_bytes()), alloy[32..].to_vec());
    }
}

fn address_word(a: Address) -> Vec<u8> {
    let mut w = AbiWriter::new(1);
    w.address(a);
    w.finish()
}

#[test]
fn encode_array_static_matches_alloy() {
    for n in [0usize, 1, 2, 5] {
        let addrs: Vec<Address> = (0..n).map(|i| Address::repeat_byte(i as u8 + 1)).collect();
        let elements: Vec<Vec<u8>> = addrs.iter().map(|a| address_word(*a)).collect();
        let alloy = (addrs.clone(),).abi_encode_params();
        assert_eq!(encode_array(&elements, false), alloy[32..].to_vec(), "{n}");
    }
    // Static tuples of two words.
    let pairs: Vec<(Address, FixedBytes<4>)> = (0..3)
        .map(|i| (Address::repeat_byte(i), FixedBytes::from([i; 4])))
        .collect();
    let elements: Vec<Vec<u8>> = pairs
        .iter()
        .map(|(a, s)| {
            let mut w = AbiWriter::new(2);
            w.address(*a).bytes4(s.0);
            w.finish()
        })
        .collect();
    let alloy = (pairs,).abi_encode_params();
    assert_eq!(encode_array(&elements, false), alloy[32..].to_vec());
}

#[test]
fn encode_array_dynamic_matches_alloy() {
    for lens in [vec![], vec![0], vec![3], vec![0, 33, 1, 64]] {
        let items: Vec<Vec<u8>> = lens
            .iter()
            .map(|l| (0..*l).map(|i| i as u8 ^ 0x33).collect())
            .collect();
        let elements: Vec<Vec<u8>> = items.iter().map(|b| encode_bytes_body(b)).collect();
        let alloy =
            (items.iter().cloned().map(Bytes::from).collect::<Vec<_>>(),).abi_encode_params();
        assert_eq!(
            encode_array(&elements, true),
            alloy[32..].to_vec(),
            "{lens:?}"
        );
    }
    // Dynamic tuples: (address, uint256, bytes)[].
    let calls: Vec<Call> = (0..3u8)
        .map(|i| Call {
            target: Address::repeat_byte(i),
            value: U256::from(i),
            data: Bytes::from(vec![i; i as usize * 20]),
        })
        .collect();
    let elements: Vec<Vec<u8>> = calls
        .iter()
        .map(|c| {
            let mut w = AbiWriter::new(3);
            w.address(c.target).u256(c.value).dyn_bytes(&c.data);
            w.finish()
        })
        .collect();
    let alloy = (calls,).abi_encode_params();
    assert_eq!(encode_array(&elements, true), alloy[32..].to_vec());
}

#[test]
fn writer_dyn_encoded_array_matches_alloy() {
    let addrs = vec![Address::repeat_byte(1), Address::repeat_byte(2)];
    let elements: Vec<Vec<u8>> = addrs.iter().map(|a| address_word(*a)).collect();
    let mut w = AbiWriter::new(3);
    w.uint(3)
        .dyn_encoded(&encode_array(&elements, false))
        .dyn_bytes(&[7; 9]);
    let alloy = (3u32, addrs, Bytes::from(vec![7; 9])).abi_encode_params();
    assert_eq!(w.finish(), alloy);
}

proptest! {
    /// Writer output read back by the reader, and equal to alloy's.
    #[test]
    fn writer_reader_roundtrip(
        a in any::<u32>(),
        addr in any::<[u8; 20]>(),
        b in prop::collection::vec(any::<u8>(), 0..130),
        v in any::<[u8; 32]>(),
        flag in any::<bool>(),
        sel in any::<[u8; 4]>(),
    ) {
        let addr = Address::from(addr);
        let v = U256::from_be_bytes(v);
        let mut w = AbiWriter::new(6);
        w.uint(a.into()).address(addr).dyn_bytes(&b).u256(v).bool(flag).bytes4(sel);
        let data = w.finish();
        let alloy = (a, addr, Bytes::from(b.clone()), v, flag, FixedBytes::<4>::from(sel))
            .abi_encode_params();
        prop_assert_eq!(&data, &alloy);
        let r = AbiReader::new(&data);
        prop_assert_eq!(r.u32(0), Ok(a));
        prop_assert_eq!(r.address(1), Ok(addr));
        prop_assert_eq!(r.dyn_bytes(2), Ok(b.as_slice()));
        prop_assert_eq!(r.u256(3), Ok(v));
        prop_assert_eq!(r.bool(4), Ok(flag));
        prop_assert_eq!(r.bytes4(5), Ok(sel));
    }

    /// No reader method panics on any data and position.
    #[test]
    fn reader_never_panics(
        data in prop::collection::vec(any::<u8>(), 0..200),
        i in prop_oneof![0usize..10, Just(usize::MAX), Just(usize::MAX / 32), any::<usize>()],
        bits in 0u32..70,
    ) {
        let r = AbiReader::new(&data);
        let _ = r.word(i);
        let _ = r.head(i);
        let _ = r.u256(i);
        let _ = r.b256(i);
        let _ = r.uint(i, bits);
        let _ = r.u32(i);
        let _ = r.bool(i);
        let _ = r.address(i);
        let _ = r.bytes4(i);
        let _ = r.offset(i);
        let _ = r.dyn_bytes(i);
        let _ = r.array(i);
    }
}
