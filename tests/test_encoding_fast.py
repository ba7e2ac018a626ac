"""The encoding detector's fast paths must not change what it finds: the whole-document gate
lets through every document with a suspect line, and the repair matcher gives difflib's answers."""

import random
from difflib import SequenceMatcher

import pytest

from normalizer.detectors.encoding import _SUSPECT, _RepairMatcher, _may_be_damaged


def test_gate_lets_every_suspect_character_through():
    for c in _SUSPECT.findall("".join(map(chr, range(0x110000)))):
        assert _may_be_damaged(f"Plain text {c} here."), hex(ord(c))


@pytest.mark.parametrize("text", ["AT &amp; T", "caf&#233;", "x&#x2019;s", "&hellip;"])
def test_gate_lets_entities_through(text):
    assert _SUSPECT.search(text) and _may_be_damaged(text)


@pytest.mark.parametrize("text", ["Plain news.", "Café said “no”.", "AT & T; R&D", "£8m"])
def test_gate_stops_clean_text(text):
    assert not _SUSPECT.search(text) and not _may_be_damaged(text)


def _edited(rnd: random.Random, a: str, alphabet: str) -> str:
    """``a`` with a few local replacements, like a repair."""
    b = list(a)
    for _ in range(rnd.randint(1, 3)):
        k = rnd.randint(0, len(b))
        b[k : k + rnd.randint(0, 3)] = rnd.choices(alphabet, k=rnd.randint(0, 3))
    return "".join(b)


def test_repair_matcher_gives_difflibs_opcodes():
    rnd = random.Random(0)
    for _ in range(5000):
        alphabet = rnd.choice(["ab", "abc", "ab ", "abcdefgh "])
        a = "".join(rnd.choices(alphabet, k=rnd.randint(0, rnd.choice([12, 60]))))
        if rnd.random() < 0.7:
            b = _edited(rnd, a, alphabet)
        else:
            b = "".join(rnd.choices(alphabet, k=len(a)))
        expected = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        assert _RepairMatcher(None, a, b, autojunk=False).get_opcodes() == expected, (a, b)


def test_repair_matcher_gives_difflibs_opcodes_on_long_lines():
    # lines long enough for the longest block to be looked for through sampled chunks
    rnd = random.Random(1)
    for _ in range(150):
        alphabet = rnd.choice(["ab ", "abcdefgh ", "abcdefghijklmnopqrstuvwxyz   "])
        a = "".join(rnd.choices(alphabet, k=rnd.randint(80, 700)))
        if rnd.random() < 0.2:
            a = rnd.choice(["ab", "abc ", "a"]) * rnd.randint(40, 200)  # blocks that occur many times
        b = _edited(rnd, a, alphabet + "é&#;")
        if rnd.random() < 0.5:
            b = _edited(rnd, b, alphabet + "é&#;")
        expected = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        assert _RepairMatcher(None, a, b, autojunk=False).get_opcodes() == expected, (a, b)
