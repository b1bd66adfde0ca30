//! Per-language facts: grammar, compiled query, scope separator and how a
//! file path maps to a module path. Compiled once per process, shared by all
//! threads (a `Query` is immutable and `Sync`).

use std::sync::OnceLock;

use codegraph_core::{Language, NodeKind, RefKind};
use tree_sitter::Query;

/// What a capture name in a query file means. The vocabulary:
/// `@definition.<node kind>` a definition, with `@name` and optionally
/// `@owner` (the type a method belongs to when it is declared outside it);
/// `@scope` a naming scope that is not itself a node (a Rust `impl`), with
/// `@name`; `@reference.<call|type|inherit|implement|macro>` a use of `@name`,
/// optionally through `@receiver`; `@import` an import of `@import.path`,
/// optionally of the symbol `@import.name` (or binding the module to the
/// local name `@import.alias`); `@package` the file's declared
/// package (its text, or its `@name`); `@binding` a declared or constructed
/// type of a name (see `types.rs`). Captures starting with `_` only feed
/// predicates.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Role {
    Definition(NodeKind),
    Scope,
    Reference(RefKind),
    Import,
    Package,
    Name,
    Owner,
    Receiver,
    ImportPath,
    /// `@import.relative`: a path relative to the importing file's
    /// directory (`require_relative "util"`, `source lib.sh`).
    ImportRelative,
    ImportName,
    ImportAlias,
    /// `@binding` (or `@binding.member`, a field of the enclosing type):
    /// `@binding.name` has the declared type `@binding.type`, or the type
    /// of the value constructed, `@binding.class`.
    Binding {
        member: bool,
    },
    BindingName,
    BindingType,
    BindingClass,
    /// `@binding.value`: the name is assigned another name's value
    /// (`self.store = store`), so it has that name's type.
    BindingValue,
    /// `@binding.variant`: the name is bound by a Rust tuple-variant
    /// pattern (`Entry::Occupied(e) =>`), inside the `@binding` node (the
    /// match arm, the `if let`) only; it has the type of that variant's
    /// field in its position, read off the index when resolving.
    BindingVariant,
    /// `@binding.item`: the name is bound to each element of this value
    /// (a Rust `for` loop's pattern), inside the `@binding` node only.
    BindingItem,
    /// `@binding.callback`: a function passed as an argument to the call of
    /// `@binding.callee`; its untyped parameters take the types the callee's
    /// signature declares for them, looked up when resolving.
    Callback,
    Callee,
    /// `@local`: a name a function binds (a parameter, an assignment): a
    /// bare use of it inside that function is the local, not a
    /// definition elsewhere (Python).
    /// `@local.type`: a generic parameter (`impl<Item: Clone>`): a bare
    /// type name inside the item that declares it (an `impl`, a struct,
    /// a function) is that parameter.
    Local {
        any_scope: bool,
    },
    /// `@not_reference`: a name that names nothing of the index (the
    /// associated type in `Add<V, Output = V>`), though a later, more
    /// general pattern would take it for a reference.
    NotReference,
    /// `@reference.type_tree`: a whole type expression (Python's
    /// `t.Optional["Parameter"]`, `dict[str, Command]`): every class name
    /// in it, at any depth and inside forward-reference strings, is a type
    /// reference.
    TypeTree,
    Ignored,
}

fn role(capture: &str) -> Result<Role, String> {
    let role = match capture {
        "scope" => Role::Scope,
        "import" => Role::Import,
        "package" => Role::Package,
        "name" => Role::Name,
        "owner" => Role::Owner,
        "receiver" => Role::Receiver,
        "import.path" => Role::ImportPath,
        "import.relative" => Role::ImportRelative,
        "import.name" => Role::ImportName,
        "import.alias" => Role::ImportAlias,
        "binding" => Role::Binding { member: false },
        "binding.member" => Role::Binding { member: true },
        "binding.name" => Role::BindingName,
        "binding.type" => Role::BindingType,
        "binding.class" => Role::BindingClass,
        "binding.value" => Role::BindingValue,
        "binding.variant" => Role::BindingVariant,
        "binding.item" => Role::BindingItem,
        "binding.callback" => Role::Callback,
        "binding.callee" => Role::Callee,
        "local" => Role::Local { any_scope: false },
        "local.type" => Role::Local { any_scope: true },
        "not_reference" => Role::NotReference,
        "reference.call" => Role::Reference(RefKind::Call),
        "reference.type" => Role::Reference(RefKind::Type),
        "reference.inherit" => Role::Reference(RefKind::Inherit),
        "reference.implement" => Role::Reference(RefKind::Implement),
        "reference.macro" => Role::Reference(RefKind::Macro),
        "reference.read" => Role::Reference(RefKind::Read),
        "reference.value" => Role::Reference(RefKind::Value),
        "reference.type_tree" => Role::TypeTree,
        _ if capture.starts_with('_') => Role::Ignored,
        _ => match capture.strip_prefix("definition.") {
            Some(kind) => Role::Definition(kind.parse().map_err(|e| format!("@{capture}: {e}"))?),
            None => return Err(format!("unknown capture @{capture}")),
        },
    };
    Ok(role)
}

pub(crate) struct LanguageSpec {
    pub language: Language,
    pub grammar: tree_sitter::Language,
    pub query: Query,
    /// The role of each capture, by capture index.
    pub roles: Vec<Role>,
    /// Joins the segments of a qualified name.
    pub separator: &'static str,
    /// Import paths are Rust use trees (`a::{b, c}`) to expand.
    pub expands_use_trees: bool,
    /// Macro arguments are token trees to the grammar: parse them again as
    /// expressions to find the calls in them (Rust).
    pub parses_macro_arguments: bool,
    /// Annotation and declaration macros the grammar cannot read
    /// (`f() const NOEXCEPT {`) are blanked before parsing (C, C++: see
    /// `mask.rs`).
    pub blanks_macros: bool,
    /// The grammar has `token_tree` nodes (a macro's unparsed arguments),
    /// among which a name may be a method called on the token before it.
    pub has_token_trees: bool,
    module_path: fn(&str) -> Option<String>,
}

impl LanguageSpec {
    /// The module prefix of qualified names in the file at `path`, unless the
    /// file declares one itself (Java `package`, Go `package`).
    pub fn module_path(&self, path: &str) -> Option<String> {
        (self.module_path)(path)
    }
}

/// The query file that drives extraction for `language`.
pub fn query_source(language: Language) -> &'static str {
    match language {
        Language::Rust => include_str!("../queries/rust/tags.scm"),
        Language::Python => include_str!("../queries/python/tags.scm"),
        Language::JavaScript => concat!(
            include_str!("../queries/javascript/tags.scm"),
            include_str!("../queries/ecmascript/shared.scm")
        ),
        Language::TypeScript | Language::Tsx => concat!(
            include_str!("../queries/typescript/tags.scm"),
            include_str!("../queries/ecmascript/shared.scm")
        ),
        Language::Go => include_str!("../queries/go/tags.scm"),
        Language::Java => include_str!("../queries/java/tags.scm"),
        Language::C => include_str!("../queries/c/tags.scm"),
        Language::Cpp => include_str!("../queries/cpp/tags.scm"),
        Language::Ruby => include_str!("../queries/ruby/tags.scm"),
        Language::Php => include_str!("../queries/php/tags.scm"),
        Language::CSharp => include_str!("../queries/csharp/tags.scm"),
        Language::Kotlin => include_str!("../queries/kotlin/tags.scm"),
        Language::Swift => include_str!("../queries/swift/tags.scm"),
        Language::Scala => include_str!("../queries/scala/tags.scm"),
        Language::Lua => include_str!("../queries/lua/tags.scm"),
        Language::Bash => include_str!("../queries/bash/tags.scm"),
        Language::Elixir => include_str!("../queries/elixir/tags.scm"),
        Language::Haskell => include_str!("../queries/haskell/tags.scm"),
        Language::Dart => include_str!("../queries/dart/tags.scm"),
        Language::Zig => include_str!("../queries/zig/tags.scm"),
    }
}

fn grammar(language: Language) -> tree_sitter::Language {
    match language {
        Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Go => tree_sitter_go::LANGUAGE.into(),
        Language::Java => tree_sitter_java::LANGUAGE.into(),
        Language::C => tree_sitter_c::LANGUAGE.into(),
        Language::Cpp => tree_sitter_cpp::LANGUAGE.into(),
        Language::Ruby => tree_sitter_ruby::LANGUAGE.into(),
        Language::Php => tree_sitter_php::LANGUAGE_PHP.into(),
        Language::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
        Language::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
        Language::Swift => tree_sitter_swift::LANGUAGE.into(),
        Language::Scala => tree_sitter_scala::LANGUAGE.into(),
        Language::Lua => tree_sitter_lua::LANGUAGE.into(),
        Language::Bash => tree_sitter_bash::LANGUAGE.into(),
        Language::Elixir => tree_sitter_elixir::LANGUAGE.into(),
        Language::Haskell => tree_sitter_haskell::LANGUAGE.into(),
        Language::Dart => tree_sitter_dart::LANGUAGE.into(),
        Language::Zig => tree_sitter_zig::LANGUAGE.into(),
    }
}

/// The byte range of each pattern in `language`'s query file (`None` if it
/// does not compile), for measuring what each costs.
pub fn query_patterns(language: Language) -> Option<Vec<std::ops::Range<usize>>> {
    let source = query_source(language);
    let query = Query::new(&grammar(language), source).ok()?;
    let starts: Vec<usize> = (0..query.pattern_count())
        .map(|i| query.start_byte_for_pattern(i))
        .collect();
    Some(
        starts
            .iter()
            .enumerate()
            .map(|(i, &start)| start..starts.get(i + 1).copied().unwrap_or(source.len()))
            .collect(),
    )
}

/// Compiles `text` as a query of `language`'s grammar.
pub fn compile_query(language: Language, text: &str) -> Result<(), String> {
    Query::new(&grammar(language), text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The syntax tree of `source` as an S-expression, with field names: what
/// a query file's patterns match (`examples/syntax_tree.rs` prints it).
pub fn syntax_tree(source: &str, language: Language) -> Option<String> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&grammar(language)).ok()?;
    Some(parser.parse(source, None)?.root_node().to_sexp())
}

fn build(language: Language) -> LanguageSpec {
    let grammar = grammar(language);
    // The query files ship inside the binary and are checked by the tests, so
    // a failure here is a build defect, not bad input.
    let query = Query::new(&grammar, query_source(language))
        .unwrap_or_else(|e| panic!("queries/{language}/tags.scm does not compile: {e}"));
    let roles = query
        .capture_names()
        .iter()
        .map(|name| role(name))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("queries/{language}/tags.scm: {e}"));
    let module_path: fn(&str) -> Option<String> = match language {
        Language::Rust => rust_module_path,
        Language::Python => python_module_path,
        _ => no_module_path,
    };
    let separator = language.info().separator;
    let has_token_trees = grammar.id_for_node_kind("token_tree", true) != 0;
    LanguageSpec {
        grammar,
        query,
        roles,
        separator,
        language,
        expands_use_trees: language == Language::Rust,
        parses_macro_arguments: language == Language::Rust,
        blanks_macros: matches!(language, Language::C | Language::Cpp),
        has_token_trees,
        module_path,
    }
}

pub(crate) fn spec(language: Language) -> &'static LanguageSpec {
    static SPECS: [OnceLock<LanguageSpec>; 21] = [const { OnceLock::new() }; 21];
    SPECS[language as usize].get_or_init(|| build(language))
}

fn no_module_path(_: &str) -> Option<String> {
    None
}

fn strip_ext(path: &str) -> &str {
    match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') => &path[..dot],
        _ => path,
    }
}

/// `crates/foo/src/net/http.rs` → `net::http`; `src/lib.rs` → none;
/// `crates/foo/tests/cli.rs` → `tests::cli` (each is its own crate root).
fn rust_module_path(path: &str) -> Option<String> {
    let stem = strip_ext(path);
    let at_segment = |dir: &str| {
        stem.rmatch_indices(dir)
            .map(|(i, _)| i)
            .find(|&i| i == 0 || stem.as_bytes()[i - 1] == b'/')
    };
    let rel = if let Some(i) = at_segment("src/") {
        &stem[i + 4..]
    } else if let Some(i) = ["tests/", "benches/", "examples/"]
        .iter()
        .filter_map(|d| at_segment(d))
        .max()
    {
        &stem[i..]
    } else {
        stem
    };
    let mut parts: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
    if matches!(parts.last(), Some(&"lib") | Some(&"main") | Some(&"mod")) {
        parts.pop();
    }
    (!parts.is_empty()).then(|| parts.join("::"))
}

/// `src/pkg/sub/__init__.py` → `pkg.sub`; `tools/run.py` → `tools.run`.
fn python_module_path(path: &str) -> Option<String> {
    let stem = strip_ext(path);
    let rel = stem.strip_prefix("src/").unwrap_or(stem);
    let mut parts: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    (!parts.is_empty()).then(|| parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_file_compiles() {
        for &language in Language::ALL {
            let spec = spec(language);
            assert!(spec.query.pattern_count() > 0, "{language}");
        }
    }

    #[test]
    fn module_paths_follow_each_language() {
        assert_eq!(
            rust_module_path("crates/foo/src/net/http.rs").as_deref(),
            Some("net::http")
        );
        assert_eq!(rust_module_path("src/lib.rs"), None);
        assert_eq!(rust_module_path("src/net/mod.rs").as_deref(), Some("net"));
        assert_eq!(rust_module_path("build.rs").as_deref(), Some("build"));
        assert_eq!(
            rust_module_path("crates/foo/tests/cli.rs").as_deref(),
            Some("tests::cli")
        );
        assert_eq!(
            rust_module_path("crates/foo/tests/common/mod.rs").as_deref(),
            Some("tests::common")
        );
        assert_eq!(
            python_module_path("src/pkg/sub/__init__.py").as_deref(),
            Some("pkg.sub")
        );
        assert_eq!(
            python_module_path("tools/run.py").as_deref(),
            Some("tools.run")
        );
        assert_eq!(python_module_path("a.b/c.py").as_deref(), Some("a.b.c"));
    }
}
