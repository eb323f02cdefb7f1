"""Reading an imported survey file (CSV with a template), line by line (pure).

One row per unit, period and indicator: ``unit`` (a unit's short code), ``period``
(``2026``, ``2026-H1``, ``2026-Q4`` or ``2026-03``), ``indicator`` (a catalogue id),
``respondents`` (how many answered), and either ``score`` (a mean score) or ``share`` (the
percentage answering favourably). Every problem is reported with its line number, and a
file with any problem is refused whole.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from jingwu.errors import DomainError, Invalid
from jingwu.evaluation.checks.periods import period_kind

COLUMNS = ("unit", "period", "indicator", "respondents", "score", "share")
MAX_ROWS = 10_000
MAX_ERRORS = 30
TEMPLATE = (
    "unit,period,indicator,respondents,score,share\n"
    "BS01,2026-Q4,kpi.satisfaction.innovation,120,,78.5\n"
    "BS01,2026-Q4,kpi.satisfaction.environment,120,86.0,\n"
    "BS01,2026,safety.order.safety_feeling,300,,92.1\n"
)


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """One parsed row and the line it came from."""

    line: int
    unit: str
    period: str
    indicator: str
    respondents: int
    score: float | None
    share: float | None

    @property
    def value(self) -> float:
        """The row's figure: its score or its share."""
        value = self.score if self.score is not None else self.share
        assert value is not None
        return value


def refuse(errors: dict[str, str]) -> Invalid:
    """The error for a file with ``errors`` (``{"line 3": "message id"}``)."""
    shown = dict(list(errors.items())[:MAX_ERRORS])
    errors = dict(sorted(errors.items(), key=lambda kv: int(kv[0].removeprefix("line "))))
    first = next(iter(errors)).removeprefix("line ")
    return Invalid(
        "The file has {count} error(s), the first on line {line}; nothing was imported.",
        params={"count": len(errors), "line": first},
        fields=shown,
    )


def decode(content: bytes) -> str:
    """The file's text (UTF-8, with or without a byte-order mark)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text.", fields={"file": "not UTF-8"}) from None


def read(text: str) -> tuple[list[SurveyRow], dict[str, str]]:
    """The good rows of a survey file and the problems of the others (by ``line N``)."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise Invalid(
            "The first line must be the template's: {columns}.",
            params={"columns": ",".join(COLUMNS)},
            fields={"line 1": "wrong columns"},
        )
    rows: list[SurveyRow] = []
    errors: dict[str, str] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise Invalid("A file has at most {n} rows.", params={"n": MAX_ROWS})
        try:
            rows.append(_row(line, values))
        except DomainError as exc:
            errors[f"line {line}"] = exc.template
    if not rows and not errors:
        raise Invalid("The file has no rows.", fields={"file": "empty"})
    return rows, errors


def parse(text: str) -> list[SurveyRow]:
    """The rows of a survey file; Invalid naming every bad line (nothing is kept)."""
    rows, errors = read(text)
    if errors:
        raise refuse(errors)
    return rows


def _row(line: int, values: list[str]) -> SurveyRow:
    if len(values) != len(COLUMNS):
        raise Invalid("wrong number of columns")
    unit, period, indicator, respondents, score, share = (v.strip() for v in values)
    if not unit:
        raise Invalid("unit missing")
    try:
        period_kind(period)
    except Invalid:
        raise Invalid("period not like 2026, 2026-H1, 2026-Q4 or 2026-03") from None
    if not indicator:
        raise Invalid("indicator missing")
    if not respondents.isdigit() or int(respondents) < 1:
        raise Invalid("respondents not a whole number from 1")
    if bool(score) == bool(share):
        raise Invalid("give either a score or a share")
    return SurveyRow(
        line, unit.upper(), period, indicator, int(respondents), _number(score), _number(share)
    )


def _number(text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise Invalid("score or share not a number") from None
    if not math.isfinite(value):
        raise Invalid("score or share not a number")
    return value
