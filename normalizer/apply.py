"""The apply stage: the only place new text is made. Edits in, text and edit log out; the log
replayed backwards (``undo``) restores the original exactly."""

from __future__ import annotations

from .errors import MtnormError
from .findings import Edit


def apply(text: str, edits: list[Edit]) -> tuple[str, list[Edit]]:
    """Apply non-overlapping edits (spans of ``text``); return the new text and the edits with
    their positions in the new text filled in."""
    out: list[str] = []
    log: list[Edit] = []
    pos = 0
    shift = 0
    for e in sorted(edits, key=lambda e: e.start):
        if e.start < pos:
            raise ValueError(f"overlapping edits at {e.start} (rule {e.rule})")
        if text[e.start : e.end] != e.before:
            raise ValueError(f"edit {e.rule} does not match the text at {e.start}")
        out.append(text[pos : e.start])
        out.append(e.after)
        new_start = e.start + shift
        log.append(Edit(e.rule, e.category, e.start, e.end, e.before, e.after,
                        new_start, new_start + len(e.after)))
        shift += len(e.after) - (e.end - e.start)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), log


def undo(text: str, log: list[Edit]) -> str:
    """Restore the original text from the normalized text and its edit log."""
    out = text
    for e in sorted(log, key=lambda e: e.new_start, reverse=True):
        if e.new_start < 0 or out[e.new_start : e.new_end] != e.after:
            raise MtnormError(
                f"cannot undo edit {e.rule} at {e.new_start}: the text there is "
                f"{out[e.new_start:e.new_end]!r}, the log says {e.after!r} (was the file changed since?)")
        out = out[: e.new_start] + e.before + out[e.new_end :]
    return out
