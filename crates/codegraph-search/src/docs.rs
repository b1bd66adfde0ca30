//! What gets searched: one document per definition worth finding by
//! description (types, callables, modules, function-like macros), built
//! from the stored node and its source text.

use codegraph_core::{truncate_at_char, Language, Node, NodeKind};
use codegraph_graph::NodeHead;
use codegraph_vector::symbol_text;

/// Bytes of a body kept for the lexical index.
const BODY_BYTES: usize = 4096;

pub struct SearchDoc {
    pub id: u64,
    pub file: String,
    pub name: String,
    pub qualified_name: String,
    pub kind: NodeKind,
    pub start_line: u32,
    pub end_line: u32,
    pub signature: Option<String>,
    pub doc: Option<String>,
    pub body: String,
}

/// Definitions that answer "which code does X": not fields, variables,
/// constants, enum variants or imports (found by name with `find`), and
/// not object-like C macros (`#define PAGE_SIZE 4096`), which outnumber
/// everything else in C trees.
pub fn is_searchable(node: &Node, body: &str) -> bool {
    searchable(node.kind, node.language, &node.name, body)
}

/// [`is_searchable`] judged from a node's head alone, its signature
/// standing for its body: a macro's signature is its `#define` line, which
/// shows a function-like macro's parenthesis as the body does. A macro
/// whose signature does not name it is kept for its body to decide.
pub fn may_be_searchable(head: &NodeHead<'_>) -> bool {
    match head.signature {
        Some(signature) if signature.contains(head.name) => {
            searchable(head.kind, head.language, head.name, signature)
        }
        _ => head.kind == NodeKind::Macro || searchable(head.kind, head.language, head.name, ""),
    }
}

/// Whether a node of `kind` named `name`, whose source is `text`, is a
/// search document.
fn searchable(kind: NodeKind, language: Language, name: &str, text: &str) -> bool {
    match kind {
        NodeKind::Module
        | NodeKind::Namespace
        | NodeKind::Class
        | NodeKind::Struct
        | NodeKind::Interface
        | NodeKind::Trait
        | NodeKind::Enum
        | NodeKind::Union
        | NodeKind::TypeAlias
        | NodeKind::Function
        | NodeKind::Method
        | NodeKind::Constructor => true,
        NodeKind::Macro => match language {
            Language::C | Language::Cpp => text
                .find(name)
                .is_some_and(|at| text[at + name.len()..].starts_with('(')),
            _ => true,
        },
        _ => false,
    }
}

impl SearchDoc {
    /// The document for `node`, whose file's text is `source`.
    pub fn new(node: &Node, source: &str) -> Option<SearchDoc> {
        let range = node.span.start_byte as usize..node.span.end_byte as usize;
        let body = source.get(range).unwrap_or("");
        if !is_searchable(node, body) {
            return None;
        }
        Some(SearchDoc {
            id: node.id.0,
            file: node.file.clone(),
            name: node.name.clone(),
            qualified_name: node.qualified_name.clone(),
            kind: node.kind,
            start_line: node.span.start_line,
            end_line: node.span.end_line,
            signature: node.signature.clone(),
            doc: node.doc.clone(),
            body: truncate_at_char(body, BODY_BYTES).to_string(),
        })
    }

    /// Whether the symbol has a doc comment with a word in it.
    pub fn is_documented(&self) -> bool {
        self.doc
            .as_deref()
            .is_some_and(|d| d.chars().any(char::is_alphanumeric))
    }

    /// The text the embedder sees.
    pub fn embedding_text(&self) -> String {
        self.text_with(self.doc.as_deref())
    }

    /// [`SearchDoc::embedding_text`] without the doc comment: what an
    /// undocumented symbol of the same code would embed.
    pub fn code_text(&self) -> String {
        self.text_with(None)
    }

    fn text_with(&self, doc: Option<&str>) -> String {
        symbol_text(
            &self.name,
            &self.qualified_name,
            self.kind.as_str(),
            self.signature.as_deref(),
            doc,
            Some(&self.body),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegraph_core::{NodeId, Span};

    fn head<'a>(kind: NodeKind, name: &'a str, signature: Option<&'a str>) -> NodeHead<'a> {
        NodeHead {
            id: NodeId(1),
            kind,
            language: Language::C,
            name,
            qualified_name: name,
            file: "a.h",
            span: Span::default(),
            signature,
        }
    }

    #[test]
    fn a_head_keeps_every_node_its_body_would_make_a_document() {
        let kept = |kind, name, signature| may_be_searchable(&head(kind, name, signature));
        assert!(kept(NodeKind::Function, "f", Some("int f(void)")));
        assert!(kept(NodeKind::Macro, "MAX", Some("#define MAX(a, b) \\")));
        assert!(!kept(
            NodeKind::Macro,
            "PAGE_SIZE",
            Some("#define PAGE_SIZE 4096")
        ));
        assert!(!kept(NodeKind::Field, "len", Some("size_t len;")));
        // Without a signature, or one that does not name the macro, the
        // body decides.
        assert!(kept(NodeKind::Macro, "M", None));
        assert!(kept(NodeKind::Macro, "inner", Some("#define OUTER(x) \\")));
    }
}
