//! Text renderings of the typed answers: what a terminal shows, and what
//! MCP returns beside the structured content. Every site is cited as
//! `file:line`.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::types::*;

pub fn find(hits: &[FindHit]) -> String {
    hits.iter().map(|h| h.symbol.line() + "\n").collect()
}

/// Source lines shown by the text form of a symbol.
const SOURCE_LINES: usize = 200;

pub fn symbol(detail: &SymbolDetail) -> String {
    let s = &detail.symbol;
    let mut out = format!("{} {}  ({})\n", s.kind, s.qualified_name, s.language);
    let _ = writeln!(out, "  id:   {}", s.id);
    let _ = writeln!(out, "  file: {}:{}-{}", s.file, s.start_line, s.end_line);
    if let Some(sig) = &s.signature {
        let _ = writeln!(out, "  sig:  {sig}");
    }
    if let Some(doc) = &detail.doc {
        let _ = writeln!(out, "  doc:  {}", doc.lines().next().unwrap_or(""));
    }
    if let Some(source) = &detail.source {
        if s.kind != "file" && !source.is_empty() {
            out.push('\n');
            for (i, line) in source.lines().enumerate().take(SOURCE_LINES) {
                let _ = writeln!(out, "{:>6} | {line}", s.start_line as usize + i);
            }
            if detail.source_truncated {
                out += "       | ...\n";
            }
        }
    }
    if !detail.edges.is_empty() {
        out += "\nedges:\n";
        for edge in &detail.edges {
            let arrow = if edge.direction == "out" { "->" } else { "<-" };
            let _ = writeln!(out, "  {arrow} {:<10} {}", edge.kind, edge.node.line());
        }
        if detail.edges_truncated {
            out += "  ... (more edges; `refs`, `callers`, `callees` list all)\n";
        }
    }
    if !detail.unresolved_refs.is_empty() {
        out += "\nunresolved references:\n";
        for r in &detail.unresolved_refs {
            let via = r
                .qualifier
                .as_deref()
                .map(|q| format!(" (via {q})"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {:<9} {}{via}  line {}", r.kind, r.name, r.line);
        }
    }
    out
}

pub fn calls(tree: &CallTree) -> String {
    let (title, arrow) = if tree.direction == "callers" {
        ("callers of", "<-")
    } else {
        ("callees of", "->")
    };
    let root = &tree.root;
    let mut out = format!(
        "{title} {} {}  {}:{}\n",
        root.kind, root.qualified_name, root.file, root.start_line
    );
    if tree.hops.is_empty() {
        out += "  (none found)\n";
    }
    let mut children: BTreeMap<&str, Vec<&CallHop>> = BTreeMap::new();
    for hop in &tree.hops {
        children.entry(hop.parent.as_str()).or_default().push(hop);
    }
    fn render(
        out: &mut String,
        children: &BTreeMap<&str, Vec<&CallHop>>,
        parent: &str,
        arrow: &str,
    ) {
        for hop in children.get(parent).map(Vec::as_slice).unwrap_or(&[]) {
            let _ = writeln!(
                out,
                "{}{arrow} {:<9} {}  {}:{}  ({:.2})",
                "  ".repeat(hop.depth as usize),
                hop.symbol.kind,
                hop.symbol.qualified_name,
                hop.edge.file,
                hop.edge.line,
                hop.edge.confidence,
            );
            render(out, children, &hop.symbol.id, arrow);
        }
    }
    render(&mut out, &children, &root.id, arrow);
    if tree.truncated {
        out += "  ... (stopped at the limit)\n";
    }
    out
}

pub fn references(refs: &References) -> String {
    let mut out = format!(
        "references to {} {}\n",
        refs.symbol.kind, refs.symbol.qualified_name
    );
    if refs.files.is_empty() {
        out += "  (none found)\n";
    }
    for file in &refs.files {
        let _ = writeln!(out, "{}", file.file);
        for site in &file.sites {
            let _ = writeln!(
                out,
                "  {:>6}  {:<10} in {}",
                site.line, site.kind, site.from.qualified_name
            );
        }
    }
    if refs.truncated {
        out += "  ... (stopped at the limit)\n";
    }
    out
}

pub fn impact(impact: &Impact) -> String {
    let mut out = format!("impact of {}\n", impact.target.name());
    if impact.dependents.is_empty() {
        out += "  (no dependents found)\n";
    }
    for d in &impact.dependents {
        let _ = writeln!(
            out,
            "  {} {:<9} {}  {}:{}  ({:.2}, fan-in {})",
            d.distance,
            d.symbol.kind,
            d.symbol.qualified_name,
            d.symbol.file,
            d.symbol.start_line,
            d.symbol.score,
            d.fan_in
        );
    }
    let tests = if impact.tests.is_empty() {
        "none found".to_string()
    } else if impact.test_symbols.is_empty() {
        impact.tests.join(", ")
    } else {
        format!(
            "{} in {}",
            impact.test_symbols.join(", "),
            impact.tests.join(", ")
        )
    };
    let _ = writeln!(out, "{} files affected; tests: {tests}", impact.files.len());
    if impact.truncated {
        out += "  ... (stopped at the limit)\n";
    }
    out
}

pub fn path(path: &PathResult) -> String {
    let Some(steps) = &path.path else {
        return format!(
            "no dependency path from {} to {}\n",
            path.from.qualified_name, path.to.qualified_name
        );
    };
    let mut out = format!("{}\n", path.from.qualified_name);
    for step in steps {
        let _ = writeln!(
            out,
            "  -{}-> {}  ({}:{})",
            step.kind, step.to.qualified_name, step.file, step.line
        );
    }
    out
}

pub fn search(result: &SearchResult) -> String {
    if result.hits.is_empty() {
        return format!("no matches for '{}'\n", result.query);
    }
    let mut out = String::new();
    for (i, hit) in result.hits.iter().enumerate() {
        let s = &hit.symbol;
        let _ = writeln!(
            out,
            "{:>2}. {:.3}  {:<11} {}  {}:{}-{}",
            i + 1,
            s.score,
            s.kind,
            s.qualified_name,
            s.file,
            s.start_line,
            s.end_line
        );
        for line in hit.snippet.lines() {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}

/// The pack as markdown, then one line of totals.
pub fn context(pack: &crate::context::ContextPack) -> String {
    let mut out: String = pack
        .snippets
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let _ = writeln!(
        out,
        "\n({} snippets, {} of {} tokens{})",
        pack.snippets.len(),
        pack.tokens,
        pack.budget,
        if pack.omitted > 0 {
            format!("; {} more did not fit", pack.omitted)
        } else {
            String::new()
        }
    );
    out
}

pub fn stats(stats: &Stats) -> String {
    let mib = |bytes: u64| format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64);
    let mut out = String::new();
    let _ = writeln!(out, "index:            {}", stats.index);
    let _ = writeln!(out, "schema version:   {}", stats.schema_version);
    let _ = writeln!(out, "files:            {}", stats.counts.files);
    let _ = writeln!(out, "nodes:            {}", stats.counts.nodes);
    let _ = writeln!(out, "edges:            {}", stats.counts.edges);
    let _ = writeln!(
        out,
        "references:       {} ({} resolved, {} unresolved)",
        stats.counts.refs, stats.counts.resolved_refs, stats.unresolved_refs
    );
    let _ = writeln!(
        out,
        "syntax errors in: {} files",
        stats.counts.files_with_syntax_errors
    );
    let _ = writeln!(out, "on disk:          {}", mib(stats.disk_bytes));
    let _ = writeln!(
        out,
        "memory (RSS):     {}",
        stats.resident_bytes.map_or("unknown".into(), mib)
    );
    if let Some(coverage) = &stats.coverage {
        let _ = write!(out, "\ncoverage (last whole index run):\n");
        let _ = writeln!(
            out,
            "  {:<12} {:>8} {:>8} {:>9} {:>13} {:>8}",
            "language", "files", "parsed", "unchanged", "syntax errors", "skipped"
        );
        if let Some(languages) = coverage["languages"].as_object() {
            let count = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or(0);
            for (name, c) in languages {
                let skipped = &c["skipped"];
                let skipped_total: u64 = ["too_large", "binary", "not_utf8", "unreadable"]
                    .iter()
                    .map(|k| count(skipped, k))
                    .sum();
                let _ = writeln!(
                    out,
                    "  {name:<12} {:>8} {:>8} {:>9} {:>13} {:>8}",
                    count(c, "files"),
                    count(c, "parsed"),
                    count(c, "unchanged"),
                    count(c, "syntax_errors"),
                    skipped_total
                );
            }
        }
        if let Some(uncovered) = coverage["not_covered"].as_array().filter(|u| !u.is_empty()) {
            let names: Vec<String> = uncovered
                .iter()
                .map(|e| format!(".{} {}", e["extension"].as_str().unwrap_or("?"), e["files"]))
                .collect();
            let _ = writeln!(out, "  no grammar for: {}", names.join(", "));
        }
    }
    for (title, map) in [
        ("files by language", &stats.counts.files_by_language),
        ("nodes by language", &stats.counts.nodes_by_language),
        ("nodes by kind", &stats.counts.nodes_by_kind),
    ] {
        let _ = write!(out, "\n{title}:\n");
        let mut rows: Vec<(&String, &u64)> = map.iter().collect();
        rows.sort_by_key(|row| std::cmp::Reverse(*row.1));
        for (name, count) in rows {
            let _ = writeln!(out, "  {name:<12} {count:>10}");
        }
    }
    out
}
