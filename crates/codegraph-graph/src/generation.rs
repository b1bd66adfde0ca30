//! Which complete index run a reader sees. RocksDB commits each batch of
//! an index run as it goes, so a reader that reopened the store halfway
//! through a run would answer from half of an update. The writer therefore
//! keeps a small `GENERATION` file beside the store: `updating N` from
//! before its first commit, `ready N` once the graph and the search
//! indexes are complete. A long-lived reader (the server) reopens only
//! when it reads `ready` with a new number, and keeps what it opened only
//! if the file still says so afterwards: no run started in between.

use std::io::Write;
use std::path::{Path, PathBuf};

const FILE: &str = "GENERATION";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Generation {
    /// Run `N` is complete: the store and the search indexes are its.
    Ready(u64),
    /// Run `N` has started and may have committed part of its work.
    Updating(u64),
}

impl Generation {
    pub fn number(self) -> u64 {
        match self {
            Generation::Ready(n) | Generation::Updating(n) => n,
        }
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The generation of the index in `dir`. An index written before this
/// file existed counts as complete run 0.
pub fn read(dir: &Path) -> Generation {
    let Ok(text) = std::fs::read_to_string(path(dir)) else {
        return Generation::Ready(0);
    };
    let mut words = text.split_whitespace();
    let state = words.next();
    let number = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    match state {
        Some("ready") => Generation::Ready(number),
        // Anything else (a torn or foreign file) is treated as unfinished:
        // a reader keeps what it has rather than trusting it.
        _ => Generation::Updating(number),
    }
}

/// Marks the start of an index run, before its first commit; returns the
/// run's number for [`finish`].
pub fn begin(dir: &Path) -> std::io::Result<u64> {
    let number = read(dir).number() + 1;
    write(dir, &format!("updating {number}\n"))?;
    Ok(number)
}

/// Marks run `number` complete.
pub fn finish(dir: &Path, number: u64) -> std::io::Result<()> {
    write(dir, &format!("ready {number}\n"))
}

/// Replaces the file atomically: written aside, synced, renamed over.
fn write(dir: &Path, text: &str) -> std::io::Result<()> {
    let aside = dir.join(format!("{FILE}.tmp"));
    let mut file = std::fs::File::create(&aside)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&aside, path(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_moves_from_updating_to_ready() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), Generation::Ready(0));
        let run = begin(dir.path()).unwrap();
        assert_eq!(read(dir.path()), Generation::Updating(1));
        finish(dir.path(), run).unwrap();
        assert_eq!(read(dir.path()), Generation::Ready(1));
        // An interrupted run leaves `updating`; the next one counts on.
        assert_eq!(begin(dir.path()).unwrap(), 2);
        assert_eq!(begin(dir.path()).unwrap(), 3);
        assert_eq!(read(dir.path()), Generation::Updating(3));
    }

    #[test]
    fn a_damaged_file_reads_as_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "rea").unwrap();
        assert_eq!(read(dir.path()), Generation::Updating(0));
    }
}
