//! Search over the indexed code: a BM25 lexical index (tantivy) and a
//! vector index (codegraph-vector), both derived from the RocksDB store and
//! kept in step with it by [`sync`], and a [`Searcher`] that fuses the two
//! rankings.
//!
//! Layout under the index directory: `search/lexical/` (tantivy),
//! `search/vectors.usearch`, `search/state.bin` (which files, at which
//! content hash, each index reflects, and which embedder made the vectors).

mod docs;
mod lexical;
mod searcher;
mod sync;

pub use docs::{is_searchable, SearchDoc};
pub use lexical::LexicalIndex;
pub use searcher::{Candidates, Filters, Hit, Mode, Searcher};
pub use sync::{
    embedder_for, file_docs, search_dir, sync, vectors_path, SyncReport, DEFAULT_EMBEDDER,
};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Store(#[from] codegraph_graph::StoreError),
    #[error("lexical index: {0}")]
    Lexical(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Vector(#[from] codegraph_vector::VectorIndexError),
    #[error(transparent)]
    Embed(#[from] codegraph_vector::EmbedError),
    #[error("the search index was built with embedder '{built}', not '{requested}'; run `codegraph index --reembed --embedder {requested}` to rebuild it")]
    EmbedderMismatch { built: String, requested: String },
    #[error("the search index was built with '{id}', a built-in model this codegraph no longer ships; run `codegraph index --embedder {embedder}` to rebuild it")]
    Retired { id: String, embedder: &'static str },
    #[error("unknown embedder '{0}' (expected: static, minilm, http)")]
    UnknownEmbedder(String),
    #[error("no search index in {0}; run `codegraph index` first")]
    Missing(String),
    #[error("the search index in {dir} was written by another version of codegraph (layout {found}, this one reads {expected}); run `codegraph index` to rebuild it")]
    OtherLayout {
        dir: String,
        found: u32,
        expected: u32,
    },
    #[error("the search index {path} is damaged ({message}); rebuild it with `codegraph index --reembed`")]
    Corrupt { path: String, message: String },
    #[error("cannot write the search index in {dir} ({detail}); the code graph is complete and search answers as before, and rerunning `codegraph index` once the cause is fixed completes it")]
    WriteFailed { dir: String, detail: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("invalid --path glob: {0}")]
    Glob(#[from] globset::Error),
}

/// A search index file that exists but does not open is damaged (a
/// missing one is reported before this as `Missing`): one sentence that
/// names the rebuild.
pub(crate) fn damaged(path: &std::path::Path, error: impl std::fmt::Display) -> SearchError {
    SearchError::Corrupt {
        path: path.display().to_string(),
        message: error.to_string(),
    }
}
