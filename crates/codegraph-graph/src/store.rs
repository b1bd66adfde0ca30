//! Opening the database, checking its schema, and point/prefix reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegraph_core::{Edge, EdgeKind, Language, Node, NodeId, UnresolvedRef, SCHEMA_VERSION};
use rocksdb::{
    BlockBasedOptions, Cache, ColumnFamily, ColumnFamilyDescriptor, DBCompressionType, Direction,
    IteratorMode, MemtableFactory, Options, ReadOptions, DB,
};

use crate::keys;

pub(crate) const CF_NODES: &str = "nodes";
pub(crate) const CF_OUT: &str = "out_edges";
pub(crate) const CF_IN: &str = "in_edges";
pub(crate) const CF_NAMES: &str = "names";
pub(crate) const CF_TOKENS: &str = "tokens";
pub(crate) const CF_REFS: &str = "refs";
pub(crate) const CF_FILES: &str = "files";
pub(crate) const CF_SOURCES: &str = "sources";
pub(crate) const CF_META: &str = "meta";
pub(crate) const CF_RESOLVED: &str = "resolved";
pub(crate) const CF_REF_NAMES: &str = "ref_names";
pub(crate) const CF_PENDING: &str = "pending";
/// What `OpenMode::Lookup` opens: name lookups and the nodes they name.
const LOOKUP_FAMILIES: [&str; 4] = [CF_NODES, CF_NAMES, CF_TOKENS, CF_META];

/// What `OpenMode::BulkLoad` fills through unsorted memtables: the
/// families a first build writes in bulk and reads only once flushed (its
/// name tokens it writes in one sorted pass, `crate::tokens`).
const BULK_FAMILIES: [&str; 7] = [
    CF_NODES,
    CF_NAMES,
    CF_REFS,
    CF_SOURCES,
    CF_REF_NAMES,
    CF_OUT,
    CF_IN,
];

const COLUMN_FAMILIES: [&str; 12] = [
    CF_NODES,
    CF_OUT,
    CF_IN,
    CF_NAMES,
    CF_TOKENS,
    CF_REFS,
    CF_FILES,
    CF_SOURCES,
    CF_META,
    CF_RESOLVED,
    CF_REF_NAMES,
    CF_PENDING,
];

pub(crate) const META_SCHEMA: &[u8] = b"schema_version";
pub(crate) const META_STATS: &[u8] = b"stats";
pub(crate) const META_PATH_ALIASES: &[u8] = b"path_aliases";
pub(crate) const META_EXTRACTOR: &[u8] = b"extractor";
pub(crate) const META_COVERAGE: &[u8] = b"coverage";
/// Present while the name tokens of a first build are still to be
/// written (`crate::tokens`).
pub(crate) const META_TOKENS_PENDING: &[u8] = b"tokens_pending";

/// Memtable memory for all column families of one open store.
const MEMTABLE_BUDGET_BYTES: usize = 128 << 20;

/// Block cache shared by all column families of one open store.
const BLOCK_CACHE_BYTES: usize = 64 << 20;

/// Level-0 files that start a compaction into the level below (RocksDB's
/// default).
const LEVEL0_COMPACTION_TRIGGER: i32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no index at {0}; run `codegraph index` first")]
    NotFound(PathBuf),
    #[error(
        "the index at {0} is locked by another running codegraph; wait for it to finish and retry"
    )]
    Locked(PathBuf),
    #[error("the index at {path} was written by a newer codegraph (schema {found}, this build reads {supported}); upgrade codegraph or delete the index and re-index")]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("the index at {path} was written by an older codegraph (schema {found}, this build reads {supported}); `codegraph index` rebuilds it")]
    OlderSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error(
        "the index at {path} is damaged ({detail}); rebuild it with `codegraph index --rebuild`"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot write to the index at {path} ({detail}); it still answers queries as they stood at its last commit, and rerunning `codegraph index` once the cause is fixed completes it")]
    WriteFailed { path: PathBuf, detail: String },
    #[error(
        "the index at {path} was opened without its {family} table, which this operation reads"
    )]
    NotOpened { path: PathBuf, family: String },
    #[error("index storage error at {path}: {source}")]
    Db {
        path: PathBuf,
        source: rocksdb::Error,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OpenMode {
    /// Creates the store if needed and takes its lock: one writer at a time.
    ReadWrite,
    /// `ReadWrite` for a first build into an empty store. The families it
    /// writes in bulk (nodes, names, tokens, references, sources, edges)
    /// collect writes in unsorted memtables, sorted once when flushed,
    /// instead of skiplists: skiplist inserts were ~13 % of the parse
    /// stage's CPU. Reading such a family before [`Store::flush`] sorts its
    /// whole memtable on every read, so a store opened so is flushed before
    /// anything reads what was written, and reopened `ReadWrite` for
    /// incremental work.
    BulkLoad,
    /// Takes no lock and never writes: any number of readers, even during
    /// an index run (they see the last committed state when they opened).
    /// Tuned for a long-lived reader: every table file's index and filter
    /// stay resident, for microsecond lookups.
    ReadOnly,
    /// Read-only, tuned for one command that makes a handful of lookups and
    /// exits: index and filter blocks load on demand, so opening the store
    /// reads almost nothing.
    QueryOnce,
    /// As `QueryOnce`, for a command that only looks symbols up by name
    /// (`find`): opens just the families that needs (nodes, names, name
    /// tokens, meta). Each family opened costs a one-shot process its own
    /// memtable and table readers: on the kernel's index, `find` takes
    /// ~1 ms less than with all twelve.
    Lookup,
}

impl OpenMode {
    fn is_read_only(self) -> bool {
        !matches!(self, OpenMode::ReadWrite | OpenMode::BulkLoad)
    }

    /// Opened for one command and then closed.
    fn is_one_shot(self) -> bool {
        matches!(self, OpenMode::QueryOnce | OpenMode::Lookup)
    }

    /// The column families opened.
    fn families(self) -> &'static [&'static str] {
        match self {
            OpenMode::Lookup => &LOOKUP_FAMILIES,
            _ => &COLUMN_FAMILIES,
        }
    }
}

/// What the store remembers about one indexed file.
#[derive(Clone, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
pub struct FileRecord {
    pub language: Language,
    pub content_hash: u64,
    pub size_bytes: u64,
    /// Every node of the file, the file node first.
    pub node_ids: Vec<NodeId>,
    pub ref_count: u32,
    pub has_syntax_errors: bool,
}

/// The edges resolution derived from one file's references, so that
/// re-resolving the file replaces exactly them.
#[derive(Clone, PartialEq, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ResolvedRecord {
    pub edges: Vec<(NodeId, EdgeKind, NodeId)>,
    /// References of the file that resolved to at least one definition.
    pub resolved_refs: u32,
}

/// Counts kept up to date by every commit, so `stats` never scans.
#[derive(Clone, PartialEq, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    pub files: u64,
    pub nodes: u64,
    pub edges: u64,
    /// References from indexed files, resolved or not.
    pub refs: u64,
    /// Of those, how many the resolver linked to at least one definition.
    pub resolved_refs: u64,
    pub files_with_syntax_errors: u64,
    pub files_by_language: BTreeMap<String, u64>,
    pub nodes_by_language: BTreeMap<String, u64>,
    pub nodes_by_kind: BTreeMap<String, u64>,
}

pub struct Store {
    pub(crate) db: DB,
    path: PathBuf,
    cache: Cache,
    /// A reader's caches of decoded values ([`Store::enable_caches`]).
    caches: Option<crate::cache::StoreCaches>,
    mode: OpenMode,
}

/// The leading fields of a stored [`Node`], borrowed from its encoding:
/// what a scan needs to choose nodes without decoding them whole. They
/// are `Node`'s first fields in `Node`'s order (the encoding has no field
/// names); `a_scan_of_the_nodes_finds_the_chosen_ones_of_every_file`
/// fails if the two part.
#[derive(serde::Deserialize, Debug)]
pub struct NodeHead<'a> {
    pub id: NodeId,
    pub kind: codegraph_core::NodeKind,
    pub language: Language,
    pub name: &'a str,
    pub qualified_name: &'a str,
    pub file: &'a str,
    pub span: codegraph_core::Span,
    #[serde(borrow)]
    pub signature: Option<&'a str>,
}

/// Most edges one adjacency-cache entry holds: a hub's are scanned per
/// query instead, bounded by its limit.
const ADJACENCY_CACHE_EDGES: usize = 4096;

fn cf_options(name: &str, cache: &Cache, mode: OpenMode) -> Options {
    let mut opts = Options::default();
    let mut table = BlockBasedOptions::default();
    table.set_block_cache(cache);
    // Two kinds of column family. Nodes, names and edges serve point
    // lookups and short scans on every query: small LZ4 blocks decompress
    // in ~1 µs. Measured on the Linux-kernel index (7.4M nodes), 16 KiB
    // zstd blocks with partitioned indexes cut `nodes` from 1.07 GB to
    // 0.91 GB but raised get_node p99 from 11.5 µs to 441 µs. References,
    // subword tokens and file records are read a file or a scan at a time:
    // there zstd in larger blocks saves space (tokens: 0.94 GB to 0.16 GB
    // with the name-only keys). Sources are read a node at a time, from
    // 4 KiB chunks (`keys::SOURCE_CHUNK`) in 16 KiB blocks, so a search
    // hit's snippet decompresses 16 KiB, not its whole file. Blocks of one
    // chunk (4 KiB) made the kernel's index blocks so large (300k data
    // blocks) that the 64 MB cache thrashed: re-embedding the kernel took
    // 114-119 s against 80 s, where 16 KiB blocks take 77.5 s.
    let hot = matches!(name, CF_NODES | CF_NAMES | CF_OUT | CF_IN | CF_META);
    // Hot families keep index and filter blocks in the table reader (loaded
    // when a file opens, never evicted); cold ones load them into the block
    // cache on first use. Measured on the kernel index: caching the hot
    // families' index blocks too raised find_exact p50 from 11 µs to 344 µs
    // as data blocks evicted them.
    // A one-shot query loads them on demand instead.
    table.set_cache_index_and_filter_blocks(!hot || mode.is_one_shot());
    if matches!(name, CF_NODES | CF_FILES | CF_SOURCES | CF_REFS) {
        // Point lookups: a bloom filter skips files without the key.
        table.set_bloom_filter(10.0, false);
    }
    if hot {
        // Names are only ever scanned from a seek, and a one-shot reader
        // reads a table file's whole index block to seek in it: 16 KiB
        // blocks make that index a quarter the size. On the kernel's index,
        // those whole-index reads were 2.3M of a one-shot `find`'s 16.5M
        // instructions; with 16 KiB blocks (and the shorter manifest below)
        // it took 12.5M, and the in-process lookup path's count did not
        // move. Partitioning the index instead saved as much one-shot but
        // cost in-process lookups 8.7 %.
        table.set_block_size(if name == CF_NAMES { 16 << 10 } else { 4 << 10 });
        opts.set_compression_type(DBCompressionType::Lz4);
    } else {
        table.set_block_size(16 << 10);
        opts.set_compression_type(DBCompressionType::Lz4);
        opts.set_bottommost_compression_type(DBCompressionType::Zstd);
        if name == CF_SOURCES {
            opts.set_compression_type(DBCompressionType::Zstd);
        }
    }
    opts.set_block_based_table_factory(&table);
    opts.set_level_zero_file_num_compaction_trigger(LEVEL0_COMPACTION_TRIGGER);
    if mode == OpenMode::BulkLoad && BULK_FAMILIES.contains(&name) {
        opts.set_memtable_factory(MemtableFactory::Vector);
    }
    opts
}

/// `id · kind`: the prefix of `id`'s edges of one kind.
fn kind_prefix(id: NodeId, kind: EdgeKind) -> [u8; 9] {
    let mut prefix = [0u8; 9];
    prefix[..8].copy_from_slice(&id.to_be_bytes());
    prefix[8] = kind as u8;
    prefix
}

impl Store {
    /// Opens (or, in a writable mode, creates) the store in `dir`.
    pub fn open(dir: &Path, mode: OpenMode) -> Result<Store, StoreError> {
        let path = dir.to_path_buf();
        if mode.is_read_only() && !dir.join("CURRENT").is_file() {
            return Err(StoreError::NotFound(path));
        }
        let cache = Cache::new_lru_cache(BLOCK_CACHE_BYTES);
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        // Statistics threads cost a query process more than its lookup.
        opts.set_stats_dump_period_sec(0);
        opts.set_stats_persist_period_sec(0);
        if mode.is_read_only() {
            opts.set_max_file_opening_threads(1);
        }
        // A one-shot query reads a few blocks of a few table files: mapped,
        // they are read where the page cache holds them instead of copied
        // into fresh heap pages (measured on the kernel index, whole-process
        // `find kmalloc`: 6.4 ms copied, 5.45 ms mapped, 1,638 page faults
        // and 1,096).
        if mode.is_one_shot() {
            opts.set_allow_mmap_reads(true);
        }
        if !mode.is_read_only() {
            // Background threads are for flushes and compactions: a reader
            // needs none, and starting them costs a query process ~2 ms.
            // Three jobs are one flush and two compactions at once: the
            // merges a run ends by waiting for (nodes and names after a
            // first build) run side by side, not one after the other
            // (kernel flush stage 10.5 s twice against 11.2-13.6 s with
            // two jobs, parse unchanged).
            opts.increase_parallelism(2);
            opts.set_max_background_jobs(3);
        }
        // Memtables are the bulk of an index run's memory: cap them for all
        // column families together, not per family.
        opts.set_write_buffer_size(32 << 20);
        opts.set_db_write_buffer_size(MEMTABLE_BUDGET_BYTES);
        opts.set_skip_stats_update_on_db_open(true);
        if !mode.is_read_only() {
            // Every reader replays the manifest, the log of table files
            // added and removed, when it opens the store. By default it is
            // rewritten only at 1 GiB and six times its compacted size: a
            // kernel build left 378 records (34 KiB), and replaying them was
            // 2.85M of a one-shot `find`'s 16.5M instructions. Rewritten
            // whenever it doubles its compacted size, it holds at most about
            // one snapshot's worth of records after it (6.6-10.4 KiB).
            opts = opts
                .get_options_from_string("max_manifest_file_size=0;max_manifest_space_amp_pct=100")
                .map_err(|source| StoreError::Db {
                    path: path.clone(),
                    source,
                })?;
        }
        // A table cache too small for the store makes random lookups reopen
        // files (measured: get_node p99 11.5 µs with every file open, 217 µs
        // with 16 of ~50 open).
        opts.set_max_open_files(match mode {
            // RocksDB pre-opens a quarter of the table cache at open time.
            OpenMode::QueryOnce | OpenMode::Lookup => 64,
            _ => 1024,
        });
        let open = |families: &[&str]| {
            let cfs = families
                .iter()
                .map(|name| ColumnFamilyDescriptor::new(*name, cf_options(name, &cache, mode)));
            match mode {
                OpenMode::ReadWrite | OpenMode::BulkLoad => {
                    DB::open_cf_descriptors(&opts, dir, cfs)
                }
                OpenMode::ReadOnly | OpenMode::QueryOnce | OpenMode::Lookup => {
                    DB::open_cf_descriptors_read_only(&opts, dir, cfs, false)
                }
            }
        };
        let mut opened = open(mode.families());
        if mode.is_read_only()
            && opened
                .as_ref()
                .is_err_and(|e| e.to_string().contains("Column family not found"))
        {
            // An index from an older schema lacks a newer family: open what
            // it has so the schema check below can say so plainly.
            if let Ok(present) = DB::list_cf(&opts, dir) {
                let families: Vec<&str> = mode
                    .families()
                    .iter()
                    .copied()
                    .filter(|name| present.iter().any(|p| p == name))
                    .collect();
                opened = open(&families);
            }
        }
        let db = opened.map_err(|e| {
            let text = e.to_string();
            if text.contains("lock")
                && (text.contains("LOCK") || text.contains("Resource temporarily unavailable"))
            {
                StoreError::Locked(path.clone())
            } else if text.contains("does not exist") || text.contains("No such file") {
                StoreError::NotFound(path.clone())
            } else if e.kind() == rocksdb::ErrorKind::Corruption || text.contains("Corruption") {
                StoreError::Corrupt {
                    path: path.clone(),
                    detail: text,
                }
            } else {
                StoreError::Db {
                    path: path.clone(),
                    source: e,
                }
            }
        })?;
        let store = Store {
            db,
            path,
            cache,
            caches: None,
            mode,
        };
        store.check_schema(mode)?;
        if let Some(missing) = mode
            .families()
            .iter()
            .find(|name| store.db.cf_handle(name).is_none())
        {
            return Err(store.corrupt(&format!("column family {missing} is missing")));
        }
        Ok(store)
    }

    fn check_schema(&self, mode: OpenMode) -> Result<(), StoreError> {
        match self
            .db
            .get_pinned_cf(self.cf(CF_META)?, META_SCHEMA)
            .map_err(|e| self.db_err(e))?
        {
            Some(bytes) => {
                let found = <[u8; 4]>::try_from(&bytes[..])
                    .map(u32::from_be_bytes)
                    .map_err(|_| self.corrupt("schema version is not 4 bytes"))?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: self.path.clone(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
                if found < SCHEMA_VERSION {
                    return Err(StoreError::OlderSchema {
                        path: self.path.clone(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
                Ok(())
            }
            None if !mode.is_read_only() => self
                .db
                .put_cf(self.cf(CF_META)?, META_SCHEMA, SCHEMA_VERSION.to_be_bytes())
                .map_err(|e| self.db_err(e)),
            None => Err(StoreError::NotFound(self.path.clone())),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How the store was opened.
    pub fn mode(&self) -> OpenMode {
        self.mode
    }

    /// The column family `name`; an error if this store's open mode did
    /// not open it (`OpenMode::Lookup` opens only what `find` reads).
    pub(crate) fn cf(&self, name: &str) -> Result<&ColumnFamily, StoreError> {
        self.db
            .cf_handle(name)
            .ok_or_else(|| StoreError::NotOpened {
                path: self.path.clone(),
                family: name.to_string(),
            })
    }

    pub(crate) fn db_err(&self, source: rocksdb::Error) -> StoreError {
        if source.kind() == rocksdb::ErrorKind::Corruption {
            return self.corrupt(source.as_ref());
        }
        StoreError::Db {
            path: self.path.clone(),
            source,
        }
    }

    /// A write that did not happen (disk full, I/O error): what was
    /// committed before it stands.
    pub(crate) fn write_failed(&self, detail: impl std::fmt::Display) -> StoreError {
        StoreError::WriteFailed {
            path: self.path.clone(),
            detail: detail.to_string(),
        }
    }

    pub(crate) fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: detail.to_string(),
        }
    }

    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        bytes: &[u8],
    ) -> Result<T, StoreError> {
        postcard::from_bytes(bytes).map_err(|e| self.corrupt(&format!("undecodable {what}: {e}")))
    }

    /// Reads and decodes the value of `key` in `cf`, if present.
    fn get_decoded<T: serde::de::DeserializeOwned>(
        &self,
        cf: &str,
        key: &[u8],
        what: &str,
    ) -> Result<Option<T>, StoreError> {
        match self
            .db
            .get_pinned_cf(self.cf(cf)?, key)
            .map_err(|e| self.db_err(e))?
        {
            Some(bytes) => self.decode(what, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Bytes held in the block cache, and its capacity.
    pub fn block_cache_bytes(&self) -> (usize, usize) {
        (self.cache.get_usage(), BLOCK_CACHE_BYTES)
    }

    pub fn stats(&self) -> Result<Stats, StoreError> {
        Ok(self
            .get_decoded(CF_META, META_STATS, "stats")?
            .unwrap_or_default())
    }

    /// Gives a read-only store byte-bounded caches of decoded nodes,
    /// adjacency lists and query embeddings (see [`crate::cache`]); a
    /// writable store keeps none, so nothing it writes can be shadowed.
    pub fn enable_caches(&mut self, shares: crate::cache::Shares) {
        if self.mode.is_read_only() {
            self.caches = Some(crate::cache::StoreCaches::new(shares));
        }
    }

    pub fn caches(&self) -> Option<&crate::cache::StoreCaches> {
        self.caches.as_ref()
    }

    pub fn get_node(&self, id: NodeId) -> Result<Option<Node>, StoreError> {
        if let Some(caches) = &self.caches {
            if let Some(node) = caches.nodes.get(&id) {
                return Ok(Some(node));
            }
        }
        let node: Option<Node> = self.get_decoded(CF_NODES, &id.to_be_bytes(), "node")?;
        if let (Some(caches), Some(node)) = (&self.caches, &node) {
            caches.nodes.insert(id, node.clone());
        }
        Ok(node)
    }

    /// Batched point lookups, in the order of `ids`.
    pub fn get_nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<Node>>, StoreError> {
        let Some(caches) = &self.caches else {
            return self.read_nodes(ids);
        };
        let mut found: Vec<Option<Node>> = ids.iter().map(|id| caches.nodes.get(id)).collect();
        let missing: Vec<NodeId> = ids
            .iter()
            .zip(&found)
            .filter(|(_, n)| n.is_none())
            .map(|(id, _)| *id)
            .collect();
        if missing.is_empty() {
            return Ok(found);
        }
        let mut read = self.read_nodes(&missing)?.into_iter();
        for slot in found.iter_mut().filter(|n| n.is_none()) {
            *slot = read.next().flatten();
            if let Some(node) = slot {
                caches.nodes.insert(node.id, node.clone());
            }
        }
        Ok(found)
    }

    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<Node>>, StoreError> {
        let keys: Vec<[u8; 8]> = ids.iter().map(|id| id.to_be_bytes()).collect();
        self.db
            .batched_multi_get_cf(self.cf(CF_NODES)?, keys.iter(), false)
            .into_iter()
            .map(|r| match r.map_err(|e| self.db_err(e))? {
                Some(bytes) => self.decode("node", &bytes).map(Some),
                None => Ok(None),
            })
            .collect()
    }

    pub fn file(&self, path: &str) -> Result<Option<FileRecord>, StoreError> {
        self.get_decoded(CF_FILES, path.as_bytes(), "file record")
    }

    /// Every indexed path, in order (keys only: no record is decoded).
    pub fn file_paths(&self) -> Result<Vec<String>, StoreError> {
        self.scan_files(|path, _| Ok(path))
    }

    /// Every indexed file, in path order.
    pub fn files(&self) -> Result<Vec<(String, FileRecord)>, StoreError> {
        self.scan_files(|path, value| Ok((path, self.decode("file record", value)?)))
    }

    /// Every indexed file's path and content hash, in path order: what
    /// [`Store::files`] gives without decoding each file's node list (a
    /// fifth of the time on a kernel-sized index).
    pub fn file_hashes(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.scan_files(|path, value| {
            let ((_, hash), _) = postcard::take_from_bytes::<(Language, u64)>(value)
                .map_err(|e| self.corrupt(&format!("undecodable file record: {e}")))?;
            Ok((path, hash))
        })
    }

    /// The indexed files whose path starts with `prefix` (`"src/"`: the
    /// files under `src`), in path order.
    pub fn files_under(&self, prefix: &str) -> Result<Vec<(String, FileRecord)>, StoreError> {
        let mut out = Vec::new();
        let mode = IteratorMode::From(prefix.as_bytes(), rocksdb::Direction::Forward);
        for item in self.db.iterator_cf(self.cf(CF_FILES)?, mode) {
            let (key, value) = item.map_err(|e| self.db_err(e))?;
            if !key.starts_with(prefix.as_bytes()) {
                break;
            }
            let path = String::from_utf8(key.to_vec())
                .map_err(|_| self.corrupt("file path is not UTF-8"))?;
            out.push((path, self.decode("file record", &value)?));
        }
        Ok(out)
    }

    /// Maps every (path, record bytes) of the `files` family, in path order.
    fn scan_files<T>(
        &self,
        mut each: impl FnMut(String, &[u8]) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.iterator_cf(self.cf(CF_FILES)?, IteratorMode::Start) {
            let (key, value) = item.map_err(|e| self.db_err(e))?;
            let path = String::from_utf8(key.to_vec())
                .map_err(|_| self.corrupt("file path is not UTF-8"))?;
            out.push(each(path, &value)?);
        }
        Ok(out)
    }

    /// The whole text of an indexed file, as it was when indexed.
    pub fn file_source(&self, path: &str) -> Result<Option<String>, StoreError> {
        let prefix = keys::source_prefix(path);
        let mut text: Vec<u8> = Vec::new();
        let mut chunks = 0u32;
        for item in self.prefix_iter(CF_SOURCES, &prefix)? {
            let (key, value) = item.map_err(|e| self.db_err(e))?;
            if key[prefix.len()..] != chunks.to_be_bytes() {
                return Err(self.corrupt("a stored source misses a chunk"));
            }
            text.extend_from_slice(&value);
            chunks += 1;
        }
        if chunks == 0 {
            return Ok(None);
        }
        String::from_utf8(text)
            .map(Some)
            .map_err(|_| self.corrupt("stored source is not UTF-8"))
    }

    /// The source text of one node, cut from its file's stored text. Only
    /// the chunks its span covers are read (`keys::SOURCE_CHUNK`), and only
    /// the node's bytes are copied and checked.
    pub fn node_source(&self, node: &Node) -> Result<Option<String>, StoreError> {
        let (start, end) = (node.span.start_byte as usize, node.span.end_byte as usize);
        if end <= start {
            return Ok((end == start).then(String::new));
        }
        const C: usize = keys::SOURCE_CHUNK;
        let (first, last) = (start / C, (end - 1) / C);
        let cf = self.cf(CF_SOURCES)?;
        // Most nodes lie within one chunk: one get, no batch (a batched
        // multi-get cost the search path 5 % more instructions).
        let mut text: Vec<u8> = Vec::with_capacity(end - start);
        for index in first..=last {
            let at = index * C;
            let (from, to) = (start.saturating_sub(at), (end - at).min(C));
            let key = keys::source_key(&node.file, index as u32);
            match self.db.get_pinned_cf(cf, key).map_err(|e| self.db_err(e))? {
                Some(chunk) if to <= chunk.len() => text.extend_from_slice(&chunk[from..to]),
                // Past the stored text's end: a stale span, no source.
                _ => return Ok(None),
            }
        }
        // A span that does not fall on character boundaries of the text
        // (a stale node) has no source, as `str::get` would say.
        Ok(String::from_utf8(text).ok())
    }

    /// Every edge out of `id`, all kinds.
    pub fn out_edges(&self, id: NodeId) -> Result<Vec<Edge>, StoreError> {
        self.edges(CF_OUT, id, None, usize::MAX, &|_| true)
    }

    /// Every edge into `id`, all kinds.
    pub fn in_edges(&self, id: NodeId) -> Result<Vec<Edge>, StoreError> {
        self.edges(CF_IN, id, None, usize::MAX, &|_| true)
    }

    /// At most `limit` edges out of `id` and at most `limit` into it, all
    /// kinds (a node's direct neighbourhood, bounded for hubs).
    pub fn edges_upto(
        &self,
        id: NodeId,
        limit: usize,
    ) -> Result<(Vec<Edge>, Vec<Edge>), StoreError> {
        Ok((
            self.edges(CF_OUT, id, None, limit, &|_| true)?,
            self.edges(CF_IN, id, None, limit, &|_| true)?,
        ))
    }

    /// At most `limit` edges of `kind` out of `id` that `keep` accepts:
    /// one prefix scan of that kind alone, stopped at the limit, so a hub
    /// costs no more than the answer.
    pub fn out_edges_of(
        &self,
        id: NodeId,
        kind: EdgeKind,
        limit: usize,
        keep: &dyn Fn(&Edge) -> bool,
    ) -> Result<Vec<Edge>, StoreError> {
        self.edges(CF_OUT, id, Some(kind), limit, keep)
    }

    /// At most `limit` edges of `kind` into `id` that `keep` accepts (see
    /// [`Self::out_edges_of`]).
    pub fn in_edges_of(
        &self,
        id: NodeId,
        kind: EdgeKind,
        limit: usize,
        keep: &dyn Fn(&Edge) -> bool,
    ) -> Result<Vec<Edge>, StoreError> {
        self.edges(CF_IN, id, Some(kind), limit, keep)
    }

    /// How many `kind` edges point at `id`, counting no further than `cap`
    /// (hubs like `printk` have hundreds of thousands).
    pub fn in_degree(
        &self,
        id: NodeId,
        kind: codegraph_core::EdgeKind,
        cap: usize,
    ) -> Result<usize, StoreError> {
        Ok(self.in_degrees(&[id], kind, cap)?[0])
    }

    /// [`Store::in_degree`] of each of `ids`, in their order, from one
    /// iterator sought to each (creating an iterator per node costs more
    /// than counting its edges).
    pub fn in_degrees(
        &self,
        ids: &[NodeId],
        kind: codegraph_core::EdgeKind,
        cap: usize,
    ) -> Result<Vec<usize>, StoreError> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i]);
        let mut out = vec![0; ids.len()];
        let mut iter = self.db.raw_iterator_cf(self.cf(CF_IN)?);
        for i in order {
            let prefix = kind_prefix(ids[i], kind);
            iter.seek(prefix);
            let mut n = 0;
            while n < cap && iter.key().is_some_and(|k| k.starts_with(&prefix)) {
                n += 1;
                iter.next();
            }
            iter.status().map_err(|e| self.db_err(e))?;
            out[i] = n;
        }
        Ok(out)
    }

    /// `id`'s edges in `cf` (`CF_OUT`: keyed by source; `CF_IN`: by
    /// target), of `kind` or all kinds, that `keep` accepts, at most
    /// `limit`; through the adjacency cache when the store has one.
    fn edges(
        &self,
        cf: &str,
        id: NodeId,
        kind: Option<EdgeKind>,
        limit: usize,
        keep: &dyn Fn(&Edge) -> bool,
    ) -> Result<Vec<Edge>, StoreError> {
        use crate::cache::{Adjacency, AdjacencyKey};
        // `id · kind`, or `id` alone for every kind.
        let key_prefix = kind_prefix(id, kind.unwrap_or(EdgeKind::Calls));
        let prefix = if kind.is_some() {
            &key_prefix[..]
        } else {
            &key_prefix[..8]
        };
        let Some(caches) = &self.caches else {
            return self.scan_edges(cf, prefix, limit, keep);
        };
        let key = AdjacencyKey {
            node: id,
            incoming: cf == CF_IN,
            kind: kind.map_or(u8::MAX, |k| k as u8),
        };
        let listed = match caches.adjacency.get(&key) {
            Some(Adjacency::Hub) => return self.scan_edges(cf, prefix, limit, keep),
            Some(Adjacency::Listed(edges)) => edges,
            None => {
                let all = self.scan_edges(cf, prefix, ADJACENCY_CACHE_EDGES + 1, &|_| true)?;
                if all.len() > ADJACENCY_CACHE_EDGES {
                    caches.adjacency.insert(key, Adjacency::Hub);
                    return self.scan_edges(cf, prefix, limit, keep);
                }
                let all: std::sync::Arc<[Edge]> = all.into();
                caches
                    .adjacency
                    .insert(key, Adjacency::Listed(std::sync::Arc::clone(&all)));
                all
            }
        };
        Ok(listed
            .iter()
            .filter(|e| keep(e))
            .take(limit)
            .copied()
            .collect())
    }

    /// The edges under `prefix` in `cf`, read from the store.
    fn scan_edges(
        &self,
        cf: &str,
        prefix: &[u8],
        limit: usize,
        keep: &dyn Fn(&Edge) -> bool,
    ) -> Result<Vec<Edge>, StoreError> {
        let mut edges = Vec::new();
        for item in self.prefix_iter(cf, prefix)? {
            if edges.len() >= limit {
                break;
            }
            let (key, value) = item.map_err(|e| self.db_err(e))?;
            let (first, kind, second) =
                keys::decode_edge_key(&key).ok_or_else(|| self.corrupt("bad edge key"))?;
            let (confidence, line, resolution) =
                keys::decode_edge_value(&value).ok_or_else(|| self.corrupt("bad edge value"))?;
            let (from, to) = if cf == CF_IN {
                (second, first)
            } else {
                (first, second)
            };
            let edge = Edge {
                from,
                kind,
                to,
                confidence,
                line,
                resolution,
            };
            if keep(&edge) {
                edges.push(edge);
            }
        }
        Ok(edges)
    }

    /// Every unresolved reference made in the file at `path`. They are
    /// stored per file (one value, not one key each): the resolver reads
    /// them a file at a time, and per-ref keys tripled the write volume.
    pub fn file_refs(&self, path: &str) -> Result<Vec<UnresolvedRef>, StoreError> {
        Ok(self
            .get_decoded(CF_REFS, path.as_bytes(), "references")?
            .unwrap_or_default())
    }

    /// The files with a reference to `name` (exact, as written), for
    /// re-resolving them when a definition of `name` appears.
    pub fn files_referring_to(&self, name: &str) -> Result<Vec<String>, StoreError> {
        let prefix = keys::name_exact_prefix(name);
        let mut files = Vec::new();
        for item in self.prefix_iter(CF_REF_NAMES, &prefix)? {
            let (key, _) = item.map_err(|e| self.db_err(e))?;
            let path = std::str::from_utf8(&key[prefix.len()..])
                .map_err(|_| self.corrupt("referring path is not UTF-8"))?;
            files.push(path.to_string());
        }
        Ok(files)
    }

    /// Files whose references still need resolving (and whose search
    /// documents may be stale): written in the same batch as the change
    /// that made them so, cleared in the batch that stores their
    /// resolution. What an interrupted run left here, the next one does.
    pub fn pending_paths(&self) -> Result<Vec<String>, StoreError> {
        let mut paths = Vec::new();
        for item in self
            .db
            .iterator_cf(self.cf(CF_PENDING)?, IteratorMode::Start)
        {
            let (key, _) = item.map_err(|e| self.db_err(e))?;
            let path =
                std::str::from_utf8(&key).map_err(|_| self.corrupt("pending path is not UTF-8"))?;
            paths.push(path.to_string());
        }
        Ok(paths)
    }

    /// The project's JS/TS module path aliases (tsconfig `paths`), as the
    /// last index run found them.
    pub fn path_aliases(&self) -> Result<crate::PathAliases, StoreError> {
        Ok(self
            .get_decoded(CF_META, META_PATH_ALIASES, "path aliases")?
            .unwrap_or_default())
    }

    /// The fingerprint of the extractor that parsed the indexed files
    /// (`None` for an index from before fingerprints).
    pub fn extractor(&self) -> Result<Option<String>, StoreError> {
        self.get_decoded(CF_META, META_EXTRACTOR, "extractor fingerprint")
    }

    /// What the last whole index run covered per language, as JSON (the
    /// indexer's report); `None` before any such run.
    pub fn coverage(&self) -> Result<Option<String>, StoreError> {
        self.get_decoded(CF_META, META_COVERAGE, "coverage")
    }

    /// What the resolver derived from the references in `path`.
    pub fn resolved(&self, path: &str) -> Result<ResolvedRecord, StoreError> {
        Ok(self
            .get_decoded(CF_RESOLVED, path.as_bytes(), "resolved edges")?
            .unwrap_or_default())
    }

    /// Whether the edge `from -kind-> to` is stored.
    pub fn has_edge(&self, from: NodeId, kind: EdgeKind, to: NodeId) -> Result<bool, StoreError> {
        let key = keys::edge_key(from, kind, to);
        Ok(self
            .db
            .get_pinned_cf(self.cf(CF_OUT)?, key)
            .map_err(|e| self.db_err(e))?
            .is_some())
    }

    /// The unresolved references made from inside `node` itself.
    pub fn refs_from(&self, node: &Node) -> Result<Vec<UnresolvedRef>, StoreError> {
        let mut refs = self.file_refs(&node.file)?;
        refs.retain(|r| r.from == node.id);
        Ok(refs)
    }

    /// The options of family `name`'s table files, for one written outside
    /// the store and then taken in whole.
    pub(crate) fn family_options(&self, name: &str) -> Options {
        cf_options(name, &self.cache, self.mode)
    }

    /// Iterates the keys of `cf` that start with `prefix`, and no others.
    pub(crate) fn prefix_iter<'a>(
        &'a self,
        cf: &str,
        prefix: &[u8],
    ) -> Result<rocksdb::DBIteratorWithThreadMode<'a, DB>, StoreError> {
        let mut opts = ReadOptions::default();
        if let Some(upper) = prefix_successor(prefix) {
            opts.set_iterate_upper_bound(upper);
        }
        Ok(self.db.iterator_cf_opt(
            self.cf(cf)?,
            opts,
            IteratorMode::From(prefix, Direction::Forward),
        ))
    }

    /// The ids of the nodes `keep` admits, by file, in one sequential scan
    /// of the nodes: each table block is read once, and no value is
    /// decoded past its signature or copied, where reading a node by id
    /// decodes it whole (a kernel's 4.5M nodes, of which 0.93M are search
    /// documents).
    pub fn node_ids_by_file(
        &self,
        keep: impl Fn(&NodeHead<'_>) -> bool,
    ) -> Result<std::collections::HashMap<String, Vec<NodeId>>, StoreError> {
        let mut found: std::collections::HashMap<String, Vec<NodeId>> = Default::default();
        self.for_each_node_head(|head| {
            if keep(head) {
                match found.get_mut(head.file) {
                    Some(ids) => ids.push(head.id),
                    None => {
                        found.insert(head.file.to_string(), vec![head.id]);
                    }
                }
            }
        })?;
        Ok(found)
    }

    /// Calls `visit` with the leading fields of every stored node, in one
    /// sequential scan that decodes no value past its signature.
    pub(crate) fn for_each_node_head(
        &self,
        mut visit: impl FnMut(&NodeHead<'_>),
    ) -> Result<(), StoreError> {
        for item in self.db.iterator_cf(self.cf(CF_NODES)?, IteratorMode::Start) {
            let (_, value) = item.map_err(|e| self.db_err(e))?;
            let (head, _) = postcard::take_from_bytes::<NodeHead<'_>>(&value)
                .map_err(|e| self.corrupt(&format!("node: {e}")))?;
            visit(&head);
        }
        Ok(())
    }

    /// Every node, in the compact in-memory form (one full scan).
    pub fn load_node_table(&self) -> Result<codegraph_core::NodeTable, StoreError> {
        let mut table = codegraph_core::NodeTable::default();
        for item in self.db.iterator_cf(self.cf(CF_NODES)?, IteratorMode::Start) {
            let (_, value) = item.map_err(|e| self.db_err(e))?;
            table.push(&self.decode::<Node>("node", &value)?);
        }
        table.finish();
        Ok(table)
    }

    /// Bytes on disk of the store directory.
    pub fn disk_size_bytes(&self) -> u64 {
        std::fs::read_dir(&self.path)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Flushes memtables to disk so the next open needs no log replay, and
    /// waits for pending compactions: a bulk load leaves many overlapping
    /// level-0 files, and every point lookup would probe each of them.
    ///
    /// After a bulk load, the level-0 files of the families a one-shot
    /// lookup reads are merged into the level below. RocksDB reads a
    /// level-0 file's whole index and filter when a reader opens it, where
    /// a lower level's are read only when a query reaches the file: on the
    /// kernel's index, the level-0 files a first build left were 13 % of a
    /// one-shot `find`'s instructions, and merging them took 1.9 s. Name
    /// tokens are left: `find` reads them only when no name matches, and
    /// theirs is a full rewrite of the bottom level (3.8 s on the kernel).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.flush_families(&COLUMN_FAMILIES)?;
        if self.mode == OpenMode::BulkLoad {
            self.compact_level0(&[CF_NODES, CF_NAMES, CF_META])?;
        }
        Ok(())
    }

    /// Lets RocksDB compact every level-0 file of `families` into the
    /// family's base level, as it does by itself once level 0 holds
    /// [`LEVEL0_COMPACTION_TRIGGER`] files, and waits for it.
    fn compact_level0(&self, families: &[&str]) -> Result<(), StoreError> {
        let set_trigger = |files: &str| -> Result<(), StoreError> {
            for name in families {
                self.db
                    .set_options_cf(
                        self.cf(name)?,
                        &[("level0_file_num_compaction_trigger", files)],
                    )
                    .map_err(|e| self.write_failed(e))?;
            }
            Ok(())
        };
        set_trigger("1")?;
        let waited = self
            .db
            .wait_for_compact(&rocksdb::WaitForCompactOptions::default())
            .map_err(|e| self.write_failed(e));
        set_trigger(&LEVEL0_COMPACTION_TRIGGER.to_string())?;
        waited
    }

    /// [`Self::flush`] for what resolution reads: every family but the
    /// edges, which it only writes. A bulk load must be flushed so before
    /// it is read; the edges flushed once, at the end, leave a small tree's
    /// queries one table file to probe, not two (traversal 11 % fewer
    /// instructions).
    pub fn flush_before_resolving(&self) -> Result<(), StoreError> {
        let read: Vec<&str> = COLUMN_FAMILIES
            .into_iter()
            .filter(|name| !matches!(*name, CF_OUT | CF_IN))
            .collect();
        self.flush_families(&read)
    }

    fn flush_families(&self, names: &[&str]) -> Result<(), StoreError> {
        // Every family's flush is queued at once, and the wait below covers
        // them all: compactions of the first run beside the later flushes.
        let mut queued = rocksdb::FlushOptions::default();
        queued.set_wait(false);
        for name in names {
            self.db
                .flush_cf_opt(self.cf(name)?, &queued)
                .map_err(|e| self.write_failed(e))?;
        }
        self.db
            .wait_for_compact(&rocksdb::WaitForCompactOptions::default())
            .map_err(|e| self.write_failed(e))
    }

    /// Table files at level 0 per column family: each is read whole
    /// (index and filter) by every reader that opens it.
    pub fn level0_files_by_family(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        self.property_by_family("rocksdb.num-files-at-level0")
            .into_iter()
            .map(|(name, files)| Ok((name, files?)))
            .collect()
    }

    /// Bytes of table files per column family.
    pub fn disk_bytes_by_family(&self) -> Vec<(&'static str, u64)> {
        self.property_by_family("rocksdb.total-sst-files-size")
            .into_iter()
            .map(|(name, bytes)| (name, bytes.unwrap_or(0)))
            .collect()
    }

    /// RocksDB's integer `property` of each column family opened (0 where
    /// it has none).
    fn property_by_family(&self, property: &str) -> Vec<(&'static str, Result<u64, StoreError>)> {
        self.mode
            .families()
            .iter()
            .map(|name| {
                let value = self.cf(name).and_then(|cf| {
                    self.db
                        .property_int_value_cf(cf, property)
                        .map_err(|e| self.db_err(e))
                });
                (*name, value.map(|v| v.unwrap_or(0)))
            })
            .collect()
    }
}

/// The smallest key greater than every key starting with `prefix`.
pub(crate) fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < 0xff {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::prefix_successor;

    #[test]
    fn prefix_successor_bounds_the_prefix() {
        assert_eq!(prefix_successor(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_successor(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_successor(&[0xff, 0xff]), None);
    }
}
