# Sourced by the scripts: one cargo target directory outside the clone, so
# repeated runs (and CI runs in fresh clones) reuse the cold RocksDB build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/codegraph/target}"
