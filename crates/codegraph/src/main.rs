//! `codegraph`: index a repository and query its code graph.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use codegraph::commands::{self, FindFilter, Resolved};
use codegraph::discover::{find_index, index_dir_for};
use codegraph::graph_commands;
use codegraph::indexer::{self, IndexConfig, IndexReport};
use codegraph::output::hit_line;
use codegraph_core::{EdgeKind, Language, NodeKind};
use codegraph_graph::Direction;
use codegraph_graph::{OpenMode, Store};
use serde_json::{json, Value};

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
        /// Skip files larger than this many bytes.
        #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
        max_file_size: u64,
        /// Never show a progress bar.
        #[arg(long)]
        no_progress: bool,
        /// Index files even if .gitignore or .ignore files exclude them.
        #[arg(long)]
        no_ignore: bool,
        /// Embedder for semantic search: `static` (built in), `minilm`
        /// (all-MiniLM-L6-v2 in-process, after scripts/fetch-model) or `http` (an
        /// OpenAI-compatible service: CODEGRAPH_EMBED_URL, CODEGRAPH_EMBED_MODEL,
        /// CODEGRAPH_EMBED_API_KEY).
        #[arg(long, default_value = codegraph_search::DEFAULT_EMBEDDER)]
        embedder: String,
        /// Rebuild the search indexes from scratch (after changing --embedder).
        #[arg(long)]
        reembed: bool,
        /// Build only the code graph, not the search indexes.
        #[arg(long, conflicts_with = "reembed")]
        no_search: bool,
        /// Delete the index and build it again from nothing (a damaged index).
        #[arg(long)]
        rebuild: bool,
        /// Commit after this many changed files (smaller: less work lost to
        /// a crash, more commits).
        #[arg(long, default_value_t = 2000, value_name = "FILES", hide = true)]
        commit_every: usize,
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
    /// The shortest dependency path from A to B, with the edge kinds on it.
    Path {
        from: String,
        to: String,
        #[arg(long, default_value_t = 12)]
        max_depth: u32,
    },
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

impl EdgeArgs {
    fn filter(self) -> codegraph_graph::EdgeFilter {
        codegraph_graph::EdgeFilter {
            min_confidence: self.min_confidence,
            include_guesses: self.guesses,
        }
    }
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
    match run(cli) {
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
                let _ = out(&json!({ "error": message }).to_string());
            } else {
                eprintln!("codegraph: {message}");
            }
            ExitCode::from(1)
        }
    }
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

fn open_for_query(cli: &Cli) -> Result<Store> {
    let dir = find_index(cli.db.as_deref())?;
    Ok(Store::open(&dir, OpenMode::QueryOnce)?)
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Index {
            path,
            max_file_size,
            no_progress,
            no_ignore,
            embedder,
            reembed,
            no_search,
            rebuild,
            commit_every,
        } => {
            let mut config = IndexConfig::new(path.clone(), index_dir_for(path, cli.db.as_deref()));
            config.max_file_bytes = *max_file_size;
            config.respect_ignore_files = !*no_ignore;
            config.embedder = (!*no_search).then(|| embedder.clone());
            config.reembed = *reembed;
            config.rebuild = *rebuild;
            config.commit_every_files = (*commit_every).max(1);
            config.progress &= !*no_progress && !cli.json;
            let report = indexer::index(&config)?;
            if cli.json {
                print_json(&serde_json::to_value(&report)?)?;
            } else {
                out(&summary_line(&report))?;
            }
        }
        Command::Find {
            name,
            kind,
            language,
            limit,
        } => {
            let store = open_for_query(&cli)?;
            let filter = FindFilter {
                kind: *kind,
                language: *language,
            };
            match commands::find(&store, name, &filter, (*limit).max(1))? {
                Some(found) if cli.json => print_json(&commands::find_json(&found))?,
                Some(found) => out(&commands::find_text(&found))?,
                None => return Err(commands::not_found(&store, name)?),
            }
        }
        Command::Show { symbol } => {
            let store = open_for_query(&cli)?;
            let node = resolve_one(&store, symbol, cli.json)?;
            let shown = commands::show(&store, node)?;
            if cli.json {
                print_json(&commands::show_json(&shown))?;
            } else {
                out(&commands::show_text(&shown))?;
            }
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
                Direction::In
            } else {
                Direction::Out
            };
            let store = open_for_query(&cli)?;
            let node = resolve_one(&store, symbol, cli.json)?;
            let value = graph_commands::call_tree(
                &store,
                &node,
                direction,
                &edges.filter(),
                *depth,
                *limit,
            )?;
            emit(cli.json, &value, |v| {
                graph_commands::call_tree_text(v, direction)
            })?;
        }
        Command::Refs {
            symbol,
            limit,
            edges,
        } => {
            let store = open_for_query(&cli)?;
            let node = resolve_one(&store, symbol, cli.json)?;
            let value = graph_commands::references(&store, &node, &edges.filter(), *limit)?;
            emit(cli.json, &value, graph_commands::references_text)?;
        }
        Command::Impact {
            target,
            depth,
            limit,
            edges,
        } => {
            let store = open_for_query(&cli)?;
            let (label, starts) = match store.file(target.trim_start_matches("./"))? {
                Some(record) => (
                    json!({ "qualified_name": target, "kind": "file" }),
                    record.node_ids,
                ),
                None => {
                    let node = resolve_one(&store, target, cli.json)?;
                    (codegraph::output::hit_json(&node, 1.0), vec![node.id])
                }
            };
            let value =
                graph_commands::impact(&store, label, &starts, &edges.filter(), *depth, *limit)?;
            emit(cli.json, &value, graph_commands::impact_text)?;
        }
        Command::Path {
            from,
            to,
            max_depth,
        } => {
            let store = open_for_query(&cli)?;
            let from = resolve_one(&store, from, cli.json)?;
            let to = resolve_one(&store, to, cli.json)?;
            let value = graph_commands::path(&store, &from, &to, *max_depth)?;
            let found = !value["path"].is_null();
            emit(cli.json, &value, graph_commands::path_text)?;
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
            let dir = find_index(cli.db.as_deref())?;
            let store = Store::open(&dir, OpenMode::QueryOnce)?;
            let searcher =
                codegraph_search::Searcher::open(&store, &codegraph_search::search_dir(&dir))?;
            let filters = codegraph_search::Filters {
                language: *language,
                kind: *kind,
                path: path
                    .as_deref()
                    .map(codegraph_search::Filters::path_glob)
                    .transpose()?,
            };
            let value = codegraph::search_commands::search(
                &searcher,
                query,
                *mode,
                &filters,
                (*limit).max(1),
            )?;
            emit(cli.json, &value, codegraph::search_commands::search_text)?;
        }
        Command::Export { edge_kinds } => {
            let store = open_for_query(&cli)?;
            let stdout = std::io::stdout().lock();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
            codegraph::export::export(&store, edge_kinds, &mut out)?;
        }
        Command::Stats => {
            let store = open_for_query(&cli)?;
            let value = commands::stats_json(&store)?;
            if cli.json {
                print_json(&value)?;
            } else {
                out(&commands::stats_text(&value))?;
            }
        }
    }
    Ok(())
}

fn emit(json_mode: bool, value: &Value, text: impl Fn(&Value) -> String) -> std::io::Result<()> {
    if json_mode {
        print_json(value)
    } else {
        out(&text(value))
    }
}

/// The one node a SYMBOL argument names; lists the candidates (exit 1)
/// when it names several.
fn resolve_one(store: &Store, symbol: &str, json_mode: bool) -> Result<codegraph_core::Node> {
    match commands::resolve_symbol(store, symbol)? {
        Resolved::One(node) => Ok(node),
        Resolved::Ambiguous(nodes) => {
            let message = format!(
                "'{symbol}' names {} symbols; pass one of these ids, a qualified name or a FILE:LINE",
                nodes.len()
            );
            if json_mode {
                let candidates: Vec<Value> = nodes
                    .iter()
                    .map(|n| codegraph::output::hit_json(n, 1.0))
                    .collect();
                out(&json!({ "error": message, "candidates": candidates }).to_string())?;
            } else {
                eprintln!("codegraph: {message}");
                for node in nodes.iter().take(50) {
                    eprintln!("  {}  {}", node.id, hit_line(node));
                }
            }
            Err(Reported(1).into())
        }
        Resolved::Missing => Err(commands::not_found(store, symbol)?),
    }
}

fn summary_line(r: &IndexReport) -> String {
    let search = match &r.search {
        Some(s) => format!(
            "; search: {} symbols ({} embedded this run, {:.2} s)",
            s.symbols, s.symbols_embedded, s.seconds
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
