"""The detectors stage: run rule files (phrase and pattern kinds) and structural detectors.

Matching is two-step so that thousands of rules stay cheap: one Aho-Corasick pass finds anchor
words (every phrase rule has at least one required word), then only the rules whose anchors
occur are run as regular expressions, and only on the sentences that hold an anchor. Candidates
of rules with a ``context`` block are confirmed by the embedding model in one batch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from . import confirm
from .context import RunContext, make_finding
from .document import Document
from .findings import Finding
from .phrases import render_suggestion
from .prefilter import needles
from .ruleset import REGEX_TIMEOUT_S, Rule, RuleSet

_WORD_CHAR = re.compile(r"[\w'’-]")


def _is_word_char(c: str) -> bool:
    """``_WORD_CHAR.match`` for one character without a regex call per anchor hit (the word
    class of ``re`` is exactly str.isalnum() or "_")."""
    return c.isalnum() or c in "_'’-"


class RuleIndex:
    """Rules of a rule set, compiled for matching: built once, used for every document."""

    def __init__(self, ruleset: RuleSet):
        import ahocorasick_rs

        self.ruleset = ruleset
        self.detector_rules: list[Rule] = []
        self.scan_rules: list[Rule] = []  # pattern rules without anchors: run on every paragraph
        anchor_rules: dict[str, list[Rule]] = defaultdict(list)
        for r in ruleset.rules:
            if r.kind == "detector":
                self.detector_rules.append(r)
            elif r.kind == "phrase":
                for cp in r.phrases:
                    for a in cp.anchors:
                        anchor_rules[a].append(r)
            elif r.anchors:
                for a in r.anchors:
                    anchor_rules[a.lower()].append(r)
            else:
                self.scan_rules.append(r)
        self.anchor_words = list(anchor_rules)
        self.anchor_rules = [list({id(r): r for r in anchor_rules[w]}.values()) for w in self.anchor_words]
        self.automaton = (ahocorasick_rs.AhoCorasick(self.anchor_words) if self.anchor_words else None)
        self.rules_by_id = {r.id: r for r in ruleset.rules}
        # Strings one of which a text must hold for a scan rule to match there (prefilter.py):
        # a substring test instead of a regex scan of every paragraph. None: always scan.
        self.scan_needles = {r.id: needles(r.regex.pattern, r.regex.flags) for r in self.scan_rules}
        # All those needles in one automaton: one pass tells which scan rules a text may fire.
        needle_rules: dict[str, list[str]] = defaultdict(list)
        for rid, required in self.scan_needles.items():
            for n in required or ():
                needle_rules[n].append(rid)
        self.needle_words = list(needle_rules)
        self.needle_rules = [needle_rules[n] for n in self.needle_words]
        self.needle_automaton = (ahocorasick_rs.AhoCorasick(self.needle_words) if self.needle_words else None)

    def scan_candidates(self, text: str) -> set[str]:
        """Ids of the scan rules whose needles occur in ``text``, and of those without needles."""
        out = {rid for rid, required in self.scan_needles.items() if required is None}
        if self.needle_automaton is not None:
            for idx, _start, _end in self.needle_automaton.find_matches_as_indexes(text, overlapping=True):
                out.update(self.needle_rules[idx])
        return out

    @staticmethod
    def lowered(text: str) -> str:
        """The text as the anchors see it: lower case, ’ as ', same length (offsets hold)."""
        lowered = text.lower()
        if len(lowered) != len(text):  # rare: a character whose lower case is longer
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        return lowered.replace("’", "'")

    def candidates(self, text: str, lowered: str | None = None) -> dict[int, list[Rule]]:
        """Anchor hits as {position: rules}, word boundaries checked."""
        out: dict[int, list[Rule]] = {}
        if self.automaton is None:
            return out
        if lowered is None:
            lowered = self.lowered(text)
        for idx, start, end in self.automaton.find_matches_as_indexes(lowered, overlapping=True):
            if start > 0 and _is_word_char(lowered[start - 1]):
                continue
            if end < len(lowered) and _is_word_char(lowered[end]):
                continue
            out.setdefault(start, []).extend(self.anchor_rules[idx])
        return out


def _render_pattern(template: str, m) -> str:
    def sub(g):
        name = g.group(1)
        val = m.group(int(name) if name.isdigit() else name)
        return val or ""

    return re.sub(r"\{(\w+)\}", sub, template)


def _window(doc: Document, sent_i: int, radius: int = 1) -> str:
    lo, hi = max(0, sent_i - radius), min(len(doc.sentences) - 1, sent_i + radius)
    return doc.text[doc.sentences[lo].start : doc.sentences[hi].end]


def _blocked(doc: Document, rule: Rule, start: int, end: int, span_start: int, span_text: str,
             sent_i: int) -> bool:
    """Antipatterns and required context (LanguageTool-style) for one match."""
    for rx in rule.unless_rx:
        for am in rx.finditer(span_text, timeout=REGEX_TIMEOUT_S):
            a0, a1 = span_start + am.start(), span_start + am.end()
            if a0 < end and start < a1:
                return True
    if rule.unless_sentence_rx:
        sent = doc.sentence_text(sent_i) if doc.sentences else span_text
        if any(rx.search(sent, timeout=REGEX_TIMEOUT_S) for rx in rule.unless_sentence_rx):
            return True
    if rule.requires_rx:
        window = _window(doc, sent_i) if doc.sentences else span_text
        if not any(rx.search(window, timeout=REGEX_TIMEOUT_S) for rx in rule.requires_rx):
            return True
    return False


def _match_rule(doc: Document, rule: Rule, span_start: int, span_end: int) -> Iterable[Finding]:
    text = doc.text[span_start:span_end]
    try:
        matches = list(rule.regex.finditer(text, timeout=REGEX_TIMEOUT_S))
    except TimeoutError:
        return  # a pathological rule or input: skip it here rather than hang the run
    for m in matches:
        if m.end() == m.start():
            continue
        start, end = span_start + m.start(), span_start + m.end()
        if doc.in_prefix(start):
            continue
        quoted = doc.in_quote(start, end)
        if quoted and rule.quotes == "skip":
            continue
        sent_i = doc.sentence_index(start)
        try:
            if _blocked(doc, rule, start, end, span_start, text, sent_i):
                continue
        except TimeoutError:
            continue
        if rule.kind == "phrase":
            cp = next(c for i, c in enumerate(rule.phrases) if m.group(f"ph{i}") is not None)
            before = text[: m.start()]
            suggestions = [render_suggestion(t, cp, m.groupdict(), m.group(0), before) for t in rule.suggest]
        else:
            suggestions = [_render_pattern(t, m) for t in rule.suggest]
        conf = rule.confidence * (0.7 if quoted and rule.quotes == "lower" else 1.0)
        f = make_finding(doc, rule, start, end, suggestions, confidence=conf)
        if quoted:
            f.data["in_quote"] = True
        yield f


def _may_match(rule: Rule, lowered_span: str) -> bool:
    """A necessary condition for a phrase rule to match in a sentence, at the price of a few
    substring tests: one of its phrases has a word of each of its required tokens in there.
    The anchor showed one token is present; this spares the regex when the others are not.
    (Plain loops: this runs for every anchor hit, and generators cost more than the tests.)"""
    for cp in rule.phrases:
        for words in cp.required:
            for w in words:
                if w in lowered_span:
                    break
            else:
                break  # no word of this token: this phrase cannot match here
        else:
            return True
    return False


def run_rules(doc: Document, index: RuleIndex, ctx: RunContext,
              categories: set[str] | None = None, exclude: set[str] | None = None) -> None:
    """Run phrase and pattern rules (optionally only some categories) and add their findings."""

    def wanted(r: Rule) -> bool:
        return (categories is None or r.category in categories) and not (exclude and r.category in exclude)

    found: list[Finding] = []
    by_rule: dict[str, Rule] = {}
    # anchored rules: only sentences (phrase) or paragraphs (pattern) holding an anchor
    todo: set[tuple[str, int, int]] = set()
    seen: set[tuple[str, int]] = set()  # (rule, span start) already considered
    lowered = index.lowered(doc.text)
    for pos, rules in index.candidates(doc.text, lowered).items():
        sentence = paragraph = None  # looked up once per anchor hit, not once per rule
        for r in rules:
            if not wanted(r):
                continue
            if r.kind == "phrase":
                if sentence is None:
                    sentence = doc.sentence_at(pos)
                    sentence_lowered = lowered[sentence.start : sentence.end]
                span = sentence
                if (r.id, span.start) in seen:
                    continue
                seen.add((r.id, span.start))
                if not _may_match(r, sentence_lowered):
                    continue
            else:
                if paragraph is None:
                    paragraph = _paragraph_at(doc, pos)
                span = paragraph
            todo.add((r.id, span.start, span.end))
            by_rule[r.id] = r
    for rid, s, e in sorted(todo):
        found.extend(_match_rule(doc, by_rule[rid], s, e))
    text = doc.text
    may_fire = index.scan_candidates(text)
    for r in index.scan_rules:
        if wanted(r) and r.id in may_fire:
            required = index.scan_needles.get(r.id)
            for p in doc.paragraphs:
                if required is None or any(text.find(n, p.start, p.end) >= 0 for n in required):
                    found.extend(_match_rule(doc, r, p.start, p.end))
    found = _consistent(doc, found, index.rules_by_id)
    _confirm_in_context(doc, ctx, found, index.rules_by_id)
    doc.findings.extend(f for f in found if not f.data.get("rejected"))


def _consistent(doc: Document, found: list[Finding], rules: dict[str, Rule]) -> list[Finding]:
    """Drop findings of rules with a ``consistency`` condition the document does not meet."""
    counts: dict[str, int] = {}
    for f in found:
        if rules[f.rule].consistency is not None:
            counts[f.rule] = counts.get(f.rule, 0) + 1
    if not counts:
        return found
    failing = set()
    body = doc.text[doc.prefix.end :]
    for rid, bad in counts.items():
        cons = rules[rid].consistency
        correct = sum(1 for _ in cons.correct.finditer(body, timeout=REGEX_TIMEOUT_S * 4))
        if bad / (bad + correct) < cons.min_share:
            failing.add(rid)
    return [f for f in found if f.rule not in failing]


def _paragraph_at(doc: Document, pos: int):
    for p in doc.paragraphs:
        if p.start <= pos < p.end:
            return p
    return doc.paragraphs[-1] if doc.paragraphs else doc.sentence_at(pos)


def _confirm_in_context(doc: Document, ctx: RunContext, found: list[Finding], rules: dict[str, Rule]) -> None:
    cands = []
    for i, f in enumerate(found):
        r = rules[f.rule]
        if r.context is None:
            continue
        s = doc.sentence_at(f.start)
        cands.append(confirm.Candidate(r, confirm.window_text(doc.text, s.start, s.end, f.start, f.end), i))
    if not cands:
        return
    margins = confirm.score(ctx, cands)
    for j, c in enumerate(cands):
        f = found[c.finding_index]
        if margins is None:  # no model: keep the candidate, less sure of it
            f.confidence = round(f.confidence * 0.6, 4)
            f.data["confirmed"] = False
        else:
            m = margins[j]
            f.data["margin"] = round(m, 4)
            if m < c.rule.context.margin:
                f.data["rejected"] = True
                continue
            f.confidence = round(confirm.margin_confidence(f.confidence, m - c.rule.context.margin), 4)
            f.data["confirmed"] = True
        if c.rule.level is None:
            from .context import default_level

            f.level = default_level(f.category, f.confidence)


def run_detectors(doc: Document, index: RuleIndex, ctx: RunContext,
                  categories: set[str] | None = None, exclude: set[str] | None = None) -> None:
    """Run the structural detectors named by ``kind: detector`` rules."""
    from .detectors import REGISTRY

    for r in index.detector_rules:
        if categories is not None and r.category not in categories:
            continue
        if exclude and r.category in exclude:
            continue
        fn = REGISTRY.get(r.detector)
        if fn is None:
            from .errors import RuleError

            raise RuleError(r.path, f"unknown detector {r.detector!r}; one of {', '.join(sorted(REGISTRY))}",
                            r.id, "detector")
        doc.findings.extend(fn(doc, r, ctx))
