"""``jingwu db``: schema migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic import command
from alembic.util import CommandError

from jingwu.cli.context import OPERATOR, requires
from jingwu.config import ConfigError, get_settings
from jingwu.db import normalize_url
from jingwu.migrations import alembic_config, check_exists


@contextmanager
def _alembic() -> Iterator[None]:
    """Alembic's refusals as one sentence (exit 2)."""
    try:
        yield
    except CommandError as exc:
        raise ConfigError(f"{exc} (JINGWU_DATABASE_URL; `jingwu db upgrade`).") from None


def upgrade_database(url: str, revision: str = "heads") -> None:
    """Apply migrations up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(normalize_url(url)), revision)


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@requires(OPERATOR)
@click.argument("revision", default="heads")
def upgrade(revision: str) -> None:
    """Apply migrations (honours JINGWU_DATABASE_URL)."""
    url = get_settings().effective_database_url
    with _alembic():
        upgrade_database(url, revision)
    click.echo(f"Database is at revision {revision}.")


@db.command("check")
@requires(OPERATOR)
def check() -> None:
    """Fail when the models and the migrations disagree."""
    url = get_settings().effective_database_url
    check_exists(url)
    with _alembic():
        command.check(alembic_config(normalize_url(url)))
    click.echo("Models and migrations agree.")


@db.command("current")
@requires(OPERATOR)
def current() -> None:
    """Show the applied revision."""
    url = get_settings().effective_database_url
    check_exists(url)
    with _alembic():
        command.current(alembic_config(normalize_url(url)))
