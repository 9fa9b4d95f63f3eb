"""``movierec load``: source → catalogue → tokens → text vectors → genres → vectors → COPY.

Each stage is a function below, in the order :func:`load` runs them. Everything the database
sees happens in one transaction at the end (:func:`write`), so a failed load changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import psycopg

from movierec.classifier import ClassifierParams, TrainedClassifier
from movierec.database import migrate, store
from movierec.database.connection import connect
from movierec.errors import MovierecError
from movierec.pipeline import models
from movierec.pipeline.catalogue import Catalogue, build_catalogue
from movierec.pipeline.progress import Stages
from movierec.pipeline.rejects import RejectLog
from movierec.records import (
    EMBEDDING_DIMS,
    MOVIE_COLUMNS,
    MovieRecord,
    Rating,
    RatingRow,
    Reject,
    nul_field,
)
from movierec.sources import open_source
from movierec.text.corpus import Corpus
from movierec.vectors.collaborative import CollaborativeParams
from movierec.vectors.content import ContentParams, Projection
from movierec.vectors.creators import CreatorsModel, SparseRow
from movierec.vectors.doc2vec import Doc2VecParams

logger = logging.getLogger(__name__)

MIN_MOVIES = 2
"""A catalogue of one film has nothing to recommend."""
MIN_CLASSIFIER_MOVIES = 20
"""Below this many labelled films no classifier is trained: too few to split into training,
validation and test films. The predicted genres are then the labelled ones."""
ENCODERS = ("doc2vec", "minilm")

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class LoadOptions:
    """Everything ``movierec load`` can be told, besides the source and the database."""

    format: str | None = None
    """The source's format; None: detected from its name and header."""
    mapping: dict[str, str] = field(default_factory=dict)
    """CSV / JSON Lines: field → column name."""
    genre_sep: str | None = None
    """CSV / JSON Lines: the separator of genre lists (default: | or ,)."""
    rejects_path: Path | None = None
    """Write every rejected row to this CSV file."""
    strict: bool = False
    """Fail on the first rejected row."""
    append: bool = False
    """Keep the loaded movies and ratings and add the source's (deduplicated)."""
    encoder: str = "doc2vec"
    """The text embedding: doc2vec or minilm."""
    doc2vec: Doc2VecParams = field(default_factory=Doc2VecParams)
    classifier: ClassifierParams = field(default_factory=ClassifierParams)
    content: ContentParams = field(default_factory=ContentParams)
    collaborative: CollaborativeParams | None = field(default_factory=CollaborativeParams)
    """None: no collaborative factors, even when the source has ratings."""
    ratings_from: str | None = None
    """Another source whose ratings to use: its films matched to the catalogue's by imdb id,
    else by title and year (``--ratings``)."""
    show_progress: bool = True
    """Progress bars on stderr."""


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
    notes: list[str] = field(default_factory=list)
    """What the models could not do with this catalogue (a small one, say), in words."""

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
            "notes": self.notes,
            "seconds": self.seconds,
            "total_seconds": round(sum(self.seconds.values()), 3),
            "peak_rss_mb": self.peak_rss_mb,
            "model_id": self.model_id,
        }


@dataclass
class TextVectors:
    """The text embedding of every movie, and what ``add`` needs to embed new ones alike."""

    vectors: FloatArray
    mean: FloatArray
    doc2vec: Any = None
    """The trained gensim model (None for MiniLM, which is not trained)."""


@dataclass
class Genres:
    """What the classifier made of the catalogue (or the labels, when it was too small)."""

    vocabulary: list[str]
    probabilities: FloatArray
    """One row per movie, one column per genre."""
    chosen: npt.NDArray[np.bool_]
    """The predicted genres: probabilities past each genre's threshold."""
    metrics: dict[str, Any]
    min_count: int
    fitted: TrainedClassifier | None = None
    spectrum: Any = None
    """The genre-spectrum model, with ``--genre-spectrum``."""
    spectrum_params: dict[str, Any] | None = None


@dataclass
class StoredVectors:
    """The vectors COPY writes, and how they were made."""

    embedding: FloatArray
    """The dense content embedding, one row per movie."""
    projection: Projection
    factors: FloatArray
    """Collaborative factors (zero rows for unrated movies)."""
    rated: npt.NDArray[np.bool_]
    creators: list[SparseRow | None]
    creators_model: CreatorsModel


class MovieSource(Protocol):
    """What a load reads: movies and ratings (or rejects), and names for messages."""

    @property
    def name(self) -> str:
        """Stored in ``movies.source``."""

    @property
    def label(self) -> str:
        """How messages name it (a file's path)."""

    def movies(self) -> Iterator[MovieRecord | Reject]: ...

    def ratings(self) -> Iterator[Rating | Reject]: ...


def load(
    source_spec: str | MovieSource | None, dsn: str, options: LoadOptions | None = None
) -> LoadResult:
    """Read a source (a sample name, a file or folder, or a MovieSource), train the models
    and replace the loaded catalogue in one transaction.

    The previous catalogue stays queryable throughout and is kept if anything fails. With
    ``options.append``, the loaded movies and ratings are kept and the source's added.
    """
    options = options or LoadOptions()
    if options.encoder not in ENCODERS:
        raise MovierecError(
            f"unknown encoder {options.encoder!r}; choose one of {', '.join(ENCODERS)}"
        )
    stages = Stages(show=options.show_progress)
    source: MovieSource
    if source_spec is None or isinstance(source_spec, str):
        source = open_source(
            source_spec,
            format=options.format,
            mapping=options.mapping,
            genre_sep=options.genre_sep,
        )
    else:
        source = source_spec
    with stages.stage("migrate"):
        migrate.upgrade(dsn)
    with (
        RejectLog(options.rejects_path, options.strict) as rejects,
        connect(dsn) as conn,
        store.load_lock(conn),
    ):
        catalogue = read(conn, source, rejects, options.append, stages)
        content = options.content
        if content.text_weight is None:
            from movierec.vectors.content import auto_text_weight

            content = dataclasses.replace(content, text_weight=auto_text_weight(catalogue.records))
        documents = tokenize(catalogue, stages)
        text = embed_text(catalogue, documents, options, stages)
        genres = classify(catalogue, documents, text.vectors, options.classifier, stages)
        if content.genre_spectrum:
            train_spectrum(catalogue, genres, text.vectors, stages)
        ratings = stage_ratings(
            conn, source, catalogue, rejects, options.append, stages, options.ratings_from
        )
        stored = vectors(
            catalogue, text.vectors, genres, content, options.collaborative, ratings, stages
        )
        model = models.model_row(source.name, options, content, text, genres, stored)
        model_id, rating_count = write(conn, catalogue, stored, genres, model, stages)
    return LoadResult(
        source=source.name,
        movies=len(catalogue),
        labelled=len(catalogue.labelled),
        genres=genres.vocabulary,
        metrics=genres.metrics,
        rejected=rejects.as_json(),
        ratings=rating_count,
        merged=catalogue.merged,
        seconds=stages.seconds,
        peak_rss_mb=stages.peak_rss_mb,
        model_id=model_id,
        notes=notes(catalogue, genres, text),
    )


def read(
    conn: psycopg.Connection[Any],
    source: MovieSource,
    rejects: RejectLog,
    append: bool,
    stages: Stages,
) -> Catalogue:
    """The source's movies (after the loaded ones, with ``append``), rejects counted."""
    with stages.stage("read") as advance:
        existing = store.existing_movies(conn) if append else None
        read = 0

        def movies() -> Iterator[MovieRecord]:
            nonlocal read
            for item in source.movies():
                if isinstance(item, MovieRecord) and (bad := nul_field(item)) is not None:
                    item = Reject(
                        f"{source.label}: movie {item.source_id!r}",
                        "bad-value",
                        f"{bad!r} holds a NUL byte, which text cannot hold",
                    )
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
            f"{source.label}: {len(catalogue)} movie; a catalogue needs at least {MIN_MOVIES} "
            "to recommend anything"
        )
    return catalogue


def tokenize(catalogue: Catalogue, stages: Stages) -> Corpus:
    """Every movie's tokens (movierec.text.tokens), as one compact corpus."""
    from movierec.text.corpus import CorpusBuilder
    from movierec.text.tokens import document

    with stages.stage("tokenize", total=len(catalogue)) as advance:
        builder = CorpusBuilder()
        for record in catalogue.records:
            builder.append(document(record))
            advance(1)
        return builder.build()


def embed_text(
    catalogue: Catalogue, documents: Corpus, options: LoadOptions, stages: Stages
) -> TextVectors:
    """Text vectors: Doc2Vec trained on the catalogue, or the pretrained MiniLM."""
    if options.encoder == "minilm":
        from movierec.vectors import minilm

        with stages.stage("minilm", total=len(catalogue)) as advance:
            vectors = minilm.encode(catalogue.records, advance)
        return TextVectors(vectors, np.zeros(vectors.shape[1], dtype=np.float32))
    from movierec.vectors import doc2vec

    params = options.doc2vec
    with stages.stage("doc2vec", total=params.epochs) as advance:
        model = doc2vec.train(documents, params, on_epoch=lambda: advance(1))
        raw = doc2vec.document_vectors(model, len(catalogue))
        doc2vec.release_document_vectors(model)
        vectors, mean = doc2vec.center(raw)
    return TextVectors(vectors, mean, model)


def classify(
    catalogue: Catalogue,
    documents: Corpus,
    text: FloatArray,
    params: ClassifierParams,
    stages: Stages,
) -> Genres:
    """Train the genre classifier on the labelled movies and predict every movie's genres.

    Its scores are measured on held-out labelled movies. With fewer than
    MIN_CLASSIFIER_MOVIES labelled movies none is trained and the labels stand in.
    """
    from movierec import classifier

    labelled = catalogue.labelled
    min_count = effective_min_genre_count(params.min_genre_count, len(labelled))
    vocabulary = classifier.genre_vocabulary([catalogue.genres[i] for i in labelled], min_count)
    if len(labelled) < MIN_CLASSIFIER_MOVIES or len(vocabulary) < 2:
        return labelled_genres(catalogue)
    with stages.stage("classifier", total=params.max_epochs) as advance:
        x = text[labelled]
        y = classifier.multi_hot([catalogue.genres[i] for i in labelled], vocabulary)
        train_idx, val_idx, test_idx = classifier.split_indices(
            len(labelled), params.validation_fraction, params.test_fraction, params.seed
        )
        docs = documents.take(labelled)
        fitted = classifier.train(
            docs, x, y, train_idx, val_idx, vocabulary, params, on_epoch=lambda e, loss: advance(1)
        )
        test_pred = classifier.apply_thresholds(
            fitted.probabilities(docs.take(test_idx), x[test_idx]), fitted.thresholds
        )
        metrics = classifier.f1_scores(y[test_idx], test_pred, vocabulary)
        metrics.update(
            test_movies=len(test_idx),
            train_movies=len(train_idx),
            validation_movies=len(val_idx),
            epochs=fitted.epochs_run,
        )
        probabilities = fitted.probabilities(documents, text)
        chosen = classifier.apply_thresholds(probabilities, fitted.thresholds)
    return Genres(vocabulary, probabilities, chosen, metrics, min_count, fitted)


def effective_min_genre_count(requested: int, labelled: int) -> int:
    """Small catalogues lower the genre cut-off to 1% of labelled movies (at least 2)."""
    return min(requested, max(2, round(labelled * 0.01)))


def labelled_genres(catalogue: Catalogue) -> Genres:
    """The labels as the predicted genres, for a catalogue too small to train a classifier."""
    vocabulary = sorted({g for labels in catalogue.genres for g in labels})
    column = {g: j for j, g in enumerate(vocabulary)}
    chosen = np.zeros((len(catalogue), len(vocabulary)), dtype=bool)
    for i, labels in enumerate(catalogue.genres):
        chosen[i, [column[g] for g in labels]] = True
    metrics: dict[str, Any] = {
        "micro_f1": None,
        "macro_f1": None,
        "per_genre": {},
        "test_movies": 0,
        "trained": False,
    }
    return Genres(vocabulary, chosen.astype(np.float32), chosen, metrics, 1)


def train_spectrum(catalogue: Catalogue, genres: Genres, text: FloatArray, stages: Stages) -> None:
    """``--genre-spectrum``: train the mixup genre model whose layer replaces the profile."""
    from movierec import classifier
    from movierec.vectors import content, spectrum

    params = spectrum.SpectrumParams()
    labelled = catalogue.labelled
    with stages.stage("spectrum", total=params.epochs) as advance:
        profile = content.genre_profile(catalogue.genres, genres.probabilities, genres.vocabulary)
        inputs = spectrum.inputs(profile, text)
        y = classifier.multi_hot([catalogue.genres[i] for i in labelled], genres.vocabulary)
        genres.spectrum = spectrum.train(inputs[labelled], y, params, on_epoch=lambda: advance(1))
        genres.spectrum_params = params.as_dict()


def stage_ratings(
    conn: psycopg.Connection[Any],
    source: MovieSource,
    catalogue: Catalogue,
    rejects: RejectLog,
    append: bool,
    stages: Stages,
    ratings_from: str | None = None,
) -> list[RatingRow]:
    """COPY the source's ratings (or those of ``ratings_from``, matched to the catalogue's
    films; with ``append``, the loaded ones too) into ratings_staging; returns them as stored,
    duplicates dropped."""
    with stages.stage("ratings") as advance:
        store.create_staging(conn, store.RATINGS)
        if append:
            store.copy_live_ratings(conn)
        if ratings_from is None:
            items, by_source_id, strict = source.ratings(), catalogue.by_source_id, True
            label = source.label
        else:
            other = open_source(ratings_from)
            by_source_id = match_films(catalogue, other, rejects)
            items, strict, label = other.ratings(), False, other.label
        rows = _rating_rows(items, by_source_id, rejects, label, strict)
        store.copy_rows(conn, rows, advance, store.RATINGS)
        rejects.add_many(
            store.dedupe_ratings(conn),
            Reject(
                label,
                "duplicate-rating",
                "a later rating of the same movie by the same user is kept",
            ),
        )
        return [RatingRow(int(u), int(m), float(r), t) for u, m, r, t in store.staged_ratings(conn)]


def match_films(catalogue: Catalogue, other: MovieSource, rejects: RejectLog) -> dict[str, int]:
    """``other``'s film ids → the catalogue's ids: the same imdb id, else the same title key
    and year. Its films that match none are counted as ``unmatched-film``."""
    from movierec.sources.titles import title_key

    by_imdb: dict[str, int] = {}
    by_title: dict[tuple[str, int | None], int] = {}
    for movie_id, record in zip(catalogue.ids, catalogue.records, strict=True):
        if record.imdb_id:
            by_imdb.setdefault(record.imdb_id.lower(), movie_id)
        by_title.setdefault((title_key(record.title), record.year), movie_id)
    matched: dict[str, int] = {}
    for item in other.movies():
        if isinstance(item, Reject):
            continue
        found = by_imdb.get(item.imdb_id.lower()) if item.imdb_id else None
        if found is None:
            found = by_title.get((title_key(item.title), item.year))
        if found is None:
            rejects.add(
                Reject(
                    f"{other.label}: movie {item.source_id}",
                    "unmatched-film",
                    f"{item.title} ({item.year or '?'}) is not in the catalogue; its ratings are left out",
                )
            )
            continue
        matched[item.source_id] = found
    if not matched:
        raise MovierecError(f"--ratings {other.label}: none of its films is in the catalogue")
    return matched


def _rating_rows(
    items: Iterator[Rating | Reject],
    by_source_id: dict[str, int],
    rejects: RejectLog,
    label: str,
    strict: bool = True,
) -> Iterator[tuple[Any, ...]]:
    """Rows for ratings_staging; without ``strict``, ratings of films that did not match are
    left out quietly (their films were counted as unmatched)."""
    for item in items:
        if isinstance(item, Reject):
            rejects.add(item)
            continue
        movie_id = by_source_id.get(item.movie_source_id)
        if movie_id is None and not strict:
            continue
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


def vectors(
    catalogue: Catalogue,
    text: FloatArray,
    genres: Genres,
    content: ContentParams,
    collaborative: CollaborativeParams | None,
    ratings: list[RatingRow],
    stages: Stages,
) -> StoredVectors:
    """The three vectors of every movie: content (genres, year, text; PCA to 100 dims),
    creators (sparse TF-IDF of people, title prefixes, keywords, genres) and, when there are
    ratings, collaborative factors."""
    from movierec.text.creators import creator_tokens
    from movierec.vectors import content as content_vectors
    from movierec.vectors.collaborative import FACTOR_DIMS, item_factors

    with stages.stage("vectors", total=3) as advance:
        features = content_vectors.features_of(
            text,
            catalogue.genres,
            catalogue.years,
            genres.probabilities,
            genres.vocabulary,
            content,
            genres.spectrum,
        )
        projection = Projection.fit(features, EMBEDDING_DIMS)
        embedding = projection.apply(features)
        del features
        advance(1)
        factors = np.zeros((len(catalogue), FACTOR_DIMS), dtype=np.float32)
        rated = np.zeros(len(catalogue), dtype=bool)
        if collaborative is not None and ratings:
            factors, rated = item_factors(ratings, catalogue.ids, collaborative)
        advance(1)
        creators_model = CreatorsModel.fit(creator_tokens(r) for r in catalogue.records)
        creators = [creators_model.vector(creator_tokens(r)) for r in catalogue.records]
        advance(1)
    return StoredVectors(embedding, projection, factors, rated, creators, creators_model)


def _movie_rows(
    catalogue: Catalogue, stored: StoredVectors, genres: Genres
) -> Iterator[tuple[Any, ...]]:
    # Predicted genres and scores are made row by row: as Python lists and dicts they would
    # take about 1.5 KB per movie, which a million-movie load cannot afford all at once.
    names = np.asarray(genres.vocabulary, dtype=object)
    made: dict[str, Any] = {}
    order = [(c.name, c.field) for c in MOVIE_COLUMNS]
    for i, record in enumerate(catalogue.records):
        made["id"] = catalogue.ids[i]
        made["source"] = catalogue.sources[i]
        made["predicted_genres"] = names[genres.chosen[i]].tolist()
        made["genre_scores"] = dict(
            zip(
                genres.vocabulary,
                np.round(genres.probabilities[i].astype(np.float64), 4).tolist(),
                strict=True,
            )
        )
        made["embedding"] = stored.embedding[i]
        creators = stored.creators[i]
        made["creators"] = creators
        made["creator_keys"] = creators.indices if creators is not None else None
        made["factors"] = stored.factors[i] if stored.rated[i] else None
        yield tuple(made[name] if attr is None else getattr(record, attr) for name, attr in order)


def write(
    conn: psycopg.Connection[Any],
    catalogue: Catalogue,
    stored: StoredVectors,
    genres: Genres,
    model: store.ModelRow,
    stages: Stages,
) -> tuple[int, int]:
    """COPY the movies into staging, build the live tables' indexes on the staging tables,
    swap them in and store the models, all in one transaction; returns (model id, ratings)."""
    movie_indexes = store.index_definitions(conn, store.MOVIES)
    rating_indexes = store.index_definitions(conn, store.RATINGS)
    with stages.stage("copy", total=len(catalogue)) as advance:
        store.create_staging(conn, store.MOVIES)
        store.copy_rows(conn, _movie_rows(catalogue, stored, genres), advance)
    movie_indexes += store.genre_indexes(conn, movie_indexes, store.MOVIES.staging)
    with stages.stage("index", total=len(movie_indexes) + len(rating_indexes)) as advance:
        store.build_indexes(conn, movie_indexes, advance, store.MOVIES)
        store.build_indexes(conn, rating_indexes, advance, store.RATINGS)
    with stages.stage("swap"):
        model_id = store.swap(
            conn, [(store.MOVIES, movie_indexes), (store.RATINGS, rating_indexes)], model
        )
        row = conn.execute("select count(*) from ratings").fetchone()
        conn.commit()
    return model_id, int(row[0]) if row else 0


def notes(catalogue: Catalogue, genres: Genres, text: TextVectors) -> list[str]:
    """What this catalogue was too small or too bare for, said plainly in the summary."""
    said = []
    labelled = len(catalogue.labelled)
    if genres.fitted is None:
        said.append(
            f"no genre classifier: {labelled} labelled movies (it needs "
            f"{MIN_CLASSIFIER_MOVIES} and two genres); the predicted genres are the labelled ones"
            + (
                ", and movies without labels are compared with all movies"
                if labelled < len(catalogue)
                else ""
            )
        )
    if text.doc2vec is not None and len(catalogue) < 200:
        said.append(
            f"Doc2Vec learnt from only {len(catalogue)} movies: similarity rests mostly on "
            "genres and year"
        )
    return said
