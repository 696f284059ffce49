//! The embedded local chain ([`localnet::Localnet`]: revm with a Stylus
//! runtime) served over HTTP JSON-RPC on loopback, so that standard
//! Ethereum tooling (alloy providers, cast, viem) can talk to it: a Nitro
//! devnode for machines without Docker, and a real JSON-RPC endpoint for
//! tests of JSON-RPC clients.
//!
//! ```no_run
//! use localnet_rpc::{LocalnetRpc, NodeConfig, DEV_ACCOUNT};
//!
//! let node = LocalnetRpc::start(NodeConfig::default().port(8547)).unwrap();
//! println!("{} (dev account {DEV_ACCOUNT})", node.url());
//! # drop(node);
//! ```
//!
//! # Genesis
//!
//! As a Nitro devnode's: chain id 412346, the devnode's well-known dev
//! account [`DEV_ACCOUNT`] (key [`DEV_PRIVATE_KEY`]) funded with
//! [`DEV_FUNDS`], the deterministic deployment proxy at
//! `0x4e59b44847b379578588920ca78fbf26c0b4956c`, `ArbWasm` (0x71) and
//! `ArbWasmCache` (0x72), and, with [`NodeConfig::entry_point`], EntryPoint
//! v0.7 at its canonical address (`target/fixtures/EntryPoint.bin`, from
//! `scripts/fetch-entrypoint.sh`). Base fee 0.1 gwei. The genesis block is
//! timestamped with the wall clock, or [`NodeConfig::genesis_timestamp`].
//!
//! # Methods
//!
//! `web3_clientVersion`, `net_version`, `net_listening`, `eth_chainId`,
//! `eth_syncing`, `eth_accounts` (none), `eth_blockNumber`,
//! `eth_getBlockByNumber`, `eth_getBlockByHash`, `eth_gasPrice`,
//! `eth_maxPriorityFeePerGas` (0, as Arbitrum), `eth_feeHistory`,
//! `eth_getBalance`, `eth_getCode`, `eth_getStorageAt`,
//! `eth_getTransactionCount`, `eth_call`, `eth_estimateGas`,
//! `eth_sendRawTransaction` (legacy, EIP-2930 and EIP-1559),
//! `eth_getTransactionReceipt`, `eth_getTransactionByHash`, `eth_getLogs`,
//! the bundler methods of ERC-7769 `eth_supportedEntryPoints`,
//! `eth_sendUserOperation` and `eth_getUserOperationReceipt` (see
//! "Bundler"), and the development methods `evm_increaseTime(seconds)`,
//! `evm_setNextBlockTimestamp(timestamp)` and `evm_mine([timestamp])`.
//! Anything else is error -32601; malformed requests get -32700, -32600 or
//! -32602, refusals -32000 with geth's wording ("nonce too low", "insufficient
//! funds for gas * price + value", ...).
//!
//! # Blocks and time
//!
//! The chain starts at block 0. Every transaction sent with
//! `eth_sendRawTransaction` is mined at once in its own block: number + 1,
//! timestamp + 1 s plus what `evm_increaseTime` added since the last block
//! (or exactly the time `evm_setNextBlockTimestamp` set); `evm_mine` mines
//! an empty block the same way. A transaction the chain refuses (nonce,
//! funds, fees, intrinsic gas) changes nothing. Receipts, transactions and
//! logs of every block are kept; blocks have real transaction and receipt
//! roots and hashes, and a zero `stateRoot` (there is no state trie).
//!
//! # State and calls
//!
//! Only the latest state is kept: a state read at an older block is refused
//! with a clear error. `eth_call` runs at `latest` unless asked for
//! `pending` (the next block's number and timestamp, which alloy asks for
//! by default); `eth_estimateGas` runs at `pending`. Both skip the nonce and
//! EIP-3607 checks, and run at the request's gas price (0 when it gives
//! none) with no base-fee floor; the balance must cover `value`. A revert is
//! geth's error `{code: 3, message: "execution reverted", data: "0x<revert
//! data>"}` (the message names an `Error(string)` reason, as geth does).
//! `eth_estimateGas` returns the least gas limit with which the transaction
//! succeeds (binary search: the gas used is not enough in general, with the
//! 63/64 rule and Stylus entry costs).
//!
//! # Bundler
//!
//! With EntryPoint v0.7 deployed, the node is also a bundler for it:
//! `eth_sendUserOperation(op, entryPoint)` takes an operation in the
//! unpacked JSON form, simulates `handleOps([op])`, and either refuses it
//! with error -32500 and the EntryPoint's revert data (`FailedOp`...) in
//! `data`, or mines it at once, alone, in a `handleOps` transaction from
//! the bundler ([`BUNDLER_PRIVATE_KEY`], its own beneficiary), and returns
//! the userOpHash. `eth_getUserOperationReceipt(hash)` then gives its
//! outcome (`success`, `actualGasCost`, `actualGasUsed`, the revert
//! `reason`, the logs and the transaction receipt). Unlike a production
//! bundler it applies no ERC-7562 rules, takes any `preVerificationGas`, and
//! has no `eth_estimateUserOperationGas` (the SDK measures gas itself).
//!
//! # What differs from a Nitro devnode
//!
//! Everything [`localnet`] lists (no L1 data fees, most ArbOS precompiles
//! missing), plus: no transaction pool (a nonce ahead of the account's is
//! refused), no subscriptions or filters (`eth_newFilter`...), no historical
//! state, and tips are paid to the coinbase as on Ethereum.

mod jsonrpc;
mod node;
mod server;

use std::fmt;

use alloy_primitives::{address, b256, Address, B256, U256};

pub use server::{LocalnetRpc, RunningNode};

/// The Nitro devnode's pre-funded development key (public: for local
/// chains only), from OffchainLabs/nitro-devnode's README.
pub const DEV_PRIVATE_KEY: B256 =
    b256!("b6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659");

/// The address of [`DEV_PRIVATE_KEY`] (a test checks the derivation).
pub const DEV_ACCOUNT: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");

/// The key of the node's bundler (public: for local chains only), which
/// signs and pays for the `handleOps` transactions of operations sent with
/// `eth_sendUserOperation`. Funded with [`DEV_FUNDS`] at genesis.
pub const BUNDLER_PRIVATE_KEY: B256 =
    b256!("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");

/// [`DEV_ACCOUNT`]'s balance at genesis: 10^9 ether.
pub const DEV_FUNDS: U256 = localnet::DEPLOYER_FUNDS;

/// The port a Nitro devnode listens on; [`NodeConfig::default`] takes any
/// free port instead.
pub const NITRO_DEVNODE_PORT: u16 = 8547;

/// What to start: where to listen and what genesis to build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeConfig {
    /// The loopback port to listen on; 0 (the default) takes any free port.
    pub port: u16,
    /// Whether the genesis deploys EntryPoint v0.7 (needs
    /// `target/fixtures/EntryPoint.bin`, from `scripts/fetch-entrypoint.sh`).
    pub entry_point: bool,
    /// The genesis block's timestamp; `None`: the wall clock at start.
    pub genesis_timestamp: Option<u64>,
    /// More accounts to fund at genesis, besides [`DEV_ACCOUNT`].
    pub accounts: Vec<(Address, U256)>,
}

impl NodeConfig {
    /// The same config listening on `port` (0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The same config with EntryPoint v0.7 deployed at genesis, or not.
    pub fn entry_point(mut self, deploy: bool) -> Self {
        self.entry_point = deploy;
        self
    }

    /// The same config with the genesis at `timestamp`.
    pub fn genesis_timestamp(mut self, timestamp: u64) -> Self {
        self.genesis_timestamp = Some(timestamp);
        self
    }

    /// The same config with `who` funded with `wei` at genesis.
    pub fn fund(mut self, who: Address, wei: U256) -> Self {
        self.accounts.push((who, wei));
        self
    }
}

/// Why a node could not start, or stopped.
#[derive(Debug)]
pub enum Error {
    /// The port could not be bound (in use, or not allowed).
    Bind(u16, std::io::Error),
    /// Another I/O failure (the runtime, the listener, the thread).
    Io(std::io::Error),
    /// The genesis could not be built (e.g. the EntryPoint fixture is
    /// missing).
    Genesis(String),
    /// The server's thread panicked.
    Panicked(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind(port, e) => write!(f, "cannot listen on 127.0.0.1:{port}: {e}"),
            Self::Io(e) => write!(f, "localnet-rpc: {e}"),
            Self::Genesis(e) => write!(f, "cannot build the genesis: {e}"),
            Self::Panicked(e) => write!(f, "the localnet-rpc server {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(_, e) | Self::Io(e) => Some(e),
            Self::Genesis(_) | Self::Panicked(_) => None,
        }
    }
}
