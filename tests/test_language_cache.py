"""langdetect's profiles read from the user cache (language._detector_factory) must answer
exactly as langdetect does with its own loader, whatever the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from langdetect import DetectorFactory, detector_factory

from normalizer import language
from normalizer.ruleset import load_rules

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SAMPLES = [
    "Une phrase en français pour charger les profils de langue.",
    "Der Bundestag hat am Donnerstag ein neues Gesetz beschlossen.",
    "El gobierno anunció el martes nuevas medidas económicas.",
    "Il governo ha annunciato martedì nuove misure economiche.",
    "De regering kondigde dinsdag nieuwe economische maatregelen aan.",
    "O governo anunciou na terça-feira novas medidas económicas.",
    "Rząd ogłosił we wtorek nowe środki gospodarcze.",
    "Правительство объявило во вторник о новых экономических мерах.",
    "政府は火曜日に新たな経済対策を発表した。",
    "2021-08-30 09:35", "OK", "Kabul", "a b c", "...",
]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty user cache and no factory loaded yet."""
    monkeypatch.setenv("MTNORM_CACHE", str(tmp_path))
    language._detector_factory.cache_clear()
    yield tmp_path
    language._detector_factory.cache_clear()


def _texts() -> list[str]:
    texts = list(SAMPLES)
    for p in sorted(SEEDS.glob("*.txt")):
        texts += [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()][:40]
    for r in load_rules().rules:
        texts += [ex.text for ex in r.examples_fire[:1]]
    return texts


def _stock(text: str) -> list:
    """langdetect's own answer: its loader, its factory."""
    detector_factory.init_factory()
    DetectorFactory.seed = 0
    d = detector_factory._factory.create()
    d.append(text)
    try:
        return [(lang.lang, lang.prob) for lang in d.get_probabilities()]
    except Exception as exc:  # noqa: BLE001  (the same error both ways)
        return [type(exc).__name__]


def _ours(text: str) -> list:
    DetectorFactory.seed = 0
    d = language._detector_factory().create()
    d.append(text)
    try:
        return [(lang.lang, lang.prob) for lang in d.get_probabilities()]
    except Exception as exc:  # noqa: BLE001
        return [type(exc).__name__]


def test_cached_profiles_answer_exactly_as_langdetect(fresh):
    texts = _texts()
    built = [_ours(t) for t in texts]  # profiles loaded by langdetect, then written to the cache
    assert list(fresh.glob("langdetect-*.marshal"))
    language._detector_factory.cache_clear()
    cached = [_ours(t) for t in texts]  # profiles read from the cache
    assert isinstance(language._detector_factory().word_lang_prob_map, language._SparseRows)
    stock = [_stock(t) for t in texts]
    assert built == stock
    assert cached == stock
    assert {language.langdetect_language(t) for t in SAMPLES[:3]} == {"fr", "de", "es"}


def test_a_damaged_cache_is_loaded_again(fresh, monkeypatch):
    language._detector_factory()
    (path,) = fresh.glob("langdetect-*.marshal")
    path.write_bytes(b"\x00garbage")
    language._detector_factory.cache_clear()
    assert language.langdetect_language(SAMPLES[0]) == "fr"


def test_the_cache_spares_langdetect_its_loading(fresh, monkeypatch):
    language._detector_factory()
    language._detector_factory.cache_clear()
    monkeypatch.setattr(language, "_load_profiles", lambda: pytest.fail("profiles loaded again"))
    assert language.langdetect_language(SAMPLES[1]) == "de"
