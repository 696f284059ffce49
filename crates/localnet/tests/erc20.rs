//! A real program no one here wrote: OpenZeppelin's Stylus ERC-20
//! (`fixtures/oz-erc20-stylus`, built by `scripts/build-fixtures.sh`) next to
//! OpenZeppelin's Solidity `ERC20PresetFixedSupply` 4.9.6 (from the npm
//! package, fetched by `scripts/fetch-solidity-fixtures.sh`), on one chain:
//! the same operations must behave alike, and the test prints their gas
//! side by side (run with `--nocapture`).

use std::path::PathBuf;

use alloy_primitives::{hex, Address, U256};
use alloy_sol_types::{sol, SolCall, SolConstructor};
use localnet::{Localnet, TxOutcome};

sol! {
    function initialize(string name, string symbol, uint256 initialSupply, address owner) external;
    function totalSupply() external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function allowance(address owner, address spender) external view returns (uint256);
    function approve(address spender, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    contract Preset { constructor(string name, string symbol, uint256 initialSupply, address owner); }
}

const ALICE: Address = Address::new([0xA1; 20]);
const BOB: Address = Address::new([0xB0; 20]);
const CAROL: Address = Address::new([0xC0; 20]);

/// A fixture file, or `None` (with a message) when it was not built here;
/// in CI, where the fixtures are built first, a missing file is an error.
fn fixture(relative: &str, how: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: {} is missing; run {how}", path.display());
            None
        }
        Err(e) => panic!("{}: {e}; run {how}", path.display()),
    }
}

/// Gas of each operation, and the state checks, for one token.
fn exercise(net: &mut Localnet, token: Address, supply: U256) -> Vec<(&'static str, u64)> {
    let balance = |net: &mut Localnet, who| {
        net.call(BOB, token, balanceOfCall { account: who }.abi_encode())
            .decode_return::<balanceOfCall>()
            .expect("balanceOf")
    };
    let send = |net: &mut Localnet, from, call: Vec<u8>| -> TxOutcome {
        net.transact(from, token, U256::ZERO, call).expect_success()
    };
    let amount = U256::from(12_345u64);
    assert_eq!(balance(net, ALICE), supply);
    let mut gas = Vec::new();
    let out = send(
        net,
        ALICE,
        transferCall {
            to: BOB,
            value: amount,
        }
        .abi_encode(),
    );
    gas.push(("transfer to a new holder", out.gas_used));
    let out = send(
        net,
        ALICE,
        transferCall {
            to: BOB,
            value: amount,
        }
        .abi_encode(),
    );
    gas.push(("transfer to a holder", out.gas_used));
    let out = send(
        net,
        ALICE,
        approveCall {
            spender: CAROL,
            value: amount,
        }
        .abi_encode(),
    );
    gas.push(("approve", out.gas_used));
    let out = send(
        net,
        CAROL,
        transferFromCall {
            from: ALICE,
            to: CAROL,
            value: amount,
        }
        .abi_encode(),
    );
    gas.push(("transferFrom", out.gas_used));
    let view = net.call(BOB, token, balanceOfCall { account: ALICE }.abi_encode());
    gas.push(("balanceOf (call)", view.gas_used));

    assert_eq!(balance(net, BOB), amount * U256::from(2));
    assert_eq!(balance(net, CAROL), amount);
    assert_eq!(balance(net, ALICE), supply - amount * U256::from(3));
    let allowance = net
        .call(
            BOB,
            token,
            allowanceCall {
                owner: ALICE,
                spender: CAROL,
            }
            .abi_encode(),
        )
        .decode_return::<allowanceCall>()
        .unwrap();
    assert_eq!(allowance, U256::ZERO);
    // Overdrawing reverts and moves nothing.
    let overdraw = net.transact(
        BOB,
        token,
        U256::ZERO,
        transferCall {
            to: CAROL,
            value: supply,
        }
        .abi_encode(),
    );
    assert!(overdraw.reverted(), "{overdraw}");
    assert_eq!(balance(net, CAROL), amount);
    gas
}

#[test]
fn oz_stylus_and_solidity_erc20_behave_alike() {
    let Some(stylus_code) = fixture("target/stylus/oz-erc20.code", "scripts/build-fixtures.sh")
    else {
        return;
    };
    let Some(solidity_hex) = fixture(
        "target/fixtures/ERC20PresetFixedSupply.bin",
        "scripts/fetch-solidity-fixtures.sh",
    ) else {
        return;
    };
    let mut net = Localnet::new();
    for who in [ALICE, BOB, CAROL] {
        net.fund(who, U256::from(10u64).pow(U256::from(20)));
    }
    let supply = U256::from(1_000u64) * U256::from(10u64).pow(U256::from(18));

    let stylus = net.deploy_stylus(&stylus_code);
    let init = initializeCall {
        name: "Stylus Token".into(),
        symbol: "STY".into(),
        initialSupply: supply,
        owner: ALICE,
    };
    net.transact(ALICE, stylus, U256::ZERO, init.abi_encode())
        .expect_success();

    let mut init_code = hex::decode(String::from_utf8(solidity_hex).unwrap().trim()).unwrap();
    init_code.extend(
        Preset::constructorCall {
            name: "Solidity Token".into(),
            symbol: "SOL".into(),
            initialSupply: supply,
            owner: ALICE,
        }
        .abi_encode(),
    );
    let solidity = net.deploy_evm(init_code);

    let stylus_gas = exercise(&mut net, stylus, supply);
    let solidity_gas = exercise(&mut net, solidity, supply);

    // The same operations once more with the Stylus token cached.
    let mut cached_net = Localnet::new();
    for who in [ALICE, BOB, CAROL] {
        cached_net.fund(who, U256::from(10u64).pow(U256::from(20)));
    }
    let cached = cached_net.deploy_stylus(&stylus_code);
    cached_net.set_cached(cached, true);
    cached_net
        .transact(ALICE, cached, U256::ZERO, init.abi_encode())
        .expect_success();
    let cached_gas = exercise(&mut cached_net, cached, supply);

    let info = net.activation_info(stylus).expect("activated");
    let uncached_part = 8_832 + u64::from(info.init_cost);
    println!("| operation | Stylus uncached | Stylus cached | Solidity | uncached / Solidity |");
    println!("|---|---|---|---|---|");
    for ((op, s), ((_, c), (_, e))) in stylus_gas.iter().zip(cached_gas.iter().zip(&solidity_gas)) {
        println!("| {op} | {s} | {c} | {e} | {:.2} |", *s as f64 / *e as f64);
        // Each operation enters the program once: caching saves exactly the
        // uncached part of the entry cost, 8,832 + init_cost.
        assert_eq!(s - c, uncached_part, "{op}");
    }
}
