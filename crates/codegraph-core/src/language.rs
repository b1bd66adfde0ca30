//! The languages CodeGraph understands, and how a file path maps to one.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::UnknownKind;

#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, serde::Serialize, serde::Deserialize,
)]
#[repr(u8)]
pub enum Language {
    Rust = 0,
    Python = 1,
    JavaScript = 2,
    TypeScript = 3,
    Tsx = 4,
    Go = 5,
    Java = 6,
    C = 7,
    Cpp = 8,
}

impl Language {
    pub const ALL: &'static [Language] = &[
        Language::Rust,
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Go,
        Language::Java,
        Language::C,
        Language::Cpp,
    ];

    /// The language of a file, by extension. `.h` is taken as C; a C++
    /// header usually parses fine with the C grammar for declarations.
    pub fn from_path(path: &Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?;
        Some(match ext {
            "rs" => Language::Rust,
            "py" | "pyi" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "go" => Language::Go,
            "java" => Language::Java,
            "c" | "h" => Language::C,
            "cc" | "cpp" | "cxx" | "c++" | "hh" | "hpp" | "hxx" | "h++" | "ipp" | "tcc" => {
                Language::Cpp
            }
            _ => return None,
        })
    }

    /// The language of a file once its text is known: a `.h` header that
    /// is plainly C++ (a class, namespace, template or access label at the
    /// start of a line, or `std::`) is C++, or its classes would be lost to
    /// the C grammar's syntax errors.
    pub fn refine(self, path: &str, source: &str) -> Language {
        if self != Language::C || !path.ends_with(".h") {
            return self;
        }
        let cpp = source.lines().any(|line| {
            let line = line.trim();
            line.starts_with("namespace ")
                || line.starts_with("template <")
                || line.starts_with("template<")
                || matches!(line, "public:" | "private:" | "protected:")
                || line.contains("std::")
                || line.strip_prefix("class ").is_some_and(|rest| {
                    // `class Name {`, `class Name : public Base`, `class Name`.
                    let after = rest.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
                    after.len() < rest.len()
                        && (after.is_empty() || after.trim_start().starts_with(['{', ':']))
                })
        });
        if cpp {
            Language::Cpp
        } else {
            self
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Go => "go",
            Language::Java => "java",
            Language::C => "c",
            Language::Cpp => "cpp",
        }
    }

    pub fn from_u8(byte: u8) -> Option<Language> {
        Language::ALL.get(byte as usize).copied()
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Language, UnknownKind> {
        let lower = s.to_ascii_lowercase();
        let alias = match lower.as_str() {
            "rs" => "rust",
            "py" => "python",
            "js" => "javascript",
            "ts" => "typescript",
            "c++" | "cxx" => "cpp",
            other => other,
        };
        Language::ALL
            .iter()
            .copied()
            .find(|l| l.as_str() == alias)
            .ok_or_else(|| {
                UnknownKind::new(
                    "language",
                    s,
                    Language::ALL
                        .iter()
                        .map(|l| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
    }
}

#[cfg(test)]
mod refine_tests {
    use super::Language;

    #[test]
    fn plainly_cpp_headers_are_cpp() {
        let c = Language::C;
        assert_eq!(c.refine("a.h", "namespace geo {\n}"), Language::Cpp);
        assert_eq!(
            c.refine("a.h", "class Shape {\n public:\n};"),
            Language::Cpp
        );
        assert_eq!(
            c.refine("a.h", "class Circle : public Shape"),
            Language::Cpp
        );
        assert_eq!(
            c.refine("a.h", "struct store { int class; };\nint f(void);"),
            Language::C
        );
        assert_eq!(c.refine("a.h", "\tclass = 3;"), Language::C);
        assert_eq!(c.refine("a.c", "namespace x {"), Language::C);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_languages_by_extension() {
        assert_eq!(
            Language::from_path(Path::new("a/b.rs")),
            Some(Language::Rust)
        );
        assert_eq!(Language::from_path(Path::new("x.tsx")), Some(Language::Tsx));
        assert_eq!(Language::from_path(Path::new("x.hpp")), Some(Language::Cpp));
        assert_eq!(Language::from_path(Path::new("Makefile")), None);
        assert_eq!(Language::from_path(Path::new("notes.md")), None);
        for &lang in Language::ALL {
            assert_eq!(Language::from_u8(lang as u8), Some(lang));
            assert_eq!(lang.as_str().parse::<Language>().unwrap(), lang);
        }
    }
}
