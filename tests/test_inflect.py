import pytest

from normalizer.inflect import forms, inflect
from normalizer.phrases import compile_phrase, render_suggestion
import regex


@pytest.mark.parametrize("lemma, tag, expected", [
    ("confess", "ed", "confessed"), ("confess", "s", "confesses"), ("confess", "ing", "confessing"),
    ("claim", "ed", "claimed"), ("tell", "ed", "told"), ("stop", "ed", "stopped"),
    ("commit", "ing", "committing"), ("try", "s", "tries"), ("try", "ed", "tried"),
    ("assure", "ing", "assuring"), ("take", "en", "taken"), ("visit", "ed", "visited"),
])
def test_verbs(lemma, tag, expected):
    assert inflect(lemma, tag) == expected


def test_nouns_and_multiword():
    assert forms("board", "n") == {"board": "base", "boards": "s"}
    assert inflect("claim responsibility", "ed") == "claimed responsibility"
    assert inflect("person", "s", "n") == "people"


def test_phrase_suggestion_keeps_inflection_and_gap():
    cp = compile_phrase("{confess} ... to")
    m = regex.search(cp.regex, "IS-K confessed on Thursday to the attack", regex.I)
    assert m.group(0) == "confessed on Thursday to"
    assert render_suggestion("{claim} responsibility ... for", cp, m.groupdict(), m.group(0)) == \
        "claimed responsibility on Thursday for"


def test_a_name_the_suggestion_writes_keeps_its_capital():
    """ "the Hebrew state" -> "Israel", "the Hexagon" -> "France" mid-sentence: the capital the
    rule's author wrote stays; a lower-case match still lowers an ordinary word."""
    cp = compile_phrase("[in|across] the Hexagon")
    for text, want in (("fell in the Hexagon", "in France"), ("rose, the Hexagon said", "France")):
        m = regex.search(cp.regex, text, regex.I)
        assert render_suggestion("$1 France", cp, m.groupdict(), m.group(0)) == want
    cp = compile_phrase("the new board")
    m = regex.search(cp.regex, "said the new board would", regex.I)
    assert render_suggestion("The new government", cp, m.groupdict(), m.group(0)) == "The new government"
    assert render_suggestion("new government", cp, m.groupdict(), m.group(0)) == "new government"
