//! Shared by the integration tests: whether the build outputs they need
//! exist (skip loudly, or fail under CI).

use localnet::entry_point::entry_point_init_code_path;

/// Whether the contracts are built and fresh and EntryPoint v0.7 is
/// fetched; otherwise prints SKIPPED (or panics when `CI` is set).
#[allow(dead_code)]
pub fn built(test: &str) -> bool {
    let ep = entry_point_init_code_path();
    let missing: Vec<String> = session_keys::deploy::stale_contracts()
        .into_iter()
        .chain((!ep.is_file()).then(|| format!("{} is missing", ep.display())))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{test}: {missing:?} (run scripts/build-contracts.sh and scripts/fetch-entrypoint.sh)"
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("\n**************** SKIPPED ****************\n{message}\n");
    false
}

/// Whether the ERC-20 fixture is fetched (scripts/fetch-solidity-fixtures.sh).
#[allow(dead_code)]
pub fn token_fixture(test: &str) -> bool {
    solidity_fixture(test, "ERC20PresetFixedSupply").is_some()
}

/// The init code of Solidity fixture `name` (`target/fixtures/NAME.bin`,
/// fetched by scripts/fetch-solidity-fixtures.sh), or `None` with the test
/// skipped (outside CI) when it is missing.
#[allow(dead_code)]
pub fn solidity_fixture(test: &str, name: &str) -> Option<Vec<u8>> {
    let path = session_keys::token::token_fixture_path().with_file_name(format!("{name}.bin"));
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(alloy_primitives::hex::decode(text.trim()).expect("the fixture is hex")),
        Err(e) => {
            let message = format!(
                "{test}: missing {} ({e}; run scripts/fetch-solidity-fixtures.sh)",
                path.display()
            );
            assert!(std::env::var_os("CI").is_none(), "{message}");
            eprintln!("\n**************** SKIPPED ****************\n{message}\n");
            None
        }
    }
}

/// On `chain`, from `owner`: every module deployed, a reference account
/// owned by `owner` with `deposit` wei in the EntryPoint, and a Counter.
/// Returns (modules, account, counter).
#[allow(dead_code)]
pub fn account_with_counter(
    chain: &mut dyn session_keys::Chain,
    owner: &session_keys::Key,
    deposit: alloy_primitives::U256,
) -> (
    session_keys::Modules,
    alloy_primitives::Address,
    alloy_primitives::Address,
) {
    let modules = session_keys::deploy::deploy_all(chain, owner, &mut ())
        .expect("deploys the modules")
        .modules()
        .expect("every module");
    let account = session_keys::account::create_account(chain, owner, &modules, deposit)
        .expect("an account")
        .address;
    let counter = chain
        .send(
            owner,
            session_keys::TxRequest::create(session_keys::counter::init_code()),
        )
        .expect("deploys a Counter")
        .contract_address
        .expect("a Counter address");
    (modules, account, counter)
}

/// `owner` grants `set` to `key` at `entity_id` on `account`, at the
/// chain's time; asserts it went through and returns what it sent.
#[allow(dead_code)]
pub fn grant(
    chain: &mut dyn session_keys::Chain,
    owner: &session_keys::Key,
    modules: &session_keys::Modules,
    account: alloy_primitives::Address,
    set: &session_keys::PermissionSet,
    entity_id: u32,
    key: &session_keys::Key,
) -> session_keys::encode::ValidationInstall {
    let now = chain.timestamp().unwrap();
    let install = set
        .install(
            modules,
            entity_id,
            &session_keys::SignerSpec::Address(key.address()),
            account,
            now,
        )
        .unwrap();
    let receipt = session_keys::account::send_as_owner(
        chain,
        owner,
        account,
        session_keys::account::OWNER_ENTITY,
        &install.install_validation_calldata(),
    )
    .unwrap();
    assert!(receipt.success, "grant: {}", receipt.failure_reason());
    install
}

/// The EntryPoint deposit of `account`.
#[allow(dead_code)]
pub fn deposit_of(
    chain: &mut dyn session_keys::Chain,
    account: alloy_primitives::Address,
) -> alloy_primitives::U256 {
    use alloy_sol_types::SolCall;
    use session_keys::abi::IEntryPoint;
    let out = chain
        .call(
            alloy_primitives::Address::ZERO,
            localnet::entry_point::ENTRY_POINT,
            IEntryPoint::balanceOfCall { account }.abi_encode().into(),
        )
        .unwrap()
        .into_output()
        .unwrap();
    IEntryPoint::balanceOfCall::abi_decode_returns(&out).unwrap()
}

/// A session key's world on the embedded chain: every module, an account
/// owned by `owner` with 0.1 ether deposited, a Counter, and a key to
/// grant at `entity_id`.
#[allow(dead_code)]
pub struct KeyScene {
    pub chain: session_keys::LocalChain,
    pub owner: session_keys::Key,
    pub key: session_keys::Key,
    pub modules: session_keys::Modules,
    pub account: alloy_primitives::Address,
    pub counter: alloy_primitives::Address,
    pub entity_id: u32,
    /// Whether the granted key's operations need the `executeUserOp`
    /// prefix.
    pub prefixed: bool,
}

#[allow(dead_code)]
impl KeyScene {
    /// A fresh chain, with the key from `key_seed` at `entity_id`.
    pub fn new(key_seed: u8, entity_id: u32) -> Self {
        use alloy_primitives::U256;
        let mut chain = session_keys::LocalChain::new();
        let owner = session_keys::Key::from_seed(0x0a);
        chain.fund(owner.address(), U256::from(10u64).pow(U256::from(21)));
        let deposit = U256::from(10u64).pow(U256::from(17));
        let (modules, account, counter) = account_with_counter(&mut chain, &owner, deposit);
        Self {
            chain,
            owner,
            key: session_keys::Key::from_seed(key_seed),
            modules,
            account,
            counter,
            entity_id,
            prefixed: false,
        }
    }

    /// The owner grants `set` to the key; returns each hook's (module,
    /// role flag).
    pub fn grant(
        &mut self,
        set: &session_keys::PermissionSet,
    ) -> Vec<(alloy_primitives::Address, u8)> {
        self.prefixed = set.needs_execute_user_op();
        let install = grant(
            &mut self.chain,
            &self.owner,
            &self.modules,
            self.account,
            set,
            self.entity_id,
            &self.key.clone(),
        );
        install
            .hooks
            .iter()
            .map(|h| (alloy_primitives::Address::from_slice(&h[..20]), h[24]))
            .collect()
    }

    /// The key's `Counter.increment()` through `handleOps`, bundled by the
    /// owner, paid by `paymaster` (`None`: the account), with the hook
    /// segments the SDK computes at the chain's time.
    pub fn increment(
        &mut self,
        paymaster: Option<alloy_primitives::Address>,
    ) -> session_keys::operation::OpOutcome {
        use alloy_sol_types::SolCall;
        let call = session_keys::abi::ICounter::incrementCall {}.abi_encode();
        let counter = self.counter;
        self.send(&[(counter, alloy_primitives::U256::ZERO, call)], paymaster)
    }

    /// The key's operation making `calls`, as [`KeyScene::increment`].
    pub fn send(
        &mut self,
        calls: &[(alloy_primitives::Address, alloy_primitives::U256, Vec<u8>)],
        paymaster: Option<alloy_primitives::Address>,
    ) -> session_keys::operation::OpOutcome {
        use session_keys::Chain;
        let now = self.chain.timestamp().unwrap();
        self.send_hinting(calls, paymaster, now)
    }

    /// [`KeyScene::send`] with the period hints the SDK would give at
    /// `hinted` instead of the chain's time: what a key that bundles its
    /// own operation may sign.
    pub fn send_hinting(
        &mut self,
        calls: &[(alloy_primitives::Address, alloy_primitives::U256, Vec<u8>)],
        paymaster: Option<alloy_primitives::Address>,
        hinted: u64,
    ) -> session_keys::operation::OpOutcome {
        use session_keys::Chain;
        let hooks = session_keys::inspect::validation_view(
            &mut self.chain,
            &self.modules,
            self.account,
            self.entity_id,
        )
        .unwrap()
        .unwrap()
        .hooks;
        let segments = session_keys::inspect::hook_segments(
            &mut self.chain,
            &self.modules,
            self.account,
            &hooks,
            hinted,
        )
        .unwrap();
        let segments: Vec<(u8, &[u8])> = segments.iter().map(|(i, b)| (*i, &b[..])).collect();
        let nonce = session_keys::operation::next_nonce(
            &mut self.chain,
            self.account,
            self.entity_id,
            false,
        )
        .unwrap();
        let call_data = session_keys::operation::calls_data(calls, self.prefixed);
        let mut op = session_keys::user_op::unsigned(
            self.account,
            nonce,
            call_data,
            session_keys::Gas::default(),
        );
        if let Some(paymaster) = paymaster {
            // Paymaster verification gas 100,000; postOp gas 0.
            let mut data = paymaster.to_vec();
            data.extend_from_slice(&100_000u128.to_be_bytes());
            data.extend_from_slice(&0u128.to_be_bytes());
            op.paymasterAndData = data.into();
        }
        let chain_id = self.chain.chain_id().unwrap();
        let hash =
            localnet::entry_point::user_op_hash(&op, localnet::entry_point::ENTRY_POINT, chain_id);
        op.signature =
            session_keys::encode::signature(&segments, &self.key.sign_user_op_hash(hash));
        let owner = self.owner.clone();
        session_keys::operation::handle_ops(&mut self.chain, &owner, op).unwrap()
    }

    /// The Counter's count.
    pub fn count(&mut self) -> alloy_primitives::U256 {
        use alloy_sol_types::SolCall;
        use session_keys::abi::ICounter;
        use session_keys::Chain;
        let call = ICounter::countCall {}.abi_encode();
        let out = self
            .chain
            .call(alloy_primitives::Address::ZERO, self.counter, call.into())
            .unwrap();
        ICounter::countCall::abi_decode_returns(&out.output).unwrap()
    }
}

/// The revert reason `module` gave for refusing `outcome` in validation
/// (the EntryPoint's `FailedOpWithRevert` around the account's
/// `PreUserOpValidationHookReverted`); panics if it was not refused so.
#[allow(dead_code)]
#[track_caller]
pub fn module_refusal(
    outcome: session_keys::operation::OpOutcome,
    module: alloy_primitives::Address,
) -> Vec<u8> {
    let session_keys::operation::OpOutcome::Refused(receipt) = outcome else {
        panic!("not refused: {outcome:?}")
    };
    let wrapped = receipt
        .revert_data
        .as_ref()
        .and_then(|data| session_keys::errors::FailedOp::decode(data))
        .and_then(|f| f.module_error())
        .unwrap_or_else(|| panic!("{}", receipt.failure_reason()));
    assert_eq!(wrapped.module, module);
    wrapped.reason.to_vec()
}
