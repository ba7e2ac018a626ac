"""Reading inputs as text, with errors that say exactly what is wrong and where, and writing
outputs atomically (a crash never leaves a half-written file)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".text", ".news", ""}


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 only, no NUL bytes, not empty."""
    if not data.strip():
        raise InputError(name, "empty file (nothing to check)")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(name, f"binary file (NUL byte at byte offset {nul}); mtnorm reads UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(name, f"invalid UTF-8 at byte offset {exc.start} "
                               f"(byte 0x{data[exc.start]:02x}): {exc.reason}", line=line) from None


def read_text(path: str | Path) -> str:
    """Read a document; ``-`` reads standard input."""
    if str(path) == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "no such file")
    if p.is_dir():
        raise InputError(str(path), "is a directory")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    return decode(data, str(path))


def expand_paths(paths: list[str], exclude: list[str] | None = None) -> Iterator[str]:
    """Files named, files under directories (text files only, sorted), and ``-``. Glob patterns
    are expanded; excluded patterns (fnmatch on the path) are skipped."""
    import fnmatch
    import glob

    exclude = exclude or []

    def excluded(p: str) -> bool:
        return any(fnmatch.fnmatch(p, pat) or fnmatch.fnmatch(Path(p).name, pat) for pat in exclude)

    for raw in paths:
        if raw == "-":
            yield raw
            continue
        matches = sorted(glob.glob(raw, recursive=True)) if any(c in raw for c in "*?[") else [raw]
        if not matches:
            yield raw  # reported as missing by read_text
        for m in matches:
            p = Path(m)
            if p.is_dir():
                for f in _walk_text_files(p):
                    if not excluded(str(f)):
                        yield str(f)
            elif not excluded(m):
                yield m


def _walk_text_files(root: Path) -> list[Path]:
    """Text files under ``root``, sorted, skipping hidden files and folders; folders that vanish
    or cannot be read while walking are passed over."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: None):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            f = Path(dirpath) / name
            if not name.startswith(".") and f.suffix.lower() in TEXT_SUFFIXES:
                out.append(f)
    return sorted(out)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and a rename."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".mtnorm-tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, p.stat().st_mode & 0o7777)
        except OSError:
            pass
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
