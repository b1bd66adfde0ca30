"""Semantic search quality of a static model file, computed in numpy: a
fast check while refining the model (scripts/model/distill.py), before the
full evaluation (scripts/eval-search) rebuilds indexes with it.

Embeds each document and query as codegraph's static embedder does (the
IDF-weighted sum of token rows, L2-normalised; IDF fitted on the documents)
and scores the cosine top 10 against the evaluation's answers.

Usage: eval_static.py MODEL.cgsm [EVAL_DIR]   (default ~/.cache/codegraph/eval,
       after scripts/eval-search has run once; needs $CODEGRAPH_SEARCH_EVAL)
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
from score import doc_key, load, metrics  # noqa: E402

SETS = [
    ("django-docstrings", "django.queries.jsonl"),
    ("tokio-docstrings", "tokio.queries.jsonl"),
    ("django-questions", None),
]


def read_model(path):
    b = Path(path).read_bytes()
    assert b[:4] == b"CGSM"
    _, dim, vocab = struct.unpack_from("<III", b, 4)
    at = 16
    for _ in range(vocab):
        (n,) = struct.unpack_from("<H", b, at)
        at += 2 + n
    scale = np.frombuffer(b, "<f4", vocab, at)
    at += 4 * vocab
    rows = np.frombuffer(b, np.int8, vocab * dim, at).reshape(vocab, dim)
    return rows.astype(np.float32) * scale[:, None]


def tokens(binary, texts):
    """The built-in tokenizer's ids of each text, from the binary itself
    (never cached: a cache outlives a tokenizer change and silently scores
    a model on token ids the product no longer produces)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "t.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for t in texts:
                f.write(json.dumps({"text": t}) + "\n")
        out = subprocess.run([binary, "tokens", src], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def sparse(ids_list, vocab, weights):
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for ids in ids_list:
        indices.extend(ids)
        indptr.append(len(indices))
    data = weights[np.array(indices, dtype=np.int64)] if indices else np.zeros(0)
    return csr_matrix((data, indices, indptr), shape=(len(ids_list), vocab), dtype=np.float32)


def idf(doc_ids, vocab):
    df = np.zeros(vocab)
    for ids in doc_ids:
        df[np.unique(ids)] += 1
    return np.maximum(np.log(len(doc_ids) / np.maximum(df, 1)), 0).astype(np.float32)


def normalise(m):
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(n == 0, 1, n)


def evaluate(rows, eval_dir, binary):
    eval_dir = Path(eval_dir)
    vocab = rows.shape[0]
    out = {}
    for label, qfile in SETS:
        docs = load(eval_dir / f"{label}.docs.jsonl")
        qpath = eval_dir / qfile if qfile else Path(__file__).resolve().parent.parent / "eval/django-questions.jsonl"
        queries = load(qpath)
        d_ids = tokens(binary, [d["text"] for d in docs])
        q_ids = tokens(binary, [q["query"] for q in queries])
        w = idf(d_ids, vocab)
        de = normalise(sparse(d_ids, vocab, w) @ rows)
        qe = normalise(sparse(q_ids, vocab, w) @ rows)
        ranked = []
        for row in qe @ de.T:
            top = np.argpartition(-row, 10)[:10]
            top = top[np.argsort(-row[top])]
            ranked.append([doc_key(docs[i]) for i in top])
        out[label] = metrics(queries, ranked)
    return out


def report(results):
    return "  ".join(f"{k}: {m:.3f}/{r:.3f}" for k, (m, r) in results.items())


if __name__ == "__main__":
    binary = os.environ.get("CODEGRAPH_SEARCH_EVAL")
    if not binary:
        raise SystemExit("set CODEGRAPH_SEARCH_EVAL to the search_eval example binary")
    eval_dir = sys.argv[2] if len(sys.argv) > 2 else Path.home() / ".cache/codegraph/eval"
    print(report(evaluate(read_model(sys.argv[1]), eval_dir, binary)))
