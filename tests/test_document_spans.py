"""Document.from_text builds its spans through ``_NewSpan`` (a plain object that becomes a
Span): each must be a Span in every way one made by ``Span(start, end)`` is."""

import copy
import dataclasses
import pickle

import pytest

from normalizer.document import Document, Span, _spans


def test_built_spans_are_spans():
    built = _spans([0, 3, 7], [2, 9, 7])
    made = [Span(0, 2), Span(3, 9), Span(7, 7)]
    assert built == made
    for b, m in zip(built, made):
        assert type(b) is Span
        assert (b.start, b.end, len(b), hash(b), repr(b)) == (m.start, m.end, len(m), hash(m), repr(m))
        assert b.contains(b.start) == m.contains(m.start)
        assert dataclasses.astuple(b) == dataclasses.astuple(m)
        assert pickle.loads(pickle.dumps(b)) == b and copy.deepcopy(b) == b
        with pytest.raises(dataclasses.FrozenInstanceError):
            b.start = 1


def test_document_spans_are_spans():
    doc = Document.from_text('date 2021-08-30 He said: "It is over." Mr. Smith left.\nNext line.')
    for span in [doc.prefix, *doc.paragraphs, *doc.sentences, *doc.quotes]:
        assert type(span) is Span and span == Span(span.start, span.end)
    assert {doc.sentences[0]: 1}[Span(doc.sentences[0].start, doc.sentences[0].end)] == 1
