//! The install-data decoders of `permission_core::install`
//! (`decode_entity_id`, `TimeWindowInstall`, `ContractAllowlistInstall`,
//! `SelectorAllowlistInstall`, `SpendingLimitInstall`, their lists walked
//! to the end), the user-operation reader of `permission_core::user_op`
//! (`hook_user_op` and every `PackedUserOpReader` accessor), the window's
//! storage and ABI forms (`permission_core::window`) and ERC-4337
//! validation data (`permission_core::validation_data`).
//!
//! Oracles, on arbitrary bytes (raw, or assembled from ABI-shaped words,
//! see `words.rs`): nothing panics; every list is walked to
//! its end and has the length `len()` says; a decoded uint48 is below 2^48
//! and every decoder reads the same entityId as `decode_entity_id`; what
//! decodes re-encodes to a value that decodes the same (to the same bytes
//! where the encoding is static); whatever alloy's validating decoder
//! accepts, the crate decodes to the same values; the user operation's
//! paymaster is the first 20 bytes of `paymasterAndData`, its maximum gas
//! cost equals a 512-bit reference, and `encode_with_signature` gives an
//! operation alloy decodes to the same fields with the new signature.
//! On arbitrary structured values: each encoder's output (the crate's or
//! alloy's) decodes back to exactly what was encoded; a window survives
//! `to_bytes`/`from_bytes` and its ABI form; validation data packs and
//! unpacks losslessly and intersects as MAv2 does.

#![no_main]

use alloy_primitives::{Address, Bytes, FixedBytes, B256, U256, U512};
use alloy_sol_types::{sol, SolCall, SolType, SolValue};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use permission_core::install::{
    decode_entity_id, encode_contract_allowlist, encode_entity_id, encode_selector_allowlist,
    encode_spending_limit, ContractAllowlistInstall, GasBudget, SelectorAllowlistInstall,
    SelectorRule, SpendLimit, SpendingLimitInstall, TimeWindowInstall,
};
use permission_core::user_op::{hook_user_op, PackedUserOpReader, PAYMASTER_DATA_OFFSET};
use permission_core::validation_data::MAX_U48;
use permission_core::{AbiReader, CalldataError, ValidationData, Window};

mod words;

sol! {
    #[derive(Debug, PartialEq)]
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
    function preUserOpValidationHook(uint32 entityId, PackedUserOperation userOp, bytes32 userOpHash);

    struct TimeInstall { uint32 entityId; uint48 validAfter; uint48 validUntil; }
    struct ContractInstall { uint32 entityId; address[] targets; }
    struct Rule { address target; bytes4 selector; }
    struct SelectorInstall { uint32 entityId; Rule[] rules; }
    struct Limit { address token; uint256 limit; uint48 period; }
    struct Gas { bool enabled; uint256 limit; }
    struct SpendingInstall { uint32 entityId; Limit[] limits; Gas gas; address[] sponsors; }
}

#[derive(Arbitrary, Debug)]
struct UserOp {
    entity_id: u32,
    sender: Address,
    nonce: U256,
    init_code: Vec<u8>,
    call_data: Vec<u8>,
    account_gas_limits: [u8; 32],
    pre_verification_gas: U256,
    gas_fees: [u8; 32],
    paymaster_and_data: Vec<u8>,
    signature: Vec<u8>,
    new_signature: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Raw(Vec<u8>),
    Words(Vec<u8>),
    EntityId(u32),
    TimeWindow(u32, u64, u64),
    Contracts(u32, Vec<Address>),
    Selectors(u32, Vec<(Address, [u8; 4])>),
    Spending(u32, Vec<(Address, U256, u64)>, (bool, U256), Vec<Address>),
    UserOp(Box<UserOp>),
    Window(u64, u64, u64),
    ValidationData(U256, U256),
}

// ------------------------------------------------------------- install data

fn time_window(data: &[u8], entity: Result<u32, CalldataError>) {
    let alloy = <TimeInstall as SolType>::abi_decode_params_validate(data);
    let Ok(install) = TimeWindowInstall::decode(data) else {
        assert!(
            alloy.is_err(),
            "alloy decodes time-window data the crate refuses"
        );
        return;
    };
    assert_eq!(entity, Ok(install.entity_id));
    assert!(install.valid_after <= MAX_U48 && install.valid_until <= MAX_U48);
    assert_eq!(install.encode(), data[..96]);
    assert_eq!(
        install.window(),
        Window::new(install.valid_after, install.valid_until)
    );
    if let Ok(alloy) = alloy {
        assert_eq!(
            (
                alloy.entityId,
                alloy.validAfter.to::<u64>(),
                alloy.validUntil.to::<u64>()
            ),
            (install.entity_id, install.valid_after, install.valid_until)
        );
    }
}

fn contract_allowlist(data: &[u8], entity: Result<u32, CalldataError>) {
    let alloy = <ContractInstall as SolType>::abi_decode_params_validate(data);
    let Ok(install) = ContractAllowlistInstall::decode(data) else {
        assert!(
            alloy.is_err(),
            "alloy decodes contract-allowlist data the crate refuses"
        );
        return;
    };
    assert_eq!(entity, Ok(install.entity_id));
    let targets: Vec<_> = install.targets().collect();
    assert_eq!(targets.len(), install.len());
    assert_eq!(install.is_empty(), targets.is_empty());
    let Ok(targets) = targets.into_iter().collect::<Result<Vec<_>, _>>() else {
        assert!(alloy.is_err(), "alloy decodes a target the crate refuses");
        return;
    };
    let again = encode_contract_allowlist(install.entity_id, &targets);
    let decoded = ContractAllowlistInstall::decode(&again).unwrap();
    assert_eq!(decoded.entity_id, install.entity_id);
    assert_eq!(
        decoded.targets().collect::<Result<Vec<_>, _>>(),
        Ok(targets.clone())
    );
    if let Ok(alloy) = alloy {
        assert_eq!(
            (alloy.entityId, alloy.targets),
            (install.entity_id, targets)
        );
    }
}

fn selector_allowlist(data: &[u8], entity: Result<u32, CalldataError>) {
    let alloy = <SelectorInstall as SolType>::abi_decode_params_validate(data);
    let Ok(install) = SelectorAllowlistInstall::decode(data) else {
        assert!(
            alloy.is_err(),
            "alloy decodes selector-allowlist data the crate refuses"
        );
        return;
    };
    assert_eq!(entity, Ok(install.entity_id));
    let rules: Vec<_> = install.rules().collect();
    assert_eq!(rules.len(), install.len());
    assert_eq!(install.is_empty(), rules.is_empty());
    let Ok(rules) = rules.into_iter().collect::<Result<Vec<_>, _>>() else {
        assert!(alloy.is_err(), "alloy decodes a rule the crate refuses");
        return;
    };
    let again = encode_selector_allowlist(install.entity_id, &rules);
    let decoded = SelectorAllowlistInstall::decode(&again).unwrap();
    assert_eq!(decoded.entity_id, install.entity_id);
    assert_eq!(
        decoded.rules().collect::<Result<Vec<_>, _>>(),
        Ok(rules.clone())
    );
    if let Ok(alloy) = alloy {
        let alloy_rules: Vec<SelectorRule> = alloy
            .rules
            .into_iter()
            .map(|r| SelectorRule {
                target: r.target,
                selector: r.selector.0,
            })
            .collect();
        assert_eq!((alloy.entityId, alloy_rules), (install.entity_id, rules));
    }
}

fn spending_limit(data: &[u8], entity: Result<u32, CalldataError>) {
    let alloy = <SpendingInstall as SolType>::abi_decode_params_validate(data);
    let Ok(install) = SpendingLimitInstall::decode(data) else {
        assert!(
            alloy.is_err(),
            "alloy decodes spending-limit data the crate refuses"
        );
        return;
    };
    assert_eq!(entity, Ok(install.entity_id));
    let limits: Vec<_> = install.limits().collect();
    let sponsors: Vec<_> = install.sponsors().collect();
    assert_eq!(limits.len(), install.len());
    assert_eq!(install.is_empty(), limits.is_empty());
    for limit in limits.iter().flatten() {
        assert!(limit.period <= MAX_U48);
    }
    let (Ok(limits), Ok(sponsors)) = (
        limits.into_iter().collect::<Result<Vec<_>, _>>(),
        sponsors.into_iter().collect::<Result<Vec<_>, _>>(),
    ) else {
        assert!(
            alloy.is_err(),
            "alloy decodes a limit or sponsor the crate refuses"
        );
        return;
    };
    let again = encode_spending_limit(install.entity_id, &limits, install.gas, &sponsors);
    let decoded = SpendingLimitInstall::decode(&again).unwrap();
    assert_eq!(
        (decoded.entity_id, decoded.gas),
        (install.entity_id, install.gas)
    );
    assert_eq!(
        decoded.limits().collect::<Result<Vec<_>, _>>(),
        Ok(limits.clone())
    );
    assert_eq!(
        decoded.sponsors().collect::<Result<Vec<_>, _>>(),
        Ok(sponsors.clone())
    );
    if let Ok(alloy) = alloy {
        let alloy_limits: Vec<SpendLimit> = alloy
            .limits
            .into_iter()
            .map(|l| SpendLimit {
                token: l.token,
                limit: l.limit,
                period: l.period.to::<u64>(),
            })
            .collect();
        let alloy_gas = GasBudget {
            enabled: alloy.gas.enabled,
            limit: alloy.gas.limit,
        };
        assert_eq!(
            (alloy.entityId, alloy_limits, alloy_gas, alloy.sponsors),
            (install.entity_id, limits, install.gas, sponsors)
        );
    }
}

// ---------------------------------------------------------------- user op

/// The EntryPoint v0.7 prefund in 512-bit arithmetic: `None` when the gas
/// sum or the product does not fit 256 bits.
fn reference_max_gas_cost(
    account_gas_limits: &[u8; 32],
    pre_verification_gas: U256,
    gas_fees: &[u8; 32],
    paymaster_and_data: &[u8],
) -> Result<Option<U256>, CalldataError> {
    let half = |w: &[u8]| U512::from_be_slice(w);
    let (paymaster_verification, post_op) = match paymaster_and_data.len() {
        0 => (U512::ZERO, U512::ZERO),
        1..PAYMASTER_DATA_OFFSET => return Err(CalldataError::TooShort),
        _ => (
            half(&paymaster_and_data[20..36]),
            half(&paymaster_and_data[36..52]),
        ),
    };
    let sum = half(&account_gas_limits[..16])
        + half(&account_gas_limits[16..])
        + paymaster_verification
        + post_op
        + U512::from(pre_verification_gas);
    let cost = sum * half(&gas_fees[16..]);
    let max = U512::from(U256::MAX);
    Ok((sum <= max && cost <= max).then(|| cost.to::<U256>()))
}

/// Checks every accessor of `op` against the fields alloy decoded (or
/// encoded).
fn matches_alloy(op: &PackedUserOpReader<'_>, expected: &PackedUserOperation) {
    assert_eq!(op.sender(), Ok(expected.sender));
    assert_eq!(op.nonce(), Ok(expected.nonce));
    assert_eq!(op.call_data(), Ok(&expected.callData[..]));
    assert_eq!(op.signature(), Ok(&expected.signature[..]));
    assert_eq!(op.paymaster_and_data(), Ok(&expected.paymasterAndData[..]));
    assert_eq!(
        op.max_gas_cost(),
        reference_max_gas_cost(
            &expected.accountGasLimits.0,
            expected.preVerificationGas,
            &expected.gasFees.0,
            &expected.paymasterAndData,
        )
    );
}

/// The accessors of a reader over arbitrary bytes.
fn user_op_accessors(tuple: AbiReader<'_>) {
    let op = PackedUserOpReader::new(tuple);
    let _ = op.sender();
    let _ = op.nonce();
    let _ = op.call_data();
    let _ = op.signature();
    let paymaster_and_data = op.paymaster_and_data();
    match (op.paymaster(), paymaster_and_data) {
        (Ok(Some(paymaster)), Ok(data)) => assert_eq!(paymaster[..], data[..20]),
        (Ok(None), Ok(data)) => assert!(data.len() < 20),
        (Err(e), Err(f)) => assert_eq!(e, f),
        (got, data) => panic!("paymaster {got:?} from paymasterAndData {data:?}"),
    }
    let cost = op.max_gas_cost();
    if let (Ok(limits), Ok(pre), Ok(fees), Ok(data)) = (
        tuple.head(4),
        tuple.u256(5),
        tuple.head(6),
        paymaster_and_data,
    ) {
        assert_eq!(cost, reference_max_gas_cost(limits, pre, fees, data));
    } else {
        assert!(cost.is_err());
    }
    let new_signature = [0xA5; 3];
    if let Ok(encoded) = op.encode_with_signature(&new_signature) {
        let again = PackedUserOpReader::new(AbiReader::new(&encoded));
        assert_eq!(again.sender(), op.sender());
        assert_eq!(again.nonce(), op.nonce());
        assert_eq!(again.call_data(), op.call_data());
        assert_eq!(again.paymaster_and_data(), op.paymaster_and_data());
        assert_eq!(again.max_gas_cost(), cost);
        assert_eq!(again.signature(), Ok(&new_signature[..]));
        let alloy = <PackedUserOperation as SolType>::abi_decode_params_validate(&encoded)
            .expect("alloy refuses the re-encoded operation");
        matches_alloy(&again, &alloy);
    }
}

fn user_op_raw(data: &[u8]) {
    let args = AbiReader::new(data);
    let hook = preUserOpValidationHookCall::abi_decode_raw_validate(data);
    match hook_user_op(&args) {
        Ok(op) => {
            user_op_accessors(args.offset(1).unwrap());
            if let Ok(hook) = hook {
                matches_alloy(&op, &hook.userOp);
            }
        }
        Err(_) => assert!(hook.is_err(), "alloy reads a user op the crate refuses"),
    }
    // The bytes as the tuple itself.
    user_op_accessors(args);
}

fn user_op(input: UserOp) {
    let op = PackedUserOperation {
        sender: input.sender,
        nonce: input.nonce,
        initCode: input.init_code.into(),
        callData: input.call_data.into(),
        accountGasLimits: B256::from(input.account_gas_limits),
        preVerificationGas: input.pre_verification_gas,
        gasFees: B256::from(input.gas_fees),
        paymasterAndData: input.paymaster_and_data.into(),
        signature: input.signature.into(),
    };
    let args = preUserOpValidationHookCall {
        entityId: input.entity_id,
        userOp: op.clone(),
        userOpHash: B256::repeat_byte(0x11),
    }
    .abi_encode()[4..]
        .to_vec();
    assert_eq!(decode_entity_id(&args), Ok(input.entity_id));
    let reader = hook_user_op(&AbiReader::new(&args)).unwrap();
    matches_alloy(&reader, &op);
    let paymaster = op.paymasterAndData.get(..20).map(Address::from_slice);
    assert_eq!(reader.paymaster(), Ok(paymaster));
    let mut expected = op;
    expected.signature = Bytes::from(input.new_signature.clone());
    // A one-element tuple of the struct: its first word is the offset.
    let expected = (expected,).abi_encode_params()[32..].to_vec();
    assert_eq!(
        reader.encode_with_signature(&input.new_signature),
        Ok(expected)
    );
}

// ------------------------------------------------------------------- raw

fn raw(data: &[u8]) {
    let entity = decode_entity_id(data);
    if let Ok(entity_id) = entity {
        assert_eq!(encode_entity_id(entity_id), data[..32]);
    }
    time_window(data, entity);
    contract_allowlist(data, entity);
    selector_allowlist(data, entity);
    spending_limit(data, entity);
    if let Some(bytes) = data.get(..12) {
        let bytes: [u8; 12] = bytes.try_into().unwrap();
        let window = Window::from_bytes(&bytes);
        assert!(window.valid_after <= MAX_U48 && window.valid_until <= MAX_U48);
        assert_eq!(window.to_bytes(), bytes);
    }
    user_op_raw(data);
}

// ------------------------------------------------------- windows, validation

fn window(after: u64, until: u64, now: u64) {
    let window = Window::new(after & MAX_U48, until & MAX_U48);
    assert_eq!(Window::from_bytes(&window.to_bytes()), window);
    let encoded = window.encode();
    let r = AbiReader::new(&encoded);
    assert_eq!(
        (r.uint(0, 48), r.uint(1, 48)),
        (Ok(window.valid_after), Ok(window.valid_until))
    );
    assert_eq!(encoded.len(), 64);
    let contains =
        now >= window.valid_after && (window.valid_until == 0 || now <= window.valid_until);
    assert_eq!(window.contains(now), contains);
    assert_eq!(window.check_at(now).is_ok(), contains);
    let well_formed = window.valid_until == 0 || window.valid_until > window.valid_after;
    assert_eq!(window.is_well_formed(), well_formed);
    assert_eq!(window.well_formed().is_ok(), well_formed);
    assert_eq!(window.is_bounded(), window != Window::default());
    let data = window.validation_data();
    assert_eq!(
        data,
        ValidationData::window(window.valid_after, window.valid_until)
    );
    assert_eq!(ValidationData::unpack(data.pack()), data);
    let install = TimeWindowInstall {
        entity_id: 7,
        valid_after: window.valid_after,
        valid_until: window.valid_until,
    };
    assert_eq!(install.window(), window);
}

fn validation_data(a: U256, b: U256) {
    let (x, y) = (ValidationData::unpack(a), ValidationData::unpack(b));
    assert_eq!(x.pack(), a);
    assert_eq!(y.pack(), b);
    assert!(x.authorizer < (U256::from(1u8) << 160usize));
    assert!(x.valid_after <= MAX_U48 && x.valid_until <= MAX_U48);
    let both = x.intersect(&y);
    assert_eq!(both, y.intersect(&x));
    assert_eq!(both.authorizer, x.authorizer | y.authorizer);
    assert_eq!(both.valid_after, x.valid_after.max(y.valid_after));
    let until = match (x.valid_until, y.valid_until) {
        (0, 0) => 0,
        (0, u) | (u, 0) => u,
        (u, v) => u.min(v),
    };
    assert_eq!(both.valid_until, until);
    assert_eq!(ValidationData::unpack(both.pack()), both);
}

fuzz_target!(|input: Input| match input {
    Input::Raw(data) => raw(&data),
    Input::Words(pieces) => raw(&words::assemble(&pieces)),
    Input::EntityId(entity_id) => {
        assert_eq!(
            decode_entity_id(&encode_entity_id(entity_id)),
            Ok(entity_id)
        );
    }
    Input::TimeWindow(entity_id, after, until) => {
        let install = TimeWindowInstall {
            entity_id,
            valid_after: after & MAX_U48,
            valid_until: until & MAX_U48,
        };
        let data = install.encode();
        assert_eq!(TimeWindowInstall::decode(&data), Ok(install));
        assert_eq!(decode_entity_id(&data), Ok(entity_id));
        let alloy = TimeInstall {
            entityId: entity_id,
            validAfter: alloy_primitives::aliases::U48::from(install.valid_after),
            validUntil: alloy_primitives::aliases::U48::from(install.valid_until),
        }
        .abi_encode_params();
        assert_eq!(alloy, data);
    }
    Input::Contracts(entity_id, targets) => {
        let data = encode_contract_allowlist(entity_id, &targets);
        let decoded = ContractAllowlistInstall::decode(&data).unwrap();
        assert_eq!(decoded.entity_id, entity_id);
        assert_eq!(decoded.len(), targets.len());
        assert_eq!(
            decoded.targets().collect::<Result<Vec<_>, _>>(),
            Ok(targets.clone())
        );
        let alloy = ContractInstall {
            entityId: entity_id,
            targets,
        }
        .abi_encode_params();
        assert_eq!(alloy, data);
    }
    Input::Selectors(entity_id, rules) => {
        let rules: Vec<SelectorRule> = rules
            .into_iter()
            .map(|(target, selector)| SelectorRule { target, selector })
            .collect();
        let data = encode_selector_allowlist(entity_id, &rules);
        let decoded = SelectorAllowlistInstall::decode(&data).unwrap();
        assert_eq!(decoded.entity_id, entity_id);
        assert_eq!(decoded.len(), rules.len());
        assert_eq!(
            decoded.rules().collect::<Result<Vec<_>, _>>(),
            Ok(rules.clone())
        );
        let alloy = SelectorInstall {
            entityId: entity_id,
            rules: rules
                .iter()
                .map(|r| Rule {
                    target: r.target,
                    selector: FixedBytes(r.selector),
                })
                .collect(),
        }
        .abi_encode_params();
        assert_eq!(alloy, data);
    }
    Input::Spending(entity_id, limits, (enabled, limit), sponsors) => {
        let limits: Vec<SpendLimit> = limits
            .into_iter()
            .map(|(token, limit, period)| SpendLimit {
                token,
                limit,
                period: period & MAX_U48,
            })
            .collect();
        let gas = GasBudget { enabled, limit };
        let data = encode_spending_limit(entity_id, &limits, gas, &sponsors);
        let decoded = SpendingLimitInstall::decode(&data).unwrap();
        assert_eq!((decoded.entity_id, decoded.gas), (entity_id, gas));
        assert_eq!(decoded.len(), limits.len());
        assert_eq!(
            decoded.limits().collect::<Result<Vec<_>, _>>(),
            Ok(limits.clone())
        );
        assert_eq!(
            decoded.sponsors().collect::<Result<Vec<_>, _>>(),
            Ok(sponsors.clone())
        );
        let alloy = SpendingInstall {
            entityId: entity_id,
            limits: limits
                .iter()
                .map(|l| Limit {
                    token: l.token,
                    limit: l.limit,
                    period: alloy_primitives::aliases::U48::from(l.period),
                })
                .collect(),
            gas: Gas { enabled, limit },
            sponsors,
        }
        .abi_encode_params();
        assert_eq!(alloy, data);
    }
    Input::UserOp(input) => user_op(*input),
    Input::Window(after, until, now) => window(after, until, now),
    Input::ValidationData(a, b) => validation_data(a, b),
});
