//! One call of a program: the driver loop around a wasmi resumable call.
//!
//! Every `vm_hooks` import traps with a [`HostTrap`]; the loop serves it
//! ([`crate::hostio`]) and resumes the program with the host function's
//! results. A nested call or creation leaves the program suspended: the loop
//! returns a [`Step`], and [`Execution::run`] is called again with the
//! child's [`SubResult`].

use std::fmt;

use alloy_primitives::{Address, Bytes, B256, U256};
use stylus_artifact::instrument::{
    STACK_DEPTH_ARBOS_50, STYLUS_INK_LEFT, STYLUS_INK_STATUS, STYLUS_STACK_LEFT,
};
use stylus_artifact::{HOST_FUNCTIONS, HOST_MODULE};
use wasmi::{Func, Global, Instance, Memory, ResumableCall, ResumableCallHostTrap, Store, Val};

use crate::pricing::INK_PRICE;
use crate::program::Program;
use crate::storage_cache::StorageCache;
use crate::world::{CallInfo, Outcome, Step, SubResult, World};

/// The host error every import raises: which import, with which arguments
/// (as i64; i32 arguments are sign-extended and read back as u32).
#[derive(Debug, Clone)]
pub(crate) struct HostTrap {
    pub(crate) index: usize,
    pub(crate) args: Vec<i64>,
}

impl HostTrap {
    pub(crate) fn new(index: usize, params: &[Val]) -> Self {
        let args = params
            .iter()
            .map(|v| match v {
                Val::I32(x) => i64::from(*x),
                Val::I64(x) => *x,
                _ => 0,
            })
            .collect();
        Self { index, args }
    }
}

impl fmt::Display for HostTrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{HOST_MODULE}.{}", HOST_FUNCTIONS[self.index].name)
    }
}

impl wasmi::errors::HostError for HostTrap {}

/// How a host function ended the program early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Escape {
    /// Out of ink or gas: all gas is consumed.
    OutOfInk,
    /// The host function failed: revert with empty data, keeping gas.
    Failure(String),
    /// `exit_early(status)`.
    Exit(u32),
}

/// What a served host function asks the driver to do.
pub(crate) enum Served {
    /// Resume the program with these results.
    Resume(Vec<Val>),
    /// Suspend for a nested call or creation.
    Yield(Step, Pending),
}

/// Where a nested call's results go when the program resumes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pending {
    /// `*_call_contract`: the return-data length pointer.
    Call { ret_len: u32 },
    /// `create1`/`create2`: the address and revert-data length pointers.
    Create { contract: u32, revert_len: u32 },
}

enum State {
    Ready,
    Suspended(ResumableCallHostTrap, Pending),
    Finished,
}

/// One call of a [`Program`].
pub struct Execution {
    pub(crate) store: Store<()>,
    pub(crate) memory: Memory,
    ink_left: Global,
    ink_status: Global,
    stack_left: Global,
    entry: Func,
    state: State,
    pub(crate) call: CallInfo,
    pub(crate) outs: Vec<u8>,
    pub(crate) return_data: Bytes,
    pub(crate) cache: StorageCache,
    host_calls: Vec<&'static str>,
    pub(crate) trace: StateTrace,
    /// The code `account_code` or `account_code_size` last loaded, and
    /// whose: asking again for the same account costs no gas (Nitro's
    /// `EvmApiRequestor::last_code`, kept per program call).
    pub(crate) last_code: Option<(Address, Bytes)>,
}

/// What a program hashed and which storage slots it touched: what an
/// ERC-7562 storage-association check needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateTrace {
    /// Every `native_keccak256`: (digest, preimage).
    pub keccaks: Vec<(B256, Vec<u8>)>,
    /// Every storage slot read from or written to the chain (cache hits
    /// excluded), in order.
    pub storage_slots: Vec<U256>,
}

impl fmt::Debug for Execution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Execution")
            .field("call", &self.call)
            .finish()
    }
}

impl Execution {
    /// Instantiates `program` for one call with `gas` (after the entry
    /// cost) converted to ink, and Nitro's stack budget.
    pub fn new(program: &Program, call: CallInfo, gas: u64) -> Result<Self, String> {
        let mut store = Store::new(&program.runtime.engine, ());
        let instance: Instance = program
            .runtime
            .linker
            .instantiate_and_start(&mut store, &program.module)
            .map_err(|e| format!("instantiation failed: {e}"))?;
        let global = |name: &str| {
            instance
                .get_global(&store, name)
                .ok_or_else(|| format!("instrumented module lacks {name}"))
        };
        let ink_left = global(STYLUS_INK_LEFT)?;
        let ink_status = global(STYLUS_INK_STATUS)?;
        let stack_left = global(STYLUS_STACK_LEFT)?;
        let memory = instance
            .get_memory(&store, "memory")
            .ok_or("program exports no memory")?;
        let entry = instance
            .get_func(&store, "user_entrypoint")
            .ok_or("program exports no user_entrypoint")?;
        let ink = gas.saturating_mul(INK_PRICE);
        let set = |store: &mut Store<()>, g: Global, v: Val| {
            g.set(store, v)
                .map_err(|e| format!("cannot set meter: {e}"))
        };
        set(&mut store, ink_left, Val::I64(ink as i64))?;
        set(&mut store, ink_status, Val::I32(0))?;
        set(
            &mut store,
            stack_left,
            Val::I32(STACK_DEPTH_ARBOS_50 as i32),
        )?;
        Ok(Self {
            store,
            memory,
            ink_left,
            ink_status,
            stack_left,
            entry,
            state: State::Ready,
            call,
            outs: Vec::new(),
            return_data: Bytes::new(),
            cache: StorageCache::default(),
            host_calls: Vec::new(),
            trace: StateTrace::default(),
            last_code: None,
        })
    }

    /// Runs the program until it yields or ends. Call first with `None`, then
    /// after each [`Step::Call`] or [`Step::Create`] with the child's result.
    pub fn run(&mut self, world: &mut dyn World, resume: Option<SubResult>) -> Step {
        let mut results = [Val::I32(0)];
        let mut next = match std::mem::replace(&mut self.state, State::Finished) {
            State::Ready => {
                let len = self.call.calldata.len() as i32;
                self.entry
                    .call_resumable(&mut self.store, &[Val::I32(len)], &mut results)
            }
            State::Suspended(invocation, pending) => {
                let Some(result) = resume else {
                    return self.finish_escape(Escape::Failure("resumed without a result".into()));
                };
                match self.complete_sub(pending, result) {
                    Ok(values) => invocation.resume(&mut self.store, &values, &mut results),
                    Err(escape) => return self.finish_escape(escape),
                }
            }
            State::Finished => {
                return self.finish_escape(Escape::Failure("program already finished".into()))
            }
        };
        loop {
            match next {
                Ok(ResumableCall::Finished) => {
                    let status = match results[0] {
                        Val::I32(s) => s as u32,
                        _ => 1,
                    };
                    return self.finish_status(status);
                }
                Ok(ResumableCall::HostTrap(invocation)) => {
                    let Some(trap) = invocation.host_error().downcast_ref::<HostTrap>().cloned()
                    else {
                        return self
                            .finish_escape(Escape::Failure(invocation.host_error().to_string()));
                    };
                    self.host_calls.push(HOST_FUNCTIONS[trap.index].name);
                    match self.serve(&trap, world) {
                        Ok(Served::Resume(values)) => {
                            next = invocation.resume(&mut self.store, &values, &mut results);
                        }
                        Ok(Served::Yield(step, pending)) => {
                            self.state = State::Suspended(invocation, pending);
                            return step;
                        }
                        Err(escape) => return self.finish_escape(escape),
                    }
                }
                Ok(ResumableCall::OutOfFuel(_)) => {
                    return self.finish_escape(Escape::Failure("fuel metering is off".into()))
                }
                Err(error) => return self.finish_trap(error),
            }
        }
    }

    /// The host functions the program called so far, in order: the trace a
    /// validation-rule check (ERC-7562) reads, e.g. to find `block_timestamp`
    /// during validation.
    pub fn host_calls(&self) -> &[&'static str] {
        &self.host_calls
    }

    /// The keccak preimages and storage slots of the program so far.
    pub fn state_trace(&self) -> &StateTrace {
        &self.trace
    }

    /// The ink left in the meter.
    pub(crate) fn ink(&self) -> u64 {
        match self.ink_left.get(&self.store) {
            Val::I64(v) => v as u64,
            _ => 0,
        }
    }

    pub(crate) fn set_ink(&mut self, ink: u64) {
        // The global is an i64 of the instrumented module: set cannot fail.
        let _ = self.ink_left.set(&mut self.store, Val::I64(ink as i64));
    }

    /// Gas left, rounding the ink down.
    pub(crate) fn gas_left(&self) -> u64 {
        self.ink() / INK_PRICE
    }

    /// Marks the meter exhausted, as Nitro does on running out of ink.
    fn exhaust(&mut self) {
        self.set_ink(0);
        let _ = self.ink_status.set(&mut self.store, Val::I32(1));
    }

    fn finish_status(&mut self, status: u32) -> Step {
        self.state = State::Finished;
        let output = Bytes::from(std::mem::take(&mut self.outs));
        let outcome = if status == 0 {
            Outcome::Return(output)
        } else {
            Outcome::Revert(output)
        };
        Step::Done {
            outcome,
            gas_left: self.gas_left(),
        }
    }

    pub(crate) fn finish_escape(&mut self, escape: Escape) -> Step {
        match escape {
            Escape::Exit(status) => self.finish_status(status),
            Escape::OutOfInk => {
                self.exhaust();
                self.state = State::Finished;
                Step::Done {
                    outcome: Outcome::OutOfInk,
                    gas_left: 0,
                }
            }
            Escape::Failure(reason) => {
                self.state = State::Finished;
                Step::Done {
                    outcome: Outcome::Failure(reason),
                    gas_left: self.gas_left(),
                }
            }
        }
    }

    fn finish_trap(&mut self, error: wasmi::Error) -> Step {
        self.state = State::Finished;
        let status = matches!(self.ink_status.get(&self.store), Val::I32(s) if s != 0);
        if status {
            return Step::Done {
                outcome: Outcome::OutOfInk,
                gas_left: 0,
            };
        }
        if matches!(self.stack_left.get(&self.store), Val::I32(0)) {
            return Step::Done {
                outcome: Outcome::OutOfStack,
                gas_left: 0,
            };
        }
        Step::Done {
            outcome: Outcome::Failure(error.to_string()),
            gas_left: self.gas_left(),
        }
    }
}
