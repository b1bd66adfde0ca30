//! The hot paths `scripts/guard` counts instructions of, on a fixed file
//! set (the test fixtures, committed: the same bytes on every run):
//!
//!   hotpaths WORKLOAD ROUNDS
//!
//! WORKLOAD is `parse` (parse and extract every file), `index` (walk,
//! parse, write and resolve into a fresh index, no search), `lookup`
//! (exact name lookups of every symbol), `traverse` (callers two levels
//! deep of every function and method) or `search` (hybrid searches of
//! every symbol's name words). The setup (reading files, building the
//! index the queries run on) is the same for any ROUNDS, so the
//! instructions of ROUNDS = N minus those of ROUNDS = 0 are the work
//! itself, whatever threads it ran on.

use std::path::{Path, PathBuf};

use codegraph::indexer::{IndexConfig, Indexer, Scope};
use codegraph_core::{Language, NodeKind};
use codegraph_graph::OpenMode;
use codegraph_query::params::{CallsParams, SearchParams};
use codegraph_query::Engine;

fn files(dir: &Path, out: &mut Vec<(String, String, Language)>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out)?;
        } else if let Some(language) = Language::from_path(&path) {
            let text = std::fs::read_to_string(&path)?;
            out.push((path.display().to_string(), text, language));
        }
    }
    Ok(())
}

fn index(corpus: &Path, db: &Path, search: bool) -> anyhow::Result<()> {
    let mut config = IndexConfig::new(corpus.to_path_buf(), db.to_path_buf());
    if !search {
        config.embedder = None;
    }
    Indexer::open(&config)?.run(&Scope::All)?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(workload), Some(rounds)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: hotpaths parse|index|lookup|traverse|search ROUNDS");
    };
    let rounds: usize = rounds.parse()?;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let scratch = tempfile::tempdir()?;
    match workload.as_str() {
        "parse" => {
            let mut all = Vec::new();
            files(&corpus, &mut all)?;
            // Once outside the count: each grammar's queries compile on
            // first use.
            for (path, text, language) in &all {
                std::hint::black_box(codegraph_parser::parse_file(path, text, *language));
            }
            for _ in 0..rounds {
                for (path, text, language) in &all {
                    std::hint::black_box(codegraph_parser::parse_file(path, text, *language));
                }
            }
        }
        "index" => {
            for round in 0..rounds {
                index(&corpus, &scratch.path().join(format!("db{round}")), false)?;
            }
        }
        "lookup" | "traverse" | "search" => {
            let db = scratch.path().join("db");
            index(&corpus, &db, workload == "search")?;
            let engine = Engine::open(&db, OpenMode::ReadOnly)?;
            engine.warm();
            let table = engine.store().load_node_table()?;
            let symbols: Vec<_> = table
                .iter()
                .filter(|n| matches!(n.kind, NodeKind::Function | NodeKind::Method))
                .collect();
            for _ in 0..rounds {
                for node in &symbols {
                    let name = table.name(node);
                    match workload.as_str() {
                        "lookup" => {
                            std::hint::black_box(engine.store().find_exact(name, 20)?);
                        }
                        "traverse" => {
                            let params = CallsParams {
                                symbol: node.id.to_string(),
                                depth: Some(2),
                                ..Default::default()
                            };
                            std::hint::black_box(engine.calls(&params)?);
                        }
                        _ => {
                            let params = SearchParams {
                                query: name.replace('_', " "),
                                ..Default::default()
                            };
                            std::hint::black_box(engine.search(&params)?);
                        }
                    }
                }
            }
        }
        other => anyhow::bail!("unknown workload '{other}'"),
    }
    Ok(())
}
