//! Module path aliases from a tree's `tsconfig.json`/`jsconfig.json`
//! files: `compilerOptions.paths` resolved against `baseUrl`, each config
//! governing the files under its directory, with what it inherits through
//! `extends` (a relative path, or a package in `node_modules`). The files
//! are JSON with comments and trailing commas; an unreadable or malformed
//! one declares nothing.

use std::path::Path;

use codegraph_graph::{join_path, AliasScope};

use crate::workspace::dir_of;
use serde_json::Value;

/// Most configs one `extends` chain follows.
const MAX_EXTENDS: usize = 8;

/// One scope per config at the repo-relative `configs`.
pub fn scopes(root: &Path, configs: &[&str]) -> Vec<AliasScope> {
    configs
        .iter()
        .filter_map(|path| scope(root, path))
        .collect()
}

/// The aliases of the config at `path`, inherited options included;
/// `None` if it cannot be read or declares none.
fn scope(root: &Path, path: &str) -> Option<AliasScope> {
    let dir = dir_of(path).to_string();
    let (mut base, mut paths) = (None, None);
    // Nearest first: a config's own options override what it extends.
    for (config_dir, config) in chain(root, path) {
        let options = &config["compilerOptions"];
        if base.is_none() {
            base = options["baseUrl"]
                .as_str()
                .and_then(|b| join_path(&config_dir, b));
        }
        if paths.is_none() && options["paths"].is_object() {
            paths = Some((config_dir, options["paths"].clone()));
        }
    }
    let mut scope = AliasScope {
        dir,
        paths: Vec::new(),
        base: base.clone(),
    };
    if let Some((config_dir, declared)) = paths {
        // `paths` are relative to `baseUrl`, or to the declaring config.
        let paths_base = base.unwrap_or(config_dir);
        scope.paths = declared
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(pattern, _)| pattern.matches('*').count() <= 1)
            .map(|(pattern, targets)| {
                let targets = targets
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .filter_map(|t| join_path(&paths_base, t))
                    .collect();
                (pattern.clone(), targets)
            })
            .collect();
    }
    (!scope.paths.is_empty() || scope.base.is_some()).then_some(scope)
}

/// The config at `path` and those it extends, nearest first, each with
/// its repo-relative directory.
fn chain(root: &Path, path: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut queue = vec![path.to_string()];
    while let Some(path) = queue.pop() {
        if out.len() >= MAX_EXTENDS {
            break;
        }
        let Some(config) = read(root, &path) else {
            continue;
        };
        let dir = dir_of(&path).to_string();
        let extends: Vec<String> = match &config["extends"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        // Later entries of an `extends` list override earlier ones.
        for spec in extends.iter() {
            if let Some(found) = locate(root, &dir, spec) {
                queue.insert(0, found);
            }
        }
        out.push((dir, config));
    }
    out
}

/// The repo-relative file an `extends` entry names, if it is in the tree.
fn locate(root: &Path, dir: &str, spec: &str) -> Option<String> {
    let mut candidates = Vec::new();
    if spec.starts_with('.') {
        let joined = join_path(dir, spec)?;
        candidates.push(format!("{joined}.json"));
        candidates.push(joined);
    } else {
        // A package: `node_modules/<spec>` here or in any parent directory.
        let mut at = Some(dir);
        while let Some(d) = at {
            for form in [
                format!("{spec}.json"),
                spec.to_string(),
                format!("{spec}/tsconfig.json"),
            ] {
                candidates.extend(join_path(d, &format!("node_modules/{form}")));
            }
            at = (!d.is_empty()).then(|| dir_of(d));
        }
    }
    candidates.into_iter().find(|c| root.join(c).is_file())
}

fn read(root: &Path, path: &str) -> Option<Value> {
    let text = std::fs::read_to_string(root.join(path)).ok()?;
    serde_json::from_str(&strip_jsonc(&text)).ok()
}

/// JSON with `//` and `/* */` comments and trailing commas, made JSON.
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            (',', _) => {
                // A comma followed only by whitespace and a closing bracket.
                let rest: String = chars.clone().take_while(|c| c.is_whitespace()).collect();
                let next = chars.clone().nth(rest.chars().count());
                if !matches!(next, Some('}' | ']')) {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegraph_graph::PathAliases;

    fn write(root: &Path, path: &str, text: &str) {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    #[test]
    fn reads_paths_and_base_url_through_comments_and_trailing_commas() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "tsconfig.json",
            r#"{
            // comment "with quotes"
            "compilerOptions": {
                "baseUrl": "./src", /* block */
                "paths": {
                    "@app/*": ["app/*", "../shared/*",],
                    "@util": ["util/index.ts"],
                },
            },
        }"#,
        );
        let got = scopes(dir.path(), &["tsconfig.json"]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].base.as_deref(), Some("src"));
        assert_eq!(
            got[0].paths,
            vec![
                (
                    "@app/*".to_string(),
                    vec!["src/app/*".to_string(), "shared/*".to_string()]
                ),
                ("@util".to_string(), vec!["src/util/index.ts".to_string()]),
            ]
        );
        let aliases = PathAliases {
            scopes: got,
            ..PathAliases::default()
        };
        assert_eq!(
            aliases.expand("src/main.ts", "@app/models/user"),
            [
                "src/app/models/user",
                "shared/models/user",
                "src/@app/models/user"
            ]
        );
        assert_eq!(
            aliases.expand("src/main.ts", "@util"),
            ["src/util/index.ts", "src/@util"]
        );
    }

    #[test]
    fn nested_configs_inherit_through_extends_and_govern_their_directory() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "tsconfig.base.json",
            r#"{ "compilerOptions": { "paths": { "@acme/*": ["packages/*/src"] } } }"#,
        );
        write(
            dir.path(),
            "packages/web/tsconfig.json",
            r#"{ "extends": "../../tsconfig.base" }"#,
        );
        write(
            dir.path(),
            "packages/api/tsconfig.json",
            r#"{ "extends": "@tsconfig/strict", "compilerOptions": { "baseUrl": "." } }"#,
        );
        write(
            dir.path(),
            "node_modules/@tsconfig/strict/tsconfig.json",
            r#"{ "compilerOptions": { "baseUrl": "nowhere", "paths": { "~/*": ["./lib/*"] } } }"#,
        );
        let got = scopes(
            dir.path(),
            &["packages/api/tsconfig.json", "packages/web/tsconfig.json"],
        );
        let aliases = PathAliases {
            scopes: got,
            ..PathAliases::default()
        };
        // Inherited `paths` are relative to the config that declares them.
        assert_eq!(
            aliases.expand("packages/web/src/app.ts", "@acme/core"),
            ["packages/core/src"]
        );
        // The package's own baseUrl wins over the inherited one, and the
        // inherited paths resolve against it.
        assert_eq!(
            aliases.expand("packages/api/src/server.ts", "~/db"),
            ["packages/api/lib/db", "packages/api/~/db"]
        );
        // A file outside every config has no aliases.
        assert!(aliases.expand("scripts/build.ts", "@acme/core").is_empty());
    }

    #[test]
    fn a_missing_or_broken_config_declares_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(scopes(dir.path(), &["tsconfig.json"]).is_empty());
        std::fs::write(dir.path().join("tsconfig.json"), "{ not json").unwrap();
        assert!(scopes(dir.path(), &["tsconfig.json"]).is_empty());
    }
}
