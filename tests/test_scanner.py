"""The Hyperscan scanner (normalizer/scanner.py) must never change a finding: wherever a rule's
regex matches in a sentence or paragraph, the relaxed pattern must end inside that span.
These tests run the rules with the scanner and with the anchor automata and expect the same
findings, and check the tables the relaxation relies on against the regex module itself."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from normalizer import scanner
from normalizer.detect import RuleIndex
from normalizer.pipeline import Normalizer
from normalizer.ruleset import RuleSet, load_rules, parse_rule

hyperscan = pytest.importorskip("hyperscan")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def cache(shared_cache, monkeypatch):
    """One cache for the module: the shipped rules' database is compiled once (seconds)."""
    monkeypatch.setenv("MTNORM_CACHE", str(shared_cache))
    return shared_cache


def _index(monkeypatch, mode: str, rules: RuleSet | None = None, **options) -> RuleIndex:
    monkeypatch.setenv("MTNORM_HYPERSCAN", mode)
    return RuleIndex(rules or load_rules(), **options)


def _findings(index: RuleIndex, text: str) -> list[tuple]:
    n = Normalizer(use_model=False)
    n.index = index
    return [(f.rule, f.start, f.end, tuple(f.suggestions), f.confidence) for f in n.check(text)]


def _example_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for r in load_rules().rules:
        texts += [ex.text for ex in r.examples_fire] + [ex.text for ex in r.examples_no_fire]
    return texts


def test_scanner_and_anchors_find_the_same(monkeypatch, cache):
    scanned, anchored = _index(monkeypatch, "1"), _index(monkeypatch, "0")
    texts = _example_texts()
    assert scanned.scanner.ends(texts[0]) is not None  # the scanner really runs
    assert anchored.scanner.ends(texts[0]) is None
    differ = [t[:80] for t in texts if _findings(scanned, t) != _findings(anchored, t)]
    assert differ == []
    literal = _index(monkeypatch, "0", literals_after=0)  # literal phrases whole, from the first text
    assert [t[:80] for t in texts if _findings(scanned, t) != _findings(literal, t)] == []


def test_every_shipped_rule_is_relaxed_and_compiled(monkeypatch, cache):
    index = _index(monkeypatch, "1")
    index.scanner.ends("warm up")
    missing = [r.id for k, r in enumerate(index.match_rules) if k not in index.scanner.covered]
    assert missing == []


def test_relaxed_pattern_ends_inside_every_real_match(monkeypatch, cache):
    """For each rule's matching examples: the exact regex's matches are each covered by an
    end offset of the relaxed pattern inside the match (the superset promise, directly)."""
    index = _index(monkeypatch, "1")
    for k, r in enumerate(index.match_rules):
        for ex in r.examples_fire:
            ends = index.scanner.ends(ex.text) or {}
            for m in r.regex.finditer(ex.text):
                if m.end() > m.start():
                    assert any(m.start() < e for e in ends.get(k, ())), (r.id, ex.text)


def test_whitespace_and_case_tables_match_the_regex_module():
    # \s of the regex module outside ASCII: what the relaxation lists for white space
    space = {chr(c) for c in range(0x80, 0x110000) if regex.match(r"\s", chr(c), regex.V0)}
    assert space == set(scanner.SPACE_NON_ASCII)
    # characters outside ASCII that a case-insensitive ASCII letter matches
    letter = regex.compile(r"(?i)[a-z]", regex.V0)
    folds = {chr(c) for c in range(0x80, 0x110000) if letter.match(chr(c))}
    assert folds == set(scanner.FOLDS_TO_ASCII)


@pytest.mark.parametrize("pattern, flags, text", [
    (r"(?<![\w'’-])on\s+site(?![\w'’-])", regex.I, "They were ON\u00a0 site."),
    (r"(?<=\d)[ \u00a0\u202f]+(?=%)", 0, "up 5\u202f% on"),
    (r"M\.(?=[ \u00a0]\p{Lu}\p{Ll})", 0, "Hier, M. Dupont"),
    (r"(?:Mme|Mlle)\s+(?-i:[A-Z])", regex.I, "mlle Curie"),
    (r"[^\W\d_]+é", 0, "café"),
    (r"(\w+) \1", 0, "the the"),
    (r"a{2,40}b", 0, "xaaab"),
])
def test_relax_matches_where_the_original_does(pattern, flags, text):
    relaxed = scanner.relax(pattern, flags)
    db = hyperscan.Database()
    db.compile(expressions=[relaxed.encode()], ids=[0], elements=1, flags=[0])
    ends: list[int] = []
    db.scan(text.encode("utf-8"), match_event_handler=lambda *a: ends.append(a[2]))
    m = regex.search(pattern, text, flags | regex.V0)
    assert m is not None
    data = text.encode("utf-8")
    assert any(len(text[: m.end()].encode()) <= e <= len(data) for e in ends), relaxed


@pytest.mark.parametrize("pattern, flags, text", [
    (r"(?<![\w'’-])on\s+site(?![\w'’-])", regex.I, "They were on \t\u00a0site."),
    (r"said\s+to\s+(?:the\s+)?AFP", 0, "he said\u202fto  the\tAFP"),
    (r"(?<=\d)[ \u00a0\u202f]+(?=%)", 0, "up 5\u00a0 % on"),
    (r"(?:\s+the)?\s+x", 0, "a \u00a0the  x"),
    (r"[^,]+,\s+it", 0, "The plan,\u00a0 it"),
])
def test_relax_for_the_space_view_matches_where_the_original_does(pattern, flags, text):
    relaxed = scanner.relax(pattern, flags, view=True)
    db = hyperscan.Database()
    db.compile(expressions=[relaxed.encode()], ids=[0], elements=1, flags=[0])
    data = text.encode("utf-8")
    view, runs = scanner.space_view(data, text.isascii())
    ends: list[int] = []
    db.scan(view, match_event_handler=lambda *a: ends.append(a[2]))
    ends = [scanner.view_to_original(e, runs, [r[0] for r in runs]) for e in ends]
    m = regex.search(pattern, text, flags | regex.V0)
    assert m is not None
    assert any(len(text[: m.start()].encode()) < e <= len(data) for e in ends), (relaxed, view)


@pytest.mark.parametrize("pattern, flags", [
    (r"\s\s+", 0), (r"(?<=\S)  +(?=\S)", 0), (r"\u202f", 0), (r"a\s(?:\s+the)x", 0), (r"x\ty", 0),
])
def test_patterns_that_tell_spaces_apart_or_need_two_have_no_space_view(pattern, flags):
    with pytest.raises(scanner.Unsupported):
        scanner.relax(pattern, flags, view=True)
    scanner.relax(pattern, flags)  # the raw text's database takes them


@pytest.mark.parametrize("pattern, touch", [
    ("a b", False), ("a +b", False), ("(?: the)? x", False), ("[^,]+, it", False), ("x(?: y)*", False),
    ("(?: x)* ", False),
    ("  ", True), (" +  ", True), ("a (?: the)? x", True), ("(?:a )+ b", True), ("[a ]{2,}", True),
    ("(?:x |y) z", True), ("(?:x|y ) z", True), ("(?:x )?(?:y )? z", True),
])
def test_spaces_may_touch(pattern, touch):
    """Two characters that may be spaces in a row: a pattern the space view could not match."""
    assert scanner._spaces_may_touch(scanner._sre_parse.parse(pattern)) is touch


def test_space_view_offsets_map_back():
    text = "A  b\tc\u00a0\u202f d \n\n e\u3000f  "
    data = text.encode("utf-8")
    view, runs = scanner.space_view(data, text.isascii())
    assert view.decode("utf-8") == "A b c d \n\n e f "
    starts = [r[0] for r in runs]
    decoded = view.decode("utf-8")
    mapped = []  # for each character of the view, where the original text up to it ends
    for i, ch in enumerate(decoded):
        end = scanner.view_to_original(len(decoded[: i + 1].encode()), runs, starts)
        mapped.append(scanner.char_ends(data, {end})[end])  # byte offsets read as the scanner does
        # a character maps to itself; a run's one space to the run's first character
        assert text[mapped[-1] - 1] == ch or (ch == " " and text[mapped[-1] - 1].isspace())
    assert mapped == sorted(set(mapped)) and mapped[-1] == len(text) - 1
    assert scanner.space_view(b"one two\nthree", True) == (b"one two\nthree", [])


def test_any_white_space_between_words_finds_the_same(monkeypatch, cache):
    """The space view collapses white space: every rule example, its spaces replaced by runs of
    tabs, no-break, narrow no-break and double spaces, is found the same by both paths."""
    import random

    rng = random.Random(3)
    runs = ["  ", "\t", "\u00a0", "\u202f", " \u00a0", "\u2009 ", " "]
    texts = []
    for r in load_rules().rules:
        for ex in r.examples_fire[:2]:
            texts.append("".join(rng.choice(runs) if c == " " else c for c in ex.text))
    scanned, anchored = _index(monkeypatch, "1"), _index(monkeypatch, "0")
    differ = [t[:80] for t in texts if _findings(scanned, t) != _findings(anchored, t)]
    assert differ == []
    literal = _index(monkeypatch, "0", literals_after=0)
    assert [t[:80] for t in texts if _findings(scanned, t) != _findings(literal, t)] == []
    assert sum(bool(_findings(scanned, t)) for t in texts) > len(texts) // 2


def test_documents_with_characters_hyperscan_cannot_fold_take_the_anchor_path(monkeypatch, cache):
    index = _index(monkeypatch, "1")
    assert index.scanner.ends("plain text") is not None
    assert index.scanner.ends("the \u212aelvin sign") is None
    text = "Thousands of \u212aandidates crowded the border."  # (no k in "candidates": same either way)
    assert _findings(index, text) == _findings(_index(monkeypatch, "0"), text)


def test_non_ascii_text_before_a_match_keeps_offsets(monkeypatch, cache):
    text = "It was a café — «\u00a0wonderful\u00a0», he said. A spokesman assured AFP on Tuesday."
    assert _findings(_index(monkeypatch, "1"), text) == _findings(_index(monkeypatch, "0"), text)
    assert any(f[0].startswith("fr-en.") for f in _findings(_index(monkeypatch, "1"), text))


def test_a_rule_hyperscan_cannot_take_keeps_the_anchor_path(monkeypatch, tmp_path):
    monkeypatch.setenv("MTNORM_CACHE", str(tmp_path))
    path = str(tmp_path / "t.yaml")
    rules = [parse_rule({"id": f"test.{name}", "kind": "pattern", "category": "typography", "message": "m",
                         "pattern": pattern}, path, {})
             for name, pattern in [("plain", r"colour"), ("only-assertions", r"\b(?!x)"),
                                   ("empty", r"(?:)|q"), ("other", r"\bgrey\b")]]
    index = _index(monkeypatch, "1", RuleSet(rules, [], "test"))
    text = "A grey colour, xyz and q."
    assert index.scanner.ends(text) is not None
    assert index.scanner.covered == {0, 3}  # the two that can match the empty string are left out
    assert index.scanner._databases[1] is None  # both in the space view's database
    assert _findings(index, text) == _findings(_index(monkeypatch, "0", RuleSet(rules, [], "test")), text)


def test_the_database_is_cached_and_reloaded(monkeypatch, cache):
    first = _index(monkeypatch, "1")
    first.scanner.ends("warm up")
    assert list(cache.glob("hyperscan-*.db"))
    monkeypatch.setenv("MTNORM_HYPERSCAN", "auto")
    monkeypatch.setattr(scanner, "_compile", lambda patterns: pytest.fail("compiled again"))
    second = RuleIndex(load_rules())
    assert second.scanner.ends("short text") is None  # a few articles: no Hyperscan at all
    big = "An article of news. " * (scanner.LOAD_AFTER_BYTES // 20)
    assert second.scanner.ends(big) is not None  # enough text: the cached database, not compiled
    assert second.scanner.covered == first.scanner.covered


def test_small_runs_do_not_compile(monkeypatch, tmp_path):
    monkeypatch.setenv("MTNORM_CACHE", str(tmp_path))
    index = _index(monkeypatch, "auto")
    assert index.scanner.ends("a short document") is None
    assert not list(tmp_path.glob("hyperscan-*.db"))
