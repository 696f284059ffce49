//! The ERC-4337 EntryPoint v0.7 on [`Localnet`], at its canonical address.
//!
//! The contract is the real one: the creation code of `EntryPoint` from the
//! npm package `@account-abstraction/contracts@0.7.0`
//! (`artifacts/EntryPoint.json`), which `scripts/fetch-entrypoint.sh` puts in
//! `target/fixtures/EntryPoint.bin` (see [`entry_point_init_code_path`] and
//! [`load_entry_point_init_code`]).
//!
//! [`Localnet::deploy_entry_point`] deploys it as on a public chain: it
//! installs the deterministic deployment proxy at [`DETERMINISTIC_DEPLOYER`]
//! (its runtime code, with `set_code`), and sends it
//! `ENTRY_POINT_SALT ‖ initCode`; the proxy CREATE2s the code, which lands at
//! [`ENTRY_POINT`]. The EntryPoint's constructor creates its
//! `SenderCreator` (CREATE from the EntryPoint at nonce 1:
//! [`SENDER_CREATOR`]).
//!
//! ```no_run
//! use localnet::entry_point::{self, pack_account_gas_limits, pack_gas_fees,
//!     user_op_hash, PackedUserOperation, ENTRY_POINT};
//! use localnet::{Localnet, CHAIN_ID};
//! use alloy_primitives::{Address, Bytes, U256};
//!
//! let mut net = Localnet::new();
//! let init_code = entry_point::load_entry_point_init_code().unwrap();
//! assert_eq!(net.deploy_entry_point(&init_code), ENTRY_POINT);
//! let op = PackedUserOperation {
//!     sender: Address::repeat_byte(0x22),
//!     nonce: U256::ZERO,
//!     initCode: Bytes::new(),
//!     callData: Bytes::new(),
//!     accountGasLimits: pack_account_gas_limits(500_000, 200_000),
//!     preVerificationGas: U256::from(50_000),
//!     gasFees: pack_gas_fees(0, 100_000_000),
//!     paymasterAndData: Bytes::new(),
//!     signature: Bytes::new(),
//! };
//! let hash = user_op_hash(&op, ENTRY_POINT, CHAIN_ID);
//! ```

use crate::localnet::{Localnet, LocalnetError, TxOutcome, DEPLOYER};
use alloy_primitives::{address, b256, hex, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use revm::primitives::Log;
use std::path::{Path, PathBuf};

/// The canonical address of EntryPoint v0.7 (on every chain that has it).
pub const ENTRY_POINT: Address = address!("0000000071727De22E5E9d8BAf0edAc6f37da032");

/// The deterministic deployment proxy ("Arachnid's CREATE2 factory"), at the
/// same address on every chain. Call data `salt(32) ‖ initCode`: it
/// CREATE2s `initCode` with `salt` and the call's value and returns the
/// 20-byte address (reverts with empty data if the creation fails).
pub const DETERMINISTIC_DEPLOYER: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// The runtime code of [`DETERMINISTIC_DEPLOYER`] (69 bytes):
///
/// ```text
/// len = CALLDATASIZE + (-32)                ; PUSH32 0xff..e0 CALLDATASIZE ADD
/// CALLDATACOPY(0, 32, len)                  ; the init code
/// addr = CREATE2(CALLVALUE, 0, len, CALLDATALOAD(0))
/// if addr == 0 { REVERT with empty data }
/// MSTORE(0, addr); RETURN(12, 20)           ; the 20-byte address
/// ```
pub const DETERMINISTIC_DEPLOYER_CODE: [u8; 69] = hex!(
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0"
    "3601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3"
);

/// The CREATE2 salt EntryPoint v0.7.0 was deployed with (the
/// account-abstraction repository's `hardhat.config.ts`, v0.7.0).
pub const ENTRY_POINT_SALT: B256 =
    b256!("90d8084deab30c2a37c45e8d47f49f2f7965183cb6990a98943ef94940681de3");

/// keccak256 of the v0.7.0 creation code (`artifacts/EntryPoint.json`'s
/// `bytecode`): with [`ENTRY_POINT_SALT`] through [`DETERMINISTIC_DEPLOYER`]
/// it gives [`ENTRY_POINT`].
pub const ENTRY_POINT_INIT_CODE_HASH: B256 =
    b256!("30516d9cdbeabfaf62ea32d081a10ee3b95b92e5549cfc86353bbe85741c1404");

/// The `SenderCreator` the EntryPoint's constructor creates: CREATE from
/// [`ENTRY_POINT`] at nonce 1. Accounts' factories see it as `msg.sender`.
pub const SENDER_CREATOR: Address = address!("efc2c1444ebcc4db75e7613d20c6a62ff67a167c");

alloy_sol_types::sol! {
    /// A user operation as EntryPoint v0.7 takes it. `accountGasLimits` is
    /// `verificationGasLimit << 128 | callGasLimit` ([`pack_account_gas_limits`]),
    /// `gasFees` is `maxPriorityFeePerGas << 128 | maxFeePerGas`
    /// ([`pack_gas_fees`]), `paymasterAndData` is empty or
    /// `paymaster(20) ‖ pmVerificationGasLimit(16) ‖ pmPostOpGasLimit(16) ‖ data`
    /// ([`pack_paymaster_and_data`]).
    #[derive(Debug, PartialEq, Eq, Default)]
    struct PackedUserOperation {
        address sender;
        uint256 nonce;
        bytes initCode;
        bytes callData;
        bytes32 accountGasLimits;
        uint256 preVerificationGas;
        bytes32 gasFees;
        bytes paymasterAndData;
        bytes signature;
    }

    /// The parts of EntryPoint v0.7 (`IEntryPoint`, `INonceManager`,
    /// `IStakeManager`) tests use, with every error and the events of a
    /// `handleOps`.
    #[derive(Debug, PartialEq, Eq)]
    interface IEntryPoint {
        /// Validates, then executes, the operations; pays the gas they
        /// used to `beneficiary`. Any validation failure reverts the whole
        /// call with `FailedOp` / `FailedOpWithRevert`.
        function handleOps(PackedUserOperation[] ops, address beneficiary) external;
        /// The hash the account signs ([`user_op_hash`]).
        function getUserOpHash(PackedUserOperation userOp) external view returns (bytes32);
        /// `key << 64 | nextSequence[sender][key]`.
        function getNonce(address sender, uint192 key) external view returns (uint256 nonce);
        /// Lets the caller (an account) bump its own sequence of `key`.
        function incrementNonce(uint192 key) external;
        /// Adds the value to `account`'s deposit.
        function depositTo(address account) external payable;
        /// `account`'s deposit.
        function balanceOf(address account) external view returns (uint256);
        /// Withdraws from the caller's deposit.
        function withdrawTo(address withdrawAddress, uint256 withdrawAmount) external;
        /// Always reverts with `SenderAddressResult(address)`: the address
        /// `initCode` creates.
        function getSenderAddress(bytes initCode) external;
        /// ERC-165.
        function supportsInterface(bytes4 interfaceId) external view returns (bool);

        /// A validation failure of `ops[opIndex]` ("AA.. reason").
        error FailedOp(uint256 opIndex, string reason);
        /// A validation failure with the reverting callee's data
        /// (`"AA23 reverted"`, `"AA33 reverted"`), up to 2,048 bytes.
        error FailedOpWithRevert(uint256 opIndex, string reason, bytes inner);
        error PostOpReverted(bytes returnData);
        error SignatureValidationFailed(address aggregator);
        error SenderAddressResult(address sender);
        error DelegateAndRevert(bool success, bytes ret);
        error ReentrancyGuardReentrantCall();

        /// After every executed operation.
        event UserOperationEvent(bytes32 indexed userOpHash, address indexed sender, address indexed paymaster, uint256 nonce, bool success, uint256 actualGasCost, uint256 actualGasUsed);
        /// The execution call reverted with non-empty data (truncated to
        /// 2,048 bytes); not emitted for an empty revert.
        event UserOperationRevertReason(bytes32 indexed userOpHash, address indexed sender, uint256 nonce, bytes revertReason);
        /// An operation's `initCode` created its sender.
        event AccountDeployed(bytes32 indexed userOpHash, address indexed sender, address factory, address paymaster);
        /// Between the validation loop and the execution loop.
        event BeforeExecution();
        /// A deposit changed (`depositTo`, or plain ETH sent to the EntryPoint).
        event Deposited(address indexed account, uint256 totalDeposit);
        event Withdrawn(address indexed account, address withdrawAddress, uint256 amount);
        event UserOperationPrefundTooLow(bytes32 indexed userOpHash, address indexed sender, uint256 nonce);
        event PostOpRevertReason(bytes32 indexed userOpHash, address indexed sender, uint256 nonce, bytes revertReason);
    }

    /// What EntryPoint v0.7 calls on an account.
    #[derive(Debug, PartialEq, Eq)]
    interface IAccount {
        /// `0x19822f7c`. Returns the validation data:
        /// `authorizer(20) ‖ validUntil(6) ‖ validAfter(6)` packed as
        /// `validAfter << 208 | validUntil << 160 | authorizer`
        /// (authorizer 1 = signature failure).
        function validateUserOp(PackedUserOperation userOp, bytes32 userOpHash, uint256 missingAccountFunds) external returns (uint256 validationData);
    }

    /// `callData` starting with `executeUserOp`'s selector (`0x8dd7712f`)
    /// makes the EntryPoint call the account with the full operation.
    #[derive(Debug, PartialEq, Eq)]
    interface IAccountExecute {
        function executeUserOp(PackedUserOperation userOp, bytes32 userOpHash) external;
    }
}

pub use IEntryPoint::{IEntryPointErrors, IEntryPointEvents};

/// `high << 128 | low` as a word: the packing of `accountGasLimits`,
/// `gasFees` and the paymaster's gas limits.
fn pack_u128s(high: u128, low: u128) -> B256 {
    let mut word = [0u8; 32];
    word[..16].copy_from_slice(&high.to_be_bytes());
    word[16..].copy_from_slice(&low.to_be_bytes());
    B256::from(word)
}

/// `accountGasLimits = verificationGasLimit << 128 | callGasLimit`.
pub fn pack_account_gas_limits(verification_gas_limit: u128, call_gas_limit: u128) -> B256 {
    pack_u128s(verification_gas_limit, call_gas_limit)
}

/// `gasFees = maxPriorityFeePerGas << 128 | maxFeePerGas`.
pub fn pack_gas_fees(max_priority_fee_per_gas: u128, max_fee_per_gas: u128) -> B256 {
    pack_u128s(max_priority_fee_per_gas, max_fee_per_gas)
}

/// The two halves of a packed word: `(word >> 128, word & (2^128 - 1))`,
/// e.g. `(verificationGasLimit, callGasLimit)` of `accountGasLimits`.
pub fn unpack_u128s(word: B256) -> (u128, u128) {
    let high = u128::from_be_bytes(word[..16].try_into().expect("16 bytes"));
    let low = u128::from_be_bytes(word[16..].try_into().expect("16 bytes"));
    (high, low)
}

/// `paymaster(20) ‖ pmVerificationGasLimit(16) ‖ pmPostOpGasLimit(16) ‖ data`.
pub fn pack_paymaster_and_data(
    paymaster: Address,
    verification_gas_limit: u128,
    post_op_gas_limit: u128,
    data: &[u8],
) -> Bytes {
    let mut out = Vec::with_capacity(52 + data.len());
    out.extend_from_slice(paymaster.as_slice());
    out.extend_from_slice(&verification_gas_limit.to_be_bytes());
    out.extend_from_slice(&post_op_gas_limit.to_be_bytes());
    out.extend_from_slice(data);
    out.into()
}

/// A user operation's nonce: `key << 64 | sequence` (the key is 192 bits;
/// its high bits are cut off).
pub fn user_op_nonce(key: U256, sequence: u64) -> U256 {
    (key << 64) | U256::from(sequence)
}

/// The user operation hash as EntryPoint v0.7 computes it
/// (`UserOperationLib.encode` / `hash`, `EntryPoint.getUserOpHash`):
///
/// ```text
/// inner = keccak256(abi.encode(
///     sender, nonce, keccak256(initCode), keccak256(callData),
///     accountGasLimits, preVerificationGas, gasFees,
///     keccak256(paymasterAndData)))             // 8 words
/// userOpHash = keccak256(abi.encode(inner, entryPoint, chainId))  // 3 words
/// ```
///
/// The signature is not hashed.
pub fn user_op_hash(op: &PackedUserOperation, entry_point: Address, chain_id: u64) -> B256 {
    let inner = keccak256(
        (
            op.sender,
            op.nonce,
            keccak256(&op.initCode),
            keccak256(&op.callData),
            op.accountGasLimits,
            op.preVerificationGas,
            op.gasFees,
            keccak256(&op.paymasterAndData),
        )
            .abi_encode(),
    );
    keccak256((inner, entry_point, U256::from(chain_id)).abi_encode())
}

/// The logs of `E` (by topic 0) in `logs`, decoded (e.g. an outcome's
/// `IEntryPoint::UserOperationEvent`s). Panics on a log with `E`'s topic 0
/// that does not decode.
#[track_caller]
pub fn decode_events<E: SolEvent>(logs: &[Log]) -> Vec<E> {
    logs.iter()
        .filter(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
        .map(|log| {
            E::decode_log_data(&log.data)
                .unwrap_or_else(|e| panic!("undecodable {} log: {e}", E::SIGNATURE))
        })
        .collect()
}

/// `target/fixtures/EntryPoint.bin` (under `CARGO_TARGET_DIR` if set),
/// which `scripts/fetch-entrypoint.sh` writes: the v0.7.0 creation code as
/// hex.
pub fn entry_point_init_code_path() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        None => root.join("target"),
    };
    target.join("fixtures").join("EntryPoint.bin")
}

/// Reads and hex-decodes [`entry_point_init_code_path`], and checks it is
/// the v0.7.0 code ([`ENTRY_POINT_INIT_CODE_HASH`]). A missing file is an
/// [`LocalnetError::Io`] that says to run `scripts/fetch-entrypoint.sh`.
pub fn load_entry_point_init_code() -> Result<Vec<u8>, LocalnetError> {
    let path = entry_point_init_code_path();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        LocalnetError::Io(format!(
            "reading {}: {e}; run scripts/fetch-entrypoint.sh",
            path.display()
        ))
    })?;
    let code = hex::decode(text.trim()).map_err(|e| {
        LocalnetError::Io(format!(
            "{} is not hex: {e}; delete it and run scripts/fetch-entrypoint.sh",
            path.display()
        ))
    })?;
    let hash = keccak256(&code);
    if hash != ENTRY_POINT_INIT_CODE_HASH {
        return Err(LocalnetError::Io(format!(
            "{} has keccak256 {hash}, not EntryPoint v0.7.0's {ENTRY_POINT_INIT_CODE_HASH}; \
             delete it and run scripts/fetch-entrypoint.sh",
            path.display()
        )));
    }
    Ok(code)
}

impl Localnet {
    /// Puts the deterministic deployment proxy's runtime code at
    /// [`DETERMINISTIC_DEPLOYER`] (genesis-style, as a chain that has it).
    pub fn install_deterministic_deployer(&mut self) {
        if self.code(DETERMINISTIC_DEPLOYER).as_ref() != DETERMINISTIC_DEPLOYER_CODE {
            self.set_code(
                DETERMINISTIC_DEPLOYER,
                Bytes::from_static(&DETERMINISTIC_DEPLOYER_CODE),
            );
        }
    }

    /// Deploys `init_code` with CREATE2 through the deterministic deployment
    /// proxy (installed if needed), from [`DEPLOYER`]: the contract lands at
    /// `DETERMINISTIC_DEPLOYER.create2(salt, keccak256(init_code))`.
    pub fn try_deploy_deterministic(
        &mut self,
        salt: B256,
        init_code: &[u8],
    ) -> Result<Address, LocalnetError> {
        self.install_deterministic_deployer();
        let expected = DETERMINISTIC_DEPLOYER.create2_from_code(salt, init_code);
        let mut data = Vec::with_capacity(32 + init_code.len());
        data.extend_from_slice(salt.as_slice());
        data.extend_from_slice(init_code);
        let outcome = self.try_transact(DEPLOYER, DETERMINISTIC_DEPLOYER, U256::ZERO, data)?;
        if !outcome.success || outcome.output.as_ref() != expected.as_slice() {
            return Err(LocalnetError::Failed(Box::new(outcome)));
        }
        Ok(expected)
    }

    /// Deploys EntryPoint v0.7 at [`ENTRY_POINT`] (see the module docs):
    /// `init_code` is [`load_entry_point_init_code`]'s. Returns
    /// [`ENTRY_POINT`]; does nothing if the EntryPoint is already there.
    pub fn try_deploy_entry_point(&mut self, init_code: &[u8]) -> Result<Address, LocalnetError> {
        let address = DETERMINISTIC_DEPLOYER.create2_from_code(ENTRY_POINT_SALT, init_code);
        if address != ENTRY_POINT {
            return Err(LocalnetError::Io(format!(
                "init code with keccak256 {} deploys to {address}, not the EntryPoint v0.7 \
                 address {ENTRY_POINT}: not EntryPoint v0.7.0's creation code",
                keccak256(init_code)
            )));
        }
        if !self.code(ENTRY_POINT).is_empty() {
            return Ok(ENTRY_POINT);
        }
        self.try_deploy_deterministic(ENTRY_POINT_SALT, init_code)
    }

    /// [`Localnet::try_deploy_entry_point`], panicking on failure; asserts
    /// the EntryPoint and its `SenderCreator` have code.
    #[track_caller]
    pub fn deploy_entry_point(&mut self, init_code: &[u8]) -> Address {
        let address = match self.try_deploy_entry_point(init_code) {
            Ok(address) => address,
            Err(e) => panic!("deploy_entry_point: {e}"),
        };
        assert_eq!(address, ENTRY_POINT, "EntryPoint v0.7 address");
        assert!(!self.code(ENTRY_POINT).is_empty(), "EntryPoint has no code");
        assert!(
            !self.code(SENDER_CREATOR).is_empty(),
            "the EntryPoint's SenderCreator has no code"
        );
        address
    }

    /// [`load_entry_point_init_code`] and [`Localnet::deploy_entry_point`]:
    /// panics (saying to run `scripts/fetch-entrypoint.sh`) if the code was
    /// not fetched.
    #[track_caller]
    pub fn deploy_entry_point_fixture(&mut self) -> Address {
        match load_entry_point_init_code() {
            Ok(code) => self.deploy_entry_point(&code),
            Err(e) => panic!("deploy_entry_point_fixture: {e}"),
        }
    }

    /// `EntryPoint.handleOps(ops, beneficiary)` at [`ENTRY_POINT`], sent by
    /// `bundler` (who pays the gas) and committed.
    #[track_caller]
    pub fn handle_ops(
        &mut self,
        bundler: Address,
        ops: Vec<PackedUserOperation>,
        beneficiary: Address,
    ) -> TxOutcome {
        let data = IEntryPoint::handleOpsCall { ops, beneficiary }.abi_encode();
        self.transact(bundler, ENTRY_POINT, U256::ZERO, data)
    }

    /// `EntryPoint.getNonce(sender, key)` at [`ENTRY_POINT`]; panics if
    /// `key` has more than 192 bits.
    #[track_caller]
    pub fn entry_point_nonce(&mut self, sender: Address, key: U256) -> U256 {
        let key = key.to::<alloy_primitives::aliases::U192>();
        let data = IEntryPoint::getNonceCall { sender, key }.abi_encode();
        self.call(Address::ZERO, ENTRY_POINT, data)
            .decode_return::<IEntryPoint::getNonceCall>()
            .unwrap_or_else(|e| panic!("getNonce: {e}"))
    }

    /// `EntryPoint.balanceOf(account)` at [`ENTRY_POINT`]: the deposit.
    #[track_caller]
    pub fn entry_point_deposit(&mut self, account: Address) -> U256 {
        let data = IEntryPoint::balanceOfCall { account }.abi_encode();
        self.call(Address::ZERO, ENTRY_POINT, data)
            .decode_return::<IEntryPoint::balanceOfCall>()
            .unwrap_or_else(|e| panic!("balanceOf: {e}"))
    }
}
