//! End-to-end: `codegraph search` on a small multi-language project.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;

fn run(repo: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("codegraph")
        .unwrap()
        .current_dir(repo)
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), value, stderr)
}

fn ok(repo: &Path, args: &[&str]) -> Value {
    let (code, value, stderr) = run(repo, args);
    assert_eq!(code, 0, "{args:?}: {value} {stderr}");
    value
}

fn indexed() -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = common::fixture("search");
    ok(&repo, &["index", "."]);
    (dir, repo)
}

fn names(value: &Value) -> Vec<String> {
    value["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn hybrid_search_ranks_the_function_that_does_it_first() {
    let (_dir, repo) = indexed();
    let value = ok(&repo, &["search", "retry a failed http request"]);
    let hit = &value["hits"][0];
    assert_eq!(hit["name"], "fetch_with_retry", "{value}");
    for field in [
        "id",
        "qualified_name",
        "kind",
        "language",
        "file",
        "start_line",
        "end_line",
        "score",
        "snippet",
    ] {
        assert!(!hit[field].is_null(), "missing {field}: {hit}");
    }
    assert_eq!(hit["file"], "net/http.py");
    assert_eq!(hit["start_line"], 4);
    assert!(hit["snippet"]
        .as_str()
        .unwrap()
        .starts_with("def fetch_with_retry"));
    // The test that calls it ranks below it.
    let all = names(&value);
    if let Some(pos) = all
        .iter()
        .position(|n| n == "test_fetch_with_retry_gives_up")
    {
        assert!(pos > 0);
    }

    let value = ok(&repo, &["search", "hash a password before storing it"]);
    assert_eq!(names(&value)[0], "hashPassword", "{value}");
}

#[test]
fn each_mode_alone_finds_the_answer() {
    let (_dir, repo) = indexed();
    for mode in ["lexical", "semantic", "hybrid"] {
        let value = ok(
            &repo,
            &[
                "search",
                "read settings from a configuration file",
                "--mode",
                mode,
            ],
        );
        assert_eq!(names(&value)[0], "parse_config_file", "{mode}: {value}");
        assert_eq!(value["mode"], mode);
    }
    let (code, _, stderr) = run(&repo, &["search", "x", "--mode", "fuzzy"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("unknown mode"), "{stderr}");
}

#[test]
fn filters_by_language_kind_and_path() {
    let (_dir, repo) = indexed();
    let value = ok(&repo, &["search", "title slug", "--lang", "go"]);
    assert_eq!(names(&value), ["Slugify"]);
    let value = ok(&repo, &["search", "user", "--kind", "method"]);
    assert!(names(&value).iter().all(|n| n == "logout"), "{value}");
    let value = ok(
        &repo,
        &[
            "search",
            "retry request password slug settings",
            "--path",
            "auth/**",
            "--limit",
            "50",
        ],
    );
    let files: Vec<&str> = value["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["file"].as_str().unwrap())
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| f.starts_with("auth/")),
        "{files:?}"
    );
    let (code, value, _) = run(&repo, &["search", "x", "--path", "[oops"]);
    assert_eq!(code, 1);
    assert!(value["error"].as_str().unwrap().contains("glob"), "{value}");
}

#[test]
fn search_follows_incremental_reindexing() {
    let (_dir, repo) = indexed();
    fs::remove_file(repo.join("net/http.py")).unwrap();
    fs::write(
        repo.join("util/backoff.go"),
        "package util\n\n// RetryWithBackoff retries a failed call, doubling the delay each time.\nfunc RetryWithBackoff(call func() error) error {\n\treturn call()\n}\n",
    )
    .unwrap();
    ok(&repo, &["index", "."]);
    let value = ok(&repo, &["search", "retry a failed call with backoff"]);
    let found = names(&value);
    assert!(
        !found.contains(&"fetch_with_retry".to_string()),
        "{found:?}"
    );
    assert_eq!(found[0], "RetryWithBackoff", "{found:?}");

    // A rebuild from scratch (token weights refitted to the new corpus)
    // gives the same best answer.
    ok(&repo, &["index", ".", "--reembed"]);
    let again = ok(&repo, &["search", "retry a failed call with backoff"]);
    assert_eq!(names(&again)[0], "RetryWithBackoff");
}

#[test]
fn clear_errors_without_a_search_index_or_with_a_bad_embedder() {
    let (_dir, repo) = common::fixture("search");
    ok(&repo, &["index", ".", "--no-search"]);
    let (code, value, _) = run(&repo, &["search", "retry"]);
    assert_eq!(code, 1);
    assert!(
        value["error"]
            .as_str()
            .unwrap()
            .contains("run `codegraph index`"),
        "{value}"
    );

    let (code, value, _) = run(&repo, &["index", ".", "--embedder", "word2vec"]);
    assert_eq!(code, 1);
    assert!(
        value["error"]
            .as_str()
            .unwrap()
            .contains("unknown embedder 'word2vec'"),
        "{value}"
    );

    // A query with no searchable words is an empty answer, not an error.
    ok(&repo, &["index", "."]);
    let value = ok(&repo, &["search", "?!"]);
    assert!(value["hits"].as_array().unwrap().is_empty());
}
