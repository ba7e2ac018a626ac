"""pronoun detector (placeholder: registered, finds nothing yet)."""

from __future__ import annotations

from . import register


@register("pronoun")
def detect(doc, rule, ctx):
    return []
