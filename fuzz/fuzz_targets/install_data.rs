//! The install-data decoders of `permission_core::install`, the window's
//! storage form, and the user-operation reader.
//!
//! Oracles: on arbitrary bytes nothing panics, every list is walked to its
//! end, a decoded uint48 is below 2^48, and what decodes re-encodes to a
//! value that decodes the same; on arbitrary structured values, each
//! encoder's output decodes back to exactly what was encoded.

#![no_main]

use alloy_primitives::{Address, U256};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use permission_core::install::{
    decode_entity_id, encode_contract_allowlist, encode_selector_allowlist, encode_spending_limit,
    ContractAllowlistInstall, GasBudget, SelectorAllowlistInstall, SelectorRule, SpendLimit,
    SpendingLimitInstall, TimeWindowInstall,
};
use permission_core::user_op::hook_user_op;
use permission_core::{AbiReader, Window};

const U48_MAX: u64 = (1 << 48) - 1;

#[derive(Arbitrary, Debug)]
enum Input {
    Raw(Vec<u8>),
    TimeWindow(u32, u64, u64),
    Contracts(u32, Vec<Address>),
    Selectors(u32, Vec<(Address, [u8; 4])>),
    Spending(u32, Vec<(Address, U256, u64)>, (bool, U256), Vec<Address>),
}

fn raw(data: &[u8]) {
    let _ = decode_entity_id(data);
    if let Ok(window) = TimeWindowInstall::decode(data) {
        assert!(window.valid_after <= U48_MAX && window.valid_until <= U48_MAX);
        assert_eq!(TimeWindowInstall::decode(&window.encode()), Ok(window));
    }
    if let Ok(install) = ContractAllowlistInstall::decode(data) {
        let targets: Result<Vec<_>, _> = install.targets().collect();
        if let Ok(targets) = targets {
            let again = encode_contract_allowlist(install.entity_id, &targets);
            let decoded = ContractAllowlistInstall::decode(&again).unwrap();
            assert_eq!(
                decoded.targets().collect::<Result<Vec<_>, _>>(),
                Ok(targets)
            );
        }
    }
    if let Ok(install) = SelectorAllowlistInstall::decode(data) {
        let _ = install.rules().count();
    }
    if let Ok(install) = SpendingLimitInstall::decode(data) {
        for limit in install.limits().flatten() {
            assert!(limit.period <= U48_MAX);
        }
        let _ = install.sponsors().count();
    }
    if let Some(bytes) = data.get(..12) {
        let bytes: [u8; 12] = bytes.try_into().unwrap();
        assert_eq!(Window::from_bytes(&bytes).to_bytes(), bytes);
    }
    if let Ok(op) = hook_user_op(&AbiReader::new(data)) {
        let _ = op.sender();
        let _ = op.nonce();
        let _ = op.call_data();
        let _ = op.signature();
        let _ = op.paymaster_and_data();
        let _ = op.paymaster();
        let _ = op.max_gas_cost();
        let _ = op.encode_with_signature(&[0xFF]);
    }
}

fuzz_target!(|input: Input| match input {
    Input::Raw(data) => raw(&data),
    Input::TimeWindow(entity_id, after, until) => {
        let install = TimeWindowInstall {
            entity_id,
            valid_after: after & U48_MAX,
            valid_until: until & U48_MAX,
        };
        assert_eq!(TimeWindowInstall::decode(&install.encode()), Ok(install));
    }
    Input::Contracts(entity_id, targets) => {
        let data = encode_contract_allowlist(entity_id, &targets);
        let decoded = ContractAllowlistInstall::decode(&data).unwrap();
        assert_eq!(decoded.entity_id, entity_id);
        assert_eq!(
            decoded.targets().collect::<Result<Vec<_>, _>>(),
            Ok(targets)
        );
    }
    Input::Selectors(entity_id, rules) => {
        let rules: Vec<SelectorRule> = rules
            .into_iter()
            .map(|(target, selector)| SelectorRule { target, selector })
            .collect();
        let data = encode_selector_allowlist(entity_id, &rules);
        let decoded = SelectorAllowlistInstall::decode(&data).unwrap();
        assert_eq!(decoded.entity_id, entity_id);
        assert_eq!(decoded.rules().collect::<Result<Vec<_>, _>>(), Ok(rules));
    }
    Input::Spending(entity_id, limits, (enabled, limit), sponsors) => {
        let limits: Vec<SpendLimit> = limits
            .into_iter()
            .map(|(token, limit, period)| SpendLimit {
                token,
                limit,
                period: period & U48_MAX,
            })
            .collect();
        let gas = GasBudget { enabled, limit };
        let data = encode_spending_limit(entity_id, &limits, gas, &sponsors);
        let decoded = SpendingLimitInstall::decode(&data).unwrap();
        assert_eq!((decoded.entity_id, decoded.gas), (entity_id, gas));
        assert_eq!(decoded.limits().collect::<Result<Vec<_>, _>>(), Ok(limits));
        assert_eq!(
            decoded.sponsors().collect::<Result<Vec<_>, _>>(),
            Ok(sponsors)
        );
    }
});
