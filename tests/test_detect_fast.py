"""Short cuts in the rules stage (detect.py) must decide exactly as the long way would."""

from normalizer.detect import _share_below


def test_consistency_share_counts_only_as_far_as_needed():
    for min_share in (0.1, 0.25, 0.3, 1 / 3, 0.5, 0.6, 2 / 3, 0.75, 0.9, 1.0):
        for bad in range(1, 25):
            for correct in range(0, 60):
                expected = bad / (bad + correct) < min_share
                assert _share_below(bad, iter(range(correct)), min_share) == expected, (min_share, bad, correct)


def test_consistency_share_of_zero_never_fails():
    assert not _share_below(1, iter(range(1000)), 0.0)


# -- literal phrases (AnchorMatcher._literal_targets) -------------------------------------------

def test_a_phrase_of_words_lists_every_text_it_matches():
    from normalizer.phrases import MAX_LITERALS, compile_phrase

    assert compile_phrase("[the] new {board:n}").literals == ["new board", "new boards", "the new board",
                                                               "the new boards"]
    assert compile_phrase("it’s (done|over)").literals == ["it's done", "it's over"]
    # slots, gaps, too many forms and non-ASCII words keep the anchor words and the regex
    for phrase in ("{make} <num> dead", "<Cap> {assure}", "{say} ... that", "café (au lait|noir)",
                   " ".join(f"(a{i}|b{i}|c{i})" for i in range(6))):
        assert compile_phrase(phrase).literals is None, phrase
    assert 3 ** 6 > MAX_LITERALS


def _literal_index():
    from normalizer.detect import RuleIndex
    from normalizer.ruleset import RuleSet, parse_rule

    raw = {"id": "test.new-board", "kind": "phrase", "category": "calque", "message": "m",
           "match": ["the new {board:n}"], "suggest": ["the new government"]}
    rule = parse_rule(raw, "t.yaml", {})
    return RuleIndex(RuleSet([rule], [], "literal-test"), hyperscan="0", literals_after=0)


def _spans(text: str) -> list[tuple[int, int]]:
    from normalizer.context import RunContext
    from normalizer.detect import run_rules
    from normalizer.document import Document
    from normalizer.options import Options

    doc = Document.from_text(text)
    run_rules(doc, _literal_index(), RunContext(Options(use_model=False)))
    return [(f.start, f.end) for f in doc.findings]


def test_literal_phrases_are_found_across_any_white_space_and_case():
    text = "Éric said so. The\u00a0new \t BOARDS met.\nIt’s the  new board!"
    assert [text[a:b] for a, b in _spans(text)] == ["The\u00a0new \t BOARDS", "the  new board"]


def test_literal_phrases_respect_word_boundaries():
    assert _spans("They renewed the new boardroom and the new-board plan; unthe new board.") == []


def test_text_with_characters_lower_cannot_fold_takes_the_anchor_words():
    # the Kelvin sign folds to k for the regex module, not for str.lower(): the anchors decide
    text = "The new board met at 300 \u212a. The NEW BOARD was named."
    assert len(_spans(text)) == 2


# -- anchors of several words (AnchorMatcher.candidates) ------------------------------------------

def test_an_anchor_of_several_words_matches_across_any_white_space():
    from normalizer.detect import AnchorMatcher
    from normalizer.ruleset import parse_rule

    raw = {"id": "test.is-of", "kind": "pattern", "category": "calque", "message": "m",
           "pattern": r"\b(?:is|was)\s+of\s+\d+", "anchors": ["is of", "was of", "was of some"],
           "suggest": ["x"]}
    rule = parse_rule(raw, "t.yaml", {})
    matcher = AnchorMatcher([rule])
    text = "The toll was  of 40. The rate is\u00a0of\t5. It was of some 3. Thesis of 2."
    hits = matcher.candidates(text)
    assert sorted(hits) == [9, 30, 42]  # "Thesis of" is no whole word: no hit
    assert all(rules == [rule] for pos, rules in hits.items() if pos != 42)
    assert hits[42] == [rule, rule]  # two anchors start there: both are reported
