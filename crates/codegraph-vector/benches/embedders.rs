//! Embedding throughput on symbol-sized texts of real code: windows of
//! consecutive source lines (~600 bytes, what `symbol_text` hands an
//! embedder for a typical function) from `CODEGRAPH_BENCH_CORPUS` (default:
//! this repository). Prints texts/s for the built-in static model and, if
//! `scripts/fetch-model` has run, the in-process MiniLM, on the rayon pool
//! (all cores); the median of `CODEGRAPH_BENCH_RUNS` runs (default 3).
//!
//! `cargo bench -p codegraph-vector --bench embedders`

use std::path::{Path, PathBuf};
use std::time::Instant;

use codegraph_vector::{default_model_dir, Embedder, MiniLmEmbedder, StaticEmbedder};

mod common;

/// Bytes per text, about a symbol's name, signature, doc and body start.
const TEXT_BYTES: usize = 600;

fn corpus_root() -> PathBuf {
    match std::env::var("CODEGRAPH_BENCH_CORPUS") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
    }
}

/// `n` texts of ~`TEXT_BYTES` consecutive lines each, in a fixed order.
fn texts(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    common::for_each_source(&corpus_root(), |source| {
        let mut text = String::new();
        for line in source.lines().map(str::trim).filter(|l| !l.is_empty()) {
            text.push_str(line);
            text.push(' ');
            if text.len() >= TEXT_BYTES {
                out.push(std::mem::take(&mut text));
                if out.len() == n {
                    return false;
                }
            }
        }
        true
    });
    out
}

fn median_rate(embedder: &dyn Embedder, texts: &[&str], runs: usize) -> f64 {
    let mut rates: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let mut out = Vec::with_capacity(texts.len() * embedder.dim());
            embedder.embed(texts, &mut out).expect("embed");
            std::hint::black_box(&out);
            texts.len() as f64 / started.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("CODEGRAPH_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let owned = texts(20_000);
    let all: Vec<&str> = owned.iter().map(String::as_str).collect();
    let threads = rayon::current_num_threads();
    eprintln!(
        "{} texts of ~{TEXT_BYTES} bytes from {}, {threads} threads",
        all.len(),
        corpus_root().display()
    );
    let static_model = StaticEmbedder::builtin().expect("built-in model");
    eprintln!(
        "static: {:.0} texts/s",
        median_rate(&static_model, &all, runs)
    );
    match MiniLmEmbedder::load(&default_model_dir()) {
        Ok(minilm) => {
            let sample = &all[..all.len().min(512)];
            eprintln!(
                "minilm: {:.1} texts/s ({} texts)",
                median_rate(&minilm, sample, runs),
                sample.len()
            );
        }
        Err(e) => eprintln!("minilm: skipped ({e})"),
    }
}
