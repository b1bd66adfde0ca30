"""Distil all-MiniLM-L6-v2 into the built-in static embedding model.

Every vocabulary token goes through the teacher on its own ([CLS] tok [SEP],
mean-pooled, as the teacher pools sentences), scaled by a smooth-inverse-
frequency weight a / (a + p(rank)) with p following Zipf's law over the
vocabulary order.

The rows are centred and reduced with PCA to DIM dimensions.

With --refine DIR (a training set from scripts/model/training-set: real
symbols in eight languages, none from the evaluation's django or tokio), the
rows are first pulled toward the teacher itself on that code: each text's
static embedding, as codegraph computes it, should point where the
teacher's embedding of it (DIR/teacher.npy; centred, in the same PCA space)
points. A few light epochs only: the teacher is weaker than the refined
model at matching a sentence to code, and pulled all the way the refined
model scored lower. The rows are then fine-tuned contrastively on (doc
comment's first sentence, the symbol's code without its doc) pairs, each
text embedded as codegraph embeds it (IDF-weighted token rows, IDF fitted
per corpus as an index does): a sentence should land nearer its own code
than the rest of a batch of the same corpus's code. Tokens no pair uses keep the rows the pull left.

Rows are quantised to int8 with one f32 scale each. A sentence embedding is
the weighted mean of its token rows (done in Rust, crates/codegraph-vector).

Usage: scripts/fetch-model && ~/.cache/codegraph/venv/bin/python \\
           scripts/model/distill.py OUT.cgsm [--refine DIR] [--token-cache NPY]
       (the committed model: --refine ~/.cache/codegraph/training)

Output format (little-endian), read by codegraph_vector::StaticModel:
  b"CGSM" u32 version=1 u32 dim u32 vocab
  vocab × (u16 len, utf-8 bytes)
  vocab × f32 scale
  vocab × dim i8
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

# One BLAS thread: sums in a fixed order, so the model is byte-reproducible.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from eval_static import idf, sparse  # noqa: E402
from minilm import MiniLM  # noqa: E402

DIM = 256
SIF_A = 1e-3
# Pulling toward the teacher's sentence embeddings: epochs and Adam's step
# (relative to the rows' mean magnitude), chosen on the tuning sets'
# semantic ranking (scripts/model/eval_static.py: django docstrings, tokio
# docstrings, the hand-written questions); stronger pulls (step 0.03-0.1,
# or 15 epochs) scored lower on all three.
REGRESS_EPOCHS = 5
REGRESS_LR = 0.01
# Fine-tuning, chosen on held-out training pairs (not on the evaluation):
# epochs over the pairs, Adam's step relative to the rows' mean magnitude,
# and the softmax temperature.
EPOCHS = 20
LR = 0.01
TAU = 0.05
SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def token_vectors(m):
    n = len(m.vocab)
    cls, sep = m.ids["[CLS]"], m.ids["[SEP]"]
    t0 = time.time()
    vecs = np.zeros((n, m.hidden), dtype=np.float32)
    batch = 1024
    for start in range(0, n, batch):
        ids = np.array([[cls, i, sep] for i in range(start, min(n, start + batch))], dtype=np.int64)
        h = m.forward(ids, np.ones_like(ids))
        vecs[start:start + len(ids)] = h.mean(1)
    log(f"teacher: {n} tokens in {time.time() - t0:.1f}s")
    return vecs


def sif_weights(n):
    ranks = np.arange(1, n + 1, dtype=np.float64)
    p = (1.0 / ranks) / (1.0 / ranks).sum()
    return (SIF_A / (SIF_A + p)).astype(np.float32)


def load_pairs(d, vocab):
    """The training texts as a sparse matrix A (texts × vocab: each token
    occurrence weighted by its IDF in the text's corpus, as an index of that
    corpus would weight it), and the (corpus, query row, code row) pairs:
    a doc comment's first sentence and its symbol's undocumented code."""
    from scipy.sparse import vstack

    d = Path(d)
    meta = [json.loads(line) for line in open(d / "texts.jsonl", encoding="utf-8")]
    ids = [json.loads(line) for line in open(d / "tokens.jsonl", encoding="utf-8")]
    assert len(ids) == len(meta), "training set files disagree; rebuild it"
    corpora = np.array([m["corpus"] for m in meta])
    order, parts = [], []
    for name in np.unique(corpora):
        members = np.flatnonzero(corpora == name)
        weights = idf([ids[i] for i in members if meta[i]["role"] != "query"], vocab)
        parts.append(sparse([ids[i] for i in members], vocab, weights))
        order.extend(members)
    # Rows back in the order of texts.jsonl.
    a = vstack(parts).tocsr()[np.argsort(order)]
    groups = {}
    for i, m in enumerate(meta):
        if m["role"] in ("code", "query"):
            groups.setdefault((m["corpus"], m["group"]), {})[m["role"]] = i
    pairs = [(c, g["query"], g["code"]) for (c, _), g in groups.items() if len(g) == 2]
    return a, pairs


def unit(x):
    n = np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return x / n, n


def heldout_mrr(rows, a, pairs):
    """MRR@10 of each query against all the held-out code of its corpus."""
    rr = []
    for c in sorted({p[0] for p in pairs}):
        ps = [p for p in pairs if p[0] == c]
        q, _ = unit(a[[p[1] for p in ps]] @ rows)
        k, _ = unit(a[[p[2] for p in ps]] @ rows)
        s = q @ k.T
        rank = (s > np.diag(s)[:, None]).sum(1)
        rr.extend(np.where(rank < 10, 1.0 / (rank + 1), 0.0))
    return float(np.mean(rr))


class SparseAdam:
    """Adam on the rows a batch uses; the others keep their moments. The
    step is relative to the rows' mean magnitude."""

    def __init__(self, rows, lr, b1=0.9, b2=0.999):
        self.lr = lr * np.abs(rows).mean()
        self.m1, self.m2 = np.zeros_like(rows), np.zeros_like(rows)
        self.b1, self.b2, self.step = b1, b2, 0

    def update(self, rows, cols, g):
        b1, b2 = self.b1, self.b2
        self.step += 1
        self.m1[cols] = b1 * self.m1[cols] + (1 - b1) * g
        self.m2[cols] = b2 * self.m2[cols] + (1 - b2) * g * g
        m1 = self.m1[cols] / (1 - b1**self.step)
        m2 = self.m2[cols] / (1 - b2**self.step)
        rows[cols] -= self.lr * m1 / (np.sqrt(m2) + 1e-12)


def contrast(rows, a, pairs, epochs=EPOCHS, lr=LR, tau=TAU, batch=128, seed=0):
    """Fine-tunes rows so that a query's embedding is nearest its own code
    among a batch of the same corpus's code (symmetric InfoNCE with
    temperature tau, cosine similarity), by Adam on the rows a batch uses."""
    rng = np.random.default_rng(seed)
    rows = rows.copy()
    adam = SparseAdam(rows, lr)
    by_corpus = {}
    for p in pairs:
        by_corpus.setdefault(p[0], []).append(p)
    for epoch in range(epochs):
        batches = []
        for ps in by_corpus.values():
            order = rng.permutation(len(ps))
            batches += [[ps[i] for i in order[s:s + batch]] for s in range(0, len(ps), batch)]
        batches = [b for b in batches if len(b) >= 8]
        rng.shuffle(batches)
        loss = 0.0
        for chunk in batches:
            aq, ac = a[[p[1] for p in chunk]], a[[p[2] for p in chunk]]
            q, nq = unit(aq @ rows)
            k, nk = unit(ac @ rows)
            sim = q @ k.T / tau
            by_row = np.exp(sim - sim.max(1, keepdims=True))
            by_row /= by_row.sum(1, keepdims=True)
            by_col = np.exp(sim - sim.max(0, keepdims=True))
            by_col /= by_col.sum(0, keepdims=True)
            loss += -np.log(np.diag(by_row) + 1e-12).mean()
            eye = np.eye(len(chunk))
            d_sim = (by_row - eye + by_col - eye) / (2 * len(chunk) * tau)
            dq, dk = d_sim @ k, d_sim.T @ q
            dq = (dq - q * (q * dq).sum(1, keepdims=True)) / nq
            dk = (dk - k * (k * dk).sum(1, keepdims=True)) / nk
            cols = np.unique(np.concatenate([aq.indices, ac.indices]))
            g = aq[:, cols].T @ dq + ac[:, cols].T @ dk
            adam.update(rows, cols, g)
        log(f"epoch {epoch + 1}: loss {loss / len(batches):.3f}")
    return rows


def regress(rows, a, targets, epochs=REGRESS_EPOCHS, lr=REGRESS_LR, batch=256, seed=0):
    """Moves rows so that each text's embedding (a row of `a` times the
    rows, normalised) nears its target's direction: cosine loss, by Adam on
    the rows a batch uses."""
    rng = np.random.default_rng(seed)
    rows = rows.copy()
    adam = SparseAdam(rows, lr)
    goal, _ = unit(targets)
    for epoch in range(epochs):
        order = rng.permutation(a.shape[0])
        loss, batches = 0.0, 0
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            x = a[idx]
            u, n = unit(x @ rows)
            t = goal[idx]
            dot = (u * t).sum(1, keepdims=True)
            loss += float((1 - dot).mean())
            batches += 1
            d_e = -(t - u * dot) / n / len(idx)
            cols = np.unique(x.indices)
            g = x[:, cols].T @ d_e
            adam.update(rows, cols, g)
        log(f"regress epoch {epoch + 1}: loss {loss / batches:.4f}")
    return rows


def refine(rows, training, project):
    a, pairs = load_pairs(training, len(rows))
    teacher = np.load(Path(training) / "teacher.npy").astype(np.float32)
    assert len(teacher) == a.shape[0], "teacher.npy and texts.jsonl disagree; rebuild the training set"
    targets = project(teacher - teacher.mean(0)).astype(np.float32)
    rows = regress(rows, a, targets)
    # The pull saw the held-out pairs' texts too, but only the teacher's
    # embeddings of them, never which sentence goes with which code.
    held = np.random.default_rng(1).random(len(pairs)) < 0.1
    train = [p for p, h in zip(pairs, held) if not h]
    test = [p for p, h in zip(pairs, held) if h]
    log(f"training: {len(train)} query/code pairs, {len(test)} held out")
    log(f"held-out MRR@10 before: {heldout_mrr(rows, a, test):.3f}")
    tuned = contrast(rows, a, train)
    log(f"held-out MRR@10 after: {heldout_mrr(tuned, a, test):.3f}")
    # The committed model learns from every pair.
    return contrast(rows, a, pairs)


def reduce(rows, sample):
    """Centres on the mean of `sample` (embeddings the rows produce) and
    projects rows onto the sample's DIM principal directions; also returns
    that projection, for vectors already centred."""
    mean = sample.mean(0)
    _, s, vt = np.linalg.svd(sample - mean, full_matrices=False)
    log(f"pca: {DIM} dims keep {(s[:DIM] ** 2).sum() / (s ** 2).sum():.3f} of the variance")
    return (rows - mean) @ vt[:DIM].T, lambda v: v @ vt[:DIM].T


def write(path, vocab, reduced):
    scale = np.abs(reduced).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(reduced / scale[:, None]), -127, 127).astype(np.int8)
    err = np.linalg.norm(q * scale[:, None] - reduced) / np.linalg.norm(reduced)
    log(f"int8: relative error {err:.4f}")
    with open(path, "wb") as f:
        f.write(b"CGSM")
        f.write(np.array([1, DIM, len(vocab)], "<u4").tobytes())
        for tok in vocab:
            b = tok.encode("utf-8")
            f.write(np.array([len(b)], "<u2").tobytes())
            f.write(b)
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())
    log(f"wrote {path}")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--refine", metavar="DIR")
    ap.add_argument("--token-cache", metavar="NPY", help="reuse the teacher's per-token vectors")
    args = ap.parse_args()
    m = MiniLM()
    if args.token_cache and Path(args.token_cache).exists():
        vecs = np.load(args.token_cache)
    else:
        vecs = token_vectors(m)
        if args.token_cache:
            np.save(args.token_cache, vecs)
    reduced, project = reduce(vecs, vecs)
    reduced *= sif_weights(len(vecs))[:, None]
    special = [m.ids[t] for t in SPECIAL]
    reduced[special] = 0.0
    if args.refine:
        reduced = refine(reduced.astype(np.float32), args.refine, project)
        reduced[special] = 0.0
    write(args.out, m.vocab, reduced.astype(np.float32))


if __name__ == "__main__":
    main()
