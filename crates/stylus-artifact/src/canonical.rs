//! Rewrites a module into the canonical encoding that is deployed.
//!
//! rustc's linker writes `call_indirect` with its table index as a padded
//! five-byte LEB (`80 80 80 80 00`), the reference-types encoding, even when
//! reference types are disabled. Nitro parses user programs with wasmparser
//! and reference types off, which also turns off the "overlong
//! `call_indirect`" reading: the table index must then be the single byte
//! `0x00` ("zero byte expected"). Strict validators such as wabt's
//! `wasm-validate --disable-reference-types` reject it too.
//!
//! Parsing with wasmparser and re-encoding with `wasm_encoder::reencode`
//! writes every LEB at its minimal length, so `call_indirect` gets the MVP
//! byte. Custom sections (`name`, `producers`, `target_features`, debug info)
//! are dropped: Nitro ignores them, and every byte is paid for in code size
//! and in the activation costs. The result is stable: canonicalizing it again
//! gives the same bytes.

use std::convert::Infallible;

use wasm_encoder::reencode::{Error as ReencodeError, Reencode};
use wasmparser::{CustomSectionReader, Parser, Validator, WasmFeatures};

use crate::error::Error;

/// A reencoder that keeps everything except custom sections.
struct Canonicalizer;

impl Reencode for Canonicalizer {
    type Error = Infallible;

    fn parse_custom_section(
        &mut self,
        _module: &mut wasm_encoder::Module,
        _section: CustomSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        Ok(())
    }
}

/// Returns `wasm` re-encoded canonically and without custom sections.
///
/// Fails only if `wasm` is not a valid module under any wasm proposal; rules
/// Stylus adds are checked by [`crate::validate()`].
pub fn canonicalize(wasm: &[u8]) -> Result<Vec<u8>, Error> {
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(wasm)
        .map_err(|e| Error::InvalidWasm(e.to_string()))?;

    let mut parser = Parser::new(0);
    parser.set_features(WasmFeatures::all());
    let mut module = wasm_encoder::Module::new();
    Canonicalizer
        .parse_core_module(&mut module, parser, wasm)
        .map_err(|e| Error::Reencode(e.to_string()))?;
    Ok(module.finish())
}
