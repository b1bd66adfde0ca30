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
    },
    /// What SYMBOL calls, as a tree to --depth.
    Callees {
        symbol: String,
        #[arg(long, default_value_t = 1)]
        depth: u32,
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Every site that refers to SYMBOL (calls, type uses, inheritance, imports), by file.
    Refs {
        symbol: String,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// What depends on SYMBOL or FILE, transitively, ranked; with affected files and tests.
    Impact {
        target: String,
        #[arg(long, default_value_t = 3)]
        depth: u32,
        #[arg(long, default_value_t = 500)]
        limit: usize,
    },
    /// The shortest dependency path from A to B, with the edge kinds on it.
    Path {
        from: String,
        to: String,
        #[arg(long, default_value_t = 12)]
        max_depth: u32,
    },
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
            let message = format!("{error:#}");
            if json_mode {
                println!("{}", json!({ "error": message }));
            } else {
                eprintln!("codegraph: {message}");
            }
            ExitCode::from(1)
        }
    }
}

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "reported (exit {})", self.0)
    }
}

impl std::error::Error for Reported {}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
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
        } => {
            let mut config = IndexConfig::new(path.clone(), index_dir_for(path, cli.db.as_deref()));
            config.max_file_bytes = *max_file_size;
            config.respect_ignore_files = !*no_ignore;
            config.embedder = (!*no_search).then(|| embedder.clone());
            config.reembed = *reembed;
            config.progress &= !*no_progress && !cli.json;
            let report = indexer::index(&config)?;
            if cli.json {
                print_json(&serde_json::to_value(&report)?);
            } else {
                println!("{}", summary_line(&report));
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
                Some(found) if cli.json => print_json(&commands::find_json(&found)),
                Some(found) => print!("{}", commands::find_text(&found)),
                None => return Err(commands::not_found(&store, name)?),
            }
        }
        Command::Show { symbol } => {
            let store = open_for_query(&cli)?;
            let node = resolve_one(&store, symbol, cli.json)?;
            let shown = commands::show(&store, node)?;
            if cli.json {
                print_json(&commands::show_json(&shown));
            } else {
                print!("{}", commands::show_text(&shown));
            }
        }
        Command::Callers {
            symbol,
            depth,
            limit,
        }
        | Command::Callees {
            symbol,
            depth,
            limit,
        } => {
            let direction = if matches!(cli.command, Command::Callers { .. }) {
                Direction::In
            } else {
                Direction::Out
            };
            let store = open_for_query(&cli)?;
            let node = resolve_one(&store, symbol, cli.json)?;
            let value = graph_commands::call_tree(&store, &node, direction, *depth, *limit)?;
            emit(cli.json, &value, |v| {
                graph_commands::call_tree_text(v, direction)
            });
        }
        Command::Refs { symbol, limit } => {
            let store = open_for_query(&cli)?;
            let node = resolve_one(&store, symbol, cli.json)?;
            let value = graph_commands::references(&store, &node, *limit)?;
            emit(cli.json, &value, graph_commands::references_text);
        }
        Command::Impact {
            target,
            depth,
            limit,
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
            let value = graph_commands::impact(&store, label, &starts, *depth, *limit)?;
            emit(cli.json, &value, graph_commands::impact_text);
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
            emit(cli.json, &value, graph_commands::path_text);
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
            emit(cli.json, &value, codegraph::search_commands::search_text);
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
                print_json(&value);
            } else {
                print!("{}", commands::stats_text(&value));
            }
        }
    }
    Ok(())
}

fn emit(json_mode: bool, value: &Value, text: impl Fn(&Value) -> String) {
    if json_mode {
        print_json(value);
    } else {
        print!("{}", text(value));
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
                println!("{}", json!({ "error": message, "candidates": candidates }));
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
    format!(
        "indexed {} files ({} parsed, {} unchanged, {} removed, {} skipped): {} nodes, {} edges, {} files with syntax errors, {} of {} references resolved{search}; {:.2} s, {:.0} nodes/s, {:.1} MB/s",
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
