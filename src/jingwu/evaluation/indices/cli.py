"""``jingwu evaluation recompute``, ``values-template`` and ``import-values``.

``import-values FILE`` stores every row or none: exit 2 when the file cannot be read (not
there, not UTF-8, not the template's columns), 1 when rows are wrong (one sentence naming
the first bad line), 0 when stored.
"""

from __future__ import annotations

from pathlib import Path

import click

from jingwu.cli.context import BadFile, CliContext, pass_ctx, requires
from jingwu.evaluation.indices import catalogues, service, valuecsv, values


@click.command("recompute")
@requires("evaluation.manage")
@click.option("--period", required=True, help="a month (2026-11, with its quarter) or 2026-Q4")
@pass_ctx
def recompute(ctx: CliContext, period: str) -> None:
    """Recompute a period's computed values and index results (idempotent)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        done = service.recompute(
            session, period, now=runtime.clock(), principal=ctx.principal(session)
        )
    click.echo(
        f"Recomputed {', '.join(done.periods)}: {done.values} value(s), "
        f"{done.results} index result(s), catalogue {done.catalogue_version}."
    )


@click.command("values-template")
@requires("evaluation.view")
@pass_ctx
def values_template(ctx: CliContext) -> None:
    """Print the values file template (CSV) of the active catalogue."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        _, catalogue = catalogues.active(session, now=runtime.clock())
    click.echo(valuecsv.template(catalogue), nl=False)


def _readable(file: Path) -> bytes:
    try:
        content = file.read_bytes()
    except OSError:
        raise BadFile(f"{file} cannot be read.") from None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(f"{file} is not UTF-8 text.") from None
    header = text.splitlines()[0].strip().lower() if text.strip() else ""
    if header.replace(" ", "") != ",".join(valuecsv.COLUMNS):
        raise BadFile(
            f"{file} does not start with the template's columns: {','.join(valuecsv.COLUMNS)}."
        )
    return content


@click.command("import-values")
@requires("evaluation.enter")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def import_values(ctx: CliContext, file: Path) -> None:
    """Import a values file (all rows or none); run it --as-user the entering user."""
    content = _readable(file)
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        n = values.import_file(
            session,
            ctx.principal(session),
            filename=file.name,
            content=content,
            now=runtime.clock(),
        )
    click.echo(f"Imported {n} value(s) from {file.name}.")
