"""The boilerplate detector's opening gate must find the line of every paragraph a rule's
patterns match as a whole, or that paragraph would never be checked: the gate is a stdlib
``re`` translation of each ``regex`` pattern's opening, so case, accents, indents and syntax
that only ``regex`` reads are the risk."""

import random
from pathlib import Path

import pytest
import regex
import yaml

from normalizer.detectors.boilerplate import _hits_by_gate, compile_line_pattern, join_gates, opening_gate

RULES_FILE = Path(__file__).parent.parent / "rules/common/boilerplate.yaml"
RULES = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))["rules"]
LINES = {r["id"]: tuple(r["settings"]["lines"]) for r in RULES}
FIRING = [line for r in RULES for ex in r["examples"]["fire"] for line in ex["text"].split("\n") if line]
FIRING += ["Mis à jour le 7 juin 2022 à 10h15", "À lire aussi : la réforme", "© Jean Martin",
           "(AVEC AFP)", "Share | Tweet | E-mail", "Photos: Reuters", "Our daily newsletter",
           "Subscribers only."]


def _gate_finds(rule_id: str, line: str, indent: str = "") -> bool:
    """Whether the rule's gate finds ``line``, indented, after another line."""
    return opening_gate(LINES[rule_id]).search(f"\nSome prose here.\n{indent}{line}\n") is not None


def _fullmatches(rule_id: str, line: str) -> bool:
    return any(compile_line_pattern(p).fullmatch(line) for p in LINES[rule_id])


def test_every_rule_has_a_gate():
    assert all(opening_gate(lines) is not None for lines in LINES.values())


@pytest.mark.parametrize("rule_id", sorted(LINES))
def test_gate_finds_every_firing_line(rule_id):
    fired = [line for line in FIRING if _fullmatches(rule_id, line)]
    assert fired or rule_id == "common.boilerplate.agency-credit"
    for line in fired:
        for indent in ("", "  ", "\t", "\u00a0"):
            assert _gate_finds(rule_id, line, indent), (line, indent)


def _mutated(rnd: random.Random, line: str) -> str:
    """``line`` with letters in another case (also the Kelvin sign and the long s, which
    ``regex`` matches as k and s) and spaces of another kind."""
    out = []
    for c in line:
        r = rnd.random()
        if c == " " and r < 0.2:
            c = rnd.choice(["\u00a0", "\t", "  "])
        elif c in "kK" and r < 0.2:
            c = "\u212a"
        elif c in "sS" and r < 0.2:
            c = "\u017f"
        elif r < 0.5:
            c = c.swapcase()
        out.append(c)
    return "".join(out)


def test_gate_finds_firing_lines_in_any_case():
    rnd = random.Random(0)
    checked = 0
    for _ in range(4000):
        line = _mutated(rnd, rnd.choice(FIRING))
        for rule_id in LINES:
            if _fullmatches(rule_id, line):
                checked += 1
                assert _gate_finds(rule_id, line), (rule_id, line)
    assert checked > 500


@pytest.mark.parametrize("pattern", [
    r"(?:posted){e<=1} on",  # fuzzy matching: literal braces to re
    r"[[:alpha:]]+ news",  # a POSIX class: a nested set to re
    r"\p{Lu}+",  # an opening that is an open set
])
def test_no_gate_where_re_would_read_the_pattern_otherwise(pattern):
    assert opening_gate((pattern,)) is None


def test_re_whitespace_covers_regex_whitespace():
    every = "".join(map(chr, range(0x110000)))
    assert set(regex.findall(r"\s", every)) <= {c for c in every if c.isspace()}


PROSE = ["The minister said the plan would go ahead.", "Shares fell 3% on Monday.", "Read the report.",
         "This article was amended.", "(The figures are provisional.)", "« Non », a-t-il dit.",
         "Photographs of the flood spread online.", "Sign up was slow."]


def test_joined_gates_hit_where_each_gate_does():
    # one search for all the rules' gates finds, for each, the lines its own search finds
    gates_lines = tuple(LINES.values())
    joined = join_gates(gates_lines)
    rnd = random.Random(1)
    hit = 0
    for _ in range(500):
        lines = [_mutated(rnd, rnd.choice(FIRING + PROSE)) for _ in range(rnd.randint(1, 6))]
        text = "".join(rnd.choice(["", "  ", "\t", "\u00a0"]) + line + rnd.choice(["\n", "\n\n", " \n"])
                       for line in lines)[: rnd.choice([None, -1])]
        for lines_of_gate, found in zip(gates_lines, _hits_by_gate(text, joined)):
            assert found == [m.end() - 1 for m in opening_gate(lines_of_gate).finditer("\n" + text)], text
            hit += bool(found)
    assert hit > 200
