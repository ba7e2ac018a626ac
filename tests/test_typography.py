"""Typography: every typography artifact of the seed's gold is found and fixed; correct
typography is never touched."""

import pytest
import yaml

import normalizer
from normalizer.evaluate import fold

from conftest import SEEDS


def _gold(name):
    return yaml.safe_load((SEEDS / name).read_text(encoding="utf-8"))


def test_seed_typography_found_and_fixed(mt_text):
    gold = _gold("000_d39dd3bf9bf62004.yaml")
    result = normalizer.normalize(mt_text)
    out = fold(result.text)
    for art in gold["artifacts"]:
        if art["category"] != "typography":
            continue
        start = mt_text.index(art["text"])
        end = start + len(art["text"])
        assert any(f.start < end and start < f.end and f.category == "typography" for f in result.findings), art["text"]
        assert any(fold(a) in out for a in art["accept"]), art["text"]


@pytest.mark.parametrize("text", [
    "“We will not negotiate,” the minister said.",
    "He said: “It is over.” Then he left.",
    "The score was 2-1; the fans were delighted!",
    "Is this the end? No.",
    "She called it a “historic” day, and “a new start”.",
    "Prices rose 3.5% to £15.8m in 2004.",
    "The so-called \"reform\" was rejected.",
])
def test_correct_typography_untouched(text):
    assert normalizer.check(text) == []


@pytest.mark.parametrize("bad, good", [
    ("“We are ready, ”said the minister.", "“We are ready,” said the minister."),
    ("He called it « a mistake » yesterday.", "He called it “a mistake” yesterday."),
    ("What now ? Nobody knows.", "What now? Nobody knows."),
    ("The message was clear : no deal.", "The message was clear: no deal."),
])
def test_french_typography_fixed(bad, good):
    assert normalizer.fix(bad) == good
