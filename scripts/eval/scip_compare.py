#!/usr/bin/env python3
"""Call-graph precision and recall of codegraph against a SCIP index.

    scip_compare.py INDEX.scip EXPORT.jsonl ROOT [--examples N] [--json]

INDEX.scip comes from a compiler-grade SCIP indexer (scip-python,
scip-typescript) run over ROOT; EXPORT.jsonl from `codegraph export
--edge-kind calls` over the same tree.

Both sides are reduced to the same thing, a set of (caller, callee) pairs
of codegraph node ids:

- SCIP: every reference occurrence written as a call (the symbol is followed
  by `(`, optionally after TypeScript type arguments) whose symbol is defined
  in the project. The callee is the codegraph node defined at the SCIP
  definition (same file, same name, innermost span containing the line); the
  caller is the innermost codegraph scope (function, method, type, module)
  containing the call site, else the file. Calls to definitions codegraph
  does not extract at all are counted separately (an extraction gap, not a
  resolution error) and left out of recall.
- codegraph: its resolved `calls` edges between files both indexed.

A constructor (or a method named `constructor`/`__init__`) stands for its
class on both sides (`new Foo()` may be
recorded against either). Precision = confirmed codegraph pairs / all
codegraph pairs; recall = found SCIP pairs / all SCIP pairs.

The SCIP file is decoded with a small protobuf wire-format reader (fields
from scip.proto: Index.documents = 2; Document.relative_path = 1,
occurrences = 2; Occurrence.range = 1, symbol = 2, symbol_roles = 3), so
nothing but Python is needed.
"""

import argparse
import collections
import json
import os
import re
import sys

DEFINITION_ROLE = 1

CALLABLE = {"function", "method", "constructor", "class", "struct"}
SCOPES = {
    "function",
    "method",
    "constructor",
    "class",
    "struct",
    "interface",
    "trait",
    "enum",
    "union",
    "module",
    "namespace",
}
# A module- or class-level variable is the caller of the calls in its value;
# a type alias (`type IntoIter = Chunks<I>;`) of the types it names.
CALLERS = SCOPES | {"variable", "constant", "field", "type", "type_alias", "typedef"}
# The name in a definition (a property setter, an overload) is not a call.
DEFINING = re.compile(r"(\bdef|\bfunction|\bclass|\bfunc|\bfn)\s*$")


# --- protobuf wire format -------------------------------------------------


def varint(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """(field number, wire type, value) of one message; value is an int
    for varints, a memoryview for length-delimited fields."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 2:
            length, pos = varint(buf, pos)
            value = buf[pos : pos + length]
            pos += length
        elif wire == 1:
            value, pos = None, pos + 8
        elif wire == 5:
            value, pos = None, pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def packed_int32(buf):
    out, pos = [], 0
    while pos < len(buf):
        value, pos = varint(buf, pos)
        out.append(value)
    return out


def read_scip(path):
    """{relative_path: [(line0, col0, end_col, symbol, roles)]}

    Columns are as the indexers write them, UTF-16 code units (SCIP's
    default; scip-python and scip-typescript take them from their
    compilers). The sources are sliced as Python strings, in code points:
    the two agree except after a character outside the Basic Multilingual
    Plane (an emoji) earlier on the same line, which the corpora's code
    lines do not hold."""
    with open(path, "rb") as f:
        data = memoryview(f.read())
    documents = {}
    for number, wire, value in fields(data):
        if number != 2 or wire != 2:
            continue
        relative, occurrences = None, []
        for dn, dw, dv in fields(value):
            if dn == 1 and dw == 2:
                relative = bytes(dv).decode()
            elif dn == 2 and dw == 2:
                rng, symbol, roles = [], "", 0
                for on, ow, ov in fields(dv):
                    if on == 1:
                        rng = packed_int32(ov) if ow == 2 else [ov]
                    elif on == 2 and ow == 2:
                        symbol = bytes(ov).decode()
                    elif on == 3 and ow == 0:
                        roles = ov
                if len(rng) >= 3 and symbol:
                    end_col = rng[2] if len(rng) == 3 else rng[3]
                    occurrences.append((rng[0], rng[1], end_col, symbol, roles))
        if relative is not None:
            documents[relative] = occurrences
    return documents


# --- codegraph export -----------------------------------------------------


# Resolutions codegraph's default views leave out.
GUESSES = {"name-only", "ambiguous"}

# Languages whose same-named definitions in one scope are one symbol.
ONE_SYMBOL_OVERLOADS = {"python", "typescript", "tsx", "javascript"}

# Edge kinds that stand for a reference written in the source.
REFERENCE_EDGES = {"calls", "references", "inherits", "implements"}
# What a reference may name, in --references mode: the symbols codegraph
# links references to (not fields, variables or parameters).
REFERENCED = CALLABLE | {"interface", "trait", "enum", "type", "union", "type_alias", "typedef"}


def read_export(path, kinds):
    nodes, edges = {}, []
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            if record["type"] == "node":
                nodes[record["id"]] = record
            elif record["kind"] in kinds:
                edges.append(record)
    return nodes, edges


class Spans:
    """The nodes of each file, to find the one at a line."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.by_file = collections.defaultdict(list)
        self.file_node = {}
        for node in nodes.values():
            if node["kind"] == "file":
                self.file_node[node["file"]] = node["id"]
            else:
                self.by_file[node["file"]].append(node)

    def innermost(self, path, line, keep):
        best = None
        for node in self.by_file.get(path, ()):
            if node["start_line"] <= line <= node["end_line"] and keep(node):
                if best is None or (node["end_line"] - node["start_line"]) < (
                    best["end_line"] - best["start_line"]
                ):
                    best = node
        return best

    def caller(self, path, line):
        node = self.innermost(path, line, lambda n: n["kind"] in CALLERS)
        return node["id"] if node else self.file_node.get(path)

    def definition(self, path, line, name):
        node = self.innermost(path, line, lambda n: n["name"] == name)
        return node

    def as_class(self, node_id):
        """A constructor stands for its class."""
        node = self.nodes.get(node_id)
        constructor = node and (
            node["kind"] == "constructor"
            or (node["kind"] == "method" and node["name"] in ("constructor", "__init__"))
        )
        if constructor and node.get("parent"):
            return node["parent"]
        return node_id


# Type arguments balanced to one nesting level (`make<Map<K, V>>(`): the
# `HashSet` of `collect::<HashSet<_>>()` is a type argument, not called.
CALL_AFTER = re.compile(r"\s*(<[^()<>]*(?:<[^()<>]*>[^()<>]*)*>)?\s*\(")


def written_as_call(source_lines, line0, end_col):
    if line0 >= len(source_lines):
        return False
    return CALL_AFTER.match(source_lines[line0], end_col) is not None


def call_form(source_lines, line0, col0):
    """How the call is written, for the breakdown: bare, self, member."""
    before = source_lines[line0][:col0].rstrip() if line0 < len(source_lines) else ""
    if before.endswith("new"):
        return "new"
    if not before.endswith("."):
        return "bare"
    receiver = re.search(r"([A-Za-z_$][\w$]*|\))\s*(\?)?\.$", before)
    if receiver and receiver.group(1) in ("self", "this", "cls", "super"):
        return "self"
    if before.endswith("super()."):
        return "self"
    return "member"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scip")
    parser.add_argument("export")
    parser.add_argument("root")
    parser.add_argument("--examples", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--references",
        action="store_true",
        help="every reference (calls, type uses, bases) to a function, method or type, "
        "as (enclosing scope, target) pairs; EXPORT holds every edge kind",
    )
    parser.add_argument(
        "--guesses",
        action="store_true",
        help="count guesses too (name-only and ambiguous edges; default: as codegraph's default views, without them)",
    )
    args = parser.parse_args()

    documents = read_scip(args.scip)
    nodes, edges = read_export(args.export, REFERENCE_EDGES if args.references else {"calls"})
    targets = REFERENCED if args.references else CALLABLE
    spans = Spans(nodes)
    project_files = set(documents) & set(spans.file_node)

    # Where each project symbol is defined.
    defined = {}
    for path, occurrences in documents.items():
        for line0, col0, end_col, symbol, roles in occurrences:
            if roles & DEFINITION_ROLE:
                key = (path, symbol) if symbol.startswith("local ") else symbol
                defined.setdefault(key, []).append((path, line0, col0, end_col))

    sources = {}

    def lines_of(path):
        if path not in sources:
            try:
                with open(os.path.join(args.root, path), encoding="utf-8", errors="replace") as f:
                    sources[path] = f.read().split("\n")
            except OSError:
                sources[path] = []
        return sources[path]

    # One symbol defined in several places (Python `@overload` stubs
    # before the implementation, TypeScript overload signatures, a
    # property's getter and setter): the indexers disagree on which
    # definition a use names (scip-python takes the first, codegraph the
    # one that runs), so every node of one file with the same qualified
    # name and kind stands for the first. In Rust only a free function:
    # defined twice in one file, it is one function under exclusive
    # `#[cfg]`s (rust-analyzer, with every feature on, takes the last;
    # either is the call's target in some build). Same-named methods of
    # one type in several `impl Trait for T` blocks are different
    # functions that a resolver must choose between.
    canonical = {}
    first = {}
    for node in sorted(nodes.values(), key=lambda n: (n["file"], n.get("start_line", 0))):
        if node["kind"] in ("file", "import"):
            continue
        if node.get("language") not in ONE_SYMBOL_OVERLOADS and not (
            node.get("language") == "rust" and node["kind"] == "function"
        ):
            continue
        key = (node["file"], node["qualified_name"], node["kind"])
        canonical[node["id"]] = first.setdefault(key, node["id"])

    truth = {}  # (caller, callee) -> (path, line, form)
    unextracted = 0
    for path in sorted(project_files):
        source = lines_of(path)
        for line0, col0, end_col, symbol, roles in documents[path]:
            if roles & DEFINITION_ROLE:
                continue
            key = (path, symbol) if symbol.startswith("local ") else symbol
            sites = [w for w in defined.get(key, ()) if w[0] in project_files]
            if not sites:
                continue
            if not args.references and not written_as_call(source, line0, end_col):
                continue
            if line0 < len(source) and DEFINING.search(source[line0][:col0]):
                continue
            # A symbol declared several times (TypeScript overloads, a
            # property's getter and setter) is the first declaration
            # codegraph has a node for.
            callee = None
            for def_path, def_line0, def_col, def_end in sites:
                text = lines_of(def_path)
                name = text[def_line0][def_col:def_end] if def_line0 < len(text) else ""
                callee = spans.definition(def_path, def_line0 + 1, name)
                if callee is not None:
                    break
            if callee is None or callee["kind"] not in targets:
                unextracted += 1
                continue
            caller = spans.caller(path, line0 + 1)
            if caller is None:
                continue
            pair = (caller, spans.as_class(canonical.get(callee["id"], callee["id"])))
            truth.setdefault(pair, (path, line0 + 1, call_form(source, line0, col0)))

    ours = {}
    for edge in edges:
        if not args.guesses and edge.get("resolution") in GUESSES:
            continue
        source_node, target = nodes.get(edge["from"]), nodes.get(edge["to"])
        if not source_node or not target:
            continue
        if source_node["file"] not in project_files or target["file"] not in project_files:
            continue
        # Both sides count the same targets: references to variables and
        # constants are not in SCIP's pairs above, so not in ours.
        if args.references and target["kind"] not in targets:
            continue
        target_id = canonical.get(edge["to"], edge["to"])
        pair = (edge["from"], spans.as_class(target_id))
        best = ours.get(pair)
        if best is None or edge["confidence"] > best["confidence"]:
            ours[pair] = edge

    found = set(truth) & set(ours)
    precision = len(found) / len(ours) if ours else 1.0
    recall = len(found) / len(truth) if truth else 1.0
    confident = {p for p, e in ours.items() if e["confidence"] >= 0.5}
    precision_confident = len(confident & set(truth)) / len(confident) if confident else 1.0
    by_form = collections.Counter(form for _, _, form in truth.values())
    found_by_form = collections.Counter(truth[p][2] for p in found)

    result = {
        "label": args.label,
        "files": len(project_files),
        "what": "references" if args.references else "calls",
        "scip_call_pairs": len(truth),
        "scip_calls_to_unextracted_definitions": unextracted,
        "codegraph_call_pairs": len(ours),
        "confirmed": len(found),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "precision_confidence_ge_0_5": round(precision_confident, 3),
        "codegraph_pairs_confidence_ge_0_5": len(confident),
        "recall_by_form": {
            form: {"scip": by_form[form], "found": found_by_form[form],
                   "recall": round(found_by_form[form] / by_form[form], 3)}
            for form in sorted(by_form)
        },
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{args.label:<12} {'references' if args.references else 'calls'} precision {precision:.3f} recall {recall:.3f}  "
            f"({len(found)} of {len(ours)} codegraph pairs confirmed, {len(truth)} SCIP pairs; "
            f"precision at confidence >= 0.5: {precision_confident:.3f} of {len(confident)})"
        )
        forms = ", ".join(
            f"{form} {found_by_form[form]}/{by_form[form]}" for form in sorted(by_form)
        )
        print(f"{'':<12} recall by call form: {forms}; "
              f"{unextracted} SCIP calls reach definitions codegraph does not extract")

    def describe(node_id):
        node = nodes.get(node_id, {})
        return f"{node.get('qualified_name')} ({node.get('kind')} {node.get('file')}:{node.get('start_line')})"

    if args.examples:
        print("missed (SCIP has, codegraph lacks):", file=sys.stderr)
        for pair in sorted(set(truth) - found, key=lambda p: truth[p][:2])[: args.examples]:
            path, line, form = truth[pair]
            text = lines_of(path)[line - 1].strip()[:100]
            print(f"  {path}:{line} [{form}] {describe(pair[0])} -> {describe(pair[1])}\n      {text}", file=sys.stderr)
        print("unconfirmed (codegraph has, SCIP lacks):", file=sys.stderr)
        for pair in sorted(set(ours) - found, key=lambda p: (nodes[p[0]]["file"], ours[p]["line"]))[: args.examples]:
            edge = ours[pair]
            path = nodes[pair[0]]["file"]
            text = lines_of(path)[edge["line"] - 1].strip()[:100] if edge["line"] else ""
            print(f"  {path}:{edge['line']} conf {edge['confidence']} {describe(pair[0])} -> {describe(pair[1])}\n      {text}", file=sys.stderr)


if __name__ == "__main__":
    main()
