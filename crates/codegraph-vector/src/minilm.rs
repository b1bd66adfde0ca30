//! all-MiniLM-L6-v2 in-process (`--embedder minilm`): the BERT encoder
//! (6 layers, 384 wide, 12 heads) on f32 with `matrixmultiply`'s SIMD GEMM,
//! mean-pooled and L2-normalised like sentence-transformers. Weights and
//! vocabulary are read from a local directory (`scripts/fetch-model` puts
//! them in `~/.cache/codegraph/models/all-MiniLM-L6-v2`); nothing is
//! downloaded at run time. Texts run in parallel on the rayon pool.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::attention;
use crate::embed::{EmbedError, Embedder};
use crate::kernels;
use crate::qgemm::{self, QLinear};
use crate::wordpiece::WordPiece;

const HIDDEN: usize = 384;
const HEADS: usize = 12;
const HEAD_DIM: usize = attention::HEAD_DIM;
const INTER: usize = 1536;
const LAYERS: usize = 6;
/// Tokens per text, `[CLS]` and `[SEP]` included (the model's training length).
pub const MAX_SEQ: usize = 128;
/// Tokens per symbol text as codegraph embeds it. A symbol's text leads
/// with its name, path, signature and doc; cutting at 96 rather than 128
/// takes ~20% of the products per symbol (tokio: 102 -> 78 tokens on
/// average, 262 -> 346 symbols/s) for 0.014 MRR@10 on django and 0.002 on
/// tokio (`scripts/eval-search --embedder minilm`).
pub const CODE_TOKENS: usize = 96;
const EPS: f32 = 1e-12;

struct Linear {
    /// Row-major `[out, in]`, as stored; empty once quantised.
    w: Vec<f32>,
    b: Vec<f32>,
    inp: usize,
    out: usize,
    /// The int8 form, where the CPU runs it.
    q: Option<QLinear>,
}

/// Arithmetic of the encoder's linear layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// f32 throughout (the reference).
    F32,
    /// Int8 weights and activations on AVX-512 VNNI (cosine ≥ 0.99 to
    /// the f32 embedding; measured in the tests); f32 where the CPU lacks it.
    Int8,
}

struct Norm {
    g: Vec<f32>,
    b: Vec<f32>,
}

struct Layer {
    /// Query, key and value projections as one `[3 · HIDDEN, HIDDEN]`
    /// layer: the input is quantised once and read once.
    qkv: Linear,
    o: Linear,
    ln1: Norm,
    up: Linear,
    down: Linear,
    ln2: Norm,
}

pub struct MiniLm {
    tokenizer: WordPiece,
    cls: u32,
    sep: u32,
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    ln: Norm,
    layers: Vec<Layer>,
}

fn model_err(message: String) -> EmbedError {
    EmbedError::Model(format!("minilm: {message}"))
}

/// `$CODEGRAPH_MODEL_DIR`, else `~/.cache/codegraph/models/all-MiniLM-L6-v2`.
pub fn default_model_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CODEGRAPH_MODEL_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var("HOME").unwrap_or_default();
    Path::new(&home).join(".cache/codegraph/models/all-MiniLM-L6-v2")
}

/// The f32 tensors of a `.safetensors` file by name (shapes are checked
/// by length where they are taken).
fn read_safetensors(path: &Path) -> Result<HashMap<String, Vec<f32>>, EmbedError> {
    let bytes = std::fs::read(path).map_err(|e| {
        model_err(format!(
            "cannot read {}: {e}; run scripts/fetch-model",
            path.display()
        ))
    })?;
    let bad = |what: &str| model_err(format!("{}: {what}", path.display()));
    let n = u64::from_le_bytes(
        bytes
            .get(..8)
            .ok_or_else(|| bad("truncated"))?
            .try_into()
            .expect("8"),
    ) as usize;
    let header: serde_json::Value =
        serde_json::from_slice(bytes.get(8..8 + n).ok_or_else(|| bad("truncated header"))?)
            .map_err(|e| bad(&e.to_string()))?;
    let data = &bytes[8 + n..];
    let mut out = HashMap::new();
    for (name, info) in header
        .as_object()
        .ok_or_else(|| bad("header is not an object"))?
    {
        if info["dtype"] != "F32" {
            continue;
        }
        // Indexing a `Value` (not the Vec) yields Null past the end, so a
        // short or malformed offsets array is an error below, not a panic.
        let offsets = &info["data_offsets"];
        let (Some(a), Some(b)) = (offsets[0].as_u64(), offsets[1].as_u64()) else {
            return Err(bad("no data offsets"));
        };
        let (a, b) = (a as usize, b as usize);
        let raw = data.get(a..b).ok_or_else(|| bad("tensor out of range"))?;
        let values = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4")))
            .collect();
        out.insert(name.clone(), values);
    }
    Ok(out)
}

impl MiniLm {
    /// The model in `dir`, in int8 where the CPU supports it.
    pub fn load(dir: &Path) -> Result<MiniLm, EmbedError> {
        MiniLm::load_with(dir, Precision::Int8)
    }

    pub fn load_with(dir: &Path, precision: Precision) -> Result<MiniLm, EmbedError> {
        let quantise = precision == Precision::Int8 && qgemm::available();
        let vocab_path = dir.join("vocab.txt");
        let vocab = std::fs::read_to_string(&vocab_path).map_err(|e| {
            model_err(format!(
                "cannot read {}: {e}; run scripts/fetch-model",
                vocab_path.display()
            ))
        })?;
        let tokens: Vec<&str> = vocab.lines().collect();
        let id = |t: &str| tokens.iter().position(|&x| x == t).map(|i| i as u32);
        let (cls, sep) = (id("[CLS]"), id("[SEP]"));
        let (Some(cls), Some(sep)) = (cls, sep) else {
            return Err(model_err("vocab.txt lacks [CLS]/[SEP]".into()));
        };
        let mut t = read_safetensors(&dir.join("model.safetensors"))?;
        let mut take = |name: &str, len: usize| -> Result<Vec<f32>, EmbedError> {
            let v = t
                .remove(name)
                .ok_or_else(|| model_err(format!("missing tensor {name}")))?;
            if v.len() != len {
                return Err(model_err(format!(
                    "tensor {name} has {} values, expected {len}",
                    v.len()
                )));
            }
            Ok(v)
        };
        // Layers whose output rows are the concatenation of the named
        // tensors' outputs.
        let mut linear = |names: &[&str], inp: usize, out: usize| -> Result<Linear, EmbedError> {
            let (mut w, mut b) = (Vec::new(), Vec::new());
            for p in names {
                w.extend(take(&format!("{p}.weight"), inp * out)?);
                b.extend(take(&format!("{p}.bias"), out)?);
            }
            let out = out * names.len();
            let q = quantise.then(|| QLinear::new(&w, &b, inp, out));
            Ok(Linear {
                w: if q.is_some() { Vec::new() } else { w },
                b,
                inp,
                out,
                q,
            })
        };
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}");
            layers.push(Layer {
                qkv: linear(
                    &[
                        &format!("{p}.attention.self.query"),
                        &format!("{p}.attention.self.key"),
                        &format!("{p}.attention.self.value"),
                    ],
                    HIDDEN,
                    HIDDEN,
                )?,
                o: linear(&[&format!("{p}.attention.output.dense")], HIDDEN, HIDDEN)?,
                ln1: Norm {
                    g: Vec::new(),
                    b: Vec::new(),
                },
                up: linear(&[&format!("{p}.intermediate.dense")], HIDDEN, INTER)?,
                down: linear(&[&format!("{p}.output.dense")], INTER, HIDDEN)?,
                ln2: Norm {
                    g: Vec::new(),
                    b: Vec::new(),
                },
            });
        }
        let mut norm = |p: &str| -> Result<Norm, EmbedError> {
            Ok(Norm {
                g: take(&format!("{p}.weight"), HIDDEN)?,
                b: take(&format!("{p}.bias"), HIDDEN)?,
            })
        };
        for (i, layer) in layers.iter_mut().enumerate() {
            layer.ln1 = norm(&format!("encoder.layer.{i}.attention.output.LayerNorm"))?;
            layer.ln2 = norm(&format!("encoder.layer.{i}.output.LayerNorm"))?;
        }
        let ln = norm("embeddings.LayerNorm")?;
        let word = take("embeddings.word_embeddings.weight", tokens.len() * HIDDEN)?;
        let position = take("embeddings.position_embeddings.weight", 512 * HIDDEN)?;
        let token_type = take("embeddings.token_type_embeddings.weight", 2 * HIDDEN)?;
        Ok(MiniLm {
            tokenizer: WordPiece::new(tokens.iter().copied()),
            cls,
            sep,
            word,
            position,
            token_type,
            ln,
            layers,
        })
    }

    /// The arithmetic the model runs in (int8 only where the CPU has VNNI).
    pub fn precision(&self) -> Precision {
        if self.layers.first().is_some_and(|l| l.qkv.q.is_some()) {
            Precision::Int8
        } else {
            Precision::F32
        }
    }

    /// `[CLS] tokens [SEP]`, at most [`CODE_TOKENS`] in all (as BERT
    /// tokenizes: [`MAX_SEQ`]).
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![self.cls];
        // The limit counts the [CLS] already in `ids`; [SEP] makes it whole.
        // Code (identifiers split) is cut shorter than BERT's input; the
        // embedder id, which names the tokenization, names the cut with it.
        let max_tokens = if self.tokenizer.split_identifiers {
            CODE_TOKENS
        } else {
            MAX_SEQ
        };
        self.tokenizer.tokenize(text, max_tokens - 1, &mut ids);
        ids.push(self.sep);
        ids
    }

    /// The sentence embedding of one text into `out` (384 floats);
    /// `buffers` are reused between calls.
    fn embed_one(&self, text: &str, out: &mut [f32], buffers: &mut Buffers) {
        let ids = self.token_ids(text);
        let s = ids.len();
        let Buffers {
            h,
            qkv,
            ctx,
            tmp,
            inter,
            scratch,
            scores,
            attention: attention_scratch,
        } = buffers;
        // Every buffer is overwritten whole before it is read.
        let (h, qkv_, ctx_, tmp_, inter_) = (
            sized(h, s * HIDDEN),
            sized(qkv, s * 3 * HIDDEN),
            sized(ctx, s * HIDDEN),
            sized(tmp, s * HIDDEN),
            sized(inter, s * INTER),
        );
        for (t, &id) in ids.iter().enumerate() {
            let row = &mut h[t * HIDDEN..][..HIDDEN];
            let w = &self.word[id as usize * HIDDEN..][..HIDDEN];
            let p = &self.position[t * HIDDEN..][..HIDDEN];
            for d in 0..HIDDEN {
                row[d] = w[d] + p[d] + self.token_type[d];
            }
        }
        layer_norm(h, &self.ln);
        let scale = 1.0 / (HEAD_DIM as f32).sqrt();
        let fused = attention::available() && s <= attention::MAX_TOKENS;
        // f32 stays the reference: bf16 attention goes with int8 layers.
        let bf16 = fused && self.precision() == Precision::Int8 && attention::bf16_available();
        let stride = 3 * HIDDEN;
        for layer in &self.layers {
            linear(h, s, &layer.qkv, qkv_, scratch);
            let (q, k, v) = (&qkv_[..], &qkv_[HIDDEN..], &qkv_[2 * HIDDEN..]);
            for head in 0..HEADS {
                let off = head * HEAD_DIM;
                if fused {
                    attention::head(
                        q,
                        k,
                        v,
                        stride,
                        ctx_,
                        HIDDEN,
                        s,
                        off,
                        scale,
                        bf16,
                        attention_scratch,
                    );
                } else {
                    attention_head(q, k, v, stride, ctx_, s, off, scale, scores);
                }
            }
            linear(ctx_, s, &layer.o, tmp_, scratch);
            add_norm(h, tmp_, &layer.ln1);
            linear(h, s, &layer.up, inter_, scratch);
            kernels::gelu(inter_);
            linear(inter_, s, &layer.down, tmp_, scratch);
            add_norm(h, tmp_, &layer.ln2);
        }
        out.fill(0.0);
        for row in h.chunks_exact(HIDDEN) {
            for (o, &x) in out.iter_mut().zip(row) {
                *o += x;
            }
        }
        let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            out.iter_mut().for_each(|x| *x /= norm);
        }
    }
}

/// What [`MiniLm::embed_one`] reuses from one text to the next.
#[derive(Default)]
struct Buffers {
    h: Vec<f32>,
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    inter: Vec<f32>,
    scratch: Vec<u8>,
    scores: Vec<f32>,
    attention: attention::Scratch,
}

/// `v` as exactly `n` floats.
fn sized(v: &mut Vec<f32>, n: usize) -> &mut [f32] {
    v.resize(n, 0.0);
    v
}

/// One head's attention by two general matrix products (where the fused
/// AVX-512 kernel does not run): `scores` is scratch.
#[allow(clippy::too_many_arguments)]
fn attention_head(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    stride: usize,
    ctx: &mut [f32],
    s: usize,
    off: usize,
    scale: f32,
    scores: &mut Vec<f32>,
) {
    scores.resize(s * s, 0.0);
    // SAFETY: q, k and v hold s rows `stride` floats apart, ctx s rows of
    // HIDDEN, and scores s·s: every (row, column) addressed is in bounds.
    unsafe {
        // scores = scale · Q_h · K_hᵀ
        matrixmultiply::sgemm(
            s,
            HEAD_DIM,
            s,
            scale,
            q.as_ptr().add(off),
            stride as isize,
            1,
            k.as_ptr().add(off),
            1,
            stride as isize,
            0.0,
            scores.as_mut_ptr(),
            s as isize,
            1,
        );
    }
    kernels::softmax(scores, s);
    // SAFETY: as above.
    unsafe {
        // ctx_h = softmax(scores) · V_h
        matrixmultiply::sgemm(
            s,
            s,
            HEAD_DIM,
            1.0,
            scores.as_ptr(),
            s as isize,
            1,
            v.as_ptr().add(off),
            stride as isize,
            1,
            0.0,
            ctx.as_mut_ptr().add(off),
            HIDDEN as isize,
            1,
        );
    }
}

/// `y[s, out] = x[s, in] · Wᵀ + b`.
fn linear(x: &[f32], s: usize, l: &Linear, y: &mut [f32], scratch: &mut Vec<u8>) {
    if let Some(q) = &l.q {
        return q.forward(x, s, y, scratch);
    }
    for row in y[..s * l.out].chunks_exact_mut(l.out) {
        row.copy_from_slice(&l.b);
    }
    // SAFETY: the slices hold s·in, out·in and s·out floats, matching the
    // dimensions and strides passed (x row-major, W read transposed).
    unsafe {
        matrixmultiply::sgemm(
            s,
            l.inp,
            l.out,
            1.0,
            x.as_ptr(),
            l.inp as isize,
            1,
            l.w.as_ptr(),
            1,
            l.inp as isize,
            1.0,
            y.as_mut_ptr(),
            l.out as isize,
            1,
        );
    }
}

fn layer_norm(h: &mut [f32], n: &Norm) {
    kernels::layer_norm(h, &n.g, &n.b, EPS);
}

fn add_norm(h: &mut [f32], delta: &[f32], n: &Norm) {
    for (x, d) in h.iter_mut().zip(delta) {
        *x += d;
    }
    layer_norm(h, n);
}

/// [`MiniLm`] behind the [`Embedder`] trait.
pub struct MiniLmEmbedder {
    model: MiniLm,
}

impl MiniLmEmbedder {
    /// In int8 where the CPU supports it (see [`Precision`]).
    pub fn load(dir: &Path) -> Result<MiniLmEmbedder, EmbedError> {
        MiniLmEmbedder::load_with(dir, Precision::Int8)
    }

    pub fn load_with(dir: &Path, precision: Precision) -> Result<MiniLmEmbedder, EmbedError> {
        Ok(MiniLmEmbedder {
            model: MiniLm::load_with(dir, precision)?,
        })
    }
}

impl MiniLmEmbedder {
    /// Tokenize as BERT does, identifiers unsplit, up to the training
    /// length: the model exactly as published (the evaluation's baseline),
    /// not as codegraph feeds it.
    pub fn with_bert_tokens(mut self) -> MiniLmEmbedder {
        self.model.tokenizer.split_identifiers = false;
        self
    }
}

impl Embedder for MiniLmEmbedder {
    /// Int8 and f32 vectors differ slightly: an index records which.
    fn id(&self) -> &str {
        match (
            self.model.precision(),
            self.model.tokenizer.split_identifiers,
        ) {
            (Precision::F32, true) => "minilm-l6-v2@2",
            (Precision::Int8, true) => "minilm-l6-v2-int8@2",
            (Precision::F32, false) => "minilm-l6-v2-bert-tokens@1",
            (Precision::Int8, false) => "minilm-l6-v2-int8-bert-tokens@1",
        }
    }

    fn dim(&self) -> usize {
        HIDDEN
    }

    fn embed(&self, texts: &[&str], out: &mut Vec<f32>) -> Result<(), EmbedError> {
        let start = out.len();
        out.resize(start + texts.len() * HIDDEN, 0.0);
        out[start..]
            .par_chunks_exact_mut(HIDDEN)
            .zip(texts.par_iter())
            .for_each_init(Buffers::default, |buffers, (slot, text)| {
                self.model.embed_one(text, slot, buffers)
            });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Matches the numpy reference (`scripts/model/minilm.py`, itself the
    /// sentence-transformers recipe) on the model's own example sentence.
    /// Needs `scripts/fetch-model` (`scripts/test` runs it).
    #[test]
    fn matches_the_reference_implementation() {
        let dir = default_model_dir();
        let model =
            MiniLmEmbedder::load_with(&dir, Precision::F32).unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        model
            .embed(
                &[
                    "A man is eating food.",
                    "retry a failed http request",
                    "send the request again when it fails",
                ],
                &mut out,
            )
            .unwrap();
        let reference = [
            0.03324157f32,
            0.00440606,
            -0.00627695,
            0.04837871,
            -0.13870226,
        ];
        for (got, want) in out[..5].iter().zip(reference) {
            assert!(
                (got - want).abs() < 1e-4,
                "{:?} vs {reference:?}",
                &out[..5]
            );
        }
        let cos: f32 = out[HIDDEN..2 * HIDDEN]
            .iter()
            .zip(&out[2 * HIDDEN..])
            .map(|(a, b)| a * b)
            .sum();
        assert!((cos - 0.750).abs() < 0.002, "{cos}");
    }

    /// Int8 embeddings of real code and questions point where f32's do.
    #[test]
    fn int8_embeddings_stay_close_to_f32() {
        let dir = default_model_dir();
        let int8 = MiniLmEmbedder::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        if int8.model.precision() != Precision::Int8 {
            eprintln!("skipped: no AVX-512 VNNI on this CPU");
            return;
        }
        let f32 = MiniLmEmbedder::load_with(&dir, Precision::F32).unwrap();
        let texts = [
            "retry a failed http request",
            "fn parse_header(buf: &[u8]) -> Result<Header, Error> { let mut pos = 0; while pos < buf.len() { if buf[pos] == b':' { break; } pos += 1; } }",
            "def save_all(items): \"\"\"Write every item to the store.\"\"\" for item in items: store.put(item.key, item)",
            include_str!("minilm.rs"),
        ];
        let (mut a, mut b) = (Vec::new(), Vec::new());
        int8.embed(&texts, &mut a).unwrap();
        f32.embed(&texts, &mut b).unwrap();
        for (i, (x, y)) in a.chunks(HIDDEN).zip(b.chunks(HIDDEN)).enumerate() {
            let cos: f32 = x.iter().zip(y).map(|(p, q)| p * q).sum();
            assert!(cos > 0.99, "text {i}: cosine {cos}");
        }
        assert_ne!(int8.id(), f32.id());
    }

    #[test]
    fn code_is_cut_shorter_than_bert_input() {
        let dir = default_model_dir();
        let code = MiniLmEmbedder::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        let long = include_str!("minilm.rs");
        let ids = code.model.token_ids(long);
        assert_eq!(ids.len(), CODE_TOKENS);
        assert_eq!(
            (ids[0], ids[CODE_TOKENS - 1]),
            (code.model.cls, code.model.sep)
        );
        let bert = MiniLmEmbedder::load(&dir).unwrap().with_bert_tokens();
        assert_eq!(bert.model.token_ids(long).len(), MAX_SEQ);
        assert_eq!(code.model.token_ids("request").len(), 3);
    }

    #[test]
    fn a_missing_model_is_a_clear_error() {
        let err = MiniLm::load(Path::new("/nonexistent"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("scripts/fetch-model"), "{err}");
    }
}
