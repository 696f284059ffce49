//! `sol!` bindings of every contract the end-to-end tests talk to.
//!
//! The account and the modules are bound from their hand-written Solidity
//! interfaces (`contracts/*/interface/*.sol`), so the tests are written
//! against the same ABI the contracts are checked against. The EntryPoint's
//! bindings are localnet's ([`localnet::entry_point`]), re-exported here.
//!
//! [`MAv2Account`] adds the MAv2 account errors the reference account's
//! interface does not declare (yet), so that [`crate::errors::describe`] can
//! name them.

use alloy_sol_types::sol;

pub use localnet::entry_point::{
    IAccount, IAccountExecute, IEntryPoint, IEntryPointErrors, IEntryPointEvents,
    PackedUserOperation,
};

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/reference-account/interface/IReferenceAccount.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/session-signer/interface/ISessionSignerModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/selector-allowlist/interface/ISelectorAllowlistModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/time-window/interface/ITimeWindowModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/contract-allowlist/interface/IContractAllowlistModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/spending-limit/interface/ISpendingLimitModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/session-policy/interface/ISessionPolicyModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/usage-limit/interface/IUsageLimitModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/session-rules/interface/ISessionRulesModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/paymaster-guard/interface/IPaymasterGuardModule.sol"
);

sol!(
    #[sol(all_derives, abi)]
    "../../contracts/param-rules/interface/IParamRulesModule.sol"
);

sol! {
    /// The [`crate::counter`] contract.
    #[sol(all_derives)]
    interface ICounter {
        /// `slot0 += 1`.
        function increment() external;
        /// `slot0`.
        function count() external view returns (uint256);
    }

    /// The ERC-20 functions the tests use (OpenZeppelin's
    /// `ERC20PresetFixedSupply` 4.9.6, [`crate::token`]).
    #[sol(all_derives)]
    interface IERC20 {
        event Transfer(address indexed from, address indexed to, uint256 value);
        function totalSupply() external view returns (uint256);
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);
        function allowance(address owner, address spender) external view returns (uint256);
        function decimals() external view returns (uint8);
    }

    /// OpenZeppelin's `ERC20PresetFixedSupply` constructor: mints
    /// `initialSupply` to `owner`.
    #[sol(all_derives)]
    contract ERC20PresetFixedSupply {
        constructor(string name, string symbol, uint256 initialSupply, address owner);
    }

    /// `getValidationData` as MAv2's pre-release source and ERC-6900
    /// v0.8's release candidates answered it: three bools where v0.8.0
    /// final and MAv2 v2.0.x have the `uint8 validationFlags` byte
    /// ([`IReferenceAccount::ValidationDataView`]). Same selector; read
    /// only when an account answers in this layout.
    #[sol(all_derives)]
    interface IPreReleaseModularAccountView {
        struct ValidationDataView {
            bool isGlobal;
            bool isSignatureValidation;
            bool isUserOpValidation;
            bytes25[] validationHooks;
            bytes25[] executionHooks;
            bytes4[] selectors;
        }
        function getValidationData(bytes24 validationFunction) external view returns (ValidationDataView memory);
    }

    /// MAv2 account errors (docs/design/mav2-account.md §3) that
    /// `IReferenceAccount.sol` does not declare; used only to name revert
    /// data in [`crate::errors::describe`].
    #[sol(all_derives)]
    interface MAv2Account {
        error CreateFailed();
        error DeferredActionSignatureInvalid();
        error DeferredValidationHasValidationHooks();
    }
}

/// `From` conversions between localnet's `PackedUserOperation` (the
/// EntryPoint's) and the identical structs each interface file declares.
macro_rules! user_op_conversions {
    ($($interface:ident),* $(,)?) => {$(
        impl From<PackedUserOperation> for $interface::PackedUserOperation {
            fn from(op: PackedUserOperation) -> Self {
                Self {
                    sender: op.sender,
                    nonce: op.nonce,
                    initCode: op.initCode,
                    callData: op.callData,
                    accountGasLimits: op.accountGasLimits,
                    preVerificationGas: op.preVerificationGas,
                    gasFees: op.gasFees,
                    paymasterAndData: op.paymasterAndData,
                    signature: op.signature,
                }
            }
        }

        impl From<$interface::PackedUserOperation> for PackedUserOperation {
            fn from(op: $interface::PackedUserOperation) -> Self {
                Self {
                    sender: op.sender,
                    nonce: op.nonce,
                    initCode: op.initCode,
                    callData: op.callData,
                    accountGasLimits: op.accountGasLimits,
                    preVerificationGas: op.preVerificationGas,
                    gasFees: op.gasFees,
                    paymasterAndData: op.paymasterAndData,
                    signature: op.signature,
                }
            }
        }
    )*};
}

user_op_conversions!(
    IReferenceAccount,
    ISessionSignerModule,
    ISelectorAllowlistModule,
    ITimeWindowModule,
    IContractAllowlistModule,
    ISpendingLimitModule,
    ISessionPolicyModule,
);
