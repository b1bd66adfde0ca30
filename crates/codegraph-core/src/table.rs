//! The compact in-memory form of the graph's nodes, for the stages that
//! need every node at hand (cross-file resolution, ranking): 32 bytes per
//! node plus interned strings, instead of a heap-allocated `Node` of ~200.
//!
//! A qualified name is stored as an interned *prefix* plus the interned
//! name: siblings share their prefix, so the bulk of qualified-name bytes
//! is stored once.

use std::collections::HashMap;

use crate::{Language, Node, NodeId, NodeKind};

/// Index of a string in an [`Interner`].
pub type Sym = u32;

/// Deduplicating string storage: one byte buffer, 8 bytes per distinct
/// string. The dedup map exists only while building.
#[derive(Default)]
pub struct Interner {
    bytes: String,
    spans: Vec<(u32, u32)>,
    lookup: HashMap<Box<str>, Sym>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.lookup.get(text) {
            return sym;
        }
        let sym = self.spans.len() as Sym;
        self.spans
            .push((self.bytes.len() as u32, text.len() as u32));
        self.bytes.push_str(text);
        self.lookup.insert(text.into(), sym);
        sym
    }

    pub fn get(&self, sym: Sym) -> &str {
        let (start, len) = self.spans[sym as usize];
        &self.bytes[start as usize..(start + len) as usize]
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Drops the build-time dedup map; interning after this still works
    /// but no longer deduplicates.
    pub fn freeze(&mut self) {
        self.lookup = HashMap::new();
        self.bytes.shrink_to_fit();
        self.spans.shrink_to_fit();
    }

    fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + self.spans.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.lookup.capacity() * (std::mem::size_of::<(Box<str>, Sym)>() + 1)
            + self.lookup.keys().map(|k| k.len()).sum::<usize>()
    }
}

/// One node in 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactNode {
    pub id: NodeId,
    pub name: Sym,
    /// Everything of the qualified name before the name (may be empty).
    pub qualified_prefix: Sym,
    pub file: Sym,
    pub start_line: u32,
    pub end_line: u32,
    pub kind: NodeKind,
    pub language: Language,
}

/// All nodes, sorted by id (lookup by binary search: no hash map).
#[derive(Default)]
pub struct NodeTable {
    nodes: Vec<CompactNode>,
    strings: Interner,
}

impl NodeTable {
    pub fn push(&mut self, node: &Node) {
        let prefix = node
            .qualified_name
            .strip_suffix(node.name.as_str())
            .unwrap_or(&node.qualified_name);
        self.nodes.push(CompactNode {
            id: node.id,
            name: self.strings.intern(&node.name),
            qualified_prefix: self.strings.intern(prefix),
            file: self.strings.intern(&node.file),
            start_line: node.span.start_line,
            end_line: node.span.end_line,
            kind: node.kind,
            language: node.language,
        });
    }

    /// Sorts for lookup and releases build-time memory.
    pub fn finish(&mut self) {
        self.nodes.sort_unstable_by_key(|n| n.id);
        self.nodes.shrink_to_fit();
        self.strings.freeze();
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every node, in id order once [`NodeTable::finish`] has run.
    pub fn iter(&self) -> impl Iterator<Item = &CompactNode> {
        self.nodes.iter()
    }

    /// Requires [`NodeTable::finish`] to have been called.
    pub fn get(&self, id: NodeId) -> Option<&CompactNode> {
        self.nodes
            .binary_search_by_key(&id, |n| n.id)
            .ok()
            .map(|i| &self.nodes[i])
    }

    pub fn name(&self, node: &CompactNode) -> &str {
        self.strings.get(node.name)
    }

    pub fn file(&self, node: &CompactNode) -> &str {
        self.strings.get(node.file)
    }

    pub fn qualified_name(&self, node: &CompactNode) -> String {
        let mut qualified = self.strings.get(node.qualified_prefix).to_string();
        qualified.push_str(self.strings.get(node.name));
        qualified
    }

    /// Heap bytes held (by capacity), excluding the table struct itself.
    pub fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<CompactNode>() + self.strings.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn node(file: &str, qualified: &str, name: &str, kind: NodeKind) -> Node {
        Node {
            id: NodeId::new(file, qualified, kind, 0),
            kind,
            language: Language::Rust,
            name: name.to_string(),
            qualified_name: qualified.to_string(),
            file: file.to_string(),
            span: Span {
                start_line: 3,
                end_line: 9,
                ..Span::default()
            },
            signature: None,
            doc: None,
            parent: None,
            content_hash: 0,
            test: false,
        }
    }

    #[test]
    fn a_node_is_32_bytes() {
        assert_eq!(std::mem::size_of::<CompactNode>(), 32);
    }

    #[test]
    fn nodes_round_trip_and_strings_are_shared() {
        let mut table = NodeTable::default();
        let a = node("src/a.rs", "net::Client::get", "get", NodeKind::Method);
        let b = node("src/a.rs", "net::Client::post", "post", NodeKind::Method);
        let c = node("src/b.rs", "get", "get", NodeKind::Function);
        for n in [&a, &b, &c] {
            table.push(n);
        }
        table.finish();
        let got = table.get(a.id).unwrap();
        assert_eq!(table.qualified_name(got), "net::Client::get");
        assert_eq!(
            (table.name(got), table.file(got), got.start_line, got.kind),
            ("get", "src/a.rs", 3, NodeKind::Method)
        );
        assert_eq!(table.qualified_name(table.get(c.id).unwrap()), "get");
        assert!(table.get(NodeId(42)).is_none());
        // "get", "net::Client::", "src/a.rs", "post", "src/b.rs", "": six strings for three nodes.
        assert_eq!(table.strings.len(), 6);
    }
}
