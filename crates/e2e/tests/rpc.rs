//! The end-to-end scenarios (`session_keys::demo`, the same code the
//! embedded-chain tests and `session-keys demo` run) against a JSON-RPC
//! endpoint: a Nitro devnode (`scripts/devnode.sh test`), the embedded chain
//! served by `session-keys node`, or a testnet.
//!
//! Runs when `STYLUS_RPC_URL` is set, with the key in
//! `SESSION_KEYS_PRIVATE_KEY` (funded; it deploys what is missing, creates
//! an account and pays for every step). Otherwise it says it was skipped.
//! Steps that move the clock are skipped on a node that cannot.

use session_keys::chain::{Chain, RpcChain};
use session_keys::demo::{run, Verdict};
use session_keys::Key;

#[test]
fn the_scenarios_run_against_the_rpc_endpoint() {
    let Ok(url) = std::env::var("STYLUS_RPC_URL") else {
        eprintln!(
            "\n**************** SKIPPED ****************\n\
             the_scenarios_run_against_the_rpc_endpoint: STYLUS_RPC_URL is not set.\n\
             Run it against a node: scripts/devnode.sh test (Docker), or\n\
             `session-keys node` and STYLUS_RPC_URL=http://127.0.0.1:8547 \
             SESSION_KEYS_PRIVATE_KEY=<the node's dev key>.\n"
        );
        return;
    };
    let secret = std::env::var("SESSION_KEYS_PRIVATE_KEY")
        .expect("SESSION_KEYS_PRIVATE_KEY: the funded key that runs the scenarios");
    let owner = Key::try_from_bytes(secret.trim().parse().expect("a 0x-hex private key"))
        .expect("a valid secp256k1 key");
    let mut chain = RpcChain::connect(&url).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "running the scenarios on {} (chain {})",
        url,
        chain.chain_id().unwrap()
    );
    let report = run(&mut chain, &owner, &mut ()).unwrap_or_else(|e| panic!("setup: {e}"));
    println!("{}", report.table());
    assert!(report.all_as_expected(), "{}", report.table());
    let skipped = report
        .steps
        .iter()
        .filter(|s| s.verdict == Verdict::Skipped)
        .count();
    assert!(
        skipped == 0 || skipped == 2,
        "only the two clock steps may be skipped"
    );
}
