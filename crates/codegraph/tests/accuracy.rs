//! Resolution accuracy against hand-checked expected edges.
//!
//! Each fixture under `tests/fixtures/<name>/` may carry `expected_edges.txt`
//! listing, one per line, `KIND FROM -> TO` (qualified names, or paths for
//! files) for every `calls`, `inherits`, `implements` and `imports` edge the
//! code really has. The test indexes the fixture, prints precision and recall
//! per edge kind, and requires both to be 1.0: a fixture is small enough to
//! be labelled completely, so any miss or extra is a regression to look at.
//! A line may start with `missed ` (a true edge resolution is known not to
//! find) or `spurious ` (a wrong edge it is known to add): precision and
//! recall count them against the truth, and the test still fails if the
//! index differs from the list in any other way — or stops making them.
//! Run `cargo test --release -p codegraph --test accuracy -- --nocapture`.

mod common;

use std::collections::{BTreeSet, HashMap};

use codegraph::indexer::{index, IndexConfig};
use codegraph_core::{EdgeKind, NodeId, NodeKind};
use codegraph_graph::{OpenMode, Store};

const KINDS: [EdgeKind; 4] = [
    EdgeKind::Calls,
    EdgeKind::Inherits,
    EdgeKind::Implements,
    EdgeKind::Imports,
];

/// (kind, from, to) of every resolved edge in the index.
fn actual_edges(store: &Store) -> BTreeSet<(String, String, String)> {
    let files = store.files().unwrap();
    let ids: Vec<NodeId> = files
        .iter()
        .flat_map(|(_, r)| r.node_ids.iter().copied())
        .collect();
    let nodes: HashMap<NodeId, (NodeKind, String)> = store
        .get_nodes(&ids)
        .unwrap()
        .into_iter()
        .flatten()
        .map(|n| {
            (
                n.id,
                (
                    n.kind,
                    if n.kind == NodeKind::File {
                        n.file
                    } else {
                        n.qualified_name
                    },
                ),
            )
        })
        .collect();
    let mut edges = BTreeSet::new();
    for id in &ids {
        for edge in store.out_edges(*id).unwrap() {
            let (from, (to_kind, to)) = (&nodes[&edge.from].1, &nodes[&edge.to]);
            // Structural import edges point at the import node; resolved ones at a file.
            if KINDS.contains(&edge.kind)
                && (edge.kind != EdgeKind::Imports || *to_kind == NodeKind::File)
            {
                edges.insert((edge.kind.as_str().to_string(), from.clone(), to.clone()));
            }
        }
    }
    edges
}

type EdgeSet = BTreeSet<(String, String, String)>;

/// The true edges, the known misses among them, and the known wrong edges.
fn expected_edges(text: &str) -> (EdgeSet, EdgeSet, EdgeSet) {
    let (mut truth, mut missed, mut spurious) = (EdgeSet::new(), EdgeSet::new(), EdgeSet::new());
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (mark, line) = match line.split_once(' ') {
            Some((m @ ("missed" | "spurious"), rest)) => (m, rest),
            _ => ("", line),
        };
        let (kind, rest) = line.split_once(' ').expect("KIND FROM -> TO");
        let (from, to) = rest.split_once(" -> ").expect("KIND FROM -> TO");
        let edge = (
            kind.to_string(),
            from.trim().to_string(),
            to.trim().to_string(),
        );
        match mark {
            "missed" => {
                truth.insert(edge.clone());
                missed.insert(edge);
            }
            "spurious" => {
                spurious.insert(edge);
            }
            _ => {
                truth.insert(edge);
            }
        }
    }
    (truth, missed, spurious)
}

/// Indexes fixture `name`, prints precision/recall per edge kind, and
/// fails on any edge missing from or added to its expected list.
fn check_fixture(language: &str, name: &str) {
    let (_dir, repo) = common::fixture(name);
    let (expected, missed, spurious) =
        expected_edges(&std::fs::read_to_string(repo.join("expected_edges.txt")).unwrap());
    let db = repo.join(".codegraph");
    let mut config = IndexConfig::new(repo.clone(), db.clone());
    config.progress = None;
    index(&config).unwrap();
    let actual = actual_edges(&Store::open(&db, OpenMode::ReadOnly).unwrap());

    for kind in KINDS {
        let k = kind.as_str();
        let exp: BTreeSet<_> = expected.iter().filter(|e| e.0 == k).collect();
        let act: BTreeSet<_> = actual.iter().filter(|e| e.0 == k).collect();
        let hit = exp.intersection(&act).count();
        let precision = if act.is_empty() {
            1.0
        } else {
            hit as f64 / act.len() as f64
        };
        let recall = if exp.is_empty() {
            1.0
        } else {
            hit as f64 / exp.len() as f64
        };
        println!(
            "{language:<10} {k:<10} precision {precision:.2} recall {recall:.2} ({hit} of {} found, {} expected)",
            act.len(),
            exp.len()
        );
    }
    let mut predicted: EdgeSet = expected.difference(&missed).cloned().collect();
    predicted.extend(spurious);
    let missing: Vec<_> = predicted.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&predicted).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{language}: missing: {missing:#?}\nextra: {extra:#?}"
    );
}

#[test]
fn python_edges_match_the_hand_checked_list() {
    check_fixture("python", "calls");
}

#[test]
fn typescript_edges_match_the_hand_checked_list() {
    check_fixture("typescript", "calls-ts");
}

#[test]
fn go_edges_match_the_hand_checked_list() {
    check_fixture("go", "calls-go");
}

#[test]
fn rust_edges_match_the_hand_checked_list() {
    check_fixture("rust", "calls-rs");
}

#[test]
fn java_edges_match_the_hand_checked_list() {
    check_fixture("java", "calls-java");
}

#[test]
fn javascript_edges_match_the_hand_checked_list() {
    check_fixture("javascript", "calls-js");
}

#[test]
fn c_edges_match_the_hand_checked_list() {
    check_fixture("c", "calls-c");
}

#[test]
fn cpp_edges_match_the_hand_checked_list() {
    check_fixture("cpp", "calls-cpp");
}
