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
//! | [`signer`] | [`Key`]: k256 signatures over the EIP-191 digest of the userOpHash; [`UserOpSigner`] |
//! | [`passkey`] | [`Passkey`] (P-256, type `0x02`) and [`WebAuthn`] assertions (type `0x03`) |
//! | [`session`] | [`SessionKeySpec`]: a session key's validation and permission hooks, as install arguments |
//! | [`token`] | [`Token`]: OpenZeppelin's Solidity ERC-20 fixture |
//! | [`user_op`] | unsigned operations and their [`Gas`] |
//! | [`wallet`] | [`Wallet`]: the deployed scenario, nonces, hashes, signing, `handleOps`, an owner validation, per-phase gas |
//! | [`errors`] | `FailedOp` / `FailedOpWithRevert`, wrapped module errors, events ([`HandleOpsExt`]) |
//! | [`fixtures`] | which build outputs a test needs; skip or fail when missing |
//!
//! The tests in `tests/` need `target/fixtures/EntryPoint.bin`
//! (`scripts/fetch-entrypoint.sh`) and `target/stylus/*.code`
//! (`scripts/build-contracts.sh`); the token scenarios also need
//! `target/fixtures/ERC20PresetFixedSupply.bin`
//! (`scripts/fetch-solidity-fixtures.sh`).

pub mod fixtures;
pub mod wallet;

// The encoders, signers and decoders are the wallet SDK's.
pub use session_keys::{abi, counter, encode, errors, passkey, session, signer, token, user_op};

pub use fixtures::{available, Needs};
pub use session_keys::{
    describe, describe_outcome, Counter, FailedOp, Gas, HandleOpsExt, HookRole, Key, ModuleError,
    Modules, Passkey, SessionKeySpec, SignerSpec, UserOpSigner, WebAuthn, Wrapper,
};
pub use session_keys::{tokens, Token};
pub use wallet::{chain, ether, PhaseGas, Wallet, BUNDLER};
