//! The shared vocabulary of CodeGraph: node and edge kinds, languages, spans,
//! stable ids and the per-file graph that the parser hands to the store.
//!
//! This crate does no I/O and depends on no other CodeGraph crate; everything
//! else depends on it. Keep it small: types and pure functions only.

mod graph;
mod id;
mod kind;
mod language;
mod span;
mod table;
pub mod testing;
mod types;

pub use graph::{prefer_definitions, Edge, FileGraph, Node, RefKind, Resolution, UnresolvedRef};
pub use id::{NodeId, ParseIdError};
pub use kind::{EdgeKind, NodeKind, UnknownKind};
pub use language::Language;
pub use span::Span;
pub use table::{CompactNode, Interner, NodeTable, Sym};
pub use types::{
    callback_parameter_type, first_parameter_type, in_rust_std, normalize_type,
    passes_type_through, return_type, rust_item_type, rust_type_head, ALIAS, ITEM, MEMBERS,
    RETURNS, RUST_CONSTRUCTORS, RUST_SAME_ITEMS, RUST_STD_PREFIX, VARIANT,
};

/// Version of the on-disk schema. Bump it whenever key or value encodings
/// change; an index written by a newer version is refused on open.
pub const SCHEMA_VERSION: u32 = 11;

/// Splits an identifier into lower-case subwords: `parseHTTPConfig_v2` →
/// `["parse", "http", "config", "v", "2"]`. Used by fuzzy lookup and search.
/// At most `max` bytes of `s`, cut back to a character boundary.
pub fn truncate_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

pub fn split_identifier(ident: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = ident.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            None => false,
            Some(p) if !p.is_alphanumeric() => false,
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_ascii_digit() != c.is_ascii_digit())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
            }
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The content hash used for files and nodes (xxh3, 64 bits).
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::split_identifier;

    #[test]
    fn splits_identifiers_into_subwords() {
        assert_eq!(split_identifier("parse_config"), ["parse", "config"]);
        assert_eq!(
            split_identifier("parseHTTPConfig_v2"),
            ["parse", "http", "config", "v", "2"]
        );
        assert_eq!(
            split_identifier("XMLHttpRequest"),
            ["xml", "http", "request"]
        );
        assert_eq!(split_identifier("__init__"), ["init"]);
        assert_eq!(split_identifier("Foo::bar"), ["foo", "bar"]);
        assert!(split_identifier("::").is_empty());
    }
}
