"""False positives of the fr-en calque lexicon, with and without the embedding confirmation.

    python benchmarks/bench_false_positives.py [--select fr-en.calque] [--show 3] [--no-wmt]
        [--rules draft.yaml --select draft.]

Reads the research data from ../shared/data relative to the repository root (or $MTNORM_DATA)
and skips, printing why, when it is absent; nothing from it is copied into the repository.

Per rule it prints:
- BBC: findings per 1,000 words of native English news (bbc-news-2225.jsonl, duplicates
  removed), without the model (use_model=False) and with it. Every one is a false positive.
- MT vs REF: findings per system output of WMT13/WMT14 newstest fr-en and the LIG corpus
  (averaged over systems) against findings on the human reference / post-edit of the same
  segments. A general rule fires much more on MT than on the reference: the ratio is printed.
- Seed: which calque artifacts of seeds/000 are found, without and with the model (the model
  must cut false positives without losing this recall).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # perfkit, when imported by tests
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from normalizer.options import Options  # noqa: E402
from perfkit import group_by_document  # noqa: E402
from normalizer.pipeline import Normalizer  # noqa: E402

DEFAULT_SELECT = ("fr-en.calque", "fr-en.false-friend")


def data_dir() -> Path:
    return Path(os.environ.get("MTNORM_DATA") or ROOT.parent / "shared" / "data")


def make_normalizer(select: tuple[str, ...], use_model: bool, rule_dirs=()) -> Normalizer:
    return Normalizer(Options.make(enabled=list(select), use_model=use_model, rule_dirs=list(rule_dirs)))


def count_findings(norm: Normalizer, texts, select: tuple[str, ...], samples=None) -> Counter:
    """Findings per rule over ``texts``; ``samples`` (rule -> list) collects matched text."""
    counts: Counter = Counter()
    for text in texts:
        for f in norm.check(text):
            if f.rule.startswith(select):
                counts[f.rule] += 1
                if samples is not None and len(samples[f.rule]) < 50:
                    samples[f.rule].append(_snippet(text, f.start, f.end))
    return counts


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"…{left}[{text[start:end]}]{right}…"


# -- corpora ----------------------------------------------------------------------------------

def bbc_texts(root: Path) -> list[str] | None:
    path = root / "news-en" / "bbc-news-2225.jsonl"
    if not path.is_file():
        return None
    seen, out = set(), []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            key = " ".join(text.split())
            if key not in seen:
                seen.add(key)
                out.append(text)
    return out


def _documents(lines: list[str], docids: list[str] | None) -> list[str]:
    """Line-aligned segments grouped into documents (one segment per paragraph)."""
    if not docids:
        return ["\n\n".join(lines[i : i + 40]) for i in range(0, len(lines), 40)]
    return ["\n\n".join(segs) for _, segs in group_by_document(lines, docids)]


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def parallel_sets(root: Path) -> list[tuple[str, list[str], list[list[str]]]]:
    """(name, reference documents, [system documents, ...]) for each MT corpus present."""
    out = []
    for name in ("wmt13-fr-en", "wmt14-fr-en"):
        d = root / name
        if not (d / "ref.en").is_file():
            continue
        docids = _read_lines(d / "docids") if (d / "docids").is_file() else None
        ref = _documents(_read_lines(d / "ref.en"), docids)
        systems = [_documents(_read_lines(Path(p)), docids) for p in sorted(glob.glob(str(d / "sys.*.en")))]
        out.append((name, ref, systems))
    d = root / "lig-fr-en"
    if (d / "pe.en").is_file():
        ref = _documents(_read_lines(d / "pe.en"), None)
        systems = [_documents(_read_lines(d / f), None) for f in ("sys.google.en", "sys.bing.en", "mt-moses2009.en")
                   if (d / f).is_file()]
        out.append(("lig-fr-en (vs post-edit)", ref, systems))
    return out


# -- seed recall ------------------------------------------------------------------------------

SEED_GOLD = ROOT / "seeds" / "000_d39dd3bf9bf62004.yaml"


def seed_scores(norm: Normalizer, use_model: bool) -> tuple[list[str], list[str], list[str]]:
    """Calque artifacts of seed 000: found by the selected rules, missed, and not fixed by a
    default `mtnorm fix` (the whole pipeline, since fixes compose with other rules' edits)."""
    import yaml

    from normalizer.evaluate import score_document

    gold = yaml.safe_load(SEED_GOLD.read_text(encoding="utf-8"))
    text = SEED_GOLD.with_suffix(".txt").read_text(encoding="utf-8")
    findings = norm.check(text)
    calques = [a for a in gold["artifacts"] if a["category"] == "calque"]
    found, missed = [], []
    for a in calques:
        start = text.find(a["text"])
        end = start + len(a["text"])
        hit = any(f.start < end and start < f.end for f in findings)
        (found if hit else missed).append(f"[{a['tier']}] {a['text']}")
    score = score_document(SEED_GOLD, Normalizer(Options.make(use_model=use_model)))
    unfixed = [u for u in score.unfixed if any(u.endswith(a["text"]) for a in calques)]
    return found, missed, unfixed


# -- report -----------------------------------------------------------------------------------

def _ratio(mt: float, ref: float) -> str:
    return f"{mt / ref:.1f}" if ref else ("inf" if mt else "-")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--select", action="append", help="rule id prefix (repeatable)")
    ap.add_argument("--show", type=int, default=0, help="print this many BBC false positives per rule")
    ap.add_argument("--no-wmt", action="store_true", help="skip the MT-vs-reference measurement")
    ap.add_argument("--no-model", action="store_true", help="skip the model-backed pass")
    ap.add_argument("--rules", action="append", default=[], help="extra rule file or directory (a draft)")
    args = ap.parse_args(argv)
    select = tuple(args.select) if args.select else DEFAULT_SELECT
    root = data_dir()
    bbc = bbc_texts(root)
    if bbc is None:
        print(f"skipped: no BBC corpus under {root} (set MTNORM_DATA)")
        return 0
    words = sum(len(t.split()) for t in bbc)
    modes = [("no model", False)] + ([] if args.no_model else [("model", True)])
    norms = {label: make_normalizer(select, flag, args.rules) for label, flag in modes}
    selected = [r for r in norms["no model"].ruleset.rules if r.id.startswith(select)]
    rules = sorted(r.id for r in selected)
    with_context = sorted(r.id for r in selected if r.context is not None)
    last = modes[-1][0]

    bbc_counts: dict[str, Counter] = {}
    samples: dict[str, list[str]] = defaultdict(list)
    mt: dict[str, Counter] = {label: Counter() for label, _ in modes}
    ref: dict[str, Counter] = {label: Counter() for label, _ in modes}
    mt_words = ref_words = 0.0
    corpora = [] if args.no_wmt else parallel_sets(root)
    for label, _ in modes:
        t0 = time.time()
        bbc_counts[label] = count_findings(norms[label], bbc, select, samples if label == last else None)
        print(f"BBC ({len(bbc)} articles, {words} words), {label}: {sum(bbc_counts[label].values())} findings, "
              f"{time.time() - t0:.0f}s", file=sys.stderr)
        for name, ref_docs, systems in corpora:
            t0 = time.time()
            ref[label] += count_findings(norms[label], ref_docs, select)
            for docs in systems:
                for rule, n in count_findings(norms[label], docs, select).items():
                    mt[label][rule] += n / len(systems)
            if label == last:
                ref_words += sum(len(t.split()) for t in ref_docs)
                mt_words += sum(len(t.split()) for docs in systems for t in docs) / len(systems)
            print(f"{name}, {label}: {len(systems)} systems, {time.time() - t0:.0f}s", file=sys.stderr)

    per_k = {label: {r: 1000 * c[r] / words for r in rules} for label, c in bbc_counts.items()}
    head = f"{'rule':48} " + " ".join(f"{'BBC/1k ' + label:>16}" for label, _ in modes)
    if corpora:
        head += f" {'MT/sys':>7} {'REF':>5} {'MT/REF':>7}   ({last})"
    print(head)
    for r in rules:
        line = f"{r:48} " + " ".join(f"{per_k[label][r]:10.4f} ({bbc_counts[label][r]:3d})" for label, _ in modes)
        if corpora:
            line += f" {mt[last][r]:7.1f} {ref[last][r]:5d} {_ratio(mt[last][r], ref[last][r]):>7}"
        print(line)
    totals = " ".join(f"{1000 * sum(c.values()) / words:10.4f} ({sum(c.values()):3d})" for c in bbc_counts.values())
    print(f"{'TOTAL (' + str(len(rules)) + ' rules)':48} {totals}", end="")
    if corpora:
        m, f = sum(mt[last].values()), sum(ref[last].values())
        print(f" {m:7.1f} {f:5d} {_ratio(m, f):>7}   (MT {mt_words:.0f} words/system, REF {ref_words:.0f} words)")
    else:
        print()

    if len(modes) > 1 and with_context:
        print(f"\nWhat the model does ({len(with_context)} rules with a context block): no model -> model")
        print(f"{'rule':48} {'BBC':>9} {'MT/sys':>13} {'REF':>9}")
        for r in with_context:
            print(f"{r:48} {bbc_counts['no model'][r]:3d} -> {bbc_counts['model'][r]:3d} "
                  f"{mt['no model'][r]:5.1f} -> {mt['model'][r]:5.1f} {ref['no model'][r]:3d} -> {ref['model'][r]:3d}")
        tot = [(sum(bbc_counts[lab][r] for r in with_context), sum(mt[lab][r] for r in with_context),
                sum(ref[lab][r] for r in with_context)) for lab in ("no model", "model")]
        print(f"{'TOTAL':48} {tot[0][0]:3d} -> {tot[1][0]:3d} {tot[0][1]:5.1f} -> {tot[1][1]:5.1f} "
              f"{tot[0][2]:3d} -> {tot[1][2]:3d}")

    print()
    for label, flag in modes:
        found, missed, unfixed = seed_scores(norms[label], flag)
        n = len(found) + len(missed)
        print(f"seed 000 calque artifacts, {label}: found {len(found)}/{n}, fixed by default `mtnorm fix` "
              f"{n - len(unfixed)}/{n}" + (f"; missed: {'; '.join(missed)}" if missed else "")
              + (f"; not fixed: {'; '.join(unfixed)}" if unfixed else ""))
    if args.show:
        print(f"\nBBC findings (false positives), {last}:")
        for r in rules:
            for s in samples.get(r, [])[: args.show]:
                print(f"  {r}: {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
