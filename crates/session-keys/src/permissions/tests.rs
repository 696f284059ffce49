//! The checks and the encoding of [`PermissionSet`].

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{SolCall, SolValue};
use permission_core::install::{
    ContractAllowlistInstall, SelectorAllowlistInstall, SpendingLimitInstall, TimeWindowInstall,
};

use super::*;
use crate::abi::IReferenceAccount;
use crate::encode::{HOOK_PRE_EXECUTION, HOOK_VALIDATION};

const ACCOUNT: Address = address!("00000000000000000000000000000000000000AC");
const TARGET: Address = address!("1111111111111111111111111111111111111111");
const OTHER: Address = address!("2222222222222222222222222222222222222222");
const TOKEN: Address = address!("7070707070707070707070707070707070707070");
const NOW: u64 = 1_700_000_000;

fn modules() -> Modules {
    Modules::for_tests()
}

fn sel(text: &str) -> Selector {
    Selector::parse(text).unwrap()
}

fn check(set: PermissionSet) -> Result<(), PermissionError> {
    set.check(ACCOUNT, NOW)
}

/// `set` with a gas budget: a scoped key needs a gas bound.
fn bounded(set: PermissionSet) -> PermissionSet {
    set.gas_budget(U256::from(10u64.pow(16)))
}

/// A scoped key with a target restriction and a gas bound, to which a test
/// adds what it checks.
fn scoped() -> PermissionSet {
    bounded(PermissionSet::new().functions(OTHER, [sel("increment()")]))
}

fn signer() -> SignerSpec {
    SignerSpec::Address(Address::repeat_byte(0x99))
}

#[test]
fn selectors_are_computed_from_signatures() {
    assert_eq!(
        sel("transfer(address,uint256)").bytes,
        [0xa9, 0x05, 0x9c, 0xbb]
    );
    assert_eq!(sel("0xa9059cbb").bytes, [0xa9, 0x05, 0x9c, 0xbb]);
    assert_eq!(sel(" increment() ").to_string(), "increment()");
    assert_eq!(sel("value-transfer").bytes, [0; 4]);
    assert_eq!(sel("0xa9059cbb").to_string(), "0xa9059cbb");
    // The refused account functions match the account's ABI as alloy
    // computes it.
    let by_alloy = [
        IReferenceAccount::installValidationCall::SELECTOR,
        IReferenceAccount::uninstallValidationCall::SELECTOR,
        IReferenceAccount::executeWithRuntimeValidationCall::SELECTOR,
    ];
    for selector in by_alloy {
        assert!(NEVER_GRANTED.iter().any(|(_, s)| *s == selector));
    }
    for (name, selector) in NEVER_GRANTED.iter().chain(ACCOUNT_EXECUTION.iter()) {
        assert!(
            permission_core::selectors::is_privileged_account_selector(*selector),
            "{name}"
        );
    }
    assert_eq!(
        sel("upgradeToAndCall(address,bytes)").bytes,
        UPGRADE_TO_AND_CALL
    );
    assert_eq!(
        sel("performCreate(uint256,bytes,bool,bytes32)").bytes,
        PERFORM_CREATE
    );
}

#[test]
fn unknown_selectors_are_refused_with_a_hint() {
    for text in [
        "transfer",
        "0xa9059c",
        "0xzz059cbb",
        "transfer(address,uint257)",
        "transfer(address",
        "",
    ] {
        let err = Selector::parse(text).unwrap_err();
        assert_eq!(err, PermissionError::UnknownSelector(text.trim().into()));
        assert!(err.to_string().contains("transfer(address,uint256)"));
    }
}

#[test]
fn privileged_functions_are_never_granted() {
    for (name, selector) in NEVER_GRANTED {
        let err = check(PermissionSet::new().functions(TARGET, [selector])).unwrap_err();
        assert!(
            matches!(err, PermissionError::PrivilegedSelector { name: n, .. } if n == name),
            "{name}: {err}"
        );
        let err = check(PermissionSet::new().functions_on_any_contract([selector])).unwrap_err();
        assert!(matches!(err, PermissionError::PrivilegedSelector { .. }));
    }
    // execute & co. on another contract are ordinary functions ...
    for (_, selector) in ACCOUNT_EXECUTION {
        check(bounded(PermissionSet::new().functions(TARGET, [selector]))).unwrap();
        // ... but on any contract they would include the account.
        let err = check(PermissionSet::new().functions_on_any_contract([selector])).unwrap_err();
        assert!(matches!(err, PermissionError::PrivilegedSelector { .. }));
    }
}

#[test]
fn targets_are_checked() {
    let f = [sel("increment()")];
    assert_eq!(
        check(PermissionSet::new().contracts([Address::ZERO])),
        Err(PermissionError::ZeroTarget)
    );
    assert_eq!(
        check(PermissionSet::new().functions(Address::ZERO, f.clone())),
        Err(PermissionError::ZeroTarget)
    );
    assert_eq!(
        check(PermissionSet::new().contracts([TARGET, ACCOUNT])),
        Err(PermissionError::AccountTarget(ACCOUNT))
    );
    assert_eq!(
        check(PermissionSet::new().functions(ACCOUNT, f.clone())),
        Err(PermissionError::AccountTarget(ACCOUNT))
    );
    assert_eq!(
        check(PermissionSet::new().contracts([TARGET, OTHER, TARGET])),
        Err(PermissionError::DuplicateTarget(TARGET))
    );
    assert_eq!(
        check(PermissionSet::new().contracts([TARGET]).contracts([TARGET])),
        Err(PermissionError::DuplicateTarget(TARGET))
    );
    assert_eq!(
        check(
            PermissionSet::new()
                .functions(TARGET, f.clone())
                .functions(TARGET, f.clone())
        ),
        Err(PermissionError::DuplicateTarget(TARGET))
    );
    assert!(matches!(
        check(PermissionSet::new().functions(TARGET, [sel("f()"), sel("0x26121ff0")])),
        Err(PermissionError::DuplicateSelector { .. })
    ));
    assert!(matches!(
        check(PermissionSet::new().functions(TARGET, Vec::<Selector>::new())),
        Err(PermissionError::NoSelectors(_))
    ));
}

#[test]
fn expiry_must_be_future_and_fit_uint48() {
    assert_eq!(
        check(PermissionSet::new().time_window(0, NOW)),
        Err(PermissionError::ExpiryNotInFuture {
            valid_until: NOW,
            now: NOW
        })
    );
    assert_eq!(
        check(PermissionSet::new().time_window(0, 1 << 48)),
        Err(PermissionError::ExpiryTooLarge(1 << 48))
    );
    check(scoped().time_window(0, MAX_UINT48)).unwrap();
    check(scoped().time_window(0, NOW + 1)).unwrap();
    assert_eq!(
        check(PermissionSet::new().time_window(NOW + 10, NOW + 5)),
        Err(PermissionError::EmptyWindow {
            valid_after: NOW + 10,
            valid_until: NOW + 5
        })
    );
    assert_eq!(
        check(
            PermissionSet::new()
                .time_window(0, NOW + 5)
                .time_window(0, NOW + 6)
        ),
        Err(PermissionError::Duplicate("a time window"))
    );
}

#[test]
fn root_stands_alone_and_empty_is_refused() {
    assert_eq!(check(PermissionSet::new()), Err(PermissionError::Empty));
    check(PermissionSet::new().root()).unwrap();
    assert_eq!(
        check(PermissionSet::new().root().time_window(0, NOW + 5)),
        Err(PermissionError::RootNotAlone)
    );
    assert_eq!(
        check(PermissionSet::new().contracts([TARGET]).root()),
        Err(PermissionError::RootNotAlone)
    );
    // Signing alone restricts no call: as good as empty.
    assert_eq!(
        check(PermissionSet::new().signatures()),
        Err(PermissionError::Empty)
    );
    assert_eq!(
        check(PermissionSet::new().root().signatures()),
        Err(PermissionError::RootNotAlone)
    );
    let signing = bounded(PermissionSet::new().contracts([TARGET]).signatures());
    check(signing.clone()).unwrap();
    assert!(signing.signs() && PermissionSet::new().root().signs());
    assert!(!PermissionSet::new().contracts([TARGET]).signs());
    assert_eq!(
        check(signing.signatures()),
        Err(PermissionError::Duplicate("signatures"))
    );
}

#[test]
fn limits_are_checked() {
    assert_eq!(
        check(PermissionSet::new().erc20_limit(Address::ZERO, U256::from(1), None)),
        Err(PermissionError::ZeroToken)
    );
    assert_eq!(
        check(PermissionSet::new().native_limit(U256::from(1), Some(0))),
        Err(PermissionError::BadPeriod(0))
    );
    assert_eq!(
        check(PermissionSet::new().native_limit(U256::from(1), Some(1 << 48))),
        Err(PermissionError::BadPeriod(1 << 48))
    );
    assert_eq!(
        check(
            PermissionSet::new()
                .erc20_limit(TOKEN, U256::from(1), None)
                .erc20_limit(TOKEN, U256::from(2), None)
        ),
        Err(PermissionError::Duplicate("a limit for one token"))
    );
    assert_eq!(
        check(
            PermissionSet::new()
                .gas_budget(U256::from(1))
                .gas_budget(U256::from(1))
        ),
        Err(PermissionError::Duplicate("a gas budget"))
    );
}

#[test]
fn both_allowlists_must_be_satisfiable_together() {
    let f = [sel("increment()")];
    assert_eq!(
        check(
            PermissionSet::new()
                .contracts([TARGET])
                .functions(OTHER, f.clone())
        ),
        Err(PermissionError::UnreachableFunctions(OTHER))
    );
    assert_eq!(
        check(
            PermissionSet::new()
                .contracts([TARGET, OTHER])
                .functions(TARGET, f.clone())
        ),
        Err(PermissionError::UncoveredContract(OTHER))
    );
    // Functions on any contract, narrowed to listed contracts: fine.
    check(bounded(
        PermissionSet::new()
            .contracts([TARGET, OTHER])
            .functions_on_any_contract(f.clone()),
    ))
    .unwrap();
}

fn hook_flags(hook: &[u8]) -> (Address, u32, u8) {
    (
        Address::from_slice(&hook[..20]),
        u32::from_be_bytes(hook[20..24].try_into().unwrap()),
        hook[24],
    )
}

fn full_set() -> PermissionSet {
    PermissionSet::new()
        .time_window(NOW, NOW + 3600)
        .contracts([TARGET, TOKEN])
        .functions(TARGET, [sel("increment()")])
        .functions(TOKEN, [sel("transfer(address,uint256)")])
        .erc20_limit(TOKEN, U256::from(100), Some(86_400))
        .native_limit(U256::from(5), None)
        .gas_budget(U256::from(10u64.pow(16)))
}

/// The session policy's install data: (entityId, flags, the four entries).
fn policy_install(data: &[u8]) -> (u32, u8, Vec<Vec<u8>>) {
    use alloy_sol_types::SolValue;
    let (id, flags, entries) =
        <(u32, U256, Vec<alloy_primitives::Bytes>)>::abi_decode_params(data).unwrap();
    (
        id,
        flags.to::<u8>(),
        entries.into_iter().map(|b| b.to_vec()).collect(),
    )
}

#[test]
fn the_policy_installs_every_permission_as_one_validation_hook() {
    let m = modules();
    let set = full_set();
    assert_eq!(set.enforcement, Enforcement::Policy, "the default");
    let install = set.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    assert!(
        !set.needs_execute_user_op(),
        "limits are charged in validation: no execution hook"
    );
    let hooks: Vec<_> = install.hooks.iter().map(|h| hook_flags(h)).collect();
    assert_eq!(hooks, vec![(m.session_policy, 7, HOOK_VALIDATION)]);
    let (id, flags, entries) = policy_install(&install.hooks[0][25..]);
    assert_eq!((id, flags, entries.len()), (7, 0, 4));
    let window = TimeWindowInstall::decode(&entries[0]).unwrap();
    assert_eq!((window.valid_after, window.valid_until), (NOW, NOW + 3600));
    let contracts = ContractAllowlistInstall::decode(&entries[1]).unwrap();
    assert_eq!(contracts.targets().count(), 2);
    assert_eq!(
        SelectorAllowlistInstall::decode(&entries[2]).unwrap().len(),
        2
    );
    let spending = SpendingLimitInstall::decode(&entries[3]).unwrap();
    assert_eq!(spending.limits().count(), 2);
    assert!(spending.gas.enabled);
    // The same entries as the modules' install data.
    let granular = set
        .clone()
        .with_modules()
        .install(&m, 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    let data = |i: usize| granular.hooks[i][25..].to_vec();
    assert_eq!(entries, vec![data(2), data(0), data(1), data(3)]);
    // A rule the key does not have is an empty entry.
    let only = bounded(PermissionSet::new().functions(TARGET, [sel("increment()")]));
    let install = only.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    let (_, _, entries) = policy_install(&install.hooks[0][25..]);
    assert!(entries[0].is_empty() && entries[1].is_empty());
    assert!(!entries[2].is_empty() && !entries[3].is_empty());
}

#[test]
fn the_policy_in_the_execution_role() {
    let m = modules();
    // Gas charged: validation hook (with the data) and execution hook.
    let set = full_set().as_execution_hooks();
    assert!(set.needs_execute_user_op());
    let install = set.install(&m, 3, &signer(), ACCOUNT, NOW).unwrap();
    let hooks: Vec<_> = install.hooks.iter().map(|h| hook_flags(h)).collect();
    assert_eq!(
        hooks,
        vec![
            (m.session_policy, 3, HOOK_VALIDATION),
            (m.session_policy, 3, HOOK_PRE_EXECUTION)
        ]
    );
    let (_, flags, _) = policy_install(&install.hooks[0][25..]);
    assert_eq!(flags, permission_core::install::CALLS_IN_EXECUTION);
    assert!(
        install.hooks[1][25..].is_empty(),
        "one state, one onInstall"
    );
    // (A scoped key always has a native limit or a gas budget, so the
    // policy always charges gas in validation too.)
}

#[test]
fn install_encodes_every_hook_at_the_keys_entity_id() {
    let m = modules();
    let set = full_set().with_modules();
    let install = set.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    assert!(set.needs_execute_user_op());
    assert_eq!(&install.config[..20], m.session_signer.as_slice());
    // A scoped key does not sign for the account unless granted.
    assert_eq!(install.config[24], VALIDATION_USER_OP);
    let signing = set.clone().signatures();
    let with_signatures = signing.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    assert_eq!(
        with_signatures.config[24],
        VALIDATION_USER_OP | VALIDATION_SIGNATURE
    );
    assert_eq!(with_signatures.hooks, install.hooks);
    assert_eq!(install.selectors, vec![EXECUTE, EXECUTE_BATCH]);
    // The signer carries the window too.
    assert_eq!(
        install.install_data,
        signer().install_data_with_window(7, Some((NOW, NOW + 3600)))
    );
    let hooks: Vec<_> = install.hooks.iter().map(|h| hook_flags(h)).collect();
    assert_eq!(
        hooks,
        vec![
            (m.contract_allowlist, 7, HOOK_VALIDATION),
            (m.selector_allowlist, 7, HOOK_VALIDATION),
            (m.time_window, 7, HOOK_VALIDATION),
            (m.spending_limit, 7, HOOK_VALIDATION),
            (m.spending_limit, 7, HOOK_PRE_EXECUTION),
        ]
    );
    let data = |i: usize| &install.hooks[i][25..];
    let contracts = ContractAllowlistInstall::decode(data(0)).unwrap();
    assert_eq!(
        contracts.targets().collect::<Result<Vec<_>, _>>().unwrap(),
        vec![TARGET, TOKEN]
    );
    let rules = SelectorAllowlistInstall::decode(data(1)).unwrap();
    assert_eq!(rules.len(), 2);
    let window = TimeWindowInstall::decode(data(2)).unwrap();
    assert_eq!(
        (window.entity_id, window.valid_after, window.valid_until),
        (7, NOW, NOW + 3600)
    );
    let spending = SpendingLimitInstall::decode(data(3)).unwrap();
    let limits = spending.limits().collect::<Result<Vec<_>, _>>().unwrap();
    assert_eq!(limits.len(), 2);
    assert_eq!(limits[0].token, TOKEN);
    assert_eq!(limits[0].period, 86_400);
    assert_eq!(limits[1].token, NATIVE_TOKEN);
    assert_eq!(limits[1].period, 0);
    // Its second role shares the state: empty install data, no second onInstall.
    assert!(data(4).is_empty());
}

#[test]
fn execution_role_and_root() {
    let m = modules();
    let set = bounded(PermissionSet::new().functions(TARGET, [sel("increment()")]))
        .as_execution_hooks()
        .with_modules();
    assert!(set.needs_execute_user_op());
    let install = set.install(&m, 3, &signer(), ACCOUNT, NOW).unwrap();
    assert_eq!(
        hook_flags(&install.hooks[0]),
        (m.selector_allowlist, 3, HOOK_PRE_EXECUTION)
    );
    let only_validation = PermissionSet::new().functions(TARGET, [sel("increment()")]);
    assert!(!only_validation.needs_execute_user_op());

    let root = PermissionSet::new()
        .root()
        .install(&m, 1, &signer(), ACCOUNT, NOW)
        .unwrap();
    assert_eq!(
        root.config[24],
        VALIDATION_GLOBAL | VALIDATION_USER_OP | VALIDATION_SIGNATURE
    );
    assert!(root.selectors.is_empty() && root.hooks.is_empty());
}

#[test]
fn install_refuses_a_bad_set() {
    let err = PermissionSet::new()
        .time_window(0, NOW - 1)
        .install(&modules(), 1, &signer(), ACCOUNT, NOW)
        .unwrap_err();
    assert!(matches!(err, PermissionError::ExpiryNotInFuture { .. }));
}

#[test]
fn the_self_admin_list_matches_the_module_interfaces() {
    use crate::abi::{
        IContractAllowlistModule as Ca, ISelectorAllowlistModule as Sa, ISessionSignerModule as Ss,
        ISpendingLimitModule as Sl, ITimeWindowModule as Tw,
    };
    let by_alloy = [
        Ca::onInstallCall::SELECTOR,
        Ca::onUninstallCall::SELECTOR,
        Ca::addTargetCall::SELECTOR,
        Ca::removeTargetCall::SELECTOR,
        Sa::addRuleCall::SELECTOR,
        Sa::removeRuleCall::SELECTOR,
        Tw::setTimeWindowCall::SELECTOR,
        Sl::setSpendLimitCall::SELECTOR,
        Sl::removeSpendLimitCall::SELECTOR,
        Sl::setGasBudgetCall::SELECTOR,
        crate::abi::IUsageLimitModule::setUsageLimitCall::SELECTOR,
        Ss::transferSignerCall::SELECTOR,
        Ss::setPasskeyCall::SELECTOR,
        crate::abi::IEntryPoint::withdrawToCall::SELECTOR,
    ];
    for selector in by_alloy {
        assert!(SELF_ADMIN_SELECTORS.contains(&selector), "{selector:?}");
    }
}

#[test]
fn module_admin_functions_only_on_named_contracts() {
    for (name, selector) in SELF_ADMIN_SIGNATURES.into_iter().zip(SELF_ADMIN_SELECTORS) {
        assert_eq!(sel(name).bytes, selector);
        let err = check(PermissionSet::new().functions_on_any_contract([selector])).unwrap_err();
        assert!(
            matches!(err, PermissionError::PrivilegedSelector { name: n, .. }
                | PermissionError::ModuleLifecycle { name: n, .. } if n == name),
            "{name}: {err}"
        );
        // Another contract's admin function of the same name is its own
        // business; a module's lifecycle functions are not (see
        // `attack_module_lifecycle_functions_are_refused_on_every_target`).
        let set = bounded(PermissionSet::new().functions(TARGET, [selector]));
        if MODULE_LIFECYCLE.iter().any(|(_, s)| *s == selector) {
            assert!(check(set).is_err(), "{name}");
        } else {
            check(set).unwrap();
        }
    }
    let m = modules();
    for (name, module) in m.named() {
        let set = bounded(PermissionSet::new().functions(module, [sel("increment()")]));
        set.check(ACCOUNT, NOW).unwrap();
        let err = set.install(&m, 1, &signer(), ACCOUNT, NOW).unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
        assert!(err.to_string().contains("rewrite its own permissions"));
    }
}

#[test]
fn attack_a_scoped_key_without_a_target_restriction_is_refused() {
    // Finding 1: a limit, a window or a gas budget alone lets the key call
    // any contract, the modules' admin functions and the EntryPoint
    // included.
    for set in [
        bounded(PermissionSet::new()),
        bounded(PermissionSet::new().time_window(0, NOW + 60)),
        PermissionSet::new().native_limit(U256::from(1), None),
        bounded(PermissionSet::new().erc20_limit(TOKEN, U256::from(1), None)),
        bounded(PermissionSet::new().signatures()),
    ] {
        let err = check(set.clone()).unwrap_err();
        assert_eq!(err, PermissionError::NoTargetRestriction, "{set:?}");
        assert!(err.to_string().contains("add `contracts`"), "{err}");
    }
}

#[test]
fn attack_a_scoped_key_without_a_gas_bound_is_refused() {
    // Finding 2: nothing else bounds the fees a self-bundling key sets.
    for set in [
        PermissionSet::new().functions(TARGET, [sel("increment()")]),
        PermissionSet::new()
            .contracts([TARGET])
            .erc20_limit(TOKEN, U256::from(1), None),
        PermissionSet::new()
            .functions(TARGET, [sel("increment()")])
            .sponsoring_paymasters([OTHER]),
    ] {
        let err = check(set.clone()).unwrap_err();
        assert_eq!(err, PermissionError::NoGasBound, "{set:?}");
        assert!(err.to_string().contains("native limit"), "{err}");
    }
    check(
        PermissionSet::new()
            .contracts([TARGET])
            .native_limit(U256::from(1), None),
    )
    .unwrap();
    check(bounded(PermissionSet::new().contracts([TARGET]))).unwrap();
    // Root needs neither: it is the owner's power.
    check(PermissionSet::new().root()).unwrap();
}

#[test]
fn attack_wildcard_rules_for_entry_point_deposits_are_refused() {
    for signature in [
        "depositTo(address)",
        "addStake(uint32)",
        "withdrawTo(address,uint256)",
    ] {
        let err = check(bounded(
            PermissionSet::new().functions_on_any_contract([sel(signature)]),
        ))
        .unwrap_err();
        assert!(
            matches!(err, PermissionError::PrivilegedSelector { name, .. } if name == signature),
            "{signature}: {err}"
        );
    }
}

#[test]
fn sponsoring_paymasters_are_installed_and_checked() {
    let m = modules();
    let sponsor = Address::repeat_byte(0x5A);
    let set = bounded(PermissionSet::new().functions(TARGET, [sel("increment()")]))
        .sponsoring_paymasters([sponsor])
        .with_modules();
    let install = set.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    let data = &install.hooks.last().unwrap()[25..];
    let spending = SpendingLimitInstall::decode(data).unwrap();
    assert_eq!(
        spending.sponsors().collect::<Result<Vec<_>, _>>(),
        Ok(vec![sponsor])
    );
    for bad in [Address::ZERO, ACCOUNT] {
        let err = check(scoped().sponsoring_paymasters([bad])).unwrap_err();
        assert_eq!(err, PermissionError::BadSponsor(bad));
    }
    let err = check(scoped().sponsoring_paymasters([sponsor, sponsor])).unwrap_err();
    assert_eq!(err, PermissionError::BadSponsor(sponsor));
    // A native limit alone installs spending-limit in both roles: the
    // validation role charges the gas.
    let set = PermissionSet::new()
        .functions(TARGET, [sel("increment()")])
        .native_limit(U256::from(5), None)
        .with_modules();
    let install = set.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    let roles: Vec<_> = install.hooks.iter().map(|h| hook_flags(h)).collect();
    assert_eq!(
        roles[1..],
        [
            (m.spending_limit, 7, HOOK_VALIDATION),
            (m.spending_limit, 7, HOOK_PRE_EXECUTION)
        ]
    );
}

#[test]
fn attack_a_set_naming_the_entry_point_as_a_contract() {
    // withdrawTo on the EntryPoint would empty the account's deposit.
    let m = modules();
    for set in [
        bounded(PermissionSet::new().contracts([localnet::entry_point::ENTRY_POINT])),
        bounded(PermissionSet::new().functions(
            localnet::entry_point::ENTRY_POINT,
            [sel("withdrawTo(address,uint256)")],
        )),
    ] {
        let err = set.install(&m, 1, &signer(), ACCOUNT, NOW).unwrap_err();
        assert!(err.to_string().contains("EntryPoint"), "{err}");
    }
}

#[test]
fn attack_a_set_naming_a_module_as_a_contract() {
    // Any function of the session signer, transferSigner included.
    let m = modules();
    let set = bounded(PermissionSet::new().contracts([m.session_signer]));
    let err = set.install(&m, 1, &signer(), ACCOUNT, NOW).unwrap_err();
    assert!(
        err.to_string().contains("rewrite its own permissions"),
        "{err}"
    );
}

#[test]
fn attack_a_wildcard_rule_for_transfer_signer() {
    let err =
        check(bounded(PermissionSet::new().functions_on_any_contract([
            sel("transferSigner(uint32,address)"),
        ])))
        .unwrap_err();
    assert!(
        matches!(err, PermissionError::PrivilegedSelector { name, .. } if name == "transferSigner(uint32,address)"),
        "{err}"
    );
}

#[test]
fn attack_a_set_naming_the_account_itself() {
    assert_eq!(
        check(bounded(
            PermissionSet::new().functions(ACCOUNT, [Selector::value_transfer()])
        )),
        Err(PermissionError::AccountTarget(ACCOUNT))
    );
}

#[test]
fn a_usage_limit_must_limit_something() {
    let usage =
        |lifetime, per_period| scoped().usage_limit(UsageUnit::Operations, lifetime, per_period);
    assert_eq!(
        check(usage(None, None)),
        Err(PermissionError::EmptyUsageLimit)
    );
    assert_eq!(
        check(usage(Some(0), None)),
        Err(PermissionError::EmptyUsageLimit)
    );
    assert_eq!(
        check(usage(Some(5), Some((0, 60)))),
        Err(PermissionError::EmptyUsageLimit)
    );
    assert_eq!(
        check(usage(None, Some((2, 0)))),
        Err(PermissionError::BadUsagePeriod(0))
    );
    let too_long = u64::from(u32::MAX) + 1;
    assert_eq!(
        check(usage(None, Some((2, too_long)))),
        Err(PermissionError::BadUsagePeriod(too_long))
    );
    assert_eq!(check(usage(Some(5), Some((2, 86_400)))), Ok(()));
    let twice = usage(Some(5), None).usage_limit(UsageUnit::Calls, Some(1), None);
    assert_eq!(
        check(twice),
        Err(PermissionError::Duplicate("a usage limit"))
    );
}

#[test]
fn a_usage_limit_goes_to_session_rules_beside_the_policy() {
    use permission_core::install::{UsageLimitInstall, CALLS_IN_EXECUTION, COUNT_CALLS};
    let m = modules();
    let set = scoped().usage_limit(UsageUnit::Calls, Some(10), Some((3, 3_600)));
    let expected = UsageLimitInstall {
        entity_id: 7,
        unit: COUNT_CALLS,
        lifetime_limit: 10,
        period_limit: 3,
        period: 3_600,
    };
    // Validation role: both validation hooks, session-rules second.
    let install = set.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    let hooks: Vec<_> = install.hooks.iter().map(|h| hook_flags(h)).collect();
    assert_eq!(
        hooks,
        vec![
            (m.session_policy, 7, HOOK_VALIDATION),
            (m.session_rules, 7, HOOK_VALIDATION)
        ]
    );
    let (id, flags, entries) = policy_install(&install.hooks[1][25..]);
    assert_eq!((id, flags), (7, 0));
    assert_eq!(
        entries,
        vec![expected.encode(), vec![], vec![]],
        "no paymaster guard, no parameter rules"
    );
    // Execution role: session-rules counts in its execution hook.
    let install = set
        .clone()
        .as_execution_hooks()
        .install(&m, 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    let last = install.hooks.last().unwrap();
    assert_eq!(hook_flags(last), (m.session_rules, 7, HOOK_PRE_EXECUTION));
    let (_, flags, entries) = policy_install(&last[25..]);
    assert_eq!(flags, CALLS_IN_EXECUTION);
    assert_eq!(
        entries,
        vec![expected.encode(), vec![], vec![]],
        "no paymaster guard, no parameter rules"
    );
    // The granular modules: usage-limit's own install data.
    let install = set
        .with_modules()
        .install(&m, 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    let hook = install
        .hooks
        .iter()
        .find(|h| h[..20] == m.usage_limit[..])
        .expect("a usage-limit hook");
    assert_eq!(hook_flags(hook), (m.usage_limit, 7, HOOK_VALIDATION));
    assert_eq!(hook[25..], expected.encode()[..]);
}

#[test]
fn a_paymaster_guard_is_checked_before_sending() {
    let pm = Address::repeat_byte(0x44);
    let guard = |list: Vec<Address>, self_paid| scoped().paymasters(list, self_paid, false);
    assert!(matches!(
        check(guard(vec![], false)),
        Err(PermissionError::BadPaymasters(m)) if m.contains("refuses every operation")
    ));
    for bad in [vec![Address::ZERO], vec![ACCOUNT], vec![pm, pm]] {
        assert!(matches!(
            check(guard(bad, true)),
            Err(PermissionError::BadPaymasters(m)) if m.contains("cannot be an allowed paymaster")
        ));
    }
    assert_eq!(check(guard(vec![], true)), Ok(()));
    assert_eq!(check(guard(vec![pm], false)), Ok(()));
    let twice = guard(vec![pm], false).paymasters([OTHER], false, false);
    assert_eq!(
        check(twice),
        Err(PermissionError::Duplicate("a paymaster guard"))
    );
    // A sponsor the guard would refuse.
    let stray = guard(vec![pm], false).sponsoring_paymasters([TARGET]);
    assert!(matches!(
        check(stray),
        Err(PermissionError::BadPaymasters(m)) if m.contains("not an allowed one")
    ));
}

#[test]
fn a_paymaster_guard_is_a_validation_hook_in_every_role() {
    use permission_core::install::{encode_paymaster_guard, PaymasterGuardInstall};
    let m = modules();
    let pm = Address::repeat_byte(0x44);
    let set = scoped().paymasters([pm], true, true);
    // The policy: session-rules beside it, the guard as its second entry.
    let install = set.install(&m, 7, &signer(), ACCOUNT, NOW).unwrap();
    let last = install.hooks.last().unwrap();
    assert_eq!(hook_flags(last), (m.session_rules, 7, HOOK_VALIDATION));
    let (_, _, entries) = policy_install(&last[25..]);
    assert!(entries[0].is_empty(), "no usage limit");
    let guard = PaymasterGuardInstall::decode(&entries[1]).unwrap();
    assert!(guard.allow_self_paid);
    assert_eq!(
        guard.paymasters().collect::<Result<Vec<_>, _>>().unwrap(),
        vec![pm]
    );
    // With `sponsoring`, the guard's list is the gas accounting's sponsors.
    let (_, _, policy_entries) = policy_install(&install.hooks[0][25..]);
    let spending = SpendingLimitInstall::decode(&policy_entries[3]).unwrap();
    assert_eq!(
        spending.sponsors().collect::<Result<Vec<_>, _>>().unwrap(),
        vec![pm]
    );
    // The execution role keeps session-rules in validation for the guard.
    let install = set
        .clone()
        .usage_limit(UsageUnit::Operations, Some(5), None)
        .as_execution_hooks()
        .install(&m, 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    let rules: Vec<_> = install
        .hooks
        .iter()
        .filter(|h| h[..20] == m.session_rules[..])
        .map(|h| (hook_flags(h), h.len() > 25))
        .collect();
    assert_eq!(
        rules,
        vec![
            ((m.session_rules, 7, HOOK_VALIDATION), true),
            ((m.session_rules, 7, HOOK_PRE_EXECUTION), false)
        ]
    );
    // The modules: paymaster-guard's own install data, in validation.
    let install = set
        .as_execution_hooks()
        .with_modules()
        .install(&m, 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    let hook = install
        .hooks
        .iter()
        .find(|h| h[..20] == m.paymaster_guard[..])
        .expect("a paymaster-guard hook");
    assert_eq!(hook_flags(hook), (m.paymaster_guard, 7, HOOK_VALIDATION));
    assert_eq!(hook[25..], encode_paymaster_guard(7, true, &[pm])[..]);
}

#[test]
fn attack_module_lifecycle_functions_are_refused_on_every_target() {
    // A key allowed `onUninstall(bytes)` on a module the SDK does not know
    // (a custom rule) would have the account clear that module's state for
    // it, its own restriction included. No contract a key legitimately
    // calls exposes ERC-6900's lifecycle functions.
    for (name, selector) in MODULE_LIFECYCLE {
        for target in [TARGET, OTHER] {
            let err =
                check(bounded(PermissionSet::new().functions(target, [selector]))).unwrap_err();
            assert_eq!(
                err,
                PermissionError::ModuleLifecycle {
                    name,
                    target: target.to_string(),
                },
                "{name}"
            );
            assert!(err.to_string().contains("clear"), "{err}");
        }
    }
    assert_eq!(MODULE_LIFECYCLE[0].1, sel("onInstall(bytes)").bytes);
    assert_eq!(MODULE_LIFECYCLE[1].1, sel("onUninstall(bytes)").bytes);
}

const RULE: Address = address!("5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e");

fn custom(types: &[&str], values: &[&str]) -> PermissionSet {
    custom_on(scoped(), types, values)
}

fn custom_on(base: PermissionSet, types: &[&str], values: &[&str]) -> PermissionSet {
    base.custom_hook(
        RULE,
        None,
        CustomInstall::Abi {
            types: types.iter().map(|t| t.to_string()).collect(),
            values: values.iter().map(|v| v.to_string()).collect(),
        },
    )
}

#[test]
fn attack_a_set_naming_a_custom_hook_module_as_a_target() {
    // The key's own custom rule is as protected as the SDK's modules: its
    // admin functions would rewrite the key's restriction.
    for set in [
        custom_on(
            bounded(PermissionSet::new().contracts([RULE])),
            &["uint32"],
            &["entity"],
        ),
        custom_on(
            bounded(PermissionSet::new().functions(RULE, [sel("setCap(uint32,uint256)")])),
            &["uint32"],
            &["entity"],
        ),
    ] {
        let err = set
            .install(&modules(), 1, &signer(), ACCOUNT, NOW)
            .unwrap_err();
        assert_eq!(
            err,
            PermissionError::ProtectedTarget {
                target: RULE,
                what: "custom hook module".into(),
                why: "rewrite its own permissions",
            }
        );
    }
}

#[test]
fn a_custom_hook_is_installed_with_its_abi_values() {
    let install = custom(&["uint32", "uint256"], &["entity", "1000000"])
        .install(&modules(), 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    let last = install.hooks.last().unwrap();
    assert_eq!(hook_flags(last), (RULE, 7, HOOK_VALIDATION));
    assert_eq!(
        &last[25..],
        &(7u32, U256::from(1_000_000u64)).abi_encode_params()[..]
    );
    // In the execution role it follows the set, unless it names its own.
    let install = custom(&["uint32"], &["entity"])
        .as_execution_hooks()
        .install(&modules(), 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    assert_eq!(
        hook_flags(install.hooks.last().unwrap()).2,
        HOOK_PRE_EXECUTION
    );
    let install = scoped()
        .as_execution_hooks()
        .custom_hook(
            RULE,
            Some(HookRole::Validation),
            CustomInstall::Raw(vec![1, 2].into()),
        )
        .install(&modules(), 7, &signer(), ACCOUNT, NOW)
        .unwrap();
    let last = install.hooks.last().unwrap();
    assert_eq!(hook_flags(last).2, HOOK_VALIDATION);
    assert_eq!(&last[25..], &[1, 2]);
}

#[test]
fn a_custom_hook_is_checked_before_sending() {
    let cases: [(PermissionSet, &str); 7] = [
        (custom(&["uint33"], &["1"]), "uint33"),
        (
            custom(&["uint32", "uint256"], &["1"]),
            "2 types and 1 value",
        ),
        (custom(&["uint8"], &["300"]), "300"),
        (custom(&["address"], &["entity"]), "entity"),
        (
            scoped().custom_hook(Address::ZERO, None, CustomInstall::Raw(Default::default())),
            "zero address",
        ),
        (
            scoped().custom_hook(ACCOUNT, None, CustomInstall::Raw(Default::default())),
            "the account",
        ),
        (
            custom(&["uint32"], &["entity"]).custom_hook(
                RULE,
                None,
                CustomInstall::Raw(Default::default()),
            ),
            "twice",
        ),
    ];
    for (set, needle) in cases {
        let err = check(set).unwrap_err();
        assert!(matches!(err, PermissionError::BadCustomHook(_)), "{err}");
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
    // A custom hook alone restricts nothing the SDK can see.
    let err =
        check(PermissionSet::new().custom_hook(RULE, None, CustomInstall::Raw(Default::default())))
            .unwrap_err();
    assert_eq!(err, PermissionError::NoTargetRestriction);
}

fn transfer_rule(target: Address) -> ParamRule {
    ParamRule::parse(
        target,
        "transfer(address to,uint256 amount)",
        &["amount <= 100", "sum(amount) <= 1000"],
    )
    .unwrap()
}

#[test]
fn parameter_rules_go_to_session_rules_beside_the_policy_or_to_param_rules() {
    use permission_core::install::CALLS_IN_EXECUTION;
    use permission_core::params::ParamRulesInstall;
    let m = modules();
    let set = bounded(
        PermissionSet::new()
            .functions(TOKEN, [sel("transfer(address,uint256)")])
            .params(transfer_rule(TOKEN)),
    );
    // The policy: session-rules' third entry, in a validation hook.
    let install = set.install(&m, 4, &signer(), ACCOUNT, NOW).unwrap();
    assert!(install
        .hooks
        .iter()
        .all(|h| hook_flags(h).0 != m.param_rules));
    let last = install.hooks.last().unwrap();
    assert_eq!(hook_flags(last), (m.session_rules, 4, HOOK_VALIDATION));
    let (id, flags, entries) = policy_install(&last[25..]);
    assert_eq!((id, flags), (4, 0));
    assert!(entries[0].is_empty() && entries[1].is_empty());
    let data = ParamRulesInstall::decode(&entries[2]).unwrap();
    assert_eq!((data.entity_id, data.counts()), (4, (1, 1)));
    // In the execution role, session-rules' pre-execution hook behind
    // executeUserOp, judging and charging there.
    let in_execution = set.clone().as_execution_hooks();
    assert!(in_execution.needs_execute_user_op());
    let install = in_execution
        .install(&m, 4, &signer(), ACCOUNT, NOW)
        .unwrap();
    let last = install.hooks.last().unwrap();
    assert_eq!(hook_flags(last), (m.session_rules, 4, HOOK_PRE_EXECUTION));
    let (_, flags, entries) = policy_install(&last[25..]);
    assert_eq!(flags, CALLS_IN_EXECUTION);
    assert_eq!(
        ParamRulesInstall::decode(&entries[2]).unwrap().counts(),
        (1, 1)
    );
    // One hook per module: param-rules' own, in either role.
    let modular = set.with_modules();
    let install = modular.install(&m, 4, &signer(), ACCOUNT, NOW).unwrap();
    let hook = install
        .hooks
        .iter()
        .find(|h| hook_flags(h).0 == m.param_rules)
        .expect("a param-rules hook");
    assert_eq!(hook_flags(hook), (m.param_rules, 4, HOOK_VALIDATION));
    let data = ParamRulesInstall::decode(&hook[25..]).unwrap();
    assert_eq!((data.entity_id, data.counts()), (4, (1, 1)));
    let modular = modular.as_execution_hooks();
    assert!(modular.needs_execute_user_op());
    let install = modular.install(&m, 4, &signer(), ACCOUNT, NOW).unwrap();
    let hook = install
        .hooks
        .iter()
        .find(|h| hook_flags(h).0 == m.param_rules)
        .unwrap();
    assert_eq!(hook_flags(hook).2, HOOK_PRE_EXECUTION);
}

#[test]
fn parameter_rules_with_a_path_go_to_param_rules_even_beside_the_policy() {
    use permission_core::params::ParamRulesInstall;
    let m = modules();
    let batch =
        "safeBatchTransferFrom(address from,address to,uint256[] ids,uint256[] amounts,bytes data)";
    let set = bounded(
        PermissionSet::new()
            .functions(TOKEN, [sel("transfer(address,uint256)"), sel(batch)])
            .params(transfer_rule(TOKEN))
            .params(ParamRule::parse(TOKEN, batch, &["sum(amounts[*]) <= 10"]).unwrap())
            .usage_limit(UsageUnit::Calls, Some(5), None),
    );
    // session-rules keeps the usage limit but no parameter rule: it
    // follows no ABI path, so param-rules holds them all.
    let install = set.install(&m, 4, &signer(), ACCOUNT, NOW).unwrap();
    let rules = install
        .hooks
        .iter()
        .find(|h| hook_flags(h).0 == m.session_rules)
        .expect("a session-rules hook");
    let (_, _, entries) = policy_install(&rules[25..]);
    assert!(!entries[0].is_empty() && entries[2].is_empty());
    let hook = install
        .hooks
        .iter()
        .find(|h| hook_flags(h).0 == m.param_rules)
        .expect("a param-rules hook");
    assert_eq!(hook_flags(hook), (m.param_rules, 4, HOOK_VALIDATION));
    let data = ParamRulesInstall::decode(&hook[25..]).unwrap();
    assert_eq!(data.counts(), (1, 2));
    let paths: Vec<bool> = data.totals().map(|t| t.unwrap().path.is_empty()).collect();
    assert_eq!(paths, [true, false]);
}

#[test]
fn a_parameter_rule_on_a_function_the_key_may_not_call_is_refused() {
    for set in [
        // Another function of the token.
        PermissionSet::new()
            .functions(TOKEN, [sel("approve(address,uint256)")])
            .params(transfer_rule(TOKEN)),
        // Another contract.
        PermissionSet::new()
            .functions(OTHER, [sel("transfer(address,uint256)")])
            .params(transfer_rule(TOKEN)),
        PermissionSet::new()
            .contracts([OTHER])
            .params(transfer_rule(TOKEN)),
    ] {
        let err = check(bounded(set)).unwrap_err();
        assert!(matches!(err, PermissionError::BadParamRule(_)), "{err}");
        assert!(err.to_string().contains("restrict nothing"), "{err}");
    }
    // A wildcard rule for the function reaches it.
    check(bounded(
        PermissionSet::new()
            .functions_on_any_contract([sel("transfer(address,uint256)")])
            .params(transfer_rule(TOKEN)),
    ))
    .unwrap();
    // Two rules for one function are one too many.
    let err = check(bounded(
        PermissionSet::new()
            .contracts([TOKEN])
            .params(transfer_rule(TOKEN))
            .params(transfer_rule(TOKEN)),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("two rules"), "{err}");
}
