"""Sentences or fragments left in the source language (French most often).

Cheap first, expensive last, deterministic throughout:

1. each sentence is cut into clauses at punctuation, and each clause into runs at English-only
   function words ("the", "of", "that"): "said that la situation est grave in the north" has
   the run "la situation est grave";
2. words that are allowed to look foreign are masked: quotations (titles, the speaker's own
   words), names (runs of capitalised words with their particles: "Charles de Gaulle",
   "Médecins Sans Frontières", "the Assemblée nationale"), and loanwords English uses ("de
   facto", "raison d'être", "et al.");
3. a run is a candidate when enough of its remaining words are source-language function
   words that are not also English words ("le", "des", "qui", "l'...");
4. only candidates go to langdetect (seeded, via normalizer.language); a run it reads as
   English is dropped, otherwise the finding reports the detected language.

Flagged runs separated only by punctuation become one finding. There is no suggestion: a
translation is not something to auto-apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..context import make_finding
from ..language import EN_FUNCTION_WORDS, langdetect_language
from . import register

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*['’]?")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]|\s-\s")


@dataclass
class Word:
    text: str
    start: int
    end: int
    masked: bool = False

    @property
    def capitalised(self) -> bool:
        head, sep, tail = self.text.replace("’", "'").partition("'")
        if sep and len(head) <= 5 and tail[:1].isupper():
            return True  # an elided particle before a name: "d'Artagnan", "l'Élysée"
        return self.text[:1].isupper()


def _words(text: str, start: int, end: int) -> list[Word]:
    return [Word(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def _mask_names(words: list[Word], particles: frozenset[str]) -> None:
    """Runs of capitalised words (two or more, particles allowed inside) are names; so is a
    single capitalised word that does not open the clause. Lower-case words right after a
    name that are not function words stay unmasked but never count as evidence."""
    n = len(words)
    i = 0
    while i < n:
        if not words[i].capitalised:
            i += 1
            continue
        j = i + 1
        while j < n:
            if words[j].capitalised:
                j += 1
                continue
            k = j  # particles inside a name: "Rodrigo de la Serna", "Place de l'Étoile"
            while k < n and _particle(words[k].text, particles):
                k += 1
            if k == j or k >= n or not words[k].capitalised:
                break
            j = k + 1
        if j - i >= 2 or i > 0:
            for w in words[i:j]:
                w.masked = True
        i = j


def _particle(word: str, particles: frozenset[str]) -> bool:
    w = word.lower().replace("’", "'")
    return w in particles or (w.endswith("'") and w[:-1] in particles)


def _mask_spans(words: list[Word], spans: list[tuple[int, int]]) -> None:
    for w in words:
        if any(s <= w.start and w.end <= e for s, e in spans):
            w.masked = True


def _loanword_spans(text: str, start: int, end: int, loan_rx: re.Pattern | None) -> list[tuple[int, int]]:
    if loan_rx is None:
        return []
    return [(m.start(), m.end()) for m in loan_rx.finditer(text, start, end)]


def _is_source_word(word: str, stopwords: frozenset[str], elisions: frozenset[str]) -> bool:
    w = word.lower().replace("’", "'")
    if w in stopwords:
        return True
    head, sep, _ = w.partition("'")
    return bool(sep) and head in elisions


@dataclass
class Run:
    """Consecutive words of a clause with no English-only function word among them."""

    start: int
    end: int
    words: list[Word]


def _clause_words(doc, sent_start: int, sent_end: int) -> list[list[Word]]:
    text = doc.text
    out = []
    pos = sent_start
    for m in list(_CLAUSE_BREAK.finditer(text, sent_start, sent_end)) + [None]:
        end = m.start() if m else sent_end
        words = _words(text, pos, end)
        if words:
            out.append(words)
        if m:
            pos = m.end()
    return out


def _runs(words: list[Word], english_only: frozenset[str]) -> list[Run]:
    """Split a clause at English-only function words ("the", "of", "that"...): an untranslated
    fragment inside an English sentence ("said that la situation est grave in the north") is
    a run of its own."""
    runs: list[Run] = []
    cur: list[Word] = []
    for w in words + [None]:
        if w is None or (not w.masked and w.text.lower() in english_only):
            if cur:
                runs.append(Run(cur[0].start, cur[-1].end, cur))
            cur = []
        else:
            cur.append(w)
    return runs


def _score(run: Run, stopwords, elisions) -> tuple[int, int]:
    """(words considered, source function words among them)."""
    live = [w for w in run.words if not w.masked]
    return len(live), sum(_is_source_word(w.text, stopwords, elisions) for w in live)


def _compile_loanwords(phrases) -> re.Pattern | None:
    if not phrases:
        return None
    alts = sorted((re.escape(str(p)).replace(r"\ ", r"\s+").replace("'", "['’]") for p in phrases),
                  key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


@register("untranslated")
def detect(doc, rule, ctx):
    s = rule.settings
    stopwords = frozenset(str(w).lower() for w in s.get("stopwords") or ())
    elisions = frozenset(str(w).lower() for w in s.get("elisions") or ())
    particles = frozenset(str(w).lower() for w in s.get("name_particles") or ())
    # English function words that are not also words of the source language break runs.
    english_only = EN_FUNCTION_WORDS - stopwords - frozenset(
        str(w).lower() for w in s.get("shared_function_words") or ())
    loan_rx = _compile_loanwords(s.get("loanwords"))
    min_words = int(s.get("min_words", 3))
    min_source = int(s.get("min_source_words", 2))
    min_ratio = float(s.get("min_ratio", 0.3))
    ignore = {str(x) for x in s.get("accept_languages") or ("en",)}
    quotes = [(q.start, q.end) for q in doc.quotes] if rule.quotes != "allow" else []
    for _, sent, _text in doc.iter_sentences():
        if doc.in_prefix(sent.start):
            continue
        flagged: list[Run] = []
        for words in _clause_words(doc, sent.start, sent.end):
            _mask_names(words, particles)
            _mask_spans(words, quotes + _loanword_spans(doc.text, words[0].start, words[-1].end, loan_rx))
            for run in _runs(words, english_only):
                n, src = _score(run, stopwords, elisions)
                if n >= min_words and src >= min_source and src / n >= min_ratio:
                    flagged.append(run)
        for start, end in _merge_adjacent(doc.text, flagged):
            lang = langdetect_language(doc.text[start:end])
            if lang is None or lang in ignore:
                continue
            yield make_finding(doc, rule, start, end, [], data={"language": lang},
                               message=f"{rule.message} (detected language: {lang})")


def _merge_adjacent(text: str, runs: list[Run]) -> list[tuple[int, int]]:
    """Flagged runs separated only by punctuation become one span."""
    spans: list[tuple[int, int]] = []
    for r in runs:
        if spans and not re.search(r"\w", text[spans[-1][1] : r.start]):
            spans[-1] = (spans[-1][0], r.end)
        else:
            spans.append((r.start, r.end))
    return spans
