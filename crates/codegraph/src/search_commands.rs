//! `codegraph search`: hybrid, lexical or semantic search, as JSON hits
//! (DESIGN.md fields plus ranks and a snippet) or text.

use anyhow::Result;
use codegraph_search::{Filters, Mode, Searcher};
use serde_json::{json, Value};

use crate::output::{hit_json, round3};

/// Lines of source shown with each hit.
const SNIPPET_LINES: usize = 3;

pub fn search(
    searcher: &Searcher,
    query: &str,
    mode: Mode,
    filters: &Filters,
    limit: usize,
) -> Result<Value> {
    let hits = searcher.search(query, mode, filters, limit)?;
    let mut out = Vec::with_capacity(hits.len());
    for hit in &hits {
        let mut value = hit_json(&hit.node, hit.score);
        value["score"] = json!(round3(hit.score));
        value["lexical_rank"] = json!(hit.lexical_rank);
        value["semantic_rank"] = json!(hit.semantic_rank);
        value["snippet"] = json!(searcher.snippet(&hit.node, SNIPPET_LINES)?);
        out.push(value);
    }
    Ok(json!({
        "query": query,
        "mode": format!("{mode:?}").to_lowercase(),
        "embedder": searcher.embedder_id(),
        "hits": out,
    }))
}

pub fn search_text(value: &Value) -> String {
    let hits = value["hits"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if hits.is_empty() {
        return format!(
            "no matches for '{}'\n",
            value["query"].as_str().unwrap_or("")
        );
    }
    let mut out = String::new();
    for (i, hit) in hits.iter().enumerate() {
        out.push_str(&format!(
            "{:>2}. {:.3}  {:<11} {}  {}:{}-{}\n",
            i + 1,
            hit["score"].as_f64().unwrap_or(0.0),
            hit["kind"].as_str().unwrap_or(""),
            hit["qualified_name"].as_str().unwrap_or(""),
            hit["file"].as_str().unwrap_or(""),
            hit["start_line"],
            hit["end_line"],
        ));
        for line in hit["snippet"].as_str().unwrap_or("").lines() {
            out.push_str("      ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
