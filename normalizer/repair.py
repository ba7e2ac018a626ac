"""The repair stage: encoding damage (ftfy) and French typography.

Both are mechanical and safe: they run first, their findings are fixable at ``--level safe``,
and they are the only findings kept for a document the language stage then skips (typography
only when the document is English: French spacing is correct French).
"""

from __future__ import annotations

from .detect import RuleIndex, run_detectors, run_rules

REPAIR_CATEGORIES = {"encoding", "typography"}


def run(doc, index: RuleIndex, ctx) -> None:
    run_detectors(doc, index, ctx, categories=REPAIR_CATEGORIES)
    run_rules(doc, index, ctx, categories=REPAIR_CATEGORIES)
