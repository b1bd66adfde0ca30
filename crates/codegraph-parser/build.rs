//! Fingerprints the extractor: its sources, its query files and the core
//! types it fills. An index records the fingerprint it was parsed with, so
//! a codegraph whose extraction changed parses every file again instead
//! of keeping what an older extractor made of unchanged files.

use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    let dirs = ["src", "queries", "../codegraph-core/src"];
    let mut files = Vec::new();
    for dir in dirs {
        println!("cargo:rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    files.sort();
    // FNV-1a: stable across toolchains, unlike the standard hasher.
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    for file in &files {
        file.hash(&mut hash);
        if let Ok(bytes) = std::fs::read(file) {
            hash.write(&bytes);
        }
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!(
        "cargo:rustc-env=CODEGRAPH_EXTRACTOR_FINGERPRINT={version}-{:016x}",
        hash.0
    );
}

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if let Some(p) = path.to_str() {
            out.push(p.replace('\\', "/"));
        }
    }
}

struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
