//! # reference-account: an ERC-6900 v0.8 account as a Stylus contract
//!
//! A modular account that follows Modular Account V2's conventions exactly
//! where this project's tests depend on them, so that what passes or fails
//! here predicts MAv2 (see `docs/design/mav2-account.md`):
//! - the validation locator in the user operation's nonce (`entityId` and
//!   the global flag in the key's low 5 bytes);
//! - per-hook signature segments, then `0xFF ‖ validation signature`;
//! - validation hooks run in install order, with their results combined as
//!   MAv2 combines them, then the validation module;
//! - `execute`, `executeBatch`, and `executeUserOp` with the validation's
//!   execution hooks;
//! - `installValidation` with HookConfigs and the 30,000-gas ERC-165 check;
//! - which functions a global or a selector validation may reach.
//!
//! - `uninstallValidation`, `executeWithRuntimeValidation`, and ERC-1271
//!   `isValidSignature` routed to a validation;
//! - ERC-6900's `getValidationData` and `getExecutionData` views, answered
//!   as MAv2 answers them;
//! - ERC-165 and the ERC-721 / ERC-1155 token callbacks, as MAv2 v2.0.x.
//!
//! **A reference account for tests and demos, not a production wallet.** It
//! is not upgradeable, has no execution functions, direct-call or
//! deferred-action validations yet, and `initialize` is open to the first
//! caller (deploy and initialize in one transaction).
//!
//! The EntryPoint is v0.7 at its canonical address [`ENTRY_POINT`]. The
//! Solidity interface is `interface/IReferenceAccount.sol`.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod calls;
pub mod errors;
pub mod execution;
pub mod install;
pub mod permissions;
pub mod runtime;
pub mod signature;
pub mod storage;
pub mod tokens;
pub mod uninstall;
pub mod user_op;
pub mod view;

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::router::{ret_bool, ret_string};
use module_kit::Host;
use permission_core::abi::{padded_selector, split_selector, AbiReader, AbiWriter};
use permission_core::selectors::*;
use permission_core::Address;

/// EntryPoint v0.7's canonical address.
pub const ENTRY_POINT: Address = Address::new([
    0x00, 0x00, 0x00, 0x00, 0x71, 0x72, 0x7D, 0xE2, 0x2E, 0x5E, 0x9D, 0x8B, 0xAF, 0x0E, 0xDA, 0xC6,
    0xF3, 0x7D, 0xA0, 0x32,
]);

/// `accountId()`.
pub const ACCOUNT_ID: &str = "stylus-session-keys.reference-account.0.1.0";

/// `initialize(bytes25,bytes4[],bytes,bytes[])`.
pub const INITIALIZE: [u8; 4] = selector("initialize(bytes25,bytes4[],bytes,bytes[])");
/// `validateUserOp(PackedUserOperation,bytes32,uint256)` (IAccount).
pub const VALIDATE_USER_OP_ACCOUNT: [u8; 4] = selector(
    "validateUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32,uint256)",
);
/// `entryPoint()`.
pub const ENTRY_POINT_FN: [u8; 4] = selector("entryPoint()");
/// `getValidationData(bytes24)` (ERC-6900 IModularAccountView).
pub const GET_VALIDATION_DATA: [u8; 4] = selector("getValidationData(bytes24)");
/// `getExecutionData(bytes4)` (ERC-6900 IModularAccountView).
pub const GET_EXECUTION_DATA: [u8; 4] = selector("getExecutionData(bytes4)");
/// `accountId()`.
pub const ACCOUNT_ID_FN: [u8; 4] = selector("accountId()");

/// The interfaces the account reports, as MAv2 v2.0.x
/// (`ModularAccountBase.supportsInterface`): IERC165, IERC721Receiver and
/// IERC1155Receiver. MAv2 reports others only when an execution module's
/// manifest adds them, and this account has no execution modules: IAccount,
/// IAccountExecute, IERC1271 and IModularAccount are implemented but not
/// reported, and `0xffffffff` never is.
pub const INTERFACES: [[u8; 4]; 3] = [
    IERC165_ID,
    tokens::IERC721_RECEIVER_ID,
    tokens::IERC1155_RECEIVER_ID,
];

/// The functions that accept native value, as MAv2's `payable` ones
/// (`execute`, `executeBatch`, `executeWithRuntimeValidation`; plain
/// transfers and unknown selectors reach MAv2's payable `receive` and
/// `fallback`). Every other function refuses value, as a non-payable
/// Solidity function does.
pub const PAYABLE: [[u8; 4]; 3] = [EXECUTE, EXECUTE_BATCH, EXECUTE_WITH_RUNTIME_VALIDATION];

/// `ValueNotAccepted()`: value sent to a function that is not payable
/// (MAv2 reverts there with empty data).
pub const VALUE_NOT_ACCEPTED: [u8; 4] = selector("ValueNotAccepted()");

/// Routes one call to the account.
pub fn route<H: Host>(host: &H, input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    if input.is_empty() {
        // Plain value transfers fund the account.
        return Ok(Vec::new());
    }
    // MAv2 reports the partial selector, right-padded.
    let (selector, args) = split_selector(input).map_err(|_| {
        errors::with_selector(errors::UNRECOGNIZED_FUNCTION, padded_selector(input))
    })?;
    let args = AbiReader::new(args);
    if !host.msg_value().is_zero() && is_native(selector) && !PAYABLE.contains(&selector) {
        return Err(VALUE_NOT_ACCEPTED.to_vec());
    }
    match selector {
        VALIDATE_USER_OP_ACCOUNT => user_op::validate_user_op(host, ENTRY_POINT, &args),
        EXECUTE_USER_OP => execution::execute_user_op(host, ENTRY_POINT, input, &args),
        EXECUTE => execution::execute(host, ENTRY_POINT, input, selector),
        EXECUTE_BATCH => execution::execute_batch(host, ENTRY_POINT, input, selector),
        INSTALL_VALIDATION => {
            execution::require_native_caller(host, ENTRY_POINT, selector)?;
            install::install_validation(host, &args)
        }
        UNINSTALL_VALIDATION => {
            execution::require_native_caller(host, ENTRY_POINT, selector)?;
            uninstall::uninstall_validation(host, &args)
        }
        EXECUTE_WITH_RUNTIME_VALIDATION => runtime::execute_with_runtime_validation(host, &args),
        IS_VALID_SIGNATURE => signature::is_valid_signature(host, &args),
        INITIALIZE => {
            if storage::is_initialized(host) {
                return Err(errors::ALREADY_INITIALIZED.to_vec());
            }
            storage::set_initialized(host);
            install::install_validation(host, &args)
        }
        SUPPORTS_INTERFACE => {
            let id = args.bytes4(0).or_revert()?;
            Ok(ret_bool(INTERFACES.contains(&id)))
        }
        tokens::ON_ERC721_RECEIVED
        | tokens::ON_ERC1155_RECEIVED
        | tokens::ON_ERC1155_BATCH_RECEIVED => tokens::on_received(selector, &args),
        // Unguarded, as MAv2's native views: anyone may read them.
        GET_VALIDATION_DATA => view::get_validation_data(host, &args),
        GET_EXECUTION_DATA => view::get_execution_data(host, &args),
        ENTRY_POINT_FN => Ok(AbiWriter::new(1).address(ENTRY_POINT).finish()),
        ACCOUNT_ID_FN => Ok(ret_string(ACCOUNT_ID)),
        other => Err(errors::with_selector(errors::UNRECOGNIZED_FUNCTION, other)),
    }
}

/// Whether `selector` is one of this account's own functions (the
/// selectors [`route`] answers).
pub fn is_native(selector: [u8; 4]) -> bool {
    matches!(
        selector,
        VALIDATE_USER_OP_ACCOUNT
            | EXECUTE_USER_OP
            | EXECUTE
            | EXECUTE_BATCH
            | INSTALL_VALIDATION
            | UNINSTALL_VALIDATION
            | EXECUTE_WITH_RUNTIME_VALIDATION
            | IS_VALID_SIGNATURE
            | INITIALIZE
            | SUPPORTS_INTERFACE
            | tokens::ON_ERC721_RECEIVED
            | tokens::ON_ERC1155_RECEIVED
            | tokens::ON_ERC1155_BATCH_RECEIVED
            | GET_VALIDATION_DATA
            | GET_EXECUTION_DATA
            | ENTRY_POINT_FN
            | ACCOUNT_ID_FN
    )
}

#[cfg(target_arch = "wasm32")]
mod entrypoint {
    use stylus_sdk::prelude::*;

    #[entrypoint]
    fn user_main(input: alloc::vec::Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
        super::route(&vm, &input)
    }
}
