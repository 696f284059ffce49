use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolEvent, SolValue};
use module_kit::testing::*;
use module_kit::Output;
use permission_core::install::encode_paymaster_guard;
use permission_core::selectors::*;

use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/IPaymasterGuardModule.sol"
);
use IPaymasterGuardModule as I;
use IPaymasterGuardModule::{
    IPaymasterGuardModuleCalls, IPaymasterGuardModuleErrors as Errors,
    IPaymasterGuardModuleEvents,
};

const ENTITY: u32 = 7;
const SPONSOR: Address = Address::new([0x5A; 20]);
const TOKEN_PAYMASTER: Address = Address::new([0x7A; 20]);
const OTHER_PAYMASTER: Address = Address::new([0x0E; 20]);
const COUNTER: Address = Address::new([0xC0; 20]);

fn install_data(allow_self_paid: bool, paymasters: &[Address]) -> Vec<u8> {
    encode_paymaster_guard(ENTITY, allow_self_paid, paymasters)
}

fn installed_with(allow_self_paid: bool, paymasters: &[Address]) -> Harness<PaymasterGuard> {
    let h = harness();
    h.call_ok(ACCOUNT, &on_install(install_data(allow_self_paid, paymasters)));
    h
}

/// Only the two paymasters; the account may not pay.
fn sponsored_only() -> Harness<PaymasterGuard> {
    installed_with(false, &[SPONSOR, TOKEN_PAYMASTER])
}

fn op_paid_by(paymaster: Option<Address>) -> PackedUserOperation {
    let mut op = user_op(ACCOUNT, execute(COUNTER, U256::ZERO, vec![1, 2, 3, 4]));
    if let Some(paymaster) = paymaster {
        op.paymasterAndData = paymaster_and_data(paymaster, 50_000, 20_000);
    }
    op
}

fn validate(h: &Harness<PaymasterGuard>, paymaster: Option<Address>) -> Output {
    h.call(ACCOUNT, &pre_user_op(ENTITY, op_paid_by(paymaster)))
}

fn not_allowed(paymaster: Address) -> Errors {
    Errors::PaymasterNotAllowed(I::PaymasterNotAllowed { paymaster })
}

fn guard_view(h: &Harness<PaymasterGuard>) -> I::getPaymasterGuardReturn {
    h.call_ok(
        OTHER_ACCOUNT,
        &I::getPaymasterGuardCall {
            account: ACCOUNT,
            entityId: ENTITY,
        },
    )
}

fn allowed(h: &Harness<PaymasterGuard>, paymaster: Address) -> bool {
    h.call_ok(
        OTHER_ACCOUNT,
        &I::isPaymasterAllowedCall {
            account: ACCOUNT,
            entityId: ENTITY,
            paymaster,
        },
    )
}

#[test]
fn install_data_matches_alloy_encoding() {
    let ours = install_data(true, &[SPONSOR, TOKEN_PAYMASTER]);
    let theirs = (ENTITY, true, vec![SPONSOR, TOKEN_PAYMASTER]).abi_encode_params();
    assert_eq!(ours, theirs);
}

#[test]
fn install_stores_the_guard_and_emits_paymaster_guard_set() {
    let h = sponsored_only();
    let got = guard_view(&h);
    assert!(got.installed && !got.allowSelfPaid);
    assert_eq!(got.paymasters, vec![SPONSOR, TOKEN_PAYMASTER]);
    assert!(allowed(&h, SPONSOR) && allowed(&h, TOKEN_PAYMASTER));
    assert!(!allowed(&h, OTHER_PAYMASTER) && !allowed(&h, Address::ZERO));
    let (topics, data) = h
        .logs()
        .into_iter()
        .find(|(t, _)| t[0] == I::PaymasterGuardSet::SIGNATURE_HASH)
        .expect("PaymasterGuardSet");
    let event = I::PaymasterGuardSet::decode_raw_log(topics, &data).unwrap();
    assert_eq!((event.account, event.entityId), (ACCOUNT, ENTITY));
    assert!(!event.allowSelfPaid);
    assert_eq!(event.paymasters, vec![SPONSOR, TOKEN_PAYMASTER]);
}

#[test]
fn listed_paymasters_pass_and_others_are_refused() {
    let h = sponsored_only();
    for paymaster in [SPONSOR, TOKEN_PAYMASTER] {
        let out = validate(&h, Some(paymaster)).unwrap();
        assert_eq!(U256::abi_decode(&out).unwrap(), U256::ZERO, "no time bound");
    }
    let err: Errors = h.expect_err(|| validate(&h, Some(OTHER_PAYMASTER)));
    assert_eq!(err, not_allowed(OTHER_PAYMASTER));
    let err: Errors = h.expect_err(|| validate(&h, None));
    assert_eq!(err, not_allowed(Address::ZERO));
}

#[test]
fn the_account_may_pay_when_allowed() {
    let h = installed_with(true, &[SPONSOR]);
    validate(&h, None).unwrap();
    validate(&h, Some(SPONSOR)).unwrap();
    let err: Errors = h.expect_err(|| validate(&h, Some(OTHER_PAYMASTER)));
    assert_eq!(err, not_allowed(OTHER_PAYMASTER));
    // Only the account: no paymaster at all.
    let h = installed_with(true, &[]);
    validate(&h, None).unwrap();
    let err: Errors = h.expect_err(|| validate(&h, Some(SPONSOR)));
    assert_eq!(err, not_allowed(SPONSOR));
}

#[test]
fn install_refuses_a_guard_that_is_not_well_formed() {
    let h = harness();
    let err: Errors = h.call_err(ACCOUNT, &on_install(install_data(false, &[])));
    assert_eq!(err, Errors::EmptyPaymasterGuard(I::EmptyPaymasterGuard {}));
    for list in [vec![Address::ZERO], vec![SPONSOR, SPONSOR]] {
        let err: Errors = h.call_err(ACCOUNT, &on_install(install_data(true, &list)));
        assert!(matches!(err, Errors::InvalidPaymaster(_)), "{err:?}");
    }
    assert!(!guard_view(&h).installed);
    let err: Errors = h.call_err(ACCOUNT, &on_install(vec![0u8; 40]));
    assert!(matches!(err, Errors::MalformedCalldata(_)), "{err:?}");
}

#[test]
fn runtime_signature_and_execution_hooks_only_need_the_install() {
    let h = sponsored_only();
    let call = execute(COUNTER, U256::ZERO, vec![1, 2, 3, 4]);
    h.call_ok(ACCOUNT, &pre_runtime(ENTITY, call.clone()));
    h.call_ok(ACCOUNT, &pre_execution(ENTITY, call.clone()));
    h.call_ok(
        ACCOUNT,
        &I::preSignatureValidationHookCall {
            entityId: ENTITY,
            sender: Address::repeat_byte(0x5E),
            hash: B256::repeat_byte(0x22),
            signature: Default::default(),
        },
    );
    let err: Errors = h.expect_err(|| h.call(ACCOUNT, &pre_runtime(ENTITY + 1, call)));
    assert_eq!(err, not_installed(ACCOUNT, ENTITY + 1));
}

#[test]
fn uninstalling_nothing_succeeds_and_changes_nothing() {
    let h = sponsored_only();
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY + 1);
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
}

module_only! {
    #[test]
    fn module_id_names_the_module() {
        let h = harness();
        assert_eq!(h.call_ok(ACCOUNT, &I::moduleIdCall {}), crate::module::MODULE_ID);
    }

    #[test]
    fn solidity_interface_matches_the_rust_abi() {
        check_interface::<PaymasterGuard>(
            IPaymasterGuardModuleCalls::SELECTORS,
            Errors::SELECTORS,
            IPaymasterGuardModuleEvents::SELECTORS,
            (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
        );
    }

    #[test]
    fn supports_the_hook_interfaces() {
        let h = harness();
        for id in [IERC165_ID, IMODULE_ID, IVALIDATION_HOOK_MODULE_ID, IEXECUTION_HOOK_MODULE_ID] {
            assert!(h.call_ok(ACCOUNT, &I::supportsInterfaceCall { interfaceId: id.into() }));
        }
    }
}
