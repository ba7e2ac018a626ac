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
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

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
        return _sequence(list(parsed), icase)
    except (TypeError, ValueError, RecursionError):
        return None


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


def _tokens_of(items, icase: bool) -> list:
    return [t for op, av in items for t in _tokens(op, av, icase)]


def _sequence(items: list, icase: bool) -> frozenset[str] | None:
    return _best_of(_tokens_of(items, icase))


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


def _char_set(op, av, icase: bool) -> frozenset[str] | None:
    """The characters a one-character item matches, when few and known exactly."""
    if op is _c.LITERAL:
        chars = {chr(av)}
    elif op is _c.IN:
        chars = set()
        for sub_op, sub_av in av:
            if sub_op is _c.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op is _c.RANGE and sub_av[1] - sub_av[0] < MAX_CLASS:
                chars.update(chr(i) for i in range(sub_av[0], sub_av[1] + 1))
            else:  # NEGATE, CATEGORY (\w, \s ...), a wide range
                return None
    else:
        return None
    if len(chars) > MAX_CLASS:
        return None
    if icase and any(c.lower() != c.upper() for c in chars):
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


def _tokens(op, av, icase: bool) -> list:
    chars = _char_set(op, av, icase)
    if chars is not None:
        return [_Chars(chars)]
    if op in (_c.AT, _c.ASSERT_NOT):
        return []  # zero-width and forcing nothing: the neighbours stay adjacent
    if op is _c.ASSERT:
        direction, body = av
        inner = _tokens_of(body, icase)
        if direction == 1:  # lookahead: its text follows; the next item starts where it did
            return inner + [_BREAK]
        return [_BREAK] + inner  # lookbehind: its text ends where the next item starts
    if op is _c.SUBPATTERN:
        group_icase = icase
        add_flags, del_flags = av[1], av[2]
        if add_flags & re.IGNORECASE:
            group_icase = True
        if del_flags & re.IGNORECASE:
            group_icase = False
        inner = _tokens_of(av[3], group_icase)
        if len(inner) == 1 and isinstance(inner[0], _Chars):
            return inner
        return [_Opaque(_best_of(inner))]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, _hi, body = av
        if lo == 0:
            return [_Opaque(None)]
        body = list(body)
        if len(body) == 1:
            chars = _char_set(body[0][0], body[0][1], icase)
            if chars is not None:
                return [_Chars(chars, repeat=(lo, _hi) != (1, 1))]
        return [_Opaque(_sequence(body, icase))]
    if op is _c.BRANCH:
        alternatives = [_tokens_of(alternative, icase) for alternative in av[1]]
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
