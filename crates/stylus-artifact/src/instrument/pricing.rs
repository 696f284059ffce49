//! Ink per operator: Stylus pricing v1 (`pricing_v1` in
//! `crates/prover/src/programs/meter.rs`, used for Stylus versions 1 to 3).
//!
//! | operators | ink |
//! |---|---|
//! | `unreachable`, `return`, `nop`, `i32.const`, `i64.const`, `block`, `loop`, `else`, `end` | 1 |
//! | `drop` | 9 |
//! | `br`, `br_if`, `if` | 765 |
//! | `select` (untyped) | 1,250 |
//! | `call` | 3,800 |
//! | `call_indirect` | 13,610 + 650 per parameter of its type |
//! | `br_table` | 2,400 + 325 per target, the default not counted |
//! | `local.get`, `local.tee` / `local.set` | 75 / 210 |
//! | `global.get` / `global.set` | 225 / 575 |
//! | i32 loads (all widths) / i64 loads | 670 / 680 |
//! | i32 stores / i64 stores | 825 / 950 |
//! | `memory.size` / `memory.grow` | 3,000 / 8,050 |
//! | i32 comparisons, `i32.eqz` included / i64 | 170 / 225 |
//! | `clz`, `ctz` (both widths) | 210 |
//! | i32 add, sub, and, or, xor, shifts, rotates / i64 | 70 / 100 |
//! | `mul` (both widths) | 160 |
//! | i32 div, rem / i64 | 1,120 / 1,270 |
//! | `i32.popcnt` / `i64.popcnt` | 2,650 / 6,000 |
//! | `i32.wrap_i64`, `i64.extend_i32_*`, sign extension (`*.extend*_s`) | 100 |
//! | `memory.copy`, `memory.fill` (plus 100 per byte, see `dynamic`) | 950 |
//!
//! Every other operator (floats, typed `select`, reference types, tables,
//! `memory.init`, atomics, SIMD, exceptions, tail calls, GC) costs
//! `u64::MAX`: Nitro does not support it, and a block holding one can never
//! be paid for.

use wasmparser::{FuncType, Operator};

/// The ink Stylus pricing v1 charges for `op`. `types` holds the module's
/// function types by index (for `call_indirect`; an unknown type costs
/// `u64::MAX`).
pub fn pricing_v1(op: &Operator<'_>, types: &[FuncType]) -> u64 {
    use Operator as O;
    match op {
        // Control.
        O::Unreachable | O::Nop | O::Return => 1,
        O::Block { .. } | O::Loop { .. } | O::Else | O::End => 1,
        O::Br { .. } | O::BrIf { .. } | O::If { .. } => 765,
        O::BrTable { targets } => 2_400 + 325 * u64::from(targets.len()),
        O::Call { .. } => 3_800,
        O::CallIndirect { type_index, .. } => types
            .get(*type_index as usize)
            .map_or(u64::MAX, |ty| 13_610 + 650 * ty.params().len() as u64),

        // Constants and the parametric operators.
        O::I32Const { .. } | O::I64Const { .. } => 1,
        O::Drop => 9,
        O::Select => 1_250,

        // Variables.
        O::LocalGet { .. } | O::LocalTee { .. } => 75,
        O::LocalSet { .. } => 210,
        O::GlobalGet { .. } => 225,
        O::GlobalSet { .. } => 575,

        // Memory.
        O::I32Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. } => 670,
        O::I64Load { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => 680,
        O::I32Store { .. } | O::I32Store8 { .. } | O::I32Store16 { .. } => 825,
        O::I64Store { .. } | O::I64Store8 { .. } | O::I64Store16 { .. } | O::I64Store32 { .. } => {
            950
        }
        O::MemorySize { .. } => 3_000,
        O::MemoryGrow { .. } => 8_050,
        O::MemoryCopy { .. } | O::MemoryFill { .. } => 950,

        // Comparisons.
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => 170,
        O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => 225,

        // Arithmetic and bits.
        O::I32Clz | O::I32Ctz | O::I64Clz | O::I64Ctz => 210,
        O::I32Add
        | O::I32Sub
        | O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr => 70,
        O::I64Add
        | O::I64Sub
        | O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => 100,
        O::I32Mul | O::I64Mul => 160,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => 1_120,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => 1_270,
        O::I32Popcnt => 2_650,
        O::I64Popcnt => 6_000,

        // Conversions between the integer types.
        O::I32WrapI64
        | O::I64ExtendI32S
        | O::I64ExtendI32U
        | O::I32Extend8S
        | O::I32Extend16S
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => 100,

        _ => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{BlockType, ValType};

    #[test]
    fn call_indirect_pays_per_parameter() {
        let types = [FuncType::new([ValType::I32, ValType::I64], [ValType::I32])];
        let op = Operator::CallIndirect {
            type_index: 0,
            table_index: 0,
        };
        assert_eq!(pricing_v1(&op, &types), 13_610 + 2 * 650);
        let unknown = Operator::CallIndirect {
            type_index: 1,
            table_index: 0,
        };
        assert_eq!(pricing_v1(&unknown, &types), u64::MAX);
    }

    #[test]
    fn classes_the_design_note_omits() {
        for (op, ink) in [
            (Operator::I64ExtendI32U, 100),
            (Operator::I32WrapI64, 100),
            (Operator::I64Extend32S, 100),
            (Operator::I32Eqz, 170),
            (Operator::I64Eqz, 225),
            (Operator::I32Clz, 210),
            (Operator::I64Ctz, 210),
            (Operator::I32Rotl, 70),
            (Operator::I64ShrU, 100),
            (Operator::Select, 1_250),
            (Operator::MemorySize { mem: 0 }, 3_000),
            (
                Operator::Loop {
                    blockty: BlockType::Empty,
                },
                1,
            ),
        ] {
            assert_eq!(pricing_v1(&op, &[]), ink, "{op:?}");
        }
    }

    #[test]
    fn unsupported_operators_cannot_be_paid_for() {
        assert_eq!(pricing_v1(&Operator::F32Add, &[]), u64::MAX);
        assert_eq!(
            pricing_v1(&Operator::TypedSelect { ty: ValType::I32 }, &[]),
            u64::MAX
        );
        assert_eq!(pricing_v1(&Operator::RefIsNull, &[]), u64::MAX);
    }
}
