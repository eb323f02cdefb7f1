"""Each computed measure's query (``docs/evaluation.md``, "The queries to implement"):
its selection of platform rows and how they are aggregated per station."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.errors import Invalid
from jingwu.evaluation.indices import compute_area as area
from jingwu.evaluation.indices import compute_orders as orders
from jingwu.evaluation.indices.compute_base import (
    Aggregate,
    Sample,
    Selection,
    Selector,
    Station,
    Window,
    mean_of,
    share,
)
from jingwu.evaluation.indices.periods import Period
from jingwu.evaluation.measures import Measure
from jingwu.workorders.models import Feedback


@dataclass(frozen=True)
class Query:
    """A computation: the rows it reads and, unless it is a plain share, its aggregate."""

    select: Selector
    aggregate: Aggregate | None = None


QUERIES: dict[str, Query] = {
    "order_on_time_share": Query(orders.on_time),
    "order_served_share": Query(orders.served),
    "order_rate": Query(orders.received, orders.order_rate),
    "order_response_minutes_median": Query(orders.response_minutes, orders.median_response),
    "order_channel_share": Query(orders.received),
    "orders_with_evidence_share": Query(orders.with_evidence),
    "task_on_time_share": Query(orders.tasks),
    "feedback_rating_mean": Query(
        orders.feedback,
        lambda s, m, w, st: mean_of(orders.feedback(m, w), Feedback.rating)(s, m, w, st),
    ),
    "feedback_resolved_share": Query(orders.feedback),
    "feedback_reopened_share": Query(orders.reopened),
    "mediation_agreed_share": Query(orders.mediations),
    "mediation_follow_up_on_time_share": Query(orders.follow_ups),
    "dispute_resolved_share": Query(orders.disputes),
    "incident_rate": Query(area.incidents, area.incident_rate),
    "incident_change": Query(area.incidents, area.incident_change),
    "incident_fall": Query(area.incidents, area.incident_change),
    "incident_near_repeat_share": Query(area.incidents, area.near_repeat),
    "staff_per_10k_residents": Query(area.staff, area.staff_rate),
    "key_post_backup_share": Query(area.key_posts),
    "iot_alert_rate": Query(area.alerts, area.alert_rate),
    "iot_alert_on_time_share": Query(area.alerts, area.alerts_on_time),
    "device_density": Query(area.devices, area.device_density),
    "device_online_share": Query(area.devices, area.device_online),
    "device_class_count": Query(area.devices, area.class_count),
    "environment_alert_hour_share": Query(area.devices, area.environment_hours),
    "reading_completeness": Query(area.devices, area.completeness),
    "draw_checks_done_share": Query(area.devices, area.checks_done),
}


def _query(measure: Measure) -> Query:
    if measure.query is None or measure.query not in QUERIES:
        raise Invalid(
            "{id} has no computation {query}.", params={"id": measure.id, "query": measure.query}
        )
    return QUERIES[measure.query]


def window(period: Period) -> Window:
    """The UTC bounds of a period."""
    return Window(*period.window())


def compute(
    session: Session, measure: Measure, period: Period, where: list[Station]
) -> dict[int, Sample]:
    """The measure's value for each station that has one, in ``period``."""
    query, w = _query(measure), window(period)
    if query.aggregate is None:
        return share(query.select(measure, w))(session, measure, w, where)
    return query.aggregate(session, measure, w, where)


def selection(measure: Measure, period: Period) -> Selection:
    """The rows a computed value of ``measure`` in ``period`` reads (for the drill-down)."""
    return _query(measure).select(measure, window(period))
