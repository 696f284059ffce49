//! One contract from rustc's wasm to its deployable artifact, and the
//! project's budget for it.
//!
//! [`build_artifact`] canonicalizes, validates and compresses. [`Budget`]
//! holds limits that are policy rather than activation rules: the code-size
//! cap (Nitro's own limit by default), the initial memory we insist on, and
//! the uncached entry gas a contract must stay below (a hook that MAv2 probes
//! with a 30,000-gas `supportsInterface` call must leave room to run).

use std::fmt;

use crate::canonical::canonicalize;
use crate::cost::Costs;
use crate::error::Error;
use crate::limits::MAX_CODE_SIZE;
use crate::onchain::onchain_code;
use crate::validate::{validate, ModuleInfo};
use crate::violation::Violation;

/// A contract ready to deploy.
#[derive(Clone, Debug)]
pub struct Artifact {
    /// Bytes of the wasm rustc wrote.
    pub raw_len: usize,
    /// The exact wasm that is deployed (canonical, no custom sections).
    pub wasm: Vec<u8>,
    /// The on-chain code: `EF F0 00 00` then brotli.
    pub code: Vec<u8>,
    /// What activation learns about `wasm`.
    pub info: ModuleInfo,
    /// Activation costs and entry gas.
    pub costs: Costs,
}

/// Why a contract has no artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArtifactError {
    /// The input is not a wasm module that can be re-encoded.
    Invalid(Error),
    /// The module breaks activation rules.
    Violations(Vec<Violation>),
}

impl fmt::Display for ArtifactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArtifactError::Invalid(err) => write!(f, "{err}"),
            ArtifactError::Violations(violations) => {
                write!(f, "{} activation rule(s) broken:", violations.len())?;
                for v in violations {
                    write!(f, "\n  - {v}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ArtifactError {}

impl From<Error> for ArtifactError {
    fn from(err: Error) -> Self {
        ArtifactError::Invalid(err)
    }
}

impl From<Vec<Violation>> for ArtifactError {
    fn from(violations: Vec<Violation>) -> Self {
        ArtifactError::Violations(violations)
    }
}

/// Canonicalizes `raw`, validates the result and builds its on-chain code.
pub fn build_artifact(raw: &[u8]) -> Result<Artifact, ArtifactError> {
    let wasm = canonicalize(raw)?;
    let info = validate(&wasm)?;
    let code = onchain_code(&wasm);
    let costs = info.costs();
    Ok(Artifact {
        raw_len: raw.len(),
        wasm,
        code,
        info,
        costs,
    })
}

/// Limits the project sets on every contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Largest on-chain code, prefix included.
    pub max_code_size: usize,
    /// The initial memory every contract must have, in pages (`None`: any).
    pub footprint_pages: Option<u64>,
    /// Uncached entry gas must be *below* this (`None`: no limit).
    pub uncached_entry_gas_limit: Option<u64>,
}

impl Default for Budget {
    /// 24,576-byte code, 1 page, uncached entry below 25,000 gas.
    fn default() -> Self {
        Budget {
            max_code_size: MAX_CODE_SIZE,
            footprint_pages: Some(1),
            uncached_entry_gas_limit: Some(25_000),
        }
    }
}

/// A budget limit an artifact goes over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overrun {
    /// Which limit: `code-size`, `footprint` or `entry-gas`.
    pub limit: &'static str,
    pub message: String,
}

impl fmt::Display for Overrun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.limit, self.message)
    }
}

impl Budget {
    /// Every limit `artifact` goes over.
    pub fn check(&self, artifact: &Artifact) -> Vec<Overrun> {
        let mut overruns = Vec::new();
        let code = artifact.code.len();
        if code > self.max_code_size {
            overruns.push(Overrun {
                limit: "code-size",
                message: format!(
                    "on-chain code is {code} bytes, over the {} byte limit",
                    self.max_code_size
                ),
            });
        }
        let footprint = artifact.info.footprint();
        if let Some(pages) = self.footprint_pages {
            if footprint != pages {
                overruns.push(Overrun {
                    limit: "footprint",
                    message: format!(
                        "initial memory is {footprint} pages, not {pages}; check the stack size (-zstack-size) and static data"
                    ),
                });
            }
        }
        let gas = artifact.costs.uncached_entry_gas;
        if let Some(limit) = self.uncached_entry_gas_limit {
            if gas >= limit {
                overruns.push(Overrun {
                    limit: "entry-gas",
                    message: format!(
                        "uncached entry costs {gas} gas, not below {limit} (init_cost {}, cached_init_cost {})",
                        artifact.costs.init_cost, artifact.costs.cached_init_cost
                    ),
                });
            }
        }
        overruns
    }
}
