"""Reports of the work orders: accountability per month, the station dashboard, cards."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.cards import Card
from jingwu.errors import Invalid
from jingwu.org.models import Unit
from jingwu.workorders.codes import SHANGHAI
from jingwu.workorders.models import Feedback, OverdueRecord, WorkOrder
from jingwu.workorders.service_core import visible
from jingwu.workorders.states import OPEN_STATES

OPEN = tuple(str(s) for s in OPEN_STATES)
WINDOW = dt.timedelta(days=30)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local (Asia/Shanghai) month ``YYYY-MM`` starts and ends."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        start = dt.datetime(year, mon, 1, tzinfo=SHANGHAI)
    except ValueError:
        raise Invalid(
            "Month '{month}' must look like 2026-11.",
            params={"month": month},
            fields={"month": "YYYY-MM"},
        ) from None
    end = dt.datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=SHANGHAI)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def local_month(at: dt.datetime) -> str:
    """``YYYY-MM`` of ``at`` in Asia/Shanghai."""
    return at.astimezone(SHANGHAI).strftime("%Y-%m")


@dataclass(frozen=True)
class OverdueRow:
    """One overdue record as the report shows it."""

    id: int
    code: str
    clock: str
    tier: str
    unit: str
    unit_name: str
    responsible: str
    deadline_at: dt.datetime
    detected_at: dt.datetime
    handled_at: dt.datetime | None
    handling_note: str


@dataclass
class Accountability:
    """Overdue records of a month, by person and by unit."""

    month: str
    records: list[OverdueRow]
    by_person: list[tuple[str, int, int]] = field(default_factory=list)  # name, overdue, handled
    by_unit: list[tuple[str, str, int, int]] = field(default_factory=list)  # code, name, n, handled

    @property
    def handled_share(self) -> float | None:
        """Share of the month's overdue records that were handled."""
        if not self.records:
            return None
        return sum(1 for r in self.records if r.handled_at) / len(self.records)


def require_reader(principal: Principal) -> None:
    """Reports name people: only police staff and inspectors read them."""
    principal.require("workorders.reports")


def accountability(session: Session, principal: Principal, *, month: str) -> Accountability:
    """Overdue records whose deadline fell in the local ``month``, in the principal's scope."""
    require_reader(principal)
    start, end = month_bounds(month)
    stmt = (
        scoped(
            select(OverdueRecord, WorkOrder.code, Unit.short_code, Unit.name),
            principal,
            OverdueRecord.unit_id,
        )
        .join(WorkOrder, WorkOrder.id == OverdueRecord.order_id)
        .join(Unit, Unit.id == OverdueRecord.unit_id)
        .where(OverdueRecord.deadline_at >= start, OverdueRecord.deadline_at < end)
        .order_by(OverdueRecord.deadline_at)
    )
    records = [
        OverdueRow(
            r.id,
            code,
            r.clock,
            r.tier,
            unit,
            unit_name,
            r.responsible_name or "—",
            r.deadline_at,
            r.detected_at,
            r.handled_at,
            r.handling_note,
        )
        for r, code, unit, unit_name in session.execute(stmt)
    ]
    person: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    units: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in records:
        for bucket in (person[r.responsible], units[(r.unit, r.unit_name)]):
            bucket[0] += 1
            bucket[1] += r.handled_at is not None
    report = Accountability(month, records)
    report.by_person = sorted(((k, v[0], v[1]) for k, v in person.items()), key=lambda t: -t[1])
    report.by_unit = sorted(((k[0], k[1], v[0], v[1]) for k, v in units.items()))
    return report


@dataclass
class TierStats:
    """Figures of one tier over the last 30 days."""

    completed: int = 0
    on_time: int = 0
    response_minutes: list[float] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        """Share of completed orders completed without a completion breach."""
        return self.on_time / self.completed if self.completed else None

    @property
    def median_response(self) -> float | None:
        """Median minutes from receipt to response."""
        return statistics.median(self.response_minutes) if self.response_minutes else None


@dataclass
class Dashboard:
    """The station dashboard."""

    today_intake: int
    open_orders: int
    open_overdue: int
    tiers: dict[str, TierStats]
    ratings: int
    mean_rating: float | None
    resolved_share: float | None


def _local_midnight(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def dashboard(session: Session, principal: Principal, *, now: dt.datetime) -> Dashboard:
    """Today's intake, on-time rate and response times by tier, satisfaction (30 days)."""
    require_reader(principal)
    base = scoped(select(func.count()).select_from(WorkOrder), principal, WorkOrder.unit_id)
    today = session.scalar(base.where(WorkOrder.received_at >= _local_midnight(now))) or 0
    open_n = session.scalar(base.where(WorkOrder.state.in_(OPEN))) or 0
    overdue = session.scalar(base.where(WorkOrder.state.in_(OPEN), WorkOrder.overdue)) or 0
    late = select(OverdueRecord.order_id).where(OverdueRecord.clock == "completion")
    rows = session.execute(
        scoped(
            select(
                WorkOrder.tier,
                WorkOrder.received_at,
                WorkOrder.responded_at,
                WorkOrder.resolved_at,
                WorkOrder.id.in_(late),
            ),
            principal,
            WorkOrder.unit_id,
        ).where(WorkOrder.received_at >= now - WINDOW, WorkOrder.tier.is_not(None))
    )
    tiers = {t: TierStats() for t in ("red", "orange", "yellow")}
    for tier, received, responded, resolved, was_late in rows:
        stats = tiers[str(tier)]
        if responded is not None:
            stats.response_minutes.append((responded - received).total_seconds() / 60)
        if resolved is not None:
            stats.completed += 1
            stats.on_time += not was_late
    fb = session.execute(
        scoped(
            select(
                func.count(), func.avg(Feedback.rating), func.sum(cast(Feedback.resolved, Integer))
            ),
            principal,
            Feedback.unit_id,
        ).where(Feedback.at >= now - WINDOW)
    ).one()
    n = int(fb[0] or 0)
    return Dashboard(
        today_intake=int(today),
        open_orders=int(open_n),
        open_overdue=int(overdue),
        tiers=tiers,
        ratings=n,
        mean_rating=float(fb[1]) if n else None,
        resolved_share=(int(fb[2] or 0) / n) if n else None,
    )


def _partner_cards(session: Session, principal: Principal) -> list[Card]:
    """A partner's start page: the orders it filed, and a way to file one."""
    mine = visible(select(func.count()).select_from(WorkOrder), principal)
    total = session.scalar(mine) or 0
    open_n = session.scalar(mine.where(WorkOrder.state.in_(OPEN))) or 0
    return [
        Card("Report a problem", "+", href="/work-orders/new", order=10),
        Card("Your orders still being handled", str(open_n), href="/work-orders", order=11),
        Card("Orders you filed", str(total), href="/work-orders", order=12),
    ]


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """Work-order figures on the shell's dashboard."""
    if not principal.can("workorders.view"):
        return []
    if principal.role == "partner":
        return _partner_cards(session, principal)
    base = visible(select(func.count()).select_from(WorkOrder), principal)  # partners: their own
    open_n = session.scalar(base.where(WorkOrder.state.in_(OPEN))) or 0
    overdue = session.scalar(base.where(WorkOrder.state.in_(OPEN), WorkOrder.overdue)) or 0
    return [
        Card("Open work orders", str(open_n), href="/work-orders/board", order=20),
        Card(
            "Open work orders past a deadline",
            str(overdue),
            href="/work-orders/board",
            tone="bad" if overdue else "good",
            order=21,
        ),
    ]
