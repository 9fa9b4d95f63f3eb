"""Why a movie was recommended: which part of the similarity brought it, what it shares, and
for a history, which of the person's films led to it."""

from __future__ import annotations

from typing import Any

import psycopg

from movierec.database import queries
from movierec.query.search import details
from movierec.query.similar import Neighbour
from movierec.text.creators import creator_tokens, kind_of

PARTS = ("content", "creators", "ratings")


def stored_blend(conn: psycopg.Connection[Any], blend: str = "similar") -> dict[str, float]:
    """The weights the similarity query uses for ``blend`` (as sql/similar.sql defaults them)."""
    rows = {r[0]: r[1:] for r in conn.execute(queries.get("movies", "blend").sql)}
    content, creators, ratings = rows.get(blend, (1.0, 0.0, 0.0))
    return {"content": float(content), "creators": float(creators), "ratings": float(ratings)}


def _record(row: dict[str, Any]) -> Any:
    from movierec.records import record_of_row

    return record_of_row(row)


def _people(text: str | None) -> set[str]:
    return {p.strip() for p in (text or "").split(",") if p.strip()}


def explain(
    conn: psycopg.Connection[Any],
    sources: list[int],
    neighbours: list[Neighbour],
    blend: str = "similar",
) -> dict[int, dict[str, Any]]:
    """Why each neighbour came for the movies ``sources`` (a film, or a history's films)."""
    weights = stored_blend(conn, blend)
    info = details(conn, [*sources, *(n.id for n in neighbours)])
    src = [info[i] for i in sources if i in info]
    src_tokens = {t for s in src for t in creator_tokens(_record(s))}
    src_genres = {g for s in src for g in s["genres"]}
    src_predicted = {g for s in src for g in s["predicted_genres"]}
    src_directors = {d for s in src for d in _people(s["director"])}
    src_writers = {w for s in src for w in _people(s["writer"])}
    src_cast = {c for s in src for c in s["cast_members"]}
    reasons: dict[int, dict[str, Any]] = {}
    for n in neighbours:
        row = info[n.id]
        shared = src_tokens & set(creator_tokens(_record(row)))
        parts = {p: round(weights[p] * getattr(n, p), 4) for p in PARTS}
        reasons[n.id] = {
            "score": round(n.score, 4),
            "parts": parts,
            "because": _because(parts, shared, src_genres & set(row["genres"])),
            "shared_franchise": sorted(
                t.split(":", 1)[1] for t in shared if kind_of(t) == "franchise"
            ),
            "shared_directors": sorted(src_directors & _people(row["director"])),
            "shared_writers": sorted(src_writers & _people(row["writer"])),
            "shared_cast": sorted(src_cast & set(row["cast_members"]))[:5],
            "shared_genres": sorted(src_genres & set(row["genres"])),
            "genres_matching_prediction": sorted(src_predicted & set(row["genres"])),
        }
    return reasons


def _because(parts: dict[str, float], shared: set[str], genres: set[str]) -> str:
    """The part that weighed most, in a person's words: creators, franchise, keywords,
    genres, ratings or text."""
    top = max(PARTS, key=lambda p: parts[p])
    if top == "ratings":
        return "ratings"
    if top == "creators":
        kinds = {kind_of(t) for t in shared}
        for kind in ("franchise", "creators", "keywords"):
            if kind in kinds:
                return kind
        return "genres"
    return "genres" if genres else "text"


def led_by(
    conn: psycopg.Connection[Any],
    history: list[tuple[int, float]],
    neighbours: list[Neighbour],
    most: int = 2,
) -> dict[int, list[dict[str, Any]]]:
    """For each neighbour, the history films that pulled it in most: ``weight * blended
    similarity`` of each (film id, weight) to it, positive ones only, largest first."""
    import numpy as np

    weights = stored_blend(conn, "history")
    ids = [i for i, _ in history]
    rows = conn.execute(
        queries.get("movies", "vectors_of").sql, {"ids": [*ids, *(n.id for n in neighbours)]}
    ).fetchall()
    vectors = {r[0]: r[1:] for r in rows}
    names = {i: (d["title"], d["year"]) for i, d in details(conn, ids).items()}
    weight_of = dict(history)
    out: dict[int, list[dict[str, Any]]] = {}
    for n in neighbours:
        target = vectors.get(n.id)
        if target is None:
            continue
        pulls = []
        for film in ids:
            source = vectors.get(film)
            if source is None or weight_of[film] <= 0:
                continue
            similarity = (
                weights["content"] * _cosine(source[0], target[0], np)
                + weights["creators"] * _sparse_cosine(source[1], target[1])
                + weights["ratings"] * _factor_pull(source[2], target[2], np)
            )
            pulls.append((weight_of[film] * similarity, film))
        pulls.sort(key=lambda p: (-p[0], p[1]))
        # The films that pulled hardest; a runner-up a quarter as strong is not a leader.
        strongest = pulls[0][0] if pulls else 0.0
        out[n.id] = [
            {"id": film, "title": names[film][0], "year": names[film][1], "pull": round(pull, 4)}
            for pull, film in pulls[:most]
            if pull > 0 and pull >= strongest / 4
        ]
    return out


def _cosine(a: Any, b: Any, np: Any) -> float:
    if a is None or b is None:
        return 0.0
    x, y = np.asarray(a.to_list()), np.asarray(b.to_list())
    scale = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(x @ y) / scale if scale else 0.0


def _sparse_cosine(a: Any, b: Any) -> float:
    if a is None or b is None:
        return 0.0
    x = dict(zip(a.indices(), a.values(), strict=True))
    y = dict(zip(b.indices(), b.values(), strict=True))
    dot = sum(v * y.get(i, 0.0) for i, v in x.items())
    scale = (sum(v * v for v in x.values()) * sum(v * v for v in y.values())) ** 0.5
    return dot / scale if scale else 0.0


def _factor_pull(a: Any, b: Any, np: Any) -> float:
    if a is None or b is None:
        return 0.0
    x, y = np.asarray(a.to_list()), np.asarray(b.to_list())
    length = float(np.linalg.norm(x))
    return float(x @ y) / length if length else 0.0
