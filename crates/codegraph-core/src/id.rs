//! Stable node ids: a 64-bit hash of what makes a node unique, so the same
//! definition gets the same id on every run and on every machine.

use std::fmt;
use std::str::FromStr;

use crate::NodeKind;

/// A stable 64-bit node id: its top [`FILE_BITS`] bits hash the
/// repo-relative path, the rest hash path, qualified name, kind and a
/// disambiguator (the occurrence index of an otherwise identical node).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct NodeId(pub u64);

/// Bits of a node id that hash its file's path alone. A file's nodes share
/// them, so the store, which keeps nodes (and edges) in id order, keeps one
/// file's side by side: reading them back takes a few blocks, not one
/// block per node (the kernel's resolution and search stages read every
/// file's nodes). With 16, a tree of 65,536 files has about one file per
/// prefix, and the other 48 bits leave a collision within one file of n
/// nodes at odds of n²/2⁴⁹.
pub const FILE_BITS: u32 = 16;

impl NodeId {
    pub fn new(path: &str, qualified_name: &str, kind: NodeKind, disambiguator: u32) -> NodeId {
        let mut buf = Vec::with_capacity(path.len() + qualified_name.len() + 8);
        buf.extend_from_slice(path.as_bytes());
        buf.push(0);
        buf.extend_from_slice(qualified_name.as_bytes());
        buf.push(0);
        buf.push(kind as u8);
        buf.extend_from_slice(&disambiguator.to_le_bytes());
        let file = xxhash_rust::xxh3::xxh3_64(path.as_bytes()) >> (64 - FILE_BITS);
        let node = xxhash_rust::xxh3::xxh3_64(&buf) & (u64::MAX >> FILE_BITS);
        NodeId(file << (64 - FILE_BITS) | node)
    }

    /// The id of the node that stands for a whole file.
    pub fn for_file(path: &str) -> NodeId {
        NodeId::new(path, path, NodeKind::File, 0)
    }

    pub fn to_be_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }

    pub fn from_be_bytes(bytes: [u8; 8]) -> NodeId {
        NodeId(u64::from_be_bytes(bytes))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({:016x})", self.0)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("'{0}' is not a node id (expected 16 hex digits)")]
pub struct ParseIdError(String);

impl FromStr for NodeId {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<NodeId, ParseIdError> {
        let hex = s.strip_prefix("0x").unwrap_or(s);
        if hex.len() != 16 {
            return Err(ParseIdError(s.to_string()));
        }
        u64::from_str_radix(hex, 16)
            .map(NodeId)
            .map_err(|_| ParseIdError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn display_and_parse_round_trip(raw in any::<u64>()) {
            let id = NodeId(raw);
            prop_assert_eq!(id.to_string().parse::<NodeId>().unwrap(), id);
            prop_assert_eq!(NodeId::from_be_bytes(id.to_be_bytes()), id);
        }
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = NodeId::new("src/a.rs", "a::f", NodeKind::Function, 0);
        assert_eq!(a, NodeId::new("src/a.rs", "a::f", NodeKind::Function, 0));
        assert_ne!(a, NodeId::new("src/a.rs", "a::f", NodeKind::Function, 1));
        assert_ne!(a, NodeId::new("src/a.rs", "a::f", NodeKind::Method, 0));
        assert!("xyz".parse::<NodeId>().is_err());
        assert!("zzzzzzzzzzzzzzzz".parse::<NodeId>().is_err());
    }

    #[test]
    fn a_files_nodes_share_the_top_bits_of_their_ids() {
        let top = |id: NodeId| id.0 >> (64 - FILE_BITS);
        let file = NodeId::for_file("src/a.rs");
        for (name, kind) in [("a::f", NodeKind::Function), ("a::S", NodeKind::Struct)] {
            assert_eq!(top(NodeId::new("src/a.rs", name, kind, 0)), top(file));
        }
        assert_ne!(top(NodeId::for_file("src/b.rs")), top(file));
        // The rest of the id still tells the file's nodes apart.
        let low = |id: NodeId| id.0 & (u64::MAX >> FILE_BITS);
        assert_ne!(
            low(NodeId::new("src/a.rs", "a::f", NodeKind::Function, 0)),
            low(NodeId::new("src/b.rs", "a::f", NodeKind::Function, 0))
        );
    }
}
