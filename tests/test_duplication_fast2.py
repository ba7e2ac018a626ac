"""The duplication detector's second round of shortcuts changes nothing it finds: the units
are compared with the units of their window only when the words before them may cover them,
the content words come from one lookup per word, only the sentences that hold an elision mark
are scanned for one (by each pattern, only those that hold one of its marks), and the phrase
lengths tried are no more than the words a sentence writes again."""

import copy
import random

import pytest

from normalizer.detectors import duplication as dup
from normalizer.document import Document
from normalizer.ruleset import load_rules

RULES = {r.id.rsplit(".", 1)[-1]: r for r in load_rules().rules if r.id.startswith("common.duplication.")}


def _pairs_in_window(words: list[frozenset[str]], window: int, min_words: int, min_shared: int,
                     min_overlap: float) -> list[tuple]:
    """The pairs as the check once found them: each unit against each unit of its window."""
    return [(i, j) for j in range(len(words)) for i in range(max(0, j - window), j)
            if len(words[i]) >= min_words and len(words[j]) >= min_words
            and len(words[i] & words[j]) >= min_shared
            and dup.covered_share(words[i], words[j]) >= min_overlap]


@pytest.mark.parametrize("seed", range(5))
def test_sharing_pairs_are_the_pairs_of_each_window(seed):
    # Small vocabularies, so that many units are covered by the words before them; overlaps
    # on both sides of the shares that the sizes can reach (0.7 is no binary fraction).
    rnd = random.Random(seed)
    vocabulary = [f"w{k}" for k in range(12)]
    for _ in range(500):
        words = [frozenset(rnd.sample(vocabulary, rnd.randint(0, 9))) for _ in range(rnd.randint(0, 14))]
        window, min_words, min_shared = rnd.randint(1, 7), rnd.randint(0, 7), rnd.randint(0, 6)
        min_overlap = rnd.choice([0.0, 0.5, 0.7, 0.75, 2 / 3, 1.0])
        found = dup._sharing_pairs(words, window, min_words, min_shared, min_overlap)
        assert [(i, j) for i, j in found if dup.covered_share(words[i], words[j]) >= min_overlap] == (
            _pairs_in_window(words, window, min_words, min_shared, min_overlap))
        assert all(len(words[i] & words[j]) >= min_shared and j - window <= i < j for i, j in found)


def _repeats_of_each_length(words: list[str], max_n: int) -> list[int]:
    """The lengths n of the phrases repeated back to back, as the check once found them."""
    return [n for n in range(1, max_n + 1)
            if any(words[i : i + n] == words[i + n : i + 2 * n] for i in range(len(words) - 2 * n + 1))]


@pytest.mark.parametrize("seed", range(3))
def test_repeat_lengths_are_those_of_every_phrase(seed):
    # Few distinct words, so that most lists write some again, a few times or many (up to three
    # lengths are tried one by one; beyond, a set of pairs of words is asked first).
    rnd = random.Random(seed)
    for _ in range(3000):
        words = [rnd.choice("abcdef"[: rnd.randint(1, 6)]) for _ in range(rnd.randint(0, 24))]
        max_n = rnd.randint(1, 8)
        rewritten = len(words) - len(set(words))
        found = dup._repeat_lengths(words, rewritten, max_n)
        assert found == _repeats_of_each_length(words, max_n), (words, max_n)


_PIECES = ["Word", "word", "words", "the", "of", "Izmir", "café", "ΟΔΟΣ", "2021", "a1", "x", "said",
           "attacks", "attacked", "’s", "'s", "-", " ", " ", ". ", ", ", "“", "”", "\n"]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 60))) for _ in range(n)]


def test_content_words_are_those_of_the_tokens():
    rule = RULES["near-duplicate-sentence"]
    stopwords = dup._word_set(rule, "stopwords")
    for text in _random_texts(3000, seed=11):
        doc = Document.from_text(text)
        units = dup.sentence_words(doc)
        assert dup._content_words_of(doc, rule, units, stopwords) == [
            dup.content_words(u.text, stopwords) for u in units], text


_MARKED = ["Word", "word", "the", " ", " ", "…", "...", "[…]", "(...)", "[ … ]", ". ", "“", "”", "\n",
           " date 2021-08-30 ", "word … word", "word [...] word", "Word (…) word"]


@pytest.mark.parametrize("seed", range(3))
def test_sentences_holding_a_mark_are_those_the_scan_read(seed):
    needles = dup._elision_settings(RULES["elision"]).gate
    rnd = random.Random(seed)
    for _ in range(3000):
        doc = Document.from_text("".join(rnd.choice(_MARKED) for _ in range(rnd.randint(1, 40))))
        every = [s for s in dup._sentences(doc) if any(n in s[2] for n in needles)]
        assert list(dup._sentences_holding(doc, needles)) == every


@pytest.mark.parametrize("seed", range(3))
def test_each_elision_pattern_scans_the_sentences_that_hold_its_marks(seed):
    rule = RULES["elision"]
    # The same rule with no gate: both patterns scan every sentence.
    ungated = copy.copy(rule)
    dup._PER_RULE[(id(ungated), "elision")] = (ungated, dup._elision_settings(rule)._replace(gate=None))
    rnd = random.Random(seed)
    for _ in range(2000):
        doc = Document.from_text("".join(rnd.choice(_MARKED) for _ in range(rnd.randint(1, 40))))
        found = [(f.start, f.end, f.suggestions) for f in dup.detect(doc, rule, None)]
        assert found == [(f.start, f.end, f.suggestions) for f in dup.detect(doc, ungated, None)]


def test_elisions_next_to_sentence_ends_and_the_prefix_are_found():
    rule = RULES["elision"]
    text = (" date 2021-08-30 … The report said the ministry has … has ignored it.\n"
            "“The rebels would […] would lay down their arms,” he said... Then it ended")
    found = [(f.start, f.end) for f in dup.detect(Document.from_text(text), rule, None)]
    assert [text[a:b] for a, b in found] == ["has … has", "would […] would"]


def test_no_possessive_no_echo():
    rule = RULES["echo"]
    text = "The plan unveiled in Brussels by the European Commission."
    assert dup.detect(Document.from_text(text), rule, None) == []
    text = "Critics attacked the European Commission's plan unveiled in Brussels by the European Commission."
    assert [f.rule for f in dup.detect(Document.from_text(text), rule, None)] == [rule.id]
