"""prefilter.needles: a needle set is a promise (no text without one of them has a match), so
it is checked against the regex engine on the shipped rules' own examples and on edge cases."""

from __future__ import annotations

import regex

from normalizer.prefilter import needles
from normalizer.ruleset import load_rules


def test_needles_of_simple_patterns():
    assert needles(r"(?<=\w) +”") == {" ”"}
    assert needles(r"(?:billion|million)s?\b") == {"billion", "million"}
    assert needles(r"x(?=yz)") == {"xyz"}
    assert needles(r"[ab]{2}c") == {"ac", "bc"}


def test_no_needles_when_unsure():
    assert needles(r"(?i)abc") is None  # cased letters under IGNORECASE
    assert needles(r"\p{Lu}\.") == {"."}  # a property is one unknown character
    assert needles(r"[[:alpha:]]x") is None  # POSIX class: the regex module reads it otherwise
    assert needles(r"(?:hello){e<=1}") is None  # fuzzy matching
    assert needles(r"a?b?") is None
    assert needles(r"\w+") is None


def _shipped_pattern_matches():
    """(rule, paragraph) for each paragraph of a shipped pattern rule's examples that the
    rule's regex matches (the regex runs paragraph by paragraph)."""
    for rule in load_rules().rules:
        if rule.kind != "pattern" or rule.regex is None:
            continue
        rx = regex.compile(rule.regex.pattern, rule.regex.flags)
        for ex in rule.examples_fire + rule.examples_no_fire:
            for para in ex.text.split("\n"):
                if rx.search(para.strip()):
                    yield rule, para.strip()


def test_every_match_of_a_shipped_pattern_holds_a_needle():
    checked = 0
    for rule, text in _shipped_pattern_matches():
        required = needles(rule.regex.pattern, rule.regex.flags)
        if required is not None:
            assert any(n in text for n in required), (rule.id, text, required)
            checked += 1
    assert checked > 0


def test_alternations_of_literals_stay_strings():
    assert needles(r"(?:Mme|Mlle)\.?(?=[ ]\p{Lu})") == {"Mme", "Mlle"}  # the parser factors out "M"
    assert needles(r"(?:ab|cd)+x") in ({"ab", "cd"}, {"x"})
    assert needles(r"(?:ab|c)?x") == {"x"}


# -- needle_sets: conjunctions in the paragraph view -----------------------------------------

def test_needle_sets_run_across_white_space_in_the_view():
    from normalizer.prefilter import needle_sets, view

    assert needle_sets(r",\s+(?:it|he)\s+is") == (frozenset({", it is", ", he is"}),)
    assert view("The  government,\u00a0it\tis") == "The government, it is"
    assert needle_sets(r"calm\W+(?:happen|pass)") == (frozenset({"calm"}), frozenset({"happen", "pass"}))


def test_needle_sets_skip_what_every_paragraph_has():
    from normalizer.prefilter import needle_sets

    assert needle_sets(r"\s+") is None
    assert needle_sets(r"\w+ \w+") is None
    # "is" is too common to be worth a second set next to the rare word
    assert needle_sets(r"\bis\s+embroiled\b") == (frozenset({"is embroiled"}),)


def test_every_match_of_a_shipped_pattern_meets_its_needle_sets():
    from normalizer.prefilter import needle_sets, view

    checked = 0
    for rule, text in _shipped_pattern_matches():
        sets = needle_sets(rule.regex.pattern, rule.regex.flags)
        if sets is not None:
            assert all(any(n in view(text) for n in group) for group in sets), (rule.id, text, sets)
            checked += 1
    assert checked > 50
