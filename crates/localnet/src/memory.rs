//! Nitro's transaction-wide WASM memory model.
//!
//! A transaction tracks two page counts (N `arbos/programs/memory.go`,
//! `GasCost`; the counts live in the state database as "stylus pages"):
//!
//! - `open`: pages held by the programs running right now. A program's
//!   footprint is added when it is entered, every `memory.grow` adds more
//!   (`pay_for_memory_grow`), and `open` goes back to its value at entry when
//!   the program's frame exits.
//! - `ever`: the most pages ever open at once in this transaction.
//!
//! Opening `new` pages costs:
//!
//! - nothing while `max(ever, open + new)` stays within the 2 free pages;
//! - otherwise 1,000 gas for each newly opened page above the free ones,
//!   plus `exp(new ever) - exp(ever)`, an exponential term ([`exp`]).
//!
//! A program may not push `open` above [`PAGE_LIMIT`] (128) pages.

/// Pages a transaction opens for free (`FreePages`).
pub const FREE_PAGES: u16 = 2;
/// Linear gas per page above the free ones (`PageGas`).
pub const PAGE_GAS: u64 = 1_000;
/// Most pages open at once in a transaction (`PageLimit`).
pub const PAGE_LIMIT: u16 = 128;

/// The exponential part of the memory price reaches this at [`PAGE_LIMIT`]
/// pages: Nitro prices 8 MiB (128 pages) at 32 million gas, less the linear
/// part for the 126 pages above the free ones.
const EXP_TARGET: f64 = 32_000_000.0 - 126.0 * PAGE_GAS as f64;

/// `exp(pages) = floor(EXP_TARGET^(pages / 128))`, the exponential part of
/// the memory price by pages ever open; `u64::MAX` beyond [`PAGE_LIMIT`].
/// This formula reproduces Nitro's precomputed `memoryExponents` table
/// (N `arbos/programs/memory.go`) entry for entry.
pub fn exp(pages: u16) -> u64 {
    if pages > PAGE_LIMIT {
        return u64::MAX;
    }
    let exponent = f64::from(pages) * EXP_TARGET.ln() / f64::from(PAGE_LIMIT);
    exponent.exp().floor() as u64
}

/// The gas to open `new` pages when `open` are open and `ever` have ever
/// been open in this transaction.
pub fn gas_cost(new: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= FREE_PAGES {
        return 0;
    }
    let above_free = |pages: u16| pages.saturating_sub(FREE_PAGES);
    let adding = above_free(new_open).saturating_sub(above_free(open));
    let linear = u64::from(adding).saturating_mul(PAGE_GAS);
    let expand = exp(new_ever).saturating_sub(exp(ever));
    linear.saturating_add(expand)
}

/// A transaction's page counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pages {
    /// Pages open now.
    pub open: u16,
    /// Most pages ever open at once in this transaction.
    pub ever: u16,
}

impl Pages {
    /// What opening `new` pages would cost now (nothing is recorded).
    pub fn cost(&self, new: u16) -> u64 {
        gas_cost(new, self.open, self.ever)
    }

    /// Records `new` pages as open and returns what they cost
    /// (Nitro's `AddStylusPages` followed by `GasCost` on the old counts).
    pub fn add(&mut self, new: u16) -> u64 {
        let cost = self.cost(new);
        self.open = self.open.saturating_add(new);
        self.ever = self.ever.max(self.open);
        cost
    }

    /// Whether `new` more pages would exceed [`PAGE_LIMIT`].
    pub fn exceeds_limit(&self, new: u16) -> bool {
        u32::from(self.open) + u32::from(new) > u32::from(PAGE_LIMIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_pages_cost_nothing() {
        assert_eq!(gas_cost(0, 0, 0), 0);
        assert_eq!(gas_cost(1, 0, 0), 0);
        assert_eq!(gas_cost(2, 0, 0), 0);
        assert_eq!(gas_cost(1, 1, 1), 0);
    }

    #[test]
    fn exponential_part_is_monotonic_and_reaches_the_target() {
        assert!((0..128).all(|p| exp(p) <= exp(p + 1)));
        // Worked out by hand: 31,874,000^(p/128), rounded down.
        assert_eq!(exp(0), 1);
        assert_eq!(exp(6), 2); // e^(6 * 0.134980) = 2.249
        assert_eq!(exp(64), 5_645); // sqrt(31,874,000) = 5,645.7
        assert_eq!(exp(128), 31_873_999); // 31,874,000 less float rounding
        assert_eq!(exp(129), u64::MAX);
    }
}
