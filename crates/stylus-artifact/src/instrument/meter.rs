//! The ink meter (`programs/meter.rs`).
//!
//! A body is cut into basic blocks: each block runs up to and including the
//! next operator that ends one (`end`, `else`, `return`, `loop`, `br`,
//! `br_if`, `br_table`, `if`, `call`, `call_indirect`:
//! `OperatorInfo::ends_basic_block` in `crates/arbutil/src/operator.rs`).
//! The first block starts at the function's entry, and the last one ends
//! with the body's final `end`, so every operator is in exactly one block.
//!
//! In front of each block, not before its last operator, goes a 12-operator
//! charge of the block's summed operator prices plus the header cost
//! (2,450 ink), paid once per block:
//!
//! ```text
//! global.get $ink_left; i64.const COST; i64.lt_u
//! if  i32.const 1; global.set $ink_status; unreachable  end
//! global.get $ink_left; i64.const COST; i64.sub; global.set $ink_left
//! ```
//!
//! So a block is paid in full before any of it runs, and a branch that
//! leaves a block early has still paid for all of it. The charge itself is
//! not metered. The sum saturates at `u64::MAX` and is written as the i64
//! with the same bits, as Nitro does.

use wasmparser::{BlockType, FuncType, Operator};

use super::config::OpcodePricer;
use crate::operators::ends_basic_block;

/// The ink meter for one module.
pub(super) struct InkMeter<'m> {
    pub ink_left: u32,
    pub ink_status: u32,
    pub header_cost: u64,
    pub prices: OpcodePricer,
    pub types: &'m [FuncType],
}

impl InkMeter<'_> {
    /// `ops` with a charge in front of every basic block.
    pub fn apply<'a>(&self, ops: Vec<Operator<'a>>) -> Vec<Operator<'a>> {
        let mut out = Vec::with_capacity(ops.len() * 2);
        let mut block = Vec::new();
        let mut cost = 0u64;
        for op in ops {
            cost = cost.saturating_add((self.prices)(&op, self.types));
            let ends = ends_basic_block(&op);
            block.push(op);
            if ends {
                out.extend(self.charge(cost.saturating_add(self.header_cost)));
                out.append(&mut block);
                cost = 0;
            }
        }
        // A valid body ends with `end`, so nothing is left over.
        out.append(&mut block);
        out
    }

    /// The operators that take `cost` ink or trap with status 1.
    fn charge<'a>(&self, cost: u64) -> [Operator<'a>; 12] {
        let cost = cost as i64; // same bits, as Nitro writes it
        [
            Operator::GlobalGet {
                global_index: self.ink_left,
            },
            Operator::I64Const { value: cost },
            Operator::I64LtU,
            Operator::If {
                blockty: BlockType::Empty,
            },
            Operator::I32Const { value: 1 },
            Operator::GlobalSet {
                global_index: self.ink_status,
            },
            Operator::Unreachable,
            Operator::End,
            Operator::GlobalGet {
                global_index: self.ink_left,
            },
            Operator::I64Const { value: cost },
            Operator::I64Sub,
            Operator::GlobalSet {
                global_index: self.ink_left,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::pricing::pricing_v1;

    fn meter() -> InkMeter<'static> {
        InkMeter {
            ink_left: 7,
            ink_status: 8,
            header_cost: 2_450,
            prices: pricing_v1,
            types: &[],
        }
    }

    fn charged(ops: &[Operator<'_>]) -> Vec<i64> {
        // The cost of every charge: the i64.const right after each
        // `global.get $ink_left; ...; i64.lt_u` test.
        ops.windows(3)
            .filter_map(|w| match w {
                [Operator::GlobalGet { global_index: 7 }, Operator::I64Const { value }, Operator::I64LtU] => {
                    Some(*value)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn charges_each_block_in_front_of_it() {
        // local.get 0 (75), br_if 0 (765) | i32.const 1 (1), drop (9), end (1)
        let ops = vec![
            Operator::LocalGet { local_index: 0 },
            Operator::BrIf { relative_depth: 0 },
            Operator::I32Const { value: 1 },
            Operator::Drop,
            Operator::End,
        ];
        let out = meter().apply(ops);
        assert_eq!(out.len(), 5 + 2 * 12);
        assert_eq!(charged(&out), vec![75 + 765 + 2_450, 1 + 9 + 1 + 2_450]);
        // The first charge comes before the block's first operator.
        assert!(matches!(out[12], Operator::LocalGet { .. }));
        assert!(matches!(out[13], Operator::BrIf { .. }));
        assert!(matches!(out[26], Operator::I32Const { value: 1 }));
    }

    #[test]
    fn an_unpayable_operator_saturates_to_all_bits() {
        let out = meter().apply(vec![Operator::F32Add, Operator::End]);
        assert_eq!(charged(&out), vec![-1]);
    }
}
