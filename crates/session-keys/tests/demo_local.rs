//! The demo's scenarios on the embedded local chain: every step does what
//! it must, with the exact refusal reasons, and the figures are repeatable.

use alloy_primitives::U256;
use session_keys::demo::{run, Verdict};
use session_keys::{Key, LocalChain};

mod common;

fn demo() -> Option<session_keys::demo::Report> {
    if !common::built("demo") || !common::token_fixture("demo") {
        return None;
    }
    let mut chain = LocalChain::new();
    let owner = Key::from_seed(0x0a);
    chain.fund(owner.address(), U256::from(10u64).pow(U256::from(20)));
    Some(run(&mut chain, &owner, &mut ()).expect("the demo's setup"))
}

#[test]
fn every_step_does_what_it_must() {
    let Some(report) = demo() else { return };
    println!("{}", report.table());
    assert!(report.all_as_expected(), "{}", report.table());
    let verdicts: Vec<Verdict> = report.steps.iter().map(|s| s.verdict).collect();
    use Verdict::*;
    assert_eq!(
        verdicts,
        vec![
            Allowed,             // grant
            Allowed,             // increment
            Allowed,             // transfer 60
            RefusedInValidation, // transfer 50: limit, charged in validation
            RefusedInValidation, // approve
            RefusedInValidation, // batch
            RefusedInValidation, // ETH
            RefusedInValidation, // self-bundled fee drain
            RefusedInValidation, // installValidation
            RefusedInValidation, // execute(account, ...)
            RefusedInValidation, // stranger
            Allowed,             // a day later
            Allowed,             // the day's 2nd operation
            Allowed,             // 3rd
            Allowed,             // and 4th
            RefusedInValidation, // a 5th: over the usage limit
            RefusedInValidation, // expired
            Allowed,             // revoke
            RefusedInValidation, // after revocation
            Allowed,             // bob's balance
        ]
    );
    let reason = |i: usize| report.steps[i].reason.as_str();
    assert_eq!(
        reason(3),
        "AA23 reverted: session-policy: SpendLimitExceeded(token: token, requested: 50000000000000000000, remaining: 40000000000000000000)"
    );
    assert!(reason(4).starts_with("AA23 reverted: session-policy: SelectorNotAllowed"));
    assert!(
        reason(7).contains(
            "session-policy: SpendLimitExceeded(token: 0x0000000000000000000000000000000000000000"
        ),
        "{}",
        reason(7)
    );
    assert!(reason(10).starts_with("AA24"), "{}", reason(10));
    assert_eq!(
        reason(15),
        "AA23 reverted: session-rules: UsageLimitExceeded(used: 4, limit: 4)"
    );
    assert!(reason(16).starts_with("AA22 expired"), "{}", reason(16));
}

#[test]
fn the_figures_are_repeatable() {
    let (Some(a), Some(b)) = (demo(), demo()) else {
        return;
    };
    let gas =
        |r: &session_keys::demo::Report| r.steps.iter().map(|s| s.gas_used).collect::<Vec<_>>();
    assert_eq!(gas(&a), gas(&b));
    assert_eq!(a.account, b.account);
}
