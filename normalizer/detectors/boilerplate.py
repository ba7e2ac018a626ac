"""Scraped site furniture inside an article body: bylines with timestamps ("Posted on Aug 30,
2021 at 9:35 am"), "Read also" links, subscriber walls, newsletter and social-media prompts,
photo credits.

A line is boilerplate only when the WHOLE line (one paragraph) matches one of the rule's
``lines`` patterns and is short (``max_words``): furniture is a line of its own, whereas the
same words inside a sentence ("Published on Monday, the report found ...") are prose. The fix
removes the line together with the line break(s) after it, so no empty paragraph is left behind.

Patterns are regular expressions (matched case-sensitively; use ``(?i:...)`` for words) with
placeholders for the vocabulary every site shares:

- ``{datetime}``: a run of date and time tokens (month and weekday names, numbers, 9:35, am/pm,
  time zones, "at", "on", "updated"...) holding at least one digit;
- ``{name}``: a run of capitalised words (a photographer, an agency: "OLIVIER JEAN, LA PRESSE");
- ``{headline}``: the rest of the line (the linked article's title).

Only the lines that open the way one of the patterns requires are checked: each rule's patterns
give a gate (see "the opening gate" below) that finds them in one C-speed search, and one search
over a document serves the gates of every rule (see "all the gates in one search").
"""

from __future__ import annotations

import bisect
import re
import warnings
from functools import lru_cache
from itertools import islice
from typing import NamedTuple
# re's own parser, for the opening gate: private, but the parse tree it gives is the one
# re.compile works from, and a pattern it cannot read only goes without a gate.
from re import _constants as sre
from re import _parser as sre_parse

import regex

from ..context import make_finding
from ..detect import group_gate
from ..ruleset import REGEX_TIMEOUT_S
from . import register

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?"
_DATE_TOKEN = (
    r"(?:\d{4}-\d\d-\d\d(?:T[\d:.]+Z?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d{1,4}(?:st|nd|rd|th)?(?:[:h.]\d\d){0,2}(?:\s?[ap]\.?m\.?)?"
    rf"|{_MONTH}|{_WEEKDAY}|[ap]\.?m\.?"
    r"|gmt|utc|et|est|edt|cet|cest|bst|pt|pst|local|time|today|yesterday"
    r"|at|on|the|and|of|to|updated|modified|hours?|hrs?|minutes?|mins?|ago|h"
    # the same byline left in French: "Publié le 30 août 2021 à 9h35"
    r"|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|le|à|et|mis à jour)(?![\w])")
PLACEHOLDERS = {
    # a run of date/time tokens with at least one digit in it
    "datetime": rf"(?=[^\n]*\d)(?i:{_DATE_TOKEN}(?:[\s,|/–—-]+{_DATE_TOKEN})*)\.?",
    "name": (r"(?:©\s*)?\p{Lu}[\p{L}\p{M}'’.&-]*"
             r"(?:[ \u00a0]*[,/|;]?[ \u00a0]*(?:\p{Lu}[\p{L}\p{M}'’.&-]*|de|du|la|le|van|von|der"
             r"|da|di|of|the|and|archives?|files?|handout|pool))*"),
    "headline": r"\S.*",
}
_WORD = regex.compile(r"[\w'’-]+")


def expand_placeholders(source: str) -> str:
    for key, rx in PLACEHOLDERS.items():
        source = source.replace("{" + key + "}", rx)
    return source


@lru_cache(maxsize=256)
def compile_line_pattern(source: str):
    """A ``lines`` pattern with its placeholders expanded, compiled once."""
    return regex.compile(expand_placeholders(source))


def removal_span(doc, i: int) -> tuple[int, int]:
    """The span to delete for paragraph ``i``: the line and the line breaks after it (or, for
    the last line, the line breaks before it), so that no empty paragraph is left."""
    para = doc.paragraphs[i]
    if i + 1 < len(doc.paragraphs):
        return para.start, doc.paragraphs[i + 1].start
    if i > 0:
        return doc.paragraphs[i - 1].end, para.end
    return para.start, para.end


def is_boilerplate_line(line: str, patterns: list, max_words: int) -> bool:
    # Count words only up to max_words + 1: a paragraph of prose is rejected without a full scan.
    if sum(1 for _ in islice(_WORD.finditer(line), max_words + 1)) > max_words:
        return False
    for rx in patterns:
        try:
            if rx.fullmatch(line, timeout=REGEX_TIMEOUT_S):
                return True
        except TimeoutError:
            continue
    return False


# -- the opening gate ---------------------------------------------------------------------
# A whole-line pattern says how a line must begin ("Published", "Read also", "(With AFP"). The
# gate turns that opening into a stdlib ``re`` pattern matched at every line start in one
# C-speed search, so a document none of whose lines can open that way costs one search per rule
# instead of a word count and a ``regex`` fullmatch per paragraph. The translation may only
# widen: each line a pattern matches as a whole has an opening the gate matches.
_UNICODE_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\[pP](?:\{[^}]*\}|[A-Za-z])")
_FUZZY = re.compile(r"\{[^}]*[eids][^}]*\}")  # regex's fuzzy matching ("{e<=1}"): a literal to re
# regex's version 1 (an inline "(?V1)") reads sets differently; told from the source, because
# compiling every pattern with regex to read its flags costs start-up (~0.1 s for the rules)
_VERSION1 = re.compile(r"\(\?[a-zA-Z]*V1")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_NON_ASCII = "[^\x00-\x7f]"  # not a range up to 0x10ffff: re would fold the case of each
# How many characters of a line the gate looks at (at least): enough for the words a line of
# furniture opens with, few enough that the gate stays small however long the pattern.
_OPENING_WIDTH = 12
# Where every gate is tried: a line's start (searched in the text after a "\n" put in front),
# after its indent.
_LINE_START = r"\n[^\S\n]*+"


@lru_cache(maxsize=64)
def opening_gate(lines: tuple[str, ...]) -> re.Pattern | None:
    """A pattern found at the start of the line (after its indent) of every paragraph one of
    ``lines`` matches as a whole, or None when some pattern's opening cannot be told."""
    parts = _gate_parts(lines)
    # IGNORECASE only widens the openings: case-sensitive parts of a pattern match more.
    return None if parts is None else re.compile(_LINE_START + "".join(parts), re.IGNORECASE)


@lru_cache(maxsize=64)
def _gate_parts(lines: tuple[str, ...]) -> tuple[str, str] | None:
    """The gate after the line start: its check of the first character (a lookahead, or "")
    and the lookahead of its openings."""
    openings = [_opening(p) for p in lines]
    if not openings or None in openings or any(re.fullmatch(o, "") for o in openings):
        return None  # an opening that may be empty would let every line through
    opening = "|".join(openings)
    return _first_check(opening), f"(?={opening})"


def _first_check(opening: str) -> str:
    """A lookahead for the characters an opening can begin with: the first character alone
    turns most lines away, one test instead of every alternative. It is never whitespace,
    which a paragraph does not begin with."""
    first = _first_chars(sre_parse.parse(opening))[0]
    if first is None:
        return ""
    first.discard(r"\s")
    negated = sorted(c for c in first if c.startswith("[^"))  # whole sets: "[^\x00-\x7f]"
    chars = "".join(sorted(first.difference(negated)))
    sets = ([f"[{chars}]"] if chars else []) + negated
    return f"(?={'|'.join(sets)})" if sets else "(?!)"


def _opening(pattern: str) -> str | None:
    """A stdlib ``re`` pattern for how a match of the ``regex`` pattern begins: its items up to
    the first one that stands for an open set of characters (a ``\\w``, a property, a negated
    set), which matches at least what the pattern matches there. None when the pattern uses
    ``regex``-only syntax that ``re`` would read differently."""
    source = expand_placeholders(pattern)
    if _FUZZY.search(source) or _VERSION1.search(source) or regex.DEFAULT_VERSION == regex.VERSION1:
        return None
    source = _UNICODE_PROPERTY.sub(r"\1\\w", source)  # any property: an open set
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set": a POSIX class to regex
            tree = sre_parse.parse(source)
    except (re.error, FutureWarning):
        return None
    return _sequence(tree, bool(tree.state.flags & re.IGNORECASE), _OPENING_WIDTH)[0]


def _sequence(items, ignore_case: bool, width: int) -> tuple[str, bool]:
    """The opening of a sequence up to ``width`` characters that every match has, and whether
    it covers the whole sequence (after an open set or the width, what follows is dropped)."""
    out = []
    for k, (op, av) in enumerate(items):
        if width <= 0:
            return "".join(out), False
        source, complete = _item(op, av, ignore_case, width)
        if not complete and op in _REPEATS and av[0] == 0:
            # an optional item either begins the match or is skipped and the rest begins it
            rest, _ = _sequence(items[k + 1 :], ignore_case, width)
            return "".join(out) + f"(?:{source}|{rest})", False
        out.append(source)
        if not complete:
            return "".join(out), False
        width -= items[k : k + 1].getwidth()[0]
    return "".join(out), True


def _item(op, av, ignore_case: bool, width: int) -> tuple[str, bool]:
    if op is sre.LITERAL:
        return _char(av, ignore_case), True
    if op is sre.IN:
        chars = _char_set(av, ignore_case)
        return (chars, True) if chars is not None else ("", False)
    if op in _REPEATS:
        low, high, sub = av
        source, complete = _sequence(sub, ignore_case, width)
        if not complete:  # the first repetition begins the same way
            return f"(?:{source})", False
        return f"(?:{source}){{{low},{'' if high is sre.MAXREPEAT else high}}}", True
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        case = bool(add_flags & re.IGNORECASE) or (ignore_case and not del_flags & re.IGNORECASE)
        source, complete = _sequence(sub, case, width)
        return f"(?:{source})", complete
    if op is sre.ATOMIC_GROUP:
        source, complete = _sequence(av, ignore_case, width)
        return f"(?:{source})", complete
    if op is sre.BRANCH:
        alternatives = [_sequence(sub, ignore_case, width) for sub in av[1]]
        return f"(?:{'|'.join(s for s, _ in alternatives)})", all(c for _, c in alternatives)
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return "", True  # an anchor or a lookaround only narrows what matches
    return "", False  # anything else (a backreference, a conditional) is an open set


def _char(code: int, ignore_case: bool) -> str:
    """One character as ``re`` source, for a gate that ignores case: itself, except a cased
    non-ASCII letter that ``regex`` matches whatever its case. The two modules' Unicode tables
    may not agree on that letter's other cases, but only a letter that folds to an ASCII one
    (the Kelvin sign, the long s) has an ASCII case: any other stands for any non-ASCII one."""
    char = chr(code)
    if not ignore_case or char.isascii() or char.lower() == char.upper() == char.casefold():
        return re.escape(char)
    folded = char.casefold()
    return re.escape(folded) if folded.isascii() else _NON_ASCII


def _char_set(items, ignore_case: bool) -> str | None:
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(_char(av, ignore_case))
        elif op is sre.RANGE and not ignore_case:
            out.append(f"[{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}]")
        elif op is sre.CATEGORY and av is sre.CATEGORY_SPACE:
            out.append(r"\s")  # re's \s is str.isspace(), which holds for every \s of regex
        else:
            return None
    return f"(?:{'|'.join(out)})"


def _first_chars(items) -> tuple[set[str] | None, bool]:
    """What may begin a match of an opening, as character-set items (None: any character),
    and whether the opening may match nothing."""
    first: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            item_first, empty = {re.escape(chr(av))}, False
        elif op is sre.IN:
            item_first, empty = _set_items(av), False
        elif op in _REPEATS:
            item_first, empty = _first_chars(av[2])
            empty = empty or av[0] == 0
        elif op is sre.SUBPATTERN:
            item_first, empty = _first_chars(av[3])
        elif op is sre.BRANCH:
            alternatives = [_first_chars(sub) for sub in av[1]]
            item_first = (None if any(f is None for f, _ in alternatives)
                          else set().union(*(f for f, _ in alternatives)))
            empty = any(e for _, e in alternatives)
        else:
            return None, False
        if item_first is None:
            return None, False
        first |= item_first
        if not empty:
            return first, False
    return first, True


def _set_items(items) -> set[str] | None:
    """A set's items as character-set source; a negated set as one whole set."""
    out = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is sre.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av is sre.CATEGORY_SPACE:
            out.add(r"\s")
        elif op is not sre.NEGATE:
            return None
    if (sre.NEGATE, None) in items:
        return {f"[^{''.join(sorted(out))}]"}
    return out


# -- all the gates in one search ------------------------------------------------------------
# A gate's search stops at every line break, and there is one gate per rule. So the gates of the
# rules are joined into one pattern that tries, at each line start, the first characters of them
# all (which turns away blank lines at once) and then each gate, saying which hit there; a
# document is searched once for all the rules (see ``_RulesWithOpenings``).
_JOINED_MAX = 32  # gates beyond this many (huge rule sets) search on their own


class JoinedGates(NamedTuple):
    lines: tuple[tuple[str, ...], ...]  # the ``lines`` setting of each gate's rule
    # group g<i> matches (empty) where gate i hits; a line start where none does is no match
    pattern: re.Pattern


def join_gates(gates_lines: tuple[tuple[str, ...], ...]) -> JoinedGates:
    parts = [_gate_parts(lines) for lines in gates_lines]
    # the first characters of all the gates (when every gate has a check of its own)
    firsts = [first[len("(?=") : -1] if first.startswith("(?=") else None for first, _ in parts]
    marks = "(?=%s)" % "|".join(firsts) if firsts and None not in firsts else ""
    any_mark = "(?!)"
    for i, (first, opening) in enumerate(parts):
        marks += rf"(?:{first}{opening}(?P<g{i}>)|)"
        any_mark = f"(?(g{i})|{any_mark})"
    return JoinedGates(gates_lines, re.compile(_LINE_START + marks + any_mark, re.IGNORECASE))


def _hits_by_gate(text: str, joined: JoinedGates) -> list[list[int]]:
    """Where each gate hits ``text``: the start of each line it finds (after the indent), as
    its own ``finditer`` over ``"\n" + text`` would tell."""
    hits: list[list[int]] = [[] for _ in joined.lines]
    for m in joined.pattern.finditer("\n" + text):
        for i, found in enumerate(hits):
            if m.group(f"g{i}") is not None:
                found.append(m.end() - 1)  # - 1: the "\n" put in front
    return hits


def _own_hits(text: str, lines: tuple[str, ...]) -> list[int] | None:
    """Where the gate of ``lines`` hits ``text``, from its own search (None: it has no gate)."""
    gate = opening_gate(lines)
    return None if gate is None else [m.end() - 1 for m in gate.finditer("\n" + text)]


def _rule_lines(rule) -> tuple[str, ...]:
    return tuple(rule.settings.get("lines") or ())


@group_gate("boilerplate")
class _RulesWithOpenings:
    """The detectors stage's gate for a run of boilerplate rules: the rules whose gate finds
    a line opening their way, or that have no gate (the others find nothing), from one search
    of the document for all of them. The hits are kept in the document's cache for
    :func:`gate_hits`. The gates are joined on the second document: a run of one document does
    not pay for the compilation."""

    def __init__(self, pairs: list[tuple]):
        self.pairs = pairs
        lines_of = [_rule_lines(rule) for _, rule in pairs]
        self.gated = tuple(lines for lines in dict.fromkeys(lines_of) if opening_gate(lines) is not None)
        slot = {lines: i for i, lines in enumerate(self.gated)}
        self.slots = [slot.get(lines) for lines in lines_of]  # None: no gate, the rule always runs
        self.joined: JoinedGates | None = None
        self.searched_once = False

    def __call__(self, doc, ctx) -> list[tuple]:
        hits = self._hits(doc.text)
        if any(hits):
            doc.cache["boilerplate-gates"] = dict(zip(self.gated, hits))
        return [pair for pair, i in zip(self.pairs, self.slots) if i is None or hits[i]]

    def _hits(self, text: str) -> list[list[int] | None]:
        if self.joined is None and self.searched_once and len(self.gated) <= _JOINED_MAX:
            self.joined = join_gates(self.gated)
        self.searched_once = True
        if self.joined is not None:
            return _hits_by_gate(text, self.joined)
        return [_own_hits(text, lines) for lines in self.gated]


def gate_hits(doc, lines: tuple[str, ...]) -> list[int] | None:
    """Where the gate of ``lines`` hits the document (None: it has no gate): as the detectors
    stage's gate found it, else from its own search."""
    found = doc.cache.get("boilerplate-gates")
    if found is not None and lines in found:
        return found[lines]
    return _own_hits(doc.text, lines)


def candidate_paragraphs(doc, lines: tuple[str, ...]) -> list[int]:
    """Indexes of the paragraphs whose line the gate of ``lines`` found (all of them when
    there is no gate)."""
    hits = gate_hits(doc, lines)
    if hits is None:
        return list(range(len(doc.paragraphs)))
    if not hits:
        return []
    starts = [p.start for p in doc.paragraphs]
    return sorted({i for i in (bisect.bisect_left(starts, h) for h in hits) if i < len(starts)})


@register("boilerplate")
def detect(doc, rule, ctx):
    s = rule.settings
    lines = _rule_lines(rule)
    candidates = candidate_paragraphs(doc, lines)
    if not candidates:
        return  # a gate: no line opens the way a pattern requires
    patterns = [compile_line_pattern(p) for p in lines]
    max_words = int(s.get("max_words", 20))
    for i in candidates:
        para = doc.paragraphs[i]
        if doc.in_prefix(para.start):
            continue  # the corpus metadata line (and the title glued to it) stays intact
        line = doc.text[para.start : para.end]
        if not is_boilerplate_line(line, patterns, max_words):
            continue
        start, end = removal_span(doc, i)
        yield make_finding(doc, rule, start, end, [""], data={"line": line})
