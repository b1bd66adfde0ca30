//! The engine a long-lived server answers from, kept current: after an
//! index run completes, the next query sees the new index, with no
//! restart. A run in progress is never seen: the engine is swapped only
//! for one opened on a completed run (see `codegraph_graph::generation`),
//! and queries already answering keep the engine they started with.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use codegraph_graph::generation::{self, Generation};
use codegraph_graph::OpenMode;
use codegraph_query::{Engine, QueryError};

/// How often the index directory is checked for a completed run.
pub const POLL: Duration = Duration::from_millis(200);

pub struct Live {
    dir: PathBuf,
    engine: ArcSwap<Engine>,
    max_results: usize,
    cache_bytes: u64,
}

impl Live {
    /// Opens the index in `dir`; `max_results` caps every answer.
    /// `cache_bytes` bounds each engine's caches (0: none).
    pub fn open(dir: &Path, max_results: usize, cache_bytes: u64) -> Result<Live, QueryError> {
        let engine = open(dir, max_results, cache_bytes)?;
        Ok(Live {
            dir: dir.to_path_buf(),
            engine: ArcSwap::from_pointee(engine),
            max_results,
            cache_bytes,
        })
    }

    /// The engine to answer one request with.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// Swaps in the index's newest completed run, if it is not the one
    /// being served; true when it did. Blocking: run it off the async
    /// threads.
    pub fn refresh(&self) -> bool {
        let now = generation::read(&self.dir);
        if !matches!(now, Generation::Ready(_)) || now == self.engine.load().generation() {
            return false;
        }
        let Ok(engine) = open(&self.dir, self.max_results, self.cache_bytes) else {
            return false;
        };
        // Kept only if no run started while it opened: that run would
        // have said `updating` before its first commit.
        if engine.generation() != now || generation::read(&self.dir) != now {
            return false;
        }
        self.engine.store(Arc::new(engine));
        true
    }

    /// Refreshes every [`POLL`] until the runtime shuts down.
    pub fn spawn_refresher(self: &Arc<Live>) {
        let live = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(POLL).await;
                let live = Arc::clone(&live);
                let _ = tokio::task::spawn_blocking(move || live.refresh()).await;
            }
        });
    }
}

fn open(dir: &Path, max_results: usize, cache_bytes: u64) -> Result<Engine, QueryError> {
    let engine = Engine::open(dir, OpenMode::ReadOnly)?
        .with_max_results(max_results)
        .with_cache_bytes(cache_bytes);
    engine.warm();
    Ok(engine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer::{index, IndexConfig};

    fn index_once(root: &Path, db: &Path) {
        let mut config = IndexConfig::new(root.to_path_buf(), db.to_path_buf());
        config.embedder = None;
        index(&config).unwrap();
    }

    #[test]
    fn swaps_only_to_a_completed_run() {
        let dir = tempfile::tempdir().unwrap();
        let (root, db) = (dir.path().join("repo"), dir.path().join("db"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.py"), "def alpha():\n    pass\n").unwrap();
        index_once(&root, &db);
        let live = Live::open(&db, 100, 1 << 20).unwrap();
        assert!(!live.refresh(), "nothing new");

        std::fs::write(root.join("b.py"), "def beta():\n    pass\n").unwrap();
        index_once(&root, &db);
        // A later run has started (and may have committed part of itself):
        // the completed run before it is not taken either, as the store
        // now holds some of the new run.
        let started = generation::begin(&db).unwrap();
        assert!(!live.refresh());
        assert!(live.engine().resolve("beta").is_err());
        generation::finish(&db, started).unwrap();
        assert!(live.refresh());
        assert_eq!(live.engine().resolve("beta").unwrap().file, "b.py");
        assert_eq!(live.engine().generation(), Generation::Ready(started));
    }
}
