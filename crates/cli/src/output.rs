//! Human or `--json` output. Results go to stdout; progress and errors go
//! to stderr, so `--json` output can be piped.

use serde::Serialize;

use crate::error::CliError;

/// Where and how to print.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// `--json`: one JSON document on stdout.
    pub json: bool,
}

impl Output {
    /// Prints a result: `value` as JSON with `--json`, otherwise `human`.
    pub fn result<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(text) => println!("{text}"),
                Err(e) => eprintln!("error: cannot write JSON: {e}"),
            }
        } else {
            println!("{}", human());
        }
    }

    /// Prints an error: `{"error": kind, "message": ...}` on stdout with
    /// `--json` (so scripts always get JSON), `error: ...` on stderr
    /// otherwise.
    pub fn error(&self, error: &CliError) {
        if self.json {
            let value = serde_json::json!({
                "error": error.kind(),
                "message": error.to_string(),
                "exitCode": error.exit_code(),
            });
            println!("{value:#}");
        } else {
            eprintln!("error: {error}");
        }
    }

    /// A note for humans (stderr; silent with `--json`).
    pub fn note(&self, text: &str) {
        if !self.json {
            eprintln!("{text}");
        }
    }
}
