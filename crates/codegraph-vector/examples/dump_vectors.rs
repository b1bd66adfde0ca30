//! Writes real embeddings for ANN comparisons (`scripts/ann-compare`):
//! `dump_vectors N OUT.npy` embeds the first N distinct source lines
//! (≥ 24 bytes) of `CODEGRAPH_BENCH_CORPUS` (default: the Linux kernel from
//! `scripts/fetch-corpora`, else this repository) with the built-in static
//! model, as `vector_search_latency` does, into an N × dim f32 `.npy`.

use std::collections::HashSet;
use std::path::Path;

use codegraph_vector::{write_npy, Embedder, StaticEmbedder};

#[path = "../benches/common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [n, out] = args.as_slice() else {
        return Err("usage: dump_vectors N OUT.npy".into());
    };
    let n: usize = n.parse()?;
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(n);
    common::for_each_source(&common::corpus_root(), |text| {
        for line in text.lines().map(str::trim) {
            if line.len() >= 24 && seen.insert(line.to_string()) {
                lines.push(line.to_string());
                if lines.len() == n {
                    return false;
                }
            }
        }
        true
    });
    let embedder = StaticEmbedder::builtin()?;
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut vectors = Vec::with_capacity(refs.len() * embedder.dim());
    embedder.embed(&refs, &mut vectors)?;
    write_npy(Path::new(out), &vectors, refs.len(), embedder.dim())?;
    eprintln!(
        "dump_vectors: {} x {} from {}",
        refs.len(),
        embedder.dim(),
        common::corpus_root().display()
    );
    Ok(())
}
