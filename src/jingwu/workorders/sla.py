"""SLA policies: response and completion times per tier and category, and escalation (pure).

A policy is snapshotted onto the order at triage (:meth:`SlaPolicy.to_dict`), so changing
the defaults never moves the deadlines of orders already triaged. The clock arithmetic on a
snapshotted policy lives in :mod:`jingwu.workorders.clocks`.

Defaults (WO-2):

- red: response within 1 h, completion within 5 days, never pausable (a red order is a major
  risk; nothing it waits for stops the clock);
- orange: the category's own times (:mod:`jingwu.workorders.catalogue`), else response 2 h,
  completion 3 days; pausable;
- yellow: response 4 h, completion 24 h (the guide's 24-hour promise); pausable, so waiting
  for a citizen's documents does not count against the station — every pause is an event with
  a reason and the total paused time is shown beside the clock.

Warnings fall at 50 % and 80 % of each deadline, the breach at 100 %. Escalation follows the
ladder station chief → street station → district: 50 % goes to the person responsible (the
assignee, or the first receiver if never assigned), 80 % adds the station chief, a breach adds
the street station head, and a red breach also the district director.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from jingwu.workorders.catalogue import DAY, HOUR, Category
from jingwu.workorders.vocab import Tier, parse

DEFAULT_WARNINGS = (50, 80)
BREACH_PERCENT = 100


class PolicyError(ValueError):
    """An SLA policy is malformed."""


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Deadlines for one tier (and category): minutes from receipt, in calendar time."""

    tier: Tier
    response_minutes: int
    completion_minutes: int
    pausable: bool
    warning_percents: tuple[int, ...] = DEFAULT_WARNINGS
    category: str | None = None  # None for a tier default

    def __post_init__(self) -> None:
        if not 0 < self.response_minutes <= self.completion_minutes:
            raise PolicyError("response time must be positive and not after completion time")
        if self.tier is Tier.RED and self.pausable:
            raise PolicyError("a red policy is never pausable")
        percents = self.warning_percents
        if list(percents) != sorted(set(percents)) or not all(0 < p < 100 for p in percents):
            raise PolicyError("warning percents must be increasing and between 0 and 100")

    @property
    def response(self) -> timedelta:
        """The response budget."""
        return timedelta(minutes=self.response_minutes)

    @property
    def completion(self) -> timedelta:
        """The completion budget (before pauses)."""
        return timedelta(minutes=self.completion_minutes)

    @property
    def levels(self) -> tuple[int, ...]:
        """The warning percents followed by the breach (100)."""
        return (*self.warning_percents, BREACH_PERCENT)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot to store on the order."""
        return {
            "tier": str(self.tier),
            "category": self.category,
            "response_minutes": self.response_minutes,
            "completion_minutes": self.completion_minutes,
            "pausable": self.pausable,
            "warning_percents": list(self.warning_percents),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SlaPolicy:
        """The policy stored by :meth:`to_dict`."""
        try:
            return cls(
                tier=parse(Tier, data["tier"]),
                category=data.get("category"),
                response_minutes=int(data["response_minutes"]),
                completion_minutes=int(data["completion_minutes"]),
                pausable=bool(data["pausable"]),
                warning_percents=tuple(int(p) for p in data["warning_percents"]),
            )
        except KeyError as exc:
            raise PolicyError(f"policy snapshot lacks {exc.args[0]!r}") from None


RED_POLICY = SlaPolicy(Tier.RED, 1 * HOUR, 5 * DAY, pausable=False)
ORANGE_POLICY = SlaPolicy(Tier.ORANGE, 2 * HOUR, 3 * DAY, pausable=True)
YELLOW_POLICY = SlaPolicy(Tier.YELLOW, 4 * HOUR, 1 * DAY, pausable=True)
TIER_DEFAULTS = {Tier.RED: RED_POLICY, Tier.ORANGE: ORANGE_POLICY, Tier.YELLOW: YELLOW_POLICY}


def policy_for(tier: Tier | str, category: Category | None = None) -> SlaPolicy:
    """The default policy for ``tier``; orange orders take their category's times if it has them."""
    tier = parse(Tier, tier)
    base = TIER_DEFAULTS[tier]
    code = None if category is None else category.code
    if (
        tier is Tier.ORANGE
        and category is not None
        and category.orange_response_minutes is not None
        and category.orange_completion_minutes is not None
    ):
        return SlaPolicy(
            tier,
            category.orange_response_minutes,
            category.orange_completion_minutes,
            pausable=base.pausable,
            warning_percents=base.warning_percents,
            category=code,
        )
    return SlaPolicy(
        tier,
        base.response_minutes,
        base.completion_minutes,
        pausable=base.pausable,
        warning_percents=base.warning_percents,
        category=code,
    )


class Recipient(StrEnum):
    """Who is told of a warning or breach."""

    RESPONSIBLE = "responsible"  # the assignee, or the first receiver if never assigned
    CHIEF = "chief"
    STREET = "street"
    DIRECTOR = "director"


def escalation_for(tier: Tier | str, percent: int) -> tuple[Recipient, ...]:
    """Who hears of reaching ``percent`` of a deadline on an order of ``tier``."""
    tier = parse(Tier, tier)
    if percent >= BREACH_PERCENT:
        ladder = (Recipient.RESPONSIBLE, Recipient.CHIEF, Recipient.STREET)
        return (*ladder, Recipient.DIRECTOR) if tier is Tier.RED else ladder
    if percent >= DEFAULT_WARNINGS[-1]:
        return (Recipient.RESPONSIBLE, Recipient.CHIEF)
    return (Recipient.RESPONSIBLE,)
