"""Unit-length rows, which cosine similarity and every stored vector part assume."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def unit_rows(matrix: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    """Rows scaled to unit length; zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit
