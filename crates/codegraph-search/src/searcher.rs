//! Query time: lexical and semantic candidates fused by a weighted sum of
//! their normalised scores, then adjusted by what the graph knows about
//! each candidate (tests and vendored code rank lower unless the query
//! asks for them).

use std::collections::HashMap;
use std::path::Path;

use codegraph_core::{split_identifier, EdgeKind, Language, Node, NodeId, NodeKind};
use codegraph_graph::Store;
use codegraph_vector::{delta_path, shared_view, Delta, Embedder, LayeredIndex, VectorIndex};
use globset::{Glob, GlobMatcher};

use crate::damaged;
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
    /// Fused score: 1 = first in every ranking, before the graph's
    /// adjustments (tests lower, much-called code higher).
    pub score: f32,
    /// 1-based ranks in the lexical and semantic candidate lists.
    pub lexical_rank: Option<usize>,
    pub semantic_rank: Option<usize>,
}

/// Weight of the lexical ranking in hybrid fusion (the semantic one gets
/// the rest): a convex combination of each ranking's scores divided by its
/// best score.
///
/// With the built-in model it depends on how much of the code has doc
/// comments. Where the code says what it does in words, a question's words
/// are found in them, and the lexical ranking is the surer of the two; where
/// it does not, the question's words meet only identifiers, and the
/// semantic ranking has to bridge the vocabulary. So the weight is 0.4 when
/// at most [`UNDOCUMENTED`] of the symbols have a doc comment, 0.7 from
/// [`DOCUMENTED`] on, and linear in between. Chosen on the tuning sets with
/// `search_eval candidates` and `scripts/eval/fusion.py`: the docstring
/// sets (django and tokio with their doc comments stripped, 1-4% left) are
/// best at 0.4-0.5; the seven hand-written question sets, asked of
/// libraries as shipped (14-38% documented), rose on six of them from 0.4
/// to 0.7. MiniLM's weight (0.3) was chosen on the docstring sets alone;
/// an embedding service's model gets the built-in model's 0.4.
fn lexical_weight(embedder: &str, documented: f32) -> f32 {
    if embedder.starts_with("minilm") {
        MINILM_LEXICAL_WEIGHT
    } else if embedder.starts_with("static") {
        let t = ((documented - UNDOCUMENTED) / (DOCUMENTED - UNDOCUMENTED)).clamp(0.0, 1.0);
        STATIC_LEXICAL_WEIGHT + t * (STATIC_DOCUMENTED_LEXICAL_WEIGHT - STATIC_LEXICAL_WEIGHT)
    } else {
        STATIC_LEXICAL_WEIGHT
    }
}
const STATIC_LEXICAL_WEIGHT: f32 = 0.4;
const STATIC_DOCUMENTED_LEXICAL_WEIGHT: f32 = 0.7;
const MINILM_LEXICAL_WEIGHT: f32 = 0.3;
/// Shares of symbols with a doc comment at or below which code counts as
/// undocumented, and from which on as documented.
const UNDOCUMENTED: f32 = 0.05;
const DOCUMENTED: f32 = 0.15;
/// Candidates taken from each ranking before fusion and filtering.
const CANDIDATES: usize = 100;
/// Most a symbol's callers can raise its score (at [`FANIN_CAP`] callers,
/// growing with the log of their number): code the project uses a lot is
/// more often what a question is about.
const FANIN_WEIGHT: f32 = 0.25;
const FANIN_CAP: usize = 1000;
/// Candidates read and weighed at a time (see `search`).
const PRIOR_CHUNK: usize = 16;
/// Score factor for tests, examples and vendored code, when the query
/// does not ask for them. Chosen on the tuning sets with
/// `scripts/eval/fusion.py`: MRR@10 rises from 0.75 down to 0.5 and is
/// flat below (a test that scores more than twice the code it tests
/// still ranks above it). In `scripts/eval-search`, 0.75 -> 0.5 lifted 12 of the 19
/// held-out sets and lowered one (jinja2's docstrings, -0.006).
const DEMOTE: f32 = 0.5;

/// Fused score, lexical rank, semantic rank.
type Fused = (f32, Option<usize>, Option<usize>);

/// Candidate ids with their scores in each ranking, best first.
pub struct Candidates {
    /// BM25 scores.
    pub lexical: Vec<(u64, f32)>,
    /// Cosine similarities.
    pub semantic: Vec<(u64, f32)>,
}

impl Candidates {
    /// Every candidate once, in id order.
    pub fn ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .lexical
            .iter()
            .chain(&self.semantic)
            .map(|h| h.0)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Each candidate's score in one ranking divided by the ranking's best;
/// a candidate missing from it gets the ranking's lowest (it scored no
/// higher than that): the score at rank [`CANDIDATES`], or the last one
/// for the candidates only a deeper retrieval finds. Beside
/// reciprocal-rank fusion (k 10-60, weights 0.6-1.5) on the same
/// candidates this lifted hybrid MRR@10 on django 0.394 -> 0.430 and
/// tokio 0.298 -> 0.306: a symbol first in one ranking by a wide margin
/// keeps its lead, where ranks alone flatten it.
struct Normalised {
    scores: HashMap<u64, (f32, usize)>,
    floor: f32,
    last: f32,
}

impl Normalised {
    fn new(ranking: &[(u64, f32)]) -> Normalised {
        let best = ranking.first().map_or(0.0, |h| h.1);
        let scale = if best > 0.0 { 1.0 / best } else { 0.0 };
        let scores: HashMap<u64, (f32, usize)> = ranking
            .iter()
            .enumerate()
            .map(|(rank, &(id, score))| (id, (score * scale, rank + 1)))
            .collect();
        let at = |rank: usize| {
            ranking
                .get(rank.saturating_sub(1))
                .map_or(0.0, |h| h.1 * scale)
        };
        Normalised {
            scores,
            floor: at(CANDIDATES.min(ranking.len())),
            last: at(ranking.len()),
        }
    }

    /// The normalised score and 1-based rank of `id` among the first
    /// [`CANDIDATES`]: below them, or absent, it scores the floor (the
    /// score at that rank). So a deeper retrieval (a large `limit`, or
    /// filters) scores the candidates a retrieval of [`CANDIDATES`] finds
    /// exactly as that one does.
    #[cfg(test)]
    fn get(&self, id: u64) -> (f32, Option<usize>) {
        self.within_first(self.get_deep(id))
    }

    /// [`Normalised::get`] from what [`Normalised::get_deep`] gave.
    fn within_first(&self, (score, rank): (f32, Option<usize>)) -> (f32, Option<usize>) {
        match rank {
            Some(_) => (score.max(self.floor), rank),
            None => (self.floor, None),
        }
    }

    /// The same over the whole ranking, its last score the floor: for the
    /// candidates only a deeper retrieval finds.
    fn get_deep(&self, id: u64) -> (f32, Option<usize>) {
        match self.scores.get(&id) {
            Some(&(score, rank)) => (score, Some(rank)),
            None => (self.last, None),
        }
    }
}

/// Searches the indexes of one store. `S` is how the searcher holds the
/// store: borrowed (`&Store`) for a command, shared (`Arc<Store>`) for a
/// long-lived server.
pub struct Searcher<S: std::ops::Deref<Target = Store>> {
    store: S,
    lexical: LexicalIndex,
    /// Opened on the first semantic query: mapping a large HNSW graph
    /// costs ~0.3 s on a kernel-sized index (usearch rebuilds its key
    /// table), which a lexical query need not pay.
    vectors: std::sync::OnceLock<LayeredIndex>,
    vectors_file: std::path::PathBuf,
    dim: usize,
    embedder: Box<dyn Embedder>,
    lexical_weight: f32,
}

impl<S: std::ops::Deref<Target = Store>> Searcher<S> {
    /// Opens the search indexes of the store in `db_dir`, with the embedder
    /// they were built with.
    pub fn open(store: S, dir: &Path) -> Result<Searcher<S>, SearchError> {
        let Some(state) = load_header(dir)? else {
            return Err(SearchError::Missing(dir.display().to_string()));
        };
        let mut embedder = embedder_for(&state.embedder)?;
        let documented = state.documented_share();
        if !state.corpus_stats.is_empty() {
            embedder.load_corpus_stats(state.corpus_stats);
        }
        Ok(Searcher {
            store,
            lexical: LexicalIndex::open(&lexical_path(dir)).map_err(|e| damaged(dir, e))?,
            vectors: std::sync::OnceLock::new(),
            vectors_file: vectors_path(dir),
            dim: state.dim as usize,
            lexical_weight: lexical_weight(embedder.id(), documented),
            embedder,
        })
    }

    /// The vectors: the index file, mapped, and the delta of later
    /// updates beside it.
    fn vectors(&self) -> Result<&LayeredIndex, SearchError> {
        if let Some(v) = self.vectors.get() {
            return Ok(v);
        }
        let index = if self.vectors_file.exists() {
            shared_view(&self.vectors_file, self.dim).map_err(|e| damaged(&self.vectors_file, e))?
        } else {
            std::sync::Arc::new(VectorIndex::new(self.dim)?)
        };
        let delta_file = delta_path(&self.vectors_file);
        let delta = Delta::load(&delta_file, self.dim).map_err(|e| damaged(&delta_file, e))?;
        Ok(self.vectors.get_or_init(|| LayeredIndex::new(index, delta)))
    }

    /// `query`'s embedding, from the store's cache when it has one.
    fn query_embedding(&self, query: &str) -> Result<std::sync::Arc<[f32]>, SearchError> {
        use codegraph_graph::cache::Embedding;
        let cache = self.store.caches().map(|c| &c.embeddings);
        if let Some(Embedding(q)) = cache.and_then(|c| c.get(&query.to_string())) {
            return Ok(q);
        }
        let mut q = Vec::with_capacity(self.embedder.dim());
        self.embedder.embed(&[query], &mut q)?;
        let q: std::sync::Arc<[f32]> = q.into();
        if let Some(cache) = cache {
            cache.insert(query.to_string(), Embedding(std::sync::Arc::clone(&q)));
        }
        Ok(q)
    }

    /// Opens the vector index now rather than on the first semantic
    /// query: a long-lived reader must see the vectors of the same index
    /// run as its lexical index, not those of a later run.
    pub fn warm(&self) -> Result<(), SearchError> {
        self.vectors().map(|_| ())
    }

    pub fn embedder_id(&self) -> &str {
        self.embedder.id()
    }

    /// Overrides the lexical ranking's weight in hybrid fusion, in [0, 1]
    /// (for tuning it on an evaluation set).
    pub fn set_lexical_weight(&mut self, weight: f32) {
        self.lexical_weight = weight.clamp(0.0, 1.0);
    }

    /// Each ranking's candidates before fusion, best first: BM25 scores
    /// and cosine similarities (empty for the mode's other ranking).
    pub fn candidates(
        &self,
        query: &str,
        mode: Mode,
        depth: usize,
    ) -> Result<Candidates, SearchError> {
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
            let q = self.query_embedding(query)?;
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
        Ok(Candidates { lexical, semantic })
    }

    /// Whether `node` is a test, example or vendored code, and how many
    /// call sites call it (at most [`FANIN_CAP`]): the graph's priors.
    pub fn priors(&self, node: &Node) -> (bool, usize) {
        let demoted = is_demoted(node);
        let calls = self
            .store
            .in_degree(node.id, EdgeKind::Calls, FANIN_CAP)
            .unwrap_or(0);
        (demoted, calls)
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
        let candidates = self.candidates(query, mode, depth)?;
        let (lexical_weight, semantic_weight) = match mode {
            Mode::Hybrid => (self.lexical_weight, 1.0 - self.lexical_weight),
            Mode::Lexical => (1.0, 0.0),
            Mode::Semantic => (0.0, 1.0),
        };
        let lex = Normalised::new(&candidates.lexical);
        let sem = Normalised::new(&candidates.semantic);
        // What a retrieval of [`CANDIDATES`] finds ranks first, scored as
        // it would be alone; candidates only a deeper one finds (for a
        // large `limit`, or filters) come after them. Their fused scores
        // are mostly floors, close to the scores of real hits: among them,
        // they moved the hits a shallower search returns (a search for 125
        // hits ranked its top five differently from one for 50).
        let mut top: Vec<(u64, Fused)> = Vec::new();
        let mut deeper: Vec<(u64, Fused)> = Vec::new();
        let found = |rank: Option<usize>| rank.is_some_and(|r| r <= CANDIDATES);
        for id in candidates.ids() {
            let (l, s) = (lex.get_deep(id), sem.get_deep(id));
            let ((l, lexical_rank), (s, semantic_rank), tier) = if found(l.1) || found(s.1) {
                (lex.within_first(l), sem.within_first(s), &mut top)
            } else {
                (l, s, &mut deeper)
            };
            let score = lexical_weight * l + semantic_weight * s;
            tier.push((id, (score, lexical_rank, semantic_rank)));
        }
        for tier in [&mut top, &mut deeper] {
            tier.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        }
        let wants_tests = query_mentions_tests(query);
        let mut hits = self.weigh(&top, filters, wants_tests, limit)?;
        if hits.len() < limit {
            let mut more = self.weigh(&deeper, filters, wants_tests, limit - hits.len())?;
            // They rank after, and score no more than, the last of the rest.
            if let Some(cap) = hits.last().map(|h| h.score) {
                for hit in &mut more {
                    hit.score = hit.score.min(cap);
                }
            }
            hits.extend(more);
        }
        Ok(hits)
    }

    /// The best `limit` of `ranked` (fused scores, best first) once the
    /// graph's priors are applied and `filters` admit them, best first.
    fn weigh(
        &self,
        ranked: &[(u64, Fused)],
        filters: &Filters,
        wants_tests: bool,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        // The graph's priors can only lower a fused score (tests) or raise
        // it by at most FANIN_WEIGHT (callers), so candidates are weighed
        // best-first, in chunks, until the next one could not reach the
        // `limit`-th score even with the most callers. Within a chunk, the
        // callers are counted first (an index scan by id) and a node is
        // read (for its file, test flag and filters) only when its score
        // with them could still reach the `limit`-th: the same hits as
        // weighing all, for a fraction of the reads.
        let mut hits: Vec<Hit> = Vec::new();
        let mut kth_best = f32::NEG_INFINITY;
        for chunk in ranked.chunks(PRIOR_CHUNK) {
            if chunk[0].1 .0 * (1.0 + FANIN_WEIGHT) < kth_best {
                break;
            }
            let ids: Vec<NodeId> = chunk.iter().map(|c| NodeId(c.0)).collect();
            let callers = self
                .store
                .in_degrees(&ids, EdgeKind::Calls, FANIN_CAP)
                .unwrap_or_else(|_| vec![0; ids.len()]);
            let mut weighed = Vec::with_capacity(chunk.len());
            for (&(id, (fused, lexical_rank, semantic_rank)), calls) in chunk.iter().zip(callers) {
                let score = fused * fanin_factor(calls);
                if score >= kth_best {
                    weighed.push((NodeId(id), score, lexical_rank, semantic_rank));
                }
            }
            let ids: Vec<NodeId> = weighed.iter().map(|w| w.0).collect();
            let nodes = self.store.get_nodes(&ids)?;
            for (&(_, mut score, lexical_rank, semantic_rank), node) in weighed.iter().zip(nodes) {
                let Some(node) = node else { continue };
                if !filters.admit(&node) {
                    continue;
                }
                if is_demoted(&node) && !wants_tests {
                    score *= DEMOTE;
                }
                hits.push(Hit {
                    node,
                    score,
                    lexical_rank,
                    semantic_rank,
                });
            }
            if limit > 0 && hits.len() >= limit {
                let mut scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
                scores.select_nth_unstable_by(limit - 1, |a, b| b.total_cmp(a));
                kth_best = scores[limit - 1];
            }
        }
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

/// Tests, examples, benchmarks and vendored code rank lower.
fn is_demoted(node: &Node) -> bool {
    node.test || is_vendored_or_example(&node.file)
}

/// What `calls` callers (at most [`FANIN_CAP`]) multiply a score by: 1 for
/// none, growing with their log to 1 + [`FANIN_WEIGHT`] at the cap.
fn fanin_factor(calls: usize) -> f32 {
    1.0 + FANIN_WEIGHT * ((1 + calls) as f32).ln() / ((1 + FANIN_CAP) as f32).ln()
}

/// Whether a word of the query (identifiers split: `TestCase`,
/// `mock_server`) asks for tests, examples or vendored code. Whole words:
/// "special" and "latest" do not.
fn query_mentions_tests(query: &str) -> bool {
    const WORDS: [&str; 18] = [
        "test", "tests", "testing", "tested", "unittest", "spec", "specs", "example", "examples",
        "vendor", "vendored", "fixture", "fixtures", "mock", "mocks", "mocked", "mocking", "bench",
    ];
    split_identifier(query)
        .iter()
        .any(|w| WORDS.contains(&w.to_lowercase().as_str()))
}

/// Paths of examples, benchmarks and third-party copies. (Tests are the
/// parser's call, stored on each node: `Node::test`.)
pub(crate) fn is_vendored_or_example(file: &str) -> bool {
    file.to_ascii_lowercase().split('/').any(|part| {
        matches!(
            part,
            "examples"
                | "example"
                | "benches"
                | "vendor"
                | "third_party"
                | "thirdparty"
                | "node_modules"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_code_weighs_the_lexical_ranking_more() {
        let static_model = codegraph_vector::StaticEmbedder::ID;
        let weight = |documented| lexical_weight(static_model, documented);
        // Undocumented code (a stripped corpus keeps a few percent).
        assert_eq!(weight(0.0), 0.4);
        assert_eq!(weight(0.05), 0.4);
        // Linear in between, then documented.
        assert!((weight(0.10) - 0.55).abs() < 1e-6, "{}", weight(0.10));
        assert!((weight(0.15) - 0.7).abs() < 1e-6);
        assert!((weight(0.8) - 0.7).abs() < 1e-6);
        // Only the built-in model's weight was chosen by it.
        assert_eq!(lexical_weight("minilm-l6-v2-int8@2", 0.8), 0.3);
        assert_eq!(lexical_weight("http:nomic-embed-text", 0.8), 0.4);
    }

    #[test]
    fn scores_are_relative_to_the_best_and_absent_candidates_get_the_lowest() {
        let n = Normalised::new(&[(7, 8.0), (3, 4.0), (9, 2.0)]);
        assert_eq!(n.get(7), (1.0, Some(1)));
        assert_eq!(n.get(3), (0.5, Some(2)));
        assert_eq!(n.get(9), (0.25, Some(3)));
        assert_eq!(n.get(1), (0.25, None));
        // No candidates, or no positive score: the ranking says nothing.
        assert_eq!(Normalised::new(&[]).get(1), (0.0, None));
        assert_eq!(Normalised::new(&[(1, -0.5)]).get(1), (0.0, Some(1)));
    }

    #[test]
    fn a_deeper_ranking_scores_the_first_candidates_as_a_shallow_one_does() {
        let deep: Vec<(u64, f32)> = (0..CANDIDATES as u64 + 25)
            .map(|i| (i, 200.0 - i as f32))
            .collect();
        let (shallow, deeper) = (Normalised::new(&deep[..CANDIDATES]), Normalised::new(&deep));
        for id in 0..CANDIDATES as u64 {
            assert_eq!(shallow.get(id), deeper.get(id), "{id}");
        }
        // One neither retrieved gets the same floor from both.
        assert_eq!(shallow.get(9_999), deeper.get(9_999));
        // Below the floor's rank, a candidate counts as one not retrieved,
        // unless it is weighed among the ones only a deeper retrieval finds.
        let last = CANDIDATES as u64 + 24;
        assert_eq!(deeper.get(last).0, shallow.get(last).0);
        assert_eq!(deeper.get(last).1, Some(CANDIDATES + 25));
        assert_eq!(deeper.get_deep(last), (76.0 / 200.0, Some(CANDIDATES + 25)));
        assert_eq!(deeper.get_deep(9_999).0, 76.0 / 200.0);
    }

    #[test]
    fn queries_ask_for_tests_by_whole_words() {
        for q in [
            "test the parser",
            "tests for retry",
            "TestCase setup",
            "mock_server",
            "example of a client",
            "vendored zlib",
        ] {
            assert!(query_mentions_tests(q), "{q}");
        }
        for q in [
            "escape html special characters",
            "latest version",
            "inspect the frame",
            "contest results",
            "specific error",
        ] {
            assert!(!query_mentions_tests(q), "{q}");
        }
    }

    #[test]
    fn recognises_vendored_and_example_paths() {
        for p in [
            "vendor/x/y.go",
            "examples/demo.rs",
            "web/node_modules/a/index.js",
        ] {
            assert!(is_vendored_or_example(p), "{p}");
        }
        for p in ["src/retry.rs", "tests/x.py", "attest.go"] {
            assert!(!is_vendored_or_example(p), "{p}");
        }
    }
}
