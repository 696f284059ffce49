//! A broken activation rule: which rule, and a message a person can act on.

use std::fmt;

/// The class of activation rule a module breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The bytes are not a valid wasm module, or Nitro's parser rejects them.
    Malformed,
    /// The deployed wasm is larger than 128 KiB.
    WasmSize,
    /// An import that is not a `vm_hooks` host function with its exact type.
    Import,
    /// A start function.
    StartFunction,
    /// Float types or float instructions.
    Float,
    /// SIMD types or instructions.
    Simd,
    /// Atomics, shared memory.
    Atomics,
    /// Reference types: ref-typed values, extra tables, `table.*`, `ref.*`,
    /// typed `select`, the LEB-encoded `call_indirect` table index.
    ReferenceTypes,
    /// Exception handling (tags, `try`, `throw`).
    Exceptions,
    /// Tail calls.
    TailCall,
    /// Bulk-memory operations other than `memory.copy` and `memory.fill`.
    BulkMemory,
    /// Any other proposal (GC, typed function references, ...).
    UnsupportedProposal,
    /// Multiple results, or blocks typed by a function type.
    MultiValue,
    /// The memory: not exactly one, not exported as `memory`, too large,
    /// data outside of it.
    Memory,
    /// The `user_entrypoint` export is missing or has the wrong type.
    Entrypoint,
    /// A growable memory without the `vm_hooks.pay_for_memory_grow` import.
    MemoryGrow,
    /// Exports that collide with imports or use Nitro's reserved names.
    Export,
    /// Global initializers, table and element segments Nitro cannot load.
    Segment,
    /// A count limit (segments, functions, locals, opcodes, ...).
    Limit,
    /// An activation cost does not fit in Nitro's 16-bit field.
    Cost,
}

impl Rule {
    /// A short lowercase label, e.g. for grouping messages.
    pub fn label(self) -> &'static str {
        match self {
            Rule::Malformed => "malformed",
            Rule::WasmSize => "wasm-size",
            Rule::Import => "import",
            Rule::StartFunction => "start-function",
            Rule::Float => "float",
            Rule::Simd => "simd",
            Rule::Atomics => "atomics",
            Rule::ReferenceTypes => "reference-types",
            Rule::Exceptions => "exceptions",
            Rule::TailCall => "tail-call",
            Rule::BulkMemory => "bulk-memory",
            Rule::UnsupportedProposal => "unsupported-proposal",
            Rule::MultiValue => "multi-value",
            Rule::Memory => "memory",
            Rule::Entrypoint => "entrypoint",
            Rule::MemoryGrow => "memory-grow",
            Rule::Export => "export",
            Rule::Segment => "segment",
            Rule::Limit => "limit",
            Rule::Cost => "cost",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub rule: Rule,
    /// A complete sentence, e.g. `import env.foo is not a vm_hooks host function`.
    pub message: String,
    /// The wasm function index the violation is in, when it is in a function
    /// body (see [`crate::function_names`] to name it).
    pub function: Option<u32>,
}

impl Violation {
    /// A violation of `rule` that is not tied to a function body.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Violation {
            rule,
            message: message.into(),
            function: None,
        }
    }

    /// A violation of `rule` inside the body of wasm function `function`.
    pub fn in_function(rule: Rule, function: u32, message: impl Into<String>) -> Self {
        Violation {
            rule,
            message: message.into(),
            function: Some(function),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.rule, self.message)
    }
}
