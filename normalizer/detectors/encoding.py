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
    range is nearly always its common prefix or suffix, else the stretch between two repairs.
    ``find_longest_match`` finds it with substring searches at C speed instead of difflib's
    per-character loop, which is quadratic on a line of a thousand characters."""

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        a, b = self.a[alo:ahi], self.b[blo:bhi]
        known = max(_common_prefix(a, b), _common_prefix(a[::-1], b[::-1]),
                    *(_common_block_through(a, b, len(a) * k // 4) for k in (1, 2, 3)))
        if known >= _SAMPLED_FROM:
            i, size = _first_longest_block(a, b, known)
        else:
            size = _longest_common_length(a, b, known)
            # difflib's answer: the first block of that size in ``a``...
            i = next((i for i in range(len(a) - size + 1) if a[i : i + size] in b), 0)
        if size == 0:
            return Match(alo, blo, 0)  # difflib's answer when the ranges share no character
        # ... and its first occurrence in ``b``
        return Match(alo + i, blo + b.find(a[i : i + size]), size)


def _common_block_through(a: str, b: str, i: int, width: int = 8) -> int:
    """The length of a common block of ``a`` and ``b`` that holds ``a[i : i + width]`` (where it
    first occurs in ``b``), or 0: between two repairs a line's block goes through its middle."""
    j = b.find(a[i : i + width]) if i + width <= len(a) else -1
    return _block_length(a, b, i, j)[1] if j >= 0 else 0


def _block_length(a: str, b: str, i: int, j: int) -> tuple[int, int]:
    """The common block of ``a`` and ``b`` through ``a[i]`` and ``b[j]`` (equal characters, or
    none): its start in ``a`` and its length."""
    before = _common_prefix(a[:i][::-1], b[:j][::-1])
    return i - before, before + _common_prefix(a[i:], b[j:])


# From this length on, the longest common block is looked for through sampled chunks.
_SAMPLED_FROM = 32


def _first_longest_block(a: str, b: str, known: int) -> tuple[int, int]:
    """The first longest common block of ``a`` and ``b`` (its start in ``a``, its length), given
    that they share one of ``known`` characters. Every common block that long holds one of the
    chunks of ``known // 2`` characters of ``a`` taken every ``known - known // 2 + 1`` ones, so
    the blocks through the places in ``b`` where those chunks occur hold the answer."""
    chunk = known // 2
    step = known - chunk + 1
    best_start, best_size = 0, 0
    for i in range(0, len(a) - chunk + 1, step):
        piece = a[i : i + chunk]
        j = b.find(piece)
        while j >= 0:
            start, size = _block_length(a, b, i, j)
            if size > best_size or (size == best_size and start < best_start):
                best_start, best_size = start, size
            j = b.find(piece, j + 1)
    return best_start, best_size


def _longest_common_length(a: str, b: str, known: int) -> int:
    """The length of the longest common substring of ``a`` and ``b``, given that they share one
    of length ``known``. A length either is shared or not, and every shorter one is: one test
    tells whether ``known`` is the answer (nearly always), a binary search finds it otherwise."""
    if not _share_substring(a, b, known + 1):
        return known
    low, high = known + 1, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if _share_substring(a, b, mid):
            low = mid
        else:
            high = mid - 1
    return low


def _share_substring(a: str, b: str, length: int) -> bool:
    return any(a[i : i + length] in b for i in range(len(a) - length + 1))


def _common_prefix(a: str, b: str) -> int:
    """The length of the common prefix, by a binary search over slice comparisons (C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


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
