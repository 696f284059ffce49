//! Numeric limits Nitro applies to a user program, with where each comes from.
//!
//! - Code size: the EVM contract size limit, 24 KiB, applies to the prefixed,
//!   compressed code (Arbitrum's `MaxCodeSize` default).
//! - Decompressed wasm: `initialMaxWasmSize = 128 * 1024` in
//!   `arbos/programs/params.go`.
//! - Pages: `initialPageLimit = 128` in `arbos/programs/params.go`, and the
//!   heap bound of 128 pages in `crates/prover/src/programs/config.rs`.
//! - Counts: the `limit!` checks in `WasmBinary::parse_user`
//!   (`crates/prover/src/binary.rs`): data and element segments, functions,
//!   globals, imports (ArbOS >= 32), locals and opcodes per body, table and
//!   element entries.

/// Largest on-chain code, prefix included, in bytes.
pub const MAX_CODE_SIZE: usize = 24_576;
/// Largest decompressed (deployed) wasm, in bytes.
pub const MAX_WASM_SIZE: usize = 128 * 1024;
/// Largest initial memory, in 64 KiB pages.
pub const MAX_PAGES: u64 = 128;
/// Most data segments.
pub const MAX_DATA_SEGMENTS: u64 = 128;
/// Most element segments.
pub const MAX_ELEMENT_SEGMENTS: u64 = 128;
/// Most locally defined functions.
pub const MAX_FUNCTIONS: u64 = 4096;
/// Most imports.
pub const MAX_IMPORTS: u64 = 513;
/// Most globals, counting the ones Nitro's instrumentation adds.
pub const MAX_GLOBALS: u64 = 32_768;
/// Most declared locals in one function (parameters not included).
pub const MAX_LOCALS: u64 = 348;
/// Most operators in one function body after Nitro's instrumentation.
pub const MAX_BODY_OPCODES: u64 = 65_536;
/// Most table slots (sum of the tables' initial sizes).
pub const MAX_TABLE_ENTRIES: u64 = 4096;
/// Bound on the element segments' encoded size (Nitro sums byte ranges here).
pub const MAX_ELEMENT_ENTRIES: u64 = 4096;
/// Activation stores `init_cost` and `cached_init_cost` as `u16`.
pub const MAX_INIT_COST: u64 = u16::MAX as u64;
/// Bytes in a wasm page.
pub const PAGE_SIZE: u64 = 65_536;
