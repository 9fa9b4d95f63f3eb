"""Do a film's kin rank near it? The measure for catalogues without ratings.

Two kinds of kin, read off the catalogue itself:

- **franchise**: a film whose title is another's plus a sequel word ("The Godfather" →
  "The Godfather Part II", "Toy Story" → "Toy Story 2", "The Matrix" → "The Matrix
  Reloaded") or a subtitle after a colon, and that is not older; both are each other's kin;
- **creators**: a film by the same director that shares a labelled genre (directors of at
  most 60 films, so that a studio credited as director does not count).

For each film with kin: HR@10 (any kin in `similar`'s top 10) and recall@10 (the share of its
kin there, of at most 10). The baseline ranks by a plain TF-IDF over title words, director,
writer, the first five cast members and genres, exactly, among the films that pass the same
genre filter `similar` applies; the measure and the baseline read the same fields.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import psycopg

from movierec.database import queries
from movierec.query.evaluate.leave_last_out import query_vectors
from movierec.query.evaluate.metrics import K, score
from movierec.query.similar import similar_to_vector

ARTICLES = frozenset({"the", "a", "an"})
SEQUEL_WORDS = re.compile(
    r"^(\d+|ii|iii|iv|v|vi|vii|viii|ix|x|part|chapter|episode|returns|reloaded|revolutions)$"
)
MAX_DIRECTOR_FILMS = 60
CAST = 5


def _words(title: str) -> list[str]:
    words = re.findall(r"\w+", title.casefold())
    while words and words[0] in ARTICLES:
        words = words[1:]
    return words


def _people(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def franchise_kin(films: list[dict[str, Any]]) -> dict[int, set[int]]:
    """Film position → positions of its franchise kin."""
    words = [_words(f["title"]) for f in films]
    by_first: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        if w:
            by_first[w[0]].append(i)
    kin: dict[int, set[int]] = defaultdict(set)
    for i, first in enumerate(words):
        if not first:
            continue
        for j in by_first[first[0]]:
            later = words[j]
            if i == j or len(later) <= len(first) or later[: len(first)] != first:
                continue
            if (films[j]["year"] or 0) < (films[i]["year"] or 0):
                continue
            colon = films[j]["title"].casefold().startswith(films[i]["title"].casefold() + ":")
            if SEQUEL_WORDS.match(later[len(first)]) or colon:
                kin[i].add(j)
                kin[j].add(i)
    return dict(kin)


def creator_kin(films: list[dict[str, Any]]) -> dict[int, set[int]]:
    """Film position → positions of films by the same director sharing a labelled genre."""
    by_director: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(films):
        for d in _people(f["director"]):
            by_director[d].append(i)
    kin: dict[int, set[int]] = defaultdict(set)
    for made in by_director.values():
        if len(made) < 2 or len(made) > MAX_DIRECTOR_FILMS:
            continue
        for a in made:
            for b in made:
                if a != b and set(films[a]["genres"]) & set(films[b]["genres"]):
                    kin[a].add(b)
    return dict(kin)


def _tfidf_tokens(f: dict[str, Any]) -> set[str]:
    tokens = {"t:" + w for w in re.findall(r"\w+", f["title"].casefold()) if w not in ARTICLES}
    tokens |= {"d:" + p for p in _people(f["director"])}
    tokens |= {"w:" + p for p in _people(f["writer"])}
    tokens |= {"c:" + c for c in f["cast_members"][:CAST]}
    tokens |= {"g:" + g for g in f["genres"]}
    return tokens


def tfidf_ranker(films: list[dict[str, Any]]) -> Callable[[int], list[int]]:
    """Exact TF-IDF cosine ranking (positions), under the film's predicted-genre filter."""
    import numpy as np
    from scipy import sparse

    tokens = [_tfidf_tokens(f) for f in films]
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, ts in enumerate(tokens):
        for t in ts:
            rows.append(i)
            cols.append(vocabulary.setdefault(t, len(vocabulary)))
    n = len(films)
    x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocabulary)))
    df = np.asarray(x.sum(axis=0)).ravel()
    x = (x @ sparse.diags(np.log(n / np.maximum(df, 1)))).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x = (sparse.diags(1 / np.maximum(norms, 1e-12)) @ x).tocsr()
    genres = sorted({g for f in films for g in f["genres"]})
    column = {g: j for j, g in enumerate(genres)}
    labelled = np.zeros((n, len(genres)), dtype=bool)
    for i, f in enumerate(films):
        labelled[i, [column[g] for g in f["genres"]]] = True

    def rank(i: int) -> list[int]:
        wanted = [column[g] for g in films[i]["predicted_genres"] if g in column]
        mask = np.array(labelled[:, wanted].any(axis=1) if wanted else np.ones(n, dtype=bool))
        mask[i] = False
        candidates = np.flatnonzero(mask)
        scores = (x[candidates] @ x[i].T).toarray().ravel()
        order = np.lexsort((candidates, -scores))[:K]
        return [int(candidates[j]) for j in order]

    return rank


def kin_scores(conn: psycopg.Connection[Any], sample: int = 1000, seed: int = 42) -> dict[str, Any]:
    """HR@10 and recall@10 of franchise and creator kin, `similar` against TF-IDF, over at
    most ``sample`` films of each kind (seeded)."""
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        films = cur.execute(queries.get("evaluate", "kin_films").sql).fetchall()
    ids = [f["id"] for f in films]
    position = {movie_id: i for i, movie_id in enumerate(ids)}
    baseline = tfidf_ranker(films)
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for kind, kin in (("franchise", franchise_kin(films)), ("creators", creator_kin(films))):
        chosen = sorted(kin)
        if len(chosen) > sample:
            chosen = sorted(rng.sample(chosen, sample))
        if not chosen:
            out[kind] = None
            continue
        vectors = query_vectors(conn, [ids[i] for i in chosen])
        ours, theirs = [], []
        for i in chosen:
            query, genres = vectors[ids[i]]
            found = similar_to_vector(conn, query, genres, exclude_id=ids[i], k=K)
            ours.append(([position[n.id] for n in found], kin[i]))
            theirs.append((baseline(i), kin[i]))
        out[kind] = {
            "films_with_kin": len(kin),
            "films_measured": len(chosen),
            "similar": score(ours).as_json(),
            "tfidf": score(theirs).as_json(),
        }
    return out
