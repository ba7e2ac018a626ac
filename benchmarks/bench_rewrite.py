"""What `mtnorm fix` does to real text: does it bring MT output closer to what humans wrote,
and does it leave human text alone?

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_rewrite.py             # sampled, a few minutes
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_rewrite.py --full      # every system and article
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_rewrite.py harm --show 20
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_rewrite.py calibrate

Sections (default: all but calibrate):

- ``seed``: the share of core gold artifacts of seeds/000 fixed at each level.
- ``postedit``: chrF and TER (sacrebleu) of MT output against human post-edits and references,
  before and after `mtnorm fix`, per level. LIG (fr-en news commentary): Google and Bing output
  against the post-edit (of a different system: the 2009 Moses output) and the independent
  reference; the Moses output (lower-cased, tokenised) against its own post-edit. WMT13 and
  WMT14 newstest fr-en system outputs against the reference. Then the sentences the default
  level made worse (sentence chrF down), with the edits that did it.
- ``harm``: do no harm: documents changed by the default level on native English (BBC,
  2,225 articles), on the WMT13 reference restricted to documents written in English
  (origlang=en), on every WMT13/WMT14 reference and on the LIG reference (the original English
  articles). Every change there is a bug or a finding to justify: they are listed.
- Integrity, on every document processed: the log undoes exactly, and a fixed text fixed again
  at the default level does not change (idempotence).
- ``calibrate``: cosine similarity (the meaning check's measure) between the sentence before
  and after correct rewrites (gold accepted forms, rule examples) and wrong ones (another
  artifact's fix put in place, semantic rewrites of native text), and the threshold that
  separates them.

Documents: WMT segments grouped by docid; LIG lines in blocks of 25 (no document ids); one
segment per line, so a fixed line is compared with the same line of the reference. The
default run samples (said in its output): 4 WMT13 and 3 WMT14 systems, every other BBC
article; ``--full`` runs everything. The data is research-only and never copied into the
repository: it is read from ../shared/data relative to the repository root.
"""

from __future__ import annotations

import argparse
import bisect
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalizer import apply as apply_stage  # noqa: E402
from normalizer import rewrite  # noqa: E402
from normalizer.findings import LEVELS, Edit  # noqa: E402
from normalizer.options import Options  # noqa: E402
from normalizer.pipeline import Normalizer  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
LIG = DATA / "lig-fr-en"
WMT13 = DATA / "wmt13-fr-en"
WMT14 = DATA / "wmt14-fr-en"
BBC = DATA / "news-en" / "bbc-news-2225.jsonl"
SEED = ROOT / "seeds" / "000_d39dd3bf9bf62004.yaml"
DEFAULT = "standard"
LIG_BLOCK = 25
SAMPLED_WMT13 = ("online-B", "uedin-wmt13.2838", "rbmt-1", "cu-zeman.2738")
SAMPLED_WMT14 = ("online-B", "uedin-wmt14.3024", "rbmt-1")
RULES: dict = {}  # rule id -> rule, for the guards (filled in main)
BY_RULE: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # lines better, worse, same (chrF)


# -- running the pipeline over line-aligned corpora -------------------------------------------

@dataclass
class Integrity:
    documents: int = 0
    undo_failures: list[str] = field(default_factory=list)
    not_idempotent: list[str] = field(default_factory=list)
    demoted: Counter = field(default_factory=Counter)  # why findings were not applied (default level)


@dataclass
class Fixed:
    """One corpus file fixed at every level, line by line."""

    lines: list[str]
    out: dict[str, list[str]]  # level -> fixed lines
    edits: dict[str, dict[int, list[Edit]]]  # level -> line number -> edits on that line
    changed_docs: dict[str, list[tuple[str, list[Edit]]]]  # level -> [(doc id, edits)]
    seconds: float = 0.0


def _line_of(starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)


def _line_outputs(starts: list[int], lines: list[str], edits: list[Edit]):
    """Each line after the edits inside it. An edit across a line break can only be the
    deletion of whole lines (a guard refuses any other change of line breaks): the lines it
    covers become empty, so the corpus stays line-aligned."""
    out, per_line = list(lines), defaultdict(list)
    inside: dict[int, list[Edit]] = defaultdict(list)
    for e in edits:
        k = _line_of(starts, e.start)
        ls, le = starts[k], starts[k] + len(lines[k])
        if e.end <= le:
            per_line[k].append(e)
            inside[k].append(Edit(e.rule, e.category, e.start - ls, e.end - ls, e.before, e.after))
            continue
        for k in range(k, _line_of(starts, e.end) + 1):
            ls, le = starts[k], starts[k] + len(lines[k])
            if e.start <= ls and le <= e.end and ls < le:
                out[k] = ""
                per_line[k].append(e)
    for k, es in inside.items():
        if out[k]:
            out[k] = apply_stage.apply(lines[k], es)[0]
    return out, per_line


def _again(normalizer: Normalizer):
    return lambda fixed: normalizer.analyze(fixed)[:2]


def fix_corpus(normalizer: Normalizer, lines: list[str], groups: list[tuple[str, int, int]],
               integrity: Integrity, levels=LEVELS) -> Fixed:
    """Fix each document (lines [a, b) of ``lines``) at every level; detection runs once."""
    t0 = time.perf_counter()
    fixed = Fixed(lines, {lvl: list(lines) for lvl in levels}, {lvl: {} for lvl in levels},
                  {lvl: [] for lvl in levels})
    for doc_id, a, b in groups:
        block = lines[a:b]
        text = "\n".join(block)
        if not text.strip():
            continue
        starts, pos = [], 0
        for ln in block:
            starts.append(pos)
            pos += len(ln) + 1
        doc, ctx, _ = normalizer.analyze(text)
        integrity.documents += 1
        done: dict[tuple, tuple[str, list[Edit]]] = {}  # levels often agree: settle once
        for lvl in levels:
            first = rewrite.run(doc, ctx, lvl, RULES)
            key = tuple((e.start, e.end, e.after) for e in first)
            if key not in done:
                done[key] = rewrite.settle(doc, ctx, lvl, _again(normalizer), RULES, edits=first)
            new_text, log = done[key]
            if lvl == DEFAULT:
                integrity.demoted.update(f.data["demoted"].split(" (")[0] for f in doc.findings
                                         if f.data.get("demoted"))
            if not log:
                continue
            if apply_stage.undo(new_text, log) != text:
                integrity.undo_failures.append(doc_id)
            if lvl == DEFAULT and normalizer.normalize(new_text, level=lvl).text != new_text:
                integrity.not_idempotent.append(doc_id)
            fixed.changed_docs[lvl].append((doc_id, log))
            outs, per_line = _line_outputs(starts, block, log)
            for k, es in per_line.items():
                fixed.out[lvl][a + k] = outs[k]
                fixed.edits[lvl][a + k] = es
    fixed.seconds = time.perf_counter() - t0
    return fixed


def read_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def docid_groups(docids: list[str]) -> list[tuple[str, int, int]]:
    out, i = [], 0
    for d, g in groupby(docids):
        n = len(list(g))
        out.append((d, i, i + n))
        i += n
    return out


def block_groups(n: int, size: int = LIG_BLOCK) -> list[tuple[str, int, int]]:
    return [(f"lines {a + 1}-{min(n, a + size)}", a, min(n, a + size)) for a in range(0, n, size)]


# -- scores -----------------------------------------------------------------------------------

class Scorer:
    """chrF over every line, TER where it is cheap: sacrebleu's TER takes tens of seconds per
    3,000 lines, so its change is computed exactly from the changed lines alone (corpus TER is
    total edits over total reference words) and its absolute value only with --full."""

    def __init__(self, absolute_ter: bool = False):
        from sacrebleu.metrics import CHRF, TER

        self.chrf, self.ter, self.absolute_ter = CHRF(), TER(), absolute_ter

    def chrf_stats(self, hyps: list[str], refs: list[str]) -> list:
        return self.chrf._extract_corpus_statistics(hyps, [refs])

    def chrf_score(self, stats: list) -> float:
        return self.chrf._aggregate_and_compute(stats).score

    def sentence_chrf(self, stat) -> float:
        return self.chrf._compute_score_from_stats(stat).score

    def ter_edits(self, hyps: list[str], refs: list[str]) -> list[float]:
        return [st[0] for st in self.ter._extract_corpus_statistics(hyps, [refs])]

    def ref_words(self, refs: list[str]) -> float:
        return float(sum(len(self.ter._preprocess_segment(r).split()) for r in refs))


@dataclass
class Worse:
    corpus: str
    line: int
    delta: float
    before: str
    after: str
    ref: str
    edits: list[Edit]


def score_pairs(scorer: Scorer, name: str, fixed: Fixed, refs: list[str], worse: list[Worse],
                levels=LEVELS) -> list[str]:
    keep = [i for i, r in enumerate(refs) if r.strip()]  # LIG has one line without a post-edit
    refs_k = [refs[i] for i in keep]
    hyps0 = [fixed.lines[i] for i in keep]
    base = scorer.chrf_stats(hyps0, refs_k)
    c0 = scorer.chrf_score(base)
    words = scorer.ref_words(refs_k)
    changed_any = sorted({j for lvl in levels for j, i in enumerate(keep) if fixed.out[lvl][i] != fixed.lines[i]})
    ter0 = dict(zip(changed_any, scorer.ter_edits([hyps0[j] for j in changed_any],
                                                  [refs_k[j] for j in changed_any])))
    t0 = ""
    if scorer.absolute_ter:
        t0_value = 100 * sum(scorer.ter_edits(hyps0, refs_k)) / words
        t0 = f"  TER {t0_value:6.2f}"
    rows = [f"{name:<44} {'mt':>10} chrF {c0:6.2f}{t0}"]
    for lvl in levels:
        changed = [j for j in changed_any if fixed.out[lvl][keep[j]] != fixed.lines[keep[j]]]
        new = list(base)
        for j, st in zip(changed, scorer.chrf_stats([fixed.out[lvl][keep[j]] for j in changed],
                                                    [refs_k[j] for j in changed])):
            new[j] = st
        c = scorer.chrf_score(new)
        ter_after = scorer.ter_edits([fixed.out[lvl][keep[j]] for j in changed], [refs_k[j] for j in changed])
        dter = 100 * sum(t - ter0[j] for j, t in zip(changed, ter_after)) / words
        ter_abs = f"TER {float(t0.split()[-1]) + dter:6.2f} " if t0 else "TER "
        rows.append(f"{'':<44} {lvl:>10} chrF {c:6.2f} ({c - c0:+.3f})  {ter_abs}({dter:+.3f})  "
                    f"lines changed {len(changed)}")
        if lvl == DEFAULT:
            for j in changed:
                d = scorer.sentence_chrf(new[j]) - scorer.sentence_chrf(base[j])
                i = keep[j]
                for r in {e.rule for e in fixed.edits[lvl].get(i, [])}:
                    BY_RULE[r][0 if d > 0 else 1 if d < 0 else 2] += 1
                if d < 0:
                    worse.append(Worse(name, i + 1, d, fixed.lines[i], fixed.out[lvl][i], refs[i],
                                       fixed.edits[lvl].get(i, [])))
    return rows


# -- sections ---------------------------------------------------------------------------------

def section_seed(normalizer: Normalizer) -> None:
    from normalizer.evaluate import _is_fixed, _locate, load_gold, resolve_document
    from normalizer.sources import read_text

    gold = load_gold(SEED)
    text = read_text(resolve_document(SEED, gold["document"]))
    arts = [_locate(text, a, str(SEED)) for a in gold["artifacts"]]
    print(f"## seed 000: gold artifacts fixed ({SEED.name})")
    for lvl in LEVELS:
        result = normalizer.normalize(text, level=lvl)
        by_tier: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        unfixed = []
        for a in arts:
            tier = a.item.get("tier", "core")
            ok = _is_fixed(a, text, result.text, result.edits)
            by_tier[tier][0] += ok
            by_tier[tier][1] += 1
            if tier == "core" and not ok:
                unfixed.append(a.item["text"])
        cells = ", ".join(f"{t} {f}/{n} ({f / n:.0%})" for t, (f, n) in sorted(by_tier.items()))
        print(f"- {lvl:<10} {cells}; {len(result.edits)} edits"
              + ("   <- default" if lvl == DEFAULT else ""))
        if lvl == DEFAULT:
            for u in unfixed:
                print(f"    core not fixed: {u!r}")


def _systems(directory: Path, wanted: tuple[str, ...] | None) -> list[Path]:
    files = sorted(directory.glob("sys.*.en"))
    if wanted is None:
        return files
    return [f for f in files if f.name[len("sys."):-len(".en")] in wanted]


def section_postedit(normalizer: Normalizer, full: bool, show: int, integrity: Integrity) -> None:
    scorer = Scorer(absolute_ter=full)
    worse: list[Worse] = []
    print("## post-edits and references: chrF (higher is better) and TER (lower is better; its change "
          "is exact, its absolute value only with --full), before and after `mtnorm fix`")
    if LIG.is_dir():
        pe, ref = read_lines(LIG / "pe.en"), read_lines(LIG / "ref.en")
        groups = block_groups(len(pe))
        for sysname, refs in (("sys.google.en", (("pe.en", pe), ("ref.en", ref))),
                              ("sys.bing.en", (("pe.en", pe), ("ref.en", ref))),
                              ("mt-moses2009.en", (("pe.en", pe),))):
            lines = read_lines(LIG / sysname)
            fixed = fix_corpus(normalizer, lines, groups, integrity)
            for refname, r in refs:
                for row in score_pairs(scorer, f"LIG {sysname} vs {refname}", fixed, r, worse):
                    print(row)
            print(f"{'':<46} ({fixed.seconds:.0f}s)")
    for corpus, directory, sample in (("WMT13", WMT13, SAMPLED_WMT13), ("WMT14", WMT14, SAMPLED_WMT14)):
        if not directory.is_dir():
            continue
        ref = read_lines(directory / "ref.en")
        groups = docid_groups(read_lines(directory / "docids"))
        systems = _systems(directory, None if full else sample)
        if not full:
            print(f"   ({corpus}: sampled {len(systems)} of {len(_systems(directory, None))} systems; "
                  f"--full for all)")
        for path in systems:
            fixed = fix_corpus(normalizer, read_lines(path), groups, integrity)
            for row in score_pairs(scorer, f"{corpus} {path.name[4:-3]} vs ref", fixed, ref, worse):
                print(row)
    worse.sort(key=lambda w: w.delta)
    print(f"\n### lines changed at {DEFAULT}, by rule: better / worse / same sentence chrF against the "
          "post-edit or reference (a line with several rules counts for each)")
    print("    (a rule that makes more lines worse than better, on 4 or more, is flagged: its measured "
          "precision says it belongs at --level aggressive)")
    for r, (b, w, same) in sorted(BY_RULE.items(), key=lambda kv: (kv[1][0] - kv[1][1], kv[0])):
        flag = "   <- aggressive?" if w > b and b + w >= 4 else ""
        print(f"    {r:<48} {b:4d} / {w:4d} / {same:4d}{flag}")
    print(f"\n### sentences the default level made worse (sentence chrF down): {len(worse)}")
    for w in worse[:show]:
        print(f"- {w.corpus} line {w.line}: chrF {w.delta:+.1f}")
        for e in w.edits:
            print(f"    {e.rule}: {e.before!r} -> {e.after!r}")
        print(f"    mt:    {w.before[:220]}")
        print(f"    fixed: {w.after[:220]}")
        print(f"    ref:   {w.ref[:220]}")


def section_harm(normalizer: Normalizer, full: bool, show: int, integrity: Integrity) -> None:
    import json

    print(f"## do no harm: documents changed by `mtnorm fix` (level {DEFAULT}) in human-written English")
    listed = 0

    def report(label: str, docs: int, changed: list[tuple[str, list[Edit]]]) -> None:
        nonlocal listed
        rules = Counter(e.rule for _, log in changed for e in log)
        print(f"- {label:<52} {len(changed):4d} of {docs:5d} documents changed"
              + (f"   ({', '.join(f'{r} {n}' for r, n in rules.most_common())})" if rules else ""))
        for doc_id, log in changed:
            for e in log:
                if listed < show:
                    print(f"    [{doc_id}] {e.rule}: {e.before!r} -> {e.after!r}")
                    listed += 1

    if BBC.is_file():
        recs = [json.loads(line) for line in BBC.open(encoding="utf-8")]
        sample = recs if full else recs[::2]
        changed = []
        t0 = time.perf_counter()
        for rec in sample:
            doc, ctx, _ = normalizer.analyze(rec["text"])
            integrity.documents += 1
            new_text, log = rewrite.settle(doc, ctx, DEFAULT, _again(normalizer), RULES)
            if log:
                if apply_stage.undo(new_text, log) != rec["text"]:
                    integrity.undo_failures.append(rec["id"])
                changed.append((rec["id"], log))
        label = "BBC news (all)" if full else f"BBC news (every other article: {len(sample)} of {len(recs)})"
        report(label + f" {time.perf_counter() - t0:.0f}s", len(sample), changed)
    for corpus, directory in (("WMT13", WMT13), ("WMT14", WMT14)):
        if not directory.is_dir():
            continue
        ref = read_lines(directory / "ref.en")
        groups = docid_groups(read_lines(directory / "docids"))
        fixed = fix_corpus(normalizer, ref, groups, integrity, levels=(DEFAULT,))
        changed = fixed.changed_docs[DEFAULT]
        if (directory / "origlang").is_file():
            orig = read_lines(directory / "origlang")
            en_docs = {d for d, a, b in groups if orig[a] == "en"}
            report(f"{corpus} ref.en, origlang=en documents", len(en_docs),
                   [c for c in changed if c[0] in en_docs])
        report(f"{corpus} ref.en, all documents", len(groups), changed)
    if LIG.is_dir():
        ref = read_lines(LIG / "ref.en")
        groups = block_groups(len(ref))
        fixed = fix_corpus(normalizer, ref, groups, integrity, levels=(DEFAULT,))
        report(f"LIG ref.en (original English, {LIG_BLOCK}-line blocks)", len(groups), fixed.changed_docs[DEFAULT])


def _render(rule, m) -> str:
    from normalizer.detect import _render_pattern
    from normalizer.phrases import render_suggestion

    if rule.kind == "phrase":
        cp = next(c for i, c in enumerate(rule.phrases) if m.group(f"ph{i}") is not None)
        return render_suggestion(rule.suggest[0], cp, m.groupdict(), m.group(0))
    return _render_pattern(rule.suggest[0], m)


def _span(before: str, after: str, normalizer: Normalizer | None = None, rule_id: str | None = None):
    """The rewritten span of ``before``: the smallest differing region in whole words,
    widened to the finding of ``rule_id`` on ``before`` when the pipeline finds one (a
    duplication's span holds both mentions even where they are unchanged)."""
    i = 0
    while i < min(len(before), len(after)) and before[i] == after[i]:
        i += 1
    j = 0
    while j < min(len(before), len(after)) - i and before[-1 - j] == after[-1 - j]:
        j += 1
    while i > 0 and before[i - 1].isalnum():
        i -= 1
    while j > 0 and before[len(before) - j].isalnum():
        j -= 1
    start, end = i, len(before) - j
    if normalizer is not None and rule_id is not None:
        for f in normalizer.check(before):
            if f.rule == rule_id and f.start < max(end, start + 1) and start < f.end:
                start, end = min(start, f.start), max(end, f.end)
    return start, end, after[start : len(after) - (len(before) - end)]


def _guarded(items, rules) -> "np.ndarray":
    """For each (label, before, after, category, rule id, span): would the guards refuse it?"""
    import numpy as np

    from normalizer.document import Document
    from normalizer.findings import Finding

    out = []
    for _, before, after, category, rule_id, (start, end, replacement) in items:
        doc = Document.from_text(before)
        f = Finding(rule_id or "calibrate", category, start, end, before[start:end], "")
        why = rewrite.guard(doc, f, replacement, rewrite.document_names(doc), rewrite._literals(f, rules))
        out.append(why is not None)
    return np.array(out, dtype=bool)


def section_calibrate(normalizer: Normalizer, show: int) -> None:
    """Cosines of sentence before/after for correct and wrong rewrites; the threshold."""
    import numpy as np

    from normalizer.context import SEMANTIC_CATEGORIES, RunContext
    from normalizer.document import Document
    from normalizer.evaluate import _locate, load_gold, resolve_document
    from normalizer.sources import read_text

    ctx = RunContext(normalizer.options)
    # (label, sentence before, sentence after, category, rule id)
    correct: list[tuple[str, str, str, str, str | None]] = []
    wrong: list[tuple[str, str, str, str, str | None]] = []
    # 1. gold: each accepted form of a semantic artifact is correct; another artifact's accepted
    #    form put in its place is a fluent, wrong rewrite.
    gold = load_gold(SEED)
    text = read_text(resolve_document(SEED, gold["document"]))
    doc = Document.from_text(text)
    arts = [_locate(text, a, str(SEED)) for a in gold["artifacts"]
            if a.get("category") in SEMANTIC_CATEGORIES and a.get("accept")]
    for k, a in enumerate(arts):
        s = doc.sentence_at(a.start)
        lo, hi = min(s.start, a.start), max(s.end, a.end)
        before = text[lo:hi]
        cat = a.item["category"]
        span = (a.start - lo, a.end - lo)
        for acc in a.item["accept"]:
            correct.append(("gold", before, text[lo : a.start] + acc + text[a.end : hi], cat, None, (*span, acc)))
        other = arts[(k + 1) % len(arts)].item["accept"][0]
        wrong.append(("gold-swap", before, text[lo : a.start] + other + text[a.end : hi], cat, None,
                      (*span, other)))
    # 2. rule examples: the fix of a fire example is a correct rewrite
    for r in normalizer.ruleset.rules:
        if r.category in SEMANTIC_CATEGORIES:
            for e in r.examples_fire:
                if e.fix:
                    correct.append((f"example {r.id}", e.text, e.fix, r.category, r.id,
                                    _span(e.text, e.fix, normalizer, r.id)))
    # 3. a rule's suggestion forced onto its own correct-usage sentences (no_fire examples,
    #    context.correct): its authors say the words are right there, so the rewrite is wrong
    for r in normalizer.ruleset.rules:
        if r.category not in SEMANTIC_CATEGORIES or r.regex is None or not r.suggest:
            continue
        sentences = [e.text for e in r.examples_no_fire] + (r.context.correct if r.context else [])
        for sent in sentences:
            for m in r.regex.finditer(sent):
                after = _render(r, m)
                if after and after != m.group(0):
                    wrong.append((f"forced {r.id}", sent, sent[: m.start()] + after + sent[m.end() :],
                                  r.category, r.id, (m.start(), m.end(), after)))
    # 4. semantic rewrites of native English at the aggressive level: the text was right
    if BBC.is_file():
        import json

        for line in list(BBC.open(encoding="utf-8"))[:600]:
            t = json.loads(line)["text"]
            d, c, _ = normalizer.analyze(t)
            for f in d.findings:
                if f.category in SEMANTIC_CATEGORIES and f.suggestions:
                    lo = rewrite._sentence_window(d, f.start, f.end)[0]
                    wrong += [("bbc " + f.rule, b, a, f.category, f.rule,
                               (f.start - lo, f.end - lo, f.suggestions[0]))
                              for b, a in rewrite.meaning_pairs(d, f, f.suggestions[:1])]
    texts = list(dict.fromkeys(t for _, b, a, *_ in correct + wrong for t in (b, a)))
    vecs = ctx.encode(texts)
    if vecs is None:
        print("calibrate: the embedding model is unavailable")
        return
    vecs_of = dict(zip(texts, vecs))
    cos = lambda items: np.array([float(vecs_of[b] @ vecs_of[a]) for _, b, a, *_ in items])
    c, w = cos(correct), cos(wrong)
    print(f"## meaning check calibration: cosine(sentence before, sentence after)")
    for label, arr in (("correct rewrites", c), ("wrong rewrites", w)):
        if len(arr):
            q = np.percentile(arr, [1, 5, 10, 25, 50])
            print(f"- {label:<17} n={len(arr):4d}  min {arr.min():.3f}  p1 {q[0]:.3f}  p5 {q[1]:.3f}  "
                  f"p10 {q[2]:.3f}  p25 {q[3]:.3f}  median {q[4]:.3f}")
    rules = normalizer.ruleset.by_id()
    g_c, g_w = _guarded(correct, rules), _guarded(wrong, rules)
    print(f"- the pure guards (numbers, names, negations, quotes) refuse {np.mean(g_c):.1%} of correct "
          f"and {np.mean(g_w):.1%} of wrong rewrites; with threshold t the two checks together:")
    for th in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        print(f"    threshold {th:.2f}: keeps {np.mean((c >= th) & ~g_c):6.1%} of correct, "
              f"blocks {np.mean((w < th) | g_w) if len(w) else 0:6.1%} of wrong "
              f"(cosine alone: keeps {np.mean(c >= th):6.1%}, blocks {np.mean(w < th) if len(w) else 0:6.1%})")
    print(f"    current Options.meaning_threshold = {normalizer.options.meaning_threshold}")
    for (label, b, a, *_), x in sorted(zip(correct, c), key=lambda p: p[1])[:show]:
        print(f"    lowest correct {x:.3f} [{label}]: {a[:160]!r}")
    for (label, b, a, *_), x in [(it, x) for it, x in zip(correct, g_c) if x][:show]:
        print(f"    correct but refused by a guard [{label}]: {b[:90]!r} -> {a[:90]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sections", nargs="*", help="seed, postedit, harm, calibrate (default: all but calibrate)")
    ap.add_argument("--full", action="store_true", help="every system and every BBC article (slower)")
    ap.add_argument("--show", type=int, default=10, help="how many worse sentences / changed documents to print")
    ap.add_argument("--no-model", action="store_true", help="without the embedding model")
    args = ap.parse_args(argv)
    known = {"seed", "postedit", "harm", "calibrate"}
    if set(args.sections) - known:
        ap.error(f"unknown section(s): {', '.join(sorted(set(args.sections) - known))}")
    sections = args.sections or ["seed", "postedit", "harm"]
    normalizer = Normalizer(Options.make(use_model=not args.no_model))
    RULES.update(normalizer.ruleset.by_id())
    t0 = time.perf_counter()
    integrity = Integrity()
    if "seed" in sections:
        section_seed(normalizer)
    if not DATA.is_dir():
        print(f"skipped the corpora: {DATA} not found (the measurement data is not shipped)")
        return 0
    for name, run in (("postedit", lambda: section_postedit(normalizer, args.full, args.show, integrity)),
                      ("harm", lambda: section_harm(normalizer, args.full, args.show, integrity)),
                      ("calibrate", lambda: section_calibrate(normalizer, args.show))):
        if name in sections:
            t1 = time.perf_counter()
            run()
            print(f"   ({name}: {time.perf_counter() - t1:.0f}s)")
    if integrity.documents:
        print(f"## integrity: {integrity.documents} documents; undo not exact: {len(integrity.undo_failures)}; "
              f"not idempotent at {DEFAULT}: {len(integrity.not_idempotent)}"
              + (f" {integrity.not_idempotent[:10]}" if integrity.not_idempotent else ""))
        print(f"   findings not applied at {DEFAULT} (demoted): "
              + (", ".join(f"{k} {n}" for k, n in integrity.demoted.most_common()) or "none"))
    print(f"## total {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
