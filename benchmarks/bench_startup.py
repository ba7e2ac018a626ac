"""Goals 1 and 2 of issue 7: cold start of `mtnorm check`, and the light default install.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_startup.py [--repeat 5] [--st-repeat 2]

Goal 1: `mtnorm check` on the machine-translated seed (the model is loaded and used) in at most
1.5 s wall time and at least 8x faster than the same run with the sentence-transformers
backend; on a clean article (seed 004, no candidate for the model) at most 0.7 s. Every run is
a fresh process, as in a pre-commit hook; the best of --repeat runs is the figure (the median
and CPU time are printed too: on a shared machine wall time is noisy, CPU time less so).
Goal 2: the default install pulls no torch; its size against the [model] extra's.
The breakdown below the goals says where the start-up time goes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib import metadata

from perfkit import (EN_SEED, MT_SEED, ROOT, goal, header, load_note, mtnorm_cmd, spawn,
                     timed)

PY = sys.executable
# Runs `mtnorm check` in-process, then reports what the model did (on stderr, as JSON).
_PROBE = """
import json, sys
from normalizer import cli
sys.argv = ['mtnorm', 'check', *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
embeddings = sys.modules.get('normalizer.embeddings')  # importing it here would import numpy
encs = list(embeddings._ENCODERS.values()) if embeddings else []
print(json.dumps({'loaded': any(e.loaded for e in encs), 'encoded': sum(e.encoded for e in encs),
                  'modules': sorted(m for m in ('onnxruntime', 'torch', 'numpy', 'ftfy', 'langdetect')
                                    if m in sys.modules)}), file=sys.stderr)
"""


def probe(*args: str) -> dict:
    r = spawn([PY, "-c", _PROBE, *args])
    return json.loads(r.stderr.strip().splitlines()[-1])


def cold_start(repeat: int, st_repeat: int) -> None:
    header("Goal 1: cold start of `mtnorm check` (fresh process each run)")
    print(f"  {load_note()}")
    mt_probe = probe(str(MT_SEED))
    en_probe = probe(str(EN_SEED))
    print(f"  MT seed: model loaded={mt_probe['loaded']}, sentences encoded={mt_probe['encoded']}, "
          f"modules={mt_probe['modules']}")
    print(f"  clean seed 004: model loaded={en_probe['loaded']}, sentences encoded={en_probe['encoded']}, "
          f"modules={en_probe['modules']}")

    _, onnx = timed(mtnorm_cmd("check", "--backend", "onnx", str(MT_SEED)), repeat)
    _, clean = timed(mtnorm_cmd("check", str(EN_SEED)), repeat)
    print(f"  onnx, MT seed:           {onnx}")
    print(f"  clean article:           {clean}")
    st = None
    if _has("sentence_transformers"):
        _, st = timed(mtnorm_cmd("check", "--backend", "sentence-transformers", str(MT_SEED)), st_repeat)
        print(f"  sentence-transformers:   {st}")
    goal("check MT seed, model included (wall)", f"{onnx.best:.2f} s", "<= 1.5 s",
         onnx.best <= 1.5 and mt_probe["loaded"], f"median {onnx.median:.2f} s, cpu {onnx.cpu_best:.2f} s")
    if st:
        ratio = st.best / onnx.best
        goal("speed-up over sentence-transformers backend", f"{ratio:.1f}x", ">= 8x", ratio >= 8,
             f"{st.best:.2f} s / {onnx.best:.2f} s")
    else:
        goal("speed-up over sentence-transformers backend", "not installed", ">= 8x", None)
    goal("check clean article, no model (wall)", f"{clean.best:.2f} s", "<= 0.7 s",
         clean.best <= 0.7 and not en_probe["loaded"], f"median {clean.median:.2f} s, cpu {clean.cpu_best:.2f} s")


_PARITY = """
import json, sys
sys.path.insert(0, 'benchmarks')
from perfkit import EN_SEED, MT_SEED, WMT13, BBC, bbc_texts, wmt13_mt_documents
from normalizer.pipeline import Normalizer
texts = [MT_SEED.read_text(encoding='utf-8'), EN_SEED.read_text(encoding='utf-8')]
if WMT13.exists():
    texts += wmt13_mt_documents() + wmt13_mt_documents('sys.rbmt-1.en')
if BBC.exists():
    texts += bbc_texts(int(sys.argv[2]))
n = Normalizer(backend=sys.argv[1])
out = []
for t in texts:
    r = n.normalize(t)
    out.append([[f.rule, f.start, f.end, f.level, f.suggestions] for f in r.findings] + [r.text == t])
print(json.dumps(out))
"""


def findings_parity(bbc_limit: int) -> None:
    header("Goal 1: findings with the ONNX export against the reference backend")
    if not _has("sentence_transformers"):
        print("  SKIP: sentence-transformers is not installed (the [model] extra)")
        return
    runs = {b: json.loads(spawn([PY, "-c", _PARITY, b, str(bbc_limit)]).stdout)
            for b in ("onnx", "sentence-transformers")}
    a, b = runs["onnx"], runs["sentence-transformers"]
    same = sum(x == y for x, y in zip(a, b))
    findings = sum(len(x) - 1 for x in a)
    print(f"  {len(a)} documents (both seeds, WMT13 online-B and rbmt-1 documents, {bbc_limit} BBC "
          f"articles), {findings} findings with onnx, fix mode")
    goal("documents with identical findings and output", f"{same}/{len(a)}", "all", same == len(a))


def breakdown(repeat: int) -> None:
    header("Where start-up goes (best of runs, fresh processes)")
    steps = [
        ("python -c pass", "pass"),
        ("import normalizer.cli", "import normalizer.cli"),
        ("+ load and index the shipped rules", "import normalizer.cli\nfrom normalizer.pipeline import Normalizer\nNormalizer()"),
        ("import onnxruntime, tokenizers", "import onnxruntime, tokenizers"),
        ("+ load the ONNX session", "from normalizer.embeddings import OnnxBackend\nOnnxBackend()"),
    ]
    for label, code in steps:
        _, s = timed([PY, "-c", code], repeat)
        print(f"  {label:40s} {s}")
    if _has("sentence_transformers"):
        _, s = timed([PY, "-c", "import sentence_transformers"], 1)
        print(f"  {'import sentence_transformers':40s} {s}")
    code = ("import time\nfrom normalizer.embeddings import OnnxBackend\nfrom normalizer.models import parity_sentences\n"
            "s = parity_sentences(); b = OnnxBackend(); b.encode(s[:5])\n"
            "t = time.perf_counter(); b.encode(s); dt = time.perf_counter() - t\n"
            "print(f'{len(s) / dt:.0f} sentences/s on one thread ({len(s)} news sentences)')")
    print(f"  ONNX int8 encoding: {spawn([PY, '-c', code]).stdout.strip()}")


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _dist_name(req: str) -> str:
    return re.split(r"[\s\[<>=!~;(]", req, maxsplit=1)[0].lower().replace("_", "-")


def _closure(names: list[str]) -> set[str]:
    """Installed distributions a list of requirements pulls in (extras of deps not followed)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            todo.append(_dist_name(req))
    return seen


def _size_mb(names: set[str]) -> float:
    total = 0
    for name in names:
        for f in metadata.distribution(name).files or []:
            try:
                total += f.locate().stat().st_size
            except OSError:
                pass
    return total / 1e6


def install_size() -> None:
    header("Goal 2: light default install")
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    default = [_dist_name(r) for r in project["dependencies"]]
    model_extra = [_dist_name(r) for r in project["optional-dependencies"].get("model", [])]
    heavy = {"torch", "sentence-transformers", "transformers"}
    base = _closure(default)
    with_model = _closure(default + model_extra)
    pulled = sorted(base & heavy)
    print(f"  default dependencies: {', '.join(default)}")
    print(f"  [model] extra adds:   {', '.join(sorted(with_model - base)[:12])}{' ...' if len(with_model - base) > 12 else ''}")
    models = ROOT / "models"
    shipped = sum(p.stat().st_size for p in models.rglob("*") if p.is_file()) / 1e6
    base_mb, model_mb = _size_mb(base), _size_mb(with_model)
    goal("default install pulls torch / sentence-transformers", "no" if not pulled else ", ".join(pulled),
         "no", not pulled)
    goal("default install size (installed files)", f"{base_mb:.0f} MB", "no torch", not pulled,
         f"with [model] extra {model_mb:.0f} MB: {model_mb / base_mb:.1f}x")
    manifest = json.loads((models / "manifest.json").read_text(encoding="utf-8"))
    o, p = manifest["onnx"], manifest["parity"]
    print(f"  models/ in the wheel: {shipped:.1f} MB (model.onnx {o['bytes'] / 1e6:.1f} MB, {o['quantization']}, "
          f"sha256 {o['sha256'][:16]}...; parity mean cosine {p['mean_cosine']} on {p['sentences']} sentences)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--st-repeat", type=int, default=2, help="runs with the slow reference backend")
    ap.add_argument("--no-breakdown", action="store_true")
    ap.add_argument("--parity-bbc", type=int, default=300, help="BBC articles in the findings parity run")
    args = ap.parse_args()
    cold_start(args.repeat, args.st_repeat)
    findings_parity(args.parity_bbc)
    install_size()
    if not args.no_breakdown:
        breakdown(args.repeat)


if __name__ == "__main__":
    main()
