//! The host functions a Stylus program may import: module `vm_hooks`, 42
//! names, each with one exact type.
//!
//! Nitro links user programs only against the exports `vm_hooks__<name>` of
//! its forwarding module (`crates/wasm-libraries/forward/lib.rs` lists the 42
//! names with their types; `crates/prover/src/machine.rs` rejects any other
//! import and any import whose type differs). stylus-sdk 0.10
//! (`src/hostio.rs`) declares 34 of them; the other eight are `exit_early`,
//! the two transient-storage hooks and the five `math_*` hooks.
//!
//! Pointers, `usize` and `bool` are `i32` in wasm32; `u64` and gas are `i64`.

use std::fmt;

/// The import module of every host function.
pub const HOST_MODULE: &str = "vm_hooks";

/// A wasm value type that appears in a host function's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostType {
    I32,
    I64,
}

impl fmt::Display for HostType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostType::I32 => "i32",
            HostType::I64 => "i64",
        })
    }
}

/// One `vm_hooks` import with its exact wasm type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostFunction {
    pub name: &'static str,
    pub params: &'static [HostType],
    pub results: &'static [HostType],
}

impl HostFunction {
    /// The type in the form `(i32, i64) -> i32`.
    pub fn signature(&self) -> String {
        format_signature(self.params, self.results)
    }
}

impl fmt::Display for HostFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{HOST_MODULE}.{}: {}", self.name, self.signature())
    }
}

/// Formats a function type as `(a, b) -> c` (`-> ()` when nothing is returned).
pub fn format_signature<T: fmt::Display>(params: &[T], results: &[T]) -> String {
    let join = |types: &[T]| {
        types
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match results {
        [] => format!("({}) -> ()", join(params)),
        [one] => format!("({}) -> {one}", join(params)),
        many => format!("({}) -> ({})", join(params), join(many)),
    }
}

use HostType::{I32, I64};

const fn hook(
    name: &'static str,
    params: &'static [HostType],
    results: &'static [HostType],
) -> HostFunction {
    HostFunction {
        name,
        params,
        results,
    }
}

/// Every host function Nitro offers, grouped by topic.
pub const HOST_FUNCTIONS: [HostFunction; 42] = [
    // Call data, result and return data.
    hook("read_args", &[I32], &[]),
    hook("write_result", &[I32, I32], &[]),
    hook("exit_early", &[I32], &[]),
    hook("return_data_size", &[], &[I32]),
    hook("read_return_data", &[I32, I32, I32], &[I32]),
    // Persistent storage (through the per-call cache) and transient storage.
    hook("storage_load_bytes32", &[I32, I32], &[]),
    hook("storage_cache_bytes32", &[I32, I32], &[]),
    hook("storage_flush_cache", &[I32], &[]),
    hook("transient_load_bytes32", &[I32, I32], &[]),
    hook("transient_store_bytes32", &[I32, I32], &[]),
    // Calls and contract creation.
    hook("call_contract", &[I32, I32, I32, I32, I64, I32], &[I32]),
    hook("delegate_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    hook("static_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    hook("create1", &[I32, I32, I32, I32, I32], &[]),
    hook("create2", &[I32, I32, I32, I32, I32, I32], &[]),
    // Logs.
    hook("emit_log", &[I32, I32, I32], &[]),
    // Accounts.
    hook("account_balance", &[I32, I32], &[]),
    hook("account_code", &[I32, I32, I32, I32], &[I32]),
    hook("account_code_size", &[I32], &[I32]),
    hook("account_codehash", &[I32, I32], &[]),
    // Block, transaction and message context.
    hook("block_basefee", &[I32], &[]),
    hook("block_coinbase", &[I32], &[]),
    hook("block_gas_limit", &[], &[I64]),
    hook("block_number", &[], &[I64]),
    hook("block_timestamp", &[], &[I64]),
    hook("chainid", &[], &[I64]),
    hook("contract_address", &[I32], &[]),
    hook("msg_sender", &[I32], &[]),
    hook("msg_value", &[I32], &[]),
    hook("msg_reentrant", &[], &[I32]),
    hook("tx_gas_price", &[I32], &[]),
    hook("tx_ink_price", &[], &[I32]),
    hook("tx_origin", &[I32], &[]),
    hook("evm_gas_left", &[], &[I64]),
    hook("evm_ink_left", &[], &[I64]),
    // 256-bit math, written over the first operand.
    hook("math_div", &[I32, I32], &[]),
    hook("math_mod", &[I32, I32], &[]),
    hook("math_pow", &[I32, I32], &[]),
    hook("math_add_mod", &[I32, I32, I32], &[]),
    hook("math_mul_mod", &[I32, I32, I32], &[]),
    // Hashing.
    hook("native_keccak256", &[I32, I32, I32], &[]),
    // Memory growth; required by any module whose memory can grow.
    hook("pay_for_memory_grow", &[I32], &[]),
];

/// The host function called `name`, if Nitro offers one.
pub fn host_function(name: &str) -> Option<&'static HostFunction> {
    HOST_FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique() {
        let names: HashSet<_> = HOST_FUNCTIONS.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), 42);
    }

    #[test]
    fn signatures_render_like_wat() {
        let call = host_function("call_contract").expect("known hook");
        assert_eq!(call.signature(), "(i32, i32, i32, i32, i64, i32) -> i32");
        let grow = host_function("pay_for_memory_grow").expect("known hook");
        assert_eq!(
            grow.to_string(),
            "vm_hooks.pay_for_memory_grow: (i32) -> ()"
        );
        assert!(host_function("log_i32").is_none());
    }
}
