//! Human or `--json` output. Results go to stdout; progress and errors go
//! to stderr, so `--json` output can be piped.
//!
//! A closed stdout (`session-keys inspect --json | head -1`) is a normal
//! end: the reader has what it wanted, so the process exits 0 without a
//! word. Any other write failure is reported on stderr and exits 4.

use std::io::{ErrorKind, Write};

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
                Ok(text) => print_stdout(&text),
                Err(e) => eprintln!("error: cannot write JSON: {e}"),
            }
        } else {
            print_stdout(&human());
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
            print_stdout(&format!("{value:#}"));
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

/// Writes `text` and a newline to stdout. A reader that closed the pipe
/// ends the process with 0; another failure exits 4 (the output could not
/// be written).
pub fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            // stderr may be gone too; nothing more can be said then.
            let _ = writeln!(std::io::stderr(), "error: cannot write to stdout: {e}");
            std::process::exit(4);
        }
    }
}
