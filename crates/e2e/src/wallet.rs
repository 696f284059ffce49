//! The scenario: a [`Localnet`] with EntryPoint v0.7 at its canonical
//! address, the Stylus modules, a [`Counter`], the Stylus reference account
//! (deployed, funded, not yet initialized) and a funded bundler EOA that
//! sends `handleOps` and is its beneficiary.
//!
//! ```no_run
//! use e2e::{encode, Key, Wallet, HandleOpsExt};
//!
//! let mut w = Wallet::new();
//! let key = Key::from_seed(7);
//! let now = w.net.timestamp();
//! w.initialize(&w.session_key_install(1, key.address(), now, now + 86_400))
//!     .expect_success();
//! let call = encode::execute(w.counter.address, Default::default(), e2e::Counter::increment_calldata());
//! let op = w.signed_op(call, 1, false, &key, &[]);
//! w.handle_ops(vec![op]).expect_ops_succeeded();
//! ```

use alloy_primitives::{aliases::U192, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use localnet::entry_point::{user_op_hash, ENTRY_POINT};
use localnet::{contract_code_path, Localnet, TxOutcome, CHAIN_ID, DEPLOYER};

use crate::abi::{IEntryPoint, PackedUserOperation};
use crate::encode::{self, nonce_key, ValidationInstall};
use crate::fixtures::ACCOUNT;
use crate::session::{Enforcement, SessionKeySpec, SignerSpec};
use crate::signer::{Key, UserOpSigner};
use crate::token::Token;
use crate::user_op::{self, Gas};
use session_keys::counter::Counter;
pub use session_keys::Modules;

/// The bundler EOA: sends `handleOps`, pays its gas, is its beneficiary.
pub const BUNDLER: Address = Address::new([0xB0; 20]);

/// One ether.
pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// A chain with EntryPoint v0.7 deployed at [`ENTRY_POINT`] and
/// [`BUNDLER`] funded with 100 ether. Panics if `target/fixtures/EntryPoint.bin`
/// is missing (see [`crate::fixtures`]).
#[track_caller]
pub fn chain() -> Localnet {
    let mut net = Localnet::new();
    net.deploy_entry_point_fixture();
    net.fund(BUNDLER, ether(100));
    net
}

/// The whole scenario (see the module docs). Fields are public: tests use
/// the chain directly for anything the helpers do not cover.
#[derive(Debug)]
pub struct Wallet {
    /// The chain.
    pub net: Localnet,
    /// The modules.
    pub modules: Modules,
    /// The reference account.
    pub account: Address,
    /// The session key's target.
    pub counter: Counter,
    /// The bundler EOA ([`BUNDLER`]).
    pub bundler: Address,
    /// The gas fields of the operations the helpers build.
    pub gas: Gas,
    /// Names of other contracts, for [`Wallet::name_of`].
    labels: Vec<(Address, String)>,
}

/// The gas of one operation's two phases, read from the account's Stylus
/// frames (each frame's gas includes the modules it calls).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PhaseGas {
    /// The account's `validateUserOp` frame: validation hooks, the
    /// validation module and the prefund.
    pub validation: u64,
    /// The account's execution frame called by the EntryPoint
    /// (`executeUserOp`, `execute` or `executeBatch`): execution hooks, the
    /// account's self-call and the target.
    pub execution: u64,
}

impl Default for Wallet {
    fn default() -> Self {
        Self::new()
    }
}

impl Wallet {
    /// [`Wallet::with_funding`] with a 1-ether EntryPoint deposit and a
    /// 1-ether balance for the account.
    #[track_caller]
    pub fn new() -> Self {
        Self::with_funding(ether(1), ether(1))
    }

    /// Deploys everything; the account gets `deposit` in the EntryPoint
    /// (`depositTo`, from [`DEPLOYER`]) and `balance` in ETH (to pay a
    /// prefund its deposit does not cover). The account is not initialized:
    /// call [`Wallet::initialize`]. Panics if a build output is missing
    /// (check [`crate::fixtures::available`] first).
    #[track_caller]
    pub fn with_funding(deposit: U256, balance: U256) -> Self {
        let mut net = chain();
        let modules = Modules::deploy(&mut net);
        let counter = Counter::deploy(&mut net);
        let account = net.deploy_stylus_file(contract_code_path(ACCOUNT));
        net.fund(account, balance);
        let mut wallet = Self {
            net,
            modules,
            account,
            counter,
            bundler: BUNDLER,
            gas: Gas::default(),
            labels: Vec::new(),
        };
        if !deposit.is_zero() {
            wallet.deposit(deposit);
        }
        wallet
    }

    /// Marks the account and every module cached (or not) in `ArbWasmCache`.
    pub fn set_cached(&mut self, cached: bool) {
        for program in self.modules.all().into_iter().chain([self.account]) {
            self.net.set_cached(program, cached);
        }
    }

    /// `initialize(...)` on the account, from [`DEPLOYER`], committed.
    #[track_caller]
    pub fn initialize(&mut self, install: &ValidationInstall) -> TxOutcome {
        self.net.transact(
            DEPLOYER,
            self.account,
            U256::ZERO,
            install.initialize_calldata(),
        )
    }

    /// The session-key validation of scenario 1: session-signer at
    /// `entity_id`, user-op and signature validation, **not global**,
    /// selectors `[execute, executeBatch]`, install data
    /// `abi.encode(entity_id, key)`, and two validation hooks at the same
    /// entity id, in this order: selector-allowlist allowing
    /// `(counter, increment())`, then time-window `[valid_after, valid_until]`.
    pub fn session_key_install(
        &self,
        entity_id: u32,
        key: Address,
        valid_after: u64,
        valid_until: u64,
    ) -> ValidationInstall {
        self.session_key_install_as(
            entity_id,
            key,
            valid_after,
            valid_until,
            Enforcement::Modules,
        )
    }

    /// [`Wallet::session_key_install`], with the permissions enforced as
    /// `enforcement` says: one hook per module (selector-allowlist, then
    /// time-window) or one session-policy hook.
    pub fn session_key_install_as(
        &self,
        entity_id: u32,
        key: Address,
        valid_after: u64,
        valid_until: u64,
        enforcement: Enforcement,
    ) -> ValidationInstall {
        SessionKeySpec::new(entity_id, SignerSpec::Address(key))
            .allow([(
                self.counter.address,
                crate::abi::ICounter::incrementCall::SELECTOR,
            )])
            .window(valid_after, valid_until)
            .with_enforcement(enforcement)
            .install(&self.modules)
    }

    /// The program that enforces the rule of `granular` (a permission
    /// module) under `enforcement`: that module, or the session policy.
    pub fn rules_of(&self, granular: Address, enforcement: Enforcement) -> Address {
        match enforcement {
            Enforcement::Modules => granular,
            Enforcement::Policy => self.modules.session_policy,
        }
    }

    /// The owner's validation: session-signer at `entity_id` for `owner`,
    /// **global**, user-op and signature validation, no selectors, no hooks.
    /// Its operations use the global nonce key ([`Wallet::owner_op`]).
    pub fn owner_install(&self, entity_id: u32, owner: Address) -> ValidationInstall {
        session_keys::account::owner_validation_at(&self.modules, entity_id, owner)
    }

    /// An operation of the owner's global validation at `entity_id`,
    /// signed by `owner`.
    #[track_caller]
    pub fn owner_op(
        &mut self,
        call_data: impl Into<Bytes>,
        entity_id: u32,
        owner: &Key,
    ) -> PackedUserOperation {
        self.signed_op(call_data, entity_id, true, owner, &[])
    }

    /// `installValidation(install)` as a user operation of the owner's
    /// global validation at `owner_entity` ([`Wallet::owner_op`]), sent
    /// through `handleOps`. Returns the outcome unchecked.
    #[track_caller]
    pub fn install_as_owner(
        &mut self,
        owner_entity: u32,
        owner: &Key,
        install: &ValidationInstall,
    ) -> TxOutcome {
        let op = self.owner_op(install.install_validation_calldata(), owner_entity, owner);
        self.handle_ops(vec![op])
    }

    /// Deploys OpenZeppelin's `ERC20PresetFixedSupply` ([`crate::token`])
    /// with `supply` minted to the account, and names it `symbol` in
    /// reports.
    #[track_caller]
    pub fn deploy_token(&mut self, symbol: &str, supply: U256) -> Token {
        let token = Token::deploy(&mut self.net, symbol, supply, self.account);
        self.label(token.address, symbol);
        token
    }

    /// Names `address` in [`Wallet::name_of`] and the gas reports.
    pub fn label(&mut self, address: Address, name: &str) {
        self.labels.retain(|(a, _)| *a != address);
        self.labels.push((address, name.to_string()));
    }

    /// `EntryPoint.depositTo{value}(account)` from [`DEPLOYER`].
    #[track_caller]
    pub fn deposit(&mut self, value: U256) {
        let data = IEntryPoint::depositToCall {
            account: self.account,
        }
        .abi_encode();
        self.net
            .transact(DEPLOYER, ENTRY_POINT, value, data)
            .expect_success();
    }

    /// The account's EntryPoint deposit.
    pub fn deposit_of_account(&mut self) -> U256 {
        self.net.entry_point_deposit(self.account)
    }

    /// The next nonce of the validation at `entity_id` (MAv2 locator,
    /// `EntryPoint.getNonce(account, (entityId << 8) | global)`).
    #[track_caller]
    pub fn next_nonce(&mut self, entity_id: u32, global: bool) -> U256 {
        let key = nonce_key(entity_id, global);
        self.net.entry_point_nonce(self.account, U256::from(key))
    }

    /// The next nonce of an arbitrary `uint192` key.
    #[track_caller]
    pub fn next_nonce_of_key(&mut self, key: U192) -> U256 {
        self.net.entry_point_nonce(self.account, U256::from(key))
    }

    /// An unsigned operation of the account with `call_data`, the next nonce
    /// of the validation at `entity_id`, and [`Wallet::gas`].
    #[track_caller]
    pub fn user_op(
        &mut self,
        call_data: impl Into<Bytes>,
        entity_id: u32,
        global: bool,
    ) -> PackedUserOperation {
        let nonce = self.next_nonce(entity_id, global);
        user_op::unsigned(self.account, nonce, call_data, self.gas)
    }

    /// `EntryPoint.getUserOpHash(op)`, checked against
    /// [`localnet::entry_point::user_op_hash`].
    #[track_caller]
    pub fn user_op_hash(&mut self, op: &PackedUserOperation) -> B256 {
        user_op_hash_on_chain(&mut self.net, op)
    }

    /// Signs `op` in place: `segments` for the hooks, then
    /// `0xFF ‖ key.sign_user_op_hash(userOpHash)`.
    #[track_caller]
    pub fn sign(&mut self, op: &mut PackedUserOperation, key: &Key, segments: &[(u8, &[u8])]) {
        let hash = self.user_op_hash(op);
        op.signature = encode::signature(segments, &key.sign_user_op_hash(hash));
    }

    /// Signs `op` in place with any [`UserOpSigner`] (a passkey, a WebAuthn
    /// assertion): `segments`, then `0xFF ‖ signer.sign_user_op_hash(userOpHash)`.
    #[track_caller]
    pub fn sign_with(
        &mut self,
        op: &mut PackedUserOperation,
        signer: &dyn UserOpSigner,
        segments: &[(u8, &[u8])],
    ) {
        let hash = self.user_op_hash(op);
        op.signature = encode::signature(segments, &signer.sign_user_op_hash(hash));
    }

    /// [`Wallet::user_op`] signed by any [`UserOpSigner`] ([`Wallet::sign_with`]).
    #[track_caller]
    pub fn signed_op_with(
        &mut self,
        call_data: impl Into<Bytes>,
        entity_id: u32,
        global: bool,
        signer: &dyn UserOpSigner,
        segments: &[(u8, &[u8])],
    ) -> PackedUserOperation {
        let mut op = self.user_op(call_data, entity_id, global);
        self.sign_with(&mut op, signer, segments);
        op
    }

    /// [`Wallet::user_op`] signed by `key` ([`Wallet::sign`]).
    #[track_caller]
    pub fn signed_op(
        &mut self,
        call_data: impl Into<Bytes>,
        entity_id: u32,
        global: bool,
        key: &Key,
        segments: &[(u8, &[u8])],
    ) -> PackedUserOperation {
        let mut op = self.user_op(call_data, entity_id, global);
        self.sign(&mut op, key, segments);
        op
    }

    /// `EntryPoint.handleOps(ops, bundler)` from the bundler, committed.
    #[track_caller]
    pub fn handle_ops(&mut self, ops: Vec<PackedUserOperation>) -> TxOutcome {
        self.net.handle_ops(self.bundler, ops, self.bundler)
    }

    /// The name of a contract of the scenario, for reports.
    pub fn name_of(&self, address: Address) -> String {
        let known = [
            (self.account, "account"),
            (self.counter.address, "counter"),
            (ENTRY_POINT, "EntryPoint"),
        ];
        known
            .iter()
            .find(|(a, _)| *a == address)
            .map(|(_, n)| n.to_string())
            .or_else(|| self.modules.name_of(address).map(str::to_string))
            .or_else(|| {
                self.labels
                    .iter()
                    .find(|(a, _)| *a == address)
                    .map(|(_, n)| n.clone())
            })
            .unwrap_or_else(|| address.to_string())
    }

    /// The [`PhaseGas`] of each operation of a `handleOps` outcome, in
    /// order: the account's frames called by the EntryPoint itself
    /// (`validateUserOp`, depth 1) and by its `innerHandleOp` self-call
    /// (depth 2). Operations that never reached execution get 0 there.
    pub fn phase_gas(&self, outcome: &TxOutcome) -> Vec<PhaseGas> {
        let mut phases: Vec<PhaseGas> = Vec::new();
        let mut executed = 0;
        for frame in outcome
            .programs
            .iter()
            .filter(|p| p.contract == self.account)
        {
            let gas = frame.gas_used.unwrap_or(0);
            match frame.depth {
                1 => phases.push(PhaseGas {
                    validation: gas,
                    execution: 0,
                }),
                2 => {
                    if let Some(phase) = phases.get_mut(executed) {
                        phase.execution = gas;
                    }
                    executed += 1;
                }
                _ => {}
            }
        }
        phases
    }

    /// One line per Stylus frame of `outcome`, in order: depth, program,
    /// cached or not, entry gas and gas used (entry included).
    pub fn program_gas_report(&self, outcome: &TxOutcome) -> String {
        outcome
            .programs
            .iter()
            .map(|p| {
                format!(
                    "{:indent$}{} ({}): entry {} gas, used {} gas, {} storage slots, {} keccaks",
                    "",
                    self.name_of(p.contract),
                    if p.cached { "cached" } else { "uncached" },
                    p.entry_gas,
                    p.gas_used.map_or("?".into(), |g| g.to_string()),
                    p.state_trace.storage_slots.len(),
                    p.state_trace.keccaks.len(),
                    indent = 2 * p.depth,
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The Counter's `count()`.
    #[track_caller]
    pub fn count(&mut self) -> U256 {
        self.counter.count(&mut self.net)
    }
}

/// `EntryPoint.getUserOpHash(op)` on `net`, asserted equal to
/// [`localnet::entry_point::user_op_hash`] (chain [`CHAIN_ID`]).
#[track_caller]
pub fn user_op_hash_on_chain(net: &mut Localnet, op: &PackedUserOperation) -> B256 {
    let data = IEntryPoint::getUserOpHashCall { userOp: op.clone() }.abi_encode();
    let on_chain = net
        .call(Address::ZERO, ENTRY_POINT, data)
        .decode_return::<IEntryPoint::getUserOpHashCall>()
        .unwrap_or_else(|e| panic!("EntryPoint.getUserOpHash: {e}"));
    let local = user_op_hash(op, ENTRY_POINT, CHAIN_ID);
    assert_eq!(on_chain, local, "getUserOpHash differs from user_op_hash");
    on_chain
}
