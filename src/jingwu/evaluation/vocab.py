"""The fixed vocabularies of the indicator catalogue (pure data).

Values are stable identifiers: they are stored with every indicator value and in edited
catalogues, so they are never renamed (add new ones instead).
"""

from __future__ import annotations

import math
from enum import StrEnum


class Source(StrEnum):
    """Where a measure's values come from."""

    COMPUTED = "computed"  # from the platform's own records, by the named query
    ENTERED = "entered"  # typed in by a user with the role
    IMPORTED = "imported"  # from a file (survey, case system), CSV with a template


class PlatformData(StrEnum):
    """The platform records a computed measure is computed from."""

    WORK_ORDERS = "work_orders"
    FEEDBACK = "feedback"
    TASKS = "tasks"
    MEDIATION = "mediation"
    DRAWS = "draws"  # double-random draws and their re-inspections and home visits
    IOT_ALERTS = "iot_alerts"
    IOT_DEVICES = "iot_devices"
    INCIDENTS = "incidents"
    EVIDENCE = "evidence"
    STAFFING = "staffing"  # staff and posts
    ORG_UNITS = "org_units"  # residents and boundary areas of the units


class Unit(StrEnum):
    """The unit a measure's values are expressed in."""

    PERCENT = "percent"  # a share, 0–100
    PERCENT_CHANGE = "percent_change"  # a signed change against a reference, in %
    PER_10K_RESIDENTS = "per_10k_residents"
    PER_KM2 = "per_km2"
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    COUNT = "count"
    SCORE_5 = "score_5"  # a rating from 1 to 5
    SCORE_100 = "score_100"  # a score from 0 to 100


class Direction(StrEnum):
    """Which way is better."""

    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"


class Frequency(StrEnum):
    """How often a measure gets a value."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Rollup(StrEnum):
    """How a KPI component of several stations is combined into a street's or district's."""

    POOLED = "pooled"  # weighted by each station's basis (the rate's denominator)
    MEAN = "mean"  # the plain mean of the stations that have a value


# The values a unit can take at all; a measure's own range must lie inside.
UNIT_BOUNDS: dict[Unit, tuple[float, float]] = {
    Unit.PERCENT: (0.0, 100.0),
    Unit.PERCENT_CHANGE: (-math.inf, math.inf),
    Unit.PER_10K_RESIDENTS: (0.0, math.inf),
    Unit.PER_KM2: (0.0, math.inf),
    Unit.MINUTES: (0.0, math.inf),
    Unit.HOURS: (0.0, math.inf),
    Unit.DAYS: (0.0, math.inf),
    Unit.COUNT: (0.0, math.inf),
    Unit.SCORE_5: (1.0, 5.0),
    Unit.SCORE_100: (0.0, 100.0),
}
