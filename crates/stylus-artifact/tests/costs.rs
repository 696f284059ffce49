//! Activation cost figures of two modules, worked out by hand.
//!
//! Each figure is `x * k / d` per term, integer division per term (see
//! `stylus_artifact::cost`). Byte counts are of the canonical encoding.

mod common;

use common::wasm;
use stylus_artifact::{
    build_artifact, canonicalize, validate, ActivationInputs, Budget, CostInputs,
};

/// Module A, 135 bytes:
///
/// | part                                                          | bytes |
/// |---------------------------------------------------------------|-------|
/// | header                                                        | 8     |
/// | types: 3 x (60 ..): (i32)->() 4, (i32)->i32 5, (i32 i32)->i32 6; count 1; id+size 2 | 18 |
/// | import vm_hooks(1+8) pay_for_memory_grow(1+19) kind+type 2; count 1; id+size 2 | 34 |
/// | functions: count + 2 type indices; id+size                     | 5     |
/// | memory: count, flags, min; id+size                             | 5     |
/// | global: count, 7F 01, 41 80 08 0B; id+size                     | 9     |
/// | exports: count, memory (1+6+2), user_entrypoint (1+15+2); id+size | 30 |
/// | code: count, 2 bodies of size byte + 4; id+size                | 13    |
/// | data: count, 00 + 41 10 0B + 05 + "hello"; id+size             | 13    |
/// | total                                                          | 135   |
const MODULE_A: &str = r#"(module
  (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
  (memory (export "memory") 1)
  (global (mut i32) (i32.const 1024))
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0)
  (func (param i32 i32) (result i32) local.get 0)
  (data (i32.const 16) "hello"))"#;

#[test]
fn module_a_by_hand() {
    let deployed = canonicalize(&wasm(MODULE_A)).expect("re-encodes");
    assert_eq!(deployed.len(), 135);
    let info = validate(&deployed).expect("valid");

    // funcs = 2 local functions (the import is not counted)
    // type_len = (1 param + 1 result) + (2 params + 1 result) = 5
    // globals = 1 own + 4 added by instrumentation = 5
    // data = the data segment's whole encoding: 1 flag + 3 offset + 1 length + 5 = 10
    assert_eq!(
        info.cost_inputs,
        CostInputs {
            wasm_len: 135,
            funcs: 2,
            type_len: 5,
            globals: 5,
            data_len: 10,
            footprint: 1,
        }
    );
    let costs = info.costs();
    // init = 2*8252/1000 (16504/1000 = 16) + 5*1059/1000 (5295/1000 = 5)
    //      + 135*1286/10000 (173610/10000 = 17)                       = 38
    assert_eq!(costs.init_cost, 38);
    // cached = 2*13420/100000 (0) + 5*89/100000 (0) + 135*122/100000 (0)
    //        + 5*1628/1000 (8140/1000 = 8) + 10*75244/100000 (752440/100000 = 7)
    //        + 1*5 (5)                                                = 20
    assert_eq!(costs.cached_init_cost, 20);
    // one page: no memory gas
    // uncached = 8832 + 38 + 352 + 20 = 9242; cached = 352 + 20 = 372
    assert_eq!(costs.memory_gas, 0);
    assert_eq!(costs.uncached_entry_gas, 9_242);
    assert_eq!(costs.cached_entry_gas, 372);

    // Activation (`Module::activate`, crates/prover/src/programs/mod.rs).
    // Each body as written is 2 operators (`i32.const 0`/`local.get 0`,
    // `end`). Nitro's instrumentation adds 12 for the ink charge before the
    // block-ending `end` (programs/meter.rs), a 12-operator stack check, a
    // `return` before the final `end` and 4 operators that give the frame
    // back before it (programs/depth.rs): 2 + 12 + 12 + 1 + 4 = 31 each.
    assert_eq!(
        info.activation,
        ActivationInputs {
            wasm_len: 135,
            funcs: 2,
            type_len: 5,
            data_payload: 5,
            element_bytes: 0,
            pages: 1,
            instrumented_ops: 62,
        }
    );
    // wasm 135*31733/1e5 = 42 us, funcs 2*17263/1e5 = 0, data 5*17376/1e5 = 0,
    // pages 1*2217 = 2217 us, ops 62*535/1000 = 33 us; at 28 gas a us:
    // 1,176 + 62,076 + 924 = 64,176
    assert_eq!(info.activation.compute_gas(), 64_176);
    // 512,000 + 2*996829/1000 (1,993) + 5*11416/1000 (57) + 135*62628/1e4 (845)
    assert_eq!(info.activation.asm_estimate(), 514_895);
}

/// Module B, 361 bytes: two imports, a 2-slot table filled by an element
/// segment, a fixed 3-page memory and 200 bytes of data.
///
/// | part                                                          | bytes |
/// |---------------------------------------------------------------|-------|
/// | header                                                        | 8     |
/// | types: (i32)->() 4, (i32 i32)->() 5, (i32)->i32 5, ()->i32 4; count; id+size | 21 |
/// | imports: vm_hooks.read_args 9+10+2, vm_hooks.write_result 9+13+2; count; id+size | 48 |
/// | functions: count + 2; id+size                                  | 5     |
/// | table: count, 70, 01 02 02; id+size                            | 7     |
/// | memory: count, 01 03 03; id+size                               | 6     |
/// | exports: as in module A                                        | 30    |
/// | elements: count, 00 + 41 00 0B + 02 02 03; id+size             | 10    |
/// | code: count, bodies 1+7 and 1+4; id+size                       | 16    |
/// | data: count, 00 + 41 00 0B + C8 01 + 200 bytes = 206; id + 2-byte size | 210 |
/// | total                                                          | 361   |
fn module_b() -> String {
    let data = "a".repeat(200);
    format!(
        r#"(module
  (type (func (param i32)))
  (type (func (param i32 i32)))
  (type (func (param i32) (result i32)))
  (type (func (result i32)))
  (import "vm_hooks" "read_args" (func (type 0)))
  (import "vm_hooks" "write_result" (func (type 1)))
  (table 2 2 funcref)
  (memory (export "memory") 3 3)
  (func (export "user_entrypoint") (type 2)
    (call_indirect (type 3) (local.get 0)))
  (func (type 3) i32.const 7)
  (elem (i32.const 0) func 2 3)
  (data (i32.const 0) "{data}"))"#
    )
}

#[test]
fn module_b_by_hand() {
    let deployed = canonicalize(&wasm(&module_b())).expect("re-encodes");
    assert_eq!(deployed.len(), 361);
    let info = validate(&deployed).expect("valid");

    // funcs = 2; type_len = (1 + 1) + (0 + 1) = 3; globals = 0 + 4
    // data = 206 (data segment) + 7 (element segment: 00, 41 00 0B, 02, 02 03) = 213
    assert_eq!(
        info.cost_inputs,
        CostInputs {
            wasm_len: 361,
            funcs: 2,
            type_len: 3,
            globals: 4,
            data_len: 213,
            footprint: 3,
        }
    );
    let costs = info.costs();
    // init = 2*8252/1000 (16) + 3*1059/1000 (3177/1000 = 3)
    //      + 361*1286/10000 (464246/10000 = 46)                        = 65
    assert_eq!(costs.init_cost, 65);
    // cached = 2*13420/100000 (0) + 3*89/100000 (0) + 361*122/100000 (44042/100000 = 0)
    //        + 4*1628/1000 (6512/1000 = 6) + 213*75244/100000 (16026972/100000 = 160)
    //        + 3*5 (15)                                                = 181
    assert_eq!(costs.cached_init_cost, 181);
    // memory: 3 pages, 1 above the 2 free ones = 1000 gas
    // uncached = 1000 + 352 + 181 + 8832 + 65 = 10430; cached = 1000 + 352 + 181 = 1533
    assert_eq!(costs.memory_gas, 1_000);
    assert_eq!(costs.uncached_entry_gas, 10_430);
    assert_eq!(costs.cached_entry_gas, 1_533);
}

#[test]
fn budget_flags_footprint_and_entry_gas() {
    let artifact = build_artifact(&wasm(&module_b())).expect("builds");
    let overruns = Budget::default().check(&artifact);
    let limits: Vec<&str> = overruns.iter().map(|o| o.limit).collect();
    assert_eq!(limits, ["footprint"], "{overruns:?}");

    let strict = Budget {
        max_code_size: 10,
        footprint_pages: Some(3),
        uncached_entry_gas_limit: Some(10_430),
    };
    let limits: Vec<&str> = strict.check(&artifact).iter().map(|o| o.limit).collect();
    assert_eq!(limits, ["code-size", "entry-gas"]);
    let loose = Budget {
        uncached_entry_gas_limit: Some(10_431),
        ..strict
    };
    assert_eq!(loose.check(&artifact).len(), 1);
}
