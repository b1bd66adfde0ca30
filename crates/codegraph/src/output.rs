//! How nodes are shown: the JSON hit object of DESIGN.md and a one-line
//! text form.

use codegraph_core::Node;
use serde_json::{json, Value};

/// A score or confidence to three decimals, as printed in JSON.
pub fn round3(value: f32) -> f64 {
    (f64::from(value) * 1000.0).round() / 1000.0
}

/// The JSON object for one symbol hit (fields fixed by DESIGN.md).
pub fn hit_json(node: &Node, score: f32) -> Value {
    json!({
        "id": node.id.to_string(),
        "name": node.name,
        "qualified_name": node.qualified_name,
        "kind": node.kind.as_str(),
        "language": node.language.as_str(),
        "file": node.file,
        "start_line": node.span.start_line,
        "end_line": node.span.end_line,
        "score": round3(score),
        "signature": node.signature,
    })
}

/// `function  util.parse_config  src/util.py:10-20`
pub fn hit_line(node: &Node) -> String {
    format!(
        "{:<11} {}  {}:{}-{}",
        node.kind.as_str(),
        node.qualified_name,
        node.file,
        node.span.start_line,
        node.span.end_line
    )
}
