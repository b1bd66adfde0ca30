//! Embeddings and vector search.
//!
//! - [`StaticEmbedder`]: the built-in default, a static token-embedding
//!   model distilled from all-MiniLM-L6-v2 (`scripts/model/distill.py`) and
//!   compiled into the binary: a text's vector is the mean of its tokens'
//!   rows. No network, no model files at run time.
//! - [`MiniLmEmbedder`]: all-MiniLM-L6-v2 in-process from a local model
//!   directory (`scripts/fetch-model`).
//! - [`HttpEmbedder`]: any OpenAI-compatible `/v1/embeddings` service.
//! - [`VectorIndex`]: int8-quantised vectors keyed by node id, HNSW
//!   (usearch) above a size threshold and an exact scan below it.

mod attention;
mod delta;
mod embed;
mod http;
mod index;
mod kernels;
mod minilm;
mod npy;
mod qgemm;
mod static_model;
mod wordpiece;

pub use delta::{compaction_due, delta_path, shared_view, Delta, LayeredIndex};
pub use embed::{symbol_text, EmbedError, Embedder};
pub use http::HttpEmbedder;
pub use index::{expansion_search_for, VectorHit, VectorIndex, VectorIndexError, EXACT_BELOW};
pub use minilm::{default_model_dir, MiniLm, MiniLmEmbedder, Precision};
pub use npy::write_npy;
pub use static_model::{StaticEmbedder, StaticModel};
pub use wordpiece::WordPiece;
