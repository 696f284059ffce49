//! What the account accepts from a pre execution hook, on the compiled
//! WASM, against MAv2 v2.0.x (`src/libraries/ExecutionLib.sol`,
//! `invokePreExecHook`): the hook's `bytes` answer must be strictly
//! encoded (offset `0x20`, at least two words, a length within the answer),
//! or the call reverts `PreExecHookReverted(hook, answer)`.
//!
//! The calls go through `executeWithRuntimeValidation`, whose validation
//! module is an EVM contract that accepts everything (`STOP`), and whose
//! execution hook is an EVM contract returning fixed bytes.

use alloy_primitives::{Address, Bytes, FixedBytes, U256};
use alloy_sol_types::{SolCall, SolError};
use module_kit::chain::Chain;
use module_kit::testing::Backend;
use reference_account::ENTRY_POINT;

mod common;
use common::{config, module_entity};

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "interface/IReferenceAccount.sol"
);

const ENTITY: u32 = 1;
const VALIDATION: Address = Address::new([0x5E; 20]);
const HOOK: Address = Address::new([0xE1; 20]);
const TARGET: Address = Address::new([0x7A; 20]);
const CALLER: Address = Address::new([0x77; 20]);

/// Runtime code that returns `answer` whatever it is called with.
fn returning(answer: &[u8]) -> Vec<u8> {
    let mut code = Vec::new();
    for (i, chunk) in answer.chunks(32).enumerate() {
        let mut word = [0u8; 32];
        word[..chunk.len()].copy_from_slice(chunk);
        code.push(0x7f); // PUSH32 word
        code.extend_from_slice(&word);
        code.extend_from_slice(&[0x61, 0, 0, 0x52]); // PUSH2 offset, MSTORE
        let offset = u16::try_from(i * 32).unwrap().to_be_bytes();
        let at = code.len() - 3;
        code[at..at + 2].copy_from_slice(&offset);
    }
    let size = u16::try_from(answer.len()).unwrap().to_be_bytes();
    code.extend_from_slice(&[0x61, size[0], size[1], 0x60, 0x00, 0xf3]); // RETURN(0, size)
    code
}

fn word(v: u64) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

/// The account with a validation at `ENTITY` that may call `execute`, and
/// one execution hook (pre only) answering `answer`; then
/// `executeWithRuntimeValidation(execute(TARGET, 0, ""))`.
fn run_with_pre_hook_answer(answer: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let chain = Chain::deploy("reference-account");
    chain.net().set_code(VALIDATION, vec![0x00].into());
    chain.net().set_code(HOOK, returning(answer).into());
    let init = IReferenceAccount::initializeCall {
        validationConfig: config(Address::repeat_byte(0x0A), 0, 0x07),
        selectors: vec![],
        installData: Bytes::new(),
        hooks: vec![],
    };
    assert_eq!(
        chain.call(CALLER, U256::ZERO, &init.abi_encode()),
        Ok(vec![])
    );
    let install = IReferenceAccount::installValidationCall {
        validationConfig: config(VALIDATION, ENTITY, 0x01),
        selectors: vec![FixedBytes(IReferenceAccount::executeCall::SELECTOR)],
        installData: Bytes::new(),
        // Pre hook only (0x04); empty hook data: no onInstall.
        hooks: vec![config(HOOK, ENTITY, 0x04).to_vec().into()],
    };
    assert_eq!(
        chain.call(ENTRY_POINT, U256::ZERO, &install.abi_encode()),
        Ok(vec![])
    );
    let mut authorization = vec![0x00];
    authorization.extend_from_slice(&ENTITY.to_be_bytes());
    authorization.push(0xFF);
    let call = IReferenceAccount::executeWithRuntimeValidationCall {
        data: IReferenceAccount::executeCall {
            target: TARGET,
            value: U256::ZERO,
            data: Bytes::new(),
        }
        .abi_encode()
        .into(),
        authorization: authorization.into(),
    };
    chain.call(CALLER, U256::ZERO, &call.abi_encode())
}

fn refused_with(answer: &[u8]) -> Vec<u8> {
    IReferenceAccount::PreExecHookReverted {
        moduleEntity: module_entity(HOOK, ENTITY),
        revertReason: answer.to_vec().into(),
    }
    .abi_encode()
}

#[test]
fn a_strictly_encoded_answer_is_accepted() {
    // Empty bytes, and three bytes padded to a word.
    let mut three = [word(0x20), word(3), [0u8; 32]].concat();
    three[64..67].copy_from_slice(b"abc");
    for answer in [[word(0x20), word(0)].concat(), three] {
        assert!(run_with_pre_hook_answer(&answer).is_ok(), "{answer:02x?}");
    }
}

#[test]
fn any_other_encoding_of_the_answer_is_refused() {
    let answers: [Vec<u8>; 5] = [
        // Another offset: valid ABI, but not MAv2's strict form.
        [word(0x40), word(0), word(0)].concat(),
        // One word only.
        word(0x20).to_vec(),
        // Nothing.
        vec![],
        // A length past the end.
        [word(0x20), word(33), word(0)].concat(),
        // A length that does not fit a machine word.
        [word(0x20), [0xff; 32]].concat(),
    ];
    for answer in answers {
        assert_eq!(
            run_with_pre_hook_answer(&answer),
            Err(refused_with(&answer)),
            "{answer:02x?}"
        );
    }
}
