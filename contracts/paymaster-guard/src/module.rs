//! The paymaster-guard module: its selectors, errors and events, and its
//! hooks, over [`Guard`].

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::router::{ret_bool, CallArgs, Ctx, PermissionModule};
use module_kit::scope::{address_key, Scope, PAYLOAD_LEN};
use module_kit::set::KeySet;
use module_kit::{Host, Output};
use permission_core::abi::{encode_array, AbiReader, AbiWriter};
use permission_core::install::PaymasterGuardInstall;
use permission_core::selectors::{keccak, selector};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{Address, U256};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.paymaster-guard.0.1.0";

/// `getPaymasterGuard(address,uint32)`.
pub const GET_PAYMASTER_GUARD: [u8; 4] = selector("getPaymasterGuard(address,uint32)");
/// `isPaymasterAllowed(address,uint32,address)`.
pub const IS_PAYMASTER_ALLOWED: [u8; 4] = selector("isPaymasterAllowed(address,uint32,address)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 2] = [GET_PAYMASTER_GUARD, IS_PAYMASTER_ALLOWED];

/// `PaymasterNotAllowed(address paymaster)`: the operation names another
/// paymaster, or none (`address(0)`) where the account may not pay.
pub const PAYMASTER_NOT_ALLOWED: [u8; 4] = selector("PaymasterNotAllowed(address)");
/// `InvalidPaymaster(address paymaster)`: the zero address, or one listed
/// twice.
pub const INVALID_PAYMASTER: [u8; 4] = selector("InvalidPaymaster(address)");
/// `EmptyPaymasterGuard()`: no paymaster listed and the account may not
/// pay either, so no operation could pass.
pub const EMPTY_PAYMASTER_GUARD: [u8; 4] = selector("EmptyPaymasterGuard()");
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 3] = [
    PAYMASTER_NOT_ALLOWED,
    INVALID_PAYMASTER,
    EMPTY_PAYMASTER_GUARD,
];

/// Topic of `PaymasterGuardSet(address,uint32,bool,address[])`.
pub const PAYMASTER_GUARD_SET: [u8; 32] =
    keccak("PaymasterGuardSet(address,uint32,bool,address[])");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 1] = [PAYMASTER_GUARD_SET];

/// The rule's data tags, from its base: one key set.
pub const TAGS: u8 = 3;

fn address_error(selector: [u8; 4], paymaster: Address) -> Vec<u8> {
    AbiWriter::new(1)
        .address(paymaster)
        .finish_with_selector(selector)
}

/// Validated install data: the flag and the distinct, non-zero
/// paymasters.
pub struct Validated {
    /// Whether the account may pay.
    pub allow_self_paid: bool,
    /// The paymasters.
    pub paymasters: Vec<Address>,
}

/// Decodes and validates install data; writes nothing.
pub fn validate(data: &[u8]) -> Result<Validated, Vec<u8>> {
    let install = PaymasterGuardInstall::decode(data).or_revert()?;
    let paymasters: Vec<Address> = install.paymasters().collect::<Result<_, _>>().or_revert()?;
    for (i, paymaster) in paymasters.iter().enumerate() {
        if paymaster.is_zero() || paymasters[..i].contains(paymaster) {
            return Err(address_error(INVALID_PAYMASTER, *paymaster));
        }
    }
    if paymasters.is_empty() && !install.allow_self_paid {
        return Err(EMPTY_PAYMASTER_GUARD.to_vec());
    }
    Ok(Validated {
        allow_self_paid: install.allow_self_paid,
        paymasters,
    })
}

/// One key's guard: its paymaster set and its self-paid flag (a payload
/// byte). The standalone module and a composed program run this code.
pub struct Guard<'s, 'h, H: Host> {
    scope: &'s Scope<'h, H>,
    paymasters: KeySet<'s, 'h, H>,
    allow_self_paid: bool,
}

impl<'s, 'h, H: Host> Guard<'s, 'h, H> {
    /// The guard at `base` of `scope`, with the flag read from the payload.
    pub fn new(scope: &'s Scope<'h, H>, base: u8, allow_self_paid: bool) -> Self {
        Self {
            scope,
            paymasters: KeySet::new(scope, base),
            allow_self_paid,
        }
    }

    /// Writes validated install data and emits `PaymasterGuardSet`.
    pub fn install(&self, validated: &Validated) {
        for paymaster in &validated.paymasters {
            self.paymasters.insert(&address_key(*paymaster));
        }
        let elements: Vec<Vec<u8>> = validated
            .paymasters
            .iter()
            .map(|p| address_key(*p).to_vec())
            .collect();
        let data = AbiWriter::new(2)
            .bool(validated.allow_self_paid)
            .dyn_encoded(&encode_array(&elements, false))
            .finish();
        emit_account_event(
            self.scope.host(),
            PAYMASTER_GUARD_SET,
            self.scope.account,
            self.scope.entity_id,
            &data,
        );
    }

    /// Whether `paymaster` (`None`: the account pays) may pay.
    pub fn allows(&self, paymaster: Option<Address>) -> bool {
        match paymaster {
            None => self.allow_self_paid,
            Some(paymaster) => self.paymasters.contains(&address_key(paymaster)),
        }
    }

    /// Refuses a user operation whose paymaster is not allowed.
    pub fn check(&self, user_op: &PackedUserOpReader<'_>) -> Result<(), Vec<u8>> {
        let paymaster = user_op.paymaster().or_revert()?;
        if self.allows(paymaster) {
            Ok(())
        } else {
            Err(address_error(
                PAYMASTER_NOT_ALLOWED,
                paymaster.unwrap_or(Address::ZERO),
            ))
        }
    }

    /// The views: `getPaymasterGuard(account, entityId) returns (bool
    /// installed, bool allowSelfPaid, address[] paymasters)` and
    /// `isPaymasterAllowed(account, entityId, paymaster) returns (bool)`
    /// (`address(0)`: the account pays).
    pub fn view(&self, installed: bool, selector: [u8; 4], args: &AbiReader<'_>) -> Option<Output> {
        Some(match selector {
            GET_PAYMASTER_GUARD => {
                let len = if installed { self.paymasters.len() } else { 0 };
                let elements: Vec<Vec<u8>> =
                    (0..len).map(|i| self.paymasters.at(i).to_vec()).collect();
                Ok(AbiWriter::new(3)
                    .bool(installed)
                    .bool(installed && self.allow_self_paid)
                    .dyn_encoded(&encode_array(&elements, false))
                    .finish())
            }
            IS_PAYMASTER_ALLOWED => args.address(2).or_revert().map(|paymaster| {
                let paymaster = (!paymaster.is_zero()).then_some(paymaster);
                ret_bool(installed && self.allows(paymaster))
            }),
            _ => return None,
        })
    }
}

/// The standalone module's set starts at tag 1; its flag is payload byte 0.
const BASE: u8 = 1;

fn guard<'s, 'h, H: Host>(scope: &'s Scope<'h, H>) -> Guard<'s, 'h, H> {
    Guard::new(scope, BASE, scope.payload()[0] != 0)
}

/// The paymaster-guard module.
pub struct PaymasterGuard;

impl PermissionModule for PaymasterGuard {
    const MODULE_ID: &'static str = MODULE_ID;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let validated = validate(data)?;
        let entity_id = permission_core::install::decode_entity_id(data).or_revert()?;
        let mut scope = ctx.scope(entity_id);
        scope.install()?;
        let mut payload = [0u8; PAYLOAD_LEN];
        payload[0] = validated.allow_self_paid.into();
        scope.set_payload(payload);
        guard(&scope).install(&validated);
        Ok(entity_id)
    }

    /// Refuses an operation whose paymaster is not listed (or that has none
    /// where the account may not pay). Reads the account's associated
    /// storage only, and no clock (ERC-7562).
    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let scope = ctx.scope(entity_id);
        scope.require_installed()?;
        guard(&scope).check(user_op)?;
        Ok(U256::ZERO)
    }

    /// A runtime call has no paymaster: its caller pays its own gas.
    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        ctx.scope(args.entity_id).require_installed()
    }

    /// The paymaster was checked in validation.
    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        ctx.scope(args.entity_id).require_installed()
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        if !ADMIN_FUNCTIONS.contains(&selector) {
            return None;
        }
        Some(match ctx.view_scope(args) {
            Ok(scope) => guard(&scope).view(scope.is_installed(), selector, args)?,
            Err(err) => Err(err),
        })
    }
}
