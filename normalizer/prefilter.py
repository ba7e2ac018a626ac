"""Literal prefilters for regexes: which short strings must a text contain for a regex to
match in it?

A pattern rule without anchor words (most typography rules) would run its regex over every
paragraph of every document; most of them look for a character that a given paragraph almost
never holds (a closing quote after a space, a space before a semicolon). ``needles(pattern)``
returns a small set of 1- or 2-character strings such that any match (lookarounds included)
implies the searched text contains at least one of them, or None when it cannot tell. A
``str.__contains__`` test per needle is far cheaper than a regex scan, and skipping a text
that holds no needle never changes a result: the analysis only ever claims what the pattern
forces.

The pattern is parsed with the standard library's regular-expression parser; anything it does
not understand (``\\p{Lu}``, the ``regex`` module's extensions) means "no prefilter".

``needle_sets(pattern)`` goes further for the matcher: up to three needle sets that are ALL
required (a conjunction: "The" and ", it " for "The government, it is"), written in the
*view* of a paragraph (:func:`view`: ’ as ', every run of white space one space).
In the view ``\\s+`` is exactly one character, so needles run across it ("is confronted"),
which the raw text cannot promise.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# Syntax the ``regex`` module reads differently from the standard parser (POSIX and nested
# sets, fuzzy-matching braces such as {e<=1}): no prefilter rather than a wrong one.
_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\[pP]\{[^}]*\}")
_REGEX_ONLY_SYNTAX = re.compile(r"\[\[|\[:|\{[^}\d,]")
MAX_CLASS = 8  # a character class larger than this is not worth a needle
MAX_NEEDLES = 16  # nor a product of adjacent classes with more strings than this
MAX_LENGTH = 12  # literal runs longer than this add no selectivity worth the product
MAX_EXTRA_WEIGHT = 0.3  # a second or third needle set must be this selective (_view_weight)


@dataclass(frozen=True)
class _Chars:
    """Consumes one of ``chars`` (a literal, a small class, an alternation of literal strings)
    or, with ``repeat``, one or more characters of ``chars`` (``[ ]+``: only its first and
    last characters have known neighbours)."""

    chars: frozenset[str]
    repeat: bool = False


@dataclass(frozen=True)
class _Opaque:
    """Consumes something; ``needles`` (possibly None: unknown) of its own."""

    needles: frozenset[str] | None


_BREAK = object()  # what follows is not adjacent to what precedes (after a lookahead)


@lru_cache(maxsize=4096)
def needles(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings one of which every text with a match of ``pattern`` contains, or None."""
    tokens = _parse(pattern, flags, in_view=False)
    return None if tokens is None else _best_of(tokens)


def _parse(pattern: str, flags: int, in_view: bool) -> list | None:
    """The pattern as a token list, or None when it cannot be analysed."""
    # A Unicode property (\p{Lu}) matches one character we know nothing useful about: \w is as
    # good a stand-in as any, since the analysis draws no needle from either.
    pattern = _PROPERTY.sub(r"\1\\w", pattern)
    if _REGEX_ONLY_SYNTAX.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = _sre_parse.parse(pattern, flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE))
    except (re.error, ValueError, TypeError, OverflowError, RecursionError):
        return None
    icase = bool(parsed.state.flags & re.IGNORECASE)
    try:
        return _tokens_of(list(parsed), _Mode(icase, in_view))
    except (TypeError, ValueError, RecursionError):
        return None


def view(text: str) -> str:
    """A paragraph as needle sets see it: ’ as ', white space runs as one space (``str.split``
    splits on every character the ``regex`` module's ``\\s`` matches). Case is kept: needles
    of case-sensitive patterns stay selective ("Mme" is not in "programme")."""
    return " ".join(text.replace("’", "'").split())


def _in_view(needle: str) -> str:
    """A needle as it appears inside a paragraph's :func:`view`: the same mapping, but its
    edges kept (" ," must stay a space and a comma)."""
    spaced = "".join(" " if c.isspace() else c for c in needle.replace("’", "'"))
    return re.sub(" {2,}", " ", spaced)


@lru_cache(maxsize=4096)
def needle_sets(pattern: str, flags: int = 0, limit: int = 3) -> tuple[frozenset[str], ...] | None:
    """Up to ``limit`` needle sets, in the view, every one of which a paragraph's view must
    meet (one needle of each) for ``pattern`` to match in the paragraph; None: no prefilter."""
    tokens = _parse(pattern, flags, in_view=True)
    if tokens is None:
        return None
    candidates: list[tuple[frozenset[str], int, int]] = []  # (needles, first token, last token)
    for i, tok in enumerate(tokens):
        if isinstance(tok, _Opaque) and tok.needles:
            candidates.append((tok.needles, i, i))
        elif isinstance(tok, _Chars):
            candidates.extend((run, i, i + k) for k, run in enumerate(_runs_from(tokens, i)))
    chosen: list[tuple[frozenset[str], int, int]] = []
    in_view = [(frozenset(_in_view(n) for n in c), lo, hi) for c, lo, hi in candidates if c]
    for cand, lo, hi in sorted(in_view, key=lambda c: (_set_weight(c[0]), c[1], c[2])):
        if " " in cand or len(chosen) >= limit:
            continue  # a lone space is in every paragraph
        if chosen and max(map(_view_weight, cand)) > MAX_EXTRA_WEIGHT:
            continue  # "the", "is": met everywhere, a conjunct that costs more than it spares
        if any(lo <= h and l <= hi for _, l, h in chosen):
            continue  # from the same tokens: "ssured " adds nothing to "assured"
        chosen.append((cand, lo, hi))
    return tuple(c for c, _, _ in chosen) or None


def scan_prefilter(pattern: str, flags: int = 0) -> tuple:
    """(needle sets in the view, raw-text needles) for a regex run on whole paragraphs: the
    needle sets when there are some, else the raw needles (a rule about a narrow no-break
    space, which the view turns into a space); (None, None): no prefilter."""
    sets = needle_sets(pattern, flags)
    return sets, (needles(pattern, flags) if sets is None else None)


def _set_weight(needles: frozenset[str]) -> tuple[float, tuple[str, ...]]:
    return sum(map(_view_weight, needles)), tuple(sorted(needles))  # ties broken by the strings


@lru_cache(maxsize=None)
def _view_weight(needle: str) -> float:
    """:func:`_weight` for needle sets, which meet the words of real prose: a space adds
    almost nothing (" in " is as common as "in"), and news quotes with straight quotes."""
    core = needle.replace(" ", "") or " "
    return min(_weight(c) if c != '"' else 20.0 for c in core) / 5.0 ** (len(core) - 1)


@lru_cache(maxsize=None)
def _weight(needle: str) -> float:
    """How common a needle is likely to be in prose (lower is more selective)."""
    def char(c: str) -> float:
        if c.isspace():
            return 100.0
        if c.isalnum():
            return 30.0
        if c in ".,'-":
            return 20.0
        return 2.0

    return min(char(c) for c in needle) / 5.0 ** (len(needle) - 1)


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    candidates = [c for c in candidates if c]
    if not candidates:
        return None
    return min(candidates, key=lambda s: sum(_weight(n) for n in s))


class _Mode(NamedTuple):
    icase: bool
    in_view: bool  # needles for view(): \s is a space, a white space run is one space


_SPACE = frozenset(" ")


def _tokens_of(items, mode: _Mode) -> list:
    tokens = [t for op, av in items for t in _tokens(op, av, mode)]
    if not mode.in_view:
        return tokens
    out: list = []
    for t in tokens:  # in the view a white space run is one space: "\s+", "\s\s" and " " alike
        if isinstance(t, _Chars) and t.chars == _SPACE:
            if out and isinstance(out[-1], _Chars) and out[-1].chars == _SPACE:
                continue
            t = _Chars(_SPACE)
        out.append(t)
    return out


def _sequence(items: list, mode: _Mode) -> frozenset[str] | None:
    return _best_of(_tokens_of(items, mode))


def _best_of(tokens: list) -> frozenset[str] | None:
    """The most selective needle set a token sequence offers. (Each sub-pattern is tokenized
    once: analysing nested groups again at every level would be exponential in their depth.)"""
    candidates: list[frozenset[str]] = []
    for i, tok in enumerate(tokens):
        if isinstance(tok, _Opaque):
            if tok.needles:
                candidates.append(tok.needles)
        elif isinstance(tok, _Chars):
            candidates.extend(_runs_from(tokens, i))
    return _best(candidates)


def _runs_from(tokens: list, i: int) -> list[frozenset[str]]:
    """Needle sets of the literal runs starting at tokens[i]: "assured" as well as "a". A
    repeated class may open or close a run (" +”" gives " ”") but not sit inside one."""
    out = []
    strings = set(tokens[i].chars)
    out.append(frozenset(strings))
    j = i
    while not (j > i and tokens[j].repeat) and j + 1 < len(tokens) and max(map(len, strings)) < MAX_LENGTH:
        nxt = tokens[j + 1]
        if not isinstance(nxt, _Chars) or len(strings) * len(nxt.chars) > MAX_NEEDLES:
            break
        strings = {a + b for a in strings for b in nxt.chars}
        out.append(frozenset(strings))
        j += 1
    return out


def _char_set(op, av, mode: _Mode) -> frozenset[str] | None:
    """The characters a one-character item matches, when few and known exactly (in the view:
    every white space character, \\s included, is a space)."""
    if op is _c.LITERAL:
        chars = {chr(av)}
    elif op is _c.IN:
        chars = set()
        for sub_op, sub_av in av:
            if sub_op is _c.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op is _c.RANGE and sub_av[1] - sub_av[0] < MAX_CLASS:
                chars.update(chr(i) for i in range(sub_av[0], sub_av[1] + 1))
            elif mode.in_view and sub_op is _c.CATEGORY and sub_av is _c.CATEGORY_SPACE:
                chars.add(" ")
            else:  # NEGATE, CATEGORY (\w, \s ...), a wide range
                return None
    elif mode.in_view and op is _c.CATEGORY and av is _c.CATEGORY_SPACE:
        chars = {" "}
    else:
        return None
    if mode.in_view:
        chars = {" " if c.isspace() else c for c in chars}
    if len(chars) > MAX_CLASS:
        return None
    if mode.icase and any(c.lower() != c.upper() for c in chars):
        return None  # case folding has surprises (the Kelvin sign is a k): do not guess
    return frozenset(chars)


def _literal_alternatives(alternatives: list[list]) -> frozenset[str] | None:
    """The strings of an alternation of plain literal sequences ("me|lle"), else None
    (``alternatives``: the token list of each alternative)."""
    strings: set[str] = set()
    for toks in alternatives:
        options = {""}
        for tok in toks:
            if not isinstance(tok, _Chars) or tok.repeat:
                return None
            options = {a + b for a in options for b in tok.chars}
            if len(options) > MAX_NEEDLES:
                return None
        strings |= options
    if not strings or "" in strings or len(strings) > MAX_NEEDLES:
        return None
    return frozenset(strings)


def _tokens(op, av, mode: _Mode) -> list:
    chars = _char_set(op, av, mode)
    if chars is not None:
        return [_Chars(chars)]
    if op in (_c.AT, _c.ASSERT_NOT):
        return []  # zero-width and forcing nothing: the neighbours stay adjacent
    if op is _c.ASSERT:
        direction, body = av
        inner = _tokens_of(body, mode)
        if direction == 1:  # lookahead: its text follows; the next item starts where it did
            return inner + [_BREAK]
        return [_BREAK] + inner  # lookbehind: its text ends where the next item starts
    if op is _c.SUBPATTERN:
        add_flags, del_flags = av[1], av[2]
        if add_flags & re.IGNORECASE:
            mode = mode._replace(icase=True)
        if del_flags & re.IGNORECASE:
            mode = mode._replace(icase=False)
        inner = _tokens_of(av[3], mode)
        if len(inner) == 1 and isinstance(inner[0], _Chars):
            return inner
        return [_Opaque(_best_of(inner))]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, _hi, body = av
        if lo == 0:
            return [_Opaque(None)]
        body = list(body)
        if len(body) == 1:
            chars = _char_set(body[0][0], body[0][1], mode)
            if chars is not None:
                return [_Chars(chars, repeat=(lo, _hi) != (1, 1))]
        return [_Opaque(_sequence(body, mode))]
    if op is _c.BRANCH:
        alternatives = [_tokens_of(alternative, mode) for alternative in av[1]]
        literal = _literal_alternatives(alternatives)
        if literal is not None:  # (?:Mme|Mlle): the parser factors out the M; keep the strings
            return [_Chars(literal)]
        union: set[str] = set()
        for toks in alternatives:
            found = _best_of(toks)
            if not found:
                return [_Opaque(None)]
            union |= found
        return [_Opaque(frozenset(union))]
    return [_Opaque(None)]
