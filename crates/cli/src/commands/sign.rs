//! `session-keys sign`: an ERC-1271 signature by a session key for its
//! account, of a hash, of a message (EIP-191, as `personal_sign` and
//! viem's `hashMessage` hash it) or of EIP-712 typed data (as
//! `eth_signTypedData_v4` takes it), checked with the account's own
//! `isValidSignature` before it is printed. Only a key granted
//! `--allow-signatures` (or root) signs for its account.

use alloy_dyn_abi::eip712::TypedData;
use alloy_primitives::{eip191_hash_message, hex, Address, Bytes, B256};
use alloy_sol_types::SolCall;
use serde::Serialize;
use session_keys::abi::{IReferenceAccount, ISessionSignerModule};
use session_keys::chain::Chain;
use session_keys::encode::erc1271_signature;
use session_keys::{short_reason, Modules};

use crate::args::SignArgs;
use crate::commands::{check_signer, connect, load_deployment};
use crate::error::CliError;
use crate::keys::session_key;
use crate::output::Output;

/// ERC-1271's magic value: the signature is valid.
const ERC1271_MAGIC: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Signed {
    account: Address,
    entity_id: u32,
    /// The hash the account checks (`isValidSignature(hash, signature)`).
    hash: B256,
    /// What the key signed: the module's replay-safe wrapping of `hash`.
    replay_safe_hash: B256,
    signature: Bytes,
}

/// `replaySafeHash(account, hash)` from the session-signer.
fn replay_safe_hash(
    chain: &mut dyn Chain,
    modules: &Modules,
    account: Address,
    hash: B256,
) -> Result<B256, CliError> {
    let call = ISessionSignerModule::replaySafeHashCall { account, hash };
    let answer = chain.call(
        Address::ZERO,
        modules.session_signer,
        call.abi_encode().into(),
    )?;
    let output = answer
        .into_output()
        .map_err(|e| CliError::Chain(format!("session-signer.replaySafeHash: {e}")))?;
    ISessionSignerModule::replaySafeHashCall::abi_decode_returns(&output)
        .map_err(|e| CliError::Chain(format!("session-signer.replaySafeHash: {e}")))
}

/// The account's verdict on `signature` for `hash`: `Ok` if valid, the
/// reason otherwise.
fn account_verdict(
    chain: &mut dyn Chain,
    account: Address,
    entity_id: u32,
    hash: B256,
    signature: &Bytes,
) -> Result<Result<(), String>, CliError> {
    let call = IReferenceAccount::isValidSignatureCall {
        hash,
        signature: signature.clone(),
    };
    let answer = chain.call(Address::ZERO, account, call.abi_encode().into())?;
    if !answer.success {
        let reason = short_reason(&answer.output);
        let hint = if reason.contains("SignatureValidationInvalid") {
            format!(
                ": the key at entity {entity_id} may not sign for the account (grant it with --allow-signatures)"
            )
        } else {
            String::new()
        };
        return Ok(Err(format!("{reason}{hint}")));
    }
    let magic = IReferenceAccount::isValidSignatureCall::abi_decode_returns(&answer.output)
        .map_err(|e| CliError::Chain(format!("{account}.isValidSignature: {e}")))?;
    Ok(if magic.0 == ERC1271_MAGIC {
        Ok(())
    } else {
        Err(format!(
            "the account answered {magic} (not the ERC-1271 magic value)"
        ))
    })
}

/// The EIP-712 signing hash of the typed data in `path`.
fn typed_data_hash(path: &std::path::Path) -> Result<B256, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::BadInput(format!(
            "cannot read the typed data {}: {e}",
            path.display()
        ))
    })?;
    let typed: TypedData = serde_json::from_str(&text).map_err(|e| {
        CliError::BadInput(format!(
            "{} is not EIP-712 typed data (types, primaryType, domain, message): {e}",
            path.display()
        ))
    })?;
    typed.eip712_signing_hash().map_err(|e| {
        CliError::BadInput(format!(
            "{}: the message does not match its types: {e}",
            path.display()
        ))
    })
}

/// Runs `sign`.
pub fn run(out: &Output, args: SignArgs) -> Result<(), CliError> {
    let hash = match (&args.hash, &args.message, &args.typed_data) {
        (Some(hash), None, None) => hash.trim().parse::<B256>().map_err(|_| {
            CliError::BadInput(format!("--hash `{hash}` is not a 32-byte 0x-hex hash"))
        })?,
        (None, Some(message), None) => eip191_hash_message(message.as_bytes()),
        (None, None, Some(path)) => typed_data_hash(path)?,
        _ => {
            return Err(CliError::BadInput(
                "give one of --hash 0x…, --message TEXT or --typed-data FILE".into(),
            ))
        }
    };
    let key = session_key(out, args.key_file.as_deref())?;
    let mut chain = connect(&args.chain.rpc)?;
    let (_, modules) = load_deployment(&mut chain, args.deployment.deployment.as_deref())?;
    let (account, entity_id) = (args.key.account, args.key.entity_id);
    check_signer(&mut chain, &modules, account, entity_id, &key)?;
    let safe = replay_safe_hash(&mut chain, &modules, account, hash)?;
    let signature = erc1271_signature(entity_id, &[], &key.sign_replay_safe_hash(safe));
    account_verdict(&mut chain, account, entity_id, hash, &signature)?.map_err(|reason| {
        CliError::Reverted(format!("the account refuses the key's signature: {reason}"))
    })?;
    let signed = Signed {
        account,
        entity_id,
        hash,
        replay_safe_hash: safe,
        signature,
    };
    out.result(&signed, || {
        format!(
            "signature by the session key at entity {} for {} (valid: the account's isValidSignature accepts it)\nhash: {}\nsignature: 0x{}",
            signed.entity_id,
            signed.account,
            signed.hash,
            hex::encode(&signed.signature)
        )
    });
    Ok(())
}
