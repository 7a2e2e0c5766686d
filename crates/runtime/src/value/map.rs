//! `MapData`: a Deluge KEY-VALUE — insertion-ordered entries, looked up by a linear scan while
//! the map has at most 16 entries and through a hash index once it grows.
//!
//! The layout follows CPython's compact dict: the entries are one `Vec<(key, value)>` (32 bytes
//! each) in insertion order, and a separate index of `u32` entry positions is built only when a
//! map passes [`SMALL`] entries. Most Deluge maps are records of a handful of fields (a CRM
//! record, a JSON object, an API payload): for them there is no index at all, an empty map is
//! 32 bytes, and a lookup compares a few keys lying side by side. `IndexMap` kept a
//! 96-byte header, a stored hash per entry (40 bytes) and an 8-byte-per-bucket index for every
//! map, which made maps built from JSON take ~1.5× CPython's memory (docs/benchmarks.md).
//!
//! Keys hash with foldhash under a per-process random seed, so crafted keys (from a JSON
//! response, say) cannot be chosen to collide. Hashes are not stored: growing the index hashes
//! the keys again, which for short texts costs less than the memory of keeping them.

use super::Value;
use foldhash::fast::FoldHasher;
use foldhash::SharedSeed;
use hashbrown::HashTable;
use std::hash::{Hash, Hasher};

/// Maps with at most this many entries have no index: a lookup scans the keys. Measured on
/// the bench workloads (`scripts/icount.sh`): 16 beat 8 by 4–5 % on json_rt and sync (their
/// 11-field records need no index) and saved 3 MB of 56 on json_rt.
const SMALL: usize = 16;

#[derive(Default, Clone)]
pub struct MapData {
    entries: Vec<(Value, Value)>,
    /// Positions in `entries`, present once the map has grown past [`SMALL`] entries. `u32`:
    /// 4 billion entries would take over 128 GB, far past any memory budget.
    index: Option<Box<HashTable<u32>>>,
}

#[inline]
fn hash_key(key: &Value) -> u64 {
    // A fixed per-hasher seed over the process's random shared seed: one random seed per run.
    let mut h = FoldHasher::with_seed(0x243f_6a88_85a3_08d3, SharedSeed::global_random());
    // A text key only ever equals a text and a number only a number (strict equality), so
    // each may hash its payload alone: one `write` instead of tag, bytes and terminator.
    match key {
        Value::Text(t) => h.write(t.as_bytes()),
        Value::Int(n) => h.write_u64(*n as u64),
        other => other.hash(&mut h),
    }
    h.finish()
}

/// The key comparison of a scan: texts and numbers inline, everything else by `==`.
#[inline(always)]
fn same_key(probe: &Value, key: &Value) -> bool {
    match (probe, key) {
        (Value::Text(a), Value::Text(b)) => a == b,
        (Value::Text(_), _) | (_, Value::Text(_)) => false,
        _ => probe == key,
    }
}

impl MapData {
    pub fn new() -> MapData {
        MapData::default()
    }

    pub fn with_capacity(n: usize) -> MapData {
        let mut m = MapData { entries: Vec::with_capacity(n), index: None };
        if n > SMALL {
            m.index = Some(Box::new(HashTable::with_capacity(n)));
        }
        m
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of `key` in insertion order.
    #[inline]
    pub fn get_index_of(&self, key: &Value) -> Option<usize> {
        match &self.index {
            None => self.entries.iter().position(|(k, _)| same_key(key, k)),
            Some(index) => {
                let entries = &self.entries;
                index
                    .find(hash_key(key), |&i| same_key(key, &entries[i as usize].0))
                    .map(|&i| i as usize)
            }
        }
    }

    #[inline]
    pub fn get(&self, key: &Value) -> Option<&Value> {
        let i = self.get_index_of(key)?;
        Some(&self.entries[i].1)
    }

    #[inline]
    pub fn get_mut(&mut self, key: &Value) -> Option<&mut Value> {
        let i = self.get_index_of(key)?;
        Some(&mut self.entries[i].1)
    }

    #[inline]
    pub fn contains_key(&self, key: &Value) -> bool {
        self.get_index_of(key).is_some()
    }

    /// Sets `key` to `value`: an existing key keeps its position and gives back its old value,
    /// a new key goes last.
    pub fn insert(&mut self, key: Value, value: Value) -> Option<Value> {
        let Some(index) = &mut self.index else {
            if let Some(i) = self.entries.iter().position(|(k, _)| same_key(&key, k)) {
                return Some(std::mem::replace(&mut self.entries[i].1, value));
            }
            self.entries.push((key, value));
            if self.entries.len() > SMALL {
                self.build_index();
            }
            return None;
        };
        let hash = hash_key(&key);
        let entries = &mut self.entries;
        match index.find(hash, |&i| same_key(&key, &entries[i as usize].0)) {
            Some(&i) => Some(std::mem::replace(&mut entries[i as usize].1, value)),
            None => {
                index.insert_unique(hash, entries.len() as u32, |&j| {
                    hash_key(&entries[j as usize].0)
                });
                entries.push((key, value));
                None
            }
        }
    }

    #[cold]
    fn build_index(&mut self) {
        let mut index = HashTable::with_capacity(self.entries.capacity());
        for (i, (k, _)) in self.entries.iter().enumerate() {
            index.insert_unique(hash_key(k), i as u32, |_| unreachable!("sized for every entry"));
        }
        self.index = Some(Box::new(index));
    }

    /// Removes `key`, keeping the order of the others; gives back its value.
    pub fn shift_remove(&mut self, key: &Value) -> Option<Value> {
        let i = self.get_index_of(key)?;
        self.shift_remove_index(i).map(|(_, v)| v)
    }

    /// Removes the entry at position `i`, keeping the order of the others.
    pub fn shift_remove_index(&mut self, i: usize) -> Option<(Value, Value)> {
        if i >= self.entries.len() {
            return None;
        }
        if let Some(index) = &mut self.index {
            let hash = hash_key(&self.entries[i].0);
            if let Ok(slot) = index.find_entry(hash, |&j| j as usize == i) {
                slot.remove();
            }
            // Every later entry moves up one place.
            let moved = i as u32;
            for j in index.iter_mut() {
                if *j > moved {
                    *j -= 1;
                }
            }
        }
        Some(self.entries.remove(i))
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = None;
    }

    /// Releases spare capacity (maps parsed from JSON are sized once and then mostly read).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        if let Some(index) = &mut self.index {
            let entries = &self.entries;
            index.shrink_to_fit(|&j| hash_key(&entries[j as usize].0));
        }
    }

    /// Keeps the entries for which `keep` says so, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Value, &mut Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.entries.len() != before {
            self.reindex();
        }
    }

    /// Reorders the entries by `cmp` (a stable sort), then rebuilds the index.
    pub fn sort_by(
        &mut self,
        mut cmp: impl FnMut(&Value, &Value, &Value, &Value) -> std::cmp::Ordering,
    ) {
        self.entries.sort_by(|(k1, v1), (k2, v2)| cmp(k1, v1, k2, v2));
        self.reindex();
    }

    fn reindex(&mut self) {
        self.index = None;
        if self.entries.len() > SMALL {
            self.build_index();
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (&Value, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// In-order iteration over `(key, value)` references.
pub struct Iter<'a>(std::slice::Iter<'a, (Value, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Value, &'a Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a MapData {
    type Item = (&'a Value, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for MapData {
    type Item = (Value, Value);
    type IntoIter = std::vec::IntoIter<(Value, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl FromIterator<(Value, Value)> for MapData {
    fn from_iter<I: IntoIterator<Item = (Value, Value)>>(iter: I) -> MapData {
        let iter = iter.into_iter();
        let mut m = MapData::with_capacity(iter.size_hint().0);
        m.extend(iter);
        m
    }
}

impl Extend<(Value, Value)> for MapData {
    fn extend<I: IntoIterator<Item = (Value, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl std::fmt::Debug for MapData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> Value {
        if i % 3 == 0 {
            Value::Int(i as i64)
        } else {
            Value::text(format!("k{i}"))
        }
    }

    /// The small form and the indexed form agree with a plain ordered list of pairs through
    /// inserts, overwrites, removals, retain and sort, across the [`SMALL`] boundary.
    #[test]
    fn behaves_like_an_ordered_list_of_pairs() {
        for n in [0, 1, SMALL - 1, SMALL, SMALL + 1, 40, 300] {
            let mut m = MapData::new();
            let mut model: Vec<(Value, Value)> = Vec::new();
            for i in 0..n {
                assert_eq!(m.insert(key(i), Value::Int(i as i64)), None);
                model.push((key(i), Value::Int(i as i64)));
            }
            // Overwrite every fourth key: the position stays.
            for i in (0..n).step_by(4) {
                assert_eq!(m.insert(key(i), Value::Int(-1)), Some(Value::Int(i as i64)));
                model[i].1 = Value::Int(-1);
            }
            // Remove every fifth key, from the back so model positions stay valid.
            for i in (0..n).step_by(5).rev() {
                assert_eq!(m.shift_remove(&key(i)), Some(model[i].1.clone()));
                model.remove(i);
            }
            assert_eq!(m.len(), model.len());
            for (pos, (k, v)) in model.iter().enumerate() {
                assert_eq!(m.get_index_of(k), Some(pos), "n={n} key {k:?}");
                assert_eq!(m.get(k), Some(v));
            }
            assert!(m.get(&Value::text("absent")).is_none());
            assert!(m.get(&Value::Int(-7)).is_none());
            let pairs: Vec<_> = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            assert_eq!(pairs, model);

            m.retain(|k, _| !matches!(k, Value::Int(_)));
            model.retain(|(k, _)| !matches!(k, Value::Int(_)));
            m.sort_by(|a, _, b, _| b.to_display().cmp(&a.to_display()));
            model.sort_by_key(|(k, _)| std::cmp::Reverse(k.to_display()));
            for (pos, (k, _)) in model.iter().enumerate() {
                assert_eq!(m.get_index_of(k), Some(pos));
            }
            m.insert(Value::text("new"), Value::Null);
            assert_eq!(m.get_index_of(&Value::text("new")), Some(model.len()));
        }
    }

    #[test]
    fn text_and_number_keys_stay_distinct() {
        let mut m = MapData::new();
        m.insert(Value::Int(1), Value::text("number"));
        m.insert(Value::text("1"), Value::text("text"));
        m.insert(Value::Dec(1.0), Value::text("decimal"));
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(&Value::text("1")), Some(&Value::text("text")));
        for i in 0..20 {
            m.insert(Value::Int(100 + i), Value::Null);
        }
        assert_eq!(m.get(&Value::Int(1)), Some(&Value::text("number")));
        assert_eq!(m.get(&Value::Dec(1.0)), Some(&Value::text("decimal")));
    }

    #[test]
    fn sizes() {
        assert_eq!(std::mem::size_of::<MapData>(), 32);
    }
}
