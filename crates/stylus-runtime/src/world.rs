//! The boundary between a running Stylus program and the chain it runs on.
//!
//! The runtime owns the program's ink meter and prices every host function
//! as Nitro does. The chain implements [`World`]: it performs the state
//! access a host function needs and reports what it costs in gas (cold or
//! warm access, SSTORE cost), which the runtime then charges. Nested calls
//! and creations are not performed through [`World`]: the program yields a
//! [`Step`] and is resumed with the result, so that the chain can run the
//! child as an ordinary frame.

use alloy_primitives::{Address, Bytes, B256, U256};

/// Facts about the current call, fixed at entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    /// `contract_address`: the account whose storage the program uses.
    pub contract: Address,
    /// `msg_sender`.
    pub caller: Address,
    /// `msg_value` (the apparent value for a delegate call).
    pub value: U256,
    /// The calldata `read_args` returns.
    pub calldata: Bytes,
    /// Whether state changes are forbidden (static context).
    pub is_static: bool,
    /// Whether this program is already running in an outer frame
    /// (`msg_reentrant`).
    pub reentrant: bool,
}

/// Block values the context host functions return.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockInfo {
    /// `block_number` (on Arbitrum, an estimate of the L1 block number).
    pub number: u64,
    /// `block_timestamp`.
    pub timestamp: u64,
    /// `block_basefee`.
    pub basefee: U256,
    /// `block_coinbase`.
    pub coinbase: Address,
    /// `block_gas_limit`.
    pub gas_limit: u64,
    /// `chainid`.
    pub chain_id: u64,
}

/// Transaction values the context host functions return.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TxInfo {
    /// `tx_origin`.
    pub origin: Address,
    /// `tx_gas_price`.
    pub gas_price: U256,
    /// `tx_ink_price`: ink per gas (10,000 on Arbitrum).
    pub ink_price: u32,
}

/// Why the world refused a request. The runtime turns each into a trap
/// (a failure: revert with empty data), except [`WorldError::OutOfGas`],
/// which consumes all gas like running out of ink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldError {
    /// The request cannot be paid for with the gas left.
    OutOfGas,
    /// A state change in a static context.
    WriteProtection,
    /// A database error: the transaction will fail.
    Fatal,
}

/// The cost of one SSTORE, as the EVM would charge it (EIP-2200/2929/3529).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SstoreCost {
    /// Gas to charge (static plus dynamic).
    pub gas: u64,
    /// Refund the world already recorded on the frame (may be negative).
    pub refund: i64,
}

/// The chain as a program sees it. Methods don't charge gas: they return
/// what the access costs, and the runtime charges it.
pub trait World {
    /// Reads a storage slot of the running contract: (value, was cold).
    fn sload(&mut self, key: U256, gas_left: u64) -> Result<(U256, bool), WorldError>;
    /// Writes a storage slot of the running contract.
    fn sstore(&mut self, key: U256, value: U256, gas_left: u64) -> Result<SstoreCost, WorldError>;
    /// Reads a transient storage slot of the running contract.
    fn tload(&mut self, key: U256) -> U256;
    /// Writes a transient storage slot of the running contract.
    fn tstore(&mut self, key: U256, value: U256) -> Result<(), WorldError>;
    /// Emits a log from the running contract.
    fn emit_log(&mut self, topics: &[B256], data: &[u8]) -> Result<(), WorldError>;
    /// An account's balance: (balance, was cold).
    fn balance(&mut self, address: Address) -> Result<(U256, bool), WorldError>;
    /// An account's code: (code, was cold).
    fn code(&mut self, address: Address) -> Result<(Bytes, bool), WorldError>;
    /// An account's code hash: (hash, was cold); keccak256("") for an
    /// existing account without code, zero for an empty account.
    fn code_hash(&mut self, address: Address) -> Result<(B256, bool), WorldError>;
    /// Gas to open `pages` more WASM pages, under the transaction-wide
    /// memory model; records them as open.
    fn add_pages(&mut self, pages: u16) -> u64;
    /// Block values.
    fn block(&self) -> BlockInfo;
    /// Transaction values.
    fn tx(&self) -> TxInfo;
}

/// The kind of a nested call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `call_contract`.
    Call,
    /// `delegate_call_contract`.
    DelegateCall,
    /// `static_call_contract`.
    StaticCall,
}

/// A nested call the program asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubCall {
    /// The kind of call.
    pub kind: CallKind,
    /// The callee.
    pub to: Address,
    /// Value sent (zero for delegate and static calls).
    pub value: U256,
    /// The calldata.
    pub data: Bytes,
    /// The gas the program asked to give (`u64::MAX` = as much as allowed);
    /// already capped at `gas_left`.
    pub gas_requested: u64,
    /// The program's gas left when it asked.
    pub gas_left: u64,
}

/// A contract creation the program asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubCreate {
    /// `None` for CREATE, the salt for CREATE2.
    pub salt: Option<B256>,
    /// Init code.
    pub code: Bytes,
    /// Value endowed.
    pub endowment: U256,
    /// The program's gas left when it asked (all of it is offered, minus
    /// 1/64).
    pub gas_left: u64,
}

/// What the chain reports back after a nested call or creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubResult {
    /// Whether the child succeeded.
    pub success: bool,
    /// Its return data (revert data on a revert, empty on a halt).
    pub output: Bytes,
    /// What the call cost the program in gas: the call's own cost plus
    /// what the child used.
    pub gas_cost: u64,
    /// For a creation: the new address, or zero on failure.
    pub created: Address,
}

/// How a program ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `user_entrypoint` returned 0, or `exit_early(0)`.
    Return(Bytes),
    /// A non-zero status: revert with the result data, keeping gas.
    Revert(Bytes),
    /// A trap, a failed host function or a static-context write: revert
    /// with empty data, keeping gas.
    Failure(String),
    /// Out of ink, or out of gas in a host function: all gas is consumed.
    OutOfInk,
    /// The stack budget ran out: a depth error, all gas consumed.
    OutOfStack,
}

/// What a program does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Suspend and run a nested call; resume with its [`SubResult`].
    Call(SubCall),
    /// Suspend and run a creation; resume with its [`SubResult`].
    Create(SubCreate),
    /// The program finished with `gas_left` gas.
    Done {
        /// How it ended.
        outcome: Outcome,
        /// Gas left (0 for out of ink or stack).
        gas_left: u64,
    },
}
