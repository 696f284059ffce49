//! The chain backend of the test harness: a module's compiled WASM
//! (`target/stylus/NAME.code`, from `scripts/build-contracts.sh`), deployed
//! and activated in [`localnet`], called by accounts in transactions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use localnet::{contract_code_path, stale_contract_build, Localnet};
use permission_core::{Address, B256, U256};

use crate::testing::{Backend, START_TIMESTAMP};
use crate::Output;

/// Wei given to every caller before its first call.
const CALLER_FUNDS: u128 = 1_000_000_000_000_000_000_000;

/// A module deployed in its own [`Localnet`].
pub struct Chain {
    net: RefCell<Localnet>,
    module: Address,
    logs: RefCell<Vec<(Vec<B256>, Vec<u8>)>>,
}

impl Chain {
    /// Deploys and activates the built module `name` (a `contracts/`
    /// directory name) in a fresh chain at [`START_TIMESTAMP`].
    ///
    /// Panics when the built code is missing or older than the module's
    /// sources, with the command that fixes it.
    pub fn deploy(name: &str) -> Self {
        let code = contract_code_path(name);
        require_fresh(name, &code);
        let mut net = Localnet::new();
        let module = net.deploy_stylus_file(&code);
        net.set_timestamp(START_TIMESTAMP);
        Self {
            net: RefCell::new(net),
            module,
            logs: RefCell::new(Vec::new()),
        }
    }
}

impl Chain {
    /// The module's address.
    pub fn module(&self) -> Address {
        self.module
    }

    /// The chain, to deploy or inspect other contracts beside the module.
    pub fn net(&self) -> std::cell::RefMut<'_, Localnet> {
        self.net.borrow_mut()
    }
}

impl Backend for Chain {
    fn call(&self, from: Address, value: U256, calldata: &[u8]) -> Output {
        let mut net = self.net.borrow_mut();
        if net.balance(from) < U256::from(CALLER_FUNDS / 2) {
            net.fund(from, U256::from(CALLER_FUNDS));
        }
        let outcome = net.transact(from, self.module, value, calldata.to_vec());
        if outcome.success {
            let mut logs = self.logs.borrow_mut();
            for log in outcome.logs.iter().filter(|l| l.address == self.module) {
                logs.push((log.data.topics().to_vec(), log.data.data.to_vec()));
            }
            Ok(outcome.output.to_vec())
        } else {
            match outcome.revert_data() {
                Some(data) => Err(data.to_vec()),
                None => panic!("the module did not revert but failed: {outcome}"),
            }
        }
    }

    /// Moves the chain's clock. An activation that the new time would
    /// expire (Nitro's one year) is renewed first, as the module's owner
    /// keeps a deployed module alive: a test of the module's rule at a far
    /// time is not a test of expiry (that is in localnet's tests).
    fn set_timestamp(&self, timestamp: u64) {
        let mut net = self.net.borrow_mut();
        net.set_timestamp(timestamp);
        let expired = net
            .program_record(self.module)
            .is_some_and(|record| record.is_expired(timestamp));
        if expired {
            if let Err(e) = net.activate(self.module) {
                panic!("renewing the module's expired activation: {e}");
            }
        }
    }

    fn storage(&self) -> HashMap<U256, B256> {
        self.net
            .borrow()
            .storage_slots(self.module)
            .into_iter()
            .map(|(slot, value)| (slot, B256::from(value.to_be_bytes::<32>())))
            .collect()
    }

    fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.logs.borrow().clone()
    }

    fn address(&self) -> Address {
        self.module
    }
}

/// Panics unless `code` exists and is newer than every source it is built
/// from (see [`localnet::stale_contract_build`]).
fn require_fresh(name: &str, code: &Path) {
    if let Some(reason) = stale_contract_build(name) {
        panic!(
            "{reason} ({}): run scripts/build-contracts.sh",
            code.display()
        );
    }
}
