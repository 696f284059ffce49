//! The selector-allowlist rule: storage, hooks and admin functions.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event_keyed;
use module_kit::router::{ret_bool, CallArgs, CallRule, Ctx, PermissionModule};
use module_kit::scope::{address_key, Scope};
use module_kit::set::KeySet;
use module_kit::{Host, Output};
use permission_core::abi::{encode_array, AbiReader, AbiWriter};
use permission_core::calls::Call;
use permission_core::install::{SelectorAllowlistInstall, SelectorRule, VALUE_TRANSFER_SELECTOR};
use permission_core::selectors::{
    is_privileged_account_selector, is_self_admin_selector, keccak, selector,
};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{Address, U256};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.selector-allowlist.0.1.0";

/// `addRule(uint32,address,bytes4)`.
pub const ADD_RULE: [u8; 4] = selector("addRule(uint32,address,bytes4)");
/// `removeRule(uint32,address,bytes4)`.
pub const REMOVE_RULE: [u8; 4] = selector("removeRule(uint32,address,bytes4)");
/// `hasRule(address,uint32,address,bytes4)`.
pub const HAS_RULE: [u8; 4] = selector("hasRule(address,uint32,address,bytes4)");
/// `isCallAllowed(address,uint32,address,bytes)`.
pub const IS_CALL_ALLOWED: [u8; 4] = selector("isCallAllowed(address,uint32,address,bytes)");
/// `getRules(address,uint32)`.
pub const GET_RULES: [u8; 4] = selector("getRules(address,uint32)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 5] =
    [ADD_RULE, REMOVE_RULE, HAS_RULE, IS_CALL_ALLOWED, GET_RULES];

/// `SelectorNotAllowed(address,bytes4)`.
pub const SELECTOR_NOT_ALLOWED: [u8; 4] = selector("SelectorNotAllowed(address,bytes4)");
/// `PrivilegedSelector(address,bytes4)`.
pub const PRIVILEGED_SELECTOR: [u8; 4] = selector("PrivilegedSelector(address,bytes4)");
/// `DuplicateRule(address,bytes4)`.
pub const DUPLICATE_RULE: [u8; 4] = selector("DuplicateRule(address,bytes4)");
/// `RuleNotFound(address,bytes4)`.
pub const RULE_NOT_FOUND: [u8; 4] = selector("RuleNotFound(address,bytes4)");
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 4] = [
    SELECTOR_NOT_ALLOWED,
    PRIVILEGED_SELECTOR,
    DUPLICATE_RULE,
    RULE_NOT_FOUND,
];

/// Topic of `RuleAdded(address,uint32,address,bytes4)`.
pub const RULE_ADDED: [u8; 32] = keccak("RuleAdded(address,uint32,address,bytes4)");
/// Topic of `RuleRemoved(address,uint32,address,bytes4)`.
pub const RULE_REMOVED: [u8; 32] = keccak("RuleRemoved(address,uint32,address,bytes4)");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 2] = [RULE_ADDED, RULE_REMOVED];

/// Base tag of the rule set.
const RULES: u8 = 1;

/// A rule as a set key: the target in bytes 0..20, the selector in 20..24.
fn rule_key(target: Address, selector: [u8; 4]) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(target.as_slice());
    key[20..24].copy_from_slice(&selector);
    key
}

fn rule_from_key(key: &[u8; 32]) -> SelectorRule {
    SelectorRule {
        target: Address::from_slice(&key[..20]),
        selector: [key[20], key[21], key[22], key[23]],
    }
}

fn rule_error(error: [u8; 4], target: Address, selector: [u8; 4]) -> Vec<u8> {
    AbiWriter::new(2)
        .address(target)
        .bytes4(selector)
        .finish_with_selector(error)
}

/// The selector-allowlist module.
pub struct SelectorAllowlist;

impl SelectorAllowlist {
    /// Whether `call` matches a rule of `rules` for `account`.
    pub(crate) fn check_rules<H: Host>(
        rules: &KeySet<'_, '_, H>,
        account: Address,
        call: &Call<'_>,
    ) -> Result<(), Vec<u8>> {
        let selector = match call.selector().or_revert()? {
            None => VALUE_TRANSFER_SELECTOR,
            // A real 0x00000000 call would be read as the value-transfer rule.
            Some(VALUE_TRANSFER_SELECTOR) => {
                return Err(rule_error(
                    SELECTOR_NOT_ALLOWED,
                    call.target,
                    VALUE_TRANSFER_SELECTOR,
                ))
            }
            Some(selector) => selector,
        };
        let exact = rules.contains(&rule_key(call.target, selector));
        // The wildcard never covers the account itself.
        let wildcard =
            || call.target != account && rules.contains(&rule_key(Address::ZERO, selector));
        if exact || wildcard() {
            Ok(())
        } else {
            Err(rule_error(SELECTOR_NOT_ALLOWED, call.target, selector))
        }
    }

    /// Refuses rules that would give a session key the account's privileged functions.
    fn validate_rule(account: Address, rule: &SelectorRule) -> Result<(), Vec<u8>> {
        let reaches_account = rule.target.is_zero() || rule.target == account;
        // A wildcard would also reach the modules and the EntryPoint, which
        // take the account's call as the owner's.
        let reaches_modules = rule.target.is_zero() && is_self_admin_selector(rule.selector);
        if (reaches_account && is_privileged_account_selector(rule.selector)) || reaches_modules {
            return Err(rule_error(PRIVILEGED_SELECTOR, rule.target, rule.selector));
        }
        Ok(())
    }

    fn emit<H: Host>(scope: &Scope<'_, H>, topic: [u8; 32], rule: &SelectorRule) {
        emit_account_event_keyed(
            scope.host(),
            topic,
            scope.account,
            scope.entity_id,
            address_key(rule.target),
            &AbiWriter::new(1).bytes4(rule.selector).finish(),
        );
    }

    /// Decodes `(uint32 entityId, address target, bytes4 selector)`.
    fn admin_args<'h, H: Host>(
        ctx: &Ctx<'h, H>,
        args: &AbiReader<'_>,
    ) -> Result<(Scope<'h, H>, SelectorRule), Vec<u8>> {
        let rule = SelectorRule {
            target: args.address(1).or_revert()?,
            selector: args.bytes4(2).or_revert()?,
        };
        Ok((ctx.installed_scope(args)?, rule))
    }

    fn add_rule<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let (scope, rule) = Self::admin_args(ctx, args)?;
        Self::validate_rule(ctx.account, &rule)?;
        if !KeySet::new(&scope, RULES).insert(&rule_key(rule.target, rule.selector)) {
            return Err(rule_error(DUPLICATE_RULE, rule.target, rule.selector));
        }
        Self::emit(&scope, RULE_ADDED, &rule);
        Ok(Vec::new())
    }

    fn remove_rule<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let (scope, rule) = Self::admin_args(ctx, args)?;
        if !KeySet::new(&scope, RULES).remove(&rule_key(rule.target, rule.selector)) {
            return Err(rule_error(RULE_NOT_FOUND, rule.target, rule.selector));
        }
        Self::emit(&scope, RULE_REMOVED, &rule);
        Ok(Vec::new())
    }

    /// The views `hasRule`, `isCallAllowed` and `getRules` of the rule set
    /// `rules` (`installed`: whether its key has the rule); `None` for
    /// another selector. Shared with the policy rule.
    pub(crate) fn view<H: Host>(
        rules: &KeySet<'_, '_, H>,
        account: permission_core::Address,
        installed: bool,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            HAS_RULE => (|| {
                let key = rule_key(args.address(2).or_revert()?, args.bytes4(3).or_revert()?);
                Ok(ret_bool(installed && rules.contains(&key)))
            })(),
            IS_CALL_ALLOWED => (|| {
                let call = Call {
                    target: args.address(2).or_revert()?,
                    value: U256::ZERO,
                    data: args.dyn_bytes(3).or_revert()?,
                };
                Ok(ret_bool(
                    installed && Self::check_rules(rules, account, &call).is_ok(),
                ))
            })(),
            GET_RULES => {
                let len = if installed { rules.len() } else { 0 };
                let elements: Vec<Vec<u8>> = (0..len)
                    .map(|i| {
                        let rule = rule_from_key(&rules.at(i));
                        AbiWriter::new(2)
                            .address(rule.target)
                            .bytes4(rule.selector)
                            .finish()
                    })
                    .collect();
                Ok(AbiWriter::new(1)
                    .dyn_encoded(&encode_array(&elements, false))
                    .finish())
            }
            _ => return None,
        })
    }

    /// Every rule of `install`, validated for `account`: none privileged,
    /// none repeated. Shared with the policy rule.
    pub(crate) fn validated_rules(
        account: permission_core::Address,
        install: &SelectorAllowlistInstall<'_>,
    ) -> Result<Vec<SelectorRule>, Vec<u8>> {
        let rules: Vec<SelectorRule> = install.rules().collect::<Result<_, _>>().or_revert()?;
        for (i, rule) in rules.iter().enumerate() {
            Self::validate_rule(account, rule)?;
            if rules[..i].contains(rule) {
                return Err(rule_error(DUPLICATE_RULE, rule.target, rule.selector));
            }
        }
        Ok(rules)
    }

    /// Stores validated rules in the set at `tag`.
    pub(crate) fn store_rules<H: Host>(scope: &Scope<'_, H>, tag: u8, rules: &[SelectorRule]) {
        let set = KeySet::new(scope, tag);
        for rule in rules {
            set.insert(&rule_key(rule.target, rule.selector));
            Self::emit(scope, RULE_ADDED, rule);
        }
    }
}

impl CallRule for SelectorAllowlist {
    fn check_call<H: Host>(scope: &Scope<'_, H>, call: &Call<'_>) -> Result<(), Vec<u8>> {
        Self::check_rules(&KeySet::new(scope, RULES), scope.account, call)
    }
}

impl PermissionModule for SelectorAllowlist {
    const MODULE_ID: &'static str = MODULE_ID;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let install = SelectorAllowlistInstall::decode(data).or_revert()?;
        // Validate everything before the first write.
        let rules = Self::validated_rules(ctx.account, &install)?;
        let mut scope = ctx.scope(install.entity_id);
        scope.install()?;
        Self::store_rules(&scope, RULES, &rules);
        Ok(install.entity_id)
    }

    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        Self::check_user_op(ctx, entity_id, user_op)
    }

    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        Self::check_account(ctx, args)
    }

    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        Self::check_account(ctx, args)
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            ADD_RULE => Self::add_rule(ctx, args),
            REMOVE_RULE => Self::remove_rule(ctx, args),
            HAS_RULE | IS_CALL_ALLOWED | GET_RULES => match ctx.view_scope(args) {
                Ok(scope) => {
                    let rules = KeySet::new(&scope, RULES);
                    return Self::view(&rules, scope.account, scope.is_installed(), selector, args);
                }
                Err(err) => Err(err),
            },
            _ => return None,
        })
    }
}
