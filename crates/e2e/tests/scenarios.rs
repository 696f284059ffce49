//! Session-key scenarios of issue 4 on the Stylus reference account,
//! through the real EntryPoint v0.7 (`handleOps` from a bundler EOA).
//!
//! Every test starts from an account initialized with an **owner**
//! validation (session-signer at entity 0, global, ECDSA), and the owner
//! installs each session key with a user operation calling
//! `installValidation`, as a wallet would. Then:
//!
//! | test | scenario |
//! |---|---|
//! | `a_spending_limit_execution_hook_caps_token_transfers_per_day` | 3: spending-limit as an execution hook, 100 tokens a day of a real ERC-20 |
//! | `attack_a_reverted_transfer_records_nothing` | a call that reverts after the limit charged it leaves the limit untouched |
//! | `a_passkey_session_key_signs_with_p256_and_webauthn` | 6: a P-256 session key, raw (`0x02`) and WebAuthn (`0x03`), with the modules and with the session policy |
//! | `two_session_keys_have_their_own_permissions_and_nonces` | 7: two keys, two permission sets, two nonce sequences, with the modules and with the session policy |
//! | `permissions_as_execution_hooks_refuse_in_execution` | 8: selector-allowlist and time-window as execution hooks |
//! | `validation_hooks_and_execution_hooks_cost_side_by_side` | 8: the gas of both phases, both placements |
//! | `revoking_a_key_with_spending_limit_in_both_roles_clears_every_module` | issue 10: revoke a key with every module, spending-limit in both roles; every module forgets it, the id is granted again clean |
//! | `gas_table_against_mav2` | `handleOps` gas beside MAv2's published figures |
//!
//! The token is OpenZeppelin's Solidity `ERC20PresetFixedSupply` 4.9.6
//! (`scripts/fetch-solidity-fixtures.sh`). Without the build outputs each
//! test prints SKIPPED, or fails when `CI` is set. Run with `--nocapture`
//! for the gas figures.

use alloy_primitives::{aliases::U192, Address, FixedBytes, U256};
use alloy_sol_types::{SolCall, SolEvent};
use e2e::abi::{
    IContractAllowlistModule, ICounter, IReferenceAccount, ISelectorAllowlistModule,
    ISessionSignerModule, ISpendingLimitModule, ITimeWindowModule, PackedUserOperation,
};
use e2e::encode::{self, InstalledHooks, ValidationInstall};
use e2e::token::TRANSFER;
use e2e::{
    available, describe, describe_outcome, ether, tokens, Counter, FailedOp, HandleOpsExt, Key,
    ModuleError, Needs, Passkey, SessionKeySpec, SignerSpec, Token, UserOpSigner, Wallet, Wrapper,
};
use localnet::entry_point::decode_events;
use localnet::{ArbOs, Localnet, TxOutcome};
use permission_core::install::SpendLimit;
use session_keys::session::Enforcement;
use session_keys::{PermissionSet, Selector};

use IReferenceAccount::IReferenceAccountErrors as AccountErrors;
use ISelectorAllowlistModule::ISelectorAllowlistModuleErrors as AllowlistErrors;
use ISpendingLimitModule::ISpendingLimitModuleErrors as SpendingErrors;

/// The owner's validation entity id (global).
const OWNER: u32 = 0;
/// The first session key's entity id.
const SESSION: u32 = 1;
const DAY: u64 = 86_400;
/// The token supply, minted to the account.
const SUPPLY: u64 = 1_000;

const INCREMENT: [u8; 4] = ICounter::incrementCall::SELECTOR;
const COUNT: [u8; 4] = ICounter::countCall::SELECTOR;

/// MAv2 v2.0.1's published gas (shared/design/erc6900-mav2.md).
const MAV2_COUNTER: u64 = 194_376;
const MAV2_TRANSFER: u64 = 225_357;
const MAV2_INSTALL: u64 = 537_249;
const MAV2_OWNER_TRANSFER: u64 = 184_690;

/// `view` of `call` on `to`.
#[track_caller]
fn view<C: SolCall>(net: &mut Localnet, to: Address, call: C) -> C::Return {
    net.call(Address::ZERO, to, call.abi_encode())
        .decode_return::<C>()
        .unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE))
}

/// An account with its owner validation, and (with [`Needs::Token`]) a
/// token of which the account holds the whole supply.
struct Scenario {
    w: Wallet,
    owner: Key,
    token: Option<Token>,
}

/// The scenario, or `None` (SKIPPED) without the build outputs.
fn setup(test: &str, needs: Needs) -> Option<Scenario> {
    if !available(test, needs) {
        return None;
    }
    let mut w = Wallet::new();
    let owner = Key::from_seed(0x0A);
    let out = w.initialize(&w.owner_install(OWNER, owner.address()));
    assert!(out.success, "initialize: {}", describe_outcome(&out));
    let token = (needs == Needs::Token).then(|| w.deploy_token("TKN", tokens(SUPPLY)));
    Some(Scenario { w, owner, token })
}

impl Scenario {
    fn token(&self) -> Token {
        self.token.expect("set up with Needs::Token")
    }

    fn counter(&self) -> Address {
        self.w.counter.address
    }

    /// A key at [`SESSION`] that may transfer the token, at most 100 tokens
    /// a day (spending-limit, execution hook), from now until `days` later.
    fn token_limit_spec(&self, key: &Key, days: u64) -> SessionKeySpec {
        let token = self.token().address;
        let start = self.w.net.timestamp();
        SessionKeySpec::new(SESSION, SignerSpec::Address(key.address()))
            .allow([(token, TRANSFER)])
            .window(start, start + days * DAY)
            .spend_limits([SpendLimit {
                token,
                limit: tokens(100),
                period: DAY,
            }])
    }

    /// spending-limit's record of the token for the key at [`SESSION`].
    fn token_limit(&mut self) -> ISpendingLimitModule::getSpendLimitReturn {
        let call = ISpendingLimitModule::getSpendLimitCall {
            account: self.w.account,
            entityId: SESSION,
            token: self.token().address,
        };
        view(&mut self.w.net, self.w.modules.spending_limit, call)
    }

    /// The owner installs `spec` with a user operation; asserts it
    /// succeeded and emitted `ValidationInstalled(session-signer, id)`.
    #[track_caller]
    fn install(&mut self, spec: &SessionKeySpec) -> TxOutcome {
        let install = spec.install(&self.w.modules);
        self.install_validation(&install)
    }

    /// The owner installs `install` with a user operation; asserts it
    /// succeeded and emitted `ValidationInstalled(session-signer, id)`.
    #[track_caller]
    fn install_validation(&mut self, install: &ValidationInstall) -> TxOutcome {
        let entity_id = u32::from_be_bytes([
            install.config[20],
            install.config[21],
            install.config[22],
            install.config[23],
        ]);
        let owner = self.owner.clone();
        let out = self.w.install_as_owner(OWNER, &owner, install);
        out.expect_ops_succeeded();
        let installed: Vec<_> = out
            .logs
            .iter()
            .filter(|l| {
                l.topics().first() == Some(&IReferenceAccount::ValidationInstalled::SIGNATURE_HASH)
            })
            .map(|l| IReferenceAccount::ValidationInstalled::decode_log_data(&l.data).unwrap())
            .collect();
        assert_eq!(
            installed,
            vec![IReferenceAccount::ValidationInstalled {
                module: self.w.modules.session_signer,
                entityId: entity_id,
            }]
        );
        out
    }

    /// `execute(counter, 0, increment())`.
    fn increment(&self) -> Vec<u8> {
        encode::execute(self.counter(), U256::ZERO, Counter::increment_calldata())
    }

    /// `execute(token, 0, transfer(to, amount))`.
    fn transfer(&self, to: Address, amount: U256) -> Vec<u8> {
        encode::execute(
            self.token().address,
            U256::ZERO,
            Token::transfer_calldata(to, amount),
        )
    }

    /// `executeBatch` of one token transfer to the recipient per amount
    /// (in whole tokens).
    fn transfer_batch(&self, amounts: &[u64]) -> Vec<u8> {
        let token = self.token().address;
        encode::execute_batch(amounts.iter().map(|amount| {
            (
                token,
                U256::ZERO,
                Token::transfer_calldata(recipient(), tokens(*amount)),
            )
        }))
    }

    /// The token balance of `who`.
    fn balance(&mut self, who: Address) -> U256 {
        self.token().balance_of(&mut self.w.net, who)
    }

    /// An operation of the validation at `entity`, with its next nonce,
    /// signed by `signer`.
    fn op(
        &mut self,
        call_data: Vec<u8>,
        entity: u32,
        signer: &dyn UserOpSigner,
    ) -> PackedUserOperation {
        self.w.signed_op_with(call_data, entity, false, signer, &[])
    }

    /// The next nonce of `op`'s key.
    fn nonce_of_key(&mut self, op: &PackedUserOperation) -> U256 {
        let key: U256 = op.nonce >> 64;
        self.w.next_nonce_of_key(key.to::<U192>())
    }

    /// Sends `op` alone and expects a validation refusal that changes
    /// nothing: the Counter, the op's nonce key, the deposit, the balances.
    #[track_caller]
    fn refused(&mut self, op: PackedUserOperation) -> FailedOp {
        let count = self.w.count();
        let nonce = self.nonce_of_key(&op);
        let deposit = self.w.deposit_of_account();
        let balance = self.token.map(|_| self.balance(self.w.account));
        let out = self.w.handle_ops(vec![op.clone()]);
        let failed = out.expect_failed_op();
        println!("  refused in validation: {failed}");
        assert_eq!(failed.op_index, U256::ZERO);
        assert!(out.user_op_events().is_empty());
        assert_eq!(self.w.count(), count);
        assert_eq!(self.nonce_of_key(&op), nonce);
        assert_eq!(self.w.deposit_of_account(), deposit);
        assert_eq!(self.token.map(|_| self.balance(self.w.account)), balance);
        failed
    }

    /// [`Scenario::refused`], expecting AA23 with `module`'s error wrapped in
    /// `PreUserOpValidationHookReverted(module ‖ entity, …)`.
    #[track_caller]
    fn refused_by_hook(
        &mut self,
        op: PackedUserOperation,
        module: Address,
        entity: u32,
    ) -> ModuleError {
        let failed = self.refused(op);
        assert_eq!(failed.reason, "AA23 reverted", "{failed}");
        let wrapped = failed
            .module_error()
            .unwrap_or_else(|| panic!("not a wrapped module error: {failed}"));
        assert_eq!(
            (wrapped.wrapper, wrapped.module, wrapped.entity_id),
            (Wrapper::PreUserOpValidationHook, module, entity),
            "{failed}"
        );
        wrapped
    }

    /// Sends `op` alone; expects it to pass validation and its execution
    /// to revert with `module`'s error wrapped in
    /// `PreExecHookReverted(module ‖ entity, …)`. The operation is paid
    /// for and its nonce used; the Counter and the balances do not change.
    #[track_caller]
    fn reverted_by_exec_hook(
        &mut self,
        op: PackedUserOperation,
        module: Address,
        entity: u32,
    ) -> ModuleError {
        let count = self.w.count();
        let nonce = self.nonce_of_key(&op);
        let deposit = self.w.deposit_of_account();
        let balances = self
            .token
            .map(|_| (self.balance(self.w.account), self.balance(recipient())));
        let hash = self.w.user_op_hash(&op);
        let out = self.w.handle_ops(vec![op.clone()]);
        let (event, reason) = out.expect_op_reverted();
        println!(
            "  reverted in execution ({} gas): {}",
            out.gas_used,
            describe(&reason)
        );
        assert_eq!(event.userOpHash, hash);
        assert_eq!(event.nonce, op.nonce);
        assert!(!event.success);
        // Validated: the nonce is used and the gas paid.
        assert_eq!(self.nonce_of_key(&op), nonce + U256::from(1));
        assert_eq!(
            self.w.deposit_of_account(),
            deposit - event.actualGasCost,
            "the account paid for the operation"
        );
        assert!(!event.actualGasCost.is_zero());
        // ... and nothing was executed.
        assert_eq!(self.w.count(), count);
        assert_eq!(
            self.token
                .map(|_| (self.balance(self.w.account), self.balance(recipient()))),
            balances
        );
        let wrapped = ModuleError::decode(&reason)
            .unwrap_or_else(|| panic!("not a wrapped module error: {}", describe(&reason)));
        assert_eq!(
            (wrapped.wrapper, wrapped.module, wrapped.entity_id),
            (Wrapper::PreExecHook, module, entity),
            "{}",
            describe(&reason)
        );
        wrapped
    }

    /// Sends `ops`, expects every one to succeed, prints the gas.
    #[track_caller]
    fn executed(&mut self, what: &str, ops: Vec<PackedUserOperation>) -> TxOutcome {
        let hashes: Vec<_> = ops.iter().map(|op| self.w.user_op_hash(op)).collect();
        let out = self.w.handle_ops(ops);
        let events = out.expect_ops_succeeded();
        assert_eq!(
            events.iter().map(|e| e.userOpHash).collect::<Vec<_>>(),
            hashes
        );
        assert!(out.user_op_revert_reasons().is_empty());
        let phases = self.w.phase_gas(&out);
        println!(
            "  {what}: handleOps {} gas (validation {}, execution {})",
            out.gas_used,
            phases
                .iter()
                .map(|p| p.validation.to_string())
                .collect::<Vec<_>>()
                .join(" + "),
            phases
                .iter()
                .map(|p| p.execution.to_string())
                .collect::<Vec<_>>()
                .join(" + "),
        );
        println!("{}", self.w.program_gas_report(&out));
        out
    }
}

/// Who receives the tokens.
fn recipient() -> Address {
    Address::repeat_byte(0xB2)
}

/// `SelectorNotAllowed(target, selector)`.
fn not_allowed(target: Address, selector: [u8; 4]) -> AllowlistErrors {
    AllowlistErrors::SelectorNotAllowed(ISelectorAllowlistModule::SelectorNotAllowed {
        target,
        selector: FixedBytes(selector),
    })
}

/// The account's `RequireUserOperationContext`, in AA23.
#[track_caller]
fn assert_requires_user_op_context(failed: &FailedOp) {
    assert_eq!(failed.reason, "AA23 reverted", "{failed}");
    assert_eq!(
        failed.account_error(),
        Some(AccountErrors::RequireUserOperationContext(
            IReferenceAccount::RequireUserOperationContext {}
        )),
        "{failed}"
    );
}

#[track_caller]
fn assert_aa24(failed: &FailedOp) {
    assert_eq!(
        *failed,
        FailedOp {
            op_index: U256::ZERO,
            reason: "AA24 signature error".into(),
            inner: None
        }
    );
}

// ------------------------------------------------------------- scenario 3

/// The session key may transfer the token (selector-allowlist, validation
/// hook) within a week (time-window, validation hook), and spend at most
/// 100 tokens a day (spending-limit, **execution** hook).
#[test]
fn a_spending_limit_execution_hook_caps_token_transfers_per_day() {
    let Some(mut s) = setup(
        "a_spending_limit_execution_hook_caps_token_transfers_per_day",
        Needs::Token,
    ) else {
        return;
    };
    let key = Key::from_seed(0x51);
    let token = s.token().address;
    let account = s.w.account;
    let limiter = s.w.modules.spending_limit;
    let start = s.w.net.timestamp();
    let spec = s.token_limit_spec(&key, 7);
    assert!(spec.has_execution_hooks());
    // The HookConfig: spending-limit ‖ 1 ‖ 0x04 (execution hook, pre only).
    let install = spec.install(&s.w.modules);
    assert_eq!(
        install.hooks[2][..25],
        encode::execution_hook(limiter, SESSION, true, false)[..]
    );
    assert_eq!(install.hooks[2][24], 0x04);
    let out = s.install(&spec);
    println!("owner installs the key: {} gas", out.gas_used);

    let limit = |s: &mut Scenario| s.token_limit();
    let l = limit(&mut s);
    assert!(l.limited);
    assert_eq!((l.limit, l.period.to::<u64>()), (tokens(100), DAY));
    assert_eq!((l.spent, l.remaining), (U256::ZERO, tokens(100)));

    // With an execution hook the account requires the executeUserOp prefix.
    let op = s.op(s.transfer(recipient(), tokens(60)), SESSION, &key);
    assert_requires_user_op_context(&s.refused(op));

    // 60: within the limit.
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(recipient(), tokens(60))),
        SESSION,
        &key,
    );
    let out = s.executed("transfer 60", vec![op]);
    let spent: Vec<ISpendingLimitModule::Spent> = decode_events(&out.logs);
    assert_eq!(
        spent,
        vec![ISpendingLimitModule::Spent {
            account,
            entityId: SESSION,
            token,
            amount: tokens(60),
        }]
    );
    assert_eq!(s.balance(account), tokens(SUPPLY - 60));
    assert_eq!(s.balance(recipient()), tokens(60));
    let l = limit(&mut s);
    assert_eq!((l.spent, l.remaining), (tokens(60), tokens(40)));

    // 50 more the same day: validated, paid for, and refused in execution.
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(recipient(), tokens(50))),
        SESSION,
        &key,
    );
    let wrapped = s.reverted_by_exec_hook(op, limiter, SESSION);
    assert_eq!(
        wrapped.reason_as::<SpendingErrors>(),
        Some(SpendingErrors::SpendLimitExceeded(
            ISpendingLimitModule::SpendLimitExceeded {
                token,
                requested: tokens(50),
                remaining: tokens(40),
            }
        )),
        "{}",
        describe(&wrapped.reason)
    );
    assert_eq!(s.balance(account), tokens(SUPPLY - 60));
    assert_eq!(s.balance(recipient()), tokens(60));
    let l = limit(&mut s);
    assert_eq!((l.spent, l.remaining), (tokens(60), tokens(40)));

    // A batch is charged in total: 30 + 30 > 40.
    let batch = s.transfer_batch(&[30, 30]);
    let op = s.op(encode::user_op_prefixed(&batch), SESSION, &key);
    let wrapped = s.reverted_by_exec_hook(op, limiter, SESSION);
    assert_eq!(
        wrapped.reason_as::<SpendingErrors>(),
        Some(SpendingErrors::SpendLimitExceeded(
            ISpendingLimitModule::SpendLimitExceeded {
                token,
                requested: tokens(60),
                remaining: tokens(40),
            }
        ))
    );

    // A day later the allowance is whole again: 50 goes through.
    s.w.net.set_timestamp(start + DAY);
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(recipient(), tokens(50))),
        SESSION,
        &key,
    );
    s.executed("transfer 50, a day later", vec![op]);
    assert_eq!(s.balance(account), tokens(SUPPLY - 110));
    assert_eq!(s.balance(recipient()), tokens(110));
    let l = limit(&mut s);
    assert_eq!((l.spent, l.remaining), (tokens(50), tokens(50)));

    // The allowlist still applies (validation hook): the Counter is not allowed.
    let op = s.op(encode::user_op_prefixed(&s.increment()), SESSION, &key);
    let wrapped = s.refused_by_hook(op, s.w.modules.selector_allowlist, SESSION);
    assert_eq!(
        wrapped.reason_as::<AllowlistErrors>(),
        Some(not_allowed(s.counter(), INCREMENT))
    );
}

/// A call that reverts after spending-limit's execution hook charged it
/// rolls the charge back with it: a reverted operation records nothing.
#[test]
fn attack_a_reverted_transfer_records_nothing() {
    let Some(mut s) = setup("attack_a_reverted_transfer_records_nothing", Needs::Token) else {
        return;
    };
    let key = Key::from_seed(0x51);
    let spec = s.token_limit_spec(&key, 1);
    s.install(&spec);
    // The hook charges 60; then the token refuses the zero address.
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(Address::ZERO, tokens(60))),
        SESSION,
        &key,
    );
    let out = s.w.handle_ops(vec![op]);
    let (event, reason) = out.expect_op_reverted();
    assert!(!event.success);
    assert!(
        ModuleError::decode(&reason).is_none(),
        "{}",
        describe(&reason)
    );
    let limit = s.token_limit();
    assert_eq!((limit.spent, limit.remaining), (U256::ZERO, tokens(100)));
    // The whole allowance is still there.
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(recipient(), tokens(100))),
        SESSION,
        &key,
    );
    s.executed("transfer 100 after the reverted one", vec![op]);
    assert_eq!(s.balance(recipient()), tokens(100));
}

// ------------------------------------------------------------- scenario 6

/// A P-256 passkey as the session key: raw P-256 signatures (type `0x02`)
/// and browser WebAuthn assertions (type `0x03`) both increment the Counter,
/// with one hook per module and with the session policy.
#[test]
fn a_passkey_session_key_signs_with_p256_and_webauthn() {
    for enforcement in [Enforcement::Modules, Enforcement::Policy] {
        a_passkey_session_key_signs(enforcement);
    }
}

fn a_passkey_session_key_signs(enforcement: Enforcement) {
    let Some(mut s) = setup(
        "a_passkey_session_key_signs_with_p256_and_webauthn",
        Needs::Account,
    ) else {
        return;
    };
    let passkey = Passkey::from_seed(0x2A);
    let start = s.w.net.timestamp();
    let spec = SessionKeySpec::new(SESSION, SignerSpec::passkey(&passkey))
        .allow([(s.counter(), INCREMENT)])
        .window(start, start + DAY)
        .with_enforcement(enforcement);
    // abi.encode(entityId, address(0), x, y, validAfter, validUntil): with
    // the modules the signer carries the window; the policy's validation
    // hook carries it instead.
    let signer_window = (enforcement == Enforcement::Modules).then_some((start, start + DAY));
    assert_eq!(
        spec.install(&s.w.modules).install_data,
        SignerSpec::passkey(&passkey).install_data_with_window(SESSION, signer_window)
    );
    s.install(&spec);
    let account = s.w.account;
    let signer = s.w.modules.session_signer;
    let stored = view(
        &mut s.w.net,
        signer,
        ISessionSignerModule::passkeyCall {
            entityId: SESSION,
            account,
        },
    );
    assert_eq!((stored.x, stored.y), passkey.xy());
    assert_eq!(
        view(
            &mut s.w.net,
            signer,
            ISessionSignerModule::signersCall {
                entityId: SESSION,
                account
            }
        ),
        Address::ZERO
    );

    // 0x02 ‖ r ‖ s over the EIP-191 digest of the userOpHash.
    let op = s.op(s.increment(), SESSION, &passkey);
    assert_eq!(op.signature.len(), 1 + 1 + 64);
    assert_eq!(op.signature[..2], [0xFF, 0x02]);
    s.executed("P-256 signature (0x02)", vec![op]);
    assert_eq!(s.w.count(), U256::from(1));

    // A WebAuthn assertion whose challenge is that digest.
    let browser = passkey.webauthn();
    let op = s.op(s.increment(), SESSION, &browser);
    assert_eq!(op.signature[..2], [0xFF, 0x03]);
    s.executed("WebAuthn assertion (0x03)", vec![op]);
    assert_eq!(s.w.count(), U256::from(2));

    // Both again, in one bundle (consecutive nonces of the key).
    let first = s.op(s.increment(), SESSION, &passkey);
    let mut second = first.clone();
    second.nonce = first.nonce + U256::from(1);
    s.w.sign_with(&mut second, &browser, &[]);
    s.executed("P-256 + WebAuthn in one bundle", vec![first, second]);
    assert_eq!(s.w.count(), U256::from(4));

    // Refused: another passkey, an ECDSA key, and assertions that are not
    // over this operation or lack user presence (AA24: the module returns 1).
    let other = Passkey::from_seed(0x2B);
    let refusals: Vec<(&str, Box<dyn UserOpSigner>)> = vec![
        ("another passkey (0x02)", Box::new(other.clone())),
        ("another passkey (0x03)", Box::new(other.webauthn())),
        ("an ECDSA key", Box::new(Key::from_seed(0x2A))),
        (
            "an assertion of another challenge",
            Box::new(e2e::WebAuthn {
                challenge_override: Some(alloy_primitives::B256::repeat_byte(7)),
                ..passkey.webauthn()
            }),
        ),
        (
            "an assertion without user presence",
            Box::new(e2e::WebAuthn {
                flags: 0x04,
                ..passkey.webauthn()
            }),
        ),
        (
            "a webauthn.create assertion",
            Box::new(e2e::WebAuthn {
                kind: "webauthn.create",
                ..passkey.webauthn()
            }),
        ),
    ];
    for (what, signer) in refusals {
        println!("{what}:");
        let op = s.op(s.increment(), SESSION, signer.as_ref());
        assert_aa24(&s.refused(op));
    }
    // The permissions still apply to the passkey.
    let op = s.op(
        encode::execute(s.counter(), U256::ZERO, Counter::count_calldata()),
        SESSION,
        &browser,
    );
    let allowlist = s.w.rules_of(s.w.modules.selector_allowlist, enforcement);
    let wrapped = s.refused_by_hook(op, allowlist, SESSION);
    assert_eq!(
        wrapped.reason_as::<AllowlistErrors>(),
        Some(not_allowed(s.counter(), COUNT))
    );
    assert_eq!(s.w.count(), U256::from(4));
}

// ------------------------------------------------------------- scenario 7

/// Two session keys at entity ids 1 and 2: one may only increment the
/// Counter, the other only transfer the token. Each is refused at the
/// other's call, and their nonce sequences are independent; with one hook
/// per module and with the session policy.
#[test]
fn two_session_keys_have_their_own_permissions_and_nonces() {
    for enforcement in [Enforcement::Modules, Enforcement::Policy] {
        two_session_keys(enforcement);
    }
}

fn two_session_keys(enforcement: Enforcement) {
    let Some(mut s) = setup(
        "two_session_keys_have_their_own_permissions_and_nonces",
        Needs::Token,
    ) else {
        return;
    };
    const COUNTING: u32 = 1;
    const PAYING: u32 = 2;
    let counting_key = Key::from_seed(0x71);
    let paying_key = Key::from_seed(0x72);
    let token = s.token().address;
    let counter = s.counter();
    let allowlist = s.w.rules_of(s.w.modules.selector_allowlist, enforcement);
    let start = s.w.net.timestamp();
    s.install(
        &SessionKeySpec::new(COUNTING, SignerSpec::Address(counting_key.address()))
            .allow([(counter, INCREMENT)])
            .window(start, start + DAY)
            .with_enforcement(enforcement),
    );
    s.install(
        &SessionKeySpec::new(PAYING, SignerSpec::Address(paying_key.address()))
            .allow([(token, TRANSFER)])
            .window(start, start + DAY)
            .with_enforcement(enforcement),
    );
    let sequence = |s: &mut Scenario, entity: u32| -> u64 {
        let nonce = s.w.next_nonce(entity, false);
        assert_eq!(nonce >> 64, U256::from(encode::nonce_key(entity, false)));
        nonce.to::<u128>() as u64
    };
    assert_eq!(
        (sequence(&mut s, COUNTING), sequence(&mut s, PAYING)),
        (0, 0)
    );

    // Each key's own call.
    let op = s.op(s.increment(), COUNTING, &counting_key);
    s.executed("the counting key increments", vec![op]);
    assert_eq!(
        (sequence(&mut s, COUNTING), sequence(&mut s, PAYING)),
        (1, 0)
    );
    let op = s.op(s.transfer(recipient(), tokens(5)), PAYING, &paying_key);
    s.executed("the paying key transfers", vec![op]);
    assert_eq!(
        (sequence(&mut s, COUNTING), sequence(&mut s, PAYING)),
        (1, 1)
    );
    let op = s.op(s.increment(), COUNTING, &counting_key);
    s.executed("the counting key increments again", vec![op]);
    assert_eq!(
        (sequence(&mut s, COUNTING), sequence(&mut s, PAYING)),
        (2, 1)
    );
    assert_eq!(s.w.count(), U256::from(2));
    assert_eq!(s.balance(recipient()), tokens(5));

    // Each refused at the other's call, by its own allowlist entity.
    let op = s.op(s.transfer(recipient(), tokens(5)), COUNTING, &counting_key);
    let wrapped = s.refused_by_hook(op, allowlist, COUNTING);
    assert_eq!(
        wrapped.reason_as::<AllowlistErrors>(),
        Some(not_allowed(token, TRANSFER))
    );
    let op = s.op(s.increment(), PAYING, &paying_key);
    let wrapped = s.refused_by_hook(op, allowlist, PAYING);
    assert_eq!(
        wrapped.reason_as::<AllowlistErrors>(),
        Some(not_allowed(counter, INCREMENT))
    );
    // A key cannot borrow the other's validation (and so its permissions):
    // the other's signer does not match (AA24).
    let op = s.op(s.transfer(recipient(), tokens(5)), PAYING, &counting_key);
    assert_aa24(&s.refused(op));
    let op = s.op(s.increment(), COUNTING, &paying_key);
    assert_aa24(&s.refused(op));
    assert_eq!(
        (sequence(&mut s, COUNTING), sequence(&mut s, PAYING)),
        (2, 1)
    );

    // One bundle with both keys, each at its own next sequence.
    let a = s.op(s.increment(), COUNTING, &counting_key);
    let b = s.op(s.transfer(recipient(), tokens(5)), PAYING, &paying_key);
    assert_eq!(
        (a.nonce, b.nonce),
        (
            encode::nonce(encode::nonce_key(COUNTING, false), 2),
            encode::nonce(encode::nonce_key(PAYING, false), 1)
        )
    );
    s.executed("both keys in one bundle", vec![a.clone(), b]);
    assert_eq!(
        (sequence(&mut s, COUNTING), sequence(&mut s, PAYING)),
        (3, 2)
    );
    assert_eq!(s.w.count(), U256::from(3));
    assert_eq!(s.balance(recipient()), tokens(10));
    // Replaying the counting key's operation is AA25; the other's nonce
    // sequence is untouched.
    assert_eq!(s.refused(a).reason, "AA25 invalid account nonce");
    assert_eq!(
        (sequence(&mut s, COUNTING), sequence(&mut s, PAYING)),
        (3, 2)
    );
}

// ------------------------------------------------------------- scenario 8

/// The same selector-allowlist and time-window, installed as execution
/// hooks: allowed operations succeed; a refused one passes validation (it
/// is paid for) and its execution reverts with the hook's error.
#[test]
fn permissions_as_execution_hooks_refuse_in_execution() {
    let Some(mut s) = setup(
        "permissions_as_execution_hooks_refuse_in_execution",
        Needs::Account,
    ) else {
        return;
    };
    let key = Key::from_seed(0x81);
    let counter = s.counter();
    let allowlist = s.w.modules.selector_allowlist;
    let time_window = s.w.modules.time_window;
    let valid_after = s.w.net.timestamp();
    let valid_until = valid_after + DAY;
    let spec = SessionKeySpec::new(SESSION, SignerSpec::Address(key.address()))
        .allow([(counter, INCREMENT)])
        .window(valid_after, valid_until)
        .as_execution_hooks();
    let install = spec.install(&s.w.modules);
    assert_eq!(install.hooks.len(), 2);
    for (hook, module) in install.hooks.iter().zip([allowlist, time_window]) {
        assert_eq!(
            hook[..25],
            encode::execution_hook(module, SESSION, true, false)[..]
        );
    }
    s.install(&spec);
    let other = Counter::deploy(&mut s.w.net).address;
    s.w.label(other, "other counter");

    // Execution hooks need the executeUserOp prefix.
    let op = s.op(s.increment(), SESSION, &key);
    assert_requires_user_op_context(&s.refused(op));

    // Allowed.
    let op = s.op(encode::user_op_prefixed(&s.increment()), SESSION, &key);
    s.executed("prefix + execute(increment)", vec![op]);
    let inc = || (counter, U256::ZERO, Counter::increment_calldata());
    let batch = encode::execute_batch([inc(), inc()]);
    let op = s.op(encode::user_op_prefixed(&batch), SESSION, &key);
    s.executed("prefix + executeBatch of 2", vec![op]);
    assert_eq!(s.w.count(), U256::from(3));

    // Another selector, another target, one bad call in a batch: each
    // validated, then refused by the allowlist's pre-execution hook.
    let cases = [
        (
            encode::execute(counter, U256::ZERO, Counter::count_calldata()),
            not_allowed(counter, COUNT),
        ),
        (
            encode::execute(other, U256::ZERO, Counter::increment_calldata()),
            not_allowed(other, INCREMENT),
        ),
        (
            encode::execute_batch([inc(), (other, U256::ZERO, Counter::increment_calldata())]),
            not_allowed(other, INCREMENT),
        ),
    ];
    for (call, error) in cases {
        let op = s.op(encode::user_op_prefixed(&call), SESSION, &key);
        let wrapped = s.reverted_by_exec_hook(op, allowlist, SESSION);
        assert_eq!(
            wrapped.reason_as::<AllowlistErrors>(),
            Some(error),
            "{}",
            describe(&wrapped.reason)
        );
    }
    assert_eq!(s.w.count(), U256::from(3));
    assert_eq!(Counter { address: other }.count(&mut s.w.net), U256::ZERO);

    // After the window: the signer returns the window as validation data,
    // so the EntryPoint refuses the operation (AA22) before anything is
    // paid, although the time-window hook itself runs in execution. (It
    // used to pass validation and be paid for: finding 3 of issue 9.)
    let late = valid_until + 1;
    s.w.net.set_timestamp(late);
    let op = s.op(encode::user_op_prefixed(&s.increment()), SESSION, &key);
    let failed = s.refused(op);
    assert_eq!(failed.reason, "AA22 expired or not due", "{failed}");
    assert_eq!(s.w.count(), U256::from(3));
}

/// The same operation (`executeUserOp` prefix + `execute(counter,
/// increment)`) under the selector-allowlist and time-window installed as
/// validation hooks, then as execution hooks: the gas of each phase.
#[test]
fn validation_hooks_and_execution_hooks_cost_side_by_side() {
    if !available(
        "validation_hooks_and_execution_hooks_cost_side_by_side",
        Needs::Account,
    ) {
        return;
    }
    let run = |as_execution: bool, cached: bool| -> Vec<(TxOutcome, e2e::PhaseGas)> {
        let mut s = setup(
            "validation_hooks_and_execution_hooks_cost_side_by_side",
            Needs::Account,
        )
        .expect("available");
        let key = Key::from_seed(0x82);
        let now = s.w.net.timestamp();
        let mut spec = SessionKeySpec::new(SESSION, SignerSpec::Address(key.address()))
            .allow([(s.counter(), INCREMENT)])
            .window(now, now + DAY);
        if as_execution {
            spec = spec.as_execution_hooks();
        }
        s.install(&spec);
        s.w.set_cached(cached);
        (0..2)
            .map(|_| {
                let op = s.op(encode::user_op_prefixed(&s.increment()), SESSION, &key);
                let out = s.w.handle_ops(vec![op]);
                out.expect_ops_succeeded();
                let phase = s.w.phase_gas(&out)[0];
                (out, phase)
            })
            .collect()
    };
    println!();
    println!("Same op: executeUserOp prefix + execute(counter, increment()); selector-allowlist + time-window.");
    println!("Phase gas = the account's Stylus frame (modules it calls included).");
    println!();
    println!(
        "| hooks installed as | programs | op | validation phase | execution phase | handleOps |"
    );
    println!("|---|---|---|---:|---:|---:|");
    for cached in [false, true] {
        let validation = run(false, cached);
        let execution = run(true, cached);
        for (name, rows) in [
            ("validation hooks", &validation),
            ("execution hooks", &execution),
        ] {
            for (i, (out, phase)) in rows.iter().enumerate() {
                println!(
                    "| {name} | {} | {} | {} | {} | {} |",
                    if cached { "cached" } else { "uncached" },
                    if i == 0 { "1st" } else { "2nd" },
                    phase.validation,
                    phase.execution,
                    out.gas_used
                );
            }
        }
        // The work moves from one phase to the other.
        for ((_, v), (_, e)) in validation.iter().zip(&execution) {
            assert!(v.validation > e.validation, "{v:?} vs {e:?}");
            assert!(v.execution < e.execution, "{v:?} vs {e:?}");
        }
    }
}

// -------------------------------------------------------------- gas table

/// The same day-capped token limit, enforced by the session policy: one
/// validation hook, no `executeUserOp` prefix; over-limit transfers (one,
/// or hidden in a batch) are refused in validation, before anything is
/// paid; a day later, with the period hint in the policy's segment, the
/// allowance is whole again; the `Spent` events come from the policy.
#[test]
fn the_session_policy_caps_token_transfers_per_day_in_validation() {
    let Some(mut s) = setup(
        "the_session_policy_caps_token_transfers_per_day_in_validation",
        Needs::Token,
    ) else {
        return;
    };
    let key = Key::from_seed(0x52);
    let token = s.token().address;
    let account = s.w.account;
    let policy = s.w.modules.session_policy;
    let start = s.w.net.timestamp();
    let spec = s.token_limit_spec(&key, 7).with_policy();
    assert!(!spec.has_execution_hooks());
    let install = spec.install(&s.w.modules);
    assert_eq!(install.hooks.len(), 1);
    assert_eq!(
        install.hooks[0][..25],
        encode::validation_hook(policy, SESSION)[..]
    );
    s.install(&spec);
    let hinted = |s: &mut Scenario, call: Vec<u8>| {
        let hint = U256::from(s.w.net.timestamp()).to_be_bytes::<32>();
        s.w.signed_op_with(call, SESSION, false, &key, &[(0, &hint[..])])
    };

    let call = s.transfer(recipient(), tokens(60));
    let op = hinted(&mut s, call);
    let out = s.executed("transfer 60", vec![op]);
    let spent: Vec<ISpendingLimitModule::Spent> = decode_events(&out.logs);
    assert_eq!(
        spent,
        vec![ISpendingLimitModule::Spent {
            account,
            entityId: SESSION,
            token,
            amount: tokens(60),
        }]
    );
    assert_eq!(out.logs.iter().filter(|l| l.address == policy).count(), 1);

    // 50 more the same day: refused in validation, nothing paid.
    let exceeded = |requested: u64| {
        SpendingErrors::SpendLimitExceeded(ISpendingLimitModule::SpendLimitExceeded {
            token,
            requested: tokens(requested),
            remaining: tokens(40),
        })
    };
    let call = s.transfer(recipient(), tokens(50));
    let op = hinted(&mut s, call);
    let wrapped = s.refused_by_hook(op, policy, SESSION);
    assert_eq!(wrapped.reason_as::<SpendingErrors>(), Some(exceeded(50)));
    // A batch is charged in total: 30 + 30 > 40.
    let batch = s.transfer_batch(&[30, 30]);
    let op = hinted(&mut s, batch);
    let wrapped = s.refused_by_hook(op, policy, SESSION);
    assert_eq!(wrapped.reason_as::<SpendingErrors>(), Some(exceeded(60)));
    assert_eq!(s.balance(recipient()), tokens(60));

    // A day later: without a hint the charge goes to the recorded period,
    // which has 40 left; the hinted new period has the whole allowance.
    s.w.net.set_timestamp(start + DAY);
    let op = s.op(s.transfer(recipient(), tokens(50)), SESSION, &key);
    let wrapped = s.refused_by_hook(op, policy, SESSION);
    assert_eq!(wrapped.reason_as::<SpendingErrors>(), Some(exceeded(50)));
    let call = s.transfer(recipient(), tokens(50));
    let op = hinted(&mut s, call);
    s.executed("transfer 50 a day later", vec![op]);
    assert_eq!(s.balance(recipient()), tokens(110));
}

/// `executeUserOp(execute(...))` and `executeUserOp(executeBatch(...))`:
/// the account runs the calls in its `executeUserOp` frame, after the
/// execution hooks, without calling itself (MAv2 makes a self-call there);
/// the calls are made by the account, and a revert still bubbles.
#[test]
fn execute_user_op_runs_the_calls_without_entering_the_account_again() {
    let Some(mut s) = setup(
        "execute_user_op_runs_the_calls_without_entering_the_account_again",
        Needs::Token,
    ) else {
        return;
    };
    let key = Key::from_seed(0x93);
    let token = s.token().address;
    let spec = SessionKeySpec::new(SESSION, SignerSpec::Address(key.address())).spend_limits([
        SpendLimit {
            token,
            limit: tokens(100),
            period: DAY,
        },
    ]);
    s.install(&spec);
    let account = s.w.account;
    let account_frames = |out: &TxOutcome| -> Vec<usize> {
        out.programs
            .iter()
            .filter(|p| p.contract == account)
            .map(|p| p.depth)
            .collect()
    };
    let transfer = s.transfer(recipient(), tokens(10));
    let op = s.op(encode::user_op_prefixed(&transfer), SESSION, &key);
    let out = s.w.handle_ops(vec![op]);
    out.expect_ops_succeeded();
    assert_eq!(
        account_frames(&out),
        vec![1, 2],
        "validateUserOp, executeUserOp"
    );
    assert_eq!(s.balance(recipient()), tokens(10));
    // A batch, the same way.
    let batch = encode::execute_batch([
        (
            token,
            U256::ZERO,
            Token::transfer_calldata(recipient(), tokens(5)),
        ),
        (s.counter(), U256::ZERO, Counter::increment_calldata()),
    ]);
    let op = s.op(encode::user_op_prefixed(&batch), SESSION, &key);
    let out = s.w.handle_ops(vec![op]);
    out.expect_ops_succeeded();
    assert_eq!(account_frames(&out), vec![1, 2]);
    assert_eq!(s.balance(recipient()), tokens(15));
    assert_eq!(s.w.count(), U256::from(1));
    // A call that reverts: the operation's execution reverts, and what it
    // did before is undone.
    let batch = encode::execute_batch([
        (s.counter(), U256::ZERO, Counter::increment_calldata()),
        (
            token,
            U256::ZERO,
            Token::transfer_calldata(Address::ZERO, tokens(1)),
        ),
    ]);
    let op = s.op(encode::user_op_prefixed(&batch), SESSION, &key);
    let out = s.w.handle_ops(vec![op]);
    assert_eq!(account_frames(&out), vec![1, 2]);
    let events: Vec<localnet::entry_point::IEntryPoint::UserOperationEvent> =
        decode_events(&out.logs);
    assert_eq!(events.len(), 1);
    assert!(!events[0].success, "{}", s.w.program_gas_report(&out));
    let reasons: Vec<localnet::entry_point::IEntryPoint::UserOperationRevertReason> =
        decode_events(&out.logs);
    assert!(
        !reasons[0].revertReason.is_empty(),
        "the token's revert bubbles"
    );
    assert_eq!(s.w.count(), U256::from(1));
}

/// One measured configuration: two identical operations in a fresh
/// scenario (the first writes fresh storage: the key's nonce, the Counter's
/// slot, the recipient's balance).
fn measure(arbos: ArbOs, with_permissions: bool, transfer: bool, cached: bool) -> (u64, [u64; 2]) {
    let mut s = setup("gas_table_against_mav2", Needs::Token).expect("available");
    s.w.net.set_arbos(arbos);
    let key = Key::from_seed(0x91);
    let token = s.token().address;
    let now = s.w.net.timestamp();
    let mut spec = SessionKeySpec::new(SESSION, SignerSpec::Address(key.address()));
    if with_permissions {
        // MAv2's "case 1": an allowlist of the Counter and the token's
        // transfer, a time range, and an ERC-20 limit execution hook.
        spec = spec
            .allow([(s.counter(), INCREMENT), (token, TRANSFER)])
            .window(now, now + DAY)
            .spend_limits([SpendLimit {
                token,
                limit: tokens(100),
                period: DAY,
            }]);
    }
    s.w.set_cached(cached);
    let install = s.install(&spec).gas_used;
    let mut gas = [0; 2];
    for (i, g) in gas.iter_mut().enumerate() {
        let call = if transfer {
            s.transfer(recipient(), tokens(10))
        } else {
            s.increment()
        };
        // The execution hook needs the prefix; without hooks, plain execute.
        let call = if with_permissions {
            encode::user_op_prefixed(&call)
        } else {
            call
        };
        let op = s.op(call, SESSION, &key);
        let out = s.w.handle_ops(vec![op]);
        out.expect_ops_succeeded();
        *g = out.gas_used;
        if transfer {
            assert_eq!(s.balance(recipient()), tokens(10 * (i as u64 + 1)));
        } else {
            assert_eq!(s.w.count(), U256::from(i + 1));
        }
    }
    (install, gas)
}

/// `handleOps` gas of a session key's operations, with and without the
/// permission hooks, uncached and cached, beside MAv2's published figures,
/// at ArbOS 51 and at ArbOS 60. The numbers are printed (`--nocapture`),
/// not asserted.
#[test]
fn gas_table_against_mav2() {
    if !available("gas_table_against_mav2", Needs::Token) {
        return;
    }
    for arbos in ArbOs::ALL {
        gas_table_at(arbos);
    }
}

fn gas_table_at(arbos: ArbOs) {
    let fmt = |n: u64| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let signed = |n: i64| {
        if n < 0 {
            format!("-{}", fmt(n.unsigned_abs()))
        } else {
            format!("+{}", fmt(n as u64))
        }
    };
    // [with][transfer][cached] → (install, [1st, 2nd]).
    let mut m = [[[(0u64, [0u64; 2]); 2]; 2]; 2];
    for (with, by_kind) in m.iter_mut().enumerate() {
        for (transfer, by_cache) in by_kind.iter_mut().enumerate() {
            for (cached, cell) in by_cache.iter_mut().enumerate() {
                *cell = measure(arbos, with == 1, transfer == 1, cached == 1);
            }
        }
    }
    let row = |label: &str, cells: [u64; 4], mav2: &str| {
        println!(
            "| {label} | {} | {} | {} | {} | {mav2} |",
            fmt(cells[0]),
            fmt(cells[1]),
            fmt(cells[2]),
            fmt(cells[3])
        );
    };
    let cells = |with: usize, transfer: usize| {
        let [u, c] = m[with][transfer];
        [u.1[0], u.1[1], c.1[0], c.1[1]]
    };
    println!();
    println!(
        "{arbos}: handleOps gas (one op per bundle; the transaction's gas, 21,000 and calldata included)."
    );
    println!("Permissions = selector-allowlist + time-window (validation hooks) + spending-limit (execution hook, 100 TKN/day),");
    println!("so those ops use the executeUserOp prefix; session-signer only = plain execute.");
    println!("1st = first op of the key (fresh nonce, Counter slot, recipient balance), 2nd = the same op again.");
    println!();
    println!("| operation | uncached 1st | uncached 2nd | cached 1st | cached 2nd | MAv2 v2.0.1 |");
    println!("|---|---:|---:|---:|---:|---:|");
    row(
        "session key calls the Counter (permissions)",
        cells(1, 0),
        &fmt(MAV2_COUNTER),
    );
    row(
        "session key transfers the token (permissions)",
        cells(1, 1),
        &fmt(MAV2_TRANSFER),
    );
    row(
        "session key calls the Counter (session-signer only)",
        cells(0, 0),
        "",
    );
    row(
        "session key transfers the token (session-signer only)",
        cells(0, 1),
        &format!("{} (owner's plain transfer)", fmt(MAV2_OWNER_TRANSFER)),
    );
    // Permission overhead: with the hooks minus session-signer only.
    let overhead = |transfer: usize| {
        let with = cells(1, transfer);
        let without = cells(0, transfer);
        (0..4)
            .map(|i| signed(with[i] as i64 - without[i] as i64))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    println!("| permission overhead, Counter | {} |  |", overhead(0));
    println!(
        "| permission overhead, transfer | {} | {} (≈ 40.7k: 225,357 − owner's 184,690) |",
        overhead(1),
        signed(MAV2_TRANSFER as i64 - MAV2_OWNER_TRANSFER as i64)
    );
    println!(
        "| owner installs the session key (permissions) | {} | | {} | | {} |",
        fmt(m[1][1][0].0),
        fmt(m[1][1][1].0),
        fmt(MAV2_INSTALL)
    );
    println!(
        "| owner installs the session key (session-signer only) | {} | | {} | | |",
        fmt(m[0][1][0].0),
        fmt(m[0][1][1].0)
    );
    println!();
}

/// Every module's record of the key at `entity` on the account, read from
/// each module's own views, and the account's `getValidationData`.
#[derive(Debug, PartialEq)]
struct KeyState {
    validation_flags: u8,
    validation_hooks: Vec<FixedBytes<25>>,
    execution_hooks: Vec<FixedBytes<25>>,
    selectors: usize,
    signer: Address,
    targets: Vec<Address>,
    rules: usize,
    window_installed: bool,
    limited_tokens: Vec<Address>,
    token_spent: U256,
    native_limited: bool,
    gas_budget_enabled: bool,
    gas_spent: U256,
    sponsors: Vec<Address>,
}

impl Scenario {
    fn key_state(&mut self, entity: u32) -> KeyState {
        let account = self.w.account;
        let m = self.w.modules;
        let token = self.token().address;
        let net = &mut self.w.net;
        let view_data = view(
            net,
            account,
            IReferenceAccount::getValidationDataCall {
                validationFunction: encode::module_entity(m.session_signer, entity),
            },
        );
        let spend = |net: &mut Localnet, token: Address| {
            view(
                net,
                m.spending_limit,
                ISpendingLimitModule::getSpendLimitCall {
                    account,
                    entityId: entity,
                    token,
                },
            )
        };
        let token_limit = spend(net, token);
        let native_limit = spend(net, Address::ZERO);
        let gas = view(
            net,
            m.spending_limit,
            ISpendingLimitModule::getGasBudgetCall {
                account,
                entityId: entity,
            },
        );
        KeyState {
            validation_flags: view_data.validationFlags,
            validation_hooks: view_data.validationHooks,
            execution_hooks: view_data.executionHooks,
            selectors: view_data.selectors.len(),
            signer: view(
                net,
                m.session_signer,
                ISessionSignerModule::signersCall {
                    entityId: entity,
                    account,
                },
            ),
            targets: view(
                net,
                m.contract_allowlist,
                IContractAllowlistModule::getTargetsCall {
                    account,
                    entityId: entity,
                },
            ),
            rules: view(
                net,
                m.selector_allowlist,
                ISelectorAllowlistModule::getRulesCall {
                    account,
                    entityId: entity,
                },
            )
            .len(),
            window_installed: view(
                net,
                m.time_window,
                ITimeWindowModule::getTimeWindowCall {
                    account,
                    entityId: entity,
                },
            )
            .installed,
            limited_tokens: view(
                net,
                m.spending_limit,
                ISpendingLimitModule::getLimitedTokensCall {
                    account,
                    entityId: entity,
                },
            ),
            token_spent: token_limit.spent,
            native_limited: native_limit.limited,
            gas_budget_enabled: gas.enabled,
            gas_spent: gas.spent,
            sponsors: view(
                net,
                m.spending_limit,
                ISpendingLimitModule::getSponsorsCall {
                    account,
                    entityId: entity,
                },
            ),
        }
    }
}

/// The key of issue 10: spending-limit in both roles (validation, for the
/// gas budget and the native limit's gas; execution, for the amounts),
/// every permission as an execution hook, and every other module. MAv2
/// v2.0.x pairs `hookUninstallData` with the hooks newest first within each
/// group; ordered any other way, spending-limit was uninstalled twice, the
/// second call reverted, and the remaining hooks and the signer kept the
/// key. Here the owner revokes it with a user operation built from the
/// account's view, as `session-keys revoke` does, and every module forgets
/// it; the same id is then granted again and starts with nothing spent.
#[test]
fn revoking_a_key_with_spending_limit_in_both_roles_clears_every_module() {
    let Some(mut s) = setup(
        "revoking_a_key_with_spending_limit_in_both_roles_clears_every_module",
        Needs::Token,
    ) else {
        return;
    };
    let token = s.token().address;
    let account = s.w.account;
    let m = s.w.modules;
    let sponsor = Address::repeat_byte(0x5A);
    let set = |now: u64| {
        // The granular modules: spending-limit in both of its roles.
        PermissionSet::new()
            .with_modules()
            .as_execution_hooks()
            .time_window(now, now + DAY)
            .contracts([token])
            .functions(token, [Selector::from(TRANSFER)])
            .native_limit(ether(1), Some(DAY))
            .erc20_limit(token, tokens(100), Some(DAY))
            .gas_budget(ether(1))
            .sponsoring_paymasters([sponsor])
    };
    let grant = |s: &mut Scenario, key: &Key| {
        let now = s.w.net.timestamp();
        let install = set(now)
            .install(
                &m,
                SESSION,
                &SignerSpec::Address(key.address()),
                account,
                now,
            )
            .expect("a valid permission set");
        // Five hooks, each limit and ledger in a fresh slot: about
        // 1.2M gas of handleOps, over the default 1M call gas limit.
        s.w.gas.call_gas_limit = 2_000_000;
        let out = s.install_validation(&install);
        println!("  granted: {} gas", out.gas_used);
    };
    let old_key = Key::from_seed(0xA1);
    grant(&mut s, &old_key);
    let granted = s.key_state(SESSION);
    let hook_modules = |hooks: &[FixedBytes<25>]| -> Vec<Address> {
        hooks
            .iter()
            .map(|h| Address::from_slice(&h[..20]))
            .collect()
    };
    assert_eq!(
        hook_modules(&granted.validation_hooks),
        vec![m.spending_limit]
    );
    assert_eq!(
        hook_modules(&granted.execution_hooks),
        vec![
            m.contract_allowlist,
            m.selector_allowlist,
            m.time_window,
            m.spending_limit
        ]
    );
    // The key spends: the token ledger and the gas budget hold state.
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(recipient(), tokens(30))),
        SESSION,
        &old_key,
    );
    s.executed("transfer 30", vec![op]);
    let used = s.key_state(SESSION);
    assert_eq!(used.signer, old_key.address());
    assert_eq!(used.token_spent, tokens(30));
    assert!(used.gas_spent > U256::ZERO);
    assert!(used.native_limited && used.gas_budget_enabled);
    assert_eq!(used.sponsors, vec![sponsor]);

    // Revoke, with the entries ordered from the account's view.
    let installed = InstalledHooks {
        validation: used.validation_hooks.iter().map(split_hook).collect(),
        execution: used.execution_hooks.iter().map(split_hook).collect(),
    };
    let revoke = encode::uninstall_validation(m.session_signer, SESSION, &installed);
    let owner = s.owner.clone();
    let op = s.w.owner_op(revoke, OWNER, &owner);
    let out = s.executed("revoke", vec![op]);
    assert_eq!(
        encode::validation_uninstalled(&out.logs, account, SESSION),
        Some(true),
        "every onUninstall succeeded"
    );
    let empty = KeyState {
        validation_flags: 0,
        validation_hooks: vec![],
        execution_hooks: vec![],
        selectors: 0,
        signer: Address::ZERO,
        targets: vec![],
        rules: 0,
        window_installed: false,
        limited_tokens: vec![],
        token_spent: U256::ZERO,
        native_limited: false,
        gas_budget_enabled: false,
        gas_spent: U256::ZERO,
        sponsors: vec![],
    };
    assert_eq!(s.key_state(SESSION), empty, "every module forgot the key");

    // The old key is refused by the account itself.
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(recipient(), tokens(1))),
        SESSION,
        &old_key,
    );
    let failed = s.refused(op);
    assert!(
        matches!(
            failed.account_error(),
            Some(AccountErrors::ValidationFunctionMissing(_))
        ),
        "{failed}"
    );

    // The same id, granted again: fresh state, and the new key spends the
    // whole day's limit again.
    let new_key = Key::from_seed(0xA2);
    grant(&mut s, &new_key);
    let regranted = s.key_state(SESSION);
    assert_eq!(regranted.signer, new_key.address());
    assert_eq!(
        (regranted.token_spent, regranted.gas_spent),
        (U256::ZERO, U256::ZERO)
    );
    let op = s.op(
        encode::user_op_prefixed(&s.transfer(recipient(), tokens(100))),
        SESSION,
        &new_key,
    );
    s.executed("transfer 100 after the re-grant", vec![op]);
    assert_eq!(s.balance(recipient()), tokens(130));
}

/// `(module, entityId)` of a `bytes25` hook config.
fn split_hook(hook: &FixedBytes<25>) -> (Address, u32) {
    let mut id = [0u8; 4];
    id.copy_from_slice(&hook[20..24]);
    (Address::from_slice(&hook[..20]), u32::from_be_bytes(id))
}
