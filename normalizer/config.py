"""Configuration: ``[tool.mtnorm]`` in pyproject.toml or a ``.mtnorm.toml``, found upward from
the file being checked (from the working directory for standard input); command-line flags
override it. This module is the one place configuration is read.

    [tool.mtnorm]
    level = "standard"            # safe | standard | aggressive
    fail-on = "warning"
    disable = ["fr-en.calque.important"]
    select = ["common", "fr-en"]  # only these rule ids / prefixes
    rules = ["house-rules/"]      # extra rule directories, relative to the config file
    source-languages = ["fr"]
    use-model = true
    exclude = ["drafts/", "*.draft.txt"]   # relative to the config file; named files too
    allowlist = ".mtnorm-allow"   # project-wide allowlist (see normalizer/suppress.py)
    baseline = ".mtnorm-baseline.json"   # used by `check` when it exists

In a ``.mtnorm.toml`` the same keys sit at the top level (no table header).
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import MtnormError
from .options import Options

# Config key -> Options field.
_KEYS = {
    "level": "level", "fail-on": "fail_on", "disable": "disabled", "select": "enabled",
    "rules": "rule_dirs", "source-languages": "source_languages", "use-model": "use_model",
    "backend": "backend", "meaning-check": "meaning_check", "languages": "languages",
}
# Keys that configure the command line rather than the Normalizer.
CONFIG_ONLY = {"exclude", "allowlist", "baseline"}
_LIST_KEYS = {"disable", "select", "rules", "source-languages", "languages", "exclude"}
_PATH_KEYS = {"allowlist", "baseline"}
# mtnorm's own files are never checked as articles, even when a hook passes them by name.
BUILTIN_EXCLUDES = ("*.mtnorm-allow", ".mtnorm-baseline.json", ".mtnorm.toml")
CONFIG_NAMES = (".mtnorm.toml", "pyproject.toml")


@dataclass
class ProjectConfig:
    """Everything configuration decides for one input: the Normalizer options plus the
    command-line settings (excludes, allowlist, baseline), with paths already resolved."""

    path: Path | None  # the config file, or None when there is none
    options: Options
    exclude: tuple[str, ...] = ()
    allowlist: Path | None = None
    baseline: Path | None = None

    @property
    def root(self) -> Path:
        """Where relative paths in the config (and exclude patterns) start."""
        return self.path.parent if self.path else Path.cwd()

    def excludes(self, path: str | Path) -> bool:
        return is_excluded(path, self.exclude, self.root)


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest .mtnorm.toml or pyproject.toml with a [tool.mtnorm] table, looking in
    ``start`` and then upward."""
    start = Path(start).resolve()
    for d in [start, *start.parents]:
        for name in CONFIG_NAMES:
            p = d / name
            if not p.is_file():
                continue
            try:
                data = tomllib.loads(p.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise MtnormError(f"{p}: invalid TOML: {exc}") from None
            table = data if name == ".mtnorm.toml" else data.get("tool", {}).get("mtnorm")
            if table is not None:
                return p, table
    return None


def _checked(path: Path, key: str, val: Any) -> Any:
    """Reject values of the wrong shape with a message naming the file and the key (a string
    where a list is expected would otherwise be read as a list of characters)."""
    if key in _LIST_KEYS and not (isinstance(val, list) and all(isinstance(v, str) for v in val)):
        raise MtnormError(f"{path}: [tool.mtnorm] {key} must be a list of strings, not {val!r}")
    if key in _PATH_KEYS and not isinstance(val, str):
        raise MtnormError(f"{path}: [tool.mtnorm] {key} must be a path (a string), not {val!r}")
    return val


def load_project(start: Path, **overrides: Any) -> ProjectConfig:
    """The configuration that applies in directory ``start``, with ``overrides`` (command-line
    flags; None values are ignored) taking precedence over the file."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    found = find_config(start)
    path = None
    if found:
        path, table = found
        for key, val in table.items():
            if key not in _KEYS and key not in CONFIG_ONLY:
                raise MtnormError(f"{path}: unknown [tool.mtnorm] key {key!r}; known: "
                                  f"{', '.join(sorted(set(_KEYS) | CONFIG_ONLY))}")
            val = _checked(path, key, val)
            if key in CONFIG_ONLY:
                extra[key] = val
            else:
                values[_KEYS[key]] = val
        if "rule_dirs" in values:
            values["rule_dirs"] = [path.parent / p for p in values["rule_dirs"]]
        try:  # validate the file's values on their own, so that an error names the file
            Options.make(**values)
        except (MtnormError, TypeError) as exc:
            raise MtnormError(f"{path}: [tool.mtnorm]: {exc}") from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        options = Options.make(**values)
    except TypeError as exc:
        raise MtnormError(str(exc)) from None
    root = path.parent if path else Path.cwd()
    return ProjectConfig(
        path=path,
        options=options,
        exclude=tuple(extra.get("exclude", ())),
        allowlist=root / extra["allowlist"] if "allowlist" in extra else None,
        baseline=root / extra["baseline"] if "baseline" in extra else None,
    )


def load_config(start: Path, **overrides: Any) -> Options:
    """The Normalizer options that apply in directory ``start``."""
    return load_project(start, **overrides).options


def config_excludes(start: Path) -> list[str]:
    found = find_config(start)
    return list(found[1].get("exclude", [])) if found else []


def is_excluded(path: str | Path, patterns: tuple[str, ...] | list[str], root: Path) -> bool:
    """True when ``path`` matches an exclude pattern or one of mtnorm's own file names.

    A pattern matches the file name, the path relative to ``root``, or any folder on that
    relative path (so ``drafts`` and ``drafts/`` exclude everything under drafts/)."""
    p = Path(path)
    if any(fnmatch.fnmatch(p.name, pat) for pat in BUILTIN_EXCLUDES):
        return True
    if not patterns:
        return False
    try:
        rel = PurePosixPath(Path(os.path.abspath(p)).relative_to(Path(os.path.abspath(root))).as_posix())
    except ValueError:  # outside the project: only the name and the path as given can match
        rel = PurePosixPath(p.as_posix())
    folders = [str(PurePosixPath(*rel.parts[:i])) for i in range(1, len(rel.parts))]
    candidates = [p.name, str(rel), *folders]
    for pat in patterns:
        pat = pat.rstrip("/") or pat
        if any(fnmatch.fnmatch(c, pat) for c in candidates):
            return True
    return False


class ConfigResolver:
    """The configuration of each input, found upward from the input's own folder, so that one
    run over several projects applies each project's settings. Lookups are cached per folder."""

    def __init__(self, **overrides: Any):
        self.overrides = {k: v for k, v in overrides.items() if v is not None}
        self._by_dir: dict[Path, ProjectConfig] = {}
        self._by_file: dict[Path | None, ProjectConfig] = {}

    def for_path(self, path: str | Path) -> ProjectConfig:
        folder = Path.cwd() if str(path) == "-" else Path(os.path.abspath(path)).parent
        if folder not in self._by_dir:
            found = find_config(folder)
            key = found[0] if found else None
            if key not in self._by_file:  # one ProjectConfig (one Options) per config file
                self._by_file[key] = load_project(folder, **self.overrides)
            self._by_dir[folder] = self._by_file[key]
        return self._by_dir[folder]
