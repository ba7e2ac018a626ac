"""Duplicated words, phrases and sentences: artifacts no word list catches.

One detector, several checks; each ``kind: detector`` rule in rules/common/duplication.yaml
names its check in ``settings.check`` and carries its thresholds and word lists:

- ``adjacent``: a word or short phrase repeated back to back ("will will", "the the").
- ``elision``: the same word on both sides of an elision mark ("will […] will cease"): MT
  renders the French auxiliary before the cut and the verb group after it.
- ``echo``: one referent rendered twice in one clause, as a possessor and again as the agent
  ("X's deadline set Tuesday by X").
- ``near-duplicate``: a sentence that says again what a neighbouring sentence said, with
  different words. A cheap content-word overlap test picks candidate pairs; only those are
  given to the embedding model.

Five rules call the detector on each document, and most sentences hold none of these
artifacts: every check first asks whether a finding is possible at all, of the raw text or of
the lower-cased words of each sentence (found once per document, without a regex match per
word). In most documents normalizer._wordscan (optional C, see DocumentWords) asks it for
the whole document at once, and only the sentences that pass are given their words. Only the
few sentences that pass are tokenized and scanned in full.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import dropwhile
from operator import eq
from typing import AbstractSet, Any, Callable, Iterable, Iterator, NamedTuple

import regex

from ..context import make_finding
from . import register

# A word: letters and digits, with inner apostrophes or hyphens ("Biden’s", "in-fighting").
_WORD = regex.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_POSSESSIVE = regex.compile(r"^(?P<stem>.+?)(?P<mark>['’]s?)$")


class Token(NamedTuple):  # a tuple: built by the hundred thousand, much cheaper than a dataclass
    start: int
    end: int
    text: str
    lower: str  # text.lower(), stored: every check compares lower-cased words, many times each

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


_new_token = tuple.__new__  # skips NamedTuple's Python-level __new__ in the hot loops below


@lru_cache(maxsize=1024)
def _tokens_of(text: str) -> tuple[Token, ...]:
    # Each check of this detector tokenizes the same sentences again: tokenize each once.
    return tuple(_new_token(Token, (m.start(), m.end(), w, w.lower()))
                 for m in _WORD.finditer(text) for w in (m.group(0),))


def tokens(text: str, offset: int = 0) -> list[Token]:
    if not offset:
        return list(_tokens_of(text))
    return [_new_token(Token, (t.start + offset, t.end + offset, t.text, t.lower)) for t in _tokens_of(text)]


def _settings(rule) -> dict[str, Any]:
    return rule.settings or {}


_PER_RULE: dict[tuple[int, str], tuple[Any, Any]] = {}


def _per_rule(rule, key: str, build: Callable[[], Any]) -> Any:
    """build(), made once per rule and key (not once per document)."""
    hit = _PER_RULE.get((id(rule), key))
    if hit is None or hit[0] is not rule:
        hit = _PER_RULE[(id(rule), key)] = (rule, build())
    return hit[1]


def _word_set(rule, key: str) -> frozenset[str]:
    """settings[key] lower-cased."""
    return _per_rule(rule, key, lambda: _parse_word_set(rule, key))


def _parse_word_set(rule, key: str) -> frozenset[str]:
    words = _settings(rule).get(key) or []
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        from ..errors import RuleError

        # YAML reads bare yes/no/on/off as booleans: they must be quoted in word lists.
        raise RuleError(rule.path, "expected a list of strings (quote yes/no/on/off)", rule.id,
                        f"settings.{key}")
    return frozenset(w.lower() for w in words)


def _sentences(doc) -> Iterator[tuple[int, int, str]]:
    for _, span, text in doc.iter_sentences():
        if doc.in_prefix(span.start):
            continue
        yield span.start, span.end, text


# -- the words of each sentence, found once per document --------------------------------------
#
# _WORD costs a regex match per word, more than all the checks together once each of them is
# gated. The words are found with str.split instead: each character that no word holds becomes
# a space, and then, in most sentences, each piece between spaces is exactly one word.

_NOT_IN_WORDS = bytes(c for c in range(128) if not chr(c).isalnum() and chr(c) not in "'-")
_ASCII_TO_SPACES = bytes.maketrans(_NOT_IN_WORDS, b" " * len(_NOT_IN_WORDS))
_ASCII_WORDS_AND_SPACES = b" " + bytes(c for c in range(128) if c not in _NOT_IN_WORDS)
# Beyond ASCII: every space (str.split splits at them, and lone joiners are then all next to
# an ASCII space) and the commonest characters of news text that no word holds (any other
# one only sends its sentence to _WORD).
_NON_ASCII_SPACES = ("\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                     "\u2028\u2029\u202f\u205f\u3000")
_NON_ASCII_NOT_IN_WORDS = _NON_ASCII_SPACES + "“”‘«»„…—–•·£€"


def _lone(joiner: bytes) -> re.Pattern:
    """An ASCII joiner with a space, another joiner or an end of the text on one side: not in
    a word (" - ", "--", "'quoted'"), which holds joiners only between two of its characters.
    The pattern starts with the joiner, so that re jumps from one to the next; then it looks
    back over the joiner at the byte before it, or ahead at the byte after it."""
    j = re.escape(joiner)
    return re.compile(j + rb"(?:(?<=(?<![^ '\-])" + j + rb")|(?![^ '\-]))")


_LONE_JOINERS = [_lone(b"'"), _lone(b"-")]


class SentenceWords(NamedTuple):
    """A sentence after the metadata prefix, with its words."""

    start: int
    end: int
    text: str
    words: list[str]  # [t.lower for t in tokens(text)]
    distinct: frozenset[str]  # frozenset(words)


def _spaced(text: str) -> bytes:
    """``text`` in UTF-8 with each character that no word holds made one space (so offsets
    in the decoded text stay those of ``text``), lone ASCII joiners too. bytes.translate and
    bytes.replace run at memory speed, where str.translate is slow beyond ASCII."""
    spaced = text.encode().translate(_ASCII_TO_SPACES)
    if not text.isascii():
        for ch in _NON_ASCII_NOT_IN_WORDS:
            if ch in text:
                spaced = spaced.replace(ch.encode(), b" ")
    for lone in _LONE_JOINERS:  # a joiner next to one made a space is lone too: order is free
        spaced = lone.sub(b" ", spaced)
    return spaced


@lru_cache(maxsize=4096)
def _piece_words(piece: str) -> str:
    return " ".join(_WORD.findall(piece))


def _lower_words(spaced: str) -> list[str]:
    """The lower-cased words of a spaced sentence, as ``tokens`` finds them (no word spans a
    space). Lower-casing the sentence lowers each word as on its own: a letter's context (the
    Greek final sigma) never reaches across a space."""
    letters = spaced.replace(" ", "").replace("'", "").replace("-", "")
    if letters.isalpha() or (letters.isascii() and letters.isalnum()):
        # Letters and digits, with each ASCII joiner between two of them: a piece is a word.
        # (A ’ stays in ``letters``: its sentence goes to _WORD.)
        return spaced.lower().split()
    pieces = [p if p.isalpha() else _piece_words(p) for p in spaced.split()]
    return " ".join(pieces).lower().split()


_new_sentence = tuple.__new__  # skips NamedTuple's Python-level __new__, as for Token


def _wordscan_module():
    """normalizer._wordscan (the per-word gates in C, built with the package where a C compiler
    was found), or None: not built, or MTNORM_PURE_PYTHON=1 (tests and benchmarks of the
    pure-Python path)."""
    if os.environ.get("MTNORM_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from .. import _wordscan
    except ImportError:
        return None
    return _wordscan


_WORDSCAN = _wordscan_module()


class DocumentWords:
    """The sentences after the metadata prefix, each with its lower-cased words
    (``self[k]``, a SentenceWords), found on first use.

    Most sentences are only asked whether a check could fire on them. In most documents
    (``scan`` set) every word is a run of ASCII letters, digits and joiners between spaces of
    the lower-cased spaced text, and normalizer._wordscan answers those questions for the whole
    document at once, in C, without a Python object per word: only the few sentences that pass
    are given their words. Elsewhere (``scan`` None) the questions are asked in Python, of
    every sentence's words."""

    def __init__(self, doc):
        self.text = doc.text
        self.spans = list(dropwhile(lambda s: doc.in_prefix(s.start), doc.sentences))  # the prefix leads
        self.first = len(doc.sentences) - len(self.spans)  # the index of spans[0] in doc.sentences
        self._found: list[SentenceWords | None] = [None] * len(self.spans)
        spaced = _spaced(doc.text)
        if not spaced.translate(None, _ASCII_WORDS_AND_SPACES):  # nothing else in the text
            # Most documents: every piece is a word of ASCII letters and digits (joined), which
            # lower-case one for one: tested and lower-cased once for the whole text.
            self.lowered = spaced.lower()
            self._source, self._split = self.lowered.decode(), str.split
            self.scan = _WORDSCAN
        else:
            self._source, self._split = spaced.decode(), _lower_words
            self.scan = None

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, k: int) -> SentenceWords:
        found = self._found[k]
        if found is None:
            start, end = self.spans[k].start, self.spans[k].end
            words = self._split(self._source[start:end])
            found = self._found[k] = _new_sentence(
                SentenceWords, (start, end, self.text[start:end], words, frozenset(words)))
        return found

    def __iter__(self) -> Iterator[SentenceWords]:
        return map(self.__getitem__, range(len(self.spans)))

    def holds(self, k: int, word: str) -> bool:
        """True when sentence k has ``word`` (lower-cased) among its words. In most documents
        its text is asked, without finding its words: they are its pieces between spaces."""
        if self._split is str.split:
            span = self.spans[k]
            return f" {word} " in f" {self._source[span.start : span.end]} "
        return word in self[k].distinct

    def repeats(self, max_n: int) -> Iterator[tuple[int, Callable[[int], list[int]]]]:
        """(k, lengths) for each sentence k that may repeat a phrase back to back: lengths(limit)
        is ``_repeat_lengths`` of its words for any limit up to ``max_n``."""
        if self.scan:
            for k, found in self.scan.repeat_lengths(self.lowered, self.spans, max_n):
                yield k, partial(_lengths_within, found)
            return
        for k, s in enumerate(self):
            rewritten = len(s.words) - len(s.distinct)
            if rewritten:  # no word written twice (most sentences): nothing repeated
                yield k, partial(_repeat_lengths, s.words, rewritten)

    def same_as_previous(self) -> Iterator[int]:
        """Each k >= 1 whose sentence has the words of sentence k - 1."""
        maybe = self.scan.same_as_previous(self.lowered, self.spans) if self.scan else range(1, len(self))
        return (k for k in maybe if self[k - 1].words == self[k].words)


def _lengths_within(found: tuple[int, ...], limit: int) -> list[int]:
    """The lengths of ``found`` (_wordscan.repeat_lengths) that _repeat_lengths reports with
    ``limit``: n = 1 whatever the limit."""
    return [n for n in found if n <= max(limit, 1)]


def sentence_words(doc) -> DocumentWords:
    """The sentences after the metadata prefix, each with its lower-cased words (in the
    document's cache, for the five rules)."""
    words = doc.cache.get("duplication-words")
    if words is None:
        words = doc.cache["duplication-words"] = DocumentWords(doc)
    return words


# -- adjacent repeats ---------------------------------------------------------------------

def _only_space_between(text: str, toks: list[Token]) -> bool:
    """True when nothing but spaces (no punctuation, no line break) separates the tokens."""
    for a, b in zip(toks, toks[1:]):
        gap = text[a.end : b.start]
        if not gap or gap.strip(" \t\u00a0"):
            return False
    return True


@dataclass(frozen=True)
class AdjacentSettings:
    max_ngram: int
    allowed: frozenset[str]  # words English may double ("had had", "that that")
    complement_verbs: frozenset[str]  # "what makes a gadget a gadget"
    linkers: frozenset[str]  # "more and more": reduplication with any word, not a slip
    idiom_linkers: frozenset[str]  # "back to back", "day by day": only with idiom_words
    idiom_words: frozenset[str]
    comma_min: int  # a phrase of comma_min to comma_max words repeated after a comma; 0: off
    comma_max: int
    # "What happened happened", "Whoever wins wins": a free relative ends on a verb and the
    # main clause's verb is the same word
    free_relatives: frozenset[str] = frozenset()


def _is_reduplication(toks: list[Token], lo: int, hi: int, cfg: AdjacentSettings) -> bool:
    """True when toks[lo:hi] (one token of context either side) holds "X and X" or an idiom
    such as "back to back" (but not "to fall to fall": 'fall' is no idiom word)."""
    lo, hi = max(0, lo - 1), min(len(toks), hi + 1)
    for j in range(lo, hi - 2):
        x, link = toks[j].lower, toks[j + 1].lower
        if x != toks[j + 2].lower:
            continue
        if link in cfg.linkers or (link in cfg.idiom_linkers and x in cfg.idiom_words):
            return True
    return False


def _repeat_starts(low: list[str], min_n: int, max_n: int) -> list[int]:
    """Sorted indexes i with low[i] == low[i + n] for some n in [min_n, max_n]: a phrase of n
    words repeated back to back can only start there (its two copies open with the same
    word). Most sentences have few, so the scans below jump from one to the next instead of
    trying every n at every word; only words that occur twice are looked at in Python."""
    twice = {w for w, c in Counter(low).items() if c > 1}
    if not twice:
        return []
    where: dict[str, list[int]] = {}
    for i, w in enumerate(low):
        if w in twice:
            where.setdefault(w, []).append(i)
    return sorted({a for ps in where.values() for k, a in enumerate(ps)
                   if any(min_n <= b - a <= max_n for b in ps[k + 1 :])})


def _repeat_lengths(words: list[str], rewritten: int, max_n: int) -> list[int]:
    """Each n <= max_n for which some n words are followed at once by the same n words (case
    aside, whatever stands between them), when ``rewritten`` words are written a second (third...)
    time: the only phrase lengths the scans below can find repeated. The word list is compared
    with itself at C speed, no Python loop per word."""
    lengths = [1] if any(map(eq, words, words[1:])) else []
    # Two copies of a phrase of n words write n words again: n <= rewritten (most sentences
    # that write a word again write two or three).
    top = min(max_n, rewritten, len(words) // 2)
    # Two copies of a phrase of n >= 2 words write a pair of words twice: asked first (with a
    # set of pairs) when more than two lengths are left to try one by one.
    if top >= 2 and (top <= 3 or len(set(zip(words, words[1:]))) < len(words) - 1):
        # same[i] is 1 where words[i] == words[i + n]: n ones in a row are two copies
        lengths += [n for n in range(2, top + 1) if b"\1" * n in bytes(map(eq, words, words[n:]))]
    return lengths


def _next_start(starts: list[int], i: int, end: int) -> int:
    """The first possible repeat start at or after ``i``, else ``end``."""
    k = bisect.bisect_left(starts, i)
    return starts[k] if k < len(starts) else end


def _scan_repeats(text: str, offset: int, min_n: int, max_n: int, accept) -> Iterator[tuple[int, int, str]]:
    """(start, end, first copy) for each run of ``n`` words (longest first) followed at once by
    the same ``n`` words, where ``accept(toks, i, n, first, second)`` agrees; the scan resumes
    after the second copy."""
    toks = tokens(text)
    low = [t.lower for t in toks]
    starts = _repeat_starts(low, min_n, max_n)
    i = _next_start(starts, 0, len(toks))
    while i < len(toks):
        hit = None
        for n in range(min(max_n, (len(toks) - i) // 2), min_n - 1, -1):
            if low[i] != low[i + n] or low[i : i + n] != low[i + n : i + 2 * n]:
                continue  # the cheap test first: two copies start with the same word
            first, second = toks[i : i + n], toks[i + n : i + 2 * n]
            if accept(toks, i, n, first, second):
                hit = (n, first, second)
                break
        if hit is None:
            i = _next_start(starts, i + 1, len(toks))
            continue
        n, first, second = hit
        yield offset + first[0].start, offset + second[-1].end, text[first[0].start : first[-1].end]
        i = _next_start(starts, i + 2 * n, len(toks))


def find_adjacent_repeats(text: str, offset: int, cfg: AdjacentSettings) -> Iterator[tuple[int, int, str]]:
    """(start, end, first copy) for each word or phrase repeated back to back.

    Quiet on legitimate doubles: words in ``allowed``, capitalised repeats (names and titles:
    "Duran Duran", "Measure for Measure"), numbers ("6-3 6-3" scores), reduplication ("more and
    more", "time and time again", "back to back"), and "makes a gadget a gadget".
    """

    def accept(toks, i, n, first, second) -> bool:
        if second[0].capitalised or (n > 1 and any(t.capitalised for t in second)):
            return False
        if any(ch.isdigit() for t in first for ch in t.text):
            return False
        if all(t.lower in cfg.allowed for t in first):
            return False
        if _is_reduplication(toks, i, i + 2 * n, cfg):
            return False
        if n == 1 and i > 0 and toks[i - 1].lower in cfg.free_relatives:
            return False
        if n > 1 and i > 0 and first[0].lower in ("a", "an", "the") and toks[i - 1].lower in cfg.complement_verbs:
            return False
        return _only_space_between(text, first + second)

    return _scan_repeats(text, offset, 1, cfg.max_ngram, accept)


def find_comma_repeats(text: str, offset: int, min_n: int, max_n: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, first copy) for a phrase of ``min_n`` to ``max_n`` words repeated at once
    after a comma: "the main city on the island, the main city on the island". Two words
    ("never again, never again") can be emphasis; three or more identical words are a slip."""

    def accept(toks, i, n, first, second) -> bool:
        if any(ch.isdigit() for t in first for ch in t.text):
            return False
        if text[first[-1].end : second[0].start] != ", ":
            return False
        return _only_space_between(text, first) and _only_space_between(text, second)

    return _scan_repeats(text, offset, min_n, max_n, accept)


def _adjacent_settings(rule) -> AdjacentSettings:
    s = _settings(rule)
    return AdjacentSettings(int(s.get("max_ngram", 4)), _word_set(rule, "allowed_repeats"),
                            _word_set(rule, "complement_verbs"), _word_set(rule, "linkers"),
                            _word_set(rule, "idiom_linkers"), _word_set(rule, "idiom_words"),
                            int(s.get("comma_min_ngram", 0)), int(s.get("comma_max_ngram", 8)),
                            _word_set(rule, "free_relatives"))


def _check_adjacent(doc, rule, ctx):
    cfg = _per_rule(rule, "adjacent", lambda: _adjacent_settings(rule))
    sentences = sentence_words(doc)
    for k, lengths_within in sentences.repeats(max(cfg.max_ngram, cfg.comma_max if cfg.comma_min else 0)):
        start, text = sentences.spans[k].start, sentences[k].text
        commas = cfg.comma_min and ", " in text
        lengths = lengths_within(max(cfg.max_ngram, cfg.comma_max if commas else 0))
        if not lengths:
            continue  # nothing repeated back to back (nearly every sentence)
        if lengths[0] <= cfg.max_ngram:  # (the lengths ascend)
            for a, b, keep in find_adjacent_repeats(text, start, cfg):
                yield make_finding(doc, rule, a, b, [keep], level=rule.level or "safe",
                                   data={"repeated": keep})
        if not commas or not any(cfg.comma_min <= n <= cfg.comma_max for n in lengths):
            continue
        for a, b, keep in find_comma_repeats(text, start, cfg.comma_min, cfg.comma_max):
            if doc.in_quote(a, b):
                continue  # a chant or a speaker's insistence
            yield make_finding(doc, rule, a, b, [keep], level=rule.level or "safe",
                               data={"repeated": keep, "separator": ", "})


# -- a sentence repeated word for word ---------------------------------------------------------

def _check_repeated_sentence(doc, rule, ctx):
    """The same sentence twice in a row in one paragraph: the finding spans both copies and
    keeps the first (so the rewrite guards see every name kept). Too short for the
    near-duplicate check (``min_words`` words are enough), and no model is needed: the words
    are the same."""
    min_words = int(_settings(rule).get("min_words", 4))

    def usable(s: SentenceWords) -> bool:
        return len(s.words) >= min_words and not _is_heading(s.text) and not doc.in_quote(s.start, s.end)

    sentences = sentence_words(doc)
    # A third copy is compared with the first: the copy before it, found repeated, has its words.
    # So a sentence is only ever compared with a sentence that has the words of the one before it.
    first_copy: dict[int, int] = {}  # each sentence found repeated -> the copy it repeats
    for k in sentences.same_as_previous():
        p = first_copy.get(k - 1, k - 1)
        prev, s = sentences[p], sentences[k]
        if "\n" not in doc.text[prev.end : s.start] and usable(prev) and usable(s):
            yield make_finding(doc, rule, prev.start, s.end, [prev.text], level=rule.level or "safe",
                               data={"earlier_start": prev.start, "earlier_end": prev.end})
            first_copy[k] = p


# -- repeats across an elision mark -----------------------------------------------------------

def _elision_regex(marks: list[str]):
    alts = "|".join(regex.escape(m) for m in sorted(marks, key=len, reverse=True))
    return regex.compile(
        r"(?<![\w'’\-])(?P<w1>[^\W\d_]+)(?P<g1>\s*)(?P<mark>" + alts + r")(?P<g2>\s*)"
        r"(?P<w2>[^\W\d_]+)(?![\w'’\-])", regex.IGNORECASE)


class ElisionSettings(NamedTuple):
    bracketed: Any  # the pattern of the bracketed marks
    bare: Any  # of the bare marks, or None
    allowed: frozenset[str]
    # Every match holds a mark, and so one of these (the marks no other mark holds): a sentence
    # without them is skipped without a regex scan. None when a mark has letters, which
    # IGNORECASE could match in another case.
    gate: tuple[str, ...] | None
    # The marks of each pattern: with the gate on, a pattern scans only the sentences that hold
    # one of its own (most that hold "..." hold no bracketed mark). An empty list of marks
    # compiles to an empty alternative, which matches everywhere: it is ("",).
    bracketed_marks: tuple[str, ...]
    bare_marks: tuple[str, ...]


def _elision_settings(rule) -> ElisionSettings:
    s = _settings(rule)
    bracket_marks = list(s.get("marks", ["[…]", "[...]", "(…)", "(...)"]))
    bare_marks = list(s.get("bare_marks", ["…", "..."]))
    marks = bracket_marks + bare_marks
    gate = None
    if all(m.lower() == m.upper() for m in marks):
        gate = tuple(m for m in marks if not any(o != m and o in m for o in marks))
    return ElisionSettings(_elision_regex(bracket_marks), _elision_regex(bare_marks) if bare_marks else None,
                           _word_set(rule, "allowed_repeats"), gate, tuple(bracket_marks) or ("",),
                           tuple(bare_marks) or ("",))


def _indexes_near(doc, needles: tuple[str, ...]) -> list[int]:
    """The indexes in doc.sentences of the sentences in which one of ``needles`` starts, in
    order: found in the whole text (most documents have none). A needle may run on past its
    sentence's end."""
    text, found, last = doc.text, set(), len(doc.sentences) - 1
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            k = doc.sentence_index(at)
            found.add(k)
            if k == last:
                break
            # any later one in this sentence adds nothing: look on from the next sentence
            at = text.find(needle, max(at + 1, doc.sentences[k + 1].start))
    return sorted(found)


def _indexes_holding(doc, needles: tuple[str, ...]) -> list[int]:
    """The indexes in doc.sentences of the sentences after the metadata prefix that hold one of
    ``needles``."""
    return [k for k in _indexes_near(doc, needles) if not doc.in_prefix(doc.sentences[k].start)
            and any(needle in doc.sentence_text(k) for needle in needles)]


def _sentences_holding(doc, needles: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each sentence of ``_indexes_holding``."""
    for k in _indexes_holding(doc, needles):
        span = doc.sentences[k]
        yield span.start, span.end, doc.text[span.start : span.end]


def _check_elision(doc, rule, ctx):
    cfg = _per_rule(rule, "elision", lambda: _elision_settings(rule))
    # a gate: only the sentences that hold a mark can hold an elision
    for start, _, text in _sentences(doc) if cfg.gate is None else _sentences_holding(doc, cfg.gate):
        scans = ((cfg.bracketed, False, cfg.bracketed_marks), (cfg.bare, True, cfg.bare_marks))
        for rx, is_bare, marks in scans:
            if rx is None or (cfg.gate is not None and not any(mark in text for mark in marks)):
                continue
            for m in rx.finditer(text, overlapped=True):
                w1, w2 = m.group("w1"), m.group("w2")
                if w1.lower() != w2.lower() or w1.lower() in cfg.allowed:
                    continue
                if w2[:1].isupper() and not w1[:1].isupper():
                    continue  # a new sentence starts after the mark
                a, b = start + m.start(), start + m.end()
                quoted = doc.in_quote(a, b)
                # A bare ellipsis inside a quotation is usually a hesitation ("I… I think").
                if is_bare and quoted:
                    continue
                after_mark = text[m.start("mark") : m.end()]
                conf = rule.confidence * (0.75 if is_bare else 1.0)
                yield make_finding(doc, rule, a, b, [after_mark, w1], confidence=conf,
                                   data={"repeated": w1, "mark": m.group("mark")})


# -- one referent rendered twice ("X's N set T by X") ---------------------------------------

def _participle_index(words: list[Token], irregular: frozenset[str]) -> int | None:
    """Index of the past participle in the words between the possessor and 'by' (never the
    first word: that is the possessed noun)."""
    for k in range(1, len(words)):
        w = words[k].lower
        if w in irregular or (len(w) > 3 and w.endswith("ed")):
            return k
    return None


def _agent_phrases(text: str, toks: list[Token], k: int, min_words: int,
                   max_words: int) -> Iterator[tuple[int, int]]:
    """Token ranges [a, b) after ``by`` at index ``k`` (past an optional 'the'), longest first:
    a name ("President Joe Biden", "Dutch government") or any phrase of three words or more."""
    a = k + 1
    if a < len(toks) and toks[a].lower == "the":
        a += 1
    b = a
    while b < len(toks) and b - a < max_words and (b == a or text[toks[b - 1].end : toks[b].start] == " "):
        b += 1
    for n in range(b - a, min_words - 1, -1):
        if toks[a].capitalised or n >= 3:
            yield a, a + n


def _find_possessor(toks: list[Token], name: list[str], lo: int, hi: int) -> int | None:
    """Start index of ``name`` written as a possessive ("… Biden’s") within toks[lo:hi]."""
    n = len(name)
    for i in range(hi - n, lo - 1, -1):
        cand = toks[i : i + n]
        if [t.lower for t in cand[:-1]] != name[:-1]:
            continue
        m = _POSSESSIVE.match(cand[-1].text)
        if m and m.group("stem").lower() == name[-1]:
            return i
    return None


def _render_echo(the: str, name: str, possessive: str, noun: str, participle: str, rest: str,
                 temporal: bool) -> list[str]:
    if temporal:  # "the Tuesday deadline set by X", "X's Tuesday deadline"
        return [f"{the} {rest} {noun} {participle} by {name}", f"{possessive} {rest} {noun}"]
    tail = f" {rest}" if rest else ""
    return [f"{the} {noun} {participle}{tail} by {name}", f"{possessive} {noun} {participle}{tail}"]


def _may_echo(text: str, words: list[str]) -> bool:
    """False when no word is written again as a possessive ("Biden ... Biden’s"): the agent
    phrase after "by" ends in a word that the possessor writes with 's (no word ends in a bare
    apostrophe). casefold: the sigma of "…Σ's" lower-cases as in mid-word, but alone as final."""
    if "'s" not in text and "’s" not in text:
        return False
    owners = {w[:-2].casefold() for w in words if w.endswith(("'s", "’s"))}
    return not owners.isdisjoint(w.casefold() for w in words)


def _check_echo(doc, rule, ctx):
    s = _settings(rule)
    irregular = _word_set(rule, "irregular_participles")
    temporal_words = _word_set(rule, "temporal_words")
    min_words = int(s.get("min_words", 2))
    max_words = int(s.get("max_words", 6))
    max_gap = int(s.get("max_gap_words", 8))
    sentences = sentence_words(doc)
    # a gate: only a sentence with a possessive (_may_echo asks) and "by" can name its possessor
    # again as the agent
    for k in _indexes_near(doc, ("'s", "’s")):
        k -= sentences.first
        if k < 0 or not sentences.holds(k, "by"):
            continue
        start, _, text, words, _ = sentences[k]
        if not _may_echo(text, words):
            continue  # no agent phrase, or no possessor for it: no echo (and no tokenizing)
        toks = tokens(text, start)
        local = tokens(text)
        for k, t in enumerate(toks):
            if t.lower != "by":
                continue
            p = None
            for a, b in _agent_phrases(text, local, k, min_words, max_words):
                name_toks = toks[a:b]
                name = [x.lower for x in name_toks]
                p = _find_possessor(toks, name, max(0, k - max_gap - len(name)), k)
                if p is not None:
                    break
            if p is None:
                continue
            between = toks[p + len(name) : k]
            if not between or any(x.capitalised and x.lower not in temporal_words for x in between[:1]):
                continue
            # the words must form one clause: no punctuation between the two copies
            if regex.search(r"[,;:()\[\]—–\"“”]", doc.text[toks[p].start : t.start]):
                continue
            part = _participle_index(between, irregular)
            if part is None:
                continue
            noun = doc.text[between[0].start : between[part - 1].end]
            participle = between[part].text
            rest_toks = between[part + 1 :]
            rest = doc.text[rest_toks[0].start : rest_toks[-1].end] if rest_toks else ""
            temporal = bool(rest_toks) and all(x.lower in temporal_words or x.text.isdigit() for x in rest_toks)
            span_start = toks[p].start
            if p > 0 and toks[p - 1].lower == "the" and not doc.text[toks[p - 1].end : span_start].strip():
                span_start = toks[p - 1].start
            span_end = name_toks[-1].end
            at_sentence_start = not doc.text[start:span_start].strip()
            the = "The" if at_sentence_start else "the"
            name_text = doc.text[toks[k + 1].start : span_end]  # with its "the", if any
            possessive = doc.text[span_start : toks[p + len(name) - 1].end]
            yield make_finding(doc, rule, span_start, span_end,
                               _render_echo(the, name_text, possessive, noun, participle, rest, temporal),
                               data={"repeated": name_text})


# -- near-duplicate sentences -----------------------------------------------------------------

def _stem(word: str) -> str:
    """A crude stem, enough to match 'attacks'/'attack', 'ended'/'end' in an overlap test."""
    if word.endswith(("s", "d", "g")):  # the last letters of the suffixes: most words have none
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


def content_words(text: str, stopwords: frozenset[str]) -> frozenset[str]:
    return frozenset(_stem(t.lower) for t in tokens(text)
                     if len(t.text) > 2 and t.lower not in stopwords and not t.text.isdigit())


class _ContentStems(dict):
    """The stem of each lower-cased word seen, or "" for a word that is no content word (a
    stopword, a word of one or two letters, a number): one dictionary lookup per distinct word
    of a sentence, instead of a set difference and a stem computed each time."""

    def __init__(self, stopwords: frozenset[str]):
        super().__init__()
        self.stopwords = stopwords

    def __missing__(self, word: str) -> str:
        no_content = word in self.stopwords or len(word) <= 2 or word.isdigit()
        stem = self[word] = "" if no_content else _stem(word)
        return stem


_MAX_STEMS = 1 << 16  # emptied when larger: a vocabulary, not a leak


def _content_words_of(doc, rule, units: list[SentenceWords],
                      stopwords: frozenset[str]) -> list[set[str]]:
    """content_words of each unit, from the words found once per document."""
    if "\u0130" in doc.text:
        # 'İ' lower-cases to two characters: only the words as written have the right length.
        return [content_words(u.text, stopwords) for u in units]
    stems = _per_rule(rule, "stems", lambda: _ContentStems(stopwords))
    if len(stems) > _MAX_STEMS:
        stems.clear()
    stem_of = stems.__getitem__
    found = []
    for u in units:
        words = set(map(stem_of, u.distinct))
        words.discard("")  # the words that are no content words
        found.append(words)
    return found


def lexical_overlap(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """The share of the smaller set's words that the other holds (symmetric)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def covered_share(earlier: AbstractSet[str], later: AbstractSet[str]) -> float:
    """The share of the later sentence's content words that the earlier one holds. The
    near-duplicate suggestion drops the later sentence: that is safe only when it says little
    the earlier one did not, so its words are what must be covered ("X has a conflict of
    interest." then "X has a conflict of interest because his daughters ..." adds a reason;
    dropping it would lose it, however alike the two read)."""
    if not earlier or not later:
        return 0.0
    return len(earlier & later) / len(later)


def _is_heading(text: str) -> bool:
    return not text.rstrip("”\"’' )").endswith((".", "!", "?", "…"))


def _is_list(text: str) -> bool:
    """Fixture lists, results tables, rolls of names: repeating words is their nature."""
    toks = tokens(text)
    caps = sum(t.capitalised for t in toks)
    return text.count(";") >= 2 or (bool(toks) and caps / len(toks) > 0.6)


def _numbers(text: str) -> frozenset[str]:
    return frozenset(regex.findall(r"\d+(?:[.,]\d+)*", text))


def _different_figures(a: str, b: str) -> bool:
    """Two sentences giving different figures report different facts ("forecasts $4.2bn" vs
    "analysts expected $4.37bn"), however alike their words."""
    na, nb = _numbers(a), _numbers(b)
    return bool(na - nb) and bool(nb - na)


def _may_be_later(words: list[AbstractSet[str]], min_words: int, min_shared: int,
                  min_overlap: float) -> Iterator[int]:
    """Indexes of the units that may be the later unit of a pair: at least ``min_shared`` of
    their words, and ``min_overlap`` of them, stand in the units of ``min_words`` words or more
    before them (taken together). One earlier unit holds no more of them than all do, so no pair
    is lost; and few units pass (most sentences say something new), so only those few are
    compared with the units of their window. What the earlier units hold is counted with one
    set update per unit: the words that the update did not add were there before."""
    seen: set[str] = set()
    for j, later in enumerate(words):
        if len(later) < min_words:
            continue
        before = len(seen)
        seen |= later
        shared = len(later) - (len(seen) - before)
        # divided as covered_share divides: rounding lets through every unit it lets through
        if shared >= min_shared and (shared / len(later) if later else 0.0) >= min_overlap:
            yield j


def _pairs_with_later(words, later: Iterable[int], earlier: Callable[[int], Iterable[int]],
                      min_words: int, min_shared: int) -> list[tuple[int, int]]:
    """(i, j), ordered by j then i, for each unit j of ``later`` and each unit i of
    ``earlier(j)`` (ascending) of at least ``min_words`` words that shares at least
    ``min_shared`` words with it."""
    return [(i, j) for j in later for i in earlier(j)
            if len(words[i]) >= min_words and len(words[i] & words[j]) >= min_shared]


def _sharing_pairs(words: list[AbstractSet[str]], window: int, min_words: int, min_shared: int,
                   min_overlap: float) -> list[tuple[int, int]]:
    """(i, j), ordered by j then i, for the units at most ``window`` apart, both of at least
    ``min_words`` words, that share at least ``min_shared`` words, where the earlier one may
    cover ``min_overlap`` of the later one's words (see _may_be_later)."""
    return _pairs_with_later(words, _may_be_later(words, min_words, min_shared, min_overlap),
                             lambda j: range(max(0, j - window), j), min_words, min_shared)


def _units_before(doc, sentences: DocumentWords, j: int, window: int) -> list[int]:
    """The ``window`` units (sentences outside quotations, as _outside_quotes keeps them) before
    sentence ``j``, in order."""
    found, k = [], j - 1
    while k >= 0 and len(found) < window:
        if not doc.in_quote(sentences.spans[k].start, sentences.spans[k].end):
            found.append(k)
        k -= 1
    return found[::-1]


def _stopword_list(rule, stopwords: frozenset[str]) -> bytes:
    """The stopwords that an ASCII word can be, blank-separated, for _wordscan.later_units."""
    return _per_rule(rule, "stopword-list", lambda: " ".join(
        w for w in sorted(stopwords) if w.isascii() and " " not in w).encode())


def _scanned_sharing_pairs(doc, rule, sentences: DocumentWords, stopwords: frozenset[str], window: int,
                           min_words: int, min_shared: int, min_overlap: float):
    """The units, their content words and _sharing_pairs of a document that _wordscan reads.
    The units that may be later are found in C (from the hashes of the stems: see
    normalizer/_wordscan.c), and the content words only of them and of the units of their
    window: few units of few documents. Units are named by their index among the sentences
    instead of among the units: in the same order, so the pairs come in the same order."""
    later = sentences.scan.later_units(sentences.lowered, sentences.spans, doc.quotes,
                                       _stopword_list(rule, stopwords), min_words, min_shared, min_overlap)
    window_of = {j: _units_before(doc, sentences, j, window) for j in later}
    needed = sorted({k for j in later for k in (j, *window_of[j])})
    words = dict(zip(needed, _content_words_of(doc, rule, [sentences[k] for k in needed], stopwords)))
    return sentences, words, _pairs_with_later(words, later, window_of.__getitem__, min_words, min_shared)


def _candidate_pairs(units, words, sharing: list[tuple[int, int]],
                     min_overlap: float) -> list[tuple[int, int, float]]:
    """The pairs of ``sharing`` (units[i], units[j] and their content words words[i], words[j])
    that the near-duplicate check gives the model."""
    # Whether a unit is a heading (which pairs with none) is asked only of the pairs that share
    # enough.
    pairs = []
    for i, j in sharing:
        if _is_heading(units[i].text) or _is_heading(units[j].text):
            continue
        ov = covered_share(words[i], words[j])
        # _is_list tokenizes: it is asked only about the pairs the overlap test keeps.
        if (ov >= min_overlap and not _is_list(units[i].text) and not _is_list(units[j].text)
                and not _different_figures(units[i].text, units[j].text)):
            pairs.append((i, j, ov))
    return pairs


def _outside_quotes(doc, sentences: list[SentenceWords]) -> list[SentenceWords]:
    """The sentences that doc.in_quote does not place in a quotation, found in one walk
    through the quotations (both lists are in order)."""
    quotes, k, outside = doc.quotes, 0, []
    for s in sentences:
        while k + 1 < len(quotes) and quotes[k + 1].start <= s.start:
            k += 1
        if not quotes or not quotes[k].start <= s.start or s.end > quotes[k].end:
            outside.append(s)
    return outside


def _check_near_duplicate(doc, rule, ctx):
    s = _settings(rule)
    stopwords = _word_set(rule, "stopwords")
    window = int(s.get("window", 6))
    min_words = int(s.get("min_content_words", 6))
    min_shared = int(s.get("min_shared_words", 5))
    min_overlap = float(s.get("min_overlap", 0.5))
    min_cosine = float(s.get("min_cosine", 0.9))
    lexical_only = float(s.get("lexical_only_overlap", 0.9))
    sentences = sentence_words(doc)
    if sentences.scan:
        units, words, sharing = _scanned_sharing_pairs(doc, rule, sentences, stopwords, window, min_words,
                                                       min_shared, min_overlap)
    else:
        units = _outside_quotes(doc, list(sentences))
        words = _content_words_of(doc, rule, units, stopwords)
        sharing = _sharing_pairs(words, window, min_words, min_shared, min_overlap)
    pairs = _candidate_pairs(units, words, sharing, min_overlap)
    if not pairs:
        return
    texts = sorted({units[k].text for i, j, _ in pairs for k in (i, j)})
    vecs = ctx.encode(texts)
    row = {t: n for n, t in enumerate(texts)}
    flagged: set[int] = set()
    for i, j, ov in pairs:
        if j in flagged:
            continue
        if vecs is not None:
            sim = float(vecs[row[units[i].text]] @ vecs[row[units[j].text]])
            if sim < min_cosine:
                continue
            conf = rule.confidence
        else:  # no model: only near-verbatim repeats, and less sure of them
            if ov < lexical_only:
                continue
            sim, conf = None, rule.confidence * 0.7
        flagged.add(j)
        e0, e1, etext = units[i].start, units[i].end, units[i].text
        a, b = units[j].start, units[j].end
        quoted_earlier = etext if len(etext) <= 80 else etext[:77] + "…"
        yield make_finding(
            doc, rule, a, b, [""], confidence=conf,
            message=f"{rule.message} Earlier: “{quoted_earlier}”",
            data={"earlier_start": e0, "earlier_end": e1, "earlier_text": etext,
                  "similarity": None if sim is None else round(sim, 4), "overlap": round(ov, 4)})


CHECKS: dict[str, Callable[..., Iterable]] = {
    "adjacent": _check_adjacent,
    "elision": _check_elision,
    "echo": _check_echo,
    "near-duplicate": _check_near_duplicate,
    "repeated-sentence": _check_repeated_sentence,
}


@register("duplication")
def detect(doc, rule, ctx):
    check = _settings(rule).get("check", "adjacent")
    fn = CHECKS.get(check)
    if fn is None:
        from ..errors import RuleError

        raise RuleError(rule.path, f"unknown duplication check {check!r}; one of {', '.join(CHECKS)}",
                        rule.id, "settings.check")
    return list(fn(doc, rule, ctx))
