"""Untranslated text: French clauses inside English news are found (with their language,
deterministically, without a suggestion); French names, titles, quotations and loanwords are
not artifacts."""

import pytest

import normalizer

ENGLISH = ("The regional council met on Tuesday to discuss the budget, and officials said that "
           "the plan would be put to a vote before the end of the month. ")


def _ours(findings):
    return [f for f in findings if f.category == "untranslated"]


@pytest.mark.parametrize("fragment", [
    "Le ministre a déclaré que la réforme serait maintenue.",
    "The mayor said the works would go on, selon les services de la ville.",
    "The union rejected the offer, et les discussions sont suspendues jusqu'à nouvel ordre.",
    "Residents complained that l'eau du robinet était impropre à la consommation.",
])
def test_french_fragment_found(fragment):
    found = _ours(normalizer.check(ENGLISH + fragment))
    assert found, fragment
    f = found[0]
    assert f.data["language"] == "fr"
    assert f.suggestions == []
    assert (ENGLISH + fragment)[f.start : f.end] == f.text


@pytest.mark.parametrize("sentence", [
    "The interview was published by Le Monde and Le Figaro on Sunday.",
    "Médecins Sans Frontières said its teams had reached the town.",
    "The text now goes to the Assemblée nationale.",
    "Her debut was a film called « La Haine », set in the banlieues.",
    "He left the court shouting “Vive la République, vive la France”.",
    "The treaty was signed at the Palais de l'Élysée in the presence of the ministers.",
    "The move was a fait accompli, a coup de grâce for the de facto ceasefire.",
    "Actor Rodrigo de la Serna won the prize at the festival.",
    "Smith et al. reported similar results in 2019.",
    "The band Les Négresses Vertes played at the Fête de la Musique.",
    "His raison d'être was the club, and he had a certain je ne sais quoi.",
])
def test_french_names_titles_and_loanwords_untouched(sentence):
    assert _ours(normalizer.check(ENGLISH + sentence)) == []


def test_seeds_untouched(mt_text, en_text):
    assert _ours(normalizer.check(mt_text)) == []
    assert _ours(normalizer.check(en_text)) == []


def test_deterministic():
    text = ENGLISH + "Officials added that la situation reste très tendue dans le nord du pays."
    first = [f.to_dict() for f in normalizer.check(text)]
    assert first and all(first == [f.to_dict() for f in normalizer.check(text)] for _ in range(3))


def test_nothing_applied():
    text = ENGLISH + "Le gouvernement a annoncé de nouvelles mesures pour les agriculteurs."
    result = normalizer.normalize(text, level="aggressive")
    assert _ours(result.findings) and not [e for e in result.edits if e.category == "untranslated"]
