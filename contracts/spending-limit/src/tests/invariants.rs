// The spending limit's invariant, as a property over random sequences of
// operations across period boundaries: whatever the module lets through,
// what a key moves in any one period never exceeds that period's limit,
// for native value plus gas and for each token, and the gas it is charged
// never exceeds its budget. Included next to `cases.rs` and `attacks.rs`
// (whose helpers it uses) and run on the native TestVM and on the
// compiled WASM, with `INVARIANT_CASES` sequences each.

use std::collections::HashMap;

const TOKEN_B: Address = Address::new([0x72; 20]);

/// One spend inside an account call.
#[derive(Clone, Debug)]
enum Spend {
    Native(u64),
    Transfer(bool, u64),
    Approve(bool, u64),
    IncreaseAllowance(bool, u64),
    /// A transfer with native value riding on it.
    TransferWithValue(bool, u64, u64),
}

/// One step of a key's activity.
#[derive(Clone, Debug)]
enum Step {
    /// The clock moves forward.
    Wait(u64),
    /// The clock jumps next to the next period boundary (-1, 0 or +1 s).
    ToBoundary(i64),
    /// A validation charging `gas * fee`, hinted `Some(k)` periods from the
    /// clock's (`None`: no hint).
    Validate { gas: u64, fee: u64, hint: Option<i64> },
    /// An account call with these spends, on the runtime or user-op path.
    Execute { spends: Vec<Spend>, via_user_op: bool },
}

fn spend_strategy() -> impl Strategy<Value = Spend> {
    let amount = 0u64..1_500;
    prop_oneof![
        amount.clone().prop_map(Spend::Native),
        (any::<bool>(), amount.clone()).prop_map(|(b, a)| Spend::Transfer(b, a)),
        (any::<bool>(), amount.clone()).prop_map(|(b, a)| Spend::Approve(b, a)),
        (any::<bool>(), amount.clone()).prop_map(|(b, a)| Spend::IncreaseAllowance(b, a)),
        (any::<bool>(), amount.clone(), amount).prop_map(|(b, a, v)| Spend::TransferWithValue(b, a, v)),
    ]
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u64..2 * DAY).prop_map(Step::Wait),
        (-1i64..=1).prop_map(Step::ToBoundary),
        (0u64..2_000, 0u64..4, prop::option::of(-1i64..=2))
            .prop_map(|(gas, fee, hint)| Step::Validate { gas, fee, hint }),
        (prop::collection::vec(spend_strategy(), 1..4), any::<bool>())
            .prop_map(|(spends, via_user_op)| Step::Execute { spends, via_user_op }),
    ]
}

/// What was let through, per token and period index.
#[derive(Default)]
struct Moved {
    per_period: HashMap<(Address, u64), U256>,
    gas: U256,
}

impl Moved {
    fn add(&mut self, token: Address, period: u64, amount: u64) {
        *self.per_period.entry((token, period)).or_default() += U256::from(amount);
    }
}

struct Model {
    native_limit: u64,
    native_period: u64,
    token_a_limit: u64,
    token_b_limit: u64,
    gas_budget: Option<u64>,
}

impl Model {
    fn limits(&self) -> Vec<SpendLimit> {
        vec![
            SpendLimit {
                token: NATIVE_TOKEN,
                limit: U256::from(self.native_limit),
                period: self.native_period,
            },
            SpendLimit {
                token: TOKEN,
                limit: U256::from(self.token_a_limit),
                period: DAY,
            },
            SpendLimit {
                token: TOKEN_B,
                limit: U256::from(self.token_b_limit),
                period: 0,
            },
        ]
    }

    /// The period index of `timestamp` for `token`'s limit.
    fn period_of(&self, token: Address, timestamp: u64) -> u64 {
        let period = match token {
            NATIVE_TOKEN => self.native_period,
            TOKEN => DAY,
            _ => 0,
        };
        (timestamp - START).checked_div(period).unwrap_or(0)
    }

    fn limit_of(&self, token: Address) -> U256 {
        U256::from(match token {
            NATIVE_TOKEN => self.native_limit,
            TOKEN => self.token_a_limit,
            _ => self.token_b_limit,
        })
    }
}

fn token_of(first: bool) -> Address {
    if first {
        TOKEN
    } else {
        TOKEN_B
    }
}

/// One call of a batch: `(target, value, data)`.
type BatchCall = (Address, U256, Vec<u8>);

/// The call of one spend, and what it moves of each token.
fn spend_call(spend: &Spend) -> (BatchCall, Vec<(Address, u64)>) {
    let erc20 = |first: bool, data: Vec<u8>| (token_of(first), U256::ZERO, data);
    match *spend {
        Spend::Native(value) => (
            (MERCHANT, U256::from(value), vec![]),
            vec![(NATIVE_TOKEN, value)],
        ),
        Spend::Transfer(first, amount) => (erc20(first, transfer_data(amount)), vec![(token_of(first), amount)]),
        Spend::Approve(first, amount) => (
            erc20(
                first,
                IERC20Spend::approveCall {
                    spender: MERCHANT,
                    amount: U256::from(amount),
                }
                .abi_encode(),
            ),
            vec![(token_of(first), amount)],
        ),
        Spend::IncreaseAllowance(first, amount) => (
            erc20(
                first,
                IERC20Spend::increaseAllowanceCall {
                    spender: MERCHANT,
                    added: U256::from(amount),
                }
                .abi_encode(),
            ),
            vec![(token_of(first), amount)],
        ),
        Spend::TransferWithValue(first, amount, value) => (
            (token_of(first), U256::from(value), transfer_data(amount)),
            vec![(token_of(first), amount), (NATIVE_TOKEN, value)],
        ),
    }
}

fn run_sequence(model: &Model, steps: &[Step]) -> Result<(), TestCaseError> {
    let budget = match model.gas_budget {
        Some(limit) => GasBudget {
            enabled: true,
            limit: U256::from(limit),
        },
        None => GasBudget::default(),
    };
    let h = installed_with(&model.limits(), budget);
    let mut now = START;
    let mut moved = Moved::default();
    for step in steps {
        match step {
            Step::Wait(dt) => now += dt,
            Step::ToBoundary(offset) => {
                let next = START + ((now - START) / DAY + 1) * DAY;
                now = next.checked_add_signed(*offset).unwrap().max(now);
            }
            Step::Validate { gas, fee, hint } => {
                let mut op = gas_op(u128::from(*gas), 0, 0, u128::from(*fee));
                if let Some(k) = hint {
                    let clock_period = (now - START) / DAY;
                    let period = clock_period.checked_add_signed(*k).unwrap_or(0);
                    op = hinted(op, START + period * DAY + 1);
                }
                if let Ok(out) = h.call(ACCOUNT, &pre_user_op(ENTITY, op)) {
                    let data = permission_core::ValidationData::unpack(
                        IValidationHookModule::preUserOpValidationHookCall::abi_decode_returns(&out).unwrap(),
                    );
                    // The operation may run only inside the returned bounds:
                    // its prefund counts in that period.
                    let period = model.period_of(NATIVE_TOKEN, data.valid_after.max(START));
                    moved.add(NATIVE_TOKEN, period, gas * fee);
                    moved.gas += U256::from(gas * fee);
                }
            }
            Step::Execute { spends, via_user_op } => {
                h.set_timestamp(now);
                let (calls, amounts): (Vec<_>, Vec<_>) = spends.iter().map(spend_call).unzip();
                let call = execute_batch(calls);
                let path = if *via_user_op {
                    HookPath::ExecutionUserOp
                } else {
                    HookPath::Execution
                };
                if path.call(&h, ACCOUNT, ENTITY, call).is_ok() {
                    for (token, amount) in amounts.into_iter().flatten() {
                        moved.add(token, model.period_of(token, now), amount);
                    }
                }
            }
        }
        for ((token, period), amount) in &moved.per_period {
            prop_assert!(
                *amount <= model.limit_of(*token),
                "{token} moved {amount} in period {period}, over its limit {}",
                model.limit_of(*token)
            );
        }
        if let Some(limit) = model.gas_budget {
            prop_assert!(moved.gas <= U256::from(limit), "gas {} over budget {limit}", moved.gas);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(INVARIANT_CASES))]

    #[test]
    fn what_a_key_moves_never_exceeds_its_limits(
        native_limit in 0u64..5_000,
        native_periodic in any::<bool>(),
        token_a_limit in 0u64..3_000,
        token_b_limit in 0u64..3_000,
        gas_budget in prop::option::of(0u64..6_000),
        steps in prop::collection::vec(step_strategy(), 1..40),
    ) {
        let model = Model {
            native_limit,
            native_period: if native_periodic { DAY } else { 0 },
            token_a_limit,
            token_b_limit,
            gas_budget,
        };
        run_sequence(&model, &steps)?;
    }
}
