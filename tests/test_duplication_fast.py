"""The duplication detector's shortcuts change nothing it finds: the words found once per
document are exactly the tokens, and the cheap tests in front of each check let through every
sentence a check can fire on (cases next to the edges of those tests)."""

import random

import pytest

from normalizer.detectors import duplication as dup
from normalizer.document import Document
from normalizer.options import Options
from normalizer.pipeline import Normalizer

# Characters that trip the word finder: joiners alone or in runs, punctuation beyond ASCII,
# every kind of space, letters whose lower case is longer ('İ') or depends on the next letter
# ('Σ'), combining marks, digits that are no word characters ('½', '²').
_TRICKY = list("aAzZ09 '’-.,;:\"“”()[]…—–_/&·•£€°") + list("\t\n\u00a0\u2009\u3000\x85\x1c")
_TRICKY += list("éÉΣσςΑİıß½²\u0301\u200d")
_TRICKY += ["'s", "’s", " - ", "--", "  ", ". ", "Word. "]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_TRICKY) for _ in range(rnd.randint(1, 40))) for _ in range(n)]


EXAMPLES = [
    "'Tis the dogs' day -- a--b x'-y é-b 'quoted' - dash, rock ‘n’ roll’s end’ ’start x’’y",
    "ΑΣ.Β ΟΔΟΣ ΟΔΟΣ İstanbul İS café\u0301 x½ 5½ ²3 a_b c__d e-_f don't o'neill's",
    "date 2021-08-30 The prefix is left out. Then the words start.",
]


def _words_as_tokens(text: str) -> tuple[list, list]:
    doc = Document.from_text(text)
    got = [(s.start, s.end, s.words, s.distinct) for s in dup.sentence_words(doc)]
    want = [(span.start, span.end, words, frozenset(words))
            for _, span, sentence in doc.iter_sentences() if not doc.in_prefix(span.start)
            for words in ([t.lower for t in dup.tokens(sentence)],)]
    return got, want


@pytest.mark.parametrize("text", EXAMPLES)
def test_sentence_words_are_the_tokens(text):
    got, want = _words_as_tokens(text)
    assert got == want


def test_sentence_words_are_the_tokens_of_random_texts():
    for text in _random_texts(5000, seed=7):
        got, want = _words_as_tokens(text)
        assert got == want, text


def test_every_space_beyond_ascii_is_made_a_space():
    # str.split splits at them; lone joiners are found next to ASCII spaces only.
    beyond_ascii = {chr(c) for c in range(0x80, 0x110000) if chr(c).isspace()}
    assert set(dup._NON_ASCII_SPACES) == beyond_ascii


@pytest.mark.parametrize("seed", range(5))
def test_outside_quotes_agrees_with_in_quote(seed):
    rnd = random.Random(seed)
    pieces = list("ab “”\"«» .") + ["Word. ", "x ", "\n"]
    for _ in range(2000):
        doc = Document.from_text("".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 60))))
        sentences = dup.sentence_words(doc)
        assert dup._outside_quotes(doc, sentences) == [s for s in sentences if not doc.in_quote(s.start, s.end)]


@pytest.fixture(scope="module")
def dup_rules():
    return Normalizer(Options.make(enabled=["common.duplication"], use_model=False))


@pytest.mark.parametrize("text, rules", [
    # doubled words next to punctuation the word finder turns into spaces, or joiners
    ("Officials said the--the bridge would reopen on Friday.", []),
    ("Officials said the 'the' bridge would reopen on Friday.", []),
    ("The café café reopened on Monday.", ["adjacent-word"]),
    ("Ministers will\u00a0will meet again in June.", ["adjacent-word"]),
    ("Ministers will\u2009will meet again in June.", []),
    ("Rescuers reached Tolo, the largest town in the valley, the largest town in the valley, on Sunday.",
     ["adjacent-word"]),
    ("He said it it was over.\nHe said it it was over.", ["adjacent-word", "adjacent-word"]),
    ("date 2021-08-30 The the prefix is not scanned. Nor is it here here.", ["adjacent-word"]),
    # the same words, whatever the punctuation
    ("Shops stayed shut on Monday! Shops stayed shut on Monday. Schools reopened.", ["repeated-sentence"]),
    ("Shops stayed shut on Monday. Shops, stayed shut on Monday? Schools reopened.", ["repeated-sentence"]),
    # possessors whose lower case differs as a whole word and before 's
    ("Critics attacked Mayor Kostas ΠΑΠΑΣ’s plan unveiled Monday by Mayor Kostas ΠΑΠΑΣ.", ["echo"]),
    ("Critics attacked Mayor İlker Başbuğ's plan unveiled Monday by Mayor İlker Başbuğ.", ["echo"]),
    ("The report said the ministry has...has ignored the warnings.", ["elision"]),
    # 'İ' lower-cases to two characters: content words are counted on the words as written
    ("Floods cut off dozens of İzmir villages in the north of the country after days of heavy rain. "
     "Dozens of İzmir villages in the north of the country were cut off by floods after heavy "
     "rain.", ["near-duplicate-sentence"]),
])
def test_checks_still_fire_next_to_their_gates(dup_rules, text, rules):
    assert [f.rule.rsplit(".", 1)[-1] for f in dup_rules.check(text)] == rules
