"""Property tests: no input crashes a parser; every row is loaded or rejected with a reason."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movierec.errors import MovierecError
from movierec.records import MovieRecord, Rating, Reject
from movierec.sources import open_source
from tests import fixtures

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (file name a format is detected by, format)
FILES = [
    ("movies_metadata.csv", "tmdb"),
    ("u.item", "ml-100k"),
    ("movies.dat", "ml-1m"),
    ("movies.csv", "ml-latest"),
    ("films.csv", "csv"),
    ("films.jsonl", "jsonl"),
    ("films.sqlite", "wikidata"),
]


def _read_all(path: Path, format: str) -> tuple[list[MovieRecord], list[Reject], list[Rating]]:
    """Read movies and ratings; only MovierecError (one clear line) may escape."""
    source = open_source(str(path), format=format)
    movies, rejects, ratings = [], [], []
    for item in source.movies():
        assert isinstance(item, MovieRecord | Reject)
        if isinstance(item, Reject):
            assert item.reason and item.detail and item.where
            rejects.append(item)
        else:
            assert item.title.strip()
            movies.append(item)
    for rating in source.ratings():
        assert isinstance(rating, Rating | Reject)
        if isinstance(rating, Rating):
            ratings.append(rating)
    return movies, rejects, ratings


@FUZZ
@given(data=st.binary(max_size=2000), which=st.sampled_from(FILES))
def test_random_bytes_never_crash(data: bytes, which: tuple[str, str]) -> None:
    name, format = which
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            _read_all(path, format)
        except MovierecError as exc:
            assert str(exc) and "\n" not in str(exc)


def _mutate(lines: list[bytes], edits: list[tuple[int, int, bytes]]) -> list[bytes]:
    out = list(lines)
    for line_index, position, insert in edits:
        i = line_index % len(out)
        line = out[i]
        cut = position % (len(line) + 1)
        out[i] = line[:cut] + insert + line[cut + len(insert) :]
    return out


EDIT = st.tuples(
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.sampled_from(
        [b"", b"|", b"::", b",", b'"', b"\n", b"\xe9", b"{", b"[", b"x" * 3, b"\x00", b"9" * 15]
    ),
)

WRITERS: dict[str, Callable[[Path], Path]] = {
    "ml-100k": fixtures.write_ml100k,
    "ml-1m": fixtures.write_ml1m,
    "tmdb": fixtures.write_tmdb,
    "ml-latest": fixtures.write_ml_latest,
}


@FUZZ
@given(edits=st.lists(EDIT, min_size=1, max_size=6), format=st.sampled_from(sorted(WRITERS)))
def test_mutated_valid_rows_are_loaded_or_rejected(
    edits: list[tuple[int, int, bytes]], format: str
) -> None:
    write = WRITERS[format]
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder))
        lines = path.read_bytes().splitlines(keepends=True)
        mutated = _mutate(lines, edits)
        path.write_bytes(b"".join(mutated))
        try:
            movies, rejects, _ = _read_all(path, format)
        except MovierecError:
            return  # a file-level problem (encoding, header), reported as one line
        if format in ("ml-100k", "ml-1m"):
            # Line-based formats: every non-empty line is one movie or one reject.
            data_lines = [line for line in b"".join(mutated).split(b"\n") if line.strip(b"\r")]
            assert len(movies) + len(rejects) == len(data_lines)


@FUZZ
@given(
    rows=st.lists(
        st.dictionaries(
            st.sampled_from(
                ["id", "title", "year", "genres", "rating", "votes", "released", "cast"]
            ),
            st.one_of(
                st.none(),
                st.text(max_size=20),
                st.integers(),
                st.floats(),
                st.lists(st.text(max_size=5), max_size=3),
            ),
            max_size=8,
        ),
        max_size=20,
    )
)
def test_jsonl_objects_are_loaded_or_rejected(rows: list[dict[str, object]]) -> None:
    import json

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "films.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        movies, rejects, _ = _read_all(path, "jsonl")
        assert len(movies) + len(rejects) == len(rows)
