"""API models of the standard (bounded inputs; errors share one shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jingwu.standard.models import Assessment, AssessmentFile, Rectification, RectificationFile
from jingwu.standard.present import reason_en
from jingwu.standard.queries import ModuleMix
from jingwu.standard.requirements import Requirement, StandardVersion
from jingwu.standard.service import StationCard
from jingwu.standard.verdicts import Verdict
from jingwu.workorders.schemas import ErrorOut

__all__ = ["ErrorOut"]

STATION = r"^[A-Za-z0-9]{1,12}$"
VERSION = r"^\d{1,2}\.\d{1,2}$"
REQUIREMENT = r"^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+$"


class RequirementOut(BaseModel):
    """A requirement of a version: clause, quantity, threshold, how it is measured."""

    id: str
    ref: str = Field(description="the requirement id of the catalogue (ORG-4, IOT-1 …)")
    clause_zh: str
    clause_en: str
    quantity: str
    unit: str
    method: Literal["query", "self_assessment"]
    query: str | None
    thresholds: dict[str, Any]
    evidence: list[str] = Field(description="the kinds of evidence that show it is met")

    @classmethod
    def of(cls, r: Requirement) -> RequirementOut:
        return cls(
            id=r.id,
            ref=r.ref,
            clause_zh=r.clause_zh,
            clause_en=r.clause_en,
            quantity=r.quantity,
            unit=r.unit,
            method=r.method,
            query=r.query,
            thresholds={k: r.param(k) for k, _ in r.params},
            evidence=[e.id for e in r.evidence],
        )


class VersionOut(BaseModel):
    """A version of the standard with its requirements."""

    version: str
    name_zh: str
    name_en: str
    requirements: list[RequirementOut]

    @classmethod
    def of(cls, v: StandardVersion) -> VersionOut:
        return cls(
            version=v.version,
            name_zh=v.name_zh,
            name_en=v.name_en,
            requirements=[RequirementOut.of(r) for r in v.requirements],
        )


class VerdictOut(BaseModel):
    """One requirement's verdict: met, not met (by how much) or not measurable (why)."""

    requirement: str
    status: Literal["met", "not_met", "not_measurable"]
    value: float | None
    gap: float | None = Field(description="how far from the threshold, in the requirement's unit")
    reason: str = Field(description="why not measurable, or what falls short (English)")

    @classmethod
    def of(cls, v: Verdict) -> VerdictOut:
        reason = reason_en(v)
        return cls(
            requirement=v.requirement.id,
            status=v.status,
            value=v.value,
            gap=v.gap,
            reason=reason,
        )


class ScorecardOut(BaseModel):
    """A station's scorecard for one version."""

    station: str
    name: str
    version: str
    score: float = Field(description="the share of requirements met, in %")
    met: int
    not_met: int
    not_measurable: int
    verdicts: list[VerdictOut]

    @classmethod
    def of(cls, c: StationCard) -> ScorecardOut:
        return cls(
            station=c.unit.short_code,
            name=c.unit.name,
            version=c.card.version,
            score=c.card.score,
            met=c.met,
            not_met=c.not_met,
            not_measurable=c.not_measurable,
            verdicts=[VerdictOut.of(v) for v in c.card.verdicts],
        )


class ModuleRowOut(BaseModel):
    """A module's share of the station's work against the standard's share."""

    module: str
    orders: int
    share: float
    expected: float


class ModuleMixOut(BaseModel):
    """A station's work by functional module (ORG-5)."""

    station: str
    version: str
    days: int
    tolerance: float
    total: int
    within: bool
    modules: list[ModuleRowOut]

    @classmethod
    def of(cls, m: ModuleMix) -> ModuleMixOut:
        return cls(
            station=m.unit.short_code,
            version=m.version,
            days=m.days,
            tolerance=m.tolerance,
            total=m.total,
            within=m.within,
            modules=[
                ModuleRowOut(module=r.module, orders=r.orders, share=r.share, expected=r.expected)
                for r in m.rows
            ],
        )


class AssessIn(BaseModel):
    """The chief's self-assessment of a self-assessed requirement."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    requirement: str = Field(pattern=REQUIREMENT, max_length=64)
    version: str = Field(default="1.0", pattern=VERSION)
    claims_met: bool
    note: str = Field(min_length=1, max_length=2000)


class VerifyIn(BaseModel):
    """The inspector's verification: accept, or reject with a reason."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    accept: bool
    reason: str = Field(default="", max_length=2000)


class RectifyIn(BaseModel):
    """A rectification of a failed requirement, with its deadline and owner."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    requirement: str = Field(pattern=REQUIREMENT, max_length=64)
    version: str = Field(default="1.0", pattern=VERSION)
    due: dt.date = Field(le=dt.date(2100, 12, 31), description="the deadline (local date)")
    owner: str | None = Field(default=None, max_length=64, description="a user of the station")


class CloseIn(BaseModel):
    """Closing a rectification: what was done."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    note: str = Field(min_length=1, max_length=2000)


class AssessmentOut(BaseModel):
    """A self-assessment and its verification."""

    id: int
    requirement: str
    version: str
    claims_met: bool
    status: str
    note: str
    verify_reason: str
    assessed_at: dt.datetime
    verified_at: dt.datetime | None

    @classmethod
    def of(cls, a: Assessment) -> AssessmentOut:
        return cls(
            id=a.id,
            requirement=a.requirement_id,
            version=a.version,
            claims_met=a.claims_met,
            status=a.status,
            note=a.note,
            verify_reason=a.verify_reason,
            assessed_at=a.assessed_at,
            verified_at=a.verified_at,
        )


class RectificationOut(BaseModel):
    """A rectification and its PDCA item."""

    id: int
    requirement: str
    version: str
    pdca_item: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None

    @classmethod
    def of(cls, r: Rectification) -> RectificationOut:
        return cls(
            id=r.id,
            requirement=r.requirement_id,
            version=r.version,
            pdca_item=r.pdca_item_id,
            opened_at=r.opened_at,
            closed_at=r.closed_at,
        )


class FileOut(BaseModel):
    """An evidence file stored."""

    id: int
    evidence_kind: str

    @classmethod
    def of(cls, row: AssessmentFile | RectificationFile) -> FileOut:
        return cls(id=row.id, evidence_kind=row.evidence_kind)
