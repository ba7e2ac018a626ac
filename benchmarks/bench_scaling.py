"""Goals 5 and 6 of issue 7: scaling of a corpus run, and its memory.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_scaling.py [--base 50]

Each figure is one `mtnorm corpus IN.jsonl OUT.jsonl` process (default options: fix mode,
model on), inputs written to a temporary directory (never into the repository):

- linearity: BBC native news at 1x, 4x and 16x ``--base`` articles with --jobs 1; the CPU time
  of a one-article run (start-up) is taken off each, and the throughput left must not change
  with size (the ratio 16x / 4x is printed, 1.0 = perfectly linear);
- --jobs 2 against --jobs 1 on the whole BBC corpus (2,225 articles, 5 MB; target >= 1.7x;
  needs two idle cores: on a busy machine the figure says more about the neighbours than about
  mtnorm). A corpus, not the 16x input: at full speed that one takes a second or two, and the
  ratio would measure start-up;
- memory: peak resident memory of the largest process of a --jobs 2 run over machine-translated
  news (WMT13 online-B documents, so the model is loaded and used), target <= 600 MB per worker.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from perfkit import (BBC, WMT13, bbc_texts, goal, header, load_note, mb, mtnorm_cmd, need, spawn,
                     wmt13_mt_documents)


def write_jsonl(path: Path, texts: list[str]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": f"doc-{i}", "text": t}, ensure_ascii=False) + "\n")
    return path


def corpus_run(src: Path, jobs: int, tmp: Path):
    out = tmp / f"out-{src.stem}-{jobs}.jsonl"
    r = spawn(mtnorm_cmd("corpus", str(src), str(out), "--jobs", str(jobs)))
    if r.returncode not in (0, 1):
        raise SystemExit(f"mtnorm corpus failed ({r.returncode}): {r.stderr[-2000:]}")
    return r, out


def model_checked_findings(out: Path) -> int:
    """Findings the model looked at (a context margin, or the meaning check of a rewrite, in
    their data): evidence that the run loaded and used it."""
    n = 0
    with open(out, encoding="utf-8") as fh:
        for line in fh:
            for f in json.loads(line).get("mtnorm", {}).get("findings", []):
                data = f.get("data") or {}
                n += "margin" in data or "meaning" in data
    return n


def linearity(base: int, tmp: Path) -> None:
    header("Goal 5: throughput against corpus size (--jobs 1)")
    # The corpus is sorted by category (business first, politics has longer articles): a
    # seeded shuffle gives every size the same mix, so only the size differs.
    texts = bbc_texts()
    random.Random(0).shuffle(texts)
    if len(texts) < base * 16:
        texts = (texts * (base * 16 // len(texts) + 1))
    texts = texts[: base * 16]
    # Start-up (imports, rules, first regex compilations, the model) is measured on a
    # one-article input and taken off the others: what is left must grow with the input.
    r0, _ = corpus_run(write_jsonl(tmp / "bbc-one.jsonl", texts[:1]), 1, tmp)
    startup = r0.cpu
    print(f"  start-up (one article): {r0.wall:.2f} s wall, {startup:.2f} s CPU")
    rates = {}
    for k in (1, 4, 16):
        part = texts[: base * k]
        src = write_jsonl(tmp / f"bbc-{k}x.jsonl", part)
        r, _ = corpus_run(src, 1, tmp)
        rates[k] = mb(part) / max(r.cpu - startup, 1e-9)
        print(f"  {k:2d}x: {len(part):5d} articles, {mb(part):5.2f} MB: {r.wall:6.2f} s wall, {r.cpu:6.2f} s CPU "
              f"-> {rates[k]:.3f} MB/s CPU after start-up")
    ratio = rates[16] / rates[4]
    goal("linearity (MB/s at 16x / at 4x)", f"{ratio:.2f}", "0.8 - 1.25", 0.8 <= ratio <= 1.25,
         f"1x {rates[1]:.3f}, 4x {rates[4]:.3f}, 16x {rates[16]:.3f} MB/s")


def jobs_speedup(tmp: Path) -> None:
    header("Goal 5: --jobs 2 against --jobs 1 (the whole BBC corpus)")
    print(f"  {load_note()}")
    src = write_jsonl(tmp / "bbc-all.jsonl", bbc_texts())
    one, _ = corpus_run(src, 1, tmp)
    two, _ = corpus_run(src, 2, tmp)
    speedup = one.wall / two.wall
    print(f"  --jobs 1: {one.wall:.2f} s wall ({one.cpu:.2f} s CPU); --jobs 2: {two.wall:.2f} s wall "
          f"({two.cpu:.2f} s CPU, all workers)")
    goal("--jobs 2 speed-up over --jobs 1", f"{speedup:.2f}x", ">= 1.7x", speedup >= 1.7)


def memory(tmp: Path, limit: int | None) -> None:
    header("Goal 6: peak memory of a corpus run with the model loaded")
    texts = wmt13_mt_documents(limit=limit)
    src = write_jsonl(tmp / "wmt13-mt.jsonl", texts)
    for jobs in (1, 2):
        r, out = corpus_run(src, jobs, tmp)
        used = model_checked_findings(out)
        print(f"  --jobs {jobs}: {len(texts)} MT documents ({mb(texts):.2f} MB), {used} findings checked "
              f"by the model; largest process peak RSS {r.max_rss_mb:.0f} MB")
        goal(f"peak RSS per worker (--jobs {jobs})", f"{r.max_rss_mb:.0f} MB", "<= 600 MB",
             r.max_rss_mb <= 600 and used > 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=int, default=50, help="articles in the 1x input (16x must fit: <= 139)")
    ap.add_argument("--mt-limit", type=int, default=None, help="WMT13 documents for the memory run")
    ap.add_argument("--skip-jobs", action="store_true", help="skip the --jobs 2 comparison")
    args = ap.parse_args()
    print(f"  {load_note()}")
    if not need(BBC, "scaling on native English news"):
        return
    with tempfile.TemporaryDirectory(prefix="mtnorm-bench-") as d:
        tmp = Path(d)
        linearity(args.base, tmp)
        if not args.skip_jobs:
            jobs_speedup(tmp)
        if need(WMT13, "memory with the model loaded"):
            memory(tmp, args.mt_limit)


if __name__ == "__main__":
    main()
