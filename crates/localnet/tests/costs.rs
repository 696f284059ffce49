//! Nitro's cost rules, with hand-computed numbers.

use localnet::calls::*;
use localnet::memory::{exp, gas_cost, Pages, PAGE_LIMIT};

// --- memory (arbos/programs/memory.go) ---

#[test]
fn memory_within_free_pages_is_free() {
    assert_eq!(gas_cost(0, 0, 0), 0);
    assert_eq!(gas_cost(1, 0, 0), 0);
    assert_eq!(gas_cost(2, 0, 0), 0);
    assert_eq!(gas_cost(1, 1, 2), 0);
}

#[test]
fn memory_first_pages_of_a_transaction() {
    // 3 pages: 1 above the free 2 = 1,000; exp(3) - exp(0) = 1 - 1 = 0.
    assert_eq!(gas_cost(3, 0, 0), 1_000);
    // 17 pages (Rust's default 1 MiB stack): 15 x 1,000 + exp(17) - exp(0) = 15,000 + 9 - 1.
    assert_eq!(gas_cost(17, 0, 0), 15_008);
    // 128 pages: 126,000 + 31,873,999 - 1.
    assert_eq!(gas_cost(128, 0, 0), 31_999_998);
}

#[test]
fn memory_nested_programs_share_the_transaction_counts() {
    // Open 2 more with 2 open: 2 x 1,000, exp(4) - exp(2) = 0.
    assert_eq!(gas_cost(2, 2, 2), 2_000);
    // Re-opening pages within `ever` costs only the linear part:
    // open 5 -> 10 with ever 10: 8 - 3 = 5 pages, no expansion.
    assert_eq!(gas_cost(5, 5, 10), 5_000);
    // Below the free pages while ever is high: nothing new above free.
    assert_eq!(gas_cost(1, 1, 10), 0);

    // A (3 pages) calls B (3 pages), B returns, A calls C (3 pages).
    let mut pages = Pages::default();
    assert_eq!(pages.add(3), 1_000); // A: 1 page above free, exp(3) - exp(0) = 0
    let a_open = pages.open;
    // B: pages 4..=6 are all above free: 3,000; exp(6) - exp(3) = 2 - 1 = 1.
    assert_eq!(pages.add(3), 3_001);
    assert_eq!(pages, Pages { open: 6, ever: 6 });
    pages.open = a_open; // B's frame exits
                         // C: same 3 pages above free, but ever is already 6: no expansion.
    assert_eq!(pages.add(3), 3_000);
    assert_eq!(pages, Pages { open: 6, ever: 6 });
}

#[test]
fn memory_beyond_the_table_saturates() {
    assert_eq!(exp(128), 31_873_999);
    // 129 pages ever: exp is u64::MAX, so the cost saturates (out of gas).
    assert_eq!(gas_cost(1, 128, 128), u64::MAX - 31_873_999 + 1_000);
    let full = Pages {
        open: PAGE_LIMIT,
        ever: PAGE_LIMIT,
    };
    assert!(full.exceeds_limit(1));
    assert!(!full.exceeds_limit(0));
}

// --- calls (arbos/programs/api.go, WasmCallCost) ---

#[test]
fn call_base_costs() {
    let lots = 1_000_000;
    assert_eq!(call_base_cost(lots, false, false, false), Some(100));
    assert_eq!(call_base_cost(lots, true, false, false), Some(2_600));
    assert_eq!(call_base_cost(lots, false, true, false), Some(9_100));
    assert_eq!(call_base_cost(lots, true, true, true), Some(36_600));
    // "empty" only matters with value.
    assert_eq!(call_base_cost(lots, true, false, true), Some(2_600));
    // Exactly affordable, and one short.
    assert_eq!(call_base_cost(2_600, true, false, false), Some(2_600));
    assert_eq!(call_base_cost(2_599, true, false, false), None);
}

#[test]
fn call_child_gas_is_63_64ths_rounded_down() {
    // 100,000 after the base cost: 100,000 * 63 / 64 = 98,437 (the EVM's
    // all-but-one-64th would give 98,438).
    assert_eq!(call_child_gas(100_100, 100, u64::MAX, false), 98_437);
    // Capped at the request.
    assert_eq!(call_child_gas(100_100, 100, 30_000, false), 30_000);
    // Value adds the stipend, on top of the cap.
    assert_eq!(call_child_gas(100_100, 100, 30_000, true), 32_300);
    assert_eq!(call_child_gas(100, 100, u64::MAX, true), 2_300);
    // No overflow for huge gas.
    assert_eq!(
        call_child_gas(u64::MAX, 0, u64::MAX, false),
        (u64::MAX as u128 * 63 / 64) as u64
    );
}

#[test]
fn create_costs() {
    assert_eq!(create_base_cost(100, false), 32_000);
    // CREATE2 hashes the init code: 4 words x 6.
    assert_eq!(create_base_cost(100, true), 32_024);
    // 68,000 left: minus 68,000 / 64 = 1,062.
    assert_eq!(create_child_gas(100_000, 32_000), Some(66_938));
    assert_eq!(create_child_gas(31_999, 32_000), None);
}

#[test]
fn what_a_sub_call_costs_the_program() {
    // Base 2,600, child given 10,000 and returned 7,000.
    assert_eq!(sub_call_cost(2_600, 10_000, 7_000), 5_600);
    // A halted child returns nothing.
    assert_eq!(sub_call_cost(2_600, 10_000, 0), 12_600);
    // An unused stipend comes back: the program pays only the base.
    assert_eq!(sub_call_cost(9_100, 2_300, 2_300), 9_100);
}

#[test]
fn return_data_floor_is_evm_memory_cost() {
    assert_eq!(evm_memory_cost(0), 0);
    assert_eq!(evm_memory_cost(1), 3);
    assert_eq!(evm_memory_cost(32), 3);
    // 32 words: 96 + 32 * 32 / 512 = 98.
    assert_eq!(evm_memory_cost(1_024), 98);
}
