//! The command line.

use std::path::PathBuf;

use alloy_primitives::Address;
use clap::{Args, Parser, Subcommand};

/// Session keys for ERC-6900 smart accounts on Arbitrum Stylus.
#[derive(Debug, Parser)]
#[command(name = "session-keys", version, about, long_about = None)]
pub struct Cli {
    /// Print results (and errors) as JSON on stdout, for scripts.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every session-key scenario on the embedded local chain (or a
    /// node) and print what each action did, with its reason and gas.
    Demo(DemoArgs),
    /// Build the contracts into deployable Stylus code (target/stylus).
    Build(BuildArgs),
    /// Serve the embedded local chain over JSON-RPC, like a Nitro devnode.
    Node(NodeArgs),
    /// Deploy and activate the modules, the reference account and
    /// EntryPoint v0.7 at deterministic addresses; record them in
    /// deployments/CHAIN_ID.json.
    Deploy(DeployArgs),
    /// Deploy a reference account owned by the signing key (for trying
    /// grant, inspect and revoke on a devnode or testnet).
    Account(AccountArgs),
    /// Build (and optionally send) the installValidation of a session key.
    Grant(Box<GrantArgs>),
    /// Show what a session key may do, read from the chain.
    Inspect(InspectArgs),
    /// Build (and optionally send) the uninstallValidation of a key.
    Revoke(RevokeArgs),
    /// Act as a session key: sign a user operation for a call (or a
    /// batch) and print it for a bundler, or submit it with --send.
    Call(Box<CallArgs>),
    /// Sign a hash or a message for the account with a session key
    /// (ERC-1271), checked by the account's isValidSignature.
    Sign(SignArgs),
    /// Write the Solidity interfaces and ABI JSON of every contract.
    Abi(AbiArgs),
}

/// How to reach a chain and sign.
#[derive(Debug, Args)]
pub struct ChainArgs {
    /// JSON-RPC endpoint (a Nitro devnode: http://127.0.0.1:8547).
    #[arg(long, env = "STYLUS_RPC_URL")]
    pub rpc: String,
    /// A keystore file (Web3 Secret Storage) holding the signing key; its
    /// password comes from SESSION_KEYS_KEYSTORE_PASSWORD or a prompt.
    /// Without it the key comes from SESSION_KEYS_PRIVATE_KEY.
    #[arg(long)]
    pub keystore: Option<PathBuf>,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run against this JSON-RPC endpoint instead of the embedded chain
    /// (the key comes from SESSION_KEYS_PRIVATE_KEY and pays the gas; on a
    /// chain other than a devnode's it needs --yes).
    #[arg(long)]
    pub rpc: Option<String>,
    /// Mark every program cached (ArbWasmCache) before the scenarios
    /// (embedded chain only).
    #[arg(long)]
    pub cached: bool,
    /// Do not build or fetch anything; fail if something is missing.
    #[arg(long)]
    pub no_build: bool,
    /// With --rpc: run on a chain that is not a development chain (the
    /// signing key pays real gas).
    #[arg(long, requires = "rpc")]
    pub yes: bool,
    /// Grant the key's permissions as one hook per permission module
    /// (time-window, selector-allowlist, spending-limit) instead of one
    /// session-policy hook.
    #[arg(long)]
    pub modules: bool,
    /// Price the embedded chain as this ArbOS version: 51, or 60 (a
    /// program entered earlier in the same block pays the cached entry
    /// cost).
    #[arg(long, default_value = "51", value_parser = parse_arbos, conflicts_with = "rpc")]
    pub arbos: localnet::ArbOs,
}

/// `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Only report whether the build outputs are fresh; build nothing.
    #[arg(long)]
    pub check: bool,
}

/// `node`.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8547)]
    pub port: u16,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long)]
    pub seconds: Option<u64>,
    /// Price as this ArbOS version: 51, or 60 (a program entered earlier
    /// in the same block pays the cached entry cost).
    #[arg(long, default_value = "51", value_parser = parse_arbos)]
    pub arbos: localnet::ArbOs,
}

/// `--arbos N`: one of the modelled ArbOS versions.
fn parse_arbos(text: &str) -> Result<localnet::ArbOs, String> {
    text.parse::<u64>()
        .ok()
        .and_then(localnet::ArbOs::from_number)
        .ok_or_else(|| format!("`{text}` is not a modelled ArbOS version: use 51 or 60"))
}

/// `deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The chain.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Where to write CHAIN_ID.json.
    #[arg(long, default_value = "deployments")]
    pub out: PathBuf,
}

/// Where the modules are.
#[derive(Debug, Args)]
pub struct DeploymentArgs {
    /// The deployment record (default: deployments/CHAIN_ID.json).
    #[arg(long)]
    pub deployment: Option<PathBuf>,
}

/// A session key: the account and the key's entity id.
#[derive(Debug, Args)]
pub struct KeyRef {
    /// The smart account.
    #[arg(long)]
    pub account: Address,
    /// The key's entity id.
    #[arg(long)]
    pub entity_id: u32,
}

/// `account`.
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// The chain.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Where the modules are.
    #[command(flatten)]
    pub deployment: DeploymentArgs,
    /// Wei to deposit in the EntryPoint for the account's operations.
    #[arg(long, value_name = "WEI")]
    pub deposit: Option<String>,
}

/// `grant`.
#[derive(Debug, Args)]
pub struct GrantArgs {
    /// The chain.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Where the modules are.
    #[command(flatten)]
    pub deployment: DeploymentArgs,
    /// The smart account.
    #[arg(long)]
    pub account: Address,
    /// The key's entity id (default: the first free one from 1).
    #[arg(long)]
    pub entity_id: Option<u32>,
    /// The session key's address.
    #[arg(long, conflicts_with_all = ["new_key", "passkey"], required_unless_present_any = ["new_key", "passkey"])]
    pub key: Option<Address>,
    /// A P-256 passkey as the session key: its public key as X:Y (0x-hex
    /// or decimal), e.g. from a browser's WebAuthn credential.
    #[arg(long, value_name = "X:Y", conflicts_with = "new_key")]
    pub passkey: Option<String>,
    /// Generate a new session key and write its private key to --key-out.
    #[arg(long, requires = "key_out")]
    pub new_key: bool,
    /// Where to write a generated key's private key (created, mode 0600).
    #[arg(long)]
    pub key_out: Option<PathBuf>,
    /// A permission file (TOML or JSON, see README "Permission files").
    #[arg(long)]
    pub permissions: Option<PathBuf>,
    /// Allow a function: TARGET:SIGNATURE, e.g.
    /// 0x12…:transfer(address,uint256); TARGET may be `any`. Repeatable.
    #[arg(long = "allow", value_name = "TARGET:FUNCTION")]
    pub allow: Vec<String>,
    /// Allow any function of a contract. Repeatable.
    #[arg(long = "contract", value_name = "ADDRESS")]
    pub contracts: Vec<Address>,
    /// Valid for this many seconds from the chain's time.
    #[arg(long, conflicts_with = "valid_until")]
    pub expires_in: Option<u64>,
    /// Valid until this unix time.
    #[arg(long)]
    pub valid_until: Option<u64>,
    /// Valid from this unix time.
    #[arg(long)]
    pub valid_after: Option<u64>,
    /// Native-coin limit: WEI or WEI/PERIOD_SECONDS.
    #[arg(long, value_name = "WEI[/SECONDS]")]
    pub native_limit: Option<String>,
    /// ERC-20 limit: TOKEN:AMOUNT or TOKEN:AMOUNT/PERIOD_SECONDS. Repeatable.
    #[arg(long = "erc20-limit", value_name = "TOKEN:AMOUNT[/SECONDS]")]
    pub erc20_limits: Vec<String>,
    /// Gas budget in wei over the key's life. A scoped key needs this or
    /// --native-limit (which counts each operation's gas too).
    #[arg(long, value_name = "WEI")]
    pub gas_budget: Option<String>,
    /// A paymaster that pays the key's gas itself: its operations are not
    /// charged to the gas budget or the native limit. Repeatable.
    #[arg(long = "sponsoring-paymaster", value_name = "ADDRESS")]
    pub sponsoring_paymasters: Vec<Address>,
    /// At most this many operations over the key's life (usage-limit).
    #[arg(long, value_name = "N")]
    pub max_uses: Option<u32>,
    /// At most N operations per period: N/SECONDS, e.g. 10/86400.
    #[arg(long, value_name = "N/SECONDS")]
    pub max_uses_per: Option<String>,
    /// Count calls, not operations, for --max-uses and --max-uses-per (a
    /// batch of three counts three).
    #[arg(long)]
    pub count_calls: bool,
    /// Only this paymaster (repeatable) may pay for the key's operations
    /// (paymaster-guard).
    #[arg(long = "paymaster", value_name = "ADDRESS")]
    pub paymasters: Vec<Address>,
    /// With --paymaster: the account may also pay for its operations.
    #[arg(long)]
    pub allow_self_paid: bool,
    /// With --paymaster: the listed paymasters pay the gas themselves, so
    /// it is not charged to the gas budget or the native limit.
    #[arg(long)]
    pub paymasters_sponsor: bool,
    /// Bound the arguments of a function the key may call (param-rules):
    /// TARGET:SIGNATURE with argument names, then rules, each after a `;`,
    /// e.g. `--param '0x…:transfer(address to,uint256 amount); to in
    /// [0x…, 0x…]; amount <= 100e6; sum(amount) <= 1000e6 per week'` (a
    /// total over the key's life, or `per hour|day|week|SECONDS`).
    /// Repeatable.
    #[arg(long = "param", value_name = "TARGET:FUNCTION; RULE; ...")]
    pub params: Vec<String>,
    /// Grant everything (a global validation). Cannot be combined.
    #[arg(long)]
    pub root: bool,
    /// Let the key sign ERC-1271 messages for the account. Off by default:
    /// no allowlist or limit applies to a signature (a signed Permit2
    /// permit moves tokens without a call); only the time window bounds it.
    #[arg(long)]
    pub allow_signatures: bool,
    /// Install the allowlists and window as execution hooks (every bundler).
    #[arg(long)]
    pub execution_hooks: bool,
    /// Enforce the permissions with one hook per permission module
    /// (time-window, contract-allowlist, selector-allowlist, spending-limit)
    /// instead of one session-policy hook.
    #[arg(long)]
    pub modules: bool,
    /// Send it from the owner (executeWithRuntimeValidation, validated by
    /// the owner's validation at --owner-entity) instead of printing it.
    #[arg(long)]
    pub send: bool,
    /// The owner's validation entity id (global), for --send.
    #[arg(long, default_value_t = 0)]
    pub owner_entity: u32,
}

/// `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// JSON-RPC endpoint.
    #[arg(long, env = "STYLUS_RPC_URL")]
    pub rpc: String,
    /// Where the modules are.
    #[command(flatten)]
    pub deployment: DeploymentArgs,
    /// The smart account.
    #[arg(long)]
    pub account: Address,
    /// The key's entity id; without it, every session key of the account.
    #[arg(long)]
    pub entity_id: Option<u32>,
}

/// `revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The chain.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Where the modules are.
    #[command(flatten)]
    pub deployment: DeploymentArgs,
    /// The key.
    #[command(flatten)]
    pub key: KeyRef,
    /// Send it from the owner instead of printing it.
    #[arg(long)]
    pub send: bool,
    /// The owner's validation entity id (global), for --send.
    #[arg(long, default_value_t = 0)]
    pub owner_entity: u32,
}

/// `call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The chain; with --send, the signing key submits the operation
    /// (handleOps) and pays for that transaction.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Where the modules are.
    #[command(flatten)]
    pub deployment: DeploymentArgs,
    /// The key.
    #[command(flatten)]
    pub key: KeyRef,
    /// The session key's private key, as `grant --new-key --key-out` wrote
    /// it. Without it the key comes from SESSION_KEYS_SESSION_KEY.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// The call's target.
    #[arg(long, conflicts_with = "batch")]
    pub to: Option<Address>,
    /// Wei sent with the call.
    #[arg(long, value_name = "WEI", conflicts_with = "batch")]
    pub value: Option<String>,
    /// The call's data as 0x-hex, instead of FUNCTION [ARG...].
    #[arg(long, value_name = "0xHEX", conflicts_with = "batch")]
    pub data: Option<String>,
    /// The function and its arguments, e.g. `transfer(address,uint256)
    /// 0x… 100` (numbers in decimal or 0x-hex; arrays as `[a,b]`).
    #[arg(value_name = "FUNCTION [ARG]...", allow_negative_numbers = true)]
    pub function: Vec<String>,
    /// One call of a batch: TARGET,FUNCTION,ARG... (no value), e.g.
    /// 0x…,approve(address,uint256),0x…,100. Repeatable, in order.
    #[arg(long = "call", value_name = "TARGET,FUNCTION,ARG...")]
    pub batch: Vec<String>,
    /// Gas for validation (default: measured on the chain, plus 20%).
    #[arg(long, value_name = "GAS")]
    pub verification_gas: Option<String>,
    /// Gas for the execution (default: measured on the chain, plus 10%;
    /// EntryPoint v0.7 charges 10% of what is left unused).
    #[arg(long, value_name = "GAS")]
    pub call_gas: Option<String>,
    /// The bundler's overhead (default 100,000).
    #[arg(long, value_name = "GAS")]
    pub pre_verification_gas: Option<String>,
    /// Fee cap per gas in wei (default 1 gwei).
    #[arg(long = "max-fee-per-gas", value_name = "WEI")]
    pub max_fee: Option<String>,
    /// Tip per gas in wei (default 1 gwei).
    #[arg(long = "max-priority-fee-per-gas", value_name = "WEI")]
    pub priority_fee: Option<String>,
    /// Submit it through EntryPoint.handleOps from the signing key instead
    /// of printing it.
    #[arg(long, conflicts_with = "bundler")]
    pub send: bool,
    /// Send it to this bundler (eth_sendUserOperation) and wait for its
    /// receipt, instead of printing it; no signing key is needed.
    #[arg(long, value_name = "URL")]
    pub bundler: Option<String>,
}

/// `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The chain (the signature is checked there).
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Where the modules are.
    #[command(flatten)]
    pub deployment: DeploymentArgs,
    /// The key.
    #[command(flatten)]
    pub key: KeyRef,
    /// The session key's private key file (else SESSION_KEYS_SESSION_KEY).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// The 32-byte hash to sign (e.g. an EIP-712 digest).
    #[arg(long, conflicts_with_all = ["message", "typed_data"])]
    pub hash: Option<String>,
    /// A message, hashed as EIP-191 personal_sign does.
    #[arg(long, conflicts_with = "typed_data")]
    pub message: Option<String>,
    /// A JSON file of EIP-712 typed data (as eth_signTypedData_v4 takes
    /// it: types, primaryType, domain, message), e.g. a permit.
    #[arg(long, value_name = "FILE")]
    pub typed_data: Option<PathBuf>,
}

/// `abi`.
#[derive(Debug, Args)]
pub struct AbiArgs {
    /// The directory to write into (created).
    #[arg(long, default_value = "abi")]
    pub out: PathBuf,
}
