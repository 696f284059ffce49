use alloy_primitives::{Address, FixedBytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use module_kit::testing::*;
use permission_core::install::{encode_selector_allowlist, SelectorRule, VALUE_TRANSFER_SELECTOR};
use permission_core::selectors::*;

use crate::module::*;

sol!(
    #[sol(all_derives)]
    "interface/ISelectorAllowlistModule.sol"
);
use ISelectorAllowlistModule as I;
use ISelectorAllowlistModule::{
    ISelectorAllowlistModuleCalls, ISelectorAllowlistModuleErrors as Errors,
    ISelectorAllowlistModuleEvents,
};

const ENTITY: u32 = 11;
const COUNTER: Address = Address::new([0xC0; 20]);
const TOKEN: Address = Address::new([0x70; 20]);
const OTHER_TOKEN: Address = Address::new([0x71; 20]);
const MERCHANT: Address = Address::new([0x3E; 20]);
const INCREMENT: [u8; 4] = selector("increment()");
const VOTE: [u8; 4] = selector("vote(uint256)");

fn rule(target: Address, selector: [u8; 4]) -> SelectorRule {
    SelectorRule { target, selector }
}

fn default_rules() -> Vec<SelectorRule> {
    vec![
        rule(COUNTER, INCREMENT),
        rule(TOKEN, ERC20_TRANSFER),
        rule(Address::ZERO, VOTE),
    ]
}

fn installed_with(rules: &[SelectorRule]) -> Harness<SelectorAllowlist> {
    let h = harness();
    h.call_ok(
        ACCOUNT,
        &on_install(encode_selector_allowlist(ENTITY, rules)),
    );
    h
}

fn installed() -> Harness<SelectorAllowlist> {
    installed_with(&default_rules())
}

fn not_allowed(target: Address, selector: [u8; 4]) -> Errors {
    Errors::SelectorNotAllowed(I::SelectorNotAllowed {
        target,
        selector: selector.into(),
    })
}

fn call(target: Address, selector: [u8; 4]) -> Vec<u8> {
    let mut data = selector.to_vec();
    data.extend_from_slice(&[0u8; 64]);
    execute(target, U256::ZERO, data)
}

fn transfer(to: Address, amount: u64) -> Vec<u8> {
    IERC20Spend::transferCall {
        to,
        amount: U256::from(amount),
    }
    .abi_encode()
}

fn approve(spender: Address, amount: u64) -> Vec<u8> {
    IERC20Spend::approveCall {
        spender,
        amount: U256::from(amount),
    }
    .abi_encode()
}

#[test]
fn install_data_matches_alloy_encoding() {
    let theirs = (
        ENTITY,
        default_rules()
            .iter()
            .map(|r| (r.target, FixedBytes::<4>::from(r.selector)))
            .collect::<Vec<_>>(),
    )
        .abi_encode_params();
    assert_eq!(encode_selector_allowlist(ENTITY, &default_rules()), theirs);
}

#[test]
fn exact_rules_allow_their_function_only() {
    let h = installed();
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(COUNTER, INCREMENT));
    HookPath::all_ok(
        &h,
        ACCOUNT,
        ENTITY,
        &execute(TOKEN, U256::ZERO, transfer(MERCHANT, 5)),
    );
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call(COUNTER, VOTE.map(|b| !b)),
        &not_allowed(COUNTER, VOTE.map(|b| !b)),
    );
    // The token rule covers transfer, not approve.
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &execute(TOKEN, U256::ZERO, approve(MERCHANT, 5)),
        &not_allowed(TOKEN, ERC20_APPROVE),
    );
    // Nor transfer on another token.
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &execute(OTHER_TOKEN, U256::ZERO, transfer(MERCHANT, 5)),
        &not_allowed(OTHER_TOKEN, ERC20_TRANSFER),
    );
}

#[test]
fn a_wildcard_rule_allows_any_target_but_the_account() {
    let h = installed();
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(MERCHANT, VOTE));
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(COUNTER, VOTE));
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call(ACCOUNT, VOTE),
        &not_allowed(ACCOUNT, VOTE),
    );
}

#[test]
fn an_explicit_rule_on_the_account_allows_that_function() {
    let h = installed_with(&[rule(ACCOUNT, VOTE)]);
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(ACCOUNT, VOTE));
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call(MERCHANT, VOTE),
        &not_allowed(MERCHANT, VOTE),
    );
}

/// `onInstall` with an allowed rule and `(target, selector)` reverts
/// `PrivilegedSelector(target, selector)` and stores nothing.
#[track_caller]
fn install_refuses_privileged(target: Address, selector: [u8; 4]) {
    let h = harness();
    let err: Errors = h.call_err(
        ACCOUNT,
        &on_install(encode_selector_allowlist(
            ENTITY,
            &[rule(COUNTER, INCREMENT), rule(target, selector)],
        )),
    );
    assert_eq!(
        err,
        Errors::PrivilegedSelector(I::PrivilegedSelector {
            target,
            selector: selector.into()
        })
    );
    assert!(h.storage().is_empty());
}

module_only! {
    #[test]
    fn rules_for_privileged_account_functions_are_refused() {
        for (target, selector) in [
            (Address::ZERO, EXECUTE),
            (Address::ZERO, EXECUTE_BATCH),
            (ACCOUNT, INSTALL_VALIDATION),
            (ACCOUNT, UNINSTALL_VALIDATION),
            (Address::ZERO, INSTALL_EXECUTION),
            (ACCOUNT, UNINSTALL_EXECUTION),
            (ACCOUNT, UPGRADE_TO_AND_CALL),
            (Address::ZERO, EXECUTE_WITH_RUNTIME_VALIDATION),
            (ACCOUNT, PERFORM_CREATE),
            (ACCOUNT, EXECUTE_USER_OP),
        ] {
            install_refuses_privileged(target, selector);
        }
        // Another contract's `execute` is an ordinary function.
        let h = installed_with(&[rule(MERCHANT, EXECUTE)]);
        HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(MERCHANT, EXECUTE));
        // And admin calls are held to the same rule.
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::addRuleCall {
                entityId: ENTITY,
                target: Address::ZERO,
                selector: UPGRADE_TO_AND_CALL.into(),
            },
        );
        assert!(matches!(err, Errors::PrivilegedSelector(_)));
    }
}

module_only! {
    #[test]
    fn wildcard_rules_for_module_admin_and_deposit_functions_are_refused() {
        // A key allowed `setSpendLimit` (or `onUninstall`, `withdrawTo`...) on any
        // contract could call its own permission module, or the EntryPoint,
        // as the account, and lift its own limits.
        for selector in SELF_ADMIN_SELECTORS {
            install_refuses_privileged(Address::ZERO, selector);
            // On a named contract the rule is the installer's choice.
            let h = installed_with(&[rule(MERCHANT, selector)]);
            HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(MERCHANT, selector));
            let err: Errors = h.call_err(
                ACCOUNT,
                &I::addRuleCall {
                    entityId: ENTITY,
                    target: Address::ZERO,
                    selector: selector.into(),
                },
            );
            assert!(matches!(err, Errors::PrivilegedSelector(_)));
        }
    }
}

module_only! {
    #[test]
    fn a_plain_value_transfer_needs_the_value_transfer_rule() {
        let h = installed();
        let pay = execute(MERCHANT, U256::from(1_000), vec![]);
        HookPath::all_err(
            &h,
            ACCOUNT,
            ENTITY,
            &pay,
            &not_allowed(MERCHANT, VALUE_TRANSFER_SELECTOR),
        );
        h.call_ok(
            ACCOUNT,
            &I::addRuleCall {
                entityId: ENTITY,
                target: MERCHANT,
                selector: VALUE_TRANSFER_SELECTOR.into(),
            },
        );
        HookPath::all_ok(&h, ACCOUNT, ENTITY, &pay);
        // The rule is not a function: calldata starting with 0x00000000 is refused.
        let zero_selector = execute(MERCHANT, U256::ZERO, vec![0, 0, 0, 0, 1]);
        HookPath::all_err(
            &h,
            ACCOUNT,
            ENTITY,
            &zero_selector,
            &not_allowed(MERCHANT, VALUE_TRANSFER_SELECTOR),
        );
    }
}

#[test]
fn calldata_of_one_to_three_bytes_is_refused() {
    let h = installed_with(&[
        rule(COUNTER, INCREMENT),
        rule(COUNTER, VALUE_TRANSFER_SELECTOR),
    ]);
    for len in 1..=3 {
        let short = execute(COUNTER, U256::ZERO, INCREMENT[..len].to_vec());
        HookPath::all_err(
            &h,
            ACCOUNT,
            ENTITY,
            &short,
            &Errors::MalformedCalldata(I::MalformedCalldata { reason: 1 }),
        );
    }
}

#[test]
fn a_batch_hiding_one_bad_call_is_refused() {
    let h = installed();
    let batch = execute_batch(vec![
        (COUNTER, U256::ZERO, INCREMENT.to_vec()),
        (TOKEN, U256::ZERO, transfer(MERCHANT, 1)),
        (TOKEN, U256::ZERO, approve(MERCHANT, u64::MAX)),
        (COUNTER, U256::ZERO, INCREMENT.to_vec()),
    ]);
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &batch,
        &not_allowed(TOKEN, ERC20_APPROVE),
    );
}

#[test]
fn hooks_refuse_other_call_forms_and_bad_data() {
    let h = installed();
    let upgrade = IAccountExecute::upgradeToAndCallCall {
        newImplementation: MERCHANT,
        data: Default::default(),
    }
    .abi_encode();
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &upgrade,
        &Errors::UnsupportedCallForm(I::UnsupportedCallForm {
            selector: UPGRADE_TO_AND_CALL.into(),
        }),
    );
    let mut hostile = call(COUNTER, INCREMENT);
    hostile[4 + 64..4 + 96].copy_from_slice(&U256::MAX.to_be_bytes::<32>());
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &hostile,
        &Errors::MalformedCalldata(I::MalformedCalldata { reason: 2 }),
    );
}

#[test]
fn install_refuses_duplicates_and_second_install() {
    let h = harness();
    let mut rules = default_rules();
    rules.push(rule(TOKEN, ERC20_TRANSFER));
    let err: Errors = h.call_err(
        ACCOUNT,
        &on_install(encode_selector_allowlist(ENTITY, &rules)),
    );
    assert_eq!(
        err,
        Errors::DuplicateRule(I::DuplicateRule {
            target: TOKEN,
            selector: ERC20_TRANSFER.into()
        })
    );
    let h = installed();
    let err: Errors = h.call_err(ACCOUNT, &on_install(encode_selector_allowlist(ENTITY, &[])));
    assert!(matches!(err, Errors::AlreadyInstalled(_)));
}

module_only! {
    #[test]
    fn admin_and_views() {
        let h = installed();
        let rules = |h: &Harness<SelectorAllowlist>| {
            h.call_ok(
                ACCOUNT,
                &I::getRulesCall {
                    account: ACCOUNT,
                    entityId: ENTITY,
                },
            )
            .into_iter()
            .map(|r| rule(r.target, r.selector.0))
            .collect::<Vec<_>>()
        };
        assert_eq!(rules(&h), default_rules());
        let has = |h: &Harness<SelectorAllowlist>, target, selector: [u8; 4]| {
            h.call_ok(
                ACCOUNT,
                &I::hasRuleCall {
                    account: ACCOUNT,
                    entityId: ENTITY,
                    target,
                    selector: selector.into(),
                },
            )
        };
        let allowed = |h: &Harness<SelectorAllowlist>, target, data: Vec<u8>| {
            h.call_ok(
                ACCOUNT,
                &I::isCallAllowedCall {
                    account: ACCOUNT,
                    entityId: ENTITY,
                    target,
                    data: data.into(),
                },
            )
        };
        assert!(has(&h, COUNTER, INCREMENT));
        assert!(!has(&h, MERCHANT, VOTE));
        assert!(allowed(&h, MERCHANT, VOTE.to_vec()));
        assert!(!allowed(&h, ACCOUNT, VOTE.to_vec()));
        assert!(!allowed(&h, TOKEN, approve(MERCHANT, 1)));

        h.call_ok(
            ACCOUNT,
            &I::removeRuleCall {
                entityId: ENTITY,
                target: COUNTER,
                selector: INCREMENT.into(),
            },
        );
        let log = h.logs().pop().unwrap();
        let removed = I::RuleRemoved::decode_raw_log(log.0.iter().copied(), &log.1).unwrap();
        assert_eq!(
            (removed.account, removed.entityId, removed.target),
            (ACCOUNT, ENTITY, COUNTER)
        );
        assert_eq!(removed.selector.0, INCREMENT);
        HookPath::all_err(
            &h,
            ACCOUNT,
            ENTITY,
            &call(COUNTER, INCREMENT),
            &not_allowed(COUNTER, INCREMENT),
        );
        assert_eq!(
            rules(&h),
            vec![rule(Address::ZERO, VOTE), rule(TOKEN, ERC20_TRANSFER)]
        );

        let err: Errors = h.call_err(
            ACCOUNT,
            &I::removeRuleCall {
                entityId: ENTITY,
                target: COUNTER,
                selector: INCREMENT.into(),
            },
        );
        assert!(matches!(err, Errors::RuleNotFound(_)));
        let err: Errors = h.call_err(
            ACCOUNT,
            &I::addRuleCall {
                entityId: ENTITY,
                target: TOKEN,
                selector: ERC20_TRANSFER.into(),
            },
        );
        assert!(matches!(err, Errors::DuplicateRule(_)));
        h.call_ok(
            ACCOUNT,
            &I::addRuleCall {
                entityId: ENTITY,
                target: TOKEN,
                selector: ERC20_APPROVE.into(),
            },
        );
        HookPath::all_ok(
            &h,
            ACCOUNT,
            ENTITY,
            &execute(TOKEN, U256::ZERO, approve(MERCHANT, 1)),
        );
    }
}

#[test]
fn an_entity_id_shared_across_accounts_is_isolated() {
    let h = installed();
    h.call_ok(
        OTHER_ACCOUNT,
        &on_install(encode_selector_allowlist(
            ENTITY,
            &[rule(MERCHANT, INCREMENT)],
        )),
    );
    HookPath::all_err(
        &h,
        OTHER_ACCOUNT,
        ENTITY,
        &call(COUNTER, INCREMENT),
        &not_allowed(COUNTER, INCREMENT),
    );
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call(MERCHANT, INCREMENT),
        &not_allowed(MERCHANT, INCREMENT),
    );
    h.call_ok(OTHER_ACCOUNT, &on_uninstall(ENTITY));
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(COUNTER, INCREMENT));
}

#[test]
fn reinstall_after_uninstall_starts_clean() {
    let h = installed();
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call(COUNTER, INCREMENT),
        &Errors::NotInstalled(I::NotInstalled {
            account: ACCOUNT,
            entityId: ENTITY,
        }),
    );
    h.call_ok(
        ACCOUNT,
        &on_install(encode_selector_allowlist(ENTITY, &[rule(MERCHANT, VOTE)])),
    );
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call(COUNTER, INCREMENT),
        &not_allowed(COUNTER, INCREMENT),
    );
    HookPath::all_err(
        &h,
        ACCOUNT,
        ENTITY,
        &call(TOKEN, VOTE),
        &not_allowed(TOKEN, VOTE),
    );
    HookPath::all_ok(&h, ACCOUNT, ENTITY, &call(MERCHANT, VOTE));
}

#[test]
fn signature_hook_requires_install_only() {
    let h = installed();
    let call = IValidationHookModule::preSignatureValidationHookCall {
        entityId: ENTITY,
        sender: MERCHANT,
        hash: B256::ZERO,
        signature: Default::default(),
    };
    h.call_ok(ACCOUNT, &call);
    let err: Errors = h.call_err(OTHER_ACCOUNT, &call);
    assert!(matches!(err, Errors::NotInstalled(_)));
}

module_only! {
    #[test]
    fn module_id() {
        let h = harness();
        assert_eq!(
            h.call_ok(ACCOUNT, &IModule::moduleIdCall {}),
            "stylus-session-keys.selector-allowlist.0.1.0"
        );
    }
}

#[test]
fn solidity_interface_matches_the_rust_abi() {
    check_interface::<SelectorAllowlist>(
        ISelectorAllowlistModuleCalls::SELECTORS,
        Errors::SELECTORS,
        ISelectorAllowlistModuleEvents::SELECTORS,
        (&ADMIN_FUNCTIONS, &MODULE_ERRORS, &MODULE_EVENTS),
    );
}

#[test]
fn uninstalling_nothing_succeeds_and_changes_nothing() {
    let h = installed();
    // Never installed at this id.
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY + 1);
    // Already uninstalled: the entry of the module's second role in one
    // validation finds nothing left.
    h.call_ok(ACCOUNT, &on_uninstall(ENTITY));
    assert_uninstall_of_nothing_is_a_no_op(&h, ACCOUNT, ENTITY);
}
