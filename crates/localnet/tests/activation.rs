//! `ArbWasm.activateProgram` priced as Nitro prices it: the gas of every
//! step, the data fee and where it goes, and the failures.
//!
//! Every expected number is worked out here from Nitro's source:
//! precompiles/precompile.go (`Precompile.Call`: 3 gas a word of arguments
//! and of result, the log price), precompiles/ArbWasm.go (`ActivateProgram`,
//! `payActivationDataFee`), arbos/programs/programs.go
//! (`Programs.ActivateProgram`), arbos/storage/storage.go (800 a read,
//! 20,000 a non-zero write), crates/prover/src/programs/mod.rs
//! (`Module::activate`) and arbos/programs/data_pricer.go.

mod common;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolEvent};
use common::*;
use localnet::abi::ArbWasm;
use localnet::precompiles::NETWORK_FEE_ACCOUNT;
use localnet::{ArbOs, Localnet, ARBWASM};

/// `stylus-artifact`'s module A (tests/costs.rs), whose activation inputs
/// are worked out by hand there: 135 bytes, 2 functions, 5 data bytes,
/// 1 page, 62 instrumented operators. `Module::activate` charges
///   135*31733/1e5 = 42 us, 2*17263/1e5 = 0, 5*17376/1e5 = 0, 0 elements,
///   1*2217 = 2217 us, 62*535/1000 = 33 us: 2,292 us * 28 = 64,176 gas,
/// and its asm estimate is 512,000 + 1,993 + 57 + 845 = 514,895 bytes.
fn module_a(data: &str) -> Vec<u8> {
    let wat = format!(
        r#"(module
  (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
  (memory (export "memory") 1)
  (global (mut i32) (i32.const 1024))
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0)
  (func (param i32 i32) (result i32) local.get 0)
  (data (i32.const 16) "{data}"))"#
    );
    let wasm = stylus_artifact::canonicalize(&wat::parse_str(wat).unwrap()).unwrap();
    assert_eq!(wasm.len(), 135);
    stylus_artifact::onchain_code(&wasm)
}
const MODULE_A_COMPUTE: u64 = 64_176;

/// The gas `activateProgram` burns for module A on a fresh chain, step by step.
fn module_a_activation_gas(arbos: ArbOs) -> u64 {
    let arbos_state = 800; // OpenArbosState reads the version
    let args = 3; // 32 bytes of arguments: one word
    let activation_gas_setting = if arbos == ArbOs::V60 { 800 } else { 0 };
    let fixed = 1_659_168;
    let params = 100; // Params(), as a warm read
    let program_record_read = 800;
    let module_hash_write = 20_000;
    let pricer = 5 * 800 + 20_000 + 20_000; // five reads, demand and time written
    let program_record_write = 20_000;
    let network_fee_account = 800;
    // ProgramActivated: 375 + 375 * (id + 1 indexed) + 8 * 4 data words.
    let log = 375 + 375 * 2 + 8 * 128;
    let result = 6; // (uint16, uint256): two words
    arbos_state
        + args
        + activation_gas_setting
        + fixed
        + params
        + program_record_read
        + MODULE_A_COMPUTE
        + module_hash_write
        + pricer
        + program_record_write
        + network_fee_account
        + log
        + result
}

fn activate_call(program: Address) -> Vec<u8> {
    ArbWasm::activateProgramCall { program }.abi_encode()
}

/// On a fresh chain at block time 1,700,000,000 the pricer's credit has
/// saturated, so demand is the estimate alone: exponent 10,000 * 514,895 /
/// 21,360,419 = 241 bips, e^x by the 12-term series = 10,243, so
/// 82,928,201 * 10,243 / 10,000 = 84,943,356 wei a byte, times 514,895.
const MODULE_A_FEE: u64 = 84_943_356 * 514_895;

#[test]
fn activation_costs_what_nitro_charges_at_both_versions() {
    for arbos in [ArbOs::V51, ArbOs::V60] {
        let mut net = Localnet::with_arbos(arbos);
        net.fund(ALICE, ether(100));
        let p = net.try_deploy_code(&module_a("hello")).unwrap();
        let data = activate_call(p);
        let out = net.transact(ALICE, ARBWASM, ether(1), data.clone());
        assert!(out.success, "{arbos}: {out}");
        assert_eq!(
            out.gas_used,
            intrinsic_gas(&data) + module_a_activation_gas(arbos),
            "{arbos}"
        );
        let ret = out.decode_return::<ArbWasm::activateProgramCall>().unwrap();
        assert_eq!(ret.version, 2);
        assert_eq!(ret.dataFee, U256::from(MODULE_A_FEE), "{arbos}");
    }
}

#[test]
fn the_data_fee_goes_to_the_network_account_and_the_rest_comes_back() {
    let mut net = net();
    let p = net.try_deploy_code(&module_a("hello")).unwrap();
    let before = net.balance(ALICE);
    let out = net.transact(ALICE, ARBWASM, ether(1), activate_call(p));
    assert!(out.success, "{out}");
    let fee = U256::from(MODULE_A_FEE);
    let gas_paid = U256::from(out.gas_used) * U256::from(localnet::BASEFEE);
    assert_eq!(net.balance(ALICE), before - gas_paid - fee);
    assert_eq!(net.balance(NETWORK_FEE_ACCOUNT), fee);
    assert_eq!(net.balance(ARBWASM), U256::ZERO);
    let event = ArbWasm::ProgramActivated::decode_log_data(&out.logs[0].data).unwrap();
    assert_eq!(event.dataFee, fee);
    assert_eq!(event.program, p);
}

/// `payActivationDataFee`: too little value is `ProgramInsufficientValue`,
/// which rolls the activation back. Its gas: every step up to the fee, then
/// 3 a word for the error's 68 bytes (3 words).
#[test]
fn too_little_value_is_refused_and_activates_nothing() {
    let mut net = net();
    let p = net.try_deploy_code(&module_a("hello")).unwrap();
    let fee = U256::from(MODULE_A_FEE);
    let data = activate_call(p);
    let out = net.transact(ALICE, ARBWASM, fee - U256::from(1), data.clone());
    assert!(out.reverted(), "{out}");
    assert_eq!(
        out.decode_revert::<ArbWasm::ArbWasmErrors>(),
        Some(ArbWasm::ArbWasmErrors::ProgramInsufficientValue(
            ArbWasm::ProgramInsufficientValue {
                have: fee - U256::from(1),
                want: fee,
            }
        ))
    );
    let up_to_the_fee = module_a_activation_gas(ArbOs::V51) - 800 - 2_149 - 6;
    assert_eq!(out.gas_used, intrinsic_gas(&data) + up_to_the_fee + 9);
    assert!(net.program_record(p).is_none());
    assert_eq!(net.balance(NETWORK_FEE_ACCOUNT), U256::ZERO);
    // The exact fee activates it.
    let out = net.transact(ALICE, ARBWASM, fee, data);
    assert!(out.success, "{out}");
}

/// An activated program: the fixed price, the parameters and the record's
/// read, then `ProgramUpToDate` (4 bytes of error: one word).
#[test]
fn activating_twice_is_program_up_to_date() {
    let mut net = net();
    let p = net.deploy_stylus(&module_a("hello"));
    let data = activate_call(p);
    let out = net.transact(ALICE, ARBWASM, U256::ZERO, data.clone());
    assert!(matches!(
        out.decode_revert::<ArbWasm::ArbWasmErrors>(),
        Some(ArbWasm::ArbWasmErrors::ProgramUpToDate(_))
    ));
    assert_eq!(
        out.gas_used,
        intrinsic_gas(&data) + 800 + 3 + 1_659_168 + 100 + 800 + 3
    );
}

/// Demand stays in the pricer: a second program of the same size in the
/// same block pays for both. Exponent 10,000 * 1,029,790 / 21,360,419 =
/// 482 bips, e^x = 10,493, 82,928,201 * 10,493 / 10,000 = 87,016,561 wei a
/// byte. Demand drains 34,865 bytes a second.
#[test]
fn the_price_grows_with_demand_and_demand_drains() {
    let mut net = net();
    net.deploy_stylus(&module_a("hello"));
    let second = net.try_deploy_code(&module_a("world")).unwrap();
    assert_eq!(
        net.activation_fee(second).unwrap(),
        U256::from(87_016_561u64 * 514_895)
    );
    // Ten seconds on, the first 514,895 bytes have drained to 166,245;
    // activating the second makes 681,140, and the third asks for the
    // price at 1,196,035: 559 bips, e^x = 10,574, 82,928,201 * 10,574 /
    // 10,000 = 87,688,279 wei a byte.
    net.set_timestamp(net.timestamp() + 10);
    let third = net.try_deploy_code(&module_a("third")).unwrap();
    net.activate(second).unwrap();
    assert_eq!(
        net.activation_fee(third).unwrap(),
        U256::from(87_688_279u64 * 514_895)
    );
}

/// `Module::activate` failing (here, floats) makes `activateProgram` burn
/// all its gas and return nothing (`ErrProgramActivation` in
/// precompiles/precompile.go); so does having too little gas for its
/// charges, and a call from a static context.
#[test]
fn a_failed_activation_burns_all_its_gas() {
    let mut net = net();
    let floats = stylus(
        r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32)
    (drop (f32.add (f32.const 1) (f32.const 2)))
    (i32.const 0)))"#,
    );
    let p = net.try_deploy_code(&floats).unwrap();
    let gas_limit = 3_000_000;
    net.set_gas_limit(gas_limit);
    let out = net.transact(ALICE, ARBWASM, ether(1), activate_call(p));
    assert!(!out.success);
    assert!(out.output.is_empty(), "{out}");
    assert_eq!(out.gas_used, gas_limit);
    assert!(net.program_record(p).is_none());

    // A valid program with gas for the fixed part but not for its charges.
    let q = net.try_deploy_code(&module_a("hello")).unwrap();
    let data = activate_call(q);
    let short = intrinsic_gas(&data) + 800 + 3 + 1_659_168 + 100 + 800 + MODULE_A_COMPUTE - 1;
    net.set_gas_limit(short);
    let out = net.transact(ALICE, ARBWASM, ether(1), data);
    assert!(!out.success && out.output.is_empty(), "{out}");
    assert_eq!(out.gas_used, short);
    assert!(net.program_record(q).is_none());
}

/// Code that is not Stylus: empty code is `ProgramNotWasm` on both
/// versions; EVM code is a plain error (a revert without data) before
/// ArbOS 60 and `ProgramNotWasm` from 60 (`getWasmFromContractCode`).
#[test]
fn code_that_is_not_stylus_is_refused_as_each_version_does() {
    for arbos in [ArbOs::V51, ArbOs::V60] {
        let mut net = Localnet::with_arbos(arbos);
        net.fund(ALICE, ether(100));
        let evm = deploy_runtime(&mut net, &evm_store_return());
        let out = net.transact(ALICE, ARBWASM, U256::ZERO, activate_call(evm));
        assert!(out.reverted(), "{out}");
        if arbos == ArbOs::V60 {
            assert!(matches!(
                out.decode_revert::<ArbWasm::ArbWasmErrors>(),
                Some(ArbWasm::ArbWasmErrors::ProgramNotWasm(_))
            ));
        } else {
            assert_eq!(out.output, Bytes::new(), "{out}");
        }
        let out = net.transact(ALICE, ARBWASM, U256::ZERO, activate_call(NOBODY));
        assert!(matches!(
            out.decode_revert::<ArbWasm::ArbWasmErrors>(),
            Some(ArbWasm::ArbWasmErrors::ProgramNotWasm(_))
        ));
        // A Stylus prefix over bytes that are not brotli: a plain error,
        // which keeps the gas left.
        let garbage = net
            .try_deploy_code(&[0xef, 0xf0, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff])
            .unwrap();
        net.set_gas_limit(3_000_000);
        let out = net.transact(ALICE, ARBWASM, U256::ZERO, activate_call(garbage));
        assert!(out.reverted() && out.output.is_empty(), "{out}");
        assert!(out.gas_used < 2_000_000, "{out}");
    }
}

/// The OpenZeppelin ERC-20 fixture (built by scripts/build-fixtures.sh):
/// its activation on a fresh chain, from its measured inputs and Nitro's
/// formulas written out here.
#[test]
fn the_oz_erc20_fixture_activates_for_about_3_5m_gas() {
    let Ok(code) = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/stylus/oz-erc20.code"),
    ) else {
        panic!("target/stylus/oz-erc20.code is missing: run scripts/build-fixtures.sh");
    };
    let wasm = stylus_artifact::decompress_onchain_code(&code).unwrap();
    let a = stylus_artifact::validate(&wasm).unwrap().activation;
    let us = a.wasm_len * 31_733 / 100_000
        + a.funcs * 17_263 / 100_000
        + a.data_payload * 17_376 / 100_000
        + a.element_bytes * 17_376 / 100_000
        + a.pages * 2_217
        + a.instrumented_ops * 535 / 1_000;
    let mut net = net();
    let p = net.try_deploy_code(&code).unwrap();
    let data = activate_call(p);
    let out = net.transact(ALICE, ARBWASM, ether(1), data.clone());
    assert!(out.success, "{out}");
    let expected = module_a_activation_gas(ArbOs::V51) - MODULE_A_COMPUTE + us * 28;
    assert_eq!(out.gas_used, intrinsic_gas(&data) + expected);
    assert!((3_000_000..4_000_000).contains(&out.gas_used), "{out}");
    let fee = out
        .decode_return::<ArbWasm::activateProgramCall>()
        .unwrap()
        .dataFee;
    eprintln!("oz-erc20: {} gas, data fee {fee} wei", out.gas_used);
}

/// Activations expire after 365 days, counted from the hour they were made
/// (arbos/programs/programs.go: `hoursSinceArbitrum`, `hoursToAge`,
/// `getActiveProgram`). Genesis time 1,700,000,000 is 278,612,000 s after
/// Arbitrum's start (1,421,388,000): hour 77,392, which began at
/// 1,699,999,200, so the program is 800 s old when activated and expires
/// once older than 31,536,000 s, after 1,731,535,200.
#[test]
fn an_activation_expires_after_a_year_and_can_be_renewed() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(&echo_wat(1)));
    let left = view(
        &mut net,
        ARBWASM,
        ArbWasm::programTimeLeftCall { program: p },
    );
    assert_eq!(left, 31_536_000 - 800);

    net.set_timestamp(1_731_535_200);
    assert!(
        net.call(ALICE, p, vec![7]).success,
        "last second of its year"
    );
    net.set_timestamp(1_731_535_201);
    let out = net.call(ALICE, p, vec![7]);
    assert!(!out.success && out.output.is_empty(), "{out}");
    assert!(out.failures[0].reason.contains("expired"), "{out}");
    let expired = net.call(
        ALICE,
        ARBWASM,
        ArbWasm::programTimeLeftCall { program: p }.abi_encode(),
    );
    assert_eq!(
        expired.decode_revert::<ArbWasm::ArbWasmErrors>(),
        Some(ArbWasm::ArbWasmErrors::ProgramExpired(
            ArbWasm::ProgramExpired {
                ageInSeconds: 31_536_001
            }
        ))
    );
    // An expired program is not up to date: it activates again.
    net.activate(p).unwrap();
    assert!(net.call(ALICE, p, vec![7]).success);
}

/// `codehashKeepalive` (arbos/programs/programs.go, `ProgramKeepalive`):
/// refused until the activation is 31 days (2,678,400 s) old, then it
/// resets the activation hour for a data fee priced on the stored asm size.
#[test]
fn keepalive_waits_a_month_then_resets_the_age_for_a_fee() {
    let mut net = net();
    let code = module_a("hello");
    let p = net.deploy_stylus(&code);
    let codehash = net.code_hash(p);
    let data = ArbWasm::codehashKeepaliveCall { codehash }.abi_encode();
    let out = net.transact(ALICE, ARBWASM, ether(1), data.clone());
    assert_eq!(
        out.decode_revert::<ArbWasm::ArbWasmErrors>(),
        Some(ArbWasm::ArbWasmErrors::ProgramKeepaliveTooSoon(
            ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: 800 }
        ))
    );
    // Module A's asm estimate, 514,895 bytes, is stored as 503 KiB
    // (rounded up); the keepalive prices 503 * 1,024 = 515,072 bytes.
    let size = view(&mut net, ARBWASM, ArbWasm::codehashAsmSizeCall { codehash });
    assert_eq!(size, 515_072);

    // 31 days on (1,699,999,200 + 2,678,400): allowed. The pricer's demand
    // has drained to 0 by then, so demand is 515,072 bytes: 241 bips,
    // e^x = 10,243, 84,943,356 wei a byte.
    let when = 1_699_999_200 + 2_678_400;
    net.set_timestamp(when);
    let before = net.balance(NETWORK_FEE_ACCOUNT);
    let out = net.transact(ALICE, ARBWASM, ether(1), data.clone());
    assert!(out.success, "{out}");
    let fee = U256::from(84_943_356u64 * 515_072);
    assert_eq!(net.balance(NETWORK_FEE_ACCOUNT) - before, fee);
    let event = ArbWasm::ProgramLifetimeExtended::decode_log_data(&out.logs[0].data).unwrap();
    assert_eq!((event.codehash, event.dataFee), (codehash, fee));
    // Gas: 800 + 3 + 100 + 800, the pricer 4,000 + 40,000, the record
    // 20,000, the network account 800, the log 375 + 750 + 8 * 32, no result.
    assert_eq!(
        out.gas_used,
        intrinsic_gas(&data) + 800 + 3 + 100 + 800 + 44_000 + 20_000 + 800 + 1_381
    );
    // The age starts again from this hour.
    let left = view(
        &mut net,
        ARBWASM,
        ArbWasm::programTimeLeftCall { program: p },
    );
    assert_eq!(left, 31_536_000);
}
