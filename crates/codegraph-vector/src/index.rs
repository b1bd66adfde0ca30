//! The vector index: int8-quantised vectors keyed by node id in a usearch
//! HNSW graph (cosine). Below [`EXACT_BELOW`] vectors a query scans them
//! all (exact, and at that size as fast as the graph); above it the graph
//! answers and the exact scan stays available as the recall reference.

use std::path::Path;

use rayon::prelude::*;
use usearch::{Index, IndexOptions, MetricKind, ScalarKind};

/// Sizes below which search is an exact scan.
pub const EXACT_BELOW: usize = 20_000;

/// HNSW neighbours per node: 12 with a search expansion of 512 keeps
/// recall@10 ≥ 0.95 under 400 B/vector (benches/vectors.rs)
/// for 256-d int8 vectors.
const CONNECTIVITY: usize = 12;
/// Candidates an insert keeps for its links. On a million kernel lines
/// (benches/vectors.rs, one run): 64 builds in 49.9 s at recall@10 0.952
/// (search expansion 512), 128 in 89.0 s at 0.969, 48 in 42.5 s at 0.918.
const EXPANSION_ADD: usize = 64;
/// Candidates an HNSW search keeps (recall against time), from
/// [`SMALL_BELOW`] vectors up.
const EXPANSION_SEARCH: usize = 512;
/// Candidates an HNSW search keeps in an index of fewer than
/// [`SMALL_BELOW`] vectors.
const SMALL_EXPANSION_SEARCH: usize = 256;
/// The size below which [`SMALL_EXPANSION_SEARCH`] candidates keep
/// recall@10 ≥ 0.95. Measured on distinct kernel source lines with the
/// built-in model (`benches/vectors.rs`), recall@10 at 256 and 512
/// candidates: 150k vectors 0.969 and 0.978 (search p50 300 and 582 µs),
/// 300k 0.948 and 0.957, 500k 0.940 and 0.951, 1M 0.921 and 0.946.
const SMALL_BELOW: usize = 200_000;

/// The candidates an HNSW search keeps in an index of `len` vectors.
pub fn expansion_search_for(len: usize) -> usize {
    if len < SMALL_BELOW {
        SMALL_EXPANSION_SEARCH
    } else {
        EXPANSION_SEARCH
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VectorIndexError {
    #[error("vector index: {0}")]
    Native(String),
    #[error("vector index {path}: built with {found} dimensions, expected {expected}")]
    Dimensions {
        path: String,
        found: usize,
        expected: usize,
    },
}

fn native(e: impl std::fmt::Display) -> VectorIndexError {
    VectorIndexError::Native(e.to_string())
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub struct VectorHit {
    pub key: u64,
    /// Cosine similarity, 1.0 = same direction.
    pub similarity: f32,
}

/// Searches that may run at once. usearch keeps one search context per
/// thread slot and fails a search that finds none free, so the slots are
/// reserved on open and a search waits for one ([`Slots`]).
pub const SEARCH_SLOTS: usize = 32;

/// A counting semaphore over the search contexts.
#[derive(Default)]
struct Slots {
    busy: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Slots {
    fn run<T>(&self, search: impl FnOnce() -> T) -> T {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= SEARCH_SLOTS {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy += 1;
        drop(busy);
        let result = search();
        *self.busy.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        self.freed.notify_one();
        result
    }
}

pub struct VectorIndex {
    index: Index,
    dim: usize,
    slots: Slots,
}

fn options(dim: usize, expansion_add: usize) -> IndexOptions {
    IndexOptions {
        dimensions: dim,
        metric: MetricKind::Cos,
        quantization: ScalarKind::I8,
        connectivity: CONNECTIVITY,
        expansion_add,
        expansion_search: EXPANSION_SEARCH,
        multi: false,
    }
}

impl VectorIndex {
    pub fn new(dim: usize) -> Result<VectorIndex, VectorIndexError> {
        VectorIndex::with_expansion_add(dim, EXPANSION_ADD)
    }

    /// An empty index whose inserts each keep `expansion_add` candidates
    /// for their links (build time against recall; `benches/vectors.rs`
    /// compares values on real vectors).
    pub fn with_expansion_add(
        dim: usize,
        expansion_add: usize,
    ) -> Result<VectorIndex, VectorIndexError> {
        Ok(VectorIndex {
            index: Index::new(&options(dim, expansion_add)).map_err(native)?,
            dim,
            slots: Slots::default(),
        })
    }

    /// Loads `path` into memory for updating, or starts empty when it does
    /// not exist.
    pub fn open(path: &Path, dim: usize) -> Result<VectorIndex, VectorIndexError> {
        let index = VectorIndex::new(dim)?;
        if path.exists() {
            index.index.load(&path_str(path)?).map_err(native)?;
            index.check_dim(path)?;
        }
        index.ready_for_search()?;
        Ok(index)
    }

    /// Memory-maps `path` read-only for queries (no load time).
    pub fn view(path: &Path, dim: usize) -> Result<VectorIndex, VectorIndexError> {
        let index = VectorIndex::new(dim)?;
        index.index.view(&path_str(path)?).map_err(native)?;
        index.check_dim(path)?;
        index.ready_for_search()?;
        Ok(index)
    }

    /// Sizes the index's search expansion to what it holds, and reserves
    /// its search slots.
    fn ready_for_search(&self) -> Result<(), VectorIndexError> {
        self.set_expansion_search(expansion_search_for(self.len()));
        let members = self.index.capacity().max(self.index.size());
        self.index
            .reserve_capacity_and_threads(members, SEARCH_SLOTS)
            .map_err(native)
    }

    fn check_dim(&self, path: &Path) -> Result<(), VectorIndexError> {
        if self.index.dimensions() != self.dim {
            return Err(VectorIndexError::Dimensions {
                path: path.display().to_string(),
                found: self.index.dimensions(),
                expected: self.dim,
            });
        }
        Ok(())
    }

    /// Writes the index to `path` atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), VectorIndexError> {
        let tmp = path.with_extension("tmp");
        self.index.save(&path_str(&tmp)?).map_err(native)?;
        std::fs::rename(&tmp, path).map_err(native)
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn len(&self) -> usize {
        self.index.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the index holds in memory (vectors and graph).
    pub fn memory_bytes(&self) -> usize {
        self.index.memory_usage()
    }

    /// Bytes the index takes on disk.
    pub fn serialized_bytes(&self) -> usize {
        self.index.serialized_length()
    }

    /// Adds `keys.len()` vectors (`vectors` is row-major, `dim` per key),
    /// replacing any vector already stored under a key. Inserts run in
    /// parallel on the rayon pool.
    pub fn add(&self, keys: &[u64], vectors: &[f32]) -> Result<(), VectorIndexError> {
        assert_eq!(keys.len() * self.dim, vectors.len(), "one vector per key");
        let quantised: Vec<i8> = vectors
            .par_chunks_exact(self.dim)
            .flat_map_iter(quantise)
            .collect();
        self.add_quantised(keys, &quantised)
    }

    /// Adds vectors already quantised ([`quantise`]), `dim` bytes per key,
    /// replacing any vector stored under a key.
    pub(crate) fn add_quantised(
        &self,
        keys: &[u64],
        vectors: &[i8],
    ) -> Result<(), VectorIndexError> {
        assert_eq!(keys.len() * self.dim, vectors.len(), "one vector per key");
        for &key in keys {
            if self.index.contains(key) {
                self.index.remove(key).map_err(native)?;
            }
        }
        self.reserve(keys.len())?;
        keys.par_iter()
            .zip(vectors.par_chunks_exact(self.dim))
            .try_for_each(|(&key, v)| self.index.add(key, v).map_err(native))
    }

    fn reserve(&self, more: usize) -> Result<(), VectorIndexError> {
        let needed = self.len() + more;
        if needed > self.index.capacity() {
            let threads = rayon::current_num_threads().max(SEARCH_SLOTS);
            self.index
                .reserve_capacity_and_threads(needed.max(self.index.capacity() * 2), threads)
                .map_err(native)?;
        }
        Ok(())
    }

    pub fn contains(&self, key: u64) -> bool {
        self.index.contains(key)
    }

    pub fn remove(&self, key: u64) -> Result<(), VectorIndexError> {
        self.index.remove(key).map(|_| ()).map_err(native)
    }

    /// The `k` nearest vectors to `query` (unit length): exact scan for
    /// small indexes, HNSW otherwise.
    pub fn search(&self, query: &[f32], k: usize) -> Result<Vec<VectorHit>, VectorIndexError> {
        if self.len() < EXACT_BELOW {
            self.search_exact(query, k)
        } else {
            let query = quantise(query);
            let m = self
                .slots
                .run(|| self.index.search(&query, k))
                .map_err(native)?;
            Ok(hits(m.keys, m.distances))
        }
    }

    /// The `k` nearest vectors to `query` whose keys are not in `hidden`.
    pub fn search_without(
        &self,
        query: &[f32],
        k: usize,
        hidden: &std::collections::HashSet<u64>,
    ) -> Result<Vec<VectorHit>, VectorIndexError> {
        if self.len() < EXACT_BELOW {
            // Exact search takes no filter: fetch as many more as could be
            // hidden, then drop those.
            let mut found = self.search_exact(query, k + hidden.len())?;
            found.retain(|h| !hidden.contains(&h.key));
            found.truncate(k);
            return Ok(found);
        }
        let query = quantise(query);
        let m = self
            .slots
            .run(|| {
                self.index
                    .filtered_search(&query, k, |key| !hidden.contains(&key))
            })
            .map_err(native)?;
        Ok(hits(m.keys, m.distances))
    }

    /// The exact `k` nearest vectors (brute force over every vector).
    pub fn search_exact(
        &self,
        query: &[f32],
        k: usize,
    ) -> Result<Vec<VectorHit>, VectorIndexError> {
        let query = quantise(query);
        let m = self
            .slots
            .run(|| self.index.exact_search(&query, k))
            .map_err(native)?;
        Ok(hits(m.keys, m.distances))
    }

    /// Changes how many candidates an HNSW search keeps (recall vs time).
    pub fn set_expansion_search(&self, n: usize) {
        self.index.change_expansion_search(n);
    }
}

/// A vector as int8 scaled so its largest component is ±127. Cosine does
/// not see the scale, so each vector gets its own: usearch's cast of f32
/// (the unit vector times 127) leaves a 256-d embedding's typical
/// component at ±8, and recall@10 against exact f32 cosine at 0.90 where
/// this gives 0.97 (`scripts/ann-compare`).
pub(crate) fn quantise(v: &[f32]) -> Vec<i8> {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    if max == 0.0 || !max.is_finite() {
        return vec![0; v.len()];
    }
    let scale = 127.0 / max;
    v.iter()
        .map(|x| (x * scale).round().clamp(-127.0, 127.0) as i8)
        .collect()
}

fn hits(keys: Vec<u64>, distances: Vec<f32>) -> Vec<VectorHit> {
    keys.into_iter()
        .zip(distances)
        .map(|(key, d)| VectorHit {
            key,
            similarity: 1.0 - d,
        })
        .collect()
}

fn path_str(path: &Path) -> Result<String, VectorIndexError> {
    path.to_str()
        .map(str::to_string)
        .ok_or_else(|| VectorIndexError::Native(format!("path is not UTF-8: {}", path.display())))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A pseudo-random unit vector of `dim` components, the same for a seed.
    pub(crate) fn unit(seed: u64, dim: usize) -> Vec<f32> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut v: Vec<f32> = (0..dim)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 2001) as f32 / 1000.0 - 1.0
            })
            .collect();
        let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
        v.iter_mut().for_each(|a| *a /= n);
        v
    }

    /// An index holding `unit(k, dim)` under each key `k`.
    pub(crate) fn filled(keys: impl IntoIterator<Item = u64>, dim: usize) -> VectorIndex {
        let index = VectorIndex::new(dim).unwrap();
        let keys: Vec<u64> = keys.into_iter().collect();
        let vectors: Vec<f32> = keys.iter().flat_map(|&k| unit(k, dim)).collect();
        index.add(&keys, &vectors).unwrap();
        index
    }

    #[test]
    fn an_index_searches_with_the_expansion_its_size_calls_for() {
        assert_eq!(
            expansion_search_for(SMALL_BELOW - 1),
            SMALL_EXPANSION_SEARCH
        );
        assert_eq!(expansion_search_for(SMALL_BELOW), EXPANSION_SEARCH);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.usearch");
        filled(0..50, 16).save(&path).unwrap();
        for index in [
            VectorIndex::view(&path, 16).unwrap(),
            VectorIndex::open(&path, 16).unwrap(),
        ] {
            assert_eq!(index.index.expansion_search(), SMALL_EXPANSION_SEARCH);
        }
    }

    #[test]
    fn quantised_vectors_keep_their_cosine() {
        let (a, b) = (unit(1, 256), unit(2, 256));
        let cos = |x: &[f32], y: &[f32]| -> f32 {
            let dot: f32 = x.iter().zip(y).map(|(p, q)| p * q).sum();
            let n = |v: &[f32]| v.iter().map(|p| p * p).sum::<f32>().sqrt();
            dot / (n(x) * n(y))
        };
        let widen = |v: Vec<i8>| v.into_iter().map(f32::from).collect::<Vec<f32>>();
        let (qa, qb) = (widen(quantise(&a)), widen(quantise(&b)));
        assert!(qa.iter().any(|&x| x.abs() == 127.0));
        assert!((cos(&qa, &qb) - cos(&a, &b)).abs() < 0.01);
        assert!((cos(&qa, &widen(quantise(&a))) - 1.0).abs() < 1e-6);
        assert!(quantise(&[0.0; 4]).iter().all(|&x| x == 0));
    }

    #[test]
    fn more_concurrent_searches_than_search_slots_all_answer() {
        let dim = 16;
        let index = filled(0..300, dim);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.usearch");
        index.save(&path).unwrap();
        // A viewed index, as a server holds it, searched from many threads.
        let viewed = VectorIndex::view(&path, dim).unwrap();
        std::thread::scope(|scope| {
            for t in 0..(SEARCH_SLOTS as u64 * 2) {
                let viewed = &viewed;
                scope.spawn(move || {
                    for k in 0..20 {
                        let key = (t * 20 + k) % 300;
                        let hits = viewed.search(&unit(key, dim), 1).unwrap();
                        assert_eq!(hits[0].key, key);
                    }
                });
            }
        });
    }

    #[test]
    fn finds_itself_replaces_removes_and_persists() {
        let dim = 32;
        let index = filled(1..=200, dim);
        assert_eq!(index.len(), 200);
        let hit = index.search(&unit(7, dim), 1).unwrap()[0];
        assert_eq!(hit.key, 7);
        assert!(hit.similarity > 0.98, "{hit:?}");

        // Re-adding a key replaces its vector.
        index.add(&[7], &unit(1000, dim)).unwrap();
        assert_eq!(index.len(), 200);
        assert_ne!(index.search(&unit(7, dim), 1).unwrap()[0].key, 7);

        index.remove(8).unwrap();
        assert!(index
            .search(&unit(8, dim), 5)
            .unwrap()
            .iter()
            .all(|h| h.key != 8));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.usearch");
        index.save(&path).unwrap();
        let back = VectorIndex::view(&path, dim).unwrap();
        assert_eq!(back.len(), 199);
        assert_eq!(back.search(&unit(9, dim), 1).unwrap()[0].key, 9);
        assert!(matches!(
            VectorIndex::open(&path, 64),
            Err(VectorIndexError::Dimensions { .. })
        ));
    }

    /// Incremental updates remove and re-add vectors: usearch reuses the
    /// removed slots, so replacing every vector, again and again, neither
    /// grows the index nor degrades the graph.
    #[test]
    fn replacing_vectors_reuses_slots_and_keeps_recall() {
        let dim = 16;
        let index = VectorIndex::new(dim).unwrap();
        let mut next = crate::kernels::test_values(3);
        let keys: Vec<u64> = (0..EXACT_BELOW as u64 + 5_000).collect();
        let mut first_bytes = 0;
        for round in 0..3 {
            let v: Vec<f32> = (0..keys.len() * dim).map(|_| next()).collect();
            index.add(&keys, &v).unwrap();
            assert_eq!(index.len(), keys.len());
            if round == 0 {
                first_bytes = index.memory_bytes();
            }
            assert_eq!(index.memory_bytes(), first_bytes, "round {round}");
            let mut found = 0;
            for _ in 0..100 {
                let q: Vec<f32> = (0..dim).map(|_| next()).collect();
                let graph: Vec<u64> = index
                    .search(&q, 10)
                    .unwrap()
                    .iter()
                    .map(|h| h.key)
                    .collect();
                let exact = index.search_exact(&q, 10).unwrap();
                found += exact.iter().filter(|h| graph.contains(&h.key)).count();
            }
            let recall = found as f64 / 1000.0;
            assert!(recall >= 0.95, "round {round}: recall@10 {recall}");
        }
    }
}
