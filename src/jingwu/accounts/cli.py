"""``jingwu users`` and ``jingwu tokens`` (commands in :mod:`jingwu.accounts.cli_users`)."""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.accounts.cli_users"

cli = LazyGroup(
    "users",
    help="User accounts.",
    lazy={"create": f"{_AT}:create", "list": f"{_AT}:list_users", "reset-2fa": f"{_AT}:reset_2fa"},
)
tokens = LazyGroup("tokens", help="API tokens for scripts.", lazy={"create": f"{_AT}:create_token"})
COMMANDS = (tokens,)
