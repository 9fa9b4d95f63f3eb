"""Reading delimited text files row by row, with the line each row starts on."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from movierec.errors import MovierecError

# The Movies Dataset's credits.csv holds cast lists of hundreds of kilobytes in one field.
csv.field_size_limit(min(sys.maxsize, 64 * 1024 * 1024))


def open_text(path: Path, encoding: str) -> Iterator[str]:
    """Lines of a text file, line endings kept; a decoding error names its exact line.

    Bytes are split on newlines before decoding (safe for UTF-8 and latin-1), because a text
    stream decodes ahead in chunks and would blame the wrong line.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise MovierecError(f"{path}: no such file") from None
    except OSError as exc:
        raise MovierecError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        for line_no, raw in enumerate(handle, start=1):
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise MovierecError(
                    f"{path}:{line_no}: not valid {encoding} ({exc.reason}); "
                    f"re-encode the file as {encoding}"
                ) from None


def rows(
    path: Path, *, encoding: str = "utf-8", delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` for each CSV record; ``line`` is where the record starts."""
    reader = csv.reader(open_text(path, encoding), delimiter=delimiter)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise MovierecError(f"{path}:{reader.line_num}: unreadable CSV ({exc})") from None
        yield start, row
        start = reader.line_num + 1


def split_lines(path: Path, *, encoding: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of a file whose fields are split by a plain separator (``::``, ``|``)."""
    for line_no, line in enumerate(open_text(path, encoding), start=1):
        text = line.rstrip("\r\n")
        if text.strip():
            yield line_no, text.split(separator)
