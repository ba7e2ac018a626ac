"""What a stage receives besides the document: options, the (lazy) model, the reference, and
one helper to build findings the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .findings import Finding
from .options import Options

if TYPE_CHECKING:  # imported lazily at run time: the model must not load unless asked
    from .confirm import PrototypeStore
    from .document import Document
    from .embeddings import CachedEncoder
    from .ruleset import Rule

# Categories whose fixes are mechanical and safe to apply without a model.
SAFE_CATEGORIES = {"encoding", "typography", "boilerplate"}
# Rewrites that change wording: the meaning check guards them.
SEMANTIC_CATEGORIES = {"calque", "pronoun", "duplication", "reference-mismatch"}
STANDARD_MIN_CONFIDENCE = 0.5


@dataclass
class RunContext:
    options: Options
    reference: "Document | None" = None
    _encoder: "CachedEncoder | None" = field(default=None, repr=False)
    _prototypes: "PrototypeStore | None" = field(default=None, repr=False)
    model_error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)  # counters stages keep (e.g. demotions)

    @property
    def encoder(self) -> "CachedEncoder | None":
        """The embedding model, or None when disabled. Creating it loads nothing: the backend
        loads on the first ``encode`` call."""
        if not self.options.use_model or self.model_error:
            return None
        if self._encoder is None:
            from .embeddings import get_encoder

            self._encoder = get_encoder(self.options.backend)
        return self._encoder

    def encode(self, texts: list[str]):
        """Encode, or return None (and remember why) when the model is unavailable."""
        enc = self.encoder
        if enc is None:
            return None
        try:
            return enc.encode(texts)
        except Exception as exc:  # EncoderUnavailable or a broken install: degrade, don't die
            self.model_error = str(exc)
            return None

    @property
    def prototypes(self) -> "PrototypeStore":
        if self._prototypes is None:
            from .confirm import PrototypeStore

            self._prototypes = PrototypeStore(self)
        return self._prototypes


def default_level(category: str, confidence: float) -> str:
    if category in SAFE_CATEGORIES:
        return "safe"
    return "standard" if confidence >= STANDARD_MIN_CONFIDENCE else "aggressive"


def make_finding(doc: "Document", rule: "Rule", start: int, end: int, suggestions: list[str],
                 *, confidence: float | None = None, message: str | None = None,
                 level: str | None = None, data: dict[str, Any] | None = None) -> Finding:
    """Build a finding for ``rule`` over ``doc.text[start:end]`` (the one place that does)."""
    conf = rule.confidence if confidence is None else max(0.0, min(1.0, confidence))
    return Finding(
        rule=rule.id,
        category=rule.category,
        start=start,
        end=end,
        text=doc.text[start:end],
        message=message or rule.message,
        severity=rule.severity,
        confidence=conf,
        suggestions=[s for s in dict.fromkeys(suggestions) if s != doc.text[start:end]],
        level=level or rule.level or default_level(rule.category, conf),
        data=dict(data or {}),
    )
