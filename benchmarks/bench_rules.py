"""Goal 4 of issue 7: the rules stage (phrase and pattern matching) alone.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_rules.py [--limit N] [--rules 5000]

What is timed is ``detect.run_rules`` over documents already segmented (finding where rules may
match, then each candidate rule's regex on its sentence or paragraph), with the model off,
after a warm-up pass (regexes compile lazily on first use, the Hyperscan database is compiled
or loaded from the cache: that is start-up, not matching, and is printed apart). Both ways of
finding candidates are timed: one Hyperscan pass (scanner.py, the default where installed) and
the portable Aho-Corasick passes over the texts of literal phrases, anchor words and needle
sets (``MTNORM_HYPERSCAN=0``).
Text: BBC native English news, the common case of a corpus pass.
Rule sets: the shipped rules; shipped + 500 synthetic phrase rules; shipped + 5,000 (10x).
Targets: >= 20 MB/s with the shipped rules and with 5,000 phrase rules, and 10x the rules
costing at most 2x the time.

The synthetic rules are calque-shaped phrases ("word prep [the] word") over the vocabulary of
the WMT13 English reference (a different corpus from the one matched), seeded, so that their
anchors have a realistic spread of frequencies.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter

from perfkit import BBC, WMT13, bbc_texts, goal, header, load_note, mb, need

PREPOSITIONS = ["of", "to", "in", "on", "for", "with", "at", "by", "from", "against"]


def synthetic_rules(count: int, seed: int = 7) -> list:
    from normalizer.phrases import _COMMON_WORDS
    from normalizer.ruleset import builtin_rules_dir, parse_rule

    words = Counter(w for w in re.findall(r"[a-z]{3,}", (WMT13 / "ref.en").read_text(encoding="utf-8").lower())
                    if w not in _COMMON_WORDS)
    vocab = [w for w, n in words.most_common() if n >= 2]
    rng = random.Random(seed)
    # A path inside the shipped rules directory: their regexes compile lazily, as shipped ones do.
    path = str(builtin_rules_dir() / "synthetic.yaml")
    rules, seen = [], set()
    while len(rules) < count:
        w1, w2 = rng.choice(vocab), rng.choice(vocab)
        phrase = f"{w1} {rng.choice(PREPOSITIONS)} {'[the] ' if rng.random() < 0.5 else ''}{w2}"
        if phrase in seen:
            continue
        seen.add(phrase)
        raw = {"id": f"synthetic.r{len(rules)}", "kind": "phrase", "category": "calque",
               "message": "synthetic rule", "match": [phrase], "suggest": [f"{w2} {w1}"]}
        rules.append(parse_rule(raw, path, {}))
    return rules


def index_for(extra: list, hyperscan: str):
    from normalizer.detect import RuleIndex
    from normalizer.ruleset import RuleSet, load_rules

    shipped = load_rules()
    return RuleIndex(RuleSet(shipped.rules + extra, shipped.files, shipped.digest + f"+{len(extra)}"), hyperscan)


def time_matching(index, docs, passes: int = 5) -> tuple[float, int, float]:
    """Best CPU time of ``passes`` passes of run_rules over ``docs`` (after a warm-up pass),
    findings, and the CPU time of preparing the Hyperscan database."""
    from normalizer.context import RunContext
    from normalizer.detect import run_rules
    from normalizer.options import Options

    ctx = RunContext(Options(use_model=False))
    c0 = time.process_time()
    index.scanner.ends("")  # Hyperscan: load the cached database, or compile it (start-up)
    startup = time.process_time() - c0
    for d in docs:  # warm-up: compile the regexes the documents reach
        d.findings, d.cache = [], {}
        run_rules(d, index, ctx)
    best, found = float("inf"), 0
    for _ in range(passes):
        found = 0
        c0 = time.process_time()
        for d in docs:
            d.findings, d.cache = [], {}  # the anchor hits are part of what is timed
            run_rules(d, index, ctx)
            found += len(d.findings)
        best = min(best, time.process_time() - c0)
    return best, found, startup


def busiest_rules(docs, size: float, top: int = 5) -> None:
    """The shipped rules whose Hyperscan pattern (relaxed: a superset of the rule) ends most
    often in native text. Each end sends the rule's regex a span to search, so a pattern that
    cannot tell its few real sites from every quote or comma costs the whole stage: a rule at
    the top here with no findings wants a narrower pattern."""
    from collections import Counter

    index = index_for([], "1")
    hits: Counter = Counter()
    for d in docs:
        for rule, ends in (index.scanner.ends(d.text) or {}).items():
            hits[rule] += len(ends)
    rules = index.match_rules
    print(f"  busiest Hyperscan patterns on this text (ends per MB; a superset of the rule's matches):")
    for rule, n in hits.most_common(top):
        print(f"    {n / size:8.0f}  {rules[rule].id}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="BBC articles (default: all)")
    ap.add_argument("--rules", type=int, default=5000, help="synthetic phrase rules (the 10x set)")
    args = ap.parse_args()
    header("Goal 4: the rules stage alone (phrase and pattern matching)")
    print(f"  {load_note()}")
    if not (need(BBC, "rules stage on native English news") and need(WMT13, "synthetic rule vocabulary")):
        return
    from normalizer.document import Document

    texts = bbc_texts(args.limit)
    size = mb(texts)
    docs = [Document.from_text(t) for t in texts]
    small, large = args.rules // 10, args.rules
    t0 = time.process_time()
    extra = synthetic_rules(large)
    print(f"  {len(texts)} BBC articles, {size:.2f} MB; {large} synthetic phrase rules parsed in "
          f"{time.process_time() - t0:.1f} s")
    try:
        import hyperscan  # noqa: F401
        paths = [("hyperscan", "1"), ("anchors", "0")]
    except ImportError:
        print("  SKIP the Hyperscan path: the hyperscan package is not installed")
        paths = [("anchors", "0")]
    for path, mode in paths:
        print(f"  -- {path} ({'one Hyperscan pass' if mode == '1' else 'Aho-Corasick: literal phrases, anchor words, needle sets'}) --")
        results = {}
        for label, rules in (("shipped", []), (f"shipped + {small}", extra[:small]), (f"shipped + {large}", extra)):
            index = index_for(rules, mode)
            cpu, found, startup = time_matching(index, docs)
            results[label] = cpu
            prepared = f"; database ready in {startup:.1f} s CPU" if mode == "1" else ""
            print(f"  {label:18s} {len(index.ruleset.rules):5d} rules, {len(index.anchors.anchor_words):5d} anchors: "
                  f"{cpu:.3f} s CPU -> {size / cpu:6.1f} MB/s, {found} findings{prepared}")
        shipped = size / results["shipped"]
        many = size / results[f"shipped + {large}"]
        growth = results[f"shipped + {large}"] / results[f"shipped + {small}"]
        goal(f"{path}: shipped rules", f"{shipped:.1f} MB/s", ">= 20 MB/s", shipped >= 20)
        goal(f"{path}: shipped + {large} phrase rules", f"{many:.1f} MB/s", ">= 20 MB/s", many >= 20)
        goal(f"{path}: growth {small} -> {large} rules (10x)", f"{growth:.2f}x", "<= 2x", growth <= 2.0)
        if mode == "1":
            busiest_rules(docs, size)


if __name__ == "__main__":
    main()
