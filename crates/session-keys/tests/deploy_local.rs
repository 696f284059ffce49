//! `deploy_all` on the embedded local chain: every contract lands at its
//! deterministic address and is activated; a second run skips them all.

use alloy_primitives::U256;
use localnet::entry_point::ENTRY_POINT;
use session_keys::deploy::{deploy_all, deterministic_address, onchain_code, Action, ACCOUNT};
use session_keys::modules::MODULE_NAMES;
use session_keys::{Chain, Key, LocalChain};

mod common;

#[test]
fn deploys_once_then_skips() {
    if !common::built("deploys_once_then_skips") {
        return;
    }
    let mut chain = LocalChain::new();
    let deployer = Key::from_seed(0x42);
    chain.fund(deployer.address(), U256::from(10u64).pow(U256::from(20)));

    let first = deploy_all(&mut chain, &deployer, &mut ()).unwrap();
    assert_eq!(first.chain_id, 412_346);
    assert_eq!(first.contracts.len(), MODULE_NAMES.len() + 2);
    for c in &first.contracts {
        assert_eq!(c.action, Action::Deployed, "{}", c.name);
        assert!(c.gas_used > 0);
        assert!(!chain.code(c.address).unwrap().is_empty());
    }
    for name in MODULE_NAMES.iter().copied().chain([ACCOUNT]) {
        let code = onchain_code(name).unwrap();
        assert_eq!(first.address_of(name), Some(deterministic_address(&code)));
        let address = deterministic_address(&code);
        assert!(chain.net.program_record(address).is_some(), "{name} active");
    }
    assert_eq!(first.address_of("EntryPoint"), Some(ENTRY_POINT));
    let modules = first.modules().unwrap();
    assert_eq!(
        modules.session_signer,
        first.address_of("session-signer").unwrap()
    );

    let second = deploy_all(&mut chain, &deployer, &mut ()).unwrap();
    for (a, b) in first.contracts.iter().zip(&second.contracts) {
        assert_eq!(a.address, b.address);
        assert_eq!(b.action, Action::Skipped, "{}", b.name);
        assert_eq!(b.gas_used, 0);
    }
}

#[test]
fn a_chain_without_the_proxy_is_refused() {
    let mut chain = LocalChain::from_net(localnet::Localnet::new());
    let deployer = Key::from_seed(0x42);
    let err = deploy_all(&mut chain, &deployer, &mut ()).unwrap_err();
    assert!(
        err.to_string().contains("deterministic deployment proxy"),
        "{err}"
    );
}
