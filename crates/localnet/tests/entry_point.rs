//! The real ERC-4337 EntryPoint v0.7 (`@account-abstraction/contracts@0.7.0`,
//! fetched by `scripts/fetch-entrypoint.sh`) on localnet: deployed at its
//! canonical address through the deterministic deployment proxy, its user
//! operation hash against the Rust one, deposits and nonces, validation
//! failures as `handleOps` reports them, and whole `handleOps` loops with a
//! minimal hand-assembled EVM account (run with `--nocapture` for the gas).

use alloy_primitives::{address, b256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use localnet::entry_point::{
    decode_events, entry_point_init_code_path, load_entry_point_init_code, pack_account_gas_limits,
    pack_gas_fees, pack_paymaster_and_data, unpack_u128s, user_op_hash, user_op_nonce,
    IAccountExecute, IEntryPoint, IEntryPointErrors, PackedUserOperation, DETERMINISTIC_DEPLOYER,
    DETERMINISTIC_DEPLOYER_CODE, ENTRY_POINT, ENTRY_POINT_SALT, SENDER_CREATOR,
};
use localnet::{Localnet, TxOutcome, BASEFEE, CHAIN_ID, GENESIS_TIMESTAMP};

sol! {
    function execute(address target, uint256 value, bytes data) external;
    function increment() external;
}

const BUNDLER: Address = Address::new([0xB1; 20]);
const BENEFICIARY: Address = Address::new([0xBE; 20]);
const ALICE: Address = Address::new([0xA1; 20]);

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// The EntryPoint's init code, or `None` (with a message) when it was not
/// fetched here; in CI, where it is fetched first, a missing file is an
/// error.
fn init_code() -> Option<Vec<u8>> {
    match load_entry_point_init_code() {
        Ok(code) => Some(code),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "SKIPPED: EntryPoint v0.7 fixture {} unavailable: {e}",
                entry_point_init_code_path().display()
            );
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// A chain with the EntryPoint deployed and the bundler funded.
fn chain() -> Option<Localnet> {
    let code = init_code()?;
    let mut net = Localnet::new();
    assert_eq!(net.deploy_entry_point(&code), ENTRY_POINT);
    net.fund(BUNDLER, ether(10));
    net.fund(ALICE, ether(100));
    Some(net)
}

// ---------- a minimal account ----------

const VALIDATE: usize = 0x2d;
const PAID: usize = 0x40;
const FAIL: usize = 0x20;

/// A minimal ERC-4337 account, in EVM code:
///
/// - `validateUserOp(op, hash, missingAccountFunds)` (`0x19822f7c`): if
///   `missingAccountFunds` is not 0, `CALL`s `msg.sender` with that value
///   (the EntryPoint credits it to the account's deposit); returns storage
///   slot 1 as the validation data (0: valid forever; 1: signature failure).
/// - a call with selector `0xdeadbeef` reverts with the 4 bytes `deadbeef`;
/// - any other call succeeds and increments storage slot 0.
///
/// It checks neither the caller nor the signature.
fn account_code() -> Vec<u8> {
    let mut code = vec![
        0x5f,
        0x35,
        0x60,
        0xe0,
        0x1c, // selector = CALLDATALOAD(0) >> 224
        0x80, // DUP1
        0x63,
        0x19,
        0x82,
        0x2f,
        0x7c,
        0x14, // PUSH4 validateUserOp EQ
        0x60,
        VALIDATE as u8,
        0x57, // JUMPI(VALIDATE)
        0x63,
        0xde,
        0xad,
        0xbe,
        0xef,
        0x14, // PUSH4 0xdeadbeef EQ
        0x60,
        FAIL as u8,
        0x57, // JUMPI(FAIL)
        // any other call: slot 0 += 1
        0x5f,
        0x54,
        0x60,
        0x01,
        0x01,
        0x5f,
        0x55, // SSTORE(0, SLOAD(0) + 1)
        0x00, // STOP
    ];
    assert_eq!(code.len(), FAIL);
    code.extend_from_slice(&[
        0x5b, // FAIL: JUMPDEST
        0x63, 0xde, 0xad, 0xbe, 0xef, 0x5f, 0x52, // MSTORE(0, 0xdeadbeef)
        0x60, 0x04, 0x60, 0x1c, 0xfd, // REVERT(28, 4)
    ]);
    assert_eq!(code.len(), VALIDATE);
    code.extend_from_slice(&[
        0x5b, 0x50, // VALIDATE: JUMPDEST POP(selector)
        0x60, 0x44, 0x35, // missing = CALLDATALOAD(0x44)
        0x80, 0x15, 0x60, PAID as u8, 0x57, // JUMPI(PAID, missing == 0)
        0x5f, 0x5f, 0x5f, 0x5f, 0x84, // 0 0 0 0 missing
        0x33, 0x5a, 0xf1, 0x50, // POP(CALL(GAS, CALLER, missing, 0, 0, 0, 0))
    ]);
    assert_eq!(code.len(), PAID);
    code.extend_from_slice(&[
        0x5b, 0x50, // PAID: JUMPDEST POP(missing)
        0x60, 0x01, 0x54, 0x5f, 0x52, // MSTORE(0, SLOAD(1))
        0x60, 0x20, 0x5f, 0xf3, // RETURN(0, 32)
    ]);
    code
}

/// Deploys an account with `code` and funds it.
fn deploy_account(net: &mut Localnet, code: &[u8], funds: U256) -> Address {
    let account = net.try_deploy_code(code).expect("deploy account");
    net.fund(account, funds);
    account
}

const VERIFICATION_GAS: u128 = 100_000;
const CALL_GAS: u128 = 100_000;
const PRE_VERIFICATION_GAS: u64 = 50_000;
/// maxFeePerGas: 1 gwei; with priority 0 the EntryPoint charges the basefee.
const MAX_FEE: u128 = 1_000_000_000;

fn op(sender: Address, nonce: U256, call_data: impl Into<Bytes>) -> PackedUserOperation {
    PackedUserOperation {
        sender,
        nonce,
        initCode: Bytes::new(),
        callData: call_data.into(),
        accountGasLimits: pack_account_gas_limits(VERIFICATION_GAS, CALL_GAS),
        preVerificationGas: U256::from(PRE_VERIFICATION_GAS),
        gasFees: pack_gas_fees(0, MAX_FEE),
        paymasterAndData: Bytes::new(),
        signature: Bytes::from_static(b"no signature checked"),
    }
}

fn required_prefund(op: &PackedUserOperation) -> U256 {
    let (verification, call) = unpack_u128s(op.accountGasLimits);
    let (_, max_fee) = unpack_u128s(op.gasFees);
    (U256::from(verification) + U256::from(call) + op.preVerificationGas) * U256::from(max_fee)
}

fn failed_op(outcome: &TxOutcome) -> IEntryPointErrors {
    assert!(
        outcome.reverted(),
        "handleOps should revert, got: {outcome}"
    );
    outcome
        .decode_revert::<IEntryPointErrors>()
        .unwrap_or_else(|| panic!("not an EntryPoint error: 0x{}", outcome.output))
}

fn assert_failed_op(outcome: &TxOutcome, index: u64, reason: &str) {
    match failed_op(outcome) {
        IEntryPointErrors::FailedOp(e) => {
            assert_eq!((e.opIndex, e.reason.as_str()), (U256::from(index), reason))
        }
        other => panic!("expected FailedOp({index}, {reason:?}), got {other:?}"),
    }
}

fn get_user_op_hash(net: &mut Localnet, op: &PackedUserOperation) -> B256 {
    let data = IEntryPoint::getUserOpHashCall { userOp: op.clone() }.abi_encode();
    net.call(ALICE, ENTRY_POINT, data)
        .decode_return::<IEntryPoint::getUserOpHashCall>()
        .expect("getUserOpHash")
}

// ---------- deployment ----------

#[test]
fn deploys_at_the_canonical_address_with_its_sender_creator() {
    let Some(code) = init_code() else { return };
    let mut net = Localnet::new();
    assert!(net.code(ENTRY_POINT).is_empty());
    assert_eq!(
        DETERMINISTIC_DEPLOYER.create2_from_code(ENTRY_POINT_SALT, &code),
        ENTRY_POINT
    );
    assert_eq!(net.deploy_entry_point(&code), ENTRY_POINT);
    {
        // The same deployment by hand, for its gas.
        let mut net = Localnet::new();
        net.install_deterministic_deployer();
        let data = [ENTRY_POINT_SALT.as_slice(), &code].concat();
        let out = net
            .transact(localnet::DEPLOYER, DETERMINISTIC_DEPLOYER, U256::ZERO, data)
            .expect_success();
        assert_eq!(out.output.as_ref(), ENTRY_POINT.as_slice());
        println!(
            "EntryPoint deployment through the proxy: {} gas",
            out.gas_used
        );
    }

    assert_eq!(
        net.code(DETERMINISTIC_DEPLOYER).as_ref(),
        DETERMINISTIC_DEPLOYER_CODE
    );
    let runtime = net.code(ENTRY_POINT);
    assert_eq!(runtime.len(), 16_035, "EntryPoint v0.7.0 runtime size");
    // The constructor created the SenderCreator (CREATE at nonce 1), whose
    // address is an immutable of the runtime code.
    assert_eq!(ENTRY_POINT.create(1), SENDER_CREATOR);
    assert!(!net.code(SENDER_CREATOR).is_empty());
    assert_eq!(net.nonce(ENTRY_POINT), 2);
    assert!(
        runtime.windows(20).any(|w| w == SENDER_CREATOR.as_slice()),
        "the runtime code embeds the SenderCreator's address"
    );
    // Deploying again changes nothing.
    assert_eq!(net.deploy_entry_point(&code), ENTRY_POINT);
    // Other init code does not pass for the EntryPoint.
    let mut other = code.clone();
    other.push(0);
    assert!(net.try_deploy_entry_point(&other).is_err());
    assert_eq!(net.entry_point_nonce(ALICE, U256::ZERO), U256::ZERO);
}

#[test]
fn deterministic_deployer_deploys_any_code_at_its_create2_address() {
    let mut net = Localnet::new();
    let salt = B256::repeat_byte(0x42);
    let init = localnet::deployer_init_code(&[0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    let address = net.try_deploy_deterministic(salt, &init).expect("CREATE2");
    assert_eq!(
        address,
        DETERMINISTIC_DEPLOYER.create2_from_code(salt, &init)
    );
    let out = net.call(ALICE, address, Vec::new()).expect_success();
    assert_eq!(U256::from_be_slice(&out.output), U256::from(42));
    // The same salt and code again: CREATE2 collides and the proxy reverts.
    assert!(net.try_deploy_deterministic(salt, &init).is_err());
}

// ---------- the user operation hash ----------

#[test]
fn get_user_op_hash_matches_the_rust_hash() {
    let Some(mut net) = chain() else { return };
    let account = Address::repeat_byte(0x22);
    let mut ops = vec![
        PackedUserOperation::default(),
        op(account, U256::ZERO, Vec::new()),
        op(
            account,
            user_op_nonce(U256::from(0x100), 7),
            vec![0xde, 0xad, 0xbe, 0xef, 1, 2, 3],
        ),
    ];
    ops.push(PackedUserOperation {
        sender: Address::repeat_byte(0x77),
        nonce: U256::MAX,
        initCode: Bytes::from(vec![0x11; 100]),
        callData: Bytes::from(vec![0x22; 33]),
        accountGasLimits: pack_account_gas_limits(u128::MAX >> 8, 1),
        preVerificationGas: U256::from(123_456_789u64),
        gasFees: pack_gas_fees(2_000_000_000, 3_000_000_000),
        paymasterAndData: pack_paymaster_and_data(
            Address::repeat_byte(0x99),
            60_000,
            40_000,
            b"pm",
        ),
        signature: Bytes::from(vec![0x55; 65]),
    });
    // The signature is not hashed.
    let mut resigned = ops[3].clone();
    resigned.signature = Bytes::from_static(b"another signature");
    ops.push(resigned);

    let hashes: Vec<B256> = ops
        .iter()
        .map(|op| {
            let onchain = get_user_op_hash(&mut net, op);
            assert_eq!(onchain, user_op_hash(op, ENTRY_POINT, CHAIN_ID), "{op:?}");
            onchain
        })
        .collect();
    assert_eq!(hashes[3], hashes[4]);
    for i in 0..4 {
        for j in i + 1..4 {
            assert_ne!(hashes[i], hashes[j]);
        }
    }
    // The hash binds the EntryPoint and the chain.
    assert_ne!(user_op_hash(&ops[1], ENTRY_POINT, 1), hashes[1]);
    assert_ne!(user_op_hash(&ops[1], Address::ZERO, CHAIN_ID), hashes[1]);
}

/// docs/design/mav2-account.md §5.2: a session-key operation's hash.
#[test]
fn worked_example_hash() {
    let counter = Address::repeat_byte(0x33);
    let call_data = executeCall {
        target: counter,
        value: U256::ZERO,
        data: incrementCall {}.abi_encode().into(),
    }
    .abi_encode();
    assert_eq!(call_data.len(), 164);
    let op = PackedUserOperation {
        sender: Address::repeat_byte(0x22),
        nonce: user_op_nonce(U256::from(0x100), 0),
        initCode: Bytes::new(),
        callData: call_data.into(),
        accountGasLimits: pack_account_gas_limits(500_000, 200_000),
        preVerificationGas: U256::from(50_000),
        gasFees: pack_gas_fees(0, 100_000_000),
        paymasterAndData: Bytes::new(),
        signature: Bytes::new(),
    };
    assert_eq!(
        op.accountGasLimits,
        b256!("0000000000000000000000000007a12000000000000000000000000000030d40")
    );
    let expected = b256!("18db6680e723aae28e20a17f377f49cfadc9062a32ddd091d6d60fd972ddf61c");
    assert_eq!(user_op_hash(&op, ENTRY_POINT, CHAIN_ID), expected);
    if let Some(mut net) = chain() {
        assert_eq!(get_user_op_hash(&mut net, &op), expected);
    }
}

// ---------- deposits and nonces ----------

#[test]
fn deposits_and_nonces() {
    let Some(mut net) = chain() else { return };
    let account = Address::repeat_byte(0x22);
    assert_eq!(net.entry_point_deposit(account), U256::ZERO);

    let out = net
        .transact(
            ALICE,
            ENTRY_POINT,
            ether(2),
            IEntryPoint::depositToCall { account }.abi_encode(),
        )
        .expect_success();
    let deposited = decode_events::<IEntryPoint::Deposited>(&out.logs);
    assert_eq!(deposited.len(), 1);
    assert_eq!(
        (deposited[0].account, deposited[0].totalDeposit),
        (account, ether(2))
    );
    assert_eq!(net.entry_point_deposit(account), ether(2));
    assert_eq!(net.balance(ENTRY_POINT), ether(2));
    println!("depositTo (first deposit): {} gas", out.gas_used);

    // Plain ETH credits the sender.
    net.transact(ALICE, ENTRY_POINT, ether(1), Vec::new())
        .expect_success();
    assert_eq!(net.entry_point_deposit(ALICE), ether(1));
    assert_eq!(net.entry_point_deposit(account), ether(2));

    // withdrawTo from the depositor's own deposit.
    let before = net.balance(BUNDLER);
    net.transact(
        ALICE,
        ENTRY_POINT,
        U256::ZERO,
        IEntryPoint::withdrawToCall {
            withdrawAddress: BUNDLER,
            withdrawAmount: ether(1),
        }
        .abi_encode(),
    )
    .expect_success();
    assert_eq!(net.balance(BUNDLER), before + ether(1));
    assert_eq!(net.entry_point_deposit(ALICE), U256::ZERO);

    // getNonce: key << 64 | sequence, every key from sequence 0.
    for key in [0u64, 1, 0x100, 0x000a_bc00_0000_0701] {
        assert_eq!(
            net.entry_point_nonce(account, U256::from(key)),
            user_op_nonce(U256::from(key), 0)
        );
    }
    let max_key = (U256::from(1) << 192) - U256::from(1);
    assert_eq!(
        net.entry_point_nonce(account, max_key),
        user_op_nonce(max_key, 0)
    );
    // incrementNonce bumps the caller's own sequence of one key.
    for _ in 0..2 {
        net.transact(
            ALICE,
            ENTRY_POINT,
            U256::ZERO,
            IEntryPoint::incrementNonceCall {
                key: alloy_primitives::aliases::U192::from(5),
            }
            .abi_encode(),
        )
        .expect_success();
    }
    assert_eq!(
        net.entry_point_nonce(ALICE, U256::from(5)),
        user_op_nonce(U256::from(5), 2)
    );
    assert_eq!(net.entry_point_nonce(ALICE, U256::ZERO), U256::ZERO);
    assert_eq!(
        net.entry_point_nonce(account, U256::from(5)),
        user_op_nonce(U256::from(5), 0)
    );
}

// ---------- validation failures ----------

/// A sender without code: v0.7's `handleOps` has no "AA20 account not
/// deployed" check (that is `EntryPointSimulations` only): the
/// `validateUserOp` call to an empty account succeeds with no return data,
/// which the EntryPoint cannot decode as `uint256`, so `handleOps` reverts
/// with empty data.
#[test]
fn sender_without_code() {
    let Some(mut net) = chain() else { return };
    let nobody = Address::repeat_byte(0x44);
    let out = net.handle_ops(
        BUNDLER,
        vec![op(nobody, U256::ZERO, Vec::new())],
        BENEFICIARY,
    );
    assert!(out.reverted(), "{out}");
    assert!(
        out.output.is_empty(),
        "expected an empty revert, got 0x{}",
        out.output
    );
    println!("handleOps, sender without code: {out}");
}

#[test]
fn validation_failures_revert_handle_ops_with_failed_op() {
    let Some(mut net) = chain() else { return };
    let account = deploy_account(&mut net, &account_code(), ether(1));
    let good = op(account, U256::ZERO, Vec::new());

    // A second, valid op first: the failing op's index is 1.
    let other = deploy_account(&mut net, &account_code(), ether(1));
    let first = op(other, U256::ZERO, Vec::new());

    // AA25: wrong nonce (validation ran and paid first).
    let mut bad_nonce = good.clone();
    bad_nonce.nonce = U256::from(1);
    let out = net.handle_ops(BUNDLER, vec![first.clone(), bad_nonce], BENEFICIARY);
    assert_failed_op(&out, 1, "AA25 invalid account nonce");

    // AA24: validation data with authorizer 1 (signature failure).
    net.set_storage(account, U256::from(1), U256::from(1));
    let out = net.handle_ops(BUNDLER, vec![good.clone()], BENEFICIARY);
    assert_failed_op(&out, 0, "AA24 signature error");

    // AA22: validUntil in the past (validAfter << 208 | validUntil << 160).
    let valid_until = U256::from(GENESIS_TIMESTAMP - 1);
    net.set_storage(account, U256::from(1), valid_until << 160);
    let out = net.handle_ops(BUNDLER, vec![good.clone()], BENEFICIARY);
    assert_failed_op(&out, 0, "AA22 expired or not due");
    // ... and validAfter in the future.
    let valid_after = U256::from(GENESIS_TIMESTAMP + 1);
    net.set_storage(account, U256::from(1), valid_after << 208);
    let out = net.handle_ops(BUNDLER, vec![good.clone()], BENEFICIARY);
    assert_failed_op(&out, 0, "AA22 expired or not due");
    net.set_storage(account, U256::from(1), U256::ZERO);

    // AA21: an account that validates but does not pay.
    let stingy = deploy_account(&mut net, &[0x60, 0x20, 0x5f, 0xf3], ether(1));
    let out = net.handle_ops(
        BUNDLER,
        vec![op(stingy, U256::ZERO, Vec::new())],
        BENEFICIARY,
    );
    assert_failed_op(&out, 0, "AA21 didn't pay prefund");
    // With enough deposit it needs to pay nothing.
    let prefund = required_prefund(&good);
    net.transact(
        ALICE,
        ENTRY_POINT,
        prefund,
        IEntryPoint::depositToCall { account: stingy }.abi_encode(),
    )
    .expect_success();
    net.handle_ops(
        BUNDLER,
        vec![op(stingy, U256::ZERO, Vec::new())],
        BENEFICIARY,
    )
    .expect_success();

    // AA23: validateUserOp reverts; the revert data comes back inside.
    let reverting = deploy_account(
        &mut net,
        &[
            0x63, 0x12, 0x34, 0x56, 0x78, 0x5f, 0x52, 0x60, 0x04, 0x60, 0x1c, 0xfd,
        ],
        ether(1),
    );
    let out = net.handle_ops(
        BUNDLER,
        vec![op(reverting, U256::ZERO, Vec::new())],
        BENEFICIARY,
    );
    match failed_op(&out) {
        IEntryPointErrors::FailedOpWithRevert(e) => {
            assert_eq!(e.opIndex, U256::ZERO);
            assert_eq!(e.reason, "AA23 reverted");
            assert_eq!(e.inner.as_ref(), [0x12, 0x34, 0x56, 0x78]);
        }
        other => panic!("expected FailedOpWithRevert, got {other:?}"),
    }
    assert_eq!(
        &out.output[..4],
        IEntryPoint::FailedOpWithRevert::SELECTOR.as_slice()
    );

    // AA26: the validation phase (the EntryPoint's part included: the
    // account's cold access, the nonce's first SSTORE...) used more than
    // verificationGasLimit. With a deposit the account makes no CALL, and
    // its validateUserOp succeeds within the limit.
    net.transact(
        ALICE,
        ENTRY_POINT,
        prefund,
        IEntryPoint::depositToCall { account }.abi_encode(),
    )
    .expect_success();
    let mut tight = good.clone();
    tight.accountGasLimits = pack_account_gas_limits(20_000, CALL_GAS);
    let out = net.handle_ops(BUNDLER, vec![tight], BENEFICIARY);
    assert_failed_op(&out, 0, "AA26 over verificationGasLimit");

    // AA90: no beneficiary.
    let out = net.handle_ops(BUNDLER, vec![good.clone()], Address::ZERO);
    assert!(out.reverted());
    assert_eq!(
        out.revert_reason().as_deref(),
        Some("revert: AA90 invalid beneficiary")
    );

    // Nothing was consumed by the failures.
    assert_eq!(net.entry_point_nonce(account, U256::ZERO), U256::ZERO);
    assert_eq!(net.entry_point_nonce(other, U256::ZERO), U256::ZERO);
    assert_eq!(net.storage(account, U256::ZERO), U256::ZERO);
}

// ---------- whole loops ----------

#[test]
fn handle_ops_validates_pays_executes_and_settles() {
    let Some(mut net) = chain() else { return };
    let funds = ether(1);
    let account = deploy_account(&mut net, &account_code(), funds);
    let user_op = op(account, U256::ZERO, vec![0x12, 0x34, 0x56, 0x78]);
    let hash = user_op_hash(&user_op, ENTRY_POINT, CHAIN_ID);
    let prefund = required_prefund(&user_op);

    // A realistic transaction gas limit: what the op may use plus the
    // EntryPoint's own overhead.
    net.set_gas_limit(400_000);
    let bundler_before = net.balance(BUNDLER);
    let out = net
        .handle_ops(BUNDLER, vec![user_op.clone()], BENEFICIARY)
        .expect_success();
    println!(
        "handleOps, one op (cold account, first nonce): {} gas",
        out.gas_used
    );

    // BeforeExecution, then the UserOperationEvent.
    assert_eq!(
        out.logs
            .iter()
            .filter(|l| l.topics()[0] == IEntryPoint::BeforeExecution::SIGNATURE_HASH)
            .count(),
        1
    );
    let events = decode_events::<IEntryPoint::UserOperationEvent>(&out.logs);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.userOpHash, hash);
    assert_eq!(event.sender, account);
    assert_eq!(event.paymaster, Address::ZERO);
    assert_eq!(event.nonce, U256::ZERO);
    assert!(event.success);
    // Charged at min(maxFee, priority + basefee) = basefee.
    assert_eq!(
        event.actualGasCost,
        event.actualGasUsed * U256::from(BASEFEE)
    );
    let actual_gas_used: u64 = event.actualGasUsed.to();
    println!(
        "  UserOperationEvent: actualGasUsed {actual_gas_used} (preVerificationGas {PRE_VERIFICATION_GAS} + \
         10% of unused call gas included), actualGasCost {} wei",
        event.actualGasCost
    );
    assert!(actual_gas_used > PRE_VERIFICATION_GAS);
    assert!(actual_gas_used < PRE_VERIFICATION_GAS + (VERIFICATION_GAS + CALL_GAS) as u64);
    // The prefund event log for the account's payment comes first.
    let deposited = decode_events::<IEntryPoint::Deposited>(&out.logs);
    assert_eq!(deposited.len(), 1);
    assert_eq!(deposited[0].totalDeposit, prefund);

    // Executed: the account's counter.
    assert_eq!(net.storage(account, U256::ZERO), U256::from(1));
    // The account paid the whole prefund; the unused part is its deposit.
    assert_eq!(net.balance(account), funds - prefund);
    assert_eq!(
        net.entry_point_deposit(account),
        prefund - event.actualGasCost
    );
    // The beneficiary got the gas cost, the bundler paid the transaction.
    assert_eq!(net.balance(BENEFICIARY), event.actualGasCost);
    assert_eq!(
        net.balance(BUNDLER),
        bundler_before - U256::from(out.gas_used) * U256::from(BASEFEE)
    );
    assert_eq!(net.balance(ENTRY_POINT), prefund - event.actualGasCost);
    // The nonce moved.
    assert_eq!(net.entry_point_nonce(account, U256::ZERO), U256::from(1));

    // The same op again: its nonce is used up.
    let out = net.handle_ops(BUNDLER, vec![user_op.clone()], BENEFICIARY);
    assert_failed_op(&out, 0, "AA25 invalid account nonce");

    // Nonce 1: the account's deposit (the unused prefund) covers most of
    // the prefund; it sends only what is missing.
    let second = op(account, U256::from(1), vec![0x12, 0x34, 0x56, 0x78]);
    let account_balance = net.balance(account);
    let deposit = net.entry_point_deposit(account);
    let out = net
        .handle_ops(BUNDLER, vec![second.clone()], BENEFICIARY)
        .expect_success();
    println!("handleOps, one op (second op: nonce and deposit slots already set, pays the rest of the prefund): {} gas", out.gas_used);
    let event = &decode_events::<IEntryPoint::UserOperationEvent>(&out.logs)[0];
    assert!(event.success);
    assert_eq!(net.balance(account), account_balance - (prefund - deposit));
    assert_eq!(
        net.entry_point_deposit(account),
        prefund - event.actualGasCost
    );
    assert_eq!(net.storage(account, U256::ZERO), U256::from(2));

    // A parallel nonce key has its own sequence.
    let keyed = op(account, user_op_nonce(U256::from(0x100), 0), Vec::new());
    net.handle_ops(BUNDLER, vec![keyed], BENEFICIARY)
        .expect_success();
    assert_eq!(
        net.entry_point_nonce(account, U256::from(0x100)),
        user_op_nonce(U256::from(0x100), 1)
    );
    assert_eq!(net.entry_point_nonce(account, U256::ZERO), U256::from(2));
    // Empty callData: nothing executed.
    assert_eq!(net.storage(account, U256::ZERO), U256::from(2));
}

#[test]
fn handle_ops_with_a_bundle_an_execution_revert_and_execute_user_op() {
    let Some(mut net) = chain() else { return };
    let a = deploy_account(&mut net, &account_code(), ether(1));
    let b = deploy_account(&mut net, &account_code(), ether(1));
    let c = deploy_account(&mut net, &account_code(), ether(1));

    let reverting = op(b, U256::ZERO, vec![0xde, 0xad, 0xbe, 0xef]);
    let mut full = op(c, U256::ZERO, Vec::new());
    // callData starting with executeUserOp's selector: the account is
    // called with executeUserOp(op, hash).
    full.callData = IAccountExecute::executeUserOpCall::SELECTOR.to_vec().into();
    let ops = vec![op(a, U256::ZERO, vec![1]), reverting.clone(), full];
    let hashes: Vec<B256> = ops
        .iter()
        .map(|op| user_op_hash(op, ENTRY_POINT, CHAIN_ID))
        .collect();

    net.set_gas_limit(1_000_000);
    let out = net.handle_ops(BUNDLER, ops, BENEFICIARY).expect_success();
    println!(
        "handleOps, three ops (one execution reverts): {} gas",
        out.gas_used
    );

    let events = decode_events::<IEntryPoint::UserOperationEvent>(&out.logs);
    assert_eq!(
        events
            .iter()
            .map(|e| (e.userOpHash, e.sender, e.success))
            .collect::<Vec<_>>(),
        vec![
            (hashes[0], a, true),
            (hashes[1], b, false),
            (hashes[2], c, true)
        ]
    );
    let reasons = decode_events::<IEntryPoint::UserOperationRevertReason>(&out.logs);
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].userOpHash, hashes[1]);
    assert_eq!(reasons[0].sender, b);
    assert_eq!(reasons[0].revertReason.as_ref(), [0xde, 0xad, 0xbe, 0xef]);
    // The reverted op is charged and its nonce is used.
    assert!(events[1].actualGasCost > U256::ZERO);
    assert_eq!(net.entry_point_nonce(b, U256::ZERO), U256::from(1));
    assert_eq!(net.storage(a, U256::ZERO), U256::from(1));
    assert_eq!(net.storage(b, U256::ZERO), U256::ZERO);
    assert_eq!(net.storage(c, U256::ZERO), U256::from(1));
    let total: U256 = events.iter().map(|e| e.actualGasCost).sum();
    assert_eq!(net.balance(BENEFICIARY), total);
}

/// The EntryPoint checks `gasleft()` before each execution: a transaction
/// with too little gas for the op's callGasLimit aborts the whole bundle
/// with AA95, and the same op with enough gas goes through.
#[test]
fn too_little_transaction_gas_for_the_call_gas_limit_is_aa95() {
    let Some(mut net) = chain() else { return };
    let account = deploy_account(&mut net, &account_code(), ether(1));
    let mut user_op = op(account, U256::ZERO, vec![1]);
    user_op.accountGasLimits = pack_account_gas_limits(VERIFICATION_GAS, 1_000_000);

    net.set_gas_limit(300_000);
    let out = net.handle_ops(BUNDLER, vec![user_op.clone()], BENEFICIARY);
    assert_failed_op(&out, 0, "AA95 out of gas");

    net.set_gas_limit(1_200_000);
    let out = net
        .handle_ops(BUNDLER, vec![user_op], BENEFICIARY)
        .expect_success();
    let event = &decode_events::<IEntryPoint::UserOperationEvent>(&out.logs)[0];
    assert!(event.success);
    // 10% of the unused call gas is charged as a penalty.
    assert!(event.actualGasUsed > U256::from(90_000));
}

#[test]
fn addresses() {
    assert_eq!(
        ENTRY_POINT,
        address!("0000000071727De22E5E9d8BAf0edAc6f37da032")
    );
    assert_eq!(
        DETERMINISTIC_DEPLOYER,
        address!("4e59b44847b379578588920ca78fbf26c0b4956c")
    );
    assert_eq!(
        SENDER_CREATOR,
        address!("efc2c1444ebcc4db75e7613d20c6a62ff67a167c")
    );
    assert_eq!(
        IEntryPoint::handleOpsCall::SELECTOR,
        [0x76, 0x5e, 0x82, 0x7f]
    );
    assert_eq!(
        IEntryPoint::getUserOpHashCall::SELECTOR,
        [0x22, 0xcd, 0xde, 0x4c]
    );
    assert_eq!(IEntryPoint::FailedOp::SELECTOR, [0x22, 0x02, 0x66, 0xb6]);
    assert_eq!(
        IEntryPoint::FailedOpWithRevert::SELECTOR,
        [0x65, 0xc8, 0xfd, 0x4d]
    );
    assert_eq!(
        IEntryPoint::UserOperationEvent::SIGNATURE_HASH,
        b256!("49628fd1471006c1482da88028e9ce4dbb080b815c9b0344d39e5a8e6ec1419f")
    );
    assert_eq!(
        IEntryPoint::UserOperationRevertReason::SIGNATURE_HASH,
        b256!("1c4fada7374c0a9ee8841fc38afe82932dc0f8e69012e927f061a8bae611a201")
    );
    assert_eq!(
        IEntryPoint::BeforeExecution::SIGNATURE_HASH,
        b256!("bb47ee3e183a558b1a2ff0874b079f3fc5478b7454eacf2bfc5af2ff5878f972")
    );
}
