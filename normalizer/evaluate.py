"""`mtnorm eval`: score the pipeline against gold annotations (the format of seeds/*.yaml).

Per document: detection recall by tier (an artifact is found when a finding overlaps it),
precision (a finding that overlaps neither an artifact nor a neutral region is a false
positive), fix rate (in the normalized text the artifact's text is gone and an accepted form
stands in its place; quotes, ellipses and spaces folded), and the share of characters changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .findings import Edit, Finding
from .sources import read_text

_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def fold(s: str) -> str:
    s = s.translate(_FOLD).replace("…", "...")
    return re.sub(r"\s+", " ", s).strip()


@dataclass
class Located:
    item: dict
    start: int
    end: int


def _locate(text: str, item: dict, gold_path: str) -> Located:
    needle = item["text"]
    occ = int(item.get("occurrence", 1))
    pos = -1
    for _ in range(occ):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise InputError(gold_path, f"gold text not found in the document: {needle!r}")
    return Located(item, pos, pos + len(needle))


def map_span(start: int, end: int, edits: list[Edit]) -> tuple[int, int]:
    """Where [start, end) of the original ended up in the normalized text."""
    shift_lo = shift_hi = 0
    new_lo = new_hi = None
    for e in sorted(edits, key=lambda e: e.start):
        delta = len(e.after) - (e.end - e.start)
        if e.end <= start:
            shift_lo += delta
        elif e.start < start < e.end or (e.start == start and e.end > start):
            new_lo = e.new_start if new_lo is None else new_lo
        if e.end <= end:
            shift_hi += delta
        elif e.start < end < e.end:
            new_hi = e.new_end
    lo = start + shift_lo if new_lo is None else new_lo
    hi = end + shift_hi if new_hi is None else new_hi
    return lo, max(lo, hi)


def _overlaps(f: Finding, a: Located) -> bool:
    return f.start < a.end and a.start < f.end


def _is_fixed(a: Located, new_text: str, edits: list[Edit]) -> bool:
    accept = a.item.get("accept")
    if accept is None:
        return False
    lo, hi = map_span(a.start, a.end, edits)
    seg = fold(new_text[lo:hi])
    if fold(a.item["text"]) == seg:
        return False  # untouched
    forms = [fold(x) for x in accept]
    if seg in forms:
        return True
    window = fold(new_text[max(0, lo - 40) : hi + 40])
    if "" in forms and not seg:
        return True
    return fold(a.item["text"]) not in window and any(f and f in window for f in forms)


@dataclass
class DocScore:
    document: str
    artifacts: int
    recall: dict[str, tuple[int, int]]  # tier -> (found, total)
    true_positives: int
    false_positives: int
    neutral: int
    fixable: int
    fixed: int
    changed_chars: float
    missed: list[str] = field(default_factory=list)
    unfixed: list[str] = field(default_factory=list)
    false_positive_findings: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        n = self.true_positives + self.false_positives
        return self.true_positives / n if n else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "recall": {t: {"found": f, "total": n, "rate": round(f / n, 4) if n else None}
                       for t, (f, n) in self.recall.items()},
            "precision": None if self.precision is None else round(self.precision, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "findings_in_neutral": self.neutral,
            "fix_rate": round(self.fixed / self.fixable, 4) if self.fixable else None,
            "fixed": self.fixed,
            "fixable": self.fixable,
            "changed_chars": round(self.changed_chars, 4),
            "missed": self.missed,
            "unfixed": self.unfixed,
            "false_positive_findings": self.false_positive_findings,
        }


def resolve_document(gold_path: Path, name: str) -> Path:
    for cand in (gold_path.parent / name, gold_path.parent.parent / "seeds" / name, Path("seeds") / name):
        if cand.is_file():
            return cand
    raise InputError(str(gold_path), f"document {name!r} not found beside the gold file or in seeds/")


def load_gold(path: Path) -> dict:
    try:
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(str(path), f"cannot read gold file: {exc}") from None
    if not isinstance(gold, dict) or "document" not in gold:
        raise InputError(str(path), "a gold file is a mapping with 'document' and 'artifacts'")
    return gold


def score_document(gold_path: Path, normalizer, reference_for: dict[str, Path] | None = None) -> DocScore:
    gold = load_gold(gold_path)
    doc_path = resolve_document(gold_path, gold["document"])
    text = read_text(doc_path)
    artifacts = [_locate(text, a, str(gold_path)) for a in gold.get("artifacts") or []]
    neutral = [_locate(text, n, str(gold_path)) for n in gold.get("neutral") or []]
    reference = None
    if any(a.item.get("tier") == "reference" for a in artifacts) and reference_for is not None:
        ref_path = reference_for.get(gold["document"])
        reference = read_text(ref_path) if ref_path else None
    result = normalizer.normalize(text, path=str(doc_path), reference=reference)
    tiers: dict[str, list[int]] = {}
    missed = []
    for a in artifacts:
        tier = a.item.get("tier", "core")
        found = any(_overlaps(f, a) for f in result.findings)
        t = tiers.setdefault(tier, [0, 0])
        t[0] += found
        t[1] += 1
        if not found:
            missed.append(f"[{tier}] {a.item['text']}")
    tp = fp = neu = 0
    fps = []
    for f in result.findings:
        if any(_overlaps(f, a) for a in artifacts):
            tp += 1
        elif any(_overlaps(f, n) for n in neutral):
            neu += 1
        else:
            fp += 1
            fps.append({"rule": f.rule, "text": f.text, "start": f.start})
    fixable = [a for a in artifacts if a.item.get("accept") is not None]
    fixed = [a for a in fixable if _is_fixed(a, result.text, result.edits)]
    unfixed = [f"[{a.item.get('tier', 'core')}] {a.item['text']}" for a in fixable if a not in fixed]
    changed = sum(max(len(e.before), len(e.after)) for e in result.edits) / max(1, len(text))
    return DocScore(gold["document"], len(artifacts), {k: tuple(v) for k, v in sorted(tiers.items())},
                    tp, fp, neu, len(fixable), len(fixed), changed, missed, unfixed, fps)


def render(scores: list[DocScore]) -> str:
    lines = []
    for s in scores:
        d = s.to_dict()
        rec = ", ".join(f"{t} {f}/{n}" for t, (f, n) in s.recall.items()) or "no artifacts"
        prec = "n/a" if s.precision is None else f"{s.precision:.2f}"
        fr = f"{s.fixed}/{s.fixable}" if s.fixable else "n/a"
        lines.append(f"{s.document}: recall {rec}; precision {prec} "
                     f"(tp {s.true_positives}, fp {s.false_positives}, neutral {s.neutral}); "
                     f"fixed {fr}; chars changed {d['changed_chars']:.2%}")
        for m in s.missed:
            lines.append(f"  missed   {m}")
        for u in s.unfixed:
            lines.append(f"  unfixed  {u}")
        for f in s.false_positive_findings:
            lines.append(f"  false+   {f['rule']} {f['text']!r}")
    return "\n".join(lines)
