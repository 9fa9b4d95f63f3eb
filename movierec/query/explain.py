"""Why a movie was recommended: its similarity split into parts, and what it shares."""

from __future__ import annotations

from typing import Any

import psycopg

from movierec.database import queries
from movierec.query.search import details
from movierec.query.similar import Neighbour


def explain(
    conn: psycopg.Connection[Any], sources: list[int], neighbours: list[Neighbour]
) -> dict[int, dict[str, Any]]:
    """Why each neighbour was recommended for the movies ``sources``: similarity and overlaps."""
    info = details(conn, [*sources, *(n.id for n in neighbours)])
    src = [info[i] for i in sources if i in info]
    src_genres = {g for s in src for g in s["genres"]}
    src_predicted = {g for s in src for g in s["predicted_genres"]}
    src_directors = {d.strip() for s in src for d in (s["director"] or "").split(",") if d.strip()}
    src_cast = {c for s in src for c in s["cast_members"]}
    parts = embedding_parts(conn, sources, [n.id for n in neighbours])
    reasons: dict[int, dict[str, Any]] = {}
    for n in neighbours:
        row = info[n.id]
        directors = {d.strip() for d in (row["director"] or "").split(",") if d.strip()}
        reasons[n.id] = {
            "cosine_similarity": round(1.0 - n.distance, 4),
            "shared_genres": sorted(src_genres & set(row["genres"])),
            "genres_matching_prediction": sorted(src_predicted & set(row["genres"])),
            "shared_directors": sorted(src_directors & directors),
            "shared_cast": sorted(src_cast & set(row["cast_members"]))[:5],
            "embedding": parts.get(n.id, {}),
        }
    return reasons


def embedding_parts(
    conn: psycopg.Connection[Any], sources: list[int], ids: list[int]
) -> dict[int, dict[str, float]]:
    """Each movie's cosine similarity to the mean of ``sources``, split into the content and the
    collaborative part (the two add up to the cosine)."""
    import numpy as np

    row = conn.execute(queries.get("movies", "embedding_layout").sql).fetchone()
    layout = row[0] if row and row[0] else None
    rows = conn.execute(
        queries.get("movies", "embeddings_of").sql, {"ids": [*sources, *ids]}
    ).fetchall()
    vectors = {r[0]: np.asarray(r[1].to_list(), dtype=np.float64) for r in rows}
    query = [vectors[i] for i in sources if i in vectors]
    if not query:
        return {}
    q = np.mean(query, axis=0)
    split = int(layout["content_dims"]) if layout else len(q)
    parts = {}
    for i in ids:
        v = vectors.get(i)
        if v is None:
            continue
        scale = float(np.linalg.norm(q) * np.linalg.norm(v)) or 1.0
        parts[i] = {
            "content": round(float(q[:split] @ v[:split]) / scale, 4),
            "collaborative": round(float(q[split:] @ v[split:]) / scale, 4),
        }
    return parts
