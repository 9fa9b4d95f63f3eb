"""movierec's binary COPY encoder against PostgreSQL's own parser, every column type."""

from __future__ import annotations

import datetime as dt

import numpy as np
import psycopg
from psycopg import sql

from movierec.database import copy_binary
from movierec.database.connection import connect

KINDS = ["int8", "int4", "float4", "text", "text[]", "jsonb", "vector", "date", "timestamptz"]


def test_every_type_round_trips(loaded_url: str) -> None:
    rows = [
        (
            1, 7, 2.5, "Amélie", ["Comedy", "Romance"], {"a": 1, "é": [1, 2]},
            np.array([0.5, -1.25, 3.0], dtype=np.float32), dt.date(1999, 3, 31),
            dt.datetime(2009, 12, 30, 1, 2, 3, 456789, tzinfo=dt.UTC),
        ),
        (2, -3, -0.0, "", [], {}, [1.0, 2.0, 3.0], dt.date(1895, 12, 28), dt.datetime(1970, 1, 1)),
        (3, None, None, None, ["a", "b", "c", "d", "e", "f"], None, [0, 0, 0], None, None),
    ]  # fmt: skip
    with connect(loaded_url) as conn:
        conn.execute(
            "create temp table t (a int8, b int4, c float4, d text, e text[], f jsonb,"
            " g vector(3), h date, i timestamptz)"
        )
        with (
            conn.cursor() as cur,
            cur.copy(sql.SQL("copy t from stdin with (format binary)")) as copy,
        ):
            copy.write(copy_binary.HEADER)
            for data in copy_binary.encode_rows(KINDS, rows):
                copy.write(data)
            copy.write(copy_binary.TRAILER)
        back = conn.execute("select * from t order by a").fetchall()
    assert back[0][:6] == (1, 7, 2.5, "Amélie", ["Comedy", "Romance"], {"a": 1, "é": [1, 2]})
    assert back[0][6].to_list() == [0.5, -1.25, 3.0]
    assert back[0][7] == dt.date(1999, 3, 31)
    assert back[0][8] == dt.datetime(2009, 12, 30, 1, 2, 3, 456789, tzinfo=dt.UTC)
    assert back[1][3:6] == ("", [], {})
    assert back[1][7] == dt.date(1895, 12, 28)
    assert back[1][8] == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert back[2][1:4] == (None, None, None) and back[2][4] == ["a", "b", "c", "d", "e", "f"]
    assert back[2][5:] == (None, back[2][6], None, None)


def test_a_bad_value_fails_the_copy_cleanly(loaded_url: str) -> None:
    with connect(loaded_url) as conn:
        conn.execute("create temp table t (g vector(3))")
        try:
            with conn.cursor() as cur, cur.copy("copy t from stdin with (format binary)") as copy:
                copy.write(copy_binary.HEADER)
                for data in copy_binary.encode_rows(["vector"], [([1.0, 2.0],)]):
                    copy.write(data)
                copy.write(copy_binary.TRAILER)
        except psycopg.errors.DataException as exc:
            assert "dimensions" in str(exc)
        else:
            raise AssertionError("a 2-d vector went into a vector(3) column")
