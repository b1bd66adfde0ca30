//! BM25 over each definition's text (name, qualified name, doc comment and
//! source in one field) and, lightly, over its name and qualified name
//! alone (tantivy), with identifiers split into their words so `retry
//! request` finds `retryRequest` and `retry_request`, and English stemming
//! so `retries` finds `retry`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use codegraph_core::split_identifier;
use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::indexer::LogMergePolicy;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::docs::SearchDoc;
use crate::SearchError;

const ANALYZER: &str = "code";
/// Memory the writer may buffer before it flushes a segment.
const WRITER_BYTES: usize = 96 << 20;
/// Segments larger than this are never merged. Every sync commits a
/// segment of its own, so an index kept current by `watch` gathers small
/// ones, which merge cheaply among themselves. The first build's segments
/// (~120k documents each on the kernel) stay as they are: with tantivy's
/// default limit, eight of them made every later commit start merging
/// all of them, seconds of work a one-file update then cut short.
const MERGE_MAX_DOCS: usize = 10_000;

/// Field weights. Most of the score is BM25 over the whole text, where a
/// term's frequencies in the name, doc and body add up before they
/// saturate (the name counts [`NAME_REPEATS`] times): a definition that
/// matches more of the question's words outranks one whose short name
/// matches one of them (`items` for "insert a separator between items").
/// Scored field by field, as this index did before (name 5, qualified 2,
/// signature and doc 1.5, body 1), a one-word name took a full BM25 score
/// of its own at five times the weight. On the tuning sets
/// (`scripts/eval-search`: django and tokio docstrings, the django
/// questions and six libraries' hand-written questions) hybrid MRR@10 rose
/// from 0.402 to 0.419 on the docstrings and 0.613 to 0.656 on the
/// questions; name and qualified name alone at 0.5 each beat 0, 1 and 2.
const BOOSTS: [(&str, f32); 3] = [("name", 0.5), ("qualified", 0.5), ("text", 1.0)];
/// Times a definition's name is written into its text field (1 to 5 moved
/// the tuning sets' means by less than 0.01).
const NAME_REPEATS: usize = 3;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    file: Field,
    name: Field,
    qualified: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_u64_field("id", FAST | INDEXED),
        file: b.add_text_field("file", STRING),
        name: b.add_text_field("name", text.clone()),
        qualified: b.add_text_field("qualified", text.clone()),
        text: b.add_text_field("text", text),
    };
    (b.build(), fields)
}

pub struct LexicalIndex {
    index: Index,
    fields: Fields,
    reader: Option<IndexReader>,
    dir: PathBuf,
}

impl LexicalIndex {
    /// Opens the index in `dir`, creating it if absent.
    pub fn open_or_create(dir: &Path) -> Result<LexicalIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let directory =
            tantivy::directory::MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        let index = Index::open_or_create(directory, schema)?;
        Ok(LexicalIndex::with(index, fields, dir))
    }

    /// Opens an existing index for queries.
    pub fn open(dir: &Path) -> Result<LexicalIndex, SearchError> {
        let index = Index::open_in_dir(dir)?;
        let (_, fields) = schema();
        let mut lexical = LexicalIndex::with(index, fields, dir);
        lexical.reader = Some(
            lexical
                .index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()?,
        );
        Ok(lexical)
    }

    fn with(index: Index, fields: Fields, dir: &Path) -> LexicalIndex {
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        index.tokenizers().register(ANALYZER, analyzer);
        LexicalIndex {
            index,
            fields,
            reader: None,
            dir: dir.to_path_buf(),
        }
    }

    pub fn writer(&self) -> Result<LexicalWriter, SearchError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let writer: IndexWriter = self.index.writer_with_num_threads(threads, WRITER_BYTES)?;
        let mut merges = LogMergePolicy::default();
        merges.set_max_docs_before_merge(MERGE_MAX_DOCS);
        writer.set_merge_policy(Box::new(merges));
        Ok(LexicalWriter {
            writer,
            fields: self.fields,
            dir: self.dir.clone(),
        })
    }

    /// Node ids of the best `limit` matches for `query`, best first, with
    /// their BM25 scores.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(u64, f32)>, SearchError> {
        let Some(reader) = &self.reader else {
            return Ok(Vec::new());
        };
        let text = query_text(query);
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let all = [f.name, f.qualified, f.text];
        let mut parser = QueryParser::for_index(&self.index, all.to_vec());
        for (field, (_, boost)) in all.iter().zip(BOOSTS) {
            parser.set_field_boost(*field, boost);
        }
        let (query, _) = parser.parse_query_lenient(&text);
        let searcher = reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let column = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64("id")?;
            if let Some(id) = column.first(addr.doc_id) {
                out.push((id, score));
            }
        }
        Ok(out)
    }
}

pub struct LexicalWriter {
    writer: IndexWriter,
    fields: Fields,
    dir: PathBuf,
}

impl LexicalWriter {
    /// Drops every document of `file`.
    pub fn delete_file(&self, file: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.file, file));
    }

    /// Adds `docs`, in order. Splitting their text into words (a body's
    /// 4 KiB each) is the costly part: it runs on the rayon pool, and only
    /// the hand-over to the writer's threads runs in order, so document
    /// ids, and with them the ranking of ties, stay as one by one.
    pub fn add_all(&self, docs: &[&SearchDoc]) -> Result<(), SearchError> {
        let built: Vec<TantivyDocument> = docs.par_iter().map(|d| self.document(d)).collect();
        for d in built {
            self.writer.add_document(d)?;
        }
        Ok(())
    }

    fn document(&self, doc: &SearchDoc) -> TantivyDocument {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, doc.id);
        d.add_text(f.file, &doc.file);
        let name = code_words(&doc.name);
        let qualified = code_words(&doc.qualified_name);
        // The signature is the body's first lines; a doc comment may be
        // outside the body (Rust, Go, Java) or inside it (Python).
        let doc_text = doc.doc.as_deref().map(code_words).unwrap_or_default();
        let body = code_words(&doc.body);
        let mut text = String::with_capacity(
            (name.len() + 1) * NAME_REPEATS + qualified.len() + doc_text.len() + body.len() + 3,
        );
        for _ in 0..NAME_REPEATS {
            text.push_str(&name);
            text.push(' ');
        }
        for part in [&qualified, &doc_text, &body] {
            text.push_str(part);
            text.push(' ');
        }
        d.add_text(f.name, name);
        d.add_text(f.qualified, qualified);
        d.add_text(f.text, text);
        d
    }

    /// Commits, then waits for the merges the commit started: a merge
    /// left running when the writer is dropped is abandoned, its work
    /// lost and its files left behind.
    pub fn commit(mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        let index = self.writer.index().clone();
        self.writer.wait_merging_threads()?;
        remove_stray_segment_files(&index, &self.dir);
        Ok(())
    }
}

/// Deletes the segment files in `dir` that tantivy neither lists as its
/// own nor uses: what merges abandoned by earlier versions left behind
/// (on the kernel, 1.4 GB beside a 120 MB index after an hour of
/// `watch`). No reader can want them, as no committed state names them.
/// Best effort: a file that cannot be listed or removed is left.
fn remove_stray_segment_files(index: &Index, dir: &Path) {
    let Ok(used) = index.searchable_segment_ids() else {
        return;
    };
    let used: HashSet<String> = used.iter().map(|id| id.uuid_string()).collect();
    let managed = index.directory().list_managed_files();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(segment) = name
            .to_str()
            .and_then(|n| n.split_once('.'))
            .map(|(s, _)| s)
        else {
            continue;
        };
        let is_segment = segment.len() == 32 && segment.bytes().all(|b| b.is_ascii_hexdigit());
        if is_segment && !used.contains(segment) && !managed.contains(Path::new(&name)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `text` with every compound identifier followed by its words, and
/// every word that is a common programming abbreviation by the word it
/// stands for: `getHTTPResponse(x)` → `getHTTPResponse(x) get http
/// response`, `cmp_precedence` → `cmp_precedence cmp compare precedence`.
pub(crate) fn code_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    out.push_str(text);
    for ident in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let words = split_identifier(ident);
        let compound = words.len() > 1;
        for w in words {
            if compound {
                out.push(' ');
                out.push_str(&w);
            }
            if let Some(full) = expansion(&w) {
                out.push(' ');
                out.push_str(full);
            }
        }
    }
    out
}

/// The word a common programming abbreviation stands for, if `word` is
/// one. Only abbreviations with one usual reading across languages and
/// code bases (not `res`: result, resource or response).
fn expansion(word: &str) -> Option<&'static str> {
    ABBREVIATIONS
        .binary_search_by(|(short, _)| short.cmp(&word))
        .ok()
        .map(|i| ABBREVIATIONS[i].1)
}

/// Sorted by abbreviation.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("addr", "address"),
    ("alloc", "allocate"),
    ("arg", "argument"),
    ("args", "arguments"),
    ("attr", "attribute"),
    ("attrs", "attributes"),
    ("auth", "authentication"),
    ("buf", "buffer"),
    ("calc", "calculate"),
    ("cb", "callback"),
    ("cfg", "configuration"),
    ("cmp", "compare"),
    ("cnt", "count"),
    ("col", "column"),
    ("conf", "configuration"),
    ("config", "configuration"),
    ("conn", "connection"),
    ("ctx", "context"),
    ("cur", "current"),
    ("db", "database"),
    ("decl", "declaration"),
    ("def", "definition"),
    ("del", "delete"),
    ("desc", "description"),
    ("dest", "destination"),
    ("dict", "dictionary"),
    ("dir", "directory"),
    ("dst", "destination"),
    ("elem", "element"),
    ("env", "environment"),
    ("eq", "equal"),
    ("err", "error"),
    ("exec", "execute"),
    ("expr", "expression"),
    ("ext", "extension"),
    ("fmt", "format"),
    ("fn", "function"),
    ("func", "function"),
    ("hdr", "header"),
    ("idx", "index"),
    ("impl", "implementation"),
    ("init", "initialize"),
    ("iter", "iterator"),
    ("len", "length"),
    ("lib", "library"),
    ("mgr", "manager"),
    ("msg", "message"),
    ("num", "number"),
    ("obj", "object"),
    ("op", "operator"),
    ("opt", "option"),
    ("opts", "options"),
    ("param", "parameter"),
    ("params", "parameters"),
    ("pkg", "package"),
    ("pos", "position"),
    ("prev", "previous"),
    ("proc", "process"),
    ("prop", "property"),
    ("props", "properties"),
    ("ptr", "pointer"),
    ("recv", "receive"),
    ("ref", "reference"),
    ("regex", "expression"),
    ("repo", "repository"),
    ("req", "request"),
    ("resp", "response"),
    ("sep", "separator"),
    ("seq", "sequence"),
    ("spec", "specification"),
    ("src", "source"),
    ("stmt", "statement"),
    ("str", "string"),
    ("sync", "synchronize"),
    ("tmp", "temporary"),
    ("tx", "transaction"),
    ("txn", "transaction"),
    ("util", "utility"),
    ("val", "value"),
    ("var", "variable"),
    ("ver", "version"),
];

/// A user's query as plain terms: identifiers split, and the query
/// syntax characters (`+ - : ( ) " ~ ^ *`...) dropped so a query never
/// fails to parse or excludes by accident.
fn query_text(query: &str) -> String {
    let plain: String = query
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    code_words(&plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegraph_core::NodeKind;

    #[test]
    fn abbreviations_gain_the_word_they_stand_for() {
        assert_eq!(
            code_words("cmp_precedence(a)"),
            "cmp_precedence(a) cmp compare precedence"
        );
        assert_eq!(code_words("enum Op"), "enum Op operator");
        // A word that merely starts like one is left alone.
        assert_eq!(code_words("operator response"), "operator response");
        // The table is sorted, as the lookup's binary search needs.
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn identifiers_gain_their_words() {
        assert_eq!(
            code_words("getHTTPResponse(x)"),
            "getHTTPResponse(x) get http response"
        );
        assert_eq!(code_words("plain words"), "plain words");
        assert_eq!(query_text("retry-request: \"now\""), "retry request   now ");
    }

    fn doc(id: u64, name: &str, doc: Option<&str>, body: &str) -> SearchDoc {
        SearchDoc {
            id,
            file: "lib.py".into(),
            name: name.into(),
            qualified_name: format!("lib.{name}"),
            kind: NodeKind::Function,
            start_line: id as u32,
            end_line: id as u32,
            signature: None,
            doc: doc.map(Into::into),
            body: body.into(),
        }
    }

    #[test]
    fn more_of_the_question_outranks_a_short_name_that_matches_one_word() {
        let dir = tempfile::tempdir().unwrap();
        let docs = [
            doc(1, "items", None, "def items(self):\n    return list(self.data)"),
            doc(2, "keys", None, "def keys(self):\n    return list(self.data)"),
            doc(
                3,
                "interpose",
                Some("Introduce a separator between each pair of items of a sequence."),
                "def interpose(el, seq):\n    for item in seq:\n        yield el\n        yield item",
            ),
            doc(4, "pairs", None, "def pairs(seq):\n    return zip(seq, seq[1:])"),
        ];
        let index = LexicalIndex::open_or_create(dir.path()).unwrap();
        let writer = index.writer().unwrap();
        writer.add_all(&docs.iter().collect::<Vec<_>>()).unwrap();
        writer.commit().unwrap();
        let index = LexicalIndex::open(dir.path()).unwrap();
        let ids = |query| -> Vec<u64> {
            index
                .search(query, 10)
                .unwrap()
                .into_iter()
                .map(|h| h.0)
                .collect()
        };
        // The function whose doc holds the question's words comes first,
        // above `items`, whose whole name is one of them.
        assert_eq!(ids("insert a separator between items")[..2], [3, 1]);
        // A name still counts: asked by its name, the short one wins.
        assert_eq!(ids("items")[0], 1);
    }

    #[test]
    fn many_small_commits_merge_and_leave_no_stray_files() {
        let dir = tempfile::tempdir().unwrap();
        let index = LexicalIndex::open_or_create(dir.path()).unwrap();
        // A segment file no committed state names, as an abandoned merge
        // leaves; and a file that is not a segment's.
        let stray = dir.path().join("0123456789abcdef0123456789abcdef.idx");
        std::fs::write(&stray, b"left behind").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"kept").unwrap();
        // One commit per update, as `watch` makes them.
        for id in 1..=24u64 {
            let writer = index.writer().unwrap();
            let name = format!("handler_{id}");
            writer
                .add_all(&[&doc(id, &name, None, "def f(): pass")])
                .unwrap();
            writer.commit().unwrap();
        }
        assert!(!stray.exists());
        assert!(dir.path().join("notes.txt").exists());
        // The small segments were merged, within the commits that made them.
        let segments = index.index.searchable_segment_ids().unwrap().len();
        assert!(segments < 24, "{segments} segments");
        let index = LexicalIndex::open(dir.path()).unwrap();
        assert_eq!(index.search("handler 17", 1).unwrap()[0].0, 17);
    }
}
