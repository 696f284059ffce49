//! The session-key scenarios, on any [`Chain`]: the demo that
//! `session-keys demo` prints, and the end-to-end tests that run on both
//! backends.
//!
//! Setup, all from one funded key (the owner, who also bundles):
//! 1. the modules, the reference account's code and EntryPoint v0.7
//!    ([`crate::deploy::deploy_all`]);
//! 2. a Counter, an ERC-20 (OpenZeppelin's preset, 1,000 tokens to the
//!    account), and a fresh reference account initialized with the owner's
//!    global validation (entity 0) and an EntryPoint deposit.
//!
//! Then each [`Step`] is one action, checked against what it must do:
//! the owner grants the session key (entity 1) over the runtime path with
//! [`PermissionSet`], enforced by one session-policy validation hook:
//! `increment()` on the Counter, `transfer` on the token, at most 100
//! tokens a day (charged in validation, so an over-limit transfer is
//! refused before anyone pays), at most 0.05 ether of native coin with each
//! operation's gas counted (so fees the key sets for itself cannot drain
//! the account), and 25 hours of validity; the key
//! acts within and outside those permissions, through
//! `EntryPoint.handleOps`; a day later its limit is back; after two days it
//! has expired; the owner revokes it. The steps that move the clock are
//! skipped on a chain that cannot ([`ChainError::Unsupported`]).
//!
//! [`run_with`] and [`Enforcement::Modules`] run the same steps with one
//! hook per permission module instead: the over-limit transfer then
//! reverts in execution (spending-limit's execution hook) instead of being
//! refused in validation, and every other step ends the same way.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use localnet::entry_point::ENTRY_POINT;
use serde::Serialize;

use crate::abi::IEntryPoint;
use crate::abi::{ICounter, IERC20};
use crate::account::{create_account, send_as_owner, OWNER_ENTITY};
use crate::chain::{Chain, ChainError, TxRequest};
use crate::counter;
use crate::deploy::{deploy_all, DeployError, Deployment, Progress};
use crate::encode::{execute, execute_batch, user_op_prefixed};
use crate::errors::{name_addresses, short_reason};
use crate::inspect::{hook_segments, validation_view, InspectError};
use crate::modules::Modules;
use crate::operation::{
    entry_point_events, estimate_gas_with_segments, handle_ops, signed_op_with_segments,
    EstimateError, OpOutcome,
};
use crate::permissions::{PermissionError, PermissionSet, UsageUnit};
use crate::session::Enforcement;
use crate::session::SignerSpec;
use crate::signer::Key;
use crate::token::{tokens, Token};
use crate::user_op::Gas;

/// The session key's entity id.
pub const SESSION_ENTITY: u32 = 1;
/// One day.
pub const DAY: u64 = 86_400;
/// How long the demo's key is valid: 25 hours, so that "a day later"
/// (plus the seconds the chain's blocks take) is inside the window and
/// "two days later" is not.
pub const VALIDITY: u64 = DAY + 3_600;

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Deploying failed.
    #[error(transparent)]
    Deploy(#[from] DeployError),
    /// The chain failed.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The permission set was refused.
    #[error(transparent)]
    Permission(#[from] PermissionError),
    /// A setup step failed.
    #[error("{0}")]
    Setup(String),
}

/// What a step must do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "reason")]
pub enum Expect {
    /// Succeed.
    Allowed,
    /// Be refused, with a reason containing this text.
    Refused(&'static str),
}

/// What a step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// It went through.
    Allowed,
    /// Validation refused it: the EntryPoint reverted `handleOps`, nothing
    /// executed, nothing was paid.
    RefusedInValidation,
    /// It was validated and paid for, and its execution reverted.
    RevertedInExecution,
    /// A direct transaction reverted.
    Reverted,
    /// Not run: the chain cannot move its clock.
    Skipped,
}

impl Verdict {
    /// Allowed, refused or skipped, for the table.
    pub fn label(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::RefusedInValidation => "refused (validation)",
            Self::RevertedInExecution => "refused (execution)",
            Self::Reverted => "reverted",
            Self::Skipped => "skipped",
        }
    }
}

/// One row of the demo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Who does what.
    pub action: String,
    /// What it must do.
    pub expect: Expect,
    /// What it did.
    pub verdict: Verdict,
    /// The decoded reason of a refusal, with contracts named.
    pub reason: String,
    /// Gas of the transaction, if one was mined.
    pub gas_used: Option<u64>,
    /// For a session-key operation that was paid for: the gas the account
    /// was charged (the `UserOperationEvent`'s `actualGasUsed`: its
    /// validation and execution, the pre-verification gas, and 10% of the
    /// call gas it left unused).
    pub account_gas: Option<u64>,
    /// Whether the verdict matches the expectation.
    pub as_expected: bool,
}

/// The demo's result.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The chain id.
    pub chain_id: u64,
    /// Where everything is.
    pub deployment: Deployment,
    /// The demo account.
    pub account: Address,
    /// The session key's address.
    pub session_key: Address,
    /// How the key's permissions were enforced.
    pub enforcement: Enforcement,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Report {
    /// Whether every step did what it must.
    pub fn all_as_expected(&self) -> bool {
        self.steps.iter().all(|s| s.as_expected)
    }

    /// The steps as a text table: step, action, result, the transaction's
    /// gas, the gas the account was charged, reason.
    pub fn table(&self) -> String {
        const NUMERIC: [usize; 2] = [3, 4];
        let number = |gas: Option<u64>| gas.map_or_else(|| "-".into(), group_thousands);
        let rows: Vec<[String; 6]> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mark = if s.as_expected { "" } else { " (UNEXPECTED)" };
                [
                    (i + 1).to_string(),
                    s.action.clone(),
                    format!("{}{mark}", s.verdict.label()),
                    number(s.gas_used),
                    number(s.account_gas),
                    s.reason.clone(),
                ]
            })
            .collect();
        let header = ["#", "action", "result", "gas", "account paid", "reason"].map(String::from);
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let last = header.len() - 1;
        let line = |row: &[String; 6]| {
            let mut out = String::new();
            for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
                let pad = " ".repeat(w - cell.chars().count());
                if NUMERIC.contains(&i) {
                    out.push_str(&pad);
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    if i < last {
                        out.push_str(&pad);
                    }
                }
                if i < last {
                    out.push_str("  ");
                }
            }
            out.trim_end().to_string()
        };
        let mut out = vec![line(&header)];
        out.push(line(&widths.map(|w| "-".repeat(w))));
        out.extend(rows.iter().map(line));
        out.join("\n")
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An operation's call data and its hooks' signature segments.
type KeyForm = (Vec<u8>, Vec<(u8, Vec<u8>)>);

/// The demo's world on one chain.
struct Scene<'a> {
    chain: &'a mut dyn Chain,
    owner: &'a Key,
    session: Key,
    stranger: Key,
    account: Address,
    counter: Address,
    token: Address,
    recipient: Address,
    gas: Gas,
    names: Vec<(Address, String)>,
    modules: Modules,
}

impl Scene<'_> {
    /// Deploys `init_code` from the owner.
    fn create(&mut self, init_code: Vec<u8>, what: &str) -> Result<Address, DemoError> {
        let receipt = self.chain.send(self.owner, TxRequest::create(init_code))?;
        if !receipt.success {
            return Err(DemoError::Setup(format!(
                "{what} failed: {}",
                self.name_all(&receipt.failure_reason())
            )));
        }
        receipt
            .contract_address
            .ok_or_else(|| DemoError::Setup(format!("{what}: no contract address in the receipt")))
    }

    fn view<C: SolCall>(&mut self, to: Address, call: C) -> Result<C::Return, DemoError> {
        let answer = self
            .chain
            .call(Address::ZERO, to, call.abi_encode().into())?;
        let output = answer
            .into_output()
            .map_err(|e| DemoError::Setup(format!("view on {to}: {e}")))?;
        C::abi_decode_returns(&output).map_err(|e| DemoError::Setup(e.to_string()))
    }

    /// Names every known address in `text`.
    fn name_all(&self, text: &str) -> String {
        name_addresses(
            text,
            self.names
                .iter()
                .map(|(address, name)| (*address, name.as_str())),
        )
    }

    /// One session-key step: `call_data` signed by `signer`.
    fn key_step(
        &mut self,
        action: &str,
        expect: Expect,
        call_data: Vec<u8>,
        signer: Option<&Key>,
    ) -> Result<Step, DemoError> {
        let signer = signer.cloned().unwrap_or_else(|| self.session.clone());
        let (call_data, segments) = self.key_form(call_data)?;
        let segments: Vec<(u8, &[u8])> = segments.iter().map(|(i, b)| (*i, &b[..])).collect();
        // Measured gas limits, as a wallet sends them. An operation that no
        // gas makes pass goes out with the defaults anyway: the demo shows
        // the chain refusing it.
        let locator = (SESSION_ENTITY, false);
        let gas = match estimate_gas_with_segments(
            self.chain,
            self.account,
            locator,
            &call_data,
            &signer,
            self.gas,
            &segments,
        ) {
            Ok(gas) => gas,
            Err(EstimateError::Chain(e)) => return Err(e.into()),
            Err(EstimateError::Refused(_) | EstimateError::ExecutionReverts(_)) => self.gas,
        };
        self.send_formed(action, expect, call_data, &segments, &signer, gas)
    }

    /// The key's operation form of `call_data`, as its installed hooks
    /// want it: the `executeUserOp` prefix when an execution hook is
    /// installed, and the hooks' signature segments (the session policy's
    /// period hint) at the chain's time.
    fn key_form(&mut self, call_data: Vec<u8>) -> Result<KeyForm, DemoError> {
        let setup = |e: InspectError| DemoError::Setup(e.to_string());
        let hooks = validation_view(self.chain, &self.modules, self.account, SESSION_ENTITY)
            .map_err(setup)?
            .map(|view| view.hooks)
            .unwrap_or_default();
        let call_data = if hooks.iter().any(|h| h.role == "execution") {
            user_op_prefixed(&call_data)
        } else {
            call_data
        };
        let now = self.chain.timestamp()?;
        let segments =
            hook_segments(self.chain, &self.modules, self.account, &hooks, now).map_err(setup)?;
        Ok((call_data, segments))
    }

    /// Signs `call_data` (in the form [`Scene::key_form`] gives) as `signer`
    /// with `gas` and bundles it.
    fn send_key_op(
        &mut self,
        action: &str,
        expect: Expect,
        call_data: Vec<u8>,
        signer: &Key,
        gas: Gas,
    ) -> Result<Step, DemoError> {
        let (call_data, segments) = self.key_form(call_data)?;
        let segments: Vec<(u8, &[u8])> = segments.iter().map(|(i, b)| (*i, &b[..])).collect();
        self.send_formed(action, expect, call_data, &segments, signer, gas)
    }

    /// Signs an operation already in the key's form and bundles it.
    fn send_formed(
        &mut self,
        action: &str,
        expect: Expect,
        call_data: Vec<u8>,
        segments: &[(u8, &[u8])],
        signer: &Key,
        gas: Gas,
    ) -> Result<Step, DemoError> {
        let op = signed_op_with_segments(
            self.chain,
            self.account,
            (SESSION_ENTITY, false),
            call_data,
            signer,
            gas,
            segments,
        )?;
        let outcome = handle_ops(self.chain, self.owner, op)?;
        Ok(self.step(action, expect, outcome))
    }

    fn step(&self, action: &str, expect: Expect, outcome: OpOutcome) -> Step {
        let account_gas =
            entry_point_events::<IEntryPoint::UserOperationEvent>(&outcome.receipt().logs)
                .ok()
                .and_then(|events| events.first().map(|e| e.actualGasUsed.saturating_to()));
        let (verdict, reason, gas_used) = match outcome {
            OpOutcome::Executed(r) => (Verdict::Allowed, String::new(), Some(r.gas_used)),
            OpOutcome::ExecutionReverted(r, reason) => (
                Verdict::RevertedInExecution,
                short_reason(&reason),
                Some(r.gas_used),
            ),
            OpOutcome::Refused(r) => (
                Verdict::RefusedInValidation,
                r.revert_data
                    .as_deref()
                    .map_or_else(|| r.failure_reason(), |d| short_reason(d)),
                (r.tx_hash.is_some() || r.gas_used > 0).then_some(r.gas_used),
            ),
        };
        let mut step = finish(action, expect, verdict, self.name_all(&reason), gas_used);
        step.account_gas = account_gas;
        step
    }

    /// The owner's direct call of the account, validated by the owner's
    /// global validation (runtime path).
    fn owner_step(&mut self, action: &str, inner: Vec<u8>) -> Result<Step, DemoError> {
        let receipt = send_as_owner(self.chain, self.owner, self.account, OWNER_ENTITY, &inner)?;
        let verdict = if receipt.success {
            Verdict::Allowed
        } else {
            Verdict::Reverted
        };
        let reason = if receipt.success {
            String::new()
        } else {
            self.name_all(&receipt.failure_reason())
        };
        let gas = (receipt.tx_hash.is_some() || receipt.gas_used > 0).then_some(receipt.gas_used);
        Ok(finish(action, Expect::Allowed, verdict, reason, gas))
    }
}

fn finish(
    action: &str,
    expect: Expect,
    verdict: Verdict,
    reason: String,
    gas_used: Option<u64>,
) -> Step {
    let as_expected = match (&expect, verdict) {
        (_, Verdict::Skipped) => true,
        (Expect::Allowed, v) => v == Verdict::Allowed,
        (Expect::Refused(text), v) => v != Verdict::Allowed && reason.contains(text),
    };
    Step {
        action: action.into(),
        expect,
        verdict,
        reason,
        gas_used,
        account_gas: None,
        as_expected,
    }
}

/// The session key's permissions in the demo.
pub fn demo_permissions(counter: Address, token: Address, now: u64) -> PermissionSet {
    PermissionSet::new()
        .functions(counter, [ICounter::incrementCall::SELECTOR])
        .functions(token, [IERC20::transferCall::SELECTOR])
        .erc20_limit(token, tokens(100), Some(DAY))
        .native_limit(NATIVE_LIMIT, None)
        .usage_limit(UsageUnit::Operations, None, Some((USES_PER_DAY, DAY)))
        .time_window(now, now + VALIDITY)
}

/// The demo key's usage limit: at most this many operations a day.
/// (With the granular modules the day's over-limit transfer counts too:
/// it passes validation and reverts in spending-limit's execution hook.)
pub const USES_PER_DAY: u32 = 4;

/// The demo key's native limit: 0.05 ether over its life, each
/// operation's maximum gas cost included.
pub const NATIVE_LIMIT: U256 = U256::from_limbs([50_000_000_000_000_000, 0, 0, 0]);

/// Runs the demo on `chain` from `owner`, which must hold enough of the
/// chain's coin (about 0.2 ether on a chain with 1-gwei gas; the local chain
/// funds it), with the key's permissions in one session-policy hook. Step
/// results are in the report; an `Err` means the setup itself failed.
pub fn run(
    chain: &mut dyn Chain,
    owner: &Key,
    progress: &mut dyn Progress,
) -> Result<Report, DemoError> {
    run_with(chain, owner, progress, Enforcement::Policy)
}

/// [`run`], with the key's permissions enforced as `enforcement` says.
pub fn run_with(
    chain: &mut dyn Chain,
    owner: &Key,
    progress: &mut dyn Progress,
    enforcement: Enforcement,
) -> Result<Report, DemoError> {
    let chain_id = chain.chain_id()?;
    let deployment = deploy_all(chain, owner, progress)?;
    let modules = deployment
        .modules()
        .ok_or_else(|| DemoError::Setup("deployment without every module".into()))?;

    progress.start("demo account, Counter and token");
    let mut scene = Scene {
        chain,
        owner,
        session: Key::from_seed(0x5e),
        stranger: Key::from_seed(0x66),
        account: Address::ZERO,
        counter: Address::ZERO,
        token: Address::ZERO,
        recipient: Address::repeat_byte(0xb0),
        gas: Gas::default(),
        names: Vec::new(),
        modules,
    };
    let deposit = U256::from(10u64).pow(U256::from(17));
    scene.account = create_account(scene.chain, owner, &modules, deposit)?.address;
    scene.counter = scene.create(counter::init_code(), "deploying the Counter")?;
    let token_code =
        Token::init_code("DEMO", tokens(1_000), scene.account).map_err(DemoError::Setup)?;
    scene.token = scene.create(token_code, "deploying the token")?;
    scene.names = [
        (scene.account, "account".to_string()),
        (scene.counter, "counter".into()),
        (scene.token, "token".into()),
        (scene.recipient, "bob".into()),
        (ENTRY_POINT, "EntryPoint".into()),
    ]
    .into_iter()
    .chain(modules.named().into_iter().map(|(n, a)| (a, n.to_string())))
    .collect();
    let (counter, token, account, bob) =
        (scene.counter, scene.token, scene.account, scene.recipient);
    progress.done(&crate::deploy::Deployed {
        name: "demo account, Counter and token".into(),
        address: account,
        code_hash: alloy_primitives::keccak256(scene.chain.code(account)?),
        action: crate::deploy::Action::Deployed,
        gas_used: 0,
        data_fee: U256::ZERO,
    });

    let mut steps = Vec::new();
    let now = scene.chain.timestamp()?;
    let permissions = match enforcement {
        Enforcement::Policy => demo_permissions(counter, token, now),
        Enforcement::Modules => demo_permissions(counter, token, now).with_modules(),
    };
    let install = permissions.install(
        &modules,
        SESSION_ENTITY,
        &SignerSpec::Address(scene.session.address()),
        account,
        now,
    )?;
    steps.push(scene.owner_step(
        "owner grants the key: increment(), transfer ≤ 100/day, 4 ops/day",
        install.install_validation_calldata(),
    )?);

    let increment = ICounter::incrementCall {}.abi_encode();
    let transfer = |amount: u64| {
        IERC20::transferCall {
            to: bob,
            value: tokens(amount),
        }
        .abi_encode()
    };
    let approve = IERC20::approveCall {
        spender: bob,
        value: tokens(1),
    }
    .abi_encode();

    steps.push(scene.key_step(
        "key: counter.increment()",
        Expect::Allowed,
        execute(counter, U256::ZERO, increment.clone()),
        None,
    )?);
    steps.push(scene.key_step(
        "key: token.transfer(bob, 60)",
        Expect::Allowed,
        execute(token, U256::ZERO, transfer(60)),
        None,
    )?);
    steps.push(scene.key_step(
        "key: token.transfer(bob, 50): over 100/day",
        Expect::Refused("SpendLimitExceeded"),
        execute(token, U256::ZERO, transfer(50)),
        None,
    )?);
    steps.push(scene.key_step(
        "key: token.approve(bob, 1): not granted",
        Expect::Refused("SelectorNotAllowed"),
        execute(token, U256::ZERO, approve.clone()),
        None,
    )?);
    steps.push(scene.key_step(
        "key: batch [increment(), approve()] hides a bad call",
        Expect::Refused("SelectorNotAllowed"),
        execute_batch([
            (counter, U256::ZERO, increment.clone()),
            (token, U256::ZERO, approve),
        ]),
        None,
    )?);
    steps.push(scene.key_step(
        "key: send 0.01 ETH to bob: not granted",
        Expect::Refused("SelectorNotAllowed"),
        execute(bob, U256::from(10u64).pow(U256::from(16)), Vec::new()),
        None,
    )?);
    // A key that bundles its own operation is paid its fees as the
    // beneficiary: 0.1 ether of pre-verification gas at 1 gwei would drain
    // the deposit, but the prefund counts against the native limit.
    let greedy = Gas {
        pre_verification_gas: 100_000_000,
        ..scene.gas
    };
    let greedy_increment = execute(
        scene.counter,
        U256::ZERO,
        ICounter::incrementCall {}.abi_encode(),
    );
    let session = scene.session.clone();
    steps.push(scene.send_key_op(
        "key: 0.1 ETH of fees to the bundler (a self-bundled drain)",
        Expect::Refused("SpendLimitExceeded"),
        greedy_increment,
        &session,
        greedy,
    )?);
    let grant_root = PermissionSet::new()
        .root()
        .install(
            &modules,
            9,
            &SignerSpec::Address(scene.session.address()),
            account,
            now,
        )?
        .install_validation_calldata();
    steps.push(scene.key_step(
        "key: account.installValidation (grant itself root)",
        Expect::Refused("ValidationFunctionMissing"),
        grant_root.clone(),
        None,
    )?);
    steps.push(scene.key_step(
        "key: execute(account, installValidation)",
        Expect::Refused("SelfCallRecursionDepthExceeded"),
        execute(account, U256::ZERO, grant_root),
        None,
    )?);
    let stranger = scene.stranger.clone();
    steps.push(scene.key_step(
        "a stranger signs as the key",
        Expect::Refused("AA24"),
        execute(counter, U256::ZERO, increment.clone()),
        Some(&stranger),
    )?);

    // A day later the limit is back; two days later the key has expired.
    match scene.chain.advance_time(DAY) {
        Ok(()) => {
            steps.push(scene.key_step(
                "a day later, key: token.transfer(bob, 50)",
                Expect::Allowed,
                execute(token, U256::ZERO, transfer(50)),
                None,
            )?);
            // The usage limit: the transfer was the day's first operation.
            for action in [
                "a day later, key: counter.increment() (2nd op today)",
                "a day later, key: counter.increment() (3rd op today)",
                "a day later, key: counter.increment() (4th op today)",
            ] {
                steps.push(scene.key_step(
                    action,
                    Expect::Allowed,
                    execute(counter, U256::ZERO, increment.clone()),
                    None,
                )?);
            }
            steps.push(scene.key_step(
                "a day later, key: counter.increment(): over 4 ops/day",
                Expect::Refused("UsageLimitExceeded"),
                execute(counter, U256::ZERO, increment.clone()),
                None,
            )?);
            scene.chain.advance_time(DAY)?;
            steps.push(scene.key_step(
                "two days later (expired), key: counter.increment()",
                Expect::Refused("AA22 expired"),
                execute(counter, U256::ZERO, increment.clone()),
                None,
            )?);
        }
        Err(ChainError::Unsupported(_)) => {
            for action in [
                "a day later, key: token.transfer(bob, 50)",
                "a day later, key: counter.increment() (2nd op today)",
                "a day later, key: counter.increment() (3rd op today)",
                "a day later, key: counter.increment() (4th op today)",
                "a day later, key: counter.increment(): over 4 ops/day",
                "two days later (expired), key: counter.increment()",
            ] {
                steps.push(finish(
                    action,
                    Expect::Allowed,
                    Verdict::Skipped,
                    "this chain's clock cannot be moved".into(),
                    None,
                ));
            }
        }
        Err(e) => return Err(e.into()),
    }

    let uninstall = install.uninstall_validation_calldata();
    steps.push(scene.owner_step("owner revokes the key", uninstall)?);
    steps.push(scene.key_step(
        "key after revocation: counter.increment()",
        Expect::Refused("AA2"),
        execute(counter, U256::ZERO, increment),
        None,
    )?);

    // What actually moved: 60, then 50 a day later (if the clock moved).
    let balance: U256 = scene.view(token, IERC20::balanceOfCall { account: bob })?;
    let clock_moved = !steps.iter().any(|s| s.verdict == Verdict::Skipped);
    let expected = if clock_moved { tokens(110) } else { tokens(60) };
    let mut check = finish(
        "bob's token balance is exactly what the allowed transfers sent",
        Expect::Allowed,
        Verdict::Allowed,
        String::new(),
        None,
    );
    if balance != expected {
        check.as_expected = false;
        check.reason = format!("bob holds {balance}, expected {expected}");
    }
    steps.push(check);
    let session_key = scene.session.address();
    Ok(Report {
        chain_id,
        deployment,
        account,
        session_key,
        enforcement,
        steps,
    })
}
