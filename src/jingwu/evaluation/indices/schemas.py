"""API models of the indices (bounded inputs; outputs built from the read models)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jingwu.evaluation.indices.models import CatalogueVersion
from jingwu.evaluation.indices.queries import RankRow, ValueDetail, ValueRow
from jingwu.evaluation.measures import Measure

PERIOD = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
MONTH_OR_QUARTER = r"^\d{4}-((0[1-9]|1[0-2])|Q[1-4])$"
MEASURE = r"^[a-z0-9_.]{1,64}$"
UNIT = r"^[A-Za-z0-9]{1,12}$"
VERSION = r"^\d{4}\.\d{1,3}$"


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class ValueIn(_In):
    """A value of an entered or imported measure."""

    indicator: str = Field(pattern=MEASURE, description="the catalogue id")
    station: str = Field(pattern=UNIT, description="the station's short code")
    period: str = Field(pattern=PERIOD, description="2026-03, 2026-Q4 or 2026 (its frequency)")
    value: float = Field(ge=-1e9, le=1e9, description="in the measure's unit, inside its range")


class RecomputeIn(_In):
    """A period to recompute."""

    period: str = Field(
        pattern=MONTH_OR_QUARTER, description="a month (and its quarter) or a quarter"
    )


class CatalogueIn(_In):
    """An edited catalogue (the seed's shape, ``docs/evaluation.md``); a new version."""

    catalogue: dict[str, Any] = Field(description="the catalogue as JSON")
    note: str = Field(default="", max_length=500)
    activate: bool = Field(default=True, description="make it the active version")


class ChooseIn(_In):
    """The catalogue version to make active."""

    version: str = Field(pattern=VERSION)


class RankOut(BaseModel):
    """A unit's index for a period."""

    unit: str
    name: str
    value: float | None
    rank: int | None
    rank_p05: float | None
    rank_p95: float | None
    ranked: int
    partial: bool
    missing: list[str]
    trend: list[tuple[str, float | None]]

    @classmethod
    def of(cls, r: RankRow) -> RankOut:
        return cls(
            unit=r.unit.short_code,
            name=r.unit.name,
            value=r.value,
            rank=r.rank,
            rank_p05=r.rank_p05,
            rank_p95=r.rank_p95,
            ranked=r.ranked,
            partial=bool(r.method.get("partial")),
            missing=list(r.method.get("missing", [])),
            trend=list(r.trend),
        )


class IndexOut(BaseModel):
    """An index's ranking for a period."""

    index: str
    period: str
    kind: str
    units: list[RankOut]


class MeasureOut(BaseModel):
    """A measure of the active catalogue."""

    id: str
    name_zh: str
    name_en: str
    group: str  # the category or KPI index it belongs to
    weight: float
    source: str
    unit: str
    direction: str
    frequency: str
    low: float
    high: float
    query: str | None
    definition_en: str
    definition_zh: str

    @classmethod
    def of(cls, m: Measure, group: str) -> MeasureOut:
        return cls(
            id=m.id,
            name_zh=m.name_zh,
            name_en=m.name_en,
            group=group,
            weight=m.weight,
            source=str(m.source),
            unit=str(m.unit),
            direction=str(m.direction),
            frequency=str(m.frequency),
            low=m.low,
            high=m.high,
            query=m.query,
            definition_en=m.definition_en,
            definition_zh=m.definition_zh,
        )


class ValueOut(BaseModel):
    """A stored value and its provenance."""

    id: int
    indicator: str
    unit: str
    period: str
    value: float | None
    source: str
    origin: str
    catalogue_version: str
    computed_at: dt.datetime
    provenance: dict[str, Any]
    filename: str | None
    sha256: str | None
    line: int | None

    @classmethod
    def of(cls, r: ValueRow | ValueDetail) -> ValueOut:
        v = r.row if isinstance(r, ValueRow) else r.value
        return cls(
            id=v.id,
            indicator=v.indicator,
            unit=r.unit.short_code,
            period=v.period,
            value=v.value,
            source=v.source,
            origin=v.origin,
            catalogue_version=v.catalogue_version,
            computed_at=v.computed_at,
            provenance=v.rows,
            filename=v.filename,
            sha256=v.sha256,
            line=v.line,
        )


class SourceRowOut(BaseModel):
    """A platform row a computed value read."""

    kind: str
    ref: str
    counted: bool | None


class ValueDetailOut(BaseModel):
    """A value with the rows it was computed from, or who entered it from which file."""

    value: ValueOut
    rows: list[SourceRowOut]
    more: bool
    entered_by: str | None

    @classmethod
    def of(cls, d: ValueDetail) -> ValueDetailOut:
        return cls(
            value=ValueOut.of(d),
            rows=[SourceRowOut(kind=r.kind, ref=r.ref, counted=r.counted) for r in d.rows],
            more=d.more,
            entered_by=d.entered_by,
        )


class ImportedOut(BaseModel):
    """How many values a file stored."""

    rows: int


class RecomputedOut(BaseModel):
    """What a recompute wrote."""

    periods: list[str]
    values: int
    results: int
    catalogue_version: str


class VersionOut(BaseModel):
    """A stored catalogue version."""

    version: str
    active: bool
    note: str
    created_at: dt.datetime

    @classmethod
    def of(cls, v: CatalogueVersion) -> VersionOut:
        return cls(version=v.version, active=v.active, note=v.note, created_at=v.created_at)
