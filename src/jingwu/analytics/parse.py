"""Parse incident CSV text into numpy arrays (pure: the caller opens the file).

Columns: ``id, category, occurred_at, lat, lon`` and optionally ``reported_at``; other
column names are mapped with ``col=name`` pairs. Coordinates are WGS-84, times ISO 8601
with an offset or ``Z``. Every bad row is reported with its line number and the reason,
so an importer can refuse the whole file instead of importing half of it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

REQUIRED_COLUMNS = ("id", "category", "occurred_at", "lat", "lon")
OPTIONAL_COLUMNS = ("reported_at",)
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class IncidentFileError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing, ...)."""


@dataclass(frozen=True)
class RowError:
    """One bad row: its line number in the file (the header is line 1) and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class BadRowsError(ValueError):
    """Some rows are bad; ``errors`` lists every one of them."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        more = f" (and {len(errors) - 1} more bad rows)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")


@dataclass(frozen=True)
class IncidentTable:
    """Parsed incidents as parallel arrays; times are Unix seconds (UTC)."""

    ids: tuple[str, ...]
    categories: tuple[str, ...]  # category names; ``category`` holds indices into this
    category: IntArray
    occurred: FloatArray
    reported: FloatArray | None  # NaN where a row left it blank; None without the column
    lat: FloatArray
    lon: FloatArray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ParseResult:
    """The good rows as a table, and every bad row."""

    table: IncidentTable
    errors: tuple[RowError, ...]

    def require_clean(self) -> IncidentTable:
        """Return the table, or raise BadRowsError when any row was bad."""
        if self.errors:
            raise BadRowsError(self.errors)
        return self.table


def parse_column_map(pairs: Iterable[str]) -> dict[str, str]:
    """Turn ``col=name`` strings into {our column: the file's column name}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            raise IncidentFileError(f"column mapping {pair!r} is not of the form col=name")
        if ours not in KNOWN_COLUMNS:
            known = ", ".join(KNOWN_COLUMNS)
            raise IncidentFileError(f"column mapping names unknown column {ours!r} ({known})")
        mapping[ours] = theirs
    return mapping


def parse_time(text: str) -> float:
    """Unix seconds of an ISO 8601 timestamp that carries an offset or ``Z``."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{text!r} has no UTC offset or Z")
    return moment.timestamp()


def _coordinate(text: str, name: str, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{name} {text!r} is outside -{limit:g}..{limit:g}")
    return value


def _resolve_columns(header: Sequence[str], mapping: Mapping[str, str]) -> dict[str, int]:
    positions = {name.strip(): i for i, name in enumerate(header)}
    found: dict[str, int] = {}
    for ours in KNOWN_COLUMNS:
        theirs = mapping.get(ours, ours)
        if theirs in positions:
            found[ours] = positions[theirs]
        elif ours in REQUIRED_COLUMNS:
            hint = f" (mapped to {theirs!r})" if ours in mapping else ""
            raise IncidentFileError(f"the file has no column {ours!r}{hint}")
    return found


class _Rows:
    """Accumulates the good rows column by column."""

    def __init__(self, has_reported: bool) -> None:
        self.has_reported = has_reported
        self.ids: list[str] = []
        self.first_line: dict[str, int] = {}
        self.cats: list[str] = []
        self.occurred: list[float] = []
        self.reported: list[float] = []
        self.lat: list[float] = []
        self.lon: list[float] = []

    def add(self, line: int, cells: Sequence[str], cols: Mapping[str, int]) -> None:
        if len(cells) <= max(cols.values()):
            raise ValueError(f"has only {len(cells)} fields")
        ident = cells[cols["id"]].strip()
        if not ident:
            raise ValueError("id is empty")
        if ident in self.first_line:
            raise ValueError(f"id {ident!r} repeats line {self.first_line[ident]}")
        category = cells[cols["category"]].strip()
        if not category:
            raise ValueError("category is empty")
        occurred = parse_time(cells[cols["occurred_at"]])
        reported = math.nan
        if self.has_reported and cells[cols["reported_at"]].strip():
            reported = parse_time(cells[cols["reported_at"]])
            if reported < occurred:
                raise ValueError("reported_at is before occurred_at")
        lat = _coordinate(cells[cols["lat"]], "lat", 90.0)
        lon = _coordinate(cells[cols["lon"]], "lon", 180.0)
        self.first_line[ident] = line
        self.ids.append(ident)
        self.cats.append(category)
        self.occurred.append(occurred)
        self.reported.append(reported)
        self.lat.append(lat)
        self.lon.append(lon)

    def table(self) -> IncidentTable:
        names = tuple(sorted(set(self.cats)))
        code = {name: i for i, name in enumerate(names)}
        return IncidentTable(
            ids=tuple(self.ids),
            categories=names,
            category=np.array([code[c] for c in self.cats], dtype=np.int64),
            occurred=np.array(self.occurred, dtype=np.float64),
            reported=np.array(self.reported, dtype=np.float64) if self.has_reported else None,
            lat=np.array(self.lat, dtype=np.float64),
            lon=np.array(self.lon, dtype=np.float64),
        )


def parse_incidents(
    lines: Iterable[str], *, column_map: Mapping[str, str] | None = None
) -> ParseResult:
    """Parse CSV text (header first) into an IncidentTable plus the bad rows."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise IncidentFileError("the file is empty") from None
    except csv.Error as exc:
        raise IncidentFileError(f"the header is not valid CSV ({exc})") from None
    cols = _resolve_columns(header, column_map or {})
    rows = _Rows(has_reported="reported_at" in cols)
    errors: list[RowError] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(reader.line_num, f"is not valid CSV ({exc})"))
            continue
        if not any(c.strip() for c in cells):
            continue  # blank lines carry no incident
        try:
            rows.add(reader.line_num, cells, cols)
        except ValueError as exc:
            errors.append(RowError(reader.line_num, str(exc)))
    return ParseResult(rows.table(), tuple(errors))
