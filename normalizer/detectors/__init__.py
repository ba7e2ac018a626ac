"""Structural detectors: artifacts no word list catches.

Each module registers one detector function ``detect(doc, rule, ctx) -> Iterable[Finding]``.
A ``kind: detector`` rule in rules/ names the detector and carries its settings (thresholds,
word lists) and examples, so tuning a detector never needs Python.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..context import RunContext
from ..document import Document
from ..findings import Finding
from ..ruleset import Rule

Detector = Callable[[Document, Rule, RunContext], Iterable[Finding]]
REGISTRY: dict[str, Detector] = {}


def register(name: str) -> Callable[[Detector], Detector]:
    def deco(fn: Detector) -> Detector:
        REGISTRY[name] = fn
        return fn

    return deco


# Importing the modules registers their detectors.
from . import (  # noqa: E402,F401
    boilerplate,
    dates,
    duplication,
    encoding,
    pronoun,
    reference,
    untranslated,
)
