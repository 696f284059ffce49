//! ERC-4337 validation data: packing against the bit layout written out by
//! hand, and intersection against MAv2's `_coalesceValidation` semantics.

use alloy_primitives::U256;
use permission_core::validation_data::MAX_U48;
use permission_core::ValidationData;
use proptest::prelude::*;

/// The layout built byte by byte (big-endian): validAfter in bytes 0..6,
/// validUntil in 6..12, the authorizer in 12..32.
fn manual_pack(authorizer: [u8; 20], valid_until: u64, valid_after: u64) -> U256 {
    assert!(valid_until <= MAX_U48 && valid_after <= MAX_U48);
    let mut w = [0u8; 32];
    w[0..6].copy_from_slice(&valid_after.to_be_bytes()[2..]);
    w[6..12].copy_from_slice(&valid_until.to_be_bytes()[2..]);
    w[12..].copy_from_slice(&authorizer);
    U256::from_be_bytes(w)
}

fn authorizer_u256(a: [u8; 20]) -> U256 {
    U256::from_be_slice(&a)
}

#[test]
fn max_u48() {
    assert_eq!(MAX_U48, 0xffff_ffff_ffff);
    assert_eq!(MAX_U48, (1u64 << 48) - 1);
}

#[test]
fn pack_known_vectors() {
    // validUntil = 0x0102..06 in bits 160..208, validAfter = 0x0a0b..0f above.
    let vd = ValidationData {
        authorizer: U256::from(1u64),
        valid_until: 0x0102_0304_0506,
        valid_after: 0x0a0b_0c0d_0e0f,
    };
    let expected = U256::from_str_radix(
        "0a0b0c0d0e0f0102030405060000000000000000000000000000000000000001",
        16,
    )
    .unwrap();
    assert_eq!(vd.pack(), expected);
    assert_eq!(ValidationData::unpack(expected), vd);

    assert_eq!(ValidationData::default().pack(), U256::ZERO);
    assert_eq!(
        ValidationData {
            authorizer: U256::ZERO,
            valid_until: 1,
            valid_after: 0
        }
        .pack(),
        U256::from(1u64) << 160
    );
    assert_eq!(
        ValidationData {
            authorizer: U256::ZERO,
            valid_until: 0,
            valid_after: 1
        }
        .pack(),
        U256::from(1u64) << 208
    );
    assert_eq!(
        ValidationData {
            authorizer: U256::ZERO,
            valid_until: MAX_U48,
            valid_after: MAX_U48
        }
        .pack(),
        U256::MAX << 160
    );
}

#[test]
fn window_constructor() {
    let w = ValidationData::window(100, 200);
    assert_eq!(w.authorizer, U256::ZERO);
    assert_eq!(w.valid_after, 100);
    assert_eq!(w.valid_until, 200);
    assert_eq!(w.pack(), manual_pack([0; 20], 200, 100));
}

#[test]
fn pack_keeps_fields_apart_when_out_of_range() {
    // An authorizer wider than 160 bits does not leak into the timestamps.
    let vd = ValidationData {
        authorizer: U256::MAX,
        valid_until: 0,
        valid_after: 0,
    };
    assert_eq!(vd.pack(), manual_pack([0xff; 20], 0, 0));
    // Timestamps wider than 48 bits are truncated, not carried upwards.
    let vd = ValidationData {
        authorizer: U256::ZERO,
        valid_until: u64::MAX,
        valid_after: 0,
    };
    assert_eq!(vd.pack(), manual_pack([0; 20], MAX_U48, 0));
    let vd = ValidationData {
        authorizer: U256::ZERO,
        valid_until: (1 << 48) + 5,
        valid_after: (1 << 50) | 7,
    };
    assert_eq!(vd.pack(), manual_pack([0; 20], 5, 7));
}

#[test]
fn intersect_examples() {
    let w = ValidationData::window;
    let i = |a: ValidationData, b: ValidationData| a.intersect(&b);
    // 0 = no expiry counts as the maximum.
    assert_eq!(i(w(0, 0), w(0, 10)).valid_until, 10);
    assert_eq!(i(w(0, 10), w(0, 0)).valid_until, 10);
    assert_eq!(i(w(0, 10), w(0, 20)).valid_until, 10);
    assert_eq!(i(w(0, 20), w(0, 10)).valid_until, 10);
    assert_eq!(i(w(0, 0), w(0, 0)).valid_until, 0);
    assert_eq!(i(w(0, MAX_U48), w(0, 0)).valid_until, MAX_U48);
    // The later validAfter.
    assert_eq!(i(w(5, 0), w(7, 0)).valid_after, 7);
    assert_eq!(i(w(7, 0), w(5, 0)).valid_after, 7);
    assert_eq!(i(w(0, 0), w(0, 0)).valid_after, 0);
    // Authorizers OR-ed: one failure fails the whole.
    let fail = ValidationData {
        authorizer: U256::from(1u64),
        valid_until: 0,
        valid_after: 0,
    };
    assert_eq!(i(fail, w(0, 0)).authorizer, U256::from(1u64));
    assert_eq!(i(w(0, 0), fail).authorizer, U256::from(1u64));
    assert_eq!(i(fail, fail).authorizer, U256::from(1u64));
    assert_eq!(i(w(3, 4), w(1, 9)).authorizer, U256::ZERO);
    // A combination of all three.
    assert_eq!(
        i(
            ValidationData {
                authorizer: U256::ZERO,
                valid_until: 1000,
                valid_after: 10
            },
            ValidationData {
                authorizer: U256::from(1u64),
                valid_until: 0,
                valid_after: 20
            }
        ),
        ValidationData {
            authorizer: U256::from(1u64),
            valid_until: 1000,
            valid_after: 20
        }
    );
}

/// MAv2's `_coalesceValidation`, transcribed on packed words: validUntil 0
/// becomes `type(uint48).max`, the smaller validUntil and the larger
/// validAfter win, and the authorizers are OR-ed.
fn mav2_coalesce(a: U256, b: U256) -> U256 {
    let mask48 = U256::from(MAX_U48);
    let until = |x: U256| {
        let u: U256 = (x >> 160usize) & mask48;
        if u.is_zero() {
            mask48
        } else {
            u
        }
    };
    let after = |x: U256| (x >> 208usize) & mask48;
    let auth = |x: U256| x & ((U256::from(1u64) << 160usize) - U256::from(1u64));
    (until(a).min(until(b)) << 160usize) | (after(a).max(after(b)) << 208usize) | auth(a) | auth(b)
}

fn effective_until(v: u64) -> u64 {
    if v == 0 {
        MAX_U48
    } else {
        v
    }
}

fn valid_at(v: &ValidationData, t: u64) -> bool {
    v.valid_after <= t && t <= effective_until(v.valid_until)
}

fn u48() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), Just(MAX_U48), 0u64..1000, 0u64..=MAX_U48,]
}

fn authorizer() -> impl Strategy<Value = [u8; 20]> {
    prop_oneof![
        Just([0u8; 20]),
        Just({
            let mut a = [0u8; 20];
            a[19] = 1;
            a
        }),
        any::<[u8; 20]>(),
    ]
}

fn validation_data() -> impl Strategy<Value = ValidationData> {
    (authorizer(), u48(), u48()).prop_map(|(a, until, after)| ValidationData {
        authorizer: authorizer_u256(a),
        valid_until: until,
        valid_after: after,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn pack_matches_manual_layout(a in authorizer(), until in u48(), after in u48()) {
        let vd = ValidationData { authorizer: authorizer_u256(a), valid_until: until, valid_after: after };
        let packed = manual_pack(a, until, after);
        prop_assert_eq!(vd.pack(), packed);
        prop_assert_eq!(ValidationData::unpack(packed), vd);
    }

    #[test]
    fn unpack_pack_roundtrips_every_word(w in any::<[u8; 32]>()) {
        let packed = U256::from_be_bytes(w);
        let vd = ValidationData::unpack(packed);
        prop_assert!(vd.valid_until <= MAX_U48 && vd.valid_after <= MAX_U48);
        prop_assert!(vd.authorizer < (U256::from(1u64) << 160));
        prop_assert_eq!(vd.pack(), packed);
    }

    #[test]
    fn intersect_matches_mav2(a in validation_data(), b in validation_data()) {
        let ours = a.intersect(&b);
        let theirs = ValidationData::unpack(mav2_coalesce(a.pack(), b.pack()));
        prop_assert_eq!(ours.authorizer, theirs.authorizer);
        prop_assert_eq!(ours.valid_after, theirs.valid_after);
        // MAv2 writes "no expiry" as uint48 max; we keep 0. Same meaning.
        prop_assert_eq!(effective_until(ours.valid_until), effective_until(theirs.valid_until));
        // And 0 only when both had no expiry.
        prop_assert_eq!(ours.valid_until == 0, a.valid_until == 0 && b.valid_until == 0);
    }

    #[test]
    fn intersect_is_valid_exactly_when_both_are(
        a in validation_data(),
        b in validation_data(),
        t in prop_oneof![u48(), Just(1u64), Just(MAX_U48 - 1)],
    ) {
        let c = a.intersect(&b);
        prop_assert_eq!(valid_at(&c, t), valid_at(&a, t) && valid_at(&b, t));
        prop_assert_eq!(c.authorizer.is_zero(), a.authorizer.is_zero() && b.authorizer.is_zero());
    }

    #[test]
    fn intersect_algebra(a in validation_data(), b in validation_data(), c in validation_data()) {
        prop_assert_eq!(a.intersect(&b), b.intersect(&a));
        prop_assert_eq!(a.intersect(&b).intersect(&c), a.intersect(&b.intersect(&c)));
        prop_assert_eq!(a.intersect(&a), a);
        prop_assert_eq!(a.intersect(&ValidationData::default()), a);
    }
}
