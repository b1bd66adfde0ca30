//! The Rust half of the search evaluation (`scripts/eval-search`):
//!
//!   search_eval dump DB            every search document as JSON lines
//!                                  (for the Python baselines)
//!   search_eval rank DB QUERIES [--lexical-weight W]
//!                                  top 10 per query for each mode, JSON lines
//!                                  (W: the lexical ranking's fusion weight, 0-1)
//!   search_eval candidates DB QUERIES
//!                                  each ranking's top 100 before fusion,
//!                                  with scores and each candidate's graph
//!                                  priors (test or vendored, callers), for
//!                                  trying fusion rules offline
//!   search_eval embed TEXTS OUT    the "text" of each JSON line embedded
//!                                  with all-MiniLM-L6-v2 in f32 and BERT's
//!                                  own tokens (the exact model: the
//!                                  baseline), as an .npy matrix
//!   search_eval tokens TEXTS       the built-in static model's token ids
//!                                  of each "text", a JSON array per line
//!                                  (scripts/model/training-set)
//!
//! QUERIES is a JSON-lines file with a "query" field per line.

use std::io::{BufRead, Write};
use std::path::Path;

use codegraph_core::NodeId;
use codegraph_graph::{OpenMode, Store};
use codegraph_search::{file_docs, search_dir, Filters, Mode, Searcher};
use codegraph_vector::{
    default_model_dir, write_npy, Embedder, MiniLmEmbedder, Precision, StaticModel,
};
use serde_json::json;

fn main() {
    if let Err(e) = run() {
        eprintln!("search_eval: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    match args.as_slice() {
        [cmd, db] if cmd == "dump" => {
            let store = Store::open(Path::new(db), OpenMode::ReadOnly)?;
            for (path, record) in store.files()? {
                for d in file_docs(&store, &path, &record)? {
                    let line = json!({
                        "id": d.id, "file": d.file, "name": d.name,
                        "start_line": d.start_line, "end_line": d.end_line,
                        "text": d.embedding_text(), "body": d.body, "doc": d.doc,
                        "code_text": d.code_text(),
                    });
                    writeln!(out, "{line}")?;
                }
            }
        }
        [cmd, db, queries, rest @ ..] if cmd == "rank" => {
            let store = Store::open(Path::new(db), OpenMode::ReadOnly)?;
            let mut searcher = Searcher::open(&store, &search_dir(Path::new(db)))?;
            if let [flag, weight] = rest {
                if flag != "--lexical-weight" {
                    return Err(format!("unknown option {flag}").into());
                }
                searcher.set_lexical_weight(weight.parse()?);
            }
            for query in read_queries(queries)? {
                let query = query.as_str();
                for mode in [Mode::Lexical, Mode::Semantic, Mode::Hybrid] {
                    let hits = searcher.search(query, mode, &Filters::default(), 10)?;
                    let hits: Vec<_> = hits
                        .iter()
                        .map(|h| {
                            json!([
                                h.node.file,
                                h.node.name,
                                h.node.span.start_line,
                                h.node.span.end_line
                            ])
                        })
                        .collect();
                    let mode = format!("{mode:?}").to_lowercase();
                    writeln!(
                        out,
                        "{}",
                        json!({ "query": query, "mode": mode, "hits": hits })
                    )?;
                }
            }
        }
        [cmd, db, queries] if cmd == "candidates" => {
            let store = Store::open(Path::new(db), OpenMode::ReadOnly)?;
            let searcher = Searcher::open(&store, &search_dir(Path::new(db)))?;
            for query in read_queries(queries)? {
                let c = searcher.candidates(&query, Mode::Hybrid, 100)?;
                let keys: Vec<NodeId> = c.ids().into_iter().map(NodeId).collect();
                let mut nodes = serde_json::Map::new();
                for node in store.get_nodes(&keys)?.into_iter().flatten() {
                    let (demoted, calls) = searcher.priors(&node);
                    nodes.insert(
                        node.id.0.to_string(),
                        json!([node.file, node.name, node.span.start_line, node.span.end_line, demoted, calls]),
                    );
                }
                let line = json!({
                    "query": query,
                    "lexical": c.lexical, "semantic": c.semantic, "nodes": nodes,
                });
                writeln!(out, "{line}")?;
            }
        }
        [cmd, texts, npy] if cmd == "embed" => {
            let model =
                MiniLmEmbedder::load_with(&default_model_dir(), Precision::F32)?.with_bert_tokens();
            let all = read_texts(texts)?;
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let mut vectors = Vec::with_capacity(refs.len() * model.dim());
            model.embed(&refs, &mut vectors)?;
            write_npy(Path::new(npy), &vectors, refs.len(), model.dim())?;
        }
        [cmd, texts] if cmd == "tokens" => {
            let model = StaticModel::builtin()?;
            let mut ids = Vec::new();
            for text in read_texts(texts)? {
                model.tokenize(&text, &mut ids);
                writeln!(out, "{}", json!(ids))?;
            }
        }
        _ => {
            return Err(
                "usage: search_eval dump DB | rank DB QUERIES | candidates DB QUERIES | embed TEXTS OUT.npy | tokens TEXTS"
                    .into(),
            )
        }
    }
    Ok(())
}

/// The "query" field of each JSON line of `path`.
fn read_queries(path: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    field_of_lines(path, "query")
}

/// The "text" field of each JSON line of `path`.
fn read_texts(path: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    field_of_lines(path, "text")
}

/// `field` of each JSON line of `path` ("" where a line lacks it; blank
/// lines skipped).
fn field_of_lines(path: &str, field: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut all = Vec::new();
    for line in file.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&line)?;
        all.push(value[field].as_str().unwrap_or("").to_string());
    }
    Ok(all)
}
