"""Forms of the unit page for recording it: staff, experts, moves, posts, floor, zones and
equipment (``org.record``, in the principal's subtree). Included by :mod:`jingwu.org.routes`.

A refused form shows the unit page again with the reason (422 or 409); the savepoint
around each change means nothing of it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict, Invalid
from jingwu.org import editing, premises
from jingwu.org.editschemas import (
    EquipmentIn,
    FloorIn,
    MoveIn,
    PostIn,
    StaffNew,
    StaffPatch,
    ZoneIn,
    ZonePatch,
)
from jingwu.org.pages import unit_page
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.i18n import validation_fields
from jingwu.web.params import FormFields, IdPath

router = APIRouter(include_in_schema=False)
Recorder = Annotated[Principal, Requires("org.record")]


def _id(value: str | None) -> int | str | None:
    """A form's record id: None when empty, the text itself (refused later) when not one."""
    v = (value or "").strip()
    if not v:
        return None
    return int(v) if v.isascii() and v.isdigit() and len(v) < 19 else v


def _opt(value: str | None) -> str | None:
    return (value or "").strip() or None


def _change(
    request: Request,
    session: Session,
    principal: Principal,
    unit_id: int,
    anchor: str,
    action: Callable[[], Any],
) -> Response:
    try:
        with session.begin_nested():
            action()
    except ValidationError as exc:
        fields = validation_fields(request, exc)
        error = Invalid(next(iter(fields.values())), fields=fields)
        return unit_page(request, session, principal, unit_id, error)
    except (Invalid, Conflict) as exc:
        return unit_page(request, session, principal, unit_id, exc)
    return RedirectResponse(f"/org/units/{unit_id}#{anchor}", status_code=303)


@router.post("/org/units/{unit_id}/staff", response_class=HTMLResponse)
def add_staff(
    request: Request,
    session: SessionDep,
    principal: Recorder,
    now: Now,
    unit_id: IdPath,
    form: FormFields,
) -> Response:
    """Add a person, optionally holding a new post."""

    def act() -> None:
        data = StaffNew.model_validate(
            {
                "name": form.get("name", ""),
                "category": form.get("category", ""),
                "police_number": _opt(form.get("police_number")),
                "grade": form.get("grade", ""),
                "phone": _opt(form.get("phone")),
                "expert_field": _opt(form.get("expert_field")),
                "specialty": form.get("specialty", ""),
                "post": _opt(form.get("post")),
            }
        )
        editing.create_staff(session, principal, unit_id=unit_id, data=data, now=now)

    return _change(request, session, principal, unit_id, "staff", act)


@router.post("/org/units/{unit_id}/staff/{staff_id}", response_class=HTMLResponse)
def change_staff(
    request: Request,
    session: SessionDep,
    principal: Recorder,
    unit_id: IdPath,
    staff_id: IdPath,
    form: FormFields,
) -> Response:
    """Change a person's details; an empty phone keeps the one recorded."""

    def act() -> None:
        values: dict[str, Any] = {
            k: form.get(k, "") for k in ("name", "grade", "specialty") if k in form
        }
        for k in ("police_number", "expert_field"):
            if k in form:
                values[k] = _opt(form.get(k))
        if _opt(form.get("phone")):
            values["phone"] = _opt(form.get("phone"))
        data = StaffPatch.model_validate(values)
        editing.update_staff(session, principal, staff_id=staff_id, data=data)

    return _change(request, session, principal, unit_id, "staff", act)


@router.post("/org/units/{unit_id}/staff/{staff_id}/leave", response_class=HTMLResponse)
def staff_leaves(
    request: Request,
    session: SessionDep,
    principal: Recorder,
    now: Now,
    unit_id: IdPath,
    staff_id: IdPath,
) -> Response:
    """A person leaves the unit (off their posts, history closed)."""

    def act() -> None:
        editing.deactivate_staff(session, principal, staff_id=staff_id, now=now)

    return _change(request, session, principal, unit_id, "staff", act)


@router.post("/org/units/{unit_id}/staff/{staff_id}/move", response_class=HTMLResponse)
def move_staff(
    request: Request,
    session: SessionDep,
    principal: Recorder,
    now: Now,
    unit_id: IdPath,
    staff_id: IdPath,
    form: FormFields,
) -> Response:
    """Move a person to another unit in scope."""

    def act() -> None:
        data = MoveIn.model_validate(
            {"unit_id": _id(form.get("to")), "reason": form.get("reason", "")}
        )
        editing.move_staff(
            session, principal, staff_id=staff_id, unit_id=data.unit_id, now=now, reason=data.reason
        )

    return _change(request, session, principal, unit_id, "staff", act)


@router.post("/org/units/{unit_id}/posts", response_class=HTMLResponse)
def add_post(
    request: Request, session: SessionDep, principal: Recorder, unit_id: IdPath, form: FormFields
) -> Response:
    """Add a post with its holder (A) and backup (B)."""

    def act() -> None:
        data = PostIn.model_validate(
            {
                "kind": form.get("kind", ""),
                "title": form.get("title", ""),
                "is_key": form.get("is_key") == "on",
                "holder_id": _id(form.get("holder_id")),
                "backup_id": _id(form.get("backup_id")),
            }
        )
        editing.create_post(session, principal, unit_id=unit_id, data=data)

    return _change(request, session, principal, unit_id, "posts", act)


@router.post("/org/units/{unit_id}/posts/{post_id}/delete", response_class=HTMLResponse)
def remove_post(
    request: Request, session: SessionDep, principal: Recorder, unit_id: IdPath, post_id: IdPath
) -> Response:
    """Remove a post."""
    return _change(
        request,
        session,
        principal,
        unit_id,
        "posts",
        lambda: editing.delete_post(session, principal, post_id=post_id),
    )


@router.post("/org/units/{unit_id}/floor", response_class=HTMLResponse)
def set_floor(
    request: Request, session: SessionDep, principal: Recorder, unit_id: IdPath, form: FormFields
) -> Response:
    """Record the floor area and design."""

    def act() -> None:
        data = FloorIn.model_validate(
            {
                "floor_area_m2": form.get("floor_area_m2", ""),
                "design": form.get("design", "traditional"),
            }
        )
        premises.set_floor(session, principal, unit_id=unit_id, data=data)

    return _change(request, session, principal, unit_id, "zones", act)


@router.post("/org/units/{unit_id}/zones", response_class=HTMLResponse)
def add_zone(
    request: Request, session: SessionDep, principal: Recorder, unit_id: IdPath, form: FormFields
) -> Response:
    """Add a functional zone with its area."""

    def act() -> None:
        data = ZoneIn.model_validate(
            {
                "kind": form.get("kind", ""),
                "area_m2": form.get("area_m2", ""),
                "notes": form.get("notes", ""),
            }
        )
        premises.create_zone(session, principal, unit_id=unit_id, data=data)

    return _change(request, session, principal, unit_id, "zones", act)


@router.post("/org/units/{unit_id}/zones/{zone_id}", response_class=HTMLResponse)
def change_zone(
    request: Request,
    session: SessionDep,
    principal: Recorder,
    unit_id: IdPath,
    zone_id: IdPath,
    form: FormFields,
) -> Response:
    """Change a zone's area."""

    def act() -> None:
        data = ZonePatch.model_validate({"area_m2": form.get("area_m2", "")})
        premises.update_zone(session, principal, zone_id=zone_id, data=data)

    return _change(request, session, principal, unit_id, "zones", act)


@router.post("/org/units/{unit_id}/zones/{zone_id}/delete", response_class=HTMLResponse)
def remove_zone(
    request: Request, session: SessionDep, principal: Recorder, unit_id: IdPath, zone_id: IdPath
) -> Response:
    """Remove a zone with its equipment."""
    return _change(
        request,
        session,
        principal,
        unit_id,
        "zones",
        lambda: premises.delete_zone(session, principal, zone_id=zone_id),
    )


@router.post("/org/units/{unit_id}/zones/{zone_id}/equipment", response_class=HTMLResponse)
def add_equipment(
    request: Request,
    session: SessionDep,
    principal: Recorder,
    unit_id: IdPath,
    zone_id: IdPath,
    form: FormFields,
) -> Response:
    """Add an item to a zone's equipment."""

    def act() -> None:
        data = EquipmentIn.model_validate(
            {"name": form.get("name", ""), "quantity": form.get("quantity", "1")}
        )
        premises.create_equipment(session, principal, zone_id=zone_id, data=data)

    return _change(request, session, principal, unit_id, "zones", act)


@router.post("/org/units/{unit_id}/equipment/{item_id}/delete", response_class=HTMLResponse)
def remove_equipment(
    request: Request, session: SessionDep, principal: Recorder, unit_id: IdPath, item_id: IdPath
) -> Response:
    """Remove an item of equipment."""
    return _change(
        request,
        session,
        principal,
        unit_id,
        "zones",
        lambda: premises.delete_equipment(session, principal, item_id=item_id),
    )
