//! `codegraph`: index a repository and query its code graph.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::sync::Arc;

use codegraph::discover::{find_index, index_dir_for, INDEX_DIR};
use codegraph::indexer::{self, IndexConfig, IndexReport};
use codegraph::live::Live;
use codegraph::mcp::ToolSet;
use codegraph::watch::{Update, Watch};
use codegraph_core::{EdgeKind, Language, NodeKind};
use codegraph_graph::{OpenMode, Store};
use codegraph_query::params::*;
use codegraph_query::{text, Engine, QueryError};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};

/// mimalloc serves every allocation in the process: Rust's through this,
/// and (its `override` feature) RocksDB's and tree-sitter's through
/// `malloc` itself. See ARCHITECTURE.md for what it measured against
/// glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "codegraph",
    version,
    about = "Index a repository into a code graph and query it"
)]
struct Cli {
    /// Index directory (default: .codegraph/ in the indexed path, or for
    /// queries in the current directory or its nearest parent).
    #[arg(long, global = true, value_name = "DIR")]
    db: Option<PathBuf>,
    /// Print JSON instead of text (errors become {"error": "..."}).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index PATH (default `.`): full the first time, incremental after.
    Index {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        index: IndexArgs,
        /// Never show a progress bar.
        #[arg(long)]
        no_progress: bool,
        /// Rebuild the search indexes from scratch (after changing --embedder).
        #[arg(long, conflicts_with = "no_search")]
        reembed: bool,
        /// Delete the index and build it again from nothing (a damaged index).
        #[arg(long)]
        rebuild: bool,
        /// Commit after this many changed files (smaller: less work lost to
        /// a crash, more commits).
        #[arg(long, default_value_t = 2000, value_name = "FILES", hide = true)]
        commit_every: usize,
    },
    /// Index PATH (default `.`), then keep the index current as files change, until Ctrl-C.
    Watch {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        index: IndexArgs,
    },
    /// Find code by what it does: hybrid (BM25 + embeddings), lexical or semantic.
    Search {
        query: String,
        /// hybrid, lexical or semantic.
        #[arg(long, default_value = "hybrid")]
        mode: codegraph_search::Mode,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only symbols of this kind (function, method, class, ...).
        #[arg(long)]
        kind: Option<NodeKind>,
        /// Only symbols of this language.
        #[arg(long = "lang")]
        language: Option<Language>,
        /// Only files matching this glob (`src/**/*.py`).
        #[arg(long, value_name = "GLOB")]
        path: Option<String>,
    },
    /// Look a symbol up by name: exact, then prefix, then fuzzy.
    Find {
        name: String,
        /// Only nodes of this kind (function, method, class, struct, ...).
        #[arg(long)]
        kind: Option<NodeKind>,
        /// Only nodes of this language (rust, python, javascript, ...).
        #[arg(long = "lang")]
        language: Option<Language>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// One node with its source and its direct edges: SYMBOL, FILE:LINE or ID.
    Show { symbol: String },
    /// Counts per language and kind, on-disk size, schema version.
    Stats,
    /// The whole graph as JSON Lines on stdout: each file's nodes, then their edges.
    Export {
        /// Only edges of this kind (repeatable): calls, imports, inherits, ...
        #[arg(long = "edge-kind", value_name = "KIND")]
        edge_kinds: Vec<EdgeKind>,
    },
    /// Who calls SYMBOL, as a tree to --depth.
    Callers {
        symbol: String,
        #[arg(long, default_value_t = 1)]
        depth: u32,
        /// Most nodes to report.
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[command(flatten)]
        edges: EdgeArgs,
    },
    /// What SYMBOL calls, as a tree to --depth.
    Callees {
        symbol: String,
        #[arg(long, default_value_t = 1)]
        depth: u32,
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[command(flatten)]
        edges: EdgeArgs,
    },
    /// Every site that refers to SYMBOL (calls, type uses, inheritance, imports), by file.
    Refs {
        symbol: String,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[command(flatten)]
        edges: EdgeArgs,
    },
    /// What depends on SYMBOL or FILE, transitively, ranked; with affected files and tests.
    Impact {
        target: String,
        #[arg(long, default_value_t = 3)]
        depth: u32,
        #[arg(long, default_value_t = 500)]
        limit: usize,
        #[command(flatten)]
        edges: EdgeArgs,
    },
    /// Answer AI agents over MCP on stdin/stdout (`mcp install` configures a client).
    Mcp {
        #[command(subcommand)]
        action: Option<McpAction>,
        /// Tools to expose: `default` (eight) or `all`.
        #[arg(long, default_value = "default", global = true)]
        tools: ToolSet,
        /// Megabytes of caches (nodes, edges, query embeddings, answers); 0: none.
        #[arg(long, default_value_t = 64, global = true)]
        cache_mb: u64,
    },
    /// Serve the HTTP API (/api/*, /health, /metrics, /openapi.json) and MCP at /mcp.
    Serve {
        /// Address to listen on; anything but loopback needs --token.
        #[arg(long, default_value = "127.0.0.1:7420")]
        addr: std::net::SocketAddr,
        /// Bearer token every request must carry (default: $CODEGRAPH_TOKEN).
        #[arg(long)]
        token: Option<String>,
        /// MCP tools to expose: `default` or `all`.
        #[arg(long, default_value = "default")]
        tools: ToolSet,
        /// Most results one answer lists.
        #[arg(long, default_value_t = 1000)]
        max_results: usize,
        /// Largest request body accepted, in bytes.
        #[arg(long, default_value_t = 64 * 1024)]
        max_body_bytes: usize,
        /// Longest a query may run, in milliseconds, before a 503.
        #[arg(long, default_value_t = 10_000)]
        timeout_ms: u64,
        /// Megabytes of caches (nodes, edges, query embeddings, answers); 0: none.
        #[arg(long, default_value_t = 64)]
        cache_mb: u64,
        /// Index PATH (default `.`) first, then keep the index current as
        /// files change (as `codegraph watch` does).
        #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = ".")]
        watch: Option<PathBuf>,
        #[command(flatten)]
        index: IndexArgs,
    },
    /// The code that answers QUESTION (or surrounds SYMBOL), packed into --budget tokens, as markdown.
    Context {
        query: String,
        /// Tokens the pack may use (cl100k_base).
        #[arg(long, default_value_t = 4000)]
        budget: usize,
        /// `graph` (search hits, expanded along the graph) or `search`
        /// (plain search hits in rank order: the baseline).
        #[arg(long, default_value = "graph", hide = true)]
        strategy: String,
    },
    /// The shortest dependency path from A to B, with the edge kinds on it.
    Path {
        from: String,
        to: String,
        #[arg(long, default_value_t = 12)]
        max_depth: u32,
    },
    /// The performance dashboard: each metric of the plan measured on a real corpus, against its targets.
    Bench {
        /// The corpus to index and measure (default: the current directory).
        #[arg(long, default_value = ".")]
        corpus: PathBuf,
        /// Fewer samples and shorter loads (under a minute on a small corpus).
        #[arg(long)]
        quick: bool,
        /// Also run universal-ctags (and the npm peers gitnexus,
        /// @optave/codegraph and @colbymchenry/codegraph, where
        /// `scripts/install-peers` installed them) on the corpus and print the ratios: index time, peak memory,
        /// definitions, whole-process lookup.
        #[arg(long)]
        compare: bool,
        /// Write the dashboard with charts as one HTML page.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum McpAction {
    /// Write the MCP configuration for a client (or show it with --print).
    Install {
        #[arg(long, value_enum)]
        client: codegraph::install::Client,
        /// Print the configuration instead of writing it.
        #[arg(long)]
        print: bool,
    },
    /// The tools/list answer an agent receives, and its size in tokens.
    Tools,
}

/// How an index is built (`index`, `watch`, `serve --watch`).
#[derive(clap::Args, Clone)]
struct IndexArgs {
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    max_file_size: u64,
    /// Index files even if .gitignore or .ignore files exclude them.
    #[arg(long)]
    no_ignore: bool,
    /// Embedder for semantic search: `static` (built in), `minilm`
    /// (all-MiniLM-L6-v2 in-process, after scripts/fetch-model) or `http` (an
    /// OpenAI-compatible service: CODEGRAPH_EMBED_URL, CODEGRAPH_EMBED_MODEL,
    /// CODEGRAPH_EMBED_API_KEY).
    #[arg(long, default_value = codegraph_search::DEFAULT_EMBEDDER)]
    embedder: String,
    /// Build only the code graph, not the search indexes.
    #[arg(long)]
    no_search: bool,
}

impl IndexArgs {
    fn config(&self, path: &std::path::Path, db: Option<&std::path::Path>) -> IndexConfig {
        let mut config = IndexConfig::new(path.to_path_buf(), index_dir_for(path, db));
        config.max_file_bytes = self.max_file_size;
        config.respect_ignore_files = !self.no_ignore;
        config.embedder = (!self.no_search).then(|| self.embedder.clone());
        config
    }
}

/// Which resolved edges the graph commands follow.
#[derive(clap::Args, Clone, Copy)]
struct EdgeArgs {
    /// Follow only edges at least this confident (0 to 1).
    #[arg(long, default_value_t = 0.0, value_name = "C", value_parser = confidence)]
    min_confidence: f32,
    /// Also follow calls linked by name alone (a method of that name, the
    /// receiver's type unknown): guesses, left out by default.
    #[arg(long)]
    guesses: bool,
}

fn confidence(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(c) if (0.0..=1.0).contains(&c) => Ok(c),
        _ => Err(format!("'{text}' is not a confidence between 0 and 1")),
    }
}

/// An error that has already been printed in full (with its own exit code).
#[derive(Debug)]
struct Reported(u8);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json_mode = cli.json;
    let one_shot = cli.command.is_one_shot_query();
    match run(cli) {
        Ok(()) if one_shot => exit_now(),
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(Reported(code)) = error.downcast_ref::<Reported>() {
                return ExitCode::from(*code);
            }
            // The reader went away (`codegraph refs x | head`): it has what
            // it wanted, so the command ends quietly, as `cat` would.
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let message = format!("{error:#}");
            if json_mode {
                let value = match error.downcast_ref::<QueryError>() {
                    Some(query) => query.to_json(),
                    None => json!({ "error": message }),
                };
                let _ = out(&value.to_string());
            } else {
                eprintln!("codegraph: {message}");
            }
            ExitCode::from(1)
        }
    }
}

impl Command {
    /// A query that opens the index read-only, answers and exits: it has
    /// nothing to write back when it ends.
    fn is_one_shot_query(&self) -> bool {
        matches!(
            self,
            Command::Search { .. }
                | Command::Find { .. }
                | Command::Show { .. }
                | Command::Stats
                | Command::Callers { .. }
                | Command::Callees { .. }
                | Command::Refs { .. }
                | Command::Impact { .. }
                | Command::Context { .. }
                | Command::Path { .. }
        )
    }
}

/// Ends a one-shot query that succeeded once its answer is out, without
/// tearing down what it opened: closing the store (its table readers,
/// its background threads) and running the C++ libraries' exit handlers
/// took ~10 % of a whole-process `find` on the kernel's index, and the
/// operating system reclaims all of it at once.
fn exit_now() -> ExitCode {
    use std::io::Write;
    if std::io::stdout().flush().is_err() {
        return ExitCode::FAILURE;
    }
    // SAFETY: `_exit` ends the process; stdout is flushed above, and a
    // read-only query holds nothing that must reach the disk.
    unsafe { libc::_exit(0) }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` and a newline to stdout; an error (a closed pipe) is
/// returned, not a panic as `println!` would make it.
fn out(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()
}

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "reported (exit {})", self.0)
    }
}

impl std::error::Error for Reported {}

fn print_json(value: &Value) -> std::io::Result<()> {
    out(&serde_json::to_string_pretty(value).unwrap_or_default())
}

fn open_engine(cli: &Cli) -> Result<Engine> {
    open_engine_for(cli, OpenMode::QueryOnce)
}

/// The engine over the index, its store opened in `mode` (`Lookup` for a
/// command that only finds symbols by name).
fn open_engine_for(cli: &Cli, mode: OpenMode) -> Result<Engine> {
    let dir = find_index(cli.db.as_deref())?;
    Ok(Engine::open(&dir, mode)?)
}

fn run(cli: Cli) -> Result<()> {
    let json_mode = cli.json;
    // Renders a query's answer; a typed error goes to `query_error`.
    fn emit<T: serde::Serialize>(
        json_mode: bool,
        answer: Result<T, QueryError>,
        text: impl Fn(&T) -> String,
    ) -> Result<()> {
        let value = answer.map_err(|e| query_error(e, json_mode))?;
        if json_mode {
            print_json(&serde_json::to_value(&value)?)?;
        } else {
            out(&text(&value))?;
        }
        Ok(())
    }
    match &cli.command {
        Command::Index {
            path,
            index,
            no_progress,
            reembed,
            rebuild,
            commit_every,
        } => {
            let mut config = index.config(path, cli.db.as_deref());
            config.reembed = *reembed;
            config.rebuild = *rebuild;
            config.commit_every_files = (*commit_every).max(1);
            if !*no_progress && !cli.json && std::io::stderr().is_terminal() {
                config.progress = Some(progress_bar());
            }
            let report = indexer::index(&config)?;
            if cli.json {
                print_json(&serde_json::to_value(&report)?)?;
            } else {
                out(&summary_line(&report))?;
                out(&stages_line(&report))?;
                out(&languages_line(&report))?;
            }
        }
        Command::Watch { path, index } => {
            let config = index.config(path, cli.db.as_deref());
            let stop = Arc::new(AtomicBool::new(false));
            stop_on_signal(&stop)?;
            let (mut watch, first) = Watch::start(&config)?;
            if cli.json {
                out(&json!({ "update": "initial", "report": first }).to_string())?;
            } else {
                out(&summary_line(&first))?;
                eprintln!("watching {} (Ctrl-C to stop)", watch.root().display());
            }
            while let Some(update) = watch.next(&stop) {
                report_update(&update, cli.json)?;
            }
        }
        Command::Find {
            name,
            kind,
            language,
            limit,
        } => {
            let engine = open_engine_for(&cli, OpenMode::Lookup)?;
            let params = FindParams {
                name: name.clone(),
                kind: kind.map(|k| k.as_str().to_string()),
                lang: language.map(|l| l.as_str().to_string()),
                limit: Some((*limit).max(1)),
            };
            emit(json_mode, engine.find(&params), |hits| text::find(hits))?;
        }
        Command::Show { symbol } => {
            let engine = open_engine(&cli)?;
            let params = SymbolParams {
                symbol: symbol.clone(),
                source_lines: Some(usize::MAX),
                edges: Some(SHOW_EDGES),
            };
            emit(json_mode, engine.symbol(&params), text::symbol)?;
        }
        Command::Callers {
            symbol,
            depth,
            limit,
            edges,
        }
        | Command::Callees {
            symbol,
            depth,
            limit,
            edges,
        } => {
            let direction = if matches!(cli.command, Command::Callers { .. }) {
                CallDirection::Callers
            } else {
                CallDirection::Callees
            };
            let engine = open_engine(&cli)?;
            let params = CallsParams {
                symbol: symbol.clone(),
                direction: Some(direction),
                depth: Some(*depth),
                limit: Some((*limit).max(1)),
                min_confidence: Some(edges.min_confidence),
                guesses: Some(edges.guesses),
            };
            emit(json_mode, engine.calls(&params), text::calls)?;
        }
        Command::Refs {
            symbol,
            limit,
            edges,
        } => {
            let engine = open_engine(&cli)?;
            let params = ReferencesParams {
                symbol: symbol.clone(),
                limit: Some((*limit).max(1)),
                min_confidence: Some(edges.min_confidence),
                guesses: Some(edges.guesses),
            };
            emit(json_mode, engine.references(&params), text::references)?;
        }
        Command::Impact {
            target,
            depth,
            limit,
            edges,
        } => {
            let engine = open_engine(&cli)?;
            let params = ImpactParams {
                target: target.clone(),
                depth: Some(*depth),
                limit: Some((*limit).max(1)),
                min_confidence: Some(edges.min_confidence),
                guesses: Some(edges.guesses),
            };
            emit(json_mode, engine.impact(&params), text::impact)?;
        }
        Command::Bench {
            corpus,
            quick,
            compare,
            html,
        } => {
            let options = codegraph::bench::BenchOptions {
                corpus: corpus.clone(),
                quick: *quick,
                compare: *compare,
                progress: Some(Box::new(|stage: &str| eprintln!("bench: {stage}"))),
            };
            let report = codegraph::bench::run(&options)?;
            if let Some(path) = html {
                std::fs::write(path, codegraph::bench::render_html(&report)).map_err(|e| {
                    anyhow::anyhow!("could not write the report to {}: {e}", path.display())
                })?;
                eprintln!("bench: report written to {}", path.display());
            }
            if json_mode {
                print_json(&serde_json::to_value(&report)?)?;
            } else {
                out(&codegraph::bench::render_text(&report))?;
            }
        }
        Command::Path {
            from,
            to,
            max_depth,
        } => {
            let engine = open_engine(&cli)?;
            let params = PathParams {
                from: from.clone(),
                to: to.clone(),
                max_depth: Some(*max_depth),
            };
            let answer = engine.path(&params);
            let found = answer.as_ref().is_ok_and(|p| p.path.is_some());
            emit(json_mode, answer, text::path)?;
            if !found {
                return Err(Reported(1).into());
            }
        }
        Command::Search {
            query,
            mode,
            limit,
            kind,
            language,
            path,
        } => {
            let engine = open_engine(&cli)?;
            let params = SearchParams {
                query: query.clone(),
                mode: Some(format!("{mode:?}").to_lowercase()),
                kind: kind.map(|k| k.as_str().to_string()),
                lang: language.map(|l| l.as_str().to_string()),
                path: path.clone(),
                limit: Some((*limit).max(1)),
            };
            emit(json_mode, engine.search(&params), text::search)?;
        }
        Command::Export { edge_kinds } => {
            let dir = find_index(cli.db.as_deref())?;
            let store = Store::open(&dir, OpenMode::QueryOnce)?;
            let stdout = std::io::stdout().lock();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
            codegraph::export::export(&store, edge_kinds, &mut out)?;
        }
        Command::Context {
            query,
            budget,
            strategy,
        } => {
            let engine = open_engine(&cli)?;
            let params = codegraph_query::context::ContextParams {
                query: query.clone(),
                budget: Some(*budget),
                strategy: Some(strategy.clone()),
            };
            emit(json_mode, engine.context(&params), text::context)?;
        }
        Command::Stats => {
            let engine = open_engine(&cli)?;
            emit(json_mode, engine.stats(), text::stats)?;
        }
        Command::Mcp {
            action,
            tools,
            cache_mb,
        } => {
            let cache_bytes = cache_mb.saturating_mul(1 << 20);
            let dir = find_index(cli.db.as_deref())?;
            match action {
                None => {
                    let live = Arc::new(Live::open(&dir, MCP_MAX_RESULTS, cache_bytes)?);
                    runtime()?.block_on(codegraph::mcp::serve_stdio(live, *tools))?;
                }
                Some(McpAction::Tools) => {
                    let live = Arc::new(Live::open(&dir, MCP_MAX_RESULTS, cache_bytes)?);
                    let listed = codegraph::mcp::tools_list(live, *tools)?;
                    if json_mode {
                        print_json(&listed)?;
                    } else {
                        out(&codegraph::mcp::tools_summary(&listed))?;
                    }
                }
                Some(McpAction::Install { client, print }) => {
                    let dir = std::path::absolute(&dir)?;
                    let project = if dir.file_name() == Some(std::ffi::OsStr::new(INDEX_DIR)) {
                        dir.parent()
                            .map(PathBuf::from)
                            .unwrap_or_else(|| dir.clone())
                    } else {
                        std::env::current_dir()?
                    };
                    let exe = std::env::current_exe()?;
                    let plan = codegraph::install::plan(*client, &exe, &dir, &project)?;
                    if *print {
                        out(&format!("# {}\n{}", plan.file.display(), plan.entry))?;
                    } else {
                        codegraph::install::write(&plan)?;
                        out(&format!(
                            "wrote the codegraph MCP server into {}",
                            plan.file.display()
                        ))?;
                    }
                }
            }
        }
        Command::Serve {
            addr,
            token,
            tools,
            max_results,
            max_body_bytes,
            timeout_ms,
            cache_mb,
            watch,
            index,
        } => {
            let stop = Arc::new(AtomicBool::new(false));
            let watching = match watch {
                Some(path) => {
                    let (watch, first) = Watch::start(&index.config(path, cli.db.as_deref()))?;
                    eprintln!("{}", summary_line(&first));
                    Some(watch)
                }
                None => None,
            };
            let dir = match &watching {
                Some(watch) => watch.db_dir().to_path_buf(),
                None => find_index(cli.db.as_deref())?,
            };
            let live = Arc::new(Live::open(
                &dir,
                *max_results,
                cache_mb.saturating_mul(1 << 20),
            )?);
            let watcher = watching.map(|mut watch| {
                let (live, stop) = (Arc::clone(&live), Arc::clone(&stop));
                eprintln!("watching {}", watch.root().display());
                std::thread::spawn(move || {
                    while let Some(update) = watch.next(&stop) {
                        // Answer from the new index now, not at the next poll.
                        if update.report.is_ok() {
                            live.refresh();
                        }
                        if report_update(&update, false).is_err() {
                            break;
                        }
                    }
                })
            });
            let token = token
                .clone()
                .or_else(|| std::env::var("CODEGRAPH_TOKEN").ok())
                .filter(|t| !t.is_empty());
            let config = codegraph::serve::ServeConfig {
                addr: *addr,
                token,
                tools: *tools,
                max_body_bytes: *max_body_bytes,
                timeout: std::time::Duration::from_millis((*timeout_ms).max(1)),
            };
            let served = runtime()?.block_on(codegraph::serve::serve(live, config));
            stop.store(true, Ordering::Relaxed);
            if let Some(watcher) = watcher {
                // Closes the index cleanly before the process ends.
                let _ = watcher.join();
            }
            served?;
        }
    }
    Ok(())
}

/// One line per batch of changes a watch indexed (JSON Lines with
/// `--json`), on stdout; a failed run is reported and watching goes on.
fn report_update(update: &Update, json_mode: bool) -> std::io::Result<()> {
    let ms = update.latency.as_secs_f64() * 1e3;
    let scope = match update.paths {
        Some(n) => format!("{n} changed paths"),
        None => "the whole tree".to_string(),
    };
    match &update.report {
        Ok(report) if json_mode => {
            out(&json!({ "update": scope, "ms": ms, "report": report }).to_string())
        }
        Ok(report) if report.files_parsed + report.files_removed == 0 => {
            eprintln!("{scope}: nothing to update ({ms:.0} ms)");
            Ok(())
        }
        Ok(report) => out(&format!(
            "{scope}: {} files parsed, {} removed, {} files resolved; {} files, {} nodes, {} edges; {ms:.0} ms",
            report.files_parsed,
            report.files_removed,
            report.resolution.files,
            report.total_files,
            report.total_nodes,
            report.total_edges,
        )),
        Err(error) if json_mode => {
            out(&json!({ "update": scope, "ms": ms, "error": format!("{error:#}") }).to_string())
        }
        Err(error) => {
            eprintln!("codegraph: {scope}: {error:#} (still watching)");
            Ok(())
        }
    }
}

/// Sets `stop` on Ctrl-C or SIGTERM, so a watch closes its index cleanly.
fn stop_on_signal(stop: &Arc<AtomicBool>) -> Result<()> {
    let stop = Arc::clone(stop);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(codegraph::serve::shutdown_signal());
        stop.store(true, Ordering::Relaxed);
    });
    Ok(())
}

/// Most results one MCP answer lists, whatever the agent asks for.
const MCP_MAX_RESULTS: usize = 1000;

/// The runtime of a long-running server (`serve`, `mcp`).
fn runtime() -> Result<tokio::runtime::Runtime> {
    // Blocking threads (walks, searches) are kept rather than retired and
    // respawned: each new thread would take a fresh heap and grow the
    // server's memory over a long run.
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(64)
        .thread_keep_alive(std::time::Duration::from_secs(24 * 3600))
        .build()?)
}

/// Most direct edges `show` lists in each direction (`refs` and `callers`
/// page through the rest).
const SHOW_EDGES: usize = 500;

/// Reports a query's error: an ambiguous name lists its candidates (as
/// JSON, or one per line on stderr); every error exits 1.
fn query_error(error: QueryError, json_mode: bool) -> anyhow::Error {
    let QueryError::Ambiguous { candidates, .. } = &error else {
        return error.into();
    };
    if json_mode {
        let _ = out(&error.to_json().to_string());
    } else {
        eprintln!("codegraph: {error}");
        for candidate in candidates.iter().take(50) {
            eprintln!("  {}  {}", candidate.id, candidate.line());
        }
    }
    Reported(1).into()
}

/// A terminal progress bar fed by the indexer's progress callback.
fn progress_bar() -> indexer::ProgressFn {
    use indicatif::{ProgressBar, ProgressStyle};
    let bar = ProgressBar::hidden();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} indexing [{bar:30}] {pos}/{len} files {per_sec} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    indexer::ProgressFn(Arc::new(move |event| match event {
        indexer::Progress::Parsing { total } => {
            bar.set_length(total);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        indexer::Progress::Parsed { done, .. } => bar.set_position(done),
        indexer::Progress::Stage(_) => bar.finish_and_clear(),
    }))
}

/// Where an index run's time went, and the process's peak memory as each
/// stage ended.
fn stages_line(r: &IndexReport) -> String {
    let parts: Vec<String> = r
        .stage_table()
        .iter()
        .map(|(name, seconds, peak)| {
            format!("{name} {seconds:.2} s (peak {:.0} MB)", *peak as f64 / 1e6)
        })
        .collect();
    format!("stages: {}", parts.join(", "))
}

/// Per language: files, and those not fully in the graph (syntax errors,
/// skipped); then the extensions no grammar handles.
fn languages_line(r: &IndexReport) -> String {
    let mut languages: Vec<_> = r.languages.iter().collect();
    languages.sort_by(|a, b| b.1.files.cmp(&a.1.files).then_with(|| a.0.cmp(b.0)));
    let mut parts: Vec<String> = languages
        .into_iter()
        .map(|(name, c)| {
            let mut notes = Vec::new();
            if c.syntax_errors > 0 {
                notes.push(format!("{} with syntax errors", c.syntax_errors));
            }
            let skipped = &c.skipped;
            for (count, why) in [
                (skipped.too_large, "too large"),
                (skipped.binary, "binary"),
                (skipped.not_utf8, "not UTF-8"),
                (skipped.unreadable, "unreadable"),
            ] {
                if count > 0 {
                    notes.push(format!("{count} skipped: {why}"));
                }
            }
            if notes.is_empty() {
                format!("{name} {}", c.files)
            } else {
                format!("{name} {} ({})", c.files, notes.join(", "))
            }
        })
        .collect();
    if parts.is_empty() {
        parts.push("no source files".to_string());
    }
    let mut line = format!("languages: {}", parts.join(", "));
    if !r.not_covered.is_empty() {
        let uncovered: Vec<String> = r
            .not_covered
            .iter()
            .map(|e| format!(".{} {}", e.extension, e.files))
            .collect();
        line.push_str(&format!("; no grammar for: {}", uncovered.join(", ")));
    }
    line
}

fn summary_line(r: &IndexReport) -> String {
    let search = match &r.search {
        Some(s) => format!(
            "; search: {} symbols, {} documented ({} embedded this run, {:.2} s)",
            s.symbols, s.documented, s.symbols_embedded, s.seconds
        ),
        None => String::new(),
    };
    let ignored = match &r.ignored {
        Some(ignored) => format!("; {}", ignored.describe()),
        None => String::new(),
    };
    let rebuilt = if r.rebuilt_older_schema {
        "rebuilt the index, which an older codegraph wrote; "
    } else if r.reparsed_all {
        "parsed every file again, as another codegraph version had; "
    } else {
        ""
    };
    format!(
        "{rebuilt}indexed {} files ({} parsed, {} unchanged, {} removed, {} skipped): {} nodes, {} edges, {} files with syntax errors, {} of {} references resolved{search}{ignored}; {:.2} s, {:.0} nodes/s, {:.1} MB/s",
        r.total_files,
        r.files_parsed,
        r.files_unchanged,
        r.files_removed,
        r.skipped.total(),
        r.total_nodes,
        r.total_edges,
        r.files_with_syntax_errors,
        r.resolution.resolved,
        r.resolution.refs,
        r.seconds,
        r.nodes_per_second,
        r.megabytes_per_second,
    )
}
