"""Reading a file of indicator values (CSV with a template), line by line (pure).

One row per station, period and indicator: ``indicator`` (a catalogue id of an entered or
imported measure), ``station`` (a station's short code), ``period`` (the measure's
frequency: ``2026-03``, ``2026-Q4`` or ``2026``) and ``value`` (in the measure's unit, inside
its range). Every problem is reported with its line number, and a file with any problem is
refused whole (:func:`jingwu.evaluation.checks.surveycsv.refuse`).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from jingwu.errors import DomainError, Invalid
from jingwu.evaluation.indices.periods import parse_period
from jingwu.evaluation.measures import Catalogue, Measure
from jingwu.evaluation.vocab import Source

COLUMNS = ("indicator", "station", "period", "value")
MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class ValueRow:
    """One parsed row and the line it came from."""

    line: int
    indicator: str
    station: str
    period: str
    value: float


def template(catalogue: Catalogue, station: str = "SA01", year: int = 2026) -> str:
    """The template: the header and one example row per entered or imported measure."""
    lines = [",".join(COLUMNS)]
    for m in catalogue:
        if m.source is not Source.COMPUTED:
            period = {"monthly": f"{year}-12", "quarterly": f"{year}-Q4"}.get(
                str(m.frequency), str(year)
            )
            example = m.low + (m.high - m.low) * 0.8 if math.isfinite(m.high) else m.low
            lines.append(f"{m.id},{station},{period},{example:g}")
    return "\n".join(lines) + "\n"


def read(text: str, catalogue: Catalogue) -> tuple[list[ValueRow], dict[str, str]]:
    """The good rows and the problems of the others (by ``line N``)."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise Invalid(
            "The first line must be the template's: {columns}.",
            params={"columns": ",".join(COLUMNS)},
            fields={"line 1": "wrong columns"},
        )
    rows: list[ValueRow] = []
    errors: dict[str, str] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise Invalid("A file has at most {n} rows.", params={"n": MAX_ROWS})
        try:
            rows.append(_row(line, values, catalogue))
        except DomainError as exc:
            errors[f"line {line}"] = exc.template
    if not rows and not errors:
        raise Invalid("The file has no rows.", fields={"file": "empty"})
    return rows, errors


def check_entry(catalogue: Catalogue, indicator: str, period: str, value: float) -> Measure:
    """The measure, if a value of it may be entered for ``period`` and lies in its range."""
    try:
        measure = catalogue.measure(indicator)
    except Invalid:
        raise _wrong("indicator", "unknown indicator") from None
    if measure.source is Source.COMPUTED:
        raise _wrong("indicator", "indicator computed by the platform")
    if parse_period(period).kind is not measure.frequency:
        raise _wrong("period", "period not of the indicator's frequency")
    if not math.isfinite(value) or not measure.low <= value <= measure.high:
        raise _wrong("value", "value outside the indicator's range")
    return measure


def _wrong(field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: message})


def _row(line: int, values: list[str], catalogue: Catalogue) -> ValueRow:
    if len(values) != len(COLUMNS):
        raise Invalid("wrong number of columns")
    indicator, station, period, text = (v.strip() for v in values)
    if not station:
        raise Invalid("station missing")
    try:
        parse_period(period)
    except Invalid:
        raise Invalid("period not like 2026, 2026-Q4 or 2026-03") from None
    try:
        value = float(text)
    except ValueError:
        raise Invalid("value not a number") from None
    check_entry(catalogue, indicator, period, value)
    return ValueRow(line, indicator, station.upper(), parse_period(period).__str__(), value)
