//! The store end to end: write files, replace them, remove them, and check
//! that nodes, edges, names and counters all follow.

use codegraph_core::{EdgeKind, Language, NodeKind};
use codegraph_graph::{IndexWriter, OpenMode, Store, StoreError};

const V1: &str = "def parse_config(path):\n    return load(path)\n\nclass Loader:\n    def load(self):\n        pass\n";
const V2: &str = "def parse_config_file(path):\n    return read(path)\n";

fn write(store: &Store, path: &str, source: &str) {
    let graph = codegraph_parser::parse_file(path, source, Language::Python);
    let previous = store.file(path).unwrap();
    let mut writer = IndexWriter::new(store).unwrap();
    writer
        .replace_file(path, Language::Python, previous.as_ref(), &graph, source)
        .unwrap();
    writer.commit().unwrap();
}

/// A store holding `pkg/cfg.py` (V1) and `pkg/other.py`.
fn two_files() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    write(&store, "pkg/cfg.py", V1);
    write(&store, "pkg/other.py", "def helper():\n    pass\n");
    (dir, store)
}

#[test]
fn replacing_a_file_replaces_its_nodes_edges_names_and_counts() {
    let (_dir, store) = two_files();

    let stats = store.stats().unwrap();
    assert_eq!((stats.files, stats.nodes, stats.edges), (2, 6, 4));
    assert_eq!(stats.nodes_by_kind.get("method"), Some(&1));
    let hits = store.find_exact("parse_config", 10).unwrap();
    assert_eq!(hits.len(), 1);
    let node = store.get_node(hits[0].id).unwrap().unwrap();
    assert_eq!(node.qualified_name, "pkg.cfg.parse_config");
    assert_eq!(
        store.node_source(&node).unwrap().unwrap(),
        "def parse_config(path):\n    return load(path)"
    );
    let parent = store.in_edges(node.id).unwrap();
    assert_eq!(parent.len(), 1);
    assert_eq!(parent[0].kind, EdgeKind::Contains);
    assert_eq!(store.refs_from(&node).unwrap()[0].name, "load");
    assert_eq!(
        store.find_exact("PKG.CFG.PARSE_CONFIG", 10).unwrap().len(),
        1,
        "qualified names, any case"
    );

    write(&store, "pkg/cfg.py", V2);
    assert!(store.find_exact("parse_config", 10).unwrap().is_empty());
    assert!(store.get_node(node.id).unwrap().is_none());
    assert!(store.find_exact("Loader", 10).unwrap().is_empty());
    assert_eq!(store.find_exact("parse_config_file", 10).unwrap().len(), 1);
    let stats = store.stats().unwrap();
    assert_eq!((stats.files, stats.nodes, stats.edges), (2, 4, 2));
    assert_eq!(stats.nodes_by_kind.get("method"), None);
    // The paths and hashes alone, as the whole records have them.
    let whole: Vec<(String, u64)> = store
        .files()
        .unwrap()
        .into_iter()
        .map(|(path, record)| (path, record.content_hash))
        .collect();
    assert_eq!(store.file_hashes().unwrap(), whole);
    assert_eq!(whole[0].1, codegraph_core::content_hash(V2.as_bytes()));

    let record = store.file("pkg/cfg.py").unwrap().unwrap();
    let mut writer = IndexWriter::new(&store).unwrap();
    writer.remove_file("pkg/cfg.py", &record).unwrap();
    writer.commit().unwrap();
    assert!(store.file("pkg/cfg.py").unwrap().is_none());
    assert!(store.file_source("pkg/cfg.py").unwrap().is_none());
    let stats = store.stats().unwrap();
    assert_eq!(
        (stats.files, stats.nodes, stats.edges, stats.refs),
        (1, 2, 1, 0)
    );
}

#[test]
fn a_bulk_load_once_flushed_reads_as_a_store_written_in_place() {
    let (_dir, written) = two_files();
    let dir = tempfile::tempdir().unwrap();
    let bulk = Store::open(dir.path(), OpenMode::BulkLoad).unwrap();
    write(&bulk, "pkg/cfg.py", V1);
    write(&bulk, "pkg/other.py", "def helper():\n    pass\n");
    bulk.flush().unwrap();
    let same = |store: &Store| {
        let stats = store.stats().unwrap();
        assert_eq!(stats, written.stats().unwrap());
        let hits = store.find_exact("parse_config", 10).unwrap();
        let node = store.get_node(hits[0].id).unwrap().unwrap();
        assert_eq!(Some(&node), written.get_node(node.id).unwrap().as_ref());
        assert_eq!(
            store.in_edges(node.id).unwrap(),
            written.in_edges(node.id).unwrap()
        );
        assert_eq!(store.refs_from(&node).unwrap()[0].name, "load");
        assert_eq!(
            store.node_source(&node).unwrap(),
            written.node_source(&node).unwrap()
        );
        assert_eq!(store.files().unwrap(), written.files().unwrap());
    };
    same(&bulk);
    // The families a one-shot lookup reads keep no level-0 file, whose
    // whole index and filter every reader would read on opening it.
    let level0 = bulk.level0_files_by_family().unwrap();
    for family in ["nodes", "names", "meta"] {
        assert!(level0.contains(&(family, 0)), "{family}: {level0:?}");
    }
    // Reopened for incremental work, the bulk load's writes are all there
    // and a file replaced in place drops what it no longer defines.
    drop(bulk);
    let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    same(&store);
    write(&store, "pkg/cfg.py", V2);
    assert!(store.find_exact("parse_config", 10).unwrap().is_empty());
    assert_eq!(store.find_exact("parse_config_file", 10).unwrap().len(), 1);
}

#[test]
fn a_scan_of_the_nodes_finds_the_chosen_ones_of_every_file() {
    let (_dir, store) = two_files();
    let callables = store
        .node_ids_by_file(|head| matches!(head.kind, NodeKind::Function | NodeKind::Method))
        .unwrap();
    let names = |path: &str| {
        let mut names: Vec<String> = store
            .get_nodes(&callables[path])
            .unwrap()
            .into_iter()
            .flatten()
            .map(|n| n.name)
            .collect();
        names.sort();
        names
    };
    assert_eq!(callables.len(), 2);
    assert_eq!(names("pkg/cfg.py"), ["load", "parse_config"]);
    assert_eq!(names("pkg/other.py"), ["helper"]);
    // What a scan reads of each node is what the node holds.
    let heads = store
        .node_ids_by_file(|head| {
            head.name == "parse_config"
                && head.qualified_name == "pkg.cfg.parse_config"
                && head.language == Language::Python
                && head.span.start_line == 1
                && head
                    .signature
                    .is_some_and(|s| s.starts_with("def parse_config(path)"))
        })
        .unwrap();
    assert_eq!(heads["pkg/cfg.py"].len(), 1);
}

#[test]
fn lookups_go_exact_then_prefix_then_fuzzy() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    write(
        &store,
        "cfg.py",
        "def parse_config(): pass\ndef parse_config_file(): pass\ndef render(): pass\n",
    );
    assert_eq!(store.find_exact("parse", 10).unwrap().len(), 0);
    let prefix = store.find_prefix("parse_conf", 10).unwrap();
    assert_eq!(
        prefix.len(),
        2,
        "qualified names start with the module: {prefix:?}"
    );
    let fuzzy = store.find_fuzzy("parse_cfg", 10).unwrap();
    let names: Vec<&str> = fuzzy.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(names, ["parse_config", "parse_config_file"]);
    assert_eq!(store.suggest("rendr", 3).unwrap(), ["render"]);
    // Numbers in a name do not anchor the scan, yet still match: the
    // name is found by its words.
    write(
        &store,
        "crc.py",
        "def crc_32_le(): pass
def crc_16_le(): pass
",
    );
    let numbered = store.find_fuzzy("crc_32_l", 10).unwrap();
    let names: Vec<&str> = numbered.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(names, ["crc_32_le"]);
    let node = store.get_node(fuzzy[0].id).unwrap().unwrap();
    assert_eq!(node.kind, NodeKind::Function);
    drop(store);
    // A store opened for name lookups only (`find`) answers them all the
    // same, from the few families it opens.
    let lookup = Store::open(dir.path(), OpenMode::Lookup).unwrap();
    assert_eq!(lookup.find_prefix("parse_conf", 10).unwrap(), prefix);
    assert_eq!(lookup.find_fuzzy("parse_cfg", 10).unwrap(), fuzzy);
    assert_eq!(lookup.suggest("rendr", 3).unwrap(), ["render"]);
    assert_eq!(lookup.get_node(fuzzy[0].id).unwrap().unwrap(), node);
    // What it did not open is an error, never a panic; so is a writer.
    let err = lookup.file("cfg.py").err().unwrap();
    assert!(matches!(err, StoreError::NotOpened { .. }), "{err}");
    assert!(err.to_string().contains("files"), "{err}");
    let err = IndexWriter::new(&lookup).err().unwrap();
    assert!(matches!(err, StoreError::NotOpened { .. }), "{err}");
}

#[test]
fn a_second_writer_is_refused_and_readers_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let writer = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    write(&writer, "a.py", "def a(): pass\n");
    writer.flush().unwrap();
    match Store::open(dir.path(), OpenMode::ReadWrite) {
        Err(StoreError::Locked(_)) => {}
        other => panic!("expected a lock error, got {:?}", other.err()),
    }
    let reader = Store::open(dir.path(), OpenMode::ReadOnly).unwrap();
    assert_eq!(reader.find_exact("a", 10).unwrap().len(), 1);
}

#[test]
fn opening_a_missing_index_read_only_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let err = Store::open(&missing, OpenMode::ReadOnly).err().unwrap();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert!(err.to_string().contains("run `codegraph index` first"));
}

/// A hub with 150 callers, each with 3 callers of its own: the second level
/// of a callers walk is 150 wide, so the parallel path runs.
#[test]
fn parallel_and_sequential_walks_agree() {
    use codegraph_graph::{resolve_files, walk, walk_sequential, Direction, PARALLEL_FRONTIER};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    let mut source = String::from("def hub():\n    pass\n");
    for i in 0..150 {
        source.push_str(&format!("def f{i}():\n    hub()\n"));
        for j in 0..3 {
            source.push_str(&format!("def g{i}_{j}():\n    f{i}()\n"));
        }
    }
    write(&store, "wide.py", &source);
    let mut writer = IndexWriter::new(&store).unwrap();
    resolve_files(&store, &mut writer, &["wide.py".to_string()]).unwrap();
    writer.commit().unwrap();
    let hub = store.find_exact("hub", 1).unwrap()[0].id;
    let kinds = [EdgeKind::Calls];
    let parallel = walk(&store, &[hub], Direction::In, &kinds, 3, 10_000).unwrap();
    let sequential = walk_sequential(&store, &[hub], Direction::In, &kinds, 3, 10_000).unwrap();
    const { assert!(150 >= PARALLEL_FRONTIER) };
    assert_eq!(parallel.hops.len(), 600);
    assert_eq!(parallel.hops, sequential.hops);
    assert!(!parallel.truncated);
    // The limit cuts both at the same hop.
    let cut = walk(&store, &[hub], Direction::In, &kinds, 3, 200).unwrap();
    assert!(cut.truncated);
    assert_eq!(cut.hops[..], sequential.hops[..200]);
}

#[test]
fn the_manifest_stays_short_however_many_flushes_it_records() {
    // Every reader replays the manifest when it opens the store: after a
    // hundred flushes it must not hold a record of each.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    for i in 0..100 {
        write(&store, "pkg/cfg.py", if i % 2 == 0 { V1 } else { V2 });
        store.flush().unwrap();
    }
    let current = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    let manifest = std::fs::metadata(dir.path().join(current.trim())).unwrap();
    assert!(manifest.len() < 16 << 10, "{} bytes", manifest.len());
    assert_eq!(store.find_exact("parse_config_file", 10).unwrap().len(), 1);
}

/// A module of `n` functions, each with a non-ASCII string, so that spans
/// and chunk boundaries fall everywhere, characters across them included.
fn many_functions(n: usize, tag: &str) -> String {
    (0..n)
        .map(|i| format!("def f{i}_{tag}():\n    return \"é{i}—ü\" * {i}\n\n"))
        .collect()
}

#[test]
fn sources_in_chunks_read_back_whole_and_per_node() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    let big = many_functions(600, "a");
    assert!(big.len() > 5 * codegraph_graph::keys::SOURCE_CHUNK);
    write(&store, "big.py", &big);
    write(&store, "empty.py", "");
    assert_eq!(store.file_source("big.py").unwrap().unwrap(), big);
    assert_eq!(store.file_source("empty.py").unwrap().unwrap(), "");
    assert!(store.file_source("big.p").unwrap().is_none());
    let record = store.file("big.py").unwrap().unwrap();
    let nodes = store.get_nodes(&record.node_ids).unwrap();
    assert_eq!(nodes.len(), 601, "the file node and 600 functions");
    for node in nodes.into_iter().flatten() {
        let span = node.span.start_byte as usize..node.span.end_byte as usize;
        assert_eq!(
            store.node_source(&node).unwrap().as_deref(),
            Some(&big[span]),
            "{}",
            node.name
        );
    }

    // A shorter version leaves none of the longer one's chunks behind.
    let small = many_functions(3, "b");
    write(&store, "big.py", &small);
    assert_eq!(store.file_source("big.py").unwrap().unwrap(), small);
    let stale = {
        let mut n = store
            .get_node(store.find_exact("f0_b", 1).unwrap()[0].id)
            .unwrap()
            .unwrap();
        n.span.start_byte = 3 * codegraph_graph::keys::SOURCE_CHUNK as u32;
        n.span.end_byte = n.span.start_byte + 10;
        n
    };
    assert_eq!(store.node_source(&stale).unwrap(), None);
}

#[test]
fn in_degrees_count_the_incoming_edges_of_each_kind_up_to_the_cap() {
    let (_dir, store) = two_files();
    write(&store, "pkg/third.py", &many_functions(40, "c"));
    let mut ids: Vec<_> = store
        .files()
        .unwrap()
        .into_iter()
        .flat_map(|(_, record)| record.node_ids)
        .collect();
    ids.reverse();
    for kind in [EdgeKind::Contains, EdgeKind::Calls] {
        for cap in [1, 3, 1000] {
            // Counted independently: every incoming edge, filtered by kind.
            let counted: Vec<usize> = ids
                .iter()
                .map(|&id| {
                    let all = store.in_edges(id).unwrap();
                    all.iter().filter(|e| e.kind == kind).count().min(cap)
                })
                .collect();
            assert_eq!(store.in_degrees(&ids, kind, cap).unwrap(), counted);
            let one_by_one: Vec<usize> = ids
                .iter()
                .map(|&id| store.in_degree(id, kind, cap).unwrap())
                .collect();
            assert_eq!(one_by_one, counted);
        }
    }
    let contained: usize = store
        .in_degrees(&ids, EdgeKind::Contains, 1000)
        .unwrap()
        .iter()
        .sum();
    assert!(contained > 40, "the functions are contained: {contained}");
}

/// One field of each node a fuzzy lookup finds, sorted.
fn fuzzy_sorted(
    store: &Store,
    query: &str,
    limit: usize,
    field: impl Fn(codegraph_core::Node) -> String,
) -> Vec<String> {
    let mut found: Vec<String> = store
        .find_fuzzy(query, limit)
        .unwrap()
        .iter()
        .map(|m| field(store.get_node(m.id).unwrap().unwrap()))
        .collect();
    found.sort();
    found
}

#[test]
fn every_node_of_a_name_written_in_several_batches_is_found_by_subword() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
    let mut writer = IndexWriter::new(&store).unwrap();
    // The same name in one batch, in a later batch of the same writer,
    // and (below) from a second writer: token entries are per name, shared
    // by every node of it, and every node of the name is found through
    // them.
    for (path, source) in [
        ("a.py", "def parse_config(): pass\n"),
        (
            "b.py",
            "def parse_config(): pass\ndef render_page(): pass\n",
        ),
    ] {
        let graph = codegraph_parser::parse_file(path, source, Language::Python);
        writer
            .replace_file(path, Language::Python, None, &graph, source)
            .unwrap();
        let graph = codegraph_parser::parse_file(&format!("x{path}"), source, Language::Python);
        writer
            .replace_file(&format!("x{path}"), Language::Python, None, &graph, source)
            .unwrap();
        writer.commit().unwrap();
    }
    drop(writer);
    let files = |name: &str| fuzzy_sorted(&store, name, 10, |n| n.file);
    assert_eq!(files("parse_cfg"), ["a.py", "b.py", "xa.py", "xb.py"]);
    assert_eq!(files("rendr_page"), ["b.py", "xb.py"]);
    write(&store, "c.py", "def render_page(): pass\n");
    assert_eq!(files("rendr_page"), ["b.py", "c.py", "xb.py"]);
}

#[test]
fn a_first_build_writes_its_name_tokens_in_one_pass_as_files_written_in_place_do() {
    use codegraph_graph::tokens;
    let files = [
        ("pkg/cfg.py", V1),
        ("pkg/cfg2.py", V2),
        (
            "pkg/other.py",
            "import config\nclass ConfigLoader:\n    def parseConfig(self):\n        pass\ndef parse_config():\n    pass\n",
        ),
    ];
    let in_place_dir = tempfile::tempdir().unwrap();
    let in_place = Store::open(in_place_dir.path(), OpenMode::ReadWrite).unwrap();
    for (path, source) in files {
        write(&in_place, path, source);
    }
    let queries = ["parse_cfg", "cfg_ldr", "ldr", "prs_conf_file", "ConfLoader"];
    let fuzzy = |store: &Store, query: &str| fuzzy_sorted(store, query, 20, |n| n.qualified_name);
    assert_eq!(
        fuzzy(&in_place, "parse_cfg"),
        [
            "pkg.cfg.parse_config",
            "pkg.cfg2.parse_config_file",
            "pkg.other.ConfigLoader.parseConfig",
            "pkg.other.parse_config"
        ]
    );
    assert!(!tokens::pending(&in_place).unwrap());

    // Two first builds: one through one writer, which hands its names to
    // the token build (as `codegraph index` does), and one whose token
    // build reads the names back from the nodes (as after a run killed
    // before it).
    for from_writer in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let bulk = Store::open(dir.path(), OpenMode::BulkLoad).unwrap();
        let mut writer = IndexWriter::new(&bulk).unwrap();
        for (path, source) in files {
            let graph = codegraph_parser::parse_file(path, source, Language::Python);
            writer
                .replace_file(path, Language::Python, None, &graph, source)
                .unwrap();
        }
        writer.commit().unwrap();
        let names = writer.take_token_names();
        assert!(names.is_some());
        drop(writer);
        // The tokens are left for later, and the store says so.
        assert!(tokens::pending(&bulk).unwrap());
        assert!(fuzzy(&bulk, "parse_cfg").is_empty());

        let report = tokens::build_pending(&bulk, names.filter(|_| from_writer))
            .unwrap()
            .unwrap();
        // The three files, parse_config, Loader, load, parse_config_file,
        // ConfigLoader and parseConfig: the import of `config` defines
        // nothing here.
        assert_eq!(report.names, 9, "from the writer: {from_writer}");
        assert!(!tokens::pending(&bulk).unwrap());
        assert_eq!(tokens::build_pending(&bulk, None).unwrap(), None);
        for query in queries {
            assert_eq!(fuzzy(&bulk, query), fuzzy(&in_place, query), "{query}");
        }

        // Reopened for incremental work, a file written in place puts its
        // own tokens beside those of the first build.
        drop(bulk);
        let again = Store::open(dir.path(), OpenMode::ReadWrite).unwrap();
        let mut writer = IndexWriter::new(&again).unwrap();
        assert_eq!(writer.take_token_names(), None);
        drop(writer);
        write(&again, "pkg/late.py", "def parse_cfg_late(): pass\n");
        assert!(fuzzy(&again, "parse_cfg").contains(&"pkg.late.parse_cfg_late".to_string()));
    }
}
