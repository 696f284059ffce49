//! Command-line arguments of `stylus-artifact`.

use std::path::PathBuf;

use stylus_artifact::Budget;

pub const USAGE: &str = "\
usage: stylus-artifact [OPTIONS] NAME=PATH...

Canonicalizes each contract's wasm (PATH, as rustc and wasm-opt wrote it), checks it against
Nitro's activation rules and the budget below, writes OUT/NAME.wasm (the exact
deployed wasm) and OUT/NAME.code (EF F0 00 00 + brotli), and prints a table.
Exits with status 1 if any contract fails, 2 on bad arguments.

options:
  --out-dir DIR            where the artifacts go [default: target/stylus]
  --json                   print the results as JSON instead of a table
  --max-code-size BYTES    largest on-chain code, prefix included [default: 24576]
  --footprint-pages N|any  initial memory every contract must have [default: 1]
  --entry-gas-limit GAS|none
                           uncached entry gas must be below this [default: 25000]
  -h, --help               show this help";

/// One `NAME=PATH` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub path: PathBuf,
}

/// Parsed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub out_dir: PathBuf,
    pub json: bool,
    pub budget: Budget,
    pub inputs: Vec<Input>,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Run(Args),
    Help,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut out_dir = PathBuf::from("target/stylus");
    let mut json = false;
    let mut budget = Budget::default();
    let mut inputs: Vec<Input> = Vec::new();

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--json" => json = true,
            "--out-dir" => out_dir = PathBuf::from(value("--out-dir")?),
            "--max-code-size" => {
                budget.max_code_size = number("--max-code-size", &value("--max-code-size")?)?
            }
            "--footprint-pages" => {
                budget.footprint_pages =
                    optional_number("--footprint-pages", &value("--footprint-pages")?, "any")?
            }
            "--entry-gas-limit" => {
                budget.uncached_entry_gas_limit =
                    optional_number("--entry-gas-limit", &value("--entry-gas-limit")?, "none")?
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            _ => inputs.push(input(&arg)?),
        }
    }
    if inputs.is_empty() {
        return Err("no contracts given (expected NAME=PATH arguments)".into());
    }
    for (i, a) in inputs.iter().enumerate() {
        if inputs[..i].iter().any(|b| b.name == a.name) {
            return Err(format!("contract name {} is given twice", a.name));
        }
    }
    Ok(Command::Run(Args {
        out_dir,
        json,
        budget,
        inputs,
    }))
}

fn input(arg: &str) -> Result<Input, String> {
    let Some((name, path)) = arg.split_once('=') else {
        return Err(format!("expected NAME=PATH, got {arg:?}"));
    };
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(format!(
            "contract name {name:?} must be non-empty and use only letters, digits, '_' and '-'"
        ));
    }
    if path.is_empty() {
        return Err(format!("no path given for contract {name}"));
    }
    Ok(Input {
        name: name.to_string(),
        path: PathBuf::from(path),
    })
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("{flag} expects a whole number, got {text:?}"))
}

fn optional_number(flag: &str, text: &str, off: &str) -> Result<Option<u64>, String> {
    if text == off {
        Ok(None)
    } else {
        number(flag, text).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Args, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(args) => Ok(args),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults_and_flags() {
        let args = run(&["a=x.wasm"]).expect("valid");
        assert_eq!(args.out_dir, PathBuf::from("target/stylus"));
        assert_eq!(args.budget, Budget::default());
        let args = run(&[
            "--out-dir=o",
            "--json",
            "--max-code-size",
            "30000",
            "--footprint-pages",
            "any",
            "--entry-gas-limit=none",
            "b-1=y.wasm",
        ])
        .expect("valid");
        assert_eq!(args.out_dir, PathBuf::from("o"));
        assert!(args.json);
        assert_eq!(args.budget.max_code_size, 30_000);
        assert_eq!(args.budget.footprint_pages, None);
        assert_eq!(args.budget.uncached_entry_gas_limit, None);
        assert_eq!(args.inputs[0].name, "b-1");
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(run(&[]).is_err());
        assert!(run(&["x.wasm"]).is_err());
        assert!(run(&["a/b=x.wasm"]).is_err());
        assert!(run(&["a=x", "a=y"]).is_err());
        assert!(run(&["--max-code-size", "big", "a=x"]).is_err());
        assert!(run(&["--bogus", "a=x"]).is_err());
    }
}
