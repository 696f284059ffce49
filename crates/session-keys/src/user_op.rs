//! Unsigned user operations for EntryPoint v0.7, their gas fields, and the
//! unpacked JSON form bundlers take ([`RpcUserOperation`]).
//!
//! The default [`Gas`] is generous on purpose: validation runs up to four
//! Stylus programs (the account, two hooks and the session-signer), and an
//! uncached program pays ~15,000-20,000 gas just to enter (README, "Size and
//! entry gas"). The EntryPoint requires the prefund
//! `(verificationGasLimit + callGasLimit + preVerificationGas) × maxFeePerGas`
//! = 3.1M × 1 gwei = 0.0031 ether up front, and refunds the unused part to
//! the account's deposit.

use alloy_primitives::{Address, Bytes, U256};
use localnet::entry_point::{pack_account_gas_limits, pack_gas_fees, unpack_u128s};
use serde::{Deserialize, Serialize};

use crate::abi::PackedUserOperation;

/// One gwei.
pub const GWEI: u128 = 1_000_000_000;

/// The gas fields of a user operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gas {
    /// Gas for the account's `validateUserOp` (hooks and validation module included).
    pub verification_gas_limit: u128,
    /// Gas for the execution call.
    pub call_gas_limit: u128,
    /// Paid as is: the bundler's overhead.
    pub pre_verification_gas: u128,
    /// Tip per gas.
    pub max_priority_fee_per_gas: u128,
    /// Cap per gas.
    pub max_fee_per_gas: u128,
}

impl Default for Gas {
    /// 2,000,000 verification, 1,000,000 call, 100,000 pre-verification,
    /// 1 gwei fees (localnet's base fee is 0.1 gwei).
    fn default() -> Self {
        Self {
            verification_gas_limit: 2_000_000,
            call_gas_limit: 1_000_000,
            pre_verification_gas: 100_000,
            max_priority_fee_per_gas: GWEI,
            max_fee_per_gas: GWEI,
        }
    }
}

impl Gas {
    /// What the EntryPoint takes from the deposit before validation (no
    /// paymaster): `(verification + call + preVerification) × maxFee`.
    pub fn required_prefund(&self) -> U256 {
        U256::from(self.verification_gas_limit + self.call_gas_limit + self.pre_verification_gas)
            * U256::from(self.max_fee_per_gas)
    }

    /// The gas fields of `op`.
    pub fn of(op: &PackedUserOperation) -> Self {
        let (verification_gas_limit, call_gas_limit) = unpack_u128s(op.accountGasLimits);
        let (max_priority_fee_per_gas, max_fee_per_gas) = unpack_u128s(op.gasFees);
        Self {
            verification_gas_limit,
            call_gas_limit,
            pre_verification_gas: op.preVerificationGas.to(),
            max_priority_fee_per_gas,
            max_fee_per_gas,
        }
    }

    /// Writes these fields into `op`.
    pub fn apply(&self, op: &mut PackedUserOperation) {
        op.accountGasLimits =
            pack_account_gas_limits(self.verification_gas_limit, self.call_gas_limit);
        op.preVerificationGas = U256::from(self.pre_verification_gas);
        op.gasFees = pack_gas_fees(self.max_priority_fee_per_gas, self.max_fee_per_gas);
    }
}

/// An unsigned user operation (empty signature, no initCode, no paymaster).
pub fn unsigned(
    sender: Address,
    nonce: U256,
    call_data: impl Into<Bytes>,
    gas: Gas,
) -> PackedUserOperation {
    let mut op = PackedUserOperation {
        sender,
        nonce,
        callData: call_data.into(),
        ..Default::default()
    };
    gas.apply(&mut op);
    op
}

/// A v0.7 user operation in the unpacked form of the bundler JSON-RPC API
/// (ERC-7769: `eth_sendUserOperation`, `eth_estimateUserOperationGas`):
/// quantities as 0x-hex numbers, byte strings as 0x-hex. `factory` and
/// `paymaster` (and their fields) are left out when the packed operation
/// has no initCode or paymasterAndData.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcUserOperation {
    /// The account.
    pub sender: Address,
    /// The nonce: key (192 bits) ‖ sequence (64 bits).
    pub nonce: U256,
    /// The deploying factory, when initCode is set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub factory: Option<Address>,
    /// The factory's call data, when initCode is set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub factory_data: Option<Bytes>,
    /// The account call.
    pub call_data: Bytes,
    /// Gas for the execution call.
    pub call_gas_limit: U256,
    /// Gas for validation.
    pub verification_gas_limit: U256,
    /// The bundler's overhead, paid as is.
    pub pre_verification_gas: U256,
    /// Cap per gas.
    pub max_fee_per_gas: U256,
    /// Tip per gas.
    pub max_priority_fee_per_gas: U256,
    /// The paymaster, when paymasterAndData is set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub paymaster: Option<Address>,
    /// The paymaster's validation gas, when paymasterAndData is set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub paymaster_verification_gas_limit: Option<U256>,
    /// The paymaster's postOp gas, when paymasterAndData is set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub paymaster_post_op_gas_limit: Option<U256>,
    /// The paymaster's data, when paymasterAndData is set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub paymaster_data: Option<Bytes>,
    /// The signature.
    pub signature: Bytes,
}

/// Why a packed operation has no unpacked form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnpackError {
    /// initCode is shorter than the factory's 20-byte address.
    #[error("initCode of {0} bytes is shorter than a factory address (20 bytes)")]
    ShortInitCode(usize),
    /// paymasterAndData is shorter than address ‖ uint128 ‖ uint128.
    #[error("paymasterAndData of {0} bytes is shorter than paymaster ‖ two uint128 gas limits (52 bytes)")]
    ShortPaymasterAndData(usize),
}

impl RpcUserOperation {
    /// The unpacked form of `op`.
    pub fn from_packed(op: &PackedUserOperation) -> Result<Self, UnpackError> {
        let gas = Gas::of(op);
        let (factory, factory_data) = match op.initCode.len() {
            0 => (None, None),
            n if n < 20 => return Err(UnpackError::ShortInitCode(n)),
            _ => (
                Some(Address::from_slice(&op.initCode[..20])),
                Some(Bytes::copy_from_slice(&op.initCode[20..])),
            ),
        };
        let paymaster = match op.paymasterAndData.len() {
            0 => None,
            n if n < 52 => return Err(UnpackError::ShortPaymasterAndData(n)),
            _ => {
                let data = &op.paymasterAndData;
                Some((
                    Address::from_slice(&data[..20]),
                    U256::from_be_slice(&data[20..36]),
                    U256::from_be_slice(&data[36..52]),
                    Bytes::copy_from_slice(&data[52..]),
                ))
            }
        };
        Ok(Self {
            sender: op.sender,
            nonce: op.nonce,
            factory,
            factory_data,
            call_data: op.callData.clone(),
            call_gas_limit: U256::from(gas.call_gas_limit),
            verification_gas_limit: U256::from(gas.verification_gas_limit),
            pre_verification_gas: op.preVerificationGas,
            max_fee_per_gas: U256::from(gas.max_fee_per_gas),
            max_priority_fee_per_gas: U256::from(gas.max_priority_fee_per_gas),
            paymaster: paymaster.as_ref().map(|p| p.0),
            paymaster_verification_gas_limit: paymaster.as_ref().map(|p| p.1),
            paymaster_post_op_gas_limit: paymaster.as_ref().map(|p| p.2),
            paymaster_data: paymaster.map(|p| p.3),
            signature: op.signature.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rpc_form_is_the_packed_operation_unpacked() {
        let gas = Gas {
            verification_gas_limit: 0x1234,
            call_gas_limit: 0x5678,
            pre_verification_gas: 0x9a,
            max_priority_fee_per_gas: 2,
            max_fee_per_gas: 0xbc,
        };
        let mut op = unsigned(
            Address::repeat_byte(0x11),
            U256::from(0x0100),
            vec![1, 2],
            gas,
        );
        op.signature = vec![0xff, 0x00].into();
        let rpc = RpcUserOperation::from_packed(&op).unwrap();
        let json = serde_json::to_value(&rpc).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "sender": "0x1111111111111111111111111111111111111111",
                "nonce": "0x100",
                "callData": "0x0102",
                "callGasLimit": "0x5678",
                "verificationGasLimit": "0x1234",
                "preVerificationGas": "0x9a",
                "maxFeePerGas": "0xbc",
                "maxPriorityFeePerGas": "0x2",
                "signature": "0xff00",
            })
        );
        assert_eq!(
            serde_json::from_value::<RpcUserOperation>(json).unwrap(),
            rpc
        );

        // With a factory and a paymaster, each field comes from its bytes.
        let mut init_code = vec![0x22; 20];
        init_code.extend([0xaa, 0xbb]);
        op.initCode = init_code.into();
        let mut paymaster = vec![0x33; 20];
        paymaster.extend(U256::from(7).to_be_bytes::<32>()[16..].iter());
        paymaster.extend(U256::from(9).to_be_bytes::<32>()[16..].iter());
        paymaster.push(0xcc);
        op.paymasterAndData = paymaster.into();
        let rpc = RpcUserOperation::from_packed(&op).unwrap();
        assert_eq!(rpc.factory, Some(Address::repeat_byte(0x22)));
        assert_eq!(rpc.factory_data, Some(Bytes::from(vec![0xaa, 0xbb])));
        assert_eq!(rpc.paymaster, Some(Address::repeat_byte(0x33)));
        assert_eq!(rpc.paymaster_verification_gas_limit, Some(U256::from(7)));
        assert_eq!(rpc.paymaster_post_op_gas_limit, Some(U256::from(9)));
        assert_eq!(rpc.paymaster_data, Some(Bytes::from(vec![0xcc])));

        op.paymasterAndData = vec![0x33; 51].into();
        assert_eq!(
            RpcUserOperation::from_packed(&op),
            Err(UnpackError::ShortPaymasterAndData(51))
        );
        op.initCode = vec![0x22; 19].into();
        assert_eq!(
            RpcUserOperation::from_packed(&op),
            Err(UnpackError::ShortInitCode(19))
        );
    }
}
