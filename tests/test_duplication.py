"""Duplication detector: repeats machine translation makes are found and collapsed; the
doubles English allows are left alone. Examples are not from the seeds."""

import pytest

import normalizer
from normalizer.detectors.duplication import content_words, covered_share, lexical_overlap
from normalizer.evaluate import score_document
from normalizer.options import Options
from normalizer.pipeline import Normalizer

from conftest import SEEDS

GOLD = ["will […] will cease", "will […] will take care of them",
        "President Joe Biden’s deadline set Tuesday by President Joe Biden"]


@pytest.fixture(scope="module")
def dup():
    """Only the duplication rules, without the model (fast)."""
    return Normalizer(Options.make(enabled=["common.duplication"], use_model=False))


def _rules(norm, text):
    return [f.rule.rsplit(".", 1)[-1] for f in norm.check(text)]


def test_seed_duplications_found_and_fixed_at_default_level():
    score = score_document(SEEDS / "000_d39dd3bf9bf62004.yaml", Normalizer())
    problems = [m for m in score.missed + score.unfixed if any(g in m for g in GOLD)]
    assert not problems


def test_native_seed_untouched(en_text, dup):
    assert dup.check(en_text) == []


@pytest.mark.parametrize("text, fixed", [
    ("Ministers will will meet again in June.", "Ministers will meet again in June."),
    ("The the report was leaked on Friday.", "The report was leaked on Friday."),
    ("It was one of the of the worst storms on record.", "It was one of the worst storms on record."),
    ("Turnout rose to to 64% in the capital.", "Turnout rose to 64% in the capital."),
    ("“Our soldiers have […] have done their duty,” the general said.",
     "“Our soldiers […] have done their duty,” the general said."),
    ("Analysts expect the central bank to (...) to cut rates.",
     "Analysts expect the central bank (...) to cut rates."),
    ("Critics mocked Mayor Anne Hidalgo’s plan unveiled Monday by Mayor Anne Hidalgo.",
     "Critics mocked the Monday plan unveiled by Mayor Anne Hidalgo."),
    ("The Dutch government's bill adopted in March by the Dutch government was vetoed.",
     "The bill adopted in March by the Dutch government was vetoed."),
])
def test_repeats_collapsed(text, fixed):
    assert normalizer.fix(text, level="standard") == fixed


@pytest.mark.parametrize("text", [
    # doubles English allows
    "She had had no warning of the vote.",
    "He argued that that approach had failed.",
    "What it is is a tax rise by another name.",
    "Prices rose day by day and week after week.",
    "They tried again and again, and said bye-bye to the old system.",
    "Costs are getting higher and higher and nobody knows why.",
    "The two sides met face to face for the first time.",
    "It is what makes a scandal a scandal.",
    "It was a very very close race.",
    "“No, no, no,” he shouted. “No no no!”",
    # names and titles
    "The band Talk Talk reunited for one night.",
    "Walla Walla is a city in Washington state.",
    "She starred in Sex and the City and in New York, New York.",
    # numbers and scores
    "Federer won 6-4 6-4 6-4 in the final.",
    # elision and hesitation that are no repeats
    "“We will fight […] and we will win,” she said.",
    "“I… I don’t know,” the witness said.",
    # repeated names in different clauses, anaphora in quotations
    "Joe Biden won the vote, and Joe Biden will be sworn in on Wednesday.",
    "“We shall fight on the beaches, we shall fight on the landing grounds,” he quoted.",
    "President Emmanuel Macron’s party was defeated by President Emmanuel Macron’s rivals.",
    "The deadline set by the European Commission was missed by the European Commission’s partners.",
])
def test_legitimate_repetition_quiet(dup, text):
    assert dup.check(text) == [], text


def test_near_duplicate_names_the_earlier_sentence():
    norm = Normalizer(Options.make(enabled=["common.duplication.near-duplicate-sentence"]))
    text = ("Rescuers pulled twelve survivors from the collapsed building on Sunday night. "
            "The mayor declared three days of mourning. "
            "On Sunday night rescuers pulled twelve survivors from the building that collapsed.")
    findings = norm.check(text)
    assert len(findings) == 1
    f = findings[0]
    assert f.text.startswith("On Sunday night rescuers")
    assert f.data["earlier_text"].startswith("Rescuers pulled twelve survivors")
    assert f.level == "aggressive"  # deleting a sentence is never applied by default


def test_near_duplicate_quiet_on_different_facts():
    norm = Normalizer(Options.make(enabled=["common.duplication.near-duplicate-sentence"]))
    text = ("The company expects 2006 revenue of $4.1bn and earnings of $1.20 per share. "
            "Analysts had expected 2006 revenue of $4.5bn and earnings of $1.35 per share. "
            "Shares fell 4% in New York.")
    assert norm.check(text) == []


def test_lexical_gate_is_cheap_and_symmetric():
    stop = frozenset({"the", "of", "on", "in"})
    a = content_words("Rescuers pulled survivors from the rubble on Sunday", stop)
    b = content_words("On Sunday survivors were pulled from the rubble by rescuers", stop)
    assert lexical_overlap(a, b) == lexical_overlap(b, a) >= 0.8


def test_the_later_sentence_must_be_covered():
    """The suggestion drops the later sentence: what it adds to the earlier one counts against
    the pair, what the earlier one says beyond it does not."""
    stop = frozenset({"the", "will", "for", "and", "that", "now", "at", "says"})
    short = content_words("The mayor says the new bridge will cut travel times", stop)
    long = content_words("The mayor says the new bridge will cut travel times for commuters, lorry drivers "
                         "and ambulances that now wait for hours at the ferry", stop)
    assert covered_share(long, short) == 1.0  # a shorter restatement adds nothing
    assert covered_share(short, long) < 0.5  # a longer one adds who gains and why
