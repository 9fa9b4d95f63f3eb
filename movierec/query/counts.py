"""The catalogue's genre counts, which pick the similarity statement's candidate arms: read
once a connection, and again when the catalogue changes or a minute has passed.

A statement is planned once and kept (a prepared statement's generic plan), so what it does
for a genre set is best written into its text: rank the genres' films exactly when they are
few, else walk each genre's own index, or the global one when the genres are wide. Choosing
that in the statement itself (0013 and before) cost a CTE and a one-time filter an arm:
0.4 ms of a 1.3 ms query of two genres at 17k films. The counts change only when a load or an
``add`` writes genre_counts, whose trigger notifies ``movierec_catalogue``; a connection that
listens drops its copy on that. A copy is also dropped after ``MAX_AGE`` seconds (the
catalogue's size, the planner's estimate, moves with ANALYZE; a connection in a transaction,
or to a standby, cannot listen). Counts a little stale cost speed, never rows: every arm
returns films of the query genres, ranked by the same blend.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from movierec.database import queries

CHANNEL = "movierec_catalogue"
"""What genre_counts' trigger notifies when a load or ``add`` changes it (migration 0014)."""

MAX_AGE = 60.0
"""Seconds a connection keeps its copy of the counts without a notification."""


@dataclass(frozen=True)
class GenreCounts:
    """Each labelled genre's films and the catalogue's size, as one connection last read them."""

    films: dict[str, int]
    movies: float
    """The catalogue's size (the planner's count, at least 1)."""
    read_at: float = 0.0
    """time.monotonic() when read."""

    def counted(self) -> bool:
        """Whether there are counts at all (a catalogue written around movierec may have none:
        then every query walks an index)."""
        return bool(self.films)


@dataclass(frozen=True)
class Arms:
    """The candidate arms of one genre set: every film of the genres (``exact``), or for the
    content one walk with the genres as a filter (``walk``: no genre, one, or wide ones), or a
    walk of each ``indexed`` genre's own index and every film of the ``small`` ones."""

    exact: bool = False
    walk: bool = True
    indexed: tuple[str, ...] = ()
    small: tuple[str, ...] = ()
    shared: bool = False
    """One statement for every such genre set, the genres a parameter: the walk of the global
    index that several wide genres take needs no literal to find its index, so the statement
    is planned once a connection instead of once a genre set (the default sample has about
    1,600 sets; planning one took 0.3 ms of a 1.4 ms query at 17k films)."""


ONE_WALK = Arms()
"""The arms of no genre and of one that is not rare: one walk, of the genre's own index."""

WIDE = Arms(shared=True)
"""The arms of several wide genres: one walk of the global index, the genres a filter."""


def arms_for(
    genres: tuple[str, ...], counts: GenreCounts, bound: float, *, filtered: bool = False
) -> Arms:
    """The arms for ``genres`` (sorted, distinct) from ``counts``, with ``bound`` the films from
    which a genre has an index of its own (movierec.exact_below); movierec_similar_to() makes
    the same choice in plpgsql. Wide genres share a statement (WIDE) only when the query is
    not ``filtered``: with the genres a parameter the generic plan cannot see how many films
    they hold, and a filter an index can serve (--genre, by the GIN index) then looks cheaper
    than the walk (17k films, --genre Drama, wide genres: every Drama film sorted, 24 ms,
    against 2.5 ms with the genres a literal)."""
    films = sum(counts.films.get(g, 0) for g in genres)
    if genres and counts.counted() and films < bound:
        return Arms(exact=True, walk=False)
    if len(genres) <= 1:
        return ONE_WALK
    if films * len(genres) >= counts.movies:
        return ONE_WALK if filtered else WIDE
    indexed = tuple(g for g in genres if counts.films.get(g, 0) >= bound)
    small = tuple(g for g in genres if g not in indexed)
    return Arms(walk=False, indexed=indexed, small=small)


_COPIES: weakref.WeakKeyDictionary[psycopg.Connection[Any], GenreCounts] = (
    weakref.WeakKeyDictionary()
)


def genre_counts(conn: psycopg.Connection[Any]) -> GenreCounts:
    """``conn``'s copy of the counts, read now if it has none or its copy is out of date."""
    copy = _COPIES.get(conn)
    now = time.monotonic()
    if copy is not None and now - copy.read_at < MAX_AGE:
        return copy
    if copy is None:
        _listen(conn)
    rows = conn.execute(queries.get("similar", "similar_genre_counts").sql).fetchall()
    movies = float(rows[0][0]) if rows else 1.0
    copy = GenreCounts({genre: int(films) for _, genre, films in rows}, movies, now)
    _COPIES[conn] = copy
    return copy


def forget(conn: psycopg.Connection[Any]) -> None:
    """Drop ``conn``'s copy: its next query reads the counts again (after a change of its own
    transaction, which notifies no one until it commits)."""
    _COPIES.pop(conn, None)


def _listen(conn: psycopg.Connection[Any]) -> None:
    """Have ``conn`` drop its copy when the catalogue changes: LISTEN, on an autocommit
    connection (a pool's; in a transaction it would last only as long as that), and a handler
    psycopg calls when a notification comes in with any result."""
    if not conn.autocommit:
        return
    try:
        conn.execute("listen movierec_catalogue")
    except psycopg.Error:
        return  # a standby cannot listen; the copy then lasts MAX_AGE
    conn.add_notify_handler(_dropper(weakref.ref(conn)))


def _dropper(ref: weakref.ref[psycopg.Connection[Any]]) -> Callable[[psycopg.Notify], None]:
    def drop(notify: psycopg.Notify) -> None:
        conn = ref()
        if notify.channel == CHANNEL and conn is not None:
            _COPIES.pop(conn, None)

    return drop
