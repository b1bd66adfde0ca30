//! End-to-end: cross-file resolution and the graph commands on a small
//! Python project whose call graph is known by hand.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

fn fixture() -> (tempfile::TempDir, PathBuf) {
    common::fixture("calls")
}

fn run(repo: &Path, args: &[&str]) -> (i32, Value) {
    let (code, value, _) = common::run_json(repo, args, &[]);
    (code, value)
}

fn json(repo: &Path, args: &[&str]) -> Value {
    let (code, value) = run(repo, args);
    assert_eq!(code, 0, "{args:?}: {value}");
    value
}

/// (qualified name, depth) of every hop, sorted.
fn hops(value: &Value) -> Vec<(String, u64)> {
    let mut hops: Vec<(String, u64)> = value["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["qualified_name"].as_str().unwrap().to_string(),
                h["depth"].as_u64().unwrap(),
            )
        })
        .collect();
    hops.sort();
    hops
}

fn owned(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(n, d)| (n.to_string(), *d)).collect()
}

#[test]
fn calls_resolve_through_self_imports_modules_and_files() {
    let (_dir, repo) = fixture();
    let report = json(&repo, &["index", "."]);
    assert_eq!(report["resolution"]["files"], 5);

    let callees = json(&repo, &["callees", "OrderService.place"]);
    assert_eq!(
        hops(&callees),
        owned(&[
            ("app.service.BaseService.log", 1), // self.log: inherited, same file
            ("app.service.OrderService.validate", 1), // self.validate
            ("app.store.save_all", 1),          // from .store import save_all
        ])
    );
    let save_all = callees["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "save_all")
        .unwrap();
    assert_eq!(save_all["edge"]["file"], "app/service.py");
    assert_eq!(save_all["edge"]["line"], 17);

    // util.check through the module alias, then up to the test.
    let callers = json(&repo, &["callers", "check", "--depth", "3"]);
    assert_eq!(
        hops(&callers),
        owned(&[
            ("app.service.OrderService.place", 2),
            ("app.service.OrderService.validate", 1),
            ("tests.test_service.test_place", 3),
        ])
    );

    let refs = json(&repo, &["refs", "app.store.Store"]);
    let files: Vec<&str> = refs["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["app/service.py", "app/store.py"]);

    let impact = json(&repo, &["impact", "app/util.py"]);
    assert_eq!(
        impact["tests"],
        serde_json::json!(["tests/test_service.py"])
    );
    let first = &impact["dependents"][0];
    assert_eq!(first["distance"], 1);

    // Imports link files: `from . import util`, `from app.service import ...`.
    let importers = json(&repo, &["refs", "app/util.py"]);
    let files: Vec<&str> = importers["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["app/service.py"]);
    assert_eq!(importers["files"][0]["sites"][0]["kind"], "imports");
    let importers = json(&repo, &["refs", "app/service.py"]);
    assert_eq!(importers["files"][0]["file"], "tests/test_service.py");

    let path = json(&repo, &["path", "test_place", "check"]);
    let kinds: Vec<&str> = path["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["calls", "calls", "calls"]);
    let (code, _) = run(&repo, &["path", "check", "test_place"]);
    assert_eq!(code, 1, "no path against the edges");

    let inherits = json(&repo, &["show", "OrderService"]);
    let edges = inherits["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .any(|e| e["kind"] == "inherits" && e["node"]["name"] == "BaseService"),
        "{edges:?}"
    );
}

#[test]
fn editing_a_file_re_resolves_what_pointed_into_it() {
    let (_dir, repo) = fixture();
    json(&repo, &["index", "."]);
    let before = json(&repo, &["stats"]);

    // Rename check -> verify: validate's call now resolves to nothing.
    fs::write(
        repo.join("app/util.py"),
        "def write_log(msg):\n    print(msg)\n\n\ndef verify(order):\n    return bool(order)\n",
    )
    .unwrap();
    let report = json(&repo, &["index", "."]);
    assert_eq!(report["files_parsed"], 1);
    // util.py itself and service.py, whose edges pointed into it.
    assert_eq!(report["resolution"]["files"], 2);
    let (code, _) = run(&repo, &["callers", "check"]);
    assert_eq!(code, 1);
    let callees = json(&repo, &["callees", "validate"]);
    assert!(hops(&callees).is_empty());
    // write_log is still called through util.write_log after the re-resolution.
    let callers = json(&repo, &["callers", "write_log"]);
    assert_eq!(hops(&callers), owned(&[("app.service.BaseService.log", 1)]));

    // Put it back: the graph is what it was, edge for edge.
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calls/app/util.py"),
        repo.join("app/util.py"),
    )
    .unwrap();
    json(&repo, &["index", "."]);
    let after = json(&repo, &["stats"]);
    for key in ["nodes", "edges", "refs", "resolved_refs"] {
        assert_eq!(before[key], after[key], "{key}");
    }
    assert_eq!(hops(&json(&repo, &["callers", "check"])).len(), 1);
}

#[test]
fn a_new_definition_resolves_references_made_before_it_existed() {
    let (dir, repo) = fixture();
    fs::write(
        repo.join("app/report.py"),
        "from .format import render\n\n\ndef report(order):\n    return render(order)\n",
    )
    .unwrap();
    json(&repo, &["index", ".", "--no-search"]);
    assert!(hops(&json(&repo, &["callees", "report"])).is_empty());

    // The module report.py imports from appears: the import and the call
    // made before it existed now resolve, without re-indexing report.py.
    fs::write(
        repo.join("app/format.py"),
        "def render(order):\n    return str(order)\n",
    )
    .unwrap();
    let report = json(&repo, &["index", ".", "--no-search"]);
    assert_eq!(report["files_parsed"], 1);
    assert_eq!(report["resolution"]["files"], 2, "{report}");
    assert_eq!(
        hops(&json(&repo, &["callees", "report"])),
        owned(&[("app.format.render", 1)])
    );

    // Edge for edge what a fresh index of the same tree finds.
    let fresh = dir.path().join("fresh");
    common::copy_dir(&repo, &fresh);
    fs::remove_dir_all(fresh.join(".codegraph")).unwrap();
    json(&fresh, &["index", ".", "--no-search"]);
    let (a, b) = (json(&repo, &["stats"]), json(&fresh, &["stats"]));
    for key in ["nodes", "edges", "refs", "resolved_refs"] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

#[test]
fn a_changed_tsconfig_re_resolves_aliased_imports() {
    let (_dir, repo) = common::fixture("calls-ts");
    let config = fs::read_to_string(repo.join("tsconfig.json")).unwrap();
    fs::remove_file(repo.join("tsconfig.json")).unwrap();
    json(&repo, &["index", ".", "--no-search"]);
    let names = |value: &Value| -> Vec<String> { hops(value).into_iter().map(|h| h.0).collect() };
    assert!(!names(&json(&repo, &["callees", "src/report.ts:4"])).contains(&"log".to_string()));

    // Only the config changes: no source file is parsed again, but the
    // TypeScript files are resolved again with its aliases.
    fs::write(repo.join("tsconfig.json"), config).unwrap();
    let report = json(&repo, &["index", ".", "--no-search"]);
    assert_eq!(report["files_parsed"], 0);
    assert!(names(&json(&repo, &["callees", "src/report.ts:4"])).contains(&"log".to_string()));
}

#[test]
fn a_cpp_method_declared_in_its_class_and_defined_elsewhere_is_one_symbol() {
    let (_dir, repo) = common::fixture("calls-cpp");
    json(&repo, &["index", ".", "--no-search"]);
    // Declared in shape.h, defined in shape.cpp: the definition answers.
    let (code, value) = run(&repo, &["show", "geo::Circle::area"]);
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["file"], "src/shape.cpp", "{value}");
    // A pure virtual declaration has no definition: it stays the symbol.
    let (code, value) = run(&repo, &["show", "geo::Shape::area"]);
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["file"], "src/shape.h", "{value}");
}

#[test]
fn ambiguous_symbols_list_candidates() {
    let (_dir, repo) = fixture();
    fs::write(repo.join("app/extra.py"), "def check(x):\n    return x\n").unwrap();
    json(&repo, &["index", "."]);
    let (code, value) = run(&repo, &["callers", "check"]);
    assert_eq!(code, 1);
    assert!(
        value["error"].as_str().unwrap().contains("names 2 symbols"),
        "{value}"
    );
    assert_eq!(value["candidates"].as_array().unwrap().len(), 2);
    // A qualified name picks one.
    let callers = json(&repo, &["callers", "app.util.check"]);
    assert_eq!(
        hops(&callers),
        owned(&[("app.service.OrderService.validate", 1)])
    );
}

#[test]
fn a_call_through_an_unindexed_module_stays_unresolved() {
    let (_dir, repo) = fixture();
    fs::write(repo.join("app/loader.py"), "def load(x):\n    return x\n").unwrap();
    fs::write(
        repo.join("app/reader.py"),
        "import json\n\n\ndef read(s):\n    return json.load(s)\n",
    )
    .unwrap();
    json(&repo, &["index", "."]);
    // json is not indexed: its load is not app.loader.load.
    assert!(hops(&json(&repo, &["callees", "read"])).is_empty());
    let (code, _) = run(&repo, &["callers", "app.loader.load"]);
    assert_eq!(code, 0);
}

#[test]
fn export_writes_every_node_then_its_edges_as_json_lines() {
    let (_dir, repo) = fixture();
    json(&repo, &["index", ".", "--no-search"]);
    let stats = json(&repo, &["stats"]);
    let export = |extra: &[&str]| -> Vec<Value> {
        let out = assert_cmd::Command::cargo_bin("codegraph")
            .unwrap()
            .current_dir(&repo)
            .arg("export")
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let all = export(&[]);
    let nodes: Vec<&Value> = all.iter().filter(|v| v["type"] == "node").collect();
    let edges: Vec<&Value> = all.iter().filter(|v| v["type"] == "edge").collect();
    assert_eq!(nodes.len() as u64, stats["nodes"].as_u64().unwrap());
    assert_eq!(edges.len() as u64, stats["edges"].as_u64().unwrap());
    // Every edge leaves a node already written; a call names its site.
    let ids: std::collections::HashSet<&str> =
        nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert!(edges
        .iter()
        .all(|e| ids.contains(e["from"].as_str().unwrap())));
    let calls = export(&["--edge-kind", "calls"]);
    assert!(!calls.is_empty());
    assert!(calls
        .iter()
        .filter(|v| v["type"] == "edge")
        .all(|e| e["kind"] == "calls" && e["line"].as_u64().unwrap() > 0));
    let (code, _) = run(&repo, &["export", "--edge-kind", "nonsense"]);
    assert_ne!(code, 0);
}
