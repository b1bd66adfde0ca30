//! Links the `codegraph` binary for a fast start on Linux. A query is a
//! whole process (`codegraph find NAME` starts, opens the index, answers
//! and exits in a few milliseconds), so what happens before `main` counts.
//!
//! - Position-dependent: a position-independent executable spends a tenth
//!   of a query before `main`, the dynamic loader rewriting ~62,000
//!   relative relocations and touching ~280 pages. Measured on the kernel
//!   index: `--version` 2.73 ms as PIE, 2.38 ms linked this way; `find
//!   kmalloc` 7.1 ms and 6.5 ms. The cost is that the executable's own
//!   image is not randomised (shared libraries, stack and heap still are).
//! - The C++ standard library linked statically (RocksDB and the vector
//!   index are C++): loading the shared one means mapping it, resolving
//!   its thousands of symbols and copying the pages it relocates.
//!   Measured, medians of 200 alternating runs: `--version` 3.23 ms ->
//!   2.47 ms, 497 -> 425 page faults. The dependencies' build scripts ask
//!   for `-lstdc++`; a search directory holding only the static archive,
//!   ahead of the system's, makes the linker take it. Where the compiler
//!   has no static archive, the shared library is linked as before.
use std::path::PathBuf;
use std::process::Command;

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bin=codegraph=-no-pie");
        if let Some(dir) = static_libstdcxx_dir() {
            println!("cargo:rustc-link-search=native={}", dir.display());
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CXX");
}

/// A directory holding only `libstdc++.a` (a copy of the compiler's), or
/// `None` when the compiler has no static archive.
fn static_libstdcxx_dir() -> Option<PathBuf> {
    let compiler = std::env::var("CXX").unwrap_or_else(|_| "c++".to_string());
    let output = Command::new(compiler)
        .arg("-print-file-name=libstdc++.a")
        .output()
        .ok()?;
    let archive = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    // Without the archive the compiler prints the bare name back.
    if !output.status.success() || !archive.is_absolute() || !archive.is_file() {
        return None;
    }
    let dir = PathBuf::from(std::env::var_os("OUT_DIR")?).join("static-libstdcxx");
    std::fs::create_dir_all(&dir).ok()?;
    std::fs::copy(&archive, dir.join("libstdc++.a")).ok()?;
    Some(dir)
}
