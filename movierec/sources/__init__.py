"""Sources: named samples and files, detected by name and header, read into records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from movierec.errors import MovierecError
from movierec.records import MovieRecord, Rating, Reject

DEFAULT_SOURCE = "wikidata-films"
SAMPLES = ("wikidata-films", "movielens-small")
FORMATS = ("wikidata", "tmdb", "ml-100k", "ml-1m", "ml-latest", "csv", "jsonl")

# A folder is searched for these files, in this order.
_FOLDER_FILES = {
    "movies_metadata.csv": "tmdb",
    "u.item": "ml-100k",
    "movies.dat": "ml-1m",
    "movies.csv": "ml-latest",
}


@dataclass(frozen=True)
class Source:
    """A readable collection of movies (and maybe ratings) and the name it is stored under."""

    name: str
    """Stored in ``movies.source``; source ids are unique within it."""
    format: str
    path: Path | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    genre_sep: str | None = None

    @property
    def label(self) -> str:
        """How messages name the source."""
        return str(self.path) if self.path else self.name

    def movies(self) -> Iterator[MovieRecord | Reject]:
        """The source's movies in a stable order; rows that cannot be used come out as rejects."""
        path = self.path
        if self.format == "movielens-small":
            from movierec.sources.movielens import read_sample_movies

            return read_sample_movies()
        assert path is not None
        if self.format == "wikidata":
            from movierec.sources.wikidata import read_wikidata

            return read_wikidata(path)
        if self.format == "tmdb":
            from movierec.sources.tmdb import read_movies

            return read_movies(path)
        if self.format in ("csv", "jsonl"):
            from movierec.sources.tabular import read_movies as read_tabular

            return read_tabular(path, self.format, self.mapping, self.genre_sep)
        from movierec.sources import movielens

        reader = {
            "ml-100k": movielens.read_100k_movies,
            "ml-1m": movielens.read_1m_movies,
            "ml-latest": movielens.read_latest_movies,
        }[self.format]
        return reader(path)

    def ratings(self) -> Iterator[Rating | Reject]:
        """The source's ratings, if it has any (MovieLens formats and sample)."""
        from movierec.sources import movielens

        if self.format == "movielens-small":
            return movielens.read_sample_ratings()
        readers = {
            "ml-100k": movielens.read_100k_ratings,
            "ml-1m": movielens.read_1m_ratings,
            "ml-latest": movielens.read_latest_ratings,
        }
        if self.format in readers and self.path is not None:
            return readers[self.format](self.path)
        return iter(())


def _wikidata_sample() -> Path:
    try:
        from bokeh_sampledata.movies_data import movie_path
    except ImportError as exc:
        raise MovierecError(
            "the wikidata-films sample needs bokeh-sampledata: pip install bokeh-sampledata"
        ) from exc
    return Path(movie_path)


def _first_line(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.readline(65536).decode("utf-8", "replace").lstrip("\ufeff")
    except OSError as exc:
        raise MovierecError(f"{path}: cannot read ({exc.strerror})") from None


def detect_format(path: Path) -> str:
    """The format of a file, from its name and first line."""
    name = path.name.lower()
    suffix = path.suffix.lower()
    if name == "u.item":
        return "ml-100k"
    if name == "movies.dat":
        return "ml-1m"
    if suffix in {".sqlite", ".db", ".sqlite3"}:
        return "wikidata"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".csv":
        header = [h.strip().strip('"') for h in _first_line(path).strip().split(",")]
        if {"adult", "belongs_to_collection", "imdb_id"} <= set(header):
            return "tmdb"
        if header[:3] == ["movieId", "title", "genres"]:
            return "ml-latest"
        return "csv"
    raise MovierecError(
        f"{path}: unknown format {suffix or '(no extension)'!r}; give --format, one of {', '.join(FORMATS)}"
    )


def open_source(
    spec: str | None,
    *,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    genre_sep: str | None = None,
) -> Source:
    """Resolve a SOURCE argument: a sample name, a file, or a folder holding a known file."""
    spec = spec or DEFAULT_SOURCE
    if format is not None and format not in FORMATS:
        raise MovierecError(f"--format {format!r}: unknown; use one of {', '.join(FORMATS)}")
    if spec == "wikidata-films":
        return Source("wikidata-films", "wikidata", _wikidata_sample())
    if spec == "movielens-small":
        return Source("movielens-small", "movielens-small")
    path = Path(spec).expanduser()
    if not path.exists():
        raise MovierecError(
            f"{spec}: no such file, folder or sample; samples are {', '.join(SAMPLES)}"
        )
    if path.is_dir():
        for file_name, kind in _FOLDER_FILES.items():
            if (path / file_name).is_file():
                return Source(path.name, format or kind, path / file_name, mapping or {}, genre_sep)
        raise MovierecError(
            f"{spec}: a folder without {', '.join(_FOLDER_FILES)}; give the movies file itself"
        )
    kind = format or detect_format(path)
    name = path.parent.name if path.name in _FOLDER_FILES and path.parent.name else path.stem
    return Source(name, kind, path, mapping or {}, genre_sep)
