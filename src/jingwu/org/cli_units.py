"""The commands of ``jingwu org`` (named in :mod:`jingwu.org.cli`): list, show, staffing, import."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import track
from rich.table import Table
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.cli.context import BadFile, CliContext, pass_ctx, requires
from jingwu.cli.tables import print_table
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.org import importer, premises, queries, service
from jingwu.org.editschemas import EquipmentIn
from jingwu.org.import_premises import UnitImport

console = Console()


@click.command("list")
@requires("org.view")
@click.option("--kind", type=click.Choice(["city", "district", "street", "community"]))
@pass_ctx
def list_units(ctx: CliContext, kind: str | None) -> None:
    """Units in scope."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        table = Table("code", "tier", "name", "division code")
        for u in queries.list_units(session, ctx.principal(session), kind=kind):
            table.add_row(u.short_code, u.kind, u.name, u.division_code)
    print_table(console, table)


@click.command("show")
@requires("org.view")
@click.argument("code")
@pass_ctx
def show(ctx: CliContext, code: str) -> None:
    """A unit's profile by short code."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        principal = ctx.principal(session)
        unit = service.unit_by_code(session, code)
        if unit is None:
            raise NotFound("No unit '{code}'.", params={"code": code})
        p = queries.profile(session, principal, unit_id=unit.id)
        click.echo(f"{p.unit.short_code} {p.unit.name} ({p.unit.kind}) {p.unit.address}")
        for z in p.zones:
            click.echo(f"  zone {z.kind}: {z.area_m2:.1f} m² = {z.share:.0%}")
        for post in p.posts:
            holder = post.holder.name if post.holder else "-"
            backup = post.backup.name if post.backup else "-"
            click.echo(f"  post {post.kind}: A {holder} / B {backup}")


@click.command("staffing")
@requires("staff.view")
@pass_ctx
def staffing(ctx: CliContext) -> None:
    """Stations short of "3+X", the organisational standard, or A/B coverage."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        report = queries.staffing_report(session, ctx.principal(session))
        table = Table("station", "officers", "auxiliaries", "3+X", "standard", "A/B")
        for u, r in report.rows:
            table.add_row(
                u.short_code,
                str(r.officers),
                str(r.auxiliaries),
                "ok" if r.meets_minimum else "SHORT",
                "ok" if r.meets_standard else "short",
                f"{r.ab_coverage:.0%}",
            )
    print_table(console, table)
    click.echo(f"Below minimum: {', '.join(u.short_code for u in report.below_minimum) or 'none'}")
    click.echo(
        f"Below standard: {', '.join(u.short_code for u in report.below_standard) or 'none'}"
    )
    click.echo(f"A/B incomplete: {', '.join(u.short_code for u in report.ab_incomplete) or 'none'}")


@click.command("import")
@requires("org.edit")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def import_units(ctx: CliContext, file: Path) -> None:
    """Import units from CSV or GeoJSON, with their zones and equipment: every row or none."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadFile(f"Cannot read {file}: {exc}") from None
    is_json = file.suffix.lower() in (".geojson", ".json")
    try:
        units = importer.parse_geojson(text) if is_json else importer.parse_csv(text)
    except importer.MalformedFile as exc:
        kind = "feature collection" if is_json else "CSV file"
        raise BadFile(
            f"Nothing imported: {file} is not a well-formed {kind} (line {exc.line}: {exc.reason})."
        ) from None
    except importer.ImportProblems as exc:
        for line, why in exc.problems:
            click.echo(f"{file}:{line}: {why}", err=True)
        raise Invalid(
            "Nothing imported: {count} bad row(s) in {file}.",
            params={"count": len(exc.problems), "file": file},
        ) from None
    runtime = ctx.runtime()
    now = runtime.clock()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        for n, data in enumerate(track(units, description="Importing"), start=1):
            try:
                unit = service.create_unit(session, principal, data=data, now=now)
                _premises(session, principal, unit.id, data)
            except (Invalid, NotFound, Conflict) as exc:
                raise Invalid(
                    "Nothing imported: row {n} ({short_code}): {message}",
                    params={"n": n, "short_code": data.short_code, "message": exc.message},
                ) from None
    click.echo(f"Imported {len(units)} unit(s).")


def _premises(session: Session, principal: Principal, unit_id: int, data: UnitImport) -> None:
    """The zones and equipment of an imported unit."""
    zones = {}
    for z in data.zones:
        zones[z.kind], _ = premises.create_zone(session, principal, unit_id=unit_id, data=z)
    for item in data.equipment:
        premises.create_equipment(
            session,
            principal,
            zone_id=zones[item.zone].id,
            data=EquipmentIn(name=item.name, quantity=item.quantity),
        )
