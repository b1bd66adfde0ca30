//! The language-neutral adapter: runs a language's query over the syntax
//! tree and turns the captures into nodes, edges and unresolved references.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use codegraph_core::{
    content_hash, Edge, EdgeKind, FileGraph, Language, Node, NodeId, NodeKind, RefKind, Span,
    UnresolvedRef,
};
use tree_sitter::{Parser, QueryCursor, StreamingIterator};

use crate::kin::Kin;
use crate::spec::{spec, LanguageSpec, Role};
use crate::text::{doc_comment, signature, truncate};
use crate::types::{Binding, Scopes, TypeFacts};
use codegraph_core::normalize_type;

/// Longest name kept for a definition or reference; longer ones are cut.
const MAX_NAME_BYTES: usize = 256;

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(Parser::new());
    static CURSOR: RefCell<QueryCursor> = RefCell::new(QueryCursor::new());
}

/// A definition or naming scope as matched, before nesting is known.
struct RawDef<'t> {
    /// `None` for a scope that is not a node (a Rust `impl` block).
    kind: Option<NodeKind>,
    node: tree_sitter::Node<'t>,
    name: String,
    name_start: usize,
    owner: Option<String>,
    pattern: usize,
}

impl RawDef<'_> {
    fn contains(&self, byte: usize) -> bool {
        self.node.start_byte() <= byte && byte < self.node.end_byte()
    }

    fn is_scope(&self) -> bool {
        self.kind.is_none_or(|kind| {
            kind.is_type_container()
                || matches!(
                    kind,
                    NodeKind::Module
                        | NodeKind::Namespace
                        | NodeKind::Function
                        | NodeKind::Method
                        | NodeKind::Constructor
                )
        })
    }
}

/// What `Captured::take` has kept so far, to keep the definitions of a
/// node and one reference per name position that the first (most
/// specific) pattern found.
#[derive(Default)]
struct Seen {
    /// A definition's node id: the indices in `defs` of its names, all
    /// found by one pattern (`int a, b;` defines both).
    defs: HashMap<usize, Vec<usize>>,
    /// Indices in `defs` that a more specific pattern replaced.
    replaced: Vec<usize>,
    /// A reference's start byte: its pattern and its index in `refs`.
    refs: HashMap<usize, (usize, usize)>,
}

/// A name a scope binds itself (`@local`, `@local.type`).
struct Local {
    at: usize,
    name: String,
    /// Bound in any scope, not only a function's: a generic parameter of
    /// an `impl` or a struct.
    any_scope: bool,
}

struct RawRef {
    kind: RefKind,
    name: String,
    receiver: Option<String>,
    /// The receiver is a path (`it::equal`, `Foo::new`), not a value.
    path_receiver: bool,
    /// The receiver is a field expression's value (`iter.size_hint()`).
    through_value: bool,
    /// A Rust path call's one argument, as far as its text tells.
    argument: Option<Argument>,
    start_byte: usize,
    line: u32,
    col: u32,
}

/// What a Rust path call's one argument is: a type head its text shows
/// (`"s"` is a `str`, `vec![1]` a `Vec`, `&b"ab"[..]` a slice), or a
/// local whose type the file's bindings may know.
enum Argument {
    Head(String),
    Local(String),
}

/// Methods whose result's type is the same whatever they are called on.
const ARGUMENT_METHODS: &[(&str, &str)] = &[
    ("to_vec", "Vec"),
    ("into_vec", "Vec"),
    ("to_string", "String"),
    ("as_slice", "[]"),
    ("as_bytes", "[]"),
    ("as_mut_slice", "[]"),
    ("into_boxed_slice", "Box"),
];

/// The one argument of the Rust call `call`, if it has one and its text
/// tells its type.
fn rust_argument(call: tree_sitter::Node, source: &str) -> Option<Argument> {
    let arguments = call.child_by_field_name("arguments")?;
    if arguments.named_child_count() != 1 {
        return None;
    }
    argument_of(arguments.named_child(0)?, source, 0)
}

fn argument_of(node: tree_sitter::Node, source: &str, depth: usize) -> Option<Argument> {
    if depth > 4 {
        return None;
    }
    let head = |h: &str| Some(Argument::Head(h.to_string()));
    match node.kind() {
        "string_literal" | "raw_string_literal" => head("str"),
        // `&x`, `(x)`: what is inside.
        "reference_expression" => {
            argument_of(node.child_by_field_name("value")?, source, depth + 1)
        }
        "parenthesized_expression" => argument_of(node.named_child(0)?, source, depth + 1),
        // `x[..]`, `b"abc"[1..]`: a slice; `[0; 16]`, `[1, 2]`: an array.
        "index_expression" if node.named_child(1)?.kind() == "range_expression" => head("[]"),
        "array_expression" => head("[]"),
        "macro_invocation" => match node.child_by_field_name("macro").map(|m| text(m, source)) {
            Some("vec") => head("Vec"),
            Some("format") => head("String"),
            _ => None,
        },
        "identifier" => Some(Argument::Local(text(node, source).to_string())),
        "struct_expression" => head(codegraph_core::rust_type_head(text(
            node.child_by_field_name("name")?,
            source,
        ))?),
        "call_expression" => {
            let function = node.child_by_field_name("function")?;
            match function.kind() {
                "field_expression" => {
                    let method = text(function.child_by_field_name("field")?, source);
                    let value = function.child_by_field_name("value")?;
                    match method {
                        // A copy is of the type it copies.
                        "clone" => argument_of(value, source, depth + 1),
                        "to_owned" if value.kind() == "string_literal" => head("String"),
                        _ => ARGUMENT_METHODS
                            .iter()
                            .find(|(m, _)| *m == method)
                            .and_then(|(_, h)| head(h)),
                    }
                }
                "scoped_identifier" => {
                    let name = text(function.child_by_field_name("name")?, source);
                    let path = strip_turbofish(text(function.child_by_field_name("path")?, source));
                    let ty = codegraph_core::rust_type_head(&path)?;
                    (codegraph_core::RUST_CONSTRUCTORS.contains(&name) && looks_typed(ty))
                        .then(|| Argument::Head(ty.to_string()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A local's type, as the file's bindings know it, reduced to its head:
/// a declared or constructed type (`Vec`), or what a constructor returns
/// (`let b = BytesMut::from(x)` is a `BytesMut`).
fn local_head(ty: &str) -> Option<String> {
    if let Some(callee) = ty.strip_prefix(codegraph_core::RETURNS) {
        let (path, name) = callee.rsplit_once("::")?;
        let ty = codegraph_core::rust_type_head(path)?;
        return (codegraph_core::RUST_CONSTRUCTORS.contains(&name) && looks_typed(ty))
            .then(|| ty.to_string());
    }
    if ty.starts_with(codegraph_core::ALIAS) || ty.starts_with(codegraph_core::MEMBERS) {
        return None;
    }
    codegraph_core::rust_type_head(ty).map(str::to_string)
}

/// How a binding's type is written.
#[derive(Clone, Copy)]
enum Bound {
    /// A declared type (`x: Client`).
    Declared,
    /// The callee of a call assigned (`x = Client()`, `x = make()`).
    Constructed,
    /// Another name whose value is assigned (`self.x = x`).
    Value,
    /// A Rust tuple-variant pattern's path (`Entry::Occupied(e)`).
    Variant,
    /// The value a Rust `for` loop walks (`for e in g.edges(a)`).
    Item,
}

struct RawImport<'t> {
    node: tree_sitter::Node<'t>,
    /// The module or item path as written.
    path: String,
    /// The local name the import binds, if the syntax names one.
    name: Option<String>,
    /// The name is a member of `path` (`from m import name`), not an alias
    /// of the module itself (`import name from 'm'`).
    qualifies: bool,
    /// The local name a member is bound to, if renamed (`import a as b`).
    local: Option<String>,
}

/// Parses `source` (the text of the file at repo-relative `path`) and
/// extracts its graph. Never fails: a file with syntax errors yields what
/// parsed, with `has_syntax_errors` set.
pub fn parse_file(path: &str, source: &str, language: Language) -> FileGraph {
    parse(path, source, language, Matcher::Fastest)
}

/// As [`parse_file`], but always matching with the language's query, never
/// a hand-written walk that stands in for it: for checking that the walk
/// finds exactly what the query finds (`parse_tree --check-walk`).
pub fn parse_file_by_query(path: &str, source: &str, language: Language) -> FileGraph {
    parse(path, source, language, Matcher::Query)
}

/// How a file's rules are matched.
#[derive(Clone, Copy, PartialEq)]
enum Matcher {
    /// The hand-written walk where a language has one (C), else the query.
    Fastest,
    Query,
}

fn parse(path: &str, source: &str, language: Language, matcher: Matcher) -> FileGraph {
    let spec = spec(language);
    let tree = syntax(spec, source);
    let file_node = file_node(path, source, language);
    let Some(tree) = tree else {
        return FileGraph {
            nodes: vec![file_node],
            has_syntax_errors: true,
            ..FileGraph::default()
        };
    };
    let root = tree.root_node();
    let mut raw = Captured::default();
    if language == Language::C && matcher == Matcher::Fastest {
        raw.collect_c(spec, root, source);
    } else {
        CURSOR.with_borrow_mut(|cursor| raw.collect(spec, cursor, root, source));
    }
    if spec.parses_macro_arguments {
        let at = Origin {
            byte: 0,
            row: 0,
            col: 0,
        };
        let mut found = MacroRefs::new(&mut raw.refs);
        macro_argument_refs(spec, root, source, at, 0, &mut found);
        found.finish();
    }
    let mut graph = raw.into_graph(root, spec, path, source, language, file_node);
    graph.has_syntax_errors = root.has_error();
    graph
}

/// The grammar's pass alone over one file: the syntax tree `parse_file`
/// extracts from, with nothing extracted (for measuring what the grammar
/// costs apart from the extraction; `None` as `parse_file` would see it).
pub fn syntax_tree_only(source: &str, language: Language) -> Option<tree_sitter::Tree> {
    syntax(spec(language), source)
}

fn syntax(spec: &LanguageSpec, source: &str) -> Option<tree_sitter::Tree> {
    // The grammar reads the blanked text; the extractor reads the file's
    // own, at the same offsets.
    let blanked = spec
        .blanks_macros
        .then(|| crate::mask::blank_macros(source))
        .flatten();
    PARSER.with_borrow_mut(|parser| {
        // Only fails on a grammar ABI mismatch, which the tests rule out.
        parser.set_language(&spec.grammar).ok()?;
        parser.parse(blanked.as_deref().unwrap_or(source), None)
    })
}

/// Where a text parsed on its own sits in the file: its first byte's
/// offset, row and column there.
#[derive(Clone, Copy)]
struct Origin {
    byte: usize,
    row: usize,
    col: usize,
}

impl Origin {
    /// The file position of byte `offset` of `text` (which starts here).
    fn at(self, text: &str, offset: usize) -> Origin {
        let before = &text.as_bytes()[..offset.min(text.len())];
        let newlines = before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(last) => offset - last - 1,
            None => self.col.wrapping_add(offset),
        };
        // Wrapping: an origin may sit before the text's first byte (the
        // wrapper a macro's arguments are parsed in); the offsets past it
        // bring the sum back.
        Origin {
            byte: self.byte.wrapping_add(offset),
            row: self.row + newlines,
            col,
        }
    }
}

/// The file's references with an index by position, kept current as
/// references found in macro arguments are added (or replace the
/// name-only ones the query's token-tree patterns saw at the same place).
struct MacroRefs<'r> {
    refs: &'r mut Vec<RawRef>,
    at_byte: std::collections::BTreeMap<usize, usize>,
    /// Positions of name-only references inside arguments that parsed as
    /// code and found nothing there (`fn prop(..)` in `quickcheck! { }`
    /// defines, it does not call): dropped at the end.
    stale: std::collections::HashSet<usize>,
}

impl<'r> MacroRefs<'r> {
    fn new(refs: &'r mut Vec<RawRef>) -> MacroRefs<'r> {
        let at_byte = refs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.start_byte, i))
            .collect();
        MacroRefs {
            refs,
            at_byte,
            stale: Default::default(),
        }
    }

    fn put(&mut self, r: RawRef) {
        self.stale.remove(&r.start_byte);
        match self.at_byte.get(&r.start_byte) {
            Some(&i) => self.refs[i] = r,
            None => {
                self.at_byte.insert(r.start_byte, self.refs.len());
                self.refs.push(r);
            }
        }
    }

    /// The arguments at `range` parsed as code, which found references at
    /// `found` only: any other reference there is a token-tree guess.
    fn parsed(&mut self, range: std::ops::Range<usize>, found: &[usize]) {
        for (&at, _) in self.at_byte.range(range) {
            if !found.contains(&at) {
                self.stale.insert(at);
            }
        }
    }

    /// Drops the guesses that parsed arguments refuted.
    fn finish(self) {
        if !self.stale.is_empty() {
            self.refs.retain(|r| !self.stale.contains(&r.start_byte));
        }
    }
}

/// Macros nested deeper than this inside macro arguments are not re-parsed.
const MAX_MACRO_DEPTH: usize = 4;

/// Macro arguments are token trees to the grammar (`assert!(!r.is_fixed())`
/// holds no call node), so the references in them are found by parsing
/// each argument list again as an expression, in place: the references
/// found keep their position in the file, so their scope (and the
/// receiver types known there) is the macro call's.
fn macro_argument_refs(
    spec: &LanguageSpec,
    root: tree_sitter::Node<'_>,
    source: &str,
    origin: Origin,
    depth: usize,
    refs: &mut MacroRefs,
) {
    if depth >= MAX_MACRO_DEPTH {
        return;
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() != "macro_invocation" {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
            continue;
        }
        let macro_name = node.child_by_field_name("macro").map(|m| text(m, source));
        let mut cursor = node.walk();
        let Some(tree) = node
            .children(&mut cursor)
            .find(|c| c.kind() == "token_tree")
        else {
            continue;
        };
        if macro_name == Some("macro_rules") {
            continue;
        }
        reparse_token_tree(spec, tree, source, origin, depth, refs);
    }
}

/// Re-parses one token tree's contents; where they are no expression or
/// block as a whole (a DSL such as `bench! { name { {setup} expr } }`),
/// each delimited group inside is tried on its own, so the code in the
/// DSL's braces is still read as code.
fn reparse_token_tree(
    spec: &LanguageSpec,
    tree: tree_sitter::Node<'_>,
    source: &str,
    origin: Origin,
    depth: usize,
    refs: &mut MacroRefs,
) {
    if depth >= MAX_MACRO_DEPTH || tree.byte_range().len() < 3 {
        return;
    }
    let inner_start = tree.start_byte() + 1;
    let inner = &source[inner_start..tree.end_byte() - 1];
    let inner_origin = origin.at(source, inner_start);
    let bracketed = text(tree, source).starts_with('[');
    if reparse_arguments(spec, inner, bracketed, inner_origin, depth, refs) {
        return;
    }
    let mut cursor = tree.walk();
    let children: Vec<tree_sitter::Node> = tree.children(&mut cursor).collect();
    for &group in &children {
        if group.kind() == "token_tree" {
            reparse_token_tree(spec, group, source, origin, depth + 1, refs);
        }
    }
    // The code between the braced groups (`{setup} v.iter().dedup()`):
    // each run of it that holds a call, as an expression of its own.
    let inside = children
        .get(1..children.len().saturating_sub(1))
        .unwrap_or(&[]);
    for run in inside.split(|c| c.kind() == "token_tree" && text(*c, source).starts_with('{')) {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            continue;
        };
        let calls = run
            .iter()
            .any(|c| c.kind() == "token_tree" && text(*c, source).starts_with('('));
        if calls {
            let code = &source[first.start_byte()..last.end_byte()];
            let at = origin.at(source, first.start_byte());
            reparse_arguments(spec, code, false, at, depth + 1, refs);
        }
    }
}

/// Parses macro arguments `inner` as an expression (an array for `[...]`,
/// else a tuple; failing that, a block of statements) and appends the
/// references in it, positioned at `origin`. False when it parses as
/// neither.
fn reparse_arguments(
    spec: &LanguageSpec,
    inner: &str,
    bracketed: bool,
    origin: Origin,
    depth: usize,
    refs: &mut MacroRefs,
) -> bool {
    let wrappings: [(&str, &str); 2] = if bracketed {
        [("fn _m(){[", "];}"), ("fn _m(){", "}")]
    } else {
        [("fn _m(){(", ");}"), ("fn _m(){", "}")]
    };
    for (open, close) in wrappings {
        let wrapped = format!("{open}{inner}{close}");
        let tree = PARSER.with_borrow_mut(|parser| parser.parse(&wrapped, None));
        let Some(tree) = tree else { return false };
        if tree.root_node().has_error() {
            continue;
        }
        let mut found = Captured::default();
        CURSOR.with_borrow_mut(|cursor| found.collect(spec, cursor, tree.root_node(), &wrapped));
        let at = |byte: usize| origin.at(inner, byte.saturating_sub(open.len()));
        let mut positions = Vec::with_capacity(found.refs.len());
        for mut r in found.refs {
            if r.start_byte < open.len() {
                continue;
            }
            let place = at(r.start_byte);
            r.start_byte = place.byte;
            r.line = place.row as u32 + 1;
            r.col = place.col as u32;
            positions.push(r.start_byte);
            refs.put(r);
        }
        refs.parsed(origin.byte..origin.byte + inner.len(), &positions);
        // Macros inside the arguments, at the wrapped text's offsets.
        let wrapped_origin = Origin {
            byte: origin.byte.wrapping_sub(open.len()),
            row: origin.row,
            col: origin.col.wrapping_sub(open.len()),
        };
        macro_argument_refs(
            spec,
            tree.root_node(),
            &wrapped,
            wrapped_origin,
            depth + 1,
            refs,
        );
        return true;
    }
    false
}

fn file_node(path: &str, source: &str, language: Language) -> Node {
    let lines = source.lines().count().max(1) as u32;
    Node {
        id: NodeId::for_file(path),
        kind: NodeKind::File,
        language,
        name: path.rsplit('/').next().unwrap_or(path).to_string(),
        qualified_name: path.to_string(),
        file: path.to_string(),
        span: Span {
            start_byte: 0,
            end_byte: source.len() as u32,
            start_line: 1,
            start_col: 0,
            end_line: lines,
            end_col: 0,
        },
        signature: None,
        doc: None,
        parent: None,
        content_hash: content_hash(source.as_bytes()),
        test: codegraph_core::testing::is_test_file(path, language, source),
    }
}

/// The file's scopes, as `types.rs` sees them.
struct FileScopes<'d, 't> {
    defs: &'d [RawDef<'t>],
    scope_parent: &'d [Option<usize>],
}

impl Scopes for FileScopes<'_, '_> {
    fn innermost(&self, byte: usize) -> Option<usize> {
        let candidate = self.defs.partition_point(|d| d.node.start_byte() <= byte);
        let mut current = candidate.checked_sub(1);
        while let Some(i) = current {
            if self.defs[i].contains(byte) && self.defs[i].is_scope() {
                return Some(i);
            }
            current = self.scope_parent[i];
        }
        None
    }

    fn parent(&self, scope: usize) -> Option<usize> {
        self.scope_parent[scope]
    }

    fn type_name(&self, scope: usize) -> Option<&str> {
        let def = &self.defs[scope];
        def.kind
            .is_none_or(NodeKind::is_type_container)
            // `impl Trait for &Foo`: `self.x` is Foo's field.
            .then_some(def.name.trim_start_matches('&'))
    }
}

#[derive(Default)]
struct Captured<'t> {
    defs: Vec<RawDef<'t>>,
    refs: Vec<RawRef>,
    imports: Vec<RawImport<'t>>,
    bindings: Vec<Binding>,
    package: Option<String>,
    /// Names bound locally (`@local`): (position, name).
    locals: Vec<Local>,
    /// Name positions a `@not_reference` capture marks.
    not_references: HashSet<usize>,
}

/// `node`'s parent, searched for from `ancestor` down when `node` lies
/// inside it: `Node::parent` searches from the root, through every earlier
/// sibling of each ancestor on the way.
fn parent_below<'t>(
    ancestor: tree_sitter::Node<'t>,
    node: tree_sitter::Node<'t>,
) -> Option<tree_sitter::Node<'t>> {
    let mut current = ancestor;
    while current.id() != node.id() {
        match current.child_with_descendant(node) {
            Some(child) if child.id() == node.id() => return Some(current),
            Some(child) => current = child,
            None => break,
        }
    }
    node.parent()
}

/// `node` sits in a function type (TypeScript `(a: A) => B`, Rust
/// `fn(A) -> B`), not in a function's own parameter list.
fn in_function_type(node: tree_sitter::Node) -> bool {
    let mut current = node.parent();
    for _ in 0..4 {
        let Some(n) = current else { return false };
        match n.kind() {
            "function_type" | "constructor_type" | "function_signature_type" => return true,
            _ => current = n.parent(),
        }
    }
    false
}

fn text<'s>(node: tree_sitter::Node, source: &'s str) -> &'s str {
    truncate(source.get(node.byte_range()).unwrap_or(""), MAX_NAME_BYTES)
}

/// Bindings for the untyped parameters of `function`, an argument of a
/// call of `callee`: parameter `j` of argument `i` has the type written
/// `callee(i).j`, which the resolver reads off the callee's signature
/// (`operate((source, subscriber) => …)` and `operate(init: (source:
/// Observable<T>, subscriber: Subscriber<R>) => …)`). TypeScript's `this`
/// pseudo-parameter is not counted.
fn callback_bindings(function: tree_sitter::Node, callee: &str, source: &str) -> Vec<Binding> {
    let Some(args) = function.parent() else {
        return Vec::new();
    };
    let mut walk = args.walk();
    let Some(arg) = args
        .named_children(&mut walk)
        .filter(|c| c.kind() != "comment")
        .position(|c| c.id() == function.id())
    else {
        return Vec::new();
    };
    let params: Vec<tree_sitter::Node> = match function.child_by_field_name("parameters") {
        Some(list) => {
            let mut walk = list.walk();
            list.named_children(&mut walk)
                .filter(|c| c.kind() != "comment")
                .collect()
        }
        // `x => …`
        None => function
            .child_by_field_name("parameter")
            .into_iter()
            .collect(),
    };
    let mut bindings = Vec::new();
    let mut index = 0;
    for param in params {
        let (pattern, typed) = match param.kind() {
            "identifier" => (Some(param), false),
            "required_parameter" | "optional_parameter" => (
                param.child_by_field_name("pattern"),
                param.child_by_field_name("type").is_some(),
            ),
            _ => (None, true),
        };
        if pattern.is_some_and(|p| p.kind() == "this") {
            continue;
        }
        if let Some(name) = pattern.filter(|p| p.kind() == "identifier" && !typed) {
            bindings.push(Binding {
                byte: param.start_byte(),
                name: text(name, source).to_string(),
                ty: format!("{callee}({arg}).{index}"),
                member: false,
                within: None,
            });
        }
        index += 1;
    }
    bindings
}

/// Which field of a tuple pattern (`Occupied(mut e)`, `Pair(_, ref b)`)
/// binds `name`: the position of the pattern's child that holds it.
fn variant_position(name: tree_sitter::Node) -> Option<usize> {
    let mut child = name;
    let pattern = loop {
        let parent = child.parent()?;
        if parent.kind() == "tuple_struct_pattern" {
            break parent;
        }
        child = parent;
    };
    let type_path = pattern.child_by_field_name("type").map(|t| t.id());
    let mut walk = pattern.walk();
    let position = pattern
        .named_children(&mut walk)
        .filter(|c| Some(c.id()) != type_path)
        .position(|c| c.id() == child.id());
    position
}

/// A Rust `impl Trait for &'a Foo<T>` block, named by `Foo`: its methods
/// are `&Foo::into_iter`, apart from `Foo`'s own `into_iter` (by value),
/// which is the one a call `foo.into_iter()` means.
fn borrowed_impl(name: tree_sitter::Node) -> bool {
    let mut current = name.parent();
    while let Some(node) = current {
        match node.kind() {
            "reference_type" => return true,
            "impl_item" => return false,
            _ => current = node.parent(),
        }
    }
    false
}

/// The field a name is bound from in a Rust struct pattern: `f` in `Self
/// { f, .. }`, `pool` in `Foo { pool: p }`.
fn destructured_field<'s>(name: tree_sitter::Node, source: &'s str) -> Option<&'s str> {
    let field = name.parent().filter(|p| p.kind() == "field_pattern")?;
    Some(text(field.child_by_field_name("name")?, source))
}

/// The receiver written before a name among a macro's tokens (`inner` in
/// `inner.seek(pos)`): the identifier before a `.` right before `at`.
fn token_receiver(source: &str, at: usize) -> Option<&str> {
    let before = source[..at].trim_end().strip_suffix('.')?.trim_end();
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let receiver = &before[start..];
    (!receiver.is_empty() && !receiver.starts_with(|c: char| c.is_ascii_digit()))
        .then_some(receiver)
}

/// The path a Rust qualified-self receiver goes through: the trait of
/// `<Ix as IndexType>::max()`, the type of `<Vec<u8>>::new()` (without its
/// arguments); any other path as written.
fn qualified_self(path: &str) -> String {
    let Some(inner) = path.strip_prefix('<').and_then(|p| p.strip_suffix('>')) else {
        return path.to_string();
    };
    let named = inner.rsplit_once(" as ").map_or(inner, |(_, t)| t).trim();
    named.split('<').next().unwrap_or(named).to_string()
}

/// A Rust path without its turbofish type arguments: `Vec::<u8>::new` →
/// `Vec::new`, `SmallVec::<[_; 0]>` → `SmallVec`.
fn strip_turbofish(path: &str) -> String {
    if !path.contains("::<") {
        return path.to_string();
    }
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find("::<") {
        out.push_str(&rest[..at]);
        let mut depth = 0usize;
        let mut end = rest.len();
        let mut previous = ' ';
        for (i, c) in rest[at + 2..].char_indices() {
            match c {
                '<' => depth += 1,
                // Not the arrow of `Fn() -> T`.
                '>' if previous != '-' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = at + 2 + i + 1;
                        break;
                    }
                }
                _ => {}
            }
            previous = c;
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A dereferenced name or field path in parentheses, as a receiver:
/// `(*shared)` → `shared`, `(**self)` → `self`, `(&mut self.b)` → `self.b`.
/// A call through it reaches what the name's type points to or derefs
/// to, which receiver typing sees through as it does `Box` and `&`.
fn dereferenced(receiver: &str) -> Option<String> {
    let inner = unborrowed(receiver.strip_prefix('(')?.strip_suffix(')')?);
    (!inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.')))
    .then(|| inner.to_string())
}

/// A Rust value without the borrows and dereferences written before it:
/// `&mut self` → `self`, `**boxed` → `boxed`.
pub(crate) fn unborrowed(value: &str) -> &str {
    let value = value.trim_start_matches(['&', '*', ' ']);
    value.strip_prefix("mut ").unwrap_or(value).trim()
}

/// A path's first segment names a type (`Self`, `T`, `HeaderMap`), by
/// Rust's naming convention, not a module (`fmt`, `crate`).
fn looks_typed(path: &str) -> bool {
    path.starts_with(|c: char| c.is_ascii_uppercase())
}

/// A tuple struct's field, captured as its type (`struct Pair(A, B)`):
/// its position, the name it is read by (`self.1`).
fn positional_field(node: tree_sitter::Node) -> Option<String> {
    let list = node.parent()?;
    if list.kind() != "ordered_field_declaration_list" {
        return None;
    }
    let mut walk = list.walk();
    let position = list
        .children_by_field_name("type", &mut walk)
        .position(|t| t.id() == node.id())?;
    Some(position.to_string())
}

/// The type references in a Python type expression, at any depth:
/// `t.Optional["Parameter"]` names `Parameter`, `dict[str, Command]` names
/// `str` and `Command`, `click.Context` names `Context` in `click`. A
/// string is a forward reference whose names are read off its text.
fn type_tree_refs(root: tree_sitter::Node, source: &str) -> Vec<RawRef> {
    let mut refs = Vec::new();
    let at = |kind, name: &str, receiver: Option<String>, node: tree_sitter::Node, offset| {
        let pos = node.start_position();
        RawRef {
            kind,
            name: name.to_string(),
            receiver,
            path_receiver: false,
            through_value: false,
            argument: None,
            start_byte: node.start_byte() + offset,
            line: pos.row as u32 + 1,
            col: (pos.column + offset) as u32,
        }
    };
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "identifier" => refs.push(at(RefKind::Type, text(node, source), None, node, 0)),
            // A dotted name: the last segment, reached through the rest.
            "attribute" => {
                let dotted = text(node, source);
                if let Some((receiver, name)) = dotted.rsplit_once('.') {
                    if is_dotted_name(dotted) {
                        let offset = dotted.len() - name.len();
                        let receiver = Some(receiver.to_string());
                        refs.push(at(RefKind::Type, name, receiver, node, offset));
                        continue;
                    }
                }
                push_children(&mut stack, node);
            }
            "string_content" => {
                let content = text(node, source);
                if content.contains('\n') {
                    continue;
                }
                let mut start = 0;
                for token in content.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                {
                    let offset = start;
                    start += token.len() + 1;
                    if token.is_empty() || !is_dotted_name(token) {
                        continue;
                    }
                    let (receiver, name) = match token.rsplit_once('.') {
                        Some((r, n)) => (Some(r.to_string()), n),
                        None => (None, token),
                    };
                    let offset = offset + token.len() - name.len();
                    refs.push(at(RefKind::Type, name, receiver, node, offset));
                }
            }
            _ => push_children(&mut stack, node),
        }
    }
    refs
}

/// Pushes `node`'s children so that they pop in source order.
fn push_children<'t>(stack: &mut Vec<tree_sitter::Node<'t>>, node: tree_sitter::Node<'t>) {
    let mut walk = node.walk();
    let children: Vec<_> = node.children(&mut walk).collect();
    stack.extend(children.into_iter().rev());
}

/// `a.b.C`: identifiers joined by dots.
fn is_dotted_name(text: &str) -> bool {
    text.split('.').all(|segment| {
        segment.starts_with(|c: char| c.is_alphabetic() || c == '_')
            && segment.chars().all(|c| c.is_alphanumeric() || c == '_')
    })
}

impl<'t> Captured<'t> {
    /// Keeps one reference per name position: the first (most specific)
    /// pattern's.
    fn push_ref(
        &mut self,
        raw: RawRef,
        pattern: usize,
        ref_index: &mut HashMap<usize, (usize, usize)>,
    ) {
        match ref_index.get(&raw.start_byte) {
            Some(&(first, _)) if first <= pattern => {}
            Some(&(_, i)) => {
                ref_index.insert(raw.start_byte, (pattern, i));
                self.refs[i] = raw;
            }
            None => {
                ref_index.insert(raw.start_byte, (pattern, self.refs.len()));
                self.refs.push(raw);
            }
        }
    }

    /// Runs the language's query over the tree and takes each match.
    fn collect(
        &mut self,
        spec: &LanguageSpec,
        cursor: &mut QueryCursor,
        root: tree_sitter::Node<'t>,
        source: &str,
    ) {
        let mut seen = Seen::default();
        let mut captures = Vec::new();
        let mut matches = cursor.matches(&spec.query, root, source.as_bytes());
        while let Some(m) = matches.next() {
            captures.clear();
            captures.extend(
                m.captures()
                    .iter()
                    .map(|c| (spec.roles[c.index as usize], c.node)),
            );
            self.take(spec, m.pattern_index, &captures, source, &mut seen);
        }
        self.drop_replaced(seen);
    }

    /// Drops the definitions a more specific pattern replaced.
    fn drop_replaced(&mut self, mut seen: Seen) {
        seen.replaced.sort_unstable();
        seen.replaced.dedup();
        for &i in seen.replaced.iter().rev() {
            self.defs.remove(i);
        }
    }

    /// C's rules found by a hand-written walk instead of the query
    /// (`c_walk.rs`): the same matches, at a fraction of the query
    /// engine's cost. The query reports references in source order; the
    /// walk finds a call's name after the names in its receiver, so they
    /// are put in that order.
    fn collect_c(&mut self, spec: &LanguageSpec, root: tree_sitter::Node<'t>, source: &str) {
        let mut seen = Seen::default();
        crate::c_walk::matches(root, |pattern, captures| {
            self.take(spec, pattern, captures, source, &mut seen)
        });
        self.refs.sort_by_key(|r| r.start_byte);
        self.drop_replaced(seen);
    }

    /// Takes one match: `pattern` is its index in the query, `captures`
    /// each captured node with its role.
    fn take(
        &mut self,
        spec: &LanguageSpec,
        pattern: usize,
        captures: &[(Role, tree_sitter::Node<'t>)],
        source: &str,
        seen: &mut Seen,
    ) {
        let (def_index, ref_index) = (&mut seen.defs, &mut seen.refs);
        let (mut main, mut name, mut owner, mut receiver_node) = (None, None, None, None);
        let mut relative_import = false;
        let (mut import_path, mut import_name, mut import_alias) = (None, None, None);
        let (mut binding_name, mut binding_type, mut callee) = (None, None, None);
        for &(role, node) in captures {
            match role {
                role @ (Role::Definition(_)
                | Role::Scope
                | Role::Reference(_)
                | Role::TypeTree
                | Role::Import
                | Role::Binding { .. }
                | Role::Callback
                | Role::Package) => main = Some((role, node)),
                Role::Callee => callee = Some(node),
                Role::BindingName => binding_name = Some(node),
                Role::BindingType => binding_type = Some((node, Bound::Declared)),
                Role::BindingClass => binding_type = Some((node, Bound::Constructed)),
                Role::BindingValue => binding_type = Some((node, Bound::Value)),
                Role::BindingVariant => binding_type = Some((node, Bound::Variant)),
                Role::BindingItem => binding_type = Some((node, Bound::Item)),
                Role::Name => name = Some(node),
                Role::Owner => owner = Some(text(node, source).to_string()),
                Role::Receiver => receiver_node = Some(node),
                Role::ImportPath => import_path = Some(node),
                Role::ImportRelative => {
                    import_path = Some(node);
                    relative_import = true;
                }
                Role::ImportName => import_name = Some(node),
                Role::ImportAlias => import_alias = Some(node),
                Role::Local { any_scope } => self.locals.push(Local {
                    at: node.start_byte(),
                    name: text(node, source).to_string(),
                    any_scope,
                }),
                Role::NotReference => {
                    self.not_references.insert(node.start_byte());
                }
                Role::Ignored => {}
            }
        }
        let Some((role, node)) = main else { return };
        // A name error recovery made up (zero width, no text in the file)
        // names nothing: `static DEFINE_PER_CPU(long, x);` reads as a
        // declaration whose declarator's name is missing.
        if name.is_some_and(|name| name.is_missing()) {
            return;
        }
        let mut path_receiver = false;
        let mut through_value = false;
        let mut receiver = receiver_node.map(|receiver| {
            let parent = parent_below(node, receiver).map(|p| p.kind());
            path_receiver = matches!(parent, Some("scoped_identifier" | "scoped_type_identifier"));
            through_value = parent == Some("field_expression");
            // Haskell's qualified names keep the dot (`M.`).
            let written = one_line(text(receiver, source).trim_end_matches('.'));
            // `SmallVec::<[u8; 4]>::new()` goes through `SmallVec`.
            if path_receiver {
                strip_turbofish(&qualified_self(&written))
            } else {
                dereferenced(&written).unwrap_or(written)
            }
        });
        match role {
            Role::Definition(_) | Role::Scope => {
                // A pattern may capture the definition alone, its name
                // being the `name` field: a pattern reaching into a
                // big grammar's node can cost a third of a second to
                // compile (Swift's `function_declaration`).
                let Some(name) = name
                    .or_else(|| node.child_by_field_name("name"))
                    .filter(|name| !name.is_missing())
                else {
                    return;
                };
                let kind = match role {
                    Role::Definition(kind) => Some(kind),
                    _ => None,
                };
                let mut name_text = text(name, source).to_string();
                if kind.is_none() && borrowed_impl(name) {
                    name_text.insert(0, '&');
                }
                let def = RawDef {
                    kind,
                    node,
                    name: name_text,
                    name_start: name.start_byte(),
                    owner,
                    pattern,
                };
                // The first (most specific) pattern that matches a node
                // wins; it defines every name it finds there (`int a, b;`).
                let names = def_index.entry(node.id()).or_default();
                let kept = names.first().map(|&i| self.defs[i].pattern);
                match kept {
                    Some(first) if first < def.pattern => {}
                    Some(first)
                        if first == def.pattern
                            && names
                                .iter()
                                .any(|&i| self.defs[i].name_start == def.name_start) => {}
                    Some(first) if first > def.pattern => {
                        seen.replaced.extend(names.drain(1..));
                        self.defs[names[0]] = def;
                    }
                    _ => {
                        names.push(self.defs.len());
                        self.defs.push(def);
                    }
                }
            }
            Role::Reference(kind) => {
                let name = name.unwrap_or(node);
                let pos = name.start_position();
                // `inner.seek(pos)` among a macro's tokens: a method of
                // `inner`, never a free function `seek`.
                if receiver.is_none()
                    && spec.has_token_trees
                    && parent_below(node, name).is_some_and(|p| p.kind() == "token_tree")
                {
                    if let Some(value) = token_receiver(source, name.start_byte()) {
                        receiver = Some(value.to_string());
                        through_value = true;
                    }
                }
                // Which of a type's `From` impls `Bytes::from(v)` runs
                // depends on `v`'s type.
                let argument =
                    (path_receiver && kind == RefKind::Call && node.kind() == "call_expression")
                        .then(|| rust_argument(node, source))
                        .flatten();
                let raw = RawRef {
                    kind,
                    name: text(name, source).to_string(),
                    receiver,
                    path_receiver,
                    through_value,
                    argument,
                    start_byte: name.start_byte(),
                    line: pos.row as u32 + 1,
                    col: pos.column as u32,
                };
                self.push_ref(raw, pattern, ref_index);
            }
            Role::TypeTree => {
                for raw in type_tree_refs(node, source) {
                    self.push_ref(raw, pattern, ref_index);
                }
            }
            Role::Import => {
                let Some(path) = import_path else { return };
                // A whole declaration where the grammar has no one path
                // node (Scala's `import a.b.C`).
                let path = text(path, source);
                let path = path.strip_prefix("import ").unwrap_or(path).trim();
                let path = path.trim_matches(|c| matches!(c, '"' | '\'' | '`' | '<' | '>'));
                let declared;
                let path = if node.kind() == "mod_item" {
                    declared = format!("mod::{path}");
                    declared.as_str()
                } else if relative_import && !path.starts_with(['.', '/']) {
                    declared = format!("./{path}");
                    declared.as_str()
                } else {
                    path
                };
                let named = |n: tree_sitter::Node| Some(text(n, source).to_string());
                // A member (`from m import a`), perhaps renamed (`as b`),
                // or the module itself under a local name.
                let (name, qualifies, local) = match (import_name, import_alias) {
                    (Some(member), alias) => (named(member), true, alias.and_then(named)),
                    (None, Some(alias)) => (named(alias), false, None),
                    (None, None) => (None, false, None),
                };
                if spec.expands_use_trees {
                    for (path, name) in expand_use_tree(path) {
                        self.imports.push(RawImport {
                            node,
                            path,
                            name: Some(name),
                            qualifies: false,
                            local: None,
                        });
                    }
                } else {
                    self.imports.push(RawImport {
                        node,
                        path: path.to_string(),
                        name,
                        qualifies,
                        local,
                    });
                }
            }
            Role::Binding { member } => {
                let (Some(name), Some((ty, constructed))) = (binding_name, binding_type) else {
                    return;
                };
                // A parameter of a function *type* (`cb: (r: Public)
                // => void`) binds nothing in the scope it is written in.
                if in_function_type(node) {
                    return;
                }
                let mut written = one_line(text(ty, source));
                if matches!(constructed, Bound::Constructed) {
                    written = strip_turbofish(&written);
                }
                // A field of a destructured value: `let Self { f } =
                // self` types `f` as `self.f`.
                if let Some(field) = destructured_field(name, source) {
                    written = format!("{}.{field}", unborrowed(&written));
                }
                let ty = match (constructed, normalize_type(&written)) {
                    // `iter: slice::Iter<'a, T>`: the module path kept,
                    // so the resolver can tell std's `Iter` from the
                    // file's own.
                    (Bound::Declared, Some(t)) if spec.language == Language::Rust => {
                        Some(with_module_path(&written, t))
                    }
                    (Bound::Declared, ty) => ty,
                    // A class called: an instance of it.
                    (Bound::Constructed, Some(t))
                        if t.starts_with(|c: char| c.is_ascii_uppercase()) =>
                    {
                        Some(t)
                    }
                    // A function called: whatever it declares it returns,
                    // looked up when resolving (`codegraph_core::RETURNS`).
                    (Bound::Constructed, _) => {
                        Some(format!("{}{written}", codegraph_core::RETURNS))
                    }
                    // Another name's value: its type, if known there.
                    (Bound::Value, _) => Some(format!("{}{written}", codegraph_core::ALIAS)),
                    // A variant's field, by position (`↤Entry::Occupied#0`).
                    (Bound::Variant, _) => variant_position(name).map(|at| {
                        format!(
                            "{}{}#{at}",
                            codegraph_core::VARIANT,
                            strip_turbofish(&written)
                        )
                    }),
                    // The walked value as written; `TypeFacts` types it.
                    (Bound::Item, _) => Some(format!("{}{written}", codegraph_core::ITEM)),
                };
                if let Some(ty) = ty {
                    let name =
                        positional_field(name).unwrap_or_else(|| one_line(text(name, source)));
                    let within = matches!(constructed, Bound::Variant | Bound::Item)
                        .then(|| (node.start_byte(), node.end_byte()));
                    // `items: Vec<Foo>`, `xs: &[Foo]`: what its elements
                    // are, as the name `items#item`.
                    let element = match constructed {
                        Bound::Declared if spec.language == Language::Rust => {
                            codegraph_core::rust_item_type(&written)
                        }
                        _ => None,
                    };
                    if let Some(element) = element {
                        self.bindings.push(Binding {
                            byte: node.start_byte(),
                            name: format!("{name}{}", crate::types::ELEMENT),
                            ty: element,
                            member,
                            within,
                        });
                    }
                    self.bindings.push(Binding {
                        byte: node.start_byte(),
                        name,
                        ty,
                        member,
                        within,
                    });
                }
            }
            Role::Callback => {
                let Some(callee) = callee else { return };
                self.bindings
                    .extend(callback_bindings(node, text(callee, source), source));
            }
            Role::Package => {
                self.package = Some(text(name.unwrap_or(node), source).to_string());
            }
            _ => {}
        }
    }

    fn into_graph(
        mut self,
        root: tree_sitter::Node<'t>,
        spec: &LanguageSpec,
        path: &str,
        source: &str,
        language: Language,
        file_node: Node,
    ) -> FileGraph {
        let sep = spec.separator;
        let file_id = file_node.id;
        let test_file = file_node.test;
        let module = self.package.take().or_else(|| spec.module_path(path));
        let mut defs = self.defs;
        defs.sort_by_key(|d| {
            (
                d.node.start_byte(),
                std::cmp::Reverse(d.node.end_byte()),
                d.pattern,
            )
        });

        // Nesting: the innermost enclosing scope of each definition.
        let mut scope_parent: Vec<Option<usize>> = Vec::with_capacity(defs.len());
        let mut stack: Vec<usize> = Vec::new();
        for (i, def) in defs.iter().enumerate() {
            let mut parent = None;
            while let Some(&top) = stack.last() {
                let t = &defs[top].node;
                // Another name of the same declaration (`typedef struct
                // { .. } a, b;`): its sibling, not inside it.
                if t.id() == def.node.id() {
                    parent = scope_parent[top];
                    break;
                }
                if t.start_byte() <= def.node.start_byte()
                    && def.node.end_byte() <= t.end_byte()
                    && top != i
                {
                    parent = Some(top);
                    break;
                }
                stack.pop();
            }
            scope_parent.push(parent);
            if def.is_scope() {
                stack.push(i);
            }
        }

        let mut graph = FileGraph {
            nodes: Vec::with_capacity(defs.len() + 1),
            ..FileGraph::default()
        };
        graph.nodes.push(file_node);
        let mut qualified: Vec<String> = Vec::with_capacity(defs.len());
        let mut node_of: Vec<Option<NodeId>> = Vec::with_capacity(defs.len());
        let mut occurrences: HashMap<(String, NodeKind), u32> = HashMap::new();
        let mut type_ids: HashMap<String, NodeId> = HashMap::new();
        let overloads = overload_signatures(&defs, &scope_parent);
        let kin = Kin::new(root, defs.iter().map(|d| d.node));
        let mut test_of: Vec<bool> = Vec::with_capacity(defs.len());
        for (i, def) in defs.iter().enumerate() {
            let parent = scope_parent[i];
            test_of.push(
                test_file
                    || parent.is_some_and(|p| test_of[p])
                    || crate::testing::marks_test(def.node, &def.name, language, source, &kin),
            );
            // The file's own package declaration (PHP's and C#'s
            // `namespace X;`) is named X, not X within X.
            let declares_package = parent.is_none()
                && def.kind == Some(NodeKind::Namespace)
                && module.as_deref() == Some(def.name.as_str());
            let mut qname = match parent {
                Some(p) => qualified[p].clone(),
                None if declares_package => String::new(),
                None => module.clone().unwrap_or_default(),
            };
            if let Some(owner) = &def.owner {
                push_segment(&mut qname, sep, owner);
            }
            push_segment(&mut qname, sep, &def.name);
            if overloads[i].is_some() {
                qualified.push(qname);
                node_of.push(None);
                continue;
            }
            let Some(mut kind) = def.kind else {
                // An `impl Foo` block belongs to `Foo` when the file defines it.
                node_of.push(type_ids.get(&qname).copied());
                qualified.push(qname);
                continue;
            };
            let parent_def = parent.map(|p| &defs[p]);
            if kind == NodeKind::Function
                && parent_def.is_some_and(|p| p.kind.is_none_or(NodeKind::is_type_container))
            {
                kind = NodeKind::Method;
            }
            if kind == NodeKind::Variable
                && is_constant_name(&def.name)
                && language == Language::Python
            {
                kind = NodeKind::Constant;
            }
            let disambiguator = occurrences.entry((qname.clone(), kind)).or_insert(0);
            let id = NodeId::new(path, &qname, kind, *disambiguator);
            *disambiguator += 1;
            let parent_id = nearest_node(parent, &scope_parent, &node_of).unwrap_or(file_id);
            let node = def.node;
            graph.nodes.push(Node {
                id,
                kind,
                language,
                name: def.name.clone(),
                qualified_name: qname.clone(),
                file: path.to_string(),
                span: span_of(node),
                signature: signature(node, source, &kin),
                doc: doc_comment(node, source, &kin),
                parent: Some(parent_id),
                content_hash: content_hash(source.as_bytes().get(node.byte_range()).unwrap_or(&[])),
                test: test_of[i],
            });
            graph.edges.push(Edge {
                from: parent_id,
                kind: EdgeKind::Contains,
                to: id,
                confidence: 1.0,
                line: 0,
                resolution: codegraph_core::Resolution::Syntax,
            });
            if kind.is_type_container() {
                type_ids.entry(qname.clone()).or_insert(id);
            }
            qualified.push(qname);
            node_of.push(Some(id));
        }

        // References inside an overload signature belong to its implementation.
        for (i, implementation) in overloads.iter().enumerate() {
            if let Some(j) = *implementation {
                node_of[i] = node_of[j];
            }
        }
        let enclosing = |byte: usize| -> NodeId {
            let candidate = defs.partition_point(|d| d.node.start_byte() <= byte);
            let mut current = candidate.checked_sub(1);
            while let Some(i) = current {
                if defs[i].contains(byte) && node_of[i].is_some() {
                    return node_of[i].unwrap_or(file_id);
                }
                if defs[i].contains(byte) {
                    return nearest_node(scope_parent[i], &scope_parent, &node_of)
                        .unwrap_or(file_id);
                }
                current = scope_parent[i];
            }
            file_id
        };

        let scopes = FileScopes {
            defs: &defs,
            scope_parent: &scope_parent,
        };
        let mut bindings = std::mem::take(&mut self.bindings);
        if language == Language::Rust {
            let own: HashSet<&str> = defs
                .iter()
                .filter(|d| d.kind.is_some_and(NodeKind::is_type_container))
                .map(|d| d.name.as_str())
                .collect();
            qualify_std_types(&self.imports, &own, &mut bindings);
        }
        let facts = TypeFacts::new(bindings, &scopes);
        let implicit_this = language.has_implicit_this();
        // A definition's own name is no reference to it. A scope's is (the
        // type `impl PutBack<I> { .. }` or a Swift `extension` is for),
        // made where the scope stands, not by the type it adds to.
        let def_names: HashSet<usize> = defs
            .iter()
            .filter(|d| d.kind.is_some())
            .map(|d| d.name_start)
            .collect();
        let scope_names: HashMap<usize, NodeId> = defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind.is_none())
            .map(|(i, d)| {
                let outside = nearest_node(scope_parent[i], &scope_parent, &node_of);
                (d.name_start, outside.unwrap_or(file_id))
            })
            .collect();
        // The names each function binds itself.
        let locals: HashSet<(usize, &str)> = self
            .locals
            .iter()
            .filter_map(|local| {
                let scope = scopes.innermost(local.at)?;
                (local.any_scope || defs[scope].kind.is_some_and(NodeKind::is_callable))
                    .then_some((scope, local.name.as_str()))
            })
            .collect();
        let is_local = |r: &RawRef| {
            let mut scope = scopes.innermost(r.start_byte);
            while let Some(i) = scope {
                if locals.contains(&(i, r.name.as_str())) {
                    return true;
                }
                scope = scope_parent[i];
            }
            false
        };
        // Rust names bound by a renaming `use` (`use itertools as it;`,
        // `use a::Parser as P;`): a path through one (`it::equal`) means
        // the path it stands for.
        let renamed: HashMap<&str, &str> = self
            .imports
            .iter()
            .filter_map(|i| Some((i.name.as_deref()?, i.path.as_str())))
            .filter(|(name, path)| spec.expands_use_trees && last_segment(path) != *name)
            .collect();
        for mut r in self.refs {
            if def_names.contains(&r.start_byte) || self.not_references.contains(&r.start_byte) {
                continue;
            }
            if r.path_receiver && !renamed.is_empty() {
                if let Some(receiver) = r.receiver.as_deref() {
                    let (first, rest) = receiver.split_once("::").unwrap_or((receiver, ""));
                    if let Some(path) = renamed.get(first) {
                        r.receiver = Some(if rest.is_empty() {
                            path.to_string()
                        } else {
                            format!("{path}::{rest}")
                        });
                    }
                }
            }
            // `C = make_class(); C(1)`: the local, nothing of the index's.
            if r.receiver.is_none() && !locals.is_empty() && is_local(&r) {
                continue;
            }
            // A path through a module (`format::new_format`) names no
            // value, though a parameter of that name may be in scope; a
            // path through a generic parameter (`T::default()`) is typed
            // by its bound.
            let module_path =
                r.path_receiver && r.receiver.as_deref().is_some_and(|recv| !looks_typed(recv));
            let receiver_type = r
                .receiver
                .as_deref()
                .filter(|_| !module_path)
                .and_then(|recv| {
                    facts
                        .receiver_type(recv, r.start_byte, &scopes, implicit_this)
                        .or_else(|| {
                            facts.call_receiver_type(recv, r.start_byte, &scopes, implicit_this)
                        })
                        .or_else(|| {
                            facts.receiver_path_type(recv, r.start_byte, &scopes, implicit_this)
                        })
                });
            let argument = match r.argument {
                Some(Argument::Head(head)) => Some(head),
                Some(Argument::Local(name)) => facts
                    .receiver_type(&name, r.start_byte, &scopes, false)
                    .and_then(|ty| local_head(&ty)),
                None => None,
            };
            // A member read is kept only where its receiver's type can be
            // known: through `self`/`this`, or a typed value.
            let through_self = matches!(r.receiver.as_deref(), Some("self" | "this" | "cls"));
            if r.kind == RefKind::Read && receiver_type.is_none() && !through_self {
                continue;
            }
            graph.refs.push(UnresolvedRef {
                from: scope_names
                    .get(&r.start_byte)
                    .copied()
                    .unwrap_or_else(|| enclosing(r.start_byte)),
                kind: r.kind,
                name: r.name,
                qualifier: r.receiver,
                receiver_type,
                through_value: r.through_value,
                argument,
                line: r.line,
                col: r.col,
            });
        }

        // A statement that imports names is not also an import of its module.
        let named: HashSet<usize> = self
            .imports
            .iter()
            .filter(|i| i.name.is_some())
            .map(|i| i.node.id())
            .collect();
        // `use crate::it::free::f` in the crate root that has `use
        // itertools as it`: the path through what the alias stands for.
        let crate_aliases: HashMap<String, String> = renamed
            .iter()
            .map(|(alias, path)| (format!("crate::{alias}"), path.to_string()))
            .collect();
        for mut import in self.imports {
            if import.name.is_none() && named.contains(&import.node.id()) {
                continue;
            }
            if let Some((head, rest)) = import
                .path
                .match_indices("::")
                .nth(1)
                .map(|(at, _)| import.path.split_at(at))
            {
                if let Some(path) = crate_aliases.get(head) {
                    import.path = format!("{path}{rest}");
                }
            }
            let from = enclosing(import.node.start_byte());
            let target = match &import.name {
                // `from . import util` is `.util`, not `..util`.
                Some(name) if import.qualifies && import.path.ends_with(sep) => {
                    format!("{}{name}", import.path)
                }
                Some(name) if import.qualifies => format!("{}{sep}{name}", import.path),
                _ => import.path.clone(),
            };
            let name = import
                .local
                .clone()
                .or_else(|| import.name.clone())
                .unwrap_or_else(|| last_segment(&import.path).to_string());
            let disambiguator = occurrences
                .entry((target.clone(), NodeKind::Import))
                .or_insert(0);
            let id = NodeId::new(path, &target, NodeKind::Import, *disambiguator);
            *disambiguator += 1;
            let start = import.node.start_position();
            graph.nodes.push(Node {
                id,
                kind: NodeKind::Import,
                language,
                name,
                qualified_name: target.clone(),
                file: path.to_string(),
                span: span_of(import.node),
                signature: Some(
                    text(import.node, source)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                doc: None,
                parent: Some(from),
                content_hash: content_hash(text(import.node, source).as_bytes()),
                test: test_file,
            });
            graph.edges.push(Edge {
                from,
                kind: EdgeKind::Contains,
                to: id,
                confidence: 1.0,
                line: 0,
                resolution: codegraph_core::Resolution::Syntax,
            });
            graph.edges.push(Edge {
                from,
                kind: EdgeKind::Imports,
                to: id,
                confidence: 1.0,
                line: 0,
                resolution: codegraph_core::Resolution::Syntax,
            });
            graph.refs.push(UnresolvedRef {
                from,
                kind: RefKind::Import,
                name: target,
                qualifier: None,
                receiver_type: None,
                through_value: false,
                argument: None,
                line: start.row as u32 + 1,
                col: start.column as u32,
            });
        }
        graph
    }
}

/// Body-less signatures that an implementation of the same name follows in
/// the same scope (TypeScript overloads: `function f(a: string): T;` before
/// `function f(a) {..}`): one symbol, not several. Overloads are adjacent,
/// so the look-ahead is short. Overloads with no implementation (an
/// interface's `schedule(a): T; schedule(a, b): T;`) are one symbol too,
/// the first signature.
/// Returns, for each merged signature, the index of the definition it
/// belongs to.
fn overload_signatures(defs: &[RawDef], scope_parent: &[Option<usize>]) -> Vec<Option<usize>> {
    const LOOK_AHEAD: usize = 32;
    let is_signature =
        |d: &RawDef| matches!(d.node.kind(), "function_signature" | "method_signature");
    let same =
        |i: usize, j: usize| scope_parent[j] == scope_parent[i] && defs[j].name == defs[i].name;
    let mut merged: Vec<Option<usize>> = Vec::with_capacity(defs.len());
    for i in 0..defs.len() {
        if !is_signature(&defs[i]) {
            merged.push(None);
            continue;
        }
        // The implementation after the signatures...
        let implementation = (i + 1..defs.len().min(i + 1 + LOOK_AHEAD))
            .find(|&j| same(i, j) && !is_signature(&defs[j]));
        // ...or, with none (an interface, a `declare`), the first signature.
        let first = || {
            (i.saturating_sub(LOOK_AHEAD)..i)
                .rev()
                .find(|&k| same(i, k) && is_signature(&defs[k]))
                .map(|k| merged[k].unwrap_or(k))
        };
        merged.push(implementation.or_else(first));
    }
    merged
}

fn span_of(node: tree_sitter::Node) -> Span {
    let (start, end) = (node.start_position(), node.end_position());
    // `#define X 1\n` ends at column 0 of the next line: it ends on its own.
    let end_row = if end.column == 0 && end.row > start.row {
        end.row - 1
    } else {
        end.row
    };
    Span {
        start_byte: node.start_byte() as u32,
        end_byte: node.end_byte() as u32,
        start_line: start.row as u32 + 1,
        start_col: start.column as u32,
        end_line: end_row as u32 + 1,
        end_col: end.column as u32,
    }
}

/// The last segment of a module path: `std::io` → `io`, `./util` → `util`.
fn last_segment(path: &str) -> &str {
    path.rsplit(['.', '/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or(path)
}

/// Expands a Rust use tree into (path, name) pairs:
/// `crate::a::{b, c::{d, e as f}, self}` → (`crate::a::b`, `b`),
/// (`crate::a::c::d`, `d`), (`crate::a::c::e`, `f`), (`crate::a`, `a`).
/// Depth and count are bounded by the input.
fn expand_use_tree(tree: &str) -> Vec<(String, String)> {
    fn walk(prefix: &str, tree: &str, out: &mut Vec<(String, String)>) {
        let tree = tree.trim();
        if let Some(open) = tree.find('{') {
            let head = tree[..open].trim().trim_end_matches("::");
            let inner = tree[open + 1..]
                .trim_end()
                .strip_suffix('}')
                .unwrap_or(&tree[open + 1..]);
            let prefix = join(prefix, head);
            let mut depth = 0usize;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => {
                        walk(&prefix, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            walk(&prefix, &inner[start..], out);
            return;
        }
        let (item, alias) = match tree.split_once(" as ") {
            Some((item, alias)) => (item.trim(), Some(alias.trim())),
            None => (tree, None),
        };
        if item.is_empty() {
            return;
        }
        let path = if item == "self" {
            prefix.to_string()
        } else {
            join(prefix, item)
        };
        // `as b` binds `b`; `as _` binds nothing but brings a trait's
        // methods into scope, so it keeps the trait's name.
        let name = match alias {
            Some(alias) if alias != "_" && !alias.is_empty() => alias.to_string(),
            _ => last_segment(&path).to_string(),
        };
        out.push((path, name));
    }
    fn join(prefix: &str, rest: &str) -> String {
        match (prefix.is_empty(), rest.is_empty()) {
            (true, _) => rest.to_string(),
            (_, true) => prefix.to_string(),
            _ => format!("{prefix}::{rest}"),
        }
    }
    let mut out = Vec::new();
    walk("", tree, &mut out);
    out
}

/// Rust types declared by a module path (`slice::Iter<'a, T>`, from
/// `with_module_path`): std's, written `std::Iter`, where the path starts
/// in the standard library or at a module the file imports from it (`use
/// core::slice`); the tree's by its name alone, unless the file defines a
/// type of that name too (`map::Drain` in set.rs, beside set.rs's own
/// `Drain`), where the path stays to tell them apart.
fn qualify_std_types(imports: &[RawImport], own: &HashSet<&str>, bindings: &mut [Binding]) {
    for binding in bindings {
        if !binding
            .ty
            .starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let Some((path, name)) = binding.ty.rsplit_once("::") else {
            continue;
        };
        let root = path.split("::").next().unwrap_or(path);
        let from_std = codegraph_core::in_rust_std(root)
            || imports.iter().any(|import| {
                import.name.as_deref() == Some(root) && codegraph_core::in_rust_std(&import.path)
            });
        if from_std {
            binding.ty = format!("{}{name}", codegraph_core::RUST_STD_PREFIX);
        } else if !own.contains(name) {
            binding.ty = name.to_string();
        }
    }
}

/// `ty` (the type `normalize_type` read off `written`) with the module
/// path written before it (from the crate's root for `crate::`; none for
/// `self::` and `super::`): `slice::Iter` for `&mut slice::Iter<'a, T>`,
/// for `qualify_std_types` to tell std's modules from the tree's.
fn with_module_path(written: &str, ty: String) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let Some(at) = written.match_indices(ty.as_str()).find_map(|(at, _)| {
        let before = written[..at].chars().next_back();
        let after = &written[at + ty.len()..];
        (!before.is_some_and(is_word) && !after.starts_with(is_word) && !after.starts_with("::"))
            .then_some(at)
    }) else {
        return ty;
    };
    let head = &written[..at];
    let Some(path) = head.strip_suffix("::") else {
        return ty;
    };
    let start = path
        .rfind(|c: char| !(is_word(c) || c == ':'))
        .map_or(0, |i| i + 1);
    let path = &path[start..];
    match path.split("::").next() {
        // `crate::map::Drain`: the module path from the crate's root, as
        // qualified names are written.
        Some("crate") => match path.strip_prefix("crate::") {
            Some(module) => format!("{module}::{ty}"),
            None => ty,
        },
        None | Some("" | "self" | "super" | "Self") => ty,
        Some(_) => format!("{path}::{ty}"),
    }
}

/// Whitespace runs collapsed to one space: receivers span lines in
/// chained calls (`self.store\n    .db`).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_segment(qname: &mut String, sep: &str, segment: &str) {
    if !qname.is_empty() {
        qname.push_str(sep);
    }
    qname.push_str(segment);
}

/// The nearest scope at or above `start` that became a node.
fn nearest_node(
    start: Option<usize>,
    scope_parent: &[Option<usize>],
    node_of: &[Option<NodeId>],
) -> Option<NodeId> {
    let mut current = start;
    while let Some(i) = current {
        if let Some(id) = node_of[i] {
            return Some(id);
        }
        current = scope_parent[i];
    }
    None
}

fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::{expand_use_tree, strip_turbofish};

    #[test]
    fn turbofish_arguments_leave_the_path() {
        assert_eq!(strip_turbofish("SmallVec::<[_; 0]>"), "SmallVec");
        assert_eq!(strip_turbofish("Vec::<u8>::new"), "Vec::new");
        assert_eq!(
            strip_turbofish("a::Map::<K, Box<dyn Fn() -> V>>::with"),
            "a::Map::with"
        );
        assert_eq!(strip_turbofish("Vec::<u8"), "Vec");
        assert_eq!(strip_turbofish("plain::path"), "plain::path");
    }

    #[test]
    fn use_trees_bind_their_aliases() {
        let pairs = |tree: &str| -> Vec<(String, String)> { expand_use_tree(tree) };
        let owned = |items: &[(&str, &str)]| -> Vec<(String, String)> {
            items
                .iter()
                .map(|(p, n)| (p.to_string(), n.to_string()))
                .collect()
        };
        assert_eq!(
            pairs("crate::a::{b, c::{d, e as f}, self}"),
            owned(&[
                ("crate::a::b", "b"),
                ("crate::a::c::d", "d"),
                ("crate::a::c::e", "f"),
                ("crate::a", "a"),
            ])
        );
        assert_eq!(pairs("itertools as it"), owned(&[("itertools", "it")]));
        // `as _` binds no name; the trait keeps its own for method lookup.
        assert_eq!(
            pairs("itertools::Itertools as _"),
            owned(&[("itertools::Itertools", "Itertools")])
        );
        assert_eq!(pairs("std::fmt"), owned(&[("std::fmt", "fmt")]));
    }
}
