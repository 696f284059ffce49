//! Exact storage gas on the chain, worked out by hand: a cold SLOAD through
//! the storage cache, a flush that creates a slot, and the EIP-3529 refund
//! for clearing one.

mod common;

use alloy_primitives::U256;
use common::*;

/// Reads key and value (64 bytes of calldata), then measures with
/// `evm_ink_left` the ink of (a) loading the key and (b) caching the value and
/// flushing, and returns both as two little-endian u64.
const MEASURE_WAT: &str = r#"(module
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
    (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
    (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
    (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
    (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
    (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param $len i32) (result i32)
        (local $a i64) (local $b i64) (local $c i64)
        i32.const 0 call $read_args
        call $ink local.set $a
        i32.const 0 i32.const 64 call $load
        call $ink local.set $b
        i32.const 0 i32.const 32 call $cache
        i32.const 0 call $flush
        call $ink local.set $c
        i32.const 96 local.get $a local.get $b i64.sub i64.store
        i32.const 104 local.get $b local.get $c i64.sub i64.store
        i32.const 96 i32.const 16 call $write_result
        i32.const 0))"#;

const HEADER: u64 = 2_450;
const CALL: u64 = 3_800;
const LOCAL_SET: u64 = 210;
const INK_PER_GAS: u64 = 10_000;
/// `evm_ink_left`, `storage_*` and `storage_flush_cache` base prices.
const HOSTIO: u64 = 8_400;
const STORAGE_ACCESS: u64 = 8_400 + 2 * 5_040;
const FLUSH: u64 = 8_400 + 59_673;

fn measure(
    net: &mut localnet::Localnet,
    program: alloy_primitives::Address,
    value: u64,
) -> (u64, u64, u64) {
    let mut input = U256::from(5).to_be_bytes::<32>().to_vec();
    input.extend_from_slice(&U256::from(value).to_be_bytes::<32>());
    let out = net
        .transact(ALICE, program, U256::ZERO, input)
        .expect_success();
    let load = u64::from_le_bytes(out.output[..8].try_into().unwrap());
    let store = u64::from_le_bytes(out.output[8..16].try_into().unwrap());
    (load, store, out.gas_refunded)
}

#[test]
fn cold_load_flush_and_refund_cost_what_the_evm_charges() {
    let mut net = net();
    let program = net.deploy_stylus(&stylus(MEASURE_WAT));

    // (a) the blocks [local.set, 2 consts, call $load] and [call $ink], the
    // load's base ink and its gas (cold 2,100 + 5 for the EVM API), and
    // evm_ink_left's own 8,400.
    let load_ink = (HEADER + LOCAL_SET + 2 + CALL)
        + STORAGE_ACCESS
        + (2_100 + 5) * INK_PER_GAS
        + (HEADER + CALL)
        + HOSTIO;
    // (b) [local.set, 2 consts, call $cache], [const, call $flush],
    // [call $ink]; the cache write is free (first 8), the flush pays the
    // SSTORE as the EVM would.
    let store_ink = |sstore_gas: u64| {
        (HEADER + LOCAL_SET + 2 + CALL)
            + STORAGE_ACCESS
            + (HEADER + 1 + CALL)
            + FLUSH
            + sstore_gas * INK_PER_GAS
            + (HEADER + CALL)
            + HOSTIO
    };

    // A fresh slot: 0 -> 7 costs 20,000 (the slot is warm after the load).
    assert_eq!(
        measure(&mut net, program, 7),
        (load_ink, store_ink(20_000), 0)
    );
    // The next transaction: cold again, 7 -> 9 costs 2,900.
    assert_eq!(
        measure(&mut net, program, 9),
        (load_ink, store_ink(2_900), 0)
    );
    // Clearing it: 2,900 and a 4,800 refund (EIP-3529).
    assert_eq!(
        measure(&mut net, program, 0),
        (load_ink, store_ink(2_900), 4_800)
    );
    assert_eq!(net.storage(program, U256::from(5)), U256::ZERO);
}
