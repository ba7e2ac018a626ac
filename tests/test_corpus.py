"""Corpora: JSON Lines in and out (one line per line, in order, errors passed through),
streaming, --jobs, progress, statistics, Parquet, and the per-batch function every engine shares."""

import io
import json
import os
import subprocess
import sys

import pytest

from conftest import EN_SEED, MT_SEED, ROOT
from normalizer import corpus
from normalizer.corpus import (CorpusOptions, CorpusStats, Progress, line_chunks, normalize_records,
                               ordered_map, run_corpus, run_jsonl)

from typer.testing import CliRunner

from normalizer.cli import app

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
ARTIFACT = "He said ” it is over ”, and left."  # French guillemets rendered as closing quotes
NATIVE = "The minister spoke to reporters on Monday."


class Ran:
    def __init__(self, returncode, stdout: bytes, stderr: bytes):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(*args, stdin=None):
    """The command line, in this process (the rules compile once for the whole module)."""
    r = CliRunner().invoke(app, [str(a) for a in args], input=stdin)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Ran(r.exit_code, r.stdout_bytes, r.stderr_bytes)


def run_process(*args, stdin=None, env=None):
    """The command line in a real process (pipes, terminals, environment)."""
    return subprocess.run([sys.executable, "-m", "normalizer.cli", *map(str, args)], input=stdin,
                          capture_output=True, env={**ENV, **(env or {})}, cwd=ROOT)


def write_jsonl(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def docs(mt_text, en_text):
    return [{"id": "mt", "text": mt_text, "meta": {"feed": "afp", "n": 1}},
            {"id": "en", "text": en_text, "tags": ["politics"]},
            {"id": "quote", "text": ARTIFACT, "score": 0.5},
            {"id": "empty", "text": ""}]


def test_normalize_records_rewrites_text_and_keeps_other_fields(docs):
    out = normalize_records(docs)
    assert [r["id"] for r in out] == [d["id"] for d in docs]
    for before, after in zip(docs, out):
        assert {k: v for k, v in after.items() if k not in ("text", "mtnorm")} == \
               {k: v for k, v in before.items() if k != "text"}
        meta = after["mtnorm"]
        assert set(meta) == {"findings", "summary", "edits"}
        assert meta["summary"]["findings"] == len(meta["findings"])
        for f in meta["findings"]:
            assert before["text"][f["start"]:f["end"]] == f["text"]  # offsets into the original
    assert out[0]["text"] != docs[0]["text"] and out[0]["mtnorm"]["summary"]["machine_translated"]
    assert out[1]["text"] == docs[1]["text"] and out[1]["mtnorm"]["findings"] == []
    assert out[2]["text"] == "He said “it is over”, and left."
    assert out[3]["mtnorm"]["summary"]["findings"] == 0


def test_check_mode_leaves_text_alone(docs):
    out = normalize_records(docs, CorpusOptions(mode="check"))
    assert [r["text"] for r in out] == [d["text"] for d in docs]
    assert out[0]["mtnorm"]["findings"] and "edits" not in out[0]["mtnorm"]


def test_jsonl_cli_one_line_per_line_errors_passed_through(tmp_path, docs):
    lines = [json.dumps(d, ensure_ascii=False) for d in docs[:3]]
    lines[2:2] = ["{not json", "", '["a list"]', json.dumps({"id": "notext", "body": "x"})]
    src = write_jsonl(tmp_path / "news.jsonl", lines)
    p = run("fix", "--jsonl", "--no-model", src)
    assert p.returncode == 2  # malformed lines are input errors
    out = p.stdout.decode().split("\n")[:-1]
    assert len(out) == len(lines)
    assert [json.loads(o).get("id") if o else None for o in out] == ["mt", "en", None, None, None, "notext", "quote"]
    assert json.loads(out[2])["mtnorm"] == {"error": "malformed JSON: Expecting property name enclosed in "
                                            "double quotes (column 2)", "line": 3, "raw": "{not json"}
    assert out[3] == ""
    assert json.loads(out[5])["body"] == "x" and json.loads(out[5])["mtnorm"]["line"] == 6
    err = p.stderr.decode()
    assert f"{src}:3: malformed JSON" in err and f"{src}:5: not a JSON object" in err and f"{src}:6: no field 'text'" in err
    assert json.loads(out[6])["text"] == "He said “it is over”, and left."


def test_strict_stops_at_the_first_malformed_line(tmp_path):
    src = write_jsonl(tmp_path / "news.jsonl", [json.dumps({"id": 1, "text": NATIVE}), "oops",
                                                 json.dumps({"id": 3, "text": NATIVE})])
    p = run("check", "--jsonl", "--strict", "--no-model", src)
    assert p.returncode == 2
    assert len(p.stdout.decode().splitlines()) == 1 and f"{src}:2:" in p.stderr.decode()


def test_jsonl_from_stdin_custom_fields_and_exit_codes():
    clean = json.dumps({"doc": "a", "body": NATIVE}) + "\n"
    p = run("check", "--jsonl", "--text-field", "body", "--id-field", "doc", "--no-model", "-", stdin=clean.encode())
    assert p.returncode == 0 and json.loads(p.stdout)["body"] == NATIVE
    dirty = json.dumps({"doc": "b", "body": ARTIFACT}) + "\n"
    p = run("check", "--jsonl", "--text-field", "body", "--no-model", "-", stdin=dirty.encode())
    assert p.returncode == 1 and json.loads(p.stdout)["mtnorm"]["summary"]["findings"] >= 1
    assert run("fix", "--jsonl", "--text-field", "body", "--no-model", "-", stdin=clean.encode()).returncode == 0


def test_jobs_two_gives_the_same_output_as_one(tmp_path, docs, monkeypatch):
    monkeypatch.setattr(corpus, "CHUNK_LINES", 3)  # several chunks, so both workers get some
    lines = [json.dumps({**d, "id": f"{d['id']}-{i}"}, ensure_ascii=False) for i in range(3) for d in docs]
    src = write_jsonl(tmp_path / "news.jsonl", lines + ["broken"])
    outs = []
    for jobs in (1, 2):
        sink = io.BytesIO()
        rep = run_jsonl([str(src)], [CorpusOptions(source=str(src))], sink, jobs=jobs,
                        report_error=lambda msg: None)
        assert rep.errors == 1 and rep.stats.documents == len(lines)
        outs.append(sink.getvalue())
    assert outs[0] == outs[1] and len(outs[0].splitlines()) == len(lines) + 1


def test_jobs_on_files(tmp_path):
    for i in range(4):
        (tmp_path / f"a{i}.txt").write_text(ARTIFACT if i % 2 else NATIVE, encoding="utf-8")
    one = run("check", "--format", "json", "--no-model", tmp_path)
    two = run("check", "--format", "json", "--no-model", "--jobs", "2", tmp_path)
    assert one.returncode == two.returncode == 1 and one.stdout == two.stdout


def test_output_is_streamed_not_collected(monkeypatch):
    """The first chunk is written before the rest of the input is even read."""
    read = {"lines": 0}
    written_after = []

    class Source(io.RawIOBase):
        def __iter__(self):
            for i in range(corpus.CHUNK_LINES * 5):
                read["lines"] += 1
                yield (json.dumps({"id": i, "text": NATIVE}) + "\n").encode()

    class Sink(io.BytesIO):
        def write(self, b):
            written_after.append(read["lines"])
            return super().write(b)

    monkeypatch.setattr(corpus, "open_corpus", lambda path: Source())
    sink = Sink()
    rep = run_jsonl(["corpus.jsonl"], [CorpusOptions(mode="check", options=corpus.Options(use_model=False))], sink)
    assert rep.stats.documents == corpus.CHUNK_LINES * 5
    assert written_after[0] <= corpus.CHUNK_LINES  # bounded: one chunk in memory, not the corpus
    assert len(sink.getvalue().splitlines()) == corpus.CHUNK_LINES * 5


def test_line_chunks_split_on_newline_only_and_bound_size():
    data = b'{"text": "a\xe2\x80\xa8b\\r"}\n' + b"x" * 100 + b"\n" + b"y\n" * 10
    chunks = list(line_chunks(io.BytesIO(data), lines=4, size=50))
    assert [first for first, _ in chunks] == [1, 3, 7, 11]  # line 2 fills the first chunk
    assert sum(len(c) for _, c in chunks) == 12
    assert b"".join(b"".join(c) for _, c in chunks) == data


def test_unicode_line_separator_inside_a_string_is_not_a_line_break(tmp_path):
    src = tmp_path / "n.jsonl"
    src.write_text(json.dumps({"id": 1, "text": f"{NATIVE}\u2028The talks ended on Tuesday."}, ensure_ascii=False) + "\n", encoding="utf-8")
    p = run("check", "--jsonl", "--no-model", src)
    assert p.returncode == 0 and len(p.stdout.split(b"\n")) == 2


def _ordered_square(x):
    return x * x


def test_ordered_map_keeps_order_and_a_bounded_window():
    fed = []

    def tasks():
        for i in range(40):
            fed.append(i)
            yield i

    results = []
    for r in ordered_map(_ordered_square, tasks(), 2, corpus._init_worker, ([],), window=4):
        if not results:
            assert len(fed) <= 5  # never more than the window ahead of the consumer
        results.append(r)
    assert results == [i * i for i in range(40)]


def test_progress_only_on_a_terminal_and_not_on_ci(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    tty = Tty()
    bar = Progress(tty, interval=0)
    bar.update(docs=3, findings=2)
    bar.close()
    assert "3 docs" in tty.getvalue() and "docs/s" in tty.getvalue() and "2 findings" in tty.getvalue()
    assert not Progress(io.StringIO()).enabled  # piped
    monkeypatch.setenv("CI", "true")
    assert not Progress(Tty()).enabled


def test_no_progress_when_piped(tmp_path):
    src = write_jsonl(tmp_path / "n.jsonl", [json.dumps({"id": 1, "text": NATIVE})])
    p = run_process("check", "--jsonl", "--no-model", src)
    assert p.returncode == 0 and p.stderr == b""


def test_stats_and_summary(tmp_path, docs):
    src = write_jsonl(tmp_path / "news.jsonl", [json.dumps(d, ensure_ascii=False) for d in docs] + ["bad"])
    p = run("stats", "--jsonl", "--format", "json", src)
    assert p.returncode == 2  # the malformed line
    s = json.loads(p.stdout)
    assert s["documents"] == 4 and s["errors"] == 1
    assert s["machine_translated"] == 2 and s["machine_translated_share"] == 0.5
    assert s["findings"] == sum(s["by_category"].values()) == sum(s["by_severity"].values())
    assert s["top_rules"] and all(isinstance(n, int) for n in s["top_rules"].values())
    text = run("stats", "--jsonl", "--no-model", src).stdout.decode()
    assert "look machine-translated" in text and "top rules:" in text
    p = run("check", "--summary", "--no-model", MT_SEED, EN_SEED)
    assert "look machine-translated" in p.stderr.decode() and "Found" in p.stdout.decode()


def test_stats_on_files(tmp_path):
    (tmp_path / "a.txt").write_text(ARTIFACT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(NATIVE, encoding="utf-8")
    s = json.loads(run("stats", "--format", "json", "--no-model", tmp_path).stdout)
    assert s["documents"] == 2 and s["with_findings"] == 1 and s["by_category"].get("typography")


def test_corpus_command_local(tmp_path, docs):
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps(d, ensure_ascii=False) for d in docs])
    p = run("corpus", src, tmp_path / "out.jsonl")
    assert p.returncode == 0, p.stderr
    got = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert got == normalize_records(docs)
    assert not list(tmp_path.glob("*.mtnorm-tmp"))


def test_corpus_strict_writes_nothing(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": 1, "text": NATIVE}), "bad"])
    p = run("corpus", src, tmp_path / "out.jsonl", "--strict", "--no-model")
    assert p.returncode == 2 and not (tmp_path / "out.jsonl").exists()


def test_parquet_corpus_local(tmp_path, docs):
    pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the [ray] extra)")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(docs), tmp_path / "in.parquet")
    rep = run_corpus(str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet"), CorpusOptions())
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    want = normalize_records(docs)
    assert [(r["id"], r["text"], json.loads(r["mtnorm"])) for r in rows] == \
           [(w["id"], w["text"], w["mtnorm"]) for w in want]
    assert rows[0]["meta"] == docs[0]["meta"] and rep.stats.documents == len(docs)


def test_corpus_stats_render_empty():
    assert "documents" in CorpusStats().render() and CorpusStats().to_dict()["documents"] == 0


def test_normalize_frame_for_spark_and_dask(docs):
    pd = pytest.importorskip("pandas", reason="the Spark/Dask form works on pandas DataFrames")
    df = pd.DataFrame(docs)
    out = corpus.normalize_frame(df, CorpusOptions())
    want = normalize_records(docs)
    assert out["text"].tolist() == [w["text"] for w in want]
    assert [json.loads(m) for m in out["mtnorm"]] == [w["mtnorm"] for w in want]
    assert out["id"].tolist() == df["id"].tolist() and df["text"].tolist() == [d["text"] for d in docs]


def test_fix_reports_the_findings_of_the_original_text(mt_text):
    """fix re-checks its own output; the findings and hashes reported are the original's."""
    check = corpus.process_text(mt_text, "a", CorpusOptions(mode="check"))
    fix = corpus.process_text(mt_text, "a", CorpusOptions(mode="fix"))
    assert fix.changed and len(fix.digests) == len(fix.findings)
    assert [(f.rule, f.start) for f in fix.findings] == [(f.rule, f.start) for f in check.findings]
    assert fix.digests == check.digests
