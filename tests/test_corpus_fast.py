"""A corpus run prepares once, before its workers start, what each would otherwise prepare by
itself (the rules' Hyperscan database, announced the input's size), and cuts its input into
chunks bounded in bytes as well as lines, so that long documents still spread over the workers.
None of it changes the output."""

import io
import json

import pytest

from normalizer import corpus
from normalizer.corpus import CorpusOptions, input_size, run_jsonl
from normalizer.scanner import COMPILE_AFTER_BYTES, LOAD_AFTER_BYTES, RuleScanner

NATIVE = "The minister spoke to reporters on Monday about the budget and the new rail line."
ARTIFACT = "He said ” it is over ”, and left. The government is in the process of studying it."


def write_jsonl(path, texts):
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)),
                    encoding="utf-8")
    return path


def test_input_size_is_the_files_size_on_disk(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [NATIVE] * 3)
    b = write_jsonl(tmp_path / "b.jsonl", [ARTIFACT])
    assert input_size([str(a), str(b)]) == a.stat().st_size + b.stat().st_size
    assert input_size(["-", str(tmp_path / "missing.jsonl")]) == 0  # standard input, unreadable: unknown


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_announces_its_input_size_before_any_document(tmp_path, monkeypatch, jobs):
    announced = []
    prepare = RuleScanner.prepare
    monkeypatch.setattr(RuleScanner, "prepare",
                        lambda self, expected: announced.append(expected) or prepare(self, expected))
    src = write_jsonl(tmp_path / "news.jsonl", [NATIVE, ARTIFACT] * 3)
    run_jsonl([str(src)], [CorpusOptions(source=str(src))], io.BytesIO(), jobs=jobs)
    assert announced == [src.stat().st_size]  # here, once; forked workers inherit what it prepared


def test_prepare_below_the_load_threshold_changes_nothing():
    scanner = RuleScanner([("in the process of", 0)], mode="auto")
    assert not scanner.prepare(LOAD_AFTER_BYTES - 1)
    assert scanner._state == "new" and scanner._seen == 0  # an announcement is not text seen


def test_prepare_compiles_for_a_run_that_would_compile_by_its_end(tmp_path, monkeypatch):
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("MTNORM_CACHE", str(tmp_path))
    scanner = RuleScanner([("in the process of", 0)], mode="auto")
    assert not scanner.prepare(COMPILE_AFTER_BYTES - 1)  # no database in the cache, not worth compiling
    assert scanner.prepare(COMPILE_AFTER_BYTES)
    assert scanner.ends("We are in the process of it.") == {0: [len("We are in the process of")]}
    # a later run of the same rules finds it in the cache once it is worth loading
    again = RuleScanner([("in the process of", 0)], mode="auto")
    assert again.prepare(LOAD_AFTER_BYTES)


def test_chunks_bounded_in_bytes_give_the_same_output_with_two_workers(tmp_path, monkeypatch):
    long_doc = " ".join([NATIVE, ARTIFACT] * 40)
    src = write_jsonl(tmp_path / "long.jsonl", [long_doc, NATIVE, long_doc, ARTIFACT] * 3)
    monkeypatch.setattr(corpus, "CHUNK_BYTES", 3 * len(long_doc))  # a few lines per chunk, not 64
    with open(src, "rb") as fh:
        assert len(list(corpus.line_chunks(fh))) > 2
    outs = []
    for jobs in (1, 2):
        sink = io.BytesIO()
        run_jsonl([str(src)], [CorpusOptions(source=str(src))], sink, jobs=jobs)
        outs.append(sink.getvalue())
    assert outs[0] == outs[1]
    assert [json.loads(line)["id"] for line in outs[0].splitlines()] == list(range(12))
