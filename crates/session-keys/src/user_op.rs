//! Unsigned user operations for EntryPoint v0.7, their gas fields, and the
//! unpacked JSON form bundlers take ([`RpcUserOperation`], from `localnet`).
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

pub use localnet::user_operation::{RpcUserOperation, UnpackError};

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
