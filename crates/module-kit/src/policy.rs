//! Compile-time composition of permission rules into one program.
//!
//! A [`Rule`] is one permission type's logic, written once in its own crate
//! (time window, contract allowlist, selector allowlist, spending limit...)
//! over the storage it is given: a range of tags in the key's [`Scope`] and
//! some bytes of the scope's metadata payload, which a hook reads with the
//! install record itself. A tuple of rules ([`Rules`], up to eight) is a
//! policy; [`Policy`] makes a [`PolicyDef`] a [`PermissionModule`], so one
//! program, one install and one call per phase enforce a key's whole policy.
//!
//! ## Install data
//! `abi.encode(uint32 entityId, uint8 flags, bytes[] rules)`: one entry per
//! rule of the policy, in its order. An entry is that rule's standalone
//! install data (its entityId must be the policy's, else
//! `EntityIdMismatch(expected, found)`), or empty when the key does not use
//! the rule; a list of another length is refused with
//! `RuleCountMismatch(expected, found)`. The only flag is
//! [`CALLS_IN_EXECUTION`].
//!
//! ## Phases
//! - `preUserOpValidationHook`: every rule checks the operation's calls
//!   without the clock (ERC-7562). Spend rules charge them, and the gas, in
//!   the period of the timestamp in the hook's signature segment
//!   (`abi.encode(uint48 timestamp)`; empty: each limit's recorded period),
//!   and every rule narrows the returned validity window; the EntryPoint
//!   enforces it.
//! - `preRuntimeValidationHook` and `preSignatureValidationHook`: the same
//!   checks at the clock's time.
//! - `preExecutionHook`: every rule checks the calls at the clock (spend
//!   rules charge nothing again: validation did).
//!
//! With [`CALLS_IN_EXECUTION`] (the execution-phase variant, for bundlers
//! that refuse Stylus code in validation) the validation hooks look at no
//! call: they charge the operation's gas and return the window, and the
//! execution hook checks and charges the calls (a reverted execution then
//! charges nothing but the gas).
//!
//! Whatever the rules say, a call to the policy program itself is refused
//! (`PolicyCalled(address)`): the account is the admin of the key's state
//! here, so a key must never make it call `onUninstall`.

use alloc::vec::Vec;
use core::cell::Cell;
use core::marker::PhantomData;

use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::calls::{decode_account_call_data, decode_user_op_call_data, Call};
use permission_core::install::decode_entity_id;
use permission_core::selectors::selector;
use permission_core::user_op::PackedUserOpReader;
use permission_core::validation_data::{ValidationData, MAX_U48};
use permission_core::U256;
use stylus_sdk::stylus_core::Host;

use crate::errors::OrRevert;
use crate::router::{CallArgs, Ctx, PermissionModule};
use crate::scope::{Scope, PAYLOAD_LEN};
use crate::Output;

pub use permission_core::install::{encode_policy_install, CALLS_IN_EXECUTION};

/// `EntityIdMismatch(uint32,uint32)`.
pub const ENTITY_ID_MISMATCH: [u8; 4] = selector("EntityIdMismatch(uint32,uint32)");
/// `RuleCountMismatch(uint256,uint256)`.
pub const RULE_COUNT_MISMATCH: [u8; 4] = selector("RuleCountMismatch(uint256,uint256)");
/// `UnknownPolicyFlags(uint8)`.
pub const UNKNOWN_POLICY_FLAGS: [u8; 4] = selector("UnknownPolicyFlags(uint8)");
/// `PolicyCalled(address)`.
pub const POLICY_CALLED: [u8; 4] = selector("PolicyCalled(address)");
/// `InvalidPeriodHint(uint256)`: a segment that is not one `uint48` word.
pub const INVALID_PERIOD_HINT: [u8; 4] = selector("InvalidPeriodHint(uint256)");
/// `EmptyValidityWindow(uint48,uint48)`: the rules leave no second in
/// which the user operation could run (say, a hinted period outside the
/// key's time window), which the EntryPoint would refuse as AA22.
pub const EMPTY_VALIDITY_WINDOW: [u8; 4] = selector("EmptyValidityWindow(uint48,uint48)");
/// The errors of every policy, besides the common ones and its rules'.
pub const POLICY_ERRORS: [[u8; 4]; 6] = [
    ENTITY_ID_MISMATCH,
    RULE_COUNT_MISMATCH,
    UNKNOWN_POLICY_FLAGS,
    POLICY_CALLED,
    INVALID_PERIOD_HINT,
    EMPTY_VALIDITY_WINDOW,
];

/// Byte 0 of the payload: which rules the key uses (bit i = rule i).
const ACTIVE_MASK: usize = 0;
/// Byte 1 of the payload: the policy flags.
const FLAGS: usize = 1;
/// Where the rules' payload bytes start.
const RULES_PAYLOAD: usize = 2;

/// The phase a rule is asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// `preUserOpValidationHook`: no clock (ERC-7562), and only the
    /// account's associated storage.
    UserOp,
    /// `preRuntimeValidationHook`.
    Runtime,
    /// `preSignatureValidationHook` (ERC-1271): no calls.
    Signature,
    /// `preExecutionHook`.
    Execution,
}

/// One operation as every rule of the policy sees it.
pub struct Operation<'a> {
    /// The phase.
    pub phase: Phase,
    /// The calls the account will make (none on the signature path),
    /// decoded once for every rule.
    pub calls: &'a [Call<'a>],
    /// The user operation, in [`Phase::UserOp`].
    pub user_op: Option<&'a PackedUserOpReader<'a>>,
    /// The operation's time: the clock, or in [`Phase::UserOp`] the
    /// timestamp the signature segment hints (`None`: none was given).
    pub time: Option<u64>,
    /// Whether spend rules charge the calls in this phase.
    pub charge_calls: bool,
}

/// The storage a rule is given in one key's scope: its tags (from its base)
/// and its bytes of the metadata payload.
pub struct RuleStore<'s, 'h, H: Host> {
    /// The key's scope (account, entityId, install generation).
    pub scope: &'s Scope<'h, H>,
    /// Whether the key uses this rule (its install entry was not empty).
    pub active: bool,
    base: u8,
    payload: &'s Cell<[u8; PAYLOAD_LEN]>,
    at: usize,
    len: usize,
}

impl<'s, 'h, H: Host> RuleStore<'s, 'h, H> {
    /// A store for a rule used alone, as a standalone module uses it: tags
    /// from `base`, payload bytes `at..at + len` of `payload`.
    pub fn new(
        scope: &'s Scope<'h, H>,
        base: u8,
        payload: &'s Cell<[u8; PAYLOAD_LEN]>,
        at: usize,
        len: usize,
    ) -> Self {
        Self {
            scope,
            active: true,
            base,
            payload,
            at,
            len,
        }
    }

    /// The rule's tag `k` (`k` below its [`Rule::TAGS`]).
    pub fn tag(&self, k: u8) -> u8 {
        // Rules::TAGS_USED proves base + TAGS fits a u8.
        self.base.wrapping_add(k)
    }

    /// The host.
    pub fn host(&self) -> &'h H {
        self.scope.host()
    }

    /// The rule's payload bytes, at the start of a payload-sized array.
    pub fn payload(&self) -> [u8; PAYLOAD_LEN] {
        let mut out = [0u8; PAYLOAD_LEN];
        let all = self.payload.get();
        let end = (self.at + self.len).min(PAYLOAD_LEN);
        let start = self.at.min(end);
        out[..end - start].copy_from_slice(&all[start..end]);
        out
    }

    /// Replaces the rule's payload bytes with the start of `bytes`; the
    /// policy writes the payload once, after every rule installed.
    pub fn set_payload(&self, bytes: &[u8]) {
        let mut all = self.payload.get();
        let n = bytes.len().min(self.len);
        let start = self.at.min(PAYLOAD_LEN);
        let end = (self.at + n).min(PAYLOAD_LEN);
        all[start..end].copy_from_slice(&bytes[..end - start]);
        self.payload.set(all);
    }
}

/// One permission type's rule, as a policy composes it.
pub trait Rule {
    /// How many storage tags the rule uses, from its base.
    const TAGS: u8;
    /// How many payload bytes the rule keeps (read with the install record).
    const PAYLOAD: usize;
    /// The selectors [`Rule::view`] answers.
    const VIEWS: &'static [[u8; 4]] = &[];

    /// Decodes the rule's install data (its standalone module's) and
    /// refuses it with the module's error if the module would. Writes
    /// nothing: the policy validates every rule before any rule writes.
    fn validate<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>>;

    /// Writes the state of install data that passed [`Rule::validate`].
    fn install<H: Host>(store: &RuleStore<'_, '_, H>, data: &[u8]) -> Result<(), Vec<u8>>;

    /// Checks one operation, charging what the rule charges, and narrows
    /// `bounds`, the validity window a user operation is given.
    fn check<H: Host>(
        store: &RuleStore<'_, '_, H>,
        op: &Operation<'_>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>>;

    /// Answers the rule's views (its standalone module's), or `None` for
    /// another selector. The store is the scope the view names.
    fn view<H: Host>(
        _store: &RuleStore<'_, '_, H>,
        _selector: [u8; 4],
        _args: &AbiReader<'_>,
    ) -> Option<Output> {
        None
    }
}

/// A tuple of rules: a policy's composition.
pub trait Rules {
    /// Number of rules.
    const COUNT: usize;
    /// Tags used by all the rules, from 1.
    const TAGS_USED: usize;
    /// Payload bytes used, the policy's own two included.
    const PAYLOAD_USED: usize;

    /// Whether some rule answers the view `selector`.
    fn is_view(selector: [u8; 4]) -> bool;

    /// Installs the non-empty entries of `sections`; sets the active mask.
    fn install_all<H: Host>(
        scope: &Scope<'_, H>,
        payload: &Cell<[u8; PAYLOAD_LEN]>,
        sections: &[&[u8]],
    ) -> Result<(), Vec<u8>>;

    /// Runs every active rule on `op`.
    fn check_all<H: Host>(
        scope: &Scope<'_, H>,
        payload: &Cell<[u8; PAYLOAD_LEN]>,
        op: &Operation<'_>,
        bounds: &mut ValidationData,
    ) -> Result<(), Vec<u8>>;

    /// The first rule's answer to a view.
    fn view_any<H: Host>(
        scope: &Scope<'_, H>,
        payload: &Cell<[u8; PAYLOAD_LEN]>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output>;
}

macro_rules! impl_rules {
    ($count:expr; $($rule:ident),+) => {
        impl<$($rule: Rule),+> Rules for ($($rule,)+) {
            const COUNT: usize = $count;
            const TAGS_USED: usize = 1 $(+ $rule::TAGS as usize)+;
            const PAYLOAD_USED: usize = RULES_PAYLOAD $(+ $rule::PAYLOAD)+;

            fn is_view(selector: [u8; 4]) -> bool {
                false $(|| $rule::VIEWS.contains(&selector))+
            }

            fn install_all<H: Host>(
                scope: &Scope<'_, H>,
                payload: &Cell<[u8; PAYLOAD_LEN]>,
                sections: &[&[u8]],
            ) -> Result<(), Vec<u8>> {
                const { assert!(Self::TAGS_USED <= 256 && Self::PAYLOAD_USED <= PAYLOAD_LEN) };
                // Every entry is checked before any rule writes, so a bad
                // entry leaves nothing behind (natively too, where no revert
                // undoes storage).
                let mut layout = Layout::start();
                $(
                    let (store, bit) = layout.next::<H, $rule>(scope, payload, true);
                    let section = sections.get(bit).copied().unwrap_or_default();
                    if !section.is_empty() {
                        let found = decode_entity_id(section).or_revert()?;
                        if found != scope.entity_id {
                            return Err(AbiWriter::new(2)
                                .uint(scope.entity_id.into())
                                .uint(found.into())
                                .finish_with_selector(ENTITY_ID_MISMATCH));
                        }
                        $rule::validate(&store, section)?;
                    }
                )+
                let mut layout = Layout::start();
                let mut mask = 0u8;
                $(
                    let (store, bit) = layout.next::<H, $rule>(scope, payload, true);
                    let section = sections.get(bit).copied().unwrap_or_default();
                    if !section.is_empty() {
                        $rule::install(&store, section)?;
                        mask |= 1 << bit;
                    }
                )+
                let mut all = payload.get();
                all[ACTIVE_MASK] = mask;
                payload.set(all);
                Ok(())
            }

            fn check_all<H: Host>(
                scope: &Scope<'_, H>,
                payload: &Cell<[u8; PAYLOAD_LEN]>,
                op: &Operation<'_>,
                bounds: &mut ValidationData,
            ) -> Result<(), Vec<u8>> {
                let mask = payload.get()[ACTIVE_MASK];
                let mut layout = Layout::start();
                $(
                    let (store, bit) = layout.next::<H, $rule>(scope, payload, false);
                    if mask & (1 << bit) != 0 {
                        $rule::check(&store, op, bounds)?;
                    }
                )+
                Ok(())
            }

            fn view_any<H: Host>(
                scope: &Scope<'_, H>,
                payload: &Cell<[u8; PAYLOAD_LEN]>,
                selector: [u8; 4],
                args: &AbiReader<'_>,
            ) -> Option<Output> {
                let mask = payload.get()[ACTIVE_MASK];
                let mut layout = Layout::start();
                $(
                    let (mut store, bit) = layout.next::<H, $rule>(scope, payload, false);
                    store.active = scope.is_installed() && mask & (1 << bit) != 0;
                    if let Some(out) = $rule::view(&store, selector, args) {
                        return Some(out);
                    }
                )+
                None
            }
        }
    };
}

/// Hands out each rule's tags and payload bytes in order.
struct Layout {
    base: u8,
    at: usize,
    bit: usize,
}

impl Layout {
    fn start() -> Self {
        Self {
            base: 1,
            at: RULES_PAYLOAD,
            bit: 0,
        }
    }

    fn next<'s, 'h, H: Host, R: Rule>(
        &mut self,
        scope: &'s Scope<'h, H>,
        payload: &'s Cell<[u8; PAYLOAD_LEN]>,
        active: bool,
    ) -> (RuleStore<'s, 'h, H>, usize) {
        let store = RuleStore {
            scope,
            active,
            base: self.base,
            payload,
            at: self.at,
            len: R::PAYLOAD,
        };
        let bit = self.bit;
        self.base = self.base.wrapping_add(R::TAGS);
        self.at += R::PAYLOAD;
        self.bit += 1;
        (store, bit)
    }
}

impl_rules!(1; A);
impl_rules!(2; A, B);
impl_rules!(3; A, B, C);
impl_rules!(4; A, B, C, D);
impl_rules!(5; A, B, C, D, E);
impl_rules!(6; A, B, C, D, E, F);
impl_rules!(7; A, B, C, D, E, F, G);
impl_rules!(8; A, B, C, D, E, F, G, I);

/// A policy: its `moduleId` and its rules.
pub trait PolicyDef: 'static {
    /// `moduleId()`.
    const MODULE_ID: &'static str;
    /// The rules, in install-data order.
    type Rules: Rules;
}

/// The [`PermissionModule`] of a [`PolicyDef`].
pub struct Policy<P: PolicyDef>(PhantomData<P>);

impl<P: PolicyDef> Policy<P> {
    /// Runs the rules on one operation of the key `entity_id` of the
    /// caller, in `phase` at `time`. One function for every phase, so the
    /// program holds it once.
    fn run<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        phase: Phase,
        time: Option<u64>,
        calls_source: CallsSource<'_>,
        user_op: Option<&PackedUserOpReader<'_>>,
    ) -> Result<ValidationData, Vec<u8>> {
        let scope = ctx.scope(entity_id);
        scope.require_installed()?;
        let payload = Cell::new(scope.payload());
        let in_execution = payload.get()[FLAGS] & CALLS_IN_EXECUTION != 0;
        let charge_calls = match phase {
            Phase::UserOp | Phase::Runtime => !in_execution,
            // Without the flag the calls were charged in validation.
            Phase::Execution => in_execution,
            Phase::Signature => false,
        };
        // The execution-phase variant looks at the calls only there.
        let calls_source = match phase {
            Phase::UserOp | Phase::Runtime if in_execution => CallsSource::None,
            _ => calls_source,
        };
        let calls = match calls_source {
            CallsSource::None => Vec::new(),
            CallsSource::UserOp(data) => decode_user_op_call_data(data)
                .or_revert()?
                .collect_all()
                .or_revert()?,
            CallsSource::Account(data) => decode_account_call_data(data)
                .or_revert()?
                .collect_all()
                .or_revert()?,
        };
        let policy = ctx.host.contract_address();
        if let Some(call) = calls.iter().find(|call| call.target == policy) {
            return Err(AbiWriter::new(1)
                .address(call.target)
                .finish_with_selector(POLICY_CALLED));
        }
        let operation = Operation {
            phase,
            calls: &calls,
            user_op,
            time,
            charge_calls,
        };
        let mut bounds = ValidationData::default();
        P::Rules::check_all(&scope, &payload, &operation, &mut bounds)?;
        Ok(bounds)
    }

    /// [`Self::run`] at the clock, which the bounds are then checked
    /// against.
    fn run_at_clock<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        phase: Phase,
        calls_source: CallsSource<'_>,
    ) -> Result<(), Vec<u8>> {
        let now = ctx.host.block_timestamp();
        let bounds = Self::run(ctx, entity_id, phase, Some(now), calls_source, None)?;
        check_bounds_at(&bounds, now)
    }
}

/// Where the operation's calls come from.
enum CallsSource<'a> {
    None,
    UserOp(&'a [u8]),
    Account(&'a [u8]),
}

/// The timestamp a user operation's policy segment hints: empty, or one
/// `uint48` word; anything else reverts `InvalidPeriodHint(word)`.
pub fn period_hint(segment: &[u8]) -> Result<Option<u64>, Vec<u8>> {
    if segment.is_empty() {
        return Ok(None);
    }
    match (segment.len(), AbiReader::new(segment).uint(0, 48)) {
        (32, Ok(timestamp)) => Ok(Some(timestamp)),
        _ => {
            let word = U256::from_be_slice(segment.get(..32).unwrap_or(segment));
            Err(AbiWriter::new(1)
                .u256(word)
                .finish_with_selector(INVALID_PERIOD_HINT))
        }
    }
}

/// Refuses validity bounds that leave no second to run in
/// (`EmptyValidityWindow`), which the EntryPoint would refuse as AA22. A
/// rule that writes in validation checks its narrowed bounds with this
/// before it writes; the policy checks them again after every rule.
pub fn require_some_time(bounds: &ValidationData) -> Result<(), Vec<u8>> {
    let valid_until = bounds.valid_until.min(MAX_U48);
    if valid_until != 0 && bounds.valid_after > valid_until {
        return Err(AbiWriter::new(2)
            .uint(bounds.valid_after)
            .uint(valid_until)
            .finish_with_selector(EMPTY_VALIDITY_WINDOW));
    }
    Ok(())
}

/// Refuses a call that leaves the window, at `now`, with the user-op
/// bounds' meaning (validUntil 0 = none) checked against the clock.
fn check_bounds_at(bounds: &ValidationData, now: u64) -> Result<(), Vec<u8>> {
    permission_core::Window::new(bounds.valid_after, bounds.valid_until).check_at(now)
}

impl<P: PolicyDef> PermissionModule for Policy<P> {
    const MODULE_ID: &'static str = P::MODULE_ID;
    /// The segment may name the period that periodic limits charge.
    const READS_USER_OP_SEGMENT: bool = true;

    fn on_install<H: Host>(ctx: &Ctx<'_, H>, data: &[u8]) -> Result<u32, Vec<u8>> {
        let args = AbiReader::new(data);
        let entity_id = args.u32(0).or_revert()?;
        let flags = args.uint(1, 8).or_revert()? as u8;
        if flags & !CALLS_IN_EXECUTION != 0 {
            return Err(AbiWriter::new(1)
                .uint(flags.into())
                .finish_with_selector(UNKNOWN_POLICY_FLAGS));
        }
        let (count, body) = args.array(2).or_revert()?;
        if count != P::Rules::COUNT {
            return Err(AbiWriter::new(2)
                .uint(P::Rules::COUNT as u64)
                .uint(count as u64)
                .finish_with_selector(RULE_COUNT_MISMATCH));
        }
        let sections = (0..count)
            .map(|i| body.dyn_bytes(i))
            .collect::<Result<Vec<_>, _>>()
            .or_revert()?;
        let mut scope = ctx.scope(entity_id);
        if scope.is_installed() {
            return Err(crate::errors::already_installed(scope.account, entity_id));
        }
        let mut initial = [0u8; PAYLOAD_LEN];
        initial[FLAGS] = flags;
        let payload = Cell::new(initial);
        // The rules write in the scope's current generation, which the
        // install record below does not change.
        P::Rules::install_all(&scope, &payload, &sections)?;
        scope.install()?;
        scope.set_payload(payload.get());
        Ok(entity_id)
    }

    fn pre_user_op_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        user_op: &PackedUserOpReader<'_>,
    ) -> Result<U256, Vec<u8>> {
        let hint = period_hint(user_op.signature().or_revert()?)?;
        let call_data = user_op.call_data().or_revert()?;
        let bounds = Self::run(
            ctx,
            entity_id,
            Phase::UserOp,
            hint,
            CallsSource::UserOp(call_data),
            Some(user_op),
        )?;
        require_some_time(&bounds)?;
        Ok(ValidationData::window(bounds.valid_after, bounds.valid_until.min(MAX_U48)).pack())
    }

    fn pre_runtime_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        args: &CallArgs<'_>,
    ) -> Result<(), Vec<u8>> {
        Self::run_at_clock(
            ctx,
            args.entity_id,
            Phase::Runtime,
            CallsSource::Account(args.data),
        )
    }

    fn pre_signature_validation<H: Host>(
        ctx: &Ctx<'_, H>,
        entity_id: u32,
        _hash: permission_core::B256,
    ) -> Result<(), Vec<u8>> {
        Self::run_at_clock(ctx, entity_id, Phase::Signature, CallsSource::None)
    }

    fn pre_execution<H: Host>(ctx: &Ctx<'_, H>, args: &CallArgs<'_>) -> Result<(), Vec<u8>> {
        Self::run_at_clock(
            ctx,
            args.entity_id,
            Phase::Execution,
            CallsSource::Account(args.data),
        )
    }

    fn call_admin<H: Host>(
        ctx: &Ctx<'_, H>,
        selector: [u8; 4],
        args: &AbiReader<'_>,
    ) -> Option<Output> {
        if !P::Rules::is_view(selector) {
            return None;
        }
        // Every rule view takes (address account, uint32 entityId, ...).
        let scope = match ctx.view_scope(args) {
            Ok(scope) => scope,
            Err(err) => return Some(Err(err)),
        };
        let payload = Cell::new(scope.payload());
        P::Rules::view_any(&scope, &payload, selector, args)
    }
}
