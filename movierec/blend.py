"""How the similarity query weighs its three parts; each load stores the weights it chose.

A film's similarity to another is ``content * cosine of the dense embeddings + creators *
cosine of the creators vectors + ratings * factor inner product (over the query's length)``,
each part in [-1, 1]. The query takes candidates from each part's own HNSW index, then ranks
them by the blend (sql/similar.sql); the weights come from the models table, so psql's
functions and the CLI rank alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Blend:
    """The weights of the three parts of a similarity."""

    content: float
    """What a film is about: genres, year, text (the dense embedding)."""
    creators: float
    """Who made it and what it belongs to (the sparse creators vector)."""
    ratings: float
    """What people rate together, popularity kept (the collaborative factors)."""

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the models table."""
        return asdict(self)


UNRATED = Blend(content=0.07, creators=0.93, ratings=0.0)
"""A catalogue without ratings. On the Wikidata sample, films of one franchise reach each
other's top 10 for 86% of those that have one, films by one director sharing a genre for 94%;
TF-IDF over the same fields: 84% and 93% (content weights 0.03-0.1 measured, docs/quality.md)."""
RATED = Blend(content=0.05, creators=0.15, ratings=0.8)
"""A catalogue with ratings; its unrated films fall back on content and creators. On
movielens-small, split by time per user, a later like in the top 10 of the last earlier like
for 28% of users (ratings alone: 27%; item-kNN: 24%; six blends measured, docs/quality.md)."""
HISTORY = RATED
"""A person's history: the same weights; on movielens-small they found a later like for 54%
of users (ratings alone: 52%; EASE: 47%)."""


def for_catalogue(rated: bool) -> dict[str, dict[str, float]]:
    """The weights a load stores: for ``similar`` and for histories."""
    similar = RATED if rated else UNRATED
    history = HISTORY if rated else UNRATED
    return {"similar": similar.as_dict(), "history": history.as_dict()}
