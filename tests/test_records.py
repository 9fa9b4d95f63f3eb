"""Packed movie records: a load keeps every movie as bytes and reads back the same record."""

from __future__ import annotations

import datetime as dt

from movierec.records import MovieRecord, PackedRecords, pack, unpack

HEAT = MovieRecord(
    source_id="Q1",
    title="Heat",
    year=1995,
    genres=["Crime", "Drama"],
    director="Michael Mann",
    cast=["Al Pacino", "Robert De Niro"],
    runtime_minutes=170,
    rating=8.3,
    votes=700_000,
    released=dt.date(1995, 12, 15),
    keywords=["heist"],
)
BARE = MovieRecord(source_id="2", title="Untitled")


def test_pack_round_trips_every_field() -> None:
    assert unpack(pack(HEAT)) == HEAT
    assert unpack(pack(BARE)) == BARE
    assert unpack(pack(HEAT)).released == dt.date(1995, 12, 15)


def test_packed_records_read_like_a_list() -> None:
    records = PackedRecords()
    for record in (HEAT, BARE, HEAT):
        records.append(record)
    assert len(records) == 3
    assert list(records) == [HEAT, BARE, HEAT]
    assert records[1] == BARE and records[-1] == HEAT
    assert records[1:] == [BARE, HEAT]
    assert all(isinstance(data, bytes) for data in records.packed)
