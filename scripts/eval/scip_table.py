#!/usr/bin/env python3
"""Prints the JSON lines of scip_compare.py --json as one table, then the
pairs pooled per language: over the projects resolver rules were tuned on,
over the report-only ones, and over all (each project weighs by its
pairs)."""

import collections
import json
import re
import sys

rows = [json.loads(line) for line in sys.stdin if line.startswith("{")]
header = ("project (language, role, view)", "edges", "precision", "recall", "confirmed", "ours", "scip")


def line(label, what, confirmed, ours, truth):
    precision = confirmed / ours if ours else 0.0
    recall = confirmed / truth if truth else 0.0
    print(
        f"{label:<46} {what:<10} {precision:>9.3f} {recall:>7.3f} "
        f"{confirmed:>10} {ours:>6} {truth:>6}"
    )


print(
    f"{header[0]:<46} {header[1]:<10} {header[2]:>9} {header[3]:>7} {header[4]:>10} "
    f"{header[5]:>6} {header[6]:>6}"
)
pooled = collections.defaultdict(lambda: [0, 0, 0])
for r in rows:
    what = r.get("what", "calls")
    line(r["label"], what, r["confirmed"], r["codegraph_call_pairs"], r["scip_call_pairs"])
    # "project (language, role, view)"
    found = re.search(r"\((\w+), (\w+), (\w+)\)", r["label"])
    if not found:
        continue
    language, role, view = found.groups()
    for group in (role, "all"):
        totals = pooled[(language, group, view, what)]
        totals[0] += r["confirmed"]
        totals[1] += r["codegraph_call_pairs"]
        totals[2] += r["scip_call_pairs"]
if pooled:
    print()
    print(f"{'pooled (language, projects, view)':<46}")
    for (language, group, view, what), (confirmed, ours, truth) in sorted(pooled.items()):
        line(f"{language} ({group}, {view})", what, confirmed, ours, truth)
