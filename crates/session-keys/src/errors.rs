//! What a `handleOps` transaction says: `FailedOp` / `FailedOpWithRevert`
//! (validation refused, the whole bundle reverted), the account's wrapped
//! module errors inside them, and the `UserOperationEvent` /
//! `UserOperationRevertReason` logs of executed operations
//! (docs/design/mav2-account.md §3.6, §4.3, §5.5).
//!
//! ```text
//! FailedOpWithRevert(0, "AA23 reverted",
//!     PreUserOpValidationHookReverted(module ‖ hookEntityId,    // the account
//!         SelectorNotAllowed(target, selector)))                // the hook
//! ```
//!
//! [`HandleOpsExt`] adds the decoders to [`TxOutcome`]; [`describe`] names
//! any revert data it can, recursively, for assertion messages.

use alloy_primitives::{hex, Address, Bytes, FixedBytes, U256};
use alloy_sol_types::{SolError, SolInterface};
use localnet::TxOutcome;

use crate::abi::{
    IContractAllowlistModule, IEntryPoint, IEntryPointErrors, IParamRulesModule,
    IPaymasterGuardModule, IReferenceAccount, ISelectorAllowlistModule, ISessionPolicyModule,
    ISessionSignerModule, ISpendingLimitModule, ITimeWindowModule, IUsageLimitModule, MAv2Account,
};
use crate::encode::split_module_entity;
use crate::operation::entry_point_events;

/// A `handleOps` validation failure, as the EntryPoint reverts with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedOp {
    /// The index of the refused operation in the bundle.
    pub op_index: U256,
    /// `"AA.. reason"`.
    pub reason: String,
    /// The callee's revert data for `FailedOpWithRevert` (`"AA23 reverted"`,
    /// `"AA33 reverted"`), `None` for a plain `FailedOp`.
    pub inner: Option<Bytes>,
}

impl FailedOp {
    /// Decodes `FailedOp(uint256,string)` or
    /// `FailedOpWithRevert(uint256,string,bytes)`.
    pub fn decode(data: &[u8]) -> Option<Self> {
        match IEntryPointErrors::abi_decode(data).ok()? {
            IEntryPointErrors::FailedOp(e) => Some(Self {
                op_index: e.opIndex,
                reason: e.reason,
                inner: None,
            }),
            IEntryPointErrors::FailedOpWithRevert(e) => Some(Self {
                op_index: e.opIndex,
                reason: e.reason,
                inner: Some(e.inner),
            }),
            _ => None,
        }
    }

    /// The account's error in `inner`, decoded.
    pub fn account_error(&self) -> Option<IReferenceAccount::IReferenceAccountErrors> {
        IReferenceAccount::IReferenceAccountErrors::abi_decode(self.inner.as_deref()?).ok()
    }

    /// The wrapped module error in `inner`, if the account reverted with one.
    pub fn module_error(&self) -> Option<ModuleError> {
        ModuleError::decode(self.inner.as_deref()?)
    }
}

impl std::fmt::Display for FailedOp {
    /// `FailedOp(i, "AA.. reason")`, or `FailedOpWithRevert(i, "AA.. reason",
    /// <inner, decoded by [`describe`]>)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            None => write!(f, "FailedOp({}, {:?})", self.op_index, self.reason),
            Some(inner) => write!(
                f,
                "FailedOpWithRevert({}, {:?}, {})",
                self.op_index,
                self.reason,
                describe(inner)
            ),
        }
    }
}

/// Which of the account's wrapping errors carried a module's revert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrapper {
    /// `PreUserOpValidationHookReverted(bytes24,bytes)` `0x4db96e31`.
    PreUserOpValidationHook,
    /// `UserOpValidationFunctionReverted(bytes24,bytes)` `0x19aed90d`.
    UserOpValidationFunction,
    /// `PreExecHookReverted(bytes24,bytes)` `0x74a1a72c`.
    PreExecHook,
    /// `PostExecHookReverted(bytes24,bytes)` `0xf19fc593`.
    PostExecHook,
    /// `PreRuntimeValidationHookReverted(bytes24,bytes)` `0xa32d2f5d`.
    PreRuntimeValidationHook,
    /// `RuntimeValidationFunctionReverted(bytes24,bytes)` `0x4622c748`.
    RuntimeValidationFunction,
    /// `PreSignatureValidationHookReverted(bytes24,bytes)` (ERC-1271).
    PreSignatureValidationHook,
}

/// A module's revert as the account wraps it:
/// `Wrapper(module ‖ entityId, reason)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleError {
    /// The wrapping error.
    pub wrapper: Wrapper,
    /// The module that reverted.
    pub module: Address,
    /// The entity id it was called with (a hook's own id for hooks).
    pub entity_id: u32,
    /// The module's full revert data.
    pub reason: Bytes,
}

impl ModuleError {
    /// Decodes one of the [`Wrapper`] errors.
    pub fn decode(data: &[u8]) -> Option<Self> {
        fn wrapped<E: SolError>(
            data: &[u8],
            wrapper: Wrapper,
            parts: impl Fn(E) -> (FixedBytes<24>, Bytes),
        ) -> Option<ModuleError> {
            if data.get(..4)? != E::SELECTOR {
                return None;
            }
            let (entity, reason) = parts(E::abi_decode(data).ok()?);
            let (module, entity_id) = split_module_entity(entity);
            Some(ModuleError {
                wrapper,
                module,
                entity_id,
                reason,
            })
        }
        use IReferenceAccount as A;
        wrapped::<A::PreUserOpValidationHookReverted>(data, Wrapper::PreUserOpValidationHook, |e| {
            (e.moduleEntity, e.revertReason)
        })
        .or_else(|| {
            wrapped::<A::UserOpValidationFunctionReverted>(
                data,
                Wrapper::UserOpValidationFunction,
                |e| (e.moduleEntity, e.revertReason),
            )
        })
        .or_else(|| {
            wrapped::<A::PreExecHookReverted>(data, Wrapper::PreExecHook, |e| {
                (e.moduleEntity, e.revertReason)
            })
        })
        .or_else(|| {
            wrapped::<A::PostExecHookReverted>(data, Wrapper::PostExecHook, |e| {
                (e.moduleEntity, e.revertReason)
            })
        })
        .or_else(|| {
            wrapped::<A::PreRuntimeValidationHookReverted>(
                data,
                Wrapper::PreRuntimeValidationHook,
                |e| (e.moduleEntity, e.revertReason),
            )
        })
        .or_else(|| {
            wrapped::<A::RuntimeValidationFunctionReverted>(
                data,
                Wrapper::RuntimeValidationFunction,
                |e| (e.moduleEntity, e.revertReason),
            )
        })
        .or_else(|| {
            wrapped::<A::PreSignatureValidationHookReverted>(
                data,
                Wrapper::PreSignatureValidationHook,
                |e| (e.moduleEntity, e.revertReason),
            )
        })
    }

    /// The module's revert decoded as one of `E`'s errors (e.g.
    /// `ISelectorAllowlistModuleErrors`).
    pub fn reason_as<E: SolInterface>(&self) -> Option<E> {
        E::abi_decode(&self.reason).ok()
    }
}

/// Decoders for the outcome of `EntryPoint.handleOps`.
pub trait HandleOpsExt {
    /// The validation failure the transaction reverted with, if any.
    fn failed_op(&self) -> Option<FailedOp>;
    /// The `UserOperationEvent`s, in order.
    fn user_op_events(&self) -> Vec<IEntryPoint::UserOperationEvent>;
    /// The `UserOperationRevertReason`s, in order.
    fn user_op_revert_reasons(&self) -> Vec<IEntryPoint::UserOperationRevertReason>;
    /// [`HandleOpsExt::failed_op`], panicking with [`describe`]'s account of
    /// what happened if the transaction did not revert with one.
    #[track_caller]
    fn expect_failed_op(&self) -> FailedOp;
    /// Asserts the transaction succeeded and every operation's
    /// `UserOperationEvent.success` is true; returns the events.
    #[track_caller]
    fn expect_ops_succeeded(&self) -> Vec<IEntryPoint::UserOperationEvent>;
    /// Asserts the transaction succeeded with exactly one operation, which
    /// passed validation but whose execution reverted
    /// (`UserOperationEvent.success == false`), with one
    /// `UserOperationRevertReason` for it; returns the event and that
    /// revert data.
    #[track_caller]
    fn expect_op_reverted(&self) -> (IEntryPoint::UserOperationEvent, Bytes);
}

impl HandleOpsExt for TxOutcome {
    fn failed_op(&self) -> Option<FailedOp> {
        FailedOp::decode(self.revert_data()?)
    }

    fn user_op_events(&self) -> Vec<IEntryPoint::UserOperationEvent> {
        entry_point_events(&self.logs).unwrap_or_else(|e| panic!("{e}"))
    }

    fn user_op_revert_reasons(&self) -> Vec<IEntryPoint::UserOperationRevertReason> {
        entry_point_events(&self.logs).unwrap_or_else(|e| panic!("{e}"))
    }

    #[track_caller]
    fn expect_failed_op(&self) -> FailedOp {
        match self.failed_op() {
            Some(failed) => failed,
            None => panic!(
                "expected handleOps to revert with FailedOp, got: {}",
                describe_outcome(self)
            ),
        }
    }

    #[track_caller]
    fn expect_ops_succeeded(&self) -> Vec<IEntryPoint::UserOperationEvent> {
        assert!(self.success, "handleOps failed: {}", describe_outcome(self));
        let events = self.user_op_events();
        assert!(
            !events.is_empty(),
            "handleOps emitted no UserOperationEvent"
        );
        let reasons = self.user_op_revert_reasons();
        for event in &events {
            let why = reasons
                .iter()
                .filter(|r| r.userOpHash == event.userOpHash)
                .map(|r| describe(&r.revertReason))
                .collect::<Vec<_>>()
                .join("; ");
            assert!(
                event.success,
                "user operation {} (nonce {:#x}) failed in execution: {}",
                event.userOpHash,
                event.nonce,
                if why.is_empty() {
                    "no revert reason (empty revert)".into()
                } else {
                    why
                }
            );
        }
        events
    }

    #[track_caller]
    fn expect_op_reverted(&self) -> (IEntryPoint::UserOperationEvent, Bytes) {
        assert!(self.success, "handleOps failed: {}", describe_outcome(self));
        let events = self.user_op_events();
        assert_eq!(events.len(), 1, "expected one UserOperationEvent");
        let event = events.into_iter().next().expect("one event");
        let reasons = self.user_op_revert_reasons();
        assert!(
            !event.success,
            "user operation {} succeeded; expected its execution to revert",
            event.userOpHash
        );
        assert_eq!(
            reasons.len(),
            1,
            "expected one UserOperationRevertReason, got {reasons:?}"
        );
        let reason = reasons.into_iter().next().expect("one reason");
        assert_eq!(reason.userOpHash, event.userOpHash);
        assert_eq!(reason.sender, event.sender);
        assert_eq!(reason.nonce, event.nonce);
        (event, reason.revertReason)
    }
}

/// A readable account of an outcome: success with its gas, or the decoded
/// revert ([`describe`]) plus localnet's program failures.
pub fn describe_outcome(outcome: &TxOutcome) -> String {
    if outcome.success {
        return format!("success, {} gas", outcome.gas_used);
    }
    let mut out = match outcome.revert_data() {
        Some(data) => format!("reverted {}", describe(data)),
        None => outcome.to_string(),
    };
    for failure in &outcome.failures {
        out.push_str(&format!(
            "; program {} (depth {}) failed: {}",
            failure.contract, failure.depth, failure.reason
        ));
    }
    out
}

/// Names revert data: the EntryPoint's, the account's and the modules'
/// errors, `Error(string)` and `Panic(uint256)`, recursing into the
/// `bytes` of `FailedOpWithRevert` and of the account's wrapping errors.
/// Unknown data is shown as hex.
pub fn describe(data: &[u8]) -> String {
    if data.is_empty() {
        return "(empty)".into();
    }
    if let Some(failed) = FailedOp::decode(data) {
        return failed.to_string();
    }
    if let Some(wrapped) = ModuleError::decode(data) {
        return format!(
            "{:?}({} entity {}, {})",
            wrapped.wrapper,
            wrapped.module,
            wrapped.entity_id,
            describe(&wrapped.reason)
        );
    }
    if let Ok(e) = alloy_sol_types::GenericContractError::abi_decode(data) {
        match e {
            alloy_sol_types::ContractError::Revert(r) => return format!("Error({:?})", r.reason),
            alloy_sol_types::ContractError::Panic(p) => return format!("{p}"),
            _ => {}
        }
    }
    macro_rules! try_errors {
        ($($errors:ty),* $(,)?) => {$(
            if let Ok(e) = <$errors>::abi_decode(data) {
                return format!("{e:?}");
            }
        )*};
    }
    try_errors!(
        IEntryPointErrors,
        IReferenceAccount::IReferenceAccountErrors,
        MAv2Account::MAv2AccountErrors,
        ISessionSignerModule::ISessionSignerModuleErrors,
        ISelectorAllowlistModule::ISelectorAllowlistModuleErrors,
        ITimeWindowModule::ITimeWindowModuleErrors,
        IContractAllowlistModule::IContractAllowlistModuleErrors,
        ISpendingLimitModule::ISpendingLimitModuleErrors,
        IUsageLimitModule::IUsageLimitModuleErrors,
        IPaymasterGuardModule::IPaymasterGuardModuleErrors,
        IParamRulesModule::IParamRulesModuleErrors,
        // The policy's own errors (its rules' are the modules' above).
        ISessionPolicyModule::ISessionPolicyModuleErrors,
    );
    format!("0x{}", hex::encode(data))
}

/// A refusal in a line: the EntryPoint's code, the module that refused and
/// its error.
pub fn short_reason(data: &[u8]) -> String {
    if let Some(failed) = FailedOp::decode(data) {
        return match failed.inner.as_deref() {
            Some(inner) => format!("{}: {}", failed.reason, short_reason(inner)),
            None => failed.reason,
        };
    }
    if let Some(module) = ModuleError::decode(data) {
        return format!("{}: {}", module.module, short_reason(&module.reason));
    }
    compact(&describe(data))
}

/// `Name(Name { a: 1, b: 2 })` → `Name(a: 1, b: 2)`; `Name(Name)` → `Name`.
fn compact(debug: &str) -> String {
    let Some((name, rest)) = debug.split_once('(') else {
        return debug.to_string();
    };
    let inner = rest.strip_suffix(')').unwrap_or(rest);
    if inner == name {
        return name.to_string();
    }
    match inner
        .strip_prefix(name)
        .map(str::trim)
        .and_then(|s| s.strip_prefix('{'))
        .and_then(|s| s.strip_suffix('}'))
    {
        Some(fields) => format!("{name}({})", fields.trim()),
        None => debug.to_string(),
    }
}

/// `text` with every address of `names` (checksummed, as `Debug` prints
/// it, or lowercase) replaced by its name: a reason made readable.
pub fn name_addresses<'a>(
    text: &str,
    names: impl IntoIterator<Item = (Address, &'a str)>,
) -> String {
    let mut out = text.to_string();
    for (address, name) in names {
        for form in [
            address.to_string(),
            format!("{address:?}"),
            address.to_string().to_lowercase(),
        ] {
            out = out.replace(&form, name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use alloy_primitives::Address;
    use alloy_sol_types::SolError;

    use super::*;

    #[test]
    fn the_session_policys_own_errors_are_named() {
        let policy = Address::repeat_byte(0x4D);
        let data = ISessionPolicyModule::PolicyCalled { target: policy }.abi_encode();
        assert_eq!(
            short_reason(&data),
            format!("PolicyCalled(target: {policy:?})")
        );
        let data = ISessionPolicyModule::EmptyValidityWindow {
            validAfter: alloy_primitives::aliases::U48::from(9),
            validUntil: alloy_primitives::aliases::U48::from(8),
        }
        .abi_encode();
        assert!(
            describe(&data).starts_with("EmptyValidityWindow"),
            "{}",
            describe(&data)
        );
    }
}
