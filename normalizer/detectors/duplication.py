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
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, NamedTuple

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


_WORD_SETS: dict[tuple[int, str], tuple[Any, frozenset[str]]] = {}


def _word_set(rule, key: str) -> frozenset[str]:
    """settings[key] lower-cased, built once per rule (not once per document)."""
    hit = _WORD_SETS.get((id(rule), key))
    if hit is None or hit[0] is not rule:
        hit = _WORD_SETS[(id(rule), key)] = (rule, _parse_word_set(rule, key))
    return hit[1]


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


def _check_adjacent(doc, rule, ctx):
    cfg = AdjacentSettings(int(_settings(rule).get("max_ngram", 4)), _word_set(rule, "allowed_repeats"),
                           _word_set(rule, "complement_verbs"), _word_set(rule, "linkers"),
                           _word_set(rule, "idiom_linkers"), _word_set(rule, "idiom_words"))
    comma_min = int(_settings(rule).get("comma_min_ngram", 0))
    comma_max = int(_settings(rule).get("comma_max_ngram", 8))
    for start, _, text in _sentences(doc):
        for a, b, keep in find_adjacent_repeats(text, start, cfg):
            yield make_finding(doc, rule, a, b, [keep], level=rule.level or "safe",
                               data={"repeated": keep})
        if not comma_min or ", " not in text:
            continue
        for a, b, keep in find_comma_repeats(text, start, comma_min, comma_max):
            if doc.in_quote(a, b):
                continue  # a chant or a speaker's insistence
            yield make_finding(doc, rule, a, b, [keep], level=rule.level or "safe",
                               data={"repeated": keep, "separator": ", "})


# -- a sentence repeated word for word ---------------------------------------------------------

def _fold_sentence(text: str) -> str:
    return " ".join(t.lower for t in tokens(text))


def _check_repeated_sentence(doc, rule, ctx):
    """The same sentence twice in a row in one paragraph: the finding spans both copies and
    keeps the first (so the rewrite guards see every name kept). Too short for the
    near-duplicate check (``min_words`` words are enough), and no model is needed: the words
    are the same."""
    min_words = int(_settings(rule).get("min_words", 4))
    prev = None  # (start, end, folded words) of the sentence before, in the same paragraph
    for _, span, text in doc.iter_sentences():
        if doc.in_prefix(span.start):
            prev = None
            continue
        folded = _fold_sentence(text)
        usable = (len(folded.split()) >= min_words and not _is_heading(text)
                  and not doc.in_quote(span.start, span.end))
        if (usable and prev is not None and prev[2] == folded
                and not doc.text[prev[1] : span.start].count("\n")):
            yield make_finding(doc, rule, prev[0], span.end, [doc.text[prev[0] : prev[1]]],
                               level=rule.level or "safe", data={"earlier_start": prev[0], "earlier_end": prev[1]})
            continue  # a third copy is compared with the first
        prev = (span.start, span.end, folded) if usable else None


# -- repeats across an elision mark -----------------------------------------------------------

def _elision_regex(marks: list[str]):
    alts = "|".join(regex.escape(m) for m in sorted(marks, key=len, reverse=True))
    return regex.compile(
        r"(?<![\w'’\-])(?P<w1>[^\W\d_]+)(?P<g1>\s*)(?P<mark>" + alts + r")(?P<g2>\s*)"
        r"(?P<w2>[^\W\d_]+)(?![\w'’\-])", regex.IGNORECASE)


def _check_elision(doc, rule, ctx):
    s = _settings(rule)
    bracketed = _elision_regex(list(s.get("marks", ["[…]", "[...]", "(…)", "(...)"])))
    bare_marks = list(s.get("bare_marks", ["…", "..."]))
    bare = _elision_regex(bare_marks) if bare_marks else None
    allowed = _word_set(rule, "allowed_repeats")
    marks = list(s.get("marks", ["[…]", "[...]", "(…)", "(...)"])) + bare_marks
    # Every match holds a mark: a sentence without one is skipped without a regex scan (only
    # when the marks have no letters, which IGNORECASE could match in another case).
    uncased = all(m.lower() == m.upper() for m in marks)
    for start, _, text in _sentences(doc):
        if uncased and not any(m in text for m in marks):
            continue
        for rx, is_bare in ((bracketed, False), (bare, True)):
            if rx is None:
                continue
            for m in rx.finditer(text, overlapped=True):
                w1, w2 = m.group("w1"), m.group("w2")
                if w1.lower() != w2.lower() or w1.lower() in allowed:
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


def _check_echo(doc, rule, ctx):
    s = _settings(rule)
    irregular = _word_set(rule, "irregular_participles")
    temporal_words = _word_set(rule, "temporal_words")
    min_words = int(s.get("min_words", 2))
    max_words = int(s.get("max_words", 6))
    max_gap = int(s.get("max_gap_words", 8))
    for start, _, text in _sentences(doc):
        if "by" not in text.lower():
            continue  # the agent phrase follows "by": no "by", no echo (and no tokenizing)
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
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str, stopwords: frozenset[str]) -> frozenset[str]:
    return frozenset(_stem(t.lower) for t in tokens(text)
                     if len(t.text) > 2 and t.lower not in stopwords and not t.text.isdigit())


def lexical_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


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


def _candidate_pairs(units: list[tuple[int, int, str]], stopwords: frozenset[str], window: int,
                     min_words: int, min_overlap: float, min_shared: int) -> list[tuple[int, int, float]]:
    words = [content_words(t, stopwords) for _, _, t in units]
    usable = [len(w) >= min_words and not _is_heading(u[2]) and not _is_list(u[2])
              for w, u in zip(words, units)]
    pairs = []
    for j in range(len(units)):
        if not usable[j]:
            continue
        for i in range(max(0, j - window), j):
            if not usable[i]:
                continue
            shared = len(words[i] & words[j])
            ov = lexical_overlap(words[i], words[j])
            if shared >= min_shared and ov >= min_overlap and not _different_figures(units[i][2], units[j][2]):
                pairs.append((i, j, ov))
    return pairs


def _check_near_duplicate(doc, rule, ctx):
    s = _settings(rule)
    stopwords = _word_set(rule, "stopwords")
    window = int(s.get("window", 6))
    min_words = int(s.get("min_content_words", 6))
    min_shared = int(s.get("min_shared_words", 5))
    min_overlap = float(s.get("min_overlap", 0.5))
    min_cosine = float(s.get("min_cosine", 0.9))
    lexical_only = float(s.get("lexical_only_overlap", 0.9))
    units = [u for u in _sentences(doc) if not doc.in_quote(u[0], u[1])]
    pairs = _candidate_pairs(units, stopwords, window, min_words, min_overlap, min_shared)
    if not pairs:
        return
    texts = sorted({units[k][2] for i, j, _ in pairs for k in (i, j)})
    vecs = ctx.encode(texts)
    row = {t: n for n, t in enumerate(texts)}
    flagged: set[int] = set()
    for i, j, ov in pairs:
        if j in flagged:
            continue
        if vecs is not None:
            sim = float(vecs[row[units[i][2]]] @ vecs[row[units[j][2]]])
            if sim < min_cosine:
                continue
            conf = rule.confidence
        else:  # no model: only near-verbatim repeats, and less sure of them
            if ov < lexical_only:
                continue
            sim, conf = None, rule.confidence * 0.7
        flagged.add(j)
        (e0, e1, etext), (a, b, _) = units[i], units[j]
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
