//! What can go wrong with a query, as a type every front end can tell
//! apart: the CLI maps it to a message and an exit code, the HTTP API to
//! a status code, MCP to a tool error the agent can act on.

use codegraph_graph::StoreError;
use codegraph_search::SearchError;
use serde_json::{json, Value};

use crate::types::Symbol;

#[derive(Clone, Debug, thiserror::Error)]
pub enum QueryError {
    /// Nothing by that name (or at that place); close names, if any.
    #[error("{message}{}", did_you_mean(suggestions))]
    NotFound {
        message: String,
        suggestions: Vec<String>,
    },
    /// The name fits several symbols; the caller picks one.
    #[error("'{name}' names {} symbols; pass one of these ids, a qualified name or a FILE:LINE", candidates.len())]
    Ambiguous {
        name: String,
        candidates: Vec<Symbol>,
    },
    #[error("{0}")]
    NoIndex(String),
    #[error("{0}")]
    NoSearchIndex(String),
    #[error("{0}")]
    NewerSchema(String),
    /// Written by an older codegraph: `codegraph index` rebuilds it.
    #[error("{0}")]
    OlderSchema(String),
    #[error("{0}")]
    Damaged(String),
    /// An index run holds the lock.
    #[error("{0}")]
    Busy(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Internal(String),
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}?", suggestions.join(", "))
    }
}

impl QueryError {
    pub fn bad_request(message: impl Into<String>) -> QueryError {
        QueryError::BadRequest(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> QueryError {
        QueryError::NotFound {
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    /// A stable machine-readable name for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::NotFound { .. } => "not_found",
            QueryError::Ambiguous { .. } => "ambiguous",
            QueryError::NoIndex(_) => "no_index",
            QueryError::NoSearchIndex(_) => "no_search_index",
            QueryError::NewerSchema(_) => "newer_schema",
            QueryError::OlderSchema(_) => "older_schema",
            QueryError::Damaged(_) => "damaged",
            QueryError::Busy(_) => "busy",
            QueryError::BadRequest(_) => "bad_request",
            QueryError::Internal(_) => "internal",
        }
    }

    /// The HTTP status that says the same thing.
    pub fn http_status(&self) -> u16 {
        match self {
            QueryError::NotFound { .. } => 404,
            QueryError::Ambiguous { .. } => 409,
            QueryError::BadRequest(_) => 400,
            QueryError::Internal(_) => 500,
            QueryError::NoIndex(_)
            | QueryError::NoSearchIndex(_)
            | QueryError::NewerSchema(_)
            | QueryError::OlderSchema(_)
            | QueryError::Damaged(_)
            | QueryError::Busy(_) => 503,
        }
    }

    /// `{"error": message, "code": code, "suggestions"|"candidates": ...}`.
    pub fn to_json(&self) -> Value {
        let mut value = json!({ "error": self.to_string(), "code": self.code() });
        match self {
            QueryError::NotFound { suggestions, .. } if !suggestions.is_empty() => {
                value["suggestions"] = json!(suggestions);
            }
            QueryError::Ambiguous { candidates, .. } => {
                value["candidates"] = json!(candidates);
            }
            _ => {}
        }
        value
    }
}

impl From<StoreError> for QueryError {
    fn from(error: StoreError) -> QueryError {
        let message = error.to_string();
        match error {
            StoreError::NotFound(_) => QueryError::NoIndex(message),
            StoreError::Locked(_) => QueryError::Busy(message),
            StoreError::NewerSchema { .. } => QueryError::NewerSchema(message),
            StoreError::OlderSchema { .. } => QueryError::OlderSchema(message),
            StoreError::Corrupt { .. } => QueryError::Damaged(message),
            StoreError::WriteFailed { .. }
            | StoreError::NotOpened { .. }
            | StoreError::Db { .. } => QueryError::Internal(message),
        }
    }
}

impl From<SearchError> for QueryError {
    fn from(error: SearchError) -> QueryError {
        let message = error.to_string();
        match error {
            SearchError::Store(store) => store.into(),
            SearchError::Missing(_)
            | SearchError::EmbedderMismatch { .. }
            | SearchError::Retired { .. }
            | SearchError::OtherLayout { .. }
            | SearchError::UnknownEmbedder(_) => QueryError::NoSearchIndex(message),
            SearchError::Corrupt { .. } => QueryError::Damaged(message),
            SearchError::Glob(_) => QueryError::BadRequest(message),
            _ => QueryError::Internal(message),
        }
    }
}

pub type Result<T, E = QueryError> = std::result::Result<T, E>;
