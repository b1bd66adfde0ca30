"""Hybrid fusion rules tried offline on the candidates codegraph fuses:
each query's lexical and semantic top 100 with their scores and each
candidate's graph priors (`search_eval candidates`, written by
scripts/eval-search as EVAL_DIR/LABEL.candidates.jsonl). Prints MRR@10 /
recall@10 per evaluation set for reciprocal-rank fusion and for convex
combinations of normalised scores, with the searcher's priors applied (tests
and vendored code x DEMOTE, much-called code up to x (1 + FANIN)). The
searcher's own rule weighs the lexical ranking by the share of a corpus's
symbols with a doc comment (EVAL_DIR/LABEL.docs.jsonl): 0.4 up to
UNDOCUMENTED, DOCUMENTED_WEIGHT from DOCUMENTED on, linear in between.

Usage: fusion.py [EVAL_DIR]    (default ~/.cache/codegraph/eval)

Choose on the docstring sets and the hand-written question sets together;
any one question set is too small (10-30) to choose by.
"""

import json
import math
import sys
from pathlib import Path

from score import load, metrics

HERE = Path(__file__).resolve().parent
SETS = [
    ("django-docstrings", "django.queries.jsonl"),
    ("tokio-docstrings", "tokio.queries.jsonl"),
    ("django-questions", HERE / "django-questions.jsonl"),
] + [(f"{lib}-questions", HERE / f"{lib}-questions.jsonl")
     for lib in ("toolz", "tenacity", "cachetools", "itsdangerous", "more-itertools", "boltons")]
DEMOTE, FANIN, FANIN_CAP = 0.5, 0.25, 1000
UNDOCUMENTED, DOCUMENTED, DOCUMENTED_WEIGHT = 0.05, 0.15, 0.7


def prior(node, demote=DEMOTE, fanin=FANIN):
    _file, _name, _start, _end, demoted, calls = node
    factor = demote if demoted else 1.0
    return factor * (1 + fanin * math.log(1 + calls) / math.log(1 + FANIN_CAP))


def rrf(cand, k=20.0, semantic=1.0):
    fused = {}
    for rank, (i, _) in enumerate(cand["lexical"]):
        fused[i] = fused.get(i, 0.0) + 1 / (k + rank + 1)
    for rank, (i, _) in enumerate(cand["semantic"]):
        fused[i] = fused.get(i, 0.0) + semantic / (k + rank + 1)
    return fused


def by_best(ranking, fill):
    """Scores divided by the best; absent candidates get `fill` ("min": the
    ranking's lowest, "zero": 0)."""
    if not ranking:
        return {}, 0.0
    best = ranking[0][1]
    scale = 1 / best if best > 0 else 0.0
    scores = {i: s * scale for i, s in ranking}
    return scores, (ranking[-1][1] * scale if fill == "min" else 0.0)


def convex(cand, lexical=0.4, fill="min"):
    (lex, lf), (sem, sf) = by_best(cand["lexical"], fill), by_best(cand["semantic"], fill)
    return {i: lexical * lex.get(i, lf) + (1 - lexical) * sem.get(i, sf) for i in set(lex) | set(sem)}


def by_documentation(cand, top=DOCUMENTED_WEIGHT, lo=UNDOCUMENTED, hi=DOCUMENTED):
    """The searcher's convex rule: the lexical weight rises from 0.4 on
    undocumented code to `top` on documented code."""
    t = min(1.0, max(0.0, (cand["documented"] - lo) / (hi - lo)))
    return convex(cand, lexical=0.4 + t * (top - 0.4))


def documented_share(docs_path):
    n = documented = 0
    with open(docs_path, encoding="utf-8") as f:
        for line in f:
            n += 1
            documented += any(c.isalnum() for c in json.loads(line).get("doc") or "")
    return documented / max(n, 1)


def evaluate(data, rule, demote=DEMOTE, **kw):
    out = {}
    for label, (cands, queries) in data.items():
        ranked = []
        for cand, q in zip(cands, queries):
            if cand["query"] != q["query"]:
                raise SystemExit(f"{label}: candidates and queries differ; rerun scripts/eval-search")
            nodes = cand["nodes"]
            scored = sorted(
                ((-v * prior(nodes[str(i)], demote=demote), i) for i, v in rule(cand, **kw).items() if str(i) in nodes)
            )
            ranked.append([tuple(nodes[str(i)][:4]) for _, i in scored[:10]])
        out[label] = metrics(queries, ranked)
    return out


def main():
    eval_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.home() / ".cache/codegraph/eval"
    data = {}
    for label, queries in SETS:
        path = eval_dir / f"{label}.candidates.jsonl"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run scripts/eval-search first")
        cands = load(path)
        share = documented_share(eval_dir / f"{label}.docs.jsonl")
        for cand in cands:
            cand["documented"] = share
        data[label] = (cands, load(eval_dir / queries if isinstance(queries, str) else queries))
    rules = [(f"rrf k={k} semantic x{w}", rrf, {"k": k, "semantic": w})
             for k in (10, 20, 60) for w in (0.6, 1.0, 1.5)]
    rules += [(f"convex lexical {a} fill {fill}", convex, {"lexical": a, "fill": fill})
              for fill in ("zero", "min") for a in (0.2, 0.3, 0.4, 0.5, 0.6)]
    rules += [(f"convex lexical 0.4 fill min, demote {d}", convex, {"demote": d})
              for d in (0.3, 0.5, 0.6, 0.75, 0.9)]
    rules += [(f"by documentation, 0.4 to {top} from {lo} to {hi}", by_documentation,
               {"top": top, "lo": lo, "hi": hi})
              for top in (0.6, 0.7, 0.8) for lo, hi in ((0.05, 0.15), (0.0, 0.1), (0.1, 0.2))]
    print("| rule | " + " | ".join(data) + " |")
    print("|---|" + "---|" * len(data))
    for name, rule, kw in rules:
        res = evaluate(data, rule, **kw)
        print(f"| {name} | " + " | ".join(f"{m:.3f} / {r:.3f}" for m, r in res.values()) + " |")


if __name__ == "__main__":
    main()
