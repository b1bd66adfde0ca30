//! Context for an LLM: the code that answers a question (or surrounds a
//! symbol), packed into a token budget. No model is called.
//!
//! 1. Seeds: the symbol asked for, or the best hybrid-search hits.
//! 2. Graph expansion of the best seeds: their callees and callers, the
//!    types they use, the type that holds them, the tests that call them
//!    (resolved edges only, no name-only guesses).
//! 3. Rerank: the seed's relevance times a factor per relation (graph
//!    distance), then diversity: each further snippet from a file already
//!    chosen counts for less.
//! 4. Pack, counting tokens with a real tokenizer (cl100k_base, shipped in
//!    the binary): whole definitions for the core (seeds), signatures for
//!    the periphery; a definition that does not fit falls back to its
//!    signature, and nothing is cut mid-line.
//!
//! The `search` strategy is the baseline it is measured against: search
//! hits in rank order, whole, into the same budget.

use std::collections::HashMap;

use codegraph_core::{Edge, EdgeKind, Node, NodeId, NodeKind};
use codegraph_graph::EdgeFilter;
use codegraph_search::{Filters, Mode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::{QueryError, Result};
use crate::types::{round3, Symbol};

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextParams {
    /// A question in words, or a symbol (name, qualified name, id, FILE:LINE).
    pub query: String,
    /// Token budget (default 4000).
    pub budget: Option<usize>,
    /// `graph` (default) or `search`: plain search hits, the baseline.
    #[schemars(skip)]
    pub strategy: Option<String>,
}

/// One packed piece of code.
#[derive(Clone, Debug, Serialize)]
pub struct Snippet {
    pub symbol: Symbol,
    /// Relevance after graph distance and diversity.
    pub score: f64,
    /// Why it is in the pack.
    pub why: String,
    /// `full` (the whole definition) or `signature`.
    pub form: &'static str,
    /// Tokens this snippet's markdown costs.
    pub tokens: usize,
    /// The markdown: a `file:line` header and the code.
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ContextPack {
    pub query: String,
    /// `symbol` (the query named one) or `question`.
    pub mode: &'static str,
    pub strategy: &'static str,
    pub budget: usize,
    /// Tokens used, at most `budget`.
    pub tokens: usize,
    pub snippets: Vec<Snippet>,
    /// Candidates that did not fit.
    pub omitted: usize,
}

pub const DEFAULT_BUDGET: usize = 4000;
/// Largest budget a request may ask for.
pub const MAX_BUDGET: usize = 200_000;
/// Search hits taken as seeds for a question, and by the baseline: as
/// many as a budget could show, one per [`TOKENS_PER_HIT`], and at least
/// [`MIN_HITS`], so a large budget is never left with nothing to add (the
/// best seeds go in whole, the rest as signatures), and at most
/// [`MAX_HITS`], so a pack near [`MAX_BUDGET`] does not rank thousands.
fn hits_for(budget: usize) -> usize {
    (budget / TOKENS_PER_HIT).clamp(MIN_HITS, MAX_HITS)
}
const MIN_HITS: usize = 50;
const MAX_HITS: usize = 500;
/// About what a signature snippet takes with its header.
const TOKENS_PER_HIT: usize = 64;
/// Seeds whose neighbourhoods are expanded.
const EXPANDED: usize = 5;
/// Neighbours taken per relation and seed.
const PER_RELATION: usize = 6;
/// Seeds below this share of the best seed's score are periphery too.
const CORE_SHARE: f32 = 0.4;
/// Each further snippet from an already chosen file is worth this much
/// less (compounding).
const SAME_FILE: f32 = 0.8;
/// Fewer tokens than any snippet takes (its header alone is more).
const MIN_SNIPPET_TOKENS: usize = 12;

/// How a neighbour relates to its seed, and what that is worth.
#[derive(Clone, Copy)]
enum Relation {
    Callee,
    Caller,
    TypeUsed,
    Container,
    Test,
}

impl Relation {
    fn factor(self) -> f32 {
        match self {
            Relation::Callee => 0.55,
            Relation::Caller => 0.5,
            Relation::TypeUsed => 0.45,
            Relation::Container => 0.4,
            Relation::Test => 0.35,
        }
    }

    fn why(self, seed: &str) -> String {
        match self {
            Relation::Callee => format!("called by {seed}"),
            Relation::Caller => format!("calls {seed}"),
            Relation::TypeUsed => format!("type used by {seed}"),
            Relation::Container => format!("holds {seed}"),
            Relation::Test => format!("test of {seed}"),
        }
    }
}

struct Candidate {
    node: Node,
    score: f32,
    why: String,
    core: bool,
    /// A search hit or the symbol asked for (not a neighbour).
    seed: bool,
}

pub fn count_tokens(text: &str) -> usize {
    tiktoken_rs::cl100k_base_singleton()
        .encode_with_special_tokens(text)
        .len()
}

/// A lower bound of `text`'s token count: its non-blank lines. cl100k's
/// pre-tokenizer never joins the words of two lines into one piece, so
/// each such line holds at least one token of its own.
fn min_tokens(text: &str) -> usize {
    text.lines().filter(|l| !l.trim().is_empty()).count()
}

impl Engine {
    /// The code that answers `params.query`, within `params.budget` tokens.
    pub fn context(&self, params: &ContextParams) -> Result<ContextPack> {
        let cache = self.answers().map(|a| &a.context);
        crate::engine::cached(cache, params, || self.context_uncached(params))
    }

    fn context_uncached(&self, params: &ContextParams) -> Result<ContextPack> {
        let query = params.query.trim();
        if query.is_empty() {
            return Err(QueryError::bad_request("'query' must not be empty"));
        }
        let budget = params.budget.unwrap_or(DEFAULT_BUDGET);
        if budget == 0 || budget > MAX_BUDGET {
            return Err(QueryError::bad_request(format!(
                "budget must be between 1 and {MAX_BUDGET} tokens"
            )));
        }
        let strategy = match params.strategy.as_deref() {
            None | Some("graph") => "graph",
            Some("search") => "search",
            Some(other) => {
                return Err(QueryError::bad_request(format!(
                    "unknown strategy '{other}' (expected graph or search)"
                )))
            }
        };
        // A query without spaces that names exactly one symbol is about
        // that symbol; anything else is a question.
        let named = if query.contains(char::is_whitespace) {
            None
        } else {
            self.resolve(query).ok()
        };
        let mode = if named.is_some() {
            "symbol"
        } else {
            "question"
        };
        let candidates = match (strategy, named) {
            ("search", _) => self.search_hits(query, hits_for(budget), true)?,
            (_, Some(node)) => self.expand(vec![Candidate {
                why: "the symbol asked for".into(),
                node,
                score: 1.0,
                core: true,
                seed: true,
            }])?,
            (_, None) => {
                let seeds = self.search_hits(query, hits_for(budget), false)?;
                self.expand(seeds)?
            }
        };
        let ranked = if strategy == "search" {
            candidates
        } else {
            diversify(candidates)
        };
        self.pack(query, mode, strategy, budget, ranked)
    }

    /// Search hits as candidates, scores relative to the best.
    fn search_hits(&self, query: &str, limit: usize, all_core: bool) -> Result<Vec<Candidate>> {
        let searcher = self.searcher()?;
        let hits = searcher.search(query, Mode::Hybrid, &Filters::default(), limit)?;
        let best = hits.first().map_or(1.0, |h| h.score.max(f32::MIN_POSITIVE));
        Ok(hits
            .into_iter()
            .enumerate()
            .map(|(rank, hit)| {
                let score = hit.score / best;
                Candidate {
                    why: format!("search hit {}", rank + 1),
                    core: all_core || score >= CORE_SHARE,
                    seed: true,
                    node: hit.node,
                    score,
                }
            })
            .collect())
    }

    /// Adds the neighbourhoods of the best seeds; a node reached twice
    /// keeps its best score and first reason.
    fn expand(&self, seeds: Vec<Candidate>) -> Result<Vec<Candidate>> {
        let filter = EdgeFilter {
            min_confidence: 0.0,
            include_guesses: false,
        };
        let keep = |e: &Edge| filter.accepts(e);
        let mut found: Vec<(NodeId, f32, String)> = Vec::new();
        for seed in seeds.iter().take(EXPANDED) {
            let name = seed.node.qualified_name.as_str();
            let id = seed.node.id;
            let mut reach = |edges: Vec<Edge>, outward: bool, relation: Relation| {
                for edge in edges {
                    let other = if outward { edge.to } else { edge.from };
                    found.push((other, seed.score * relation.factor(), relation.why(name)));
                }
            };
            let store = self.store();
            reach(
                store.out_edges_of(id, EdgeKind::Calls, PER_RELATION, &keep)?,
                true,
                Relation::Callee,
            );
            reach(
                store.in_edges_of(id, EdgeKind::Calls, PER_RELATION * 4, &keep)?,
                false,
                Relation::Caller,
            );
            reach(
                store.out_edges_of(id, EdgeKind::References, PER_RELATION, &keep)?,
                true,
                Relation::TypeUsed,
            );
            if let Some(parent) = seed.node.parent {
                found.push((
                    parent,
                    seed.score * Relation::Container.factor(),
                    Relation::Container.why(name),
                ));
            }
        }
        let ids: Vec<NodeId> = found.iter().map(|f| f.0).collect();
        let nodes: HashMap<NodeId, Node> = self
            .store()
            .get_nodes(&ids)?
            .into_iter()
            .flatten()
            .map(|n| (n.id, n))
            .collect();
        let mut by_id: HashMap<NodeId, usize> = HashMap::new();
        let mut out = seeds;
        for (i, c) in out.iter().enumerate() {
            by_id.insert(c.node.id, i);
        }
        // Callers that are tests are the tests that reach the seed: kept
        // apart, as tests, and fewer of them.
        let mut tests_per_seed: HashMap<String, usize> = HashMap::new();
        for (id, mut score, mut why) in found {
            let Some(node) = nodes.get(&id) else { continue };
            if matches!(
                node.kind,
                NodeKind::File | NodeKind::Module | NodeKind::Import
            ) {
                continue;
            }
            if node.test {
                let seed = why.split_once(' ').map_or("", |(_, s)| s).to_string();
                let n = tests_per_seed.entry(seed.clone()).or_default();
                if *n >= 2 {
                    continue;
                }
                *n += 1;
                score = score / Relation::Caller.factor() * Relation::Test.factor();
                why = Relation::Test.why(&seed);
            } else if why.starts_with("calls ") {
                // Non-test callers: at most PER_RELATION per seed.
                let n = tests_per_seed.entry(format!("caller {why}")).or_default();
                if *n >= PER_RELATION {
                    continue;
                }
                *n += 1;
            }
            match by_id.get(&id) {
                Some(&i) => {
                    if score > out[i].score {
                        out[i].score = score;
                    }
                }
                None => {
                    by_id.insert(id, out.len());
                    out.push(Candidate {
                        node: node.clone(),
                        score,
                        why,
                        core: false,
                        seed: false,
                    });
                }
            }
        }
        Ok(out)
    }

    fn pack(
        &self,
        query: &str,
        mode: &'static str,
        strategy: &'static str,
        budget: usize,
        ranked: Vec<Candidate>,
    ) -> Result<ContextPack> {
        let mut snippets: Vec<Snippet> = Vec::new();
        let mut used = 0;
        let mut used_full = 0;
        let mut omitted = 0;
        let total = ranked.len();
        for (i, candidate) in ranked.into_iter().enumerate() {
            let room = budget - used;
            // No snippet is smaller than its header: stop reading (and
            // counting) once not even that fits.
            if room < MIN_SNIPPET_TOKENS {
                omitted += total - i;
                break;
            }
            // Whole definitions take at most half the budget (the first
            // one excepted): the rest goes to signatures, so more of what
            // might answer fits.
            let full_room = if snippets.is_empty() || strategy == "search" {
                room
            } else {
                (budget / 2).saturating_sub(used_full).min(room)
            };
            let full = if candidate.core && full_room >= MIN_SNIPPET_TOKENS {
                self.store()
                    .node_source(&candidate.node)?
                    .map(|source| render(&candidate, &source))
            } else {
                None
            };
            let mut chosen = None;
            // A definition with more lines than the room has tokens cannot
            // fit: not worth the tokenizer's time (a large class is
            // milliseconds of it).
            if let Some(text) = full.filter(|t| min_tokens(t) <= full_room) {
                let tokens = count_tokens(&text);
                if tokens <= full_room {
                    chosen = Some(("full", text, tokens));
                }
            }
            if chosen.is_none() && strategy == "graph" {
                let text = render(&candidate, &signature(&candidate.node));
                let tokens = count_tokens(&text);
                if tokens <= room {
                    chosen = Some(("signature", text, tokens));
                }
            }
            match chosen {
                Some((form, text, tokens)) => {
                    used += tokens;
                    if form == "full" {
                        used_full += tokens;
                    }
                    snippets.push(Snippet {
                        symbol: Symbol::new(&candidate.node, candidate.score),
                        score: round3(candidate.score),
                        why: candidate.why,
                        form,
                        tokens,
                        text,
                    });
                }
                None => omitted += 1,
            }
        }
        Ok(ContextPack {
            query: query.to_string(),
            mode,
            strategy,
            budget,
            tokens: used,
            snippets,
            omitted,
        })
    }
}

/// Greedy rerank: the best remaining candidate, a neighbour's score
/// lowered by [`SAME_FILE`] for each snippet already chosen from its file
/// (seeds keep their search order: measured, lowering them too pushed
/// answers out of the pack).
fn diversify(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut chosen_per_file: HashMap<String, i32> = HashMap::new();
    let mut out = Vec::with_capacity(candidates.len());
    loop {
        let adjusted = |c: &Candidate| {
            if c.seed {
                return c.score;
            }
            c.score * SAME_FILE.powi(*chosen_per_file.get(&c.node.file).unwrap_or(&0))
        };
        let Some(best) = (0..candidates.len()).max_by(|&a, &b| {
            adjusted(&candidates[a])
                .total_cmp(&adjusted(&candidates[b]))
                .then(b.cmp(&a))
        }) else {
            break;
        };
        let mut candidate = candidates.swap_remove(best);
        candidate.score = adjusted(&candidate);
        *chosen_per_file
            .entry(candidate.node.file.clone())
            .or_default() += 1;
        out.push(candidate);
    }
    out
}

/// The declaration line(s) of a node: its signature, else the first line
/// of its source.
fn signature(node: &Node) -> String {
    match &node.signature {
        Some(sig) => sig.clone(),
        None => node.name.clone(),
    }
}

/// A snippet's markdown: a `file:line` header, then the code.
fn render(candidate: &Candidate, code: &str) -> String {
    let node = &candidate.node;
    format!(
        "### {}:{}-{} {} `{}` ({})\n```{}\n{}\n```\n",
        node.file,
        node.span.start_line,
        node.span.end_line,
        node.kind.as_str(),
        node.qualified_name,
        candidate.why,
        node.language.as_str(),
        dedent(code.trim_end_matches('\n'), node.span.start_col as usize),
    )
}

/// A definition's text starts at its first character, so its later lines
/// carry the indentation its first line lost: take that much off them.
fn dedent(code: &str, indent: usize) -> String {
    let mut lines = code.lines();
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        let cut = line
            .char_indices()
            .take(indent)
            .take_while(|(_, c)| *c == ' ' || *c == '\t')
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        out.push('\n');
        out.push_str(&line[cut..]);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn non_blank_lines_bound_the_token_count_from_below() {
        for text in [
            "def f():\n    return 1\n\n\nclass A:\n    pass\n",
            "{\n}\n)\n;\n",
            "x = [\n    1,\n    2,\n]\n",
            "a\n\n   \n\tb\r\nc",
        ] {
            assert!(
                super::min_tokens(text) <= super::count_tokens(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn larger_budgets_read_deeper_into_the_hits() {
        use super::{hits_for, MAX_BUDGET, MAX_HITS, MIN_HITS};
        assert_eq!(hits_for(1), MIN_HITS);
        assert_eq!(hits_for(2_000), MIN_HITS);
        assert_eq!(hits_for(8_000), 125);
        assert!(hits_for(16_000) > hits_for(8_000));
        assert_eq!(hits_for(MAX_BUDGET), MAX_HITS);
    }
}
