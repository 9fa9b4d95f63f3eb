"""The compact token corpus: reads back exactly the documents it was built from."""

from __future__ import annotations

import numpy as np
import pytest

from movierec.text.corpus import Corpus, CorpusBuilder

DOCS = [["heat", "cast:al_pacino", "heat"], [], ["alien", "cast:sigourney_weaver"], ["heat"]]


def test_corpus_reads_back_its_documents() -> None:
    corpus = Corpus.of(DOCS)
    assert len(corpus) == 4
    assert list(corpus) == DOCS
    assert corpus[-1] == ["heat"]
    assert list(corpus[1:3]) == DOCS[1:3]
    assert corpus.lengths().tolist() == [3, 0, 2, 1]
    assert corpus.rows().tolist() == [0, 0, 0, 2, 2, 3]
    with pytest.raises(IndexError):
        corpus[4]


def test_each_distinct_token_is_stored_once() -> None:
    builder = CorpusBuilder()
    for doc in DOCS:
        builder.append(doc)
    corpus = builder.build()
    assert len(builder) == 4
    assert sorted(corpus.vocabulary.tolist()) == sorted({t for d in DOCS for t in d})
    assert corpus.ids.dtype == np.int32
    assert corpus.ids.tolist().count(corpus.vocabulary.tolist().index("heat")) == 3


def test_take_picks_documents_in_the_order_given() -> None:
    corpus = Corpus.of(DOCS)
    taken = corpus.take([3, 0, 1, 0])
    assert list(taken) == [DOCS[3], DOCS[0], DOCS[1], DOCS[0]]
    assert taken.vocabulary is corpus.vocabulary
    assert list(corpus.take([])) == []


def test_of_a_corpus_is_the_same_corpus() -> None:
    corpus = Corpus.of(DOCS)
    assert Corpus.of(corpus) is corpus
