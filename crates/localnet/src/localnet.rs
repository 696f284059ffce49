//! [`Localnet`]: a small chain to deploy to, call and transact against.

use crate::abi::ArbWasm;
use crate::arbos::ArbOs;
use crate::evm::{ProgramEntry, ProgramFailure, StylusEvm};
use crate::precompiles::{record_slot, ProgramRecord, ARBWASM, ARBWASM_CACHE};
use alloy_sol_types::{SolCall, SolInterface};
use revm::{
    context::{
        result::{ExecutionResult, HaltReason},
        BlockEnv, CfgEnv, Context, Journal, TxEnv,
    },
    database::{CacheDB, EmptyDB},
    primitives::{address, hardfork::SpecId, keccak256, Address, Bytes, Log, TxKind, U256},
    state::{AccountInfo, Bytecode},
    DatabaseRef, ExecuteCommitEvm, ExecuteEvm,
};
use std::fmt;
use std::path::{Path, PathBuf};
use stylus_runtime::ActivationInfo;

/// The chain's state: an in-memory database.
pub type Db = CacheDB<EmptyDB>;
/// revm's context for [`Localnet`].
pub type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;

/// Chain id: Arbitrum's local dev node.
pub const CHAIN_ID: u64 = 412_346;
/// The account [`Localnet::deploy_evm`] and [`Localnet::deploy_stylus`]
/// deploy and activate from; funded with [`DEPLOYER_FUNDS`].
pub const DEPLOYER: Address = address!("00000000000000000000000000000000de910e70");
/// The deployer's starting balance: 10^9 ether.
pub const DEPLOYER_FUNDS: U256 = U256::from_limbs([0x9fd0_803c_e800_0000, 0x033b_2e3c, 0, 0]);
/// Gas limit of transactions and calls: Arbitrum's per-transaction limit.
pub const TX_GAS_LIMIT: u64 = 32_000_000;
/// Base fee: 0.1 gwei, as a Nitro dev node starts with.
pub const BASEFEE: u64 = 100_000_000;
/// Block gas limit Arbitrum reports (2^50).
pub const BLOCK_GAS_LIMIT: u64 = 1 << 50;
/// 10^18 wei.
const ONE_ETHER: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);
/// The block number and timestamp a new chain starts at.
pub const GENESIS_NUMBER: u64 = 1;
/// See [`GENESIS_NUMBER`].
pub const GENESIS_TIMESTAMP: u64 = 1_700_000_000;
/// The block's coinbase.
pub const COINBASE: Address = address!("00000000000000000000000000000000000a4b05");

/// The path of a contract's deployable code built by
/// `scripts/build-contracts.sh`: `<target>/stylus/NAME.code`, where
/// `<target>` is `CARGO_TARGET_DIR` or the workspace's `target`.
pub fn contract_code_path(name: &str) -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        None => workspace_root().join("target"),
    };
    target.join("stylus").join(format!("{name}.code"))
}

/// Why `target/stylus/NAME.code` cannot be trusted, if it cannot: it is
/// missing, or older than a source it is built from (the contract's crate,
/// `module-kit` and `permission-core`, tests aside). `None`: fresh.
pub fn stale_contract_build(name: &str) -> Option<String> {
    let code = contract_code_path(name);
    let built = match std::fs::metadata(&code).and_then(|m| m.modified()) {
        Ok(time) => time,
        Err(_) => return Some(format!("{} is missing", code.display())),
    };
    let root = workspace_root();
    let mut sources = vec![
        root.join("contracts").join(name).join("src"),
        root.join("crates/module-kit/src"),
        root.join("crates/permission-core/src"),
    ];
    // A policy's rule crates: its path dependencies among the contracts.
    sources.extend(
        contract_dependencies(&root, name)
            .into_iter()
            .map(|dep| root.join("contracts").join(dep).join("src")),
    );
    sources
        .into_iter()
        .find(|dir| newest_source(dir).is_some_and(|newest| newest > built))
        .map(|dir| format!("{} is older than {}", code.display(), dir.display()))
}

/// The contracts `name`'s manifest depends on by path (`path = "../X"`).
fn contract_dependencies(root: &Path, name: &str) -> Vec<String> {
    let manifest = root.join("contracts").join(name).join("Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split("path = \"../").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .filter(|dep| !dep.starts_with('.'))
        .map(str::to_string)
        .collect()
}

/// The newest modification time of any source file under `dir`, test
/// files and the module test backend aside.
fn newest_source(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "tests" || name == "tests.rs" || name == "testing.rs" || name == "chain.rs" {
            continue;
        }
        let time = if path.is_dir() {
            newest_source(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(time);
    }
    newest
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// How a transaction or call ended.
#[derive(Debug, Clone)]
pub struct TxOutcome {
    /// Whether it succeeded.
    pub success: bool,
    /// Why it halted (out of gas, invalid opcode...), if it did.
    pub halt: Option<HaltReason>,
    /// Return data on success, revert data on revert, empty on a halt.
    pub output: Bytes,
    /// The logs (only a successful transaction has any).
    pub logs: Vec<Log>,
    /// Gas used, as the receipt reports it (refund deducted).
    pub gas_used: u64,
    /// The refund deducted from `gas_used`.
    pub gas_refunded: u64,
    /// The created contract, for a creation.
    pub created: Option<Address>,
    /// Stylus programs that failed (trapped), with the reason.
    pub failures: Vec<ProgramFailure>,
    /// Every Stylus program entered, with its entry cost and gas used.
    pub programs: Vec<ProgramEntry>,
}

/// A call's outcome ([`Localnet::call`] commits nothing).
pub type CallOutcome = TxOutcome;

impl TxOutcome {
    fn new(result: ExecutionResult<HaltReason>, evm: &StylusEvm<Ctx>) -> Self {
        let gas_used = result.tx_gas_used();
        let gas_refunded = result.gas().final_refunded();
        let failures = evm.failures().to_vec();
        let programs = evm.entries().to_vec();
        match result {
            ExecutionResult::Success { output, logs, .. } => Self {
                success: true,
                halt: None,
                created: output.address().copied(),
                output: output.into_data(),
                logs,
                gas_used,
                gas_refunded,
                failures,
                programs,
            },
            ExecutionResult::Revert { output, logs, .. } => Self {
                success: false,
                halt: None,
                output,
                logs,
                gas_used,
                gas_refunded,
                created: None,
                failures,
                programs,
            },
            ExecutionResult::Halt { reason, logs, .. } => Self {
                success: false,
                halt: Some(reason),
                output: Bytes::new(),
                logs,
                gas_used,
                gas_refunded,
                created: None,
                failures,
                programs,
            },
        }
    }

    /// Whether it reverted (rather than succeeded or halted).
    pub fn reverted(&self) -> bool {
        !self.success && self.halt.is_none()
    }

    /// The revert data, if it reverted.
    pub fn revert_data(&self) -> Option<&Bytes> {
        self.reverted().then_some(&self.output)
    }

    /// Decodes the revert data as one of `E`'s errors (an `alloy` `sol!`
    /// interface's `...Errors` enum, or `alloy_sol_types::ContractError`).
    pub fn decode_revert<E: SolInterface>(&self) -> Option<E> {
        E::abi_decode(self.revert_data()?).ok()
    }

    /// A readable reason for a failure: `Error(string)` and `Panic(uint256)`
    /// decoded, a custom error as its selector, a halt by its reason.
    pub fn revert_reason(&self) -> Option<String> {
        if self.success {
            return None;
        }
        if let Some(halt) = &self.halt {
            return Some(format!("halted: {halt:?}"));
        }
        let data = &self.output;
        Some(
            match alloy_sol_types::GenericContractError::abi_decode(data) {
                Ok(alloy_sol_types::ContractError::Revert(r)) => format!("revert: {}", r.reason),
                Ok(alloy_sol_types::ContractError::Panic(p)) => p.to_string(),
                _ if data.is_empty() => "reverted without data".to_string(),
                _ if data.len() >= 4 => format!(
                    "custom error 0x{} ({} bytes)",
                    alloy_primitives::hex::encode(&data[..4]),
                    data.len()
                ),
                _ => format!("reverted with 0x{}", alloy_primitives::hex::encode(data)),
            },
        )
    }

    /// Decodes the return data of a successful call of `C`.
    pub fn decode_return<C: SolCall>(&self) -> Result<C::Return, LocalnetError> {
        if !self.success {
            return Err(LocalnetError::Failed(Box::new(self.clone())));
        }
        C::abi_decode_returns(&self.output).map_err(|e| LocalnetError::Decode(e.to_string()))
    }

    /// This outcome if it succeeded; panics with the reason otherwise.
    #[track_caller]
    pub fn expect_success(self) -> Self {
        if !self.success {
            panic!("transaction failed: {self}");
        }
        self
    }
}

impl fmt::Display for TxOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.revert_reason() {
            None => write!(f, "success, {} gas", self.gas_used)?,
            Some(reason) => write!(f, "{reason}, {} gas", self.gas_used)?,
        }
        for failure in &self.failures {
            write!(
                f,
                "; program {} (depth {}) failed: {}",
                failure.contract, failure.depth, failure.reason
            )?;
        }
        Ok(())
    }
}

/// Why a [`Localnet`] operation failed.
#[derive(Debug)]
pub enum LocalnetError {
    /// revm refused the transaction (nonce, balance, gas limit...).
    Invalid(String),
    /// The transaction ran and failed.
    Failed(Box<TxOutcome>),
    /// Return data that does not decode.
    Decode(String),
    /// A file could not be read.
    Io(String),
}

impl fmt::Display for LocalnetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => write!(f, "invalid transaction: {e}"),
            Self::Failed(outcome) => write!(f, "transaction failed: {outcome}"),
            Self::Decode(e) => write!(f, "undecodable return data: {e}"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LocalnetError {}

/// An in-process Arbitrum-like chain: Osaka EVM rules, chain id 412346,
/// Stylus programs activated through `ArbWasm` (0x71) and cached through
/// `ArbWasmCache` (0x72).
///
/// Each [`Localnet::transact`] is mined on its own at the current block
/// number and timestamp, which only change when set: for ArbOS 60's
/// recently used programs, each transaction is its own block.
pub struct Localnet {
    evm: StylusEvm<Ctx>,
    gas_limit: u64,
}

impl Default for Localnet {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Localnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Localnet")
            .field("block_number", &self.block_number())
            .field("timestamp", &self.timestamp())
            .finish_non_exhaustive()
    }
}

impl Localnet {
    /// A fresh chain with [`DEPLOYER`] funded.
    pub fn new() -> Self {
        let ctx: Ctx = Context::new(CacheDB::new(EmptyDB::default()), SpecId::OSAKA)
            .modify_cfg_chained(|cfg: &mut CfgEnv| {
                cfg.chain_id = CHAIN_ID;
                // Stylus code starts with 0xEF; StylusEvm re-checks other 0xEF code.
                cfg.disable_eip3541 = true;
                // Nitro applies EIP-7623's calldata floor only when the chain
                // owner enables increased calldata pricing (ArbOS 40+
                // feature flag, off by default: `IsCalldataPricingIncreaseEnabled`
                // in arbos/tx_processor.go).
                cfg.disable_eip7623 = true;
                // Osaka's EIP-7825 caps a transaction at 2^24 gas; Arbitrum doesn't.
                cfg.tx_gas_limit_cap = Some(u64::MAX);
            })
            .modify_block_chained(|b: &mut BlockEnv| {
                b.number = U256::from(GENESIS_NUMBER);
                b.timestamp = U256::from(GENESIS_TIMESTAMP);
                b.gas_limit = BLOCK_GAS_LIMIT;
                b.basefee = BASEFEE;
                b.beneficiary = COINBASE;
            });
        let mut net = Self {
            evm: StylusEvm::new(ctx),
            gas_limit: TX_GAS_LIMIT,
        };
        // Arbitrum's precompile accounts hold the code 0xFE.
        for precompile in [ARBWASM, ARBWASM_CACHE] {
            net.set_code(precompile, Bytes::from_static(&[0xFE]));
        }
        net.fund(DEPLOYER, DEPLOYER_FUNDS);
        net
    }

    /// The EVM, for anything this API does not cover.
    pub fn evm(&mut self) -> &mut StylusEvm<Ctx> {
        &mut self.evm
    }

    /// The state database.
    pub fn db(&mut self) -> &mut Db {
        &mut self.evm.inner.ctx.journaled_state.database
    }

    fn db_ref(&self) -> &Db {
        &self.evm.inner.ctx.journaled_state.database
    }

    fn account(&self, who: Address) -> AccountInfo {
        self.db_ref()
            .basic_ref(who)
            .expect("in-memory database")
            .unwrap_or_default()
    }

    /// Sets an account's balance.
    pub fn fund(&mut self, who: Address, wei: U256) {
        let info = AccountInfo {
            balance: wei,
            ..self.account(who)
        };
        self.db().insert_account_info(who, info);
    }

    /// An account's balance.
    pub fn balance(&self, who: Address) -> U256 {
        self.account(who).balance
    }

    /// An account's nonce.
    pub fn nonce(&self, who: Address) -> u64 {
        self.account(who).nonce
    }

    /// An account's code.
    pub fn code(&self, who: Address) -> Bytes {
        let info = self.account(who);
        match info.code {
            Some(code) => code.original_bytes(),
            None => self
                .db_ref()
                .code_by_hash_ref(info.code_hash)
                .map(|c| c.original_bytes())
                .unwrap_or_default(),
        }
    }

    /// An account's code hash (keccak256("") without code).
    pub fn code_hash(&self, who: Address) -> alloy_primitives::B256 {
        self.account(who).code_hash
    }

    /// Sets an account's code directly (genesis-style: no CREATE, no
    /// EIP-3541 check, no activation).
    pub fn set_code(&mut self, who: Address, code: Bytes) {
        let code = Bytecode::new_raw(code);
        let info = AccountInfo {
            code_hash: code.hash_slow(),
            code: Some(code),
            ..self.account(who)
        };
        self.db().insert_account_info(who, info);
    }

    /// A storage slot.
    pub fn storage(&self, who: Address, slot: U256) -> U256 {
        self.db_ref()
            .storage_ref(who, slot)
            .expect("in-memory database")
    }

    /// Every non-zero storage slot of an account.
    pub fn storage_slots(&self, who: Address) -> std::collections::HashMap<U256, U256> {
        self.db_ref()
            .cache
            .accounts
            .get(&who)
            .map(|account| {
                account
                    .storage
                    .iter()
                    .filter(|(_, value)| !value.is_zero())
                    .map(|(slot, value)| (*slot, *value))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Sets a storage slot directly.
    pub fn set_storage(&mut self, who: Address, slot: U256, value: U256) {
        self.db()
            .insert_account_storage(who, slot, value)
            .expect("in-memory database");
    }

    /// The ArbOS version the chain prices as ([`crate::arbos`]): 51 unless
    /// set.
    pub fn arbos(&self) -> ArbOs {
        self.evm.arbos()
    }

    /// Prices the next transactions as `arbos`: from ArbOS 60 a program
    /// entered earlier in the same transaction (this chain's block) pays
    /// the cached entry cost.
    pub fn set_arbos(&mut self, arbos: ArbOs) {
        self.evm.set_arbos(arbos);
    }

    /// A new chain priced as `arbos`.
    pub fn with_arbos(arbos: ArbOs) -> Self {
        let mut net = Self::new();
        net.set_arbos(arbos);
        net
    }

    /// The current block number.
    pub fn block_number(&self) -> u64 {
        self.evm.inner.ctx.block.number.saturating_to()
    }

    /// Sets the block number of the next transactions.
    pub fn set_block_number(&mut self, number: u64) {
        self.evm.ctx().block.number = U256::from(number);
    }

    /// The current block timestamp.
    pub fn timestamp(&self) -> u64 {
        self.evm.inner.ctx.block.timestamp.saturating_to()
    }

    /// Sets the block timestamp of the next transactions.
    pub fn set_timestamp(&mut self, timestamp: u64) {
        self.evm.ctx().block.timestamp = U256::from(timestamp);
    }

    /// Sets the gas limit of the next transactions and calls (default
    /// [`TX_GAS_LIMIT`]).
    pub fn set_gas_limit(&mut self, gas_limit: u64) {
        self.gas_limit = gas_limit;
    }

    /// A transaction from `from` at its current nonce, with `gas_limit`
    /// or, by default, the chain's transaction gas limit.
    fn tx(
        &self,
        from: Address,
        kind: TxKind,
        value: U256,
        data: Bytes,
        gas_price: u128,
        gas_limit: Option<u64>,
    ) -> TxEnv {
        TxEnv::builder()
            .caller(from)
            .kind(kind)
            .value(value)
            .data(data)
            .gas_limit(gas_limit.unwrap_or(self.gas_limit))
            .gas_price(gas_price)
            .nonce(self.nonce(from))
            .chain_id(Some(CHAIN_ID))
            .build()
            .expect("a complete transaction")
    }

    fn run_commit(&mut self, tx: TxEnv) -> Result<TxOutcome, LocalnetError> {
        let result = self
            .evm
            .transact_commit(tx)
            .map_err(|e| LocalnetError::Invalid(e.to_string()))?;
        Ok(TxOutcome::new(result, &self.evm))
    }

    /// Sends any transaction and commits it: from `from`, to `to` (`None`
    /// creates a contract from `data`), with `value`, the sender's current
    /// nonce, gas price [`BASEFEE`] and `gas_limit` (default: the chain's
    /// transaction gas limit). `Err` only if revm refuses it.
    pub fn try_send(
        &mut self,
        from: Address,
        to: Option<Address>,
        value: U256,
        data: impl Into<Bytes>,
        gas_limit: Option<u64>,
    ) -> Result<TxOutcome, LocalnetError> {
        let kind = to.map_or(TxKind::Create, TxKind::Call);
        let tx = self.tx(
            from,
            kind,
            value,
            data.into(),
            u128::from(BASEFEE),
            gas_limit,
        );
        self.run_commit(tx)
    }

    /// Commits a transaction built by the caller (any gas limit, price,
    /// nonce, access list): for callers that decode signed transactions.
    /// `Err` if revm refuses it (nonce, funds, gas).
    pub fn try_transact_env(&mut self, tx: TxEnv) -> Result<TxOutcome, LocalnetError> {
        self.run_commit(tx)
    }

    /// Sends a transaction and commits it. `Err` only if revm refuses it
    /// (a failed transaction is an `Ok` outcome with `success == false`).
    pub fn try_transact(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        data: impl Into<Bytes>,
    ) -> Result<TxOutcome, LocalnetError> {
        self.try_send(from, Some(to), value, data, None)
    }

    /// Sends a transaction and commits it; panics if revm refuses it
    /// (e.g. `from` cannot pay for the gas: [`Localnet::fund`] it).
    #[track_caller]
    pub fn transact(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        data: impl Into<Bytes>,
    ) -> TxOutcome {
        match self.try_transact(from, to, value, data) {
            Ok(outcome) => outcome,
            Err(e) => panic!("transact from {from} to {to}: {e}"),
        }
    }

    /// Calls like `eth_call`: from any account (funded or not), gas price 0,
    /// nothing committed.
    pub fn try_call(
        &mut self,
        from: Address,
        to: Address,
        data: impl Into<Bytes>,
    ) -> Result<CallOutcome, LocalnetError> {
        self.try_simulate(from, Some(to), U256::ZERO, data)
    }

    /// Like [`Localnet::try_call`], with `value` (not taken from `from`'s
    /// balance, as `eth_call` does) and creations (`to == None`).
    pub fn try_simulate(
        &mut self,
        from: Address,
        to: Option<Address>,
        value: U256,
        data: impl Into<Bytes>,
    ) -> Result<CallOutcome, LocalnetError> {
        self.try_simulate_with_gas(from, to, value, data, None)
    }

    /// [`Localnet::try_simulate`] with this gas limit (`None`: the default
    /// transaction gas limit).
    pub fn try_simulate_with_gas(
        &mut self,
        from: Address,
        to: Option<Address>,
        value: U256,
        data: impl Into<Bytes>,
        gas_limit: Option<u64>,
    ) -> Result<CallOutcome, LocalnetError> {
        let saved = self.evm.ctx().cfg.clone();
        {
            let cfg = &mut self.evm.ctx().cfg;
            cfg.disable_nonce_check = true;
            cfg.disable_balance_check = true;
            cfg.disable_base_fee = true;
            // As eth_call: any sender, contracts (the EntryPoint) included.
            cfg.disable_eip3607 = true;
        }
        let kind = to.map_or(TxKind::Create, TxKind::Call);
        let tx = self.tx(from, kind, value, data.into(), 0, gas_limit);
        let result = self.evm.transact(tx);
        self.evm.ctx().cfg = saved;
        let result = result.map_err(|e| LocalnetError::Invalid(e.to_string()))?;
        Ok(TxOutcome::new(result.result, &self.evm))
    }

    /// [`Localnet::try_call`], panicking if revm refuses the call.
    #[track_caller]
    pub fn call(&mut self, from: Address, to: Address, data: impl Into<Bytes>) -> CallOutcome {
        match self.try_call(from, to, data) {
            Ok(outcome) => outcome,
            Err(e) => panic!("call from {from} to {to}: {e}"),
        }
    }

    /// Deploys EVM init code from [`DEPLOYER`].
    pub fn try_deploy_evm(
        &mut self,
        init_code: impl Into<Bytes>,
    ) -> Result<Address, LocalnetError> {
        let outcome = self.try_send(DEPLOYER, None, U256::ZERO, init_code, None)?;
        match outcome.created {
            Some(address) if outcome.success => Ok(address),
            _ => Err(LocalnetError::Failed(Box::new(outcome))),
        }
    }

    /// Deploys EVM init code from [`DEPLOYER`]; panics if it fails.
    #[track_caller]
    pub fn deploy_evm(&mut self, init_code: impl Into<Bytes>) -> Address {
        match self.try_deploy_evm(init_code) {
            Ok(address) => address,
            Err(e) => panic!("deploy_evm: {e}"),
        }
    }

    /// Deploys `runtime_code` as is (EVM or Stylus), with init code that
    /// returns it.
    pub fn try_deploy_code(&mut self, runtime_code: &[u8]) -> Result<Address, LocalnetError> {
        self.try_deploy_evm(deployer_init_code(runtime_code))
    }

    /// Activates the program at `program` through `ArbWasm`, from
    /// [`DEPLOYER`].
    pub fn activate(&mut self, program: Address) -> Result<TxOutcome, LocalnetError> {
        let fee = self.activation_fee(program)?;
        let data = ArbWasm::activateProgramCall { program }.abi_encode();
        let outcome = self.try_transact(DEPLOYER, ARBWASM, fee, data)?;
        if outcome.success {
            Ok(outcome)
        } else {
            Err(LocalnetError::Failed(Box::new(outcome)))
        }
    }

    /// The data fee `activateProgram` asks now for `program`, simulated
    /// from [`DEPLOYER`] with 1 ETH sent, as a deploy tool asks it.
    pub fn activation_fee(&mut self, program: Address) -> Result<U256, LocalnetError> {
        let data = ArbWasm::activateProgramCall { program }.abi_encode();
        let probe = self.try_simulate(DEPLOYER, Some(ARBWASM), ONE_ETHER, data)?;
        if !probe.success {
            return Err(LocalnetError::Failed(Box::new(probe)));
        }
        Ok(probe
            .decode_return::<ArbWasm::activateProgramCall>()?
            .dataFee)
    }

    /// Deploys on-chain Stylus code (`EF F0 00 ...`) with a plain CREATE and
    /// activates it, unless its code hash is already activated.
    pub fn try_deploy_stylus(&mut self, onchain_code: &[u8]) -> Result<Address, LocalnetError> {
        let address = self.try_deploy_code(onchain_code)?;
        if !self.record_of_hash(keccak256(onchain_code)).is_active() {
            self.activate(address)?;
        }
        Ok(address)
    }

    /// [`Localnet::try_deploy_stylus`], panicking on failure.
    #[track_caller]
    pub fn deploy_stylus(&mut self, onchain_code: &[u8]) -> Address {
        match self.try_deploy_stylus(onchain_code) {
            Ok(address) => address,
            Err(e) => panic!("deploy_stylus: {e}"),
        }
    }

    /// Compresses `wasm` into on-chain code and deploys and activates it.
    #[track_caller]
    pub fn deploy_stylus_wasm(&mut self, wasm: &[u8]) -> Address {
        self.deploy_stylus(&stylus_artifact::onchain_code(wasm))
    }

    /// Deploys and activates the on-chain code in a file, such as
    /// `target/stylus/NAME.code` (see [`contract_code_path`]).
    pub fn try_deploy_stylus_file(
        &mut self,
        path: impl AsRef<Path>,
    ) -> Result<Address, LocalnetError> {
        let path = path.as_ref();
        let code = std::fs::read(path)
            .map_err(|e| LocalnetError::Io(format!("reading {}: {e}", path.display())))?;
        self.try_deploy_stylus(&code)
    }

    /// [`Localnet::try_deploy_stylus_file`], panicking on failure.
    #[track_caller]
    pub fn deploy_stylus_file(&mut self, path: impl AsRef<Path>) -> Address {
        let path = path.as_ref();
        match self.try_deploy_stylus_file(path) {
            Ok(address) => address,
            Err(e) => panic!("deploy_stylus_file({}): {e}", path.display()),
        }
    }

    fn record_of_hash(&self, code_hash: alloy_primitives::B256) -> ProgramRecord {
        ProgramRecord::from_word(self.storage(ARBWASM, record_slot(code_hash)))
    }

    /// The activation record of the program at `program`, if activated.
    pub fn program_record(&self, program: Address) -> Option<ProgramRecord> {
        let record = self.record_of_hash(self.code_hash(program));
        record.is_active().then_some(record)
    }

    /// The activation figures of the program at `program`, if activated.
    pub fn activation_info(&self, program: Address) -> Option<ActivationInfo> {
        let code_hash = self.code_hash(program);
        if !self.record_of_hash(code_hash).is_active() {
            return None;
        }
        self.evm.store().get(&code_hash).map(|p| p.info)
    }

    /// Marks the program at `program` cached or not (as `ArbWasmCache`'s
    /// `cacheProgram` and `evictCodehash` do), directly in state. A cached
    /// program's entry skips `8,832 + init_cost`. Panics if the program is
    /// not activated.
    #[track_caller]
    pub fn set_cached(&mut self, program: Address, cached: bool) {
        let code_hash = self.code_hash(program);
        let mut record = self.record_of_hash(code_hash);
        assert!(
            record.is_active(),
            "set_cached: no activated program at {program}"
        );
        record.cached = cached;
        self.set_storage(ARBWASM, record_slot(code_hash), record.to_word());
    }

    /// Whether the program at `program` is activated and cached.
    pub fn is_cached(&self, program: Address) -> bool {
        self.program_record(program).is_some_and(|r| r.cached)
    }
}

/// Init code that returns `runtime_code` (up to 65,535 bytes):
/// `PUSH2 len DUP1 PUSH2 11 PUSH0 CODECOPY PUSH0 RETURN`, then the code.
pub fn deployer_init_code(runtime_code: &[u8]) -> Bytes {
    let len = u16::try_from(runtime_code.len()).expect("code of at most 65,535 bytes");
    let [hi, lo] = len.to_be_bytes();
    let mut init = vec![
        0x61, hi, lo,   // PUSH2 len
        0x80, // DUP1
        0x61, 0x00, 0x0b, // PUSH2 11 (where the code starts)
        0x5f, // PUSH0
        0x39, // CODECOPY(0, 11, len)
        0x5f, // PUSH0
        0xf3, // RETURN(0, len)
    ];
    init.extend_from_slice(runtime_code);
    init.into()
}
