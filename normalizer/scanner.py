"""One Hyperscan pass over a document: where may each rule's regex match?

The rules stage runs each rule's regex (the ``regex`` module, with lookarounds, antipatterns,
group names) only on the sentences or paragraphs where it may match. The portable way to find
them is the anchor and needle automata in detect.py. Where the ``hyperscan`` package is
installed (x86-64), one scan of the document with every rule compiled into a single database
does the same work at a fraction of the cost, and more precisely (whole patterns, not anchor
words).

Each rule's pattern is rewritten by :func:`relax` into a pattern for Hyperscan that matches
*at least* wherever the original matches in a sentence or paragraph of the document (a
superset, never a subset): assertions that need the span's edges (``^``, ``\\b``, negative
lookarounds) are dropped, a leading lookbehind or trailing lookahead is consumed as text,
back-references match anything, character classes are widened to whole byte runs for
non-ASCII characters. The original regex then runs, as before, on each span where the relaxed
one ended, so findings are exactly those of the anchor path (``tests/test_scanner.py`` runs both).
A rule the rewrite cannot handle, or that Hyperscan rejects, keeps the anchor path.

Case: Hyperscan folds ASCII letters only, while the ``regex`` module also folds three other
characters to ASCII letters (:data:`FOLDS_TO_ASCII`); a document holding one of them takes the
anchor path.

Compiling the database takes seconds for hundreds of rules, so it is compiled only when a run
has seen enough text to pay it back (:data:`COMPILE_AFTER_BYTES`) and then kept in the user
cache, keyed by the patterns, where later runs that see more than :data:`LOAD_AFTER_BYTES`
load it in milliseconds. A caller that knows how much text is coming (a corpus run, before
it forks its workers) says so with :meth:`RuleScanner.prepare` and gets it at once.
``MTNORM_HYPERSCAN=0`` turns the scanner off; ``=1`` compiles at once, whatever the text seen.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import regex

from .confirm import prune_cache, user_cache_dir, write_cache_file
from .prefilter import _REGEX_ONLY_SYNTAX, _c, _sre_parse

# A run that checks a few articles (a pre-commit hook) never touches Hyperscan: importing it and
# loading a cached database take 50-100 ms, the anchor path costs about 0.2 ms an article.
LOAD_AFTER_BYTES = 200_000
COMPILE_AFTER_BYTES = 1_000_000
# Characters outside ASCII that the ``regex`` module's case-insensitive matching (simple case
# folding, V0) equates with an ASCII letter: İ with i, ſ with s, the Kelvin sign with k.
FOLDS_TO_ASCII = "\u0130\u017f\u212a"

# The relaxed patterns scan UTF-8 bytes: a non-ASCII character is 2-4 bytes >= 0x80, and any
# run of such bytes stands in for "some non-ASCII characters" wherever one may appear.
_NON_ASCII = r"[\x80-\xff]+"
_ANY = r"(?:[\x00-\x7f]|[\x80-\xff]+)"
# A letter-category property (\p{Lu}, \p{L}) is a subset of \w: \w stands in for it.
_LETTER_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\p\{L[a-z]?\}")
_OTHER_PROPERTY = re.compile(r"(?<!\\)(?:\\\\)*\\[pP]\{")
# The non-ASCII characters the regex module's \s matches (checked in tests/test_scanner.py).
SPACE_NON_ASCII = "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


class Unsupported(ValueError):
    """The pattern uses something :func:`relax` cannot widen safely."""


def relax(pattern: str, flags: int = 0) -> str:
    """A Hyperscan pattern (over UTF-8 bytes) that matches wherever ``pattern`` matches in a
    span of a text, ending at the same place or later inside the span."""
    pattern = _LETTER_PROPERTY.sub(r"\1\\w", pattern)
    if _OTHER_PROPERTY.search(pattern):
        raise Unsupported("a Unicode property other than a letter category")
    if flags & (regex.V1 | regex.FULLCASE) or _REGEX_ONLY_SYNTAX.search(pattern):
        raise Unsupported("syntax of the regex module only")
    try:
        parsed = _sre_parse.parse(pattern, flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE))
    except (re.error, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise Unsupported(str(exc)) from exc
    icase = bool(parsed.state.flags & re.IGNORECASE)
    body = _Relaxer().edge(list(parsed), icase, True, True)
    if not body:
        raise Unsupported("matches the empty string")
    return "(?i:" + body + ")" if icase else body


_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_ONE_CHARACTER = (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN, _c.CATEGORY)
_CATEGORY_SOURCE = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}


def _byte_escape(cp: int) -> str:
    """A byte value below 256 (or an ASCII character) as a pattern escape."""
    return f"\\x{cp:02x}"


def _ascii_class(codes: Iterable[int]) -> str:
    """A byte class for byte values (ASCII code points), ranges merged."""
    parts, run = [], []
    for c in sorted(codes) + [None]:
        if run and (c is None or c != run[-1] + 1):
            parts.append(_byte_escape(run[0]) if len(run) == 1 else f"{_byte_escape(run[0])}-{_byte_escape(run[-1])}")
            run = []
        if c is not None:
            run.append(c)
    return "[" + "".join(parts) + "]"


class _Relaxer:
    """The rewriting, item by item of the standard library's parse of the pattern."""

    def edge(self, items: list, icase: bool, start: bool, end: bool) -> str:
        """A sequence at the start and/or end of the pattern. The positive lookbehind right
        before its first consuming item and the positive lookahead right after its last hold
        text of the searched span next to the match: they are consumed (the match grows and
        stays inside the span). Every other assertion is dropped."""
        consuming = [k for k, (op, _av) in enumerate(items) if op not in _ZERO_WIDTH]
        if not consuming:
            return ""
        first, last = consuming[0], consuming[-1]
        out = []
        if start:
            behind = [av for op, av in items[:first] if op is _c.ASSERT and av[0] == -1]
            if behind:
                out.append("(?:" + self.edge(list(behind[-1][1]), icase, True, False) + ")")
        for k in range(first, last + 1):
            op, av = items[k]
            at_start, at_end = start and k == first, end and k == last
            if (at_start or at_end) and op is _c.SUBPATTERN:
                _group, add, delete, body = av
                inner = True if add & re.IGNORECASE else (False if delete & re.IGNORECASE else icase)
                out.append(self._open(icase, inner) + self.edge(list(body), inner, at_start, at_end) + ")")
            elif (at_start or at_end) and op is _c.BRANCH:
                out.append("(?:" + "|".join(self.edge(list(a), icase, at_start, at_end) for a in av[1]) + ")")
            else:
                out.append(self.node(op, av, icase))
        if end:
            ahead = [av for op, av in items[last + 1 :] if op is _c.ASSERT and av[0] == 1]
            if ahead:
                out.append("(?:" + self.edge(list(ahead[0][1]), icase, False, True) + ")")
        return "".join(out)

    @staticmethod
    def _open(outer: bool, inner: bool) -> str:
        if inner == outer:
            return "(?:"
        return "(?i:" if inner else "(?-i:"

    def seq(self, items, icase: bool) -> str:
        return "".join(self.node(op, av, icase) for op, av in items)

    def node(self, op, av, icase: bool) -> str:
        if op is _c.LITERAL and av < 128:  # case is Hyperscan's (?i:) where the pattern is case-insensitive
            return chr(av) if chr(av).isalnum() else _byte_escape(av)
        if op in _ONE_CHARACTER:
            return self.charset(op, av, icase)
        if op in _ZERO_WIDTH:
            return ""
        if op is _c.SUBPATTERN:
            _group, add, delete, body = av
            inner = True if add & re.IGNORECASE else (False if delete & re.IGNORECASE else icase)
            return self._open(icase, inner) + self.seq(body, inner) + ")"
        if op is getattr(_c, "ATOMIC_GROUP", None):
            return "(?:" + self.seq(av, icase) + ")"
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, body = av
            if len(body) == 1 and body[0][0] in _ONE_CHARACTER:
                # A run of characters of one class ("\s+"): one byte class repeated, its
                # non-ASCII characters as any bytes >= 0x80, so at least ``lo`` bytes and no
                # upper bound. Hyperscan compiles this far faster than alternatives of byte
                # sequences, and it matches every run the original matches.
                ascii_codes, exact, any_non_ascii = self.members(*body[0], icase)
                byte_class = _ascii_class(ascii_codes | (set(range(0x80, 0x100)) if exact or any_non_ascii else set()))
                return byte_class + ("*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}")
            inner = self.seq(body, icase)
            if not inner:
                return ""
            if hi is _c.MAXREPEAT or hi > 4:  # a wide bounded repeat costs Hyperscan states: widen it
                quantifier = "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
            elif (lo, hi) == (0, 1):
                quantifier = "?"
            else:
                quantifier = f"{{{lo},{hi}}}"
            return "(?:" + inner + ")" + quantifier
        if op is _c.BRANCH:
            return "(?:" + "|".join(self.seq(a, icase) for a in av[1]) + ")"
        if op is _c.GROUPREF:  # the group's text, whatever it was
            return _ANY + "*"
        if op is _c.GROUPREF_EXISTS:
            _group, yes, no = av
            return "(?:" + self.seq(yes, icase) + "|" + (self.seq(no, icase) if no else "") + ")"
        raise Unsupported(f"regular-expression operator {op}")

    @staticmethod
    def members(op, av, icase: bool) -> tuple[set[int], set[str], bool]:
        """What a one-character item matches: the ASCII code points, found by asking the regex
        module itself; the non-ASCII characters it lists (without case to fold); and whether it
        may match other non-ASCII characters."""
        if op is _c.NOT_LITERAL:
            return set(range(128)) - {av}, set(), True
        if op is _c.ANY:
            return set(range(128)), set(), True
        items = list(av) if op is _c.IN else [(op, av)]
        negate = bool(items) and items[0][0] is _c.NEGATE
        body = items[1:] if negate else items
        source = "[" + ("^" if negate else "") + "".join(_item_source(o, a) for o, a in body) + "]"
        probe = regex.compile(source, (regex.IGNORECASE if icase else 0) | regex.V0)
        ascii_codes = {c for c in range(128) if probe.match(chr(c))}
        exact: set[str] = set()
        any_non_ascii = negate
        for o, a in ([] if negate else body):
            if o is _c.CATEGORY and a == _c.CATEGORY_SPACE:
                exact.update(SPACE_NON_ASCII)
            elif o is _c.LITERAL and a >= 128 and not (icase and chr(a).lower() != chr(a).upper()):
                exact.add(chr(a))
            elif o is _c.CATEGORY or (o is _c.LITERAL and a >= 128) or (o is _c.RANGE and a[1] >= 128):
                any_non_ascii = True
        return ascii_codes, exact, any_non_ascii

    def charset(self, op, av, icase: bool) -> str:
        """A one-character item as a byte pattern: a non-ASCII character as its bytes when the
        item lists it, else as any run of bytes >= 0x80."""
        ascii_codes, exact, any_non_ascii = self.members(op, av, icase)
        options = [_ascii_class(ascii_codes)] if ascii_codes else []
        options += [_NON_ASCII] if any_non_ascii else _utf8_alternatives(exact)
        if not options:
            raise Unsupported("a character class that matches nothing")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _utf8_alternatives(chars) -> list[str]:
    """Byte patterns for non-ASCII characters, those that differ only in their last byte
    merged into one class (the 19 white space characters make 5 patterns, not 19)."""
    by_lead: dict[bytes, set[int]] = defaultdict(set)
    for ch in chars:
        b = ch.encode("utf-8")
        by_lead[b[:-1]].add(b[-1])
    out = []
    for lead, last in sorted(by_lead.items()):
        head = "".join(map(_byte_escape, lead))
        tail = _byte_escape(min(last)) if len(last) == 1 else _ascii_class(last)
        out.append(head + tail)
    return out


def _item_source(op, av) -> str:
    if op is _c.LITERAL:
        return regex.escape(chr(av))
    if op is _c.RANGE:
        return f"{regex.escape(chr(av[0]))}-{regex.escape(chr(av[1]))}"
    if op is _c.CATEGORY and av in _CATEGORY_SOURCE:
        return _CATEGORY_SOURCE[av]
    raise Unsupported(f"character-class item {op}")


class RuleScanner:
    """The rules' relaxed patterns in one Hyperscan database, compiled or loaded on demand.

    :meth:`ends` returns, for a document, the end offsets (in characters) at which each rule's
    relaxed pattern matched, or None: no scanner here (not installed, turned off, not yet worth
    compiling) or a document it cannot promise anything about."""

    def __init__(self, patterns: list[tuple[str, int]], mode: str | None = None):
        """``mode``: "auto" (the default, or ``MTNORM_HYPERSCAN``), "1" (at once) or "0" (off)."""
        self._patterns = patterns  # (regex source, flags) per rule, in rule order
        self._lock = threading.Lock()
        self._local = threading.local()  # a Hyperscan scratch space per thread
        self._db = None
        self._state = "new"  # new -> ready | off
        self._seen = 0
        self.covered: frozenset[int] = frozenset()  # rules the database answers for
        mode = mode or os.environ.get("MTNORM_HYPERSCAN", "auto")
        self._looked_in_cache = False
        self._load_after = 0 if mode == "1" else LOAD_AFTER_BYTES
        self._compile_after = 0 if mode == "1" else COMPILE_AFTER_BYTES
        if mode == "0" or not patterns:
            self._state = "off"

    def ends(self, text: str) -> dict[int, list[int]] | None:
        if self._state != "ready" and not self._prepare(len(text)):
            return None
        if any(ch in text for ch in FOLDS_TO_ASCII):
            return None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: Hyperscan needs well-formed bytes
            return None
        hits: list[tuple[int, int]] = []
        add = hits.append
        self._database_scan(data, lambda rule, _start, end, _flags, _context: add((rule, end)))
        out: dict[int, list[int]] = {}
        if hits and len(data) != len(text):
            to_char = _char_ends(data, {end for _, end in hits})
            hits = [(rule, to_char[end]) for rule, end in hits]
        for rule, end in hits:
            out.setdefault(rule, []).append(end)
        return out

    def _database_scan(self, data: bytes, callback) -> None:
        import hyperscan

        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        self._db.scan(data, match_event_handler=callback, scratch=scratch)

    def prepare(self, expected: int) -> bool:
        """Load or compile the database now if the run will have done so by the time it has
        seen ``expected`` more bytes of text: a caller that knows its input's size (a corpus
        run) then scans all of it, and worker processes forked afterwards share the database
        instead of each loading or compiling it. True when ready."""
        if self._state == "new" and self._seen + expected >= self._load_after:
            self._prepare(expected)
            with self._lock:
                self._seen -= expected  # announced, not seen: the thresholds count text scanned
        return self._state == "ready"

    def _prepare(self, size: int) -> bool:
        """Load or compile the database once the run has seen enough text; True when ready."""
        if self._state == "off":
            return False
        with self._lock:
            self._seen += size
            if self._state != "new" or self._seen < self._load_after:
                return self._state == "ready"
            try:
                import hyperscan  # noqa: F401  (an optional dependency: x86-64 wheels only)
            except (ImportError, OSError):  # not installed, or its library cannot load here
                self._state = "off"
                return False
            if not self._looked_in_cache:
                self._looked_in_cache = True
                cached = _read_cache(self._key())
                if cached is not None:
                    self._open(cached)
            if self._state == "new" and self._seen >= self._compile_after:
                self._open(None)
        return self._state == "ready"

    def _open(self, cached) -> None:
        import hyperscan

        try:
            if cached is not None:
                covered, blob = cached
                self._db = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
            else:
                covered, self._db = _compile(self._patterns)
                _write_cache(self._key(), covered, hyperscan.dumpb(self._db))
        except (hyperscan.error, ValueError, TypeError, OSError, pickle.PickleError, EOFError):
            self._state = "off"
            return
        self.covered = frozenset(covered)
        self._state = "ready" if covered else "off"

    def _key(self) -> str:
        import hyperscan

        # keyed like a .pyc: this module's code (what relax() emits), Hyperscan's version, the rules
        h = hashlib.sha256(Path(__file__).read_bytes())
        h.update(getattr(hyperscan, "__version__", "?").encode())
        for source, flags in self._patterns:
            h.update(f"\0{flags}\0{source}".encode("utf-8", "surrogatepass"))
        return h.hexdigest()[:24]


def _compile(patterns: list[tuple[str, int]]):
    """Compile the relaxable patterns; those Hyperscan rejects ("pattern is too large") are
    found by halving the set and left out. Returns (rule indexes covered, database)."""
    import hyperscan

    relaxed = []
    for i, (source, flags) in enumerate(patterns):
        try:
            relaxed.append((i, relax(source, flags).encode("ascii")))
        except Unsupported:
            continue

    if not relaxed:
        return [], None

    def build(group):
        db = hyperscan.Database()
        db.compile(expressions=[p for _, p in group], ids=[i for i, _ in group], elements=len(group),
                   flags=[0] * len(group))
        return db

    def accepted(group):
        try:
            build(group)
            return list(group)
        except hyperscan.error:
            if len(group) == 1:
                return []
            half = len(group) // 2
            return accepted(group[:half]) + accepted(group[half:])

    try:
        return [i for i, _ in relaxed], build(relaxed)
    except hyperscan.error:
        kept = accepted(relaxed)
        return [i for i, _ in kept], build(kept) if kept else None


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


def _char_ends(data: bytes, ends: set[int]) -> dict[int, int]:
    """For byte offsets into UTF-8 ``data``, the offset just past the character holding the
    byte before each (a relaxed match may end inside a character: ``[\x80-\xff]+``): the
    number of characters that start before it."""
    out, chars, prev = {}, 0, 0
    for end in sorted(ends):
        chars += len(data[prev:end].translate(None, _CONTINUATION_BYTES))
        out[end], prev = chars, end
    return out


def _cache_file(key: str):
    return user_cache_dir() / f"hyperscan-{key}.db"


def _read_cache(key: str):
    path = _cache_file(key)
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError):
        return None


def _write_cache(key: str, covered: list[int], blob: bytes) -> None:
    """Only the newest few databases are kept (confirm.prune_cache)."""
    if write_cache_file(_cache_file(key), pickle.dumps((covered, blob), protocol=pickle.HIGHEST_PROTOCOL)):
        prune_cache("hyperscan-*.db")
