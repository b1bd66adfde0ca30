//! Store latency on a real index.
//!
//! `CODEGRAPH_BENCH_DB=DIR` benches an existing index (e.g. of the Linux
//! kernel: `codegraph index ~/.cache/codegraph/corpora/linux --db DIR`).
//! Without it, the bench indexes `CODEGRAPH_BENCH_SRC` (default: the django
//! corpus from `scripts/fetch-corpora` if present, else this repository)
//! into a temporary store first.
//!
//! Besides criterion's medians it prints p50/p99 over 20k random samples,
//! since the targets are stated as p99.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use codegraph_core::{EdgeKind, Language, NodeId, NodeKind};
use codegraph_graph::{walk, walk_sequential, Direction, IndexWriter, OpenMode, Store};
use criterion::{criterion_group, criterion_main, Criterion};

/// Edges that make one node depend on another (impact, refs).
const DEPENDENCY: [EdgeKind; 5] = [
    EdgeKind::Calls,
    EdgeKind::References,
    EdgeKind::Inherits,
    EdgeKind::Implements,
    EdgeKind::Imports,
];

fn source_root() -> PathBuf {
    if let Ok(src) = std::env::var("CODEGRAPH_BENCH_SRC") {
        return PathBuf::from(src);
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let django = Path::new(&home).join(".cache/codegraph/corpora/django");
    if django.is_dir() {
        return django;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build_store(dir: &Path) -> Store {
    let store = Store::open(dir, OpenMode::ReadWrite).expect("open bench store");
    let root = source_root();
    let mut writer = IndexWriter::new(&store).expect("writer");
    for entry in source_files(&root) {
        let Some(language) = Language::from_path(&entry) else {
            continue;
        };
        let Ok(source) = std::fs::read_to_string(&entry) else {
            continue;
        };
        let rel = entry
            .strip_prefix(&root)
            .unwrap_or(&entry)
            .to_string_lossy()
            .replace('\\', "/");
        let graph = codegraph_parser::parse_file(&rel, &source, language);
        writer
            .replace_file(&rel, language, None, &graph, &source)
            .expect("write");
        if writer.pending_files() >= 1000 {
            writer.commit().expect("commit");
        }
    }
    writer.commit().expect("commit");
    store.flush().expect("flush");
    eprintln!(
        "bench store: indexed {} ({} nodes)",
        root.display(),
        store.stats().map(|s| s.nodes).unwrap_or(0)
    );
    store
}

fn source_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') || name == "target" {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out
}

/// A deterministic sample of node ids and names from the store.
fn sample(store: &Store, count: usize) -> (Vec<NodeId>, Vec<String>) {
    let files = store.files().expect("files");
    let all: Vec<NodeId> = files
        .iter()
        .flat_map(|(_, r)| r.node_ids.iter().copied())
        .collect();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut ids = Vec::with_capacity(count);
    for _ in 0..count {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        ids.push(all[(state % all.len() as u64) as usize]);
    }
    let names = store
        .get_nodes(&ids)
        .expect("nodes")
        .into_iter()
        .flatten()
        .map(|n| n.name)
        .collect();
    (ids, names)
}

fn percentiles(label: &str, mut f: impl FnMut(usize)) {
    const N: usize = 20_000;
    let mut samples = Vec::with_capacity(N);
    for i in 0..N {
        let start = Instant::now();
        f(i);
        samples.push(start.elapsed().as_nanos() as u64);
    }
    samples.sort_unstable();
    let p = |q: f64| samples[((N as f64 * q) as usize).min(N - 1)] as f64 / 1000.0;
    eprintln!(
        "{label}: p50 {:.1} µs, p99 {:.1} µs, p99.9 {:.1} µs ({N} samples)",
        p(0.5),
        p(0.99),
        p(0.999)
    );
}

fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .unwrap_or(0);
    kb * 1024
}

/// Resident bytes per node of the compact in-memory table (source text is
/// never held in it): by heap accounting and by RSS growth.
fn memory_per_node(store: &Store) {
    let before = resident_bytes();
    let table = store.load_node_table().expect("load node table");
    let after = resident_bytes();
    let n = table.len().max(1) as f64;
    eprintln!(
        "node table: {} nodes, {:.1} B/node by heap accounting, {:.1} B/node by RSS growth",
        table.len(),
        table.heap_bytes() as f64 / n,
        after.saturating_sub(before) as f64 / n
    );
    black_box(&table);
}

/// `callers` and `refs` of the most referenced symbols (the kernel's
/// `printk`, `kmalloc`: hundreds of thousands of incoming edges), as the
/// commands run them — per-kind prefix scans stopped at the limit — beside
/// the unbounded read of every incoming edge they replaced, in the same run.
/// Names from `CODEGRAPH_BENCH_HUBS` (comma-separated), else the five
/// most-called sampled functions.
fn hub_queries(store: &Store) {
    use codegraph_graph::EdgeFilter;
    let names: Vec<String> = match std::env::var("CODEGRAPH_BENCH_HUBS") {
        Ok(list) => list.split(',').map(str::to_string).collect(),
        Err(_) => Vec::new(),
    };
    let mut hubs: Vec<(String, NodeId, usize)> = Vec::new();
    for name in &names {
        let ids: Vec<NodeId> = store
            .find_exact(name, 64)
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.id)
            .collect();
        // The definition with the most callers is the one users mean.
        if let Some((degree, id)) = ids
            .iter()
            .map(|&id| {
                (
                    store
                        .in_degree(id, EdgeKind::Calls, usize::MAX)
                        .unwrap_or(0),
                    id,
                )
            })
            .max()
        {
            hubs.push((name.clone(), id, degree));
        }
    }
    if hubs.is_empty() {
        return;
    }
    let dependency = DEPENDENCY;
    let filter = EdgeFilter {
        min_confidence: 0.0,
        include_guesses: false,
    };
    let keep = |e: &codegraph_core::Edge| filter.accepts(e);
    for (name, id, degree) in &hubs {
        let id = *id;
        let p = |f: &dyn Fn()| {
            let mut samples: Vec<f64> = (0..300)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64() * 1e6
                })
                .collect();
            samples.sort_by(f64::total_cmp);
            (
                samples[samples.len() / 2],
                samples[samples.len() * 99 / 100],
            )
        };
        let callers = p(&|| {
            black_box(
                codegraph_graph::walk_filtered(
                    store,
                    &[id],
                    Direction::In,
                    &[EdgeKind::Calls],
                    &filter,
                    1,
                    200,
                )
                .ok(),
            );
        });
        let refs = p(&|| {
            let mut edges = Vec::new();
            for kind in dependency {
                let room = 1001usize.saturating_sub(edges.len());
                if room == 0 {
                    break;
                }
                edges.extend(store.in_edges_of(id, kind, room, &keep).unwrap_or_default());
            }
            black_box(edges);
        });
        let unbounded = p(&|| {
            black_box(store.in_edges(id).ok());
        });
        eprintln!(
            "hub {name} ({degree} callers): callers --limit 200 p50 {:.0} us p99 {:.0} us; refs --limit 1000 p50 {:.0} us p99 {:.0} us; every in-edge (unbounded) p50 {:.0} us p99 {:.0} us; refs/unbounded p50 {:.3}",
            callers.0, callers.1, refs.0, refs.1, unbounded.0, unbounded.1, refs.0 / unbounded.0
        );
    }
}

fn benches(c: &mut Criterion) {
    let temp;
    let store = match std::env::var("CODEGRAPH_BENCH_DB") {
        Ok(db) => Store::open(Path::new(&db), OpenMode::ReadOnly).expect("open CODEGRAPH_BENCH_DB"),
        Err(_) => {
            temp = tempfile::tempdir().expect("tempdir");
            build_store(temp.path())
        }
    };
    memory_per_node(&store);
    let (ids, names) = sample(&store, 10_000);
    // Warm the block cache the way a long-running server would be.
    for id in &ids {
        black_box(store.get_node(*id).ok());
    }
    percentiles("node_query_latency (get_node, warm)", |i| {
        black_box(store.get_node(ids[i % ids.len()]).ok());
    });
    percentiles("name_lookup_latency (find_exact, limit 20)", |i| {
        black_box(store.find_exact(&names[i % names.len()], 20).ok());
    });

    // Traversals start at functions and methods: what users ask about.
    let callables: Vec<NodeId> = store
        .get_nodes(&ids)
        .expect("nodes")
        .into_iter()
        .flatten()
        .filter(|n| matches!(n.kind, NodeKind::Function | NodeKind::Method))
        .map(|n| n.id)
        .collect();
    let dependency = DEPENDENCY;
    if !callables.is_empty() {
        percentiles("edge_traversal_latency (callers, depth 1)", |i| {
            black_box(
                walk(
                    &store,
                    &[callables[i % callables.len()]],
                    Direction::In,
                    &[EdgeKind::Calls],
                    1,
                    200,
                )
                .ok(),
            );
        });
        percentiles("edge_traversal_latency (callees, depth 1)", |i| {
            black_box(
                walk(
                    &store,
                    &[callables[i % callables.len()]],
                    Direction::Out,
                    &[EdgeKind::Calls],
                    1,
                    200,
                )
                .ok(),
            );
        });
        percentiles("impact_latency (depth 3, limit 500)", |i| {
            black_box(
                walk(
                    &store,
                    &[callables[i % callables.len()]],
                    Direction::In,
                    &dependency,
                    3,
                    500,
                )
                .ok(),
            );
        });
    }

    // Sequential vs parallel BFS where it matters: impact of the most-called
    // sampled functions (wide frontiers), depth 3, limit 5000.
    let mut hubs: Vec<(usize, NodeId)> = callables
        .iter()
        .map(|&id| (store.in_degree(id, EdgeKind::Calls, 5000).unwrap_or(0), id))
        .collect();
    hubs.sort_unstable_by(|a, b| b.cmp(a));
    hubs.truncate(20);
    if !hubs.is_empty() {
        let wide = |parallel: bool| {
            let mut samples: Vec<f64> = (0..200)
                .map(|i| {
                    let start = [hubs[i % hubs.len()].1];
                    let t = Instant::now();
                    let w = if parallel {
                        walk(&store, &start, Direction::In, &dependency, 3, 5000)
                    } else {
                        walk_sequential(&store, &start, Direction::In, &dependency, 3, 5000)
                    };
                    black_box(w.ok());
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            samples.sort_by(f64::total_cmp);
            samples[samples.len() / 2]
        };
        let (seq, par) = (wide(false), wide(true));
        eprintln!(
            "impact_wide (20 most-called sampled functions, depth 3, limit 5000): median sequential {seq:.2} ms, parallel {par:.2} ms, parallel/sequential {:.2}",
            par / seq
        );
    }

    hub_queries(&store);

    let mut i = 0;
    c.bench_function("node_query_latency", |b| {
        b.iter(|| {
            i = (i + 1) % ids.len();
            black_box(store.get_node(ids[i]).ok())
        })
    });
    let mut j = 0;
    c.bench_function("name_lookup_latency", |b| {
        b.iter(|| {
            j = (j + 1) % names.len();
            black_box(store.find_exact(&names[j], 20).ok())
        })
    });
    let batch: Vec<NodeId> = ids.iter().take(64).copied().collect();
    c.bench_function("get_nodes_batch_64", |b| {
        b.iter(|| black_box(store.get_nodes(&batch).ok()))
    });
    let mut k = 0;
    c.bench_function("edges_in_out", |b| {
        b.iter(|| {
            k = (k + 1) % ids.len();
            black_box((store.out_edges(ids[k]).ok(), store.in_edges(ids[k]).ok()))
        })
    });
}

criterion_group!(name = store_benches; config = Criterion::default().sample_size(50); targets = benches);
criterion_main!(store_benches);
