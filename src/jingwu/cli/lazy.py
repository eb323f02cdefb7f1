"""A click group whose commands are imported when they are used.

``jingwu --help`` lists every command without importing the database layer, the web app or
numpy: a group names its commands and where they live (``"jingwu.org.cli_units:show"``),
and gives the one-line help of those the root lists. Only running a command (or asking
for its own help) imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from jingwu.registry import load


class LazyGroup(click.Group):
    """A group with commands loaded on demand.

    ``lazy`` maps a command name to ``"module:attribute"``; ``summaries`` optionally gives
    the short help to list without importing (used by the root command).
    """

    def __init__(
        self,
        *args: Any,
        lazy: Mapping[str, str] | None = None,
        summaries: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})
        self.summaries = dict(summaries or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            command = load(self.lazy[cmd_name])
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows: list[tuple[str, str]] = []
        limit = formatter.width - 6 - max((len(n) for n in self.list_commands(ctx)), default=0)
        for name in self.list_commands(ctx):
            if name in self.summaries and name not in self.commands:
                rows.append((name, self.summaries[name]))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
