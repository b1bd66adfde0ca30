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
    /// The documents come in batches, so an embedder may read each batch
    /// on several threads.
    fn fit_corpus(&mut self, _batches: &mut dyn Iterator<Item = Vec<String>>) -> Option<Vec<f32>> {
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
/// body (past the signature it repeats). The name comes twice: it is the
/// strongest signal of what a symbol does, and a mean of token vectors
/// otherwise lets a long body drown it.
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
        // The body starts with the signature already given: its tokens
        // are better spent on the code after it.
        let body = signature.map_or(body, |sig| after_signature(body, sig));
        text.push_str(truncate_at_char(body, BODY_BYTES));
    }
    text
}

/// `body` past its first characters when they repeat `signature` (compared
/// ignoring whitespace, as signatures are stored with theirs collapsed); the
/// whole body when they do not.
fn after_signature<'b>(body: &'b str, signature: &str) -> &'b str {
    let mut sig = signature.chars().filter(|c| !c.is_whitespace()).peekable();
    if sig.peek().is_none() {
        return body;
    }
    for (i, c) in body.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        if sig.next() != Some(c) {
            return body;
        }
        if sig.peek().is_none() {
            return body[i + c.len_utf8()..].trim_start();
        }
    }
    body
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

    #[test]
    fn the_body_does_not_repeat_the_signature() {
        let body =
            "fn register(\n    &mut self,\n    token: Token,\n) -> Result<()> {\n    Ok(())\n}";
        let sig = "fn register( &mut self, token: Token, ) -> Result<()>";
        assert_eq!(after_signature(body, sig), "{\n    Ok(())\n}");
        // A body that does not start with it (a decorator first) stays whole.
        let body = "@cached\ndef get(self, url):\n    return 1";
        assert_eq!(after_signature(body, "def get(self, url)"), body);
        assert_eq!(
            after_signature("def get(self", "def get(self, url)"),
            "def get(self"
        );
        assert_eq!(after_signature("x = 1", ""), "x = 1");
        let t = symbol_text(
            "f",
            "f",
            "function",
            Some("def f(a)"),
            None,
            Some("def f(a):\n    return a"),
        );
        assert_eq!(t, "f f function def f(a) :\n    return a");
    }
}
