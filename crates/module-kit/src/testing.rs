//! Native test support: a harness that calls a module's router on the
//! SDK's `TestVM`, and alloy definitions of the ABI the modules speak, so
//! that tests encode calls independently of `permission_core`'s encoder.

use alloc::vec::Vec;
use core::marker::PhantomData;
use std::collections::HashMap;

use alloy_sol_types::{sol, SolCall, SolError, SolInterface};
use permission_core::{Address, B256, U256};
use stylus_sdk::testing::TestVM;

use crate::router::{route, PermissionModule};
use crate::Output;

pub mod hostile;

sol! {
    /// EntryPoint v0.7 user operation.
    #[derive(Debug, PartialEq, Default)]
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

    /// One call of `executeBatch`.
    #[derive(Debug, PartialEq)]
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    /// ERC-165.
    interface IERC165 {
        function supportsInterface(bytes4 interfaceId) external view returns (bool);
    }

    /// ERC-6900 v0.8 IModule.
    interface IModule {
        function onInstall(bytes calldata data) external;
        function onUninstall(bytes calldata data) external;
        function moduleId() external view returns (string memory);
    }

    /// ERC-6900 v0.8 IValidationHookModule.
    interface IValidationHookModule {
        function preUserOpValidationHook(uint32 entityId, PackedUserOperation calldata userOp, bytes32 userOpHash) external returns (uint256);
        function preRuntimeValidationHook(uint32 entityId, address sender, uint256 value, bytes calldata data, bytes calldata authorization) external;
        function preSignatureValidationHook(uint32 entityId, address sender, bytes32 hash, bytes calldata signature) external view;
    }

    /// ERC-6900 v0.8 IExecutionHookModule.
    interface IExecutionHookModule {
        function preExecutionHook(uint32 entityId, address sender, uint256 value, bytes calldata data) external returns (bytes memory);
        function postExecutionHook(uint32 entityId, bytes calldata preExecHookData) external;
    }

    /// The account functions session-key calls arrive through (MAv2).
    interface IAccountExecute {
        function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory);
        function executeBatch(Call[] calldata calls) external payable returns (bytes[] memory);
        function executeUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external;
        function executeWithRuntimeValidation(bytes calldata data, bytes calldata authorization) external payable returns (bytes memory);
        function installValidation(bytes25 validationConfig, bytes4[] calldata selectors, bytes calldata installData, bytes[] calldata hooks) external;
        function uninstallValidation(bytes24 validationFunction, bytes calldata uninstallData, bytes[] calldata hookUninstallData) external;
        function upgradeToAndCall(address newImplementation, bytes calldata data) external payable;
        function performCreate(uint256 value, bytes calldata initCode, bool isCreate2, bytes32 salt) external payable returns (address);
    }

    /// ERC-20 calls a spending limit prices.
    interface IERC20Spend {
        function transfer(address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
        function increaseAllowance(address spender, uint256 added) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
    }

    /// Errors and events every module shares.
    interface IModuleCommon {
        error MalformedCalldata(uint8 reason);
        error UnsupportedCallForm(bytes4 selector);
        error UnsupportedFunction(bytes4 selector);
        error UnexpectedDataPassed();
        error NotInstalled(address account, uint32 entityId);
        error AlreadyInstalled(address account, uint32 entityId);
        error ValueNotAccepted();
        event ModuleInstalled(address indexed account, uint32 indexed entityId);
        event ModuleUninstalled(address indexed account, uint32 indexed entityId);
    }
}

/// An account address used by tests.
pub const ACCOUNT: Address = Address::new([0xAA; 20]);
/// A second account, for isolation tests.
pub const OTHER_ACCOUNT: Address = Address::new([0xBB; 20]);
/// The module's own address in tests.
pub const MODULE_ADDRESS: Address = Address::new([0x6D; 20]);

/// Where a [`Harness`] runs the module: natively on the SDK's `TestVM`, or
/// (elsewhere) on the compiled WASM in a chain.
pub trait Backend {
    /// Calls the module from `from` with `value` wei and raw calldata.
    fn call(&self, from: Address, value: U256, calldata: &[u8]) -> Output;
    /// Sets the block timestamp the module sees.
    fn set_timestamp(&self, timestamp: u64);
    /// The module's non-zero storage slots.
    fn storage(&self) -> HashMap<U256, B256>;
    /// Every log the module emitted so far, in order.
    fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)>;
    /// The module's address (what it sees as its own).
    fn address(&self) -> Address {
        MODULE_ADDRESS
    }
}

/// The module's router called directly on a `TestVM`.
struct Native<M: PermissionModule> {
    vm: TestVM,
    module: PhantomData<M>,
}

impl<M: PermissionModule> Backend for Native<M> {
    fn call(&self, from: Address, value: U256, calldata: &[u8]) -> Output {
        self.vm.set_sender(from);
        self.vm.set_value(value);
        route::<TestVM, M>(&self.vm, calldata)
    }

    fn set_timestamp(&self, timestamp: u64) {
        self.vm.set_block_timestamp(timestamp);
    }

    fn storage(&self) -> HashMap<U256, B256> {
        self.vm
            .snapshot()
            .storage
            .into_iter()
            .filter(|(_, v)| !v.is_zero())
            .collect()
    }

    fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.vm.get_emitted_logs()
    }
}

/// The timestamp every harness starts at.
pub const START_TIMESTAMP: u64 = 1_700_000_000;

/// Calls module `M` as an account would, on a [`Backend`].
pub struct Harness<M: 'static> {
    backend: Box<dyn Backend>,
    module: PhantomData<M>,
}

impl<M: PermissionModule> Default for Harness<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: PermissionModule> Harness<M> {
    /// The module on a fresh `TestVM`, at [`MODULE_ADDRESS`].
    pub fn new() -> Self {
        let vm = TestVM::new();
        vm.set_contract_address(MODULE_ADDRESS);
        vm.set_block_timestamp(START_TIMESTAMP);
        Self::on(Box::new(Native::<M> {
            vm,
            module: PhantomData,
        }))
    }
}

impl<M: 'static> Harness<M> {
    /// The module on `backend`.
    pub fn on(backend: Box<dyn Backend>) -> Self {
        Self {
            backend,
            module: PhantomData,
        }
    }

    /// Sets the block timestamp.
    pub fn set_timestamp(&self, timestamp: u64) {
        self.backend.set_timestamp(timestamp);
    }

    /// Calls the module with raw calldata from `from`.
    pub fn call_raw(&self, from: Address, calldata: &[u8]) -> Output {
        self.backend.call(from, U256::ZERO, calldata)
    }

    /// Calls the module with raw calldata and native value from `from`.
    pub fn call_raw_with_value(&self, from: Address, value: U256, calldata: &[u8]) -> Output {
        self.backend.call(from, value, calldata)
    }

    /// Calls the module with an alloy call from `from`.
    pub fn call<C: SolCall>(&self, from: Address, call: &C) -> Output {
        self.call_raw(from, &call.abi_encode())
    }

    /// Calls and decodes the return value; panics with the revert data on failure.
    pub fn call_ok<C: SolCall>(&self, from: Address, call: &C) -> C::Return {
        match self.call(from, call) {
            Ok(out) => C::abi_decode_returns(&out).expect("return value decodes"),
            Err(revert) => panic!("call reverted: 0x{}", hex(&revert)),
        }
    }

    /// Calls, expects a revert that leaves storage untouched, and decodes it
    /// as one of the errors in `E`.
    pub fn call_err<C: SolCall, E: SolInterface>(&self, from: Address, call: &C) -> E {
        self.expect_err(|| self.call(from, call))
    }

    /// Runs `f`, expects a revert that leaves storage and logs untouched, and
    /// decodes it as one of the errors in `E`.
    pub fn expect_err<E: SolInterface>(&self, f: impl FnOnce() -> Output) -> E {
        let before = self.storage();
        let logs_before = self.logs().len();
        match f() {
            Ok(out) => panic!("call succeeded with 0x{}, expected a revert", hex(&out)),
            Err(revert) => {
                assert_eq!(before, self.storage(), "a reverted call changed storage");
                assert_eq!(
                    logs_before,
                    self.logs().len(),
                    "a reverted call emitted a log"
                );
                E::abi_decode(&revert)
                    .unwrap_or_else(|_| panic!("unexpected revert data 0x{}", hex(&revert)))
            }
        }
    }

    /// The module's non-zero storage slots.
    pub fn storage(&self) -> HashMap<U256, B256> {
        self.backend.storage()
    }

    /// Logs emitted so far.
    pub fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.backend.logs()
    }

    /// The module's address.
    pub fn address(&self) -> Address {
        self.backend.address()
    }
}

/// One of the errors every module shares, as module `E`'s error enum.
pub fn common_error<E: SolInterface>(error: impl SolError) -> E {
    E::abi_decode(&error.abi_encode()).expect("every module's errors include the common ones")
}

/// `MalformedCalldata(reason)` as module `E`'s error.
pub fn malformed<E: SolInterface>(reason: u8) -> E {
    common_error(IModuleCommon::MalformedCalldata { reason })
}

/// `UnsupportedCallForm(selector)` as module `E`'s error.
pub fn unsupported_call_form<E: SolInterface>(selector: [u8; 4]) -> E {
    common_error(IModuleCommon::UnsupportedCallForm {
        selector: selector.into(),
    })
}

/// `NotInstalled(account, entityId)` as module `E`'s error.
pub fn not_installed<E: SolInterface>(account: Address, entity_id: u32) -> E {
    common_error(IModuleCommon::NotInstalled {
        account,
        entityId: entity_id,
    })
}

/// Expects `call` sent with 1 wei by `account` to revert
/// `ValueNotAccepted()`, changing nothing.
pub fn assert_refuses_value<M: 'static>(h: &Harness<M>, account: Address, call: &[u8]) {
    let revert = h.expect_err::<IModuleCommon::IModuleCommonErrors>(|| {
        h.call_raw_with_value(account, U256::from(1), call)
    });
    assert!(matches!(
        revert,
        IModuleCommon::IModuleCommonErrors::ValueNotAccepted(_)
    ));
}

/// Expects `onUninstall(abi.encode(entityId))` from `account`, for an
/// (account, entityId) with nothing installed, to succeed and to write and
/// log nothing: MAv2 v2.0.x stops calling `onUninstall` after the first one
/// that fails, so a module's second role in one validation must not fail.
pub fn assert_uninstall_of_nothing_is_a_no_op<M: 'static>(
    h: &Harness<M>,
    account: Address,
    entity_id: u32,
) {
    let storage = h.storage();
    let logs = h.logs().len();
    h.call_ok(account, &on_uninstall(entity_id));
    assert_eq!(h.storage(), storage, "onUninstall of nothing wrote storage");
    assert_eq!(h.logs().len(), logs, "onUninstall of nothing emitted a log");
}

/// Lower-case hex without prefix.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `execute(target, value, data)` calldata.
pub fn execute(target: Address, value: U256, data: Vec<u8>) -> Vec<u8> {
    IAccountExecute::executeCall {
        target,
        value,
        data: data.into(),
    }
    .abi_encode()
}

/// `executeBatch(calls)` calldata.
pub fn execute_batch(calls: Vec<(Address, U256, Vec<u8>)>) -> Vec<u8> {
    IAccountExecute::executeBatchCall {
        calls: calls
            .into_iter()
            .map(|(target, value, data)| Call {
                target,
                value,
                data: data.into(),
            })
            .collect(),
    }
    .abi_encode()
}

/// The `executeUserOp` prefix form: `0x8dd7712f ++ inner`.
pub fn user_op_prefixed(inner: &[u8]) -> Vec<u8> {
    let mut out = IAccountExecute::executeUserOpCall::SELECTOR.to_vec();
    out.extend_from_slice(inner);
    out
}

/// A user operation from `sender` carrying `call_data`, with an empty
/// signature segment and no paymaster.
pub fn user_op(sender: Address, call_data: Vec<u8>) -> PackedUserOperation {
    PackedUserOperation {
        sender,
        callData: call_data.into(),
        ..Default::default()
    }
}

/// `op` with these gas limits and `maxFeePerGas` (priority fee 1): its
/// prefund is `(verification + call + pre_verification) * max_fee`, plus a
/// paymaster's own limits.
pub fn with_gas(
    mut op: PackedUserOperation,
    verification: u128,
    call: u128,
    pre_verification: u64,
    max_fee: u128,
) -> PackedUserOperation {
    let mut limits = [0u8; 32];
    limits[..16].copy_from_slice(&verification.to_be_bytes());
    limits[16..].copy_from_slice(&call.to_be_bytes());
    op.accountGasLimits = limits.into();
    op.preVerificationGas = U256::from(pre_verification);
    let mut fees = [0u8; 32];
    fees[..16].copy_from_slice(&1u128.to_be_bytes());
    fees[16..].copy_from_slice(&max_fee.to_be_bytes());
    op.gasFees = fees.into();
    op
}

/// `paymaster ‖ uint128 verificationGasLimit ‖ uint128 postOpGasLimit`.
pub fn paymaster_and_data(
    paymaster: Address,
    verification: u128,
    post_op: u128,
) -> alloy_sol_types::private::Bytes {
    let mut out = paymaster.to_vec();
    out.extend_from_slice(&verification.to_be_bytes());
    out.extend_from_slice(&post_op.to_be_bytes());
    out.into()
}

/// `op` with the period hint `abi.encode(uint48 timestamp)` as the hook's
/// signature segment.
pub fn hinted(mut op: PackedUserOperation, timestamp: u64) -> PackedUserOperation {
    op.signature = U256::from(timestamp).to_be_bytes::<32>().to_vec().into();
    op
}

/// Packed validation data valid in `[after, until]`.
pub fn window_data(after: u64, until: u64) -> U256 {
    permission_core::ValidationData::window(after, until).pack()
}

/// The account's `msg.data` for `executeUserOp(userOp, hash)`, as an
/// execution hook receives it on the user-operation path.
pub fn execute_user_op_msg_data(user_op: PackedUserOperation) -> Vec<u8> {
    IAccountExecute::executeUserOpCall {
        userOp: user_op,
        userOpHash: B256::repeat_byte(0x11),
    }
    .abi_encode()
}

/// `preUserOpValidationHook(entityId, userOp, hash)`.
pub fn pre_user_op(
    entity_id: u32,
    user_op: PackedUserOperation,
) -> IValidationHookModule::preUserOpValidationHookCall {
    IValidationHookModule::preUserOpValidationHookCall {
        entityId: entity_id,
        userOp: user_op,
        userOpHash: B256::repeat_byte(0x11),
    }
}

/// `preRuntimeValidationHook(entityId, sender, 0, data, "")`.
pub fn pre_runtime(
    entity_id: u32,
    data: Vec<u8>,
) -> IValidationHookModule::preRuntimeValidationHookCall {
    IValidationHookModule::preRuntimeValidationHookCall {
        entityId: entity_id,
        sender: Address::repeat_byte(0x5E),
        value: U256::ZERO,
        data: data.into(),
        authorization: Default::default(),
    }
}

/// `preExecutionHook(entityId, sender, 0, data)`.
pub fn pre_execution(entity_id: u32, data: Vec<u8>) -> IExecutionHookModule::preExecutionHookCall {
    IExecutionHookModule::preExecutionHookCall {
        entityId: entity_id,
        sender: Address::repeat_byte(0x5E),
        value: U256::ZERO,
        data: data.into(),
    }
}

/// `onInstall(data)`.
pub fn on_install(data: Vec<u8>) -> IModule::onInstallCall {
    IModule::onInstallCall { data: data.into() }
}

/// `onUninstall(abi.encode(entityId))`.
pub fn on_uninstall(entity_id: u32) -> IModule::onUninstallCall {
    IModule::onUninstallCall {
        data: permission_core::install::encode_entity_id(entity_id).into(),
    }
}

/// The three ways an account call reaches a hook, for tests that must hold
/// on every path: the user-operation validation hook (plain and prefixed
/// `callData`), the runtime validation hook, and the execution hook (runtime
/// `msg.data` and the `executeUserOp` ABI form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookPath {
    /// `preUserOpValidationHook` with `callData` as given.
    UserOpValidation,
    /// `preUserOpValidationHook` with the `executeUserOp` prefix.
    UserOpValidationPrefixed,
    /// `preRuntimeValidationHook`.
    RuntimeValidation,
    /// `preExecutionHook` with the account call as `msg.data`.
    Execution,
    /// `preExecutionHook` with `executeUserOp(userOp, hash)` as `msg.data`.
    ExecutionUserOp,
}

impl HookPath {
    /// Every path.
    pub const ALL: [HookPath; 5] = [
        HookPath::UserOpValidation,
        HookPath::UserOpValidationPrefixed,
        HookPath::RuntimeValidation,
        HookPath::Execution,
        HookPath::ExecutionUserOp,
    ];

    /// Calls the hook on this path with `account_call` (`execute` or
    /// `executeBatch` calldata) for `entity_id`.
    pub fn call<M: PermissionModule>(
        self,
        h: &Harness<M>,
        account: Address,
        entity_id: u32,
        account_call: Vec<u8>,
    ) -> Output {
        match self {
            HookPath::UserOpValidation => h.call(
                account,
                &pre_user_op(entity_id, user_op(account, account_call)),
            ),
            HookPath::UserOpValidationPrefixed => h.call(
                account,
                &pre_user_op(entity_id, user_op(account, user_op_prefixed(&account_call))),
            ),
            HookPath::RuntimeValidation => h.call(account, &pre_runtime(entity_id, account_call)),
            HookPath::Execution => h.call(account, &pre_execution(entity_id, account_call)),
            HookPath::ExecutionUserOp => h.call(
                account,
                &pre_execution(
                    entity_id,
                    execute_user_op_msg_data(user_op(account, user_op_prefixed(&account_call))),
                ),
            ),
        }
    }

    /// Calls the hook on every path and expects each to succeed.
    pub fn all_ok<M: PermissionModule>(
        h: &Harness<M>,
        account: Address,
        entity_id: u32,
        account_call: &[u8],
    ) {
        for path in Self::ALL {
            if let Err(revert) = path.call(h, account, entity_id, account_call.to_vec()) {
                panic!("{path:?} reverted: 0x{}", hex(&revert));
            }
        }
    }

    /// Calls the hook on every path and expects each to revert with
    /// `expected`, leaving storage untouched.
    pub fn all_err<M: PermissionModule, E: SolInterface + PartialEq + core::fmt::Debug>(
        h: &Harness<M>,
        account: Address,
        entity_id: u32,
        account_call: &[u8],
        expected: &E,
    ) {
        for path in Self::ALL {
            let got: E = h.expect_err(|| path.call(h, account, entity_id, account_call.to_vec()));
            assert_eq!(&got, expected, "on path {path:?}");
        }
    }
}

/// A module's own ABI items: admin functions, errors and event topics.
pub type ModuleAbi<'a> = (&'a [[u8; 4]], &'a [[u8; 4]], &'a [[u8; 32]]);

/// Checks a module's hand-written Solidity interface against its Rust ABI:
/// the interface's functions, errors and events must be exactly the common
/// ones plus the module's own, and the router must answer every function in
/// the interface (anything but `UnsupportedFunction`).
pub fn check_interface<M: PermissionModule>(
    interface_functions: &[[u8; 4]],
    interface_errors: &[[u8; 4]],
    interface_events: &[[u8; 32]],
    module: ModuleAbi<'_>,
) {
    use std::collections::BTreeSet;
    let (admin_functions, module_errors, module_events) = module;

    let rust_functions: BTreeSet<[u8; 4]> = crate::router::COMMON_FUNCTIONS
        .iter()
        .chain(admin_functions)
        .copied()
        .collect();
    let sol_functions: BTreeSet<[u8; 4]> = interface_functions.iter().copied().collect();
    assert_eq!(
        rust_functions, sol_functions,
        "functions differ from the interface"
    );

    let rust_errors: BTreeSet<[u8; 4]> = crate::errors::COMMON_ERRORS
        .iter()
        .chain(module_errors)
        .copied()
        .collect();
    let sol_errors: BTreeSet<[u8; 4]> = interface_errors.iter().copied().collect();
    assert_eq!(rust_errors, sol_errors, "errors differ from the interface");

    let rust_events: BTreeSet<[u8; 32]> = crate::events::COMMON_EVENTS
        .iter()
        .chain(module_events)
        .copied()
        .collect();
    let sol_events: BTreeSet<[u8; 32]> = interface_events.iter().copied().collect();
    assert_eq!(rust_events, sol_events, "events differ from the interface");

    let harness = Harness::<M>::new();
    for selector in interface_functions {
        let mut calldata = selector.to_vec();
        calldata.extend_from_slice(&[0u8; 32 * 6]);
        if let Err(revert) = harness.call_raw(ACCOUNT, &calldata) {
            let unsupported = IModuleCommon::UnsupportedFunction {
                selector: (*selector).into(),
            }
            .abi_encode();
            assert_ne!(revert, unsupported, "0x{} is not routed", hex(selector));
        }
    }
}
