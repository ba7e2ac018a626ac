"""The language stage's C-speed count reads a long text in its first characters, cut before a
space, when they hold enough words: the counts must be those of the word-by-word tokenizer
whatever comes after the cut (other letters or chained apostrophes there no longer send the
text to the tokenizer) and whatever lies at the cut."""

import random

from normalizer.language import EN_FUNCTION_WORDS, FR_FUNCTION_WORDS, _CHARS_PER_WORD, _ascii_counts, _counts

WORDS = ["the", "The", "of", "and", "it's", "players'", "'the'", "le", "des", "et", "news", "x",
         "rock", "a", "de", "were", "2004", "£5", "“the”", "—", "don't"]
TAILS = ["", " Été où", " rock'n'roll the", " İstanbul", " l'été", " the", "'", "' the", "s the"]


def _text(rnd: random.Random, words: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(words))


def test_long_texts_with_anything_after_the_first_words():
    rnd = random.Random(1)
    fast = tail_fast = 0
    for _ in range(3000):
        limit = rnd.choice([2, 3, 5, 10, 40])
        head = _text(rnd, rnd.randint(0, 2 * limit))
        padding = " " * rnd.randint(0, 3) + "x" * rnd.randint(0, limit * _CHARS_PER_WORD)
        text = head + rnd.choice(["", padding]) + rnd.choice(TAILS) + " " + _text(rnd, rnd.randint(0, 5))
        counts = _ascii_counts(text, limit)
        if counts is not None:
            fast += 1
            tail_fast += not text.isascii() or "'n'" in text
            assert counts == _counts(text, limit), (text, limit)
    assert fast > 1500 and tail_fast > 300


def test_the_cut_falls_in_every_place():
    """Text cut at every length around the prefix's end, so that the cut lands inside, before
    and after a word, an apostrophe and a run of spaces."""
    base = "it's the players' 'end' of  the don't rock'n'roll l'été news of the year " * 3
    for limit in (2, 3, 4, 6):
        for n in range(len(base)):
            text = base[:n]
            counts = _ascii_counts(text, limit)
            assert counts in (None, _counts(text, limit)), (text, limit)


def test_news_after_a_foreign_name_takes_the_fast_way():
    text = "The minister said the talks were over. " * 100 + "Ça va, İstanbul."
    assert _ascii_counts(text, 400) == _counts(text, 400)


def test_no_function_word_in_both_languages():
    """One automaton finds both lists' words, and a match not English is counted French."""
    assert not EN_FUNCTION_WORDS & FR_FUNCTION_WORDS
