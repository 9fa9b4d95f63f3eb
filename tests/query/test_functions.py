"""psql and the CLI run the same SQL: the newest frozen function text is what the query files
build today, and the newest migration executes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from movierec.query.functions import function

FROZEN = Path(__file__).resolve().parents[2] / "migrations" / "frozen"
VERSIONS = FROZEN.parent / "versions"
STEMS = {
    "movierec_similar_to": "similar",
    "movierec_match_history": "history_match",
    "movierec_history_vectors": "history_vectors",
    "search_movies": "search",
}


def _newest(stem: str) -> Path:
    files = sorted(FROZEN.glob(f"{stem}_v*.sql"), key=lambda p: int(p.stem.rsplit("_v", 1)[1]))
    return files[-1]


def _body(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("-- ")).lstrip("\n")


@pytest.mark.parametrize("name", sorted(STEMS))
def test_the_newest_frozen_text_is_the_current_query(name: str) -> None:
    newest = _newest(STEMS[name])
    assert _body(newest).strip() == function(name).text().strip(), (
        f"{newest.name} differs from sql/: freeze `python -m movierec.query.functions {name}` "
        "in a new migration"
    )


@pytest.mark.parametrize("name", sorted(STEMS))
def test_a_migration_executes_the_newest_frozen_text(name: str) -> None:
    newest = _newest(STEMS[name]).name
    using = [
        p.name
        for p in VERSIONS.glob("*.py")
        if re.search(rf"\"{re.escape(newest)}\"", p.read_text(encoding="utf-8"))
    ]
    assert using, f"no migration executes {newest}"
