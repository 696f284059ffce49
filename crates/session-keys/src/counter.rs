//! `Counter`: the smallest useful target for a session key, in hand-assembled
//! EVM code.
//!
//! ```text
//! increment()             slot0 += 1
//! count() returns uint256 slot0
//! anything else           revert with empty data
//! ```
//!
//! It accepts value and does not check the caller: the permission modules
//! decide who may call it. The selectors come from the [`ICounter`] binding,
//! not from hex literals.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use localnet::{deployer_init_code, Localnet};

use crate::abi::ICounter;
use crate::chain::{Chain, ChainError};

/// Offset of the `increment()` branch in [`runtime_code`].
const INCREMENT: u8 = 0x1b;
/// Offset of the `count()` branch in [`runtime_code`].
const COUNT: u8 = 0x24;

/// The runtime code (45 bytes):
///
/// ```text
/// 00  PUSH0 CALLDATALOAD PUSH1 0xe0 SHR          selector (0 for short calldata)
/// 05  DUP1 PUSH4 increment EQ PUSH1 0x1b JUMPI
/// 0f  PUSH4 count EQ PUSH1 0x24 JUMPI
/// 18  PUSH0 PUSH0 REVERT
/// 1b  JUMPDEST PUSH0 SLOAD PUSH1 1 ADD PUSH0 SSTORE STOP
/// 24  JUMPDEST PUSH0 SLOAD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
/// ```
pub fn runtime_code() -> Vec<u8> {
    let [i0, i1, i2, i3] = ICounter::incrementCall::SELECTOR;
    let [c0, c1, c2, c3] = ICounter::countCall::SELECTOR;
    let code = vec![
        0x5f, 0x35, 0x60, 0xe0, 0x1c, // selector
        0x80, 0x63, i0, i1, i2, i3, 0x14, 0x60, INCREMENT, 0x57, // increment?
        0x63, c0, c1, c2, c3, 0x14, 0x60, COUNT, 0x57, // count?
        0x5f, 0x5f, 0xfd, // revert
        0x5b, 0x5f, 0x54, 0x60, 0x01, 0x01, 0x5f, 0x55, 0x00, // increment
        0x5b, 0x5f, 0x54, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3, // count
    ];
    debug_assert_eq!(code[usize::from(INCREMENT)], 0x5b);
    debug_assert_eq!(code[usize::from(COUNT)], 0x5b);
    code
}

/// Init code that returns [`runtime_code`].
pub fn init_code() -> Vec<u8> {
    deployer_init_code(&runtime_code()).to_vec()
}

/// A deployed Counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    /// Its address.
    pub address: Address,
}

impl Counter {
    /// Deploys a Counter through [`Localnet::deploy_evm`].
    #[track_caller]
    pub fn deploy(net: &mut Localnet) -> Self {
        let address = net.deploy_evm(init_code());
        assert_eq!(
            net.code(address).as_ref(),
            runtime_code(),
            "Counter code at {address}"
        );
        Self { address }
    }

    /// `count()`, read with a call (not from storage directly).
    #[track_caller]
    pub fn count(&self, net: &mut Localnet) -> U256 {
        net.call(Address::ZERO, self.address, Self::count_calldata())
            .decode_return::<ICounter::countCall>()
            .unwrap_or_else(|e| panic!("Counter.count(): {e}"))
    }

    /// `count()` on any [`Chain`] (an `eth_call`).
    pub fn count_on(&self, chain: &mut dyn Chain) -> Result<U256, ChainError> {
        let answer = chain.call(Address::ZERO, self.address, Self::count_calldata().into())?;
        let output = answer
            .into_output()
            .map_err(|e| ChainError::Rpc(format!("Counter.count(): {e}")))?;
        ICounter::countCall::abi_decode_returns(&output)
            .map_err(|e| ChainError::Rpc(format!("Counter.count(): {e}")))
    }

    /// The calldata of `increment()`.
    pub fn increment_calldata() -> Vec<u8> {
        ICounter::incrementCall {}.abi_encode()
    }

    /// The calldata of `count()`.
    pub fn count_calldata() -> Vec<u8> {
        ICounter::countCall {}.abi_encode()
    }
}
