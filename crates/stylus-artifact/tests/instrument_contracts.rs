//! Instruments every real contract's deployed wasm (`target/stylus/NAME.wasm`,
//! written by `scripts/build-contracts.sh`) and checks that the result is
//! valid for Nitro's parser, that each body is as long as the validator
//! predicted, and that it runs under wasmi, metered, up to its first host
//! call. Skipped, with a message, when the contracts have not been built.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use stylus_artifact::instrument::{STYLUS_INK_LEFT, STYLUS_INK_STATUS, STYLUS_STACK_LEFT};
use stylus_artifact::validate::{nitro_features, ENTRYPOINT};
use stylus_artifact::{instrument, validate, InstrumentConfig};
use wasmi::{Engine, ExternType, Linker, Module, Store, Val};
use wasmparser::{Parser, Payload, Validator};

/// `target/stylus`, honouring `CARGO_TARGET_DIR` as the build script does.
fn artifact_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    target.join("stylus")
}

/// Every built contract, by name.
fn contracts() -> Vec<(String, Vec<u8>)> {
    let dir = artifact_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .map(|p| {
            let name = p.file_stem().unwrap_or_default().to_string_lossy().into();
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
            (name, bytes)
        })
        .collect();
    found.sort();
    found
}

fn skip_message() {
    eprintln!(
        "SKIPPED: no contract wasm in {}; run scripts/build-contracts.sh first",
        artifact_dir().display()
    );
}

#[test]
fn every_contract_instruments_to_a_valid_module() {
    let contracts = contracts();
    if contracts.is_empty() {
        return skip_message();
    }
    for (name, wasm) in contracts {
        let info = validate(&wasm).unwrap_or_else(|v| panic!("{name} does not activate: {v:?}"));
        let done = instrument(&wasm, &InstrumentConfig::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        Validator::new_with_features(nitro_features())
            .validate_all(&done.wasm)
            .unwrap_or_else(|e| panic!("instrumented {name} is invalid: {e}"));

        assert_eq!(done.frame_sizes.len() as u64, info.funcs(), "{name}");
        let longest = done.body_ops.iter().copied().max().unwrap_or(0);
        assert_eq!(longest, info.largest_body_ops, "{name}: predicted length");
        // Nitro charges activation per instrumented operator, all bodies.
        let total: u64 = done.body_ops.iter().sum();
        assert_eq!(
            total, info.activation.instrumented_ops,
            "{name}: predicted operators"
        );

        // Only the entrypoint, the memory and the four globals are exported.
        let mut exports = Vec::new();
        for payload in Parser::new(0).parse_all(&done.wasm) {
            if let Payload::ExportSection(reader) = payload.expect("readable") {
                for export in reader {
                    exports.push(export.expect("export").name.to_string());
                }
            }
        }
        exports.sort();
        assert_eq!(
            exports,
            [
                "memory",
                "stylus_ink_left",
                "stylus_ink_status",
                "stylus_scratch_global",
                "stylus_stack_left",
                "user_entrypoint"
            ],
            "{name}"
        );
    }
}

#[test]
fn every_contract_runs_metered_up_to_its_first_host_call() {
    let contracts = contracts();
    if contracts.is_empty() {
        return skip_message();
    }
    for (name, wasm) in contracts {
        let done = instrument(&wasm, &InstrumentConfig::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let engine = Engine::default();
        let module = Module::new(&engine, &done.wasm).expect("wasmi accepts it");
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        // Every host function stops the program and says which it was.
        let first_call = Arc::new(Mutex::new(None::<String>));
        for import in module.imports() {
            let ExternType::Func(ty) = import.ty() else {
                panic!("{name} imports a non-function");
            };
            let hook = import.name().to_string();
            let seen = Arc::clone(&first_call);
            linker
                .func_new(
                    import.module(),
                    import.name(),
                    ty.clone(),
                    move |_, _, _| {
                        seen.lock()
                            .expect("lock")
                            .get_or_insert_with(|| hook.clone());
                        Err(wasmi::Error::new("stub host function"))
                    },
                )
                .expect("define stub");
        }
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .expect("instantiate");
        let global = |store: &Store<()>, n: &str| instance.get_global(store, n).expect(n);

        let ink = 1_000_000_000i64;
        global(&store, STYLUS_INK_LEFT)
            .set(&mut store, Val::I64(ink))
            .expect("set ink");
        global(&store, STYLUS_STACK_LEFT)
            .set(&mut store, Val::I32(22_000))
            .expect("set stack");
        let entry = instance.get_func(&store, ENTRYPOINT).expect("entrypoint");
        let mut out = [Val::I32(0)];
        let result = entry.call(&mut store, &[Val::I32(0)], &mut out);

        assert!(result.is_err(), "{name} should stop at a stub host call");
        let hook = first_call.lock().expect("lock").clone();
        assert!(
            hook.is_some(),
            "{name} trapped before any host call: {result:?}"
        );
        let left = global(&store, STYLUS_INK_LEFT)
            .get(&store)
            .i64()
            .expect("i64");
        let status = global(&store, STYLUS_INK_STATUS).get(&store).i32();
        let stack = global(&store, STYLUS_STACK_LEFT).get(&store).i32();
        assert!(left < ink, "{name} paid no ink");
        assert_eq!(status, Some(0), "{name}");
        assert_ne!(stack, Some(0), "{name}");
        eprintln!(
            "{name}: {} ink to the first host call ({})",
            ink - left,
            hook.unwrap_or_default()
        );
    }
}
