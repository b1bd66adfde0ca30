//! `codegraph bench --quick`, as a new user runs it: every metric of the
//! plan is measured and set against its targets, in the table, in JSON and
//! in an HTML report whose charts a headless Chromium draws.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const METRICS: [&str; 11] = [
    "node_query_latency",
    "edge_traversal_latency",
    "vector_search_latency",
    "rag_context_latency",
    "graph_memory",
    "cache_memory",
    "embedding_memory",
    "concurrent_lookups",
    "concurrent_searches",
    "nodes_per_second",
    "embeddings_per_second",
];

fn corpus(root: &Path) {
    for i in 0..12 {
        let text = format!(
            "\"\"\"Module {i}: retries and caches.\"\"\"\n\n\
             from app.util import fetch\n\n\n\
             def retry_request_{i}(url, attempts=3):\n    \"\"\"Retry a failed request a few times before giving up.\"\"\"\n    for _ in range(attempts):\n        if fetch(url):\n            return True\n    return False\n\n\n\
             class Cache{i}:\n    \"\"\"Keep recent answers in memory.\"\"\"\n\n    def get(self, key):\n        return retry_request_{i}(key)\n"
        );
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join(format!("app/mod_{i}.py")), text).unwrap();
    }
    std::fs::write(
        root.join("app/util.py"),
        "def fetch(url):\n    \"\"\"Fetch a URL and say whether it answered.\"\"\"\n    return bool(url)\n",
    )
    .unwrap();
}

#[test]
fn bench_measures_every_metric_and_its_report_draws() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    corpus(&root);
    let html = dir.path().join("bench.html");
    let output = Command::new(env!("CARGO_BIN_EXE_codegraph"))
        .args(["--json", "bench", "--quick", "--compare", "--corpus"])
        .arg(&root)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let metrics = report["metrics"].as_array().unwrap();
    let keys: Vec<&str> = metrics.iter().map(|m| m["key"].as_str().unwrap()).collect();
    assert_eq!(keys, METRICS);
    for metric in metrics {
        // Measured, not estimated: every figure is a positive number and
        // says whether its target is met.
        assert!(metric["value"].as_f64().unwrap() > 0.0, "{metric}");
        assert!(metric["met"].is_boolean(), "{metric}");
        for field in ["plan_baseline", "plan_target", "our_target", "measured"] {
            assert!(!metric[field].as_str().unwrap().is_empty(), "{metric}");
        }
    }
    let latency = &metrics[0];
    assert!(
        latency["p50"].as_f64() <= latency["p99"].as_f64(),
        "{latency}"
    );
    assert_eq!(report["files"], 13);
    // The index run inside reports seconds and peak memory per stage.
    let index = &report["index"];
    for stage in ["walk", "parse", "remove", "resolve", "flush", "search"] {
        assert!(index["stages"][stage].as_f64().unwrap() >= 0.0, "{index}");
        assert!(
            index["stage_peak_bytes"][stage].as_u64().unwrap() > 0,
            "{index}"
        );
    }
    let peaks = &index["stage_peak_bytes"];
    assert!(
        peaks["search"].as_u64() >= peaks["walk"].as_u64(),
        "{peaks}"
    );

    // `--compare`: universal-ctags (scripts/setup installs it) on the same
    // corpus in the same run, beside ours: index time, memory, definitions
    // and a whole-process lookup of the same names, each as a ratio.
    let comparisons = report["comparisons"].as_array().unwrap();
    let ctags = &comparisons[0];
    assert!(
        ctags["tool"]
            .as_str()
            .unwrap()
            .starts_with("Universal Ctags"),
        "{ctags}"
    );
    for field in [
        "index_seconds",
        "lookup_ms",
        "our_lookup_ms",
        "time_ratio",
        "rss_ratio",
        "definitions_ratio",
        "lookup_ratio",
    ] {
        assert!(ctags[field].as_f64().unwrap() > 0.0, "{field}: {ctags}");
    }
    assert!(ctags["definitions"].as_u64().unwrap() > 0, "{ctags}");
    // The npm peers too, where they are installed (scripts/install-peers):
    // gitnexus, @optave/codegraph, @colbymchenry/codegraph.
    for peer in &comparisons[1..] {
        let tool = peer["tool"].as_str().unwrap();
        assert!(
            ["gitnexus", "@optave/codegraph", "@colbymchenry/codegraph"]
                .iter()
                .any(|name| tool.starts_with(name)),
            "{peer}"
        );
        assert!(peer["definitions"].as_u64().unwrap() > 0, "{peer}");
        assert!(peer["lookup_ms"].as_f64().unwrap() > 0.0, "{peer}");
    }

    // The HTML report: the table and one chart per latency, throughput and
    // memory, drawn by a real browser from the file alone.
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(page.matches("<tr class=").count(), METRICS.len());
    assert!(!page.contains("http://") && !page.contains("https://"));
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
        .expect("a headless Chromium (scripts/setup installs Debian's chromium)");
    let dom = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--dump-dom",
        ])
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let bars: usize = dom
        .split("<title>charts: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the page's script did not run: {dom:.300}"));
    // Four histograms of 30 bins, four throughput bars (lookups, searches,
    // nodes, embeddings), five memory bars.
    assert_eq!(bars, 4 * 30 + 4 + 5, "{dom:.300}");
}
