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

import bisect
import re
from dataclasses import dataclass
from itertools import product

import ahocorasick_rs

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


@dataclass(frozen=True)
class Config:
    """The rule's settings, parsed and compiled once per rule (not once per document)."""

    stopwords: frozenset[str]
    elisions: frozenset[str]
    particles: frozenset[str]
    english_only: frozenset[str]
    loan_rx: re.Pattern | None
    evidence: ahocorasick_rs.BytesAhoCorasick | None
    min_words: int
    min_source: int
    min_ratio: float
    ignore: frozenset[str]

    @classmethod
    def from_settings(cls, s: dict) -> "Config":
        stopwords = frozenset(str(w).lower() for w in s.get("stopwords") or ())
        elisions = frozenset(str(w).lower() for w in s.get("elisions") or ())
        # English function words that are not also words of the source language break runs.
        english_only = EN_FUNCTION_WORDS - stopwords - frozenset(
            str(w).lower() for w in s.get("shared_function_words") or ())
        return cls(stopwords, elisions, frozenset(str(w).lower() for w in s.get("name_particles") or ()),
                   english_only, _compile_loanwords(s.get("loanwords")),
                   _compile_evidence(stopwords, elisions), int(s.get("min_words", 3)),
                   int(s.get("min_source_words", 2)), float(s.get("min_ratio", 0.3)),
                   frozenset(str(x) for x in s.get("accept_languages") or ("en",)))

    @property
    def evidence_needed(self) -> int:
        """Source words a sentence needs before any of its runs can be flagged."""
        return max(self.min_source, 1 if self.min_ratio > 0 else 0)


_CONFIGS: dict[int, tuple[object, Config]] = {}


def _config(rule) -> Config:
    hit = _CONFIGS.get(id(rule))
    if hit is None or hit[0] is not rule:
        hit = _CONFIGS[id(rule)] = (rule, Config.from_settings(rule.settings or {}))
    return hit[1]


# A byte for each byte of UTF-8 text, for a count of possible source words at C speed: an ASCII
# letter stays, in lower case (so ASCII text needs no str.lower() first), an apostrophe stays,
# any other ASCII byte (space, digit, punctuation) becomes a space; a byte that continues a
# non-ASCII character becomes 0x80, one that starts it stays when it starts the accented letters
# of French (0xC3) or general punctuation such as "’" (0xE2), and becomes 0xC2 otherwise. So
# "à" and "£" differ, whether another such character is a letter is left open, and a word has
# five classes of what may follow it instead of fifty (an automaton a tenth the size).
_KEPT_LEADS = (0xC3, 0xE2)
_BYTE_CLASS = (bytes(ord(chr(b).lower()) if chr(b).isalpha() else b if b == ord("'") else ord(" ")
                     for b in range(0x80))
               + b"\x80" * 0x40 + bytes(b if b in _KEPT_LEADS else 0xC2 for b in range(0xC0, 0x100)))
# What may end the character before a source word and begin the one after it: anything but a
# letter, so an ASCII non-letter, an apostrophe, or a non-ASCII character.
_BEFORE = (b" ", b"'", b"\x80")
_AFTER = (b" ", b"'", b"\xc2", *(bytes([b]) for b in _KEPT_LEADS))


def _byte_class(text: str) -> bytes:
    return text.encode("utf-8").translate(_BYTE_CLASS)


def _compile_evidence(stopwords: frozenset[str],
                      elisions: frozenset[str]) -> ahocorasick_rs.BytesAhoCorasick | None:
    """An automaton that finds in the byte classes of lower-cased text, at C speed, at least
    one match per word ``_is_source_word`` accepts (it may find more: "il" in "qu'il", "le"
    after "é"), so a sentence with fewer matches than the detector's threshold cannot be
    flagged and is skipped before any Python tokenization. A source word is a whole token: no
    letter before it, and a stopword has no letter after it, an elided article its apostrophe."""
    needles = set()
    for word in stopwords:
        needles.update(before + _byte_class(w) + after
                       for w in _apostrophe_forms(word) for before in _BEFORE for after in _AFTER)
    for word in elisions:
        needles.update(before + _byte_class(w + mark)
                       for w in _apostrophe_forms(word) for before in _BEFORE for mark in "'’")
    if not needles:
        return None
    # The DFA takes longer to build than the default automaton and searches three times faster.
    dfa = ahocorasick_rs.Implementation.DFA
    return ahocorasick_rs.BytesAhoCorasick(sorted(needles), implementation=dfa)


def _apostrophe_forms(word: str) -> set[str]:
    """``word`` with each apostrophe written either way, as ``_compile_evidence`` matches it."""
    return {"".join(parts) for parts in product(*(("'", "’") if c == "'" else (c,) for c in word))}


def _classes_lower_case(text: str) -> bool:
    """Whether the byte classes of ``text`` are those of ``text.lower()``: true of Latin-1
    text, whose ASCII letters the classes lower-case and whose other letters have both cases
    in the same class. (str.lower() of text that is not ASCII costs ten times the classes.)"""
    if text.isascii():
        return True
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _evidence_starts(text: str, cfg: Config) -> list[int] | None:
    """Sorted offsets of possible source words, or None when there is no prefilter.

    The automaton runs on the byte classes of the lower-cased text; offsets carry over when
    lower-casing kept every character one character long, as it nearly always does. Otherwise
    ("İ" becomes two characters) there is no prefilter."""
    if cfg.evidence is None or cfg.evidence_needed == 0:
        return None
    lowered = text if _classes_lower_case(text) else text.lower()
    if len(lowered) != len(text):
        return None
    classes = b" " + _byte_class(lowered) + b" "  # so that the text's ends are edges too
    # A match starts at the edge before the word, so its start is the word's byte offset in
    # the text; each 0x80 up to the word continues a character, one character offset less
    # (in ASCII text there is none).
    starts = sorted(start for _, start, _ in cfg.evidence.find_matches_as_indexes(classes, overlapping=True))
    if starts and not text.isascii():
        starts = [start - classes.count(b"\x80", 0, start + 1) for start in starts]
    return starts


@register("untranslated")
def detect(doc, rule, ctx):
    cfg = _config(rule)
    evidence = _evidence_starts(doc.text, cfg)
    if evidence is not None and len(evidence) < cfg.evidence_needed:
        return  # most English documents: not enough French function words anywhere
    quotes = [(q.start, q.end) for q in doc.quotes] if rule.quotes != "allow" else []
    for _, sent, _text in doc.iter_sentences():
        if doc.in_prefix(sent.start):
            continue
        if evidence is not None and (bisect.bisect_left(evidence, sent.end)
                                     - bisect.bisect_left(evidence, sent.start)) < cfg.evidence_needed:
            continue
        flagged: list[Run] = []
        for words in _clause_words(doc, sent.start, sent.end):
            _mask_names(words, cfg.particles)
            _mask_spans(words, quotes + _loanword_spans(doc.text, words[0].start, words[-1].end, cfg.loan_rx))
            for run in _runs(words, cfg.english_only):
                n, src = _score(run, cfg.stopwords, cfg.elisions)
                if n >= cfg.min_words and src >= cfg.min_source and src / n >= cfg.min_ratio:
                    flagged.append(run)
        for start, end in _merge_adjacent(doc.text, flagged):
            lang = langdetect_language(doc.text[start:end])
            if lang is None or lang in cfg.ignore:
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
