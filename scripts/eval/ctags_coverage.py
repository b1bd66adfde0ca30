#!/usr/bin/env python3
"""Definitions located: of universal-ctags' definitions in a corpus, the
share codegraph has too.

    ctags_coverage.py EXPORT.jsonl TAGS.json LANGUAGE [--root TREE] [--misses N]

EXPORT.jsonl is `codegraph export` of the corpus, TAGS.json the output of
`ctags --output-format=json --fields=+nK` over the files codegraph indexed
as LANGUAGE. A ctags definition is located when codegraph has a node of the
same name in the same file whose span holds the tag's line (or starts on
the line next to it: ctags puts some tags on a decorator or a doc line).
Only ctags' definition kinds count (not locals, parameters, imports,
heredocs or aliases), and no anonymous entry (`<lambda>`):
DEFINITION_KINDS says which kinds, per ctags language.
Prints one JSON object.
"""

import argparse
import collections
import json
import os
import re
import sys

DEFINITION_KINDS = {
    "Ruby": {"class", "module", "method", "singletonMethod", "constant"},
    "PHP": {"class", "function", "interface", "namespace", "trait"},
    "C#": {"class", "enumerator", "field", "enum", "interface", "method", "namespace",
           "property", "struct"},
    "Kotlin": {"class", "interface", "method", "object", "typealias"},
    "Lua": {"function"},
    "Sh": {"function"},
    "Elixir": {"function", "macro", "module", "protocol", "delegate", "guard"},
    # Not "module": ctags names `module Text.Pandoc.App` "Text"; codegraph
    # makes a module the qualifier of its file's definitions.
    "Haskell": {"function", "type", "constructor"},
    "JavaScript": {"class", "function", "generator", "method", "getter", "setter"},
    "TypeScript": {"class", "function", "generator", "interface", "method", "enum", "enumerator",
                   "alias", "namespace"},
    "C++": {"class", "function", "enum", "enumerator", "namespace", "struct", "typedef", "union",
            "member"},
    "Python": {"class", "function", "member"},
    "C": {"function", "enum", "enumerator", "struct", "typedef", "union", "member"},
    "Go": {"func", "struct", "interface", "type", "talias", "member", "methodSpec"},
    "Java": {"class", "enum", "enumConstant", "interface", "method", "field", "annotation"},
    "Rust": {"macro", "method", "enumerator", "function", "enum", "interface", "field", "module",
             "struct", "typedef"},
}


# Kinds whose tags ctags also puts on what is no declaration, checked
# against the tag's line:
# Ruby "constants" on hash keys and comparisons (`CONTENT_LENGTH => '0'`,
# `CHUNKED == x`), C# "fields" on parameters of expression-bodied members.
DECLARATION_ON_LINE = {
    ("Ruby", "constant"): r"\b{name}\s*(=(?![=>~])|\+=|\|\|=)",
    ("C#", "field"): r"\b{name}\s*(=(?!>)|;|,)",
    # Lua "functions" on calls of functions whose name starts so
    # (`cmp = function_arg(1, cmp)`).
    ("Lua", "function"): r"(\bfunction\s+[\w.:]*\b{name}\s*\(|\b{name}\s*=\s*function\b)",
    # JavaScript "classes" on object literals (`this.options = { .. }`).
    ("JavaScript", "class"): r"\bclass\s+{name}\b|\b{name}\s*=\s*class\b",
    # Kotlin "methods" on lambda and function parameters (`{ acc, x -> }`).
    ("Kotlin", "method"): r"\bfun\b[^=]*\b{name}\s*[(<]",
    # Haskell "functions" on a module header's `where`, on the types of a
    # record field's line (`, stEnv :: [(Text, Text)]`) and on Template
    # Haskell splices (`$(deriveJSON ..)`): a function or selector is
    # declared by its name at the start of a line (an equation, guard or
    # signature) or after a record's `{` or `,`.
    ("Haskell", "function"): r"^\s*(?!where\b)\(?{name}\)?(\s|::|$)|[{{,]\s*{name}\s*(::|,)",
}

_lines = {}


def declared_on_line(args, tag, path):
    pattern = DECLARATION_ON_LINE.get((args.language, tag.get("kind")))
    if pattern is None:
        return True
    lines = read_lines(args, path)
    line = lines[tag["line"] - 1] if 0 < tag.get("line", 0) <= len(lines) else ""
    return re.search(pattern.format(name=re.escape(tag["name"])), line) is not None


# Languages whose documentation strings hold example code that ctags'
# line-based parsers read as definitions (Elixir's `@doc """ .. defmodule
# Counter do .. """`): a tag inside a triple-quoted string is text, not a
# definition of the file.
HEREDOCS = {"Elixir": ('"""', "\'\'\'")}


def in_heredoc(args, tag, path):
    quotes = HEREDOCS.get(args.language)
    if quotes is None:
        return False
    key = ("heredoc", path)
    if key not in _lines:
        inside, lines = set(), read_lines(args, path)
        open_quote = None
        for number, text in enumerate(lines, start=1):
            if open_quote is None:
                starts = [q for q in quotes if text.count(q) % 2 == 1]
                if starts:
                    open_quote = starts[0]
                continue
            if open_quote in text:
                open_quote = None
            else:
                inside.add(number)
        _lines[key] = inside
    return tag.get("line", 0) in _lines[key]


def read_lines(args, path):
    if path not in _lines:
        try:
            with open(os.path.join(args.root, path), encoding="utf-8", errors="replace") as f:
                _lines[path] = f.read().split("\n")
        except OSError:
            _lines[path] = []
    return _lines[path]


def spelled(name):
    """One spelling of a C++ operator's name: ctags writes `operator !=`,
    codegraph the source's `operator!=`."""
    return re.sub(r"\s+", "", name) if name.startswith("operator") else name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export")
    parser.add_argument("tags")
    parser.add_argument("language", help="ctags' name of the language")
    parser.add_argument("--misses", type=int, default=0)
    parser.add_argument("--root", default=".", help="the tree ctags ran over (its paths are relative to it)")
    args = parser.parse_args()

    spans, files = export_spans(args.export)

    kinds = DEFINITION_KINDS[args.language]
    # Overloads (TypeScript signatures before the implementation, C++
    # declarations of one name and kind in one file) are one definition to
    # codegraph: one of them located locates them all.
    groups = collections.defaultdict(list)  # (path, name, kind) -> [(line, located)]
    with open(args.tags) as f:
        for line in f:
            tag = json.loads(line)
            if tag.get("_type") != "tag" or tag.get("language", args.language) != args.language:
                continue
            kind = tag.get("kind")
            path = tag["path"].removeprefix("./")
            # Anonymous entries (Kotlin lambdas as `<lambda>`, JavaScript's
            # `AnonymousFunction…`, `__anon`
            # structs) name nothing a user looks up.
            if kind not in kinds or path not in files or tag["name"].startswith(("<", "__anon", "AnonymousFunction")):
                continue
            if tag["name"] == "_" or not declared_on_line(args, tag, path) or in_heredoc(args, tag, path):
                continue
            name = spelled(re.split(r"::|[.:]", tag["name"])[-1])
            line_no = tag.get("line", 0)
            # ctags writes some names qualified (`Table:method`), others
            # whole (`namespace Python.Runtime`): either form may match.
            found_spans = spans.get((path, name), ()) or spans.get((path, spelled(tag["name"])), ())
            hit = any(holds(span, line_no) for span in found_spans)
            # TypeScript overload signatures (`function f(a: A): R;` lines
            # before the implementation) are the implementation's node.
            if args.language == "TypeScript" and kind in ("function", "method"):
                hit = hit or any(start > line_no for start, _ in found_spans)
            groups[(path, tag["name"], kind)].append((line_no, hit))
    total = found = 0
    by_kind = collections.Counter()
    found_by_kind = collections.Counter()
    misses = []
    for (path, name, kind), tags in sorted(groups.items()):
        located = any(hit for _, hit in tags)
        total += len(tags)
        by_kind[kind] += len(tags)
        if located:
            found += len(tags)
            found_by_kind[kind] += len(tags)
        elif len(misses) < args.misses:
            misses.append(f"{path}:{tags[0][0]} {kind} {name}")
    report(args.language, total, found, misses,
           {"by_kind": {k: f"{found_by_kind[k]}/{n}" for k, n in sorted(by_kind.items())}})


def export_spans(export, language=None):
    """From `codegraph export`: the spans of codegraph's nodes by (file,
    name), and its files (of `language`, if given)."""
    spans = collections.defaultdict(list)  # (file, name) -> [(start, end)]
    files = set()
    with open(export) as f:
        for line in f:
            record = json.loads(line)
            if record["type"] != "node":
                continue
            if record["kind"] == "file":
                if language is None or record["language"] == language:
                    files.add(record["file"])
                continue
            span = (record["start_line"], record["end_line"])
            spans[(record["file"], spelled(record["name"]))].append(span)
            # A dotted module name (Elixir's `EEx.Compiler`), which ctags
            # names by its last segment.
            if "." in record["name"] and record["kind"] == "module":
                spans[(record["file"], record["name"].rsplit(".", 1)[1])].append(span)
    return spans, files


def holds(span, line):
    """A node's span holds a declaration on `line`, or starts on the line
    after it (a tag on a decorator or a doc line)."""
    start, end = span
    return start <= line <= end or start == line + 1


def report(language, total, found, misses, extra=None):
    """The misses to stderr, the share located as one JSON object."""
    for miss in misses:
        print(miss, file=sys.stderr)
    print(json.dumps({
        "language": language,
        "ctags_definitions": total,
        "located": found,
        "share": round(found / total, 3) if total else None,
        **(extra or {}),
    }))


if __name__ == "__main__":
    main()
