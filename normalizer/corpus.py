"""Corpora: many documents, streamed, on one machine or many.

One function is the core every engine shares: :func:`normalize_records` takes a batch of records
(dicts with a text field) and returns them with the text normalized (``mode="fix"``) and the
findings and a summary under ``"mtnorm"``, every other field untouched. ``--jobs`` worker
processes, Ray Data (``integrations/ray.py``), datatrove (``integrations/datatrove.py``) and
Spark or Dask (``docs/integrations.md``) all call it, so they produce the same output.

JSON Lines are streamed: read a chunk of lines, process it, write it, so memory stays bounded
whatever the corpus size. The output has one line per input line, in order; a line that is not
a JSON object with a text field is reported (``path:LINE: ...``) and passed through as an error
record (``{"mtnorm": {"error": ..., "line": N, "raw": ...}}``), so nothing is lost.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from .document import Document
from .errors import InputError, MtnormError
from .findings import CATEGORIES, SEVERITIES, Edit, Finding, severity_rank
from .options import Options
from .suppress import Suppressor, document_key, fingerprint

META_FIELD = "mtnorm"
# Categories that, found in a document, suggest it was machine-translated. Mojibake and scraped
# boilerplate happen to native text too, so they do not count.
MT_SIGNAL_CATEGORIES = frozenset(CATEGORIES) - {"encoding", "boilerplate"}
MT_MIN_CONFIDENCE = 0.5
# A chunk is the unit of work sent to a worker: small enough to keep memory bounded and the
# progress bar moving, large enough that inter-process traffic stays cheap. The byte bound
# (a quarter of a second of work or so) keeps the chunks of a corpus of long documents from
# being few and uneven: the last one would keep one worker busy while the others wait.
CHUNK_LINES = 64
CHUNK_BYTES = 256 << 10
MODES = ("check", "fix")


@dataclass
class CorpusOptions:
    """Everything a worker needs to process records, picklable."""

    options: Options = field(default_factory=Options)
    mode: str = "fix"  # "check": report only, text unchanged; "fix": also normalize the text
    text_field: str = "text"
    id_field: str | None = "id"
    level: str | None = None  # fix level; None: options.level
    suppressor: Suppressor | None = None
    reference: str | None = None  # another report of the same story
    meta_field: str = META_FIELD
    source: str = "<records>"  # the corpus, for baseline keys and messages
    key_root: Path = field(default_factory=Path.cwd)  # baseline keys are relative to this

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise MtnormError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")

    @classmethod
    def make(cls, options: Options | None = None, **kwargs: Any) -> "CorpusOptions":
        """From keyword arguments: CorpusOptions fields, the rest are :class:`Options` fields."""
        own = {k: kwargs.pop(k) for k in list(kwargs) if k in cls.__dataclass_fields__}
        try:
            opts = Options.make(options, **kwargs) if kwargs or options is None else options
        except TypeError as exc:
            raise MtnormError(str(exc)) from None
        return cls(options=opts, **own)


# One Normalizer per process and options: building it compiles the rules, and the model it
# loads lazily is cached per process by embeddings.get_encoder.
_NORMALIZERS: dict[str, Any] = {}


def normalizer_for(options: Options):
    from .pipeline import Normalizer

    key = repr(options)
    if key not in _NORMALIZERS:
        _NORMALIZERS[key] = Normalizer(options)
    return _NORMALIZERS[key]


# -- one document ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """One document, processed."""

    text: str  # normalized (fix) or unchanged (check)
    original: str
    findings: list[Finding]
    digests: list[str]  # sentence hash of each finding (see suppress.py)
    edits: list[Edit] = field(default_factory=list)
    language: str | None = None
    skipped: str | None = None
    suppressed: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.original


def looks_machine_translated(findings: Iterable[Finding]) -> bool:
    return any(f.category in MT_SIGNAL_CATEGORIES and f.confidence >= MT_MIN_CONFIDENCE
               for f in findings)


def process_text(text: str, name: str, copts: CorpusOptions, *, options: Options | None = None,
                 sidecar: str | None = None, key: str | None = None) -> Outcome:
    """Analyze (check) or normalize (fix) one text. ``sidecar`` is the file whose allowlist
    sidecar applies, ``key`` the document's baseline key."""
    normalizer = normalizer_for(options or copts.options)
    if not text.strip():  # nothing to check; not an error inside a corpus
        return Outcome(text, text, [], [])
    state: dict[str, Any] = {}

    def suppress(doc: Document, findings: list[Finding]) -> list[Finding]:
        kept = copts.suppressor.filter(doc, findings, path=sidecar, key=key) if copts.suppressor else findings
        if not state:  # the first pass: the findings reported; later passes re-check fixed text
            state["suppressed"] = len(findings) - len(kept)
            state["digests"] = [fingerprint(doc, f) for f in kept]
        return kept

    if copts.mode == "fix":
        r = normalizer.normalize(text, path=name, reference=copts.reference, level=copts.level,
                                 suppress=suppress)
        return Outcome(r.text, text, r.findings, state["digests"], r.edits, r.language, r.skipped,
                       state["suppressed"])
    doc, _ctx, skipped = normalizer.analyze(text, path=name, reference=copts.reference)
    findings = suppress(doc, doc.findings)
    return Outcome(text, text, findings, state["digests"], [], doc.language, skipped,
                   state["suppressed"])


def summarize(o: Outcome) -> dict[str, Any]:
    """The per-document summary written next to the findings."""
    return {
        "findings": len(o.findings),
        "categories": dict(sorted(Counter(f.category for f in o.findings).items())),
        "machine_translated": looks_machine_translated(o.findings),
        "changed": o.changed,
        "edits": len(o.edits),
        "suppressed": o.suppressed,
        "language": o.language,
        "skipped": o.skipped,
    }


@dataclass
class Tally:
    """What corpus statistics, exit codes and baselines need from one document: small enough
    to send back from a worker instead of the document."""

    key: str
    findings: tuple[tuple[str, str, str, str], ...] = ()  # (rule, category, severity, digest)
    changed: bool = False
    skipped: str | None = None
    suppressed: int = 0
    machine_translated: bool = False

    @classmethod
    def of(cls, key: str, o: Outcome) -> "Tally":
        return cls(key, tuple((f.rule, f.category, f.severity, d) for f, d in zip(o.findings, o.digests)),
                   o.changed, o.skipped, o.suppressed, looks_machine_translated(o.findings))

    def worst(self) -> int:
        """Rank of the most severe finding, -1 when there is none."""
        return max((severity_rank(s) for _, _, s, _ in self.findings), default=-1)


# -- records: the per-batch function --------------------------------------------------------


class RecordError(ValueError):
    """A record that cannot be processed (no text field...): reported, passed through."""


def _record_id(record: dict, copts: CorpusOptions) -> Any:
    return record.get(copts.id_field) if copts.id_field else None


def _process_record(record: Any, copts: CorpusOptions, line: int | None = None) -> tuple[dict, Tally]:
    if not isinstance(record, dict):
        raise RecordError(f"not a JSON object but {type(record).__name__}")
    text = record.get(copts.text_field)
    if not isinstance(text, str):
        what = "no" if text is None else f"a {type(text).__name__} in"
        raise RecordError(f"{what} field {copts.text_field!r} (a string is needed; see --text-field)")
    rid = _record_id(record, copts)
    ref = str(rid) if rid is not None else (f"L{line}" if line is not None else None)
    name = f"{copts.source}#{ref}" if ref is not None else copts.source
    key = document_key(copts.source, copts.key_root, ref)
    o = process_text(text, name, copts, key=key)
    out = dict(record)
    out[copts.text_field] = o.text
    meta: dict[str, Any] = {"findings": [f.to_dict() for f in o.findings], "summary": summarize(o)}
    if copts.mode == "fix":
        meta["edits"] = [e.to_dict() for e in o.edits]  # enough to undo the normalization
    out[copts.meta_field] = meta
    return out, Tally.of(key, o)


def normalize_record(record: dict, copts: CorpusOptions | None = None) -> dict:
    return _process_record(record, copts or CorpusOptions())[0]


def normalize_records(records: Iterable[dict], options: CorpusOptions | None = None) -> list[dict]:
    """The per-batch function: each record with its text normalized (``mode="fix"``, the
    default) and ``record["mtnorm"] = {"findings", "summary", "edits"}``. Other fields are
    returned untouched. Every engine (worker processes, Ray, datatrove, Spark, Dask) calls this.
    Raises :class:`RecordError` for a record without a string text field."""
    copts = options or CorpusOptions()
    return [_process_record(r, copts)[0] for r in records]


def normalize_frame(df, options: CorpusOptions | None = None):
    """``normalize_records`` over a pandas DataFrame (Spark ``mapInPandas``, Dask
    ``map_partitions``): the text column is replaced and an ``mtnorm`` column holds the findings
    and summary as a JSON string (a column of nested objects has no fixed schema)."""
    copts = options or CorpusOptions()
    texts, metas = normalize_columns(df[copts.text_field].tolist(),
                                     df[copts.id_field].tolist() if copts.id_field in df else None, copts)
    out = df.copy()
    out[copts.text_field] = texts
    out[copts.meta_field] = metas
    return out


def normalize_columns(texts: list, ids: list | None, copts: CorpusOptions) -> tuple[list, list[str]]:
    """Column form of :func:`normalize_records`, for table engines: the new texts, and the
    ``mtnorm`` object of each row serialised as JSON. A row whose text is not a string keeps it
    and gets an error object."""
    new_texts, metas, _ = columns_task(texts, ids, copts)
    return new_texts, metas


def columns_task(texts: list, ids: list | None, copts: CorpusOptions
                 ) -> tuple[list, list[str], list[Tally | str]]:
    """normalize_columns, plus per row the Tally or, for a row that could not be processed,
    the error message."""
    new_texts, metas, tallies = [], [], []
    for i, text in enumerate(texts):
        rec = {copts.text_field: text}
        if ids is not None and copts.id_field:
            rec[copts.id_field] = ids[i]
        try:
            out, tally = _process_record(rec, copts)
            new_texts.append(out[copts.text_field])
            metas.append(json.dumps(out[copts.meta_field], ensure_ascii=False))
            tallies.append(tally)
        except RecordError as exc:
            new_texts.append(text)
            metas.append(json.dumps({"error": str(exc)}, ensure_ascii=False))
            tallies.append(str(exc))
    return new_texts, metas, tallies


# -- JSON Lines -----------------------------------------------------------------------------


@dataclass
class LineOutcome:
    line: str  # the output line, without its newline
    error: str | None = None  # what to report for this line (without "path:LINE: ")
    tally: Tally | None = None


def process_line(raw: bytes | str, lineno: int, copts: CorpusOptions) -> LineOutcome:
    """One input line to one output line. Blank lines stay blank."""
    if isinstance(raw, bytes):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.decode("utf-8", "backslashreplace")
            return _error_line(f"invalid UTF-8 at byte {exc.start} of the line", lineno, line, copts)
    else:
        line = raw
    if not line.strip():
        return LineOutcome("")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return _error_line(f"malformed JSON: {exc.msg} (column {exc.colno})", lineno, line, copts)
    try:
        out, tally = _process_record(record, copts, lineno)
    except RecordError as exc:
        if isinstance(record, dict):
            passed = {**record, copts.meta_field: {"error": str(exc), "line": lineno}}
            return LineOutcome(json.dumps(passed, ensure_ascii=False), str(exc))
        return _error_line(str(exc), lineno, line, copts)
    except MtnormError as exc:
        return _error_line(str(exc), lineno, line, copts)
    return LineOutcome(json.dumps(out, ensure_ascii=False), None, tally)


def _error_line(message: str, lineno: int, line: str, copts: CorpusOptions) -> LineOutcome:
    record = {copts.meta_field: {"error": message, "line": lineno, "raw": line.rstrip("\r\n")}}
    return LineOutcome(json.dumps(record, ensure_ascii=False), message)


def process_lines(first_lineno: int, lines: list[bytes], copts: CorpusOptions) -> list[LineOutcome]:
    return [process_line(raw, first_lineno + i, copts) for i, raw in enumerate(lines)]


def line_chunks(stream: IO[bytes], lines: int | None = None, size: int | None = None
                ) -> Iterator[tuple[int, list[bytes]]]:
    """(first line number, lines) chunks of a binary stream, split on ``\\n`` only (a JSON
    string may hold U+2028 or a lone ``\\r``, which are not line ends here)."""
    lines, size = lines or CHUNK_LINES, size or CHUNK_BYTES
    chunk: list[bytes] = []
    first, used = 1, 0
    for n, raw in enumerate(stream, 1):
        if not chunk:
            first, used = n, 0
        chunk.append(raw)
        used += len(raw)
        if len(chunk) >= lines or used >= size:
            yield first, chunk
            chunk = []
    if chunk:
        yield first, chunk


def open_corpus(path: str) -> IO[bytes]:
    """A JSON Lines corpus as a binary stream: ``-`` is standard input, ``.gz`` is decompressed."""
    if path == "-":
        return sys.stdin.buffer
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory")
    try:
        return gzip.open(p, "rb") if p.suffix == ".gz" else open(p, "rb")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def expand_corpus_paths(paths: list[str], exclude: list[str] | None = None) -> Iterator[str]:
    """JSON Lines inputs: files and globs as given, ``*.jsonl`` / ``*.jsonl.gz`` under folders."""
    from .sources import expand_paths

    for raw in paths:
        if raw != "-" and Path(raw).is_dir():
            found = sorted(p for p in Path(raw).rglob("*")
                           if p.is_file() and p.name.endswith((".jsonl", ".jsonl.gz", ".ndjson"))
                           and not any(part.startswith(".") for part in p.relative_to(raw).parts))
            yield from (str(p) for p in found if not _matches(str(p), exclude))
        else:
            yield from expand_paths([raw], exclude)


def _matches(path: str, patterns: list[str] | None) -> bool:
    import fnmatch

    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(Path(path).name, p) for p in patterns or [])


# -- worker processes -----------------------------------------------------------------------

# Per-process state: the CorpusOptions of each input group, set once by the pool initializer.
_STATES: list[CorpusOptions] = []


_INIT_ERROR: BaseException | None = None


def _init_worker(states: list[CorpusOptions], expected: int = 0) -> None:
    """Build each input group's Normalizer (the rules compiled now, once, rather than on the
    first document) and tell its rules' Hyperscan scanner that the run holds about
    ``expected`` bytes of text (0: unknown): if a run of that size would load or compile the
    database along the way, it does so now (see RuleScanner.prepare). :func:`ordered_map`
    runs this in the parent first, so forked workers inherit the database and spawned ones
    find it in the user cache."""
    global _STATES, _INIT_ERROR
    _STATES = states
    try:
        for s in states:
            normalizer_for(s.options).index.scanner.prepare(expected)
    except Exception as exc:  # raised with the first task: a failing initializer would respawn forever
        _INIT_ERROR = exc


def input_size(paths: Iterable[str]) -> int:
    """About how many bytes of text the input files hold: their size on disk (a gzip file
    counts compressed, standard input not at all)."""
    total = 0
    for path in paths:
        if path != "-":
            try:
                total += os.path.getsize(path)
            except OSError:
                pass  # reported when it is read
    return total


def _run_task(task: tuple) -> tuple:
    if _INIT_ERROR is not None:
        raise _INIT_ERROR
    kind, index, payload = task
    copts = _STATES[index]
    if kind == "lines":
        first, lines = payload
        return index, first, process_lines(first, lines, copts)
    if kind == "columns":
        return index, payload[0], columns_task(payload[1], payload[2], copts)
    return index, payload, process_file_task(payload, copts)


def ordered_map(fn: Callable, tasks: Iterable, jobs: int, initializer: Callable, initargs: tuple,
                window: int | None = None) -> Iterator:
    """``map(fn, tasks)`` in order, over ``jobs`` worker processes.

    Not ``Pool.imap``: its feeder thread reads the whole task iterable ahead of the workers, so
    a large corpus would end up in memory. Here at most ``window`` tasks are in flight. Each
    worker has its Normalizer built once, by ``initializer``, which runs here first.
    """
    initializer(*initargs)
    if jobs <= 1:
        yield from map(fn, tasks)
        return
    window = window or jobs * 4
    ctx = _start_method()
    with ctx.Pool(jobs, initializer=initializer, initargs=initargs) as pool:
        pending: deque = deque()
        for task in tasks:
            pending.append(pool.apply_async(fn, (task,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _start_method():
    """Fork when it is safe, spawn otherwise.

    A forked worker starts at once with what the parent prepared: the rules compiled, the
    Hyperscan database of a large enough run (the initializer ran in the parent first, so the
    workers' call finds them ready) and langdetect's profiles loaded; a spawned one imports
    mtnorm and builds its Normalizer again, about a second each. Fork is
    only safe on Linux in a process that runs no other thread: a fork copies the parent's
    threads (onnxruntime's, tokenizers') in an undefined state, so a parent that has loaded
    the model, or runs threads of its own (a library caller's), spawns.
    """
    import threading

    embeddings = sys.modules.get(f"{__package__}.embeddings")  # not imported: no model loaded
    model_loaded = embeddings is not None and any(e.loaded for e in embeddings._ENCODERS.values())
    if sys.platform.startswith("linux") and threading.active_count() == 1 and not model_loaded:
        # langdetect's language profiles (0.05 s from the user cache, 0.35 s the first time)
        # are loaded here once rather than in every worker that meets its first doubtful document
        from .language import langdetect_language

        langdetect_language("Une phrase en français pour charger les profils de langue.")
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


# -- progress -------------------------------------------------------------------------------


def progress_wanted(stream: IO[str]) -> bool:
    """A progress bar on a terminal only: never when stderr is piped or on CI."""
    ci = os.environ.get("CI", "").strip().lower()
    if ci and ci not in ("0", "false", "no"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """One self-rewriting status line on stderr: documents, throughput, findings so far."""

    def __init__(self, stream: IO[str] | None = None, enabled: bool | None = None, interval: float = 0.2):
        self.stream = stream or sys.stderr
        self.enabled = progress_wanted(self.stream) if enabled is None else enabled
        self.interval = interval
        self.start = time.monotonic()
        self.docs = self.findings = 0
        self._last = 0.0
        self._shown = False

    def update(self, docs: int = 0, findings: int = 0) -> None:
        self.docs += docs
        self.findings += findings
        now = time.monotonic()
        if self.enabled and now - self._last >= self.interval:
            self._last = now
            self._draw(now)

    def status(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.start, 1e-9)
        m, s = divmod(int(elapsed), 60)
        return (f"mtnorm: {self.docs:,} docs | {self.docs / elapsed:,.1f} docs/s | "
                f"{self.findings:,} findings | {m}:{s:02d}")

    def _draw(self, now: float) -> None:
        self.stream.write("\r\033[K" + self.status(now))
        self.stream.flush()
        self._shown = True

    def message(self, text: str) -> None:
        """Print a line (an error) without garbling the status line."""
        if self._shown:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        if self._shown:
            self._draw(time.monotonic())
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


# -- statistics -----------------------------------------------------------------------------


@dataclass
class CorpusStats:
    """Counts over a corpus: what a maintainer wants to see before deciding to clean it."""

    documents: int = 0
    errors: int = 0  # unreadable documents or malformed lines
    with_findings: int = 0
    machine_translated: int = 0
    changed: int = 0
    skipped: int = 0  # not English, not checked
    suppressed: int = 0
    findings: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)

    def add(self, t: Tally) -> None:
        self.documents += 1
        self.with_findings += bool(t.findings)
        self.machine_translated += t.machine_translated
        self.changed += t.changed
        self.skipped += t.skipped is not None
        self.suppressed += t.suppressed
        self.findings += len(t.findings)
        for rule, category, severity, _ in t.findings:
            self.by_rule[rule] += 1
            self.by_category[category] += 1
            self.by_severity[severity] += 1

    def share(self, n: int) -> float:
        return n / self.documents if self.documents else 0.0

    def to_dict(self, top: int = 10) -> dict[str, Any]:
        return {
            "documents": self.documents, "errors": self.errors, "skipped": self.skipped,
            "with_findings": self.with_findings,
            "machine_translated": self.machine_translated,
            "machine_translated_share": round(self.share(self.machine_translated), 4),
            "changed": self.changed, "findings": self.findings, "suppressed": self.suppressed,
            "by_category": dict(self.by_category.most_common()),
            "by_severity": {s: self.by_severity[s] for s in SEVERITIES if self.by_severity[s]},
            "top_rules": dict(self.by_rule.most_common(top)),
        }

    def render(self, top: int = 10) -> str:
        def pct(n: int) -> str:
            return f"{n:>8,}  ({100 * self.share(n):.1f}%)"

        lines = [
            f"documents               {self.documents:>8,}",
            f"  unreadable/malformed  {self.errors:>8,}",
            f"  skipped (not English) {pct(self.skipped)}",
            f"with findings           {pct(self.with_findings)}",
            f"look machine-translated {pct(self.machine_translated)}",
            f"findings                {self.findings:>8,}  "
            f"({self.findings / self.documents if self.documents else 0:.2f} per document)",
        ]
        if self.suppressed:
            lines.append(f"suppressed (allowlist/baseline) {self.suppressed:,}")
        if self.changed:
            lines.append(f"documents changed       {pct(self.changed)}")
        if self.by_category:
            lines.append("by category:")
            lines += [f"  {c:<22}{n:>8,}" for c, n in self.by_category.most_common()]
        if self.by_rule:
            lines.append(f"top rules:")
            lines += [f"  {n:>8,}  {r}" for r, n in self.by_rule.most_common(top)]
        return "\n".join(lines)


# -- files ----------------------------------------------------------------------------------


@dataclass
class FileTask:
    path: str  # as given; "-" is standard input
    name: str  # as shown ("<stdin>" for "-")
    key: str  # baseline key
    text: str | None = None  # standard input, read by the parent process
    error: str | None = None  # ... or why it could not be read


@dataclass
class FileResult:
    outcome: Outcome | None = None
    error: str | None = None


def process_file_task(task: FileTask, copts: CorpusOptions) -> FileResult:
    from .sources import read_text

    if task.error is not None:
        return FileResult(error=task.error)
    try:
        text = task.text if task.text is not None else read_text(task.path)
    except InputError as exc:
        return FileResult(error=str(exc))
    sidecar = None if task.path == "-" else task.path
    return FileResult(process_text(text, task.name, copts, sidecar=sidecar, key=task.key))


# -- running a corpus -----------------------------------------------------------------------


@dataclass
class RunReport:
    stats: CorpusStats = field(default_factory=CorpusStats)
    errors: int = 0
    failing: bool = False  # a finding at or above its fail-on severity
    stopped: bool = False  # --strict stopped at an error
    tallies: list[Tally] = field(default_factory=list)  # kept only when asked (baselines)


def _fails(t: Tally, copts: CorpusOptions) -> bool:
    return t.worst() >= severity_rank(copts.options.fail_on)


def run_jsonl(sources: list[str], states: list[CorpusOptions], out: IO[bytes] | None, *,
              jobs: int = 1, strict: bool = False, progress: Progress | None = None,
              keep_tallies: bool = False, report_error: Callable[[str], None] | None = None) -> RunReport:
    """Stream JSON Lines corpora ``sources`` (each with its CorpusOptions) to ``out`` (None:
    statistics only). Errors are reported as ``path:LINE: message``."""
    progress = progress or Progress(enabled=False)
    say = report_error or progress.message
    report = RunReport()

    def tasks() -> Iterator[tuple]:
        for i, src in enumerate(sources):
            try:
                stream = open_corpus(src)
            except InputError as exc:
                say(f"mtnorm: {exc}")
                report.errors += 1
                continue
            try:
                for chunk in line_chunks(stream):
                    yield "lines", i, chunk
            finally:
                if stream is not sys.stdin.buffer:
                    stream.close()

    initargs = (states, input_size(sources))
    for i, first, outcomes in ordered_map(_run_task, tasks(), jobs, _init_worker, initargs):
        name = "<stdin>" if sources[i] == "-" else sources[i]
        found = 0
        for n, lo in enumerate(outcomes):
            if lo.error is not None:
                say(f"mtnorm: {name}:{first + n}: {lo.error}")
                report.errors += 1
                report.stats.errors += 1
                if strict:
                    report.stopped = True
                    break
            if out is not None:
                out.write(lo.line.encode("utf-8") + b"\n")
            if lo.tally is not None:
                report.stats.add(lo.tally)
                report.failing |= _fails(lo.tally, states[i])
                found += len(lo.tally.findings)
                if keep_tallies:
                    report.tallies.append(lo.tally)
        if out is not None:
            out.flush()
        progress.update(docs=len(outcomes), findings=found)
        if report.stopped:
            break
    progress.close()
    return report


def run_files(tasks: list[tuple[int, FileTask]], states: list[CorpusOptions], *, jobs: int = 1,
              progress: Progress | None = None) -> Iterator[tuple[FileTask, CorpusOptions, FileResult]]:
    """Process files (each with the index of its CorpusOptions in ``states``), in order."""
    progress = progress or Progress(enabled=False)
    work = (("file", i, t) for i, t in tasks)
    try:
        for i, task, result in ordered_map(_run_task, work, min(jobs, max(len(tasks), 1)), _init_worker,
                                           (states, input_size(t.path for _, t in tasks))):
            progress.update(docs=1, findings=len(result.outcome.findings) if result.outcome else 0)
            yield task, states[i], result
    finally:
        progress.close()


# -- planning a command-line run ------------------------------------------------------------


@dataclass
class Plan:
    """What a command-line run will process: the CorpusOptions of each group of inputs (one
    per configuration file for files, one per corpus for JSON Lines) and the inputs."""

    states: list[CorpusOptions] = field(default_factory=list)
    files: list[tuple[int, FileTask]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # JSON Lines corpora; states[i] is sources[i]'s


def plan_run(paths: list[str], *, mode: str, overrides: dict[str, Any], jsonl: bool = False,
             exclude: list[str] | None = None, level: str | None = None, reference: str | None = None,
             baseline: Path | None = None, use_config_baseline: bool = True,
             text_field: str = "text", id_field: str | None = "id", key_root: Path | None = None,
             expand: bool = True) -> Plan:
    """Resolve configuration (found upward from each input), excludes, allowlists and baseline
    for ``paths``. ``baseline`` is an explicit baseline file; otherwise the configured one is
    used when it exists (and ``use_config_baseline``). ``key_root`` overrides the folder
    baseline keys are relative to (``mtnorm baseline`` writing a new one). With ``expand``
    false, ``paths`` are taken as they are (a Parquet folder is one corpus)."""
    from .config import ConfigResolver
    from .sources import expand_paths, read_text
    from .suppress import Allowlist, Baseline

    resolver = ConfigResolver(**overrides)
    explicit = Baseline.load(baseline) if baseline is not None else None
    loaded: dict[Path, Baseline] = {}
    plan = Plan()
    groups: dict[tuple, int] = {}
    if not expand:
        inputs = iter(paths)
    else:
        inputs = expand_corpus_paths(paths, exclude) if jsonl else expand_paths(paths, exclude)
    for path in inputs:
        pc = resolver.for_path(path)
        if path != "-" and pc.excludes(path):
            continue
        base = explicit
        if base is None and use_config_baseline and pc.baseline is not None and pc.baseline.is_file():
            base = loaded.setdefault(pc.baseline, Baseline.load(pc.baseline))
        root = key_root or (base.root if base is not None else pc.root)
        group = (id(pc), id(base), path if jsonl else None)
        if group not in groups:
            groups[group] = len(plan.states)
            plan.states.append(CorpusOptions(
                options=pc.options, mode=mode, text_field=text_field, id_field=id_field, level=level,
                suppressor=Suppressor(Allowlist.load(pc.allowlist), base, sidecars=not jsonl),
                reference=reference, source="<stdin>" if path == "-" else path, key_root=root))
        index = groups[group]
        if jsonl:
            plan.sources.append(path)
            continue
        task = FileTask(path, "<stdin>" if path == "-" else path, document_key(path, root))
        if path == "-":  # workers cannot read our standard input
            try:
                task.text = read_text("-")
            except InputError as exc:
                task.error = str(exc)
        plan.files.append((index, task))
    for state in plan.states:  # compile the rules here: a broken rule file fails fast, once
        normalizer_for(state.options)
    return plan


# -- whole corpora, file to file --------------------------------------------------------------


def corpus_format(path: str) -> str:
    """``jsonl`` or ``parquet``, from the name (a folder of Parquet files is Parquet)."""
    p = Path(path)
    if path == "-" or p.name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".json")):
        return "jsonl"
    if p.suffix == ".parquet" or (p.is_dir() and any(p.glob("*.parquet"))):
        return "parquet"
    if p.is_dir() and any(p.glob("*.jsonl*")):
        return "jsonl"
    raise MtnormError(f"{path}: cannot tell the format from the name: use .jsonl, .jsonl.gz or .parquet")


def _named_format(dest: str) -> str | None:
    """The format a destination's name asks for; None for a folder or a name without one."""
    if dest == "-" or dest.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".json")):
        return "jsonl"
    return "parquet" if dest.endswith(".parquet") else None


class _AtomicOutput:
    """A file written through a temporary sibling and renamed when complete: an interrupted
    run never leaves a half-written corpus behind. ``-`` is standard output."""

    def __init__(self, dest: str):
        self.dest = dest
        self.tmp = None if dest == "-" else Path(f"{dest}.mtnorm-tmp")
        self.keep = True

    def __enter__(self) -> IO[bytes]:
        if self.tmp is None:
            return getattr(sys.stdout, "buffer", sys.stdout)
        self.fh = open(self.tmp, "wb")
        return self.fh

    def __exit__(self, exc_type, *_) -> None:
        if self.tmp is None:
            return
        self.fh.close()
        if exc_type is None and self.keep:
            os.replace(self.tmp, self.dest)
        else:
            self.tmp.unlink(missing_ok=True)


def run_corpus(source: str, dest: str, copts: CorpusOptions, *, engine: str = "local",
               address: str | None = None, jobs: int = 1, strict: bool = False,
               progress: Progress | None = None) -> RunReport:
    """Normalize corpus ``source`` into ``dest`` (same format: JSON Lines or Parquet), locally
    with ``jobs`` worker processes or on Ray. With ``strict``, a malformed record stops the run
    and ``dest`` is not written."""
    fmt = corpus_format(source)
    if _named_format(dest) not in (None, fmt):
        raise MtnormError(f"{dest}: write the same format as the input ({fmt})")
    if fmt == "jsonl" and (dest.endswith("/") or Path(dest).is_dir()):
        raise MtnormError(f"{dest}: a JSON Lines corpus is written to a file, not a folder")
    if engine == "ray":
        from .integrations.ray import run_corpus_ray

        return run_corpus_ray(source, dest, copts, fmt=fmt, address=address, strict=strict,
                              progress=progress or Progress())
    if engine != "local":
        raise MtnormError(f"unknown engine {engine!r}; local or ray")
    if fmt == "parquet":
        return run_parquet(source, dest, copts, jobs=jobs, strict=strict, progress=progress or Progress())
    out = _AtomicOutput(dest)
    with out as fh:
        rep = run_jsonl([source], [copts], fh, jobs=jobs, strict=strict, progress=progress or Progress())
        out.keep = not rep.stopped
    return rep


def replace_columns(table, copts: CorpusOptions, texts: list, metas: list[str]):
    """``table`` (pyarrow) with its text column replaced and the ``mtnorm`` column set."""
    import pyarrow as pa

    i = table.schema.get_field_index(copts.text_field)
    table = table.set_column(i, table.schema.field(i), pa.array(texts, type=table.schema.field(i).type))
    meta = pa.array(metas, type=pa.string())
    j = table.schema.get_field_index(copts.meta_field)
    if j >= 0:
        return table.set_column(j, pa.field(copts.meta_field, pa.string()), meta)
    return table.append_column(pa.field(copts.meta_field, pa.string()), meta)


def run_parquet(source: str, dest: str, copts: CorpusOptions, *, jobs: int = 1, strict: bool = False,
                progress: Progress | None = None) -> RunReport:
    """A Parquet corpus (file or folder) to one Parquet file (``dest``, or
    ``dest/part-00000.parquet`` when ``dest`` is a folder), batch by batch: the ``mtnorm``
    column holds each row's findings and summary as JSON."""
    try:
        import pyarrow as pa
        import pyarrow.dataset as pads
        import pyarrow.parquet as pq
    except ImportError:
        raise MtnormError("Parquet needs pyarrow: pip install 'mtnorm[ray]'") from None
    progress = progress or Progress(enabled=False)
    report = RunReport()
    dataset = pads.dataset(source, format="parquet")
    if copts.text_field not in dataset.schema.names:
        raise MtnormError(f"{source}: no column {copts.text_field!r} (see --text-field)")
    has_ids = bool(copts.id_field) and copts.id_field in dataset.schema.names
    if dest.endswith("/") or Path(dest).is_dir() or _named_format(dest) is None:
        Path(dest).mkdir(parents=True, exist_ok=True)
        dest = str(Path(dest) / "part-00000.parquet")
    batches: deque = deque()

    def tasks() -> Iterator[tuple]:
        for batch in dataset.to_batches(batch_size=CHUNK_LINES):
            batches.append(batch)
            ids = batch.column(copts.id_field).to_pylist() if has_ids else None
            yield "columns", 0, (batch.num_rows, batch.column(copts.text_field).to_pylist(), ids)

    out = _AtomicOutput(dest)
    row = 0
    with out as fh:
        writer = None
        initargs = ([copts], input_size(dataset.files))
        for _i, n, (texts, metas, tallies) in ordered_map(_run_task, tasks(), jobs, _init_worker, initargs):
            table = replace_columns(pa.Table.from_batches([batches.popleft()]), copts, texts, metas)
            writer = writer or pq.ParquetWriter(fh, table.schema)
            writer.write_table(table)
            found = 0
            for k, t in enumerate(tallies):
                if isinstance(t, str):
                    progress.message(f"mtnorm: {source}: row {row + k + 1}: {t}")
                    report.errors += 1
                    report.stats.errors += 1
                    report.stopped |= strict
                else:
                    report.stats.add(t)
                    report.failing |= _fails(t, copts)
                    found += len(t.findings)
            row += n
            progress.update(docs=n, findings=found)
            if report.stopped:
                break
        if writer is None:  # an empty corpus is still a valid (empty) Parquet file
            writer = pq.ParquetWriter(fh, pa.schema([f for f in dataset.schema if f.name != copts.meta_field]
                                                 + [pa.field(copts.meta_field, pa.string())]))
        writer.close()
        out.keep = not report.stopped
    progress.close()
    return report
