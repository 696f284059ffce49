//! ERC-7562 on the compiled modules: during user-operation validation a hook
//! may not read the clock, the block, the gas left or other accounts'
//! balances, nor create contracts, and may touch only storage associated
//! with the sender. Bundlers that trace Stylus will apply these rules to our
//! validation hooks, so the host calls, keccak preimages and storage slots
//! of each hook in validation are checked here, on the real WASM, from the
//! chain's trace.

mod common;

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use localnet::{contract_code_path, Localnet};
use permission_core::install::*;
use permission_core::params::{encode_param_rules, Condition, Total, OP_LE, OP_ONE_OF};
use permission_core::path::{Path, Step};
use permission_core::selectors::{selector, EXECUTE, EXECUTE_USER_OP};

sol! {
    struct PackedUserOperation {
        address sender;
        uint256 nonce;
        bytes initCode;
        bytes callData;
        bytes32 accountGasLimits;
        uint256 preVerificationGas;
        bytes32 gasFees;
        bytes paymasterAndData;
        bytes signature;
    }
    function onInstall(bytes data) external;
    function preUserOpValidationHook(uint32 entityId, PackedUserOperation userOp, bytes32 userOpHash) external returns (uint256);
    function preExecutionHook(uint32 entityId, address sender, uint256 value, bytes data) external returns (bytes);
    function validateUserOp(uint32 entityId, PackedUserOperation userOp, bytes32 userOpHash) external returns (uint256);
}

/// Host functions whose opcodes ERC-7562 bans in validation (OP-011 and
/// OP-012: TIMESTAMP, NUMBER, BASEFEE, COINBASE, GASLIMIT, GASPRICE, ORIGIN,
/// GAS, CREATE/CREATE2; OP-080: BALANCE).
const BANNED_IN_VALIDATION: [&str; 12] = [
    "block_timestamp",
    "block_number",
    "block_basefee",
    "block_coinbase",
    "block_gas_limit",
    "tx_gas_price",
    "tx_origin",
    "evm_gas_left",
    "evm_ink_left",
    "create1",
    "create2",
    "account_balance",
];

const ACCOUNT: Address = Address::new([0xAA; 20]);

/// ERC-7562 associated storage (STO-021): every slot a validation touches
/// must be `keccak256(A ‖ x) + n` with `A` the sender as the first 32-byte
/// word of a preimage the program hashed, and `0 <= n < 128`.
#[track_caller]
fn assert_storage_associated(module: &str, entry: &localnet::ProgramEntry, sender: Address) {
    let trace = &entry.state_trace;
    assert!(
        !trace.storage_slots.is_empty(),
        "{module}: no storage was touched"
    );
    let sender_word = sender.into_word();
    for slot in &trace.storage_slots {
        let associated = trace.keccaks.iter().any(|(digest, preimage)| {
            let base = U256::from_be_bytes(digest.0);
            preimage.len() >= 32
                && preimage[..32] == sender_word[..]
                && *slot >= base
                && *slot - base < U256::from(128)
        });
        assert!(
            associated,
            "{module}: slot {slot:#x} is not associated with the sender"
        );
    }
}
const TOKEN: Address = Address::new([0x70; 20]);
const ENTITY: u32 = 1;

/// The test's call is transfer(0x3E…, 5): a list holding it, a bound and a
/// daily running total, so every check, the period arithmetic and the
/// charge run; `with_path` adds a bound on the amount reached by an ABI path
/// (one word on from `to`), so the path code and its storage run too.
fn param_rules_install(with_path: bool) -> Vec<u8> {
    let transfer = selector("transfer(address,uint256)");
    let condition = |arg, op, bits, value| Condition {
        target: TOKEN,
        selector: transfer,
        arg,
        op,
        bits,
        value,
        path: Path::NONE,
    };
    let mut conditions = vec![
        condition(0, OP_ONE_OF, 160, Address::repeat_byte(0x3E).into_word()),
        condition(1, OP_LE, 256, U256::from(5).into()),
    ];
    if with_path {
        conditions.push(Condition {
            path: Path::pack(&[Step::Field(1)]).expect("one step fits"),
            ..condition(0, OP_LE, 256, U256::from(5).into())
        });
    }
    encode_param_rules(
        ENTITY,
        &conditions,
        &[Total {
            target: TOKEN,
            selector: transfer,
            arg: 1,
            bits: 256,
            limit: U256::from(100),
            period: 86_400,
            path: Path::NONE,
        }],
    )
}

fn install_data(module: &str) -> Vec<u8> {
    match module {
        "time-window" => TimeWindowInstall {
            entity_id: ENTITY,
            valid_after: 10,
            valid_until: 4_000_000_000,
        }
        .encode(),
        "contract-allowlist" => encode_contract_allowlist(ENTITY, &[TOKEN]),
        "selector-allowlist" => encode_selector_allowlist(
            ENTITY,
            &[SelectorRule {
                target: TOKEN,
                selector: selector("transfer(address,uint256)"),
            }],
        ),
        "spending-limit" => encode_spending_limit(
            ENTITY,
            &[SpendLimit {
                token: TOKEN,
                limit: U256::from(100),
                period: 86_400,
            }],
            GasBudget {
                enabled: true,
                limit: U256::from(10u64).pow(U256::from(18)),
            },
            &[],
        ),
        "session-policy" => encode_policy_install(
            ENTITY,
            0,
            &[
                install_data("time-window"),
                install_data("contract-allowlist"),
                install_data("selector-allowlist"),
                install_data("spending-limit"),
            ],
        ),
        // Both counts, so the periodic one's period arithmetic runs.
        "usage-limit" => UsageLimitInstall {
            entity_id: ENTITY,
            unit: COUNT_CALLS,
            lifetime_limit: 10,
            period_limit: 3,
            period: 86_400,
        }
        .encode(),
        // The test's user op has no paymaster: the account may pay.
        "paymaster-guard" => encode_paymaster_guard(ENTITY, true, &[Address::repeat_byte(0x5A)]),
        "param-rules" => param_rules_install(true),
        "session-rules" => encode_policy_install(
            ENTITY,
            0,
            &[
                install_data("usage-limit"),
                install_data("paymaster-guard"),
                // session-rules follows no ABI path.
                param_rules_install(false),
            ],
        ),
        other => panic!("{other}"),
    }
}

/// `executeUserOp` prefix around `execute(TOKEN, 0, transfer(...))`.
fn call_data() -> Vec<u8> {
    let mut transfer = selector("transfer(address,uint256)").to_vec();
    transfer.extend_from_slice(&[0u8; 12]);
    transfer.extend_from_slice(&[0x3E; 20]);
    transfer.extend_from_slice(&U256::from(5).to_be_bytes::<32>());
    let mut data = EXECUTE_USER_OP.to_vec();
    data.extend_from_slice(&EXECUTE);
    data.extend_from_slice(&[0u8; 12]);
    data.extend_from_slice(TOKEN.as_slice());
    data.extend_from_slice(&[0u8; 32]);
    data.extend_from_slice(&U256::from(96).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(transfer.len()).to_be_bytes::<32>());
    // The bytes value is padded to whole words after the 8 selector bytes.
    let padded = transfer.len().div_ceil(32) * 32;
    transfer.resize(padded, 0);
    data.extend_from_slice(&transfer);
    data
}

fn user_op() -> PackedUserOperation {
    let mut gas = [0u8; 32];
    gas[15] = 1; // verificationGasLimit (high 128 bits) = 1
    gas[31] = 1; // callGasLimit (low 128 bits) = 1
    let mut fees = [0u8; 32];
    fees[31] = 1; // maxFeePerGas 1 wei
    PackedUserOperation {
        sender: ACCOUNT,
        nonce: U256::ZERO,
        initCode: Bytes::new(),
        callData: call_data().into(),
        accountGasLimits: gas.into(),
        preVerificationGas: U256::from(1),
        gasFees: fees.into(),
        paymasterAndData: Bytes::new(),
        signature: Bytes::new(),
    }
}

#[test]
fn validation_hooks_make_no_banned_host_call() {
    for module in [
        "time-window",
        "contract-allowlist",
        "selector-allowlist",
        "spending-limit",
        "session-policy",
        "usage-limit",
        "paymaster-guard",
        "session-rules",
        "param-rules",
    ] {
        let path = contract_code_path(module);
        if !path.exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{} missing under CI",
                path.display()
            );
            eprintln!(
                "SKIPPED: {} is missing; run scripts/build-contracts.sh",
                path.display()
            );
            return;
        }
        let mut net = Localnet::new();
        net.fund(ACCOUNT, U256::from(10u64).pow(U256::from(20)));
        let hook = net.deploy_stylus_file(&path);
        net.transact(
            ACCOUNT,
            hook,
            U256::ZERO,
            onInstallCall {
                data: install_data(module).into(),
            }
            .abi_encode(),
        )
        .expect_success();

        let validation = preUserOpValidationHookCall {
            entityId: ENTITY,
            userOp: user_op(),
            userOpHash: B256::repeat_byte(1),
        };
        let outcome = net
            .transact(ACCOUNT, hook, U256::ZERO, validation.abi_encode())
            .expect_success();
        let calls = &outcome.programs[0].host_calls;
        assert!(!calls.is_empty(), "{module}: no trace");
        assert_storage_associated(module, &outcome.programs[0], ACCOUNT);
        for banned in BANNED_IN_VALIDATION {
            assert!(
                !calls.contains(&banned),
                "{module} calls {banned} in validation: {calls:?}"
            );
        }

        // The trace is real: time-window's execution hook does read the clock.
        if module == "time-window" {
            let mut msg_data = EXECUTE.to_vec();
            msg_data.extend_from_slice(&call_data()[8..]);
            let exec = preExecutionHookCall {
                entityId: ENTITY,
                sender: ACCOUNT,
                value: U256::ZERO,
                data: msg_data.into(),
            };
            let outcome = net
                .transact(ACCOUNT, hook, U256::ZERO, exec.abi_encode())
                .expect_success();
            assert!(outcome.programs[0].host_calls.contains(&"block_timestamp"));
        }
    }
}

#[test]
fn the_session_signer_validates_without_banned_host_calls() {
    let path = contract_code_path("session-signer");
    if !path.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} missing under CI",
            path.display()
        );
        eprintln!(
            "SKIPPED: {} is missing; run scripts/build-contracts.sh",
            path.display()
        );
        return;
    }
    let mut net = Localnet::new();
    net.fund(ACCOUNT, U256::from(10u64).pow(U256::from(20)));
    let signer_module = net.deploy_stylus_file(&path);
    let install = (ENTITY, Address::repeat_byte(0x5E)).abi_encode_params();
    net.transact(
        ACCOUNT,
        signer_module,
        U256::ZERO,
        onInstallCall {
            data: install.into(),
        }
        .abi_encode(),
    )
    .expect_success();
    // A well-formed ECDSA signature by some other key: ecrecover runs.
    let mut signature = vec![0u8];
    signature.extend_from_slice(&[0x11; 32]);
    signature.extend_from_slice(&[0x22; 32]);
    signature.push(27);
    let mut op = user_op();
    op.signature = signature.into();
    let call = validateUserOpCall {
        entityId: ENTITY,
        userOp: op,
        userOpHash: B256::repeat_byte(1),
    };
    let outcome = net
        .transact(ACCOUNT, signer_module, U256::ZERO, call.abi_encode())
        .expect_success();
    assert_eq!(
        U256::from_be_slice(&outcome.output),
        U256::from(1),
        "an invalid signature is 1"
    );
    let calls = &outcome.programs[0].host_calls;
    assert!(
        calls.contains(&"static_call_contract"),
        "ecrecover ran: {calls:?}"
    );
    for banned in BANNED_IN_VALIDATION {
        assert!(
            !calls.contains(&banned),
            "session-signer calls {banned} in validation: {calls:?}"
        );
    }
}

/// The association check is not vacuous: a program that stores at slot 1,
/// which no sender-keyed hash produced, fails it.
#[test]
#[should_panic(expected = "is not associated with the sender")]
fn storage_not_keyed_by_the_sender_fails_the_check() {
    let mut net = Localnet::new();
    net.fund(ACCOUNT, U256::from(10u64).pow(U256::from(20)));
    let program = net.deploy_stylus(&common::stylus(common::STORE_WAT));
    let mut calldata = U256::from(1).to_be_bytes::<32>().to_vec();
    calldata.extend_from_slice(&U256::from(7).to_be_bytes::<32>());
    let outcome = net
        .transact(ACCOUNT, program, U256::ZERO, calldata)
        .expect_success();
    assert_storage_associated("store", &outcome.programs[0], ACCOUNT);
}
