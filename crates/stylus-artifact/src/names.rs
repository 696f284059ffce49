//! Function names from a module's `name` section, to say which Rust function
//! a violation is in. The deployed wasm has no names (canonicalization drops
//! them), but function indices are unchanged, so names read from rustc's raw
//! output apply to violations found in the deployed wasm.

use std::collections::BTreeMap;

use wasmparser::{KnownCustom, Name, Parser, Payload};

/// Function index to name, from the `name` section; empty if there is none or
/// it cannot be read.
pub fn function_names(wasm: &[u8]) -> BTreeMap<u32, String> {
    let mut names = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else {
            break;
        };
        let Payload::CustomSection(section) = payload else {
            continue;
        };
        let KnownCustom::Name(reader) = section.as_known() else {
            continue;
        };
        for name in reader.into_iter().map_while(Result::ok) {
            if let Name::Function(map) = name {
                for naming in map.into_iter().map_while(Result::ok) {
                    names.insert(naming.index, naming.name.to_string());
                }
            }
        }
    }
    names
}
