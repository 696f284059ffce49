//! The ArbOS version the chain prices as, and what changes with it.
//!
//! Two versions are modelled, as Nitro gates them:
//!
//! - **ArbOS 60's recently used programs.** `CallProgram`
//!   (`arbos/programs/programs.go`) asks, from ArbOS 60, whether the
//!   program's code hash is in the StateDB's `RecentWasms`
//!   (`go-ethereum/core/state/statedb_arbitrum.go`), inserting it if not:
//!   `Insert(codeHash, params.BlockCacheSize)`. A hit is charged like a
//!   cached program (`352 + cached_init_cost`, no `8,832 + init_cost`). The
//!   cache is an LRU of `BlockCacheSize` (32, `initialRecentCacheSize` in
//!   `arbos/programs/params.go`) code hashes: a lookup refreshes its entry,
//!   an insertion into a full cache evicts the least recently used one. It
//!   is not journaled (a revert does not undo an insertion), and it is
//!   keyed by code hash, so every account that shares a program's code
//!   shares its entry. It lasts the block; this chain mines each
//!   transaction as its own block ([`crate::Localnet`]), so it starts empty
//!   with every transaction. Below ArbOS 60 nothing is looked up.
//! - **Multi-value.** From ArbOS 60 activation rejects functions, blocks
//!   and loops with more than one result (`ARBOS_VERSION_STYLUS_NO_MULTI_VALUE`
//!   in `crates/arbutil/src/evm/mod.rs`, used by
//!   `crates/prover/src/binary.rs`); ArbOS 51 accepts them.

use revm::primitives::B256;

/// An ArbOS version the chain can price as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArbOs {
    /// ArbOS 51: no recently-used-programs discount; multi-value allowed.
    #[default]
    V51,
    /// ArbOS 60: programs entered earlier in the block pay the cached entry
    /// cost; multi-value rejected at activation.
    V60,
}

impl ArbOs {
    /// Every modelled version, oldest first.
    pub const ALL: [ArbOs; 2] = [ArbOs::V51, ArbOs::V60];

    /// The version number.
    pub fn number(self) -> u64 {
        match self {
            ArbOs::V51 => 51,
            ArbOs::V60 => 60,
        }
    }

    /// The modelled version numbered `number`, if any.
    pub fn from_number(number: u64) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.number() == number)
    }

    /// Whether `CallProgram` consults the recently used programs.
    pub fn has_recent_programs(self) -> bool {
        self >= ArbOs::V60
    }

    /// Whether activation accepts multi-value functions and blocks.
    pub fn allows_multi_value(self) -> bool {
        self < ArbOs::V60
    }

    /// Whether `activateProgram` reads the chain's configurable activation
    /// gas (`ArbosVersion_StylusActivationGas`, ArbOS 60).
    pub fn has_activation_gas_setting(self) -> bool {
        self >= ArbOs::V60
    }

    /// Whether `activateProgram` refuses any code that is not Stylus with
    /// `ProgramNotWasm`, rather than with a plain error when it is not
    /// empty (`ArbosVersion_StylusContractLimit`, ArbOS 60).
    pub fn calls_any_non_stylus_code_not_wasm(self) -> bool {
        self >= ArbOs::V60
    }
}

impl core::fmt::Display for ArbOs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ArbOS {}", self.number())
    }
}

/// `BlockCacheSize`'s initial value: the 32 most recent programs.
pub const BLOCK_CACHE_SIZE: usize = 32;

/// The block's recently used programs: an LRU of code hashes
/// ([module docs](self)).
#[derive(Clone, Debug, Default)]
pub struct RecentPrograms {
    /// Least recently used first.
    hashes: Vec<B256>,
}

impl RecentPrograms {
    /// Looks `code_hash` up and makes it the most recently used: `true` if
    /// it was there. A miss inserts it, evicting the least recently used
    /// hash when [`BLOCK_CACHE_SIZE`] are held.
    pub fn insert(&mut self, code_hash: B256) -> bool {
        if let Some(at) = self.hashes.iter().position(|h| *h == code_hash) {
            let hash = self.hashes.remove(at);
            self.hashes.push(hash);
            return true;
        }
        if self.hashes.len() == BLOCK_CACHE_SIZE {
            self.hashes.remove(0);
        }
        self.hashes.push(code_hash);
        false
    }

    /// Forgets every program: a new block.
    pub fn clear(&mut self) {
        self.hashes.clear();
    }

    /// How many programs it holds.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(i: u8) -> B256 {
        B256::repeat_byte(i)
    }

    #[test]
    fn a_second_lookup_hits_and_a_new_block_forgets() {
        let mut recent = RecentPrograms::default();
        assert!(!recent.insert(hash(1)));
        assert!(recent.insert(hash(1)));
        recent.clear();
        assert!(!recent.insert(hash(1)));
    }

    #[test]
    fn the_least_recently_used_of_33_is_evicted() {
        let mut recent = RecentPrograms::default();
        for i in 0..32 {
            assert!(!recent.insert(hash(i)));
        }
        // Refresh hash 0: hash 1 is now the least recently used.
        assert!(recent.insert(hash(0)));
        assert!(!recent.insert(hash(32)));
        assert_eq!(recent.len(), 32);
        assert!(recent.insert(hash(0)));
        assert!(!recent.insert(hash(1)), "hash 1 was evicted");
    }

    #[test]
    fn versions_gate_their_rules() {
        assert!(!ArbOs::V51.has_recent_programs() && ArbOs::V51.allows_multi_value());
        assert!(ArbOs::V60.has_recent_programs() && !ArbOs::V60.allows_multi_value());
        assert_eq!(ArbOs::from_number(60), Some(ArbOs::V60));
        assert_eq!(ArbOs::from_number(59), None);
        assert_eq!(ArbOs::default(), ArbOs::V51);
    }
}
