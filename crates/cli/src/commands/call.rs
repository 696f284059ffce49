//! `session-keys call`: act as a session key. Builds the account call
//! (`execute`, or `executeBatch` for several `--call`s, in the
//! `executeUserOp` prefix form when the key's validation has execution
//! hooks, as the account reports), measures its gas limits on the chain
//! (`operation::estimate_gas`; an operation that would be refused or
//! revert whatever its gas stops here, with the reason), signs it with the
//! key over this chain's v0.7 userOpHash, and prints it in the bundler
//! JSON-RPC form (`eth_sendUserOperation`). With `--bundler URL` it sends it to that
//! bundler and waits for its receipt; with `--send` the signing key submits
//! it through `EntryPoint.handleOps` itself. Either way the command reports
//! whether it executed, reverted in execution, or was refused, with the
//! decoded reason.

use std::time::Duration;

use alloy_primitives::{hex, Address, B256, U256};
use serde::Serialize;
use session_keys::abi::PackedUserOperation;
use session_keys::bundler::{Bundler, BundlerError};
use session_keys::chain::{Chain, RpcChain};
use session_keys::errors::name_addresses;
use session_keys::inspect::hook_segments;
use session_keys::operation::{
    calls_data, estimate_gas_with_segments, function_call_data, handle_ops,
    signed_op_with_segments, CallEncodingError, EstimateError, OpOutcome,
};
use session_keys::permissions::file::parse_amount;
use session_keys::user_op::GWEI;
use session_keys::{short_reason, Gas, Key, Modules, RpcUserOperation};

use crate::args::CallArgs;
use crate::commands::inspect::account_view;
use crate::commands::{check_signer, connect, load_deployment, Sent};
use crate::error::CliError;
use crate::keys::{session_key, signing_key};
use crate::output::Output;

/// The signed operation and, with `--send`, what became of it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Called {
    account: Address,
    entity_id: u32,
    session_key: Address,
    entry_point: Address,
    user_op_hash: B256,
    execute_user_op_prefix: bool,
    /// Whether the gas limits were measured on the chain.
    gas_estimated: bool,
    user_operation: RpcUserOperation,
    sent: Option<SentOp>,
}

/// A submitted operation that executed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SentOp {
    outcome: &'static str,
    #[serde(flatten)]
    sent: Sent,
    /// What the account paid (the bundler's receipt), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    charged_wei: Option<U256>,
}

fn bad(text: String) -> CliError {
    CliError::BadInput(text)
}

/// The calls: one from `--to`, `--value` and either `--data` or the
/// positional `FUNCTION ARG...` (neither: a plain value transfer), or a
/// batch with one `--call TARGET,FUNCTION,ARG...` each.
fn calls(args: &CallArgs) -> Result<Vec<(Address, U256, Vec<u8>)>, CliError> {
    let encode = |signature: &str, values: &[String]| {
        function_call_data(signature, values).map_err(|e: CallEncodingError| bad(e.to_string()))
    };
    if !args.batch.is_empty() {
        return args
            .batch
            .iter()
            .map(|call| {
                let mut parts = split_top_level(call).into_iter();
                let target = parts.next().unwrap_or_default();
                let target: Address = target.trim().parse().map_err(|_| {
                    bad(format!(
                        "--call `{call}`: write TARGET,FUNCTION,ARG..., e.g. 0x…,transfer(address,uint256),0x…,100"
                    ))
                })?;
                let function = parts.next().ok_or_else(|| {
                    bad(format!("--call `{call}`: the function is missing after the target"))
                })?;
                let values: Vec<String> = parts.collect();
                Ok((target, U256::ZERO, encode(&function, &values)?))
            })
            .collect();
    }
    let Some(to) = args.to else {
        return Err(bad(
            "give --to TARGET with FUNCTION [ARG...] or --data 0x…, or one --call per call of a batch".into(),
        ));
    };
    let value = match &args.value {
        Some(v) => parse_amount(v).map_err(|e| bad(format!("--value: {e}")))?,
        None => U256::ZERO,
    };
    let data = match (&args.data, args.function.split_first()) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "give either --data or FUNCTION [ARG...], not both".into()
            ))
        }
        (Some(data), None) => {
            let hex_text = data.trim();
            hex::decode(hex_text.strip_prefix("0x").unwrap_or(hex_text))
                .map_err(|_| bad(format!("--data `{data}` is not 0x-hex")))?
        }
        (None, Some((signature, values))) => encode(signature, values)?,
        // A plain value transfer.
        (None, None) => Vec::new(),
    };
    Ok(vec![(to, value, data)])
}

/// Splits `a,f(uint256,address),(1,2)` on the commas outside brackets.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' => depth = depth.saturating_add(1),
            ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

fn gas(args: &CallArgs) -> Result<Gas, CliError> {
    let mut gas = Gas::default();
    let number = |text: &Option<String>, flag: &str, into: &mut u128| -> Result<(), CliError> {
        if let Some(text) = text {
            let value = parse_amount(text).map_err(|e| bad(format!("{flag}: {e}")))?;
            *into = u128::try_from(value)
                .map_err(|_| bad(format!("{flag}: {text} does not fit 128 bits")))?;
        }
        Ok(())
    };
    number(
        &args.verification_gas,
        "--verification-gas",
        &mut gas.verification_gas_limit,
    )?;
    number(&args.call_gas, "--call-gas", &mut gas.call_gas_limit)?;
    number(
        &args.pre_verification_gas,
        "--pre-verification-gas",
        &mut gas.pre_verification_gas,
    )?;
    number(&args.max_fee, "--max-fee-per-gas", &mut gas.max_fee_per_gas)?;
    number(
        &args.priority_fee,
        "--max-priority-fee-per-gas",
        &mut gas.max_priority_fee_per_gas,
    )?;
    if gas.max_priority_fee_per_gas > gas.max_fee_per_gas {
        return Err(bad(format!(
            "--max-priority-fee-per-gas ({}) is above --max-fee-per-gas ({}); the default fee cap is {GWEI} wei",
            gas.max_priority_fee_per_gas, gas.max_fee_per_gas
        )));
    }
    Ok(gas)
}

/// Runs `call`.
pub fn run(out: &Output, args: CallArgs) -> Result<(), CliError> {
    let calls = calls(&args)?;
    let gas = gas(&args)?;
    let key = session_key(out, args.key_file.as_deref())?;
    let mut chain = connect(&args.chain.rpc)?;
    let (_, modules) = load_deployment(&mut chain, args.deployment.deployment.as_deref())?;
    let view = account_view(&mut chain, &modules, args.key.account, args.key.entity_id)?;
    if !view.is_user_op_validation {
        return Err(bad(format!(
            "{} has no user-operation validation at entity {} (see `session-keys inspect`)",
            args.key.account, args.key.entity_id
        )));
    }
    check_signer(
        &mut chain,
        &modules,
        args.key.account,
        args.key.entity_id,
        &key,
    )?;
    // The account refuses execution hooks without the user operation's
    // context, which only the executeUserOp prefix form gives them.
    let prefixed = view.hooks.iter().any(|h| h.role == "execution");
    let call_data = calls_data(&calls, prefixed);
    let locator = (args.key.entity_id, view.is_global);
    // A periodic native limit names the operation's period in its hook's
    // segment (ERC-7562 bars the clock in validation).
    let now = chain.timestamp()?;
    let segments = hook_segments(&mut chain, &modules, args.key.account, &view.hooks, now)?;
    let segments: Vec<(u8, &[u8])> = segments.iter().map(|(i, b)| (*i, &b[..])).collect();
    // Measured limits unless both are given: EntryPoint v0.7 charges 10% of
    // the unused call gas, and the prefund scales with both.
    let estimated = args.verification_gas.is_none() || args.call_gas.is_none();
    let gas = if estimated {
        let measured = estimate_gas_with_segments(
            &mut chain,
            args.key.account,
            locator,
            &call_data,
            &key,
            gas,
            &segments,
        )
        .map_err(|e| estimate_error(e, &modules, gas))?;
        Gas {
            verification_gas_limit: if args.verification_gas.is_some() {
                gas.verification_gas_limit
            } else {
                measured.verification_gas_limit
            },
            call_gas_limit: if args.call_gas.is_some() {
                gas.call_gas_limit
            } else {
                measured.call_gas_limit
            },
            ..gas
        }
    } else {
        gas
    };
    let op = signed_op_with_segments(
        &mut chain,
        args.key.account,
        locator,
        call_data,
        &key,
        gas,
        &segments,
    )?;
    let chain_id = chain.chain_id()?;
    let user_op_hash =
        localnet::entry_point::user_op_hash(&op, localnet::entry_point::ENTRY_POINT, chain_id);
    let user_operation = RpcUserOperation::from_packed(&op)
        .map_err(|e| CliError::Unexpected(format!("the signed operation: {e}")))?;
    let sent = if args.send {
        let bundler = signing_key(args.chain.keystore.as_deref())?;
        Some(submit(&mut chain, &modules, &bundler, op, gas)?)
    } else if let Some(url) = &args.bundler {
        Some(through_bundler(url, &chain, &modules, &op, gas)?)
    } else {
        None
    };
    let called = Called {
        account: args.key.account,
        entity_id: args.key.entity_id,
        session_key: key.address(),
        entry_point: localnet::entry_point::ENTRY_POINT,
        user_op_hash,
        execute_user_op_prefix: prefixed,
        gas_estimated: estimated,
        user_operation,
        sent,
    };
    out.result(&called, || human(&called));
    Ok(())
}

/// `handleOps([op])` from `bundler`; an operation that did not execute is
/// an error carrying the decoded reason.
fn submit(
    chain: &mut dyn Chain,
    modules: &Modules,
    bundler: &Key,
    op: PackedUserOperation,
    gas: Gas,
) -> Result<SentOp, CliError> {
    match handle_ops(chain, bundler, op)? {
        OpOutcome::Executed(receipt) => Ok(SentOp {
            outcome: "executed",
            sent: Sent {
                tx_hash: receipt.tx_hash.map(|h| h.to_string()),
                gas_used: receipt.gas_used,
            },
            charged_wei: None,
        }),
        OpOutcome::ExecutionReverted(receipt, reason) => Err(CliError::Reverted(format!(
            "the operation was validated and paid for, but its execution reverted: {} (tx {}, {} gas)",
            name_modules(&short_reason(&reason), modules),
            receipt
                .tx_hash
                .map_or_else(|| "unknown".into(), |h| h.to_string()),
            receipt.gas_used
        ))),
        OpOutcome::Refused(receipt) => {
            let reason = receipt
                .revert_data
                .as_deref()
                .map_or_else(|| receipt.failure_reason(), |data| short_reason(data));
            Err(refusal(&name_modules(&reason, modules), gas))
        }
    }
}

/// How long `--bundler` waits for the operation's receipt.
const BUNDLER_TIMEOUT: Duration = Duration::from_secs(60);

/// `eth_sendUserOperation` to the bundler at `url`, then its receipt.
fn through_bundler(
    url: &str,
    chain: &RpcChain,
    modules: &Modules,
    op: &PackedUserOperation,
    gas: Gas,
) -> Result<SentOp, CliError> {
    let bundler = Bundler::connect(url)?;
    // The receipt is checked against the chain: a bundler's word is not
    // taken for what happened.
    let bundled = bundler
        .check_entry_point()
        .and_then(|()| bundler.send(op))
        .and_then(|hash| bundler.wait(hash, BUNDLER_TIMEOUT))
        .and_then(|receipt| bundler.confirm_on_chain(chain, &receipt).map(|()| receipt));
    let receipt = match bundled {
        Ok(receipt) => receipt,
        Err(BundlerError::Chain(e)) => return Err(e.into()),
        Err(BundlerError::Rejected {
            message,
            data: Some(data),
            ..
        }) => {
            let reason = name_modules(&short_reason(&data), modules);
            return Err(match message.contains("AA21") || reason.contains("AA21") {
                true => refusal(&reason, gas),
                false => CliError::Reverted(format!(
                    "the bundler refused it ({message}), nothing was executed or paid: {reason}"
                )),
            });
        }
        Err(
            e @ (BundlerError::UnsupportedEntryPoint { .. }
            | BundlerError::Timeout(..)
            | BundlerError::Unconfirmed { .. }),
        ) => return Err(CliError::Chain(e.to_string())),
        Err(e) => return Err(CliError::Reverted(e.to_string())),
    };
    let tx_hash = receipt.receipt.transaction_hash.to_string();
    if !receipt.success {
        return Err(CliError::Reverted(format!(
            "the bundler bundled it and the account paid {} wei, but its execution reverted: {} (tx {})",
            receipt.actual_gas_cost,
            name_modules(&short_reason(&receipt.reason), modules),
            tx_hash
        )));
    }
    Ok(SentOp {
        outcome: "executed",
        sent: Sent {
            tx_hash: Some(tx_hash),
            gas_used: receipt.receipt.gas_used,
        },
        charged_wei: Some(receipt.actual_gas_cost),
    })
}

/// A refusal in validation, with how to fund the deposit when that is why.
fn refusal(reason: &str, gas: Gas) -> CliError {
    let hint = if reason.contains("AA21") {
        format!(
            ": the account's EntryPoint deposit and balance must cover the prefund, {} wei with these gas limits (EntryPoint.depositTo(account), or `session-keys account --deposit`)",
            gas.required_prefund()
        )
    } else {
        String::new()
    };
    CliError::Reverted(format!(
        "refused in validation, nothing was executed or paid: {reason}{hint}"
    ))
}

/// Why no gas limits were found: the operation would be refused, or its
/// execution would revert, whatever its gas.
fn estimate_error(error: EstimateError, modules: &Modules, gas: Gas) -> CliError {
    match error {
        EstimateError::Chain(e) => e.into(),
        EstimateError::Refused(data) => {
            refusal(&name_modules(&short_reason(&data), modules), gas)
        }
        EstimateError::ExecutionReverts(data) => CliError::Reverted(format!(
            "its execution would revert, so nothing was sent: {} (to submit it anyway and pay for the revert, give --verification-gas and --call-gas)",
            name_modules(&short_reason(&data), modules)
        )),
    }
}

/// `text` with each module's address replaced by its name.
fn name_modules(text: &str, modules: &Modules) -> String {
    name_addresses(text, modules.named().map(|(name, address)| (address, name)))
}

fn human(c: &Called) -> String {
    let mut lines = vec![format!(
        "session key {} at entity {} of {}: user operation {}{}",
        c.session_key,
        c.entity_id,
        c.account,
        c.user_op_hash,
        if c.execute_user_op_prefix {
            " (executeUserOp prefix form: the key has execution hooks)"
        } else {
            ""
        }
    )];
    match &c.sent {
        Some(sent) => lines.push(format!(
            "{}{}",
            sent.sent.line(sent.outcome),
            sent.charged_wei
                .map(|wei| format!("; the account paid {wei} wei"))
                .unwrap_or_default()
        )),
        None => {
            let json = serde_json::to_string_pretty(&c.user_operation)
                .unwrap_or_else(|e| format!("(cannot write JSON: {e})"));
            lines.push(format!(
                "signed, for a bundler's eth_sendUserOperation (EntryPoint {}):\n{json}",
                c.entry_point
            ));
            lines.push(
                "(add --send to submit it through EntryPoint.handleOps from the signing key)"
                    .into(),
            );
        }
    }
    lines.join("\n")
}
