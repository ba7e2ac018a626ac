"""The duplication detector's second round of shortcuts changes nothing it finds: the window
of units is counted one distance at a time, the content words come from one lookup per word,
and only the sentences that hold an elision mark are scanned for one."""

import random

import pytest

from normalizer.detectors import duplication as dup
from normalizer.document import Document
from normalizer.ruleset import load_rules

RULES = {r.id.rsplit(".", 1)[-1]: r for r in load_rules().rules if r.id.startswith("common.duplication.")}


def _shared_in_window(words: list[frozenset[str]], window: int, min_shared: int) -> list[tuple]:
    """The pairs as the check once found them: each unit against each unit of its window."""
    return [(i, j) for j in range(len(words)) for i in range(max(0, j - window), j)
            if len(words[i] & words[j]) >= min_shared]


@pytest.mark.parametrize("seed", range(5))
def test_sharing_pairs_are_the_pairs_of_each_window(seed):
    rnd = random.Random(seed)
    vocabulary = [f"w{k}" for k in range(12)]
    for _ in range(500):
        words = [frozenset(rnd.sample(vocabulary, rnd.randint(0, 9))) for _ in range(rnd.randint(0, 14))]
        window, min_shared = rnd.randint(1, 7), rnd.randint(1, 6)
        assert dup._sharing_pairs(words, window, min_shared) == _shared_in_window(words, window, min_shared)


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
           " date 2021-08-30 "]


@pytest.mark.parametrize("seed", range(3))
def test_sentences_holding_a_mark_are_those_the_scan_read(seed):
    needles = dup._elision_settings(RULES["elision"]).gate
    rnd = random.Random(seed)
    for _ in range(3000):
        doc = Document.from_text("".join(rnd.choice(_MARKED) for _ in range(rnd.randint(1, 40))))
        every = [s for s in dup._sentences(doc) if any(n in s[2] for n in needles)]
        assert list(dup._sentences_holding(doc, needles)) == every


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
