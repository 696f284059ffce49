//! `StylusEvm`: revm's `Evm` with frames whose code starts with `EF F0 00`
//! run as Stylus programs.
//!
//! - `frame_init` is revm's own (depth limit, checkpoint, value transfer,
//!   precompiles, empty code). It also tracks the contracts on the call
//!   stack, for `msg_reentrant`.
//! - `frame_run`: for a call frame whose code has the Stylus prefix, the
//!   program is entered (activation check, entry cost, pages) and run in
//!   [`stylus_runtime::Execution`] instead of the interpreter. A nested call
//!   or creation is returned to revm as the child's `FrameInit`, and the
//!   program stays suspended. Other frames run in the interpreter, with
//!   EIP-3541 re-checked for created code that starts with 0xEF but is not
//!   Stylus code.
//! - `frame_return_result`: when the parent frame is a suspended program,
//!   the child's result and cost become the program's [`SubResult`], and
//!   the next `frame_run` resumes the program with it.

use crate::{
    arbos::{ArbOs, RecentPrograms},
    calls,
    memory::Pages,
    precompiles::{read_record, ArbPrecompiles, ProgramStore},
    world::ChainWorld,
};
use revm::{
    context::{
        result::{EVMError, ExecutionResult, HaltReason, InvalidTransaction, ResultAndState},
        ContextSetters, Evm,
    },
    context_interface::{
        context::take_error, host::LoadError, Block, Cfg, ContextTr, Database, JournalTr,
    },
    handler::{
        evm::{ContextDbError, FrameInitResult},
        instructions::{EthInstructions, InstructionProvider},
        EthFrame, EvmTr, FrameData, FrameInitOrResult, FrameResult, FrameTr, Handler, ItemOrResult,
        MainnetHandler,
    },
    interpreter::{
        interpreter::EthInterpreter, interpreter_action::FrameInit, CallInput, CallInputs,
        CallScheme, CallValue, CreateInputs, CreateScheme, FrameInput, InstructionResult,
        InterpreterAction, InterpreterResult,
    },
    primitives::{hardfork::SpecId, Address, Bytes, B256, U256},
    state::EvmState,
    DatabaseCommit, ExecuteCommitEvm, ExecuteEvm,
};
use stylus_artifact::onchain::STYLUS_PREFIX;
use stylus_runtime::{CallInfo, CallKind, Execution, Outcome, Step, SubCall, SubCreate, SubResult};

/// revm's frame type.
pub type Frame = EthFrame<EthInterpreter>;
/// The wrapped revm `Evm`.
pub type InnerEvm<CTX> = Evm<CTX, (), EthInstructions<EthInterpreter, CTX>, ArbPrecompiles, Frame>;

/// A Stylus program that failed (trapped, or a host function failed) in a
/// transaction. The chain reverts the frame with empty data, as Nitro does;
/// the reason is kept here for debugging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramFailure {
    /// The account whose code failed (its storage account for a delegate call).
    pub contract: Address,
    /// The frame's call depth (0 = called by the transaction).
    pub depth: usize,
    /// What went wrong.
    pub reason: String,
}

/// How a program call was priced and what it used, for gas reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramEntry {
    /// The account the program runs as.
    pub contract: Address,
    /// The program's code hash.
    pub code_hash: B256,
    /// The frame's call depth (0 = called by the transaction).
    pub depth: usize,
    /// Whether the entry was charged as cached (it skipped `8,832 +
    /// init_cost`): the program is in ArbWasmCache, or (ArbOS 60) was
    /// entered earlier in the block.
    pub cached: bool,
    /// Whether that was because the program was entered earlier in the
    /// block (ArbOS 60's recently used programs).
    pub recent: bool,
    /// Gas the frame was given.
    pub frame_gas: u64,
    /// Memory gas for the program's footprint.
    pub memory_gas: u64,
    /// The whole entry cost: memory + `352 + cached_init_cost`
    /// (+ `8,832 + init_cost` uncached).
    pub entry_gas: u64,
    /// Gas the frame used in all, entry included (set when it ends).
    pub gas_used: Option<u64>,
    /// The host functions the program called, in order (set when it ends).
    pub host_calls: Vec<&'static str>,
    /// Its keccak preimages and the storage slots it touched (set when it ends).
    pub state_trace: stylus_runtime::StateTrace,
}

/// A nested call or creation the running program is waiting for.
#[derive(Debug, Clone, Copy)]
struct Child {
    /// Its base cost (already owed by the program).
    base: u64,
    /// Gas given to the child (stipend included).
    given: u64,
    /// A creation rather than a call.
    create: bool,
}

/// A program that is running, or suspended in a nested call.
struct Running {
    /// Depth of its frame.
    depth: usize,
    /// `contract_address`: its storage account.
    contract: Address,
    /// `msg_sender`, for delegate calls it makes.
    caller: Address,
    /// `msg_value`, for delegate calls it makes.
    value: U256,
    is_static: bool,
    exec: Execution,
    /// The result to resume it with.
    resume: Option<SubResult>,
    child: Option<Child>,
    /// Pages open when it was entered; restored when it exits.
    open_at_entry: u16,
    /// The frame's gas at entry (for the return-data floor).
    start_gas: u64,
    /// Its index in `StylusEvm::entries`.
    entry: usize,
}

/// A frame on the call stack, as Nitro counts contexts for reentrancy.
#[derive(Debug, Clone, Copy)]
struct Actor {
    depth: usize,
    address: Address,
    /// Delegate calls and CALLCODE don't count.
    delegate: bool,
}

/// How a program frame ends.
enum End {
    Return(Bytes, u64),
    Revert(Bytes, u64),
    Failure(String, u64),
    /// The program cannot run (not activated): the call fails as Nitro's
    /// `CallProgram` error does, keeping no gas and returning no data.
    Halt(String),
    OutOfGas,
    StackOverflow,
}

/// revm's `Evm` with Stylus program frames.
pub struct StylusEvm<CTX: ContextTr> {
    /// The wrapped revm `Evm` (context, instructions, precompiles, frames).
    pub inner: InnerEvm<CTX>,
    programs: Vec<Running>,
    actors: Vec<Actor>,
    pages: Pages,
    failures: Vec<ProgramFailure>,
    entries: Vec<ProgramEntry>,
    recent: RecentPrograms,
}

impl<CTX: ContextTr> StylusEvm<CTX> {
    /// An EVM over `ctx`, with the precompiles of its spec.
    pub fn new(ctx: CTX) -> Self {
        let spec: SpecId = ctx.cfg().spec().into();
        Self {
            inner: Evm::new(
                ctx,
                EthInstructions::new_mainnet_with_spec(spec),
                ArbPrecompiles::new(spec),
            ),
            programs: Vec::new(),
            actors: Vec::new(),
            pages: Pages::default(),
            failures: Vec::new(),
            entries: Vec::new(),
            recent: RecentPrograms::default(),
        }
    }

    /// revm's context.
    pub fn ctx(&mut self) -> &mut CTX {
        &mut self.inner.ctx
    }

    /// The activated programs.
    pub fn store(&self) -> &ProgramStore {
        &self.inner.precompiles.store
    }

    /// The activated programs, mutably.
    pub fn store_mut(&mut self) -> &mut ProgramStore {
        &mut self.inner.precompiles.store
    }

    /// The program failures of the last transaction.
    pub fn failures(&self) -> &[ProgramFailure] {
        &self.failures
    }

    /// The program entries of the last transaction, in call order.
    pub fn entries(&self) -> &[ProgramEntry] {
        &self.entries
    }

    /// The page counts of the current (or last) transaction.
    pub fn pages(&self) -> Pages {
        self.pages
    }

    /// The ArbOS version the chain prices as.
    pub fn arbos(&self) -> ArbOs {
        self.inner.precompiles.store.arbos()
    }

    /// Prices as ArbOS `arbos` from the next transaction on.
    pub fn set_arbos(&mut self, arbos: ArbOs) {
        self.inner.precompiles.store.set_arbos(arbos);
    }

    fn reset_tx(&mut self) {
        // Each transaction is its own block: no program is recent yet.
        self.recent.clear();
        self.programs.clear();
        self.actors.clear();
        self.pages = Pages::default();
        self.failures.clear();
        self.entries.clear();
    }
}

fn is_stylus_frame(frame: &Frame) -> bool {
    matches!(frame.data, FrameData::Call(_))
        && frame
            .interpreter
            .bytecode
            .original_byte_slice()
            .starts_with(&STYLUS_PREFIX)
}

fn fail(gas_cost: u64) -> SubResult {
    SubResult {
        success: false,
        output: Bytes::new(),
        gas_cost,
        created: Address::ZERO,
    }
}

/// Ends a program frame: sets its gas and lets revm's `process_next_action`
/// commit or revert the checkpoint and build the frame result.
fn finish<CTX: ContextTr>(
    ctx: &mut CTX,
    frame: &mut Frame,
    end: End,
    start_gas: u64,
    failures: &mut Vec<ProgramFailure>,
    contract: Address,
) -> Result<FrameInitOrResult<Frame>, ContextDbError<CTX>> {
    // Since ArbOS 31, return data must cost at least what EVM memory for it
    // would: the gas returned is capped at start_gas - evm_cost, and a call
    // that cannot pay that runs out of gas.
    let floor = |data: &Bytes, gas_left: u64| -> Option<u64> {
        if data.is_empty() {
            return Some(gas_left);
        }
        let evm_cost = calls::evm_memory_cost(data.len());
        start_gas.checked_sub(evm_cost).map(|max| gas_left.min(max))
    };
    let (result, output, gas_left) = match end {
        End::Return(data, gas_left) => match floor(&data, gas_left) {
            Some(g) => (InstructionResult::Return, data, Some(g)),
            None => (InstructionResult::OutOfGas, Bytes::new(), None),
        },
        End::Revert(data, gas_left) => match floor(&data, gas_left) {
            Some(g) => (InstructionResult::Revert, data, Some(g)),
            None => (InstructionResult::OutOfGas, Bytes::new(), None),
        },
        End::Failure(reason, gas_left) => {
            failures.push(ProgramFailure {
                contract,
                depth: frame.depth,
                reason,
            });
            (InstructionResult::Revert, Bytes::new(), Some(gas_left))
        }
        End::Halt(reason) => {
            failures.push(ProgramFailure {
                contract,
                depth: frame.depth,
                reason,
            });
            (InstructionResult::NotActivated, Bytes::new(), None)
        }
        End::OutOfGas => (InstructionResult::OutOfGas, Bytes::new(), None),
        End::StackOverflow => (InstructionResult::StackOverflow, Bytes::new(), None),
    };
    let gas = &mut frame.interpreter.gas;
    match gas_left {
        Some(g) => gas.set_remaining(g.min(gas.limit())),
        None => gas.spend_all(),
    }
    if !result.is_ok() {
        gas.set_refund(0);
    }
    let action = InterpreterAction::Return(InterpreterResult::new(result, output, *gas));
    let res = frame.process_next_action::<_, ContextDbError<CTX>>(ctx, action)?;
    frame.set_finished(true);
    Ok(res)
}

/// Enters the program of the current frame: checks its activation, charges
/// the entry cost, opens its pages and starts its execution.
fn enter<CTX: ContextTr>(
    ctx: &mut CTX,
    frame: &mut Frame,
    store: &mut ProgramStore,
    actors: &[Actor],
    pages: &mut Pages,
    entries: &mut Vec<ProgramEntry>,
    recent: Option<&mut RecentPrograms>,
) -> Result<Result<Running, End>, ContextDbError<CTX>> {
    let FrameInput::Call(inputs) = &frame.input else {
        unreachable!("Stylus frames are call frames")
    };
    let inputs = inputs.clone();
    let code = frame.interpreter.bytecode.original_bytes();
    let code_hash = match inputs.known_bytecode.0 {
        B256::ZERO => revm::primitives::keccak256(&code),
        hash => hash,
    };
    let gas_now = frame.interpreter.gas.remaining();
    let record = read_record(ctx, code_hash)?;
    if !record.is_active() {
        // Nitro's `getActiveProgram` (arbos/programs/programs.go) returns
        // ProgramNotActivatedError, which is not ErrExecutionReverted: the
        // EVM keeps none of the call's gas and no return data
        // (go-ethereum/core/vm/evm.go).
        return Ok(Err(End::Halt("program not activated".into())));
    }
    let time = ctx.block().timestamp().saturating_to::<u64>();
    if record.is_expired(time) {
        // `ProgramExpiredError`, failing the call the same way.
        return Ok(Err(End::Halt(format!(
            "program expired: activated {} s ago",
            record.age(time)
        ))));
    }
    let program = match store.get_or_activate(code_hash, &code) {
        Ok(p) => p,
        Err(e) => return Ok(Err(End::Failure(format!("activation: {e}"), gas_now))),
    };

    // Entry cost: memory for the footprint + 352 + cached_init_cost
    // (+ 8,832 + init_cost unless cached, or from ArbOS 60 recently used in
    // the block). A footprint over the page limit is out of gas. Nitro
    // looks the code hash up (and inserts it) before it charges, so an
    // entry that runs out of gas still makes the program recent.
    let footprint = record.footprint;
    if pages.exceeds_limit(footprint) {
        return Ok(Err(End::OutOfGas));
    }
    let recent_hit = recent.is_some_and(|recent| recent.insert(code_hash));
    let cached = record.cached || recent_hit;
    let memory_gas = pages.cost(footprint);
    let entry_gas = memory_gas.saturating_add(record.entry_gas_as(cached));
    let gas = &mut frame.interpreter.gas;
    let start_gas = gas.remaining();
    if gas.remaining() < entry_gas || !gas.record_regular_cost(entry_gas) {
        return Ok(Err(End::OutOfGas));
    }
    let open_at_entry = pages.open;
    pages.add(footprint);

    let contract = inputs.target_address;
    // Nitro counts, per account, the open frames that are not delegate
    // calls; a program is reentrant if its account has more than one.
    let open_frames = actors
        .iter()
        .filter(|a| a.address == contract && !a.delegate)
        .count();
    let call = CallInfo {
        contract,
        caller: inputs.caller,
        value: inputs.value.get(),
        calldata: inputs.input.bytes(ctx),
        is_static: inputs.is_static,
        reentrant: open_frames > 1,
    };
    let exec = match Execution::new(program, call, gas.remaining()) {
        Ok(exec) => exec,
        Err(e) => {
            pages.open = open_at_entry;
            return Ok(Err(End::Failure(e, gas.remaining())));
        }
    };
    entries.push(ProgramEntry {
        contract,
        code_hash,
        depth: frame.depth,
        cached,
        recent: recent_hit,
        frame_gas: gas.limit(),
        memory_gas,
        entry_gas,
        gas_used: None,
        host_calls: Vec::new(),
        state_trace: Default::default(),
    });
    Ok(Ok(Running {
        depth: frame.depth,
        contract,
        caller: inputs.caller,
        value: inputs.value.get(),
        is_static: inputs.is_static,
        exec,
        resume: None,
        child: None,
        open_at_entry,
        start_gas,
        entry: entries.len() - 1,
    }))
}

/// What became of a nested call or creation request.
enum Prepared {
    /// A child frame to run.
    Frame(FrameInit),
    /// It failed before a frame was needed: resume the program at once.
    Done(SubResult),
    /// The program ends here: it returned, or a host function failed it.
    End(End),
}

/// Prices a nested call as Nitro does and builds the child frame.
fn prepare_call<CTX: ContextTr>(
    ctx: &mut CTX,
    frame: &mut Frame,
    running: &mut Running,
    sub: SubCall,
) -> Prepared {
    let gas_left = sub.gas_left;
    let transfers_value = sub.kind == CallKind::Call && !sub.value.is_zero();
    // A static frame cannot send value: the call fails, costing nothing.
    if transfers_value && running.is_static {
        return Prepared::Done(fail(0));
    }
    if gas_left < calls::WARM_ACCESS {
        return Prepared::Done(fail(gas_left));
    }
    // Load (and warm) the target; don't load a cold one that can't be paid.
    let skip_cold = gas_left < calls::WARM_ACCESS + calls::COLD_ACCOUNT_EXTRA;
    let (cold, empty, mut code, mut code_hash) =
        match ctx.load_account_info_skip_cold_load(sub.to, true, skip_cold) {
            Ok(acc) => (
                acc.is_cold,
                acc.is_empty,
                acc.account.code.clone().unwrap_or_default(),
                acc.account.code_hash,
            ),
            // A database error is also recorded in ctx.error(): the
            // transaction fails once control is back in the EVM.
            Err(LoadError::ColdLoadSkipped | LoadError::DBError) => {
                return Prepared::Done(fail(gas_left))
            }
        };
    let Some(base) = calls::call_base_cost(gas_left, cold, transfers_value, empty) else {
        return Prepared::Done(fail(gas_left));
    };
    // An EIP-7702 delegated account runs its delegate's code; Nitro's call
    // cost does not charge for the delegate.
    if let Some(delegate) = code.eip7702_address() {
        match ctx.load_account_info_skip_cold_load(delegate, true, false) {
            Ok(acc) => {
                code = acc.account.code.clone().unwrap_or_default();
                code_hash = acc.account.code_hash;
            }
            Err(_) => return Prepared::Done(fail(gas_left)),
        }
    }
    let given = calls::call_child_gas(gas_left, base, sub.gas_requested, transfers_value);
    running.child = Some(Child {
        base,
        given,
        create: false,
    });
    let (target_address, caller, value, scheme) = match sub.kind {
        CallKind::Call => (
            sub.to,
            running.contract,
            CallValue::Transfer(sub.value),
            CallScheme::Call,
        ),
        CallKind::StaticCall => (
            sub.to,
            running.contract,
            CallValue::Transfer(U256::ZERO),
            CallScheme::StaticCall,
        ),
        CallKind::DelegateCall => (
            running.contract,
            running.caller,
            CallValue::Apparent(running.value),
            CallScheme::DelegateCall,
        ),
    };
    let inputs = CallInputs {
        input: CallInput::Bytes(sub.data),
        return_memory_offset: 0..0,
        gas_limit: given,
        reservoir: frame.interpreter.gas.reservoir(),
        bytecode_address: sub.to,
        known_bytecode: (code_hash, code),
        target_address,
        caller,
        value,
        scheme,
        is_static: running.is_static || sub.kind == CallKind::StaticCall,
        charged_new_account_state_gas: false,
    };
    Prepared::Frame(FrameInit {
        depth: frame.depth + 1,
        // Paired with free_child_context() in frame_return_result.
        memory: frame.interpreter.memory.new_child_context(),
        frame_input: FrameInput::Call(Box::new(inputs)),
    })
}

/// Prices a nested creation as Nitro does and builds the child frame.
fn prepare_create(frame: &mut Frame, running: &mut Running, sub: SubCreate) -> Prepared {
    // Nitro's `create` closure (arbos/programs/api.go) returns an error in a
    // static context (ErrWriteProtection) or when the gas left cannot pay
    // the base cost (ErrOutOfGas), and the host function turns that error
    // into a failure of the program (`create1`/`create2` in
    // crates/wasm-libraries/user-host-trait): it does not return address 0.
    if running.is_static {
        return Prepared::End(End::Failure(
            "create in a static call (write protection)".into(),
            sub.gas_left,
        ));
    }
    let base = calls::create_base_cost(sub.code.len(), sub.salt.is_some());
    let Some(given) = calls::create_child_gas(sub.gas_left, base) else {
        return Prepared::End(End::Failure(
            format!(
                "create with {} gas left, less than its base cost {base} (out of gas)",
                sub.gas_left
            ),
            sub.gas_left,
        ));
    };
    running.child = Some(Child {
        base,
        given,
        create: true,
    });
    let scheme = match sub.salt {
        Some(salt) => CreateScheme::Create2 {
            salt: U256::from_be_bytes(salt.0),
        },
        None => CreateScheme::Create,
    };
    let inputs = CreateInputs::new(
        running.contract,
        scheme,
        sub.endowment,
        sub.code,
        given,
        frame.interpreter.gas.reservoir(),
    );
    Prepared::Frame(FrameInit {
        depth: frame.depth + 1,
        memory: frame.interpreter.memory.new_child_context(),
        frame_input: FrameInput::Create(Box::new(inputs)),
    })
}

impl<CTX: ContextTr> StylusEvm<CTX> {
    fn run_program(&mut self) -> Result<FrameInitOrResult<Frame>, ContextDbError<CTX>> {
        let StylusEvm {
            inner,
            programs,
            actors,
            pages,
            failures,
            entries,
            recent,
        } = self;
        let (ctx, _, precompiles, frame_stack) = inner.all_mut();
        let frame = frame_stack.get();

        if programs.last().map(|r| r.depth) != Some(frame.depth) {
            // First entry of this frame.
            let start_gas = frame.interpreter.gas.remaining();
            let contract = match &frame.input {
                FrameInput::Call(inputs) => inputs.target_address,
                _ => Address::ZERO,
            };
            let recent = precompiles
                .store
                .arbos()
                .has_recent_programs()
                .then_some(&mut *recent);
            match enter(
                ctx,
                frame,
                &mut precompiles.store,
                actors,
                pages,
                entries,
                recent,
            )? {
                Ok(running) => programs.push(running),
                Err(end) => {
                    return finish(ctx, frame, end, start_gas, failures, contract);
                }
            }
        }

        let running = programs.last_mut().expect("a running program");
        let mut resume = running.resume.take();
        loop {
            let step = {
                let mut world = ChainWorld {
                    ctx: &mut *ctx,
                    gas: &mut frame.interpreter.gas,
                    contract: running.contract,
                    is_static: running.is_static,
                    pages: &mut *pages,
                };
                running.exec.run(&mut world, resume.take())
            };
            // A database error in a host function aborts the transaction.
            take_error::<ContextDbError<CTX>, _>(ctx.error())?;
            let prepared = match step {
                Step::Call(sub) => prepare_call(ctx, frame, running, sub),
                Step::Create(sub) => prepare_create(frame, running, sub),
                Step::Done { outcome, gas_left } => Prepared::End(match outcome {
                    Outcome::Return(data) => End::Return(data, gas_left),
                    Outcome::Revert(data) => End::Revert(data, gas_left),
                    Outcome::Failure(reason) => End::Failure(reason, gas_left),
                    Outcome::OutOfInk => End::OutOfGas,
                    Outcome::OutOfStack => End::StackOverflow,
                }),
            };
            take_error::<ContextDbError<CTX>, _>(ctx.error())?;
            match prepared {
                Prepared::Frame(init) => return Ok(ItemOrResult::Item(init)),
                Prepared::Done(result) => resume = Some(result),
                Prepared::End(end) => {
                    let running = programs.pop().expect("a running program");
                    pages.open = running.open_at_entry;
                    let res = finish(
                        ctx,
                        frame,
                        end,
                        running.start_gas,
                        failures,
                        running.contract,
                    );
                    let used = frame.interpreter.gas.limit() - frame.interpreter.gas.remaining();
                    entries[running.entry].gas_used = Some(used);
                    entries[running.entry].host_calls = running.exec.host_calls().to_vec();
                    entries[running.entry].state_trace = running.exec.state_trace().clone();
                    return res;
                }
            }
        }
    }
}

impl<CTX: ContextTr> EvmTr for StylusEvm<CTX> {
    type Context = CTX;
    type Instructions = EthInstructions<EthInterpreter, CTX>;
    type Precompiles = ArbPrecompiles;
    type Frame = Frame;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &revm::context_interface::FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut revm::context_interface::FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: <Self::Frame as FrameTr>::FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<CTX>> {
        // Entries at this depth or deeper belong to frames that have ended.
        let depth = frame_input.depth;
        self.programs.retain(|r| r.depth < depth);
        self.actors.retain(|a| a.depth < depth);
        let StylusEvm { inner, actors, .. } = self;
        let res = inner.frame_init(frame_input)?;
        if let ItemOrResult::Item(frame) = &res {
            let actor = match (&frame.data, &frame.input) {
                (FrameData::Create(c), _) => Some((c.created_address, false)),
                (_, FrameInput::Call(inputs)) => Some((
                    inputs.target_address,
                    matches!(
                        inputs.scheme,
                        CallScheme::DelegateCall | CallScheme::CallCode
                    ),
                )),
                _ => None,
            };
            if let Some((address, delegate)) = actor {
                actors.push(Actor {
                    depth,
                    address,
                    delegate,
                });
            }
        }
        Ok(res)
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<CTX>> {
        if is_stylus_frame(self.inner.frame_stack.get()) {
            return self.run_program();
        }
        // revm's own frame_run, plus the EIP-3541 re-check for created code
        // that starts with 0xEF but is not Stylus code.
        let (ctx, instructions, _, frame_stack) = self.inner.all_mut();
        let frame = frame_stack.get();
        let mut action = frame.interpreter.run_plain(
            instructions.instruction_table(),
            instructions.gas_table(),
            ctx,
        );
        if let (FrameData::Create(_), InterpreterAction::Return(r)) = (&frame.data, &mut action) {
            if r.result.is_ok()
                && ctx.cfg().is_eip3541_disabled()
                && r.output.first() == Some(&0xEF)
                && !r.output.starts_with(&STYLUS_PREFIX)
            {
                // return_create() reverts the checkpoint; the halt consumes the gas.
                r.result = InstructionResult::CreateContractStartingWithEF;
            }
        }
        frame
            .process_next_action::<_, ContextDbError<CTX>>(ctx, action)
            .inspect(|i| {
                if i.is_result() {
                    frame.set_finished(true);
                }
            })
    }

    fn frame_return_result(
        &mut self,
        result: <Self::Frame as FrameTr>::FrameResult,
    ) -> Result<Option<<Self::Frame as FrameTr>::FrameResult>, ContextDbError<CTX>> {
        // As revm: pop the finished child (a call that ended at once, e.g. a
        // precompile, empty code or a depth error, never got a frame).
        if self.inner.frame_stack.get().is_finished() {
            self.inner.frame_stack.pop();
        }
        if self.inner.frame_stack.index().is_none() {
            return Ok(Some(result));
        }
        let StylusEvm {
            inner, programs, ..
        } = self;
        let (ctx, _, _, frame_stack) = inner.all_mut();
        let frame = frame_stack.get();
        match programs.last_mut() {
            Some(running) if running.depth == frame.depth => {
                frame.interpreter.memory.free_child_context();
                take_error::<ContextDbError<CTX>, _>(ctx.error())?;
                let child = running
                    .child
                    .take()
                    .expect("a suspended program waits for a child");
                let (status, output, child_gas, address) = match result {
                    FrameResult::Call(o) => (o.result.result, o.result.output, o.result.gas, None),
                    FrameResult::Create(o) => {
                        (o.result.result, o.result.output, o.result.gas, o.address)
                    }
                };
                // A child that succeeds or reverts returns its unused gas; a
                // halt consumes it. Refunds count only on success.
                let returned = if status.is_ok_or_revert() {
                    child_gas.remaining()
                } else {
                    0
                };
                if status.is_ok() {
                    frame.interpreter.gas.record_refund(child_gas.refunded());
                }
                let output = match (child.create, status) {
                    // A creation reports data only when it reverts.
                    (true, s) if s.is_revert() => output,
                    (true, _) => Bytes::new(),
                    (false, s) if s.is_ok_or_revert() => output,
                    (false, _) => Bytes::new(),
                };
                let created = match (child.create, status.is_ok()) {
                    (true, true) => address.unwrap_or_default(),
                    _ => Address::ZERO,
                };
                running.resume = Some(SubResult {
                    success: status.is_ok(),
                    output,
                    gas_cost: calls::sub_call_cost(child.base, child.given, returned),
                    created,
                });
            }
            _ => frame.return_result::<_, ContextDbError<CTX>>(ctx, result)?,
        }
        Ok(None)
    }
}

/// The error type of [`StylusEvm`]'s transactions.
pub type StylusError<CTX> =
    EVMError<<<CTX as ContextTr>::Db as Database>::Error, InvalidTransaction>;

impl<CTX> ExecuteEvm for StylusEvm<CTX>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>> + ContextSetters,
{
    type ExecutionResult = ExecutionResult<HaltReason>;
    type State = EvmState;
    type Error = StylusError<CTX>;
    type Tx = <CTX as ContextTr>::Tx;
    type Block = <CTX as ContextTr>::Block;

    fn set_block(&mut self, block: Self::Block) {
        self.inner.ctx.set_block(block);
    }

    fn transact_one(&mut self, tx: Self::Tx) -> Result<Self::ExecutionResult, Self::Error> {
        self.inner.ctx.set_tx(tx);
        self.reset_tx();
        MainnetHandler::<Self, Self::Error, Frame>::default().run(self)
    }

    fn finalize(&mut self) -> Self::State {
        self.inner.ctx.journal_mut().finalize()
    }

    fn replay(&mut self) -> Result<ResultAndState<HaltReason>, Self::Error> {
        self.reset_tx();
        let r = MainnetHandler::<Self, Self::Error, Frame>::default().run(self);
        let state = self.finalize();
        r.map(|result| ResultAndState::new(result, state))
    }
}

impl<CTX> ExecuteCommitEvm for StylusEvm<CTX>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>, Db: DatabaseCommit> + ContextSetters,
{
    fn commit(&mut self, state: Self::State) {
        self.inner.ctx.db_mut().commit(state);
    }
}
