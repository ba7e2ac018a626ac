"""Scraped site furniture inside an article body: bylines with timestamps ("Posted on Aug 30,
2021 at 9:35 am"), "Read also" links, subscriber walls, newsletter and social-media prompts,
photo credits.

A line is boilerplate only when the WHOLE line (one paragraph) matches one of the rule's
``lines`` patterns and is short (``max_words``): furniture is a line of its own, whereas the
same words inside a sentence ("Published on Monday, the report found ...") are prose. The fix
removes the line together with the line break(s) after it, so no empty paragraph is left behind.

Patterns are regular expressions (matched case-sensitively; use ``(?i:...)`` for words) with
placeholders for the vocabulary every site shares:

- ``{datetime}``: a run of date and time tokens (month and weekday names, numbers, 9:35, am/pm,
  time zones, "at", "on", "updated"...) holding at least one digit;
- ``{name}``: a run of capitalised words (a photographer, an agency: "OLIVIER JEAN, LA PRESSE");
- ``{headline}``: the rest of the line (the linked article's title).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice

import regex

from ..context import make_finding
from ..ruleset import REGEX_TIMEOUT_S
from . import register

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?"
_DATE_TOKEN = (
    r"(?:\d{4}-\d\d-\d\d(?:T[\d:.]+Z?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d{1,4}(?:st|nd|rd|th)?(?:[:h.]\d\d){0,2}(?:\s?[ap]\.?m\.?)?"
    rf"|{_MONTH}|{_WEEKDAY}|[ap]\.?m\.?"
    r"|gmt|utc|et|est|edt|cet|cest|bst|pt|pst|local|time|today|yesterday"
    r"|at|on|the|and|of|to|updated|modified|hours?|hrs?|minutes?|mins?|ago|h"
    # the same byline left in French: "Publié le 30 août 2021 à 9h35"
    r"|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|le|à|et|mis à jour)(?![\w])")
PLACEHOLDERS = {
    # a run of date/time tokens with at least one digit in it
    "datetime": rf"(?=[^\n]*\d)(?i:{_DATE_TOKEN}(?:[\s,|/–—-]+{_DATE_TOKEN})*)\.?",
    "name": (r"(?:©\s*)?\p{Lu}[\p{L}\p{M}'’.&-]*"
             r"(?:[ \u00a0]*[,/|;]?[ \u00a0]*(?:\p{Lu}[\p{L}\p{M}'’.&-]*|de|du|la|le|van|von|der"
             r"|da|di|of|the|and|archives?|files?|handout|pool))*"),
    "headline": r"\S.*",
}
_WORD = regex.compile(r"[\w'’-]+")


@lru_cache(maxsize=256)
def compile_line_pattern(source: str):
    """A ``lines`` pattern with its placeholders expanded, compiled once."""
    expanded = source
    for key, rx in PLACEHOLDERS.items():
        expanded = expanded.replace("{" + key + "}", rx)
    return regex.compile(expanded)


def removal_span(doc, i: int) -> tuple[int, int]:
    """The span to delete for paragraph ``i``: the line and the line breaks after it (or, for
    the last line, the line breaks before it), so that no empty paragraph is left."""
    para = doc.paragraphs[i]
    if i + 1 < len(doc.paragraphs):
        return para.start, doc.paragraphs[i + 1].start
    if i > 0:
        return doc.paragraphs[i - 1].end, para.end
    return para.start, para.end


def is_boilerplate_line(line: str, patterns: list, max_words: int) -> bool:
    # Count words only up to max_words + 1: a paragraph of prose is rejected without a full scan.
    if sum(1 for _ in islice(_WORD.finditer(line), max_words + 1)) > max_words:
        return False
    for rx in patterns:
        try:
            if rx.fullmatch(line, timeout=REGEX_TIMEOUT_S):
                return True
        except TimeoutError:
            continue
    return False


@register("boilerplate")
def detect(doc, rule, ctx):
    s = rule.settings
    patterns = [compile_line_pattern(p) for p in s.get("lines") or ()]
    max_words = int(s.get("max_words", 20))
    for i, para in enumerate(doc.paragraphs):
        if doc.in_prefix(para.start):
            continue  # the corpus metadata line (and the title glued to it) stays intact
        line = doc.text[para.start : para.end]
        if not is_boilerplate_line(line, patterns, max_words):
            continue
        start, end = removal_span(doc, i)
        yield make_finding(doc, rule, start, end, [""], data={"line": line})
