//! Finding the index: `--db DIR`, else `.codegraph/` in the current
//! directory or its nearest parent, the way git finds `.git/`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

pub const INDEX_DIR: &str = ".codegraph";

/// The index directory for query commands.
pub fn find_index(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    let cwd = std::env::current_dir()?;
    for dir in cwd.ancestors() {
        let candidate = dir.join(INDEX_DIR);
        if candidate.is_dir() {
            return Ok(candidate);
        }
    }
    bail!(
        "no index found in {} or any parent directory; run `codegraph index` first or pass --db DIR",
        cwd.display()
    )
}

/// The index directory that `codegraph index ROOT` writes.
pub fn index_dir_for(root: &Path, explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join(INDEX_DIR))
}
