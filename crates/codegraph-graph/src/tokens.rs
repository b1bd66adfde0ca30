//! The name-token index (`tokens`) of a first build, written in one
//! sorted pass.
//!
//! Fuzzy `find` scans `subword · 0x00 · name` keys: one per distinct name
//! and subword of it ([`keys::token_key`]). An incremental run puts a
//! file's keys with its nodes. A first build does not: there the keys were
//! 29% of everything written while parsing (the kernel: 19.2M of 66M
//! entries, 0.78 of 4.7 GB flushed), arriving in no order and mostly
//! repeated (every `init`, `dev`, `priv`), and the write path's log,
//! memtables, sorts and merges made them a fifth of the parse stage.
//!
//! Instead [`IndexWriter`](crate::IndexWriter) marks the store
//! (`tokens_pending` in `meta`, with the first build's first commit) and
//! leaves the keys out; [`build_pending`] then reads every stored name
//! once, writes each distinct key once, in order, into table files (one
//! per core, each a consecutive key range), and hands them to RocksDB
//! whole (an ingestion: no log, no memtable, and no merge, as the files
//! land below everything else), then clears the mark.
//! The keys are a function of the stored nodes alone, so a run killed
//! before the mark is cleared leaves it, and the next run builds them the
//! same way.

use std::collections::{HashMap, HashSet};

use codegraph_core::NodeKind;
use rayon::prelude::*;
use rocksdb::{DBCompressionType, IngestExternalFileOptions, SstFileWriter};

use crate::keys;
use crate::store::{Store, StoreError, CF_META, CF_TOKENS, META_TOKENS_PENDING};

/// What [`build_pending`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TokenReport {
    /// Distinct names tokenized.
    pub names: u64,
    /// `tokens` keys written.
    pub keys: u64,
}

/// The table files a build writes before RocksDB takes them in (`.0`,
/// `.1`, …), inside the store's directory, so taking them in is a rename.
/// RocksDB ignores files of this name; one a killed run left is replaced.
const BUILD_FILE: &str = "tokens.build";

/// Whether the store's name tokens are still to be built.
pub fn pending(store: &Store) -> Result<bool, StoreError> {
    Ok(store
        .db
        .get_pinned_cf(store.cf(CF_META)?, META_TOKENS_PENDING)
        .map_err(|e| store.db_err(e))?
        .is_some())
}

/// Builds the name tokens of every stored node if the store is marked for
/// it ([`pending`]), and clears the mark. `None` when it was not marked.
///
/// `names`, when given, are the distinct names of every stored node but
/// imports, as the writer of a first build collects them
/// ([`IndexWriter::take_token_names`](crate::IndexWriter::take_token_names));
/// without them the nodes are read back for them.
pub fn build_pending(
    store: &Store,
    names: Option<Vec<Box<str>>>,
) -> Result<Option<TokenReport>, StoreError> {
    if !pending(store)? {
        return Ok(None);
    }
    let mut names = match names {
        Some(names) => names,
        None => distinct_names(store)?,
    };
    names.par_sort_unstable();
    let subwords = subwords_of(&names);
    let report = TokenReport {
        names: names.len() as u64,
        keys: subwords
            .iter()
            .map(|(_, indices)| indices.len() as u64)
            .sum(),
    };
    if report.keys > 0 {
        // One table file per core, each a consecutive key range, written
        // side by side (compression is most of the work), taken in at once.
        let parts = rayon::current_num_threads().max(1);
        let bounds = split_evenly(&subwords, report.keys, parts);
        let files: Vec<std::path::PathBuf> = (0..bounds.len() - 1)
            .map(|part| store.path().join(format!("{BUILD_FILE}.{part}")))
            .collect();
        files.par_iter().enumerate().try_for_each(|(part, file)| {
            write_table(
                store,
                file,
                &subwords[bounds[part]..bounds[part + 1]],
                &names,
            )
        })?;
        crate::fault::before_write("tokens").map_err(|e| store.write_failed(e))?;
        let mut ingest = IngestExternalFileOptions::default();
        ingest.set_move_files(true);
        store
            .db
            .ingest_external_file_cf_opts(store.cf(CF_TOKENS)?, &ingest, files)
            .map_err(|e| store.write_failed(e))?;
    }
    crate::fault::checkpoint("tokens");
    crate::fault::before_write("tokens-done").map_err(|e| store.write_failed(e))?;
    store
        .db
        .delete_cf(store.cf(CF_META)?, META_TOKENS_PENDING)
        .map_err(|e| store.write_failed(e))?;
    Ok(Some(report))
}

/// Each subword of the (sorted) names with the indices of the names it is
/// a subword of, ascending; sorted by subword. Keys sort by subword, then
/// name (the `0x00` after a subword sorts it before every longer one it
/// begins), so this is the keys' order.
fn subwords_of(names: &[Box<str>]) -> Vec<(String, Vec<u32>)> {
    let size = names
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let by_subword = names
        .par_chunks(size)
        .enumerate()
        .map(|(part, chunk)| {
            let mut map: HashMap<String, Vec<u32>> = HashMap::new();
            for (offset, name) in chunk.iter().enumerate() {
                let index = (part * size + offset) as u32;
                for subword in keys::token_subwords(name) {
                    map.entry(subword).or_default().push(index);
                }
            }
            map
        })
        // In order: the later chunk's indices follow the earlier one's.
        .reduce(HashMap::new, |mut earlier, later| {
            for (subword, indices) in later {
                earlier.entry(subword).or_default().extend(indices);
            }
            earlier
        });
    let mut subwords: Vec<(String, Vec<u32>)> = by_subword.into_iter().collect();
    subwords.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    subwords
}

/// Cut points into `subwords` giving `parts` runs of about `keys / parts`
/// keys each: `[0, …, subwords.len()]`, strictly increasing.
fn split_evenly(subwords: &[(String, Vec<u32>)], keys: u64, parts: usize) -> Vec<usize> {
    let mut bounds = vec![0];
    let mut seen = 0u64;
    for (i, (_, indices)) in subwords.iter().enumerate() {
        seen += indices.len() as u64;
        let next = bounds.len() as u64;
        if seen * parts as u64 >= keys * next && i + 1 < subwords.len() && next < parts as u64 {
            bounds.push(i + 1);
        }
    }
    bounds.push(subwords.len());
    bounds
}

/// Writes the keys of `subwords` into a table file at `file`, with the
/// family's options, as the bottom level holds it (zstd).
fn write_table(
    store: &Store,
    file: &std::path::Path,
    subwords: &[(String, Vec<u32>)],
    names: &[Box<str>],
) -> Result<(), StoreError> {
    if file.exists() {
        // Left by a run killed before taking it in.
        std::fs::remove_file(file).map_err(|e| store.write_failed(e))?;
    }
    let mut options = store.family_options(CF_TOKENS);
    options.set_compression_type(DBCompressionType::Zstd);
    let mut table = SstFileWriter::create(&options);
    table.open(file).map_err(|e| store.write_failed(e))?;
    for (subword, indices) in subwords {
        for &index in indices {
            let key = keys::token_key(subword, &names[index as usize]);
            table.put(key, []).map_err(|e| store.write_failed(e))?;
        }
    }
    table.finish().map_err(|e| store.write_failed(e))
}

/// Every distinct name a stored node defines or declares (imports name
/// what is defined elsewhere and are not in the name indexes).
fn distinct_names(store: &Store) -> Result<Vec<Box<str>>, StoreError> {
    let mut seen: HashSet<Box<str>> = HashSet::new();
    store.for_each_node_head(|head| {
        if head.kind != NodeKind::Import && !seen.contains(head.name) {
            seen.insert(head.name.into());
        }
    })?;
    Ok(seen.into_iter().collect())
}
