"""The pronoun detector's third round of shortcuts changes nothing it finds: pronouns are found
by two searches on the text as written (one for each case of their "h"), not one on a
lower-cased copy, and the characters beyond ASCII that choose the word pattern are found
through the text's UTF-8 bytes."""

import random

from normalizer.detectors import pronoun

# every case of every letter a pronoun has, the letters whose lower case is one of them (the
# Kelvin sign is a "k"; "İ" lower-cases to two characters), joiners, digits and marks
_PIECES = ["he", "He", "HE", "hE", "she", "SHE", "sHe", "ShE", "him", "HIM", "hIs", "His", "her", "HER",
           "hEr", "herself", "HERSELF", "HimSelf", "hers", "shim", "Sher", "h", "H", "s", "S", "e", "E",
           "\u212a", "k", "K", "İ", "ı", "x", "9", "’", "'", "-", "_", " ", " ", ". ", ", ", "“", "\n",
           "\u0301", "½", "é", "ſ", "ß", "\ud83d"]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 40))) for _ in range(n)]


def _pronouns_by_words(word, text: str, start: int) -> list[tuple[int, int, str]]:
    return [(t.start, t.end, pronoun._PRONOUN_FORMS[t.lower])
            for t in pronoun._tokens(word, text, start, len(text)) if t.lower in pronoun._PRONOUN_FORMS]


def test_pronouns_in_any_case_are_the_words_taken_for_pronouns():
    for text in _random_texts(20000, seed=11):
        word = pronoun._word_pattern(text)
        for start in (0, text.find(" ") + 1):  # the text, or what follows a space (as a metadata prefix)
            assert pronoun._pronoun_words(word, text, start) == _pronouns_by_words(word, text, start), text


def test_non_ascii_characters_are_those_of_the_text():
    rnd = random.Random(4)
    texts = _random_texts(2000, seed=12) + [
        "".join(chr(rnd.choice([rnd.randrange(128), rnd.randrange(0x800), rnd.randrange(0x10000),
                                rnd.randrange(0x110000)])) for _ in range(rnd.randrange(30)))
        for _ in range(5000)]
    for text in texts + ["a\ud83d\ude00b\U0001F600 é", ""]:
        assert pronoun._non_ascii_characters(text) == {c for c in text if ord(c) >= 128}, repr(text)
