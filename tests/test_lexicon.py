"""The French-to-English calque and false-friend lexicon (rules/fr-en/): seed recall and fixes,
silence on native English, and the few engine features the lexicon relies on.

Each rule's own examples run in tests/test_rule_examples.py; this file checks what they cannot:
whole documents, and general positive/negative cases across rules.
"""

import regex

from normalizer.inflect import forms
from normalizer.ruleset import parse_rule


def _phrase_rule(match, suggest=()):
    raw = {"id": "t.phrase", "kind": "phrase", "category": "calque", "message": "m",
           "match": list(match), "suggest": list(suggest)}
    return parse_rule(raw, "t.yaml", {})


def test_phrase_with_gap_passes_validation():
    # the generated gap regex is bounded: the nested-quantifier guard must not reject it
    rule = _phrase_rule(["{confess} ... to the (attack|bombing)"])
    assert rule.regex.search("The group confessed on Thursday to the attack")


def test_cap_slot_is_case_sensitive():
    rule = _phrase_rule(["off the large of <Cap>"])
    assert rule.regex.search("sank off the large of Lampedusa")
    assert not rule.regex.search("off the large of the coast")


def test_be_has_all_its_forms():
    f = forms("be")
    assert f["are"] == "base" and f["were"] == "ed" and f["is"] == "s"
    assert _phrase_rule(["{be} announced difficult"]).regex.fullmatch("were announced difficult")


def test_optional_choice_is_numbered_and_empty_when_absent():
    from normalizer.phrases import render_suggestion

    rule = _phrase_rule(["{make} [at least|nearly] <num> (dead|deaths)"])
    cp = rule.phrases[0]
    for text, expected in [("The blast made at least 20 dead", "left at least 20 dead"),
                           ("The blast made 20 dead", "left 20 dead")]:
        m = regex.search(cp.regex, text, regex.I)
        assert render_suggestion("{leave} $1 $2 dead", cp, m.groupdict(), m.group(0)) == expected


def test_compound_nouns_inflect_their_last_word():
    from normalizer.inflect import inflect

    assert inflect("suicide bomber", "s", "n") == "suicide bombers"
    assert forms("suicide bomber", "n") == {"suicide bomber": "base", "suicide bombers": "s"}


def test_suggestion_articles_agree_with_the_next_word():
    from normalizer.phrases import agree_articles

    assert agree_articles("an possible attack") == "a possible attack"
    assert agree_articles("a AFP journalist") == "an AFP journalist"
    assert agree_articles("A internship") == "An internship"
    assert agree_articles("a UN envoy and an hour") == "a UN envoy and an hour"
    assert agree_articles("an university") == "a university"


def test_leading_option_may_be_absent():
    rule = _phrase_rule(["[a|the] sensible (issue|issues)"])
    m = rule.regex.search("patrols in sensible issues")
    assert m and m.group(0) == "sensible issues"
    assert rule.regex.search("a sensible issue").group(0) == "a sensible issue"


def test_ambiguous_verb_forms_follow_the_auxiliary():
    from normalizer.phrases import render_suggestion

    cp = _phrase_rule(["{seize} the justice"]).phrases[0]
    cp_put = _phrase_rule(["{put} in cause"]).phrases[0]

    def render(cp, template, text):
        m = regex.search(cp.regex, text, regex.I)
        return render_suggestion(template, cp, m.groupdict(), m.group(0), text[: m.start()])

    assert render(cp, "{take} the matter to court", "The family has seized the justice") == \
        "taken the matter to court"
    assert render(cp, "{take} the matter to court", "The family seized the justice") == "took the matter to court"
    assert render(cp_put, "{implicate}", "Officers were also put in cause") == "implicated"
    assert render(cp_put, "{implicate}", "They will put in cause") == "implicate"


def test_cap_slot_leaves_the_full_stop_out():
    rule = _phrase_rule(["the region of <Cap>"])
    assert rule.regex.search("killed in the region of Kidal. Later").group(0) == "the region of Kidal"


# -- the lexicon as a whole -------------------------------------------------------------------

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from normalizer.evaluate import score_document  # noqa: E402
from normalizer.options import Options  # noqa: E402
from normalizer.pipeline import Normalizer  # noqa: E402
from normalizer.ruleset import load_rules  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ("fr-en.calque", "fr-en.false-friend")
LEXICON_FILES = {"calques", "false-friends", "wire-phrasing"}
MT_GOLD = ROOT / "seeds" / "000_d39dd3bf9bf62004.yaml"
EN_SEED = ROOT / "seeds" / "004_3d73205d6c8d8124.txt"
CORE_CALQUES = [
    "a Taliban spokesman assured AFP",
    "confessed on Thursday to the attack",
    "The group also confessed to the rocket attack",
    "thousands of candidates crowded",
    "the new board",
    "The country works slowly on site.",
]


def _lexicon_rules():
    return [r for r in load_rules().rules if r.family in LEXICON_FILES]


@pytest.fixture(scope="module")
def lexicon_only():
    return Normalizer(Options.make(enabled=list(LEXICON), use_model=False))


def test_lexicon_is_complete_data():
    rules = _lexicon_rules()
    assert len(rules) >= 80
    for r in rules:
        assert r.id.startswith(LEXICON), r.id
        assert r.category == "calque" and r.source_languages == ["fr"], r.id
        assert r.source and r.message and r.suggest, r.id
        assert r.examples_fire and r.examples_no_fire, r.id
        assert all(ex.fix for ex in r.examples_fire), f"{r.id}: every fire example gives its fix"


def test_seed_000_core_calques_are_found_and_fixed_without_the_model():
    score = score_document(MT_GOLD, Normalizer(Options.make(use_model=False)))
    for text in CORE_CALQUES:
        assert not any(text in m for m in score.missed), f"missed {text!r}"
        assert not any(text in u for u in score.unfixed), f"not fixed: {text!r}"
    assert score.false_positives == 0


def test_seed_000_core_calques_come_from_the_lexicon(lexicon_only):
    text = MT_GOLD.with_suffix(".txt").read_text(encoding="utf-8")
    findings = lexicon_only.check(text)
    for needle in CORE_CALQUES:
        start = text.index(needle)
        end = start + len(needle)
        assert any(f.start < end and start < f.end for f in findings), needle


def test_seed_004_native_english_is_left_alone(lexicon_only):
    assert lexicon_only.check(EN_SEED.read_text(encoding="utf-8")) == []


def test_with_the_model_the_seed_recall_holds_and_004_stays_silent():
    norm = Normalizer(Options.make(enabled=list(LEXICON)))
    ctx = norm.context()
    if ctx.encode(["probe"]) is None:
        pytest.skip(f"embedding model unavailable: {ctx.model_error}")
    text = MT_GOLD.with_suffix(".txt").read_text(encoding="utf-8")
    result = norm.normalize(text)
    for needle in CORE_CALQUES:
        start = text.index(needle)
        end = start + len(needle)
        assert any(f.start < end and start < f.end for f in result.findings), needle
    # these two fixes need Options.meaning_threshold <= ~0.74: a calque fix moves the sentence
    assert "the new government" in result.text and "people hoping to leave" in result.text
    assert norm.check(EN_SEED.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("text, fixed", [
    ("Hamas militants confessed on Friday to the bombing of the bus.",
     "Hamas militants claimed responsibility on Friday for the bombing of the bus."),
    ("“The army will win,” a colonel assured to Reuters.", "“The army will win,” a colonel told Reuters."),
    ("The tanker sank at the large of Malta.", "The tanker sank off Malta."),
    ("The fire made 12 dead, according to a journalist of AFP.",
     "The fire left 12 dead, according to an AFP journalist."),
    ("They have lived in the camp since three years.", "They have lived in the camp for three years."),
])
def test_general_positive_cases(lexicon_only, text, fixed):
    assert lexicon_only.normalize(text).text == fixed


@pytest.mark.parametrize("text", [
    "The board approved the merger after shareholders backed the deal.",
    "He assured reporters that the reactor was safe.",
    "The suspect confessed to the murder during police questioning.",
    "She realised the film would never be finished.",
    "Thousands of candidates are standing in the local elections.",
    "The deputy prime minister defended the bill in parliament.",
    "It is an important part of the plan and an important step.",
    "The library lends e-books to its members free of charge.",
    "The protest was a manifestation of deep anger against the police.",
    "Police found an explosive device near the security barrier.",
    "The newspaper's circulation was restricted during the strike.",
])
def test_general_negative_cases(lexicon_only, text):
    assert lexicon_only.check(text) == []


def test_every_phrase_of_a_rule_has_a_fire_example_with_its_fix():
    # a rule's suggestions serve all its phrases: each phrase's rendering must be checked
    missing = []
    for r in _lexicon_rules():
        if r.kind != "phrase":
            continue
        for cp in r.phrases:
            rx = regex.compile(cp.regex, regex.I)
            if not any(rx.search(ex.text) for ex in r.examples_fire):
                missing.append(f"{r.id}: {cp.source}")
    assert not missing, "no fire example for:\n" + "\n".join(missing)


def test_false_positive_benchmark_skips_without_data(tmp_path, monkeypatch, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_fp", ROOT / "benchmarks" / "bench_false_positives.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setenv("MTNORM_DATA", str(tmp_path))
    assert bench.main(["--no-wmt"]) == 0
    assert "skipped" in capsys.readouterr().out
