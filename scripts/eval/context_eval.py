"""Answer-in-pack rate of `codegraph context` against its baseline.

For each query of an evaluation set (scripts/eval/prepare.py's docstring
sets, or hand-written questions), asks a running `codegraph serve` for a
context pack at each budget, with the default strategy (search hits
expanded along the graph) and with the baseline (plain search hits in rank
order, whole, into the same budget), and counts the packs holding the
answer: a snippet in the query's file, with its name, whose lines hold the
definition's header line (as scripts/eval/score.py). Prints one markdown
row per budget and the latency of the 4,000-token graph packs over HTTP.

Usage: context_eval.py BASE_URL QUERIES LABEL [--budgets 1000,2000,4000,8000] [--out TABLE.md]
"""

import json
import sys
import time
import urllib.request


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def holds(q, snippet):
    s = snippet["symbol"]
    in_range = "line" not in q or s["start_line"] <= q["line"] <= s["end_line"]
    return s["file"] == q["file"] and s["name"] == q["name"] and in_range


def ask(base, query, budget, strategy):
    body = json.dumps({"query": query, "budget": budget, "strategy": strategy}).encode()
    request = urllib.request.Request(f"{base}/api/context", data=body,
                                     headers={"content-type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as r:
        pack = json.load(r)
    return pack, time.perf_counter() - started


def main():
    args = sys.argv[1:]
    budgets = [1000, 2000, 4000, 8000]
    out = None
    if "--budgets" in args:
        i = args.index("--budgets")
        budgets = [int(b) for b in args[i + 1].split(",")]
        del args[i:i + 2]
    if "--out" in args:
        i = args.index("--out")
        out = args[i + 1]
        del args[i:i + 2]
    base, queries_path, label = args
    queries = load(queries_path)
    rows = []
    latencies = []
    for budget in budgets:
        counts = {"graph": 0, "graph_full": 0, "search": 0}
        for q in queries:
            pack, seconds = ask(base, q["query"], budget, "graph")
            assert pack["tokens"] <= budget, pack
            if budget == 4000:
                latencies.append(seconds)
            found = [s for s in pack["snippets"] if holds(q, s)]
            counts["graph"] += bool(found)
            counts["graph_full"] += any(s["form"] == "full" for s in found)
            baseline, _ = ask(base, q["query"], budget, "search")
            counts["search"] += any(holds(q, s) for s in baseline["snippets"])
        n = max(len(queries), 1)
        rows.append(f"| {label} | {len(queries)} | {budget} | {counts['graph'] / n:.3f} | "
                    f"{counts['graph_full'] / n:.3f} | {counts['search'] / n:.3f} |")
    latencies.sort()
    p = lambda x: latencies[min(len(latencies) - 1, int(round(x * (len(latencies) - 1))))] * 1000
    lat = f"{label}: 4000-token graph packs over HTTP: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms ({len(latencies)} packs)"
    text = "\n".join(rows)
    print(text)
    print(lat, file=sys.stderr)
    if out:
        with open(out, "a", encoding="utf-8") as f:
            f.write(text + "\n")
            f.write(f"<!-- {lat} -->\n")


main()
