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


def _diff_span(a: str, b: str) -> tuple[int, int, int]:
    """Smallest differing region: (start, end in a, end in b)."""
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    ja, jb = len(a), len(b)
    while ja > i and jb > i and a[ja - 1] == b[jb - 1]:
        ja -= 1
        jb -= 1
    return i, ja, jb


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
        s, ea, eb = _diff_span(line, fixed)
        # widen to whole words so the finding reads well and edits don't split a word
        while s > 0 and not line[s - 1].isspace():
            s -= 1
        while ea < len(line) and not line[ea].isspace():
            ea += 1
            eb += 1
        repl = fixed[s:eb]
        yield make_finding(doc, rule, para.start + s, para.start + ea, [repl])
