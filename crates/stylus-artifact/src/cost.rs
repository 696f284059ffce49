//! Nitro's activation cost figures and the gas a call pays to enter a program.
//!
//! What Nitro feeds into the formulas (`WasmBinary::instrument` in
//! `crates/prover/src/binary.rs`, run by `Module::activate` in
//! `crates/prover/src/programs/mod.rs`, on the wasm that `ActivateProgram` in
//! `arbos/programs/programs.go` got by stripping the prefix and inflating the
//! on-chain code):
//!
//! - `wasm_len`: the length of the *decompressed user wasm*, i.e. the deployed
//!   module as written, before instrumentation (`self.wasm` is the input of
//!   `parse`, taken before the instrumented module is built).
//! - `funcs`: `codes.len()`, the locally defined functions (code bodies);
//!   imports are not counted, and instrumentation adds no function.
//! - `type_len`: for every locally defined function, its parameter count plus
//!   its result count, summed (`self.functions` maps local functions to types).
//! - `globals`: `globals.len()` *after* instrumentation, i.e. the module's own
//!   globals plus the 4 that instrumentation adds (ink left and ink status
//!   from `programs/meter.rs`, a scratch global from `programs/dynamic.rs`,
//!   stack left from `programs/depth.rs`).
//! - `data`: the sum of `range.len()` over data segments plus over element
//!   segments. wasmparser's `range` is the segment's whole encoding (flags,
//!   offset expression, length and payload), not only the payload bytes.
//! - `footprint`: the memory's initial size in pages.
//!
//! Each term is integer-divided on its own (`saturating_mul(k) / d`) and the
//! terms are summed with saturation. For Stylus version 2 (current), the
//! cached cost is not folded into `init_cost`; Go charges both instead
//! (`arbos/programs/programs.go`, `CallProgram`):
//!
//! - every call: memory gas for the footprint + `cachedGas` =
//!   352 (`MinCachedInitGas` 11 x 32) + `cached_init_cost` (scalar 100%);
//! - not cached, not recently used in the block: + `initGas` =
//!   8,832 (`v2MinInitGas` 69 x 128) + `init_cost` (scalar 100%).
//!
//! Memory gas (`arbos/programs/memory.go`): the first 2 pages a transaction
//! opens are free, each page above costs 1,000 gas, plus an exponential term
//! over the pages ever opened in the transaction. [`memory_gas`] models only
//! the linear part for a first call in a transaction; the exponential part is
//! 0 up to 5 pages, so it does not matter for programs of a few pages.

/// Globals Nitro's instrumentation adds to every program.
pub const INSTRUMENTATION_GLOBALS: u64 = 4;
/// Fixed part of `initGas` for Stylus version 2 (69 x 128 gas).
pub const MIN_INIT_GAS: u64 = 8_832;
/// Fixed part of `cachedGas` (11 x 32 gas).
pub const MIN_CACHED_GAS: u64 = 352;
/// Pages a transaction opens for free.
pub const FREE_PAGES: u64 = 2;
/// Linear gas per page above the free ones.
pub const PAGE_GAS: u64 = 1_000;

/// The numbers Nitro's activation cost formulas take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CostInputs {
    /// Bytes of the deployed (decompressed, uninstrumented) wasm.
    pub wasm_len: u64,
    /// Locally defined functions.
    pub funcs: u64,
    /// Parameters plus results over all locally defined functions.
    pub type_len: u64,
    /// Globals after instrumentation (the module's own + 4).
    pub globals: u64,
    /// Encoded bytes of all data and element segments.
    pub data_len: u64,
    /// Initial memory, in pages.
    pub footprint: u64,
}

/// `k * x / d`, saturating, as Nitro computes each term.
fn term(x: u64, k: u64, d: u64) -> u64 {
    x.saturating_mul(k) / d
}

impl CostInputs {
    /// `funcs*8252/1000 + type_len*1059/1000 + wasm_len*1286/10000`.
    pub fn init_cost(&self) -> u64 {
        term(self.funcs, 8_252, 1_000)
            .saturating_add(term(self.type_len, 1_059, 1_000))
            .saturating_add(term(self.wasm_len, 1_286, 10_000))
    }

    /// `funcs*13420/100000 + type_len*89/100000 + wasm_len*122/100000
    ///  + globals*1628/1000 + data*75244/100000 + footprint*5`.
    pub fn cached_init_cost(&self) -> u64 {
        term(self.funcs, 13_420, 100_000)
            .saturating_add(term(self.type_len, 89, 100_000))
            .saturating_add(term(self.wasm_len, 122, 100_000))
            .saturating_add(term(self.globals, 1_628, 1_000))
            .saturating_add(term(self.data_len, 75_244, 100_000))
            .saturating_add(self.footprint.saturating_mul(5))
    }

    /// All cost figures for these inputs.
    pub fn costs(&self) -> Costs {
        let init_cost = self.init_cost();
        let cached_init_cost = self.cached_init_cost();
        Costs {
            init_cost,
            cached_init_cost,
            memory_gas: memory_gas(self.footprint),
            uncached_entry_gas: uncached_entry_gas(init_cost, cached_init_cost, self.footprint),
            cached_entry_gas: cached_entry_gas(cached_init_cost, self.footprint),
        }
    }
}

/// Activation figures and the gas paid on entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Costs {
    pub init_cost: u64,
    pub cached_init_cost: u64,
    /// Linear memory gas for the footprint on a first call in a transaction.
    pub memory_gas: u64,
    /// Gas to enter a program that is neither cached nor recently used.
    pub uncached_entry_gas: u64,
    /// Gas to enter a cached (ArbWasmCache) or recently used program.
    pub cached_entry_gas: u64,
}

/// Linear memory gas for opening `footprint` pages at the start of a
/// transaction: 1,000 per page above the 2 free ones (the exponential part
/// is left out; it is 0 up to 5 pages).
pub fn memory_gas(footprint: u64) -> u64 {
    footprint
        .saturating_sub(FREE_PAGES)
        .saturating_mul(PAGE_GAS)
}

/// `memory + (352 + cached_init_cost) + (8832 + init_cost)`.
pub fn uncached_entry_gas(init_cost: u64, cached_init_cost: u64, footprint: u64) -> u64 {
    cached_entry_gas(cached_init_cost, footprint)
        .saturating_add(MIN_INIT_GAS)
        .saturating_add(init_cost)
}

/// `memory + 352 + cached_init_cost`.
pub fn cached_entry_gas(cached_init_cost: u64, footprint: u64) -> u64 {
    memory_gas(footprint)
        .saturating_add(MIN_CACHED_GAS)
        .saturating_add(cached_init_cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hook measured in the design note: 49,967 bytes, 292 functions,
    /// 4,311 data bytes, 1 page. With type_len 792 and 7 globals:
    ///   init   = 292*8252/1000 (2409) + 792*1059/1000 (838) + 49967*1286/10000 (6425)
    ///          = 9672
    ///   cached = 292*13420/1e5 (39) + 792*89/1e5 (0) + 49967*122/1e5 (60)
    ///          + 7*1628/1000 (11) + 4311*75244/1e5 (3243) + 1*5 (5) = 3358
    #[test]
    fn matches_the_design_note_figures() {
        let inputs = CostInputs {
            wasm_len: 49_967,
            funcs: 292,
            type_len: 792,
            globals: 7,
            data_len: 4_311,
            footprint: 1,
        };
        let costs = inputs.costs();
        assert_eq!(costs.init_cost, 9_672);
        assert_eq!(costs.cached_init_cost, 3_358);
        assert_eq!(costs.memory_gas, 0);
        assert_eq!(costs.cached_entry_gas, 352 + 3_358);
        assert_eq!(costs.uncached_entry_gas, 8_832 + 9_672 + 352 + 3_358);
    }

    #[test]
    fn memory_above_two_pages_costs_linear_gas() {
        assert_eq!(memory_gas(0), 0);
        assert_eq!(memory_gas(2), 0);
        assert_eq!(memory_gas(17), 15_000);
        assert_eq!(cached_entry_gas(10, 3), 1_000 + 352 + 10);
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let inputs = CostInputs {
            wasm_len: u64::MAX,
            ..CostInputs::default()
        };
        assert_eq!(inputs.init_cost(), u64::MAX / 10_000);
    }
}
