//! Key encoding. Every key is built so the question we ask is one prefix
//! scan: integers are big-endian (byte order = numeric order), strings end
//! in a `0x00` separator (identifiers and paths never contain NUL).
//!
//! | column family | key                                   | value                    |
//! |---------------|---------------------------------------|--------------------------|
//! | `nodes`       | node id (8)                           | postcard `Node`          |
//! | `out_edges`   | from (8) · edge kind (1) · to (8)     | confidence (f32 BE) · line (u32 BE) · resolution (1) |
//! | `in_edges`    | to (8) · edge kind (1) · from (8)     | confidence (f32 BE) · line (u32 BE) · resolution (1) |
//! | `names`       | lower-case name · 0x00 · node id (8)  | empty                    |
//! | `tokens`      | subword · 0x00 · name                 | empty                    |
//! | `refs`        | repo-relative path                    | postcard `Vec<UnresolvedRef>` |
//! | `files`       | repo-relative path                    | postcard `FileRecord`    |
//! | `sources`     | repo-relative path                    | file text (compressed)   |
//! | `resolved`    | repo-relative path                    | postcard `Vec<(from, kind, to)>`: the file's resolved edges |
//! | `ref_names`   | referenced name · 0x00 · path         | empty: which files reference a name |
//! | `pending`     | repo-relative path                    | empty: still to resolve  |
//! | `meta`        | ASCII name                            | per key                  |

use codegraph_core::{EdgeKind, NodeId, Resolution};

pub const EDGE_KEY_LEN: usize = 17;

/// `from · kind · to` for `out_edges`, or `to · kind · from` for `in_edges`.
pub fn edge_key(first: NodeId, kind: EdgeKind, second: NodeId) -> [u8; EDGE_KEY_LEN] {
    let mut key = [0u8; EDGE_KEY_LEN];
    key[..8].copy_from_slice(&first.to_be_bytes());
    key[8] = kind as u8;
    key[9..].copy_from_slice(&second.to_be_bytes());
    key
}

pub fn decode_edge_key(key: &[u8]) -> Option<(NodeId, EdgeKind, NodeId)> {
    if key.len() != EDGE_KEY_LEN {
        return None;
    }
    let first = NodeId::from_be_bytes(key[..8].try_into().ok()?);
    let kind = EdgeKind::from_u8(key[8])?;
    let second = NodeId::from_be_bytes(key[9..].try_into().ok()?);
    Some((first, kind, second))
}

/// Edge value: confidence, the line of the site that produced it, and how
/// it was resolved.
pub fn edge_value(confidence: f32, line: u32, resolution: Resolution) -> [u8; 9] {
    let mut value = [0u8; 9];
    value[..4].copy_from_slice(&confidence.to_be_bytes());
    value[4..8].copy_from_slice(&line.to_be_bytes());
    value[8] = resolution as u8;
    value
}

pub fn decode_edge_value(value: &[u8]) -> Option<(f32, u32, Resolution)> {
    let confidence = f32::from_be_bytes(value.get(..4)?.try_into().ok()?);
    let line = u32::from_be_bytes(value.get(4..8)?.try_into().ok()?);
    let resolution = Resolution::from_u8(*value.get(8)?)?;
    Some((confidence, line, resolution))
}

/// `text · 0x00 · id`, for the `names` index.
pub fn name_key(text: &str, id: NodeId) -> Vec<u8> {
    nul_joined(text.as_bytes(), &id.to_be_bytes())
}

/// The prefix shared by every `name_key(text, _)`: an exact-match scan.
pub fn name_exact_prefix(text: &str) -> Vec<u8> {
    nul_joined(text.as_bytes(), &[])
}

/// `name · 0x00 · path` for `ref_names`: `path` has a reference to
/// `name` (for imports, the module's last segment). Scanned with
/// [`name_exact_prefix`] when a definition of `name` appears.
pub fn ref_name_key(name: &str, path: &str) -> Vec<u8> {
    nul_joined(name.as_bytes(), path.as_bytes())
}

/// Splits a `names`/`tokens` key back into text and id.
pub fn decode_name_key(key: &[u8]) -> Option<(&str, NodeId)> {
    let split = key.len().checked_sub(9)?;
    if key[split] != 0 {
        return None;
    }
    let text = std::str::from_utf8(&key[..split]).ok()?;
    let id = NodeId::from_be_bytes(key[split + 1..].try_into().ok()?);
    Some((text, id))
}

/// `subword · 0x00 · name`: one entry per distinct name (not per node),
/// in original case so its subwords can be split again. Fuzzy lookup scores
/// names from these keys alone, then finds their nodes in `names`.
pub fn token_key(subword: &str, name: &str) -> Vec<u8> {
    nul_joined(subword.as_bytes(), name.as_bytes())
}

/// The distinct subwords `name` is filed under in `tokens`, one key each
/// ([`token_key`]), sorted. Both ways of writing them (with a file's
/// nodes, and a first build's one pass in `crate::tokens`) take them from
/// here, so they write the same keys.
pub fn token_subwords(name: &str) -> Vec<String> {
    let mut subwords = codegraph_core::split_identifier(name);
    subwords.sort_unstable();
    subwords.dedup();
    subwords
}

/// Splits a `tokens` key into subword and name.
pub fn decode_token_key(key: &[u8]) -> Option<(&str, &str)> {
    let sep = key.iter().position(|&b| b == 0)?;
    let subword = std::str::from_utf8(&key[..sep]).ok()?;
    let name = std::str::from_utf8(&key[sep + 1..]).ok()?;
    Some((subword, name))
}

/// Bytes of a file's text per `sources` entry. A node's text is read from
/// the few chunks its span covers, not from the whole file: a snippet of a
/// 200 KiB file decompresses one 16 KiB table block, not the file's.
pub const SOURCE_CHUNK: usize = 4096;

/// `path · 0x00 · chunk index (u32, big-endian)`: chunk `index` of a
/// file's text, so one file's chunks sort together and in order. (No path
/// holds a NUL byte, so no path's chunks sort among another's.)
pub fn source_key(path: &str, index: u32) -> Vec<u8> {
    nul_joined(path.as_bytes(), &index.to_be_bytes())
}

/// The prefix shared by every `source_key(path, _)`: one file's chunks.
pub fn source_prefix(path: &str) -> Vec<u8> {
    nul_joined(path.as_bytes(), &[])
}

/// `head · 0x00 · tail`: the layout of every key with a text head (the
/// separator sorts below every byte a text holds, so one head's keys sort
/// together, before any longer head that starts with it).
fn nul_joined(head: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(head.len() + 1 + tail.len());
    key.extend_from_slice(head);
    key.push(0);
    key.extend_from_slice(tail);
    key
}

/// How many chunks a text of `len` bytes is stored in (an empty text in
/// one empty chunk, so that it reads back as "", not as missing).
pub fn source_chunks(len: usize) -> u32 {
    len.div_ceil(SOURCE_CHUNK).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn edge_kind() -> impl Strategy<Value = EdgeKind> {
        prop::sample::select(EdgeKind::ALL)
    }

    proptest! {
        #[test]
        fn edge_keys_round_trip(a in any::<u64>(), kind in edge_kind(), b in any::<u64>()) {
            let key = edge_key(NodeId(a), kind, NodeId(b));
            prop_assert_eq!(decode_edge_key(&key), Some((NodeId(a), kind, NodeId(b))));
            // Every edge of a node shares its 8-byte prefix: one scan finds them.
            prop_assert_eq!(&key[..8], &NodeId(a).to_be_bytes()[..]);
        }

        #[test]
        fn edge_keys_sort_by_node_then_kind(a in any::<u64>(), b in any::<u64>(), k1 in edge_kind(), k2 in edge_kind(), c in any::<u64>(), d in any::<u64>()) {
            let left = edge_key(NodeId(a), k1, NodeId(c));
            let right = edge_key(NodeId(b), k2, NodeId(d));
            prop_assert_eq!(left.cmp(&right), (a, k1 as u8, c).cmp(&(b, k2 as u8, d)));
        }

        #[test]
        fn edge_values_round_trip(confidence in 0.0f32..=1.0, line in any::<u32>(), how in prop::sample::select(Resolution::ALL.to_vec())) {
            prop_assert_eq!(decode_edge_value(&edge_value(confidence, line, how)), Some((confidence, line, how)));
        }

        #[test]
        fn name_keys_round_trip(name in "[A-Za-z_][A-Za-z0-9_:.]{0,40}", id in any::<u64>()) {
            let key = name_key(&name, NodeId(id));
            prop_assert_eq!(decode_name_key(&key), Some((name.as_str(), NodeId(id))));
            prop_assert!(key.starts_with(&name_exact_prefix(&name)));
        }

        #[test]
        fn exact_prefix_never_matches_a_longer_name(name in "[a-z_]{1,20}", suffix in "[a-z_]{1,5}", id in any::<u64>()) {
            let longer = format!("{name}{suffix}");
            prop_assert!(!name_key(&longer, NodeId(id)).starts_with(&name_exact_prefix(&name)));
        }

        #[test]
        fn token_keys_round_trip(sub in "[a-z0-9]{1,12}", name in "[A-Za-z_][A-Za-z0-9_]{0,30}") {
            let key = token_key(&sub, &name);
            prop_assert_eq!(decode_token_key(&key), Some((sub.as_str(), name.as_str())));
        }
    }

    #[test]
    fn malformed_keys_are_rejected() {
        assert_eq!(decode_edge_key(&[0; 5]), None);
        let mut bad_kind = edge_key(NodeId(1), EdgeKind::Calls, NodeId(2));
        bad_kind[8] = 99;
        assert_eq!(decode_edge_key(&bad_kind), None);
        assert_eq!(decode_name_key(b"short"), None);
    }

    #[test]
    fn source_chunks_sort_by_file_then_index() {
        assert!(source_key("a.c", 1) < source_key("a.c", 2));
        assert!(source_key("a.c", u32::MAX) < source_key("a.c2", 0));
        assert!(source_key("a.c", 255) < source_key("a.c", 256));
        assert_eq!(source_chunks(0), 1);
        assert_eq!(source_chunks(SOURCE_CHUNK), 1);
        assert_eq!(source_chunks(SOURCE_CHUNK + 1), 2);
    }
}
