"""Organisation use cases: units, zones, staff and posts (each write scoped and audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, check_unit, unit_in_scope, whole_tree
from jingwu.errors import Conflict, Invalid, NotFound, Term
from jingwu.org.models import Equipment, Post, Staff, Unit, Zone
from jingwu.org.schemas import StaffIn, UnitIn
from jingwu.org.standard import PARENT_KIND, POST_KINDS, ROOT_KINDS, ZONE_LABELS
from jingwu.security.pii import IdentifierError, normalize_phone


def _kind(kind: str) -> Term:
    """A unit kind (district, street, community) as an error parameter."""
    return Term(kind, kind.capitalize())


def unit_by_code(session: Session, short_code: str) -> Unit | None:
    """The unit with this short code, unscoped (callers check scope)."""
    return session.scalar(select(Unit).where(Unit.short_code == short_code.upper()))


def _parent_for(session: Session, principal: Principal, data: UnitIn) -> Unit | None:
    expected = PARENT_KIND[data.kind]
    if expected is None and data.parent_code:
        raise Invalid("A city has no parent.", fields={"parent_code": "must be empty"})
    if expected is None or (data.kind in ROOT_KINDS and not data.parent_code):
        if not whole_tree(principal):
            raise NotFound("No such parent unit.")
        return None
    parent = unit_in_scope(session, principal, data.parent_code or "")
    if parent is None:
        raise Invalid(
            "Parent unit '{parent_code}' does not exist.",
            params={"parent_code": data.parent_code},
            fields={"parent_code": "unknown"},
        )
    if parent.kind != expected:
        raise Invalid(
            "A {kind} unit belongs under a {expected}, not a {kind2}.",
            params={
                "kind": _kind(data.kind),
                "expected": _kind(expected),
                "kind2": _kind(parent.kind),
            },
            fields={"parent_code": "wrong kind of parent unit"},
        )
    return parent


def create_unit(session: Session, principal: Principal, *, data: UnitIn, now: dt.datetime) -> Unit:
    """Create a unit under its parent (org.edit within the principal's scope)."""
    principal.require("org.edit")
    parent = _parent_for(session, principal, data)
    clash = session.scalar(
        select(Unit.short_code).where(
            (Unit.short_code == data.short_code) | (Unit.org_code == data.org_code)
        )
    )
    if clash is not None:
        raise Conflict(
            "A unit with short code {short_code} or organisation code {org_code} exists already.",
            params={"short_code": data.short_code, "org_code": data.org_code},
            fields={"short_code": "taken"},
        )
    values = data.model_dump(include=set(UnitIn.model_fields) - {"parent_code"})
    unit = Unit(**values, parent_id=parent.id if parent else None, created_at=now)
    session.add(unit)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "Unit {short_code} exists already.", params={"short_code": data.short_code}
        ) from None
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.flush()
    return unit


def set_zones(
    session: Session,
    principal: Principal,
    *,
    unit_id: int,
    floor_area_m2: float,
    zones: Sequence[tuple[str, float]],
) -> Unit:
    """Replace a station's floor area and functional zones."""
    principal.require("org.edit")
    unit = check_unit(session, principal, unit_id)
    unknown = [k for k, _ in zones if k not in ZONE_LABELS]
    if unknown:
        raise Invalid(
            "Unknown zone kind '{kind}'.",
            params={"kind": unknown[0]},
            fields={"zones": "unknown kind"},
        )
    if sum(a for _, a in zones) > floor_area_m2 * 1.0001:
        raise Invalid("The zones add up to more than the floor area.", fields={"zones": "too big"})
    unit.floor_area_m2 = floor_area_m2
    for zone in session.scalars(select(Zone).where(Zone.unit_id == unit.id)):
        session.delete(zone)
    session.flush()
    for kind, area in zones:
        session.add(Zone(unit_id=unit.id, kind=kind, area_m2=area))
    session.flush()
    return unit


def add_equipment(
    session: Session, principal: Principal, *, unit_id: int, zone_kind: str, name: str, qty: int
) -> Equipment:
    """Add an item to a zone's equipment inventory."""
    principal.require("org.edit")
    unit = check_unit(session, principal, unit_id)
    zone = session.scalar(select(Zone).where(Zone.unit_id == unit.id, Zone.kind == zone_kind))
    if zone is None:
        raise Invalid(
            "The station has no {zone_kind} zone.",
            params={"zone_kind": zone_kind},
            fields={"zone": "unknown"},
        )
    item = Equipment(zone_id=zone.id, name=name, quantity=qty)
    session.add(item)
    session.flush()
    return item


def add_staff(session: Session, principal: Principal, *, unit_id: int, data: StaffIn) -> Staff:
    """Add a staff member to a unit."""
    principal.require("staff.edit")
    unit = check_unit(session, principal, unit_id)
    if data.category == "police" and not data.police_number:
        raise Invalid(
            "A police officer needs a police number.", fields={"police_number": "required"}
        )
    phone = None
    if data.phone:
        try:
            phone = normalize_phone(data.phone)
        except IdentifierError as exc:
            raise Invalid(
                "Phone: {why}.", params={"why": Term(str(exc))}, fields={"phone": str(exc)}
            ) from None
    if data.police_number and session.scalar(
        select(func.count()).where(Staff.police_number == data.police_number)
    ):
        raise Conflict(
            "Police number {police_number} is taken.",
            params={"police_number": data.police_number},
            fields={"police_number": "taken"},
        )
    staff = Staff(
        unit_id=unit.id,
        name=data.name,
        category=data.category,
        police_number=data.police_number,
        specialty=data.specialty,
        phone=phone,
        grade=data.grade,
        expert_field=(data.expert_field or "") if data.category == "expert" else "",
    )
    session.add(staff)
    session.flush()
    return staff


def _staff_in_unit(session: Session, unit: Unit, staff_id: int | None, field: str) -> int | None:
    if staff_id is None:
        return None
    staff = session.get(Staff, staff_id)
    if staff is None or staff.unit_id != unit.id:
        raise Invalid("That person is not on this unit's staff.", fields={field: "not on staff"})
    return staff.id


def set_post(
    session: Session,
    principal: Principal,
    *,
    unit_id: int,
    kind: str,
    holder_id: int | None,
    backup_id: int | None,
    is_key: bool = True,
    title: str = "",
    post_id: int | None = None,
) -> Post:
    """Create or update a post with its holder (A) and backup (B)."""
    principal.require("staff.edit")
    unit = check_unit(session, principal, unit_id)
    if kind not in POST_KINDS:
        raise Invalid(
            "Unknown post kind '{kind}'.", params={"kind": kind}, fields={"kind": "unknown"}
        )
    holder = _staff_in_unit(session, unit, holder_id, "holder_id")
    backup = _staff_in_unit(session, unit, backup_id, "backup_id")
    if holder is not None and holder == backup:
        raise Invalid("The backup must be another person.", fields={"backup_id": "same as holder"})
    post = session.get(Post, post_id) if post_id is not None else None
    if post_id is not None and (post is None or post.unit_id != unit.id):
        raise NotFound("No such post.")
    if post is None:
        post = Post(unit_id=unit.id, kind=kind)
        session.add(post)
    post.kind, post.is_key, post.title = kind, is_key, title
    post.holder_id, post.backup_id = holder, backup
    session.flush()
    return post
