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
//! # Activation, priced as Nitro prices it
//!
//! `activateProgram` burns, in Nitro's order (precompiles/precompile.go,
//! precompiles/ArbWasm.go, arbos/programs/programs.go):
//! 1. 800 to open ArbOS state and 3 a word of arguments;
//! 2. from ArbOS 60, 800 to read the chain's activation-gas setting (0);
//! 3. [`ACTIVATION_BASE_GAS`], then 100 for the Stylus parameters and 800
//!    for the program's record (`ProgramUpToDate` stops here);
//! 4. the six charges of `Module::activate` ([`stylus_artifact::activation`]);
//! 5. 20,000 for the module hash, 4,000 and two writes for the data pricer
//!    ([`crate::data_pricer`]), 20,000 for the record;
//! 6. the data fee from the value sent (`ProgramInsufficientValue` if it is
//!    short), with 800 to read the network fee account, the rest repaid;
//! 7. `ProgramActivated`'s log (375 + 375 a topic + 8 a byte), and 3 a word
//!    of result.
//!
//! A program that fails validation or runs out of gas while activating
//! burns all the gas and returns no data, as in Nitro; so does
//! `activateProgram` in a static call. A Solidity error pays 3 a word for
//! its data and keeps the rest.
//!
//! # Expiry and keepalive
//!
//! As in Nitro, an activation is stamped with the hour it was made and
//! expires after [`EXPIRY_DAYS`]: a call into it then fails as into an
//! unactivated program, the views answer `ProgramExpired(age)`, and
//! `activateProgram` renews it. `codehashKeepalive` resets the hour, once
//! the activation is [`KEEPALIVE_DAYS`] old, for a data fee on its stored
//! asm size.
//!
//! # Deviations from Nitro
//!
//! - The module hash is the keccak of the decompressed WASM (Nitro's
//!   hashes its WAVM module, which this chain does not build).
//! - There are no cache managers: only [`CHAIN_OWNER`] may cache.
//! - Multi-fragment programs (ArbOS 60's root and fragment prefixes) are
//!   not recognised.

use crate::abi::{ArbWasm, ArbWasmCache};
use crate::data_pricer::DataPricer;
use crate::memory::{FREE_PAGES, PAGE_GAS, PAGE_LIMIT};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolInterface};
use revm::{
    context::Cfg,
    context_interface::{Block, ContextTr, JournalTr},
    handler::{EthPrecompiles, PrecompileProvider},
    interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult},
    primitives::{
        address, hardfork::SpecId, keccak256, Address, AddressSet, Bytes, Log, LogData, B256, U256,
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
/// The fixed gas `activateProgram` burns before any work
/// (precompiles/ArbWasm.go).
pub const ACTIVATION_BASE_GAS: u64 = 1_659_168;
/// Opening ArbOS state reads its version: one storage read
/// (arbos/arbosState/arbosstate.go, `OpenArbosState`).
pub const ARBOS_STATE_GAS: u64 = STORAGE_READ_GAS;
/// Reading the Stylus parameters, priced as a warm read
/// (arbos/programs/params.go, `Params`).
pub const PARAMS_GAS: u64 = 100;
/// An ArbOS storage read (arbos/storage/storage.go, `StorageReadCost`).
pub const STORAGE_READ_GAS: u64 = 800;
/// An ArbOS storage write of a non-zero word (`StorageWriteCost`).
pub const STORAGE_WRITE_GAS: u64 = 20_000;
/// An ArbOS storage write of zero (`StorageWriteZeroCost`).
pub const STORAGE_WRITE_ZERO_GAS: u64 = 5_000;
/// Gas per 32-byte word a precompile's arguments or result copy
/// (`params.CopyGas`).
pub const COPY_GAS: u64 = 3;
/// The chain owner: a Nitro dev chain's, `0x3f1E…2d0E` (the key
/// `session-keys node` funds as its dev account). Only it may cache.
pub const CHAIN_OWNER: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// Where activation data fees go: ArbOS's network fee account, which a
/// Nitro dev chain sets to its owner.
pub const NETWORK_FEE_ACCOUNT: Address = CHAIN_OWNER;
/// Reading an account's code hash through ArbOS storage: a cold account
/// access (`StorageCodeHashCost`).
pub const STORAGE_CODE_HASH_GAS: u64 = 2_600;

/// Days after which an activation expires (`initialExpiryDays`).
pub const EXPIRY_DAYS: u16 = 365;
/// Days an activation must age before a keepalive (`initialKeepaliveDays`).
pub const KEEPALIVE_DAYS: u16 = 31;

fn days_to_seconds(days: u16) -> u64 {
    u64::from(days) * 24 * 60 * 60
}

/// Hours since Arbitrum began, saturating at 24 bits (`hoursSinceArbitrum`).
pub fn hours_since_arbitrum(time: u64) -> u32 {
    let hours = time.saturating_sub(crate::data_pricer::ARBITRUM_START_TIME) / 3600;
    u32::try_from(hours.min(U24_MAX)).unwrap_or(u32::MAX)
}

const U24_MAX: u64 = (1 << 24) - 1;

/// A code hash's activation as stored in state (one word of the `ArbWasm`
/// account's storage, at the code hash): version in bits 0..16, init cost
/// 16..32, cached init cost 32..48, footprint 48..64, cached flag at bit 64,
/// activation hour 72..96, asm estimate in KiB 96..120.
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
    /// When it was activated (or kept alive), in hours since Arbitrum
    /// began ([`hours_since_arbitrum`]).
    pub activated_at: u32,
    /// Nitro's predicted machine-code size, in KiB rounded up.
    pub asm_estimate_kb: u32,
}

impl ProgramRecord {
    /// A fresh activation of `info` at block time `time`.
    pub fn activated(info: &ActivationInfo, time: u64) -> Self {
        Self {
            version: STYLUS_VERSION,
            init_cost: info.init_cost,
            cached_init_cost: info.cached_init_cost,
            footprint: info.footprint,
            cached: false,
            activated_at: hours_since_arbitrum(time),
            asm_estimate_kb: info.asm_estimate.div_ceil(1024),
        }
    }

    /// Whether the code hash was activated (expired or not).
    pub fn is_active(&self) -> bool {
        self.version != 0
    }

    /// Seconds since the activation hour (`hoursToAge`).
    pub fn age(&self, time: u64) -> u64 {
        let activated = crate::data_pricer::ARBITRUM_START_TIME
            .saturating_add(u64::from(self.activated_at).saturating_mul(3600));
        time.saturating_sub(activated)
    }

    /// Whether the activation is older than [`EXPIRY_DAYS`] at `time`
    /// (`getActiveProgram`).
    pub fn is_expired(&self, time: u64) -> bool {
        self.age(time) > days_to_seconds(EXPIRY_DAYS)
    }

    /// The predicted machine-code size in bytes (`asmSize`).
    pub fn asm_size(&self) -> u32 {
        self.asm_estimate_kb.saturating_mul(1024)
    }

    /// Packs the record into its storage word.
    pub fn to_word(self) -> U256 {
        U256::from(self.version)
            | U256::from(self.init_cost) << 16
            | U256::from(self.cached_init_cost) << 32
            | U256::from(self.footprint) << 48
            | U256::from(self.cached as u8) << 64
            | U256::from(self.activated_at) << 72
            | U256::from(self.asm_estimate_kb) << 96
    }

    /// Unpacks a storage word.
    pub fn from_word(word: U256) -> Self {
        let field = |shift: usize| (word >> shift).as_limbs()[0] as u16;
        let u24 = |shift: usize| ((word >> shift).as_limbs()[0] & U24_MAX) as u32;
        Self {
            version: field(0),
            init_cost: field(16),
            cached_init_cost: field(32),
            footprint: field(48),
            cached: (word >> 64usize).as_limbs()[0] & 1 == 1,
            activated_at: u24(72),
            asm_estimate_kb: u24(96),
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

/// Gas to copy `bytes` in or out of a precompile (precompiles/precompile.go).
pub fn copy_gas(bytes: usize) -> u64 {
    COPY_GAS * (bytes as u64).div_ceil(32)
}

/// Gas of an ArbOS storage write of `value`: Nitro prices a write by the
/// value written, not by the slot's old value.
pub fn storage_write_gas(value: U256) -> u64 {
    if value.is_zero() {
        STORAGE_WRITE_ZERO_GAS
    } else {
        STORAGE_WRITE_GAS
    }
}

/// Gas a precompile pays to emit a log (precompiles/precompile.go): 375,
/// plus 375 a topic (the event's id included), plus 8 a data byte.
pub fn log_gas(topics: usize, data_bytes: usize) -> u64 {
    375 + 375 * topics as u64 + 8 * data_bytes as u64
}

/// The `ArbWasm` storage slot of the data pricer's demand.
pub fn demand_slot() -> U256 {
    U256::from_be_bytes(keccak256("localnet.arbwasm.data-pricer.demand").0)
}

/// The `ArbWasm` storage slot of the data pricer's last update time.
pub fn last_update_slot() -> U256 {
    U256::from_be_bytes(keccak256("localnet.arbwasm.data-pricer.last-update-time").0)
}

/// Reads the data pricer through the journal; a slot never written reads
/// as the fresh chain's value.
pub fn read_data_pricer<CTX: ContextTr>(
    ctx: &mut CTX,
) -> Result<DataPricer, <CTX::Db as revm::Database>::Error> {
    let journal = ctx.journal_mut();
    journal.load_account(ARBWASM)?;
    let demand = journal.sload(ARBWASM, demand_slot())?.data;
    let last = journal.sload(ARBWASM, last_update_slot())?.data;
    let fresh = DataPricer::default();
    Ok(DataPricer {
        demand: demand.saturating_to(),
        last_update_time: if last.is_zero() {
            fresh.last_update_time
        } else {
            last.saturating_to()
        },
    })
}

/// Writes the data pricer through the journal.
pub fn write_data_pricer<CTX: ContextTr>(
    ctx: &mut CTX,
    pricer: DataPricer,
) -> Result<(), <CTX::Db as revm::Database>::Error> {
    let journal = ctx.journal_mut();
    journal.load_account(ARBWASM)?;
    journal.sstore(ARBWASM, demand_slot(), U256::from(pricer.demand))?;
    journal.sstore(
        ARBWASM,
        last_update_slot(),
        U256::from(pricer.last_update_time),
    )?;
    Ok(())
}

/// `payActivationDataFee` (precompiles/ArbWasm.go): refuses too little
/// value with `ProgramInsufficientValue`, else reads the network fee
/// account (800), pays it the fee and repays the rest.
fn pay_data_fee<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    gas: &mut Gas,
    data_fee: U256,
) -> Result<Option<Answer>, Fatal> {
    let value = inputs.value.get();
    if value < data_fee {
        let error = ArbWasm::ProgramInsufficientValue {
            have: value,
            want: data_fee,
        };
        return sol_error(gas, error).map(Some);
    }
    burn(gas, STORAGE_READ_GAS)?;
    for (to, amount) in [
        (NETWORK_FEE_ACCOUNT, data_fee),
        (inputs.caller, value - data_fee),
    ] {
        if amount.is_zero() {
            continue;
        }
        let err = ctx
            .journal_mut()
            .transfer(inputs.target_address, to, amount)
            .map_err(db_error)?;
        if let Some(err) = err {
            return Err(Fatal::Db(format!(
                "ArbWasm: paying the data fee failed: {err:?}"
            )));
        }
    }
    Ok(None)
}

/// `ArbWasm.codehashKeepalive` (precompiles/ArbWasm.go,
/// `Programs.ProgramKeepalive`): 800 for ArbOS state, 3 for the argument,
/// 100 for the parameters, 800 for the record; an activation younger than
/// [`KEEPALIVE_DAYS`] is `ProgramKeepaliveTooSoon`. Otherwise the data
/// pricer is updated for the program's asm size as at activation, the
/// activation hour is reset (20,000), the fee is paid, and
/// `ProgramLifetimeExtended` is logged.
fn codehash_keepalive<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    gas: &mut Gas,
    codehash: B256,
) -> Result<Answer, Fatal> {
    if inputs.is_static {
        return Err(Fatal::OutOfGas);
    }
    burn(
        gas,
        ARBOS_STATE_GAS + copy_gas(32) + PARAMS_GAS + STORAGE_READ_GAS,
    )?;
    let time = block_time(ctx);
    let mut record = read_record(ctx, codehash).map_err(db_error)?;
    if !record.is_active() {
        return sol_error(gas, ArbWasm::ProgramNotActivated {});
    }
    let age = record.age(time);
    if record.is_expired(time) {
        return sol_error(gas, ArbWasm::ProgramExpired { ageInSeconds: age });
    }
    if age < days_to_seconds(KEEPALIVE_DAYS) {
        return sol_error(gas, ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age });
    }
    let data_fee = update_data_pricer(ctx, gas, record.asm_size(), time)?;
    burn(gas, STORAGE_WRITE_GAS)?;
    record.activated_at = hours_since_arbitrum(time);
    write_record(ctx, codehash, record).map_err(db_error)?;
    if let Some(refusal) = pay_data_fee(ctx, inputs, gas, data_fee)? {
        return Ok(refusal);
    }
    let event = ArbWasm::ProgramLifetimeExtended {
        codehash,
        dataFee: data_fee,
    };
    emit(ctx, gas, ARBWASM, event.encode_log_data())?;
    Ok(Answer::Return(Vec::new()))
}

/// `setProgramCached` (precompiles/ArbWasmCache.go) and
/// `Programs.SetProgramCached` (arbos/programs/programs.go): the access
/// check (a cache-manager read, then a chain-owner read), 100 for the
/// parameters and 800 for the record; caching a program that is not at the
/// current version (not activated included) is `ProgramNeedsUpgrade`, an
/// expired one `ProgramExpired`; no change costs nothing more. A change
/// logs `UpdateProgramCache`, burns the program's `init_cost`, reads the
/// module hash (800) and writes the record (20,000).
fn set_program_cached<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    gas: &mut Gas,
    code_hash: B256,
    cache: bool,
) -> Result<Option<Answer>, Fatal> {
    burn(gas, STORAGE_READ_GAS)?; // a cache manager?
    burn(gas, STORAGE_READ_GAS)?; // the chain owner?
    if inputs.caller != CHAIN_OWNER {
        return Err(Fatal::OutOfGas);
    }
    burn(gas, PARAMS_GAS + STORAGE_READ_GAS)?;
    let time = block_time(ctx);
    let mut record = read_record(ctx, code_hash).map_err(db_error)?;
    if cache && record.version != STYLUS_VERSION {
        let error = ArbWasm::ProgramNeedsUpgrade {
            version: record.version,
            stylusVersion: STYLUS_VERSION,
        };
        return sol_error(gas, error).map(Some);
    }
    if cache && record.is_expired(time) {
        let error = ArbWasm::ProgramExpired {
            ageInSeconds: record.age(time),
        };
        return sol_error(gas, error).map(Some);
    }
    if record.cached == cache {
        return Ok(None);
    }
    let event = ArbWasmCache::UpdateProgramCache {
        manager: inputs.caller,
        codehash: code_hash,
        cached: cache,
    };
    emit(ctx, gas, ARBWASM_CACHE, event.encode_log_data())?;
    burn(gas, u64::from(record.init_cost))?;
    burn(gas, STORAGE_READ_GAS + STORAGE_WRITE_GAS)?;
    record.cached = cache;
    write_record(ctx, code_hash, record).map_err(db_error)?;
    Ok(None)
}

/// A Solidity error's answer: its data, paid 3 gas a word to copy out.
fn sol_error(gas: &mut Gas, error: impl SolError) -> Result<Answer, Fatal> {
    let data = error.abi_encode();
    burn(gas, copy_gas(data.len()))?;
    Ok(Answer::Revert(data))
}

/// A journal error: it fails the transaction.
fn db_error(e: impl core::fmt::Display) -> Fatal {
    Fatal::Db(e.to_string())
}

/// The block time a precompile sees, in seconds.
fn block_time<CTX: ContextTr>(ctx: &CTX) -> u64 {
    ctx.block().timestamp().saturating_to()
}

/// `DataPricer.UpdateModel` with its ArbOS storage gas: five reads, then
/// demand and time written. Returns the fee for `bytes` at `time`.
fn update_data_pricer<CTX: ContextTr>(
    ctx: &mut CTX,
    gas: &mut Gas,
    bytes: u32,
    time: u64,
) -> Result<U256, Fatal> {
    burn(gas, 5 * STORAGE_READ_GAS)?;
    let mut pricer = read_data_pricer(ctx).map_err(db_error)?;
    let data_fee = pricer.update(bytes, time);
    burn(gas, storage_write_gas(U256::from(pricer.demand)))?;
    burn(gas, storage_write_gas(U256::from(time)))?;
    write_data_pricer(ctx, pricer).map_err(db_error)?;
    Ok(data_fee)
}

/// Logs `data` from the precompile at `address`, paying its log gas first.
fn emit<CTX: ContextTr>(
    ctx: &mut CTX,
    gas: &mut Gas,
    address: Address,
    data: LogData,
) -> Result<(), Fatal> {
    burn(gas, log_gas(data.topics().len(), data.data.len()))?;
    ctx.journal_mut().log(Log { address, data });
    Ok(())
}

/// Burns `amount` of a precompile's gas, or fails it with all gas gone.
fn burn(gas: &mut Gas, amount: u64) -> Result<(), Fatal> {
    if gas.record_regular_cost(amount) {
        Ok(())
    } else {
        Err(Fatal::OutOfGas)
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
        self.activate_wasm(code_hash, &wasm)
    }

    /// [`ProgramStore::activate`] of decompressed wasm.
    pub fn activate_wasm(
        &mut self,
        code_hash: B256,
        wasm: &[u8],
    ) -> Result<(&Program, B256), String> {
        let program = self
            .runtime
            .activate_with(wasm, self.arbos.allows_multi_value())
            .map_err(|e| e.to_string())?;
        let program = self
            .programs
            .entry(code_hash)
            .insert_entry(program)
            .into_mut();
        Ok((program, keccak256(wasm)))
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

/// Why a precompile method stopped without an answer.
enum Fatal {
    /// Not enough gas for the method, or a failure Nitro answers with no
    /// data and no gas (a write in a static call, a failed activation):
    /// the call halts, consuming its gas.
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
        // precompiles/precompile.go: an unknown method or arguments that
        // don't decode return no data and no gas.
        let Ok(call) = C::abi_decode(input) else {
            return Err(Fatal::OutOfGas);
        };
        match call {
            C::activateProgram(ArbWasm::activateProgramCall { program }) => {
                return self.activate_program(ctx, inputs, input, gas, program)
            }
            C::codehashKeepalive(ArbWasm::codehashKeepaliveCall { codehash }) => {
                return codehash_keepalive(ctx, inputs, gas, codehash)
            }
            _ => {}
        }
        // Value sent to a method that is not payable: the same.
        if !inputs.value.get().is_zero() {
            return Err(Fatal::OutOfGas);
        }
        // Every view opens ArbOS state, copies its arguments and reads the
        // Stylus parameters (`Params`, a warm read).
        burn(
            gas,
            ARBOS_STATE_GAS + copy_gas(input.len().saturating_sub(4)) + PARAMS_GAS,
        )?;
        let time = block_time(ctx);
        // `getActiveProgram`: one read; not activated, or expired, is an
        // error.
        let active = |ctx: &mut CTX,
                      gas: &mut Gas,
                      code_hash: B256|
         -> Result<Result<ProgramRecord, Answer>, Fatal> {
            burn(gas, STORAGE_READ_GAS)?;
            let record = read_record(ctx, code_hash).map_err(db_error)?;
            Ok(if !record.is_active() {
                Err(revert_error(ArbWasm::ProgramNotActivated {}))
            } else if record.is_expired(time) {
                Err(revert_error(ArbWasm::ProgramExpired {
                    ageInSeconds: record.age(time),
                }))
            } else {
                Ok(record)
            })
        };
        // A program by address: its code hash through ArbOS storage first.
        let active_program = |ctx: &mut CTX, gas: &mut Gas, program: Address| {
            burn(gas, STORAGE_CODE_HASH_GAS)?;
            let code_hash = ctx.journal_mut().code_hash(program).map_err(db_error)?.data;
            active(ctx, gas, code_hash)
        };
        macro_rules! answer {
            ($record:expr, $call:ty, |$r:ident| $value:expr) => {
                match $record? {
                    Ok($r) => Answer::Return(<$call>::abi_encode_returns(&$value)),
                    Err(refusal) => refusal,
                }
            };
        }
        let answer = match call {
            C::activateProgram(_) | C::codehashKeepalive(_) => {
                unreachable!("answered above")
            }
            C::stylusVersion(_) => Answer::Return(ArbWasm::stylusVersionCall::abi_encode_returns(
                &STYLUS_VERSION,
            )),
            C::codehashVersion(ArbWasm::codehashVersionCall { codehash }) => {
                answer!(
                    active(ctx, gas, codehash),
                    ArbWasm::codehashVersionCall,
                    |r| r.version
                )
            }
            C::codehashAsmSize(ArbWasm::codehashAsmSizeCall { codehash }) => {
                answer!(
                    active(ctx, gas, codehash),
                    ArbWasm::codehashAsmSizeCall,
                    |r| r.asm_size()
                )
            }
            C::programVersion(ArbWasm::programVersionCall { program }) => {
                answer!(
                    active_program(ctx, gas, program),
                    ArbWasm::programVersionCall,
                    |r| r.version
                )
            }
            C::programInitGas(ArbWasm::programInitGasCall { program }) => {
                answer!(
                    active_program(ctx, gas, program),
                    ArbWasm::programInitGasCall,
                    |r| {
                        let cached = MIN_CACHED_GAS + u64::from(r.cached_init_cost);
                        let init = MIN_INIT_GAS + u64::from(r.init_cost);
                        ArbWasm::programInitGasReturn {
                            gas: init + cached,
                            gasWhenCached: cached,
                        }
                    }
                )
            }
            C::programMemoryFootprint(ArbWasm::programMemoryFootprintCall { program }) => {
                answer!(
                    active_program(ctx, gas, program),
                    ArbWasm::programMemoryFootprintCall,
                    |r| r.footprint
                )
            }
            C::programTimeLeft(ArbWasm::programTimeLeftCall { program }) => {
                answer!(
                    active_program(ctx, gas, program),
                    ArbWasm::programTimeLeftCall,
                    |r| { days_to_seconds(EXPIRY_DAYS).saturating_sub(r.age(time)) }
                )
            }
            C::expiryDays(_) => {
                Answer::Return(ArbWasm::expiryDaysCall::abi_encode_returns(&EXPIRY_DAYS))
            }
            C::keepaliveDays(_) => Answer::Return(ArbWasm::keepaliveDaysCall::abi_encode_returns(
                &KEEPALIVE_DAYS,
            )),
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
        };
        // The result, or a Solidity error's data, costs 3 a word to copy out.
        let (Answer::Return(data) | Answer::Revert(data)) = &answer;
        burn(gas, copy_gas(data.len()))?;
        Ok(answer)
    }

    /// `ArbWasm.activateProgram`, charged step by step as Nitro charges it
    /// (see the module docs).
    fn activate_program<CTX: ContextTr>(
        &mut self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
        gas: &mut Gas,
        program: Address,
    ) -> Result<Answer, Fatal> {
        // precompiles/precompile.go, `Precompile.Call`: a write in a static
        // call returns no data and no gas.
        if inputs.is_static {
            return Err(Fatal::OutOfGas);
        }
        burn(gas, ARBOS_STATE_GAS)?;
        burn(gas, copy_gas(input.len().saturating_sub(4)))?;
        // precompiles/ArbWasm.go, `ActivateProgram`: the chain's
        // configurable activation gas (0 here) is read from ArbOS 60 on.
        if self.store.arbos().has_activation_gas_setting() {
            burn(gas, STORAGE_READ_GAS)?;
        }
        burn(gas, ACTIVATION_BASE_GAS)?;
        // arbos/programs/programs.go, `Programs.ActivateProgram`.
        burn(gas, PARAMS_GAS)?;
        let code_hash = ctx.journal_mut().code_hash(program).map_err(db_error)?.data;
        burn(gas, STORAGE_READ_GAS)?;
        let time = block_time(ctx);
        let previous = read_record(ctx, code_hash).map_err(db_error)?;
        // `programExists`: an expired activation may be renewed.
        if previous.is_active() && !previous.is_expired(time) {
            return sol_error(gas, ArbWasm::ProgramUpToDate {});
        }
        let code = ctx.journal_mut().code(program).map_err(db_error)?.data;
        if !stylus_artifact::is_stylus_code(&code) {
            // `getWasmFromContractCode`: empty code, and from ArbOS 60 any
            // code that is not Stylus, is `ProgramNotWasm`; before 60,
            // non-Stylus code is a plain error (a revert without data).
            if code.is_empty() || self.store.arbos().calls_any_non_stylus_code_not_wasm() {
                return sol_error(gas, ArbWasm::ProgramNotWasm {});
            }
            return Ok(Answer::Revert(Vec::new()));
        }
        let Ok(wasm) = stylus_artifact::decompress_onchain_code(&code) else {
            // A decompression error is a plain error too.
            return Ok(Answer::Revert(Vec::new()));
        };
        // Parsing, validation and the charges of `Module::activate`: any
        // failure, running out of gas included, burns all the gas.
        let Ok((program_info, module_hash)) = self
            .store
            .activate_wasm(code_hash, &wasm)
            .map(|(p, hash)| (p.info, hash))
        else {
            return Err(Fatal::OutOfGas);
        };
        burn(gas, program_info.activation_gas)?;
        burn(gas, STORAGE_WRITE_GAS)?; // the module hash
        let data_fee = update_data_pricer(ctx, gas, program_info.asm_estimate, time)?;
        burn(gas, STORAGE_WRITE_GAS)?; // the program's record
        let record = ProgramRecord {
            cached: previous.is_active() && previous.cached,
            ..ProgramRecord::activated(&program_info, time)
        };
        write_record(ctx, code_hash, record).map_err(db_error)?;
        if let Some(refusal) = pay_data_fee(ctx, inputs, gas, data_fee)? {
            return Ok(refusal);
        }
        let event = ArbWasm::ProgramActivated {
            codehash: code_hash,
            moduleHash: module_hash,
            program,
            dataFee: data_fee,
            version: STYLUS_VERSION,
        };
        emit(ctx, gas, ARBWASM, event.encode_log_data())?;
        let output =
            ArbWasm::activateProgramCall::abi_encode_returns(&ArbWasm::activateProgramReturn {
                version: STYLUS_VERSION,
                dataFee: data_fee,
            });
        burn(gas, copy_gas(output.len()))?;
        Ok(Answer::Return(output))
    }

    /// `ArbWasmCache`, as precompiles/ArbWasmCache.go answers it: only the
    /// chain owner ([`CHAIN_OWNER`]) or a cache manager (none here) may
    /// cache or evict, and anyone else's attempt burns all its gas.
    fn arbwasm_cache<CTX: ContextTr>(
        &mut self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
        gas: &mut Gas,
    ) -> Result<Answer, Fatal> {
        use ArbWasmCache::ArbWasmCacheCalls as C;
        // precompiles/precompile.go, `Precompile.Call`: an unknown method,
        // arguments that don't decode, value sent to a method that is not
        // payable, or a write in a static call: no data, no gas.
        let Ok(call) = C::abi_decode(input) else {
            return Err(Fatal::OutOfGas);
        };
        let writes = matches!(call, C::cacheProgram(_) | C::evictCodehash(_));
        if !inputs.value.get().is_zero() || (writes && inputs.is_static) {
            return Err(Fatal::OutOfGas);
        }
        burn(gas, ARBOS_STATE_GAS)?;
        burn(gas, copy_gas(input.len().saturating_sub(4)))?;
        let output = match call {
            // `CacheManagers().IsMember`: one read; nobody is a manager.
            C::isCacheManager(_) => {
                burn(gas, STORAGE_READ_GAS)?;
                ArbWasmCache::isCacheManagerCall::abi_encode_returns(&false)
            }
            // `AllMembers`: the set's size, 0.
            C::allCacheManagers(_) => {
                burn(gas, STORAGE_READ_GAS)?;
                ArbWasmCache::allCacheManagersCall::abi_encode_returns(&Vec::new())
            }
            C::codehashIsCached(ArbWasmCache::codehashIsCachedCall { codehash }) => {
                burn(gas, STORAGE_READ_GAS)?;
                let record = read_record(ctx, codehash).map_err(db_error)?;
                ArbWasmCache::codehashIsCachedCall::abi_encode_returns(&record.cached)
            }
            C::cacheProgram(ArbWasmCache::cacheProgramCall { addr }) => {
                // `GetCodeHash` through ArbOS storage costs a cold access.
                burn(gas, STORAGE_CODE_HASH_GAS)?;
                let code_hash = ctx.journal_mut().code_hash(addr).map_err(db_error)?.data;
                if let Some(refusal) = set_program_cached(ctx, inputs, gas, code_hash, true)? {
                    return Ok(refusal);
                }
                Vec::new()
            }
            C::evictCodehash(ArbWasmCache::evictCodehashCall { codehash }) => {
                if let Some(refusal) = set_program_cached(ctx, inputs, gas, codehash, false)? {
                    return Ok(refusal);
                }
                Vec::new()
            }
        };
        burn(gas, copy_gas(output.len()))?;
        Ok(Answer::Return(output))
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
            activated_at: 0xAB_CDEF,
            asm_estimate_kb: 0xFF_FFFF,
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
            ..ProgramRecord::default()
        };
        assert_eq!(r.entry_gas(), 352 + 3_358 + 8_832 + 9_672);
        r.cached = true;
        assert_eq!(r.entry_gas(), 352 + 3_358);
    }
}
