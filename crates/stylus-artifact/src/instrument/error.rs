//! Why a module cannot be instrumented: it breaks an activation rule, or one
//! of the bounds Nitro's instrumentation itself enforces (frame size, values
//! on the stack at once, operators per body), or it cannot be re-encoded.

use std::fmt;

use crate::violation::Violation;

/// A failure of [`instrument`](super::instrument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The module breaks Nitro's activation rules ([`crate::validate()`]).
    Rejected(Vec<Violation>),
    /// A function needs a bigger frame than Nitro allows
    /// (`"frame too large"` in `programs/depth.rs`).
    FrameTooLarge { func: u32, words: u64, limit: u32 },
    /// A function keeps more values on the operand stack at once than Nitro
    /// allows (`"too many values on the stack at once"` in `programs/depth.rs`).
    FrameContention { func: u32, values: u64, limit: u32 },
    /// A body has more operators after instrumentation than Nitro allows
    /// (`limit!(65536, ...)` in `WasmBinary::parse_user`).
    BodyTooLong { func: u32, ops: u64, limit: u64 },
    /// A body's blocks do not nest, or it holds an operator the depth
    /// checker does not know (cannot happen for a module that validates).
    Malformed { func: u32, reason: String },
    /// Reading or re-encoding the module failed.
    Reencode(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rejected(violations) => {
                write!(f, "the module breaks Nitro's activation rules:")?;
                for violation in violations {
                    write!(f, "\n  {violation}")?;
                }
                Ok(())
            }
            Error::FrameTooLarge { func, words, limit } => write!(
                f,
                "function {func} needs a frame of {words} words; Nitro allows at most {limit}"
            ),
            Error::FrameContention {
                func,
                values,
                limit,
            } => write!(
                f,
                "function {func} keeps {values} values on the stack at once; Nitro allows at most {limit}"
            ),
            Error::BodyTooLong { func, ops, limit } => write!(
                f,
                "function {func} has {ops} operators after instrumentation; Nitro allows at most {limit}"
            ),
            Error::Malformed { func, reason } => write!(f, "function {func}: {reason}"),
            Error::Reencode(msg) => write!(f, "cannot rewrite the module: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        Error::Reencode(err.to_string())
    }
}
