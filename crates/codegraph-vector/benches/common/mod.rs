//! The corpus the benches read real code from.

use std::path::{Path, PathBuf};

/// `CODEGRAPH_BENCH_CORPUS`, else the Linux kernel from
/// `scripts/fetch-corpora` if present, else this repository.
#[allow(dead_code)] // not every bench reads the kernel by default
pub fn corpus_root() -> PathBuf {
    if let Ok(dir) = std::env::var("CODEGRAPH_BENCH_CORPUS") {
        return PathBuf::from(dir);
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let linux = Path::new(&home).join(".cache/codegraph/corpora/linux");
    if linux.is_dir() {
        return linux;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Calls `each` with the text of every source file under `root` (C, Rust,
/// Python, Go, TypeScript, JavaScript, Java), in a fixed order, until it
/// returns `false`. Hidden directories and `target` are skipped.
pub fn for_each_source(root: &Path, mut each: impl FnMut(&str) -> bool) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    stack.push(path);
                }
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "c" | "h" | "rs" | "py" | "go" | "ts" | "js" | "java") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !each(&text) {
                return;
            }
        }
    }
}
