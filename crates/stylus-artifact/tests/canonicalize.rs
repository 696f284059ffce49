//! The deployed encoding: MVP `call_indirect`, no custom sections, stable.

mod common;

use common::{call_indirect_module, wasm, MINIMAL};
use stylus_artifact::canonicalize;
use stylus_artifact::validate::nitro_features;
use wasmparser::{Parser, Payload, Validator};

fn custom_sections(wasm: &[u8]) -> Vec<String> {
    Parser::new(0)
        .parse_all(wasm)
        .filter_map(|p| match p {
            Ok(Payload::CustomSection(c)) => Some(c.name().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn rewrites_the_padded_call_indirect_table_index() {
    let raw = call_indirect_module(true);
    // Nitro's parser (reference types off) refuses the padded form.
    let Err(err) = Validator::new_with_features(nitro_features()).validate_all(&raw) else {
        panic!("Nitro's feature set accepted the padded form");
    };
    assert!(err.to_string().contains("zero byte expected"), "{err}");

    let canonical = canonicalize(&raw).expect("re-encodes");
    // Exactly the module with the one-byte form: 4 bytes shorter.
    assert_eq!(canonical, call_indirect_module(false));
    assert_eq!(canonical.len(), raw.len() - 4);
    Validator::new_with_features(nitro_features())
        .validate_all(&canonical)
        .expect("Nitro's parser accepts the canonical form");
}

#[test]
fn drops_custom_sections() {
    let raw = wasm(
        r#"(module $named
          (@custom "producers" "rustc")
          (@custom "target_features" (after code) "+bulk-memory")
          (memory (export "memory") 1 1)
          (func $entry (export "user_entrypoint") (param $x i32) (result i32)
            i32.const 0))"#,
    );
    let mut names = custom_sections(&raw);
    names.sort();
    assert_eq!(names, ["name", "producers", "target_features"]);

    let canonical = canonicalize(&raw).expect("re-encodes");
    assert!(custom_sections(&canonical).is_empty());
    assert_eq!(canonical, wasm(MINIMAL_WITHOUT_IMPORT));
}

const MINIMAL_WITHOUT_IMPORT: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

#[test]
fn is_stable() {
    for raw in [
        call_indirect_module(true),
        wasm(MINIMAL),
        wasm(
            r#"(module
              (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
              (memory (export "memory") 2)
              (global $sp (mut i32) (i32.const 65536))
              (data (i32.const 8) "hello")
              (func (export "user_entrypoint") (param i32) (result i32)
                (local i64 i64 i32)
                (block (result i32)
                  (loop
                    i32.const 7 local.get 0 br_if 1 drop
                    br 0)
                  i32.const 5)))"#,
        ),
    ] {
        let once = canonicalize(&raw).expect("re-encodes");
        let twice = canonicalize(&once).expect("re-encodes");
        assert_eq!(once, twice);
    }
}

#[test]
fn refuses_bytes_that_are_not_wasm() {
    let err = canonicalize(b"not wasm").expect_err("garbage");
    assert!(
        err.to_string().starts_with("not a valid wasm module"),
        "{err}"
    );
}
