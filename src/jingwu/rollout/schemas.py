"""Input and output shapes of the rollout API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jingwu.rollout.plan import Cell
from jingwu.rollout.queries import StationRow

Status = Literal["planned", "building", "self_assessed", "verified", "demonstration"]


class CellOut(BaseModel):
    """Progress of a group against its targets."""

    target: int
    assigned: int = Field(description="stations named for the group's phases")
    achieved: int = Field(description="of them, demonstration stations")
    on_time: int = Field(description="demonstration stations by their phase's last day")
    expected: float = Field(description="of the target, what the plan expects by today")
    behind: int
    share: float | None
    counts: dict[str, int]

    @classmethod
    def of(cls, c: Cell) -> CellOut:
        return cls(
            target=c.target,
            assigned=c.assigned,
            achieved=c.achieved,
            on_time=c.on_time,
            expected=round(c.expected, 2),
            behind=c.behind,
            share=c.share,
            counts=c.counts,
        )


class GroupOut(CellOut):
    """Progress of a named group: a year, a phase, a district or a street."""

    key: str
    name: str = ""


class RectificationOut(BaseModel):
    item_id: int
    title: str
    due_day: dt.date
    overdue: bool


class StationOut(BaseModel):
    """A station in the plan."""

    code: str
    name: str
    street: str | None
    phase: str | None
    status: Status
    since: dt.date | None
    moves: list[str] = Field(description="the statuses the caller may move it to")
    rectifications: list[RectificationOut]

    @classmethod
    def of(cls, s: StationRow) -> StationOut:
        return cls(
            code=s.unit.short_code,
            name=s.unit.name,
            street=s.street.short_code if s.street else None,
            phase=s.row.phase,
            status=s.row.status,
            since=s.since,
            moves=s.moves,
            rectifications=[
                RectificationOut(
                    item_id=r.item_id, title=r.title, due_day=r.due_day, overdue=r.overdue
                )
                for r in s.rectifications
            ],
        )


class ProgressOut(BaseModel):
    """Progress against the plan in the caller's scope."""

    today: dt.date
    total: CellOut
    years: list[GroupOut]
    phases: list[GroupOut]
    districts: list[GroupOut]
    streets: list[GroupOut]
    blocked: list[StationOut]


class MoveIn(BaseModel):
    """A status change: the next status, or an earlier one with a reason."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    status: Status
    reason: str = Field(default="", max_length=500)
    on: dt.date | None = Field(default=None, description="the day it happened (today if left out)")


class ImportOut(BaseModel):
    rows: int
    stations: int
