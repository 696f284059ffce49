//! Scans one function body for forbidden operators and types, and counts
//! what Nitro limits: declared locals and operators after instrumentation.
//!
//! Nitro checks the opcode limit on the *instrumented* body
//! (`WasmBinary::parse_user` runs after `instrument` in
//! `crates/prover/src/binary.rs`). The instrumentation adds, per function:
//! - 12 operators before every operator that ends a basic block (ink meter,
//!   `programs/meter.rs`);
//! - 17 operators before every `memory.copy`/`memory.fill` (dynamic meter,
//!   `programs/dynamic.rs`);
//! - a 12-operator prologue, one extra `return` before the final `end`, and 4
//!   operators before every `return` (stack-depth checker, `programs/depth.rs`);
//! - 4 operators before every `memory.grow` when the memory is growable (heap
//!   bound, `programs/heap.rs`).

use std::collections::BTreeMap;

use wasmparser::{BlockType, FunctionBody, Operator, ValType};

use crate::operators::{classify, ends_basic_block, OpClass};
use crate::violation::{Rule, Violation};

/// What the body scan needs to know about the module.
pub(crate) struct BodyContext<'a> {
    /// The whole module, to look at the raw encoding of `call_indirect`.
    pub wasm: &'a [u8],
    /// Whether the memory can grow (then `memory.grow` gets instrumented).
    pub growable_memory: bool,
}

/// Counts for one function body.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BodyStats {
    /// Declared locals, parameters not included.
    pub locals: u64,
    /// Operators in the body as written, the final `end` included.
    pub ops: u64,
    /// Operators after Nitro's instrumentation.
    pub instrumented_ops: u64,
}

/// Forbidden things found in one body, grouped by rule for one message each.
#[derive(Default)]
struct Findings {
    by_rule: BTreeMap<Rule, BTreeMap<String, u64>>,
}

impl Findings {
    fn add(&mut self, rule: Rule, what: String) {
        *self
            .by_rule
            .entry(rule)
            .or_default()
            .entry(what)
            .or_default() += 1;
    }

    fn into_violations(self, func: u32, out: &mut Vec<Violation>) {
        for (rule, things) in self.by_rule {
            let list = things
                .iter()
                .map(|(what, n)| match n {
                    1 => what.clone(),
                    n => format!("{what} (x{n})"),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!("function {func} uses {}: {list}", describe(rule));
            out.push(Violation::in_function(rule, func, message));
        }
    }
}

fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::Float => "floats, which Stylus does not allow",
        Rule::Simd => "SIMD, which Stylus does not allow",
        Rule::Atomics => "atomics, which Stylus does not allow",
        Rule::ReferenceTypes => "reference types, which Stylus does not allow",
        Rule::Exceptions => "exception handling, which Stylus does not allow",
        Rule::TailCall => "tail calls, which Stylus does not allow",
        Rule::BulkMemory => {
            "bulk-memory operations other than memory.copy/memory.fill, which Stylus does not allow"
        }
        Rule::MultiValue => "multi-value blocks, which Stylus rejects from ArbOS 60",
        _ => "operators from a proposal Stylus does not support",
    }
}

/// The rule a value type breaks, if any, with a short name for it.
pub(crate) fn value_type_rule(ty: ValType) -> Option<(Rule, String)> {
    match ty {
        ValType::I32 | ValType::I64 => None,
        ValType::F32 => Some((Rule::Float, "f32".into())),
        ValType::F64 => Some((Rule::Float, "f64".into())),
        ValType::V128 => Some((Rule::Simd, "v128".into())),
        ValType::Ref(r) => Some((Rule::ReferenceTypes, format!("{r}"))),
    }
}

/// Scans `body`, the body of wasm function `func`, appending violations to `out`.
pub(crate) fn scan_body(
    body: &FunctionBody<'_>,
    func: u32,
    ctx: &BodyContext<'_>,
    out: &mut Vec<Violation>,
) -> wasmparser::Result<BodyStats> {
    let mut findings = Findings::default();
    let mut stats = BodyStats::default();

    for local in body.get_locals_reader()? {
        let (count, ty) = local?;
        stats.locals = stats.locals.saturating_add(u64::from(count));
        if let Some((rule, name)) = value_type_rule(ty) {
            findings.add(rule, format!("{name} local"));
        }
    }

    let mut block_ends = 0u64;
    let mut bulk_ops = 0u64;
    let mut returns = 0u64;
    let mut grows = 0u64;

    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let start = reader.original_position();
        let op = reader.read()?;
        let end = reader.original_position();
        stats.ops += 1;

        let info = classify(&op);
        if let OpClass::Forbidden(rule) = info.class {
            let what = match rule {
                Rule::UnsupportedProposal => format!("{} ({})", info.name(), info.proposal),
                _ => info.name(),
            };
            findings.add(rule, what);
        }
        if ends_basic_block(&op) {
            block_ends += 1;
        }
        match &op {
            Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
                check_block_type(*blockty, &mut findings);
            }
            Operator::CallIndirect { table_index, .. } => {
                if *table_index != 0 {
                    findings.add(
                        Rule::ReferenceTypes,
                        format!("call_indirect on table {table_index}"),
                    );
                } else if !has_mvp_table_byte(ctx.wasm.get(to_usize(start)..to_usize(end))) {
                    findings.add(
                        Rule::ReferenceTypes,
                        "call_indirect with a multi-byte table index (run canonicalize)".into(),
                    );
                }
            }
            Operator::Return => returns += 1,
            Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => bulk_ops += 1,
            Operator::MemoryGrow { .. } => grows += 1,
            _ => {}
        }
    }

    let grow_ops = if ctx.growable_memory { 4 * grows } else { 0 };
    stats.instrumented_ops = stats
        .ops
        .saturating_add(12 * block_ends)
        .saturating_add(17 * bulk_ops)
        .saturating_add(12 + 1 + 4 * (returns + 1))
        .saturating_add(grow_ops);

    findings.into_violations(func, out);
    Ok(stats)
}

fn to_usize(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

fn check_block_type(blockty: BlockType, findings: &mut Findings) {
    match blockty {
        BlockType::Empty => {}
        BlockType::Type(ty) => {
            if let Some((rule, name)) = value_type_rule(ty) {
                findings.add(rule, format!("block of type {name}"));
            }
        }
        BlockType::FuncType(index) => {
            findings.add(Rule::MultiValue, format!("block typed by type {index}"));
        }
    }
}

/// Whether the encoded `call_indirect` (opcode, type index LEB, table index)
/// ends in the single MVP table byte `0x00`.
fn has_mvp_table_byte(encoded: Option<&[u8]>) -> bool {
    let Some([0x11, rest @ ..]) = encoded else {
        return false;
    };
    // Skip the type index: a LEB128 whose last byte has the high bit clear.
    let Some(type_len) = rest.iter().position(|b| b & 0x80 == 0) else {
        return false;
    };
    rest.get(type_len + 1..) == Some(&[0x00][..])
}

#[cfg(test)]
mod tests {
    use super::has_mvp_table_byte;

    #[test]
    fn recognises_the_mvp_table_byte() {
        assert!(has_mvp_table_byte(Some(&[0x11, 0x02, 0x00])));
        assert!(has_mvp_table_byte(Some(&[0x11, 0x82, 0x80, 0x00, 0x00])));
        assert!(!has_mvp_table_byte(Some(&[
            0x11, 0x02, 0x80, 0x80, 0x80, 0x80, 0x00
        ])));
        assert!(!has_mvp_table_byte(Some(&[0x11, 0x02, 0x01])));
        assert!(!has_mvp_table_byte(None));
    }
}
