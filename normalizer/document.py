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
# Candidate sentence ends: terminal punctuation, optional closing quotes/brackets, then space.
_SENT_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9À-Ý])")
_PARAGRAPH_BREAK = re.compile(r"\n")
_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»"
_QUOTE_MARK = re.compile('[“«„”»"]')
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?")


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
        doc.paragraphs = list(_split_paragraphs(text))
        doc.sentences = [s for p in doc.paragraphs for s in _split_sentences(text, p)]
        doc.quotes = sorted((q for p in doc.paragraphs for q in _find_quotes(text, p)), key=lambda q: q.start)
        doc._sentence_starts = [s.start for s in doc.sentences]
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


def _split_paragraphs(text: str) -> Iterator[Span]:
    """Each non-blank line is a paragraph: news text has one paragraph per line, and no
    sentence ever crosses a line break."""
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text + "\n"):
        line_start, line_end = pos, m.start()
        pos = m.end()
        # trim surrounding whitespace
        while line_start < line_end and text[line_start].isspace():
            line_start += 1
        while line_end > line_start and text[line_end - 1].isspace():
            line_end -= 1
        if line_end > line_start:
            yield Span(line_start, line_end)


def _split_sentences(text: str, para: Span) -> Iterator[Span]:
    start = para.start
    chunk = text[para.start : para.end]
    for m in _SENT_END.finditer(chunk):
        end = para.start + m.end()
        if m.group(0).startswith(".") and len(m.group(0).rstrip("\"”’')]")) == 1:
            w = _word_before(text, start, para.start + m.start())
            if w and (w.lower().rstrip(".") in _ABBREVIATIONS or _is_initial(w)):
                continue
        yield Span(start, end)
        start = end
        while start < para.end and text[start].isspace():
            start += 1
    if start < para.end:
        yield Span(start, para.end)


def _word_before(text: str, start: int, end: int) -> str:
    r"""The word (letters, digits, "_" and periods: regex ``[\w.]+``) ending at ``end``, not
    reaching before ``start``. A backward walk over a few characters: a regex search for a word
    at the end of a span would try every start position in the span."""
    i = end
    while i > start and (text[i - 1].isalnum() or text[i - 1] in "._"):
        i -= 1
    return text[i:end]


def _is_initial(word: str) -> bool:
    # "J." or "U.S" style initials
    return len(word) == 1 and word.isupper() or _INITIALS.fullmatch(word) is not None


def _find_quotes(text: str, para: Span) -> Iterator[Span]:
    """Quotation spans (including the marks) within one paragraph.

    Curly quotes pair an opening mark with the next closing one. Machine-translated text often
    renders French guillemets as two closing marks (” words ”); a closing mark with nothing open
    that is followed by another closing mark in the paragraph opens a quote too. Straight double
    quotes alternate. An unclosed quote runs to the end of the paragraph (news style for quotes
    that continue in the next paragraph).
    """
    # Visit only the quote marks (a regex finds them at C speed), not every character.
    marks = [(m.start(), m.group()) for m in _QUOTE_MARK.finditer(text, para.start, para.end)]
    open_at: int | None = None
    straight_open: int | None = None
    k = 0
    while k < len(marks):
        i, ch = marks[k]
        if ch in _OPEN_QUOTES:
            if open_at is None:
                open_at = i
        elif ch in _CLOSE_QUOTES:
            if open_at is not None:
                yield Span(open_at, i + 1)
                open_at = None
            elif i == para.start or text[i - 1].isspace():
                # ” words ”: the next mark, if it is a closing one, ends this quote
                if k + 1 < len(marks) and marks[k + 1][1] in _CLOSE_QUOTES:
                    yield Span(i, marks[k + 1][0] + 1)
                    k += 1
        elif straight_open is None:
            straight_open = i
        else:
            yield Span(straight_open, i + 1)
            straight_open = None
        k += 1
    for o in (open_at, straight_open):
        if o is not None:
            yield Span(o, para.end)
