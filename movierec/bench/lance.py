"""The LanceDB side of the bench: the same vectors and genre filters, prefiltered search."""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from movierec.bench.synthetic import GENRE_SHARE, Chunk
from movierec.errors import MovierecError

INDEX_FROM = 50_000
"""Below this many rows LanceDB searches without a vector index (exact, as the tutorial does)."""


class LanceTable:
    """A LanceDB table of (id, vector, genres), filled chunk by chunk."""

    def __init__(self, folder: Path) -> None:
        try:
            import lancedb
        except ImportError:
            raise MovierecError(
                "the LanceDB comparison needs pip install -e '.[bench]' (or use --no-lancedb)"
            ) from None
        self._db = lancedb.connect(str(folder))
        self._table: Any = None

    def add(self, chunk: Chunk) -> None:
        """Append one chunk of the catalogue."""
        import pyarrow as pa

        batch = pa.table(
            {
                "id": pa.array(chunk.ids, pa.int64()),
                "vector": pa.FixedSizeListArray.from_arrays(
                    pa.array(chunk.vectors.ravel(), pa.float32()), chunk.vectors.shape[1]
                ),
                "genres": pa.array(chunk.genres, pa.list_(pa.string())),
            }
        )
        if self._table is None:
            self._table = self._db.create_table("movies", data=batch, mode="overwrite")
        else:
            self._table.add(batch)

    def build_index(self, rows: int) -> tuple[str, float]:
        """A label-list index on genres, and IVF_HNSW_SQ from INDEX_FROM rows; (kind, seconds)."""
        start = time.perf_counter()
        with warnings.catch_warnings():
            # Deprecated since lancedb 0.25 in favour of create_index(config=LabelList()),
            # which older releases lack; the call still builds the same index.
            warnings.simplefilter("ignore", DeprecationWarning)
            self._table.create_scalar_index("genres", index_type="LABEL_LIST")
        kind = "flat (exact)"
        if rows >= INDEX_FROM:
            self._table.create_index(metric="cosine", index_type="IVF_HNSW_SQ")
            kind = "IVF_HNSW_SQ"
        return kind, time.perf_counter() - start

    def query(
        self, vector: np.ndarray[Any, Any], genres: list[str], exclude_id: int, k: int = 10
    ) -> list[int]:
        """The k nearest ids (cosine) among rows with one of ``genres``, prefiltered."""
        # The genres come from the bench's own fixed list and the id is an int.
        known = [g for g in genres if g in GENRE_SHARE]
        any_genre = " OR ".join(f"array_has(genres, '{g}')" for g in known) or "true"
        where = f"({any_genre}) AND id != {int(exclude_id)}"
        rows = (
            self._table.search(vector)
            .distance_type("cosine")
            .where(where, prefilter=True)
            .select(["id", "_distance"])
            .limit(k)
            .to_arrow()
        )
        return [int(v) for v in rows.column("id").to_pylist()]
