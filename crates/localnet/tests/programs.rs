//! Small Stylus programs written in WAT, run through the real runtime.

mod common;

use alloy_primitives::{Bytes, U256};
use common::*;
use localnet::Localnet;
use revm::context::result::{HaltReason, OutOfGasError};

fn entry(out: &localnet::TxOutcome, i: usize) -> &localnet::ProgramEntry {
    out.programs
        .get(i)
        .unwrap_or_else(|| panic!("program entry {i} missing: {out}"))
}

#[test]
fn echo_returns_its_calldata() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(&echo_wat(1)));
    let out = net.transact(ALICE, p, U256::ZERO, vec![1, 2, 3, 4, 5]);
    assert!(out.success, "{out}");
    assert_eq!(out.output, Bytes::from(vec![1, 2, 3, 4, 5]));
    assert!(out.failures.is_empty());
    let view = net.call(NOBODY, p, vec![9; 100]);
    assert_eq!(view.output, Bytes::from(vec![9; 100]));
}

#[test]
fn entry_cost_uncached_and_cached() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(&echo_wat(1)));
    let info = net.activation_info(p).unwrap();
    let init = 8_832 + u64::from(info.init_cost);
    let cached_part = 352 + u64::from(info.cached_init_cost);

    let uncached = net.transact(ALICE, p, U256::ZERO, vec![7; 64]);
    let e = entry(&uncached, 0);
    assert!(!e.cached);
    assert_eq!(e.memory_gas, 0, "1 page is within the free 2");
    assert_eq!(e.entry_gas, cached_part + init);

    net.set_cached(p, true);
    let cached = net.transact(ALICE, p, U256::ZERO, vec![7; 64]);
    let e = entry(&cached, 0);
    assert!(e.cached);
    assert_eq!(e.entry_gas, cached_part);
    // Everything else is the same: the program's frames differ by exactly
    // the init gas. (The transactions' gas may not: EIP-7623's calldata
    // floor can bind for so small a call.)
    let used = |out: &localnet::TxOutcome| entry(out, 0).gas_used.unwrap();
    assert_eq!(used(&uncached) - used(&cached), init);
    println!(
        "echo: init_cost {} cached_init_cost {}: frame gas {} uncached, {} cached",
        info.init_cost,
        info.cached_init_cost,
        used(&uncached),
        used(&cached)
    );
}

#[test]
fn revert_keeps_gas_and_returns_data() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(REVERT_WAT));
    let out = net.transact(ALICE, p, U256::ZERO, vec![0xAB; 40]);
    assert!(out.reverted(), "{out}");
    assert_eq!(out.output, Bytes::from(vec![0xAB; 40]));
    assert!(out.gas_used < 100_000, "{}", out.gas_used);
}

#[test]
fn trap_reverts_without_data_and_keeps_gas() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(TRAP_WAT));
    let out = net.transact(ALICE, p, U256::ZERO, Bytes::new());
    assert!(out.reverted(), "{out}");
    assert!(out.output.is_empty());
    assert_eq!(out.failures.len(), 1, "{out}");
    assert_eq!(out.failures[0].contract, p);
    assert!(out.gas_used < 100_000, "{}", out.gas_used);
}

#[test]
fn running_out_of_ink_consumes_all_gas() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(LOOP_WAT));
    net.set_gas_limit(1_000_000);
    let out = net.transact(ALICE, p, U256::ZERO, Bytes::new());
    assert_eq!(
        out.halt,
        Some(HaltReason::OutOfGas(OutOfGasError::Basic)),
        "{out}"
    );
    assert_eq!(out.gas_used, 1_000_000);
    assert_eq!(entry(&out, 0).gas_used, Some(entry(&out, 0).frame_gas));
}

fn key_value(key: u64, value: u64) -> Vec<u8> {
    let mut v = U256::from(key).to_be_bytes::<32>().to_vec();
    v.extend_from_slice(&U256::from(value).to_be_bytes::<32>());
    v
}

#[test]
fn storage_is_written_through_the_journal() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(STORE_WAT));
    let out = net.transact(ALICE, p, U256::ZERO, key_value(1, 7));
    assert!(out.success, "{out}");
    assert_eq!(
        (word(&out.output, 0), word(&out.output, 1)),
        (U256::ZERO, U256::from(7))
    );
    assert_eq!(net.storage(p, U256::from(1)), U256::from(7));

    let out = net.transact(ALICE, p, U256::ZERO, key_value(1, 9));
    assert_eq!(
        (word(&out.output, 0), word(&out.output, 1)),
        (U256::from(7), U256::from(9))
    );
    assert_eq!(net.storage(p, U256::from(1)), U256::from(9));

    // Setting it back to 0 earns a refund.
    let out = net.transact(ALICE, p, U256::ZERO, key_value(1, 0));
    assert!(out.success, "{out}");
    assert!(out.gas_refunded > 0, "{out:?}");
    assert_eq!(net.storage(p, U256::from(1)), U256::ZERO);

    // A view writes nothing.
    let view = net.call(ALICE, p, key_value(2, 5));
    assert!(view.success, "{view}");
    assert_eq!(net.storage(p, U256::from(2)), U256::ZERO);
}

#[test]
fn writes_fail_in_a_static_call() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(STORE_WAT));
    let probe = deploy_runtime(&mut net, &staticcall_probe(p, 1_000_000));
    let out = net.transact(ALICE, probe, U256::ZERO, key_value(1, 7));
    assert!(out.success, "{out}");
    assert_eq!(word(&out.output, 1), U256::ZERO, "the static call failed");
    assert_eq!(out.failures.len(), 1, "{out}");
    assert_eq!(net.storage(p, U256::from(1)), U256::ZERO);
}

#[test]
fn program_calls_evm_contracts() {
    let mut net = net();
    let caller = net.deploy_stylus(&stylus(&caller_wat(1)));
    let store = deploy_runtime(&mut net, &evm_store_return());
    let out = net.transact(ALICE, caller, U256::ZERO, caller_input(store, &[]));
    assert!(out.success, "{out}");
    assert_eq!(word(&out.output, 0), U256::ZERO, "status 0");
    assert_eq!(word(&out.output, 1), U256::from(42));
    assert_eq!(net.storage(store, U256::ZERO), U256::from(42));

    // A reverting child: failure status, its revert data readable.
    let reverter = deploy_runtime(&mut net, &evm_revert_42());
    let out = net.transact(ALICE, caller, U256::ZERO, caller_input(reverter, &[]));
    assert!(out.success, "{out}");
    assert_ne!(word(&out.output, 0), U256::ZERO, "failure status");
    assert_eq!(word(&out.output, 1), U256::from(42));

    // An account without code: success, no data.
    let out = net.transact(ALICE, caller, U256::ZERO, caller_input(NOBODY, &[]));
    assert_eq!(out.output.len(), 32, "{out}");
    assert_eq!(word(&out.output, 0), U256::ZERO);

    // A precompile (identity) answers at once.
    let identity = alloy_primitives::Address::with_last_byte(4);
    let out = net.transact(ALICE, caller, U256::ZERO, caller_input(identity, &[5; 33]));
    assert_eq!(&out.output[32..], &[5; 33]);
}

#[test]
fn program_calls_program() {
    let mut net = net();
    let caller = net.deploy_stylus(&stylus(&caller_wat(1)));
    let echo = net.deploy_stylus(&stylus(&echo_wat(1)));
    let out = net.transact(ALICE, caller, U256::ZERO, caller_input(echo, &[3; 10]));
    assert!(out.success, "{out}");
    assert_eq!(&out.output[32..], &[3; 10]);
    assert_eq!(out.programs.len(), 2);
    assert_eq!(
        (out.programs[0].contract, out.programs[1].contract),
        (caller, echo)
    );
    assert_eq!(out.programs[1].depth, 1);
    // The child got at most 63/64 of what the caller had left.
    assert!(out.programs[1].frame_gas < out.programs[0].frame_gas);
}

#[test]
fn memory_pages_are_priced_per_transaction() {
    let mut net = net();
    // Caller and callee have 3 pages each.
    let caller = net.deploy_stylus(&stylus(&caller_wat(3)));
    let echo = net.deploy_stylus(&stylus(&echo_wat(3)));
    let out = net.transact(ALICE, caller, U256::ZERO, caller_input(echo, &[1]));
    assert!(out.success, "{out}");
    // Caller: pages 0 -> 3: one above the 2 free = 1,000, exp(3) - exp(0) = 0.
    assert_eq!(out.programs[0].memory_gas, 1_000);
    // Callee: pages 3 -> 6: 3,000, exp(6) - exp(3) = 2 - 1 = 1.
    assert_eq!(out.programs[1].memory_gas, 3_001);
    // A new transaction starts from zero again.
    let out = net.transact(ALICE, echo, U256::ZERO, vec![1]);
    assert_eq!(out.programs[0].memory_gas, 1_000);
    assert_eq!(
        net.evm().pages(),
        localnet::memory::Pages { open: 0, ever: 3 }
    );
}

#[test]
fn reentrancy_is_reported() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(REENTRANT_WAT));
    let out = net.transact(ALICE, p, U256::ZERO, Bytes::new());
    assert!(out.success, "{out}");
    assert_eq!(
        word(&out.output, 0),
        U256::ZERO,
        "outer call is not reentrant"
    );
    assert_eq!(word(&out.output, 1), U256::from(1), "inner call is");

    // Through an EVM contract: the program's first frame is not reentrant.
    let fwd = deploy_runtime(&mut net, &call_forwarder(p));
    let out = net.transact(ALICE, fwd, U256::ZERO, Bytes::new());
    assert!(out.success, "{out}");
    assert_eq!(word(&out.output, 0), U256::ZERO);
    assert_eq!(word(&out.output, 1), U256::from(1));
}

#[test]
fn entry_cost_must_fit_the_gas_given() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(&echo_wat(1)));
    let info = net.activation_info(p).unwrap();
    let entry_gas = 352 + u64::from(info.cached_init_cost) + 8_832 + u64::from(info.init_cost);

    // Less gas than the entry cost: the call runs out of gas.
    let probe = deploy_runtime(&mut net, &staticcall_probe(p, (entry_gas - 1) as u32));
    let out = net.transact(ALICE, probe, U256::ZERO, vec![1; 32]);
    assert!(out.success, "{out}");
    assert_eq!(word(&out.output, 1), U256::ZERO, "static call failed");
    // The whole cap was used (2,600 cold call + cap + 18 for the pushes
    // and the second GAS).
    assert_eq!(word(&out.output, 2), U256::from(2_600 + entry_gas - 1 + 18));

    // With 30,000 it works.
    let probe = deploy_runtime(&mut net, &staticcall_probe(p, 30_000));
    let out = net.transact(ALICE, probe, U256::ZERO, vec![1; 32]);
    assert_eq!(word(&out.output, 1), U256::from(1), "{out}");
    assert_eq!(word(&out.output, 0), U256::from_be_slice(&[1; 32]));
}

#[test]
fn created_contracts_with_stylus_code_can_be_activated_in_one_chain() {
    // Two deployments of the same code share the activation (by code hash).
    let mut net = Localnet::new();
    let code = stylus(&echo_wat(1));
    let a = net.deploy_stylus(&code);
    let b = net.deploy_stylus(&code);
    assert_ne!(a, b);
    assert_eq!(net.program_record(a), net.program_record(b));
    let out = net.call(NOBODY, b, vec![1]);
    assert!(out.success, "{out}");
}

#[test]
fn program_sends_value_and_pays_for_new_accounts() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(&call_kind_wat("call_contract")));
    net.fund(p, U256::from(1_000));
    let fresh = alloy_primitives::Address::repeat_byte(0x77);

    // To an empty account: 100 + 2,500 cold + 25,000 new account + 9,000 value.
    let first = net.transact(
        ALICE,
        p,
        U256::ZERO,
        call_kind_input(fresh, U256::from(5), &[]),
    );
    assert!(first.success, "{first}");
    assert_eq!(word(&first.output, 0), U256::ZERO, "status");
    assert_eq!(net.balance(fresh), U256::from(5));
    assert_eq!(net.balance(p), U256::from(995));
    // Again, now that it exists: 25,000 less, everything else equal.
    let second = net.transact(
        ALICE,
        p,
        U256::ZERO,
        call_kind_input(fresh, U256::from(5), &[]),
    );
    let used = |out: &localnet::TxOutcome| entry(out, 0).gas_used.unwrap();
    assert_eq!(used(&first) - used(&second), 25_000);
    assert_eq!(net.balance(fresh), U256::from(10));

    // More than the program has: the call fails, nothing moves.
    let out = net.transact(
        ALICE,
        p,
        U256::ZERO,
        call_kind_input(fresh, U256::from(5_000), &[]),
    );
    assert!(out.success, "{out}");
    assert_ne!(word(&out.output, 0), U256::ZERO, "status");
    assert_eq!(net.balance(fresh), U256::from(10));

    // From a static frame, value cannot be sent.
    let probe = deploy_runtime(&mut net, &staticcall_probe(p, 1_000_000));
    let out = net.transact(
        ALICE,
        probe,
        U256::ZERO,
        call_kind_input(fresh, U256::from(1), &[]),
    );
    assert_eq!(
        word(&out.output, 1),
        U256::from(1),
        "the program itself succeeded: {out}"
    );
    assert_ne!(word(&out.output, 0), U256::ZERO, "its inner call failed");
    assert_eq!(net.balance(fresh), U256::from(10));
}

#[test]
fn delegate_and_static_calls_from_programs() {
    let mut net = net();
    let store = net.deploy_stylus(&stylus(STORE_WAT));

    // Delegate call: the store program writes the caller's storage.
    let d = net.deploy_stylus(&stylus(&call_kind_wat("delegate_call_contract")));
    let out = net.transact(
        ALICE,
        d,
        U256::ZERO,
        call_kind_input(store, U256::ZERO, &key_value(3, 11)),
    );
    assert!(out.success, "{out}");
    assert_eq!(word(&out.output, 0), U256::ZERO, "status");
    assert_eq!(net.storage(d, U256::from(3)), U256::from(11));
    assert_eq!(net.storage(store, U256::from(3)), U256::ZERO);
    // Both frames run as `d`, but a delegate frame doesn't count as a
    // second context of `d`.
    assert_eq!(out.programs[1].contract, d);

    // Static call: the store program cannot write.
    let s = net.deploy_stylus(&stylus(&call_kind_wat("static_call_contract")));
    let out = net.transact(
        ALICE,
        s,
        U256::ZERO,
        call_kind_input(store, U256::ZERO, &key_value(3, 11)),
    );
    assert!(out.success, "{out}");
    assert_ne!(word(&out.output, 0), U256::ZERO, "status");
    assert_eq!(net.storage(store, U256::from(3)), U256::ZERO);
    // A read-only callee works.
    let echo = net.deploy_stylus(&stylus(&echo_wat(1)));
    let out = net.transact(
        ALICE,
        s,
        U256::ZERO,
        call_kind_input(echo, U256::ZERO, &[4; 4]),
    );
    assert_eq!(word(&out.output, 0), U256::ZERO, "{out}");
    assert_eq!(&out.output[32..], &[4; 4]);
}

fn create_input(salt: u8, init: &[u8]) -> Vec<u8> {
    let mut v = vec![0; 32]; // endowment 0
    v.extend_from_slice(&[salt; 32]);
    v.extend_from_slice(init);
    v
}

#[test]
fn programs_create_contracts() {
    let mut net = net();
    let init = localnet::deployer_init_code(&evm_store_return());

    let c1 = net.deploy_stylus(&stylus(&create_wat(false)));
    let out = net.transact(ALICE, c1, U256::ZERO, create_input(0, &init));
    assert!(out.success, "{out}");
    let created = alloy_primitives::Address::from_slice(&out.output[12..32]);
    assert_eq!(created, c1.create(1), "CREATE from the program's nonce 1");
    assert_eq!(net.code(created), evm_store_return());

    let c2 = net.deploy_stylus(&stylus(&create_wat(true)));
    let out = net.transact(ALICE, c2, U256::ZERO, create_input(9, &init));
    let created = alloy_primitives::Address::from_slice(&out.output[12..32]);
    assert_eq!(
        created,
        c2.create2([9; 32], alloy_primitives::keccak256(&init))
    );
    assert_eq!(net.code(created), evm_store_return());
    // The same salt again collides: zero address.
    let out = net.transact(ALICE, c2, U256::ZERO, create_input(9, &init));
    assert_eq!(word(&out.output, 0), U256::ZERO, "{out}");

    // Reverting init code: zero address and the revert data.
    let reverting = evm_revert_42();
    let out = net.transact(ALICE, c1, U256::ZERO, create_input(0, &reverting));
    assert_eq!(word(&out.output, 0), U256::ZERO, "{out}");
    assert_eq!(word(&out.output, 1), U256::from(42));

    // A program can deploy Stylus code too; it still needs activation.
    let code = stylus(&echo_wat(1));
    let out = net.transact(
        ALICE,
        c1,
        U256::ZERO,
        create_input(0, &localnet::deployer_init_code(&code)),
    );
    let created = alloy_primitives::Address::from_slice(&out.output[12..32]);
    assert_eq!(net.code(created), code);
}

/// Calls itself until that fails; returns how many frames ran (u32 LE).
const RECURSE_WAT: &str = r#"(module
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "contract_address" (func $me (param i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_rd (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $me (i32.const 100))
    (if (i32.eqz (call $call (i32.const 100) (i32.const 0) (i32.const 0)
                             (i32.const 300) (i64.const -1) (i32.const 400)))
      (then (drop (call $read_rd (i32.const 0) (i32.const 0) (i32.const 4)))))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (call $write_result (i32.const 0) (i32.const 4))
    (i32.const 0)))"#;

#[test]
fn nesting_is_capped_by_the_page_limit() {
    let mut net = net();
    net.set_gas_limit(2_000_000_000);
    let p = net.deploy_stylus(&stylus(RECURSE_WAT));
    let out = net.transact(ALICE, p, U256::ZERO, Bytes::new());
    assert!(out.success, "{out}");
    // One page each: 128 programs fit under the 128-page limit; the 129th
    // entry runs out of gas.
    let frames = u32::from_le_bytes(out.output[..4].try_into().unwrap());
    assert_eq!(frames, 128);
    assert_eq!(out.programs.len(), 128);
    // Memory for the deepest: 1,000 + exp(128) - exp(127).
    assert_eq!(
        out.programs[127].memory_gas,
        1_000 + 31_873_999 - 27_849_408
    );
    let memory: u64 = out.programs.iter().map(|e| e.memory_gas).sum();
    // All 126 pages above the free 2, and the whole exponential table.
    assert_eq!(memory, 126_000 + 31_873_999 - 1);
}

/// Calldata: a 20-byte address and a count; calls `account_code_size` (or
/// `account_code`, 32 bytes at offset 0) on the address that many times.
fn code_reader_wat(hostio: &str) -> String {
    let (import, call) = match hostio {
        "account_code_size" => (
            r#"(import "vm_hooks" "account_code_size" (func $read (param i32) (result i32)))"#,
            "(drop (call $read (i32.const 0)))",
        ),
        _ => (
            r#"(import "vm_hooks" "account_code" (func $read (param i32 i32 i32 i32) (result i32)))"#,
            "(drop (call $read (i32.const 0) (i32.const 0) (i32.const 32) (i32.const 64)))",
        ),
    };
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  {import}
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $n i32)
    (call $read_args (i32.const 0))
    (local.set $n (i32.load8_u (i32.const 20)))
    (block $done (loop $again
      (br_if $done (i32.eqz (local.get $n)))
      {call}
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $again)))
    (i32.const 0)))"#
    )
}

/// `account_code` and `account_code_size` cost what Nitro's
/// `WasmAccountTouchCost(.., withCode: true)` charges
/// (`go-ethereum/core/vm/operations_acl_arbitrum.go`): 700
/// (`ExtcodeSizeGasEIP150`, once for a 24 KiB `MaxCodeSize`) + 2,600 for a
/// cold account, and asking again for the same account costs no gas
/// (`last_code` in `crates/arbutil/src/evm/req.rs`); an account without
/// code is not remembered, so asking again costs 700 + 100 warm.
#[test]
fn account_code_costs_700_more_than_an_access_and_nothing_again() {
    for hostio in ["account_code_size", "account_code"] {
        let mut net = net();
        let reader = net.deploy_stylus(&stylus(&code_reader_wat(hostio)));
        let with_code = deploy_runtime(&mut net, &evm_store_return());
        let gas = |net: &mut Localnet, target: alloy_primitives::Address, times: u8| {
            let mut input = target.to_vec();
            input.push(times);
            let out = net.transact(ALICE, reader, U256::ZERO, input);
            assert!(out.success, "{hostio}: {out}");
            out.gas_used
        };
        // The loop body and the hostio's ink cost a few dozen gas; the
        // account access is all the rest.
        let ink_slack = 100;
        let first = gas(&mut net, with_code, 1) - gas(&mut net, with_code, 0);
        assert!(
            (700 + 2_600..700 + 2_600 + ink_slack).contains(&first),
            "{hostio}: a cold account with code cost {first}"
        );
        let again = gas(&mut net, with_code, 2) - gas(&mut net, with_code, 1);
        assert!(again < ink_slack, "{hostio}: asking again cost {again}");
        let empty = alloy_primitives::Address::repeat_byte(0x5E);
        let again_empty = gas(&mut net, empty, 2) - gas(&mut net, empty, 1);
        assert!(
            (700 + 100..700 + 100 + ink_slack).contains(&again_empty),
            "{hostio}: asking again for an account without code cost {again_empty}"
        );
    }
}

/// A `create1`/`create2` that Nitro's `create` closure refuses
/// (arbos/programs/api.go: ErrWriteProtection in a static call, ErrOutOfGas
/// when the gas left cannot pay the 32,000 base cost) fails the program,
/// as the host function turns the error into a program failure
/// (crates/wasm-libraries/user-host-trait): no address 0, no code run
/// after it, nothing created.
#[test]
fn a_create_nitro_refuses_fails_the_program() {
    let mut net = net();
    let init = localnet::deployer_init_code(&evm_store_return());
    for salted in [false, true] {
        let creator = net.deploy_stylus(&stylus(&create_wat(salted)));
        let input = create_input(3, &init);
        let nonce_before = net.nonce(creator);

        // Through a STATICCALL: the probe reports the call's success.
        let probe = deploy_runtime(&mut net, &staticcall_probe(creator, 1_000_000));
        let out = net.transact(ALICE, probe, U256::ZERO, input.clone());
        assert!(out.success, "{out}");
        assert_eq!(
            word(&out.output, 1),
            U256::ZERO,
            "the static call failed: {out}"
        );
        assert_eq!(word(&out.output, 3), U256::ZERO, "with no return data");
        assert!(
            out.failures.iter().any(|f| f.reason.contains("static")),
            "{out}"
        );

        // With too little gas for the base cost (32,000): the program fails
        // (a revert with no data), it does not get address 0 back.
        net.set_gas_limit(55_000);
        let out = net.transact(ALICE, creator, U256::ZERO, input);
        net.set_gas_limit(localnet::TX_GAS_LIMIT);
        assert!(!out.success, "{out}");
        assert!(out.output.is_empty(), "{out}");
        assert!(
            out.failures.iter().any(|f| f.reason.contains("base cost")),
            "{out}"
        );
        assert_eq!(net.nonce(creator), nonce_before, "nothing was created");
    }
}
