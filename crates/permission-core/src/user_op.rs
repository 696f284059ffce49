//! Field access to an ABI-encoded `PackedUserOperation` (EntryPoint v0.7).
//!
//! The tuple is `(address sender, uint256 nonce, bytes initCode,
//! bytes callData, bytes32 accountGasLimits, uint256 preVerificationGas,
//! bytes32 gasFees, bytes paymasterAndData, bytes signature)`. Only the
//! fields a hook reads are decoded, each on demand.

use alloy_primitives::{Address, U256};

use alloc::vec::Vec;

use crate::abi::{AbiReader, AbiWriter, CalldataError};

/// Head positions of the `PackedUserOperation` fields.
mod field {
    pub const SENDER: usize = 0;
    pub const CALL_DATA: usize = 3;
    pub const ACCOUNT_GAS_LIMITS: usize = 4;
    pub const PRE_VERIFICATION_GAS: usize = 5;
    pub const GAS_FEES: usize = 6;
    pub const PAYMASTER_AND_DATA: usize = 7;
    pub const SIGNATURE: usize = 8;
}

/// A `PackedUserOperation` tuple region.
#[derive(Clone, Copy, Debug)]
pub struct PackedUserOpReader<'a> {
    tuple: AbiReader<'a>,
}

impl<'a> PackedUserOpReader<'a> {
    /// Wraps the region the user operation's offset points to.
    pub const fn new(tuple: AbiReader<'a>) -> Self {
        Self { tuple }
    }

    /// `sender`.
    pub fn sender(&self) -> Result<Address, CalldataError> {
        self.tuple.address(field::SENDER)
    }

    /// `nonce`.
    pub fn nonce(&self) -> Result<U256, CalldataError> {
        self.tuple.u256(1)
    }

    /// A copy of the operation with `signature` replaced, ABI-encoded as a
    /// tuple: what an account passes to a hook or its validation module.
    pub fn encode_with_signature(&self, signature: &[u8]) -> Result<Vec<u8>, CalldataError> {
        let t = &self.tuple;
        Ok(AbiWriter::new(9)
            .address(t.address(field::SENDER)?)
            .u256(t.u256(1)?)
            .dyn_bytes(t.dyn_bytes(2)?)
            .dyn_bytes(t.dyn_bytes(field::CALL_DATA)?)
            .word(*t.head(field::ACCOUNT_GAS_LIMITS)?)
            .u256(t.u256(field::PRE_VERIFICATION_GAS)?)
            .word(*t.head(field::GAS_FEES)?)
            .dyn_bytes(t.dyn_bytes(field::PAYMASTER_AND_DATA)?)
            .dyn_bytes(signature)
            .finish())
    }

    /// `callData`.
    pub fn call_data(&self) -> Result<&'a [u8], CalldataError> {
        self.tuple.dyn_bytes(field::CALL_DATA)
    }

    /// `signature` (for a hook: its own segment, usually empty).
    pub fn signature(&self) -> Result<&'a [u8], CalldataError> {
        self.tuple.dyn_bytes(field::SIGNATURE)
    }

    /// `paymasterAndData`.
    pub fn paymaster_and_data(&self) -> Result<&'a [u8], CalldataError> {
        self.tuple.dyn_bytes(field::PAYMASTER_AND_DATA)
    }

    /// The paymaster, if the operation names one (`paymasterAndData` starts
    /// with its address). A `paymasterAndData` shorter than the 52 bytes of
    /// its static part is refused (`TooShort`), as the EntryPoint refuses
    /// it (AA93), so it can never read as "no paymaster".
    pub fn paymaster(&self) -> Result<Option<Address>, CalldataError> {
        let data = self.paymaster_and_data()?;
        match data.len() {
            0 => Ok(None),
            len if len < PAYMASTER_DATA_OFFSET => Err(CalldataError::TooShort),
            _ => Ok(data.get(..20).map(Address::from_slice)),
        }
    }

    /// The most the operation can cost its payer in wei: the EntryPoint
    /// v0.7 prefund, `(verificationGasLimit + callGasLimit +
    /// paymasterVerificationGasLimit + paymasterPostOpGasLimit +
    /// preVerificationGas) * maxFeePerGas` (the paymaster's two limits are
    /// 0 without a paymaster). A `paymasterAndData` shorter than the 52
    /// bytes of its static part is refused as the EntryPoint refuses it
    /// (AA93). `None` on overflow, which no real operation reaches.
    pub fn max_gas_cost(&self) -> Result<Option<U256>, CalldataError> {
        let limits = self.tuple.head(field::ACCOUNT_GAS_LIMITS)?;
        let (verification, call) = split_u128_pair(limits);
        let pre_verification = self.tuple.u256(field::PRE_VERIFICATION_GAS)?;
        let (_priority_fee, max_fee) = split_u128_pair(self.tuple.head(field::GAS_FEES)?);
        let paymaster = self.paymaster_and_data()?;
        let (paymaster_verification, post_op) = match paymaster.len() {
            0 => (0, 0),
            len if len < PAYMASTER_DATA_OFFSET => return Err(CalldataError::TooShort),
            _ => {
                let mut word = [0u8; 32];
                word.copy_from_slice(&paymaster[20..PAYMASTER_DATA_OFFSET]);
                split_u128_pair(&word)
            }
        };
        Ok(U256::from(verification)
            .checked_add(U256::from(call))
            .and_then(|g| g.checked_add(U256::from(paymaster_verification)))
            .and_then(|g| g.checked_add(U256::from(post_op)))
            .and_then(|g| g.checked_add(pre_verification))
            .and_then(|g| checked_mul_u128(g, max_fee)))
    }
}

/// Where a paymaster's own data starts in `paymasterAndData`: after its
/// address and its two `uint128` gas limits.
pub const PAYMASTER_DATA_OFFSET: usize = 52;

/// `a * b`, or `None` when it overflows 256 bits. The same answer as
/// `a.checked_mul(U256::from(b))`, in a fraction of the code: a program pays
/// for its code size each time it is entered, and ruint's general
/// multiplication was the largest function of a program that prices gas.
/// Schoolbook multiplication of `a`'s four 64-bit limbs by `b`'s two.
fn checked_mul_u128(a: U256, b: u128) -> Option<U256> {
    let a = a.as_limbs();
    let b = [b as u64, (b >> 64) as u64];
    let mut out = [0u64; 6];
    for (j, &bj) in b.iter().enumerate() {
        let mut carry: u64 = 0;
        for (i, &ai) in a.iter().enumerate() {
            // ai * bj + out + carry < 2^128: no overflow.
            let t = u128::from(ai) * u128::from(bj) + u128::from(out[i + j]) + u128::from(carry);
            out[i + j] = t as u64;
            carry = (t >> 64) as u64;
        }
        out[j + 4] = carry;
    }
    if out[4] != 0 || out[5] != 0 {
        return None;
    }
    Some(U256::from_limbs([out[0], out[1], out[2], out[3]]))
}

/// Splits a `bytes32` into its high and low 128-bit halves.
fn split_u128_pair(word: &[u8; 32]) -> (u128, u128) {
    let mut high = [0u8; 16];
    let mut low = [0u8; 16];
    high.copy_from_slice(&word[..16]);
    low.copy_from_slice(&word[16..]);
    (u128::from_be_bytes(high), u128::from_be_bytes(low))
}

/// Reads the user operation argument of a hook call whose arguments are
/// `(uint32 entityId, PackedUserOperation userOp, bytes32 userOpHash)`.
pub fn hook_user_op<'a>(args: &AbiReader<'a>) -> Result<PackedUserOpReader<'a>, CalldataError> {
    Ok(PackedUserOpReader::new(args.offset(1)?))
}
