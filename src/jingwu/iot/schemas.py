"""Input and output shapes of the sensing network (forms, CSV rows, the JSON API)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jingwu.iot.classes import DeviceClass
from jingwu.iot.topics import TopicError, check_code

DeviceStatus = Literal["online", "offline", "fault", "maintenance"]
AlertState = Literal["open", "acknowledged", "resolved"]


def _code(value: str, what: str) -> str:
    try:
        return check_code(value, what)
    except TopicError as exc:
        raise ValueError(str(exc)) from None


class DeviceIn(BaseModel):
    """A device to register (the add page, the CSV import, the simulator)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    code: str
    station: str = Field(min_length=2, max_length=12)
    device_class: DeviceClass
    name: str = Field(default="", max_length=120)
    model: str = Field(default="", max_length=120)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    indoor_zone: str = Field(default="", max_length=64)
    installed_on: dt.date | None = None
    gateway: str | None = None
    own_credential: bool = True

    @field_validator("code")
    @classmethod
    def _device_code(cls, v: str) -> str:
        return _code(v, "device code")

    @field_validator("gateway")
    @classmethod
    def _gateway_code(cls, v: str | None) -> str | None:
        return None if not v else _code(v, "gateway code")

    @field_validator("station")
    @classmethod
    def _station(cls, v: str) -> str:
        return v.upper()


class GatewayIn(BaseModel):
    """A gateway and the device codes it may publish for."""

    model_config = ConfigDict(str_strip_whitespace=True)

    code: str
    station: str = Field(min_length=2, max_length=12)
    name: str = Field(default="", max_length=120)
    devices: list[str] = Field(default_factory=list, max_length=100_000)

    @field_validator("code")
    @classmethod
    def _gateway_code(cls, v: str) -> str:
        return _code(v, "gateway code")

    @field_validator("station")
    @classmethod
    def _station(cls, v: str) -> str:
        return v.upper()


class DeviceOut(BaseModel):
    """A device as the API shows it (never its credential)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    device_class: str
    name: str
    model: str
    lon: float
    lat: float
    indoor_zone: str
    installed_on: dt.date | None
    status: str
    last_seen_at: dt.datetime | None


class Credential(BaseModel):
    """A newly issued secret: shown once, only its hash is stored."""

    username: str
    secret: str


class MessageIn(BaseModel):
    """One message of an HTTP batch: what MQTT would carry on the device's topic."""

    device: str = Field(min_length=1, max_length=64)
    channel: Literal["telemetry", "event", "status"] = "telemetry"
    payload: dict[str, Any]


class ReadingsIn(BaseModel):
    """``POST /api/v1/iot/readings``: up to 5,000 messages, one device or a gateway's many."""

    messages: list[MessageIn] = Field(min_length=1, max_length=5000)


class RefusedOut(BaseModel):
    """A message of the batch that was not stored, and why."""

    index: int
    device: str
    reason: str
    detail: str


class ReadingsOut(BaseModel):
    """What became of an HTTP batch."""

    stored: int
    duplicates: int
    refused: list[RefusedOut]
    alerts: int


class AlertOut(BaseModel):
    """An alert for the queue and the API."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    device_id: int
    rule_code: str
    tier: str
    state: str
    source: str
    raised_at: dt.datetime
    value: float | None
    reason_zh: str
    reason_en: str
    work_order_ref: str | None
