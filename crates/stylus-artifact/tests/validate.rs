//! Every class of activation rule, on small hand-written modules.

mod common;

use common::{assert_rejects, violations, wasm, MINIMAL};
use stylus_artifact::{canonicalize, validate, Rule};

#[test]
fn accepts_a_minimal_program() {
    let info = validate(&wasm(MINIMAL)).expect("minimal program is valid");
    assert_eq!(info.funcs(), 1);
    assert_eq!(info.footprint(), 1);
    assert_eq!(info.host_imports, vec!["read_args".to_string()]);
    assert_eq!(info.max_pages, Some(1));
}

#[test]
fn accepts_a_growable_memory_with_pay_for_memory_grow() {
    validate(&wasm(
        r#"(module
          (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
          (memory (export "memory") 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 1 memory.grow drop i32.const 0))"#,
    ))
    .expect("growable memory with the import is valid");
}

#[test]
fn accepts_every_host_function_with_its_type() {
    let imports: String = stylus_artifact::HOST_FUNCTIONS
        .iter()
        .map(|f| {
            let list = |ts: &[stylus_artifact::HostType]| {
                ts.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            format!(
                "(import \"vm_hooks\" \"{}\" (func (param {}) (result {})))\n",
                f.name,
                list(f.params),
                list(f.results)
            )
        })
        .collect();
    let wat = format!(
        "(module {imports} (memory (export \"memory\") 1)
           (func (export \"user_entrypoint\") (param i32) (result i32) i32.const 0))"
    );
    let info = validate(&wasm(&wat)).expect("all 42 hooks are allowed");
    assert_eq!(info.host_imports.len(), 42);
}

#[test]
fn rejects_an_import_that_is_not_a_host_function() {
    assert_rejects(
        r#"(module
          (import "env" "foo" (func))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Import,
        "import env.foo is not a vm_hooks host function",
    );
    // A debug-only hook of the SDK's `console` module, under vm_hooks.
    assert_rejects(
        r#"(module
          (import "vm_hooks" "log_i32" (func (param i32)))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Import,
        "import vm_hooks.log_i32 is not a vm_hooks host function",
    );
}

#[test]
fn rejects_a_host_function_with_the_wrong_type() {
    assert_rejects(
        r#"(module
          (import "vm_hooks" "read_args" (func (param i64)))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Import,
        "import vm_hooks.read_args has type (i64) -> (), but Nitro's read_args is (i32) -> ()",
    );
}

#[test]
fn rejects_imports_of_memories_and_globals() {
    assert_rejects(
        r#"(module
          (import "env" "g" (global i32))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Import,
        "import env.g is a global",
    );
}

#[test]
fn rejects_a_start_function() {
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func $init)
          (start $init)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::StartFunction,
        "start function",
    );
}

#[test]
fn rejects_float_instructions_and_types() {
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            f32.const 1 f32.const 2 f32.add drop i32.const 0))"#,
        Rule::Float,
        "function 0 uses floats, which Stylus does not allow: f32.add, f32.const (x2)",
    );
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func (param f64))
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Float,
        "type 0 (f64) -> () uses f64",
    );
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            (local f32) i32.const 0))"#,
        Rule::Float,
        "f32 local",
    );
}

#[test]
fn rejects_a_missing_memory_export() {
    assert_rejects(
        r#"(module
          (memory 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Memory,
        "the memory is not exported as \"memory\"",
    );
    assert_rejects(
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Memory,
        "module has no memory",
    );
}

#[test]
fn rejects_a_missing_entrypoint() {
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func (export "main") (param i32) (result i32) i32.const 0))"#,
        Rule::Entrypoint,
        "missing export user_entrypoint (a function of type (i32) -> i32)",
    );
}

#[test]
fn rejects_an_entrypoint_of_the_wrong_type() {
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32 i32) (result i32) i32.const 0))"#,
        Rule::Entrypoint,
        "user_entrypoint has type (i32, i32) -> i32; it must be (i32) -> i32",
    );
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (global (export "user_entrypoint") i32 (i32.const 0)))"#,
        Rule::Entrypoint,
        "export user_entrypoint is a global, not a function",
    );
}

#[test]
fn rejects_multi_value() {
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func (result i32 i32) i32.const 1 i32.const 2)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::MultiValue,
        "returns 2 values",
    );
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            local.get 0
            (block (param i32) (result i32))))"#,
        Rule::MultiValue,
        "block typed by type",
    );
}

#[test]
fn rejects_a_growable_memory_without_pay_for_memory_grow() {
    assert_rejects(
        r#"(module
          (memory (export "memory") 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 1 memory.grow drop i32.const 0))"#,
        Rule::MemoryGrow,
        "memory can grow (initial 1 pages, no maximum) but vm_hooks.pay_for_memory_grow is not imported",
    );
}

#[test]
fn rejects_the_padded_call_indirect_until_canonicalized() {
    let raw = common::call_indirect_module(true);
    let found = validate(&raw).expect_err("padded table index is refused");
    assert!(
        found.iter().any(|v| v.rule == Rule::ReferenceTypes
            && v.message
                .contains("call_indirect with a multi-byte table index")),
        "{found:?}"
    );
    let canonical = canonicalize(&raw).expect("re-encodes");
    validate(&canonical).expect("canonical module activates");
}

#[test]
fn rejects_bulk_memory_beyond_copy_and_fill() {
    assert_rejects(
        r#"(module
          (memory (export "memory") 1 1)
          (data "abc")
          (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 0 i32.const 0 i32.const 3 memory.init 0
            data.drop 0
            i32.const 0 i32.const 0 i32.const 3 memory.copy
            i32.const 0))"#,
        Rule::BulkMemory,
        "data.drop, memory.init",
    );
}

#[test]
fn rejects_other_proposals() {
    let entry = |body: &str| {
        format!(
            r#"(module (memory (export "memory") 1 1)
                 (table 1 funcref)
                 (func (export "user_entrypoint") (param i32) (result i32) {body}))"#
        )
    };
    assert_rejects(
        &entry("v128.const i64x2 0 0 drop i32.const 0"),
        Rule::Simd,
        "v128.const",
    );
    assert_rejects(
        &entry("i32.const 0 table.get 0 drop i32.const 0"),
        Rule::ReferenceTypes,
        "table.get",
    );
    assert_rejects(
        &entry("i32.const 0 return_call 0"),
        Rule::TailCall,
        "return_call",
    );
    assert_rejects(
        r#"(module (memory (export "memory") 1 1 shared)
             (func (export "user_entrypoint") (param i32) (result i32)
               i32.const 0 i32.atomic.load))"#,
        Rule::Atomics,
        "i32.atomic_load",
    );
    assert_rejects(
        r#"(module (memory (export "memory") 1 1) (tag)
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Exceptions,
        "exception tags",
    );
    assert_rejects(
        r#"(module (memory (export "memory") 1 1)
             (table 1 funcref) (table 1 funcref)
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::ReferenceTypes,
        "more than one table",
    );
}

#[test]
fn rejects_too_many_locals_and_segments() {
    let locals = " i32".repeat(349);
    assert_rejects(
        &format!(
            r#"(module (memory (export "memory") 1 1)
                 (func (export "user_entrypoint") (param i32) (result i32)
                   (local{locals}) i32.const 0))"#
        ),
        Rule::Limit,
        "function 0 declares 349 locals; Nitro allows at most 348",
    );
    let data = r#"(data (i32.const 0) "x")"#.repeat(129);
    assert_rejects(
        &format!(
            r#"(module (memory (export "memory") 1 1) {data}
                 (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        ),
        Rule::Limit,
        "module has 129 data segments; Nitro allows at most 128",
    );
}

#[test]
fn rejects_data_outside_the_initial_memory() {
    assert_rejects(
        r#"(module (memory (export "memory") 1 1)
             (data (i32.const 65535) "ab")
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Memory,
        "data segment 0 (bytes 65535..65537) lies outside the initial memory of 1 pages",
    );
}

#[test]
fn rejects_exports_that_shadow_imports_or_use_reserved_names() {
    assert_rejects(
        r#"(module
             (import "vm_hooks" "read_args" (func (param i32)))
             (memory (export "memory") 1 1)
             (func (export "read_args") (param i32))
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Export,
        "same name as the import read_args",
    );
    assert_rejects(
        r#"(module
             (memory (export "memory") 1 1)
             (global (export "stylus_ink_left") i64 (i64.const 0))
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        Rule::Export,
        "reserved prefix",
    );
}

#[test]
fn rejects_wasm_over_128_kib() {
    let blob = "a".repeat(140_000);
    assert_rejects(
        &format!(
            r#"(module (memory (export "memory") 3 3)
                 (data (i32.const 0) "{blob}")
                 (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        ),
        Rule::WasmSize,
        "Nitro inflates at most 131072 bytes",
    );
}

#[test]
fn rejects_bytes_that_are_not_wasm() {
    let found = validate(b"\0asm\x01\0\0\0garbage").expect_err("garbage");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, Rule::Malformed);
}

#[test]
fn reports_every_broken_rule_at_once() {
    let found = violations(
        r#"(module
             (import "env" "foo" (func))
             (func $s) (start $s))"#,
    );
    let rules: Vec<Rule> = found.iter().map(|v| v.rule).collect();
    for rule in [
        Rule::Import,
        Rule::StartFunction,
        Rule::Memory,
        Rule::Entrypoint,
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
}
