//! [`World`] on revm's context, for the program running in one frame.
//!
//! Every access goes through the journal, so it is reverted with the
//! frame's checkpoint, sees and updates warm/cold status (EIP-2929), and
//! records database errors in `ctx.error()` as the interpreter does. The
//! methods charge nothing: they report cold/warm and SSTORE costs, which the
//! runtime charges in ink.

use crate::memory::Pages;
use crate::precompiles::INK_PRICE;
use revm::{
    context_interface::{host::LoadError, Cfg, ContextTr, Host},
    interpreter::Gas,
    primitives::{hardfork::SpecId, Address, Bytes, Log, LogData, B256, U256},
};
use stylus_runtime::{BlockInfo, SstoreCost, TxInfo, World, WorldError};

/// The world of one running program.
pub struct ChainWorld<'a, CTX: ContextTr> {
    /// revm's context (journal, block, tx, cfg).
    pub ctx: &'a mut CTX,
    /// The frame's gas: SSTORE refunds are recorded on it.
    pub gas: &'a mut Gas,
    /// The account whose storage the program uses.
    pub contract: Address,
    /// Whether the frame is static.
    pub is_static: bool,
    /// The transaction's page counts.
    pub pages: &'a mut Pages,
}

fn load_err(e: LoadError) -> WorldError {
    match e {
        LoadError::ColdLoadSkipped => WorldError::OutOfGas,
        LoadError::DBError => WorldError::Fatal,
    }
}

impl<CTX: ContextTr> ChainWorld<'_, CTX> {
    fn writable(&self) -> Result<(), WorldError> {
        if self.is_static {
            Err(WorldError::WriteProtection)
        } else {
            Ok(())
        }
    }

    /// Loads an account (and its code if asked), warming it: (account info
    /// fields we need, was cold, is empty).
    fn account<T>(
        &mut self,
        address: Address,
        load_code: bool,
        f: impl FnOnce(&revm::state::AccountInfo) -> T,
    ) -> Result<(T, bool, bool), WorldError> {
        let load = self
            .ctx
            .load_account_info_skip_cold_load(address, load_code, false)
            .map_err(load_err)?;
        Ok((f(&load.account), load.is_cold, load.is_empty))
    }
}

impl<CTX: ContextTr> World for ChainWorld<'_, CTX> {
    fn sload(&mut self, key: U256, gas_left: u64) -> Result<(U256, bool), WorldError> {
        // Don't touch the database (nor warm the slot) for a cold load that
        // cannot be paid.
        let cold_cost = self.ctx.gas_params().warm_storage_read_cost()
            + self.ctx.gas_params().cold_storage_additional_cost();
        let skip_cold = gas_left < cold_cost;
        let load = self
            .ctx
            .sload_skip_cold_load(self.contract, key, skip_cold)
            .map_err(load_err)?;
        Ok((load.data, load.is_cold))
    }

    fn sstore(&mut self, key: U256, value: U256, gas_left: u64) -> Result<SstoreCost, WorldError> {
        self.writable()?;
        let p = self.ctx.gas_params().clone();
        // EIP-2200 sentry: no SSTORE with at most the call stipend left.
        if gas_left <= p.call_stipend() {
            return Err(WorldError::OutOfGas);
        }
        let static_gas = p.sstore_static_gas();
        let skip_cold = gas_left < static_gas + p.cold_storage_cost();
        let load = self
            .ctx
            .sstore_skip_cold_load(self.contract, key, value, skip_cold)
            .map_err(load_err)?;
        let spec: SpecId = self.ctx.cfg().spec().into();
        let is_istanbul = spec.is_enabled_in(SpecId::ISTANBUL);
        // EIP-2929 (cold) + EIP-2200 (net metering) costs and EIP-3529
        // refunds, from (original, present, new, cold) as SSTORE computes them.
        let gas = static_gas + p.sstore_dynamic_gas(is_istanbul, &load.data, load.is_cold);
        let refund = p.sstore_refund(is_istanbul, &load.data);
        self.gas.record_refund(refund);
        Ok(SstoreCost { gas, refund })
    }

    fn tload(&mut self, key: U256) -> U256 {
        self.ctx.tload(self.contract, key)
    }

    fn tstore(&mut self, key: U256, value: U256) -> Result<(), WorldError> {
        self.writable()?;
        self.ctx.tstore(self.contract, key, value);
        Ok(())
    }

    fn emit_log(&mut self, topics: &[B256], data: &[u8]) -> Result<(), WorldError> {
        self.writable()?;
        let data = LogData::new(topics.to_vec(), Bytes::copy_from_slice(data))
            .ok_or(WorldError::WriteProtection)?;
        // Journaled: dropped again if this frame or an outer one reverts.
        self.ctx.log(Log {
            address: self.contract,
            data,
        });
        Ok(())
    }

    fn balance(&mut self, address: Address) -> Result<(U256, bool), WorldError> {
        let (balance, cold, _) = self.account(address, false, |a| a.balance)?;
        Ok((balance, cold))
    }

    fn code(&mut self, address: Address) -> Result<(Bytes, bool), WorldError> {
        let (code, cold, _) = self.account(address, true, |a| {
            a.code
                .as_ref()
                .map(|c| c.original_bytes())
                .unwrap_or_default()
        })?;
        Ok((code, cold))
    }

    fn code_hash(&mut self, address: Address) -> Result<(B256, bool), WorldError> {
        let (hash, cold, empty) = self.account(address, false, |a| a.code_hash)?;
        // EXTCODEHASH semantics: zero for an empty account, keccak256("")
        // for an existing account without code.
        Ok((if empty { B256::ZERO } else { hash }, cold))
    }

    fn add_pages(&mut self, pages: u16) -> u64 {
        self.pages.add(pages)
    }

    fn block(&self) -> BlockInfo {
        BlockInfo {
            number: self.ctx.block_number().saturating_to(),
            timestamp: self.ctx.timestamp().saturating_to(),
            basefee: self.ctx.basefee(),
            coinbase: self.ctx.beneficiary(),
            gas_limit: self.ctx.gas_limit().saturating_to(),
            chain_id: self.ctx.chain_id().saturating_to(),
        }
    }

    fn tx(&self) -> TxInfo {
        // Host::caller() is the transaction's origin.
        TxInfo {
            origin: self.ctx.caller(),
            gas_price: self.ctx.effective_gas_price(),
            ink_price: INK_PRICE,
        }
    }
}
