"""The pronoun detector's second round of shortcuts changes nothing it finds: the gate reads a
sentence only up to its pronoun, most pronouns are found without a word match, and "which" or
"who" after a name is looked for with the standard re module first."""

import random

import pytest

from normalizer.detectors import pronoun
from normalizer.document import Document
from normalizer.ruleset import load_rules

RULE = next(r for r in load_rules().rules if r.id == "fr-en.pronoun.gender")
LEX = pronoun.lexicon(RULE)

_PIECES = ["He", "he", "she", "She", "him", "his", "her", "herself", "himself", "He’s", "she'll",
           "he-man", "x-he", "O’he", "shim", "sher", "the", "Mr", "Smith", "group", "is", "being", "adopted",
           "now", "will", "be", "café", "İstanbul", "_", "’", "'", "-", " ", " ", " ", ", ", ". ", "“", "”",
           "\n", "which", "who", "\u0301", "2021"]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 50))) for _ in range(n)]


def _pronouns_by_words(word, text: str, start: int) -> list[tuple[int, int, str]]:
    return [(t.start, t.end, pronoun._PRONOUN_FORMS[t.lower])
            for t in pronoun._tokens(word, text, start, len(text)) if t.lower in pronoun._PRONOUN_FORMS]


def test_pronoun_words_of_random_texts_are_the_words_taken_for_pronouns():
    for text in _random_texts(5000, seed=3):
        word = pronoun._word_pattern(text)
        assert pronoun._pronoun_words(word, text, 0) == _pronouns_by_words(pronoun._WORD, text, 0), text


@pytest.mark.parametrize("seed", range(3))
def test_words_up_to_an_offset_are_the_first_words_of_the_sentence(seed):
    for text in _random_texts(1000, seed=seed):
        doc = Document.from_text(text)
        scanner = pronoun.Scanner(doc, RULE, LEX)
        for i, span in enumerate(doc.sentences):
            for p in scanner.pronouns:
                if span.start <= p.start < span.end:
                    whole = pronoun.Scanner(doc, RULE, LEX)._sentence_words(i)
                    first = [t for t in whole if t.end <= p.end]
                    assert scanner._sentence_words(i, p.end) == first  # tokenized up to the offset
                    assert scanner._sentence_words(i) == whole
                    assert scanner._sentence_words(i, p.end) == first  # cut from the whole sentence


def test_leading_words_tell_what_the_whole_sentence_tells():
    texts = ["He is being adopted now.", "He will now be adopted, said the group.", "She is", "He has",
             "The law, he is now being ratified by the senate"]
    for text in texts + _random_texts(2000, seed=5):
        doc = Document.from_text(text)
        scanner = pronoun.Scanner(doc, RULE, LEX)
        for p in scanner.pronouns:
            toks = scanner._sentence_words(p.sent)
            k = next(n for n, t in enumerate(toks) if t.start == p.start)
            end = doc.sentences[p.sent].end
            lead = pronoun._leading_tokens(scanner._word, doc.text, p.start, end, LEX)
            assert lead[0] == toks[k]
            assert scanner._thing_predicate(lead, 0) == scanner._thing_predicate(toks, k)
            assert pronoun._next_word(lead, 0, LEX) == pronoun._next_word(toks, k, LEX)


@pytest.mark.parametrize("text", ["Benfica, which", "Benfica which", "Benfica,which", "Benfica , \twhich",
                                  "Benfica whichever", "Benfica, whiché", "Benfica, which\u0301", "Benfica"])
def test_which_and_who_are_found_as_by_the_regex_module(text):
    end = len("Benfica")
    assert pronoun._followed_by_which(text, end) == bool(pronoun._WHICH_AFTER.match(text, end))
    text = text.replace("which", "who")
    assert pronoun._followed_by_who(text, end) == bool(pronoun._WHO_AFTER.match(text, end))


def test_coordination_is_found_as_by_the_regex_module():
    rnd = random.Random(9)
    pieces = [" ", "\t", "\x1c", "\u2009", "\xa0", ",", "and", "AND", "Or", "nor", "the", "Their", "x",
              "andy"]
    for _ in range(20000):
        gap = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6)))
        text = "Labour" + gap + "Tories"
        found = pronoun._COORDINATION_OPENS.match(text, 6, len(text) - 6) is not None and bool(
            pronoun._COORDINATION.match(gap))
        assert found == bool(pronoun._COORDINATION.match(gap)), repr(gap)
