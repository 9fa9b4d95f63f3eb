"""Writing a catalogue: binary COPY into a staging table, indexes, then one atomic swap.

Everything happens in one transaction: readers keep seeing the previous movies until the
commit, and a failed or interrupted load rolls back to them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter
from psycopg.types.json import Jsonb

from movierec.database import copy_binary, queries
from movierec.errors import MovierecError
from movierec.records import GENRE_INDEX_MIN_FILMS, MOVIE_COLUMNS

Advance = Callable[[int], None]
"""Moves a progress bar on by n steps."""

# pg_advisory_lock key shared by every movierec load ("movierec" in ASCII, folded to 63 bits).
LOAD_LOCK_KEY = 0x6D6F76696572_6563 & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True)
class Table:
    """A table a load replaces, and its columns in COPY order with their binary COPY types."""

    live: str
    columns: list[tuple[str, str]]

    @property
    def staging(self) -> str:
        """The table a load fills before the swap."""
        return f"{self.live}_staging"


MOVIES = Table("movies", [(c.name, c.copy_type) for c in MOVIE_COLUMNS])
RATINGS = Table(
    "ratings",
    [("user_id", "int8"), ("movie_id", "int8"), ("rating", "float4"), ("rated_at", "timestamptz")],
)

_INDEXDEF = re.compile(
    r"^CREATE (?P<unique>UNIQUE )?INDEX (?P<name>\S+) ON (?:ONLY )?(?P<table>\S+) USING (?P<rest>.+)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class IndexDef:
    """One index of the live table and the constraint it backs, if any."""

    name: str
    unique: bool
    using: str
    constraint: str | None
    constraint_type: str | None

    @property
    def staging_name(self) -> str:
        """The name it is built under on the staging table (63 bytes at most)."""
        return f"{self.name[:55]}_staging"


GENRE_INDEX_PREFIX = "movies_genre_hnsw_"
"""Names of the per-genre partial HNSW indexes (one per genre with enough films)."""
EMBEDDING_INDEX = "movies_embedding_hnsw"
"""The global HNSW index over every film's embedding; the per-genre ones copy its method."""


def genre_index_name(genre: str) -> str:
    """The per-genre index's name: readable, unique (a hash of the genre), under 56 bytes so
    that its staging name fits PostgreSQL's 63."""
    slug = re.sub(r"[^a-z0-9]+", "_", genre.lower()).strip("_")[:24]
    digest = hashlib.md5(genre.encode("utf-8")).hexdigest()[:8]
    return f"{GENRE_INDEX_PREFIX}{slug}_{digest}"


def genre_indexes(
    conn: psycopg.Connection[Any], indexes: list[IndexDef], table: str
) -> list[IndexDef]:
    """One partial HNSW index per genre of ``table`` with enough films, each built like the
    global embedding index (from ``indexes``, the live table's), on ``genres && '{genre}'``.

    The similarity query names its genres as literals, so that the planner can match one of
    these predicates and search the genre's films with no filter to walk past."""
    template = next((i for i in indexes if i.name == EMBEDDING_INDEX), None)
    if template is None:
        return []
    rows = conn.execute(
        sql.SQL(queries.get("store", "genres_to_index").text).format(table=sql.Identifier(table)),
        {"films": GENRE_INDEX_MIN_FILMS},
    ).fetchall()
    return [
        IndexDef(
            genre_index_name(genre),
            False,
            # The global index's catalog text, and the genre as a quoted literal.
            f"{template.using} WHERE (genres && {sql.Literal([genre]).as_string(conn)}::text[])",
            None,
            None,
        )
        for genre, _ in rows
    ]


@dataclass(frozen=True)
class ModelRow:
    """What the models table stores for one load."""

    source: str
    doc2vec: bytes
    classifier: bytes
    creators: bytes
    genre_vocab: list[str]
    thresholds: list[float]
    params: dict[str, Any]
    metrics: dict[str, Any]


@contextmanager
def load_lock(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Hold the load lock for the duration, or fail at once if another load has it."""
    key = {"key": LOAD_LOCK_KEY}
    row = conn.execute(queries.get("store", "try_load_lock").sql, key).fetchone()
    conn.commit()
    if not row or not row[0]:
        raise MovierecError(
            "another movierec load is running on this database; wait for it to finish and retry"
        )
    try:
        yield
    finally:
        _release(conn, key)


def _release(conn: psycopg.Connection[Any], key: dict[str, int]) -> None:
    """Roll back and unlock; an interrupted COPY can leave the connection unusable, and then
    closing it is enough: the server rolls back and drops the session's locks."""
    if conn.closed:
        return
    try:
        conn.rollback()
        conn.execute(queries.get("store", "release_load_lock").sql, key)
        conn.commit()
    except psycopg.Error:
        conn.close()


def index_definitions(conn: psycopg.Connection[Any], table: Table = MOVIES) -> list[IndexDef]:
    """The live table's indexes, read from the catalog so later migrations carry over; not
    the per-genre ones, which follow the staged films' genres (:func:`genre_indexes`)."""
    defs = []
    for name, definition, constraint, ctype in conn.execute(
        queries.get("store", "index_definitions").sql, {"table": table.live}
    ):
        match = _INDEXDEF.match(definition)
        if not match:  # pragma: no cover - pg_get_indexdef's format is fixed
            raise MovierecError(f"cannot copy index {name}: unexpected definition {definition!r}")
        if name.startswith(GENRE_INDEX_PREFIX):
            continue
        defs.append(IndexDef(name, bool(match["unique"]), match["rest"], constraint, ctype))
    return defs


def _create_index(conn: psycopg.Connection[Any], index: IndexDef, name: str, table: str) -> None:
    """``create index name on table`` as ``index`` is defined."""
    conn.execute(
        sql.SQL("create {unique}index {name} on {table} using {rest}").format(
            unique=sql.SQL("unique " if index.unique else ""),
            name=sql.Identifier(name),
            table=sql.Identifier(table),
            # Catalog text from pg_get_indexdef (method, columns, opclass, WITH, and for a
            # genre's index a literal from sql.Literal), not input.
            rest=sql.SQL(index.using),
        )
    )


def add_genre_indexes(conn: psycopg.Connection[Any]) -> list[str]:
    """Build the per-genre indexes the live films now need and lack (films added with a new
    genre, or a genre grown past the bound), in the caller's transaction; returns their names.

    An index a genre no longer needs stays until the next load: it costs only space."""
    present = {
        row[0]
        for row in conn.execute(
            queries.get("store", "index_definitions").sql, {"table": MOVIES.live}
        )
    }
    built = []
    for index in genre_indexes(conn, index_definitions(conn, MOVIES), MOVIES.live):
        if index.name not in present:
            _create_index(conn, index, index.name, MOVIES.live)
            built.append(index.name)
    return built


def create_staging(conn: psycopg.Connection[Any], table: Table = MOVIES) -> None:
    """An empty table shaped like the live one, without indexes (they are built after COPY).

    A staging table left by a crashed session cannot exist: it is created inside the load's
    transaction, which the server rolls back when its client dies.
    """
    conn.execute(
        sql.SQL(
            "create table {staging} (like {live} including defaults including identity "
            "including constraints including generated including storage)"
        ).format(staging=sql.Identifier(table.staging), live=sql.Identifier(table.live))
    )


def copy_rows(
    conn: psycopg.Connection[Any],
    rows: Iterable[Sequence[Any]],
    advance: Advance,
    table: Table = MOVIES,
    every: int = 1000,
) -> int:
    """Binary COPY rows (in the table's column order) into its staging table; returns the count."""
    statement = sql.SQL("copy {table} ({columns}) from stdin with (format binary)").format(
        table=sql.Identifier(table.staging),
        columns=sql.SQL(", ").join(sql.Identifier(name) for name, _ in table.columns),
    )
    encode = copy_binary.row_encoder([kind for _, kind in table.columns])
    count = 0
    batch: list[bytes] = [copy_binary.HEADER]
    # The queued writer sends on a thread while this one encodes the next rows: encoding is
    # about 70% of a COPY's time and the server's side overlaps with it.
    with conn.cursor() as cur, cur.copy(statement, writer=QueuedLibpqWriter(cur)) as copy:
        for row in rows:
            batch.append(encode(row))
            count += 1
            if count % every == 0:
                copy.write(b"".join(batch))
                batch.clear()
                advance(every)
        batch.append(copy_binary.TRAILER)
        copy.write(b"".join(batch))
    advance(count % every)
    return count


def build_indexes(
    conn: psycopg.Connection[Any], indexes: list[IndexDef], advance: Advance, table: Table = MOVIES
) -> None:
    """Build the live table's indexes on the staging table, then ANALYZE it."""
    # HNSW builds far faster when the graph fits in maintenance_work_mem.
    conn.execute("select set_config('maintenance_work_mem', %s, true)", ("1GB",))
    for index in indexes:
        _create_index(conn, index, index.staging_name, table.staging)
        if index.constraint_type in ("p", "u"):
            kind = "primary key" if index.constraint_type == "p" else "unique"
            conn.execute(
                sql.SQL(
                    "alter table {table} add constraint {name} {kind} using index {name}"
                ).format(
                    table=sql.Identifier(table.staging),
                    name=sql.Identifier(index.staging_name),
                    kind=sql.SQL(kind),
                )
            )
        advance(1)
    conn.execute(sql.SQL("analyze {}").format(sql.Identifier(table.staging)))


def dedupe_ratings(conn: psycopg.Connection[Any]) -> int:
    """Keep the last copy of each (user, movie) rating in staging; returns how many were dropped."""
    cur = conn.execute(queries.get("store", "dedupe_staged_ratings").sql)
    return cur.rowcount


def staged_ratings(conn: psycopg.Connection[Any]) -> list[Any]:
    """Every staged rating as (user, movie, rating, seconds since the epoch or None)."""
    return conn.execute(queries.get("store", "staged_ratings").sql).fetchall()


def _swap_table(conn: psycopg.Connection[Any], table: Table, indexes: list[IndexDef]) -> None:
    live, staging = sql.Identifier(table.live), sql.Identifier(table.staging)
    conn.execute(sql.SQL("lock table {} in access exclusive mode").format(live))
    conn.execute(sql.SQL("drop table {}").format(live))
    conn.execute(sql.SQL("alter table {} rename to {}").format(staging, live))
    for index in indexes:
        if index.constraint:
            conn.execute(
                sql.SQL("alter table {} rename constraint {} to {}").format(
                    live, sql.Identifier(index.staging_name), sql.Identifier(index.constraint)
                )
            )
        else:
            conn.execute(
                sql.SQL("alter index {} rename to {}").format(
                    sql.Identifier(index.staging_name), sql.Identifier(index.name)
                )
            )
    # An identity sequence came with the staging table; give it the live name back and move
    # it past the loaded ids so rows added later get fresh ones.
    if not any(name == "id" for name, _ in table.columns):
        return
    seq = conn.execute("select pg_get_serial_sequence(%s, 'id')", (table.live,)).fetchone()
    if seq and seq[0]:
        schema, _, name = str(seq[0]).rpartition(".")
        if name.strip('"') != f"{table.live}_id_seq":
            conn.execute(
                sql.SQL("alter sequence {} rename to {}").format(
                    sql.Identifier(schema.strip('"'), name.strip('"')),
                    sql.Identifier(f"{table.live}_id_seq"),
                )
            )
        conn.execute(
            sql.SQL(
                "select setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) "
                "from {}"
            ).format(live),
            (table.live,),
        )


def swap(
    conn: psycopg.Connection[Any],
    tables: list[tuple[Table, list[IndexDef]]],
    model: ModelRow,
) -> int:
    """Replace live tables by their staging copies and store the model; returns the model id.

    Runs inside the caller's transaction; the exclusive locks are held only until its commit.
    """
    conn.execute("select set_config('lock_timeout', %s, true)", ("60s",))
    for table, indexes in tables:
        _swap_table(conn, table, indexes)
    refresh_genre_counts(conn)
    blend = model.params.get("blend")
    if blend:
        conn.execute(queries.get("store", "clear_blend").sql)
        conn.execute(queries.get("store", "store_blend").sql, {"blend": Jsonb(blend)})
    conn.execute(queries.get("store", "delete_models").sql)
    row = conn.execute(
        queries.get("store", "insert_model").sql,
        {
            "source": model.source,
            "doc2vec": model.doc2vec,
            "classifier": model.classifier,
            "creators": model.creators,
            "genre_vocab": model.genre_vocab,
            "thresholds": model.thresholds,
            "params": Jsonb(model.params),
            "metrics": Jsonb(model.metrics),
        },
    ).fetchone()
    assert row is not None
    return int(row[0])


def refresh_genre_counts(conn: psycopg.Connection[Any]) -> None:
    """Recount genre_counts from the live movies, in the caller's transaction."""
    conn.execute(queries.get("store", "refresh_genre_counts").sql)


def copy_live_ratings(conn: psycopg.Connection[Any]) -> int:
    """Carry the loaded ratings into staging (``--append``); returns how many."""
    return conn.execute(queries.get("store", "copy_live_ratings").sql).rowcount


def existing_movies(conn: psycopg.Connection[Any]) -> Iterator[dict[str, Any]]:
    """Every loaded movie's stored fields (``--append`` retrains on them), in id order.

    Rows stream from a server-side cursor, so a large catalogue is never all in memory."""
    from psycopg.rows import dict_row

    with conn.cursor(name="existing_movies", row_factory=dict_row) as cur:
        cur.itersize = 2000
        cur.execute(queries.get("store", "existing_movies").sql)
        yield from cur
