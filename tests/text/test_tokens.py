"""Text building and tokenizing."""

from __future__ import annotations

from movierec.records import MovieRecord
from movierec.text.tokens import document, entity, tokenize, words


def test_tokenize_lowercases_and_drops_punctuation() -> None:
    assert tokenize("The Matrix: Reloaded!") == ["the", "matrix", "reloaded"]
    assert tokenize("Don't stop") == ["don't", "stop"]
    assert tokenize("Spider-Man -- 2: Amélie's rock'n'roll") == [
        "spider-man",
        "2",
        "amélie's",
        "rock'n'roll",
    ]


def test_words_without_nltk_are_nltks_tokens_on_every_sample_title() -> None:
    import sqlite3

    from bokeh_sampledata.movies_data import movie_path

    conn = sqlite3.connect(f"file:{movie_path}?mode=ro", uri=True)
    titles = [r[0] for r in conn.execute("select Title from omdb") if r[0]]
    conn.close()
    titles += ["Spider-Man -- 2: Amélie's rock'n'roll", "L\u2019Avventura", "WALL·E", "9½ Weeks"]
    assert len(titles) > 17_000
    assert [words(t) for t in titles] == [tokenize(t) for t in titles]


def test_entity_is_one_token_per_name() -> None:
    assert entity("cast", "Keanu Reeves") == "cast:keanu_reeves"
    assert entity("director", " Éric  Toledano ") == "director:éric_toledano"


def test_document_leaves_genres_out() -> None:
    record = MovieRecord(
        source_id="1",
        title="The Matrix",
        year=1999,
        genres=["Sci-Fi", "Action"],
        director="Lana Wachowski, Lilly Wachowski",
        cast=["Keanu Reeves"],
        language="English",
        country="Australia, United States",
        content_rating="R",
    )
    tokens = document(record)
    assert tokens == [
        "the",
        "matrix",
        "director:lana_wachowski",
        "director:lilly_wachowski",
        "cast:keanu_reeves",
        "lang:english",
        "country:australia",
        "country:united_states",
        "decade:1990s",
        "rated:r",
    ]
    assert not {"sci-fi", "action"} & set(tokens)


def test_document_of_a_bare_title() -> None:
    assert document(MovieRecord(source_id="x", title="Heat")) == ["heat"]
