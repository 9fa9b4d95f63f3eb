"""The similarity statement movierec runs: sql/similar.sql's template with the genres and the
candidate count as literals and only the given filters (no database needed)."""

from __future__ import annotations

from pgvector import SparseVector

from movierec.query.counts import WIDE, Arms, GenreCounts, arms_for
from movierec.query.functions import function
from movierec.query.search import QueryVectors
from movierec.query.settings import SESSION_SETTINGS, options
from movierec.query.similar import (
    PSYCOPG_CACHED_LENGTH,
    Filters,
    conditions,
    similarity_params,
    statement,
    statement_for,
)

COUNTS = GenreCounts(
    {"Drama": 8000, "Comedy": 6000, "Crime": 2000, "Sci-Fi": 900, "Western": 150, "Noir": 40},
    movies=17000,
)
"""A catalogue of 17,000 films: big genres, small ones (under 100 films) and one rare one."""


def _text(params: dict[str, object], counts: GenreCounts = COUNTS) -> str:
    return statement_for(params, counts).as_string()


FILM = QueryVectors([0.1] * 100, SparseVector({1: 1.0}, 10), [0.2] * 8)


def test_the_genres_and_candidate_count_are_literals() -> None:
    text = _text(similarity_params(FILM, ["Western", "Sci-Fi"], k=10))
    assert "'{Sci-Fi,Western}'::text[]" in text  # sorted, quoted by psycopg
    assert "limit 40" in text and "{genres}" not in text and "{candidates}" not in text
    assert "%(genres)s" not in text and "%(embedding)s" in text  # values stay parameters
    assert "limit 400" in _text(similarity_params(FILM, ["Drama"], k=100))


def test_an_arm_for_each_given_part_and_k_candidates_for_one() -> None:
    """A NULL vector's arm is left out of the statement (it would find nothing); with one
    part left, its walk's order is the ranking, so each walk returns k films."""
    full = _text(similarity_params(FILM, ["Drama"], k=10))
    assert "creator_keys &&" in full and "f.factors <#>" in full
    no_factors = _text(similarity_params(QueryVectors(FILM.embedding, FILM.creators), ["Drama"]))
    assert "creator_keys &&" in no_factors and "f.factors <#>" not in no_factors
    assert "limit 40" in no_factors
    content = _text(similarity_params([0.1] * 100, ["Sci-Fi", "Western"], k=10))
    assert "creator_keys &&" not in content and "f.factors <#>" not in content
    assert "limit 40" not in content and content.count("limit 10") == 2  # a walk a genre
    assert "f.embedding <=>" in content
    creators = _text(similarity_params(QueryVectors(None, FILM.creators), ["Drama"]))
    assert "f.embedding <=>" not in creators and "creator_keys &&" in creators
    nothing = _text(similarity_params(QueryVectors(None), ["Drama"]))
    assert "where false" in nothing


def test_the_counts_choose_the_arms() -> None:
    """Few films: rank them all. One genre or wide ones: one walk. Several narrow ones: a walk
    of each one's own index and one exact arm for those under the bound. No counts: walk."""
    assert arms_for(("Western",), COUNTS, 100) == Arms()
    assert arms_for(("Noir",), COUNTS, 100) == Arms(exact=True, walk=False)
    assert arms_for((), COUNTS, 100) == Arms()
    assert arms_for(("Comedy", "Drama"), COUNTS, 100) == WIDE  # 14,000 x 2 >= 17,000
    assert arms_for(("Noir", "Sci-Fi", "Western"), COUNTS, 100) == Arms(
        walk=False, indexed=("Sci-Fi", "Western"), small=("Noir",)
    )
    assert arms_for(("Noir", "Unknown"), COUNTS, 100) == Arms(exact=True, walk=False)
    empty = GenreCounts({}, movies=17000)
    assert arms_for(("Noir",), empty, 100) == Arms()
    assert arms_for(("Noir", "Western"), empty, 100) == Arms(walk=False, small=("Noir", "Western"))
    # The bound is the setting's: 0 walks every genre.
    assert arms_for(("Noir",), COUNTS, 0) == Arms()
    assert arms_for(("Noir", "Sci-Fi"), COUNTS, 0) == Arms(walk=False, indexed=("Noir", "Sci-Fi"))


def test_the_statement_holds_only_the_arms_it_runs() -> None:
    """No CTE decides at run time: the exact arm alone for a rare genre, a walk a genre and
    one exact arm of the small ones for several narrow genres, one walk otherwise."""
    rare = _text(similarity_params(FILM, ["Noir"]))
    assert "order by f.embedding <=>" not in rare and "creator_keys &&" not in rare
    assert "(select f.* from filtered as f)" in rare
    narrow = _text(similarity_params(FILM, ["Noir", "Sci-Fi", "Western"]))
    assert "where f.genres && '{Sci-Fi}'::text[]" in narrow
    assert "where f.genres && '{Western}'::text[]" in narrow
    assert "where f.genres && '{Noir}'::text[])" in narrow  # the small ones' exact arm
    assert narrow.count("order by f.embedding <=>") == 2
    wide = _text(similarity_params(FILM, ["Comedy", "Drama"]))
    assert wide.count("order by f.embedding <=>") == 1 and "f.genres && '{" not in wide
    assert "m.genres && %(genres)s::text[]" in wide and "'{Comedy" not in wide
    for text in (rare, narrow, wide):
        assert "exact" not in text.replace("exact_below", "") and "One-Time" not in text


def test_a_quote_in_a_genre_is_quoted_not_run() -> None:
    text = _text(similarity_params([0.1] * 100, ["it's'); drop table movies; --"]))
    assert "'{\"it''s''); drop table movies; --\"}'::text[]" in text


def test_only_the_given_filters_are_in_the_statement() -> None:
    bare = _text(similarity_params([0.1] * 100, ["Drama"]))
    assert "m.year >=" not in bare and "is null or" not in bare
    some = _text(
        similarity_params([0.1] * 100, ["Drama"], filters=Filters(year_from=1990, language="en"))
    )
    assert "and m.year >= %(year_from)s::int" in some
    assert "and lower(m.language) = lower(%(language)s::text)" in some
    assert "m.year <=" not in some and "m.votes" not in some


def test_one_text_per_genre_set_and_filters() -> None:
    one = statement_for(similarity_params([0.1] * 100, ["Western", "Sci-Fi"], exclude_id=1), COUNTS)
    two = statement_for(similarity_params([0.2] * 100, ["Sci-Fi", "Western"], exclude_id=2), COUNTS)
    assert one is two  # made once, whatever the vector or the film
    # Several wide genres: one walk of the global index, the genres a parameter, so every
    # wide set shares one statement (planned once a connection, not once a set).
    wide = statement_for(similarity_params([0.1] * 100, ["Comedy", "Drama"]), COUNTS)
    wider = statement_for(similarity_params([0.1] * 100, ["Crime", "Drama", "Sci-Fi"]), COUNTS)
    assert wide is wider and wide is not one
    assert statement.cache_info().currsize >= 1


def test_every_filter_is_guarded_in_the_psql_function() -> None:
    text = function("movierec_similar_to").text()
    # One guard per filter, on its positional argument: "and ($8::int is null or m.year >= ...".
    assert text.count(" is null or ") == len(conditions()) == 10
    assert "and ($8::int is null or m.year >= $8::int)" in text
    assert "set plan_cache_mode = force_custom_plan" in text


def test_session_options_set_every_session_setting() -> None:
    text = options(SESSION_SETTINGS)
    for name, value in SESSION_SETTINGS.items():
        assert f"-c {name}={value}" in text
        assert " " not in value  # libpq options split on spaces
    assert SESSION_SETTINGS["plan_cache_mode"] == "force_generic_plan"


def test_the_statement_is_compact_and_six_genres_fit_psycopgs_cache() -> None:
    """The comments and indentation stay in sql/similar.sql (and in the psql function); the
    statement sent drops them, so that psycopg converts its text once, not every call."""
    import psycopg._queries

    assert PSYCOPG_CACHED_LENGTH == psycopg._queries.MAX_CACHED_STATEMENT_LENGTH
    every = {c.param for c in conditions()}
    for genres, given in (
        (("Drama",), frozenset()),
        (("Drama",), frozenset(every)),
        (("Crime", "Drama", "Thriller"), frozenset()),
        (("Action", "Crime", "Drama", "Thriller"), frozenset()),
        (("Action", "Crime", "Drama", "Horror", "Thriller", "War"), frozenset(every)),
    ):
        narrow = Arms(walk=False, indexed=genres[:-1], small=genres[-1:])
        text = statement(genres, 40, given, arms=narrow).as_string()
        assert not [line for line in text.splitlines() if line.startswith((" ", "--"))]
        assert len(text) <= PSYCOPG_CACHED_LENGTH, (genres, len(text))
    quoted = statement(("--x",), 40, frozenset()).as_string()
    assert "'{--x}'::text[]" in quoted  # a literal is never taken for a comment
    # A line break inside a genre: the text is sent as written, its literal whole.
    broken = statement(("a\n  --b",), 40, frozenset()).as_string()
    assert "'{\"a\n  --b\"}'::text[]" in broken


def test_required_genres_are_a_literal_and_a_filter_keeps_the_genres_literal() -> None:
    """``--genre`` goes into the text as the query genres do (a generic plan guessed it at
    0.5% of the films and sorted every film of a wide genre); and with any filter a wide set
    keeps its own statement with the genres as a literal, so that the plan sees them."""
    narrow = _text(
        similarity_params(
            FILM, ["Sci-Fi", "Western"], filters=Filters(required_genres=["Western", "Noir"])
        )
    )
    assert "and m.genres @> '{Noir,Western}'::text[]" in narrow
    assert "%(required_genres)s" not in narrow
    wide_filtered = _text(
        similarity_params(FILM, ["Comedy", "Drama"], filters=Filters(year_from=1990))
    )
    assert "'{Comedy,Drama}'::text[]" in wide_filtered and "%(genres)s" not in wide_filtered
    wide_seen = _text(
        similarity_params(FILM, ["Comedy", "Drama"], filters=Filters(exclude_ids=[1]))
    )
    assert "m.genres && %(genres)s::text[]" in wide_seen  # ids already seen change no estimate
