//! The time-window rule, written once: a key acts only within
//! `[valid_after, valid_until]` (both inclusive, `valid_until` 0 = no
//! expiry). time-window enforces it as a hook; session-signer carries the
//! same window for its key, so that in every hook mode an expired key can
//! neither pass validation (and spend gas) nor sign.

use alloc::vec::Vec;

use crate::abi::AbiWriter;
use crate::selectors::selector;
use crate::validation_data::ValidationData;

/// `InvalidTimeWindow(uint48 validAfter, uint48 validUntil)`: a window whose
/// expiry is not after its start.
pub const INVALID_TIME_WINDOW: [u8; 4] = selector("InvalidTimeWindow(uint48,uint48)");
/// `OutsideTimeWindow(uint48 validAfter, uint48 validUntil, uint256
/// timestamp)`: the clock is outside the window.
pub const OUTSIDE_TIME_WINDOW: [u8; 4] = selector("OutsideTimeWindow(uint48,uint48,uint256)");

/// A validity window in unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Window {
    /// First valid timestamp (inclusive).
    pub valid_after: u64,
    /// Last valid timestamp (inclusive); 0 means no expiry.
    pub valid_until: u64,
}

impl Window {
    /// The window `[valid_after, valid_until]`.
    pub const fn new(valid_after: u64, valid_until: u64) -> Self {
        Self {
            valid_after,
            valid_until,
        }
    }

    /// Whether the window is well formed: no expiry, or an expiry after its
    /// start.
    pub const fn is_well_formed(&self) -> bool {
        self.valid_until == 0 || self.valid_until > self.valid_after
    }

    /// The window if it is well formed, or the revert data of
    /// `InvalidTimeWindow(validAfter, validUntil)`.
    #[inline]
    pub fn well_formed(self) -> Result<Self, Vec<u8>> {
        if self.is_well_formed() {
            Ok(self)
        } else {
            Err(AbiWriter::new(2)
                .uint(self.valid_after)
                .uint(self.valid_until)
                .finish_with_selector(INVALID_TIME_WINDOW))
        }
    }

    /// `Ok` when `timestamp` lies inside the window, or the revert data of
    /// `OutsideTimeWindow(validAfter, validUntil, timestamp)`.
    #[inline]
    pub fn check_at(&self, timestamp: u64) -> Result<(), Vec<u8>> {
        if self.contains(timestamp) {
            Ok(())
        } else {
            Err(AbiWriter::new(3)
                .uint(self.valid_after)
                .uint(self.valid_until)
                .uint(timestamp)
                .finish_with_selector(OUTSIDE_TIME_WINDOW))
        }
    }

    /// `abi.encode(uint48 validAfter, uint48 validUntil)`: how views and
    /// events carry a window.
    #[inline]
    pub fn encode(&self) -> Vec<u8> {
        AbiWriter::new(2)
            .uint(self.valid_after)
            .uint(self.valid_until)
            .finish()
    }

    /// Whether the window restricts anything (a start or an expiry).
    pub const fn is_bounded(&self) -> bool {
        self.valid_after != 0 || self.valid_until != 0
    }

    /// Whether `timestamp` lies inside the window: what a runtime call, an
    /// execution hook or a signature check decides with the clock.
    pub const fn contains(&self, timestamp: u64) -> bool {
        timestamp >= self.valid_after && (self.valid_until == 0 || timestamp <= self.valid_until)
    }

    /// The window as validation data, for the EntryPoint to enforce: what a
    /// user-operation validation returns, without reading the clock
    /// (ERC-7562 bans `TIMESTAMP` there).
    pub const fn validation_data(&self) -> ValidationData {
        ValidationData::window(self.valid_after, self.valid_until)
    }

    /// The two bounds as 12 bytes (`uint48` each, big-endian): how modules
    /// pack a window into one storage word.
    pub fn to_bytes(&self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[..6].copy_from_slice(&self.valid_after.to_be_bytes()[2..]);
        out[6..].copy_from_slice(&self.valid_until.to_be_bytes()[2..]);
        out
    }

    /// The inverse of [`Window::to_bytes`].
    pub fn from_bytes(bytes: &[u8; 12]) -> Self {
        let mut after = [0u8; 8];
        let mut until = [0u8; 8];
        after[2..].copy_from_slice(&bytes[..6]);
        until[2..].copy_from_slice(&bytes[6..]);
        Self {
            valid_after: u64::from_be_bytes(after),
            valid_until: u64::from_be_bytes(until),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_zero_means_no_expiry() {
        let w = Window::new(10, 20);
        assert!(!w.contains(9));
        assert!(w.contains(10) && w.contains(20));
        assert!(!w.contains(21));
        assert!(Window::new(5, 0).contains(u64::MAX));
        assert!(!Window::new(5, 0).contains(4));
    }

    #[test]
    fn errors_carry_the_window() {
        let w = Window::new(10, 20);
        assert_eq!(w.check_at(15), Ok(()));
        let err = w.check_at(21).unwrap_err();
        assert_eq!(err[..4], OUTSIDE_TIME_WINDOW);
        assert_eq!(err.len(), 4 + 3 * 32);
        assert_eq!(err[4 + 95], 21);
        assert_eq!(w.well_formed(), Ok(w));
        let err = Window::new(20, 20).well_formed().unwrap_err();
        assert_eq!(err[..4], INVALID_TIME_WINDOW);
        assert_eq!((err[4 + 31], err[4 + 63]), (20, 20));
        assert_eq!(
            w.encode(),
            [[0u8; 31].as_slice(), &[10], &[0u8; 31], &[20]].concat()
        );
    }

    #[test]
    fn shape_and_packing() {
        assert!(Window::new(0, 0).is_well_formed());
        assert!(!Window::new(0, 0).is_bounded());
        assert!(!Window::new(20, 20).is_well_formed());
        assert!(!Window::new(21, 20).is_well_formed());
        let w = Window::new(0xAABB_CCDD_EEFF, 0x1122_3344_5566);
        assert_eq!(Window::from_bytes(&w.to_bytes()), w);
        assert_eq!(w.validation_data().valid_until, 0x1122_3344_5566);
    }
}
