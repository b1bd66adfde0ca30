//! Import resolution: which indexed file an import statement names, by
//! each language's module-path rules. Relative imports become exact paths
//! (`./util` → `web/util.ts`, `.models` → `shop/models.py`, `super::x`);
//! absolute ones become path suffixes matched against every indexed file
//! (`com.acme.Invoice` → `…/com/acme/Invoice.java`, `linux/slab.h`,
//! `app.config` → `…/app/config.py`). Third-party and standard-library
//! modules are not in the index and stay unresolved.

use std::collections::HashMap;

use codegraph_core::Language;

/// A way an import may name a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Exact(String),
    Suffix(String),
    /// Every file directly in a directory whose path ends so (a Go package).
    Directory(String),
}

/// Every indexed path, by file name, for suffix matches.
pub(crate) struct FileIndex {
    by_name: HashMap<String, Vec<String>>,
    /// By the last segment of the directory they sit in.
    by_dir: HashMap<String, Vec<String>>,
}

impl FileIndex {
    pub fn new(paths: Vec<String>) -> FileIndex {
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_dir: HashMap<String, Vec<String>> = HashMap::new();
        for path in paths {
            let dir = parent(&path);
            let dir_name = dir.rsplit('/').next().unwrap_or(dir).to_string();
            by_dir.entry(dir_name).or_default().push(path.clone());
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            by_name.entry(name).or_default().push(path);
        }
        FileIndex { by_name, by_dir }
    }

    /// The indexed files `target` names.
    pub fn find(&self, target: &Target) -> Vec<&str> {
        let (wanted, exact) = match target {
            Target::Exact(path) => (path.as_str(), true),
            Target::Suffix(suffix) => (suffix.as_str(), false),
            Target::Directory(suffix) => {
                let name = suffix.rsplit('/').next().unwrap_or(suffix);
                let Some(paths) = self.by_dir.get(name) else {
                    return Vec::new();
                };
                return paths
                    .iter()
                    .filter(|p| {
                        let dir = parent(p);
                        dir == suffix || dir.ends_with(&format!("/{suffix}"))
                    })
                    .map(String::as_str)
                    .collect();
            }
        };
        let name = wanted.rsplit('/').next().unwrap_or(wanted);
        let Some(paths) = self.by_name.get(name) else {
            return Vec::new();
        };
        paths
            .iter()
            .filter(|p| {
                *p == wanted
                    || (!exact && p.ends_with(wanted) && p[..p.len() - wanted.len()].ends_with('/'))
            })
            .map(String::as_str)
            .collect()
    }
}

/// Module path aliases of a TypeScript/JavaScript project (tsconfig or
/// jsconfig `compilerOptions.paths`, resolved against `baseUrl`):
/// `"@app/*": ["src/app/*"]` makes `@app/util` the file `src/app/util.ts`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PathAliases {
    /// (pattern, repo-relative substitutions), in the config's order; a
    /// pattern has at most one `*`.
    pub paths: Vec<(String, Vec<String>)>,
    /// `baseUrl`, repo-relative, when set: bare modules resolve under it.
    pub base: Option<String>,
    /// Rust crates of the tree: (name as paths write it, `-` as `_`;
    /// repo-relative directory of its library root), sorted by name.
    pub rust_crates: Vec<(String, String)>,
}

impl PathAliases {
    /// The library root directory of the Rust crate `name`, if the tree
    /// has it (`codegraph_parser` → `crates/codegraph-parser/src`).
    pub fn rust_crate(&self, name: &str) -> Option<&str> {
        self.rust_crates
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| self.rust_crates[i].1.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.base.is_none()
    }

    /// The repo-relative paths (without an extension added) `module` may
    /// name through the aliases, most specific pattern first.
    pub fn expand(&self, module: &str) -> Vec<String> {
        let mut out = Vec::new();
        // The longest matching prefix wins, as in TypeScript.
        let mut matches: Vec<(usize, &Vec<String>, &str)> = Vec::new();
        for (pattern, targets) in &self.paths {
            match pattern.split_once('*') {
                Some((prefix, suffix))
                    if module.len() >= prefix.len() + suffix.len()
                        && module.starts_with(prefix)
                        && module.ends_with(suffix) =>
                {
                    let star = &module[prefix.len()..module.len() - suffix.len()];
                    matches.push((prefix.len(), targets, star));
                }
                Some(_) => {}
                None if pattern == module => matches.push((usize::MAX, targets, "")),
                None => {}
            }
        }
        matches.sort_by_key(|m| std::cmp::Reverse(m.0));
        for (_, targets, star) in matches {
            for target in targets {
                if let Some(path) = join("", &target.replacen('*', star, 1)) {
                    out.push(path);
                }
            }
        }
        if let Some(base) = &self.base {
            if let Some(path) = join(base, module) {
                out.push(path);
            }
        }
        out
    }
}

/// The directory part of a repo-relative path (`""` at the top).
pub(crate) fn parent(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `a/b` + `../c/./d` → `a/c/d`; `None` if it climbs out of the repository.
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The files an import of `module` from the file `importer` may name, most
/// specific first. `module` is the import node's qualified target.
pub(crate) fn targets(
    importer: &str,
    language: Language,
    module: &str,
    aliases: &PathAliases,
) -> Vec<Target> {
    let dir = parent(importer);
    let mut out = Vec::new();
    match language {
        Language::Python => {
            let dots = module.chars().take_while(|&c| c == '.').count();
            let rest: Vec<&str> = module[dots..]
                .split('.')
                .filter(|s| !s.is_empty())
                .collect();
            // The last segment may be an imported item, not a module.
            for take in (1..=rest.len()).rev() {
                let path = rest[..take].join("/");
                for file in [format!("{path}.py"), format!("{path}/__init__.py")] {
                    if dots > 0 {
                        let mut base = dir;
                        for _ in 1..dots {
                            base = parent(base);
                        }
                        if let Some(joined) = join(base, &file) {
                            out.push(Target::Exact(joined));
                        }
                    } else {
                        out.push(Target::Suffix(file));
                    }
                }
            }
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            let relative = module.starts_with('.');
            if !relative && aliases.is_empty() {
                return out;
            }
            // A named import is `./util.retry`: try the path as written,
            // then without the imported name.
            let mut specs = vec![module.to_string()];
            if let Some((head, _)) = module.rsplit_once('.') {
                if head.len() > 2 {
                    specs.push(head.to_string());
                }
            }
            // A bare module only through the project's path aliases.
            let bases: Vec<String> = specs
                .iter()
                .flat_map(|spec| {
                    if relative {
                        join(dir, spec).into_iter().collect()
                    } else {
                        aliases.expand(spec)
                    }
                })
                .collect();
            for base in bases {
                out.push(Target::Exact(base.clone()));
                for ext in ["ts", "tsx", "js", "jsx", "mjs", "cjs", "d.ts"] {
                    out.push(Target::Exact(format!("{base}.{ext}")));
                }
                for ext in ["ts", "tsx", "js", "jsx"] {
                    out.push(Target::Exact(format!("{base}/index.{ext}")));
                }
            }
        }
        Language::Rust => {
            let segments: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
            let crate_src = importer.find("src/").map(|i| &importer[..i + 3]);
            let crate_dir = segments.first().and_then(|name| aliases.rust_crate(name));
            let (base, rest): (Option<String>, &[&str]) = match segments.first() {
                Some(&"crate") => (crate_src.map(str::to_string), &segments[1..]),
                Some(&"super") => (Some(parent(dir).to_string()), &segments[1..]),
                Some(&"self") => (Some(dir.to_string()), &segments[1..]),
                // Another crate of the workspace: `codegraph_core::Node`.
                Some(_) if crate_dir.is_some() => (crate_dir.map(str::to_string), &segments[1..]),
                // `mod foo;` (marked by the parser): next to lib.rs, main.rs
                // and mod.rs; under x/ for any other x.rs.
                Some(&"mod") => {
                    let file = importer.rsplit('/').next().unwrap_or(importer);
                    let base = match file {
                        "lib.rs" | "main.rs" | "mod.rs" => dir.to_string(),
                        other => join(dir, other.trim_end_matches(".rs")).unwrap_or_default(),
                    };
                    (Some(base), &segments[1..])
                }
                _ => (None, &segments[..]),
            };
            let Some(base) = base else { return out };
            for take in (1..=rest.len()).rev() {
                let path = rest[..take].join("/");
                for file in [format!("{path}.rs"), format!("{path}/mod.rs")] {
                    if let Some(joined) = join(&base, &file) {
                        out.push(Target::Exact(joined));
                    }
                }
            }
            // An item of the crate root itself (`use other_crate::Item`,
            // often a `pub use` re-export): the root file.
            if segments
                .first()
                .is_some_and(|s| *s != "mod" && *s != "super" && *s != "self")
            {
                for root in ["lib.rs", "main.rs"] {
                    if let Some(joined) = join(&base, root) {
                        out.push(Target::Exact(joined));
                    }
                }
            }
        }
        Language::Java => {
            if !module.ends_with('*') {
                out.push(Target::Suffix(format!("{}.java", module.replace('.', "/"))));
            }
        }
        Language::Go => {
            // A package is a directory: match any file of it by its path.
            // An import path is the module path (go.mod) plus the package's
            // directory: try ever shorter tails. A single segment only for
            // module paths (`example.com/app/server`), never for the
            // standard library (`net/http` is not a repo's `http/`).
            let path = module.trim_matches('"');
            let segments: Vec<&str> = path.split('/').collect();
            let is_module = segments.first().is_some_and(|s| s.contains('.'));
            let shortest = if is_module { 1 } else { segments.len().min(2) };
            for take in (shortest..=segments.len()).rev() {
                out.push(Target::Directory(
                    segments[segments.len() - take..].join("/"),
                ));
            }
        }
        Language::C | Language::Cpp => {
            if let Some(joined) = join(dir, module) {
                out.push(Target::Exact(joined));
            }
            out.push(Target::Suffix(module.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(index: &FileIndex, importer: &str, module: &str) -> Vec<String> {
        let language = Language::from_path(std::path::Path::new(importer)).unwrap();
        let found = targets(importer, language, module, &PathAliases::default())
            .iter()
            .map(|t| index.find(t))
            .find(|f| !f.is_empty());
        found
            .unwrap_or_default()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn imports_name_the_files_each_language_means() {
        let index = FileIndex::new(
            [
                "app/service.py",
                "app/store.py",
                "app/util.py",
                "app/__init__.py",
                "web/api/client.ts",
                "web/util/index.ts",
                "crates/net/src/retry.rs",
                "crates/net/src/http/client.rs",
                "src/main/java/com/acme/Invoice.java",
                "include/linux/slab.h",
                "lib/list.c",
                "lib/list.h",
                "server/handler.go",
                "server/routes.go",
            ]
            .map(str::to_string)
            .to_vec(),
        );
        assert_eq!(
            resolve(&index, "app/service.py", ".store.Store"),
            ["app/store.py"]
        );
        assert_eq!(resolve(&index, "app/service.py", ".util"), ["app/util.py"]);
        assert_eq!(
            resolve(&index, "tests/test_x.py", "app.service.OrderService"),
            ["app/service.py"]
        );
        assert_eq!(
            resolve(&index, "web/api/client.ts", "../util.retry"),
            ["web/util/index.ts"]
        );
        assert_eq!(
            resolve(
                &index,
                "crates/net/src/http/client.rs",
                "crate::retry::Policy"
            ),
            ["crates/net/src/retry.rs"]
        );
        assert_eq!(
            resolve(&index, "crates/net/src/http/client.rs", "super::retry"),
            ["crates/net/src/retry.rs"]
        );
        assert_eq!(
            resolve(
                &index,
                "src/main/java/com/acme/Billing.java",
                "com.acme.Invoice"
            ),
            ["src/main/java/com/acme/Invoice.java"]
        );
        assert_eq!(
            resolve(&index, "mm/slab.c", "linux/slab.h"),
            ["include/linux/slab.h"]
        );
        assert_eq!(resolve(&index, "lib/list.c", "list.h"), ["lib/list.h"]);
        assert_eq!(
            resolve(&index, "cmd/main.go", "example.com/app/server"),
            ["server/handler.go", "server/routes.go"]
        );
        assert!(resolve(&index, "app/service.py", "json").is_empty());
        assert!(resolve(&index, "web/api/client.ts", "react").is_empty());
        assert!(resolve(
            &index,
            "crates/net/src/retry.rs",
            "std::collections::HashMap"
        )
        .is_empty());
    }
}
