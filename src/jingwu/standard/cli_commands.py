"""The commands of ``jingwu standard`` (see :mod:`jingwu.standard.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from jingwu.cli.context import ANYONE, BadFile, CliContext, pass_ctx, requires
from jingwu.errors import Gettext
from jingwu.standard import present, queries, service
from jingwu.standard.requirements import MAX_FILE_BYTES, load_version

_FILE = click.Path(dir_okay=False, path_type=Path)
_VERSION = click.option("--version", "version", default=None, help="the version (default 1.0)")


def _english(message: str) -> str:
    return message


_EN: Gettext = _english


def _read(file: Path) -> bytes:
    try:
        with file.open("rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BadFile(f"Cannot read {file}: {exc}") from None


@click.command("versions")
@requires("standard.view")
@pass_ctx
def versions(ctx: CliContext) -> None:
    """List the versions of the standard and their requirements."""
    with ctx.runtime().db.unit_of_work(write=False) as session:
        for v in service.versions(session):
            click.echo(f"{v.version}  {v.name_en} ({len(v.requirements)} requirements)")
            for r in v.requirements:
                click.echo(f"  {r.id:24} {r.ref:6} {present.say(present.threshold(r), _EN)}")


@click.command("check")
@click.argument("file", type=_FILE)
@requires(ANYONE)  # reads a file, nothing stored
def check(file: Path) -> None:
    """Check a version file without loading it (exit 1 naming the first fault)."""
    version = load_version(_read(file))
    click.echo(
        f"{file}: standard {version.version}, {len(version.requirements)} requirements, consistent."
    )


@click.command("load")
@requires("standard.manage")
@click.argument("file", type=_FILE)
@pass_ctx
def load(ctx: CliContext, file: Path) -> None:
    """Load a new version (checked whole: an inconsistent one leaves nothing behind)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        v = service.load(session, ctx.principal(session), content=_read(file), now=runtime.clock())
    click.echo(f"Loaded standard {v.version} with {len(v.requirements)} requirements.")


@click.command("scorecard")
@requires("standard.view")
@_VERSION
@click.option("--station", default=None, help="one station's short code (default: all in scope)")
@click.option("--unit", default=None, help="only the stations below this street or district")
@pass_ctx
def scorecard(ctx: CliContext, version: str | None, station: str | None, unit: str | None) -> None:
    """Each station's score, or one station's verdicts, for a version."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        principal = ctx.principal(session)
        now = runtime.clock()
        if station is None:
            for c in service.scorecards(session, principal, version=version, unit=unit, now=now):
                click.echo(
                    f"{c.unit.short_code:8} {c.card.score:5.1f} %  met {c.met}, not met "
                    f"{c.not_met}, not measurable {c.not_measurable}"
                )
            return
        card = service.scorecard_of(session, principal, station=station, version=version, now=now)
        click.echo(
            f"{card.unit.short_code} against standard {card.card.version}: "
            f"{card.card.score:.1f} % met"
        )
        for v in card.card.verdicts:
            detail = "; ".join(
                x
                for x in (
                    present.say(present.value(v), _EN),
                    present.say(present.gap(v), _EN),
                    present.reason_en(v),
                )
                if x
            )
            click.echo(f"  {v.requirement.id:24} {v.status:15} {detail}")


@click.command("modules")
@requires("standard.view")
@_VERSION
@click.option("--station", required=True, help="the station's short code")
@pass_ctx
def modules(ctx: CliContext, version: str | None, station: str) -> None:
    """A station's work orders by functional module against the standard's shares (ORG-5)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        mix = queries.module_mix(
            session, ctx.principal(session), station=station, version=version, now=runtime.clock()
        )
    click.echo(f"{mix.unit.short_code}: {mix.total} work orders in the last {mix.days} days")
    for r in mix.rows:
        click.echo(f"  {r.module:12} {r.orders:6}  {r.share:5.1f} %  (standard {r.expected:g} %)")
