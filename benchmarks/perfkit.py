"""Shared helpers of the performance benchmarks (bench_startup, bench_throughput, bench_rules,
bench_scaling): where the data is, how to time a command, how to print a goal's line.

Every benchmark prints each goal as ``figure  target  ratio  verdict`` from one run, so the
numbers of a line were taken side by side on the same machine under the same load.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"  # research-only data: read in place, never copied
BBC = DATA / "news-en" / "bbc-news-2225.jsonl"
WMT13 = DATA / "wmt13-fr-en"
MT_SEED = ROOT / "seeds" / "000_d39dd3bf9bf62004.txt"
EN_SEED = ROOT / "seeds" / "004_3d73205d6c8d8124.txt"
BIN = Path(sys.executable).parent
MTNORM = str(BIN / "mtnorm") if (BIN / "mtnorm").exists() else None


def mtnorm_cmd(*args: str) -> list[str]:
    """The installed console script when there is one, else ``python -m`` of the CLI."""
    if MTNORM:
        return [MTNORM, *args]
    return [sys.executable, "-c", "from normalizer.cli import main; main()", *args]


def need(path: Path, what: str) -> bool:
    """True when ``path`` exists; else say why the section is skipped."""
    if path.exists():
        return True
    print(f"SKIP {what}: {path} not found (the benchmarks read ../shared/data beside the repo)")
    return False


def bbc_texts(limit: int | None = None) -> list[str]:
    out = []
    with open(BBC, encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line)["text"])
            if limit and len(out) >= limit:
                break
    return out


def group_by_document(segments: list[str], docids: list[str]) -> list[tuple[str, list[str]]]:
    """Line-aligned segments grouped into their documents, in document order (WMT files keep
    one segment per line and the document id of each line in a parallel ``docids`` file)."""
    groups: dict[str, list[str]] = {}
    for docid, seg in zip(docids, segments):
        groups.setdefault(docid, []).append(seg)
    return list(groups.items())


def wmt13_mt_documents(system: str = "sys.online-B.en", limit: int | None = None) -> list[str]:
    """WMT13 fr-en system output grouped into its documents (machine-translated news)."""
    docids = (WMT13 / "docids").read_text(encoding="utf-8").splitlines()
    lines = (WMT13 / system).read_text(encoding="utf-8").splitlines()
    texts = ["\n\n".join(segs) for _, segs in group_by_document(lines, docids)]
    return texts[:limit] if limit else texts


def all_corpus_texts(seed: int = 0) -> list[str]:
    """Every text of ../shared/data as documents, shuffled (seeded): the BBC articles, each
    WMT13 and WMT14 system output and reference grouped into its documents, and the LIG files
    in blocks of 20 segments (native and machine-translated news together, 16.8 MB)."""
    texts = bbc_texts() if BBC.exists() else []
    for corpus in ("wmt13-fr-en", "wmt14-fr-en"):
        if (DATA / corpus / "docids").exists():
            docids = (DATA / corpus / "docids").read_text(encoding="utf-8").splitlines()
            for path in sorted((DATA / corpus).glob("*.en")):
                lines = path.read_text(encoding="utf-8").splitlines()
                texts += ["\n\n".join(segs) for _, segs in group_by_document(lines, docids)]
    for path in sorted((DATA / "lig-fr-en").glob("*.en")):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += ["\n\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    random.Random(seed).shuffle(texts)
    return texts


def mb(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


@dataclass
class Run:
    wall: float
    cpu: float  # user + sys of the child
    max_rss_mb: float  # peak resident memory of the largest child
    returncode: int
    stdout: str
    stderr: str


def timed(cmd: list[str], repeat: int = 5, env: dict | None = None) -> tuple[list[Run], "Stat"]:
    """Run ``cmd`` ``repeat`` times (one by one, after one warm-up of the OS file cache)."""
    runs = []
    spawn(cmd, env)  # warm the page cache: a cold disk is not what we measure
    for _ in range(repeat):
        runs.append(spawn(cmd, env))
    return runs, Stat.of([r.wall for r in runs], [r.cpu for r in runs])


def spawn(cmd: list[str], env: dict | None = None) -> Run:
    """One child, measured with os.wait4: wall time, CPU time (the child and the workers it
    waited for) and peak RSS (the largest of those processes)."""
    full_env = {**os.environ, **(env or {})}
    # As users run it: Python caches the bytecode of what it imports (pip compiles installed
    # packages; a checkout's modules are cached on first import). A shell that forbids it
    # (PYTHONDONTWRITEBYTECODE, set in some CI and sandboxes) would make every run of an
    # editable install compile mtnorm's modules from source: 0.13 s of a 1 s start that no user pays.
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, cwd=ROOT)
    out, err = _drain(proc)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, proc.returncode,
               out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def _drain(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    # Read both pipes without letting Popen reap the child (we need its rusage from wait4).
    import selectors

    sel = selectors.DefaultSelector()
    bufs = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    for f in bufs:
        sel.register(f, selectors.EVENT_READ)
    while sel.get_map():
        for key, _ in sel.select():
            chunk = os.read(key.fd, 65536)
            if chunk:
                bufs[key.fileobj].extend(chunk)
            else:
                sel.unregister(key.fileobj)
    return bytes(bufs[proc.stdout]), bytes(bufs[proc.stderr])


@dataclass
class Stat:
    best: float
    median: float
    cpu_best: float
    n: int

    @classmethod
    def of(cls, walls: list[float], cpus: list[float]) -> "Stat":
        return cls(min(walls), statistics.median(walls), min(cpus) if cpus else 0.0, len(walls))

    def __str__(self) -> str:
        return f"best {self.best:.2f} s, median {self.median:.2f} s, cpu {self.cpu_best:.2f} s (n={self.n})"


def load_note() -> str:
    """The machine's load: a 2-core box shared with other work makes wall times noisy."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return ""
    cores = os.cpu_count() or 1
    busy = "  (busy machine: wall times are inflated; cpu times are the steadier figure)" if one > cores * 0.75 else ""
    return f"load average {one:.2f} / {five:.2f} on {cores} cores{busy}"


def header(title: str) -> None:
    print(f"\n== {title} ==")


def goal(name: str, figure: str, target: str, ok: bool | None, ratio: str = "") -> None:
    verdict = {True: "PASS", False: "FAIL", None: "n/a"}[ok]
    extra = f"  [{ratio}]" if ratio else ""
    print(f"  {name:44s} {figure:>22s}   target {target:<16s} {verdict}{extra}")


def _get(obj, attr: str):
    return obj[attr] if isinstance(obj, dict) else getattr(obj, attr)


def _set(obj, attr: str, value) -> None:
    if isinstance(obj, dict):
        obj[attr] = value
    else:
        setattr(obj, attr, value)


class StageTimer:
    """Exclusive time per named stage: time spent in a nested timed stage (the model inside the
    rules stage) is charged to the nested stage only. The stages are wrapped only inside
    ``installed()``: a wrapper costs time of its own, which a throughput figure must not carry."""

    def __init__(self):
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list] = []  # [name, start, child_time]
        self._wrapped: list[tuple[object, str, str, bool]] = []

    def wrap(self, obj, attr: str, stage: str, eager: bool = False) -> None:
        """Time ``obj.attr`` (or ``obj[attr]`` for a dict) as ``stage`` while installed;
        ``eager``: the function returns a generator, run to its end inside the timing."""
        self._wrapped.append((obj, attr, stage, eager))

    @contextmanager
    def installed(self) -> Iterator[None]:
        originals = [(obj, attr, _get(obj, attr)) for obj, attr, _, _ in self._wrapped]
        try:
            for obj, attr, stage, eager in self._wrapped:
                _set(obj, attr, self._timed(_get(obj, attr), stage, eager))
            yield
        finally:
            for obj, attr, fn in reversed(originals):
                _set(obj, attr, fn)

    def _timed(self, fn, stage: str, eager: bool):
        timer = self

        def timed_fn(*a, **k):
            timer._stack.append([stage, time.perf_counter(), 0.0])
            try:
                result = fn(*a, **k)
                return list(result) if eager else result
            finally:
                name, t0, child = timer._stack.pop()
                spent = time.perf_counter() - t0
                timer.totals[name] = timer.totals.get(name, 0.0) + spent - child
                timer.calls[name] = timer.calls.get(name, 0) + 1
                if timer._stack:
                    timer._stack[-1][2] += spent

        return timed_fn

    def iter_sorted(self) -> Iterator[tuple[str, float]]:
        yield from sorted(self.totals.items(), key=lambda kv: -kv[1])
