//! The one rule for "is this a test": by path, per language. The parser
//! adds what only the syntax shows (`#[test]`, `#[cfg(test)] mod`, JUnit
//! annotations, `describe`/`it` callbacks, `TestCase` classes) and stores
//! the answer on each node ([`crate::Node::test`]), so impact analysis,
//! search's demotion and every other consumer read the same bit.

use crate::Language;

/// Whether a file at `path` (repo-relative, `/`-separated) holds tests by
/// the conventions of `language`'s test runners.
pub fn is_test_path(path: &str, language: Language) -> bool {
    let lower = path.to_ascii_lowercase();
    in_test_dir(&lower, language) || is_test_file_name(path, file_name(&lower), language)
}

/// Words in a Python module that uses a test framework.
const PYTHON_TEST_FRAMEWORKS: [&str; 4] = ["unittest", "pytest", "django.test", "TestCase"];

/// [`is_test_path`], reading the source where the path alone cannot tell:
/// a Python `tests.py` outside a test directory is unittest's and Django's
/// test module, and also an ordinary module name (Jinja keeps its template
/// tests, `test_none` and the like, in `jinja2/tests.py`). Such a file
/// holds tests when it uses a test framework.
pub fn is_test_file(path: &str, language: Language, source: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if in_test_dir(&lower, language) {
        return true;
    }
    let name = file_name(&lower);
    if language == Language::Python && name == "tests.py" {
        return PYTHON_TEST_FRAMEWORKS.iter().any(|w| source.contains(w));
    }
    is_test_file_name(path, name, language)
}

/// The last segment of a `/`-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or("")
}

/// Whether a directory on `lower` (a lowercased path) is a test directory.
fn in_test_dir(lower: &str, language: Language) -> bool {
    let mut parts = lower.split('/');
    parts.next_back();
    parts.any(|dir| {
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
    })
}

/// Whether a file's own name (`name`, lowercased) marks it as tests.
fn is_test_file_name(path: &str, name: &str, language: Language) -> bool {
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
    fn a_python_tests_module_outside_test_directories_is_read() {
        let django = "from django.test import TestCase\n\nclass ViewTests(TestCase):\n    pass\n";
        let jinja = "def test_none(value):\n    return value is None\n";
        assert!(is_test_file("polls/tests.py", Python, django));
        assert!(!is_test_file("src/jinja2/tests.py", Python, jinja));
        // In a test directory, or by any other name, the path decides.
        assert!(is_test_file("tests/app/tests.py", Python, jinja));
        assert!(is_test_file("pkg/test_models.py", Python, jinja));
        assert!(!is_test_file("pkg/models.py", Python, django));
    }
}
