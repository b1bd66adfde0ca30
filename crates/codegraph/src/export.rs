//! `codegraph export`: the whole graph as JSON Lines, for other tools
//! (graph databases, notebooks, the SCIP comparison in `scripts/scip-compare`).
//!
//! One object per line, files in path order: each file's nodes
//! (`{"type":"node", ...}`), then the edges leaving them
//! (`{"type":"edge", ...}`). Nodes carry the hit fields of DESIGN.md plus
//! `parent`; edges carry `from`, `to`, `kind`, `confidence`, how they were
//! resolved (`resolution`) and the `line` of their first site. Written as it is read, so memory stays flat on a
//! kernel-sized index.

use std::io::Write;

use anyhow::Result;
use codegraph_core::EdgeKind;
use codegraph_graph::Store;
use serde_json::json;

use codegraph_query::types::{round3, Symbol};

/// What `export` wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ExportCounts {
    pub nodes: u64,
    pub edges: u64,
}

/// Writes every node and, unless `kinds` is non-empty and leaves it out,
/// every edge of `store` to `out`.
pub fn export(store: &Store, kinds: &[EdgeKind], out: &mut dyn Write) -> Result<ExportCounts> {
    let mut counts = ExportCounts::default();
    for path in store.file_paths()? {
        let Some(record) = store.file(&path)? else {
            continue;
        };
        let nodes: Vec<_> = store
            .get_nodes(&record.node_ids)?
            .into_iter()
            .flatten()
            .collect();
        for node in &nodes {
            let mut value = json!(Symbol::new(node, 1.0));
            let object = value.as_object_mut().expect("a symbol is an object");
            object.remove("score");
            object.insert("type".into(), json!("node"));
            object.insert("parent".into(), json!(node.parent.map(|p| p.to_string())));
            writeln!(out, "{value}")?;
            counts.nodes += 1;
        }
        for node in &nodes {
            for edge in store.out_edges(node.id)? {
                if !kinds.is_empty() && !kinds.contains(&edge.kind) {
                    continue;
                }
                let value = json!({
                    "type": "edge",
                    "from": edge.from.to_string(),
                    "to": edge.to.to_string(),
                    "kind": edge.kind.as_str(),
                    "confidence": round3(edge.confidence),
                    "resolution": edge.resolution.as_str(),
                    "line": edge.line,
                });
                writeln!(out, "{value}")?;
                counts.edges += 1;
            }
        }
    }
    out.flush()?;
    Ok(counts)
}
