//! Keeps the lexical and vector indexes in step with the store.
//!
//! `state.bin` records, per file, the content hash and the node ids the
//! search indexes hold for it. A sync compares that with the store's file
//! records: removed or changed files lose their documents and vectors,
//! new or changed files are (re)embedded and added. The two indexes are
//! written first and the state last, each atomically, so an interrupted
//! sync is redone by the next one: deleting a file's documents by path
//! and re-adding its vectors by key are both idempotent.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use codegraph_core::NodeId;
use codegraph_graph::{FileRecord, Store};
use codegraph_vector::{
    compaction_due, default_model_dir, delta_path, Delta, Embedder, HttpEmbedder, MiniLmEmbedder,
    Precision, StaticEmbedder, VectorIndex,
};
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::docs::{may_be_searchable, SearchDoc};
use crate::lexical::LexicalIndex;
use crate::{damaged, SearchError};

pub const DEFAULT_EMBEDDER: &str = "static";
/// 4: the lexical index's fields became name, qualified and text;
/// 5: the state counts the symbols with a doc comment.
const STATE_VERSION: u32 = 5;
/// Files whose documents are built and embedded together.
const CHUNK_FILES: usize = 512;
/// Files beyond which a first build fits the embedder's corpus
/// statistics on an even sample of the files rather than on all of them.
const FIT_SAMPLE_FILES: usize = 16_384;
/// Texts per embedding call.
const EMBED_BATCH: usize = 256;

/// What a query needs of the state; it comes first in `state.bin`, so a
/// query decodes it without the (large) per-file map behind it.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct StateHeader {
    version: u32,
    pub(crate) embedder: String,
    pub(crate) dim: u32,
    /// Corpus statistics the embedder fitted at the first build
    /// ([`Embedder::fit_corpus`]); empty if it has none.
    pub(crate) corpus_stats: Vec<f32>,
    /// Symbols the search indexes hold, and how many of them have a doc
    /// comment, as of the last sync.
    pub(crate) symbols: u64,
    pub(crate) documented: u64,
}

impl StateHeader {
    /// The share of the symbols that have a doc comment (0 when there are
    /// none): how much the code says about itself in words.
    pub(crate) fn documented_share(&self) -> f32 {
        if self.symbols == 0 {
            0.0
        } else {
            (self.documented as f64 / self.symbols as f64) as f32
        }
    }
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct SyncState {
    header: StateHeader,
    files: HashMap<String, FileEntry>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct FileEntry {
    hash: u64,
    keys: Vec<u64>,
    /// xxh3 of each key's embedding text: a symbol whose text is the same
    /// after an edit elsewhere in its file keeps its vector.
    texts: Vec<u64>,
    /// How many of the keys' symbols have a doc comment.
    documented: u32,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SyncReport {
    pub embedder: String,
    pub files_updated: u64,
    pub files_removed: u64,
    pub symbols_embedded: u64,
    /// Symbols in the search indexes after the sync.
    pub symbols: u64,
    /// Of those, the ones with a doc comment.
    pub documented: u64,
    pub embed_seconds: f64,
    pub seconds: f64,
    pub vector_bytes: u64,
}

/// Where the search indexes of the store in `db_dir` live.
pub fn search_dir(db_dir: &Path) -> PathBuf {
    db_dir.join("search")
}

/// Built-in models (or symbol texts) earlier releases shipped: their
/// vectors cannot be queried with today's, so `search` asks for
/// `codegraph index`, which (through [`sync`]) rebuilds the search indexes.
/// `static-minilm-l6-v2@2` and `minilm*@1` embedded each body with its
/// signature repeated (and MiniLM 128 tokens, not 96);
/// `static-minilm-l6-v2@3` is the model before its rows were pulled
/// toward the teacher's sentence embeddings; `static-minilm-l6-v2@4` was
/// trained on twelve projects' texts.
const RETIRED: &[&str] = &[
    "static-minilm-l6-v2@1",
    "static-minilm-l6-v2@2",
    "static-minilm-l6-v2@3",
    "static-minilm-l6-v2@4",
    "minilm-l6-v2-int8@1",
    "minilm-l6-v2@1",
];

/// The embedder a name on the command line (`static`) or an id recorded
/// in an index (`static-minilm-l6-v2@5`) stands for.
/// `http` (or a recorded `http:MODEL`) reads its endpoint and model from
/// the environment (see [`HttpEmbedder`]).
pub fn embedder_for(name: &str) -> Result<Box<dyn Embedder>, SearchError> {
    match name {
        "static" | StaticEmbedder::ID => Ok(Box::new(StaticEmbedder::builtin()?)),
        retired if RETIRED.contains(&retired) => Err(SearchError::Retired {
            id: name.to_string(),
            embedder: if name.starts_with("minilm") {
                "minilm"
            } else {
                "static"
            },
        }),
        // Int8 where the CPU has AVX-512 VNNI, else f32; a recorded id
        // asks for the precision the index was built with.
        "minilm" | "minilm-l6-v2-int8@2" => {
            Ok(Box::new(MiniLmEmbedder::load(&default_model_dir())?))
        }
        "minilm-l6-v2@2" => Ok(Box::new(MiniLmEmbedder::load_with(
            &default_model_dir(),
            Precision::F32,
        )?)),
        "http" => Ok(Box::new(HttpEmbedder::from_env()?)),
        recorded if recorded.starts_with("http:") => {
            let embedder = HttpEmbedder::from_env()?;
            if embedder.id() != recorded {
                return Err(SearchError::EmbedderMismatch {
                    built: recorded.to_string(),
                    requested: embedder.id().to_string(),
                });
            }
            Ok(Box::new(embedder))
        }
        other => Err(SearchError::UnknownEmbedder(other.to_string())),
    }
}

pub(crate) fn state_path(dir: &Path) -> PathBuf {
    dir.join("state.bin")
}

/// The vector index file in the search directory `dir`.
pub fn vectors_path(dir: &Path) -> PathBuf {
    dir.join("vectors.usearch")
}

pub(crate) fn lexical_path(dir: &Path) -> PathBuf {
    dir.join("lexical")
}

/// What `state.bin` holds.
enum Stored<T> {
    Missing,
    /// Written in another layout (by another codegraph): this version.
    OtherLayout(u32),
    Current(T),
}

/// Reads `state.bin` once: its layout version comes first, then the rest
/// is decoded as `T` only if the layout is this build's.
fn read_state<T: serde::de::DeserializeOwned>(dir: &Path) -> Result<Stored<T>, SearchError> {
    let path = state_path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Stored::Missing),
        Err(e) => return Err(e.into()),
    };
    let corrupt = |message: String| SearchError::Corrupt {
        path: path.display().to_string(),
        message,
    };
    let (version, _) =
        postcard::take_from_bytes::<u32>(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if version != STATE_VERSION {
        return Ok(Stored::OtherLayout(version));
    }
    let (value, _rest) =
        postcard::take_from_bytes::<T>(&bytes).map_err(|e| corrupt(e.to_string()))?;
    Ok(Stored::Current(value))
}

/// The state without its per-file map (for queries); a state of another
/// layout is an error naming both versions.
pub(crate) fn load_header(dir: &Path) -> Result<Option<StateHeader>, SearchError> {
    match read_state(dir)? {
        Stored::Missing => Ok(None),
        Stored::OtherLayout(version) => Err(SearchError::OtherLayout {
            dir: dir.display().to_string(),
            found: version,
            expected: STATE_VERSION,
        }),
        Stored::Current(header) => Ok(Some(header)),
    }
}

fn save_state(dir: &Path, state: &SyncState) -> Result<(), SearchError> {
    let bytes = postcard::to_allocvec(state).map_err(|e| SearchError::Corrupt {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let tmp = dir.join("state.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, state_path(dir))?;
    Ok(())
}

/// Brings the search indexes in `dir` up to date with `store`, embedding
/// with `embedder`. Refuses (`EmbedderMismatch`) to add vectors from an
/// embedder other than the one the index was built with, unless that one
/// is a retired built-in model: then it rebuilds from scratch.
pub fn sync(
    store: &Store,
    dir: &Path,
    embedder: &mut dyn Embedder,
) -> Result<SyncReport, SearchError> {
    let started = Instant::now();
    std::fs::create_dir_all(dir)?;
    let mut loaded = match read_state::<SyncState>(dir)? {
        Stored::Missing => None,
        Stored::OtherLayout(_) => {
            // Written by another codegraph, in a layout this one cannot
            // update: rebuilt, as `--reembed` would.
            std::fs::remove_dir_all(dir)?;
            std::fs::create_dir_all(dir)?;
            None
        }
        Stored::Current(state) => Some(state),
    };
    if let Some(state) = &loaded {
        if RETIRED.contains(&state.header.embedder.as_str()) {
            // Nothing can be added to vectors of a model no longer shipped:
            // rebuild, as `--reembed` would.
            std::fs::remove_dir_all(dir)?;
            std::fs::create_dir_all(dir)?;
            loaded = None;
        }
    }
    let mut state = match loaded {
        Some(state) if state.header.embedder != embedder.id() => {
            return Err(SearchError::EmbedderMismatch {
                built: state.header.embedder,
                requested: embedder.id().to_string(),
            })
        }
        Some(state) => state,
        None => SyncState {
            header: StateHeader {
                version: STATE_VERSION,
                embedder: embedder.id().to_string(),
                dim: embedder.dim() as u32,
                corpus_stats: Vec::new(),
                symbols: 0,
                documented: 0,
            },
            files: HashMap::new(),
        },
    };
    // A first build reads every file's record: each file is new, and its
    // documents fit the embedder first. It finds the nodes that may be
    // documents in one scan of the nodes rather than reading each file's
    // nodes one by one (a C tree's object-like macros, fields and
    // variables, more than half of its nodes, are never documents).
    let first_build = if state.files.is_empty() {
        let mut candidates = store.node_ids_by_file(may_be_searchable)?;
        let files: Vec<(String, FileRecord)> = store
            .files()?
            .into_iter()
            .map(|(path, mut record)| {
                // Only the candidates, in the file's own order.
                let kept: HashSet<NodeId> = candidates
                    .remove(&path)
                    .unwrap_or_default()
                    .into_iter()
                    .collect();
                record.node_ids.retain(|id| kept.contains(id));
                (path, record)
            })
            .collect();
        Some(files)
    } else {
        None
    };
    if let Some(files) = &first_build {
        // First build: fit the embedder's corpus statistics before
        // embedding any document, streaming a chunk of files at a time so
        // memory stays bounded. A large tree is fitted on an even sample
        // of its files: a token's share of documents is as well estimated
        // from a hundred thousand of them as from a million, and each
        // document read costs as much as reading it again to embed it.
        let sample = even_sample(files, FIT_SAMPLE_FILES);
        let mut failure = None;
        let mut batches = sample.chunks(CHUNK_FILES).map(|chunk| {
            let built: Result<Vec<String>, SearchError> = chunk
                .par_iter()
                .map(|(path, record)| {
                    let docs = file_docs(store, path, record)?;
                    Ok(docs
                        .iter()
                        .map(SearchDoc::embedding_text)
                        .collect::<Vec<_>>())
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|texts| texts.concat());
            built.unwrap_or_else(|e| {
                failure.get_or_insert(e);
                Vec::new()
            })
        });
        state.header.corpus_stats = embedder.fit_corpus(&mut batches).unwrap_or_default();
        drop(batches);
        if let Some(e) = failure {
            return Err(e);
        }
    } else if !state.header.corpus_stats.is_empty() {
        embedder.load_corpus_stats(state.header.corpus_stats.clone());
    }
    let mut report = SyncReport {
        embedder: embedder.id().to_string(),
        ..SyncReport::default()
    };

    let (removed, changed, file_count) = match first_build {
        Some(files) => {
            let count = files.len();
            (Vec::new(), files, count)
        }
        None => changes(store, &state)?,
    };
    let lexical = LexicalIndex::open_or_create(&lexical_path(dir))?;
    if removed.is_empty() && changed.is_empty() && state_path(dir).exists() {
        report.symbols = state.header.symbols;
        report.documented = state.header.documented;
        report.vector_bytes = vector_bytes(dir);
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }
    let mut vectors = Vectors::open(
        dir,
        embedder.dim(),
        removed.len() + changed.len(),
        file_count,
    )?;
    let writer = lexical.writer()?;
    codegraph_graph::fault::checkpoint("search-start");

    for path in &removed {
        writer.delete_file(path);
        if let Some(entry) = state.files.remove(path) {
            for key in entry.keys {
                vectors.remove(key)?;
            }
        }
    }
    report.files_removed = removed.len() as u64;
    // The vectors of changed files, by key, with the hash of the text each
    // was embedded from: kept where the text is unchanged.
    let mut embedded: HashMap<u64, u64> = HashMap::new();
    for (path, _) in &changed {
        writer.delete_file(path);
        if let Some(entry) = state.files.remove(path) {
            embedded.extend(entry.keys.into_iter().zip(entry.texts));
        }
    }

    for chunk in changed.chunks(CHUNK_FILES) {
        let built: Vec<(String, u64, Vec<SearchDoc>)> = chunk
            .par_iter()
            .map(|(path, record)| {
                let docs = file_docs(store, path, record)?;
                Ok((path.clone(), record.content_hash, docs))
            })
            .collect::<Result<_, SearchError>>()?;
        let docs: Vec<&SearchDoc> = built.iter().flat_map(|(_, _, d)| d).collect();
        let texts: Vec<String> = docs.par_iter().map(|d| d.embedding_text()).collect();
        let hashes: Vec<u64> = texts.iter().map(|t| xxh3_64(t.as_bytes())).collect();
        // Only new symbols, and those whose text changed, are embedded.
        let fresh: Vec<usize> = (0..docs.len())
            .filter(|&i| embedded.remove(&docs[i].id) != Some(hashes[i]))
            .collect();
        let embed_started = Instant::now();
        let batches: Vec<Vec<f32>> = fresh
            .par_chunks(EMBED_BATCH)
            .map(|batch| {
                let refs: Vec<&str> = batch.iter().map(|&i| texts[i].as_str()).collect();
                let mut out = Vec::with_capacity(refs.len() * embedder.dim());
                embedder.embed(&refs, &mut out)?;
                Ok(out)
            })
            .collect::<Result<_, SearchError>>()?;
        report.embed_seconds += embed_started.elapsed().as_secs_f64();
        let keys: Vec<u64> = fresh.iter().map(|&i| docs[i].id).collect();
        vectors.add(&keys, &batches.concat())?;
        writer.add_all(&docs)?;
        report.symbols_embedded += fresh.len() as u64;
        codegraph_graph::fault::checkpoint("search-chunk");
        let mut hashes = hashes.into_iter();
        for (path, hash, docs) in built {
            let keys = docs.iter().map(|d| d.id).collect();
            let texts = hashes.by_ref().take(docs.len()).collect();
            let documented = docs.iter().filter(|d| d.is_documented()).count() as u32;
            let entry = FileEntry {
                hash,
                keys,
                texts,
                documented,
            };
            state.files.insert(path, entry);
        }
    }
    // Symbols of changed files that are gone.
    for key in embedded.into_keys() {
        vectors.remove(key)?;
    }
    report.files_updated = changed.len() as u64;

    // Each write is atomic; the state goes last, so a run that stops
    // between them (killed, disk full) is redone by the next.
    durable_write(dir, "search-lexical", || writer.commit())?;
    state.count_symbols();
    let symbols = state.header.symbols as usize;
    durable_write(dir, "search-vectors", || vectors.save(dir, symbols))?;
    durable_write(dir, "search-state", || save_state(dir, &state))?;
    report.symbols = state.header.symbols;
    report.documented = state.header.documented;
    report.vector_bytes = vector_bytes(dir);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// At most `limit` of `items`, evenly spaced from the first: all of them
/// when there are no more.
fn even_sample<T>(items: &[T], limit: usize) -> Vec<&T> {
    let step = items.len().div_ceil(limit.max(1)).max(1);
    items.iter().step_by(step).collect()
}

/// Paths removed, files changed (with their records), and files in all.
type Changes = (Vec<String>, Vec<(String, FileRecord)>, usize);

/// What a later sync updates: the paths `state` has that the store no
/// longer has, the records of the files whose content hash differs from
/// `state`'s (only those read whole), and the store's file count.
fn changes(store: &Store, state: &SyncState) -> Result<Changes, SearchError> {
    let hashes = store.file_hashes()?;
    let live: HashMap<&str, u64> = hashes.iter().map(|(p, h)| (p.as_str(), *h)).collect();
    let removed: Vec<String> = state
        .files
        .keys()
        .filter(|p| !live.contains_key(p.as_str()))
        .cloned()
        .collect();
    let changed: Vec<(String, FileRecord)> = hashes
        .iter()
        .filter(|(p, h)| state.files.get(p).is_none_or(|e| e.hash != *h))
        .map(|(p, _)| Ok(store.file(p)?.map(|r| (p.clone(), r))))
        .filter_map(Result::transpose)
        .collect::<Result<_, SearchError>>()?;
    Ok((removed, changed, hashes.len()))
}

impl SyncState {
    /// Counts, into the header, the symbols the search indexes hold and
    /// those with a doc comment.
    fn count_symbols(&mut self) {
        let (symbols, documented) = self.files.values().fold((0, 0), |(s, d), e| {
            (s + e.keys.len() as u64, d + u64::from(e.documented))
        });
        self.header.symbols = symbols;
        self.header.documented = documented;
    }
}

/// Where a sync puts its vector changes: into the index itself, loaded
/// whole (the first build, or one that changes a large share of the
/// files), or into the small delta beside it, so that a one-file edit on
/// a kernel-sized index neither reads nor writes the index.
enum Vectors {
    Direct(VectorIndex),
    Delta(Delta),
}

impl Vectors {
    fn open(
        dir: &Path,
        dim: usize,
        files_changed: usize,
        files: usize,
    ) -> Result<Vectors, SearchError> {
        let index_file = vectors_path(dir);
        let delta_file = delta_path(&index_file);
        let delta = Delta::load(&delta_file, dim).map_err(|e| damaged(&delta_file, e))?;
        if index_file.exists() && !compaction_due(files_changed, files) {
            return Ok(Vectors::Delta(delta));
        }
        Ok(Vectors::Direct(folded(&index_file, delta)?))
    }

    fn remove(&mut self, key: u64) -> Result<(), SearchError> {
        match self {
            Vectors::Direct(index) => index.remove(key)?,
            Vectors::Delta(delta) => delta.remove(key),
        }
        Ok(())
    }

    fn add(&mut self, keys: &[u64], vectors: &[f32]) -> Result<(), SearchError> {
        match self {
            Vectors::Direct(index) => index.add(keys, vectors)?,
            Vectors::Delta(delta) => delta.add(keys, vectors),
        }
        Ok(())
    }

    /// Writes the changes: the delta alone, unless it has grown past its
    /// share of the `symbols` indexed, when it is folded into the index.
    /// The index is written before the (then empty) delta.
    fn save(self, dir: &Path, symbols: usize) -> Result<(), SearchError> {
        let index_file = vectors_path(dir);
        let delta_file = delta_path(&index_file);
        let index = match self {
            Vectors::Delta(delta) if !compaction_due(delta.entries(), symbols) => {
                return Ok(delta.save(&delta_file)?);
            }
            Vectors::Delta(delta) => folded(&index_file, delta)?,
            Vectors::Direct(index) => index,
        };
        index.save(&index_file)?;
        Delta::new(index.dim()).save(&delta_file)?;
        Ok(())
    }
}

/// The index in `index_file` with `delta` folded into it.
fn folded(index_file: &Path, mut delta: Delta) -> Result<VectorIndex, SearchError> {
    let index = VectorIndex::open(index_file, delta.dim())?;
    delta.apply_to(&index)?;
    Ok(index)
}

/// Bytes the vectors take on disk: the index and its delta.
fn vector_bytes(dir: &Path) -> u64 {
    let index_file = vectors_path(dir);
    [delta_path(&index_file), index_file]
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum()
}

/// One atomic write of the search indexes in `dir`, behind the fault
/// point `name`; a failure is a `WriteFailed`, which leaves the earlier
/// indexes answering.
fn durable_write<E: std::fmt::Display>(
    dir: &Path,
    name: &str,
    write: impl FnOnce() -> Result<(), E>,
) -> Result<(), SearchError> {
    let failed = |detail: String| SearchError::WriteFailed {
        dir: dir.display().to_string(),
        detail,
    };
    codegraph_graph::fault::before_write(name).map_err(|e| failed(e.to_string()))?;
    write().map_err(|e| failed(e.to_string()))?;
    codegraph_graph::fault::checkpoint(name);
    Ok(())
}

/// The search documents of one stored file.
pub fn file_docs(
    store: &Store,
    path: &str,
    record: &FileRecord,
) -> Result<Vec<SearchDoc>, SearchError> {
    if record.node_ids.is_empty() {
        return Ok(Vec::new());
    }
    let Some(source) = store.file_source(path)? else {
        return Ok(Vec::new());
    };
    let nodes = store.get_nodes(&record.node_ids)?;
    Ok(nodes
        .iter()
        .flatten()
        .filter_map(|node| SearchDoc::new(node, &source))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegraph_graph::OpenMode;
    use codegraph_vector::EmbedError;

    /// An embedder of another name and dimension.
    /// An 8-dimensional stand-in recording the id it is given.
    struct Other(&'static str);

    impl Embedder for Other {
        fn id(&self) -> &str {
            self.0
        }
        fn dim(&self) -> usize {
            8
        }
        fn embed(&self, texts: &[&str], out: &mut Vec<f32>) -> Result<(), EmbedError> {
            out.extend(std::iter::repeat_n(0.5, texts.len() * 8));
            Ok(())
        }
    }

    #[test]
    fn corpus_statistics_of_a_large_tree_come_from_an_even_sample() {
        let files: Vec<u32> = (0..100).collect();
        assert_eq!(even_sample(&files, 1000).len(), 100);
        assert_eq!(even_sample(&files, 100).len(), 100);
        // Every fourth file, spread over the whole tree.
        let sample: Vec<u32> = even_sample(&files, 30).into_iter().copied().collect();
        assert_eq!(sample, (0..100).step_by(4).collect::<Vec<_>>());
        assert_eq!(even_sample(&files, 0), [&0]);
        assert!(even_sample::<u32>(&[], 30).is_empty());
    }

    #[test]
    fn an_index_of_a_retired_builtin_model_asks_for_a_reembed() {
        for id in RETIRED {
            let err = embedder_for(id).err().unwrap().to_string();
            let family = id.split('-').next().unwrap();
            let rerun = format!("run `codegraph index --embedder {family}` to rebuild");
            assert!(err.contains(&rerun), "{err}");
        }
    }

    #[test]
    fn indexing_rebuilds_the_vectors_of_a_retired_builtin_model() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), OpenMode::ReadWrite).unwrap();
        let search = dir.path().join("search");
        sync(&store, &search, &mut Other("static-minilm-l6-v2@1")).unwrap();
        let mut builtin = embedder_for(DEFAULT_EMBEDDER).unwrap();
        let report = sync(&store, &search, builtin.as_mut()).unwrap();
        assert_eq!(report.embedder, "static-minilm-l6-v2@5");
        let header = load_header(&search).unwrap().unwrap();
        assert_eq!(header.embedder, "static-minilm-l6-v2@5");
        assert!(crate::Searcher::open(&store, &search).is_ok());
    }

    #[test]
    fn a_state_of_another_layout_is_rebuilt_not_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), OpenMode::ReadWrite).unwrap();
        let search = dir.path().join("search");
        let mut builtin = embedder_for(DEFAULT_EMBEDDER).unwrap();
        sync(&store, &search, builtin.as_mut()).unwrap();
        // A state.bin an earlier release wrote (its version comes first).
        let mut bytes = postcard::to_allocvec(&(STATE_VERSION - 1)).unwrap();
        bytes.extend_from_slice(b"older layout");
        std::fs::write(state_path(&search), bytes).unwrap();
        // A query is told what to run, not that the index is damaged.
        let refused = load_header(&search).err().unwrap().to_string();
        assert!(
            refused.contains("another version of codegraph")
                && refused.contains("run `codegraph index`"),
            "{refused}"
        );
        sync(&store, &search, builtin.as_mut()).unwrap();
        assert_eq!(
            load_header(&search).unwrap().unwrap().version,
            STATE_VERSION
        );
    }

    #[test]
    fn refuses_to_mix_embedders() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), OpenMode::ReadWrite).unwrap();
        let search = dir.path().join("search");
        let mut builtin = embedder_for(DEFAULT_EMBEDDER).unwrap();
        sync(&store, &search, builtin.as_mut()).unwrap();
        let err = sync(&store, &search, &mut Other("other@1"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("built with embedder 'static-minilm-l6-v2@5', not 'other@1'")
                && err.contains("--reembed"),
            "{err}"
        );
        // The index it refused to touch still opens with its own embedder.
        assert!(crate::Searcher::open(&store, &search).is_ok());
    }
}
