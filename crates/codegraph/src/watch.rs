//! Keeping an index current while files change: `codegraph watch` and
//! `codegraph serve --watch`.
//!
//! A file watcher (inotify on Linux, through the `notify` crate) reports
//! each write, create, delete and rename under the root. Events are
//! gathered until the tree has been quiet for [`QUIET`] (an editor's save
//! is several events within a millisecond; a branch switch, thousands over
//! a second), then one index run covers just the paths they named
//! ([`Scope::Paths`]): the same ignore rules, content hashes, resolution
//! and search sync as a whole run, over a few files. A run that finds the
//! files as indexed (saved unchanged, or changed and changed back) writes
//! nothing. When the watcher lost events (its queue overflowed) or an
//! ignore file or manifest changed, the run covers the whole tree.
//!
//! Each run is one generation (see `codegraph_graph::generation`): a
//! server swaps to it only once it is complete, so a query sees the index
//! before a change or after it, never half of it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use crate::indexer::{IndexConfig, IndexReport, Indexer, Scope};

/// How long the tree must be quiet before a run starts.
pub const QUIET: Duration = Duration::from_millis(30);
/// Under a steady stream of changes, a run starts at least this often.
pub const MAX_WAIT: Duration = Duration::from_secs(1);
/// How often a waiting watcher checks whether it was asked to stop.
const STOP_POLL: Duration = Duration::from_millis(200);
/// More changed paths than this in one batch: walking the whole tree is
/// cheaper than following each.
const WIDEN_AT: usize = 50_000;

/// One batch of changes and what indexing it did.
#[derive(Debug)]
pub struct Update {
    /// Paths the watcher reported (after dropping the index's own files
    /// and hidden ones); `None` when the whole tree was re-indexed.
    pub paths: Option<usize>,
    /// From the first event of the batch to the end of its run.
    pub latency: Duration,
    pub report: Result<IndexReport>,
}

/// An index kept current with the tree under its root.
pub struct Watch {
    indexer: Indexer,
    events: Receiver<notify::Result<notify::Event>>,
    // Stops watching when dropped.
    _watcher: RecommendedWatcher,
}

impl Watch {
    /// Starts watching `config.root`, then brings the index up to date
    /// with one whole run (changes made during it are caught by the
    /// next). Returns the watch and that first run's report.
    pub fn start(config: &IndexConfig) -> Result<(Watch, IndexReport)> {
        let mut indexer = Indexer::open(config)?;
        let (sender, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender)
            .context("cannot start a file watcher on this system")?;
        watcher
            .watch(indexer.root(), RecursiveMode::Recursive)
            .map_err(|e| watch_error(indexer.root(), e))?;
        let first = indexer.run(&Scope::All)?;
        let watch = Watch {
            indexer,
            events,
            _watcher: watcher,
        };
        Ok((watch, first))
    }

    /// The root being watched (canonical).
    pub fn root(&self) -> &Path {
        self.indexer.root()
    }

    /// The index directory (canonical).
    pub fn db_dir(&self) -> &Path {
        self.indexer.db_dir()
    }

    /// Waits for the next batch of changes and indexes it; `None` once
    /// `stop` is set or the watcher has gone.
    pub fn next(&mut self, stop: &AtomicBool) -> Option<Update> {
        loop {
            let first = loop {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                match self.events.recv_timeout(STOP_POLL) {
                    Ok(event) => break event,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            };
            let started = Instant::now();
            let mut batch = Batch::default();
            batch.add(first);
            // Until the tree is quiet, or has been busy for too long.
            while started.elapsed() < MAX_WAIT {
                match self.events.recv_timeout(QUIET) {
                    Ok(event) => batch.add(event),
                    Err(_) => break,
                }
            }
            let paths: Vec<PathBuf> = batch
                .paths
                .into_iter()
                .filter(|p| self.concerns(p))
                .collect();
            let whole = batch.rescan || paths.len() > WIDEN_AT;
            if !whole && paths.is_empty() {
                continue;
            }
            let (scope, count) = if whole {
                (Scope::All, None)
            } else {
                let count = paths.len();
                (Scope::Paths(paths), Some(count))
            };
            let report = self.indexer.run(&scope);
            return Some(Update {
                paths: count,
                latency: started.elapsed(),
                report,
            });
        }
    }

    /// Whether a change at `path` can concern the index: under the root,
    /// not in the index's own directory, not hidden (`.git/...`); hidden
    /// ignore files are the exception, as they change what is indexed.
    fn concerns(&self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(self.root()) else {
            return false;
        };
        if path.starts_with(self.db_dir()) || relative.as_os_str().is_empty() {
            return false;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let hidden = relative
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')));
        !hidden && (!name.starts_with('.') || crate::ignored::is_ignore_file(name))
    }
}

/// The changes gathered for one run.
#[derive(Default)]
struct Batch {
    paths: HashSet<PathBuf>,
    /// The watcher lost events: only a whole run is sure to catch up.
    rescan: bool,
}

impl Batch {
    fn add(&mut self, event: notify::Result<notify::Event>) {
        let event = match event {
            Ok(event) => event,
            Err(_) => {
                self.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
        }
        // Reads change nothing (a close after writing does).
        if let EventKind::Access(access) = event.kind {
            if !matches!(access, AccessKind::Close(AccessMode::Write)) {
                return;
            }
        }
        self.paths.extend(event.paths);
    }
}

/// The watcher could not be set up: one sentence, with the fix when the
/// system's limit on watches is the cause.
fn watch_error(root: &Path, error: notify::Error) -> anyhow::Error {
    match error.kind {
        notify::ErrorKind::MaxFilesWatch => anyhow::anyhow!(
            "cannot watch {}: it has more directories than the system's limit on file watches \
             (raise it with `sysctl fs.inotify.max_user_watches=1048576`)",
            root.display()
        ),
        _ => anyhow::anyhow!("cannot watch {}: {error}", root.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegraph_graph::{OpenMode, Store};

    fn config(root: &Path, db: &Path) -> IndexConfig {
        let mut config = IndexConfig::new(root.to_path_buf(), db.to_path_buf());
        config.embedder = None;
        config
    }

    fn names(db: &Path) -> Vec<String> {
        let store = Store::open(db, OpenMode::QueryOnce).unwrap();
        let mut names: Vec<String> = Vec::new();
        for (_, record) in store.files().unwrap() {
            let nodes = store.get_nodes(&record.node_ids).unwrap();
            names.extend(nodes.into_iter().flatten().map(|n| n.name.to_string()));
        }
        names.sort();
        names
    }

    #[test]
    fn a_scoped_run_matches_a_whole_run() {
        let dir = tempfile::tempdir().unwrap();
        let (root, db) = (dir.path().join("repo"), dir.path().join("db"));
        std::fs::create_dir_all(root.join("pkg/sub")).unwrap();
        std::fs::write(root.join("a.py"), "def alpha():\n    beta()\n").unwrap();
        std::fs::write(root.join("pkg/b.py"), "def beta():\n    pass\n").unwrap();
        std::fs::write(root.join("pkg/sub/c.py"), "def gamma():\n    pass\n").unwrap();
        // `.ignore` applies in or out of git (`.gitignore` only in git).
        std::fs::write(root.join(".ignore"), "build/\n").unwrap();
        let mut indexer = Indexer::open(&config(&root, &db)).unwrap();
        // A first build into an empty store is a bulk load; later runs
        // write to sorted memtables again.
        assert_eq!(indexer.store_mode(), Some(OpenMode::BulkLoad));
        indexer.run(&Scope::All).unwrap();
        let root = indexer.root().to_path_buf();

        // Nothing changed: nothing written.
        let report = indexer.run(&Scope::Paths(vec![root.join("a.py")])).unwrap();
        assert_eq!((report.files_parsed, report.files_unchanged), (0, 1));
        assert_eq!(indexer.store_mode(), Some(OpenMode::ReadWrite));

        // An edit, a new file, an ignored file, and a deleted directory.
        std::fs::write(root.join("a.py"), "def alpha():\n    delta()\n").unwrap();
        std::fs::write(root.join("pkg/d.py"), "def delta():\n    pass\n").unwrap();
        std::fs::create_dir_all(root.join("build")).unwrap();
        std::fs::write(root.join("build/e.py"), "def epsilon():\n    pass\n").unwrap();
        std::fs::remove_dir_all(root.join("pkg/sub")).unwrap();
        let paths = ["a.py", "pkg/d.py", "build/e.py", "pkg/sub"]
            .map(|p| root.join(p))
            .to_vec();
        let report = indexer.run(&Scope::Paths(paths)).unwrap();
        assert_eq!(report.files_parsed, 2);
        assert_eq!(report.files_removed, 1);
        drop(indexer);
        let scoped = names(&db);
        assert!(scoped.contains(&"delta".to_string()));
        assert!(!scoped.contains(&"gamma".to_string()));
        assert!(!scoped.contains(&"epsilon".to_string()));

        let clean = dir.path().join("clean");
        crate::indexer::index(&config(&root, &clean)).unwrap();
        assert_eq!(scoped, names(&clean));
        let edges = |db: &Path| {
            let store = Store::open(db, OpenMode::QueryOnce).unwrap();
            (store.stats().unwrap().edges, store.stats().unwrap().files)
        };
        assert_eq!(edges(&db), edges(&clean));
    }

    #[test]
    fn hidden_paths_and_the_index_itself_are_not_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        let db = root.join(".codegraph");
        let (watch, _) = Watch::start(&config(&root, &db)).unwrap();
        let root = watch.root().to_path_buf();
        assert!(watch.concerns(&root.join("src/a.py")));
        assert!(watch.concerns(&root.join("src/.gitignore")));
        assert!(!watch.concerns(&root.join(".git/HEAD")));
        assert!(!watch.concerns(&root.join("src/.a.py.swp")));
        assert!(!watch.concerns(&root.join(".codegraph/000012.sst")));
        assert!(!watch.concerns(Path::new("/elsewhere/a.py")));
    }

    #[test]
    fn an_edit_is_indexed_without_being_asked() {
        let dir = tempfile::tempdir().unwrap();
        let (root, db) = (dir.path().join("repo"), dir.path().join("db"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.py"), "def alpha():\n    pass\n").unwrap();
        let (mut watch, first) = Watch::start(&config(&root, &db)).unwrap();
        assert_eq!(first.files_parsed, 1);
        std::fs::write(root.join("b.py"), "def beta():\n    pass\n").unwrap();
        // Events may come as more than one batch; wait for the one that
        // parses the file (bounded, so a broken watcher fails, not hangs).
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let timer = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(30));
            timer.store(true, Ordering::Relaxed);
        });
        loop {
            let update = watch.next(&stop).expect("the edit was never indexed");
            if update.report.unwrap().files_parsed == 1 {
                break;
            }
        }
        drop(watch);
        assert!(names(&db).contains(&"beta".to_string()));
    }
}
