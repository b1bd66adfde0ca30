//! The per-file graph: what the parser extracts from one file and the store
//! writes in one atomic batch.

use crate::{EdgeKind, Language, NodeId, NodeKind, Span};

/// One definition (or file, or import) in the code graph.
///
/// The field order is the stored encoding's: a scan of the store decodes
/// the fields up to `signature` alone (`NodeHead` in codegraph-graph), so
/// reordering them changes the schema.
#[derive(Clone, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub kind: NodeKind,
    pub language: Language,
    pub name: String,
    pub qualified_name: String,
    /// Repo-relative path with `/` separators.
    pub file: String,
    pub span: Span,
    pub signature: Option<String>,
    pub doc: Option<String>,
    /// The enclosing node (`None` only for files).
    pub parent: Option<NodeId>,
    /// xxh3 of the node's source text: lets later stages skip unchanged nodes.
    pub content_hash: u64,
    /// A test, or inside one, or in a test file, by the one rule of
    /// [`crate::testing`] plus the syntax the parser saw (`#[test]`,
    /// `@Test`, `describe(…)` callbacks).
    pub test: bool,
}

impl Node {
    /// A C/C++ function or method declared without its body (`double
    /// area() const override;` in a class, a prototype): its definition,
    /// where the index has one, is the same symbol.
    pub fn is_declaration(&self) -> bool {
        matches!(self.language, Language::C | Language::Cpp)
            && matches!(
                self.kind,
                NodeKind::Function | NodeKind::Method | NodeKind::Constructor
            )
            && self
                .signature
                .as_deref()
                .is_some_and(|s| s.trim_end().ends_with(';'))
    }
}

/// Drops each declaration whose definition (same qualified name, kind and
/// language) is among `nodes`: a C++ method declared in its class and
/// defined in a .cpp file is one symbol, the definition.
pub fn prefer_definitions(nodes: &mut Vec<Node>) {
    if !nodes.iter().any(Node::is_declaration) {
        return;
    }
    let defined: std::collections::HashSet<(String, NodeKind)> = nodes
        .iter()
        .filter(|n| !n.is_declaration())
        .map(|n| (n.qualified_name.clone(), n.kind))
        .collect();
    nodes.retain(|n| !n.is_declaration() || !defined.contains(&(n.qualified_name.clone(), n.kind)));
}

/// How an edge was established: read off the syntax, or by which scoping
/// rule of cross-file resolution. Stored with every edge, shown in
/// `--json`, and used to leave guesses out of default views.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Debug,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[repr(u8)]
pub enum Resolution {
    /// Structure the parser saw (containment, an import statement's node).
    #[default]
    Syntax = 0,
    /// The receiver's declared or inferred type (`client: Client`,
    /// `x = Client()`, a field's declared type).
    ReceiverType = 1,
    /// The enclosing type (`self.f()`, `this.f()`, `Type::f()`, `super`).
    OwnType = 2,
    /// A module the file imports (`json.load`, `util::check`), or the file
    /// an import statement names.
    Import = 3,
    /// Defined in the same file.
    SameFile = 4,
    /// Defined in the same directory, where that is one namespace.
    Directory = 5,
    /// A program-wide name where the language links by name (C, C++).
    Global = 6,
    /// The name alone: the only definition of that name anywhere. A guess.
    NameOnly = 7,
    /// A method call on a value of unknown type whose name is the one
    /// method of that name in the tree, declared by a trait the file has
    /// in scope (an extension trait: `(0..5).combinations(2)`).
    TraitMethod = 8,
    /// One of several same-named methods of one type (its `impl From<A>`,
    /// `impl From<B>`, …) that nothing told apart: each gets a share. A
    /// guess.
    Ambiguous = 9,
}

impl Resolution {
    pub const ALL: [Resolution; 10] = [
        Resolution::Syntax,
        Resolution::ReceiverType,
        Resolution::OwnType,
        Resolution::Import,
        Resolution::SameFile,
        Resolution::Directory,
        Resolution::Global,
        Resolution::NameOnly,
        Resolution::TraitMethod,
        Resolution::Ambiguous,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Syntax => "syntax",
            Resolution::ReceiverType => "receiver-type",
            Resolution::OwnType => "own-type",
            Resolution::Import => "import",
            Resolution::SameFile => "same-file",
            Resolution::Directory => "directory",
            Resolution::Global => "global-name",
            Resolution::NameOnly => "name-only",
            Resolution::TraitMethod => "trait-method",
            Resolution::Ambiguous => "ambiguous",
        }
    }

    pub fn from_u8(value: u8) -> Option<Resolution> {
        Resolution::ALL.get(usize::from(value)).copied()
    }

    /// A guess, left out of default views.
    pub fn is_guess(self) -> bool {
        matches!(self, Resolution::NameOnly | Resolution::Ambiguous)
    }
}

#[derive(Clone, Copy, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
pub struct Edge {
    pub from: NodeId,
    pub kind: EdgeKind,
    pub to: NodeId,
    /// 1.0 for facts read straight off the syntax; lower for heuristics.
    pub confidence: f32,
    /// 1-based line of the (first) site that produced the edge; 0 for
    /// structural edges (containment) that have no single site.
    pub line: u32,
    /// How the edge was established.
    pub resolution: Resolution,
}

/// What a not-yet-resolved reference is, syntactically.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, serde::Serialize, serde::Deserialize,
)]
#[repr(u8)]
pub enum RefKind {
    Call = 0,
    Type = 1,
    Inherit = 2,
    Implement = 3,
    Import = 4,
    /// A macro invocation (`println!`): resolves to macros only.
    Macro = 5,
    /// A member read or written through a value whose type is known
    /// (`self.size`, `style.color`): a field, or a property/getter method.
    Read = 6,
    /// A bare name used as a value, not called: passed (`key=sort_key`),
    /// stored (`{"stdin": get_text_stdin}`), returned, caught (`except
    /// UsageError`) or reached through (`ParameterSource.DEFAULT`): a
    /// function or a type, found as a bare call's target is.
    Value = 7,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Call => "call",
            RefKind::Type => "type",
            RefKind::Inherit => "inherit",
            RefKind::Implement => "implement",
            RefKind::Import => "import",
            RefKind::Macro => "macro",
            RefKind::Read => "read",
            RefKind::Value => "value",
        }
    }

    /// The edge this reference becomes once resolved.
    pub fn edge_kind(self) -> EdgeKind {
        match self {
            RefKind::Call => EdgeKind::Calls,
            RefKind::Type => EdgeKind::References,
            RefKind::Inherit => EdgeKind::Inherits,
            RefKind::Implement => EdgeKind::Implements,
            RefKind::Import => EdgeKind::Imports,
            // A macro is expanded, not called: its users reference it.
            RefKind::Macro => EdgeKind::References,
            RefKind::Read => EdgeKind::References,
            RefKind::Value => EdgeKind::References,
        }
    }
}

/// A use of a name that cross-file resolution will link to a definition.
/// Kept even when it never resolves, so nothing the parser saw is lost.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub struct UnresolvedRef {
    /// The innermost definition (or file) the reference occurs in.
    pub from: NodeId,
    pub kind: RefKind,
    /// The referenced name as written (`parse`, `os.path`, `./util`).
    pub name: String,
    /// What the name was reached through, if anything: the receiver of a
    /// method call (`self`, `client`), the type an `impl` block is for.
    pub qualifier: Option<String>,
    /// The receiver's type, where the file declares it (`console: Console`
    /// makes `console.print()` a call of `Console.print`).
    pub receiver_type: Option<String>,
    /// The qualifier is a value the member is reached through, as a field
    /// expression writes it (Rust's `iter.size_hint()`, C's `dev->ops`),
    /// not a path (`iter::size_hint()`): a value names no module, though
    /// a module of that name may be in scope.
    pub through_value: bool,
    /// A Rust path call's one argument's type, where the file shows it, as
    /// `rust_type_head` writes it (`Bytes::from(vec![1])` has `Vec`): which
    /// of a type's `From` impls runs.
    pub argument: Option<String>,
    /// 1-based line and 0-based byte column of the reference.
    pub line: u32,
    pub col: u32,
}

/// Everything extracted from one file.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct FileGraph {
    /// The file node comes first, then definitions in source order.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub refs: Vec<UnresolvedRef>,
    /// The tree had syntax errors; what parsed is kept.
    pub has_syntax_errors: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn method(file: &str, signature: &str) -> Node {
        Node {
            id: NodeId::for_file(file),
            kind: NodeKind::Method,
            language: Language::Cpp,
            name: "area".into(),
            qualified_name: "geo::Circle::area".into(),
            file: file.into(),
            span: Span::default(),
            signature: Some(signature.into()),
            doc: None,
            parent: None,
            content_hash: 0,
            test: false,
        }
    }

    #[test]
    fn a_definition_replaces_its_declarations() {
        let declared = method("shape.h", "double area() const override;");
        let defined = method("shape.cpp", "double Circle::area() const");
        assert!(declared.is_declaration() && !defined.is_declaration());
        let mut both = vec![declared.clone(), defined.clone()];
        prefer_definitions(&mut both);
        assert_eq!(both, [defined]);
        let mut alone = vec![declared.clone()];
        prefer_definitions(&mut alone);
        assert_eq!(alone, [declared]);
    }
}
