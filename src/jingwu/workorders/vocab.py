"""The work-order vocabulary: tiers, functional modules, channels and actor kinds (pure).

Values are plain strings (``StrEnum``) so they compare equal to the strings stored in the
database and to :class:`jingwu.accounts.roles.Role` values.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from jingwu.accounts.roles import ROLE_LABELS
from jingwu.errors import Term, Terms


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
    CITY = "city"  # reads a city's orders; takes no action on them
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


TIER_LABELS: dict[Tier, str] = {
    Tier.RED: "Red",
    Tier.ORANGE: "Orange",
    Tier.YELLOW: "Yellow",
}

MODULE_LABELS: dict[Module, str] = {
    Module.SECURITY: "Security prevention",
    Module.LIVELIHOOD: "Livelihood services",
    Module.DISPUTE: "Dispute resolution",
}

CHANNEL_LABELS: dict[Channel, str] = {
    Channel.WALK_IN: "Walk-in",
    Channel.PHONE: "Phone",
    Channel.ONLINE: "Online request",
    Channel.PARTNER: "Partner",
    Channel.SENSOR: "Sensor alert",
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


STATE_LABELS: dict[State, str] = {
    State.RECEIVED: "Received",
    State.TRIAGED: "Triaged",
    State.ASSIGNED: "Assigned",
    State.ACCEPTED: "Accepted",
    State.IN_PROGRESS: "In progress",
    State.ON_HOLD: "On hold",
    State.RESOLVED: "Resolved",
    State.CLOSED: "Closed",
    State.TRANSFERRED: "Transferred",
    State.REJECTED: "Rejected",
    State.DUPLICATE: "Duplicate",
}

ACTION_LABELS: dict[Action, str] = {
    Action.TRIAGE: "Confirm tier",
    Action.ASSIGN: "Assign",
    Action.ACCEPT: "Accept",
    Action.START: "Start",
    Action.HOLD: "Hold",
    Action.RESUME: "Resume",
    Action.RECORD_CONTACT: "Record contact",
    Action.RESOLVE: "Resolve",
    Action.CLOSE: "Close",
    Action.RETURN: "Return",
    Action.REOPEN: "Reopen",
    Action.TRANSFER: "Transfer",
    Action.REJECT: "Reject",
    Action.MARK_DUPLICATE: "Mark duplicate",
    Action.REASSIGN: "Reassign",
    Action.RETIER: "Change tier",
    Action.ESCALATE: "Escalate",
}


# Statuses of tasks and mediation cases (plain strings in the database).
STATUS_LABELS: dict[str, str] = {
    "open": "open",
    "done": "done",
    "cancelled": "cancelled",
    "agreed": "agreed",
    "failed": "failed",
}

ACTOR_LABELS: dict[str, str] = {
    **{str(role): text for role, text in ROLE_LABELS.items()},
    Actor.CITIZEN: "Citizen",
    Actor.SYSTEM: "System",
}
_ALL_LABELS: dict[str, dict[str, str]] = {
    "tier": {str(k): v for k, v in TIER_LABELS.items()},
    "module": {str(k): v for k, v in MODULE_LABELS.items()},
    "channel": {str(k): v for k, v in CHANNEL_LABELS.items()},
    "state": {str(k): v for k, v in STATE_LABELS.items()},
    "action": {str(k): v for k, v in ACTION_LABELS.items()},
    "actor": ACTOR_LABELS,
    "status": STATUS_LABELS,
}


def term(kind: str, value: str) -> Term:
    """A vocabulary value (``kind``: tier, module, channel, state, action, actor or status)
    as an error parameter: the English message shows the value, others its translated name."""
    return Term(str(value), _ALL_LABELS[kind].get(str(value), str(value)))


def terms(kind: str, values: list[str] | frozenset[str] | tuple[str, ...]) -> Terms:
    """Several vocabulary values as one error parameter (sorted, joined by commas)."""
    return Terms(term(kind, value) for value in sorted(str(v) for v in values))
