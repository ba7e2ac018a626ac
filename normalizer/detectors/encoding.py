"""Mojibake and other encoding damage, repaired by ftfy.

ftfy runs only on lines that look damaged (a cheap character test first), with a configuration
that never touches correct text: no quote uncurling, no width or ligature folding, no Unicode
normalisation. Each repaired stretch becomes one finding whose suggestion is ftfy's repair.
"""

from __future__ import annotations

import re

from ..context import make_finding
from . import register

# Characters that mojibake of UTF-8 read as Latin-1/cp1252 produces, C1 controls, replacement
# characters, HTML entities: cheap signals that ftfy may have something to fix.
_SUSPECT = re.compile(r"[ÃÂâ€™œžŸÅ¢Ð\u0080-\u009f\ufffd]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


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


def _changed_regions(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """Regions where ``b`` differs from ``a`` as (a_start, a_end, b_start, b_end), each widened
    to whole words and merged when they touch, so one finding covers one damaged word."""
    from difflib import SequenceMatcher

    regions: list[list[int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
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
