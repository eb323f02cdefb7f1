"""The mystery-visit scoring sheet (暗访评分表) and the statistics of scored visits (pure).

A mystery visitor (神秘人) comes to a station as an ordinary resident and scores ten items,
100 points in all, in four sections. A visit with at least 80 points passes; the district's
pass rate is a sampled proportion (margin of error and Wilson interval from
:mod:`jingwu.evaluation.sampling`), its mean score a sampled mean (mean ± z·s/√n). The
environment section, scaled to 0–100, is what the KPI component "station environment"
(``kpi.satisfaction.environment``) takes from the visits.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jingwu.errors import Invalid
from jingwu.evaluation.sampling import CONFIDENCE, z_value

PASS_MARK = 80.0
ENVIRONMENT = "environment"


@dataclass(frozen=True, slots=True)
class Item:
    """One line of the scoring sheet."""

    id: str
    section: str
    points: int  # the most it can score
    label: str  # an English message id (Chinese in the catalogue)


SECTIONS: dict[str, str] = {
    "reception": "Reception of visitors",
    "service": "Service",
    ENVIRONMENT: "Environment",
    "conduct": "Conduct",
}

SHEET: tuple[Item, ...] = (
    Item("reception.greeting", "reception", 10, "Greets the visitor at once, politely"),
    Item("reception.identity", "reception", 10, "In uniform, shows the police number"),
    Item("reception.wait", "reception", 10, "Served within 10 minutes"),
    Item("service.knowledge", "service", 15, "Knows the procedure, answers correctly"),
    Item("service.guidance", "service", 10, "Says everything needed at once (一次性告知)"),
    Item("service.privacy", "service", 10, "Protects the visitor's privacy"),
    Item("environment.signage", ENVIRONMENT, 10, "Signs and public notices complete"),
    Item("environment.tidy", ENVIRONMENT, 10, "Clean and tidy, facilities working"),
    Item("environment.convenience", ENVIRONMENT, 5, "Seats, water and reading glasses provided"),
    Item("conduct.integrity", "conduct", 10, "No buck-passing, no favours asked"),
)
ITEMS = {item.id: item for item in SHEET}
TOTAL = sum(item.points for item in SHEET)
SCENARIOS = ("walk_in", "phone")


@dataclass(frozen=True, slots=True)
class Scored:
    """A visit's points: the total (0–100), the environment section (0–100), passed or not."""

    scores: dict[str, int]
    total: float
    environment: float
    passed: bool


def score_sheet(scores: Mapping[str, object]) -> Scored:
    """Check a filled-in sheet (every item, whole points within its maximum) and total it."""
    unknown = sorted(set(scores) - set(ITEMS))
    missing = [i.id for i in SHEET if i.id not in scores]
    if unknown or missing:
        raise Invalid(
            "The sheet needs exactly its {count} items.",
            params={"count": len(SHEET)},
            fields=dict.fromkeys(unknown, "unknown item") | dict.fromkeys(missing, "required"),
        )
    clean: dict[str, int] = {}
    bad: dict[str, str] = {}
    for item in SHEET:
        value = scores[item.id]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= item.points:
            bad[item.id] = "out of range"
        else:
            clean[item.id] = value
    if bad:
        raise Invalid("Each item scores whole points from 0 to its maximum.", fields=bad)
    env_max = sum(i.points for i in SHEET if i.section == ENVIRONMENT)
    env = sum(clean[i.id] for i in SHEET if i.section == ENVIRONMENT)
    total = 100.0 * sum(clean.values()) / TOTAL
    return Scored(clean, total, 100.0 * env / env_max, total >= PASS_MARK)


@dataclass(frozen=True, slots=True)
class MeanInterval:
    """A sampled mean and its normal-approximation interval."""

    n: int
    mean: float
    margin: float

    @property
    def low(self) -> float:
        """The interval's lower end."""
        return self.mean - self.margin

    @property
    def high(self) -> float:
        """The interval's upper end."""
        return self.mean + self.margin


def mean_interval(values: Sequence[float], *, confidence: float = CONFIDENCE) -> MeanInterval:
    """The mean of ``values`` ± z·s/√n (no margin for a single value)."""
    n = len(values)
    if n == 0:
        raise Invalid("A sample needs at least one member.")
    mean = statistics.fmean(values)
    spread = statistics.stdev(values) if n > 1 else 0.0
    return MeanInterval(n, mean, z_value(confidence) * spread / math.sqrt(n))
