//! ERC-165, `getExecutionData`, the token callbacks and value refusal, on
//! the compiled WASM, against MAv2 v2.0.x (`src/account/ModularAccountBase.sol`
//! `supportsInterface`, `src/account/ModularAccountView.sol`,
//! `src/account/TokenReceiver.sol`, and Solidity's non-payable functions).

use alloy_primitives::{Address, Bytes, FixedBytes, U256};
use alloy_sol_types::{SolCall, SolError};
use module_kit::chain::Chain;
use module_kit::testing::Backend;
use reference_account::ENTRY_POINT;

mod common;
use common::config;

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "interface/IReferenceAccount.sol"
);

use IReferenceAccount::ExecutionDataView;

const STRANGER: Address = Address::new([0x77; 20]);

fn account() -> Chain {
    let chain = Chain::deploy("reference-account");
    let init = IReferenceAccount::initializeCall {
        validationConfig: config(Address::repeat_byte(0x0A), 0, 0x07),
        selectors: vec![],
        installData: Bytes::new(),
        hooks: vec![],
    };
    assert_eq!(
        chain.call(STRANGER, U256::ZERO, &init.abi_encode()),
        Ok(vec![])
    );
    chain
}

fn supports(chain: &Chain, id: [u8; 4]) -> bool {
    let call = IReferenceAccount::supportsInterfaceCall {
        interfaceId: FixedBytes(id),
    };
    let out = chain
        .call(STRANGER, U256::ZERO, &call.abi_encode())
        .unwrap();
    IReferenceAccount::supportsInterfaceCall::abi_decode_returns_validate(&out).unwrap()
}

#[test]
fn supports_interface_answers_as_v2_0_x() {
    let chain = account();
    // IERC165, IERC721Receiver, IERC1155Receiver.
    for id in [
        [0x01, 0xff, 0xc9, 0xa7],
        [0x15, 0x0b, 0x7a, 0x02],
        [0x4e, 0x23, 0x12, 0xe0],
    ] {
        assert!(supports(&chain, id), "{id:02x?}");
    }
    // Implemented but, as in MAv2, not reported: IAccount (validateUserOp),
    // IAccountExecute (executeUserOp), IERC1271 (isValidSignature). Never
    // 0xffffffff.
    for id in [
        IReferenceAccount::validateUserOpCall::SELECTOR,
        IReferenceAccount::executeUserOpCall::SELECTOR,
        IReferenceAccount::isValidSignatureCall::SELECTOR,
        [0xff; 4],
        [0; 4],
    ] {
        assert!(!supports(&chain, id), "{id:02x?}");
    }
}

#[test]
fn the_token_callbacks_accept_every_token() {
    let chain = account();
    let from = Address::repeat_byte(0x11);
    let calls: [(Vec<u8>, [u8; 4]); 3] = [
        (
            IReferenceAccount::onERC721ReceivedCall {
                operator: from,
                from,
                tokenId: U256::from(7),
                data: Bytes::from_static(b"hi"),
            }
            .abi_encode(),
            IReferenceAccount::onERC721ReceivedCall::SELECTOR,
        ),
        (
            IReferenceAccount::onERC1155ReceivedCall {
                operator: from,
                from,
                id: U256::from(1),
                value: U256::from(2),
                data: Bytes::new(),
            }
            .abi_encode(),
            IReferenceAccount::onERC1155ReceivedCall::SELECTOR,
        ),
        (
            IReferenceAccount::onERC1155BatchReceivedCall {
                operator: from,
                from,
                ids: vec![U256::from(1), U256::from(2)],
                values: vec![U256::from(3), U256::from(4)],
                data: Bytes::new(),
            }
            .abi_encode(),
            IReferenceAccount::onERC1155BatchReceivedCall::SELECTOR,
        ),
    ];
    for (calldata, selector) in calls {
        let out = chain.call(from, U256::ZERO, &calldata).unwrap();
        let mut word = [0u8; 32];
        word[..4].copy_from_slice(&selector);
        assert_eq!(out, word, "{selector:02x?}");
        // A call cut short does not decode: refused, as Solidity's decoder.
        assert!(chain
            .call(from, U256::ZERO, &calldata[..calldata.len() - 32])
            .is_err());
    }
}

fn execution_data(chain: &Chain, selector: [u8; 4]) -> ExecutionDataView {
    let call = IReferenceAccount::getExecutionDataCall {
        selector: FixedBytes(selector),
    };
    let out = chain
        .call(STRANGER, U256::ZERO, &call.abi_encode())
        .unwrap();
    let view = IReferenceAccount::getExecutionDataCall::abi_decode_returns_validate(&out).unwrap();
    assert_eq!(
        IReferenceAccount::getExecutionDataCall::abi_encode_returns(&view),
        out,
        "the canonical encoding"
    );
    view
}

#[test]
fn get_execution_data_describes_native_functions_as_v2_0_x() {
    let chain = account();
    let me = chain.module();
    let view = |module, skip, global| ExecutionDataView {
        module,
        skipRuntimeValidation: skip,
        allowGlobalValidation: global,
        executionHooks: vec![],
    };
    // What a global validation may call.
    for selector in [
        IReferenceAccount::executeCall::SELECTOR,
        IReferenceAccount::executeBatchCall::SELECTOR,
        IReferenceAccount::installValidationCall::SELECTOR,
        IReferenceAccount::uninstallValidationCall::SELECTOR,
        IReferenceAccount::executeUserOpCall::SELECTOR,
        IReferenceAccount::executeWithRuntimeValidationCall::SELECTOR,
    ] {
        assert_eq!(execution_data(&chain, selector), view(me, false, true));
    }
    // The other native functions.
    for selector in [
        IReferenceAccount::validateUserOpCall::SELECTOR,
        IReferenceAccount::isValidSignatureCall::SELECTOR,
        IReferenceAccount::getValidationDataCall::SELECTOR,
        IReferenceAccount::getExecutionDataCall::SELECTOR,
        IReferenceAccount::supportsInterfaceCall::SELECTOR,
        IReferenceAccount::entryPointCall::SELECTOR,
        IReferenceAccount::accountIdCall::SELECTOR,
        IReferenceAccount::onERC721ReceivedCall::SELECTOR,
        IReferenceAccount::onERC1155ReceivedCall::SELECTOR,
        IReferenceAccount::onERC1155BatchReceivedCall::SELECTOR,
    ] {
        assert_eq!(execution_data(&chain, selector), view(me, true, false));
    }
    // No execution module: any other selector, including MAv2 natives this
    // account does not implement (installExecution), is the zero view.
    let install_execution = permission_core::selectors::INSTALL_EXECUTION;
    for selector in [[0xd3, 0x1b, 0x57, 0x5c], [0; 4], install_execution] {
        assert_eq!(
            execution_data(&chain, selector),
            view(Address::ZERO, false, false)
        );
    }
}

#[test]
fn value_is_refused_by_every_function_that_is_not_payable() {
    let chain = account();
    let value = U256::from(1);
    let refused = IReferenceAccount::ValueNotAccepted {}.abi_encode();
    let call = IReferenceAccount::supportsInterfaceCall {
        interfaceId: FixedBytes([0x01, 0xff, 0xc9, 0xa7]),
    };
    assert_eq!(
        chain.call(STRANGER, value, &call.abi_encode()),
        Err(refused.clone())
    );
    let call = IReferenceAccount::uninstallValidationCall {
        moduleEntity: FixedBytes([0x22; 24]),
        uninstallData: Bytes::new(),
        hookUninstallData: vec![],
    };
    assert_eq!(
        chain.call(ENTRY_POINT, value, &call.abi_encode()),
        Err(refused)
    );
    // The payable ones take it: execute forwards it.
    let to = Address::repeat_byte(0x33);
    let call = IReferenceAccount::executeCall {
        target: to,
        value,
        data: Bytes::new(),
    };
    assert_eq!(
        chain.call(ENTRY_POINT, value, &call.abi_encode()),
        Ok(vec![])
    );
    assert_eq!(chain.net().balance(to), value);
    // A plain transfer funds the account; an unknown selector is reported
    // as unknown (MAv2's payable fallback), not as a value refusal.
    assert_eq!(chain.call(STRANGER, value, &[]), Ok(vec![]));
    assert_eq!(
        chain.call(STRANGER, value, &[0xd3, 0x1b, 0x57, 0x5c]),
        Err(IReferenceAccount::UnrecognizedFunction {
            selector: FixedBytes([0xd3, 0x1b, 0x57, 0x5c])
        }
        .abi_encode())
    );
}
