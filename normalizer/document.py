"""The Document: the one object that flows through the pipeline.

It holds the original text and its structure (metadata prefix, paragraphs, sentences, quotations),
all as spans of the ORIGINAL text, plus the findings the stages attach. Stages never rewrite
``text``; only the apply stage produces new text from chosen edits.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from itertools import repeat
from typing import Iterator

from .findings import Finding

# A leading corpus metadata prefix such as " date 2021-08-30 " must survive untouched.
METADATA_PREFIX = re.compile(
    r"^\s*(?:(?:date|published|updated|url|source|id|lang)[:=]?\s+\S+\s+)+", re.IGNORECASE
)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "st", "mt", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g",
    "i.e", "a.m", "p.m", "m", "mme", "fig", "approx", "dept", "est", "rev", "hon", "ft",
}


# What follows a sentence end: optional closing quotes/brackets, then space (group 1, within the
# line: no sentence crosses a paragraph) and a capital or a digit.
_BEFORE_NEXT_SENTENCE = r"[\"”’')\]]*(?=([^\S\n]+)[\"“‘'(\[]?[A-Z0-9À-Ý])"


def _maybe_abbreviation() -> re.Pattern:
    """A lone period that may end a sentence, after a word of one character, after initials
    ("U.S"), or after a word that case-insensitively is an abbreviation: all such periods
    ``_is_abbreviation`` accepts, and a few more (case folding is wider than ``str.lower``). A
    period first, a literal character, makes the search fast; what follows it is checked next
    (most periods that do not end a sentence are in numbers), then whether the seven characters
    before it are all word characters (no abbreviation is that long: most sentence ends go no
    further); a look-behind must have one width, so there is one for each length of
    abbreviation."""
    lengths: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS):
        lengths.setdefault(len(word), []).append(re.escape(word))
    behind = [r"(?<![\w.])\w", r"\.[A-Z]"]  # a word of one character; initials
    behind += [r"(?<![\w.])(?i:%s)" % "|".join(words)
               for n, words in sorted(lengths.items()) if n > 1]
    longest = max(map(len, _ABBREVIATIONS))
    return re.compile(r"\.(?=%s)(?<!\w{%d}\.)(?:%s)"
                      % (_BEFORE_NEXT_SENTENCE, longest + 1, "|".join(rf"(?<={b}\.)" for b in behind)))


_MAYBE_ABBREVIATION = _maybe_abbreviation()


# A paragraph: a line trimmed of surrounding whitespace, when anything is left (news text has
# one paragraph per line, and no sentence ever crosses a line break).
_PARAGRAPH = re.compile(r"\S(?:[^\n]*\S)?")
# Candidate sentence ends: a run of terminal punctuation and what follows a sentence end.
# Searched for in a copy of the text in which every terminal mark is a period (``_as_periods``).
_SENT_END = re.compile(r"\.\.*" + _BEFORE_NEXT_SENTENCE)
_TERMINAL_MARKS = "!?…"
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?")
# Quotations, the marks included, within one line. Straight double quotes alternate; an unclosed
# quote runs to the end of the paragraph (news style for quotes that continue in the next one):
# to its last non-space character, found by running to the line's end and stepping back (a lazy
# repeat would try the paragraph's end after every character).
_UNTIL_PARAGRAPH_END = r"(?:[^\n]*\S)?"
_STRAIGHT_QUOTE = re.compile(r'"(?:[^"\n]*"|%s)' % _UNTIL_PARAGRAPH_END)
# A curly opening mark pairs with the next closing one. Machine-translated text often renders
# French guillemets as two closing marks (” words ”): a closing mark with nothing open, at the
# start of the paragraph or after a space, opens a quote too when the next quote mark of the
# paragraph is a closing one.
_CURLY_QUOTE = re.compile(
    r'[“«„](?:[^”»\n]*[”»]|%s)|(?<!\S)[”»][^“«„”»"\n]*[”»]' % _UNTIL_PARAGRAPH_END
)
_CURLY_MARKS = "“«„”»"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


class _NewSpan:
    """Makes a Span at the cost of a plain object. A frozen dataclass's ``__init__`` sets each
    field through ``object.__setattr__``: two calls that made a Span cost ~2.5 times a plain
    object, a third of ``Document.from_text`` (67,000 spans on BBC). This class has the same
    slots, set by plain stores, and then becomes a Span."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start = start
        self.end = end
        self.__class__ = Span  # type: ignore[assignment]


def _spans(starts, ends) -> list[Span]:
    return list(map(_NewSpan, starts, ends))


@dataclass
class Document:
    text: str
    path: str | None = None
    prefix: Span = Span(0, 0)
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    quotes: list[Span] = field(default_factory=list)
    language: str | None = None
    # The article's own date (from the metadata prefix), used to resolve numeric dates.
    date: tuple[int, int, int] | None = None
    findings: list[Finding] = field(default_factory=list)
    # What stages derive from the text and share, keyed by who computed it (the rules stage's
    # anchor hits serve both the repair and the detectors stage; the duplication detector's
    # sentence words serve its five rules).
    cache: dict = field(default_factory=dict, repr=False, compare=False)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _quote_starts: list[int] = field(default_factory=list, repr=False)

    @classmethod
    def from_text(cls, text: str, path: str | None = None) -> "Document":
        doc = cls(text=text, path=path)
        m = METADATA_PREFIX.match(text)
        if m:
            doc.prefix = Span(0, m.end())
            d = ISO_DATE.search(m.group(0))
            if d:
                doc.date = (int(d.group(1)), int(d.group(2)), int(d.group(3)))
        paragraph_starts, paragraph_ends = _starts_and_ends(_PARAGRAPH.finditer(text))
        doc.paragraphs = _spans(paragraph_starts, paragraph_ends)
        doc._sentence_starts, sentence_ends = _sentences(text, paragraph_starts, paragraph_ends)
        doc.sentences = _spans(doc._sentence_starts, sentence_ends)
        doc._quote_starts, quote_ends = _quotes(text)
        doc.quotes = _spans(doc._quote_starts, quote_ends)
        return doc

    # -- lookups used by every detector -------------------------------------------------
    def sentence_index(self, pos: int) -> int:
        """Index of the sentence containing ``pos`` (or the one before it)."""
        return max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)

    def sentence_at(self, pos: int) -> Span:
        if not self.sentences:
            return Span(0, len(self.text))
        return self.sentences[self.sentence_index(pos)]

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.text[s.start : s.end]

    def in_quote(self, start: int, end: int | None = None) -> bool:
        """True when [start, end) lies inside a quotation (the speaker's own words)."""
        end = start + 1 if end is None else end
        i = bisect.bisect_right(self._quote_starts, start) - 1
        return i >= 0 and self.quotes[i].start <= start and end <= self.quotes[i].end

    def in_prefix(self, start: int) -> bool:
        return start < self.prefix.end

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def iter_sentences(self) -> Iterator[tuple[int, Span, str]]:
        for i, s in enumerate(self.sentences):
            yield i, s, self.text[s.start : s.end]


def _starts_and_ends(matches) -> tuple[list[int], list[int]]:
    """Where the matches start and where they end, read at C speed."""
    found = list(matches)
    return list(map(re.Match.start, found)), list(map(re.Match.end, found))


def _sentences(text: str, paragraph_starts: list[int], paragraph_ends: list[int]) -> tuple[list[int], list[int]]:
    """The starts and the ends of the sentences of all paragraphs.

    A paragraph starts a sentence and ends one; so does each sentence end found in it, except a
    lone period after an abbreviation or initials ("Mr. Smith", "J. Smith", "U.S. President").
    One search over the whole text finds the ends, and the sentences are the sorted starts
    paired with the sorted ends."""
    found = list(_SENT_END.finditer(_as_periods(text)))
    abbreviated = _abbreviation_periods(text)
    if abbreviated:
        found = [m for m in found if m.start() not in abbreviated]
    starts = paragraph_starts + list(map(re.Match.end, found, repeat(1)))
    ends = paragraph_ends + list(map(re.Match.end, found))
    starts.sort()
    ends.sort()
    return starts, ends


def _as_periods(text: str) -> str:
    """``text`` with every terminal mark a period: the same positions and runs of terminal marks,
    found by a pattern that starts with one literal character (searched for at memchr speed,
    where a character class is tested at every position)."""
    for mark in _TERMINAL_MARKS:
        text = text.replace(mark, ".")
    return text


def _abbreviation_periods(text: str) -> set[int]:
    """Where a lone period that may end a sentence follows an abbreviation or initials.
    ``_MAYBE_ABBREVIATION`` finds the few periods that may; the word before each decides."""
    return {m.start() for m in _MAYBE_ABBREVIATION.finditer(text)
            if _is_abbreviation(_word_before(text, m.start()))}


def _word_before(text: str, end: int) -> str:
    r"""The word (letters, digits, "_" and periods: regex ``[\w.]+``) ending at ``end``."""
    i = end
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "._"):
        i -= 1
    return text[i:end]


def _is_abbreviation(word: str) -> bool:
    """True for an abbreviation or initials ("J." or "U.S" style), after which a period does not
    end a sentence."""
    return (word.lower() in _ABBREVIATIONS or len(word) == 1 and word.isupper()
            or _INITIALS.fullmatch(word) is not None)


def _quotes(text: str) -> tuple[list[int], list[int]]:
    """The starts and ends of the quotations (including the marks), in order of their starts.
    Straight and curly marks pair independently of each other; each search runs only where
    there are such marks, from the first."""
    first = text.find('"')
    spans = [m.span() for m in _STRAIGHT_QUOTE.finditer(text, first)] if first >= 0 else []
    if not text.isascii() and any(map(text.__contains__, _CURLY_MARKS)):  # isascii: a flag
        spans += [m.span() for m in _CURLY_QUOTE.finditer(text)]
        spans.sort()
    return [a for a, _ in spans], [b for _, b in spans]
