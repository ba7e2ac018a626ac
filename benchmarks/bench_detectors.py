"""False positives and generality of the structural detectors, measured on real text.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_detectors.py            # every section
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_detectors.py pronoun --show 20
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_detectors.py --corpus bbc --limit 500

Two measurements per section (one section per detector, listed in SECTIONS):

- ``bbc``: findings per 1,000 words on native English news (BBC, 2,225 articles). Every
  finding there is a false positive (the corpus holds a handful of genuine typos such as
  "the the"; they are printed with --show so a reader can tell).
- ``wmt13``: findings on the WMT13 fr-en system outputs against the same count on the human
  reference (same 3,000 segments, grouped into their 52 documents): evidence that a detector
  finds a general MT pattern, not the seeds' words.

The data is research-only and never copied into the repository: it is read from
../shared/data relative to the repository root, and the benchmark skips when it is absent.
To add a detector, append a Section to SECTIONS (name, rule-id prefixes, one line of what
it measures); nothing else needs to change.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # perfkit, when imported by tests

from normalizer.options import Options  # noqa: E402
from perfkit import group_by_document  # noqa: E402
from normalizer.pipeline import Normalizer  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
BBC = DATA / "news-en" / "bbc-news-2225.jsonl"
WMT13 = DATA / "wmt13-fr-en"


@dataclass(frozen=True)
class Section:
    name: str
    rules: tuple[str, ...]  # rule ids or id prefixes whose findings this section counts
    about: str


SECTIONS: list[Section] = [
    Section("duplication", ("common.duplication",),
            "adjacent repeats, repeats across elision marks, possessor/agent echoes, near-duplicate sentences"),
    Section("pronoun", ("fr-en.pronoun",),
            "he/his/she/her whose antecedent is an organisation, country or thing"),
    Section("dates", ("fr-en.dates", "fr-en.numbers", "fr-en.honorifics", "fr-en.ordinals"),
            "numeric dates, French times, number formats, M./Mme, French ordinals"),
    Section("boilerplate", ("common.boilerplate",),
            "whole-line site furniture: timestamps, read-also, subscriber walls, social, credits"),
    Section("untranslated", ("fr-en.untranslated",),
            "clauses left in French (stopword test, then seeded langdetect)"),
]


def _matches(rule_id: str, prefixes: tuple[str, ...]) -> bool:
    return any(rule_id == p or rule_id.startswith(p + ".") for p in prefixes)


# -- corpora ----------------------------------------------------------------------------------

@dataclass
class Doc:
    id: str
    text: str


def bbc_documents(limit: int | None = None) -> Iterator[Doc]:
    with BBC.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                return
            rec = json.loads(line)
            yield Doc(rec["id"], rec["text"])


def wmt13_files() -> list[Path]:
    return [WMT13 / "ref.en"] + sorted(WMT13.glob("sys.*.en"))


def wmt13_documents(path: Path, limit: int | None = None) -> Iterator[Doc]:
    """The segments of one WMT13 file grouped into their documents, one segment per line."""
    docids = (WMT13 / "docids").read_text(encoding="utf-8").splitlines()
    segments = path.read_text(encoding="utf-8").splitlines()
    for docid, segs in group_by_document(segments, docids)[:limit]:
        yield Doc(docid, "\n".join(segs))


# -- measurement ------------------------------------------------------------------------------

@dataclass
class Tally:
    words: int = 0
    docs: int = 0
    seconds: float = 0.0
    hits: Counter = None  # section -> findings
    by_rule: Counter = None
    examples: dict = None  # section -> [(doc id, rule, text, context)]

    def __post_init__(self):
        self.hits, self.by_rule, self.examples = Counter(), Counter(), defaultdict(list)


def measure(normalizer: Normalizer, docs: Iterator[Doc], sections: list[Section], keep: int) -> Tally:
    t = Tally()
    for d in docs:
        t0 = time.perf_counter()
        findings = normalizer.check(d.text)
        t.seconds += time.perf_counter() - t0
        t.docs += 1
        t.words += len(d.text.split())
        for f in findings:
            for s in sections:
                if _matches(f.rule, s.rules):
                    t.hits[s.name] += 1
                    t.by_rule[f.rule] += 1
                    if len(t.examples[s.name]) < keep:
                        ctx = d.text[max(0, f.start - 80) : f.end + 60].replace("\n", " ")
                        why = ", ".join(f"{k}={v}" for k, v in f.data.items() if k in ("antecedent", "reason"))
                        t.examples[s.name].append((d.id, f.rule, f.text, f.suggestions[:1],
                                                   f"{ctx} [{f.confidence:.2f} {why}]" if why else ctx))
    return t


def per_k(hits: int, words: int) -> float:
    return 1000.0 * hits / words if words else 0.0


def report_bbc(normalizer, sections, limit, show) -> None:
    t = measure(normalizer, bbc_documents(limit), sections, show)
    print(f"## BBC native English: {t.docs} articles, {t.words:,} words, "
          f"{t.seconds:.1f}s ({t.words / max(t.seconds, 1e-9):,.0f} words/s)")
    for s in sections:
        n = t.hits[s.name]
        print(f"- {s.name:<14} {n:5d} findings  {per_k(n, t.words):.3f} per 1,000 words  ({s.about})")
        for rid, c in sorted(t.by_rule.items()):
            if _matches(rid, s.rules):
                print(f"    {rid:<48} {c:5d}  {per_k(c, t.words):.3f}/1k")
        for doc_id, rid, text, sugg, ctx in t.examples[s.name]:
            print(f"    [{doc_id}] {rid}: {text!r} -> {sugg}  …{ctx}…")


def report_wmt13(normalizer, sections, limit, show) -> None:
    print("## WMT13 fr-en newstest2013 (3,000 segments): findings on each system vs the human reference")
    header = f"{'file':<44} {'words':>8} " + " ".join(f"{s.name + '/1k':>16}" for s in sections)
    print(header)
    for path in wmt13_files():
        t = measure(normalizer, wmt13_documents(path, limit), sections, show if path.name == "ref.en" else 0)
        cells = " ".join(f"{t.hits[s.name]:6d} {per_k(t.hits[s.name], t.words):8.3f}" for s in sections)
        print(f"{path.name:<44} {t.words:8d} {cells}")
        for s in sections:
            for doc_id, rid, text, sugg, ctx in t.examples[s.name]:
                print(f"    ref [{doc_id}] {rid}: {text!r} -> {sugg}  …{ctx}…")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sections", nargs="*", help="section names (default: all): "
                    + ", ".join(s.name for s in SECTIONS))
    ap.add_argument("--corpus", choices=["bbc", "wmt13", "all"], default="all")
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each corpus")
    ap.add_argument("--show", type=int, default=0, help="print up to N findings per section (BBC, WMT ref)")
    ap.add_argument("--no-model", action="store_true", help="run without the embedding model")
    args = ap.parse_args(argv)

    unknown = set(args.sections) - {s.name for s in SECTIONS}
    if unknown:
        ap.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    sections = [s for s in SECTIONS if not args.sections or s.name in args.sections]
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the measurement data is not shipped with the repository)")
        return 0
    normalizer = Normalizer(Options.make(enabled=[p for s in sections for p in s.rules],
                                         use_model=not args.no_model))
    if args.corpus in ("bbc", "all"):
        if BBC.is_file():
            report_bbc(normalizer, sections, args.limit, args.show)
        else:
            print(f"skipped BBC: {BBC} not found")
    if args.corpus in ("wmt13", "all"):
        if (WMT13 / "ref.en").is_file():
            report_wmt13(normalizer, sections, args.limit, args.show)
        else:
            print(f"skipped WMT13: {WMT13} not found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
