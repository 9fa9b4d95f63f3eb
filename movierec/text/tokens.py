"""Records into tokens: title words through NLTK, metadata as single entity tokens.

Genre words are left out on purpose: the classifier must predict genres from what else is
known about a movie, so its held-out score measures prediction, not reading genres back.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from movierec.records import MovieRecord

MAX_CAST = 25

# Words, keeping inner hyphens and apostrophes: "spider-man", "don't", "rock'n'roll".
WORD_PATTERN = r"\w+(?:[-'\u2019]\w+)*"


@cache
def _tokenizer() -> object:
    # A regular-expression tokenizer needs no downloaded NLTK data (word_tokenize needs punkt),
    # and is about 13x faster than Treebank's rule cascade on the sample's titles.
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(WORD_PATTERN)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of free text; punctuation is dropped."""
    tokens: list[str] = _tokenizer().tokenize(text.lower())  # type: ignore[attr-defined]
    return tokens


@cache
def _word() -> Any:
    import regex

    return regex.compile(WORD_PATTERN, regex.UNICODE | regex.MULTILINE | regex.DOTALL)


def words(text: str) -> list[str]:
    """The tokens ``tokenize`` gives, without NLTK: its RegexpTokenizer (no gaps) is
    ``findall`` of the pattern, compiled by the ``regex`` engine (whose ``\\w`` differs from
    ``re``'s: "8½" is one word to ``re``, "8" to ``regex``); tests/text/test_tokens.py checks
    the two agree on every sample title. The query path explains results by title words, and
    importing NLTK there would pull in scikit-learn and pandas."""
    found: list[str] = _word().findall(text.lower())
    return found


def entity(kind: str, name: str) -> str:
    """One token for a named thing, so 'Keanu Reeves' is not two unrelated words."""
    folded = unicodedata.normalize("NFKC", name).strip().lower()
    return f"{kind}:" + re.sub(r"\W+", "_", folded).strip("_")


def document(record: MovieRecord) -> list[str]:
    """The tokens a movie is embedded from: title and overview words plus metadata entities."""
    tokens = tokenize(record.title)
    if record.overview:
        tokens += tokenize(record.overview)
    if record.tagline:
        tokens += tokenize(record.tagline)
    tokens += [entity("keyword", k) for k in record.keywords]
    if record.director:
        tokens += [entity("director", d) for d in record.director.split(",") if d.strip()]
    if record.writer:
        tokens += [entity("writer", w) for w in record.writer.split(",") if w.strip()]
    tokens += [entity("cast", c) for c in record.cast[:MAX_CAST]]
    if record.language:
        tokens.append(entity("lang", record.language))
    if record.country:
        tokens += [entity("country", c) for c in record.country.split(",") if c.strip()]
    if record.year:
        tokens.append(f"decade:{record.year // 10 * 10}s")
    if record.content_rating:
        tokens.append(entity("rated", record.content_rating))
    return tokens
