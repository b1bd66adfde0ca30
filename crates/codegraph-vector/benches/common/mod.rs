//! The corpus the benches read real code from.

use std::path::Path;

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
