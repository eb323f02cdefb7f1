"""Reading the files of ``jingwu … import`` safely (pure): CSV rows with their line numbers
and JSON documents, every way a file can be malformed turned into one sentence with the line.

A *malformed* file (not CSV or JSON at all, a NUL byte, a field past the csv module's limit,
JSON nested past any real document) raises :class:`MalformedFile`: the commands exit 2 and
store nothing. Rows that are well-formed but wrong are the importers' business (exit 1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any


class MalformedFile(ValueError):
    """The file is not well-formed; ``line`` says where (1 when it cannot say)."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


def _nul_line(text: str) -> int | None:
    at = text.find("\x00")
    return None if at < 0 else text.count("\n", 0, at) + 1


def csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and an iterator of (line, row); the iterator raises MalformedFile."""
    nul = _nul_line(text)
    if nul is not None:
        raise MalformedFile(nul, "the file holds a NUL byte: it is not a text CSV file")
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise MalformedFile(reader.reader.line_num or 1, f"not CSV: {exc}") from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # DictReader counts a line once it parsed; its reader, once it read it.
                raise MalformedFile(reader.reader.line_num, f"not CSV: {exc}") from None
            yield reader.line_num, {k: v for k, v in raw.items() if isinstance(k, str)}

    return header, rows()


def load_json(text: str) -> Any:
    """A JSON document, refused (MalformedFile) when not JSON or nested past any real one."""
    nul = _nul_line(text)
    if nul is not None:
        raise MalformedFile(nul, "the file holds a NUL byte: it is not a JSON text")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedFile(exc.lineno, f"not JSON: {exc.msg}") from None
    except RecursionError:
        # The decoder gives up near the interpreter's recursion limit (about 1,000 levels);
        # a GeoJSON document needs 6.
        raise MalformedFile(1, "JSON nested far more deeply than any GeoJSON") from None


def has_nul(value: Any) -> bool:
    """True when a string anywhere in a parsed JSON value holds a NUL character (the
    databases refuse them); iterative, so any depth is safe."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
