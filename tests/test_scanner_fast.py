"""The scanner's space view skips the search for runs of white space when a text has no white
space outside ASCII (scanner.plain_spaces, a str search per such space): the view must be the
one the full search gives."""

import random

from normalizer import scanner

ATOMS = ["word", "Été", "’", "£", "\u212a", " ", "  ", "\t", "\r", "\n", "\u00a0", "\u202f", "\u2009",
         "\u3000", "\u1680", "\x85", "\u2028", ".", "“", "—"]


def _texts(n: int) -> list[str]:
    rng = random.Random(5)
    return ["".join(rng.choice(ATOMS) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def test_plain_spaces_tells_texts_without_white_space_outside_ascii():
    for text in _texts(3000):
        assert scanner.plain_spaces(text) == (not any(c in scanner.SPACE_NON_ASCII for c in text)), text


def test_the_view_of_a_text_with_plain_spaces_needs_no_search_for_wide_ones():
    for text in _texts(3000):
        data = text.encode("utf-8")
        assert scanner.space_view(data, scanner.plain_spaces(text)) == scanner.space_view(data, False), text


def test_every_span_a_rule_runs_on_starts_a_line_or_follows_white_space():
    # relax() turns a rule's leading one-character negative lookbehind into "the data's start
    # or a character it forbids not": sound only because the text before a span's first
    # character, which the rule's regex does not see, is white space (or nothing)
    from normalizer.document import Document

    rng = random.Random(9)
    atoms = ATOMS + ["Mr. Smith", "U.S. ", "? ", "! ", "… ", '." ', ".” ", ".) ", "3.5 ", "A. B", "Le 1er"]
    for _ in range(3000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 30)))
        doc = Document.from_text(text)
        for span in doc.sentences + doc.paragraphs:
            assert span.start == 0 or text[span.start - 1].isspace(), (text, span)


RELAXED_CASES = [
    r"(?<![\w'’-])me\s+[A-Z]\w*", r"(?i)(?<![\w'’-])(?P<ph0>formations?)", r"(?P<ph0>(?<![\w'’-])Me\s+[A-Z])",
    r"(?<![\w'’-])(?:the (?P<a>new)|(?<!x)old)", r"(?<=,)((?<![\w])new)", r"(?<!x)((?<![\w])new)",
    r"(?<![a-z])(?i:new)", r"(?<!\s)ness", r"(?<![\w'’-])été", r"(?<!\d)\d+ ?%",
]
SENTENCE_ATOMS = ["me ", "Me ", "some ", "Mr. ", "Paris", "formation", "informations ", "the new ", "old ",
                  "xold", ",new", "xnew", "New", "NEW ", "été ", "déjà été", "ness", " 12 %", "3%", "’me ",
                  "-me ", ". ", "? ", "\n", "\u00a0", "\t", "  ", "é"]


def _ends_at(relaxed: "re.Pattern[bytes]", data: bytes, end: int) -> bool:
    return any(relaxed.fullmatch(data, start, end) for start in range(end))


def test_relaxed_patterns_match_wherever_the_rule_matches_in_a_span():
    # the superset promise where relax() keeps a leading negative lookbehind: every match of the
    # rule's regex in a span (the regex sees the span alone) is the end of a relaxed match in the
    # whole text; Python's re stands in for Hyperscan, on the bytes of the text or of its view
    import re

    import regex

    from normalizer.document import Document

    rng = random.Random(11)
    for pattern in RELAXED_CASES:
        rx = regex.compile(pattern)
        for view in (False, True):
            relaxed = re.compile(scanner.relax(pattern, 0, view=view).encode("ascii"), re.DOTALL)
            for _ in range(300):
                text = "".join(rng.choice(SENTENCE_ATOMS) for _ in range(rng.randint(1, 12)))
                doc = Document.from_text(text)
                data = text.encode("utf-8")
                if view:
                    data, runs = scanner.space_view(data, False)
                for span in doc.sentences + doc.paragraphs:
                    for m in rx.finditer(text[span.start : span.end]):
                        end = len(text[: span.start + m.end()].encode("utf-8"))
                        if view:  # the view offset of the same end: the view is the text, runs collapsed
                            end = len(scanner.space_view(text[: span.start + m.end()].encode("utf-8"), False)[0])
                        assert m.end() == m.start() or _ends_at(relaxed, data, end), (pattern, view, text, m)
