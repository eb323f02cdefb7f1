"""What every computation shares: the stations, a selection of platform rows, the aggregates.

A computed value is an aggregate over a *selection*: the rows of one kind (orders, feedback,
tasks, …) of a station in a window, and for a share the condition that counts a row in the
numerator. The same selection lists the rows behind a value on the drill-down page, so a
figure and its rows can never disagree about what was counted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import JSON, Select, Table, case, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from jingwu.evaluation.measures import Measure
from jingwu.geo import area_m2
from jingwu.org.models import Unit

PER_10K = 10_000.0


@dataclass(frozen=True, slots=True)
class Window:
    """The UTC bounds of a period, start included, end excluded."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class Station:
    """A community station and what rates are divided by."""

    id: int
    code: str
    residents: int | None
    area_km2: float | None


@dataclass(frozen=True, slots=True)
class Sample:
    """A computed value of one station, its basis (the denominator) and the counts behind it."""

    value: float
    basis: float | None
    counts: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Selection:
    """Rows of one kind: the reference shown for each, the station column, the filters."""

    kind: str  # order, feedback, task, mediation, follow_up, incident, alert, device, …
    ref: Any  # the column shown (an order's code, else the row's id)
    unit: Any  # the station column
    where: tuple[ColumnElement[bool], ...]
    good: ColumnElement[bool] | None = None  # counted in a share's numerator
    joins: tuple[tuple[Any, ColumnElement[bool]], ...] = ()
    at: Any = None  # the time that places a row in a period (None: a state, not events)
    outer: tuple[tuple[Any, ColumnElement[bool]], ...] = ()  # at most one row each

    def rows(self, *columns: Any) -> Select[Any]:
        """The selection as a SELECT of ``columns``."""
        stmt = select(*columns)
        for target, on in self.joins:
            stmt = stmt.join(target, on)
        for target, on in self.outer:
            stmt = stmt.outerjoin(target, on)
        return stmt.where(*self.where)


Aggregate = Callable[[Session, Measure, Window, list[Station]], dict[int, Sample]]
Selector = Callable[[Measure, Window], Selection]


class JsonText(str):
    """A JSON column's value already encoded (many rows sharing most of their JSON build it
    from pieces instead of encoding a dict per row)."""


def bulk_insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert many rows of a mapped class at once: COPY on PostgreSQL (its executemany sends
    them one by one), the driver's executemany on SQLite. JSON columns go as JSON text
    (:class:`JsonText` as it is)."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), [_decoded(r, as_json) for r in rows])
        return
    names = list(rows[0])
    copy_rows(session, table.name, names, ([r[n] for n in names] for r in rows), as_json)


def insert_tuples(
    session: Session, model: type[Any], names: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """:func:`bulk_insert` of rows given as tuples in the order of ``names``."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    if session.connection().dialect.name != "postgresql":
        bulk_insert(session, model, [dict(zip(names, r, strict=True)) for r in rows])
        return
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    copy_rows(session, table.name, names, rows, as_json)


def copy_rows(
    session: Session,
    table: str,
    names: list[str],
    rows: Iterable[Sequence[Any]],
    as_json: Collection[str] = (),
) -> None:
    """COPY rows (values in the order of ``names``) into a PostgreSQL table; JSON columns as
    JSON text (:class:`JsonText` as it is)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    columns = ", ".join(f'"{n}"' for n in names)
    encoded = [k for k, n in enumerate(names) if n in as_json]
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if encoded:
                cells = list(row)
                for k in encoded:
                    if cells[k] is not None and not isinstance(cells[k], JsonText):
                        cells[k] = json.dumps(cells[k])
                copy.write_row(cells)
            else:
                copy.write_row(row)


def _decoded(row: dict[str, Any], as_json: Collection[str]) -> dict[str, Any]:
    if not any(isinstance(row.get(n), JsonText) for n in as_json):
        return row
    return {k: json.loads(v) if isinstance(v, JsonText) else v for k, v in row.items()}


def stations(session: Session) -> list[Station]:
    """Every community station, with its residents and boundary area."""
    out = []
    for unit in session.scalars(select(Unit).where(Unit.kind == "community").order_by(Unit.id)):
        area = area_m2(unit.boundary) / 1e6 if unit.boundary else None
        out.append(Station(unit.id, unit.short_code, unit.residents, area or None))
    return out


def texts(measure: Measure, key: str) -> tuple[str, ...]:
    """A list parameter of the measure's computation (empty when absent)."""
    value = measure.param(key)
    return value if isinstance(value, tuple) else ()


def share(selection: Selection) -> Aggregate:
    """100 × rows meeting ``good`` ÷ rows, per station; no rows = no value."""

    def run(session: Session, _m: Measure, _w: Window, _s: list[Station]) -> dict[int, Sample]:
        good = func.sum(
            case((selection.good if selection.good is not None else true(), 1), else_=0)
        )
        stmt = selection.rows(selection.unit, func.count(), good).group_by(selection.unit)
        return {
            int(unit): Sample(100.0 * int(k or 0) / n, float(n), {"rows": n, "good": int(k or 0)})
            for unit, n, k in session.execute(stmt)
            if n
        }

    return run


def counted(session: Session, selection: Selection) -> dict[int, int]:
    """Rows of the selection per station."""
    stmt = selection.rows(selection.unit, func.count()).group_by(selection.unit)
    return {int(unit): int(n) for unit, n in session.execute(stmt)}


def per_10k(counts: Mapping[int, int], where: list[Station]) -> dict[int, Sample]:
    """Counts per 10,000 residents; a station without residents has no value."""
    return {
        s.id: Sample(
            counts.get(s.id, 0) * PER_10K / s.residents,
            float(s.residents),
            {"rows": counts.get(s.id, 0), "residents": s.residents},
        )
        for s in where
        if s.residents
    }


def mean_of(selection: Selection, expression: Any) -> Aggregate:
    """The mean of ``expression`` over the station's rows; no rows = no value."""

    def run(session: Session, _m: Measure, _w: Window, _s: list[Station]) -> dict[int, Sample]:
        stmt = selection.rows(selection.unit, func.count(), func.avg(expression))
        return {
            int(unit): Sample(float(avg), float(n), {"rows": n})
            for unit, n, avg in session.execute(stmt.group_by(selection.unit))
            if n and avg is not None
        }

    return run
