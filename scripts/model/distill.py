"""Distil all-MiniLM-L6-v2 into the built-in static embedding model.

Every vocabulary token goes through the teacher on its own ([CLS] tok [SEP],
mean-pooled, as the teacher pools sentences); the token vectors are centred
and reduced with PCA; each row is scaled by a smooth-inverse-frequency weight
a / (a + p(rank)) with p following Zipf's law over the vocabulary order; rows
are quantised to int8 with one f32 scale each. A sentence embedding is then
the mean of its token rows (done in Rust, crates/codegraph-vector).

Usage: scripts/fetch-model && ~/.cache/codegraph/venv/bin/python \
           scripts/model/distill.py crates/codegraph-vector/model/static-minilm.cgsm

Output format (little-endian), read by codegraph_vector::StaticModel:
  b"CGSM" u32 version=1 u32 dim u32 vocab
  vocab × (u16 len, utf-8 bytes)
  vocab × f32 scale
  vocab × dim i8
"""

import struct
import sys
import time

import numpy as np

from minilm import MiniLM

DIM = 256
SIF_A = 1e-3


def main(out_path):
    m = MiniLM()
    n = len(m.vocab)
    cls, sep = m.ids["[CLS]"], m.ids["[SEP]"]
    t0 = time.time()
    vecs = np.zeros((n, m.hidden), dtype=np.float32)
    batch = 1024
    for start in range(0, n, batch):
        ids = np.array([[cls, i, sep] for i in range(start, min(n, start + batch))], dtype=np.int64)
        h = m.forward(ids, np.ones_like(ids))
        vecs[start:start + len(ids)] = h.mean(1)
    print(f"teacher: {n} tokens in {time.time() - t0:.1f}s", file=sys.stderr)

    mean = vecs.mean(0)
    centred = vecs - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    explained = (s[:DIM] ** 2).sum() / (s ** 2).sum()
    reduced = centred @ vt[:DIM].T
    print(f"pca: {DIM} dims keep {explained:.3f} of the variance", file=sys.stderr)

    ranks = np.arange(1, n + 1, dtype=np.float64)
    p = (1.0 / ranks) / (1.0 / ranks).sum()
    weights = SIF_A / (SIF_A + p)
    reduced *= weights[:, None].astype(np.float32)
    special = [m.ids[t] for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")]
    reduced[special] = 0.0

    scale = np.abs(reduced).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(reduced / scale[:, None]), -127, 127).astype(np.int8)
    err = np.linalg.norm(q * scale[:, None] - reduced) / np.linalg.norm(reduced)
    print(f"int8: relative error {err:.4f}", file=sys.stderr)

    with open(out_path, "wb") as f:
        f.write(b"CGSM")
        f.write(struct.pack("<III", 1, DIM, n))
        for tok in m.vocab:
            b = tok.encode("utf-8")
            f.write(struct.pack("<H", len(b)))
            f.write(b)
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())
    print(f"wrote {out_path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: distill.py OUT")
    main(sys.argv[1])
