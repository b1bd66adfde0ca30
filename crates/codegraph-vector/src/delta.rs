//! Small updates to a large vector index without rewriting it.
//!
//! Saving a kernel-sized HNSW index rewrites hundreds of megabytes, and
//! loading it for an update reads as many: too slow for a watch that
//! re-indexes one saved file. So an update may go to a *delta* beside the
//! index instead: the keys whose stored vector no longer counts (removed
//! or replaced) and the new vectors, quantised as the index quantises
//! them. A query searches the index without the hidden keys and scans the
//! delta exactly, then merges the two. When the delta outgrows a share of
//! the index ([`compaction_due`]), the next update folds it in and writes
//! the index whole.
//!
//! Both files are replaced atomically, the index before the delta: a run
//! that stops between the two leaves a delta that hides and re-adds what
//! the index already holds, which answers the same.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::index::{quantise, VectorHit, VectorIndex, VectorIndexError};

const MAGIC: &[u8; 4] = b"CGVD";
const VERSION: u32 = 1;

/// Deltas up to this many entries never force a compaction.
const COMPACT_MIN: usize = 4096;
/// Beyond [`COMPACT_MIN`], a delta is folded in once it holds this share
/// (1/n) of the index's vectors.
const COMPACT_SHARE: usize = 16;

/// The delta file beside the index file `index`.
pub fn delta_path(index: &Path) -> std::path::PathBuf {
    index.with_extension("delta")
}

/// Whether a delta of `entries` (hidden keys plus new vectors) over an
/// index of `total` vectors should be folded into it.
pub fn compaction_due(entries: usize, total: usize) -> bool {
    entries > COMPACT_MIN.max(total / COMPACT_SHARE)
}

/// Hidden keys and new vectors over an index.
#[derive(Default, Debug, PartialEq)]
pub struct Delta {
    dim: usize,
    /// Keys whose vector in the index no longer counts.
    hidden: HashSet<u64>,
    /// The current vector of each key added since the index was written.
    added: HashMap<u64, Vec<i8>>,
}

impl Delta {
    pub fn new(dim: usize) -> Delta {
        Delta {
            dim,
            ..Delta::default()
        }
    }

    /// Reads the delta at `path`; an absent file is an empty delta.
    pub fn load(path: &Path, dim: usize) -> Result<Delta, VectorIndexError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Delta::new(dim)),
            Err(e) => return Err(VectorIndexError::Native(format!("{}: {e}", path.display()))),
        };
        let damaged = |what: &str| VectorIndexError::Native(format!("{}: {what}", path.display()));
        let mut r = Reader(&bytes);
        if r.take(4) != Some(MAGIC.as_slice()) || r.u32() != Some(VERSION) {
            return Err(damaged("not a vector delta of this version"));
        }
        let found = r.u32().ok_or_else(|| damaged("truncated"))? as usize;
        if found != dim {
            return Err(VectorIndexError::Dimensions {
                path: path.display().to_string(),
                found,
                expected: dim,
            });
        }
        let mut delta = Delta::new(dim);
        let hidden = r.u64().ok_or_else(|| damaged("truncated"))?;
        for _ in 0..hidden {
            delta
                .hidden
                .insert(r.u64().ok_or_else(|| damaged("truncated"))?);
        }
        let added = r.u64().ok_or_else(|| damaged("truncated"))?;
        for _ in 0..added {
            let key = r.u64().ok_or_else(|| damaged("truncated"))?;
            let v = r.take(dim).ok_or_else(|| damaged("truncated"))?;
            delta
                .added
                .insert(key, v.iter().map(|&b| b as i8).collect());
        }
        if !r.0.is_empty() {
            return Err(damaged("trailing bytes"));
        }
        Ok(delta)
    }

    /// Writes the delta to `path` atomically (temporary file, then
    /// rename); an empty delta removes the file.
    pub fn save(&self, path: &Path) -> Result<(), VectorIndexError> {
        let io = |e: std::io::Error| VectorIndexError::Native(format!("{}: {e}", path.display()));
        if self.is_empty() {
            return match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
                _ => Ok(()),
            };
        }
        let mut out =
            Vec::with_capacity(24 + self.hidden.len() * 8 + self.added.len() * (8 + self.dim));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(self.dim as u32).to_le_bytes());
        out.extend_from_slice(&(self.hidden.len() as u64).to_le_bytes());
        for key in &self.hidden {
            out.extend_from_slice(&key.to_le_bytes());
        }
        out.extend_from_slice(&(self.added.len() as u64).to_le_bytes());
        for (key, v) in &self.added {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend(v.iter().map(|&x| x as u8));
        }
        let tmp = path.with_extension("delta-tmp");
        std::fs::write(&tmp, out).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty() && self.added.is_empty()
    }

    /// Hidden keys plus new vectors: what a query scans beyond the index.
    pub fn entries(&self) -> usize {
        self.hidden.len() + self.added.len()
    }

    /// `key` no longer has a vector.
    pub fn remove(&mut self, key: u64) {
        self.added.remove(&key);
        self.hidden.insert(key);
    }

    /// Adds `keys.len()` vectors (row-major, `dim` per key), replacing any
    /// earlier vector of a key, in the delta or the index.
    pub fn add(&mut self, keys: &[u64], vectors: &[f32]) {
        assert_eq!(keys.len() * self.dim, vectors.len(), "one vector per key");
        for (&key, v) in keys.iter().zip(vectors.chunks_exact(self.dim)) {
            self.hidden.insert(key);
            self.added.insert(key, quantise(v));
        }
    }

    /// Folds the delta into `index` and empties it.
    pub fn apply_to(&mut self, index: &VectorIndex) -> Result<(), VectorIndexError> {
        for key in self.hidden.drain() {
            if index.contains(key) {
                index.remove(key)?;
            }
        }
        let (keys, vectors): (Vec<u64>, Vec<Vec<i8>>) = self.added.drain().unzip();
        index.add_quantised(&keys, &vectors.concat())
    }
}

/// An index and the delta over it, as a query sees them. The index may be
/// shared with other readers ([`shared_view`]).
pub struct LayeredIndex {
    base: std::sync::Arc<VectorIndex>,
    delta: Delta,
    len: usize,
}

impl LayeredIndex {
    pub fn new(base: std::sync::Arc<VectorIndex>, delta: Delta) -> LayeredIndex {
        let hidden_in_base = delta.hidden.iter().filter(|&&k| base.contains(k)).count();
        let len = base.len() - hidden_in_base + delta.added.len();
        LayeredIndex { base, delta, len }
    }

    /// Vectors a query can find.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `k` nearest vectors to `query` (unit length): the index's
    /// (without hidden keys) and the delta's, merged.
    pub fn search(&self, query: &[f32], k: usize) -> Result<Vec<VectorHit>, VectorIndexError> {
        let hidden = &self.delta.hidden;
        let mut hits = if hidden.is_empty() {
            self.base.search(query, k)?
        } else {
            self.base.search_without(query, k, hidden)?
        };
        if !self.delta.added.is_empty() {
            let q = quantise(query);
            hits.extend(self.delta.added.iter().map(|(&key, v)| VectorHit {
                key,
                similarity: cosine_i8(&q, v),
            }));
            hits.sort_by(|a, b| {
                b.similarity
                    .total_cmp(&a.similarity)
                    .then(a.key.cmp(&b.key))
            });
            hits.truncate(k);
        }
        Ok(hits)
    }
}

/// The index file at `path`, memory-mapped read-only: the mapping made
/// earlier in this process if the file has not been replaced since (same
/// inode, size and modification time), so a server that reopens its
/// indexes after each update does not map the unchanged vectors again
/// (usearch rebuilds its key table on every view: ~0.3 s for a kernel).
pub fn shared_view(
    path: &Path,
    dim: usize,
) -> Result<std::sync::Arc<VectorIndex>, VectorIndexError> {
    use std::os::unix::fs::MetadataExt;
    use std::sync::{Arc, Mutex, Weak};
    type Stamp = (std::path::PathBuf, u64, u64, i64, i64);
    static VIEWS: Mutex<Vec<(Stamp, Weak<VectorIndex>)>> = Mutex::new(Vec::new());
    let meta = std::fs::metadata(path)
        .map_err(|e| VectorIndexError::Native(format!("{}: {e}", path.display())))?;
    let stamp = (
        path.to_path_buf(),
        meta.ino(),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
    );
    let mut views = VIEWS.lock().unwrap_or_else(|e| e.into_inner());
    views.retain(|(_, view)| view.strong_count() > 0);
    if let Some(view) = views
        .iter()
        .find(|(s, _)| *s == stamp)
        .and_then(|(_, view)| view.upgrade())
        .filter(|view| view.dim() == dim)
    {
        return Ok(view);
    }
    let view = Arc::new(VectorIndex::view(path, dim)?);
    views.push((stamp, Arc::downgrade(&view)));
    Ok(view)
}

/// Cosine similarity of two int8 vectors.
fn cosine_i8(a: &[i8], b: &[i8]) -> f32 {
    let (mut dot, mut na, mut nb) = (0i64, 0i64, 0i64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as i64, y as i64);
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0 || nb == 0 {
        return 0.0;
    }
    dot as f32 / ((na as f32).sqrt() * (nb as f32).sqrt())
}

/// Little-endian fields read off the front of a byte slice.
struct Reader<'b>(&'b [u8]);

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::{filled, unit};

    /// The layered index answers as one index holding the same vectors.
    #[test]
    fn a_delta_answers_as_the_index_it_stands_for() {
        let dim = 16;
        let base = filled(0..200, dim);
        let mut delta = Delta::new(dim);
        // Key 5 removed, key 7 replaced by key 300's vector, key 400 new.
        delta.remove(5);
        delta.add(&[7, 400], &[unit(300, dim), unit(400, dim)].concat());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.delta");
        delta.save(&path).unwrap();
        let loaded = Delta::load(&path, dim).unwrap();
        assert_eq!(loaded, delta);

        let layered = LayeredIndex::new(std::sync::Arc::new(base), loaded);
        assert_eq!(layered.len(), 200);
        let one = VectorIndex::new(dim).unwrap();
        let mut keys: Vec<u64> = (0..200).filter(|&k| k != 5).collect();
        keys.push(400);
        let vectors: Vec<f32> = keys
            .iter()
            .flat_map(|&k| unit(if k == 7 { 300 } else { k }, dim))
            .collect();
        one.add(&keys, &vectors).unwrap();
        for seed in [5, 7, 300, 400, 11] {
            let q = unit(seed, dim);
            let want: Vec<u64> = one.search(&q, 5).unwrap().iter().map(|h| h.key).collect();
            let got: Vec<u64> = layered
                .search(&q, 5)
                .unwrap()
                .iter()
                .map(|h| h.key)
                .collect();
            assert_eq!(got, want, "query {seed}");
        }
        let top = layered.search(&unit(300, dim), 1).unwrap();
        assert_eq!(top[0].key, 7);
        assert!(top[0].similarity > 0.99);

        // Folded in, the delta is gone and the index answers the same.
        let mut delta = Delta::load(&path, dim).unwrap();
        let base = std::sync::Arc::into_inner(layered.base).unwrap();
        delta.apply_to(&base).unwrap();
        assert!(delta.is_empty());
        delta.save(&path).unwrap();
        assert!(!path.exists());
        assert_eq!(base.len(), 200);
        let q = unit(300, dim);
        assert_eq!(base.search(&q, 1).unwrap()[0].key, 7);
    }

    #[test]
    fn an_unchanged_index_file_is_mapped_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.usearch");
        let index = VectorIndex::new(4).unwrap();
        index.add(&[1], &[1.0, 0.0, 0.0, 0.0]).unwrap();
        index.save(&path).unwrap();
        let first = shared_view(&path, 4).unwrap();
        let again = shared_view(&path, 4).unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        // Replaced (as a compaction does): mapped anew, the old mapping
        // still answering its holders.
        index.add(&[2], &[0.0, 1.0, 0.0, 0.0]).unwrap();
        index.save(&path).unwrap();
        let fresh = shared_view(&path, 4).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&first, &fresh));
        assert_eq!((first.len(), fresh.len()), (1, 2));
    }

    #[test]
    fn a_damaged_delta_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.delta");
        let mut delta = Delta::new(4);
        delta.add(&[1], &[1.0, 0.0, 0.0, 0.0]);
        delta.save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Delta::load(&path, 4).is_err());
        std::fs::write(&path, b"junk").unwrap();
        assert!(Delta::load(&path, 4).is_err());
        delta.save(&path).unwrap();
        assert!(matches!(
            Delta::load(&path, 8),
            Err(VectorIndexError::Dimensions { .. })
        ));
    }

    #[test]
    fn compaction_waits_for_a_share_of_the_index() {
        assert!(!compaction_due(100, 1_000_000));
        assert!(!compaction_due(COMPACT_MIN, 10));
        assert!(compaction_due(COMPACT_MIN + 1, 10));
        assert!(!compaction_due(60_000, 1_000_000));
        assert!(compaction_due(70_000, 1_000_000));
    }
}
