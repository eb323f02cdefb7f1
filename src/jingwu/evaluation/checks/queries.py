"""Read models of the spot checks: draw lists and details, coverage, the published results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import NotFound
from jingwu.evaluation.checks import ledger, pools
from jingwu.evaluation.checks.models import CheckDraw, CheckOutcome
from jingwu.evaluation.checks.periods import local_date
from jingwu.evaluation.checks.pools import Kind
from jingwu.org.models import Unit
from jingwu.workorders.models import Draw


@dataclass(frozen=True)
class DrawRow:
    """A draw in a list: the draw, its unit and how far its outcomes are recorded."""

    draw: CheckDraw
    unit: Unit
    drawn: int
    recorded: int
    found: int


def list_draws(
    session: Session, principal: Principal, *, year: int, kind: str | None = None
) -> list[DrawRow]:
    """The year's draws whose drawing unit is in scope, newest month first."""
    stmt = (
        scoped(select(CheckDraw, Unit), principal, CheckDraw.unit_id)
        .join(Unit, Unit.id == CheckDraw.unit_id)
        .where(CheckDraw.period.startswith(f"{year}-"))
        .order_by(CheckDraw.period.desc(), CheckDraw.kind, Unit.short_code)
    )
    if kind:
        stmt = stmt.where(CheckDraw.kind == kind)
    rows = session.execute(stmt).all()
    counts = _outcome_counts(session, [d.id for d, _ in rows])
    return [
        DrawRow(
            d,
            u,
            sum(len(v) for v in (d.pairs or {}).values()),
            counts.get(d.id, (0, 0))[0],
            counts.get(d.id, (0, 0))[1],
        )
        for d, u in rows
    ]


def _outcome_counts(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    found = func.sum(case((CheckOutcome.status != "done", 1), else_=0))
    rows = session.execute(
        select(CheckOutcome.draw_id, func.count(), found)
        .where(CheckOutcome.draw_id.in_(ids))
        .group_by(CheckOutcome.draw_id)
    ).all()
    return {int(i): (int(n), int(f or 0)) for i, n, f in rows}


@dataclass(frozen=True)
class Assignment:
    """A drawn target, its inspectors and its outcome (if recorded)."""

    purpose: str
    target: str
    label: str
    inspectors: tuple[str, ...]
    outcome: CheckOutcome | None


@dataclass(frozen=True)
class DrawDetail:
    """A draw as its page shows it."""

    draw: CheckDraw
    unit: Unit
    seed: str | None  # published once drawn
    assignments: list[Assignment]
    names: dict[str, str] = field(default_factory=dict)  # username → display name
    empty: str | None = None  # before the draw: why nothing is left to draw (None: targets)


def _labels(session: Session, kind: str, codes: set[str]) -> dict[str, str]:
    if kind != Kind.STATION or not codes:
        return {c: c for c in codes}
    rows = session.execute(
        select(Unit.short_code, Unit.name).where(Unit.short_code.in_(sorted(codes)))
    ).all()
    return {str(c): f"{n}（{c}）" for c, n in rows}


def draw_detail(session: Session, principal: Principal, *, code: str) -> DrawDetail:
    """A draw, its published seed, and each drawn target with inspectors and outcome."""
    row = session.scalar(
        scoped(select(CheckDraw), principal, CheckDraw.unit_id).where(
            CheckDraw.code == code.strip().upper()
        )
    )
    if row is None:
        raise NotFound("No draw {code}.", params={"code": code})
    unit = session.get(Unit, row.unit_id)
    assert unit is not None
    outcomes = {
        (o.purpose, o.target): o
        for o in session.scalars(select(CheckOutcome).where(CheckOutcome.draw_id == row.id))
    }
    pairs = ledger.pairs_of(row.pairs)
    labels = _labels(session, row.kind, {p.target for ps in pairs.values() for p in ps})
    assignments = [
        Assignment(
            purpose,
            p.target,
            labels.get(p.target, p.target),
            p.inspectors,
            outcomes.get((purpose, p.target)),
        )
        for purpose, ps in sorted(pairs.items())
        for p in ps
    ]
    seed, names = published_seed(session, row), _names(session, row)
    return DrawDetail(row, unit, seed, assignments, names, _empty(session, row, unit))


NO_TARGETS = "no_targets"
ALL_CHECKED = "all_checked"


def _empty(session: Session, row: CheckDraw, unit: Unit) -> str | None:
    """Before a station or order draw: ``no_targets`` when its pool is empty, ``all_checked``
    when every target in it was drawn earlier this year, else None (something to draw)."""
    if row.drawn_at is not None or row.kind == Kind.ORANGE:
        return None
    pool = (
        pools.station_pool(session, unit)
        if row.kind == Kind.STATION
        else pools.order_pool(session, unit, row.period)
    )
    if not pool:
        return NO_TARGETS
    done = pools.checked_this_year(session, kind=row.kind, year=int(row.period[:4]))
    return ALL_CHECKED if set(pool) <= done else None


def _names(session: Session, row: CheckDraw) -> dict[str, str]:
    names = [str(n) for n in row.inspectors]
    if not names:
        return {}
    rows = session.execute(
        select(User.username, User.display_name).where(User.username.in_(names))
    ).all()
    return {str(u): str(d) for u, d in rows}


def published_seed(session: Session, row: CheckDraw) -> str | None:
    """The seed once the draw is made; hidden before (only the commitment is public)."""
    if row.drawn_at is None:
        return None
    if row.wo_draw_id is not None:
        wo = session.get(Draw, row.wo_draw_id)
        return None if wo is None else wo.seed
    return row.seed


@dataclass(frozen=True)
class CoverageView:
    """How much of the stations in scope the year's station draws have checked."""

    year: int
    pool: int
    checked: int
    by_month: list[tuple[str, int]]  # cumulative checked stations at each month's end
    unchecked: list[Unit]

    @property
    def share(self) -> float | None:
        """The checked share (0–1)."""
        return None if self.pool == 0 else self.checked / self.pool


def coverage(
    session: Session, principal: Principal, *, year: int, through: str | None = None
) -> CoverageView:
    """Station coverage of the year in the principal's scope, month by month (target 100 %),
    the months listed up to ``through`` (``YYYY-MM``; the whole year when not given)."""
    stations = list(
        session.scalars(
            scoped(select(Unit), principal, Unit.id)
            .where(Unit.kind == "community")
            .order_by(Unit.short_code)
        )
    )
    codes = {s.short_code for s in stations}
    first_month: dict[str, str] = {}
    for period, pairs in session.execute(
        select(CheckDraw.period, CheckDraw.pairs)
        .where(
            CheckDraw.kind == Kind.STATION,
            CheckDraw.period.startswith(f"{year}-"),
            CheckDraw.drawn_at.is_not(None),
        )
        .order_by(CheckDraw.period)
    ):
        for rows in (pairs or {}).values():
            for target, _ in rows:
                if target in codes:
                    first_month.setdefault(str(target), str(period))
    per_month: dict[str, int] = defaultdict(int)
    for month in first_month.values():
        per_month[month] += 1
    running, by_month = 0, []
    for m in range(1, 13):
        month = f"{year}-{m:02d}"
        if through is not None and month > through:
            break
        running += per_month.get(month, 0)
        by_month.append((month, running))
    unchecked = [s for s in stations if s.short_code not in first_month]
    return CoverageView(year, len(stations), len(first_month), by_month, unchecked)


@dataclass(frozen=True)
class PublishedRow:
    """One line of the public results: no personal data, no finding text, no inspectors."""

    draw: str
    kind: str
    unit: str
    period: str
    commitment: str
    seed: str
    drawn_on: str
    target: str  # a station's name, or a work order's code
    status: str  # done | found | follow_up | pending
    recorded_at: str = ""  # when the result was recorded (ISO, UTC), "" while pending


def published_results(
    session: Session, *, year: int, principal: Principal | None = None
) -> list[PublishedRow]:
    """The year's drawn checks as the public may see them (the public portal reads them all;
    a signed-in page passes its principal and sees the draws of units in its scope)."""
    stmt = (
        select(CheckDraw, Unit)
        .join(Unit, Unit.id == CheckDraw.unit_id)
        .where(CheckDraw.period.startswith(f"{year}-"), CheckDraw.drawn_at.is_not(None))
        .order_by(CheckDraw.period, CheckDraw.code)
    )
    if principal is not None:
        stmt = scoped(stmt, principal, CheckDraw.unit_id)
    rows = session.execute(stmt).all()
    ids = [d.id for d, _ in rows]
    statuses = (
        {
            (o.draw_id, o.purpose, o.target): (o.status, o.recorded_at.isoformat())
            for o in session.scalars(select(CheckOutcome).where(CheckOutcome.draw_id.in_(ids)))
        }
        if ids
        else {}
    )
    return [line for d, unit in rows for line in _published(session, d, unit, statuses)]


def _published(
    session: Session,
    d: CheckDraw,
    unit: Unit,
    statuses: dict[tuple[int, str, str], tuple[str, str]],
) -> list[PublishedRow]:
    seed = published_seed(session, d) or ""
    pairs = ledger.pairs_of(d.pairs)
    labels = _labels(session, d.kind, {p.target for ps in pairs.values() for p in ps})
    assert d.drawn_at is not None
    drawn_on = local_date(d.drawn_at).isoformat()
    return [
        PublishedRow(
            d.code,
            _public_kind(d.kind, purpose),
            unit.name,
            d.period,
            d.commitment,
            seed,
            drawn_on,
            labels.get(p.target, p.target),
            *statuses.get((d.id, purpose, p.target), ("pending", "")),
        )
        for purpose, ps in sorted(pairs.items())
        for p in ps
    ]


def _public_kind(kind: str, purpose: str) -> str:
    return purpose if kind == Kind.ORANGE else kind


@dataclass(frozen=True)
class OrangeRow:
    """A work-order quota draw, its station, and its draw row here (once logged)."""

    wo: Draw
    unit: Unit
    link: CheckDraw | None


def orange_rows(session: Session, principal: Principal) -> list[OrangeRow]:
    """The work orders' quota draws in scope, newest month first, with their log status."""
    stmt = (
        scoped(select(Draw, Unit, CheckDraw), principal, Draw.unit_id)
        .join(Unit, Unit.id == Draw.unit_id)
        .outerjoin(CheckDraw, CheckDraw.wo_draw_id == Draw.id)
        .order_by(Draw.month.desc(), Unit.short_code)
    )
    return [OrangeRow(d, u, c) for d, u, c in session.execute(stmt)]


def drawing_units(session: Session, principal: Principal) -> list[Unit]:
    """The districts and streets in scope (the units that may draw)."""
    stmt = scoped(select(Unit), principal, Unit.id).where(Unit.kind != "community")
    return list(session.scalars(stmt.order_by(Unit.path)))


def stations(session: Session, principal: Principal) -> list[Unit]:
    """The stations in scope, by code."""
    stmt = scoped(select(Unit), principal, Unit.id).where(Unit.kind == "community")
    return list(session.scalars(stmt.order_by(Unit.short_code)))
