"""MovieLens-style titles: trailing years and articles."""

from __future__ import annotations

import pytest

from movierec.sources.titles import clean_title, front_article, split_year


@pytest.mark.parametrize(
    ("raw", "title", "year"),
    [
        ("Toy Story (1995)", "Toy Story", 1995),
        ("Matrix, The (1999)", "The Matrix", 1999),
        ("Misérables, Les (1995)", "Les Misérables", 1995),
        ("Homme et une femme, Un (1966)", "Un Homme et une femme", 1966),
        ("Ami de mon amie, L' (1987)", "L'Ami de mon amie", 1987),
        (
            "City of Lost Children, The (Cité des enfants perdus, La) (1995)",
            "The City of Lost Children (Cité des enfants perdus, La)",
            1995,
        ),
        ("Seven (a.k.a. Se7en) (1995)", "Seven (a.k.a. Se7en)", 1995),
        ("Sherlock (2010- )", "Sherlock", 2010),
        ("Babylon 5", "Babylon 5", None),
        ("1492: Conquest of Paradise (1992)", "1492: Conquest of Paradise", 1992),
        ("(1995)", "(1995)", None),
        ("Game, The", "The Game", None),
        ("A Man, A Plan", "A Man, A Plan", None),
    ],
)
def test_clean_title(raw: str, title: str, year: int | None) -> None:
    assert clean_title(raw) == (title, year)


def test_parts() -> None:
    assert split_year("Heat (1995)") == ("Heat", 1995)
    assert front_article("Birdcage, The") == "The Birdcage"
    assert front_article("Crying Game") == "Crying Game"
