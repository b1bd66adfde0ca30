//! `codegraph serve`: the HTTP API (every query as a JSON endpoint),
//! `/health`, `/metrics` (Prometheus text), `/openapi.json`, and MCP over
//! streamable HTTP at `/mcp`.
//!
//! Loopback only unless a bearer token is set; request bodies, result
//! sizes and time per request are limited; each query error has its
//! status code (400 bad request, 401 no or wrong token, 404 not found, 409
//! ambiguous, 413 body too large, 503 no usable index or too slow). The
//! index is followed as it changes ([`Live`]).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use codegraph_graph::cache::CacheStats;
use codegraph_query::params::*;
use codegraph_query::{Engine, QueryError};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::live::Live;
use crate::mcp::ToolSet;

pub struct ServeConfig {
    pub addr: SocketAddr,
    /// Bearer token every request but `/health` must carry.
    pub token: Option<String>,
    pub tools: ToolSet,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest a query may take before the request is answered 503.
    pub timeout: Duration,
}

/// The query endpoints under `/api/`, in the order `/openapi.json` lists
/// them, with what each answers.
pub const ENDPOINTS: [(&str, &str); 10] = [
    ("search", "Hybrid, lexical or semantic search"),
    (
        "find",
        "Look a symbol up by name: exact, then prefix, then fuzzy",
    ),
    ("symbol", "One symbol with its source and direct edges"),
    ("callers", "Callers of a symbol, as a tree"),
    ("callees", "Callees of a symbol, as a tree"),
    ("references", "Every site that refers to a symbol, by file"),
    (
        "impact",
        "Transitive dependents of a symbol or file, ranked",
    ),
    ("path", "The shortest dependency path between two symbols"),
    (
        "context",
        "The code that answers a question, packed into a token budget",
    ),
    ("stats", "Index counts, sizes and generation"),
];

/// Every label `/metrics` reports requests under.
const LABELS: [&str; 15] = [
    "search",
    "find",
    "symbol",
    "callers",
    "callees",
    "references",
    "impact",
    "path",
    "context",
    "stats",
    "health",
    "metrics",
    "openapi",
    "mcp",
    "other",
];

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

/// Status codes counted separately (anything else is counted as 0).
const STATUSES: [u16; 10] = [200, 202, 400, 401, 404, 405, 409, 413, 500, 503];

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    micros: AtomicU64,
    statuses: [AtomicU64; STATUSES.len() + 1],
}

pub struct App {
    live: Arc<Live>,
    token: Option<String>,
    timeout: Duration,
    metrics: [Histogram; LABELS.len()],
}

impl App {
    fn record(&self, label: &str, status: u16, elapsed: Duration) {
        let index = LABELS
            .iter()
            .position(|l| *l == label)
            .unwrap_or(LABELS.len() - 1);
        let h = &self.metrics[index];
        let seconds = elapsed.as_secs_f64();
        for (bucket, bound) in h.buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        h.count.fetch_add(1, Ordering::Relaxed);
        h.micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        let slot = STATUSES
            .iter()
            .position(|s| *s == status)
            .unwrap_or(STATUSES.len());
        h.statuses[slot].fetch_add(1, Ordering::Relaxed);
    }
}

/// The label a request path is counted under.
fn label(path: &str) -> &'static str {
    let name = path.strip_prefix("/api/").unwrap_or(match path {
        "/health" => "health",
        "/metrics" => "metrics",
        "/openapi.json" => "openapi",
        p if p == "/mcp" || p.starts_with("/mcp/") => "mcp",
        _ => "other",
    });
    LABELS
        .iter()
        .find(|l| **l == name)
        .copied()
        .unwrap_or("other")
}

/// The router, for a server or a test.
pub fn router(
    live: Arc<Live>,
    config: &ServeConfig,
    cancel: tokio_util::sync::CancellationToken,
) -> Router {
    let app = Arc::new(App {
        live: Arc::clone(&live),
        token: config.token.clone(),
        timeout: config.timeout,
        metrics: Default::default(),
    });
    let open_to_any_host = !config.addr.ip().is_loopback();
    let mcp = crate::mcp::http_service(live, config.tools, open_to_any_host, cancel);
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/api/{endpoint}", any(api))
        .nest_service("/mcp", mcp)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            guard,
        ))
        .with_state(app)
}

/// Runs the server until Ctrl-C or SIGTERM. Prints the address it
/// listens on (to stderr) once bound, so `--addr 127.0.0.1:0` is usable.
pub async fn serve(live: Arc<Live>, config: ServeConfig) -> anyhow::Result<()> {
    if !config.addr.ip().is_loopback() && config.token.is_none() {
        anyhow::bail!(
            "serving on {} exposes the index beyond this machine; set a bearer token with --token (or CODEGRAPH_TOKEN), or bind to 127.0.0.1",
            config.addr
        );
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    let bound = listener.local_addr()?;
    live.spawn_refresher();
    let cancel = tokio_util::sync::CancellationToken::new();
    let app = router(live, &config, cancel.clone());
    eprintln!("codegraph: serving http://{bound} (API under /api/, MCP at /mcp)");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            cancel.cancel();
        })
        .await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM: what ends `serve` and `watch`.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    // Without a SIGTERM handler (the runtime could not install one),
    // Ctrl-C still stops the server.
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = ctrl_c.await;
        }
    }
}

/// Checks the token (all but `/health`), then times and counts the request.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let label = label(request.uri().path());
    let response = if label != "health" && !authorized(app.token.as_deref(), &request) {
        let mut response = error_response(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "missing or wrong bearer token", "code": "unauthorized" }),
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    } else {
        next.run(request).await
    };
    app.record(label, response.status().as_u16(), started.elapsed());
    response
}

fn authorized(token: Option<&str>, request: &Request) -> bool {
    let Some(token) = token else {
        return true;
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    constant_time_eq(given.as_bytes(), token.as_bytes())
}

/// Equal in time that depends only on the lengths, not on where the first
/// difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

fn error_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn query_error_response(error: &QueryError) -> Response {
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error_response(status, error.to_json())
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let engine = app.live.engine();
    axum::Json(json!({ "status": "ok", "generation": engine.generation().number() }))
        .into_response()
}

/// A request's parameters: the query string of a GET, the JSON body of a
/// POST.
fn params<T: DeserializeOwned>(
    method: &Method,
    query: Option<&str>,
    body: &[u8],
) -> Result<T, QueryError> {
    if method == Method::GET {
        serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| QueryError::bad_request(format!("bad query string: {e}")))
    } else {
        serde_json::from_slice(if body.is_empty() { b"{}" } else { body })
            .map_err(|e| QueryError::bad_request(format!("bad JSON body: {e}")))
    }
}

/// Answers one API request with the engine current when it arrived, as
/// the JSON body of the answer (serialized once, straight to bytes).
fn dispatch(
    engine: &Engine,
    endpoint: &str,
    method: &Method,
    query: Option<&str>,
    body: &[u8],
) -> Result<Vec<u8>, QueryError> {
    fn json<T: serde::Serialize>(value: T) -> Result<Vec<u8>, QueryError> {
        serde_json::to_vec(&value).map_err(|e| QueryError::Internal(e.to_string()))
    }
    match endpoint {
        "search" => json(engine.search(&params(method, query, body)?)?),
        "find" => json(engine.find(&params(method, query, body)?)?),
        "symbol" => json(engine.symbol(&params(method, query, body)?)?),
        "callers" | "callees" => {
            let mut p: CallsParams = params(method, query, body)?;
            p.direction = Some(if endpoint == "callers" {
                CallDirection::Callers
            } else {
                CallDirection::Callees
            });
            json(engine.calls(&p)?)
        }
        "references" => json(engine.references(&params(method, query, body)?)?),
        "impact" => json(engine.impact(&params(method, query, body)?)?),
        "path" => json(engine.path(&params(method, query, body)?)?),
        "context" => json(engine.context(&params(method, query, body)?)?),
        "stats" => {
            let _: StatsParams = params(method, query, body)?;
            json(engine.stats()?)
        }
        _ => Err(QueryError::not_found(format!(
            "no endpoint /api/{endpoint}"
        ))),
    }
}

async fn api(
    State(app): State<Arc<App>>,
    Path(endpoint): Path<String>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    if method != Method::GET && method != Method::POST {
        return error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({ "error": "use GET with a query string or POST with a JSON body", "code": "method_not_allowed" }),
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "too_large"
            } else {
                "bad_request"
            };
            let mut response = error_response(
                status,
                json!({ "error": rejection.body_text(), "code": code }),
            );
            // The rest of the body is never read, so the connection closes
            // after this answer: said, so a client does not send its next
            // request down it.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };
    let engine = app.live.engine();
    // Lookups read a handful of keys, bounded by their limits: answered on
    // the async worker, where a hand-off to the blocking pool would cost
    // more than the lookup. Walks and searches go to the blocking pool,
    // under the time limit.
    let answer = if INLINE.contains(&endpoint.as_str()) {
        Ok(Ok(dispatch(
            &engine,
            &endpoint,
            &method,
            query.as_deref(),
            &body,
        )))
    } else {
        let work = tokio::task::spawn_blocking(move || {
            dispatch(&engine, &endpoint, &method, query.as_deref(), &body)
        });
        tokio::time::timeout(app.timeout, work).await
    };
    match answer {
        Ok(Ok(Ok(bytes))) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Ok(Ok(Err(error))) => query_error_response(&error),
        Ok(Err(join)) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": format!("the query failed: {join}"), "code": "internal" }),
        ),
        Err(_) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "error": format!("the query took longer than {} ms", app.timeout.as_millis()),
                "code": "timeout"
            }),
        ),
    }
}

/// Endpoints answered without leaving the async worker.
const INLINE: [&str; 2] = ["find", "stats"];

/// A metric family over the caches: name, type, help, the counter read.
type CacheFamily = (
    &'static str,
    &'static str,
    &'static str,
    fn(&CacheStats) -> u64,
);

async fn metrics(State(app): State<Arc<App>>) -> Response {
    let engine = app.live.engine();
    let mut out = String::new();
    out += "# HELP codegraph_requests_total Requests answered, by endpoint and status code.\n";
    out += "# TYPE codegraph_requests_total counter\n";
    for (label, h) in LABELS.iter().zip(&app.metrics) {
        for (slot, count) in h.statuses.iter().enumerate() {
            let count = count.load(Ordering::Relaxed);
            if count > 0 {
                let code = STATUSES.get(slot).copied().unwrap_or(0);
                out += &format!(
                    "codegraph_requests_total{{endpoint=\"{label}\",code=\"{code}\"}} {count}\n"
                );
            }
        }
    }
    out += "# HELP codegraph_request_duration_seconds Time to answer a request.\n";
    out += "# TYPE codegraph_request_duration_seconds histogram\n";
    for (label, h) in LABELS.iter().zip(&app.metrics) {
        let count = h.count.load(Ordering::Relaxed);
        if count == 0 {
            continue;
        }
        for (bucket, bound) in h.buckets.iter().zip(BUCKETS) {
            out += &format!(
                "codegraph_request_duration_seconds_bucket{{endpoint=\"{label}\",le=\"{bound}\"}} {}\n",
                bucket.load(Ordering::Relaxed)
            );
        }
        out += &format!("codegraph_request_duration_seconds_bucket{{endpoint=\"{label}\",le=\"+Inf\"}} {count}\n");
        out += &format!(
            "codegraph_request_duration_seconds_sum{{endpoint=\"{label}\"}} {}\n",
            h.micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        out +=
            &format!("codegraph_request_duration_seconds_count{{endpoint=\"{label}\"}} {count}\n");
    }
    let gauge = |out: &mut String, name: &str, help: &str, value: u64| {
        *out += &format!("# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
    };
    if let Ok(stats) = engine.store().stats() {
        gauge(
            &mut out,
            "codegraph_index_files",
            "Files in the served index.",
            stats.files,
        );
        gauge(
            &mut out,
            "codegraph_index_nodes",
            "Symbols in the served index.",
            stats.nodes,
        );
        gauge(
            &mut out,
            "codegraph_index_edges",
            "Edges in the served index.",
            stats.edges,
        );
    }
    gauge(
        &mut out,
        "codegraph_index_generation",
        "The index run being served.",
        engine.generation().number(),
    );
    gauge(
        &mut out,
        "codegraph_index_disk_bytes",
        "Bytes of the graph store on disk.",
        engine.store().disk_size_bytes(),
    );
    let (used, capacity) = engine.store().block_cache_bytes();
    gauge(
        &mut out,
        "codegraph_block_cache_bytes",
        "Bytes held in the store's block cache.",
        used as u64,
    );
    gauge(
        &mut out,
        "codegraph_block_cache_capacity_bytes",
        "Capacity of the store's block cache.",
        capacity as u64,
    );
    // Per cache; they restart from zero with each index run served (each
    // run's engine has its own caches).
    let caches = engine.cache_stats();
    let families: [CacheFamily; 5] = [
        (
            "codegraph_cache_hits_total",
            "counter",
            "Lookups a cache answered.",
            |c| c.hits,
        ),
        (
            "codegraph_cache_misses_total",
            "counter",
            "Lookups a cache could not answer.",
            |c| c.misses,
        ),
        (
            "codegraph_cache_evictions_total",
            "counter",
            "Entries a cache dropped to stay within its bytes.",
            |c| c.evictions,
        ),
        (
            "codegraph_cache_bytes",
            "gauge",
            "Bytes a cache holds.",
            |c| c.bytes,
        ),
        (
            "codegraph_cache_capacity_bytes",
            "gauge",
            "Bytes a cache may hold.",
            |c| c.capacity_bytes,
        ),
    ];
    // No family at all for an engine without caches.
    for (name, kind, help, value) in families.into_iter().filter(|_| !caches.is_empty()) {
        out += &format!("# HELP {name} {help}\n# TYPE {name} {kind}\n");
        for cache in &caches {
            out += &format!("{name}{{cache=\"{}\"}} {}\n", cache.name, value(cache));
        }
    }
    if let Some(rss) = codegraph_query::resident_bytes() {
        gauge(
            &mut out,
            "codegraph_resident_bytes",
            "Resident memory of the server.",
            rss,
        );
    }
    Response::builder()
        .header(header::CONTENT_TYPE, "text/plain; version=0.0.4")
        .body(Body::from(out))
        .expect("a static header is valid")
}

/// The OpenAPI 3.1 document: every endpoint, its parameters (query
/// string or JSON body, same fields) and its errors.
pub fn openapi_document() -> Value {
    let schema = |name: &str| -> Value {
        let schema = match name {
            "search" => schemars::schema_for!(SearchParams),
            "find" => schemars::schema_for!(FindParams),
            "symbol" => schemars::schema_for!(SymbolParams),
            "callers" | "callees" => schemars::schema_for!(CallsParams),
            "references" => schemars::schema_for!(ReferencesParams),
            "impact" => schemars::schema_for!(ImpactParams),
            "path" => schemars::schema_for!(PathParams),
            "context" => schemars::schema_for!(codegraph_query::context::ContextParams),
            _ => schemars::schema_for!(StatsParams),
        };
        serde_json::to_value(schema).unwrap_or(Value::Null)
    };
    let error = json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let mut paths = serde_json::Map::new();
    for (name, summary) in ENDPOINTS {
        let body_schema = schema(name);
        let required: Vec<&str> = body_schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let parameters: Vec<Value> = body_schema["properties"]
            .as_object()
            .map(|props| {
                props
                    .iter()
                    .map(|(field, s)| {
                        json!({
                            "name": field, "in": "query",
                            "required": required.contains(&field.as_str()),
                            "description": s.get("description").cloned().unwrap_or(Value::Null),
                            "schema": s,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let responses = json!({
            "200": { "description": "The answer", "content": { "application/json": { "schema": { "type": "object" } } } },
            "400": error, "401": error, "404": error, "409": error, "413": error, "503": error,
        });
        paths.insert(
            format!("/api/{name}"),
            json!({
                "get": { "summary": summary, "operationId": format!("{name}_get"), "parameters": parameters, "responses": responses },
                "post": {
                    "summary": summary, "operationId": name,
                    "requestBody": { "required": false, "content": { "application/json": { "schema": body_schema } } },
                    "responses": responses,
                },
            }),
        );
    }
    paths.insert("/health".into(), json!({ "get": { "summary": "Liveness, and the index run served", "responses": { "200": { "description": "ok" } } } }));
    paths.insert("/metrics".into(), json!({ "get": { "summary": "Prometheus metrics", "responses": { "200": { "description": "Prometheus text format", "content": { "text/plain": {} } } } } }));
    json!({
        "openapi": "3.1.0",
        "info": { "title": "codegraph", "version": env!("CARGO_PKG_VERSION"), "description": "Query a code graph: search, symbols, callers, references, impact, paths. MCP (streamable HTTP) is served at /mcp." },
        "paths": paths,
        "components": {
            "schemas": { "Error": { "type": "object", "required": ["error", "code"], "properties": {
                "error": { "type": "string", "description": "What went wrong, in one sentence" },
                "code": { "type": "string", "description": "not_found, ambiguous, bad_request, no_index, no_search_index, newer_schema, older_schema, damaged, busy, unauthorized, too_large, timeout, internal" },
                "suggestions": { "type": "array", "items": { "type": "string" } },
                "candidates": { "type": "array", "items": { "type": "object" } },
            } } },
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
        },
    })
}

async fn openapi() -> Response {
    axum::Json(openapi_document()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
    }

    #[test]
    fn requests_are_counted_under_their_endpoint() {
        assert_eq!(label("/api/search"), "search");
        assert_eq!(label("/api/nonsense"), "other");
        assert_eq!(label("/mcp"), "mcp");
        assert_eq!(label("/health"), "health");
    }

    #[test]
    fn the_openapi_document_lists_every_endpoint_with_its_parameters() {
        let doc = openapi_document();
        for (name, _) in ENDPOINTS {
            assert!(
                doc["paths"][format!("/api/{name}")]["post"].is_object(),
                "{name}"
            );
        }
        let search = &doc["paths"]["/api/search"]["get"]["parameters"];
        let query = search
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "query")
            .unwrap();
        assert_eq!(query["required"], true);
    }
}
