//! Cross-file resolution: turns each file's unresolved references into
//! `Calls`, `References`, `Inherits` and `Implements` edges, following
//! DESIGN.md's scoping order — the receiver's own type (`self.f()`,
//! `Foo::f()`), the same file, explicitly imported names, the same
//! directory, then the name anywhere. Every edge carries a confidence; an
//! ambiguous name links to every candidate with the confidence split, up to
//! `MAX_CANDIDATES`; beyond that (`new`, `get`, `init`) the reference stays
//! unresolved rather than fan out into noise. References are never deleted:
//! unresolved ones stay stored and counted.
//!
//! Imports (`RefKind::Import`) become `Imports` edges to the files they
//! name, by each language's module-path rules (see `imports.rs`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use codegraph_core::{
    callback_parameter_type, normalize_type, Edge, EdgeKind, Language, Node, NodeId, NodeKind,
    RefKind, Resolution, UnresolvedRef,
};

use crate::imports::{self, parent, FileIndex, PathAliases, Target};
use rayon::prelude::*;

use crate::{IndexWriter, Store, StoreError};

/// Most definitions one reference may link to.
const MAX_CANDIDATES: usize = 16;
/// Names whose candidates one thread caches; the cache is dropped when full.
const CACHE_NAMES: usize = 100_000;
/// Candidates one thread's name cache holds before it is dropped. Common
/// names have hundreds of definitions: bounded by names alone, the
/// caches took the kernel's resolution stage from 1.08 to 1.40 GB peak;
/// bounded so, to 1.20-1.29 GB across runs.
const CACHE_CANDIDATES: usize = 250_000;
/// Most definitions read for one name.
const LOOKUP_LIMIT: usize = 256;
/// Most entries read for the types of a name whose lookup was truncated
/// (once per name and thread, for its bases).
const TYPE_LOOKUP_LIMIT: usize = 8192;

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ResolveReport {
    pub files: u64,
    pub refs: u64,
    pub resolved: u64,
    pub edges: u64,
}

/// A definition a name may refer to, with what scoping needs of it.
#[derive(Clone, Debug)]
struct Candidate {
    id: NodeId,
    kind: NodeKind,
    parent: Option<NodeId>,
    file: String,
    qualified_name: String,
    /// The name of the trait that declares this method or associated
    /// type, if one does (Rust).
    in_trait: Option<String>,
    /// Whether it is a member of a type (its parent a class, struct,
    /// trait...).
    in_type: bool,
    language: Language,
    /// Where it starts in its file, and a hash of its signature: a Rust
    /// item written twice under `#[cfg]` alternatives has one signature.
    start_byte: u32,
    signature_hash: u64,
    /// A Rust function's first non-`self` parameter's type head
    /// (`rust_type_head`): which `From<T>` impl's `from` it is.
    parameter: Option<Box<str>>,
    /// A Rust method signed `pub`: an inherent one, since a trait impl's
    /// items take no visibility.
    inherent: bool,
}

/// Whether a reference of kind `reference`, written in `language`, can
/// name a definition of kind `kind`.
fn accepts(reference: RefKind, kind: NodeKind, language: Language) -> bool {
    use NodeKind::*;
    match reference {
        // A Haskell field is also its own selector function.
        RefKind::Call => {
            matches!(
                kind,
                Function | Method | Constructor | Class | Struct | Macro | Variant
            ) || (kind == Field && language.fields_are_functions())
        }
        RefKind::Type => matches!(
            kind,
            Class | Struct | Interface | Trait | Enum | Union | TypeAlias
        ),
        // A type alias names any type, an alias too (`type A = B<u8>`).
        RefKind::Inherit => matches!(
            kind,
            Class | Interface | Trait | Struct | Enum | Union | TypeAlias
        ),
        RefKind::Implement => matches!(kind, Interface | Trait | Class),
        RefKind::Macro => kind == Macro,
        RefKind::Read => matches!(kind, Method | Field),
        RefKind::Value => matches!(
            kind,
            Function | Class | Struct | Interface | Trait | Enum | Union | TypeAlias
        ),
        RefKind::Import => false,
    }
}

/// Files resolved in parallel between two writes: bounds the edges held.
const CHUNK_FILES: usize = 256;

/// What one resolver thread remembers between files.
#[derive(Default)]
struct Caches {
    /// The definitions of each name looked up.
    names: HashMap<String, Definitions>,
    /// How many candidates `names` holds in all.
    names_held: usize,
    /// The types of each type name looked up: their qualified names and
    /// their direct base types.
    types: HashMap<String, TypesNamed>,
    /// Each file's inheritance references (`class A : B`, `impl T for
    /// A`), read once: a type name's candidates share a few big headers.
    inherits: HashMap<String, Vec<(NodeId, String)>>,
    /// The files each JS/TS file re-exports (`export * from './x'`),
    /// followed through further re-exports.
    reexports: HashMap<String, Vec<String>>,
    /// The module file a Python package's `__init__.py` imports each
    /// (package, name) from.
    package_exports: HashMap<(String, String), Option<String>>,
    /// The `pub use` paths declared inside each Rust inline module (`pub
    /// mod graph { pub use crate::graph_impl::node_index; }`), by name.
    inline_uses: HashMap<NodeId, Vec<(String, String)>>,
    /// [`lineage_members`] by (separator and receiver type, name).
    members: HashMap<(String, String), Vec<Candidate>>,
}

/// The caches of one resolution run. rayon calls `map_init`'s init once
/// per split of the work, many times per chunk of files, so a split takes
/// a thread's caches from here and gives them back when it ends: what one
/// file looked up serves the files after it, not only its split's.
#[derive(Default)]
struct CachePool(std::sync::Mutex<Vec<Caches>>);

impl CachePool {
    fn take(&self) -> PooledCaches<'_> {
        let caches = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        PooledCaches {
            caches: caches.unwrap_or_default(),
            pool: self,
        }
    }
}

/// Caches on loan from a [`CachePool`], returned on drop.
struct PooledCaches<'a> {
    caches: Caches,
    pool: &'a CachePool,
}

impl std::ops::Deref for PooledCaches<'_> {
    type Target = Caches;
    fn deref(&self) -> &Caches {
        &self.caches
    }
}

impl std::ops::DerefMut for PooledCaches<'_> {
    fn deref_mut(&mut self) -> &mut Caches {
        &mut self.caches
    }
}

impl Drop for PooledCaches<'_> {
    fn drop(&mut self) {
        let caches = std::mem::take(&mut self.caches);
        let mut pool = self.pool.0.lock().unwrap_or_else(|e| e.into_inner());
        pool.push(caches);
    }
}

/// Most files one module's re-exports are followed into.
const MAX_REEXPORTED: usize = 256;

/// Most ancestor types followed from one type.
const MAX_ANCESTORS: usize = 16;

/// What resolving one file produced.
struct FileResolution {
    edges: Vec<Edge>,
    refs: u32,
    resolved: u32,
}

/// Resolves the references of `paths` and replaces the edges previously
/// resolved from them. Files are resolved in parallel (each thread keeps
/// its own candidate cache); one writer applies the results and commits as
/// it goes.
pub fn resolve_files(
    store: &Store,
    writer: &mut IndexWriter<'_>,
    paths: &[String],
) -> Result<ResolveReport, StoreError> {
    let mut report = ResolveReport::default();
    let files = FileIndex::new(store.file_paths()?);
    let aliases = store.path_aliases()?;
    // Each chunk's edges are written while the next chunk resolves: the
    // write is one thread's work, and resolution reads no resolved edges.
    let mut resolved: Option<(&[String], Vec<Resolved>)> = None;
    let pool = CachePool::default();
    for chunk in paths.chunks(CHUNK_FILES) {
        let previous = resolved.take();
        let (written, results) = rayon::join(
            || match previous {
                Some((done, results)) => write_resolved(writer, &mut report, done, results),
                None => Ok(()),
            },
            || {
                chunk
                    .par_iter()
                    .map_init(
                        || pool.take(),
                        |cache, path| resolve_file(store, &files, &aliases, cache, path),
                    )
                    .collect::<Vec<Resolved>>()
            },
        );
        written?;
        resolved = Some((chunk, results));
        crate::fault::checkpoint("resolve-chunk");
    }
    if let Some((done, results)) = resolved {
        write_resolved(writer, &mut report, done, results)?;
    }
    writer.commit()?;
    Ok(report)
}

type Resolved = Result<Option<FileResolution>, StoreError>;

/// Replaces the resolved edges of each of `paths` with its result.
fn write_resolved(
    writer: &mut IndexWriter<'_>,
    report: &mut ResolveReport,
    paths: &[String],
    results: Vec<Resolved>,
) -> Result<(), StoreError> {
    for (path, result) in paths.iter().zip(results) {
        let Some(file) = result? else {
            writer.clear_pending(path);
            continue;
        };
        report.files += 1;
        report.refs += u64::from(file.refs);
        report.resolved += u64::from(file.resolved);
        report.edges += file.edges.len() as u64;
        writer.replace_resolved(path, &file.edges, file.resolved)?;
        if writer.batch_full() {
            writer.commit()?;
        }
    }
    Ok(())
}

/// Resolves one file's references; `None` if the file is not indexed.
fn resolve_file(
    store: &Store,
    files: &FileIndex,
    aliases: &PathAliases,
    cache: &mut Caches,
    path: &str,
) -> Result<Option<FileResolution>, StoreError> {
    let Some(record) = store.file(path)? else {
        return Ok(None);
    };
    let refs = store.file_refs(path)?;
    let nodes: HashMap<NodeId, Node> = store
        .get_nodes(&record.node_ids)?
        .into_iter()
        .flatten()
        .map(|n| (n.id, n))
        .collect();
    let mut context = FileContext::new(path, record.language, &nodes, files, aliases);
    if context.language == Language::Rust {
        let through: Vec<(&str, String)> = context
            .imported
            .iter()
            .map(|(&name, module)| (name, module.to_string()))
            .collect();
        for (name, module) in through {
            if let Some(target) = inline_reexport(store, cache, &context, &module)? {
                context.imported.insert(name, Cow::Owned(target));
            }
        }
    }
    let imported_files: Vec<String> = context
        .import_files
        .values()
        .map(|(file, _)| file.clone())
        .collect();
    for file in imported_files {
        if let std::collections::hash_map::Entry::Vacant(entry) = context.reexports.entry(file) {
            let found = reexported(store, files, aliases, cache, entry.key())?;
            if !found.is_empty() {
                entry.insert(found);
            }
        }
    }
    // The ancestors (by name) of each type in the file, for `self.f()` and
    // `super.f()` reaching inherited members.
    for node in nodes.values().filter(|n| n.kind.is_type_container()) {
        let direct: Vec<String> = refs
            .iter()
            .filter(|r| {
                r.from == node.id && matches!(r.kind, RefKind::Inherit | RefKind::Implement)
            })
            .map(|r| r.name.clone())
            .collect();
        let all = ancestors(store, cache, direct)?;
        context.ancestors.insert(node.id, all);
    }
    let implements = refs.iter().filter(|r| r.kind == RefKind::Implement);
    for r in implements.filter(|_| record.language == Language::Rust) {
        if let Some(ty) = &r.qualifier {
            let traits = context.impl_traits.entry(last_segment(ty).to_string());
            traits.or_default().push(last_segment(&r.name).to_string());
        }
    }
    let mut edges: HashMap<(NodeId, EdgeKind, NodeId), Edge> = HashMap::new();
    // Receiver types derived from a callee's signature (a callback's
    // parameter, a call's result), shared by the references of one scope.
    let mut derived: HashMap<(NodeId, &str), Option<String>> = HashMap::new();
    let (mut counted, mut resolved) = (0u32, 0u32);
    let unrenamed: Vec<Option<UnresolvedRef>> = refs.iter().map(|r| context.unrenamed(r)).collect();
    // The owners of the file's own definitions, once one is needed.
    let mut own_owners: Option<Owners> = None;
    for (reference, unrenamed) in refs.iter().zip(&unrenamed) {
        counted += 1;
        context.bind_renamed(reference);
        let reference = unrenamed.as_ref().unwrap_or(reference);
        if reference.kind == RefKind::Import {
            let targets = resolve_import(files, aliases, path, record.language, &reference.name);
            if !targets.is_empty() {
                resolved += 1;
            }
            // The name imported (`from .console import Console`) is a
            // reference to its definition in the file the import names.
            for (to, confidence) in
                imported_definitions(store, files, aliases, cache, &context, reference, &targets)?
            {
                edges
                    .entry((reference.from, EdgeKind::References, to))
                    .or_insert(Edge {
                        from: reference.from,
                        kind: EdgeKind::References,
                        to,
                        confidence,
                        line: reference.line,
                        resolution: Resolution::Import,
                    });
            }
            for (file, confidence) in targets {
                let to = NodeId::for_file(&file);
                let key = (reference.from, EdgeKind::Imports, to);
                edges.entry(key).or_insert(Edge {
                    from: reference.from,
                    kind: EdgeKind::Imports,
                    to,
                    confidence,
                    line: reference.line,
                    resolution: Resolution::Import,
                });
            }
            continue;
        }
        // A receiver of declared type: that type and its ancestors, nearest
        // first. A callback parameter's type is read off the callee's signature.
        let receiver_type = match reference.receiver_type.as_deref() {
            // A value a call returned (its callee's declared return type),
            // or a callback's parameter (read off the callee's signature).
            Some(ty)
                if ty.starts_with(codegraph_core::RETURNS)
                    || ty.starts_with(codegraph_core::MEMBERS)
                    || ty.starts_with(codegraph_core::VARIANT)
                    || ty.starts_with(codegraph_core::ITEM)
                    || ty.contains('(') =>
            {
                match derived.get(&(reference.from, ty)) {
                    Some(known) => known.clone(),
                    None => {
                        let found = if let Some(callee) = ty.strip_prefix(codegraph_core::RETURNS) {
                            returned_type(store, cache, reference, callee, &context, 0)?
                        } else if let Some(path) = ty.strip_prefix(codegraph_core::MEMBERS) {
                            member_path_type(store, cache, path)?
                        } else if let Some(field) = ty.strip_prefix(codegraph_core::VARIANT) {
                            variant_field_type(store, cache, field, &context, reference.from)?
                        } else if let Some(walked) = ty.strip_prefix(codegraph_core::ITEM) {
                            walked_item_type(store, cache, reference, walked, &context)?
                        } else {
                            callback_type(store, cache, reference, ty, &context)?
                        };
                        derived.insert((reference.from, ty), found.clone());
                        found
                    }
                }
            }
            // `let e = Left(2)`: a Rust variant built is its enum's value.
            Some(other) if context.language == Language::Rust => {
                Some(variant_enum(store, cache, other)?.unwrap_or_else(|| other.to_string()))
            }
            Some(other) => Some(other.to_string()),
            None => field_type(store, cache, reference, &context)?,
        };
        // A Rust path through a type alias (`DiGraph::new()`): the
        // aliased type's items.
        let receiver_type = match (receiver_type, reference.qualifier.as_deref()) {
            (None, Some(path))
                if context.language == Language::Rust
                    && reference.kind == RefKind::Call
                    && !reference.through_value
                    && looks_like_type(path)
                    && alias_base(store, cache, path)?.is_some() =>
            {
                indexed_type(store, cache, path.to_string())?
            }
            (ty, _) => ty,
        };
        let lineage = match receiver_type {
            Some(ty) => ancestors(store, cache, vec![ty])?,
            None => Vec::new(),
        };
        let exported = package_export(store, files, aliases, cache, &context, reference)?;
        // A typed receiver whose type's member of that name may not be
        // among a truncated lookup's candidates (`list.add(x)` where
        // hundreds of `add`s come first): the type's members of that name,
        // looked up by their qualified names.
        let members = if !lineage.is_empty()
            && cached_definitions(store, cache, &reference.name)?.truncated
        {
            lineage_members(store, cache, &lineage, &reference.name, context.language)?
        } else {
            Vec::new()
        };
        let found = cached_definitions(store, cache, &reference.name)?;
        // A name defined more often than a lookup reads has candidates that
        // may miss the file's own definitions: they are added.
        let completed: Vec<Candidate>;
        let candidates = if found.truncated {
            let owners = own_owners.get_or_insert_with(|| Owners::of(nodes.values()));
            completed =
                with_own_definitions(&found.candidates, path, &nodes, &reference.name, owners);
            &completed
        } else {
            &found.candidates
        };
        let is_member = |c: &Candidate| {
            lineage
                .iter()
                .any(|ty| member_of(&c.qualified_name, ty, &reference.name))
        };
        let widened: Vec<Candidate>;
        let candidates = if !members.is_empty() && !candidates.iter().any(is_member) {
            widened = candidates.iter().cloned().chain(members).collect();
            &widened
        } else {
            candidates
        };
        // A name imported under another is not the file's own definition
        // of the name it was imported as (`from ._funcs import asdict as
        // _asdict` inside `def asdict(..)`).
        let imported_only: Vec<Candidate>;
        let candidates = match unrenamed {
            Some(renamed) if renamed.qualifier.is_none() => {
                imported_only = candidates
                    .iter()
                    .filter(|c| c.file != context.path)
                    .cloned()
                    .collect();
                &imported_only
            }
            _ => candidates,
        };
        let targets = choose(
            reference,
            candidates,
            &context,
            &lineage,
            exported.as_deref(),
        );
        if targets.is_empty() {
            continue;
        }
        resolved += 1;
        for (to, confidence, resolution, target_kind) in targets {
            // Building an enum variant (`Some(x)`, `ErrorKind::Io(e)`) runs
            // no code of the project's: it references the variant. So does
            // applying a Haskell field's selector (`optColumns opts`).
            let kind = match (reference.kind, target_kind) {
                (RefKind::Call, NodeKind::Variant | NodeKind::Field) => EdgeKind::References,
                (reference_kind, _) => reference_kind.edge_kind(),
            };
            let edge = edges.entry((reference.from, kind, to)).or_insert(Edge {
                from: reference.from,
                kind,
                to,
                confidence,
                line: reference.line,
                resolution,
            });
            if confidence > edge.confidence {
                edge.confidence = confidence;
                edge.resolution = resolution;
            }
            edge.line = edge.line.min(reference.line);
        }
    }
    let mut edges: Vec<Edge> = edges.into_values().collect();
    edges.sort_by_key(|e| (e.from, e.kind, e.to));
    Ok(Some(FileResolution {
        edges,
        refs: counted,
        resolved,
    }))
}

/// For a Python name reached through a package (`click.Option`, or
/// `Option` imported `from click import Option`): the module file the
/// package's `__init__.py` imports that name from (`from .core import
/// Option`), which is what the package's name means, though other
/// modules in it define the same name.
fn package_export(
    store: &Store,
    files: &FileIndex,
    aliases: &PathAliases,
    cache: &mut Caches,
    context: &FileContext,
    reference: &UnresolvedRef,
) -> Result<Option<String>, StoreError> {
    if context.language != Language::Python {
        return Ok(None);
    }
    let name = reference.name.as_str();
    // `pkg.Name` through an imported package, or `Name` imported from one.
    let package = match reference.qualifier.as_deref() {
        Some(q) => context.imported.get(q).map(|module| module.as_ref()),
        None => context
            .imported
            .get(name)
            .and_then(|module| module.rsplit_once('.'))
            .filter(|(package, item)| *item == name && !package.is_empty())
            .map(|(package, _)| package),
    };
    let Some(package) = package.filter(|p| !p.starts_with('.')) else {
        return Ok(None);
    };
    let key = (package.to_string(), name.to_string());
    if let Some(known) = cache.package_exports.get(&key) {
        return Ok(known.clone());
    }
    let found = init_export(store, files, aliases, context.path, &key.0, name)?;
    bounded_insert(&mut cache.package_exports, key, found.clone());
    Ok(found)
}

/// The module file `package`'s `__init__.py` imports `name` from, if it
/// does: `from .core import Option` (perhaps `as Option`) names
/// `.core`, resolved from the `__init__.py`.
fn init_export(
    store: &Store,
    files: &FileIndex,
    aliases: &PathAliases,
    importer: &str,
    package: &str,
    name: &str,
) -> Result<Option<String>, StoreError> {
    let Some((init, _)) = resolve_import(files, aliases, importer, Language::Python, package)
        .into_iter()
        .find(|(file, _)| file.ends_with("__init__.py"))
    else {
        return Ok(None);
    };
    let Some(record) = store.file(&init)? else {
        return Ok(None);
    };
    let module = store
        .get_nodes(&record.node_ids)?
        .into_iter()
        .flatten()
        .filter(|node| node.kind == NodeKind::Import && node.name == name)
        .find_map(|node| {
            let qualified = node.qualified_name.as_str();
            let module = qualified.rsplit_once('.').map_or(qualified, |(m, _)| m);
            (!module.is_empty() && !module.ends_with('.')).then(|| module.to_string())
        });
    Ok(module.and_then(|module| {
        resolve_import(files, aliases, &init, Language::Python, &module)
            .into_iter()
            .map(|(file, _)| file)
            .next()
    }))
}

/// Most files one import may link to (a Go package is many files).
const MAX_IMPORT_FILES: usize = 64;

/// The file nodes an import names, with confidences: the first target
/// form that matches any indexed file decides.
fn resolve_import(
    files: &FileIndex,
    aliases: &PathAliases,
    importer: &str,
    language: Language,
    module: &str,
) -> Vec<(String, f32)> {
    for target in imports::targets(importer, language, module, aliases) {
        let found: Vec<&str> = files
            .find(&target)
            .into_iter()
            .filter(|p| *p != importer)
            .collect();
        if found.is_empty() {
            continue;
        }
        if found.len() > MAX_IMPORT_FILES {
            return Vec::new();
        }
        let confidence = if matches!(target, Target::Exact(_)) {
            0.95
        } else {
            0.85
        };
        let each = confidence / found.len() as f32;
        return found.into_iter().map(|p| (p.to_string(), each)).collect();
    }
    Vec::new()
}

/// The definition an import statement names an item of (`from .console
/// import Console`, `import { parse } from './parse'`, `use
/// crate::store::Store`), in the files the import resolved to (`targets`)
/// or, for JS/TS, the files they re-export; nothing for an import of a
/// whole module.
fn imported_definitions(
    store: &Store,
    files: &FileIndex,
    aliases: &PathAliases,
    cache: &mut Caches,
    context: &FileContext,
    reference: &UnresolvedRef,
    targets: &[(String, f32)],
) -> Result<Vec<(NodeId, f32)>, StoreError> {
    let module = reference.name.as_str();
    let item = match context.language {
        Language::Python | Language::Java => module.rsplit('.').next(),
        Language::JavaScript | Language::TypeScript | Language::Tsx => module
            .rsplit_once('.')
            .filter(|(head, item)| !head.is_empty() && !item.contains('/'))
            .map(|(_, item)| item),
        Language::Rust => module.rsplit("::").next(),
        // `import com.acme.Strings`, `use App\Support\Str`, `alias
        // Shop.Repo`: the last segment names a type (or module).
        Language::Kotlin | Language::Scala | Language::Elixir => module.rsplit('.').next(),
        Language::Php => module.rsplit('\\').next(),
        // A whole file, package or namespace: no one definition.
        Language::Go
        | Language::C
        | Language::Cpp
        | Language::Ruby
        | Language::CSharp
        | Language::Swift
        | Language::Lua
        | Language::Bash
        | Language::Haskell
        | Language::Dart
        | Language::Zig => None,
    };
    let Some(item) = item.filter(|i| !i.is_empty() && *i != "*") else {
        return Ok(Vec::new());
    };
    let mut in_files: Vec<String> = targets.iter().map(|(file, _)| file.clone()).collect();
    if matches!(
        context.language,
        Language::JavaScript | Language::TypeScript | Language::Tsx
    ) {
        for (file, _) in targets {
            in_files.extend(reexported(store, files, aliases, cache, file)?);
        }
    }
    let found: Vec<NodeId> = cached_lookup(store, cache, item)?
        .iter()
        .filter(|c| !matches!(c.kind, NodeKind::Import | NodeKind::File))
        .filter(|c| c.parent == Some(NodeId::for_file(&c.file)))
        .filter(|c| in_files.contains(&c.file))
        .map(|c| c.id)
        .collect();
    if found.is_empty() || found.len() > MAX_CANDIDATES {
        return Ok(Vec::new());
    }
    let each = 0.9 / found.len() as f32;
    Ok(found.into_iter().map(|id| (id, each)).collect())
}

/// Inserts into one of a worker's caches, which starts over once it holds
/// `CACHE_NAMES` entries: memory stays bounded on any tree.
fn bounded_insert<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= CACHE_NAMES {
        map.clear();
    }
    map.insert(key, value);
}

/// The definitions named `name`, through the thread's cache.
fn cached_lookup<'c>(
    store: &Store,
    cache: &'c mut Caches,
    name: &str,
) -> Result<&'c [Candidate], StoreError> {
    Ok(&cached_definitions(store, cache, name)?.candidates)
}

/// `cached_lookup`, with whether the candidates are only some of them.
fn cached_definitions<'c>(
    store: &Store,
    cache: &'c mut Caches,
    name: &str,
) -> Result<&'c Definitions, StoreError> {
    if !cache.names.contains_key(name) {
        let found = lookup(store, name, LOOKUP_LIMIT)?;
        let held = cache.names_held + found.candidates.len();
        if cache.names.len() >= CACHE_NAMES || held > CACHE_CANDIDATES {
            cache.names.clear();
            cache.names_held = 0;
        }
        cache.names_held += found.candidates.len();
        cache.names.insert(name.to_string(), found);
    }
    Ok(&cache.names[name])
}

/// `ty` as `indexed_type` finds it, written with its module path where
/// the index has several Rust types of that name and one of them is
/// defined in `file`, where the signature naming it was written
/// (`graph_impl::Edges` for `Graph::edges`' return type, not also
/// `csr::Edges` and `stable_graph::Edges`).
fn type_near(
    store: &Store,
    cache: &mut Caches,
    ty: String,
    file: &str,
) -> Result<Option<String>, StoreError> {
    let Some(found) = indexed_type(store, cache, ty)? else {
        return Ok(None);
    };
    if found.contains("::") {
        return Ok(Some(found));
    }
    let types: Vec<&Candidate> = cached_lookup(store, cache, &found)?
        .iter()
        .filter(|c| c.kind.is_type_container() && c.language == Language::Rust)
        .collect();
    let distinct: HashSet<&str> = types.iter().map(|c| c.qualified_name.as_str()).collect();
    if distinct.len() < 2 {
        return Ok(Some(found));
    }
    let local: HashSet<&str> = types
        .iter()
        .filter(|c| c.file == file)
        .map(|c| c.qualified_name.as_str())
        .collect();
    Ok(Some(match local.into_iter().collect::<Vec<_>>()[..] {
        [one] if one.contains("::") => one.to_string(),
        _ => found,
    }))
}

/// Every ancestor type name reachable from the direct bases `direct`
/// (theirs found by name, through the `Inherit`/`Implement` references of
/// the types so named), nearest first, at most `MAX_ANCESTORS`.
fn ancestors(
    store: &Store,
    cache: &mut Caches,
    direct: Vec<String>,
) -> Result<Vec<String>, StoreError> {
    let mut found: Vec<String> = Vec::new();
    let mut queue: std::collections::VecDeque<String> = direct.into();
    while let Some(name) = queue.pop_front() {
        if found.len() >= MAX_ANCESTORS {
            break;
        }
        if found.contains(&name) {
            continue;
        }
        queue.extend(direct_bases(store, cache, &name)?.iter().cloned());
        found.push(name);
    }
    Ok(found)
}

/// The types of one name (at most `MAX_CANDIDATES`).
struct TypesNamed {
    /// Their qualified names.
    qualified: Vec<String>,
    /// Their base types (by name, as written), and what its aliases name
    /// (`type DiGraph<N, E> = Graph<..>`: `Graph`).
    bases: Vec<String>,
}

/// The base types (by name, as written) of the types named `name`, and
/// what its aliases name, through the thread's cache.
fn direct_bases<'c>(
    store: &Store,
    cache: &'c mut Caches,
    name: &str,
) -> Result<&'c [String], StoreError> {
    Ok(&types_named(store, cache, name)?.bases)
}

/// The types named `name`, through the thread's cache.
fn types_named<'c>(
    store: &Store,
    cache: &'c mut Caches,
    name: &str,
) -> Result<&'c TypesNamed, StoreError> {
    if !cache.types.contains_key(name) {
        let is_type = |c: &Candidate| c.kind.is_type_container() || c.kind == NodeKind::TypeAlias;
        let found = cached_definitions(store, cache, name)?;
        let types: Vec<Candidate> = if found.truncated {
            // A lookup reads a name's first entries, any case and any kind:
            // Go's `t` fields and variables (`struct{ s, t string }` in
            // tests) crowded `testing.T` out of `T`'s, and with it every
            // `t.Fatal` reaching `common` through `T`'s embedding. Types
            // are looked for further.
            lookup(store, name, TYPE_LOOKUP_LIMIT)?
                .candidates
                .into_iter()
                .filter(is_type)
                .collect()
        } else {
            found
                .candidates
                .iter()
                .filter(|c| is_type(c))
                .cloned()
                .collect()
        };
        let qualified: Vec<String> = types
            .iter()
            .take(MAX_CANDIDATES)
            .map(|t| t.qualified_name.clone())
            .collect();
        let mut bases = Vec::new();
        for ty in types.iter().take(MAX_CANDIDATES) {
            for (from, base) in file_inherits(store, cache, &ty.file)? {
                if *from == ty.id && !bases.contains(base) {
                    bases.push(base.clone());
                }
            }
        }
        bounded_insert(
            &mut cache.types,
            name.to_string(),
            TypesNamed { qualified, bases },
        );
    }
    Ok(&cache.types[name])
}

/// The inheritance references of `file`: (the inheriting definition, the
/// base's name as written).
fn file_inherits<'c>(
    store: &Store,
    cache: &'c mut Caches,
    file: &str,
) -> Result<&'c [(NodeId, String)], StoreError> {
    if !cache.inherits.contains_key(file) {
        let inherits = store
            .file_refs(file)?
            .into_iter()
            .filter(|r| matches!(r.kind, RefKind::Inherit | RefKind::Implement))
            .map(|r| (r.from, r.name))
            .collect();
        bounded_insert(&mut cache.inherits, file.to_string(), inherits);
    }
    Ok(&cache.inherits[file])
}

/// The type of a callback's parameter, written `callee(i).j` by the parser
/// (parameter `j` of the function passed as argument `i` to `callee`): the
/// callee is resolved like a call from the same place, and the type read
/// from its signature (a class's from its constructor). `None` unless that
/// names a type the index defines: a type parameter (`T`) or a library
/// type leaves the receiver untyped, as it was.
fn callback_type(
    store: &Store,
    cache: &mut Caches,
    reference: &UnresolvedRef,
    encoded: &str,
    context: &FileContext,
) -> Result<Option<String>, StoreError> {
    let parsed = encoded.split_once('(').and_then(|(callee, rest)| {
        let (arg, param) = rest.split_once(").")?;
        Some((
            callee,
            arg.parse::<usize>().ok()?,
            param.parse::<usize>().ok()?,
        ))
    });
    let Some((callee, arg, param)) = parsed else {
        return Ok(None);
    };
    let Some(mut target) = callee_node(store, cache, reference, None, callee, context)? else {
        return Ok(None);
    };
    if target.kind.is_type_container() {
        let qualified = format!("{}.constructor", target.qualified_name);
        let ids = exact_ids(store, &qualified, 8)?;
        let constructor = store
            .get_nodes(&ids)?
            .into_iter()
            .flatten()
            .find(|n| n.parent == Some(target.id));
        match constructor {
            Some(c) => target = c,
            None => return Ok(None),
        }
    }
    let Some(ty) = target
        .signature
        .as_deref()
        .and_then(|sig| callback_parameter_type(sig, arg, param))
        .and_then(normalize_type)
    else {
        return Ok(None);
    };
    indexed_type(store, cache, ty)
}

/// The declared type of `self.field` in a Rust method, where the struct
/// that declares the field is in another file than the `impl` (the
/// extractor types a receiver from its own file only): `self.pre` in
/// `impl Version` is a `Prerelease` when `Version::pre` is declared
/// `pub pre: Prerelease`. A field of that name on several types, or a
/// type the tree does not define, tells nothing.
fn field_type(
    store: &Store,
    cache: &mut Caches,
    reference: &UnresolvedRef,
    context: &FileContext,
) -> Result<Option<String>, StoreError> {
    if context.language != Language::Rust {
        return Ok(None);
    }
    let Some(field) = reference
        .qualifier
        .as_deref()
        .and_then(|q| q.strip_prefix("self."))
        .filter(|f| {
            f.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    else {
        return Ok(None);
    };
    // The type whose method this is: its type node in this file, else the
    // method's qualified name (`Version::is_exact` → `Version`).
    let owner = match context.enclosing_type(reference.from) {
        Some(node) => node.name.clone(),
        None => {
            let Some(method) = context.nodes.get(&reference.from) else {
                return Ok(None);
            };
            match method.qualified_name.rsplit_once("::") {
                Some((head, _)) => head.rsplit("::").next().unwrap_or(head).to_string(),
                None => return Ok(None),
            }
        }
    };
    declared_field_type(store, cache, &owner, field)
}

/// The indexed type of the one field `field` a type named `owner`
/// declares (`pool: &'a mut Pool` → `Pool`); `None` if there is no such
/// field, several, or its type is not indexed.
fn declared_field_type(
    store: &Store,
    cache: &mut Caches,
    owner: &str,
    field: &str,
) -> Result<Option<String>, StoreError> {
    let mut declared = cached_lookup(store, cache, field)?
        .iter()
        .filter(|c| c.kind == NodeKind::Field && member_of(&c.qualified_name, owner, field))
        .map(|c| c.id);
    let (Some(id), None) = (declared.next(), declared.next()) else {
        return Ok(None);
    };
    match store.get_node(id)? {
        Some(node) => signature_type(store, cache, &node, |s| {
            s.split_once(':').map(|(_, ty)| ty.to_string())
        }),
        None => Ok(None),
    }
}

/// The type `read` finds written in `node`'s signature (a field's
/// declared type, a variant's field, a return type's items), as
/// `type_near` names it from the file the signature is in.
fn signature_type(
    store: &Store,
    cache: &mut Caches,
    node: &Node,
    read: impl FnOnce(&str) -> Option<String>,
) -> Result<Option<String>, StoreError> {
    match node
        .signature
        .as_deref()
        .and_then(read)
        .and_then(|ty| normalize_type(&ty))
    {
        Some(ty) => type_near(store, cache, ty, &node.file),
        None => Ok(None),
    }
}

/// The type of a Rust tuple variant's field, written `Entry::Occupied#0`
/// by the parser for the name a pattern binds in that position: read off
/// the one variant so named (under that enum, unless the pattern says
/// `Self::`) that the index defines, whose signature lists its fields
/// (`Occupied(OccupiedEntry<'a, K, V>)`); `None` if there are several, or
/// the field's type is not indexed.
fn variant_field_type(
    store: &Store,
    cache: &mut Caches,
    encoded: &str,
    context: &FileContext,
    from: NodeId,
) -> Result<Option<String>, StoreError> {
    let Some((path, Ok(position))) = encoded
        .rsplit_once('#')
        .map(|(path, at)| (path, at.parse::<usize>()))
    else {
        return Ok(None);
    };
    let owners: Vec<&str> = match path.rsplit_once("::") {
        Some((owner, _)) => Some(last_segment(owner))
            .filter(|o| *o != "Self")
            .into_iter()
            .collect(),
        None => context.variant_owners(from, path),
    };
    let name = last_segment(path);
    let mut variants: Vec<&Candidate> = cached_lookup(store, cache, name)?
        .iter()
        .filter(|c| {
            c.kind == NodeKind::Variant
                && (owners.is_empty()
                    || owners.iter().any(|o| member_of(&c.qualified_name, o, name)))
        })
        .collect();
    // Several enums of that name (`map::Entry`, `set::Entry`): the file's own.
    if variants.len() > 1 && variants.iter().any(|c| c.file == context.path) {
        variants.retain(|c| c.file == context.path);
    }
    let [variant] = variants[..] else {
        return Ok(None);
    };
    match store.get_node(variant.id)? {
        Some(node) => signature_type(store, cache, &node, |signature| {
            tuple_fields(signature).into_iter().nth(position)
        }),
        None => Ok(None),
    }
}

/// The enum whose variant `name` is, where the index defines `name` only
/// as variants of one enum (`Left` of `Either`): `let e = Left(2)` binds
/// `e` to an `Either`.
fn variant_enum(
    store: &Store,
    cache: &mut Caches,
    name: &str,
) -> Result<Option<String>, StoreError> {
    let candidates = cached_lookup(store, cache, name)?;
    if candidates.iter().any(|c| c.kind != NodeKind::Variant) {
        return Ok(None);
    }
    let mut owners = candidates
        .iter()
        .filter_map(|c| owner_and_name(&c.qualified_name).map(|(owner, _)| owner));
    let Some(owner) = owners.next() else {
        return Ok(None);
    };
    if owners.any(|o| o != owner) {
        return Ok(None);
    }
    let owner = owner.to_string();
    indexed_type(store, cache, owner)
}

/// Most `pub use` hops followed from one import.
const MAX_INLINE_HOPS: usize = 4;

/// Where a Rust import through an inline module's re-export leads: `use
/// petgraph::graph::node_index` with lib.rs declaring `pub mod graph { pub
/// use crate::graph_impl::{node_index, ..}; }` is
/// `petgraph::graph_impl::node_index`, so the import names the file that
/// defines it (not also `matrix_graph::node_index`). `None` unless the path
/// goes through such a module.
fn inline_reexport(
    store: &Store,
    cache: &mut Caches,
    context: &FileContext,
    module: &str,
) -> Result<Option<String>, StoreError> {
    let mut current = module.to_string();
    let mut changed = false;
    for _ in 0..MAX_INLINE_HOPS {
        let segments: Vec<&str> = current.split("::").collect();
        let [root, inner @ .., item] = &segments[..] else {
            break;
        };
        if inner.is_empty() {
            break;
        }
        let crate_dir = match *root {
            "crate" => context.crate_root,
            other => match context.aliases.rust_crate(other) {
                Some(dir) => dir,
                None => break,
            },
        };
        let path = inner.join("::");
        let Some(owner) = cached_lookup(store, cache, inner[inner.len() - 1])?
            .iter()
            .find(|c| {
                c.kind == NodeKind::Module
                    && c.qualified_name == path
                    && c.file.starts_with(crate_dir)
            })
            .map(|c| (c.id, c.file.clone()))
        else {
            break;
        };
        if !cache.inline_uses.contains_key(&owner.0) {
            let mut uses = Vec::new();
            if let Some(record) = store.file(&owner.1)? {
                for node in store.get_nodes(&record.node_ids)?.into_iter().flatten() {
                    if node.kind == NodeKind::Import && node.parent == Some(owner.0) {
                        uses.push((node.name, node.qualified_name));
                    }
                }
            }
            bounded_insert(&mut cache.inline_uses, owner.0, uses);
        }
        let uses = &cache.inline_uses[&owner.0];
        let target = uses
            .iter()
            .find(|(name, _)| name == item)
            .map(|(_, path)| path.clone())
            .or_else(|| {
                uses.iter()
                    .find(|(name, _)| name == "*")
                    .map(|(_, path)| format!("{}::{item}", path.trim_end_matches("::*")))
            });
        let Some(target) = target else {
            break;
        };
        // The re-export's path is written from the module's crate.
        let target = match target.split_once("::") {
            Some(("crate", rest)) => format!("{root}::{rest}"),
            Some(("self", rest)) => format!("{root}::{path}::{rest}"),
            _ => break,
        };
        if target == current {
            break;
        }
        current = target;
        changed = true;
    }
    Ok(changed.then_some(current))
}

/// The type of each element of a value `walked` (`→Graph.edges`, a type
/// name, `↦Graph.nodes`), as a Rust `for` loop binds it.
fn walked_item_type(
    store: &Store,
    cache: &mut Caches,
    reference: &UnresolvedRef,
    walked: &str,
    context: &FileContext,
) -> Result<Option<String>, StoreError> {
    let collection = if let Some(callee) = walked.strip_prefix(codegraph_core::RETURNS) {
        if context.language == Language::Rust {
            // `b.list().iter().rev()`: the items of what `b.list()` returns.
            let mut source = callee;
            while let Some((inner, method)) = source.rsplit_once('.') {
                match inner.strip_prefix(codegraph_core::RETURNS) {
                    Some(call) if codegraph_core::RUST_SAME_ITEMS.contains(&method) => {
                        source = call;
                    }
                    _ => break,
                }
            }
            if let Some(item) = returned_items(store, cache, reference, source, context)? {
                return Ok(Some(item));
            }
        }
        returned_type(store, cache, reference, callee, context, 0)?
    } else if let Some(path) = walked.strip_prefix(codegraph_core::MEMBERS) {
        member_path_type(store, cache, path)?
    } else if walked.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        indexed_type(store, cache, walked.to_string())?
    } else {
        None
    };
    match collection {
        Some(ty) => item_type(store, cache, &ty, 0),
        None => Ok(None),
    }
}

/// The type of the elements of a value of type `ty`: its `Iterator`
/// impl's `type Item = ..` (or its reference's, `impl IntoIterator for
/// &Graph`), else that of what its `into_iter` returns; `None` unless
/// every impl found names one type.
fn item_type(
    store: &Store,
    cache: &mut Caches,
    ty: &str,
    depth: usize,
) -> Result<Option<String>, StoreError> {
    let borrowed = match ty.rsplit_once("::") {
        Some((module, name)) => format!("{module}::&{name}"),
        None => format!("&{ty}"),
    };
    let owned_by = |c: &Candidate, name: &str| {
        member_of(&c.qualified_name, ty, name) || member_of(&c.qualified_name, &borrowed, name)
    };
    let mut found = None;
    for (member, kind) in [
        ("Item", NodeKind::TypeAlias),
        ("into_iter", NodeKind::Method),
    ] {
        let ids: Vec<NodeId> = cached_lookup(store, cache, member)?
            .iter()
            .filter(|c| c.kind == kind && owned_by(c, member))
            .map(|c| c.id)
            .collect();
        let mut named: Vec<(String, String)> = Vec::new();
        for node in store.get_nodes(&ids)?.into_iter().flatten() {
            let written = match kind {
                NodeKind::TypeAlias => node
                    .signature
                    .as_deref()
                    .and_then(|s| s.split_once('=').map(|(_, t)| t.to_string())),
                _ => node
                    .signature
                    .as_deref()
                    .and_then(codegraph_core::return_type)
                    .map(str::to_string),
            };
            if let Some(name) = written.as_deref().and_then(normalize_type) {
                if !named.iter().any(|(n, _)| *n == name) {
                    named.push((name, node.file));
                }
            }
        }
        if let [(name, file)] = &named[..] {
            found = Some((kind, name.clone(), file.clone()));
            break;
        }
        if !named.is_empty() {
            return Ok(None);
        }
    }
    match found {
        Some((NodeKind::TypeAlias, name, file)) => type_near(store, cache, name, &file),
        Some((_, name, file)) if depth == 0 => match type_near(store, cache, name, &file)? {
            Some(iterator) => item_type(store, cache, &iterator, depth + 1),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

/// The field types of a tuple struct's or variant's signature, `Name(A,
/// B<C, D>)`: split at the commas outside brackets.
fn tuple_fields(signature: &str) -> Vec<String> {
    let Some(open) = signature.find('(') else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    let (mut depth, mut current) = (0usize, String::new());
    for c in signature[open + 1..].chars() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' if depth == 0 => break,
            ')' | '>' | ']' => depth -= 1,
            ',' if depth == 0 => {
                fields.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        fields.push(current);
    }
    fields.into_iter().map(|f| f.trim().to_string()).collect()
}

/// The type of the fields `path` names one after another from a type
/// (`Uri.scheme.inner`: `Uri`'s field `scheme`, then that one's `inner`),
/// each read off the one field of that name the type declares; `None`
/// where a step is unknown or ambiguous.
fn member_path_type(
    store: &Store,
    cache: &mut Caches,
    path: &str,
) -> Result<Option<String>, StoreError> {
    let mut segments = path.split('.');
    let Some(first) = segments.next() else {
        return Ok(None);
    };
    let mut ty = first.to_string();
    for field in segments {
        match declared_field_type(store, cache, &ty, field)? {
            Some(next) => ty = next,
            None => return Ok(None),
        }
    }
    Ok(Some(ty))
}

/// `ty`, if the index defines a type of that name, or an alias of one
/// (`DiGraph` for `Graph`, whose lineage then reaches `Graph`'s members);
/// a type parameter (`T`) or a library type leaves a receiver untyped.
fn indexed_type(
    store: &Store,
    cache: &mut Caches,
    ty: String,
) -> Result<Option<String>, StoreError> {
    let mut current = ty.clone();
    for _ in 0..MAX_ALIASES {
        if cached_lookup(store, cache, &current)?
            .iter()
            .any(|c| c.kind.is_type_container())
        {
            return Ok(Some(ty));
        }
        match alias_base(store, cache, &current)? {
            Some(base) => current = base,
            None => break,
        }
    }
    Ok(None)
}

/// Most aliases followed from one name (`type A = B; type B = C<u8>;`).
const MAX_ALIASES: usize = 4;

/// The type `name` is an alias of, where the index defines `name` only as
/// aliases (`type DiGraph<N, E> = Graph<N, E, Directed>`) and they all
/// name one type.
fn alias_base(store: &Store, cache: &mut Caches, name: &str) -> Result<Option<String>, StoreError> {
    if cached_lookup(store, cache, name)?
        .iter()
        .any(|c| c.kind.is_type_container())
    {
        return Ok(None);
    }
    Ok(match direct_bases(store, cache, name)? {
        [base] => Some(base.clone()),
        _ => None,
    })
}

/// The definition a call of `name` (through `qualifier`) made where
/// `reference` is most likely reaches, if one is more likely than the rest.
fn callee_node(
    store: &Store,
    cache: &mut Caches,
    reference: &UnresolvedRef,
    qualifier: Option<&str>,
    name: &str,
    context: &FileContext,
) -> Result<Option<Node>, StoreError> {
    let call = UnresolvedRef {
        from: reference.from,
        kind: RefKind::Call,
        name: name.to_string(),
        qualifier: qualifier.map(str::to_string),
        receiver_type: None,
        through_value: false,
        argument: None,
        line: reference.line,
        col: reference.col,
    };
    let targets = choose(
        &call,
        cached_lookup(store, cache, name)?,
        context,
        &[],
        None,
    );
    match most_likely(&targets) {
        Some(id) => store.get_node(id),
        None => Ok(None),
    }
}

/// Most calls followed through one chain of returned values
/// (`a().b().c()`).
const MAX_RETURN_CHAIN: usize = 4;

/// The one target, or the one more likely than the rest.
fn most_likely(targets: &[Chosen]) -> Option<NodeId> {
    let mut best: Option<(NodeId, f32)> = None;
    let mut tied = false;
    for &(id, confidence, _, _) in targets {
        match best {
            Some((_, top)) if confidence < top => {}
            Some((_, top)) if confidence == top => tied = true,
            _ => {
                best = Some((id, confidence));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(id, _)| id)
}

/// `callee` (`→Config::load.get`, `self.make`, `parse`) split into what
/// it is called through and its name, at the last separator, with a
/// qualifier that is itself a call's value (`→Config::load`) replaced by
/// that call's type; `None` where that type is unknown.
fn callee_parts<'c>(
    store: &Store,
    cache: &mut Caches,
    reference: &UnresolvedRef,
    callee: &'c str,
    context: &FileContext,
    depth: usize,
) -> Result<Option<(Option<String>, &'c str)>, StoreError> {
    let split = match (callee.rfind("::"), callee.rfind('.')) {
        (Some(c), Some(d)) if d > c => Some((&callee[..d], &callee[d + 1..])),
        (Some(c), _) => Some((&callee[..c], &callee[c + 2..])),
        (None, Some(d)) => Some((&callee[..d], &callee[d + 1..])),
        (None, None) => None,
    };
    let (qualifier, name) = match split {
        Some((q, n)) => (Some(q), n),
        None => (None, callee),
    };
    // A method on a value a call returned: that call's type first.
    Ok(
        match qualifier.and_then(|q| q.strip_prefix(codegraph_core::RETURNS)) {
            Some(inner) if depth < MAX_RETURN_CHAIN => {
                returned_type(store, cache, reference, inner, context, depth + 1)?
                    .map(|ty| (Some(ty), name))
            }
            Some(_) => None,
            None => Some((qualifier.map(str::to_string), name)),
        },
    )
}

/// The element type of what `callee(…)` returns, where its signature
/// says so: `impl Iterator<Item = Foo>`, `Vec<Foo>`, `&[Foo]`
/// (`for n in g.nodes()` binds a `Foo`).
fn returned_items(
    store: &Store,
    cache: &mut Caches,
    reference: &UnresolvedRef,
    callee: &str,
    context: &FileContext,
) -> Result<Option<String>, StoreError> {
    let Some((qualifier, name)) = callee_parts(store, cache, reference, callee, context, 0)? else {
        return Ok(None);
    };
    let Some(target) = callee_node(store, cache, reference, qualifier.as_deref(), name, context)?
    else {
        return Ok(None);
    };
    signature_type(store, cache, &target, |signature| {
        codegraph_core::return_type(signature).and_then(codegraph_core::rust_item_type)
    })
}

/// The type of the value `callee(…)` returns (`self.make_context`,
/// `Config::load`, `parse`), called from where `reference` is: the callee
/// resolved like a call from there, its signature's declared return type
/// (`Self` is its own type). `None` unless that names a type the index
/// defines.
fn returned_type(
    store: &Store,
    cache: &mut Caches,
    reference: &UnresolvedRef,
    callee: &str,
    context: &FileContext,
    depth: usize,
) -> Result<Option<String>, StoreError> {
    let Some((qualifier, name)) = callee_parts(store, cache, reference, callee, context, depth)?
    else {
        return Ok(None);
    };
    let qualifier = qualifier.as_deref();
    // `inner.borrow_mut()`, `x.clone()`: the value's own type.
    if let (Some(ty), true) = (qualifier, codegraph_core::passes_type_through(name)) {
        if last_segment(ty).starts_with(|c: char| c.is_ascii_uppercase()) && !ty.contains('.') {
            return indexed_type(store, cache, ty.to_string());
        }
    }
    // `Bytes::from(v)`, `Config::default()`: a Rust conversion or
    // constructor of a type returns that type (`Self`), whichever of the
    // type's several `From` impls the arguments pick.
    if let Some(ty) = qualifier.filter(|q| {
        callee.contains("::")
            && (codegraph_core::RUST_CONSTRUCTORS.contains(&name)
                // Their `Result`s and collections pass the type through too.
                || matches!(name, "try_from" | "from_iter" | "from_str"))
            && q.starts_with(|c: char| c.is_ascii_uppercase())
            && !q.contains(['.', ':'])
    }) {
        return indexed_type(store, cache, ty.to_string());
    }
    let Some(target) = callee_node(store, cache, reference, qualifier, name, context)? else {
        return Ok(None);
    };
    let Some(mut ty) = target
        .signature
        .as_deref()
        .and_then(codegraph_core::return_type)
        .and_then(normalize_type)
    else {
        return Ok(None);
    };
    if ty == "Self" {
        let Some(owner) = target
            .parent
            .map(|p| store.get_node(p))
            .transpose()?
            .flatten()
        else {
            return Ok(None);
        };
        ty = owner.name;
    }
    type_near(store, cache, ty, &target.file)
}

/// What a lookup found of a name.
struct Definitions {
    candidates: Vec<Candidate>,
    /// Whether they are only some of them: a name matched more than
    /// `LOOKUP_LIMIT` times (kernel names such as `probe`) is read no
    /// further.
    truncated: bool,
}

/// The definitions named `name` that are members of a type of `lineage`
/// (a receiver's type, nearest first, and its ancestors), found by their
/// qualified names (`pkg.Type.name`, `mod::Type::name`: the language's
/// separator) under each type so named: a few exact lookups, however
/// common `name` is.
fn lineage_members(
    store: &Store,
    cache: &mut Caches,
    lineage: &[String],
    name: &str,
    language: Language,
) -> Result<Vec<Candidate>, StoreError> {
    let separator = language.info().separator;
    // By separator too: one type name in two languages of a repository.
    let key = (format!("{separator}{}", lineage[0]), name.to_string());
    if let Some(found) = cache.members.get(&key) {
        return Ok(found.clone());
    }
    let mut found: Vec<Candidate> = Vec::new();
    for ty in lineage {
        for qualified in &types_named(store, cache, ty)?.qualified {
            let member = format!("{qualified}{separator}{name}");
            let ids = exact_ids(store, &member, MAX_CANDIDATES)?;
            if !ids.is_empty() {
                // Two types of one qualified name (a declaration and its
                // definition) name the same members: each once.
                for candidate in candidates_of(store, &ids, name)? {
                    if !found.iter().any(|c| c.id == candidate.id) {
                        found.push(candidate);
                    }
                }
            }
        }
    }
    bounded_insert(&mut cache.members, key, found.clone());
    Ok(found)
}

/// The definitions named `name`, from at most `limit` entries of the name
/// index. A Rust type written with its module path (`graph_impl::Edges`,
/// from `type_near`): the types of its last segment whose qualified name
/// ends so.
fn lookup(store: &Store, name: &str, limit: usize) -> Result<Definitions, StoreError> {
    match name.rsplit_once("::") {
        Some((_, last)) if !last.is_empty() => {
            let suffix = format!("::{name}");
            let mut found = lookup_exact(store, last, limit)?;
            found
                .candidates
                .retain(|c| c.qualified_name == name || c.qualified_name.ends_with(&suffix));
            Ok(found)
        }
        _ => lookup_exact(store, name, limit),
    }
}

/// The definitions whose name is exactly `name`.
fn lookup_exact(store: &Store, name: &str, limit: usize) -> Result<Definitions, StoreError> {
    let ids = exact_ids(store, name, limit)?;
    Ok(Definitions {
        truncated: ids.len() >= limit,
        candidates: candidates_of(store, &ids, name)?,
    })
}

/// The ids of at most `limit` nodes whose name (or qualified name) is
/// exactly `name`.
fn exact_ids(store: &Store, name: &str, limit: usize) -> Result<Vec<NodeId>, StoreError> {
    Ok(store
        .find_exact(name, limit)?
        .into_iter()
        .map(|m| m.id)
        .collect())
}

/// The definitions named `name` among the nodes `ids`, as candidates.
fn candidates_of(store: &Store, ids: &[NodeId], name: &str) -> Result<Vec<Candidate>, StoreError> {
    let nodes = definitions_among(store.get_nodes(ids)?.into_iter().flatten(), name);
    // The definitions' enclosing definitions (not files).
    let owners: Vec<NodeId> = nodes
        .iter()
        .filter_map(|n| n.parent.filter(|&p| p != NodeId::for_file(&n.file)))
        .collect();
    let owners: Vec<Node> = store.get_nodes(&owners)?.into_iter().flatten().collect();
    let owners = Owners::of(&owners);
    Ok(nodes.into_iter().map(|n| owners.candidate(n)).collect())
}

/// The definitions of `name` among `nodes`, chosen as a call's targets
/// are: in source order, not id order (where rules tie, the first written
/// wins, whatever the ids hash to), a definition in place of its
/// declaration in a header, and the implementation a stub or an earlier
/// Python definition stands for.
fn definitions_among(nodes: impl IntoIterator<Item = Node>, name: &str) -> Vec<Node> {
    let mut found: Vec<Node> = nodes
        .into_iter()
        .filter(|n| n.name == name && !matches!(n.kind, NodeKind::Import | NodeKind::File))
        .collect();
    found.sort_by(|a, b| (&a.file, a.span.start_byte).cmp(&(&b.file, b.span.start_byte)));
    codegraph_core::prefer_definitions(&mut found);
    prefer_implementations(&mut found);
    found
}

/// `candidates` of `name`, a subset, with all the definitions of it in
/// the file `nodes` are (in place of those of them the subset holds: it
/// may hold one of two), chosen as `lookup` chooses, in source order.
fn with_own_definitions(
    candidates: &[Candidate],
    path: &str,
    nodes: &HashMap<NodeId, Node>,
    name: &str,
    owners: &Owners,
) -> Vec<Candidate> {
    let own = definitions_among(nodes.values().filter(|n| n.name == name).cloned(), name);
    let mut all: Vec<Candidate> = candidates
        .iter()
        .filter(|c| c.file != path)
        .cloned()
        .collect();
    all.extend(own.into_iter().map(|n| owners.candidate(n)));
    all.sort_by(|a, b| (&a.file, a.start_byte).cmp(&(&b.file, b.start_byte)));
    all
}

/// The enclosing definitions of some candidates: the traits that declare
/// Rust methods, and the types whose members they are.
#[derive(Default)]
struct Owners {
    traits: HashMap<NodeId, String>,
    types: HashSet<NodeId>,
}

impl Owners {
    fn of<'n>(owners: impl IntoIterator<Item = &'n Node>) -> Owners {
        let mut found = Owners::default();
        for owner in owners {
            if owner.kind == NodeKind::Trait {
                found.traits.insert(owner.id, owner.name.clone());
            }
            if owner.kind.is_type_container() {
                found.types.insert(owner.id);
            }
        }
        found
    }

    /// `n` as a candidate, its owner among these.
    fn candidate(&self, n: Node) -> Candidate {
        let (traits, types) = (&self.traits, &self.types);
        Candidate {
            id: n.id,
            kind: n.kind,
            in_trait: n
                .parent
                .filter(|_| {
                    matches!(n.kind, NodeKind::Method | NodeKind::TypeAlias)
                        && n.language == Language::Rust
                })
                .and_then(|p| traits.get(&p).cloned()),
            in_type: n.parent.is_some_and(|p| types.contains(&p)),
            language: n.language,
            start_byte: n.span.start_byte,
            // Read only by `split`, for Rust items; from `fn` on: `pub
            // const fn new()` under one `#[cfg]` and `pub fn new()` under
            // the other are one API.
            signature_hash: match (n.language, n.signature.as_deref()) {
                (Language::Rust, Some(signature)) => codegraph_core::content_hash(
                    signature
                        .find("fn ")
                        .map_or(signature, |at| &signature[at..])
                        .as_bytes(),
                ),
                _ => 0,
            },
            parameter: match (n.language, n.signature.as_deref()) {
                (Language::Rust, Some(signature)) => {
                    codegraph_core::first_parameter_type(signature)
                        .and_then(codegraph_core::rust_type_head)
                        .map(Into::into)
                }
                _ => None,
            },
            inherent: n.language == Language::Rust
                && n.kind == NodeKind::Method
                && n.signature.as_deref().is_some_and(|s| s.starts_with("pub")),
            parent: n.parent,
            file: n.file,
            qualified_name: n.qualified_name,
        }
    }
}

/// A type stub (`.pyi`, `.d.ts`) only declares what its module defines:
/// where the module's own definition is indexed too, it is the target.
/// And a Python name defined twice in one scope (`@overload` stubs before
/// the implementation, a definition per platform branch) is the last one
/// to run.
fn prefer_implementations(nodes: &mut Vec<Node>) {
    fn is_stub(file: &str) -> bool {
        file.ends_with(".pyi") || file.ends_with(".d.ts")
    }
    fn module(file: &str) -> &str {
        file.strip_suffix(".pyi")
            .or_else(|| file.strip_suffix(".py"))
            .or_else(|| file.strip_suffix(".d.ts"))
            .or_else(|| file.strip_suffix(".ts"))
            .unwrap_or(file)
    }
    if nodes.len() < 2 {
        return;
    }
    if nodes.iter().any(|n| is_stub(&n.file)) {
        let implemented: std::collections::HashSet<(String, NodeKind, String)> = nodes
            .iter()
            .filter(|n| !is_stub(&n.file))
            .map(|n| {
                (
                    n.qualified_name.clone(),
                    n.kind,
                    module(&n.file).to_string(),
                )
            })
            .collect();
        nodes.retain(|n| {
            !is_stub(&n.file)
                || !implemented.contains(&(
                    n.qualified_name.clone(),
                    n.kind,
                    module(&n.file).to_string(),
                ))
        });
    }
    let mut last: HashMap<(String, String, NodeKind), u32> = HashMap::new();
    for n in nodes.iter().filter(|n| n.language == Language::Python) {
        let line = last
            .entry((n.file.clone(), n.qualified_name.clone(), n.kind))
            .or_insert(0);
        *line = (*line).max(n.span.start_line);
    }
    nodes.retain(|n| {
        n.language != Language::Python
            || last.get(&(n.file.clone(), n.qualified_name.clone(), n.kind))
                == Some(&n.span.start_line)
    });
}

/// Where a JS/TS or Go import really points, for matching candidates by
/// file instead of by the module's spelling.
struct Unaliased {
    /// The module as the path of the file (or Go package directory) it
    /// names, the imported name last (`@app/util.retry` →
    /// `src/app/util.retry`).
    module: String,
    /// A directory whose definitions the import may re-export: a
    /// workspace package's, or that of an `index` file (a barrel that
    /// gathers its directory's modules).
    barrel: Option<String>,
    /// The file the import names (for a JS/TS import).
    file: Option<String>,
    /// The import binds the whole module (`import * as core`), not one
    /// of its names.
    whole: bool,
}

/// `None` if no indexed file answers the import (a dependency; a relative
/// path is left as written).
fn unalias(
    files: &FileIndex,
    aliases: &PathAliases,
    importer: &str,
    language: Language,
    module: &str,
) -> Option<Unaliased> {
    if language == Language::Go {
        let dir = aliases.go_package(module.trim_matches('"'))?;
        return Some(Unaliased {
            module: format!("{dir}/"),
            barrel: None,
            file: None,
            whole: true,
        });
    }
    let find = |module: &str| {
        imports::targets(importer, language, module, aliases)
            .iter()
            .find_map(|t| files.find(t).first().copied())
    };
    // The whole module (`import * as core from '@acme/core'`, a default
    // import), else a module and the name imported from it.
    let (head, file, item) = match find(module) {
        Some(file) => (module, file, None),
        None => {
            let (head, item) = module.rsplit_once('.')?;
            if head.is_empty() || item.contains('/') {
                return None;
            }
            (head, find(head)?, Some(item))
        }
    };
    let stem = module_path(file);
    let package = (!head.starts_with('.'))
        .then(|| aliases.package(head))
        .flatten()
        .map(|(p, _)| p.dir.clone());
    let is_index = file
        .rsplit('/')
        .next()
        .is_some_and(|f| f.starts_with("index."));
    Some(Unaliased {
        module: match item {
            Some(item) => format!("{stem}.{item}"),
            None => stem.to_string(),
        },
        barrel: package.or_else(|| is_index.then(|| stem.to_string())),
        file: Some(file.to_string()),
        whole: item.is_none(),
    })
}

/// The files the JS/TS module `file` re-exports (`export * from './x'`,
/// `export { a } from './y'`), and theirs in turn, through the thread's
/// cache; empty if it re-exports nothing.
fn reexported(
    store: &Store,
    files: &FileIndex,
    aliases: &PathAliases,
    cache: &mut Caches,
    file: &str,
) -> Result<Vec<String>, StoreError> {
    if let Some(found) = cache.reexports.get(file) {
        return Ok(found.clone());
    }
    let mut found: Vec<String> = Vec::new();
    let mut queue = vec![file.to_string()];
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    while let Some(current) = queue.pop() {
        if found.len() >= MAX_REEXPORTED || !seen.insert(current.clone()) {
            continue;
        }
        let Some(record) = store.file(&current)? else {
            continue;
        };
        for node in store.get_nodes(&record.node_ids)?.into_iter().flatten() {
            if node.kind != NodeKind::Import
                || !node
                    .signature
                    .as_deref()
                    .is_some_and(|s| s.starts_with("export"))
            {
                continue;
            }
            let target = imports::targets(&current, record.language, &node.qualified_name, aliases)
                .iter()
                .find_map(|t| files.find(t).first().map(|f| f.to_string()));
            if let Some(target) = target.filter(|t| *t != current && !found.contains(t)) {
                found.push(target.clone());
                queue.push(target);
            }
        }
    }
    bounded_insert(&mut cache.reexports, file.to_string(), found.clone());
    Ok(found)
}

/// How a file binds one imported name: its module, barrel and file.
struct Bound<'a> {
    module: Option<Cow<'a, str>>,
    barrel: Option<String>,
    file: Option<(String, bool)>,
}

/// What resolution needs to know about the file a reference sits in.
struct FileContext<'a> {
    path: &'a str,
    language: Language,
    nodes: &'a HashMap<NodeId, Node>,
    /// Local names bound by imports, with the module path they come from
    /// (a path alias, `@app/util`, already replaced by the file's path).
    imported: HashMap<&'a str, Cow<'a, str>>,
    /// Modules whose every name the file imports (`from m import *`).
    wildcards: Vec<&'a str>,
    /// Files whose every top-level name the file sees, in languages where
    /// including a file brings in all it defines (`source lib.sh`, Dart's
    /// `import 'util.dart'`, Haskell's `import Data.List`, Ruby's
    /// `require`).
    included_files: Vec<String>,
    /// Imported names whose module gathers a directory's definitions (a
    /// workspace package, an `index` file), with that directory.
    barrels: HashMap<&'a str, String>,
    /// The file each JS/TS import names, and whether the import binds
    /// the whole module.
    import_files: HashMap<&'a str, (String, bool)>,
    /// The files those files re-export, when they re-export any.
    reexports: HashMap<String, Vec<String>>,
    /// The ancestor type names of each type defined in the file.
    ancestors: HashMap<NodeId, Vec<String>>,
    /// Rust: the traits (last segments) each type of the file's `impl T for
    /// X` blocks implements, by the type's last segment: an `impl` for a
    /// type from elsewhere has no node to hold them.
    impl_traits: HashMap<String, Vec<String>>,
    /// Module aliases and the tree's Rust crates.
    aliases: &'a PathAliases,
    /// The directory a Rust file's crate is rooted in (`rust_crate_root`).
    crate_root: &'a str,
    /// Names imported under another name (`use a::node_index as n`, `from
    /// .core import Command as Base`, `import { build as make }`): the
    /// local name and the one defined.
    renamed: HashMap<&'a str, &'a str>,
    /// The local names of `renamed` whose defined name another local
    /// name also stands for.
    shared_renames: HashSet<&'a str>,
    /// What `bind_renamed` rebound for the reference before, to restore.
    rebound: Vec<(&'a str, Bound<'a>)>,
    /// Rust: names of standard types (`HashMap`, `Vec`) that mean the
    /// tree's own type here: the file defines one, or imports it from the
    /// tree (hashbrown's `use crate::HashMap`, its benches' `use
    /// hashbrown::HashMap`).
    own_std_types: HashSet<&'a str>,
    /// Rust: the names of the types (structs, enums, traits..) the file
    /// defines.
    own_types: HashSet<&'a str>,
}

impl<'a> FileContext<'a> {
    fn new(
        path: &'a str,
        language: Language,
        nodes: &'a HashMap<NodeId, Node>,
        files: &FileIndex,
        aliases: &'a PathAliases,
    ) -> FileContext<'a> {
        // In source order, so the first import of a name binds it.
        let mut imports: Vec<&Node> = nodes
            .values()
            .filter(|n| n.kind == NodeKind::Import)
            .collect();
        imports.sort_by_key(|n| (n.span.start_byte, n.id));
        let included_files = if matches!(
            language,
            Language::Bash | Language::Dart | Language::Haskell | Language::Ruby
        ) {
            imports
                .iter()
                .flat_map(|n| {
                    crate::imports::targets(path, language, &n.qualified_name, aliases)
                        .iter()
                        .map(|t| files.find(t))
                        .find(|found| !found.is_empty())
                        .unwrap_or_default()
                        .into_iter()
                        .map(str::to_string)
                })
                .collect()
        } else {
            Vec::new()
        };
        let (wildcard, mut named): (Vec<&Node>, Vec<&Node>) =
            imports.into_iter().partition(|n| n.name == "*");
        // Renamed imports in source order: where two bind one defined name
        // (`Router as NewRouter`, `Router as OldRouter`), the first binds
        // it, and `bind_renamed` rebinds it for each reference.
        let renames: Vec<(&'a str, &'a str)> = named
            .iter()
            .filter_map(|n| renamed_import(n, language))
            .collect();
        named.reverse();
        let renamed: HashMap<&'a str, &'a str> = renames.iter().rev().copied().collect();
        let mut barrels = HashMap::new();
        let mut import_files = HashMap::new();
        let mut context = FileContext {
            path,
            language,
            nodes,
            imported: named
                .into_iter()
                .map(|n| {
                    let module = n.qualified_name.as_str();
                    let real = match language {
                        Language::JavaScript | Language::TypeScript | Language::Tsx
                            if module.starts_with('.') || aliases.has_js() =>
                        {
                            unalias(files, aliases, path, language, module)
                        }
                        Language::Go if !aliases.go_modules.is_empty() => {
                            Some(unalias(files, aliases, path, language, module).unwrap_or(
                                // A dependency's package: no file of the tree.
                                Unaliased {
                                    module: String::new(),
                                    barrel: None,
                                    file: None,
                                    whole: true,
                                },
                            ))
                        }
                        _ => None,
                    };
                    if let Some(real) = &real {
                        if let Some(dir) = &real.barrel {
                            barrels.insert(n.name.as_str(), dir.clone());
                        }
                        if let Some(file) = &real.file {
                            import_files.insert(n.name.as_str(), (file.clone(), real.whole));
                        }
                    }
                    (
                        n.name.as_str(),
                        real.map_or(Cow::Borrowed(module), |r| Cow::Owned(r.module)),
                    )
                })
                .collect(),
            wildcards: wildcard
                .into_iter()
                .map(|n| n.qualified_name.as_str())
                .collect(),
            included_files,
            ancestors: HashMap::new(),
            impl_traits: HashMap::new(),
            aliases,
            barrels,
            import_files,
            reexports: HashMap::new(),
            crate_root: if language == Language::Rust {
                rust_crate_root(path)
            } else {
                ""
            },
            renamed: HashMap::new(),
            shared_renames: HashSet::new(),
            rebound: Vec::new(),
            own_std_types: HashSet::new(),
            own_types: HashSet::new(),
        };
        if language == Language::Rust {
            context.own_types = nodes
                .values()
                .filter(|n| n.kind.is_type_container())
                .map(|n| n.name.as_str())
                .collect();
            let defined = context.own_types.iter().copied();
            // Imported from the tree: the crate itself or a crate of the
            // workspace (a dependency's `parking_lot::Mutex` is no type of
            // the tree's, and std's rules still apply to it).
            let imported = context
                .imported
                .iter()
                .filter(|(_, module)| {
                    let root = module.split("::").next().unwrap_or(module);
                    matches!(root, "crate" | "self" | "super") || aliases.rust_crate(root).is_some()
                })
                .map(|(&name, _)| name);
            context.own_std_types = defined
                .chain(imported)
                .filter(|name| crate::builtins::is_rust_std_type(name))
                .collect();
        }
        // The defined name is bound as the local one is: it is what a
        // reference through the local name is looked up by.
        for &(local, original) in &renames {
            context.bind_as(local, original, false);
        }
        let mut binders: HashMap<&str, usize> = HashMap::new();
        for &(_, original) in &renames {
            *binders.entry(original).or_default() += 1;
        }
        context.shared_renames = renames
            .iter()
            .filter(|(_, original)| binders[original] > 1)
            .map(|&(local, _)| local)
            .collect();
        context.renamed = renamed;
        context
    }

    /// Binds the defined name `original` as the local name `local` is
    /// bound: to its module, its barrel and its file. Only where nothing
    /// binds it yet, unless `replace`.
    fn bind_as(&mut self, local: &'a str, original: &'a str, replace: bool) {
        if let Some(module) = self.imported.get(local).cloned() {
            if replace || !self.imported.contains_key(original) {
                self.imported.insert(original, module);
            }
        }
        if let Some(dir) = self.barrels.get(local).cloned() {
            if replace || !self.barrels.contains_key(original) {
                self.barrels.insert(original, dir);
            }
        }
        if let Some(file) = self.import_files.get(local).cloned() {
            if replace || !self.import_files.contains_key(original) {
                self.import_files.insert(original, file);
            }
        }
    }

    /// Before resolving `reference` as written: a defined name that two
    /// renamed imports bind (`Router as NewRouter` and `Router as
    /// OldRouter`) is bound as the local name the reference uses, and
    /// bound back as before for the references after it.
    fn bind_renamed(&mut self, reference: &UnresolvedRef) {
        if self.shared_renames.is_empty() {
            return;
        }
        // Last rebound first: a reference may rebind one name twice.
        for (original, bound) in std::mem::take(&mut self.rebound).into_iter().rev() {
            self.restore(original, bound);
        }
        let used = [
            Some(reference.name.as_str()),
            reference.qualifier.as_deref(),
            reference.receiver_type.as_deref(),
        ];
        for name in used.into_iter().flatten() {
            let Some(&local) = self.shared_renames.get(name) else {
                continue;
            };
            let original = self.renamed[local];
            let bound = Bound {
                module: self.imported.get(original).cloned(),
                barrel: self.barrels.get(original).cloned(),
                file: self.import_files.get(original).cloned(),
            };
            self.rebound.push((original, bound));
            self.bind_as(local, original, true);
        }
    }

    /// Binds `name` as `bound` says, unbinding what it does not bind.
    fn restore(&mut self, name: &'a str, bound: Bound<'a>) {
        match bound.module {
            Some(module) => self.imported.insert(name, module),
            None => self.imported.remove(name),
        };
        match bound.barrel {
            Some(dir) => self.barrels.insert(name, dir),
            None => self.barrels.remove(name),
        };
        match bound.file {
            Some(file) => self.import_files.insert(name, file),
            None => self.import_files.remove(name),
        };
    }

    /// A Rust standard type's name (`Vec`, `HashMap`) that means the
    /// standard type here, not one the tree defines (`own_std_types`).
    fn is_std_type(&self, name: &str) -> bool {
        name.starts_with(codegraph_core::RUST_STD_PREFIX)
            || (crate::builtins::is_rust_std_type(name) && !self.own_std_types.contains(name))
    }

    /// `reference` as the name it was imported under is defined: `n(1)`
    /// after `use g::node_index as n` is a call of `node_index`; so is a
    /// class renamed on import as a type or a receiver (`Base.create()`).
    fn unrenamed(&self, reference: &UnresolvedRef) -> Option<UnresolvedRef> {
        if self.renamed.is_empty() {
            return None;
        }
        let rename = |name: &str| self.renamed.get(name).map(|s| s.to_string());
        let mut renamed = reference.clone();
        let mut changed = false;
        match reference.qualifier.as_deref() {
            None if matches!(
                reference.kind,
                RefKind::Call | RefKind::Value | RefKind::Type
            ) =>
            {
                if let Some(original) = rename(&reference.name) {
                    renamed.name = original;
                    changed = true;
                }
            }
            Some(receiver) => {
                if let Some(original) = rename(receiver).filter(|o| looks_like_type(o)) {
                    renamed.qualifier = Some(original);
                    changed = true;
                }
            }
            None => {}
        }
        if let Some(original) = reference.receiver_type.as_deref().and_then(rename) {
            renamed.receiver_type = Some(original);
            changed = true;
        }
        changed.then_some(renamed)
    }

    /// Whether `file` may define what an import of `module` names: for a
    /// Rust path from the importing file's own crate (`self::slice::Slice`,
    /// `super::Slice`, `crate::map::Slice`), a file of that module or of
    /// one of its submodules, which it may re-export (`pub use
    /// self::slice::Slice` in `map.rs`); else a file whose path ends like
    /// the module's (`file_matches_module`).
    fn defines_import(&self, file: &str, module: &str) -> bool {
        // (A test or bench target's root is its directory: no `src/`.)
        if self.language != Language::Rust
            || !is_rust_relative(module)
            || !self.crate_root.ends_with('/')
        {
            return file_matches_module(file, module);
        }
        // The module the path names, without the item itself.
        let Some(path) = module
            .rsplit_once("::")
            .and_then(|(module, _)| rust_module_path(self.path, self.crate_root, module))
        else {
            return false;
        };
        if path.is_empty() {
            return file.starts_with(self.crate_root);
        }
        let base = format!("{}{}", self.crate_root, path.join("/"));
        file.strip_prefix(base.as_str())
            .is_some_and(|rest| rest == ".rs" || rest.starts_with('/'))
    }

    /// The source directory of the workspace crate a Rust path starts
    /// with (`codegraph_core::Node` → `crates/codegraph-core/src`).
    fn crate_of(&self, path: &str) -> Option<&'a str> {
        if self.language != Language::Rust {
            return None;
        }
        let first = path.split("::").next()?;
        self.aliases.rust_crate(first)
    }

    /// `candidate`, defined in this file inside a function (or, for a bare
    /// name in a language whose class bodies are no scope of their
    /// methods, inside a type), cannot be seen from `from`, outside it.
    fn hidden_from(&self, candidate: &Candidate, from: NodeId, bare: bool) -> bool {
        // A type's members are reached through the type (`Self::Item`,
        // `Config.DEFAULT`), in any file. In Rust an `impl` for a generic
        // or foreign type has no type node: its items are the ones named
        // under a type (modules are snake_case, types CamelCase).
        let class_scoped = bare
            && candidate.kind != NodeKind::Method
            && match self.language {
                Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx => {
                    candidate.in_type
                }
                Language::Rust => candidate.in_type || rust_impl_item(&candidate.qualified_name),
                _ => false,
            };
        if class_scoped {
            return true;
        }
        if candidate.file != self.path {
            return false;
        }
        let Some(parent) = candidate.parent.and_then(|p| self.nodes.get(&p)) else {
            return false;
        };
        if !parent.kind.is_callable() {
            return false;
        }
        !self.scopes_of(from).any(|node| node.id == parent.id)
    }

    /// Where a JS/TS name imported from a module that gathers others may
    /// be defined: in a file the module re-exports (`export * from
    /// './parse'`, followed through further re-exports), else, unique,
    /// anywhere under a workspace package's or an `index` file's
    /// directory.
    fn reexport_rules(&self, name: &str) -> Vec<Rule<'_>> {
        let mut rules = Vec::new();
        if let Some(through) = self
            .import_files
            .get(name)
            .and_then(|(file, _)| self.reexports.get(file))
        {
            rules.push(rule(
                0.85,
                Resolution::Import,
                Box::new(move |c| top_level(c) && through.contains(&c.file)),
            ));
        }
        if let Some(dir) = self.barrels.get(name) {
            rules.push(unique_rule(
                UNIQUE_CONFIDENCE,
                Resolution::Import,
                Box::new(move |c| top_level(c) && under(&c.file, dir)),
            ));
        }
        rules
    }

    /// Whether `name` is bound to a whole JS/TS module (`import * as
    /// name`): its members are the module's top-level definitions.
    fn is_namespace(&self, name: &str) -> bool {
        self.import_files.get(name).is_some_and(|(_, whole)| *whole)
    }

    /// The package of a Java file, read off its top-level types'
    /// qualified names (`com.acme.Invoice` → `com.acme`).
    fn java_package(&self) -> Option<&'a str> {
        if self.language != Language::Java {
            return None;
        }
        let file = NodeId::for_file(self.path);
        self.nodes
            .values()
            .filter(|n| n.parent == Some(file) && n.kind.is_type_container())
            .find_map(|n| n.qualified_name.rsplit_once('.').map(|(p, _)| p))
    }

    /// In Rust, the path an `impl` block's items are named under
    /// (`iter_index::Range` for `Range::index`), read off the method
    /// `from` is in.
    fn impl_path(&self, from: NodeId) -> Option<&'a str> {
        if self.language != Language::Rust {
            return None;
        }
        self.scopes_of(from)
            .find(|node| node.kind == NodeKind::Method)
            .and_then(|node| node.qualified_name.rsplit_once("::").map(|(p, _)| p))
    }

    /// Whether `from` sits inside a module declared in its file (`mod
    /// tests { .. }`).
    fn in_inline_module(&self, from: NodeId) -> bool {
        self.scopes_of(from)
            .any(|node| node.kind == NodeKind::Module)
    }

    /// The type whose member `from` is (or `from` itself, if a type).
    /// The enums a bare variant name (`Occupied` in `Occupied(e) => ..`)
    /// may be of where `from` is: the one the nearest import of the name
    /// names (`use super::Entry::{Occupied, Vacant}` in this module or an
    /// enclosing one), else the types the file glob-imports from (`use
    /// self::RustcEntry::*`); none known, any enum.
    fn variant_owners(&self, from: NodeId, name: &str) -> Vec<&'a str> {
        let imports: Vec<&Node> = self
            .nodes
            .values()
            .filter(|n| n.kind == NodeKind::Import && n.name == name)
            .collect();
        let nearest = self
            .scopes_of(from)
            .find_map(|scope| imports.iter().find(|i| i.parent == Some(scope.id)))
            .or_else(|| {
                imports
                    .iter()
                    .find(|i| i.parent.is_none_or(|p| !self.nodes.contains_key(&p)))
            });
        if let Some((owner, _)) = nearest.and_then(|i| owner_and_name(&i.qualified_name)) {
            return vec![owner];
        }
        self.wildcards
            .iter()
            .map(|module| last_segment(module))
            .filter(|owner| looks_like_type(owner))
            .collect()
    }

    fn enclosing_type(&self, from: NodeId) -> Option<&'a Node> {
        self.scopes_of(from)
            .find(|node| node.kind.is_type_container())
    }

    /// `from` and the definitions of its file around it, innermost first.
    fn scopes_of(&self, from: NodeId) -> impl Iterator<Item = &'a Node> + '_ {
        std::iter::successors(self.nodes.get(&from), |node| {
            node.parent.and_then(|p| self.nodes.get(&p))
        })
    }
}

/// A Rust item named under a type (`merge_join::F::T` from `impl<F>
/// FuncLR for F { type T = ..; }`): the segment before its name is
/// CamelCase, as types are and modules are not.
fn rust_impl_item(qualified: &str) -> bool {
    qualified
        .rsplit("::")
        .nth(1)
        .is_some_and(|owner| owner.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Of the candidates for Rust's `Self::X`, the associated types declared
/// by the enclosing trait, or by the traits the enclosing type (or the
/// type from elsewhere an `impl` is for) implements; none when those traits
/// are not the project's (`Self::Item` of `Iterator`).
fn trait_items<'c>(
    candidates: Vec<&'c Candidate>,
    reference: &UnresolvedRef,
    context: &FileContext,
) -> Vec<&'c Candidate> {
    let traits: Vec<&str> = match context.enclosing_type(reference.from) {
        Some(owner) if owner.kind == NodeKind::Trait => vec![owner.name.as_str()],
        Some(owner) => {
            let ancestors = context.ancestors.get(&owner.id).into_iter().flatten();
            ancestors.map(|a| last_segment(a)).collect()
        }
        None => {
            let ty = context.impl_path(reference.from).map(last_segment);
            let traits = ty.and_then(|ty| context.impl_traits.get(ty)).into_iter();
            traits.flatten().map(String::as_str).collect()
        }
    };
    candidates
        .into_iter()
        .filter(|c| {
            c.kind == NodeKind::TypeAlias
                && c.in_trait.as_deref().is_some_and(|t| traits.contains(&t))
        })
        .collect()
}

/// Of a Rust type's same-named methods from several trait impls (each
/// `From<T>` impl's `from`), the ones whose first parameter is of the
/// argument's type where the call shows it: `Bytes::from(vec![1])` runs
/// `impl From<Vec<u8>> for Bytes`. A method alone under its name is kept
/// whatever its parameter, as coercions (`&Vec<u8>` to `&[u8]`) apply to
/// it; so is a set none of whose members takes that type.
fn narrow_by_argument<'c>(candidates: Vec<&'c Candidate>, argument: &str) -> Vec<&'c Candidate> {
    fn group(c: &Candidate) -> Option<(&str, &str)> {
        rust_impl_item(&c.qualified_name)
            .then(|| owner_and_name(&c.qualified_name))
            .flatten()
    }
    let takes = |c: &Candidate| c.parameter.as_deref() == Some(argument);
    let narrowed: HashSet<(&str, &str)> = candidates
        .iter()
        .filter(|c| takes(c))
        .filter_map(|c| group(c))
        .filter(|g| candidates.iter().filter(|c| group(c) == Some(*g)).count() > 1)
        .collect();
    if narrowed.is_empty() {
        return candidates;
    }
    candidates
        .into_iter()
        .filter(|c| takes(c) || group(c).is_none_or(|g| !narrowed.contains(&g)))
        .collect()
}

/// `Owner::name` of a qualified name (`bytes_mut::BytesMut::from` →
/// (`BytesMut`, `from`)).
fn owner_and_name(qualified: &str) -> Option<(&str, &str)> {
    let (head, name) = qualified.rsplit_once("::")?;
    Some((last_segment(head), name))
}

/// The last segment of a `::` path (`Prerelease` of `display::Prerelease`).
fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

fn is_self(receiver: &str) -> bool {
    matches!(receiver, "self" | "this" | "Self" | "cls") || is_super(receiver)
}

fn is_super(receiver: &str) -> bool {
    matches!(receiver, "super" | "super()")
}

/// `qualified` names a member `name` of something called `owner`:
/// `net::Client::get` for owner `Client`, name `get`.
fn member_of(qualified: &str, owner: &str, name: &str) -> bool {
    let Some(head) = qualified.strip_suffix(name) else {
        return false;
    };
    let head = head
        .strip_suffix("::")
        .or_else(|| head.strip_suffix('.'))
        .unwrap_or(head);
    head == owner || head.ends_with(&format!("::{owner}")) || head.ends_with(&format!(".{owner}"))
}

/// A scoping rule: how sure a match is, what the rule is, and the
/// candidates it admits.
struct Rule<'r> {
    confidence: f32,
    resolution: Resolution,
    /// Decides only when it admits exactly one candidate (a name
    /// somewhere in a package or crate: several would be a guess).
    unique_only: bool,
    admits: Box<dyn Fn(&Candidate) -> bool + 'r>,
}

fn rule<'r>(
    confidence: f32,
    resolution: Resolution,
    admits: Box<dyn Fn(&Candidate) -> bool + 'r>,
) -> Rule<'r> {
    Rule {
        confidence,
        resolution,
        unique_only: false,
        admits,
    }
}

/// A rule that decides only for a unique candidate.
fn unique_rule<'r>(
    confidence: f32,
    resolution: Resolution,
    admits: Box<dyn Fn(&Candidate) -> bool + 'r>,
) -> Rule<'r> {
    Rule {
        unique_only: true,
        ..rule(confidence, resolution, admits)
    }
}

/// A chosen definition: its id, the confidence and the rule that chose it.
type Chosen = (NodeId, f32, Resolution, NodeKind);

/// Picks the definitions `reference` most likely means, with confidences:
/// the first rule that admits any candidate decides.
fn choose(
    reference: &UnresolvedRef,
    all: &[Candidate],
    context: &FileContext,
    lineage: &[String],
    exported: Option<&str>,
) -> Vec<Chosen> {
    // Rust's `Self::Item` inside `impl Iterator for T` names the trait's
    // associated type (as rust-analyzer has it), not the impl's `type Item
    // = ..` item: an impl's associated types are all trait impls'.
    let trait_item_only = context.language == Language::Rust
        && reference.kind == RefKind::Type
        && reference.qualifier.as_deref() == Some("Self");
    let candidates: Vec<&Candidate> = all
        .iter()
        .filter(|c| {
            accepts(reference.kind, c.kind, context.language)
                && c.language.shares_names_with(context.language)
                && (context.language != Language::Rust
                    || visible_from_target(&c.file, context.path))
        })
        .collect();
    if trait_item_only {
        let items = trait_items(candidates, reference, context);
        return match items.len() {
            1 => split(&items, 0.9, Resolution::OwnType),
            _ => Vec::new(),
        };
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    let candidates = match reference.argument.as_deref() {
        Some(argument) if context.language == Language::Rust => {
            narrow_by_argument(candidates, argument)
        }
        _ => candidates,
    };
    let name = reference.name.as_str();
    // The file declares the receiver's type (`console: Console`,
    // `self.store` a `MemStore` field): only its members qualify, its own
    // before inherited ones; a type not indexed (`list`, `String`) leaves
    // the call unresolved.
    if !lineage.is_empty() {
        // A standard Rust type's own method (`s.as_str()` on a `String`,
        // `text.strip_prefix('-')` on a `&str`): inherent methods win over
        // any trait's, so not a project's `impl Sealed for String`.
        if context.language == Language::Rust
            && context.is_std_type(&lineage[0])
            && crate::builtins::is_builtin_method(Language::Rust, name)
        {
            return Vec::new();
        }
        let mut rules: Vec<Rule> = Vec::new();
        for (i, ty) in lineage.iter().enumerate() {
            let confidence = if i == 0 { 0.9 } else { 0.85 };
            // Several types of that name (a `Deferred` in two test
            // files): the file's own, else the one it imports, else all.
            // Not where one type's methods spread over files (Rust impl
            // blocks, Go, C++ out-of-line definitions).
            if matches!(
                context.language,
                Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
            ) {
                rules.extend(own_or_imported_type(context, ty, name, confidence));
            }
            // A Rust type the file imports by a path from its own crate
            // (`use super::IntoIter`): that one of the crate's types so
            // named (`map::IntoIter`, not `set::IntoIter`).
            if let Some(module) = context
                .imported
                .get(ty.as_str())
                .filter(|m| context.language == Language::Rust && is_rust_relative(m))
            {
                rules.push(rule(
                    confidence,
                    Resolution::ReceiverType,
                    Box::new(move |c| {
                        member_of(&c.qualified_name, ty, name)
                            && context.defines_import(&c.file, module)
                    }),
                ));
            } else if context.own_types.contains(ty.as_str()) {
                // A Rust type the file defines (`map::Iter` in map.rs, with
                // `set::Iter` and `table::Iter` elsewhere): its methods
                // here first.
                rules.push(rule(
                    confidence,
                    Resolution::ReceiverType,
                    Box::new(move |c| {
                        c.file == context.path && member_of(&c.qualified_name, ty, name)
                    }),
                ));
            }
            rules.push(rule(
                confidence,
                Resolution::ReceiverType,
                Box::new(move |c| member_of(&c.qualified_name, ty, name)),
            ));
        }
        let chosen = first_admitted(&candidates, &rules);
        if chosen.is_empty()
            && context.language == Language::Rust
            && reference.kind == RefKind::Call
        {
            return rust_trait_fallback(&candidates, context, name);
        }
        return chosen;
    }
    let receiver = reference.qualifier.as_deref();
    // A member read reaches only a member of its receiver's type: the
    // declared or inferred one (above) or, through `self`, the enclosing
    // type's (below).
    let member_read = reference.kind == RefKind::Read;
    if member_read && !receiver.is_some_and(is_self) {
        return Vec::new();
    }
    // A bare call (`f()`) or a bare name used as a value (`key=f`) does
    // not reach the methods of other types...
    let bare_call = receiver.is_none() && matches!(reference.kind, RefKind::Call | RefKind::Value);
    // ...except where a class has an implicit `this` (Java, C++, C#, ...):
    // (its own methods, then inherited ones found by scope below).
    let implicit_this = bare_call
        && reference.kind == RefKind::Call
        && context.language.has_implicit_this()
        && context.enclosing_type(reference.from).is_some();
    let receiver = if implicit_this {
        Some("this")
    } else {
        receiver
    };
    let bare_call = bare_call && !implicit_this;
    // A call through a value (`console.log()`, `item.save()`) reaches a
    // method, never a free function that merely shares the name.
    // So is `self.f()` where no enclosing type is known (an `impl` for a
    // type from elsewhere, a function nested in a method).
    let untyped_self =
        receiver.is_some_and(is_self) && context.enclosing_type(reference.from).is_none();
    let member_call =
        reference.kind == RefKind::Call && (receiver.is_some_and(|r| !is_self(r)) || untyped_self);
    // Nor does a call through a value of unknown type reach a method by
    // scope: `items.append()` is no call of the `append` defined above.
    // A function nested in another is visible only inside that one.
    let from = reference.from;
    // A bare type name does not reach into a type's body either (an
    // associated `type Item` is `Self::Item`).
    let bare = bare_call || (receiver.is_none() && reference.kind == RefKind::Type);
    // `self.f()`/`this.f()` calls a method, never a free function.
    let through_self = reference.kind == RefKind::Call && matches!(receiver, Some("self" | "this"));
    let reachable = move |c: &Candidate| {
        let excluded = match c.kind {
            NodeKind::Method => bare_call || member_call,
            NodeKind::Function | NodeKind::Macro => member_call || through_self,
            _ => false,
        };
        !excluded && !context.hidden_from(c, from, bare)
    };
    let mut rules: Vec<Rule> = Vec::new();
    // The receiver names an imported module (`fs::write`, `json.load`):
    // only that module can define the target; if it is not indexed, the
    // reference stays unresolved rather than match a namesake elsewhere.
    let mut module_bound = false;
    // The receiver names a type (`String.format`, `Math.max`, `Foo::new`):
    // only that type's members qualify; an unindexed type (the standard
    // library) leaves the reference unresolved rather than match a
    // same-named method of another class, even in the same file.
    let mut type_bound = false;

    // What an import can name: a top-level definition of the module
    // (Java's static imports may name a method).
    let importable = move |c: &Candidate| match context.language {
        // A method of an object literal is no export of the module.
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx => {
            top_level(c)
        }
        Language::Java => true,
        _ => c.kind != NodeKind::Method,
    };
    // A Python name a package's `__init__.py` imports from one of its
    // modules (`package_export`): that module's definition.
    let exported_rule = move || {
        exported.map(|file| {
            rule(
                0.85,
                Resolution::Import,
                Box::new(move |c: &Candidate| importable(c) && c.file == file),
            )
        })
    };
    // 0. A Rust path from the crate root or the parent module
    //    (`crate::abort()`, `super::panic_advance(n)`): an item of that
    //    module, else the one item of that name under it (a re-export).
    if let Some(module) = receiver
        .filter(|r| {
            context.language == Language::Rust
                // `super` inside an inline `mod tests { .. }` is the file's
                // own module: left to the rules below.
                && !(r.starts_with("super") && context.in_inline_module(reference.from))
        })
        .and_then(|r| rust_relative_module(context.path, context.crate_root, r))
    {
        let qualified = if module.is_empty() {
            name.to_string()
        } else {
            format!("{module}::{name}")
        };
        let dir = format!("{}{}", context.crate_root, module.replace("::", "/"));
        let rules = [
            rule(
                0.9,
                Resolution::Import,
                Box::new(move |c: &Candidate| c.qualified_name == qualified && top_level(c)),
            ),
            unique_rule(
                UNIQUE_CONFIDENCE,
                Resolution::Import,
                Box::new(move |c: &Candidate| top_level(c) && under(&c.file, &dir)),
            ),
        ];
        return first_admitted(&candidates, &rules);
    }
    // 1. The receiver's own type: `self.save()`, `Policy::default()`, or a
    //    module bound by an import: `json.load`, `util.check`.
    let receiver_crate = receiver.and_then(|r| context.crate_of(r));
    match (receiver, receiver_crate) {
        (Some(r), _) if is_self(r) => {
            if let Some(owner) = context.enclosing_type(reference.from) {
                if !is_super(r) {
                    rules.push(rule(
                        0.95,
                        Resolution::OwnType,
                        Box::new(move |c| c.parent == Some(owner.id)),
                    ));
                    // A same-named member of the type elsewhere (an `impl`
                    // block in another file, a partial class).
                    rules.push(rule(
                        0.9,
                        Resolution::OwnType,
                        Box::new(move |c| member_of(&c.qualified_name, &owner.name, name)),
                    ));
                }
                // An inherited member, nearest ancestor first.
                for ancestor in context.ancestors.get(&owner.id).into_iter().flatten() {
                    rules.push(rule(
                        0.85,
                        Resolution::OwnType,
                        Box::new(move |c| member_of(&c.qualified_name, ancestor, name)),
                    ));
                }
                // `super.f()` reaches ancestors only; so does `self.f()`
                // in a Rust trait's default method, where `self` is any
                // implementor: the trait's own methods or its supertraits'
                // (`Iterator`'s, when not indexed, leave it unresolved).
                type_bound = is_super(r)
                    || member_read
                    || (context.language == Language::Rust && owner.kind == NodeKind::Trait);
            } else if let Some(path) = context
                .impl_path(reference.from)
                .filter(|_| reference.kind == RefKind::Type)
            {
                // A Rust `impl` for a type from elsewhere (`impl Index for
                // Range<usize>`): its items are named after that type, so
                // `Self::Output` is the same impl's. (`self.f()` there may
                // as well be the trait's or another impl's.)
                rules.push(rule(
                    0.95,
                    Resolution::OwnType,
                    Box::new(move |c| {
                        c.qualified_name
                            .strip_prefix(path)
                            .and_then(|rest| rest.strip_prefix("::"))
                            == Some(name)
                    }),
                ));
                type_bound = true;
            } else if let Some((path, owner)) = context
                .impl_path(reference.from)
                // `impl IntoIterator for &Foo`: `self` is a `&Foo`.
                .map(|path| (path, last_segment(path).trim_start_matches('&')))
                .filter(|(_, owner)| {
                    reference.kind == RefKind::Call && !is_super(r) && !context.is_std_type(owner)
                })
            {
                // `self.as_str()` in `impl Display for Prerelease`, with
                // `Prerelease` declared in another file: a method of that
                // type, in this impl or any other (the one the file
                // imports first). A trait's default method is found by
                // the rules that follow, as before. Never the calling
                // method itself: `fn push(&mut self, v) { self.push(v) }`
                // in `impl Stack for Vec<T>` calls `Vec`'s inherent
                // method, which wins over any trait's.
                let from = reference.from;
                let member =
                    move |c: &Candidate| c.id != from && member_of(&c.qualified_name, owner, name);
                if let Some(module) = context.imported.get(owner).map(|m| m.as_ref()) {
                    rules.push(rule(
                        0.9,
                        Resolution::OwnType,
                        Box::new(move |c| {
                            member(c)
                                && (c.qualified_name.starts_with(path)
                                    || file_matches_module(&c.file, module))
                        }),
                    ));
                }
                rules.push(rule(0.9, Resolution::OwnType, Box::new(member)));
            } else if member_read {
                return Vec::new();
            }
        }
        (Some(r), Some(dir)) => {
            // `other_crate::f()`, `other_crate::module::f()`: that crate's
            // definitions only, those of the module named first.
            let module = r.split_once("::").map_or("", |(_, m)| m);
            if !module.is_empty() {
                let owner = last_segment(module);
                rules.push(rule(
                    0.9,
                    Resolution::Import,
                    Box::new(move |c| {
                        under(&c.file, dir) && member_of(&c.qualified_name, owner, name)
                    }),
                ));
            }
            // Through modules only (`itertools::put_back`), a free item,
            // not a method that shares the name (`PutBack::put_back`).
            let through_type = looks_like_type(last_segment(r));
            rules.push(rule(
                0.85,
                Resolution::Import,
                Box::new(move |c| {
                    under(&c.file, dir) && (through_type || c.kind != NodeKind::Method)
                }),
            ));
            module_bound = true;
        }
        (Some(r), None) => {
            let owner = r.rsplit(['.', ':']).find(|s| !s.is_empty()).unwrap_or(r);
            // A Rust value of no known type (`iter.size_hint()`,
            // `entry.get()`); a unit struct (`Special`) is a type.
            let value = reference.through_value
                && context.language == Language::Rust
                && !looks_like_type(owner);
            // A fresh instance, `Client().get()` / `new Client().get()`:
            // the receiver's type is the class constructed.
            let owner = match owner.split_once('(') {
                Some((class, _)) if looks_like_type(class.trim_start_matches("new ")) => {
                    class.trim_start_matches("new ")
                }
                _ => owner,
            };
            let owner_module = context.imported.get(owner).map(|m| m.as_ref());
            // A package of a dependency (a Go import outside the tree's
            // modules): nothing of the tree's.
            if owner_module == Some("") {
                return Vec::new();
            }
            // Several types of that name (`Builder::new()` with a request,
            // a response and a URI builder): the one the file imports,
            // else the one it defines, else all of them.
            // A Rust type imported through a crate's name (`use
            // bytes::BytesMut` in the `bytes` package's tests): a path
            // inside that crate, not a module `bytes.rs` of it.
            let owner_module = owner_module.map(|module| match context.crate_of(module) {
                Some(dir) => (
                    Cow::Owned(format!(
                        "crate::{}",
                        module.split_once("::").map_or("", |(_, rest)| rest)
                    )),
                    Some(dir),
                ),
                None => (Cow::Borrowed(module), None),
            });
            if value {
                // It names no type, and a module of its name only hints at
                // its type (`scheme` is often a `scheme::Scheme`): that
                // module's one method of the name, if it has only one.
                if let Some((module, within)) = owner_module {
                    rules.push(unique_rule(
                        UNIQUE_CONFIDENCE,
                        Resolution::Import,
                        Box::new(move |c| {
                            c.kind == NodeKind::Method
                                && within.is_none_or(|dir| under(&c.file, dir))
                                && file_matches_module(&c.file, &module)
                        }),
                    ));
                    module_bound = true;
                }
            } else {
                if let Some((module, within)) = owner_module.clone() {
                    rules.push(rule(
                        0.9,
                        Resolution::OwnType,
                        Box::new(move |c| {
                            member_of(&c.qualified_name, owner, name)
                                && match within {
                                    Some(dir) => {
                                        under(&c.file, dir) && file_matches_module(&c.file, &module)
                                    }
                                    None => context.defines_import(&c.file, &module),
                                }
                        }),
                    ));
                }
                rules.push(rule(
                    0.9,
                    Resolution::OwnType,
                    Box::new(move |c| {
                        c.file == context.path && member_of(&c.qualified_name, owner, name)
                    }),
                ));
                rules.push(rule(
                    0.9,
                    Resolution::OwnType,
                    Box::new(move |c| member_of(&c.qualified_name, owner, name)),
                ));
                if let Some((module, within)) = owner_module {
                    let file_module = module.clone();
                    rules.push(rule(
                        0.85,
                        Resolution::Import,
                        Box::new(move |c| {
                            within.is_none_or(|dir| under(&c.file, dir))
                                && file_matches_module(&c.file, &file_module)
                        }),
                    ));
                    // What the package's `__init__.py` imports under that name.
                    rules.extend(exported_rule());
                    // A package re-exports its modules' names (`click.echo`
                    // is click/utils.py's): a top-level definition inside it.
                    if context.language == Language::Python {
                        rules.push(unique_rule(
                            UNIQUE_CONFIDENCE,
                            Resolution::Import,
                            Box::new(move |c| importable(c) && in_package(&c.file, &module)),
                        ));
                    }
                    if context.is_namespace(owner) {
                        rules.extend(context.reexport_rules(owner));
                    }
                    // A Rust module re-exports its submodules' items (`pub use
                    // self::coalesce::*`): `adaptors::dedup` may be defined
                    // anywhere under `adaptors/`, if only once.
                    if context.language == Language::Rust {
                        let root = context.crate_root;
                        rules.push(unique_rule(
                            UNIQUE_CONFIDENCE,
                            Resolution::Import,
                            Box::new(move |c| {
                                importable(c)
                                    && top_level(c)
                                    && in_rust_module(&c.file, root, owner)
                            }),
                        ));
                    }
                    module_bound = true;
                } else {
                    // A Rust type path (`I::Item`, `fmt::Result`) names a
                    // member of its owner, never a same-named type elsewhere
                    // in the file.
                    type_bound = (reference.kind == RefKind::Call && looks_like_type(owner))
                        || (context.language == Language::Rust && reference.kind == RefKind::Type);
                }
            }
        }
        (None, _) => {}
    }
    if module_bound || type_bound {
        let chosen = first_admitted(&candidates, &rules);
        // `Panicking.interleave(..)`, `Foo::dups(it)`: no member of the
        // type's own, so an extension trait's in scope.
        if chosen.is_empty()
            && type_bound
            && context.language == Language::Rust
            && reference.kind == RefKind::Call
            && !receiver.is_some_and(|r| context.is_std_type(last_segment(r)))
        {
            return rust_trait_fallback(&candidates, context, name);
        }
        return chosen;
    }
    // 2. The same file.
    rules.push(rule(
        0.9,
        Resolution::SameFile,
        Box::new(move |c| c.file == context.path && reachable(c)),
    ));
    // `x.cloned()` calls a method, not the function `cloned` the file
    // imports.
    let callable_here = move |c: &Candidate| {
        !(member_call && matches!(c.kind, NodeKind::Function | NodeKind::Macro))
    };
    // 3. A name the file imports explicitly.
    if let Some(module) = context.imported.get(name).map(|m| m.as_ref()) {
        // A JS/TS import resolved to its file (`'../tsHelpers'` from
        // `src/query/core/`): that file, not every `tsHelpers` module.
        let file = context.import_files.get(name).map(|(f, _)| f.as_str());
        rules.push(rule(
            0.85,
            Resolution::Import,
            Box::new(move |c| {
                importable(c)
                    && file.map_or_else(|| file_matches_module(&c.file, module), |f| c.file == f)
                    && callable_here(c)
            }),
        ));
        rules.extend(context.reexport_rules(name));
        // From another crate of the workspace: the module path may pass
        // through `pub use` re-exports, so any importable definition in
        // that crate (not a trait's method of the same name).
        if let Some(dir) = context.crate_of(module) {
            rules.push(unique_rule(
                UNIQUE_CONFIDENCE,
                Resolution::Import,
                Box::new(move |c| under(&c.file, dir) && importable(c) && callable_here(c)),
            ));
        }
        // From a Python package that re-exports it (`from click import
        // echo`, defined in click/utils.py): the module its `__init__.py`
        // names, else the one definition in the package.
        rules.extend(exported_rule());
        if context.language == Language::Python {
            let package = module.rsplit_once('.').map_or("", |(p, _)| p);
            if !package.is_empty() && !package.starts_with('.') {
                rules.push(unique_rule(
                    UNIQUE_CONFIDENCE,
                    Resolution::Import,
                    Box::new(move |c| importable(c) && in_package(&c.file, package)),
                ));
            }
        }
    }
    // 3b. A name a wildcard import may bring in (`from m import *`).
    for &module in &context.wildcards {
        rules.push(rule(
            0.75,
            Resolution::Import,
            Box::new(move |c| {
                reachable(c) && importable(c) && file_matches_module(&c.file, module)
            }),
        ));
    }
    // 3c. A top-level name of a file this one includes whole.
    if !context.included_files.is_empty() {
        rules.push(rule(
            0.8,
            Resolution::Import,
            Box::new(move |c| {
                reachable(c) && top_level(c) && context.included_files.contains(&c.file)
            }),
        ));
    }
    // 4. The same directory, where it is one namespace (a Go or Java
    //    package; C and C++ headers beside their sources; Rust modules
    //    that `use super::*`). A Python, JavaScript or TypeScript file sees
    //    only what it defines or imports.
    if !matches!(
        context.language,
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
    ) {
        let dir = parent(context.path);
        rules.push(rule(
            0.75,
            Resolution::Directory,
            Box::new(move |c| reachable(c) && parent(&c.file) == dir),
        ));
    }
    // A Java package spans source roots (`src/main/java` and
    // `src/test/java`, the modules of a multi-module build): a top-level
    // type of the same package, wherever it sits.
    if let Some(package) = context.java_package() {
        rules.push(rule(
            0.75,
            Resolution::Directory,
            Box::new(move |c| {
                reachable(c)
                    && top_level(c)
                    && c.qualified_name.rsplit_once('.').map(|(p, _)| p) == Some(package)
            }),
        ));
    }

    // A Rust name that reaches the file through a glob import or an
    // import of a re-export (`pub use crate::free::*`, where free.rs has
    // `pub use crate::adaptors::interleave`): the one item of that name
    // in the crate. (A type too, unless the prelude or std has one of
    // that name: `Result` is the prelude's more often than a glob-imported
    // alias.)
    if context.language == Language::Rust
        && (matches!(reference.kind, RefKind::Call | RefKind::Value)
            || (reference.kind == RefKind::Type && !context.is_std_type(name)))
        && (!context.wildcards.is_empty() || context.imported.contains_key(name))
    {
        // This crate, and the ones the imports name (a test target's
        // `use web::header::*` is the library's).
        let mut roots = vec![context.crate_root];
        roots.extend(context.wildcards.iter().filter_map(|m| context.crate_of(m)));
        if let Some(module) = context.imported.get(name) {
            roots.extend(context.crate_of(module.as_ref()));
        }
        rules.push(unique_rule(
            UNIQUE_CONFIDENCE,
            Resolution::Import,
            Box::new(move |c| {
                reachable(c)
                    && top_level(c)
                    && callable_here(c)
                    && roots.iter().any(|root| c.file.starts_with(root))
            }),
        ));
    }

    let chosen = first_admitted(&candidates, &rules);
    if !chosen.is_empty() {
        return chosen;
    }
    // 5. Anywhere. Only C and C++ link a bare name across the whole
    // program; elsewhere a bare call names something local or imported
    // (Go: the same package, found above as the same directory). A call
    // through a value of unknown type takes a method only if it is the one
    // method of that name: several would be guesses.
    let global_names = matches!(context.language, Language::C | Language::Cpp);
    if bare_call && !global_names {
        return Vec::new();
    }
    let anywhere: Vec<&Candidate> = candidates
        .iter()
        .copied()
        .filter(|c| reachable(c) || (member_call && c.kind == NodeKind::Method))
        .collect();
    // An extension trait's method (`(0..5).combinations(2)`): the one
    // method of that name in the tree, declared by a trait the file
    // imports, defines or may glob-import.
    // A Rust iterator chain (`v.iter().dedup()`, `(0..n).powerset()`) is
    // a standard iterator: a name that `Iterator` lacks is an extension
    // trait's, whatever else in the tree shares it.
    let iterator = context.language == Language::Rust
        && receiver.is_some_and(crate::builtins::is_rust_iterator_chain);
    if member_call && !untyped_self && (anywhere.len() == 1 || iterator) {
        let std_method = if iterator {
            crate::builtins::is_rust_iterator_method(name)
        } else {
            crate::builtins::is_builtin_method(context.language, name)
        };
        let chosen = trait_method_in_scope(&anywhere, context, std_method);
        if !chosen.is_empty() || iterator {
            return chosen;
        }
    }
    if member_call && anywhere.len() > 1 {
        return Vec::new();
    }
    // A call through a value of unknown type whose name is a method of
    // the language's built-in types (`items.append(x)`, `word.strip()`,
    // `v.push(x)`) most likely calls that, not the project's one method
    // of the same name: no edge rather than a wrong one.
    if member_call && crate::builtins::is_builtin_method(context.language, name) {
        return Vec::new();
    }
    let confidence = if anywhere.len() == 1 { 0.7 } else { 0.5 };
    let resolution = if global_names && bare_call {
        Resolution::Global
    } else {
        Resolution::NameOnly
    };
    split(&anywhere, confidence, resolution)
}

/// The one method of the candidates declared by a trait the file imports,
/// defines or may glob-import: an extension trait's (`(0..5).combinations(2)`),
/// unless the name is the standard type's own (`std_method`).
fn trait_method_in_scope(
    methods: &[&Candidate],
    context: &FileContext,
    std_method: bool,
) -> Vec<Chosen> {
    if std_method {
        return Vec::new();
    }
    let in_scope = |c: &&&Candidate| {
        c.in_trait.as_deref().is_some_and(|declaring| {
            context.imported.contains_key(declaring)
                || c.file == context.path
                || !context.wildcards.is_empty()
        })
    };
    let traits: Vec<&Candidate> = methods.iter().filter(in_scope).copied().collect();
    if traits.len() == 1 {
        split(&traits, UNIQUE_CONFIDENCE, Resolution::TraitMethod)
    } else {
        Vec::new()
    }
}

/// A Rust method call that none of its receiver type's own members
/// answer: an extension trait in scope with a blanket impl
/// (`Panicking.interleave(..)` with `use itertools::Itertools`), as Rust
/// looks trait methods up after inherent ones.
fn rust_trait_fallback(
    candidates: &[&Candidate],
    context: &FileContext,
    name: &str,
) -> Vec<Chosen> {
    let methods: Vec<&Candidate> = candidates
        .iter()
        .copied()
        .filter(|c| c.kind == NodeKind::Method)
        .collect();
    // `self.iter.size_hint()` on an `I: Iterator`: the standard trait's.
    let std_method = crate::builtins::is_builtin_method(context.language, name)
        || crate::builtins::is_rust_iterator_method(name);
    trait_method_in_scope(&methods, context, std_method)
}

/// The Cargo target a Rust file belongs to, where it is not the package's
/// library or binaries: `benches/`, `tests/` or `examples/` (before any
/// `src/`) and the path up to it, each file there its own crate.
fn cargo_target(path: &str) -> Option<&str> {
    let mut at = 0;
    for segment in path.split('/') {
        match segment {
            "src" => return None,
            "benches" | "tests" | "examples" => return Some(&path[..at + segment.len()]),
            _ => at += segment.len() + 1,
        }
    }
    None
}

/// The directory a Rust file's crate (or Cargo target) is rooted in:
/// `crates/x/src/` for `crates/x/src/a/b.rs`.
fn rust_crate_root(path: &str) -> &str {
    if let Some(at) = path
        .find("src/")
        .filter(|&at| at == 0 || path[..at].ends_with('/'))
    {
        return &path[..at + 4];
    }
    cargo_target(path).unwrap_or("")
}

/// The module a Rust path from `crate` or `super` names, as a qualified
/// name prefix (`""` for the crate root), seen from the file at `path`:
/// `super` in `src/buf/chain.rs` is `buf`, in `src/buf/mod.rs` the root
/// (`root`, the file's `rust_crate_root`). Only `super`s may follow: a
/// type or a module further down is a path the general rules follow by
/// name.
fn rust_relative_module(path: &str, root: &str, receiver: &str) -> Option<String> {
    let mut segments = receiver.split("::");
    if !matches!(segments.next(), Some("crate" | "super")) || segments.any(|s| s != "super") {
        return None;
    }
    rust_module_path(path, root, receiver).map(|module| module.join("::"))
}

/// The module a Rust path from the current crate names (`crate::map`,
/// `self::slice`, `super::super::iter`), as segments from the crate root,
/// seen from the file at `path` (`root`, its `rust_crate_root`): `self` in
/// `src/buf/chain.rs` is `buf::chain`, `super` there `buf`, and in
/// `src/buf/mod.rs` `self` is `buf`. `None` past the crate root, or for a
/// path that does not start from the current crate.
fn rust_module_path<'p>(path: &'p str, root: &str, module: &'p str) -> Option<Vec<&'p str>> {
    let own = || {
        let stem = path.strip_prefix(root)?.strip_suffix(".rs")?;
        let mut own: Vec<&str> = stem.split('/').collect();
        if matches!(own.last(), Some(&"mod" | &"lib" | &"main")) {
            own.pop();
        }
        Some(own)
    };
    let mut segments = module.split("::");
    let mut found = match segments.next()? {
        "crate" => Vec::new(),
        "self" => own()?,
        "super" => {
            let mut parent = own()?;
            parent.pop()?;
            parent
        }
        _ => return None,
    };
    for segment in segments {
        match segment {
            "self" => {}
            "super" => {
                found.pop()?;
            }
            named => found.push(named),
        }
    }
    Some(found)
}

/// `file` is the Rust module `module` of the crate at `root`, or one of
/// its submodules: `src/adaptors.rs`, `src/adaptors/mod.rs`,
/// `src/adaptors/coalesce.rs` for `adaptors`.
fn in_rust_module(file: &str, root: &str, module: &str) -> bool {
    file.strip_prefix(root)
        .and_then(|rest| rest.strip_suffix(".rs"))
        .is_some_and(|stem| stem.split('/').any(|segment| segment == module))
}

/// A definition in a bench, test or example target is visible only from
/// that target: the library never sees them (a bench's `impl Vector for
/// SmallVec` adds no method to the library's `SmallVec`). Each file right
/// under `tests/` is a crate of its own (`tests/list.rs` sees nothing of
/// `tests/graph.rs`); a directory there is shared code any of them may
/// declare as a module (`mod common;`).
fn visible_from_target(file: &str, from: &str) -> bool {
    let Some(target) = cargo_target(file) else {
        return true;
    };
    if cargo_target(from) != Some(target) {
        return false;
    }
    fn unit<'p>(path: &'p str, target: &str) -> &'p str {
        let rest = path[target.len()..].trim_start_matches('/');
        rest.split_once('/').map_or(rest, |(dir, _)| dir)
    }
    let defined = unit(file, target);
    !defined.ends_with(".rs") || defined == unit(from, target)
}

/// The local and the defined name of an import that renames what it
/// imports, in the languages that write it `x as y` (Rust, Python,
/// JavaScript and TypeScript): the defined name ends the import's path.
fn renamed_import(import: &Node, language: Language) -> Option<(&str, &str)> {
    let separator = match language {
        Language::Rust => "::",
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx => ".",
        _ => return None,
    };
    let original = import.qualified_name.rsplit(separator).next()?;
    let local = import.name.as_str();
    let written = import.signature.as_deref()?;
    (!original.is_empty()
        && original != local
        && written.contains(&format!("{original} as {local}")))
    .then_some((local, original))
}

/// A Rust path from the current crate: `crate::`, `self::`, `super::`.
fn is_rust_relative(module: &str) -> bool {
    ["crate::", "self::", "super::"]
        .iter()
        .any(|prefix| module.starts_with(prefix))
}

/// `CamelCase` (not `ALL_CAPS`, not `lower`): a class or type by the naming
/// convention of every supported language that has classes.
fn looks_like_type(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().any(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Whether `chosen` holds more than one item: a Rust item written twice
/// under exclusive `#[cfg]`s with one signature (`make_hash` with and
/// without a nightly feature) is one.
fn several_items(chosen: &[&Candidate]) -> bool {
    let Some((first, rest)) = chosen.split_first() else {
        return false;
    };
    rest.iter().any(|c| {
        c.signature_hash == 0
            || c.signature_hash != first.signature_hash
            || c.qualified_name != first.qualified_name
    })
}

/// The candidates of the first rule that admits any (one, for a
/// unique-only rule), with its confidence.
fn first_admitted(candidates: &[&Candidate], rules: &[Rule]) -> Vec<Chosen> {
    for rule in rules {
        let chosen: Vec<&Candidate> = candidates
            .iter()
            .copied()
            .filter(|c| (rule.admits)(c))
            .collect();
        if rule.unique_only && several_items(&chosen) {
            continue;
        }
        if !chosen.is_empty() {
            return split(&chosen, rule.confidence, rule.resolution);
        }
    }
    Vec::new()
}

/// Members `name` of the type `ty` defined in the reference's own file,
/// then of the one its import of `ty` names.
fn own_or_imported_type<'c>(
    context: &'c FileContext,
    ty: &'c str,
    name: &'c str,
    confidence: f32,
) -> Vec<Rule<'c>> {
    let mut rules = vec![rule(
        confidence,
        Resolution::ReceiverType,
        Box::new(move |c| c.file == context.path && member_of(&c.qualified_name, ty, name)),
    )];
    if let Some(module) = context.imported.get(ty).map(|m| m.as_ref()) {
        rules.push(rule(
            confidence,
            Resolution::ReceiverType,
            Box::new(move |c| {
                member_of(&c.qualified_name, ty, name) && file_matches_module(&c.file, module)
            }),
        ));
    }
    rules
}

/// A module's top-level definition (a JS/TS object literal's method, though
/// its parent is the module, is none).
fn top_level(c: &Candidate) -> bool {
    (c.parent == Some(NodeId::for_file(&c.file)) && c.kind != NodeKind::Method)
        // A Haskell field's selector is a function of the module.
        || (c.kind == NodeKind::Field && c.language.fields_are_functions())
}

/// The confidence of a unique candidate found somewhere in a package or
/// crate the reference names.
const UNIQUE_CONFIDENCE: f32 = 0.8;

/// Links to every chosen definition with the confidence split between
/// them; too many choices is no answer.
fn split(chosen: &[&Candidate], confidence: f32, resolution: Resolution) -> Vec<Chosen> {
    if chosen.is_empty() || chosen.len() > MAX_CANDIDATES {
        return Vec::new();
    }
    // A Rust type's methods may sit in impl blocks of several files, each
    // named after its own module: `Owner::name` is what they share.
    let same_name = chosen.len() > 1
        && chosen[0].file.ends_with(".rs")
        && chosen.iter().all(|c| {
            c.qualified_name == chosen[0].qualified_name
                || (rust_impl_item(&c.qualified_name)
                    && owner_and_name(&c.qualified_name)
                        == owner_and_name(&chosen[0].qualified_name))
        });
    // One Rust item written once per `#[cfg]` alternative (a `union` and
    // an `enum` version of a type, a function per platform), in one file
    // with one signature: the same API whichever is compiled, so the
    // first written stands for all. (Not an associated type: each trait
    // impl's `type Error = E` is its own.)
    if same_name
        && chosen.iter().all(|c| {
            c.file == chosen[0].file
                && c.signature_hash == chosen[0].signature_hash
                && c.kind != NodeKind::TypeAlias
        })
    {
        if let Some(first) = chosen.iter().min_by_key(|c| c.start_byte) {
            return vec![(first.id, confidence, resolution, first.kind)];
        }
    }
    // A Rust method call runs the type's inherent method before any trait
    // impl's of the same name (`g.add_node(w)` is `StableGraph`'s own, not
    // its `impl Build`'s): the `pub` one (once, if `#[cfg]` repeats it).
    if same_name {
        let inherent: Vec<&Candidate> = chosen.iter().copied().filter(|c| c.inherent).collect();
        if !inherent.is_empty()
            && inherent.len() < chosen.len()
            && inherent.iter().all(|c| {
                c.file == inherent[0].file && c.signature_hash == inherent[0].signature_hash
            })
        {
            if let Some(first) = inherent.iter().min_by_key(|c| c.start_byte) {
                return vec![(first.id, confidence, resolution, first.kind)];
            }
        }
    }
    let each = confidence / chosen.len() as f32;
    // A Rust type's same-named methods from several trait impls: which
    // one runs depends on argument types, which are not known here.
    let resolution = if same_name {
        Resolution::Ambiguous
    } else {
        resolution
    };
    chosen
        .iter()
        .map(|c| (c.id, each, resolution, c.kind))
        .collect()
}

/// Whether a file plausibly defines the module an import names:
/// `./util`, `app.config`, `crate::retry::Policy`, `net/http`.
/// The module a file is, as a path: no extension, and a package's
/// `__init__`/`index` file is its directory (`app/util/index.ts` → `app/util`).
fn module_path(file: &str) -> &str {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let rust = file.ends_with(".rs");
    stem.strip_suffix("/__init__")
        .or_else(|| stem.strip_suffix("/index"))
        .or_else(|| rust.then(|| stem.strip_suffix("/mod")).flatten())
        .or_else(|| rust.then(|| stem.strip_suffix("/lib")).flatten())
        .or_else(|| rust.then(|| stem.strip_suffix("/main")).flatten())
        .unwrap_or(stem)
}

/// `file` is a module of the Python package `package` (`click`,
/// `a.b`) or of one of its subpackages.
fn in_package(file: &str, package: &str) -> bool {
    let dir = package.replace('.', "/");
    file.starts_with(&format!("{dir}/")) || file.contains(&format!("/{dir}/"))
}

/// `file` is under the directory `dir`.
fn under(file: &str, dir: &str) -> bool {
    dir.is_empty()
        || file
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn file_matches_module(file: &str, module: &str) -> bool {
    // A Go package of the tree, by its directory (`server/`).
    if let Some(dir) = module.strip_suffix('/') {
        return file.ends_with(".go") && parent(file) == dir;
    }
    let stem = module_path(file);
    // A relative path may name the file with its extension (`./format.js`).
    let relative = module.starts_with('.') && module.contains('/');
    let segments: Vec<&str> = module
        .split(['.', '/', ':'])
        .filter(|s| !s.is_empty() && *s != "crate" && *s != "self" && *s != "super")
        .filter(|s| !(relative && matches!(*s, "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx")))
        .collect();
    // The longest run of trailing module segments that ends the file path;
    // the last segment may be the imported item itself.
    for take in (1..=segments.len()).rev() {
        for skip_item in [0, 1] {
            if take <= skip_item {
                continue;
            }
            let end = segments.len() - skip_item;
            let start = end.saturating_sub(take - skip_item);
            let tail = segments[start..end].join("/");
            if !tail.is_empty() && (stem == tail || stem.ends_with(&format!("/{tail}"))) {
                return true;
            }
            // A Go import names a package: a directory, not a file.
            let dir = parent(stem);
            if file.ends_with(".go")
                && skip_item == 0
                && (dir == tail || dir.ends_with(&format!("/{tail}")))
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_match_the_files_that_define_them() {
        assert!(file_matches_module("app/config.py", "app.config"));
        assert!(file_matches_module("src/shop/models.py", ".models.Order"));
        assert!(file_matches_module("web/util/index.ts", "./util"));
        assert!(file_matches_module(
            "src/format.js",
            "./format.js.formatPrice"
        ));
        assert!(file_matches_module("src/retry.rs", "crate::retry::Policy"));
        assert!(!file_matches_module("src/other.rs", "crate::retry::Policy"));
        assert!(file_matches_module(
            "server/handler.go",
            "example.com/app/server"
        ));
        assert!(!file_matches_module(
            "server/handler.go",
            "example.com/app/client"
        ));
        assert!(!file_matches_module("app/other.py", "app.util"));
    }

    #[test]
    fn type_names_are_told_from_values_and_constants() {
        assert!(looks_like_type("String") && looks_like_type("HttpClient"));
        assert!(!looks_like_type("LOGGER") && !looks_like_type("client") && !looks_like_type("_x"));
        assert!(!looks_like_type("Client()"));
    }

    #[test]
    fn members_are_recognised_by_owner() {
        assert!(member_of("net::Client::get", "Client", "get"));
        assert!(member_of("app.models.Order.save", "Order", "save"));
        assert!(!member_of("net::Clients::get", "Client", "get"));
    }
}
