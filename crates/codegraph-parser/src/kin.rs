//! Parents and siblings of a file's definitions, found in one walk.
//!
//! Tree-sitter keeps no parent links: `Node::parent` searches down from the
//! root, through every earlier sibling of each ancestor, and
//! `Node::prev_sibling` finds the parent that way and then scans its
//! children again. A definition's doc comment, signature and test marks ask
//! for both, so a file of a few thousand top-level items (a header of
//! register `#define`s) paid for them quadratically: on a kernel driver
//! (`drivers/net/ethernet/intel/ixgbe`), 4.4% of the extractor's
//! instructions, and 3.4% more for the parents of references' receivers
//! (now searched for from the match's own node, `extract.rs`).
//!
//! [`Kin::new`] walks from the root down to the definitions once, keeping
//! the children of every node it passes through. The answers are exact:
//! they are read off the children lists tree-sitter itself gives (visible
//! nodes, named or not, with hidden ones flattened, as `prev_sibling` and
//! `parent` see them); a node off the walked paths is answered by
//! tree-sitter.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tree_sitter::Node;

pub(crate) struct Kin<'t> {
    /// The children of each node walked through, in order.
    families: Vec<Vec<Node<'t>>>,
    /// The node each family is the children of.
    parents: Vec<Node<'t>>,
    /// Node id -> (its family, its index there), for every child of a
    /// walked node.
    place: HashMap<usize, (usize, usize), BuildHasherDefault<IdHasher>>,
}

/// Hashes a node id (an address inside the tree) with one multiply: the
/// default hasher cost more than the walk itself.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, id: usize) {
        self.0 = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl<'t> Kin<'t> {
    /// Walks from `root` to each of `targets` (descendants of `root`).
    pub(crate) fn new(root: Node<'t>, targets: impl IntoIterator<Item = Node<'t>>) -> Self {
        let mut targets: Vec<Node<'t>> = targets.into_iter().collect();
        targets.sort_by_key(|n| (n.start_byte(), std::cmp::Reverse(n.end_byte())));
        targets.dedup_by_key(|n| n.id());
        let mut kin = Kin {
            families: Vec::new(),
            parents: Vec::new(),
            place: HashMap::default(),
        };
        if !targets.is_empty() {
            kin.walk(root, &targets);
        }
        kin
    }

    /// Records `node`'s children and goes on down to the `targets` inside
    /// them (sorted by start; each a strict descendant of `node`). Where a
    /// target is looked for only decides what gets walked: its answers come
    /// from the children lists alone, so one looked for in the wrong place
    /// is answered by tree-sitter, never wrongly.
    fn walk(&mut self, node: Node<'t>, targets: &[Node<'t>]) {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        let family = self.families.len();
        for (i, child) in children.iter().enumerate() {
            self.place.insert(child.id(), (family, i));
        }
        self.parents.push(node);
        self.families.push(Vec::new());
        let mut rest = targets;
        for child in &children {
            let (start, end) = (child.start_byte(), child.end_byte());
            // Targets that start before this child lie in none of them.
            let skip = rest.iter().take_while(|t| t.start_byte() < start).count();
            rest = &rest[skip..];
            if end == start {
                // An empty node (a missing token) has no descendants.
                continue;
            }
            let inside = rest.iter().take_while(|t| t.start_byte() < end).count();
            let (here, later) = rest.split_at(inside);
            rest = later;
            let below: Vec<Node<'t>> = here
                .iter()
                .copied()
                .filter(|t| t.id() != child.id() && t.end_byte() <= end)
                .collect();
            if !below.is_empty() {
                self.walk(*child, &below);
            }
        }
        self.families[family] = children;
    }

    /// `node`'s parent, as `Node::parent` gives it.
    pub(crate) fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.place.get(&node.id()) {
            Some(&(family, _)) => Some(self.parents[family]),
            None => node.parent(),
        }
    }

    /// The sibling right before `node` (named or not), as
    /// `Node::prev_sibling` gives it.
    pub(crate) fn prev_sibling(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.place.get(&node.id()) {
            Some(&(family, i)) => i.checked_sub(1).map(|j| self.families[family][j]),
            None => node.prev_sibling(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegraph_core::Language;

    /// Every node of `source`'s tree: Kin, built for all of them, answers
    /// as tree-sitter does.
    fn agrees(source: &str, language: Language) {
        let tree = crate::extract::syntax_tree_only(source, language).expect("parses");
        let mut all = Vec::new();
        let mut cursor = tree.walk();
        'outer: loop {
            all.push(cursor.node());
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    continue 'outer;
                }
                if !cursor.goto_parent() {
                    break 'outer;
                }
            }
        }
        let root = tree.root_node();
        // Every node a target, then only every fifth (most answers then
        // come from the walked paths' siblings).
        for targets in [all.clone(), all.iter().copied().step_by(5).collect()] {
            let kin = Kin::new(
                root,
                targets.iter().copied().filter(|n| n.id() != root.id()),
            );
            for node in &all {
                assert_eq!(kin.parent(*node), node.parent(), "{node:?}");
                assert_eq!(kin.prev_sibling(*node), node.prev_sibling(), "{node:?}");
            }
        }
    }

    #[test]
    fn answers_as_tree_sitter_does() {
        agrees(
            "#define A 1\n/* doc */\nstruct s { int a; /* x */ int b[2]; };\n\
             static int f(int x) { return g(x->y); }\n#ifdef X\nint v;\n#endif\n",
            Language::C,
        );
        agrees(
            "/// Doc.\n#[derive(Debug)]\npub struct S(u8);\nimpl S {\n    /// m\n    fn m(&self) {}\n}\n\
             #[cfg(test)]\nmod tests { #[test] fn t() { assert!(true) } }\n",
            Language::Rust,
        );
        agrees(
            "export const f = (x) => x;\n/** doc */\nexport class C { m() {} }\n\
             describe('x', () => { it('y', () => {}); });\n",
            Language::TypeScript,
        );
        agrees(
            "@decorator\ndef f():\n    \"\"\"Doc.\"\"\"\n    return 1\n\nclass C(Base):\n    x = 1\n",
            Language::Python,
        );
    }
}
