//! The id index: ids to item (or section) positions in O(1), holding keyed hashes of the
//! ids rather than copies of them.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use super::{Item, ItemIndex, Section, SectionIndex};

/// Ids to indices (of items, or of sections), in O(1), without a second copy of every id.
///
/// The map holds a keyed hash of each id (SipHash with per-process random keys, as
/// `HashMap` uses, so input cannot be crafted to collide) and the index; a lookup
/// confirms the candidate against the id the indexed element holds. Two ids that share a
/// 64-bit hash (not expected ever, but possible) are kept apart in a small side map keyed
/// by the id itself. Growing the map rehashes `u64`s, never re-reads the ids.
#[derive(Debug, Clone)]
pub(crate) struct IdIndex<I = ItemIndex> {
    keys: RandomState,
    by_hash: HashMap<u64, I, BuildHasherDefault<Prehashed>>,
    collided: HashMap<String, I>,
}

impl<I> Default for IdIndex<I> {
    fn default() -> Self {
        IdIndex {
            keys: RandomState::new(),
            by_hash: HashMap::default(),
            collided: HashMap::new(),
        }
    }
}

/// What an [`IdIndex`] indexes: elements with an id, addressed by a position.
pub(crate) trait Identified {
    /// The index type.
    type Index: Copy;
    /// The position of an index.
    fn position(index: Self::Index) -> usize;
    /// The element's id.
    fn id(&self) -> &str;
}

impl Identified for Item {
    type Index = ItemIndex;
    fn position(index: ItemIndex) -> usize {
        index.get()
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Section {
    type Index = SectionIndex;
    fn position(index: SectionIndex) -> usize {
        index.get()
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl<I: Copy> IdIndex<I> {
    /// The hash `get_hashed` and `insert_hashed` take (so that a caller doing both pays
    /// for it once).
    #[inline]
    pub(crate) fn hash(&self, id: &str) -> u64 {
        self.keys.hash_one(id)
    }

    /// The index of the element with this id; `elements` are those indexed so far.
    pub(crate) fn get<T: Identified<Index = I>>(&self, id: &str, elements: &[T]) -> Option<I> {
        self.get_hashed(id, self.hash(id), elements)
    }

    /// [`IdIndex::get`] with the id's [`IdIndex::hash`].
    pub(crate) fn get_hashed<T: Identified<Index = I>>(
        &self,
        id: &str,
        hash: u64,
        elements: &[T],
    ) -> Option<I> {
        if let Some(&i) = self.by_hash.get(&hash)
            && elements.get(T::position(i)).is_some_and(|e| e.id() == id)
        {
            return Some(i);
        }
        if self.collided.is_empty() {
            None
        } else {
            self.collided.get(id).copied()
        }
    }

    /// Indexes a new id (not already present), with its [`IdIndex::hash`], for the
    /// element at `index`.
    pub(crate) fn insert_hashed(&mut self, id: &str, hash: u64, index: I) {
        match self.by_hash.entry(hash) {
            Entry::Vacant(v) => {
                v.insert(index);
            }
            Entry::Occupied(_) => {
                self.collided.insert(id.to_string(), index);
            }
        }
    }

    /// Room for `n` more ids.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }
}

/// The hasher of a map whose keys are already hashes: passes them through.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are `u64`); this keeps the hasher total.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
