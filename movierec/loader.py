"""The load pipeline: source → records → tokens → Doc2Vec → genre classifier → PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from movierec import migrate
from movierec.database import connect, database_url
from movierec.embeddings import Doc2VecParams
from movierec.errors import MovierecError
from movierec.progress import Stages
from movierec.records import MovieRecord
from movierec.sources import open_source

logger = logging.getLogger(__name__)

MIN_MOVIES = 10


@dataclass
class LoadResult:
    """What a load did: counts, held-out scores, and seconds per stage."""

    source: str
    movies: int
    labelled: int
    genres: list[str]
    metrics: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)
    model_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` form."""
        return {
            "source": self.source,
            "movies": self.movies,
            "labelled": self.labelled,
            "genres": self.genres,
            "metrics": self.metrics,
            "seconds": self.seconds,
            "total_seconds": round(sum(self.seconds.values()), 3),
            "model_id": self.model_id,
        }


def effective_min_genre_count(requested: int, labelled: int) -> int:
    """Small catalogues lower the genre cut-off to 1% of labelled movies (at least 2)."""
    return min(requested, max(2, round(labelled * 0.01)))


def _rows(
    source: str,
    records: list[MovieRecord],
    vectors: np.ndarray[Any, Any],
    predicted: list[list[str]],
    scores: list[dict[str, float]],
) -> Iterator[tuple[Any, ...]]:
    for i, r in enumerate(records):
        yield (
            i + 1,
            source,
            r.source_id,
            r.imdb_id,
            r.title,
            r.year,
            r.genres,
            predicted[i],
            scores[i],
            vectors[i],
            r.director,
            r.writer,
            r.cast,
            r.runtime_minutes,
            r.language,
            r.country,
            r.content_rating,
            r.rating,
            r.votes,
            r.released,
            r.overview,
        )


def load(
    source_spec: str | None = None,
    *,
    dsn: str | None = None,
    doc2vec: Doc2VecParams | None = None,
    classifier_params: Any = None,
    show_progress: bool = True,
) -> LoadResult:
    """Read a source, train both models and replace the loaded catalogue in one transaction.

    The previous catalogue stays queryable throughout and is kept if anything fails.
    """

    from movierec import classifier, embeddings, store
    from movierec.text import document

    doc2vec = doc2vec or Doc2VecParams()
    clf_params = classifier_params or classifier.ClassifierParams()
    stages = Stages(show=show_progress)
    source = open_source(source_spec)

    with stages.stage("read") as advance:
        records = []
        for record in source.records():
            records.append(record)
            advance(1)
    if len(records) < MIN_MOVIES:
        raise MovierecError(
            f"{source.path}: {len(records)} movies read; a load needs at least {MIN_MOVIES}"
        )
    source_ids = {r.source_id for r in records}
    if len(source_ids) != len(records):
        raise MovierecError(f"{source.path}: movie ids repeat; each id must be unique")

    with stages.stage("tokenize", total=len(records)) as advance:
        documents = []
        for record in records:
            documents.append(document(record))
            advance(1)

    with stages.stage("doc2vec", total=doc2vec.epochs) as advance:
        d2v = embeddings.train(documents, doc2vec, on_epoch=lambda: advance(1))
        vectors, mean = embeddings.center(embeddings.document_vectors(d2v, len(records)))

    labelled = [i for i, r in enumerate(records) if r.genres]
    min_count = effective_min_genre_count(clf_params.min_genre_count, len(labelled))
    genres = classifier.genre_vocabulary([records[i].genres for i in labelled], min_count)
    if len(genres) < 1 or len(labelled) < MIN_MOVIES:
        raise MovierecError(
            f"{source.path}: {len(labelled)} movies have genres and no genre is labelled on "
            f"{min_count}+ movies; the classifier needs labelled genres to learn from"
        )
    with stages.stage("classifier", total=clf_params.max_epochs) as advance:
        x = vectors[labelled]
        y = classifier.multi_hot([records[i].genres for i in labelled], genres)
        train_idx, val_idx, test_idx = classifier.split_indices(
            len(labelled), clf_params.validation_fraction, clf_params.test_fraction, clf_params.seed
        )
        fitted = classifier.train(
            x, y, train_idx, val_idx, genres, clf_params, on_epoch=lambda e, loss: advance(1)
        )
        test_pred = classifier.apply_thresholds(
            fitted.probabilities(x[test_idx]), fitted.thresholds
        )
        metrics = classifier.f1_scores(y[test_idx], test_pred, genres)
        metrics.update(
            test_movies=len(test_idx),
            train_movies=len(train_idx),
            validation_movies=len(val_idx),
            epochs=fitted.epochs_run,
        )
        probabilities = fitted.probabilities(vectors)
        chosen = classifier.apply_thresholds(probabilities, fitted.thresholds)
        predicted = [[genres[j] for j in np.flatnonzero(row)] for row in chosen]
        scores = [
            {g: round(float(p), 4) for g, p in zip(genres, row, strict=True)}
            for row in probabilities
        ]

    model = store.ModelRow(
        source=source.name,
        doc2vec=embeddings.to_bytes(d2v),
        classifier=classifier.to_bytes(fitted),
        genre_vocab=genres,
        thresholds=[float(t) for t in fitted.thresholds],
        params={
            "doc2vec": doc2vec.as_dict(),
            "classifier": clf_params.as_dict(),
            "min_genre_count": min_count,
            "embedding_mean": [round(float(v), 7) for v in mean],
            "text": "title, director, writer, cast, language, country, decade, rating; no genres",
        },
        metrics=metrics,
    )

    dsn = dsn or database_url()
    with stages.stage("migrate"):
        migrate.upgrade(dsn)
    with connect(dsn) as conn, store.load_lock(conn):
        indexes = store.index_definitions(conn)
        with stages.stage("copy", total=len(records)) as advance:
            store.create_staging(conn)
            rows = _rows(source.name, records, vectors, predicted, scores)
            store.copy_rows(conn, rows, advance)
        with stages.stage("index", total=len(indexes)) as advance:
            store.build_indexes(conn, indexes, advance)
        with stages.stage("swap"):
            model_id = store.swap(conn, indexes, model)
            conn.commit()

    return LoadResult(
        source=source.name,
        movies=len(records),
        labelled=len(labelled),
        genres=genres,
        metrics=metrics,
        seconds=stages.seconds,
        model_id=model_id,
    )
