//! The dynamic meter (`programs/dynamic.rs`): `memory.fill` and
//! `memory.copy` pay per byte, on top of their static 950 ink.
//!
//! Right before each of them, with the byte count on top of the stack, go
//! 17 operators:
//!
//! ```text
//! global.set $scratch                       ;; park the byte count
//! global.get $ink_left  global.get $ink_left
//! global.get $scratch  i64.extend_i32_u  i64.const PER_BYTE  i64.mul
//! i64.sub  global.set $ink_left             ;; ink_left -= bytes * PER_BYTE
//! global.get $ink_left  i64.lt_u            ;; old < new: it wrapped
//! if  i32.const 1; global.set $ink_status; unreachable  end
//! global.get $scratch                       ;; the byte count, back
//! ```
//!
//! The product cannot overflow (a u32 times 100). The subtraction wraps when
//! the ink does not suffice, and the wrap is what traps, so `ink_left` holds
//! the wrapped value afterwards; the status says the meter is exhausted, and
//! Nitro then reads the ink as 0. A charge that exactly uses up the ink does
//! not trap. These operators run after the ink meter and are not metered.

use wasmparser::{BlockType, Operator};

/// The dynamic meter for one module.
pub(super) struct DynamicMeter {
    pub ink_left: u32,
    pub ink_status: u32,
    pub scratch: u32,
    pub fill_ink: u64,
    pub copy_ink: u64,
}

impl DynamicMeter {
    /// `ops` with a per-byte charge before every `memory.fill` and `memory.copy`.
    pub fn apply<'a>(&self, ops: Vec<Operator<'a>>) -> Vec<Operator<'a>> {
        let mut out = Vec::with_capacity(ops.len());
        for op in ops {
            match op {
                Operator::MemoryFill { .. } => out.extend(self.charge(self.fill_ink)),
                Operator::MemoryCopy { .. } => out.extend(self.charge(self.copy_ink)),
                _ => {}
            }
            out.push(op);
        }
        out
    }

    fn charge<'a>(&self, per_byte: u64) -> [Operator<'a>; 17] {
        let ink = self.ink_left;
        let scratch = self.scratch;
        [
            Operator::GlobalSet {
                global_index: scratch,
            },
            Operator::GlobalGet { global_index: ink },
            Operator::GlobalGet { global_index: ink },
            Operator::GlobalGet {
                global_index: scratch,
            },
            Operator::I64ExtendI32U,
            Operator::I64Const {
                value: per_byte as i64,
            },
            Operator::I64Mul,
            Operator::I64Sub,
            Operator::GlobalSet { global_index: ink },
            Operator::GlobalGet { global_index: ink },
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
                global_index: scratch,
            },
        ]
    }
}
