//! The one rule for "is this a test": by path, per language. The parser
//! adds what only the syntax shows (`#[test]`, `#[cfg(test)] mod`, JUnit
//! annotations, `describe`/`it` callbacks, `test_*` functions, `TestCase`
//! classes) and stores the answer on each node ([`crate::Node::test`]), so
//! impact analysis, search's demotion and every other consumer read the
//! same bit.

use crate::Language;

/// Whether a file at `path` (repo-relative, `/`-separated) holds tests by
/// the conventions of `language`'s test runners.
pub fn is_test_path(path: &str, language: Language) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let name = parts.next_back().unwrap_or("");
    let in_test_dir = parts.any(|dir| {
        matches!(dir, "test" | "tests" | "testing" | "testdata" | "__tests__")
            || (dir == "benches" && language == Language::Rust)
            || (matches!(dir, "spec" | "specs")
                && matches!(
                    language,
                    Language::JavaScript
                        | Language::TypeScript
                        | Language::Tsx
                        | Language::Ruby
                        | Language::Lua
                ))
    });
    if in_test_dir {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name);
    match language {
        Language::Python => {
            stem.starts_with("test_")
                || stem.ends_with("_test")
                || matches!(stem, "conftest" | "tests")
        }
        Language::Go => stem.ends_with("_test"),
        Language::Java => {
            // Case matters here: FooTest.java, FooTests.java, FooIT.java.
            let original = path.rsplit('/').next().unwrap_or(path);
            let stem = original.split('.').next().unwrap_or(original);
            stem.ends_with("Test")
                || stem.ends_with("Tests")
                || stem.ends_with("IT")
                || stem
                    .strip_prefix("Test")
                    .is_some_and(|rest| rest.starts_with(char::is_uppercase))
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            name.contains(".test.") || name.contains(".spec.")
        }
        Language::Rust | Language::Zig => false,
        // RSpec, minitest; busted; ExUnit; Dart's test package; bats.
        Language::Ruby | Language::Lua | Language::Elixir | Language::Dart | Language::Bash => {
            stem.ends_with("_spec")
                || stem.ends_with("_test")
                || stem.starts_with("test_")
                || name.ends_with(".bats")
        }
        // PHPUnit, xUnit/NUnit, JUnit-style Kotlin and Scala, XCTest,
        // Hspec: FooTest, FooTests, FooSpec.
        Language::Php
        | Language::CSharp
        | Language::Kotlin
        | Language::Swift
        | Language::Scala
        | Language::Haskell => {
            let original = path.rsplit('/').next().unwrap_or(path);
            let stem = original.split('.').next().unwrap_or(original);
            stem.ends_with("Test") || stem.ends_with("Tests") || stem.ends_with("Spec")
        }
        Language::C | Language::Cpp => {
            stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem.ends_with("_tests")
                || stem.ends_with("_unittest")
        }
    }
}

/// Whether a definition named `name` is a test by its name alone, in a
/// language whose runner collects tests by name (pytest's `test_*` and
/// `Test*`, Go's `Test*`/`Benchmark*`/`Fuzz*` in `_test.go` files).
pub fn is_test_name(name: &str, language: Language) -> bool {
    match language {
        Language::Python => {
            name.starts_with("test_")
                || name
                    .strip_prefix("Test")
                    .is_some_and(|rest| rest.starts_with(char::is_uppercase))
        }
        Language::Go => ["Test", "Benchmark", "Fuzz"].iter().any(|p| {
            name.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || !rest.starts_with(char::is_lowercase))
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::*;

    #[test]
    fn test_paths_per_language() {
        for (path, language) in [
            ("tests/cli.rs", Rust),
            ("crates/x/benches/store.rs", Rust),
            ("pkg/test_models.py", Python),
            ("pkg/models_test.py", Python),
            ("conftest.py", Python),
            ("server/handler_test.go", Go),
            ("src/test/java/a/FooTest.java", Java),
            ("src/main/java/a/FooIT.java", Java),
            ("src/app.spec.ts", TypeScript),
            ("src/__tests__/app.js", JavaScript),
            ("lib/foo.test.tsx", Tsx),
            ("base/strings_unittest.cc", Cpp),
            ("spec/models/user_spec.rb", Ruby),
            ("lib/user_test.rb", Ruby),
            ("src/UserTest.php", Php),
            ("Api/ClientTests.cs", CSharp),
            ("src/main/kotlin/ParserSpec.kt", Kotlin),
            ("Sources/AppTests.swift", Swift),
            ("lib/parser_spec.lua", Lua),
            ("lib/app_test.exs", Elixir),
            ("lib/widget_test.dart", Dart),
        ] {
            assert!(is_test_path(path, language), "{path}");
        }
        for (path, language) in [
            ("src/lib.rs", Rust),
            ("src/testing_utils.rs", Rust),
            ("pkg/contest.py", Python),
            ("server/handler.go", Go),
            ("src/main/java/a/Testable.java", Java),
            ("src/main/java/a/Contest.java", Java),
            ("src/spec/parser.c", C),
            ("lib/latest.js", JavaScript),
        ] {
            assert!(!is_test_path(path, language), "{path}");
        }
    }

    #[test]
    fn test_names_per_language() {
        assert!(is_test_name("test_parse", Python));
        assert!(is_test_name("TestParser", Python));
        assert!(!is_test_name("testify", Python));
        assert!(is_test_name("TestParse", Go));
        assert!(is_test_name("BenchmarkParse", Go));
        assert!(!is_test_name("Testify", Go));
        assert!(!is_test_name("test_parse", Rust));
    }
}
