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
