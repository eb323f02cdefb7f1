"""The staffing check of one unit, run after every change, and of the tiers above stations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.org.models import Post, Unit, Zone
from jingwu.org.queries import list_units
from jingwu.org.standard import PostFact, check_staffing, check_zones
from jingwu.org.tiers import TIER_STANDARD, TierResult, check_tier


@dataclass(frozen=True)
class UnitCheck:
    """Whether a unit's staffing meets its tier's standard, and what falls short."""

    unit_id: int
    short_code: str
    kind: str
    met: bool
    meets_minimum: bool | None  # "3+X" (stations only)
    meets_standard: bool
    ab_coverage: float
    problems: list[str]
    zone_problems: list[str]


def _facts(session: Session, unit_id: int) -> list[PostFact]:
    posts = session.scalars(select(Post).where(Post.unit_id == unit_id).order_by(Post.id))
    return [PostFact(p.kind, p.is_key, p.holder_id, p.backup_id) for p in posts]


def unit_check(session: Session, unit: Unit) -> UnitCheck:
    """Check ``unit`` (already in the caller's scope) against its tier's standard."""
    facts = _facts(session, unit.id)
    if unit.kind == "community":
        r = check_staffing(facts)
        zones = [
            (z.kind, z.area_m2)
            for z in session.scalars(select(Zone).where(Zone.unit_id == unit.id))
        ]
        zone_problems = check_zones(unit.floor_area_m2, zones) if unit.floor_area_m2 else []
        return UnitCheck(
            unit.id,
            unit.short_code,
            unit.kind,
            r.meets_minimum and r.meets_standard and r.ab_complete,
            r.meets_minimum,
            r.meets_standard,
            r.ab_coverage,
            r.problems,
            zone_problems,
        )
    if unit.kind not in TIER_STANDARD:  # a city: the guide sets no staffing of its own
        key = [f for f in facts if f.is_key]
        backed = [f for f in key if f.holder_id is not None and f.backup_id is not None]
        coverage = 1.0 if not key else len(backed) / len(key)
        problems = [] if len(backed) == len(key) else ["key_post_without_backup"]
        return UnitCheck(
            unit.id, unit.short_code, unit.kind, not problems, None, True, coverage, problems, []
        )
    t = check_tier(unit.kind, facts)
    return UnitCheck(
        unit.id,
        unit.short_code,
        unit.kind,
        t.meets_standard and t.ab_complete,
        None,
        t.meets_standard,
        t.ab_coverage,
        t.problems,
        [],
    )


def checks_for(session: Session, *units: Unit) -> list[UnitCheck]:
    """The checks of the units a change touched (each once, in order)."""
    seen: dict[int, Unit] = {}
    for u in units:
        seen.setdefault(u.id, u)
    return [unit_check(session, u) for u in seen.values()]


def tier_report(session: Session, principal: Principal) -> list[tuple[Unit, TierResult]]:
    """The district and street units in scope against their standards (1+3, 1+5)."""
    units = [u for u in list_units(session, principal) if u.kind in ("district", "street")]
    by_unit: dict[int, list[PostFact]] = {u.id: [] for u in units}
    if units:
        for p in session.scalars(select(Post).where(Post.unit_id.in_(list(by_unit)))):
            by_unit[p.unit_id].append(PostFact(p.kind, p.is_key, p.holder_id, p.backup_id))
    return [(u, check_tier(u.kind, by_unit[u.id])) for u in units]
