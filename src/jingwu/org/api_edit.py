"""JSON API for recording a unit: staff, experts, moves, posts, floor, zones, equipment.

Every change answers with the staffing check of the units it touched (``checks``).
Included by :mod:`jingwu.org.api` under ``/api/v1/org``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from jingwu.accounts.principal import Principal
from jingwu.org import checks, editing, premises, queries
from jingwu.org.editschemas import (
    CheckOut,
    Checks,
    EquipmentChanged,
    EquipmentIn,
    EquipmentOut,
    EquipmentPatch,
    FloorIn,
    MembershipOut,
    MoveIn,
    PostChanged,
    PostIn,
    PostRowOut,
    StaffChanged,
    StaffNew,
    StaffOut,
    StaffPatch,
    ZoneChanged,
    ZoneIn,
    ZonePatch,
    ZoneRowOut,
)
from jingwu.org.models import Equipment, Post, Staff, Unit, Zone
from jingwu.security.pii import mask_phone
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.openapi import API_ERRORS
from jingwu.web.params import IdPath

router = APIRouter(prefix="/api/v1/org", tags=["organisation"], responses=API_ERRORS)
Recorder = Annotated[Principal, Requires("org.record")]


def staff_out(s: Staff) -> StaffOut:
    return StaffOut(
        id=s.id,
        unit_id=s.unit_id,
        name=s.name,
        category=s.category,
        police_number=s.police_number,
        grade=s.grade,
        specialty=s.specialty,
        expert_field=s.expert_field,
        phone=mask_phone(s.phone) if s.phone else None,
        active=s.active,
    )


def _post(p: Post) -> PostRowOut:
    return PostRowOut(
        id=p.id,
        unit_id=p.unit_id,
        kind=p.kind,
        title=p.title,
        is_key=p.is_key,
        holder_id=p.holder_id,
        backup_id=p.backup_id,
    )


def _zone(z: Zone) -> ZoneRowOut:
    return ZoneRowOut(id=z.id, unit_id=z.unit_id, kind=z.kind, area_m2=z.area_m2, notes=z.notes)


def _item(e: Equipment) -> EquipmentOut:
    return EquipmentOut(id=e.id, zone_id=e.zone_id, name=e.name, quantity=e.quantity)


def _checks(session: SessionDep, *units: Unit) -> list[CheckOut]:
    return [CheckOut(**vars(c)) for c in checks.checks_for(session, *units)]


@router.post("/units/{unit_id}/staff", response_model=StaffChanged, status_code=201)
def create_staff(
    session: SessionDep, principal: Recorder, now: Now, unit_id: IdPath, body: StaffNew
) -> StaffChanged:
    """Add a person (officer with police number, auxiliary, or expert with field)."""
    staff, unit = editing.create_staff(session, principal, unit_id=unit_id, data=body, now=now)
    return StaffChanged(staff=staff_out(staff), checks=_checks(session, unit))


@router.get("/units/{unit_id}/staff", response_model=list[StaffOut])
def list_staff(
    session: SessionDep,
    principal: Annotated[Principal, Requires("staff.view")],
    unit_id: IdPath,
) -> list[StaffOut]:
    """A unit's people, those who left included (phones masked)."""
    return [staff_out(s) for s in queries.profile(session, principal, unit_id=unit_id).staff]


@router.patch("/staff/{staff_id}", response_model=StaffChanged)
def update_staff(
    session: SessionDep, principal: Recorder, staff_id: IdPath, body: StaffPatch
) -> StaffChanged:
    """Change a person's details (the phone is stored encrypted)."""
    staff, unit = editing.update_staff(session, principal, staff_id=staff_id, data=body)
    return StaffChanged(staff=staff_out(staff), checks=_checks(session, unit))


@router.post("/staff/{staff_id}/deactivate", response_model=StaffChanged)
def deactivate_staff(
    session: SessionDep, principal: Recorder, now: Now, staff_id: IdPath
) -> StaffChanged:
    """A person leaves: off their posts, history closed."""
    staff, unit = editing.deactivate_staff(session, principal, staff_id=staff_id, now=now)
    return StaffChanged(staff=staff_out(staff), checks=_checks(session, unit))


@router.post("/staff/{staff_id}/move", response_model=StaffChanged)
def move_staff(
    session: SessionDep, principal: Recorder, now: Now, staff_id: IdPath, body: MoveIn
) -> StaffChanged:
    """Move a person to another unit in scope; the checks of both units follow."""
    staff, source, target = editing.move_staff(
        session, principal, staff_id=staff_id, unit_id=body.unit_id, now=now, reason=body.reason
    )
    return StaffChanged(staff=staff_out(staff), checks=_checks(session, source, target))


@router.get("/staff/{staff_id}/history", response_model=list[MembershipOut])
def staff_history(
    session: SessionDep,
    principal: Annotated[Principal, Requires("staff.view")],
    staff_id: IdPath,
) -> list[MembershipOut]:
    """The units a person belonged to, oldest first."""
    return [
        MembershipOut(
            unit_id=u.id,
            short_code=u.short_code,
            started_at=m.started_at.isoformat() if m.started_at else None,
            ended_at=m.ended_at.isoformat() if m.ended_at else None,
            reason=m.reason,
        )
        for m, u in editing.history(session, principal, staff_id=staff_id)
    ]


@router.post("/units/{unit_id}/posts", response_model=PostChanged, status_code=201)
def create_post(
    session: SessionDep, principal: Recorder, unit_id: IdPath, body: PostIn
) -> PostChanged:
    """Add a post with its holder (A) and backup (B)."""
    post, unit = editing.create_post(session, principal, unit_id=unit_id, data=body)
    return PostChanged(post=_post(post), checks=_checks(session, unit))


@router.put("/posts/{post_id}", response_model=PostChanged)
def update_post(
    session: SessionDep, principal: Recorder, post_id: IdPath, body: PostIn
) -> PostChanged:
    """Replace a post's kind, title, key flag, holder and backup."""
    post, unit = editing.update_post(session, principal, post_id=post_id, data=body)
    return PostChanged(post=_post(post), checks=_checks(session, unit))


@router.delete("/posts/{post_id}", response_model=Checks)
def delete_post(session: SessionDep, principal: Recorder, post_id: IdPath) -> Checks:
    """Remove a post."""
    unit = editing.delete_post(session, principal, post_id=post_id)
    return Checks(checks=_checks(session, unit))


@router.put("/units/{unit_id}/floor", response_model=Checks)
def set_floor(session: SessionDep, principal: Recorder, unit_id: IdPath, body: FloorIn) -> Checks:
    """Record a station's floor area and design."""
    unit = premises.set_floor(session, principal, unit_id=unit_id, data=body)
    return Checks(checks=_checks(session, unit))


@router.post("/units/{unit_id}/zones", response_model=ZoneChanged, status_code=201)
def create_zone(
    session: SessionDep, principal: Recorder, unit_id: IdPath, body: ZoneIn
) -> ZoneChanged:
    """Add a functional zone with its area."""
    zone, unit = premises.create_zone(session, principal, unit_id=unit_id, data=body)
    return ZoneChanged(zone=_zone(zone), checks=_checks(session, unit))


@router.patch("/zones/{zone_id}", response_model=ZoneChanged)
def update_zone(
    session: SessionDep, principal: Recorder, zone_id: IdPath, body: ZonePatch
) -> ZoneChanged:
    """Change a zone's area or notes."""
    zone, unit = premises.update_zone(session, principal, zone_id=zone_id, data=body)
    return ZoneChanged(zone=_zone(zone), checks=_checks(session, unit))


@router.delete("/zones/{zone_id}", response_model=Checks)
def delete_zone(session: SessionDep, principal: Recorder, zone_id: IdPath) -> Checks:
    """Remove a zone with its equipment."""
    unit = premises.delete_zone(session, principal, zone_id=zone_id)
    return Checks(checks=_checks(session, unit))


@router.post("/zones/{zone_id}/equipment", response_model=EquipmentChanged, status_code=201)
def create_equipment(
    session: SessionDep, principal: Recorder, zone_id: IdPath, body: EquipmentIn
) -> EquipmentChanged:
    """Add an item to a zone's equipment."""
    item, unit = premises.create_equipment(session, principal, zone_id=zone_id, data=body)
    return EquipmentChanged(equipment=_item(item), checks=_checks(session, unit))


@router.patch("/equipment/{item_id}", response_model=EquipmentChanged)
def update_equipment(
    session: SessionDep, principal: Recorder, item_id: IdPath, body: EquipmentPatch
) -> EquipmentChanged:
    """Change an item's name or quantity."""
    item, unit = premises.update_equipment(session, principal, item_id=item_id, data=body)
    return EquipmentChanged(equipment=_item(item), checks=_checks(session, unit))


@router.delete("/equipment/{item_id}", response_model=Checks)
def delete_equipment(session: SessionDep, principal: Recorder, item_id: IdPath) -> Checks:
    """Remove an item of equipment."""
    unit = premises.delete_equipment(session, principal, item_id=item_id)
    return Checks(checks=_checks(session, unit))
