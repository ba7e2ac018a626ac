"""datatrove: the formatter and the filter, run by datatrove's own LocalPipelineExecutor over a
small corpus, give the documents mtnorm gives on its own.

The corpus is Parquet, read and written by datatrove's Parquet steps: they need only pyarrow,
while its JSONL steps also need orjson (datatrove's [io] extra)."""

import json

import pytest

pytest.importorskip("datatrove", reason="datatrove is not installed: pip install 'mtnorm[datatrove]' "
                    "(the [test] extra has it)")
pa = pytest.importorskip("pyarrow", reason="datatrove's Parquet steps need pyarrow")
import pyarrow.parquet as pq  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import ParquetReader  # noqa: E402
from datatrove.pipeline.writers import ParquetWriter  # noqa: E402

from normalizer.corpus import CorpusOptions, normalize_records  # noqa: E402
from normalizer.integrations.datatrove import MtnormFilter, MtnormFormatter  # noqa: E402


@pytest.fixture
def corpus(tmp_path, mt_text, en_text):
    docs = [{"id": "mt", "text": mt_text, "feed": "afp"}, {"id": "en", "text": en_text, "feed": "bbc"},
            {"id": "short", "text": "He said ” it is over ”, and left.", "feed": "afp"}]
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(pa.Table.from_pylist(docs), src / "news.parquet")
    return src, docs


def _run(tmp_path, *steps):
    LocalPipelineExecutor(pipeline=list(steps), tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()


def _read(folder):
    """{id: document} of a datatrove Parquet output; metadata as written (mtnorm as JSON)."""
    rows = [r for f in sorted(folder.glob("*.parquet")) for r in pq.read_table(f).to_pylist()]
    return {r["id"]: {**r, "mtnorm": json.loads(r["metadata"]["mtnorm"])} for r in rows}


def test_formatter_in_local_executor(tmp_path, corpus):
    src, docs = corpus
    out = tmp_path / "out"
    _run(tmp_path, ParquetReader(str(src)), MtnormFormatter(metadata_as_json=True), ParquetWriter(str(out)))
    got = _read(out)
    expected = {r["id"]: r for r in normalize_records(docs)}
    assert set(got) == set(expected)
    for doc_id, want in expected.items():
        assert got[doc_id]["text"] == want["text"]
        assert got[doc_id]["mtnorm"] == want["mtnorm"]
        assert got[doc_id]["metadata"]["feed"] == want["feed"]  # other fields untouched
    assert got["mt"]["text"] != docs[0]["text"] and got["en"]["text"] == docs[1]["text"]


def test_filter_tags_and_drops_machine_translated(tmp_path, corpus):
    src, docs = corpus
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    step = MtnormFilter(drop_machine_translated=True, metadata_as_json=True,
                        exclusion_writer=ParquetWriter(str(dropped)))
    _run(tmp_path, ParquetReader(str(src)), step, ParquetWriter(str(kept)))
    expected = {r["id"]: r for r in normalize_records(docs, CorpusOptions(mode="check"))}
    mt_ids = {k for k, r in expected.items() if r["mtnorm"]["summary"]["machine_translated"]}
    assert "mt" in mt_ids and "en" not in mt_ids
    assert set(_read(dropped)) == mt_ids
    assert set(_read(kept)) == set(expected) - mt_ids
    for doc_id, doc in _read(kept).items():  # a check leaves the text as it was
        assert doc["text"] == expected[doc_id]["text"]
        assert doc["mtnorm"] == expected[doc_id]["mtnorm"]
