//! The built-in static embedding model: one int8 row (with an f32 scale)
//! per vocabulary token, distilled from all-MiniLM-L6-v2 by
//! `scripts/model/distill.py`. A text's embedding is the L2-normalised
//! mean of its tokens' rows: no attention, so it runs at memory speed.

use rayon::prelude::*;

use crate::embed::{EmbedError, Embedder};
use crate::wordpiece::WordPiece;

/// The model compiled into the binary (8 MB).
static BUILTIN: &[u8] = include_bytes!("../model/static-minilm.cgsm");

/// Tokens per text beyond which the rest is ignored.
pub const MAX_TOKENS: usize = 256;
/// Texts one thread counts at a time while fitting the token weights.
const FIT_CHUNK: usize = 1024;

pub struct StaticModel {
    dim: usize,
    scales: Vec<f32>,
    rows: &'static [i8],
    tokenizer: WordPiece,
}

fn bad(what: &str) -> EmbedError {
    EmbedError::Model(format!("static model: {what}"))
}

impl StaticModel {
    /// The model shipped with codegraph.
    pub fn builtin() -> Result<StaticModel, EmbedError> {
        StaticModel::parse(BUILTIN)
    }

    /// Reads the `CGSM` format documented in `scripts/model/distill.py`.
    pub fn parse(bytes: &'static [u8]) -> Result<StaticModel, EmbedError> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&'static [u8], EmbedError> {
            let out = bytes.get(at..at + n).ok_or_else(|| bad("truncated"))?;
            at += n;
            Ok(out)
        };
        if take(4)? != b"CGSM" {
            return Err(bad("not a CGSM file"));
        }
        let mut u32_at = || -> Result<u32, EmbedError> {
            Ok(u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")))
        };
        let (version, dim, vocab) = (u32_at()?, u32_at()? as usize, u32_at()? as usize);
        if version != 1 || dim == 0 || vocab == 0 {
            return Err(bad("unsupported version or shape"));
        }
        let mut tokens = Vec::with_capacity(vocab);
        for _ in 0..vocab {
            let len = u16::from_le_bytes(take(2)?.try_into().expect("2 bytes")) as usize;
            tokens.push(std::str::from_utf8(take(len)?).map_err(|_| bad("token not UTF-8"))?);
        }
        let scales = take(vocab * 4)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let raw = take(vocab * dim)?;
        // SAFETY: i8 and u8 have the same size and alignment, and every bit
        // pattern is a valid i8.
        let rows = unsafe { std::slice::from_raw_parts(raw.as_ptr().cast::<i8>(), raw.len()) };
        Ok(StaticModel {
            dim,
            scales,
            rows,
            tokenizer: WordPiece::new(tokens),
        })
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn vocab_size(&self) -> usize {
        self.scales.len()
    }

    /// The token ids of `text` (identifier-split WordPiece).
    pub fn tokenize(&self, text: &str, ids: &mut Vec<u32>) {
        ids.clear();
        self.tokenizer.tokenize(text, MAX_TOKENS, ids);
    }

    /// Embeds one text into `out` (length `dim`), L2-normalised; all zeros
    /// when no token of the text is known. `weights`, if given, scales each
    /// token's row (one weight per vocabulary entry).
    pub fn embed_into(
        &self,
        text: &str,
        weights: Option<&[f32]>,
        ids: &mut Vec<u32>,
        out: &mut [f32],
    ) {
        self.tokenize(text, ids);
        out.fill(0.0);
        for &id in ids.iter() {
            let scale = self.scales[id as usize] * weights.map_or(1.0, |w| w[id as usize]);
            let row = &self.rows[id as usize * self.dim..(id as usize + 1) * self.dim];
            for (acc, &q) in out.iter_mut().zip(row) {
                *acc += scale * f32::from(q);
            }
        }
        let norm = out.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            out.iter_mut().for_each(|v| *v /= norm);
        }
    }
}

/// [`StaticModel`] behind the [`Embedder`] trait.
///
/// Each index fits token weights to its own documents (inverse document
/// frequency: `ln(N / df)`, tokens never seen weighted as the rarest), so
/// the words every symbol shares (`self`, `return`, `none`, a project's own
/// prefix) fade and the distinctive ones carry the vector.
pub struct StaticEmbedder {
    model: StaticModel,
    weights: Option<Vec<f32>>,
}

impl StaticEmbedder {
    /// The id an index records for the built-in model (and symbol text).
    /// @1 was the distilled rows alone; @2 adds the contrastive fine-tuning
    /// (scripts/model/distill.py --refine); @3 embeds the body without the
    /// signature it repeats; @4 pulls the rows toward the teacher's
    /// embeddings of real code before the fine-tuning; @5 is trained on
    /// 27 projects instead of 12, with the tokenizer the product runs.
    pub const ID: &'static str = "static-minilm-l6-v2@5";

    pub fn builtin() -> Result<StaticEmbedder, EmbedError> {
        Ok(StaticEmbedder {
            model: StaticModel::builtin()?,
            weights: None,
        })
    }
}

impl Embedder for StaticEmbedder {
    fn id(&self) -> &str {
        Self::ID
    }

    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn embed(&self, texts: &[&str], out: &mut Vec<f32>) -> Result<(), EmbedError> {
        let dim = self.model.dim();
        let start = out.len();
        out.resize(start + texts.len() * dim, 0.0);
        let mut ids = Vec::with_capacity(MAX_TOKENS);
        for (text, slot) in texts.iter().zip(out[start..].chunks_exact_mut(dim)) {
            self.model
                .embed_into(text, self.weights.as_deref(), &mut ids, slot);
        }
        Ok(())
    }

    fn fit_corpus(&mut self, batches: &mut dyn Iterator<Item = Vec<String>>) -> Option<Vec<f32>> {
        let vocab = self.model.vocab_size();
        let mut df = vec![0u32; vocab];
        let mut n = 0u64;
        for batch in batches {
            // Each thread counts the documents of its share of the batch
            // that hold each token; the counts add up.
            let counted = batch
                .par_chunks(FIT_CHUNK)
                .map(|texts| {
                    let mut df = vec![0u32; vocab];
                    let mut ids = Vec::with_capacity(MAX_TOKENS);
                    for text in texts {
                        self.model.tokenize(text, &mut ids);
                        ids.sort_unstable();
                        ids.dedup();
                        for &id in &ids {
                            df[id as usize] += 1;
                        }
                    }
                    df
                })
                .reduce_with(|mut a, b| {
                    a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                    a
                });
            if let Some(counted) = counted {
                df.iter_mut().zip(counted).for_each(|(a, b)| *a += b);
            }
            n += batch.len() as u64;
        }
        let total = n.max(1) as f64;
        let weights: Vec<f32> = df
            .iter()
            .map(|&d| (total / f64::from(d.max(1))).ln().max(0.0) as f32)
            .collect();
        self.weights = Some(weights.clone());
        Some(weights)
    }

    fn load_corpus_stats(&mut self, stats: Vec<f32>) {
        if stats.len() == self.model.vocab_size() {
            self.weights = Some(stats);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cos(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn builtin_model_loads_and_embeds_unit_vectors() {
        let e = StaticEmbedder::builtin().unwrap();
        assert_eq!(e.dim(), 256);
        let mut out = Vec::new();
        e.embed(&["retry a failed request", ""], &mut out).unwrap();
        let norm: f32 = out[..256].iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-4, "{norm}");
        assert!(out[256..].iter().all(|&v| v == 0.0));
    }

    #[test]
    fn token_weights_count_each_document_once_whatever_the_batches() {
        let texts: Vec<String> = (0..3000)
            .map(|i| match i % 3 {
                0 => format!("retry retry retry request {i}"),
                1 => format!("parse config file {i}"),
                _ => "retry the parse".to_string(),
            })
            .collect();
        let fit = |batches: Vec<Vec<String>>| {
            let mut e = StaticEmbedder::builtin().unwrap();
            e.fit_corpus(&mut batches.into_iter()).unwrap()
        };
        let whole = fit(vec![texts.clone()]);
        let split = fit(texts.chunks(700).map(<[String]>::to_vec).collect());
        assert_eq!(whole, split);
        let e = StaticEmbedder::builtin().unwrap();
        let id = |word: &str| {
            let mut ids = Vec::new();
            e.model.tokenize(word, &mut ids);
            ids[0] as usize
        };
        // "retry" is in two documents of three, however often each says it.
        let expected = (3.0f64 / 2.0).ln() as f32;
        assert!(
            (whole[id("retry")] - expected).abs() < 1e-4,
            "{}",
            whole[id("retry")]
        );
        assert!(whole[id("config")] > whole[id("retry")]);
    }

    #[test]
    fn related_texts_are_closer_than_unrelated_ones() {
        let e = StaticEmbedder::builtin().unwrap();
        let mut out = Vec::new();
        let texts = [
            "retry a failed http request",
            "retryRequest: send the request again after a failure",
            "parse the configuration file",
            "loadConfigFile: read settings from a config file",
        ];
        e.embed(&texts, &mut out).unwrap();
        let v: Vec<&[f32]> = out.chunks_exact(256).collect();
        assert!(cos(v[0], v[1]) > cos(v[0], v[3]), "retry query");
        assert!(cos(v[2], v[3]) > cos(v[2], v[1]), "config query");
    }

    /// A plain-English request lands nearest the code that does it, with
    /// no doc comment to match (a sanity check; `scripts/eval-search`
    /// measures quality).
    #[test]
    fn a_request_finds_its_undocumented_code() {
        let e = StaticEmbedder::builtin().unwrap();
        let code = [
            "make_password make_password function def make_password(password, salt=None): \
             hasher = get_hasher(); salt = salt or hasher.salt(); return hasher.encode(password, salt)",
            "constant_time_compare constant_time_compare function def constant_time_compare(a, b): \
             return hmac.compare_digest(force_bytes(a), force_bytes(b))",
            "strip_tags strip_tags function def strip_tags(value): while '<' in value and '>' in value: \
             new = _strip_once(value); value = new; return value",
            "retry_with_backoff retry_with_backoff function fn retry_with_backoff(req: Request) -> Result<Response> { \
             for attempt in 0..MAX_ATTEMPTS { match client.send(&req) { Ok(r) => return Ok(r), \
             Err(_) => sleep(backoff(attempt)) } } }",
        ];
        let requests = [
            "hash a password before storing it",
            "compare two strings in constant time",
            "remove html tags from text",
            "send a request again when it fails",
        ];
        let (mut c, mut r) = (Vec::new(), Vec::new());
        e.embed(&code, &mut c).unwrap();
        e.embed(&requests, &mut r).unwrap();
        let c: Vec<&[f32]> = c.chunks_exact(256).collect();
        for (i, q) in r.chunks_exact(256).enumerate() {
            let best = (0..c.len())
                .max_by(|&a, &b| cos(q, c[a]).total_cmp(&cos(q, c[b])))
                .unwrap();
            assert_eq!(best, i, "{:?} found {:?}", requests[i], &code[best][..20]);
        }
    }

    #[test]
    fn rejects_a_corrupt_model() {
        assert!(StaticModel::parse(b"nope").is_err());
        assert!(StaticModel::parse(b"CGSM\x01\x00\x00\x00").is_err());
    }
}
