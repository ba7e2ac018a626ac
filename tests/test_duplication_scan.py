"""normalizer._wordscan (the duplication detector's per-word gates in C) agrees with the Python
it stands in for: on many ASCII documents (BBC-like sentences with repeats of every length,
stopwords, digits, possessives, hyphens, apostrophes, quotations, empty and one-word
sentences) the repeat lengths, the sentences equal to the one before, the units that may be
later and every finding of the five rules are those of the pure-Python path."""

import random

import pytest

from normalizer.context import RunContext
from normalizer.detectors import duplication as dup
from normalizer.document import Document
from normalizer.options import Options
from normalizer.ruleset import load_rules

wordscan = pytest.importorskip("normalizer._wordscan")

RULES = [r for r in load_rules().rules if r.id.startswith("common.duplication.")]
NEAR = next(r for r in RULES if r.id.endswith("near-duplicate-sentence"))

_WORDS = ("the of a to in and said by for on was is had that it he she they new year week one two "
          "police bank government minister attack attacks attacked attacking ended end ending ends "
          "shares rose fell sharply north country union strike talks deadline set plan profits "
          "goes bases sings sing going us uk 2021 5 10 42 1990s bank's minister's don't o'neill "
          "in-fighting well-known x-ray ab 'tis rock-'n'-roll mid-2000s a1 b2b").split()
_MARKS = [". ", ". ", ", ", "? ", "! ", "; ", ": ", " - ", " -- ", "\n", "\n\n", " (", ") ", '"', '" ',
          "... ", ". . ", "'", "' "]


def _sentence(rnd: random.Random) -> str:
    words = [rnd.choice(_WORDS) for _ in range(rnd.choice([0, 1, 2, 5, 9, 14, 20]))]
    if words and rnd.random() < 0.5:  # a phrase of n words repeated back to back, maybe after a comma
        n = rnd.randint(1, min(9, len(words)))
        i = rnd.randint(0, len(words) - n)
        words[i + n : i + n] = ([","] if rnd.random() < 0.3 else []) + words[i : i + n]
    if words and rnd.random() < 0.3:
        words[0] = words[0].capitalize()
    return " ".join(words).replace(" ,", ",")


def _document(rnd: random.Random) -> str:
    parts = []
    for _ in range(rnd.randint(0, 14)):
        if parts and rnd.random() < 0.2:
            parts.append(parts[-2] if len(parts) > 1 else "")  # the sentence again, maybe reworded
        else:
            parts.append(_sentence(rnd))
        parts.append(rnd.choice(_MARKS))
    return "".join(parts)


def _documents(n: int, seed: int) -> list[Document]:
    rnd = random.Random(seed)
    docs = [Document.from_text(_document(rnd)) for _ in range(n)]
    assert sum(dup.DocumentWords(d).scan is not None for d in docs) == len(docs)  # all ASCII
    return docs


def _pure(doc: Document, monkeypatch) -> dup.DocumentWords:
    with monkeypatch.context() as m:
        m.setattr(dup, "_WORDSCAN", None)
        return dup.DocumentWords(doc)


@pytest.mark.parametrize("seed", range(3))
def test_repeat_lengths_and_equal_sentences_are_those_of_the_words(seed, monkeypatch):
    for doc in _documents(400, seed):
        scanned, pure = dup.DocumentWords(doc), _pure(doc, monkeypatch)
        assert list(scanned) == list(pure)
        for max_n in (0, 1, 2, 4, 8, 12):
            got = {k: lengths for k, lengths in scanned.repeats(max_n)}
            want = {k: lengths for k, lengths in pure.repeats(max_n)}
            for limit in range(max_n + 1):
                found = {k: f(limit) for k, f in got.items() if f(limit)}
                assert found == {k: f(limit) for k, f in want.items() if f(limit)}, (doc.text, max_n, limit)
        assert list(scanned.same_as_previous()) == list(pure.same_as_previous())
        assert wordscan.same_as_previous(scanned.lowered, scanned.spans) == [
            k for k in range(1, len(pure)) if pure[k - 1].words == pure[k].words]


@pytest.mark.parametrize("seed", range(3))
def test_later_units_are_those_of_may_be_later(seed):
    stopwords = dup._word_set(NEAR, "stopwords")
    rnd = random.Random(seed)
    for doc in _documents(400, seed + 10):
        sentences = dup.DocumentWords(doc)
        units = [k for k, s in enumerate(sentences) if not doc.in_quote(s.start, s.end)]
        words = [dup.content_words(sentences[k].text, stopwords) for k in units]
        min_words, min_shared = rnd.randint(0, 7), rnd.randint(0, 6)
        min_overlap = rnd.choice([0.0, 0.5, 2 / 3, 0.75, 1.0])
        want = [units[j] for j in dup._may_be_later(words, min_words, min_shared, min_overlap)]
        assert wordscan.later_units(sentences.lowered, sentences.spans, doc.quotes,
                                    dup._stopword_list(NEAR, stopwords), min_words, min_shared,
                                    min_overlap) == want, doc.text


def _findings(docs: list[Document]) -> list[list[str]]:
    ctx = RunContext(Options.make(use_model=False))
    out = []
    for doc in docs:
        doc.cache.pop("duplication-words", None)
        out.append([repr(f) for r in RULES for f in dup.detect(doc, r, ctx)])
    return out


@pytest.mark.parametrize("seed", range(2))
def test_findings_are_those_of_the_pure_python_path(seed, monkeypatch):
    docs = _documents(500, seed + 20)
    scanned = _findings(docs)
    monkeypatch.setattr(dup, "_WORDSCAN", None)
    assert scanned == _findings(docs)
    assert sum(map(len, scanned)) > 50  # the documents do hold findings


def test_empty_input_and_bad_arguments():
    doc = Document.from_text("x")
    assert wordscan.repeat_lengths(b"", [], 8) == []
    assert wordscan.same_as_previous(b"", []) == []
    assert wordscan.later_units(b"", [], [], b"", 6, 5, 0.75) == []
    assert wordscan.same_as_previous(b"a a", doc.sentences) == []
    with pytest.raises(ValueError):  # a span beyond the text
        wordscan.repeat_lengths(b"", doc.sentences, 8)
    with pytest.raises(AttributeError):
        wordscan.same_as_previous(b"a", [(0, 1)])
    with pytest.raises(TypeError):
        wordscan.later_units("not bytes", [], [], b"", 6, 5, 0.75)
