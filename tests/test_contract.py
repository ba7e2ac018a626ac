"""The output contract: field names, offsets, JSON shape, library API."""

import json

import normalizer
from normalizer.findings import CATEGORIES, LEVELS, SEVERITIES

FIELDS = {"rule", "category", "start", "end", "text", "message", "severity", "confidence",
          "suggestions", "level"}


def test_finding_fields_and_offsets_round_trip(mt_text):
    findings = normalizer.check(mt_text)
    assert findings
    for f in findings:
        d = f.to_dict()
        assert FIELDS <= set(d)
        assert mt_text[d["start"] : d["end"]] == d["text"]
        assert d["category"] in CATEGORIES
        assert d["severity"] in SEVERITIES
        assert d["level"] in LEVELS
        assert 0.0 <= d["confidence"] <= 1.0
        assert isinstance(d["suggestions"], list)
        assert all(isinstance(s, str) for s in d["suggestions"])
        json.dumps(d)


def test_normalize_result_and_undo(mt_text):
    result = normalizer.normalize(mt_text)
    assert result.text != mt_text
    assert result.edits
    assert normalizer.undo(result.text, result.edits) == mt_text
    assert normalizer.fix(mt_text) == result.text


def test_metadata_prefix_kept(mt_text):
    out = normalizer.fix(mt_text)
    assert out.startswith(" date 2021-08-30 Afghanistan | ISIS attacks should end")


def test_native_english_seed_unchanged(en_text):
    assert normalizer.fix(en_text) == en_text
