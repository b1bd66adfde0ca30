"""Build a search-evaluation set from a real corpus.

Copies CORPUS to OUT with every doc comment stripped (lines blanked, so
line numbers stay put) and writes OUT/../<name>.queries.jsonl: one query per
documented definition, the first sentence of its doc comment, with the
definition it should find (file, name, line of its header). Searching the
stripped copy means the answer cannot be matched verbatim.

Languages: python (docstrings, via ast), rust (/// comments), go (//
comments above a func or type), typescript and java (/** */ comments).
For go, typescript and java the definition's own name is dropped from its
question: Go's doc comments start with it by convention ("Match returns
..."), and a question that names its answer tests lexical search only.
Usage: prepare.py LANG CORPUS OUT QUERIES [--max N]
"""

import ast
import inspect
import json
import random
import re
import shutil
import sys
from pathlib import Path


def first_sentence(doc):
    doc = inspect.cleandoc(doc).strip()
    para = doc.split("\n\n")[0].replace("\n", " ").strip()
    m = re.match(r"(.+?[.!?])(\s|$)", para)
    sent = (m.group(1) if m else para).strip().rstrip(".")
    words = sent.split()
    if not 4 <= len(words) <= 30:
        return None
    if any(t in sent for t in (">>>", "::", "TODO", "Deprecated", "deprecated", "http://", "https://")):
        return None
    if sent.startswith((":", "#", "`", "-", "*", "=")):
        return None
    return sent


def python_file(path, rel, queries):
    src = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return src
    lines = src.split("\n")
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        body = node.body
        if not body or not isinstance(body[0], ast.Expr):
            continue
        c = body[0].value
        if not (isinstance(c, ast.Constant) and isinstance(c.value, str)):
            continue
        start, end = body[0].lineno, body[0].end_lineno
        if start <= node.lineno:
            continue
        sent = first_sentence(c.value)
        if sent:
            queries.append({"query": sent, "file": rel, "name": node.name, "line": node.lineno})
        indent = re.match(r"\s*", lines[start - 1]).group(0)
        lines[start - 1] = indent + "pass"
        for i in range(start, end):
            lines[i] = ""
    return "\n".join(lines)


RUST_ITEM = re.compile(
    r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?"
    r"(fn|struct|enum|trait|type|union|mod|macro_rules!)\s*([A-Za-z_][A-Za-z0-9_]*)"
)


def rust_file(path, rel, queries):
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        stripped = lines[i].lstrip()
        if stripped.startswith("//!"):
            lines[i] = ""
            i += 1
            continue
        if not stripped.startswith("///"):
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].lstrip().startswith("///"):
            block.append(lines[i].lstrip()[3:])
            lines[i] = ""
            i += 1
        j = i
        while j < len(lines) and (lines[j].lstrip().startswith("#[") or lines[j].strip() == ""):
            j += 1
        m = RUST_ITEM.match(lines[j]) if j < len(lines) else None
        if m:
            sent = first_sentence("\n".join(block))
            if sent:
                queries.append({"query": sent, "file": rel, "name": m.group(2), "line": j + 1})
    return "\n".join(lines)


GO_ITEM = re.compile(r"^(?:func\s+(?:\([^)]*\)\s*)?|type\s+)([A-Za-z_][A-Za-z0-9_]*)")

TS_ITEM = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?"
    r"(?:function\*?|class|interface|type|enum|const|let)\s+([A-Za-z_$][A-Za-z0-9_$]*)"
    r"|^\s+(?:(?:public|private|protected|static|readonly|async|abstract|override|get|set)\s+)*"
    r"([A-Za-z_$][A-Za-z0-9_$]*)\s*(?:<[^>]*>)?\s*\("
)

JAVA_ITEM = re.compile(
    r"^\s*(?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\s+)*"
    r"(?:class|interface|enum|record|@interface)\s+([A-Za-z_$][A-Za-z0-9_$]*)"
    r"|^\s*(?:(?:public|protected|private|static|final|abstract|synchronized|native|default|strictfp)\s+)*"
    r"(?:<[^>]*>\s+)?[A-Za-z_$][A-Za-z0-9_$.<>\[\], ?]*\s+([A-Za-z_$][A-Za-z0-9_$]*)\s*\("
)

# Words a Java or TypeScript method regex would take for a name.
NOT_NAMES = {"if", "for", "while", "switch", "catch", "return", "new", "throw", "function", "else"}


def without_name(sent, name):
    """The question with its answer's name taken out, or None when too
    little is left to ask."""
    if not sent:
        return None
    words = [w for w in sent.split() if re.sub(r"[^A-Za-z0-9_$]", "", w) != name]
    if len(words) < 4:
        return None
    out = " ".join(words)
    return out[0].upper() + out[1:]


def go_file(path, rel, queries):
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith("//"):
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].startswith("//"):
            text = lines[i][2:]
            if not text.startswith(("go:", "line ", "nolint", "+build")):
                block.append(text)
            lines[i] = ""
            i += 1
        m = GO_ITEM.match(lines[i]) if i < len(lines) else None
        if m and block:
            sent = without_name(first_sentence("\n".join(block)), m.group(1))
            if sent:
                queries.append({"query": sent, "file": rel, "name": m.group(1), "line": i + 1})
    return "\n".join(lines)


def block_comment_file(item, decorator):
    """Strips /** */ comments; the definition a comment stands above (past
    blank lines and decorators or annotations) is asked for."""
    def strip(path, rel, queries):
        lines = path.read_text(encoding="utf-8").split("\n")
        asks = rel.endswith((".ts", ".tsx", ".java")) and not rel.endswith(".d.ts")
        i = 0
        while i < len(lines):
            if not lines[i].lstrip().startswith("/**"):
                i += 1
                continue
            block = []
            while i < len(lines):
                line = lines[i]
                end = "*/" in line
                text = line.strip().removeprefix("/**").split("*/")[0].strip().removeprefix("*").strip()
                block.append(text)
                # Code after the comment on its closing line stays, where
                # it stood: `/** @internal */ export function f() {`.
                rest = line.split("*/", 1)[1] if end else ""
                lines[i] = " " * (len(line) - len(rest)) + rest if rest.strip() else ""
                if end and rest.strip():
                    break
                i += 1
                if end:
                    break
            j = i
            while j < len(lines) and (lines[j].strip() == "" or lines[j].lstrip().startswith(decorator)):
                j += 1
            m = item.match(lines[j]) if j < len(lines) and asks else None
            name = m and (m.group(1) or m.group(2))
            if name and name not in NOT_NAMES:
                prose = []
                for text in block:
                    if text.startswith("@"):
                        break
                    prose.append(text)
                text = re.sub(r"\{@\w+\s+([^}]*)\}", r"\1", "\n".join(prose))
                text = re.sub(r"<[^>]+>", "", text)
                sent = without_name(first_sentence(text), name)
                if sent:
                    queries.append({"query": sent, "file": rel, "name": name, "line": j + 1})
        return "\n".join(lines)
    return strip


def is_test(rel):
    parts = rel.lower().split("/")
    name = parts[-1]
    return (any(p in ("test", "tests", "testing", "benches", "examples") for p in parts[:-1])
            or name.startswith("test_")
            or name.endswith(("_test.py", "_tests.py", "_test.rs", "_test.go", ".test.ts", ".spec.ts"))
            or any(p in ("dist", "build", "node_modules") for p in parts[:-1]))


def main():
    args = sys.argv[1:]
    max_n = 300
    if "--max" in args:
        k = args.index("--max")
        max_n = int(args[k + 1])
        del args[k:k + 2]
    lang, corpus, out, queries_path = args
    corpus, out = Path(corpus), Path(out)
    ext, strip = {
        "python": ((".py",), python_file),
        "rust": ((".rs",), rust_file),
        "go": ((".go",), go_file),
        "typescript": ((".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs"), block_comment_file(TS_ITEM, "@")),
        "java": ((".java",), block_comment_file(JAVA_ITEM, "@")),
    }[lang]
    if out.exists():
        shutil.rmtree(out)
    queries = []
    for path in sorted(corpus.rglob("*")):
        if path.is_dir() or path.is_symlink():
            continue
        rel = path.relative_to(corpus).as_posix()
        # An npm package ships its sources' bundles (dist/: CommonJS, ESM,
        # UMD), each a copy of every definition; a repository has none.
        if lang == "typescript" and rel.split("/")[0] in ("dist", "build"):
            continue
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in ext:
            try:
                dest.write_text(strip(path, rel, queries), encoding="utf-8")
            except UnicodeDecodeError:
                shutil.copyfile(path, dest)
        else:
            shutil.copyfile(path, dest)
    seen = set()
    unique = []
    # Developers look for library code: tests stay in the corpus (as
    # distractors) but are not asked for.
    queries = [q for q in queries if not is_test(q["file"])]
    for q in queries:
        if q["query"].lower() not in seen:
            seen.add(q["query"].lower())
            unique.append(q)
    random.Random(42).shuffle(unique)
    unique = unique[:max_n]
    with open(queries_path, "w", encoding="utf-8") as f:
        for q in unique:
            f.write(json.dumps(q) + "\n")
    print(f"prepare: {len(queries)} documented definitions, {len(unique)} queries -> {queries_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
