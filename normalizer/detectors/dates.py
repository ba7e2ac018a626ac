"""Dates, times, numbers and ordinals left in French form, rewritten in English news form.

Five detectors, each configured by its rules' ``settings`` (rules/fr-en/dates.yaml):

- ``dates``: bare numeric dates in running text ("came to power 08/15", "le 15/08") become
  "on August 15", resolved against the article's own date (metadata prefix or dateline);
- ``french-dates``: dates with a French month name ("le 1er mai") become "on May 1";
- ``times``: French clock times ("14h30", "at 14: 24") become "2:30 pm" / "14:24";
- ``numbers``: French number formats (space thousands "1 234", decimal comma "3,5 millions");
- ``ordinals``: French ordinal suffixes ("1er", "2e", "XXe siècle").

Native English uses of the same digits are many (odds "5/4", fractions "3/4", "24/7", "9/11",
scores, tiebreaks "(7/5)", phone numbers, "1,234"), so every detector asks for positive evidence
before it fires and the rule settings list what blocks it.

Clean English text must cost next to nothing: each pattern comes with a gate, a cheap pattern
found inside every one of its matches ("/" between digits for a numeric date) and led by a
literal character, so one C-speed search over the document proves most articles have nothing
to find, and the full pattern only runs on the paragraphs the gate hits. Gates led by a common
character (a space, an "e") still stop thousands of times a document, so before them one
Aho-Corasick pass over a view of the document with every digit a "0" looks for the needles
each gate's hits must hold ("0 000" for space thousands), for all the gates at once.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import operator
import re
from functools import lru_cache
from itertools import product
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from ..context import make_finding
from ..detect import group_gate
from . import register

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec.")
_MONTH_NUMBER = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
_MONTH_NUMBER.update({m[:3].lower(): i + 1 for i, m in enumerate(MONTHS)})
_MONTH_NUMBER["sept"] = 9
_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
# A written-out date in the first paragraphs (a dateline or a "Posted on" byline) gives the
# article's date when the corpus metadata prefix does not.
_WRITTEN_DATE = re.compile(
    rf"\b(?P<m1>{_MONTH_WORD})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH_WORD})\s+(?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)\b")
_NUMERIC_DATE = re.compile(
    r"(?<![\w/.,:\-–+])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\w/%°]|[.,:]\d|[-–]\d)")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.]*)[ \u00a0]*$")
_WORD_AFTER = re.compile(r"^[ \u00a0]*([^\W\d_][\w'’]*)")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


# -- shared helpers -------------------------------------------------------------------------
_PER_RULE: dict[tuple[int, str], tuple[Any, Any]] = {}


def per_rule(rule, key: str, build: Callable[[Any], Any]) -> Any:
    """``build(rule)``, made once per rule and ``key``: rules are loaded once and read by every
    document, so their settings are not parsed again for each one."""
    hit = _PER_RULE.get((id(rule), key))
    if hit is None:
        # kept with its value, the rule stays alive: no other rule can come to have its id
        hit = _PER_RULE[(id(rule), key)] = (rule, build(rule))
    return hit[1]


def setting_set(rule, name: str) -> frozenset[str]:
    """``settings[name]`` as a set of lower-case words."""
    return per_rule(rule, "set:" + name,
                    lambda r: frozenset(str(w).lower() for w in r.settings.get(name) or ()))


def setting_map(rule, name: str) -> dict[str, str]:
    """``settings[name]`` as {lower-case word: what replaces it}."""
    return per_rule(rule, "map:" + name,
                    lambda r: {str(k).lower(): str(v) for k, v in (r.settings.get(name) or {}).items()})


def has_setting_word(rule, name: str, text: str) -> bool:
    """Whether ``text`` (lower case) holds one of the words ``settings[name]`` lists, as a word."""
    rx = per_rule(rule, "words:" + name, lambda r: _any_word(setting_set(r, name)))
    return rx is not None and rx.search(text) is not None


def _any_word(words: frozenset[str]) -> re.Pattern | None:
    """One search for all the words instead of one per word."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b") if words else None


def quote_factor(doc, rule, start: int, end: int) -> float | None:
    """How much to trust a finding inside a quotation: None to skip it (``quotes: skip``)."""
    if not doc.in_quote(start, end):
        return 1.0
    if rule.quotes == "skip":
        return None
    return 0.7 if rule.quotes == "lower" else 1.0


def word_before(doc, pos: int, floor: int) -> tuple[str, int] | None:
    """The word right before ``pos`` (spaces between allowed) and where it starts."""
    m = _WORD_BEFORE.search(doc.text, floor, pos)
    return (m.group(1), m.start(1)) if m else None


def word_after(doc, pos: int, ceiling: int) -> str | None:
    m = _WORD_AFTER.match(doc.text[pos:ceiling])
    return m.group(1) if m else None


class Scan(NamedTuple):
    """A detector pattern and its gate: a cheap pattern found inside every match of ``rx`` that
    can become a finding, led by a literal character so that its search skips ahead at C speed.

    A pattern whose matches may hold a no-break space also has ``spaced_gate``, led by a class
    of spaces (several times slower) and used only for text that has one: ``gate`` is then led
    by a plain space.

    ``needles``: strings of the gate view (see ``gate_view``), one of which is found wherever
    ``gate`` hits a text that has a view; none of them in the view, no gate search is needed."""
    rx: re.Pattern
    gate: re.Pattern
    spaced_gate: re.Pattern | None = None
    needles: frozenset[bytes] = frozenset()


_START = operator.attrgetter("start")


def body_matches(doc, scan: Scan) -> Iterable[re.Match]:
    """Matches of ``scan.rx`` in each paragraph, outside the metadata prefix.

    Only the paragraphs where the gate hits can hold a finding, and only those are scanned (a
    gate hit never starts on the blank space at a line's edge, so it lies inside a paragraph)."""
    if not gate_may_hit(doc, scan):
        return ()  # most documents, for most scans: not even a generator to make
    return _gated_matches(doc, scan)


def _gated_matches(doc, scan: Scan) -> Iterator[re.Match]:
    text, paragraphs, rx = doc.text, doc.paragraphs, scan.rx
    gate = scan.gate
    if scan.spaced_gate is not None and ("\u00a0" in text or "\u202f" in text):
        gate = scan.spaced_gate
    hit = gate.search(text)
    while hit:
        p = paragraphs[bisect.bisect_right(paragraphs, hit.start(), key=_START) - 1]
        for m in rx.finditer(text, p.start, p.end):
            if not doc.in_prefix(m.start()):
                yield m
        hit = gate.search(text, max(p.end, hit.end()))


# -- the gate view --------------------------------------------------------------------------
# The document as bytes in which every digit is a "0", every capital but those of Roman
# numerals (I, V, X, L, C, which the Roman ordinal gate tells apart) is in lower case, and every
# other character that is not a word character is a "!" unless a needle spells it (" /:.,"),
# so that a few needles stand for all the digits, cases and word ends a gate may hit ("0 000"
# for "12 345", "Xe!" for "XXe)" and "XXe—"). The view ends with a "!", as a word may.
_ROMAN_CAPITALS = "IVXLC"
_SPELT_MARKS = " /:.,"
_OTHER_MARK = "!"


def _view_byte(b: int) -> int:
    c = chr(b)
    if "0" <= c <= "9":
        return ord("0")
    if "A" <= c <= "Z" and c not in _ROMAN_CAPITALS:
        return ord(c.lower())
    word_char = c.isascii() and (c.isalnum() or c == "_")
    return b if word_char or c in _SPELT_MARKS else ord(_OTHER_MARK)


_VIEW_TABLE = bytes(map(_view_byte, range(256)))
# What follows a word in the view (a character that is not a word character).
_WORD_ENDS = tuple(c.encode("ascii") for c in _SPELT_MARKS + _OTHER_MARK)
# Characters other than ASCII that no gate can match (neither letters, digits nor spaces, and no
# case of an ASCII letter): a text with no other has a view. Any other (a digit of another
# script, "é", a no-break space) could stand in a gate hit for what a needle spells in ASCII.
INERT = "£€¥¢’‘“”„«»‹›–—…°•·©®™§¶†‡′″"
_INERT_EXTRA_BYTES = tuple((c, len(c.encode("utf-8")) - 1) for c in INERT)


def gate_view(text: str) -> bytes | None:
    """The text's UTF-8 through ``_VIEW_TABLE``, or None when it has a character other than
    ASCII that is not ``INERT``. (A needle is ASCII: found in the UTF-8 exactly where the text
    has those characters, whatever other characters are around.)"""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not inert either
        return None
    # the bytes beyond one per character are those of characters other than ASCII: all inert?
    extra = len(data) - len(text)
    if extra:
        extra -= sum(text.count(c) * n for c, n in _INERT_EXTRA_BYTES if c in text)
        if extra:
            return None
    return data.translate(_VIEW_TABLE) + _OTHER_MARK.encode("ascii")


def view_spellings(word: str) -> list[bytes]:
    """Every way a lower-case ASCII ``word`` may read in the view when the text may write it in
    any case: a letter of a Roman numeral keeps its capital there."""
    letters = [(c, c.upper()) if c.upper() in _ROMAN_CAPITALS else (c,) for c in word]
    return ["".join(p).encode("ascii") for p in product(*letters)]


@lru_cache(maxsize=1)
def _needle_automaton():
    """One automaton for the needles of every scan, and the needle each of its patterns is."""
    import ahocorasick_rs

    needles = sorted(set().union(*(scan.needles for scan in _SCANS)))
    return ahocorasick_rs.BytesAhoCorasick(needles, implementation=ahocorasick_rs.Implementation.DFA), needles


_NOT_SEEN = object()
_NOTHING: frozenset[bytes] = frozenset()


def _needles_found(doc) -> frozenset[bytes] | None:
    """The scans' needles the document's view holds (None: the document has no view), found in
    one pass and kept in its cache for every scan of every rule."""
    view = gate_view(doc.text)
    found = None
    if view is not None:
        automaton, needles = _needle_automaton()
        matches = automaton.find_matches_as_indexes(view, overlapping=True)
        found = frozenset(needles[i] for i, _, _ in matches) if matches else _NOTHING
    doc.cache["dates-needles"] = found
    return found


def gate_may_hit(doc, scan: Scan) -> bool:
    """False when the document's view proves ``scan.gate`` finds nothing in it (a text with a
    view has no no-break space: ``spaced_gate`` is not the gate used there)."""
    return _may_hit(_cached_needles(doc), scan.needles)


def _cached_needles(doc) -> frozenset[bytes] | None:
    found = doc.cache.get("dates-needles", _NOT_SEEN)
    return _needles_found(doc) if found is _NOT_SEEN else found


def _may_hit(found: frozenset[bytes] | None, needles: frozenset[bytes]) -> bool:
    """Whether a gate with these needles may hit a document whose view holds ``found`` (None:
    the document has no view)."""
    return found is None or not needles or not needles.isdisjoint(found)


@group_gate("dates", "french-dates", "times", "numbers", "ordinals")
def _rules_whose_needles_are_found(pairs: list[tuple]):
    """The detectors stage's gate for a run of rules of these detectors: the rules whose scan
    may hit the document, from its one needle pass (a rule whose scan cannot hit finds
    nothing: each detector asks ``gate_may_hit`` or ``body_matches`` first)."""
    needles = [SCAN_OF[rule.detector](rule).needles for _, rule in pairs]

    def gate(doc, ctx) -> list[tuple]:
        found = _cached_needles(doc)
        return [pair for pair, n in zip(pairs, needles) if _may_hit(found, n)]

    return gate


def article_date(doc, paragraphs: int = 3) -> _dt.date | None:
    """The article's own date: the metadata prefix, else a written date in the first
    ``paragraphs`` paragraphs (dateline, byline)."""
    if doc.date:
        try:
            return _dt.date(*doc.date)
        except ValueError:
            return None
    for p in doc.paragraphs[:paragraphs]:
        m = _WRITTEN_DATE.search(doc.text, p.start, p.end)
        if not m:
            continue
        g = m.groupdict()
        try:
            if g["y1"]:
                return _dt.date(int(g["y1"]), _month_number(g["m1"]), int(g["d1"]))
            if g["y2"]:
                return _dt.date(int(g["y2"]), _month_number(g["m2"]), int(g["d2"]))
            return _dt.date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        except (ValueError, KeyError):
            continue
    return None


def _month_number(word: str) -> int:
    w = word.lower().rstrip(".")
    return _MONTH_NUMBER.get(w) or _MONTH_NUMBER[w[:3]]


def month_day(month: int, day: int, style: str = "full", order: str = "month-day") -> str:
    name = (_AP_MONTHS if style == "ap" else MONTHS)[month - 1]
    return f"{day} {MONTHS[month - 1]}" if order == "day-month" else f"{name} {day}"


# -- numeric dates --------------------------------------------------------------------------
_NUMERIC_DATE_SCAN = Scan(_NUMERIC_DATE, re.compile(r"/(?<=\d/)\d"), needles=frozenset({b"0/0"}))


def _expand_year(y: str | None) -> int | None:
    if y is None:
        return None
    n = int(y)
    return n if len(y) == 4 else 2000 + n if n < 70 else 1900 + n


def date_readings(a: int, b: int, year: int | None) -> list[tuple[int, int]]:
    """Valid (month, day) readings of a/b: day-first (French) first, then month-first."""
    out = []
    for month, day in ((b, a), (a, b)):
        try:
            _dt.date(year or 2000, month, day)  # 2000 is a leap year: 29/02 stays possible
        except ValueError:
            continue
        if (month, day) not in out:
            out.append((month, day))
    return out


def _place_in_time(month: int, day: int, year: int | None, ref: _dt.date, ahead_days: int) -> _dt.date | None:
    """The calendar date a reading names, seen from the article's date: the same year, or the
    year before when that would put it too far in the future."""
    try:
        if year is not None:
            return _dt.date(year, month, day)
        d = _dt.date(ref.year, month, day)
        if (d - ref).days > ahead_days:
            d = _dt.date(ref.year - 1, month, day)
        return d
    except ValueError:
        return None


def resolve_reading(readings: list[tuple[int, int]], year: int | None, ref: _dt.date | None,
                    back_days: int, ahead_days: int) -> tuple[tuple[int, int] | None, bool]:
    """Pick a reading; also say whether the article's date supports it (it falls in the window
    around the article's date)."""
    if ref is None:
        return (readings[0] if len(readings) == 1 else None), False
    scored = []
    for md in readings:
        d = _place_in_time(md[0], md[1], year, ref, ahead_days)
        if d is None:
            continue
        delta = (ref - d).days
        if -ahead_days <= delta <= back_days:
            scored.append((abs(delta), md))
    if not scored:
        return (readings[0] if len(readings) == 1 else None), False
    scored.sort()
    return scored[0][1], True


def _date_blocked(doc, rule, m: re.Match, sent_text: str, before: str | None, after: str | None) -> bool:
    idioms = per_rule(rule, "idioms", lambda r: frozenset(str(x) for x in r.settings.get("idioms") or ()))
    if m.group(0) in idioms:
        return True
    if has_setting_word(rule, "block_sentence_words", sent_text.lower()):
        return True  # betting odds, tennis scores, ratings...
    if before and before.lower().rstrip(".") in setting_set(rule, "label_words"):
        return True  # "the film 06/05", "page 12/15": a title or an identifier
    if after and after.lower() in setting_set(rule, "block_next_words"):
        return True  # "3/4 of", "19/20 February" (a day range), "7/10 chance"
    text = doc.text
    if m.start() > 0 and text[m.start() - 1] == "(" and text[m.end() : m.end() + 1] == ")":
        return True  # tiebreak scores "(7/5)"
    return False


def _date_phrase(month: int, day: int, year: int | None, s: dict) -> str:
    """"August 15", "August 15, 2021" (or "15 August 2021" with ``order: day-month``)."""
    order = s.get("order", "month-day")
    phrase = month_day(month, day, s.get("month_style", "full"), order)
    if year is None:
        return phrase
    return f"{phrase} {year}" if order == "day-month" else f"{phrase}, {year}"


def _lead_and_start(doc, m: re.Match, sent_start: int, before: tuple[str, int] | None,
                    french_articles: dict[str, str], no_on: frozenset[str]) -> tuple[str, int]:
    """What goes before the English date, and where the replaced span starts.

    "le 15/08": the French word goes and its English preposition takes its place; "came to
    power 08/15": a word runs straight into the date, so "on" is added; after a preposition,
    an article or a weekday nothing is added."""
    if before is None:
        return "", m.start()
    word, at = before[0].lower(), before[1]
    if word in french_articles:
        prev = word_before(doc, at, sent_start)
        if word == "le" and prev and prev[0].lower() in no_on:
            return "", at  # "since le 15/08": the preposition is already there
        return french_articles[word] + " ", at
    return ("" if word in no_on else "on "), m.start()


@register("dates")
def detect_numeric_dates(doc, rule, ctx) -> Iterable:
    matches = list(body_matches(doc, _NUMERIC_DATE_SCAN))
    if not matches:
        return  # the article's date is only worth looking for when there is a date to resolve
    s = rule.settings
    ref = article_date(doc, int(s.get("dateline_paragraphs", 3)))
    back, ahead = int(s.get("window_days_before", 400)), int(s.get("window_days_after", 60))
    # French words left before the date, and the English preposition each stands for.
    french_articles = setting_map(rule, "french_articles")
    date_preps = setting_set(rule, "date_prepositions")
    no_on = setting_set(rule, "no_preposition_after") | date_preps
    for m in matches:
        sent = doc.sentence_at(m.start())
        sent_text = doc.text[sent.start : sent.end]
        wb = word_before(doc, m.start(), sent.start)
        before = wb[0] if wb else None
        after = word_after(doc, m.end(), sent.end)
        if _date_blocked(doc, rule, m, sent_text, before, after):
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        year = _expand_year(m.group("y"))
        readings = date_readings(a, b, year)
        if not readings:
            continue
        reading, near = resolve_reading(readings, year, ref, back, ahead)
        low_before = (before or "").lower()
        french = low_before in french_articles
        zero_padded = len(m.group("a")) == 2 and len(m.group("b")) == 2 and "0" in (
            m.group("a")[0], m.group("b")[0])
        evidence = (french or near or year is not None
                    or (low_before in date_preps and reading is not None)
                    or (zero_padded and reading is not None))
        if not evidence:
            continue
        factor = quote_factor(doc, rule, m.start(), m.end())
        if factor is None:
            continue
        lead, start = _lead_and_start(doc, m, sent.start, wb, french_articles, no_on)
        if (not lead and wb and wb[0] == "The" and wb[1] == sent.start
                and doc.text.startswith(",", m.end())):
            # "Le 15/09, le président ..." rendered "The 15/09, the president ...": a date
            # opening the sentence and set off by a comma says when ("The 15/09 meeting" is a
            # noun's modifier and keeps its article)
            lead, start = "on ", wb[1]
        chosen = [reading] if reading else readings
        suggestions = [lead + _date_phrase(md[0], md[1], year, s) for md in chosen]
        if lead and start == sent.start:
            suggestions = [x[0].upper() + x[1:] for x in suggestions]
        conf = rule.confidence if reading and (near or french or year) else rule.confidence * (
            0.8 if reading else 0.5)
        yield make_finding(doc, rule, start, m.end(), suggestions, confidence=conf * factor,
                           data={"reading": "unresolved" if reading is None else
                                 f"{reading[0]:02d}-{reading[1]:02d}"})


# -- dates with French month names ---------------------------------------------------------
FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre")
_FRENCH_MONTH_NAMES = "|".join(FRENCH_MONTHS) + "|fevrier|aout|decembre"
_FOLDED_MONTHS = {m.replace("é", "e").replace("û", "u"): i + 1 for i, m in enumerate(FRENCH_MONTHS)}
_FRENCH_MONTH_DATE = re.compile(
    r"(?:(?<![\w])(?P<le>[Ll]e)[ \u00a0]+)?(?<![\w/.,])(?P<d>[1-9]|[12]\d|3[01]|1er)[ \u00a0]+"
    r"(?P<m>" + _FRENCH_MONTH_NAMES + r")(?:[ \u00a0]+(?P<y>(?:1[89]|20)\d\d))?(?!\w)",
    re.IGNORECASE)
_FRENCH_MONTH_SCAN = Scan(
    _FRENCH_MONTH_DATE,
    # a plain space after the day ("15", "1er"), then the month
    re.compile(r" (?<=[\drR] ) *(?i:" + _FRENCH_MONTH_NAMES + ")"),
    re.compile(r"\d(?i:er)?[ \u00a0]+(?i:" + _FRENCH_MONTH_NAMES + ")"),
    # in a view, a month is spelt in ASCII; one space after a digit or an "r", or the last two
    # spaces of several, stand before it
    frozenset(before + month for name in _FRENCH_MONTH_NAMES.split("|") if name.isascii()
              for month in view_spellings(name) for before in (b"0 ", b"r ", b"  ")))


@register("french-dates")
def detect_french_month_dates(doc, rule, ctx) -> Iterable:
    """"le 1er mai", "15 août 2021": a French date left untranslated -> "on May 1"."""
    if not gate_may_hit(doc, _FRENCH_MONTH_SCAN):
        return  # most documents: the settings are not even read
    s = rule.settings
    no_on = setting_set(rule, "no_preposition_after")
    block_next = setting_set(rule, "block_next_words")
    for m in body_matches(doc, _FRENCH_MONTH_SCAN):
        nxt = word_after(doc, m.end(), doc.sentence_at(m.start()).end)
        if nxt and nxt.lower() in block_next:
            continue  # "3 mai tai cocktails"
        factor = quote_factor(doc, rule, m.start(), m.end())
        if factor is None:
            continue
        month = _FOLDED_MONTHS[m.group("m").lower().replace("é", "e").replace("û", "u")]
        day = 1 if m.group("d").lower() == "1er" else int(m.group("d"))
        year = int(m.group("y")) if m.group("y") else None
        try:
            _dt.date(year or 2000, month, day)
        except ValueError:
            continue
        phrase = _date_phrase(month, day, year, s)
        if m.group("le"):
            sent = doc.sentence_at(m.start())
            prev = word_before(doc, m.start(), sent.start)
            phrase = phrase if prev and prev[0].lower() in no_on else "on " + phrase
            if m.start() == sent.start:
                phrase = phrase[0].upper() + phrase[1:]
        yield make_finding(doc, rule, m.start(), m.end(), [phrase], confidence=rule.confidence * factor)


# -- clock times ----------------------------------------------------------------------------
_FRENCH_TIME = re.compile(
    r"(?<![\w.,:/])(?P<h>[01]?\d|2[0-3])[ \u00a0]?h[ \u00a0]?(?P<m>[0-5]\d)?(?![\w'’:])")
_SPACED_COLON_TIME = re.compile(r"(?<![\w.,:/])(?P<h>[01]?\d|2[0-3]): (?P<m>[0-5]\d)(?![\w:])")
# after the "h" of a time comes no letter ("5 hours" is no hit)
_FRENCH_TIME_SCAN = Scan(_FRENCH_TIME, re.compile(r"h(?:(?<=\dh)|(?<=\d[ \u00a0]h))(?![^\W\d])"),
                         needles=frozenset(hour + after for hour in (b"0h", b"0 h")
                                           for after in (b"0", *_WORD_ENDS)))
# "2h 03m 23s", "1h 5min": a length of time in hours, minutes (and seconds), English as it is
_MINUTES_AFTER = re.compile(r"[ \u00a0]?\d{1,2}[ \u00a0]?(?:m|min|mins|mn)\b")
_SPACED_COLON_SCAN = Scan(_SPACED_COLON_TIME, re.compile(r": (?<=\d: )\d"), needles=frozenset({b"0: 0"}))


def clock_12h(h: int, minutes: int, am: str = "am", pm: str = "pm") -> str:
    suffix = am if h < 12 else pm
    h12 = h % 12 or 12
    return f"{h12}:{minutes:02d} {suffix}" if minutes else f"{h12} {suffix}"


def duration(h: int, minutes: int) -> str:
    """"1h30" read as a length of time: "1 hour 30 minutes"."""
    parts = []
    if h:
        parts.append(f"{h} hour" + ("s" if h != 1 else ""))
    if minutes or not h:
        parts.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    return " ".join(parts)


def _time_context(doc, rule, m: re.Match) -> tuple[bool, bool, bool]:
    """(preceded by a time preposition, followed by a time-zone or clock word, preceded by a
    word that makes it a duration: "during 1h30", "in 2h")."""
    sent = doc.sentence_at(m.start())
    wb = word_before(doc, m.start(), sent.start)
    after = word_after(doc, m.end(), sent.end)
    before = wb[0].lower() if wb else ""
    prep = before in setting_set(rule, "time_prepositions")
    zone = bool(after) and after.lower() in setting_set(rule, "time_words")
    return prep, zone, before in setting_set(rule, "duration_words")


@register("times")
def detect_times(doc, rule, ctx) -> Iterable:
    s = rule.settings
    style = s.get("form", "french-h")
    for m in body_matches(doc, _time_scan(rule)):
        if style == "french-h" and not m.group("m") and _MINUTES_AFTER.match(doc.text, m.end()):
            continue
        prep, zone, lasting = _time_context(doc, rule, m)
        minutes = m.group("m")
        compact = style == "french-h" and minutes and " " not in m.group(0) and "\u00a0" not in m.group(0)
        # "14h30" is a French time anywhere; "14h", "14 h 30" and "14: 30" need a clock context.
        if not (compact or prep or zone or (lasting and style == "french-h")):
            continue
        factor = quote_factor(doc, rule, m.start(), m.end())
        if factor is None:
            continue
        h, mins = int(m.group("h")), int(minutes or 0)
        # a time zone or clock word after it makes it a time of day, whatever comes before
        # ("scheduled for 21h GMT")
        if lasting and not zone and style == "french-h":
            suggestions = [duration(h, mins)]
        elif style == "spaced-colon":
            suggestions = [f"{h}:{mins:02d}"]
        else:
            h24 = f"{h:02d}:{mins:02d}"
            h12 = clock_12h(h, mins, s.get("am", "am"), s.get("pm", "pm"))
            suggestions = [h24, h12] if s.get("clock", "12h") == "24h" else [h12, h24]
        yield make_finding(doc, rule, m.start(), m.end(), suggestions, confidence=rule.confidence * factor)


# -- number formats -------------------------------------------------------------------------
_SPACE_THOUSANDS = re.compile(
    r"(?<![\d.,])(?<!\d[ \u00a0\u202f])(?P<int>[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+)(?:,(?P<frac>\d+))?"
    r"(?![\d]|[ \u00a0\u202f]\d|[-–/.,]\d)")
_DOT_THOUSANDS = re.compile(
    r"(?<![\d.,])(?P<int>[1-9]\d{0,2}(?:\.\d{3})+)(?:,(?P<frac>\d+))?(?![\d]|[.,]\d)")
_DECIMAL_COMMA = re.compile(
    r"(?<![\d.,\-–/])(?<!\d[ \u00a0\u202f])(?P<int>\d{1,3}),(?P<frac>\d{1,3})(?![\d]|[.,\-–/]\d)")
_NUMBER_SCANS = {
    "space-thousands": Scan(_SPACE_THOUSANDS, re.compile(r" (?<=\d )\d{3}"),
                            re.compile(r"\d[ \u00a0\u202f]\d{3}"), frozenset({b"0 000"})),
    "dot-thousands": Scan(_DOT_THOUSANDS, re.compile(r"\.(?<=\d\.)\d{3}"), needles=frozenset({b"0.000"})),
    # "1,250" matches but is English thousands: only one or two digits after the comma, or a
    # lone zero before it ("0,250", not "10,000"), can make a finding.
    "decimal-comma": Scan(_DECIMAL_COMMA, re.compile(r",(?<=\d,)(?:\d{1,2}(?!\d)|(?<=(?<![\d.,\-–/])0,)\d)"),
                          needles=frozenset({b"0,0"})),
}


def _scale_or_unit_after(doc, rule, end: int) -> bool:
    nxt = doc.text[end : end + 40]
    if re.match(r"[ \u00a0\u202f]?%", nxt):
        return True
    w = re.match(r"[ \u00a0\u202f]?([^\W\d_]+|[€$£°])", nxt)
    return bool(w) and w.group(1).lower() in setting_set(rule, "units")


def _measure_before(doc, rule, start: int) -> bool:
    """A word that announces one measured value ("magnitude 6,2", "a rate of 3,5"): no list
    of numbers follows it."""
    wb = word_before(doc, start, doc.sentence_at(start).start)
    return bool(wb) and wb[0].lower() in setting_set(rule, "units_before")


def _surely_dot_thousands(m: re.Match) -> bool:
    return m.group("int").count(".") >= 2 or bool(m.group("frac")) or m.group("int").endswith(".000")


def _english_number(int_part: str, frac: str | None) -> str:
    """"1 234 567,5" -> "1,234,567.5"; "46.000" -> "46,000"."""
    digits = re.sub(r"[ .\u00a0\u202f]", "", int_part)
    return f"{int(digits):,}" + (f".{frac}" if frac else "")


@register("numbers")
def detect_numbers(doc, rule, ctx) -> Iterable:
    check = rule.settings.get("check", "space-thousands")
    for m in body_matches(doc, _number_scan(rule)):
        # the number's own shape first: it turns most matches away without reading the sentence
        if check == "dot-thousands" and not _surely_dot_thousands(m):
            continue  # "3.500" may be an English decimal; "3.000", "1.234.567", "1.234,5" are not
        zero = m.group("int") == "0"
        if check == "decimal-comma" and len(m.group("frac")) == 3 and not zero:
            continue  # "1,250": English thousands
        sent = doc.sentence_at(m.start())
        if has_setting_word(rule, "block_sentence_words", doc.text[sent.start : sent.end].lower()):
            continue  # phone numbers, scores and codes are grouped with spaces too
        if check == "decimal-comma" and not (
                zero or _scale_or_unit_after(doc, rule, m.end()) or _measure_before(doc, rule, m.start())):
            continue  # "3,5" alone may be a list; "3,5 million", "0,5", "magnitude 6,2" are decimals
        factor = quote_factor(doc, rule, m.start(), m.end())
        if factor is None:
            continue
        yield make_finding(doc, rule, m.start(), m.end(),
                           [_english_number(m.group("int"), m.group("frac"))],
                           confidence=rule.confidence * factor)


# -- ordinals -------------------------------------------------------------------------------
_ARABIC_ORDINAL = re.compile(r"(?<![\w.,])(?P<n>\d{1,4})(?P<suf>er|re|ère|ème|eme|e)(?!\w|[-–]\d)")
_ROMAN_ORDINAL = re.compile(r"(?<![\w.])(?P<n>[IVXLC]{1,7})(?P<suf>e|ème|eme|er)(?!\w)")
# Every suffix holds an "e" right after the number, an "r" or an "m" ("2e", "1re", "2ème"): the
# gates are led by that "e", look one character back (most "e" fail there), then for the number.
# In a view "è" cannot be: "2e", "2eme", "1re" hold "0e" or "0re".
_ARABIC_SCAN = Scan(
    _ARABIC_ORDINAL, re.compile(r"e(?<=[\drm]e)(?:(?<=\de)r?|(?<=\dre)|(?<=\dère)|(?<=\d[eè]me))(?!\w)"),
    needles=frozenset({b"0e", b"0re"}))
_ROMAN_SCAN = Scan(
    _ROMAN_ORDINAL, re.compile(r"e(?<=[IVXLCm]e)(?:(?<=[IVXLC]e)r?|(?<=[IVXLC][eè]me))(?!\w)"),
    # a capital, the suffix, the word's end: "Le" (Leeds, Lewis) is no hit, "Le " still is
    needles=frozenset(c.encode("ascii") + suffix + end for c in _ROMAN_CAPITALS
                      for suffix in (b"e", b"er", b"eme") for end in _WORD_ENDS))
_SCANS = (_NUMERIC_DATE_SCAN, _FRENCH_MONTH_SCAN, _FRENCH_TIME_SCAN, _SPACED_COLON_SCAN,
          *_NUMBER_SCANS.values(), _ARABIC_SCAN, _ROMAN_SCAN)


def _time_scan(rule) -> Scan:
    return _SPACED_COLON_SCAN if rule.settings.get("form", "french-h") == "spaced-colon" else _FRENCH_TIME_SCAN


def _number_scan(rule) -> Scan:
    return _NUMBER_SCANS[rule.settings.get("check", "space-thousands")]


def _ordinal_scan(rule) -> Scan:
    return _ROMAN_SCAN if rule.settings.get("form") == "roman" else _ARABIC_SCAN


# The scan a rule of each detector runs.
SCAN_OF: dict[str, Callable[[Any], Scan]] = {
    "dates": lambda rule: _NUMERIC_DATE_SCAN, "french-dates": lambda rule: _FRENCH_MONTH_SCAN,
    "times": _time_scan, "numbers": _number_scan, "ordinals": _ordinal_scan}

_SPELLED = ("", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
            "Ninth", "Tenth")


def english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def roman_value(s: str) -> int | None:
    if not re.fullmatch(r"C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})", s) or not s:
        return None
    total = 0
    for i, ch in enumerate(s):
        v = ROMAN[ch]
        total += -v if i + 1 < len(s) and ROMAN[s[i + 1]] > v else v
    return total


@register("ordinals")
def detect_ordinals(doc, rule, ctx) -> Iterable:
    roman = rule.settings.get("form") == "roman"
    scan = _ordinal_scan(rule)
    if not gate_may_hit(doc, scan):
        return  # most documents: the settings are not even read
    nouns = setting_set(rule, "nouns")
    translate = setting_map(rule, "translate")
    spelled_before = setting_set(rule, "spelled_before")
    for m in body_matches(doc, scan):
        sent = doc.sentence_at(m.start())
        nxt = word_after(doc, m.end(), sent.end)
        n = roman_value(m.group("n")) if roman else int(m.group("n"))
        if not n:
            continue
        suf = m.group("suf")
        # "1er", "2ème" never occur in English; a bare "2e"/"XXe" needs a noun after it.
        if (roman or suf == "e") and not (nxt and nxt.lower() in nouns):
            continue
        factor = quote_factor(doc, rule, m.start(), m.end())
        if factor is None:
            continue
        end = m.end()
        noun_out = None
        if nxt and nxt.lower() in translate:
            end = doc.text.index(nxt, m.end()) + len(nxt)
            noun_out = translate[nxt.lower()]
        noun = noun_out or nxt or ""
        if noun.lower() in spelled_before and n < len(_SPELLED):
            out = _SPELLED[n]
        else:
            out = english_ordinal(n)
        if noun_out:
            out = f"{out} {noun_out}"
        yield make_finding(doc, rule, m.start(), end, [out], confidence=rule.confidence * factor)
