//! Decoding of the ERC-20 calls a spending limit charges.
//!
//! Only `transfer`, `approve` and `increaseAllowance` move or expose tokens
//! in a way the limit can price; `approve` is charged in full, whatever the
//! current allowance. Calldata must hold both arguments (at least 68 bytes,
//! as MAv2 requires); trailing bytes are ignored, as a Solidity token would.

use alloy_primitives::{Address, U256};

use crate::abi::{split_selector, AbiReader, CalldataError};
use crate::selectors::{ERC20_APPROVE, ERC20_INCREASE_ALLOWANCE, ERC20_TRANSFER};

/// An ERC-20 call that spends from the account's balance or allowance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSpend {
    /// `transfer(to, amount)`.
    Transfer {
        /// Recipient.
        to: Address,
        /// Amount moved.
        amount: U256,
    },
    /// `approve(spender, amount)`.
    Approve {
        /// Spender.
        spender: Address,
        /// New allowance, charged in full.
        amount: U256,
    },
    /// `increaseAllowance(spender, added)`.
    IncreaseAllowance {
        /// Spender.
        spender: Address,
        /// Allowance added.
        added: U256,
    },
}

impl TokenSpend {
    /// What this call is charged against a limit.
    pub const fn amount(&self) -> U256 {
        match self {
            Self::Transfer { amount, .. } | Self::Approve { amount, .. } => *amount,
            Self::IncreaseAllowance { added, .. } => *added,
        }
    }
}

/// Why a call to a limited token cannot be charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenCallError {
    /// The calldata is empty or its selector is not a chargeable ERC-20 call.
    /// `None` means empty calldata.
    UnsupportedSelector(Option<[u8; 4]>),
    /// The calldata is too short or not canonical.
    Malformed(CalldataError),
}

/// Decodes a call's data as a chargeable ERC-20 call.
pub fn decode_token_spend(data: &[u8]) -> Result<TokenSpend, TokenCallError> {
    if data.is_empty() {
        return Err(TokenCallError::UnsupportedSelector(None));
    }
    let (selector, args) = split_selector(data).map_err(TokenCallError::Malformed)?;
    let args = AbiReader::new(args);
    let decode = |make: fn(Address, U256) -> TokenSpend| {
        Ok(make(
            args.address(0).map_err(TokenCallError::Malformed)?,
            args.u256(1).map_err(TokenCallError::Malformed)?,
        ))
    };
    match selector {
        ERC20_TRANSFER => decode(|to, amount| TokenSpend::Transfer { to, amount }),
        ERC20_APPROVE => decode(|spender, amount| TokenSpend::Approve { spender, amount }),
        ERC20_INCREASE_ALLOWANCE => {
            decode(|spender, added| TokenSpend::IncreaseAllowance { spender, added })
        }
        other => Err(TokenCallError::UnsupportedSelector(Some(other))),
    }
}
