"""The apply stage: the only place new text is made. Edits in, text and edit log out; the log
replayed backwards (``undo``) restores the original exactly.

Pure and linear in the size of the text: no model, no I/O. Offsets are ``str`` indices (code
points), so characters outside the Basic Multilingual Plane and CRLF line ends need no care.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from .errors import MtnormError
from .findings import Edit


def _order(e: Edit) -> tuple[int, int]:
    # An insertion at p goes before an edit that starts at p.
    return (e.start, e.end)


def apply(text: str, edits: Iterable[Edit]) -> tuple[str, list[Edit]]:
    """Apply non-overlapping edits (spans of ``text``); return the new text and the edits, in
    text order, with their positions in the new text (``new_start``/``new_end``) filled in."""
    out: list[str] = []
    log: list[Edit] = []
    pos = 0
    shift = 0
    for e in sorted(edits, key=_order):
        if not 0 <= e.start <= e.end <= len(text):
            raise ValueError(f"edit {e.rule} has an invalid span {e.start}-{e.end}")
        if e.start < pos or (e.start == e.end and log and log[-1].start == log[-1].end == e.start):
            raise ValueError(f"overlapping edits at {e.start} (rule {e.rule})")
        if text[e.start : e.end] != e.before:
            raise ValueError(f"edit {e.rule} does not match the text at {e.start}")
        out.append(text[pos : e.start])
        out.append(e.after)
        new_start = e.start + shift
        log.append(replace(e, new_start=new_start, new_end=new_start + len(e.after),
                           merged=list(e.merged)))
        shift += len(e.after) - (e.end - e.start)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), log


def as_edits(log: Iterable[Edit | dict[str, Any]]) -> list[Edit]:
    """Edits from a log: ``Edit`` objects or the dicts of a JSON Lines log."""
    return [e if isinstance(e, Edit) else Edit.from_dict(e) for e in log]


def _with_new_positions(log: list[Edit]) -> list[Edit]:
    """Recompute ``new_start``/``new_end`` from the original spans (a log written without them)."""
    out, shift = [], 0
    for e in sorted(log, key=_order):
        out.append(replace(e, new_start=e.start + shift, new_end=e.start + shift + len(e.after)))
        shift += len(e.after) - (e.end - e.start)
    return out


def undo(text: str, log: Iterable[Edit | dict[str, Any]]) -> str:
    """Restore the original text from the normalized text and its edit log.

    Raises :class:`MtnormError` when the text no longer matches the log (it was changed since)."""
    edits = as_edits(log)
    if any(e.new_start < 0 or e.new_end < 0 for e in edits):
        edits = _with_new_positions(edits)
    out: list[str] = []
    pos = len(text)
    # From the end backwards; of two edits at the same new position, the later in the original
    # (a replacement after a deletion) is undone first.
    for e in sorted(edits, key=lambda e: (e.new_start, e.start), reverse=True):
        if not 0 <= e.new_start <= e.new_end <= pos or text[e.new_start : e.new_end] != e.after:
            raise MtnormError(
                f"cannot undo edit {e.rule} at {e.new_start}: the text there is "
                f"{text[e.new_start:e.new_end]!r}, the log says {e.after!r} (was the file changed since?)")
        out.append(text[e.new_end : pos])
        out.append(e.before)
        pos = e.new_start
    out.append(text[:pos])
    return "".join(reversed(out))
