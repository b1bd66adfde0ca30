//! Batched, atomic writes: each file's old contents are removed and its new
//! contents inserted in the same `WriteBatch` as the updated counters, so a
//! crash between commits loses only uncommitted files, never consistency.

use std::collections::{BTreeMap, HashSet};

use codegraph_core::{Edge, FileGraph, Language, Node, NodeId, NodeKind, RefKind, UnresolvedRef};
use rocksdb::{ColumnFamily, WriteBatch, WriteOptions};

use crate::keys;
use crate::store::{
    FileRecord, OpenMode, ResolvedRecord, Stats, Store, StoreError, CF_FILES, CF_IN, CF_META,
    CF_NAMES, CF_NODES, CF_OUT, CF_PENDING, CF_REFS, CF_REF_NAMES, CF_RESOLVED, CF_SOURCES,
    CF_TOKENS, META_COVERAGE, META_EXTRACTOR, META_PATH_ALIASES, META_STATS, META_TOKENS_PENDING,
};

/// The column families a writer writes, looked up once: a store opened
/// for lookups alone lacks most of them, and a writer over it is refused
/// when it is made rather than failing a write.
#[derive(Clone, Copy)]
struct Families<'s> {
    nodes: &'s ColumnFamily,
    out: &'s ColumnFamily,
    incoming: &'s ColumnFamily,
    names: &'s ColumnFamily,
    tokens: &'s ColumnFamily,
    refs: &'s ColumnFamily,
    ref_names: &'s ColumnFamily,
    files: &'s ColumnFamily,
    sources: &'s ColumnFamily,
    resolved: &'s ColumnFamily,
    pending: &'s ColumnFamily,
    meta: &'s ColumnFamily,
}

impl<'s> Families<'s> {
    fn of(store: &'s Store) -> Result<Families<'s>, StoreError> {
        Ok(Families {
            nodes: store.cf(CF_NODES)?,
            out: store.cf(CF_OUT)?,
            incoming: store.cf(CF_IN)?,
            names: store.cf(CF_NAMES)?,
            tokens: store.cf(CF_TOKENS)?,
            refs: store.cf(CF_REFS)?,
            ref_names: store.cf(CF_REF_NAMES)?,
            files: store.cf(CF_FILES)?,
            sources: store.cf(CF_SOURCES)?,
            resolved: store.cf(CF_RESOLVED)?,
            pending: store.cf(CF_PENDING)?,
            meta: store.cf(CF_META)?,
        })
    }
}

pub struct IndexWriter<'s> {
    store: &'s Store,
    cf: Families<'s>,
    batch: WriteBatch,
    stats: Stats,
    pending_files: usize,
    /// A batch is full at this many files or bytes ([`Self::batch_full`]).
    batch_files: usize,
    batch_bytes: usize,
    /// Whether the store held files when the writer was made: then a name
    /// newly defined may satisfy references elsewhere, and the files with
    /// such references are affected too. A first build resolves them all.
    track_new_names: bool,
    /// A first build leaves the name tokens to [`crate::tokens`], which
    /// writes them all at once when the nodes are in: then the distinct
    /// names of the nodes written, for it.
    token_names: Option<HashSet<Box<str>>>,
}

/// The name a reference is filed under in `ref_names`: its name as
/// written, or for an import the module's last segment (`./util.js` and
/// `app.util` both `util`), which a new file's [`file_names`] match.
fn ref_name(reference: &UnresolvedRef) -> &str {
    if reference.kind == RefKind::Import {
        module_stem(&reference.name)
    } else {
        &reference.name
    }
}

/// The last segment of a module path or file path, without a source
/// extension: `./format.js` → `format`, `os.path` → `path`, `a::b` → `b`.
fn module_stem(module: &str) -> &str {
    let module = module.trim_end_matches(['/', '\\']);
    let last = module.rsplit(['/', '\\', ':']).next().unwrap_or(module);
    let last = Language::all_extensions()
        .find_map(|ext| last.strip_suffix(ext).and_then(|s| s.strip_suffix('.')))
        .unwrap_or(last);
    last.rsplit('.').next().unwrap_or(last)
}

/// The names an import of a new file at `path` may be written with: its
/// stem, and its directory's where the directory is the module
/// (`pkg/__init__.py`, `lib/index.ts`, `m/mod.rs`, a Go package).
fn file_names(path: &str) -> Vec<&str> {
    let stem = module_stem(path);
    let mut names = vec![stem];
    let language = Language::from_path(std::path::Path::new(path));
    let directory_module =
        language.is_some_and(|l| l.info().directory_modules.contains(&stem) || l == Language::Go);
    if let Some((dir, _)) = path.rsplit_once('/').filter(|_| directory_module) {
        names.push(module_stem(dir));
    }
    names.retain(|n| !n.is_empty());
    names
}

/// Names a file defines, as the resolver looks them up.
/// A node that defines its name here (not an import of it, not a file).
fn is_definition(node: &Node) -> bool {
    !matches!(node.kind, NodeKind::Import | NodeKind::File)
}

fn defined_names(nodes: &[Node]) -> HashSet<&str> {
    nodes
        .iter()
        .filter(|n| is_definition(n))
        .map(|n| n.name.as_str())
        .collect()
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str, delta: i64) {
    let entry = map.entry(key.to_string()).or_insert(0);
    *entry = entry.saturating_add_signed(delta);
    if *entry == 0 {
        map.remove(key);
    }
}

fn add(counter: &mut u64, delta: i64) {
    *counter = counter.saturating_add_signed(delta);
}

impl<'s> IndexWriter<'s> {
    pub fn new(store: &'s Store) -> Result<IndexWriter<'s>, StoreError> {
        let cf = Families::of(store)?;
        // A bulk load is a first build, into an empty store.
        let defer_tokens = store.mode() == OpenMode::BulkLoad;
        let mut batch = WriteBatch::default();
        if defer_tokens {
            // Committed with the first nodes: a run killed before the
            // tokens are built leaves the mark for the next one.
            batch.put_cf(cf.meta, META_TOKENS_PENDING, []);
        }
        let stats = store.stats()?;
        Ok(IndexWriter {
            store,
            cf,
            batch,
            track_new_names: stats.files > 0,
            stats,
            pending_files: 0,
            batch_files: 2000,
            batch_bytes: 32 << 20,
            token_names: defer_tokens.then(HashSet::new),
        })
    }

    /// The distinct names of the nodes this writer wrote whose name tokens
    /// it left to [`crate::tokens::build_pending`] (a first build's), once.
    pub fn take_token_names(&mut self) -> Option<Vec<Box<str>>> {
        self.token_names
            .take()
            .map(|names| names.into_iter().collect())
    }

    /// Commit points: a batch is full at `files` changed files or `bytes`
    /// of pending writes, whichever comes first.
    pub fn with_batch_limits(mut self, files: usize, bytes: usize) -> Self {
        self.batch_files = files.max(1);
        self.batch_bytes = bytes.max(1);
        self
    }

    /// Whether the batch has reached its limits and should be committed.
    pub fn batch_full(&self) -> bool {
        self.pending_files >= self.batch_files || self.pending_bytes() >= self.batch_bytes
    }

    /// Counters as they will be after the next commit.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Files changed since the last commit.
    pub fn pending_files(&self) -> usize {
        self.pending_files
    }

    /// Approximate bytes waiting in the batch.
    pub fn pending_bytes(&self) -> usize {
        self.batch.size_in_bytes()
    }

    /// Replaces everything stored for `path` with `graph` and `source`.
    /// `previous` is what the store holds for `path` now, if anything.
    pub fn replace_file(
        &mut self,
        path: &str,
        language: Language,
        previous: Option<&FileRecord>,
        graph: &FileGraph,
        source: &str,
    ) -> Result<(), StoreError> {
        let old_names = match previous {
            Some(old) => self.delete_contents(path, old, Some(graph))?,
            None => HashSet::new(),
        };
        if self.track_new_names {
            let new_ids: HashSet<NodeId> = graph.nodes.iter().map(|n| n.id).collect();
            let new_names = defined_names(&graph.nodes);
            // Names this file defines now and did not, and names it no
            // longer defines (or defines as other nodes): every file using
            // such a name may resolve it otherwise now.
            let defined_before: HashSet<&str> =
                old_names.iter().map(|(name, _)| name.as_str()).collect();
            let mut changed: Vec<&str> = new_names
                .iter()
                .filter(|name| !defined_before.contains(**name))
                .copied()
                .collect();
            changed.extend(
                old_names
                    .iter()
                    .filter(|(_, id)| !new_ids.contains(id))
                    .map(|(name, _)| name.as_str()),
            );
            if previous.is_none() {
                changed.extend(file_names(path));
            }
            self.mark_referrers(path, changed)?;
        }
        self.insert(path, language, graph, source);
        self.mark_pending(path);
        self.pending_files += 1;
        Ok(())
    }

    /// Marks for resolution every file but `path` whose references use one
    /// of `names`.
    fn mark_referrers<'n>(
        &mut self,
        path: &str,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Result<(), StoreError> {
        let names: HashSet<&str> = names.into_iter().collect();
        for name in names {
            for file in self.store.files_referring_to(name)? {
                if file != path {
                    self.mark_pending(&file);
                }
            }
        }
        Ok(())
    }

    /// Records the project's module path aliases (with the next commit).
    pub fn set_path_aliases(&mut self, aliases: &crate::PathAliases) {
        self.batch.put_cf(
            self.cf.meta,
            META_PATH_ALIASES,
            postcard::to_allocvec(aliases).unwrap_or_default(),
        );
    }

    /// Records the fingerprint of the extractor every indexed file was
    /// parsed with.
    pub fn set_extractor(&mut self, fingerprint: &str) {
        self.batch.put_cf(
            self.cf.meta,
            META_EXTRACTOR,
            postcard::to_allocvec(fingerprint).unwrap_or_default(),
        );
    }

    /// Records what a whole index run covered per language (JSON).
    pub fn set_coverage(&mut self, json: &str) {
        self.batch.put_cf(
            self.cf.meta,
            META_COVERAGE,
            postcard::to_allocvec(json).unwrap_or_default(),
        );
    }

    /// Removes a file that no longer exists (or is no longer indexed).
    pub fn remove_file(&mut self, path: &str, previous: &FileRecord) -> Result<(), StoreError> {
        let old_names = self.delete_contents(path, previous, None)?;
        if self.track_new_names {
            let gone: Vec<&str> = old_names.iter().map(|(name, _)| name.as_str()).collect();
            self.mark_referrers(path, gone)?;
        }
        self.clear_pending(path);
        self.pending_files += 1;
        Ok(())
    }

    /// Records, with the next commit, that `path`'s references must be
    /// resolved again. Durable: a run killed before resolving it leaves the
    /// mark for the next run ([`Store::pending_paths`]).
    pub fn mark_pending(&mut self, path: &str) {
        self.batch.put_cf(self.cf.pending, path.as_bytes(), []);
    }

    /// Drops `path`'s pending mark with the next commit (its resolution is
    /// in the same batch, or it has no references left to resolve).
    pub fn clear_pending(&mut self, path: &str) {
        self.batch.delete_cf(self.cf.pending, path.as_bytes());
    }

    /// Writes the batch and the counters atomically.
    pub fn commit(&mut self) -> Result<(), StoreError> {
        crate::fault::before_write("commit").map_err(|e| self.store.write_failed(e))?;
        let stats =
            postcard::to_allocvec(&self.stats).map_err(|e| self.store.corrupt(&e.to_string()))?;
        self.batch.put_cf(self.cf.meta, META_STATS, stats);
        let batch = std::mem::take(&mut self.batch);
        let mut opts = WriteOptions::default();
        // The WAL makes each batch durable against a process crash; an fsync
        // per batch would only add safety against power loss, at high cost.
        opts.set_sync(false);
        self.store
            .db
            .write_opt(batch, &opts)
            .map_err(|e| self.store.write_failed(e))?;
        self.pending_files = 0;
        crate::fault::checkpoint("commit");
        Ok(())
    }

    fn put_edge(&mut self, edge: &Edge) {
        let value = keys::edge_value(edge.confidence, edge.line, edge.resolution);
        let (out, inc) = (self.cf.out, self.cf.incoming);
        self.batch
            .put_cf(out, keys::edge_key(edge.from, edge.kind, edge.to), value);
        self.batch
            .put_cf(inc, keys::edge_key(edge.to, edge.kind, edge.from), value);
    }

    /// Replaces the edges resolved from `path`'s references with `edges`
    /// (deduplicated by the caller). Call after committing the files whose
    /// nodes these edges may point into.
    pub fn replace_resolved(
        &mut self,
        path: &str,
        edges: &[Edge],
        resolved_refs: u32,
    ) -> Result<(), StoreError> {
        let store = self.store;
        let old = store.resolved(path)?;
        for &(from, kind, to) in &old.edges {
            // Edges into a since-replaced file are already gone.
            if store.has_edge(from, kind, to)? {
                self.batch
                    .delete_cf(self.cf.out, keys::edge_key(from, kind, to));
                self.batch
                    .delete_cf(self.cf.incoming, keys::edge_key(to, kind, from));
                add(&mut self.stats.edges, -1);
            }
        }
        add(&mut self.stats.resolved_refs, -i64::from(old.resolved_refs));
        for edge in edges {
            self.put_edge(edge);
        }
        add(&mut self.stats.edges, edges.len() as i64);
        add(&mut self.stats.resolved_refs, i64::from(resolved_refs));
        let record = ResolvedRecord {
            edges: edges.iter().map(|e| (e.from, e.kind, e.to)).collect(),
            resolved_refs,
        };
        self.batch.put_cf(
            self.cf.resolved,
            path.as_bytes(),
            postcard::to_allocvec(&record).unwrap_or_default(),
        );
        self.clear_pending(path);
        self.pending_files += 1;
        Ok(())
    }

    fn index_names(&mut self, node: &Node, delete: bool) {
        // Imports name what is defined elsewhere. Were they in the name
        // index, a name imported in hundreds of files (`settings`,
        // `helper`) would bury its one definition under them past every
        // lookup's limit, and its calls would resolve to nothing.
        if node.kind == NodeKind::Import {
            return;
        }
        let names = self.cf.names;
        let lower = node.name.to_lowercase();
        let qualified = node.qualified_name.to_lowercase();
        let mut name_keys = vec![keys::name_key(&lower, node.id)];
        if qualified != lower {
            name_keys.push(keys::name_key(&qualified, node.id));
        }
        for key in name_keys {
            if delete {
                self.batch.delete_cf(names, key);
            } else {
                self.batch.put_cf(names, key, []);
            }
        }
        // Token entries are per distinct name, shared by every node of that
        // name, so they are never deleted: a stale one leads fuzzy lookup
        // to a name with no nodes, which it drops.
        if delete {
            return;
        }
        if let Some(names) = &mut self.token_names {
            if !names.contains(node.name.as_str()) {
                names.insert(node.name.as_str().into());
            }
            return;
        }
        let tokens = self.cf.tokens;
        for subword in &keys::token_subwords(&node.name) {
            self.batch
                .put_cf(tokens, keys::token_key(subword, &node.name), []);
        }
    }

    fn count_node(&mut self, node: &Node, delta: i64) {
        add(&mut self.stats.nodes, delta);
        bump(&mut self.stats.nodes_by_kind, node.kind.as_str(), delta);
        bump(
            &mut self.stats.nodes_by_language,
            node.language.as_str(),
            delta,
        );
    }

    fn insert(&mut self, path: &str, language: Language, graph: &FileGraph, source: &str) {
        for node in &graph.nodes {
            // Encoding a plain struct into a Vec cannot fail.
            let value = postcard::to_allocvec(node).unwrap_or_default();
            self.batch
                .put_cf(self.cf.nodes, node.id.to_be_bytes(), value);
            self.index_names(node, false);
            self.count_node(node, 1);
        }
        for edge in &graph.edges {
            self.put_edge(edge);
        }
        add(&mut self.stats.edges, graph.edges.len() as i64);
        if !graph.refs.is_empty() {
            let value = postcard::to_allocvec(&graph.refs).unwrap_or_default();
            self.batch.put_cf(self.cf.refs, path.as_bytes(), value);
            let names: HashSet<&str> = graph.refs.iter().map(ref_name).collect();
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                self.batch
                    .put_cf(self.cf.ref_names, keys::ref_name_key(name, path), []);
            }
        }
        add(&mut self.stats.refs, graph.refs.len() as i64);
        let record = FileRecord {
            language,
            content_hash: codegraph_core::content_hash(source.as_bytes()),
            size_bytes: source.len() as u64,
            node_ids: graph.nodes.iter().map(|n| n.id).collect(),
            ref_count: graph.refs.len() as u32,
            has_syntax_errors: graph.has_syntax_errors,
        };
        self.batch.put_cf(
            self.cf.files,
            path.as_bytes(),
            postcard::to_allocvec(&record).unwrap_or_default(),
        );
        let text = source.as_bytes();
        for index in 0..keys::source_chunks(text.len()) {
            let start = index as usize * keys::SOURCE_CHUNK;
            let chunk = &text[start..(start + keys::SOURCE_CHUNK).min(text.len())];
            self.batch
                .put_cf(self.cf.sources, keys::source_key(path, index), chunk);
        }
        self.count_file(&record, 1);
    }

    fn count_file(&mut self, record: &FileRecord, delta: i64) {
        add(&mut self.stats.files, delta);
        bump(
            &mut self.stats.files_by_language,
            record.language.as_str(),
            delta,
        );
        if record.has_syntax_errors {
            add(&mut self.stats.files_with_syntax_errors, delta);
        }
    }

    /// Deletes what the store holds for `path`; returns the definitions it
    /// held, by name and id. `new` is what replaces it, if anything: other files' edges
    /// into its nodes that keep their face (see [`unchanged_nodes`]) stay,
    /// and those files are not resolved again for them.
    fn delete_contents(
        &mut self,
        path: &str,
        old: &FileRecord,
        new: Option<&FileGraph>,
    ) -> Result<HashSet<(String, NodeId)>, StoreError> {
        let store = self.store;
        let old_ids: HashSet<NodeId> = old.node_ids.iter().copied().collect();
        let old_nodes: Vec<Node> = store
            .get_nodes(&old.node_ids)?
            .into_iter()
            .flatten()
            .collect();
        let old_refs = store.file_refs(path)?;
        let unchanged = match new {
            Some(new) => unchanged_nodes(&old_nodes, &old_refs, new),
            None => HashSet::new(),
        };
        for node in &old_nodes {
            self.batch.delete_cf(self.cf.nodes, node.id.to_be_bytes());
            self.index_names(node, true);
            self.count_node(node, -1);
        }
        let names: HashSet<&str> = old_refs.iter().map(ref_name).collect();
        for name in names {
            self.batch
                .delete_cf(self.cf.ref_names, keys::ref_name_key(name, path));
        }
        let mut removed_edges = 0i64;
        for &id in &old.node_ids {
            for edge in store.out_edges(id)? {
                self.batch
                    .delete_cf(self.cf.out, keys::edge_key(edge.from, edge.kind, edge.to));
                self.batch.delete_cf(
                    self.cf.incoming,
                    keys::edge_key(edge.to, edge.kind, edge.from),
                );
                removed_edges += 1;
            }
            for edge in store.in_edges(id)? {
                // Those from other files stay if still right.
                if unchanged.contains(&id) && !old_ids.contains(&edge.from) {
                    continue;
                }
                self.batch.delete_cf(
                    self.cf.incoming,
                    keys::edge_key(edge.to, edge.kind, edge.from),
                );
                // Edges from inside this file were counted by the scan above.
                if !old_ids.contains(&edge.from) {
                    if let Some(source) = store.get_node(edge.from)? {
                        if source.file != path {
                            self.mark_pending(&source.file);
                        }
                    }
                    self.batch
                        .delete_cf(self.cf.out, keys::edge_key(edge.from, edge.kind, edge.to));
                    removed_edges += 1;
                }
            }
        }
        add(&mut self.stats.edges, -removed_edges);
        add(&mut self.stats.refs, -i64::from(old.ref_count));
        self.batch.delete_cf(self.cf.refs, path.as_bytes());
        let resolved = store.resolved(path)?;
        add(
            &mut self.stats.resolved_refs,
            -i64::from(resolved.resolved_refs),
        );
        self.batch.delete_cf(self.cf.resolved, path.as_bytes());
        self.batch.delete_cf(self.cf.files, path.as_bytes());
        for index in 0..keys::source_chunks(old.size_bytes as usize) {
            self.batch
                .delete_cf(self.cf.sources, keys::source_key(path, index));
        }
        self.count_file(old, -1);
        Ok(old_nodes
            .iter()
            .filter(|n| is_definition(n))
            .map(|n| (n.name.clone(), n.id))
            .collect())
    }
}

/// The stored nodes that `new` shows other files unchanged: the same id,
/// kind, name, signature, parent and test flag, wherever it moved and
/// whatever its body and doc say. None at all if the references other
/// files resolve through changed: its imports (re-exports) and base types
/// (inherited members); its calls and type uses are its own business.
/// Another file's edge into an unchanged node is what resolving it again
/// would give: the names, types and return types it resolved through are
/// these; a name `new` adds is caught by the writer's new-name marks.
fn unchanged_nodes(
    old_nodes: &[Node],
    old_refs: &[UnresolvedRef],
    new: &FileGraph,
) -> HashSet<NodeId> {
    if ref_faces(old_refs) != ref_faces(&new.refs) {
        return HashSet::new();
    }
    let new_faces: HashSet<NodeFace<'_>> = new.nodes.iter().map(node_face).collect();
    old_nodes
        .iter()
        .filter(|n| new_faces.contains(&node_face(n)))
        .map(|n| n.id)
        .collect()
}

/// What other files see of a node.
type NodeFace<'a> = (
    u64,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<u64>,
    bool,
);

fn node_face(n: &Node) -> NodeFace<'_> {
    (
        n.id.0,
        n.kind.as_str(),
        n.name.as_str(),
        n.qualified_name.as_str(),
        n.signature.as_deref(),
        n.parent.map(|p| p.0),
        n.test,
    )
}

/// What other files' resolution reads of a reference (its place aside),
/// in order.
type RefFace<'a> = (u64, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

fn ref_faces(refs: &[UnresolvedRef]) -> Vec<RefFace<'_>> {
    let mut faces: Vec<RefFace<'_>> = refs
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                RefKind::Import | RefKind::Inherit | RefKind::Implement
            )
        })
        .map(|r| {
            (
                r.from.0,
                r.kind.as_str(),
                r.name.as_str(),
                r.qualifier.as_deref(),
                r.receiver_type.as_deref(),
            )
        })
        .collect();
    faces.sort_unstable();
    faces
}
