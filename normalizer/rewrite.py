"""The rewrite stage: from findings to edits, safe by construction.

1. Level. A finding is fixed at its level and above (``fix_level``): its declared level, made
   more conservative when its confidence is low or its category is not mechanical.
2. Choice. A finding's suggestions are tried in rank order; the first one that passes the
   guards (and, for a rewrite that changes wording, the meaning check) becomes its rewrite. A
   finding none of whose suggestions pass is *demoted*: it stays a finding with suggestions, it
   is not applied, and ``finding.data["demoted"]`` says why.
   - Guards (pure, always on): a rewrite never changes numbers, names, negations or quotation
     marks unless its category is about them (a date rewrite may change numbers, a reference
     mismatch may change numbers and names...) or its rule spells them out (a calque of "le
     Mondial" may write "World Cup"), and never straddles a quotation boundary.
   - Meaning check (with the embedding model): the sentence before and after the rewrite must
     stay within ``Options.meaning_threshold`` cosine similarity. A rewrite that only drops one
     copy of words said twice in a row ("the the") keeps every word in its place and is not
     sent to the model.
3. Overlaps resolve deterministically: findings are taken by priority (confidence, then the
   longer, more specific span, then rule id, then position); a later finding that overlaps a
   chosen edit is dropped, unless one contains the other and the inner fix composes into the
   outer rewrite (the inner text occurs once in both the outer span and its replacement).
4. Tidy-up keeps the text around each edit right: spaces (no double or missing space, a removed
   paragraph takes its line break along), case (sentence-initial capitals, a function word
   lower-cased mid-sentence, an all-caps headline stays all caps), punctuation (no doubled
   comma or period), the article before a rewritten word (a/an) and the verb after a rewritten
   subject pronoun (is/are, has/have...). Tidy-up may widen an edit, never into a neighbour.

``settle`` repeats the stage on the fixed text until nothing is left to fix (a fix can reveal
another artifact) and composes the passes into one log over the original: fix is idempotent.
Everything but the meaning check is pure and needs no model.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Container, Mapping

from . import apply as apply_stage
from .context import SEMANTIC_CATEGORIES, STANDARD_MIN_CONFIDENCE, RunContext
from .document import Document
from .findings import LEVELS, Edit, Finding, level_rank

if TYPE_CHECKING:
    from .ruleset import Rule

# A finding is only fixed at --level safe when it is this sure and its category is mechanical.
SAFE_MIN_CONFIDENCE = 0.9
SAFE_LEVEL_CATEGORIES = {"encoding", "typography", "boilerplate", "duplication", "number-format"}
# Suggestions tried per finding before it is demoted.
MAX_SUGGESTIONS_TRIED = 3
# Rewrite passes: a fix may reveal an artifact that only a second look finds.
MAX_PASSES = 3


# -- 1. levels --------------------------------------------------------------------------------

def fix_level(f: Finding) -> str:
    """The lowest level at which ``f`` is fixed. The detector's declared level is a floor; a
    rewrite that is not mechanical is never ``safe``, and an unsure one is ``aggressive``."""
    rank = level_rank(f.level) if f.level in LEVELS else len(LEVELS) - 1
    if rank == 0 and (f.category not in SAFE_LEVEL_CATEGORIES or f.confidence < SAFE_MIN_CONFIDENCE):
        rank = 1
    if rank == 1 and f.confidence < STANDARD_MIN_CONFIDENCE:
        rank = 2
    return LEVELS[rank]


def fixable_at(f: Finding, level: str) -> bool:
    return bool(f.suggestions) and level_rank(fix_level(f)) <= level_rank(level)


# -- 2a. guards: what a rewrite may not change ------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_WORD = re.compile(r"[^\W_][\w'’-]*")
_NEGATIONS = {"not", "no", "never", "nor", "neither", "none", "nobody", "nothing", "nowhere",
              "without", "cannot"}
_QUOTE_CHARS = "“”„«»\""
_OPENERS = " \t\"“‘'([«„—–-"  # what may stand between a sentence start and its first word

# Per category, how each protected class is compared between the span before and after:
# "exact" multiset, "set" (a repeated item may go), "grow" (may add, not remove), "balanced"
# (quote marks removed or added in pairs), None (free).
# "digits" is every digit of the span in order: a format change ("1 234,5" -> "1,234.5")
# keeps it, a changed number does not.
# A rule may be about a name or a negation ("the Mondial" -> "the World Cup", "it is ignored
# whether" -> "it is not known whether"): a name or negation the rule spells out in its match
# may go, one it spells out in its suggestions may come; one a slot or gap captured may not.
_FREE = {"numbers": None, "digits": None, "names": None, "negations": None, "quotes": None}
_EXACT = {"numbers": "exact", "digits": None, "names": "exact", "negations": "exact", "quotes": "exact"}
_GUARDS: dict[str, dict[str, str | None]] = {
    "calque": _EXACT,
    "pronoun": {**_EXACT, "names": "grow"},  # "he" -> "the group" or "IS-K"
    "duplication": {**_FREE, "numbers": "set", "names": "set", "negations": "set", "quotes": "balanced"},
    "date-format": {**_EXACT, "numbers": None, "names": None},  # 08/15 -> August 15
    "number-format": {**_EXACT, "numbers": None, "digits": "exact"},
    "typography": {**_EXACT, "numbers": None, "digits": "exact", "quotes": None},
    "reference-mismatch": {**_EXACT, "numbers": None, "names": None},
    "untranslated": {**_EXACT, "names": None, "negations": None},
    "encoding": _FREE,
    "boilerplate": _FREE,
}
_CHARACTER_LEVEL = {"typography", "encoding", "boilerplate"}  # may move quote boundaries


def _is_initial(snippet: str, pos: int, sentence_initial: bool) -> bool:
    """Is the word at ``pos`` of ``snippet`` at the start of a sentence?"""
    head = snippet[:pos].rstrip(_OPENERS)
    return sentence_initial if not head else head[-1] in ".!?:"


def _name(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


# Words that are capitalised for their place, never as names ("(Kabul) The attacks").
_NEVER_NAMES = {"the", "a", "an", "in", "on", "at", "of", "for", "with", "by", "to", "from", "as",
                "and", "but", "or", "if", "when", "while", "after", "before", "since", "this", "that",
                "these", "those", "there", "here", "it", "its", "he", "she", "they", "we", "you",
                "his", "her", "their", "our", "my", "your", "i"}


def document_names(doc: Document) -> set[str]:
    """Capitalised words the document uses in mid-sentence: its names. A sentence-initial
    capital is a name only if the document also uses it mid-sentence."""
    names = set()
    for _, span, sent in doc.iter_sentences():
        for m in _WORD.finditer(sent):
            if m.group()[0].isupper() and m.group().lower() not in _NEVER_NAMES \
                    and not _is_initial(sent, m.start(), True):
                names.add(_name(m.group()))
    return names


class _NamesOnDemand:
    """:func:`document_names`, worked out the first time a guard asks whether a word is one:
    a guard asks only about a capitalised word at a sentence start, which most rewrites do not
    have, and the names cost a pass over every word of the document."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.names: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self.names is None:
            self.names = document_names(self.doc)
        return word in self.names


def _protected(snippet: str, sentence_initial: bool, known_names: Container[str] = frozenset()) -> dict[str, Counter]:
    """Numbers, digits, names (capitalised words, at a sentence start only if known as names),
    negations and quotation marks of a span."""
    names: Counter = Counter()
    negations: Counter = Counter()
    for m in _WORD.finditer(snippet):
        w = m.group()
        low = w.lower().replace("’", "'")
        if low in _NEGATIONS:
            negations[low] += 1
        elif low.endswith("n't"):
            negations["not"] += 1
        if w[0].isupper() and low not in _NEVER_NAMES and (
                not _is_initial(snippet, m.start(), sentence_initial) or _name(w) in known_names):
            names[_name(w)] += 1
    return {
        "numbers": Counter(_NUMBER.findall(snippet)),
        "digits": Counter([re.sub(r"\D", "", snippet)]),
        "names": names,
        "negations": negations,
        "quotes": Counter(ch for ch in snippet if ch in _QUOTE_CHARS),
    }


def _compare(mode: str, a: Counter, b: Counter) -> bool:
    if mode == "exact":
        return a == b
    if mode == "set":
        return set(a) == set(b)
    if mode == "grow":
        return not (a - b)
    if mode == "balanced":
        return all(a[o] - b[o] == a[c] - b[c] for o, c in (("“", "”"), ("«", "»"))) \
            and (a['"'] - b['"']) % 2 == 0
    raise ValueError(f"unknown guard mode {mode!r}")


def at_sentence_start(doc: Document, pos: int) -> bool:
    """True when only opening quotes, brackets or dashes stand between a sentence start and ``pos``."""
    if not doc.sentences:
        return doc.text[:pos].strip(_OPENERS) == ""
    s = doc.sentence_at(pos)
    return s.start <= pos and doc.text[s.start : pos].strip(_OPENERS) == ""


def _headline(doc: Document, pos: int) -> bool:
    """Is the paragraph at ``pos`` in capitals (a headline: capitals are no sign of a name)?"""
    para = _paragraph(doc, pos)[1]
    letters = [c for c in doc.text[para.start : para.end] if c.isalpha()] if para else []
    return len(letters) >= 4 and not any(c.islower() for c in letters)


@lru_cache(maxsize=None)
def rule_literals(texts: tuple[str, ...], pattern: str | None = None) -> frozenset[str]:
    """Lower-case words spelled out in phrases or suggestion templates ({lemma}s included;
    not the <slot>, $n, ... or {group} parts that carry captured text) or in a regex pattern
    (roughly: its letter runs)."""
    words = [w for t in texts for w in re.findall(
        r"[^\W\d_][\w'’-]*", re.sub(r"<[^>]*>|\$\d|\.\.\.|:n\}", " ", t))]
    if pattern:
        pattern = re.sub(r"\[([A-Za-z])[A-Za-z]*\]", r"\1", pattern)  # [Bb]oard -> Board
        pattern = re.sub(r"\\[A-Za-z]|\(\?P?<\w*>?|\[[^\]]*\]", " ", pattern)  # escapes, groups, classes
        words += re.findall(r"[A-Za-z]{3,}", pattern)
        # short capitalised literals too: the "M" of "50 M$" (millions), the "G" of "2 G$"
        words += re.findall(r"(?<![A-Za-z])[A-Z][a-z]{0,2}(?![A-Za-z])", pattern)
    return frozenset(w.lower().replace("’", "'") for w in words)


NO_LITERALS = (frozenset(), frozenset())


def _literals(f: Finding, rules: Mapping[str, Rule] | None) -> tuple[frozenset[str], frozenset[str]]:
    """The words the finding's rule spells out in its match, and in its suggestions."""
    r = rules.get(f.rule) if rules else None
    if r is None:
        return NO_LITERALS
    return rule_literals(tuple(r.match), r.pattern), rule_literals(tuple(r.suggest))


def _drop(c: Counter, words: frozenset[str]) -> Counter:
    """``c`` without the words in ``words`` (or their plurals: {MP:n} writes "MPs")."""
    def listed(k: str) -> bool:
        k = k.lower().replace("’", "'")
        return k in words or (k.endswith("s") and (k[:-1] in words or k[:-2] in words))

    return Counter({k: v for k, v in c.items() if not listed(k)})


def guard(doc: Document, f: Finding, after: str, known_names: Container[str] = frozenset(),
          literals: tuple[frozenset[str], frozenset[str]] = NO_LITERALS) -> str | None:
    """Why replacing ``f``'s span by ``after`` is not allowed, or None when it is.
    ``literals``: the words the finding's rule spells out in its match and in its suggestions:
    a name or negation among the first may go, one among the second may come."""
    rules = _GUARDS.get(f.category, _EXACT)
    if _headline(doc, f.start):
        rules = {**rules, "names": None}
    initial = at_sentence_start(doc, f.start)
    before_p = _protected(f.text, initial, known_names)
    after_p = _protected(after, initial, known_names)
    if after.count("\n") != f.text.count("\n") and f.category != "boilerplate":
        return "would change line breaks"
    for kind, mode in rules.items():
        if mode in ("exact", "grow") and kind in ("names", "negations"):
            # nothing lost but what the rule matches literally, nothing gained but what it writes
            lost = _drop(before_p[kind] - after_p[kind], literals[0])
            gained = _drop(after_p[kind] - before_p[kind], literals[1])
            if lost or (gained and mode == "exact"):
                return f"would change {kind}"
        elif mode and not _compare(mode, before_p[kind], after_p[kind]):
            return f"would change {kind}"
    if f.category not in _CHARACTER_LEVEL:
        for q in doc.quotes:
            if q.start >= f.end:
                break
            inside = q.start <= f.start and f.end <= q.end
            around = f.start <= q.start and q.end <= f.end
            if f.start < q.end and q.start < f.end and not inside and not around:
                return "would cross a quotation boundary"
    return None


# -- 2b. meaning check ------------------------------------------------------------------------

def _sentence_window(doc: Document, start: int, end: int) -> tuple[int, int]:
    lo = min(doc.sentence_at(start).start, start)
    hi = max(doc.sentence_at(max(start, end - 1)).end, end)
    return lo, hi


def meaning_pairs(doc: Document, f: Finding, afters: list[str]) -> list[tuple[str, str]]:
    """(sentence before, sentence after) for each candidate rewrite of ``f``."""
    lo, hi = _sentence_window(doc, f.start, f.end)
    before = doc.text[lo:hi]
    return [(before, doc.text[lo : f.start] + a + doc.text[f.end : hi]) for a in afters]


_MAX_REPEAT_WORDS = 4


def drops_a_repeat(before: str, after: str) -> bool:
    """True when ``after`` is ``before`` with one copy of up to four words said twice in a row
    taken out ("the the", "in the in the"), punctuation aside: every word the sentence had is
    still there, in its place, so its meaning cannot drift. (Measured on every such rewrite of
    the seeds, dev set, BBC, WMT13/14 and LIG: cosine 0.98 or more, the threshold being 0.65.)"""
    a, b = _WORD.findall(before.lower()), _WORD.findall(after.lower())
    n = len(a) - len(b)
    if not 1 <= n <= _MAX_REPEAT_WORDS:
        return False
    same = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(b))  # common prefix
    # the copy taken out starts within the common prefix's last n words or right after it
    return any(a[i - n : i] == a[i : i + n] and a[i + n :] == b[i:]
               for i in range(max(n, same - n), same + 1))


def _cosines(ctx: RunContext | None, pairs: list[tuple[str, str]]) -> list[float] | None:
    if ctx is None or not pairs or not ctx.options.meaning_check or ctx.encoder is None:
        return None
    vecs = ctx.encode([t for pair in pairs for t in pair])
    if vecs is None:
        return None
    return [float(vecs[2 * i] @ vecs[2 * i + 1]) for i in range(len(pairs))]


def recase(doc: Document, start: int, before: str, after: str) -> str:
    """Give a suggestion the case its place needs: capitals in an all-caps headline, a capital
    at a sentence start that had one, no capital on a function word mid-sentence (the engine
    capitalises "the" when the word it replaces was a name)."""
    if _headline(doc, start):
        return after.upper()
    i = next((k for k, c in enumerate(after) if c.isalpha()), None)
    if i is None or after[:i].strip(_OPENERS):
        return after
    first_before = next((c for c in before if c.isalpha()), "")
    if at_sentence_start(doc, start):
        if first_before.isupper() and after[i].islower():
            return after[:i] + after[i].upper() + after[i + 1 :]
    elif after[i].isupper():
        w = _first_word(after[i:])
        if w.lower() in _FUNCTION_WORDS and w[1:] == w[1:].lower() and _first_word(before).lower() != w.lower():
            return after[:i] + after[i].lower() + after[i + 1 :]
    return after


@dataclass
class _Choice:
    finding: Finding
    after: str


def _checks_meaning(f: Finding, rules: Mapping[str, Rule] | None) -> bool:
    """Whether the meaning check judges ``f``'s rewrites (a rule may turn it off:
    Rule.meaning_check)."""
    r = rules.get(f.rule) if rules else None
    return r is None or r.meaning_check


def choose(doc: Document, findings: list[Finding], level: str, ctx: RunContext | None = None,
           rules: Mapping[str, Rule] | None = None) -> list[_Choice]:
    """One rewrite per finding fixable at ``level``, or none (the finding is then demoted).
    ``rules`` (id -> rule) lets the guards know a rule's literal words."""
    viable: list[tuple[Finding, list[str]]] = []
    known_names = _NamesOnDemand(doc)
    for f in findings:
        if not fixable_at(f, level):
            continue
        for key in ("demoted", "meaning", "overlapped_by"):
            f.data.pop(key, None)
        afters, reasons = [], []
        for s in f.suggestions[:MAX_SUGGESTIONS_TRIED]:
            s = recase(doc, f.start, f.text, s)
            why = guard(doc, f, s, known_names, _literals(f, rules))
            (reasons if why else afters).append(why or s)
        if afters:
            viable.append((f, afters))
        else:
            f.data["demoted"] = reasons[0]
    semantic = []
    pairs = []
    for f, afters in viable:
        if f.category in SEMANTIC_CATEGORIES and _checks_meaning(f, rules):
            mine = meaning_pairs(doc, f, afters)
            if not all(drops_a_repeat(before, after) for before, after in mine):
                semantic.append((f, afters))
                pairs.extend(mine)
    cos = _cosines(ctx, pairs)
    meaning: dict[int, list[float]] = {}
    if cos is not None:
        i = 0
        for f, a in semantic:
            meaning[id(f)] = cos[i : i + len(a)]
            i += len(a)
    threshold = ctx.options.meaning_threshold if ctx is not None else 0.0
    out = []
    for f, afters in viable:
        scores = meaning.get(id(f))
        if scores is None:
            out.append(_Choice(f, afters[0]))
            continue
        ok = [i for i, c in enumerate(scores) if c >= threshold]
        if ok:
            f.data["meaning"] = round(scores[ok[0]], 4)
            out.append(_Choice(f, afters[ok[0]]))
        else:
            f.data["meaning"] = round(max(scores), 4)
            f.data["demoted"] = f"meaning drift (cosine {max(scores):.2f} < {threshold:.2f})"
    return out


# -- 3. overlaps ------------------------------------------------------------------------------

@dataclass
class _Plan:
    """An edit being planned: one finding's rewrite, with the fixes composed into it."""

    finding: Finding
    start: int
    end: int
    before: str
    after: str
    merged: list[str] = field(default_factory=list)
    parts: list[tuple[int, int]] = field(default_factory=list)  # spans of composed fixes

    @property
    def key(self):
        f = self.finding
        return (-f.confidence, -(self.end - self.start), f.rule, self.start, self.end, self.after)

    def edit(self) -> Edit:
        return Edit(self.finding.rule, self.finding.category, self.start, self.end, self.before,
                    self.after, merged=list(self.merged))


def _conflict(a: _Plan, b: _Plan) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _contains(outer: _Plan, inner: _Plan) -> bool:
    return (inner.start < inner.end and outer.start <= inner.start and inner.end <= outer.end
            and (outer.start, outer.end) != (inner.start, inner.end))


def _compose(outer: _Plan, inners: list[_Plan]) -> _Plan | None:
    """``outer`` with each inner fix applied inside its replacement, or None when an inner text
    cannot be found unambiguously in both the outer span and its replacement."""
    after = outer.after
    for g in sorted(inners, key=lambda g: g.start):
        if any(g.start < e and s < g.end for s, e in outer.parts):
            return None
        if outer.before.count(g.before) != 1 or after.count(g.before) != 1:
            return None
        after = after.replace(g.before, g.after)
    merged = outer.merged + [r for g in inners for r in [g.finding.rule, *g.merged]]
    parts = outer.parts + [s for g in inners for s in [(g.start, g.end), *g.parts]]
    return replace(outer, after=after, merged=merged, parts=parts)


def resolve(plans: list[_Plan]) -> list[_Plan]:
    """Non-overlapping plans, by priority, composing nested fixes where they compose."""
    chosen: list[_Plan] = []
    for p in sorted(plans, key=lambda p: p.key):
        clash = [c for c in chosen if _conflict(p, c)]
        if not clash:
            chosen.append(p)
            continue
        if all(_contains(p, c) for c in clash):
            composed = _compose(p, clash)
            if composed is not None:
                chosen = [c for c in chosen if c not in clash] + [composed]
                continue
        elif len(clash) == 1 and _contains(clash[0], p):
            composed = _compose(clash[0], [p])
            if composed is not None:
                chosen[chosen.index(clash[0])] = composed
                continue
        p.finding.data["overlapped_by"] = clash[0].finding.rule
    return sorted(chosen, key=lambda p: (p.start, p.end))


def select(doc: Document, level: str, ctx: RunContext | None = None,
           findings: list[Finding] | None = None, rules: Mapping[str, Rule] | None = None) -> list[Edit]:
    """The edits for ``doc``'s findings at ``level``, resolved and tidied (no meaning check
    without ``ctx``)."""
    findings = doc.findings if findings is None else findings
    plans = [_Plan(c.finding, c.finding.start, c.finding.end, c.finding.text, c.after)
             for c in choose(doc, findings, level, ctx, rules)]
    return tidy(doc, resolve(plans))


def settle(doc: Document, ctx: RunContext, level: str,
           analyze: Callable[[str], tuple[Document, RunContext]],
           rules: Mapping[str, Rule] | None = None, edits: list[Edit] | None = None) -> tuple[str, list[Edit]]:
    """Rewrite ``doc`` until nothing is left to fix at ``level``; return the text and one edit
    log over the original.

    A fix can reveal an artifact no detector saw before it ("250 000 $" becomes "250,000 $",
    which the currency rule then reads): the fixed text is analysed again (``analyze``), and
    the new edits are composed into the log, at most MAX_PASSES times. That is what makes
    ``fix(fix(x)) == fix(x)``. ``edits``: the first pass, when already computed."""
    text = doc.text
    new_text, log = apply_stage.apply(text, run(doc, ctx, level, rules) if edits is None else edits)
    for _ in range(MAX_PASSES - 1):
        if not log:
            break
        doc2, ctx2 = analyze(new_text)
        more = run(doc2, ctx2, level, rules)
        if not more:
            break
        newer, more_log = apply_stage.apply(new_text, more)
        log = apply_stage.compose(text, log, more_log)
        new_text = newer
    return new_text, log


def run(doc: Document, ctx: RunContext, level: str, rules: Mapping[str, Rule] | None = None) -> list[Edit]:
    """The edits for ``doc`` at ``level`` (one pass; ``settle`` repeats it to a fixed point)."""
    if not doc.findings:
        return []  # most documents: no choice to make, nothing demoted to count
    edits = select(doc, level, ctx, rules=rules)
    demoted = Counter(f.data["demoted"].split(" (")[0] for f in doc.findings if f.data.get("demoted"))
    if demoted:
        stats = ctx.stats.setdefault("demoted", Counter())
        stats.update(demoted)
    return edits


# -- 4. tidy-up -------------------------------------------------------------------------------

_CLOSING_PUNCT = ",.;:!?)]}”’»…"
_FUNCTION_WORDS = {"the", "a", "an", "it", "its", "they", "their", "them", "he", "his", "him",
                   "she", "her", "this", "that", "these", "those", "some", "one", "there", "to",
                   "for", "of", "on", "in", "at", "by", "with", "about", "more", "over", "and"}
_ARTICLE_BEFORE = re.compile(r"(?<![\w'’-])([Aa][Nn]?)([ \t]+)$")
_ARTICLE_INSIDE = re.compile(r"(?<![\w'’.-])(an?) ([a-z][a-z-]*)")
_A_BEFORE_VOWEL = ("uni", "use", "usu", "uti", "ure", "uro", "eu", "ewe", "one", "once", "ubiq")
_AN_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
_SUBJECT_SINGULAR = {"he", "she", "it"}
_SG_TO_PL = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't",
             "wasn't": "weren't", "hasn't": "haven't", "doesn't": "don't"}
_PL_TO_SG = {v: k for k, v in _SG_TO_PL.items()}


def article_for(word: str) -> str:
    """'a' or 'an' before a lower-case word (spelling heuristic: u/eu/one words take 'a')."""
    w = word.lower()
    if w.startswith(_AN_SILENT_H):
        return "an"
    return "an" if w[:1] in "aeiou" and not w.startswith(_A_BEFORE_VOWEL) else "a"


def _first_word(s: str) -> str:
    m = _WORD.search(s)
    return m.group() if m else ""


def _last_word(s: str) -> str:
    words = _WORD.findall(s)
    return words[-1] if words else ""


def _paragraph(doc: Document, pos: int):
    starts = [p.start for p in doc.paragraphs]
    i = bisect.bisect_right(starts, pos) - 1
    return i, (doc.paragraphs[i] if 0 <= i < len(doc.paragraphs) else None)


def _boundary(ch: str) -> bool:
    """Does ``ch`` separate words (so that what replaces it must too)?"""
    return not ch.isalnum() and ch not in "'’-_"


class _Tidy:
    """Tidy one plan within [lo, hi), the room its neighbours leave. A neighbour touching a
    side will change the text there, so that side is left alone."""

    def __init__(self, doc: Document, p: _Plan, lo: int, hi: int):
        self.doc, self.text, self.lo, self.hi = doc, doc.text, lo, hi
        self.start, self.end, self.after = p.start, p.end, p.after
        self.before = p.before

    def left(self) -> str | None:
        """The character before the edit ("\n" at the start of the text), None if a neighbour's."""
        if self.start <= self.lo and self.lo > 0:
            return None
        return self.text[self.start - 1] if self.start > 0 else "\n"

    def right(self) -> str | None:
        """The character after the edit ("\n" at the end of the text), None if a neighbour's."""
        if self.end >= self.hi and self.hi < len(self.text):
            return None
        return self.text[self.end] if self.end < len(self.text) else "\n"

    def widen(self, start: int, end: int) -> bool:
        if start < self.lo or end > self.hi:
            return False
        self.start, self.end = start, end
        return True

    # spacing
    def deletion(self) -> None:
        t, s, e = self.text, self.start, self.end
        if self.after or s == e or t[s].isspace() or t[e - 1].isspace():
            return
        left, right = self.left(), self.right()
        i, para = _paragraph(self.doc, s)
        if para is not None and s <= para.start and e >= para.end:
            paras = self.doc.paragraphs
            if i + 1 < len(paras) and right is not None:  # up to the next paragraph's line
                self.widen(s, t.rfind("\n", 0, paras[i + 1].start) + 1)
            elif i > 0 and left is not None and i + 1 == len(paras):  # last one: the break before
                self.widen(paras[i - 1].end, e)
            return
        if left is None or right is None:
            return
        if left == " " and right == " ":
            self.widen(s, e + 1)
        elif left == " " and (right in _CLOSING_PUNCT or right in "\r\n"):
            self.widen(s - 1, e)
        elif left == "\n" and right == " ":
            self.widen(s, e + 1)

    def replacement(self) -> None:
        a, before = self.after, self.before
        left, right = self.left(), self.right()
        if not a or not before:
            return
        if right is not None:
            if a.endswith(" ") and right.isspace() and not before.endswith(" "):
                a = a.rstrip(" ")
            elif _boundary(before[-1]) and a[-1].isalnum() and right.isalnum():
                a += " "  # keep words apart: "900 €per" -> "€900 per", not "€900per"
            elif a[-1] in ".,;:" and right == a[-1] and not before.endswith(a[-1]):
                a = a[:-1]  # no doubled punctuation
        if left is not None and a:
            if a.startswith(" ") and left.isspace() and not before.startswith(" "):
                a = a.lstrip(" ")
            elif _boundary(before[0]) and a[0].isalnum() and left.isalnum():
                a = " " + a
            elif a[0] == "," and left == ",":
                a = a[1:]
        self.after = a

    # case (a suggestion's own case was set by ``recase``)
    def case(self) -> None:
        t, before = self.text, self.before
        first_before = next((c for c in before if c.isalpha()), "")
        if not self.after and first_before.isupper() and at_sentence_start(self.doc, self.start):
            # the deleted text started the sentence: the word now first takes the capital
            nxt = self.right()
            word = _first_word(t[self.end : self.end + 40])
            if nxt and nxt.islower() and word.startswith(nxt) and word[1:] == word[1:].lower():
                if self.widen(self.start, self.end + 1):
                    self.after = nxt.upper()

    # agreement
    def article(self) -> None:
        a, before = self.after, self.before
        wb, wa = _first_word(before), _first_word(a)
        if self.left() is not None and before[:1].isalpha() and a[:1].isalpha() \
                and wa == wa.lower() and wb.lower() != wa.lower():
            m = _ARTICLE_BEFORE.search(self.text, max(self.lo, self.start - 8), self.start)
            if m and m.group(1).lower() == article_for(wb) != article_for(wa) \
                    and self.widen(m.start(), self.end):
                a = _with_case(article_for(wa), m.group(1)) + m.group(2) + a

        def fix_inside(m: re.Match) -> str:  # an article the rewrite itself put before a word
            if m.group(0) in before or m.group(1) == article_for(m.group(2)):
                return m.group(0)
            return article_for(m.group(2)) + " " + m.group(2)

        self.after = _ARTICLE_INSIDE.sub(fix_inside, a)

    def verb(self, category: str) -> None:
        """A subject pronoun changed number: make be/have/do after it agree."""
        if category != "pronoun" or not re.search(r"\w$", self.after) or self.right() is None:
            return
        was, now = _last_word(self.before).lower(), _last_word(self.after).lower()
        if was in _SUBJECT_SINGULAR and now == "they":
            table = _SG_TO_PL
        elif was == "they" and now in _SUBJECT_SINGULAR:
            table = _PL_TO_SG
        else:
            return
        m = re.compile(r"([ \t]+)([\w'’]+)(?![\w'’])").match(self.text, self.end)
        if not m:
            return
        verb = m.group(2).lower().replace("’", "'")
        if verb in table and self.widen(self.start, m.end()):
            new = table[verb].replace("'", "’") if "’" in m.group(2) else table[verb]
            self.after += m.group(1) + _with_case(new, m.group(2))


def _with_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def tidy(doc: Document, plans: list[_Plan]) -> list[Edit]:
    """Edits for the resolved plans (sorted, non-overlapping), each tidied within the room its
    neighbours leave."""
    text = doc.text
    out: list[Edit] = []
    prev_end = 0
    for i, p in enumerate(plans):
        nxt = plans[i + 1].start if i + 1 < len(plans) else len(text)
        t = _Tidy(doc, p, prev_end, nxt)
        t.deletion()
        t.replacement()
        t.case()
        t.article()
        t.verb(p.finding.category)
        before = text[t.start : t.end]
        if before != t.after:
            out.append(Edit(p.finding.rule, p.finding.category, t.start, t.end, before, t.after,
                            merged=list(p.merged)))
        prev_end = t.end
    return out
