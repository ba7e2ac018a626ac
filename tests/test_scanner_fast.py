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

