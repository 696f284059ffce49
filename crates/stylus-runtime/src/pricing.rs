//! Nitro's prices for host functions, in ink, and the ink/gas conversion.
//!
//! Figures from Nitro's `crates/arbutil/src/pricing.rs` and
//! `crates/arbutil/src/evm/{mod,storage}.rs`, re-derived here; see
//! `shared/design/stylus-execution.md`.

/// Ink per gas on Arbitrum (`tx_ink_price`).
pub const INK_PRICE: u64 = 10_000;

/// Base price of a host function that may return something.
pub const HOSTIO_INK: u64 = 8_400;
/// Extra price per pointer argument.
pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;
/// Extra price of a host function that calls into the EVM.
pub const EVM_API_INK: u64 = 59_673;
/// Extra price of a 256-bit division or remainder.
pub const DIV_INK: u64 = 20_000;
/// Extra price of a 256-bit multiplication modulo.
pub const MUL_MOD_INK: u64 = 24_100;
/// Extra price of a 256-bit addition modulo.
pub const ADD_MOD_INK: u64 = 21_000;

/// `storage_load_bytes32` and `storage_cache_bytes32`.
pub const STORAGE_ACCESS_INK: u64 = HOSTIO_INK + 2 * PTR_INK;
/// `storage_flush_cache`, `read_return_data`, `emit_log`, `account_code(_size)`.
pub const HOSTIO_EVM_INK: u64 = HOSTIO_INK + EVM_API_INK;
/// `transient_*`, `account_balance`, `account_codehash`.
pub const HOSTIO_2PTR_EVM_INK: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
/// `call_contract` and friends, `create1`.
pub const CALL_INK: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
/// `create2`.
pub const CREATE2_INK: u64 = HOSTIO_INK + 4 * PTR_INK + EVM_API_INK;
/// Getters that write one pointer (`msg_sender`, `block_basefee`, ...).
pub const HOSTIO_PTR_INK: u64 = HOSTIO_INK + PTR_INK;
/// `math_div`, `math_mod`.
pub const MATH_DIV_INK: u64 = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
/// `math_pow` before its exponent price.
pub const MATH_POW_INK: u64 = HOSTIO_INK + 3 * PTR_INK;
/// `math_add_mod`.
pub const MATH_ADD_MOD_INK: u64 = HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK;
/// `math_mul_mod`.
pub const MATH_MUL_MOD_INK: u64 = HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK;

/// EIP-2929 cold SLOAD.
pub const COLD_SLOAD_GAS: u64 = 2_100;
/// EIP-2929 cold account access.
pub const COLD_ACCOUNT_GAS: u64 = 2_600;
/// EIP-2200 SSTORE sentry.
pub const SSTORE_SENTRY_GAS: u64 = 2_300;
/// Gas a storage-cache access requires to be available.
pub const CACHE_ACCESS_GAS: u64 = 10;
/// TLOAD and TSTORE.
pub const TRANSIENT_GAS: u64 = 100;
/// Per log topic, and for the log itself.
pub const LOG_TOPIC_GAS: u64 = 375;
/// Per byte of log data.
pub const LOG_DATA_GAS: u64 = 8;

/// `EVM_API_INK` in gas, rounded down: what a storage miss adds.
pub const EVM_API_GAS: u64 = EVM_API_INK / INK_PRICE;

/// Ink to copy `bytes` into the program (`read_args`, `read_return_data`).
pub fn write_price(bytes: u32) -> u64 {
    5_040 + 30 * u64::from(bytes.saturating_sub(32))
}

/// Ink to copy `bytes` out of the program (`write_result`, calldata, logs).
pub fn read_price(bytes: u32) -> u64 {
    16_381 + 55 * u64::from(bytes.saturating_sub(32))
}

/// Ink of `native_keccak256` over `bytes`.
pub fn keccak_price(bytes: u32) -> u64 {
    let words = u64::from(bytes.div_ceil(32)).saturating_sub(2);
    121_800 + 21_000 * words
}

/// Ink of `math_pow` for a big-endian exponent: cheaper by leading zero bytes.
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let leading_zeros = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3_000 + (33 - leading_zeros) * 17_500
}

/// Gas of the nth storage-cache read in a call (the first 32 are free).
pub fn cache_read_gas(nth: usize) -> u64 {
    match nth {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

/// Gas of the nth storage-cache write in a call (the first 8 are free).
pub fn cache_write_gas(nth: usize) -> u64 {
    match nth {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

/// Gas of a log with `topics` topics and `data_len` data bytes.
pub fn log_gas(topics: u32, data_len: u32) -> u64 {
    LOG_TOPIC_GAS * (1 + u64::from(topics)) + LOG_DATA_GAS * u64::from(data_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_prices_match_the_design_note() {
        // shared/design/stylus-execution.md, "Host function ink".
        assert_eq!(STORAGE_ACCESS_INK, 18_480);
        assert_eq!(HOSTIO_EVM_INK, 68_073);
        assert_eq!(HOSTIO_2PTR_EVM_INK, 78_153);
        assert_eq!(CALL_INK, 83_193);
        assert_eq!(HOSTIO_PTR_INK, 13_440);
        assert_eq!(write_price(32), 5_040);
        assert_eq!(write_price(100), 5_040 + 30 * 68);
        assert_eq!(read_price(10), 16_381);
        assert_eq!(read_price(96), 16_381 + 55 * 64);
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 121_800 + 21_000);
        assert_eq!(EVM_API_GAS, 5);
    }

    #[test]
    fn pow_price_falls_with_leading_zero_bytes() {
        let mut exponent = [0u8; 32];
        assert_eq!(pow_price(&exponent), 3_000 + 17_500);
        exponent[31] = 2;
        assert_eq!(pow_price(&exponent), 3_000 + 2 * 17_500);
        exponent[0] = 1;
        assert_eq!(pow_price(&exponent), 3_000 + 33 * 17_500);
    }

    #[test]
    fn cache_gas_tiers() {
        assert_eq!(
            (cache_read_gas(32), cache_read_gas(33), cache_read_gas(129)),
            (0, 2, 10)
        );
        assert_eq!(
            (cache_write_gas(8), cache_write_gas(9), cache_write_gas(65)),
            (0, 7, 10)
        );
        assert_eq!(log_gas(2, 10), 375 * 3 + 80);
    }
}
