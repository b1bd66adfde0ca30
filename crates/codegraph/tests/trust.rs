//! End to end, the answers a user must be able to trust: no guessed call
//! edges to built-in methods, how each edge was resolved, calls across a
//! Rust workspace's crates, one rule for what is a test, ignore files as
//! ripgrep reads them, and a closed pipe that ends a command quietly.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::json;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// `tree` of generated files.
fn owned_tree(files: &[(String, String)]) -> tempfile::TempDir {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    tree(&files)
}

fn codegraph(repo: &Path, args: &[&str]) -> std::process::Output {
    Command::new(assert_cmd::cargo::cargo_bin("codegraph"))
        .current_dir(repo)
        .args(args)
        .output()
        .unwrap()
}

fn index(repo: &Path) -> Value {
    json(repo, &["index", ".", "--no-search"])
}

/// (qualified name, resolution) of each caller of `symbol`.
fn callers(repo: &Path, symbol: &str, extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["callers", symbol];
    args.extend_from_slice(extra);
    json(repo, &args)["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["qualified_name"].as_str().unwrap().to_string(),
                h["edge"]["resolution"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const PYTHON: &[(&str, &str)] = &[
    (
        "app/writer.py",
        "class Writer:\n    def append(self, x):\n        pass\n\n    def flush_all(self):\n        pass\n",
    ),
    (
        "app/main.py",
        "from app.writer import Writer\n\n\
         def run(items, thing):\n    items.append(1)\n    word = ' x '.strip()\n    thing.flush_all()\n\n\
         def typed(w: Writer):\n    w.append(2)\n\n\
         def built():\n    w = Writer()\n    w.append(3)\n",
    ),
];

#[test]
fn builtin_methods_on_unknown_receivers_make_no_edge_and_guesses_are_opt_in() {
    let dir = tree(PYTHON);
    index(dir.path());
    // `items.append(1)` is list.append: no edge. The typed and the
    // constructed receivers resolve by their types.
    assert_eq!(
        callers(dir.path(), "Writer.append", &[]),
        pairs(&[
            ("app.main.typed", "receiver-type"),
            ("app.main.built", "receiver-type"),
        ])
    );
    // `thing.flush_all()`: the one method of that name, receiver unknown.
    // A guess: shown only when asked for, and marked as one.
    assert_eq!(callers(dir.path(), "flush_all", &[]), pairs(&[]));
    assert_eq!(
        callers(dir.path(), "flush_all", &["--guesses"]),
        pairs(&[("app.main.run", "name-only")])
    );
    // --min-confidence filters by the edge's confidence.
    assert_eq!(
        callers(dir.path(), "Writer.append", &["--min-confidence", "0.95"]),
        pairs(&[])
    );
    let out = codegraph(
        dir.path(),
        &["callers", "flush_all", "--min-confidence", "2"],
    );
    assert_eq!(out.status.code(), Some(2));
    // Every exported edge says how it was resolved.
    let export = codegraph(dir.path(), &["export"]);
    let text = String::from_utf8(export.stdout).unwrap();
    for line in text.lines().filter(|l| l.contains("\"type\":\"edge\"")) {
        let edge: Value = serde_json::from_str(line).unwrap();
        assert!(edge["resolution"].is_string(), "{line}");
    }
}

#[test]
fn calls_across_rust_workspace_crates_resolve() {
    let dir = tree(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
        (
            "crates/alpha/Cargo.toml",
            "[package]\nname = \"alpha-core\"\nversion = \"0.1.0\"\n",
        ),
        (
            "crates/alpha/src/lib.rs",
            "mod parse;\npub use parse::parse_file;\n",
        ),
        (
            "crates/alpha/src/parse.rs",
            "pub fn parse_file(path: &str) -> usize {\n    path.len()\n}\n",
        ),
        (
            "crates/beta/Cargo.toml",
            "[package]\nname = \"beta\"\nversion = \"0.1.0\"\n",
        ),
        (
            "crates/beta/src/lib.rs",
            "use alpha_core::parse_file;\n\n\
             pub fn imported() -> usize {\n    parse_file(\"a\")\n}\n\n\
             pub fn qualified() -> usize {\n    alpha_core::parse_file(\"b\")\n}\n",
        ),
    ]);
    index(dir.path());
    let mut found: Vec<String> = callers(dir.path(), "parse_file", &[])
        .into_iter()
        .map(|(name, how)| format!("{name} {how}"))
        .collect();
    found.sort();
    assert_eq!(found, ["imported import", "qualified import"]);
}

/// `scope line resolution` of each site `refs symbol` lists, sorted.
fn ref_sites(repo: &Path, symbol: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["refs", symbol];
    args.extend_from_slice(extra);
    let refs = json(repo, &args);
    let mut found: Vec<String> = refs["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["sites"].as_array().unwrap().iter())
        .map(|s| {
            format!(
                "{} {} {}",
                s["from"]["qualified_name"].as_str().unwrap(),
                s["line"],
                s["resolution"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    found
}

/// `caller resolution` of each caller of `symbol`, sorted.
fn caller_lines(repo: &Path, symbol: &str) -> Vec<String> {
    let mut found: Vec<String> = callers(repo, symbol, &[])
        .into_iter()
        .map(|(name, how)| format!("{name} {how}"))
        .collect();
    found.sort();
    found
}

#[test]
fn calls_across_js_and_ts_workspace_packages_resolve() {
    let dir = tree(&[
        (
            "package.json",
            r#"{ "private": true, "workspaces": ["packages/*"] }"#,
        ),
        (
            "tsconfig.base.json",
            r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "~shared/*": ["shared/*"] } } }"#,
        ),
        // Built entry, source in src/, a barrel re-exporting its modules.
        (
            "packages/core/package.json",
            r#"{ "name": "@acme/core", "main": "dist/index.js" }"#,
        ),
        (
            "packages/core/src/index.ts",
            "export * from './parse';\nexport { render } from './render.js';\n",
        ),
        (
            "packages/core/src/parse.ts",
            "export function parseConfig(text: string) {\n  return text.length;\n}\n",
        ),
        (
            "packages/core/src/render.ts",
            "export function render(x: number) {\n  return String(x);\n}\n",
        ),
        (
            "packages/core/src/util/strings.ts",
            "export function slug(s: string) {\n  return s;\n}\n",
        ),
        (
            "shared/log.ts",
            "export function logLine(s: string) {\n  return s;\n}\n",
        ),
        (
            "packages/app/tsconfig.json",
            r#"{ "extends": "../../tsconfig.base.json" }"#,
        ),
        (
            "packages/app/src/main.ts",
            "import { parseConfig, render } from '@acme/core';\n\
             import * as core from '@acme/core';\n\
             import { slug } from '@acme/core/util/strings';\n\
             import { logLine } from '~shared/log';\n\n\
             export function start() {\n  render(parseConfig('a'));\n  slug('b');\n  logLine('c');\n}\n\n\
             export function viaNamespace() {\n  return core.parseConfig('d');\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "parseConfig"),
        ["start import", "viaNamespace import"]
    );
    assert_eq!(caller_lines(dir.path(), "render"), ["start import"]);
    assert_eq!(caller_lines(dir.path(), "slug"), ["start import"]);
    assert_eq!(caller_lines(dir.path(), "logLine"), ["start import"]);
}

#[test]
fn ts_names_imported_through_a_barrel_file_resolve_to_their_definitions() {
    let dir = tree(&[
        (
            "src/internal.ts",
            "export * from './a';\nexport * from './more';\n",
        ),
        ("src/more.ts", "export * from './b';\n"),
        ("src/a.ts", "export function alpha() {\n  return 1;\n}\n"),
        (
            "src/b.ts",
            "export const traps = {\n  alpha() {\n    return 2;\n  },\n};\n\
             export function beta() {\n  return 3;\n}\n",
        ),
        (
            "src/main.ts",
            "import { alpha, beta } from './internal';\n\n\
             export function run() {\n  alpha();\n  beta();\n}\n",
        ),
    ]);
    index(dir.path());
    let callees = json(dir.path(), &["callees", "run", "--guesses"]);
    let mut found: Vec<String> = callees["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["file"].as_str().unwrap(),
                h["name"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    // Followed through two re-exports; the object literal's `alpha` is
    // no export.
    assert_eq!(found, ["src/a.ts alpha", "src/b.ts beta"]);
}

#[test]
fn imports_and_string_annotations_reference_the_definitions_they_name() {
    let dir = tree(&[
        ("app/__init__.py", ""),
        (
            "app/console.py",
            "class Console:\n    pass\n\nTheme = dict\n",
        ),
        (
            "app/render.py",
            "from .console import Console, Theme\n\n\
             def render(target: \"Console\") -> \"Console\":\n    return target\n",
        ),
        (
            "web/parse.ts",
            "export function parse(s: string) {\n  return s;\n}\n",
        ),
        ("web/main.ts", "import { parse } from './parse';\n"),
    ]);
    index(dir.path());
    assert_eq!(
        ref_sites(dir.path(), "app.console.Console", &[]),
        ["app.render.render 3 import", "app/render.py 1 import"]
    );
    let refs = json(dir.path(), &["refs", "parse"]);
    assert_eq!(refs["files"][0]["file"], "web/main.ts", "{refs}");
}

#[test]
fn rust_extension_trait_methods_and_macro_bodies() {
    let dir = tree(&[
        (
            "src/lib.rs",
            "pub mod free;\n\npub trait Itertools: Iterator {\n    fn combos(self, k: usize) -> usize where Self: Sized {\n        self.enumerate_all() + k\n    }\n    fn enumerate_all(self) -> usize where Self: Sized {\n        0\n    }\n    fn push(&mut self, k: usize) {}\n}\n",
        ),
        (
            "src/free.rs",
            "pub fn enumerate_all(n: usize) -> usize {\n    n\n}\n",
        ),
        (
            "tests/quick.rs",
            "use itertools::Itertools;\n\n\
             fn uses_trait() -> usize {\n    (0..5).combos(2)\n}\n\n\
             fn uses_vec() {\n    let mut v = make_list();\n    v.push(1);\n}\n\n\
             quickcheck! {\n    fn prop_helper(v: Vec<u8>) -> bool {\n        v.is_empty()\n    }\n}\n\n\
             fn prop_helper() -> bool {\n    true\n}\n",
        ),
    ]);
    index(dir.path());
    // The one method of that name, declared by a trait the file imports.
    assert_eq!(
        caller_lines(dir.path(), "combos"),
        ["tests::quick::uses_trait trait-method"]
    );
    // Unless the name is a built-in type's method: `v.push(1)` is Vec's.
    assert!(caller_lines(dir.path(), "Itertools::push").is_empty());
    // `self.f()` in a trait is a method, never the free function `f`.
    let free = callers(dir.path(), "free::enumerate_all", &["--guesses"]);
    assert!(free.is_empty(), "{free:?}");
    // A function defined inside macro arguments is no call of its namesake.
    let helper = callers(dir.path(), "prop_helper", &["--guesses"]);
    assert!(helper.is_empty(), "{helper:?}");
}

#[test]
fn rust_iterator_chains_crate_aliases_and_trait_self_calls() {
    let dir = tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"itertools\"\nversion = \"0.1.0\"\n",
        ),
        (
            "src/lib.rs",
            "pub mod free;\n\n\
             pub trait Itertools: Iterator {\n    fn dedup(self) -> usize where Self: Sized {\n        self.count()\n    }\n}\n\n\
             pub fn equal(a: usize, b: usize) -> bool {\n    a == b\n}\n\n\
             pub struct Buf;\n\n\
             impl Buf {\n    pub fn dedup(&mut self) {}\n    pub fn count(&self) -> usize {\n        0\n    }\n}\n",
        ),
        (
            "src/free.rs",
            "pub fn cloned(n: usize) -> usize {\n    n\n}\n",
        ),
        (
            "tests/t.rs",
            "use itertools as it;\nuse itertools::free::cloned;\nuse itertools::Itertools;\n\n\
             fn chain_call(v: Vec<usize>) -> usize {\n    v.iter().map(|x| x + 1).dedup()\n}\n\n\
             fn alias_call() -> bool {\n    it::equal(1, 2)\n}\n\n\
             fn member_not_import(v: Vec<usize>) -> usize {\n    v.iter().cloned().count()\n}\n\n\
             check! {\n    equal {\n        1\n    }\n}\n",
        ),
    ]);
    index(dir.path());
    // A standard iterator's `dedup` is the extension trait's, though a
    // type of the tree has a `dedup` too.
    assert_eq!(
        caller_lines(dir.path(), "Itertools::dedup"),
        ["tests::t::chain_call trait-method"]
    );
    assert!(callers(dir.path(), "Buf::dedup", &["--guesses"]).is_empty());
    // `it::equal` through `use itertools as it`; `equal { .. }` inside a
    // macro is a block, not a call.
    assert_eq!(
        callers(dir.path(), "equal", &["--guesses"]),
        pairs(&[("tests::t::alias_call", "import")])
    );
    // `x.cloned()` is a method call, not the imported function `cloned`.
    assert!(callers(dir.path(), "free::cloned", &["--guesses"]).is_empty());
    // `self.count()` in a trait's default method is the supertrait's
    // (`Iterator::count`), not a same-named method of some type.
    assert!(callers(dir.path(), "Buf::count", &["--guesses"]).is_empty());
}

#[test]
fn rust_macro_dsls_associated_types_and_generic_names() {
    let dir = tree(&[
        (
            "src/lib.rs",
            "pub mod adaptors;
pub mod index;

\
             pub trait Itertools: Iterator {\n    fn interleave(self) -> usize where Self: Sized {\n        0\n    }\n    \
             fn dedup(self) -> usize where Self: Sized {\n        0\n    }\n}\n",
        ),
        (
            "src/adaptors.rs",
            "pub struct PutBack<I>(I);\n\n\
             impl<I: Iterator> Iterator for PutBack<I> {\n    type Item = I::Item;\n    fn next(&mut self) -> Option<Self::Item> {\n        None\n    }\n}\n",
        ),
        (
            "src/index.rs",
            "use std::ops::{Add, Range};\n\n\
             pub trait IteratorIndex {\n    type Output;\n    fn index(self) -> Self::Output;\n}\n\n\
             impl IteratorIndex for Range<usize> {\n    type Output = usize;\n    fn index(self) -> Self::Output {\n        0\n    }\n}\n\n\
             impl IteratorIndex for std::ops::RangeFull {\n    type Output = u8;\n    fn index(self) -> Self::Output {\n        0\n    }\n}\n\n\
             pub fn sum<V: Add<V, Output = V>>(a: V, b: V) -> V {\n    a + b\n}\n\n\
             pub fn coalesce<Item>(item: Item) -> Item {\n    item\n}\n",
        ),
        (
            "benches/b.rs",
            "use itertools::Itertools;\n\n\
             bench_specializations! {\n    interleave {\n        {\n            let v1 = vec![0; 8];\n        }\n        v1.iter().interleave()\n    }\n    \
             dedup {\n        DoubleEndedIterator\n        {\n            let v = vec![0; 8];\n        }\n        \
             v.iter().dedup()\n    }\n}\n",
        ),
    ]);
    index(dir.path());
    // Code inside a macro's own syntax (`name { {setup} expr }`) is still
    // read as code, group by group.
    assert_eq!(
        caller_lines(dir.path(), "Itertools::interleave"),
        ["benches/b.rs trait-method"]
    );
    // Where the groups are no code as a whole (`name { Marker {setup}
    // expr }`), the code between them is read on its own.
    assert_eq!(
        caller_lines(dir.path(), "Itertools::dedup"),
        ["benches/b.rs trait-method"]
    );
    // `Self::Output` in a trait's impl names the trait's associated type
    // (as rust-analyzer has it), in an impl for a type from elsewhere too;
    // the impl's own `type Output = ..` is no target. `Self::Item` of
    // `Iterator` (not indexed) links nowhere; `Output = V` binds `Add`'s;
    // a generic parameter `Item` is no type's member `Item`.
    assert_eq!(
        ref_sites(dir.path(), "IteratorIndex::Output", &["--guesses"]),
        [
            "index::IteratorIndex::index 5 own-type",
            "index::Range::index 10 own-type",
            "index::RangeFull::index 17 own-type"
        ]
    );
    assert!(ref_sites(dir.path(), "Range::Output", &["--guesses"]).is_empty());
    assert!(ref_sites(dir.path(), "PutBack::Item", &["--guesses"]).is_empty());
    // The trait's own associated type is a definition, not a reference.
    assert!(!json(dir.path(), &["find", "IteratorIndex::Output"])
        .to_string()
        .contains("\"results\":[]"));
}

#[test]
fn rust_fields_declared_in_another_file_type_their_receivers() {
    let dir = tree(&[
        (
            "src/lib.rs",
            "mod client;\nmod pool;\n\npub struct Client<'a> {\n    pool: &'a mut pool::Pool,\n}\n",
        ),
        (
            "src/pool.rs",
            "pub struct Pool;\n\nimpl Pool {\n    pub fn checkout(&mut self) -> u32 {\n        1\n    }\n}\n\n\
             pub struct Cache;\n\nimpl Cache {\n    pub fn checkout(&mut self) -> u32 {\n        2\n    }\n}\n",
        ),
        (
            "src/client.rs",
            "use crate::Client;\n\nimpl<'a> Client<'a> {\n    pub fn send(&mut self) -> u32 {\n        self.pool.checkout()\n    }\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "Pool::checkout"),
        ["client::Client::send receiver-type"]
    );
    assert!(callers(dir.path(), "Cache::checkout", &["--guesses"]).is_empty());
}

#[test]
fn a_rust_value_named_like_a_module_is_no_path_into_it() {
    // `entry` is a loop variable and `entry` a module of the crate:
    // `entry.get()` goes through the value, `entry::get()` into the module.
    let dir = tree(&[
        (
            "src/lib.rs",
            "mod entry;\n\nuse crate::entry::Slot;\n\n\
             pub fn through_value(slots: Vec<Slot>) -> u32 {\n    for entry in slots {\n        return entry.get();\n    }\n    0\n}\n\n\
             pub fn through_path() -> u32 {\n    entry::get()\n}\n",
        ),
        (
            "src/entry.rs",
            "pub struct Slot;\n\npub fn get() -> u32 {\n    1\n}\n\n\
             pub struct Occupied;\n\nimpl Occupied {\n    pub fn get(&self) -> u32 {\n        2\n    }\n}\n\n\
             pub struct Vacant;\n\nimpl Vacant {\n    pub fn get(&self) -> u32 {\n        3\n    }\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "entry::get"),
        ["through_path own-type"]
    );
    assert!(callers(dir.path(), "Occupied::get", &["--guesses"]).is_empty());
    assert!(callers(dir.path(), "Vacant::get", &["--guesses"]).is_empty());
}

#[test]
fn rust_aliases_inherent_methods_and_test_crates() {
    // `DiGraph` is an alias of `Graph`; `Graph` has an inherent `add_node`
    // and another from its `impl Build`; each file right under `tests/` is
    // its own crate.
    let dir = tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"gr\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "src/lib.rs",
            "mod build;\n\npub use build::Build;\n\n\
             pub struct Graph<N> {\n    nodes: Vec<N>,\n}\n\n\
             pub type DiGraph<N> = Graph<N>;\n\n\
             impl<N> Graph<N> {\n    pub fn new() -> Self {\n        Graph { nodes: Vec::new() }\n    }\n\
             \x20   pub fn add_node(&mut self, n: N) -> usize {\n        self.nodes.push(n);\n        0\n    }\n}\n\n\
             pub fn node_index(i: usize) -> usize {\n    i\n}\n",
        ),
        (
            "src/build.rs",
            "use crate::Graph;\n\npub trait Build {\n    fn add_node(&mut self) -> usize;\n}\n\n\
             impl Build for Graph<()> {\n    fn add_node(&mut self) -> usize {\n        self.add_node(())\n    }\n}\n",
        ),
        (
            "tests/graph.rs",
            "use gr::node_index as n;\nuse gr::DiGraph;\n\n\
             fn fresh() {\n    let mut g = DiGraph::new();\n    g.add_node(n(1));\n}\n\n\
             fn declared(g: &mut DiGraph<u8>) {\n    g.add_node(2);\n}\n",
        ),
        (
            "tests/list.rs",
            "use gr::Graph;\n\nfn n(i: usize) -> usize {\n    i + 1\n}\n\n\
             fn plain(g: &mut Graph<usize>) {\n    g.add_node(n(3));\n}\n",
        ),
    ]);
    index(dir.path());
    // Through the alias, by path and by a value's declared type; the type's
    // own method, not its trait impl's namesake, which only the impl calls.
    assert_eq!(
        caller_lines(dir.path(), "Graph::new"),
        ["tests::graph::fresh receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Graph::add_node"),
        [
            "build::Graph::add_node own-type",
            "tests::graph::declared receiver-type",
            "tests::graph::fresh receiver-type",
            "tests::list::plain receiver-type"
        ]
    );
    assert!(callers(dir.path(), "build::Graph::add_node", &["--guesses"]).is_empty());
    // A test crate's `n` is its own: another test crate's `n` is not what
    // `use gr::node_index as n` names; `node_index` is.
    assert_eq!(
        caller_lines(dir.path(), "node_index"),
        ["tests::graph::fresh import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "tests::list::n"),
        ["tests::list::plain same-file"]
    );
}

#[test]
fn names_renamed_on_import_are_called_by_the_names_they_were_defined_as() {
    let dir = tree(&[
        ("app/__init__.py", ""),
        (
            "app/core.py",
            "def asdict(x):\n    return x\n\nclass Command:\n    pass\n",
        ),
        (
            "app/api.py",
            "from .core import asdict as _asdict, Command as Base\n\n\
             def asdict(x):\n    return _asdict(x)\n\n\
             def make():\n    return Base()\n",
        ),
        (
            "web/core.ts",
            "export function build(): number {\n  return 1;\n}\n",
        ),
        (
            "web/use.ts",
            "import { build as make } from './core';\n\n\
             export function go(): number {\n  return make();\n}\n",
        ),
    ]);
    index(dir.path());
    // The imported `asdict`, not the file's own `asdict` that calls it.
    assert_eq!(
        caller_lines(dir.path(), "app.core.asdict"),
        ["app.api.asdict import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "app.core.Command"),
        ["app.api.make import"]
    );
    assert_eq!(caller_lines(dir.path(), "build"), ["go import"]);
}

#[test]
fn one_name_imported_under_two_names_reaches_each_its_own_module() {
    // `build as make_new` and `build as make_old` both stand for `build`:
    // each call goes to the module its own import names, and a call of a
    // directly imported `build` after them is still the direct one's.
    let dir = tree(&[
        ("app/__init__.py", ""),
        ("app/new.py", "def build():\n    return 1\n"),
        ("app/old.py", "def build():\n    return 0\n"),
        ("app/direct.py", "def build():\n    return 2\n"),
        (
            "app/use.py",
            "from .new import build as make_new\n\
             from .old import build as make_old\n\n\
             def fresh():\n    return make_new()\n\n\
             def stale():\n    return make_old()\n\n\
             def fresh_again():\n    return make_new()\n",
        ),
        (
            "app/mixed.py",
            "from .direct import build\n\
             from .new import build as make_new\n\
             from .old import build as make_old\n\n\
             def a():\n    return make_old()\n\n\
             def b():\n    return build()\n\n\
             def c():\n    return make_new()\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "app.new.build"),
        [
            "app.mixed.c import",
            "app.use.fresh import",
            "app.use.fresh_again import"
        ]
    );
    assert_eq!(
        caller_lines(dir.path(), "app.old.build"),
        ["app.mixed.a import", "app.use.stale import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "app.direct.build"),
        ["app.mixed.b import"]
    );
}

#[test]
fn a_name_defined_hundreds_of_times_still_reaches_the_files_own_definition() {
    // 600 modules each define `state` and call it: more definitions than
    // one lookup reads, so most files' own `state` is not among those read.
    let texts: Vec<(String, String)> = (0..600)
        .map(|i| {
            (
                format!("m{i}.py"),
                format!("def state():\n    return {i}\n\ndef use_{i}():\n    return state()\n"),
            )
        })
        .collect();
    let dir = owned_tree(&texts);
    index(dir.path());
    for i in (0..600).step_by(25) {
        let found: Vec<String> = callers(dir.path(), &format!("m{i}.state"), &[])
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(found, [format!("m{i}.use_{i}")], "m{i}.py");
    }
}

#[test]
fn a_name_defined_hundreds_of_times_reaches_the_definition_that_runs() {
    // The same where each module defines `state` twice, the second
    // replacing the first: the call reaches the one that runs.
    let texts: Vec<(String, String)> = (0..400)
        .map(|i| {
            (
                format!("m{i}.py"),
                format!(
                    "def state():\n    return 0\n\ndef state():\n    return {i}\n\n\
                     def use_{i}():\n    return state()\n"
                ),
            )
        })
        .collect();
    let dir = owned_tree(&texts);
    index(dir.path());
    for i in (0..400).step_by(40) {
        let callees = json(dir.path(), &["callees", &format!("m{i}.use_{i}")]);
        let found: Vec<String> = callees["hops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| format!("{}:{}", h["file"].as_str().unwrap(), h["start_line"]))
            .collect();
        assert_eq!(found, [format!("m{i}.py:4")], "m{i}.py");
    }
}

#[test]
fn rust_tuple_variant_patterns_type_the_names_they_bind() {
    // In each arm (and `if let`), `entry` has the type of that variant's
    // field: the two arms' `entry.index()` are two different methods.
    let dir = tree(&[
        (
            "src/entry.rs",
            "pub struct OccupiedEntry<'a> {\n    v: &'a u8,\n}\n\n\
             impl<'a> OccupiedEntry<'a> {\n    pub fn index(&self) -> usize {\n        0\n    }\n}\n\n\
             pub struct VacantEntry {\n    k: u8,\n}\n\n\
             impl VacantEntry {\n    pub fn index(&self) -> usize {\n        1\n    }\n\
             \x20   pub fn insert(self) -> u8 {\n        1\n    }\n}\n\n\
             pub enum Entry<'a> {\n    Occupied(OccupiedEntry<'a>),\n    Vacant(VacantEntry),\n}\n",
        ),
        (
            "src/lib.rs",
            "mod entry;\n\nuse crate::entry::Entry;\n\n\
             pub fn occupied(e: Entry) -> usize {\n    match e {\n        Entry::Occupied(ref entry) => entry.index(),\n        _ => 0,\n    }\n}\n\n\
             pub fn vacant(e: Entry) -> usize {\n    match e {\n        Entry::Vacant(entry) => entry.index(),\n        _ => 0,\n    }\n}\n\n\
             pub fn fill(e: Entry) -> u8 {\n    if let Entry::Vacant(mut slot) = e {\n        return slot.insert();\n    }\n    0\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "OccupiedEntry::index"),
        ["occupied receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "VacantEntry::index"),
        ["vacant receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "VacantEntry::insert"),
        ["fill receiver-type"]
    );
}

#[test]
fn rust_types_named_like_std_ones_and_built_variants_have_their_methods() {
    // The crate's own `HashMap` (hashbrown's) is not std's: `m.len()` is
    // its method. `Left(2)` and a `match` whose arms build variants are
    // values of the enum. A std `HashMap` imported from std is still std's.
    let dir = tree(&[
        (
            "src/map.rs",
            "pub struct HashMap {\n    n: usize,\n}\n\n\
             impl HashMap {\n    pub fn new() -> Self {\n        HashMap { n: 0 }\n    }\n\
             \x20   pub fn len(&self) -> usize {\n        self.n\n    }\n}\n",
        ),
        (
            "src/either.rs",
            "pub enum Either {\n    Left(u8),\n    Right(u8),\n}\n\n\
             pub use Either::{Left, Right};\n\n\
             impl Either {\n    pub fn flip(self) -> Either {\n        self\n    }\n}\n",
        ),
        (
            "src/lib.rs",
            "mod either;\nmod map;\n\nuse crate::either::{Left, Right};\nuse crate::map::HashMap;\n\n\
             pub fn size() -> usize {\n    let m = HashMap::new();\n    assert_eq!(m.len(), 0);\n    m.len()\n}\n\n\
             pub fn built() -> u8 {\n    let e = Left(2);\n    e.flip();\n    0\n}\n\n\
             pub fn matched(k: u8) -> u8 {\n    let e = match k {\n        0 => Left(0),\n        _ => Right(k),\n    };\n    e.flip();\n    0\n}\n",
        ),
        (
            "src/other.rs",
            "use std::collections::HashMap;\n\n\
             pub fn std_size() -> usize {\n    let m: HashMap<u8, u8> = HashMap::new();\n    m.len()\n}\n",
        ),
        // A dependency's `HashMap` is not the tree's either.
        (
            "src/dep_user.rs",
            "use dep::HashMap;\n\npub fn dep_size(m: &HashMap) -> usize {\n    m.len()\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "HashMap::len"),
        ["size receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Either::flip"),
        ["built receiver-type", "matched receiver-type"]
    );
}

#[test]
fn rust_receivers_of_the_file_s_own_types_and_std_paths() {
    // map.rs and set.rs each define an `Iter`: map.rs's `Keys` wraps
    // map.rs's. `set::Iter` wraps std's `slice::Iter`, whose `len` is
    // std's, never the file's own `Iter::len`. A function written twice
    // under exclusive `#[cfg]`s is one, found through a glob import; a bare
    // variant pattern is of the enum its import names. A typed `static` is
    // typed wherever used; `crate::map::Iter` in set.rs is map.rs's.
    let dir = tree(&[
        ("src/lib.rs", "pub mod consts;\npub mod map;\npub mod set;\n"),
        (
            "src/consts.rs",
            "use crate::map::Iter;\n\npub static FIRST: Iter = Iter { n: 1 };\n\n\
             pub fn first() -> usize {\n    FIRST.len()\n}\n",
        ),
        (
            "src/map.rs",
            "pub struct Iter {\n    n: usize,\n}\n\n\
             impl Iter {\n    pub fn len(&self) -> usize {\n        self.n\n    }\n}\n\n\
             pub struct Keys {\n    inner: Iter,\n}\n\n\
             impl Keys {\n    pub fn len(&self) -> usize {\n        self.inner.len()\n    }\n}\n\n\
             #[cfg(not(feature = \"nightly\"))]\npub fn make_hash(v: u8) -> u64 {\n    v as u64\n}\n\n\
             #[cfg(feature = \"nightly\")]\npub fn make_hash(v: u8) -> u64 {\n    v as u64\n}\n\n\
             pub struct Slot {\n    v: u8,\n}\n\n\
             impl Slot {\n    pub fn take(self) -> u8 {\n        self.v\n    }\n}\n\n\
             pub enum Entry {\n    Full(Slot),\n    Empty,\n}\n",
        ),
        (
            "src/set.rs",
            "use core::slice;\nuse crate::map::*;\n\n\
             pub struct Iter<'a> {\n    iter: slice::Iter<'a, u8>,\n}\n\n\
             impl<'a> Iter<'a> {\n    pub fn len(&self) -> usize {\n        self.iter.len()\n    }\n}\n\n\
             pub fn hash() -> u64 {\n    make_hash(1)\n}\n\n\
             pub struct Wrap {\n    inner: crate::map::Iter,\n}\n\n\
             impl Wrap {\n    pub fn size(&self) -> usize {\n        self.inner.len()\n    }\n}\n\n\
             mod tests {\n    use crate::map::Entry::{Empty, Full};\n\n\
             \x20   fn drain(e: crate::map::Entry) -> u8 {\n        match e {\n            Full(slot) => slot.take(),\n            Empty => 0,\n        }\n    }\n}\n",
        ),
        (
            "src/other.rs",
            "pub enum Other {\n    Full(u8),\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "map::Iter::len"),
        [
            "consts::first receiver-type",
            "map::Keys::len receiver-type",
            "set::Wrap::size receiver-type"
        ]
    );
    assert!(callers(dir.path(), "set::Iter::len", &["--guesses"]).is_empty());
    assert_eq!(
        caller_lines(dir.path(), "src/map.rs:22"),
        ["set::hash import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Slot::take"),
        ["set::tests::drain receiver-type"]
    );
}

#[test]
fn rust_for_loops_bind_the_walked_value_s_items() {
    // `for e in g.edges(1)` walks an `Edges`, whose `Iterator` impl says
    // its items are `EdgeRef`s; `for e in g` goes through `&Graph`'s
    // `IntoIterator`. Another module's `EdgeRef` never qualifies.
    let dir = tree(&[
        ("src/lib.rs", "pub mod graph;\npub mod other;\n"),
        (
            "src/graph.rs",
            "pub struct EdgeRef {\n    s: u32,\n}\n\n\
             impl EdgeRef {\n    pub fn source(&self) -> u32 {\n        self.s\n    }\n}\n\n\
             pub struct Edges {\n    i: u32,\n}\n\n\
             impl Iterator for Edges {\n    type Item = EdgeRef;\n\n\
             \x20   fn next(&mut self) -> Option<EdgeRef> {\n        None\n    }\n}\n\n\
             pub struct Graph {\n    n: u32,\n}\n\n\
             impl Graph {\n    pub fn edges(&self, a: u32) -> Edges {\n        Edges { i: a }\n    }\n}\n\n\
             impl<'a> IntoIterator for &'a Graph {\n    type Item = EdgeRef;\n    type IntoIter = Edges;\n\n\
             \x20   fn into_iter(self) -> Edges {\n        self.edges(0)\n    }\n}\n\n\
             pub fn walk(g: &Graph) -> u32 {\n    let mut t = 0;\n    for e in g.edges(1) {\n        t += e.source();\n    }\n    t\n}\n\n\
             pub fn walk_all(g: &Graph) -> u32 {\n    let mut t = 0;\n    for e in g {\n        t += e.source();\n    }\n    t\n}\n",
        ),
        (
            "src/other.rs",
            "pub struct EdgeRef;\n\nimpl EdgeRef {\n    pub fn source(&self) -> u32 {\n        0\n    }\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "graph::EdgeRef::source"),
        ["graph::walk receiver-type", "graph::walk_all receiver-type"]
    );
    assert!(callers(dir.path(), "other::EdgeRef::source", &["--guesses"]).is_empty());
}

#[test]
fn rust_collections_hand_their_element_type_to_loops_and_closures() {
    // `items: Vec<Foo>` and `xs: &[Foo]`, and calls returning `impl
    // Iterator<Item = &Foo>` or `Vec<Foo>`: a loop over them, or an
    // adaptor's closure on their iterator, binds a `Foo`.
    let dir = tree(&[(
        "src/lib.rs",
        "pub struct Foo {\n    n: u32,\n}\n\n\
         impl Foo {\n    pub fn size(&self) -> u32 {\n        self.n\n    }\n}\n\n\
         pub struct Bag {\n    items: Vec<Foo>,\n}\n\n\
         impl Bag {\n    pub fn total(&self) -> u32 {\n        let mut t = 0;\n\
         \x20       for f in &self.items {\n            t += f.size();\n        }\n        t\n    }\n\n\
         \x20   pub fn big(&self) -> usize {\n        self.items.iter().rev().filter(|f| f.size() > 3).count()\n    }\n}\n\n\
         pub fn sum(xs: &[Foo]) -> u32 {\n    xs.iter().map(|x| x.size()).sum()\n}\n\n\
         impl Bag {\n    pub fn all(&self) -> impl Iterator<Item = &Foo> + '_ {\n        self.items.iter()\n    }\n\n\
         \x20   pub fn list(&self) -> Vec<Foo> {\n        Vec::new()\n    }\n}\n\n\
         pub fn walk(b: &Bag) -> u32 {\n    let mut t = 0;\n    for f in b.all() {\n        t += f.size();\n    }\n    t\n}\n\n\
         pub fn listed(b: &Bag) -> u32 {\n    b.list().iter().map(|f| f.size()).sum()\n}\n",
    )]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "Foo::size"),
        [
            "Bag::big receiver-type",
            "Bag::total receiver-type",
            "listed receiver-type",
            "sum receiver-type",
            "walk receiver-type"
        ]
    );
}

#[test]
fn rust_if_branches_type_their_let_and_macro_tokens_keep_their_receiver() {
    // `let r = if c { Left(1) } else { Right(2) }` is an `Either`. Among a
    // macro's tokens that do not parse as an expression, `inner.seek(0)`
    // is a method call on `inner`, never the free function `seek`.
    let dir = tree(&[(
        "src/lib.rs",
        "pub enum Either {\n    Left(u8),\n    Right(u8),\n}\n\n\
         pub use Either::{Left, Right};\n\n\
         impl Either {\n    pub fn flip(self) -> Either {\n        self\n    }\n}\n\n\
         macro_rules! both {\n    ($v:expr, $p:pat => $r:expr) => {\n        match $v {\n            $p => $r,\n        }\n    };\n}\n\n\
         pub fn pick(c: bool) -> Either {\n    let r = if c { Left(1) } else { Right(2) };\n    r.flip()\n}\n\n\
         pub fn seek() -> u8 {\n    0\n}\n\n\
         pub fn wrapped(x: u8) -> u8 {\n    both!(x, inner => inner.seek(0))\n}\n",
    )]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "Either::flip"),
        ["pick receiver-type"]
    );
    assert!(callers(dir.path(), "seek", &["--guesses"]).is_empty());
}

#[test]
fn rust_imports_through_inline_modules_reach_the_re_exported_item() {
    // `pg::graph` is an inline module re-exporting `graph_impl`'s
    // `node_index`; `matrix` has a function of the same name.
    let dir = tree(&[
        ("Cargo.toml", "[package]\nname = \"pg\"\nversion = \"0.1.0\"\n"),
        (
            "src/lib.rs",
            "mod graph_impl;\nmod matrix;\n\npub mod graph {\n    pub use crate::graph_impl::node_index;\n}\n",
        ),
        ("src/graph_impl.rs", "pub fn node_index(i: usize) -> usize {\n    i\n}\n"),
        ("src/matrix.rs", "pub fn node_index(i: usize) -> usize {\n    i\n}\n"),
        (
            "tests/graph.rs",
            "use pg::graph::node_index as n;\n\n#[test]\nfn t() {\n    n(1);\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "graph_impl::node_index"),
        ["tests::graph::t import"]
    );
    assert!(callers(dir.path(), "matrix::node_index", &["--guesses"]).is_empty());
}

#[test]
fn rust_types_imported_by_relative_paths_are_that_module_s() {
    // `map` and `set` each have a `Slice`; `self::` and `super::` imports
    // say which one a file means.
    let dir = tree(&[
        ("src/lib.rs", "pub mod map;\npub mod set;\n"),
        (
            "src/map.rs",
            "mod iter;\nmod slice;\n\npub use self::slice::Slice;\n\n\
             pub fn as_slice() -> usize {\n    Slice::from_slice()\n}\n",
        ),
        (
            "src/map/slice.rs",
            "pub struct Slice;\n\nimpl Slice {\n    pub fn from_slice() -> usize {\n        0\n    }\n\
             \x20   pub fn width(&self) -> usize {\n        0\n    }\n}\n",
        ),
        (
            "src/map/iter.rs",
            "use super::Slice;\n\npub fn measure(s: &Slice) -> usize {\n    s.width()\n}\n",
        ),
        ("src/set.rs", "mod slice;\n\npub use self::slice::Slice;\n"),
        (
            "src/set/slice.rs",
            "pub struct Slice;\n\nimpl Slice {\n    pub fn from_slice() -> usize {\n        1\n    }\n\
             \x20   pub fn width(&self) -> usize {\n        1\n    }\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "map::slice::Slice::from_slice"),
        ["map::as_slice own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "map::slice::Slice::width"),
        ["map::iter::measure receiver-type"]
    );
    assert!(callers(dir.path(), "set::slice::Slice::from_slice", &["--guesses"]).is_empty());
    assert!(callers(dir.path(), "set::slice::Slice::width", &["--guesses"]).is_empty());
}

#[test]
fn ts_type_aliases_reach_the_type_they_name() {
    let dir = tree(&[
        (
            "src/store.ts",
            "export class BaseStore<S> {\n  dispatch(action: S): void {}\n}\n\n\
             export type Store = BaseStore<string>;\n",
        ),
        (
            "src/app.ts",
            "import { Store } from './store';\n\n\
             export function run(store: Store) {\n  store.dispatch('go');\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "BaseStore.dispatch"),
        ["run receiver-type"]
    );
}

#[test]
fn python_functions_and_classes_used_as_values_are_referenced() {
    let dir = tree(&[
        ("app/__init__.py", ""),
        (
            "app/errors.py",
            "class UsageError(Exception):\n    pass\n\nclass Source:\n    DEFAULT = 1\n",
        ),
        (
            "app/core.py",
            "import typing as t\n\
             from .errors import UsageError, Source\n\
             def sort_key(item):\n    return item\n\
             def order(items, sort_key=None):\n    return sorted(items, key=sort_key)\n\
             def table():\n    return {\"key\": sort_key}\n\
             def run(p: t.Optional[\"Source\"] = None) -> t.List[UsageError]:\n    pass\n\
             def guard():\n\
             \x20   try:\n        return [s for s in [1] if s == Source.DEFAULT]\n\
             \x20   except UsageError:\n        return [sort_key]\n\
             def local(items):\n    return [sort_key for sort_key in items]\n",
        ),
    ]);
    index(dir.path());
    // Passed or stored by name; a parameter or a loop variable of that
    // name is not it.
    assert_eq!(
        ref_sites(dir.path(), "app.core.sort_key", &[]),
        ["app.core.guard 15 same-file", "app.core.table 8 same-file"]
    );
    // Named inside annotations at any depth (forward references too),
    // caught, reached through.
    assert_eq!(
        ref_sites(dir.path(), "app.errors.UsageError", &[]),
        [
            "app.core.guard 14 import",
            "app.core.run 9 import",
            "app/core.py 2 import"
        ]
    );
    assert_eq!(
        ref_sites(dir.path(), "app.errors.Source", &[]),
        [
            "app.core.guard 13 import",
            "app.core.run 9 import",
            "app/core.py 2 import"
        ]
    );
}

#[test]
fn ts_reexports_and_functions_used_as_values_are_referenced() {
    let dir = tree(&[
        (
            "src/util.ts",
            "export function identity<T>(x: T): T {\n  return x;\n}\n\
             export class Subscriber {}\n",
        ),
        ("src/index.ts", "export { identity, Subscriber as Sub } from './util';\n"),
        (
            "src/use.ts",
            "import { identity, Subscriber } from './util';\n\
             export function each(xs: number[]) {\n  return xs.map(identity);\n}\n\
             export function test(x: unknown) {\n  return x instanceof Subscriber;\n}\n\
             export function own(identity: (x: number) => number) {\n  return [1].map(identity);\n}\n\
             export const table = { identity };\n",
        ),
    ]);
    index(dir.path());
    // Passed, stored in an object, re-exported; a parameter of the same
    // name is not it.
    assert_eq!(
        ref_sites(dir.path(), "identity", &[]),
        [
            "each 3 import",
            "src/index.ts 1 import",
            "src/use.ts 1 import",
            "table 11 import"
        ]
    );
    assert_eq!(
        ref_sites(dir.path(), "Subscriber", &[]),
        [
            "src/index.ts 1 import",
            "src/use.ts 1 import",
            "test 6 import"
        ]
    );
}

#[test]
fn rust_field_chains_across_files_wrappers_and_type_paths() {
    let dir = tree(&[
        (
            "src/lib.rs",
            "mod scheme;\nmod uri;\nmod group;\n",
        ),
        (
            "src/scheme.rs",
            "pub struct Scheme {\n    pub inner: Scheme2,\n}\n\n\
             pub enum Scheme2 {\n    None,\n}\n\n\
             impl Scheme2 {\n    pub fn is_none(&self) -> bool {\n        true\n    }\n}\n",
        ),
        (
            "src/uri.rs",
            "use crate::scheme::Scheme;\n\n\
             pub struct Uri {\n    scheme: Scheme,\n}\n\n\
             impl Uri {\n    pub fn has_scheme(&self) -> bool {\n        !self.scheme.inner.is_none()\n    }\n}\n",
        ),
        (
            "src/group.rs",
            "use std::cell::RefCell;\n\n\
             struct Inner;\n\n\
             impl Inner {\n    fn step(&mut self) -> u32 {\n        1\n    }\n}\n\n\
             pub struct Group {\n    inner: RefCell<Inner>,\n}\n\n\
             impl Group {\n    pub fn new() -> Group {\n        Group { inner: RefCell::new(Inner) }\n    }\n\n\
             \x20   pub fn next(&self) -> u32 {\n        self.inner.borrow_mut().step()\n    }\n}\n\n\
             pub struct Item;\n\n\
             pub fn make<Item: Clone>(x: Item) -> u32 {\n    let _ = x;\n    Group::new().next()\n}\n",
        ),
    ]);
    index(dir.path());
    // Through a field of a field declared in another file.
    assert_eq!(
        caller_lines(dir.path(), "Scheme2::is_none"),
        ["uri::Uri::has_scheme receiver-type"]
    );
    // Through `RefCell::borrow_mut`, which hands back what it wraps.
    assert_eq!(
        caller_lines(dir.path(), "group::Inner::step"),
        ["group::Group::next receiver-type"]
    );
    // `Group::new()` references the type it goes through; the generic
    // parameter `Item` is not the struct of that name.
    let group = ref_sites(dir.path(), "group::Group", &[]);
    assert!(
        group.iter().any(|s| s.starts_with("group::make ")),
        "{group:?}"
    );
    assert_eq!(
        ref_sites(dir.path(), "group::Item", &[]),
        Vec::<String>::new()
    );
}

#[test]
fn rust_bench_and_test_targets_add_nothing_to_the_library() {
    let dir = tree(&[
        (
            "src/lib.rs",
            "mod fill;\n\npub struct SmallVec;\n\n\
             impl SmallVec {\n    pub fn push(&mut self) {}\n}\n",
        ),
        (
            "src/fill.rs",
            "use crate::SmallVec;\n\n\
             pub fn fill(v: &mut SmallVec) {\n    v.push();\n}\n",
        ),
        (
            "benches/bench.rs",
            "use smallvec::SmallVec;\n\n\
             trait Vector {\n    fn push(&mut self);\n}\n\n\
             impl Vector for SmallVec {\n    fn push(&mut self) {}\n}\n\n\
             fn run(v: &mut SmallVec) {\n    Vector::push(v);\n}\n",
        ),
    ]);
    index(dir.path());
    // The library's call reaches the library's method only: the bench is
    // a crate of its own.
    let reached: Vec<String> = json(dir.path(), &["callees", "fill::fill", "--guesses"])["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hop| hop["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reached, ["src/lib.rs"]);
}

#[test]
fn python_package_names_mean_what_the_package_init_imports() {
    let dir = tree(&[
        ("cli/__init__.py", "from .core import Option as Option\n"),
        ("cli/core.py", "class Option:\n    pass\n"),
        ("cli/parser.py", "class Option:\n    pass\n"),
        (
            "app.py",
            "import cli\nfrom cli import Option\n\n\
             def through_package():\n    return cli.Option()\n\n\
             def imported():\n    return Option()\n",
        ),
    ]);
    index(dir.path());
    // Two modules define `Option`; the package's name is core's, the
    // one its `__init__.py` imports.
    assert_eq!(
        caller_lines(dir.path(), "cli.core.Option"),
        ["app.imported import", "app.through_package import"]
    );
    assert!(callers(dir.path(), "cli.parser.Option", &["--guesses"]).is_empty());
}

#[test]
fn python_locals_shadow_module_definitions() {
    let dir = tree(&[(
        "app.py",
        "class C:\n    pass\n\n\
         def make():\n    C = dict\n    return C(a=1)\n\n\
         def take(C):\n    return C()\n\n\
         def loop(items):\n    for C in items:\n        C()\n\n\
         def real():\n    return C()\n",
    )]);
    index(dir.path());
    // Only `real` calls the class: the others call a local of that name.
    assert_eq!(caller_lines(dir.path(), "app.C"), ["app.real same-file"]);
}

#[test]
fn ts_parameters_of_function_types_bind_nothing() {
    let dir = tree(&[
        (
            "src/reaction.ts",
            "export class Reaction {\n  track(f: () => void) {}\n}\n\
             export interface IPublic {\n  dispose(): void;\n}\n",
        ),
        (
            "src/api.ts",
            "import { Reaction, IPublic } from './reaction';\n\n\
             export function reaction(expression: (r: IPublic) => void) {\n  const r = new Reaction();\n  r.track(() => {});\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "track"),
        ["reaction receiver-type"]
    );
}

#[test]
fn private_class_members_are_called_and_typed() {
    let dir = tree(&[(
        "src/client.ts",
        "export class Cache {\n  find(k: string) {\n    return k;\n  }\n}\n\
         export class Client {\n  #cache: Cache;\n  #other = new Cache();\n\
           constructor() {\n    this.#cache = new Cache();\n  }\n\
           #dispatch(x: string) {\n    return this.#cache.find(x);\n  }\n\
           run() {\n    this.#dispatch('a');\n    this.#other.find('b');\n  }\n}\n",
    )]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "#dispatch"),
        ["Client.run own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Cache.find"),
        ["Client.#dispatch receiver-type", "Client.run receiver-type"]
    );
}

#[test]
fn files_parsed_by_another_extractor_are_parsed_again() {
    let dir = tree(&[
        ("a.py", "def f():\n    return 1\n"),
        ("b.py", "def g():\n    f()\n"),
    ]);
    let repo = dir.path();
    index(repo);
    // As another codegraph version would have left it.
    {
        let store = codegraph_graph::Store::open(
            &repo.join(".codegraph"),
            codegraph_graph::OpenMode::ReadWrite,
        )
        .unwrap();
        let mut writer = codegraph_graph::IndexWriter::new(&store).unwrap();
        writer.set_extractor("0.0.0-older");
        writer.commit().unwrap();
    }
    let report = index(repo);
    assert_eq!(report["reparsed_all"], true, "{report}");
    assert_eq!(report["files_parsed"], 2, "{report}");
    // And then not again.
    let report = index(repo);
    assert_eq!(report["reparsed_all"], false, "{report}");
    assert_eq!(report["files_parsed"], 0, "{report}");
}

#[test]
fn rust_same_named_methods_of_several_trait_impls_are_guesses() {
    let dir = tree(&[(
        "src/lib.rs",
        "pub struct Bytes(Vec<u8>);\n\n\
         impl From<Vec<u8>> for Bytes {\n    fn from(v: Vec<u8>) -> Bytes {\n        Bytes(v)\n    }\n}\n\n\
         impl From<String> for Bytes {\n    fn from(s: String) -> Bytes {\n        Bytes(s.into_bytes())\n    }\n}\n\n\
         pub fn make<T: Into<String>>(t: T) -> Bytes {\n    Bytes::from(t.into())\n}\n",
    )]);
    index(dir.path());
    // Which `from` runs depends on the argument's type, which the file
    // does not show here: no default edge...
    let calls = json(dir.path(), &["callees", "make"]);
    let names: Vec<&str> = calls["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"from"), "{calls}");
    // ...and both, marked, when guesses are asked for.
    let all = json(dir.path(), &["callees", "make", "--guesses"]);
    let ambiguous = all["hops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["name"] == "from" && h["edge"]["resolution"] == "ambiguous")
        .count();
    assert_eq!(ambiguous, 2, "{all}");
}

#[test]
fn values_returned_by_calls_take_the_declared_return_type_in_rust_and_ts() {
    let dir = tree(&[
        (
            "src/lib.rs",
            "pub struct Pool;\npub struct Conn;\n\n\
             impl Pool {\n    pub fn get(&self) -> Conn {\n        Conn\n    }\n}\n\n\
             impl Conn {\n    pub fn query(&self) -> usize {\n        1\n    }\n}\n\n\
             pub fn open() -> Pool {\n    Pool\n}\n\n\
             pub fn run() -> usize {\n    let pool = open();\n    let conn = pool.get();\n    conn.query()\n}\n\n\
             pub fn chained() -> usize {\n    open().get().query()\n}\n",
        ),
        (
            "web/client.ts",
            "export class Session {\n  send(): number {\n    return 1;\n  }\n}\n\n\
             export function connect(): Session {\n  return new Session();\n}\n\n\
             export function main() {\n  const s = connect();\n  return s.send();\n}\n",
        ),
    ]);
    index(dir.path());
    // Followed through a chain, `pool` from `open()`, `conn` from its
    // `get()`, and through one with no locals at all.
    assert_eq!(
        caller_lines(dir.path(), "Conn::query"),
        ["chained receiver-type", "run receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Pool::get"),
        ["chained receiver-type", "run receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Session.send"),
        ["main receiver-type"]
    );
}

#[test]
fn member_reads_through_known_types_reference_properties() {
    let dir = tree(&[(
        "app.py",
        "class Term:\n    @property\n    def size(self):\n        return 80\n\n    def wide(self):\n        return self.size > 100\n\n\
         def width(term: Term):\n    return term.size\n\n\
         def unknown(x):\n    return x.size\n",
    )]);
    index(dir.path());
    assert_eq!(
        ref_sites(dir.path(), "Term.size", &[]),
        ["app.Term.wide 7 own-type", "app.width 10 receiver-type"]
    );
}

#[test]
fn rust_generic_parameters_have_their_trait_bounds_methods() {
    let dir = tree(&[(
        "src/lib.rs",
        "pub trait Store {\n    fn save(&self, k: u32);\n    fn load(&self) -> u32 {\n        0\n    }\n}\n\n\
         pub fn put<S: Store>(s: S) {\n    s.save(1);\n}\n\n\
         pub fn get<S>(s: &S) -> u32\nwhere\n    S: Store,\n{\n    s.load()\n}\n\n\
         pub struct Cached<S> {\n    inner: S,\n}\n\n\
         impl<S: Store> Cached<S> {\n    pub fn flush(&self) {\n        self.inner.save(3);\n    }\n}\n",
    )]);
    index(dir.path());
    // The impl's bound types the field `inner: S` where it is used.
    assert_eq!(
        caller_lines(dir.path(), "Store::save"),
        ["Cached::flush receiver-type", "put receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Store::load"),
        ["get receiver-type"]
    );
}

#[test]
fn a_typed_receiver_prefers_its_files_own_type_of_that_name() {
    let deferred = "class Deferred {\n  resolve(v: number) {\n    return v;\n  }\n}\n";
    let dir = tree(&[
        (
            "src/a.test.ts",
            &*format!("{deferred}\nexport function a() {{\n  const d = new Deferred();\n  d.resolve(1);\n}}\n"),
        ),
        ("src/b.test.ts", deferred),
    ]);
    index(dir.path());
    let callees = json(dir.path(), &["callees", "a"]);
    let files: Vec<&str> = callees["hops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["name"] == "resolve")
        .map(|h| h["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["src/a.test.ts"], "{callees}");
}

#[test]
fn go_imports_follow_go_mod_and_leave_dependencies_alone() {
    let dir = tree(&[
        ("go.mod", "module example.com/shop\n\ngo 1.21\n"),
        (
            "internal/log/log.go",
            "package log\n\nfunc Printf(format string) {}\n",
        ),
        (
            "cmd/server/main.go",
            "package main\n\nimport (\n\tapplog \"example.com/shop/internal/log\"\n\t\"github.com/other/log\"\n)\n\n\
             func own() {\n\tapplog.Printf(\"a\")\n}\n\n\
             func dependency() {\n\tlog.Printf(\"b\")\n}\n",
        ),
    ]);
    index(dir.path());
    // The module's own package is found; a dependency whose last path
    // segment is the same is not mistaken for it.
    assert_eq!(caller_lines(dir.path(), "Printf"), ["main.own import"]);
    let all = callers(dir.path(), "Printf", &["--guesses"]);
    assert_eq!(all.len(), 1, "{all:?}");
}

#[test]
fn java_packages_span_source_roots() {
    let dir = tree(&[
        (
            "core/src/main/java/com/acme/Invoice.java",
            "package com.acme;\npublic class Invoice {\n    public int total() { return 1; }\n}\n",
        ),
        (
            "core/src/test/java/com/acme/InvoiceTest.java",
            "package com.acme;\npublic class InvoiceTest {\n    void testTotal() { Invoice inv = new Invoice(); inv.total(); }\n}\n",
        ),
    ]);
    index(dir.path());
    let found = ref_sites(dir.path(), "Invoice", &[]);
    assert!(
        found.contains(&"com.acme.InvoiceTest.testTotal 3 directory".to_string()),
        "{found:?}"
    );
}

#[test]
fn python_namespace_packages_and_src_layouts_resolve() {
    // No __init__.py anywhere: namespace packages.
    let dir = tree(&[
        (
            "src/acme/billing/tax.py",
            "def rate(region):\n    return 0.2\n",
        ),
        (
            "src/acme/shop/cart.py",
            "from acme.billing.tax import rate\nfrom acme.billing import tax\n\n\
             def total(x):\n    return x * rate('eu')\n\n\
             def total2(x):\n    return x * tax.rate('us')\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "rate"),
        [
            "acme.shop.cart.total import",
            "acme.shop.cart.total2 own-type"
        ]
    );
}

#[test]
fn impact_names_the_tests_it_reaches_by_one_rule() {
    let dir = tree(&[
        (
            "src/keys.rs",
            "pub fn edge_key(a: u64) -> u64 {\n    a << 1\n}\n\n\
             pub fn caller() -> u64 {\n    edge_key(2)\n}\n\n\
             #[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn keys_shift() {\n        assert_eq!(edge_key(1), 2);\n    }\n}\n",
        ),
        ("tests/it.py", "from app import f\n\ndef test_f():\n    f()\n"),
        ("app.py", "def f():\n    pass\n"),
        // Library code named as pytest names tests (Flask's `test_client`,
        // Jinja's template tests in `jinja2/tests.py`), and a Django app's
        // `tests.py`, which is tests.
        (
            "web/app.py",
            "from app import f\n\nclass App:\n    def test_client(self):\n        return f()\n",
        ),
        (
            "web/tests.py",
            "from app import f\n\ndef test_none(value):\n    return f() is None\n",
        ),
        (
            "polls/tests.py",
            "from unittest import TestCase\nfrom app import f\n\nclass FTests(TestCase):\n    def test_f(self):\n        f()\n",
        ),
    ]);
    index(dir.path());
    let impact = json(dir.path(), &["impact", "edge_key"]);
    assert_eq!(
        impact["test_symbols"],
        serde_json::json!(["keys::tests::keys_shift"])
    );
    assert_eq!(impact["tests"], serde_json::json!(["src/keys.rs"]));
    let text = String::from_utf8(codegraph(dir.path(), &["impact", "edge_key"]).stdout).unwrap();
    assert!(
        text.contains("tests: keys::tests::keys_shift in src/keys.rs"),
        "{text}"
    );
    // The caller outside the tests is no test.
    let dependents = impact["dependents"].as_array().unwrap();
    let caller = dependents.iter().find(|d| d["name"] == "caller").unwrap();
    assert_eq!(caller["test"], false);
    let impact = json(dir.path(), &["impact", "app.f"]);
    assert_eq!(
        impact["tests"],
        serde_json::json!(["polls/tests.py", "tests/it.py"]),
        "{impact}"
    );
    let dependents = impact["dependents"].as_array().unwrap();
    for name in ["test_client", "test_none"] {
        let library = dependents.iter().find(|d| d["name"] == name).unwrap();
        assert_eq!(library["test"], false, "{name}");
    }
}

#[test]
fn gitignore_applies_only_inside_git_and_dropping_most_files_is_reported() {
    let files = &[
        (".gitignore", "/*\n!/debian/\n"),
        ("kernel/sched.c", "int schedule(void) { return 0; }\n"),
        ("mm/slab.c", "void *kmalloc(int n) { return 0; }\n"),
        ("debian/rules.py", "def build():\n    pass\n"),
    ];
    // Not a git repository (an extracted tarball): .gitignore means nothing.
    let dir = tree(files);
    let report = index(dir.path());
    assert_eq!(report["files_seen"], 3);
    assert!(report["ignored"].is_null());

    // Inside git it applies, and the summary says what it dropped and why.
    let dir = tree(files);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let out = codegraph(dir.path(), &["index", ".", "--no-search"]);
    assert!(out.status.success());
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(
        summary.contains("ignore rules left out 2 of 3 source files, 2 of them by `/*` in .gitignore (--no-ignore indexes them)"),
        "{summary}"
    );
    let report = json(dir.path(), &["index", ".", "--no-search", "--no-ignore"]);
    assert_eq!(report["files_seen"], 3);

    // `.ignore` applies everywhere.
    let dir = tree(&[
        (".ignore", "mm/\n"),
        ("kernel/sched.c", "int s;\n"),
        ("mm/slab.c", "int k;\n"),
    ]);
    let report = index(dir.path());
    assert_eq!(report["files_seen"], 1);
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    // Enough output to overflow a pipe's buffer many times over.
    let body: String = (0..3000)
        .map(|i| format!("def f{i}():\n    return f{}()\n\n", (i + 1) % 3000))
        .collect();
    let dir = tree(&[("big.py", &body)]);
    index(dir.path());
    for args in [
        &["export"][..],
        &["find", "f", "--limit", "3000", "--json"][..],
    ] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("codegraph"))
            .current_dir(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 16];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn calls_inside_rust_macro_arguments_resolve() {
    let dir = tree(&[(
        "src/range.rs",
        "pub struct Range;\n\nimpl Range {\n    pub fn is_fixed(&self) -> bool {\n        true\n    }\n}\n\n\
         pub fn check(range: &Range) {\n    assert!(!range.is_fixed());\n    let v = vec![Range::empty(); 2];\n    println!(\"{}\", format!(\"{}\", range.is_fixed()));\n}\n\n\
         impl Range {\n    pub fn empty() -> Range {\n        Range\n    }\n}\n",
    )]);
    index(dir.path());
    assert_eq!(
        callers(dir.path(), "is_fixed", &[]),
        pairs(&[("range::check", "receiver-type")])
    );
    assert_eq!(
        callers(dir.path(), "Range::empty", &[]),
        pairs(&[("range::check", "own-type")])
    );
    // The site is where the call is written, inside the macro.
    let hops = json(dir.path(), &["callers", "is_fixed"]);
    assert_eq!(hops["hops"][0]["edge"]["line"], 10);
}

#[test]
fn python_scoping_stubs_nested_functions_and_imported_names() {
    let dir = tree(&[
        ("pkg/__init__.py", ""),
        (
            "pkg/compat.py",
            "def isatty(stream):\n    return True\n\n\
             class Wrapper:\n    def isatty(self):\n        return False\n\n\
             def pipe(*setters):\n    pass\n",
        ),
        ("pkg/compat.pyi", "def pipe(*setters): ...\ndef isatty(stream): ...\n"),
        (
            "pkg/main.py",
            "from pkg.compat import isatty, pipe\n\n\
             def outer():\n    def helper():\n        pass\n    helper()\n    isatty(1)\n    pipe()\n\n\
             def other():\n    helper()\n",
        ),
    ]);
    index(dir.path());
    // The function the import names, not a method of the same name, and
    // not its stub: one edge, unsplit.
    let hops = json(dir.path(), &["callers", "pkg/compat.py:1"]);
    assert_eq!(hops["hops"].as_array().unwrap().len(), 1);
    assert_eq!(hops["hops"][0]["qualified_name"], "pkg.main.outer");
    assert_eq!(hops["hops"][0]["edge"]["confidence"], 0.85);
    assert_eq!(
        callers(dir.path(), "Wrapper.isatty", &["--guesses"]),
        pairs(&[])
    );
    assert_eq!(
        callers(dir.path(), "pkg/compat.py:8", &[]),
        pairs(&[("pkg.main.outer", "import")])
    );
    // `helper` is visible inside `outer` only.
    assert_eq!(
        callers(dir.path(), "helper", &["--guesses"]),
        pairs(&[("pkg.main.outer", "same-file")])
    );
}

#[test]
fn macros_and_enum_variants_are_referenced_not_called() {
    let dir = tree(&[(
        "src/lib.rs",
        "macro_rules! twice {\n    ($e:expr) => { $e * 2 };\n}\n\n\
         pub enum Error {\n    Io(u32),\n}\n\n\
         pub fn run() -> Error {\n    let _ = twice!(2);\n    Error::Io(1)\n}\n",
    )]);
    index(dir.path());
    assert_eq!(callers(dir.path(), "twice", &[]), pairs(&[]));
    let refs = json(dir.path(), &["refs", "twice"]);
    assert_eq!(refs["files"][0]["sites"][0]["kind"], "references");
    let refs = json(dir.path(), &["refs", "Error::Io"]);
    assert_eq!(refs["files"][0]["sites"][0]["kind"], "references");
}

#[test]
fn python_types_flow_through_return_types_fields_and_package_reexports() {
    let dir = tree(&[
        ("click/__init__.py", "from .utils import echo as echo\nfrom .core import Context as Context\n"),
        ("click/utils.py", "def echo(message):\n    pass\n"),
        (
            "click/core.py",
            "class Context:\n    def exit(self):\n        pass\n\n\
             class Command:\n    def __init__(self, ctx: Context):\n        self.ctx = ctx\n\n\
             \x20   def make_context(self) -> Context:\n        return Context()\n\n\
             \x20   def main(self):\n        ctx = self.make_context()\n        ctx.exit()\n        self.ctx.exit()\n\n\
             class Other:\n    def exit(self):\n        pass\n",
        ),
        ("app.py", "import click\nfrom click import echo\n\ndef run():\n    click.echo('a')\n    echo('b')\n"),
    ]);
    index(dir.path());
    // `ctx = self.make_context()` has make_context's declared return
    // type; `self.ctx = ctx` the parameter's declared type.
    assert_eq!(
        callers(dir.path(), "Context.exit", &[]),
        pairs(&[("click.core.Command.main", "receiver-type")])
    );
    assert_eq!(
        callers(dir.path(), "Other.exit", &["--guesses"]),
        pairs(&[])
    );
    // A package's names are its modules' (`click.echo` is click/utils.py's).
    assert_eq!(
        callers(dir.path(), "echo", &[]),
        pairs(&[("app.run", "import")])
    );
}

#[test]
fn rust_type_paths_prefer_the_imported_type_and_untyped_self_is_no_scope() {
    let dir = tree(&[
        ("src/lib.rs", "mod request;\nmod response;\nmod client;\n"),
        (
            "src/request.rs",
            "pub struct Builder;\nimpl Builder {\n    pub fn new() -> Builder {\n        Builder\n    }\n}\n",
        ),
        (
            "src/response.rs",
            "pub struct Builder;\nimpl Builder {\n    pub fn new() -> Builder {\n        Builder\n    }\n}\n",
        ),
        (
            "src/client.rs",
            "use crate::response::Builder;\n\npub fn respond() -> Builder {\n    Builder::new()\n}\n\n\
             pub trait Shout {\n    fn shout(&self) -> usize;\n}\n\n\
             impl Shout for String {\n    fn shout(&self) -> usize {\n        self.len_of()\n    }\n}\n\n\
             pub struct A;\nimpl A {\n    pub fn len_of(&self) -> usize {\n        1\n    }\n}\n\n\
             pub struct B;\nimpl B {\n    pub fn len_of(&self) -> usize {\n        2\n    }\n}\n",
        ),
    ]);
    index(dir.path());
    let found = json(dir.path(), &["callers", "src/response.rs:3"]);
    assert_eq!(found["hops"][0]["qualified_name"], "client::respond");
    assert_eq!(found["hops"][0]["edge"]["confidence"], 0.9);
    assert_eq!(
        callers(dir.path(), "src/request.rs:3", &["--guesses"]),
        pairs(&[])
    );
    // `self` in an impl for a type from elsewhere has no known type: no
    // edge to the file's own methods of that name.
    assert_eq!(callers(dir.path(), "A::len_of", &["--guesses"]), pairs(&[]));
}

#[test]
fn a_name_imported_in_hundreds_of_files_still_resolves_to_its_definition() {
    // Django's `from django.conf import settings`, in 400+ files: the
    // imports once crowded the one definition out of the name lookup.
    let mut files = vec![(
        "app/util.py".to_string(),
        "def helper():\n    return 1\n".to_string(),
    )];
    for i in 0..300 {
        files.push((
            format!("feature/mod_{i}.py"),
            format!("from app.util import helper\n\ndef feature_{i}():\n    return helper()\n"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let repo = tree(&files);
    let report = index(repo.path());
    assert_eq!(report["resolution"]["resolved"], 600, "{report}");
    let found = callers(repo.path(), "helper", &["--limit", "1000"]);
    assert_eq!(found.len(), 300);
    // A lookup by name lists the definition, not the imports of it.
    let hits = json(repo.path(), &["find", "helper"]);
    assert_eq!(hits[0]["kind"], "function", "{hits}");
}

#[test]
fn an_edit_inside_a_body_resolves_only_its_own_file_and_stays_exact() {
    let repo = tree(&[
        ("app/util.py", "def helper():\n    return 1\n\nclass Pool:\n    def get(self):\n        return 2\n"),
        ("app/main.py", "from app.util import helper, Pool\n\ndef run():\n    Pool().get()\n    return helper()\n"),
        ("app/other.py", "from app.util import helper\n\ndef other():\n    return helper()\n"),
    ]);
    let first = index(repo.path());
    assert_eq!(first["resolution"]["files"], 3);
    let edges = first["total_edges"].clone();
    let save = |text: &str| fs::write(repo.path().join("app/util.py"), text).unwrap();

    // A body edit (lines move too): other files' edges into it stand.
    save("\n\ndef helper():\n    x = 1\n    return x\n\nclass Pool:\n    def get(self):\n        return 3\n");
    let report = index(repo.path());
    assert_eq!(report["resolution"]["files"], 1, "{report}");
    assert_eq!(report["total_edges"], edges);
    let callers_of = |name: &str| -> Vec<String> {
        let mut found: Vec<String> = callers(repo.path(), name, &[])
            .into_iter()
            .map(|(caller, _)| caller)
            .collect();
        found.sort();
        found
    };
    assert_eq!(callers_of("helper"), ["app.main.run", "app.other.other"]);
    assert_eq!(callers_of("get"), ["app.main.run"]);
    let shown = json(repo.path(), &["show", "helper"]);
    assert_eq!(shown["start_line"], 3, "the moved definition: {shown}");

    // A new function: still only this file (nobody names it yet).
    save("\n\ndef helper():\n    x = 1\n    return x\n\nclass Pool:\n    def get(self):\n        return 3\n\ndef fresh():\n    return helper()\n");
    let report = index(repo.path());
    assert_eq!(report["resolution"]["files"], 1, "{report}");
    assert_eq!(
        callers_of("helper"),
        ["app.main.run", "app.other.other", "app.util.fresh"]
    );

    // A signature change: the files that call it are resolved again.
    save("def helper(x=1):\n    return x\n\nclass Pool:\n    def get(self):\n        return 3\n");
    let report = index(repo.path());
    assert_eq!(report["resolution"]["files"], 3, "{report}");

    // A rename: the callers lose their edge, exactly as a clean index says.
    save("def helper2():\n    return 1\n\nclass Pool:\n    def get(self):\n        return 3\n");
    index(repo.path());
    assert!(callers_of("helper2").is_empty());
    let clean = tempfile::tempdir().unwrap();
    let db = clean.path().join("db");
    let db = db.to_str().unwrap();
    json(repo.path(), &["--db", db, "index", ".", "--no-search"]);
    let counts = |stats: Value| {
        let keys = ["files", "nodes", "edges", "refs", "resolved_refs"];
        keys.map(|k| stats[k].as_u64().unwrap())
    };
    assert_eq!(
        counts(json(repo.path(), &["stats"])),
        counts(json(repo.path(), &["--db", db, "stats"]))
    );
}

#[test]
fn rust_trait_impls_tuple_fields_destructuring_and_reexported_modules() {
    let dir = tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"itools\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "tests/free_fns.rs",
            "use crate::it::free::interleave;\nuse itools as it;\n\n\
             fn check() -> u8 {\n    interleave(2)\n}\n",
        ),
        (
            "tests/by_name.rs",
            "use itools::free::interleave;\n\n\
             fn by_name() -> u8 {\n    interleave(3)\n}\n",
        ),
        (
            "src/lib.rs",
            "mod display;\nmod pair;\npub mod adaptors;\npub mod free;\nmod format;\n\
             pub use crate::free::*;\n\n\
             pub struct Pre {\n    s: String,\n}\n\n\
             impl Pre {\n    pub fn as_str(&self) -> &str {\n        &self.s\n    }\n\n\
             \x20   pub fn iter(&self) -> u8 {\n        0\n    }\n\n\
             \x20   pub fn into_iter(self) -> u8 {\n        0\n    }\n}\n\n\
             pub fn twice() -> u8 {\n    interleave(1)\n}\n\n\
             pub trait Itertools {\n    fn interleave(self) -> u8 where Self: Sized {\n        0\n    }\n}\n",
        ),
        (
            "src/display.rs",
            "use crate::Pre;\nuse std::fmt;\n\n\
             impl fmt::Display for Pre {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n        \
             f.write_str(self.as_str())\n    }\n}\n\n\
             impl<'a> IntoIterator for &'a Pre {\n    type Item = u8;\n    type IntoIter = std::option::IntoIter<u8>;\n\n\
             \x20   fn into_iter(self) -> Self::IntoIter {\n        Some(self.iter()).into_iter()\n    }\n}\n\n\
             pub fn consume(p: Pre) -> u8 {\n    p.into_iter()\n}\n\n\
             trait Stack {\n    fn push(&mut self, v: u8);\n}\n\n\
             impl Stack for Vec<u8> {\n    fn push(&mut self, v: u8) {\n        self.push(v)\n    }\n}\n\n\
             trait Sealed {\n    fn as_str(&self) -> &str;\n}\n\n\
             impl Sealed for String {\n    fn as_str(&self) -> &str {\n        self\n    }\n}\n\n\
             pub fn name(s: String) -> usize {\n    s.as_str().len()\n}\n",
        ),
        (
            "src/pair.rs",
            "pub trait Dedup {\n    fn dedup_pair(&self) -> bool;\n}\n\n\
             pub struct Wrap<DP>(u8, DP);\n\n\
             impl<DP: Dedup> Wrap<DP> {\n    fn go(&self) -> bool {\n        self.1.dedup_pair()\n    }\n}\n\n\
             pub struct Coalesce<F> {\n    f: F,\n    n: u8,\n}\n\n\
             impl<F: Dedup> Coalesce<F> {\n    fn next(&mut self) -> bool {\n        \
             let Self { f, n } = self;\n        let _ = n;\n        f.dedup_pair()\n    }\n}\n",
        ),
        (
            "src/adaptors/mod.rs",
            "mod coalesce;\npub use self::coalesce::*;\n\n\
             pub fn interleave(x: u8) -> u8 {\n    x\n}\n",
        ),
        (
            "src/adaptors/coalesce.rs",
            "pub fn dedup(x: u8) -> u8 {\n    x\n}\n",
        ),
        (
            "src/free.rs",
            "pub use crate::adaptors::interleave;\n",
        ),
        (
            "src/format.rs",
            "use crate::adaptors;\n\n\
             pub fn new_format(x: u8) -> u8 {\n    x\n}\n\n\
             pub fn run(format: u8) -> u8 {\n    adaptors::dedup(format::new_format(format))\n}\n",
        ),
    ]);
    index(dir.path());
    // `self` in a trait impl for a type declared in another file, and in
    // an impl for a reference to it (whose methods are not the type's own).
    assert_eq!(
        caller_lines(dir.path(), "Pre::as_str"),
        ["display::Pre::fmt own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Pre::iter"),
        ["display::&Pre::into_iter own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Pre::into_iter"),
        ["display::consume receiver-type"]
    );
    // `Vec`'s inherent `push`, not the impl's own; `String`'s own `as_str`.
    assert_eq!(
        caller_lines(dir.path(), "display::Vec::push"),
        Vec::<String>::new()
    );
    assert_eq!(
        caller_lines(dir.path(), "display::String::as_str"),
        Vec::<String>::new()
    );
    // A tuple struct's field and a destructured `self`, typed by bounds.
    assert_eq!(
        caller_lines(dir.path(), "pair::Dedup::dedup_pair"),
        [
            "pair::Coalesce::next receiver-type",
            "pair::Wrap::go receiver-type"
        ]
    );
    // Through a glob import of a re-export (in the crate, and from a test
    // crate by the crate's name or through `crate::` and its alias of
    // it, past a trait's method of the same name), a
    // module's submodules, and a module path that a parameter's name does
    // not shadow.
    assert_eq!(
        caller_lines(dir.path(), "adaptors::interleave"),
        [
            "tests::by_name::by_name import",
            "tests::free_fns::check import",
            "twice import"
        ]
    );
    assert_eq!(
        caller_lines(dir.path(), "adaptors::coalesce::dedup"),
        ["format::run import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "format::new_format"),
        ["format::run own-type"]
    );
}

#[test]
fn rust_cfg_alternatives_and_turbofish_paths_resolve() {
    let dir = tree(&[
        (
            "src/lib.rs",
            "mod tests;\n\n\
             #[cfg(feature = \"union\")]\nunion Data {\n    a: u8,\n}\n\n\
             #[cfg(feature = \"union\")]\nimpl Data {\n    fn from_inline() -> Data {\n        Data { a: 0 }\n    }\n}\n\n\
             #[cfg(not(feature = \"union\"))]\nenum Data {\n    A(u8),\n}\n\n\
             #[cfg(not(feature = \"union\"))]\nimpl Data {\n    fn from_inline() -> Data {\n        Data::A(0)\n    }\n}\n\n\
             pub struct SmallVec<A> {\n    a: A,\n}\n\n\
             impl<A> SmallVec<A> {\n    pub fn new() -> Self {\n        let _ = Data::from_inline();\n        todo!()\n    }\n\n\
             \x20   pub fn spilled(&self) -> bool {\n        false\n    }\n}\n",
        ),
        (
            "src/tests.rs",
            "use crate::SmallVec;\n\n\
             pub fn zero() -> bool {\n    let v = SmallVec::<[u8; 0]>::new();\n    v.spilled()\n}\n",
        ),
    ]);
    index(dir.path());
    // One item per `#[cfg]` alternative, same signature: the first stands
    // for both rather than the call counting as ambiguous.
    assert_eq!(
        caller_lines(dir.path(), "src/lib.rs:10"),
        ["SmallVec::new own-type"]
    );
    // A turbofish path is the type's.
    assert_eq!(
        caller_lines(dir.path(), "SmallVec::new"),
        ["tests::zero own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "SmallVec::spilled"),
        ["tests::zero receiver-type"]
    );
}

#[test]
fn rust_crate_paths_conversions_and_overloads_across_files() {
    let dir = tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"bytes\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "src/lib.rs",
            "mod bytes;\nmod bytes_mut;\nmod buf;\n\
             pub use crate::bytes::Bytes;\npub use crate::bytes_mut::BytesMut;\n\n\
             fn abort() {}\n\n\
             pub fn put_back(x: u8) -> u8 {\n    x\n}\n",
        ),
        (
            "src/bytes.rs",
            "use crate::BytesMut;\n\n\
             pub struct Bytes;\n\n\
             impl Bytes {\n    pub fn len(&self) -> usize {\n        0\n    }\n}\n\n\
             impl From<Bytes> for BytesMut {\n    fn from(b: Bytes) -> Self {\n        \
             let _ = b;\n        crate::abort();\n        BytesMut\n    }\n}\n",
        ),
        (
            "src/bytes_mut.rs",
            "pub struct BytesMut;\n\npub struct PutBack;\n\n\
             impl PutBack {\n    pub fn put_back(&self) {}\n}\n\n\
             struct Shared;\n\n\
             impl Shared {\n    fn is_unique(&self) -> bool {\n        true\n    }\n}\n\n\
             impl<'a> From<&'a [u8]> for BytesMut {\n    fn from(s: &'a [u8]) -> Self {\n        \
             let _ = s;\n        BytesMut\n    }\n}\n\n\
             fn check(shared: *const Shared) -> bool {\n    unsafe { (*shared).is_unique() }\n}\n",
        ),
        (
            "src/buf/mod.rs",
            "mod chain;\n\npub fn panic_advance() {}\n",
        ),
        (
            "src/buf/chain.rs",
            "pub fn advance() {\n    super::panic_advance();\n}\n",
        ),
        (
            "tests/test_bytes.rs",
            "use bytes::{Bytes, BytesMut};\n\n\
             fn from_slice() -> usize {\n    let _m = BytesMut::from(&b\"ab\"[..]);\n    \
             let b = Bytes::from(Bytes);\n    let _ = bytes::put_back(1);\n    b.len()\n}\n",
        ),
    ]);
    index(dir.path());
    // `crate::` and `super::` paths name the root and the parent module.
    assert_eq!(
        caller_lines(dir.path(), "abort"),
        ["bytes::BytesMut::from import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "buf::panic_advance"),
        ["buf::chain::advance import"]
    );
    // A dereferenced pointer's type, and a conversion's result.
    assert_eq!(
        caller_lines(dir.path(), "bytes_mut::Shared::is_unique"),
        ["bytes_mut::check receiver-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "bytes::Bytes::len"),
        ["tests::test_bytes::from_slice receiver-type"]
    );
    // `BytesMut::from` has an impl in two files: the argument, a slice,
    // picks bytes_mut.rs's (not bytes.rs's, whose module shares the
    // crate's name).
    assert_eq!(
        caller_lines(dir.path(), "bytes::BytesMut::from"),
        Vec::<String>::new()
    );
    assert_eq!(
        caller_lines(dir.path(), "bytes_mut::BytesMut::from"),
        ["tests::test_bytes::from_slice own-type"]
    );
    // Through the crate's name, a free function, not a method of that name.
    assert_eq!(
        caller_lines(dir.path(), "src/lib.rs:9"),
        ["tests::test_bytes::from_slice import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "bytes_mut::PutBack::put_back"),
        Vec::<String>::new()
    );
}

#[test]
fn rust_from_impls_are_told_apart_by_their_argument() {
    let dir = tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"buf\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", "mod bytes;\nmod convert;\npub use crate::bytes::Bytes;\n"),
        (
            "src/bytes.rs",
            "pub struct Bytes;\n\n\
             impl From<&'static [u8]> for Bytes {\n    fn from(s: &'static [u8]) -> Bytes {\n        \
             let _ = s;\n        Bytes\n    }\n}\n\n\
             impl From<&'static str> for Bytes {\n    fn from(s: &'static str) -> Bytes {\n        \
             let _ = s;\n        Bytes\n    }\n}\n",
        ),
        (
            "src/convert.rs",
            "use crate::Bytes;\n\n\
             impl From<Vec<u8>> for Bytes {\n    fn from(v: Vec<u8>) -> Bytes {\n        \
             let _ = v;\n        Bytes\n    }\n}\n\n\
             impl From<String> for Bytes {\n    fn from(s: String) -> Bytes {\n        \
             let _ = s;\n        Bytes\n    }\n}\n",
        ),
        (
            "tests/test_from.rs",
            "use buf::Bytes;\n\n\
             fn literal() {\n    let _ = Bytes::from(\"hello\");\n}\n\n\
             fn slice() {\n    let _ = Bytes::from(&b\"hello\"[..]);\n}\n\n\
             fn vector() {\n    let v: Vec<u8> = Vec::new();\n    let _ = Bytes::from(v.clone());\n    \
             let _ = Bytes::from(vec![1u8]);\n}\n\n\
             fn string() {\n    let s = String::new();\n    let _ = Bytes::from(s);\n    \
             assert_eq!(Bytes::from(format!(\"{}\", 1)), Bytes);\n}\n\n\
             fn unknown(x: u8) {\n    let _ = Bytes::from(make(x));\n}\n",
        ),
    ]);
    index(dir.path());
    // Each impl's `from` is called where the argument is of its type: a
    // literal, a slice, `vec![..]`, a local's declared or constructed
    // type, a copy of one, `format!` inside a macro's arguments.
    assert_eq!(
        caller_lines(dir.path(), "src/bytes.rs:4"),
        ["tests::test_from::slice own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "src/bytes.rs:11"),
        ["tests::test_from::literal own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "src/convert.rs:4"),
        ["tests::test_from::vector own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "src/convert.rs:11"),
        ["tests::test_from::string own-type"]
    );
    // An argument of unknown type leaves the choice open: no default edge.
    let unknown: Vec<String> = [
        "src/bytes.rs:4",
        "src/bytes.rs:11",
        "src/convert.rs:4",
        "src/convert.rs:11",
    ]
    .iter()
    .flat_map(|at| caller_lines(dir.path(), at))
    .filter(|line| line.starts_with("tests::test_from::unknown"))
    .collect();
    assert_eq!(unknown, Vec::<String>::new());
}

#[test]
fn rust_glob_imports_of_the_library_bring_its_types() {
    let dir = tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"web\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "src/lib.rs",
            "pub mod header;\n\npub type Result<T> = std::result::Result<T, ()>;\n",
        ),
        (
            "src/header/mod.rs",
            "mod map;\n\npub use self::map::HeaderMap;\n",
        ),
        (
            "src/header/map.rs",
            "pub struct HeaderMap;\n\n\
             impl HeaderMap {\n    pub fn new() -> HeaderMap {\n        HeaderMap\n    }\n}\n",
        ),
        (
            "tests/headers.rs",
            "use web::header::*;\nuse web::*;\n\n\
             fn smoke() -> usize {\n    HeaderMap::new();\n    0\n}\n\n\
             fn takes(_m: &HeaderMap) -> Result<()> {\n    Ok(())\n}\n",
        ),
    ]);
    index(dir.path());
    // A type a test target's glob import of the library brings in
    // (through a re-export), in a path call and a parameter, is the
    // library's one type of that name. (Its `impl` block is a reference
    // from its file.)
    assert_eq!(
        ref_sites(dir.path(), "header::map::HeaderMap", &[]),
        [
            "header::map::HeaderMap::new 4 same-file",
            "src/header/map.rs 3 same-file",
            "src/header/mod.rs 3 import",
            "tests::headers::smoke 5 import",
            "tests::headers::takes 9 import"
        ]
    );
    // Not a name the prelude has: `Result` may be std's.
    assert_eq!(ref_sites(dir.path(), "Result", &[]), Vec::<String>::new());
}

#[test]
fn a_relative_ts_import_names_one_file_not_every_module_of_that_name() {
    let dir = tree(&[
        (
            "src/tsHelpers.ts",
            "// The library's.\nexport function safeAssign(a: object, b: object) {\n  return Object.assign(a, b)\n}\n",
        ),
        (
            "src/query/tsHelpers.ts",
            "// The query module's.\nexport function safeAssign(a: object, b: object) {\n  return Object.assign(a, b)\n}\n",
        ),
        (
            "src/query/core/module.ts",
            "import { safeAssign } from '../tsHelpers'\n\n\
             export function init(api: object) {\n  return safeAssign(api, {})\n}\n",
        ),
    ]);
    index(dir.path());
    assert_eq!(
        caller_lines(dir.path(), "src/query/tsHelpers.ts:2"),
        ["init import"]
    );
    assert_eq!(
        caller_lines(dir.path(), "src/tsHelpers.ts:2"),
        Vec::<String>::new()
    );
}

#[test]
fn rust_extension_trait_methods_reach_typed_receivers_when_their_own_do_not() {
    let dir = tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"itx\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "src/lib.rs",
            "pub trait Itx: Iterator {\n    fn dups(self) -> usize\n    where\n        Self: Sized,\n    {\n        0\n    }\n\
             \x20   fn size_hint(&self) -> usize {\n        0\n    }\n    fn with_capacity(n: usize) -> usize {\n        n\n    }\n}\n\n\
             impl<T> Itx for T where T: Iterator + ?Sized {}\n",
        ),
        (
            "tests/laziness.rs",
            "use itx::Itx;\n\n\
             struct Panicking;\n\n\
             impl Iterator for Panicking {\n    type Item = u8;\n    fn next(&mut self) -> Option<u8> {\n        None\n    }\n}\n\n\
             impl Panicking {\n    fn own(&self) {}\n}\n\n\
             fn direct() -> usize {\n    Panicking.own();\n    let _ = Panicking.size_hint();\n    \
             let _ = Vec::<u8>::with_capacity(2);\n    Panicking.dups()\n}\n\n\
             macro_rules! laziness {\n    ($($t:tt)*) => {};\n}\n\n\
             laziness! {\n    dups {\n        let _ = Panicking.dups();\n    }\n}\n",
        ),
        (
            "tests/unimported.rs",
            "struct Empty;\n\nfn plain() -> usize {\n    Empty.dups()\n}\n",
        ),
    ]);
    index(dir.path());
    // The type has no `dups` of its own: the extension trait the file
    // imports, in a function and in a macro's arguments at file scope.
    assert_eq!(
        caller_lines(dir.path(), "Itx::dups"),
        [
            "tests/laziness.rs trait-method",
            "tests::laziness::direct trait-method"
        ]
    );
    // Its own method stays its own; a standard iterator method, or an
    // associated function of a standard type, is not the trait's namesake;
    // nor is a trait the file does not import.
    assert_eq!(
        caller_lines(dir.path(), "tests::laziness::Panicking::own"),
        ["tests::laziness::direct own-type"]
    );
    assert_eq!(
        caller_lines(dir.path(), "Itx::size_hint"),
        Vec::<String>::new()
    );
    assert_eq!(
        caller_lines(dir.path(), "Itx::with_capacity"),
        Vec::<String>::new()
    );
}

/// A Go tree of `files` and 400 files `DIR/fN.go` of package `DIR`, each
/// defining three types `S{N}`, `U{N}`, `V{N}` and what `member` writes for
/// each (`member("S7")`): 1,200 names more than one lookup reads.
fn crowded_go_tree(
    files: &[(&str, &str)],
    dir: &str,
    member: impl Fn(&str) -> String,
) -> tempfile::TempDir {
    let mut all: Vec<(String, String)> = files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    for i in 0..400 {
        let source: String = ["S", "U", "V"]
            .iter()
            .map(|ty| member(&format!("{ty}{i}")))
            .collect();
        all.push((
            format!("{dir}/f{i}.go"),
            format!("package {dir}\n\n{source}"),
        ));
    }
    owned_tree(&all)
}

/// A type whose name is common in any case among other kinds (Go's `T`
/// beside hundreds of `t` fields) still has its bases: `t.Fatal()` on a
/// `*testing.T` reaches the `Fatal` of the `common` it embeds.
#[test]
fn a_type_crowded_out_of_its_names_lookup_keeps_its_bases() {
    let repo = crowded_go_tree(
        &[
            (
                "testing/testing.go",
                "package testing\n\ntype common struct{}\n\nfunc (c *common) Fatal(args ...any) {}\n\ntype T struct {\n\tcommon\n}\n",
            ),
            (
                "p/x_test.go",
                "package p\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {\n\tt.Fatal(\"x\")\n}\n",
            ),
        ],
        "p",
        |ty| format!("type {ty} struct {{\n\tt int\n}}\n\n"),
    );
    index(repo.path());
    assert_eq!(
        callers(repo.path(), "testing.common.Fatal", &[]),
        pairs(&[("p.TestX", "receiver-type")])
    );
}

/// A typed receiver's method whose name has more definitions than one
/// lookup reads (1,200 `Add`s) is still found: through the type's
/// qualified name, `q.Bag.Add`.
#[test]
fn a_typed_receivers_method_crowded_out_of_its_names_lookup_is_found() {
    let repo = crowded_go_tree(
        &[
            (
                "q/bag.go",
                "package q\n\ntype Bag struct{}\n\nfunc (b *Bag) Add(x int) {}\n",
            ),
            (
                "p/use.go",
                "package p\n\nimport \"q\"\n\nfunc Fill(b *q.Bag) {\n\tb.Add(1)\n}\n",
            ),
        ],
        "r",
        |ty| format!("type {ty} struct{{}}\n\nfunc (x *{ty}) Add(y int) {{}}\n\n"),
    );
    index(repo.path());
    assert_eq!(
        callers(repo.path(), "q.Bag.Add", &[]),
        pairs(&[("p.Fill", "receiver-type")])
    );
}
