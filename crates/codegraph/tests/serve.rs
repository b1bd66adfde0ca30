//! `codegraph mcp` and `codegraph serve` driven as their users drive
//! them: the official MCP Python SDK over stdio and streamable HTTP, and a
//! real HTTP client against the API (tests/e2e/clients.py says what is
//! checked). The SDK comes from PyPI, installed by `scripts/setup` (which
//! `scripts/test` runs).

mod common;

use std::path::PathBuf;
use std::process::Command;

fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("CODEGRAPH_MCP_PYTHON") {
        return PathBuf::from(python);
    }
    let cache = std::env::var_os("CODEGRAPH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/codegraph")
        });
    let python = cache.join("mcp-venv/bin/python");
    assert!(
        python.exists(),
        "the MCP Python SDK is not installed at {}: run scripts/setup (scripts/test does)",
        python.display()
    );
    python
}

#[test]
fn mcp_sdk_and_http_clients_get_the_answers() {
    let (_dir, repo) = common::fixture("repo");
    // A second `sleep`, so one name is ambiguous.
    std::fs::write(repo.join("app/extra.py"), "def sleep():\n    pass\n").unwrap();
    common::json(&repo, &["index", "."]);
    let bin = assert_cmd::cargo::cargo_bin("codegraph");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/clients.py");
    let out = Command::new(python())
        .arg(script)
        .arg(&bin)
        .arg(&repo)
        .arg(repo.join(".codegraph"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // Every tool answered over each transport.
    for transport in ["stdio", "http (legacy)", "http (auto)"] {
        for tool in [
            "search",
            "symbol",
            "callers",
            "references",
            "impact",
            "path",
            "status",
        ] {
            assert!(
                stdout.contains(&format!("ok: {transport}: {tool} ")),
                "{transport} {tool} not exercised:\n{stdout}"
            );
        }
    }
}

#[test]
fn the_default_tools_fit_the_token_budget() {
    let (_dir, repo) = common::fixture("repo");
    common::json(&repo, &["index", "."]);
    let listed = common::json(&repo, &["mcp", "tools"]);
    let tools = listed["tools"].as_array().unwrap();
    assert!(tools.len() <= 8, "{} tools", tools.len());
    let tokens = listed["tokens"].as_u64().unwrap();
    assert!(
        tokens > 200 && tokens <= 2000,
        "tools/list costs {tokens} tokens"
    );
    let all = common::json(&repo, &["mcp", "tools", "--tools", "all"]);
    assert!(all["tools"].as_array().unwrap().len() > tools.len());
}

#[test]
fn mcp_install_writes_each_clients_config() {
    let (_dir, repo) = common::fixture("repo");
    common::json(&repo, &["index", "."]);
    let home = tempfile::tempdir().unwrap();
    let home_env = [("HOME", home.path().to_str().unwrap())];
    for (client, file) in [
        ("claude-code", repo.join(".mcp.json")),
        ("cursor", repo.join(".cursor/mcp.json")),
        ("vscode", repo.join(".vscode/mcp.json")),
        ("gemini", repo.join(".gemini/settings.json")),
        ("zed", repo.join(".zed/settings.json")),
        (
            "windsurf",
            home.path().join(".codeium/windsurf/mcp_config.json"),
        ),
        ("codex", home.path().join(".codex/config.toml")),
    ] {
        let (code, _, stderr) =
            common::run_json(&repo, &["mcp", "install", "--client", client], &home_env);
        assert_eq!(code, 0, "{client}: {stderr}");
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{client}: no {}", file.display()));
        assert!(
            text.contains("codegraph") && text.contains(".codegraph"),
            "{client}: {text}"
        );
    }
    // --print writes nothing.
    let printed = assert_cmd::Command::cargo_bin("codegraph")
        .unwrap()
        .current_dir(&repo)
        .args(["mcp", "install", "--client", "cursor", "--print"])
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&printed.stdout).contains("\"mcpServers\""));
    let (code, _, stderr) = common::run_json(
        &repo,
        &["mcp", "install", "--client", "nonsense"],
        &home_env,
    );
    assert_ne!(code, 0);
    assert!(stderr.contains("nonsense"), "{stderr}");
}
