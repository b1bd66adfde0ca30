"""Score search rankings against the evaluation queries, beside two
baselines computed here on the same documents:

- bm25: plain Okapi BM25 (k1=1.2, b=0.75) over each document's text,
  lowercase \\w+ tokens: no identifier splitting, no stemming, no fields;
- minilm: exact cosine with all-MiniLM-L6-v2 over each document's name and
  source (first 128 tokens), embedded in f32 by `search_eval embed` when
  $CODEGRAPH_SEARCH_EVAL names that binary (it matches the numpy reference,
  scripts/model/minilm.py, to 1e-4), else by the numpy reference itself.

Usage: score.py QUERIES DOCS RANKINGS [--minilm CACHE.npy] [--out TABLE.md]
A hit answers a query when it is in the query's file, has its name, and
its line range holds the definition's header line.
"""

import collections
import hashlib
import json
import math
import re
import sys
from pathlib import Path

import numpy as np

K = 10


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def answers(q, file, name, start, end):
    # Hand-written questions name a definition without a line.
    in_range = "line" not in q or start <= q["line"] <= end
    return file == q["file"] and name == q["name"] and in_range


def metrics(queries, ranked):
    """ranked: list (per query) of [(file, name, start, end)] best first."""
    rr, hit = 0.0, 0
    for q, hits in zip(queries, ranked):
        for i, h in enumerate(hits[:K]):
            if answers(q, *h):
                rr += 1.0 / (i + 1)
                hit += 1
                break
    n = max(len(queries), 1)
    return rr / n, hit / n


TOKEN = re.compile(r"\w+")


def bm25_rank(queries, docs, k1=1.2, b=0.75):
    postings = collections.defaultdict(list)
    lengths = np.zeros(len(docs))
    for i, d in enumerate(docs):
        toks = TOKEN.findall(baseline_text(d).lower())
        lengths[i] = len(toks)
        for t, c in collections.Counter(toks).items():
            postings[t].append((i, c))
    avg = lengths.mean()
    n = len(docs)
    out = []
    for q in queries:
        scores = np.zeros(n)
        for t in set(TOKEN.findall(q["query"].lower())):
            plist = postings.get(t)
            if not plist:
                continue
            idf = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
            idx = np.array([p[0] for p in plist])
            tf = np.array([p[1] for p in plist], dtype=float)
            scores[idx] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[idx] / avg))
        top = np.argsort(-scores)[:K]
        out.append([doc_key(docs[i]) for i in top if scores[i] > 0])
    return out


def baseline_text(d):
    """What both baselines see of a document: its name and its source (which
    holds the signature, and the doc comment where the corpus has one)."""
    return d["name"] + " " + d["body"]


def doc_key(d):
    return (d["file"], d["name"], d["start_line"], d["end_line"])


def rust_encode(binary, texts):
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "texts.jsonl"), os.path.join(tmp, "vectors.npy")
        with open(src, "w", encoding="utf-8") as f:
            for t in texts:
                f.write(json.dumps({"text": t}) + "\n")
        subprocess.run([binary, "embed", src, dst], check=True)
        return np.load(dst)


class Encoder:
    """all-MiniLM-L6-v2 in f32: the Rust binary if given, else numpy."""

    def __init__(self):
        import os

        self.binary = os.environ.get("CODEGRAPH_SEARCH_EVAL")
        if not self.binary:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "model"))
            from minilm import MiniLM

            self.model = MiniLM()

    def encode(self, texts, batch=64, max_len=128):
        if self.binary:
            return rust_encode(self.binary, texts)
        return self.model.encode(texts, batch=batch, max_len=max_len)


def minilm_rank(queries, docs, cache):
    m = Encoder()
    digest = hashlib.sha256("\n".join(baseline_text(d) for d in docs).encode()).hexdigest()[:16]
    cache = Path(cache)
    meta = cache.with_suffix(".key")
    if cache.exists() and meta.exists() and meta.read_text() == digest:
        emb = np.load(cache)
    else:
        print(f"minilm: embedding {len(docs)} documents (cached in {cache})", file=sys.stderr)
        emb = m.encode([baseline_text(d) for d in docs], batch=64, max_len=128)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, emb)
        meta.write_text(digest)
    qe = m.encode([q["query"] for q in queries], batch=64)
    out = []
    for row in qe @ emb.T:
        top = np.argpartition(-row, K)[:K]
        top = top[np.argsort(-row[top])]
        out.append([doc_key(docs[i]) for i in top])
    return out


def main():
    args = sys.argv[1:]
    opts = {}
    for flag in ("--minilm", "--out", "--label"):
        if flag in args:
            k = args.index(flag)
            opts[flag] = args[k + 1]
            del args[k:k + 2]
    queries_path, docs_path, rankings_path = args
    queries = load(queries_path)
    docs = load(docs_path)
    by_mode = collections.defaultdict(dict)
    for r in load(rankings_path):
        by_mode[r["mode"]][r["query"]] = [tuple(h) for h in r["hits"]]
    rows = []
    for mode in ("lexical", "semantic", "hybrid"):
        ranked = [by_mode[mode].get(q["query"], []) for q in queries]
        rows.append((f"codegraph {mode}", *metrics(queries, ranked)))
    rows.append(("baseline: plain BM25", *metrics(queries, bm25_rank(queries, docs))))
    if "--minilm" in opts:
        rows.append(("baseline: all-MiniLM-L6-v2 exact cosine",
                     *metrics(queries, minilm_rank(queries, docs, opts["--minilm"]))))
    label = opts.get("--label", Path(queries_path).stem)
    lines = [f"### {label}: {len(queries)} queries, {len(docs)} documents", "",
             "| ranking | MRR@10 | recall@10 |", "|---|---|---|"]
    lines += [f"| {name} | {mrr:.3f} | {rec:.3f} |" for name, mrr, rec in rows]
    table = "\n".join(lines) + "\n"
    print(table)
    if "--out" in opts:
        with open(opts["--out"], "a", encoding="utf-8") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
