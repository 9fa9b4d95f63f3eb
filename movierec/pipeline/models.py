"""The trained models as the ``models`` table keeps them, and back: what ``add`` embeds with.

One row holds the Doc2Vec model (pickled gensim), the classifier with the genre-spectrum model
beside it when there is one (``torch.save`` of their tensors), the creators vocabulary and
IDF (compressed JSON), the genre vocabulary and thresholds, and in ``params`` everything else
needed to embed a new movie the way the load embedded the catalogue (the text mean, the
content projection) and the blend weights the similarity query reads.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from movierec.classifier import ClassifierParams, TrainedClassifier
from movierec.database.store import ModelRow
from movierec.records import EMBEDDING_DIMS, MovieRecord
from movierec.vectors.content import ContentParams, Projection
from movierec.vectors.creators import CreatorsModel, SparseRow

if TYPE_CHECKING:
    from movierec.pipeline.load import Genres, LoadOptions, StoredVectors, TextVectors

FloatArray = npt.NDArray[np.float32]

TEXT = "title, overview, tagline, keywords, people, language, country, decade; no genres"


def model_row(
    source: str,
    options: LoadOptions,
    content: ContentParams,
    text: TextVectors,
    genres: Genres,
    stored: StoredVectors,
) -> ModelRow:
    """What the models table stores for one load."""
    from movierec import blend
    from movierec.vectors import doc2vec

    return ModelRow(
        source=source,
        doc2vec=doc2vec.to_bytes(text.doc2vec) if text.doc2vec is not None else b"",
        classifier=classifier_bytes(genres.fitted, genres.spectrum),
        creators=stored.creators_model.to_bytes(),
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
            "content": content.as_dict(),
            "spectrum": genres.spectrum_params,
            "collaborative": options.collaborative.as_dict() if options.collaborative else None,
            "projection": stored.projection.as_json(),
            "rated_movies": int(stored.rated.sum()),
            "creators_dims": stored.creators_model.dims,
            "blend": blend.for_catalogue(bool(stored.rated.any())),
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
    content: ContentParams
    projection: Projection
    content_dims: int
    creators: CreatorsModel | None

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
        from movierec.vectors import content

        features = content.features_of(
            text,
            [r.genres for r in records],
            [r.year for r in records],
            scores,
            self.genres,
            self.content,
            self.spectrum,
        )
        out = np.zeros((len(records), EMBEDDING_DIMS), dtype=np.float32)
        out[:, : self.content_dims] = self.projection.apply(features)
        return out

    def creators_vectors(self, records: list[MovieRecord]) -> list[SparseRow | None]:
        """New movies' creators vectors, in the catalogue's vocabulary."""
        if self.creators is None:
            return [None] * len(records)
        from movierec.text.creators import creator_tokens

        return [self.creators.vector(creator_tokens(r)) for r in records]


def restore(row: tuple[Any, ...]) -> StoredModels:
    """The models of a ``current_model`` row (sql/store.sql); catalogues loaded by 0.9.0 and
    earlier stored a hybrid embedding (content, then collaborative dimensions) and no
    creators vocabulary."""
    doc2vec_bytes, classifier_blob, creators_blob, vocab, thresholds, params = row
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
    content = params.get("content") or params.get("hybrid") or {}
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
        content=ContentParams(**{k: v for k, v in content.items() if k in _CONTENT_FIELDS}),
        projection=Projection.from_json(params["projection"]),
        content_dims=int((params.get("layout") or {}).get("content_dims", EMBEDDING_DIMS)),
        creators=CreatorsModel.from_bytes(bytes(creators_blob)) if creators_blob else None,
    )


_CONTENT_FIELDS = set(ContentParams.__dataclass_fields__)
