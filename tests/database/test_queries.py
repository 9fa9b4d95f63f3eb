"""The SQL files: every query is named, documented and parameterized."""

from __future__ import annotations

import re

import pytest

from movierec.database import queries
from movierec.database.files import sql_dir


def test_parse_names_docs_and_statements() -> None:
    parsed = queries.parse(
        "-- file comment\n\n-- name: one\n-- The first.\n-- Still the first.\nselect %(a)s\n"
        "-- name: two\n-- The second.\nselect 2;\n"
    )
    assert list(parsed) == ["one", "two"]
    assert parsed["one"].doc == "The first. Still the first."
    assert parsed["one"].text == "select %(a)s"
    assert parsed["two"].text == "select 2"


def test_positional_maps_named_parameters() -> None:
    query = queries.parse("-- name: q\n-- Doc.\nselect %(b)s, %(a)s, %(b)s\n")["q"]
    assert query.params == ["b", "a"]
    assert query.positional(["a", "b"]) == "select $2, $1, $2"
    with pytest.raises(ValueError, match="not in"):
        query.positional(["a"])


@pytest.mark.parametrize("path", sorted(sql_dir().glob("*.sql")), ids=lambda p: p.name)
def test_every_query_has_a_comment(path: object) -> None:
    group = queries.load(path.stem)  # type: ignore[attr-defined]
    assert group
    for query in group.values():
        assert query.doc, f"{query.name} needs a one-line comment"
        assert query.text.strip()


def test_similarity_query_parameters() -> None:
    # The genres, the filters and the arms are template markers; the candidate count is one
    # of each index walk's; the filters come from similar_filters, one a line.
    query = queries.get("similar", "similar_to_vector")
    filters = queries.get("similar", "similar_filters")
    assert {"{genres}", "{filters}", "{arms}"} <= set(re.findall(r"\{\w+\}", query.text))
    for walk in ("similar_content_walk", "similar_content_genre", "similar_ratings"):
        assert "{candidates}" in queries.get("similar", walk).text
    assert sorted({*query.params, *filters.params, "genres"}) == sorted(
        [
            "embedding",
            "genres",
            "exclude_id",
            "exclude_ids",
            "year_from",
            "year_to",
            "runtime_min",
            "runtime_max",
            "min_rating",
            "min_votes",
            "required_genres",
            "excluded_genres",
            "language",
            "k",
            "creators",
            "factors",
            "blend",
            "w_content",
            "w_creators",
            "w_ratings",
        ]
    )
    # Dense cosine, factor inner product, creators by GIN overlap, and the genre filter; the
    # arms walk the indexes by the same operators.
    assert "<=>" in query.text and "<#>" in query.text and "m.genres && " in query.text
    assert "f.embedding <=>" in queries.get("similar", "similar_content_walk").text
    assert "creator_keys &&" in queries.get("similar", "similar_creators").text
    assert "f.factors <#>" in queries.get("similar", "similar_ratings").text
