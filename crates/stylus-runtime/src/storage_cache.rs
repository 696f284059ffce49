//! The per-call storage cache a Stylus program reads and writes through,
//! as Nitro keeps it (`crates/arbutil/src/evm/storage.rs`): reads are served
//! from the cache after the first load, writes stay in the cache until the
//! program flushes them (the SDK does before every call and at exit).

use std::collections::HashMap;

use alloy_primitives::U256;

use crate::pricing::{cache_read_gas, cache_write_gas};

/// One dirty slot: its new value and, if the program had loaded it, the
/// value the chain holds.
#[derive(Debug, Clone, Copy)]
struct Dirty {
    value: U256,
    known: Option<U256>,
}

/// The cache of one program call.
#[derive(Debug, Default)]
pub(crate) struct StorageCache {
    clean: HashMap<U256, U256>,
    dirty: HashMap<U256, Dirty>,
    reads: usize,
    writes: usize,
}

impl StorageCache {
    /// Counts a read and returns its cache gas.
    pub(crate) fn read_gas(&mut self) -> u64 {
        self.reads += 1;
        cache_read_gas(self.reads)
    }

    /// Counts a write and returns its cache gas.
    pub(crate) fn write_gas(&mut self) -> u64 {
        self.writes += 1;
        cache_write_gas(self.writes)
    }

    /// The cached value of `key`, if any.
    pub(crate) fn get(&self, key: &U256) -> Option<U256> {
        self.dirty
            .get(key)
            .map(|d| d.value)
            .or_else(|| self.clean.get(key).copied())
    }

    /// Records a value loaded from the chain.
    pub(crate) fn insert_known(&mut self, key: U256, value: U256) {
        if self.get(&key).is_none() {
            self.clean.insert(key, value);
        }
    }

    /// Caches a write.
    pub(crate) fn cache(&mut self, key: U256, value: U256) {
        if let Some(dirty) = self.dirty.get_mut(&key) {
            dirty.value = value;
            return;
        }
        match self.clean.remove(&key) {
            Some(known) if known == value => {
                self.clean.insert(key, known);
            }
            known => {
                self.dirty.insert(key, Dirty { value, known });
            }
        }
    }

    /// The slots to write, in ascending key order. Unless `clear`, their
    /// values become clean entries; with `clear`, the cache is emptied.
    pub(crate) fn flush(&mut self, clear: bool) -> Vec<(U256, U256)> {
        let dirty = std::mem::take(&mut self.dirty);
        let mut entries: Vec<(U256, U256)> = Vec::with_capacity(dirty.len());
        for (key, word) in dirty {
            if word.known != Some(word.value) {
                entries.push((key, word.value));
            }
            if !clear {
                self.clean.insert(key, word.value);
            }
        }
        if clear {
            self.clean.clear();
        }
        entries.sort_unstable_by_key(|(key, _)| *key);
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u64) -> U256 {
        U256::from(v)
    }

    #[test]
    fn flush_writes_only_changed_slots_in_key_order() {
        let mut cache = StorageCache::default();
        cache.insert_known(u(1), u(11));
        cache.insert_known(u(2), u(22));
        cache.cache(u(2), u(222));
        cache.cache(u(9), u(9));
        cache.cache(u(3), u(3));
        assert_eq!(
            cache.flush(false),
            vec![(u(2), u(222)), (u(3), u(3)), (u(9), u(9))]
        );
        assert!(cache.flush(false).is_empty());
        assert_eq!(cache.get(&u(2)), Some(u(222)));
        cache.cache(u(1), u(111));
        assert_eq!(cache.flush(true), vec![(u(1), u(111))]);
        assert_eq!(cache.get(&u(2)), None);
    }

    #[test]
    fn restoring_the_known_value_writes_nothing() {
        let mut cache = StorageCache::default();
        cache.insert_known(u(1), u(11));
        cache.cache(u(1), u(12));
        cache.cache(u(1), u(11));
        assert!(cache.flush(false).is_empty());
    }
}
