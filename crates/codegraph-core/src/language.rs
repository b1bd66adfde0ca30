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
    Ruby = 9,
    Php = 10,
    CSharp = 11,
    Kotlin = 12,
    Swift = 13,
    Scala = 14,
    Lua = 15,
    Bash = 16,
    Elixir = 17,
    Haskell = 18,
    Dart = 19,
    Zig = 20,
}

/// What every part of CodeGraph needs to know of one language, in one
/// place: its name, the extensions of its files, how its qualified names
/// are joined and which file stands for its directory's module. (The
/// grammar and extraction query are the parser's, `codegraph-parser`'s
/// `spec.rs`; name resolution's language rules are the resolver's.)
#[derive(Debug)]
pub struct LanguageInfo {
    pub language: Language,
    /// Lower-case name, as `--language` takes it and the index stores it.
    pub name: &'static str,
    /// Other names `--language` accepts.
    pub aliases: &'static [&'static str],
    /// File extensions, without the dot, lower case.
    pub extensions: &'static [&'static str],
    /// Joins the segments of a qualified name (`a::b`, `a.b`).
    pub separator: &'static str,
    /// File stems that are their directory's module (`__init__`, `index`,
    /// `mod`): an import of the directory names them.
    pub directory_modules: &'static [&'static str],
}

const fn info(
    language: Language,
    name: &'static str,
    aliases: &'static [&'static str],
    extensions: &'static [&'static str],
    separator: &'static str,
    directory_modules: &'static [&'static str],
) -> LanguageInfo {
    LanguageInfo {
        language,
        name,
        aliases,
        extensions,
        separator,
        directory_modules,
    }
}

/// One row per language, in discriminant order.
static LANGUAGES: [LanguageInfo; 21] = [
    info(
        Language::Rust,
        "rust",
        &["rs"],
        &["rs"],
        "::",
        &["mod", "lib"],
    ),
    info(
        Language::Python,
        "python",
        &["py"],
        &["py", "pyi"],
        ".",
        &["__init__"],
    ),
    info(
        Language::JavaScript,
        "javascript",
        &["js"],
        &["js", "mjs", "cjs", "jsx"],
        ".",
        &["index"],
    ),
    info(
        Language::TypeScript,
        "typescript",
        &["ts"],
        &["ts", "mts", "cts"],
        ".",
        &["index"],
    ),
    info(Language::Tsx, "tsx", &[], &["tsx"], ".", &["index"]),
    info(Language::Go, "go", &["golang"], &["go"], ".", &[]),
    info(Language::Java, "java", &[], &["java"], ".", &[]),
    info(Language::C, "c", &[], &["c", "h"], ".", &[]),
    info(
        Language::Cpp,
        "cpp",
        &["c++", "cxx"],
        &[
            "cc", "cpp", "cxx", "c++", "hh", "hpp", "hxx", "h++", "ipp", "tcc",
        ],
        "::",
        &[],
    ),
    info(
        Language::Ruby,
        "ruby",
        &["rb"],
        &["rb", "rake", "gemspec"],
        "::",
        &[],
    ),
    info(Language::Php, "php", &[], &["php"], "\\", &[]),
    info(Language::CSharp, "csharp", &["c#", "cs"], &["cs"], ".", &[]),
    info(
        Language::Kotlin,
        "kotlin",
        &["kt"],
        &["kt", "kts"],
        ".",
        &[],
    ),
    info(Language::Swift, "swift", &[], &["swift"], ".", &[]),
    info(Language::Scala, "scala", &[], &["scala", "sc"], ".", &[]),
    info(Language::Lua, "lua", &[], &["lua"], ".", &["init"]),
    info(
        Language::Bash,
        "bash",
        &["sh", "shell"],
        &["sh", "bash"],
        ".",
        &[],
    ),
    info(
        Language::Elixir,
        "elixir",
        &["ex"],
        &["ex", "exs"],
        ".",
        &[],
    ),
    info(Language::Haskell, "haskell", &["hs"], &["hs"], ".", &[]),
    info(Language::Dart, "dart", &[], &["dart"], ".", &[]),
    info(Language::Zig, "zig", &[], &["zig"], ".", &[]),
];

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
        Language::Ruby,
        Language::Php,
        Language::CSharp,
        Language::Kotlin,
        Language::Swift,
        Language::Scala,
        Language::Lua,
        Language::Bash,
        Language::Elixir,
        Language::Haskell,
        Language::Dart,
        Language::Zig,
    ];

    /// This language's row of the language table.
    pub fn info(self) -> &'static LanguageInfo {
        &LANGUAGES[self as usize]
    }

    /// Every extension some language claims, without the dot.
    pub fn all_extensions() -> impl Iterator<Item = &'static str> {
        LANGUAGES.iter().flat_map(|l| l.extensions.iter().copied())
    }

    /// The language of a file, by extension (any case). `.h` is taken as
    /// C; a C++ header usually parses fine with the C grammar for
    /// declarations, and [`Language::refine`] moves a plainly C++ one.
    pub fn from_path(path: &Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?;
        Language::from_extension(ext)
    }

    /// The language of a script without an extension, by its `#!` line:
    /// `#!/bin/bash`, `#!/usr/bin/env python3`, `#!/usr/bin/env -S node`.
    pub fn from_shebang(first_line: &str) -> Option<Language> {
        let command = first_line.strip_prefix("#!")?.trim();
        let mut words = command.split_whitespace();
        let mut program = words.next()?.rsplit('/').next()?;
        if program == "env" {
            program = words.find(|w| !w.starts_with('-') && !w.contains('='))?;
        }
        let name = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        Some(match name {
            "sh" | "bash" | "dash" | "ksh" => Language::Bash,
            "python" => Language::Python,
            "ruby" => Language::Ruby,
            "node" | "nodejs" => Language::JavaScript,
            "lua" | "luajit" => Language::Lua,
            "php" => Language::Php,
            "elixir" => Language::Elixir,
            "runghc" | "runhaskell" => Language::Haskell,
            "swift" => Language::Swift,
            _ => return None,
        })
    }

    /// The language whose files end in `.ext`.
    pub fn from_extension(ext: &str) -> Option<Language> {
        let lower;
        let ext = if ext.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = ext.to_ascii_lowercase();
            lower.as_str()
        } else {
            ext
        };
        LANGUAGES
            .iter()
            .find(|l| l.extensions.contains(&ext))
            .map(|l| l.language)
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

    /// Whether a bare call inside a class means `this.f()` (its own
    /// methods, then inherited ones): Java, C++, C#, Kotlin, Swift, Scala,
    /// Dart, and Ruby's implicit `self`.
    pub fn has_implicit_this(self) -> bool {
        matches!(
            self,
            Language::Java
                | Language::Cpp
                | Language::CSharp
                | Language::Kotlin
                | Language::Swift
                | Language::Scala
                | Language::Dart
                | Language::Ruby
        )
    }

    /// Whether a record field is also a function a call can name: in
    /// Haskell each field is its own selector (`optColumns opts`).
    pub fn fields_are_functions(self) -> bool {
        self == Language::Haskell
    }

    /// Whether code in `self` can name a definition written in `other`:
    /// the same language, or one family (JavaScript, TypeScript and TSX
    /// import each other; C and C++ share headers).
    pub fn shares_names_with(self, other: Language) -> bool {
        self.family() == other.family()
    }

    fn family(self) -> Language {
        match self {
            Language::TypeScript | Language::Tsx => Language::JavaScript,
            Language::Cpp => Language::C,
            other => other,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
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
        LANGUAGES
            .iter()
            .find(|l| l.name == lower || l.aliases.contains(&lower.as_str()))
            .map(|l| l.language)
            .ok_or_else(|| {
                UnknownKind::new(
                    "language",
                    s,
                    LANGUAGES
                        .iter()
                        .map(|l| l.name)
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
        assert_eq!(
            Language::from_path(Path::new("App.KT")),
            Some(Language::Kotlin)
        );
        assert_eq!(
            Language::from_shebang("#!/bin/bash -e"),
            Some(Language::Bash)
        );
        assert_eq!(
            Language::from_shebang("#!/usr/bin/env -S python3.12 -u"),
            Some(Language::Python)
        );
        assert_eq!(Language::from_shebang("#!/usr/bin/perl"), None);
        assert_eq!(Language::from_shebang("# not a shebang"), None);
        assert_eq!("c#".parse::<Language>().unwrap(), Language::CSharp);
        assert_eq!(Language::ALL.len(), LANGUAGES.len());
        for &lang in Language::ALL {
            assert_eq!(
                lang.info().language,
                lang,
                "the table is in discriminant order"
            );
            assert_eq!(Language::from_u8(lang as u8), Some(lang));
            assert_eq!(lang.as_str().parse::<Language>().unwrap(), lang);
        }
    }
}
