//! The wallet SDK of Stylus Session Keys.
//!
//! A session key is an extra signer on an ERC-6900 modular account whose
//! power is scoped by permission modules the account calls onchain. This
//! crate is what a wallet or a dapp uses to work with one:
//!
//! | module | what |
//! |---|---|
//! | [`permissions`] | [`PermissionSet`]: a typed, checked description of what a key may do |
//! | [`session`] | [`SessionKeySpec`]: a key's validation and hooks, as `installValidation` arguments |
//! | [`encode`] | MAv2's packed types, install and uninstall calldata, nonce keys, signature segments, account calls |
//! | [`signer`], [`passkey`] | [`Key`] (secp256k1), [`Passkey`] (P-256) and [`WebAuthn`] signers of user operations |
//! | [`operation`] | a key's user operation on any chain: call data, nonce, signature, `handleOps` and its outcome |
//! | [`user_op`] | user operations for EntryPoint v0.7, their hash and gas fields |
//! | [`account`] | the owner's validation, a new reference account owned by a key, management calls from the owner's EOA |
//! | [`chain`] | [`Chain`]: the embedded local chain and JSON-RPC backends |
//! | [`bundler`] | a bundler's JSON-RPC API (ERC-7769): send an operation, wait for its receipt |
//! | [`demo`] | the session-key scenarios on any chain: the CLI's demo and the end-to-end tests on both backends |
//! | [`deploy`] | deterministic deployment and activation of the modules, the account and EntryPoint v0.7 on any chain |
//! | [`inspect`] | what a key may do, read back from the modules' views |
//! | [`modules`] | [`Modules`]: where the modules live on a chain |
//! | [`errors`] | names any revert data: the EntryPoint's, the account's, the modules' |
//! | [`abi`] | `sol!` bindings of the account, the modules and the EntryPoint |
//! | [`token`] | OpenZeppelin's Solidity ERC-20 preset, the demo's token (an npm fixture) |
//! | [`counter`] | [`Counter`], a hand-assembled EVM target used by the demo |
//!
//! The encodings come from `permission-core`, the same `no_std` crate the
//! contracts decode them with.

pub mod abi;
pub mod account;
pub mod bundler;
pub mod chain;
pub mod counter;
pub mod demo;
pub mod deploy;
pub mod encode;
pub mod errors;
pub mod inspect;
pub mod modules;
pub mod operation;
pub mod passkey;
pub mod permissions;
pub mod session;
pub mod signer;
pub mod token;
pub mod user_op;

pub use chain::{CallResult, Chain, ChainError, LocalChain, Receipt, RpcChain, TxRequest};
pub use counter::Counter;
pub use errors::{
    describe, describe_outcome, short_reason, FailedOp, HandleOpsExt, ModuleError, Wrapper,
};
pub use modules::Modules;
pub use passkey::{Passkey, WebAuthn};
pub use permissions::{
    CustomInstall, ParamRule, Permission, PermissionError, PermissionSet, Selector, UsageUnit,
};
pub use session::{Enforcement, ExtraRules, HookRole, SessionKeySpec, SignerSpec};
pub use signer::{Key, UserOpSigner};
pub use token::{tokens, Token};
pub use user_op::{Gas, RpcUserOperation};
