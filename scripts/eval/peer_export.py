#!/usr/bin/env python3
"""Turns a peer's call edges into a codegraph export, for scip_compare.py.

    peer_export.py CODEGRAPH_EXPORT.jsonl PEER_ROWS.json > PEER.calls.jsonl

PEER_ROWS.json is the JSON a peer prints for the query

    MATCH (a)-[r:CodeRelation]->(b) WHERE r.type = 'CALLS'
    RETURN a.filePath, a.name, a.startLine, b.filePath, b.name, b.startLine, r.confidence

(gitnexus `cypher`: {"markdown": "| ... |", "row_count": N}; start lines
0-based, empty for a file). Each end of an edge becomes the codegraph node
of the same file and name starting on the same line (else the innermost
one containing that line), a file-level caller the file node; the output
holds codegraph's nodes and the peer's edges, so both tools are scored
against the compiler-grade index by the same pairs. Edges whose ends
have no codegraph node are counted on stderr and left out.
"""

import collections
import json
import sys


def rows(path):
    with open(path) as f:
        text = f.read()
    start = text.find("{")
    data = json.loads(text[start:])
    lines = [l for l in data["markdown"].split("\n") if l.startswith("|")]
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 7:
            yield cells[:7]


def main():
    nodes = {}
    by_file = collections.defaultdict(list)
    file_node = {}
    with open(sys.argv[1]) as f:
        for line in f:
            record = json.loads(line)
            if record["type"] != "node":
                continue
            nodes[record["id"]] = record
            print(line.rstrip("\n"))
            if record["kind"] == "file":
                file_node[record["file"]] = record["id"]
            elif record["kind"] != "import":
                by_file[record["file"]].append(record)

    def node_at(path, name, start):
        if start == "":
            return file_node.get(path)
        line = int(start) + 1
        exact = [n for n in by_file.get(path, ()) if n["start_line"] == line and n["name"] == name]
        if exact:
            return exact[0]["id"]
        containing = [
            n for n in by_file.get(path, ()) if n["start_line"] <= line <= n["end_line"]
        ]
        if not containing:
            return None
        return min(containing, key=lambda n: n["end_line"] - n["start_line"])["id"]

    seen, unmapped = set(), 0
    for a_file, a_name, a_line, b_file, b_name, b_line, confidence in rows(sys.argv[2]):
        caller, callee = node_at(a_file, a_name, a_line), node_at(b_file, b_name, b_line)
        if caller is None or callee is None:
            unmapped += 1
            continue
        if (caller, callee) in seen:
            continue
        seen.add((caller, callee))
        line = int(a_line) + 1 if a_line else 0
        print(json.dumps({
            "type": "edge", "kind": "calls", "from": caller, "to": callee,
            "confidence": float(confidence or 0), "resolution": "peer", "line": line,
        }))
    print(f"peer_export: {len(seen)} edges, {unmapped} without a codegraph node", file=sys.stderr)


if __name__ == "__main__":
    main()
