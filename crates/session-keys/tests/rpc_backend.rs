//! [`RpcChain`], the JSON-RPC backend, against a real JSON-RPC node: a
//! `localnet-rpc` node started by each test on a free loopback port. Every
//! [`Chain`] method, the revert paths (not sent after a reverting estimate;
//! mined and replayed for its revert data), creations, value, the clock, and
//! endpoints that cannot be reached.
//!
//! The contracts are small hand-assembled EVM programs (see each function),
//! the SDK's [`Counter`], and the Stylus modules from `target/stylus/`
//! (built by `scripts/build-contracts.sh`; those tests are skipped when
//! they are missing, unless `CI` is set). The last test sends a session
//! key's operations through the node's bundler methods ([`Bundler`]).

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use alloy_provider::Provider;
use alloy_sol_types::{sol, SolCall};
use localnet::entry_point::{user_op_hash, ENTRY_POINT};
use localnet::{abi::ArbWasm, deployer_init_code, ARBWASM, CHAIN_ID};
use localnet_rpc::{LocalnetRpc, NodeConfig, RunningNode, DEV_ACCOUNT, DEV_PRIVATE_KEY};
use session_keys::abi::ICounter;
use session_keys::bundler::{Bundler, BundlerError};
use session_keys::operation::{calls_data, estimate_gas, signed_op};
use session_keys::{
    describe, Chain, ChainError, Counter, Gas, Key, PermissionSet, RpcChain, TxRequest,
};

mod common;

const GENESIS: u64 = 1_760_000_000;
const ETHER: u64 = 1_000_000_000_000_000_000;

sol! {
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
}

fn start() -> (RunningNode, RpcChain) {
    let node = LocalnetRpc::start(NodeConfig::default().genesis_timestamp(GENESIS))
        .expect("the node starts");
    let chain = RpcChain::connect(&node.url()).expect("connects");
    (node, chain)
}

fn dev_key() -> Key {
    let key = Key::from_bytes(DEV_PRIVATE_KEY);
    assert_eq!(key.address(), DEV_ACCOUNT);
    key
}

fn nonce(chain: &RpcChain, who: Address) -> u64 {
    chain
        .block_on(chain.provider().get_transaction_count(who).into_future())
        .expect("a nonce")
}

fn block_number(chain: &RpcChain) -> u64 {
    chain
        .block_on(chain.provider().get_block_number())
        .expect("a block number")
}

fn deploy(chain: &mut RpcChain, runtime: &[u8]) -> Address {
    let receipt = chain
        .send(&dev_key(), TxRequest::create(deployer_init_code(runtime)))
        .expect("sends");
    assert!(receipt.success, "deployment failed: {receipt:?}");
    receipt.contract_address.expect("a created contract")
}

/// Reverts with its calldata:
/// `CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 REVERT`.
fn reverter_code() -> Vec<u8> {
    vec![0x36, 0x5f, 0x5f, 0x37, 0x36, 0x5f, 0xfd]
}

/// The event topic [`logger_code`] logs.
fn ping_topic() -> B256 {
    keccak256("Ping(bytes)")
}

/// Logs its calldata under [`ping_topic`]:
/// `CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY PUSH32 topic CALLDATASIZE PUSH0 LOG1 STOP`.
fn logger_code() -> Vec<u8> {
    let mut code = vec![0x36, 0x5f, 0x5f, 0x37, 0x7f];
    code.extend(ping_topic());
    code.extend([0x36, 0x5f, 0xa1, 0x00]);
    code
}

/// `0xdeadbeef`, the revert data of [`gas_price_gate_code`] and
/// [`reverting_init_code`].
const DEADBEEF: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];

/// Succeeds in simulations (gas price 0) and reverts with `0xdeadbeef` when
/// mined (gas price > 0): a transaction whose estimate passes and which
/// fails on chain.
///
/// ```text
/// 00 GASPRICE PUSH1 5 JUMPI STOP
/// 05 JUMPDEST PUSH4 0xdeadbeef PUSH0 MSTORE PUSH1 4 PUSH1 28 REVERT
/// ```
fn gas_price_gate_code() -> Vec<u8> {
    vec![
        0x3a, 0x60, 0x05, 0x57, 0x00, 0x5b, 0x63, 0xde, 0xad, 0xbe, 0xef, 0x5f, 0x52, 0x60, 0x04,
        0x60, 0x1c, 0xfd,
    ]
}

/// Init code that reverts with `0xdeadbeef`:
/// `PUSH4 0xdeadbeef PUSH0 MSTORE PUSH1 4 PUSH1 28 REVERT`.
fn reverting_init_code() -> Vec<u8> {
    vec![
        0x63, 0xde, 0xad, 0xbe, 0xef, 0x5f, 0x52, 0x60, 0x04, 0x60, 0x1c, 0xfd,
    ]
}

#[test]
fn connects_and_reads_the_chain() {
    let (node, mut chain) = start();
    assert_eq!(chain.describe(), node.url());
    assert_eq!(chain.url(), node.url());
    assert_eq!(chain.chain_id().unwrap(), CHAIN_ID);
    assert_eq!(chain.timestamp().unwrap(), GENESIS);
    assert_eq!(chain.balance(DEV_ACCOUNT).unwrap(), localnet_rpc::DEV_FUNDS);
    assert_eq!(
        chain
            .code(localnet::entry_point::DETERMINISTIC_DEPLOYER)
            .unwrap(),
        Bytes::from_static(&localnet::entry_point::DETERMINISTIC_DEPLOYER_CODE)
    );
    assert!(chain.code(Address::repeat_byte(0x77)).unwrap().is_empty());
}

#[test]
fn unreachable_endpoints_fail_fast() {
    let started = Instant::now();
    let err = RpcChain::connect("http://127.0.0.1:1").expect_err("nothing listens on port 1");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
    match err {
        ChainError::Unreachable { url, reason } => {
            assert_eq!(url, "http://127.0.0.1:1");
            assert!(!reason.is_empty());
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }

    for (url, expected) in [
        ("not a url", "not a valid URL"),
        ("ws://127.0.0.1:8548", "unsupported scheme ws"),
    ] {
        match RpcChain::connect(url) {
            Err(ChainError::Unreachable { url: got, reason }) => {
                assert_eq!(got, url);
                assert!(reason.contains(expected), "{reason}");
            }
            other => panic!("{url}: expected Unreachable, got {other:?}"),
        }
    }

    // A node that goes away: the next request is Unreachable too.
    let (node, mut chain) = start();
    node.shutdown().expect("stops");
    assert!(matches!(
        chain.balance(DEV_ACCOUNT),
        Err(ChainError::Unreachable { .. })
    ));
}

#[test]
fn transfers_value_with_a_full_receipt() {
    let (_node, mut chain) = start();
    let key = dev_key();
    let to = Address::repeat_byte(0x42);
    let before = chain.balance(DEV_ACCOUNT).unwrap();
    let receipt = chain.transfer(&key, to, U256::from(ETHER)).unwrap();
    assert!(receipt.success);
    assert_eq!(receipt.gas_used, 21_000);
    assert!(receipt.logs.is_empty());
    assert_eq!(receipt.contract_address, None);
    assert_eq!(receipt.revert_data, None);
    let hash = receipt.tx_hash.expect("sent");
    let tx = chain
        .block_on(chain.provider().get_transaction_by_hash(hash))
        .unwrap()
        .expect("the node knows the transaction");
    assert_eq!(tx.inner.signer(), DEV_ACCOUNT);

    assert_eq!(chain.balance(to).unwrap(), U256::from(ETHER));
    let spent = before - chain.balance(DEV_ACCOUNT).unwrap();
    assert!(spent > U256::from(ETHER), "value plus gas: {spent}");
    assert_eq!(nonce(&chain, DEV_ACCOUNT), 1);
    assert_eq!(chain.timestamp().unwrap(), GENESIS + 1);
}

#[test]
fn creates_contracts_calls_them_and_reads_logs() {
    let (_node, mut chain) = start();
    let key = dev_key();

    let counter = deploy(&mut chain, &session_keys::counter::runtime_code());
    assert_eq!(
        chain.code(counter).unwrap(),
        Bytes::from(session_keys::counter::runtime_code())
    );
    let count = |chain: &mut RpcChain| {
        let out = chain
            .call(DEV_ACCOUNT, counter, Counter::count_calldata().into())
            .unwrap();
        assert!(out.success);
        U256::from_be_slice(&out.output)
    };
    assert_eq!(count(&mut chain), U256::ZERO);
    let receipt = chain
        .send(
            &key,
            TxRequest::call(counter, Counter::increment_calldata()),
        )
        .unwrap();
    assert!(receipt.success);
    assert_eq!(count(&mut chain), U256::from(1));

    let logger = deploy(&mut chain, &logger_code());
    let data = Bytes::from_static(b"hello, chain");
    let receipt = chain
        .send(&key, TxRequest::call(logger, data.clone()))
        .unwrap();
    assert!(receipt.success);
    assert_eq!(
        receipt.logs,
        vec![Log::new_unchecked(logger, vec![ping_topic()], data)]
    );

    // A creation that reverts is not sent either.
    let receipt = chain
        .send(&key, TxRequest::create(reverting_init_code()))
        .unwrap();
    assert!(!receipt.success);
    assert_eq!(receipt.tx_hash, None);
    assert_eq!(receipt.revert_data, Some(Bytes::from_static(&DEADBEEF)));
}

#[test]
fn a_reverting_transaction_is_not_sent() {
    let (_node, mut chain) = start();
    let key = dev_key();
    let reverter = deploy(&mut chain, &reverter_code());
    let nonce_before = nonce(&chain, DEV_ACCOUNT);
    let block_before = block_number(&chain);
    let balance_before = chain.balance(DEV_ACCOUNT).unwrap();

    let revert_data = Bytes::from([&DEADBEEF[..], &U256::from(42).to_be_bytes::<32>()].concat());
    let receipt = chain
        .send(&key, TxRequest::call(reverter, revert_data.clone()))
        .unwrap();
    assert_eq!(
        receipt,
        session_keys::Receipt {
            tx_hash: None,
            success: false,
            gas_used: 0,
            logs: Vec::new(),
            contract_address: None,
            revert_data: Some(revert_data.clone()),
        }
    );
    // With its own gas limit, it is simulated first all the same.
    let mut with_limit = TxRequest::call(reverter, revert_data.clone());
    with_limit.gas_limit = Some(100_000);
    let receipt = chain.send(&key, with_limit).unwrap();
    assert_eq!(receipt.tx_hash, None);
    assert_eq!(receipt.revert_data, Some(revert_data.clone()));
    // An empty revert is a revert too.
    let receipt = chain
        .send(&key, TxRequest::call(reverter, Bytes::new()))
        .unwrap();
    assert_eq!(receipt.tx_hash, None);
    assert_eq!(receipt.revert_data, Some(Bytes::new()));

    assert_eq!(nonce(&chain, DEV_ACCOUNT), nonce_before, "nothing was sent");
    assert_eq!(block_number(&chain), block_before);
    assert_eq!(chain.balance(DEV_ACCOUNT).unwrap(), balance_before);

    let call = chain
        .call(DEV_ACCOUNT, reverter, revert_data.clone())
        .unwrap();
    assert!(!call.success);
    assert_eq!(call.output, revert_data);
}

#[test]
fn a_mined_failure_is_replayed_for_its_revert_data() {
    let (_node, mut chain) = start();
    let key = dev_key();
    let gate = deploy(&mut chain, &gas_price_gate_code());
    // Simulated at gas price 0 it succeeds...
    assert!(chain.call(DEV_ACCOUNT, gate, Bytes::new()).unwrap().success);
    let nonce_before = nonce(&chain, DEV_ACCOUNT);
    // ...so it is sent, and fails on chain.
    let receipt = chain
        .send(&key, TxRequest::call(gate, Bytes::new()))
        .unwrap();
    assert!(!receipt.success);
    assert!(receipt.tx_hash.is_some(), "it was sent");
    assert!(receipt.gas_used > 21_000);
    assert!(receipt.logs.is_empty());
    assert_eq!(receipt.revert_data, Some(Bytes::from_static(&DEADBEEF)));
    assert_eq!(nonce(&chain, DEV_ACCOUNT), nonce_before + 1);
}

#[test]
fn explicit_gas_limits_are_used() {
    let (_node, mut chain) = start();
    let key = dev_key();
    let counter = deploy(&mut chain, &session_keys::counter::runtime_code());
    let mut tx = TxRequest::call(counter, Counter::increment_calldata());
    tx.gas_limit = Some(60_000);
    let receipt = chain.send(&key, tx).unwrap();
    assert!(receipt.success);
    let sent: serde_json::Value = chain
        .block_on(chain.provider().raw_request(
            "eth_getTransactionByHash".into(),
            (receipt.tx_hash.expect("sent"),),
        ))
        .unwrap();
    assert_eq!(sent["gas"], format!("{:#x}", 60_000));

    // Simulated with too little gas, the call fails like a revert (as on
    // the embedded chain); below the intrinsic cost it is refused.
    let mut starved = TxRequest::call(counter, Counter::increment_calldata());
    starved.gas_limit = Some(22_000);
    let simulated = chain.simulate(DEV_ACCOUNT, starved.clone()).unwrap();
    assert!(
        !simulated.success && simulated.output.is_empty(),
        "{simulated:?}"
    );
    starved.gas_limit = Some(20_000);
    let refused = chain.simulate(DEV_ACCOUNT, starved);
    assert!(
        matches!(refused, Err(ChainError::Rejected(_))),
        "{refused:?}"
    );

    // Too little gas for the call: the simulation says so, nothing is sent.
    let mut short = TxRequest::call(counter, Counter::increment_calldata());
    short.gas_limit = Some(22_000);
    let nonce_before = nonce(&chain, DEV_ACCOUNT);
    match chain.send(&key, short) {
        Err(ChainError::Rpc(message)) => assert!(message.contains("out of gas"), "{message}"),
        other => panic!("expected an out-of-gas error, got {other:?}"),
    }
    assert_eq!(nonce(&chain, DEV_ACCOUNT), nonce_before);
}

#[test]
fn simulates_value_and_creations() {
    let (_node, mut chain) = start();
    let created = chain
        .simulate(
            DEV_ACCOUNT,
            TxRequest::create(session_keys::counter::init_code()),
        )
        .unwrap();
    assert!(created.success);
    assert_eq!(
        created.output,
        Bytes::from(session_keys::counter::runtime_code())
    );
    let paid = chain
        .simulate(
            DEV_ACCOUNT,
            TxRequest::call(Address::repeat_byte(0x55), Bytes::new()).with_value(U256::from(ETHER)),
        )
        .unwrap();
    assert!(paid.success);
    assert_eq!(
        chain.balance(Address::repeat_byte(0x55)).unwrap(),
        U256::ZERO
    );
    let reverted = chain
        .simulate(DEV_ACCOUNT, TxRequest::create(reverting_init_code()))
        .unwrap();
    assert!(!reverted.success);
    assert_eq!(reverted.output, Bytes::from_static(&DEADBEEF));
}

#[test]
fn refused_transactions_are_rejected() {
    let (_node, mut chain) = start();
    let poor = Key::from_seed(0x5a);
    // Value it does not have: the estimate refuses it.
    let err = chain
        .transfer(&poor, DEV_ACCOUNT, U256::from(1))
        .expect_err("no funds");
    match err {
        ChainError::Rejected(message) => {
            assert!(message.contains("insufficient funds"), "{message}")
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    // No value, but no gas money: the node refuses the signed transaction.
    let err = chain
        .send(&poor, TxRequest::call(DEV_ACCOUNT, Bytes::new()))
        .expect_err("no funds for gas");
    match err {
        ChainError::Rejected(message) => {
            assert!(message.contains("insufficient funds"), "{message}")
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(nonce(&chain, poor.address()), 0);
    assert_eq!(block_number(&chain), 0);
}

#[test]
fn advance_time_moves_the_clock() {
    let (_node, mut chain) = start();
    let key = dev_key();
    let before = chain.timestamp().unwrap();
    let block_before = block_number(&chain);
    chain.advance_time(3_600).unwrap();
    // The mined block carries the hour, plus its own second.
    assert_eq!(chain.timestamp().unwrap(), before + 3_601);
    assert_eq!(block_number(&chain), block_before + 1);
    let receipt = chain
        .transfer(&key, Address::repeat_byte(0x66), U256::from(1))
        .unwrap();
    assert!(receipt.success);
    assert_eq!(chain.timestamp().unwrap(), before + 3_602);
    chain.advance_time(0).unwrap();
    assert_eq!(chain.timestamp().unwrap(), before + 3_603);
}

#[test]
fn a_stylus_program_through_rpc() {
    let path = localnet::contract_code_path("time-window");
    if !path.is_file() {
        let message = format!(
            "a_stylus_program_through_rpc: {} is missing (run scripts/build-contracts.sh)",
            path.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{message}");
        eprintln!("\n**************** SKIPPED ****************\n{message}\n");
        return;
    }
    let code = std::fs::read(&path).expect("reads the program");
    let (_node, mut chain) = start();
    let key = dev_key();
    let program = deploy(&mut chain, &code);
    let erc165 = supportsInterfaceCall {
        interfaceId: [0x01, 0xff, 0xc9, 0xa7].into(),
    }
    .abi_encode();

    let before = chain
        .call(DEV_ACCOUNT, program, erc165.clone().into())
        .unwrap();
    assert!(!before.success, "not activated yet");

    // The data fee ArbWasm asks, simulated with a generous value, is sent
    // with the activation.
    let activate = TxRequest::call(
        ARBWASM,
        ArbWasm::activateProgramCall { program }.abi_encode(),
    );
    let probe = chain
        .simulate(
            DEV_ACCOUNT,
            activate
                .clone()
                .with_value(U256::from(10u64).pow(U256::from(18))),
        )
        .unwrap();
    assert!(probe.success, "{probe:?}");
    let fee = ArbWasm::activateProgramCall::abi_decode_returns(&probe.output)
        .unwrap()
        .dataFee;
    assert!(fee > U256::ZERO);
    let activation = chain.send(&key, activate.with_value(fee)).unwrap();
    assert!(activation.success, "{activation:?}");
    let answer = chain
        .call(DEV_ACCOUNT, program, erc165.clone().into())
        .unwrap();
    assert!(answer.success);
    assert!(supportsInterfaceCall::abi_decode_returns(&answer.output).unwrap());
    // A transaction into the program, gas estimated by the node.
    let receipt = chain.send(&key, TxRequest::call(program, erc165)).unwrap();
    assert!(receipt.success, "{receipt:?}");
}

/// The node's bundler through [`Bundler`]: an operation taken, bundled and
/// its receipt read; one the permissions refuse rejected with the
/// EntryPoint's reason; one whose execution reverts bundled with its
/// reason; a node without EntryPoint v0.7 does not bundle.
#[test]
fn a_session_key_operation_through_the_bundler_api() {
    if !common::built("a_session_key_operation_through_the_bundler_api") {
        return;
    }
    let node = LocalnetRpc::start(NodeConfig::default().entry_point(true)).expect("a node");
    let mut chain = RpcChain::connect(&node.url()).unwrap();
    let owner = dev_key();
    let (modules, account, counter) =
        common::account_with_counter(&mut chain, &owner, U256::from(ETHER / 10));
    let key = Key::from_seed(0x5e);
    let now = chain.timestamp().unwrap();
    let set = PermissionSet::new()
        .functions(counter, [ICounter::incrementCall::SELECTOR])
        // 0.1 ether, each operation's maximum gas cost included.
        .native_limit(U256::from(10u64).pow(U256::from(17)), None)
        .time_window(now, now + 3_600)
        // The granular modules, whose native limit refuses value in
        // execution: the receipt of a paid, reverted operation.
        .with_modules();
    common::grant(&mut chain, &owner, &modules, account, &set, 1, &key);

    let bundler = Bundler::connect(&node.url()).unwrap();
    bundler.check_entry_point().unwrap();
    let op_for = |chain: &mut RpcChain, calls: &[(Address, U256, Vec<u8>)]| {
        let call_data = calls_data(calls, true);
        let gas =
            estimate_gas(chain, account, (1, false), &call_data, &key, Gas::default()).unwrap();
        signed_op(chain, account, 1, false, call_data, &key, gas).unwrap()
    };

    // Taken and bundled: the receipt has what the account paid.
    let increment = ICounter::incrementCall {}.abi_encode();
    let op = op_for(&mut chain, &[(counter, U256::ZERO, increment.clone())]);
    let hash = bundler.send(&op).unwrap();
    assert_eq!(hash, user_op_hash(&op, ENTRY_POINT, CHAIN_ID));
    let receipt = bundler.wait(hash, Duration::from_secs(10)).unwrap();
    assert!(receipt.success, "{receipt:?}");
    assert_eq!((receipt.user_op_hash, receipt.sender), (hash, account));
    assert!(receipt.actual_gas_cost > U256::ZERO && receipt.receipt.status());
    // The receipt is what the chain says; a forged one is caught.
    bundler.confirm_on_chain(&chain, &receipt).unwrap();
    let mut forged = receipt.clone();
    forged.actual_gas_cost = U256::from(1);
    let err = bundler.confirm_on_chain(&chain, &forged).unwrap_err();
    assert!(matches!(err, BundlerError::Unconfirmed { .. }), "{err}");
    forged = receipt.clone();
    forged.user_op_hash = B256::repeat_byte(9);
    let err = bundler.confirm_on_chain(&chain, &forged).unwrap_err();
    assert!(err.to_string().contains("no UserOperationEvent"), "{err}");
    let count = Counter { address: counter }.count_on(&mut chain).unwrap();
    assert_eq!(count, U256::from(1));
    // The same operation again is refused.
    let again = bundler.send(&op).unwrap_err();
    assert!(again.to_string().contains("already bundled"), "{again}");

    // Refused by a permission: -32500 with the EntryPoint's revert data.
    let count_call = ICounter::countCall {}.abi_encode();
    let call_data = calls_data(&[(counter, U256::ZERO, count_call)], true);
    let refused = signed_op(
        &mut chain,
        account,
        1,
        false,
        call_data,
        &key,
        Gas::default(),
    )
    .unwrap();
    let err = bundler.send(&refused).unwrap_err();
    let BundlerError::Rejected { code, data, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*code, -32500);
    assert!(data.is_some(), "{err}");
    assert!(err.to_string().contains("SelectorNotAllowed"), "{err}");

    // Validated and paid, then the execution hook refuses it: the receipt
    // says so, with the reason.
    let over = calls_data(
        &[(
            counter,
            U256::from(2u64) * U256::from(10u64).pow(U256::from(17)),
            increment,
        )],
        true,
    );
    let gas = Gas {
        verification_gas_limit: 1_000_000,
        call_gas_limit: 300_000,
        ..Gas::default()
    };
    let op = signed_op(&mut chain, account, 1, false, over, &key, gas).unwrap();
    let receipt = bundler
        .wait(bundler.send(&op).unwrap(), Duration::from_secs(10))
        .unwrap();
    assert!(!receipt.success);
    let reason = describe(&receipt.reason);
    assert!(reason.contains("SpendLimitExceeded"), "{reason}");

    // A receipt of an unknown operation is none; a node without EntryPoint
    // v0.7 does not bundle.
    assert!(bundler.receipt(B256::repeat_byte(7)).unwrap().is_none());
    let (_bare, _) = start();
    let err = Bundler::connect(&_bare.url())
        .unwrap()
        .check_entry_point()
        .unwrap_err();
    assert!(
        matches!(err, BundlerError::UnsupportedEntryPoint { .. }),
        "{err}"
    );
}
