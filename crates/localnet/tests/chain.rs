//! The chain around the programs: EVM contracts, the 0xEF rule, views,
//! and the ArbWasm / ArbWasmCache precompiles.

mod common;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolEvent};
use common::*;
use localnet::abi::{ArbWasm, ArbWasmCache};
use localnet::{Localnet, ARBWASM, ARBWASM_CACHE, CHAIN_ID, DEPLOYER, P256VERIFY};
use revm::context::result::HaltReason;

#[test]
fn evm_contract_deploys_calls_and_commits() {
    let mut net = net();
    let c = deploy_runtime(&mut net, &evm_store_return());
    assert_eq!(net.code(c), evm_store_return());
    assert_eq!(net.nonce(DEPLOYER), 1);

    // A view runs but commits nothing, from an unfunded account.
    let view = net.call(NOBODY, c, Bytes::new());
    assert!(view.success, "{view}");
    assert_eq!(word(&view.output, 0), U256::from(42));
    assert_eq!(net.storage(c, U256::ZERO), U256::ZERO);
    assert_eq!(net.nonce(NOBODY), 0);

    // A transaction commits.
    let tx = net.transact(ALICE, c, U256::ZERO, Bytes::new());
    assert!(tx.success, "{tx}");
    assert_eq!(net.storage(c, U256::ZERO), U256::from(42));
    assert_eq!(net.nonce(ALICE), 1);
    // 21,000 + 6 pushes, SSTORE 0 -> 42 cold (22,100), MSTORE (3 + 3 memory).
    assert_eq!(tx.gas_used, 21_000 + 6 * 3 + 22_100 + 6);

    // An unfunded sender cannot transact.
    let err = net
        .try_transact(NOBODY, c, U256::ZERO, Bytes::new())
        .unwrap_err();
    assert!(err.to_string().contains("invalid transaction"), "{err}");
}

#[test]
fn reverts_and_halts_are_reported() {
    let mut net = net();
    let r = deploy_runtime(&mut net, &evm_revert_42());
    let out = net.transact(ALICE, r, U256::ZERO, Bytes::new());
    assert!(out.reverted());
    assert_eq!(out.revert_data().map(|d| word(d, 0)), Some(U256::from(42)));
    assert!(out.revert_reason().unwrap().starts_with("custom error"));

    // 0xFE: invalid opcode halts and uses all gas.
    let bad = deploy_runtime(&mut net, &[0xfe]);
    let out = net.transact(ALICE, bad, U256::ZERO, Bytes::new());
    assert_eq!(out.halt, Some(HaltReason::InvalidFEOpcode));
    assert_eq!(out.gas_used, localnet::TX_GAS_LIMIT);
}

#[test]
fn ef_code_other_than_stylus_is_still_rejected() {
    let mut net = net();
    // Stylus code deploys (EIP-3541 waived for EF F0 00)...
    let code = stylus(&echo_wat(1));
    let p = net.try_deploy_code(&code).unwrap();
    assert_eq!(net.code(p), code);
    // ...other 0xEF code does not.
    let err = net.try_deploy_code(&[0xef, 0x00, 0x01]).unwrap_err();
    assert!(
        err.to_string().contains("CreateContractStartingWithEF"),
        "{err}"
    );
    let err = net.try_deploy_code(&[0xef, 0xf0, 0x01, 0x00]).unwrap_err();
    assert!(
        err.to_string().contains("CreateContractStartingWithEF"),
        "{err}"
    );
}

#[test]
fn chain_parameters() {
    let mut net = net();
    // CHAINID NUMBER TIMESTAMP BASEFEE, stored in memory and returned.
    let probe = deploy_runtime(
        &mut net,
        &[
            0x46, 0x5f, 0x52, // mstore(0, chainid)
            0x43, 0x60, 0x20, 0x52, // mstore(32, number)
            0x42, 0x60, 0x40, 0x52, // mstore(64, timestamp)
            0x48, 0x60, 0x60, 0x52, // mstore(96, basefee)
            0x60, 0x80, 0x5f, 0xf3, // return(0, 128)
        ],
    );
    net.set_block_number(77);
    net.set_timestamp(1_800_000_000);
    let out = net.transact(ALICE, probe, U256::ZERO, Bytes::new());
    assert_eq!(word(&out.output, 0), U256::from(CHAIN_ID));
    assert_eq!(word(&out.output, 1), U256::from(77));
    assert_eq!(word(&out.output, 2), U256::from(1_800_000_000u64));
    assert_eq!(word(&out.output, 3), U256::from(localnet::BASEFEE));
    assert_eq!((net.block_number(), net.timestamp()), (77, 1_800_000_000));
}

#[test]
fn p256verify_is_at_0x100() {
    let mut net = net();
    // A wrong signature: the precompile answers with empty output and
    // charges its gas (Osaka: 6,900), which a missing precompile would not.
    let out = net.call(ALICE, P256VERIFY, vec![0u8; 160]);
    assert!(out.success);
    assert!(out.output.is_empty());
    assert_eq!(out.gas_used, 21_000 + 160 * 4 + 6_900);
}

// Refusals of code that is not Stylus, or not valid, are in activation.rs.

/// Nitro's `CallProgram` fails a call into a program that is not activated
/// with `ProgramNotActivatedError` (arbos/programs/programs.go), which the
/// EVM treats as a failure, not a revert (go-ethereum/core/vm/evm.go): the
/// call keeps none of its gas and returns no data.
#[test]
fn a_call_into_an_unactivated_program_fails_and_keeps_no_gas() {
    let mut net = net();
    let p = net.try_deploy_code(&stylus(&echo_wat(1))).unwrap();
    let out = net.call(ALICE, p, vec![1, 2, 3]);
    assert!(!out.success);
    assert!(out.output.is_empty(), "no revert data: {out}");
    assert!(out.programs.is_empty());
    assert_eq!(out.failures.len(), 1, "{out}");
    assert!(out.failures[0].reason.contains("not activated"));

    // From a caller: the CALL fails, all the gas it passed is gone.
    let forwarder = deploy_runtime(&mut net, &call_forwarder(p));
    let gas_limit = 200_000;
    net.set_gas_limit(gas_limit);
    let out = net.transact(ALICE, forwarder, U256::ZERO, vec![1, 2, 3]);
    assert!(!out.success);
    assert!(out.output.is_empty(), "{out}");
    // The forwarder passes all but 1/64 of what it has: the transaction
    // uses more than 63/64 of its gas.
    assert!(out.gas_used > gas_limit * 63 / 64, "{out}");
}

#[test]
fn activation_records_views_and_repays_value() {
    let mut net = net();
    let code = stylus(&echo_wat(3));
    let p = net.try_deploy_code(&code).unwrap();

    // Activate from ALICE with 1 ether: all but the data fee comes back
    // (the fee itself is worked out in activation.rs).
    let before = net.balance(ALICE);
    let data = ArbWasm::activateProgramCall { program: p }.abi_encode();
    let out = net.transact(ALICE, ARBWASM, common::ether(1), data.clone());
    assert!(out.success, "{out}");
    let ret = out.decode_return::<ArbWasm::activateProgramCall>().unwrap();
    assert_eq!(ret.version, 2);
    assert!(ret.dataFee > U256::ZERO);
    let gas_paid = U256::from(out.gas_used) * U256::from(localnet::BASEFEE);
    assert_eq!(net.balance(ALICE), before - gas_paid - ret.dataFee);
    assert_eq!(net.balance(ARBWASM), U256::ZERO);
    // The event.
    let log = &out.logs[0];
    assert_eq!(log.address, ARBWASM);
    let event = ArbWasm::ProgramActivated::decode_log_data(&log.data).unwrap();
    assert_eq!(event.program, p);
    assert_eq!(event.codehash, net.code_hash(p));
    assert_eq!(event.version, 2);

    // Activating again: ProgramUpToDate.
    let again = net.transact(ALICE, ARBWASM, U256::ZERO, data);
    assert!(matches!(
        again.decode_revert::<ArbWasm::ArbWasmErrors>(),
        Some(ArbWasm::ArbWasmErrors::ProgramUpToDate(_))
    ));

    // Records and views agree with the runtime's figures.
    let info = net.activation_info(p).expect("activated");
    let record = net.program_record(p).unwrap();
    assert_eq!(record.footprint, 3);
    assert_eq!(info.footprint, 3);
    assert_eq!(record.init_cost, info.init_cost);
    assert_eq!(record.cached_init_cost, info.cached_init_cost);
    let gas = view(
        &mut net,
        ARBWASM,
        ArbWasm::programInitGasCall { program: p },
    );
    let cached = 352 + u64::from(info.cached_init_cost);
    assert_eq!(gas.gasWhenCached, cached);
    assert_eq!(gas.gas, cached + 8_832 + u64::from(info.init_cost));
    let footprint = view(
        &mut net,
        ARBWASM,
        ArbWasm::programMemoryFootprintCall { program: p },
    );
    assert_eq!(footprint, 3);
    let version = view(&mut net, ARBWASM, ArbWasm::stylusVersionCall {});
    assert_eq!(version, 2);
    let ink = view(&mut net, ARBWASM, ArbWasm::inkPriceCall {});
    assert_eq!(ink, 10_000);
    // Not activated: ProgramNotActivated.
    let out = net.call(
        ALICE,
        ARBWASM,
        ArbWasm::programVersionCall { program: NOBODY }.abi_encode(),
    );
    assert!(matches!(
        out.decode_revert::<ArbWasm::ArbWasmErrors>(),
        Some(ArbWasm::ArbWasmErrors::ProgramNotActivated(_))
    ));
}

#[test]
fn activation_in_a_reverted_call_is_rolled_back() {
    let mut net = net();
    let p = net.try_deploy_code(&stylus(&echo_wat(1))).unwrap();
    // EVM contract: CALL ArbWasm.activateProgram(p) with the forwarded
    // calldata, then REVERT whatever happened.
    let code = [
        0x36, 0x5f, 0x5f, 0x37, // CALLDATACOPY(0, 0, CALLDATASIZE)
        0x5f, 0x5f, 0x36, 0x5f, 0x34, // ret 0 0, args CALLDATASIZE 0, CALLVALUE
        0x60, 0x71, 0x5a, 0xf1, // CALL(GAS, 0x71, ...)
        0x5f, 0x5f, 0xfd, // REVERT(0, 0)
    ];
    let wrapper = deploy_runtime(&mut net, &code);
    let data = ArbWasm::activateProgramCall { program: p }.abi_encode();
    let out = net.transact(ALICE, wrapper, common::ether(1), data);
    assert!(out.reverted());
    assert!(net.program_record(p).is_none());
    let out = net.call(ALICE, p, Bytes::new());
    assert!(
        !out.success && out.output.is_empty(),
        "still not activated: {out}"
    );
    assert!(out.failures[0].reason.contains("not activated"));
}

/// precompiles/ArbWasmCache.go and `Programs.SetProgramCached`
/// (arbos/programs/programs.go): the chain owner caches and evicts, priced
/// step by step; anyone else burns all the gas sent.
#[test]
fn arbwasm_cache_lets_the_chain_owner_cache_programs() {
    use localnet::precompiles::CHAIN_OWNER;
    let mut net = net();
    net.fund(CHAIN_OWNER, common::ether(10));
    let p = net.deploy_stylus(&stylus(&echo_wat(1)));
    let hash = net.code_hash(p);
    let init_cost = u64::from(net.program_record(p).unwrap().init_cost);
    let is_cached_call = ArbWasmCache::codehashIsCachedCall { codehash: hash }.abi_encode();
    let is_cached = |net: &mut Localnet| {
        let out = net.call(ALICE, ARBWASM_CACHE, is_cached_call.clone());
        // ArbOS state 800, the argument 3, the record 800, the result 3.
        assert_eq!(out.gas_used, intrinsic_gas(&is_cached_call) + 1_606);
        out.decode_return::<ArbWasmCache::codehashIsCachedCall>()
            .unwrap()
    };
    assert!(!is_cached(&mut net));

    // Anyone else: all gas burned, nothing cached.
    let cache = ArbWasmCache::cacheProgramCall { addr: p }.abi_encode();
    net.set_gas_limit(100_000);
    let out = net.transact(ALICE, ARBWASM_CACHE, U256::ZERO, cache.clone());
    assert!(!out.success && out.output.is_empty(), "{out}");
    assert_eq!(out.gas_used, 100_000);
    net.set_gas_limit(localnet::TX_GAS_LIMIT);
    assert!(!is_cached(&mut net));

    // The owner: state 800, argument 3, the code hash 2,600, access 1,600,
    // parameters 100, record 800, the log 375 + 375 x 3 + 8 x 32, the
    // program's init_cost, the module hash 800, the record 20,000.
    let out = net.transact(CHAIN_OWNER, ARBWASM_CACHE, U256::ZERO, cache.clone());
    assert!(out.success, "{out}");
    assert_eq!(
        out.gas_used,
        intrinsic_gas(&cache) + 800 + 3 + 2_600 + 1_600 + 100 + 800 + 1_756 + init_cost + 20_800
    );
    let event = ArbWasmCache::UpdateProgramCache::decode_log_data(&out.logs[0].data).unwrap();
    assert_eq!(
        (event.manager, event.codehash, event.cached),
        (CHAIN_OWNER, hash, true)
    );
    assert!(is_cached(&mut net));
    assert!(net.is_cached(p));
    // Caching again changes nothing and logs nothing.
    let out = net.transact(CHAIN_OWNER, ARBWASM_CACHE, U256::ZERO, cache);
    assert!(out.success && out.logs.is_empty(), "{out}");

    let evict = ArbWasmCache::evictCodehashCall { codehash: hash }.abi_encode();
    let out = net.transact(CHAIN_OWNER, ARBWASM_CACHE, U256::ZERO, evict.clone());
    assert!(out.success, "{out}");
    assert_eq!(
        out.gas_used,
        intrinsic_gas(&evict) + 800 + 3 + 1_600 + 100 + 800 + 1_756 + init_cost + 20_800
    );
    assert!(!is_cached(&mut net));

    // The Localnet shortcut.
    net.set_cached(p, true);
    assert!(is_cached(&mut net));
    net.set_cached(p, false);
    assert!(!net.is_cached(p));

    // Caching something that is not activated: its version (0) is not the
    // current one.
    let out = net.transact(
        CHAIN_OWNER,
        ARBWASM_CACHE,
        U256::ZERO,
        ArbWasmCache::cacheProgramCall {
            addr: Address::repeat_byte(7),
        }
        .abi_encode(),
    );
    assert_eq!(
        out.decode_revert::<ArbWasm::ArbWasmErrors>(),
        Some(ArbWasm::ArbWasmErrors::ProgramNeedsUpgrade(
            ArbWasm::ProgramNeedsUpgrade {
                version: 0,
                stylusVersion: 2
            }
        ))
    );
    // Nobody is a cache manager.
    let out = net.call(
        ALICE,
        ARBWASM_CACHE,
        ArbWasmCache::isCacheManagerCall {
            manager: CHAIN_OWNER,
        }
        .abi_encode(),
    );
    assert!(!out
        .decode_return::<ArbWasmCache::isCacheManagerCall>()
        .unwrap());
}

/// EIP-7623's calldata floor is off, as on Nitro unless the chain owner
/// enables increased calldata pricing (`IsCalldataPricingIncreaseEnabled`,
/// arbos/tx_processor.go): 100 non-zero bytes to an account without code
/// cost 21,000 + 100 x 16, not the floor of 21,000 + 100 x 4 x 10.
#[test]
fn calldata_has_no_eip7623_floor() {
    let mut net = net();
    let out = net.transact(ALICE, NOBODY, U256::ZERO, vec![0xAB; 100]);
    assert!(out.success, "{out}");
    assert_eq!(out.gas_used, 21_000 + 100 * 16);
}

/// precompiles/precompile.go, `Precompile.Call`: an unknown method, and
/// value sent to a method that is not payable, return no data and keep no
/// gas.
#[test]
fn arbwasm_burns_the_gas_of_an_unknown_method_or_unwanted_value() {
    let mut net = net();
    net.set_gas_limit(60_000);
    for (to, value, data) in [
        (ARBWASM, U256::ZERO, vec![0xde, 0xad, 0xbe, 0xef]),
        (
            ARBWASM,
            U256::from(1),
            ArbWasm::stylusVersionCall {}.abi_encode(),
        ),
        (ARBWASM_CACHE, U256::ZERO, vec![0x01, 0x02]),
    ] {
        let out = net.transact(ALICE, to, value, data);
        assert!(!out.success && out.output.is_empty(), "{out}");
        assert_eq!(out.gas_used, 60_000, "{out}");
    }
}

/// ArbWasm's views, priced as Nitro prices them (precompiles/precompile.go
/// and precompiles/ArbWasm.go): 800 to open ArbOS state, 3 a word of
/// arguments, 100 for the parameters, 2,600 for a program's code hash
/// through ArbOS storage, 800 for its record, 3 a word of result or error.
#[test]
fn arbwasm_views_cost_what_nitro_charges() {
    let mut net = net();
    let p = net.deploy_stylus(&stylus(&echo_wat(1)));
    let codehash = net.code_hash(p);
    for (data, view_gas) in [
        (ArbWasm::stylusVersionCall {}.abi_encode(), 800 + 100 + 3),
        (ArbWasm::minInitGasCall {}.abi_encode(), 800 + 100 + 6),
        (
            ArbWasm::codehashVersionCall { codehash }.abi_encode(),
            800 + 3 + 100 + 800 + 3,
        ),
        (
            ArbWasm::programInitGasCall { program: p }.abi_encode(),
            800 + 3 + 100 + 2_600 + 800 + 6,
        ),
        // Not activated: the 4-byte error costs one word.
        (
            ArbWasm::programVersionCall { program: NOBODY }.abi_encode(),
            800 + 3 + 100 + 2_600 + 800 + 3,
        ),
    ] {
        let out = net.call(ALICE, ARBWASM, data.clone());
        assert_eq!(out.gas_used, intrinsic_gas(&data) + view_gas, "{out}");
    }
}
