"""Every rule's own examples (LanguageTool-style): must-fire and must-not-fire."""

import pytest

from normalizer.options import Options
from normalizer.pipeline import Normalizer
from normalizer.rulecheck import check_rule_examples
from normalizer.ruleset import load_rules

RULES = load_rules().rules


@pytest.fixture(scope="module")
def norm():
    return Normalizer(Options.make())


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(norm, rule):
    assert rule.examples_fire, f"{rule.id} has no must-fire example"
    assert rule.examples_no_fire, f"{rule.id} has no must-not-fire example"
    failures = check_rule_examples(norm, rule)
    assert not failures, "\n".join(failures)
