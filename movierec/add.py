"""Adding movies without retraining: embed and classify them with the models in the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from movierec import queries, store
from movierec.errors import MovierecError
from movierec.records import MovieRecord, Reject

ADDED_SOURCE = "added"


@dataclass(frozen=True)
class Added:
    """One movie added: its new id and what the models made of it."""

    id: int
    title: str
    year: int | None
    genres: list[str]
    predicted_genres: list[str]


def _models(conn: psycopg.Connection[Any]) -> Any:
    row = conn.execute(queries.get("store", "current_model").sql).fetchone()
    if row is None:
        raise MovierecError("no trained models in the database; run `movierec load` first")
    return row


def read_records(path: Path) -> list[MovieRecord]:
    """Movies from a JSON file (one object or a list) or a JSON Lines file; any bad one stops."""
    from movierec.sources.tabular import RowError, to_record

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MovierecError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MovierecError(f"{path}: cannot read as UTF-8 ({exc})") from None
    try:
        data = json.loads(text)
        objects = data if isinstance(data, list) else [data]
        lines = list(range(1, len(objects) + 1))
    except json.JSONDecodeError:
        objects, lines = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    objects.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise MovierecError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
                lines.append(number)
    records = []
    for number, obj in zip(lines, objects, strict=True):
        if not isinstance(obj, dict):
            raise MovierecError(f"{path}:{number}: each movie must be a JSON object")
        try:
            records.append(to_record(obj, number, {}, None))
        except RowError as exc:
            raise MovierecError(str(Reject(f"{path}:{number}", exc.reason, str(exc)))) from None
    return records


def _text_vectors(
    records: list[MovieRecord], encoder: str, doc2vec_bytes: bytes, params: dict[str, Any]
) -> Any:
    """The text embeddings of new movies, from the encoder the catalogue was loaded with."""
    if encoder == "minilm":
        from movierec import minilm

        return minilm.encode(records)
    from movierec import embeddings
    from movierec.text import document

    d2v = embeddings.from_bytes(doc2vec_bytes)
    mean = np.asarray(params["embedding_mean"], dtype=np.float32)
    seed = int(params["doc2vec"].get("seed", 42))
    raw = np.stack([embeddings.infer(d2v, document(r), seed=seed) for r in records])
    return embeddings.normalize(raw, mean)


def add_movies(conn: psycopg.Connection[Any], records: list[MovieRecord]) -> list[Added]:
    """Embed, classify and insert ``records`` in one transaction; they are recommendable at once."""
    from movierec import classifier, hybrid
    from movierec.text import document

    doc2vec_bytes, classifier_bytes, vocab, thresholds, params = _models(conn)
    encoder = params.get("encoder", "doc2vec")
    fitted = classifier.from_bytes(
        bytes(classifier_bytes),
        int(params.get("text_dims", params["doc2vec"]["vector_size"])),
        list(vocab),
        list(thresholds),
        classifier.ClassifierParams(**params["classifier"]),
        params.get("spectrum"),
    )
    text_vectors = _text_vectors(records, encoder, bytes(doc2vec_bytes), params)
    hybrid_params = hybrid.HybridParams(**params["hybrid"])
    projection = hybrid.Projection.from_json(params["projection"])
    layout = hybrid.Layout(**params["layout"])
    added = []
    for i, record in enumerate(records):
        tokens = document(record)
        text = text_vectors[i : i + 1]
        probabilities = fitted.probabilities([tokens], text)
        predicted = fitted.predict([tokens], text)[0]
        features = hybrid.features_of(
            text,
            [record.genres],
            [record.year],
            probabilities,
            list(vocab),
            hybrid_params,
            fitted.spectrum,
        )
        # A new movie has no ratings yet: content only, like the catalogue's unrated movies.
        vector = np.zeros(hybrid.DIMS, dtype=np.float32)
        vector[: layout.content_dims] = projection.apply(features)[0]
        probabilities = probabilities[0]
        # Keyed by title and year, so adding the same movie twice is refused.
        source_id = f"{record.title.casefold()}|{record.year or ''}"
        try:
            row = conn.execute(
                queries.get("store", "insert_movie").sql,
                {
                    "source": ADDED_SOURCE,
                    "source_id": source_id,
                    "imdb_id": record.imdb_id,
                    "title": record.title,
                    "year": record.year,
                    "genres": record.genres,
                    "predicted_genres": predicted,
                    "genre_scores": Jsonb(
                        {g: round(float(p), 4) for g, p in zip(vocab, probabilities, strict=True)}
                    ),
                    "embedding": vector,
                    "director": record.director,
                    "writer": record.writer,
                    "cast": record.cast,
                    "runtime_minutes": record.runtime_minutes,
                    "language": record.language,
                    "country": record.country,
                    "content_rating": record.content_rating,
                    "rating": record.rating,
                    "votes": record.votes,
                    "released": record.released,
                    "overview": record.overview,
                    "tagline": record.tagline,
                    "keywords": record.keywords,
                },
            ).fetchone()
        except psycopg.errors.UniqueViolation:
            conn.rollback()
            year = f" ({record.year})" if record.year else ""
            raise MovierecError(
                f"{record.title}{year} was already added; nothing was added"
            ) from None
        assert row is not None
        added.append(Added(int(row[0]), record.title, record.year, record.genres, predicted))
    store.refresh_genre_counts(conn)
    conn.commit()
    return added
