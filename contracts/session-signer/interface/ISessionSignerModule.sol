// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title session-signer validation module (Stylus Session Keys)
/// @notice An ERC-6900 v0.8 validation module following MAv2's
/// SingleSignerValidationModule conventions. Install with
/// `abi.encode(uint32 entityId, address signer)` (EOA or ERC-1271 signer) or
/// `abi.encode(uint32 entityId, address(0), uint256 x, uint256 y)` (P-256
/// passkey), or either with the key's window:
/// `abi.encode(uint32 entityId, address signer, uint256 x, uint256 y,
/// uint48 validAfter, uint48 validUntil)` (x, y zero for an address signer).
/// The window bounds validateUserOp (returned as validation data),
/// validateRuntime and validateSignature. Uninstall with
/// `abi.encode(uint32 entityId)`. A signature starts
/// with its type: 0 ECDSA (r, s, v), 1 ERC-1271, 2 P-256 (r, s). User
/// operations sign the EIP-191 digest of the userOpHash; ERC-1271 signs
/// replaySafeHash(account, hash).
/// Hand-written; a test checks it against the contract's Rust ABI.
interface ISessionSignerModule {
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
    /// @notice validateRuntime: the caller is not the signer (or the signer is a passkey).
    error NotAuthorized();
    /// @notice An empty signature, or a type byte other than 0, 1 or 2.
    error InvalidSignatureType();
    /// @notice A zero signer, a (0, 0) passkey, or an address signer with coordinates.
    error InvalidSigner();
    /// @notice A window whose expiry is not after its start.
    error InvalidTimeWindow(uint48 validAfter, uint48 validUntil);
    /// @notice validateRuntime outside the key's window.
    error OutsideTimeWindow(uint48 validAfter, uint48 validUntil, uint256 timestamp);

    event SignerTransferred(
        address indexed account, uint32 indexed entityId, address indexed newSigner, address previousSigner
    );
    event PasskeySet(address indexed account, uint32 indexed entityId, uint256 x, uint256 y);

    // ---- IERC165, IModule ----
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    function onInstall(bytes calldata data) external;
    function onUninstall(bytes calldata data) external;
    function moduleId() external view returns (string memory);

    // ---- IValidationModule ----
    /// @return validationData 0 or 1 (signature invalid) in bits 0-159, and the key's window.
    function validateUserOp(uint32 entityId, PackedUserOperation calldata userOp, bytes32 userOpHash)
        external
        returns (uint256 validationData);
    function validateRuntime(
        address account,
        uint32 entityId,
        address sender,
        uint256 value,
        bytes calldata data,
        bytes calldata authorization
    ) external;
    /// @return 0x1626ba7e when valid, 0xffffffff when not.
    function validateSignature(address account, uint32 entityId, address sender, bytes32 hash, bytes calldata signature)
        external
        view
        returns (bytes4);

    // ---- admin and views ----
    function transferSigner(uint32 entityId, address newSigner) external;
    function setPasskey(uint32 entityId, uint256 x, uint256 y) external;
    function signers(uint32 entityId, address account) external view returns (address);
    /// @notice The key's window (0, 0 when it has none).
    function signerWindow(uint32 entityId, address account)
        external
        view
        returns (uint48 validAfter, uint48 validUntil);
    function passkey(uint32 entityId, address account) external view returns (uint256 x, uint256 y);
    function replaySafeHash(address account, bytes32 hash) external view returns (bytes32);
}
