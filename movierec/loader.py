"""The load pipeline: source → records → tokens → Doc2Vec → genre classifier → PostgreSQL."""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from movierec import migrate
from movierec.collaborative import CollaborativeParams
from movierec.corpus import CorpusBuilder
from movierec.database import connect, database_url
from movierec.embeddings import Doc2VecParams
from movierec.errors import MovierecError
from movierec.hybrid import HybridParams
from movierec.progress import Stages
from movierec.records import MovieRecord, PackedRecords, Rating, Reject
from movierec.rejects import RejectLog
from movierec.sources import open_source

logger = logging.getLogger(__name__)

MIN_MOVIES = 10
ENCODERS = ("doc2vec", "minilm")
DEFAULT_COLLABORATIVE = CollaborativeParams()


@dataclass
class Catalogue:
    """The movies a load writes, in id order: database id, source name and record.

    Records are kept packed, about their size in the source, so that a million-movie load
    holds them in hundreds of MB rather than GBs; the labels and years that training reads
    several times are kept unpacked beside them.
    """

    ids: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    records: PackedRecords = field(default_factory=PackedRecords)
    genres: list[list[str]] = field(default_factory=list)
    """Each movie's labelled genres."""
    years: list[int | None] = field(default_factory=list)
    merged: int = 0
    """Movies of the new source that were already loaded (``--append``)."""
    by_source_id: dict[str, int] = field(default_factory=dict)
    """The new source's movie ids → database ids, for its ratings."""

    def add(self, movie_id: int, source: str, record: MovieRecord) -> None:
        """Append one movie."""
        self.ids.append(movie_id)
        self.sources.append(source)
        self.records.append(record)
        # One string object per genre name, not one per movie and genre.
        self.genres.append([sys.intern(g) for g in record.genres])
        self.years.append(record.year)

    def __len__(self) -> int:
        return len(self.records)


@dataclass
class LoadResult:
    """What a load did: counts, rejects, held-out scores, and seconds per stage."""

    source: str
    movies: int
    labelled: int
    genres: list[str]
    metrics: dict[str, Any]
    rejected: dict[str, Any]
    ratings: int = 0
    merged: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    model_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` form."""
        return {
            "source": self.source,
            "movies": self.movies,
            "labelled": self.labelled,
            "ratings": self.ratings,
            "merged": self.merged,
            "rejected": self.rejected,
            "genres": self.genres,
            "metrics": self.metrics,
            "seconds": self.seconds,
            "total_seconds": round(sum(self.seconds.values()), 3),
            "peak_rss_mb": self.peak_rss_mb,
            "model_id": self.model_id,
        }


def effective_min_genre_count(requested: int, labelled: int) -> int:
    """Small catalogues lower the genre cut-off to 1% of labelled movies (at least 2)."""
    return min(requested, max(2, round(labelled * 0.01)))


def dedupe_key(record: MovieRecord) -> tuple[str, ...]:
    """How ``--append`` recognizes a movie already loaded: imdb id, else title and year."""
    if record.imdb_id:
        return ("imdb", record.imdb_id.lower())
    return ("title", record.title.casefold(), str(record.year))


def _record_of_row(row: dict[str, Any]) -> MovieRecord:
    return MovieRecord(
        source_id=row["source_id"],
        title=row["title"],
        year=row["year"],
        genres=list(row["genres"]),
        director=row["director"],
        writer=row["writer"],
        cast=list(row["cast_members"]),
        runtime_minutes=row["runtime_minutes"],
        language=row["language"],
        country=row["country"],
        content_rating=row["content_rating"],
        rating=row["rating"],
        votes=row["votes"],
        released=row["released"],
        imdb_id=row["imdb_id"],
        overview=row["overview"],
        tagline=row["tagline"],
        keywords=list(row["keywords"]),
    )


def build_catalogue(
    source: str, new: Iterable[MovieRecord], existing: Iterable[dict[str, Any]] | None
) -> Catalogue:
    """Number the movies: existing ones keep their ids, new ones follow (``--append``).

    ``new`` is consumed as it is read, so a source's records are never all held unpacked.
    """
    catalogue = Catalogue()
    known: dict[tuple[str, ...], int] = {}
    for row in existing or []:
        record = _record_of_row(row)
        catalogue.add(row["id"], row["source"], record)
        known.setdefault(dedupe_key(record), row["id"])
    next_id = max(catalogue.ids, default=0) + 1
    for record in new:
        # Only movies already loaded count as duplicates: within one source, two rows with the
        # same title and year (or a shared imdb id) are the source's own business.
        key = dedupe_key(record)
        if key in known:
            catalogue.merged += 1
            catalogue.by_source_id[record.source_id] = known[key]
            continue
        catalogue.by_source_id[record.source_id] = next_id
        catalogue.add(next_id, source, record)
        next_id += 1
    return catalogue


def _movie_rows(
    catalogue: Catalogue,
    vectors: np.ndarray[Any, Any],
    genres: list[str],
    probabilities: np.ndarray[Any, Any],
    chosen: np.ndarray[Any, Any],
) -> Iterator[tuple[Any, ...]]:
    # Predicted genres and scores are made row by row: as Python lists and dicts they would
    # take about 1.5 KB per movie, which a million-movie load cannot afford all at once.
    names = np.asarray(genres, dtype=object)
    for i, r in enumerate(catalogue.records):
        scores = dict(
            zip(genres, np.round(probabilities[i].astype(np.float64), 4).tolist(), strict=True)
        )
        yield (
            catalogue.ids[i], catalogue.sources[i], r.source_id, r.imdb_id, r.title, r.year,
            r.genres, names[chosen[i]].tolist(), scores, vectors[i], r.director, r.writer, r.cast,
            r.runtime_minutes, r.language, r.country, r.content_rating, r.rating, r.votes,
            r.released, r.overview, r.tagline, r.keywords,
        )  # fmt: skip


def _rating_rows(
    items: Iterator[Rating | Reject], by_source_id: dict[str, int], rejects: RejectLog, label: str
) -> Iterator[tuple[Any, ...]]:
    for item in items:
        if isinstance(item, Reject):
            rejects.add(item)
            continue
        movie_id = by_source_id.get(item.movie_source_id)
        if movie_id is None:
            rejects.add(
                Reject(
                    f"{label}: user {item.user_id}",
                    "unknown-movie",
                    f"rating of movie {item.movie_source_id!r}, which is not loaded",
                )
            )
            continue
        yield (item.user_id, movie_id, item.rating, item.rated_at)


def load(
    source_spec: str | None = None,
    *,
    dsn: str | None = None,
    doc2vec: Doc2VecParams | None = None,
    classifier_params: Any = None,
    show_progress: bool = True,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    genre_sep: str | None = None,
    rejects_path: Path | None = None,
    strict: bool = False,
    append: bool = False,
    encoder: str = "doc2vec",
    hybrid_params: HybridParams | None = None,
    collaborative: CollaborativeParams | None = DEFAULT_COLLABORATIVE,
) -> LoadResult:
    """Read a source, train both models and replace the loaded catalogue in one transaction.

    The previous catalogue stays queryable throughout and is kept if anything fails. With
    ``append``, the loaded movies and ratings are kept and the source's are added to them.
    ``encoder`` is the text embedding (``doc2vec`` or ``minilm``); ``collaborative=None``
    leaves ratings out of the embedding (content only).
    """
    from movierec import classifier, embeddings, hybrid, store
    from movierec.collaborative import RatingRow, item_vectors
    from movierec.text import document

    if encoder not in ENCODERS:
        raise MovierecError(f"unknown encoder {encoder!r}; choose one of {', '.join(ENCODERS)}")
    hybrid_params = hybrid_params or HybridParams()
    collab_params = collaborative

    doc2vec = doc2vec or Doc2VecParams()
    clf_params = classifier_params or classifier.ClassifierParams()
    stages = Stages(show=show_progress)
    source = open_source(source_spec, format=format, mapping=mapping, genre_sep=genre_sep)
    dsn = dsn or database_url()
    with stages.stage("migrate"):
        migrate.upgrade(dsn)

    with (
        RejectLog(rejects_path, strict) as rejects,
        connect(dsn) as conn,
        store.load_lock(conn),
    ):
        with stages.stage("read") as advance:
            existing = store.existing_movies(conn) if append else None
            read = 0

            def movies() -> Iterator[MovieRecord]:
                nonlocal read
                for item in source.movies():
                    if isinstance(item, Reject):
                        rejects.add(item)
                    else:
                        read += 1
                        advance(1)
                        yield item

            catalogue = build_catalogue(source.name, movies(), existing)
            conn.rollback()
        if not read:
            raise MovierecError(
                f"{source.label}: no movies to load ({rejects.summary()})"
                + (f"; first: {rejects.examples[0]}" if rejects.examples else "")
            )
        if len(catalogue) < MIN_MOVIES:
            raise MovierecError(
                f"{source.label}: {len(catalogue)} movies; a load needs at least {MIN_MOVIES}"
            )

        records = catalogue.records
        if hybrid_params.text_weight is None:
            hybrid_params = dataclasses.replace(
                hybrid_params, text_weight=hybrid.auto_text_weight(records)
            )
        with stages.stage("tokenize", total=len(records)) as advance:
            builder = CorpusBuilder()
            for record in records:
                builder.append(document(record))
                advance(1)
            documents = builder.build()
            del builder

        if encoder == "minilm":
            from movierec import minilm

            d2v = None
            with stages.stage("minilm", total=len(records)) as advance:
                text_vectors = minilm.encode(records, advance)
            mean = np.zeros(text_vectors.shape[1], dtype=np.float32)
        else:
            with stages.stage("doc2vec", total=doc2vec.epochs) as advance:
                d2v = embeddings.train(documents, doc2vec, on_epoch=lambda: advance(1))
                raw = embeddings.document_vectors(d2v, len(records))
                embeddings.release_document_vectors(d2v)
                text_vectors, mean = embeddings.center(raw)
                del raw

        labelled = [i for i, g in enumerate(catalogue.genres) if g]
        min_count = effective_min_genre_count(clf_params.min_genre_count, len(labelled))
        genres = classifier.genre_vocabulary([catalogue.genres[i] for i in labelled], min_count)
        if not genres or len(labelled) < MIN_MOVIES:
            raise MovierecError(
                f"{source.label}: {len(labelled)} movies have genres and no genre is labelled on "
                f"{min_count}+ movies; the classifier needs labelled genres to learn from"
            )
        with stages.stage("classifier", total=clf_params.max_epochs) as advance:
            x = text_vectors[labelled]
            y = classifier.multi_hot([catalogue.genres[i] for i in labelled], genres)
            train_idx, val_idx, test_idx = classifier.split_indices(
                len(labelled),
                clf_params.validation_fraction,
                clf_params.test_fraction,
                clf_params.seed,
            )
            docs = documents.take(labelled)
            fitted = classifier.train(
                docs,
                x,
                y,
                train_idx,
                val_idx,
                genres,
                clf_params,
                on_epoch=lambda e, loss: advance(1),
            )
            test_pred = classifier.apply_thresholds(
                fitted.probabilities(docs.take(test_idx), x[test_idx]), fitted.thresholds
            )
            metrics = classifier.f1_scores(y[test_idx], test_pred, genres)
            metrics.update(
                test_movies=len(test_idx),
                train_movies=len(train_idx),
                validation_movies=len(val_idx),
                epochs=fitted.epochs_run,
            )
            probabilities = fitted.probabilities(documents, text_vectors)
            chosen = classifier.apply_thresholds(probabilities, fitted.thresholds)
            del docs, x

        spectrum_params = None
        if hybrid_params.genre_spectrum:
            from movierec import spectrum

            spectrum_params = spectrum.SpectrumParams()
            with stages.stage("spectrum", total=spectrum_params.epochs) as advance:
                profile = hybrid.genre_profile(catalogue.genres, probabilities, genres)
                spectrum_inputs = spectrum.inputs(profile, text_vectors)
                fitted.spectrum = spectrum.train(
                    spectrum_inputs[labelled], y, spectrum_params, on_epoch=lambda: advance(1)
                )

        movie_indexes = store.index_definitions(conn, store.MOVIES)
        rating_indexes = store.index_definitions(conn, store.RATINGS)
        with stages.stage("ratings") as advance:
            store.create_staging(conn, store.RATINGS)
            if append:
                store.copy_live_ratings(conn)
            rows = _rating_rows(source.ratings(), catalogue.by_source_id, rejects, source.label)
            store.copy_rows(conn, rows, advance, store.RATINGS)
            rejects.add_many(
                store.dedupe_ratings(conn),
                Reject(
                    source.label,
                    "duplicate-rating",
                    "a later rating of the same movie by the same user is kept",
                ),
            )
        with stages.stage("embed") as advance:
            rated = np.zeros(len(records), dtype=bool)
            collab_vectors = np.zeros((len(records), 0), dtype=np.float32)
            if collab_params is not None:
                staged = [
                    RatingRow(int(u), int(m), float(r), t)
                    for u, m, r, t in store.staged_ratings(conn)
                ]
                if staged:
                    collab_vectors, rated = item_vectors(staged, catalogue.ids, collab_params)
            collab_dims = collab_vectors.shape[1] if rated.any() else 0
            layout = hybrid.Layout(
                content_dims=hybrid.DIMS - collab_dims,
                collaborative_dims=collab_dims,
                content_share=hybrid_params.content_share if collab_dims else 1.0,
            )
            features = hybrid.features_of(
                text_vectors,
                catalogue.genres,
                catalogue.years,
                probabilities,
                genres,
                hybrid_params,
                fitted.spectrum,
            )
            projection = hybrid.Projection.fit(features, layout.content_dims)
            content = projection.apply(features)
            if collab_dims:
                vectors = hybrid.combine(content, collab_vectors, rated, layout.content_share)
            else:
                vectors = content
            advance(len(records))

        model = store.ModelRow(
            source=source.name,
            doc2vec=embeddings.to_bytes(d2v) if d2v is not None else b"",
            classifier=classifier.to_bytes(fitted),
            genre_vocab=genres,
            thresholds=[float(t) for t in fitted.thresholds],
            params={
                "encoder": encoder,
                "text_dims": int(text_vectors.shape[1]),
                "doc2vec": doc2vec.as_dict(),
                "classifier": clf_params.as_dict(),
                "min_genre_count": min_count,
                "embedding_mean": [round(float(v), 7) for v in mean],
                "text": "title, overview, tagline, keywords, people, language, country, decade; no genres",
                "classifier_inputs": f"TF-IDF token bag (linear) + {encoder} embedding (MLP)",
                "hybrid": hybrid_params.as_dict(),
                "spectrum": spectrum_params.as_dict() if spectrum_params else None,
                "collaborative": collab_params.as_dict() if collab_params else None,
                "layout": layout.as_dict(),
                "projection": projection.as_json(),
                "rated_movies": int(rated.sum()),
            },
            metrics=metrics,
        )

        with stages.stage("copy", total=len(records)) as advance:
            store.create_staging(conn, store.MOVIES)
            rows = _movie_rows(catalogue, vectors, genres, probabilities, chosen)
            store.copy_rows(conn, rows, advance)
        with stages.stage("index", total=len(movie_indexes) + len(rating_indexes)) as advance:
            store.build_indexes(conn, movie_indexes, advance, store.MOVIES)
            store.build_indexes(conn, rating_indexes, advance, store.RATINGS)
        with stages.stage("swap"):
            model_id = store.swap(
                conn, [(store.MOVIES, movie_indexes), (store.RATINGS, rating_indexes)], model
            )
            rating_count = conn.execute("select count(*) from ratings").fetchone()
            conn.commit()

    return LoadResult(
        source=source.name,
        movies=len(records),
        labelled=len(labelled),
        genres=genres,
        metrics=metrics,
        rejected=rejects.as_json(),
        ratings=int(rating_count[0]) if rating_count else 0,
        merged=catalogue.merged,
        seconds=stages.seconds,
        peak_rss_mb=stages.peak_rss_mb,
        model_id=model_id,
    )
