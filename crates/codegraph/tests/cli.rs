//! End-to-end: the real `codegraph` binary on a fixture repository.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;

fn fixture_repo() -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = common::fixture("repo");
    // A git repository, where .gitignore rules apply (as in ripgrep).
    fs::create_dir_all(repo.join(".git")).unwrap();
    // Ignored by the fixture's .gitignore, so it never reaches the index.
    fs::create_dir_all(repo.join("build")).unwrap();
    fs::write(
        repo.join("build/generated.py"),
        "def generated_function():\n    pass\n",
    )
    .unwrap();
    (dir, repo)
}

fn codegraph(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("codegraph").unwrap();
    cmd.current_dir(cwd);
    cmd
}

fn json(cwd: &Path, args: &[&str]) -> Value {
    let out = codegraph(cwd).args(args).arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn index(repo: &Path) -> Value {
    json(repo, &["index", "."])
}

#[test]
fn index_find_show_stats() {
    let (_dir, repo) = fixture_repo();
    let report = index(&repo);
    assert_eq!(report["files_parsed"], 3);
    assert_eq!(report["skipped"]["too_large"], 0);

    let out = codegraph(&repo).args(["index", "."]).output().unwrap();
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(
        summary.starts_with("indexed 3 files (0 parsed, 3 unchanged, 0 removed, 0 skipped):"),
        "{summary}"
    );
    assert!(summary.contains("nodes/s"), "{summary}");

    let hits = json(&repo, &["find", "parse_config"]);
    let hit = &hits[0];
    assert_eq!(hit["qualified_name"], "app.config.parse_config");
    assert_eq!(hit["kind"], "function");
    assert_eq!(hit["language"], "python");
    assert_eq!(hit["file"], "app/config.py");
    assert_eq!(
        (hit["start_line"].as_u64(), hit["end_line"].as_u64()),
        (Some(9), Some(12))
    );
    assert_eq!(hit["id"].as_str().unwrap().len(), 16);
    assert!(hit["score"].as_f64().unwrap() > 0.0);

    // Fuzzy: subwords, abbreviations, any case convention.
    let fuzzy = json(&repo, &["find", "parse_cfg"]);
    assert_eq!(fuzzy[0]["name"], "parse_config");
    assert_eq!(fuzzy[0]["match"], "fuzzy");
    let camel = json(&repo, &["find", "retry_req"]);
    assert_eq!(camel[0]["name"], "retryRequest");

    let prefix = json(&repo, &["find", "Sett", "--kind", "struct"]);
    assert_eq!(prefix.as_array().unwrap().len(), 1);
    assert_eq!(prefix[0]["qualified_name"], "Settings");
    let by_lang = json(&repo, &["find", "load", "--lang", "rust"]);
    assert_eq!(by_lang[0]["qualified_name"], "Settings::load");

    let shown = json(&repo, &["show", "Settings::load"]);
    assert_eq!(shown["kind"], "method");
    assert!(shown["source"]
        .as_str()
        .unwrap()
        .starts_with("pub fn load(path: &str) -> Settings {"));
    assert_eq!(shown["doc"], "Loads settings from `path`.");
    let edges = shown["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["direction"] == "in"
        && e["kind"] == "contains"
        && e["node"]["name"] == "Settings"));
    let refs: Vec<&str> = shown["unresolved_refs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["Settings", "read_file", "parse_settings"]);

    let partly_qualified = json(&repo, &["show", "config.parse_config"]);
    assert_eq!(
        partly_qualified["qualified_name"],
        "app.config.parse_config"
    );

    let by_id = json(&repo, &["show", hit["id"].as_str().unwrap()]);
    assert_eq!(by_id["name"], "parse_config");
    let out = codegraph(&repo)
        .args(["show", "app/config.py:999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim(),
        "codegraph: no definition spans line 999 of app/config.py"
    );
    let by_line = json(&repo, &["show", "app/config.py:11"]);
    assert_eq!(by_line["name"], "parse_config");

    let text = codegraph(&repo)
        .args(["show", "parse_config"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("function app.config.parse_config  (python)"),
        "{text}"
    );
    assert!(
        text.contains("    10 |     \"\"\"Parse the config file at path.\"\"\""),
        "{text}"
    );

    let stats = json(&repo, &["stats"]);
    assert_eq!(stats["files"], 3);
    assert_eq!(stats["schema_version"], codegraph_core::SCHEMA_VERSION);
    assert_eq!(stats["files_by_language"]["python"], 1);
    assert!(stats["nodes_by_kind"]["function"].as_u64().unwrap() >= 4);
    assert!(stats["disk_bytes"].as_u64().unwrap() > 0);

    // Gitignored files are never indexed.
    let missing = codegraph(&repo)
        .args(["find", "generated_function"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn queries_find_the_index_from_a_subdirectory_or_by_db() {
    let (dir, repo) = fixture_repo();
    index(&repo);
    let hits = json(&repo.join("src"), &["find", "Settings"]);
    assert_eq!(hits[0]["name"], "Settings");
    let elsewhere = dir.path();
    let db = repo.join(".codegraph");
    let hits = json(
        elsewhere,
        &["find", "Settings", "--db", db.to_str().unwrap()],
    );
    assert_eq!(hits[0]["name"], "Settings");
    let out = codegraph(elsewhere)
        .args(["find", "Settings"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no index found"), "{err}");
}

#[test]
fn reindex_picks_up_edits_and_deletions() {
    let (_dir, repo) = fixture_repo();
    index(&repo);
    fs::write(
        repo.join("app/config.py"),
        "def parse_settings_file(path):\n    return path\n",
    )
    .unwrap();
    fs::remove_file(repo.join("web/client.ts")).unwrap();
    let report = index(&repo);
    assert_eq!(
        (
            report["files_parsed"].as_u64(),
            report["files_unchanged"].as_u64(),
            report["files_removed"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(
        json(&repo, &["find", "parse_settings_file"])[0]["file"],
        "app/config.py"
    );
    for gone in ["ConfigError", "retryRequest"] {
        let out = codegraph(&repo).args(["find", gone]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{gone} should be gone");
    }
    let stats = json(&repo, &["stats"]);
    assert_eq!(stats["files"], 2);
    assert_eq!(stats["files_by_language"].get("typescript"), None);
}

#[test]
fn unknown_symbols_fail_with_suggestions() {
    let (_dir, repo) = fixture_repo();
    index(&repo);
    let out = codegraph(&repo)
        .args(["show", "parse_confg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no symbol named 'parse_confg'") && err.contains("did you mean: parse_config"),
        "{err}"
    );

    let out = codegraph(&repo)
        .args(["find", "zzzqqq", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["error"], "no symbol named 'zzzqqq' in the index");

    let out = codegraph(&repo)
        .args(["find", "x", "--kind", "klass"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn bad_files_are_skipped_and_counted_not_fatal() {
    let (_dir, repo) = fixture_repo();
    fs::write(repo.join("app/binary.py"), b"def a():\x00\x01\x02 pass\n").unwrap();
    fs::write(repo.join("app/latin1.py"), b"def caf\xe9():\n    pass\n").unwrap();
    fs::write(repo.join("web/bundle.min.js"), "var a=1;".repeat(4000)).unwrap();
    fs::write(
        repo.join("app/broken.py"),
        "def fine():\n    pass\n\ndef broken(:\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", repo.join("app/loop")).unwrap();
    let report = json(&repo, &["index", ".", "--max-file-size", "10000"]);
    assert_eq!(report["skipped"]["binary"], 1);
    assert_eq!(report["skipped"]["not_utf8"], 1);
    assert_eq!(report["skipped"]["too_large"], 1);
    assert_eq!(report["files_with_syntax_errors"], 1);
    assert_eq!(report["files_parsed"], 4);
    assert_eq!(json(&repo, &["find", "fine"])[0]["file"], "app/broken.py");
}

#[test]
fn bad_paths_fail_with_one_sentence() {
    let (dir, repo) = fixture_repo();
    let out = codegraph(dir.path())
        .args(["index", "does/not/exist"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim(),
        "codegraph: cannot index does/not/exist: no such file or directory"
    );
    let out = codegraph(dir.path())
        .args(["index", "repo/app/config.py"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("not a directory"));
    let out = codegraph(&repo)
        .args(["index", ".", "--json"])
        .arg("--db")
        .arg(repo.join("app/config.py"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        value["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot create index directory"),
        "{value}"
    );
}

#[test]
fn a_locked_index_is_refused_but_still_readable() {
    let (_dir, repo) = fixture_repo();
    index(&repo);
    let held = codegraph_graph::Store::open(
        &repo.join(".codegraph"),
        codegraph_graph::OpenMode::ReadWrite,
    )
    .unwrap();
    let out = codegraph(&repo).args(["index", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("locked by another running codegraph"), "{err}");
    assert_eq!(json(&repo, &["find", "Settings"])[0]["name"], "Settings");
    drop(held);
    index(&repo);
}

#[test]
fn an_index_from_a_newer_schema_is_refused() {
    let (_dir, repo) = fixture_repo();
    index(&repo);
    {
        let path = repo.join(".codegraph");
        let cfs = rocksdb::DB::list_cf(&rocksdb::Options::default(), &path).unwrap();
        let db = rocksdb::DB::open_cf(&rocksdb::Options::default(), &path, cfs).unwrap();
        let meta = db.cf_handle("meta").unwrap();
        db.put_cf(meta, b"schema_version", 99u32.to_be_bytes())
            .unwrap();
    }
    for args in [&["find", "Settings"][..], &["index", "."][..]] {
        let out = codegraph(&repo).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("written by a newer codegraph (schema 99"),
            "{err}"
        );
    }
}

/// An index from before a column family existed (schema 3 had no
/// `ref_names`) is refused by queries with the schema message, not a
/// RocksDB error, and rebuilt by `index`.
#[test]
fn an_index_from_an_older_schema_is_refused_plainly() {
    let (_dir, repo) = fixture_repo();
    index(&repo);
    {
        let path = repo.join(".codegraph");
        let cfs = rocksdb::DB::list_cf(&rocksdb::Options::default(), &path).unwrap();
        let mut db = rocksdb::DB::open_cf(&rocksdb::Options::default(), &path, cfs).unwrap();
        let meta = db.cf_handle("meta").unwrap();
        db.put_cf(meta, b"schema_version", 3u32.to_be_bytes())
            .unwrap();
        db.drop_cf("ref_names").unwrap();
    }
    let out = codegraph(&repo)
        .args(["find", "Settings"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("written by an older codegraph (schema 3")
            && err.contains("`codegraph index` rebuilds it"),
        "{err}"
    );
    // Indexing rebuilds it from scratch, and says so.
    let out = codegraph(&repo).args(["index", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.starts_with("rebuilt the index"), "{summary}");
    assert_eq!(json(&repo, &["find", "Settings"])[0]["name"], "Settings");
}
