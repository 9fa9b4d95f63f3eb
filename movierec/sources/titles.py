"""Title clean-up shared by sources: a trailing "(1995)" year and a trailing ", The" article,
and the key two sources' titles are matched by."""

from __future__ import annotations

import re

_YEAR = re.compile(r"\s*\((?P<year>\d{4})(?:\s*[-\u2013]\s*(?:\d{4})?)?\)\s*$")
# Articles MovieLens moves to the end: "Matrix, The", "Cité des enfants perdus, La".
_ARTICLES = (
    "The",
    "A",
    "An",
    "Les",
    "La",
    "Le",
    "L'",
    "Il",
    "I",
    "Lo",
    "Gli",
    "Das",
    "Der",
    "Die",
    "Den",
    "Det",
    "El",
    "Los",
    "Las",
    "Un",
    "Une",
    "Ein",
    "Eine",
    "O",
    "Os",
    "As",
)
_TRAILING_ARTICLE = re.compile(
    r"^(?P<base>.+?), (?P<article>" + "|".join(re.escape(a) for a in _ARTICLES) + r")"
    r"(?P<rest>\s*\(.*\))?$"
)


def split_year(title: str) -> tuple[str, int | None]:
    """``"Toy Story (1995)"`` → ``("Toy Story", 1995)``; titles without a year are unchanged."""
    match = _YEAR.search(title)
    if not match or match.start() == 0:
        return title.strip(), None
    return title[: match.start()].strip(), int(match["year"])


def front_article(title: str) -> str:
    """``"Matrix, The"`` → ``"The Matrix"``; ``"Enfants, Les (Kids, The)"`` → ``"Les Enfants (Kids, The)"``."""
    match = _TRAILING_ARTICLE.match(title.strip())
    if not match:
        return title.strip()
    article = match["article"]
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match['base']}{match['rest'] or ''}"


def clean_title(raw: str) -> tuple[str, int | None]:
    """Both clean-ups: ``"Matrix, The (1999)"`` → ``("The Matrix", 1999)``."""
    title, year = split_year(raw)
    return front_article(title), year


_KEY_TRAILING = re.compile(r",\s*(the|a|an)\s*$")
_KEY_LEADING = re.compile(r"^(the|a|an)\s+")
_KEY_OTHER = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """A title as two sources both write it: lower case, no leading or trailing article
    ("Matrix, The"), no punctuation or spaces. sql/history.sql matches histories by the same
    rule (the movierec_title_key() function of migration 0006)."""
    key = _KEY_TRAILING.sub("", title.lower())
    key = _KEY_LEADING.sub("", key)
    return _KEY_OTHER.sub("", key)
