//! The runtime on small WAT programs: host function prices, storage,
//! nested calls, and every way a program can end.

mod common;

use alloy_primitives::{Address, Bytes, B256, U256};
use common::*;
use stylus_runtime::pricing::*;
use stylus_runtime::*;

const GAS: u64 = 1_000_000;

/// A module with one fixed page and the given imports and body.
fn module(imports: &str, body: &str) -> String {
    format!(
        r#"(module
            {imports}
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param $len i32) (result i32)
                (local $a i64) (local $b i64)
                {body}))"#
    )
}

const INK_LEFT: &str = r#"(import "vm_hooks" "evm_ink_left" (func $ink (result i64)))"#;
const WRITE_RESULT: &str =
    r#"(import "vm_hooks" "write_result" (func $write_result (param i32 i32)))"#;

/// Runs a program whose body leaves `$a - $b` (ink) in memory at 0..8 and
/// returns it via write_result; returns that difference.
fn ink_between(imports: &str, between: &str) -> u64 {
    let body = format!(
        r#"call $ink local.set $a
           {between}
           call $ink local.set $b
           i32.const 0 local.get $a local.get $b i64.sub i64.store
           i32.const 0 i32.const 8 call $write_result
           i32.const 0"#
    );
    let p = program(&module(
        &format!("{INK_LEFT} {WRITE_RESULT} {imports}"),
        &body,
    ));
    let (outcome, _) = run(&p, &[], GAS, &mut MemoryWorld::default());
    let Outcome::Return(out) = outcome else {
        panic!("{outcome:?}")
    };
    u64::from_le_bytes(out[..8].try_into().unwrap())
}

// Ink of the instructions around a host call, from the instrumentation's
// pricing: every block pays a 2,450 header; `call` ends a block and costs
// 3,800; local.set 210; i32.const 1.
const HEADER: u64 = 2_450;
const CALL: u64 = 3_800;
const LOCAL_SET: u64 = 210;

#[test]
fn a_pointer_getter_costs_13440_ink() {
    // Blocks after the first `call $ink`:
    //   [local.set $a, i32.const 0, call $msg_sender]  header + 210 + 1 + 3,800
    //   [call $ink]                                     header + 3,800, then 8,400 inside
    let diff = ink_between(
        r#"(import "vm_hooks" "msg_sender" (func $msg_sender (param i32)))"#,
        "i32.const 0 call $msg_sender",
    );
    let expected = (HEADER + LOCAL_SET + 1 + CALL) + HOSTIO_PTR_INK + (HEADER + CALL) + HOSTIO_INK;
    assert_eq!(diff, expected);
}

#[test]
fn keccak_is_priced_per_word_beyond_two() {
    let keccak = r#"(import "vm_hooks" "native_keccak256" (func $k (param i32 i32 i32)))"#;
    let around = (HEADER + LOCAL_SET + 3 + CALL) + (HEADER + CALL) + HOSTIO_INK;
    let d64 = ink_between(keccak, "i32.const 0 i32.const 64 i32.const 64 call $k");
    let d96 = ink_between(keccak, "i32.const 0 i32.const 96 i32.const 128 call $k");
    assert_eq!(d64, around + 121_800);
    assert_eq!(d96, around + 121_800 + 21_000);
}

#[test]
fn read_args_and_write_result_echo_the_calldata() {
    let p = program(&module(
        r#"(import "vm_hooks" "read_args" (func $read_args (param i32)))
           (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))"#,
        "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result i32.const 0",
    ));
    let (outcome, gas_left) = run(&p, b"hello stylus", GAS, &mut MemoryWorld::default());
    assert_eq!(
        outcome,
        Outcome::Return(Bytes::from_static(b"hello stylus"))
    );
    assert!(gas_left < GAS && gas_left > GAS - 100);
}

#[test]
fn a_nonzero_status_reverts_with_the_result_data() {
    let p = program(&module(
        r#"(import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
           (data (i32.const 0) "nope")"#,
        "i32.const 0 i32.const 4 call $write_result i32.const 1",
    ));
    let (outcome, _) = run(&p, &[], GAS, &mut MemoryWorld::default());
    assert_eq!(outcome, Outcome::Revert(Bytes::from_static(b"nope")));
}

#[test]
fn exit_early_ends_the_program_at_once() {
    let p = program(&module(
        r#"(import "vm_hooks" "exit_early" (func $exit (param i32)))"#,
        "i32.const 3 call $exit unreachable",
    ));
    let (outcome, _) = run(&p, &[], GAS, &mut MemoryWorld::default());
    assert_eq!(outcome, Outcome::Revert(Bytes::new()));
}

#[test]
fn storage_goes_through_the_cache_and_the_flush() {
    let imports = r#"(import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
        (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
        (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
        (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
        (data (i32.const 31) "\07") (data (i32.const 63) "\2a")"#;
    // Load slot 7 into 64.., cache slot 7 := 42, load it again into 96..,
    // flush, and return both loads.
    let body = "i32.const 0 i32.const 64 call $load
        i32.const 0 i32.const 32 call $cache
        i32.const 0 i32.const 96 call $load
        i32.const 0 call $flush
        i32.const 64 i32.const 64 call $write_result i32.const 0";
    let p = program(&module(imports, body));
    let mut world = MemoryWorld::default();
    world.storage.insert(U256::from(7), U256::from(5));
    let (outcome, _) = run(&p, &[], GAS, &mut world);
    let Outcome::Return(out) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(U256::from_be_slice(&out[..32]), U256::from(5));
    // The second load is served from the cache: it sees the cached write.
    assert_eq!(U256::from_be_slice(&out[32..]), U256::from(42));
    assert_eq!(world.storage[&U256::from(7)], U256::from(42));
}

#[test]
fn a_cold_load_and_a_flushed_store_charge_their_gas() {
    let imports = r#"(import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
        (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
        (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))"#;
    let load = ink_between(imports, "i32.const 0 i32.const 64 call $load");
    let around = (HEADER + LOCAL_SET + 2 + CALL) + (HEADER + CALL) + HOSTIO_INK;
    // A miss: 2,100 (cold) + 5 (EVM API) gas on top of the base ink.
    assert_eq!(
        load,
        around + STORAGE_ACCESS_INK + (COLD_SLOAD_GAS + EVM_API_GAS) * INK_PRICE
    );
    let store = ink_between(
        imports,
        "i32.const 0 i32.const 32 call $cache i32.const 0 call $flush",
    );
    let around_store =
        (HEADER + LOCAL_SET + 2 + CALL) + (HEADER + 1 + CALL) + (HEADER + CALL) + HOSTIO_INK;
    // The memory world prices a cold zero-to-nonzero SSTORE at 22,100.
    assert_eq!(
        store,
        around_store + STORAGE_ACCESS_INK + HOSTIO_EVM_INK + 22_100 * INK_PRICE
    );
}

#[test]
fn a_flush_in_a_static_context_fails() {
    let p = program(&module(
        r#"(import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
           (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
           (data (i32.const 63) "\01")"#,
        "i32.const 0 i32.const 32 call $cache i32.const 0 call $flush i32.const 0",
    ));
    let mut call = call_info(&[]);
    call.is_static = true;
    let mut exec = Execution::new(&p, call, GAS).unwrap();
    let Step::Done { outcome, gas_left } = exec.run(&mut MemoryWorld::default(), None) else {
        panic!("yielded")
    };
    assert!(matches!(outcome, Outcome::Failure(_)), "{outcome:?}");
    assert!(gas_left > 0, "a failure keeps its gas");
}

#[test]
fn logs_are_emitted_with_their_topics() {
    let p = program(&module(
        r#"(import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
           (data (i32.const 0) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa" "body")"#,
        "i32.const 0 i32.const 36 i32.const 1 call $log i32.const 0",
    ));
    let mut world = MemoryWorld::default();
    run(&p, &[], GAS, &mut world);
    assert_eq!(
        world.logs,
        vec![(vec![B256::repeat_byte(0xAA)], b"body".to_vec())]
    );
    // Five topics is a failure.
    let p = program(&module(
        r#"(import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))"#,
        "i32.const 0 i32.const 160 i32.const 5 call $log i32.const 0",
    ));
    let (outcome, _) = run(&p, &[], GAS, &mut MemoryWorld::default());
    assert!(matches!(outcome, Outcome::Failure(_)));
}

#[test]
fn a_nested_call_suspends_and_resumes_with_its_result() {
    let p = program(&module(
        r#"(import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
           (import "vm_hooks" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
           (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
           (data (i32.const 0) "\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11")
           (data (i32.const 20) "ping")
           (data (i32.const 55) "\05")"#,
        // call(contract=0, data=20..24, value=24..56 (=5), gas=max, ret_len=100)
        "i32.const 104
         i32.const 0 i32.const 20 i32.const 4 i32.const 24 i64.const -1 i32.const 100 call $call
         i32.store
         i32.const 108 i32.const 1 i32.const 10 call $rrd drop
         i32.const 100 i32.const 18 call $write_result i32.const 0",
    ));
    let mut world = MemoryWorld::default();
    let mut exec = Execution::new(&p, call_info(&[]), GAS).unwrap();
    let Step::Call(sub) = exec.run(&mut world, None) else {
        panic!("no call")
    };
    assert_eq!(sub.kind, CallKind::Call);
    assert_eq!(sub.to, Address::repeat_byte(0x11));
    assert_eq!(sub.data, Bytes::from_static(b"ping"));
    assert_eq!(sub.value, U256::from(5));
    assert_eq!(sub.gas_requested, sub.gas_left);
    let result = SubResult {
        success: false,
        output: Bytes::from_static(b"pong-revert"),
        gas_cost: 1_234,
        created: Address::ZERO,
    };
    let Step::Done { outcome, gas_left } = exec.run(&mut world, Some(result)) else {
        panic!("did not finish")
    };
    let Outcome::Return(out) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        u32::from_le_bytes(out[..4].try_into().unwrap()),
        11,
        "ret_len"
    );
    assert_eq!(
        u32::from_le_bytes(out[4..8].try_into().unwrap()),
        2,
        "status of a failed call"
    );
    assert_eq!(&out[8..18], b"ong-revert", "read_return_data from offset 1");
    assert!(gas_left < sub.gas_left - 1_234);
}

#[test]
fn running_out_of_ink_consumes_all_gas() {
    let p = program(&module("", "(loop br 0) i32.const 0"));
    let (outcome, gas_left) = run(&p, &[], 10_000, &mut MemoryWorld::default());
    assert_eq!((outcome, gas_left), (Outcome::OutOfInk, 0));
}

#[test]
fn a_host_function_without_enough_gas_runs_out_of_ink() {
    let p = program(&module(
        r#"(import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))"#,
        "i32.const 0 i32.const 32 call $load i32.const 0",
    ));
    // Enough for the instructions, not for a cold load's 2,115 gas check.
    let (outcome, gas_left) = run(&p, &[], 2_000, &mut MemoryWorld::default());
    assert_eq!((outcome, gas_left), (Outcome::OutOfInk, 0));
}

#[test]
fn deep_recursion_runs_out_of_stack() {
    let p = program(
        r#"(module
            (memory (export "memory") 1 1)
            (func $rec (param i32) (result i32)
                local.get 0 i32.eqz if (result i32) i32.const 0 else
                local.get 0 i32.const 1 i32.sub call $rec end)
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 100000 call $rec))"#,
    );
    let (outcome, gas_left) = run(&p, &[], 100_000_000, &mut MemoryWorld::default());
    assert_eq!((outcome, gas_left), (Outcome::OutOfStack, 0));
}

#[test]
fn traps_and_bad_pointers_fail_and_keep_gas() {
    for body in [
        "unreachable",
        "i32.const 70000 call $write_result i32.const 0",
    ] {
        let p = program(&module(
            r#"(import "vm_hooks" "write_result" (func $w (param i32 i32)))"#,
            &body.replace("call $write_result", "i32.const 8 call $w"),
        ));
        let (outcome, gas_left) = run(&p, &[], GAS, &mut MemoryWorld::default());
        assert!(matches!(outcome, Outcome::Failure(_)), "{outcome:?}");
        assert!(gas_left > GAS - 100);
    }
}

#[test]
fn activation_rejects_what_nitro_rejects() {
    let rt = Runtime::new();
    for (wat, why) in [
        (
            r#"(module (import "env" "x" (func)) (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
            "import",
        ),
        (
            r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
              f32.const 1 f32.const 2 f32.add drop i32.const 0))"#,
            "float",
        ),
        (
            r#"(module (memory (export "memory") 1 1) (func $s) (start $s)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
            "start",
        ),
    ] {
        let err = rt.activate(&wat::parse_str(wat).unwrap()).unwrap_err();
        assert!(matches!(err, ActivationError::Rejected(_)), "{why}: {err}");
    }
}

#[test]
fn memory_grow_pays_through_the_world() {
    let p = program(
        r#"(module
            (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
            (memory (export "memory") 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 3 memory.grow drop i32.const 0))"#,
    );
    let mut world = MemoryWorld::default();
    let (outcome, _) = run(&p, &[], GAS, &mut world);
    assert_eq!(outcome, Outcome::Return(Bytes::new()));
    assert_eq!(world.pages_added, vec![3]);
}

#[test]
fn select_after_eqz_picks_by_its_condition() {
    // wasmi 2.0.0 ignores the condition of a `select` fused with a preceding
    // `i32.eqz`; this guards the runtime against that miscompilation.
    let p = program(&module(
        WRITE_RESULT,
        "i32.const 0
         i32.const 10 i32.const 20 local.get $len i32.eqz select
         i32.store
         i32.const 0 i32.const 4 call $write_result i32.const 0",
    ));
    for (calldata, expected) in [(&b""[..], 10u32), (&b"x"[..], 20)] {
        let (outcome, _) = run(&p, calldata, GAS, &mut MemoryWorld::default());
        let Outcome::Return(out) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(u32::from_le_bytes(out[..4].try_into().unwrap()), expected);
    }
}
