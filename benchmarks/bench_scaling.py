"""Goals 5 and 6 of issue 7: scaling of a corpus run, and its memory.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_scaling.py [--base N] [--repeat 3] [--pairs 5] [--large-pairs 3]

Each figure comes from `mtnorm corpus IN.jsonl OUT` processes (default options: fix mode,
model on), inputs written to a temporary directory (never into the repository):

- linearity: BBC native news, the first 1x, 4x and 16x ``--base`` articles of a seeded shuffle
  (every size has the same mix of categories; no article is repeated, a repeated one would be
  served from caches), --jobs 1. Linear means that an extra MB costs the same whatever came
  before it; a quadratic step would make later megabytes dearer. A run pays some costs once:
  start-up, and the warm-up of the documents that first need something loaded (the model,
  langdetect's profiles, ftfy, each rule's regex). Those cancel out of the *marginal* cost: the
  CPU time spent on articles 1x to 4x, and on articles 4x to 16x. Whole runs of each size
  cannot measure it on a shared machine: their CPU times vary by more than the 1x -> 4x step
  costs. So the 16x run streams its output (``OUT`` is standard output), and the CPU time of
  the process is read (Linux ``/proc``) as its output passes the 1x and the 4x article; the
  figure is the ratio of the two marginal throughputs (1.0 = linear), the median of
  ``--repeat`` runs. Every input starts with the same few warm-up documents (:data:`WARM_UP`):
  the largest one-off costs come first, not wherever the shuffle puts the first article that
  needs them (the first doubtful language loads langdetect's profiles, 0.35 s uncached: in whichever step
  it fell, it would look like slower megabytes). Whole runs of the 1x and 4x inputs are printed
  too, with their start-up and warm-up;
- --jobs 2 against --jobs 1 (target >= 1.7x) on every text of ../shared/data (BBC, every
  WMT13/14 system output and reference, LIG: 5,325 documents, 16.8 MB, native and
  machine-translated), and for information on the BBC corpus alone (2,225 articles, 5 MB).
  On 5 MB the one-off costs of a run (start-up, the first use of langdetect's profiles, of the
  model, of each rule's regex: over a second of 5 s), which every worker pays as well, bound
  the speed-up near 1.6x; a corpus pass is far longer than either. Both runs of a pair need two
  idle cores, so each of the ``--pairs`` (``--large-pairs``) pairs waits
  (a bounded time) until other processes leave the cores idle, and a pair during which other
  processes still took more than a tenth of a core is run again (at most ``3 * --pairs``
  pairs in all); the pairs alternate which run goes first, the median speed-up of the pairs
  kept is the figure, and the wall and CPU time of every run are printed with the load (a
  virtual machine's cores also slow down under its host's load, which no process here sees:
  single pairs then vary by +-0.3x, hence several). A run's start-up comes before its workers
  start: the serial part (a run over an empty corpus) bounds the speed-up, and that bound is
  printed too. The two outputs must be byte-identical;
- memory: peak resident memory of the largest process of a --jobs 2 run over machine-translated
  news (WMT13 online-B documents, so the model is loaded and used), target <= 600 MB per worker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from perfkit import (BBC, MT_SEED, ROOT, WMT13, all_corpus_texts, bbc_texts, goal, header, load_note, mb,
                     mtnorm_cmd, need, spawn, wmt13_mt_documents)

from normalizer.corpus import line_chunks

SIZES = (1, 4, 16)
# The head of every linearity input, one document for each lazy load of the pipeline: the
# machine-translated seed (the model, and many rules' regexes), a document whose function words
# do not tell its language (langdetect's profiles), mojibake (ftfy).
WARM_UP = [
    MT_SEED.read_text(encoding="utf-8"),
    "Der Bundestag hat am Donnerstag nach langer Debatte ein neues Gesetz beschlossen, das die "
    "Förderung erneuerbarer Energien auf eine neue Grundlage stellt. Die Regierung sprach von einem "
    "wichtigen Schritt, während die Opposition vor steigenden Kosten für Verbraucher warnte.",
    "The cafÃ© on the high street, which opened in 1998, will close next month, its owner said. "
    "â€œWe have had a wonderful time here,â€\x9d she told the local paper.",
]


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


def process_cpu(pid: int) -> float:
    """CPU time (user + system) a running process has used so far (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chunk_ends(src: Path) -> list[int]:
    """The line number that ends each chunk of work of a corpus run over ``src``."""
    with open(src, "rb") as fh:
        return [first + len(lines) - 1 for first, lines in line_chunks(fh)]


def streamed_run(src: Path, marks: list[int], tmp: Path) -> tuple[dict[int, float], float]:
    """One `mtnorm corpus SRC -` (--jobs 1), its output read as it comes: the process's CPU
    time when its output reached each of ``marks``, line numbers that end a chunk (a chunk's
    lines are written and flushed together once it is done, and the next one is then under
    way); and the CPU time of the whole process."""
    err = tmp / "stderr.txt"
    with open(err, "wb") as err_fh:
        proc = subprocess.Popen(mtnorm_cmd("corpus", str(src), "-"), stdout=subprocess.PIPE, stderr=err_fh,
                                cwd=ROOT)
        cpu_at = {}
        for n, _ in enumerate(proc.stdout, 1):
            if n in marks:
                cpu_at[n] = process_cpu(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1) or len(cpu_at) != len(marks):
        raise SystemExit(f"mtnorm corpus failed: {err.read_text(encoding='utf-8')[-2000:]}")
    return cpu_at, usage.ru_utime + usage.ru_stime


def linearity(base: int | None, repeat: int, tmp: Path) -> None:
    header("Goal 5: cost of an extra MB against corpus size (--jobs 1)")
    if not os.path.exists("/proc/self/stat"):
        print("SKIP linearity: reading a running process's CPU time needs Linux /proc")
        return
    texts = bbc_texts()
    random.Random(0).shuffle(texts)
    base = base or len(texts) // SIZES[-1]
    if base * SIZES[-1] > len(texts):
        raise SystemExit(f"--base {base}: the {SIZES[-1]}x input needs {base * SIZES[-1]} articles, "
                         f"the corpus has {len(texts)}")
    articles = texts[: base * SIZES[-1]]
    inputs = {k: write_jsonl(tmp / f"bbc-{k}x.jsonl", WARM_UP + articles[: base * k]) for k in SIZES}
    sizes = [len(t.encode("utf-8")) / 1e6 for t in WARM_UP + articles]  # MB of each line
    # the CPU time is read as a chunk's output arrives: at the end of the chunks of articles 1x, 4x, 16x
    ends = chunk_ends(inputs[SIZES[-1]])
    marks = [min(e for e in ends if e >= len(WARM_UP) + base * k) for k in SIZES]
    print(f"  every input: {len(WARM_UP)} warm-up documents, then the articles")
    corpus_run(inputs[SIZES[-1]], 1, tmp)  # the OS file cache, the user caches (rules, Hyperscan)
    for k in SIZES[:-1]:
        whole, _ = corpus_run(inputs[k], 1, tmp)
        print(f"  whole run of the {k}x input: {base * k:5d} articles, {mb(articles[: base * k]):5.2f} MB: "
              f"{whole.cpu:.2f} s CPU, {whole.wall:.2f} s wall")
    ratios, steps = [], []
    for r in range(repeat):
        share = wait_for_idle_cores()
        cpu_at, total = streamed_run(inputs[SIZES[-1]], marks, tmp)
        rates = [sum(sizes[a:b]) / max(cpu_at[b] - cpu_at[a], 1e-9) for a, b in zip(marks, marks[1:])]
        ratios.append(rates[1] / rates[0])
        steps.append(rates)
        print(f"  16x run {r + 1}: {idle_note(share)}CPU "
              + ", ".join(f"{cpu_at[m]:.2f} s at article {m - len(WARM_UP)}" for m in marks)
              + f", {total:.2f} s at exit -> {rates[0]:.3f} then {rates[1]:.3f} MB/s per extra MB, "
              f"ratio {ratios[-1]:.2f}")
    ratio = statistics.median(ratios)
    first, second = (statistics.median(rates[i] for rates in steps) for i in (0, 1))
    goal("linearity (marginal MB/s 4x->16x / 1x->4x)", f"{ratio:.2f}", "0.8 - 1.25", 0.8 <= ratio <= 1.25,
         f"median of {repeat}: 1x->4x {first:.3f}, 4x->16x {second:.3f} MB/s per extra MB")


def machine_busy() -> float | None:
    """CPU seconds every process of the machine has used since boot (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            user, nice, system, _idle, _iowait, irq, softirq = map(int, fh.readline().split()[1:8])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def wait_for_idle_cores(wanted: float = 0.85, limit: float = 120.0) -> float | None:
    """Wait, at most ``limit`` seconds, until other processes leave the cores idle over a
    second (a machine shared with other work); returns the idle share last seen."""
    deadline = time.monotonic() + limit
    while True:
        before = machine_busy()
        time.sleep(1.0)
        after = machine_busy()
        if before is None or after is None:
            return None
        share = 1 - (after - before) / (os.cpu_count() or 1)
        if share >= wanted or time.monotonic() > deadline:
            return share


def idle_note(share: float | None) -> str:
    return "" if share is None else f"cores {share:.0%} idle before; "


def watched_run(src: Path, jobs: int, tmp: Path):
    """:func:`corpus_run`, and the CPU time other processes of the machine used meanwhile (None
    when it cannot be told): work that competed with the run for the cores."""
    before = machine_busy()
    r, out = corpus_run(src, jobs, tmp)
    after = machine_busy()
    others = None if before is None or after is None else max(after - before - r.cpu, 0.0)
    return r, out, others


def jobs_speedup(texts: list[str], label: str, pairs: int, tmp: Path, judged: bool) -> None:
    header(f"Goal 5: --jobs 2 against --jobs 1 ({label})")
    src = write_jsonl(tmp / f"jobs-{len(texts)}.jsonl", texts)
    empty = write_jsonl(tmp / "empty.jsonl", [])
    corpus_run(src, 1, tmp)  # the OS file cache, the user caches
    kept, disturbed, identical = [], [], True
    for attempt in range(3 * pairs):  # a pair that other work disturbed is run again, within limits
        if len(kept) == pairs:
            break
        share = wait_for_idle_cores()
        start = {jobs: corpus_run(empty, jobs, tmp)[0] for jobs in (1, 2)}
        # --jobs 1 first in odd pairs, second in even ones: a machine slowing down or speeding
        # up over the pairs does not favour either
        order = (1, 2) if attempt % 2 == 0 else (2, 1)
        runs = {jobs: watched_run(src, jobs, tmp) for jobs in order}
        (one, out_one, others_one), (two, out_two, others_two) = runs[1], runs[2]
        same = out_one.read_bytes() == out_two.read_bytes()
        identical &= same
        # The most --jobs 2 could give: its serial part (start-up, the parent's preparations, the
        # workers' start), then the work of --jobs 1 after its start-up, halved exactly.
        bound = one.wall / (start[2].wall + (one.wall - start[1].wall) / 2)
        quiet = all(o is None or o < 0.1 * r.wall for o, r in ((others_one, one), (others_two, two)))
        (kept if quiet else disturbed).append((one.wall / two.wall, bound))
        others = "" if others_one is None else f"; other processes: {others_one:.2f} and {others_two:.2f} s CPU"
        print(f"  pair {attempt + 1}: {idle_note(share)}{load_note()}")
        print(f"    --jobs 1: {one.wall:5.2f} s wall, {one.cpu:5.2f} s CPU | --jobs 2: {two.wall:5.2f} s wall, "
              f"{two.cpu:5.2f} s CPU (all processes) | {one.wall / two.wall:.2f}x{others}")
        print(f"    empty corpus (start-up): {start[1].wall:.2f} s wall with --jobs 1, {start[2].wall:.2f} s "
              f"with --jobs 2 (bound {bound:.2f}x); outputs {'identical' if same else 'DIFFER'}; "
              + ("kept" if quiet else "disturbed by other work: not counted"))
    pairs_used = kept or disturbed  # a machine never quiet: the disturbed pairs, said so
    speedup = statistics.median(s for s, _ in pairs_used)
    bound = statistics.median(b for _, b in pairs_used)
    note = "" if kept else " (all disturbed)"
    print(f"  {mb(texts):.2f} MB; after the runs: {load_note()}")
    detail = f"{len(pairs_used)} pairs{note}: {', '.join(f'{s:.2f}' for s, _ in pairs_used)}; bound {bound:.2f}x"
    if judged:
        goal("--jobs 2 speed-up over --jobs 1 (median)", f"{speedup:.2f}x", ">= 1.7x", speedup >= 1.7, detail)
    else:
        print(f"  --jobs 2 speed-up over --jobs 1 (median): {speedup:.2f}x ({detail})")
    goal("--jobs 2 output identical to --jobs 1", str(identical), "True", identical)


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=int, default=None,
                    help="articles in the 1x input (default: the most that lets 16x fit in the corpus)")
    ap.add_argument("--repeat", type=int, default=3, help="streamed 16x runs of the linearity (median kept)")
    ap.add_argument("--pairs", type=int, default=5, help="--jobs 1 / --jobs 2 pairs on BBC (median kept)")
    ap.add_argument("--large-pairs", type=int, default=3,
                    help="--jobs 1 / --jobs 2 pairs on every corpus (40 s and 20 s a pair; median kept)")
    ap.add_argument("--mt-limit", type=int, default=None, help="WMT13 documents for the memory run")
    ap.add_argument("--skip-linearity", action="store_true", help="skip the 1x/4x/16x comparison")
    ap.add_argument("--skip-jobs", action="store_true", help="skip the --jobs 2 comparison")
    args = ap.parse_args()
    print(f"  {load_note()}")
    if not need(BBC, "scaling on native English news"):
        return
    with tempfile.TemporaryDirectory(prefix="mtnorm-bench-") as d:
        tmp = Path(d)
        if not args.skip_linearity:
            linearity(args.base, args.repeat, tmp)
        if not args.skip_jobs:
            # A 5 MB corpus takes 5 s with --jobs 1, of which one-off costs (start-up, the
            # first use of langdetect's profiles, the model, each rule's regex) are over a second:
            # each worker pays them too, which bounds --jobs 2 near 1.6x there. The goal is judged
            # on every text of ../shared/data, three times as much, where the work dominates.
            jobs_speedup(bbc_texts(), "the BBC corpus, 5 MB", args.pairs, tmp, judged=False)
            jobs_speedup(all_corpus_texts(), "every corpus of ../shared/data", args.large_pairs, tmp, judged=True)
        if need(WMT13, "memory with the model loaded"):
            memory(tmp, args.mt_limit)


if __name__ == "__main__":
    main()
