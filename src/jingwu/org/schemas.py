"""Input and output shapes of the organisation domain (API and forms)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jingwu import geo
from jingwu.org import codes

UnitKind = Literal["city", "district", "street", "community"]
# The "X" of "3+X": the fields flexible experts come from.
ExpertField = Literal["lawyer", "psychologist", "social_worker", "mediator", "medical", "other"]


class UnitIn(BaseModel):
    """A unit to create or import."""

    model_config = ConfigDict(str_strip_whitespace=True)

    kind: UnitKind
    parent_code: str | None = None
    name: str = Field(min_length=2, max_length=120)
    name_en: str = Field(default="", max_length=160)
    short_code: str
    division_code: str
    org_code: str
    address: str = Field(default="", max_length=255)
    phone: str = Field(default="", max_length=32)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    boundary: dict[str, Any] | None = None
    floor_area_m2: float | None = Field(default=None, gt=0, le=100_000)
    design: Literal["traditional", "vertical"] = "traditional"
    residents: int | None = Field(default=None, ge=0, le=100_000_000)
    opened_on: dt.date | None = None

    @field_validator("short_code")
    @classmethod
    def _short(cls, v: str) -> str:
        return codes.check_short_code(v)

    @field_validator("division_code")
    @classmethod
    def _division(cls, v: str) -> str:
        return codes.check_division_code(v)

    @field_validator("org_code")
    @classmethod
    def _org(cls, v: str) -> str:
        return codes.check_org_code(v)

    @field_validator("boundary")
    @classmethod
    def _boundary(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is not None:
            geo.check_boundary(v)
        return v


class UnitOut(BaseModel):
    """A unit as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    parent_id: int | None
    name: str
    name_en: str
    short_code: str
    division_code: str
    org_code: str
    address: str
    lon: float | None
    lat: float | None
    floor_area_m2: float | None
    design: str


class ZoneOut(BaseModel):
    kind: str
    area_m2: float
    share: float
    expected: float | None


class PostOut(BaseModel):
    id: int
    kind: str
    title: str
    is_key: bool
    holder: str | None
    backup: str | None


class StaffingOut(BaseModel):
    unit_id: int
    short_code: str
    name: str
    officers: int
    chiefs: int
    auxiliaries: int
    experts: int
    meets_minimum: bool
    meets_standard: bool
    ab_coverage: float
    problems: list[str]


class StaffingReportOut(BaseModel):
    stations: list[StaffingOut]
    below_minimum: list[str]
    below_standard: list[str]
    ab_incomplete: list[str]


class StaffIn(BaseModel):
    """A staff member to add to a unit."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    category: Literal["police", "auxiliary", "expert"]
    police_number: str | None = Field(default=None, max_length=16)
    specialty: str = Field(default="", max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    grade: str = Field(default="", max_length=32)
    expert_field: ExpertField | None = None

    @field_validator("police_number")
    @classmethod
    def _pn(cls, v: str | None) -> str | None:
        return codes.check_police_number(v) if v else None
