"""`mtnorm rules test`: every rule's own examples, LanguageTool-style.

A ``fire`` example must produce a finding of that rule (and, when it gives ``fix``, applying the
rule's best suggestion, with the article and capital the rewrite stage would adjust, must give
exactly that text); a ``no_fire`` example must produce none.
An example may carry a ``reference`` text (another report of the story), checked against it.
In a phrase rule of several phrases, each phrase must be the one that matches in some ``fire``
example: one suggestion serves them all, and a phrase no example reaches may be dead (an
earlier phrase always matches first) or get a suggestion that does not fit it ("$1" naming a
different slot).
"""

from __future__ import annotations

import re
from pathlib import Path

from .apply import apply
from .findings import Edit
from .options import Options
from .pipeline import Normalizer
from .rewrite import _ARTICLE_BEFORE, _with_case, article_for  # the rewrite stage's own
from .ruleset import load_rules


def check_rule_examples(normalizer: Normalizer, rule) -> list[str]:
    failures = []
    for ex in rule.examples_fire:
        hits = [f for f in normalizer.check(ex.text, reference=ex.reference) if f.rule == rule.id]
        if not hits:
            failures.append(f"{rule.id}: should fire on {ex.text!r}")
            continue
        if ex.fix is not None:
            edits = []
            end = -1
            for f in sorted(hits, key=lambda f: f.start):
                if f.suggestions and f.start >= end:
                    edit = Edit(f.rule, f.category, f.start, f.end, f.text, f.suggestions[0])
                    edits.append(_capitalised_after(ex.text, _with_article_before(ex.text, edit, end)))
                    end = f.end
            got = apply(ex.text, edits)[0]
            if got != ex.fix:
                failures.append(f"{rule.id}: fix of {ex.text!r}\n     expected {ex.fix!r}\n     got      {got!r}")
    failures.extend(_unexercised_phrases(rule))
    for ex in rule.examples_no_fire:
        hits = [f for f in normalizer.check(ex.text, reference=ex.reference) if f.rule == rule.id]
        if hits:
            failures.append(f"{rule.id}: should not fire on {ex.text!r} (matched {hits[0].text!r})")
    return failures


def _with_article_before(text: str, edit: Edit, floor: int) -> Edit:
    """The edit, widened to the "a"/"an" before it when the replacement needs the other one
    ("a judge of instruction" -> "an investigating judge"), as the rewrite stage does: an
    example's ``fix`` is what a user gets."""
    m = _ARTICLE_BEFORE.search(text, max(floor, edit.start - 8), edit.start)
    word = re.match(r"[A-Za-z]+", edit.after)
    if not m or not word or word.group() != word.group().lower():
        return edit
    want = article_for(word.group())
    if m.group(1).lower() == want:
        return edit
    return Edit(edit.rule, edit.category, m.start(), edit.end, text[m.start() : edit.end],
                _with_case(want, m.group(1)) + m.group(2) + edit.after)


def _capitalised_after(text: str, edit: Edit) -> Edit:
    """The edit, widened to the letter after it when it deletes the opening words of a
    sentence ("Recall that the carrier..." -> "The carrier..."), as the rewrite stage's tidy-up
    capitalises it."""
    if edit.after or edit.end >= len(text) or not text[edit.end].islower():
        return edit
    before = text[: edit.start].rstrip(" ")
    if before and not before.endswith((".", "!", "?", "\n")):
        return edit
    return Edit(edit.rule, edit.category, edit.start, edit.end + 1, text[edit.start : edit.end + 1],
                text[edit.end].upper())


def _unexercised_phrases(rule) -> list[str]:
    """A failure for each phrase of a rule of several that matches first in no fire example."""
    if rule.kind != "phrase" or len(rule.phrases) < 2:
        return []
    exercised: set[int] = set()
    for ex in rule.examples_fire:
        for m in rule.regex.finditer(ex.text):
            exercised.update(i for i in range(len(rule.phrases)) if m.group(f"ph{i}") is not None)
    return [f"{rule.id}: phrase {i + 1} {p.source!r} is the one that matches in no fire example"
            for i, p in enumerate(rule.phrases) if i not in exercised]


def run_examples(extra_dirs: list[Path], select: str | None = None, use_model: bool = True) -> tuple[list[str], int]:
    rs = load_rules(extra_dirs)
    normalizer = Normalizer(Options.make(rule_dirs=list(extra_dirs), use_model=use_model))
    failures: list[str] = []
    total = 0
    for rule in rs.rules:
        if select and not rule.id.startswith(select):
            continue
        total += len(rule.examples_fire) + len(rule.examples_no_fire)
        failures.extend(check_rule_examples(normalizer, rule))
    return failures, total
