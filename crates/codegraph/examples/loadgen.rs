//! A load generator for `codegraph serve`: keep-alive HTTP/1.1 over
//! loopback from N connections, each sending requests of a mix of kinds
//! as fast as answers come back, for a fixed time. Prints requests/s,
//! latency percentiles and errors per kind, and (with `--pid`) the
//! server's resident memory sampled through the run. `scripts/load-test`
//! runs it on a real corpus.
//!
//!   loadgen --addr 127.0.0.1:7420 --targets FILE --mix find=5,callers=2,impact=1,search=2
//!           [--seconds 20] [--connections 4] [--pid PID] [--sample-every 10] [--token T]
//!
//! FILE holds one target per line, `ID<TAB>NAME` (a node id and its
//! name): lookups ask for the name, graph queries for the id, searches for
//! the name's words.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use codegraph::loopback::{encode, Connection};

type Error = Box<dyn std::error::Error>;

struct Args {
    addr: String,
    targets: Vec<(String, String)>,
    mix: Vec<(String, u32)>,
    seconds: u64,
    connections: usize,
    pid: Option<u32>,
    sample_every: u64,
    token: Option<String>,
}

fn parse_args() -> Result<Args, Error> {
    let mut args = Args {
        addr: "127.0.0.1:7420".into(),
        targets: Vec::new(),
        mix: vec![("find".into(), 1)],
        seconds: 20,
        connections: 4,
        pid: None,
        sample_every: 10,
        token: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => args.addr = value()?,
            "--seconds" => args.seconds = value()?.parse()?,
            "--connections" => args.connections = value()?.parse()?,
            "--pid" => args.pid = Some(value()?.parse()?),
            "--sample-every" => args.sample_every = value()?.parse()?,
            "--token" => args.token = Some(value()?),
            "--mix" => {
                args.mix = value()?
                    .split(',')
                    .map(|part| {
                        let (kind, weight) = part.split_once('=').unwrap_or((part, "1"));
                        Ok((kind.to_string(), weight.parse()?))
                    })
                    .collect::<Result<_, Error>>()?
            }
            "--targets" => {
                let text = std::fs::read_to_string(value()?)?;
                args.targets = text
                    .lines()
                    .filter_map(|l| l.split_once('\t'))
                    .map(|(id, name)| (id.to_string(), name.to_string()))
                    .collect();
            }
            _ => return Err(format!("unknown flag {flag}").into()),
        }
    }
    if args.targets.is_empty() {
        return Err("--targets FILE with ID<TAB>NAME lines is required".into());
    }
    Ok(args)
}

/// The request path for one query of `kind` on target `i`.
fn path(kind: &str, target: &(String, String)) -> String {
    let (id, name) = target;
    match kind {
        "find" => format!("/api/find?name={}&limit=5", encode(name)),
        "symbol" => format!("/api/symbol?symbol={id}&source_lines=20&edges=20"),
        "callers" => format!("/api/callers?symbol={id}&limit=50"),
        "references" => format!("/api/references?symbol={id}&limit=100"),
        "impact" => format!("/api/impact?target={id}&depth=2&limit=50"),
        "search" => {
            let words: String = name
                .split(['_', ':', '.'])
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            format!("/api/search?query={}&limit=10", encode(&words))
        }
        other => panic!("unknown kind {other}"),
    }
}

#[derive(Default)]
struct Tally {
    micros: Vec<u32>,
    errors: BTreeMap<String, u64>,
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[rank]) / 1000.0
}

fn main() -> Result<(), Error> {
    let args = Arc::new(parse_args()?);
    // The schedule: kinds repeated by weight, cycled through.
    let schedule: Vec<String> = args
        .mix
        .iter()
        .flat_map(|(kind, weight)| std::iter::repeat_n(kind.clone(), *weight as usize))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..args.connections)
        .map(|worker| {
            let (args, stop, schedule) = (Arc::clone(&args), Arc::clone(&stop), schedule.clone());
            std::thread::spawn(move || {
                let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
                let mut connection = Connection::open(&args.addr).ok();
                let mut i = worker * 7919;
                while !stop.load(Ordering::Relaxed) {
                    let kind = &schedule[i % schedule.len()];
                    let target = &args.targets[(i * 31) % args.targets.len()];
                    i += 1;
                    let path = path(kind, target);
                    let sent = Instant::now();
                    let result = match connection.as_mut() {
                        Some(c) => c.get(&args.addr, &path, args.token.as_deref()),
                        None => Err(std::io::Error::other("not connected")),
                    };
                    let micros = sent.elapsed().as_micros().min(u32::MAX as u128) as u32;
                    let tally = tallies.entry(kind.clone()).or_default();
                    match result {
                        Ok(200) => tally.micros.push(micros),
                        Ok(status) => *tally.errors.entry(status.to_string()).or_default() += 1,
                        Err(e) => {
                            *tally.errors.entry(format!("io: {e}")).or_default() += 1;
                            connection = Connection::open(&args.addr).ok();
                        }
                    }
                }
                tallies
            })
        })
        .collect();
    let mut samples = Vec::new();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut next_sample = started;
    while Instant::now() < deadline {
        if let Some(pid) = args.pid {
            if Instant::now() >= next_sample {
                samples.push((started.elapsed().as_secs(), rss_kib(pid).unwrap_or(0)));
                next_sample += Duration::from_secs(args.sample_every.max(1));
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    let mut merged: BTreeMap<String, Tally> = BTreeMap::new();
    for worker in workers {
        for (kind, tally) in worker.join().map_err(|_| "a worker panicked")? {
            let into = merged.entry(kind).or_default();
            into.micros.extend(tally.micros);
            for (error, n) in tally.errors {
                *into.errors.entry(error).or_default() += n;
            }
        }
    }
    if let Some(pid) = args.pid {
        samples.push((started.elapsed().as_secs(), rss_kib(pid).unwrap_or(0)));
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{:<11} {:>9} {:>10} {:>9} {:>9} {:>9}  errors",
        "kind", "requests", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    let mut total = 0;
    let mut report = serde_json::Map::new();
    for (kind, tally) in &mut merged {
        tally.micros.sort_unstable();
        let n = tally.micros.len();
        total += n;
        let errors: u64 = tally.errors.values().sum();
        println!(
            "{kind:<11} {n:>9} {:>10.0} {:>9.3} {:>9.3} {:>9.3}  {errors} {:?}",
            n as f64 / elapsed,
            percentile(&tally.micros, 0.5),
            percentile(&tally.micros, 0.99),
            percentile(&tally.micros, 1.0),
            tally.errors,
        );
        report.insert(
            kind.clone(),
            serde_json::json!({
                "requests": n, "per_second": n as f64 / elapsed,
                "p50_ms": percentile(&tally.micros, 0.5), "p99_ms": percentile(&tally.micros, 0.99),
                "errors": tally.errors,
            }),
        );
    }
    println!(
        "all         {total:>9} {:>10.0}   ({} connections, {elapsed:.1} s)",
        total as f64 / elapsed,
        args.connections
    );
    if !samples.is_empty() {
        let rss: Vec<String> = samples
            .iter()
            .map(|(t, kib)| format!("{t}s:{:.1}MiB", *kib as f64 / 1024.0))
            .collect();
        println!("server RSS: {}", rss.join(" "));
        let after_warmup: Vec<u64> = samples.iter().skip(1).map(|s| s.1).collect();
        if let (Some(min), Some(max)) = (after_warmup.iter().min(), after_warmup.iter().max()) {
            println!(
                "server RSS after the first sample: min {:.1} MiB, max {:.1} MiB, spread {:.1} %",
                *min as f64 / 1024.0,
                *max as f64 / 1024.0,
                (*max - *min) as f64 * 100.0 / (*min).max(1) as f64
            );
        }
    }
    println!("{}", serde_json::Value::Object(report));
    Ok(())
}
