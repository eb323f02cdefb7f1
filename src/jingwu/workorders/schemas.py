"""Input and output shapes of the work-order domain (API, forms and other domains)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jingwu.fields import LocalDateTime
from jingwu.security.pii import IdentifierError, normalize_id_number, normalize_phone
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE

ChannelName = Literal["walk_in", "phone", "online", "partner", "sensor"]
TierName = Literal["red", "orange", "yellow"]
StateName = Literal[
    "received",
    "triaged",
    "assigned",
    "accepted",
    "in_progress",
    "on_hold",
    "resolved",
    "closed",
    "transferred",
    "rejected",
    "duplicate",
]
ActionName = Literal[
    "triage",
    "assign",
    "accept",
    "start",
    "hold",
    "resume",
    "record_contact",
    "resolve",
    "close",
    "return",
    "reopen",
    "transfer",
    "reject",
    "mark_duplicate",
    "reassign",
    "retier",
    "escalate",
]


class InputModel(BaseModel):
    """An input shape: no text field may carry a NUL character (PostgreSQL cannot store one,
    so it is refused here as a bad value, naming the field, rather than failing later)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text may not contain NUL characters.")
        return value


class IntakeIn(InputModel):
    """A new order as received through any channel."""

    model_config = ConfigDict(str_strip_whitespace=True)

    station: str = Field(description="short code of the community station, e.g. BS01")
    channel: ChannelName = Field(description="how the request arrived")
    category: str = Field(description="category code from the catalogue, e.g. neighbour")
    description: str = Field(min_length=2, max_length=4000, description="what happened")
    lon: float | None = Field(default=None, ge=-180, le=180, description="WGS-84 longitude")
    lat: float | None = Field(default=None, ge=-90, le=90, description="WGS-84 latitude")
    address: str = Field(default="", max_length=255, description="where it happened")
    reporter_name: str | None = Field(default=None, max_length=64, description="encrypted")
    reporter_phone: str | None = Field(default=None, description="encrypted; blind-indexed")
    reporter_id_number: str | None = Field(default=None, description="encrypted (GB 11643)")
    minors_involved: bool = Field(default=False, description="a minor is involved")
    elderly_involved: bool = Field(default=False, description="an elderly person is involved")
    suggested_tier: TierName | None = Field(
        default=None, description="a tier suggested by the source (e.g. an IoT rule)"
    )
    source_ref: str | None = Field(
        default=None, max_length=64, description="the source record, e.g. iot-alert:123"
    )
    draft_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{8,64}$",
        description="the client's id of this draft (e.g. a UUID); sending the same draft "
        "again returns the order it became (200) instead of a second order",
    )

    @field_validator("station")
    @classmethod
    def _station(cls, value: str) -> str:
        return value.upper()

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in DEFAULT_CATALOGUE:
            raise ValueError(f"unknown category {value!r}")
        return value

    @field_validator("reporter_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return normalize_phone(value)
        except IdentifierError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("reporter_id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return normalize_id_number(value)
        except IdentifierError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("reporter_name", "source_ref")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("draft_id", mode="before")
    @classmethod
    def _no_draft(cls, value: object) -> object:
        # A form without a draft id sends an empty field: no draft, not a malformed one.
        return None if value == "" else value


class ClosureIn(InputModel):
    """The electronic closure record of a resolve."""

    summary: str = Field(max_length=4000, description="what was done")
    citizen_confirmed: bool = Field(default=False, description="the citizen confirmed")
    contact_attempt_at: LocalDateTime | None = Field(
        default=None, description="when the reporter was tried and could not be reached"
    )


class ActionIn(InputModel):
    """The inputs of an action; each action reads only the fields it needs."""

    model_config = ConfigDict(str_strip_whitespace=True)

    reason: str = Field(
        default="",
        max_length=2000,
        description="why: needed by return, hold, reject, reopen, reassign, retier, escalate "
        "and a triage override",
    )
    tier: TierName | None = Field(
        default=None, description="triage: the confirmed tier; retier: the new tier"
    )
    assignee: str | None = Field(
        default=None, max_length=64, description="assign, reassign: the username to hand it to"
    )
    assign_to_me: bool = Field(
        default=False, description="triage: also assign the order to the caller"
    )
    closure: ClosureIn | None = Field(default=None, description="resolve: the closure record")
    citizen_confirmed: bool = Field(
        default=False, description="close: the citizen confirmed the result (e.g. on a call)"
    )
    transfer_to: str | None = Field(
        default=None, max_length=64, description="transfer: 110 or an outside department code"
    )
    duplicate_of: str | None = Field(
        default=None, max_length=32, description="mark_duplicate: the other order's code"
    )
    note: str = Field(default="", max_length=2000, description="record_contact: what was said")


class TaskIn(InputModel):
    """A task for an outside department or another unit."""

    model_config = ConfigDict(str_strip_whitespace=True)

    department: str | None = Field(default=None, description="department code, e.g. fire_rescue")
    unit: str | None = Field(default=None, description="or the short code of another unit")
    instructions: str = Field(min_length=2, max_length=2000, description="what is asked")
    due_at: LocalDateTime = Field(description="the task's own deadline")


class TaskUpdateIn(InputModel):
    """A change of a task's status."""

    status: Literal["done", "cancelled"]
    result: str = Field(default="", max_length=2000)


class FeedbackIn(InputModel):
    """The citizen's rating, recorded by an officer from a call (or sent with a link token)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    rating: int = Field(ge=1, le=5, description="1 (bad) to 5 (very good)")
    resolved: bool = Field(description="the citizen says the problem is solved")
    comment: str = Field(default="", max_length=2000)
    token: str | None = Field(default=None, description="the signed feedback-link token")


class EventOut(BaseModel):
    """A timeline entry."""

    seq: int
    at: dt.datetime
    kind: str
    action: str
    from_state: str | None
    to_state: str | None
    actor: str
    actor_role: str
    reason: str


class TaskOut(BaseModel):
    """A department or unit task."""

    id: int
    target: str
    instructions: str
    due_at: dt.datetime
    status: str
    result: str


class ClockOut(BaseModel):
    """One SLA clock."""

    clock: str
    status: str
    deadline: dt.datetime | None
    remaining_seconds: int
    paused_seconds: int
    percent: int


class OrderOut(BaseModel):
    """A work order as the API shows it (reporter data masked unless unmasked)."""

    code: str
    station: str
    channel: str
    category: str
    module: str
    description: str
    lon: float | None
    lat: float | None
    address: str
    reporter_name: str | None
    reporter_phone: str | None
    reporter_id_number: str | None
    pii_masked: bool
    state: str
    tier: str | None
    suggested_tier: str
    suggestion_reasons: list[str]
    override_reason: str | None
    received_at: dt.datetime
    first_receiver: str | None
    responsible: str | None
    assignee: str | None
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    overdue: bool
    escalation_level: int
    clocks: list[ClockOut]
    allowed_actions: list[str]
    source_ref: str | None


class OrderDetailOut(OrderOut):
    """An order with its timeline and tasks."""

    events: list[EventOut]
    tasks: list[TaskOut]


class OrderListItem(BaseModel):
    """A row of an order list."""

    code: str
    station: str
    category: str
    state: str
    tier: str | None
    received_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool


class OrderPage(BaseModel):
    """One page of an order list."""

    items: list[OrderListItem]
    total: int
    page: int
    per_page: int


class PartyIn(InputModel):
    """A party to a mediation."""

    model_config = ConfigDict(str_strip_whitespace=True)

    side: Literal["applicant", "respondent", "third_party"]
    name: str = Field(min_length=1, max_length=64, description="encrypted")
    phone: str | None = Field(default=None, description="encrypted")

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return normalize_phone(value)
        except IdentifierError as exc:
            raise ValueError(str(exc)) from None


class MediationIn(InputModel):
    """Opening a mediation case on a dispute order."""

    model_config = ConfigDict(str_strip_whitespace=True)

    mediator: str | None = Field(default=None, description="username; default: the caller")
    subject: str = Field(min_length=2, max_length=2000, description="what is disputed")
    parties: list[PartyIn] = Field(min_length=2, max_length=20, description="two or more parties")


class SessionIn(InputModel):
    """A mediation session and its minutes."""

    model_config = ConfigDict(str_strip_whitespace=True)

    held_at: LocalDateTime
    place: str = Field(default="", max_length=120)
    minutes: str = Field(min_length=2, max_length=20000)


class AgreementIn(InputModel):
    """The outcome of a mediation: an agreement (with follow-up visits) or a failure."""

    model_config = ConfigDict(str_strip_whitespace=True)

    outcome: Literal["agreed", "failed"]
    text: str = Field(default="", max_length=20000, description="the agreement's terms")
    follow_up_days: list[Annotated[int, Field(ge=1, le=3660)]] = Field(
        default=[7, 30],
        max_length=12,
        description="follow-up visits due this many days after agreement",
    )


class DrawCommitIn(InputModel):
    """Committing to a seed before a station-month's quota draw."""

    station: str
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM (local calendar)")


class FeedbackOut(BaseModel):
    """A recorded rating."""

    code: str
    round: int
    via: str
    rating: int
    resolved: bool
    comment: str
    at: dt.datetime
    reopened: bool
    state: str = Field(description="the order's state after the rating")


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(description="stable machine code, e.g. role_forbidden, wrong_state")
    message: str = Field(description="one sentence naming the role, state or field")
    fields: dict[str, str] = Field(description="field name → what is wrong with it")


class ErrorOut(BaseModel):
    """The error shape of every API error."""

    error: ErrorDetail
