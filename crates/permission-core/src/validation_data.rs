//! ERC-4337 validation data: packing, unpacking and intersection.
//!
//! A `uint256` with the authorizer in bits 0–159 (0 = valid, 1 = signature
//! failure), `validUntil` in bits 160–207 (0 = no expiry) and `validAfter` in
//! bits 208–255.

use alloy_primitives::U256;

/// The largest value a `uint48` holds.
pub const MAX_U48: u64 = (1 << 48) - 1;

/// Unpacked validation data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ValidationData {
    /// 0 = valid, 1 = signature failure; anything else is an aggregator.
    pub authorizer: U256,
    /// Last valid timestamp, inclusive; 0 means no expiry.
    pub valid_until: u64,
    /// First valid timestamp, inclusive.
    pub valid_after: u64,
}

impl ValidationData {
    /// Valid in the window `[valid_after, valid_until]` (`valid_until` 0 = none).
    pub const fn window(valid_after: u64, valid_until: u64) -> Self {
        Self {
            authorizer: U256::ZERO,
            valid_until,
            valid_after,
        }
    }

    /// Packs into the `uint256` the EntryPoint reads. Timestamps are
    /// truncated to 48 bits; callers keep them in range.
    pub fn pack(&self) -> U256 {
        // Byte by byte: a program pays for code size at entry, and 256-bit
        // shifts cost far more code than these copies.
        let mut word = self.authorizer.to_be_bytes::<32>();
        word[..6].copy_from_slice(&(self.valid_after & MAX_U48).to_be_bytes()[2..]);
        word[6..12].copy_from_slice(&(self.valid_until & MAX_U48).to_be_bytes()[2..]);
        U256::from_be_bytes(word)
    }

    /// Unpacks a `uint256`.
    pub fn unpack(packed: U256) -> Self {
        let mask160 = (U256::from(1u8) << 160usize) - U256::from(1u8);
        let mask48 = U256::from(MAX_U48);
        Self {
            authorizer: packed & mask160,
            valid_until: ((packed >> 160usize) & mask48).to::<u64>(),
            valid_after: ((packed >> 208usize) & mask48).to::<u64>(),
        }
    }

    /// Combines two results as MAv2 combines its hooks': the later
    /// `validAfter`, the earlier `validUntil` (0 counting as no limit), and
    /// the authorizers OR-ed.
    pub fn intersect(&self, other: &Self) -> Self {
        let until = match (self.valid_until, other.valid_until) {
            (0, b) => b,
            (a, 0) => a,
            (a, b) => a.min(b),
        };
        Self {
            authorizer: self.authorizer | other.authorizer,
            valid_until: until,
            valid_after: self.valid_after.max(other.valid_after),
        }
    }
}
