"""The types every stage shares: findings, edits and the result of a run.

Offsets are Python ``str`` indices (code points) into the ORIGINAL text as read, so that
``original[f.start:f.end] == f.text`` always holds. These dataclasses are the output contract
(``--format json``); the field names are stable, so change them only with ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1

CATEGORIES = (
    "encoding",
    "typography",
    "duplication",
    "pronoun",
    "calque",
    "date-format",
    "number-format",
    "boilerplate",
    "untranslated",
    "reference-mismatch",
)
SEVERITIES = ("info", "warning", "error")
# Fix levels, least to most intrusive. A finding's level is the lowest level at which
# `mtnorm fix` applies its best suggestion.
LEVELS = ("safe", "standard", "aggressive")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def level_rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass
class Finding:
    """One artifact: where it is, what it is, why, and how to fix it."""

    rule: str
    category: str
    start: int
    end: int
    text: str
    message: str
    severity: str = "warning"
    confidence: float = 1.0
    suggestions: list[str] = field(default_factory=list)
    level: str = "standard"
    # Detector-specific facts worth showing (detected language, earlier occurrence, ...).
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["confidence"] = round(float(self.confidence), 4)
        if not d["data"]:
            del d["data"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass
class Edit:
    """One applied change. ``start``/``end`` index the original text, ``new_start``/``new_end``
    the normalized text; with ``before`` and ``after`` that is enough to undo it exactly."""

    rule: str
    category: str
    start: int
    end: int
    before: str
    after: str
    new_start: int = -1
    new_end: int = -1
    # Rules whose fixes, nested inside this edit's span, were composed into ``after``.
    merged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if not d["merged"]:
            del d["merged"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Edit":
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


@dataclass
class Result:
    """What `normalize()` returns: the normalized text plus everything needed to explain it."""

    text: str
    original: str
    findings: list[Finding]
    edits: list[Edit]
    language: str | None = None
    # Why detection was skipped (e.g. the document is not English), or None.
    skipped: str | None = None

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "skipped": self.skipped,
            "findings": [f.to_dict() for f in self.findings],
            "edits": [e.to_dict() for e in self.edits],
        }
