//! [`CliError`]: what went wrong, what to do next, and the exit code.

use session_keys::chain::ChainError;
use session_keys::demo::DemoError;
use session_keys::deploy::DeployError;
use session_keys::inspect::InspectError;
use session_keys::permissions::file::FileError;
use session_keys::PermissionError;

/// A failed command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Some steps of the demo did not do what they must.
    #[error("{0}")]
    Unexpected(String),
    /// The input was wrong (flags, files, keys, permissions).
    #[error("{0}")]
    BadInput(String),
    /// The chain could not be reached, or refused a request.
    #[error("{0}")]
    Chain(String),
    /// A build output, a fixture or a tool is missing.
    #[error("{0}")]
    Missing(String),
    /// A transaction reverted.
    #[error("{0}")]
    Reverted(String),
}

impl CliError {
    /// The process exit code (see the crate docs).
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Unexpected(_) => 1,
            Self::BadInput(_) => 2,
            Self::Chain(_) => 3,
            Self::Missing(_) => 4,
            Self::Reverted(_) => 5,
        }
    }

    /// A short name for `--json` output.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unexpected(_) => "unexpected",
            Self::BadInput(_) => "bad-input",
            Self::Chain(_) => "chain",
            Self::Missing(_) => "missing",
            Self::Reverted(_) => "reverted",
        }
    }
}

impl From<ChainError> for CliError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::Io(_) => Self::Missing(e.to_string()),
            _ => Self::Chain(e.to_string()),
        }
    }
}

impl From<PermissionError> for CliError {
    fn from(e: PermissionError) -> Self {
        Self::BadInput(e.to_string())
    }
}

impl From<FileError> for CliError {
    fn from(e: FileError) -> Self {
        Self::BadInput(e.to_string())
    }
}

impl From<DeployError> for CliError {
    fn from(e: DeployError) -> Self {
        match e {
            DeployError::Chain(c) => c.into(),
            DeployError::MissingBuild { .. } => Self::Missing(e.to_string()),
            DeployError::NoDeployer { .. } | DeployError::NoStylus(_) => Self::Chain(e.to_string()),
            DeployError::Reverted { .. } => Self::Reverted(e.to_string()),
        }
    }
}

impl From<DemoError> for CliError {
    fn from(e: DemoError) -> Self {
        match e {
            DemoError::Deploy(d) => d.into(),
            DemoError::Chain(c) => c.into(),
            DemoError::Permission(p) => p.into(),
            DemoError::Setup(s) => Self::Reverted(format!("demo setup: {s}")),
        }
    }
}

impl From<InspectError> for CliError {
    fn from(e: InspectError) -> Self {
        match e {
            InspectError::Chain(c) => c.into(),
            InspectError::Unexpected { .. } | InspectError::NoFreeEntityId { .. } => {
                Self::BadInput(e.to_string())
            }
        }
    }
}
