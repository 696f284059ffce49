//! Errors that stop the pipeline before any activation rule can be checked:
//! bytes that are not a wasm module, a module the encoder cannot rebuild, and
//! on-chain code that is not a classic Stylus program.

use std::fmt;

/// A failure to read, rebuild or decode a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The bytes are not a valid WebAssembly module (any proposal allowed).
    InvalidWasm(String),
    /// The module parsed, but re-encoding it failed.
    Reencode(String),
    /// The code does not start with the classic Stylus prefix `EF F0 00`.
    NotStylusCode,
    /// The dictionary byte after the prefix names a dictionary we do not have
    /// (1 is Nitro's built-in dictionary, which cargo-stylus does not use).
    UnsupportedDictionary(u8),
    /// The brotli stream is corrupt.
    Decompress(String),
    /// The brotli stream inflates to more than the given number of bytes.
    DecompressedTooLarge { limit: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidWasm(msg) => write!(f, "not a valid wasm module: {msg}"),
            Error::Reencode(msg) => write!(f, "cannot re-encode the wasm module: {msg}"),
            Error::NotStylusCode => {
                write!(f, "code does not start with the Stylus prefix EF F0 00")
            }
            Error::UnsupportedDictionary(d) => write!(
                f,
                "Stylus code uses brotli dictionary {d}; only dictionary 0 (none) is supported"
            ),
            Error::Decompress(msg) => write!(f, "cannot inflate the brotli stream: {msg}"),
            Error::DecompressedTooLarge { limit } => {
                write!(f, "brotli stream inflates to more than {limit} bytes")
            }
        }
    }
}

impl std::error::Error for Error {}
