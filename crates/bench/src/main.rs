//! `bench-modules`: what each permission module's hooks cost on the local
//! Stylus chain.
//!
//! For every module it deploys `target/stylus/NAME.code` (build it with
//! `scripts/build-contracts.sh`), installs a realistic configuration for a
//! test account, then calls each hook the way an account does, as a view
//! (nothing is committed, so every run sees the same state). It prints, per
//! module and hook: the program frame's gas (entry cost included) uncached
//! and cached, the deployed WASM size, and the wall time per call.
//!
//! Gas is exact and deterministic; wall time is indicative only.

use std::time::Instant;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use localnet::{contract_code_path, Localnet};
use module_kit::testing::*;
use permission_core::install::*;
use permission_core::selectors::{selector, IMODULE_ID};

const ENTITY: u32 = 1;
const TOKEN: Address = Address::new([0x70; 20]);
const COUNTER: Address = Address::new([0xC0; 20]);
const MERCHANT: Address = Address::new([0x3E; 20]);
const TIMED_RUNS: u32 = 200;

/// One hook call to measure.
struct Case {
    function: &'static str,
    calldata: Vec<u8>,
}

fn transfer(amount: u64) -> Vec<u8> {
    IERC20Spend::transferCall {
        to: MERCHANT,
        amount: U256::from(amount),
    }
    .abi_encode()
}

/// The account calls the hooks see: one token transfer, and a three-call batch.
fn single() -> Vec<u8> {
    execute(TOKEN, U256::ZERO, transfer(10))
}

fn batch() -> Vec<u8> {
    execute_batch(vec![
        (COUNTER, U256::ZERO, selector("increment()").to_vec()),
        (TOKEN, U256::ZERO, transfer(10)),
        (TOKEN, U256::ZERO, transfer(20)),
    ])
}

fn install_data(module: &str) -> Vec<u8> {
    match module {
        "time-window" => TimeWindowInstall {
            entity_id: ENTITY,
            valid_after: 0,
            valid_until: 4_000_000_000,
        }
        .encode(),
        "contract-allowlist" => encode_contract_allowlist(ENTITY, &[COUNTER, TOKEN]),
        "selector-allowlist" => encode_selector_allowlist(
            ENTITY,
            &[
                SelectorRule {
                    target: COUNTER,
                    selector: selector("increment()"),
                },
                SelectorRule {
                    target: TOKEN,
                    selector: selector("transfer(address,uint256)"),
                },
            ],
        ),
        "spending-limit" => encode_spending_limit(
            ENTITY,
            &[SpendLimit {
                token: TOKEN,
                limit: U256::from(1_000_000u64),
                period: 86_400,
            }],
            GasBudget {
                enabled: true,
                limit: U256::from(10u64).pow(U256::from(18)),
            },
            &[],
        ),
        "usage-limit" => UsageLimitInstall {
            entity_id: ENTITY,
            unit: COUNT_CALLS,
            lifetime_limit: 1_000,
            period_limit: 100,
            period: 86_400,
        }
        .encode(),
        "paymaster-guard" => encode_paymaster_guard(ENTITY, true, &[Address::repeat_byte(0x9A)]),
        // transfer(to, amount): `to` one of two, `amount <= 1,000`, and a
        // daily total, so every check and a charge run.
        "param-rules" => {
            use permission_core::params::*;
            let transfer = selector("transfer(address,uint256)");
            let condition = |arg, op, bits, value| Condition {
                target: TOKEN,
                selector: transfer,
                arg,
                op,
                bits,
                value,
                path: permission_core::path::Path::NONE,
            };
            encode_param_rules(
                ENTITY,
                &[
                    condition(0, OP_ONE_OF, 160, MERCHANT.into_word()),
                    condition(0, OP_ONE_OF, 160, COUNTER.into_word()),
                    condition(1, OP_LE, 256, U256::from(1_000).into()),
                ],
                &[Total {
                    target: TOKEN,
                    selector: transfer,
                    arg: 1,
                    bits: 256,
                    limit: U256::from(1_000_000u64),
                    period: 86_400,
                    path: permission_core::path::Path::NONE,
                }],
            )
        }
        other => panic!("unknown module {other}"),
    }
}

fn cases() -> Vec<Case> {
    let op = user_op(ACCOUNT, user_op_prefixed(&single()));
    vec![
        Case {
            function: "supportsInterface",
            calldata: IERC165::supportsInterfaceCall {
                interfaceId: IMODULE_ID.into(),
            }
            .abi_encode(),
        },
        Case {
            function: "preUserOpValidationHook",
            calldata: pre_user_op(ENTITY, op.clone()).abi_encode(),
        },
        Case {
            function: "preRuntimeValidationHook",
            calldata: pre_runtime(ENTITY, single()).abi_encode(),
        },
        Case {
            function: "preExecutionHook (executeUserOp)",
            calldata: pre_execution(ENTITY, execute_user_op_msg_data(op)).abi_encode(),
        },
        Case {
            function: "preExecutionHook (batch of 3)",
            calldata: pre_execution(ENTITY, batch()).abi_encode(),
        },
    ]
}

/// A local chain with `module_name`'s program deployed and installed for
/// the test account with `install`.
fn installed(module_name: &str, install: Vec<u8>) -> (Localnet, Address) {
    let mut net = Localnet::new();
    net.fund(ACCOUNT, U256::from(10u64).pow(U256::from(21)));
    let module = net.deploy_stylus_file(contract_code_path(module_name));
    let install = IModule::onInstallCall {
        data: install.into(),
    };
    net.transact(ACCOUNT, module, U256::ZERO, install.abi_encode())
        .expect_success();
    (net, module)
}

/// Prints one table row: `function`'s frame gas uncached and cached, and
/// its wall time.
fn row(net: &mut Localnet, module: Address, module_name: &str, function: &str, calldata: &[u8]) {
    let wasm_bytes = std::fs::read(contract_code_path(module_name).with_extension("wasm"))
        .map_or(0, |w| w.len());
    net.set_cached(module, false);
    let uncached = frame_gas(net, module, calldata, function);
    net.set_cached(module, true);
    let cached = frame_gas(net, module, calldata, function);
    let start = Instant::now();
    for _ in 0..TIMED_RUNS {
        frame_gas(net, module, calldata, function);
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(TIMED_RUNS);
    println!(
        "| {module_name} | {function} | {wasm_bytes} | {uncached} | {cached} | {micros:.0} µs |"
    );
}

/// Gas the module's program frame used, entry cost included.
fn frame_gas(net: &mut Localnet, module: Address, calldata: &[u8], function: &str) -> u64 {
    let outcome = net.call(ACCOUNT, module, calldata.to_vec());
    assert!(outcome.success, "{function} failed: {outcome}");
    outcome
        .programs
        .iter()
        .find(|p| p.contract == module)
        .and_then(|p| p.gas_used)
        .expect("the module ran")
}

/// The session-signer's `validateUserOp` for an ECDSA key and a P-256 key:
/// the signature check every session-key operation pays.
fn signer_rows() {
    use alloy_primitives::{eip191_hash_message, keccak256, B256};
    use alloy_sol_types::SolValue;
    use p256::ecdsa::signature::hazmat::PrehashSigner;

    let op_hash = B256::repeat_byte(0x42);
    let digest = eip191_hash_message(op_hash);

    let ecdsa = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
    let point = ecdsa.verifying_key().to_encoded_point(false);
    let signer = Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..]);
    let (sig, recovery) = ecdsa.sign_prehash_recoverable(digest.as_slice()).unwrap();
    let mut ecdsa_sig = vec![0u8];
    ecdsa_sig.extend_from_slice(&sig.to_bytes());
    ecdsa_sig.push(27 + recovery.to_byte());

    let passkey = p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap();
    let point = passkey.verifying_key().to_encoded_point(false);
    let (x, y) = (
        U256::from_be_slice(point.x().unwrap()),
        U256::from_be_slice(point.y().unwrap()),
    );
    let sig: p256::ecdsa::Signature = passkey.sign_prehash(digest.as_slice()).unwrap();
    let mut p256_sig = vec![2u8];
    p256_sig.extend_from_slice(&sig.to_bytes());

    for (label, install, signature) in [
        (
            "validateUserOp (ECDSA)",
            (ENTITY, signer).abi_encode_params(),
            ecdsa_sig,
        ),
        (
            "validateUserOp (P-256)",
            (ENTITY, Address::ZERO, x, y).abi_encode_params(),
            p256_sig,
        ),
    ] {
        let (mut net, module) = installed("session-signer", install);
        let mut op = user_op(ACCOUNT, single());
        op.signature = signature.into();
        let mut calldata = permission_core::selectors::VALIDATE_USER_OP.to_vec();
        calldata.extend_from_slice(&(ENTITY, op, op_hash).abi_encode_params());
        let outcome = net.call(ACCOUNT, module, calldata.clone());
        assert_eq!(
            U256::from_be_slice(&outcome.output),
            U256::ZERO,
            "{label}: the signature is valid"
        );
        row(&mut net, module, "session-signer", label, &calldata);
    }
}

alloy_sol_types::sol! {
    function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data) external;
}

/// param-rules following ABI paths: an ERC-1155 batch transfer of three
/// ids, each id on a list of two, each amount bounded, and a daily total of
/// every amount (`ids[*] in [1, 2]; amounts[*] <= 10; sum(amounts[*]) <= 1000
/// per day`).
fn path_rows() {
    use permission_core::params::*;
    use permission_core::path::{Path, Step};

    let batch = safeBatchTransferFromCall::SELECTOR;
    let every = Path::pack(&[
        Step::Deref,
        Step::Index {
            stride: 1,
            index: None,
        },
    ])
    .expect("two steps fit");
    let condition = |arg, op, value: u64| Condition {
        target: TOKEN,
        selector: batch,
        arg,
        op,
        bits: 256,
        value: U256::from(value).into(),
        path: every,
    };
    let install = encode_param_rules(
        ENTITY,
        &[
            condition(2, OP_ONE_OF, 1),
            condition(2, OP_ONE_OF, 2),
            condition(3, OP_LE, 10),
        ],
        &[Total {
            target: TOKEN,
            selector: batch,
            arg: 3,
            bits: 256,
            limit: U256::from(1_000),
            period: 86_400,
            path: every,
        }],
    );
    let (mut net, module) = installed("param-rules", install);
    let amounts = |v: [u64; 3]| v.iter().map(|a| U256::from(*a)).collect::<Vec<_>>();
    let call = safeBatchTransferFromCall {
        from: ACCOUNT,
        to: MERCHANT,
        ids: amounts([1, 2, 1]),
        amounts: amounts([5, 5, 5]),
        data: Default::default(),
    }
    .abi_encode();
    let account_call = execute(TOKEN, U256::ZERO, call);
    let op = user_op(ACCOUNT, user_op_prefixed(&account_call));
    for (label, calldata) in [
        (
            "preUserOpValidationHook (ABI paths: a batch transfer of 3 ids)",
            pre_user_op(ENTITY, op).abi_encode(),
        ),
        (
            "preExecutionHook (ABI paths: a batch transfer of 3 ids)",
            pre_execution(ENTITY, account_call).abi_encode(),
        ),
    ] {
        row(&mut net, module, "param-rules", label, &calldata);
    }
}

fn main() {
    println!("| module | hook | wasm bytes | gas uncached | gas cached | wall time per call |");
    println!("|---|---|---|---|---|---|");
    for module_name in [
        "time-window",
        "contract-allowlist",
        "selector-allowlist",
        "spending-limit",
        "usage-limit",
        "paymaster-guard",
        "param-rules",
    ] {
        let (mut net, module) = installed(module_name, install_data(module_name));
        for case in cases() {
            row(&mut net, module, module_name, case.function, &case.calldata);
        }
    }
    path_rows();
    signer_rows();
}
