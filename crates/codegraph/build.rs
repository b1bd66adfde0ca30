//! Links the `codegraph` binary as a position-dependent executable on
//! Linux. A query is a whole process (`codegraph find NAME` starts, opens
//! the index, answers and exits in a few milliseconds), and a
//! position-independent one spends a tenth of that before `main`: the
//! dynamic loader rewrites ~62,000 relative relocations, touching ~280
//! pages. Measured on the kernel index: `--version` 2.73 ms as PIE,
//! 2.38 ms linked this way; `find kmalloc` 7.1 ms and 6.5 ms. The cost is
//! that the executable's own image is not randomised (shared libraries,
//! stack and heap still are).
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bin=codegraph=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
