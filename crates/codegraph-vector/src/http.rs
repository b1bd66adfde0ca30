//! Embeddings from any OpenAI-compatible `/v1/embeddings` endpoint
//! (Ollama, LM Studio, vLLM, OpenAI), configured from the environment:
//!
//! - `CODEGRAPH_EMBED_URL`   base URL, e.g. `http://localhost:11434/v1`
//! - `CODEGRAPH_EMBED_MODEL` model name, e.g. `nomic-embed-text`
//! - `CODEGRAPH_EMBED_API_KEY` (or `OPENAI_API_KEY`), sent as a bearer token
//!
//! Texts go in batches of [`BATCH`]; each request has a timeout and is
//! retried with exponential backoff on connection errors, 429 and 5xx.
//! Vectors are L2-normalised here, whatever the server returns.

use std::time::Duration;

use serde_json::{json, Value};

use crate::embed::{EmbedError, Embedder};

/// Texts per request.
pub const BATCH: usize = 64;
const TIMEOUT: Duration = Duration::from_secs(60);
const RETRIES: u32 = 3;
const BACKOFF: Duration = Duration::from_millis(250);

pub struct HttpEmbedder {
    agent: ureq::Agent,
    endpoint: String,
    model: String,
    api_key: Option<String>,
    id: String,
    dim: usize,
    backoff: Duration,
}

fn service(message: impl Into<String>) -> EmbedError {
    EmbedError::Service(message.into())
}

impl HttpEmbedder {
    /// Reads the configuration from the environment and asks the server
    /// once for the model's dimension.
    pub fn from_env() -> Result<HttpEmbedder, EmbedError> {
        let url = std::env::var("CODEGRAPH_EMBED_URL").map_err(|_| {
            service("set CODEGRAPH_EMBED_URL (e.g. http://localhost:11434/v1) for --embedder http")
        })?;
        let model = std::env::var("CODEGRAPH_EMBED_MODEL").map_err(|_| {
            service("set CODEGRAPH_EMBED_MODEL (e.g. nomic-embed-text) for --embedder http")
        })?;
        let key = std::env::var("CODEGRAPH_EMBED_API_KEY")
            .or_else(|_| std::env::var("OPENAI_API_KEY"))
            .ok()
            .filter(|k| !k.is_empty());
        HttpEmbedder::new(&url, &model, key)
    }

    pub fn new(
        url: &str,
        model: &str,
        api_key: Option<String>,
    ) -> Result<HttpEmbedder, EmbedError> {
        let mut embedder = HttpEmbedder {
            agent: ureq::AgentBuilder::new()
                .timeout_connect(Duration::from_secs(10))
                .timeout(TIMEOUT)
                .build(),
            endpoint: format!("{}/embeddings", url.trim_end_matches('/')),
            model: model.to_string(),
            api_key,
            id: format!("http:{model}"),
            dim: 0,
            backoff: BACKOFF,
        };
        let probe = embedder.request(&["dimension probe"])?;
        embedder.dim = probe[0].len();
        if embedder.dim == 0 {
            return Err(service("the server returned an empty embedding"));
        }
        Ok(embedder)
    }

    /// Shortens the retry backoff (tests).
    pub fn with_backoff(mut self, backoff: Duration) -> HttpEmbedder {
        self.backoff = backoff;
        self
    }

    fn request(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let body = json!({ "model": self.model, "input": texts });
        let mut attempt = 0;
        loop {
            let mut req = self.agent.post(&self.endpoint);
            if let Some(key) = &self.api_key {
                req = req.set("Authorization", &format!("Bearer {key}"));
            }
            let retryable = match req.send_json(&body) {
                Ok(resp) => {
                    let value: Value = resp.into_json().map_err(|e| {
                        service(format!("{}: unreadable response: {e}", self.endpoint))
                    })?;
                    return parse(&value, texts.len());
                }
                Err(ureq::Error::Status(code, resp)) => {
                    let detail = resp.into_string().unwrap_or_default();
                    let message = format!("{} answered {code}: {}", self.endpoint, detail.trim());
                    if code != 429 && code < 500 {
                        return Err(service(message));
                    }
                    message
                }
                Err(e) => format!("{}: {e}", self.endpoint),
            };
            if attempt == RETRIES {
                return Err(service(format!(
                    "{retryable} (after {} attempts)",
                    attempt + 1
                )));
            }
            std::thread::sleep(self.backoff * 2u32.pow(attempt));
            attempt += 1;
        }
    }
}

/// The vectors of an OpenAI-style response, in input order, normalised.
fn parse(value: &Value, expected: usize) -> Result<Vec<Vec<f32>>, EmbedError> {
    let data = value["data"]
        .as_array()
        .ok_or_else(|| service("response has no \"data\" array"))?;
    if data.len() != expected {
        return Err(service(format!(
            "asked for {expected} embeddings, got {}",
            data.len()
        )));
    }
    let mut out = vec![Vec::new(); expected];
    for (i, item) in data.iter().enumerate() {
        let index = item["index"].as_u64().map_or(i, |x| x as usize);
        let mut v: Vec<f32> = item["embedding"]
            .as_array()
            .ok_or_else(|| service("an item has no \"embedding\" array"))?
            .iter()
            .map(|x| x.as_f64().unwrap_or(0.0) as f32)
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        *out.get_mut(index)
            .ok_or_else(|| service("embedding index out of range"))? = v;
    }
    Ok(out)
}

impl Embedder for HttpEmbedder {
    fn id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed(&self, texts: &[&str], out: &mut Vec<f32>) -> Result<(), EmbedError> {
        for batch in texts.chunks(BATCH) {
            for v in self.request(batch)? {
                if v.len() != self.dim {
                    return Err(service(format!(
                        "the model returned {} dimensions, expected {}",
                        v.len(),
                        self.dim
                    )));
                }
                out.extend(v);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A one-thread OpenAI-compatible server: the vector of a text is
    /// (len, 1, 0); the first `fail_first` requests get a 503; a request
    /// without the right key gets a 401.
    fn server(fail_first: usize) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut authorised) = (0usize, false);
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    authorised |= lower.starts_with("authorization: bearer secret");
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let (status, reply) = if !authorised {
                    ("401 Unauthorized", json!({"error": "bad key"}))
                } else if n < fail_first {
                    ("503 Service Unavailable", json!({"error": "busy"}))
                } else {
                    let req: Value = serde_json::from_slice(&body).unwrap();
                    let data: Vec<Value> = req["input"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .enumerate()
                        .rev() // out of order: the client must use "index"
                        .map(|(i, t)| json!({"index": i, "embedding": [t.as_str().unwrap().len() as f64, 1.0, 0.0]}))
                        .collect();
                    ("200 OK", json!({ "data": data }))
                };
                let reply = reply.to_string();
                write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                )
                .unwrap();
            }
        });
        (url, requests)
    }

    #[test]
    fn batches_orders_normalises_and_retries() {
        let (url, requests) = server(2);
        let e = HttpEmbedder::new(&url, "toy", Some("secret".into()))
            .unwrap()
            .with_backoff(Duration::from_millis(1));
        assert_eq!(e.dim(), 3);
        assert_eq!(e.id(), "http:toy");
        assert_eq!(
            requests.load(Ordering::SeqCst),
            3,
            "two 503s, then the probe"
        );
        let texts: Vec<String> = (0..BATCH + 1).map(|i| "x".repeat(i + 1)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        e.embed(&refs, &mut out).unwrap();
        assert_eq!(requests.load(Ordering::SeqCst), 5, "two batches");
        assert_eq!(out.len(), (BATCH + 1) * 3);
        let first = &out[..3];
        let s = 2f32.sqrt();
        assert!((first[0] - 1.0 / s).abs() < 1e-6 && (first[1] - 1.0 / s).abs() < 1e-6);
        let last = &out[BATCH * 3..];
        assert!(last[0] > 0.99, "{last:?}");
    }

    #[test]
    fn reports_client_errors_and_unreachable_servers() {
        let (url, _) = server(0);
        let err = HttpEmbedder::new(&url, "toy", Some("wrong".into()))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("401") && err.contains("bad key"), "{err}");
        let err = HttpEmbedder::new("http://127.0.0.1:9/v1", "toy", None)
            .map(|e| e.with_backoff(Duration::from_millis(1)))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("127.0.0.1:9"), "{err}");
    }
}
