"""Rejected input rows: counted by reason, a few kept for the summary, all written on request."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from movierec.errors import MovierecError
from movierec.records import Reject

EXAMPLES = 5


class RejectLog:
    """Collects rejects; with ``path``, writes every one as a CSV row (where, reason, detail)."""

    def __init__(self, path: Path | None = None, strict: bool = False) -> None:
        self.strict = strict
        self.counts: Counter[str] = Counter()
        self.examples: list[Reject] = []
        self._path = path
        self._handle: IO[str] | None = None
        self._writer: Any = None
        if path is not None:
            try:
                self._handle = path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise MovierecError(f"--rejects {path}: cannot write ({exc.strerror})") from None
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["where", "reason", "detail"])

    def add(self, reject: Reject) -> None:
        """Count one reject (and stop at once under ``--strict``)."""
        self.counts[reject.reason] += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(reject)
        if self._writer is not None:
            self._writer.writerow([reject.where, reject.reason, reject.detail])
        if self.strict:
            raise MovierecError(f"{reject} (--strict: any rejected row fails the load)")

    def add_many(self, count: int, reject: Reject) -> None:
        """Count ``count`` rows rejected for one reason found in bulk (no line of their own)."""
        if count <= 0:
            return
        self.counts[reject.reason] += count
        if len(self.examples) < EXAMPLES:
            self.examples.append(reject)
        if self._writer is not None:
            self._writer.writerow([reject.where, reject.reason, f"{count} rows: {reject.detail}"])
        if self.strict:
            raise MovierecError(
                f"{reject} ({count} rows; --strict: any rejected row fails the load)"
            )

    @property
    def total(self) -> int:
        """How many rows were rejected."""
        return sum(self.counts.values())

    def summary(self) -> str:
        """``12 rejected: 9 duplicate-id, 3 missing-title``."""
        parts = ", ".join(f"{n} {reason}" for reason, n in self.counts.most_common())
        return f"{self.total} rejected: {parts}" if self.total else "0 rejected"

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` form."""
        return {
            "total": self.total,
            "by_reason": dict(self.counts.most_common()),
            "examples": [str(r) for r in self.examples],
            "file": str(self._path) if self._path else None,
        }

    def close(self) -> None:
        """Flush the rejects file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RejectLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
