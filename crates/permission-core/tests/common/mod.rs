//! Helpers shared by the integration tests: the account's ABI as alloy
//! `sol!` types, and encoders for every call form built from them (never from
//! the crate under test).
#![allow(dead_code)]

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};
use permission_core::{CalldataError, Calls};

sol! {
    /// EntryPoint v0.7 `PackedUserOperation`.
    #[derive(Debug, PartialEq)]
    struct PackedUserOperation {
        address sender;
        uint256 nonce;
        bytes initCode;
        bytes callData;
        bytes32 accountGasLimits;
        uint256 preVerificationGas;
        bytes32 gasFees;
        bytes paymasterAndData;
        bytes signature;
    }

    /// ERC-6900 `Call`.
    #[derive(Debug, PartialEq)]
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    interface IAccount {
        function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory);
        function executeBatch(Call[] calldata calls) external payable returns (bytes[] memory);
        function executeUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external;
    }

    interface IHooks {
        function preUserOpValidationHook(uint32 entityId, PackedUserOperation calldata userOp, bytes32 userOpHash) external returns (uint256);
    }
}

/// The `executeUserOp` selector, as a literal from the design note.
pub const EXECUTE_USER_OP: [u8; 4] = [0x8d, 0xd7, 0x71, 0x2f];

/// A call as owned values, for comparisons.
pub type OwnedCall = (Address, U256, Vec<u8>);

/// `execute(target, value, data)` encoded by alloy.
pub fn execute_data(target: Address, value: U256, data: &[u8]) -> Vec<u8> {
    IAccount::executeCall {
        target,
        value,
        data: Bytes::copy_from_slice(data),
    }
    .abi_encode()
}

/// `executeBatch(calls)` encoded by alloy.
pub fn batch_data(calls: &[OwnedCall]) -> Vec<u8> {
    IAccount::executeBatchCall {
        calls: calls
            .iter()
            .map(|(target, value, data)| Call {
                target: *target,
                value: *value,
                data: Bytes::copy_from_slice(data),
            })
            .collect(),
    }
    .abi_encode()
}

/// The `executeUserOp` prefix form: `0x8dd7712f ++ inner`.
pub fn prefixed(inner: &[u8]) -> Vec<u8> {
    let mut out = EXECUTE_USER_OP.to_vec();
    out.extend_from_slice(inner);
    out
}

/// A user operation with every field set to something non-trivial, so that
/// field offsets are not all the canonical minimum.
pub fn user_op_with_call_data(call_data: Vec<u8>) -> PackedUserOperation {
    PackedUserOperation {
        sender: Address::repeat_byte(0x5e),
        nonce: U256::from(0x1234_5678u64) << 64,
        initCode: Bytes::from(vec![0xc0; 45]),
        callData: Bytes::from(call_data),
        accountGasLimits: B256::repeat_byte(0x11),
        preVerificationGas: U256::from(50_000u64),
        gasFees: B256::repeat_byte(0x22),
        paymasterAndData: Bytes::from(vec![0xaa; 52 + 7]),
        signature: Bytes::from(vec![0x99; 65]),
    }
}

/// The account's `msg.data` for `executeUserOp(userOp, hash)`, encoded by
/// alloy, with `userOp.callData = call_data` (normally the prefix form).
pub fn execute_user_op_msg(call_data: Vec<u8>) -> Vec<u8> {
    IAccount::executeUserOpCall {
        userOp: user_op_with_call_data(call_data),
        userOpHash: B256::repeat_byte(0x77),
    }
    .abi_encode()
}

/// Collects the walker's output into owned values.
pub fn owned(calls: Calls<'_>) -> Result<Vec<OwnedCall>, CalldataError> {
    calls
        .map(|c| c.map(|c| (c.target, c.value, c.data.to_vec())))
        .collect()
}

/// A 32-byte word holding `v`.
pub fn word_u64(v: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&v.to_be_bytes());
    w
}

/// A 32-byte word holding `v`.
pub fn word_u256(v: U256) -> [u8; 32] {
    v.to_be_bytes()
}

/// A word holding an address.
pub fn word_addr(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

/// Overwrites the word at byte position `pos` of `data`.
pub fn set_word(data: &mut [u8], pos: usize, word: [u8; 32]) {
    data[pos..pos + 32].copy_from_slice(&word);
}

/// The word at byte position `pos` of `data`, as a `U256`.
pub fn get_word(data: &[u8], pos: usize) -> U256 {
    U256::from_be_slice(&data[pos..pos + 32])
}

/// Three distinct sample calls with data of lengths 0, 4+64 and 37.
pub fn sample_calls() -> Vec<OwnedCall> {
    vec![
        (Address::repeat_byte(0x01), U256::ZERO, vec![]),
        (
            Address::repeat_byte(0x02),
            U256::from(7u64),
            [vec![0xa9, 0x05, 0x9c, 0xbb], vec![0x33; 64]].concat(),
        ),
        (Address::repeat_byte(0x03), U256::MAX, (0u8..37).collect()),
    ]
}
