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
    let path = session_keys::token::token_fixture_path();
    if path.is_file() {
        return true;
    }
    let message = format!(
        "{test}: missing {} (run scripts/fetch-solidity-fixtures.sh)",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("\n**************** SKIPPED ****************\n{message}\n");
    false
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
