"""The gates of the dates, times, numbers and ordinals detectors (normalizer/detectors/dates.py)
only skip work: every finding is the same as when the full pattern runs on every paragraph."""

import random
import re

import pytest

from normalizer.detectors import REGISTRY, dates
from normalizer.document import Document
from normalizer.pipeline import Normalizer

DETECTORS = ("dates", "french-dates", "times", "numbers", "ordinals")

# One case a text: a gate hit elsewhere in the paragraph would hide a gate that misses the case.
TRICKY = [
    " date 2019-07-20 Protesters marched in Paris 07/14.", "The strike began le 03/11.",
    "Held since le 15/08.", "Open 24/7.", "He won (7/5).", "On 25/03/2020 it began.",
    "Workers marched le 1er mai.", "LE 1ER MAI 2019.", "le 1er\u00a0mai", "It ends 15 \u00a0août 2021.",
    "He sang 3 mai tai songs.", "At 14h30.", "At 14 h 30.", "At 20h local time.", "During 1h30.",
    "At 23\u00a0h\u00a045.", "At 21: 40 GMT.", "John 3: 16.",
    "Some 12 000 people.", "Some 12\u00a0000 people.", "Some 12\u202f000 people.",
    "It was 1 234,5 million.", "Call 0845 8 505 505 by phone.", "In 2004 500 left.",
    "About 46.000 rupees.", "Some 1.250.000 people.", "At 3.125 dollars.", "It weighs 1.234,5 tonnes.",
    "Upgrade to version 2.000.", "Growth was 7,4 %.", "It costs 2,5 billion euros.", "It reached 0,8.",
    "Of magnitude 5,9.", "Some 0,010 euros.", "Some 1,250 people.", "Rooms 3,4 and 5.",
    "The 1er regiment.", "The 1re place.", "The 2e round.", "The 3ème edition.", "The 1ère division.",
    "The 4eme row.", "The 2e-5 value.", "The 5e camera.", "The XIXe century.", "The XXe siècle.",
    "The Ve République.", "The IIème empire.", "The Ier Empire.", "The XLVIIIe congress.",
    "The IIeme dynasty.", "The XIXer century.",
    "\u0661\u0665/\u0660\u0668 le", "At \u0663h\u0663\u0660.", "Le \u0661 mai.",
    "The line ends at 14h \n\n  1 234 \u00a0\nle 15/08\t\n3,5 m \u00a0",
]

ATOMS = ["0", "1", "2", "3", "5", "9", "12", "15", "250", "000", " ", " ", "\u00a0", "\u202f", "\n",
         "/", ",", ".", ":", ": ", "h", "e", "r", "è", "ème", "er", "re", "I", "V", "X", "le", "Le",
         "mai", "août", "AOÛT", "siècle", "century", "at", "GMT", "during", "million", "%", "phone",
         "odds", "of", "(", ")", "-", "“", "”", "km"]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(7)
    return ["".join(rng.choice(ATOMS) for _ in range(rng.randint(5, 60))) for _ in range(n)]


def _every_paragraph(doc, scan):
    """body_matches without a gate: the full pattern over every paragraph."""
    for p in doc.paragraphs:
        for m in scan.rx.finditer(doc.text, p.start, p.end):
            if not doc.in_prefix(m.start()):
                yield m


@pytest.fixture(scope="module")
def setup():
    norm = Normalizer(use_model=False)
    return [r for r in norm.index.detector_rules if r.detector in DETECTORS], norm.context()


def _findings(rules, ctx, text):
    doc = Document.from_text(text)
    return [(f.rule, f.start, f.end, f.suggestions, f.confidence, f.data)
            for r in rules for f in REGISTRY[r.detector](doc, r, ctx)]


@pytest.mark.parametrize("text", TRICKY + _random_texts(300))
def test_gates_change_no_finding(setup, monkeypatch, text):
    rules, ctx = setup
    gated = _findings(rules, ctx, text)
    monkeypatch.setattr(dates, "body_matches", _every_paragraph)
    monkeypatch.setattr(dates, "gate_may_hit", lambda doc, scan: True)
    assert gated == _findings(rules, ctx, text)


# Texts with a gate view (ASCII and inert characters only): the needles must be found wherever a
# gate hits, in any case and with any digits.
VIEW_ATOMS = ["0", "1", "7", "9", "12", "000", "345", " ", " ", "  ", "\n", "\t", "/", ",", ".", ":",
              ": ", ";", "-", "_", "(", ")", "'", "h", "H", "e", "E", "r", "R", "re", "er", "eme", "me",
              "I", "V", "X", "L", "C", "i", "v", "x", "l", "c", "XIX", "Ier", "IIeme", "le", "Le",
              "mai", "MAI", "Mai", "juillet", "JuiLLet", "avril", "AVRIL", "fevrier", "aout",
              "decembre", "octobre", "Mars", "siecle", "for", "the", "£", "’", "“", "—", "°"]


def test_needles_found_wherever_a_gate_hits():
    rng = random.Random(11)
    texts = [t for t in TRICKY if dates.gate_view(t) is not None]
    texts += ["".join(rng.choice(VIEW_ATOMS) for _ in range(rng.randint(2, 40))) for _ in range(3000)]
    hits = 0
    for text in texts:
        doc = Document.from_text(text)
        for scan in dates._SCANS:
            if scan.gate.search(text):
                hits += 1
                assert dates.gate_may_hit(doc, scan), (text, scan.gate.pattern)
    assert hits > 500


def test_gate_view_only_for_inert_characters():
    assert dates.gate_view("Some 12 000 people paid £5 for “it” — 3°.") is not None
    for text in ["Some 12\u00a0000", "\u0661\u0665/\u0660\u0668", "le 1er août", "MAİ", "\ud800"]:
        assert dates.gate_view(text) is None, text
    for c in dates.INERT:
        assert not re.match(r"[\w\s]", c) and c.lower() == c.upper() == c, c


def test_tricky_texts_do_find_something(setup):
    # the comparison above means something only if the texts exercise every rule
    rules, ctx = setup
    found = {f[0] for text in TRICKY for f in _findings(rules, ctx, text)}
    assert found == {r.id for r in rules}


def test_blocking_words_are_whole_words(setup):
    rules, _ = setup
    rule = next(r for r in rules if r.id == "fr-en.dates.numeric-date")
    assert dates.has_setting_word(rule, "block_sentence_words", "he is the 5/4 favourite.")
    assert not dates.has_setting_word(rule, "block_sentence_words", "held between 23/06 and 25/06.")
