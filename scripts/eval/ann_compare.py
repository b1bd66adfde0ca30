"""usearch (codegraph's vector index) beside FAISS on the same real
embeddings, same machine, same run: HNSW with 8-bit scalar quantisation on
both sides, at codegraph's settings (M = 12, expansion 128 on add, 512 on
search) and at FAISS's usual M = 32; usearch both with codegraph's int8
(each vector scaled to ±127 before it is added) and with usearch's own cast.

Usage: ann_compare.py VECTORS.npy [--queries 5000] [--recall-queries 500]

The last `--queries` rows are queries, the rest the base. Ground truth is
exact inner product (vectors are unit length: cosine) over the base.
Reported per index: build seconds (2 threads), bytes per vector of the
serialised index, recall@10 over the recall queries, and p50/p99 latency of
single queries on one thread.
"""

import os
import sys
import tempfile
import time

import numpy as np


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(int(len(xs) * p), len(xs) - 1)]


def measure(name, build, search, serialise, base, queries, truth, k=10):
    t = time.perf_counter()
    index = build(base)
    build_s = time.perf_counter() - t
    size = serialise(index)
    hits = 0
    for q, want in zip(queries[: len(truth)], truth):
        got = search(index, q, k)
        hits += len(set(got) & set(want))
    recall = hits / (len(truth) * k)
    lat = []
    for q in queries:
        t = time.perf_counter()
        search(index, q, k)
        lat.append((time.perf_counter() - t) * 1e3)
    print(f"| {name} | {len(base):,} | {build_s:.1f} | {size / len(base):.0f} | "
          f"{recall:.3f} | {percentile(lat, 0.5):.2f} | {percentile(lat, 0.99):.2f} |")
    sys.stdout.flush()


def main():
    args = sys.argv[1:]
    opts = {"--queries": 5000, "--recall-queries": 500}
    for flag in list(opts):
        if flag in args:
            i = args.index(flag)
            opts[flag] = int(args[i + 1])
            del args[i:i + 2]
    (path,) = args
    data = np.load(path).astype(np.float32)
    nq = opts["--queries"]
    base, queries = data[:-nq], data[-nq:]
    d = base.shape[1]

    import faiss
    import usearch
    from usearch.index import Index

    faiss.omp_set_num_threads(2)
    exact = faiss.IndexFlatIP(d)
    exact.add(base)
    _, truth = exact.search(queries[: opts["--recall-queries"]], 10)
    truth = [list(row) for row in truth]
    print(f"{len(base):,} base vectors of {d} dimensions from {path}; "
          f"faiss {faiss.__version__}, usearch {usearch.__version__}\n")
    print("| index | vectors | build s | B/vector | recall@10 | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|")

    def quantise(xs):
        """codegraph's int8: each vector scaled so its largest component is
        ±127 (cosine ignores the scale; index.rs `quantise`)."""
        xs = np.atleast_2d(xs)
        top = np.abs(xs).max(1, keepdims=True)
        scale = np.divide(127.0, top, out=np.zeros_like(top), where=top > 0)
        return np.round(xs * scale).astype(np.int8)

    def usearch_index(m, own_cast):
        prep = (lambda xs: xs) if own_cast else quantise

        def build(xs):
            index = Index(ndim=d, metric="cos", dtype="i8", connectivity=m,
                          expansion_add=128, expansion_search=512)
            index.add(np.arange(len(xs)), prep(xs), threads=2)
            return index

        def search(index, q, k):
            return list(index.search(prep(q).reshape(-1), k, threads=1).keys)

        def serialise(index):
            with tempfile.TemporaryDirectory() as tmp:
                p = os.path.join(tmp, "i.usearch")
                index.save(p)
                return os.path.getsize(p)
        return build, search, serialise

    def faiss_index(m):
        def build(xs):
            faiss.omp_set_num_threads(2)
            index = faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_8bit, m,
                                      faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 128
            index.train(xs)
            index.add(xs)
            index.hnsw.efSearch = 512
            faiss.omp_set_num_threads(1)
            return index

        def search(index, q, k):
            _, ids = index.search(q[None, :], k)
            return list(ids[0])

        def serialise(index):
            return faiss.serialize_index(index).nbytes
        return build, search, serialise

    for name, (b, s, z) in [
        ("usearch HNSW i8, M=12, codegraph's int8 (per-vector scale)", usearch_index(12, False)),
        ("usearch HNSW i8, M=12, usearch's own f32 cast", usearch_index(12, True)),
        ("faiss HNSW SQ8, M=12", faiss_index(12)),
        ("faiss HNSW SQ8, M=32", faiss_index(32)),
    ]:
        measure(name, b, s, z, base, queries, truth)


if __name__ == "__main__":
    main()
