//! Memory growth (`programs/heap.rs`): when the memory can grow (its maximum
//! is not its initial size), every `memory.grow` is preceded by a call to
//! the module's own import `vm_hooks.pay_for_memory_grow` with the same page
//! count:
//!
//! ```text
//! global.set $scratch; global.get $scratch; global.get $scratch
//! call $pay_for_memory_grow
//! memory.grow
//! ```
//!
//! This is instrumentation, not something the SDK does. No import is added,
//! so function indices do not move. A fixed-size memory gets no hook: its
//! `memory.grow` just returns -1. This stage runs after the depth checker,
//! so these operators count neither in the frame size nor in the ink.

use wasmparser::Operator;

/// The growth hook for one module.
pub(super) struct HeapBound {
    pub scratch: u32,
    /// The import to call; `None` leaves `memory.grow` alone.
    pub pay_for_memory_grow: Option<u32>,
}

impl HeapBound {
    /// `ops` with the payment before every `memory.grow`.
    pub fn apply<'a>(&self, ops: Vec<Operator<'a>>) -> Vec<Operator<'a>> {
        let Some(function_index) = self.pay_for_memory_grow else {
            return ops;
        };
        let scratch = self.scratch;
        let mut out = Vec::with_capacity(ops.len());
        for op in ops {
            if matches!(op, Operator::MemoryGrow { .. }) {
                out.extend([
                    Operator::GlobalSet {
                        global_index: scratch,
                    },
                    Operator::GlobalGet {
                        global_index: scratch,
                    },
                    Operator::GlobalGet {
                        global_index: scratch,
                    },
                    Operator::Call { function_index },
                ]);
            }
            out.push(op);
        }
        out
    }
}
