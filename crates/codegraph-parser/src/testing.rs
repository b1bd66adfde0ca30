//! What only the syntax shows about tests: attributes, annotations and
//! test-runner callbacks around a definition. Paths are
//! `codegraph_core::testing`'s rule; the extractor combines the two and
//! passes a test's mark on to everything defined inside it.

use codegraph_core::Language;
use tree_sitter::Node;

use crate::kin::Kin;

/// Callees whose callback arguments are tests (Jest, Mocha, Vitest, Jasmine).
const JS_TEST_CALLS: [&str; 10] = [
    "describe",
    "it",
    "test",
    "suite",
    "beforeEach",
    "afterEach",
    "beforeAll",
    "afterAll",
    "before",
    "after",
];

/// Furthest a JS/TS definition is searched upward for a test callback.
const MAX_ANCESTORS: usize = 32;

/// Whether the definition `node` named `name` is itself marked a test.
pub(crate) fn marks_test<'t>(
    node: Node<'t>,
    name: &str,
    language: Language,
    source: &str,
    kin: &Kin<'t>,
) -> bool {
    let text = |n: Node<'_>| source.get(n.byte_range()).unwrap_or("");
    match language {
        // `#[test]`, `#[tokio::test]`, `#[cfg(test)] mod tests`, `#[bench]`.
        Language::Rust => {
            let mut previous = kin.prev_sibling(node);
            while let Some(sibling) = previous {
                match sibling.kind() {
                    "attribute_item" => {
                        let attribute = text(sibling);
                        if (attribute.contains("test") || attribute.contains("bench"))
                            && !attribute.contains("not(test")
                        {
                            return true;
                        }
                    }
                    "line_comment" | "block_comment" => {}
                    _ => break,
                }
                previous = kin.prev_sibling(sibling);
            }
            false
        }
        // `@Test`, `@ParameterizedTest`, `@RepeatedTest`, `@TestFactory`.
        Language::Java => {
            let mut cursor = node.walk();
            let found = node
                .children(&mut cursor)
                .filter(|c| c.kind() == "modifiers")
                .any(|m| {
                    text(m).split('@').skip(1).any(|a| {
                        a.split(['(', ' ', '\n'])
                            .next()
                            .is_some_and(|n| n.contains("Test"))
                    })
                });
            found
        }
        // A `TestCase` subclass. A `test_*` function outside a test file
        // is no test: neither pytest nor unittest collects it there, and
        // libraries name API so (Flask's `test_client`, Django's
        // `test_func`, Jinja's `test_none`).
        Language::Python => node
            .child_by_field_name("superclasses")
            .is_some_and(|s| text(s).contains("TestCase")),
        Language::Go => false,
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            let mut current = kin.parent(node);
            for _ in 0..MAX_ANCESTORS {
                let Some(n) = current else { break };
                if n.kind() == "call_expression" {
                    let callee = n.child_by_field_name("function").map(text).unwrap_or("");
                    let base = callee.split('.').next().unwrap_or(callee);
                    if JS_TEST_CALLS.contains(&base) {
                        return true;
                    }
                }
                current = kin.parent(n);
            }
            false
        }
        // GoogleTest: `TEST(Suite, Name) { ... }` parses as a function named TEST.
        Language::C | Language::Cpp => matches!(name, "TEST" | "TEST_F" | "TEST_P" | "TYPED_TEST"),
        // xUnit, NUnit, MSTest; JUnit on Kotlin and Scala; Dart's
        // `@isTest`: an attribute or annotation before the name.
        Language::CSharp | Language::Kotlin | Language::Scala | Language::Dart => {
            let head = text(node);
            let head = &head[..head.find(name).unwrap_or(head.len())];
            TEST_ATTRIBUTES.iter().any(|a| head.contains(a))
        }
        // PHPUnit and XCTest run methods named `test...`.
        Language::Php | Language::Swift => name
            .strip_prefix("test")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_uppercase() || c == '_')),
        // Zig's `test "name" { }` blocks.
        Language::Zig => node.kind() == "test_declaration",
        Language::Ruby | Language::Lua | Language::Bash | Language::Elixir | Language::Haskell => {
            false
        }
    }
}

/// Attributes and annotations that make a method a test.
const TEST_ATTRIBUTES: [&str; 7] = [
    "[Test",
    "[Fact",
    "[Theory",
    "[TestMethod",
    "[DataTestMethod",
    "@Test",
    "@isTest",
];
