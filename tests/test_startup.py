"""Start-up hygiene: what `mtnorm check` defers must stay correct when it is finally needed.
(Speed itself is measured in benchmarks/, not here.)"""

from __future__ import annotations

import pickle

from normalizer.ruleset import LazyPattern, load_rules


def test_every_shipped_pattern_compiles():
    """Shipped rules compile their regexes lazily; this is where an invalid one is caught."""
    count = 0
    for rule in load_rules().rules:
        for rx in rule.patterns():
            if isinstance(rx, LazyPattern):
                rx.compiled()  # raises regex.error on an invalid pattern
            count += 1
    assert count > 0


def test_compile_patterns_leaves_none_lazy():
    rules = load_rules().select(enabled=["fr-en.calque"])
    assert rules.compile_patterns() >= 0
    assert not [rx for r in rules.rules for rx in r.patterns()
                if isinstance(rx, LazyPattern) and rx._compiled is None]
    assert rules.compile_patterns() == 0


def test_lazy_pattern_behaves_like_the_compiled_one():
    lazy = LazyPattern(r"(?P<w>\bconfess\w*)", 2)  # 2 = IGNORECASE
    assert lazy._compiled is None
    assert lazy.search("They Confessed it").group("w") == "Confessed"
    assert "w" in lazy.groupindex
    clone = pickle.loads(pickle.dumps(lazy))
    assert clone._compiled is None and clone.search("confess").group(0) == "confess"


def test_phrase_anchor_is_its_most_selective_required_word():
    """Any required token can anchor a phrase; a common word would send the rule to nearly
    every sentence, so the engine anchors on the first uncommon one."""
    from normalizer.phrases import compile_phrase

    assert compile_phrase("the new {board:n}").anchors == {"board", "boards"}
    assert compile_phrase("{confess} to the attack").anchors == {"attack"}  # one word, not four forms
    assert compile_phrase("[the] sooner or later").anchors == {"sooner"}
    assert compile_phrase("{say} to (AFP|the Associated Press)").anchors == {"afp", "associated"}
    assert compile_phrase("(tax|oil|budget) recipes").anchors == {"recipes"}
    assert compile_phrase("in the").anchors == {"in"}  # nothing better: the first


def test_parsed_rules_cache_round_trips_and_survives_corruption(tmp_path, monkeypatch):
    from normalizer import ruleset

    monkeypatch.setenv("MTNORM_CACHE", str(tmp_path))
    monkeypatch.setattr(ruleset, "_CACHE", {})
    fresh = ruleset.load_rules()
    files = list(tmp_path.glob("rules-*.pickle"))
    assert len(files) == 1

    def summary(rs):
        return rs.digest, [(r.id, r.kind, getattr(r.regex, "pattern", None), r.anchors,
                            [sorted(cp.anchors) for cp in r.phrases], r.examples_fire) for r in rs.rules]

    monkeypatch.setattr(ruleset, "_CACHE", {})
    assert summary(ruleset.load_rules()) == summary(fresh)
    files[0].write_bytes(b"not a pickle")
    monkeypatch.setattr(ruleset, "_CACHE", {})
    assert summary(ruleset.load_rules()) == summary(fresh)


def test_user_cache_keeps_a_few_versions_of_a_cache(tmp_path, monkeypatch):
    """Two checkouts of different versions on one machine must not evict each other's cache."""
    import os

    from normalizer.confirm import CACHE_ENTRIES, prune_cache

    monkeypatch.setenv("MTNORM_CACHE", str(tmp_path))
    for i in range(CACHE_ENTRIES + 3):
        f = tmp_path / f"rules-{i:02d}.pickle"
        f.write_bytes(b"x")
        os.utime(f, (1000 + i, 1000 + i))
    (tmp_path / "hyperscan-a.db").write_bytes(b"x")
    prune_cache("rules-*.pickle")
    kept = sorted(p.name for p in tmp_path.glob("rules-*.pickle"))
    assert kept == [f"rules-{i:02d}.pickle" for i in range(3, CACHE_ENTRIES + 3)]  # the newest
    assert (tmp_path / "hyperscan-a.db").exists()  # other caches untouched
