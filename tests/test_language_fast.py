"""The language stage counts function words at C speed on text in ASCII letters: the counts must
be those of the word-by-word tokenizer, whatever the apostrophes, punctuation and length."""

import random

import pytest

from normalizer.language import _ascii_counts, _counts

PIECES = ["the", "The", "of", "AND", "it", "le", "La", "des", "et", "est", "news", "x", "s", "n",
          "rock", "roll", "players", "'", "'", "’", "‘", "''", " ", " ", " ", "  ", "\n", ",", ".",
          "-", "2", "_", "£", "“", "”", "—", "\u00a0", "é", "Été", "où", "İ"]


@pytest.mark.parametrize("text", [
    "The minister said it's the end of the road.",
    "'The' and ‘the’ of players' the ''the'' and",
    "rock'n'roll the and x'y'the of",  # chained apostrophes: the slow way
    "Le gouvernement et les syndicats: la réforme est là.",
    "£5 for the “news” — and\u00a0the rest",
    " ".join(["the news of"] * 300),  # more words than the limit
    " ".join(["of"] * 400), " ".join(["of"] * 399), "of " * 400,  # short texts with about as many
    "",
])
def test_same_counts_as_the_tokenizer(text):
    assert _ascii_counts(text, 400) in (None, _counts(text, 400))


def test_plain_news_takes_the_fast_way():
    text = "The minister said it’s the end — £5 for “the” players’ union and the rest."
    assert _ascii_counts(text, 400) == _counts(text, 400)


def test_same_counts_on_random_text():
    rnd = random.Random(0)
    fast = 0
    for _ in range(3000):
        text = "".join(rnd.choices(PIECES, k=rnd.choice([5, 40, 200])))
        limit = rnd.choice([3, 10, 400])
        counts = _ascii_counts(text, limit)
        if counts is not None:
            fast += 1
            assert counts == _counts(text, limit), (text, limit)
    assert fast > 500
