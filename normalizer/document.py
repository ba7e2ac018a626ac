"""The Document: the one object that flows through the pipeline.

It holds the original text and its structure (metadata prefix, paragraphs, sentences, quotations),
all as spans of the ORIGINAL text, plus the findings the stages attach. Stages never rewrite
``text``; only the apply stage produces new text from chosen edits.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
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


def _maybe_abbreviation() -> re.Pattern:
    """A lone period after a word of one character, after initials ("U.S"), or after a word that
    case-insensitively is an abbreviation: all periods ``_is_abbreviation`` accepts, and a few
    more (case folding is wider than ``str.lower``). A period first, a literal character, makes
    the search fast; a look-behind must have one width, so there is one for each length of
    abbreviation."""
    lengths: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS):
        lengths.setdefault(len(word), []).append(re.escape(word))
    behind = [r"(?<![\w.])\w", r"\.[A-Z]"]  # a word of one character; initials
    behind += [r"(?<![\w.])(?i:%s)" % "|".join(words)
               for n, words in sorted(lengths.items()) if n > 1]
    return re.compile(r"\.(?:%s)(?![.!?…])" % "|".join(rf"(?<={b}\.)" for b in behind))


_MAYBE_ABBREVIATION = _maybe_abbreviation()


# A paragraph: a line trimmed of surrounding whitespace, when anything is left.
_PARAGRAPH = re.compile(r"\S(?:[^\n]*\S)?")
# Candidate sentence ends: a run of terminal punctuation, optional closing quotes/brackets, then
# space (group 1, within the line: no sentence crosses a paragraph) and a capital or a digit.
# Searched for in a copy of the text in which every terminal mark is a period (``_as_periods``).
_SENT_END = re.compile(r"\.\.*[\"”’')\]]*(?=([^\S\n]+)[\"“‘'(\[]?[A-Z0-9À-Ý])")
_TERMINAL_MARKS = "!?…"
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?")
# Quotations, the marks included, within one line. Straight double quotes alternate; an unclosed
# quote runs to the end of the paragraph (news style for quotes that continue in the next one).
_UNTIL_PARAGRAPH_END = r"[^\n]*?(?=[^\S\n]*(?:\n|\Z))"
_STRAIGHT_QUOTE = re.compile(r'"(?:[^"\n]*"|%s)' % _UNTIL_PARAGRAPH_END)
# A curly opening mark pairs with the next closing one. Machine-translated text often renders
# French guillemets as two closing marks (” words ”): a closing mark with nothing open, at the
# start of the paragraph or after a space, opens a quote too when the next quote mark of the
# paragraph is a closing one.
_CURLY_QUOTE = re.compile(
    r'[“«„](?:[^”»\n]*[”»]|%s)|(?<!\S)[”»][^“«„”»"\n]*[”»]' % _UNTIL_PARAGRAPH_END
)
_CURLY_MARKS = "“«„”»"


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


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
        doc.paragraphs = _paragraphs(text)
        doc.sentences, doc._sentence_starts = _sentences(text, doc.paragraphs)
        doc.quotes = _quotes(text)
        doc._quote_starts = [q.start for q in doc.quotes]
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


def _paragraphs(text: str) -> list[Span]:
    """Each non-blank line is a paragraph: news text has one paragraph per line, and no
    sentence ever crosses a line break."""
    return [Span(*m.span()) for m in _PARAGRAPH.finditer(text)]


def _sentences(text: str, paragraphs: list[Span]) -> tuple[list[Span], list[int]]:
    """The sentences of all paragraphs, and their starts.

    A paragraph starts a sentence and ends one; so does each sentence end found in it, except a
    lone period after an abbreviation or initials ("Mr. Smith", "J. Smith", "U.S. President").
    One search over the whole text finds the ends, and the sentences are the sorted starts
    paired with the sorted ends."""
    starts = [p.start for p in paragraphs]
    ends = [p.end for p in paragraphs]
    abbreviated = _abbreviation_periods(text)
    for m in _SENT_END.finditer(_as_periods(text)):
        if m.start() not in abbreviated:
            ends.append(m.end())
            starts.append(m.end(1))
    starts.sort()
    ends.sort()
    return list(map(Span, starts, ends)), starts


def _as_periods(text: str) -> str:
    """``text`` with every terminal mark a period: the same positions and runs of terminal marks,
    found by a pattern that starts with one literal character (searched for at memchr speed,
    where a character class is tested at every position)."""
    for mark in _TERMINAL_MARKS:
        text = text.replace(mark, ".")
    return text


def _abbreviation_periods(text: str) -> set[int]:
    """Where a lone period follows an abbreviation or initials. ``_MAYBE_ABBREVIATION`` finds
    the few periods that may; the word before each decides."""
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


def _quotes(text: str) -> list[Span]:
    """Quotation spans (including the marks), in order of their starts. Straight and curly marks
    pair independently of each other; the search for curly ones runs only where there are any."""
    spans = [m.span() for m in _STRAIGHT_QUOTE.finditer(text)]
    if any(map(text.__contains__, _CURLY_MARKS)):
        spans += [m.span() for m in _CURLY_QUOTE.finditer(text)]
        spans.sort()
    return [Span(*s) for s in spans]
