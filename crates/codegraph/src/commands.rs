//! The query commands: `find`, `show`, `stats`. Each returns what to print;
//! `main.rs` decides between text and JSON and sets the exit code.

use std::collections::HashSet;

use anyhow::{bail, Result};
use codegraph_core::{Language, Node, NodeId, NodeKind, SCHEMA_VERSION};
use codegraph_graph::{NameMatch, Store};
use serde_json::{json, Value};

use crate::output::{hit_json, hit_line};

/// How many index entries a prefix lookup considers before ranking.
const PREFIX_CANDIDATES: usize = 5000;

#[derive(Clone, Debug, Default)]
pub struct FindFilter {
    pub kind: Option<NodeKind>,
    pub language: Option<Language>,
}

impl FindFilter {
    fn accepts(&self, node: &Node) -> bool {
        self.kind.is_none_or(|k| node.kind == k) && self.language.is_none_or(|l| node.language == l)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MatchKind {
    Exact,
    Prefix,
    Fuzzy,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Prefix => "prefix",
            MatchKind::Fuzzy => "fuzzy",
        }
    }
}

pub struct Found {
    pub hits: Vec<(Node, f32)>,
    pub match_kind: MatchKind,
}

/// Exact, then prefix, then fuzzy: the first stage with any hit answers.
pub fn find(store: &Store, name: &str, filter: &FindFilter, limit: usize) -> Result<Option<Found>> {
    for match_kind in [MatchKind::Exact, MatchKind::Prefix, MatchKind::Fuzzy] {
        let matches: Vec<NameMatch> = match match_kind {
            MatchKind::Exact => exact_or_qualified_suffix(store, name)?,
            MatchKind::Prefix => store.find_prefix(name, PREFIX_CANDIDATES)?,
            MatchKind::Fuzzy => store.find_fuzzy(name, PREFIX_CANDIDATES)?,
        };
        let hits = rank(store, name, matches, filter, limit)?;
        if !hits.is_empty() {
            return Ok(Some(Found { hits, match_kind }));
        }
    }
    Ok(None)
}

/// Exact matches of a name or qualified name; failing that, a partly
/// qualified name (`IndexWriter::commit`, `config.parse`) matches the
/// qualified names it ends (`writer::IndexWriter::commit`).
fn exact_or_qualified_suffix(store: &Store, symbol: &str) -> Result<Vec<NameMatch>> {
    let exact = store.find_exact(symbol, PREFIX_CANDIDATES)?;
    if !exact.is_empty() {
        return Ok(exact);
    }
    let Some((_, last)) = symbol.rsplit_once("::").or_else(|| symbol.rsplit_once('.')) else {
        return Ok(exact);
    };
    let candidates = store.find_exact(last, PREFIX_CANDIDATES)?;
    let ids: Vec<NodeId> = candidates.iter().map(|m| m.id).collect();
    let wanted = symbol.to_lowercase();
    let mut hits = Vec::new();
    for (m, node) in candidates.into_iter().zip(store.get_nodes(&ids)?) {
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

/// Orders hits: better match, exact case, definitions before imports,
/// shorter qualified names; then reads the nodes and applies the filter.
fn rank(
    store: &Store,
    query: &str,
    mut matches: Vec<NameMatch>,
    filter: &FindFilter,
    limit: usize,
) -> Result<Vec<(Node, f32)>> {
    let mut seen = HashSet::new();
    matches.retain(|m| seen.insert(m.id));
    matches.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.text.len().cmp(&b.text.len()))
    });
    let mut hits = Vec::new();
    // Read nodes in chunks so a filter that rejects most candidates still
    // stops early once `limit` hits are in hand.
    for chunk in matches.chunks(256) {
        let ids: Vec<NodeId> = chunk.iter().map(|m| m.id).collect();
        for (m, node) in chunk.iter().zip(store.get_nodes(&ids)?) {
            if let Some(node) = node.filter(|n| filter.accepts(n)) {
                hits.push((node, m.score));
            }
        }
        if hits.len() >= limit.saturating_mul(4).max(64) {
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
    Ok(hits)
}

/// The error for a name nothing matches, with close names if any.
pub fn not_found(store: &Store, name: &str) -> Result<anyhow::Error> {
    let suggestions = store.suggest(name, 5)?;
    Ok(if suggestions.is_empty() {
        anyhow::anyhow!("no symbol named '{name}' in the index")
    } else {
        anyhow::anyhow!(
            "no symbol named '{name}' in the index; did you mean: {}?",
            suggestions.join(", ")
        )
    })
}

pub fn find_json(found: &Found) -> Value {
    let hits: Vec<Value> = found
        .hits
        .iter()
        .map(|(node, score)| {
            let mut hit = hit_json(node, *score);
            hit["match"] = json!(found.match_kind.as_str());
            hit
        })
        .collect();
    Value::Array(hits)
}

pub fn find_text(found: &Found) -> String {
    found
        .hits
        .iter()
        .map(|(node, _)| hit_line(node) + "\n")
        .collect()
}

/// What a SYMBOL argument names.
pub enum Resolved {
    One(Node),
    Ambiguous(Vec<Node>),
    Missing,
}

/// Resolves an id, a `file:line`, or a (qualified) name to nodes.
pub fn resolve_symbol(store: &Store, symbol: &str) -> Result<Resolved> {
    if let Ok(id) = symbol.parse::<NodeId>() {
        if let Some(node) = store.get_node(id)? {
            return Ok(Resolved::One(node));
        }
    }
    if let Some((file, line)) = symbol
        .rsplit_once(':')
        .and_then(|(f, l)| Some((f, l.parse::<u32>().ok()?)))
    {
        let Some(record) = store.file(file.trim_start_matches("./"))? else {
            bail!("no file '{file}' in the index");
        };
        let nodes = store.get_nodes(&record.node_ids)?;
        // The innermost definition whose lines include `line`.
        let best = nodes
            .into_iter()
            .flatten()
            .filter(|n| {
                n.kind != NodeKind::Import && n.span.start_line <= line && line <= n.span.end_line
            })
            .min_by_key(|n| n.span.end_line - n.span.start_line);
        return match best {
            Some(node) => Ok(Resolved::One(node)),
            None => bail!("no definition spans line {line} of {file}"),
        };
    }
    let matches = exact_or_qualified_suffix(store, symbol)?;
    let ids: Vec<NodeId> = matches.iter().map(|m| m.id).collect();
    let mut nodes: Vec<Node> = store.get_nodes(&ids)?.into_iter().flatten().collect();
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
    Ok(match nodes.len() {
        0 => Resolved::Missing,
        1 => Resolved::One(nodes.remove(0)),
        _ => Resolved::Ambiguous(nodes),
    })
}

pub struct Shown {
    pub node: Node,
    pub source: Option<String>,
    /// (direction, edge, other end) for the direct edges, at most
    /// [`SHOW_EDGES`] each way.
    pub edges: Vec<(&'static str, codegraph_core::Edge, Node)>,
    /// More edges than shown exist.
    pub edges_truncated: bool,
    pub refs: Vec<codegraph_core::UnresolvedRef>,
}

/// Most direct edges `show` lists in each direction (`refs` and `callers`
/// page through the rest).
pub const SHOW_EDGES: usize = 500;

pub fn show(store: &Store, node: Node) -> Result<Shown> {
    let source = store.node_source(&node)?;
    let mut edges = Vec::new();
    let (mut out, mut incoming) = store.edges_upto(node.id, SHOW_EDGES + 1)?;
    let edges_truncated = out.len() > SHOW_EDGES || incoming.len() > SHOW_EDGES;
    out.truncate(SHOW_EDGES);
    incoming.truncate(SHOW_EDGES);
    let out_nodes = store.get_nodes(&out.iter().map(|e| e.to).collect::<Vec<_>>())?;
    let in_nodes = store.get_nodes(&incoming.iter().map(|e| e.from).collect::<Vec<_>>())?;
    for (edge, other) in out.iter().zip(out_nodes) {
        if let Some(other) = other {
            edges.push(("out", *edge, other));
        }
    }
    for (edge, other) in incoming.iter().zip(in_nodes) {
        if let Some(other) = other {
            edges.push(("in", *edge, other));
        }
    }
    let refs = store.refs_from(&node)?;
    Ok(Shown {
        node,
        source,
        edges,
        edges_truncated,
        refs,
    })
}

pub fn show_json(shown: &Shown) -> Value {
    let mut value = hit_json(&shown.node, 1.0);
    value["doc"] = json!(shown.node.doc);
    value["parent"] = json!(shown.node.parent.map(|p| p.to_string()));
    value["source"] = json!(shown.source);
    value["edges"] = shown
        .edges
        .iter()
        .map(|(direction, edge, other)| {
            json!({
                "direction": direction,
                "kind": edge.kind.as_str(),
                "confidence": crate::output::round3(edge.confidence),
                "resolution": edge.resolution.as_str(),
                "node": hit_json(other, 1.0),
            })
        })
        .collect();
    value["edges_truncated"] = json!(shown.edges_truncated);
    value["unresolved_refs"] = shown
        .refs
        .iter()
        .map(|r| json!({"kind": r.kind.as_str(), "name": r.name, "qualifier": r.qualifier, "line": r.line, "col": r.col}))
        .collect();
    value
}

pub fn show_text(shown: &Shown) -> String {
    let node = &shown.node;
    let mut out = format!(
        "{} {}  ({})\n",
        node.kind, node.qualified_name, node.language
    );
    out += &format!(
        "  id:   {}\n  file: {}:{}-{}\n",
        node.id, node.file, node.span.start_line, node.span.end_line
    );
    if let Some(sig) = &node.signature {
        out += &format!("  sig:  {sig}\n");
    }
    if let Some(doc) = &node.doc {
        let first = doc.lines().next().unwrap_or("");
        out += &format!("  doc:  {first}\n");
    }
    if let Some(source) = &shown.source {
        if node.kind != codegraph_core::NodeKind::File {
            out.push('\n');
            for (i, line) in source.lines().enumerate().take(200) {
                out += &format!("{:>6} | {line}\n", node.span.start_line as usize + i);
            }
        }
    }
    if !shown.edges.is_empty() {
        out += "\nedges:\n";
        for (direction, edge, other) in &shown.edges {
            let arrow = if *direction == "out" { "->" } else { "<-" };
            let kind = edge.kind.as_str();
            out += &format!("  {arrow} {kind:<10} {}\n", hit_line(other));
        }
        if shown.edges_truncated {
            out += &format!(
                "  ... (the first {SHOW_EDGES} each way; `refs`, `callers`, `callees` list all)\n"
            );
        }
    }
    if !shown.refs.is_empty() {
        out += "\nunresolved references:\n";
        for r in &shown.refs {
            let via = r
                .qualifier
                .as_deref()
                .map(|q| format!(" (via {q})"))
                .unwrap_or_default();
            out += &format!(
                "  {:<9} {}{via}  line {}\n",
                r.kind.as_str(),
                r.name,
                r.line
            );
        }
    }
    out
}

/// Resident set size of this process, from /proc (Linux), in bytes.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub fn stats_json(store: &Store) -> Result<Value> {
    let stats = store.stats()?;
    Ok(json!({
        "index": store.path().display().to_string(),
        "schema_version": SCHEMA_VERSION,
        "files": stats.files,
        "nodes": stats.nodes,
        "edges": stats.edges,
        "refs": stats.refs,
        "resolved_refs": stats.resolved_refs,
        "unresolved_refs": stats.refs.saturating_sub(stats.resolved_refs),
        "files_with_syntax_errors": stats.files_with_syntax_errors,
        "files_by_language": stats.files_by_language,
        "nodes_by_language": stats.nodes_by_language,
        "nodes_by_kind": stats.nodes_by_kind,
        "disk_bytes": store.disk_size_bytes(),
        "disk_bytes_by_family": store.disk_bytes_by_family().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "resident_bytes": resident_bytes(),
    }))
}

pub fn stats_text(value: &Value) -> String {
    let mut out = String::new();
    let get = |key: &str| value[key].to_string();
    out += &format!(
        "index:            {}\n",
        value["index"].as_str().unwrap_or("")
    );
    out += &format!("schema version:   {}\n", get("schema_version"));
    out += &format!("files:            {}\n", get("files"));
    out += &format!("nodes:            {}\n", get("nodes"));
    out += &format!("edges:            {}\n", get("edges"));
    out += &format!(
        "references:       {} ({} resolved, {} unresolved)\n",
        get("refs"),
        get("resolved_refs"),
        get("unresolved_refs")
    );
    out += &format!(
        "syntax errors in: {} files\n",
        get("files_with_syntax_errors")
    );
    let mib = |key: &str| {
        value[key]
            .as_u64()
            .map(|b| format!("{:.1} MiB", b as f64 / (1 << 20) as f64))
    };
    out += &format!(
        "on disk:          {}\n",
        mib("disk_bytes").unwrap_or_default()
    );
    out += &format!(
        "memory (RSS):     {}\n",
        mib("resident_bytes").unwrap_or_else(|| "unknown".into())
    );
    for (title, key) in [
        ("files by language", "files_by_language"),
        ("nodes by language", "nodes_by_language"),
        ("nodes by kind", "nodes_by_kind"),
    ] {
        out += &format!("\n{title}:\n");
        if let Some(map) = value[key].as_object() {
            let mut rows: Vec<(&String, u64)> = map
                .iter()
                .map(|(k, v)| (k, v.as_u64().unwrap_or(0)))
                .collect();
            rows.sort_by_key(|row| std::cmp::Reverse(row.1));
            for (name, count) in rows {
                out += &format!("  {name:<12} {count:>10}\n");
            }
        }
    }
    out
}
