//! C's extraction rules (`queries/c/tags.scm`) as a hand-written walk over
//! the syntax tree. Tree-sitter's query engine tries every pattern at every
//! node; on C it was a quarter of the extraction's CPU, and C is most of
//! what a kernel-sized repository holds. The walk reports the same matches,
//! each under the index of the query pattern it stands for (where two
//! patterns match one node, the lower index wins), so the query stays the
//! readable statement of the rules and the walk is its fast form. A test
//! holds the two equal on the C fixtures; `parse_tree --check-walk DIR`
//! does so on any tree.

use std::num::NonZeroU16;
use std::sync::OnceLock;

use codegraph_core::{Language, NodeKind, RefKind};
use tree_sitter::{Node, TreeCursor};

use crate::spec::{spec, Role};

/// The query's patterns, by index, in the order `tags.scm` writes them.
mod pattern {
    pub const FUNCTION: usize = 0;
    pub const FUNCTION_POINTER: usize = 1;
    pub const FUNCTION_POINTER_POINTER: usize = 2;
    pub const STRUCT: usize = 3;
    pub const UNION: usize = 4;
    pub const ENUM: usize = 5;
    pub const TYPEDEF_STRUCT: usize = 6;
    pub const TYPEDEF_UNION: usize = 7;
    pub const TYPEDEF_ENUM: usize = 8;
    pub const TYPEDEF: usize = 9;
    pub const ENUMERATOR: usize = 10;
    pub const FIELD: usize = 11;
    pub const MACRO: usize = 12;
    pub const FUNCTION_MACRO: usize = 13;
    pub const VARIABLE: usize = 14;
    pub const CALL: usize = 15;
    pub const METHOD_CALL: usize = 16;
    pub const TYPE: usize = 17;
    pub const INCLUDE: usize = 18;
    /// How many patterns the query has.
    #[cfg(test)]
    pub const COUNT: usize = 19;
}

/// What the walk does at a node of a given kind.
#[derive(Clone, Copy, PartialEq)]
enum Action {
    Nothing,
    FunctionDefinition,
    /// A struct, union or enum specifier: the kind it defines and the
    /// pattern that defines it.
    Specifier(NodeKind, usize),
    TypeDefinition,
    Enumerator,
    FieldDeclaration,
    Macro(usize),
    Declaration,
    Call,
    TypeIdentifier,
    Include,
}

/// The C grammar's symbol and field ids that the rules name.
struct Grammar {
    /// The action for each symbol id.
    actions: Vec<Action>,
    identifier: u16,
    type_identifier: u16,
    field_identifier: u16,
    function_declarator: u16,
    pointer_declarator: u16,
    array_declarator: u16,
    parenthesized_declarator: u16,
    init_declarator: u16,
    field_expression: u16,
    struct_specifier: u16,
    union_specifier: u16,
    enum_specifier: u16,
    translation_unit: u16,
    string_literal: u16,
    system_lib_string: u16,
    /// Non-zero, as listing the children in a field takes it.
    declarator: NonZeroU16,
    name: u16,
    body: u16,
    type_: u16,
    function: u16,
    argument: u16,
    field: u16,
    path: u16,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let language = &spec(Language::C).grammar;
        let kind = |name: &str| {
            let id = language.id_for_node_kind(name, true);
            assert_ne!(id, 0, "the C grammar has no node `{name}`");
            id
        };
        let field = |name: &str| {
            language
                .field_id_for_name(name)
                .unwrap_or_else(|| panic!("the C grammar has no field `{name}`"))
        };
        let mut actions = vec![Action::Nothing; language.node_kind_count()];
        for (name, action) in [
            ("function_definition", Action::FunctionDefinition),
            (
                "struct_specifier",
                Action::Specifier(NodeKind::Struct, pattern::STRUCT),
            ),
            (
                "union_specifier",
                Action::Specifier(NodeKind::Union, pattern::UNION),
            ),
            (
                "enum_specifier",
                Action::Specifier(NodeKind::Enum, pattern::ENUM),
            ),
            ("type_definition", Action::TypeDefinition),
            ("enumerator", Action::Enumerator),
            ("field_declaration", Action::FieldDeclaration),
            ("preproc_def", Action::Macro(pattern::MACRO)),
            (
                "preproc_function_def",
                Action::Macro(pattern::FUNCTION_MACRO),
            ),
            ("declaration", Action::Declaration),
            ("call_expression", Action::Call),
            ("type_identifier", Action::TypeIdentifier),
            ("preproc_include", Action::Include),
        ] {
            actions[kind(name) as usize] = action;
        }
        Grammar {
            actions,
            identifier: kind("identifier"),
            type_identifier: kind("type_identifier"),
            field_identifier: kind("field_identifier"),
            function_declarator: kind("function_declarator"),
            pointer_declarator: kind("pointer_declarator"),
            array_declarator: kind("array_declarator"),
            parenthesized_declarator: kind("parenthesized_declarator"),
            init_declarator: kind("init_declarator"),
            field_expression: kind("field_expression"),
            struct_specifier: kind("struct_specifier"),
            union_specifier: kind("union_specifier"),
            enum_specifier: kind("enum_specifier"),
            translation_unit: kind("translation_unit"),
            string_literal: kind("string_literal"),
            system_lib_string: kind("system_lib_string"),
            declarator: field("declarator"),
            name: field("name").get(),
            body: field("body").get(),
            type_: field("type").get(),
            function: field("function").get(),
            argument: field("argument").get(),
            field: field("field").get(),
            path: field("path").get(),
        }
    })
}

/// Calls `emit` with each match of the C query in the tree under `root`:
/// the pattern's index and the captured nodes with their roles.
pub(crate) fn matches<'t>(root: Node<'t>, mut emit: impl FnMut(usize, &[(Role, Node<'t>)])) {
    let g = grammar();
    let mut walk = Walk {
        g,
        children: root.walk(),
        top_level: root.kind_id() == g.translation_unit,
    };
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let action = g
            .actions
            .get(node.kind_id() as usize)
            .copied()
            .unwrap_or(Action::Nothing);
        if action != Action::Nothing {
            walk.visit(node, action, cursor.depth() == 1, &mut emit);
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

struct Walk<'g, 't> {
    g: &'g Grammar,
    /// Reused to list a node's children.
    children: TreeCursor<'t>,
    /// The root is a translation unit, so its children are top-level.
    top_level: bool,
}

impl<'t> Walk<'_, 't> {
    /// `node`'s child in `field` if it is of the kind `kind`.
    fn child(&self, node: Node<'t>, field: u16, kind: u16) -> Option<Node<'t>> {
        node.child_by_field_id(field)
            .filter(|c| c.kind_id() == kind)
    }

    /// `node`'s declarators, in source order.
    fn declarators(&mut self, node: Node<'t>) -> Vec<Node<'t>> {
        node.children_by_field_id(self.g.declarator, &mut self.children)
            .collect()
    }

    /// `declarator`'s own declarator if `declarator` is of the kind `kind`.
    fn inner(&self, declarator: Node<'t>, kind: u16) -> Option<Node<'t>> {
        (declarator.kind_id() == kind)
            .then(|| declarator.child_by_field_id(self.g.declarator.get()))
            .flatten()
    }

    /// What a pointer declarator points at: its own declarator, or the
    /// declarator of an array of pointers (`const char *names[]`).
    fn pointee(&self, pointer: Node<'t>) -> Option<Node<'t>> {
        let inner = self.inner(pointer, self.g.pointer_declarator)?;
        Some(self.inner(inner, self.g.array_declarator).unwrap_or(inner))
    }

    /// `(function_declarator declarator: (parenthesized_declarator
    /// (pointer_declarator declarator: (NAME))))`: the name of a function
    /// pointer type or field.
    fn function_pointer(&mut self, declarator: Node<'t>, name: u16) -> Option<Node<'t>> {
        let g = self.g;
        let parenthesized = self
            .inner(declarator, g.function_declarator)
            .filter(|p| p.kind_id() == g.parenthesized_declarator)?;
        parenthesized
            .children(&mut self.children)
            .filter(|child| child.kind_id() == g.pointer_declarator)
            .find_map(|child| {
                child
                    .child_by_field_id(g.declarator.get())
                    .filter(|n| n.kind_id() == name)
            })
    }

    fn visit(
        &mut self,
        node: Node<'t>,
        action: Action,
        depth_one: bool,
        emit: &mut impl FnMut(usize, &[(Role, Node<'t>)]),
    ) {
        let g = self.g;
        let mut define = |pattern: usize, kind: NodeKind, name: Node<'t>| {
            emit(
                pattern,
                &[(Role::Definition(kind), node), (Role::Name, name)],
            )
        };
        match action {
            Action::Nothing => {}
            Action::FunctionDefinition => {
                let Some(declarator) = node.child_by_field_id(g.declarator.get()) else {
                    return;
                };
                let function_name = |d: Node<'t>| {
                    self.inner(d, g.function_declarator)
                        .filter(|n| n.kind_id() == g.identifier)
                };
                if let Some(name) = function_name(declarator) {
                    define(pattern::FUNCTION, NodeKind::Function, name);
                }
                if let Some(pointed) = self.inner(declarator, g.pointer_declarator) {
                    if let Some(name) = function_name(pointed) {
                        define(pattern::FUNCTION_POINTER, NodeKind::Function, name);
                    }
                    if let Some(name) = self
                        .inner(pointed, g.pointer_declarator)
                        .and_then(function_name)
                    {
                        define(pattern::FUNCTION_POINTER_POINTER, NodeKind::Function, name);
                    }
                }
            }
            Action::Specifier(kind, at) => {
                let named_body = node.child_by_field_id(g.body).is_some_and(|b| b.is_named());
                if let (Some(name), true) =
                    (self.child(node, g.name, g.type_identifier), named_body)
                {
                    define(at, kind, name);
                }
            }
            Action::TypeDefinition => {
                // `typedef struct { .. } point_t;` defines the struct.
                let anonymous = node.child_by_field_id(g.type_).and_then(|t| {
                    let id = t.kind_id();
                    let (kind, at) = if id == g.struct_specifier {
                        (NodeKind::Struct, pattern::TYPEDEF_STRUCT)
                    } else if id == g.union_specifier {
                        (NodeKind::Union, pattern::TYPEDEF_UNION)
                    } else if id == g.enum_specifier {
                        (NodeKind::Enum, pattern::TYPEDEF_ENUM)
                    } else {
                        return None;
                    };
                    let bodied = t.child_by_field_id(g.body).is_some_and(|b| b.is_named());
                    (t.child_by_field_id(g.name).is_none() && bodied).then_some((kind, at))
                });
                for declarator in self.declarators(node) {
                    let id = declarator.kind_id();
                    if id == g.type_identifier {
                        if let Some((kind, at)) = anonymous {
                            define(at, kind, declarator);
                        }
                        define(pattern::TYPEDEF, NodeKind::TypeAlias, declarator);
                    } else if let Some(name) = self
                        .inner(declarator, g.pointer_declarator)
                        .filter(|n| n.kind_id() == g.type_identifier)
                        .or_else(|| self.function_pointer(declarator, g.type_identifier))
                    {
                        define(pattern::TYPEDEF, NodeKind::TypeAlias, name);
                    }
                }
            }
            Action::Enumerator => {
                if let Some(name) = self.child(node, g.name, g.identifier) {
                    define(pattern::ENUMERATOR, NodeKind::Variant, name);
                }
            }
            Action::FieldDeclaration => {
                for declarator in self.declarators(node) {
                    let name = if declarator.kind_id() == g.field_identifier {
                        Some(declarator)
                    } else {
                        self.inner(declarator, g.pointer_declarator)
                            .or_else(|| self.inner(declarator, g.array_declarator))
                            .filter(|n| n.kind_id() == g.field_identifier)
                            .or_else(|| self.function_pointer(declarator, g.field_identifier))
                    };
                    if let Some(name) = name {
                        define(pattern::FIELD, NodeKind::Field, name);
                    }
                }
            }
            Action::Macro(at) => {
                if let Some(name) = self.child(node, g.name, g.identifier) {
                    define(at, NodeKind::Macro, name);
                }
            }
            Action::Declaration => {
                if !(self.top_level && depth_one) {
                    return;
                }
                for declarator in self.declarators(node) {
                    let id = declarator.kind_id();
                    let name = if id == g.identifier {
                        Some(declarator)
                    } else if id == g.array_declarator {
                        self.inner(declarator, g.array_declarator)
                    } else if id == g.pointer_declarator {
                        self.pointee(declarator)
                    } else {
                        self.inner(declarator, g.init_declarator).and_then(|inner| {
                            if inner.kind_id() == g.identifier {
                                Some(inner)
                            } else {
                                self.pointee(inner)
                                    .or_else(|| self.inner(inner, g.array_declarator))
                            }
                        })
                    };
                    if let Some(name) = name.filter(|n| n.kind_id() == g.identifier) {
                        define(pattern::VARIABLE, NodeKind::Variable, name);
                    }
                }
            }
            Action::Call => {
                let Some(function) = node.child_by_field_id(g.function) else {
                    return;
                };
                let call = Role::Reference(RefKind::Call);
                if function.kind_id() == g.identifier {
                    emit(pattern::CALL, &[(call, node), (Role::Name, function)]);
                } else if function.kind_id() == g.field_expression {
                    let receiver = function
                        .child_by_field_id(g.argument)
                        .filter(|a| a.is_named());
                    let name = self.child(function, g.field, g.field_identifier);
                    if let (Some(receiver), Some(name)) = (receiver, name) {
                        emit(
                            pattern::METHOD_CALL,
                            &[(call, node), (Role::Receiver, receiver), (Role::Name, name)],
                        );
                    }
                }
            }
            Action::TypeIdentifier => emit(
                pattern::TYPE,
                &[(Role::Name, node), (Role::Reference(RefKind::Type), node)],
            ),
            Action::Include => {
                let path = node.child_by_field_id(g.path).filter(|p| {
                    p.kind_id() == g.string_literal || p.kind_id() == g.system_lib_string
                });
                if let Some(path) = path {
                    emit(
                        pattern::INCLUDE,
                        &[(Role::Import, node), (Role::ImportPath, path)],
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk's pattern numbers are the query's: each names the node kind
    /// its query pattern starts with.
    #[test]
    fn pattern_numbers_are_the_querys() {
        let source = crate::query_source(Language::C);
        let ranges = crate::query_patterns(Language::C).expect("the C query compiles");
        assert_eq!(ranges.len(), pattern::COUNT);
        for (at, head) in [
            (pattern::FUNCTION, "(function_definition"),
            (pattern::FUNCTION_POINTER, "(function_definition"),
            (pattern::FUNCTION_POINTER_POINTER, "(function_definition"),
            (pattern::STRUCT, "(struct_specifier"),
            (pattern::UNION, "(union_specifier"),
            (pattern::ENUM, "(enum_specifier"),
            (
                pattern::TYPEDEF_STRUCT,
                "(type_definition type: (struct_specifier",
            ),
            (
                pattern::TYPEDEF_UNION,
                "(type_definition type: (union_specifier",
            ),
            (
                pattern::TYPEDEF_ENUM,
                "(type_definition type: (enum_specifier",
            ),
            (pattern::TYPEDEF, "(type_definition declarator:"),
            (pattern::ENUMERATOR, "(enumerator"),
            (pattern::FIELD, "(field_declaration"),
            (pattern::MACRO, "(preproc_def"),
            (pattern::FUNCTION_MACRO, "(preproc_function_def"),
            (pattern::VARIABLE, "(translation_unit (declaration"),
            (pattern::CALL, "(call_expression function: (identifier)"),
            (
                pattern::METHOD_CALL,
                "(call_expression\n  function: (field_expression",
            ),
            (pattern::TYPE, "(type_identifier)"),
            (pattern::INCLUDE, "(preproc_include"),
        ] {
            let text = source[ranges[at].clone()].trim_start();
            assert!(text.starts_with(head), "pattern {at} is `{text}`");
        }
    }
}
