//! Rust workspaces: each `Cargo.toml` under the root names a crate, and
//! `use other_crate::item` or `other_crate::f()` elsewhere in the tree
//! means that crate's sources. The map (crate name as code writes it, `-`
//! become `_`, to the directory of its library root) is stored with the
//! index's module aliases so resolution can follow calls across crates.
//!
//! Only the `[package] name` and `[lib] name`/`path` keys are read: a
//! line-level reader, enough for manifests as cargo writes them. The index
//! walk finds the manifests ([`crate::workspace`]).

use codegraph_graph::join_path;

/// The crate a manifest in `dir` defines: its name as paths write it and
/// the directory of its library (or binary) root.
pub fn library(dir: &str, manifest: &str) -> Option<(String, String)> {
    let mut section = "";
    let (mut package, mut lib_name, mut lib_path) = (None, None, None);
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']', ' ']);
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').trim_matches('\'');
        match (section, key.trim()) {
            ("package", "name") => package = Some(value.to_string()),
            ("lib", "name") => lib_name = Some(value.to_string()),
            ("lib", "path") => lib_path = Some(value.to_string()),
            _ => {}
        }
    }
    let name = lib_name.or(package)?.replace('-', "_");
    let root_file = lib_path.unwrap_or_else(|| "src/lib.rs".to_string());
    let root_dir = root_file.rsplit_once('/').map_or("", |(d, _)| d);
    let src = join_path(dir, root_dir)?;
    Some((name, src))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_and_lib_names() {
        let manifest = "[package]\nname = \"codegraph-parser\"\nversion = \"0.1.0\"\n\n[dependencies]\nname = \"not-this\"\n";
        assert_eq!(
            library("crates/codegraph-parser", manifest),
            Some((
                "codegraph_parser".into(),
                "crates/codegraph-parser/src".into()
            ))
        );
        let renamed = "[package]\nname = \"x\"\n[lib]\nname = \"y_core\"\npath = \"lib/y.rs\"\n";
        assert_eq!(library("", renamed), Some(("y_core".into(), "lib".into())));
        assert_eq!(library("a", "[workspace]\nmembers = [\"b\"]\n"), None);
    }
}
