//! A world kept in memory, for running programs without a chain.

#![allow(dead_code)]

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, B256, U256};
use stylus_runtime::*;

/// State and a record of what the program did.
#[derive(Default)]
pub struct MemoryWorld {
    pub storage: HashMap<U256, U256>,
    pub transient: HashMap<U256, U256>,
    pub warm_slots: std::collections::HashSet<U256>,
    pub logs: Vec<(Vec<B256>, Vec<u8>)>,
    pub block: BlockInfo,
    pub tx: TxInfo,
    pub pages_added: Vec<u16>,
    pub is_static: bool,
}

impl World for MemoryWorld {
    fn sload(&mut self, key: U256, _gas_left: u64) -> Result<(U256, bool), WorldError> {
        let cold = self.warm_slots.insert(key);
        Ok((self.storage.get(&key).copied().unwrap_or_default(), cold))
    }
    fn sstore(&mut self, key: U256, value: U256, _gas_left: u64) -> Result<SstoreCost, WorldError> {
        if self.is_static {
            return Err(WorldError::WriteProtection);
        }
        let cold = self.warm_slots.insert(key);
        self.storage.insert(key, value);
        // A fresh slot set from zero, as the EVM prices it.
        Ok(SstoreCost {
            gas: 20_000 + if cold { 2_100 } else { 0 },
            refund: 0,
        })
    }
    fn tload(&mut self, key: U256) -> U256 {
        self.transient.get(&key).copied().unwrap_or_default()
    }
    fn tstore(&mut self, key: U256, value: U256) -> Result<(), WorldError> {
        if self.is_static {
            return Err(WorldError::WriteProtection);
        }
        self.transient.insert(key, value);
        Ok(())
    }
    fn emit_log(&mut self, topics: &[B256], data: &[u8]) -> Result<(), WorldError> {
        if self.is_static {
            return Err(WorldError::WriteProtection);
        }
        self.logs.push((topics.to_vec(), data.to_vec()));
        Ok(())
    }
    fn balance(&mut self, _address: Address) -> Result<(U256, bool), WorldError> {
        Ok((U256::from(7), true))
    }
    fn code(&mut self, _address: Address) -> Result<(Bytes, bool), WorldError> {
        Ok((Bytes::from_static(&[1, 2, 3, 4, 5]), false))
    }
    fn code_hash(&mut self, _address: Address) -> Result<(B256, bool), WorldError> {
        Ok((B256::repeat_byte(0xCC), false))
    }
    fn add_pages(&mut self, pages: u16) -> u64 {
        self.pages_added.push(pages);
        1_000 * u64::from(pages)
    }
    fn block(&self) -> BlockInfo {
        self.block.clone()
    }
    fn tx(&self) -> TxInfo {
        self.tx.clone()
    }
}

/// A call from `caller` to `contract` with `calldata`.
pub fn call_info(calldata: &[u8]) -> CallInfo {
    CallInfo {
        contract: Address::repeat_byte(0xC0),
        caller: Address::repeat_byte(0xCA),
        value: U256::ZERO,
        calldata: Bytes::copy_from_slice(calldata),
        is_static: false,
        reentrant: false,
    }
}

/// Activates a WAT program.
pub fn program(wat: &str) -> Program {
    let wasm = wat::parse_str(wat).expect("valid WAT");
    Runtime::new().activate(&wasm).expect("activates")
}

/// Runs `program` to its end with `gas`, answering no nested call.
pub fn run(
    program: &Program,
    calldata: &[u8],
    gas: u64,
    world: &mut MemoryWorld,
) -> (Outcome, u64) {
    let mut exec = Execution::new(program, call_info(calldata), gas).expect("instantiates");
    match exec.run(world, None) {
        Step::Done { outcome, gas_left } => (outcome, gas_left),
        other => panic!("unexpected step {other:?}"),
    }
}
