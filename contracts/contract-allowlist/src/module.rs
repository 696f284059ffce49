//! The contract-allowlist rule: storage, hooks and admin functions.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event_keyed;
use module_kit::router::{ret_bool, CallArgs, CallRule, Ctx, PermissionModule};
use module_kit::scope::{address_key, Scope};
use module_kit::set::KeySet;
use module_kit::{Host, Output};
use permission_core::abi::{encode_array, AbiReader, AbiWriter};
use permission_core::calls::Call;
use permission_core::install::ContractAllowlistInstall;
use permission_core::selectors::{keccak, selector};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{Address, U256};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.contract-allowlist.0.1.0";

/// `addTarget(uint32,address)`.
pub const ADD_TARGET: [u8; 4] = selector("addTarget(uint32,address)");
/// `removeTarget(uint32,address)`.
pub const REMOVE_TARGET: [u8; 4] = selector("removeTarget(uint32,address)");
/// `isTargetAllowed(address,uint32,address)`.
pub const IS_TARGET_ALLOWED: [u8; 4] = selector("isTargetAllowed(address,uint32,address)");
/// `getTargets(address,uint32)`.
pub const GET_TARGETS: [u8; 4] = selector("getTargets(address,uint32)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 4] =
    [ADD_TARGET, REMOVE_TARGET, IS_TARGET_ALLOWED, GET_TARGETS];

/// `TargetNotAllowed(address)`.
pub const TARGET_NOT_ALLOWED: [u8; 4] = selector("TargetNotAllowed(address)");
/// `InvalidTarget(address)`.
pub const INVALID_TARGET: [u8; 4] = selector("InvalidTarget(address)");
/// `DuplicateTarget(address)`.
pub const DUPLICATE_TARGET: [u8; 4] = selector("DuplicateTarget(address)");
/// `TargetNotFound(address)`.
pub const TARGET_NOT_FOUND: [u8; 4] = selector("TargetNotFound(address)");
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 4] = [
    TARGET_NOT_ALLOWED,
    INVALID_TARGET,
    DUPLICATE_TARGET,
    TARGET_NOT_FOUND,
];

/// Topic of `TargetAdded(address,uint32,address)`.
pub const TARGET_ADDED: [u8; 32] = keccak("TargetAdded(address,uint32,address)");
/// Topic of `TargetRemoved(address,uint32,address)`.
pub const TARGET_REMOVED: [u8; 32] = keccak("TargetRemoved(address,uint32,address)");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 2] = [TARGET_ADDED, TARGET_REMOVED];

/// Base tag of the target set.
const TARGETS: u8 = 1;

fn address_error(selector: [u8; 4], target: Address) -> Vec<u8> {
    AbiWriter::new(1)
        .address(target)
        .finish_with_selector(selector)
}

/// The contract-allowlist module.
pub struct ContractAllowlist;

impl ContractAllowlist {
    /// Refuses the first call whose target is not listed.
    pub(crate) fn check_target<H: Host>(
        targets: &KeySet<'_, '_, H>,
        target: Address,
    ) -> Result<(), Vec<u8>> {
        if targets.contains(&address_key(target)) {
            Ok(())
        } else {
            Err(address_error(TARGET_NOT_ALLOWED, target))
        }
    }

    /// Adds a target, emitting `TargetAdded`; the caller validated it.
    fn add<H: Host>(scope: &Scope<'_, H>, tag: u8, target: Address) {
        KeySet::new(scope, tag).insert(&address_key(target));
        emit_account_event_keyed(
            scope.host(),
            TARGET_ADDED,
            scope.account,
            scope.entity_id,
            address_key(target),
            &[],
        );
    }

    /// Refuses the zero address.
    fn require_non_zero(target: Address) -> Result<(), Vec<u8>> {
        if target.is_zero() {
            Err(address_error(INVALID_TARGET, target))
        } else {
            Ok(())
        }
    }

    /// Decodes `(uint32 entityId, address target)` of the admin functions.
    fn admin_args<'h, H: Host>(
        ctx: &Ctx<'h, H>,
        args: &AbiReader<'_>,
    ) -> Result<(Scope<'h, H>, Address), Vec<u8>> {
        let target = args.address(1).or_revert()?;
        Ok((ctx.installed_scope(args)?, target))
    }

    fn add_target<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let (scope, target) = Self::admin_args(ctx, args)?;
        Self::require_non_zero(target)?;
        if KeySet::new(&scope, TARGETS).contains(&address_key(target)) {
            return Err(address_error(DUPLICATE_TARGET, target));
        }
        Self::add(&scope, TARGETS, target);
        Ok(Vec::new())
    }

    fn remove_target<H: Host>(ctx: &Ctx<'_, H>, args: &AbiReader<'_>) -> Output {
        let (scope, target) = Self::admin_args(ctx, args)?;
        if !KeySet::new(&scope, TARGETS).remove(&address_key(target)) {
            return Err(address_error(TARGET_NOT_FOUND, target));
        }
        emit_account_event_keyed(
            ctx.host,
            TARGET_REMOVED,
            scope.account,
            scope.entity_id,
            address_key(target),
            &[],
        );
        Ok(Vec::new())
    }

    /// The views `isTargetAllowed` and `getTargets` of the target set
    /// `targets` (`installed`: whether its key has the rule); `None` for
    /// another selector. Shared with the policy rule.
    pub(crate) fn view<H: Host>(
        targets: &KeySet<'_, '_, H>,
        installed: bool,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            IS_TARGET_ALLOWED => args
                .address(2)
                .or_revert()
                .map(|target| ret_bool(installed && targets.contains(&address_key(target)))),
            GET_TARGETS => {
                let len = if installed { targets.len() } else { 0 };
                let elements: Vec<Vec<u8>> = (0..len).map(|i| targets.at(i).to_vec()).collect();
                Ok(AbiWriter::new(1)
                    .dyn_encoded(&encode_array(&elements, false))
                    .finish())
            }
            _ => return None,
        })
    }

    /// Every target of `install`, validated: non-zero and distinct.
    /// Shared with the policy rule, which validates before any write too.
    pub(crate) fn validated_targets(
        install: &ContractAllowlistInstall<'_>,
    ) -> Result<Vec<Address>, Vec<u8>> {
        let targets: Vec<Address> = install.targets().collect::<Result<_, _>>().or_revert()?;
        for (i, target) in targets.iter().enumerate() {
            Self::require_non_zero(*target)?;
            if targets[..i].contains(target) {
                return Err(address_error(DUPLICATE_TARGET, *target));
            }
        }
        Ok(targets)
    }

    /// Stores validated targets in the set at `tag`.
    pub(crate) fn add_all<H: Host>(scope: &Scope<'_, H>, tag: u8, targets: Vec<Address>) {
        for target in targets {
            Self::add(scope, tag, target);
        }
    }
}

impl CallRule for ContractAllowlist {
    fn check_call<H: Host>(scope: &Scope<'_, H>, call: &Call<'_>) -> Result<(), Vec<u8>> {
        Self::check_target(&KeySet::new(scope, TARGETS), call.target)
    }
}

impl PermissionModule for ContractAllowlist {
    const MODULE_ID: &'static str = MODULE_ID;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let install = ContractAllowlistInstall::decode(data).or_revert()?;
        // Validate everything before the first write.
        let targets = Self::validated_targets(&install)?;
        let mut scope = ctx.scope(install.entity_id);
        scope.install()?;
        Self::add_all(&scope, TARGETS, targets);
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
            ADD_TARGET => Self::add_target(ctx, args),
            REMOVE_TARGET => Self::remove_target(ctx, args),
            IS_TARGET_ALLOWED | GET_TARGETS => match ctx.view_scope(args) {
                Ok(scope) => {
                    let targets = KeySet::new(&scope, TARGETS);
                    return Self::view(&targets, scope.is_installed(), selector, args);
                }
                Err(err) => Err(err),
            },
            _ => return None,
        })
    }
}
