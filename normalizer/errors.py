"""Errors are types that carry where things went wrong; the CLI turns them into one line + exit 2."""

from __future__ import annotations


class MtnormError(Exception):
    """Base class: ``str(err)`` is the one-line message shown to the user."""


class InputError(MtnormError):
    """A document that cannot be read as text (binary, invalid UTF-8, empty, missing...)."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = path
        self.line = line
        self.reason = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class RuleError(MtnormError):
    """A rule file that does not load or validate; names the file, the rule and the field."""

    def __init__(self, path: str, message: str, rule: str | None = None, field: str | None = None):
        self.path = path
        self.rule = rule
        self.field = field
        parts = [str(path)]
        if rule:
            parts.append(f"rule {rule!r}")
        if field:
            parts.append(f"field {field!r}")
        super().__init__(": ".join(parts) + f": {message}")
