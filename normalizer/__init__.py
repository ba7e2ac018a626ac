"""mtnorm: find machine-translation artifacts in English news text and normalize them.

    >>> import normalizer
    >>> normalizer.fix("The group confessed to the attack on Monday.")
    'The group claimed responsibility for the attack on Monday.'

``check`` returns findings, ``normalize`` returns a :class:`Result` (text, findings, edits),
``fix`` returns the normalized text, ``undo`` restores the original from a result's edit log.
"""

from __future__ import annotations

from typing import Any

from .apply import undo
from .errors import InputError, MtnormError, RuleError
from .findings import Edit, Finding, Result
from .options import Options
from .pipeline import Normalizer

__all__ = ["check", "normalize", "fix", "undo", "Normalizer", "Options", "Finding", "Edit",
           "Result", "MtnormError", "InputError", "RuleError"]
__version__ = "0.1.0"

_DEFAULT: dict[tuple, Normalizer] = {}


def _normalizer(options: dict[str, Any]) -> Normalizer:
    per_call = {"reference", "path", "level"}
    key = tuple(sorted((k, repr(v)) for k, v in options.items() if k not in per_call))
    if key not in _DEFAULT:
        _DEFAULT[key] = Normalizer(**{k: v for k, v in options.items() if k not in per_call})
    return _DEFAULT[key]


def check(text: str, **options: Any) -> list[Finding]:
    """Findings for ``text``. Options: those of :class:`Options`, plus ``reference`` (another
    report of the same story) and ``path`` (shown in messages)."""
    return _normalizer(options).check(text, path=options.get("path"), reference=options.get("reference"))


def normalize(text: str, **options: Any) -> Result:
    """Findings, the normalized text and the edit log for ``text``."""
    return _normalizer(options).normalize(text, path=options.get("path"),
                                          reference=options.get("reference"), level=options.get("level"))


def fix(text: str, **options: Any) -> str:
    """The normalized text."""
    return normalize(text, **options).text
