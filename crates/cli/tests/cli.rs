//! Every subcommand of the `session-keys` binary, run as a user runs it,
//! against the embedded local chain served over JSON-RPC (`localnet-rpc`),
//! including bad input: each must say what was wrong and exit non-zero.
//!
//! Needs the built contracts and EntryPoint v0.7 (`scripts/build-contracts.sh`,
//! `scripts/fetch-entrypoint.sh`, `scripts/fetch-solidity-fixtures.sh`);
//! without them each test prints SKIPPED (and fails when `CI` is set).

use std::path::Path;
use std::process::{Command, Output};

use alloy_primitives::{hex, Address, U256};
use alloy_sol_types::SolCall;
use localnet_rpc::{LocalnetRpc, NodeConfig, RunningNode, DEV_PRIVATE_KEY};
use serde_json::Value;
use session_keys::abi::ICounter;
use session_keys::account::create_account;
use session_keys::chain::{Chain, RpcChain, TxRequest};
use session_keys::{counter, Key, Modules};

fn built(test: &str) -> bool {
    let missing: Vec<String> = session_keys::deploy::stale_contracts()
        .into_iter()
        .chain(
            [
                localnet::entry_point::entry_point_init_code_path(),
                session_keys::token::token_fixture_path(),
            ]
            .into_iter()
            .filter(|p| !p.is_file())
            .map(|p| format!("{} is missing", p.display())),
        )
        .collect();
    if missing.is_empty() {
        return true;
    }
    let message =
        format!("{test}: {missing:?} (run scripts/build-contracts.sh and the fetch scripts)");
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("\n**************** SKIPPED ****************\n{message}\n");
    false
}

/// A node with EntryPoint v0.7 and a scratch directory to run in.
struct World {
    node: RunningNode,
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let node = LocalnetRpc::start(NodeConfig::default().entry_point(true)).expect("a node");
        Self {
            node,
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    fn url(&self) -> String {
        self.node.url()
    }

    /// Runs the binary in the scratch directory with the dev key.
    fn run(&self, args: &[&str]) -> Output {
        run_in(self.dir.path(), args, Some(DEV_PRIVATE_KEY))
    }

    /// [`World::run`] with the arguments split on whitespace.
    fn cli(&self, line: String) -> Output {
        self.run(&line.split_whitespace().collect::<Vec<_>>())
    }

    /// Deploys, then a fresh reference account owned by the dev key, and a
    /// Counter; returns (account, counter, modules).
    fn account(&self) -> (Address, Address, Modules) {
        let out = self.run(&["--json", "deploy", "--rpc", &self.url()]);
        assert_success(&out);
        let deployment: session_keys::deploy::Deployment =
            serde_json::from_slice(&out.stdout).expect("deployment JSON");
        let modules = deployment.modules().expect("modules");
        let owner = Key::from_bytes(DEV_PRIVATE_KEY);
        let mut chain = RpcChain::connect(&self.url()).expect("connect");
        let account = create_account(&mut chain, &owner, &modules, U256::ZERO)
            .expect("an account")
            .address;
        let counter = chain
            .send(&owner, TxRequest::create(counter::init_code()))
            .unwrap()
            .contract_address
            .unwrap();
        (account, counter, modules)
    }
}

fn run_in(dir: &Path, args: &[&str], key: Option<alloy_primitives::B256>) -> Output {
    let mut command = command_in(dir, args);
    if let Some(key) = key {
        command.env("SESSION_KEYS_PRIVATE_KEY", format!("{key}"));
    }
    command.output().expect("the binary runs")
}

/// The binary with `args`, run in `dir`, with none of the environment
/// that would point it at a key or a chain.
fn command_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_session-keys"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SESSION_KEYS_PRIVATE_KEY")
        .env_remove("STYLUS_RPC_URL")
        .env_remove("SESSION_KEYS_KEYSTORE_PASSWORD");
    command
}

/// Runs the binary with its stdout a pipe whose reader is already closed
/// (`session-keys … | head -0`): every write to stdout fails with EPIPE.
fn run_with_closed_stdout(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    command_in(dir, args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the binary runs")
}

/// A reader that closed the pipe ends the command normally: exit 0, and
/// nothing on stderr (no panic).
#[track_caller]
fn assert_closed_stdout_is_a_normal_end(dir: &Path, args: &[&str]) {
    let out = run_with_closed_stdout(dir, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?} with a closed stdout: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{args:?} wrote to stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[track_caller]
fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}:\n{}",
        out.status.code(),
        text(out)
    );
}

#[track_caller]
fn assert_fails(out: &Output, code: i32, needle: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", text(out));
    assert!(
        text(out).contains(needle),
        "expected `{needle}` in:\n{}",
        text(out)
    );
    let key = format!("{}", DEV_PRIVATE_KEY);
    assert!(
        !text(out).contains(&key[2..]),
        "the key must never be echoed"
    );
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

#[test]
fn demo_on_the_embedded_chain_does_every_step() {
    if !built("demo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["demo", "--no-build"], None);
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        stdout.contains("20 of 20 steps did what they must"),
        "{stdout}"
    );
    assert!(stdout.contains("SpendLimitExceeded"));
    assert!(stdout.contains("session-rules: UsageLimitExceeded(used: 4, limit: 4)"));
    assert!(stdout.contains("AA22 expired"));

    let out = run_in(
        dir.path(),
        &["--json", "demo", "--no-build", "--cached"],
        None,
    );
    assert_success(&out);
    let report = json(&out);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 20);
    assert!(steps.iter().all(|s| s["asExpected"] == true));
    assert_eq!(report["enforcement"], "policy");
    assert_eq!(steps[3]["verdict"], "refused-in-validation");

    // The same steps with one hook per module: the over-limit transfer now
    // reverts in spending-limit's execution hook; the rest end the same way.
    let out = run_in(
        dir.path(),
        &["--json", "demo", "--no-build", "--modules"],
        None,
    );
    assert_success(&out);
    let modules = json(&out);
    assert_eq!(modules["enforcement"], "modules");
    let module_steps = modules["steps"].as_array().unwrap();
    assert_eq!(module_steps.len(), 20);
    assert!(
        module_steps.iter().all(|s| s["asExpected"] == true),
        "{modules:#}"
    );
    assert_eq!(module_steps[3]["verdict"], "reverted-in-execution");
    assert!(module_steps[3]["reason"]
        .as_str()
        .unwrap()
        .contains("SpendLimitExceeded"));
    for (i, (policy, granular)) in steps.iter().zip(module_steps).enumerate() {
        if i != 3 {
            assert_eq!(
                policy["verdict"], granular["verdict"],
                "{}",
                policy["action"]
            );
        }
    }

    // At ArbOS 60 the account's second entry in an operation (executeUserOp
    // after validateUserOp) is charged as cached: the same steps, cheaper.
    let gas_at = |arbos: &str| {
        let out = run_in(
            dir.path(),
            &["--json", "demo", "--no-build", "--arbos", arbos],
            None,
        );
        assert_success(&out);
        let report = json(&out);
        let steps = report["steps"].as_array().unwrap().clone();
        assert!(steps.iter().all(|s| s["asExpected"] == true), "{report:#}");
        steps[1]["gasUsed"].as_u64().unwrap()
    };
    assert!(gas_at("60") < gas_at("51"));
}

#[test]
fn demo_over_json_rpc_moves_the_nodes_clock() {
    if !built("demo_rpc") {
        return;
    }
    let world = World::new();
    let out = world.run(&["--json", "demo", "--no-build", "--rpc", &world.url()]);
    assert_success(&out);
    let report = json(&out);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 20);
    assert!(steps.iter().all(|s| s["verdict"] != "skipped"));
    assert!(steps.iter().all(|s| s["asExpected"] == true), "{report:#}");
}

#[test]
fn deploy_records_and_then_skips() {
    if !built("deploy") {
        return;
    }
    let world = World::new();
    let out = world.run(&["deploy", "--rpc", &world.url()]);
    assert_success(&out);
    assert!(text(&out).contains("deployed"));
    let record = world.dir.path().join("deployments/412346.json");
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(first["chainId"], 412346);
    // The ten modules, the reference account and the EntryPoint.
    assert_eq!(first["contracts"].as_array().unwrap().len(), 12);
    let out = world.run(&["--json", "deploy", "--rpc", &world.url()]);
    assert_success(&out);
    let second = json(&out);
    for (a, b) in first["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(second["contracts"].as_array().unwrap())
    {
        assert_eq!(a["address"], b["address"]);
        assert_eq!(b["action"], "skipped");
    }
}

#[test]
fn grant_inspect_revoke_on_a_node() {
    if !built("grant") {
        return;
    }
    let world = World::new();
    let url = world.url();
    let (account, counter, _) = world.account();
    let on = format!("--rpc {url} --account {account}");
    let key = "0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
    let allow = format!("--allow {counter}:increment()");

    // Printed, not sent: nothing changes.
    let out = world.cli(format!(
        "--json grant {on} --key {key} {allow} --expires-in 3600 --native-limit 100000000000000000"
    ));
    assert_success(&out);
    let printed = json(&out);
    assert_eq!(printed["entityId"], 1);
    assert!(printed["sent"].is_null());
    let calldata = hex::decode(printed["installValidation"].as_str().unwrap()).unwrap();
    assert_eq!(
        &calldata[..4],
        &session_keys::abi::IReferenceAccount::installValidationCall::SELECTOR
    );

    // Sent, with a generated key whose secret goes only to the file.
    let key_file = world.dir.path().join("session.key");
    let out = world.cli(format!(
        "--json grant {on} --new-key --key-out {} {allow} --expires-in 3600 --native-limit 100000000000000000 \
         --erc20-limit {counter}:1000/86400 --send",
        key_file.display()
    ));
    assert_success(&out);
    let granted = json(&out);
    assert_eq!(granted["entityId"], 1);
    assert!(granted["sent"]["gasUsed"].as_u64().unwrap() > 0);
    let secret = std::fs::read_to_string(&key_file).unwrap();
    let session = Key::from_bytes(secret.trim().parse().unwrap());
    assert_eq!(address_of(&granted["sessionKey"]), session.address());
    assert!(!text(&out).contains(secret.trim()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The entity id is now taken.
    let out = world.cli(format!(
        "grant {on} --entity-id 1 --key {key} {allow} --gas-budget 1000"
    ));
    assert_fails(&out, 2, "entity id 1 is already used");

    // A second key from a permission file, at the next free id.
    let file = world.dir.path().join("perms.toml");
    let count = hex::encode_prefixed(ICounter::countCall::SELECTOR);
    std::fs::write(
        &file,
        format!(
            "hooks = \"execution\"\ngas-budget = \"100000000000000000\"\n[window]\nexpires-in = 600\n[[functions]]\n\
             target = \"{counter}\"\nselectors = [\"increment()\", \"{count}\"]\n"
        ),
    )
    .unwrap();
    let out = world.cli(format!(
        "--json grant {on} --key 0x6060606060606060606060606060606060606060 --permissions {} --send",
        file.display()
    ));
    assert_success(&out);
    assert_eq!(json(&out)["entityId"], 2);
    assert_eq!(json(&out)["needsExecuteUserOpPrefix"], true);

    // Inspect both.
    let out = world.cli(format!("--json inspect {on} --entity-id 1"));
    assert_success(&out);
    let seen = json(&out);
    let p = &seen["permissions"];
    assert_eq!(seen["installed"], true);
    assert_eq!(seen["status"], "active");
    // It may not sign for the account: that is granted only on request.
    assert_eq!(seen["accountView"]["isSignatureValidation"], false);
    assert_eq!(granted["signsForAccount"], false);
    assert_eq!(address_of(&p["signer"]["address"]), session.address());
    assert_eq!(address_of(&p["rules"][0]["target"]), counter);
    assert_eq!(
        p["rules"][0]["selector"],
        hex::encode_prefixed(ICounter::incrementCall::SELECTOR)
    );
    // The native limit (0.1 ether, gas counted) and the token's.
    assert_eq!(p["limits"][0]["limit"], "0x16345785d8a0000");
    assert_eq!(p["limits"][1]["limit"], "0x3e8");
    let roles: Vec<(&str, &str)> = seen["accountView"]["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["module"].as_str().unwrap(), h["role"].as_str().unwrap()))
        .collect();
    // One session-policy hook holds every permission.
    assert_eq!(roles, vec![("session-policy", "validation")]);
    assert_eq!(p["enforcement"], "policy");
    let out = world.cli(format!(
        "grant {on} --key 0x7070707070707070707070707070707070707070 {allow} --allow-signatures --gas-budget 1000 --modules --send"
    ));
    assert_success(&out);
    assert!(
        text(&out).contains("warning: the key may sign"),
        "{}",
        text(&out)
    );
    let out = world.cli(format!("--json inspect {on} --entity-id 3"));
    assert_eq!(json(&out)["permissions"]["enforcement"], "modules");
    assert_eq!(json(&out)["accountView"]["isSignatureValidation"], true);
    assert_eq!(json(&out)["accountView"]["validationFlags"], 3);
    assert_eq!(json(&out)["accountView"]["layout"], "flagsByte");
    // `inspect --json | head -1`: the closed pipe is a normal end.
    let args = format!("--json inspect {on} --entity-id 3");
    let args: Vec<&str> = args.split_whitespace().collect();
    assert_closed_stdout_is_a_normal_end(world.dir.path(), &args);
    let args = format!("inspect --rpc {url} --account {account}");
    let args: Vec<&str> = args.split_whitespace().collect();
    assert_closed_stdout_is_a_normal_end(world.dir.path(), &args);
    let out = world.cli(format!("inspect {on} --entity-id 2"));
    assert_success(&out);
    assert!(
        text(&out).contains("as an execution hook"),
        "{}",
        text(&out)
    );

    // Every key of the account, a line each.
    let out = world.cli(format!("--json inspect --rpc {url} --account {account}"));
    assert_success(&out);
    let listed = json(&out);
    let ids: Vec<u64> = listed["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["entityId"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![1, 2, 3]);
    assert_eq!(listed["keys"][0]["status"], "active");
    assert_eq!(
        address_of(&listed["keys"][0]["permissions"]["signer"]["address"]),
        session.address()
    );
    assert_eq!(
        listed["keys"][2]["accountView"]["isSignatureValidation"],
        true
    );
    let out = world.cli(format!("inspect --rpc {url} --account {account}"));
    assert!(
        text(&out).contains(
            "entity 3: 0x7070707070707070707070707070707070707070, active, no expiry, 2 hooks"
        ),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("signs for the account"),
        "{}",
        text(&out)
    );

    // Revoke the first: it is gone, and its id can be granted again, clean.
    let out = world.cli(format!("--json revoke {on} --entity-id 1 --send"));
    assert_success(&out);
    assert_eq!(json(&out)["hooks"], 1);
    let out = world.cli(format!("--json inspect {on} --entity-id 1"));
    assert_eq!(json(&out)["installed"], false);
    assert_eq!(json(&out)["status"], "not-installed");
    let out = world.cli(format!("revoke {on} --entity-id 1"));
    assert_fails(&out, 2, "nothing to revoke");
    let out = world.cli(format!("--json inspect --rpc {url} --account {account}"));
    assert_eq!(json(&out)["keys"].as_array().unwrap().len(), 2);
    let out = world.cli(format!(
        "--json grant {on} --entity-id 1 --key {key} {allow} --erc20-limit {counter}:5 --native-limit 100000000000000000 --send"
    ));
    assert_success(&out);
    let out = world.cli(format!("--json inspect {on} --entity-id 1"));
    assert_eq!(json(&out)["permissions"]["limits"][0]["spent"], "0x0");
}

/// Issue 10's report, on the reference account (which consumes uninstall
/// data as MAv2 v2.0.x does): a key with `--execution-hooks`, a gas budget
/// and limits has spending-limit in both roles. `revoke` uninstalls all
/// five hooks and the signer, and the same id can be granted again.
#[test]
fn revoke_clears_a_key_with_spending_limit_in_both_roles() {
    if !built("revoke_clears_a_key_with_spending_limit_in_both_roles") {
        return;
    }
    let world = World::new();
    let url = world.url();
    let (account, counter, _) = world.account();
    let on = format!("--rpc {url} --account {account}");
    let grant = |key: &str| {
        world.cli(format!(
            "--json grant {on} --entity-id 1 --key {key} --execution-hooks --contract {counter} \
             --allow {counter}:increment() --expires-in 3600 --gas-budget 100000000000000000 \
             --native-limit 100000000000000000/86400 --erc20-limit {counter}:1000/86400 --modules --send"
        ))
    };
    let old_key = "0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
    assert_success(&grant(old_key));
    let out = world.cli(format!("--json inspect {on} --entity-id 1"));
    let roles: Vec<(String, String)> = json(&out)["accountView"]["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["module"].as_str().unwrap().into(),
                h["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    let count = |module: &str| roles.iter().filter(|(m, _)| m == module).count();
    assert_eq!(roles.len(), 5, "{roles:?}");
    assert_eq!(count("spending-limit"), 2, "{roles:?}");

    let out = world.cli(format!("revoke {on} --entity-id 1 --send"));
    assert_success(&out);
    assert!(
        text(&out).contains("(5 hooks uninstalled)"),
        "{}",
        text(&out)
    );
    let out = world.cli(format!("--json inspect {on} --entity-id 1"));
    assert_eq!(json(&out)["installed"], false, "{}", text(&out));
    assert_eq!(json(&out)["status"], "not-installed");
    let out = world.cli(format!("revoke {on} --entity-id 1"));
    assert_fails(&out, 2, "nothing to revoke");

    let new_key = "0x6161616161616161616161616161616161616161";
    assert_success(&grant(new_key));
    let out = world.cli(format!("--json inspect {on} --entity-id 1"));
    let p = &json(&out)["permissions"];
    assert_eq!(
        address_of(&p["signer"]["address"]),
        new_key.parse::<Address>().unwrap()
    );
    for limit in p["limits"].as_array().unwrap() {
        assert_eq!(limit["spent"], "0x0", "{limit}");
    }
}

/// `count()` of the Counter at `counter`, on the node at `url`.
fn count(url: &str, counter: Address) -> U256 {
    let mut chain = RpcChain::connect(url).expect("connect");
    session_keys::Counter { address: counter }
        .count_on(&mut chain)
        .unwrap()
}

#[test]
fn call_signs_and_submits_as_the_session_key() {
    if !built("call") {
        return;
    }
    let world = World::new();
    let url = world.url();
    let (account, counter, _) = world.account();
    let on = format!("--rpc {url} --account {account}");
    let key_file = world.dir.path().join("session.key");
    let out = world.cli(format!(
        "--json grant {on} --new-key --key-out {} --allow {counter}:increment() \
         --expires-in 3600 --gas-budget 100000000000000000 --send",
        key_file.display()
    ));
    assert_success(&out);
    let as_key = format!("{on} --entity-id 1 --key-file {}", key_file.display());
    // The session key's secret is never printed, whatever happens.
    let secret = std::fs::read_to_string(&key_file).unwrap();
    let secret = secret.trim().trim_start_matches("0x").to_lowercase();
    let call = |line: String| {
        let out = world.cli(line);
        assert!(
            !text(&out).to_lowercase().contains(&secret),
            "{}",
            text(&out)
        );
        out
    };

    // Without a deposit the EntryPoint refuses it (AA21), and says how to
    // fix it: measuring its gas finds that before anything is sent.
    let out = call(format!("call {as_key} --to {counter} increment()"));
    assert_fails(&out, 5, "AA21");
    assert!(text(&out).contains("depositTo"), "{}", text(&out));
    let out = call(format!(
        "call {as_key} --to {counter} increment() --verification-gas 1000000 --call-gas 100000 --send"
    ));
    assert_fails(&out, 5, "AA21");
    let owner = Key::from_bytes(DEV_PRIVATE_KEY);
    let mut chain = RpcChain::connect(&url).unwrap();
    let deposit = session_keys::abi::IEntryPoint::depositToCall { account }.abi_encode();
    let funded = chain
        .send(
            &owner,
            TxRequest::call(localnet::entry_point::ENTRY_POINT, deposit)
                .with_value(U256::from(10u128.pow(17))),
        )
        .unwrap();
    assert!(funded.success);

    // Printed: a signed operation in the bundler's form; nothing is sent.
    let out = call(format!("--json call {as_key} --to {counter} increment()"));
    assert_success(&out);
    let printed = json(&out);
    let op = &printed["userOperation"];
    assert_eq!(address_of(&op["sender"]), account);
    assert_eq!(printed["executeUserOpPrefix"], false);
    assert!(printed["sent"].is_null());
    // Measured limits: far below the defaults (2,000,000 and 1,000,000).
    assert_eq!(printed["gasEstimated"], true);
    let limit = |field: &str| op[field].as_str().unwrap().parse::<U256>().unwrap();
    assert!(limit("callGasLimit") < U256::from(200_000), "{op}");
    assert!(limit("verificationGasLimit") < U256::from(600_000), "{op}");
    let call_data = hex::decode(op["callData"].as_str().unwrap()).unwrap();
    let execute =
        session_keys::abi::IReferenceAccount::executeCall::abi_decode(&call_data).unwrap();
    assert_eq!(execute.target, counter);
    assert_eq!(&execute.data[..], &ICounter::incrementCall::SELECTOR);
    // The nonce's key is the validation locator of entity 1 (not global).
    let nonce: U256 = op["nonce"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        nonce >> 64,
        session_keys::encode::nonce_key(1, false).to::<U256>()
    );
    let signature = hex::decode(op["signature"].as_str().unwrap()).unwrap();
    // The session policy's segment (hook 0, 32 bytes: the period hint),
    // then 0xFF ‖ the ECDSA type byte.
    assert_eq!(&signature[..5], &[0, 0, 0, 0, 32], "segment 0, 32 bytes");
    assert_eq!(&signature[37..39], &[0xff, 0x00], "0xFF ‖ ECDSA type byte");
    assert_eq!(count(&url, counter), U256::ZERO);

    // Sent: it executes, through the key's permissions.
    let out = call(format!(
        "--json call {as_key} --to {counter} increment() --send"
    ));
    assert_success(&out);
    let sent = json(&out);
    assert_eq!(sent["sent"]["outcome"], "executed");
    assert!(sent["sent"]["gasUsed"].as_u64().unwrap() > 100_000);
    assert_eq!(count(&url, counter), U256::from(1));

    // Through a bundler (the node's, ERC-7769): bundled, and what the
    // account paid comes from its receipt.
    let out = call(format!(
        "--json call {as_key} --to {counter} increment() --bundler {url}"
    ));
    assert_success(&out);
    let bundled = json(&out);
    assert_eq!(bundled["sent"]["outcome"], "executed");
    assert!(
        bundled["sent"]["chargedWei"].as_str().is_some(),
        "{bundled}"
    );
    assert_eq!(count(&url, counter), U256::from(2));
    // A refusal the bundler finds (limits given, so nothing is measured first).
    let out = call(format!(
        "call {as_key} --to {counter} count() --verification-gas 1000000 --call-gas 100000 \
         --bundler {url}"
    ));
    assert_fails(&out, 5, "the bundler refused it");
    assert!(text(&out).contains("SelectorNotAllowed"), "{}", text(&out));
    let out = call(format!(
        "call {as_key} --to {counter} increment() --bundler {url} --send"
    ));
    assert_fails(&out, 2, "cannot be used with");

    // What the key may not do is refused in validation, with the module's reason.
    let count_selector = hex::encode(ICounter::countCall::SELECTOR);
    let out = call(format!("call {as_key} --to {counter} count() --send"));
    assert_fails(&out, 5, "refused in validation");
    assert!(text(&out).contains("SelectorNotAllowed"), "{}", text(&out));
    assert!(text(&out).contains(&count_selector), "{}", text(&out));
    let out = call(format!("call {as_key} --to {counter} --value 1 --send"));
    assert_fails(&out, 5, "SelectorNotAllowed");
    let out = call(format!(
        "call {as_key} --call {counter},increment() --call {counter},count() --send"
    ));
    assert_fails(&out, 5, "SelectorNotAllowed");
    assert_eq!(count(&url, counter), U256::from(2));

    // A key with execution hooks: the prefix form, and a batch.
    let out = world.cli(format!(
        "--json grant {on} --new-key --key-out {}.2 --allow {counter}:increment() \
         --expires-in 3600 --native-limit 100000000000000000 --execution-hooks --send",
        key_file.display()
    ));
    assert_success(&out);
    assert_eq!(json(&out)["entityId"], 2);
    let as_key2 = format!("{on} --entity-id 2 --key-file {}.2", key_file.display());
    let out = call(format!(
        "--json call {as_key2} --call {counter},increment() --call {counter},increment() --send"
    ));
    assert_success(&out);
    assert_eq!(json(&out)["executeUserOpPrefix"], true);
    assert_eq!(count(&url, counter), U256::from(4));
    // Refused by an execution hook: measuring finds it, and nothing is sent.
    let out = call(format!(
        "call {as_key2} --data 0x{count_selector} --to {counter}"
    ));
    assert_fails(&out, 5, "its execution would revert, so nothing was sent");
    assert!(text(&out).contains("SelectorNotAllowed"), "{}", text(&out));
    // Sent anyway with given limits: validated and paid, the execution reverts.
    let out = call(format!(
        "call {as_key2} --data 0x{count_selector} --to {counter} \
         --verification-gas 1000000 --call-gas 300000 --send"
    ));
    assert_fails(&out, 5, "execution reverted");
    assert!(text(&out).contains("SelectorNotAllowed"), "{}", text(&out));

    // A root key (a global validation): any call, through the global nonce key.
    let out = world.cli(format!(
        "--json grant {on} --new-key --key-out {}.3 --root --send",
        key_file.display()
    ));
    assert_success(&out);
    assert_eq!(json(&out)["entityId"], 3);
    let as_root = format!("{on} --entity-id 3 --key-file {}.3", key_file.display());
    let out = call(format!(
        "--json call {as_root} --to {counter} count() --send"
    ));
    assert_success(&out);
    let nonce: U256 = json(&out)["userOperation"]["nonce"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        nonce >> 64,
        session_keys::encode::nonce_key(3, true).to::<U256>()
    );

    // ERC-1271: a key signs for the account only when granted (or root).
    let out = call(format!("sign {as_key} --message hello"));
    assert_fails(&out, 5, "may not sign for the account");
    let out = world.cli(format!(
        "--json grant {on} --new-key --key-out {}.4 --allow {counter}:increment() \
         --expires-in 3600 --native-limit 100000000000000000 --allow-signatures --send",
        key_file.display()
    ));
    assert_success(&out);
    assert_eq!(json(&out)["entityId"], 4);
    assert_eq!(json(&out)["signsForAccount"], true);
    let as_signer = format!("{on} --entity-id 4 --key-file {}.4", key_file.display());
    let out = call(format!("--json sign {as_signer} --message hello"));
    assert_success(&out);
    let signed = json(&out);
    let hash = alloy_primitives::eip191_hash_message("hello");
    assert_eq!(signed["hash"], hash.to_string());
    let verdict = RpcChain::connect(&url)
        .unwrap()
        .call(
            Address::ZERO,
            account,
            session_keys::abi::IReferenceAccount::isValidSignatureCall {
                hash,
                signature: signed["signature"].as_str().unwrap().parse().unwrap(),
            }
            .abi_encode()
            .into(),
        )
        .unwrap();
    assert!(verdict.success);
    assert_eq!(&verdict.output[..4], &[0x16, 0x26, 0xba, 0x7e]);
    let out = call(format!("sign {as_root} --hash {hash}"));
    assert_success(&out);
    let out = call(format!("sign {as_signer} --hash 0x1234"));
    assert_fails(&out, 2, "is not a 32-byte 0x-hex hash");
    // EIP-712 typed data (an ERC-2612 permit), hashed as alloy's sol! does.
    let permit_file = world.dir.path().join("permit.json");
    let spender = Address::repeat_byte(0x5b);
    std::fs::write(
        &permit_file,
        serde_json::json!({
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"}],
                "Permit": [
                    {"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
                    {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
                    {"name": "deadline", "type": "uint256"}]},
            "primaryType": "Permit",
            "domain": {"name": "Token", "version": "1", "chainId": 412346,
                       "verifyingContract": counter.to_string()},
            "message": {"owner": account.to_string(), "spender": spender.to_string(),
                        "value": "1000", "nonce": 0, "deadline": "1893456000"}
        })
        .to_string(),
    )
    .unwrap();
    let out = call(format!(
        "--json sign {as_signer} --typed-data {}",
        permit_file.display()
    ));
    assert_success(&out);
    alloy_sol_types::sol! {
        struct Permit { address owner; address spender; uint256 value; uint256 nonce; uint256 deadline; }
    }
    let expected = alloy_sol_types::SolStruct::eip712_signing_hash(
        &Permit {
            owner: account,
            spender,
            value: U256::from(1000),
            nonce: U256::ZERO,
            deadline: U256::from(1_893_456_000u64),
        },
        &alloy_sol_types::eip712_domain! {
            name: "Token",
            version: "1",
            chain_id: 412346,
            verifying_contract: counter,
        },
    );
    assert_eq!(json(&out)["hash"], expected.to_string());
    std::fs::write(&permit_file, "{\"types\": {}}").unwrap();
    let out = call(format!(
        "sign {as_signer} --typed-data {}",
        permit_file.display()
    ));
    assert_fails(&out, 2, "is not EIP-712 typed data");
    // A key file other users can read is used, with a warning.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = format!("{}.4", key_file.display());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = call(format!("sign {as_signer} --message hello"));
        assert_success(&out);
        assert!(
            text(&out).contains("can be read by other users (mode 644)"),
            "{}",
            text(&out)
        );
    }

    // Bad input, each with what to fix (exit 2), and no secret echoed.
    let other = world.dir.path().join("other.key");
    std::fs::write(&other, format!("{}\n", Key::from_seed(9).secret_bytes())).unwrap();
    let out = call(format!(
        "call {on} --entity-id 1 --key-file {} --to {counter} increment()",
        other.display()
    ));
    assert_fails(&out, 2, "the session key at entity 1");
    let out = call(format!(
        "call {as_key} --to {counter} transfer(address,uint256) 0x12 1"
    ));
    assert_fails(&out, 2, "argument 1 of transfer(address,uint256)");
    let out = call(format!("call {as_key} --to {counter} increment() 5"));
    assert_fails(&out, 2, "takes 0 argument(s), 1 given");
    let out = call(format!("call {as_key} increment()"));
    assert_fails(&out, 2, "give --to TARGET");
    let out = call(format!(
        "call {on} --entity-id 7 --key-file {} --to {counter}",
        key_file.display()
    ));
    assert_fails(&out, 2, "no user-operation validation at entity 7");
    let out = call(format!(
        "call {on} --entity-id 1 --to {counter} increment()"
    ));
    assert_fails(&out, 2, "SESSION_KEYS_SESSION_KEY");

    // A key whose native limit resets every 30 minutes: `call` names the
    // operation's period in spending-limit's segment, so the key still
    // works after the period it was granted in.
    let out = world.cli(format!(
        "--json grant {on} --new-key --key-out {}.periodic --allow {counter}:increment() \
         --expires-in 86400 --native-limit 100000000000000000/1800 --send",
        key_file.display()
    ));
    assert_success(&out);
    let periodic_id = json(&out)["entityId"].as_u64().unwrap();
    let as_key3 = format!(
        "{on} --entity-id {periodic_id} --key-file {}.periodic",
        key_file.display()
    );
    let out = call(format!("call {as_key3} --to {counter} increment() --send"));
    assert_success(&out);
    assert_eq!(count(&url, counter), U256::from(5));

    // Two hours on, the one-hour key has expired: inspect says so, and the
    // EntryPoint refuses its operation (AA22).
    let out = world.cli(format!("inspect {on} --entity-id 1"));
    assert!(
        text(&out).contains("status: active, expires in 5"),
        "{}",
        text(&out)
    );
    chain.advance_time(2 * 3600).unwrap();
    let out = world.cli(format!("--json inspect {on} --entity-id 1"));
    assert_eq!(json(&out)["status"], "expired");
    let out = world.cli(format!("inspect {on} --entity-id 1"));
    assert!(
        text(&out).contains("status: expired 1 h 0 min ago"),
        "{}",
        text(&out)
    );
    let out = call(format!("call {as_key} --to {counter} increment() --send"));
    assert_fails(&out, 5, "AA22 expired or not due");
    assert_eq!(count(&url, counter), U256::from(5));
    // Four periods later, the periodic key acts in the current one.
    let out = call(format!("call {as_key3} --to {counter} increment() --send"));
    assert_success(&out);
    assert_eq!(count(&url, counter), U256::from(6));

    // A key allowed one operation a day (usage-limit, in session-rules
    // beside the policy): its second is refused with the module's error,
    // and inspect shows the count.
    let out = world.cli(format!(
        "--json grant {on} --new-key --key-out {}.usage --allow {counter}:increment() \
         --expires-in 86400 --native-limit 100000000000000000 --max-uses-per 1/86400 --send",
        key_file.display()
    ));
    assert_success(&out);
    let usage_id = json(&out)["entityId"].as_u64().unwrap();
    let as_key4 = format!(
        "{on} --entity-id {usage_id} --key-file {}.usage",
        key_file.display()
    );
    let out = call(format!("call {as_key4} --to {counter} increment() --send"));
    assert_success(&out);
    assert_eq!(count(&url, counter), U256::from(7));
    let out = call(format!("call {as_key4} --to {counter} increment() --send"));
    assert_fails(&out, 5, "UsageLimitExceeded");
    assert!(text(&out).contains("used: 1, limit: 1"), "{}", text(&out));
    assert_eq!(count(&url, counter), U256::from(7));
    let out = world.cli(format!("inspect {on} --entity-id {usage_id}"));
    assert!(
        text(&out).contains("usage: at most 1 operations per 86400 s, used 1 this period, left 0"),
        "{}",
        text(&out)
    );
}

fn address_of(value: &Value) -> Address {
    value.as_str().unwrap().parse().unwrap()
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    if !built("bad_input") {
        return;
    }
    let world = World::new();
    let url = world.url();
    let (account, counter, modules) = world.account();
    let grant = |extra: String| {
        world.cli(format!(
            "grant --rpc {url} --account {account} --key 0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e {extra}"
        ))
    };

    let out = grant(format!("--allow {counter}:transfer"));
    assert_fails(&out, 2, "unknown selector `transfer`");
    let out = grant(format!("--allow {counter}:increment() --valid-until 1000"));
    assert_fails(&out, 2, "not in the future");
    let out = grant(format!(
        "--allow {counter}:installValidation(bytes25,bytes4[],bytes,bytes[])"
    ));
    assert_fails(&out, 2, "installValidation");
    let out = grant(format!("--allow {account}:increment()"));
    assert_fails(&out, 2, "is the account itself");
    let out = grant(format!(
        "--allow {}:setSpendLimit(uint32,address,uint256,uint48)",
        modules.spending_limit
    ));
    assert_fails(&out, 2, "rewrite its own permissions");
    let out = grant("--allow any:setSpendLimit(uint32,address,uint256,uint48)".into());
    assert_fails(&out, 2, "setSpendLimit");
    let out = grant(format!("--root --allow {counter}:increment()"));
    assert_fails(&out, 2, "root");
    let out = grant(String::new());
    assert_fails(&out, 2, "no permissions given");
    // Issue 9, findings 1 and 2: a scoped key needs a target restriction
    // and a gas bound, and the CLI says what to add.
    let out = grant("--expires-in 600 --gas-budget 1000".into());
    assert_fails(
        &out,
        2,
        "nothing restricts which contracts the key may call",
    );
    let out = grant(format!("--allow {counter}:increment() --expires-in 600"));
    assert_fails(&out, 2, "add a native limit");
    let out = grant("--allow any:depositTo(address) --gas-budget 1000".into());
    assert_fails(&out, 2, "depositTo");
    // Parameter rules: an argument the function lacks, none at all, and a
    // rule on a function the key may not call.
    let param = |rule: &str| {
        grant(format!(
            "--allow {counter}:increment() --gas-budget 1000 --param {counter}:{rule}"
        ))
    };
    assert_fails(
        &param("increment();amount<=1"),
        2,
        "is not an argument of increment()",
    );
    assert_fails(&param("increment()"), 2, "no conditions");
    // An ABI path that takes every element of two arrays.
    assert_fails(&param("f(uint256[][]);0[*][*]<=1"), 2, "of one array only");
    assert_fails(
        &param("transfer(address,uint256);1<=5"),
        2,
        "would restrict nothing",
    );
    assert_fails(&param("increment"), 2, "not a function signature");
    let usage = |flags: &str| {
        grant(format!(
            "--allow {counter}:increment() --gas-budget 1000 {flags}"
        ))
    };
    let out = usage("--max-uses 0");
    assert_fails(&out, 2, "a usage limit needs");
    let out = usage("--max-uses-per 3");
    assert_fails(&out, 2, "write N/SECONDS");
    let out = usage("--max-uses-per 3/0");
    assert_fails(&out, 2, "between 1 and 4294967295 seconds");
    let out = usage("--count-calls");
    assert_fails(&out, 2, "--count-calls needs --max-uses");
    let out = usage("--allow-self-paid");
    assert_fails(&out, 2, "need --paymaster ADDRESS");
    let out = usage(&format!("--paymaster {account}"));
    assert_fails(&out, 2, "cannot be an allowed paymaster");
    let out = usage(&format!(
        "--paymaster {} --sponsoring-paymaster {counter}",
        modules.session_signer
    ));
    assert_fails(&out, 2, "not an allowed one");
    let out = grant(format!(
        "--allow {}:setUsageLimit(uint32,uint8,uint32,uint32,uint32) --gas-budget 1000",
        modules.usage_limit
    ));
    assert_fails(&out, 2, "rewrite its own permissions");

    let file = world.dir.path().join("broken.toml");
    std::fs::write(
        &file,
        "[[functions]]\ntarget = \"any\"\nselectors = [\"increment()\"\n",
    )
    .unwrap();
    let out = grant(format!("--permissions {}", file.display()));
    assert_fails(&out, 2, "broken.toml is not a valid permission file");
    assert!(text(&out).contains("line"), "{}", text(&out));
    let json_file = world.dir.path().join("typo.json");
    std::fs::write(&json_file, "{\"contract\": []}").unwrap();
    let out = grant(format!("--permissions {}", json_file.display()));
    assert_fails(&out, 2, "unknown field `contract`");

    let unreachable = format!("inspect --rpc http://127.0.0.1:1 --account {account} --entity-id 1");
    let out = world.cli(unreachable.clone());
    assert_fails(&out, 3, "cannot reach http://127.0.0.1:1");
    let out = world.cli(format!("--json {unreachable}"));
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json(&out)["error"], "chain");

    let out = run_in(world.dir.path(), &["deploy", "--rpc", &url], None);
    assert_fails(&out, 2, "SESSION_KEYS_PRIVATE_KEY");
    let out = Command::new(env!("CARGO_BIN_EXE_session-keys"))
        .args(["deploy", "--rpc", &url])
        .current_dir(world.dir.path())
        .env("SESSION_KEYS_PRIVATE_KEY", "0x1234secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!text(&out).contains("1234secret"), "{}", text(&out));

    // A record whose code does not match the chain's is refused.
    let record = world.dir.path().join("deployments/412346.json");
    let mut tampered: Value =
        serde_json::from_str(&std::fs::read_to_string(record).unwrap()).unwrap();
    tampered["contracts"][1]["codeHash"] =
        Value::String(format!("{}", alloy_primitives::B256::ZERO));
    let tampered_path = world.dir.path().join("tampered.json");
    std::fs::write(&tampered_path, tampered.to_string()).unwrap();
    let out = world.cli(format!(
        "inspect --rpc {url} --account {account} --entity-id 1 --deployment {}",
        tampered_path.display()
    ));
    assert_fails(&out, 2, "selector-allowlist");
    assert!(text(&out).contains("redeploy"), "{}", text(&out));

    let empty = tempfile::tempdir().unwrap();
    let inspect = format!("inspect --rpc {url} --account {account} --entity-id 1");
    let args: Vec<&str> = inspect.split_whitespace().collect();
    let out = run_in(empty.path(), &args, None);
    assert_fails(&out, 4, "Deploy first");
}

#[test]
fn abi_writes_interfaces_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--json", "abi", "--out", "abi"], None);
    assert_success(&out);
    // Solidity, JSON and TypeScript for each of the eleven contracts.
    assert_eq!(json(&out)["files"].as_array().unwrap().len(), 33);
    let abi: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("abi/SpendingLimitModule.json")).unwrap(),
    )
    .unwrap();
    let names: Vec<&str> = abi
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    for name in [
        "preExecutionHook",
        "getSpendLimit",
        "SpendLimitExceeded",
        "onInstall",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    // Printed to a closed pipe: a normal end.
    assert_closed_stdout_is_a_normal_end(dir.path(), &["abi", "--out", "abi2"]);
    assert_closed_stdout_is_a_normal_end(dir.path(), &["--help"]);
    let policy = std::fs::read_to_string(dir.path().join("abi/SessionPolicyModule.json")).unwrap();
    assert!(policy.contains("PolicyCalled"), "{policy}");
    let sol = std::fs::read_to_string(dir.path().join("abi/ITimeWindowModule.sol")).unwrap();
    assert!(sol.contains("function getTimeWindow"));
    let ts = std::fs::read_to_string(dir.path().join("abi/SpendingLimitModule.ts")).unwrap();
    let body = ts
        .split_once("export const spendingLimitModuleAbi = ")
        .and_then(|(_, rest)| rest.strip_suffix(" as const;\n"))
        .expect("a TypeScript constant");
    assert_eq!(serde_json::from_str::<Value>(body).unwrap(), abi);
}

#[test]
fn build_check_reports_freshness() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--json", "build", "--check"], None);
    let answer = json(&out);
    if out.status.success() {
        assert_eq!(answer["fresh"], true);
    } else {
        assert_eq!(out.status.code(), Some(4));
        assert_eq!(answer["error"], "missing");
        assert!(answer["message"]
            .as_str()
            .unwrap()
            .contains("session-keys build"));
    }
}

#[test]
fn the_key_can_come_from_a_keystore() {
    if !built("keystore") {
        return;
    }
    let world = World::new();
    let (_, path) = alloy_signer_local::PrivateKeySigner::encrypt_keystore(
        world.dir.path(),
        &mut rand::thread_rng(),
        DEV_PRIVATE_KEY,
        "correct horse",
        Some("owner.json"),
    )
    .expect("a keystore");
    let keystore = world.dir.path().join("owner.json");
    assert!(keystore.is_file(), "{path}");
    let deploy = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_session-keys"))
            .args(["--json", "deploy", "--rpc", &world.url(), "--keystore"])
            .arg(&keystore)
            .current_dir(world.dir.path())
            .env_remove("SESSION_KEYS_PRIVATE_KEY")
            .env("SESSION_KEYS_KEYSTORE_PASSWORD", password)
            .output()
            .unwrap()
    };
    let out = deploy("wrong");
    assert_fails(&out, 2, "wrong password");
    let out = deploy("correct horse");
    assert_success(&out);
    assert_eq!(json(&out)["chainId"], 412346);
}

#[test]
fn account_then_a_passkey_session_key() {
    if !built("passkey") {
        return;
    }
    let world = World::new();
    let url = world.url();
    assert_success(&world.cli(format!("deploy --rpc {url}")));
    let out = world.cli(format!(
        "--json account --rpc {url} --deposit 100000000000000000"
    ));
    assert_success(&out);
    let created = json(&out);
    let account = address_of(&created["account"]);
    assert_eq!(created["ownerEntity"], 0);
    let out = world.cli(format!("--json account --rpc {url} --deposit lots"));
    assert_fails(&out, 2, "--deposit");

    let passkey = session_keys::Passkey::from_seed(3);
    let (x, y) = passkey.xy();
    let mut chain = RpcChain::connect(&url).unwrap();
    let owner = Key::from_bytes(DEV_PRIVATE_KEY);
    let counter = chain
        .send(&owner, TxRequest::create(counter::init_code()))
        .unwrap()
        .contract_address
        .unwrap();
    let out = world.cli(format!(
        "--json grant --rpc {url} --account {account} --passkey {x:#x}:{y} \
         --allow {counter}:increment() --expires-in 3600 --gas-budget 100000000000000000 --send"
    ));
    assert_success(&out);
    assert_eq!(json(&out)["entityId"], 1);
    let out = world.cli(format!(
        "--json inspect --rpc {url} --account {account} --entity-id 1"
    ));
    let signer = &json(&out)["permissions"]["signer"];
    assert_eq!(signer["type"], "passkey");
    assert_eq!(signer["x"], format!("{x:#x}"));

    // The passkey signs an operation that increments the Counter.
    let call = session_keys::operation::calls_data(
        &[(
            counter,
            alloy_primitives::U256::ZERO,
            ICounter::incrementCall {}.abi_encode(),
        )],
        false,
    );
    let op = session_keys::operation::signed_op(
        &mut chain,
        account,
        1,
        false,
        call,
        &passkey,
        session_keys::Gas::default(),
    )
    .unwrap();
    let outcome = session_keys::operation::handle_ops(&mut chain, &owner, op).unwrap();
    assert!(
        matches!(outcome, session_keys::operation::OpOutcome::Executed(_)),
        "{outcome:?}"
    );
    assert_eq!(count(&url, counter), U256::from(1));

    let out = world.cli(format!(
        "grant --rpc {url} --account {account} --passkey 0:0 --allow {counter}:increment() --gas-budget 1000"
    ));
    assert_fails(&out, 2, "not a P-256 public key");
}

#[test]
fn node_serves_the_local_chain_and_refuses_a_taken_port() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_session-keys"))
        .args([
            "--json",
            "node",
            "--port",
            "0",
            "--seconds",
            "30",
            "--arbos",
            "60",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut document = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        document.push_str(&line);
        if line == "}" {
            break;
        }
    }
    let serving: Value = serde_json::from_str(&document).unwrap();
    assert_eq!(serving["arbos"], 60);
    let url = serving["url"].as_str().unwrap().to_string();
    let mut chain = RpcChain::connect(&url).unwrap();
    assert_eq!(chain.chain_id().unwrap(), 412_346);
    assert_eq!(
        address_of(&serving["devAccount"]),
        localnet_rpc::DEV_ACCOUNT
    );
    assert!(chain.balance(localnet_rpc::DEV_ACCOUNT).unwrap() > alloy_primitives::U256::ZERO);

    // A second node on the same port: a clear error, exit 2.
    let port = url.rsplit(':').next().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["node", "--port", &port, "--seconds", "1"],
        None,
    );
    assert_fails(&out, 2, "pick another --port");
    // A version the chain does not model: a usage error naming the ones it does.
    let out = run_in(
        dir.path(),
        &["node", "--arbos", "59", "--seconds", "1"],
        None,
    );
    assert_fails(&out, 2, "use 51 or 60");
    child.kill().unwrap();
    child.wait().unwrap();
}
