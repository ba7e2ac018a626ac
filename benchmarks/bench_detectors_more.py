"""More evidence for the detectors of benchmarks/bench_detectors.py: WMT14 and the LIG corpus,
and the reference-mismatch detector, which needs pairs of reports.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_detectors_more.py evidence dates boilerplate untranslated
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_detectors_more.py reference
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_detectors_more.py reference --corpus bbc --show 10

``evidence``: findings per 1,000 words of each section (see SECTIONS in bench_detectors.py) on
the WMT14 fr-en system outputs against the human reference (176 documents), and on the LIG
corpus (Google/Bing/Moses MT of French news commentary against the English original; 1,350
segments read as documents of 25 segments). A general detector fires on MT, not on the human
side. ``mt.en`` and ``mt-moses2009.en`` are lower-cased and tokenised: detectors that need
capitals or spacing are blind there, which the table shows.

``reference``: the reference-mismatch rules (common.reference) on pairs of reports.
- ``wmt13``/``wmt14``: each system document checked against the human reference (MT errors in
  quantities, dates and names: hits), and the human reference checked against each system
  (the trusted side: should stay near zero);
- ``lig``: the same with Google and Bing output against the English original;
- ``bbc``: each BBC article checked against the next article of its category, an unrelated
  story (every finding is a false positive).

The data is research-only and never copied into the repository; it is read from ../shared/data.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perfkit import group_by_document  # noqa: E402
from bench_detectors import (  # noqa: E402
    BBC,
    DATA,
    SECTIONS,
    WMT13,
    Doc,
    Normalizer,
    Options,
    _matches,
    bbc_documents,
    measure,
    per_k,
)

WMT14 = DATA / "wmt14-fr-en"
LIG = DATA / "lig-fr-en"
LIG_FILES = ("ref.en", "pe.en", "sys.google.en", "sys.bing.en", "mt.en", "mt-moses2009.en")
LIG_BLOCK = 25
REFERENCE_RULES = ("common.reference",)


def wmt_documents(root: Path, path: Path, limit: int | None = None) -> Iterator[Doc]:
    docids = (root / "docids").read_text(encoding="utf-8").splitlines()
    segments = path.read_text(encoding="utf-8").splitlines()
    for docid, segs in group_by_document(segments, docids)[:limit]:
        yield Doc(docid, "\n".join(segs))


def lig_documents(path: Path, limit: int | None = None) -> Iterator[Doc]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = range(0, len(lines), LIG_BLOCK)
    for n, i in enumerate(blocks):
        if limit is not None and n >= limit:
            return
        yield Doc(f"lig-{i + 1}", "\n".join(lines[i : i + LIG_BLOCK]))


def corpus_files(name: str) -> list[tuple[Path, callable]]:
    if name == "wmt14":
        files = [WMT14 / "ref.en"] + sorted(WMT14.glob("sys.*.en"))
        return [(f, lambda p, lim: wmt_documents(WMT14, p, lim)) for f in files]
    if name == "wmt13":
        files = [WMT13 / "ref.en"] + sorted(WMT13.glob("sys.*.en"))
        return [(f, lambda p, lim: wmt_documents(WMT13, p, lim)) for f in files]
    return [(LIG / f, lig_documents) for f in LIG_FILES]


# -- evidence: sections on WMT14 and LIG ----------------------------------------------------

def report_evidence(normalizer, sections, corpora, limit, show) -> None:
    for corpus in corpora:
        files = [(p, fn) for p, fn in corpus_files(corpus) if p.is_file()]
        if not files:
            print(f"skipped {corpus}: no data")
            continue
        print(f"## {corpus}: findings per section, each system output vs the human side")
        print(f"{'file':<44} {'words':>8} " + " ".join(f"{s.name + '/1k':>16}" for s in sections))
        for path, docs in files:
            human = path.name in ("ref.en", "pe.en")
            t = measure(normalizer, docs(path, limit), sections, show if human else 0)
            cells = " ".join(f"{t.hits[s.name]:6d} {per_k(t.hits[s.name], t.words):8.3f}" for s in sections)
            print(f"{path.name:<44} {t.words:8d} {cells}")
            for s in sections:
                for doc_id, rid, text, sugg, ctx in t.examples[s.name]:
                    print(f"    human [{doc_id}] {rid}: {text!r} -> {sugg}  …{ctx}…")


# -- reference mismatch on pairs -------------------------------------------------------------

def _pair_counts(normalizer, pairs, show) -> tuple[int, int, int, Counter, list, float]:
    words = hits = warnings = 0
    by_rule: Counter = Counter()
    examples = []
    t0 = time.perf_counter()
    for doc, ref in pairs:
        words += len(doc.text.split())
        for f in normalizer.check(doc.text, reference=ref.text):
            if not _matches(f.rule, REFERENCE_RULES):
                continue
            hits += 1
            warnings += f.severity != "info"
            by_rule[f.rule] += 1
            if len(examples) < show:
                examples.append((doc.id, f.rule, f.text, f.suggestions[:1], f.data.get("reference_sentence", "")))
    return words, hits, warnings, by_rule, examples, time.perf_counter() - t0


def _print_pairs(label, words, hits, warnings, by_rule, examples, seconds) -> None:
    rules = ", ".join(f"{r.split('.')[-1]} {c}" for r, c in sorted(by_rule.items()))
    print(f"{label:<56} {words:7d} {hits:5d} {per_k(hits, words):7.3f} {warnings:5d} "
          f"{per_k(warnings, words):7.3f}  {seconds:6.1f}s  {rules}")
    for doc_id, rid, text, sugg, ref_sent in examples:
        print(f"    [{doc_id}] {rid}: {text!r} -> {sugg}  ref: {ref_sent[:140]!r}")


def report_reference(normalizer, corpora, limit, show) -> None:
    print("## reference mismatch: document checked against a reference report")
    print("(warnings: findings of severity warning, i.e. the document is the vaguer report; the")
    print(" rest are severity info: equally precise claims, dates and names, either side may be wrong)")
    print(f"{'pair':<56} {'words':>7} {'hits':>5} {'/1k':>7} {'warn':>5} {'warn/1k':>7}")
    for corpus in corpora:
        if corpus == "bbc":
            if not BBC.is_file():
                print("skipped bbc: no data")
                continue
            docs = list(bbc_documents(None if limit is None else limit + 1))
            pairs = [(a, b) for a, b in zip(docs, docs[1:]) if a.id.split("-")[1] == b.id.split("-")[1]]
            _print_pairs("bbc article vs next article (unrelated story)", *_pair_counts(normalizer, pairs, show))
            continue
        files = [(p, fn) for p, fn in corpus_files(corpus) if p.is_file()]
        if not files:
            print(f"skipped {corpus}: no data")
            continue
        ref_path, ref_docs = files[0]
        human = list(ref_docs(ref_path, limit))
        systems = [(p, fn) for p, fn in files[1:] if p.name not in ("pe.en", "mt.en", "mt-moses2009.en")]
        for path, docs in systems:
            mt = list(docs(path, limit))
            _print_pairs(f"{corpus} {path.name} vs {ref_path.name}", *_pair_counts(normalizer, zip(mt, human), show))
            _print_pairs(f"{corpus} {ref_path.name} vs {path.name}", *_pair_counts(normalizer, zip(human, mt), show))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["evidence", "reference"])
    ap.add_argument("sections", nargs="*", help="evidence: section names (default: all)")
    ap.add_argument("--corpus", action="append", choices=["wmt13", "wmt14", "lig", "bbc"],
                    help="repeatable; evidence: wmt14, lig (default both); reference: all four")
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each file")
    ap.add_argument("--show", type=int, default=0, help="print up to N findings (human side / pairs)")
    ap.add_argument("--no-model", action="store_true", help="run without the embedding model")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the measurement data is not shipped with the repository)")
        return 0
    if args.mode == "evidence":
        unknown = set(args.sections) - {s.name for s in SECTIONS}
        if unknown:
            ap.error(f"unknown section(s): {', '.join(sorted(unknown))}")
        sections = [s for s in SECTIONS if not args.sections or s.name in args.sections]
        normalizer = Normalizer(Options.make(enabled=[p for s in sections for p in s.rules],
                                             use_model=not args.no_model))
        report_evidence(normalizer, sections, args.corpus or ["wmt14", "lig"], args.limit, args.show)
    else:
        normalizer = Normalizer(Options.make(enabled=list(REFERENCE_RULES), use_model=not args.no_model))
        report_reference(normalizer, args.corpus or ["wmt13", "wmt14", "lig", "bbc"], args.limit, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
