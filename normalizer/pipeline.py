"""The Normalizer: runs the stages in order over one Document.

    text -> Document -> repair -> language -> detectors -> rewrite -> apply -> Result

Building a Normalizer loads and compiles the rule files (once per process); the embedding
model is only loaded when a stage asks it about a candidate.
"""

from __future__ import annotations

from typing import Any, Callable

from . import detect, language, repair, rewrite
from .context import RunContext
from .document import Document
from .findings import Finding, Result
from .options import Options
from .ruleset import RuleSet, load_rules

_INDEX_CACHE: dict[tuple, detect.RuleIndex] = {}


class Normalizer:
    def __init__(self, options: Options | None = None, ruleset: RuleSet | None = None, **overrides: Any):
        self.options = Options.make(options, **overrides) if overrides or options is None else options
        o = self.options
        full = ruleset or load_rules(o.rule_dirs, builtin=o.builtin_rules)
        self.ruleset = full.select(disabled=o.disabled, enabled=o.enabled,
                                   source_languages=o.source_languages)
        key = (full.digest, tuple(o.disabled), tuple(o.enabled or ()), tuple(o.source_languages or ()),
               tuple(str(p) for p in o.rule_dirs))
        if key not in _INDEX_CACHE:
            _INDEX_CACHE[key] = detect.RuleIndex(self.ruleset)
        self.index = _INDEX_CACHE[key]

    def context(self, reference: str | Document | None = None) -> RunContext:
        ref = None
        if reference is not None:
            ref = reference if isinstance(reference, Document) else Document.from_text(reference)
        return RunContext(self.options, reference=ref)

    def analyze(self, text: str, path: str | None = None, reference: str | Document | None = None,
                ctx: RunContext | None = None) -> tuple[Document, RunContext, str | None]:
        """Run repair, language and detectors; return the document with its findings."""
        ctx = ctx or self.context(reference)
        doc = Document.from_text(text, path)
        repair.run(doc, self.index, ctx)
        skipped = language.run(doc, ctx)
        if skipped:
            doc.findings = [f for f in doc.findings if f.category == "encoding"]
        else:
            detect.run_detectors(doc, self.index, ctx, exclude=repair.REPAIR_CATEGORIES)
            detect.run_rules(doc, self.index, ctx, exclude=repair.REPAIR_CATEGORIES)
        doc.findings = _dedupe(doc.findings)
        return doc, ctx, skipped

    def check(self, text: str, path: str | None = None, reference: str | Document | None = None) -> list[Finding]:
        return self.analyze(text, path, reference)[0].findings

    def normalize(self, text: str, path: str | None = None, reference: str | Document | None = None,
                  level: str | None = None,
                  suppress: Callable[[Document, list[Finding]], list[Finding]] | None = None) -> Result:
        doc, ctx, skipped = self.analyze(text, path, reference)
        if suppress is not None:  # allowlist / baseline (suppress.py): neither reported nor fixed
            doc.findings = suppress(doc, doc.findings)

        def again(fixed: str) -> tuple[Document, RunContext]:  # a fix may reveal another artifact
            d, c, _ = self.analyze(fixed, path, reference)
            if suppress is not None:
                d.findings = suppress(d, d.findings)
            return d, c

        new_text, log = rewrite.settle(doc, ctx, level or self.options.level, again,
                                       rules=self.index.rules_by_id)
        return Result(text=new_text, original=text, findings=doc.findings, edits=log,
                      language=doc.language, skipped=skipped)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (rule, span), in text order."""
    seen = set()
    out = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
        key = (f.rule, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
