//! Which files ignore rules keep out of an index, as ripgrep decides it:
//! `.gitignore` (and git's exclude files) only inside a git repository,
//! `.ignore` everywhere, hidden files never, `--no-ignore` to index them
//! all. When the rules keep out most of a tree's source files (an
//! extracted tarball whose `.gitignore` ends in `/*`, say), the run says
//! how many and which rule, instead of indexing nothing in silence.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use codegraph_core::Language;
use ignore::gitignore::Gitignore;
use ignore::Match;

use crate::discover::INDEX_DIR;

/// Whether a file of this name holds ignore rules a run reads (a change
/// to it changes which files are indexed).
pub fn is_ignore_file(name: &str) -> bool {
    matches!(name, ".gitignore" | ".ignore" | ".rgignore")
}

/// The walker every index run uses.
pub fn walk_builder(root: &Path, respect_ignore_files: bool) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .follow_links(false)
        // ripgrep's rule: git's ignore files mean something only in git.
        .require_git(true)
        .git_ignore(respect_ignore_files)
        .git_exclude(respect_ignore_files)
        .git_global(respect_ignore_files)
        .ignore(respect_ignore_files)
        .parents(respect_ignore_files);
    builder
}

/// Source files ignore rules kept out of a run, and the rule that kept out
/// the most of them.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct IgnoredReport {
    /// Supported source files under the root, ignore rules aside.
    pub source_files: u64,
    /// Of those, how many the rules kept out.
    pub ignored_files: u64,
    /// `PATTERN` in FILE (repo-relative), the rule that matched most of
    /// them; `None` if none of the files' own ignore files did (git's
    /// global excludes).
    pub top_rule: Option<String>,
    pub top_rule_files: u64,
}

impl IgnoredReport {
    /// One clause for the summary line.
    pub fn describe(&self) -> String {
        let rule = match &self.top_rule {
            Some(rule) => format!(", {} of them by {rule}", self.top_rule_files),
            None => String::new(),
        };
        format!(
            "ignore rules left out {} of {} source files{rule} (--no-ignore indexes them)",
            self.ignored_files, self.source_files
        )
    }
}

/// Supported source files under `root` with no ignore rule applied
/// (hidden files and the index directory still skipped).
fn all_source_files(root: &Path, db_dir: &Path) -> Vec<PathBuf> {
    let db_dir = db_dir.to_path_buf();
    walk_builder(root, false)
        .filter_entry(move |entry| entry.file_name() != INDEX_DIR && entry.path() != db_dir)
        .build()
        .flatten()
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|path| Language::from_path(path).is_some())
        .collect()
}

/// `None` unless ignore rules kept out more than half of the source files
/// under `root` (`kept` were indexed); then how many, and by which rule.
/// Costs one more directory walk; the rules are matched only when needed.
pub fn mostly_ignored(root: &Path, db_dir: &Path, kept: u64) -> Option<IgnoredReport> {
    let all = all_source_files(root, db_dir);
    let total = all.len() as u64;
    if total == 0 || kept * 2 >= total {
        return None;
    }
    let mut rules = Rules::new(root);
    let mut by_rule: HashMap<Option<String>, u64> = HashMap::new();
    for path in &all {
        if let Some(rule) = rules.ignoring(path) {
            *by_rule.entry(rule).or_default() += 1;
        }
    }
    let (top_rule, top_rule_files) = by_rule
        .iter()
        .filter(|(rule, _)| rule.is_some())
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(rule, n)| (rule.clone(), *n))
        .unwrap_or((None, 0));
    Some(IgnoredReport {
        source_files: total,
        ignored_files: total - kept,
        top_rule,
        top_rule_files,
    })
}

/// The ignore files of each directory, loaded once.
struct Rules<'a> {
    root: &'a Path,
    in_git: bool,
    by_dir: HashMap<PathBuf, Vec<Gitignore>>,
}

impl<'a> Rules<'a> {
    fn new(root: &'a Path) -> Rules<'a> {
        let in_git = root.ancestors().any(|dir| dir.join(".git").exists());
        Rules {
            root,
            in_git,
            by_dir: HashMap::new(),
        }
    }

    /// `.ignore` first: it takes precedence over `.gitignore` beside it.
    fn load(&mut self, dir: &Path) -> &[Gitignore] {
        let in_git = self.in_git;
        self.by_dir.entry(dir.to_path_buf()).or_insert_with(|| {
            let mut names = vec![".ignore"];
            if in_git {
                names.push(".gitignore");
            }
            names
                .into_iter()
                .map(|name| dir.join(name))
                .filter(|file| file.is_file())
                .map(|file| Gitignore::new(file).0)
                .collect()
        })
    }

    /// `Some(rule)` if an ignore file keeps `path` out (`Some(None)` if
    /// no ignore file here explains it), `None` if nothing does. Deeper
    /// directories decide first, as in git.
    fn ignoring(&mut self, path: &Path) -> Option<Option<String>> {
        let root = self.root;
        let dirs: Vec<PathBuf> = path
            .ancestors()
            .skip(1)
            .take_while(|dir| dir.starts_with(root))
            .map(Path::to_path_buf)
            .collect();
        for dir in dirs {
            for matcher in self.load(&dir) {
                match matcher.matched_path_or_any_parents(path, false) {
                    Match::Ignore(glob) => {
                        let from = glob
                            .from()
                            .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string())
                            .unwrap_or_default();
                        return Some(Some(format!("`{}` in {from}", glob.original())));
                    }
                    Match::Whitelist(_) => return None,
                    Match::None => {}
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn names_the_rule_that_dropped_most_files() {
        let dir = tree(&[
            (".ignore", "/*\n!/debian/\n"),
            ("kernel/a.c", "int a;"),
            ("kernel/b.c", "int b;"),
            ("mm/c.c", "int c;"),
            ("debian/d.py", "d = 1"),
        ]);
        let report = mostly_ignored(dir.path(), &dir.path().join(INDEX_DIR), 1).unwrap();
        assert_eq!(report.source_files, 4);
        assert_eq!(report.ignored_files, 3);
        assert_eq!(report.top_rule.as_deref(), Some("`/*` in .ignore"));
        assert_eq!(report.top_rule_files, 3);
    }

    #[test]
    fn a_gitignore_outside_git_is_not_a_rule() {
        let dir = tree(&[(".gitignore", "/*\n"), ("a.c", "int a;")]);
        let kept = walk_builder(dir.path(), true).build().flatten().count();
        // The root and a.c; the hidden .gitignore is skipped.
        assert_eq!(kept, 2);
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let kept = walk_builder(dir.path(), true).build().flatten().count();
        assert_eq!(kept, 1);
    }
}
