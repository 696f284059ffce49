//! A session key's paymaster guard end to end, through
//! `EntryPoint.handleOps` on the compiled WASM in the embedded chain, in
//! session-rules beside the policy and in the standalone module: an
//! operation paid by the allowed paymaster runs (and, as it sponsors the
//! gas, nothing is charged to the key's native limit), one the account
//! would pay and one another paymaster would pay are refused in validation
//! with `PaymasterNotAllowed`.
//!
//! The paymasters are a minimal EVM contract that accepts every operation:
//! `validatePaymasterUserOp` answers `(bytes context = "", uint256
//! validationData = 0)`, so the EntryPoint calls no `postOp`.

use alloy_primitives::{hex, Address, U256};
use alloy_sol_types::{SolCall, SolError};
use common::KeyScene;
use localnet::entry_point::ENTRY_POINT;
use session_keys::abi::{ICounter, IEntryPoint, IPaymasterGuardModule};
use session_keys::errors::{FailedOp, Wrapper};
use session_keys::inspect::inspect;
use session_keys::operation::OpOutcome;
use session_keys::{Chain, PermissionSet, TxRequest};

mod common;

const ENTITY: u32 = 11;

/// Init code of a contract whose every call returns `abi.encode(bytes(""),
/// uint256(0))`: its runtime is `PUSH1 0x40 PUSH1 0 MSTORE PUSH1 0x60
/// PUSH1 0 RETURN`.
const ACCEPT_ALL_PAYMASTER: &str = "69604060005260606000f3600052600a6016f3";

/// A paymaster with 0.1 ether deposited in the EntryPoint.
fn paymaster(s: &mut KeyScene) -> Address {
    let owner = s.owner.clone();
    let init_code = hex::decode(ACCEPT_ALL_PAYMASTER).unwrap();
    let created = s.chain.send(&owner, TxRequest::create(init_code)).unwrap();
    let paymaster = created.contract_address.expect("a paymaster");
    let receipt = s
        .chain
        .send(
            &owner,
            TxRequest {
                to: Some(ENTRY_POINT),
                value: U256::from(10u64).pow(U256::from(17)),
                data: IEntryPoint::depositToCall { account: paymaster }
                    .abi_encode()
                    .into(),
                gas_limit: None,
            },
        )
        .unwrap();
    assert!(receipt.success, "deposit: {}", receipt.failure_reason());
    paymaster
}

/// The guard's refusal: `handleOps`' `FailedOpWithRevert` wrapping the
/// hook's `PaymasterNotAllowed`.
fn refused_paymaster(outcome: &OpOutcome, module: Address) -> Address {
    let OpOutcome::Refused(receipt) = outcome else {
        panic!("not refused in validation: {outcome:?}")
    };
    let wrapped = FailedOp::decode(receipt.revert_data.as_ref().expect("revert data"))
        .and_then(|f| f.module_error())
        .unwrap_or_else(|| panic!("not a module's refusal: {}", receipt.failure_reason()));
    assert_eq!(
        (wrapped.wrapper, wrapped.module),
        (Wrapper::PreUserOpValidationHook, module)
    );
    IPaymasterGuardModule::PaymasterNotAllowed::abi_decode(&wrapped.reason)
        .unwrap_or_else(|_| panic!("{}", session_keys::describe(&wrapped.reason)))
        .paymaster
}

fn run(modules_mode: bool) {
    let mut s = KeyScene::new(0x4d, ENTITY);
    let sponsor = paymaster(&mut s);
    let other = paymaster(&mut s);
    let now = s.chain.timestamp().unwrap();
    let mut set = PermissionSet::new()
        .functions(s.counter, [ICounter::incrementCall::SELECTOR])
        .native_limit(U256::from(10u64).pow(U256::from(16)), None)
        .time_window(now, now + 3_600)
        .paymasters([sponsor], false, true);
    if modules_mode {
        set = set.with_modules();
    }
    s.grant(&set);
    let guard = if modules_mode {
        s.modules.paymaster_guard
    } else {
        s.modules.session_rules
    };

    // The account may not pay, and the other paymaster is not listed.
    let outcome = s.increment(None);
    assert_eq!(refused_paymaster(&outcome, guard), Address::ZERO);
    let outcome = s.increment(Some(other));
    assert_eq!(refused_paymaster(&outcome, guard), other);

    // The sponsor pays: the account's deposit is untouched, and its gas is
    // not charged to the key's native limit.
    let before = common::deposit_of(&mut s.chain, s.account);
    let outcome = s.increment(Some(sponsor));
    assert!(matches!(outcome, OpOutcome::Executed(_)), "{outcome:?}");
    assert_eq!(common::deposit_of(&mut s.chain, s.account), before);
    let seen = inspect(&mut s.chain, &s.modules, s.account, ENTITY).unwrap();
    let guard_state = seen.paymaster_guard.expect("the guard");
    assert_eq!(guard_state.paymasters, vec![sponsor]);
    assert!(!guard_state.allow_self_paid);
    assert_eq!(seen.limits.expect("the native limit")[0].spent, U256::ZERO);
}

#[test]
fn a_paymaster_guard_in_session_rules_allows_only_its_paymaster() {
    if common::built("a_paymaster_guard_in_session_rules_allows_only_its_paymaster") {
        run(false);
    }
}

#[test]
fn a_paymaster_guard_module_allows_only_its_paymaster() {
    if common::built("a_paymaster_guard_module_allows_only_its_paymaster") {
        run(true);
    }
}
