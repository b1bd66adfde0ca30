//! Byte-bounded caches for a long-lived reader (a server, an MCP session):
//! decoded nodes, adjacency lists and query embeddings, each within its
//! share of one budget, with hits, misses, evictions and bytes counted.
//!
//! Invalidation is by construction: a cache belongs to one opened store,
//! and a reader opens a new store for each completed index run (see
//! [`crate::generation`]), so no entry outlives the run it was read from.
//! A writable store has no caches.

use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use codegraph_core::{Edge, Node, NodeId};
use quick_cache::sync::Cache;
use quick_cache::{DefaultHashBuilder, Lifecycle, Weighter};
use serde::Serialize;

/// The default budget of all a reader's caches together.
pub const DEFAULT_CACHE_BYTES: u64 = 64 << 20;

/// What an entry costs: its heap bytes plus a fixed overhead per entry.
pub trait Weigh {
    fn heap_bytes(&self) -> u64;
}

/// Bookkeeping of one entry in the cache's table (key, value header, slot).
const ENTRY_OVERHEAD: u64 = 64;

#[derive(Clone)]
struct ByteWeight;

impl<K, V: Weigh> Weighter<K, V> for ByteWeight {
    fn weight(&self, _key: &K, value: &V) -> u64 {
        ENTRY_OVERHEAD + value.heap_bytes()
    }
}

/// Counts evictions (replacing an entry is none).
#[derive(Clone, Default)]
struct CountEvictions(Arc<AtomicU64>);

impl<K, V> Lifecycle<K, V> for CountEvictions {
    type RequestState = ();

    fn begin_request(&self) -> Self::RequestState {}

    fn on_evict(&self, _state: &mut Self::RequestState, _key: K, _value: V) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// One cache's counters, as `stats` and `/metrics` report them.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct CacheStats {
    pub name: &'static str,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
    pub entries: u64,
    pub bytes: u64,
    pub capacity_bytes: u64,
}

/// A concurrent cache holding at most `capacity` bytes of values.
pub struct Bounded<K, V> {
    name: &'static str,
    inner: Cache<K, V, ByteWeight, DefaultHashBuilder, CountEvictions>,
    evictions: Arc<AtomicU64>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<K: Eq + Hash + Clone, V: Weigh + Clone> Bounded<K, V> {
    /// A cache of `capacity` bytes whose entries weigh about `typical`.
    pub fn new(name: &'static str, capacity: u64, typical: u64) -> Bounded<K, V> {
        let capacity = capacity.max(1);
        let evictions = CountEvictions::default();
        let items = (capacity / (typical + ENTRY_OVERHEAD)).clamp(16, 1 << 22) as usize;
        Bounded {
            name,
            inner: Cache::with(
                items,
                capacity,
                ByteWeight,
                DefaultHashBuilder::default(),
                evictions.clone(),
            ),
            evictions: evictions.0,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let found = self.inner.get(key);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps `value` unless it alone would take over a quarter of the
    /// cache (one huge answer must not flush every small one).
    pub fn insert(&self, key: K, value: V) {
        if ENTRY_OVERHEAD + value.heap_bytes() <= self.inner.capacity() / 4 {
            self.inner.insert(key, value);
        }
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            name: self.name,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            entries: self.inner.len() as u64,
            bytes: self.inner.weight(),
            capacity_bytes: self.inner.capacity(),
        }
    }
}

impl Weigh for Node {
    fn heap_bytes(&self) -> u64 {
        (std::mem::size_of::<Node>()
            + self.name.len()
            + self.qualified_name.len()
            + self.file.len()
            + self.signature.as_ref().map_or(0, String::len)
            + self.doc.as_ref().map_or(0, String::len)) as u64
    }
}

/// A node's edges under one key prefix, or the mark of a hub whose edges
/// are too many to keep (they are scanned each time, bounded by the
/// query's limit).
#[derive(Clone)]
pub enum Adjacency {
    Listed(Arc<[Edge]>),
    Hub,
}

impl Weigh for Adjacency {
    fn heap_bytes(&self) -> u64 {
        match self {
            Adjacency::Listed(edges) => (edges.len() * std::mem::size_of::<Edge>()) as u64,
            Adjacency::Hub => 0,
        }
    }
}

/// A query's embedding.
#[derive(Clone)]
pub struct Embedding(pub Arc<[f32]>);

impl Weigh for Embedding {
    fn heap_bytes(&self) -> u64 {
        (self.0.len() * 4) as u64
    }
}

/// Which edges an adjacency entry holds: into or out of `node`, of one
/// kind or (`kind` 255) all.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AdjacencyKey {
    pub node: NodeId,
    pub incoming: bool,
    pub kind: u8,
}

/// How one budget is shared: the graph caches take most of it (every
/// query reads nodes and edges), query embeddings little (a few hundred
/// bytes each), and the rest is the reader's answer cache.
pub fn shares(total: u64) -> Shares {
    Shares {
        nodes: total / 8 * 3,
        adjacency: total / 8 * 3,
        embeddings: total / 16,
        answers: total - total / 8 * 6 - total / 16,
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Shares {
    pub nodes: u64,
    pub adjacency: u64,
    pub embeddings: u64,
    pub answers: u64,
}

/// The store's caches: decoded nodes, adjacency lists, query embeddings.
pub struct StoreCaches {
    pub nodes: Bounded<NodeId, Node>,
    pub adjacency: Bounded<AdjacencyKey, Adjacency>,
    pub embeddings: Bounded<String, Embedding>,
}

impl StoreCaches {
    pub fn new(shares: Shares) -> StoreCaches {
        StoreCaches {
            nodes: Bounded::new("nodes", shares.nodes, 200),
            adjacency: Bounded::new("adjacency", shares.adjacency, 400),
            embeddings: Bounded::new("query_embeddings", shares.embeddings, 1536),
        }
    }

    pub fn stats(&self) -> Vec<CacheStats> {
        vec![
            self.nodes.stats(),
            self.adjacency.stats(),
            self.embeddings.stats(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Blob(usize);

    impl Weigh for Blob {
        fn heap_bytes(&self) -> u64 {
            self.0 as u64
        }
    }

    #[test]
    fn a_cache_stays_within_its_bytes_and_counts_what_happens() {
        let cache: Bounded<u32, Blob> = Bounded::new("test", 64 << 10, 1000);
        for i in 0..1000 {
            cache.insert(i, Blob(1000));
        }
        let stats = cache.stats();
        assert!(stats.bytes <= 64 << 10, "{stats:?}");
        assert!(stats.evictions > 0, "{stats:?}");
        assert_eq!(stats.entries as usize, cache.inner.len());
        let kept = (0..1000).filter(|i| cache.get(i).is_some()).count() as u64;
        let stats = cache.stats();
        assert_eq!(stats.hits, kept);
        assert_eq!(stats.misses, 1000 - kept);
        // One value larger than a quarter of the cache is not kept.
        cache.insert(5000, Blob(20 << 10));
        assert!(cache.get(&5000).is_none());
    }
}
