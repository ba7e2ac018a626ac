"""Suppression without touching the news text: allowlist sidecars (rule + sentence hash) and
baselines (only new findings fail), for files and JSON Lines corpora."""

import json

import pytest
from typer.testing import CliRunner

from normalizer.cli import app
from normalizer.document import Document
from normalizer.errors import MtnormError
from normalizer.findings import Finding
from normalizer.suppress import Allowlist, Baseline, fingerprint, sentence_hash

ARTIFACT = "He said ” it is over ”, and left."  # typography: French guillemets
OTHER = "The price rose to 1 234,5 euros."  # number format
NATIVE = "The minister spoke to reporters on Monday."


def run(*args, stdin=None):
    r = CliRunner().invoke(app, [str(a) for a in args], input=stdin)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r


def article(path, *paragraphs):
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def test_sentence_hash_ignores_wrapping_and_identifies_the_sentence():
    assert sentence_hash("He said  it\nis over.") == sentence_hash("He said it is over.")
    assert sentence_hash("He said it is over.") != sentence_hash("She said it is over.")
    doc = Document.from_text(f"{NATIVE} {ARTIFACT}")
    start = doc.text.index("”")
    f = Finding("r", "typography", start, start + 1, "”", "m")
    assert fingerprint(doc, f) == sentence_hash(ARTIFACT)


def test_allowlist_format():
    a = Allowlist.parse("# reviewed by the desk\nr.one  0123abcd  # He said ...\n* 89ef\n\n", "allow")
    assert a.allows("r.one", "0123abcd") and a.allows("anything", "89ef") and not a.allows("r.two", "0123abcd")
    with pytest.raises(MtnormError, match=r"allow:2: expected 'RULE-ID HASH'"):
        Allowlist.parse("ok 00\nnot-a-hash zz\n", "allow")


def test_sidecar_allows_a_finding_for_good_and_fix_leaves_it(tmp_path):
    a = article(tmp_path / "story.txt", NATIVE, ARTIFACT, OTHER)
    assert run("check", "--no-model", a).exit_code == 1
    r = run("baseline", "--sidecar", "--no-model", "--select", "common.typography", a)
    assert r.exit_code == 0
    sidecar = (tmp_path / "story.txt.mtnorm-allow").read_text(encoding="utf-8")
    assert "common.typography" in sidecar and f"# {ARTIFACT}" in sidecar and "numbers" not in sidecar
    r = run("check", "--no-model", "--format", "json", a)
    assert {f["category"] for f in json.loads(r.stdout)["files"][0]["findings"]} == {"number-format"}
    fixed = run("fix", "--no-model", a).stdout
    assert ARTIFACT in fixed and OTHER not in fixed  # the allowed sentence is left as written
    assert "allowed 0 new" in run("baseline", "--sidecar", "--no-model", "--select", "common.typography", a).stderr
    # the sidecar is never itself checked, even when a hook passes it by name
    assert run("check", "--no-model", tmp_path / "story.txt.mtnorm-allow").exit_code == 0


def test_baseline_only_new_findings_fail(tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    a = article(desk / "a.txt", NATIVE, ARTIFACT)
    b = article(desk / "b.txt", NATIVE)
    base = desk / ".mtnorm-baseline.json"
    r = run("baseline", "--no-model", "-o", base, desk)
    assert r.exit_code == 0 and "1 document" in r.stderr
    data = json.loads(base.read_text(encoding="utf-8"))
    assert data["version"] == 1 and {e["path"] for e in data["findings"]} == {"a.txt"}
    assert run("check", "--no-model", "--baseline", base, desk).exit_code == 0
    # editing elsewhere (a paragraph inserted above) keeps the old finding known
    article(a, "A new first paragraph.", NATIVE, ARTIFACT)
    assert run("check", "--no-model", "--baseline", base, desk).exit_code == 0
    # the same artifact a second time is new; so is one in another file
    article(a, NATIVE, ARTIFACT, ARTIFACT)
    r = run("check", "--no-model", "--format", "json", "--baseline", base, desk)
    assert r.exit_code == 1
    both_copies = json.loads(run("check", "--no-model", "--format", "json", a).stdout)["files"][0]["findings"]
    assert sum(len(f["findings"]) for f in json.loads(r.stdout)["files"]) == len(both_copies) // 2
    article(a, NATIVE, ARTIFACT)
    article(b, NATIVE, OTHER)
    r = run("check", "--no-model", "--format", "json", "--baseline", base, desk)
    assert r.exit_code == 1
    found = {f["path"].rsplit("/", 1)[-1]: f["findings"] for f in json.loads(r.stdout)["files"]}
    assert found["a.txt"] == [] and found["b.txt"]


def test_configured_baseline_is_used_and_missing_one_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mtnorm]\nbaseline = ".mtnorm-baseline.json"\n', encoding="utf-8")
    a = article(tmp_path / "a.txt", ARTIFACT)
    assert run("check", "--no-model", a).exit_code == 1  # configured but not written yet: ignored
    assert run("baseline", "--no-model", "-o", tmp_path / ".mtnorm-baseline.json", a).exit_code == 0
    assert run("check", "--no-model", a).exit_code == 0
    r = run("check", "--no-model", "--baseline", tmp_path / "nope.json", a)
    assert r.exit_code == 2 and "no such baseline" in r.stderr


def test_baseline_of_a_jsonl_corpus_is_keyed_by_id(tmp_path):
    src = tmp_path / "news.jsonl"
    recs = [{"id": "a", "text": ARTIFACT}, {"id": "b", "text": NATIVE}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    base = tmp_path / "base.json"
    assert run("baseline", "--jsonl", "--no-model", "-o", base, src).exit_code == 0
    assert {e["path"] for e in json.loads(base.read_text())["findings"]} == {"news.jsonl#a"}
    r = run("check", "--jsonl", "--no-model", "--baseline", base, src)
    assert r.exit_code == 0
    out = [json.loads(l) for l in r.stdout.splitlines()]
    assert out[0]["mtnorm"]["findings"] == [] and out[0]["mtnorm"]["summary"]["suppressed"] >= 1
    # the same text under another id is a new document with a new finding
    recs.append({"id": "c", "text": ARTIFACT})
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    assert run("check", "--jsonl", "--no-model", "--baseline", base, src).exit_code == 1


def test_project_allowlist_applies_to_corpora(tmp_path):
    allow = tmp_path / ".mtnorm-allow"
    allow.write_text(f"*  {sentence_hash(ARTIFACT)}  # quoted as published\n", encoding="utf-8")
    (tmp_path / ".mtnorm.toml").write_text('allowlist = ".mtnorm-allow"\n', encoding="utf-8")
    src = tmp_path / "news.jsonl"
    src.write_text(json.dumps({"id": "a", "text": ARTIFACT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("check", "--jsonl", "--no-model", src).exit_code == 0


def test_baseline_file_round_trip(tmp_path):
    b = Baseline(root=tmp_path)
    b.add("a.txt", [("r", "00aa"), ("r", "00aa"), ("s", "11bb")])
    (tmp_path / "b.json").write_text(b.to_json(), encoding="utf-8")
    again = Baseline.load(tmp_path / "b.json")
    assert again.for_document("a.txt") == b.for_document("a.txt") and len(again) == 3
    (tmp_path / "bad.json").write_text('{"version": 7}', encoding="utf-8")
    with pytest.raises(MtnormError, match="not an mtnorm baseline"):
        Baseline.load(tmp_path / "bad.json")
