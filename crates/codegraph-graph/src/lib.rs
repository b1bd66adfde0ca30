//! The durable home of the code graph: a RocksDB database with one column
//! family per concept (nodes, out/in adjacency, name and subword indexes,
//! unresolved references, files, file sources, meta), keyed so that every
//! question is a point lookup or one prefix scan (see [`keys`]).
//!
//! Writes go through [`IndexWriter`], which replaces a file's nodes, edges,
//! references and source in one `WriteBatch`: a crash leaves either the old
//! or the new version of each file, never a mix. Readers open the store
//! read-only, so queries run while an indexer holds the write lock.
//!
//! This crate knows nothing of parsing or of the command line.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use codegraph_graph::{OpenMode, Store};
//! let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
//! assert_eq!(store.stats().unwrap().nodes, 0);
//! ```

mod builtins;
pub mod cache;
pub mod fault;
pub mod generation;
mod imports;
pub mod keys;
mod lookup;
mod resolve;
mod store;
pub mod tokens;
mod traverse;
mod writer;

pub use imports::{join as join_path, AliasScope, Package, PathAliases};
pub use lookup::{fuzzy_score, NameMatch};
pub use resolve::{resolve_files, ResolveReport};
pub use store::{FileRecord, NodeHead, OpenMode, ResolvedRecord, Stats, Store, StoreError};
pub use traverse::{
    shortest_path, walk, walk_filtered, walk_sequential, Direction, EdgeFilter, Hop, Walk,
    PARALLEL_FRONTIER,
};
pub use writer::IndexWriter;
