//! Custom errors shared by every module, encoded as Solidity encodes them:
//! the error's selector, then its ABI-encoded arguments.
//!
//! | error | when |
//! |---|---|
//! | `MalformedCalldata(uint8 reason)` | calldata or install data could not be decoded: 1 too short, 2 offset out of bounds, 3 length out of bounds, 4 non-canonical value |
//! | `UnsupportedCallForm(bytes4 selector)` | the account call is not `execute`, `executeBatch` or an `executeUserOp` form |
//! | `UnsupportedFunction(bytes4 selector)` | the module has no such function |
//! | `UnexpectedDataPassed()` | the hook's signature segment (or authorization) is not empty |
//! | `NotInstalled(address account, uint32 entityId)` | nothing is installed for this account and entityId |
//! | `AlreadyInstalled(address account, uint32 entityId)` | `onInstall` for an installed (account, entityId): uninstall first |
//! | `ValueNotAccepted()` | native value was sent to the module |

use alloc::vec::Vec;
use permission_core::abi::AbiWriter;
use permission_core::selectors::selector;
use permission_core::{Address, CalldataError};

/// `MalformedCalldata(uint8)`.
pub const MALFORMED_CALLDATA: [u8; 4] = selector("MalformedCalldata(uint8)");
/// `UnsupportedCallForm(bytes4)`.
pub const UNSUPPORTED_CALL_FORM: [u8; 4] = selector("UnsupportedCallForm(bytes4)");
/// `UnsupportedFunction(bytes4)`.
pub const UNSUPPORTED_FUNCTION: [u8; 4] = selector("UnsupportedFunction(bytes4)");
/// `UnexpectedDataPassed()`.
pub const UNEXPECTED_DATA_PASSED: [u8; 4] = selector("UnexpectedDataPassed()");
/// `NotInstalled(address,uint32)`.
pub const NOT_INSTALLED: [u8; 4] = selector("NotInstalled(address,uint32)");
/// `AlreadyInstalled(address,uint32)`.
pub const ALREADY_INSTALLED: [u8; 4] = selector("AlreadyInstalled(address,uint32)");
/// `ValueNotAccepted()`.
pub const VALUE_NOT_ACCEPTED: [u8; 4] = selector("ValueNotAccepted()");

/// The errors every module can revert with.
pub const COMMON_ERRORS: [[u8; 4]; 7] = [
    MALFORMED_CALLDATA,
    UNSUPPORTED_CALL_FORM,
    UNSUPPORTED_FUNCTION,
    UNEXPECTED_DATA_PASSED,
    NOT_INSTALLED,
    ALREADY_INSTALLED,
    VALUE_NOT_ACCEPTED,
];

/// Revert data for a decoding failure.
pub fn calldata(err: CalldataError) -> Vec<u8> {
    match err {
        CalldataError::UnknownSelector(s) => AbiWriter::new(1)
            .bytes4(s)
            .finish_with_selector(UNSUPPORTED_CALL_FORM),
        other => AbiWriter::new(1)
            .uint(other.code().into())
            .finish_with_selector(MALFORMED_CALLDATA),
    }
}

/// `UnsupportedFunction(selector)`.
pub fn unsupported_function(selector: [u8; 4]) -> Vec<u8> {
    AbiWriter::new(1)
        .bytes4(selector)
        .finish_with_selector(UNSUPPORTED_FUNCTION)
}

/// `UnexpectedDataPassed()`.
pub fn unexpected_data_passed() -> Vec<u8> {
    UNEXPECTED_DATA_PASSED.to_vec()
}

/// `ValueNotAccepted()`.
pub fn value_not_accepted() -> Vec<u8> {
    VALUE_NOT_ACCEPTED.to_vec()
}

/// `NotInstalled(account, entityId)`.
pub fn not_installed(account: Address, entity_id: u32) -> Vec<u8> {
    account_entity(NOT_INSTALLED, account, entity_id)
}

/// `AlreadyInstalled(account, entityId)`.
pub fn already_installed(account: Address, entity_id: u32) -> Vec<u8> {
    account_entity(ALREADY_INSTALLED, account, entity_id)
}

fn account_entity(selector: [u8; 4], account: Address, entity_id: u32) -> Vec<u8> {
    AbiWriter::new(2)
        .address(account)
        .uint(entity_id.into())
        .finish_with_selector(selector)
}

/// Converts a decoding result into the module's revert data.
pub trait OrRevert<T> {
    /// Maps the error to its revert data.
    fn or_revert(self) -> Result<T, Vec<u8>>;
}

impl<T> OrRevert<T> for Result<T, CalldataError> {
    fn or_revert(self) -> Result<T, Vec<u8>> {
        self.map_err(calldata)
    }
}
