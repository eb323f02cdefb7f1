"""API input and output models of the spot checks (bounded inputs; errors share one shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jingwu.evaluation.checks.feed import IndicatorRow
from jingwu.evaluation.checks.models import CheckDraw, CheckOutcome, Expert, ExpertReview
from jingwu.evaluation.checks.queries import CoverageView, DrawDetail, DrawRow, PublishedRow
from jingwu.evaluation.checks.surveys import ImportLine
from jingwu.workorders.schemas import ErrorOut

__all__ = ["ErrorOut"]

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
UNIT = r"^[A-Za-z0-9]{1,12}$"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
HALF = r"^\d{4}-H[12]$"


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class DrawIn(_In):
    """A draw to commit."""

    kind: Literal["station", "order"] = Field(description="what is drawn")
    unit: str = Field(pattern=UNIT, description="the drawing unit (district or street)")
    period: str = Field(pattern=MONTH, description="the month, e.g. 2026-12")
    quota: str | None = Field(
        default=None, max_length=16, description="a number (3) or a share (1/20); default planned"
    )
    team: int = Field(default=2, ge=1, le=5, description="inspectors per target")


class OutcomeIn(_In):
    """The outcome at one drawn target."""

    target: str = Field(pattern=CODE, description="the station or order code drawn")
    purpose: Literal["target", "reinspection", "home_visit"] = "target"
    status: Literal["done", "found", "follow_up"]
    finding: str = Field(default="", max_length=2000)
    follow_up_order: str | None = Field(
        default=None, pattern=CODE, description="station checks: the order opened for it"
    )


class PairOut(BaseModel):
    """A drawn target, its inspectors and its outcome."""

    purpose: str
    target: str
    inspectors: list[str]
    status: str | None
    finding: str | None
    follow_up_order: str | None


class DrawOut(BaseModel):
    """A draw as published: inputs, commitment, log indexes; seed and pairs once drawn."""

    code: str
    kind: str
    unit: str
    period: str
    quota: str
    team: int
    inspectors: list[str]
    commitment: str
    committed_at: dt.datetime
    evidence_item: str
    commit_log_index: int | None
    drawn_at: dt.datetime | None
    seed: str | None
    targets: list[str] | None
    checked: list[str] | None
    record_log_index: int | None
    pairs: list[PairOut]

    @classmethod
    def of(cls, view: DrawDetail) -> DrawOut:
        d = view.draw
        return cls(
            code=d.code,
            kind=d.kind,
            unit=view.unit.short_code,
            period=d.period,
            quota=d.quota,
            team=d.team,
            inspectors=[str(i) for i in d.inspectors],
            commitment=d.commitment,
            committed_at=d.committed_at,
            evidence_item=d.evidence_item,
            commit_log_index=d.commit_log_index,
            drawn_at=d.drawn_at,
            seed=view.seed,
            targets=None if d.targets is None else [str(t) for t in d.targets],
            checked=None if d.checked is None else [str(t) for t in d.checked],
            record_log_index=d.record_log_index,
            pairs=[_pair(a.purpose, a.target, a.inspectors, a.outcome) for a in view.assignments],
        )


def _pair(purpose: str, target: str, team: tuple[str, ...], o: CheckOutcome | None) -> PairOut:
    return PairOut(
        purpose=purpose,
        target=target,
        inspectors=list(team),
        status=o.status if o else None,
        finding=o.finding if o else None,
        follow_up_order=o.follow_up_order if o else None,
    )


class DrawLineOut(BaseModel):
    """A draw in a list."""

    code: str
    kind: str
    unit: str
    period: str
    drawn_at: dt.datetime | None
    targets: int
    recorded: int
    found: int

    @classmethod
    def of(cls, row: DrawRow) -> DrawLineOut:
        d: CheckDraw = row.draw
        return cls(
            code=d.code,
            kind=d.kind,
            unit=row.unit.short_code,
            period=d.period,
            drawn_at=d.drawn_at,
            targets=row.drawn,
            recorded=row.recorded,
            found=row.found,
        )


class VerdictOut(BaseModel):
    """Whether a draw verifies, in one sentence."""

    code: str
    ok: bool
    message: str


class MonthCoverageOut(BaseModel):
    """Stations checked by the end of a month (cumulative)."""

    month: str
    checked: int


class CoverageOut(BaseModel):
    """Station coverage of the year in scope, against the 100 % target."""

    year: int
    stations: int
    checked: int
    share: float | None
    target: float = 1.0
    by_month: list[MonthCoverageOut]
    unchecked: list[str]

    @classmethod
    def of(cls, view: CoverageView) -> CoverageOut:
        return cls(
            year=view.year,
            stations=view.pool,
            checked=view.checked,
            share=view.share,
            by_month=[MonthCoverageOut(month=m, checked=n) for m, n in view.by_month],
            unchecked=[u.short_code for u in view.unchecked],
        )


class PublishedOut(BaseModel):
    """One line of the public results (no personal data)."""

    draw: str
    kind: str
    unit: str
    period: str
    commitment: str
    seed: str
    drawn_on: str
    target: str
    status: str

    @classmethod
    def of(cls, row: PublishedRow) -> PublishedOut:
        return cls(**row.__dict__)


class VisitIn(_In):
    """One mystery visit and its scoring sheet."""

    station: str = Field(pattern=UNIT)
    visited_at: dt.datetime = Field(description="with its UTC offset")
    visitor: str = Field(min_length=1, max_length=32, description="the visitor's code")
    scenario: Literal["walk_in", "phone"]
    scores: dict[str, int] = Field(description="each sheet item's points")
    note: str = Field(default="", max_length=2000)


class VisitOut(BaseModel):
    """A recorded visit."""

    code: str
    half: str
    total: float
    environment: float
    passed: bool


class StationVisitsOut(BaseModel):
    """One station's visits in a half-year."""

    station: str
    planned: int
    visits: int
    passed: int
    mean: float | None


class HalfOut(BaseModel):
    """A half-year's visits: sample size, mean score with its interval, the pass rate."""

    half: str
    n: int
    planned: int | None
    enough: bool
    mean: float | None
    mean_low: float | None
    mean_high: float | None
    pass_rate: float | None
    margin: float | None
    wilson_low: float | None
    wilson_high: float | None
    stations: list[StationVisitsOut]


class ExpertIn(_In):
    """An expert joining a panel."""

    unit: str = Field(pattern=UNIT)
    name: str = Field(min_length=1, max_length=64)
    field: str = Field(max_length=64, description="one of the catalogue's expert fields")
    affiliation: str = Field(default="", max_length=120)


class ReviewIn(_In):
    """An expert's review of a unit."""

    expert: str = Field(pattern=r"^[A-Z0-9]{1,12}-EX\d{3,}$")
    unit: str = Field(pattern=UNIT)
    reviewed_on: dt.date
    score: float = Field(ge=0, le=100)
    text: str = Field(min_length=10, max_length=4000)


class ExpertOut(BaseModel):
    """An expert (the name is shown to those who may read the panel)."""

    code: str
    name: str
    field: str
    affiliation: str

    @classmethod
    def of(cls, e: Expert) -> ExpertOut:
        return cls(code=e.code, name=e.name, field=e.field, affiliation=e.affiliation)


class ReviewOut(BaseModel):
    """A review."""

    expert: str
    field: str
    unit: str
    reviewed_on: dt.date
    score: float
    text: str

    @classmethod
    def of(cls, r: ExpertReview, expert: Expert, unit: str) -> ReviewOut:
        return cls(
            expert=expert.code,
            field=r.field,
            unit=unit,
            reviewed_on=r.reviewed_on,
            score=r.score,
            text=r.text,
        )


class FieldOut(BaseModel):
    """A field of the panel."""

    field: str
    experts: list[ExpertOut]
    reviews: int
    mean: float | None


class PanelOut(BaseModel):
    """The panel in scope and the year's latest reviews."""

    year: int
    fields_covered: int
    fields: list[FieldOut]
    latest: list[ReviewOut]


class ImportOut(BaseModel):
    """A survey import."""

    id: int
    unit: str
    filename: str
    sha256: str
    rows: int
    imported_at: dt.datetime

    @classmethod
    def of(cls, line: ImportLine) -> ImportOut:
        b = line.batch
        return cls(
            id=b.id,
            unit=line.unit.short_code,
            filename=b.filename,
            sha256=b.sha256,
            rows=b.rows,
            imported_at=b.imported_at,
        )


class IndicatorValueOut(BaseModel):
    """An imported indicator value with its provenance."""

    unit: str
    period: str
    indicator: str
    value: float
    provenance: dict[str, Any]

    @classmethod
    def of(cls, row: IndicatorRow) -> IndicatorValueOut:
        return cls(
            unit=row.unit,
            period=row.period,
            indicator=row.indicator,
            value=row.value,
            provenance=row.provenance,
        )
