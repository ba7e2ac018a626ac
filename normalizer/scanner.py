"""One Hyperscan pass over a document: where may each rule's regex match?

The rules stage runs each rule's regex (the ``regex`` module, with lookarounds, antipatterns,
group names) only on the sentences or paragraphs where it may match. The portable way to find
them is the anchor and needle automata in detect.py. Where the ``hyperscan`` package is
installed (a dependency where it has wheels), one scan of the document with every rule
compiled into a database does the same work at a fraction of the cost, and more precisely
(whole patterns, not anchor words).

Each rule's pattern is rewritten by :func:`relax` into a pattern for Hyperscan that matches
*at least* wherever the original matches in a sentence or paragraph of the document (a
superset, never a subset): assertions that need the span's edges (``^``, ``\\b``, negative
lookarounds) are dropped, a leading lookbehind or trailing lookahead is consumed as text (a
leading negative lookbehind of one character as any other character, or the data's start),
back-references match anything, character classes are widened to whole byte runs for
non-ASCII characters. The original regex then runs, as before, on each span where the relaxed
one ended, so findings are exactly those of the anchor path (``tests/test_scanner.py`` runs both).
A rule the rewrite cannot handle, or that Hyperscan rejects, keeps the anchor path.

Most rules are words joined by white space (``said\\s+to\\s+the``). Hyperscan finds
those several times faster as one literal ("said to the") than as words joined by runs of a
byte class, so they are relaxed for the document's *space view* (:func:`space_view`), in
which every run of white space within a line is one plain space, and scanned there; offsets
are mapped back. The few rules that tell white spaces apart (narrow no-break spaces) or need
two in a row have a second database, scanned over the text itself. On the BBC corpus that
is 30 -> 7 ms a MB of scanning for the shipped rules.

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

import bisect
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

# The space view (space_view): white space within a line, all of it one plain space there. A
# line break stays: no span a rule runs on holds one (a paragraph is a line).
_INLINE_SPACES = "\t\x0b\x0c\r " + SPACE_NON_ASCII
_ASCII_SPACES = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20}
_VIEW_SPACE = ({0x20}, set(), False)  # what scanned_members says of an item matching only spaces


class Unsupported(ValueError):
    """The pattern uses something :func:`relax` cannot widen safely."""


def relax(pattern: str, flags: int = 0, view: bool = False) -> str:
    """A Hyperscan pattern (over UTF-8 bytes) that matches wherever ``pattern`` matches in a
    span of a text, ending at the same place or later inside the span.

    ``view``: a pattern for the text's :func:`space_view` instead, in which every white space
    is one plain space: ``\\s+`` becomes a literal space, and "said to the" one literal that
    Hyperscan finds several times faster than words joined by runs of a byte class. A pattern
    that tells white spaces apart (a rule about narrow no-break spaces) or that may match two
    in a row (``\\s\\s+``: a view has only one) raises Unsupported."""
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
    body = _Relaxer(view).edge(list(parsed), icase, True, True)
    if not body:
        raise Unsupported("matches the empty string")
    relaxed = "(?i:" + body + ")" if icase else body
    if view and _spaces_may_touch(_sre_parse.parse(relaxed)):
        raise Unsupported("may match two white spaces in a row")
    return relaxed


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

    def __init__(self, view: bool = False):
        self.view = view

    def edge(self, items: list, icase: bool, start: bool, end: bool, prefixed: bool = False) -> str:
        """A sequence at the start and/or end of the pattern. The positive lookbehind right
        before its first consuming item and the positive lookahead right after its last hold
        text of the searched span next to the match: they are consumed (the match grows and
        stays inside the span). A negative lookbehind of one character there (a word's start,
        ``(?<![\\w'’-])``) becomes the data's start or a byte that may be another character
        (see :meth:`not_after`), unless an enclosing sequence already consumed the character
        before the match (``prefixed``). Every other assertion is dropped."""
        consuming = [k for k, (op, _av) in enumerate(items) if op not in _ZERO_WIDTH]
        if not consuming:
            return ""
        first, last = consuming[0], consuming[-1]
        out = []
        if start:
            behind = [av for op, av in items[:first] if op is _c.ASSERT and av[0] == -1]
            if behind:
                out.append("(?:" + self.edge(list(behind[-1][1]), icase, True, False) + ")")
                prefixed = True
            elif not prefixed:
                out.append(self.not_after(items[:first], icase))
                prefixed = bool(out[-1])
        for k in range(first, last + 1):
            op, av = items[k]
            at_start, at_end = start and k == first, end and k == last
            if (at_start or at_end) and op is _c.SUBPATTERN:
                _group, add, delete, body = av
                inner = True if add & re.IGNORECASE else (False if delete & re.IGNORECASE else icase)
                out.append(self._open(icase, inner) + self.edge(list(body), inner, at_start, at_end, prefixed) + ")")
            elif (at_start or at_end) and op is _c.BRANCH:
                out.append("(?:" + "|".join(self.edge(list(a), icase, at_start, at_end, prefixed) for a in av[1])
                           + ")")
            else:
                out.append(self.node(op, av, icase))
        if end:
            ahead = [av for op, av in items[last + 1 :] if op is _c.ASSERT and av[0] == 1]
            if ahead:
                out.append("(?:" + self.edge(list(ahead[0][1]), icase, False, True) + ")")
        return "".join(out)

    def not_after(self, assertions: list, icase: bool) -> str:
        """What a match's first character must follow, as text consumed before it, from the
        negative lookbehinds of one character among ``assertions``: the start of the data or a
        byte that is no ASCII character they forbid (a byte >= 0x80 may end any other
        character). "" when there are none, or when one forbids ASCII white space: a span
        begins at the start of a line or after white space (document.py), so a match at a
        span's start follows white space in the text, which its lookbehind did not see."""
        forbidden: set[int] = set()
        for op, av in assertions:
            if op is _c.ASSERT_NOT and av[0] == -1 and len(av[1]) == 1 and av[1][0][0] in _ONE_CHARACTER:
                forbidden |= self.members(*av[1][0], icase)[0]
        if not forbidden or forbidden & _ASCII_SPACES:
            return ""
        return "(?:^|" + _ascii_class(set(range(0x100)) - forbidden) + ")"

    @staticmethod
    def _open(outer: bool, inner: bool) -> str:
        if inner == outer:
            return "(?:"
        return "(?i:" if inner else "(?-i:"

    def seq(self, items, icase: bool) -> str:
        return "".join(self.node(op, av, icase) for op, av in items)

    def node(self, op, av, icase: bool) -> str:
        # case is Hyperscan's (?i:) where the pattern is case-insensitive; a space, the view's
        if op is _c.LITERAL and av < 128 and not (self.view and chr(av) in _INLINE_SPACES):
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
                ascii_codes, exact, any_non_ascii = self.scanned_members(*body[0], icase)
                if self.view and (ascii_codes, exact, any_non_ascii) == _VIEW_SPACE:
                    return " ?" if lo == 0 else " "  # a run of white space is one space in the view
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
    def members(op, av, icase: bool) -> tuple[set[int], set[str], bool, set[str]]:
        """What a one-character item matches: the ASCII code points, found by asking the regex
        module itself; the non-ASCII characters it lists (without case to fold); whether it
        may match other non-ASCII characters; and the white spaces within a line it matches."""
        if op is _c.NOT_LITERAL:
            return set(range(128)) - {av}, set(), True, set(_INLINE_SPACES) - {chr(av)}
        if op is _c.ANY:
            return set(range(128)), set(), True, set(_INLINE_SPACES)
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
        return ascii_codes, exact, any_non_ascii, {c for c in _INLINE_SPACES if probe.match(c)}

    def scanned_members(self, op, av, icase: bool) -> tuple[set[int], set[str], bool]:
        """:meth:`members` as the scanned text has them: in the space view an item that
        matches a white space matches its one space instead. One that matches some white
        spaces but not the plain space would match every space there: Unsupported."""
        ascii_codes, exact, any_non_ascii, spaces = self.members(op, av, icase)
        if not (self.view and spaces):
            return ascii_codes, exact, any_non_ascii
        if " " not in spaces:
            raise Unsupported("tells white spaces apart")
        return (ascii_codes - _ASCII_SPACES) | {0x20}, exact - set(SPACE_NON_ASCII), any_non_ascii

    def charset(self, op, av, icase: bool) -> str:
        """A one-character item as a byte pattern: a non-ASCII character as its bytes when the
        item lists it, else as any run of bytes >= 0x80."""
        ascii_codes, exact, any_non_ascii = self.scanned_members(op, av, icase)
        if self.view and (ascii_codes, exact, any_non_ascii) == _VIEW_SPACE:
            return " "
        options = [_ascii_class(ascii_codes)] if ascii_codes else []
        options += [_NON_ASCII] if any_non_ascii else _utf8_alternatives(exact)
        if not options:
            raise Unsupported("a character class that matches nothing")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _spaces_may_touch(items) -> bool:
    """Whether a (relaxed, space view) pattern may match two characters in a row that may
    each be a space: the view has no such place, so the pattern would miss matches."""
    return _shape(list(items))[3]


def _shape(items: list) -> tuple[bool, bool, bool, bool]:
    """(may match the empty string, a match may start with a space, may end with one, two
    spaces may touch) for a sequence of parsed items."""
    empty, first, last, touch = True, False, False, False
    for op, av in items:
        e, f, l, t = _node_shape(op, av)
        touch = touch or t or (last and f)
        first = first or (empty and f)
        last = l or (e and last)
        empty = empty and e
    return empty, first, last, touch


def _node_shape(op, av) -> tuple[bool, bool, bool, bool]:
    if op is _c.LITERAL:
        return False, av == 0x20, av == 0x20, False
    if op is _c.IN:  # relaxed classes hold literals and ranges only
        space = any((o is _c.LITERAL and a == 0x20) or (o is _c.RANGE and a[0] <= 0x20 <= a[1]) for o, a in av)
        return False, space, space, False
    if op in _ONE_CHARACTER:
        return False, True, True, False
    if op is _c.SUBPATTERN:
        return _shape(list(av[3]))
    if op is _c.BRANCH:
        shapes = [_shape(list(a)) for a in av[1]]
        return tuple(any(s[i] for s in shapes) for i in range(4))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo, hi, body = av
        e, f, l, t = _shape(list(body))
        # Repeats of one character class ("[^,]+") take a view's one space in one turn; other
        # bodies ending and starting with a space, or more turns than one, may need two.
        one_character = len(body) == 1 and body[0][0] in _ONE_CHARACTER and lo <= 1
        return e or lo == 0, f, l, t or (hi > 1 and l and f and not one_character)
    return True, False, False, False  # zero-width


def space_view(data: bytes, no_wide_spaces: bool) -> tuple[bytes, list[tuple[int, int, int]]]:
    """The UTF-8 ``data`` of a text as the view patterns see it: every run of white space
    within a line one plain space (tab, no-break and narrow no-break spaces included), line
    breaks kept; and the runs that changed length, as (view offset, original offset, original
    end). Most texts need only a byte translation: their white space within lines is already
    single plain spaces. ``no_wide_spaces``: the text is known to have no white space outside
    ASCII (:func:`plain_spaces`; an ASCII text has none); else the runs are looked for."""
    view = data.translate(_TABS_TO_SPACES)
    if no_wide_spaces and b"  " not in view:
        return view, []
    runs, parts, prev, shift = [], [], 0, 0
    for m in _SPACE_RUN.finditer(view):
        a, b = m.span()
        parts.append(view[prev:a])
        parts.append(b" ")
        runs.append((a - shift, a, b))
        shift += b - a - 1
        prev = b
    parts.append(view[prev:])
    return b"".join(parts), runs


def view_to_original(end: int, runs: list[tuple[int, int, int]], starts: list[int]) -> int:
    """The end offset in the original data of a match that ends at ``end`` in the view: a
    match ending on a collapsed run's space ends on the run's first byte (inside the match)."""
    k = bisect.bisect_right(starts, end - 1) - 1
    if k < 0:
        return end
    view_at, original_at, original_end = runs[k]
    if view_at == end - 1:
        return original_at + 1
    return end + (original_end - original_at - 1) + (original_at - view_at)


def plain_spaces(text: str) -> bool:
    """Whether ``text`` has no white space outside ASCII: one str search per such space,
    several times faster than a regular expression over the bytes, and nothing for a text
    whose characters all lie below them (most of those that are not ASCII)."""
    return text.isascii() or not any(c in text for c in SPACE_NON_ASCII)


_TABS_TO_SPACES = bytes.maketrans(b"\t\x0b\x0c\r", b"    ")
_NON_ASCII_SPACE_BYTES = b"|".join(re.escape(c.encode("utf-8")) for c in SPACE_NON_ASCII)
# A run to collapse: one holding a non-ASCII white space, or two plain spaces or more.
_SPACE_RUN = re.compile(rb"(?: *(?:" + _NON_ASCII_SPACE_BYTES + rb"))+ *| {2,}")


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
    """The rules' relaxed patterns in Hyperscan databases (one scanned over the text's space
    view, one over the text itself, for the few rules the view cannot serve), compiled or
    loaded on demand.

    :meth:`ends` returns, for a document, the end offsets (in characters) at which each rule's
    relaxed pattern matched, or None: no scanner here (not installed, turned off, not yet worth
    compiling) or a document it cannot promise anything about."""

    def __init__(self, patterns: list[tuple[str, int]], mode: str | None = None):
        """``mode``: "auto" (the default, or ``MTNORM_HYPERSCAN``), "1" (at once) or "0" (off)."""
        self._patterns = patterns  # (regex source, flags) per rule, in rule order
        self._lock = threading.Lock()
        self._local = threading.local()  # a Hyperscan scratch space per thread
        self._databases: list = [None, None]  # the space-view database, the raw-text one
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
        ascii_text = text.isascii()
        if not ascii_text and any(ch in text for ch in FOLDS_TO_ASCII):
            return None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: Hyperscan needs well-formed bytes
            return None
        hits: list[tuple[int, int]] = []
        add = hits.append
        on_match = lambda rule, _start, end, _flags, _context: add((rule, end))  # noqa: E731
        if self._databases[1] is not None:
            self._database_scan(1, data, on_match)
        if self._databases[0] is not None:
            view, runs = space_view(data, plain_spaces(text))
            if not runs:
                self._database_scan(0, view, on_match)
            else:
                from_view: list[tuple[int, int]] = []
                self._database_scan(0, view, lambda rule, _s, end, _f, _c: from_view.append((rule, end)))
                starts = [r[0] for r in runs]
                hits += [(rule, view_to_original(end, runs, starts)) for rule, end in from_view]
        out: dict[int, list[int]] = {}
        if hits and not ascii_text:
            to_char = char_ends(data, {end for _, end in hits})
            hits = [(rule, to_char[end]) for rule, end in hits]
        for rule, end in hits:
            out.setdefault(rule, []).append(end)
        return out

    def _database_scan(self, which: int, data: bytes, callback) -> None:
        import hyperscan

        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = self._local.scratches = [None, None]
        db = self._databases[which]
        if scratches[which] is None:
            scratches[which] = hyperscan.Scratch(db)
        db.scan(data, match_event_handler=callback, scratch=scratches[which])

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
                import hyperscan  # noqa: F401  (a dependency only where it has wheels)
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
            if cached is None:
                compiled = _compile(self._patterns)
                cached = [(covered, hyperscan.dumpb(db) if db is not None else None) for covered, db in compiled]
                _write_cache(self._key(), cached)
            else:
                compiled = [(covered, hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK) if blob else None)
                            for covered, blob in cached]
        except (hyperscan.error, ValueError, TypeError, OSError, pickle.PickleError, EOFError):
            self._state = "off"
            return
        self._databases = [db for _, db in compiled]
        self.covered = frozenset(k for covered, _ in compiled for k in covered)
        self._state = "ready" if self.covered else "off"

    def _key(self) -> str:
        import hyperscan

        # keyed like a .pyc: this module's code (what relax() emits), Hyperscan's version, the rules
        h = hashlib.sha256(Path(__file__).read_bytes())
        h.update(getattr(hyperscan, "__version__", "?").encode())
        for source, flags in self._patterns:
            h.update(f"\0{flags}\0{source}".encode("utf-8", "surrogatepass"))
        return h.hexdigest()[:24]


def _compile(patterns: list[tuple[str, int]]) -> list[tuple[list[int], object]]:
    """[(rule indexes covered, database)] for the space view, then for the raw text: each
    pattern goes to the view when relax() can write it for the view, else to the raw text
    when it can write it at all. Patterns Hyperscan rejects ("pattern is too large") are found
    by halving the set: one rejected for the view is tried on the raw text, then left out."""
    import hyperscan

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

    def compiled(group):
        try:
            return group, build(group) if group else None
        except hyperscan.error:
            kept = accepted(group)
            return kept, build(kept) if kept else None

    view = []
    for i, (source, flags) in enumerate(patterns):
        try:
            view.append((i, relax(source, flags, view=True).encode("ascii")))
        except Unsupported:
            continue
    view, view_db = compiled(view)
    in_view = {i for i, _ in view}
    raw = []
    for i, (source, flags) in enumerate(patterns):
        if i not in in_view:
            try:
                raw.append((i, relax(source, flags).encode("ascii")))
            except Unsupported:
                continue
    raw, raw_db = compiled(raw)
    return [([i for i, _ in view], view_db), ([i for i, _ in raw], raw_db)]


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


def char_ends(data: bytes, ends: set[int]) -> dict[int, int]:
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


def _write_cache(key: str, databases: list) -> None:
    """Only the newest few databases are kept (confirm.prune_cache)."""
    if write_cache_file(_cache_file(key), pickle.dumps(databases, protocol=pickle.HIGHEST_PROTOCOL)):
        prune_cache("hyperscan-*.db")
