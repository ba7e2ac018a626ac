"""Document.from_text finds paragraphs, sentences and quotations with whole-text searches: every
field must be what the straightforward paragraph-by-paragraph walk below (the former
implementation, kept as the reference) gives, on news, on the rules' examples and on text made
to trip the searches (abbreviations, runs of terminal marks, every kind of space and quote)."""

import random
import re
from pathlib import Path
from typing import Iterator

import pytest

from normalizer.document import _ABBREVIATIONS, ISO_DATE, METADATA_PREFIX, Document, Span
from normalizer.language import _CHAINED
from normalizer.ruleset import load_rules

# -- the reference: the former implementation, as it was ----------------------------------
# Candidate sentence ends: terminal punctuation, optional closing quotes/brackets, then space.
_SENT_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9À-Ý])")
_PARAGRAPH_BREAK = re.compile(r"\n")
_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»"
_QUOTE_MARK = re.compile('[“«„”»"]')
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?")


def reference(text: str, path: str | None = None) -> Document:
    doc = Document(text=text, path=path)
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


# -- the texts -----------------------------------------------------------------------------
EDGE_CASES = [
    "", " ", " \n\t\n ", "\n\n\n", "x", ".", "A. B.", "\r\n", "One.\r\nTwo. Three.\r\n",
    "The U.S. President met the U.K. team. Then Mr. Smith and Dr. Who left. U.S. troops, e.g. Army.",
    "J. R. R. Tolkien wrote. É. Zola wrote. A.B.C. News said. NO. 10 was. etc. And more. MR. X left.",
    "Wait... What? Really?! Yes!. No.! Fine…. “Quoted.” Next. (Aside.) Then. 'Single.' Done. 3. 4.",
    "?Mr. Smith. !Dr. Who. Mr.? Yes. Mr.. No. a.m. Then p.m. Noon. approx. Ten. Approx. Ten.",
    "He said: « Bonjour » et « au revoir ». ” words ” and ” more ” here. «open only",
    "“Nested ‘quotes’ and “double” opens” end. “Unclosed at the end   \n\"straight \"pairs\" odd",
    "” at start ” then\n ”alone” x ” a “ b ” c\n\"a\" “b” \"c “d\" e” f",
    "Line\u2028with. Separators\u0085and\x0bvertical. Tabs.\tHere.\x0cFeed. Nbsp.\u00a0Space. Ok.",
    "date 2021-08-30 url http://x.org/a. The article. It goes on.\nsource bbc Not a prefix here.",
    "In 2004. 2005 was better. (Yes.) [No.] \"Quoted.\" 'Single.' ‘Curly.’ Ends here.",
    "ſt. Paul and K. Smith. İ. Test. Ⅷ. Roman. x_y. Under. a.b. Lower. _. Mark.",
]

_PIECES = list("aAzZ09 .!?…\"“”‘’'«»„()[]-,;:_/") + list("\t\n\r\u00a0\u2009\x85\x0b\u2028")
_PIECES += list("ÉÀÝÞß×İıſK") + ["Mr", "mr", "U.S", "e.g", "etc", "St", "approx", "J", "said", "The"]
_PIECES += [". ", ". The ", "... ", "!? ", ".\" ", ".” ", "” ", " “", " \"", " « ", " » ", "\n\n", "  "]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 60))) for _ in range(n)]


def _seed_texts() -> list[str]:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    return [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]


def _rule_example_texts() -> list[str]:
    return [ex.text for rule in load_rules().rules for ex in rule.examples_fire + rule.examples_no_fire]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases(text):
    assert Document.from_text(text, path="p") == reference(text, path="p")


def test_seeds_and_rule_examples():
    texts = _seed_texts() + _rule_example_texts()
    assert len(texts) > 100
    for text in texts:
        assert Document.from_text(text) == reference(text), text[:200]


def test_random_texts():
    for text in _random_texts(4000, seed=7):
        assert Document.from_text(text) == reference(text), text


def test_language_chained_apostrophes_as_before():
    """The chained-apostrophe search starts with the apostrophe (a fast search); it finds what
    the look-behind-first form finds."""
    before = re.compile(rb"(?<=a)'a++'(?=a)")
    rnd = random.Random(0)
    for _ in range(3000):
        runs = bytes(rnd.choice(b"a a'") for _ in range(rnd.randint(0, 12)))
        assert bool(_CHAINED.search(runs)) == bool(before.search(runs)), runs
