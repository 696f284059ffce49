//! ArbOS 60's recently used programs, on the chain: the expected entry
//! costs are worked out here from Nitro's formulas, not read from the chain.
//!
//! - `CallProgram` (`arbos/programs/programs.go`): from ArbOS 60 a program
//!   whose code hash is in `RecentWasms` pays `cachedGas` only; the lookup
//!   inserts the hash (`go-ethereum/core/state/statedb_arbitrum.go`, an LRU
//!   of `BlockCacheSize` = 32 hashes, `arbos/programs/params.go`).
//! - `initGas` = `MinInitGas` 69 x 128 + `init_cost`, `cachedGas` =
//!   `MinCachedInitGas` 11 x 32 + `cached_init_cost` (`programs.go`, Stylus
//!   version 2); the init costs are `Module::activate`'s
//!   (`crates/prover/src/programs/mod.rs`).

mod common;

use alloy_primitives::{Address, U256};
use common::*;
use localnet::{ArbOs, Localnet, TxOutcome};

/// An echo program made distinct by an unused global holding `tag`, so
/// that each tag has its own code hash.
fn tagged_echo_wat(tag: u32) -> String {
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (global $tag i32 (i32.const {tag}))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))"#
    )
}

/// The entry gas of [`tagged_echo_wat`], uncached and cached, from Nitro's
/// formulas over the module's shape: one local function `(i32) -> i32`
/// (type_len 2), one global of its own plus the 4 instrumentation adds, no
/// data, one page.
fn echo_entry_gas(tag: u32) -> (u64, u64) {
    let wasm_len = wat::parse_str(tagged_echo_wat(tag)).unwrap().len() as u64;
    let (funcs, type_len, globals, data, footprint) = (1u64, 2u64, 5u64, 0u64, 1u64);
    let init_cost = funcs * 8_252 / 1_000 + type_len * 1_059 / 1_000 + wasm_len * 1_286 / 10_000;
    let cached_init_cost = funcs * 13_420 / 100_000
        + type_len * 89 / 100_000
        + wasm_len * 122 / 100_000
        + globals * 1_628 / 1_000
        + data * 75_244 / 100_000
        + footprint * 5;
    // One page is within the transaction's 2 free pages: no memory gas.
    let cached = 11 * 32 + cached_init_cost;
    let uncached = cached + 69 * 128 + init_cost;
    (uncached, cached)
}

/// EVM code that calls each of `targets` in order (no value, no data, all
/// gas), ignores the results, then returns; with `revert_after`, it
/// reverts at the end instead.
fn calls_each(targets: &[Address], revert_after: bool) -> Vec<u8> {
    let mut code = Vec::new();
    for target in targets {
        // retSize retOffset argsSize argsOffset value = 0; PUSH20 target; GAS; CALL; POP
        code.extend_from_slice(&[0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73]);
        code.extend_from_slice(target.as_slice());
        code.extend_from_slice(&[0x5a, 0xf1, 0x50]);
    }
    code.extend_from_slice(if revert_after {
        &[0x5f, 0x5f, 0xfd]
    } else {
        &[0x5f, 0x5f, 0xf3]
    });
    code
}

fn chain(arbos: ArbOs) -> Localnet {
    let mut net = net();
    net.set_arbos(arbos);
    net
}

/// The program entries of `out` at `program`, as (entry gas, recent).
fn entries_of(out: &TxOutcome, program: Address) -> Vec<(u64, bool)> {
    out.programs
        .iter()
        .filter(|p| p.contract == program)
        .map(|p| (p.entry_gas, p.recent))
        .collect()
}

#[test]
fn at_arbos_60_a_program_entered_again_in_the_block_pays_the_cached_cost() {
    let (uncached, cached) = echo_entry_gas(0);
    for (arbos, second) in [
        (ArbOs::V51, (uncached, false)),
        (ArbOs::V60, (cached, true)),
    ] {
        let mut net = chain(arbos);
        let p = net.deploy_stylus(&stylus(&tagged_echo_wat(0)));
        let twice = deploy_runtime(&mut net, &calls_each(&[p, p], false));
        let out = net.transact(ALICE, twice, U256::ZERO, Vec::new());
        assert!(out.success, "{out}");
        assert_eq!(
            entries_of(&out, p),
            vec![(uncached, false), second],
            "{arbos}"
        );
        // The next transaction is the next block: nothing is recent.
        let out = net.transact(ALICE, p, U256::ZERO, Vec::new());
        assert_eq!(entries_of(&out, p), vec![(uncached, false)], "{arbos}");
    }
}

#[test]
fn accounts_that_share_code_share_the_entry() {
    let (uncached, cached) = echo_entry_gas(0);
    let mut net = chain(ArbOs::V60);
    let code = stylus(&tagged_echo_wat(0));
    let a = net.deploy_stylus(&code);
    let b = net.deploy_stylus(&code);
    assert_ne!(a, b);
    let both = deploy_runtime(&mut net, &calls_each(&[a, b], false));
    let out = net.transact(ALICE, both, U256::ZERO, Vec::new());
    assert!(out.success, "{out}");
    assert_eq!(entries_of(&out, a), vec![(uncached, false)]);
    assert_eq!(entries_of(&out, b), vec![(cached, true)]);
}

#[test]
fn a_revert_does_not_undo_the_entry() {
    let (uncached, cached) = echo_entry_gas(0);
    let mut net = chain(ArbOs::V60);
    let p = net.deploy_stylus(&stylus(&tagged_echo_wat(0)));
    // `inner` calls the program, then reverts; `outer` calls `inner`, then
    // the program again.
    let inner = deploy_runtime(&mut net, &calls_each(&[p], true));
    let outer = deploy_runtime(&mut net, &calls_each(&[inner, p], false));
    let out = net.transact(ALICE, outer, U256::ZERO, Vec::new());
    assert!(out.success, "{out}");
    assert_eq!(entries_of(&out, p), vec![(uncached, false), (cached, true)]);
}

#[test]
fn the_33rd_program_evicts_the_least_recently_used() {
    let mut net = chain(ArbOs::V60);
    let programs: Vec<Address> = (0..33)
        .map(|tag| net.deploy_stylus(&stylus(&tagged_echo_wat(tag))))
        .collect();
    // Programs 0..=31 fill the 32 entries; 32 evicts 0; then 0 misses (and
    // evicts 1) while 32 hits.
    let mut order = programs.clone();
    order.push(programs[0]);
    order.push(programs[32]);
    order.push(programs[1]);
    let sweep = deploy_runtime(&mut net, &calls_each(&order, false));
    let out = net.transact(ALICE, sweep, U256::from(0), Vec::new());
    assert!(out.success, "{out}");
    let recent: Vec<bool> = out.programs.iter().map(|p| p.recent).collect();
    let mut expected = vec![false; 33];
    expected.extend([false, true, false]);
    assert_eq!(recent, expected);
    let (uncached_0, _) = echo_entry_gas(0);
    let (_, cached_32) = echo_entry_gas(32);
    assert_eq!(out.programs[33].entry_gas, uncached_0);
    assert_eq!(out.programs[34].entry_gas, cached_32);
}

/// A program whose function returns two values: Nitro's activation accepts
/// it before ArbOS 60 and rejects it from 60 (`parse_with_version` in
/// `crates/prover/src/binary.rs`, `ARBOS_VERSION_STYLUS_NO_MULTI_VALUE`).
const MULTI_VALUE_WAT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (func $pair (result i32 i32) (i32.const 7) (i32.const 9))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $first i32) (local $second i32)
    (call $pair)
    (local.set $second)
    (local.set $first)
    (i32.store8 (i32.const 0) (local.get $first))
    (i32.store8 (i32.const 1) (local.get $second))
    (call $write_result (i32.const 0) (i32.const 2))
    (i32.const 0)))"#;

#[test]
fn multi_value_activates_before_arbos_60_only() {
    let code = stylus(MULTI_VALUE_WAT);
    let mut net = chain(ArbOs::V51);
    let p = net.deploy_stylus(&code);
    let out = net.transact(ALICE, p, U256::ZERO, Vec::new());
    assert!(out.success, "{out}");
    assert_eq!(out.output.to_vec(), vec![7, 9]);

    let mut net = chain(ArbOs::V60);
    let p = net.try_deploy_code(&code).unwrap();
    let activation = net.activate(p);
    assert!(
        activation.is_err(),
        "ArbOS 60 activated a multi-value program"
    );
    assert!(net.program_record(p).is_none());
}
