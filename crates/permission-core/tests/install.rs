//! Install data of every permission module: the encoders against alloy's
//! `abi_encode` of the equivalent parameter tuple, the decoders on alloy's
//! encodings, and hostile data.

mod common;

use alloy_primitives::aliases::U48;
use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::{sol, SolCall};
use common::{get_word, set_word, word_u256, word_u64};
use permission_core::install::{
    decode_entity_id, encode_contract_allowlist, encode_entity_id, encode_selector_allowlist,
    encode_spending_limit, ContractAllowlistInstall, GasBudget, SelectorAllowlistInstall,
    SelectorRule, SpendLimit, SpendingLimitInstall, TimeWindowInstall, NATIVE_TOKEN,
    VALUE_TRANSFER_SELECTOR,
};
use permission_core::validation_data::MAX_U48;
use permission_core::CalldataError::{self, *};
use proptest::prelude::*;

// The install data of each module as the parameters of a function, so that
// alloy encodes exactly the parameter tuple (after the selector).
sol! {
    struct Rule { address target; bytes4 selector; }
    struct Limit { address token; uint256 limit; uint48 period; }
    struct Gas { bool enabled; uint256 limit; }

    function uninstall(uint32 entityId);
    function timeWindow(uint32 entityId, uint48 validAfter, uint48 validUntil);
    function contractAllowlist(uint32 entityId, address[] targets);
    function selectorAllowlist(uint32 entityId, Rule[] rules);
    function spendingLimit(uint32 entityId, Limit[] limits, Gas gasBudget, address[] sponsors);
}

fn params<C: SolCall>(call: &C) -> Vec<u8> {
    call.abi_encode()[4..].to_vec()
}

fn u48(v: u64) -> U48 {
    U48::from(v)
}

fn a(b: u8) -> Address {
    Address::repeat_byte(b)
}

// ------------------------------------------------------------ entityId

#[test]
fn entity_id_payload() {
    for id in [0u32, 1, 0x7fff_ffff, u32::MAX] {
        let ours = encode_entity_id(id);
        assert_eq!(ours, params(&uninstallCall { entityId: id }));
        assert_eq!(decode_entity_id(&ours), Ok(id));
    }
    assert_eq!(decode_entity_id(&[]), Err(TooShort));
    assert_eq!(decode_entity_id(&[0; 31]), Err(TooShort));
    assert_eq!(decode_entity_id(&word_u64(1 << 32)), Err(NonCanonicalValue));
    // Any module's install data starts with its entityId.
    let tw = TimeWindowInstall {
        entity_id: 77,
        valid_after: 1,
        valid_until: 2,
    }
    .encode();
    assert_eq!(decode_entity_id(&tw), Ok(77));
    let sl = encode_spending_limit(78, &[], GasBudget::default(), &[]);
    assert_eq!(decode_entity_id(&sl), Ok(78));
}

// ------------------------------------------------------------ time-window

#[test]
fn time_window_matches_alloy() {
    for (id, after, until) in [
        (0u32, 0u64, 0u64),
        (1, 1_700_000_000, 1_800_000_000),
        (u32::MAX, MAX_U48, MAX_U48),
        (5, 0, MAX_U48),
    ] {
        let tw = TimeWindowInstall {
            entity_id: id,
            valid_after: after,
            valid_until: until,
        };
        let alloy = params(&timeWindowCall {
            entityId: id,
            validAfter: u48(after),
            validUntil: u48(until),
        });
        assert_eq!(tw.encode(), alloy);
        assert_eq!(TimeWindowInstall::decode(&alloy), Ok(tw));
    }
}

#[test]
fn time_window_field_order_is_after_then_until() {
    let tw = TimeWindowInstall {
        entity_id: 1,
        valid_after: 10,
        valid_until: 20,
    };
    let data = tw.encode();
    assert_eq!(get_word(&data, 32), U256::from(10u64));
    assert_eq!(get_word(&data, 64), U256::from(20u64));
}

#[test]
fn time_window_rejects_overflow_and_short_data() {
    let data = TimeWindowInstall {
        entity_id: 1,
        valid_after: 2,
        valid_until: 3,
    }
    .encode();
    for (pos, word) in [
        (0, word_u64(1 << 32)),
        (32, word_u64(1 << 48)),
        (64, word_u64(1 << 48)),
        (64, word_u256(U256::MAX)),
        (32, word_u256(U256::from(1u64) << 255)),
    ] {
        let mut d = data.clone();
        set_word(&mut d, pos, word);
        assert_eq!(
            TimeWindowInstall::decode(&d),
            Err(NonCanonicalValue),
            "{pos}"
        );
    }
    for n in [0, 32, 64, 95] {
        assert_eq!(TimeWindowInstall::decode(&data[..n]), Err(TooShort), "{n}");
    }
    // Trailing bytes are ignored.
    let mut longer = data.clone();
    longer.extend_from_slice(&[0xee; 40]);
    assert_eq!(
        TimeWindowInstall::decode(&longer),
        TimeWindowInstall::decode(&data)
    );
}

#[test]
fn time_window_encoder_does_not_truncate_out_of_range_values() {
    // Out-of-range timestamps must not silently become another window.
    let tw = TimeWindowInstall {
        entity_id: 1,
        valid_after: (1 << 48) + 5,
        valid_until: 0,
    };
    assert_eq!(
        TimeWindowInstall::decode(&tw.encode()),
        Err(NonCanonicalValue)
    );
}

#[test]
fn time_window_validity() {
    let w = |after, until| TimeWindowInstall {
        entity_id: 0,
        valid_after: after,
        valid_until: until,
    };
    assert!(w(0, 0).window().is_well_formed());
    assert!(w(10, 0).window().is_well_formed());
    assert!(w(MAX_U48, 0).window().is_well_formed());
    assert!(w(10, 11).window().is_well_formed());
    assert!(!w(10, 10).window().is_well_formed());
    assert!(!w(10, 9).window().is_well_formed());
    assert!(!w(MAX_U48, 1).window().is_well_formed());
}

// ------------------------------------------------------------ contract-allowlist

fn targets_of(d: &ContractAllowlistInstall<'_>) -> Result<Vec<Address>, CalldataError> {
    d.targets().collect()
}

#[test]
fn contract_allowlist_matches_alloy() {
    for n in [0usize, 1, 3, 10] {
        let targets: Vec<Address> = (0..n).map(|i| a(i as u8 + 1)).collect();
        let ours = encode_contract_allowlist(9, &targets);
        let alloy = params(&contractAllowlistCall {
            entityId: 9,
            targets: targets.clone(),
        });
        assert_eq!(ours, alloy, "{n}");
        let d = ContractAllowlistInstall::decode(&alloy).unwrap();
        assert_eq!(d.entity_id, 9);
        assert_eq!(d.len(), n);
        assert_eq!(d.is_empty(), n == 0);
        assert_eq!(targets_of(&d), Ok(targets));
    }
}

#[test]
fn contract_allowlist_dirty_target() {
    let data = encode_contract_allowlist(1, &[a(1), a(2), a(3)]);
    // Element 1 at: head (2 words) + length word + 1 word.
    let mut d = data.clone();
    d[64 + 32 + 32] = 0x01;
    let decoded = ContractAllowlistInstall::decode(&d).unwrap();
    let items: Vec<_> = decoded.targets().collect();
    assert_eq!(items, vec![Ok(a(1)), Err(NonCanonicalValue), Ok(a(3))]);
    assert_eq!(targets_of(&decoded), Err(NonCanonicalValue));
}

/// The list's offset is head 1 (byte 32) in every module; its length word
/// is where that offset points.
fn assert_hostile_list<T: std::fmt::Debug>(
    data: &[u8],
    decode: impl Fn(&[u8]) -> Result<T, CalldataError>,
) {
    let len = data.len() as u64;
    let lp = get_word(data, 32).to::<usize>();
    for (pos, word, expected) in [
        (32, word_u64(len + 1), OffsetOutOfBounds),
        (32, word_u256(U256::from(1u64) << 64), OffsetOutOfBounds),
        (32, word_u256(U256::MAX), OffsetOutOfBounds),
        (32, word_u64(len), TooShort),
        (lp, word_u256(U256::from(1u64) << 255), LengthOutOfBounds),
        (lp, word_u256(U256::MAX), LengthOutOfBounds),
        (lp, word_u64(u64::MAX), LengthOutOfBounds),
        (lp, word_u64(u64::MAX / 32 + 1), LengthOutOfBounds),
        (lp, word_u64(u64::MAX / 64 + 1), LengthOutOfBounds),
        (lp, word_u64(u64::MAX / 96 + 1), LengthOutOfBounds),
        (lp, word_u64(1000), LengthOutOfBounds),
    ] {
        let mut d = data.to_vec();
        set_word(&mut d, pos, word);
        assert_eq!(
            decode(&d).err(),
            Some(expected),
            "pos {pos} word {word:02x?}"
        );
    }
    // Entity id wider than 32 bits.
    let mut d = data.to_vec();
    set_word(&mut d, 0, word_u64(1 << 32));
    assert_eq!(decode(&d).err(), Some(NonCanonicalValue));
    // Truncated anywhere before the last element word ends.
    for n in 0..data.len() {
        assert!(decode(&data[..n]).is_err(), "cut {n}");
    }
}

#[test]
fn contract_allowlist_hostile() {
    let data = encode_contract_allowlist(1, &[a(1), a(2), a(3)]);
    assert_hostile_list(&data, |d| {
        ContractAllowlistInstall::decode(d).map(|x| x.len())
    });
}

// ------------------------------------------------------------ selector-allowlist

fn sample_rules() -> Vec<SelectorRule> {
    vec![
        SelectorRule {
            target: a(1),
            selector: [0xa9, 0x05, 0x9c, 0xbb],
        },
        SelectorRule {
            target: Address::ZERO,
            selector: [0x09, 0x5e, 0xa7, 0xb3],
        },
        SelectorRule {
            target: a(3),
            selector: VALUE_TRANSFER_SELECTOR,
        },
    ]
}

fn alloy_rules(rules: &[SelectorRule]) -> Vec<Rule> {
    rules
        .iter()
        .map(|r| Rule {
            target: r.target,
            selector: FixedBytes::from(r.selector),
        })
        .collect()
}

#[test]
fn selector_allowlist_matches_alloy() {
    assert_eq!(VALUE_TRANSFER_SELECTOR, [0; 4]);
    let all = sample_rules();
    for n in [0usize, 1, 3] {
        let rules = &all[..n];
        let ours = encode_selector_allowlist(u32::MAX, rules);
        let alloy = params(&selectorAllowlistCall {
            entityId: u32::MAX,
            rules: alloy_rules(rules),
        });
        assert_eq!(ours, alloy, "{n}");
        let d = SelectorAllowlistInstall::decode(&alloy).unwrap();
        assert_eq!(d.entity_id, u32::MAX);
        assert_eq!(d.len(), n);
        assert_eq!(d.is_empty(), n == 0);
        assert_eq!(d.rules().collect::<Result<Vec<_>, _>>(), Ok(rules.to_vec()));
    }
}

#[test]
fn selector_allowlist_dirty_fields() {
    let data = encode_selector_allowlist(1, &sample_rules());
    let body = 64 + 32;
    // Rule 1's target, then rule 2's selector padding.
    let mut d = data.clone();
    d[body + 64] = 0x01;
    let items: Vec<_> = SelectorAllowlistInstall::decode(&d)
        .unwrap()
        .rules()
        .collect();
    assert_eq!(items[1], Err(NonCanonicalValue));
    assert!(items[0].is_ok() && items[2].is_ok());
    let mut d = data.clone();
    d[body + 128 + 32 + 31] = 0x01;
    let items: Vec<_> = SelectorAllowlistInstall::decode(&d)
        .unwrap()
        .rules()
        .collect();
    assert_eq!(items[2], Err(NonCanonicalValue));
}

#[test]
fn selector_allowlist_hostile() {
    let data = encode_selector_allowlist(1, &sample_rules());
    assert_hostile_list(&data, |d| {
        SelectorAllowlistInstall::decode(d).map(|x| x.len())
    });
    // 3 rules = 6 words of body: a length of 4 or 5 fits one word per element
    // but not the two each rule needs.
    for len in [4u64, 5, 6] {
        let mut d = data.clone();
        set_word(&mut d, 64, word_u64(len));
        assert_eq!(
            SelectorAllowlistInstall::decode(&d).err(),
            Some(LengthOutOfBounds),
            "{len}"
        );
    }
}

// ------------------------------------------------------------ spending-limit

fn sample_limits() -> Vec<SpendLimit> {
    vec![
        SpendLimit {
            token: NATIVE_TOKEN,
            limit: U256::from(10u64).pow(U256::from(18u64)),
            period: 86_400,
        },
        SpendLimit {
            token: a(0xde),
            limit: U256::MAX,
            period: 0,
        },
        SpendLimit {
            token: a(0xad),
            limit: U256::ZERO,
            period: MAX_U48,
        },
    ]
}

fn alloy_spending(id: u32, limits: &[SpendLimit], gas: GasBudget, sponsors: &[Address]) -> Vec<u8> {
    params(&spendingLimitCall {
        sponsors: sponsors.to_vec(),
        entityId: id,
        limits: limits
            .iter()
            .map(|l| Limit {
                token: l.token,
                limit: l.limit,
                period: u48(l.period),
            })
            .collect(),
        gasBudget: Gas {
            enabled: gas.enabled,
            limit: gas.limit,
        },
    })
}

#[test]
fn spending_limit_matches_alloy() {
    assert_eq!(NATIVE_TOKEN, Address::ZERO);
    let all = sample_limits();
    let gases = [
        GasBudget::default(),
        GasBudget {
            enabled: true,
            limit: U256::from(5u64) * U256::from(10u64).pow(U256::from(16u64)),
        },
        GasBudget {
            enabled: true,
            limit: U256::MAX,
        },
        GasBudget {
            enabled: false,
            limit: U256::from(1u64),
        },
    ];
    for n in [0usize, 1, 3] {
        for gas in gases {
            let limits = &all[..n];
            let sponsors = &[Address::repeat_byte(0x5A), Address::repeat_byte(0x5B)][..n.min(2)];
            let ours = encode_spending_limit(42, limits, gas, sponsors);
            let alloy = alloy_spending(42, limits, gas, sponsors);
            assert_eq!(ours, alloy, "{n} {gas:?}");
            let d = SpendingLimitInstall::decode(&alloy).unwrap();
            assert_eq!(d.entity_id, 42);
            assert_eq!(d.gas, gas);
            assert_eq!(d.len(), n);
            assert_eq!(d.is_empty(), n == 0);
            assert_eq!(
                d.limits().collect::<Result<Vec<_>, _>>(),
                Ok(limits.to_vec())
            );
            assert_eq!(
                d.sponsors().collect::<Result<Vec<_>, _>>(),
                Ok(sponsors.to_vec())
            );
        }
    }
}

#[test]
fn spending_limit_layout_heads() {
    // (uint32, offset, bool, uint256, offset): the gas budget is inline,
    // the sponsors follow the limits.
    let gas = GasBudget {
        enabled: true,
        limit: U256::from(7u64),
    };
    let d = encode_spending_limit(1, &sample_limits(), gas, &[Address::repeat_byte(0x5A)]);
    assert_eq!(get_word(&d, 32), U256::from(5u64 * 32));
    assert_eq!(get_word(&d, 64), U256::from(1u64));
    assert_eq!(get_word(&d, 96), U256::from(7u64));
    assert_eq!(get_word(&d, 128), U256::from(5u64 * 32 + 32 + 3 * 96));
    assert_eq!(get_word(&d, 160), U256::from(3u64));
    assert_eq!(d.len(), 5 * 32 + 32 + 3 * 96 + 32 + 32);
}

#[test]
fn spending_limit_rejects_non_canonical_fields() {
    let gas = GasBudget {
        enabled: true,
        limit: U256::from(7u64),
    };
    let data = encode_spending_limit(1, &sample_limits(), gas, &[]);
    // Gas budget: enabled must be 0 or 1.
    for (pos, word) in [
        (64, word_u64(2)),
        (64, word_u64(0x100)),
        (64, word_u256(U256::from(1u64) << 255)),
    ] {
        let mut d = data.clone();
        set_word(&mut d, pos, word);
        assert_eq!(
            SpendingLimitInstall::decode(&d).err(),
            Some(NonCanonicalValue),
            "{pos}"
        );
    }
    // Element 1's period (body at 160 + 32; element 1 at +96; period at +64).
    let body = 160 + 32;
    let mut d = data.clone();
    set_word(&mut d, body + 96 + 64, word_u64(1 << 48));
    let items: Vec<_> = SpendingLimitInstall::decode(&d).unwrap().limits().collect();
    assert_eq!(items[1], Err(NonCanonicalValue));
    assert!(items[0].is_ok() && items[2].is_ok());
    // Element 2's token.
    let mut d = data.clone();
    d[body + 192] = 0xff;
    let items: Vec<_> = SpendingLimitInstall::decode(&d).unwrap().limits().collect();
    assert_eq!(items[2], Err(NonCanonicalValue));
}

#[test]
fn spending_limit_encoder_does_not_truncate_out_of_range_periods() {
    let bad = SpendLimit {
        token: a(1),
        limit: U256::from(1u64),
        period: 1 << 48,
    };
    let d = encode_spending_limit(1, &[bad], GasBudget::default(), &[]);
    let items: Vec<_> = SpendingLimitInstall::decode(&d).unwrap().limits().collect();
    assert_eq!(items, vec![Err(NonCanonicalValue)]);
}

#[test]
fn spending_limit_hostile() {
    let data = encode_spending_limit(1, &sample_limits(), GasBudget::default(), &[]);
    // The list offset is at head 1, as in the other modules.
    assert_hostile_list(&data, |d| SpendingLimitInstall::decode(d).map(|x| x.len()));
    // 3 limits = 9 words of body: lengths 4..=8 fit one word per element but
    // not three.
    for len in 4u64..=9 {
        let mut d = data.clone();
        set_word(&mut d, 4 * 32, word_u64(len));
        assert_eq!(
            SpendingLimitInstall::decode(&d).err(),
            Some(LengthOutOfBounds),
            "{len}"
        );
    }
}

// ------------------------------------------------------------ properties

fn address() -> impl Strategy<Value = Address> {
    any::<[u8; 20]>().prop_map(Address::from)
}

fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
        Just(U256::MAX),
        Just(U256::ZERO)
    ]
}

fn period() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..=MAX_U48, Just(MAX_U48), Just(0)]
}

proptest! {
    #[test]
    fn time_window_roundtrip(id in any::<u32>(), after in period(), until in period()) {
        let tw = TimeWindowInstall { entity_id: id, valid_after: after, valid_until: until };
        let alloy = params(&timeWindowCall { entityId: id, validAfter: u48(after), validUntil: u48(until) });
        prop_assert_eq!(tw.encode(), alloy.clone());
        prop_assert_eq!(TimeWindowInstall::decode(&alloy), Ok(tw));
    }

    #[test]
    fn contract_allowlist_roundtrip(id in any::<u32>(), targets in prop::collection::vec(address(), 0..12)) {
        let alloy = params(&contractAllowlistCall { entityId: id, targets: targets.clone() });
        prop_assert_eq!(encode_contract_allowlist(id, &targets), alloy.clone());
        let d = ContractAllowlistInstall::decode(&alloy).unwrap();
        prop_assert_eq!(d.entity_id, id);
        prop_assert_eq!(targets_of(&d), Ok(targets));
    }

    #[test]
    fn selector_allowlist_roundtrip(
        id in any::<u32>(),
        rules in prop::collection::vec((address(), any::<[u8; 4]>()), 0..12),
    ) {
        let rules: Vec<SelectorRule> = rules.into_iter().map(|(target, selector)| SelectorRule { target, selector }).collect();
        let alloy = params(&selectorAllowlistCall { entityId: id, rules: alloy_rules(&rules) });
        prop_assert_eq!(encode_selector_allowlist(id, &rules), alloy.clone());
        let d = SelectorAllowlistInstall::decode(&alloy).unwrap();
        prop_assert_eq!(d.entity_id, id);
        prop_assert_eq!(d.rules().collect::<Result<Vec<_>, _>>(), Ok(rules));
    }

    #[test]
    fn spending_limit_roundtrip(
        id in any::<u32>(),
        limits in prop::collection::vec((address(), u256(), period()), 0..8),
        gas in (any::<bool>(), u256()),
    ) {
        let limits: Vec<SpendLimit> = limits.into_iter().map(|(token, limit, period)| SpendLimit { token, limit, period }).collect();
        let gas = GasBudget { enabled: gas.0, limit: gas.1 };
        let sponsors: Vec<Address> = limits.iter().map(|l| l.token).collect();
        let alloy = alloy_spending(id, &limits, gas, &sponsors);
        prop_assert_eq!(encode_spending_limit(id, &limits, gas, &sponsors), alloy.clone());
        let d = SpendingLimitInstall::decode(&alloy).unwrap();
        prop_assert_eq!(d.entity_id, id);
        prop_assert_eq!(d.gas, gas);
        prop_assert_eq!(d.limits().collect::<Result<Vec<_>, _>>(), Ok(limits));
    }

    /// No decoder panics, and every list iterator can be drained, whatever
    /// the bytes.
    #[test]
    fn decoders_never_panic(
        words in prop::collection::vec(prop_oneof![
            (0u64..0x200).prop_map(word_u64),
            any::<[u8; 32]>(),
            Just([0xff; 32]),
        ], 0..16),
        tail in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let data = [words.concat(), tail].concat();
        let _ = decode_entity_id(&data);
        let _ = TimeWindowInstall::decode(&data);
        if let Ok(d) = ContractAllowlistInstall::decode(&data) {
            prop_assert_eq!(d.targets().count(), d.len());
        }
        if let Ok(d) = SelectorAllowlistInstall::decode(&data) {
            prop_assert_eq!(d.rules().count(), d.len());
        }
        if let Ok(d) = SpendingLimitInstall::decode(&data) {
            prop_assert_eq!(d.limits().count(), d.len());
        }
    }
}
