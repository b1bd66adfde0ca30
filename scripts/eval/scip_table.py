#!/usr/bin/env python3
"""Prints the JSON lines of scip_compare.py --json as one table."""

import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.startswith("{")]
header = ("project (language, role, view)", "edges", "precision", "recall", "confirmed", "ours", "scip")
print(
    f"{header[0]:<46} {header[1]:<10} {header[2]:>9} {header[3]:>7} {header[4]:>10} "
    f"{header[5]:>6} {header[6]:>6}"
)
for r in rows:
    print(
        f"{r['label']:<46} {r.get('what', 'calls'):<10} {r['precision']:>9.3f} {r['recall']:>7.3f} "
        f"{r['confirmed']:>10} {r['codegraph_call_pairs']:>6} {r['scip_call_pairs']:>6}"
    )
