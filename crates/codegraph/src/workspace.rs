//! The tree's manifests, read for import resolution: which directory a
//! module name means. The index walk collects the manifest files it
//! passes (`manifest_kind`); `aliases` reads them into the
//! [`PathAliases`] stored with the index:
//!
//! - `tsconfig.json`/`jsconfig.json`: path aliases, per config directory,
//!   through `extends` ([`crate::tsconfig`]);
//! - `package.json` with a `name`: a JS/TS workspace package (npm, yarn
//!   and pnpm workspaces alike: every named package in the tree), its
//!   entry file and subpaths;
//! - `Cargo.toml`: a Rust crate's name and library root ([`crate::cargo`]);
//! - `go.mod`: a Go module path and its directory.
//!
//! Manifests under `node_modules/` or a cargo `target/` are dependencies'
//! or build output, never the tree's own.

use std::path::Path;

use codegraph_graph::{join_path, Package, PathAliases};
use serde_json::Value;

/// Most manifests of each kind read (a monorepo of packages).
const MAX_MANIFESTS: usize = 10_000;

/// A manifest the resolver reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manifest {
    TsConfig,
    PackageJson,
    Cargo,
    GoMod,
}

/// What kind of manifest the repo-relative `path` is, if any.
pub fn manifest_kind(path: &str) -> Option<Manifest> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let kind = match name {
        "tsconfig.json" | "jsconfig.json" => Manifest::TsConfig,
        "package.json" => Manifest::PackageJson,
        "Cargo.toml" => Manifest::Cargo,
        "go.mod" => Manifest::GoMod,
        _ => return None,
    };
    let dependency = path.split('/').any(|segment| {
        segment == "node_modules" || (kind == Manifest::Cargo && segment == "target")
    });
    (!dependency).then_some(kind)
}

/// The module map the manifests at `paths` (repo-relative, from the walk)
/// declare.
pub fn aliases(root: &Path, manifests: &[(String, Manifest)]) -> PathAliases {
    let of = |kind: Manifest| -> Vec<&str> {
        let mut found: Vec<&str> = manifests
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(p, _)| p.as_str())
            .take(MAX_MANIFESTS)
            .collect();
        found.sort_unstable();
        found
    };
    let read = |path: &str| std::fs::read_to_string(root.join(path)).ok();
    let mut aliases = PathAliases {
        scopes: crate::tsconfig::scopes(root, &of(Manifest::TsConfig)),
        ..PathAliases::default()
    };
    for path in of(Manifest::PackageJson) {
        let Some(text) = read(path) else { continue };
        if let Some(package) = package(dir_of(path), &text) {
            aliases.packages.push(package);
        }
    }
    // The longest name first, so `@acme/core-utils` is not `@acme/core`.
    aliases
        .packages
        .sort_by(|a, b| b.name.len().cmp(&a.name.len()).then(a.name.cmp(&b.name)));
    aliases.packages.dedup_by(|a, b| a.name == b.name);
    for path in of(Manifest::Cargo) {
        let Some(text) = read(path) else { continue };
        if let Some(found) = crate::cargo::library(dir_of(path), &text) {
            aliases.rust_crates.push(found);
        }
    }
    aliases.rust_crates.sort();
    aliases.rust_crates.dedup();
    for path in of(Manifest::GoMod) {
        let Some(text) = read(path) else { continue };
        if let Some(module) = go_module(&text) {
            aliases.go_modules.push((module, dir_of(path).to_string()));
        }
    }
    // The longest module path first: a nested module owns its subtree.
    aliases
        .go_modules
        .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
    aliases
}

/// The directory part of a repo-relative path (`""` at the top).
pub(crate) fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The package a package.json in `dir` declares, if it has a name.
fn package(dir: &str, text: &str) -> Option<Package> {
    let json: Value = serde_json::from_str(text).ok()?;
    let name = json["name"].as_str()?.trim();
    if name.is_empty() {
        return None;
    }
    // Where a bundler or TypeScript would look, source first: the
    // declared entries, each also with a build directory read as `src`
    // (`dist/index.js` was built from `src/index.ts`).
    let exports = &json["exports"];
    let dot = match exports {
        Value::String(_) => exports,
        Value::Object(map) => map.get(".").unwrap_or(exports),
        _ => &Value::Null,
    };
    let mut declared: Vec<&str> = Vec::new();
    for key in ["source", "types", "typings", "module", "main"] {
        declared.extend(json[key].as_str());
    }
    match dot {
        Value::String(s) => declared.push(s),
        Value::Object(conditions) => {
            for key in ["source", "types", "import", "require", "default"] {
                if let Some(s) = conditions.get(key).and_then(entry_string) {
                    declared.push(s);
                }
            }
        }
        _ => {}
    }
    let mut entries = Vec::new();
    for entry in declared {
        let stem = strip_extension(entry.trim_start_matches("./"));
        let mut forms = vec![stem.to_string()];
        if let Some((first, rest)) = stem.split_once('/') {
            if matches!(
                first,
                "dist" | "lib" | "build" | "out" | "esm" | "cjs" | "es"
            ) {
                let rest = rest
                    .strip_prefix("esm/")
                    .or_else(|| rest.strip_prefix("cjs/"))
                    .unwrap_or(rest);
                forms.push(format!("src/{rest}"));
            }
        }
        entries.extend(forms.iter().filter_map(|f| join_path(dir, f)));
    }
    for fallback in ["src/index", "index"] {
        entries.extend(join_path(dir, fallback));
    }
    let mut seen = std::collections::HashSet::new();
    entries.retain(|e| seen.insert(e.clone()));
    Some(Package {
        name: name.to_string(),
        dir: dir.to_string(),
        entries,
    })
}

/// A conditional export's target: a string, or nested conditions.
fn entry_string(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(map) => ["types", "import", "default", "require"]
            .iter()
            .find_map(|k| map.get(*k).and_then(entry_string)),
        _ => None,
    }
}

fn strip_extension(path: &str) -> &str {
    for ext in [
        ".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx",
    ] {
        if let Some(stem) = path.strip_suffix(ext) {
            return stem;
        }
    }
    path
}

/// The module path a go.mod declares (`module example.com/app`).
fn go_module(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("module")?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        let path = rest.split("//").next()?.trim().trim_matches('"');
        (!path.is_empty()).then(|| path.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_recognised_outside_dependencies() {
        assert_eq!(
            manifest_kind("packages/core/package.json"),
            Some(Manifest::PackageJson)
        );
        assert_eq!(manifest_kind("web/tsconfig.json"), Some(Manifest::TsConfig));
        assert_eq!(manifest_kind("go.mod"), Some(Manifest::GoMod));
        assert_eq!(manifest_kind("node_modules/x/package.json"), None);
        assert_eq!(manifest_kind("target/package/x/Cargo.toml"), None);
        assert_eq!(manifest_kind("src/main.rs"), None);
    }

    #[test]
    fn packages_map_their_built_entries_back_to_sources() {
        let text = r#"{ "name": "@acme/core", "main": "./dist/index.js",
            "exports": { ".": { "types": "./dist/esm/api.d.ts", "import": "./dist/esm/api.mjs" } } }"#;
        let got = package("packages/core", text).unwrap();
        assert_eq!(got.name, "@acme/core");
        assert_eq!(got.dir, "packages/core");
        assert_eq!(
            got.entries,
            [
                "packages/core/dist/index",
                "packages/core/src/index",
                "packages/core/dist/esm/api",
                "packages/core/src/api",
                "packages/core/index",
            ]
        );
        assert!(package("x", r#"{ "private": true }"#).is_none());
        assert!(package("x", "{ not json").is_none());
    }

    #[test]
    fn go_mod_names_its_module() {
        assert_eq!(
            go_module("// comment\nmodule example.com/app // the app\n\ngo 1.21\n").as_deref(),
            Some("example.com/app")
        );
        assert_eq!(go_module("modules x\n"), None);
    }
}
