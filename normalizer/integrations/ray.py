"""mtnorm on Ray Data, for corpora that outgrow one machine.

    import ray
    from normalizer.integrations.ray import normalize_dataset

    ds = ray.data.read_parquet("s3://bucket/news/")
    out = normalize_dataset(ds, text_column="text", id_column="id")   # mode="fix" by default
    out.write_parquet("s3://bucket/news-normalized/")

``normalize_dataset`` is ``Dataset.map_batches`` with a callable class: Ray builds one instance
per actor, so each worker compiles the rules and loads the embedding model once, then reuses
them for every batch. The text column is replaced by the normalized text and an ``mtnorm``
column holds, per row, the findings and summary as a JSON string (findings have no fixed
schema, which a Parquet column needs). The rows are those :func:`normalize_records` returns
on one machine.

``mtnorm corpus IN OUT --engine ray [--address ...]`` runs the same from the command line,
reading and writing JSON Lines (output identical, byte for byte, to the local engine) or Parquet.
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
import pickle
from typing import Any

from ..corpus import (CHUNK_LINES, CorpusOptions, Progress, RunReport, _fails, columns_task,
                      normalizer_for, process_line, replace_columns)
from ..errors import MtnormError
from ..options import Options


def _require_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise MtnormError("the Ray engine needs Ray: pip install 'mtnorm[ray]'") from None
    return ray


def _actor_pool(ray, concurrency: int | tuple[int, int] | None):
    """The actor pool for map_batches: ``concurrency`` actors, or (min, max); by default an
    autoscaling pool from one actor up to one per CPU of the cluster."""
    if concurrency is None:
        cpus = int(ray.cluster_resources().get("CPU", 1)) if ray.is_initialized() else 1
        concurrency = (1, max(1, cpus))
    if isinstance(concurrency, int):
        return ray.data.ActorPoolStrategy(size=concurrency)
    return ray.data.ActorPoolStrategy(min_size=concurrency[0], max_size=concurrency[1])


class RecordBatchNormalizer:
    """The map_batches callable for a table with a text column (pyarrow batches)."""

    def __init__(self, copts: CorpusOptions):
        self.copts = copts
        normalizer_for(copts.options)  # rules compiled once per actor; the model loads on first use

    def __call__(self, table):
        c = self.copts
        ids = table.column(c.id_field).to_pylist() if c.id_field and c.id_field in table.column_names else None
        texts, metas, _ = columns_task(table.column(c.text_field).to_pylist(), ids, c)
        return replace_columns(table, c, texts, metas)


def normalize_dataset(ds, text_column: str = "text", id_column: str | None = None, *,
                      mode: str = "fix", level: str | None = None, options: Options | None = None,
                      batch_size: int = CHUNK_LINES, concurrency: int | tuple | None = None,
                      num_cpus: float = 1, **option_kwargs: Any):
    """``ds`` with ``text_column`` normalized (``mode="check"``: left as is) and an ``mtnorm``
    column of JSON (findings, summary, edits). ``options`` or keyword arguments configure the
    Normalizer as :class:`normalizer.Options` does (``use_model=False``, ``disabled=[...]``...)."""
    ray = _require_ray()
    copts = CorpusOptions.make(options, mode=mode, level=level, text_field=text_column,
                               id_field=id_column, **option_kwargs)
    return ds.map_batches(RecordBatchNormalizer, fn_constructor_args=(copts,), batch_format="pyarrow",
                          batch_size=batch_size, compute=_actor_pool(ray, concurrency), num_cpus=num_cpus)


# -- JSON Lines, line for line ----------------------------------------------------------------


def _split_lines(batch):
    """Whole files (rows of read_binary_files) to one row per line, numbered from 1. Split on
    ``\\n`` only, as the local engine does (a JSON string may hold U+2028)."""
    import pyarrow as pa

    paths, numbers, lines = [], [], []
    for path, data in zip(batch.column("path").to_pylist(), batch.column("bytes").to_pylist()):
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        parts = data.split(b"\n")
        if parts and parts[-1] == b"":
            parts.pop()  # the newline that ends the last line does not start another
        paths += [path] * len(parts)
        numbers += range(1, len(parts) + 1)
        lines += parts
    return pa.table({"path": pa.array(paths, pa.string()), "line_no": pa.array(numbers, pa.int64()),
                     "line": pa.array(lines, pa.binary())})


class LineBatchNormalizer:
    """The map_batches callable for raw JSON Lines: each line is processed exactly as the local
    engine does it (corpus.process_line), so the output is the same, error records included."""

    def __init__(self, copts: CorpusOptions, single_source: bool):
        self.copts = copts
        self.single_source = single_source
        normalizer_for(copts.options)

    def __call__(self, table):
        import pyarrow as pa

        out, errors, tallies = [], [], []
        for path, n, raw in zip(table.column("path").to_pylist(), table.column("line_no").to_pylist(),
                                table.column("line").to_pylist()):
            copts = self.copts if self.single_source else dataclasses.replace(self.copts, source=path)
            lo = process_line(raw, n, copts)
            out.append(lo.line)
            errors.append(lo.error)
            tallies.append(pickle.dumps(lo.tally) if lo.tally is not None else None)
        return table.drop_columns(["line"]).append_column("out", pa.array(out, pa.string())) \
            .append_column("error", pa.array(errors, pa.string())) \
            .append_column("tally", pa.array(tallies, pa.binary()))


def run_corpus_ray(source: str, dest: str, copts: CorpusOptions, *, fmt: str, address: str | None = None,
                   strict: bool = False, progress: Progress | None = None) -> RunReport:
    """``mtnorm corpus --engine ray``. JSON Lines are processed line for line on the cluster
    and written, in order, to one file by this process; Parquet is written by the cluster, one
    file per block, into the folder ``dest``. Connects to ``address`` (or RAY_ADDRESS) when
    given, else starts a local Ray, and shuts down only a Ray it started."""
    if source == "-" or dest == "-":
        raise MtnormError("the Ray engine reads and writes files, not standard input or output")
    ray = _require_ray()
    from ray.data import DataContext

    from ..corpus import _AtomicOutput

    progress = progress or Progress(enabled=False)
    started = not ray.is_initialized()
    if started:  # a command-line run: Ray's INFO logs would bury mtnorm's own messages
        ray.init(address=address, log_to_driver=False, include_dashboard=False, logging_level=logging.WARNING)
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    report = RunReport()
    ctx = DataContext.get_current()
    saved = (ctx.execution_options.preserve_order, ctx.enable_progress_bars)
    try:
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = progress.enabled
        if fmt == "parquet":
            ds = normalize_dataset(ray.data.read_parquet(source), copts.text_field, copts.id_field,
                                   mode=copts.mode, options=copts.options, level=copts.level)
            ds.write_parquet(dest)
            return report  # statistics stay on the cluster: run `mtnorm stats` on the output
        from pathlib import Path

        single = not Path(source).is_dir()
        ds = ray.data.read_binary_files(source, include_paths=True,
                                        file_extensions=["jsonl", "ndjson", "json", "gz"])
        ds = ds.map_batches(_split_lines, batch_format="pyarrow", batch_size=1)
        ds = ds.map_batches(LineBatchNormalizer, fn_constructor_args=(copts, single), batch_format="pyarrow",
                            batch_size=CHUNK_LINES, compute=_actor_pool(ray, None))
        out = _AtomicOutput(dest)
        with out as fh:
            for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
                found = 0
                for path, n, line, error, tally in zip(*(batch.column(c).to_pylist() for c in
                                                         ("path", "line_no", "out", "error", "tally"))):
                    if error is not None:
                        progress.message(f"mtnorm: {source if single else path}:{n}: {error}")
                        report.errors += 1
                        report.stats.errors += 1
                        if strict:
                            report.stopped = True
                            break
                    fh.write(line.encode("utf-8") + b"\n")
                    if tally is not None:
                        t = pickle.loads(tally)
                        report.stats.add(t)
                        report.failing |= _fails(t, copts)
                        found += len(t.findings)
                progress.update(docs=batch.num_rows, findings=found)
                if report.stopped:
                    break
            out.keep = not report.stopped
        return report
    finally:
        ctx.execution_options.preserve_order, ctx.enable_progress_bars = saved
        progress.close()
        if started:
            ray.shutdown()
