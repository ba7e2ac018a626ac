"""The pronoun detector's speed-ups change no finding: the gate (a text where no pronoun can be
the first one flagged is not scanned, and the scan stops after the last one that can be) and
the pronouns and words found with the standard re module."""

import re

import pytest

from normalizer.detectors import pronoun
from normalizer.document import Document
from normalizer.ruleset import load_rules

from conftest import ROOT, SEEDS

RULE = next(r for r in load_rules().rules if r.id == "fr-en.pronoun.gender")

# French gender put back into English text: it/its/they -> he/his/she, so that the texts have
# many pronouns the scan flags, in chains and next to persons
_GENDERED = [(r"\bit\b", "he"), (r"\bIt\b", "He"), (r"\bits\b", "his"), (r"\bIts\b", "His"),
             (r"\bthey\b", "she"), (r"\bThey\b", "She"), (r"\btheir\b", "her"), (r"\bitself\b", "herself")]


def _gendered(text: str) -> str:
    for pattern, pronoun_ in _GENDERED:
        text = re.sub(pattern, pronoun_, text)
    return text


def _texts() -> list[str]:
    files = sorted(SEEDS.glob("*.txt")) + sorted((ROOT / "tests" / "devset").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    texts += [e.text for e in RULE.examples_fire + RULE.examples_no_fire]
    return texts + [_gendered(t) for t in texts]


def _findings(text: str) -> list[tuple]:
    doc = Document.from_text(text)
    return [(f.start, f.end, f.suggestions, f.confidence, f.message, f.data)
            for f in pronoun.detect(doc, RULE, None)]


def test_the_gate_changes_no_finding(monkeypatch):
    texts = _texts()
    gated = [_findings(t) for t in texts]
    # without the gate: every pronoun may be the first one flagged
    monkeypatch.setattr(pronoun.Scanner, "_last_possible_first",
                        lambda self, pronouns: pronouns[-1].start if pronouns else None)
    assert [_findings(t) for t in texts] == gated
    assert sum(map(len, gated)) > 50  # the texts do give the scan pronouns to flag


def test_text_about_people_is_not_scanned(monkeypatch):
    def scan(self, i, toks):
        raise AssertionError("scanned")

    monkeypatch.setattr(pronoun.Scanner, "_sentence", scan)
    text = ("Mr Smith said he would resign. His wife agreed with him.\n"
            "The company said she had been a fine chairwoman. She will leave in May.")
    assert _findings(text) == []


def test_the_gate_lets_a_relative_clause_through():
    # a man named in the sentence, and still the pronoun stands for the movement
    text = "Ahmed Shah, whose movement made a promise when he came to power, spoke on Monday."
    assert [f[5]["antecedent"] for f in _findings(text)] == ["movement"]


def _pronouns_by_words(word, text: str) -> list[tuple[int, int, str]]:
    return [(t.start, t.end, pronoun._PRONOUN_FORMS[t.lower])
            for t in pronoun._tokens(word, text, 0, len(text)) if t.lower in pronoun._PRONOUN_FORMS]


@pytest.mark.parametrize("text", [
    "he", "She", "(he)", "he—she", "He’s here; she'll go. HE'D HIMSELF herself",
    "he-man x-he O’he the shim ashe hers his’ her's", "sh he", "İstanbul: he said",
    "cafe\u0301 he said",  # a combining mark: the regex module's words
    " date 2021-08-30 He said",
])
def test_pronoun_words_are_the_words_taken_for_pronouns(text):
    word = pronoun._word_pattern(text)
    assert pronoun._pronoun_words(word, text, 0) == _pronouns_by_words(pronoun._WORD, text)


def test_words_found_with_re_only_where_it_agrees_with_regex():
    assert pronoun._word_pattern("He said it’s “fine” for £5 — café") is pronoun._WORD_STD
    assert pronoun._word_pattern("cafe\u0301 ½") is pronoun._WORD
    text = "Ahmed’s co-founder said: “she’ll go”, in 2021 — as 40% of them did."
    spans = [(t.start, t.end) for t in pronoun._tokens(pronoun._WORD_STD, text, 0, len(text))]
    assert spans == [(t.start, t.end) for t in pronoun._tokens(pronoun._WORD, text, 0, len(text))]
