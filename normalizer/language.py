"""The language stage: which language is the document in?

A function-word count decides almost every news article at once; langdetect (seeded, so the
answer is the same on every run) only sees documents that test leaves in doubt. A document that
is not in one of the checked languages is skipped with a clear message rather than "fixed".
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
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
    en = fr = n = 0
    for m in _WORD.finditer(text):
        w = m.group(0).lower()
        n += 1
        en += w in EN_FUNCTION_WORDS
        fr += w in FR_FUNCTION_WORDS
        if n >= limit:
            break
    return (en / n if n else 0.0, fr / n if n else 0.0, n)


def langdetect_language(text: str) -> str | None:
    """langdetect's answer, deterministic (seeded); None when it cannot tell."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(text)
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
