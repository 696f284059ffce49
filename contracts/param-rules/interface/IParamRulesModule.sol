// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title param-rules: conditions on a session key's call arguments (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 validation and execution hook: per (target,
/// selector), conditions on ABI arguments (static ones, or a word inside a
/// dynamic one by its path) and running totals of an argument. Install with `abi.encode(uint32 entityId, Condition[]
/// conditions, Total[] totals)`. Uninstall with `abi.encode(uint32 entityId)`.
/// Hand-written; a test checks it against the contract's Rust ABI.
interface IParamRulesModule {
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

    // ---- shared by every module ----
    error MalformedCalldata(uint8 reason);
    error UnsupportedCallForm(bytes4 selector);
    error UnsupportedFunction(bytes4 selector);
    error UnexpectedDataPassed();
    error NotInstalled(address account, uint32 entityId);
    error AlreadyInstalled(address account, uint32 entityId);
    error ValueNotAccepted();

    event ModuleInstalled(address indexed account, uint32 indexed entityId);
    event ModuleUninstalled(address indexed account, uint32 indexed entityId);

    // ---- this module ----
    /// @notice op: 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=, 6 one of (every op-6
    /// condition on one argument and path is its list). bits: the argument's
    /// width (160 for an address); higher bits set are refused. path: 0 for
    /// head word `arg`, else up to 16 big-endian uint16 steps from it:
    /// 0x1000+k k words on, 0x2000 follow an offset, 0x3000+s then i+1 (or
    /// 0xffff, every element) an array of s-word elements, 0x4000+n the
    /// ABI encoding inside a bytes after n bytes.
    struct Condition {
        address target;
        bytes4 selector;
        uint16 arg;
        uint8 op;
        uint16 bits;
        bytes32 value;
        bytes32 path;
    }

    /// @notice The sum of argument `arg` over the key's life (`period` 0), or in
    /// each `period` seconds from the install, is at most `limit` (below 2^144);
    /// on a path through every element of an array, all elements count.
    struct Total {
        address target;
        bytes4 selector;
        uint16 arg;
        uint16 bits;
        uint256 limit;
        uint32 period;
        bytes32 path;
    }

    /// @notice Argument `arg` of a call to `target.selector` is `value`, which a condition refuses.
    error ParamNotAllowed(address target, bytes4 selector, uint16 arg, bytes32 value);
    /// @notice Argument `arg` has bits set above its width.
    error DirtyParam(uint16 arg, bytes32 word);
    /// @notice The calldata ends before argument `arg`.
    error MissingParam(uint16 arg);
    /// @notice The call would take the total of `arg` (in its period) to `total`, over `limit`.
    error ParamTotalExceeded(address target, bytes4 selector, uint16 arg, uint256 total, uint256 limit);
    /// @notice Install entry `index` (conditions, then totals) is bad: 1 operator,
    /// 2 width, 3 value wider than the width, 4 too many for one function,
    /// 5 no target or selector, 6 a zero, too large or repeated total, 7 a malformed path.
    error InvalidParamRule(uint256 index, uint8 reason);
    /// @notice The hook's signature segment is not one uint48 timestamp.
    error InvalidPeriodHint(uint256 word);
    /// @notice The hinted period is before the one a total recorded.
    error StalePeriodHint(uint256 hinted, uint256 recorded);
    /// @notice A total recorded a later period than the clock's.
    error RecordedPeriodNotStarted(uint256 recorded, uint256 clock);
    /// @notice The charged periods leave the operation no second to run in.
    error EmptyValidityWindow(uint48 validAfter, uint48 validUntil);

    event ParamRulesSet(address indexed account, uint32 indexed entityId, uint256 conditions, uint256 totals);

    // ---- IERC165, IModule ----
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function onInstall(bytes calldata data) external;
    function onUninstall(bytes calldata data) external;
    function moduleId() external view returns (string memory);

    // ---- IValidationHookModule ----
    /// @param userOp Its signature is the hook's segment: empty, or
    /// `abi.encode(uint48 timestamp)`, whose period the periodic totals charge.
    /// @return validationData The charged periods' window (0 without one).
    function preUserOpValidationHook(uint32 entityId, PackedUserOperation calldata userOp, bytes32 userOpHash)
        external
        returns (uint256 validationData);
    function preRuntimeValidationHook(
        uint32 entityId,
        address sender,
        uint256 value,
        bytes calldata data,
        bytes calldata authorization
    ) external;
    function preSignatureValidationHook(uint32 entityId, address sender, bytes32 hash, bytes calldata signature)
        external
        view;

    // ---- IExecutionHookModule ----
    function preExecutionHook(uint32 entityId, address sender, uint256 value, bytes calldata data)
        external
        returns (bytes memory);
    function postExecutionHook(uint32 entityId, bytes calldata preExecHookData) external;

    // ---- views ----
    /// @return total The sum in the period the clock falls in.
    function getParamTotal(address account, uint32 entityId, address target, bytes4 selector, uint16 arg)
        external
        view
        returns (bool installed, uint256 total, uint256 limit, uint32 period);
    /// @notice Every rule of the key as installed (a list as one condition per
    /// value), and each total's sum in the period the clock falls in.
    function getParamRules(address account, uint32 entityId)
        external
        view
        returns (bool installed, Condition[] memory conditions, Total[] memory totals, uint256[] memory spent);
}
