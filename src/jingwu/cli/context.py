"""What every command shares: settings and runtime started lazily, and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, field

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.accounts.service import load_principal
from jingwu.errors import NotFound
from jingwu.runtime import Runtime, start


class BadFile(click.ClickException):
    """A file given to a command cannot be read or is not well-formed: one sentence, exit 2
    (bad rows in a well-formed file are a DomainError: exit 1)."""

    exit_code = 2


@dataclass
class CliContext:
    """Shared by the commands of one invocation."""

    as_user: str | None = None
    _runtime: Runtime | None = field(default=None, repr=False)

    def runtime(self) -> Runtime:
        """Start-up on first use: keys loaded and checked, database opened."""
        if self._runtime is None:
            self._runtime = start()
        return self._runtime

    def principal(self, session: Session) -> Principal:
        """The operator (full scope) or, with ``--as-user``, that user's role and scope."""
        if self.as_user is None:
            return SYSTEM
        user_id = session.scalar(select(User.id).where(User.username == self.as_user))
        principal = load_principal(session, user_id, ip="cli") if user_id else None
        if principal is None:
            raise NotFound(f"No active user {self.as_user!r}.")
        return principal


pass_ctx = click.make_pass_decorator(CliContext, ensure=True)
