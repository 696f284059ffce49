//! The calldata walker against alloy's encoder: arbitrary calls are
//! encoded by `alloy-sol-types` as `execute`, `executeBatch`, their
//! `executeUserOp` prefix form, and the ABI-encoded
//! `executeUserOp(userOp, hash)` an execution hook receives.
//!
//! Also an ERC-20 `transfer`, `approve` or `increaseAllowance` encoded by
//! alloy, with arbitrary trailing bytes, through `decode_token_spend`.
//!
//! Oracles: the walker decodes every form back to exactly the calls that
//! were encoded, in order; the token decoder returns exactly the call
//! encoded (trailing bytes ignored).

#![no_main]

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use permission_core::calls::{
    decode_account_call_data, decode_execute_call, decode_user_op_call_data,
};
use permission_core::erc20::{decode_token_spend, TokenSpend};
use permission_core::Call as Walked;

sol!("../contracts/reference-account/interface/IReferenceAccount.sol");
sol! {
    function transfer(address to, uint256 amount);
    function approve(address spender, uint256 amount);
    function increaseAllowance(address spender, uint256 added);
}
use IReferenceAccount::{
    executeBatchCall, executeCall, executeUserOpCall, Call, PackedUserOperation,
};

#[derive(Arbitrary, Debug)]
struct Input {
    calls: Vec<(Address, U256, Vec<u8>)>,
    single: bool,
    spend: (u8, Address, U256, Vec<u8>),
}

fn token_spend((kind, to, amount, trailing): (u8, Address, U256, Vec<u8>)) {
    let (mut data, expected) = match kind % 3 {
        0 => (
            transferCall { to, amount }.abi_encode(),
            TokenSpend::Transfer { to, amount },
        ),
        1 => (
            approveCall {
                spender: to,
                amount,
            }
            .abi_encode(),
            TokenSpend::Approve {
                spender: to,
                amount,
            },
        ),
        _ => (
            increaseAllowanceCall {
                spender: to,
                added: amount,
            }
            .abi_encode(),
            TokenSpend::IncreaseAllowance {
                spender: to,
                added: amount,
            },
        ),
    };
    data.extend_from_slice(&trailing);
    assert_eq!(decode_token_spend(&data), Ok(expected));
    assert_eq!(expected.amount(), amount);
}

fn prefixed(inner: &[u8]) -> Vec<u8> {
    [&executeUserOpCall::SELECTOR[..], inner].concat()
}

fn as_user_op(call_data: Vec<u8>) -> Vec<u8> {
    executeUserOpCall {
        userOp: PackedUserOperation {
            sender: Address::repeat_byte(0xAA),
            nonce: U256::ZERO,
            initCode: Bytes::new(),
            callData: call_data.into(),
            accountGasLimits: B256::ZERO,
            preVerificationGas: U256::ZERO,
            gasFees: B256::ZERO,
            paymasterAndData: Bytes::new(),
            signature: Bytes::new(),
        },
        userOpHash: B256::repeat_byte(0x11),
    }
    .abi_encode()
}

fuzz_target!(|input: Input| {
    token_spend(input.spend);
    let expected: Vec<(Address, U256, Vec<u8>)> = if input.single {
        input.calls.into_iter().take(1).collect()
    } else {
        input.calls
    };
    let encoded = match (input.single, expected.first()) {
        (true, Some((target, value, data))) => executeCall {
            target: *target,
            value: *value,
            data: data.clone().into(),
        }
        .abi_encode(),
        (true, None) => return,
        (false, _) => executeBatchCall {
            calls: expected
                .iter()
                .map(|(target, value, data)| Call {
                    target: *target,
                    value: *value,
                    data: data.clone().into(),
                })
                .collect(),
        }
        .abi_encode(),
    };
    let check = |calls: Vec<Walked<'_>>| {
        let got: Vec<(Address, U256, Vec<u8>)> = calls
            .into_iter()
            .map(|c| (c.target, c.value, c.data.to_vec()))
            .collect();
        assert_eq!(got, expected);
    };
    check(
        decode_execute_call(&encoded)
            .unwrap()
            .collect_all()
            .unwrap(),
    );
    check(
        decode_user_op_call_data(&encoded)
            .unwrap()
            .collect_all()
            .unwrap(),
    );
    let with_prefix = prefixed(&encoded);
    check(
        decode_user_op_call_data(&with_prefix)
            .unwrap()
            .collect_all()
            .unwrap(),
    );
    check(
        decode_account_call_data(&encoded)
            .unwrap()
            .collect_all()
            .unwrap(),
    );
    let wrapped = as_user_op(with_prefix);
    check(
        decode_account_call_data(&wrapped)
            .unwrap()
            .collect_all()
            .unwrap(),
    );
});
