"""``jingwu legal``: search the laws in force, and build the index they are searched in.

The commands live in :mod:`jingwu.legal.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.legal.cli_commands"

cli = LazyGroup(
    "legal",
    help="Legal-provision search over the national laws in force.",
    lazy={"search": f"{_AT}:search", "load": f"{_AT}:load"},
)
