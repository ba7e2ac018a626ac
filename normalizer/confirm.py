"""Confirm candidates in context with the embedding model.

A rule with a ``context`` block lists sentences where its words are the translation artifact and
sentences where they are correct English. A candidate's sentence is compared with both sets; the
rule fires only when the artifact side wins by the rule's margin, and the margin sets the
finding's confidence. Prototype embeddings (the rule's example sentences) are computed once and
cached on disk, keyed by the model and by a hash of the rule's examples.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where used: a clean document never needs it
    import numpy as np

    from .context import RunContext
    from .ruleset import Rule

MAX_WORDS = 48  # words of sentence around a candidate given to the model


def user_cache_dir() -> Path:
    base = os.environ.get("MTNORM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mtnorm")
    return Path(base)


def write_cache_file(path: Path, data: bytes) -> bool:
    """Write a cache file atomically (a temporary file in the same directory, then a rename),
    best effort: False when it could not be written, and no temporary file is left behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


CACHE_ENTRIES = 8  # versions of one cache kept: two checkouts of mtnorm must not evict each other


def prune_cache(pattern: str, keep: int = CACHE_ENTRIES) -> None:
    """Delete all but the ``keep`` newest files of the user cache matching ``pattern``."""
    try:
        files = sorted(user_cache_dir().glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in files[keep:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def _rule_key(rule: "Rule") -> str:
    h = hashlib.sha256()
    for s in rule.context.artifact:
        h.update(b"A" + s.encode())
    for s in rule.context.correct:
        h.update(b"C" + s.encode())
    return h.hexdigest()[:16]


def model_key(backend_name: str) -> str:
    from .embeddings import read_manifest

    m = read_manifest()
    if backend_name == "onnx":
        return "onnx-" + m.get("onnx", {}).get("sha256", "unknown")[:12]
    return "st-" + m.get("reference", {}).get("name", "minilm").replace("/", "_")


class PrototypeStore:
    """Per-rule prototype embeddings: memory, then the shipped cache in models/, then the user
    cache; computed (and saved to the user cache) only on a miss."""

    def __init__(self, ctx: "RunContext"):
        self.ctx = ctx
        self._mem: dict[str, np.ndarray] = {}
        self._loaded_key: str | None = None

    def _files(self, key: str) -> list[Path]:
        from .embeddings import models_dir

        name = f"prototypes-{key}.npz"
        return [models_dir() / "cache" / name, user_cache_dir() / name]

    def _load(self, key: str) -> None:
        if self._loaded_key == key:
            return
        self._loaded_key = key
        import numpy as np

        for f in self._files(key):
            if f.is_file():
                try:
                    with np.load(f) as z:
                        for k in z.files:
                            self._mem.setdefault(k, z[k])
                except (OSError, ValueError):
                    continue  # a corrupt cache is only a miss

    def get(self, rules: list["Rule"]) -> dict[str, tuple[np.ndarray, np.ndarray]] | None:
        enc = self.ctx.encoder
        if enc is None:
            return None
        try:
            key = model_key(enc.name)
        except Exception as exc:
            self.ctx.model_error = str(exc)
            return None
        self._load(key)
        need = [r for r in rules if _rule_key(r) + ":A" not in self._mem]
        if need:
            texts = [s for r in need for s in r.context.artifact + r.context.correct]
            vecs = self.ctx.encode(texts)
            if vecs is None:
                return None
            i = 0
            for r in need:
                na, nc = len(r.context.artifact), len(r.context.correct)
                k = _rule_key(r)
                self._mem[k + ":A"] = vecs[i : i + na]
                self._mem[k + ":C"] = vecs[i + na : i + na + nc]
                i += na + nc
            self.save(key, user_cache_dir())
        return {r.id: (self._mem[_rule_key(r) + ":A"], self._mem[_rule_key(r) + ":C"]) for r in rules}

    def save(self, key: str, directory: Path) -> Path | None:
        """Write every prototype in memory to ``directory`` atomically (best effort)."""
        import numpy as np

        path = directory / f"prototypes-{key}.npz"
        buf = io.BytesIO()
        np.savez(buf, **self._mem)
        return path if write_cache_file(path, buf.getvalue()) else None


@dataclass
class Candidate:
    rule: "Rule"
    window: str  # the text the model sees
    finding_index: int


def window_text(text: str, sent_start: int, sent_end: int, start: int, end: int) -> str:
    """The candidate's sentence, clipped to MAX_WORDS words around the match."""
    sentence = text[sent_start:sent_end]
    words = sentence.split()
    if len(words) <= MAX_WORDS:
        return sentence
    before = text[sent_start:start].split()
    keep_before = MAX_WORDS // 2
    lo = max(0, len(before) - keep_before)
    return " ".join(words[lo : lo + MAX_WORDS])


def margin_confidence(base: float, margin: float) -> float:
    """Map the artifact-vs-correct margin to a confidence: 0 -> base/2, +0.1 -> ~0.88 base."""
    return base / (1.0 + math.exp(-20.0 * margin))


def score(ctx: "RunContext", candidates: list[Candidate]) -> list[float] | None:
    """Margins (artifact similarity minus correct similarity) per candidate, or None when the
    model is unavailable."""
    if not candidates:
        return []
    import numpy as np

    rules = list({c.rule.id: c.rule for c in candidates}.values())
    protos = ctx.prototypes.get(rules)
    if protos is None:
        return None
    vecs = ctx.encode([c.window for c in candidates])
    if vecs is None:
        return None
    margins = []
    for c, v in zip(candidates, vecs):
        a, cor = protos[c.rule.id]
        sa = float(np.max(a @ v))
        sc = float(np.max(cor @ v))
        margins.append(sa - sc)
    return margins
