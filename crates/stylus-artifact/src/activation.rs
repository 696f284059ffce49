//! What Nitro charges, beyond its fixed price, to activate a program, and
//! the machine-code size it predicts for the program's data fee.
//!
//! Both are computed from the program alone:
//!
//! - **Compute gas** (`Module::activate` in `crates/prover/src/programs/mod.rs`):
//!   six charges in microseconds, each converted to gas at 28 gas a
//!   microsecond (`us * 2 * 7,000,000 / 500,000`) and paid in this order:
//!   - `wasm_len * 31,733 / 100,000` (from ArbOS 32, so on 51 and 60);
//!   - `funcs * 17,263 / 100,000`;
//!   - `data * 17,376 / 100,000`, where `data` is the data segments'
//!     payload bytes (`x.data.len()`);
//!   - `elements * 17,376 / 100,000`, where `elements` is the element
//!     segments' encoded bytes (wasmparser's `range.len()`);
//!   - `pages * 2,217`, the memory's initial pages;
//!   - `ops * 535 / 1,000`, the operators of every function body *after*
//!     instrumentation (`codes[..].expr.len()`, final `end` included).
//!
//!   Each term is integer-divided before it is converted. If any charge
//!   finds too little gas, activation fails, and `ArbWasm` then burns all
//!   the gas it was given.
//! - **Machine-code estimate** (`WasmBinary::instrument` in
//!   `crates/prover/src/binary.rs`): `512,000 + funcs * 996,829 / 1,000 +
//!   type_len * 11,416 / 1,000 + wasm_len * 62,628 / 10,000` bytes. ArbOS's
//!   data pricer (`arbos/programs/data_pricer.go`) turns it into the data
//!   fee, which depends on chain state and is computed by the chain.

/// Gas a microsecond of activation work costs (`fudge 2 * speed 7,000,000 /
/// sync rate 500,000`).
pub const GAS_PER_MICROSECOND: u64 = 28;

/// The numbers Nitro's activation charges take, measured on the
/// decompressed wasm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActivationInputs {
    /// Bytes of the decompressed wasm, before instrumentation.
    pub wasm_len: u64,
    /// Locally defined functions.
    pub funcs: u64,
    /// Parameters plus results over all locally defined functions.
    pub type_len: u64,
    /// Payload bytes of all data segments.
    pub data_payload: u64,
    /// Encoded bytes of all element segments.
    pub element_bytes: u64,
    /// Initial memory, in pages.
    pub pages: u64,
    /// Operators of all function bodies after Nitro's instrumentation.
    pub instrumented_ops: u64,
}

/// `x * k / d` microseconds, saturating, as gas.
fn charge(x: u64, k: u64, d: u64) -> u64 {
    (x.saturating_mul(k) / d).saturating_mul(GAS_PER_MICROSECOND)
}

impl ActivationInputs {
    /// The six charges of `Module::activate`, in gas, in the order Nitro
    /// pays them: wasm, functions, data, elements, memory, code.
    pub fn charges(&self) -> [u64; 6] {
        [
            charge(self.wasm_len, 31_733, 100_000),
            charge(self.funcs, 17_263, 100_000),
            charge(self.data_payload, 17_376, 100_000),
            charge(self.element_bytes, 17_376, 100_000),
            charge(self.pages, 2_217, 1),
            charge(self.instrumented_ops, 535, 1_000),
        ]
    }

    /// The sum of [`ActivationInputs::charges`].
    pub fn compute_gas(&self) -> u64 {
        self.charges()
            .into_iter()
            .fold(0, |sum, gas| sum.saturating_add(gas))
    }

    /// Nitro's prediction of the program's machine-code size, in bytes.
    pub fn asm_estimate(&self) -> u64 {
        512_000u64
            .saturating_add(self.funcs.saturating_mul(996_829) / 1_000)
            .saturating_add(self.type_len.saturating_mul(11_416) / 1_000)
            .saturating_add(self.wasm_len.saturating_mul(62_628) / 10_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand from `Module::activate` and `WasmBinary::instrument`:
    ///   wasm   10,000 * 31,733 / 1e5 = 3,173 us -> 88,844
    ///   funcs     100 * 17,263 / 1e5 =    17 us ->    476
    ///   data    2,000 * 17,376 / 1e5 =   347 us ->  9,716
    ///   elems      50 * 17,376 / 1e5 =     8 us ->    224
    ///   pages       2 *  2,217       = 4,434 us -> 124,152
    ///   ops     5,000 *    535 / 1e3 = 2,675 us -> 74,900
    ///   total 298,312
    ///   asm = 512,000 + 100*996,829/1000 (99,682) + 300*11,416/1000 (3,424)
    ///       + 10,000*62,628/10,000 (62,628) = 677,734
    #[test]
    fn charges_match_nitros_formulas() {
        let inputs = ActivationInputs {
            wasm_len: 10_000,
            funcs: 100,
            type_len: 300,
            data_payload: 2_000,
            element_bytes: 50,
            pages: 2,
            instrumented_ops: 5_000,
        };
        assert_eq!(inputs.charges(), [88_844, 476, 9_716, 224, 124_152, 74_900]);
        assert_eq!(inputs.compute_gas(), 298_312);
        assert_eq!(inputs.asm_estimate(), 677_734);
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let inputs = ActivationInputs {
            pages: u64::MAX,
            ..ActivationInputs::default()
        };
        assert_eq!(inputs.compute_gas(), u64::MAX);
    }
}
