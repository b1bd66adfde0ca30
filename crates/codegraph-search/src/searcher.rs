//! Query time: lexical and semantic candidates fused by reciprocal rank,
//! then adjusted by what the graph knows about each candidate (tests and
//! vendored code rank lower unless the query asks for them).

use std::collections::HashMap;
use std::path::Path;

use codegraph_core::{EdgeKind, Language, Node, NodeId, NodeKind};
use codegraph_graph::Store;
use codegraph_vector::{Embedder, VectorIndex};
use globset::{Glob, GlobMatcher};

use crate::lexical::LexicalIndex;
use crate::sync::{embedder_for, lexical_path, load_header, vectors_path};
use crate::SearchError;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Mode {
    #[default]
    Hybrid,
    Lexical,
    Semantic,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "hybrid" => Ok(Mode::Hybrid),
            "lexical" => Ok(Mode::Lexical),
            "semantic" => Ok(Mode::Semantic),
            _ => Err(format!(
                "unknown mode '{s}' (expected hybrid, lexical or semantic)"
            )),
        }
    }
}

#[derive(Default)]
pub struct Filters {
    pub language: Option<Language>,
    pub kind: Option<NodeKind>,
    pub path: Option<GlobMatcher>,
}

impl Filters {
    pub fn path_glob(glob: &str) -> Result<GlobMatcher, SearchError> {
        Ok(Glob::new(glob)?.compile_matcher())
    }

    fn admit(&self, node: &Node) -> bool {
        self.language.is_none_or(|l| l == node.language)
            && self.kind.is_none_or(|k| k == node.kind)
            && self.path.as_ref().is_none_or(|g| g.is_match(&node.file))
    }

    fn is_empty(&self) -> bool {
        self.language.is_none() && self.kind.is_none() && self.path.is_none()
    }
}

pub struct Hit {
    pub node: Node,
    /// Fused score in [0, 1] (1 = first in every ranking).
    pub score: f32,
    /// 1-based ranks in the lexical and semantic candidate lists.
    pub lexical_rank: Option<usize>,
    pub semantic_rank: Option<usize>,
}

/// Reciprocal-rank constant: the usual 60 flattens the head too much for
/// a list of 10 answers; 20 was best on the evaluation set.
const RRF_K: f32 = 20.0;
/// Weight of the semantic ranking against the lexical one in hybrid
/// fusion, by embedder (`search_eval rank --semantic-weight`): the
/// fine-tuned static model's ranking is as strong as the lexical one (1.0
/// best of 0.6/1.0/1.5 on django and tokio: hybrid MRR@10 0.391 and 0.297
/// against 0.388 and 0.282 at 0.6), MiniLM's the stronger (1.5: django
/// hybrid MRR@10 0.441 -> 0.487, tokio 0.298 -> 0.324, against 0.6).
fn semantic_weight(embedder: &str) -> f32 {
    if embedder.starts_with("minilm") {
        MINILM_SEMANTIC_WEIGHT
    } else {
        STATIC_SEMANTIC_WEIGHT
    }
}
const STATIC_SEMANTIC_WEIGHT: f32 = 1.0;
const MINILM_SEMANTIC_WEIGHT: f32 = 1.5;
/// Candidates taken from each ranking before fusion and filtering.
const CANDIDATES: usize = 100;
/// Most a symbol's callers can raise its score (at [`FANIN_CAP`] callers,
/// growing with the log of their number): code the project uses a lot is
/// more often what a question is about.
const FANIN_WEIGHT: f32 = 0.25;
const FANIN_CAP: usize = 1000;
/// Score factor for tests, examples and vendored code.
const DEMOTE: f32 = 0.75;

/// Fused score so far, lexical rank, semantic rank.
type Fused = (f32, Option<usize>, Option<usize>);

pub struct Searcher<'s> {
    store: &'s Store,
    lexical: LexicalIndex,
    /// Opened on the first semantic query: mapping a large HNSW graph
    /// costs ~0.3 s on a kernel-sized index (usearch rebuilds its key
    /// table), which a lexical query need not pay.
    vectors: std::sync::OnceLock<VectorIndex>,
    vectors_file: std::path::PathBuf,
    dim: usize,
    embedder: Box<dyn Embedder>,
    semantic_weight: f32,
}

impl<'s> Searcher<'s> {
    /// Opens the search indexes of the store in `db_dir`, with the embedder
    /// they were built with.
    pub fn open(store: &'s Store, dir: &Path) -> Result<Searcher<'s>, SearchError> {
        let Some(state) = load_header(dir)? else {
            return Err(SearchError::Missing(dir.display().to_string()));
        };
        let mut embedder = embedder_for(&state.embedder)?;
        if !state.corpus_stats.is_empty() {
            embedder.load_corpus_stats(state.corpus_stats);
        }
        Ok(Searcher {
            store,
            lexical: LexicalIndex::open(&lexical_path(dir))?,
            vectors: std::sync::OnceLock::new(),
            vectors_file: vectors_path(dir),
            dim: state.dim as usize,
            semantic_weight: semantic_weight(embedder.id()),
            embedder,
        })
    }

    fn vectors(&self) -> Result<&VectorIndex, SearchError> {
        if let Some(v) = self.vectors.get() {
            return Ok(v);
        }
        let index = if self.vectors_file.exists() {
            VectorIndex::view(&self.vectors_file, self.dim)?
        } else {
            VectorIndex::new(self.dim)?
        };
        Ok(self.vectors.get_or_init(|| index))
    }

    pub fn embedder_id(&self) -> &str {
        self.embedder.id()
    }

    /// Overrides the semantic ranking's weight in hybrid fusion (for
    /// tuning it on an evaluation set).
    pub fn set_semantic_weight(&mut self, weight: f32) {
        self.semantic_weight = weight;
    }

    pub fn search(
        &self,
        query: &str,
        mode: Mode,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        // Filters are applied after retrieval: fetch deeper when they may
        // discard most candidates.
        let depth = if filters.is_empty() {
            CANDIDATES.max(limit)
        } else {
            (CANDIDATES * 10).max(limit * 10)
        };
        let lexical = if mode == Mode::Semantic {
            Vec::new()
        } else {
            self.lexical.search(query, depth)?
        };
        // Without a word there is nothing to look for (a vector of
        // punctuation tokens would still have nearest neighbours).
        let semantic = if mode == Mode::Lexical || !query.chars().any(char::is_alphanumeric) {
            Vec::new()
        } else {
            let mut q = Vec::with_capacity(self.embedder.dim());
            self.embedder.embed(&[query], &mut q)?;
            if q.iter().all(|&v| v == 0.0) {
                Vec::new()
            } else {
                self.vectors()?
                    .search(&q, depth)?
                    .into_iter()
                    .map(|h| (h.key, h.similarity))
                    .collect()
            }
        };

        let mut fused: HashMap<u64, Fused> = HashMap::new();
        for (rank, &(id, _)) in lexical.iter().enumerate() {
            let e = fused.entry(id).or_default();
            e.0 += 1.0 / (RRF_K + rank as f32 + 1.0);
            e.1 = Some(rank + 1);
        }
        for (rank, &(id, _)) in semantic.iter().enumerate() {
            let e = fused.entry(id).or_default();
            e.0 += self.semantic_weight / (RRF_K + rank as f32 + 1.0);
            e.2 = Some(rank + 1);
        }
        let rankings = match mode {
            Mode::Hybrid => 1.0 + self.semantic_weight,
            Mode::Lexical => 1.0,
            Mode::Semantic => self.semantic_weight,
        };
        let best = rankings / (RRF_K + 1.0);
        let mut ranked: Vec<(u64, Fused)> = fused.into_iter().collect();
        ranked.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));

        let ids: Vec<NodeId> = ranked.iter().map(|(id, _)| NodeId(*id)).collect();
        let nodes = self.store.get_nodes(&ids)?;
        let wants_tests = query_mentions_tests(query);
        let mut hits: Vec<Hit> = ranked
            .into_iter()
            .zip(nodes)
            .filter_map(|((_, (score, lexical_rank, semantic_rank)), node)| {
                let node = node?;
                if !filters.admit(&node) {
                    return None;
                }
                let mut score = score / best;
                if !wants_tests
                    && (is_test_or_vendored(&node.file) || in_test_module(&node.qualified_name))
                {
                    score *= DEMOTE;
                }
                if FANIN_WEIGHT > 0.0 {
                    let calls = self
                        .store
                        .in_degree(node.id, EdgeKind::Calls, FANIN_CAP)
                        .unwrap_or(0);
                    score *= 1.0
                        + FANIN_WEIGHT * ((1 + calls) as f32).ln() / ((1 + FANIN_CAP) as f32).ln();
                }
                Some(Hit {
                    node,
                    score,
                    lexical_rank,
                    semantic_rank,
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.node.id.0.cmp(&b.node.id.0))
        });
        hits.truncate(limit);
        Ok(hits)
    }

    /// The first lines of a hit's source, for display.
    pub fn snippet(&self, node: &Node, max_lines: usize) -> Result<String, SearchError> {
        let source = self.store.node_source(node)?.unwrap_or_default();
        Ok(source
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(max_lines)
            .map(|l| codegraph_core::truncate_at_char(l, 160))
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

fn query_mentions_tests(query: &str) -> bool {
    let q = query.to_ascii_lowercase();
    ["test", "spec", "example", "vendor", "fixture", "mock"]
        .iter()
        .any(|w| q.contains(w))
}

/// Paths of tests, examples, benchmarks and third-party copies.
pub(crate) fn is_test_or_vendored(file: &str) -> bool {
    let f = file.to_ascii_lowercase();
    let name = f.rsplit('/').next().unwrap_or(&f);
    f.split('/').any(|part| {
        matches!(
            part,
            "test"
                | "tests"
                | "testing"
                | "__tests__"
                | "spec"
                | "specs"
                | "examples"
                | "example"
                | "benches"
                | "vendor"
                | "third_party"
                | "thirdparty"
                | "node_modules"
                | "testdata"
        )
    }) || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains("_tests.")
}

/// Inline test modules (Rust's `mod tests`, `test_*` classes and friends).
fn in_test_module(qualified_name: &str) -> bool {
    qualified_name
        .split(['.', ':'])
        .any(|part| matches!(part, "tests" | "test") || part.starts_with("test_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_inline_test_modules() {
        assert!(in_test_module("tests::splits_identifiers"));
        assert!(in_test_module("crate::parser::tests"));
        assert!(in_test_module("app.test_util.helper"));
        assert!(!in_test_module("app.contest.run") && !in_test_module("attest::x"));
    }

    #[test]
    fn recognises_tests_and_vendored_paths() {
        for p in [
            "tests/x.py",
            "src/__tests__/a.ts",
            "pkg/foo_test.go",
            "a/test_util.py",
            "vendor/x/y.go",
            "b.spec.ts",
        ] {
            assert!(is_test_or_vendored(p), "{p}");
        }
        for p in ["src/retry.rs", "contest/x.py", "attest.go"] {
            assert!(!is_test_or_vendored(p), "{p}");
        }
    }
}
