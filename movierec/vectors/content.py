"""The dense embedding: what a film is about (genres, year, text), in 100 dims.

The genre profile (labels, or the classifier's scores when a film has none), a year code and
the text vector (Doc2Vec or MiniLM) are weighted side by side and projected by a PCA fitted on
the catalogue to the schema's 100 dimensions, unit length. Who made a film is the sparse
creators vector's business (vectors/creators.py), what people rate together the factors'
(vectors/collaborative.py); the similarity query blends the three (sql/similar.sql).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from movierec.vectors.norms import unit_rows

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ContentParams:
    """How the parts of the content embedding are weighted."""

    genre_weight: float = 1.0
    """Weight of the genre profile: labelled genres, or the classifier's scores if none."""
    year_weight: float = 0.7
    """Weight of the release year, encoded so that cosine falls as years drift apart."""
    text_weight: float | None = None
    """Weight of the text embedding (Doc2Vec or MiniLM); None: :func:`auto_text_weight`."""
    year_span: float = 60.0
    """Years over which the year code turns a quarter circle (cosine 0)."""
    genre_spectrum: bool = False
    """Use the genre-spectrum embedding (movierec.vectors.spectrum) in place of the genre profile."""

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the models table."""
        return asdict(self)


TEXT_WEIGHT = 0.5
"""The text weight for sources that describe their movies (plot, keywords or people)."""


def auto_text_weight(records: Sequence[Any]) -> float:
    """0.5 when most movies carry text beyond their title, else 0.

    A title alone is too little for Doc2Vec to place a movie: on movielens-small (titles only)
    content-only HR@10 measured 0.018 without the text part and 0.012 with it.
    """
    described = sum(
        1
        for r in records
        if r.overview or r.tagline or r.keywords or r.director or r.writer or r.cast
    )
    return TEXT_WEIGHT if records and described * 2 >= len(records) else 0.0


def genre_profile(
    labelled: Sequence[Sequence[str]], scores: FloatArray, genres: Sequence[str]
) -> FloatArray:
    """Per movie: its labelled genres (multi-hot), or the classifier's scores when it has none."""
    column = {g: j for j, g in enumerate(genres)}
    profile = np.array(scores, dtype=np.float32, copy=True)
    for i, labels in enumerate(labelled):
        known = [column[g] for g in labels if g in column]
        if known:
            profile[i] = 0.0
            profile[i, known] = 1.0
    return unit_rows(profile)


def year_code(years: Sequence[int | None], span: float) -> FloatArray:
    """Two numbers per movie whose dot product is cos(pi/2 * year gap / span); zeros if unknown."""
    code = np.zeros((len(years), 2), dtype=np.float32)
    for i, year in enumerate(years):
        if year is not None:
            angle = (year - 1900) / span * np.pi / 2
            code[i] = (np.cos(angle), np.sin(angle))
    return code


def content_features(
    text: FloatArray, profile: FloatArray, years: FloatArray, params: ContentParams
) -> FloatArray:
    """The weighted parts of the content vector side by side, before projection."""
    return np.hstack(
        [
            params.genre_weight * profile,
            params.year_weight * years,
            (TEXT_WEIGHT if params.text_weight is None else params.text_weight) * unit_rows(text),
        ]
    ).astype(np.float32)


def features_of(
    text: FloatArray,
    labelled: Sequence[Sequence[str]],
    years: Sequence[int | None],
    scores: FloatArray,
    genres: Sequence[str],
    params: ContentParams,
    spectrum_model: Any = None,
) -> FloatArray:
    """Content features of movies from their text vectors, labels, years and genre scores.

    With ``params.genre_spectrum``, ``spectrum_model`` maps the genre profile and text to the
    genre-spectrum embedding, which takes the profile's place.
    """
    profile = genre_profile(labelled, scores, genres)
    if params.genre_spectrum:
        from movierec.vectors import spectrum

        if spectrum_model is None:
            raise ValueError("genre_spectrum is on but no spectrum model was given")
        profile = spectrum.embed(spectrum_model, spectrum.inputs(profile, text))
    return content_features(text, profile, year_code(years, params.year_span), params)


CHUNK_ROWS = 65536


def _chunks(matrix: FloatArray) -> Iterator[FloatArray]:
    for start in range(0, len(matrix), CHUNK_ROWS):
        yield matrix[start : start + CHUNK_ROWS]


@dataclass(frozen=True)
class Projection:
    """A PCA fitted on the catalogue's content features, so new movies map the same way."""

    mean: FloatArray
    components: FloatArray
    """One row per output dimension; zero rows pad a catalogue too small to fill them."""

    @classmethod
    def fit(cls, features: FloatArray, dims: int) -> Projection:
        """The top ``dims`` principal directions of ``features``."""
        # The eigenvectors of the covariance, summed over row chunks: an SVD of the centred
        # matrix needs several copies of it, gigabytes at a million movies.
        n, width = features.shape
        total = np.zeros(width, dtype=np.float64)
        for chunk in _chunks(features):
            total += chunk.sum(axis=0, dtype=np.float64)
        mean64 = total / max(n, 1)
        scatter = np.zeros((width, width), dtype=np.float64)
        for chunk in _chunks(features):
            centred = chunk.astype(np.float64) - mean64
            scatter += centred.T @ centred
        eigenvalues, eigenvectors = np.linalg.eigh(scatter)
        order = np.argsort(eigenvalues)[::-1]
        # Directions with no variance (rank below width) are left as zero rows, as the SVD did.
        rank = min(
            dims, max(n - 1, 0), int((eigenvalues > eigenvalues.max(initial=0) * 1e-10).sum())
        )
        components = np.zeros((dims, width), dtype=np.float32)
        components[:rank] = eigenvectors[:, order[:rank]].T
        return cls(mean64.astype(np.float32), components)

    def apply(self, features: FloatArray) -> FloatArray:
        """Unit content vectors of ``features``."""
        out = np.empty((len(features), len(self.components)), dtype=np.float32)
        for start in range(0, len(features), CHUNK_ROWS):
            chunk = features[start : start + CHUNK_ROWS]
            out[start : start + CHUNK_ROWS] = unit_rows((chunk - self.mean) @ self.components.T)
        return out

    def as_json(self) -> dict[str, Any]:
        """Plain-JSON form for the models table."""
        return {
            "mean": [round(float(v), 6) for v in self.mean],
            "components": [[round(float(v), 6) for v in row] for row in self.components],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Projection:
        """The inverse of :meth:`as_json`."""
        return cls(
            np.asarray(data["mean"], dtype=np.float32),
            np.asarray(data["components"], dtype=np.float32),
        )
