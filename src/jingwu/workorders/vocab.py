"""The work-order vocabulary: tiers, functional modules, channels and actor kinds (pure).

Values are plain strings (``StrEnum``) so they compare equal to the strings stored in the
database and to :class:`jingwu.accounts.roles.Role` values.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from typing import TypeVar


class Tier(StrEnum):
    """The three-colour warning tier (WO-2)."""

    RED = "red"  # 红色预警：重大风险
    ORANGE = "orange"  # 橙色预警：潜在风险
    YELLOW = "yellow"  # 黄色预警：一般问题

    @property
    def severity(self) -> int:
        """2 for red, 1 for orange, 0 for yellow (higher is more serious)."""
        return _SEVERITY[self]


_SEVERITY = {Tier.RED: 2, Tier.ORANGE: 1, Tier.YELLOW: 0}


def most_severe(tiers: list[Tier]) -> Tier:
    """The most serious of ``tiers`` (yellow for an empty list)."""
    return max(tiers, key=lambda tier: tier.severity, default=Tier.YELLOW)


class Module(StrEnum):
    """The station's functional modules (ORG-5)."""

    SECURITY = "security"  # 治安防控中枢
    LIVELIHOOD = "livelihood"  # 民生服务终端
    DISPUTE = "dispute"  # 矛盾化解枢纽


# The share of the station's work each module is planned for (ORG-5).
MODULE_SHARES: dict[Module, Fraction] = {
    Module.SECURITY: Fraction(40, 100),
    Module.LIVELIHOOD: Fraction(30, 100),
    Module.DISPUTE: Fraction(30, 100),
}


class Channel(StrEnum):
    """How a request reached the station (WO-1)."""

    WALK_IN = "walk_in"
    PHONE = "phone"
    ONLINE = "online"
    PARTNER = "partner"
    SENSOR = "sensor"


class Actor(StrEnum):
    """Who acts on an order: the account roles, the reporting citizen and the worker."""

    OFFICER = "officer"
    AUXILIARY = "auxiliary"
    CHIEF = "chief"
    STREET = "street"
    DIRECTOR = "director"
    INSPECTOR = "inspector"
    PARTNER = "partner"
    ADMIN = "admin"
    CITIZEN = "citizen"  # the reporter, through a feedback link
    SYSTEM = "system"  # the worker (SLA sweep, feedback-window close)


class State(StrEnum):
    """Where an order stands."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    TRANSFERRED = "transferred"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class Action(StrEnum):
    """What can be done to an order."""

    TRIAGE = "triage"
    ASSIGN = "assign"
    ACCEPT = "accept"
    START = "start"
    HOLD = "hold"
    RESUME = "resume"
    RECORD_CONTACT = "record_contact"
    RESOLVE = "resolve"
    CLOSE = "close"
    RETURN = "return"
    REOPEN = "reopen"
    TRANSFER = "transfer"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    REASSIGN = "reassign"
    RETIER = "retier"
    ESCALATE = "escalate"


TIER_LABELS: dict[Tier, tuple[str, str]] = {
    Tier.RED: ("红色", "Red"),
    Tier.ORANGE: ("橙色", "Orange"),
    Tier.YELLOW: ("黄色", "Yellow"),
}

MODULE_LABELS: dict[Module, tuple[str, str]] = {
    Module.SECURITY: ("治安防控", "Security prevention"),
    Module.LIVELIHOOD: ("民生服务", "Livelihood services"),
    Module.DISPUTE: ("矛盾化解", "Dispute resolution"),
}

CHANNEL_LABELS: dict[Channel, tuple[str, str]] = {
    Channel.WALK_IN: ("来访", "Walk-in"),
    Channel.PHONE: ("电话", "Phone"),
    Channel.ONLINE: ("网上", "Online"),
    Channel.PARTNER: ("合作单位", "Partner"),
    Channel.SENSOR: ("感知设备", "Sensor alert"),
}


class UnknownValue(ValueError):
    """A string is not one of the values of a vocabulary."""


E = TypeVar("E", bound=StrEnum)


def parse(kind: type[E], value: str) -> E:
    """``value`` as a member of ``kind``; UnknownValue names the allowed values."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        name = kind.__name__.lower()
        raise UnknownValue(f"unknown {name} {value!r}; expected one of: {allowed}") from None


STATE_LABELS: dict[State, tuple[str, str]] = {
    State.RECEIVED: ("已接收", "Received"),
    State.TRIAGED: ("已分级", "Triaged"),
    State.ASSIGNED: ("已指派", "Assigned"),
    State.ACCEPTED: ("已签收", "Accepted"),
    State.IN_PROGRESS: ("处置中", "In progress"),
    State.ON_HOLD: ("已挂起", "On hold"),
    State.RESOLVED: ("已办结", "Resolved"),
    State.CLOSED: ("已关闭", "Closed"),
    State.TRANSFERRED: ("已移交", "Transferred"),
    State.REJECTED: ("不予受理", "Rejected"),
    State.DUPLICATE: ("重复工单", "Duplicate"),
}

ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.TRIAGE: ("分级确认", "Triage"),
    Action.ASSIGN: ("指派", "Assign"),
    Action.ACCEPT: ("签收", "Accept"),
    Action.START: ("开始处置", "Start"),
    Action.HOLD: ("挂起", "Hold"),
    Action.RESUME: ("恢复处置", "Resume"),
    Action.RECORD_CONTACT: ("记录联系", "Record contact"),
    Action.RESOLVE: ("办结", "Resolve"),
    Action.CLOSE: ("关闭", "Close"),
    Action.RETURN: ("退回", "Return"),
    Action.REOPEN: ("重新办理", "Reopen"),
    Action.TRANSFER: ("移交", "Transfer"),
    Action.REJECT: ("不予受理", "Reject"),
    Action.MARK_DUPLICATE: ("标记重复", "Mark duplicate"),
    Action.REASSIGN: ("改派", "Reassign"),
    Action.RETIER: ("调整分级", "Change tier"),
    Action.ESCALATE: ("提级督办", "Escalate"),
}
