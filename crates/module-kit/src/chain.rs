//! The chain backend of the test harness: a module's compiled WASM
//! (`target/stylus/NAME.code`, from `scripts/build-contracts.sh`), deployed
//! and activated in [`localnet`], called by accounts in transactions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use localnet::{contract_code_path, Localnet};
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

    fn set_timestamp(&self, timestamp: u64) {
        self.net.borrow_mut().set_timestamp(timestamp);
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
}

/// Panics unless `code` exists and is newer than every source it is built
/// from: the module's crate, module-kit and permission-core (tests aside).
fn require_fresh(name: &str, code: &Path) {
    let fix = "run scripts/build-contracts.sh";
    let built = std::fs::metadata(code)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| panic!("{} is missing: {fix}", code.display()));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    for dir in [
        root.join("contracts").join(name).join("src"),
        root.join("crates/module-kit/src"),
        root.join("crates/permission-core/src"),
    ] {
        if let Some(newest) = newest_file(&dir) {
            assert!(
                newest <= built,
                "{} is older than {}: {fix}",
                code.display(),
                dir.display()
            );
        }
    }
}

/// The newest modification time of any file under `dir`.
fn newest_file(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "tests" || name == "tests.rs" || name == "testing.rs" || name == "chain.rs" {
            continue;
        }
        let time = if path.is_dir() {
            newest_file(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(time);
    }
    newest
}
