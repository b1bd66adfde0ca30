//! MCP: the queries as tools for AI agents, over stdio (`codegraph mcp`)
//! and streamable HTTP (`/mcp` on `codegraph serve`), with the official
//! Rust SDK.
//!
//! Agents pay for every tool description in their context window, so the
//! default set is small (eight tools, [`TOOLS_BUDGET`] tokens at most for
//! the whole `tools/list` answer; a test holds it) and `--tools all` adds
//! the rest. Each answer is the text a terminal would show, citing
//! `file:line`, with the same facts as structured content; limits default
//! lower than the command line's, and a request can raise them.

use std::sync::Arc;

use codegraph_query::params::*;
use codegraph_query::{text, Engine, QueryError};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{tool, tool_handler, tool_router, ServerHandler};
use serde::Serialize;

use crate::live::Live;

/// Most tokens the default `tools/list` answer may cost an agent.
pub const TOOLS_BUDGET: usize = 2000;

/// Tools left out of the default set.
const EXTRA_TOOLS: [&str; 1] = ["find"];

/// Which tools a server exposes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ToolSet {
    #[default]
    Default,
    All,
}

impl std::str::FromStr for ToolSet {
    type Err = String;
    fn from_str(text: &str) -> Result<ToolSet, String> {
        match text {
            "default" => Ok(ToolSet::Default),
            "all" => Ok(ToolSet::All),
            _ => Err(format!(
                "unknown tool set '{text}' (expected default or all)"
            )),
        }
    }
}

/// Limits when an agent names none: enough to act on, short enough to
/// read.
mod limits {
    pub const CALLS: usize = 50;
    pub const REFERENCES: usize = 100;
    pub const IMPACT: usize = 50;
}

#[derive(Clone)]
pub struct CodegraphMcp {
    live: Arc<Live>,
    tool_router: ToolRouter<CodegraphMcp>,
}

/// Runs a query off the async threads and makes its answer a tool result:
/// the text rendering, plus the JSON as structured content; a query error
/// is a tool error the agent reads (with its code, candidates or
/// suggestions), not a protocol failure.
async fn answer<T, Q, R>(live: &Arc<Live>, query: Q, render: R) -> CallToolResult
where
    T: Serialize + Send + 'static,
    Q: FnOnce(&Engine) -> Result<T, QueryError> + Send + 'static,
    R: FnOnce(&T) -> String + Send + 'static,
{
    let live = Arc::clone(live);
    let done = tokio::task::spawn_blocking(move || {
        let engine = live.engine();
        query(&engine).map(|value| {
            let text = render(&value);
            (text, serde_json::to_value(&value))
        })
    })
    .await;
    match done {
        Ok(Ok((text, Ok(value)))) => {
            let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
            result.structured_content = Some(value);
            result
        }
        Ok(Err(error)) => {
            let mut result = CallToolResult::error(vec![ContentBlock::text(error_text(&error))]);
            result.structured_content = Some(error.to_json());
            result
        }
        Ok(Ok((_, Err(error)))) => {
            CallToolResult::error(vec![ContentBlock::text(format!("internal error: {error}"))])
        }
        Err(error) => {
            CallToolResult::error(vec![ContentBlock::text(format!("internal error: {error}"))])
        }
    }
}

/// An error as an agent reads it: the message, and for an ambiguous name
/// the candidates to choose from.
fn error_text(error: &QueryError) -> String {
    let mut out = format!("{} ({})", error, error.code());
    if let QueryError::Ambiguous { candidates, .. } = error {
        for c in candidates.iter().take(20) {
            out += &format!("\n  {}  {}", c.id, c.line());
        }
    }
    out
}

#[tool_router]
impl CodegraphMcp {
    pub fn new(live: Arc<Live>, tools: ToolSet) -> CodegraphMcp {
        let mut tool_router = Self::tool_router();
        if tools == ToolSet::Default {
            for name in EXTRA_TOOLS {
                tool_router.remove_route(name);
            }
        }
        CodegraphMcp { live, tool_router }
    }

    /// The tools this server lists.
    pub fn tools(&self) -> Vec<rmcp::model::Tool> {
        self.tool_router.list_all()
    }

    #[tool(
        description = "Search the code by what it does or by name (hybrid keyword + semantic). Ranked symbols with file:line and a snippet.",
        annotations(read_only_hint = true)
    )]
    async fn search(&self, Parameters(params): Parameters<SearchParams>) -> CallToolResult {
        answer(&self.live, move |e| e.search(&params), text::search).await
    }

    #[tool(
        description = "A symbol's definition: signature, doc, source and direct edges. symbol: name, qualified name, id or FILE:LINE.",
        annotations(read_only_hint = true)
    )]
    async fn symbol(&self, Parameters(params): Parameters<SymbolParams>) -> CallToolResult {
        answer(&self.live, move |e| e.symbol(&params), text::symbol).await
    }

    #[tool(
        description = "Who calls a function (or, direction=callees, what it calls), as a tree with each call's file:line and confidence.",
        annotations(read_only_hint = true)
    )]
    async fn callers(&self, Parameters(mut params): Parameters<CallsParams>) -> CallToolResult {
        params.limit.get_or_insert(limits::CALLS);
        answer(&self.live, move |e| e.calls(&params), text::calls).await
    }

    #[tool(
        description = "Every place that refers to a symbol (calls, type uses, inheritance, imports), by file and line.",
        annotations(read_only_hint = true)
    )]
    async fn references(
        &self,
        Parameters(mut params): Parameters<ReferencesParams>,
    ) -> CallToolResult {
        params.limit.get_or_insert(limits::REFERENCES);
        answer(&self.live, move |e| e.references(&params), text::references).await
    }

    #[tool(
        description = "What breaks if a symbol or file changes: transitive dependents ranked by distance, with affected files and tests.",
        annotations(read_only_hint = true)
    )]
    async fn impact(&self, Parameters(mut params): Parameters<ImpactParams>) -> CallToolResult {
        params.limit.get_or_insert(limits::IMPACT);
        answer(&self.live, move |e| e.impact(&params), text::impact).await
    }

    #[tool(
        description = "The shortest dependency path (calls, references, imports, containment) from one symbol to another.",
        annotations(read_only_hint = true)
    )]
    async fn path(&self, Parameters(params): Parameters<PathParams>) -> CallToolResult {
        answer(&self.live, move |e| e.path(&params), text::path).await
    }

    #[tool(
        description = "The code that answers a question (or surrounds a symbol), packed into a token budget: whole definitions of the best matches, signatures of their callers, callees, types and tests.",
        annotations(read_only_hint = true)
    )]
    async fn context(
        &self,
        Parameters(params): Parameters<codegraph_query::context::ContextParams>,
    ) -> CallToolResult {
        answer(&self.live, move |e| e.context(&params), text::context).await
    }

    #[tool(
        description = "Index status: files, symbols and edges by language, and which index run is served.",
        annotations(read_only_hint = true)
    )]
    async fn status(&self, Parameters(_): Parameters<StatsParams>) -> CallToolResult {
        answer(&self.live, |e| e.stats(), text::stats).await
    }

    #[tool(
        description = "Look a symbol up by name: exact, then prefix, then fuzzy.",
        annotations(read_only_hint = true)
    )]
    async fn find(&self, Parameters(params): Parameters<FindParams>) -> CallToolResult {
        answer(
            &self.live,
            move |e| e.find(&params),
            |hits| text::find(hits),
        )
        .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for CodegraphMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("codegraph", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Code graph of this repository: search code, read symbols, follow callers, \
                 references and impact. Answers cite file:line.",
            )
    }
}

/// Serves MCP on stdin/stdout until the client closes it.
pub async fn serve_stdio(live: Arc<Live>, tools: ToolSet) -> anyhow::Result<()> {
    use rmcp::ServiceExt;
    live.spawn_refresher();
    let server = CodegraphMcp::new(live, tools)
        .serve(rmcp::transport::stdio())
        .await?;
    server.waiting().await?;
    Ok(())
}

/// The streamable HTTP service for `/mcp` (stateless: every request
/// stands alone, so any number of agents share one server).
pub fn http_service(
    live: Arc<Live>,
    tools: ToolSet,
    open_to_any_host: bool,
    cancel: tokio_util::sync::CancellationToken,
) -> rmcp::transport::StreamableHttpService<
    CodegraphMcp,
    rmcp::transport::streamable_http_server::session::local::LocalSessionManager,
> {
    use rmcp::transport::StreamableHttpServerConfig;
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_cancellation_token(cancel);
    if open_to_any_host {
        // Bound beyond loopback: the bearer token guards it instead.
        config = config.disable_allowed_hosts();
    }
    rmcp::transport::StreamableHttpService::new(
        move || Ok(CodegraphMcp::new(Arc::clone(&live), tools)),
        Default::default(),
        config,
    )
}

/// The `tools/list` answer of a server with `tools`, as an agent receives
/// it, with its size in tokens (`cl100k_base`, counted offline).
pub fn tools_list(live: Arc<Live>, tools: ToolSet) -> anyhow::Result<serde_json::Value> {
    let listed = CodegraphMcp::new(live, tools).tools();
    let body = serde_json::to_value(serde_json::json!({ "tools": listed }))?;
    let tokens = codegraph_query::context::count_tokens(&body.to_string());
    Ok(serde_json::json!({ "tools": body["tools"], "tokens": tokens, "budget": TOOLS_BUDGET }))
}

/// One line per tool, then the total.
pub fn tools_summary(listed: &serde_json::Value) -> String {
    let mut out = String::new();
    for tool in listed["tools"].as_array().into_iter().flatten() {
        out += &format!(
            "{:<11} {}\n",
            tool["name"].as_str().unwrap_or(""),
            tool["description"].as_str().unwrap_or("")
        );
    }
    out += &format!(
        "tools/list: {} tools, {} tokens (cl100k_base; budget {})\n",
        listed["tools"].as_array().map_or(0, Vec::len),
        listed["tokens"],
        listed["budget"]
    );
    out
}
