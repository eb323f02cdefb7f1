"""Read models of the organisation domain: the tree, station profiles, the staffing check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jingwu.accounts.scope import Principal, check_unit, scoped, unit_in_scope
from jingwu.cards import Card
from jingwu.org.models import Post, Staff, Unit, Zone
from jingwu.org.standard import PostFact, StaffingResult, ZoneShare, check_staffing, zone_shares


@dataclass
class TreeNode:
    """A unit and its children, for the organisation tree."""

    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


def list_units(session: Session, principal: Principal, *, kind: str | None = None) -> list[Unit]:
    """The units the principal may see, in tree order."""
    principal.require("org.view")
    stmt = scoped(select(Unit), principal, Unit.id).order_by(Unit.path)
    if kind is not None:
        stmt = stmt.where(Unit.kind == kind)
    return list(session.scalars(stmt))


def tree(session: Session, principal: Principal) -> list[TreeNode]:
    """The visible part of the organisation tree (roots = the principal's top units)."""
    units = list_units(session, principal)
    nodes = {u.id: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        parent = nodes.get(u.parent_id) if u.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[u.id])
    for node in nodes.values():
        node.children.sort(key=lambda n: n.unit.short_code)
    return roots


@dataclass
class StationProfile:
    """Everything the station page shows."""

    unit: Unit
    parent: Unit | None
    children: list[Unit]
    zones: list[ZoneShare]
    zone_rows: list[Zone]
    staff: list[Staff]
    posts: list[Post]
    staffing: StaffingResult | None
    parent_in_scope: bool = True  # False: the breadcrumb names the parent without a link


def profile(session: Session, principal: Principal, *, unit_id: int) -> StationProfile:
    """A unit's profile; NotFound outside the principal's scope."""
    principal.require("org.view")
    unit = check_unit(session, principal, unit_id)
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    children = list(
        session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.short_code))
    )
    zone_rows = list(
        session.scalars(
            select(Zone)
            .where(Zone.unit_id == unit.id)
            .options(selectinload(Zone.equipment))
            .order_by(Zone.id)
        )
    )
    staff = list(session.scalars(select(Staff).where(Staff.unit_id == unit.id).order_by(Staff.id)))
    posts = list(
        session.scalars(
            select(Post)
            .where(Post.unit_id == unit.id)
            .options(selectinload(Post.holder), selectinload(Post.backup))
            .order_by(Post.id)
        )
    )
    shares = (
        zone_shares(unit.floor_area_m2, [(z.kind, z.area_m2) for z in zone_rows])
        if unit.floor_area_m2
        else []
    )
    staffing = check_staffing(_facts(posts)) if unit.kind == "community" else None
    linked = parent is not None and unit_in_scope(session, principal, parent.id) is not None
    return StationProfile(
        unit, parent, children, shares, zone_rows, staff, posts, staffing, parent_in_scope=linked
    )


def _facts(posts: list[Post]) -> list[PostFact]:
    return [PostFact(p.kind, p.is_key, p.holder_id, p.backup_id) for p in posts]


@dataclass
class StaffingReport:
    """The staffing check of every visible community station."""

    rows: list[tuple[Unit, StaffingResult]]

    @property
    def below_minimum(self) -> list[Unit]:
        return [u for u, r in self.rows if not r.meets_minimum]

    @property
    def below_standard(self) -> list[Unit]:
        return [u for u, r in self.rows if not r.meets_standard]

    @property
    def ab_incomplete(self) -> list[Unit]:
        return [u for u, r in self.rows if not r.ab_complete]


def staffing_report(session: Session, principal: Principal) -> StaffingReport:
    """Check "3+X", the organisational standard and A/B coverage for each station."""
    stations = list_units(session, principal, kind="community")
    posts_by_unit: dict[int, list[Post]] = defaultdict(list)
    ids = [u.id for u in stations]
    for post in session.scalars(select(Post).where(Post.unit_id.in_(ids))):
        posts_by_unit[post.unit_id].append(post)
    rows = [(u, check_staffing(_facts(posts_by_unit[u.id]))) for u in stations]
    return StaffingReport(rows)


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """Organisation figures for the dashboard."""
    if not principal.can("org.view"):
        return []
    report = staffing_report(session, principal)
    n = len(report.rows)
    short = len(report.below_minimum)
    ab = len(report.ab_incomplete)
    return [
        Card("Community stations", str(n), href="/org", order=10),
        Card(
            'Stations below the "3+X" minimum',
            str(short),
            href="/staffing",
            tone="bad" if short else "good",
            order=11,
        ),
        Card(
            "Stations with key posts lacking a backup",
            str(ab),
            href="/staffing",
            tone="bad" if ab else "good",
            order=12,
        ),
    ]
