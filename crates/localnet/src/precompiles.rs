//! The chain's precompiles: Ethereum's (Osaka, which includes P256VERIFY at
//! 0x100 as Arbitrum has it from ArbOS 50), `ArbWasm` at 0x71 and
//! `ArbWasmCache` at 0x72, plus the store of activated programs.
//!
//! # Where activation lives
//!
//! As in Nitro, a program's activation is keyed by its code hash and stored
//! in state: one storage word of the `ArbWasm` account per code hash
//! ([`ProgramRecord`]), written through the journal, so an activation or a
//! cache change in a reverted call is rolled back with it. The compiled
//! module ([`stylus_runtime::Program`]) is kept beside the state, in
//! [`ProgramStore`], by code hash; compiling is deterministic, so a module
//! whose activation was rolled back does no harm.
//!
//! # Deviations from Nitro
//!
//! - `activateProgram` costs a flat [`ACTIVATION_GAS`], its data fee is
//!   always 0 (all value sent is repaid), and its module hash is the
//!   keccak of the decompressed WASM.
//! - A program that fails activation makes `activateProgram` revert with
//!   `Error("program activation failed: <reason>")`, keeping the gas left
//!   (Nitro burns all gas and returns no data).
//! - Anyone may cache and evict programs; the view and cache methods cost
//!   flat amounts ([`VIEW_GAS`], [`CACHE_GAS`]).
//! - Programs don't expire and need no keepalive.

use crate::abi::{ArbWasm, ArbWasmCache};
use crate::memory::{FREE_PAGES, PAGE_GAS, PAGE_LIMIT};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolInterface};
use revm::{
    context::Cfg,
    context_interface::{ContextTr, JournalTr},
    handler::{EthPrecompiles, PrecompileProvider},
    interpreter::{CallInputs, CallValue, Gas, InstructionResult, InterpreterResult},
    primitives::{
        address, hardfork::SpecId, keccak256, Address, AddressSet, Bytes, Log, B256, U256,
    },
};
use std::collections::HashMap;
use std::string::String;
use stylus_runtime::{ActivationInfo, Program, Runtime};

/// `ArbWasm`'s address.
pub const ARBWASM: Address = address!("0000000000000000000000000000000000000071");
/// `ArbWasmCache`'s address.
pub const ARBWASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
/// Arbitrum's P256VERIFY (RIP-7212 / EIP-7951) address.
pub const P256VERIFY: Address = address!("0000000000000000000000000000000000000100");

/// The Stylus version this chain activates programs at.
pub const STYLUS_VERSION: u16 = 2;
/// Ink per gas.
pub const INK_PRICE: u32 = 10_000;
/// Fixed part of the uncached entry cost (Nitro's `MinInitGas`, 69 x 128).
pub const MIN_INIT_GAS: u64 = 8_832;
/// Fixed part of the cached entry cost (Nitro's `MinCachedInitGas`, 11 x 32).
pub const MIN_CACHED_GAS: u64 = 352;
/// Flat gas `activateProgram` charges on this chain.
pub const ACTIVATION_GAS: u64 = 100_000;
/// Flat gas of the view methods.
pub const VIEW_GAS: u64 = 800;
/// Flat gas of `cacheProgram` and `evictCodehash`.
pub const CACHE_GAS: u64 = 20_800;

/// A code hash's activation as stored in state (one word of the `ArbWasm`
/// account's storage, at the code hash): version in bits 0..16, init cost
/// 16..32, cached init cost 32..48, footprint 48..64, cached flag at bit 64.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgramRecord {
    /// Stylus version; 0 = not activated.
    pub version: u16,
    /// Nitro's `init_cost` (the uncached part above 8,832).
    pub init_cost: u16,
    /// Nitro's `cached_init_cost` (above 352).
    pub cached_init_cost: u16,
    /// Initial memory, in pages.
    pub footprint: u16,
    /// Marked cached through `ArbWasmCache`: entry skips `8,832 + init_cost`.
    pub cached: bool,
}

impl ProgramRecord {
    /// A fresh activation of `info`.
    pub fn activated(info: &ActivationInfo) -> Self {
        Self {
            version: STYLUS_VERSION,
            init_cost: info.init_cost,
            cached_init_cost: info.cached_init_cost,
            footprint: info.footprint,
            cached: false,
        }
    }

    /// Whether the code hash is activated.
    pub fn is_active(&self) -> bool {
        self.version != 0
    }

    /// Packs the record into its storage word.
    pub fn to_word(self) -> U256 {
        U256::from(self.version)
            | U256::from(self.init_cost) << 16
            | U256::from(self.cached_init_cost) << 32
            | U256::from(self.footprint) << 48
            | U256::from(self.cached as u8) << 64
    }

    /// Unpacks a storage word.
    pub fn from_word(word: U256) -> Self {
        let field = |shift: usize| (word >> shift).as_limbs()[0] as u16;
        Self {
            version: field(0),
            init_cost: field(16),
            cached_init_cost: field(32),
            footprint: field(48),
            cached: (word >> 64usize).as_limbs()[0] & 1 == 1,
        }
    }

    /// Gas to enter the program, memory aside: `352 + cached_init_cost`,
    /// plus `8,832 + init_cost` unless cached.
    pub fn entry_gas(&self) -> u64 {
        self.entry_gas_as(self.cached)
    }

    /// [`ProgramRecord::entry_gas`], charged as cached or not.
    pub fn entry_gas_as(&self, cached: bool) -> u64 {
        let cached_gas = MIN_CACHED_GAS + u64::from(self.cached_init_cost);
        if cached {
            cached_gas
        } else {
            cached_gas + MIN_INIT_GAS + u64::from(self.init_cost)
        }
    }
}

/// The storage slot of a code hash's record.
pub fn record_slot(code_hash: B256) -> U256 {
    U256::from_be_bytes(code_hash.0)
}

/// Reads a code hash's record through the journal.
pub fn read_record<CTX: ContextTr>(
    ctx: &mut CTX,
    code_hash: B256,
) -> Result<ProgramRecord, <CTX::Db as revm::Database>::Error> {
    // Every journal sload/sstore form in revm 43 assumes the account is
    // already loaded in the journal.
    let journal = ctx.journal_mut();
    journal.load_account(ARBWASM)?;
    let word = journal.sload(ARBWASM, record_slot(code_hash))?.data;
    Ok(ProgramRecord::from_word(word))
}

/// Writes a code hash's record through the journal.
pub fn write_record<CTX: ContextTr>(
    ctx: &mut CTX,
    code_hash: B256,
    record: ProgramRecord,
) -> Result<(), <CTX::Db as revm::Database>::Error> {
    let journal = ctx.journal_mut();
    journal.load_account(ARBWASM)?;
    journal.sstore(ARBWASM, record_slot(code_hash), record.to_word())?;
    Ok(())
}

/// The activated programs, compiled, by code hash, the runtime that
/// compiles them, and the ArbOS version whose rules the chain follows.
#[derive(Debug, Default)]
pub struct ProgramStore {
    runtime: Runtime,
    programs: HashMap<B256, Program>,
    arbos: crate::ArbOs,
}

impl ProgramStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The compiled program of a code hash, if it was ever activated here.
    pub fn get(&self, code_hash: &B256) -> Option<&Program> {
        self.programs.get(code_hash)
    }

    /// The ArbOS version the chain follows.
    pub fn arbos(&self) -> crate::ArbOs {
        self.arbos
    }

    /// Follows the rules of `arbos`: at activation, multi-value functions
    /// and blocks are accepted before ArbOS 60 (Nitro's
    /// `parse_with_version`); at entry, see [`crate::arbos`].
    pub fn set_arbos(&mut self, arbos: crate::ArbOs) {
        self.arbos = arbos;
    }

    /// Decompresses and activates on-chain Stylus code, and keeps the result
    /// under `code_hash`. Returns the program and the keccak of its WASM.
    pub fn activate(&mut self, code_hash: B256, code: &[u8]) -> Result<(&Program, B256), String> {
        let wasm = stylus_artifact::decompress_onchain_code(code).map_err(|e| e.to_string())?;
        let program = self
            .runtime
            .activate_with(&wasm, self.arbos.allows_multi_value())
            .map_err(|e| e.to_string())?;
        let program = self
            .programs
            .entry(code_hash)
            .insert_entry(program)
            .into_mut();
        Ok((program, keccak256(&wasm)))
    }

    /// The program of `code_hash`, activating `code` if it isn't compiled yet.
    pub fn get_or_activate(&mut self, code_hash: B256, code: &[u8]) -> Result<&Program, String> {
        if !self.programs.contains_key(&code_hash) {
            self.activate(code_hash, code)?;
        }
        Ok(&self.programs[&code_hash])
    }
}

/// The precompile provider: Ethereum's precompiles for the spec, `ArbWasm`
/// and `ArbWasmCache`, and the [`ProgramStore`].
#[derive(Debug)]
pub struct ArbPrecompiles {
    /// Ethereum's precompiles.
    pub eth: EthPrecompiles,
    /// The activated programs.
    pub store: ProgramStore,
    /// Ethereum's addresses plus 0x71 and 0x72, warm in every transaction.
    warm: AddressSet,
}

impl ArbPrecompiles {
    /// The precompiles of `spec`.
    pub fn new(spec: SpecId) -> Self {
        let eth = EthPrecompiles::new(spec);
        let warm = Self::make_warm(&eth);
        Self {
            eth,
            store: ProgramStore::new(),
            warm,
        }
    }

    fn make_warm(eth: &EthPrecompiles) -> AddressSet {
        let mut warm = eth.warm_addresses().clone();
        warm.insert(ARBWASM);
        warm.insert(ARBWASM_CACHE);
        warm
    }
}

/// What a precompile method did.
enum Answer {
    Return(Vec<u8>),
    Revert(Vec<u8>),
}

fn revert_error(e: impl SolError) -> Answer {
    Answer::Revert(e.abi_encode())
}

fn revert_message(msg: impl Into<String>) -> Answer {
    Answer::Revert(alloy_sol_types::Revert::from(msg.into()).abi_encode())
}

/// Why a precompile method stopped without an answer.
enum Fatal {
    /// Not enough gas for the method: the call halts, consuming its gas.
    OutOfGas,
    /// A database error: the transaction fails.
    Db(String),
}

impl ArbPrecompiles {
    fn arbwasm<CTX: ContextTr>(
        &mut self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
        gas: &mut Gas,
    ) -> Result<Answer, Fatal> {
        use ArbWasm::ArbWasmCalls as C;
        let Ok(call) = C::abi_decode(input) else {
            return Ok(revert_message("ArbWasm: unknown method or bad arguments"));
        };
        let value = inputs.value.get();
        let is_payable = matches!(call, C::activateProgram(_));
        if !is_payable && !value.is_zero() {
            return Ok(revert_message("ArbWasm: method is not payable"));
        }
        let cost = if is_payable { ACTIVATION_GAS } else { VIEW_GAS };
        if !gas.record_regular_cost(cost) {
            return Err(Fatal::OutOfGas);
        }
        let db = |e: <CTX::Db as revm::Database>::Error| Fatal::Db(e.to_string());
        let active_record =
            |ctx: &mut CTX, program: Address| -> Result<Option<ProgramRecord>, Fatal> {
                let code_hash = ctx.journal_mut().code_hash(program).map_err(db)?.data;
                let record = read_record(ctx, code_hash).map_err(db)?;
                Ok(record.is_active().then_some(record))
            };
        Ok(match call {
            C::activateProgram(ArbWasm::activateProgramCall { program }) => {
                if inputs.is_static {
                    return Ok(revert_message("ArbWasm: activateProgram in a static call"));
                }
                let journal = ctx.journal_mut();
                let code = journal.code(program).map_err(db)?.data;
                if !stylus_artifact::is_stylus_code(&code) {
                    return Ok(revert_error(ArbWasm::ProgramNotWasm {}));
                }
                let code_hash = journal.code_hash(program).map_err(db)?.data;
                if read_record(ctx, code_hash).map_err(db)?.is_active() {
                    return Ok(revert_error(ArbWasm::ProgramUpToDate {}));
                }
                let (program_info, module_hash) = match self.store.activate(code_hash, &code) {
                    Ok((p, hash)) => (p.info, hash),
                    Err(reason) => {
                        return Ok(revert_message(format!(
                            "program activation failed: {reason}"
                        )))
                    }
                };
                write_record(ctx, code_hash, ProgramRecord::activated(&program_info))
                    .map_err(db)?;
                // The data fee is 0: repay everything sent.
                if let CallValue::Transfer(sent) = inputs.value {
                    if !sent.is_zero() {
                        let err = ctx
                            .journal_mut()
                            .transfer(inputs.target_address, inputs.caller, sent)
                            .map_err(db)?;
                        if let Some(err) = err {
                            return Err(Fatal::Db(format!(
                                "ArbWasm: repaying the data fee failed: {err:?}"
                            )));
                        }
                    }
                }
                let event = ArbWasm::ProgramActivated {
                    codehash: code_hash,
                    moduleHash: module_hash,
                    program,
                    dataFee: U256::ZERO,
                    version: STYLUS_VERSION,
                };
                ctx.journal_mut().log(Log {
                    address: ARBWASM,
                    data: event.encode_log_data(),
                });
                Answer::Return(ArbWasm::activateProgramCall::abi_encode_returns(
                    &ArbWasm::activateProgramReturn {
                        version: STYLUS_VERSION,
                        dataFee: U256::ZERO,
                    },
                ))
            }
            C::stylusVersion(_) => Answer::Return(ArbWasm::stylusVersionCall::abi_encode_returns(
                &STYLUS_VERSION,
            )),
            C::codehashVersion(ArbWasm::codehashVersionCall { codehash }) => {
                let record = read_record(ctx, codehash).map_err(db)?;
                if !record.is_active() {
                    return Ok(revert_error(ArbWasm::ProgramNotActivated {}));
                }
                Answer::Return(ArbWasm::codehashVersionCall::abi_encode_returns(
                    &record.version,
                ))
            }
            C::programVersion(ArbWasm::programVersionCall { program }) => {
                match active_record(ctx, program)? {
                    Some(r) => {
                        Answer::Return(ArbWasm::programVersionCall::abi_encode_returns(&r.version))
                    }
                    None => revert_error(ArbWasm::ProgramNotActivated {}),
                }
            }
            C::programInitGas(ArbWasm::programInitGasCall { program }) => {
                match active_record(ctx, program)? {
                    Some(r) => {
                        let cached = MIN_CACHED_GAS + u64::from(r.cached_init_cost);
                        let init = MIN_INIT_GAS + u64::from(r.init_cost);
                        Answer::Return(ArbWasm::programInitGasCall::abi_encode_returns(
                            &ArbWasm::programInitGasReturn {
                                gas: init + cached,
                                gasWhenCached: cached,
                            },
                        ))
                    }
                    None => revert_error(ArbWasm::ProgramNotActivated {}),
                }
            }
            C::programMemoryFootprint(ArbWasm::programMemoryFootprintCall { program }) => {
                match active_record(ctx, program)? {
                    Some(r) => Answer::Return(
                        ArbWasm::programMemoryFootprintCall::abi_encode_returns(&r.footprint),
                    ),
                    None => revert_error(ArbWasm::ProgramNotActivated {}),
                }
            }
            C::inkPrice(_) => Answer::Return(ArbWasm::inkPriceCall::abi_encode_returns(&INK_PRICE)),
            C::freePages(_) => {
                Answer::Return(ArbWasm::freePagesCall::abi_encode_returns(&FREE_PAGES))
            }
            C::pageGas(_) => {
                Answer::Return(ArbWasm::pageGasCall::abi_encode_returns(&(PAGE_GAS as u16)))
            }
            C::pageLimit(_) => {
                Answer::Return(ArbWasm::pageLimitCall::abi_encode_returns(&PAGE_LIMIT))
            }
            C::minInitGas(_) => Answer::Return(ArbWasm::minInitGasCall::abi_encode_returns(
                &ArbWasm::minInitGasReturn {
                    gas: MIN_INIT_GAS,
                    cached: MIN_CACHED_GAS,
                },
            )),
        })
    }

    fn arbwasm_cache<CTX: ContextTr>(
        &mut self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
        gas: &mut Gas,
    ) -> Result<Answer, Fatal> {
        use ArbWasmCache::ArbWasmCacheCalls as C;
        let Ok(call) = C::abi_decode(input) else {
            return Ok(revert_message(
                "ArbWasmCache: unknown method or bad arguments",
            ));
        };
        if !inputs.value.get().is_zero() {
            return Ok(revert_message("ArbWasmCache: method is not payable"));
        }
        let writes = matches!(call, C::cacheProgram(_) | C::evictCodehash(_));
        if !gas.record_regular_cost(if writes { CACHE_GAS } else { VIEW_GAS }) {
            return Err(Fatal::OutOfGas);
        }
        if writes && inputs.is_static {
            return Ok(revert_message(
                "ArbWasmCache: state change in a static call",
            ));
        }
        let db = |e: <CTX::Db as revm::Database>::Error| Fatal::Db(e.to_string());
        let set_cached = |ctx: &mut CTX, code_hash: B256, cached: bool| -> Result<Answer, Fatal> {
            let mut record = read_record(ctx, code_hash).map_err(db)?;
            if !record.is_active() {
                return Ok(revert_error(ArbWasm::ProgramNotActivated {}));
            }
            if record.cached != cached {
                record.cached = cached;
                write_record(ctx, code_hash, record).map_err(db)?;
                let event = ArbWasmCache::UpdateProgramCache {
                    manager: inputs.caller,
                    codehash: code_hash,
                    cached,
                };
                ctx.journal_mut().log(Log {
                    address: ARBWASM_CACHE,
                    data: event.encode_log_data(),
                });
            }
            Ok(Answer::Return(Vec::new()))
        };
        Ok(match call {
            C::isCacheManager(_) => {
                Answer::Return(ArbWasmCache::isCacheManagerCall::abi_encode_returns(&true))
            }
            C::allCacheManagers(_) => Answer::Return(
                ArbWasmCache::allCacheManagersCall::abi_encode_returns(&Vec::new()),
            ),
            C::cacheProgram(ArbWasmCache::cacheProgramCall { addr }) => {
                let code_hash = ctx.journal_mut().code_hash(addr).map_err(db)?.data;
                set_cached(ctx, code_hash, true)?
            }
            C::evictCodehash(ArbWasmCache::evictCodehashCall { codehash }) => {
                set_cached(ctx, codehash, false)?
            }
            C::codehashIsCached(ArbWasmCache::codehashIsCachedCall { codehash }) => {
                let record = read_record(ctx, codehash).map_err(db)?;
                Answer::Return(ArbWasmCache::codehashIsCachedCall::abi_encode_returns(
                    &(record.is_active() && record.cached),
                ))
            }
        })
    }
}

impl<CTX: ContextTr> PrecompileProvider<CTX> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = Self::make_warm(&self.eth);
        }
        changed
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let address = inputs.bytecode_address;
        if address != ARBWASM && address != ARBWASM_CACHE {
            return <EthPrecompiles as PrecompileProvider<CTX>>::run(
                &mut self.eth,
                context,
                inputs,
            );
        }
        // Any value was already transferred, and a checkpoint is open:
        // a revert or halt rolls back the method's writes and logs.
        let mut gas = Gas::new(inputs.gas_limit);
        // The input may be a range of the caller's memory: copy it now.
        let input = inputs.input.bytes(context);
        let answer = if address == ARBWASM {
            self.arbwasm(context, inputs, &input, &mut gas)
        } else {
            self.arbwasm_cache(context, inputs, &input, &mut gas)
        };
        let (result, output) = match answer {
            Ok(Answer::Return(out)) => (InstructionResult::Return, out),
            Ok(Answer::Revert(out)) => (InstructionResult::Revert, out),
            Err(Fatal::OutOfGas) => {
                gas.spend_all();
                (InstructionResult::PrecompileOOG, Vec::new())
            }
            Err(Fatal::Db(e)) => return Err(e),
        };
        Ok(Some(InterpreterResult::new(
            result,
            Bytes::from(output),
            gas,
        )))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }

    fn contains(&self, address: &Address) -> bool {
        self.warm.contains(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips() {
        let r = ProgramRecord {
            version: 2,
            init_cost: 0xBEEF,
            cached_init_cost: 0x1234,
            footprint: 0xFFFF,
            cached: true,
        };
        assert_eq!(ProgramRecord::from_word(r.to_word()), r);
        assert_eq!(
            ProgramRecord::from_word(U256::ZERO),
            ProgramRecord::default()
        );
        assert!(!ProgramRecord::default().is_active());
    }

    #[test]
    fn entry_gas_skips_init_when_cached() {
        let mut r = ProgramRecord {
            version: 2,
            init_cost: 9_672,
            cached_init_cost: 3_358,
            footprint: 1,
            cached: false,
        };
        assert_eq!(r.entry_gas(), 352 + 3_358 + 8_832 + 9_672);
        r.cached = true;
        assert_eq!(r.entry_gas(), 352 + 3_358);
    }
}
