//! A bounds-checked ABI reader and a minimal ABI writer.
//!
//! The reader follows offsets exactly as Solidity's decoder does (relative to
//! the start of the enclosing tuple or array body), so a hook sees the same
//! calls the account will execute, however the encoding is laid out. Unlike
//! a lenient decoder it refuses:
//! - any read past the end of the data;
//! - offsets and lengths that do not fit the data;
//! - non-canonical values: an address, `uint32`, `uint48`, `bytes4` or `bool`
//!   word with dirty bits, which Solidity's decoder would also reject.
//!
//! The writer encodes the static words of return values, custom errors and
//! event data, and the dynamic values install data needs.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};

/// Why calldata could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalldataError {
    /// The data ends before a word or a selector that must be there.
    TooShort,
    /// An ABI offset points outside the data.
    OffsetOutOfBounds,
    /// An ABI length runs past the end of the data.
    LengthOutOfBounds,
    /// A word holds a value wider than its type (dirty high bits).
    NonCanonicalValue,
    /// The selector is not one this decoder accepts.
    UnknownSelector([u8; 4]),
}

impl CalldataError {
    /// The `reason` carried by the modules' `MalformedCalldata(uint8 reason)`
    /// error. [`CalldataError::UnknownSelector`] has its own error,
    /// `UnsupportedCallForm(bytes4)`, and maps to 5 only for completeness.
    pub const fn code(self) -> u8 {
        match self {
            Self::TooShort => 1,
            Self::OffsetOutOfBounds => 2,
            Self::LengthOutOfBounds => 3,
            Self::NonCanonicalValue => 4,
            Self::UnknownSelector(_) => 5,
        }
    }
}

/// Size of one ABI word.
pub const WORD: usize = 32;

/// A view of an ABI-encoded region: the head of a tuple, or the body of an
/// array. Offsets found in the region are relative to its start.
#[derive(Clone, Copy, Debug)]
pub struct AbiReader<'a> {
    data: &'a [u8],
}

impl<'a> AbiReader<'a> {
    /// A reader over `data`, typically the calldata after its selector.
    pub const fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// The bytes this reader covers.
    pub const fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// The 32-byte word at byte position `pos`.
    pub fn word(&self, pos: usize) -> Result<&'a [u8; WORD], CalldataError> {
        let end = pos.checked_add(WORD).ok_or(CalldataError::TooShort)?;
        self.data
            .get(pos..end)
            .and_then(|w| w.try_into().ok())
            .ok_or(CalldataError::TooShort)
    }

    /// The `i`-th head word (`i * 32`).
    pub fn head(&self, i: usize) -> Result<&'a [u8; WORD], CalldataError> {
        self.word(i.checked_mul(WORD).ok_or(CalldataError::TooShort)?)
    }

    /// A `uint256` head word.
    pub fn u256(&self, i: usize) -> Result<U256, CalldataError> {
        Ok(U256::from_be_bytes(*self.head(i)?))
    }

    /// A `bytes32` head word.
    pub fn b256(&self, i: usize) -> Result<B256, CalldataError> {
        Ok(B256::from(*self.head(i)?))
    }

    /// An unsigned integer of `bits` (at most 64) in head word `i`.
    pub fn uint(&self, i: usize, bits: u32) -> Result<u64, CalldataError> {
        let w = self.head(i)?;
        let value = word_to_u64(w)?;
        if bits < 64 && value >> bits != 0 {
            return Err(CalldataError::NonCanonicalValue);
        }
        Ok(value)
    }

    /// A `uint32` head word.
    pub fn u32(&self, i: usize) -> Result<u32, CalldataError> {
        // `uint` with 32 bits guarantees the value fits.
        self.uint(i, 32).map(|v| v as u32)
    }

    /// A `bool` head word (0 or 1).
    pub fn bool(&self, i: usize) -> Result<bool, CalldataError> {
        match self.uint(i, 1)? {
            0 => Ok(false),
            _ => Ok(true),
        }
    }

    /// An `address` head word.
    pub fn address(&self, i: usize) -> Result<Address, CalldataError> {
        let w = self.head(i)?;
        if w[..12].iter().any(|b| *b != 0) {
            return Err(CalldataError::NonCanonicalValue);
        }
        Ok(Address::from_slice(&w[12..]))
    }

    /// A `bytes4` head word (left-aligned, rest zero).
    pub fn bytes4(&self, i: usize) -> Result<[u8; 4], CalldataError> {
        let w = self.head(i)?;
        if w[4..].iter().any(|b| *b != 0) {
            return Err(CalldataError::NonCanonicalValue);
        }
        Ok([w[0], w[1], w[2], w[3]])
    }

    /// Follows the offset in head word `i` and returns the region it points
    /// to, running to the end of this reader's data.
    pub fn offset(&self, i: usize) -> Result<AbiReader<'a>, CalldataError> {
        let offset = word_to_usize(self.head(i)?).ok_or(CalldataError::OffsetOutOfBounds)?;
        if offset > self.data.len() {
            return Err(CalldataError::OffsetOutOfBounds);
        }
        Ok(AbiReader::new(&self.data[offset..]))
    }

    /// The dynamic `bytes` whose offset is in head word `i`.
    pub fn dyn_bytes(&self, i: usize) -> Result<&'a [u8], CalldataError> {
        self.offset(i)?.length_prefixed(1)
    }

    /// The dynamic array whose offset is in head word `i`: its length and a
    /// reader over its body (element heads start at position 0).
    pub fn array(&self, i: usize) -> Result<(usize, AbiReader<'a>), CalldataError> {
        let region = self.offset(i)?;
        let len = word_to_usize(region.head(0)?).ok_or(CalldataError::LengthOutOfBounds)?;
        let body = AbiReader::new(&region.data[WORD..]);
        // Each element takes at least one head word: refuse lengths the body
        // cannot hold, before any caller loops over them.
        let min = len
            .checked_mul(WORD)
            .ok_or(CalldataError::LengthOutOfBounds)?;
        if min > body.data.len() {
            return Err(CalldataError::LengthOutOfBounds);
        }
        Ok((len, body))
    }

    /// Reads a length word at position 0 and returns `len * unit` bytes after it.
    fn length_prefixed(&self, unit: usize) -> Result<&'a [u8], CalldataError> {
        let len = word_to_usize(self.head(0)?).ok_or(CalldataError::LengthOutOfBounds)?;
        let size = len
            .checked_mul(unit)
            .ok_or(CalldataError::LengthOutOfBounds)?;
        let end = WORD
            .checked_add(size)
            .ok_or(CalldataError::LengthOutOfBounds)?;
        self.data
            .get(WORD..end)
            .ok_or(CalldataError::LengthOutOfBounds)
    }
}

/// The low 8 bytes of a word, if the rest is zero.
fn word_to_u64(w: &[u8; WORD]) -> Result<u64, CalldataError> {
    if w[..24].iter().any(|b| *b != 0) {
        return Err(CalldataError::NonCanonicalValue);
    }
    let mut low = [0u8; 8];
    low.copy_from_slice(&w[24..]);
    Ok(u64::from_be_bytes(low))
}

/// A word as a `usize`, or `None` when it cannot be a valid offset or length.
fn word_to_usize(w: &[u8; WORD]) -> Option<usize> {
    word_to_u64(w).ok().and_then(|v| usize::try_from(v).ok())
}

/// The first four bytes of `data`, zero-padded on the right when shorter:
/// how a partial selector is reported in errors.
pub fn padded_selector(data: &[u8]) -> [u8; 4] {
    let mut selector = [0u8; 4];
    let n = data.len().min(4);
    selector[..n].copy_from_slice(&data[..n]);
    selector
}

/// Splits calldata into its selector and arguments.
pub fn split_selector(data: &[u8]) -> Result<([u8; 4], &[u8]), CalldataError> {
    match data {
        [a, b, c, d, rest @ ..] => Ok(([*a, *b, *c, *d], rest)),
        _ => Err(CalldataError::TooShort),
    }
}

/// Builds ABI-encoded data: a selector or topic-less prefix, static head
/// words, and a tail for dynamic values.
///
/// Dynamic values are written with [`AbiWriter::dyn_bytes`] and friends,
/// which put the offset in the head and the value in the tail.
#[derive(Debug, Default, Clone)]
pub struct AbiWriter {
    head: Vec<u8>,
    tail: Vec<u8>,
    head_words: usize,
}

impl AbiWriter {
    /// A writer for a tuple of `head_words` head slots.
    pub fn new(head_words: usize) -> Self {
        Self {
            head: Vec::with_capacity(head_words * WORD),
            tail: Vec::new(),
            head_words,
        }
    }

    /// Appends a raw 32-byte word to the head.
    pub fn word(&mut self, word: [u8; WORD]) -> &mut Self {
        self.head.extend_from_slice(&word);
        self
    }

    /// Appends a `uint256`.
    pub fn u256(&mut self, v: U256) -> &mut Self {
        self.word(v.to_be_bytes())
    }

    /// Appends any unsigned integer up to 64 bits.
    pub fn uint(&mut self, v: u64) -> &mut Self {
        let mut w = [0u8; WORD];
        w[24..].copy_from_slice(&v.to_be_bytes());
        self.word(w)
    }

    /// Appends a `bool`.
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.uint(v as u64)
    }

    /// Appends an `address`.
    pub fn address(&mut self, a: Address) -> &mut Self {
        let mut w = [0u8; WORD];
        w[12..].copy_from_slice(a.as_slice());
        self.word(w)
    }

    /// Appends a `bytes4`.
    pub fn bytes4(&mut self, s: [u8; 4]) -> &mut Self {
        let mut w = [0u8; WORD];
        w[..4].copy_from_slice(&s);
        self.word(w)
    }

    /// Appends the offset of a dynamic value and writes `encoded` (already a
    /// complete ABI encoding of that value) to the tail.
    pub fn dyn_encoded(&mut self, encoded: &[u8]) -> &mut Self {
        let offset = self.head_words * WORD + self.tail.len();
        self.uint(offset as u64);
        self.tail.extend_from_slice(encoded);
        self
    }

    /// Appends a dynamic `bytes` (or `string`) value.
    pub fn dyn_bytes(&mut self, bytes: &[u8]) -> &mut Self {
        let encoded = encode_bytes_body(bytes);
        self.dyn_encoded(&encoded)
    }

    /// The encoding: head then tail. The writer is left empty.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut out = core::mem::take(&mut self.head);
        out.append(&mut self.tail);
        out
    }

    /// The encoding prefixed with a selector, as calldata or a custom error.
    pub fn finish_with_selector(&mut self, selector: [u8; 4]) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + self.head.len() + self.tail.len());
        out.extend_from_slice(&selector);
        out.append(&mut self.head);
        out.append(&mut self.tail);
        out
    }
}

/// The tail encoding of a `bytes` value: its length word, then the bytes
/// padded to a whole number of words.
pub fn encode_bytes_body(bytes: &[u8]) -> Vec<u8> {
    let padded = bytes.len().div_ceil(WORD) * WORD;
    let mut out = Vec::with_capacity(WORD + padded);
    let mut len = [0u8; WORD];
    len[24..].copy_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(&len);
    out.extend_from_slice(bytes);
    out.resize(WORD + padded, 0);
    out
}

/// Encodes an array of dynamic or static elements, each given as its own
/// complete encoding, with `dynamic` telling whether the elements need
/// offsets.
pub fn encode_array(elements: &[Vec<u8>], dynamic: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut len = [0u8; WORD];
    len[24..].copy_from_slice(&(elements.len() as u64).to_be_bytes());
    out.extend_from_slice(&len);
    if dynamic {
        let mut writer = AbiWriter::new(elements.len());
        for e in elements {
            writer.dyn_encoded(e);
        }
        out.extend_from_slice(&writer.finish());
    } else {
        for e in elements {
            out.extend_from_slice(e);
        }
    }
    out
}
