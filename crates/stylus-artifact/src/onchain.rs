//! The on-chain form of a program: `EF F0 00`, a dictionary byte, then the
//! brotli-compressed wasm.
//!
//! cargo-stylus compresses at quality 11 with no dictionary (byte 0); Nitro
//! strips the prefix and inflates with at most 128 KiB of output
//! (`getWasmFromClassicStylus` in `arbos/programs/programs.go`). Dictionary 1
//! (Nitro's built-in one) and the fragmented ArbOS 60 formats (`EF F0 01`,
//! `EF F0 02`) are not produced or read here.

use std::io::Read;

use crate::error::Error;
use crate::limits::MAX_WASM_SIZE;

/// The classic Stylus program prefix.
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];
/// Dictionary byte meaning "no dictionary".
pub const DICTIONARY_NONE: u8 = 0;
/// Brotli quality used for deployment (the maximum).
pub const BROTLI_QUALITY: i32 = 11;
/// Brotli window, log2 of bytes.
pub const BROTLI_WINDOW: i32 = 22;

/// Compresses `wasm` with brotli at quality 11, window 22, no dictionary.
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: wasm.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(wasm.len() / 2);
    let mut input = wasm;
    // Reading from a slice and writing to a Vec cannot fail.
    if let Err(err) = brotli::BrotliCompress(&mut input, &mut out, &params) {
        unreachable!("in-memory brotli compression failed: {err}");
    }
    out
}

/// The bytes to deploy: `EF F0 00`, dictionary byte 0, then [`compress`]`(wasm)`.
pub fn onchain_code(wasm: &[u8]) -> Vec<u8> {
    let compressed = compress(wasm);
    let mut code = Vec::with_capacity(STYLUS_PREFIX.len() + 1 + compressed.len());
    code.extend_from_slice(&STYLUS_PREFIX);
    code.push(DICTIONARY_NONE);
    code.extend_from_slice(&compressed);
    code
}

/// Whether `code` starts with the classic Stylus prefix.
pub fn is_stylus_code(code: &[u8]) -> bool {
    code.starts_with(&STYLUS_PREFIX)
}

/// Checks the prefix and dictionary byte and inflates the wasm, refusing
/// more than 128 KiB of output as Nitro does.
pub fn decompress_onchain_code(code: &[u8]) -> Result<Vec<u8>, Error> {
    let Some(rest) = code.strip_prefix(&STYLUS_PREFIX[..]) else {
        return Err(Error::NotStylusCode);
    };
    let Some((&dictionary, stream)) = rest.split_first() else {
        return Err(Error::NotStylusCode);
    };
    if dictionary != DICTIONARY_NONE {
        return Err(Error::UnsupportedDictionary(dictionary));
    }
    let mut wasm = Vec::new();
    let limit = MAX_WASM_SIZE as u64 + 1;
    brotli::Decompressor::new(stream, 4096)
        .take(limit)
        .read_to_end(&mut wasm)
        .map_err(|e| Error::Decompress(e.to_string()))?;
    if wasm.len() > MAX_WASM_SIZE {
        return Err(Error::DecompressedTooLarge {
            limit: MAX_WASM_SIZE,
        });
    }
    Ok(wasm)
}
