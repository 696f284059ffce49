//! [`LocalChain`]: the [`Chain`] backend on the embedded local chain.

use alloy_primitives::{Address, Bytes, U256};
use localnet::{Localnet, TxOutcome, CHAIN_ID};

use super::{CallResult, Chain, ChainError, Receipt, TxRequest};
use crate::signer::Key;

/// The embedded local chain ([`Localnet`]) as a [`Chain`].
///
/// Every transaction is mined on its own at the chain's current block
/// number and timestamp; [`Chain::advance_time`] moves both.
#[derive(Debug)]
pub struct LocalChain {
    /// The chain, for anything the [`Chain`] trait does not cover (funding,
    /// caching programs, the host-call trace of the last transaction).
    pub net: Localnet,
    /// The last transaction's full outcome (program frames, failures).
    pub last_outcome: Option<TxOutcome>,
}

impl Default for LocalChain {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalChain {
    /// A fresh local chain with the deterministic deployment proxy at
    /// `0x4e59…956c`, as on Arbitrum One and Sepolia.
    pub fn new() -> Self {
        let mut net = Localnet::new();
        net.install_deterministic_deployer();
        Self::from_net(net)
    }

    /// Wraps an existing chain.
    pub fn from_net(net: Localnet) -> Self {
        Self {
            net,
            last_outcome: None,
        }
    }

    /// Sets `who`'s balance (the local chain's faucet).
    pub fn fund(&mut self, who: Address, wei: U256) {
        self.net.fund(who, wei);
    }
}

/// A receipt from a local outcome.
pub(crate) fn receipt_of(outcome: &TxOutcome) -> Receipt {
    Receipt {
        tx_hash: None,
        success: outcome.success,
        gas_used: outcome.gas_used,
        logs: outcome.logs.clone(),
        contract_address: outcome.created,
        revert_data: outcome.revert_data().cloned(),
    }
}

impl Chain for LocalChain {
    fn describe(&self) -> String {
        "the embedded local chain".into()
    }

    fn chain_id(&mut self) -> Result<u64, ChainError> {
        Ok(CHAIN_ID)
    }

    fn timestamp(&mut self) -> Result<u64, ChainError> {
        Ok(self.net.timestamp())
    }

    fn code(&mut self, address: Address) -> Result<Bytes, ChainError> {
        Ok(self.net.code(address))
    }

    fn balance(&mut self, address: Address) -> Result<U256, ChainError> {
        Ok(self.net.balance(address))
    }

    fn call(&mut self, from: Address, to: Address, data: Bytes) -> Result<CallResult, ChainError> {
        let outcome = self
            .net
            .try_call(from, to, data)
            .map_err(|e| ChainError::Rejected(e.to_string()))?;
        Ok(CallResult {
            success: outcome.success,
            output: outcome.output,
        })
    }

    fn simulate(&mut self, from: Address, tx: TxRequest) -> Result<CallResult, ChainError> {
        let outcome = self
            .net
            .try_simulate_with_gas(from, tx.to, tx.value, tx.data, tx.gas_limit)
            .map_err(|e| ChainError::Rejected(e.to_string()))?;
        Ok(CallResult {
            success: outcome.success,
            output: outcome.output,
        })
    }

    fn send(&mut self, from: &Key, tx: TxRequest) -> Result<Receipt, ChainError> {
        let outcome = self
            .net
            .try_send(from.address(), tx.to, tx.value, tx.data, tx.gas_limit)
            .map_err(|e| ChainError::Rejected(e.to_string()))?;
        let receipt = receipt_of(&outcome);
        self.last_outcome = Some(outcome);
        Ok(receipt)
    }

    fn advance_time(&mut self, seconds: u64) -> Result<(), ChainError> {
        let timestamp = self
            .net
            .timestamp()
            .checked_add(seconds)
            .ok_or(ChainError::Unsupported("moving the clock past u64::MAX"))?;
        self.net.set_timestamp(timestamp);
        self.net.set_block_number(self.net.block_number() + 1);
        Ok(())
    }
}
