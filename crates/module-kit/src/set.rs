//! An enumerable set of 32-byte keys stored in a [`Scope`].
//!
//! Three tags per set: `base` holds the length, `base + 1` the items by
//! index, and `base + 2` each key's 1-based position (0 = absent).
//! Membership costs one storage read; removal swaps the last item into the
//! hole, so the order of the list is not stable.

use permission_core::{B256, U256};
use stylus_sdk::stylus_core::Host;

use crate::scope::{index_key, word_u64, Scope};

/// A set inside a scope, identified by its base tag.
pub struct KeySet<'s, 'h, H: Host> {
    scope: &'s Scope<'h, H>,
    base: u8,
}

impl<'s, 'h, H: Host> KeySet<'s, 'h, H> {
    /// The set at `base` (which uses tags `base..=base + 2`).
    pub fn new(scope: &'s Scope<'h, H>, base: u8) -> Self {
        Self { scope, base }
    }

    fn len_tag(&self) -> u8 {
        self.base
    }
    fn item_tag(&self) -> u8 {
        self.base.wrapping_add(1)
    }
    fn position_tag(&self) -> u8 {
        self.base.wrapping_add(2)
    }

    /// Number of keys.
    pub fn len(&self) -> u64 {
        word_u64(&self.scope.read(self.len_tag(), &[0u8; 32]))
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key at `index` (< `len()`).
    pub fn at(&self, index: u64) -> [u8; 32] {
        self.scope.read(self.item_tag(), &index_key(index)).0
    }

    fn position(&self, key: &[u8; 32]) -> u64 {
        word_u64(&self.scope.read(self.position_tag(), key))
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, key: &[u8; 32]) -> bool {
        self.position(key) != 0
    }

    fn set_len(&self, len: u64) {
        self.scope
            .write(self.len_tag(), &[0u8; 32], B256::from(index_key(len)));
    }

    /// Adds `key`; returns false if it was already present.
    pub fn insert(&self, key: &[u8; 32]) -> bool {
        if self.contains(key) {
            return false;
        }
        let len = self.len();
        // A set cannot hold 2^64 keys: each insert costs a storage write.
        let new_len = len.saturating_add(1);
        self.scope
            .write(self.item_tag(), &index_key(len), B256::from(*key));
        self.scope
            .write(self.position_tag(), key, B256::from(index_key(new_len)));
        self.set_len(new_len);
        true
    }

    /// Removes `key`; returns false if it was absent.
    pub fn remove(&self, key: &[u8; 32]) -> bool {
        let position = self.position(key);
        if position == 0 {
            return false;
        }
        let len = self.len();
        let last_index = len.saturating_sub(1);
        let index = position - 1;
        if index != last_index {
            let last = self.at(last_index);
            self.scope
                .write(self.item_tag(), &index_key(index), B256::from(last));
            self.scope
                .write(self.position_tag(), &last, B256::from(index_key(position)));
        }
        self.scope
            .write(self.item_tag(), &index_key(last_index), B256::ZERO);
        self.scope.write(self.position_tag(), key, B256::ZERO);
        self.set_len(last_index);
        true
    }
}

/// A `uint256` as a key word.
pub fn u256_key(value: U256) -> [u8; 32] {
    value.to_be_bytes()
}
