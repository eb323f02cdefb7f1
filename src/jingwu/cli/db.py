"""``jingwu db``: schema migrations."""

from __future__ import annotations

import click
from alembic import command

from jingwu.config import get_settings
from jingwu.db import normalize_url
from jingwu.migrations import alembic_config


def upgrade_database(url: str, revision: str = "heads") -> None:
    """Apply migrations up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(normalize_url(url)), revision)


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="heads")
def upgrade(revision: str) -> None:
    """Apply migrations (honours JINGWU_DATABASE_URL)."""
    url = get_settings().effective_database_url
    upgrade_database(url, revision)
    click.echo(f"Database is at revision {revision}.")


@db.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree."""
    command.check(alembic_config(normalize_url(get_settings().effective_database_url)))
    click.echo("Models and migrations agree.")


@db.command("current")
def current() -> None:
    """Show the applied revision."""
    command.current(alembic_config(normalize_url(get_settings().effective_database_url)))
