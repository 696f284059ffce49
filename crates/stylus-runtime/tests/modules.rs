//! The real permission modules, as built by `scripts/build-contracts.sh`,
//! run in the runtime against an in-memory world.

mod common;

use std::path::PathBuf;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use common::*;
use permission_core::install::TimeWindowInstall;
use permission_core::selectors::{IMODULE_ID, IVALIDATION_HOOK_MODULE_ID};
use stylus_runtime::*;

sol! {
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function moduleId() external view returns (string memory);
    function onInstall(bytes data) external;
}

const MODULES: [&str; 9] = [
    "time-window",
    "contract-allowlist",
    "selector-allowlist",
    "spending-limit",
    "session-policy",
    "usage-limit",
    "paymaster-guard",
    "session-rules",
    "param-rules",
];

/// The deployed WASM of `name`. In CI (`CI` set) the contracts are built
/// before the tests, so a missing file is an error there.
fn module_wasm(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/stylus")
        .join(format!("{name}.wasm"));
    match std::fs::read(&path) {
        Ok(wasm) => Some(wasm),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "SKIPPED: {} is missing; run scripts/build-contracts.sh",
                path.display()
            );
            None
        }
        Err(e) => panic!(
            "{}: {e}; the build must run before the tests",
            path.display()
        ),
    }
}

fn call(program: &Program, world: &mut MemoryWorld, calldata: Vec<u8>) -> (Outcome, u64) {
    let mut info = call_info(&calldata);
    info.caller = Address::repeat_byte(0xAA);
    let mut exec = Execution::new(program, info, 1_000_000).unwrap();
    match exec.run(world, None) {
        Step::Done { outcome, gas_left } => (outcome, 1_000_000 - gas_left),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn every_module_answers_erc165_and_module_id() {
    let runtime = Runtime::new();
    for name in MODULES {
        let Some(wasm) = module_wasm(name) else {
            return;
        };
        let program = runtime.activate(&wasm).expect("the built module activates");
        assert_eq!(program.info.footprint, 1, "{name}");
        let mut world = MemoryWorld::default();
        for (id, expected) in [
            (IMODULE_ID, true),
            (IVALIDATION_HOOK_MODULE_ID, true),
            ([0xFF; 4], false),
        ] {
            let (outcome, gas) = call(
                &program,
                &mut world,
                supportsInterfaceCall {
                    interfaceId: id.into(),
                }
                .abi_encode(),
            );
            let Outcome::Return(out) = outcome else {
                panic!("{name}: {outcome:?}")
            };
            assert_eq!(
                supportsInterfaceCall::abi_decode_returns(&out).unwrap(),
                expected,
                "{name}"
            );
            assert!(
                gas < 10_000,
                "{name}: supportsInterface used {gas} gas after entry"
            );
        }
        let (outcome, _) = call(&program, &mut world, moduleIdCall {}.abi_encode());
        let Outcome::Return(out) = outcome else {
            panic!("{name}: {outcome:?}")
        };
        let id = moduleIdCall::abi_decode_returns(&out).unwrap();
        assert_eq!(id, format!("stylus-session-keys.{name}.0.1.0"));
    }
}

#[test]
fn time_window_installs_and_returns_its_window() {
    let Some(wasm) = module_wasm("time-window") else {
        return;
    };
    let program = Runtime::new().activate(&wasm).unwrap();
    let mut world = MemoryWorld::default();
    let data = TimeWindowInstall {
        entity_id: 1,
        valid_after: 100,
        valid_until: 200,
    }
    .encode();
    let (outcome, gas) = call(
        &program,
        &mut world,
        onInstallCall { data: data.into() }.abi_encode(),
    );
    assert_eq!(outcome, Outcome::Return(Bytes::new()));
    // One fresh slot (the metadata word, with the window in its payload)
    // at 22,100 in the memory world, plus two events.
    assert!(gas > 22_100, "install used {gas}");
    assert_eq!(world.storage.len(), 1);
    assert_eq!(world.logs.len(), 2);
    // A second install is refused with AlreadyInstalled, and writes nothing.
    let before = world.storage.clone();
    let (outcome, _) = call(
        &program,
        &mut world,
        onInstallCall {
            data: TimeWindowInstall {
                entity_id: 1,
                valid_after: 0,
                valid_until: 0,
            }
            .encode()
            .into(),
        }
        .abi_encode(),
    );
    let Outcome::Revert(revert) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        &revert[..4],
        &permission_core::selectors::selector("AlreadyInstalled(address,uint32)")
    );
    assert_eq!(world.storage, before);
    assert_eq!(
        world.storage.values().filter(|v| **v != U256::ZERO).count(),
        1
    );
}
