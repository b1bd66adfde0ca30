//! `codegraph bench`: the performance dashboard. Indexes a real corpus
//! (this repository by default) into a scratch index, measures each metric
//! of the original plan on it (latencies in-process and warm, throughput
//! through a `codegraph serve` child over loopback, memory measured from
//! the structures and the process), and sets each beside the plan's
//! baseline and target and ours.
//!
//! The ten metrics and their targets (the plan's baseline and target, then
//! ours, on a 2-core CPU machine):
//!
//! | metric | plan baseline | plan target | ours |
//! |---|---|---|---|
//! | node query latency | 100 ms | < 50 ms | p99 < 50 µs in-process |
//! | edge traversal | 50 ms | < 25 ms | callers p99 < 100 µs |
//! | vector search (k=10) | 200 ms | < 100 ms | p99 < 5 ms |
//! | RAG context response | 200 ms | < 100 ms | p99 < 30 ms |
//! | graph memory | 512 MB | < 256 MB | ≤ 64 B per node |
//! | cache memory | 256 MB | < 128 MB | ≤ 64 MB, hit rate reported |
//! | embedding memory | 1024 MB | < 512 MB | ≤ 400 B per vector |
//! | concurrent queries/s | 1000 | > 2000 | > 20,000 lookups/s, > 2,000 searches/s (HTTP) |
//! | nodes processed/s | 10,000 | > 20,000 | > 200,000 |
//! | embeddings/s | 500 | > 1000 | > 50,000 (built-in model) |
//!
//! Wall-clock figures on a shared machine are noisy: quote medians of
//! several runs, and compare variants in one run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use codegraph_core::{Node, NodeKind};
use codegraph_graph::OpenMode;
use codegraph_query::context::ContextParams;
use codegraph_query::params::{CallDirection, CallsParams, SearchParams};
use codegraph_query::Engine;
use serde::Serialize;

use crate::indexer::{IndexConfig, IndexReport, Indexer, Scope};
use crate::loopback::{encode, Connection};

/// What to measure, on what.
pub struct BenchOptions {
    pub corpus: PathBuf,
    /// Fewer samples and shorter loads: under a minute on a small corpus.
    pub quick: bool,
    /// Also run universal-ctags (and the npm peers, where installed) on
    /// the corpus and print ratios.
    pub compare: bool,
    /// Told what is being measured.
    pub progress: Option<Progress>,
}

/// Told the name of each stage as it starts.
pub type Progress = Box<dyn Fn(&str)>;

/// One row of the dashboard.
#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    pub key: &'static str,
    pub name: &'static str,
    pub plan_baseline: &'static str,
    pub plan_target: &'static str,
    pub our_target: &'static str,
    /// The measured figure, as printed.
    pub measured: String,
    /// The number the target is checked against, in `unit`.
    pub value: f64,
    pub unit: &'static str,
    pub met: bool,
    /// For latencies: the median and the 99th percentile, in `unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99: Option<f64>,
    /// For latencies: every sample, in `unit` (the report's histograms).
    #[serde(skip)]
    pub samples: Vec<f64>,
}

/// Another tool on the same corpus in the same run, and the ratios.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub tool: String,
    pub index_seconds: f64,
    pub peak_rss_bytes: u64,
    pub definitions: u64,
    /// Median milliseconds of one whole-process lookup of a name (its
    /// command line's: `readtags`, `gitnexus context`), where it has one.
    pub lookup_ms: Option<f64>,
    pub our_index_seconds: f64,
    pub our_peak_rss_bytes: u64,
    pub our_definitions: u64,
    /// The same for `codegraph find NAME`, on the same names.
    pub our_lookup_ms: f64,
    /// Ours over theirs.
    pub time_ratio: f64,
    pub rss_ratio: f64,
    pub definitions_ratio: f64,
    pub lookup_ratio: Option<f64>,
}

/// What the bench measured of itself, for the comparisons.
struct Ours<'a> {
    index: &'a IndexReport,
    peak_rss: u64,
    definitions: u64,
    lookup_ms: f64,
    /// The names each tool looks up.
    names: &'a [String],
}

impl Ours<'_> {
    fn beside(
        &self,
        tool: String,
        run: Timed,
        definitions: u64,
        lookup_ms: Option<f64>,
    ) -> Comparison {
        Comparison {
            tool,
            index_seconds: run.seconds,
            peak_rss_bytes: run.peak_rss_bytes,
            definitions,
            lookup_ms,
            our_index_seconds: self.index.seconds,
            our_peak_rss_bytes: self.peak_rss,
            our_definitions: self.definitions,
            our_lookup_ms: self.lookup_ms,
            time_ratio: self.index.seconds / run.seconds.max(1e-9),
            rss_ratio: self.peak_rss as f64 / run.peak_rss_bytes.max(1) as f64,
            definitions_ratio: self.definitions as f64 / definitions.max(1) as f64,
            lookup_ratio: lookup_ms.map(|theirs| self.lookup_ms / theirs.max(1e-9)),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub corpus: String,
    pub quick: bool,
    pub files: u64,
    pub nodes: u64,
    pub edges: u64,
    pub index: IndexReport,
    pub peak_rss_bytes_while_indexing: u64,
    pub metrics: Vec<Metric>,
    /// Memory by structure, bytes.
    pub memory: Vec<(String, u64)>,
    /// With `--compare`: each other tool found, in the same run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<Comparison>,
}

impl BenchReport {
    pub fn met(&self) -> usize {
        self.metrics.iter().filter(|m| m.met).count()
    }
}

/// Runs the whole dashboard.
pub fn run(options: &BenchOptions) -> anyhow::Result<BenchReport> {
    let say = |text: &str| {
        if let Some(progress) = &options.progress {
            progress(text);
        }
    };
    let corpus = std::path::absolute(&options.corpus)?;
    if !corpus.is_dir() {
        anyhow::bail!("{} is not a directory", corpus.display());
    }
    let scratch = tempfile::Builder::new()
        .prefix("codegraph-bench-")
        .tempdir()?;
    let db = scratch.path().join("index");

    // Indexing: nodes/s and embeddings/s, and the process's peak memory
    // while it ran (the bench has done nothing big before).
    say("indexing the corpus (graph, resolution, search)");
    let report = Indexer::open(&IndexConfig::new(corpus.clone(), db.clone()))?.run(&Scope::All)?;
    let peak_rss = crate::indexer::peak_rss_bytes();
    if report.total_nodes == 0 {
        anyhow::bail!(
            "{} has no source file in a supported language to measure",
            corpus.display()
        );
    }

    let engine = Engine::open(&db, OpenMode::ReadOnly)?;
    engine.warm();
    let table = engine.store().load_node_table()?;
    let nodes = sample_nodes(&engine, &table, if options.quick { 300 } else { 3000 })?;
    let rounds = if options.quick { 2 } else { 10 };
    let mut metrics = Vec::new();

    say("node lookups");
    let mut lookups = Vec::new();
    for _ in 0..rounds {
        lookups.extend(time_each(&nodes, MICROS, |node| {
            std::hint::black_box(engine.store().get_node(node.id)?);
            Ok(())
        })?);
    }
    metrics.push(latency(
        "node_query_latency",
        "node query latency",
        ("100 ms", "< 50 ms", "p99 < 50 µs"),
        lookups,
        "µs",
        50.0,
    ));

    say("callers, one level");
    let walks = time_each(&nodes, MICROS, |node| {
        let params = CallsParams {
            symbol: node.id.to_string(),
            direction: Some(CallDirection::Callers),
            depth: Some(1),
            limit: Some(50),
            ..Default::default()
        };
        std::hint::black_box(engine.calls(&params)?);
        Ok(())
    })?;
    metrics.push(latency(
        "edge_traversal_latency",
        "edge traversal (callers)",
        ("50 ms", "< 25 ms", "p99 < 100 µs"),
        walks,
        "µs",
        100.0,
    ));

    let questions = questions(&nodes, if options.quick { 60 } else { 300 });
    say("semantic searches, k = 10");
    let searches = time_each(&questions, MILLIS, |question| {
        let params = SearchParams {
            query: question.clone(),
            mode: Some("semantic".into()),
            limit: Some(10),
            ..Default::default()
        };
        std::hint::black_box(engine.search(&params)?);
        Ok(())
    })?;
    metrics.push(latency(
        "vector_search_latency",
        "vector search (k=10)",
        ("200 ms", "< 100 ms", "p99 < 5 ms"),
        searches,
        "ms",
        5.0,
    ));

    say("context packs of 4,000 tokens");
    let packs = time_each(&questions, MILLIS, |question| {
        let params = ContextParams {
            query: question.clone(),
            budget: Some(4000),
            strategy: None,
        };
        std::hint::black_box(engine.context(&params)?);
        Ok(())
    })?;
    metrics.push(latency(
        "rag_context_latency",
        "RAG context response",
        ("200 ms", "< 100 ms", "p99 < 30 ms"),
        packs,
        "ms",
        30.0,
    ));

    let per_node = table.heap_bytes() as f64 / table.len().max(1) as f64;
    metrics.push(figure(
        "graph_memory",
        "graph memory",
        ("512 MB", "< 256 MB", "≤ 64 B per node"),
        format!(
            "{per_node:.1} B/node ({:.1} MB for {} nodes)",
            table.heap_bytes() as f64 / 1e6,
            table.len()
        ),
        per_node,
        "B/node",
        per_node <= 64.0,
    ));

    say("caches under a repeated mix");
    let cached = Engine::open(&db, OpenMode::ReadOnly)?
        .with_cache_bytes(codegraph_graph::cache::DEFAULT_CACHE_BYTES);
    cached.warm();
    for _ in 0..2 {
        for (i, node) in nodes.iter().enumerate() {
            let _ = cached.store().get_node(node.id)?;
            let _ = cached.calls(&CallsParams {
                symbol: node.id.to_string(),
                depth: Some(1),
                limit: Some(50),
                ..Default::default()
            })?;
            if let Some(question) = questions.get(i) {
                let _ = cached.search(&SearchParams {
                    query: question.clone(),
                    ..Default::default()
                })?;
            }
        }
    }
    let caches = cached.cache_stats();
    let cache_bytes: u64 = caches.iter().map(|c| c.bytes).sum();
    let capacity: u64 = caches.iter().map(|c| c.capacity_bytes).sum();
    let (hits, looked) = caches
        .iter()
        .fold((0, 0), |(h, l), c| (h + c.hits, l + c.hits + c.misses));
    let hit_rate = hits as f64 / looked.max(1) as f64;
    metrics.push(figure(
        "cache_memory",
        "cache memory",
        ("256 MB", "< 128 MB", "≤ 64 MB, hit rate reported"),
        format!(
            "{:.1} MB of {:.0} MB, hit rate {hit_rate:.2}",
            cache_bytes as f64 / 1e6,
            capacity as f64 / 1e6
        ),
        cache_bytes as f64 / 1e6,
        "MB",
        cache_bytes <= capacity && capacity <= 64 << 20,
    ));

    // The vector file as stored (int8 vectors and the HNSW graph), which
    // the searcher maps: its in-memory size, less any capacity reserved.
    let search = report.search.clone().unwrap_or_default();
    let vector_file = codegraph_search::vectors_path(&codegraph_search::search_dir(&db));
    let vector_bytes = std::fs::metadata(&vector_file).map_or(0, |m| m.len());
    let per_vector = vector_bytes as f64 / search.symbols.max(1) as f64;
    metrics.push(figure(
        "embedding_memory",
        "embedding memory",
        ("1024 MB", "< 512 MB", "≤ 400 B per vector"),
        format!(
            "{per_vector:.0} B/vector ({:.1} MB for {} vectors)",
            vector_bytes as f64 / 1e6,
            search.symbols
        ),
        per_vector,
        "B/vector",
        search.symbols > 0 && per_vector <= 400.0,
    ));

    say("concurrent requests through codegraph serve");
    let seconds = if options.quick { 2 } else { 10 };
    let names: Vec<String> = nodes.iter().map(|n| n.name.clone()).collect();
    let (lookups_per_s, searches_per_s) = through_server(&db, &names, &questions, seconds)?;
    metrics.push(figure(
        "concurrent_lookups",
        "concurrent queries/s (lookups)",
        ("1000", "> 2000", "> 20,000/s over HTTP (no caches)"),
        format!("{lookups_per_s:.0}/s"),
        lookups_per_s,
        "req/s",
        lookups_per_s > 20_000.0,
    ));
    metrics.push(figure(
        "concurrent_searches",
        "concurrent queries/s (hybrid search)",
        ("1000", "> 2000", "> 2,000/s over HTTP (no caches)"),
        format!("{searches_per_s:.0}/s"),
        searches_per_s,
        "req/s",
        searches_per_s > 2_000.0,
    ));

    metrics.push(figure(
        "nodes_per_second",
        "nodes processed/s",
        ("10,000", "> 20,000", "> 200,000 end to end"),
        format!(
            "{:.0}/s ({} nodes in {:.2} s)",
            report.nodes_per_second, report.nodes_parsed, report.seconds
        ),
        report.nodes_per_second,
        "nodes/s",
        report.nodes_per_second > 200_000.0,
    ));
    let embed_rate = search.symbols_embedded as f64 / search.embed_seconds.max(1e-9);
    metrics.push(figure(
        "embeddings_per_second",
        "embeddings generated/s",
        ("500", "> 1000", "> 50,000 built-in"),
        format!(
            "{embed_rate:.0}/s ({} symbols in {:.2} s)",
            search.symbols_embedded, search.embed_seconds
        ),
        embed_rate,
        "embeddings/s",
        embed_rate > 50_000.0,
    ));

    let memory = vec![
        (
            "node table (in memory)".to_string(),
            table.heap_bytes() as u64,
        ),
        ("caches (after the mix)".to_string(), cache_bytes),
        ("vectors (int8 and graph, mapped)".to_string(), vector_bytes),
        (
            "graph store (on disk)".to_string(),
            engine.store().disk_size_bytes(),
        ),
        ("peak RSS while indexing".to_string(), peak_rss),
    ];

    let mut comparisons = Vec::new();
    if options.compare {
        say("whole-process lookups");
        let names = lookup_names(&nodes);
        let ours = Ours {
            index: &report,
            peak_rss,
            definitions: table_definitions(&table),
            lookup_ms: median_ms(&names, 3, |name| {
                let mut command = Command::new(std::env::current_exe()?);
                command.args(["find", name.as_str(), "--db"]).arg(&db);
                Ok(command)
            })?,
            names: &names,
        };
        say("universal-ctags on the same corpus");
        comparisons.extend(compare_ctags(&corpus, scratch.path(), &ours)?);
        if let Some(gitnexus) = gitnexus() {
            say("gitnexus on the same corpus");
            comparisons.push(compare_gitnexus(&gitnexus, &corpus, scratch.path(), &ours)?);
        }
        for peer in &CODEGRAPH_PEERS {
            if let Some(found) = find_peer(peer.variable, None, peer.installed) {
                say(&format!("{} on the same corpus", peer.package));
                comparisons.push(compare_codegraph_peer(
                    peer,
                    &found,
                    &corpus,
                    scratch.path(),
                    &ours,
                )?);
            }
        }
    }

    Ok(BenchReport {
        corpus: corpus.display().to_string(),
        quick: options.quick,
        files: report.total_files,
        nodes: report.total_nodes,
        edges: report.total_edges,
        index: report,
        peak_rss_bytes_while_indexing: peak_rss,
        metrics,
        memory,
        comparisons,
    })
}

const MICROS: f64 = 1e6;
const MILLIS: f64 = 1e3;

/// How long `each` takes on every item, in seconds times `scale`.
fn time_each<T>(
    items: &[T],
    scale: f64,
    mut each: impl FnMut(&T) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<f64>> {
    let mut samples = Vec::with_capacity(items.len());
    for item in items {
        let started = Instant::now();
        each(item)?;
        samples.push(started.elapsed().as_secs_f64() * scale);
    }
    Ok(samples)
}

/// The value at quantile `q` of sorted `values`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// A figure with no distribution behind it (a memory size, a rate).
#[allow(clippy::too_many_arguments)]
fn figure(
    key: &'static str,
    name: &'static str,
    (plan_baseline, plan_target, our_target): (&'static str, &'static str, &'static str),
    measured: String,
    value: f64,
    unit: &'static str,
    met: bool,
) -> Metric {
    Metric {
        key,
        name,
        plan_baseline,
        plan_target,
        our_target,
        measured,
        value,
        unit,
        met,
        p50: None,
        p99: None,
        samples: Vec::new(),
    }
}

fn latency(
    key: &'static str,
    name: &'static str,
    (plan_baseline, plan_target, our_target): (&'static str, &'static str, &'static str),
    mut samples: Vec<f64>,
    unit: &'static str,
    p99_target: f64,
) -> Metric {
    samples.sort_by(f64::total_cmp);
    let (p50, p99) = (quantile(&samples, 0.5), quantile(&samples, 0.99));
    Metric {
        key,
        name,
        plan_baseline,
        plan_target,
        our_target,
        measured: format!(
            "p50 {p50:.2} {unit}, p99 {p99:.2} {unit} ({} samples)",
            samples.len()
        ),
        value: p99,
        unit,
        met: !samples.is_empty() && p99 < p99_target,
        p50: Some(p50),
        p99: Some(p99),
        samples,
    }
}

/// Up to `limit` functions, methods and types, spread evenly over the
/// index (every n-th of them in id order: ids are hashes, so this is a
/// fair sample).
fn sample_nodes(
    engine: &Engine,
    table: &codegraph_core::NodeTable,
    limit: usize,
) -> anyhow::Result<Vec<Node>> {
    let ids = table_ids(table);
    let step = (ids.len() / limit.max(1)).max(1);
    let picked: Vec<_> = ids.into_iter().step_by(step).take(limit).collect();
    Ok(engine
        .store()
        .get_nodes(&picked)?
        .into_iter()
        .flatten()
        .collect())
}

fn table_ids(table: &codegraph_core::NodeTable) -> Vec<codegraph_core::NodeId> {
    table
        .iter()
        .filter(|n| {
            matches!(
                n.kind,
                NodeKind::Function
                    | NodeKind::Method
                    | NodeKind::Class
                    | NodeKind::Struct
                    | NodeKind::Interface
                    | NodeKind::Trait
            )
        })
        .map(|n| n.id)
        .collect()
}

/// Definitions in the index, counted as ctags counts tags: every node
/// but files and imports.
fn table_definitions(table: &codegraph_core::NodeTable) -> u64 {
    table
        .iter()
        .filter(|n| !matches!(n.kind, NodeKind::File | NodeKind::Import))
        .count() as u64
}

/// Questions a developer might ask of the sampled code: the first
/// sentence of a doc comment where there is one, else the name's words
/// (`parse_file` → "parse file").
fn questions(nodes: &[Node], limit: usize) -> Vec<String> {
    nodes
        .iter()
        .map(|n| {
            let doc = n
                .doc
                .as_deref()
                .and_then(|d| d.split(". ").next())
                .map(str::trim)
                .filter(|d| d.split_whitespace().count() >= 3);
            match doc {
                Some(doc) => doc.chars().take(200).collect(),
                None => words(&n.name),
            }
        })
        .filter(|q| !q.is_empty())
        .take(limit)
        .collect()
}

fn words(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            out.push(' ');
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Requests per second that a `codegraph serve` child answers over
/// loopback, from as many keep-alive connections as the machine has
/// cores times two: symbol lookups, then hybrid searches.
fn through_server(
    db: &Path,
    names: &[String],
    questions: &[String],
    seconds: u64,
) -> anyhow::Result<(f64, f64)> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .arg("--db")
        .arg(db)
        // Without caches: the answer cache would serve the sampled
        // questions, asked over and over, from memory.
        .args(["serve", "--addr", "127.0.0.1:0", "--cache-mb", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let Some(stderr) = child.stderr.take() else {
        anyhow::bail!("codegraph serve started without its stderr");
    };
    let _server = Server(child);
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let Some(line) = lines.next() else {
            anyhow::bail!("codegraph serve ended before it said where it listens");
        };
        if let Some(rest) = line?.split("serving http://").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let connections = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    let lookups: Vec<String> = names
        .iter()
        .map(|n| format!("/api/find?name={}&limit=5", encode(n)))
        .collect();
    let searches: Vec<String> = questions
        .iter()
        .map(|q| format!("/api/search?query={}&limit=10", encode(q)))
        .collect();
    let lookup_rate = load(&addr, &lookups, connections, seconds)?;
    let search_rate = load(&addr, &searches, connections, seconds)?;
    Ok((lookup_rate, search_rate))
}

/// The server child, stopped and reaped however the bench ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Answers per second from `connections` keep-alive connections asking
/// `paths` in turn for `seconds`. Any answer but 200 is an error.
fn load(addr: &str, paths: &[String], connections: usize, seconds: u64) -> anyhow::Result<f64> {
    if paths.is_empty() {
        return Ok(0.0);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|i| {
            let (stop, done) = (Arc::clone(&stop), Arc::clone(&done));
            let (addr, paths) = (addr.to_string(), paths.to_vec());
            std::thread::spawn(move || -> anyhow::Result<()> {
                let mut connection = Connection::open(&addr)?;
                let mut next = i;
                while !stop.load(Ordering::Relaxed) {
                    let path = &paths[next % paths.len()];
                    next += connections;
                    let status = connection.get("bench", path, None)?;
                    if status != 200 {
                        anyhow::bail!("the server answered {path} with {status}");
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    for worker in workers {
        worker
            .join()
            .map_err(|_| anyhow::anyhow!("a load connection panicked"))??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / elapsed)
}

/// A child process run to its end: wall time and peak memory.
struct Timed {
    seconds: f64,
    peak_rss_bytes: u64,
}

/// Runs `command` to its end (output discarded), timed, with the peak
/// resident memory the kernel reports for it.
fn timed(command: &mut Command, what: &str) -> anyhow::Result<Timed> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run {what}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our unwaited child; both pointers are to live
    // locals of the right types.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    if waited != pid {
        let _ = child.wait();
        anyhow::bail!("could not wait for {what}");
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        anyhow::bail!("{what} failed (status {status})");
    }
    Ok(Timed {
        seconds,
        peak_rss_bytes: usage.ru_maxrss.max(0) as u64 * 1024,
    })
}

/// The median milliseconds of `rounds` runs of the command `make` builds
/// for each name, run to its end.
fn median_ms(
    names: &[String],
    rounds: usize,
    mut make: impl FnMut(&String) -> std::io::Result<Command>,
) -> anyhow::Result<f64> {
    let mut samples = Vec::with_capacity(names.len() * rounds);
    for _ in 0..rounds {
        for name in names {
            let run = timed(&mut make(name)?, "a lookup")?;
            samples.push(run.seconds * MILLIS);
        }
    }
    samples.sort_by(f64::total_cmp);
    Ok(quantile(&samples, 0.5))
}

/// Up to five names of sampled definitions, the same for every tool.
fn lookup_names(nodes: &[Node]) -> Vec<String> {
    let mut names: Vec<String> = nodes
        .iter()
        .filter(|n| {
            matches!(
                n.kind,
                NodeKind::Function | NodeKind::Method | NodeKind::Class | NodeKind::Struct
            )
        })
        .map(|n| n.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names.truncate(5);
    names
}

/// `ctags -R` on the corpus, timed, with its peak memory, and `readtags`
/// on its tags file; `None` when no universal-ctags is installed.
fn compare_ctags(corpus: &Path, scratch: &Path, ours: &Ours) -> anyhow::Result<Option<Comparison>> {
    let tags = scratch.join("tags");
    let version = Command::new("ctags").arg("--version").output();
    let Ok(version) = version else {
        return Ok(None);
    };
    let name = String::from_utf8_lossy(&version.stdout)
        .lines()
        .next()
        .unwrap_or("ctags")
        .split(',')
        .next()
        .unwrap_or("ctags")
        .to_string();
    if !name.contains("Universal") {
        return Ok(None);
    }
    let run = timed(
        Command::new("ctags")
            .args(["-R", "-f"])
            .arg(&tags)
            .arg(corpus),
        "ctags",
    )?;
    let definitions = std::fs::read_to_string(&tags)
        .map(|t| t.lines().filter(|l| !l.starts_with("!_")).count() as u64)
        .unwrap_or(0);
    let lookup = match Command::new("readtags").arg("-V").output() {
        Ok(_) => Some(median_ms(ours.names, 3, |name| {
            let mut command = Command::new("readtags");
            command.arg("-t").arg(&tags).arg(name);
            Ok(command)
        })?),
        Err(_) => None,
    };
    Ok(Some(ours.beside(name, run, definitions, lookup)))
}

/// A peer installed from npm to compare with.
struct Peer {
    program: PathBuf,
    /// The PATH it runs with: `scripts/install-peers`' node first.
    path: String,
    /// What `PROGRAM --version` printed.
    version: String,
}

impl Peer {
    /// `PROGRAM ARGS`, run in `dir`, its usage telemetry off.
    fn command(&self, args: &[&str], dir: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command
            .env("PATH", &self.path)
            .env("CODEGRAPH_TELEMETRY", "0")
            .args(args)
            .current_dir(dir);
        command
    }
}

/// The program `$VARIABLE` names, else `on_path` on the PATH, else
/// `installed` under the cache's `peer/` directory (where
/// `scripts/install-peers` puts each, with its own node); `None` when none
/// answers `--version`.
fn find_peer(variable: &str, on_path: Option<&str>, installed: &str) -> Option<Peer> {
    let cache = std::env::var_os("CODEGRAPH_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/codegraph")))?;
    let peer = cache.join("peer");
    let candidates = [
        std::env::var_os(variable).map(PathBuf::from),
        on_path.map(PathBuf::from),
        Some(peer.join(installed)),
    ];
    let path = format!(
        "{}:{}",
        peer.join("node/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    candidates.into_iter().flatten().find_map(|program| {
        let answer = Command::new(&program)
            .env("PATH", &path)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        Some(Peer {
            program,
            path: path.clone(),
            version: String::from_utf8_lossy(&answer.stdout).trim().to_string(),
        })
    })
}

fn gitnexus() -> Option<Peer> {
    find_peer(
        "CODEGRAPH_GITNEXUS",
        Some("gitnexus"),
        "gitnexus/node_modules/.bin/gitnexus",
    )
}

/// The npm peers whose program is also named `codegraph` (so never taken
/// from the PATH, where this one is): how each indexes, counts and looks
/// up.
struct CodegraphPeer {
    package: &'static str,
    variable: &'static str,
    installed: &'static str,
    /// Indexes the current directory.
    index: &'static [&'static str],
    /// Prints the index's node counts by kind as JSON.
    stats: &'static [&'static str],
    /// Where in that JSON the counts by kind are.
    by_kind: &'static [&'static str],
    /// Kinds that are no definition (the tree, parameters, imports).
    not_definitions: &'static [&'static str],
    /// Looks a name up (the name follows).
    lookup: &'static str,
}

const CODEGRAPH_PEERS: [CodegraphPeer; 2] = [
    CodegraphPeer {
        package: "@optave/codegraph",
        variable: "CODEGRAPH_OPTAVE",
        installed: "optave/node_modules/.bin/codegraph",
        index: &["build", "."],
        stats: &["stats", "--json"],
        by_kind: &["nodes", "byKind"],
        not_definitions: &["directory", "file", "parameter"],
        lookup: "where",
    },
    CodegraphPeer {
        package: "@colbymchenry/codegraph",
        variable: "CODEGRAPH_COLBYMCHENRY",
        installed: "colbymchenry/node_modules/.bin/codegraph",
        index: &["init", "--yes", "."],
        stats: &["status", "--json", "."],
        by_kind: &["nodesByKind"],
        not_definitions: &["file", "import"],
        lookup: "query",
    },
];

/// A copy of the corpus under `scratch` for a peer that writes its index
/// into the tree it reads, without any index already there.
fn copy_corpus(corpus: &Path, tree: &Path) -> anyhow::Result<()> {
    let copied = Command::new("cp")
        .arg("-r")
        .arg(corpus)
        .arg(tree)
        .status()?;
    anyhow::ensure!(
        copied.success(),
        "cannot copy {} to {}",
        corpus.display(),
        tree.display()
    );
    let _ = std::fs::remove_dir_all(tree.join(".git"));
    let _ = std::fs::remove_dir_all(tree.join(".codegraph"));
    Ok(())
}

/// One of `CODEGRAPH_PEERS` on a copy of the corpus: its index command
/// timed, with its peak memory, its definitions from its own counts by
/// kind, and its lookup command timed on the names ours looked up.
fn compare_codegraph_peer(
    peer: &CodegraphPeer,
    found: &Peer,
    corpus: &Path,
    scratch: &Path,
    ours: &Ours,
) -> anyhow::Result<Comparison> {
    let tree = scratch.join(peer.installed.split('/').next().unwrap_or("peer"));
    copy_corpus(corpus, &tree)?;
    let with = |args: &[&str]| found.command(args, &tree);
    let run = timed(&mut with(peer.index), peer.package)?;
    let stats = with(peer.stats).stderr(Stdio::null()).output()?;
    let definitions = peer_definitions(&String::from_utf8_lossy(&stats.stdout), peer);
    let names = &ours.names[..ours.names.len().min(3)];
    let lookup = median_ms(names, 1, |name| Ok(with(&[peer.lookup, name.as_str()])))?;
    let tool = format!("{} {}", peer.package, found.version);
    Ok(ours.beside(tool, run, definitions, Some(lookup)))
}

/// The definitions a peer's JSON counts by kind add up to, leaving out
/// what is no definition; 0 where the JSON is not as expected.
fn peer_definitions(answer: &str, peer: &CodegraphPeer) -> u64 {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(answer.trim()) else {
        return 0;
    };
    let counts = peer.by_kind.iter().fold(&value, |v, key| &v[*key]);
    counts
        .as_object()
        .map(|kinds| {
            kinds
                .iter()
                .filter(|(kind, _)| !peer.not_definitions.contains(&kind.as_str()))
                .filter_map(|(_, n)| n.as_u64())
                .sum()
        })
        .unwrap_or(0)
}

/// gitnexus's labels for what is no definition: the tree, its files,
/// and what its analysis derives (processes, communities, doc sections).
const GITNEXUS_NOT_DEFINITIONS: [&str; 5] = ["Folder", "File", "Process", "Community", "Section"];

/// `gitnexus analyze` on a git copy of the corpus (it indexes
/// repositories), timed, with its peak memory; its definitions counted
/// by a Cypher query and `gitnexus context NAME` timed as its lookup.
fn compare_gitnexus(
    gitnexus: &Peer,
    corpus: &Path,
    scratch: &Path,
    ours: &Ours,
) -> anyhow::Result<Comparison> {
    let tree = scratch.join("gitnexus-tree");
    copy_corpus(corpus, &tree)?;
    let git = |args: &[&str]| -> anyhow::Result<()> {
        let status = Command::new("git")
            .args(["-c", "user.email=bench@localhost", "-c", "user.name=bench"])
            .args(args)
            .current_dir(&tree)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        anyhow::ensure!(
            status.success(),
            "git {} failed in {}",
            args.join(" "),
            tree.display()
        );
        Ok(())
    };
    git(&["init", "-q"])?;
    git(&["add", "-A"])?;
    git(&["commit", "-q", "-m", "bench"])?;
    let with = |args: &[&str]| gitnexus.command(args, &tree);
    let run = timed(&mut with(&["analyze", "."]), "gitnexus analyze")?;
    let counted = with(&[
        "cypher",
        "MATCH (n) RETURN label(n) AS label, count(n) AS n",
    ])
    .stderr(Stdio::null())
    .output()?;
    let definitions = gitnexus_definitions(&String::from_utf8_lossy(&counted.stdout));
    let tool = format!("gitnexus {}", gitnexus.version);
    // Node starts in each lookup: a few names tell the median.
    let names = &ours.names[..ours.names.len().min(3)];
    let lookup = median_ms(names, 1, |name| Ok(with(&["context", name.as_str()])))?;
    Ok(ours.beside(tool, run, definitions, Some(lookup)))
}

/// The definitions in gitnexus's answer to the label count query: its
/// JSON's markdown table, one `| Label | count |` row per label.
fn gitnexus_definitions(answer: &str) -> u64 {
    let table = serde_json::from_str::<serde_json::Value>(answer.trim())
        .ok()
        .and_then(|v| v["markdown"].as_str().map(str::to_string))
        .unwrap_or_default();
    table
        .lines()
        .skip(2)
        .filter_map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            match cells[..] {
                [label, count] if !GITNEXUS_NOT_DEFINITIONS.contains(&label) => {
                    count.parse::<u64>().ok()
                }
                _ => None,
            }
        })
        .sum()
}

/// The dashboard as a terminal table.
pub fn render_text(report: &BenchReport) -> String {
    let mut out = format!(
        "codegraph bench on {} ({} files, {} nodes, {} edges{})\n\n",
        report.corpus,
        report.files,
        report.nodes,
        report.edges,
        if report.quick { ", quick" } else { "" }
    );
    let header = [
        "metric",
        "plan baseline",
        "plan target",
        "our target",
        "measured",
        "met",
    ];
    let rows: Vec<[String; 6]> = report
        .metrics
        .iter()
        .map(|m| {
            [
                m.name.to_string(),
                m.plan_baseline.to_string(),
                m.plan_target.to_string(),
                m.our_target.to_string(),
                m.measured.clone(),
                if m.met { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
            + "\n"
    };
    out += &line(&header.map(String::from));
    for row in &rows {
        out += &line(row);
    }
    // A bench's index is a first build: it removes nothing, and the
    // line leaves that stage out.
    let stages: Vec<_> = report
        .index
        .stage_table()
        .into_iter()
        .filter(|(name, _, _)| *name != "remove")
        .collect();
    let seconds: Vec<String> = stages
        .iter()
        .map(|(name, seconds, _)| format!("{name} {seconds:.2}"))
        .collect();
    let peaks: Vec<String> = stages
        .iter()
        .map(|(_, _, peak)| format!("{:.0}", *peak as f64 / 1e6))
        .collect();
    out += &format!(
        "\n{} of {} targets met. Index stages (s): {}; peak RSS at each stage's end (MB): {}.\n",
        report.met(),
        report.metrics.len(),
        seconds.join(", "),
        peaks.join(", "),
    );
    for c in &report.comparisons {
        out += &format!(
            "\nbeside {} on the same corpus, in this run (ours vs theirs): index time {:.2} s vs {:.2} s ({:.2}x), peak RSS {:.0} MB vs {:.0} MB ({:.2}x), definitions {} vs {} ({:.2}x)",
            c.tool,
            c.our_index_seconds,
            c.index_seconds,
            c.time_ratio,
            c.our_peak_rss_bytes as f64 / 1e6,
            c.peak_rss_bytes as f64 / 1e6,
            c.rss_ratio,
            c.our_definitions,
            c.definitions,
            c.definitions_ratio,
        );
        if let (Some(theirs), Some(ratio)) = (c.lookup_ms, c.lookup_ratio) {
            out += &format!(
                ", whole-process lookup {:.1} ms vs {:.1} ms ({ratio:.2}x)",
                c.our_lookup_ms, theirs
            );
        }
        out += "\n";
    }
    out
}

/// The dashboard as one HTML page with inline SVG charts: no script or
/// style from the network. A line of script counts the bars drawn into
/// the page title (`charts: N bars`), which the tests read back from a
/// headless browser.
pub fn render_html(report: &BenchReport) -> String {
    let mut body = String::new();
    body += &format!(
        "<h1>codegraph bench</h1><p>{} — {} files, {} nodes, {} edges; {} of {} targets met.</p>",
        escape(&report.corpus),
        report.files,
        report.nodes,
        report.edges,
        report.met(),
        report.metrics.len()
    );
    body += "<table><tr><th>metric</th><th>plan baseline</th><th>plan target</th><th>our target</th><th>measured</th><th>met</th></tr>";
    for m in &report.metrics {
        body += &format!(
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if m.met { "met" } else { "missed" },
            escape(m.name),
            escape(m.plan_baseline),
            escape(m.plan_target),
            escape(m.our_target),
            escape(&m.measured),
            if m.met { "yes" } else { "no" }
        );
    }
    body += "</table><h2>Latency distributions</h2>";
    for m in report.metrics.iter().filter(|m| !m.samples.is_empty()) {
        body += &histogram(&format!("{} ({})", m.name, m.unit), &m.samples);
    }
    body += "<h2>Throughput against our targets</h2>";
    let throughput: Vec<(String, f64)> = report
        .metrics
        .iter()
        .filter(|m| m.unit.ends_with("/s"))
        .map(|m| (format!("{} ({})", m.name, m.unit), m.value))
        .collect();
    body += &bars("measured", &throughput);
    body += "<h2>Memory by structure</h2>";
    let memory: Vec<(String, f64)> = report
        .memory
        .iter()
        .map(|(name, bytes)| (format!("{name} (MB)"), *bytes as f64 / 1e6))
        .collect();
    body += &bars("MB", &memory);
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>codegraph bench</title><style>\
body{{font-family:sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse}}\
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}tr.met td:last-child{{color:#070}}\
tr.missed td:last-child{{color:#b00}}svg{{display:block;margin:.5em 0 1.5em}}.bar{{fill:#4a7ab5}}\
text{{font-size:11px}}</style></head><body>{body}\
<script>document.title='charts: '+document.querySelectorAll('svg .bar').length+' bars';</script>\
</body></html>\n"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars, one per item, scaled to the largest.
fn bars(unit: &str, items: &[(String, f64)]) -> String {
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9);
    let (label_width, bar_width, row) = (320.0, 420.0, 22.0);
    let mut svg = format!(
        "<svg width=\"{}\" height=\"{}\" role=\"img\">",
        label_width + bar_width + 120.0,
        row * items.len() as f64 + 4.0
    );
    for (i, (label, value)) in items.iter().enumerate() {
        let y = i as f64 * row;
        let width = (value / max * bar_width).max(1.0);
        svg += &format!(
            "<text x=\"0\" y=\"{:.0}\">{}</text><rect class=\"bar\" x=\"{label_width}\" y=\"{:.0}\" width=\"{width:.1}\" height=\"{:.0}\"/><text x=\"{:.0}\" y=\"{:.0}\">{} {unit}</text>",
            y + 15.0,
            escape(label),
            y + 3.0,
            row - 6.0,
            label_width + width + 6.0,
            y + 15.0,
            human(*value)
        );
    }
    svg + "</svg>"
}

/// A histogram of `samples` in 30 equal bins up to the 99th percentile
/// (the tail beyond it in the last bin), with p50 and p99 marked.
fn histogram(title: &str, samples: &[f64]) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (p50, p99) = (quantile(&sorted, 0.5), quantile(&sorted, 0.99));
    let top = p99.max(1e-9);
    let bins = 30usize;
    let mut counts = vec![0usize; bins];
    for &s in &sorted {
        let bin = ((s / top) * (bins - 1) as f64).round() as usize;
        counts[bin.min(bins - 1)] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let (width, height, bar) = (600.0, 120.0, 600.0 / bins as f64);
    let mut svg = format!(
        "<p>{} — p50 {} · p99 {}</p><svg width=\"{width}\" height=\"{}\" role=\"img\">",
        escape(title),
        human(p50),
        human(p99),
        height + 16.0
    );
    for (i, &count) in counts.iter().enumerate() {
        let h = (count as f64 / most * height).max(if count > 0 { 1.0 } else { 0.0 });
        svg += &format!(
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"/>",
            i as f64 * bar,
            height - h,
            bar - 1.0
        );
    }
    svg += &format!(
        "<text x=\"0\" y=\"{:.0}\">0</text><text x=\"{:.0}\" y=\"{:.0}\">{} (p99)</text></svg>",
        height + 13.0,
        width - 90.0,
        height + 13.0,
        human(p99)
    );
    svg
}

fn human(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_become_questions() {
        assert_eq!(words("parse_file"), "parse file");
        assert_eq!(words("resolveImportPath"), "resolve import path");
        assert_eq!(words("HTTPServer"), "httpserver");
    }

    #[test]
    fn quantiles_of_sorted_samples() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&values, 0.5), 51.0);
        assert_eq!(quantile(&values, 0.99), 99.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn codegraph_peers_definitions_leave_out_the_tree_parameters_and_imports() {
        // Each peer's JSON as it answered on semver's sources (abridged).
        let optave = r#"{"nodes": {"total": 358, "byKind": {"constant": 35, "directory": 5,
            "file": 17, "function": 84, "method": 66, "parameter": 119, "struct": 12}}}"#;
        assert_eq!(
            peer_definitions(optave, &CODEGRAPH_PEERS[0]),
            35 + 84 + 66 + 12
        );
        let colby = r#"{"nodeCount": 273, "nodesByKind": {"enum": 3, "file": 17,
            "function": 85, "import": 50, "method": 65}}"#;
        assert_eq!(peer_definitions(colby, &CODEGRAPH_PEERS[1]), 3 + 85 + 65);
        assert_eq!(peer_definitions("not json", &CODEGRAPH_PEERS[1]), 0);
    }

    #[test]
    fn gitnexus_definitions_leave_out_the_tree_and_what_it_derives() {
        // `gitnexus cypher` as it answered on semver's sources.
        let answer = r#"{
  "markdown": "| l | c |\n| --- | --- |\n| Folder | 5 |\n| Function | 150 |\n| Process | 21 |\n| Struct | 12 |\n| File | 22 |\n| Community | 10 |\n| Section | 3 |\n| Impl | 9 |",
  "row_count": 8
}"#;
        assert_eq!(gitnexus_definitions(answer), 150 + 12 + 9);
        assert_eq!(gitnexus_definitions("not json"), 0);
    }
}
