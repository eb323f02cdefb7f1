"""The recording commands of ``jingwu org`` (named in :mod:`jingwu.org.cli`): staff, experts,
moves, posts, floor area, zones and equipment. Each prints the staffing check afterwards."""

from __future__ import annotations

from typing import TypeVar

import click
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, unit_in_scope
from jingwu.cli.context import CliContext, pass_ctx, requires
from jingwu.errors import Invalid, NotFound
from jingwu.org import checks, editing, premises
from jingwu.org.checks import UnitCheck
from jingwu.org.editschemas import EquipmentIn, FloorIn, MoveIn, PostIn, StaffNew, ZoneIn
from jingwu.org.models import Unit, Zone

M = TypeVar("M", bound=BaseModel)
_FIELDS = ["lawyer", "psychologist", "social_worker", "mediator", "medical", "other"]
_POSTS = ["chief", "community_officer", "auxiliary", "expert", "head", "full_time", "director"]
_ZONES = ["reception", "security_control", "professional_services", "technical_support"]


def _unit(session: Session, principal: Principal, code: str) -> Unit:
    unit = unit_in_scope(session, principal, code)
    if unit is None:
        raise NotFound("No unit '{code}'.", params={"code": code})
    return unit


def _valid(build: type[M], **values: object) -> M:
    try:
        return build.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "input"
        raise Invalid(
            "{field}: {why}",
            params={"field": where, "why": str(err["msg"]).removeprefix("Value error, ")},
        ) from None


def _echo(*results: UnitCheck) -> None:
    for c in results:
        verdict = "met" if c.met else "NOT MET"
        problems = ", ".join(c.problems + c.zone_problems) or "none"
        click.echo(f"{c.short_code}: staffing check {verdict}; A/B {c.ab_coverage:.0%}; {problems}")


@click.command("staff-add")
@requires("org.record")
@click.argument("unit")
@click.option("--name", required=True)
@click.option("--category", type=click.Choice(["police", "auxiliary", "expert"]), required=True)
@click.option("--police-number")
@click.option("--grade", default="")
@click.option("--phone")
@click.option("--field", "expert_field", type=click.Choice(_FIELDS))
@click.option("--specialty", default="")
@click.option("--post", type=click.Choice(_POSTS))
@pass_ctx
def staff_add(ctx: CliContext, /, unit: str, **values: str | None) -> None:
    """Add a person to UNIT (short code), optionally holding a new post."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        data = _valid(StaffNew, **values)
        staff, u = editing.create_staff(
            session, principal, unit_id=_unit(session, principal, unit).id, data=data,
            now=runtime.clock(),
        )  # fmt: skip
        click.echo(f"Added {staff.name} (id {staff.id}) to {u.short_code}.")
        _echo(checks.unit_check(session, u))


@click.command("staff-move")
@requires("org.record")
@click.argument("staff_id", type=click.IntRange(1, 2**62))
@click.option("--to", "target", required=True, help="short code of the unit")
@click.option("--reason", default="")
@pass_ctx
def staff_move(ctx: CliContext, staff_id: int, target: str, reason: str) -> None:
    """Move a person to another unit; their history keeps the previous one."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        unit = unit_in_scope(session, principal, target)
        data = _valid(MoveIn, unit_id=unit.id if unit else 2**62, reason=reason)
        staff, source, dest = editing.move_staff(
            session, principal, staff_id=staff_id, unit_id=data.unit_id, now=runtime.clock(),
            reason=data.reason,
        )  # fmt: skip
        click.echo(f"Moved {staff.name} from {source.short_code} to {dest.short_code}.")
        _echo(*checks.checks_for(session, source, dest))


@click.command("staff-leave")
@requires("org.record")
@click.argument("staff_id", type=click.IntRange(1, 2**62))
@click.option("--reason", default="")
@pass_ctx
def staff_leave(ctx: CliContext, staff_id: int, reason: str) -> None:
    """A person leaves: off their posts, history closed."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        staff, unit = editing.deactivate_staff(
            session, principal, staff_id=staff_id, now=runtime.clock(), reason=reason[:120]
        )
        click.echo(f"{staff.name} has left {unit.short_code}.")
        _echo(checks.unit_check(session, unit))


@click.command("staff-history")
@requires("staff.view")
@click.argument("staff_id", type=click.IntRange(1, 2**62))
@pass_ctx
def staff_history(ctx: CliContext, staff_id: int) -> None:
    """The units a person belonged to, oldest first."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        for m, u in editing.history(session, ctx.principal(session), staff_id=staff_id):
            start = m.started_at.date().isoformat() if m.started_at else "?"
            end = m.ended_at.date().isoformat() if m.ended_at else "now"
            click.echo(f"{u.short_code} {start} – {end} {m.reason}".rstrip())


@click.command("post-add")
@requires("org.record")
@click.argument("unit")
@click.option("--kind", type=click.Choice(_POSTS), required=True)
@click.option("--title", default="")
@click.option("--holder", "holder_id", type=click.IntRange(1, 2**62))
@click.option("--backup", "backup_id", type=click.IntRange(1, 2**62))
@click.option("--key/--not-key", "is_key", default=True)
@pass_ctx
def post_add(ctx: CliContext, /, unit: str, **values: object) -> None:
    """Add a post with its holder (A) and backup (B) to UNIT."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        data = _valid(PostIn, **values)
        post, u = editing.create_post(
            session, principal, unit_id=_unit(session, principal, unit).id, data=data
        )
        click.echo(f"Added post {post.kind} (id {post.id}) to {u.short_code}.")
        _echo(checks.unit_check(session, u))


@click.command("floor")
@requires("org.record")
@click.argument("unit")
@click.argument("area", type=float)
@click.option("--design", type=click.Choice(["traditional", "vertical"]), default="traditional")
@pass_ctx
def floor(ctx: CliContext, unit: str, area: float, design: str) -> None:
    """Record UNIT's floor area (m²) and design."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        data = _valid(FloorIn, floor_area_m2=area, design=design)
        u = premises.set_floor(
            session, principal, unit_id=_unit(session, principal, unit).id, data=data
        )
        click.echo(f"{u.short_code}: {data.floor_area_m2:g} m², {data.design}.")
        _echo(checks.unit_check(session, u))


@click.command("zone-add")
@requires("org.record")
@click.argument("unit")
@click.argument("kind", type=click.Choice([*_ZONES, "circulation"]))
@click.argument("area", type=float)
@pass_ctx
def zone_add(ctx: CliContext, unit: str, kind: str, area: float) -> None:
    """Add a functional zone of KIND with AREA (m²) to UNIT."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        data = _valid(ZoneIn, kind=kind, area_m2=area)
        zone, u = premises.create_zone(
            session, principal, unit_id=_unit(session, principal, unit).id, data=data
        )
        click.echo(f"Added zone {zone.kind} ({zone.area_m2:g} m², id {zone.id}) to {u.short_code}.")
        _echo(checks.unit_check(session, u))


@click.command("equipment-add")
@requires("org.record")
@click.argument("unit")
@click.argument("zone", type=click.Choice([*_ZONES, "circulation"]))
@click.argument("name")
@click.option("--quantity", default=1, type=int)
@pass_ctx
def equipment_add(ctx: CliContext, unit: str, zone: str, name: str, quantity: int) -> None:
    """Add NAME (× quantity) to the ZONE of UNIT."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        data = _valid(EquipmentIn, name=name, quantity=quantity)
        u = _unit(session, principal, unit)
        row = session.scalar(select(Zone).where(Zone.unit_id == u.id, Zone.kind == zone))
        if row is None:
            raise Invalid("The station has no {zone_kind} zone.", params={"zone_kind": zone})
        item, _ = premises.create_equipment(session, principal, zone_id=row.id, data=data)
        click.echo(f"Added {item.name} ×{item.quantity} to {u.short_code} {zone}.")
