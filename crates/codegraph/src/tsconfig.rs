//! Module path aliases from a project's root `tsconfig.json` (or
//! `jsconfig.json`): `compilerOptions.paths` resolved against `baseUrl`,
//! for import resolution. The files are JSON with comments and trailing
//! commas; an unreadable or malformed one declares no aliases.

use std::path::Path;

use codegraph_graph::{join_path, PathAliases};
use serde_json::Value;

/// The aliases declared at `root`, if any.
pub fn path_aliases(root: &Path) -> PathAliases {
    for name in ["tsconfig.json", "jsconfig.json"] {
        let Ok(text) = std::fs::read_to_string(root.join(name)) else {
            continue;
        };
        let Ok(config) = serde_json::from_str::<Value>(&strip_jsonc(&text)) else {
            continue;
        };
        return aliases(&config["compilerOptions"]);
    }
    PathAliases::default()
}

fn aliases(options: &Value) -> PathAliases {
    let base = options["baseUrl"].as_str().and_then(|b| join_path("", b));
    // `paths` are relative to `baseUrl`, or to the config's directory.
    let paths_base = base.clone().unwrap_or_default();
    let paths = options["paths"]
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
    PathAliases {
        paths,
        base,
        rust_crates: Vec::new(),
    }
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

    #[test]
    fn reads_paths_and_base_url_through_comments_and_trailing_commas() {
        let text = r#"{
            // comment "with quotes"
            "compilerOptions": {
                "baseUrl": "./src", /* block */
                "paths": {
                    "@app/*": ["app/*", "../shared/*",],
                    "@util": ["util/index.ts"],
                },
            },
        }"#;
        let config: Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        let got = aliases(&config["compilerOptions"]);
        assert_eq!(got.base.as_deref(), Some("src"));
        assert_eq!(
            got.paths,
            vec![
                (
                    "@app/*".to_string(),
                    vec!["src/app/*".to_string(), "shared/*".to_string()]
                ),
                ("@util".to_string(), vec!["src/util/index.ts".to_string()]),
            ]
        );
        assert_eq!(
            got.expand("@app/models/user"),
            [
                "src/app/models/user",
                "shared/models/user",
                "src/@app/models/user"
            ]
        );
        assert_eq!(got.expand("@util"), ["src/util/index.ts", "src/@util"]);
    }

    #[test]
    fn a_missing_or_broken_config_declares_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(path_aliases(dir.path()).is_empty());
        std::fs::write(dir.path().join("tsconfig.json"), "{ not json").unwrap();
        assert!(path_aliases(dir.path()).is_empty());
    }
}
