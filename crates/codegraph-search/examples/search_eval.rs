//! The Rust half of the search evaluation (`scripts/eval-search`):
//!
//!   search_eval dump DB            every search document as JSON lines
//!                                  (for the Python baselines)
//!   search_eval rank DB QUERIES    top 10 per query for each mode, JSON lines
//!
//! QUERIES is a JSON-lines file with a "query" field per line.

use std::io::{BufRead, Write};
use std::path::Path;

use codegraph_graph::{OpenMode, Store};
use codegraph_search::{file_docs, search_dir, Filters, Mode, Searcher};
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
                        "text": d.embedding_text(), "body": d.body,
                    });
                    writeln!(out, "{line}")?;
                }
            }
        }
        [cmd, db, queries] if cmd == "rank" => {
            let store = Store::open(Path::new(db), OpenMode::ReadOnly)?;
            let searcher = Searcher::open(&store, &search_dir(Path::new(db)))?;
            let file = std::io::BufReader::new(std::fs::File::open(queries)?);
            for line in file.lines() {
                let value: serde_json::Value = serde_json::from_str(&line?)?;
                let Some(query) = value["query"].as_str() else {
                    continue;
                };
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
        _ => return Err("usage: search_eval dump DB | rank DB QUERIES".into()),
    }
    Ok(())
}
