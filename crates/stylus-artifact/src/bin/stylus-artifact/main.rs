//! `stylus-artifact`: builds the deployable artifacts of Stylus contracts and
//! reports their size and entry costs. Run with `--help` for usage.

mod args;
mod report;

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use args::{Args, Command, Input};
use report::Outcome;
use stylus_artifact::{build_artifact, function_names, Artifact, ArtifactError, Budget};

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::Help) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("stylus-artifact: {msg}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(msg) => {
            eprintln!("stylus-artifact: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Builds every contract; returns whether all of them passed.
fn run(args: &Args) -> Result<bool, String> {
    fs::create_dir_all(&args.out_dir)
        .map_err(|e| format!("cannot create {}: {e}", args.out_dir.display()))?;

    let mut outcomes = Vec::new();
    for input in &args.inputs {
        let outcome = build_one(input, &args.budget);
        publish(&args.out_dir, &outcome)?;
        outcomes.push(outcome);
    }

    if args.json {
        print!("{}", report::json(&outcomes));
    } else {
        print!("{}", report::table(&outcomes));
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.problems.is_empty()).collect();
    for outcome in &failed {
        eprintln!("\nerror: contract {} fails:", outcome.name);
        for problem in &outcome.problems {
            eprintln!("  - {problem}");
        }
    }
    if !failed.is_empty() {
        eprintln!(
            "\n{} of {} contract(s) failed; their artifacts were not written",
            failed.len(),
            outcomes.len()
        );
    }
    Ok(failed.is_empty())
}

fn build_one(input: &Input, budget: &Budget) -> Outcome {
    let fail = |problems: Vec<String>, artifact: Option<Artifact>| Outcome {
        name: input.name.clone(),
        artifact,
        problems,
    };
    let raw = match fs::read(&input.path) {
        Ok(raw) => raw,
        Err(e) => {
            return fail(
                vec![format!("cannot read {}: {e}", input.path.display())],
                None,
            )
        }
    };
    match build_artifact(&raw) {
        Ok(artifact) => {
            let problems = budget
                .check(&artifact)
                .iter()
                .map(ToString::to_string)
                .collect();
            fail(problems, Some(artifact))
        }
        Err(ArtifactError::Invalid(err)) => fail(vec![err.to_string()], None),
        Err(ArtifactError::Violations(violations)) => {
            let names = function_names(&raw);
            let problems = violations
                .iter()
                .map(|v| match v.function.and_then(|f| names.get(&f)) {
                    Some(name) => format!("{v} [{name}]"),
                    None => v.to_string(),
                })
                .collect();
            fail(problems, None)
        }
    }
}

/// Writes the artifacts of a passing contract; removes stale ones of a
/// failing contract so that nothing out of date can be deployed.
fn publish(out_dir: &Path, outcome: &Outcome) -> Result<(), String> {
    let wasm_path = out_dir.join(format!("{}.wasm", outcome.name));
    let code_path = out_dir.join(format!("{}.code", outcome.name));
    match (&outcome.artifact, outcome.problems.is_empty()) {
        (Some(artifact), true) => {
            for (path, bytes) in [(&wasm_path, &artifact.wasm), (&code_path, &artifact.code)] {
                fs::write(path, bytes)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
        _ => {
            for path in [&wasm_path, &code_path] {
                match fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(format!("cannot remove stale {}: {e}", path.display())),
                }
            }
        }
    }
    Ok(())
}
