"""Quantities in English news text, read as ranges of values, for comparing two reports.

"13 soldiers" is [13, 13]; "over 100" is (100, 200); "about 50" is [40, 60]; "a hundred" is
[80, 120] (usually approximate); "hundreds" is [200, 999]; "tens of thousands" is
[20,000, 99,999]. Two quantities disagree when their ranges do not overlap.

Each quantity also has a *precision*, the strength of the claim it makes: an exact number (3),
a bounded one ("over 100", "about 50": 2), an approximate one ("a hundred", "a few hundred":
1), a vague plural ("hundreds", "dozens": 0). When two reports disagree, the vaguer phrasing is
the likely mistranslation (French "une centaine", about a hundred, rendered "hundreds"), and
the reference's more precise phrasing is what to suggest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXACT, BOUNDED, APPROXIMATE, VAGUE = 3, 2, 1, 0

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "dozen": 12, "bn": 1_000_000_000, "m": 1_000_000,
          "k": 1_000}
# vague plurals: (low, high) before any "tens of" / "hundreds of" multiplier
_VAGUE = {"dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999),
          "thousands": (2_000, 9_999), "millions": (2_000_000, 999_999_999),
          "billions": (2_000_000_000, 999_999_999_999)}
_MULTIPLIER = {"tens of": 10, "hundreds of": 100}
# "several hundred", "a few thousand": (low, high) as multiples of the scale word
_FEW = {"a few": (2, 5), "several": (3, 9), "a couple of": (2, 3), "many": (3, 9)}
# modifier -> (low factor, high factor, low open, high open)
MODIFIERS = {
    "about": (0.8, 1.2), "around": (0.8, 1.2), "approximately": (0.8, 1.2), "roughly": (0.8, 1.2),
    "some": (0.8, 1.2), "an estimated": (0.8, 1.2), "nearly": (0.85, 0.999), "almost": (0.85, 0.999),
    "close to": (0.85, 1.05), "up to": (0.5, 1.0), "at most": (0.5, 1.0), "no more than": (0.5, 1.0),
    "at least": (1.0, 2.0), "no fewer than": (1.0, 2.0), "more than": (1.001, 1.999),
    "over": (1.001, 1.999), "well over": (1.1, 3.0), "just over": (1.001, 1.2),
    "upwards of": (1.001, 1.999), "in excess of": (1.001, 1.999), "as many as": (0.8, 1.0),
    "less than": (0.5, 0.999), "fewer than": (0.5, 0.999), "under": (0.5, 0.999),
    "just under": (0.85, 0.999),
}
_NUMWORD = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_MOD = "|".join(sorted((re.escape(m).replace(r"\ ", r"\s+") for m in MODIFIERS), key=len, reverse=True))
QUANTITY = re.compile(
    rf"(?<![\w$£€.,:/])(?<!\d[-–])(?:(?P<mod>{_MOD})\s+)?(?P<cur>[$£€])?"
    r"(?:"
    r"(?P<vague>(?:(?P<mult>tens\s+of|hundreds\s+of)\s+|(?:many|several)\s+)?"
    r"(?P<vword>dozens|scores|hundreds|thousands|millions|billions))(?P<of>\s+of)?"
    r"|(?P<few>a\s+few|several|a\s+couple\s+of)\s+(?P<fscale>hundred|thousand|million|dozen)"
    rf"|(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|[1-9]\d{{0,2}}(?:[ \u00a0\u202f]\d{{3}})+(?![\d.,])|\d+(?:\.\d+)?|(?:{_NUMWORD})(?:-(?:{_NUMWORD}))?|an?\b|one)"
    r"(?:\s*(?P<scale>hundred|thousand|million|billion|trillion|dozen)\b|(?P<short>bn|m|k)\b)?"
    r")(?![\w]|[-–/]\d)",
    re.IGNORECASE)
_PERCENT = re.compile(r"\s*(?:%|percent\b|per\s+cent\b)", re.IGNORECASE)
_DURATION = re.compile(r"[\s-]*(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries)\b",
                       re.IGNORECASE)
_MONEY_WORD = re.compile(r"\s*(dollars?|euros?|pounds?|yuan|yen|rupees?|francs?)\b", re.IGNORECASE)
_CURRENCY = {"$": "$", "dollar": "$", "€": "€", "euro": "€", "£": "£", "pound": "£"}
# units of measurement, by the form a number's next word takes -> one name per unit
_UNIT_WORDS = {
    "mm": "mm", "cm": "cm", "m": "m", "km": "km", "metre": "m", "meter": "m", "kilometre": "km",
    "kilometer": "km", "centimetre": "cm", "centimeter": "cm", "millimetre": "mm", "mile": "mile",
    "foot": "ft", "feet": "ft", "ft": "ft", "inch": "in", "inche": "in", "yard": "yd",
    "gram": "g", "g": "g", "kg": "kg", "kilo": "kg", "kilogram": "kg", "ounce": "oz", "oz": "oz",
    "lb": "lb", "ton": "t", "tonne": "t", "litre": "l", "liter": "l", "gallon": "gal",
    "hectare": "ha", "acre": "acre", "degree": "deg", "light-year": "ly", "mph": "mph",
}
_MONTH = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
# words after a bare quantity that show it stands alone ("Hundreds died", "100 were hurt")
_VERBISH = frozenset("were was are is have has had died fled remain remained will would could "
                     "including among".split())


@dataclass
class Quantity:
    start: int  # the phrase: modifier + number (+ "of" after a vague plural)
    end: int
    num_end: int  # end of modifier + number, without a trailing "of"
    low: float
    high: float
    precision: int
    kind: str  # count | percent | money | duration
    has_noun: bool  # a noun follows ("13 soldiers", "hundreds of people")
    base: float | None = None  # the number itself, before any modifier (None: a vague plural)
    currency: str | None = None  # "$", "€", "£" or a currency word, for money
    unit: str | None = None  # a unit of measurement after the number ("km", "feet")
    text: str = ""  # the number as written ("8.733", "118.8 miles")

    def comparable(self, other: "Quantity") -> bool:
        """Sums in two currencies, or measures in two units, are not compared."""
        if self.currency and other.currency and self.currency != other.currency:
            return False
        return not (self.unit and other.unit and self.unit != other.unit)

    def overlaps(self, other: "Quantity") -> bool:
        return self.low <= other.high and other.low <= self.high

    def agrees(self, other: "Quantity") -> bool:
        """The ranges overlap or the same number is named: "over 65" and "65 years of age" are
        one fact phrased two ways (kinds are not compared: one report may say "65 years", the
        other "65")."""
        if not self.comparable(other):
            return False
        return self.overlaps(other) or (self.base is not None and self.base == other.base)


def _word_value(word: str) -> float | None:
    w = word.lower()
    if "-" in w:
        a, _, b = w.partition("-")
        return (_TENS.get(a) or 0) + (_UNITS.get(b) or 0) or None
    return _UNITS.get(w) or _TENS.get(w)


def _value(m: re.Match) -> tuple[float, float, int] | None:
    """(low, high, precision) of a match, before any modifier."""
    if m.group("vague"):
        low, high = _VAGUE[m.group("vword").lower()]
        mult = re.sub(r"\s+", " ", (m.group("mult") or "").lower())
        k = _MULTIPLIER.get(mult, 1)
        return low * k, high * k, VAGUE
    if m.group("few"):
        lo, hi = _FEW[re.sub(r"\s+", " ", m.group("few").lower())]
        scale = SCALES[m.group("fscale").lower()]
        return lo * scale, hi * scale, APPROXIMATE
    num = m.group("num").lower()
    scale_word = (m.group("scale") or "").lower()
    short = (m.group("short") or "").lower()
    if num in ("a", "an", "one"):
        if not scale_word:
            return None  # "a", "one" alone are not quantities worth comparing
        v = SCALES[scale_word]
        return (v * 0.8, v * 1.2, APPROXIMATE) if num != "one" else (v, v, EXACT)
    if num[0].isdigit():
        if re.fullmatch(r"0\d*", num):
            return None  # "000", "007": a code or garbage, not a quantity
        v = float(re.sub(r"[,\s]", "", num))
    else:
        v = _word_value(num)
        if v is None:
            return None
    if short and not m.group("cur"):
        return None  # "100m" is metres, "5k" a race: only money takes the short scales
    v *= SCALES.get(scale_word or short, 1)
    return v, v, EXACT


def _kind(text: str, m: re.Match) -> str | None:
    after = text[m.end() : m.end() + 20]
    if _PERCENT.match(after):
        return "percent"
    if m.group("cur") or _MONEY_WORD.match(after):
        return "money"
    if _DURATION.match(after):
        return "duration"
    return "count"


def _currency(text: str, m: re.Match) -> str | None:
    if m.group("cur"):
        return m.group("cur")
    w = _MONEY_WORD.match(text, m.end())
    word = w.group(1).lower().rstrip("s") if w else None
    return _CURRENCY.get(word, word)


def _is_date_or_year(text: str, m: re.Match, low: float, precision: int) -> bool:
    num = m.group("num") or ""
    if precision == EXACT and not m.group("mod") and re.fullmatch(r"(?:1[89]|20)\d\d", num):
        return True  # a year
    before = text[max(0, m.start() - 12) : m.start()].split()
    after = text[m.end() : m.end() + 12].split()
    day_like = precision == EXACT and low == int(low) and 1 <= low <= 31 and "," not in num
    if day_like and ((before and _MONTH.match(before[-1])) or (after and _MONTH.match(after[0]))):
        return True  # "August 15", "15 August" (but not "October 118,800")
    nxt = text[m.end() : m.end() + 3]
    if re.match(r"\s?[ap]\.?m\b", text[m.end() : m.end() + 5], re.IGNORECASE):
        return True  # a clock time: "6.30 a.m."
    return bool(re.match(r"(?:st|nd|rd|th|:\d|/\d|\.\d)", nxt, re.IGNORECASE))


def _unit(text: str, end: int) -> str | None:
    nxt = re.match(r"[\s-]*([a-z][a-z-]*)", text[end : end + 24], re.IGNORECASE)
    if not nxt:
        return None
    w = nxt.group(1).lower()
    return _UNIT_WORDS.get(w) or _UNIT_WORDS.get(w.rstrip("s")) or _UNIT_WORDS.get(w[:-2] if w.endswith("es") else w)


_RANGE_JOIN = re.compile(r"\s*(?:to|and|or|-|–)\s*$", re.IGNORECASE)


def parse_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """The quantities in text[start:end], as ranges; "18 to 29", "between 3 and 5" are one."""
    return _merge_ranges(text, _parse(text, start, end))


def _merge_ranges(text: str, qs: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    for q in qs:
        prev = out[-1] if out else None
        if (prev is not None and prev.precision == EXACT and q.precision == EXACT
                and _RANGE_JOIN.match(text[prev.end : q.start]) and prev.low < q.low):
            kind = q.kind if prev.kind == "count" else prev.kind
            out[-1] = Quantity(prev.start, q.end, q.num_end, prev.low, q.high, BOUNDED, kind, q.has_noun)
            continue
        out.append(q)
    return out


def _parse(text: str, start: int, end: int | None) -> list[Quantity]:
    end = len(text) if end is None else end
    out = []
    for m in QUANTITY.finditer(text, start, end):
        val = _value(m)
        if val is None:
            continue
        low, high, precision = val
        if _is_date_or_year(text, m, low, precision):
            continue
        kind = _kind(text, m)
        base = low if precision == EXACT else None
        mod = re.sub(r"\s+", " ", (m.group("mod") or "").lower())
        if mod:
            lo_f, hi_f = MODIFIERS[mod]
            low, high = low * lo_f, high * hi_f
            precision = min(precision, BOUNDED)
        num_end = m.end() - len(m.group("of") or "")
        nxt = _NEXT_WORD.match(text, m.end())
        has_noun = bool(m.group("of")) or bool(nxt and nxt.group(1).lower() not in _VERBISH
                                               and not nxt.group(1).lower().endswith("ed"))
        out.append(Quantity(m.start(), m.end(), num_end, low, high, precision, kind, has_noun, base,
                            _currency(text, m) if kind == "money" else None,
                            _unit(text, m.end()), text[m.start() : m.end() + 8]))
    return out
