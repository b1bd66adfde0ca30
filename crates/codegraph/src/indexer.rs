//! The indexing pipeline: walk the tree (gitignore-aware), read and parse
//! changed files in parallel, and write each file's graph through one
//! writer in atomic batches. Unchanged files (same content hash) are
//! skipped; files that disappeared are removed.
//!
//! Memory is bounded by the channel between parsers and the writer: at most
//! `CHANNEL_FILES` parsed files wait to be written.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
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
    /// The search indexes' update (lexical postings and embeddings).
    pub search: Option<codegraph_search::SyncReport>,
    pub total_files: u64,
    pub total_nodes: u64,
    pub total_edges: u64,
    pub seconds: f64,
    pub nodes_per_second: f64,
    pub megabytes_per_second: f64,
}

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
    },
    Skipped(SkipReason),
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
    skipped: &mut SkipCounts,
) -> (Vec<SourceFile>, Vec<(String, Manifest)>) {
    let db_dir = db_dir.to_path_buf();
    let walker = crate::ignored::walk_builder(root, respect_ignore_files)
        .filter_entry(move |entry| entry.file_name() != INDEX_DIR && entry.path() != db_dir)
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
        let Some(language) = Language::from_path(&abs) else {
            let manifest =
                relative_path(root, &abs).and_then(|path| Some((manifest_kind(&path)?, path)));
            if let Some((kind, path)) = manifest {
                manifests.push((path, kind));
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

fn process(file: &SourceFile, max_file_bytes: u64, previous: Option<&FileRecord>) -> Outcome {
    match std::fs::metadata(&file.abs) {
        Ok(meta) if meta.len() > max_file_bytes => return Outcome::Skipped(SkipReason::TooLarge),
        Ok(_) => {}
        Err(_) => return Outcome::Skipped(SkipReason::Unreadable),
    }
    let Ok(bytes) = std::fs::read(&file.abs) else {
        return Outcome::Skipped(SkipReason::Unreadable);
    };
    if bytes.len() as u64 > max_file_bytes {
        return Outcome::Skipped(SkipReason::TooLarge);
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Outcome::Skipped(SkipReason::Binary);
    }
    if previous.is_some_and(|p| p.content_hash == content_hash(&bytes)) {
        return Outcome::Unchanged {
            path: file.path.clone(),
        };
    }
    let Ok(source) = String::from_utf8(bytes) else {
        return Outcome::Skipped(SkipReason::NotUtf8);
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
    let started = Instant::now();
    let root = &config.root;
    if !root.exists() {
        bail!("cannot index {}: no such file or directory", root.display());
    }
    if !root.is_dir() {
        bail!("cannot index {}: not a directory", root.display());
    }
    std::fs::read_dir(root)
        .with_context(|| format!("cannot index {}: directory is not readable", root.display()))?;
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", root.display()))?;
    let mut report = IndexReport::default();
    if config.rebuild {
        remove_index(&config.db_dir)?;
    }
    std::fs::create_dir_all(&config.db_dir)
        .with_context(|| format!("cannot create index directory {}", config.db_dir.display()))?;
    let store = match Store::open(&config.db_dir, OpenMode::ReadWrite) {
        Err(codegraph_graph::StoreError::OlderSchema { .. }) => {
            // Nothing of an older layout can be reused: start again.
            remove_index(&config.db_dir)?;
            report.rebuilt_older_schema = true;
            Store::open(&config.db_dir, OpenMode::ReadWrite)?
        }
        opened => opened?,
    };
    let db_dir = config
        .db_dir
        .canonicalize()
        .unwrap_or_else(|_| config.db_dir.clone());
    // Before the first commit: a server answering from this index keeps
    // its current snapshot until the run is complete.
    let generation = codegraph_graph::generation::begin(&db_dir)
        .with_context(|| format!("cannot write to the index at {}", db_dir.display()))?;

    let mut previous: HashMap<String, FileRecord> = store.files()?.into_iter().collect();
    // Parsed by another extractor: what it made of unchanged files is
    // stale, so every file is parsed again (and the fingerprint recorded
    // only once all of them are written).
    let extractor = codegraph_parser::EXTRACTOR_FINGERPRINT;
    report.reparsed_all = !previous.is_empty() && store.extractor()?.as_deref() != Some(extractor);
    // Its search documents are stale too: dropped now, before anything
    // records the new fingerprint, so even an interrupted run leaves the
    // next one a full search build to do.
    let search_dir = codegraph_search::search_dir(&config.db_dir);
    if report.reparsed_all && search_dir.exists() {
        std::fs::remove_dir_all(&search_dir)
            .with_context(|| format!("cannot remove {}", search_dir.display()))?;
    }
    let (files, manifests) = walk(
        &root,
        &db_dir,
        config.respect_ignore_files,
        &mut report.skipped,
    );
    report.files_seen = files.len() as u64;
    if config.respect_ignore_files {
        report.ignored = crate::ignored::mostly_ignored(&root, &db_dir, files.len() as u64);
    }
    codegraph_graph::fault::checkpoint("walk");

    let report_progress = |event: Progress| {
        if let Some(progress) = &config.progress {
            (progress.0)(event);
        }
    };
    let total = files.len() as u64;
    report_progress(Progress::Parsing { total });
    let mut done = 0;

    let mut writer = IndexWriter::new(&store)?
        .with_batch_limits(config.commit_every_files, config.commit_every_bytes);
    // Paths that are in the index after this run: parsed or unchanged.
    let mut kept: HashSet<String> = HashSet::with_capacity(files.len());
    let (sender, receiver) = crossbeam_channel::bounded::<Outcome>(CHANNEL_FILES);
    let max_file_bytes = config.max_file_bytes;
    let prev = &previous;
    let reparse = report.reparsed_all;
    let write_result: Result<()> = std::thread::scope(|scope| {
        scope.spawn(move || {
            files.par_iter().for_each_with(sender, |sender, file| {
                let known = prev.get(&file.path).filter(|_| !reparse);
                let outcome = process(file, max_file_bytes, known);
                // The writer only hangs up on error; then the rest is moot.
                let _ = sender.send(outcome);
            });
        });
        for outcome in receiver {
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
                    writer.replace_file(&path, language, prev.get(&path), &graph, &source)?;
                    kept.insert(path);
                    if writer.batch_full() {
                        writer.commit()?;
                    }
                }
                Outcome::Unchanged { path } => {
                    report.files_unchanged += 1;
                    kept.insert(path);
                }
                Outcome::Skipped(reason) => match reason {
                    SkipReason::TooLarge => report.skipped.too_large += 1,
                    SkipReason::Binary => report.skipped.binary += 1,
                    SkipReason::NotUtf8 => report.skipped.not_utf8 += 1,
                    SkipReason::Unreadable => report.skipped.unreadable += 1,
                },
            }
        }
        Ok(())
    });
    write_result?;
    report_progress(Progress::Stage("resolve"));
    writer.set_extractor(extractor);
    writer.commit()?;

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

    let resolve_started = Instant::now();
    // The manifests' module map changed (a tsconfig's aliases, the
    // workspace's packages, crates or Go modules): every import of that
    // language may name another file now.
    let aliases = crate::workspace::aliases(&root, &manifests);
    let stored = store.path_aliases()?;
    if aliases != stored {
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
    }
    // Every file written or affected since its last resolution, by this run
    // or by one that was interrupted: the marks are committed with the
    // changes that made them.
    let to_resolve = store.pending_paths()?;
    codegraph_graph::fault::checkpoint("resolve-start");
    report.resolution = codegraph_graph::resolve_files(&store, &mut writer, &to_resolve)?;
    report.resolution_seconds = resolve_started.elapsed().as_secs_f64();
    store.flush()?;

    if let Some(name) = &config.embedder {
        report_progress(Progress::Stage("search"));
        let dir = codegraph_search::search_dir(&db_dir);
        if config.reembed && dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
        }
        let mut embedder = codegraph_search::embedder_for(name)?;
        report.search = Some(codegraph_search::sync(&store, &dir, embedder.as_mut())?);
    }

    codegraph_graph::generation::finish(&db_dir, generation)
        .with_context(|| format!("cannot write to the index at {}", db_dir.display()))?;
    let stats = store.stats()?;
    report.total_files = stats.files;
    report.total_nodes = stats.nodes;
    report.total_edges = stats.edges;
    report.seconds = started.elapsed().as_secs_f64();
    report.nodes_per_second = report.nodes_parsed as f64 / report.seconds.max(1e-9);
    report.megabytes_per_second = report.bytes_parsed as f64 / 1e6 / report.seconds.max(1e-9);
    Ok(report)
}
