"""mtnorm as datatrove pipeline steps.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from normalizer.integrations.datatrove import MtnormFilter, MtnormFormatter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("news/"),
        MtnormFormatter(),                         # rewrites doc.text, findings in doc.metadata["mtnorm"]
        MtnormFilter(drop_machine_translated=True, # or keep everything and only tag
                     exclusion_writer=JsonlWriter("news-mt/")),
        JsonlWriter("news-clean/"),
    ], tasks=4).run()

Both steps call :func:`normalizer.corpus.normalize_record`, so a document comes out as it does
from ``mtnorm corpus``. The Normalizer is built once per worker process, on the first document.
"""

from __future__ import annotations

import json
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from ..corpus import META_FIELD, CorpusOptions, normalize_record
from ..options import Options


def _options(mode: str, options: Options | None, level: str | None, metadata_key: str,
             option_kwargs: dict[str, Any]) -> CorpusOptions:
    return CorpusOptions.make(options, mode=mode, level=level, text_field="text", id_field="id",
                              meta_field=metadata_key, source="datatrove", **option_kwargs)


def _annotate(step, doc: Document, copts: CorpusOptions, as_json: bool) -> dict[str, Any]:
    """Run mtnorm on ``doc``: set its text (fix mode) and its metadata; return the summary."""
    out = normalize_record({"text": doc.text, "id": doc.id}, copts)
    doc.text = out["text"]
    meta = out[copts.meta_field]
    # Writers that need a fixed schema (Parquet) want a string rather than nested findings.
    doc.metadata[copts.meta_field] = json.dumps(meta, ensure_ascii=False) if as_json else meta
    summary = meta["summary"]
    step.stat_update("mtnorm_findings", value=summary["findings"])
    if summary["machine_translated"]:
        step.stat_update("mtnorm_machine_translated")
    if summary["changed"]:
        step.stat_update("mtnorm_changed")
    return summary


class MtnormFormatter(BaseFormatter):
    """Replaces each document's text with its normalized text and records the findings, a
    summary and the edits (enough to undo) in ``doc.metadata["mtnorm"]``."""

    name = "🧹 mtnorm normalize"

    def __init__(self, level: str | None = None, options: Options | None = None,
                 metadata_key: str = META_FIELD, metadata_as_json: bool = False, **option_kwargs: Any):
        super().__init__()
        self.copts = _options("fix", options, level, metadata_key, option_kwargs)
        self.metadata_as_json = metadata_as_json

    def format(self, text: str) -> str:
        return normalize_record({"text": text}, self.copts)["text"]

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                _annotate(self, doc, self.copts, self.metadata_as_json)
            yield doc


class MtnormFilter(BaseFilter):
    """Records findings and a summary in ``doc.metadata["mtnorm"]``, text untouched. Keeps
    every document unless ``drop_machine_translated``: then documents that look
    machine-translated are dropped (reason ``mtnorm_machine_translated``) or, with an
    ``exclusion_writer``, written there."""

    name = "🔎 mtnorm check"

    def __init__(self, drop_machine_translated: bool = False, exclusion_writer=None,
                 options: Options | None = None, metadata_key: str = META_FIELD,
                 metadata_as_json: bool = False, **option_kwargs: Any):
        super().__init__(exclusion_writer)
        self.copts = _options("check", options, None, metadata_key, option_kwargs)
        self.drop_machine_translated = drop_machine_translated
        self.metadata_as_json = metadata_as_json

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        summary = _annotate(self, doc, self.copts, self.metadata_as_json)
        if self.drop_machine_translated and summary["machine_translated"]:
            return False, "mtnorm_machine_translated"
        return True
