"""Hatchling build hook: compile normalizer/_wordscan.c, the duplication detector's optional C
speed-up, with the platform's C compiler.

The module is optional (as MarkupSafe's speed-ups are): when it cannot be built (no compiler,
Windows, CC=/bin/false) the hook warns and the wheel stays pure Python, whose fallback finds
the same things, only slower. Set MTNORM_NO_EXTENSION=1 to skip the build.

- a wheel: the module is compiled in a temporary directory and put in the wheel, which is then
  tagged for this interpreter and platform (and only then);
- an editable install (``pip install -e .``): the package is imported from the source tree,
  so the module is compiled next to its source, in normalizer/ (git-ignored).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("normalizer") / "_wordscan.c"


def _compile_command(source: Path, target: Path) -> list[str] | None:
    """The compiler's command line, or None when this platform has no usable C compiler."""
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC")
    if not cc or sys.platform == "win32":
        return None
    flags = ["-O2", "-shared", "-fPIC"]
    if sys.platform == "darwin":
        flags += ["-undefined", "dynamic_lookup"]  # the interpreter provides Python's symbols
    return [*shlex.split(cc), *flags, "-I", sysconfig.get_paths()["include"], str(source), "-o", str(target)]


def build_extension(source: Path, target: Path) -> str | None:
    """Compile ``source`` into ``target``; None when it worked, else why not."""
    if os.environ.get("MTNORM_NO_EXTENSION", "") not in ("", "0"):
        return "MTNORM_NO_EXTENSION is set"
    command = _compile_command(source, target)
    if command is None:
        return "no C compiler configured for this platform"
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except OSError as exc:
        return f"{command[0]}: {exc}"
    if done.returncode or not target.exists():
        return f"{shlex.join(command)} failed: {done.stderr.strip() or done.returncode}"
    return None


class WordscanBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        name = "_wordscan" + sysconfig.get_config_var("EXT_SUFFIX")
        root = Path(self.root)
        if version == "editable":
            target = root / "normalizer" / name
            target.unlink(missing_ok=True)  # a module built from an older source must not stay
        else:
            self._tmp = tempfile.mkdtemp(prefix="mtnorm-wordscan-")
            target = Path(self._tmp) / name
        failure = build_extension(root / SOURCE, target)
        if failure:
            warnings.warn(f"mtnorm: building the optional C module normalizer._wordscan failed "
                          f"({failure}); the pure-Python fallback will be used", stacklevel=1)
            return
        if version != "editable":
            build_data["force_include"][str(target)] = f"normalizer/{name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if getattr(self, "_tmp", None):
            shutil.rmtree(self._tmp, ignore_errors=True)
