"""Pronoun-gender detector: he/his/she/her for an organisation, country or thing is flagged and
rewritten to it/its (they/their for plural collectives); pronouns for people are left alone.
Examples are not from the seeds."""

import pytest

import normalizer
from normalizer.evaluate import score_document
from normalizer.options import Options
from normalizer.pipeline import Normalizer

from conftest import SEEDS

GOLD = ["when he came to power", "his ousting", "one of his vehicles", "however, he deviates from it"]


@pytest.fixture(scope="module")
def pro():
    """Only the pronoun rule, without the model (fast)."""
    return Normalizer(Options.make(enabled=["fr-en.pronoun"], use_model=False))


def test_seed_pronouns_found_and_fixed_at_default_level():
    score = score_document(SEEDS / "000_d39dd3bf9bf62004.yaml", Normalizer())
    problems = [m for m in score.missed + score.unfixed if any(g in m for g in GOLD)]
    assert not problems


def test_native_seed_untouched(en_text, pro):
    assert pro.check(en_text) == []


@pytest.mark.parametrize("text, fixed", [
    # organisation, subject of the sentence before
    ("The ruling party lost its majority in May. He now governs with the support of the Greens.",
     "The ruling party lost its majority in May. It now governs with the support of the Greens."),
    # acronym of a group; possessive
    ("Hezbollah fired rockets overnight. His fighters crossed the border at dawn.",
     "Hezbollah fired rockets overnight. Its fighters crossed the border at dawn."),
    # country with the French feminine
    ("Germany has raised its defence budget. She wants to meet the NATO target by 2025.",
     "Germany has raised its defence budget. It wants to meet the NATO target by 2025."),
    # object pronoun; the company is the subject of its own sentence
    ("The carmaker recalled 40,000 vehicles, a fault that cost him dearly.",
     "The carmaker recalled 40,000 vehicles, a fault that cost it dearly."),
    # plural collective: they, with the verb made to agree
    ("The police closed the road on Friday. She plans to reopen it next week.",
     "The police closed the road on Friday. They plan to reopen it next week."),
    # "her" as a possessive before a noun, then a chain of pronouns
    ("The European Commission published her report on Monday. She recommends new rules.",
     "The European Commission published its report on Monday. It recommends new rules."),
])
def test_gender_leak_fixed(text, fixed):
    assert normalizer.fix(text, level="standard") == fixed


@pytest.mark.parametrize("text", [
    # a person named in the sentence or the one before
    "The government appointed Mr Dupont in 2019. He has since cut the deficit.",
    "Ms Okafor joined the bank in 2010 and she now runs its Lagos office.",
    "President Joe Biden met union leaders. He promised them a new deal.",
    # cataphora: the person comes after the pronoun
    "Before he left the ministry, the minister signed the decree.",
    "In her statement, the judge criticised the agency.",
    # the pronoun's own words need a person
    "The company confirmed the appointment. He said he was delighted.",
    "The club sold the striker in June. His wife had wanted to move home.",
    # an agent noun not in any list
    "A US blogger says the website fired her after she posted photos.",
    # two groups coordinated are no antecedent for he
    "Labour and the Liberal Democrats criticised his plans on Sunday.",
    # a person earlier in the same paragraph
    "Ahmed Rashid led the group for a decade. The movement grew fast. He was killed in 2009.",
    # quotations are the speaker's words
    "“The party betrayed him,” the union said of its former leader.",
    # a single name used as a subject
    "The board praised Okonkwo. The company thrived. Okonkwo has said he will stay.",
    # a ship is she in English
    "The Royal Navy said the ship had returned. Her captain praised the crew.",
])
def test_people_and_native_usage_quiet(pro, text):
    assert pro.check(text) == [], text


def test_confidence_falls_when_a_person_is_further_back(pro):
    text = ("Mr Haddad founded the movement in 1990.\n"
            "Its members were arrested in 1994.\n"
            "The movement was later banned.\n"
            "He deviated from its original line in 2001.")
    findings = pro.check(text)
    assert len(findings) == 1
    assert findings[0].text.startswith("He")
    assert 0.5 <= findings[0].confidence < 0.8
    assert findings[0].data["antecedent"] == "movement"


def test_findings_point_at_the_pronoun_and_keep_case(pro):
    text = "The army withdrew. His commanders refused to comment."
    (f,) = pro.check(text)
    assert text[f.start : f.end] == "His"
    assert f.suggestions[0] == "Its"
    assert f.category == "pronoun"


# -- the French gender of the antecedent ---------------------------------------------------------

@pytest.mark.parametrize("text, pronoun", [
    # le service, le gouvernement: a leaked il would be "he"
    ("Ms Fiorina spoke first.\n\nThe service is designed to make radio interactive.\n\n"
     "Among the other products she showcased was a hub.", "she"),
    ("The government announced new taxes on Monday. She expects to raise 2 billion euros.", "She"),
    ("The institute said that growth was zero. Output fell, even if she slowed.", "she"),
])
def test_a_subject_pronoun_of_the_other_french_gender_is_not_applied(pro, text, pronoun):
    found = [f for f in pro.check(text) if f.text.split()[0] == pronoun]
    assert found and all(f.confidence < 0.5 and "in French" in f.message for f in found)
    assert pro.normalize(text).text == text  # reported, not rewritten at the default level


@pytest.mark.parametrize("text", [
    "The company announced new taxes on Monday. She expects to raise 2 billion euros.",  # l'entreprise
    "The government announced new taxes on Monday. He expects to raise 2 billion euros.",
    # the leaked elle may stand for a feminine noun of its own sentence (l'inflation)
    "The institute said that growth was zero. Consumption fell as inflation, even if she slowed, "
    "stayed high.",
    "The institute said that growth was zero. Inflation fell, even if she slowed.",
])
def test_a_subject_pronoun_of_the_french_gender_keeps_its_confidence(pro, text):
    found = pro.check(text)
    assert found and all(f.confidence >= 0.5 and "in French" not in f.message for f in found)


def test_french_gender_of_names():
    from normalizer.detectors.pronoun import lexicon
    from normalizer.ruleset import load_rules

    rule = next(r for r in load_rules().rules if r.id == "fr-en.pronoun.gender")
    gender = lexicon(rule).french_gender
    assert gender("Bank of France") == "f"  # the head before "of": la banque
    assert gender("Ministry of Defence") == "m"  # le ministère, not la défense
    assert gender("Labour Party") == "m" and gender("North Korea") == "f"
    assert gender("IS-K") is None
