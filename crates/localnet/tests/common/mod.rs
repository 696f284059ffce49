//! Shared test helpers: accounts, small EVM contracts and WAT programs.
#![allow(dead_code)]

use alloy_primitives::{Address, Bytes, U256};
use localnet::{deployer_init_code, Localnet};

/// A funded user.
pub const ALICE: Address = Address::repeat_byte(0xA1);
/// An account nobody funded.
pub const NOBODY: Address = Address::repeat_byte(0x99);

/// One ether.
pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// A chain with ALICE funded.
pub fn net() -> Localnet {
    let mut net = Localnet::new();
    net.fund(ALICE, ether(100));
    net
}

/// Intrinsic gas of a call with `data`: 21,000 and EIP-2028's 4 a zero
/// byte, 16 a non-zero byte (the EIP-7623 floor is off, as on Nitro).
pub fn intrinsic_gas(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4u64 } else { 16 })
            .sum::<u64>()
}

/// Calls `call` on `to` from ALICE, as `eth_call` does, and decodes the
/// answer; panics if the call fails.
#[track_caller]
pub fn view<C: alloy_sol_types::SolCall>(net: &mut Localnet, to: Address, call: C) -> C::Return {
    let out = net.call(ALICE, to, call.abi_encode());
    match out.decode_return::<C>() {
        Ok(answer) => answer,
        Err(e) => panic!("{}: {e}; {out}", C::SIGNATURE),
    }
}

/// The 32-byte word `i` of `data`.
pub fn word(data: &[u8], i: usize) -> U256 {
    U256::from_be_slice(&data[i * 32..i * 32 + 32])
}

// ---------- EVM contracts ----------

/// sstore(0, 42); mstore(0, 42); return(0, 32)
pub fn evm_store_return() -> Bytes {
    Bytes::from_static(&[
        0x60, 0x2a, 0x60, 0x00, 0x55, 0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,
    ])
}

/// mstore(0, 42); revert(0, 32)
pub fn evm_revert_42() -> Bytes {
    Bytes::from_static(&[0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xfd])
}

/// mstore(0, sload(0)); return(0, 32)
pub fn evm_read_slot0() -> Bytes {
    Bytes::from_static(&[
        0x60, 0x00, 0x54, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,
    ])
}

/// Deploys runtime code with a CREATE from the deployer.
pub fn deploy_runtime(net: &mut Localnet, runtime: &[u8]) -> Address {
    net.deploy_evm(deployer_init_code(runtime))
}

/// A probe that forwards its calldata to `target` with
/// `STATICCALL(gas_cap, target, ...)` and returns four words:
/// the first word of the return data (or zero), the call's success, the gas
/// the STATICCALL instruction used (call cost + child's gas, + 18 for the
/// pushes around it), and the return data size.
pub fn staticcall_probe(target: Address, gas_cap: u32) -> Vec<u8> {
    let mut code = vec![
        0x36, 0x5f, 0x60, 0x80, 0x37, // CALLDATACOPY(0x80, 0, CALLDATASIZE)
        0x5a, // GAS
        0x60, 0x20, // retSize 32
        0x5f, // retOffset 0
        0x36, // argsSize
        0x60, 0x80, // argsOffset 0x80
        0x73, // PUSH20 target
    ];
    code.extend_from_slice(target.as_slice());
    code.push(0x63); // PUSH4 gas
    code.extend_from_slice(&gas_cap.to_be_bytes());
    code.extend_from_slice(&[
        0xfa, // STATICCALL
        0x5a, // GAS
        0x90, 0x60, 0x20, 0x52, // MSTORE(0x20, success)
        0x90, 0x03, 0x60, 0x40, 0x52, // MSTORE(0x40, g0 - g1)
        0x3d, 0x60, 0x60, 0x52, // MSTORE(0x60, RETURNDATASIZE)
        0x60, 0x80, 0x5f, 0xf3, // RETURN(0, 0x80)
    ]);
    code
}

/// A contract that forwards its calldata to `target` with
/// `CALL(GAS, target, CALLVALUE, ...)` and returns (or reverts with) the
/// child's return data.
pub fn call_forwarder(target: Address) -> Vec<u8> {
    let mut code = vec![
        0x36, 0x5f, 0x5f, 0x37, // CALLDATACOPY(0, 0, CALLDATASIZE)
        0x5f, 0x5f, // retSize 0, retOffset 0
        0x36, 0x5f, // argsSize, argsOffset 0
        0x34, // CALLVALUE
        0x73, // PUSH20 target
    ];
    code.extend_from_slice(target.as_slice());
    code.extend_from_slice(&[
        0x5a, 0xf1, // GAS CALL
        0x3d, 0x5f, 0x5f, 0x3e, // RETURNDATACOPY(0, 0, RETURNDATASIZE)
        0x60, 0x2a, 0x57, // JUMPI(ok, success)
        0x3d, 0x5f, 0xfd, // REVERT(0, RETURNDATASIZE)
        0x5b, 0x3d, 0x5f, 0xf3, // ok: JUMPDEST RETURN(0, RETURNDATASIZE)
    ]);
    assert_eq!(code[0x2a], 0x5b, "jump target");
    code
}

// ---------- Stylus programs ----------

/// Compiles WAT and wraps it as on-chain Stylus code.
pub fn stylus(wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).expect("valid WAT");
    stylus_artifact::onchain_code(&wasm)
}

/// Echoes its calldata. `pages`: initial memory (not growable).
pub fn echo_wat(pages: u32) -> String {
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") {pages} {pages})
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))"#
    )
}

/// Reverts with its calldata (status 1).
pub const REVERT_WAT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 1)))"#;

/// Loops forever (runs out of ink).
pub const LOOP_WAT: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (loop $l (br $l))
    (i32.const 0)))"#;

/// Traps (unreachable).
pub const TRAP_WAT: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    unreachable))"#;

/// Calldata: 32-byte key, 32-byte value. Stores value at key, flushes,
/// loads it back and returns the old and new values (64 bytes).
pub const STORE_WAT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $load (i32.const 0) (i32.const 64))
    (call $cache (i32.const 0) (i32.const 32))
    (call $flush (i32.const 1))
    (call $load (i32.const 0) (i32.const 96))
    (call $write_result (i32.const 64) (i32.const 64))
    (i32.const 0)))"#;

/// Calldata: 20-byte address, then data. Calls the address with the data
/// and all gas (no value); returns [status (32 bytes) | return data].
/// `pages`: initial memory (not growable, at least 1).
pub fn caller_wat(pages: u32) -> String {
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_rd (param i32 i32 i32) (result i32)))
  (memory (export "memory") {pages} {pages})
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $status i32) (local $rlen i32)
    (call $read_args (i32.const 0))
    ;; value: 32 zero bytes at 4096
    (local.set $status
      (call $call (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20))
                  (i32.const 4096) (i64.const -1) (i32.const 8192)))
    (local.set $rlen (i32.load (i32.const 8192)))
    (i32.store8 (i32.const 10271) (local.get $status))
    (drop (call $read_rd (i32.const 10272) (i32.const 0) (local.get $rlen)))
    (call $write_result (i32.const 10240) (i32.add (local.get $rlen) (i32.const 32)))
    (i32.const 0)))"#
    )
}

/// Calldata for [`caller_wat`]: the target, then its calldata.
pub fn caller_input(target: Address, data: &[u8]) -> Vec<u8> {
    let mut input = target.to_vec();
    input.extend_from_slice(data);
    input
}

/// Returns msg_reentrant as a word; if the calldata is empty, first calls
/// itself with one byte of calldata and returns [own word | inner output].
pub const REENTRANT_WAT: &str = r#"(module
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
  (import "vm_hooks" "contract_address" (func $me (param i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_rd (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (i32.store8 (i32.const 31) (call $reentrant))
    (if (i32.eqz (local.get $len))
      (then
        (call $me (i32.const 100))
        (drop (call $call (i32.const 100) (i32.const 200) (i32.const 1)
                          (i32.const 300) (i64.const -1) (i32.const 400)))
        (drop (call $read_rd (i32.const 32) (i32.const 0) (i32.const 32)))
        (call $write_result (i32.const 0) (i32.const 64))
        (return (i32.const 0))))
    (call $write_result (i32.const 0) (i32.const 32))
    (i32.const 0)))"#;

/// Calldata: 20-byte address, 32-byte value, then data. Makes the call with
/// `hook` (`call_contract`, `delegate_call_contract` or
/// `static_call_contract`, the last two ignoring the value) and all gas;
/// returns [status (32 bytes) | return data].
pub fn call_kind_wat(hook: &str) -> String {
    let (sig, value_arg) = if hook == "call_contract" {
        ("(param i32 i32 i32 i32 i64 i32)", "(i32.const 20)")
    } else {
        ("(param i32 i32 i32 i64 i32)", "")
    };
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "{hook}" (func $call {sig} (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_rd (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $status i32) (local $rlen i32)
    (call $read_args (i32.const 0))
    (local.set $status
      (call $call (i32.const 0) (i32.const 52) (i32.sub (local.get $len) (i32.const 52))
                  {value_arg} (i64.const -1) (i32.const 8192)))
    (local.set $rlen (i32.load (i32.const 8192)))
    (i32.store8 (i32.const 10271) (local.get $status))
    (drop (call $read_rd (i32.const 10272) (i32.const 0) (local.get $rlen)))
    (call $write_result (i32.const 10240) (i32.add (local.get $rlen) (i32.const 32)))
    (i32.const 0)))"#
    )
}

/// Calldata for [`call_kind_wat`].
pub fn call_kind_input(target: Address, value: U256, data: &[u8]) -> Vec<u8> {
    let mut input = target.to_vec();
    input.extend_from_slice(&value.to_be_bytes::<32>());
    input.extend_from_slice(data);
    input
}

/// Calldata: 32-byte endowment, 32-byte salt, then init code. `create1`
/// (or `create2` if `salted`) with it; returns [address word | revert data].
pub fn create_wat(salted: bool) -> String {
    let (hook, sig, salt_arg) = if salted {
        (
            "create2",
            "(param i32 i32 i32 i32 i32 i32)",
            "(i32.const 32)",
        )
    } else {
        ("create1", "(param i32 i32 i32 i32 i32)", "")
    };
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "{hook}" (func $create {sig}))
  (import "vm_hooks" "read_return_data" (func $read_rd (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $rlen i32)
    (call $read_args (i32.const 0))
    (call $create (i32.const 64) (i32.sub (local.get $len) (i32.const 64)) (i32.const 0)
                  {salt_arg} (i32.const 10252) (i32.const 8192))
    (local.set $rlen (i32.load (i32.const 8192)))
    (drop (call $read_rd (i32.const 10272) (i32.const 0) (local.get $rlen)))
    (call $write_result (i32.const 10240) (i32.add (local.get $rlen) (i32.const 32)))
    (i32.const 0)))"#
    )
}
