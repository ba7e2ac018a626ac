"""Configuration: ``[tool.mtnorm]`` in pyproject.toml or a ``.mtnorm.toml``, found upward from
the working directory; command-line flags override it.

    [tool.mtnorm]
    level = "standard"            # safe | standard | aggressive
    fail-on = "warning"
    disable = ["fr-en.calque.important"]
    select = ["common", "fr-en"]  # only these rule ids / prefixes
    rules = ["house-rules/"]      # extra rule directories, relative to the config file
    source-languages = ["fr"]
    use-model = true
    exclude = ["drafts/*"]
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .errors import MtnormError
from .options import Options

_KEYS = {
    "level": "level", "fail-on": "fail_on", "disable": "disabled", "select": "enabled",
    "rules": "rule_dirs", "source-languages": "source_languages", "use-model": "use_model",
    "backend": "backend", "meaning-check": "meaning_check", "languages": "languages",
}
CONFIG_ONLY = {"exclude"}


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest .mtnorm.toml or pyproject.toml with a [tool.mtnorm] table."""
    for d in [start, *start.resolve().parents]:
        for name in (".mtnorm.toml", "pyproject.toml"):
            p = d / name
            if not p.is_file():
                continue
            try:
                data = tomllib.loads(p.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise MtnormError(f"{p}: invalid TOML: {exc}") from None
            table = data if name == ".mtnorm.toml" else data.get("tool", {}).get("mtnorm")
            if table is not None:
                return p, table
    return None


def load_config(start: Path, **overrides: Any) -> Options:
    values: dict[str, Any] = {}
    found = find_config(start)
    if found:
        path, table = found
        for key, val in table.items():
            if key in CONFIG_ONLY:
                continue
            if key not in _KEYS:
                raise MtnormError(f"{path}: unknown [tool.mtnorm] key {key!r}; known: "
                                  f"{', '.join(sorted(set(_KEYS) | CONFIG_ONLY))}")
            values[_KEYS[key]] = val
        if "rule_dirs" in values:
            values["rule_dirs"] = [path.parent / p for p in values["rule_dirs"]]
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Options.make(**values)
    except TypeError as exc:
        raise MtnormError(str(exc)) from None


def config_excludes(start: Path) -> list[str]:
    found = find_config(start)
    return list(found[1].get("exclude", [])) if found else []
