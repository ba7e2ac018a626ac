"""The detectors stage: run rule files (phrase and pattern kinds) and structural detectors.

Matching is two-step so that thousands of rules stay cheap: first find where each rule may
match, then run its regular expression only there (the sentence, or the paragraph for pattern
rules). Where it may match comes from one Hyperscan pass over the document (scanner.py) when
that is available, else from Aho-Corasick passes: over the whole texts of phrases made of
words only, over anchor words (every phrase rule has at least one required word), and over
needle sets for the other pattern rules (prefilter.py). Either way each rule's own regex
decides, so the findings do not depend on the path. Candidates of rules with a ``context``
block are confirmed by the embedding model in one batch.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from itertools import islice
from typing import Callable, Iterable, Iterator

from . import confirm
from .context import RunContext, make_finding
from .document import Document
from .findings import Finding
from .phrases import render_suggestion
from .prefilter import scan_prefilter, view
from .ruleset import REGEX_TIMEOUT_S, Rule, RuleSet
from .scanner import (FOLDS_TO_ASCII, LOAD_AFTER_BYTES, RuleScanner, char_ends, plain_spaces,
                      space_view, view_to_original)

_WORD_CHAR = re.compile(r"[\w'’-]")
# ASCII bytes of a word character (the boundary of a phrase: [\w'’-] as the phrase regex has it)
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'-")


def _is_word_char(c: str) -> bool:
    """``_WORD_CHAR.match`` for one character without a regex call per anchor hit (the word
    class of ``re`` is exactly str.isalnum() or "_")."""
    return c.isalnum() or c in "_'’-"


def _spaced(anchor: str) -> str:
    """A regex for ``anchor`` whose runs of white space match any run of white space."""
    return r"\s+".join(map(re.escape, anchor.split()))


def _starts(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """Every position of ``text`` where ``pattern`` matches, overlapping matches included."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m.start()
        pos = m.start() + 1


class AnchorMatcher:
    """The portable way to tell where rules may match, through Aho-Corasick automata: every
    text of the phrase rules made of words only (CompiledPhrase.literals), anchor words of the
    other phrase rules (and of some pattern rules), needle sets for the other pattern rules
    (prefilter.py)."""

    def __init__(self, rules: list[Rule], literals: bool = True, without_literals: "AnchorMatcher | None" = None):
        """``literals``: find the phrases made of words only whole (an automaton of thousands
        of texts, 25 ms to build); ``without_literals``: the same rules' matcher without, if
        one exists, for the texts the literal pass cannot serve."""
        import ahocorasick_rs

        self.scan_rules: list[Rule] = []  # pattern rules without anchors: run on paragraphs
        anchor_rules: dict[str, list[Rule]] = defaultdict(list)
        literal_rules: dict[bytes, list[Rule]] = defaultdict(list)
        self.rules = rules
        for r in rules:
            if r.kind == "phrase" and literals and all(cp.literals for cp in r.phrases):
                # Phrases that are words only: their whole texts through one automaton.
                for cp in r.phrases:
                    for text in cp.literals:
                        literal_rules[text.encode("ascii")].append(r)
            elif r.kind == "phrase":
                for cp in r.phrases:
                    for a in cp.anchors:
                        anchor_rules[a].append(r)
            elif r.anchors:
                for a in r.anchors:
                    anchor_rules[a.lower()].append(r)
            else:
                self.scan_rules.append(r)
        # One-word anchors (nearly all) and the few with a space or other separator inside.
        # For one-word anchors a non-overlapping leftmost-longest search reports every whole-
        # word occurrence: a hit that started earlier and overlapped the word would have to
        # hold the separator before it. It skips most substring hits ("me" in "some"), each of
        # which would cost a boundary check in Python.
        words = [a for a in anchor_rules if all(map(_is_word_char, a))]
        phrases = [a for a in anchor_rules if not all(map(_is_word_char, a))]
        self.anchor_words = words + phrases
        self.anchor_rules = [list({id(r): r for r in anchor_rules[w]}.values()) for w in self.anchor_words]
        self.word_automaton = (ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
                               if words else None)
        # Anchors of several words ("is of") match across any run of white space, as the rule's
        # regex does: one pattern for all of them, each run of spaces in an anchor made \s+.
        # The pattern finds where one starts; each is then tried there (several may start
        # at one place).
        self.phrase_pattern = (re.compile("|".join(_spaced(a) for a in phrases)) if phrases else None)
        self._phrase_patterns = [(len(words) + i, re.compile(_spaced(a))) for i, a in enumerate(phrases)]
        # Scan rules: the needle sets a paragraph must all meet for the rule's regex to match
        # there (prefilter.needle_sets; None: no prefilter, run on every paragraph). All the
        # needles go into one automaton over the paragraphs' views: one pass per document
        # tells which rule may match in which paragraph.
        # Without needle sets in the view (a rule about a narrow no-break space, which the view
        # turns into a space), needles in the raw text: str.find per paragraph. None: none.
        # (Shipped rules come with both worked out when parsed: see Rule.scan_prefilter.)
        prefilters = [r.scan_prefilter or scan_prefilter(r.regex.pattern, r.regex.flags) for r in self.scan_rules]
        self.scan_sets = [sets for sets, _ in prefilters]
        self.raw_needles = [raw for _, raw in prefilters]
        owners: dict[str, list[tuple[int, int]]] = defaultdict(list)  # needle -> (rule, set bit)
        for k, sets in enumerate(self.scan_sets):
            for bit, group in enumerate(sets or ()):
                for n in group:
                    owners[n].append((k, 1 << bit))
        self.needle_words = list(owners)
        self.needle_owners = [owners[n] for n in self.needle_words]
        self.needle_automaton = (ahocorasick_rs.AhoCorasick(self.needle_words) if self.needle_words else None)
        self.literal_texts = list(literal_rules)
        self.literal_rules = [list({id(r): r for r in literal_rules[t]}.values()) for t in self.literal_texts]
        self.literal_automaton = (ahocorasick_rs.BytesAhoCorasick(self.literal_texts) if self.literal_texts else None)
        self._without_literals = without_literals

    def candidates(self, text: str, lowered: str | None = None) -> dict[int, list[Rule]]:
        """Anchor hits as {position: rules}, word boundaries checked."""
        out: dict[int, list[Rule]] = {}
        if lowered is None:
            lowered = lowered_text(text)
        n = len(lowered)
        hits = []
        if self.word_automaton is not None:
            hits = self.word_automaton.find_matches_as_indexes(lowered)
        if self.phrase_pattern is not None:
            for start in _starts(self.phrase_pattern, lowered):
                for idx, pattern in self._phrase_patterns:
                    m = pattern.match(lowered, start)
                    if m is not None:
                        hits.append((idx, start, m.end()))
        for idx, start, end in hits:
            if start > 0 and _is_word_char(lowered[start - 1]):
                continue
            if end < n and _is_word_char(lowered[end]):
                continue
            out.setdefault(start, []).extend(self.anchor_rules[idx])
        return out

    def targets(self, doc: Document) -> tuple[set[tuple[str, int, int]], list[tuple[Rule, int, int]]]:
        """(rule id, span) for anchored rules: the sentence (the paragraph, for a pattern rule)
        holding an anchor, or the whole text of a literal phrase; (rule, paragraph) for scan
        rules."""
        lowered = lowered_text(doc.text)
        todo: set[tuple[str, int, int]] = set()
        if self.literal_automaton is not None:
            found = self._literal_targets(doc, lowered)
            if found is None:  # a text the literal view cannot promise anything about
                if self._without_literals is None:
                    self._without_literals = AnchorMatcher(self.rules, literals=False)
                return self._without_literals.targets(doc)
            todo = found
        seen: set[tuple[str, int]] = set()  # (rule, span start) already considered
        for pos, rules in self.candidates(doc.text, lowered).items():
            sentence = paragraph = None  # looked up once per anchor hit, not once per rule
            for r in rules:
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
        return todo, self.scan_targets(doc)

    def _literal_targets(self, doc: Document, lowered: str) -> set[tuple[str, int, int]] | None:
        """(rule id, sentence) for each whole-word occurrence of a literal phrase, found in the
        lower-cased text's space view (scanner.space_view: any white space is one space), or
        None for a text where lower() is not the regex module's case folding (FOLDS_TO_ASCII)
        or that is no well-formed Unicode."""
        if any(ch in doc.text for ch in FOLDS_TO_ASCII):
            return None
        try:
            data = lowered.encode("utf-8")
        except UnicodeEncodeError:
            return None
        ascii_text = len(data) == len(lowered)
        view, runs = space_view(data, plain_spaces(lowered))
        run_starts = [r[0] for r in runs]
        n = len(view)
        hits = []  # (literal, end offset in the data of the hit's first character)
        for idx, start, end in self.literal_automaton.find_matches_as_indexes(view, overlapping=True):
            # whole words: an ASCII word character next to the hit is no phrase boundary (a byte
            # of a non-ASCII character might be one: the regex decides there)
            if (start > 0 and view[start - 1] in _WORD_BYTES) or (end < n and view[end] in _WORD_BYTES):
                continue
            hits.append((idx, view_to_original(start + 1, runs, run_starts)))
        if hits and not ascii_text:
            to_char = char_ends(data, {end for _, end in hits})
            hits = [(idx, to_char[end]) for idx, end in hits]
        todo: set[tuple[str, int, int]] = set()
        for idx, first_end in hits:
            sentence = doc.sentence_at(first_end - 1)
            for r in self.literal_rules[idx]:
                todo.add((r.id, sentence.start, sentence.end))
        return todo

    def scan_targets(self, doc: Document) -> list[tuple[Rule, int, int]]:
        """(scan rule, paragraph start, paragraph end) for every paragraph in which the rule
        meets all its needle sets."""
        paragraphs = doc.paragraphs
        text = doc.text
        met: dict[tuple[int, int], int] = defaultdict(int)  # (rule, paragraph) -> sets met
        if self.needle_automaton is not None and paragraphs:
            views = [view(text[p.start : p.end]) for p in paragraphs]
            starts, pos = [], 0
            for v in views:
                starts.append(pos)
                pos += len(v) + 1
            owners = self.needle_owners
            for idx, start, _end in self.needle_automaton.find_matches_as_indexes("\n".join(views), overlapping=True):
                para = bisect.bisect_right(starts, start) - 1
                for k, bit in owners[idx]:
                    met[(k, para)] |= bit
        for k, sets in enumerate(self.scan_sets):
            if sets is None:
                raw = self.raw_needles[k]
                for i, p in enumerate(paragraphs):
                    if raw is None or any(text.find(n, p.start, p.end) >= 0 for n in raw):
                        met[(k, i)] = 0
        out = []
        for (k, i), mask in met.items():
            sets = self.scan_sets[k]
            if sets is None or mask == (1 << len(sets)) - 1:
                out.append((self.scan_rules[k], paragraphs[i].start, paragraphs[i].end))
        return out


class RuleIndex:
    """Rules of a rule set, compiled for matching: built once, used for every document.

    Where a rule may match in a document comes from one Hyperscan pass (scanner.py) when the
    scanner is available for the document, else from the anchor and needle automata
    (:class:`AnchorMatcher`); either way the rule's own regex decides, so the findings are the
    same."""

    def __init__(self, ruleset: RuleSet, hyperscan: str | None = None, literals_after: int = LOAD_AFTER_BYTES):
        """``hyperscan``: the scanner's mode (scanner.RuleScanner); ``literals_after``: bytes of
        text after which the portable path also finds literal phrases whole."""
        self.ruleset = ruleset
        self.detector_rules = [r for r in ruleset.rules if r.kind == "detector"]
        self.match_rules = [r for r in ruleset.rules if r.kind != "detector"]
        self.rules_by_id = {r.id: r for r in ruleset.rules}
        # Without Hyperscan: anchor words for the first documents (a pre-commit hook checks a
        # few), then, once the run has seen as much text as the scanner waits for, the matcher
        # that also finds whole literal phrases, whose automaton takes longer to build.
        self.anchors = AnchorMatcher(self.match_rules, literals=False)
        self._with_literals: AnchorMatcher | None = None
        self._literals_after = literals_after
        self._seen = 0
        self.scan_order = {r.id: k for k, r in enumerate(self.anchors.scan_rules)}
        self.scanner = RuleScanner([(r.regex.pattern, r.regex.flags) for r in self.match_rules], hyperscan)
        self._uncovered: AnchorMatcher | None = None  # the rules the scanner leaves to the anchors
        self._detectors: dict[tuple, list[tuple]] = {}

    def detectors_for(self, categories: set[str] | None, exclude: set[str] | None) -> list[tuple]:
        """The detector rules of these categories as runs of (detector function, rule) pairs,
        each with its gate (see :func:`group_gate`; None: every pair runs), made once per
        selection rather than once per document."""
        key = (frozenset(categories) if categories is not None else None, frozenset(exclude or ()))
        found = self._detectors.get(key)
        if found is None:
            from .detectors import REGISTRY
            from .errors import RuleError

            pairs = []
            for r in self.detector_rules:
                if (categories is not None and r.category not in categories) or (exclude and r.category in exclude):
                    continue
                fn = REGISTRY.get(r.detector)
                if fn is None:
                    raise RuleError(r.path, f"unknown detector {r.detector!r}; one of {', '.join(sorted(REGISTRY))}",
                                    r.id, "detector")
                pairs.append((fn, r))
            found = self._detectors[key] = _gated_runs(pairs)
        return found

    def targets(self, doc: Document) -> tuple[list[tuple[str, int, int]], list[tuple[Rule, int, int]]]:
        """Where each rule's regex has to run in ``doc``: (rule id, span) for anchored rules,
        sorted, and (rule, paragraph) for scan rules in rule then text order."""
        ends = self.scanner.ends(doc.text)
        if ends is None:
            anchored, scans = self._portable_matcher(len(doc.text)).targets(doc)
        else:
            anchored, scans = self._scanned(doc, ends)
            uncovered = self._uncovered_matcher()
            if uncovered is not None:
                more_anchored, more_scans = uncovered.targets(doc)
                anchored |= more_anchored
                scans += more_scans
        order = self.scan_order
        return sorted(anchored), sorted(scans, key=lambda t: (order[t[0].id], t[1]))

    def _scanned(self, doc: Document, ends: dict[int, list[int]]):
        """Targets from the scanner's end offsets: the span holding the last character of a
        relaxed match is the span in which the rule's regex may match."""
        anchored: set[tuple[str, int, int]] = set()
        scans: dict[tuple[str, int], tuple[Rule, int, int]] = {}
        for k, positions in ends.items():
            r = self.match_rules[k]
            for end in positions:
                if r.kind == "phrase":
                    span = doc.sentence_at(end - 1)
                    anchored.add((r.id, span.start, span.end))
                elif r.id not in self.scan_order:
                    span = _paragraph_at(doc, end - 1)
                    anchored.add((r.id, span.start, span.end))
                else:
                    p = _paragraph_holding(doc, end - 1)
                    if p is not None:
                        scans[(r.id, p.start)] = (r, p.start, p.end)
        return anchored, list(scans.values())

    def _portable_matcher(self, size: int) -> AnchorMatcher:
        if self._with_literals is None:
            self._seen += size
            if self._seen < self._literals_after:
                return self.anchors
            self._with_literals = AnchorMatcher(self.match_rules, without_literals=self.anchors)
        return self._with_literals

    def _uncovered_matcher(self) -> AnchorMatcher | None:
        if self._uncovered is None:
            covered = self.scanner.covered
            rest = [r for k, r in enumerate(self.match_rules) if k not in covered]
            self._uncovered = AnchorMatcher(rest) if rest else False
        return self._uncovered or None


def lowered_text(text: str) -> str:
    """The text as the anchors see it: lower case, ’ as ', same length (offsets hold)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # rare: a character whose lower case is longer
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.replace("’", "'")


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
    anchored, scans = _targets(doc, index)
    for rid, s, e in anchored:
        r = index.rules_by_id[rid]
        if wanted(r):
            found.extend(_match_rule(doc, r, s, e))
    for r, s, e in scans:
        if wanted(r):
            found.extend(_match_rule(doc, r, s, e))
    found = _consistent(doc, found, index.rules_by_id)
    _confirm_in_context(doc, ctx, found, index.rules_by_id)
    doc.findings.extend(f for f in found if not f.data.get("rejected"))


def _targets(doc: Document, index: RuleIndex) -> tuple[list[tuple[str, int, int]], list[tuple[Rule, int, int]]]:
    """:meth:`RuleIndex.targets`, computed once per document and index: the repair stage and
    the detectors stage each run a share of the rules over the same spans."""
    key = ("rule-targets", id(index))
    cached = doc.cache.get(key)
    if cached is None:
        cached = doc.cache[key] = index.targets(doc)
    return cached


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
        if _share_below(bad, cons.correct.finditer(body, timeout=REGEX_TIMEOUT_S * 4), cons.min_share):
            failing.add(rid)
    return [f for f in found if f.rule not in failing]


def _share_below(bad: int, correct: Iterator, min_share: float) -> bool:
    """bad / (bad + number of correct forms) < min_share, counting the correct forms only as
    far as the answer needs: it is yes once correct > bad * (1 - min_share) / min_share
    (+2: one past that bound, and one for the rounding of the division)."""
    if min_share <= 0:
        return False
    enough = int(bad * (1 - min_share) / min_share) + 2
    count = sum(1 for _ in islice(correct, enough))
    return bad / (bad + count) < min_share


def _paragraph_at(doc: Document, pos: int):
    p = _paragraph_holding(doc, pos)
    if p is not None:
        return p
    return doc.paragraphs[-1] if doc.paragraphs else doc.sentence_at(pos)


def _paragraph_holding(doc: Document, pos: int):
    for p in doc.paragraphs:
        if p.start <= pos < p.end:
            return p
    return None


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
    """Run the structural detectors named by ``kind: detector`` rules, in rule order."""
    findings = doc.findings
    for gate, pairs in index.detectors_for(categories, exclude):
        for fn, r in (pairs if gate is None else gate(doc, ctx)):
            findings.extend(fn(doc, r, ctx))


# A gate: (document, context) -> the pairs of its run that may find something there, in order.
Gate = Callable[[Document, RunContext], Iterable[tuple]]
_GROUP_GATES: dict[str, Callable[[list[tuple]], Gate]] = {}


def group_gate(*detectors: str):
    """Register a gate maker for the rules of these detectors. Most detectors find nothing in
    most documents, and say so after one cheap test of the whole document (a search that finds
    no line opening the way boilerplate does, no needle of a date pattern); a detector with many
    rules would make that test, and a call, once per rule. Given a run of consecutive
    (detector function, rule) pairs of these detectors, once per rule selection, the maker
    returns a gate that tests the document once for all of them and gives the pairs that may
    find something there: a pair left out must be one whose detector would find nothing."""
    def register_maker(make: Callable[[list[tuple]], Gate]):
        for name in detectors:
            _GROUP_GATES[name] = make
        return make

    return register_maker


def _gated_runs(pairs: list[tuple]) -> list[tuple[Gate | None, list[tuple]]]:
    """(gate, pairs) for each run of consecutive pairs whose detectors share a gate maker (or
    have none: gate None), in rule order."""
    runs: list[tuple[object, list[tuple]]] = []
    for fn, r in pairs:
        make = _GROUP_GATES.get(r.detector)
        if runs and runs[-1][0] is make:
            runs[-1][1].append((fn, r))
        else:
            runs.append((make, [(fn, r)]))
    return [(make(run) if make is not None else None, run) for make, run in runs]
