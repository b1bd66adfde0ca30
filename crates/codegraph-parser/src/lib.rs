//! Turns one source file into a [`FileGraph`]: its definitions (with kind,
//! qualified name, signature, doc comment and span), containment and import
//! edges, and every call/type/inheritance reference as an *unresolved*
//! reference for the resolver to link later.
//!
//! Extraction rules are data: one Tree-sitter query file per language under
//! `queries/<lang>/tags.scm`, using a small capture vocabulary (see
//! `extract.rs`). The Rust code here is the language-neutral adapter plus a
//! few per-language facts (module path, scope separator). This crate does no
//! I/O: callers hand it the file's text.
//!
//! ```
//! use codegraph_core::{Language, NodeKind};
//! let graph = codegraph_parser::parse_file("util.py", "def parse_config(path):\n    return load(path)\n", Language::Python);
//! let def = &graph.nodes[1];
//! assert_eq!((def.kind, def.qualified_name.as_str()), (NodeKind::Function, "util.parse_config"));
//! assert_eq!(graph.refs[0].name, "load");
//! ```

mod c_walk;
mod extract;
mod kin;
mod mask;
mod spec;
mod testing;
mod text;
mod types;

pub use extract::{parse_file, parse_file_by_query, syntax_tree_only};

/// Identifies this extractor (its code, queries and the core types it
/// fills): an index parsed by another one parses every file again.
pub const EXTRACTOR_FINGERPRINT: &str = env!("CODEGRAPH_EXTRACTOR_FINGERPRINT");
pub use spec::{compile_query, query_patterns, query_source, syntax_tree};
