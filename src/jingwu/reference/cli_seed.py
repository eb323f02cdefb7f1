"""``jingwu reference seed``: the default departments and categories."""

from __future__ import annotations

import click

from jingwu.cli.context import CliContext, pass_ctx, requires
from jingwu.reference import service


@click.command("seed")
@requires("reference.edit")
@pass_ctx
def seed(ctx: CliContext) -> None:
    """Add the default departments and categories that are missing (idempotent)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        depts, cats = service.seed_defaults(session)
    click.echo(f"Added {depts} department(s) and {cats} categorie(s).")
