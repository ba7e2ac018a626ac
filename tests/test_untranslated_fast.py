"""The untranslated detector's prefilter must find every source word the detector counts, or a
sentence that should be checked would be skipped: its automaton runs on byte classes of the
text, so words next to apostrophes, digits, non-ASCII letters and punctuation are the risk."""

import random

import pytest

from normalizer.detectors.untranslated import (_TOKEN, Config, _byte_class, _classes_lower_case,
                                                _evidence_starts, _is_source_word)

SETTINGS = {
    "stopwords": ["le", "la", "les", "de", "été", "à", "là", "où", "ça", "très", "car", "aujourd'hui"],
    "elisions": ["l", "d", "qu", "jusqu"],
    "min_source_words": 2,
}
CFG = Config.from_settings(SETTINGS)


def _source_word_starts(text: str) -> set[int]:
    lowered = text.lower()
    return {m.start() for m in _TOKEN.finditer(lowered) if _is_source_word(m.group(0), CFG.stopwords, CFG.elisions)}


@pytest.mark.parametrize("text", [
    "Le gouvernement a annoncé de nouvelles mesures.",
    "«La situation» est très grave, selon l’AFP; jusqu’à 2de heures.",
    "Été 2021: là où ça compte, c'est à Paris — car “le” prix.",
    "Aujourd’hui: aujourd'hui. L'homme, d’accord, qu'il.",
    "£5 à €3; à£ la€ ×le Éle léger de-la le_la 2le le2",
])
def test_prefilter_finds_every_source_word(text):
    assert _source_word_starts(text) <= set(_evidence_starts(text, CFG))


def test_prefilter_finds_every_source_word_in_random_text():
    rnd = random.Random(0)
    pieces = ["le", "la", "de", "été", "à", "là", "car", "l", "qu", "jusqu", "aujourd", "hui", "x", "é", "É",
              "'", "’", " ", "-", "2", "_", "«", "»", "£", "—", "\u00a0", ",", "ß", "İ",
              "LE", "De", "À", "LÀ", "ÉTÉ", "Ÿ", "\u212a", "Ω", "ÿ"]
    for _ in range(3000):
        text = "".join(rnd.choices(pieces, k=rnd.randint(1, 12)))
        starts = _evidence_starts(text, CFG)
        if starts is not None:  # None: lower-casing changed the length, every sentence is checked
            assert _source_word_starts(text) <= set(starts), text


def test_latin1_classes_need_no_lower_casing():
    # _evidence_starts skips str.lower() for Latin-1 text: the classes must not tell the cases apart
    latin1 = "".join(map(chr, range(256)))
    assert _classes_lower_case(latin1)
    assert _byte_class(latin1) == _byte_class(latin1.lower())
    assert not _classes_lower_case("Ÿ İ")
