//! End-to-end: `codegraph search` on a small multi-language project.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

fn run(repo: &Path, args: &[&str]) -> (i32, Value, String) {
    common::run_json(repo, args, &[])
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
    // The test's name holds every word of this query, the function's
    // only some: undemoted, the test would come first.
    let value = ok(&repo, &["search", "fetch with retry gives up"]);
    assert_eq!(names(&value)[0], "fetch_with_retry", "{value}");
    // Asked for, tests weigh in full: demoted, this test would not.
    let value = ok(&repo, &["search", "tests calling fetch with retry"]);
    assert_eq!(
        names(&value)[0],
        "test_fetch_with_retry_gives_up",
        "{value}"
    );

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
    let vectors = repo.join(".codegraph/search/vectors.usearch");
    let delta = repo.join(".codegraph/search/vectors.delta");
    let written = fs::read(&vectors).unwrap();
    assert!(!delta.exists());
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
    // A small update goes to the delta beside the vector index, which is
    // not rewritten; by vectors alone the answer is the same.
    assert_eq!(fs::read(&vectors).unwrap(), written);
    assert!(delta.exists());
    let value = ok(
        &repo,
        &[
            "search",
            "retry a failed call with backoff",
            "--mode",
            "semantic",
        ],
    );
    let found = names(&value);
    assert_eq!(found[0], "RetryWithBackoff", "{found:?}");
    assert!(
        !found.contains(&"fetch_with_retry".to_string()),
        "{found:?}"
    );

    // A rebuild from scratch (token weights refitted to the new corpus)
    // gives the same best answer.
    ok(&repo, &["index", ".", "--reembed"]);
    let again = ok(&repo, &["search", "retry a failed call with backoff"]);
    assert_eq!(names(&again)[0], "RetryWithBackoff");
    assert!(!delta.exists());
}

/// The search report's symbol counts: all of them, and those with a doc
/// comment (which set the fusion's lexical weight).
fn counted(report: &Value) -> (u64, u64) {
    let search = &report["search"];
    (
        search["symbols"].as_u64().unwrap(),
        search["documented"].as_u64().unwrap(),
    )
}

#[test]
fn the_index_counts_documented_symbols_exactly_through_updates() {
    let (_dir, repo) = common::fixture("search");
    let first = counted(&ok(&repo, &["index", "."]));
    // Three of the fixture's eight symbols have no doc comment: `_get`,
    // the test and the `Session` class.
    assert_eq!(first, (8, 5));
    // One doc comment goes, a documented function comes, a file goes.
    let http = repo.join("net/http.py");
    let text = fs::read_to_string(&http).unwrap();
    let stripped = text.replace(
        "    \"\"\"Retry a failed HTTP request with exponential backoff.\"\"\"\n",
        "",
    );
    assert_ne!(stripped, text);
    fs::write(&http, stripped).unwrap();
    fs::write(
        repo.join("util/backoff.go"),
        "package util\n\n// Backoff doubles a delay.\nfunc Backoff(d int) int {\n\treturn 2 * d\n}\n",
    )
    .unwrap();
    fs::remove_file(repo.join("util/strings.go")).unwrap();
    let updated = counted(&ok(&repo, &["index", "."]));
    assert_eq!(updated, (first.0, first.1 - 1), "{first:?} -> {updated:?}");
    // The same counts as a rebuild from scratch.
    let rebuilt = counted(&ok(&repo, &["index", ".", "--reembed"]));
    assert_eq!(rebuilt, updated);
    // A run with nothing to do reports them too.
    assert_eq!(counted(&ok(&repo, &["index", "."])), updated);
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

/// An OpenAI-compatible embeddings server on localhost whose model hashes
/// each word of a text into one of 64 buckets: crude, but texts sharing
/// words point the same way, which is all the wiring test needs.
fn embeddings_server() -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let req: Value = serde_json::from_slice(&body).unwrap();
            let data: Vec<Value> = req["input"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let mut v = vec![0.0f64; 64];
                    for word in text.as_str().unwrap().split(|c: char| !c.is_alphanumeric()) {
                        if !word.is_empty() {
                            let h = word
                                .to_lowercase()
                                .bytes()
                                .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
                            v[(h % 64) as usize] += 1.0;
                        }
                    }
                    serde_json::json!({ "index": i, "embedding": v })
                })
                .collect();
            let reply = serde_json::json!({ "data": data }).to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    url
}

#[test]
fn an_http_embedder_indexes_and_answers_and_is_never_mixed() {
    let (_dir, repo) = common::fixture("search");
    let url = embeddings_server();
    let env = [
        ("CODEGRAPH_EMBED_URL", url.as_str()),
        ("CODEGRAPH_EMBED_MODEL", "toy-64"),
    ];
    let (code, value, _) = common::run_json(&repo, &["index", ".", "--embedder", "http"], &env);
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["search"]["embedder"], "http:toy-64");
    let (code, value, _) = common::run_json(
        &repo,
        &["search", "slugify title", "--mode", "semantic"],
        &env,
    );
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["embedder"], "http:toy-64");
    assert_eq!(names(&value)[0], "Slugify", "{value}");

    // The default embedder may not add vectors to this index...
    let (code, value, _) = run(&repo, &["index", "."]);
    assert_eq!(code, 1);
    let error = value["error"].as_str().unwrap();
    assert!(
        error.contains("built with embedder 'http:toy-64'") && error.contains("--reembed"),
        "{error}"
    );
    // ...and queries need the service the index was built with.
    let (code, value, _) = run(&repo, &["search", "slug"]);
    assert_eq!(code, 1);
    assert!(
        value["error"]
            .as_str()
            .unwrap()
            .contains("CODEGRAPH_EMBED_URL"),
        "{value}"
    );
    // --reembed switches back.
    ok(&repo, &["index", ".", "--reembed"]);
    assert_eq!(
        ok(&repo, &["search", "slug"])["embedder"],
        "static-minilm-l6-v2@5"
    );
}

#[test]
fn a_damaged_vector_delta_names_the_command_that_rebuilds_it() {
    let (_dir, repo) = indexed();
    fs::write(
        repo.join("util/backoff.go"),
        "package util\n\n// RetryWithBackoff retries a failed call.\nfunc RetryWithBackoff(call func() error) error {\n\treturn call()\n}\n",
    )
    .unwrap();
    ok(&repo, &["index", "."]);
    let delta = repo.join(".codegraph/search/vectors.delta");
    fs::write(&delta, b"not a delta").unwrap();
    for args in [
        &["search", "retry", "--mode", "semantic"][..],
        &["index", "."][..],
    ] {
        if args[0] == "index" {
            fs::write(
                repo.join("util/more.go"),
                "package util\n\nfunc More() {}\n",
            )
            .unwrap();
        }
        let (code, value, _) = run(&repo, args);
        assert_eq!(code, 1, "{args:?}");
        let error = value["error"].as_str().unwrap();
        assert!(
            error.contains("vectors.delta is damaged") && error.contains("--reembed"),
            "{error}"
        );
    }
    ok(&repo, &["index", ".", "--reembed"]);
    let value = ok(
        &repo,
        &["search", "retry a failed call", "--mode", "semantic"],
    );
    assert_eq!(names(&value)[0], "RetryWithBackoff");
}

#[test]
fn a_longer_search_begins_with_the_hits_of_a_shorter_one() {
    // More definitions than either ranking's first candidates, so a search
    // for many hits retrieves deeper than one for a few.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    let verbs = [
        "parse", "load", "send", "retry", "cache", "render", "merge", "split",
    ];
    let nouns = [
        "request", "config", "token", "user", "file", "queue", "record", "page",
    ];
    for module in 0..8 {
        let mut text = String::new();
        for i in 0..50 {
            let (verb, noun) = (verbs[(i + module) % 8], nouns[(i * 3 + module) % 8]);
            text.push_str(&format!(
                "def {verb}_{noun}_{module}_{i}(value):\n    \"\"\"{verb} the {noun} of a value.\"\"\"\n    return helper_{i}(value, {module})\n\n"
            ));
        }
        fs::write(repo.join(format!("mod{module}.py")), text).unwrap();
    }
    ok(&repo, &["index", "."]);
    let query = "retry sending the request after a failure";
    let few = names(&ok(&repo, &["search", query, "--limit", "10"]));
    let many = names(&ok(&repo, &["search", query, "--limit", "250"]));
    assert_eq!(few.len(), 10);
    assert!(many.len() > 150, "{}", many.len());
    assert_eq!(few, many[..10]);
    let some = names(&ok(&repo, &["search", query, "--limit", "60"]));
    assert_eq!(some, many[..60]);
    // Scores never rise down the list.
    let value = ok(&repo, &["search", query, "--limit", "250"]);
    let scores: Vec<f64> = value["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}
