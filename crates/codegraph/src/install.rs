//! `codegraph mcp install --client NAME`: the MCP configuration each
//! common client reads, written into its file (merged with what is
//! there) or printed with `--print`. No network: the server is this
//! binary, started by the client as `codegraph mcp --db INDEX`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// The name the server is registered under in every client.
const NAME: &str = "codegraph";

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Client {
    ClaudeCode,
    Cursor,
    Vscode,
    Codex,
    Windsurf,
    Gemini,
    Zed,
}

/// What to write, and where.
pub struct Plan {
    pub file: PathBuf,
    /// The file's whole new content.
    pub content: String,
    /// The entry alone, as the client's documentation shows it.
    pub entry: String,
}

fn home() -> Result<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .context("HOME is not set, so the client's configuration file cannot be found")
}

/// The configuration `client` needs to start `exe mcp --db index`.
/// Project-level files go under `project`; user-level ones under $HOME.
pub fn plan(client: Client, exe: &Path, index: &Path, project: &Path) -> Result<Plan> {
    let command = exe.display().to_string();
    let args = vec![
        "mcp".to_string(),
        "--db".to_string(),
        index.display().to_string(),
    ];
    let standard = json!({ "command": command, "args": args });
    let (file, key, server) = match client {
        Client::ClaudeCode => (project.join(".mcp.json"), "mcpServers", standard),
        Client::Cursor => (project.join(".cursor/mcp.json"), "mcpServers", standard),
        Client::Vscode => (
            project.join(".vscode/mcp.json"),
            "servers",
            json!({ "type": "stdio", "command": command, "args": args }),
        ),
        Client::Windsurf => (
            home()?.join(".codeium/windsurf/mcp_config.json"),
            "mcpServers",
            standard,
        ),
        Client::Gemini => (
            project.join(".gemini/settings.json"),
            "mcpServers",
            standard,
        ),
        Client::Zed => (
            project.join(".zed/settings.json"),
            "context_servers",
            json!({ "source": "custom", "command": command, "args": args }),
        ),
        Client::Codex => return codex(&home()?.join(".codex/config.toml"), &command, &args),
    };
    let mut config: Value = match std::fs::read_to_string(&file) {
        Ok(text) if !text.trim().is_empty() => serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not plain JSON; add the entry by hand (see --print)",
                file.display()
            )
        })?,
        _ => json!({}),
    };
    let Some(object) = config.as_object_mut() else {
        bail!("{} does not hold a JSON object", file.display());
    };
    let servers = object.entry(key).or_insert_with(|| json!({}));
    let Some(servers) = servers.as_object_mut() else {
        bail!("'{key}' in {} is not an object", file.display());
    };
    servers.insert(NAME.into(), server.clone());
    Ok(Plan {
        content: serde_json::to_string_pretty(&config)? + "\n",
        entry: serde_json::to_string_pretty(&json!({ key: { NAME: server } }))? + "\n",
        file,
    })
}

/// Codex reads TOML: the `[mcp_servers.codegraph]` table, replaced if
/// present, appended if not.
fn codex(file: &Path, command: &str, args: &[String]) -> Result<Plan> {
    let quote = |s: &str| serde_json::to_string(s).expect("a string serializes");
    let header = format!("[mcp_servers.{NAME}]");
    let entry = format!(
        "{header}\ncommand = {}\nargs = [{}]\n",
        quote(command),
        args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(", ")
    );
    let existing = std::fs::read_to_string(file).unwrap_or_default();
    let mut kept = String::new();
    let mut skipping = false;
    for line in existing.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            skipping = trimmed == header;
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    if !kept.is_empty() && !kept.ends_with("\n\n") {
        kept.push('\n');
    }
    Ok(Plan {
        file: file.to_path_buf(),
        content: kept + &entry,
        entry,
    })
}

/// Writes the plan's file (creating its directory).
pub fn write(plan: &Plan) -> Result<()> {
    if let Some(dir) = plan.file.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&plan.file, &plan.content)
        .with_context(|| format!("cannot write {}", plan.file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_into_an_existing_json_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".mcp.json"),
            r#"{"mcpServers": {"other": {"command": "x"}}, "keep": 1}"#,
        )
        .unwrap();
        let plan = plan(
            Client::ClaudeCode,
            Path::new("/bin/codegraph"),
            Path::new("/repo/.codegraph"),
            dir.path(),
        )
        .unwrap();
        let value: Value = serde_json::from_str(&plan.content).unwrap();
        assert_eq!(value["keep"], 1);
        assert_eq!(value["mcpServers"]["other"]["command"], "x");
        assert_eq!(
            value["mcpServers"]["codegraph"]["command"],
            "/bin/codegraph"
        );
        assert_eq!(
            value["mcpServers"]["codegraph"]["args"],
            json!(["mcp", "--db", "/repo/.codegraph"])
        );
    }

    #[test]
    fn replaces_the_codex_table_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(
            &file,
            "model = \"m\"\n\n[mcp_servers.codegraph]\ncommand = \"old\"\n\n[other]\nx = 1\n",
        )
        .unwrap();
        let plan = codex(&file, "/bin/codegraph", &["mcp".into()]).unwrap();
        assert!(!plan.content.contains("old"), "{}", plan.content);
        assert!(plan.content.contains("model = \"m\""));
        assert!(plan.content.contains("[other]\nx = 1"));
        assert!(plan.content.ends_with(
            "[mcp_servers.codegraph]\ncommand = \"/bin/codegraph\"\nargs = [\"mcp\"]\n"
        ));
    }

    #[test]
    fn refuses_a_config_it_cannot_parse() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".vscode")).unwrap();
        // VS Code allows comments; rewriting would drop them.
        std::fs::write(dir.path().join(".vscode/mcp.json"), "// mine\n{}").unwrap();
        let err = plan(Client::Vscode, Path::new("c"), Path::new("i"), dir.path())
            .err()
            .unwrap();
        assert!(err.to_string().contains("--print"), "{err}");
    }
}
