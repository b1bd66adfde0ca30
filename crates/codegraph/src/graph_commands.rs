//! The graph commands: `callers`, `callees`, `refs`, `impact`, `path`.
//! Each returns a JSON value; `text` renders the same value for a terminal,
//! so both outputs always carry the same facts.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use codegraph_core::{EdgeKind, Node, NodeId, NodeKind};
use codegraph_graph::{shortest_path, walk_filtered, Direction, EdgeFilter, Hop, Store};
use serde_json::{json, Value};

use crate::output::{hit_json, round3};

/// Edges that make one node depend on another.
pub const DEPENDENCY_KINDS: [EdgeKind; 5] = [
    EdgeKind::Calls,
    EdgeKind::References,
    EdgeKind::Inherits,
    EdgeKind::Implements,
    EdgeKind::Imports,
];

/// Most incoming edges counted for a dependent's fan-in.
const FAN_IN_CAP: usize = 10_000;

/// Deepest walk any command will make, whatever `--depth` says.
pub const MAX_DEPTH: u32 = 10;

fn nodes_by_id(store: &Store, ids: &[NodeId]) -> Result<HashMap<NodeId, Node>> {
    Ok(store
        .get_nodes(ids)?
        .into_iter()
        .flatten()
        .map(|n| (n.id, n))
        .collect())
}

fn hop_json(hop: &Hop, nodes: &HashMap<NodeId, Node>, direction: Direction) -> Option<Value> {
    let node = nodes.get(&hop.node)?;
    // The site is in the file of the edge's source: the caller.
    let source = match direction {
        Direction::In => node,
        Direction::Out => nodes.get(&hop.parent)?,
    };
    let mut value = hit_json(node, hop.confidence);
    value["depth"] = json!(hop.depth);
    value["parent"] = json!(hop.parent.to_string());
    value["edge"] = json!({
        "kind": hop.via.kind.as_str(),
        "confidence": round3(hop.via.confidence),
        "resolution": hop.via.resolution.as_str(),
        "file": source.file,
        "line": hop.via.line,
    });
    Some(value)
}

/// `callers` (direction In) or `callees` (Out) of `root` as a tree.
pub fn call_tree(
    store: &Store,
    root: &Node,
    direction: Direction,
    filter: &EdgeFilter,
    depth: u32,
    limit: usize,
) -> Result<Value> {
    let walked = walk_filtered(
        store,
        &[root.id],
        direction,
        &[EdgeKind::Calls],
        filter,
        depth.min(MAX_DEPTH),
        limit,
    )?;
    let mut ids: Vec<NodeId> = walked
        .hops
        .iter()
        .flat_map(|h| [h.node, h.parent])
        .collect();
    ids.push(root.id);
    let nodes = nodes_by_id(store, &ids)?;
    let hops: Vec<Value> = walked
        .hops
        .iter()
        .filter_map(|h| hop_json(h, &nodes, direction))
        .collect();
    Ok(json!({ "root": hit_json(root, 1.0), "truncated": walked.truncated, "hops": hops }))
}

pub fn call_tree_text(value: &Value, direction: Direction) -> String {
    let (title, arrow) = match direction {
        Direction::In => ("callers of", "<-"),
        Direction::Out => ("callees of", "->"),
    };
    let root = &value["root"];
    let mut out = format!(
        "{title} {} {}  {}:{}\n",
        root["kind"].as_str().unwrap_or(""),
        root["qualified_name"].as_str().unwrap_or(""),
        root["file"].as_str().unwrap_or(""),
        root["start_line"]
    );
    let hops = value["hops"].as_array().cloned().unwrap_or_default();
    if hops.is_empty() {
        out += "  (none found)\n";
    }
    let mut children: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for hop in &hops {
        children
            .entry(hop["parent"].as_str().unwrap_or("").to_string())
            .or_default()
            .push(hop);
    }
    fn render(
        out: &mut String,
        children: &BTreeMap<String, Vec<&Value>>,
        parent: &str,
        arrow: &str,
    ) {
        for hop in children.get(parent).map(Vec::as_slice).unwrap_or(&[]) {
            let depth = hop["depth"].as_u64().unwrap_or(1) as usize;
            let edge = &hop["edge"];
            out.push_str(&format!(
                "{}{arrow} {:<9} {}  {}:{}  ({:.2})\n",
                "  ".repeat(depth),
                hop["kind"].as_str().unwrap_or(""),
                hop["qualified_name"].as_str().unwrap_or(""),
                edge["file"].as_str().unwrap_or(""),
                edge["line"],
                edge["confidence"].as_f64().unwrap_or(0.0),
            ));
            render(out, children, hop["id"].as_str().unwrap_or(""), arrow);
        }
    }
    render(
        &mut out,
        &children,
        root["id"].as_str().unwrap_or(""),
        arrow,
    );
    if value["truncated"] == true {
        out += "  ... (stopped at --limit)\n";
    }
    out
}

/// Every site that refers to `root`, grouped by file: one bounded scan
/// per dependency kind, so a hub reads no more than `limit + 1` edges.
pub fn references(store: &Store, root: &Node, filter: &EdgeFilter, limit: usize) -> Result<Value> {
    let keep = |e: &codegraph_core::Edge| filter.accepts(e);
    let mut edges = Vec::new();
    for kind in DEPENDENCY_KINDS {
        let room = (limit + 1).saturating_sub(edges.len());
        if room == 0 {
            break;
        }
        edges.extend(store.in_edges_of(root.id, kind, room, &keep)?);
    }
    let truncated = edges.len() > limit;
    edges.truncate(limit);
    let nodes = nodes_by_id(store, &edges.iter().map(|e| e.from).collect::<Vec<_>>())?;
    let mut by_file: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for edge in &edges {
        let Some(from) = nodes.get(&edge.from) else {
            continue;
        };
        by_file.entry(from.file.as_str()).or_default().push(json!({
            "line": edge.line,
            "kind": edge.kind.as_str(),
            "confidence": round3(edge.confidence),
            "resolution": edge.resolution.as_str(),
            "from": hit_json(from, edge.confidence),
        }));
    }
    let files: Vec<Value> = by_file
        .into_iter()
        .map(|(file, mut sites)| {
            sites.sort_by_key(|s| s["line"].as_u64());
            json!({ "file": file, "sites": sites })
        })
        .collect();
    Ok(json!({ "symbol": hit_json(root, 1.0), "truncated": truncated, "files": files }))
}

pub fn references_text(value: &Value) -> String {
    let symbol = &value["symbol"];
    let mut out = format!(
        "references to {} {}\n",
        symbol["kind"].as_str().unwrap_or(""),
        symbol["qualified_name"].as_str().unwrap_or("")
    );
    let files = value["files"].as_array().cloned().unwrap_or_default();
    if files.is_empty() {
        out += "  (none found)\n";
    }
    for file in &files {
        out += &format!("{}\n", file["file"].as_str().unwrap_or(""));
        for site in file["sites"].as_array().cloned().unwrap_or_default() {
            out += &format!(
                "  {:>6}  {:<10} in {}\n",
                site["line"],
                site["kind"].as_str().unwrap_or(""),
                site["from"]["qualified_name"].as_str().unwrap_or("")
            );
        }
    }
    out
}

/// Transitive dependents of `starts`, ranked by distance, confidence and
/// fan-in, with the files and tests they live in.
pub fn impact(
    store: &Store,
    label: Value,
    starts: &[NodeId],
    filter: &EdgeFilter,
    depth: u32,
    limit: usize,
) -> Result<Value> {
    let walked = walk_filtered(
        store,
        starts,
        Direction::In,
        &DEPENDENCY_KINDS,
        filter,
        depth.min(MAX_DEPTH),
        limit,
    )?;
    let nodes = nodes_by_id(
        store,
        &walked.hops.iter().map(|h| h.node).collect::<Vec<_>>(),
    )?;
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
            fan_in += store.in_degree(hop.node, kind, FAN_IN_CAP - fan_in)?;
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
    let mut files: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, node, _) in &ranked {
        *files.entry(node.file.as_str()).or_default() += 1;
    }
    // The one test rule, stored on each node by the parser.
    let tests: std::collections::BTreeSet<&str> = ranked
        .iter()
        .filter(|(_, node, _)| node.test)
        .map(|(_, node, _)| node.file.as_str())
        .collect();
    let test_symbols: Vec<&str> = ranked
        .iter()
        .filter(|(_, node, _)| node.test && node.kind.is_callable())
        .map(|(_, node, _)| node.qualified_name.as_str())
        .collect();
    let dependents: Vec<Value> = ranked
        .iter()
        .map(|(hop, node, fan_in)| {
            let mut value = hit_json(node, hop.confidence);
            value["distance"] = json!(hop.depth);
            value["fan_in"] = json!(fan_in);
            value["via"] = json!(hop.via.kind.as_str());
            value["test"] = json!(node.test);
            value
        })
        .collect();
    Ok(json!({
        "target": label,
        "truncated": walked.truncated,
        "dependents": dependents,
        "files": files.keys().collect::<Vec<_>>(),
        "tests": tests,
        "test_symbols": test_symbols,
    }))
}

pub fn impact_text(value: &Value) -> String {
    let mut out = format!(
        "impact of {}\n",
        value["target"]["qualified_name"].as_str().unwrap_or("")
    );
    let dependents = value["dependents"].as_array().cloned().unwrap_or_default();
    if dependents.is_empty() {
        out += "  (no dependents found)\n";
    }
    for d in &dependents {
        out += &format!(
            "  {} {:<9} {}  {}:{}  ({:.2}, fan-in {})\n",
            d["distance"],
            d["kind"].as_str().unwrap_or(""),
            d["qualified_name"].as_str().unwrap_or(""),
            d["file"].as_str().unwrap_or(""),
            d["start_line"],
            d["score"].as_f64().unwrap_or(0.0),
            d["fan_in"]
        );
    }
    let files = value["files"].as_array().map_or(0, Vec::len);
    let strings = |key: &str| -> Vec<&str> {
        value[key]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    };
    let (tests, test_symbols) = (strings("tests"), strings("test_symbols"));
    out += &format!(
        "{} files affected; tests: {}\n",
        files,
        if tests.is_empty() {
            "none found".to_string()
        } else if test_symbols.is_empty() {
            tests.join(", ")
        } else {
            format!("{} in {}", test_symbols.join(", "), tests.join(", "))
        }
    );
    if value["truncated"] == true {
        out += "  ... (stopped at --limit)\n";
    }
    out
}

/// The shortest dependency path from `from` to `to`.
pub fn path(store: &Store, from: &Node, to: &Node, max_depth: u32) -> Result<Value> {
    let mut kinds = DEPENDENCY_KINDS.to_vec();
    kinds.push(EdgeKind::Contains);
    let found = shortest_path(
        store,
        from.id,
        to.id,
        &kinds,
        max_depth.min(MAX_DEPTH * 2),
        200_000,
    )?;
    let Some(edges) = found else {
        return Ok(
            json!({ "from": hit_json(from, 1.0), "to": hit_json(to, 1.0), "path": Value::Null }),
        );
    };
    let ids: Vec<NodeId> = edges.iter().flat_map(|e| [e.from, e.to]).collect();
    let nodes = nodes_by_id(store, &ids)?;
    let steps: Vec<Value> = edges
        .iter()
        .filter_map(|e| {
            let target = nodes.get(&e.to)?;
            let source = nodes.get(&e.from)?;
            Some(json!({ "kind": e.kind.as_str(), "line": e.line, "file": source.file, "to": hit_json(target, e.confidence) }))
        })
        .collect();
    Ok(json!({ "from": hit_json(from, 1.0), "to": hit_json(to, 1.0), "path": steps }))
}

pub fn path_text(value: &Value) -> String {
    let name = |v: &Value| v["qualified_name"].as_str().unwrap_or("").to_string();
    let Some(steps) = value["path"].as_array() else {
        return format!(
            "no dependency path from {} to {}\n",
            name(&value["from"]),
            name(&value["to"])
        );
    };
    let mut out = format!("{}\n", name(&value["from"]));
    for step in steps {
        out += &format!(
            "  -{}-> {}  ({}:{})\n",
            step["kind"].as_str().unwrap_or(""),
            name(&step["to"]),
            step["file"].as_str().unwrap_or(""),
            step["line"]
        );
    }
    out
}
