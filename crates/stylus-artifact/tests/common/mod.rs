//! Helpers shared by the integration tests.
#![allow(dead_code)]

use stylus_artifact::{validate, Rule, Violation};

/// The smallest module that activates: a fixed one-page memory (so no
/// `pay_for_memory_grow` is needed) and an entrypoint that returns 0.
pub const MINIMAL: &str = r#"
(module
  (import "vm_hooks" "read_args" (func (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32)
    i32.const 0))
"#;

/// Assembles WAT, panicking with the parse error (test input only).
pub fn wasm(wat: &str) -> Vec<u8> {
    match wat::parse_str(wat) {
        Ok(bytes) => bytes,
        Err(err) => panic!("bad test WAT: {err}\n{wat}"),
    }
}

/// The violations of a module that must be rejected.
pub fn violations(wat: &str) -> Vec<Violation> {
    match validate(&wasm(wat)) {
        Ok(info) => panic!("expected a rejection, got {info:?}\n{wat}"),
        Err(v) => v,
    }
}

/// Asserts that `wat` is rejected for `rule` with a message containing `needle`.
pub fn assert_rejects(wat: &str, rule: Rule, needle: &str) {
    let found = violations(wat);
    assert!(
        found
            .iter()
            .any(|v| v.rule == rule && v.message.contains(needle)),
        "expected [{rule}] ...{needle}..., got:\n{}",
        found
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Unsigned LEB128, minimal length.
pub fn leb(mut n: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// A section: id, size, contents.
pub fn section(id: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    out.extend(leb(contents.len() as u32));
    out.extend_from_slice(contents);
    out
}

/// A module, as rustc's linker writes it, whose entrypoint calls function 1
/// through the table with `call_indirect` whose table index is the padded
/// five-byte LEB `80 80 80 80 00` (the reference-types encoding).
///
/// When `padded` is false the MVP byte `00` is used instead.
pub fn call_indirect_module(padded: bool) -> Vec<u8> {
    let table_index: &[u8] = if padded {
        &[0x80, 0x80, 0x80, 0x80, 0x00]
    } else {
        &[0x00]
    };
    let mut entry = vec![0x00, 0x41, 0x00, 0x11, 0x01]; // no locals; i32.const 0; call_indirect type 1
    entry.extend_from_slice(table_index);
    entry.push(0x0b);
    let callee = [0x00, 0x41, 0x00, 0x0b]; // no locals; i32.const 0; end
    let mut code = vec![0x02];
    code.extend(leb(entry.len() as u32));
    code.extend(&entry);
    code.extend(leb(callee.len() as u32));
    code.extend(callee);

    let mut module = b"\0asm\x01\0\0\0".to_vec();
    // types: 0 = (i32) -> i32, 1 = () -> i32
    module.extend(section(
        1,
        &[0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f],
    ));
    module.extend(section(3, &[0x02, 0x00, 0x01])); // functions 0: type 0, 1: type 1
    module.extend(section(4, &[0x01, 0x70, 0x01, 0x01, 0x01])); // funcref table 1..1
    module.extend(section(5, &[0x01, 0x01, 0x01, 0x01])); // memory 1..1
    let mut exports = vec![0x02];
    exports.extend([0x06]);
    exports.extend(b"memory");
    exports.extend([0x02, 0x00]);
    exports.extend([0x0f]);
    exports.extend(b"user_entrypoint");
    exports.extend([0x00, 0x00]);
    module.extend(section(7, &exports));
    module.extend(section(9, &[0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x01])); // table[0] = func 1
    module.extend(section(10, &code));
    module
}
