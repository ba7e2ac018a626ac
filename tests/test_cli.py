"""The command line: exit codes, formats, stdin, --in-place atomicity, bad input."""

import json
import os
import subprocess
import sys

import pytest

from conftest import EN_SEED, MT_SEED, ROOT

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def run(*args, stdin=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "normalizer.cli", *map(str, args)], input=stdin,
                          capture_output=True, env=ENV, cwd=cwd or ROOT)


def test_check_exit_codes():
    assert run("check", MT_SEED).returncode == 1
    assert run("check", EN_SEED).returncode == 0
    assert run("check", "--fail-on", "error", MT_SEED).returncode == 0
    assert run("check", "--exit-zero", MT_SEED).returncode == 0
    assert run("check", "--format", "nope", MT_SEED).returncode == 2


def test_check_json_contract():
    p = run("check", "--format", "json", MT_SEED, EN_SEED)
    data = json.loads(p.stdout)
    assert data["version"] == 1
    assert [f["path"] for f in data["files"]] == [str(MT_SEED), str(EN_SEED)]
    text = MT_SEED.read_text(encoding="utf-8")
    for f in data["files"][0]["findings"]:
        assert text[f["start"] : f["end"]] == f["text"]
    assert data["files"][0]["language"] == "en"
    assert data["files"][1]["findings"] == []


def test_check_jsonl_and_github_formats():
    lines = run("check", "--format", "jsonl", MT_SEED).stdout.decode().splitlines()
    assert lines and all(json.loads(l)["path"] == str(MT_SEED) for l in lines)
    gh = run("check", "--format", "github", MT_SEED).stdout.decode().splitlines()
    assert gh and all(l.startswith(("::warning file=", "::error file=", "::notice file=")) for l in gh)


def test_stdin():
    text = MT_SEED.read_bytes()
    p = run("check", "--format", "json", "-", stdin=text)
    assert json.loads(p.stdout)["files"][0]["path"] == "<stdin>"
    p = run("fix", "-", stdin=text)
    assert p.returncode == 1 and p.stdout and p.stdout != text
    p = run("fix", "-", stdin=EN_SEED.read_bytes())
    assert p.returncode == 0 and p.stdout == EN_SEED.read_bytes()


def test_fix_in_place_and_undo(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(MT_SEED.read_bytes())
    log = tmp_path / "edits.jsonl"
    p = run("fix", "--in-place", "--log", log, f)
    assert p.returncode == 1
    assert f.read_bytes() != MT_SEED.read_bytes()
    assert not [x for x in tmp_path.iterdir() if x.name.endswith(".mtnorm-tmp")]
    assert run("fix", "--in-place", f).returncode in (0, 1)
    f.write_text(run("fix", MT_SEED).stdout.decode(), encoding="utf-8")
    p = run("undo", f, "--log", log)
    assert p.returncode == 0
    assert p.stdout == MT_SEED.read_bytes()


def test_fix_diff():
    p = run("fix", "--diff", MT_SEED)
    assert p.returncode == 1
    assert p.stdout.decode().startswith("--- a/")
    assert run("fix", "--diff", EN_SEED).stdout == b""


def test_in_place_is_atomic(tmp_path, monkeypatch):
    """A crash while writing leaves the original file intact and no temp file behind."""
    from normalizer import sources

    f = tmp_path / "a.txt"
    f.write_text("original", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(sources.os, "replace", boom)
    with pytest.raises(OSError):
        sources.write_atomic(f, "new text")
    assert f.read_text(encoding="utf-8") == "original"
    assert [x.name for x in tmp_path.iterdir()] == ["a.txt"]


@pytest.mark.parametrize("content, message", [
    (b"abc\x00def", "binary file"),
    (b"line one\ncaf\xe9\n", ":2: invalid UTF-8 at byte offset 12"),
    (b"", "empty file"),
    (b"  \n\n", "empty file"),
])
def test_bad_input(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    p = run("check", bad, EN_SEED)
    assert p.returncode == 2
    err = p.stderr.decode()
    assert str(bad) in err and message in err
    assert err.count("\n") == 1  # one line, no traceback
    # the good file was still processed
    assert "Found 0 findings in 1 file" in p.stdout.decode()


def test_missing_file_and_directory_errors(tmp_path):
    p = run("check", tmp_path / "nope.txt")
    assert p.returncode == 2 and "no such file" in p.stderr.decode()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe")
    p = run("fix", "--in-place", bad)
    assert p.returncode == 2
    assert bad.read_bytes() == b"\xff\xfe"  # nothing written for a failed file


def test_bad_rule_file(tmp_path):
    r = tmp_path / "mine.yaml"
    r.write_text("rules:\n  - id: my.rule\n    kind: phrase\n    category: calque\n    message: x\n",
                 encoding="utf-8")
    p = run("check", "--rules", r, EN_SEED)
    assert p.returncode == 2
    err = p.stderr.decode()
    assert str(r) in err and "my.rule" in err and "'match'" in err


def test_rules_commands():
    p = run("rules", "list")
    assert p.returncode == 0 and "common.typography.guillemets" in p.stdout.decode()
    p = run("rules", "show", "common.typography.guillemets")
    assert p.returncode == 0 and "guillemets" in p.stdout.decode()
    assert run("rules", "show", "no.such.rule").returncode == 2


def test_eval_runs():
    p = run("eval", *sorted((ROOT / "seeds").glob("*.yaml")))
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "000_d39dd3bf9bf62004.txt: recall" in out and "precision" in out
