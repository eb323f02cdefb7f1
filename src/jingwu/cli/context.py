"""What every command shares: settings and runtime started lazily, and who is acting.

Every command declares the permission it needs with :func:`requires`, right under its
``@…command(...)`` line. Without ``--as-user`` the operator acts (full scope: whoever runs
the command can read the database anyway); with it, the named user's role must hold the
permission, else the command stops with one sentence before it does anything (exit 1).
Commands for the operator alone (keys, migrations, accounts, the processes) need
:data:`OPERATOR`, which only administrators hold.

This module is imported whenever ``jingwu`` starts, so the database layer is imported only
inside the methods that need it: ``jingwu --help`` stays fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jingwu.accounts.principal import SYSTEM, Principal
from jingwu.errors import ConfigError, Forbidden, NotFound

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from jingwu.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])

OPERATOR = "system.operate"
"""Keys, migrations, accounts, the server and the worker: administrators only."""

ANYONE = "anyone"
"""Commands that read only the files they are given (verifying a bundle, a witness)."""


class BadFile(click.ClickException):
    """A file given to a command cannot be read or is not well-formed: one sentence, exit 2
    (bad rows in a well-formed file are a DomainError: exit 1)."""

    exit_code = 2


@dataclass
class CliContext:
    """Shared by the commands of one invocation."""

    as_user: str | None = None
    _runtime: Runtime | None = field(default=None, repr=False)
    _acting: Principal | None = field(default=None, repr=False)

    def runtime(self) -> Runtime:
        """Start-up on first use: keys loaded and checked, database opened."""
        if self._runtime is None:
            from jingwu.runtime import start  # noqa: PLC0415 - the database layer on demand

            self._runtime = start()
        return self._runtime

    def principal(self, session: Session) -> Principal:
        """The operator (full scope) or, with ``--as-user``, that user's role and scope."""
        if self.as_user is None:
            return SYSTEM
        if self._acting is None:
            self._acting = _load(session, self.as_user)
        return self._acting

    def check(self, permission: str, command: str) -> None:
        """Stop unless the acting user may run ``command`` (the operator always may)."""
        if self.as_user is None or permission == ANYONE:
            return
        if self._acting is None:
            try:
                self._acting = _look_up(self.as_user)
            except ConfigError:
                if permission != OPERATOR:
                    raise
                raise ConfigError(
                    f"The role of {self.as_user} cannot be checked before the database is "
                    f"ready: run `{command}` as the operator (without --as-user or JINGWU_USER)."
                ) from None
        acting = self._acting
        if not acting.can(permission):
            raise Forbidden(
                "{user} ({role}) may not run `{command}`: it needs the permission {permission}.",
                params={
                    "command": command,
                    "permission": permission,
                    "user": acting.username,
                    "role": acting.role,
                },
                code="forbidden_role",
            )


def _load(session: Session, username: str) -> Principal:
    from sqlalchemy import select  # noqa: PLC0415 - the database layer on demand

    from jingwu.accounts.models import User  # noqa: PLC0415
    from jingwu.accounts.service import load_principal  # noqa: PLC0415

    user_id = session.scalar(select(User.id).where(User.username == username))
    principal = load_principal(session, user_id, ip="cli") if user_id else None
    if principal is None:
        raise NotFound("No active user '{as_user}'.", params={"as_user": username})
    return principal


def _look_up(username: str) -> Principal:
    """The acting user, read before the command starts (no keys needed, nothing cached)."""
    from jingwu.config import get_settings  # noqa: PLC0415
    from jingwu.db import Database  # noqa: PLC0415 - the database layer on demand
    from jingwu.migrations import check_database  # noqa: PLC0415

    url = get_settings().effective_database_url
    check_database(url)
    db = Database.from_url(url)
    try:
        with db.unit_of_work(write=False) as session:
            return _load(session, username)
    finally:
        db.engine.dispose()


def requires(permission: str) -> Callable[[F], F]:
    """Declare the permission a command needs; checked before the command runs."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            click_ctx = click.get_current_context()
            click_ctx.ensure_object(CliContext).check(permission, click_ctx.command_path)
            return command(*args, **kwargs)

        run.permission = permission  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate


pass_ctx = click.make_pass_decorator(CliContext, ensure=True)
