"""Samples training texts from search_eval dumps (scripts/model/training-set).

For each corpus, up to PER_CORPUS symbols (seeded sample); each gives its
symbol text as codegraph embeds it, and, when documented, also the text
without the doc comment (as undocumented code embeds) and the doc's first
sentence alone (as a user's query reads). Each line names its corpus, its
symbol ("group", within the corpus) and its role: symbol, code or query.

Usage: training_set.py DIR NAME... > texts.jsonl
"""

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
from prepare import first_sentence  # noqa: E402

PER_CORPUS = 6000
COMMENT = re.compile(r"^\s*(///?|//!|/\*\*?|\*/?|#)\s?", re.M)


def main(out_dir, names):
    rng = random.Random(20261128)
    for name in names:
        docs = [json.loads(line) for line in open(Path(out_dir) / f"{name}.docs.jsonl", encoding="utf-8")]
        rng.shuffle(docs)
        for group, d in enumerate(docs[:PER_CORPUS]):
            emit(name, group, "symbol", d["text"])
            doc = d.get("doc")
            if doc:
                emit(name, group, "code", d["code_text"])
                sent = first_sentence(COMMENT.sub("", doc))
                if sent:
                    emit(name, group, "query", sent)


def emit(corpus, group, role, text):
    print(json.dumps({"text": text, "corpus": corpus, "group": group, "role": role}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
