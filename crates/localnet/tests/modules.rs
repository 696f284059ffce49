//! The real permission modules (`target/stylus/*.code`, built by
//! `scripts/build-contracts.sh`) on the local chain.
//!
//! MAv2 installs a hook only if `supportsInterface` answers true within a
//! STATICCALL capped at 30,000 gas, so each module is asked that way, from
//! an EVM contract, uncached and cached.

mod common;

use alloy_primitives::{Address, U256};
use common::*;
use localnet::{contract_code_path, Localnet};
use permission_core::selectors::{
    IERC165_ID, IEXECUTION_HOOK_MODULE_ID, IMODULE_ID, IVALIDATION_HOOK_MODULE_ID,
    SUPPORTS_INTERFACE,
};

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

/// MAv2's gas cap for the install-time `supportsInterface` check.
const SUPPORTS_INTERFACE_GAS: u32 = 30_000;

/// The module's code, or `None` (loudly) when it has not been built. Under
/// CI a missing artifact is an error: CI builds them first.
fn module_code(name: &str) -> Option<Vec<u8>> {
    let path = contract_code_path(name);
    match std::fs::read(&path) {
        Ok(code) => Some(code),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "\n!!! SKIPPING {name}: cannot read {} ({e}).\n!!! Run scripts/build-contracts.sh first.\n",
                path.display()
            );
            None
        }
        Err(e) => panic!("{} missing under CI: {e}", path.display()),
    }
}

fn supports_interface(id: [u8; 4]) -> Vec<u8> {
    let mut data = SUPPORTS_INTERFACE.to_vec();
    data.extend_from_slice(&id);
    data.extend_from_slice(&[0; 28]);
    data
}

struct Probe {
    answer: U256,
    success: bool,
    call_gas: u64,
    entry_gas: u64,
    frame_gas_used: u64,
}

fn probe(net: &mut Localnet, probe: Address, id: [u8; 4]) -> Probe {
    let out = net.transact(ALICE, probe, U256::ZERO, supports_interface(id));
    assert!(out.success, "{out}");
    let program = out
        .programs
        .first()
        .unwrap_or_else(|| panic!("no program entered: {out}"));
    Probe {
        answer: word(&out.output, 0),
        success: word(&out.output, 1) == U256::from(1),
        call_gas: word(&out.output, 2).to::<u64>(),
        entry_gas: program.entry_gas,
        frame_gas_used: program.gas_used.unwrap_or_default(),
    }
}

#[test]
fn modules_answer_supports_interface_within_30k_gas() {
    let mut report = Vec::new();
    for name in MODULES {
        let Some(code) = module_code(name) else {
            continue;
        };
        let mut net = net();
        let module = net.deploy_stylus(&code);
        let info = net.activation_info(module).expect("activated");
        assert_eq!(info.footprint, 1, "{name}: the build should give 1 page");
        let prober = deploy_runtime(&mut net, &staticcall_probe(module, SUPPORTS_INTERFACE_GAS));

        let uncached = probe(&mut net, prober, IMODULE_ID);
        assert!(
            uncached.success,
            "{name}: uncached supportsInterface ran out of gas"
        );
        assert_eq!(
            uncached.answer,
            U256::from(1),
            "{name}: uncached supportsInterface(IModule)"
        );
        // At least 5,000 of MAv2's 30,000 to spare, uncached.
        assert!(
            uncached.frame_gas_used <= 25_000,
            "{name}: uncached supportsInterface used {} gas of its 30,000",
            uncached.frame_gas_used
        );
        for id in [
            IERC165_ID,
            IVALIDATION_HOOK_MODULE_ID,
            IEXECUTION_HOOK_MODULE_ID,
        ] {
            let p = probe(&mut net, prober, id);
            assert!(p.success && p.answer == U256::from(1), "{name}: {id:?}");
        }
        let p = probe(&mut net, prober, [0xff; 4]);
        assert!(
            p.success && p.answer.is_zero(),
            "{name}: 0xffffffff must be false"
        );

        net.set_cached(module, true);
        let cached = probe(&mut net, prober, IMODULE_ID);
        assert!(
            cached.success && cached.answer == U256::from(1),
            "{name}: cached"
        );
        assert_eq!(
            uncached.entry_gas - cached.entry_gas,
            8_832 + u64::from(info.init_cost),
            "{name}"
        );
        assert_eq!(
            uncached.frame_gas_used - cached.frame_gas_used,
            8_832 + u64::from(info.init_cost),
            "{name}"
        );
        report.push(format!(
            "{name:<20} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            code.len(),
            info.init_cost,
            info.cached_init_cost,
            uncached.entry_gas,
            uncached.frame_gas_used,
            uncached.call_gas,
            cached.entry_gas,
            cached.frame_gas_used,
            cached.call_gas,
        ));
    }
    if !report.is_empty() {
        println!("\nsupportsInterface(IModule) through STATICCALL(30000):");
        println!(
            "{:<20} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            "module", "code", "init", "cinit", "entry", "frame", "call", "entry", "frame", "call"
        );
        println!("{:<42} | {:^20} | {:^20}", "", "uncached", "cached");
        for line in report {
            println!("{line}");
        }
        println!("(frame = the program frame's gas, entry included; call = STATICCALL's own gas: 2,600 cold + frame + 18)");
    }
}
