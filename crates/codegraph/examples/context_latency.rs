//! In-process latency of context packs: opens an index once, warms it,
//! then packs every question of a JSON Lines file (`{"query": ...}` per
//! line) at a token budget, `--rounds` times, and prints the median, p90
//! and p99 (the first round warms caches and is not counted).
//!
//!   cargo run --release --example context_latency -- INDEX_DIR QUERIES.jsonl [--budget N] [--rounds N]
//!
//! A benchmark, not a test: quote medians, on a quiet machine.

use std::time::Instant;

use codegraph_graph::OpenMode;
use codegraph_query::context::ContextParams;
use codegraph_query::Engine;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: usize| -> anyhow::Result<usize> {
        match args.iter().position(|a| a == name) {
            Some(i) => Ok(args
                .get(i + 1)
                .ok_or_else(|| anyhow::anyhow!("{name} needs a value"))?
                .parse()?),
            None => Ok(default),
        }
    };
    let (Some(index), Some(queries)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: context_latency INDEX_DIR QUERIES.jsonl [--budget N] [--rounds N]");
    };
    let budget = flag("--budget", 4000)?;
    let rounds = flag("--rounds", 3)?.max(2);
    let questions: Vec<String> = std::fs::read_to_string(queries)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| -> anyhow::Result<String> {
            let value: serde_json::Value = serde_json::from_str(l)?;
            Ok(value["query"].as_str().unwrap_or_default().to_string())
        })
        .collect::<anyhow::Result<_>>()?;
    let engine = Engine::open(std::path::Path::new(index), OpenMode::ReadOnly)?;
    engine.warm();
    let mut millis = Vec::new();
    for round in 0..rounds {
        for question in &questions {
            let params = ContextParams {
                query: question.clone(),
                budget: Some(budget),
                strategy: None,
            };
            let started = Instant::now();
            let pack = engine.context(&params)?;
            let elapsed = started.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(pack);
            if round > 0 {
                millis.push(elapsed);
            }
        }
    }
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| millis[((millis.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} packs of {budget} tokens ({} questions x {} rounds, warm, in-process): median {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        millis.len(),
        questions.len(),
        rounds - 1,
        at(0.5),
        at(0.9),
        at(0.99),
        millis[millis.len() - 1],
    );
    Ok(())
}
