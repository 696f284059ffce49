//! The depth checker (`programs/depth.rs`): every call takes its frame size
//! from a stack budget, `stylus_stack_left`, and gives it back on return, so
//! that running out of stack is the same on every machine.
//!
//! **Frame size.** It is computed on the body *after* the ink meter and the
//! dynamic meter, so their own operators count:
//! `frame = worst + declared locals + 4`, in words, where parameters are not
//! locals and `worst` is the highest operand-stack height reached by this
//! walk over the operators:
//!
//! - `local.get`, `global.get`, `memory.size`, constants: push 1;
//! - `drop`, binary arithmetic and comparisons, `br_if`, `br_table`,
//!   `local.set`, `global.set`: pop 1; `select` and stores: pop 2;
//!   `memory.fill`, `memory.copy`: pop 3;
//! - unary operators, loads, `local.tee`, `memory.grow`, `br`, `return`,
//!   `nop`, `unreachable`: no change;
//! - `call` and `call_indirect`: push the callee's results first (which can
//!   raise `worst`), then pop its parameters (and the table index);
//! - `block`, `loop`: push the block's results, then open a scope at the
//!   current height; `if` pops its condition first; `else` goes back to the
//!   height its scope opened at, `end` to that height and closes the scope.
//!
//! Pops stop at 0, and the height is not reset after unconditional
//! branches. `worst` above 4,096 or a frame above 10,240 words fails
//! instrumentation, as it fails activation.
//!
//! **Rewrite.** The body gets a 12-operator prologue, which traps when the
//! budget left is not *more* than the frame and then sets the budget to 0:
//!
//! ```text
//! global.get $stack_left; i32.const FRAME; i32.le_u
//! if  i32.const 0; global.set $stack_left; unreachable  end
//! global.get $stack_left; i32.const FRAME; i32.sub; global.set $stack_left
//! ```
//!
//! A `return` is added before the body's final `end`, and in front of every
//! `return` (that one included) goes
//! `global.get $stack_left; i32.const FRAME; i32.add; global.set $stack_left`.
//! A branch to the function's outermost label (`br`, `br_if` or `br_table`
//! out of the body) leaves without giving the frame back, as in Nitro; the
//! host sets the budget afresh for every call into the program.

use wasmparser::{BlockType, FuncType, Operator};

use super::error::Error;
use super::facts::ModuleFacts;

/// The depth checker for one module.
pub(super) struct DepthChecker<'m, 'a> {
    pub stack_left: u32,
    pub facts: &'m ModuleFacts<'a>,
    pub max_frame_size: u32,
    pub max_contention: u32,
}

impl DepthChecker<'_, '_> {
    /// The frame size, in words, of function `func` (a wasm function index,
    /// for messages) with these metered `ops` and `locals` declared locals.
    pub fn frame_size(&self, func: u32, ops: &[Operator<'_>], locals: u32) -> Result<u32, Error> {
        let worst = self.worst_height(func, ops)?;
        if worst > u64::from(self.max_contention) {
            return Err(Error::FrameContention {
                func,
                values: worst,
                limit: self.max_contention,
            });
        }
        let words = worst + u64::from(locals) + 4;
        if words > u64::from(self.max_frame_size) {
            return Err(Error::FrameTooLarge {
                func,
                words,
                limit: self.max_frame_size,
            });
        }
        Ok(words as u32)
    }

    /// `ops` with the prologue and a refund before every return.
    pub fn apply<'a>(&self, mut ops: Vec<Operator<'a>>, frame: u32) -> Vec<Operator<'a>> {
        let stack = self.stack_left;
        let frame = frame as i32;
        let last = ops.pop();
        let mut out = Vec::with_capacity(ops.len() + 24);
        out.extend([
            Operator::GlobalGet {
                global_index: stack,
            },
            Operator::I32Const { value: frame },
            Operator::I32LeU,
            Operator::If {
                blockty: BlockType::Empty,
            },
            Operator::I32Const { value: 0 },
            Operator::GlobalSet {
                global_index: stack,
            },
            Operator::Unreachable,
            Operator::End,
            Operator::GlobalGet {
                global_index: stack,
            },
            Operator::I32Const { value: frame },
            Operator::I32Sub,
            Operator::GlobalSet {
                global_index: stack,
            },
        ]);
        for op in ops.into_iter().chain([Operator::Return]).chain(last) {
            if matches!(op, Operator::Return) {
                out.extend([
                    Operator::GlobalGet {
                        global_index: stack,
                    },
                    Operator::I32Const { value: frame },
                    Operator::I32Add,
                    Operator::GlobalSet {
                        global_index: stack,
                    },
                ]);
            }
            out.push(op);
        }
        out
    }

    /// The highest operand-stack height the walk described above reaches.
    fn worst_height(&self, func: u32, ops: &[Operator<'_>]) -> Result<u64, Error> {
        let malformed = |reason: String| Error::Malformed { func, reason };
        let mut walk = Walk::default();
        let mut scopes = vec![0u64];
        for op in ops {
            use Operator as O;
            match op {
                O::Block { blockty } | O::Loop { blockty } => {
                    self.block_results(*blockty, &mut walk)
                        .ok_or_else(|| malformed(format!("unknown block type {blockty:?}")))?;
                    scopes.push(walk.height);
                }
                O::If { blockty } => {
                    walk.pop(1);
                    self.block_results(*blockty, &mut walk)
                        .ok_or_else(|| malformed(format!("unknown block type {blockty:?}")))?;
                    scopes.push(walk.height);
                }
                O::Else => {
                    walk.height = *scopes
                        .last()
                        .ok_or_else(|| malformed("`else` outside of any block".into()))?;
                }
                O::End => {
                    walk.height = scopes
                        .pop()
                        .ok_or_else(|| malformed("`end` closes no block".into()))?;
                }
                O::Call { function_index } => {
                    let ty = self.facts.func_type(*function_index).ok_or_else(|| {
                        malformed(format!("call to unknown function {function_index}"))
                    })?;
                    walk.call(ty);
                }
                O::CallIndirect { type_index, .. } => {
                    let ty = self.facts.types.get(*type_index as usize).ok_or_else(|| {
                        malformed(format!("call_indirect with unknown type {type_index}"))
                    })?;
                    walk.call(ty);
                    walk.pop(1);
                }
                other => {
                    let change = stack_change(other).ok_or_else(|| {
                        malformed(format!("the depth checker does not support {other:?}"))
                    })?;
                    match change {
                        Change::Push => walk.push(1),
                        Change::Pop(n) => walk.pop(n),
                        Change::None => {}
                    }
                }
            }
        }
        if !scopes.is_empty() {
            return Err(malformed("the body does not close all its blocks".into()));
        }
        Ok(walk.worst)
    }

    /// Pushes a block's result slots (and pops its parameters); `None` for
    /// an unknown type.
    fn block_results(&self, blockty: BlockType, walk: &mut Walk) -> Option<()> {
        match blockty {
            BlockType::Empty => {}
            BlockType::Type(_) => walk.push(1),
            BlockType::FuncType(index) => walk.call(self.facts.types.get(index as usize)?),
        }
        Some(())
    }
}

/// Operand-stack height and its maximum.
#[derive(Default)]
struct Walk {
    height: u64,
    worst: u64,
}

impl Walk {
    fn push(&mut self, n: u64) {
        self.height += n;
        self.worst = self.worst.max(self.height);
    }

    fn pop(&mut self, n: u64) {
        self.height = self.height.saturating_sub(n);
    }

    /// Results first, then parameters.
    fn call(&mut self, ty: &FuncType) {
        self.push(ty.results().len() as u64);
        self.pop(ty.params().len() as u64);
    }
}

/// How a non-control operator changes the height.
enum Change {
    Push,
    Pop(u64),
    None,
}

/// The change for the integer operators Stylus allows; `None` for others.
fn stack_change(op: &Operator<'_>) -> Option<Change> {
    use Operator as O;
    Some(match op {
        O::LocalGet { .. }
        | O::GlobalGet { .. }
        | O::MemorySize { .. }
        | O::I32Const { .. }
        | O::I64Const { .. } => Change::Push,

        O::Nop
        | O::Unreachable
        | O::Br { .. }
        | O::Return
        | O::LocalTee { .. }
        | O::MemoryGrow { .. }
        | O::I32Eqz
        | O::I64Eqz
        | O::I32Clz
        | O::I32Ctz
        | O::I32Popcnt
        | O::I64Clz
        | O::I64Ctz
        | O::I64Popcnt
        | O::I32Load { .. }
        | O::I64Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. }
        | O::I32WrapI64
        | O::I64ExtendI32S
        | O::I64ExtendI32U
        | O::I32Extend8S
        | O::I32Extend16S
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => Change::None,

        O::Drop
        | O::BrIf { .. }
        | O::BrTable { .. }
        | O::LocalSet { .. }
        | O::GlobalSet { .. }
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU
        | O::I32Add
        | O::I32Sub
        | O::I32Mul
        | O::I32DivS
        | O::I32DivU
        | O::I32RemS
        | O::I32RemU
        | O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr
        | O::I64Add
        | O::I64Sub
        | O::I64Mul
        | O::I64DivS
        | O::I64DivU
        | O::I64RemS
        | O::I64RemU
        | O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => Change::Pop(1),

        O::Select
        | O::I32Store { .. }
        | O::I64Store { .. }
        | O::I32Store8 { .. }
        | O::I32Store16 { .. }
        | O::I64Store8 { .. }
        | O::I64Store16 { .. }
        | O::I64Store32 { .. } => Change::Pop(2),

        O::MemoryFill { .. } | O::MemoryCopy { .. } => Change::Pop(3),

        _ => return None,
    })
}
