//! Crash consistency, end to end: the real binary is killed (`SIGKILL`, as
//! `kill -9`) at checkpoints spread over a whole index run — while
//! writing files, inside resolution, inside search sync — then run again,
//! and everything it answers must equal a clean index of the same tree:
//! counts, resolved references, the whole graph with its confidences,
//! and search results. A write that fails (a full disk, injected) must
//! leave the index answering queries and say so in one sentence; a
//! damaged index must name the command that rebuilds it.
//!
//! The corpus is real code: this repository's own sources (Rust), and
//! its fixtures in seven more languages.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::json;

/// Files per commit: small, so that a run has many commit points.
const COMMIT_EVERY: &str = "8";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Copies the workspace's sources and fixtures (no build output, no
/// indexes) into `to`.
fn real_corpus(to: &Path) {
    let crates = workspace_root().join("crates");
    for entry in fs::read_dir(&crates).unwrap() {
        let krate = entry.unwrap().path();
        let name = krate.file_name().unwrap().to_owned();
        for part in ["src", "tests"] {
            if krate.join(part).is_dir() {
                common::copy_dir(&krate.join(part), &to.join(&name).join(part));
            }
        }
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn codegraph(repo: &Path, args: &[&str], env: &[(&str, String)]) -> Run {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("codegraph"))
        .current_dir(repo)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn index(repo: &Path, env: &[(&str, String)]) -> Run {
    codegraph(
        repo,
        &["index", ".", "--commit-every", COMMIT_EVERY, "--json"],
        env,
    )
}

/// Everything a user could ask of the index, in a comparable form.
fn answers(repo: &Path) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    let stats = json(repo, &["stats"]);
    for key in [
        "files",
        "nodes",
        "edges",
        "refs",
        "resolved_refs",
        "nodes_by_kind",
        "files_by_language",
    ] {
        all.insert(format!("stats.{key}"), stats[key].clone());
    }
    // The whole graph: every node and every edge with its confidence.
    let export = codegraph(repo, &["export"], &[]);
    assert_eq!(export.code, Some(0), "{}", export.stderr);
    let mut lines: Vec<&str> = export.stdout.lines().collect();
    lines.sort_unstable();
    all.insert("export".into(), Value::from(lines.join("\n")));
    for query in [
        "resolve references across files",
        "open the store read only",
        "embed text into vectors",
        "parse a source file",
    ] {
        let hits = json(repo, &["search", query]);
        let names: Vec<Value> = hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["qualified_name"].clone())
            .collect();
        all.insert(format!("search {query}"), Value::from(names));
    }
    // Fuzzy name lookups read the name tokens, which a first build writes
    // after its nodes, in a stage of their own.
    for query in ["splt_ident", "rslv_files"] {
        all.insert(format!("find {query}"), json(repo, &["find", query]));
    }
    all
}

/// The checkpoints (or writes) of a run of `codegraph index` over `repo`,
/// in order.
fn trace(repo: &Path, what: &str) -> Vec<String> {
    let run = index(repo, &[("CODEGRAPH_TEST_TRACE", "1".into())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let prefix = format!("{what} ");
    run.stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|l| l.split_once(' ').unwrap().1.to_string())
        .collect()
}

/// Kill points: every stage's, at least three inside resolution and three
/// inside search sync, the rest spread evenly; ten or more in all.
fn kill_points(names: &[String]) -> Vec<usize> {
    let resolve_start = names.iter().position(|n| n == "resolve-start").unwrap();
    let search_start = names.iter().position(|n| n == "search-start").unwrap();
    let mut points: Vec<usize> = (0..names.len()).step_by(names.len().div_ceil(8)).collect();
    points.extend([resolve_start, resolve_start + 1, search_start - 1]);
    points.extend(search_start..names.len());
    // A first build's name tokens: killed before they are in, and after
    // they are in but before the store's mark says so.
    if let Some(tokens) = names.iter().position(|n| n == "tokens") {
        points.extend([tokens - 1, tokens]);
    }
    points.sort_unstable();
    points.dedup();
    let in_resolution = points
        .iter()
        .filter(|&&p| p >= resolve_start && p < search_start)
        .count();
    let in_search = points.iter().filter(|&&p| p >= search_start).count();
    assert!(
        points.len() >= 10 && in_resolution >= 3 && in_search >= 3,
        "{names:?}"
    );
    points
}

/// Kills the run at each point, runs again, compares with `clean`.
/// `prepare` makes the tree and index as they were before the run.
fn crash_and_recover(prepare: impl Fn(&Path), clean: &BTreeMap<String, Value>) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    prepare(&repo);
    let names = trace(&repo, "checkpoint");
    for point in kill_points(&names) {
        fs::remove_dir_all(&repo).unwrap();
        prepare(&repo);
        let killed = index(
            &repo,
            &[("CODEGRAPH_TEST_CRASH_AT", (point + 1).to_string())],
        );
        assert_eq!(
            killed.code, None,
            "not killed at {point} ({}): {}",
            names[point], killed.stderr
        );
        let rerun = index(&repo, &[]);
        assert_eq!(rerun.code, Some(0), "{}", rerun.stderr);
        eprintln!(
            "killed at checkpoint {} of {} ({}); the next run completed it",
            point + 1,
            names.len(),
            names[point]
        );
        let recovered = answers(&repo);
        for (key, want) in clean {
            assert_eq!(
                recovered.get(key),
                Some(want),
                "{key} differs after a kill at checkpoint {} ({})",
                point + 1,
                names[point]
            );
        }
    }
}

#[test]
fn a_first_build_killed_anywhere_is_completed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    real_corpus(&repo);
    let run = index(&repo, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let clean = answers(&repo);
    assert!(clean["stats.resolved_refs"].as_u64().unwrap() > 1000);
    crash_and_recover(real_corpus, &clean);
}

/// The edits an incremental run must take in: a definition renamed (its
/// callers lose their edges), a file removed, a file added that defines
/// a name others call.
fn edit(repo: &Path) {
    let writer = repo.join("codegraph-graph/src/writer.rs");
    let text = fs::read_to_string(&writer).unwrap();
    fs::write(&writer, text.replace("fn commit(", "fn commit_batch(")).unwrap();
    fs::remove_file(repo.join("codegraph-core/src/span.rs")).unwrap();
    fs::write(
        repo.join("codegraph-core/src/added.rs"),
        "pub fn split_identifier(text: &str) -> Vec<String> { vec![text.to_string()] }\n",
    )
    .unwrap();
}

#[test]
fn an_incremental_run_killed_anywhere_is_completed_by_the_next_run() {
    let base = tempfile::tempdir().unwrap();
    let indexed = base.path().join("indexed");
    real_corpus(&indexed);
    let run = index(&indexed, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let prepare = |repo: &Path| {
        common::copy_dir(&indexed, repo);
        edit(repo);
    };

    // The same incremental run, uninterrupted: what every killed run must
    // end up answering. (Its search scores may differ from a fresh build's
    // by design — the embedder's token weights are fitted at the first
    // build — so that is the baseline, not a fresh build.)
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_repo = clean_dir.path().join("repo");
    prepare(&clean_repo);
    let run = index(&clean_repo, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let clean = answers(&clean_repo);

    // Its graph equals a fresh build of the edited tree.
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh_repo = fresh_dir.path().join("repo");
    real_corpus(&fresh_repo);
    edit(&fresh_repo);
    let run = index(&fresh_repo, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let fresh = answers(&fresh_repo);
    for (key, want) in fresh.iter().filter(|(k, _)| !k.starts_with("search")) {
        assert_eq!(clean.get(key), Some(want), "{key}");
    }

    crash_and_recover(prepare, &clean);
}

#[test]
fn a_failed_write_leaves_the_index_answering_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    real_corpus(&repo);
    let run = index(&repo, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let before = answers(&repo);
    // Which writes an incremental run makes, on a copy.
    let copy = dir.path().join("copy");
    common::copy_dir(&repo, &copy);
    edit(&copy);
    let writes = trace(&copy, "write");
    let first_graph = writes.iter().position(|w| w == "commit").unwrap() + 1;
    let first_search = writes.iter().position(|w| w.starts_with("search")).unwrap() + 1;

    edit(&repo);
    // The first write of the graph, then one of the search indexes, fail
    // as on a full disk.
    for (nth, what) in [
        (first_graph, "cannot write to the index"),
        (first_search, "cannot write the search index"),
    ] {
        let failed = codegraph(
            &repo,
            &["index", ".", "--commit-every", COMMIT_EVERY],
            &[("CODEGRAPH_TEST_FAIL_WRITE_AT", nth.to_string())],
        );
        assert_eq!(failed.code, Some(1), "{}", failed.stderr);
        let message = failed.stderr.trim();
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(
            message.contains(what) && message.contains("No space left on device"),
            "{message}"
        );
        if nth == first_graph {
            // Nothing was written: the index answers exactly as before.
            assert_eq!(answers(&repo), before);
        } else {
            // The graph is complete; search still answers.
            json(&repo, &["search", "parse a source file"]);
            assert_eq!(
                json(&repo, &["find", "commit_batch"])[0]["name"],
                "commit_batch"
            );
        }
    }
    let run = index(&repo, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut recovered = answers(&repo);
    let mut clean = answers(&copy);
    // Search is compared by the crash tests; here the graph must match.
    recovered.retain(|k, _| !k.starts_with("search"));
    clean.retain(|k, _| !k.starts_with("search"));
    assert_eq!(recovered, clean);
}

#[test]
fn a_damaged_index_names_the_command_that_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    real_corpus(&repo);
    let run = index(&repo, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    // Search's files: the vectors overwritten with garbage.
    let vectors = repo.join(".codegraph/search/vectors.usearch");
    fs::write(&vectors, b"not a vector index").unwrap();
    let search = codegraph(&repo, &["search", "parse a source file"], &[]);
    assert_eq!(search.code, Some(1), "{}", search.stdout);
    assert!(
        search.stderr.contains("codegraph index --reembed") && search.stderr.lines().count() == 1,
        "{}",
        search.stderr
    );

    // The graph's table files overwritten with garbage.
    for entry in fs::read_dir(repo.join(".codegraph")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sst") {
            fs::write(&path, vec![0x5a; 4096]).unwrap();
        }
    }
    for args in [&["find", "commit"][..], &["stats"][..], &["index", "."][..]] {
        let run = codegraph(&repo, args, &[]);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("codegraph index --rebuild")
                && run.stderr.lines().count() == 1
                && !run.stderr.contains("panicked"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let rebuilt = codegraph(&repo, &["index", ".", "--rebuild"], &[]);
    assert_eq!(rebuilt.code, Some(0), "{}", rebuilt.stderr);
    json(&repo, &["find", "commit"]);
}
