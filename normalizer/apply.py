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


# -- composing two passes ---------------------------------------------------------------------

def _conflict(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Do two spans of one text touch the same characters (an insertion conflicts with a span
    strictly around it, or with another insertion at the same place)?"""
    if a[0] == a[1] and b[0] == b[1]:
        return a[0] == b[0]
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def compose(original: str, first: list[Edit], second: list[Edit]) -> list[Edit]:
    """One log over ``original`` equivalent to ``first`` (over ``original``) followed by
    ``second`` (over the text ``first`` made). Edits of the two passes that touch the same
    characters merge into one edit, named after the first pass's rule with the others in
    ``merged``; the rest keep their own rule."""
    mid_text, first = apply(original, first)
    final_text, second = apply(mid_text, second)
    # spans in the intermediate text, with the pass they come from
    items = [(e.new_start, e.new_end, 0, e) for e in first] + [(e.start, e.end, 1, e) for e in second]
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[j][0] > items[i][1]:
                break
            if items[i][2] != items[j][2] and _conflict(items[i][:2], items[j][:2]):
                parent[root(j)] = root(i)
    clusters: dict[int, list] = {}
    for i, it in enumerate(items):
        clusters.setdefault(root(i), []).append(it)
    spans: list[list] = []  # [start, end in the original, start, end in the final text, edits]
    for members in clusters.values():
        lo, hi = min(m[0] for m in members), max(m[1] for m in members)
        ones = [m[3] for m in members if m[2] == 0]  # this cluster's first-pass edits
        twos = [m[3] for m in members if m[2] == 1]
        # Original span: from the first-pass edits at its ends, stretched over the unchanged
        # text the second pass took along; without any, shifted by the first-pass edits before
        # it (a deletion where it starts counts as before).
        if ones:
            left = min(ones, key=lambda e: (e.new_start, e.start))
            right = max(ones, key=lambda e: (e.new_end, e.end))
            s0, e0 = left.start - (left.new_start - lo), right.end + (hi - right.new_end)
        else:
            s0 = lo - sum(len(e.after) - (e.end - e.start) for e in first if e.new_end <= lo)
            e0 = s0 + (hi - lo)
        # Final span: the same from the second-pass edits.
        if twos:
            left = min(twos, key=lambda e: (e.start, e.new_start))
            right = max(twos, key=lambda e: (e.end, e.new_end))
            s2, e2 = left.new_start - (left.start - lo), right.new_end + (hi - right.end)
        else:
            s2 = lo + sum(len(e.after) - (e.end - e.start) for e in second if e.end <= lo)
            e2 = s2 + (hi - lo)
        # named after the widest edit (a line deletion over the space fix it swallowed), the
        # first pass's on a tie
        heads = [m[3] for m in sorted(members, key=lambda m: (m[0] - m[1], m[2], m[0]))]
        spans.append([s0, e0, s2, e2, heads])
    # Two insertions at one place of the original (one from each pass) become one.
    spans.sort(key=lambda x: (x[0], x[1], x[2]))
    joined: list[list] = []
    for sp in spans:
        prev = joined[-1] if joined else None
        if prev and prev[0] == prev[1] == sp[0] == sp[1]:
            prev[3], prev[4] = sp[3], prev[4] + sp[4]
        else:
            joined.append(sp)
    out: list[Edit] = []
    for s0, e0, s2, e2, heads in joined:
        head, rest = heads[0], heads[1:]
        merged = list(head.merged) + [r for e in rest for r in [e.rule, *e.merged]]
        if original[s0:e0] != final_text[s2:e2]:
            out.append(Edit(head.rule, head.category, s0, e0, original[s0:e0], final_text[s2:e2],
                            merged=merged))
    text, log = apply(original, out)
    if text != final_text:  # cannot happen if the passes were valid: refuse rather than lie
        raise ValueError("composed edits do not reproduce the second pass")
    return log
