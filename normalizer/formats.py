"""Renderers: text (one line per finding, like ruff), json, jsonl, github annotations, diff."""

from __future__ import annotations

import bisect
import difflib
import json
from dataclasses import dataclass, field

from .findings import SCHEMA_VERSION, Finding

FORMATS = ("text", "json", "jsonl", "github")


@dataclass
class FileReport:
    path: str
    text: str
    findings: list[Finding]
    language: str | None = None
    skipped: str | None = None
    extra: dict = field(default_factory=dict)


class LineIndex:
    """Offset -> (line, column), both 1-based, columns in code points."""

    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def _short(s: str, n: int = 60) -> str:
    s = s.replace("\n", "⏎")
    return s if len(s) <= n else s[: n - 1] + "…"


def render_text(reports: list[FileReport]) -> str:
    lines = []
    for rep in reports:
        idx = LineIndex(rep.text)
        if rep.skipped:
            lines.append(f"{rep.path}: skipped: {rep.skipped}")
        for f in rep.findings:
            line, col = idx.position(f.start)
            fix = f" -> {_short(f.suggestions[0])!r}" if f.suggestions else ""
            lines.append(f"{rep.path}:{line}:{col}: {f.rule} [{f.category}] {f.message.strip()} "
                         f"{_short(f.text)!r}{fix} ({f.severity}, {f.confidence:.2f})")
    n = sum(len(r.findings) for r in reports)
    lines.append(f"Found {n} finding{'s' if n != 1 else ''} in {len(reports)} file{'s' if len(reports) != 1 else ''}.")
    return "\n".join(lines)


def report_dict(rep: FileReport) -> dict:
    d = {"path": rep.path, "language": rep.language, "findings": [f.to_dict() for f in rep.findings]}
    if rep.skipped:
        d["skipped"] = rep.skipped
    d.update(rep.extra)
    return d


def render_json(reports: list[FileReport]) -> str:
    return json.dumps({"version": SCHEMA_VERSION, "files": [report_dict(r) for r in reports]},
                      ensure_ascii=False, indent=2)


def render_jsonl(reports: list[FileReport]) -> str:
    out = []
    for rep in reports:
        for f in rep.findings:
            out.append(json.dumps({"path": rep.path, **f.to_dict()}, ensure_ascii=False))
    return "\n".join(out)


def _gh_escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(reports: list[FileReport]) -> str:
    out = []
    level = {"info": "notice", "warning": "warning", "error": "error"}
    for rep in reports:
        idx = LineIndex(rep.text)
        for f in rep.findings:
            line, col = idx.position(f.start)
            end_line, end_col = idx.position(max(f.start, f.end - 1))
            out.append(f"::{level[f.severity]} file={rep.path},line={line},col={col},endLine={end_line},"
                       f"endColumn={end_col + 1},title={f.rule}::{_gh_escape(f.message.strip())}")
    return "\n".join(out)


RENDERERS = {"text": render_text, "json": render_json, "jsonl": render_jsonl, "github": render_github}


def unified_diff(before: str, after: str, path: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))
