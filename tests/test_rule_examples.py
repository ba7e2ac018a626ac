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


def test_each_phrase_of_a_rule_needs_a_fire_example(tmp_path):
    """One suggestion serves every phrase of a rule: a phrase that no fire example reaches may
    be dead or get a suggestion that does not fit it ('Insisted Correa that'), so it fails."""
    (tmp_path / "mine.yaml").write_text('''rules:
  - id: my.calque.assured-that
    kind: phrase
    category: calque
    message: "Assurer que is to insist that."
    match:
      - "{assure} (again|repeatedly) that"
      - "<Cap> {assure} that"
    suggest: ["{insist} $1 that"]
    examples:
      fire:
        - text: "The mayor assured again that no one was hurt."
          fix: "The mayor insisted again that no one was hurt."
      no_fire:
        - "He assured voters that taxes would not rise."
''', encoding="utf-8")
    rule = load_rules([tmp_path], builtin=False).by_id()["my.calque.assured-that"]
    mine = Normalizer(Options.make(rule_dirs=[tmp_path], builtin_rules=False, use_model=False))
    failures = check_rule_examples(mine, rule)
    assert failures == ["my.calque.assured-that: phrase 2 '<Cap> {assure} that' is the one that "
                        "matches in no fire example"]
