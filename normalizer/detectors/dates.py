"""dates detector (placeholder: registered, finds nothing yet)."""

from __future__ import annotations

from . import register


@register("dates")
def detect(doc, rule, ctx):
    return []
