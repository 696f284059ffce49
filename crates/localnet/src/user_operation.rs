//! [`RpcUserOperation`]: a v0.7 user operation in the unpacked JSON form of
//! the bundler JSON-RPC API (ERC-7769), and its conversions to and from
//! [`PackedUserOperation`], the form EntryPoint v0.7 takes.

use alloy_primitives::{Address, Bytes, U256};
use serde::{Deserialize, Serialize};

use crate::entry_point::{
    pack_account_gas_limits, pack_gas_fees, pack_paymaster_and_data, unpack_u128s,
    PackedUserOperation,
};

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
        let (verification_gas_limit, call_gas_limit) = unpack_u128s(op.accountGasLimits);
        let (max_priority_fee_per_gas, max_fee_per_gas) = unpack_u128s(op.gasFees);
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
            call_gas_limit: U256::from(call_gas_limit),
            verification_gas_limit: U256::from(verification_gas_limit),
            pre_verification_gas: op.preVerificationGas,
            max_fee_per_gas: U256::from(max_fee_per_gas),
            max_priority_fee_per_gas: U256::from(max_priority_fee_per_gas),
            paymaster: paymaster.as_ref().map(|p| p.0),
            paymaster_verification_gas_limit: paymaster.as_ref().map(|p| p.1),
            paymaster_post_op_gas_limit: paymaster.as_ref().map(|p| p.2),
            paymaster_data: paymaster.map(|p| p.3),
            signature: op.signature.clone(),
        })
    }

    /// The packed operation EntryPoint v0.7 takes. Gas fields above 128
    /// bits, a factory without data or a paymaster without its gas limits
    /// are errors.
    pub fn to_packed(&self) -> Result<PackedUserOperation, PackError> {
        let u128_of = |value: U256, field: &'static str| {
            u128::try_from(value).map_err(|_| PackError::TooLarge(field))
        };
        let init_code = match (&self.factory, &self.factory_data) {
            (None, None) => Bytes::new(),
            (Some(factory), data) => [
                factory.as_slice(),
                data.as_ref().map_or(&[][..], |d| &d[..]),
            ]
            .concat()
            .into(),
            (None, Some(_)) => return Err(PackError::Missing("factory", "factoryData")),
        };
        let paymaster_and_data = match self.paymaster {
            None => Bytes::new(),
            Some(paymaster) => {
                let verification =
                    self.paymaster_verification_gas_limit
                        .ok_or(PackError::Missing(
                            "paymasterVerificationGasLimit",
                            "paymaster",
                        ))?;
                let post_op = self
                    .paymaster_post_op_gas_limit
                    .ok_or(PackError::Missing("paymasterPostOpGasLimit", "paymaster"))?;
                pack_paymaster_and_data(
                    paymaster,
                    u128_of(verification, "paymasterVerificationGasLimit")?,
                    u128_of(post_op, "paymasterPostOpGasLimit")?,
                    self.paymaster_data.as_ref().map_or(&[][..], |d| &d[..]),
                )
            }
        };
        Ok(PackedUserOperation {
            sender: self.sender,
            nonce: self.nonce,
            initCode: init_code,
            callData: self.call_data.clone(),
            accountGasLimits: pack_account_gas_limits(
                u128_of(self.verification_gas_limit, "verificationGasLimit")?,
                u128_of(self.call_gas_limit, "callGasLimit")?,
            ),
            preVerificationGas: self.pre_verification_gas,
            gasFees: pack_gas_fees(
                u128_of(self.max_priority_fee_per_gas, "maxPriorityFeePerGas")?,
                u128_of(self.max_fee_per_gas, "maxFeePerGas")?,
            ),
            paymasterAndData: paymaster_and_data,
            signature: self.signature.clone(),
        })
    }
}

/// Why an unpacked operation has no packed form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// A gas field does not fit the 128 bits it is packed into.
    #[error("{0} does not fit 128 bits")]
    TooLarge(&'static str),
    /// A field is missing although another one is set.
    #[error("{0} is missing although {1} is set")]
    Missing(&'static str, &'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op() -> PackedUserOperation {
        PackedUserOperation {
            sender: Address::repeat_byte(0x11),
            nonce: U256::from(0x0100),
            callData: vec![1, 2].into(),
            accountGasLimits: pack_account_gas_limits(0x1234, 0x5678),
            preVerificationGas: U256::from(0x9a),
            gasFees: pack_gas_fees(2, 0xbc),
            signature: vec![0xff, 0x00].into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_rpc_form_is_the_packed_operation_unpacked() {
        let mut op = op();
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
        assert_eq!(rpc.to_packed().unwrap(), op);

        // With a factory and a paymaster, each field comes from its bytes.
        let mut init_code = vec![0x22; 20];
        init_code.extend([0xaa, 0xbb]);
        op.initCode = init_code.into();
        op.paymasterAndData = pack_paymaster_and_data(Address::repeat_byte(0x33), 7, 9, &[0xcc]);
        let rpc = RpcUserOperation::from_packed(&op).unwrap();
        assert_eq!(rpc.factory, Some(Address::repeat_byte(0x22)));
        assert_eq!(rpc.factory_data, Some(Bytes::from(vec![0xaa, 0xbb])));
        assert_eq!(rpc.paymaster, Some(Address::repeat_byte(0x33)));
        assert_eq!(rpc.paymaster_verification_gas_limit, Some(U256::from(7)));
        assert_eq!(rpc.paymaster_post_op_gas_limit, Some(U256::from(9)));
        assert_eq!(rpc.paymaster_data, Some(Bytes::from(vec![0xcc])));
        assert_eq!(rpc.to_packed().unwrap(), op);

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

    #[test]
    fn malformed_rpc_operations_do_not_pack() {
        let mut rpc = RpcUserOperation::from_packed(&op()).unwrap();
        rpc.call_gas_limit = U256::from(1) << 128;
        assert_eq!(rpc.to_packed(), Err(PackError::TooLarge("callGasLimit")));
        let mut rpc = RpcUserOperation::from_packed(&op()).unwrap();
        rpc.paymaster = Some(Address::repeat_byte(0x33));
        assert_eq!(
            rpc.to_packed(),
            Err(PackError::Missing(
                "paymasterVerificationGasLimit",
                "paymaster"
            ))
        );
        let mut rpc = RpcUserOperation::from_packed(&op()).unwrap();
        rpc.factory_data = Some(Bytes::from(vec![1]));
        assert_eq!(
            rpc.to_packed(),
            Err(PackError::Missing("factory", "factoryData"))
        );
    }
}
