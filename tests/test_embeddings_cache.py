"""The ONNX session's optimized graph is kept in the user cache (embeddings._session): loading
it must give the very vectors of optimizing the model at load, and a damaged or unwritable
cache must never cost more than the optimization it would have saved."""

from __future__ import annotations

import numpy as np
import pytest

from normalizer import embeddings
from normalizer.models import parity_sentences

ort = pytest.importorskip("onnxruntime")
pytestmark = pytest.mark.skipif(not (embeddings.models_dir() / "model.onnx").is_file(), reason="no ONNX model")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MTNORM_CACHE", str(tmp_path))
    return tmp_path


def _sentences() -> list[str]:
    return parity_sentences()[:40]


def _optimized_at_load() -> np.ndarray:
    """The vectors of a session that optimizes the graph as it loads (the level above the
    cached one included), for comparison."""
    backend = embeddings.OnnxBackend()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    backend.session = ort.InferenceSession(str(backend.model_path), opts, providers=["CPUExecutionProvider"])
    return backend.encode(_sentences())


def test_the_cached_graph_gives_the_same_vectors(cache):
    first = embeddings.OnnxBackend()  # optimizes and writes the cache
    files = list(cache.glob("onnx-optimized-*.onnx"))
    assert len(files) == 1 and not list(cache.glob("*.tmp"))
    second = embeddings.OnnxBackend()  # loads the cached graph
    expected = _optimized_at_load()
    assert np.array_equal(first.encode(_sentences()), expected)
    assert np.array_equal(second.encode(_sentences()), expected)


def test_a_damaged_cache_file_is_optimized_again(cache):
    embeddings.OnnxBackend()
    (path,) = cache.glob("onnx-optimized-*.onnx")
    path.write_bytes(b"not a model")
    backend = embeddings.OnnxBackend()
    assert np.array_equal(backend.encode(_sentences()), _optimized_at_load())


def test_an_unwritable_cache_still_gives_a_session(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache directory cannot be created under a file")
    monkeypatch.setenv("MTNORM_CACHE", str(blocker / "cache"))
    backend = embeddings.OnnxBackend()
    assert np.array_equal(backend.encode(_sentences()), _optimized_at_load())
