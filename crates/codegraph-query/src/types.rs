//! The typed answers. Each serializes to the JSON the CLI's `--json`
//! prints and the HTTP API returns; the text renderings in [`crate::text`]
//! read the same values.

use std::collections::BTreeMap;

use codegraph_core::Node;
use serde::Serialize;

/// A score or confidence to three decimals, as printed.
pub fn round3(value: f32) -> f64 {
    (f64::from(value) * 1000.0).round() / 1000.0
}

/// One symbol, as every answer lists it.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Symbol {
    pub id: String,
    pub name: String,
    pub qualified_name: String,
    pub kind: &'static str,
    pub language: &'static str,
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    pub score: f64,
    pub signature: Option<String>,
}

impl Symbol {
    pub fn new(node: &Node, score: f32) -> Symbol {
        Symbol {
            id: node.id.to_string(),
            name: node.name.clone(),
            qualified_name: node.qualified_name.clone(),
            kind: node.kind.as_str(),
            language: node.language.as_str(),
            file: node.file.clone(),
            start_line: node.span.start_line,
            end_line: node.span.end_line,
            score: round3(score),
            signature: node.signature.clone(),
        }
    }

    /// `function  util.parse_config  src/util.py:10-20`
    pub fn line(&self) -> String {
        format!(
            "{:<11} {}  {}:{}-{}",
            self.kind, self.qualified_name, self.file, self.start_line, self.end_line
        )
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FindHit {
    #[serde(flatten)]
    pub symbol: Symbol,
    /// exact, prefix or fuzzy.
    #[serde(rename = "match")]
    pub match_kind: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct DirectEdge {
    /// `out` (this symbol to the other) or `in`.
    pub direction: &'static str,
    pub kind: &'static str,
    pub confidence: f64,
    pub resolution: &'static str,
    pub line: u32,
    pub node: Symbol,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnresolvedRef {
    pub kind: &'static str,
    pub name: String,
    pub qualifier: Option<String>,
    pub line: u32,
    pub col: u32,
}

/// A symbol with its source and its direct edges (`show`).
#[derive(Clone, Debug, Serialize)]
pub struct SymbolDetail {
    #[serde(flatten)]
    pub symbol: Symbol,
    pub doc: Option<String>,
    pub parent: Option<String>,
    pub source: Option<String>,
    /// The source was cut to the lines asked for.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub source_truncated: bool,
    pub edges: Vec<DirectEdge>,
    pub edges_truncated: bool,
    pub unresolved_refs: Vec<UnresolvedRef>,
}

/// Where an edge was found and how sure the resolver was.
#[derive(Clone, Debug, Serialize)]
pub struct EdgeSite {
    pub kind: &'static str,
    pub confidence: f64,
    pub resolution: &'static str,
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct CallHop {
    #[serde(flatten)]
    pub symbol: Symbol,
    pub depth: u32,
    /// The id of the node this hop was reached from.
    pub parent: String,
    pub edge: EdgeSite,
}

/// Callers or callees of `root`, as a tree to some depth.
#[derive(Clone, Debug, Serialize)]
pub struct CallTree {
    pub root: Symbol,
    pub direction: &'static str,
    pub truncated: bool,
    pub hops: Vec<CallHop>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Site {
    pub line: u32,
    pub kind: &'static str,
    pub confidence: f64,
    pub resolution: &'static str,
    pub from: Symbol,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileSites {
    pub file: String,
    pub sites: Vec<Site>,
}

/// Every site that refers to a symbol, by file.
#[derive(Clone, Debug, Serialize)]
pub struct References {
    pub symbol: Symbol,
    pub truncated: bool,
    pub files: Vec<FileSites>,
}

/// What an impact query started from: a symbol or a whole file.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum ImpactTarget {
    Symbol(Symbol),
    File {
        qualified_name: String,
        kind: &'static str,
    },
}

impl ImpactTarget {
    pub fn name(&self) -> &str {
        match self {
            ImpactTarget::Symbol(s) => &s.qualified_name,
            ImpactTarget::File { qualified_name, .. } => qualified_name,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Dependent {
    #[serde(flatten)]
    pub symbol: Symbol,
    pub distance: u32,
    pub fan_in: usize,
    /// The kind of the edge that reached it.
    pub via: &'static str,
    pub test: bool,
}

/// Transitive dependents, ranked, with the files and tests they touch.
#[derive(Clone, Debug, Serialize)]
pub struct Impact {
    pub target: ImpactTarget,
    pub truncated: bool,
    pub dependents: Vec<Dependent>,
    pub files: Vec<String>,
    pub tests: Vec<String>,
    pub test_symbols: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PathStep {
    pub kind: &'static str,
    pub line: u32,
    pub file: String,
    pub to: Symbol,
}

/// The shortest dependency path; `path` is null when there is none.
#[derive(Clone, Debug, Serialize)]
pub struct PathResult {
    pub from: Symbol,
    pub to: Symbol,
    pub path: Option<Vec<PathStep>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub symbol: Symbol,
    pub lexical_rank: Option<usize>,
    pub semantic_rank: Option<usize>,
    pub snippet: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchResult {
    pub query: String,
    pub mode: String,
    pub embedder: String,
    pub hits: Vec<SearchHit>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    pub index: String,
    pub schema_version: u32,
    /// The index run this answer comes from.
    pub generation: u64,
    /// The store's counters (files, nodes, edges, refs, ... by language
    /// and kind).
    #[serde(flatten)]
    pub counts: codegraph_graph::Stats,
    pub unresolved_refs: u64,
    pub disk_bytes: u64,
    pub disk_bytes_by_family: BTreeMap<String, u64>,
    pub resident_bytes: Option<u64>,
    /// Whether a search index is present.
    pub search: bool,
    /// What the last whole index run covered per language: files,
    /// parsed, unchanged, with syntax errors, skipped and why; and the
    /// extensions no grammar handles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<serde_json::Value>,
    /// A long-lived reader's caches: hits, misses, evictions, bytes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caches: Vec<codegraph_graph::cache::CacheStats>,
}
