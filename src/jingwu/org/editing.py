"""Recording a unit's people and posts: staff, experts, posts with A/B backups, moves.

Every write needs ``org.record`` and a unit in the principal's scope; a record outside the
scope is NotFound. Bad input raises before anything is flushed, so nothing is half-stored.
The ORM write audit records each row; a move is also recorded as an explicit event.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, check_unit, unit_in_scope
from jingwu.audit import service as audit
from jingwu.errors import Conflict, Invalid, NotFound, Term
from jingwu.org.editschemas import PostIn, StaffNew, StaffPatch
from jingwu.org.models import Post, Staff, StaffMembership, Unit
from jingwu.org.standard import POST_KINDS
from jingwu.org.tiers import TIER_POSTS
from jingwu.security.pii import IdentifierError, normalize_phone

KEY_POSTS = frozenset({"chief", "community_officer", "head", "director"})


def _phone(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalize_phone(value)
    except IdentifierError as exc:
        raise Invalid(
            "Phone: {why}.", params={"why": Term(str(exc))}, fields={"phone": str(exc)}
        ) from None


def _check_person(category: str, police_number: str | None, expert_field: str | None) -> None:
    if category == "police" and not police_number:
        raise Invalid(
            "A police officer needs a police number.", fields={"police_number": "required"}
        )
    if category == "expert" and not expert_field:
        raise Invalid(
            "An expert needs a field (lawyer, psychologist, social worker…).",
            fields={"expert_field": "required"},
        )


def _number_free(session: Session, number: str | None, staff_id: int | None = None) -> None:
    if not number:
        return
    stmt = select(func.count()).where(Staff.police_number == number)
    if staff_id is not None:
        stmt = stmt.where(Staff.id != staff_id)
    if session.scalar(stmt):
        raise Conflict(
            "Police number {police_number} is taken.",
            params={"police_number": number},
            fields={"police_number": "taken"},
        )


def _post_kind_fits(unit: Unit, kind: str) -> None:
    if kind not in TIER_POSTS[unit.kind]:
        raise Invalid(
            "A {kind} unit has no post of kind '{post}'.",
            params={"kind": Term(unit.kind, unit.kind.capitalize()), "post": kind},
            fields={"kind": "not a post of this tier"},
        )


def staff_in_scope(session: Session, principal: Principal, staff_id: int) -> tuple[Staff, Unit]:
    """A person and their unit, if the principal may see it; else NotFound."""
    staff = session.get(Staff, staff_id)
    unit = None if staff is None else unit_in_scope(session, principal, staff.unit_id)
    if staff is None or unit is None:
        raise NotFound("No such staff member.")
    return staff, unit


def create_staff(
    session: Session, principal: Principal, *, unit_id: int, data: StaffNew, now: dt.datetime
) -> tuple[Staff, Unit]:
    """Add a person (officer, auxiliary or expert) to a unit, optionally holding a new post."""
    principal.require("org.record")
    unit = check_unit(session, principal, unit_id)
    _check_person(data.category, data.police_number, data.expert_field)
    phone = _phone(data.phone)
    if data.post is not None:
        _post_kind_fits(unit, data.post)
    _number_free(session, data.police_number)
    staff = Staff(
        unit_id=unit.id,
        name=data.name,
        category=data.category,
        police_number=data.police_number if data.category == "police" else None,
        specialty=data.specialty,
        phone=phone,
        grade=data.grade,
        expert_field=(data.expert_field or "") if data.category == "expert" else "",
    )
    session.add(staff)
    session.flush()
    session.add(StaffMembership(staff_id=staff.id, unit_id=unit.id, started_at=now))
    if data.post is not None:
        session.add(
            Post(
                unit_id=unit.id,
                kind=data.post,
                title="",
                is_key=data.post in KEY_POSTS,
                holder_id=staff.id,
            )
        )
    session.flush()
    return staff, unit


def update_staff(
    session: Session, principal: Principal, *, staff_id: int, data: StaffPatch
) -> tuple[Staff, Unit]:
    """Change a person's name, category, police number, grade, field or phone."""
    principal.require("org.record")
    staff, unit = staff_in_scope(session, principal, staff_id)
    given = data.model_fields_set
    if "name" in given and not data.name:
        raise Invalid("A name is required.", fields={"name": "required"})
    category = data.category if "category" in given and data.category else staff.category
    number = data.police_number if "police_number" in given else staff.police_number
    field = data.expert_field if "expert_field" in given else (staff.expert_field or None)
    _check_person(category, number, field)
    phone = _phone(data.phone) if "phone" in given else staff.phone
    _number_free(session, number if category == "police" else None, staff.id)
    if data.name:
        staff.name = data.name
    staff.category = category
    staff.police_number = number if category == "police" else None
    staff.expert_field = (field or "") if category == "expert" else ""
    staff.phone = phone
    if data.grade is not None:
        staff.grade = data.grade
    if data.specialty is not None:
        staff.specialty = data.specialty
    session.flush()
    return staff, unit


def _leave_posts(session: Session, staff: Staff) -> None:
    session.execute(update(Post).where(Post.holder_id == staff.id).values(holder_id=None))
    session.execute(update(Post).where(Post.backup_id == staff.id).values(backup_id=None))


def _close_membership(session: Session, staff: Staff, now: dt.datetime, reason: str) -> None:
    open_ = session.scalar(
        select(StaffMembership).where(
            StaffMembership.staff_id == staff.id, StaffMembership.ended_at.is_(None)
        )
    )
    if open_ is None:  # a person recorded before memberships were kept
        open_ = StaffMembership(staff_id=staff.id, unit_id=staff.unit_id, started_at=None)
        session.add(open_)
    open_.ended_at, open_.reason = now, reason


def deactivate_staff(
    session: Session, principal: Principal, *, staff_id: int, now: dt.datetime, reason: str = ""
) -> tuple[Staff, Unit]:
    """A person leaves: inactive, off every post (the check shows the gap), history closed."""
    principal.require("org.record")
    staff, unit = staff_in_scope(session, principal, staff_id)
    if not staff.active:
        raise Conflict("{name} has left already.", params={"name": staff.name})
    _leave_posts(session, staff)
    _close_membership(session, staff, now, reason or "left")
    staff.active = False
    session.flush()
    return staff, unit


def move_staff(
    session: Session,
    principal: Principal,
    *,
    staff_id: int,
    unit_id: int,
    now: dt.datetime,
    reason: str = "",
) -> tuple[Staff, Unit, Unit]:
    """Move a person to another unit in scope; their history keeps the previous unit."""
    principal.require("org.record")
    staff, source = staff_in_scope(session, principal, staff_id)
    target = unit_in_scope(session, principal, unit_id)
    if target is None:
        raise Invalid("No such unit to move to.", fields={"unit_id": "unknown"})
    if not staff.active:
        raise Invalid("{name} has left; nobody to move.", params={"name": staff.name})
    if target.id == source.id:
        raise Invalid("{name} is at that unit already.", params={"name": staff.name})
    _leave_posts(session, staff)
    _close_membership(session, staff, now, reason or "moved")
    session.add(StaffMembership(staff_id=staff.id, unit_id=target.id, started_at=now))
    staff.unit_id = target.id
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="org.staff_moved",
        object_type="staff",
        object_id=staff.id,
        unit_id=target.id,
        detail={"from": source.short_code, "to": target.short_code},
        now=now,
    )
    return staff, source, target


def history(
    session: Session, principal: Principal, *, staff_id: int
) -> list[tuple[StaffMembership, Unit]]:
    """A person's units over time, oldest first."""
    principal.require("staff.view")
    staff, _ = staff_in_scope(session, principal, staff_id)
    rows = session.execute(
        select(StaffMembership, Unit)
        .join(Unit, Unit.id == StaffMembership.unit_id)
        .where(StaffMembership.staff_id == staff.id)
        .order_by(StaffMembership.id)
    )
    return [(m, u) for m, u in rows]


def _on_staff(session: Session, unit: Unit, staff_id: int | None, field: str) -> int | None:
    if staff_id is None:
        return None
    staff = session.get(Staff, staff_id)
    if staff is None or staff.unit_id != unit.id or not staff.active:
        raise Invalid("That person is not on this unit's staff.", fields={field: "not on staff"})
    return staff.id


def _apply_post(session: Session, unit: Unit, post: Post, data: PostIn) -> None:
    if data.kind not in POST_KINDS:
        raise Invalid("Unknown post kind '{kind}'.", params={"kind": data.kind})
    _post_kind_fits(unit, data.kind)
    holder = _on_staff(session, unit, data.holder_id, "holder_id")
    backup = _on_staff(session, unit, data.backup_id, "backup_id")
    if holder is not None and holder == backup:
        raise Invalid("The backup must be another person.", fields={"backup_id": "same as holder"})
    post.kind, post.title, post.is_key = data.kind, data.title, data.is_key
    post.holder_id, post.backup_id = holder, backup


def create_post(
    session: Session, principal: Principal, *, unit_id: int, data: PostIn
) -> tuple[Post, Unit]:
    """Add a post to a unit with its holder (A) and backup (B)."""
    principal.require("org.record")
    unit = check_unit(session, principal, unit_id)
    post = Post(unit_id=unit.id)
    _apply_post(session, unit, post, data)
    session.add(post)
    session.flush()
    return post, unit


def post_in_scope(session: Session, principal: Principal, post_id: int) -> tuple[Post, Unit]:
    """A post and its unit, if the principal may see it; else NotFound."""
    post = session.get(Post, post_id)
    unit = None if post is None else unit_in_scope(session, principal, post.unit_id)
    if post is None or unit is None:
        raise NotFound("No such post.")
    return post, unit


def update_post(
    session: Session, principal: Principal, *, post_id: int, data: PostIn
) -> tuple[Post, Unit]:
    """Change a post's kind, title, key flag, holder or backup."""
    principal.require("org.record")
    post, unit = post_in_scope(session, principal, post_id)
    _apply_post(session, unit, post, data)
    session.flush()
    return post, unit


def delete_post(session: Session, principal: Principal, *, post_id: int) -> Unit:
    """Remove a post (its holder stays on the staff)."""
    principal.require("org.record")
    post, unit = post_in_scope(session, principal, post_id)
    session.delete(post)
    session.flush()
    return unit
