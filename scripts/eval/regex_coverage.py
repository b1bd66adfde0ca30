#!/usr/bin/env python3
"""Definitions located against an independent count, for languages
Debian's universal-ctags has no parser for (Swift, Scala, Zig, Dart).

    regex_coverage.py EXPORT.jsonl ROOT LANGUAGE [--misses N]

Every line of the language's files under ROOT (those EXPORT.jsonl, a
`codegraph export` of ROOT, lists) is matched against a regular expression
for that language's declarations, written from its grammar's keywords and
not from codegraph's queries; a declaration is located when codegraph has
a node of the same name in the same file whose span holds the line (or
starts on the next one). Comments and string literals spanning lines are
not skipped, and a regular expression misses declarations split over
lines in unusual ways: the count is approximate, and says so. Prints one
JSON object, as ctags_coverage.py does.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctags_coverage import export_spans, holds, report  # noqa: E402

MODIFIERS = {
    "swift": r"(?:(?:public|private|internal|open|fileprivate|static|final|override|class|"
             r"mutating|nonmutating|convenience|required|dynamic|lazy|indirect|nonisolated|"
             r"@\w+(?:\([^)]*\))?)\s+)*",
    "scala": r"(?:(?:private|protected)(?:\[[\w.]+\])?\s+|(?:override|final|sealed|abstract|"
             r"implicit|lazy|case|inline|transparent|open|@\w+(?:\([^)]*\))?)\s+)*",
}
# An operator or a name ending in one (Scala's `unary_!`, `::`, `+:`).
OPERATOR = r"[!#%&*+\-/:<=>?@\\^|~]+"
SCALA_NAME = (r"(?P<name>`[^`]+`|[A-Za-z_$][\w$]*_" + OPERATOR + r"|[A-Za-z_$][\w$]*|"
              + OPERATOR + ")")
DECLARATIONS = {
    "swift": re.compile(
        r"^\s*" + MODIFIERS["swift"]
        + r"(?:(?:func|class|struct|enum|protocol|actor)\s+(?P<name>[A-Za-z_]\w*)|(?P<init>init)\b[?!]?\s*[(<])"),
    "zig": re.compile(
        r"^\s*(?:pub\s+)?(?:export\s+|extern\s+(?:\"\w+\"\s+)?)?(?:inline\s+|noinline\s+)?"
        r"(?:fn\s+(?P<name>\w+)\s*\(|const\s+(?P<type>\w+)\s*=\s*(?:extern\s+|packed\s+)?"
        r"(?:struct|enum|union|opaque)\b)"),
    "scala": re.compile(
        r"^\s*" + MODIFIERS["scala"] + r"(?:def|class|object|trait)\s+" + SCALA_NAME),
    # Dart: types, and functions, methods, constructors, getters, setters
    # and operators on a line that opens their body (`{`, `=> `) or their
    # parameter list.
    "dart": re.compile(
        r"^\s*(?:(?:abstract|sealed|base|final|interface|mixin)\s+)*"
        r"(?:class|mixin|enum|typedef)\s+(?P<type>[A-Za-z_$][\w$]*)"
        r"|^\s*(?:(?:static|external|factory|const|late|covariant)\s+)*"
        r"(?:(?P<returns>[A-Za-z_$][\w$]*(?:<[\w$<>?, ]*>)?\??)\s+)?"
        r"(?:(?P<accessor>get|set)\s+|operator\s*)?"
        r"(?P<name>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?|==|\[\]=?|[<>]=?|[+\-*/%~^|&]|~/|<<|>>)"
        r"\s*(?:<[\w$<>?, ]*>)?\s*(?P<after>\(.*|=>.*|\{\s*)$"),
}
EXTENSIONS = {"swift": (".swift",), "zig": (".zig",), "scala": (".scala", ".sc"),
              "dart": (".dart",)}
# Words a Dart line may start with that are statements, not declarations.
DART_STATEMENTS = {"if", "for", "while", "switch", "catch", "return", "assert", "super", "this",
                   "new", "await", "throw", "print", "else", "do", "try", "yield", "var", "final",
                   "const", "late", "case", "on", "in", "is", "as"}


def declarations(language, text):
    """(line, name) of each declaration the expression finds."""
    pattern = DECLARATIONS[language]
    for number, line in enumerate(text.split("\n"), start=1):
        found = pattern.match(line)
        if not found:
            continue
        groups = found.groupdict()
        name = groups.get("name") or groups.get("type") or groups.get("init")
        if language == "dart" and not groups.get("type"):
            returns, after = groups.get("returns"), groups.get("after") or ""
            # A call statement (`foo(x);`, `expect(a, b);`) has no return
            # type and ends its line; a constructor (`Foo(this.x);`,
            # `Foo.named()`) is capitalised.
            if name in DART_STATEMENTS or returns in DART_STATEMENTS:
                continue
            if returns is None and not groups.get("accessor") and not name[0].isupper():
                continue
            if after.startswith("(") and after.rstrip().endswith(";") and returns is None:
                continue
            # `return foo(..)`-like lines were dropped above; `x = y(..)` never
            # matches (an `=` before the parenthesis).
            if "=" in (returns or ""):
                continue
            name = name.rsplit(".", 1)[-1] if name[0].isupper() and "." in name else name
        if language == "scala" and name.startswith("`"):
            name = name.strip("`")
        yield number, name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export")
    parser.add_argument("root")
    parser.add_argument("language", choices=sorted(DECLARATIONS))
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args()

    spans, files = export_spans(args.export, args.language)
    total = found = 0
    misses = []
    for path in sorted(files):
        if not path.endswith(EXTENSIONS[args.language]):
            continue
        with open(os.path.join(args.root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for number, name in declarations(args.language, text):
            total += 1
            if any(holds(span, number) for span in spans.get((path, name), ())):
                found += 1
            elif len(misses) < args.misses:
                misses.append(f"{path}:{number} {name}")
    report(args.language, total, found, misses)


if __name__ == "__main__":
    main()
