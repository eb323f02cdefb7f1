"""The white paper's key indicators as data (pure): id, name, unit, how they reduce.

An id of the catalogue (``safety.…``, ``kpi.…``) takes its name and definition from the
catalogue; a ``wp.…`` id has an English name and definition here, translated through the
domain's message catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from jingwu.evaluation.vocab import Unit
from jingwu.evaluation.whitepaper.tally import Kind

SECTIONS = ("orders", "feedback", "iot", "incidents", "checks", "third")
SECTION_LABELS = {
    "orders": "Work orders and response",
    "feedback": "Feedback and mediation",
    "iot": "Sensors, alerts and evidence",
    "incidents": "Public order",
    "checks": "Double-random checks",
    "third": "Mystery visits, surveys and experts",
}

# The per-station tables: their figures, as columns.
TABLES = {
    "service": (
        "wp.orders",
        "kpi.satisfaction.response",
        "safety.prevention.red_response_1h",
        "safety.livelihood.yellow_done_24h",
        "wp.completed_on_time",
        "safety.livelihood.median_response_minutes",
        "safety.prevention.dept_tasks_on_time",
        "safety.hazards.alerts_on_time",
    ),
    "quality": (
        "safety.livelihood.rating_mean",
        "wp.satisfied",
        "safety.livelihood.resolved_by_citizen",
        "safety.livelihood.reopen_share",
        "safety.livelihood.mediation_agreed",
        "wp.checks",
        "wp.checks_found",
        "wp.mystery_score",
    ),
}
TABLE_LABELS = {
    "service": "Service and response, station by station",
    "quality": "Satisfaction and supervision, station by station",
}


@dataclass(frozen=True)
class FigureSpec:
    """One key indicator of the white paper."""

    id: str
    section: str
    unit: Unit
    kind: Kind
    higher_better: bool | None  # None: neither (a volume)
    label: str = ""  # English message id (wp.… figures; catalogue ones use the catalogue's)
    definition: str = ""  # English message id (wp.… figures)


def _wp(
    name: str,
    section: str,
    unit: Unit,
    kind: Kind,
    better: bool | None,
    label: str,
    text: str,
) -> FigureSpec:
    return FigureSpec(f"wp.{name}", section, unit, kind, better, label, text)


def _cat(cid: str, section: str, unit: Unit, kind: Kind, better: bool) -> FigureSpec:
    return FigureSpec(cid, section, unit, kind, better)


P, N, M, S = Unit.PERCENT, Unit.COUNT, Unit.MINUTES, Kind.SHARE
SPECS: tuple[FigureSpec, ...] = (
    _wp(
        "orders",
        "orders",
        N,
        Kind.COUNT,
        None,
        "Work orders received",
        "Work orders received in the period by the stations in scope (all channels).",
    ),
    _wp(
        "orders_red",
        "orders",
        N,
        Kind.COUNT,
        None,
        "Red orders received",
        "Work orders received in the period and triaged red (major risk).",
    ),
    _wp(
        "orders_orange",
        "orders",
        N,
        Kind.COUNT,
        None,
        "Orange orders received",
        "Work orders received in the period and triaged orange.",
    ),
    _wp(
        "orders_yellow",
        "orders",
        N,
        Kind.COUNT,
        None,
        "Yellow orders received",
        "Work orders received in the period and triaged yellow.",
    ),
    _cat("kpi.satisfaction.response", "orders", P, S, True),
    _cat("safety.prevention.red_response_1h", "orders", P, S, True),
    _cat("safety.prevention.red_closed_5d", "orders", P, S, True),
    _cat("safety.livelihood.yellow_done_24h", "orders", P, S, True),
    _wp(
        "completed_on_time",
        "orders",
        P,
        S,
        True,
        "Orders completed by their deadline",
        "Share of the orders whose completion deadline fell in the period that were resolved "
        "by it (an order still open at its deadline counts as late).",
    ),
    _cat("safety.livelihood.median_response_minutes", "orders", M, Kind.MEDIAN, False),
    _wp(
        "completion_hours",
        "orders",
        Unit.HOURS,
        Kind.MEDIAN,
        False,
        "Median hours to resolve an order",
        "Median hours from receipt to resolution over the orders resolved in the period.",
    ),
    _wp(
        "escalated",
        "orders",
        P,
        S,
        False,
        "Orders escalated",
        "Share of the orders received in the period that were escalated at least once for "
        "missing a deadline.",
    ),
    _cat("safety.hazards.rectified_on_time", "orders", P, S, True),
    _cat("safety.livelihood.online_paperwork", "orders", P, S, True),
    _cat("safety.order.violence_rate", "incidents", Unit.PER_10K_RESIDENTS, Kind.RATE, False),
    _cat("safety.prevention.dept_tasks_on_time", "orders", P, S, True),
    _wp(
        "feedback",
        "feedback",
        N,
        Kind.COUNT,
        None,
        "Feedback received",
        "Citizens' ratings of resolved orders given in the period (by link or by call).",
    ),
    _cat("safety.livelihood.rating_mean", "feedback", Unit.SCORE_5, Kind.MEAN, True),
    _wp(
        "satisfied",
        "feedback",
        P,
        S,
        True,
        "Citizens satisfied (4 or 5 stars)",
        "Share of the feedback given in the period that rated the service 4 or 5 of 5.",
    ),
    _cat("safety.livelihood.resolved_by_citizen", "feedback", P, S, True),
    _cat("safety.livelihood.reopen_share", "feedback", P, S, False),
    _wp(
        "mediations",
        "feedback",
        N,
        Kind.COUNT,
        None,
        "Mediations opened",
        "Dispute mediations opened in the period.",
    ),
    _cat("safety.livelihood.mediation_agreed", "feedback", P, S, True),
    _cat("safety.livelihood.follow_up_on_time", "feedback", P, S, True),
    _wp(
        "iot_alerts",
        "iot",
        N,
        Kind.COUNT,
        None,
        "IoT alerts raised",
        "Alerts raised by the stations' sensors in the period (all tiers).",
    ),
    _cat("safety.hazards.alerts_on_time", "iot", P, S, True),
    _wp(
        "alerts_resolved",
        "iot",
        P,
        S,
        True,
        "IoT alerts resolved",
        "Share of the alerts raised in the period that have been resolved.",
    ),
    _wp(
        "alerts_to_orders",
        "iot",
        P,
        S,
        None,
        "IoT alerts confirmed as work orders",
        "Share of the alerts raised in the period that were confirmed into a work order.",
    ),
    _cat("safety.hazards.fire_alarm_rate", "iot", Unit.PER_10K_RESIDENTS, Kind.RATE, False),
    _wp(
        "evidence",
        "iot",
        N,
        Kind.COUNT,
        None,
        "Evidence log entries",
        "Entries (records, photos, videos, agreements) added to the evidence log in the period.",
    ),
    _cat("safety.prevention.evidence_on_record", "iot", P, S, True),
    _cat("safety.order.theft_rate", "incidents", Unit.PER_10K_RESIDENTS, Kind.RATE, False),
    _cat("safety.order.fraud_rate", "incidents", Unit.PER_10K_RESIDENTS, Kind.RATE, False),
    _cat("safety.hazards.traffic_rate", "incidents", Unit.PER_10K_RESIDENTS, Kind.RATE, False),
    _wp(
        "incidents",
        "incidents",
        N,
        Kind.COUNT,
        None,
        "Incidents recorded",
        "Incidents of every category that occurred in the stations' areas in the period.",
    ),
    _wp(
        "checks",
        "checks",
        N,
        Kind.COUNT,
        None,
        "Spot-check outcomes recorded",
        "Outcomes of double-random checks (stations, orders, re-inspections and home visits) "
        "recorded in the period.",
    ),
    _wp(
        "checks_found",
        "checks",
        P,
        S,
        False,
        "Spot checks with findings",
        "Share of the recorded spot-check outcomes that found a problem or needed a follow-up.",
    ),
    _wp(
        "coverage",
        "checks",
        P,
        S,
        True,
        "Stations checked this year",
        "Share of the stations in scope checked by a double-random draw since the start of "
        "the year, at each month's end (target 100 %).",
    ),
    _wp(
        "mystery",
        "third",
        N,
        Kind.COUNT,
        None,
        "Mystery visits",
        "Mystery visits made to the stations in the period.",
    ),
    _wp(
        "mystery_score",
        "third",
        Unit.SCORE_100,
        Kind.MEAN,
        True,
        "Mean mystery-visit score",
        "Mean total score (0 to 100) of the mystery visits' scoring sheets.",
    ),
    _wp(
        "mystery_passed",
        "third",
        P,
        S,
        True,
        "Mystery visits passed",
        "Share of the mystery visits whose scoring sheet reached the pass mark.",
    ),
    _wp(
        "mystery_environment",
        "third",
        Unit.SCORE_100,
        Kind.MEAN,
        True,
        "Mean station-environment score",
        "Mean score (0 to 100) of the station-environment section of the mystery visits.",
    ),
    _wp(
        "survey_respondents",
        "third",
        N,
        Kind.SUM,
        None,
        "Survey respondents",
        "Respondents counted in the survey results imported for the period.",
    ),
    _cat("kpi.satisfaction.environment", "third", Unit.SCORE_100, Kind.MEAN, True),
    _cat("kpi.satisfaction.innovation", "third", P, Kind.MEAN, True),
    _cat("safety.order.safety_feeling", "third", P, Kind.MEAN, True),
    _wp(
        "expert_score",
        "third",
        Unit.SCORE_100,
        Kind.MEAN,
        True,
        "Mean expert review score",
        "Mean score (0 to 100) of the expert panel's reviews in the period.",
    ),
)
