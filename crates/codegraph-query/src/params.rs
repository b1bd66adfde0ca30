//! The questions, as the HTTP API and MCP receive them (JSON objects; the
//! CLI fills them from its flags). Every limit has a default and a cap.
//! Field docs become the JSON Schema descriptions agents read, so they
//! are short.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindParams {
    /// Name or qualified name; prefix and fuzzy matches follow.
    pub name: String,
    /// function, method, class, struct, ...
    pub kind: Option<String>,
    /// rust, python, typescript, ...
    pub lang: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SymbolParams {
    /// Name, qualified name, id, or FILE:LINE.
    pub symbol: String,
    /// Most source lines returned (default 80).
    pub source_lines: Option<usize>,
    /// Most direct edges each way (default 50).
    pub edges: Option<usize>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallDirection {
    #[default]
    Callers,
    Callees,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallsParams {
    pub symbol: String,
    /// callers (default) or callees.
    pub direction: Option<CallDirection>,
    /// Levels to follow (default 1, max 10).
    pub depth: Option<u32>,
    pub limit: Option<usize>,
    /// Skip edges below this confidence (0-1).
    pub min_confidence: Option<f32>,
    /// Include calls matched by name only.
    pub guesses: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferencesParams {
    pub symbol: String,
    pub limit: Option<usize>,
    pub min_confidence: Option<f32>,
    pub guesses: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactParams {
    /// Symbol, or a file path for everything in it.
    pub target: String,
    /// Levels to follow (default 3).
    pub depth: Option<u32>,
    pub limit: Option<usize>,
    pub min_confidence: Option<f32>,
    pub guesses: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathParams {
    pub from: String,
    pub to: String,
    pub max_depth: Option<u32>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// What the code does, or names in it.
    pub query: String,
    /// hybrid (default), lexical or semantic.
    pub mode: Option<String>,
    pub kind: Option<String>,
    pub lang: Option<String>,
    /// File glob, e.g. src/**/*.py
    pub path: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsParams {}
