"""Mojibake and other encoding damage, repaired by ftfy.

ftfy runs only on lines that look damaged (a cheap character test, first over the whole document
so that clean text costs next to nothing), with a configuration that never touches correct
text: no quote uncurling, no width or ligature folding, no Unicode normalisation. Each repaired
stretch becomes one finding whose suggestion is ftfy's repair; the repaired stretches are found
by difflib's algorithm, sped up for lines that differ in a few places.
"""

from __future__ import annotations

import re
from difflib import Match, SequenceMatcher

from ..context import make_finding
from . import register

# Characters that mojibake of UTF-8 read as Latin-1/cp1252 produces, C1 controls, replacement
# characters, HTML entities: cheap signals that ftfy may have something to fix.
_SUSPECT_CHARS = "ÃÂâ€™œžŸÅ¢Ð\ufffd" + "".join(map(chr, range(0x80, 0xA0)))
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_SUSPECT = re.compile(f"[{re.escape(_SUSPECT_CHARS)}]|{_ENTITY.pattern}")


def _may_be_damaged(text: str) -> bool:
    """A gate: False when no line of ``text`` can be suspect, so clean documents skip the
    per-line loop. Every suspect character is non-ASCII, and ``str.__contains__`` finds one
    faster than a regex character class can."""
    if "&" in text and _ENTITY.search(text):
        return True
    return not text.isascii() and any(c in text for c in _SUSPECT_CHARS)


def _config(unescape_html: bool):
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=unescape_html,
        remove_terminal_escapes=True,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


# A repair that yields these is no repair: the original character is lost either way.
_NOT_A_REPAIR = re.compile("[\u00bf\ufffd]")


class _RepairMatcher(SequenceMatcher):
    """difflib's SequenceMatcher (no junk, no autojunk) with the same answers, faster on a repair.

    A repaired line differs from the original in a few places, so the longest common block of a
    range is nearly always its common prefix or suffix. ``find_longest_match`` proves that at C
    speed (substring searches) instead of difflib's per-character loop, which is quadratic on a
    line of a thousand characters, and falls back to difflib when it cannot."""

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        a, b = self.a[alo:ahi], self.b[blo:bhi]
        size = max(_common_prefix(a, b), _common_prefix(a[::-1], b[::-1]))
        if size == 0 or any(a[i : i + size + 1] in b for i in range(len(a) - size)):
            return super().find_longest_match(alo, ahi, blo, bhi)
        # No common block is longer than ``size``: difflib's answer is the first block of that
        # size in ``a`` (at the latest the common suffix) and its first occurrence in ``b``.
        i = next(i for i in range(len(a) - size + 1) if a[i : i + size] in b)
        return Match(alo + i, blo + b.find(a[i : i + size]), size)


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def _changed_regions(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """Regions where ``b`` differs from ``a`` as (a_start, a_end, b_start, b_end), each widened
    to whole words and merged when they touch, so one finding covers one damaged word."""
    regions: list[list[int]] = []
    for tag, i1, i2, j1, j2 in _RepairMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # changes inside one word (no space in the equal text between them) make one region
        if regions and not any(c.isspace() for c in a[regions[-1][1] : i1]):
            regions[-1][1], regions[-1][3] = i2, j2
        else:
            regions.append([i1, i2, j1, j2])
    for r in regions:
        # the text around a region is equal in a and b up to the next whitespace
        while r[0] > 0 and r[2] > 0 and not a[r[0] - 1].isspace():
            r[0] -= 1
            r[2] -= 1
        while r[1] < len(a) and r[3] < len(b) and not a[r[1]].isspace():
            r[1] += 1
            r[3] += 1
    return [tuple(r) for r in regions]


@register("encoding")
def detect(doc, rule, ctx):
    if not _may_be_damaged(doc.text):
        return
    config = None  # ftfy is imported on the first suspect line: clean text never pays for it
    for para in doc.paragraphs:
        line = doc.text[para.start : para.end]
        if not _SUSPECT.search(line):
            continue
        import ftfy

        if config is None:
            config = _config(bool(rule.settings.get("unescape_html", True)))
        fixed = ftfy.fix_text(line, config)
        if fixed == line:
            continue
        for a0, a1, b0, b1 in _changed_regions(line, fixed):
            repl = fixed[b0:b1]
            if _NOT_A_REPAIR.search(repl) and not _NOT_A_REPAIR.search(line[a0:a1]):
                continue
            yield make_finding(doc, rule, para.start + a0, para.start + a1, [repl])
