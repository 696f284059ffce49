//! The node through real clients: an alloy provider with its recommended
//! fillers and a local wallet, and raw HTTP for malformed requests. Each
//! test starts its own node on a free loopback port.
//!
//! The contracts are hand-assembled EVM code (see each function), plus the
//! `time-window` Stylus module from `target/stylus/` (built by
//! `scripts/build-contracts.sh`; skipped when missing, unless `CI` is set).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use alloy_eips::eip2718::Encodable2718;
use alloy_eips::eip2930::{AccessList, AccessListItem};
use alloy_eips::BlockNumberOrTag;
use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::{Filter, TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface, SolValue};
use localnet::entry_point::{DETERMINISTIC_DEPLOYER, DETERMINISTIC_DEPLOYER_CODE, ENTRY_POINT};
use localnet::{abi::ArbWasm, deployer_init_code, ARBWASM, BASEFEE, CHAIN_ID};
use localnet_rpc::{LocalnetRpc, NodeConfig, RunningNode, DEV_ACCOUNT, DEV_FUNDS, DEV_PRIVATE_KEY};
use serde_json::{json, Value};

const GENESIS: u64 = 1_750_000_000;
const ETHER: u128 = 1_000_000_000_000_000_000;

sol! {
    /// What the Store contract logs on a write.
    event Stored(address indexed by, uint256 value);
    /// ERC-165.
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
}

fn start() -> RunningNode {
    LocalnetRpc::start(NodeConfig::default().genesis_timestamp(GENESIS)).expect("node starts")
}

fn dev_signer() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&DEV_PRIVATE_KEY).expect("the dev key is valid")
}

/// A provider with alloy's recommended fillers and `signer`'s wallet.
fn wallet_provider(node: &RunningNode, signer: PrivateKeySigner) -> impl Provider {
    ProviderBuilder::new()
        .wallet(signer)
        .connect_http(node.url().parse().expect("a URL"))
}

async fn mine(provider: &impl Provider, tx: TransactionRequest) -> TransactionReceipt {
    provider
        .send_transaction(tx)
        .await
        .expect("the node accepts the transaction")
        .get_receipt()
        .await
        .expect("a receipt")
}

async fn deploy(provider: &impl Provider, runtime: &[u8]) -> Address {
    let receipt = mine(
        provider,
        TransactionRequest::default().with_deploy_code(deployer_init_code(runtime)),
    )
    .await;
    assert!(receipt.status(), "deployment failed: {receipt:?}");
    receipt.contract_address.expect("a created contract")
}

/// Store: with calldata, `slot0 = calldata[0..32]` and
/// `emit Stored(msg.sender, slot0)`; without, returns
/// `(slot0, block.timestamp, block.number)`.
///
/// ```text
/// 00 CALLDATASIZE ISZERO PUSH1 0x33 JUMPI
/// 05 PUSH0 CALLDATALOAD DUP1 PUSH0 SSTORE PUSH0 MSTORE
/// 0c CALLER PUSH32 Stored PUSH1 32 PUSH0 LOG2 STOP
/// 33 JUMPDEST PUSH0 SLOAD PUSH0 MSTORE TIMESTAMP PUSH1 32 MSTORE
///    NUMBER PUSH1 64 MSTORE PUSH1 96 PUSH0 RETURN
/// ```
fn store_code() -> Vec<u8> {
    let mut code = vec![0x36, 0x15, 0x60, 0x33, 0x57];
    code.extend([0x5f, 0x35, 0x80, 0x5f, 0x55, 0x5f, 0x52]);
    code.extend([0x33, 0x7f]);
    code.extend(Stored::SIGNATURE_HASH);
    code.extend([0x60, 0x20, 0x5f, 0xa2, 0x00]);
    assert_eq!(code.len(), 0x33);
    code.extend([0x5b, 0x5f, 0x54, 0x5f, 0x52, 0x42, 0x60, 0x20, 0x52]);
    code.extend([0x43, 0x60, 0x40, 0x52, 0x60, 0x60, 0x5f, 0xf3]);
    code
}

/// Reverter: reverts with its calldata.
/// `CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 REVERT`.
fn reverter_code() -> Vec<u8> {
    vec![0x36, 0x5f, 0x5f, 0x37, 0x36, 0x5f, 0xfd]
}

/// Burner: 1,024 rounds of a loop (26 gas each), no state.
/// `PUSH2 0x0400; 03: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 3 JUMPI STOP`.
fn burner_code() -> Vec<u8> {
    vec![
        0x61, 0x04, 0x00, 0x5b, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x03, 0x57, 0x00,
    ]
}

/// Forwarder: calls the address in its first calldata word with all the gas
/// it may forward (63/64 of what is left), reverts if that call fails.
///
/// ```text
/// 00 PUSH0 x5 PUSH0 CALLDATALOAD GAS CALL      (no value, no data)
/// 09 ISZERO PUSH1 0x0e JUMPI STOP
/// 0e JUMPDEST PUSH0 PUSH0 REVERT
/// ```
fn forwarder_code() -> Vec<u8> {
    vec![
        0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x35, 0x5a, 0xf1, 0x15, 0x60, 0x0e, 0x57, 0x00, 0x5b,
        0x5f, 0x5f, 0xfd,
    ]
}

/// POSTs `body` to the node over a fresh connection: (status, body).
fn post(addr: SocketAddr, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("writes");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn rpc(addr: SocketAddr, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (status, answer) = post(addr, &body.to_string());
    assert_eq!(status, 200, "{answer}");
    serde_json::from_str(&answer).expect("a JSON answer")
}

#[test]
fn dev_account_is_the_nitro_devnode_key() {
    assert_eq!(dev_signer().address(), DEV_ACCOUNT);
}

#[tokio::test]
async fn genesis_is_a_devnode() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    assert_eq!(provider.get_chain_id().await.unwrap(), CHAIN_ID);
    assert_eq!(provider.get_block_number().await.unwrap(), 0);
    assert_eq!(provider.get_balance(DEV_ACCOUNT).await.unwrap(), DEV_FUNDS);
    assert_eq!(
        provider.get_code_at(DETERMINISTIC_DEPLOYER).await.unwrap(),
        Bytes::from_static(&DETERMINISTIC_DEPLOYER_CODE)
    );
    assert_eq!(
        provider.get_code_at(ARBWASM).await.unwrap(),
        Bytes::from_static(&[0xfe])
    );
    assert!(provider.get_code_at(ENTRY_POINT).await.unwrap().is_empty());
    assert_eq!(provider.get_gas_price().await.unwrap(), u128::from(BASEFEE));
    let genesis = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .expect("the genesis block");
    assert_eq!(genesis.header.number, 0);
    assert_eq!(genesis.header.timestamp, GENESIS);
    assert_eq!(genesis.header.base_fee_per_gas, Some(BASEFEE));
    assert_eq!(genesis.header.hash, genesis.header.inner.hash_slow());
    let version: String = provider
        .raw_request("web3_clientVersion".into(), ())
        .await
        .unwrap();
    assert!(version.starts_with("localnet-rpc/"), "{version}");
    let net_version: String = provider
        .raw_request("net_version".into(), ())
        .await
        .unwrap();
    assert_eq!(net_version, CHAIN_ID.to_string());
}

#[tokio::test]
async fn sends_ether_one_block_per_transaction() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let to = Address::repeat_byte(0x42);
    let value = U256::from(ETHER);
    let receipt = mine(
        &provider,
        TransactionRequest::default().with_to(to).with_value(value),
    )
    .await;
    assert!(receipt.status());
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(receipt.inner.cumulative_gas_used(), 21_000);
    assert_eq!(receipt.from, DEV_ACCOUNT);
    assert_eq!(receipt.to, Some(to));
    assert_eq!(receipt.block_number, Some(1));
    assert_eq!(receipt.transaction_index, Some(0));
    assert_eq!(receipt.inner.tx_type(), alloy_consensus::TxType::Eip1559);
    assert!(receipt.effective_gas_price >= u128::from(BASEFEE));

    assert_eq!(provider.get_balance(to).await.unwrap(), value);
    let fee = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(
        provider.get_balance(DEV_ACCOUNT).await.unwrap(),
        DEV_FUNDS - value - fee
    );
    assert_eq!(
        provider.get_transaction_count(DEV_ACCOUNT).await.unwrap(),
        1
    );

    let tx = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .unwrap()
        .expect("the transaction");
    assert_eq!(tx.block_hash, receipt.block_hash);
    assert_eq!(tx.inner.signer(), DEV_ACCOUNT);
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Number(1))
        .full()
        .await
        .unwrap()
        .expect("block 1");
    assert_eq!(Some(block.header.hash), receipt.block_hash);
    assert_eq!(block.header.timestamp, GENESIS + 1);
    assert_eq!(block.header.gas_used, 21_000);
    assert_eq!(block.transactions.len(), 1);
    let genesis = provider
        .get_block_by_number(BlockNumberOrTag::Earliest)
        .await
        .unwrap()
        .expect("block 0");
    assert_eq!(block.header.parent_hash, genesis.header.hash);
    let by_hash = provider
        .get_block_by_hash(block.header.hash)
        .await
        .unwrap()
        .expect("block 1 by hash");
    assert_eq!(by_hash.header.number, 1);
    assert!(provider
        .get_block_by_number(BlockNumberOrTag::Number(2))
        .await
        .unwrap()
        .is_none());

    // A second transfer: the next block, one second later.
    let second = mine(
        &provider,
        TransactionRequest::default().with_to(to).with_value(value),
    )
    .await;
    assert_eq!(second.block_number, Some(2));
    let block2 = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(block2.header.timestamp, GENESIS + 2);
    assert_eq!(block2.header.parent_hash, block.header.hash);
}

#[tokio::test]
async fn legacy_and_access_list_transactions() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let to = Address::repeat_byte(0x43);
    let legacy = mine(
        &provider,
        TransactionRequest::default()
            .with_to(to)
            .with_value(U256::from(1))
            .with_gas_price(u128::from(BASEFEE)),
    )
    .await;
    assert!(legacy.status());
    assert_eq!(legacy.inner.tx_type(), alloy_consensus::TxType::Legacy);
    assert_eq!(legacy.effective_gas_price, u128::from(BASEFEE));

    let access_list = AccessList(vec![AccessListItem {
        address: to,
        storage_keys: vec![B256::ZERO],
    }]);
    let with_list = mine(
        &provider,
        TransactionRequest::default()
            .with_to(to)
            .with_value(U256::from(1))
            .with_gas_price(u128::from(BASEFEE))
            .with_access_list(access_list),
    )
    .await;
    assert!(with_list.status());
    assert_eq!(with_list.inner.tx_type(), alloy_consensus::TxType::Eip2930);
    // 21,000 + one address (2,400) + one key (1,900).
    assert_eq!(with_list.gas_used, 25_300);
    assert_eq!(provider.get_balance(to).await.unwrap(), U256::from(2));
}

#[tokio::test]
async fn deploys_calls_and_logs() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let store = deploy(&provider, &store_code()).await;
    assert_eq!(
        provider.get_code_at(store).await.unwrap(),
        Bytes::from(store_code())
    );

    let value = U256::from(0xC0FFEE);
    let receipt = mine(
        &provider,
        TransactionRequest::default()
            .with_to(store)
            .with_input(value.abi_encode()),
    )
    .await;
    assert!(receipt.status());
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    assert_eq!(log.address(), store);
    assert_eq!(log.log_index, Some(0));
    assert_eq!(log.transaction_hash, Some(receipt.transaction_hash));
    assert_eq!(log.block_hash, receipt.block_hash);
    assert_eq!(log.block_number, receipt.block_number);
    let event = Stored::decode_log_data(log.data()).expect("a Stored event");
    assert_eq!((event.by, event.value), (DEV_ACCOUNT, value));
    assert!(receipt
        .inner
        .logs_bloom()
        .contains_input(alloy_primitives::BloomInput::Raw(store.as_slice())));
    assert_eq!(
        provider.get_storage_at(store, U256::ZERO).await.unwrap(),
        value
    );

    // eth_call: (slot0, timestamp, number) of the latest block, or of the
    // next one for `pending` (what alloy asks for by default).
    let read = TransactionRequest::default().with_to(store);
    let at_latest = provider.call(read.clone()).latest().await.unwrap();
    // From a contract, as geth allows in calls (no EIP-3607 check).
    let from_contract = provider
        .call(read.clone().with_from(store))
        .latest()
        .await
        .expect("a call from a contract address");
    assert_eq!(from_contract, at_latest);
    let at_pending = provider.call(read).await.unwrap();
    let latest = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap();
    let (number, timestamp) = (latest.header.number, latest.header.timestamp);
    assert_eq!(
        <(U256, U256, U256)>::abi_decode(&at_latest).expect("three words"),
        (value, U256::from(timestamp), U256::from(number))
    );
    assert_eq!(
        <(U256, U256, U256)>::abi_decode(&at_pending).expect("three words"),
        (value, U256::from(timestamp + 1), U256::from(number + 1))
    );

    // eth_getLogs by address, by topic, by block range.
    let all = provider
        .get_logs(&Filter::new().address(store).from_block(0))
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].transaction_hash, Some(receipt.transaction_hash));
    let by_sender = provider
        .get_logs(
            &Filter::new()
                .event_signature(Stored::SIGNATURE_HASH)
                .topic1(DEV_ACCOUNT.into_word())
                .from_block(0),
        )
        .await
        .unwrap();
    assert_eq!(by_sender.len(), 1);
    let other_sender = provider
        .get_logs(
            &Filter::new()
                .topic1(Address::repeat_byte(9).into_word())
                .from_block(0),
        )
        .await
        .unwrap();
    assert!(other_sender.is_empty());
    let before = provider
        .get_logs(&Filter::new().address(store).from_block(0).to_block(1))
        .await
        .unwrap();
    assert!(before.is_empty(), "the write is in block 2");
    let at_hash = provider
        .get_logs(&Filter::new().at_block_hash(receipt.block_hash.unwrap()))
        .await
        .unwrap();
    assert_eq!(at_hash.len(), 1);
}

#[tokio::test]
async fn reverts_reach_the_client_with_their_data() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let reverter = deploy(&provider, &reverter_code()).await;
    let nonce = provider.get_transaction_count(DEV_ACCOUNT).await.unwrap();

    let custom = Bytes::from(
        [
            &[0xde, 0xad, 0xbe, 0xef][..],
            &U256::from(7).to_be_bytes::<32>(),
        ]
        .concat(),
    );
    let request = TransactionRequest::default()
        .with_from(DEV_ACCOUNT)
        .with_to(reverter)
        .with_input(custom.clone());
    let err = provider.call(request.clone()).await.expect_err("reverts");
    let payload = err.as_error_resp().expect("a JSON-RPC error");
    assert_eq!(payload.code, 3);
    assert_eq!(payload.message, "execution reverted");
    assert_eq!(payload.as_revert_data(), Some(custom.clone()));

    let err = provider
        .estimate_gas(request.clone())
        .await
        .expect_err("estimate reverts");
    let payload = err.as_error_resp().expect("a JSON-RPC error");
    assert_eq!(payload.code, 3);
    assert_eq!(payload.as_revert_data(), Some(custom));

    // Error(string) is named in the message, as geth does.
    let reason = alloy_sol_types::Revert::from("no way").abi_encode();
    let err = provider
        .call(request.with_input(reason.clone()))
        .await
        .expect_err("reverts");
    let payload = err.as_error_resp().expect("a JSON-RPC error");
    assert_eq!(payload.message, "execution reverted: no way");
    assert_eq!(payload.as_revert_data(), Some(Bytes::from(reason)));

    // The wallet provider's gas filler estimates first: nothing is sent.
    let sent = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(reverter)
                .with_input(vec![1, 2, 3]),
        )
        .await;
    assert!(sent.is_err(), "a reverting estimate stops the send");
    assert_eq!(
        provider.get_transaction_count(DEV_ACCOUNT).await.unwrap(),
        nonce
    );

    // With its own gas limit a reverting transaction is mined, and fails.
    // (A new provider: alloy's nonce cache counted the send that failed.)
    let provider = wallet_provider(&node, dev_signer());
    let receipt = mine(
        &provider,
        TransactionRequest::default()
            .with_to(reverter)
            .with_input(vec![1, 2, 3])
            .with_gas_limit(100_000),
    )
    .await;
    assert!(!receipt.status());
    assert!(receipt.inner.logs().is_empty());
    assert_eq!(
        provider.get_transaction_count(DEV_ACCOUNT).await.unwrap(),
        nonce + 1
    );
}

#[tokio::test]
async fn estimate_is_the_least_gas_that_succeeds() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let burner = deploy(&provider, &burner_code()).await;
    let forwarder = deploy(&provider, &forwarder_code()).await;
    let call = TransactionRequest::default()
        .with_from(DEV_ACCOUNT)
        .with_to(forwarder)
        .with_input(burner.into_word());

    let estimate = provider.estimate_gas(call.clone()).await.unwrap();
    let receipt = mine(&provider, call.clone().with_gas_limit(estimate)).await;
    assert!(receipt.status(), "the estimate is enough");
    // The forwarded call gets 63/64 of the gas left: the gas used is not.
    assert!(
        receipt.gas_used + 300 < estimate,
        "used {} of {estimate}",
        receipt.gas_used
    );
    let short = mine(&provider, call.clone().with_gas_limit(estimate - 1)).await;
    assert!(
        !short.status(),
        "one gas less fails: the estimate is the least"
    );
    let used = mine(&provider, call.with_gas_limit(receipt.gas_used)).await;
    assert!(!used.status(), "the gas used is not enough");

    // The filler's own estimate works too.
    let filled = mine(
        &provider,
        TransactionRequest::default()
            .with_to(forwarder)
            .with_input(burner.into_word()),
    )
    .await;
    assert!(filled.status());
}

#[tokio::test]
async fn refused_transactions_change_nothing() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let wallet = EthereumWallet::from(dev_signer());
    let to = Address::repeat_byte(0x44);
    let base = TransactionRequest::default()
        .with_from(DEV_ACCOUNT)
        .with_to(to)
        .with_value(U256::from(1))
        .with_gas_limit(21_000)
        .with_max_fee_per_gas(u128::from(BASEFEE) * 2)
        .with_max_priority_fee_per_gas(0)
        .with_chain_id(CHAIN_ID);
    let balance = provider.get_balance(DEV_ACCOUNT).await.unwrap();

    let cases = [
        (base.clone().with_nonce(5), "nonce too high"),
        (
            base.clone().with_nonce(0).with_chain_id(CHAIN_ID + 1),
            "invalid chain id",
        ),
        (
            base.clone().with_nonce(0).with_max_fee_per_gas(1),
            "less than block base fee",
        ),
        (
            base.clone().with_nonce(0).with_value(DEV_FUNDS),
            "insufficient funds",
        ),
        (
            base.clone().with_nonce(0).with_gas_limit(20_000),
            "transaction refused",
        ),
    ];
    for (tx, expected) in cases {
        let envelope = tx.build(&wallet).await.expect("signs");
        let err = provider
            .send_raw_transaction(&envelope.encoded_2718())
            .await
            .expect_err(expected);
        let message = err
            .as_error_resp()
            .expect("a JSON-RPC error")
            .message
            .clone();
        assert!(message.contains(expected), "{message} lacks {expected:?}");
    }
    // From an account with nothing.
    let poor = PrivateKeySigner::random();
    let envelope = base
        .clone()
        .with_from(poor.address())
        .with_nonce(0)
        .build(&EthereumWallet::from(poor))
        .await
        .unwrap();
    let err = provider
        .send_raw_transaction(&envelope.encoded_2718())
        .await
        .expect_err("no funds");
    assert!(err.to_string().contains("insufficient funds"), "{err}");
    // Not a transaction at all.
    let err = provider
        .send_raw_transaction(&[0x02, 0xc0])
        .await
        .expect_err("garbage");
    assert_eq!(err.as_error_resp().unwrap().code, -32602);

    assert_eq!(provider.get_block_number().await.unwrap(), 0);
    assert_eq!(provider.get_balance(DEV_ACCOUNT).await.unwrap(), balance);
    assert_eq!(
        provider.get_transaction_count(DEV_ACCOUNT).await.unwrap(),
        0
    );
    assert_eq!(provider.get_balance(to).await.unwrap(), U256::ZERO);

    // The right one goes through, once.
    let envelope = base.with_nonce(0).build(&wallet).await.unwrap();
    let raw = envelope.encoded_2718();
    let pending = provider.send_raw_transaction(&raw).await.unwrap();
    let receipt = pending.get_receipt().await.unwrap();
    assert!(receipt.status());
    let err = provider
        .send_raw_transaction(&raw)
        .await
        .expect_err("a replay");
    assert!(err.to_string().contains("already known"), "{err}");
}

#[tokio::test]
async fn evm_increase_time_moves_the_next_block() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let store = deploy(&provider, &store_code()).await; // block 1, GENESIS + 1
    let read = |block: &'static str| {
        let params = json!([{"to": store}, block]);
        let answer = rpc(node.addr(), "eth_call", params);
        let out: Bytes = serde_json::from_value(answer["result"].clone()).expect("bytes");
        let (_, timestamp, number) = <(U256, U256, U256)>::abi_decode(&out).expect("words");
        (timestamp.to::<u64>(), number.to::<u64>())
    };

    let offset: u64 = provider
        .raw_request("evm_increaseTime".into(), (3_600,))
        .await
        .unwrap();
    assert_eq!(offset, 3_600);
    // Not mined yet: latest is unchanged, pending sees the new time.
    assert_eq!(read("latest"), (GENESIS + 1, 1));
    assert_eq!(read("pending"), (GENESIS + 3_602, 2));

    let _: String = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (block.header.number, block.header.timestamp),
        (2, GENESIS + 3_602)
    );
    assert!(block.transactions.is_empty());
    assert_eq!(read("latest"), (GENESIS + 3_602, 2));

    // The offset was used up: the next transaction is one second later.
    let receipt = mine(
        &provider,
        TransactionRequest::default()
            .with_to(store)
            .with_input(U256::from(1).abi_encode()),
    )
    .await;
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Number(receipt.block_number.unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(block.header.timestamp, GENESIS + 3_603);

    let _: u64 = provider
        .raw_request("evm_setNextBlockTimestamp".into(), (GENESIS + 10_000,))
        .await
        .unwrap();
    let _: String = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    assert_eq!(read("latest"), (GENESIS + 10_000, 4));
    let err = provider
        .raw_request::<_, Value>("evm_setNextBlockTimestamp".into(), (GENESIS,))
        .await
        .expect_err("the clock does not go back");
    assert_eq!(err.as_error_resp().unwrap().code, -32602);

    // State is only kept for the latest block.
    let answer = rpc(node.addr(), "eth_getBalance", json!([DEV_ACCOUNT, "0x1"]));
    let message = answer["error"]["message"].as_str().expect("an error");
    assert!(message.contains("historical state"), "{message}");
}

#[tokio::test]
async fn fee_history_and_fee_fields() {
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let to = Address::repeat_byte(0x45);
    for _ in 0..3 {
        mine(
            &provider,
            TransactionRequest::default()
                .with_to(to)
                .with_value(U256::from(1)),
        )
        .await;
    }
    let history = provider
        .get_fee_history(2, BlockNumberOrTag::Latest, &[25.0, 75.0])
        .await
        .unwrap();
    assert_eq!(history.oldest_block, 2);
    assert_eq!(history.base_fee_per_gas, vec![u128::from(BASEFEE); 3]);
    assert_eq!(history.gas_used_ratio.len(), 2);
    let reward = history.reward.expect("rewards");
    assert_eq!(reward.len(), 2);
    assert!(reward.iter().all(|r| r.len() == 2));
    let fees = provider.estimate_eip1559_fees().await.unwrap();
    assert!(fees.max_fee_per_gas >= u128::from(BASEFEE));
    let tip: u128 = provider
        .raw_request::<_, alloy_primitives::U128>("eth_maxPriorityFeePerGas".into(), ())
        .await
        .unwrap()
        .to();
    assert_eq!(tip, 0);
}

#[tokio::test]
async fn bad_requests_get_json_rpc_errors() {
    let node = start();
    let addr = node.addr();
    let (_, body) = post(addr, "{this is not json");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"]["code"],
        -32700
    );
    let unknown = rpc(addr, "eth_mineGold", json!([]));
    assert_eq!(unknown["error"]["code"], -32601);
    for (method, params) in [
        ("eth_getBalance", json!(["0x1234"])),
        ("eth_getBalance", json!([])),
        ("eth_call", json!([{"to": "nope"}])),
        ("eth_sendRawTransaction", json!(["0x"])),
        ("eth_sendRawTransaction", json!(["0x02f8"])),
        ("eth_sendRawTransaction", json!([42])),
        ("eth_getBlockByNumber", json!(["sometime"])),
        ("eth_feeHistory", json!(["0x2", "latest", [90.0, 10.0]])),
        ("evm_increaseTime", json!(["-5"])),
        (
            "eth_getLogs",
            json!([{"fromBlock": "0x5", "toBlock": "0x9", "blockHash": "0x00"}]),
        ),
    ] {
        let answer = rpc(addr, method, params.clone());
        assert_eq!(
            answer["error"]["code"], -32602,
            "{method} {params}: {answer}"
        );
    }
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_nothing"},
    ]);
    let (status, body) = post(addr, &batch.to_string());
    assert_eq!(status, 200);
    let answers: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answers[0]["result"], json!(format!("{CHAIN_ID:#x}")));
    assert_eq!(answers[1]["error"]["code"], -32601);
    // Still serving.
    assert_eq!(rpc(addr, "eth_blockNumber", json!([]))["result"], "0x0");
}

#[test]
fn shutdown_stops_serving() {
    let node = start();
    let addr = node.addr();
    assert_eq!(
        rpc(addr, "eth_chainId", json!([]))["result"],
        json!(format!("{CHAIN_ID:#x}"))
    );
    node.shutdown().expect("a clean stop");
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens any more"
    );

    let dropped = start();
    let addr = dropped.addr();
    drop(dropped);
    assert!(TcpStream::connect(addr).is_err(), "dropping stops it too");
}

/// The path of a build output, or `None` (with a loud message) if it is
/// missing; under CI a missing file fails the test.
fn fixture(path: std::path::PathBuf, made_by: &str, test: &str) -> Option<std::path::PathBuf> {
    if path.is_file() {
        return Some(path);
    }
    let message = format!("{test}: {} is missing (run {made_by})", path.display());
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("SKIPPED {message}");
    None
}

#[tokio::test]
async fn stylus_program_answers_through_eth_call() {
    let Some(path) = fixture(
        localnet::contract_code_path("time-window"),
        "scripts/build-contracts.sh",
        "stylus_program_answers_through_eth_call",
    ) else {
        return;
    };
    let code = std::fs::read(path).expect("reads the program");
    let node = start();
    let provider = wallet_provider(&node, dev_signer());
    let program = deploy(&provider, &code).await;
    let erc165 = supportsInterfaceCall {
        interfaceId: [0x01, 0xff, 0xc9, 0xa7].into(),
    };
    let query = TransactionRequest::default()
        .with_to(program)
        .with_input(erc165.abi_encode());

    // Not activated yet: the call fails as Nitro's does, with no revert
    // data (a failure, not a revert), and the error says why.
    let err = provider
        .call(query.clone())
        .await
        .expect_err("not activated");
    let resp = err.as_error_resp().expect("a JSON-RPC error");
    assert!(resp.as_revert_data().is_none(), "{resp:?}");
    assert!(resp.message.contains("NotActivated"), "{}", resp.message);

    // As a deploy tool does: ask for the data fee with a generous value,
    // then send exactly that. Without it, activation is refused.
    let activate = TransactionRequest::default()
        .with_to(ARBWASM)
        .with_input(ArbWasm::activateProgramCall { program }.abi_encode());
    let refused = provider
        .call(activate.clone())
        .await
        .expect_err("no value, no activation");
    let data = refused
        .as_error_resp()
        .and_then(|resp| resp.as_revert_data())
        .expect("revert data");
    let Ok(ArbWasm::ArbWasmErrors::ProgramInsufficientValue(short)) =
        ArbWasm::ArbWasmErrors::abi_decode(&data)
    else {
        panic!("not ProgramInsufficientValue: {data}");
    };
    assert_eq!(short.have, U256::ZERO);
    let answer = provider
        .call(
            activate
                .clone()
                .with_value(U256::from(10u64).pow(U256::from(18))),
        )
        .await
        .expect("activation simulates");
    let fee = ArbWasm::activateProgramCall::abi_decode_returns(&answer)
        .expect("(version, dataFee)")
        .dataFee;
    assert_eq!(fee, short.want);
    let activation = mine(&provider, activate.with_value(fee)).await;
    assert!(activation.status(), "activation: {activation:?}");
    assert!(
        activation
            .inner
            .logs()
            .iter()
            .any(|log| log.topics().first() == Some(&ArbWasm::ProgramActivated::SIGNATURE_HASH)),
        "a ProgramActivated event"
    );

    let out = provider.call(query.clone()).await.expect("answers");
    assert!(supportsInterfaceCall::abi_decode_returns(&out).expect("a bool"));
    // The estimate of a Stylus call is enough to send it, and the least.
    let estimate = provider
        .estimate_gas(query.clone())
        .await
        .expect("estimates");
    let sent = mine(&provider, query.clone().with_gas_limit(estimate)).await;
    assert!(sent.status(), "the estimate {estimate} is enough");
    let short = mine(&provider, query.clone().with_gas_limit(estimate - 1)).await;
    assert!(!short.status(), "{} gas is not", estimate - 1);

    let other = supportsInterfaceCall {
        interfaceId: [0xff, 0xff, 0xff, 0xff].into(),
    };
    let out = provider
        .call(query.with_input(other.abi_encode()))
        .await
        .expect("answers");
    assert!(!supportsInterfaceCall::abi_decode_returns(&out).expect("a bool"));
    assert_eq!(
        keccak256(&code),
        keccak256(provider.get_code_at(program).await.unwrap())
    );
}

#[tokio::test]
async fn entry_point_at_genesis() {
    let Some(_) = fixture(
        localnet::entry_point::entry_point_init_code_path(),
        "scripts/fetch-entrypoint.sh",
        "entry_point_at_genesis",
    ) else {
        return;
    };
    let node = LocalnetRpc::start(NodeConfig::default().entry_point(true)).expect("starts");
    assert_eq!(node.entry_point(), Some(ENTRY_POINT));
    let provider = wallet_provider(&node, dev_signer());
    assert!(!provider.get_code_at(ENTRY_POINT).await.unwrap().is_empty());
    assert_eq!(provider.get_block_number().await.unwrap(), 0);
}

/// Sends a raw HTTP request; returns the whole response.
fn raw_http(addr: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream.write_all(request.as_bytes()).expect("writes");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    response
}

#[test]
fn http_preflight_and_other_methods() {
    let node = start();
    let addr = node.addr();
    let preflight = raw_http(
        addr,
        &format!(
            "OPTIONS / HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://localhost:5173\r\n\
             Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(preflight.starts_with("HTTP/1.1 204"), "{preflight}");
    assert!(
        preflight
            .to_lowercase()
            .contains("access-control-allow-origin: *"),
        "{preflight}"
    );
    let get = raw_http(
        addr,
        &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(get.starts_with("HTTP/1.1 405"), "{get}");
    // A notification (no id) is run and answered with no content.
    let (status, body) = post(
        addr,
        r#"{"jsonrpc":"2.0","method":"evm_increaseTime","params":[10]}"#,
    );
    assert_eq!((status, body.as_str()), (204, ""));
    let offset = rpc(addr, "evm_increaseTime", json!([0]));
    assert_eq!(offset["result"], json!(10));
}
