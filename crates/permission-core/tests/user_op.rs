//! `PackedUserOpReader` on alloy-encoded hook calls, and the maximum gas cost
//! computed independently (in 512-bit arithmetic) from the packed fields.

mod common;

use alloy_primitives::{Address, Bytes, B256, U256, U512};
use alloy_sol_types::SolCall;
use common::*;
use permission_core::user_op::{hook_user_op, PackedUserOpReader};
use permission_core::{AbiReader, CalldataError::*};
use proptest::prelude::*;

/// `hi` in the high 128 bits and `lo` in the low 128 bits of a bytes32.
fn pack_u128_pair(hi: u128, lo: u128) -> B256 {
    let mut w = [0u8; 32];
    w[..16].copy_from_slice(&hi.to_be_bytes());
    w[16..].copy_from_slice(&lo.to_be_bytes());
    B256::from(w)
}

struct Gas {
    verification: u128,
    call: u128,
    pre_verification: U256,
    priority_fee: u128,
    max_fee: u128,
}

fn user_op(gas: &Gas) -> PackedUserOperation {
    PackedUserOperation {
        sender: Address::repeat_byte(0x5e),
        nonce: U256::from(3u64),
        initCode: Bytes::from(vec![1; 30]),
        callData: Bytes::from(prefixed(&execute_data(
            Address::repeat_byte(9),
            U256::from(1u64),
            &[0xab; 10],
        ))),
        accountGasLimits: pack_u128_pair(gas.verification, gas.call),
        preVerificationGas: gas.pre_verification,
        gasFees: pack_u128_pair(gas.priority_fee, gas.max_fee),
        paymasterAndData: Bytes::new(),
        signature: Bytes::from(vec![0x77; 3]),
    }
}

/// The hook call's arguments (selector stripped), encoded by alloy.
fn hook_args(op: PackedUserOperation) -> Vec<u8> {
    IHooks::preUserOpValidationHookCall {
        entityId: 7,
        userOp: op,
        userOpHash: B256::repeat_byte(0x44),
    }
    .abi_encode()[4..]
        .to_vec()
}

/// `(verificationGasLimit + callGasLimit + preVerificationGas) * maxFeePerGas`
/// in 512 bits, `None` if the sum or the product does not fit 256 bits
/// (the EntryPoint refuses gas values above 2^120 anyway, AA94).
fn expected_cost(gas: &Gas) -> Option<U256> {
    let max = U512::from(U256::MAX);
    let sum =
        U512::from(gas.verification) + U512::from(gas.call) + U512::from(gas.pre_verification);
    let cost = sum * U512::from(gas.max_fee);
    (sum <= max && cost <= max).then(|| cost.to::<U256>())
}

fn max_gas_cost(gas: &Gas) -> Option<U256> {
    let args = hook_args(user_op(gas));
    let reader = hook_user_op(&AbiReader::new(&args)).unwrap();
    reader.max_gas_cost().unwrap()
}

#[test]
fn fields_of_an_alloy_encoded_hook_call() {
    let gas = Gas {
        verification: 100_000,
        call: 200_000,
        pre_verification: U256::from(50_000u64),
        priority_fee: 1_000_000_000,
        max_fee: 30_000_000_000,
    };
    let op = user_op(&gas);
    let args = hook_args(op.clone());
    let r = hook_user_op(&AbiReader::new(&args)).unwrap();
    assert_eq!(r.sender(), Ok(op.sender));
    assert_eq!(r.call_data(), Ok(op.callData.as_ref()));
    assert_eq!(r.signature(), Ok(op.signature.as_ref()));
    assert_eq!(r.paymaster_and_data(), Ok(op.paymasterAndData.as_ref()));
    assert_eq!(
        r.max_gas_cost(),
        Ok(Some(U256::from(350_000u64 * 30_000_000_000)))
    );
}

#[test]
fn reader_on_execute_user_op_msg_data() {
    let inner = prefixed(&batch_data(&sample_calls()));
    let msg = execute_user_op_msg(inner.clone());
    let args = AbiReader::new(&msg[4..]);
    let r = PackedUserOpReader::new(args.offset(0).unwrap());
    let op = user_op_with_call_data(inner.clone());
    assert_eq!(r.sender(), Ok(op.sender));
    assert_eq!(r.call_data(), Ok(inner.as_slice()));
    assert_eq!(r.signature(), Ok(op.signature.as_ref()));
    assert_eq!(r.paymaster_and_data(), Ok(op.paymasterAndData.as_ref()));
}

#[test]
fn max_gas_cost_known_values() {
    // 0x11..11 in both halves of accountGasLimits, 0x22..22 as the max fee,
    // and the helper's paymaster (0xaa bytes) with 0xaa..aa as both of its
    // gas limits: (2 * 0x11..11 + 2 * 0xaa..aa + 50_000) * 0x22..22.
    let msg = execute_user_op_msg(vec![]);
    let r = PackedUserOpReader::new(AbiReader::new(&msg[4..]).offset(0).unwrap());
    let h = U256::from(u128::from_be_bytes([0x11; 16]));
    let pm = U256::from(u128::from_be_bytes([0xaa; 16]));
    let fee = U256::from(u128::from_be_bytes([0x22; 16]));
    assert_eq!(
        r.max_gas_cost(),
        Ok(Some((h + h + pm + pm + U256::from(50_000u64)) * fee))
    );
}

#[test]
fn max_gas_cost_uses_the_right_halves() {
    let base = Gas {
        verification: 7,
        call: 11,
        pre_verification: U256::from(13u64),
        priority_fee: 1_000,
        max_fee: 3,
    };
    assert_eq!(max_gas_cost(&base), Some(U256::from((7 + 11 + 13) * 3u64)));
    // The priority fee does not count.
    let other_tip = Gas {
        priority_fee: u128::MAX,
        ..base
    };
    assert_eq!(max_gas_cost(&other_tip), Some(U256::from(31 * 3u64)));
    // A zero max fee costs nothing, whatever the gas.
    let free = Gas {
        verification: u128::MAX,
        call: u128::MAX,
        pre_verification: U256::from(u64::MAX),
        priority_fee: 5,
        max_fee: 0,
    };
    assert_eq!(max_gas_cost(&free), Some(U256::ZERO));
    // Swapping the halves of accountGasLimits does not change the sum, but
    // swapping those of gasFees does change the fee.
    let swapped_fees = Gas {
        priority_fee: 3,
        max_fee: 1_000,
        ..base
    };
    assert_eq!(max_gas_cost(&swapped_fees), Some(U256::from(31 * 1_000u64)));
}

#[test]
fn max_gas_cost_overflow_is_none() {
    let big = Gas {
        verification: u128::MAX,
        call: u128::MAX,
        pre_verification: U256::ZERO,
        priority_fee: 0,
        max_fee: u128::MAX,
    };
    assert_eq!(expected_cost(&big), None);
    assert_eq!(max_gas_cost(&big), None);
    let pvg = Gas {
        verification: 1,
        call: 0,
        pre_verification: U256::MAX,
        priority_fee: 0,
        max_fee: 1,
    };
    assert_eq!(max_gas_cost(&pvg), None);
    // The sum overflowing is an overflow even with a zero fee.
    let pvg_free = Gas { max_fee: 0, ..pvg };
    assert_eq!(max_gas_cost(&pvg_free), None);
    // Just fits: (2^128 - 1)^2.
    let fits = Gas {
        verification: u128::MAX,
        call: 0,
        pre_verification: U256::ZERO,
        priority_fee: 0,
        max_fee: u128::MAX,
    };
    assert!(expected_cost(&fits).is_some());
    assert_eq!(max_gas_cost(&fits), expected_cost(&fits));
}

#[test]
fn hostile_user_op() {
    let gas = Gas {
        verification: 1,
        call: 1,
        pre_verification: U256::ZERO,
        priority_fee: 0,
        max_fee: 1,
    };
    let args = hook_args(user_op(&gas));
    // userOp offset (head 1) past the end.
    let mut d = args.clone();
    set_word(&mut d, 32, word_u64(args.len() as u64 + 1));
    assert_eq!(
        hook_user_op(&AbiReader::new(&d)).err(),
        Some(OffsetOutOfBounds)
    );
    // Dirty sender.
    let op_pos = get_word(&args, 32).to::<usize>();
    let mut d = args.clone();
    d[op_pos] = 1;
    let r = hook_user_op(&AbiReader::new(&d)).unwrap();
    assert_eq!(r.sender(), Err(NonCanonicalValue));
    // A user operation cut inside its head: fields past the cut are short.
    let cut = &args[..op_pos + 5 * 32];
    let r = hook_user_op(&AbiReader::new(cut)).unwrap();
    assert!(r.sender().is_ok());
    assert_eq!(r.max_gas_cost(), Err(TooShort));
    assert_eq!(r.signature(), Err(TooShort));
    // callData length past the end.
    let cd_head = op_pos + 3 * 32;
    let cd_len_pos = op_pos + get_word(&args, cd_head).to::<usize>();
    let mut d = args.clone();
    set_word(&mut d, cd_len_pos, word_u256(U256::MAX));
    let r = hook_user_op(&AbiReader::new(&d)).unwrap();
    assert_eq!(r.call_data(), Err(LengthOutOfBounds));
}

proptest! {
    #[test]
    fn max_gas_cost_matches_512_bit_reference(
        verification in any::<u128>(),
        call in any::<u128>(),
        pvg in prop_oneof![any::<u64>().prop_map(U256::from), any::<[u8; 32]>().prop_map(U256::from_be_bytes)],
        priority_fee in any::<u128>(),
        max_fee in prop_oneof![any::<u128>(), 0u128..100_000_000_000],
        small in any::<bool>(),
    ) {
        let (verification, call) = if small { (verification >> 96, call >> 96) } else { (verification, call) };
        let gas = Gas { verification, call, pre_verification: pvg, priority_fee, max_fee };
        prop_assert_eq!(max_gas_cost(&gas), expected_cost(&gas));
    }

    /// Right at the edge of 256 bits: the largest sums that fit the fee,
    /// and the first that do not.
    #[test]
    fn max_gas_cost_at_the_overflow_boundary(max_fee in 1u128.., delta in 0u8..4) {
        let pvg = (U256::MAX / U256::from(max_fee))
            .saturating_add(U256::from(delta))
            .saturating_sub(U256::from(2));
        let gas = Gas { verification: 0, call: 0, pre_verification: pvg, priority_fee: 0, max_fee };
        prop_assert_eq!(max_gas_cost(&gas), expected_cost(&gas));
    }
}

#[test]
fn encode_with_signature_matches_alloy_with_only_the_signature_replaced() {
    use alloy_sol_types::SolValue;
    let gas = Gas {
        verification: 100_000,
        call: 200_000,
        pre_verification: U256::from(50_000u64),
        priority_fee: 1,
        max_fee: 2,
    };
    let op = user_op(&gas);
    let args = hook_args(op.clone());
    let reader = hook_user_op(&AbiReader::new(&args)).unwrap();
    assert_eq!(reader.nonce().unwrap(), U256::from(3u64));
    for signature in [vec![], vec![0xFF, 1, 2, 3], vec![9u8; 100]] {
        let mut expected_op = op.clone();
        expected_op.signature = Bytes::from(signature.clone());
        // A one-element tuple: its first word is the struct's offset.
        let expected = (expected_op,).abi_encode_params()[32..].to_vec();
        assert_eq!(reader.encode_with_signature(&signature).unwrap(), expected);
    }
}

/// `paymaster ‖ uint128 verificationGasLimit ‖ uint128 postOpGasLimit ‖ data`.
fn paymaster_and_data(verification: u128, post_op: u128, data: &[u8]) -> Bytes {
    let mut out = vec![0xAA; 20];
    out.extend_from_slice(pack_u128_pair(verification, post_op).as_slice());
    out.extend_from_slice(data);
    Bytes::from(out)
}

#[test]
fn max_gas_cost_counts_the_paymasters_gas_limits_as_the_prefund_does() {
    let gas = Gas {
        verification: 7,
        call: 11,
        pre_verification: U256::from(13u64),
        priority_fee: 1,
        max_fee: 3,
    };
    let cost_with = |paymaster: Bytes| {
        let mut op = user_op(&gas);
        op.paymasterAndData = paymaster;
        let args = hook_args(op);
        let reader = hook_user_op(&AbiReader::new(&args)).unwrap();
        (reader.max_gas_cost(), reader.paymaster())
    };
    let (cost, paymaster) = cost_with(paymaster_and_data(17, 19, &[1, 2, 3]));
    assert_eq!(cost, Ok(Some(U256::from((7 + 11 + 13 + 17 + 19) * 3u64))));
    assert_eq!(paymaster, Ok(Some(Address::repeat_byte(0xAA))));
    assert_eq!(
        cost_with(Bytes::new()),
        (Ok(Some(U256::from(31 * 3u64))), Ok(None))
    );
    // Shorter than its static part: the EntryPoint refuses it (AA93).
    assert_eq!(cost_with(Bytes::from(vec![0xAA; 51])).0, Err(TooShort));
    // Paymaster limits at the top of uint128 do not overflow uint256.
    let (cost, _) = cost_with(paymaster_and_data(u128::MAX, u128::MAX, &[]));
    let expected = (U256::from(u128::MAX) * U256::from(2u8) + U256::from(31u8)) * U256::from(3u8);
    assert_eq!(cost, Ok(Some(expected)));
}
