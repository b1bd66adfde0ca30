//! The `codegraph` command: thin glue between the command line, the
//! indexing pipeline (walk → parse → store) and the query crates.
//!
//! The pipeline lives in [`indexer`]; argument parsing in `main.rs`; the
//! queries in the `codegraph-query` engine, which this crate only renders,
//! on a terminal, over HTTP ([`serve`]) and over MCP ([`mcp`]). Library
//! crates never print; this one does.

pub mod bench;
pub mod cargo;
pub mod discover;
pub mod export;
pub mod ignored;
pub mod indexer;
pub mod install;
pub mod live;
pub mod loopback;
pub mod mcp;
pub mod serve;
pub mod tsconfig;
pub mod watch;
pub mod workspace;
