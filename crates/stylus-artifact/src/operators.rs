//! Sorts every wasm operator into what Nitro allows and what it rejects.
//!
//! The proposal an operator comes from is taken from wasmparser's own
//! operator table (`for_each_operator!`), so new operators are classified
//! without a hand-written list. Nitro (`crates/prover/src/programs/depth.rs`,
//! `dynamic.rs`, `meter.rs` and `wavm.rs`) accepts the MVP integer operators,
//! sign extension, `memory.copy` and `memory.fill`; this crate also refuses
//! every float operator (Nitro refuses float arithmetic and prices all float
//! operators at `u64::MAX` ink).

use crate::violation::Rule;
use wasmparser::Operator;

/// What an operator means for activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpClass {
    Allowed,
    Forbidden(Rule),
}

/// Facts about one operator.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OpInfo {
    pub class: OpClass,
    /// The proposal that introduced it, as wasmparser names it (`mvp`, `simd`, ...).
    pub proposal: &'static str,
    /// The wasmparser visitor name, e.g. `visit_i32_add`.
    visit: &'static str,
}

impl OpInfo {
    /// A text-format-like name, e.g. `i32.add` or `br_if`.
    pub fn name(&self) -> String {
        const TYPED_PREFIXES: [&str; 25] = [
            "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4",
            "f64x2", "memory", "table", "local", "global", "ref", "data", "elem", "struct",
            "array", "any", "extern", "i31", "atomic", "cont",
        ];
        let bare = self.visit.strip_prefix("visit_").unwrap_or(self.visit);
        for prefix in TYPED_PREFIXES {
            if let Some(rest) = bare.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) {
                return format!("{prefix}.{rest}");
            }
        }
        bare.to_string()
    }
}

macro_rules! define_proposal_of {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The proposal and visitor name of `op`.
        #[allow(unreachable_patterns)]
        fn proposal_of(op: &Operator<'_>) -> (&'static str, &'static str) {
            match op {
                $( Operator::$op { .. } => (stringify!($proposal), stringify!($visit)), )*
                _ => ("unknown", "visit_unknown"),
            }
        }
    };
}
wasmparser::for_each_operator!(define_proposal_of);

/// Classifies `op` by proposal and, for the MVP, by whether it touches floats.
///
/// Immediates (block types, `call_indirect` table, memory index) are checked
/// by the body scanner, not here.
pub(crate) fn classify(op: &Operator<'_>) -> OpInfo {
    let (proposal, visit) = proposal_of(op);
    let touches_float = visit.contains("f32") || visit.contains("f64");
    let class = match proposal {
        "mvp" | "sign_extension" if touches_float => OpClass::Forbidden(Rule::Float),
        "mvp" | "sign_extension" => OpClass::Allowed,
        "saturating_float_to_int" => OpClass::Forbidden(Rule::Float),
        "bulk_memory" => match op {
            Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => OpClass::Allowed,
            _ => OpClass::Forbidden(Rule::BulkMemory),
        },
        "reference_types" => OpClass::Forbidden(Rule::ReferenceTypes),
        "simd" | "relaxed_simd" => OpClass::Forbidden(Rule::Simd),
        "threads" | "shared_everything_threads" | "acquire_release_atomics" => {
            OpClass::Forbidden(Rule::Atomics)
        }
        "exceptions" | "legacy_exceptions" => OpClass::Forbidden(Rule::Exceptions),
        "tail_call" => OpClass::Forbidden(Rule::TailCall),
        _ => OpClass::Forbidden(Rule::UnsupportedProposal),
    };
    OpInfo {
        class,
        proposal,
        visit,
    }
}

/// Whether Nitro's ink meter closes a basic block after `op`
/// (`OperatorInfo::ends_basic_block` in `crates/arbutil/src/operator.rs`).
pub(crate) fn ends_basic_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{BlockType, Ieee32, Ordering};

    #[test]
    fn integer_mvp_is_allowed() {
        for op in [
            Operator::I32Add,
            Operator::I64DivU,
            Operator::Block {
                blockty: BlockType::Empty,
            },
            Operator::I32Const { value: 1 },
            Operator::I32Extend8S,
            Operator::MemoryCopy {
                dst_mem: 0,
                src_mem: 0,
            },
        ] {
            assert_eq!(classify(&op).class, OpClass::Allowed, "{op:?}");
        }
    }

    #[test]
    fn floats_and_proposals_are_forbidden() {
        let cases = [
            (Operator::F32Add, Rule::Float),
            (Operator::F64Neg, Rule::Float),
            (
                Operator::F32Const {
                    value: Ieee32::from(0.5f32),
                },
                Rule::Float,
            ),
            (Operator::I32TruncSatF64U, Rule::Float),
            (Operator::I64ReinterpretF64, Rule::Float),
            (
                Operator::MemoryInit {
                    data_index: 0,
                    mem: 0,
                },
                Rule::BulkMemory,
            ),
            (Operator::DataDrop { data_index: 0 }, Rule::BulkMemory),
            (Operator::TableGet { table: 0 }, Rule::ReferenceTypes),
            (Operator::RefIsNull, Rule::ReferenceTypes),
            (Operator::I32x4Add, Rule::Simd),
            (
                Operator::AtomicFence {
                    ordering: Ordering::SeqCst,
                },
                Rule::Atomics,
            ),
            (Operator::ReturnCall { function_index: 0 }, Rule::TailCall),
            (Operator::Throw { tag_index: 0 }, Rule::Exceptions),
        ];
        for (op, rule) in cases {
            assert_eq!(classify(&op).class, OpClass::Forbidden(rule), "{op:?}");
        }
    }

    #[test]
    fn names_look_like_wat() {
        assert_eq!(
            classify(&Operator::I32TruncSatF64U).name(),
            "i32.trunc_sat_f64_u"
        );
        assert_eq!(
            classify(&Operator::BrIf { relative_depth: 0 }).name(),
            "br_if"
        );
        assert_eq!(
            classify(&Operator::DataDrop { data_index: 0 }).name(),
            "data.drop"
        );
    }
}
