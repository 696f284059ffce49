//! The account keeps a copy of a validation's first validation hook in the
//! word of each of its selectors, so a selector validation's operation
//! reads one word less. A stale copy would let a key skip its hook, so the
//! two ways a copy can go stale are tested through `handleOps` (and the
//! first on the runtime path too): a hook installed after the selectors,
//! and a selector installed after the hook.
//! (A revoked and re-granted key, whose words change generation, is
//! `lifecycle.rs`.)

use alloy_sol_types::SolInterface;

use super::*;

const OWNER: u32 = 0;

/// An account whose owner (global validation `OWNER`) has installed the
/// session key's validation in two steps: `first`, then `second`.
fn installed_in_two_steps(
    test: &str,
    split: impl FnOnce(ValidationInstall) -> (ValidationInstall, ValidationInstall),
) -> Option<(Wallet, Key, usize)> {
    if !available(test, Needs::Account) {
        return None;
    }
    let mut w = Wallet::new();
    let owner = Key::from_seed(0x0A);
    let out = w.initialize(&w.owner_install(OWNER, owner.address()));
    assert!(out.success, "initialize: {}", describe_outcome(&out));
    let key = Key::from_bytes(SESSION_SECRET);
    let now = w.net.timestamp();
    let full = w.session_key_install(ENTITY, key.address(), now, now + DAY);
    // Every hook of this key is a validation hook.
    let hooks = full.hooks.len();
    let (first, second) = split(full);
    for install in [first, second] {
        let out = w.install_as_owner(OWNER, &owner, &install);
        let events = out.expect_ops_succeeded();
        assert!(events[0].success, "install: {}", describe_outcome(&out));
    }
    Some((w, key, hooks))
}

/// Sends the key's operation with `call_data` and expects the
/// selector-allowlist hook to refuse it in validation.
#[track_caller]
fn refused_by_the_hook(w: &mut Wallet, key: &Key, call_data: Vec<u8>, selector: [u8; 4]) {
    let count = w.count();
    let op = w.signed_op(call_data, ENTITY, false, key, &[]);
    let out = w.handle_ops(vec![op]);
    let failed = out.expect_failed_op();
    assert_eq!(failed.reason, "AA23 reverted", "{failed}");
    let wrapped = failed
        .module_error()
        .unwrap_or_else(|| panic!("not a wrapped module error: {failed}"));
    assert_eq!(wrapped.wrapper, Wrapper::PreUserOpValidationHook);
    assert_eq!(wrapped.module, w.modules.selector_allowlist);
    assert_eq!(
        wrapped.reason_as::<AllowlistErrors>(),
        Some(AllowlistErrors::SelectorNotAllowed(
            ISelectorAllowlistModule::SelectorNotAllowed {
                target: w.counter.address,
                selector: FixedBytes(selector),
            }
        )),
        "{}",
        describe(&wrapped.reason)
    );
    assert_eq!(w.count(), count);
}

/// Sends the key's operation with `call_data`, expects it to run, and
/// checks that the account's validation read the validation's record, the
/// selector's word and each of its `hooks` validation hooks but the first:
/// that one came from the copy.
#[track_caller]
fn executed(w: &mut Wallet, key: &Key, hooks: usize, call_data: Vec<u8>) {
    let op = w.signed_op(call_data, ENTITY, false, key, &[]);
    let out = w.handle_ops(vec![op]);
    let events = out.expect_ops_succeeded();
    assert!(events[0].success, "{}", describe_outcome(&out));
    let validation = out
        .programs
        .iter()
        .find(|p| p.contract == w.account)
        .expect("the account ran");
    assert_eq!(
        validation.state_trace.storage_slots.len(),
        2 + hooks - 1,
        "validateUserOp read the hook's own word: {:?}",
        validation.state_trace.storage_slots
    );
}

/// The key's own call of `call_data` on the runtime path
/// (`executeWithRuntimeValidation`), expecting the selector-allowlist hook
/// to refuse it with `SelectorNotAllowed(counter, selector)`.
#[track_caller]
fn refused_on_the_runtime_path(w: &mut Wallet, key: &Key, call_data: Vec<u8>, selector: [u8; 4]) {
    w.net.fund(key.address(), ether(1));
    let count = w.count();
    let call = encode::execute_with_runtime_validation(&call_data, ENTITY, false);
    let account = w.account;
    let out = w.net.transact(key.address(), account, U256::ZERO, call);
    let reason = out.revert_data().expect("refused").clone();
    let Ok(AccountErrors::PreRuntimeValidationHookReverted(wrapped)) =
        AccountErrors::abi_decode(&reason)
    else {
        panic!("not a runtime hook refusal: {}", describe(&reason))
    };
    assert_eq!(
        &wrapped.moduleEntity[..20],
        w.modules.selector_allowlist.as_slice()
    );
    assert_eq!(
        AllowlistErrors::abi_decode(&wrapped.revertReason).ok(),
        Some(AllowlistErrors::SelectorNotAllowed(
            ISelectorAllowlistModule::SelectorNotAllowed {
                target: w.counter.address,
                selector: FixedBytes(selector),
            }
        ))
    );
    assert_eq!(w.count(), count);
}

/// `count()` on the Counter: a function the key's allowlist does not have.
fn not_granted() -> (Vec<u8>, [u8; 4]) {
    let data = e2e::abi::ICounter::countCall {}.abi_encode();
    let selector = e2e::abi::ICounter::countCall::SELECTOR;
    (data, selector)
}

/// A batch of `increment()` and `data`, both to `counter`.
fn batch_hiding(counter: Address, data: Vec<u8>) -> Vec<u8> {
    encode::execute_batch([
        (counter, U256::ZERO, Counter::increment_calldata()),
        (counter, U256::ZERO, data),
    ])
}

#[test]
fn attack_hooks_installed_after_the_selectors_still_run() {
    let Some((mut w, key, hooks)) = installed_in_two_steps(
        "attack_hooks_installed_after_the_selectors_still_run",
        |full| {
            // First the validation and its selectors, without hooks; then
            // the hooks alone, for the same validation.
            let hooks = ValidationInstall {
                selectors: Vec::new(),
                install_data: Default::default(),
                ..full.clone()
            };
            let bare = ValidationInstall {
                hooks: Vec::new(),
                ..full
            };
            (bare, hooks)
        },
    ) else {
        return;
    };
    let counter = w.counter.address;
    let (data, selector) = not_granted();
    refused_by_the_hook(
        &mut w,
        &key,
        encode::execute(counter, U256::ZERO, data.clone()),
        selector,
    );
    refused_by_the_hook(&mut w, &key, batch_hiding(counter, data.clone()), selector);
    refused_on_the_runtime_path(
        &mut w,
        &key,
        encode::execute(counter, U256::ZERO, data),
        selector,
    );
    executed(
        &mut w,
        &key,
        hooks,
        encode::execute(counter, U256::ZERO, Counter::increment_calldata()),
    );
    assert_eq!(w.count(), U256::from(1));
}

#[test]
fn attack_a_selector_installed_after_the_hooks_still_runs_them() {
    let Some((mut w, key, hooks)) = installed_in_two_steps(
        "attack_a_selector_installed_after_the_hooks_still_runs_them",
        |full| {
            // First the validation with its hooks and `execute` only; then
            // `executeBatch` alone.
            let later = ValidationInstall {
                selectors: full.selectors[1..].to_vec(),
                install_data: Default::default(),
                hooks: Vec::new(),
                ..full.clone()
            };
            let first = ValidationInstall {
                selectors: full.selectors[..1].to_vec(),
                ..full
            };
            (first, later)
        },
    ) else {
        return;
    };
    let counter = w.counter.address;
    let (data, selector) = not_granted();
    refused_by_the_hook(&mut w, &key, batch_hiding(counter, data), selector);
    executed(
        &mut w,
        &key,
        hooks,
        encode::execute_batch([(counter, U256::ZERO, Counter::increment_calldata())]),
    );
    assert_eq!(w.count(), U256::from(1));
}
