"""Sources: named samples and files, each read into MovieRecords."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from movierec.errors import MovierecError
from movierec.records import MovieRecord

DEFAULT_SOURCE = "wikidata-films"


@dataclass(frozen=True)
class Source:
    """A readable collection of movies and the name it is stored under."""

    name: str
    """Stored in ``movies.source``; source ids are unique within it."""
    path: Path
    kind: str

    def records(self) -> Iterator[MovieRecord]:
        """Read the source's movies in a stable order."""
        if self.kind == "wikidata-sqlite":
            from movierec.sources.wikidata import read_wikidata

            return read_wikidata(self.path)
        from movierec.sources.jsonl import read_jsonl

        return read_jsonl(self.path)


def _wikidata_sample() -> Path:
    try:
        from bokeh_sampledata.movies_data import movie_path
    except ImportError as exc:
        raise MovierecError(
            "the wikidata-films sample needs bokeh-sampledata: pip install bokeh-sampledata"
        ) from exc
    return Path(movie_path)


def open_source(spec: str | None) -> Source:
    """Resolve a SOURCE argument: a sample name, a ``.sqlite``/``.db`` file, or ``.jsonl``."""
    spec = spec or DEFAULT_SOURCE
    if spec == "wikidata-films":
        return Source("wikidata-films", _wikidata_sample(), "wikidata-sqlite")
    path = Path(spec).expanduser()
    if not path.exists():
        raise MovierecError(
            f"{spec}: no such file or sample; use a .jsonl or Wikidata .sqlite file, "
            f"or the sample name {DEFAULT_SOURCE!r}"
        )
    if path.is_dir():
        raise MovierecError(f"{spec}: is a folder; give a file")
    suffix = path.suffix.lower()
    if suffix in {".sqlite", ".db", ".sqlite3"}:
        return Source(path.stem, path, "wikidata-sqlite")
    if suffix in {".jsonl", ".ndjson"}:
        return Source(path.stem, path, "jsonl")
    raise MovierecError(
        f"{spec}: unknown format {suffix or '(no extension)'!r}; "
        "movierec reads .jsonl (one movie per line) and Wikidata .sqlite files"
    )
