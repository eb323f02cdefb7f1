"""API input and output models of the improvement lists and the case library."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jingwu.evaluation.improvement.cases import MonthCount, tags_of
from jingwu.evaluation.improvement.models import Case, PdcaEvidence
from jingwu.evaluation.improvement.queries import Board, ItemDetail, ItemView

UNIT = r"^[A-Za-z0-9]{1,12}$"
QUARTER = r"^\d{4}-Q[1-4]$"
ORDER_CODE = r"^[A-Za-z0-9-]{1,32}$"


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class ListIn(_In):
    """A list to open."""

    unit: str = Field(pattern=UNIT, description="the unit's short code (station, street, district)")
    quarter: str = Field(pattern=QUARTER, description="the quarter, e.g. 2026-Q4")


class RectificationIn(_In):
    """A rectification to add to the unit's list of this quarter."""

    unit: str = Field(pattern=UNIT)
    title: str = Field(min_length=1, max_length=200)
    due: dt.date = Field(description="the local day it is due by")
    owner: str | None = Field(default=None, max_length=64, description="a user of the unit")
    source_ref: str | None = Field(default=None, max_length=64)


class MoveIn(_In):
    """A stage move: to the next stage (``done`` after act), with what was done."""

    to: Literal["do", "check", "act", "done"]
    note: str = Field(min_length=1, max_length=2000)


class AssignmentIn(_In):
    """Another owner or due date for an open item."""

    owner: str | None = Field(default=None, max_length=64)
    due: dt.date | None = None


class ItemOut(BaseModel):
    """An item with its supervision colour now."""

    id: int
    kind: str
    item: str | None = Field(description="the catalogue item's id (improvements)")
    name_zh: str
    name_en: str
    source_ref: str | None
    owner: str | None = Field(description="the owner's username")
    starts_at: dt.datetime
    due_at: dt.datetime
    due_day: dt.date
    stage: str
    done_at: dt.datetime | None
    colour: Literal["green", "yellow", "red"]
    reason: str
    evidence: int

    @classmethod
    def of(cls, v: ItemView) -> ItemOut:
        i = v.item
        return cls(
            id=i.id,
            kind=i.kind,
            item=i.item_key,
            name_zh=v.name_zh,
            name_en=v.name_en,
            source_ref=i.source_ref,
            owner=v.owner_username or None,
            starts_at=i.start_at,
            due_at=i.due_at,
            due_day=v.due_day,
            stage=i.stage,
            done_at=i.done_at,
            colour=v.status.colour.value,
            reason=v.status.reason.value,
            evidence=v.evidence,
        )


class CompletionOut(BaseModel):
    """The list's completion rate against the 95 % target."""

    counted: int
    done: int
    done_on_time: int
    rate: float | None
    target: float
    met: bool | None


class BoardOut(BaseModel):
    """A unit's list for a quarter (``opened`` false: no list yet, no items)."""

    unit: str
    quarter: str
    opened: bool
    completion: CompletionOut
    items: list[ItemOut]

    @classmethod
    def of(cls, b: Board, target: float) -> BoardOut:
        c = b.completion
        return cls(
            unit=b.unit.short_code,
            quarter=b.quarter,
            opened=b.row is not None,
            completion=CompletionOut(
                counted=c.counted,
                done=c.done,
                done_on_time=c.done_on_time,
                rate=c.rate,
                target=target,
                met=c.met,
            ),
            items=[ItemOut.of(v) for v in b.items],
        )


class MoveOut(BaseModel):
    """A recorded stage move."""

    from_stage: str
    to_stage: str
    at: dt.datetime
    by: str
    note: str


class EvidenceOut(BaseModel):
    """An evidence file of an item."""

    id: int
    filename: str
    media_type: str
    size: int
    stage: str
    note: str
    added_at: dt.datetime

    @classmethod
    def of(cls, e: PdcaEvidence) -> EvidenceOut:
        return cls(
            id=e.id,
            filename=e.filename,
            media_type=e.media_type,
            size=e.size,
            stage=e.stage,
            note=e.note,
            added_at=e.added_at,
        )


class ItemDetailOut(BaseModel):
    """An item with its unit, quarter, moves and evidence."""

    unit: str
    quarter: str
    item: ItemOut
    moves: list[MoveOut]
    evidence: list[EvidenceOut]

    @classmethod
    def of(cls, d: ItemDetail) -> ItemDetailOut:
        return cls(
            unit=d.unit.short_code,
            quarter=d.quarter,
            item=ItemOut.of(d.view),
            moves=[
                MoveOut(
                    from_stage=m.move.from_stage,
                    to_stage=m.move.to_stage,
                    at=m.move.at,
                    by=m.by,
                    note=m.move.note,
                )
                for m in d.moves
            ],
            evidence=[EvidenceOut.of(e) for e in d.evidence],
        )


class CaseIn(_In):
    """A closed order (or its finished mediation) to promote."""

    source: Literal["order", "mediation"] = "order"
    code: str = Field(pattern=ORDER_CODE, description="the work order's code")
    tags: list[str] = Field(default_factory=list, max_length=8)


class CaseOut(BaseModel):
    """A de-identified case."""

    code: str
    unit: int
    source: str
    source_code: str
    category: str
    title: str
    text: str
    tags: list[str]
    month: str
    promoted_at: dt.datetime

    @classmethod
    def of(cls, c: Case) -> CaseOut:
        return cls(
            code=c.code,
            unit=c.unit_id,
            source=c.source_kind,
            source_code=c.source_code,
            category=c.category,
            title=c.title,
            text=c.text,
            tags=tags_of(c),
            month=c.month,
            promoted_at=c.promoted_at,
        )


class CasesOut(BaseModel):
    """A page of cases and the total found."""

    total: int
    cases: list[CaseOut]


class MonthOut(BaseModel):
    """New cases of a month against the target of 50."""

    month: str
    count: int
    target: int
    met: bool

    @classmethod
    def of(cls, m: MonthCount, target: int) -> MonthOut:
        return cls(month=m.month, count=m.count, target=target, met=m.met)
