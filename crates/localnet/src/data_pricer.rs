//! ArbOS's data pricer: the fee, in wei, that activating a program costs on
//! top of its gas, priced on the machine code it is predicted to take
//! (`arbos/programs/data_pricer.go`, with `ApproxExpBasisPoints` and the
//! saturating helpers of `util/arbmath`).
//!
//! Demand is a count of bytes that drains at [`BYTES_PER_SECOND`]. Each
//! activation adds its estimate, and pays
//! `min_price * e^(demand / inertia)` wei per byte of it, the exponential
//! taken in basis points by a 12-term series.

use alloy_primitives::U256;

/// Arbitrum's start, the pricer's first update time (`ArbitrumStartTime`).
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;
/// Bytes of demand that drain each second: 1 TiB a year, per hour, per
/// second (`initialBytesPerSecond`), 34,865.
pub const BYTES_PER_SECOND: u32 = ((1u64 << 40) / (365 * 24) / (60 * 60)) as u32;
/// Wei per byte at zero demand (`initialMinPrice`).
pub const MIN_PRICE: u32 = 82_928_201;
/// The demand at which the price has grown by `e` (`initialInertia`).
pub const INERTIA: u32 = 21_360_419;
/// One in basis points.
const ONE_IN_BIPS: i64 = 10_000;
/// Terms of the series (`UpdateModel` passes 12).
const EXP_ACCURACY: u64 = 12;

/// The pricer's state, as ArbOS keeps it in storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataPricer {
    /// Outstanding demand, in bytes.
    pub demand: u32,
    /// When demand was last updated (block time, in seconds).
    pub last_update_time: u64,
}

impl Default for DataPricer {
    /// A fresh chain's pricer (`initDataPricer`).
    fn default() -> Self {
        Self {
            demand: 0,
            last_update_time: ARBITRUM_START_TIME,
        }
    }
}

impl DataPricer {
    /// Adds `temp_bytes` of demand at `time` and returns the fee for them
    /// (`UpdateModel`).
    pub fn update(&mut self, temp_bytes: u32, time: u64) -> U256 {
        // Go subtracts in uint64 (wrapping) and casts to uint32 saturating.
        let passed = u32::try_from(time.wrapping_sub(self.last_update_time)).unwrap_or(u32::MAX);
        let credit = BYTES_PER_SECOND.saturating_mul(passed);
        self.demand = self
            .demand
            .saturating_sub(credit)
            .saturating_add(temp_bytes);
        self.last_update_time = time;

        let exponent = ONE_IN_BIPS * i64::from(self.demand) / i64::from(INERTIA);
        let multiplier = approx_exp_bips(exponent, EXP_ACCURACY);
        let cost_per_byte = if multiplier <= 0 {
            0
        } else {
            u64::from(MIN_PRICE).saturating_mul(multiplier as u64) / ONE_IN_BIPS as u64
        };
        U256::from(cost_per_byte.saturating_mul(u64::from(temp_bytes)))
    }
}

/// `10,000 * e^(value / 10,000)` by Horner's scheme over `accuracy` terms
/// of the series, in integers (`arbmath.ApproxExpBasisPoints`).
pub fn approx_exp_bips(value: i64, accuracy: u64) -> i64 {
    let b = ONE_IN_BIPS as u64;
    let x = value.unsigned_abs();
    let mut res = b + x / accuracy;
    for i in (1..accuracy).rev() {
        res = b + res.saturating_mul(x) / (i * b);
    }
    let res = if value < 0 { b * b / res } else { res };
    i64::try_from(res).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_are_nitros() {
        // (1 << 40) / 8,760 = 125,515,026 bytes an hour; / 3,600 = 34,865.
        assert_eq!(BYTES_PER_SECOND, 34_865);
    }

    #[test]
    fn exp_of_zero_is_one_and_of_one_is_e() {
        assert_eq!(approx_exp_bips(0, 12), 10_000);
        // e = 2.71828...; the 12-term series in integers gives 27,182.
        assert_eq!(approx_exp_bips(10_000, 12), 27_182);
        // e^-1 as b*b/res: 100,000,000 / 27,182 = 3,678.
        assert_eq!(approx_exp_bips(-10_000, 12), 3_678);
    }

    /// A fresh chain at block time 1,700,000,000: 278,612,000 s have passed,
    /// whose credit saturates, so demand is just the estimate. For 600,000
    /// bytes: exponent = 10,000 * 600,000 / 21,360,419 = 280 bips;
    /// multiplier by Horner over 12 terms = 10,283 (10,000 * e^0.028 =
    /// 10,283.96, rounded down at each step); 82,928,201 * 10,283 / 10,000 =
    /// 85,275,069 wei a byte; times 600,000 = 51,165,041,400,000 wei.
    #[test]
    fn a_first_activation_pays_the_minimum_price_grown_by_its_own_demand() {
        let mut pricer = DataPricer::default();
        let fee = pricer.update(600_000, 1_700_000_000);
        assert_eq!(pricer.demand, 600_000);
        assert_eq!(pricer.last_update_time, 1_700_000_000);
        assert_eq!(approx_exp_bips(280, 12), 10_283);
        assert_eq!(fee, U256::from(51_165_041_400_000u64));
    }

    /// Demand drains at 34,865 bytes a second: 10 s later, 600,000 - 348,650
    /// = 251,350 is left, and the next 600,000 make 851,350.
    #[test]
    fn demand_drains_between_activations() {
        let mut pricer = DataPricer::default();
        pricer.update(600_000, 1_700_000_000);
        pricer.update(600_000, 1_700_000_010);
        assert_eq!(pricer.demand, 851_350);
    }
}
