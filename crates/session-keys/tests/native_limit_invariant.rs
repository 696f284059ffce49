//! The native limit as a property of real money: a key granted value
//! transfers to one address under a periodic native limit runs random
//! sequences of self-bundled operations (its own fees, its own period
//! hints, honest or not) across period boundaries, through
//! `EntryPoint.handleOps` on the compiled WASM. Whatever goes through,
//! what leaves the account (balance plus EntryPoint deposit: value sent
//! and gas paid to the bundler) in any one period never exceeds the limit.

use alloy_primitives::{Address, U256};
use proptest::prelude::*;
use session_keys::inspect::{hook_segments, validation_view};
use session_keys::operation::{calls_data, handle_ops, signed_op_with_segments};
use session_keys::{Chain, Gas, Key, LocalChain, PermissionSet, Selector};

mod common;

const ENTITY: u32 = 4;
const DAY: u64 = 86_400;
const GWEI: u128 = session_keys::user_op::GWEI;

fn milli(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(15))
}

/// How an operation names its period to spending-limit.
#[derive(Clone, Copy, Debug)]
enum Hint {
    /// No segment: the recorded period.
    None,
    /// The SDK's: the clock's timestamp.
    Sdk,
    /// A timestamp `k` periods from the clock's period.
    Periods(i64),
}

#[derive(Clone, Debug)]
enum Step {
    Wait(u64),
    /// To the next period boundary, -1, 0 or +1 s.
    ToBoundary(i64),
    /// The key bundles an operation sending `value_milli` mETH, with its
    /// own pre-verification gas and fee.
    Op {
        value_milli: u64,
        pre_verification_gas: u128,
        fee_gwei: u128,
        hint: Hint,
    },
}

fn step_strategy() -> impl Strategy<Value = Step> {
    let hint = prop_oneof![
        Just(Hint::None),
        Just(Hint::Sdk),
        (-1i64..=2).prop_map(Hint::Periods),
    ];
    prop_oneof![
        1 => (0..2 * DAY).prop_map(Step::Wait),
        1 => (-1i64..=1).prop_map(Step::ToBoundary),
        3 => (0u64..12, 0u128..3_000_000, 1u128..4, hint).prop_map(
            |(value_milli, pre_verification_gas, fee_gwei, hint)| Step::Op {
                value_milli,
                pre_verification_gas,
                fee_gwei,
                hint,
            }
        ),
    ]
}

struct World {
    chain: LocalChain,
    key: Key,
    account: Address,
    bob: Address,
    modules: session_keys::Modules,
    hooks: Vec<session_keys::inspect::HookView>,
    anchor: u64,
}

fn held(w: &mut World) -> U256 {
    common::deposit_of(&mut w.chain, w.account) + w.chain.balance(w.account).unwrap()
}

fn world(limit: U256) -> World {
    let mut chain = LocalChain::new();
    let owner = Key::from_seed(0x0a);
    chain.fund(owner.address(), milli(1_000_000));
    let (modules, account, _) = common::account_with_counter(&mut chain, &owner, milli(100));
    chain.fund(account, milli(100));
    let key = Key::from_seed(0x4b);
    chain.fund(key.address(), milli(100));
    let bob = Address::repeat_byte(0xb0);
    let anchor = chain.timestamp().unwrap();
    let set = PermissionSet::new()
        .functions(bob, [Selector::value_transfer()])
        .native_limit(limit, Some(DAY));
    common::grant(&mut chain, &owner, &modules, account, &set, ENTITY, &key);
    let hooks = validation_view(&mut chain, &modules, account, ENTITY)
        .unwrap()
        .unwrap()
        .hooks;
    World {
        chain,
        key,
        account,
        bob,
        modules,
        hooks,
        anchor,
    }
}

fn run(limit: U256, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut w = world(limit);
    let mut moved: std::collections::BTreeMap<u64, U256> = Default::default();
    for step in steps {
        let now = w.chain.timestamp().unwrap();
        match step {
            Step::Wait(dt) => w.chain.advance_time(*dt).unwrap(),
            Step::ToBoundary(offset) => {
                let next = w.anchor + ((now - w.anchor) / DAY + 1) * DAY;
                let to = next.checked_add_signed(*offset).unwrap().max(now);
                w.chain.advance_time(to - now).unwrap();
            }
            Step::Op {
                value_milli,
                pre_verification_gas,
                fee_gwei,
                hint,
            } => {
                let sdk =
                    hook_segments(&mut w.chain, &w.modules, w.account, &w.hooks, now).unwrap();
                let segments: Vec<(u8, Vec<u8>)> = match hint {
                    Hint::None => vec![],
                    Hint::Sdk => sdk,
                    Hint::Periods(k) => {
                        let period = ((now - w.anchor) / DAY).checked_add_signed(*k).unwrap_or(0);
                        let timestamp = w.anchor + period * DAY + 1;
                        sdk.into_iter()
                            .map(|(i, _)| (i, U256::from(timestamp).to_be_bytes::<32>().to_vec()))
                            .collect()
                    }
                };
                let segments: Vec<(u8, &[u8])> =
                    segments.iter().map(|(i, b)| (*i, &b[..])).collect();
                let gas = Gas {
                    pre_verification_gas: *pre_verification_gas,
                    max_fee_per_gas: fee_gwei * GWEI,
                    max_priority_fee_per_gas: fee_gwei * GWEI,
                    ..Gas::default()
                };
                let calls = [(w.bob, milli(*value_milli), vec![])];
                let key = w.key.clone();
                let op = signed_op_with_segments(
                    &mut w.chain,
                    w.account,
                    (ENTITY, false),
                    calls_data(&calls, true),
                    &key,
                    gas,
                    &segments,
                )
                .unwrap();
                let before = held(&mut w);
                // The key bundles it and is paid the fees.
                handle_ops(&mut w.chain, &key, op).unwrap();
                let after = held(&mut w);
                prop_assert!(after <= before, "the account gained from its own key");
                *moved.entry((now - w.anchor) / DAY).or_default() += before - after;
            }
        }
        for (period, amount) in &moved {
            prop_assert!(
                *amount <= limit,
                "{amount} wei left the account in period {period}, over the limit {limit}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn what_leaves_the_account_per_period_never_exceeds_the_native_limit(
        limit_milli in 5u64..40,
        steps in prop::collection::vec(step_strategy(), 1..14),
    ) {
        if !common::built("what_leaves_the_account_per_period_never_exceeds_the_native_limit") {
            return Ok(());
        }
        run(milli(limit_milli), &steps)?;
    }
}
