"""The detectors stage's gates (detect.group_gate: one test of the document for all the rules
of a detector, instead of a call per rule) only skip rules that find nothing: the stage finds
exactly what calling every detector on every rule finds."""

import random
from pathlib import Path

import pytest

from normalizer.context import RunContext
from normalizer.detect import RuleIndex, run_detectors
from normalizer.document import Document
from normalizer.options import Options
from normalizer.pipeline import Normalizer

ROOT = Path(__file__).resolve().parent.parent
SELECTIONS = [({"encoding", "typography"}, None), (None, {"encoding", "typography"})]


@pytest.fixture(scope="module")
def ruleset():
    return Normalizer(use_model=False).ruleset


def _lines(ruleset) -> list[str]:
    """Every line of the detector rules' examples, and of the seed and dev-set texts."""
    texts = [ex.text for r in ruleset.rules if r.kind == "detector"
             for ex in r.examples_fire + r.examples_no_fire]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/devset").glob("*.txt"))]
    return [line for t in texts for line in t.split("\n") if line.strip()]


def _texts(ruleset, n: int) -> list[str]:
    """Documents of a few such lines, each after a blank line or not, indented or not."""
    rng = random.Random(3)
    lines = _lines(ruleset)
    return ["".join(rng.choice(["", "  ", "\t"]) + rng.choice(lines) + rng.choice(["\n", "\n\n"])
                    for _ in range(rng.randint(1, 5))) for _ in range(n)]


def _found(doc: Document) -> list[tuple]:
    return [(f.rule, f.start, f.end, f.suggestions, f.confidence, f.data) for f in doc.findings]


def _every_rule(index: RuleIndex, text: str, ctx: RunContext) -> list[tuple]:
    """Every detector called on every rule, as the stage did before it had gates."""
    doc = Document.from_text(text)
    for categories, exclude in SELECTIONS:
        for _gate, pairs in index.detectors_for(categories, exclude):
            for fn, rule in pairs:
                doc.findings.extend(fn(doc, rule, ctx))
    return _found(doc)


def _gated(index: RuleIndex, text: str, ctx: RunContext) -> list[tuple]:
    doc = Document.from_text(text)
    for categories, exclude in SELECTIONS:
        run_detectors(doc, index, ctx, categories, exclude)
    return _found(doc)


def test_gated_detectors_find_what_every_rule_finds(ruleset):
    index = RuleIndex(ruleset, hyperscan="0")  # a new index: its gates start from the first document
    ctx = RunContext(Options(use_model=False))
    texts = _texts(ruleset, 1500)
    found = 0
    for text in texts:
        expected = _every_rule(index, text, ctx)
        assert _gated(index, text, ctx) == expected, text
        found += bool(expected)
    assert found > 300


def test_reference_rules_run_only_with_a_reference(ruleset):
    index = RuleIndex(ruleset, hyperscan="0")
    pairs = [(ex.text, ex.reference) for r in ruleset.rules for ex in r.examples_fire + r.examples_no_fire
             if ex.reference]
    found = 0
    for text, reference in pairs:
        for ref in (None, Document.from_text(reference)):
            ctx = RunContext(Options(use_model=False), reference=ref)
            expected = _every_rule(index, text, ctx)
            assert _gated(index, text, ctx) == expected, text
            found += any(f[0].startswith("common.reference.") for f in expected)
    assert found >= 5
