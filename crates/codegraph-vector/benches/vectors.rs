//! `vector_search_latency` (k = 10) and embedding throughput on real
//! embeddings: distinct source lines (≥ 24 bytes) of a real corpus,
//! embedded with the built-in static model. The corpus is
//! `CODEGRAPH_BENCH_CORPUS` (default: the Linux kernel from
//! `scripts/fetch-corpora` if present, else this repository); sizes are
//! `CODEGRAPH_BENCH_SIZES` (default `100000,1000000`).
//!
//! Printed besides criterion's medians: build time, bytes per vector,
//! recall@10 of the HNSW search (and of the index's exact int8 scan)
//! against exact f32 cosine over 500 held-out queries, and p50/p99 latency
//! over 5,000 queries (every k-th line of the corpus walk, held out of the
//! base). `CODEGRAPH_BENCH_EXPANSION_ADD=64,96` also builds indexes with
//! those build expansions, in the same run, to compare with the built-in.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Instant;

use codegraph_vector::{Embedder, StaticEmbedder, VectorIndex};
use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;

mod common;

/// Up to `n` distinct source lines of the corpus, in a fixed order.
fn lines(n: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    common::for_each_source(&common::corpus_root(), |text| {
        for line in text.lines() {
            let line = line.trim();
            if line.len() >= 24 && seen.insert(line.to_string()) {
                out.push(line.to_string());
                if out.len() == n {
                    return false;
                }
            }
        }
        true
    });
    out
}

/// Keys (row numbers) of the 10 rows of `base` nearest `q` by dot product.
fn exact_top10(q: &[f32], base: &[f32], dim: usize) -> HashSet<u64> {
    let mut best: Vec<(f32, u64)> = Vec::with_capacity(11);
    for (i, row) in base.chunks_exact(dim).enumerate() {
        let dot: f32 = row.iter().zip(q).map(|(a, b)| a * b).sum();
        if best.len() < 10 || dot > best[best.len() - 1].0 {
            let at = best.partition_point(|&(d, _)| d >= dot);
            best.insert(at, (dot, i as u64));
            best.truncate(10);
        }
    }
    best.into_iter().map(|(_, k)| k).collect()
}

/// `n` query vectors spread evenly over `vectors` (every k-th row), and
/// the rest as the base: queries from one end of the corpus walk were one
/// directory's code, whose neighbourhoods are denser than the corpus's
/// (on the same 1M index, p50 1.54 ms for the first 5,000 rows against
/// 0.47 ms for the last 5,000).
fn held_out(vectors: &[f32], n: usize, dim: usize) -> (Vec<f32>, Vec<f32>) {
    let rows = vectors.len() / dim;
    let stride = (rows / n).max(1);
    let (mut queries, mut base) = (
        Vec::with_capacity(n * dim),
        Vec::with_capacity(vectors.len()),
    );
    for (i, row) in vectors.chunks_exact(dim).enumerate() {
        if i % stride == 0 && queries.len() < n * dim {
            queries.extend_from_slice(row);
        } else {
            base.extend_from_slice(row);
        }
    }
    (queries, base)
}

/// Builds `index` from the first `keys.len()` rows of `base` and prints its
/// build time, size, and recall@10 against `truth` (the exact neighbours
/// of the first `truth.len()` queries) with latency, per search expansion.
fn measure(
    index: &VectorIndex,
    label: &str,
    keys: &[u64],
    base: &[f32],
    queries: &[f32],
    truth: &[HashSet<u64>],
    dim: usize,
) {
    let recall_queries = truth.len();
    let started = Instant::now();
    index.add(keys, &base[..keys.len() * dim]).expect("add");
    let build = started.elapsed().as_secs_f64();
    let size = keys.len();
    eprintln!(
        "vectors {size}, {label}: build {build:.1} s ({:.0} vectors/s), {:.0} B/vector in memory, {:.0} B/vector on disk",
        size as f64 / build,
        index.memory_bytes() as f64 / size as f64,
        index.serialized_bytes() as f64 / size as f64,
    );
    let exact_hits: usize = queries
        .chunks_exact(dim)
        .zip(truth)
        .map(|(q, want)| {
            index
                .search_exact(q, 10)
                .unwrap()
                .iter()
                .filter(|h| want.contains(&h.key))
                .count()
        })
        .sum();
    eprintln!(
        "  exact int8 scan: recall@10 {:.3} against f32 cosine",
        exact_hits as f64 / (recall_queries * 10) as f64
    );
    for expansion in [128, 256, 512] {
        index.set_expansion_search(expansion);
        let mut hits = 0usize;
        for (q, exact) in queries.chunks_exact(dim).zip(truth) {
            hits += index
                .search(q, 10)
                .unwrap()
                .iter()
                .filter(|h| exact.contains(&h.key))
                .count();
        }
        let mut lat: Vec<f64> = queries
            .chunks_exact(dim)
            .map(|q| {
                let t = Instant::now();
                black_box(index.search(q, 10).unwrap());
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        lat.sort_by(f64::total_cmp);
        eprintln!(
            "  expansion {expansion}: recall@10 {:.3}, search p50 {:.0} µs p99 {:.0} µs",
            hits as f64 / (recall_queries * 10) as f64,
            percentile(&lat, 0.50),
            percentile(&lat, 0.99),
        );
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn bench(c: &mut Criterion) {
    let sizes: Vec<usize> = std::env::var("CODEGRAPH_BENCH_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let max = sizes.iter().copied().max().unwrap_or(100_000);
    let queries_n = 5_000;
    let texts = lines(max + queries_n);
    let embedder = StaticEmbedder::builtin().expect("model");
    let dim = embedder.dim();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    let started = Instant::now();
    let mut vectors = Vec::with_capacity(refs.len() * dim);
    embedder.embed(&refs, &mut vectors).expect("embed");
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "embed: {} texts from {} in {secs:.2} s on one thread = {:.0} texts/s",
        refs.len(),
        common::corpus_root().display(),
        refs.len() as f64 / secs
    );
    let mut group = c.benchmark_group("vector_search_latency");
    group.sample_size(200);
    for &size in &sizes {
        let size = size.min(vectors.len() / dim - queries_n);
        let (queries, base) = held_out(&vectors[..(size + queries_n) * dim], queries_n, dim);
        let (queries, base) = (&queries[..], &base[..]);
        let keys: Vec<u64> = (0..size as u64).collect();
        // Ground truth: exact f32 cosine (the vectors are unit length)
        // over the base, not the index's own int8 scan.
        let recall_queries = 500;
        let truth: Vec<HashSet<u64>> = queries
            .par_chunks_exact(dim)
            .take(recall_queries)
            .map(|q| exact_top10(q, &base[..size * dim], dim))
            .collect();
        // Other build expansions to compare with the built-in one, in the
        // same run: CODEGRAPH_BENCH_EXPANSION_ADD=64,96.
        let others: Vec<usize> = std::env::var("CODEGRAPH_BENCH_EXPANSION_ADD")
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        for expansion_add in others {
            let index = VectorIndex::with_expansion_add(dim, expansion_add).expect("index");
            measure(
                &index,
                &format!("expansion_add {expansion_add}"),
                &keys,
                base,
                queries,
                &truth,
                dim,
            );
        }
        let index = VectorIndex::new(dim).expect("index");
        measure(
            &index,
            "built-in expansion_add",
            &keys,
            base,
            queries,
            &truth,
            dim,
        );
        index.set_expansion_search(codegraph_vector::expansion_search_for(index.len()));
        let mut i = 0;
        group.bench_function(format!("k10_{size}"), |b| {
            b.iter(|| {
                let q = &queries[(i % queries_n) * dim..][..dim];
                i += 1;
                black_box(index.search(q, 10).unwrap())
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("embed_static");
    let batch: Vec<&str> = refs.iter().take(1000).copied().collect();
    group.bench_function("1000_lines", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(1000 * dim);
            embedder.embed(black_box(&batch), &mut out).unwrap();
            out
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
