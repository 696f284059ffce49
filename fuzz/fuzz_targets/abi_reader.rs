//! The ABI reader and writer of `permission_core::abi`: `AbiReader` (every
//! accessor, and offsets followed into nested regions), `split_selector`,
//! `padded_selector`, `AbiWriter`, `encode_bytes_body` and `encode_array`.
//!
//! Oracles: on arbitrary bytes (raw, or assembled from ABI-shaped words,
//! see `words.rs`) and arbitrary (also overflowing) positions,
//! each accessor returns exactly what a separate reference model of the ABI
//! rules (written here with `U256` arithmetic) returns, the error included;
//! on arbitrary values, what `AbiWriter` writes reads back as the same
//! values, and `encode_bytes_body` / `encode_array` equal alloy's encoding.

#![no_main]

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolValue;
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use permission_core::abi::{
    encode_array, encode_bytes_body, padded_selector, split_selector, WORD,
};
use permission_core::{AbiReader, AbiWriter, CalldataError};

mod words;

/// A head index or byte position: mostly small, sometimes near `usize::MAX`
/// (where `i * 32` and `pos + 32` overflow).
#[derive(Debug, Clone, Copy)]
struct Pos(usize);

impl<'a> Arbitrary<'a> for Pos {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let small = u8::arbitrary(u)?;
        Ok(Pos(match small {
            0..=239 => usize::from(small % 80),
            240..=247 => usize::MAX - usize::from(small - 240) * 16,
            _ => usize::MAX / WORD - usize::from(small - 248) + 1,
        }))
    }
}

#[derive(Arbitrary, Debug)]
enum Read {
    Word(Pos),
    Head(Pos),
    U256(Pos),
    B256(Pos),
    Uint(Pos, u8),
    U32(Pos),
    Bool(Pos),
    Address(Pos),
    Bytes4(Pos),
    Offset(Pos),
    DynBytes(Pos),
    Array(Pos),
    /// Reads on from the region an offset points to.
    Follow(Pos),
    /// Reads on from the body of an array.
    Body(Pos),
}

#[derive(Arbitrary, Debug)]
enum Value {
    U256(U256),
    Uint(u64),
    Bool(bool),
    Address(Address),
    Bytes4([u8; 4]),
    Word([u8; 32]),
    Bytes(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Input {
    Read(Vec<u8>, Vec<Read>),
    ReadWords(Vec<u8>, Vec<Read>),
    Write(Vec<Value>, [u8; 4]),
    Arrays(Vec<U256>, Vec<Vec<u8>>),
}

// ------------------------------------------------------------ reference model

type Res<T> = Result<T, CalldataError>;

fn ref_word(data: &[u8], pos: usize) -> Res<[u8; 32]> {
    let pos = U256::from(pos);
    if pos + U256::from(WORD) > U256::from(data.len()) {
        return Err(CalldataError::TooShort);
    }
    let start = pos.to::<usize>();
    let mut w = [0u8; 32];
    w.copy_from_slice(&data[start..start + WORD]);
    Ok(w)
}

fn ref_head(data: &[u8], i: usize) -> Res<[u8; 32]> {
    let pos = U256::from(i) * U256::from(WORD);
    if pos > U256::from(usize::MAX) {
        return Err(CalldataError::TooShort);
    }
    ref_word(data, pos.to::<usize>())
}

fn pow2(bits: u32) -> U256 {
    U256::from(1u8) << (bits as usize)
}

fn ref_uint(data: &[u8], i: usize, bits: u32) -> Res<u64> {
    let v = U256::from_be_bytes(ref_head(data, i)?);
    if v >= pow2(bits.min(64)) {
        return Err(CalldataError::NonCanonicalValue);
    }
    Ok(v.to::<u64>())
}

fn ref_address(data: &[u8], i: usize) -> Res<Address> {
    let w = ref_head(data, i)?;
    if U256::from_be_bytes(w) >= pow2(160) {
        return Err(CalldataError::NonCanonicalValue);
    }
    Ok(Address::from_slice(&w[12..]))
}

fn ref_bytes4(data: &[u8], i: usize) -> Res<[u8; 4]> {
    let w = ref_head(data, i)?;
    if U256::from_be_bytes(w) % pow2(224) != U256::ZERO {
        return Err(CalldataError::NonCanonicalValue);
    }
    Ok([w[0], w[1], w[2], w[3]])
}

fn ref_offset(data: &[u8], i: usize) -> Res<&[u8]> {
    let v = U256::from_be_bytes(ref_head(data, i)?);
    if v > U256::from(data.len()) {
        return Err(CalldataError::OffsetOutOfBounds);
    }
    Ok(&data[v.to::<usize>()..])
}

/// A length word at the start of `region`, and the bytes after it.
fn ref_length(region: &[u8]) -> Res<(U256, &[u8])> {
    let len = U256::from_be_bytes(ref_word(region, 0)?);
    Ok((len, &region[WORD..]))
}

fn ref_dyn_bytes(data: &[u8], i: usize) -> Res<&[u8]> {
    let (len, rest) = ref_length(ref_offset(data, i)?)?;
    if len > U256::from(rest.len()) {
        return Err(CalldataError::LengthOutOfBounds);
    }
    Ok(&rest[..len.to::<usize>()])
}

fn ref_array(data: &[u8], i: usize) -> Res<(usize, &[u8])> {
    let (len, body) = ref_length(ref_offset(data, i)?)?;
    if len.saturating_mul(U256::from(WORD)) > U256::from(body.len()) {
        return Err(CalldataError::LengthOutOfBounds);
    }
    Ok((len.to::<usize>(), body))
}

// ------------------------------------------------------------------- oracles

/// Whether `part` is exactly the bytes of `data` the reference selected.
fn same_slice(got: &[u8], expected: &[u8]) -> bool {
    got.as_ptr_range() == expected.as_ptr_range()
}

fn read(data: &[u8], reads: &[Read]) {
    let mut region: &[u8] = data;
    for op in reads {
        let r = AbiReader::new(region);
        assert!(same_slice(r.bytes(), region));
        match *op {
            Read::Word(Pos(p)) => assert_eq!(r.word(p).map(|w| *w), ref_word(region, p)),
            Read::Head(Pos(i)) => assert_eq!(r.head(i).map(|w| *w), ref_head(region, i)),
            Read::U256(Pos(i)) => {
                assert_eq!(r.u256(i), ref_head(region, i).map(U256::from_be_bytes))
            }
            Read::B256(Pos(i)) => assert_eq!(r.b256(i), ref_head(region, i).map(B256::from)),
            Read::Uint(Pos(i), bits) => {
                let bits = u32::from(bits % 80);
                assert_eq!(r.uint(i, bits), ref_uint(region, i, bits));
            }
            Read::U32(Pos(i)) => {
                assert_eq!(r.u32(i).map(u64::from), ref_uint(region, i, 32), "u32")
            }
            Read::Bool(Pos(i)) => {
                assert_eq!(r.bool(i), ref_uint(region, i, 1).map(|v| v == 1))
            }
            Read::Address(Pos(i)) => assert_eq!(r.address(i), ref_address(region, i)),
            Read::Bytes4(Pos(i)) => assert_eq!(r.bytes4(i), ref_bytes4(region, i)),
            Read::Offset(Pos(i)) => match (r.offset(i), ref_offset(region, i)) {
                (Ok(got), Ok(expected)) => assert!(same_slice(got.bytes(), expected)),
                (got, expected) => assert_eq!(got.err(), expected.err(), "offset"),
            },
            Read::DynBytes(Pos(i)) => match (r.dyn_bytes(i), ref_dyn_bytes(region, i)) {
                (Ok(got), Ok(expected)) => assert!(same_slice(got, expected)),
                (got, expected) => assert_eq!(got.err(), expected.err(), "dyn_bytes"),
            },
            Read::Array(Pos(i)) => match (r.array(i), ref_array(region, i)) {
                (Ok((len, body)), Ok((ref_len, ref_body))) => {
                    assert_eq!(len, ref_len);
                    assert!(same_slice(body.bytes(), ref_body));
                }
                (got, expected) => assert_eq!(got.err(), expected.err(), "array"),
            },
            Read::Follow(Pos(i)) => {
                if let Ok(next) = ref_offset(region, i) {
                    region = next;
                }
            }
            Read::Body(Pos(i)) => {
                if let Ok((_, body)) = ref_array(region, i) {
                    region = body;
                }
            }
        }
    }
}

fn selectors(data: &[u8]) {
    let padded = padded_selector(data);
    let n = data.len().min(4);
    assert_eq!(padded[..n], data[..n]);
    assert!(padded[n..].iter().all(|b| *b == 0));
    match split_selector(data) {
        Ok((selector, rest)) => {
            assert!(data.len() >= 4);
            assert_eq!(selector, padded);
            assert!(same_slice(rest, &data[4..]));
        }
        Err(e) => {
            assert!(data.len() < 4);
            assert_eq!(e, CalldataError::TooShort);
        }
    }
}

fn write(values: &[Value], selector: [u8; 4]) {
    let mut w = AbiWriter::new(values.len());
    for value in values {
        match value {
            Value::U256(v) => w.u256(*v),
            Value::Uint(v) => w.uint(*v),
            Value::Bool(v) => w.bool(*v),
            Value::Address(v) => w.address(*v),
            Value::Bytes4(v) => w.bytes4(*v),
            Value::Word(v) => w.word(*v),
            Value::Bytes(v) => w.dyn_bytes(v),
        };
    }
    let with_selector = w.clone().finish_with_selector(selector);
    let data = w.finish();
    assert_eq!(with_selector[..4], selector);
    assert_eq!(with_selector[4..], data[..]);
    assert_eq!(data.len() % WORD, 0);
    let r = AbiReader::new(&data);
    for (i, value) in values.iter().enumerate() {
        match value {
            Value::U256(v) => assert_eq!(r.u256(i), Ok(*v)),
            Value::Uint(v) => assert_eq!(r.uint(i, 64), Ok(*v)),
            Value::Bool(v) => assert_eq!(r.bool(i), Ok(*v)),
            Value::Address(v) => assert_eq!(r.address(i), Ok(*v)),
            Value::Bytes4(v) => assert_eq!(r.bytes4(i), Ok(*v)),
            Value::Word(v) => assert_eq!(r.b256(i), Ok(B256::from(*v))),
            Value::Bytes(v) => assert_eq!(r.dyn_bytes(i), Ok(v.as_slice())),
        }
    }
    let tail: usize = values
        .iter()
        .map(|v| match v {
            Value::Bytes(b) => WORD + b.len().div_ceil(WORD) * WORD,
            _ => 0,
        })
        .sum();
    assert_eq!(data.len(), values.len() * WORD + tail);
}

fn arrays(words: &[U256], blobs: &[Vec<u8>]) {
    for blob in blobs {
        let alloy = Bytes::copy_from_slice(blob).abi_encode();
        assert_eq!(encode_bytes_body(blob), alloy[WORD..]);
    }
    let elements: Vec<Vec<u8>> = words.iter().map(|w| w.to_be_bytes_vec()).collect();
    assert_eq!(
        encode_array(&elements, false),
        words.to_vec().abi_encode()[WORD..]
    );
    let elements: Vec<Vec<u8>> = blobs.iter().map(|b| encode_bytes_body(b)).collect();
    let alloy: Vec<Bytes> = blobs.iter().map(|b| Bytes::copy_from_slice(b)).collect();
    assert_eq!(encode_array(&elements, true), alloy.abi_encode()[WORD..]);
}

fuzz_target!(|input: Input| match input {
    Input::Read(data, reads) => {
        selectors(&data);
        read(&data, &reads);
    }
    Input::ReadWords(pieces, reads) => {
        let data = words::assemble(&pieces);
        selectors(&data);
        read(&data, &reads);
    }
    Input::Write(values, selector) => write(&values, selector),
    Input::Arrays(words, blobs) => arrays(&words, &blobs),
});
