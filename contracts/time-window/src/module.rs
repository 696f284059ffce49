//! The time-window rule: storage, hooks and admin functions.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::router::{ret_bool, CallArgs, Ctx, PermissionModule};
use module_kit::scope::{Scope, PAYLOAD_LEN};
use module_kit::{Host, Output};
use permission_core::abi::AbiReader;
use permission_core::install::TimeWindowInstall;
use permission_core::selectors::{keccak, selector};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{Window, B256, U256};

/// `moduleId()`.
pub const MODULE_ID: &str = "stylus-session-keys.time-window.0.1.0";

/// `setTimeWindow(uint32,uint48,uint48)`.
pub const SET_TIME_WINDOW: [u8; 4] = selector("setTimeWindow(uint32,uint48,uint48)");
/// `getTimeWindow(address,uint32)`.
pub const GET_TIME_WINDOW: [u8; 4] = selector("getTimeWindow(address,uint32)");
/// The module's own functions, besides the common ones.
pub const ADMIN_FUNCTIONS: [[u8; 4]; 2] = [SET_TIME_WINDOW, GET_TIME_WINDOW];

pub use permission_core::window::{INVALID_TIME_WINDOW, OUTSIDE_TIME_WINDOW};
/// The module's own errors, besides the common ones.
pub const MODULE_ERRORS: [[u8; 4]; 2] = [INVALID_TIME_WINDOW, OUTSIDE_TIME_WINDOW];

/// Topic of `TimeWindowSet(address,uint32,uint48,uint48)`.
pub const TIME_WINDOW_SET: [u8; 32] = keccak("TimeWindowSet(address,uint32,uint48,uint48)");
/// The module's own events, besides the common ones.
pub const MODULE_EVENTS: [[u8; 32]; 1] = [TIME_WINDOW_SET];

/// The window lives in the scope's metadata payload (bytes 0..6
/// `validAfter`, 6..12 `validUntil`): a hook reads one storage slot. The
/// rule itself is [`Window`], shared with session-signer.
pub(crate) fn window_from_payload(payload: &[u8; PAYLOAD_LEN]) -> Window {
    let mut bytes = [0u8; 12];
    bytes.copy_from_slice(&payload[..12]);
    Window::from_bytes(&bytes)
}

fn window_to_payload(window: Window) -> [u8; PAYLOAD_LEN] {
    let mut payload = [0u8; PAYLOAD_LEN];
    payload[..12].copy_from_slice(&window.to_bytes());
    payload
}

/// The time-window module.
pub struct TimeWindow;

impl TimeWindow {
    /// The installed window of `scope`, or `NotInstalled`.
    fn window<H: Host>(scope: &Scope<'_, H>) -> Result<Window, Vec<u8>> {
        scope.require_installed()?;
        Ok(window_from_payload(&scope.payload()))
    }

    /// Reverts unless `block.timestamp` is inside the installed window.
    fn check_now<H: Host>(ctx: &Ctx<'_, H>, entity_id: u32) -> Result<(), Vec<u8>> {
        Self::window(&ctx.scope(entity_id))?.check_at(ctx.host.block_timestamp())
    }

    /// Validates and stores a window, emitting `TimeWindowSet`.
    fn store<H: Host>(scope: &mut Scope<'_, H>, window: Window) {
        scope.set_payload(window_to_payload(window));
        Self::emit_set(scope, window);
    }

    /// Emits `TimeWindowSet`. Shared with the policy rule.
    pub(crate) fn emit_set<H: Host>(scope: &Scope<'_, H>, window: Window) {
        emit_account_event(
            scope.host(),
            TIME_WINDOW_SET,
            scope.account,
            scope.entity_id,
            &window.encode(),
        );
    }

    /// The `getTimeWindow` answer. Shared with the policy rule.
    pub(crate) fn view(installed: bool, window: Window) -> Vec<u8> {
        let mut out = ret_bool(installed);
        out.extend_from_slice(&window.encode());
        out
    }

    /// Decodes `(uint32, uint48, uint48)` and checks the window's shape.
    pub(crate) fn decode_window(data: &[u8]) -> Result<(u32, Window), Vec<u8>> {
        let install = TimeWindowInstall::decode(data).or_revert()?;
        Ok((install.entity_id, install.window().well_formed()?))
    }
}

impl PermissionModule for TimeWindow {
    const MODULE_ID: &'static str = MODULE_ID;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let (entity_id, window) = Self::decode_window(data)?;
        let mut scope = ctx.scope(entity_id);
        scope.install()?;
        Self::store(&mut scope, window);
        Ok(entity_id)
    }

    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        _user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let window = Self::window(&ctx.scope(entity_id))?;
        Ok(window.validation_data().pack())
    }

    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        Self::check_now(ctx, args.entity_id)
    }

    fn pre_signature_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        _hash: B256,
    ) -> Result<(), Vec<u8>> {
        Self::check_now(ctx, entity_id)
    }

    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        Self::check_now(ctx, args.entity_id)
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        Some(match selector {
            SET_TIME_WINDOW => (|| {
                let (entity_id, window) = Self::decode_window(args.bytes())?;
                let mut scope = ctx.scope(entity_id);
                scope.require_installed()?;
                Self::store(&mut scope, window);
                Ok(Vec::new())
            })(),
            GET_TIME_WINDOW => (|| {
                let scope = ctx.view_scope(args)?;
                let window = window_from_payload(&scope.payload());
                Ok(Self::view(scope.is_installed(), window))
            })(),
            _ => return None,
        })
    }
}
