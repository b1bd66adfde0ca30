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
    /// Every file directly in exactly this directory.
    ExactDirectory(String),
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
            Target::Directory(wanted) | Target::ExactDirectory(wanted) => {
                let exact = matches!(target, Target::ExactDirectory(_));
                let name = wanted.rsplit('/').next().unwrap_or(wanted);
                let Some(paths) = self.by_dir.get(name) else {
                    return Vec::new();
                };
                return paths
                    .iter()
                    .filter(|p| {
                        let dir = parent(p);
                        dir == wanted || (!exact && dir.ends_with(&format!("/{wanted}")))
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

/// What a tree's manifests say about where modules live: TypeScript and
/// JavaScript path aliases (each `tsconfig.json`/`jsconfig.json`, with its
/// `extends` chain), the packages of a JS/TS workspace (each
/// `package.json` with a name), the crates of a Rust workspace (each
/// `Cargo.toml`) and Go modules (each `go.mod`). Resolution reads it to
/// follow an import that names no relative path.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PathAliases {
    /// One per tsconfig/jsconfig that declares aliases; a file follows the
    /// nearest one above it.
    pub scopes: Vec<AliasScope>,
    /// JS/TS packages of the tree, by name.
    pub packages: Vec<Package>,
    /// Rust crates of the tree: (name as paths write it, `-` as `_`;
    /// repo-relative directory of its library root), sorted by name.
    pub rust_crates: Vec<(String, String)>,
    /// Go modules of the tree: (module path, repo-relative directory of
    /// its go.mod), longest module path first.
    pub go_modules: Vec<(String, String)>,
}

/// Path aliases of one tsconfig/jsconfig (`compilerOptions.paths`
/// resolved against `baseUrl`): `"@app/*": ["src/app/*"]` makes
/// `@app/util` the file `src/app/util.ts`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AliasScope {
    /// Repo-relative directory of the config: it governs the files under it.
    pub dir: String,
    /// (pattern, repo-relative substitutions), in the config's order; a
    /// pattern has at most one `*`.
    pub paths: Vec<(String, Vec<String>)>,
    /// `baseUrl`, repo-relative, when set: bare modules resolve under it.
    pub base: Option<String>,
}

/// A JavaScript/TypeScript package of a workspace: `import "@acme/core"`
/// is its entry file, `@acme/core/util` a file under it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Package {
    pub name: String,
    /// Repo-relative directory of its package.json.
    pub dir: String,
    /// Where its entry may be, repo-relative, without an extension, most
    /// likely first (`packages/core/src/index`).
    pub entries: Vec<String>,
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

    /// Whether a bare JS/TS module may name a file of the tree.
    pub fn has_js(&self) -> bool {
        !self.scopes.is_empty() || !self.packages.is_empty()
    }

    /// The workspace package a bare module names, and the subpath inside
    /// it (`@acme/core/util` → (core's package, `util`)).
    pub fn package<'m>(&self, module: &'m str) -> Option<(&Package, &'m str)> {
        self.packages.iter().find_map(|p| {
            let rest = module.strip_prefix(p.name.as_str())?;
            if rest.is_empty() {
                Some((p, ""))
            } else {
                rest.strip_prefix('/').map(|sub| (p, sub))
            }
        })
    }

    /// The alias scope that governs `file`: the nearest config above it.
    fn scope_of(&self, file: &str) -> Option<&AliasScope> {
        self.scopes
            .iter()
            .filter(|s| s.dir.is_empty() || file.starts_with(&format!("{}/", s.dir)))
            .max_by_key(|s| s.dir.len())
    }

    /// The repo-relative paths (without an extension added) the bare
    /// module `module`, imported by `importer`, may name: through the
    /// governing config's aliases (most specific pattern first), then its
    /// `baseUrl`, then a workspace package.
    pub fn expand(&self, importer: &str, module: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(scope) = self.scope_of(importer) {
            scope.expand(module, &mut out);
        }
        if let Some((package, sub)) = self.package(module) {
            if sub.is_empty() {
                out.extend(package.entries.iter().cloned());
            } else {
                for dir in [package.dir.clone(), format!("{}/src", package.dir)] {
                    out.extend(join(&dir, sub));
                }
            }
        }
        out
    }

    /// The Go module an import path belongs to and the repo-relative
    /// directory it names (`example.com/app/server` → `server`), if the
    /// tree has that module.
    pub fn go_package(&self, path: &str) -> Option<String> {
        self.go_modules.iter().find_map(|(module, dir)| {
            let rest = path.strip_prefix(module.as_str())?;
            if rest.is_empty() {
                Some(dir.clone())
            } else {
                rest.strip_prefix('/').and_then(|sub| join(dir, sub))
            }
        })
    }
}

impl AliasScope {
    fn expand(&self, module: &str, out: &mut Vec<String>) {
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
            if !relative && !aliases.has_js() {
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
                        aliases.expand(importer, spec)
                    }
                })
                .collect();
            for base in bases {
                // ESM TypeScript names the emitted file (`./util.js` for
                // util.ts): its source first.
                for (emitted, sources) in [
                    (".js", &["ts", "tsx"][..]),
                    (".jsx", &["tsx"][..]),
                    (".mjs", &["mts"][..]),
                    (".cjs", &["cts"][..]),
                ] {
                    if let Some(stem) = base.strip_suffix(emitted) {
                        for ext in sources {
                            out.push(Target::Exact(format!("{stem}.{ext}")));
                        }
                    }
                }
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
            let path = module.trim_matches('"');
            // A module of the tree (go.mod): exactly that directory.
            if let Some(dir) = aliases.go_package(path) {
                out.push(Target::ExactDirectory(dir));
                return out;
            }
            let segments: Vec<&str> = path.split('/').collect();
            let is_module = segments.first().is_some_and(|s| s.contains('.'));
            if !aliases.go_modules.is_empty() {
                // The tree declares its modules: any other module path is
                // a dependency, present only when vendored.
                if is_module {
                    out.push(Target::ExactDirectory(format!("vendor/{path}")));
                }
                return out;
            }
            // No go.mod: a package is a directory whose path ends in the
            // import path's tail; try ever shorter tails. A single segment
            // only for module paths (`example.com/app/server`), never for
            // the standard library (`net/http` is not a repo's `http/`).
            let shortest = if is_module { 1 } else { segments.len().min(2) };
            for take in (shortest..=segments.len()).rev() {
                out.push(Target::Directory(
                    segments[segments.len() - take..].join("/"),
                ));
            }
        }
        Language::C | Language::Cpp => out.extend(beside_else_anywhere(dir, module)),
        // `require_relative "util"` (marked `./util` by the parser) beside
        // the file; `require "shop/util"` on the load path (`lib/`).
        Language::Ruby => {
            let file = with_extension(module, ".rb");
            if module.starts_with('.') {
                out.extend(join(dir, &file).map(Target::Exact));
            } else {
                out.push(Target::Suffix(file));
            }
        }
        // `source lib/common.sh`, `. "$DIR/helpers.sh"`: a variable at the
        // front is the script's own directory, by far the commonest idiom.
        Language::Bash => {
            let path = module.trim_start_matches("./");
            let path = match path.strip_prefix('$') {
                Some(rest) => rest.split_once('/').map_or("", |(_, p)| p),
                None => path,
            };
            if !path.is_empty() {
                out.extend(beside_else_anywhere(dir, path));
            }
        }
        // `@import("util.zig")` beside the file; `@import("std")` is a
        // package, not a file of the tree.
        Language::Zig => {
            if module.ends_with(".zig") {
                out.extend(join(dir, module).map(Target::Exact));
            }
        }
        // `require("shop.util")`: shop/util.lua or shop/util/init.lua on
        // the package path.
        Language::Lua => {
            let path = module.replace('.', "/");
            out.push(Target::Suffix(format!("{path}.lua")));
            out.push(Target::Suffix(format!("{path}/init.lua")));
        }
        // `import 'src/models.dart'` beside the file; `package:shop/util.dart`
        // is the package's lib/util.dart; `dart:core` the SDK.
        Language::Dart => {
            if let Some(rest) = module.strip_prefix("package:") {
                let path = rest.split_once('/').map_or("", |(_, p)| p);
                if !path.is_empty() {
                    out.push(Target::Suffix(format!("lib/{path}")));
                }
            } else if !module.starts_with("dart:") {
                out.extend(join(dir, module).map(Target::Exact));
            }
        }
        // `import Data.Map.Strict`: Data/Map/Strict.hs under a source root.
        Language::Haskell => {
            out.push(Target::Suffix(format!("{}.hs", module.replace('.', "/"))));
        }
        // `alias Shop.Accounts.User`: lib/shop/accounts/user.ex by Mix's
        // convention (CamelCase segments in snake_case).
        Language::Elixir => {
            let path: Vec<String> = module.split('.').map(snake_case).collect();
            out.push(Target::Suffix(format!("{}.ex", path.join("/"))));
        }
        // `import com.acme.util.Strings`: a file named for the class in the
        // package's directory, else any file of that directory (Kotlin
        // and Scala files need not be named for what they define).
        Language::Kotlin | Language::Scala => {
            let ext = if language == Language::Kotlin {
                "kt"
            } else {
                "scala"
            };
            let segments: Vec<&str> = module.trim_end_matches(".*").split('.').collect();
            out.push(Target::Suffix(format!("{}.{ext}", segments.join("/"))));
            if segments.len() > 1 {
                out.push(Target::Directory(segments[..segments.len() - 1].join("/")));
            }
        }
        // `use App\Models\User`: PSR-4 maps the namespace onto a directory
        // (`App\` → `src/` or `app/`); without composer.json's map, the
        // longest tail of the path that a file ends with.
        Language::Php => {
            if module.ends_with(".php") {
                out.extend(beside_else_anywhere(dir, module.trim_start_matches("./")));
            } else {
                let segments: Vec<&str> = module.trim_start_matches('\\').split('\\').collect();
                for take in (1..=segments.len()).rev() {
                    let tail = segments[segments.len() - take..].join("/");
                    out.push(Target::Suffix(format!("{tail}.php")));
                }
            }
        }
        // A namespace (`using App.Models;`) or a system module (`import
        // Foundation`) spans files: no one file is imported.
        Language::CSharp | Language::Swift => {}
    }
    out
}

/// A path written relative to the including file (`#include "util.h"`,
/// `source lib/common.sh`, `require 'config.php'`): beside it, else any
/// file of the tree whose path ends so.
fn beside_else_anywhere(dir: &str, path: &str) -> impl Iterator<Item = Target> {
    join(dir, path)
        .map(Target::Exact)
        .into_iter()
        .chain(std::iter::once(Target::Suffix(path.to_string())))
}

/// `util` → `util.rb`; `util.rb` stays.
fn with_extension(path: &str, ext: &str) -> String {
    if path.ends_with(ext) {
        path.to_string()
    } else {
        format!("{path}{ext}")
    }
}

/// `HTTPClient` → `http_client`, `Accounts` → `accounts`.
fn snake_case(segment: &str) -> String {
    let chars: Vec<char> = segment.chars().collect();
    let mut out = String::with_capacity(segment.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && chars[i - 1].is_lowercase();
            let before_lower = i > 0
                && chars[i - 1].is_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if after_lower || before_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
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
