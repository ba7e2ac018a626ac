"""Ray Data: on a local Ray (two CPUs), mtnorm produces the records one process produces,
document for document, through the Python entry point and through `mtnorm corpus --engine ray`."""

import json

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'mtnorm[ray]' (the [test] extra has it)")
pytest.importorskip("ray.data", reason="Ray Data is not installed: pip install 'mtnorm[ray]'")
pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install 'mtnorm[ray]'")
import pyarrow.parquet as pq  # noqa: E402

from normalizer.corpus import CorpusOptions, normalize_records, run_corpus  # noqa: E402
from normalizer.integrations.ray import normalize_dataset  # noqa: E402

pytestmark = pytest.mark.slow  # starting Ray takes seconds


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def records(mt_text, en_text):
    texts = [mt_text, en_text, "The minister said ” we will act ”, before leaving.",
             "Quarterly profits rose 5% to $1.1bn.", ""]
    return [{"id": f"doc-{i}", "text": t, "source": {"feed": "wire", "n": i}} for i, t in enumerate(texts)]


def test_normalize_dataset_equals_single_process(local_ray, records):
    expected = {r["id"]: r for r in normalize_records(records, CorpusOptions(id_field="id"))}
    rows = normalize_dataset(ray.data.from_items(records), text_column="text", id_column="id").take_all()
    assert sorted(r["id"] for r in rows) == sorted(expected)
    for row in rows:
        want = expected[row["id"]]
        assert row["text"] == want["text"]
        assert row["source"] == want["source"]
        assert json.loads(row["mtnorm"]) == want["mtnorm"]
    assert any(r["mtnorm"]["summary"]["changed"] for r in expected.values())


def test_cli_engine_ray_equals_local(local_ray, records, tmp_path):
    src = tmp_path / "corpus.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(2, "{not json")  # passed through as an error record by both engines
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    copts = CorpusOptions(mode="fix", source=str(src))
    on_ray = run_corpus(str(src), str(tmp_path / "ray.jsonl"), copts, engine="ray")
    local = run_corpus(str(src), str(tmp_path / "local.jsonl"), copts, engine="local")
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert len((tmp_path / "ray.jsonl").read_text(encoding="utf-8").splitlines()) == len(lines)
    assert on_ray.errors == local.errors == 1
    assert on_ray.stats.to_dict() == local.stats.to_dict()


def test_parquet_on_ray(local_ray, records, tmp_path):
    src = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_pylist(records), src)
    run_corpus(str(src), str(tmp_path / "out.parquet"), CorpusOptions(), engine="ray")
    rows = ray.data.read_parquet(str(tmp_path / "out.parquet")).take_all()
    expected = {r["id"]: r for r in normalize_records(records)}
    assert {r["id"]: (r["text"], json.loads(r["mtnorm"])) for r in rows} == \
           {k: (v["text"], v["mtnorm"]) for k, v in expected.items()}
