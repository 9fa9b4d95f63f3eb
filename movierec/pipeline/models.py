"""The trained models as the ``models`` table keeps them, and back: what ``add`` embeds with.

One row holds the Doc2Vec model (pickled gensim), the classifier with the genre-spectrum model
beside it when there is one (``torch.save`` of their tensors), the genre vocabulary and
thresholds, and in ``params`` everything else needed to embed a new movie the way the load
embedded the catalogue: the text mean, the content projection and the layout.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from movierec.classifier import ClassifierParams, TrainedClassifier
from movierec.database.store import ModelRow
from movierec.records import MovieRecord
from movierec.vectors.content import HybridParams, Layout, Projection

if TYPE_CHECKING:
    from movierec.pipeline.load import Genres, LoadOptions, TextVectors

FloatArray = npt.NDArray[np.float32]

TEXT = "title, overview, tagline, keywords, people, language, country, decade; no genres"


def model_row(
    source: str,
    options: LoadOptions,
    hybrid: HybridParams,
    text: TextVectors,
    genres: Genres,
    layout: Layout,
    projection: Projection,
    rated: int,
) -> ModelRow:
    """What the models table stores for one load."""
    from movierec.vectors import doc2vec

    return ModelRow(
        source=source,
        doc2vec=doc2vec.to_bytes(text.doc2vec) if text.doc2vec is not None else b"",
        classifier=classifier_bytes(genres.fitted, genres.spectrum),
        genre_vocab=genres.vocabulary,
        thresholds=[float(t) for t in genres.fitted.thresholds] if genres.fitted else [],
        params={
            "encoder": options.encoder,
            "text_dims": int(text.vectors.shape[1]),
            "doc2vec": options.doc2vec.as_dict(),
            "classifier": options.classifier.as_dict(),
            "classifier_trained": genres.fitted is not None,
            "min_genre_count": genres.min_count,
            "embedding_mean": [round(float(v), 7) for v in text.mean],
            "text": TEXT,
            "classifier_inputs": f"TF-IDF token bag (linear) + {options.encoder} embedding (MLP)",
            "hybrid": hybrid.as_dict(),
            "spectrum": genres.spectrum_params,
            "collaborative": options.collaborative.as_dict() if options.collaborative else None,
            "layout": layout.as_dict(),
            "projection": projection.as_json(),
            "rated_movies": rated,
        },
        metrics=genres.metrics,
    )


def classifier_bytes(fitted: TrainedClassifier | None, spectrum: Any) -> bytes:
    """The classifier's tensors, and the spectrum model's under ``spectrum``; empty if none."""
    if fitted is None:
        return b""
    import torch

    from movierec import classifier

    saved = classifier.saved_state(fitted)
    if spectrum is not None:
        saved["spectrum"] = spectrum.state_dict()
    buffer = io.BytesIO()
    torch.save(saved, buffer)
    return buffer.getvalue()


@dataclass
class StoredModels:
    """The current load's models, restored: they embed and classify new movies."""

    params: dict[str, Any]
    genres: list[str]
    classifier: TrainedClassifier | None
    spectrum: Any
    doc2vec: Any
    hybrid: HybridParams
    projection: Projection
    layout: Layout

    @property
    def encoder(self) -> str:
        """doc2vec or minilm."""
        return str(self.params.get("encoder", "doc2vec"))

    def text_vectors(self, records: list[MovieRecord]) -> FloatArray:
        """Text embeddings of new movies, from the encoder the catalogue was loaded with."""
        if self.encoder == "minilm":
            from movierec.vectors import minilm

            return minilm.encode(records)
        from movierec.text.tokens import document
        from movierec.vectors import doc2vec

        mean = np.asarray(self.params["embedding_mean"], dtype=np.float32)
        seed = int(self.params["doc2vec"].get("seed", 42))
        raw = np.stack([doc2vec.infer(self.doc2vec, document(r), seed=seed) for r in records])
        return doc2vec.normalize(raw, mean)

    def genre_scores(
        self, records: list[MovieRecord], text: FloatArray
    ) -> tuple[FloatArray, list[list[str]]]:
        """Each new movie's genre probabilities and predicted genres."""
        if self.classifier is None:
            # No classifier (a small catalogue): the labels are the prediction.
            column = {g: j for j, g in enumerate(self.genres)}
            scores = np.zeros((len(records), len(self.genres)), dtype=np.float32)
            for i, record in enumerate(records):
                scores[i, [column[g] for g in record.genres if g in column]] = 1.0
            return scores, [list(r.genres) for r in records]
        from movierec.text.tokens import document

        tokens = [document(r) for r in records]
        probabilities = self.classifier.probabilities(tokens, text)
        return probabilities, self.classifier.predict(tokens, text)

    def vectors(
        self, records: list[MovieRecord], text: FloatArray, scores: FloatArray
    ) -> FloatArray:
        """Stored vectors of new movies: content only, like the catalogue's unrated movies."""
        from movierec.records import EMBEDDING_DIMS
        from movierec.vectors import content

        features = content.features_of(
            text,
            [r.genres for r in records],
            [r.year for r in records],
            scores,
            self.genres,
            self.hybrid,
            self.spectrum,
        )
        out = np.zeros((len(records), EMBEDDING_DIMS), dtype=np.float32)
        out[:, : self.layout.content_dims] = self.projection.apply(features)
        return out


def restore(row: tuple[Any, ...]) -> StoredModels:
    """The models of a ``current_model`` row (sql/store.sql)."""
    doc2vec_bytes, classifier_blob, vocab, thresholds, params = row
    genres = list(vocab)
    text_dims = int(params.get("text_dims", params["doc2vec"]["vector_size"]))
    fitted, spectrum = None, None
    if classifier_blob:
        import torch

        from movierec import classifier

        saved = torch.load(io.BytesIO(bytes(classifier_blob)), weights_only=True)
        fitted = classifier.from_saved_state(
            saved, text_dims, genres, list(thresholds), ClassifierParams(**params["classifier"])
        )
        if "spectrum" in saved and params.get("spectrum"):
            from movierec.vectors import spectrum as spectrum_model

            spectrum = spectrum_model.from_state(
                saved["spectrum"], len(genres), text_dims, params["spectrum"]
            )
    d2v = None
    if params.get("encoder", "doc2vec") == "doc2vec":
        from movierec.vectors import doc2vec

        d2v = doc2vec.from_bytes(bytes(doc2vec_bytes))
    return StoredModels(
        params=params,
        genres=genres,
        classifier=fitted,
        spectrum=spectrum,
        doc2vec=d2v,
        hybrid=HybridParams(**params["hybrid"]),
        projection=Projection.from_json(params["projection"]),
        layout=Layout(**params["layout"]),
    )
