"""Input and output shapes for recording a unit's staff, posts, zones and equipment."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jingwu.fields import BodyId
from jingwu.org import codes
from jingwu.org.schemas import ExpertField, StaffIn

PostKind = Literal[
    "chief", "community_officer", "auxiliary", "expert", "head", "full_time", "director"
]
ZoneKind = Literal[
    "reception", "security_control", "professional_services", "technical_support", "circulation"
]
# English message ids of the expert fields (the catalogues translate them).
EXPERT_FIELDS: dict[str, str] = {
    "lawyer": "Lawyer",
    "psychologist": "Psychologist",
    "social_worker": "Social worker",
    "mediator": "Mediator",
    "medical": "Medical worker",
    "other": "Other field",
}
_STRIP = ConfigDict(str_strip_whitespace=True, extra="forbid")


class StaffNew(StaffIn):
    """A person to add to a unit, optionally holding a new post there."""

    model_config = _STRIP

    post: PostKind | None = None


class StaffPatch(BaseModel):
    """Fields of a person to change (those given; ``null`` clears an optional one)."""

    model_config = _STRIP

    name: str | None = Field(default=None, min_length=1, max_length=64)
    category: Literal["police", "auxiliary", "expert"] | None = None
    police_number: str | None = Field(default=None, max_length=16)
    specialty: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    grade: str | None = Field(default=None, max_length=32)
    expert_field: ExpertField | None = None

    @field_validator("police_number")
    @classmethod
    def _pn(cls, v: str | None) -> str | None:
        return codes.check_police_number(v) if v else None


class MoveIn(BaseModel):
    """Where a person moves to, and why."""

    model_config = _STRIP

    unit_id: BodyId
    reason: str = Field(default="", max_length=120)


class PostIn(BaseModel):
    """A post with its holder (A) and backup (B)."""

    model_config = _STRIP

    kind: PostKind
    title: str = Field(default="", max_length=120)
    is_key: bool = True
    holder_id: BodyId | None = None
    backup_id: BodyId | None = None


class FloorIn(BaseModel):
    """A station's floor area and design."""

    model_config = _STRIP

    floor_area_m2: float = Field(gt=0, le=100_000)
    design: Literal["traditional", "vertical"] = "traditional"


class ZoneIn(BaseModel):
    """A functional zone and its area."""

    model_config = _STRIP

    kind: ZoneKind
    area_m2: float = Field(gt=0, le=100_000)
    notes: str = Field(default="", max_length=500)


class ZonePatch(BaseModel):
    model_config = _STRIP

    area_m2: float | None = Field(default=None, gt=0, le=100_000)
    notes: str | None = Field(default=None, max_length=500)


class EquipmentIn(BaseModel):
    """An item of a zone's equipment."""

    model_config = _STRIP

    name: str = Field(min_length=1, max_length=120)
    quantity: int = Field(default=1, ge=1, le=100_000)


class EquipmentPatch(BaseModel):
    model_config = _STRIP

    name: str | None = Field(default=None, min_length=1, max_length=120)
    quantity: int | None = Field(default=None, ge=1, le=100_000)


class StaffOut(BaseModel):
    """A person as the API shows them (the phone masked)."""

    id: int
    unit_id: int
    name: str
    category: str
    police_number: str | None
    grade: str
    specialty: str
    expert_field: str
    phone: str | None
    active: bool


class MembershipOut(BaseModel):
    unit_id: int
    short_code: str
    started_at: str | None
    ended_at: str | None
    reason: str


class PostRowOut(BaseModel):
    id: int
    unit_id: int
    kind: str
    title: str
    is_key: bool
    holder_id: int | None
    backup_id: int | None


class ZoneRowOut(BaseModel):
    id: int
    unit_id: int
    kind: str
    area_m2: float
    notes: str


class EquipmentOut(BaseModel):
    id: int
    zone_id: int
    name: str
    quantity: int


class CheckOut(BaseModel):
    """A unit's staffing check (and a station's zoning) after a change."""

    unit_id: int
    short_code: str
    kind: str
    met: bool
    meets_minimum: bool | None
    meets_standard: bool
    ab_coverage: float
    problems: list[str]
    zone_problems: list[str]


class StaffChanged(BaseModel):
    staff: StaffOut
    checks: list[CheckOut]


class PostChanged(BaseModel):
    post: PostRowOut
    checks: list[CheckOut]


class ZoneChanged(BaseModel):
    zone: ZoneRowOut
    checks: list[CheckOut]


class EquipmentChanged(BaseModel):
    equipment: EquipmentOut
    checks: list[CheckOut]


class Checks(BaseModel):
    checks: list[CheckOut]
