//! ERC-20 spend decoding against alloy's encodings of the token calls.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use permission_core::erc20::{decode_token_spend, TokenCallError, TokenSpend};
use permission_core::CalldataError::*;
use proptest::prelude::*;

sol! {
    interface IERC20 {
        function transfer(address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
        function increaseAllowance(address spender, uint256 addedValue) external returns (bool);
        function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function balanceOf(address owner) external view returns (uint256);
        function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
    }
}

use IERC20::*;

fn a(b: u8) -> Address {
    Address::repeat_byte(b)
}

#[test]
fn transfer_approve_increase_allowance() {
    let amount = U256::from(10u64).pow(U256::from(18u64)) * U256::from(5u64);
    let cases = [
        (
            transferCall { to: a(1), amount }.abi_encode(),
            TokenSpend::Transfer { to: a(1), amount },
        ),
        (
            approveCall {
                spender: a(2),
                amount,
            }
            .abi_encode(),
            TokenSpend::Approve {
                spender: a(2),
                amount,
            },
        ),
        (
            increaseAllowanceCall {
                spender: a(3),
                addedValue: amount,
            }
            .abi_encode(),
            TokenSpend::IncreaseAllowance {
                spender: a(3),
                added: amount,
            },
        ),
    ];
    for (data, expected) in cases {
        assert_eq!(data.len(), 68);
        assert_eq!(decode_token_spend(&data), Ok(expected));
        assert_eq!(decode_token_spend(&data).unwrap().amount(), amount);
    }
}

#[test]
fn extreme_amounts_and_addresses() {
    for (to, amount) in [
        (Address::ZERO, U256::ZERO),
        (Address::repeat_byte(0xff), U256::MAX),
    ] {
        let data = approveCall {
            spender: to,
            amount,
        }
        .abi_encode();
        assert_eq!(
            decode_token_spend(&data),
            Ok(TokenSpend::Approve {
                spender: to,
                amount
            })
        );
    }
}

#[test]
fn other_selectors_are_unsupported() {
    let cases: [(Vec<u8>, [u8; 4]); 4] = [
        (
            transferFromCall {
                from: a(1),
                to: a(2),
                amount: U256::from(1u64),
            }
            .abi_encode(),
            transferFromCall::SELECTOR,
        ),
        (
            decreaseAllowanceCall {
                spender: a(1),
                subtractedValue: U256::from(1u64),
            }
            .abi_encode(),
            decreaseAllowanceCall::SELECTOR,
        ),
        (
            balanceOfCall { owner: a(1) }.abi_encode(),
            balanceOfCall::SELECTOR,
        ),
        (
            permitCall {
                owner: a(1),
                spender: a(2),
                value: U256::MAX,
                deadline: U256::MAX,
                v: 27,
                r: Default::default(),
                s: Default::default(),
            }
            .abi_encode(),
            permitCall::SELECTOR,
        ),
    ];
    for (data, sel) in cases {
        assert_eq!(
            decode_token_spend(&data),
            Err(TokenCallError::UnsupportedSelector(Some(sel)))
        );
        // Also with nothing after the selector: the selector is checked first.
        assert_eq!(
            decode_token_spend(&sel),
            Err(TokenCallError::UnsupportedSelector(Some(sel)))
        );
    }
    assert_eq!(
        decode_token_spend(&[0, 0, 0, 0]),
        Err(TokenCallError::UnsupportedSelector(Some([0, 0, 0, 0])))
    );
}

#[test]
fn empty_data_is_unsupported_none() {
    assert_eq!(
        decode_token_spend(&[]),
        Err(TokenCallError::UnsupportedSelector(None))
    );
}

#[test]
fn partial_selector_is_malformed() {
    for n in 1..4 {
        assert_eq!(
            decode_token_spend(&transferCall::SELECTOR[..n]),
            Err(TokenCallError::Malformed(TooShort)),
            "{n}"
        );
    }
}

#[test]
fn every_length_below_68_is_too_short() {
    for full in [
        transferCall {
            to: a(1),
            amount: U256::from(9u64),
        }
        .abi_encode(),
        approveCall {
            spender: a(1),
            amount: U256::from(9u64),
        }
        .abi_encode(),
        increaseAllowanceCall {
            spender: a(1),
            addedValue: U256::from(9u64),
        }
        .abi_encode(),
    ] {
        for n in 4..68 {
            assert_eq!(
                decode_token_spend(&full[..n]),
                Err(TokenCallError::Malformed(TooShort)),
                "{n}"
            );
        }
        assert!(decode_token_spend(&full[..68]).is_ok());
    }
}

#[test]
fn trailing_bytes_are_accepted() {
    let base = transferCall {
        to: a(7),
        amount: U256::from(42u64),
    }
    .abi_encode();
    for extra in [1usize, 31, 32, 100] {
        let mut data = base.clone();
        data.extend(std::iter::repeat_n(0xee, extra));
        assert_eq!(
            decode_token_spend(&data),
            Ok(TokenSpend::Transfer {
                to: a(7),
                amount: U256::from(42u64)
            }),
            "{extra}"
        );
    }
}

#[test]
fn dirty_address_is_malformed() {
    let base = approveCall {
        spender: a(7),
        amount: U256::from(42u64),
    }
    .abi_encode();
    for byte in 0..12 {
        let mut data = base.clone();
        data[4 + byte] = 0x01;
        assert_eq!(
            decode_token_spend(&data),
            Err(TokenCallError::Malformed(NonCanonicalValue)),
            "{byte}"
        );
    }
}

proptest! {
    #[test]
    fn roundtrip_every_spend(to in any::<[u8; 20]>(), amount in any::<[u8; 32]>(), tail in prop::collection::vec(any::<u8>(), 0..40)) {
        let to = Address::from(to);
        let amount = U256::from_be_bytes(amount);
        let t = [transferCall { to, amount }.abi_encode(), tail.clone()].concat();
        prop_assert_eq!(decode_token_spend(&t), Ok(TokenSpend::Transfer { to, amount }));
        let ap = [approveCall { spender: to, amount }.abi_encode(), tail.clone()].concat();
        prop_assert_eq!(decode_token_spend(&ap), Ok(TokenSpend::Approve { spender: to, amount }));
        let inc = [increaseAllowanceCall { spender: to, addedValue: amount }.abi_encode(), tail].concat();
        prop_assert_eq!(decode_token_spend(&inc), Ok(TokenSpend::IncreaseAllowance { spender: to, added: amount }));
    }

    #[test]
    fn never_panics(data in prop::collection::vec(any::<u8>(), 0..100)) {
        let _ = decode_token_spend(&data);
        let with_sel = [transferCall::SELECTOR.as_slice(), &data].concat();
        let _ = decode_token_spend(&with_sel);
    }
}
