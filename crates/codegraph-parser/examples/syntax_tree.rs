//! Prints a file's syntax tree as the grammar sees it (node kinds and
//! field names), for writing a language's query file:
//!   cargo run --release -p codegraph-parser --example syntax_tree -- FILE [LANGUAGE]
use std::path::Path;

use codegraph_core::Language;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: syntax_tree FILE [LANGUAGE]");
        std::process::exit(2);
    };
    let language = match args.next() {
        Some(name) => name.parse::<Language>().map_err(|e| e.to_string()),
        None => Language::from_path(Path::new(&path)).ok_or_else(|| format!("{path}: no language")),
    };
    let result = language.and_then(|language| {
        let source = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        codegraph_parser::syntax_tree(&source, language).ok_or_else(|| format!("{path}: no tree"))
    });
    match result {
        Ok(tree) => println!("{}", indent(&tree)),
        Err(e) => {
            eprintln!("syntax_tree: {e}");
            std::process::exit(1);
        }
    }
}

/// One node per line, nested by depth.
fn indent(sexp: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for (i, c) in sexp.char_indices() {
        match c {
            '(' => {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&"  ".repeat(depth));
                }
                depth += 1;
                out.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}
