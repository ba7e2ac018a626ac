"""Suppression without touching the news text.

Two mechanisms, both keyed on a rule id plus a content hash of the sentence the finding is in
(never on line numbers, so that editing other paragraphs does not invalidate them):

- an **allowlist**: findings someone has judged acceptable, for good. A sidecar next to the
  article (``article.txt.mtnorm-allow``) or one project-wide file (``allowlist`` in the config).
  One entry per line, ``RULE-ID HASH``; ``#`` starts a comment (mtnorm writes the sentence
  there so a reviewer sees what was allowed)::

      fr-en.calque.confess  3f2a9c0d81b7e4aa  # The group confessed to the attack ...

  ``*`` as the rule id allows every rule in that sentence.
- a **baseline** (``mtnorm baseline`` writes it, ``mtnorm check --baseline FILE`` reads it):
  the findings that existed when the baseline was taken, per document, rule and sentence, with
  a count, so that only new findings fail.

Suppressed findings are neither reported nor fixed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .document import Document
from .errors import MtnormError
from .findings import Finding

ALLOW_SUFFIX = ".mtnorm-allow"
BASELINE_VERSION = 1
DEFAULT_BASELINE = ".mtnorm-baseline.json"
HASH_CHARS = 16


def sentence_of(doc: Document, finding: Finding) -> str:
    """The sentence holding the start of ``finding``, whitespace collapsed (so re-wrapping a
    paragraph keeps its hashes)."""
    span = doc.sentence_at(finding.start)
    text = doc.text[span.start : span.end]
    if not (span.start <= finding.start < max(span.end, span.start + 1)):
        text = doc.text[finding.start : finding.end]  # a finding between sentences: its own text
    return " ".join(text.split())


def sentence_hash(sentence: str) -> str:
    return hashlib.sha256(" ".join(sentence.split()).encode("utf-8")).hexdigest()[:HASH_CHARS]


def fingerprint(doc: Document, finding: Finding) -> str:
    """The content hash that identifies ``finding``'s sentence."""
    return sentence_hash(sentence_of(doc, finding))


# -- allowlist ------------------------------------------------------------------------------


@dataclass
class Allowlist:
    entries: frozenset[tuple[str, str]] = frozenset()  # (rule id or "*", sentence hash)

    def allows(self, rule: str, digest: str) -> bool:
        return (rule, digest) in self.entries or ("*", digest) in self.entries

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __or__(self, other: "Allowlist") -> "Allowlist":
        return Allowlist(self.entries | other.entries)

    @classmethod
    def parse(cls, text: str, name: str) -> "Allowlist":
        entries = set()
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or not all(c in "0123456789abcdef" for c in parts[1]):
                raise MtnormError(f"{name}:{n}: expected 'RULE-ID HASH' (see `mtnorm baseline "
                                  f"--sidecar`), got {raw.strip()!r}")
            entries.add((parts[0], parts[1]))
        return cls(frozenset(entries))

    @classmethod
    def load(cls, path: str | Path | None) -> "Allowlist":
        """The allowlist in ``path``; an empty one when there is no such file."""
        if path is None or not Path(path).is_file():
            return cls()
        try:
            return cls.parse(Path(path).read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise MtnormError(f"{path}: cannot read allowlist: {exc}") from None


def sidecar_path(path: str | Path) -> Path:
    return Path(f"{path}{ALLOW_SUFFIX}")


def allowlist_lines(doc: Document, findings: Iterable[Finding]) -> list[str]:
    """Allowlist entries for ``findings``, one per rule and sentence, the sentence as comment."""
    out = {}
    for f in findings:
        sentence = sentence_of(doc, f)
        excerpt = sentence if len(sentence) <= 100 else sentence[:99] + "…"
        out.setdefault((f.rule, sentence_hash(sentence)), excerpt)
    return [f"{rule}  {digest}  # {excerpt}" for (rule, digest), excerpt in out.items()]


def add_to_sidecar(path: str | Path, lines: list[str]) -> int:
    """Append the entries of ``lines`` not yet in the sidecar of ``path``; return how many."""
    side = sidecar_path(path)
    have = Allowlist.load(side).entries
    new = [ln for ln in lines if tuple(ln.split("#", 1)[0].split()) not in have]
    if new:
        existing = side.read_text(encoding="utf-8") if side.is_file() else ""
        if existing and not existing.endswith("\n"):
            existing += "\n"
        from .sources import write_atomic

        write_atomic(side, existing + "\n".join(new) + "\n")
    return len(new)


# -- baseline -------------------------------------------------------------------------------


def document_key(path: str, root: Path, record_id: str | None = None) -> str:
    """How a baseline names a document: a file's path relative to the baseline's folder (POSIX
    separators, so a baseline works on every platform), or one record of a JSON Lines corpus
    (``corpus.jsonl#ID``)."""
    if path in ("-", "<stdin>"):
        rel = "<stdin>"
    else:
        absolute = Path(os.path.abspath(path))
        try:
            rel = absolute.relative_to(Path(os.path.abspath(root))).as_posix()
        except ValueError:
            rel = absolute.as_posix()
    return rel if record_id is None else f"{rel}#{record_id}"


@dataclass
class Baseline:
    """Known findings: per document key, (rule, sentence hash) -> how many."""

    docs: dict[str, Counter] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)  # document keys are relative to this folder

    def key(self, path: str, record_id: str | None = None) -> str:
        return document_key(path, self.root, record_id)

    def for_document(self, key: str) -> Counter:
        """A copy: filtering a document consumes its counts."""
        return Counter(self.docs.get(key, ()))

    def __len__(self) -> int:
        return sum(sum(c.values()) for c in self.docs.values())

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MtnormError(f"{p}: no such baseline (write one with `mtnorm baseline`)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MtnormError(f"{p}: not a baseline file: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
            raise MtnormError(f"{p}: not an mtnorm baseline (version {BASELINE_VERSION} expected)")
        docs: dict[str, Counter] = {}
        try:
            for e in data.get("findings", []):
                known = docs.setdefault(str(e["path"]), Counter())
                known[(str(e["rule"]), str(e["sentence"]))] += int(e.get("count", 1))
        except (KeyError, TypeError, ValueError) as exc:
            raise MtnormError(f"{p}: malformed baseline entry: {exc}") from None
        return cls(docs, p.resolve().parent)

    def to_json(self) -> str:
        entries = [{"path": k, "rule": r, "sentence": d, "count": n}
                   for k in sorted(self.docs) for (r, d), n in sorted(self.docs[k].items())]
        return json.dumps({"version": BASELINE_VERSION, "tool": "mtnorm", "findings": entries},
                          ensure_ascii=False, indent=1) + "\n"

    def add(self, key: str, entries: Iterable[tuple[str, str]]) -> None:
        """Record findings of document ``key`` as (rule, sentence hash) pairs."""
        known = self.docs.setdefault(key, Counter())
        for rule, digest in entries:
            known[(rule, digest)] += 1


# -- applying both ----------------------------------------------------------------------------


@dataclass
class Suppressor:
    """Filters the findings of one document. Picklable, and stateless between documents, so
    worker processes can share it."""

    allowlist: Allowlist = field(default_factory=Allowlist)
    baseline: Baseline | None = None
    sidecars: bool = True  # read ``<file>.mtnorm-allow`` next to each file

    def filter(self, doc: Document, findings: list[Finding], *, path: str | None = None,
               key: str | None = None) -> list[Finding]:
        """The findings of ``doc`` that are neither allowed nor in the baseline. ``path`` is the
        file (for its sidecar), ``key`` the document's baseline key."""
        allow = self.allowlist
        if self.sidecars and path and path != "-":
            allow = allow | Allowlist.load(sidecar_path(path))
        known = self.baseline.for_document(key) if self.baseline is not None and key else Counter()
        if not allow and not known:
            return findings
        kept = []
        for f in findings:
            digest = fingerprint(doc, f)
            if allow.allows(f.rule, digest):
                continue
            if known[(f.rule, digest)] > 0:
                known[(f.rule, digest)] -= 1
                continue
            kept.append(f)
        return kept
