"""Named SQL queries from ``sql/*.sql``, aiosql-style: ``-- name:`` line, comment, statement.

A query that lists the movie record's columns writes ``{record_columns}`` (and, in an insert,
``{record_values}``) instead, filled from movierec.records.RECORD_COLUMNS: the column list is
written once, in Python, and the statement stays in its file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from psycopg import sql

from movierec.database.files import sql_dir
from movierec.records import RECORD_COLUMNS

_NAME = re.compile(r"^--\s*name:\s*(?P<name>[a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_PARAM = re.compile(r"%\((?P<name>\w+)\)s")


@dataclass(frozen=True)
class Query:
    """One named statement with its one-line description."""

    name: str
    doc: str
    text: str

    @property
    def sql(self) -> sql.SQL | sql.Composed:
        """The statement as a composable; its values stay ``%(name)s`` placeholders."""
        return _fill(self.text)

    @property
    def params(self) -> list[str]:
        """Named parameters in order of first use."""
        seen: list[str] = []
        for match in _PARAM.finditer(self.text):
            if match["name"] not in seen:
                seen.append(match["name"])
        return seen

    def positional(self, order: list[str]) -> str:
        """The text with ``%(name)s`` turned into ``$n`` by ``order``: a SQL function's body."""
        missing = set(self.params) - set(order)
        if missing:
            raise ValueError(f"query {self.name} uses parameters not in {order}: {sorted(missing)}")
        return _PARAM.sub(lambda m: f"${order.index(m['name']) + 1}", self.text)


_MARKER = re.compile(r"\{(record_columns|record_values)\}")


def _markers() -> dict[str, sql.Composable]:
    return {
        "record_columns": sql.SQL(", ").join(sql.Identifier(c.name) for c in RECORD_COLUMNS),
        "record_values": sql.SQL(", ").join(sql.Placeholder(c.name) for c in RECORD_COLUMNS),
    }


def _fill(text: str) -> sql.SQL | sql.Composed:
    """``text`` with its column-list markers replaced (only those: other braces stay)."""
    parts: list[sql.Composable] = []
    last = 0
    for match in _MARKER.finditer(text):
        parts += [sql.SQL(text[last : match.start()]), _markers()[match[1]]]
        last = match.end()
    if not parts:
        return sql.SQL(text)
    return sql.Composed([*parts, sql.SQL(text[last:])])


def parse(text: str) -> dict[str, Query]:
    """Parse one ``.sql`` file's text into its named queries."""
    queries: dict[str, Query] = {}
    matches = list(_NAME.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip("\n")
        doc_lines: list[str] = []
        sql_lines: list[str] = []
        for line in body.splitlines():
            if not sql_lines and line.startswith("--"):
                doc_lines.append(line.lstrip("-").strip())
            elif line.strip() or sql_lines:
                sql_lines.append(line)
        statement = "\n".join(sql_lines).strip().rstrip(";").strip()
        queries[match["name"]] = Query(match["name"], " ".join(doc_lines), statement)
    return queries


@cache
def load(group: str) -> dict[str, Query]:
    """The queries of ``sql/<group>.sql``, read once per process."""
    return parse((sql_dir() / f"{group}.sql").read_text(encoding="utf-8"))


def get(group: str, name: str) -> Query:
    """One named query from ``sql/<group>.sql``."""
    return load(group)[name]
