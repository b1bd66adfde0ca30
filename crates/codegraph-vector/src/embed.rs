//! The embedder interface and what text stands for a symbol.

use codegraph_core::truncate_at_char;

/// Turns texts into L2-normalised vectors of a fixed dimension.
pub trait Embedder: Send + Sync {
    /// Identity recorded in the index (`name@version`): vectors from two
    /// different embedders are never mixed.
    fn id(&self) -> &str;
    fn dim(&self) -> usize;
    /// Appends `texts.len() * dim()` floats to `out`, one vector per text.
    fn embed(&self, texts: &[&str], out: &mut Vec<f32>) -> Result<(), EmbedError>;

    /// Corpus statistics the embedder learns from the documents of one
    /// index before embedding them (the static model's token weights), or
    /// `None` if it has none. Persisted by the caller and handed back
    /// through [`Embedder::load_corpus_stats`] for later batches and queries.
    fn fit_corpus(&mut self, _texts: &mut dyn Iterator<Item = String>) -> Option<Vec<f32>> {
        None
    }

    fn load_corpus_stats(&mut self, _stats: Vec<f32>) {}
}

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{0}")]
    Model(String),
    #[error("embedding service: {0}")]
    Service(String),
}

/// Bytes of a symbol's body that go into its text.
const BODY_BYTES: usize = 600;
/// Bytes of its doc comment.
const DOC_BYTES: usize = 600;

/// The text embedded for one symbol: its name (identifier-split by the
/// tokenizer), qualified path, signature, doc comment and the start of its
/// body. The name comes twice: it is the strongest signal of what a
/// symbol does, and a mean of token vectors otherwise lets a long body
/// drown it.
pub fn symbol_text(
    name: &str,
    qualified_name: &str,
    kind: &str,
    signature: Option<&str>,
    doc: Option<&str>,
    body: Option<&str>,
) -> String {
    let mut text = String::with_capacity(256);
    text.push_str(name);
    text.push(' ');
    text.push_str(name);
    text.push(' ');
    text.push_str(kind);
    text.push(' ');
    if qualified_name != name {
        text.push_str(qualified_name);
        text.push(' ');
    }
    if let Some(sig) = signature {
        text.push_str(sig);
        text.push(' ');
    }
    if let Some(doc) = doc {
        text.push_str(truncate_at_char(doc, DOC_BYTES));
        text.push(' ');
    }
    if let Some(body) = body {
        text.push_str(truncate_at_char(body, BODY_BYTES));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_text_keeps_name_first_and_cuts_long_parts() {
        let body = "é".repeat(1000);
        let t = symbol_text(
            "get",
            "http.Client.get",
            "method",
            Some("def get(self, url)"),
            Some("Fetch url."),
            Some(&body),
        );
        assert!(t.starts_with("get get method http.Client.get def get(self, url) Fetch url. "));
        assert!(t.len() < 700);
    }
}
