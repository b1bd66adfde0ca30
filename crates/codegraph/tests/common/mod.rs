//! Helpers shared by the end-to-end tests.

use std::fs;
use std::path::{Path, PathBuf};

/// A private copy of `tests/fixtures/NAME` in a temporary directory, so the
/// index is never written into the source tree.
#[allow(dead_code)] // not every test binary uses a fixture
pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        &repo,
    );
    (dir, repo)
}

#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `codegraph ARGS --json` in `repo` with extra environment `env`:
/// exit code, parsed stdout (`Null` if not JSON) and stderr.
#[allow(dead_code)] // not every test binary runs the command
pub fn run_json(
    repo: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, serde_json::Value, String) {
    let out = assert_cmd::Command::cargo_bin("codegraph")
        .unwrap()
        .current_dir(repo)
        .args(args)
        .arg("--json")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), value, stderr)
}

/// Runs `codegraph ARGS --json` in `repo`, asserts it succeeded, and
/// returns its parsed output.
#[allow(dead_code)] // not every test binary uses it
pub fn json(repo: &Path, args: &[&str]) -> serde_json::Value {
    let (code, value, stderr) = run_json(repo, args, &[]);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    value
}
