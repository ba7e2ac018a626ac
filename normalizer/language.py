"""The language stage: which language is the document in?

A function-word count decides almost every news article at once (counted at C speed when the
text is in ASCII letters); langdetect (seeded, so the answer is the same on every run) only
sees documents that test leaves in doubt; its profiles are read from the user cache after the
first run (0.05 s instead of 0.35 s). A document that is not in one of the checked languages is
skipped with a clear message rather than "fixed".
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Enough characters for ``limit`` words of news text, numbers and punctuation included.
_CHARS_PER_WORD = 8
EN_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on with as was by at it from be have are has were an this "
    "which said not but or its will their they he his who been would after also had more than "
    "about into over we you can could when there her she our all new one up out so if".split()
)
FR_FUNCTION_WORDS = frozenset(
    "le la les de des du un une et est en dans que qui pour sur au aux par pas avec ce cette "
    "il elle ils ont sont été plus mais ou se sa son ses leur nous vous était selon lors "
    "aussi être avait après très où dont".split()
)


def function_word_ratios(text: str, limit: int = 400) -> tuple[float, float, int]:
    """Share of English and French function words among the first ``limit`` words."""
    en, fr, n = _ascii_counts(text, limit) or _counts(text, limit)
    return (en / n, fr / n, n) if n else (0.0, 0.0, 0)


def _counts(text: str, limit: int) -> tuple[int, int, int]:
    """English and French function words and all words among the first ``limit``."""
    words = " ".join(_first_words(text, limit)).lower().split()
    en = sum(map(EN_FUNCTION_WORDS.__contains__, words))
    return en, sum(map(FR_FUNCTION_WORDS.__contains__, words)), len(words)


def _first_words(text: str, limit: int) -> list[str]:
    """The first ``limit`` words of ``text``, scanning only a prefix when that is enough: each
    word found in a prefix but the last one (which the cut may have shortened) is a word of the
    whole text too."""
    end = limit * _CHARS_PER_WORD
    words = _WORD.findall(text, 0, end)
    if len(words) <= limit and len(text) > end:
        words = _WORD.findall(text)
    return words[:limit]


# -- the same counts at C speed, for text in ASCII letters ---------------------------------
# Tokenizing every word in Python is most of the stage's cost. Instead the text becomes bytes in
# which a word is a run of lower-case letters, joined to the next by one apostrophe as ``_WORD``
# does ("it's"); every other apostrophe, and anything else, is a space. The words are then
# counted as the runs of a copy in which each of their bytes is an "a", and a function word is
# found between two spaces by one Aho-Corasick automaton for both languages. Text with other
# letters (after common non-ASCII punctuation became spaces) or with chained apostrophes
# ("rock'n'roll", where parity decides which apostrophe joins) takes ``_counts`` instead.


def _byte_table(letter, apostrophe: int) -> bytes:
    """A translation of ASCII bytes: a letter through ``letter``, the apostrophe to
    ``apostrophe``, any other byte a space."""
    return bytes(letter(b) if chr(b).isalpha() and b < 0x80 else apostrophe if b == ord("'") else ord(" ")
                 for b in range(256))


_LETTERS = _byte_table(lambda b: b | 0x20, ord("'"))  # lower-cased
_RUNS = _byte_table(lambda b: ord("a"), ord("a"))  # where the words are (once every apostrophe joins)
# Not letters and not apostrophes, so spaces to ``_WORD``: the non-ASCII characters of most
# news text.
_PUNCTUATION = "‘“”–—…£€•«»°\u00a0"
# Two joining apostrophes with only letters between them. (An apostrophe first: a literal first
# character is searched for at memchr speed; a look-behind first is tried at every position.)
_CHAINED = re.compile(rb"'(?<=[a-z]')[a-z]++'(?=[a-z])")
# An apostrophe that does not stand between two letters joins nothing.
_LONE_APOSTROPHE = re.compile(rb"'(?:(?<![a-z]')|(?![a-z]))")
_EN_NEEDLES = frozenset(f" {w} " for w in EN_FUNCTION_WORDS if w.isascii())
_FR_NEEDLES = frozenset(f" {w} " for w in FR_FUNCTION_WORDS if w.isascii())


@lru_cache(maxsize=None)
def _function_words():
    """An automaton of each ASCII function word of either language between two spaces. It
    searches ``str``: matches come back as the needles themselves, with no new object for each
    (in ``bytes`` each is a new tuple of indexes). A contiguous NFA rather than a DFA: the DFA
    runs fewer instructions, but between two documents the other stages push its larger tables
    out of the cache, and in the pipeline the NFA takes ~20% less time."""
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(sorted(_EN_NEEDLES | _FR_NEEDLES),
                                      implementation=ahocorasick_rs.Implementation.ContiguousNFA)


@lru_cache(maxsize=8)
def _words_up_to(limit: int) -> re.Pattern:
    """Matches the runs of ``limit`` words."""
    return re.compile(rb"(?: *+a++){%d}" % limit)


def _ascii_counts(text: str, limit: int) -> tuple[int, int, int] | None:
    """What ``_counts`` gives, or None when the text is not one this way can count.

    A long text is read in its first ``limit * _CHARS_PER_WORD`` characters, cut before a space
    (no word crosses the cut), when they hold ``limit`` words: they are the text's first words.
    Whatever stops the fast way in them would stop it in the whole text."""
    cut = text.find(" ", limit * _CHARS_PER_WORD)
    if cut > 0:
        letters = _ascii_letters(text[:cut])
        if letters is None:
            return None
        head = _words_up_to(limit).match(letters.translate(_RUNS))
        if head:
            return (*_function_word_counts(letters[: head.end()]), limit)
    letters = _ascii_letters(text)
    if letters is None:
        return None
    runs = letters.translate(_RUNS)
    n = runs.count(b" a") + runs.startswith(b"a")  # each word starts a run of "a"
    if n > limit:
        letters, n = letters[: _words_up_to(limit).match(runs).end()], limit
    return (*_function_word_counts(letters), n)


def _ascii_letters(text: str) -> bytes | None:
    """``text`` as bytes in which the words are runs of lower-case letters and the apostrophes
    that join them, and anything else a space; None when the text has other letters or chained
    apostrophes."""
    if not text.isascii():
        text = text.replace("’", "'")
        for mark in _PUNCTUATION:
            if mark in text:
                text = text.replace(mark, " ")
        if not text.isascii():
            return None
    letters = text.encode("ascii").translate(_LETTERS)
    if b"'" not in letters:
        return letters
    if _CHAINED.search(letters):
        return None
    return _LONE_APOSTROPHE.sub(b" ", letters)


def _function_word_counts(letters: bytes) -> tuple[int, int]:
    """The English and the French function words among the words of ``letters`` (no word is
    in both lists)."""
    found = _function_words().find_matches_as_strings(" " + letters.decode("ascii") + " ", overlapping=True)
    english = sum(map(_EN_NEEDLES.__contains__, found))
    return english, len(found) - english


def langdetect_language(text: str) -> str | None:
    """langdetect's answer, deterministic (seeded); None when it cannot tell. The same as
    ``langdetect.detect``, with the profiles of :func:`_detector_factory`."""
    from langdetect import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        detector = _detector_factory().create()
        detector.append(text)
        return detector.detect()
    except LangDetectException:
        return None


def document_language(text: str) -> str | None:
    en, fr, n = function_word_ratios(text)
    if n == 0:
        return None
    if en >= 0.2 and en > 2 * fr:
        return "en"
    if fr >= 0.2 and fr > 2 * en:
        return "fr"
    if n < 25 and en >= fr:
        return "en"  # too short for langdetect to be reliable; nothing says it is not English
    return langdetect_language(text[:3000])


def run(doc, ctx) -> str | None:
    """Set ``doc.language``; return why the document is skipped, or None to go on."""
    body = doc.text[doc.prefix.end :]
    doc.language = document_language(body)
    if doc.language is None:
        return None  # nothing to judge by (numbers, a name): check it as English
    if doc.language not in ctx.options.languages:
        return (f"document language is {doc.language!r}, not {'/'.join(ctx.options.languages)}: "
                "not checked")
    return None


# -- langdetect's profiles, from the user cache ----------------------------------------------
# langdetect reads 55 JSON profiles into a table of 87,600 n-grams by 55 languages (0.35 s,
# more than the rest of a cold start of `mtnorm check`), of which 96% are zeros. The table is
# kept in the user cache as its non-zero entries in flat arrays (read at C speed: 0.02 s), and
# the row of an n-gram is written out the first time a detector asks for it.
_PROFILES_FORMAT = 2


class _SparseRows(dict):
    """n-gram -> its probability in each language, as langdetect's Detector reads it (``in``
    and ``[]``). Each n-gram first maps to its number k, its non-zero entries being
    ``langs[offsets[k]:offsets[k + 1]]`` and the same slice of ``probs``; the full row is made
    on first use and kept."""

    def __init__(self, ngrams: list[str], width: int, offsets, langs: bytes, probs):
        super().__init__(zip(ngrams, range(len(ngrams))))
        self.width, self.offsets, self.langs, self.probs = width, offsets, langs, probs

    def __getitem__(self, ngram: str) -> list[float]:
        k = dict.__getitem__(self, ngram)
        if type(k) is list:
            return k
        row = [0.0] * self.width
        for j in range(self.offsets[k], self.offsets[k + 1]):
            row[self.langs[j]] = self.probs[j]
        dict.__setitem__(self, ngram, row)
        return row


@lru_cache(maxsize=1)
def _detector_factory():
    """langdetect's DetectorFactory with every profile, its table read from the user cache,
    or loaded by langdetect itself (and then cached) when the cache has no copy."""
    from array import array

    from langdetect.detector_factory import DetectorFactory

    path = _profiles_cache_file()
    if path is not None:
        try:
            langlist, width, ngrams, offsets, langs, probs = marshal.loads(path.read_bytes())
            factory = DetectorFactory()
            factory.langlist = langlist.split("\0")
            factory.word_lang_prob_map = _SparseRows(ngrams.split("\0"), width, array("q", offsets), langs,
                                                     array("d", probs))
            return factory
        except (OSError, EOFError, ValueError, TypeError):
            pass  # none yet, or damaged: langdetect loads the profiles
    factory = _load_profiles()
    if path is not None:
        from .confirm import prune_cache, write_cache_file

        rows = factory.word_lang_prob_map
        offsets, langs, probs = array("q", [0]), bytearray(), array("d")
        for row in rows.values():
            for i, p in enumerate(row):
                if p:
                    langs.append(i)
                    probs.append(p)
            offsets.append(len(langs))
        width = len(next(iter(rows.values()), ()))
        data = marshal.dumps(("\0".join(factory.langlist), width, "\0".join(rows), offsets.tobytes(),
                              bytes(langs), probs.tobytes()))
        if write_cache_file(path, data):
            prune_cache("langdetect-*.marshal", keep=2)
    return factory


def _load_profiles():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def _profiles_cache_file():
    """The cache file for this langdetect's profiles, keyed by the files that make the table
    (the profiles and the loader: names, sizes and times), or None when they cannot be read."""
    from langdetect import detector_factory

    from .confirm import user_cache_dir

    try:
        h = hashlib.sha256(f"{_PROFILES_FORMAT}".encode())
        loader = os.stat(detector_factory.__file__)
        h.update(f"\0{loader.st_size}\0{loader.st_mtime_ns}".encode())
        for entry in sorted(os.scandir(detector_factory.PROFILES_DIRECTORY), key=lambda e: e.name):
            st = entry.stat()
            h.update(f"\0{entry.name}\0{st.st_size}\0{st.st_mtime_ns}".encode("utf-8", "surrogatepass"))
    except OSError:
        return None
    return user_cache_dir() / f"langdetect-{h.hexdigest()[:16]}.marshal"
