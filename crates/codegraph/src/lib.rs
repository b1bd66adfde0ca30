//! The `codegraph` command: thin glue between the command line, the
//! indexing pipeline (walk → parse → store) and the query crates.
//!
//! The pipeline lives in [`indexer`]; argument parsing and output formatting
//! in `main.rs` and [`commands`]. Library crates never print; this one does.

pub mod cargo;
pub mod commands;
pub mod discover;
pub mod export;
pub mod graph_commands;
pub mod ignored;
pub mod indexer;
pub mod output;
pub mod search_commands;
pub mod tsconfig;
pub mod workspace;
