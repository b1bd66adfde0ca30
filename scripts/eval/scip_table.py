#!/usr/bin/env python3
"""Prints the JSON lines of scip_compare.py --json as one table."""

import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.startswith("{")]
header = ("project (language, role, view)", "precision", "recall", "confirmed", "ours", "scip")
print(f"{header[0]:<46} {header[1]:>9} {header[2]:>7} {header[3]:>10} {header[4]:>6} {header[5]:>6}")
for r in rows:
    print(
        f"{r['label']:<46} {r['precision']:>9.3f} {r['recall']:>7.3f} "
        f"{r['confirmed']:>10} {r['codegraph_call_pairs']:>6} {r['scip_call_pairs']:>6}"
    )
