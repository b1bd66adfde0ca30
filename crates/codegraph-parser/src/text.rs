//! Reading human text off definitions: doc comments, docstrings and
//! one-line signatures. Bounded: nothing here returns more than a few KB.

use tree_sitter::Node;

use crate::kin::Kin;

const MAX_DOC_BYTES: usize = 2048;
const MAX_SIGNATURE_BYTES: usize = 300;

fn is_comment(node: &Node) -> bool {
    node.kind().contains("comment")
}

/// Wrappers that carry a definition without changing what it is, so the
/// doc comment sits before the wrapper (`export`, decorators, templates).
fn is_wrapper(kind: &str) -> bool {
    matches!(
        kind,
        "export_statement"
            | "decorated_definition"
            | "lexical_declaration"
            | "variable_declaration"
            | "template_declaration"
            | "field_declaration"
            | "type_spec"
            | "const_spec"
            | "var_spec"
            | "type_declaration"
            | "const_declaration"
            | "var_declaration"
            | "ambient_declaration"
    )
}

/// The doc comment of a definition: the run of comments right above it (or
/// above its wrapper), or a Python docstring.
pub(crate) fn doc_comment<'t>(def: Node<'t>, source: &str, kin: &Kin<'t>) -> Option<String> {
    if let Some(doc) = python_docstring(def, source) {
        return Some(doc);
    }
    let mut anchor = def;
    while kin
        .prev_sibling(anchor)
        .is_none_or(|p| !is_comment(&p) && !is_attribute(&p))
    {
        match kin.parent(anchor) {
            Some(parent) if is_wrapper(parent.kind()) => anchor = parent,
            _ => break,
        }
    }
    let mut lines = Vec::new();
    let mut next_row = anchor.start_position().row;
    let mut sibling = kin.prev_sibling(anchor);
    while let Some(node) = sibling {
        if is_attribute(&node) {
            next_row = node.start_position().row;
            sibling = kin.prev_sibling(node);
            continue;
        }
        // Comments must touch each other and the definition: a blank line
        // ends the doc block.
        if !is_comment(&node) || node.end_position().row + 1 < next_row {
            break;
        }
        let text = node.utf8_text(source.as_bytes()).ok()?;
        if text.starts_with("//!") || text.starts_with("/*!") {
            break;
        }
        lines.push(clean_comment(text));
        next_row = node.start_position().row;
        sibling = kin.prev_sibling(node);
    }
    lines.reverse();
    finish(lines.join("\n"))
}

fn is_attribute(node: &Node) -> bool {
    matches!(
        node.kind(),
        "attribute_item" | "decorator" | "annotation" | "marker_annotation"
    )
}

fn python_docstring(def: Node, source: &str) -> Option<String> {
    if !matches!(def.kind(), "function_definition" | "class_definition") {
        return None;
    }
    let body = def.child_by_field_name("body")?;
    let first = body.named_child(0)?;
    if first.kind() != "expression_statement" {
        return None;
    }
    let string = first.named_child(0)?;
    if string.kind() != "string" {
        return None;
    }
    let text = string.utf8_text(source.as_bytes()).ok()?;
    let trimmed = text
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_matches(|c| c == '"' || c == '\'');
    finish(dedent(trimmed))
}

fn clean_comment(text: &str) -> String {
    let body = text
        .strip_prefix("/**")
        .or_else(|| text.strip_prefix("/*"))
        .map(|t| t.strip_suffix("*/").unwrap_or(t))
        .unwrap_or(text);
    body.lines()
        .map(|line| {
            let line = line.trim();
            // `///`, `//`, `#`, `*`; Lua's `---`/`--`, Haskell's `-- |`.
            let line = line
                .strip_prefix("-- |")
                .or_else(|| line.strip_prefix("---"))
                .or_else(|| line.strip_prefix("--"))
                .or_else(|| line.strip_prefix("///"))
                .or_else(|| line.strip_prefix("//"))
                .or_else(|| line.strip_prefix('#'))
                .or_else(|| line.strip_prefix('*'))
                .unwrap_or(line);
            line.strip_prefix(' ').unwrap_or(line).trim_end()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn dedent(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

fn finish(doc: String) -> Option<String> {
    let doc = doc.trim();
    if doc.is_empty() {
        return None;
    }
    Some(truncate(doc, MAX_DOC_BYTES).to_string())
}

/// The head of a definition up to its body, whitespace collapsed:
/// `pub fn parse(input: &str) -> Result<Ast>`.
pub(crate) fn signature<'t>(def: Node<'t>, source: &str, kin: &Kin<'t>) -> Option<String> {
    // One name of a Haskell record field (`note` of `note, tag :: String`)
    // is signed by the whole field.
    let def = match def.kind() {
        "field_name" => kin
            .parent(def)
            .filter(|p| p.kind() == "field")
            .unwrap_or(def),
        _ => def,
    };
    // A declarator alone (`repo`) says little: start at its declaration.
    let wrapper = (def.kind() == "variable_declarator")
        .then(|| kin.parent(def))
        .flatten()
        .filter(|parent| is_wrapper(parent.kind()));
    let start = wrapper.unwrap_or(def).start_byte();
    // A function bound to a name (`const f = (x) => ..`) ends at its body.
    let function_value = ["value", "right"]
        .iter()
        .filter_map(|field| def.child_by_field_name(field))
        .find(|v| v.kind().contains("function"));
    let body = def
        .child_by_field_name("body")
        .or_else(|| function_value.and_then(|f| f.child_by_field_name("body")));
    // A Rust tuple struct's or variant's fields are part of its head
    // (`Occupied(OccupiedEntry<'a, K, V>)`): what a pattern binds.
    let tuple = body.is_some_and(|b| b.kind() == "ordered_field_declaration_list");
    let head = match body {
        Some(_) if tuple => source.get(start..def.end_byte())?.trim_end_matches(';'),
        Some(body) => source.get(start..body.start_byte().max(start))?,
        // No body: the first line says enough (a macro, a field, a type).
        None => source.get(start..def.end_byte())?.lines().next()?,
    };
    let head = head.lines().take(8).collect::<Vec<_>>().join(" ");
    let mut collapsed = String::with_capacity(head.len().min(MAX_SIGNATURE_BYTES));
    for word in head.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
        if collapsed.len() > MAX_SIGNATURE_BYTES {
            break;
        }
    }
    let trimmed = collapsed.trim_end_matches(['{', ':', '=', ' ']).trim_end();
    (!trimmed.is_empty()).then(|| truncate(trimmed, MAX_SIGNATURE_BYTES).to_string())
}

/// Cuts `text` to at most `max` bytes on a char boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
