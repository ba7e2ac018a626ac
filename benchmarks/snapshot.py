"""A snapshot of everything mtnorm finds and changes on a fixed set of documents, to prove that a
refactor or a speed-up changed nothing (or to list exactly what it changed).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/snapshot.py write before.jsonl
    ... change the code ...
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/snapshot.py compare before.jsonl

Documents: the seeds, the dev set (tests/devset), and from ../shared/data when present every BBC
article, WMT13 online-B, rbmt-1 and the human reference grouped into documents, WMT14 online-B
and LIG google output in blocks of 20 segments. One JSON line per document: its id, the
findings (rule, span, level, suggestions, confidence) and the normalized text's hash.
``--only PREFIX`` keeps just the rules whose id starts with PREFIX (repeatable), which runs
only those rules and makes a detector's snapshot fast; ``--no-model`` runs without the model;
``--corpus NAME`` picks the document sets (repeatable; default all).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from perfkit import BBC, DATA, ROOT, WMT13, bbc_texts, group_by_document, wmt13_mt_documents

WMT14 = DATA / "wmt14-fr-en"
LIG = DATA / "lig-fr-en"


def _files(pattern: str) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob(pattern))]


def _blocks(path: Path, size: int = 20) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(f"{path.name}:{i}", "\n".join(lines[i:i + size])) for i in range(0, len(lines), size)]


def _wmt(system: str) -> list[tuple[str, str]]:
    return [(f"{system}:{i}", t) for i, t in enumerate(wmt13_mt_documents(system))]


def _wmt14(system: str) -> list[tuple[str, str]]:
    docids = (WMT14 / "docids").read_text(encoding="utf-8").splitlines()
    lines = (WMT14 / system).read_text(encoding="utf-8").splitlines()
    return [(f"wmt14:{system}:{d}", "\n\n".join(segs)) for d, segs in group_by_document(lines, docids)]


CORPORA = {
    "seeds": lambda: _files("seeds/*.txt"),
    "devset": lambda: _files("tests/devset/*.txt"),
    "bbc": lambda: [(f"bbc:{i}", t) for i, t in enumerate(bbc_texts())] if BBC.exists() else [],
    "wmt13": lambda: (_wmt("sys.online-B.en") + _wmt("sys.rbmt-1.en") + _wmt("ref.en")) if WMT13.exists() else [],
    "wmt14": lambda: _wmt14("sys.online-B.en") if WMT14.exists() else [],
    "lig": lambda: _blocks(LIG / "sys.google.en") if LIG.exists() else [],
}


def snapshot(corpora: list[str], only: list[str] | None, use_model: bool):
    from normalizer.pipeline import Normalizer

    normalizer = Normalizer(enabled=only, use_model=use_model)
    for name in corpora:
        for doc_id, text in CORPORA[name]():
            r = normalizer.normalize(text)
            yield {
                "id": doc_id,
                "findings": [[f.rule, f.start, f.end, f.level, f.suggestions, round(f.confidence, 3)]
                             for f in r.findings],
                "edits": len(r.edits),
                "text": hashlib.sha256(r.text.encode("utf-8")).hexdigest()[:16],
            }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["write", "compare"])
    ap.add_argument("path", type=Path)
    ap.add_argument("--only", action="append", default=None, help="rule id prefix (repeatable)")
    ap.add_argument("--corpus", action="append", choices=sorted(CORPORA), default=None)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--show", type=int, default=20, help="differences to print (compare)")
    args = ap.parse_args()
    corpora = args.corpus or list(CORPORA)
    t0 = time.process_time()
    rows = list(snapshot(corpora, args.only, not args.no_model))
    cpu = time.process_time() - t0
    n_find = sum(len(r["findings"]) for r in rows)
    print(f"{len(rows)} documents, {n_find} findings, {sum(r['edits'] for r in rows)} edits, {cpu:.1f} s CPU",
          file=sys.stderr)
    if args.mode == "write":
        with open(args.path, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
    before = {}
    with open(args.path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            before[r["id"]] = r
    diffs = 0
    for r in rows:
        b = before.get(r["id"])
        if b is None or b == r:
            continue
        diffs += 1
        if diffs <= args.show:
            old = {tuple(map(str, f)) for f in b["findings"]}
            new = {tuple(map(str, f)) for f in r["findings"]}
            print(f"{r['id']}: text {'same' if b['text'] == r['text'] else 'DIFFERENT'}")
            for f in sorted(old - new):
                print(f"  - {' '.join(f)}")
            for f in sorted(new - old):
                print(f"  + {' '.join(f)}")
    compared = sum(1 for r in rows if r["id"] in before)
    print(f"{diffs} of {compared} documents differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
