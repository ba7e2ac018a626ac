"""The rewrite stage: pick one suggestion per finding and turn findings into edits.

- Level: only findings whose level is at or below the requested one are applied.
- Overlaps resolve deterministically: the more confident finding wins, then the longer (more
  specific) span, then the rule id; a fix nested inside a winner composes with it when the
  winner's replacement still contains the nested text.
- Meaning check: a rewrite that changes wording (calque, pronoun, duplication, reference) is
  applied only if the sentence after it stays close to the sentence before it in the embedding
  space; otherwise it is demoted to a suggestion. Without a model the check is skipped.
"""

from __future__ import annotations

from .context import SEMANTIC_CATEGORIES, RunContext
from .document import Document
from .findings import Edit, Finding, level_rank


def _priority(f: Finding):
    return (-f.confidence, -(f.end - f.start), f.rule, f.start)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def select(findings: list[Finding], level: str) -> list[Edit]:
    """Non-overlapping edits for the findings fixable at ``level`` (no model involved)."""
    eligible = [f for f in findings if f.suggestions and level_rank(f.level) <= level_rank(level)]
    chosen: list[Edit] = []
    spans: list[tuple[int, int]] = []
    for f in sorted(eligible, key=_priority):
        after = f.suggestions[0]
        span = (f.start, f.end)
        if any(_overlaps(span, s) for s in spans):
            continue
        # compose with fixes nested inside this one
        for g in eligible:
            if g is f or not (f.start <= g.start and g.end <= f.end) or (g.start, g.end) == span:
                continue
            if after.count(g.text) == 1 and g.suggestions:
                after = after.replace(g.text, g.suggestions[0])
        chosen.append(Edit(f.rule, f.category, f.start, f.end, f.text, after))
        spans.append(span)
    return sorted(chosen, key=lambda e: e.start)


def _tidy_deletion(text: str, e: Edit) -> Edit:
    """Deleting text between two spaces would leave a double space: take one space along."""
    if e.after == "" and e.start > 0 and e.end < len(text):
        if text[e.start - 1] == " " and text[e.end] == " ":
            return Edit(e.rule, e.category, e.start, e.end + 1, text[e.start : e.end + 1], "")
    return e


def meaning_check(doc: Document, edits: list[Edit], findings: list[Finding], ctx: RunContext) -> list[Edit]:
    """Drop semantic edits whose sentence drifts in meaning; mark their findings ``demoted``."""
    semantic = [e for e in edits if e.category in SEMANTIC_CATEGORIES]
    if not semantic or not ctx.options.meaning_check or ctx.encoder is None:
        return edits
    pairs = []
    for e in semantic:
        s = doc.sentence_at(e.start)
        lo, hi = min(s.start, e.start), max(s.end, e.end)
        before = doc.text[lo:hi]
        after = doc.text[lo : e.start] + e.after + doc.text[e.end : hi]
        pairs.append((before, after))
    vecs = ctx.encode([p for pair in pairs for p in pair])
    if vecs is None:
        return edits
    by_span = {(f.start, f.end, f.rule): f for f in findings}
    dropped = set()
    for i, e in enumerate(semantic):
        cos = float(vecs[2 * i] @ vecs[2 * i + 1])
        f = by_span.get((e.start, e.end, e.rule))
        if f is not None:
            f.data["meaning"] = round(cos, 4)
        if cos < ctx.options.meaning_threshold:
            dropped.add(id(e))
            if f is not None:
                f.data["demoted"] = True
    return [e for e in edits if id(e) not in dropped]


def run(doc: Document, ctx: RunContext, level: str) -> list[Edit]:
    edits = select(doc.findings, level)
    edits = meaning_check(doc, edits, doc.findings, ctx)
    return [_tidy_deletion(doc.text, e) for e in edits]
