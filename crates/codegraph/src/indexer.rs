//! The indexing pipeline: walk the tree (gitignore-aware), read and parse
//! changed files in parallel, and write each file's graph through one
//! writer in atomic batches. Unchanged files (same content hash) are
//! skipped; files that disappeared are removed.
//!
//! Memory is bounded by the channel between parsers and the writer: at most
//! `CHANNEL_FILES` parsed files wait to be written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use codegraph_core::{content_hash, FileGraph, Language};
use codegraph_graph::{FileRecord, IndexWriter, OpenMode, Store};
use rayon::prelude::*;

use crate::discover::INDEX_DIR;
use crate::workspace::{manifest_kind, Manifest};

/// Parsed files in flight between the parsers and the writer.
const CHANNEL_FILES: usize = 256;

/// What an index run reports as it goes, to whoever draws it (the
/// command line draws a bar on a terminal; the library never prints).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Progress {
    /// The walk found `total` source files; parsing starts.
    Parsing { total: u64 },
    /// One more file parsed (or found unchanged, or skipped).
    Parsed { done: u64, total: u64 },
    /// Parsing is over; the named stage ("resolve", "search") starts.
    Stage(&'static str),
}

/// A progress callback; called from the writer thread only.
#[derive(Clone)]
pub struct ProgressFn(pub Arc<dyn Fn(Progress) + Send + Sync>);

impl std::fmt::Debug for ProgressFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressFn")
    }
}

#[derive(Clone, Debug)]
pub struct IndexConfig {
    pub root: PathBuf,
    pub db_dir: PathBuf,
    /// Files larger than this are skipped (minified bundles, generated code).
    pub max_file_bytes: u64,
    /// Commit after this many changed files...
    pub commit_every_files: usize,
    /// ...or this many bytes of pending writes, whichever comes first.
    pub commit_every_bytes: usize,
    /// Told how the run is going, if set.
    pub progress: Option<ProgressFn>,
    /// Honour `.gitignore`/`.ignore` files (hidden files are always skipped).
    pub respect_ignore_files: bool,
    /// Embedder for the search indexes (`static`), or `None` to leave
    /// search out of this run.
    pub embedder: Option<String>,
    /// Drop the search indexes and build them again (after changing the
    /// embedder).
    pub reembed: bool,
    /// Delete the whole index first and build it from nothing (a damaged
    /// index).
    pub rebuild: bool,
}

impl IndexConfig {
    pub fn new(root: PathBuf, db_dir: PathBuf) -> IndexConfig {
        IndexConfig {
            root,
            db_dir,
            max_file_bytes: 1 << 20,
            commit_every_files: 2000,
            commit_every_bytes: 32 << 20,
            progress: None,
            respect_ignore_files: true,
            embedder: Some(codegraph_search::DEFAULT_EMBEDDER.to_string()),
            reembed: false,
            rebuild: false,
        }
    }
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SkipCounts {
    pub too_large: u64,
    pub binary: u64,
    pub not_utf8: u64,
    pub unreadable: u64,
}

impl SkipCounts {
    fn add(&mut self, reason: SkipReason) {
        match reason {
            SkipReason::TooLarge => self.too_large += 1,
            SkipReason::Binary => self.binary += 1,
            SkipReason::NotUtf8 => self.not_utf8 += 1,
            SkipReason::Unreadable => self.unreadable += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.too_large + self.binary + self.not_utf8 + self.unreadable
    }
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IndexReport {
    /// Source files found by the walk (supported languages only).
    pub files_seen: u64,
    /// Supported source files that ignore rules kept out, when they kept
    /// out most of the tree (else `None`: not worth a line).
    pub ignored: Option<crate::ignored::IgnoredReport>,
    /// The index was written by an older codegraph and was rebuilt.
    pub rebuilt_older_schema: bool,
    /// The files were parsed by another version of the extractor: every
    /// one was parsed again.
    pub reparsed_all: bool,
    pub files_parsed: u64,
    pub files_unchanged: u64,
    pub files_removed: u64,
    pub skipped: SkipCounts,
    /// Files parsed this run whose tree had syntax errors (kept partially).
    pub files_with_syntax_errors: u64,
    pub nodes_parsed: u64,
    pub edges_parsed: u64,
    pub refs_parsed: u64,
    pub bytes_parsed: u64,
    /// Totals in the index after the run.
    /// Cross-file resolution of the files parsed this run and of those
    /// whose references pointed into changed files.
    pub resolution: codegraph_graph::ResolveReport,
    pub resolution_seconds: f64,
    /// The name tokens this run wrote in one pass (a first build's).
    pub tokens: Option<codegraph_graph::tokens::TokenReport>,
    /// The search indexes' update (lexical postings and embeddings).
    pub search: Option<codegraph_search::SyncReport>,
    pub total_files: u64,
    pub total_nodes: u64,
    pub total_edges: u64,
    /// Where the run's time went.
    pub stages: StageSeconds,
    /// The process's peak resident memory (VmHWM) when each stage ended,
    /// in bytes: the stage where it rises is the one that raised it.
    pub stage_peak_bytes: StageBytes,
    pub seconds: f64,
    pub nodes_per_second: f64,
    pub megabytes_per_second: f64,
    /// What the run covered in each language, by name.
    pub languages: BTreeMap<String, LanguageCoverage>,
    /// Extensions of files no grammar handles (documentation, data and
    /// images left out), most files first: what the graph does not cover.
    pub not_covered: Vec<ExtensionCount>,
}

/// One language's files in a run.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct LanguageCoverage {
    /// Files of the language the walk found (parsed, unchanged or skipped).
    pub files: u64,
    pub parsed: u64,
    pub unchanged: u64,
    /// Parsed with syntax errors (what parsed is kept).
    pub syntax_errors: u64,
    pub skipped: SkipCounts,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ExtensionCount {
    pub extension: String,
    pub files: u64,
}

/// Extensions that are no source code: not worth naming as uncovered.
const NOT_SOURCE: &[&str] = &[
    "md",
    "markdown",
    "rst",
    "txt",
    "adoc",
    "json",
    "jsonl",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "lock",
    "csv",
    "tsv",
    "xml",
    "svg",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "webp",
    "bmp",
    "pdf",
    "zip",
    "gz",
    "tgz",
    "xz",
    "bz2",
    "zst",
    "tar",
    "jar",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp3",
    "mp4",
    "wav",
    "ogg",
    "webm",
    "mov",
    "map",
    "log",
    "pyc",
    "o",
    "a",
    "so",
    "dll",
    "exe",
    "class",
    "bin",
    "dat",
    "db",
    "sqlite",
    "pem",
    "crt",
    "key",
    "pub",
    "sum",
    "mod",
    "out",
    "patch",
    "diff",
    "license",
    "gitignore",
    "gitattributes",
    "editorconfig",
    "dockerignore",
    "npmignore",
    "snap",
    "orig",
    "rej",
    "bak",
    "swp",
    "tmp",
    "po",
    "pot",
    "mo",
    "css",
    "scss",
    "less",
    "html",
    "htm",
];

/// Counts the extension of a file no grammar handles.
fn count_uncovered(path: &Path, counts: &mut HashMap<String, u64>) {
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return;
    };
    let ext = ext.to_ascii_lowercase();
    if !NOT_SOURCE.contains(&ext.as_str()) && ext.len() <= 12 {
        *counts.entry(ext).or_default() += 1;
    }
}

/// At most this many uncovered extensions are reported.
const MAX_UNCOVERED: usize = 12;

fn top_uncovered(counts: HashMap<String, u64>) -> Vec<ExtensionCount> {
    let mut found: Vec<ExtensionCount> = counts
        .into_iter()
        .map(|(extension, files)| ExtensionCount { extension, files })
        .collect();
    found.sort_by(|a, b| {
        b.files
            .cmp(&a.files)
            .then_with(|| a.extension.cmp(&b.extension))
    });
    found.truncate(MAX_UNCOVERED);
    found
}

/// Seconds per stage of a run (they add up to about its whole time).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct StageSeconds {
    /// Finding the files (the directory walk, ignore rules) and reading
    /// the index's records of them.
    pub walk: f64,
    /// Reading, hashing, parsing and writing the changed files.
    pub parse: f64,
    /// Removing files that are gone.
    pub remove: f64,
    /// A first build's name-token index, written in one sorted pass.
    pub tokens: f64,
    /// Cross-file resolution.
    pub resolve: f64,
    /// Flushing the store's memory tables to disk.
    pub flush: f64,
    /// The search indexes' update (embedding included).
    pub search: f64,
}

impl IndexReport {
    /// Each stage in run order: its name, seconds, and the process's peak
    /// memory as it ended.
    pub fn stage_table(&self) -> [(&'static str, f64, u64); 7] {
        let (t, m) = (&self.stages, &self.stage_peak_bytes);
        [
            ("walk", t.walk, m.walk),
            ("parse", t.parse, m.parse),
            ("remove", t.remove, m.remove),
            ("tokens", t.tokens, m.tokens),
            ("resolve", t.resolve, m.resolve),
            ("flush", t.flush, m.flush),
            ("search", t.search, m.search),
        ]
    }
}

/// Bytes per stage, as [`StageSeconds`] times them.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct StageBytes {
    pub walk: u64,
    pub parse: u64,
    pub remove: u64,
    pub tokens: u64,
    pub resolve: u64,
    pub flush: u64,
    pub search: u64,
}

/// This process's peak resident memory so far, or 0 where it cannot be
/// read.
pub fn peak_rss_bytes() -> u64 {
    codegraph_query::peak_resident_bytes().unwrap_or(0)
}

#[derive(Clone, Copy)]
enum SkipReason {
    TooLarge,
    Binary,
    NotUtf8,
    Unreadable,
}

enum Outcome {
    Parsed {
        path: String,
        language: Language,
        graph: FileGraph,
        source: String,
    },
    Unchanged {
        path: String,
        language: Language,
    },
    Skipped(SkipReason, Language),
}

impl Outcome {
    /// The path of a file that stays indexed (parsed or unchanged).
    fn path(&self) -> Option<&str> {
        match self {
            Outcome::Parsed { path, .. } | Outcome::Unchanged { path, .. } => Some(path),
            Outcome::Skipped(..) => None,
        }
    }
}

struct SourceFile {
    path: String,
    abs: PathBuf,
    language: Language,
}

/// Repo-relative path with `/` separators, or `None` if not valid UTF-8.
fn relative_path(root: &Path, abs: &Path) -> Option<String> {
    let rel = abs.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

fn walk(
    root: &Path,
    db_dir: &Path,
    respect_ignore_files: bool,
    targets: Option<&Targets>,
    skipped: &mut SkipCounts,
    uncovered: &mut HashMap<String, u64>,
) -> (Vec<SourceFile>, Vec<(String, Manifest)>) {
    let db_dir = db_dir.to_path_buf();
    let targets = targets.cloned();
    let walker = crate::ignored::walk_builder(root, respect_ignore_files)
        .filter_entry(move |entry| {
            if entry.file_name() == INDEX_DIR || entry.path() == db_dir {
                return false;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            targets
                .as_ref()
                .is_none_or(|t| t.admits(entry.path(), is_dir))
        })
        .build();
    let mut files = Vec::new();
    let mut manifests = Vec::new();
    for entry in walker {
        let Ok(entry) = entry else {
            skipped.unreadable += 1;
            continue;
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let abs = entry.into_path();
        let language = Language::from_path(&abs).or_else(|| script_language(&abs));
        let Some(language) = language else {
            let manifest =
                relative_path(root, &abs).and_then(|path| Some((manifest_kind(&path)?, path)));
            if let Some((kind, path)) = manifest {
                manifests.push((path, kind));
            } else {
                count_uncovered(&abs, uncovered);
            }
            continue;
        };
        match relative_path(root, &abs) {
            Some(path) => files.push(SourceFile {
                path,
                abs,
                language,
            }),
            None => skipped.not_utf8 += 1,
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, manifests)
}

/// The language of an executable script without an extension (`bin/deploy`,
/// `scripts/test`), by its `#!` line.
fn script_language(path: &Path) -> Option<Language> {
    use std::io::Read;
    if path.extension().is_some() {
        return None;
    }
    let mut head = [0u8; 128];
    let read = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let head = std::str::from_utf8(&head[..read]).ok()?;
    Language::from_shebang(head.lines().next()?)
}

/// The run's coverage of `language`, one more file of it counted.
fn coverage(report: &mut IndexReport, language: Language) -> &mut LanguageCoverage {
    let coverage = report
        .languages
        .entry(language.as_str().to_string())
        .or_default();
    coverage.files += 1;
    coverage
}

fn process(file: &SourceFile, max_file_bytes: u64, previous: Option<&FileRecord>) -> Outcome {
    match std::fs::metadata(&file.abs) {
        Ok(meta) if meta.len() > max_file_bytes => {
            return Outcome::Skipped(SkipReason::TooLarge, file.language)
        }
        Ok(_) => {}
        Err(_) => return Outcome::Skipped(SkipReason::Unreadable, file.language),
    }
    let Ok(bytes) = std::fs::read(&file.abs) else {
        return Outcome::Skipped(SkipReason::Unreadable, file.language);
    };
    if bytes.len() as u64 > max_file_bytes {
        return Outcome::Skipped(SkipReason::TooLarge, file.language);
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Outcome::Skipped(SkipReason::Binary, file.language);
    }
    if previous.is_some_and(|p| p.content_hash == content_hash(&bytes)) {
        return Outcome::Unchanged {
            path: file.path.clone(),
            // As parsed before (a `.h` header may be C++).
            language: previous.map_or(file.language, |p| p.language),
        };
    }
    let Ok(source) = String::from_utf8(bytes) else {
        return Outcome::Skipped(SkipReason::NotUtf8, file.language);
    };
    let language = file.language.refine(&file.path, &source);
    let graph = codegraph_parser::parse_file(&file.path, &source, language);
    Outcome::Parsed {
        path: file.path.clone(),
        language,
        graph,
        source,
    }
}

/// Deletes the index in `dir`, refusing a directory that does not look
/// like one (so `--rebuild --db ~` cannot empty a home directory).
fn remove_index(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let looks_like_index = ["CURRENT", "IDENTITY", "LOCK", "search"]
        .iter()
        .any(|name| dir.join(name).exists())
        || std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none());
    if !looks_like_index {
        bail!(
            "refusing to delete {}: it does not look like a codegraph index",
            dir.display()
        );
    }
    std::fs::remove_dir_all(dir).with_context(|| format!("cannot delete {}", dir.display()))
}

/// Indexes `config.root` into `config.db_dir`, incrementally.
pub fn index(config: &IndexConfig) -> Result<IndexReport> {
    Indexer::open(config)?.run(&Scope::All)
}

/// What an index run looks at.
#[derive(Clone, Debug)]
pub enum Scope {
    /// The whole tree: walked, and every file's content compared with the
    /// index.
    All,
    /// Only these paths under the root (absolute, as a file watcher
    /// reports them): files written, created or deleted, and directories
    /// whose whole subtree may have changed (created, deleted, renamed).
    /// The same ignore rules apply as to a whole walk. A change to an
    /// ignore file or a manifest (its module map) widens the run to
    /// [`Scope::All`].
    Paths(Vec<PathBuf>),
}

/// An index kept open between runs: `codegraph index` makes one run,
/// `codegraph watch` one per batch of changes, without reopening the
/// store each time.
pub struct Indexer {
    config: IndexConfig,
    /// The root, canonical.
    root: PathBuf,
    /// The index directory, canonical.
    db_dir: PathBuf,
    /// `None` only when reopening it failed ([`Indexer::run`]).
    store: Option<Store>,
    /// Whether a run has started: an empty store is opened for a bulk load
    /// (`OpenMode::BulkLoad`), which only the first run is.
    ran: bool,
    /// Reported by the first run only (the store was opened for it).
    rebuilt_older_schema: bool,
}

impl Indexer {
    /// Checks the root and opens (or creates) the index; an index of an
    /// older schema is deleted and started again.
    pub fn open(config: &IndexConfig) -> Result<Indexer> {
        let root = &config.root;
        if !root.exists() {
            bail!("cannot index {}: no such file or directory", root.display());
        }
        if !root.is_dir() {
            bail!("cannot index {}: not a directory", root.display());
        }
        std::fs::read_dir(root).with_context(|| {
            format!("cannot index {}: directory is not readable", root.display())
        })?;
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root.display()))?;
        if config.rebuild {
            remove_index(&config.db_dir)?;
        }
        std::fs::create_dir_all(&config.db_dir).with_context(|| {
            format!("cannot create index directory {}", config.db_dir.display())
        })?;
        let mut rebuilt_older_schema = false;
        let mut bulk = !config.db_dir.join("CURRENT").exists();
        let mode = |bulk| {
            if bulk {
                OpenMode::BulkLoad
            } else {
                OpenMode::ReadWrite
            }
        };
        let store = match Store::open(&config.db_dir, mode(bulk)) {
            Err(codegraph_graph::StoreError::OlderSchema { .. }) => {
                // Nothing of an older layout can be reused: start again.
                remove_index(&config.db_dir)?;
                rebuilt_older_schema = true;
                bulk = true;
                Store::open(&config.db_dir, mode(bulk))?
            }
            opened => opened?,
        };
        let db_dir = config
            .db_dir
            .canonicalize()
            .unwrap_or_else(|_| config.db_dir.clone());
        Ok(Indexer {
            config: config.clone(),
            root,
            db_dir,
            store: Some(store),
            ran: false,
            rebuilt_older_schema,
        })
    }

    /// The root being indexed (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The index directory (canonical).
    pub fn db_dir(&self) -> &Path {
        &self.db_dir
    }

    #[cfg(test)]
    pub(crate) fn store_mode(&self) -> Option<OpenMode> {
        self.store.as_ref().map(Store::mode)
    }

    /// One index run over `scope`. A run that finds nothing changed
    /// writes nothing (not even a new generation).
    pub fn run(&mut self, scope: &Scope) -> Result<IndexReport> {
        let started = Instant::now();
        let later = std::mem::replace(&mut self.ran, true);
        if later && self.store.as_ref().map(Store::mode) == Some(OpenMode::BulkLoad) {
            // Later runs read what they replace while they write: their
            // memtables must be sorted. The log holds whatever was not
            // flushed, so closing loses nothing.
            self.store = None;
            self.store = Some(Store::open(&self.config.db_dir, OpenMode::ReadWrite)?);
        }
        let mut report = IndexReport {
            rebuilt_older_schema: std::mem::take(&mut self.rebuilt_older_schema),
            ..IndexReport::default()
        };
        let store = self
            .store
            .as_ref()
            .context("the index is closed: reopening it after the first run failed")?;
        let config = &self.config;
        let extractor = codegraph_parser::EXTRACTOR_FINGERPRINT;
        let stored_extractor = store.extractor()?;
        let targets = match scope {
            Scope::Paths(paths)
                if !widens(paths) && stored_extractor.as_deref() == Some(extractor) =>
            {
                Some(Targets::new(&self.root, paths))
            }
            _ => None,
        };
        // The files of the index this run may change: all of them, or
        // those in the scope.
        let mut previous: HashMap<String, FileRecord> = match &targets {
            None => store.files()?.into_iter().collect(),
            Some(targets) => targets.indexed(store)?,
        };
        // Parsed by another extractor: what it made of unchanged files is
        // stale, so every file is parsed again (and the fingerprint
        // recorded only once all of them are written).
        report.reparsed_all =
            !previous.is_empty() && stored_extractor.as_deref() != Some(extractor);
        let mut uncovered = HashMap::new();
        let (files, manifests) = walk(
            &self.root,
            &self.db_dir,
            config.respect_ignore_files,
            targets.as_ref(),
            &mut report.skipped,
            &mut uncovered,
        );
        report.not_covered = top_uncovered(uncovered);
        report.files_seen = files.len() as u64;
        if config.respect_ignore_files && targets.is_none() {
            report.ignored =
                crate::ignored::mostly_ignored(&self.root, &self.db_dir, files.len() as u64);
        }
        codegraph_graph::fault::checkpoint("walk");
        report.stages.walk = started.elapsed().as_secs_f64();
        report.stage_peak_bytes.walk = peak_rss_bytes();
        let mut stage = Instant::now();

        let report_progress = |event: Progress| {
            if let Some(progress) = &config.progress {
                (progress.0)(event);
            }
        };
        let total = files.len() as u64;
        let max_file_bytes = config.max_file_bytes;
        let reparse = report.reparsed_all;
        // A scoped run reads its (few) files before deciding whether there
        // is anything to write; a whole run streams them to the writer.
        let read_first: Option<Vec<Outcome>> = targets.as_ref().map(|_| {
            files
                .par_iter()
                .map(|file| process(file, max_file_bytes, previous.get(&file.path)))
                .collect()
        });
        if let Some(outcomes) = &read_first {
            let kept: HashSet<&str> = outcomes.iter().filter_map(Outcome::path).collect();
            let changed = outcomes.iter().any(|o| matches!(o, Outcome::Parsed { .. }))
                || previous.keys().any(|path| !kept.contains(path.as_str()))
                || !store.pending_paths()?.is_empty();
            if !changed {
                report.files_unchanged = kept.len() as u64;
                report.seconds = started.elapsed().as_secs_f64();
                return Ok(report);
            }
        }

        // Before the first commit: a server answering from this index keeps
        // its current snapshot until the run is complete.
        let generation = codegraph_graph::generation::begin(&self.db_dir)
            .with_context(|| format!("cannot write to the index at {}", self.db_dir.display()))?;
        // The search documents of a re-parse are stale too: dropped now,
        // before anything records the new fingerprint, so even an
        // interrupted run leaves the next one a full search build to do.
        let search_dir = codegraph_search::search_dir(&self.db_dir);
        if report.reparsed_all && search_dir.exists() {
            std::fs::remove_dir_all(&search_dir)
                .with_context(|| format!("cannot remove {}", search_dir.display()))?;
        }

        report_progress(Progress::Parsing { total });
        let mut done = 0;
        let mut writer = IndexWriter::new(store)?
            .with_batch_limits(config.commit_every_files, config.commit_every_bytes);
        // Paths that are in the index after this run: parsed or unchanged.
        let mut kept: HashSet<String> = HashSet::with_capacity(files.len());
        let mut write = |outcome: Outcome, report: &mut IndexReport| -> Result<()> {
            done += 1;
            report_progress(Progress::Parsed { done, total });
            match outcome {
                Outcome::Parsed {
                    path,
                    language,
                    graph,
                    source,
                } => {
                    report.files_parsed += 1;
                    report.nodes_parsed += graph.nodes.len() as u64;
                    report.edges_parsed += graph.edges.len() as u64;
                    report.refs_parsed += graph.refs.len() as u64;
                    report.bytes_parsed += source.len() as u64;
                    report.files_with_syntax_errors += u64::from(graph.has_syntax_errors);
                    let coverage = coverage(report, language);
                    coverage.parsed += 1;
                    coverage.syntax_errors += u64::from(graph.has_syntax_errors);
                    writer.replace_file(&path, language, previous.get(&path), &graph, &source)?;
                    kept.insert(path);
                    if writer.batch_full() {
                        writer.commit()?;
                    }
                }
                Outcome::Unchanged { path, language } => {
                    report.files_unchanged += 1;
                    coverage(report, language).unchanged += 1;
                    kept.insert(path);
                }
                Outcome::Skipped(reason, language) => {
                    report.skipped.add(reason);
                    coverage(report, language).skipped.add(reason);
                }
            }
            Ok(())
        };
        match read_first {
            Some(outcomes) => {
                for outcome in outcomes {
                    write(outcome, &mut report)?;
                }
            }
            None => {
                let (sender, receiver) = crossbeam_channel::bounded::<Outcome>(CHANNEL_FILES);
                let prev = &previous;
                let files = &files;
                std::thread::scope(|scope| -> Result<()> {
                    scope.spawn(move || {
                        // Files are taken in path order, one at a time, so
                        // the writer receives them nearly in order: each
                        // memtable of the families keyed by path (sources,
                        // references, file records) covers the range after
                        // the last one's, and its table file moves down the
                        // tree without being merged again. (Splitting the
                        // list in halves, as a parallel iterator does,
                        // interleaved two far-apart ranges in every one.)
                        let next = AtomicUsize::new(0);
                        rayon::broadcast(|_| {
                            while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                                let known = prev.get(&file.path).filter(|_| !reparse);
                                // The writer only hangs up on error; then the
                                // rest is moot.
                                if sender.send(process(file, max_file_bytes, known)).is_err() {
                                    break;
                                }
                            }
                        });
                    });
                    for outcome in receiver {
                        write(outcome, &mut report)?;
                    }
                    Ok(())
                })?;
            }
        }
        report_progress(Progress::Stage("resolve"));
        writer.set_extractor(extractor);
        // A whole run's coverage is the tree's; a run over some paths
        // leaves the last whole one's.
        if targets.is_none() {
            let coverage = serde_json::json!({
                "languages": &report.languages,
                "not_covered": &report.not_covered,
            });
            writer.set_coverage(&coverage.to_string());
        }
        writer.commit()?;

        report.stages.parse = lap(&mut stage);
        report.stage_peak_bytes.parse = peak_rss_bytes();
        // Files indexed before that this run did not index (deleted, now
        // ignored, now skipped) leave the index.
        previous.retain(|path, _| !kept.contains(path));
        for (path, record) in &previous {
            writer.remove_file(path, record)?;
            report.files_removed += 1;
            if writer.batch_full() {
                writer.commit()?;
            }
        }
        writer.commit()?;
        report.stages.remove = lap(&mut stage);
        report.stage_peak_bytes.remove = peak_rss_bytes();

        // A first build's name tokens (or those of one killed before it
        // wrote them), from the nodes now stored.
        report.tokens = codegraph_graph::tokens::build_pending(store, writer.take_token_names())?;
        report.stages.tokens = lap(&mut stage);
        report.stage_peak_bytes.tokens = peak_rss_bytes();

        let resolve_started = Instant::now();
        if targets.is_none() {
            update_aliases(&self.root, store, &mut writer, &manifests)?;
        }
        // Every file written or affected since its last resolution, by this
        // run or by one that was interrupted: the marks are committed with
        // the changes that made them.
        let to_resolve = store.pending_paths()?;
        // Resolution reads back what the run wrote: from table files with
        // their index blocks and filters it is faster than from the large
        // memtables a bulk write leaves (boost's resolution 55 -> 50 s).
        // A bulk load's memtables are sorted only when flushed.
        if to_resolve.len() >= FLUSH_BEFORE_RESOLVING || store.mode() == OpenMode::BulkLoad {
            store.flush_before_resolving()?;
        }
        codegraph_graph::fault::checkpoint("resolve-start");
        report.resolution = codegraph_graph::resolve_files(store, &mut writer, &to_resolve)?;
        report.resolution_seconds = resolve_started.elapsed().as_secs_f64();
        report.stages.resolve = lap(&mut stage);
        report.stage_peak_bytes.resolve = peak_rss_bytes();
        // A whole run leaves the store compact for the readers that open it
        // next. A scoped run's few writes are durable in the write-ahead log
        // already; flushing them would cost a watch tens of milliseconds a
        // save.
        if targets.is_none() {
            store.flush()?;
        }
        report.stages.flush = lap(&mut stage);
        report.stage_peak_bytes.flush = peak_rss_bytes();

        if let Some(name) = &config.embedder {
            report_progress(Progress::Stage("search"));
            if config.reembed && search_dir.exists() {
                std::fs::remove_dir_all(&search_dir)
                    .with_context(|| format!("cannot remove {}", search_dir.display()))?;
            }
            let mut embedder = codegraph_search::embedder_for(name)?;
            report.search = Some(codegraph_search::sync(
                store,
                &search_dir,
                embedder.as_mut(),
            )?);
        }
        // Re-embedding is asked for once, not on every later run.
        self.config.reembed = false;
        report.stages.search = lap(&mut stage);
        report.stage_peak_bytes.search = peak_rss_bytes();

        codegraph_graph::generation::finish(&self.db_dir, generation)
            .with_context(|| format!("cannot write to the index at {}", self.db_dir.display()))?;
        let stats = store.stats()?;
        report.total_files = stats.files;
        report.total_nodes = stats.nodes;
        report.total_edges = stats.edges;
        report.seconds = started.elapsed().as_secs_f64();
        report.nodes_per_second = report.nodes_parsed as f64 / report.seconds.max(1e-9);
        report.megabytes_per_second = report.bytes_parsed as f64 / 1e6 / report.seconds.max(1e-9);
        Ok(report)
    }
}

/// Files to resolve from which the run's writes are flushed first.
const FLUSH_BEFORE_RESOLVING: usize = 1000;

/// Seconds since `*since`, which moves to now.
fn lap(since: &mut Instant) -> f64 {
    let now = Instant::now();
    let seconds = now.duration_since(*since).as_secs_f64();
    *since = now;
    seconds
}

/// Records the module map the manifests declare; when it changed (a
/// tsconfig's aliases, the workspace's packages, crates or Go modules),
/// every import of that language may name another file now, so each such
/// file is marked for resolution.
fn update_aliases(
    root: &Path,
    store: &Store,
    writer: &mut IndexWriter<'_>,
    manifests: &[(String, Manifest)],
) -> Result<()> {
    let aliases = crate::workspace::aliases(root, manifests);
    let stored = store.path_aliases()?;
    if aliases == stored {
        return Ok(());
    }
    let js_changed = aliases.scopes != stored.scopes || aliases.packages != stored.packages;
    let rust_changed = aliases.rust_crates != stored.rust_crates;
    let go_changed = aliases.go_modules != stored.go_modules;
    writer.set_path_aliases(&aliases);
    for (path, record) in store.files()? {
        let affected = match record.language {
            Language::JavaScript | Language::TypeScript | Language::Tsx => js_changed,
            Language::Rust => rust_changed,
            Language::Go => go_changed,
            _ => false,
        };
        if affected {
            writer.mark_pending(&path);
        }
    }
    writer.commit()?;
    Ok(())
}

/// True when a change to one of `paths` can change which files are
/// indexed or how their imports resolve (an ignore file, a manifest):
/// then only a whole run is right.
fn widens(paths: &[PathBuf]) -> bool {
    paths.iter().any(|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        crate::ignored::is_ignore_file(name) || manifest_kind(name).is_some()
    })
}

/// The part of the tree a scoped run walks: the changed files, the
/// subtrees of changed directories, and the directories above them (read
/// only to reach them, so that every ignore file on the way applies).
#[derive(Clone)]
struct Targets {
    root: PathBuf,
    files: HashSet<PathBuf>,
    subtrees: Vec<PathBuf>,
    ancestors: HashSet<PathBuf>,
}

impl Targets {
    fn new(root: &Path, paths: &[PathBuf]) -> Targets {
        let mut targets = Targets {
            root: root.to_path_buf(),
            files: HashSet::new(),
            subtrees: Vec::new(),
            ancestors: HashSet::new(),
        };
        for path in paths.iter().filter(|p| p.starts_with(root) && *p != root) {
            // A path that is gone may have been a file or a directory.
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_dir() => targets.subtrees.push(path.clone()),
                Ok(_) => {
                    targets.files.insert(path.clone());
                }
                Err(_) => {
                    targets.files.insert(path.clone());
                    targets.subtrees.push(path.clone());
                }
            }
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| d.starts_with(root)) {
                if !targets.ancestors.insert(d.to_path_buf()) {
                    break;
                }
                dir = d.parent();
            }
        }
        targets
    }

    /// Whether a walk goes into (or yields) `path`.
    fn admits(&self, path: &Path, is_dir: bool) -> bool {
        self.subtrees.iter().any(|t| path.starts_with(t))
            || (is_dir && self.ancestors.contains(path))
            || self.files.contains(path)
    }

    /// The indexed files in the scope.
    fn indexed(&self, store: &Store) -> Result<HashMap<String, FileRecord>> {
        let mut found = HashMap::new();
        for file in &self.files {
            if let Some(path) = relative_path(&self.root, file) {
                if let Some(record) = store.file(&path)? {
                    found.insert(path, record);
                }
            }
        }
        for dir in &self.subtrees {
            if let Some(path) = relative_path(&self.root, dir) {
                found.extend(store.files_under(&format!("{path}/"))?);
            }
        }
        Ok(found)
    }
}
