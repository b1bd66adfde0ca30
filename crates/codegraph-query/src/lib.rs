//! The query engine. [`Engine`] opens an index once and answers every
//! query (find, symbol, callers/callees, references, impact, path,
//! search, stats) with typed, serializable results ([`types`]) and a typed
//! error ([`QueryError`]). The command line, the HTTP API and MCP only
//! render: as JSON (serde), or as text ([`text`]).
//!
//! [`context`] packs the code that answers a question into a token budget.
//!
//! Requests ([`params`]) are the JSON objects the HTTP API and MCP
//! receive; every limit has a default and the engine caps it.

pub mod context;
mod engine;
mod error;
pub mod params;
pub mod text;
pub mod types;

pub use engine::{
    defaults, peak_resident_bytes, resident_bytes, Engine, DEPENDENCY_KINDS, MAX_DEPTH,
};
pub use error::{QueryError, Result};
