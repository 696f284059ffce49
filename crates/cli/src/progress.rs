//! Progress display on long steps (building, deploying): a spinner on
//! stderr when it is a terminal and output is not `--json`, nothing
//! otherwise.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use session_keys::deploy::{Action, Deployed, Progress};

/// A spinner, or nothing.
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// A spinner with `message` on an interactive stderr; on another stderr
    /// (a log, CI) the message is printed once. Nothing with `--json`.
    pub fn new(message: &str, json: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        if !json && !terminal {
            eprintln!("{message}…");
        }
        let bar = (!json && terminal).then(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(100));
            bar.set_message(message.to_string());
            bar
        });
        Self { bar }
    }

    /// Changes the message.
    pub fn set(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }

    /// Prints a finished line above the spinner (stderr, humans only).
    pub fn line(&self, text: &str, json: bool) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None if !json => eprintln!("{text}"),
            None => {}
        }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Deployment progress: one line per contract.
pub struct DeployProgress {
    /// The spinner.
    pub spinner: Spinner,
    /// `--json`.
    pub json: bool,
}

impl Progress for DeployProgress {
    fn start(&mut self, name: &str) {
        self.spinner.set(&format!("deploying {name}"));
    }

    fn done(&mut self, deployed: &Deployed) {
        let action = match deployed.action {
            Action::Deployed => "deployed",
            Action::Activated => "activated",
            Action::Skipped => "already there",
        };
        self.spinner.line(
            &format!("  {:<32} {} {action}", deployed.name, deployed.address),
            self.json,
        );
    }
}
