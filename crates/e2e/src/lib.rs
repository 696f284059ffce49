//! End-to-end tests of session keys on the local Stylus chain: the Stylus
//! reference account (`contracts/reference-account`), the session-signer and
//! the permission modules, behind the real ERC-4337 EntryPoint v0.7,
//! exactly as a bundler drives them (`handleOps`).
//!
//! The conventions are MAv2's (docs/design/mav2-account.md): the validation
//! is chosen by the nonce key, per-hook signature segments precede
//! `0xFF ‖ validation signature`, and the account wraps module reverts in
//! `PreUserOpValidationHookReverted(bytes24, bytes)` and friends.
//!
//! | module | what |
//! |---|---|
//! | [`abi`] | `sol!` bindings: account, modules, EntryPoint, Counter |
//! | [`counter`] | [`Counter`], a hand-assembled EVM target |
//! | [`encode`] | ValidationConfig, HookConfig, install calldata, nonce keys, signature segments, execute / executeBatch / executeUserOp prefix |
//! | [`signer`] | [`Key`]: k256 signatures over the EIP-191 digest of the userOpHash |
//! | [`user_op`] | unsigned operations and their [`Gas`] |
//! | [`wallet`] | [`Wallet`]: the deployed scenario, nonces, hashes, signing, `handleOps` |
//! | [`errors`] | `FailedOp` / `FailedOpWithRevert`, wrapped module errors, events ([`HandleOpsExt`]) |
//! | [`fixtures`] | which build outputs a test needs; skip or fail when missing |
//!
//! The tests in `tests/` need `target/fixtures/EntryPoint.bin`
//! (`scripts/fetch-entrypoint.sh`) and `target/stylus/*.code`
//! (`scripts/build-contracts.sh`).

pub mod abi;
pub mod counter;
pub mod encode;
pub mod errors;
pub mod fixtures;
pub mod signer;
pub mod user_op;
pub mod wallet;

pub use counter::Counter;
pub use errors::{describe, describe_outcome, FailedOp, HandleOpsExt, ModuleError, Wrapper};
pub use fixtures::{available, Needs};
pub use signer::Key;
pub use user_op::Gas;
pub use wallet::{chain, ether, Modules, Wallet, BUNDLER};
