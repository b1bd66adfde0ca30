//! Parses every supported file under a directory on one thread and reports
//! the time spent, for profiling the parser alone (no store):
//!   cargo run --release -p codegraph-parser --example parse_tree -- DIR [--grammar-only|--by-query|--check-walk]
//! `--grammar-only` runs the grammar and nothing else (no extraction): the
//! floor under the parse stage, for setting beside a tagger's time.
//! `--by-query` extracts with each language's query even where a
//! hand-written walk stands in for it (C), to time the two in one build.
//! `--check-walk` parses every file twice, with the hand-written walk that
//! stands in for a language's query (C) and with the query itself, and
//! fails if any file's graph differs.
use std::path::Path;
use std::time::Instant;

use codegraph_core::Language;

/// `codegraph index`'s default `--max-file-size`.
const MAX_FILE_BYTES: u64 = 1 << 20;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            // As `codegraph index` by default, files over 1 MiB are skipped.
            Ok(t)
                if t.is_file()
                    && Language::from_path(&path).is_some()
                    && entry.metadata().is_ok_and(|m| m.len() <= MAX_FILE_BYTES) =>
            {
                out.push(path)
            }
            _ => {}
        }
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: parse_tree DIR [--grammar-only]");
        std::process::exit(2);
    };
    let (mut grammar_only, mut by_query, mut check_walk) = (false, false, false);
    match std::env::args().nth(2).as_deref() {
        None => {}
        Some("--grammar-only") => grammar_only = true,
        Some("--by-query") => by_query = true,
        Some("--check-walk") => check_walk = true,
        Some(other) => {
            eprintln!("parse_tree: unknown option {other}");
            std::process::exit(2);
        }
    };
    let mut files = Vec::new();
    walk(Path::new(&dir), &mut files);
    let sources: Vec<(String, String, Language)> = files
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            Some((
                p.to_string_lossy().into_owned(),
                text,
                Language::from_path(p)?,
            ))
        })
        .collect();
    let bytes: usize = sources.iter().map(|s| s.1.len()).sum();
    if check_walk {
        let (mut checked, mut differ) = (0, 0);
        for (path, text, language) in &sources {
            if *language != Language::C {
                continue;
            }
            checked += 1;
            let walked = codegraph_parser::parse_file(path, text, *language);
            let queried = codegraph_parser::parse_file_by_query(path, text, *language);
            if walked != queried {
                differ += 1;
                if differ <= 10 {
                    println!("differs: {path}");
                }
            }
        }
        println!("{checked} C files checked, {differ} differ");
        std::process::exit(i32::from(differ > 0));
    }
    let start = Instant::now();
    let mut nodes = 0;
    let mut refs = 0;
    for (path, text, language) in &sources {
        if grammar_only {
            let tree = codegraph_parser::syntax_tree_only(text, *language);
            nodes += tree.map_or(0, |tree| tree.root_node().descendant_count());
            continue;
        }
        let graph = if by_query {
            codegraph_parser::parse_file_by_query(path, text, *language)
        } else {
            codegraph_parser::parse_file(path, text, *language)
        };
        nodes += graph.nodes.len();
        refs += graph.refs.len();
    }
    let secs = start.elapsed().as_secs_f64();
    let what = if grammar_only {
        "syntax nodes"
    } else {
        "nodes"
    };
    println!(
        "{} files, {:.1} MB, {nodes} {what}, {refs} refs in {secs:.2} s: {:.0} nodes/s, {:.1} MB/s (one thread)",
        sources.len(),
        bytes as f64 / 1e6,
        nodes as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}
