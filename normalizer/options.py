"""Options for one run, and the context object stages receive besides the document."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import MtnormError
from .findings import LEVELS, SEVERITIES


@dataclass
class Options:
    level: str = "standard"  # safe | standard | aggressive: which findings `fix` applies
    use_model: bool = True  # confirm candidates with the embedding model
    backend: str = "auto"  # onnx | sentence-transformers | auto
    rule_dirs: list[Path] = field(default_factory=list)  # extra rule directories or files
    builtin_rules: bool = True
    disabled: list[str] = field(default_factory=list)  # rule ids or id prefixes
    enabled: list[str] | None = None  # only these ids / prefixes, when given
    source_languages: list[str] | None = None
    meaning_check: bool = True  # demote semantic rewrites that drift in meaning
    # Min cosine between the sentence before and after a rewrite. A calque fix replaces a
    # wrong-sense word, so it moves the sentence by design: on the fr-en lexicon's own fire
    # examples 35 of 283 correct fixes score below 0.80 (median 0.89), while unrelated
    # rewrites score 0.3-0.5; 0.65 keeps the guard and lets real fixes through.
    meaning_threshold: float = 0.65
    fail_on: str = "warning"
    languages: list[str] = field(default_factory=lambda: ["en"])  # document languages to check

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise MtnormError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.fail_on not in SEVERITIES:
            raise MtnormError(f"fail-on must be one of {', '.join(SEVERITIES)}, not {self.fail_on!r}")
        self.rule_dirs = [Path(p) for p in self.rule_dirs]

    @classmethod
    def make(cls, base: "Options | None" = None, **overrides: Any) -> "Options":
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
        opts = replace(base, **overrides) if base else cls(**overrides)
        opts.__post_init__()
        return opts
