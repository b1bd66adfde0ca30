//! The engine: one opened index, every query. Lookups are bounded: each
//! query has a default limit and the engine a cap no request passes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use codegraph_core::{EdgeKind, Language, Node, NodeId, NodeKind, SCHEMA_VERSION};
use codegraph_graph::cache::{self, Bounded, CacheStats, Weigh};
use codegraph_graph::generation::{self, Generation};
use codegraph_graph::{
    shortest_path, walk_filtered, Direction, EdgeFilter, Hop, NameMatch, OpenMode, Store,
};
use codegraph_search::{Filters, Mode, Searcher};

use crate::error::{QueryError, Result};
use crate::params::*;
use crate::types::*;

/// Edges that make one node depend on another.
pub const DEPENDENCY_KINDS: [EdgeKind; 5] = [
    EdgeKind::Calls,
    EdgeKind::References,
    EdgeKind::Inherits,
    EdgeKind::Implements,
    EdgeKind::Imports,
];

/// Deepest walk any query makes, whatever it asks for.
pub const MAX_DEPTH: u32 = 10;
/// Most incoming edges counted for a dependent's fan-in.
const FAN_IN_CAP: usize = 10_000;
/// How many index entries a name lookup considers before ranking.
const PREFIX_CANDIDATES: usize = 5000;
/// Lines of source shown with each search hit.
const SNIPPET_LINES: usize = 3;
/// Nodes a path search may visit.
const PATH_VISITS: usize = 200_000;

/// Accepted hits a ranking reads before it stops: twice what it returns,
/// so that the preferences it sorts by (exact case, definitions before
/// imports) have some to choose among.
fn read_enough(limit: usize) -> usize {
    limit.saturating_mul(2).max(8)
}

/// Each query's limit when the request names none.
pub mod defaults {
    pub const FIND: usize = 20;
    pub const CALLS: usize = 200;
    pub const REFERENCES: usize = 1000;
    pub const IMPACT: usize = 500;
    pub const SEARCH: usize = 10;
    pub const CALL_DEPTH: u32 = 1;
    pub const IMPACT_DEPTH: u32 = 3;
    pub const PATH_DEPTH: u32 = 12;
    pub const SOURCE_LINES: usize = 80;
    pub const EDGES: usize = 50;
}

type SharedSearcher = Searcher<Arc<Store>>;

pub struct Engine {
    dir: PathBuf,
    store: Arc<Store>,
    generation: Generation,
    search: OnceLock<Result<SharedSearcher>>,
    /// Most results any one answer lists (a request's limit is capped).
    max_results: usize,
    answers: Option<Answers>,
}

/// A long-lived engine's cache of whole answers, keyed by their request.
/// It lives and dies with the engine, which serves one index run.
pub(crate) struct Answers {
    pub(crate) search: Bounded<String, Weighed<SearchResult>>,
    pub(crate) context: Bounded<String, Weighed<crate::context::ContextPack>>,
}

/// An answer with what it weighs (its JSON size).
#[derive(Clone)]
pub(crate) struct Weighed<T>(Arc<T>, u64);

impl<T> Weigh for Weighed<T> {
    fn heap_bytes(&self) -> u64 {
        self.1
    }
}

/// The cached answer to `request`, else `compute`'s, kept for next time.
pub(crate) fn cached<R: serde::Serialize, T: serde::Serialize + Clone>(
    cache: Option<&Bounded<String, Weighed<T>>>,
    request: &R,
    compute: impl FnOnce() -> Result<T>,
) -> Result<T> {
    // A request that cannot be written as a key is answered, not cached
    // (an empty key would be shared by every such request).
    let (Some(cache), Ok(key)) = (cache, serde_json::to_string(request)) else {
        return compute();
    };
    if let Some(Weighed(answer, _)) = cache.get(&key) {
        return Ok(T::clone(&answer));
    }
    let answer = compute()?;
    let bytes = serde_json::to_vec(&answer).map_or(0, |j| j.len() as u64);
    cache.insert(key, Weighed(Arc::new(answer.clone()), bytes));
    Ok(answer)
}

impl Engine {
    /// Opens the index in `dir` (the `.codegraph` directory).
    pub fn open(dir: &Path, mode: OpenMode) -> Result<Engine> {
        // Read before the store: if a run completes in between, this
        // engine says it is older than it is, and a server reloads again.
        let generation = generation::read(dir);
        let store = Arc::new(Store::open(dir, mode)?);
        Ok(Engine {
            dir: dir.to_path_buf(),
            store,
            generation,
            search: OnceLock::new(),
            max_results: usize::MAX,
            answers: None,
        })
    }

    /// Gives a long-lived engine byte-bounded caches, `bytes` in all:
    /// decoded nodes, adjacency lists and query embeddings in its store,
    /// whole search and context answers here (see
    /// [`codegraph_graph::cache`]). Zero keeps none. Call before the
    /// first query.
    pub fn with_cache_bytes(mut self, bytes: u64) -> Engine {
        if bytes == 0 {
            return self;
        }
        let shares = cache::shares(bytes);
        if let Some(store) = Arc::get_mut(&mut self.store) {
            store.enable_caches(shares);
        }
        let half = shares.answers / 2;
        self.answers = Some(Answers {
            search: Bounded::new("search_results", half, 8 << 10),
            context: Bounded::new("context_packs", shares.answers - half, 32 << 10),
        });
        self
    }

    pub(crate) fn answers(&self) -> Option<&Answers> {
        self.answers.as_ref()
    }

    /// Each cache's counters (none for an engine without caches).
    pub fn cache_stats(&self) -> Vec<CacheStats> {
        let mut stats = self.store.caches().map(|c| c.stats()).unwrap_or_default();
        if let Some(answers) = &self.answers {
            stats.push(answers.search.stats());
            stats.push(answers.context.stats());
        }
        stats
    }

    /// Caps every answer at `max` results.
    pub fn with_max_results(mut self, max: usize) -> Engine {
        self.max_results = max.max(1);
        self
    }

    /// Opens the search indexes now (for a long-lived reader, which must
    /// hold all of one index run; see [`generation`]).
    pub fn warm(&self) {
        if let Ok(searcher) = self.searcher() {
            let _ = searcher.warm();
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn generation(&self) -> Generation {
        self.generation
    }

    pub(crate) fn searcher(&self) -> Result<&SharedSearcher> {
        self.search
            .get_or_init(|| {
                let dir = codegraph_search::search_dir(&self.dir);
                Ok(Searcher::open(Arc::clone(&self.store), &dir)?)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn limit(&self, asked: Option<usize>, default: usize) -> Result<usize> {
        match asked {
            Some(0) => Err(QueryError::bad_request("limit must be at least 1")),
            Some(n) => Ok(n.min(self.max_results)),
            None => Ok(default.min(self.max_results)),
        }
    }

    fn nodes_by_id(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Node>> {
        // Each node read once: a call tree names the root as every first
        // hop's parent.
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        Ok(self
            .store
            .get_nodes(&ids)?
            .into_iter()
            .flatten()
            .map(|n| (n.id, n))
            .collect())
    }

    // ---- find -------------------------------------------------------

    /// Exact, then prefix, then fuzzy: the first stage with any hit
    /// answers. Nothing at all is [`QueryError::NotFound`].
    pub fn find(&self, params: &FindParams) -> Result<Vec<FindHit>> {
        let name = non_empty("name", &params.name)?;
        let kind = parse_kind(params.kind.as_deref())?;
        let language = parse_language(params.lang.as_deref())?;
        let limit = self.limit(params.limit, defaults::FIND)?;
        let accepts =
            |n: &Node| kind.is_none_or(|k| n.kind == k) && language.is_none_or(|l| n.language == l);
        for match_kind in ["exact", "prefix", "fuzzy"] {
            let hits = match match_kind {
                "exact" => self.rank_exact(name, &accepts, limit)?,
                "prefix" => {
                    let matches = self.store.find_prefix(name, PREFIX_CANDIDATES)?;
                    self.rank(name, matches, &accepts, limit)?
                }
                _ => {
                    let matches = self.store.find_fuzzy(name, PREFIX_CANDIDATES)?;
                    self.rank(name, matches, &accepts, limit)?
                }
            };
            if !hits.is_empty() {
                return Ok(hits
                    .iter()
                    .map(|(node, score)| FindHit {
                        symbol: Symbol::new(node, *score),
                        match_kind,
                    })
                    .collect());
            }
        }
        Err(self.no_symbol(name))
    }

    /// Exact matches of a name or qualified name; failing that, a partly
    /// qualified name (`IndexWriter::commit`, `config.parse`) matches the
    /// qualified names it ends (`writer::IndexWriter::commit`).
    fn exact_or_qualified_suffix(&self, symbol: &str) -> Result<Vec<NameMatch>> {
        let exact = self.store.find_exact(symbol, PREFIX_CANDIDATES)?;
        if !exact.is_empty() {
            return Ok(exact);
        }
        self.qualified_suffix(symbol)
    }

    /// The definitions whose qualified names a partly qualified `symbol`
    /// ends (none for a bare name).
    fn qualified_suffix(&self, symbol: &str) -> Result<Vec<NameMatch>> {
        let Some((_, last)) = symbol.rsplit_once("::").or_else(|| symbol.rsplit_once('.')) else {
            return Ok(Vec::new());
        };
        let candidates = self.store.find_exact(last, PREFIX_CANDIDATES)?;
        let ids: Vec<NodeId> = candidates.iter().map(|m| m.id).collect();
        let wanted = symbol.to_lowercase();
        let mut hits = Vec::new();
        for (m, node) in candidates.into_iter().zip(self.store.get_nodes(&ids)?) {
            let Some(node) = node else { continue };
            let qualified = node.qualified_name.to_lowercase();
            let Some(head) = qualified.strip_suffix(&wanted) else {
                continue;
            };
            if head.ends_with("::") || head.ends_with('.') || head.ends_with('/') {
                hits.push(NameMatch {
                    score: 0.95,
                    text: qualified,
                    ..m
                });
            }
        }
        Ok(hits)
    }

    /// [`Engine::rank`] of the exact matches of `name`, reading only the
    /// first few when they settle the answer. Exact matches all score alike
    /// and are ranked in the order the name index holds them, so the answer
    /// comes from the first of them unless the filter turns most away: a
    /// name defined thousands of times (`get`, `String`, `type`) scanned
    /// and sorted every one of them on each lookup. The answer is the same
    /// as from all of them.
    fn rank_exact(
        &self,
        name: &str,
        accepts: &dyn Fn(&Node) -> bool,
        limit: usize,
    ) -> Result<Vec<(Node, f32)>> {
        let few = read_enough(limit).saturating_mul(4);
        let first = self.store.find_exact(name, few)?;
        if first.is_empty() {
            // No exact match: the first scan read them all.
            return self.rank(name, self.qualified_suffix(name)?, accepts, limit);
        }
        let all_read = first.len() < few;
        let (hits, settled) = self.rank_reading(name, first, accepts, limit)?;
        if all_read || settled {
            return Ok(hits);
        }
        let matches = self.store.find_exact(name, PREFIX_CANDIDATES)?;
        self.rank(name, matches, accepts, limit)
    }

    /// Orders hits: better match, exact case, definitions before imports,
    /// shorter qualified names; then reads the nodes and applies the filter.
    fn rank(
        &self,
        query: &str,
        matches: Vec<NameMatch>,
        accepts: &dyn Fn(&Node) -> bool,
        limit: usize,
    ) -> Result<Vec<(Node, f32)>> {
        Ok(self.rank_reading(query, matches, accepts, limit)?.0)
    }

    /// [`Engine::rank`], and whether it stopped reading with enough hits in
    /// hand (so more candidates after these could not change the answer).
    fn rank_reading(
        &self,
        query: &str,
        mut matches: Vec<NameMatch>,
        accepts: &dyn Fn(&Node) -> bool,
        limit: usize,
    ) -> Result<(Vec<(Node, f32)>, bool)> {
        let mut seen = HashSet::new();
        matches.retain(|m| seen.insert(m.id));
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.text.len().cmp(&b.text.len()))
        });
        let mut hits = Vec::new();
        // Read nodes in chunks so a filter that rejects most candidates
        // still stops early once enough hits are in hand to rank: a common
        // name (`__init__`, `new`) has thousands of exact matches, equal
        // in score, and reading them all would cost every lookup of it.
        let enough = read_enough(limit);
        let mut settled = false;
        for chunk in matches.chunks(enough) {
            let ids: Vec<NodeId> = chunk.iter().map(|m| m.id).collect();
            for (m, node) in chunk.iter().zip(self.store.get_nodes(&ids)?) {
                if let Some(node) = node.filter(|n| accepts(n)) {
                    hits.push((node, m.score));
                }
            }
            if hits.len() >= enough {
                settled = true;
                break;
            }
        }
        hits.sort_by(|(a, sa), (b, sb)| {
            sb.total_cmp(sa)
                .then_with(|| (b.name == query).cmp(&(a.name == query)))
                .then_with(|| (a.kind == NodeKind::Import).cmp(&(b.kind == NodeKind::Import)))
                .then_with(|| a.qualified_name.len().cmp(&b.qualified_name.len()))
                .then_with(|| a.file.cmp(&b.file))
                .then_with(|| a.span.start_line.cmp(&b.span.start_line))
        });
        hits.truncate(limit);
        Ok((hits, settled))
    }

    /// The error for a name nothing matches, with close names if any.
    fn no_symbol(&self, name: &str) -> QueryError {
        QueryError::NotFound {
            message: format!("no symbol named '{name}' in the index"),
            suggestions: self.store.suggest(name, 5).unwrap_or_default(),
        }
    }

    // ---- resolving a SYMBOL argument ---------------------------------

    /// The one node an id, a `FILE:LINE` or a (qualified) name names.
    pub fn resolve(&self, symbol: &str) -> Result<Node> {
        let symbol = non_empty("symbol", symbol)?;
        if let Ok(id) = symbol.parse::<NodeId>() {
            if let Some(node) = self.store.get_node(id)? {
                return Ok(node);
            }
        }
        if let Some((file, line)) = symbol
            .rsplit_once(':')
            .and_then(|(f, l)| Some((f, l.parse::<u32>().ok()?)))
        {
            let Some(record) = self.store.file(file.trim_start_matches("./"))? else {
                return Err(QueryError::not_found(format!(
                    "no file '{file}' in the index"
                )));
            };
            let nodes = self.store.get_nodes(&record.node_ids)?;
            // The innermost definition whose lines include `line`.
            return nodes
                .into_iter()
                .flatten()
                .filter(|n| {
                    n.kind != NodeKind::Import
                        && n.span.start_line <= line
                        && line <= n.span.end_line
                })
                .min_by_key(|n| n.span.end_line - n.span.start_line)
                .ok_or_else(|| {
                    QueryError::not_found(format!("no definition spans line {line} of {file}"))
                });
        }
        let matches = self.exact_or_qualified_suffix(symbol)?;
        let ids: Vec<NodeId> = matches.iter().map(|m| m.id).collect();
        let mut nodes: Vec<Node> = self.store.get_nodes(&ids)?.into_iter().flatten().collect();
        // A definition beats the imports of it.
        if nodes.iter().any(|n| n.kind != NodeKind::Import) {
            nodes.retain(|n| n.kind != NodeKind::Import);
        }
        // A definition beats its declarations (C++ in-class, C prototypes).
        codegraph_core::prefer_definitions(&mut nodes);
        // Exact case beats other case.
        if nodes
            .iter()
            .any(|n| n.name == symbol || n.qualified_name == symbol)
        {
            nodes.retain(|n| n.name == symbol || n.qualified_name == symbol);
        }
        nodes.sort_by(|a, b| {
            a.file
                .cmp(&b.file)
                .then(a.span.start_line.cmp(&b.span.start_line))
        });
        match nodes.len() {
            0 => Err(self.no_symbol(symbol)),
            1 => Ok(nodes.remove(0)),
            _ => Err(QueryError::Ambiguous {
                name: symbol.to_string(),
                candidates: nodes.iter().map(|n| Symbol::new(n, 1.0)).collect(),
            }),
        }
    }

    // ---- symbol ------------------------------------------------------

    /// One symbol with its source and its direct edges.
    pub fn symbol(&self, params: &SymbolParams) -> Result<SymbolDetail> {
        let node = self.resolve(&params.symbol)?;
        let source_lines = params.source_lines.unwrap_or(defaults::SOURCE_LINES);
        let per_direction = self.limit(params.edges, defaults::EDGES)?;
        let mut source = self.store.node_source(&node)?;
        let mut source_truncated = false;
        if let Some(text) = &mut source {
            if let Some((cut, _)) = text.match_indices('\n').nth(source_lines.saturating_sub(1)) {
                if cut + 1 < text.len() {
                    text.truncate(cut + 1);
                    source_truncated = true;
                }
            }
            if source_lines == 0 {
                text.clear();
                source_truncated = true;
            }
        }
        let (mut out, mut incoming) = self.store.edges_upto(node.id, per_direction + 1)?;
        let edges_truncated = out.len() > per_direction || incoming.len() > per_direction;
        out.truncate(per_direction);
        incoming.truncate(per_direction);
        let mut ids: Vec<NodeId> = out.iter().map(|e| e.to).collect();
        ids.extend(incoming.iter().map(|e| e.from));
        let others = self.nodes_by_id(&ids)?;
        let mut edges = Vec::new();
        for (direction, list) in [("out", &out), ("in", &incoming)] {
            for edge in list {
                let other = if direction == "out" {
                    edge.to
                } else {
                    edge.from
                };
                let Some(other) = others.get(&other) else {
                    continue;
                };
                edges.push(DirectEdge {
                    direction,
                    kind: edge.kind.as_str(),
                    confidence: round3(edge.confidence),
                    resolution: edge.resolution.as_str(),
                    line: edge.line,
                    node: Symbol::new(other, 1.0),
                });
            }
        }
        let unresolved_refs = self
            .store
            .refs_from(&node)?
            .into_iter()
            .map(|r| UnresolvedRef {
                kind: r.kind.as_str(),
                name: r.name,
                qualifier: r.qualifier,
                line: r.line,
                col: r.col,
            })
            .collect();
        Ok(SymbolDetail {
            symbol: Symbol::new(&node, 1.0),
            doc: node.doc.clone(),
            parent: node.parent.map(|p| p.to_string()),
            source,
            source_truncated,
            edges,
            edges_truncated,
            unresolved_refs,
        })
    }

    // ---- calls -------------------------------------------------------

    /// Callers or callees of a symbol as a tree.
    pub fn calls(&self, params: &CallsParams) -> Result<CallTree> {
        let root = self.resolve(&params.symbol)?;
        let filter = edge_filter(params.min_confidence, params.guesses)?;
        let limit = self.limit(params.limit, defaults::CALLS)?;
        let depth = params.depth.unwrap_or(defaults::CALL_DEPTH).min(MAX_DEPTH);
        let direction = match params.direction.unwrap_or_default() {
            CallDirection::Callers => Direction::In,
            CallDirection::Callees => Direction::Out,
        };
        let walked = walk_filtered(
            &self.store,
            &[root.id],
            direction,
            &[EdgeKind::Calls],
            &filter,
            depth,
            limit,
        )?;
        let mut ids: Vec<NodeId> = walked
            .hops
            .iter()
            .flat_map(|h| [h.node, h.parent])
            .collect();
        ids.push(root.id);
        let nodes = self.nodes_by_id(&ids)?;
        let mut hops: Vec<CallHop> = walked
            .hops
            .iter()
            .filter_map(|hop| call_hop(hop, &nodes, direction))
            .collect();
        // Each depth in source order of its call sites, not id order.
        hops.sort_by(|a, b| {
            (a.depth, &a.edge.file, a.edge.line).cmp(&(b.depth, &b.edge.file, b.edge.line))
        });
        Ok(CallTree {
            root: Symbol::new(&root, 1.0),
            direction: if direction == Direction::In {
                "callers"
            } else {
                "callees"
            },
            truncated: walked.truncated,
            hops,
        })
    }

    // ---- references --------------------------------------------------

    /// Every site that refers to a symbol, grouped by file: one bounded
    /// scan per dependency kind, so a hub reads no more than `limit + 1`
    /// edges.
    pub fn references(&self, params: &ReferencesParams) -> Result<References> {
        let root = self.resolve(&params.symbol)?;
        let filter = edge_filter(params.min_confidence, params.guesses)?;
        let limit = self.limit(params.limit, defaults::REFERENCES)?;
        let keep = |e: &codegraph_core::Edge| filter.accepts(e);
        let mut edges = Vec::new();
        for kind in DEPENDENCY_KINDS {
            let room = (limit + 1).saturating_sub(edges.len());
            if room == 0 {
                break;
            }
            edges.extend(self.store.in_edges_of(root.id, kind, room, &keep)?);
        }
        let truncated = edges.len() > limit;
        edges.truncate(limit);
        let nodes = self.nodes_by_id(&edges.iter().map(|e| e.from).collect::<Vec<_>>())?;
        let mut by_file: BTreeMap<&str, Vec<Site>> = BTreeMap::new();
        for edge in &edges {
            let Some(from) = nodes.get(&edge.from) else {
                continue;
            };
            by_file.entry(from.file.as_str()).or_default().push(Site {
                line: edge.line,
                kind: edge.kind.as_str(),
                confidence: round3(edge.confidence),
                resolution: edge.resolution.as_str(),
                from: Symbol::new(from, edge.confidence),
            });
        }
        let files = by_file
            .into_iter()
            .map(|(file, mut sites)| {
                sites.sort_by_key(|s| s.line);
                FileSites {
                    file: file.to_string(),
                    sites,
                }
            })
            .collect();
        Ok(References {
            symbol: Symbol::new(&root, 1.0),
            truncated,
            files,
        })
    }

    // ---- impact ------------------------------------------------------

    /// Transitive dependents of a symbol or of a file's symbols, ranked by
    /// distance, confidence and fan-in, with the files and tests they are
    /// in.
    pub fn impact(&self, params: &ImpactParams) -> Result<Impact> {
        let target = non_empty("target", &params.target)?;
        let filter = edge_filter(params.min_confidence, params.guesses)?;
        let limit = self.limit(params.limit, defaults::IMPACT)?;
        let depth = params
            .depth
            .unwrap_or(defaults::IMPACT_DEPTH)
            .min(MAX_DEPTH);
        let (label, starts) = match self.store.file(target.trim_start_matches("./"))? {
            Some(record) => (
                ImpactTarget::File {
                    qualified_name: target.to_string(),
                    kind: "file",
                },
                record.node_ids,
            ),
            None => {
                let node = self.resolve(target)?;
                (ImpactTarget::Symbol(Symbol::new(&node, 1.0)), vec![node.id])
            }
        };
        let walked = walk_filtered(
            &self.store,
            &starts,
            Direction::In,
            &DEPENDENCY_KINDS,
            &filter,
            depth,
            limit,
        )?;
        let nodes = self.nodes_by_id(&walked.hops.iter().map(|h| h.node).collect::<Vec<_>>())?;
        let mut ranked: Vec<(&Hop, &Node, usize)> = Vec::new();
        for hop in &walked.hops {
            let Some(node) = nodes.get(&hop.node) else {
                continue;
            };
            if node.kind == NodeKind::Import {
                continue;
            }
            // Bounded: a hub's exact fan-in does not change its rank.
            let mut fan_in = 0;
            for kind in DEPENDENCY_KINDS {
                fan_in += self.store.in_degree(hop.node, kind, FAN_IN_CAP - fan_in)?;
            }
            ranked.push((hop, node, fan_in));
        }
        ranked.sort_by(|a, b| {
            a.0.depth
                .cmp(&b.0.depth)
                .then(b.0.confidence.total_cmp(&a.0.confidence))
                .then(b.2.cmp(&a.2))
                .then(a.1.qualified_name.cmp(&b.1.qualified_name))
        });
        let files: BTreeSet<&str> = ranked.iter().map(|(_, n, _)| n.file.as_str()).collect();
        // The one test rule, stored on each node by the parser.
        let tests: BTreeSet<&str> = ranked
            .iter()
            .filter(|(_, n, _)| n.test)
            .map(|(_, n, _)| n.file.as_str())
            .collect();
        let test_symbols = ranked
            .iter()
            .filter(|(_, n, _)| n.test && n.kind.is_callable())
            .map(|(_, n, _)| n.qualified_name.clone())
            .collect();
        let dependents = ranked
            .iter()
            .map(|(hop, node, fan_in)| Dependent {
                symbol: Symbol::new(node, hop.confidence),
                distance: hop.depth,
                fan_in: *fan_in,
                via: hop.via.kind.as_str(),
                test: node.test,
            })
            .collect();
        Ok(Impact {
            target: label,
            truncated: walked.truncated,
            dependents,
            files: files.into_iter().map(str::to_string).collect(),
            tests: tests.into_iter().map(str::to_string).collect(),
            test_symbols,
        })
    }

    // ---- path --------------------------------------------------------

    /// The shortest dependency path from one symbol to another.
    pub fn path(&self, params: &PathParams) -> Result<PathResult> {
        let from = self.resolve(&params.from)?;
        let to = self.resolve(&params.to)?;
        let max_depth = params
            .max_depth
            .unwrap_or(defaults::PATH_DEPTH)
            .min(MAX_DEPTH * 2);
        let mut kinds = DEPENDENCY_KINDS.to_vec();
        kinds.push(EdgeKind::Contains);
        let found = shortest_path(&self.store, from.id, to.id, &kinds, max_depth, PATH_VISITS)?;
        let path = match found {
            None => None,
            Some(edges) => {
                let ids: Vec<NodeId> = edges.iter().flat_map(|e| [e.from, e.to]).collect();
                let nodes = self.nodes_by_id(&ids)?;
                Some(
                    edges
                        .iter()
                        .filter_map(|e| {
                            let target = nodes.get(&e.to)?;
                            let source = nodes.get(&e.from)?;
                            Some(PathStep {
                                kind: e.kind.as_str(),
                                line: e.line,
                                file: source.file.clone(),
                                to: Symbol::new(target, e.confidence),
                            })
                        })
                        .collect(),
                )
            }
        };
        Ok(PathResult {
            from: Symbol::new(&from, 1.0),
            to: Symbol::new(&to, 1.0),
            path,
        })
    }

    // ---- search ------------------------------------------------------

    /// Hybrid (default), lexical or semantic search.
    pub fn search(&self, params: &SearchParams) -> Result<SearchResult> {
        let cache = self.answers.as_ref().map(|a| &a.search);
        cached(cache, params, || self.search_uncached(params))
    }

    fn search_uncached(&self, params: &SearchParams) -> Result<SearchResult> {
        let query = non_empty("query", &params.query)?;
        let mode: Mode = match params.mode.as_deref() {
            None => Mode::Hybrid,
            Some(text) => text.parse().map_err(QueryError::BadRequest)?,
        };
        let filters = Filters {
            language: parse_language(params.lang.as_deref())?,
            kind: parse_kind(params.kind.as_deref())?,
            path: params.path.as_deref().map(Filters::path_glob).transpose()?,
        };
        let limit = self.limit(params.limit, defaults::SEARCH)?;
        let searcher = self.searcher()?;
        let hits = searcher.search(query, mode, &filters, limit)?;
        let mut out = Vec::with_capacity(hits.len());
        for hit in &hits {
            out.push(SearchHit {
                symbol: Symbol::new(&hit.node, hit.score),
                lexical_rank: hit.lexical_rank,
                semantic_rank: hit.semantic_rank,
                snippet: searcher.snippet(&hit.node, SNIPPET_LINES)?,
            });
        }
        Ok(SearchResult {
            query: query.to_string(),
            mode: format!("{mode:?}").to_lowercase(),
            embedder: searcher.embedder_id().to_string(),
            hits: out,
        })
    }

    // ---- stats -------------------------------------------------------

    /// Counts per language and kind, sizes, schema and generation.
    pub fn stats(&self) -> Result<Stats> {
        let stats = self.store.stats()?;
        Ok(Stats {
            index: self.store.path().display().to_string(),
            schema_version: SCHEMA_VERSION,
            generation: self.generation.number(),
            unresolved_refs: stats.refs.saturating_sub(stats.resolved_refs),
            counts: stats,
            disk_bytes: self.store.disk_size_bytes(),
            disk_bytes_by_family: self
                .store
                .disk_bytes_by_family()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            resident_bytes: resident_bytes(),
            search: codegraph_search::search_dir(&self.dir).is_dir(),
            caches: self.cache_stats(),
            coverage: self
                .store
                .coverage()?
                .and_then(|json| serde_json::from_str(&json).ok()),
        })
    }
}

fn call_hop(hop: &Hop, nodes: &HashMap<NodeId, Node>, direction: Direction) -> Option<CallHop> {
    let node = nodes.get(&hop.node)?;
    // The site is in the file of the edge's source: the caller.
    let source = match direction {
        Direction::In => node,
        Direction::Out => nodes.get(&hop.parent)?,
    };
    Some(CallHop {
        symbol: Symbol::new(node, hop.confidence),
        depth: hop.depth,
        parent: hop.parent.to_string(),
        edge: EdgeSite {
            kind: hop.via.kind.as_str(),
            confidence: round3(hop.via.confidence),
            resolution: hop.via.resolution.as_str(),
            file: source.file.clone(),
            line: hop.via.line,
        },
    })
}

fn non_empty<'a>(field: &str, text: &'a str) -> Result<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(QueryError::bad_request(format!(
            "'{field}' must not be empty"
        )));
    }
    Ok(text)
}

fn edge_filter(min_confidence: Option<f32>, guesses: Option<bool>) -> Result<EdgeFilter> {
    let min_confidence = min_confidence.unwrap_or(0.0);
    if !(0.0..=1.0).contains(&min_confidence) {
        return Err(QueryError::bad_request(format!(
            "min_confidence {min_confidence} is not between 0 and 1"
        )));
    }
    Ok(EdgeFilter {
        min_confidence,
        include_guesses: guesses.unwrap_or(false),
    })
}

fn parse_kind(text: Option<&str>) -> Result<Option<NodeKind>> {
    text.map(|t| {
        t.parse::<NodeKind>()
            .map_err(|e| QueryError::bad_request(e.to_string()))
    })
    .transpose()
}

fn parse_language(text: Option<&str>) -> Result<Option<Language>> {
    text.map(|t| {
        t.parse::<Language>()
            .map_err(|e| QueryError::bad_request(e.to_string()))
    })
    .transpose()
}

/// Resident set size of this process, from /proc (Linux), in bytes.
pub fn resident_bytes() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// The process's peak resident memory so far (Linux's VmHWM).
pub fn peak_resident_bytes() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// A size line of `/proc/self/status` (in kB there), in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegraph_graph::IndexWriter;

    /// An index of `files` (path, source), resolved, opened read-only.
    fn engine(files: &[(&str, &str)]) -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        {
            let store = Store::open(&db, OpenMode::ReadWrite).unwrap();
            let mut writer = IndexWriter::new(&store).unwrap();
            for (path, source) in files {
                let language = Language::from_path(Path::new(path)).unwrap();
                let graph = codegraph_parser::parse_file(path, source, language);
                writer
                    .replace_file(path, language, None, &graph, source)
                    .unwrap();
            }
            writer.commit().unwrap();
            let paths = store.pending_paths().unwrap();
            codegraph_graph::resolve_files(&store, &mut writer, &paths).unwrap();
        }
        let engine = Engine::open(&db, OpenMode::ReadOnly).unwrap();
        (dir, engine)
    }

    #[test]
    fn a_name_defined_many_times_is_ranked_as_from_all_its_definitions() {
        // 60 functions named `get` and one class `Get`: more exact matches
        // than the first read takes for small limits.
        let sources: Vec<(String, String)> = (0..60)
            .map(|i| {
                (
                    format!("m{i:02}.py"),
                    format!("def get(x):\n    return x + {i}\n"),
                )
            })
            .chain([("z.py".to_string(), "class Get:\n    pass\n".to_string())])
            .collect();
        let files: Vec<(&str, &str)> = sources
            .iter()
            .map(|(p, s)| (p.as_str(), s.as_str()))
            .collect();
        let (_dir, engine) = engine(&files);
        let ids = |hits: &[(Node, f32)]| hits.iter().map(|(n, _)| n.id).collect::<Vec<_>>();
        for limit in [1, 3, 10, 100] {
            for kind in [None, Some(NodeKind::Class), Some(NodeKind::Function)] {
                let accepts = |n: &Node| kind.is_none_or(|k| n.kind == k);
                let all = engine.store.find_exact("get", PREFIX_CANDIDATES).unwrap();
                assert_eq!(all.len(), 61);
                let expected = engine.rank("get", all, &accepts, limit).unwrap();
                let got = engine.rank_exact("get", &accepts, limit).unwrap();
                assert_eq!(ids(&got), ids(&expected), "limit {limit}, kind {kind:?}");
                assert!(!got.is_empty());
            }
        }
        // The class is found however deep among the functions it sits.
        let class = engine
            .rank_exact("get", &|n: &Node| n.kind == NodeKind::Class, 1)
            .unwrap();
        assert_eq!(class[0].0.name, "Get");
    }

    const APP: &str =
        "def load(path):\n    return parse(path)\n\n\ndef parse(text):\n    return text\n";
    const OTHER: &str = "def parse(text):\n    return None\n";

    #[test]
    fn a_symbols_context_is_its_definition_then_its_neighbours_in_budget() {
        use crate::context::ContextParams;
        let (_dir, engine) = engine(&[("app.py", APP), ("other.py", OTHER)]);
        let ask = |budget| {
            engine
                .context(&ContextParams {
                    query: "app.load".into(),
                    budget: Some(budget),
                    strategy: None,
                })
                .unwrap()
        };
        let pack = ask(400);
        assert_eq!(pack.mode, "symbol");
        assert!(pack.tokens <= 400);
        let first = &pack.snippets[0];
        assert_eq!(
            (first.symbol.qualified_name.as_str(), first.form),
            ("app.load", "full")
        );
        assert!(
            first.text.starts_with("### app.py:1-2 function `app.load`"),
            "{}",
            first.text
        );
        assert!(first.text.contains("return parse(path)"));
        // Its callee, as a signature (periphery), never the other file's
        // same-named function.
        let callee = pack
            .snippets
            .iter()
            .find(|s| s.symbol.name == "parse")
            .expect("the callee is packed");
        assert_eq!(
            (callee.symbol.file.as_str(), callee.form),
            ("app.py", "signature")
        );
        assert_eq!(callee.why, "called by app.load");
        // A budget too small for the whole definition gets its signature;
        // one too small for anything gets nothing, not a cut line.
        let small = ask(first.tokens - 1);
        assert_eq!(small.snippets[0].form, "signature");
        assert!(small.tokens < first.tokens);
        let tiny = ask(3);
        assert!(tiny.snippets.is_empty() && tiny.omitted > 0);
        let err = engine
            .context(&ContextParams {
                query: "x".into(),
                budget: Some(0),
                strategy: None,
            })
            .unwrap_err();
        assert_eq!(err.code(), "bad_request");
    }

    #[test]
    fn a_missing_index_is_no_index() {
        let dir = tempfile::tempdir().unwrap();
        let err = Engine::open(&dir.path().join("nothing"), OpenMode::ReadOnly)
            .err()
            .unwrap();
        assert_eq!(err.code(), "no_index");
        assert_eq!(err.http_status(), 503);
        assert!(err.to_string().contains("codegraph index"), "{err}");
    }

    #[test]
    fn an_unknown_name_is_not_found_with_suggestions() {
        let (_dir, engine) = engine(&[("app.py", APP)]);
        let err = engine.resolve("loadd").unwrap_err();
        let QueryError::NotFound { suggestions, .. } = &err else {
            panic!("{err:?}");
        };
        assert!(suggestions.iter().any(|s| s == "load"), "{suggestions:?}");
        assert_eq!(err.http_status(), 404);
        assert_eq!(err.to_json()["code"], "not_found");
    }

    #[test]
    fn a_name_of_several_symbols_is_ambiguous_with_candidates() {
        let (_dir, engine) = engine(&[("app.py", APP), ("other.py", OTHER)]);
        let err = engine.resolve("parse").unwrap_err();
        let QueryError::Ambiguous { candidates, .. } = &err else {
            panic!("{err:?}");
        };
        let files: Vec<&str> = candidates.iter().map(|c| c.file.as_str()).collect();
        assert_eq!(files, ["app.py", "other.py"]);
        assert_eq!(err.http_status(), 409);
        // A qualified name picks one.
        assert_eq!(engine.resolve("other.parse").unwrap().file, "other.py");
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let (_dir, engine) = engine(&[("app.py", APP)]);
        let bad = |err: QueryError| {
            assert_eq!(err.code(), "bad_request", "{err}");
            err.to_string()
        };
        let calls = |params: CallsParams| engine.calls(&params).unwrap_err();
        assert!(bad(calls(CallsParams {
            symbol: "load".into(),
            min_confidence: Some(1.5),
            ..Default::default()
        }))
        .contains("between 0 and 1"));
        assert!(bad(calls(CallsParams {
            symbol: "load".into(),
            limit: Some(0),
            ..Default::default()
        }))
        .contains("at least 1"));
        let find = engine.find(&FindParams {
            name: "load".into(),
            kind: Some("gadget".into()),
            ..Default::default()
        });
        assert!(bad(find.unwrap_err()).contains("gadget"));
        assert!(bad(engine.resolve("  ").unwrap_err()).contains("empty"));
    }

    #[test]
    fn answers_are_capped_at_max_results() {
        let (_dir, engine) = engine(&[("app.py", APP), ("other.py", OTHER)]);
        let engine = engine.with_max_results(1);
        let hits = engine
            .find(&FindParams {
                name: "parse".into(),
                limit: Some(100),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(hits.len(), 1);
        let callees = engine
            .calls(&CallsParams {
                symbol: "load".into(),
                direction: Some(CallDirection::Callees),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(callees.hops.len(), 1);
        assert_eq!(callees.hops[0].symbol.qualified_name, "app.parse");
        assert_eq!(callees.hops[0].edge.line, 2);
    }
}
