//! Not a fuzz target: a helper the targets include (`mod words;`).
//!
//! Builds ABI-shaped bytes from a compact description, two bytes per
//! piece, so that the fuzzer reaches encodings whose offsets, lengths and
//! counts fit (and nearly fit) their data far more often than with raw
//! bytes, while still producing misaligned, dirty and truncated data.

use permission_core::selectors::{
    ERC20_APPROVE, ERC20_INCREASE_ALLOWANCE, ERC20_TRANSFER, EXECUTE, EXECUTE_BATCH,
    EXECUTE_USER_OP,
};

/// Four-byte values the decoders compare against.
const SELECTORS: [[u8; 4]; 6] = [
    EXECUTE,
    EXECUTE_BATCH,
    EXECUTE_USER_OP,
    ERC20_TRANSFER,
    ERC20_APPROVE,
    ERC20_INCREASE_ALLOWANCE,
];

fn word(value: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&value.to_be_bytes());
    w
}

/// The bytes described by `pieces`: each `(tag, value)` pair appends a word
/// holding `value` (a count, length or small integer), a word holding
/// `value * 32` (an offset or a size in words), an address word, a dirty
/// word, a word with a large value, a single raw byte, or a selector.
pub fn assemble(pieces: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pieces.len() * 16);
    for pair in pieces.chunks(2) {
        let (tag, value) = (pair[0], pair.get(1).copied().unwrap_or(0));
        match tag % 8 {
            0 | 1 => out.extend_from_slice(&word(u64::from(value))),
            2 | 3 => out.extend_from_slice(&word(u64::from(value) * 32)),
            4 => {
                let mut w = [value; 32];
                w[..12].fill(0);
                out.extend_from_slice(&w);
            }
            5 => out.extend_from_slice(&[value; 32]),
            6 => {
                // Near the edges of uint32, uint48, uint64 and uint160.
                let bits = [32u32, 48, 64, 160][usize::from(value % 4)];
                let mut w = [0u8; 32];
                let first = 32 - (bits / 8) as usize;
                w[first..].fill(0xFF);
                if value & 4 != 0 {
                    // One more than the maximum: the bit above it set.
                    w[first..].fill(0);
                    w[first - 1] = 1;
                }
                out.extend_from_slice(&w);
            }
            _ => match value % 8 {
                0..=5 => out.extend_from_slice(&SELECTORS[usize::from(value % 8)]),
                _ => out.push(value),
            },
        }
    }
    out
}
