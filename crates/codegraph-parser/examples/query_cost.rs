//! How long each pattern of a language's query takes to compile, slowest
//! first (a slow query delays the first file of that language in every
//! process):
//!   cargo run --release -p codegraph-parser --example query_cost -- LANGUAGE [PATTERN]
use std::time::Instant;

use codegraph_core::Language;

fn main() {
    let Some(name) = std::env::args().nth(1) else {
        eprintln!("usage: query_cost LANGUAGE [PATTERN]");
        std::process::exit(2);
    };
    let language: Language = match name.parse() {
        Ok(language) => language,
        Err(e) => {
            eprintln!("query_cost: {e}");
            std::process::exit(2);
        }
    };
    // One pattern given: its cost alone (to try variants of a slow one).
    if let Some(pattern) = std::env::args().nth(2) {
        let started = Instant::now();
        let result = codegraph_parser::compile_query(language, &pattern);
        println!("{:.1} ms {result:?}", started.elapsed().as_secs_f64() * 1e3);
        return;
    }
    let source = codegraph_parser::query_source(language);
    let started = Instant::now();
    let Some(patterns) = codegraph_parser::query_patterns(language) else {
        eprintln!("query_cost: the {language} query does not compile");
        std::process::exit(1);
    };
    println!(
        "whole query: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut costs: Vec<(f64, &str)> = patterns
        .iter()
        .map(|range| {
            let text = &source[range.clone()];
            let started = Instant::now();
            let _ = codegraph_parser::compile_query(language, text);
            (started.elapsed().as_secs_f64() * 1e3, text.trim())
        })
        .collect();
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, text) in costs.iter().take(10) {
        println!("{ms:8.1} ms  {}", text.lines().next().unwrap_or(""));
    }
}
